/** The host key types OpenSSH servers offer and cj's ssh client can check. */
export const SSH_HOST_KEY_TYPES = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'ssh-rsa',
] as const;

export type SshHostKeyType = (typeof SSH_HOST_KEY_TYPES)[number];

/** A host's public key: its type and its key blob, base64 as OpenSSH writes it. */
export interface SshHostKey {
  readonly type: SshHostKeyType;
  readonly blob: string;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Reads a public key as OpenSSH writes it: `ssh-ed25519 AAAA… [comment]` (a `.pub` file), or the
 * same after a host pattern (a known_hosts or ssh-keyscan line). Undefined when it is not one,
 * including a blob that is not its type's fields end to end, as a truncated paste is not.
 */
export function parseSshHostKey(line: string): SshHostKey | undefined {
  const fields = line.trim().split(/\s+/);
  const at = fields.findIndex((field) => (SSH_HOST_KEY_TYPES as readonly string[]).includes(field));
  // The type comes first, or second after the host pattern.
  if (at < 0 || at > 1) return undefined;
  const type = fields[at] as SshHostKeyType;
  const blob = fields[at + 1];
  if (blob === undefined || !BASE64.test(blob) || blob.length % 4 !== 0) return undefined;
  const parts = blobFields(atob(blob));
  const [name, ...key] = parts ?? [];
  return name === type && key.length === (type === 'ssh-ed25519' ? 1 : 2) && key.every((part) => part.length > 0)
    ? { type, blob }
    : undefined;
}

/** `type blob`, the form a pinned key is kept in. */
export function formatSshHostKey(key: SshHostKey): string {
  return `${key.type} ${key.blob}`;
}

/**
 * A key blob is a row of fields, each a uint32 length then that many bytes (RFC 4253 §6.6): the type
 * name, then the key (ed25519), the curve and point (ecdsa), or the exponent and modulus (rsa).
 */
function blobFields(bytes: string): string[] | undefined {
  const fields: string[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + 4 > bytes.length) return undefined;
    const length =
      ((bytes.charCodeAt(at) << 24) |
        (bytes.charCodeAt(at + 1) << 16) |
        (bytes.charCodeAt(at + 2) << 8) |
        bytes.charCodeAt(at + 3)) >>>
      0;
    at += 4;
    if (at + length > bytes.length) return undefined;
    fields.push(bytes.slice(at, at + length));
    at += length;
  }
  return fields;
}
