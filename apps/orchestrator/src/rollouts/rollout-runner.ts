/**
 * The rollout runner: a catch-up subscription to every rollout stream, from a stored checkpoint.
 * It keeps one driver per unfinished rollout; when a rollout finishes it marks the job stream, so
 * the job may have its next rollout. It also sees every rollout start recorded on a job stream,
 * and begins the rollout's own stream when the command that recorded it was cut off first.
 */
import {
  isFinished,
  isTerminalRolloutEvent,
  parseRolloutStreamId,
  parseStreamName,
  type RolloutEventType,
  type RolloutStart,
} from '@cj/domain';
import type { EventStore, RecordedEvent, Subscription } from '@cj/event-store';
import { RolloutDriver, type StoreOutageChange } from './rollout-driver';
import type { RolloutRunnerDeps } from './rollout-ports';
import type { SqliteRunnerCheckpoint } from './runner-checkpoint';

/** Events that start a rollout, end it, or are an operator's command a driver must see. */
const WATCHED: readonly (RolloutEventType | 'JobRolloutStarted')[] = [
  'JobRolloutStarted',
  'RolloutStarted',
  'RolloutPaused',
  'RolloutResumed',
  'RolloutAbortRequested',
  'RolloutSucceeded',
  'RolloutRolledBack',
  'RolloutFailed',
  'RolloutAborted',
];

const MAX_BEGIN_RETRY_MS = 30_000;

/**
 * A rollout's start an import copied from another store (`metadata.source.storeId`): it ran there.
 * A replicate's start names its source revision but no other store, and is driven like any other.
 */
const copiedStart = (event: RecordedEvent): boolean =>
  (event.type === 'JobRolloutStarted' || event.type === 'RolloutStarted') &&
  (event.metadata as { source?: { storeId?: unknown } } | null)?.source?.storeId !== undefined;

export interface RolloutRunnerOptions {
  readonly owner: string;
  readonly leaseMs?: number;
  readonly cjVersion: string;
  readonly onError: (error: Error) => void;
  readonly onStoreOutage?: (change: StoreOutageChange) => void;
  /** Begins a rollout's stream from its start as the job stream recorded it (idempotent). */
  readonly beginStream?: (env: string, job: string, rolloutId: string) => Promise<unknown>;
}

export class RolloutRunner {
  private readonly drivers = new Map<string, RolloutDriver>();
  private stopped = false;
  private subscription?: Subscription;
  private caughtUp!: Promise<void>;

  constructor(
    private readonly store: EventStore,
    private readonly checkpoint: SqliteRunnerCheckpoint,
    private readonly deps: RolloutRunnerDeps,
    private readonly options: RolloutRunnerOptions,
  ) {}

  /** Resumes the unfinished rollouts and follows new ones; resolves once history is caught up. */
  start(): Promise<void> {
    const saved = this.checkpoint.load();
    for (const streamId of saved.active) this.drive(streamId);
    this.caughtUp = new Promise((resolve) => {
      this.subscription = this.store.subscribeToAll(
        { fromPosition: saved.position ?? 'start', filter: { eventTypes: WATCHED } },
        {
          onEvent: (event) => this.handle(event),
          onCaughtUp: () => resolve(),
          onError: (error) => this.options.onError(error),
        },
      );
    });
    return this.caughtUp;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.subscription?.close();
    for (const driver of this.drivers.values()) driver.stop();
    this.drivers.clear();
  }

  /** Streams of the rollouts this runner drives now. */
  active(): string[] {
    return [...this.drivers.keys()];
  }

  private async handle(event: RecordedEvent): Promise<void> {
    if (copiedStart(event)) {
      // A rollout that ran in another store (an import): history here, never driven; the import
      // closed it if the file left it open.
      this.checkpoint.save(event.position, [], []);
      return;
    }
    if (event.type === 'JobRolloutStarted') {
      await this.beginStream(event);
      this.checkpoint.save(event.position, [], []);
      return;
    }
    const address = parseRolloutStreamId(event.streamId);
    if (!address) {
      this.checkpoint.save(event.position, [], []);
      return;
    }
    if (isTerminalRolloutEvent(event.type)) {
      this.drivers.get(event.streamId)?.stop();
      this.drivers.delete(event.streamId);
      this.checkpoint.save(event.position, [], [event.streamId]);
      return;
    }
    if (event.type === 'RolloutStarted') this.drive(event.streamId);
    else this.drivers.get(event.streamId)?.notify(event.revision);
    this.checkpoint.save(event.position, [event.streamId], []);
  }

  /** A start whose rollout stream is missing was cut off: begin it; one that began is left alone. */
  private async beginStream(event: RecordedEvent, delayMs = 500): Promise<void> {
    const begin = this.options.beginStream;
    if (!begin || this.stopped) return;
    const { env, id: job } = parseStreamName(event.streamId);
    try {
      await begin(env, job, (event.data as RolloutStart).rolloutId);
    } catch (error) {
      // The store refused the write (full, or gone): try again later, without holding up the others.
      this.options.onError(error instanceof Error ? error : new Error(String(error)));
      const retry = setTimeout(() => void this.beginStream(event, Math.min(delayMs * 2, MAX_BEGIN_RETRY_MS)), delayMs);
      retry.unref();
    }
  }

  private drive(streamId: string): void {
    if (this.drivers.has(streamId)) return;
    const address = parseRolloutStreamId(streamId);
    if (!address) return;
    const driver = new RolloutDriver(this.store, address.env, address.id, this.deps, {
      owner: this.options.owner,
      leaseMs: this.options.leaseMs ?? 30_000,
      cjVersion: this.options.cjVersion,
      onError: this.options.onError,
      onStoreOutage: this.options.onStoreOutage,
    });
    this.drivers.set(streamId, driver);
    driver
      .run()
      .then((state) => (state.exists && isFinished(state) ? this.deps.jobs.ended(state) : undefined))
      .catch((error: unknown) => this.options.onError(error instanceof Error ? error : new Error(String(error))));
  }
}
