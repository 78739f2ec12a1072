/**
 * Drives one rollout: holds its lease, asks the workflow (`nextSteps`) what to do next, records each intent,
 * performs it, records the outcome, and asks again. Steps of different tasks run at once; a
 * task never has two steps in flight. All state is in the stream: a new driver started after a
 * crash picks up exactly where the stream says, reconciling any intent without an outcome.
 *
 * A store that refuses a write (a full disk, a lost connection) pauses the rollout: the driver
 * stops deciding and performing, tries the store again with a backoff (100 ms doubling to 5 s),
 * and says so once when the outage starts and once when it ends. Its first write after the outage
 * is `RolloutWaitedOnStore`, which moves the rollout's deadlines on by the outage; what was cut
 * off meanwhile is reconciled like after a crash.
 *
 * Waits (the delay between batches, a gate's next check) are the driver's, and an operator's
 * command cuts them short: once the stream is read again, every wait in progress ends and `nextSteps`
 * is asked at once, so an abort never waits for a gate's check or a batch's delay to come round.
 */
import { StreamContentionError } from '../store/command-loop';
import {
  DuplicateEventIdError,
  MaximumAppendSizeExceededError,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type EventStore,
} from '@cj/event-store';
import {
  nextSteps,
  isFinished,
  rolloutEvent,
  type ActiveRollout,
  type RolloutEvent,
  type RolloutState,
  type RolloutStep,
} from '@cj/domain';
import { RolloutEffects } from './rollout-effects';
import type { RolloutRunnerDeps } from './rollout-ports';
import { RolloutStream, type RolloutEventMetadata } from './rollout-stream';

export interface RolloutDriverOptions {
  /** This orchestrator instance, recorded as the lease owner. */
  readonly owner: string;
  readonly leaseMs: number;
  readonly cjVersion: string;
  readonly onError: (error: Error) => void;
  /** Says that the store stopped or started taking the rollout's writes again (once each way). */
  readonly onStoreOutage?: (change: StoreOutageChange) => void;
}

export type StoreOutageChange =
  | { readonly state: 'refused'; readonly rolloutId: string; readonly error: string }
  | { readonly state: 'back'; readonly rolloutId: string; readonly waitedMs: number; readonly attempts: number };

const FIRST_STORE_RETRY_MS = 100;
const MAX_STORE_RETRY_MS = 5_000;

/** The store refused a write for a reason of its own (not a conflict or a bad append): it is out, and the rollout waits. */
const isStoreOutage = (error: unknown): boolean =>
  !(
    error instanceof WrongExpectedVersionError ||
    error instanceof MaximumAppendSizeExceededError ||
    error instanceof DuplicateEventIdError ||
    error instanceof StreamNotFoundError ||
    error instanceof LeaseHeldElsewhere
  );

/** A write not attempted, or refused, while the store is out: the outage is said once, not per write. */
class StoreOutage extends Error {
  override readonly name = 'StoreOutage';
}

/** Another orchestrator holds the lease: this one must not drive the rollout. */
class LeaseHeldElsewhere extends Error {
  override readonly name = 'LeaseHeldElsewhere';
}

export class RolloutDriver {
  private state: RolloutState = { exists: false };
  private revision = -1n;
  private readonly busy = new Set<string>();
  private readonly stream: RolloutStream;
  private readonly effects: RolloutEffects;
  /** Appends (and reloads) one at a time, in order. */
  private writes: Promise<unknown> = Promise.resolve();
  private stopped = false;
  private leaseRetry?: NodeJS.Timeout;
  /** Set while the store refuses writes: since when, what it said, and the next try. */
  private outage?: {
    readonly since: number;
    readonly reason: string;
    delay: number;
    attempts: number;
    timer?: NodeJS.Timeout;
  };
  /** Ends the waits in progress when the stream moved under them (see `notify`). */
  private interrupt = new AbortController();
  private readonly finished: Promise<RolloutState>;
  private finish!: (state: RolloutState) => void;

  constructor(
    store: EventStore,
    env: string,
    id: string,
    private readonly deps: RolloutRunnerDeps,
    private readonly options: RolloutDriverOptions,
  ) {
    this.stream = new RolloutStream(store, env, id);
    this.effects = new RolloutEffects(deps);
    this.finished = new Promise((resolve) => (this.finish = resolve));
  }

  /** Starts driving; the promise resolves with the final state once the rollout has finished. */
  run(): Promise<RolloutState> {
    void this.serialized(() => this.reload()).then(() => this.pump());
    return this.finished;
  }

  /** Someone else appended to the stream (an operator paused, resumed or aborted): read it again. */
  notify(revision: bigint): void {
    if (revision <= this.revision) return;
    void this.serialized(async () => {
      await this.reload();
      // After the reload, so that a step whose wait ends is decided again on the news.
      this.interrupt.abort();
      this.interrupt = new AbortController();
    }).then(() => this.pump());
  }

  /** Stops starting new steps (steps in flight finish and record their outcome). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.leaseRetry);
    clearTimeout(this.outage?.timer);
    this.interrupt.abort();
  }

  private async reload(): Promise<void> {
    const loaded = await this.stream.load();
    this.state = loaded.state;
    this.revision = loaded.revision;
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.writes.then(work, work);
    this.writes = next.catch(() => undefined);
    return next;
  }

  private pump(): void {
    if (!this.state.exists) return;
    if (isFinished(this.state)) {
      // Even a stopped driver reports the end, so that the job stream is marked.
      this.finish(this.state);
      return;
    }
    if (this.stopped || this.outage) return;
    const held = this.heldElsewhere(this.state);
    if (held) {
      // Another instance drives it; look again when its lease runs out.
      clearTimeout(this.leaseRetry);
      this.leaseRetry = setTimeout(() => this.notify(this.revision + 1n), Math.max(50, held.until - this.deps.now()));
      return;
    }
    for (const step of nextSteps(this.state, { now: this.deps.now() })) {
      if (this.busy.has(step.key)) continue;
      this.busy.add(step.key);
      this.perform(step)
        .catch((error: unknown) => {
          if (error instanceof StoreOutage) return;
          this.options.onError(error instanceof Error ? error : new Error(String(error)));
        })
        .finally(() => {
          this.busy.delete(step.key);
          this.pump();
        });
    }
  }

  private heldElsewhere(state: ActiveRollout): { until: number } | undefined {
    const lease = state.lease;
    return lease && lease.owner !== this.options.owner && lease.until > this.deps.now() ? lease : undefined;
  }

  private async perform(step: RolloutStep): Promise<void> {
    const effect = step.effect;
    if (effect.kind === 'wait') {
      await this.waitUntil(effect.until);
      return;
    }
    // A check waits for its time; cut short, it checks nothing and `nextSteps` says what comes next.
    if (effect.kind === 'probe-health' && !(await this.waitUntil(effect.at))) return;
    if (step.events.length > 0 && !(await this.record(step.events, 'intent'))) return;
    if (effect.kind === 'record') return;
    const rollout = this.state as ActiveRollout;
    // Checks only read a container and a pull touches none: they need not wait for the environment's lock.
    const outcome =
      effect.kind === 'probe-health' || effect.kind === 'check-container' || effect.kind === 'pull-image'
        ? await this.effects.perform(rollout, effect, step.reconcile)
        : await this.deps.exclusive(rollout.env, async () => {
            const done = await this.effects.perform(rollout, effect, step.reconcile);
            // The job stream learns of the containers before the rollout records the step done,
            // so a crash in between replays the step and the record, and never loses one.
            await this.deps.jobs.containerFacts(rollout, done).catch((error: unknown) => {
              throw isStoreOutage(error) ? this.storeRefused(error) : error;
            });
            return done;
          });
    await this.record(outcome, 'outcome', {
      readOnly: effect.kind === 'probe-health' || effect.kind === 'check-container' || effect.kind === 'pull-image',
    });
  }

  /** Resolves true at `until`, or false as soon as the stream moves under the wait or the driver stops. */
  private waitUntil(until: number): Promise<boolean> {
    const signal = this.interrupt.signal;
    const ms = until - this.deps.now();
    if (signal.aborted) return Promise.resolve(false);
    if (ms <= 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', cut);
        resolve(true);
      }, ms);
      const cut = () => {
        clearTimeout(timer);
        resolve(false);
      };
      signal.addEventListener('abort', cut, { once: true });
    });
  }

  /**
   * Appends through the command loop, first at the revision this driver knows, renewing the lease
   * in the same append when due. When the stream moved (an operator's command), an intent is
   * dropped so that `nextSteps` sees the news first; an outcome is a fact and is appended again after
   * the reload. While the store is out nothing is attempted: the outcome is reconciled, or the
   * check made again, once it is back. Once the rollout has ended (an abort does not wait for a
   * pull), the outcome of a step that changed no container is not recorded: nothing is left to
   * reconcile, and the end stays the stream's last word. An outcome the stream kept moving under
   * (the loop's bound) is not recorded either: the driver goes on from the log, where the step is
   * an intent without an outcome, reconciled as after a crash.
   */
  private record(
    events: readonly RolloutEvent[],
    kind: 'intent' | 'outcome',
    options: { readOnly?: boolean } = {},
  ): Promise<boolean> {
    return this.serialized(async () => {
      try {
        const appended = await this.decideAndAppend((state, attempt, now) => {
          if (this.outage) throw new StoreOutage('the store refuses writes');
          if (options.readOnly && isFinished(state)) return [];
          if (attempt > 1 && kind === 'intent') return [];
          return this.withLease(state, events, now);
        });
        return appended > 0;
      } catch (error) {
        if (error instanceof StreamContentionError) return false;
        throw error instanceof StoreOutage || !isStoreOutage(error) ? error : this.storeRefused(error);
      }
    });
  }

  /**
   * The command loop on the rollout's stream, its first decision made on what this driver holds;
   * the driver keeps what the loop last read or wrote. Answers how many events were written.
   */
  private async decideAndAppend(
    decide: (state: ActiveRollout, attempt: number, now: number) => readonly RolloutEvent[],
  ): Promise<number> {
    let now = this.deps.now();
    const decided = await this.stream.decideAndAppend(
      (loaded, attempt) => {
        this.state = loaded.state;
        this.revision = loaded.revision;
        now = this.deps.now();
        return decide(loaded.state as ActiveRollout, attempt, now);
      },
      () => this.metadata(now),
      { state: this.state, revision: this.revision },
    );
    this.state = decided.state;
    this.revision = decided.revision;
    return decided.appended;
  }

  /** `events`, after the lease's renewal when it is due; refused when another instance holds the lease. */
  private withLease(state: ActiveRollout, events: readonly RolloutEvent[], now: number): readonly RolloutEvent[] {
    if (this.heldElsewhere(state))
      throw new LeaseHeldElsewhere(`rollout ${state.id} is driven by ${state.lease?.owner}`);
    const lease = state.lease;
    const renew = !lease || lease.owner !== this.options.owner || lease.until - now < this.options.leaseMs / 2;
    return renew
      ? [
          rolloutEvent('RolloutLeaseAcquired', {
            at: now,
            owner: this.options.owner,
            until: now + this.options.leaseMs,
          }),
          ...events,
        ]
      : events;
  }

  /** The store refused a write: the rollout pauses until it takes one again (said once). */
  private storeRefused(error: unknown): StoreOutage {
    const reason = error instanceof Error ? error.message : String(error);
    if (!this.outage && !this.stopped) {
      this.outage = { since: this.deps.now(), reason, delay: FIRST_STORE_RETRY_MS, attempts: 0 };
      this.options.onStoreOutage?.({ state: 'refused', rolloutId: this.stream.id, error: reason });
      this.retryStoreLater();
    }
    return new StoreOutage(reason);
  }

  private retryStoreLater(): void {
    const outage = this.outage;
    if (!outage || this.stopped) return;
    clearTimeout(outage.timer);
    outage.timer = setTimeout(() => void this.retryStore(), outage.delay);
  }

  /**
   * Tries the store with the rollout's own next fact: that it waited from the outage's start until
   * now. Once that is recorded the deadlines have moved on, and the rollout goes on where it was.
   */
  private async retryStore(): Promise<void> {
    const outage = this.outage;
    if (!outage || this.stopped) return;
    outage.attempts++;
    // An operator's command that got in first (or a write we were told failed that did land) is
    // read, and the wait decided again on it, within the loop's bound; then the backoff goes on.
    const back = await this.serialized(async (): Promise<number | 'elsewhere' | undefined> => {
      let at = this.deps.now();
      try {
        await this.decideAndAppend((state, _attempt, now) => {
          at = now;
          return this.withLease(
            state,
            [rolloutEvent('RolloutWaitedOnStore', { at: now, from: outage.since, to: now, reason: outage.reason })],
            now,
          );
        });
        return at;
      } catch (error) {
        // Another instance took the rollout over meanwhile: `pump` leaves it to that one.
        return error instanceof LeaseHeldElsewhere ? 'elsewhere' : undefined;
      }
    });
    if (back === undefined) {
      outage.delay = Math.min(outage.delay * 2, MAX_STORE_RETRY_MS);
      this.retryStoreLater();
      return;
    }
    this.outage = undefined;
    const waitedMs = (back === 'elsewhere' ? this.deps.now() : back) - outage.since;
    this.options.onStoreOutage?.({ state: 'back', rolloutId: this.stream.id, waitedMs, attempts: outage.attempts });
    this.pump();
  }

  private metadata(now: number): RolloutEventMetadata {
    return {
      actor: 'orchestrator',
      correlationId: this.stream.id,
      occurredAt: new Date(now).toISOString(),
      cjVersion: this.options.cjVersion,
    };
  }
}
