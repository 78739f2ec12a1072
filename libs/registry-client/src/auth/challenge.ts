/** One authentication challenge from a `WWW-Authenticate` header (RFC 7235). */
export interface Challenge {
  /** Lower-cased scheme: `basic`, `bearer`. */
  readonly scheme: string;
  /** Parameters with lower-cased names (`realm`, `service`, `scope`, `error`). */
  readonly params: Readonly<Record<string, string>>;
}

// scheme, or name=value where the value is a token or a quoted string with backslash escapes.
const TOKEN = /\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*/y;
const PARAM = /\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*/y;

/**
 * Parses every challenge in a header value, e.g.
 * `Bearer realm="https://auth/token",service="registry",scope="repository:a:pull"`.
 * Commas separate both parameters and challenges; a name not followed by `=` starts a new challenge.
 */
export function parseChallenges(header: string): Challenge[] {
  const challenges: { scheme: string; params: Record<string, string> }[] = [];
  let position = 0;
  while (position < header.length) {
    if (header[position] === ',') {
      position += 1;
      continue;
    }
    PARAM.lastIndex = position;
    const param = challenges.length > 0 ? PARAM.exec(header) : null;
    if (param) {
      const value = param[2] !== undefined ? param[2].replace(/\\(.)/g, '$1') : param[3];
      challenges[challenges.length - 1].params[param[1].toLowerCase()] = value;
      position = PARAM.lastIndex;
      continue;
    }
    TOKEN.lastIndex = position;
    const scheme = TOKEN.exec(header);
    if (!scheme) break;
    challenges.push({ scheme: scheme[1].toLowerCase(), params: {} });
    position = TOKEN.lastIndex;
  }
  return challenges;
}
