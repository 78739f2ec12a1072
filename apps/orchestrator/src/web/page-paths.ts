/**
 * Where the web console is served. Its files are public (they hold no data); every API path it
 * reads stays behind the bearer token.
 */
export const PAGE_PATHS: readonly string[] = ['/', '/ui'];

/** The console's built scripts and styles (hashed names, from the Vite build). */
export const ASSET_PREFIX = '/assets/';

export function isPublicPath(path: string): boolean {
  return path === '/healthz' || PAGE_PATHS.includes(path) || path.startsWith(ASSET_PREFIX);
}
