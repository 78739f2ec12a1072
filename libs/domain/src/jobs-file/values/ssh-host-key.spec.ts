import { formatSshHostKey, parseSshHostKey } from './ssh-host-key';

const ED25519 = 'AAAAC3NzaC1lZDI1NTE5AAAAIGxYhCZXfTnd2rkm7goxrkW/41TEL4kwBjtn+AkJd/2h';
const RSA =
  'AAAAB3NzaC1yc2EAAAADAQABAAAAgQCfWBKiKEAU0LxyKtaGGxKrTTYcMHsyN6an0//9rLts81AIlrLAYq9dBwYk+U/EaEb+JwhaKnU9G9HoD4B6X5RQgcqWOtHZ17fMZGiIdmFf9eAaFRUOA2PJyL/X+jSh3Hohf0kf4J1I3dN4daCtuMK1gr/u3mwknLPpZ+sMiAMpRw==';
const ECDSA =
  'AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBAOoIbT7t4NO5SsRQTB2FWn5HQS3FCI85XaEZ3Cnh6ehsXy9+fMAUcNr4m0/vIM1vrBBui/4/+Y9mAbFdmH1Ui4=';

describe('an ssh host key line', () => {
  it('is read from a .pub line, with or without its comment', () => {
    expect(parseSshHostKey(`ssh-ed25519 ${ED25519} root@h1`)).toEqual({ type: 'ssh-ed25519', blob: ED25519 });
    expect(parseSshHostKey(`  ecdsa-sha2-nistp256 ${ECDSA}\n`)).toEqual({ type: 'ecdsa-sha2-nistp256', blob: ECDSA });
    expect(parseSshHostKey(`ssh-rsa ${RSA}`)).toEqual({ type: 'ssh-rsa', blob: RSA });
  });

  it('is read from a known_hosts or ssh-keyscan line, after its host pattern', () => {
    expect(parseSshHostKey(`[h1]:2222 ssh-ed25519 ${ED25519}`)).toEqual({ type: 'ssh-ed25519', blob: ED25519 });
  });

  it('is kept as "type blob", without the comment', () => {
    expect(formatSshHostKey(parseSshHostKey(`ssh-ed25519 ${ED25519} root@h1`)!)).toBe(`ssh-ed25519 ${ED25519}`);
  });

  it.each([
    ['a fingerprint', 'SHA256:3wW1Vd0hpXx5pP8p7yQ'],
    ['a type alone', 'ssh-ed25519'],
    ['a truncated paste', `ssh-ed25519 ${ED25519.slice(0, 20)}`],
    ['a blob of another type', `ssh-rsa ${ED25519}`],
    ['an unknown type', `ssh-foo ${ED25519}`],
    ['characters outside base64', 'ssh-ed25519 AAAA$$$$'],
    ['a private key', '-----BEGIN OPENSSH PRIVATE KEY-----'],
    ['the type too far along', `h1 h2 ssh-ed25519 ${ED25519}`],
  ])('is not %s', (_, line) => {
    expect(parseSshHostKey(line)).toBeUndefined();
  });
});
