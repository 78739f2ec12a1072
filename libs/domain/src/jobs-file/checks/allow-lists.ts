import type { JobsFileDto } from '../dto/jobs-file.dto';
import { issueAt, type JobsFileIssue } from '../issues';
import { entryOf, type SourceNode, valueOf } from '../source/source-node';
import { parseImageRef } from '../values/image-ref';
import type { JobView } from './job-view';

/** A host path jobs may mount (the path and everything under it), read-only unless `readWrite`. */
export interface MountAllowance {
  readonly path: string;
  readonly readWrite: boolean;
}

/**
 * What whoever runs the orchestrator allows jobs files to ask for; never the file's own say.
 * - `mounts`: the host paths jobs may mount. An absolute mount source must lie at or under one;
 *   a read-write mount needs a read-write allowance. Without any, no absolute host path may be
 *   mounted (a relative source, the job's own data directory, always may).
 * - `registries`: the registries images may come from. Without it, the file's own `registry:`
 *   (and Docker Hub for an image naming none when the file declares none); with it, only these.
 */
export interface HostPolicy {
  readonly mounts?: readonly MountAllowance[];
  readonly registries?: readonly string[];
}

/**
 * Paths that hand a container the host: the root, kernel interfaces, the host's configuration and
 * secrets, devices, and the container engine's socket and state. A mount at or under one needs an
 * allowance at or under it too: `--allow-mount /` allows `/` but not `/etc` or the engine socket.
 */
export const SENSITIVE_HOST_PATHS: readonly string[] = [
  '/proc',
  '/sys',
  '/etc',
  '/dev',
  '/boot',
  '/root',
  '/run',
  '/var/run',
  '/var/lib/docker',
  '/var/lib/containerd',
];

const DOCKER_HUB = 'docker.io';

export function checkAllowLists(
  root: SourceNode,
  dto: JobsFileDto,
  jobs: readonly JobView[],
  policy: HostPolicy,
): JobsFileIssue[] {
  return [...checkRegistries(root, dto, jobs, policy), ...jobs.flatMap((job) => checkMounts(job, policy))];
}

function checkMounts({ dto, node }: JobView, policy: HostPolicy): JobsFileIssue[] {
  const items = valueOf(node, 'mounts');
  if (items?.kind !== 'list' || !Array.isArray(dto.mounts)) return [];
  return dto.mounts.flatMap((mount, index) => {
    const item = items.items[index];
    if (!item || typeof mount?.source !== 'string') return [];
    const readWrite = mount.read_only !== true;
    const segments = mount.source.split('/');
    if (segments.includes('..')) {
      return [
        issueAt(
          item.loc,
          item.path,
          `mount source ${JSON.stringify(mount.source)} climbs out with ".."`,
          'write the host path without ".." segments',
        ),
      ];
    }
    if (!mount.source.startsWith('/')) return [];
    const source = normalized(mount.source);
    const allowance = (policy.mounts ?? []).find((allowed) => permits(allowed, source));
    if (!allowance) {
      const allowed = (policy.mounts ?? []).map((a) => `${a.path}${a.readWrite ? ':rw' : ''}`);
      return [
        issueAt(
          item.loc,
          item.path,
          `host path ${source} may not be mounted: the orchestrator allows ${allowed.length > 0 ? allowed.join(', ') : 'no host paths'}${sensitiveArea(source) ? ` (and ${sensitiveArea(source)} needs an allowance of its own)` : ''}`,
          "mount a path the orchestrator allows, or a relative path (the job's data directory); whoever runs the orchestrator allows paths with --allow-mount PATH[:rw]",
        ),
      ];
    }
    if (readWrite && !allowance.readWrite) {
      return [
        issueAt(
          item.loc,
          item.path,
          `host path ${source} may only be mounted read-only (the orchestrator allows ${allowance.path} read-only)`,
          'add :ro (or read_only: true), or have the orchestrator allow it with --allow-mount PATH:rw',
        ),
      ];
    }
    return [];
  });
}

function permits(allowed: MountAllowance, source: string): boolean {
  const path = normalized(allowed.path);
  if (!under(source, path)) return false;
  return SENSITIVE_HOST_PATHS.every((sensitive) => !under(source, sensitive) || under(path, sensitive));
}

function sensitiveArea(source: string): string | undefined {
  return source === '/' ? '/' : SENSITIVE_HOST_PATHS.find((sensitive) => under(source, sensitive));
}

function under(path: string, dir: string): boolean {
  return dir === '/' || path === dir || path.startsWith(`${dir}/`);
}

function normalized(path: string): string {
  const parts = path.split('/').filter((part) => part !== '' && part !== '.');
  return `/${parts.join('/')}`;
}

function checkRegistries(
  root: SourceNode,
  dto: JobsFileDto,
  jobs: readonly JobView[],
  policy: HostPolicy,
): JobsFileIssue[] {
  const declared = typeof dto.registry === 'string' ? dto.registry : undefined;
  const issues: JobsFileIssue[] = [];
  const allowed = policy.registries ?? [declared ?? DOCKER_HUB];
  const listed = allowed.join(', ');
  if (declared !== undefined && policy.registries !== undefined && !policy.registries.includes(declared)) {
    const entry = entryOf(root, 'registry')!;
    issues.push(
      issueAt(
        entry.value.loc,
        'registry',
        `registry ${declared} is not one the orchestrator allows (${listed})`,
        'use an allowed registry; whoever runs the orchestrator allows others with --allow-registry HOST[:PORT]',
      ),
    );
  }
  for (const { dto: job, node } of jobs) {
    if (typeof job.image !== 'string') continue;
    const image = parseImageRef(job.image, declared);
    if (!image) continue;
    const registry = image.registry ?? DOCKER_HUB;
    if (allowed.includes(registry)) continue;
    const at = valueOf(node, 'image') ?? node;
    issues.push(
      issueAt(
        at.loc,
        at.path,
        `image ${job.image} comes from ${registry}, which is not a registry of this environment (${listed}); nothing was looked up there`,
        declared === undefined && policy.registries === undefined
          ? 'declare the registry at the top of the file (registry: HOST[:PORT]), or name the image without one'
          : "name the image without a registry (the file's registry: applies), or one the orchestrator allows (--allow-registry)",
      ),
    );
  }
  return issues;
}
