/**
 * A container run by hand with cj's labels, for a revision the job never had: the observation loop
 * records it once on the host's stream, shows it in the audit, the timeline and the status, and
 * leaves it running; once it is removed, the log says so and the status no longer lists it.
 */
import Docker from 'dockerode';
import { randomUUID } from 'node:crypto';
import { openSqliteEventStore } from '@cj/event-store';
import type { AuditEntry, StatusResponse, TimelineEntry } from '@cj/api';
import { DEMO_REGISTRY, ensureDemoImages, startFakeHosts, waitFor, type FakeHosts } from '@cj/docker-adapter/testing';
import { demoJobsFile, OrchestratorProcess } from '../testing';

jest.setTimeout(120_000);

const ENV = 'stray';
const change = () => ({ actor: 'tester@e2e', commandId: randomUUID() });

describe('a container no task accounts for', () => {
  let fake: FakeHosts;
  let orchestrator: OrchestratorProcess;

  beforeAll(async () => {
    await ensureDemoImages();
    fake = await startFakeHosts(1);
    orchestrator = await OrchestratorProcess.start({ observeInterval: '300ms' });
  });

  afterAll(async () => {
    await orchestrator?.stop();
    await fake?.stop();
  });

  /** The types of the events recorded on the host's stream, read straight from the store file. */
  async function hostEventTypes(): Promise<string[]> {
    const store = openSqliteEventStore(orchestrator.store);
    try {
      return (await store.readAll())
        .filter((event) => event.streamId === `cj.${ENV}.host.${fake.hosts[0].name}`)
        .map((event) => event.type);
    } finally {
      await store.close();
    }
  }

  const audit = async () => (await orchestrator.request<AuditEntry[]>('GET', `/v1/envs/${ENV}/audit?job=web`)).body;
  const status = async (query = '') =>
    (await orchestrator.request<StatusResponse>('GET', `/v1/envs/${ENV}/status${query}`)).body;

  it('is recorded once, left running, and recorded again as gone once removed', async () => {
    const [host] = fake.hosts;
    const text = demoJobsFile(ENV, [host.spec], [{ name: 'web', tag: 'v1', hosts: [host.name], port: 18590 }]);
    expect(
      (await orchestrator.request('POST', `/v1/envs/${ENV}/apply`, { ...change(), jobs: { file: 'jobs.yaml', text } }))
        .status,
    ).toBe(200);

    // Someone debugging on the host: cj's labels, a revision the job never had (it has only 1).
    const docker = new Docker({ socketPath: host.socketPath });
    const stray = await docker.createContainer({
      name: 'web-debug',
      Image: `${DEMO_REGISTRY}/cj-demo:v1`,
      Env: ['PORT=18591'],
      Labels: { 'cj.env': ENV, 'cj.job': 'web', 'cj.task': '0', 'cj.revision': '7' },
      HostConfig: { NetworkMode: 'host', Init: true },
    });
    await stray.start();

    await waitFor('the unexpected container in the audit', async () =>
      (await audit()).some((entry) => entry.type === 'UnexpectedContainerFound'),
    );
    // Several more looks at the host (every 300 ms) record nothing more about it.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect((await hostEventTypes()).filter((type) => type.startsWith('Unexpected'))).toEqual([
      'UnexpectedContainerFound',
    ]);
    const found = (await audit()).filter((entry) => entry.type === 'UnexpectedContainerFound');
    expect(found).toEqual([
      expect.objectContaining({
        stream: `cj.${ENV}.host.${host.name}`,
        actor: 'orchestrator',
        summary: `unexpected container found, left running: job=web revision=7 task=0 host=${host.name} image=${DEMO_REGISTRY}/cj-demo:v1 name=web-debug containerId=${stray.id.slice(0, 12)}`,
      }),
    ]);
    expect((await stray.inspect()).State.Running).toBe(true);
    const timeline = await orchestrator.request<TimelineEntry[]>('GET', `/v1/envs/${ENV}/timeline`);
    expect(timeline.body).toEqual([
      expect.objectContaining({ host: host.name, job: 'web', task: 0, revision: 7, containerId: stray.id }),
    ]);
    expect(timeline.body[0].to).toBeUndefined();
    // Since it started, as the engine says (to the millisecond).
    const since = new Date((await stray.inspect()).State.StartedAt).toISOString();
    const listed = [
      {
        host: host.name,
        job: 'web',
        task: 0,
        revision: 7,
        containerId: stray.id,
        image: `${DEMO_REGISTRY}/cj-demo:v1`,
        name: 'web-debug',
        since,
      },
    ];
    expect((await status()).unexpected).toEqual(listed);
    expect((await status('?job=web')).unexpected).toEqual(listed);

    await stray.remove({ force: true });
    await waitFor('the removal on the host stream', async () =>
      (await hostEventTypes()).includes('UnexpectedContainerGone'),
    );
    // A forced removal kills the container first: a look in between sees it exited, so gone reads "stopped".
    expect(
      (await audit())
        .filter((entry) => entry.type.startsWith('Unexpected'))
        .map((entry) => entry.summary.split(':')[0]),
    ).toEqual([
      'unexpected container found, left running',
      expect.stringMatching(/^unexpected container (removed|stopped)$/),
    ]);
    const after = await orchestrator.request<TimelineEntry[]>('GET', `/v1/envs/${ENV}/timeline`);
    expect(after.body).toEqual([]);
    // The read model may trail the store by a moment; the field then goes, as on any status without one.
    await waitFor('the status without the container', async () => !('unexpected' in (await status())));
    expect(await status('?job=web')).not.toHaveProperty('unexpected');
  });
});
