import { ContainerNotFound, ForeignContainerRefused, HostHeldRefused } from '../errors';
import { demoImage, ensureDemoImages, startFakeHosts, type FakeHosts } from '../testing';
import { taskSpec } from '../testing/task-spec';
import { ClusterRuntime } from './cluster-runtime';
import { DockerRuntime } from './docker-runtime';

jest.setTimeout(90_000);

const env = 'shared';
const A = '3f2a9c1b-77aa-4c1b-9f0e-6b2a1d9c7e54';
const B = '9d04e6a2-1c3b-4d5e-8f70-0a1b2c3d4e5f';

describe('ClusterRuntime: two clusters on one host', () => {
  let fake: FakeHosts;
  let engine: DockerRuntime;
  let a: ClusterRuntime;
  let b: ClusterRuntime;
  let held = false;

  beforeAll(async () => {
    await ensureDemoImages();
    fake = await startFakeHosts(1);
    engine = new DockerRuntime(fake.hosts[0].spec);
    a = new ClusterRuntime(engine, A);
    b = new ClusterRuntime(engine, B, () => held);
    await engine.ensureImage(demoImage('v1'));
  });

  afterAll(async () => {
    await fake?.stop();
  });

  it("labels each cluster's containers and names them apart, so the same task of both runs side by side", async () => {
    const ours = await a.create(taskSpec({ env, image: demoImage('v1'), port: 18740 }));
    const theirs = await b.create(taskSpec({ env, image: demoImage('v1'), port: 18741 }));
    expect(ours).toMatchObject({
      cluster: A,
      name: 'cj-shared-web-0-r1.3f2a9c1b',
      labels: expect.objectContaining({ 'cj.cluster': A }),
    });
    expect(theirs).toMatchObject({ cluster: B, name: 'cj-shared-web-0-r1.9d04e6a2' });
    await a.start(ours.id);
    await b.start(theirs.id);

    expect((await a.list({ env })).map((c) => c.id)).toEqual([ours.id]);
    expect((await b.list({ env })).map((c) => c.id)).toEqual([theirs.id]);
    expect((await a.listForeign()).map((c) => c.id)).toEqual([theirs.id]);
    expect((await engine.list({ env })).length).toBe(2);
  });

  it("hides the other cluster's container and refuses to change it; the engine keeps it running", async () => {
    const [theirs] = await b.list({ env });
    const fresh = new ClusterRuntime(engine, A); // knows nothing yet: it must ask the engine
    await expect(fresh.inspect(theirs.id)).rejects.toBeInstanceOf(ContainerNotFound);
    await expect(fresh.logs(theirs.id)).rejects.toBeInstanceOf(ContainerNotFound);
    for (const change of [
      () => fresh.stop(theirs.id, 1),
      () => fresh.remove(theirs.id),
      () => a.start(theirs.id),
      () => a.exec(theirs.id, ['true']),
    ]) {
      const refusal = await change().catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(ForeignContainerRefused);
      expect((refusal as Error).message).toContain(`belongs to another cluster (store ${B})`);
    }
    expect((await engine.inspect(theirs.id)).state).toBe('running');
  });

  it('treats a container without a cluster label (made before labels) as its own', async () => {
    const legacy = await engine.create(taskSpec({ env, job: 'old', image: demoImage('v1'), port: 18742 }));
    expect(legacy.cluster).toBeUndefined();
    expect((await a.list({ env, job: 'old' })).map((c) => c.id)).toEqual([legacy.id]);
    expect((await b.list({ env, job: 'old' })).map((c) => c.id)).toEqual([legacy.id]);
    await a.remove(legacy.id);
  });

  it('changes nothing on a held host, but still reads it', async () => {
    const [theirs] = await b.list({ env });
    held = true;
    await expect(b.stop(theirs.id, 1)).rejects.toBeInstanceOf(HostHeldRefused);
    await expect(b.exec(theirs.id, ['true'])).rejects.toBeInstanceOf(HostHeldRefused);
    await expect(b.create(taskSpec({ env, task: 1, image: demoImage('v1'), port: 18743 }))).rejects.toThrow(
      /is held since this store was started somewhere else/,
    );
    expect((await b.list({ env })).map((c) => c.state)).toEqual(['running']);
    held = false;
    await b.stop(theirs.id, 1);
    expect((await engine.inspect(theirs.id)).state).toBe('exited');
  });
});
