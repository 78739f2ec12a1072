/**
 * `cj replicate` and `cj compare` end to end: the built orchestrator and `cj`, four fake Docker
 * hosts. prod runs web on two of them; replicate stands up staging on the other two, declaring them
 * by --map-host; the tasks run there, prod's containers are untouched, compare says equal. A change
 * of prod replicated again rolls staging out to it; --as-of replicates the revision of before;
 * --dry-run and refused maps record nothing; every replicated event names its source.
 */
import type { AuditEntry, CompareResponse, ReplicateResponse } from '@cj/api';
import { openSqliteEventStore } from '@cj/event-store';
import { waitFor, type FakeHost } from '@cj/docker-adapter/testing';
import { jobsFile } from './cli-e2e-files';
import { CliWorld } from './cli-e2e-world';

jest.setTimeout(300_000);

const PROD = 'prod';
const STAGING = 'staging';
const PORT = 18720;

describe('cj replicate: staging from prod on other hosts, and cj compare', () => {
  let world: CliWorld;
  let h1: FakeHost;
  let h2: FakeHost;
  let h3: FakeHost;
  let h4: FakeHost;
  let beforeChange: string;

  const cj = (env: string, ...args: string[]) => world.cj(env, args, { timeoutMs: 120_000 });
  const json = async <T>(env: string, ...args: string[]): Promise<T> => {
    const result = await cj(env, ...args, '--json');
    if (result.code !== 0 && result.code !== 1)
      throw new Error(`cj ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
    return JSON.parse(result.stdout) as T;
  };
  /** staging's hosts are declared by the command itself: a name of its own, the engine and address of h3 and h4. */
  const mapHosts = () => [
    '--map-host',
    `${h1.name}=stg-a=${h3.endpoint}=${h3.address}`,
    '--map-host',
    `${h2.name}=stg-b=${h4.endpoint}=${h4.address}`,
  ];
  const ids = async (host: FakeHost, env: string) =>
    (await world.containers(host, env, 'web'))
      .filter((c) => c.State === 'running')
      .map((c) => c.Id)
      .sort();
  const version = async (host: FakeHost) =>
    fetch(`http://${host.address}:${PORT}/version`).then(
      async (r) => (await r.text()).trim(),
      () => '',
    );
  /** Runs `check` and expects that it recorded nothing in staging (the observation loop aside). */
  const expectNothingRecorded = async (check: () => Promise<void>) => {
    const before = await world.requestedEvents(STAGING);
    await check();
    expect(await world.requestedEvents(STAGING)).toBe(before);
  };
  /** Waits until compare answers `equal` (observation reports what the engines run a moment later). */
  const compareUntil = async (equal: boolean): Promise<CompareResponse> => {
    let last: CompareResponse | undefined;
    await waitFor(
      `compare ${equal ? 'equal' : 'different'}`,
      async () => (last = await json<CompareResponse>(PROD, 'compare', STAGING)).equal === equal,
      30_000,
      500,
    );
    return last as CompareResponse;
  };

  beforeAll(async () => {
    world = await CliWorld.start(4);
    [h1, h2, h3, h4] = world.hosts;
    const file = world.file(
      'prod.yaml',
      jobsFile(PROD, [h1, h2], [{ name: 'web', tag: 'v1', hosts: [h1, h2], port: PORT }]),
    );
    expect(await cj(PROD, 'apply', file, '--yes')).toMatchObject({ code: 0, stderr: '' });
    expect(await cj(PROD, 'up', 'web')).toMatchObject({ code: 0, stderr: '' });
  }, 180_000);

  afterAll(() => world?.stop());

  it('refuses an unmapped host, a host it cannot find and a bad endpoint, recording nothing', async () => {
    await expectNothingRecorded(async () => {
      const unmapped = await cj(PROD, 'replicate', '--to', STAGING, '--map-host', `${h1.name}=stg-a=${h3.endpoint}`);
      expect(unmapped).toMatchObject({ code: 2, stdout: '' });
      expect(unmapped.stderr).toBe(
        `cj: host ${h2.name} of environment ${PROD} is not mapped\n  hint: map each one to a host of ${STAGING}, e.g. --map-host ${h2.name}=NEW_HOST=unix:///var/run/docker.sock\n`,
      );

      const undeclared = await cj(
        PROD,
        'replicate',
        '--to',
        STAGING,
        '--map-host',
        `${h1.name}=stg-a=${h3.endpoint}`,
        '--map-host',
        `${h2.name}=nowhere`,
      );
      expect(undeclared).toMatchObject({ code: 2, stdout: '' });
      expect(undeclared.stderr).toBe(
        `cj: host nowhere (for ${h2.name}) is declared neither in ${STAGING} nor in ${PROD}\n  hint: give its endpoint: --map-host ${h2.name}=nowhere=ENDPOINT[=ADDRESS]\n`,
      );

      const bad = await cj(PROD, 'replicate', '--to', STAGING, '--map-host', `${h1.name}=stg-a=http://${h3.address}`);
      expect(bad).toMatchObject({ code: 2, stdout: '' });
      expect(bad.stderr).toMatch(
        /argument '.*' is invalid\. endpoint http:\/\/\S+ of host stg-a \(for \S+\) is not a Docker endpoint: write it as unix:\/\/\/path/,
      );
    });
  });

  it('prints the plan of a dry run and records nothing', async () => {
    await expectNothingRecorded(async () => {
      const dry = await cj(PROD, 'replicate', '--to', STAGING, ...mapHosts(), '--dry-run');
      expect(dry).toMatchObject({ code: 0, stderr: '' });
      expect(dry.stdout).toBe(
        [
          `Replicating ${PROD} into ${STAGING} would (dry run, nothing recorded):`,
          `  host stg-a: would declare at ${h3.endpoint} (tasks answer on ${h3.address})`,
          `  host stg-b: would declare at ${h4.endpoint} (tasks answer on ${h4.address})`,
          `  web: would create, from ${PROD} rev 1; no rollout: start it with cj --env ${STAGING} up web`,
          '',
        ].join('\n'),
      );
    });
  });

  it('stands staging up on the hosts it declares, leaving prod untouched, and compare says equal', async () => {
    const prodBefore = [await ids(h1, PROD), await ids(h2, PROD)];
    const replicated = await cj(PROD, 'replicate', '--to', STAGING, ...mapHosts(), '--reason', 'stand staging up');
    expect(replicated).toMatchObject({ code: 0, stderr: '' });
    expect(replicated.stdout).toBe(
      [
        `Replicated ${PROD} into ${STAGING}:`,
        `  host stg-a: declared at ${h3.endpoint} (tasks answer on ${h3.address})`,
        `  host stg-b: declared at ${h4.endpoint} (tasks answer on ${h4.address})`,
        `  web: created revision 1, from ${PROD} rev 1; no rollout: start it with cj --env ${STAGING} up web`,
        '',
      ].join('\n'),
    );
    const up = await cj(STAGING, 'up', 'web');
    expect(up).toMatchObject({ code: 0, stderr: '' });
    expect(up.stdout).toMatch(/^web +0 +stg-a +[0-9a-f]{12} +started$/m);
    expect(up.stdout).toMatch(/^web +1 +stg-b +[0-9a-f]{12} +started$/m);

    // The tasks run on the engines the map named; prod's hosts have no staging container, and prod's own are the same ones.
    expect(await ids(h3, STAGING)).toHaveLength(1);
    expect(await ids(h4, STAGING)).toHaveLength(1);
    expect(await world.containers(h1, STAGING)).toEqual([]);
    expect(await world.containers(h2, STAGING)).toEqual([]);
    expect([await ids(h1, PROD), await ids(h2, PROD)]).toEqual(prodBefore);
    await waitFor(
      'staging answering v1',
      async () => (await version(h3)) === 'v1' && (await version(h4)) === 'v1',
      30_000,
      250,
    );

    await compareUntil(true);
    const equal = await cj(PROD, 'compare', STAGING);
    expect(equal).toMatchObject({
      code: 0,
      stderr: '',
      stdout: `${PROD} and ${STAGING} are equal but for host names.\n`,
    });
  });

  it('names the source of every event it recorded, in the store and in the audit', async () => {
    const store = openSqliteEventStore(world.orchestrator.store);
    try {
      const events = await store.readAll({ filter: { streamPrefixes: [`cj.${STAGING}.`] } });
      const recorded = events.filter((event) =>
        ['HostDeclared', 'JobRegistered', 'JobRevisionCreated', 'JobRolloutStarted'].includes(event.type),
      );
      expect(recorded.map((event) => event.type).sort()).toEqual(['HostDeclared', 'HostDeclared', 'JobRegistered']);
      const web = (await store.readStream(`cj.${PROD}.job.web`)).find((event) => event.type === 'JobRegistered');
      expect(recorded.find((event) => event.type === 'JobRegistered')?.metadata).toMatchObject({
        reason: 'stand staging up',
        source: {
          env: PROD,
          stream: `cj.${PROD}.job.web`,
          revision: String(web?.revision),
          position: String(web?.position),
        },
      });
      const hostSources = recorded
        .filter((e) => e.type === 'HostDeclared')
        .map((e) => (e.metadata as { source?: { env: string; stream: string } }).source);
      expect(hostSources).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ env: PROD, stream: `cj.${PROD}.host.${h1.name}` }),
          expect.objectContaining({ env: PROD, stream: `cj.${PROD}.host.${h2.name}` }),
        ]),
      );
      const audit = await json<AuditEntry[]>(STAGING, 'audit', '--type', 'JobRegistered');
      expect(audit.map((row) => row.summary)).toEqual([
        expect.stringMatching(
          new RegExp(`\\(replicated from ${PROD}/web rev ${web?.revision} @ position ${web?.position}\\)$`),
        ),
      ]);
    } finally {
      await store.close();
    }
  });

  it('replicating again with no change says unchanged and records nothing', async () => {
    await expectNothingRecorded(async () => {
      const again = await cj(PROD, 'replicate', '--to', STAGING, ...mapHosts());
      expect(again).toMatchObject({ code: 0, stderr: '' });
      expect(again.stdout).toBe(
        `Replicated ${PROD} into ${STAGING}:\n  web: unchanged (revision 1), from ${PROD} rev 1\n`,
      );
    });
  });

  it('rolls staging out to a change of prod, and --as-of replicates the revision of before', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1100));
    beforeChange = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await cj(PROD, 'rolling-update', 'web', '--tag', 'v2')).toMatchObject({ code: 0 });
    const prodNow = [await ids(h1, PROD), await ids(h2, PROD)];
    const differ = await compareUntil(false);
    expect(differ.differences).toEqual(
      expect.arrayContaining([{ job: 'web', field: 'image.tag', left: 'v2', right: 'v1' }]),
    );
    const listed = await cj(PROD, 'compare', STAGING);
    expect(listed.code).toBe(1);
    expect(listed.stdout).toContain(`web image.tag: v2 (${PROD}) ≠ v1 (${STAGING})\n`);

    const answer = await json<ReplicateResponse>(
      PROD,
      'replicate',
      '--to',
      STAGING,
      ...mapHosts(),
      '--reason',
      'staging follows prod',
    );
    expect(answer).toMatchObject({
      dryRun: false,
      hosts: [],
      jobs: [
        {
          job: 'web',
          action: 'update',
          sourceRevision: 2,
          revision: 2,
          changes: ['image.tag', 'image.digest'],
          rolloutId: expect.any(String),
        },
      ],
    });
    const waited = await cj(STAGING, 'rollout', 'status', answer.jobs[0].rolloutId as string, '--wait');
    expect({ code: waited.code, said: `${waited.stdout}${waited.stderr}` }).toMatchObject({ code: 0 });
    await waitFor(
      'staging answering v2',
      async () => (await version(h3)) === 'v2' && (await version(h4)) === 'v2',
      30_000,
      250,
    );
    expect([await ids(h1, PROD), await ids(h2, PROD)]).toEqual(prodNow);
    await compareUntil(true);

    await expectNothingRecorded(async () => {
      const dry = await json<ReplicateResponse>(
        PROD,
        'replicate',
        '--to',
        STAGING,
        ...mapHosts(),
        '--as-of',
        beforeChange,
        '--dry-run',
      );
      expect(dry).toMatchObject({
        dryRun: true,
        asOf: beforeChange,
        jobs: [{ job: 'web', action: 'update', sourceRevision: 1, changes: ['image.tag', 'image.digest'] }],
      });
    });
    const back = await cj(PROD, 'replicate', '--to', STAGING, ...mapHosts(), '--as-of', beforeChange, '--no-deploy');
    expect(back).toMatchObject({ code: 0, stderr: '' });
    expect(back.stdout).toBe(
      `Replicated ${PROD} as of ${beforeChange} into ${STAGING}:\n  web: updated revision 3, from ${PROD} rev 1 [image.tag, image.digest]; no rollout: --no-deploy: its tasks stay on revision 2\n`,
    );
    const history = await json<{ current: number; revisions: { revision: number; image: string }[] }>(
      STAGING,
      'history',
      'web',
    );
    expect(history.current).toBe(3);
    expect(history.revisions.find((r) => r.revision === 3)?.image).toMatch(/cj-demo:v1$/);
    expect(await version(h3)).toBe('v2');

    await expectNothingRecorded(async () => {
      const one = await json<ReplicateResponse>(
        PROD,
        'replicate',
        '--to',
        STAGING,
        ...mapHosts(),
        '--job',
        'web',
        '--revision',
        '2',
        '--dry-run',
      );
      expect(one.jobs).toMatchObject([
        { job: 'web', action: 'update', sourceRevision: 2, changes: ['image.tag', 'image.digest'] },
      ]);
      // A rollout would start (staging runs web): a dry run names none and gives no reason against one.
      expect(one.jobs[0].rolloutId ?? one.jobs[0].noRollout).toBeUndefined();
    });
  });
});
