import { Logger } from '@nestjs/common';
import { v5 as uuidv5 } from 'uuid';
import { observeEngineEvent, LOG_TAIL_LINES, type EngineContainerEvent } from '@cj/domain';
import type { CommandContexts } from '../store/command-contexts';
import type { EnvironmentLocks } from '../hosts/environment-locks';
import type { HostRuntimes } from '../hosts/host-runtimes';
import type { ProjectionRunner } from '../read-model/projection-runner';
import type { JobQueries } from '../read-model/queries/job-queries';
import type { TaskQueries } from '../read-model/queries/task-queries';
import type { StreamWriter } from '../store/stream-writer';
import { recordJobCommands } from '../store/record-job-commands';
import { lastKnownContainers } from './last-known-containers';
import type { HostSightings } from './host-sightings';
import type { HostSpec } from '@cj/api';

/** Engine events become commands with ids derived from the event: one replayed after a reconnect writes nothing twice. */
const ENGINE_EVENT_NAMESPACE = '4f6f1d2e-9a57-4c0e-8b8a-2f1c7d3e5a90';
const RECONNECT_MIN_MS = 200;
const RECONNECT_MAX_MS = 5_000;

export interface EngineWatchDeps {
  readonly tasks: TaskQueries;
  readonly jobs: JobQueries;
  readonly runtimes: HostRuntimes;
  readonly writer: StreamWriter;
  readonly projections: ProjectionRunner;
  readonly contexts: CommandContexts;
  readonly locks: EnvironmentLocks;
  readonly sightings: HostSightings;
  /** A full look at the host (the resync), after every (re)connect. */
  readonly resync: (env: string, host: string) => Promise<void>;
  /** Where the host is now (its spec may change with an apply); undefined once it is retired. */
  readonly spec: (env: string, host: string) => HostSpec | undefined;
}

/**
 * Follows one host's engine event stream for one environment: records exits (exit code, the
 * engine's time, the last output lines), restarts, OOM kills, Docker health verdicts and removals
 * as they happen. After every (re)connect it asks for a full resync of the host, and a reconnect
 * resumes from the last event's engine time, so an event is neither lost nor recorded twice.
 * Events of the host are handled one at a time, in order, each under the environment's lock.
 */
export class EngineWatch {
  private readonly logger = new Logger('observation');
  private readonly abort = new AbortController();
  private readonly done: Promise<void>;
  private queue: Promise<void> = Promise.resolve();
  /** Containers an `oom` event was seen for, until their `die`. */
  private readonly oom = new Set<string>();
  private since?: bigint;

  constructor(
    readonly env: string,
    readonly host: string,
    private readonly deps: EngineWatchDeps,
  ) {
    this.done = this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.done;
    await this.queue;
  }

  private async run(): Promise<void> {
    let delay = RECONNECT_MIN_MS;
    while (!this.abort.signal.aborted) {
      const spec = this.deps.spec(this.env, this.host);
      if (!spec) return;
      try {
        const events = this.deps.runtimes.for(spec).events(this.env, {
          ...(this.since !== undefined && { since: this.since }),
          signal: this.abort.signal,
          onConnected: () => {
            delay = RECONNECT_MIN_MS;
            this.deps.sightings.seen(this.env, this.host, new Date().toISOString());
            this.enqueue(() => this.deps.resync(this.env, this.host));
          },
        });
        for await (const event of events) {
          this.since = event.timeNano;
          this.deps.sightings.seen(this.env, this.host, new Date().toISOString());
          this.enqueue(() => this.handle(spec, event));
        }
      } catch (failure) {
        if (this.abort.signal.aborted) return;
        this.logger.debug?.({
          msg: 'engine event stream lost; reconnecting',
          env: this.env,
          host: this.host,
          error: failure instanceof Error ? failure.message : String(failure),
        });
      }
      await sleep(delay, this.abort.signal);
      delay = Math.min(delay * 2, RECONNECT_MAX_MS);
    }
  }

  private enqueue(work: () => Promise<void>): void {
    this.queue = this.queue.then(work).catch((failure: unknown) =>
      this.logger.warn({
        msg: 'could not record an engine event',
        env: this.env,
        host: this.host,
        error: failure instanceof Error ? failure.message : String(failure),
      }),
    );
  }

  private async handle(spec: HostSpec, event: EngineContainerEvent): Promise<void> {
    if (event.action === 'oom') {
      this.oom.add(event.containerId);
      return;
    }
    if (event.action === 'start') this.oom.delete(event.containerId);
    const oomKilled = event.action === 'die' && this.oom.delete(event.containerId);
    await this.deps.locks.run(this.env, async () => {
      const row = this.deps.tasks.tasks(this.env, event.job).find((task) => task.container_id === event.containerId);
      const [known] = row ? lastKnownContainers([row]) : [];
      if (!known) return;
      const runtime = this.deps.runtimes.for(spec);
      const logTail =
        event.action === 'die' && known.state === 'running'
          ? await runtime.logs(event.containerId, { tail: LOG_TAIL_LINES }).then(
              (lines) => lines.map((line) => line.text),
              () => undefined,
            )
          : undefined;
      const restartCount =
        event.action === 'start'
          ? await runtime.inspect(event.containerId).then(
              (info) => info.restartCount,
              () => undefined,
            )
          : undefined;
      const revision = this.deps.jobs.revision(this.env, known.job, known.revision);
      const commandId = uuidv5(
        `${this.env}/${this.host}/${event.containerId}/${event.action}/${event.timeNano}`,
        ENGINE_EVENT_NAMESPACE,
      );
      const metadata = this.deps.contexts.system(commandId, `engine event ${event.action} on host ${this.host}`);
      const command = observeEngineEvent({
        host: this.host,
        event,
        known,
        oomKilled,
        ...(logTail && { logTail }),
        ...(restartCount !== undefined && { restartCount }),
        dockerHealth: revision?.health.type === 'docker',
        metadata,
      });
      if (!command) return;
      // Decided on the job's stream as it is now: a removal cj itself recorded meanwhile (down, a
      // rollout) is not recorded again, though the read model may not show it yet.
      const appended = await recordJobCommands(
        this.deps.writer,
        this.env,
        known.job,
        (state) =>
          command.type === 'RecordContainerRemoved' &&
          !(state.tasks[known.task]?.containers ?? []).some((c) => c.containerId === known.containerId)
            ? []
            : [command],
        commandId,
      );
      if (appended.position !== undefined) await this.deps.projections.waitFor(appended.position);
    });
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
