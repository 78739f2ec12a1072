import { toRollbackView, type ActiveRollout } from '@cj/domain';
import type { HistoryResponse, JobSpec, RollbackView } from '@cj/api';
import type { ReadDb } from '../read-db';

export interface CurrentRevision {
  readonly revision: number;
  readonly spec: JobSpec;
}

interface RevisionRow {
  revision: number;
  spec: string;
  image: string;
  digest: string | null;
  changes: string;
  actor: string;
  reason: string | null;
  at: string;
}

/** Parsed revision specs kept, oldest dropped first. */
const MAX_CACHED_SPECS = 1_000;

/** Jobs and revisions, answered from the jobs projection. */
export class JobQueries {
  private readonly specs = new Map<string, JobSpec>();

  constructor(private readonly db: ReadDb) {}

  activeJobNames(env: string): string[] {
    const rows = this.db.prepare('SELECT job FROM jobs WHERE env = ? AND removed = 0 ORDER BY job').all(env) as {
      job: string;
    }[];
    return rows.map((row) => row.job);
  }

  /** Every job the env ever had, removed ones too: what an "as of" look starts from. */
  jobNames(env: string): string[] {
    const rows = this.db.prepare('SELECT job FROM jobs WHERE env = ? ORDER BY job').all(env) as { job: string }[];
    return rows.map((row) => row.job);
  }

  /** Whether the env ever had the job (a removed job still did). */
  known(env: string, job: string): boolean {
    return this.db.prepare('SELECT 1 FROM jobs WHERE env = ? AND job = ?').get(env, job) !== undefined;
  }

  current(env: string, job: string): CurrentRevision | undefined {
    const row = this.db
      .prepare(
        `SELECT r.revision, r.spec FROM jobs j JOIN revisions r ON r.env = j.env AND r.job = j.job AND r.revision = j.current_revision
         WHERE j.env = ? AND j.job = ? AND j.removed = 0`,
      )
      .get(env, job) as { revision: number; spec: string } | undefined;
    return row ? { revision: row.revision, spec: JSON.parse(row.spec) as JobSpec } : undefined;
  }

  /**
   * A revision's spec. Revisions are immutable and their numbers never reused, so each is parsed
   * once: observation asks for every task's on every pass, and a 200-task spec is no small parse.
   */
  revision(env: string, job: string, revision: number): JobSpec | undefined {
    const key = JSON.stringify([env, job, revision]);
    const cached = this.specs.get(key);
    if (cached) return cached;
    const row = this.db
      .prepare('SELECT spec FROM revisions WHERE env = ? AND job = ? AND revision = ?')
      .get(env, job, revision) as { spec: string } | undefined;
    if (!row) return undefined;
    const spec = JSON.parse(row.spec) as JobSpec;
    if (this.specs.size >= MAX_CACHED_SPECS) this.specs.delete(this.specs.keys().next().value as string);
    this.specs.set(key, spec);
    return spec;
  }

  /** Current specs of every active job of the env, by name. */
  currentSpecs(env: string): Map<string, CurrentRevision> {
    const rows = this.db
      .prepare(
        `SELECT j.job, r.revision, r.spec FROM jobs j JOIN revisions r ON r.env = j.env AND r.job = j.job AND r.revision = j.current_revision
         WHERE j.env = ? AND j.removed = 0 ORDER BY j.job`,
      )
      .all(env) as { job: string; revision: number; spec: string }[];
    return new Map(rows.map((row) => [row.job, { revision: row.revision, spec: JSON.parse(row.spec) as JobSpec }]));
  }

  /** Undefined when the env never had the job. */
  history(env: string, job: string): HistoryResponse | undefined {
    const head = this.db.prepare('SELECT current_revision FROM jobs WHERE env = ? AND job = ?').get(env, job) as
      { current_revision: number | null } | undefined;
    if (!head) return undefined;
    const rows = this.db
      .prepare('SELECT * FROM revisions WHERE env = ? AND job = ? ORDER BY revision DESC')
      .all(env, job) as RevisionRow[];
    return {
      job,
      ...(head.current_revision !== null && { current: head.current_revision }),
      revisions: rows.map((row) => ({
        revision: row.revision,
        image: row.image,
        ...(row.digest !== null && { digest: row.digest }),
        changes: JSON.parse(row.changes) as HistoryResponse['revisions'][number]['changes'],
        actor: row.actor,
        ...(row.reason !== null && { reason: row.reason }),
        at: row.at,
      })),
      rollbacks: this.rollbacks(env, job),
    };
  }

  /**
   * Newest first; who and why from the start of each rollout in the audit log, found by the
   * rollout's index (left to itself, SQLite reads every RolloutStarted of the env per rollout).
   */
  private rollbacks(env: string, job: string): RollbackView[] {
    const rows = this.db
      .prepare(
        `SELECT r.state, a.actor, a.reason FROM rollouts r
         LEFT JOIN audit_log a INDEXED BY audit_log_env_rollout ON a.env = r.env AND a.rollout = r.id AND a.type = 'RolloutStarted'
         WHERE r.env = ? AND r.job = ? ORDER BY r.started_at DESC`,
      )
      .all(env, job) as { state: string; actor: string | null; reason: string | null }[];
    return rows.flatMap((row) => {
      const view = toRollbackView(JSON.parse(row.state) as ActiveRollout, {
        actor: row.actor ?? 'unknown',
        ...(row.reason !== null && { reason: row.reason }),
      });
      return view ? [view] : [];
    });
  }
}
