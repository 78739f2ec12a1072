import { childPath, type MapEntry, type MapNode, type SourceNode } from './source-node';

/**
 * Rewrites the shorthands a person may write into the one shape the DTOs validate, keeping every
 * node's location and display path: maps of jobs, hosts and envs become lists with their key as
 * `name`/`key`, `host: endpoint` becomes `{endpoint}`, `"src:dst:ro"` mounts become objects,
 * `port: "9999"` (the talk quotes it) becomes a number, and `health: none` becomes `{type: none}`.
 * Shapes it does not recognise are left alone for validation to report.
 */
export function normalizeJobsFile(root: SourceNode): SourceNode {
  return mapEntries(root, {
    hosts: (node) =>
      listFromMap(node, 'name', (entry) => (entry.value.kind === 'scalar' ? wrap(entry, 'endpoint') : entry.value)),
    jobs: (node) =>
      each(
        listFromMap(node, 'name', (entry) => entry.value),
        normalizeJob,
      ),
    defaults: (node) => mapEntries(node, { envs: normalizeEnvs, health: normalizeHealth }),
  });
}

function normalizeJob(job: SourceNode): SourceNode {
  return mapEntries(job, {
    port: numericString,
    replicas: numericString,
    envs: normalizeEnvs,
    mounts: (node) => each(node, normalizeMount),
    health: normalizeHealth,
  });
}

function normalizeEnvs(envs: SourceNode): SourceNode {
  const list = listFromMap(envs, 'key', (entry) => wrap(entry, 'value'));
  return each(list, (env) => mapEntries(env, { value: envValue }));
}

/** Env values are strings to Docker; `http_port: 8990` in YAML means the string "8990". */
function envValue(node: SourceNode): SourceNode {
  return node.kind === 'scalar' && (typeof node.value === 'number' || typeof node.value === 'boolean')
    ? { ...node, value: String(node.value) }
    : node;
}

function numericString(node: SourceNode): SourceNode {
  return node.kind === 'scalar' && typeof node.value === 'string' && /^\d+$/.test(node.value.trim())
    ? { ...node, value: Number(node.value) }
    : node;
}

/** Docker's short form `source:target[:ro|rw]`. */
function normalizeMount(mount: SourceNode): SourceNode {
  if (mount.kind !== 'scalar' || typeof mount.value !== 'string') return mount;
  const parts = mount.value.split(':');
  const mode = parts[2];
  if (parts.length < 2 || parts.length > 3 || (mode !== undefined && mode !== 'ro' && mode !== 'rw')) return mount;
  const field = (key: string, value: string | boolean): MapEntry => ({
    key,
    keyLoc: mount.loc,
    value: { kind: 'scalar', value, loc: mount.loc, path: childPath(mount.path, key) },
  });
  return {
    kind: 'map',
    loc: mount.loc,
    path: mount.path,
    entries: [field('source', parts[0]), field('target', parts[1]), field('read_only', mode === 'ro')],
  };
}

function normalizeHealth(health: SourceNode): SourceNode {
  if (health.kind !== 'scalar' || health.value !== 'none') return health;
  return {
    kind: 'map',
    loc: health.loc,
    path: health.path,
    entries: [{ key: 'type', keyLoc: health.loc, value: { ...health, path: childPath(health.path, 'type') } }],
  };
}

/** A map keyed by name becomes a list whose items carry that name under `nameKey`. */
function listFromMap(node: SourceNode, nameKey: string, item: (entry: MapEntry) => SourceNode): SourceNode {
  if (node.kind !== 'map') return node;
  return {
    kind: 'list',
    loc: node.loc,
    path: node.path,
    items: node.entries.map((entry) => {
      const value = item(entry);
      if (value.kind !== 'map' || value.entries.some((e) => e.key === nameKey)) return value;
      const name: MapEntry = {
        key: nameKey,
        keyLoc: entry.keyLoc,
        value: { kind: 'scalar', value: entry.key, loc: entry.keyLoc, path: childPath(value.path, nameKey) },
      };
      return { ...value, entries: [name, ...value.entries] };
    }),
  };
}

/** `key: scalar` → `{ field: scalar }`, located where the scalar was written. */
function wrap(entry: MapEntry, field: string): MapNode {
  const value = entry.value;
  return {
    kind: 'map',
    loc: value.loc,
    path: value.path,
    entries: [{ key: field, keyLoc: value.loc, value: { ...value, path: childPath(value.path, field) } }],
  };
}

function mapEntries(
  node: SourceNode,
  rewrite: Readonly<Record<string, (value: SourceNode) => SourceNode>>,
): SourceNode {
  if (node.kind !== 'map') return node;
  return {
    ...node,
    entries: node.entries.map((entry) => {
      const fn = Object.hasOwn(rewrite, entry.key) ? rewrite[entry.key] : undefined;
      return fn ? { ...entry, value: fn(entry.value) } : entry;
    }),
  };
}

function each(node: SourceNode, fn: (item: SourceNode) => SourceNode): SourceNode {
  return node.kind === 'list' ? { ...node, items: node.items.map(fn) } : node;
}
