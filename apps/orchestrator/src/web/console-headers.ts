/**
 * The console's policy: only files of this origin run or style the page (no inline code, no
 * eval), and it talks only to this origin (HTTP and WebSocket). The page itself may add style
 * elements under `styleNonce` (the terminal's own), fresh on every answer.
 */
export function consolePolicy(styleNonce?: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    styleNonce === undefined ? "style-src 'self'" : `style-src 'self' 'nonce-${styleNonce}'`,
    "connect-src 'self'",
    "img-src 'self'",
    "font-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function securityHeaders(styleNonce?: string): Record<string, string> {
  return {
    'Content-Security-Policy': consolePolicy(styleNonce),
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
  };
}

/** Where the built page names the nonce (`<meta name="cj-style-nonce" content="…">`). */
export const STYLE_NONCE_PLACEHOLDER = 'CJ_STYLE_NONCE';
