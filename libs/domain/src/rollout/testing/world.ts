/**
 * A deterministic world for specifying the workflow: hosts whose containers obey the steps
 * `nextSteps` asks for, a clock that advances by fixed costs, and health that depends on the task,
 * the revision and the time. It plays the runner's part without any I/O.
 */
import type { Millis, UpdatePolicy } from '@cj/api';
import { containerFault, type ContainerObservation } from '../container-fault';
import { accepted, RolloutError, type DomainError } from '../../errors';
import type { StartRollout } from '../commands';
import { decideRollout } from '../decide';
import { nextSteps } from '../workflow';
import { rolloutEvent, type LeftoverContainer, type RolloutEvent, type RolloutTask } from '../events';
import { isLeftover } from '../leftovers';
import { foldRollout, type ActiveRollout, type RolloutState } from '../state';
import type { RolloutEffect, RolloutStep } from '../steps';

export interface Container {
  readonly id: string;
  readonly task: number;
  readonly host: string;
  readonly revision: number;
  readonly name: string;
  running: boolean;
  removed: boolean;
  /** Created by the rollout under test. */
  readonly byRollout: boolean;
}

export interface Health {
  /** Whether a check of this task's container of this revision at `at` passes. */
  (task: number, revision: number, at: Millis, startedAt: Millis): boolean;
}

/** How a revision's container behaves once started, as the engine would report it. */
export interface Behaviour {
  /** The process exits this long after its start… */
  readonly exitsAfter?: Millis;
  readonly exitCode?: number;
  /** …and its restart policy starts it again at once. */
  readonly restarts?: boolean;
  /** Docker's HEALTHCHECK reports it unhealthy from this long after its start. */
  readonly unhealthyAfter?: Millis;
}

export type Lifecycle = (task: number, revision: number) => Behaviour;

/** A control input an operator gives at a time (pause, resume, abort). */
export interface Control {
  readonly at: Millis;
  readonly apply: (state: RolloutState, now: Millis) => readonly RolloutEvent[] | DomainError;
}

export const T0 = 1_000_000;

export const policy = (overrides: Partial<UpdatePolicy> = {}): UpdatePolicy => ({
  maxParallel: 1,
  order: 'stop-first',
  minHealthyTime: 1000,
  healthyDeadline: 5000,
  progressDeadline: 60_000,
  maxFailureRatio: 0,
  delayBetweenBatches: 0,
  failureAction: 'rollback',
  keepReplaced: 1,
  ...overrides,
});

export const tasksOn = (hosts: readonly string[], replicas: number): RolloutTask[] =>
  hosts.flatMap((host, h) =>
    Array.from({ length: replicas }, (_, r) => ({ task: h * replicas + r, host, port: 8080 + r })),
  );

export const startCommand = ({
  now = T0,
  ...over
}: Partial<StartRollout['data']> & { now?: Millis } = {}): StartRollout => ({
  type: 'StartRollout',
  data: {
    id: 'r0000001-aaaa',
    env: 'prod',
    job: 'web',
    fromRevision: 1,
    toRevision: 2,
    policy: policy(),
    probeInterval: 250,
    tasks: tasksOn(['h1', 'h2'], 1),
    ...over,
  },
  now,
});

/** The refusal a command was decided into; events fail the spec. */
export function refused(decided: readonly RolloutEvent[] | DomainError): RolloutError {
  if (decided instanceof RolloutError) return decided;
  throw new Error('expected a RolloutError');
}

/** Cost of each container operation on the simulated clock. */
const OP_COST: Millis = 100;

/** The effects that change a task's containers: what an engine may receive and carry out late. */
type ContainerEffect = Extract<
  RolloutEffect,
  { kind: 'stop-container' | 'remove-container' | 'create-container' | 'start-container' | 'remove-replaced' }
>;

/** An engine that does not answer until `until`: frozen (it takes calls, and carries them out when it resumes) or down (it takes none). */
export interface Silence {
  readonly until: Millis;
  readonly kind: 'frozen' | 'down';
}

export class World {
  now: Millis = T0;
  readonly events: RolloutEvent[] = [];
  readonly containers: Container[] = [];
  /** Effects performed, in order, as `kind task role` strings. */
  readonly performed: string[] = [];
  /** Hosts whose engine does not answer: every effect on them fails. */
  readonly unreachable = new Set<string>();
  /** Hosts whose engine is silent for a while (see `silence`). */
  private readonly silent = new Map<string, Silence>();
  /** Calls a frozen engine received, in order: it carries them out when it resumes. */
  private readonly received: { readonly host: string; readonly effect: ContainerEffect }[] = [];
  /** How long a call to a frozen engine waits before it counts as unanswered. */
  engineTimeout: Millis = 2000;
  /** Pulls performed, as `host r<revision>` strings, in order. */
  readonly pulls: string[] = [];
  /** The registry does not answer: every pull fails. */
  registryDown = false;
  /** How long a pull takes on the simulated clock. */
  pullCost: Millis = 100;
  private readonly startedAt = new Map<string, Millis>();
  private readonly stoppedAt = new Map<string, Millis>();
  private nextId = 1;

  /**
   * `placedBefore` is where the old revision's tasks run (one container each): the target's
   * tasks by default; give it for a rollout that drops tasks or moves them to other hosts.
   */
  constructor(
    readonly command: StartRollout,
    readonly health: Health = () => true,
    readonly lifecycle: Lifecycle = () => ({}),
    placedBefore: readonly { readonly task: number; readonly host: string }[] = command.data.tasks,
  ) {
    const { fromRevision } = command.data;
    if (fromRevision !== undefined) {
      for (const t of placedBefore) {
        const id = `old-${t.task}`;
        this.containers.push({
          id,
          task: t.task,
          host: t.host,
          revision: fromRevision,
          name: id,
          running: true,
          removed: false,
          byRollout: false,
        });
        this.startedAt.set(id, T0 - 60_000);
      }
    }
    this.events.push(...accepted(decideRollout(command, foldRollout([]))));
  }

  get state(): ActiveRollout {
    return foldRollout(this.events) as ActiveRollout;
  }

  /** Runs nextSteps → record → perform until the rollout finishes or nothing is left to do. */
  run(controls: readonly Control[] = [], maxSteps = 2000): this {
    const pendingControls = [...controls].sort((a, b) => a.at - b.at);
    for (let i = 0; i < maxSteps; i++) {
      while (pendingControls.length > 0 && pendingControls[0].at <= this.now) {
        const control = pendingControls.shift() as Control;
        this.events.push(...accepted(control.apply(this.state, this.now)));
      }
      const steps = nextSteps(this.state, { now: this.now });
      if (steps.length === 0) {
        if (pendingControls.length === 0) return this;
        this.now = Math.max(this.now, pendingControls[0].at);
        continue;
      }
      for (const step of concurrently(steps)) this.perform(step);
    }
    throw new Error(`the rollout did not settle within ${maxSteps} decisions`);
  }

  /**
   * Runs like `run` but stops right after an event that `stop` accepts is recorded. Since the
   * world's state is its events, going on later with `run` is what a restarted runner does.
   */
  runUntil(stop: (event: RolloutEvent) => boolean, maxSteps = 2000): this {
    for (let i = 0; i < maxSteps; i++) {
      const steps = nextSteps(this.state, { now: this.now });
      if (steps.length === 0) throw new Error('the rollout settled before the awaited event');
      for (const step of steps) {
        const from = this.events.length;
        this.perform(step);
        if (this.events.slice(from).some(stop)) return this;
      }
    }
    throw new Error(`no awaited event within ${maxSteps} decisions`);
  }

  perform(step: RolloutStep): void {
    this.events.push(...step.events);
    const outcome = this.effect(step.effect, step.reconcile);
    this.events.push(...outcome);
  }

  /**
   * From now until `until`, host's engine answers nothing. Frozen, it takes each call (after the
   * engine timeout, the caller gives up) and carries them all out, in order, when it resumes;
   * down, it takes none. Health checks of its containers fail meanwhile.
   */
  silence(host: string, until: Millis, kind: Silence['kind']): this {
    this.silent.set(host, { until, kind });
    return this;
  }

  /** In this world the job has recorded every revision its containers run. */
  private recordedRevisions(): ReadonlySet<number> {
    return new Set(this.containers.map((c) => c.revision));
  }

  running(task: number): Container[] {
    return this.containers.filter((c) => c.task === task && c.running);
  }

  /** Containers not removed, as `task@host:id`, for checking what is left on the hosts. */
  present(): string[] {
    return this.containers
      .filter((c) => !c.removed)
      .map((c) => `${c.task}@${c.host}:${c.id}${c.running ? '' : ' (stopped)'}`);
  }

  types(): string[] {
    return this.events.map((e) => e.type);
  }

  private lastStoppedOld(task: number, host: string): Container | undefined {
    const stopped = this.containers.filter(
      (c) =>
        c.task === task &&
        c.host === host &&
        !c.byRollout &&
        !c.running &&
        (this.stoppedAt.get(c.id) ?? -1) >= this.command.now,
    );
    return stopped.sort((a, b) => (this.stoppedAt.get(b.id) ?? 0) - (this.stoppedAt.get(a.id) ?? 0))[0];
  }

  private container(id: string): Container {
    const c = this.containers.find((x) => x.id === id);
    if (!c) throw new Error(`no container ${id}`);
    return c;
  }

  /** What the engine reports of a container now, by its revision's behaviour. */
  private observe(c: Container): ContainerObservation {
    const startedAt = this.startedAt.get(c.id) ?? this.now;
    const up = this.now - startedAt;
    const life = this.lifecycle(c.task, c.revision);
    const health = life.unhealthyAfter !== undefined && up >= life.unhealthyAfter ? 'unhealthy' : 'none';
    if (!c.running) return { state: 'exited', exitCode: 0, restartCount: 0, health };
    if (life.exitsAfter === undefined || up < life.exitsAfter)
      return { state: 'running', restartCount: 0, startedAt: String(startedAt), health };
    if (life.restarts)
      return { state: 'running', restartCount: 1, startedAt: String(startedAt + life.exitsAfter), health };
    return { state: 'exited', exitCode: life.exitCode ?? 1, restartCount: 0, startedAt: String(startedAt), health };
  }

  /** The engine answering nothing on `host` now, if any; engines whose silence ended carry out what they received first. */
  private silenceOn(host: string): Silence | undefined {
    for (const [h, silence] of this.silent) {
      if (this.now < silence.until) continue;
      this.silent.delete(h);
      for (const call of this.received.filter((c) => c.host === h)) {
        this.received.splice(this.received.indexOf(call), 1);
        this.apply(call.effect, silence.until, false);
      }
    }
    return this.silent.get(host);
  }

  private effect(effect: RolloutEffect, reconcile = false): RolloutEvent[] {
    if (effect.kind === 'record') return [];
    if (effect.kind === 'wait') {
      this.now = Math.max(this.now, effect.until);
      return [];
    }
    if (effect.kind === 'probe-health') {
      this.now = Math.max(this.now, effect.at);
      const c = this.container(effect.containerId);
      const base = { at: this.now, task: effect.task, containerId: effect.containerId };
      if (this.silenceOn(effect.host)) {
        return [
          rolloutEvent('RolloutHealthCheckFailed', {
            ...base,
            at: this.now + this.engineTimeout,
            detail: `host ${effect.host}: the engine did not answer`,
          }),
        ];
      }
      const fault = containerFault(this.observe(c), effect.since);
      if (fault) return [rolloutEvent('RolloutHealthCheckFailed', { ...base, detail: fault, fatal: true })];
      const ok = this.health(effect.task, c.revision, this.now, this.startedAt.get(c.id) ?? this.now);
      return [
        ok
          ? rolloutEvent('RolloutHealthCheckPassed', base)
          : rolloutEvent('RolloutHealthCheckFailed', { ...base, detail: 'GET /health → 404' }),
      ];
    }
    if (effect.kind === 'check-container') {
      this.performed.push(`check-container ${effect.task}`);
      if (this.silenceOn(effect.host)) {
        const detail = `checking the container of updated task ${effect.task} on host ${effect.host} failed: the engine did not answer`;
        return [
          rolloutEvent('UpdatedTaskChecked', {
            at: this.now + this.engineTimeout,
            task: effect.task,
            containerId: effect.containerId,
            batch: effect.batch,
            passed: false,
            detail,
          }),
        ];
      }
      const fault = containerFault(this.observe(this.container(effect.containerId)), effect.since);
      const base = { at: this.now, task: effect.task, containerId: effect.containerId, batch: effect.batch };
      return [rolloutEvent('UpdatedTaskChecked', { ...base, passed: fault === undefined, detail: fault ?? 'running' })];
    }
    if (effect.kind === 'pull-image') {
      if (this.registryDown) {
        return [
          rolloutEvent('ImagePullFailed', {
            at: this.now,
            host: effect.host,
            reason: 'Get "http://registry:5000/v2/": connection refused',
          }),
        ];
      }
      this.pulls.push(`${effect.host} r${effect.revision}`);
      this.now += this.pullCost;
      return [
        rolloutEvent('ImagePulled', {
          at: this.now,
          host: effect.host,
          digest: `sha256:r${effect.revision}`,
          bytes: 1000,
          ms: this.pullCost,
        }),
      ];
    }
    if (effect.kind === 'remove-leftovers') {
      this.performed.push('remove-leftovers');
      this.now += OP_COST;
      const leftovers = this.containers.filter(
        (c) => !c.removed && !this.unreachable.has(c.host) && isLeftover(effect.placement, c, this.recordedRevisions()),
      );
      leftovers.forEach((c) => Object.assign(c, { running: false, removed: true }));
      const containers: LeftoverContainer[] = leftovers.map((c) => ({ task: c.task, host: c.host, containerId: c.id }));
      const failures = [...this.unreachable].map((host) => ({ host, reason: `host ${host} does not answer` }));
      return [
        rolloutEvent('LeftoverContainersRemoved', {
          at: this.now,
          containers,
          ...(failures.length > 0 && { failures }),
        }),
      ];
    }
    if (this.unreachable.has(effect.host))
      throw new Error(`the world does not fail ${effect.kind} on host ${effect.host}`);
    const what = `${effect.kind} ${effect.task}${'role' in effect ? ` ${effect.role}` : ''}`;
    const silence = this.silenceOn(effect.host);
    if (silence) {
      if (effect.kind === 'remove-replaced') {
        this.now += OP_COST;
        return [
          rolloutEvent('ReplacedContainersRemoved', {
            at: this.now,
            task: effect.task,
            containerIds: [],
            error: `host ${effect.host}: the engine did not answer`,
          }),
        ];
      }
      this.performed.push(`unanswered ${what}`);
      const frozen = silence.kind === 'frozen';
      if (frozen) this.received.push({ host: effect.host, effect });
      const reason = `${what} on host ${effect.host} failed: ${frozen ? `no answer within ${this.engineTimeout / 1000}s` : 'connection refused'}`;
      // The call waits out the timeout on its own: the other tasks' steps go on meanwhile.
      const at = this.now + (frozen ? this.engineTimeout : OP_COST);
      return [
        rolloutEvent('ContainerStepUnanswered', {
          at,
          task: effect.task,
          role: effect.role,
          reason,
          maybeDone: frozen || reconcile,
        }),
      ];
    }
    this.performed.push(what);
    this.now += OP_COST;
    return this.apply(effect, this.now, reconcile);
  }

  /** What a container effect does on its host's engine at `at`, and the outcome it reports. */
  private apply(effect: ContainerEffect, at: Millis, reconcile: boolean): RolloutEvent[] {
    const task = effect.task;
    switch (effect.kind) {
      case 'stop-container': {
        const targets =
          effect.role === 'old'
            ? this.containers.filter((c) => c.task === task && c.host === effect.host && c.running && !c.byRollout)
            : this.containers.filter((c) => c.id === effect.containerId);
        targets.forEach((c) => {
          c.running = false;
          this.stoppedAt.set(c.id, at);
        });
        // A reconcile finds the old container stopped already: the one of the task that stopped last, since the rollout began.
        const stopped =
          targets[0] ?? (reconcile && effect.role === 'old' ? this.lastStoppedOld(task, effect.host) : undefined);
        return [
          rolloutEvent('RolloutContainerStopped', { at, task, role: effect.role, containerId: stopped?.id ?? null }),
        ];
      }
      case 'remove-container': {
        const c = this.containers.find((x) => x.id === effect.containerId);
        if (c) Object.assign(c, { running: false, removed: true });
        return [
          rolloutEvent('RolloutContainerRemoved', { at, task, role: effect.role, containerId: effect.containerId }),
        ];
      }
      case 'create-container': {
        const existing = this.containers.find((c) => c.name === effect.name && !c.removed);
        const c = existing ?? {
          id: `c${this.nextId++}`,
          task,
          host: effect.host,
          revision: effect.revision,
          name: effect.name,
          running: false,
          removed: false,
          byRollout: true,
        };
        if (!existing) this.containers.push(c);
        return [rolloutEvent('RolloutContainerCreated', { at, task, role: effect.role, containerId: c.id })];
      }
      case 'start-container': {
        const c = this.containers.find((x) => x.id === effect.containerId);
        if (effect.role === 'old' && (!c || c.removed))
          return [rolloutEvent('RolloutContainerMissing', { at, task, role: 'old', containerId: effect.containerId })];
        if (!c) throw new Error(`no container ${effect.containerId}`);
        c.running = true;
        this.startedAt.set(c.id, at);
        return [
          rolloutEvent('RolloutContainerStarted', {
            at,
            task,
            role: effect.role,
            containerId: c.id,
            restartCount: 0,
            startedAt: String(at),
          }),
        ];
      }
      case 'remove-replaced': {
        const stopped = this.containers.filter(
          (c) => c.task === task && c.host === effect.host && !c.running && !c.removed && c.id !== effect.current,
        );
        const removed = stopped.slice(0, Math.max(0, stopped.length - effect.keep));
        removed.forEach((c) => (c.removed = true));
        return [rolloutEvent('ReplacedContainersRemoved', { at, task, containerIds: removed.map((c) => c.id) })];
      }
      default: {
        const unknown: never = effect;
        return unknown;
      }
    }
  }
}

/**
 * The steps of one decision as a runner performs them, at once: a wait holds up only its own
 * task, so while any other step is due the waits are left for the next decision; when only waits
 * are left, the earliest one passes.
 */
function concurrently(steps: readonly RolloutStep[]): readonly RolloutStep[] {
  const due = steps.filter((s) => s.effect.kind !== 'wait');
  if (due.length > 0) return due;
  const until = (s: RolloutStep) => (s.effect.kind === 'wait' ? s.effect.until : 0);
  return [[...steps].sort((a, b) => until(a) - until(b))[0]];
}

/** Health by revision: `bad` revisions never pass. */
export const healthyUnless =
  (...bad: number[]): Health =>
  (_task, revision) =>
    !bad.includes(revision);
