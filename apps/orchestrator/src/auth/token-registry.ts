import Database from 'better-sqlite3';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Principal, Role } from './roles';

export interface TokenView {
  readonly name: string;
  readonly role: Role;
  readonly createdAt: string;
  readonly createdBy: string;
}

export class TokenNameTakenError extends Error {
  constructor(readonly tokenName: string) {
    super(`a token named ${tokenName} exists already`);
  }
}

const hash = (token: string) => createHash('sha256').update(token).digest();

/**
 * Named bearer tokens, each with a role, kept in their own SQLite file (`--tokens-db`) as SHA-256
 * hashes: the secret is shown once, when created, and never stored. Credentials stay out of the
 * event log on purpose: the log is replicated and exported per environment, and a revocation must
 * hold at once, not once a projection catches up. A revoked token is deleted; the audit log keeps
 * what it did, under its name.
 */
export class TokenRegistry {
  private readonly db: Database.Database;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS tokens (
      name TEXT PRIMARY KEY,
      role TEXT NOT NULL,
      hash BLOB NOT NULL UNIQUE,
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL
    )`);
  }

  /** Any named token exists: then every request needs a token, as with `--token`. */
  get any(): boolean {
    return this.db.prepare('SELECT 1 FROM tokens LIMIT 1').get() !== undefined;
  }

  /** Creates a token and returns its secret, the only time it is seen. */
  create(name: string, role: Role, createdBy: string, now: string): { token: string; view: TokenView } {
    const token = `cj_${randomBytes(24).toString('base64url')}`;
    const inserted = this.db
      .prepare(
        'INSERT INTO tokens (name, role, hash, created_at, created_by) VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING',
      )
      .run(name, role, hash(token), now, createdBy);
    if (inserted.changes === 0) throw new TokenNameTakenError(name);
    return { token, view: { name, role, createdAt: now, createdBy } };
  }

  list(): TokenView[] {
    return (
      this.db.prepare('SELECT name, role, created_at, created_by FROM tokens ORDER BY name').all() as {
        name: string;
        role: Role;
        created_at: string;
        created_by: string;
      }[]
    ).map((row) => ({ name: row.name, role: row.role, createdAt: row.created_at, createdBy: row.created_by }));
  }

  /** True when the token existed. From now on it authenticates nothing. */
  revoke(name: string): boolean {
    return this.db.prepare('DELETE FROM tokens WHERE name = ?').run(name).changes > 0;
  }

  /** The token's owner, compared by hash (an index lookup, then a constant-time check). */
  principalOf(token: string): Principal | undefined {
    const digest = hash(token);
    const row = this.db.prepare('SELECT name, role, hash FROM tokens WHERE hash = ?').get(digest) as
      { name: string; role: Role; hash: Buffer } | undefined;
    return row && timingSafeEqual(row.hash, digest) ? { name: row.name, role: row.role } : undefined;
  }

  onApplicationShutdown(): void {
    if (this.db.open) this.db.close();
  }
}
