import { Logger } from '@nestjs/common';
import { SqliteEventStore, type EventStore } from '@cj/event-store';
import { CJ_STREAM_PREFIX, type ProjectionRunner } from '../read-model/projection-runner';
import { ChainedEventStore } from './hash-chain';

/** How often the store is probed (a small write) and the read models compared with the log's head. */
export const STORE_PROBE_MS = 2_000;
/** Read models this long behind the log's head count as lagging (a burst of appends is not). */
const LAG_GRACE_MS = 3_000;

export interface StoreHealthReport {
  readonly status: 'ok' | 'starting' | 'degraded';
  /** What is wrong, one sentence each; empty when all is well. */
  readonly reasons: readonly string[];
}

/**
 * Whether the log can be written and the read models follow it, for `/healthz`. A periodic probe
 * writes beside the log (the embedded store's `checkWritable`; EventStoreDB has none, so only
 * the read models are watched there) and reads the log's head. The state changes are logged once
 * each way, not per probe.
 */
export class StoreHealth {
  private readonly logger = new Logger('store');
  private timer?: NodeJS.Timeout;
  private unwritable?: { readonly since: number; readonly reason: string };
  private behind?: { readonly since: number; readonly head: bigint };
  private readonly probeWrite?: () => Promise<void>;

  constructor(
    private readonly store: EventStore,
    private readonly projections: ProjectionRunner,
    private readonly now: () => number = Date.now,
  ) {
    const inner = store instanceof ChainedEventStore ? store.inner : store;
    if (inner instanceof SqliteEventStore) this.probeWrite = () => inner.checkWritable();
  }

  start(intervalMs = STORE_PROBE_MS): void {
    const tick = () => {
      void this.check().finally(() => {
        if (this.timer) this.timer = setTimeout(tick, intervalMs);
      });
    };
    this.timer = setTimeout(tick, 0);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** One probe: a write beside the log, then the log's head against the read models' position. */
  async check(): Promise<void> {
    await this.checkWrite();
    await this.checkLag();
  }

  report(): StoreHealthReport {
    if (!this.projections.isCaughtUp)
      return { status: 'starting', reasons: ['the read models are catching up with the log'] };
    const reasons: string[] = [];
    const now = this.now();
    if (this.unwritable) {
      reasons.push(
        `the event log cannot be written (for ${seconds(now - this.unwritable.since)}): ${this.unwritable.reason}`,
      );
    }
    if (this.behind && now - this.behind.since >= LAG_GRACE_MS) {
      reasons.push(
        `the read models lag the log (for ${seconds(now - this.behind.since)}): at position ${this.projections.position}, the log at ${this.behind.head}`,
      );
    }
    return { status: reasons.length > 0 ? 'degraded' : 'ok', reasons };
  }

  private async checkWrite(): Promise<void> {
    if (!this.probeWrite) return;
    try {
      await this.probeWrite();
      if (this.unwritable) {
        this.logger.log({
          msg: 'the event log can be written again',
          unwritableMs: this.now() - this.unwritable.since,
        });
        this.unwritable = undefined;
      }
    } catch (error) {
      if (this.unwritable) return;
      const reason = error instanceof Error ? error.message : String(error);
      this.unwritable = { since: this.now(), reason };
      this.logger.error({ msg: 'the event log cannot be written', error: reason });
    }
  }

  /**
   * Lagging means an event the log held a while ago is still not in the read models: the head
   * seen when the lag began must be applied, not whatever was appended a moment ago.
   */
  private async checkLag(): Promise<void> {
    let head: bigint | undefined;
    try {
      const [last] = await this.store.readAll({
        direction: 'backwards',
        fromPosition: 'end',
        maxCount: 1,
        filter: { streamPrefixes: [CJ_STREAM_PREFIX] },
      });
      head = last?.position;
    } catch {
      return;
    }
    const applied = this.projections.position;
    if (this.behind && applied >= this.behind.head) this.behind = undefined;
    if (!this.behind && head !== undefined && applied < head) this.behind = { since: this.now(), head };
  }
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;
