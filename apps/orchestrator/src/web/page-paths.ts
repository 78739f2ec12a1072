/**
 * Where the status page is served. The page itself is public (it holds no data); every API path
 * it reads stays behind the bearer token.
 */
export const PAGE_PATHS: readonly string[] = ['/', '/ui'];
