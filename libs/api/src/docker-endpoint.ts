const SCHEMES = ['unix:', 'tcp:', 'ssh:'] as const;

/** The address of a host's tasks as implied by its Docker endpoint (see `HostSpec.address`). */
export function defaultHostAddress(endpoint: string): string | undefined {
  const url = parseEndpoint(endpoint);
  if (!url) return undefined;
  if (url.protocol === 'unix:') return '127.0.0.1';
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/** True for `unix:///path`, `tcp://host:port` and `ssh://[user@]host[:port]`. */
export function isDockerEndpoint(endpoint: string): boolean {
  return parseEndpoint(endpoint) !== undefined;
}

function parseEndpoint(endpoint: string): URL | undefined {
  if (!URL.canParse(endpoint)) return undefined;
  const url = new URL(endpoint);
  if (!(SCHEMES as readonly string[]).includes(url.protocol)) return undefined;
  if (url.protocol === 'unix:') return url.pathname.startsWith('/') && url.hostname === '' ? url : undefined;
  return url.hostname !== '' ? url : undefined;
}
