import { shortStoreId, type ContainerSpec } from '@cj/domain';
import type { ImageRef } from '@cj/api';
import type { ContainerCreateOptions, MountSettings } from 'dockerode';
import { posix } from 'node:path';
import { LABEL } from './labels';

/**
 * The standard container configuration, from the lessons of running Docker in production:
 * - bounded json-file logs: the engine buffers a chatty container's output and leaks memory;
 * - an init process (`Init: true`): nothing else reaps a service's orphaned children (zombies);
 * - host networking: a task's port is a port on its host, no proxy in the way;
 * - the host's clock, timezone and users mounted read-only, data on the host under a per-job path.
 */
export interface StandardConfigOptions {
  /** Per-job data lives under `<dataRoot>/<env>/<job>/` on the container's host. */
  readonly dataRoot: string;
  /** json-file `max-size` (e.g. `10m`). */
  readonly logMaxSize: string;
  /** json-file `max-file`. */
  readonly logMaxFiles: number;
  /** Host files mounted read-only at the same path, when the host has them. */
  readonly hostFiles: readonly string[];
}

export const STANDARD_CONFIG_DEFAULTS: StandardConfigOptions = {
  dataRoot: '/var/lib/cj',
  logMaxSize: '10m',
  logMaxFiles: 3,
  hostFiles: ['/etc/localtime', '/etc/timezone', '/etc/passwd'],
};

/** `cj-<env>-<job>-<task>-r<revision>[-<rollout short id>]`: job, task and revision at a glance. */
export function containerName(
  spec: Pick<ContainerSpec, 'env' | 'job' | 'task' | 'revision' | 'rollout' | 'cluster'>,
): string {
  const base = `cj-${spec.env}-${spec.job}-${spec.task}-r${spec.revision}`;
  const withRollout = spec.rollout ? `${base}-${spec.rollout.replace(/[^a-zA-Z0-9]/g, '').slice(0, 8)}` : base;
  // Two clusters may run the same job's task on one host: the store's short id keeps their names apart.
  return spec.cluster ? `${withRollout}.${shortStoreId(spec.cluster)}` : withRollout;
}

/** The reference to pull and run: the pinned digest when known, else the tag. */
export function imageReference(image: ImageRef): string {
  const name = image.registry ? `${image.registry}/${image.repository}` : image.repository;
  return image.digest ? `${name}@${image.digest}` : `${name}:${image.tag}`;
}

export function jobDataDir(options: StandardConfigOptions, spec: Pick<ContainerSpec, 'env' | 'job'>): string {
  return posix.join(options.dataRoot, spec.env, spec.job);
}

export function containerLabels(spec: ContainerSpec): Record<string, string> {
  return {
    [LABEL.env]: spec.env,
    [LABEL.job]: spec.job,
    [LABEL.task]: String(spec.task),
    [LABEL.revision]: String(spec.revision),
    [LABEL.port]: String(spec.port),
    ...(spec.rollout ? { [LABEL.rollout]: spec.rollout } : {}),
    ...(spec.cluster ? { [LABEL.cluster]: spec.cluster } : {}),
  };
}

/**
 * The engine's create options for a task. `hostFiles` are the standard host files this host has
 * (see DockerRuntime: the engine itself tells which are missing).
 */
export function createOptions(
  spec: ContainerSpec,
  options: StandardConfigOptions,
  hostFiles: readonly string[],
): ContainerCreateOptions {
  const dataDir = jobDataDir(options, spec);
  // Binds create a missing source directory on the host, which is what job data wants;
  // Mounts fail on a missing source, which is what the host files want (never an empty dir).
  const binds = spec.mounts.map((m) => {
    const source = posix.isAbsolute(m.source) ? m.source : posix.join(dataDir, m.source);
    return `${source}:${m.target}:${m.readOnly ? 'ro' : 'rw'}`;
  });
  const mounts: MountSettings[] = hostFiles.map((path) => ({
    Type: 'bind',
    Source: path,
    Target: path,
    ReadOnly: true,
  }));
  return {
    name: containerName(spec),
    Image: imageReference(spec.image),
    Cmd: spec.command ? [...spec.command] : undefined,
    Env: [`PORT=${spec.port}`, ...spec.envs.map((e) => `${e.key}=${e.value}`)],
    Labels: containerLabels(spec),
    HostConfig: {
      NetworkMode: 'host',
      Init: true,
      LogConfig: {
        Type: 'json-file',
        Config: { 'max-size': options.logMaxSize, 'max-file': String(options.logMaxFiles) },
      },
      RestartPolicy: { Name: spec.restart === 'no' ? '' : spec.restart },
      Binds: binds,
      Mounts: mounts,
      ...(spec.resources.memory ? { Memory: spec.resources.memory } : {}),
      ...(spec.resources.cpus ? { NanoCpus: Math.round(spec.resources.cpus * 1e9) } : {}),
    },
  };
}
