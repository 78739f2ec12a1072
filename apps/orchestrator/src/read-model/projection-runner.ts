import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { EventStore, RecordedEvent, Subscription } from '@cj/event-store';
import type { Metrics } from '../metrics/metrics';
import type { Projection } from './projection';
import type { ReadDb } from './read-db';
import { ReadModelCopy, type ReadModelDifference } from './read-model-copy';

/** Every stream cj writes starts with this prefix. */
export const CJ_STREAM_PREFIX = 'cj.';
const RESUBSCRIBE_DELAY_MS = 1000;
/** While catching up, this many events are folded in one transaction (one commit, not one each). */
const CATCH_UP_BATCH = 1000;
/** How often a long replay says how far it is. */
const PROGRESS_EVERY_MS = 5000;

interface Waiter {
  readonly position: bigint;
  readonly resolve: () => void;
}

export class ProjectionTimeoutError extends Error {
  override readonly name = 'ProjectionTimeoutError';
  constructor(
    readonly position: bigint,
    readonly applied: bigint,
  ) {
    super(`the read models did not reach log position ${position} (at ${applied})`);
  }
}

/**
 * Feeds the projections from a catch-up subscription to `$all` (prefix `cj.`). Each event is
 * applied to every projection that has not seen it, and the checkpoints move in the same
 * transaction. `waitFor` lets a command answer only once its events are visible (read-your-writes).
 */
export class ProjectionRunner {
  private readonly logger = new Logger('projections');
  private subscription?: Subscription;
  private retryTimer?: NodeJS.Timeout;
  private applied = -1n;
  private waiters: Waiter[] = [];
  private caughtUpWaiters: (() => void)[] = [];
  private live = false;
  private stopped = true;
  private readonly appliedListeners = new Set<(position: bigint) => void>();
  /** Events delivered while catching up, not yet folded. */
  private pending: RecordedEvent[] = [];
  private replay?: { readonly from: bigint; readonly startedAt: number; lastReportAt: number; events: number };

  constructor(
    private readonly store: EventStore,
    private readonly db: ReadDb,
    private readonly projections: readonly Projection[],
    private readonly metrics: Metrics,
  ) {}

  /** Global position the read models have applied (-1 before the first event). */
  get position(): bigint {
    return this.applied;
  }

  get isCaughtUp(): boolean {
    return this.live;
  }

  start(): void {
    this.stopped = false;
    this.replayChanged();
    for (const projection of this.projections) this.db.exec(projection.schema);
    const checkpoints = this.checkpoints();
    const from = this.projections.reduce<bigint>((min, p) => {
      const at = checkpoints.get(p.name) ?? -1n;
      return at < min ? at : min;
    }, BigInt(Number.MAX_SAFE_INTEGER));
    this.applied = from;
    this.release();
    this.live = false;
    this.pending = [];
    this.replay = { from, startedAt: Date.now(), lastReportAt: Date.now(), events: 0 };
    this.metrics.projectionPosition.set(Number(from));
    this.subscription = this.store.subscribeToAll(
      { fromPosition: from < 0n ? 'start' : from, filter: { streamPrefixes: [CJ_STREAM_PREFIX] } },
      {
        onEvent: (event) => {
          // Live events are folded at once (read-your-writes); history in batches, for speed.
          this.pending.push(event);
          if (this.live || this.pending.length >= CATCH_UP_BATCH) this.flush(checkpoints);
        },
        onCaughtUp: () => {
          this.flush(checkpoints);
          this.reportReplay(true);
          this.live = true;
          for (const resolve of this.caughtUpWaiters.splice(0)) resolve();
          this.logger.log({ msg: 'read models caught up', position: String(this.applied) });
        },
        onError: (error) => this.restartAfter(error),
      },
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription?.close();
  }

  /**
   * Replays the whole log into new read models built beside the live ones, which keep serving
   * (and following the log) meanwhile; once the new ones have caught up, they replace the live
   * ones in one transaction. Progress goes to the log and to `/metrics`.
   */
  async rebuild(): Promise<void> {
    const copy = new ReadModelCopy(this.store, this.projections, CJ_STREAM_PREFIX);
    try {
      this.logger.log({ msg: 'rebuilding the read models beside the live ones' });
      await this.fill(copy);
      await this.stop();
      // The events appended while the copy was built; the live read models answer until the swap.
      await this.fill(copy);
      copy.swapInto(this.db);
      this.logger.log({ msg: 'rebuilt read models swapped in', position: String(copy.position), events: copy.folded });
    } finally {
      copy.dispose();
    }
    this.start();
  }

  /**
   * Replays the whole log into scratch read models and compares them, row by row, with the live
   * ones at the same log position: any difference is a read model that a replay would not make.
   */
  async verify(): Promise<{ position: bigint; events: number; differences: ReadModelDifference[] }> {
    const copy = new ReadModelCopy(this.store, this.projections, CJ_STREAM_PREFIX);
    try {
      await this.fill(copy);
      for (let attempt = 0; ; attempt++) {
        if (this.applied < copy.position) await this.waitFor(copy.position);
        if (this.applied > copy.position) await copy.catchUp({ until: this.applied });
        // Both at one position and nothing between here and the comparison can fold an event.
        if (this.applied === copy.position)
          return { position: copy.position, events: copy.folded, differences: copy.differences(this.db) };
        if (attempt >= 20)
          throw new Error('the log kept moving; verify the read models when fewer commands are running');
      }
    } finally {
      copy.dispose();
    }
  }

  private async fill(copy: ReadModelCopy): Promise<void> {
    const startedAt = Date.now();
    let reportedAt = startedAt;
    await copy.catchUp({
      progress: (position, events) => {
        const now = Date.now();
        if (now - reportedAt < PROGRESS_EVERY_MS) return;
        reportedAt = now;
        const perSecond = Math.round(events / Math.max((now - startedAt) / 1000, 0.001));
        this.metrics.projectionReplayRate.set(perSecond);
        this.logger.log({
          msg: 'replaying the log into new read models',
          position: String(position),
          events,
          perSecond,
        });
      },
    });
  }

  /**
   * A projection whose schema or version changed since its tables were built (a new cj release)
   * loses its tables and checkpoint, and is replayed from the start: the others keep theirs.
   */
  private replayChanged(): void {
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS projection_fingerprint (name TEXT PRIMARY KEY, fingerprint TEXT NOT NULL)',
    );
    const rows = this.db.prepare('SELECT name, fingerprint FROM projection_fingerprint').all() as {
      name: string;
      fingerprint: string;
    }[];
    const built = new Map(rows.map((row) => [row.name, row.fingerprint]));
    const save = this.db.prepare(
      'INSERT INTO projection_fingerprint (name, fingerprint) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET fingerprint = excluded.fingerprint',
    );
    this.db.transaction(() => {
      for (const projection of this.projections) {
        const fingerprint = createHash('sha256').update(`${projection.version}\n${projection.schema}`).digest('hex');
        if (built.get(projection.name) === fingerprint) continue;
        for (const table of projection.tables) this.db.exec(`DROP TABLE IF EXISTS ${table}`);
        const dropped =
          this.db.prepare('DELETE FROM projection_checkpoint WHERE name = ?').run(projection.name).changes > 0;
        if (dropped)
          this.logger.log({ msg: 'read model changed since it was built; replaying it', projection: projection.name });
        save.run(projection.name, fingerprint);
      }
    })();
  }

  /** Calls `listener` after every event the read models applied (the console's live feed); returns how to stop. */
  onApplied(listener: (position: bigint) => void): () => void {
    this.appliedListeners.add(listener);
    return () => this.appliedListeners.delete(listener);
  }

  /** Resolves once the subscription has delivered the history and is live. */
  caughtUp(): Promise<void> {
    if (this.live) return Promise.resolve();
    return new Promise((resolve) => this.caughtUpWaiters.push(resolve));
  }

  /** Resolves once every event up to `position` is applied; rejects after `timeoutMs`. */
  waitFor(position: bigint, timeoutMs = 15_000): Promise<void> {
    if (this.applied >= position) return Promise.resolve();
    this.metrics.projectionLag.inc();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((waiter) => waiter !== entry);
        this.metrics.projectionLag.dec();
        reject(new ProjectionTimeoutError(position, this.applied));
      }, timeoutMs);
      const entry: Waiter = {
        position,
        resolve: () => {
          clearTimeout(timer);
          this.metrics.projectionLag.dec();
          resolve();
        },
      };
      this.waiters.push(entry);
    });
  }

  private checkpoints(): Map<string, bigint> {
    const rows = this.db.prepare('SELECT name, position FROM projection_checkpoint').safeIntegers(true).all() as {
      name: string;
      position: bigint;
    }[];
    return new Map(rows.map((row) => [row.name, row.position]));
  }

  /**
   * Folds the pending events into every projection that has not seen them, and moves the
   * checkpoints, in one transaction: the read models and their checkpoints never disagree.
   */
  private flush(checkpoints: Map<string, bigint>): void {
    const events = this.pending;
    if (events.length === 0) return;
    this.pending = [];
    const save = this.db.prepare(
      'INSERT INTO projection_checkpoint (name, position) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET position = excluded.position',
    );
    const moved = new Map<string, bigint>();
    this.db.transaction(() => {
      for (const event of events) {
        for (const projection of this.projections) {
          const at = moved.get(projection.name) ?? checkpoints.get(projection.name) ?? -1n;
          // At-least-once delivery: an event at or before the checkpoint was applied already.
          if (event.position <= at) continue;
          projection.apply(this.db, event);
          moved.set(projection.name, event.position);
        }
      }
      for (const [name, position] of moved) save.run(name, position);
    })();
    // Only once committed: a failed batch leaves the checkpoints where the database has them.
    for (const [name, position] of moved) checkpoints.set(name, position);
    const last = events[events.length - 1].position;
    this.applied = last;
    this.metrics.projectionPosition.set(Number(last));
    if (this.replay) {
      this.replay.events += events.length;
      this.reportReplay(false);
    }
    this.release();
    for (const listener of this.appliedListeners) listener(last);
  }

  /** A long replay says how far it is every few seconds, and how fast it went once caught up. */
  private reportReplay(done: boolean): void {
    const replay = this.replay;
    if (!replay) return;
    const now = Date.now();
    if (!done && now - replay.lastReportAt < PROGRESS_EVERY_MS) return;
    replay.lastReportAt = now;
    const seconds = Math.max((now - replay.startedAt) / 1000, 0.001);
    const perSecond = Math.round(replay.events / seconds);
    this.metrics.projectionReplayRate.set(perSecond);
    if (done) this.replay = undefined;
    if (done && replay.events === 0) return;
    this.logger.log({
      msg: done ? 'read models replayed' : 'replaying the log into the read models',
      position: String(this.applied),
      events: replay.events,
      perSecond,
    });
  }

  private release(): void {
    const ready = this.waiters.filter((waiter) => waiter.position <= this.applied);
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((waiter) => waiter.position > this.applied);
    for (const waiter of ready) waiter.resolve();
  }

  private restartAfter(error: Error): void {
    this.logger.error({ msg: 'projection subscription failed; resubscribing', error: error.message });
    this.subscription = undefined;
    if (this.stopped) return;
    this.retryTimer = setTimeout(() => {
      if (!this.stopped) this.start();
    }, RESUBSCRIBE_DELAY_MS);
  }
}
