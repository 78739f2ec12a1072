import { badTargetEndpoint, targetHostAddress } from './host-target';

describe('a host an environment is copied onto (replicate, import)', () => {
  it('answers where the map says, else where its endpoint implies, as a jobs file host does', () => {
    expect(targetHostAddress({ name: 'n1', endpoint: 'tcp://10.1.0.5:2376', address: '10.1.0.9' })).toBe('10.1.0.9');
    expect(targetHostAddress({ name: 'n1', endpoint: 'tcp://10.1.0.5:2376' })).toBe('10.1.0.5');
    expect(targetHostAddress({ name: 'n1', endpoint: 'ssh://deploy@[::1]:22' })).toBe('::1');
    expect(targetHostAddress({ name: 'n1', endpoint: 'unix:///var/run/docker.sock' })).toBe('127.0.0.1');
  });

  it('takes only a Docker endpoint, and names the host and what to write when it is not one', () => {
    expect(badTargetEndpoint('h1', { name: 'n1' })).toBeUndefined();
    expect(badTargetEndpoint('h1', { name: 'n1', endpoint: 'unix:///run/docker.sock' })).toBeUndefined();
    expect(badTargetEndpoint('h1', { name: 'n1', endpoint: 'unix://relative.sock' })).toEqual({
      message: 'endpoint unix://relative.sock of host n1 (for h1) is not a Docker endpoint',
      hint: 'write it as unix:///path, tcp://host:port or ssh://[user@]host[:port]',
    });
    expect(badTargetEndpoint('h1', { name: 'n1', endpoint: 'http://10.0.0.1' })?.message).toMatch(
      /not a Docker endpoint/,
    );
  });
});
