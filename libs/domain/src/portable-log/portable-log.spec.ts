import { eventLine, headerLine, type PortableEvent } from './format';
import { checkRevisions, parseEventLine, parseHeaderLine, PortableLogError } from './read-portable-log';
import {
  closingEvents,
  hostsOfLog,
  importedEventId,
  importEvent,
  importsLast,
  rewriteHosts,
  type ImportEvent,
} from './plan-import';

const meta = (extra: Record<string, unknown> = {}) => ({
  actor: 'alice',
  correlationId: 'c',
  causationId: 'c',
  occurredAt: '2026-06-01T10:00:00.000Z',
  cjVersion: '1',
  schemaVersion: 1,
  chain: { prev: '', hash: 'h' },
  ...extra,
});
const spec = {
  name: 'web',
  tasks: [
    { index: 0, host: 'h1', port: 8080 },
    { index: 1, host: 'h2', port: 8080 },
  ],
};

/** A source history: two hosts declared, a job registered and started on both, one container replaced, a rollout left open. */
const history = [
  {
    stream: 'cj.prod.host.h1',
    type: 'HostDeclared',
    data: { host: 'h1', endpoint: 'tcp://10.0.0.1:2376', address: '10.0.0.1' },
  },
  {
    stream: 'cj.prod.host.h2',
    type: 'HostDeclared',
    data: { host: 'h2', endpoint: 'tcp://10.0.0.2:2376', address: '10.0.0.2' },
  },
  { stream: 'cj.prod.job.web', type: 'JobRegistered', data: { job: 'web', revision: 1, spec } },
  {
    stream: 'cj.prod.job.web',
    type: 'ContainerStarted',
    data: { job: 'web', task: 0, host: 'h1', containerId: 'a1', revision: 1 },
  },
  {
    stream: 'cj.prod.job.web',
    type: 'ContainerStarted',
    data: { job: 'web', task: 1, host: 'h2', containerId: 'b1', revision: 1 },
  },
  { stream: 'cj.prod.job.web', type: 'ContainerRemoved', data: { job: 'web', task: 1, host: 'h2', containerId: 'b1' } },
  {
    stream: 'cj.prod.job.web',
    type: 'ContainerStarted',
    data: { job: 'web', task: 1, host: 'h2', containerId: 'b2', revision: 1 },
  },
  { stream: 'cj.prod.job.web', type: 'JobRolloutStarted', data: { job: 'web', rolloutId: 'r1', toRevision: 1 } },
  {
    stream: 'cj.prod.rollout.r1',
    type: 'RolloutStarted',
    data: { type: 'RolloutStarted', schemaVersion: 1, at: 1, job: 'web' },
  },
];

/** The lines `cj export` writes for `events` (the trailer aside: its checksum is the CLI's to check). */
function exported(events = history): string[] {
  const revisions = new Map<string, number>();
  const lines = [
    headerLine({
      env: 'prod',
      store: 'store-a',
      exportedAt: '2026-06-01T12:00:00.000Z',
      asOf: null,
      lastPosition: String(events.length - 1),
    }),
  ];
  events.forEach((event, position) => {
    const revision = revisions.get(event.stream) ?? 0;
    revisions.set(event.stream, revision + 1);
    lines.push(
      eventLine({
        ...event,
        revision: String(revision),
        position: String(position),
        id: `id-${position}`,
        schemaVersion: 1,
        metadata: meta(),
      }),
    );
  });
  return lines;
}

const hosts = { h1: { name: 'n1', endpoint: 'tcp://10.1.0.1:2376', address: '10.1.0.1' }, h2: { name: 'n2' } };
const target = { sourceEnv: 'prod', sourceStore: 'store-a', targetEnv: 'copy', hosts };
const header = () => parseHeaderLine(exported()[0]);
const events = (): PortableEvent[] =>
  exported()
    .slice(1)
    .map((text, i) => parseEventLine(text, i + 2, 'prod'));
/** The import's events in the order it appends them: the file's but the hosts', what closes them, the hosts'. */
function imported(): ImportEvent[] {
  const file = events();
  const first = file.filter((e) => !importsLast(e.stream)).map((e) => importEvent(e, target));
  const closing = closingEvents(
    first.map((e) => ({ ...e, revision: BigInt(e.revision) })),
    { ...target, header: header(), actor: 'bob', cjVersion: '2' },
  );
  return [...first, ...closing, ...file.filter((e) => importsLast(e.stream)).map((e) => importEvent(e, target))];
}

describe('the portable log: reading a file', () => {
  it('given a file as exported, when its lines are read, then its header and every event come back', () => {
    expect(header()).toMatchObject({ kind: 'header', format: 'cj-portable-log', version: 1, env: 'prod' });
    expect(events().map((e) => e.type)).toEqual(history.map((e) => e.type));
  });

  it('given a line that is not JSON, when read, then that line is named', () => {
    expect(() => parseEventLine(exported()[2].slice(0, 20), 3, 'prod')).toThrow(/^line 3: is not a JSON object/);
  });

  it("given an event of another env than the header's, when read, then it is refused at its line", () => {
    expect(() => parseEventLine(exported()[3].replace('cj.prod.job', 'cj.other.job'), 4, 'prod')).toThrow(
      'line 4: stream cj.other.job.web is not of environment prod, which the header names',
    );
  });

  it('given an event missing from its stream, when the revisions are checked, then the gap is named at the next line', () => {
    const lines = events().map((event, i) => ({ event, line: i + 2 }));
    lines.splice(4, 1);
    expect(() => checkRevisions(lines, new Map())).toThrow(
      /line 7: cj.prod.job.web revision 3 does not follow revision 1/,
    );
    expect(() =>
      checkRevisions(
        events().map((event, i) => ({ event, line: i + 2 })),
        new Map(),
      ),
    ).not.toThrow();
  });

  it('given a part of a file that starts mid-stream, when checked alone, then it passes; when its stream must start at 0, then the start is named', () => {
    const part = events()
      .map((event, i) => ({ event, line: i + 2 }))
      .slice(4);
    expect(() => checkRevisions(part, new Map())).not.toThrow();
    expect(() => checkRevisions(part, new Map([['cj.prod.job.web', 0n]]))).toThrow(
      /line 6: cj.prod.job.web starts at revision 2, not 0/,
    );
  });

  it('given a file of another format or version, when read, then line 1 says so', () => {
    expect(() => parseHeaderLine('{"kind":"header","format":"other"}')).toThrow(
      /^line 1: is not a cj-portable-log header/,
    );
    expect(() => parseHeaderLine(exported()[0].replace('"version":1', '"version":9'))).toThrow(
      new PortableLogError(1, 'format version 9 is not one this cj reads (1); import it with the cj that exported it'),
    );
  });
});

describe('the portable log: an import', () => {
  it('given a file, then every host it uses is found, in stream names and in data', () => {
    expect(hostsOfLog(events())).toEqual(['h1', 'h2']);
  });

  it('when imported, then streams are the new env, hosts renamed in data and stream names, and a mapped endpoint replaces the source one', () => {
    const all = imported();
    expect(all.find((e) => e.type === 'JobRegistered')).toMatchObject({
      stream: 'cj.copy.job.web',
      revision: '0',
      data: { spec: { tasks: [{ host: 'n1' }, { host: 'n2' }] } },
    });
    expect(all.filter((e) => e.type === 'HostDeclared').map((e) => [e.stream, e.data])).toEqual([
      ['cj.copy.host.n1', { host: 'n1', endpoint: 'tcp://10.1.0.1:2376', address: '10.1.0.1' }],
      ['cj.copy.host.n2', { host: 'n2', endpoint: 'tcp://10.0.0.2:2376', address: '10.0.0.2' }],
    ]);
  });

  it('when imported, then each event names its source, drops the source hash link, and has an id derived from source and target', () => {
    const registered = imported().find((e) => e.type === 'JobRegistered');
    expect(registered?.metadata).toMatchObject({
      actor: 'alice',
      source: { env: 'prod', stream: 'cj.prod.job.web', revision: '0', position: '2', storeId: 'store-a' },
    });
    expect(registered?.metadata['chain']).toBeUndefined();
    expect(registered?.id).toBe(importedEventId('prod', 'cj.prod.job.web', '0', 'copy'));
    expect(imported().map((e) => e.id)).toEqual(imported().map((e) => e.id));
  });

  it('when imported, then the containers still on the source hosts are recorded removed and the open rollout aborted, before any host is declared', () => {
    expect(imported().map((e) => `${e.stream}@${e.revision} ${e.type}`)).toEqual([
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
    const removed = imported()
      .filter((e) => e.type === 'ContainerRemoved')
      .slice(1);
    expect(removed.map((e) => e.data)).toEqual([
      { job: 'web', task: 0, host: 'n1', containerId: 'a1' },
      { job: 'web', task: 1, host: 'n2', containerId: 'b2' },
    ]);
    expect(removed[0].metadata).toMatchObject({
      actor: 'bob',
      reason: 'import from prod: container a1 ran on h1 of prod, not on n1',
      occurredAt: '2026-06-01T12:00:00.000Z',
    });
    // Stored as a rollout's stream stores its events: flat.
    expect(imported().find((e) => e.type === 'RolloutAborted')?.data).toEqual({
      type: 'RolloutAborted',
      schemaVersion: 1,
      at: Date.parse('2026-06-01T12:00:00.000Z'),
      reason: 'rollout r1 was running in prod; it does not run here',
    });
  });

  it('given a history whose containers were all removed and rollouts ended, then nothing is closed', () => {
    const closed = imported()
      .filter((e) => !importsLast(e.stream))
      .map((e) => ({ ...e, revision: BigInt(e.revision) }));
    expect(closingEvents(closed, { ...target, header: header(), actor: 'bob', cjVersion: '2' })).toEqual([]);
  });

  it('given a change of a task host in a revision, when rewritten, then before and after are renamed too', () => {
    expect(
      rewriteHosts(
        {
          changes: [
            { path: 'tasks[0].host', before: 'h1', after: 'h2' },
            { path: 'image.tag', before: 'h1' },
          ],
        },
        hosts,
      ),
    ).toEqual({
      changes: [
        { path: 'tasks[0].host', before: 'n1', after: 'n2' },
        { path: 'image.tag', before: 'h1' },
      ],
    });
  });
});
