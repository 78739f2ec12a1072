import { isLoopback, resolveEndpoint } from './endpoint';
import { RegistryConfigError } from './errors';

describe('resolveEndpoint', () => {
  it('uses plain HTTP for loopback registries and HTTPS elsewhere', () => {
    expect(resolveEndpoint('127.0.0.1:5000', {})).toEqual({ baseUrl: 'http://127.0.0.1:5000', name: '127.0.0.1:5000' });
    expect(resolveEndpoint('localhost:5000', {})).toEqual({ baseUrl: 'http://localhost:5000', name: 'localhost:5000' });
    expect(resolveEndpoint('registry.example', {})).toEqual({
      baseUrl: 'https://registry.example',
      name: 'registry.example',
    });
  });

  it('uses HTTPS on loopback when a CA is given, and keeps an explicit scheme', () => {
    expect(resolveEndpoint('127.77.0.1:5000', { tls: true }).baseUrl).toBe('https://127.77.0.1:5000');
    expect(resolveEndpoint('https://127.0.0.1:5443', {}).baseUrl).toBe('https://127.0.0.1:5443');
  });

  it('allows plain HTTP off loopback only when marked insecure', () => {
    expect(() => resolveEndpoint('http://registry.example:5000', {})).toThrow(RegistryConfigError);
    expect(() => resolveEndpoint('http://registry.example:5000', {})).toThrow(
      'Plain HTTP to a registry that is not on loopback is refused',
    );
    expect(resolveEndpoint('registry.example:5000', { insecure: true }).baseUrl).toBe('http://registry.example:5000');
  });

  it('rejects addresses with a path or another scheme', () => {
    expect(() => resolveEndpoint('registry.example/team', {})).toThrow('must be only a host[:port]');
    expect(() => resolveEndpoint('ftp://registry.example', {})).toThrow('has scheme "ftp"');
  });

  it('knows loopback addresses', () => {
    expect(['127.0.0.1', '127.77.3.2', '::1', '[::1]', 'localhost'].every(isLoopback)).toBe(true);
    expect(['10.0.0.1', '128.0.0.1', 'registry.example'].some(isLoopback)).toBe(false);
  });
});
