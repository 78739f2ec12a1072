import { createHash } from 'node:crypto';
import { eventLine, headerLine, trailerLine, type Sha256 } from './format';
import { readPortableLog, PortableLogError } from './read-portable-log';
import { HostNotMappedError, importChunks, importedEventId, planImport, rewriteHosts } from './plan-import';

/** The tests hash with node's SHA-256; the domain is handed a hasher and does no hashing itself. */
const sha256 = (): Sha256 => {
  const hash = createHash('sha256');
  return { update: (text) => void hash.update(text), digest: () => hash.digest('hex') };
};

const meta = (extra: Record<string, unknown> = {}) => ({ actor: 'alice', correlationId: 'c', causationId: 'c', occurredAt: '2026-06-01T10:00:00.000Z', cjVersion: '1', schemaVersion: 1, chain: { prev: '', hash: 'h' }, ...extra });
const spec = { name: 'web', tasks: [{ index: 0, host: 'h1', port: 8080 }, { index: 1, host: 'h2', port: 8080 }] };

/** A source history: two hosts declared, a job registered and started on both, one container replaced, a rollout left open. */
const history = [
  { stream: 'cj.prod.host.h1', type: 'HostDeclared', data: { host: 'h1', endpoint: 'tcp://10.0.0.1:2376', address: '10.0.0.1' } },
  { stream: 'cj.prod.host.h2', type: 'HostDeclared', data: { host: 'h2', endpoint: 'tcp://10.0.0.2:2376', address: '10.0.0.2' } },
  { stream: 'cj.prod.job.web', type: 'JobRegistered', data: { job: 'web', revision: 1, spec } },
  { stream: 'cj.prod.job.web', type: 'ContainerStarted', data: { job: 'web', task: 0, host: 'h1', containerId: 'a1', revision: 1 } },
  { stream: 'cj.prod.job.web', type: 'ContainerStarted', data: { job: 'web', task: 1, host: 'h2', containerId: 'b1', revision: 1 } },
  { stream: 'cj.prod.job.web', type: 'ContainerRemoved', data: { job: 'web', task: 1, host: 'h2', containerId: 'b1' } },
  { stream: 'cj.prod.job.web', type: 'ContainerStarted', data: { job: 'web', task: 1, host: 'h2', containerId: 'b2', revision: 1 } },
  { stream: 'cj.prod.job.web', type: 'JobRolloutStarted', data: { job: 'web', rolloutId: 'r1', toRevision: 1 } },
  { stream: 'cj.prod.rollout.r1', type: 'RolloutStarted', data: { type: 'RolloutStarted', schemaVersion: 1, at: 1, job: 'web' } },
];

function exported(events = history): string[] {
  const revisions = new Map<string, number>();
  const hash = sha256();
  const lines = [headerLine({ env: 'prod', exportedAt: '2026-06-01T12:00:00.000Z', asOf: null, lastPosition: String(events.length - 1) })];
  events.forEach((event, position) => {
    const revision = revisions.get(event.stream) ?? 0;
    revisions.set(event.stream, revision + 1);
    lines.push(eventLine({ ...event, revision: String(revision), position: String(position), id: `id-${position}`, schemaVersion: 1, metadata: meta() }));
  });
  for (const line of lines) hash.update(`${line}\n`);
  return [...lines, trailerLine(events.length, hash.digest())];
}

const hosts = { h1: { name: 'n1', endpoint: 'tcp://10.1.0.1:2376', address: '10.1.0.1' }, h2: { name: 'n2' } };
const plan = (lines = exported()) => planImport(readPortableLog(lines, sha256()), { targetEnv: 'copy', hosts, actor: 'bob', cjVersion: '2' });

describe('the portable log: reading a file', () => {
  it('given a file as exported, when read, then its header and every event come back with the checksum', () => {
    const log = readPortableLog(exported(), sha256());
    expect(log.header.env).toBe('prod');
    expect(log.events).toHaveLength(history.length);
    expect(log.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('given an event altered after the export, when read, then it is refused at the trailer line', () => {
    const lines = exported();
    lines[3] = lines[3].replace('"h1"', '"hx"');
    expect(() => readPortableLog(lines, sha256())).toThrow(new PortableLogError(lines.length, 'the checksum does not match the lines before it: the file was altered; export it again'));
  });

  it('given a file cut short, when read, then it says the trailer is missing', () => {
    expect(() => readPortableLog(exported().slice(0, 5), sha256())).toThrow(/line 6: the trailer is missing/);
  });

  it('given a line that is not JSON, when read, then that line is named', () => {
    const lines = exported();
    lines[2] = lines[2].slice(0, 20);
    expect(() => readPortableLog(lines, sha256())).toThrow(/^line 3: is not a JSON object/);
  });

  it('given an event removed and the trailer rewritten to match, when read, then the gap in its stream is named', () => {
    const lines = exported();
    lines.splice(5, 1);
    const hash = sha256();
    for (const line of lines.slice(0, -1)) hash.update(`${line}\n`);
    lines[lines.length - 1] = trailerLine(history.length - 1, hash.digest());
    expect(() => readPortableLog(lines, sha256())).toThrow(/line 6: cj.prod.job.web revision 3 does not follow revision 1/);
  });

  it('given a file of another format, when read, then line 1 says so', () => {
    expect(() => readPortableLog(['{"kind":"header","format":"other"}'], sha256())).toThrow(/^line 1: is not a cj-portable-log header/);
  });
});

describe('the portable log: planning an import', () => {
  it('given a host the file uses but the map does not name, when planned, then it is refused naming the host', () => {
    expect(() => planImport(readPortableLog(exported(), sha256()), { targetEnv: 'copy', hosts: { h1: { name: 'n1' } }, actor: 'bob', cjVersion: '2' })).toThrow(new HostNotMappedError(['h2']));
  });

  it('when planned, then streams are the new env, hosts renamed in data and stream names, and a mapped endpoint replaces the source one', () => {
    const events = plan().events;
    expect(events.find((e) => e.type === 'JobRegistered')).toMatchObject({ stream: 'cj.copy.job.web', revision: '0', data: { spec: { tasks: [{ host: 'n1' }, { host: 'n2' }] } } });
    expect(events.filter((e) => e.type === 'HostDeclared').map((e) => [e.stream, e.data])).toEqual([
      ['cj.copy.host.n1', { host: 'n1', endpoint: 'tcp://10.1.0.1:2376', address: '10.1.0.1' }],
      ['cj.copy.host.n2', { host: 'n2', endpoint: 'tcp://10.0.0.2:2376', address: '10.0.0.2' }],
    ]);
  });

  it('when planned, then each event names its source, drops the source hash link, and has an id derived from source and target', () => {
    const registered = plan().events.find((e) => e.type === 'JobRegistered');
    expect(registered?.metadata).toMatchObject({ actor: 'alice', source: { env: 'prod', stream: 'cj.prod.job.web', revision: '0', position: '2' } });
    expect(registered?.metadata['chain']).toBeUndefined();
    expect(registered?.id).toBe(importedEventId('prod', 'cj.prod.job.web', '0', 'copy'));
    expect(plan().events.map((e) => e.id)).toEqual(plan().events.map((e) => e.id));
  });

  it('when planned, then the containers still on the source hosts are recorded removed and the open rollout is aborted, before any host is declared', () => {
    const { events, closing } = plan();
    expect(closing).toBe(4);
    expect(events.map((e) => `${e.stream}@${e.revision} ${e.type}`)).toEqual([
      'cj.copy.job.web@0 JobRegistered',
      'cj.copy.job.web@1 ContainerStarted',
      'cj.copy.job.web@2 ContainerStarted',
      'cj.copy.job.web@3 ContainerRemoved',
      'cj.copy.job.web@4 ContainerStarted',
      'cj.copy.job.web@5 JobRolloutStarted',
      'cj.copy.rollout.r1@0 RolloutStarted',
      'cj.copy.rollout.r1@1 RolloutAborted',
      'cj.copy.job.web@6 JobRolloutEnded',
      'cj.copy.job.web@7 ContainerRemoved',
      'cj.copy.job.web@8 ContainerRemoved',
      'cj.copy.host.n1@0 HostDeclared',
      'cj.copy.host.n2@0 HostDeclared',
    ]);
    expect(events.filter((e) => e.type === 'ContainerRemoved').slice(1).map((e) => e.data)).toEqual([
      { job: 'web', task: 0, host: 'n1', containerId: 'a1' },
      { job: 'web', task: 1, host: 'n2', containerId: 'b2' },
    ]);
  });

  it('given a change of a task host in a revision, when rewritten, then before and after are renamed too', () => {
    expect(rewriteHosts({ changes: [{ path: 'tasks[0].host', before: 'h1', after: 'h2' }, { path: 'image.tag', before: 'h1' }] }, hosts)).toEqual({
      changes: [{ path: 'tasks[0].host', before: 'n1', after: 'n2' }, { path: 'image.tag', before: 'h1' }],
    });
  });

  it('when cut into chunks, then a host stream is never split', () => {
    const events = plan().events;
    const chunks = importChunks(events, 2);
    expect(chunks.flat()).toEqual(events);
    expect(chunks.every((chunk) => chunk.length <= 2)).toBe(true);
    expect(importChunks([...events, { ...events[events.length - 1], revision: '1' }], 12).map((c) => c.length)).toEqual([12, 2]);
  });
});
