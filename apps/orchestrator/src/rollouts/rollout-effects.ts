/**
 * Performs one rollout step on a task's host and returns its outcome events. Every effect first
 * looks at what the host already has (containers carry the `cj.rollout` and `cj.task` labels), so
 * performing a step whose intent was cut by a crash never acts twice: a create finds the container
 * made before the crash, a start finds it running, a stop finds it stopped.
 *
 * A container step whose engine does not answer (the call timed out, or the engine is down) has no
 * outcome: it is recorded as unanswered, its intent stays open, and `nextSteps` asks for it again as
 * a reconcile, which finds out the same way what the engine did meanwhile. A timed-out call is
 * never taken for a failure, since the engine may still carry it out when it resumes.
 */
import { ContainerNotFound, DaemonError, HostHeldRefused, HostUnreachable } from '@cj/docker-adapter';
import {
  containerFault,
  isLive,
  rolloutEvent,
  sameTaskContainer,
  taskContainerSpec,
  type ActiveRollout,
  type ContainerInfo,
  type RolloutEffect,
  type RolloutEvent,
} from '@cj/domain';
import { STOP_GRACE_SECONDS } from '../hosts/container-states';
import { LeftoverContainers } from './leftover-containers';
import type { RolloutRunnerDeps } from './rollout-ports';
import type { HealthCheck } from '@cj/api';

type HostEffect = Exclude<RolloutEffect, { kind: 'record' } | { kind: 'wait' }>;
/** The effects on one task, on its host. */
type ContainerEffect = Exclude<HostEffect, { kind: 'remove-leftovers' } | { kind: 'pull-image' }>;

export class RolloutEffects {
  private readonly leftovers: LeftoverContainers;

  constructor(private readonly deps: RolloutRunnerDeps) {
    this.leftovers = new LeftoverContainers(deps);
  }

  async perform(rollout: ActiveRollout, effect: HostEffect, reconcile: boolean): Promise<RolloutEvent[]> {
    if (effect.kind === 'remove-leftovers') return this.leftovers.remove(rollout, effect.placement);
    if (effect.kind === 'pull-image') return this.pull(rollout, effect);
    try {
      return await this.act(rollout, effect, reconcile);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (effect.kind === 'remove-replaced') {
        return [
          rolloutEvent('ReplacedContainersRemoved', {
            at: this.deps.now(),
            task: effect.task,
            containerIds: [],
            error: message,
          }),
        ];
      }
      // A check the engine did not answer is a failed check, not a lost container: the gate's deadline decides.
      if (effect.kind === 'probe-health') {
        return [
          rolloutEvent('RolloutHealthCheckFailed', {
            at: this.deps.now(),
            task: effect.task,
            containerId: effect.containerId,
            detail: message,
          }),
        ];
      }
      if (effect.kind === 'check-container') {
        const detail = `${describe(effect)} on host ${effect.host} failed: ${message}`;
        return [
          rolloutEvent('UpdatedTaskChecked', {
            at: this.deps.now(),
            task: effect.task,
            containerId: effect.containerId,
            batch: effect.batch,
            passed: false,
            detail,
          }),
        ];
      }
      const reason = `${describe(effect)} on host ${effect.host} failed: ${message}`;
      if (error instanceof HostUnreachable) {
        // A reconcile cannot tell either: the call it stands in for may have reached the engine.
        const maybeDone = error.outcomeUnknown || reconcile;
        return [
          rolloutEvent('ContainerStepUnanswered', {
            at: this.deps.now(),
            task: effect.task,
            role: effect.role,
            reason,
            maybeDone,
          }),
        ];
      }
      if (error instanceof HostHeldRefused) {
        // A rollout the copied log was in the middle of: it waits (asked again, as a reconcile)
        // until the host is confirmed, or its progress deadline ends it; it fails nothing meanwhile.
        return [
          rolloutEvent('ContainerStepUnanswered', {
            at: this.deps.now(),
            task: effect.task,
            role: effect.role,
            reason,
            maybeDone: true,
          }),
        ];
      }
      return [rolloutEvent('TaskUpdateFailed', { at: this.deps.now(), task: effect.task, reason })];
    }
  }

  /**
   * Pulls the revision's image (pinned by digest) on one host. A host that has it answers at once,
   * so performing it again after a crash downloads nothing twice.
   */
  private async pull(
    rollout: ActiveRollout,
    effect: Extract<HostEffect, { kind: 'pull-image' }>,
  ): Promise<RolloutEvent[]> {
    const started = this.deps.now();
    try {
      const { runtime } = this.deps.hosts.host(rollout.env, effect.host);
      const { spec } = await this.deps.revisions.revision(rollout.env, rollout.job, effect.revision);
      const pulled = await runtime.ensureImage(spec.image);
      const at = this.deps.now();
      const digest = spec.image.digest ?? pulled.digest ?? pulled.imageId;
      return [
        rolloutEvent('ImagePulled', {
          at,
          host: effect.host,
          digest,
          ...(pulled.bytes !== undefined && { bytes: pulled.bytes }),
          ms: at - started,
        }),
      ];
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return [rolloutEvent('ImagePullFailed', { at: this.deps.now(), host: effect.host, reason })];
    }
  }

  /**
   * The health check a container is probed with: its revision's, or the rollout's from-revision's
   * when that revision makes the same container (it changed only policy, and landed in place on it).
   */
  private async healthCheckOf(rollout: ActiveRollout, revision: number, task: number): Promise<HealthCheck> {
    const { spec } = await this.deps.revisions.revision(rollout.env, rollout.job, revision);
    if (rollout.fromRevision === undefined || revision === rollout.fromRevision || revision === rollout.toRevision)
      return spec.health;
    const from = await this.deps.revisions.revision(rollout.env, rollout.job, rollout.fromRevision);
    return sameTaskContainer(spec, from.spec, task) ? from.spec.health : spec.health;
  }

  private async act(rollout: ActiveRollout, effect: ContainerEffect, reconcile: boolean): Promise<RolloutEvent[]> {
    const { runtime, address } = this.deps.hosts.host(rollout.env, effect.host);
    const task = effect.task;
    const at = () => this.deps.now();
    switch (effect.kind) {
      case 'stop-container': {
        if (effect.role === 'new') {
          if (effect.containerId) await runtime.stop(effect.containerId, STOP_GRACE_SECONDS);
          return [
            rolloutEvent('RolloutContainerStopped', {
              at: at(),
              task,
              role: 'new',
              containerId: effect.containerId ?? null,
            }),
          ];
        }
        const mine = await runtime.list({ env: rollout.env, job: rollout.job, task });
        const others = mine.filter((c) => c.rollout !== rollout.id);
        const running = others.filter((c) => isLive(c.state));
        await Promise.all(running.map((c) => runtime.stop(c.id, STOP_GRACE_SECONDS)));
        // After a crash the old container may already be stopped: it is the one that stopped last, after the rollout began.
        const stopped = running[0] ?? (reconcile ? newestStoppedSince(others, rollout.startedAt) : undefined);
        return [
          rolloutEvent('RolloutContainerStopped', { at: at(), task, role: 'old', containerId: stopped?.id ?? null }),
        ];
      }
      case 'remove-container':
        await runtime.remove(effect.containerId);
        return [
          rolloutEvent('RolloutContainerRemoved', {
            at: at(),
            task,
            role: effect.role,
            containerId: effect.containerId,
          }),
        ];
      case 'create-container': {
        const made = { env: rollout.env, job: rollout.job, task, rollout: rollout.id, revision: effect.revision };
        const [existing] = await runtime.list(made);
        if (existing)
          return [
            rolloutEvent('RolloutContainerCreated', { at: at(), task, role: effect.role, containerId: existing.id }),
          ];
        const { spec } = await this.deps.revisions.revision(rollout.env, rollout.job, effect.revision);
        await runtime.ensureImage(spec.image);
        const created = await runtime
          .create(
            taskContainerSpec(spec, {
              env: rollout.env,
              task,
              port: effect.port,
              revision: effect.revision,
              rollout: rollout.id,
            }),
          )
          .catch(async (error: unknown) => {
            // The name is taken: a create that timed out earlier was carried out late, after the look above.
            const late =
              error instanceof DaemonError && error.statusCode === 409 ? (await runtime.list(made))[0] : undefined;
            if (late) return late;
            throw error;
          });
        return [
          rolloutEvent('RolloutContainerCreated', { at: at(), task, role: effect.role, containerId: created.id }),
        ];
      }
      case 'start-container': {
        const before = await runtime.inspect(effect.containerId).catch((error: unknown) => {
          // A kept old container removed outside cj: the revert pass makes another (see RolloutContainerMissing).
          if (effect.role === 'old' && error instanceof ContainerNotFound) return undefined;
          throw error;
        });
        if (before === undefined)
          return [
            rolloutEvent('RolloutContainerMissing', { at: at(), task, role: 'old', containerId: effect.containerId }),
          ];
        if (before.state !== 'running') await runtime.start(effect.containerId);
        // The engine's view right after the start is what later checks compare with to see a crash and restart.
        const started = await runtime.inspect(effect.containerId);
        return [
          rolloutEvent('RolloutContainerStarted', {
            at: at(),
            task,
            role: effect.role,
            containerId: effect.containerId,
            restartCount: started.restartCount,
            ...(started.startedAt !== undefined && { startedAt: started.startedAt }),
          }),
        ];
      }
      case 'probe-health': {
        // The driver has waited for the check's time (`effect.at`).
        const container = await runtime.inspect(effect.containerId);
        const base = { task, containerId: effect.containerId };
        const fault = containerFault(container, effect.since);
        if (fault !== undefined)
          return [rolloutEvent('RolloutHealthCheckFailed', { ...base, at: at(), detail: fault, fatal: true })];
        const health = await this.healthCheckOf(rollout, container.revision, task);
        const result = await this.deps.probe.probe(health, {
          address,
          port: effect.port,
          container: { runtime, id: effect.containerId },
        });
        if (result.healthy) return [rolloutEvent('RolloutHealthCheckPassed', { ...base, at: at() })];
        // A process that dies resets the check's connection a moment before its engine says it exited:
        // ask again, so the failure is recorded as what it is (the exit), not as its symptom.
        const after = containerFault(await runtime.inspect(effect.containerId), effect.since);
        if (after !== undefined)
          return [rolloutEvent('RolloutHealthCheckFailed', { ...base, at: at(), detail: after, fatal: true })];
        return [rolloutEvent('RolloutHealthCheckFailed', { ...base, at: at(), detail: result.detail })];
      }
      case 'check-container': {
        const fault = containerFault(await runtime.inspect(effect.containerId), effect.since);
        const base = { at: at(), task, containerId: effect.containerId, batch: effect.batch };
        return [
          rolloutEvent('UpdatedTaskChecked', { ...base, passed: fault === undefined, detail: fault ?? 'running' }),
        ];
      }
      case 'remove-replaced': {
        const mine = await runtime.list({ env: rollout.env, job: rollout.job, task });
        const stopped = mine.filter((c) => !isLive(c.state) && c.state !== 'created' && c.id !== effect.current);
        const doomed = newestFirst(stopped).slice(Math.max(0, effect.keep));
        for (const container of doomed) await runtime.remove(container.id);
        return [rolloutEvent('ReplacedContainersRemoved', { at: at(), task, containerIds: doomed.map((c) => c.id) })];
      }
      default: {
        const unknown: never = effect;
        throw new Error(`unknown rollout effect ${JSON.stringify(unknown)}`);
      }
    }
  }
}

const finished = (c: ContainerInfo): string => c.finishedAt ?? c.createdAt;
const newestFirst = (containers: readonly ContainerInfo[]): ContainerInfo[] =>
  [...containers].sort((a, b) => finished(b).localeCompare(finished(a)));

function newestStoppedSince(containers: readonly ContainerInfo[], since: number): ContainerInfo | undefined {
  return newestFirst(
    containers.filter((c) => !isLive(c.state) && c.finishedAt !== undefined && Date.parse(c.finishedAt) >= since),
  )[0];
}

function describe(effect: ContainerEffect): string {
  switch (effect.kind) {
    case 'stop-container':
      return `stopping the ${effect.role} container of task ${effect.task}`;
    case 'remove-container':
      return `removing container ${effect.containerId.slice(0, 12)} of task ${effect.task}`;
    case 'create-container':
      return `creating ${effect.name} (revision ${effect.revision}) for task ${effect.task}`;
    case 'start-container':
      return `starting container ${effect.containerId.slice(0, 12)} of task ${effect.task}`;
    case 'probe-health':
      return `checking the health of task ${effect.task}`;
    case 'check-container':
      return `checking the container of updated task ${effect.task}`;
    case 'remove-replaced':
      return `removing replaced containers of task ${effect.task}`;
  }
}
