import { classifyChanges, replacesContainers, type ClassifiedChange } from '../diff/change-kind';
import { diffJobSpecs } from '../diff/diff-job-specs';
import { DomainError, type ReplicateRefusalCode } from '../errors';
import { type HostSpec, type JobSpec, badTargetEndpoint, targetHostAddress, type HostTarget } from '@cj/api';

/** One source job as the replicate reads it: the revision chosen (current, as of T, or --revision N). */
export interface SourceJob {
  readonly spec: JobSpec;
  readonly revision: number;
}

/** The target job as its stream stands: not there (or removed), stopped, or running a revision. */
export type TargetJob =
  | { readonly state: 'absent' }
  | { readonly state: 'stopped'; readonly revision: number; readonly spec: JobSpec }
  | { readonly state: 'running'; readonly revision: number; readonly spec: JobSpec; readonly activeRolloutId?: string };

export interface ReplicateInput {
  readonly sourceEnv: string;
  readonly targetEnv: string;
  readonly jobs: readonly SourceJob[];
  /** Each source job's target state by job name; a job missing here is absent. */
  readonly targets: ReadonlyMap<string, TargetJob>;
  /** Source host name → where its tasks go. */
  readonly hostMap: Readonly<Record<string, HostTarget>>;
  /** Hosts the target env declares, by name. */
  readonly targetHosts: ReadonlyMap<string, HostSpec>;
  /** Hosts the source env declares, by name (a target host may be one of them). */
  readonly sourceHosts: ReadonlyMap<string, HostSpec>;
  /** Record revisions only: running jobs keep their tasks. */
  readonly noDeploy: boolean;
}

export interface ReplicateJobPlan {
  readonly job: string;
  readonly action: 'create' | 'update' | 'unchanged';
  /** The source revision it is made from. */
  readonly sourceRevision: number;
  /** The spec recorded in the target: the source's, each task on its mapped host. */
  readonly spec: JobSpec;
  readonly changes: readonly ClassifiedChange[];
  /** The target's revision the job runs now (the rollout's start), when it runs. */
  readonly fromRevision?: number;
  /** True when the new revision goes out through a rollout. */
  readonly rollout: boolean;
  /** Why no rollout starts when the job changed but none does. */
  readonly noRollout?: string;
}

export interface ReplicatePlan {
  readonly jobs: readonly ReplicateJobPlan[];
  /** Target hosts that are new or moved, declared by the replicate. */
  readonly hosts: readonly DeclaredHost[];
}

/** A target host to declare, and the first source host mapped onto it (what its declaration is made from). */
export interface DeclaredHost {
  readonly spec: HostSpec;
  readonly from: string;
}

/** Why a replicate cannot be planned: what is wrong, and what to do (a DomainError, coded). */
export class ReplicateRefusal extends DomainError {
  override readonly name = 'ReplicateRefusal';

  constructor(
    readonly code: ReplicateRefusalCode,
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

export function isReplicateRefusal(value: ReplicatePlan | ReplicateRefusal): value is ReplicateRefusal {
  return value instanceof ReplicateRefusal;
}

/**
 * What a replicate records, decided before anything is: every source job moved onto the mapped
 * hosts and compared with the target's current revision (equal: unchanged, so replicating twice
 * records nothing), the hosts the target needs, and per changed job whether its rollout starts
 * or why not. Every host the source jobs use must be mapped, and every target host be declared
 * somewhere or by the map itself.
 */
export function planReplicate(input: ReplicateInput): ReplicatePlan | ReplicateRefusal {
  const { sourceEnv, targetEnv } = input;
  if (sourceEnv === targetEnv)
    return refusal(
      'same-environment',
      `cannot replicate environment ${sourceEnv} onto itself`,
      'name another target environment with --to',
    );
  if (input.jobs.length === 0)
    return refusal(
      'environment-empty',
      `environment ${sourceEnv} has no jobs to replicate`,
      'apply a jobs file to it first, or pick a time (--as-of) when it had some',
    );
  const hosts = targetHostsOf(input);
  if (hosts instanceof ReplicateRefusal) return hosts;
  const jobs: ReplicateJobPlan[] = [];
  for (const source of input.jobs) {
    const plan = planJob(input, source);
    if (plan instanceof ReplicateRefusal) return plan;
    jobs.push(plan);
  }
  return { jobs, hosts: hostsToDeclare(hosts, input.targetHosts) };
}

function planJob(input: ReplicateInput, source: SourceJob): ReplicateJobPlan | ReplicateRefusal {
  const spec = moved(source.spec, input.hostMap);
  const target = input.targets.get(spec.name) ?? { state: 'absent' };
  const base = { job: spec.name, sourceRevision: source.revision, spec };
  if (target.state === 'absent')
    return {
      ...base,
      action: 'create',
      changes: [],
      rollout: false,
      noRollout: `start it with cj --env ${input.targetEnv} up ${spec.name}`,
    };
  const changes = classifyChanges(diffJobSpecs(target.spec, spec));
  if (changes.length === 0) return { ...base, action: 'unchanged', changes, rollout: false };
  if (target.state === 'running' && target.activeRolloutId !== undefined) {
    return refusal(
      'rollout-in-progress',
      `job ${spec.name} of ${input.targetEnv} is in rollout ${target.activeRolloutId}`,
      `wait for it to end (cj --env ${input.targetEnv} rollout status ${target.activeRolloutId}) or abort it, then replicate again`,
    );
  }
  const update = { ...base, action: 'update' as const, changes };
  if (!replacesContainers(changes))
    return { ...update, rollout: false, noRollout: 'only policy changed: it takes effect in place' };
  if (target.state === 'stopped')
    return {
      ...update,
      rollout: false,
      noRollout: `the job is not running in ${input.targetEnv}: start it with cj --env ${input.targetEnv} up ${spec.name}`,
    };
  if (input.noDeploy)
    return {
      ...update,
      fromRevision: target.revision,
      rollout: false,
      noRollout: `--no-deploy: its tasks stay on revision ${target.revision}`,
    };
  return { ...update, fromRevision: target.revision, rollout: true };
}

/** The source spec with each task on the host the map names (the map is complete: checked before). */
function moved(spec: JobSpec, hostMap: Readonly<Record<string, HostTarget>>): JobSpec {
  return { ...spec, tasks: spec.tasks.map((task) => ({ ...task, host: hostMap[task.host].name })) };
}

/** Every target host the moved jobs use, as the target will know it. */
function targetHostsOf(input: ReplicateInput): DeclaredHost[] | ReplicateRefusal {
  const used = [...new Set(input.jobs.flatMap(({ spec }) => spec.tasks.map((task) => task.host)))];
  const unmapped = used.filter((host) => !Object.prototype.hasOwnProperty.call(input.hostMap, host));
  if (unmapped.length > 0) {
    return refusal(
      'host-not-mapped',
      `host${unmapped.length > 1 ? 's' : ''} ${unmapped.join(', ')} of environment ${input.sourceEnv} ${unmapped.length > 1 ? 'are' : 'is'} not mapped`,
      `map each one to a host of ${input.targetEnv}, e.g. --map-host ${unmapped[0]}=NEW_HOST=unix:///var/run/docker.sock`,
    );
  }
  const targets = new Map<string, DeclaredHost>();
  for (const from of used) {
    const to = input.hostMap[from];
    const bad = badTargetEndpoint(from, to);
    if (bad) return refusal('bad-endpoint', bad.message, bad.hint);
    const spec =
      to.endpoint !== undefined
        ? { name: to.name, endpoint: to.endpoint, address: targetHostAddress({ ...to, endpoint: to.endpoint }) }
        : (input.targetHosts.get(to.name) ?? input.sourceHosts.get(to.name));
    if (!spec) {
      return refusal(
        'host-not-declared',
        `host ${to.name} (for ${from}) is declared neither in ${input.targetEnv} nor in ${input.sourceEnv}`,
        `give its endpoint: --map-host ${from}=${to.name}=ENDPOINT[=ADDRESS]`,
      );
    }
    const other = targets.get(spec.name)?.spec;
    if (other && (other.endpoint !== spec.endpoint || other.address !== spec.address)) {
      return refusal(
        'host-mapped-twice',
        `host ${spec.name} is given two endpoints (${other.endpoint}, ${spec.endpoint})`,
        'give each target host one endpoint and address',
      );
    }
    if (!other) targets.set(spec.name, { spec, from });
  }
  return [...targets.values()];
}

/** Only hosts that are new or moved in the target: replicating onto declared hosts declares nothing again. */
function hostsToDeclare(hosts: readonly DeclaredHost[], targetHosts: ReadonlyMap<string, HostSpec>): DeclaredHost[] {
  return hosts.filter(({ spec }) => !sameHost(targetHosts.get(spec.name), spec));
}

/** Declared alike: the same engine, address, TLS material and pinned ssh key (however the record orders its keys). */
function sameHost(a: HostSpec | undefined, b: HostSpec): boolean {
  if (!a) return false;
  const tls = (host: HostSpec) => (host.tls ? [host.tls.ca, host.tls.cert, host.tls.key].join('\n') : '');
  return a.endpoint === b.endpoint && a.address === b.address && a.sshHostKey === b.sshHostKey && tls(a) === tls(b);
}

function refusal(code: ReplicateRefusalCode, message: string, hint: string): ReplicateRefusal {
  return new ReplicateRefusal(code, message, hint);
}
