import type { JobSpec } from '@cj/api';
import type { FieldChange } from './field-change';

export interface DiffOptions {
  /**
   * Leave the image digest out: for a spec read from a file (which pins none) against a recorded
   * revision (which does). The tag still shows a change of version.
   */
  readonly ignoreDigest?: boolean;
}

/**
 * What differs between two specs of one job, field by field: image parts, each env by key, each
 * task's host and port, each mount by target, and every health, update and resources field.
 * Lists that are one value (a command) compare whole. Empty means the specs are the same.
 */
export function diffJobSpecs(before: JobSpec, after: JobSpec, options: DiffOptions = {}): FieldChange[] {
  const a = fields(before, options);
  const b = fields(after, options);
  const paths = [...new Set([...a.keys(), ...b.keys()])];
  return paths.flatMap((path) => {
    const was = a.get(path);
    const is = b.get(path);
    if (JSON.stringify(was) === JSON.stringify(is)) return [];
    return [{ path, ...(was !== undefined && { before: was }), ...(is !== undefined && { after: is }) }];
  });
}

function fields(spec: JobSpec, options: DiffOptions): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const put = (path: string, value: unknown) => value !== undefined && out.set(path, value);
  put('name', spec.name);
  put('image.registry', spec.image.registry);
  put('image.repository', spec.image.repository);
  put('image.tag', spec.image.tag);
  if (!options.ignoreDigest) put('image.digest', spec.image.digest);
  for (const task of spec.tasks) {
    put(`tasks[${task.index}].host`, task.host);
    put(`tasks[${task.index}].port`, task.port);
  }
  for (const env of spec.envs) put(`envs.${env.key}`, env.value);
  for (const mount of spec.mounts) {
    put(`mounts.${mount.target}.source`, mount.source);
    put(`mounts.${mount.target}.readOnly`, mount.readOnly);
  }
  for (const [section, value] of [
    ['health', spec.health],
    ['update', spec.update],
    ['resources', spec.resources],
  ] as const) {
    for (const [key, leaf] of Object.entries(value)) put(`${section}.${key}`, leaf);
  }
  put('restart', spec.restart);
  put('reconcile', spec.reconcile);
  put('command', spec.command);
  return out;
}
