import { defaultHostAddress, isDockerEndpoint } from './docker-endpoint';

describe('Docker endpoints', () => {
  it.each([
    ['unix:///var/run/docker.sock', '127.0.0.1'],
    ['tcp://10.1.2.3:2376', '10.1.2.3'],
    ['ssh://deploy@git-app-1', 'git-app-1'],
    ['tcp://[::1]:2376', '::1'],
  ])('%s answers at %s by default', (endpoint, address) => {
    expect(isDockerEndpoint(endpoint)).toBe(true);
    expect(defaultHostAddress(endpoint)).toBe(address);
  });

  it.each([['http://h:2375'], ['unix://relative.sock'], ['tcp://'], ['/var/run/docker.sock']])(
    'rejects %s',
    (endpoint) => expect(isDockerEndpoint(endpoint)).toBe(false),
  );
});
