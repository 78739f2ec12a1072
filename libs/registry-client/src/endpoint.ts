import { isIP } from 'node:net';
import { RegistryConfigError } from './errors';

/** Where a registry is reached: its base URL, and the name errors and credentials use. */
export interface RegistryEndpoint {
  /** `http://127.0.0.1:5000` or `https://registry.example` (no trailing slash). */
  readonly baseUrl: string;
  /** `host[:port]`, as in image references and Docker config keys. */
  readonly name: string;
}

/**
 * Turns `host:port` or a URL into an endpoint. Without a scheme, loopback registries use plain
 * HTTP (as Docker treats them as insecure) unless a CA is given, and others use HTTPS. Plain HTTP
 * to anything but loopback must be asked for with `insecure`, so credentials never cross a
 * network in the clear by accident.
 */
export function resolveEndpoint(registry: string, options: { insecure?: boolean; tls?: boolean }): RegistryEndpoint {
  const hasScheme = /^[a-z]+:\/\//i.test(registry);
  let url: URL;
  try {
    url = new URL(hasScheme ? registry : `placeholder://${registry}`);
  } catch {
    throw invalid(registry, 'is not a host[:port] or URL');
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.username) {
    throw invalid(registry, 'must be only a host[:port] or scheme://host[:port], without path, query or user');
  }
  const name = url.host;
  const loopback = isLoopback(url.hostname);
  const scheme = hasScheme
    ? url.protocol.slice(0, -1)
    : loopback && !options.tls
      ? 'http'
      : options.insecure && !options.tls
        ? 'http'
        : 'https';
  if (scheme !== 'http' && scheme !== 'https') throw invalid(registry, `has scheme "${scheme}"; use http or https`);
  if (scheme === 'http' && !loopback && !options.insecure) {
    throw new RegistryConfigError(
      { registry: name },
      'Plain HTTP to a registry that is not on loopback is refused',
      'Serve the registry over HTTPS (give its CA certificate if it is private), or mark it insecure explicitly.',
    );
  }
  return { baseUrl: `${scheme}://${name}`, name };
}

export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

function invalid(registry: string, problem: string): RegistryConfigError {
  return new RegistryConfigError(
    { registry },
    `The registry address "${registry}" ${problem}`,
    'Give it as host[:port] (registry.example:5000) or as a URL (https://registry.example).',
  );
}
