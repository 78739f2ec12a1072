import {
  DEFAULT_ENVIRONMENT,
  DEFAULT_HEALTH,
  DEFAULT_HEALTH_TIMING,
  DEFAULT_HTTP_STATUS,
  DEFAULT_RECONCILE,
  DEFAULT_RESTART,
  DEFAULT_UPDATE_POLICY,
} from './defaults';
import type { HealthDto } from './dto/health.dto';
import type { DefaultsDto, EnvVarDto, JobDto, ResourcesDto } from './dto/job.dto';
import type { HostDto, JobsFileDto } from './dto/jobs-file.dto';
import type { UpdateDto } from './dto/update.dto';
import type { Environment } from './model';
import {
  type EnvVar,
  type HealthCheck,
  type HostSpec,
  type JobSpec,
  type Resources,
  type RestartPolicy,
  type RolloutOrder,
  type FailureAction,
  type UpdatePolicy,
  parseDuration,
  defaultHostAddress,
} from '@cj/api';
import { placeTasks } from './placement';
import { parseImageRef } from './values/image-ref';
import { parseMemory } from './values/memory';
import { formatSshHostKey, parseSshHostKey, type SshHostKey } from './values/ssh-host-key';

/** Turns a validated jobs file into the model, with every default applied. Call only without issues. */
export function buildEnvironment(dto: JobsFileDto): Environment {
  const defaults: DefaultsDto = dto.defaults ?? {};
  return {
    name: dto.environment ?? DEFAULT_ENVIRONMENT,
    ...(dto.registry !== undefined && { registry: dto.registry }),
    hosts: (dto.hosts ?? []).map(buildHost),
    jobs: dto.jobs.map((job) => buildJob(job, defaults, dto.registry)),
  };
}

function buildHost(host: HostDto): HostSpec {
  return {
    name: host.name,
    endpoint: host.endpoint,
    address: host.address ?? (defaultHostAddress(host.endpoint) as string),
    ...(host.tls && { tls: { ca: host.tls.ca, cert: host.tls.cert, key: host.tls.key } }),
    ...(host.ssh_host_key !== undefined && {
      sshHostKey: formatSshHostKey(parseSshHostKey(host.ssh_host_key) as SshHostKey),
    }),
  };
}

function buildJob(job: JobDto, defaults: DefaultsDto, registry: string | undefined): JobSpec {
  return {
    name: job.name,
    image: parseImageRef(job.image, registry)!,
    tasks: placeTasks({
      hosts: job.run_on_host !== undefined ? [job.run_on_host] : (job.hosts ?? []),
      replicas: job.replicas,
      port: job.port,
    }),
    envs: mergeEnvs(defaults.envs ?? [], job.envs ?? []),
    mounts: (job.mounts ?? []).map((m) => ({ source: m.source, target: m.target, readOnly: m.read_only ?? false })),
    health: buildHealth(job.health ?? defaults.health),
    update: buildUpdate({ ...defined(defaults.update), ...defined(job.update) }),
    resources: buildResources({ ...defined(defaults.resources), ...defined(job.resources) }),
    restart: (job.restart ?? defaults.restart ?? DEFAULT_RESTART) as RestartPolicy,
    // Only the choice that differs from the default is kept, so specs recorded before the key compare equal.
    ...((job.reconcile ?? defaults.reconcile ?? DEFAULT_RECONCILE) === 'report' && { reconcile: 'report' as const }),
    ...(job.command && { command: job.command }),
  };
}

/** Defaults first, in their order; a job's own value replaces a default's in place. */
function mergeEnvs(defaults: readonly EnvVarDto[], own: readonly EnvVarDto[]): EnvVar[] {
  const merged = new Map<string, string>(defaults.map((env) => [env.key, env.value]));
  for (const env of own) merged.set(env.key, env.value);
  return [...merged].map(([key, value]) => ({ key, value }));
}

/** A job's health check replaces the default one whole: fields of different check types don't mix. */
function buildHealth(health: HealthDto | undefined): HealthCheck {
  if (!health) return DEFAULT_HEALTH;
  const timing = {
    interval: duration(health.interval, DEFAULT_HEALTH_TIMING.interval),
    timeout: duration(health.timeout, DEFAULT_HEALTH_TIMING.timeout),
    retries: health.retries ?? DEFAULT_HEALTH_TIMING.retries,
  };
  switch (health.type) {
    case 'http':
      return {
        type: 'http',
        path: health.path as string,
        expectStatus: health.status ?? DEFAULT_HTTP_STATUS,
        ...timing,
      };
    case 'exec':
      return { type: 'exec', command: health.command as string[], ...timing };
    case 'tcp':
    case 'docker':
      return { type: health.type, ...timing };
    default:
      return { type: 'none' };
  }
}

function buildUpdate(update: UpdateDto): UpdatePolicy {
  const d = DEFAULT_UPDATE_POLICY;
  const monitor = duration(update.monitor, 0);
  return {
    maxParallel: update.max_parallel ?? d.maxParallel,
    order: (update.order as RolloutOrder | undefined) ?? d.order,
    minHealthyTime: duration(update.min_healthy_time, d.minHealthyTime),
    healthyDeadline: duration(update.healthy_deadline, d.healthyDeadline),
    progressDeadline: duration(update.progress_deadline, d.progressDeadline),
    maxFailureRatio: update.max_failure_ratio ?? d.maxFailureRatio,
    delayBetweenBatches: duration(update.delay_between_batches, d.delayBetweenBatches),
    failureAction: (update.failure_action as FailureAction | undefined) ?? d.failureAction,
    keepReplaced: update.keep_replaced ?? d.keepReplaced,
    ...(monitor > 0 && { monitor }),
  };
}

function buildResources(resources: ResourcesDto): Resources {
  return {
    ...(resources.memory !== undefined && { memory: parseMemory(resources.memory) }),
    ...(resources.cpus !== undefined && { cpus: resources.cpus }),
  };
}

function duration(text: string | undefined, fallback: number): number {
  return text === undefined ? fallback : (parseDuration(text) as number);
}

/** A DTO's given fields only: its declared-but-absent fields must not hide a default. */
function defined<T extends object>(dto: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(dto ?? {}).filter(([, value]) => value !== undefined)) as Partial<T>;
}
