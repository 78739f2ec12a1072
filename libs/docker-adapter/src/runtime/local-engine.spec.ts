import type { ContainerRuntime } from '@cj/domain';
import Docker from 'dockerode';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContainerNotFound, HostUnreachable, ImageNotFound, PortInUse } from '../errors';
import { DEMO_AUTH_CREDENTIALS, DEMO_AUTH_REGISTRY, demoImage, ensureDemoImages, freePort, waitFor } from '../testing';
import { DockerRuntime } from './docker-runtime';
import { taskSpec } from '../testing/task-spec';

jest.setTimeout(60_000);

const env = `t${process.pid}`;
const local = { name: 'local', endpoint: 'unix:///var/run/docker.sock', address: '127.0.0.1' };

describe('DockerRuntime on the local engine', () => {
  let dataRoot: string;
  let runtime: ContainerRuntime;

  beforeAll(async () => {
    await ensureDemoImages({ auth: true });
    dataRoot = mkdtempSync(join(tmpdir(), 'cj-data-'));
    runtime = new DockerRuntime(local, {
      standardConfig: {
        dataRoot,
        hostFiles: ['/etc/localtime', '/etc/timezone', '/etc/passwd', '/etc/cj-no-such-file'],
      },
    });
  });

  afterAll(async () => {
    for (const c of await runtime.list({ env })) await runtime.remove(c.id);
    rmSync(dataRoot, { recursive: true, force: true });
  });

  it('pulls an existing tag from the registry and names a missing one', async () => {
    const pulled = await runtime.ensureImage(demoImage('v2'));
    expect(pulled.imageId).toMatch(/^sha256:/);
    expect(pulled.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const pinned = await runtime.ensureImage({ ...demoImage('v2'), digest: pulled.digest });
    expect(pinned.imageId).toBe(pulled.imageId);

    const missing = runtime.ensureImage(demoImage('no-such-tag'));
    await expect(missing).rejects.toBeInstanceOf(ImageNotFound);
    await expect(missing).rejects.toThrow(/host local: image 127\.77\.0\.1:5000\/cj-demo:no-such-tag cannot be pulled/);
  });

  it('pulls from a registry behind basic auth with credentials, and not without', async () => {
    const image = demoImage('crash', DEMO_AUTH_REGISTRY);
    await expect(runtime.ensureImage(image)).rejects.toBeInstanceOf(ImageNotFound);
    expect((await runtime.ensureImage(image, DEMO_AUTH_CREDENTIALS)).digest).toMatch(/^sha256:/);
  });

  it('creates a task with the standard configuration', async () => {
    const port = await freePort();
    const spec = taskSpec({
      env,
      image: demoImage('v1'),
      port,
      revision: 3,
      rollout: 'ro-42abcdef-99',
      envs: [{ key: 'GREETING', value: 'hello' }],
      mounts: [{ source: 'cache', target: '/cache', readOnly: false }],
      resources: { memory: 64 * 1024 * 1024, cpus: 0.5 },
      restart: 'on-failure',
    });
    await runtime.ensureImage(spec.image);
    const created = await runtime.create(spec);
    expect(created).toMatchObject({
      name: `cj-${env}-web-0-r3-ro42abcd`,
      env,
      job: 'web',
      task: 0,
      revision: 3,
      rollout: 'ro-42abcdef-99',
      port,
      state: 'created',
      host: 'local',
    });

    const raw = await new Docker({ socketPath: '/var/run/docker.sock' }).getContainer(created.id).inspect();
    expect(raw.HostConfig).toMatchObject({
      NetworkMode: 'host',
      Init: true,
      LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } },
      RestartPolicy: { Name: 'on-failure' },
      Memory: 64 * 1024 * 1024,
      NanoCpus: 500_000_000,
    });
    const mounts = raw.Mounts.map((m) => `${m.Source}:${m.Destination}:${m.RW ? 'rw' : 'ro'}`).sort();
    expect(mounts).toEqual(
      [
        `${dataRoot}/${env}/web/cache:/cache:rw`,
        '/etc/localtime:/etc/localtime:ro',
        '/etc/passwd:/etc/passwd:ro',
        '/etc/timezone:/etc/timezone:ro',
      ].sort(),
    );
    expect(raw.Config.Env).toEqual(expect.arrayContaining([`PORT=${port}`, 'GREETING=hello']));
    expect(raw.Config.Labels).toMatchObject({
      'cj.env': env,
      'cj.job': 'web',
      'cj.task': '0',
      'cj.revision': '3',
      'cj.rollout': 'ro-42abcdef-99',
    });
    await runtime.remove(created.id);
  });

  it('runs a task: start, list by labels, logs, exec, stats, HEALTHCHECK, stop, remove', async () => {
    const port = await freePort();
    const spec = taskSpec({
      env,
      job: 'api',
      image: demoImage('v1'),
      port,
      command: [
        'sh',
        '-c',
        `echo started on $PORT; echo warning >&2; trap 'exit 0' TERM; httpd -f -p $PORT -h /www & wait`,
      ],
    });
    const created = await runtime.create(spec);
    await runtime.start(created.id);

    const listed = await runtime.list({ env, job: 'api' });
    expect(listed.map((c) => c.id)).toEqual([created.id]);
    expect(await runtime.list({ env, job: 'api', task: 1 })).toEqual([]);

    const running = await runtime.inspect(created.id);
    expect(running.state).toBe('running');
    expect(running.startedAt).toBeDefined();

    await waitFor('two log lines', async () => (await runtime.logs(created.id)).length >= 2);
    // The engine copies stdout and stderr separately: their relative order is not kept.
    const lines = await runtime.logs(created.id);
    expect(lines).toHaveLength(2);
    expect(lines).toEqual(
      expect.arrayContaining([
        { stream: 'stdout', text: `started on ${port}` },
        { stream: 'stderr', text: 'warning' },
      ]),
    );
    expect(await runtime.logs(created.id, { tail: 1 })).toHaveLength(1);

    const exec = await runtime.exec(created.id, ['sh', '-c', 'cat /www/version; echo err >&2; exit 4']);
    expect(exec).toEqual({ exitCode: 4, stdout: 'v1\n', stderr: 'err\n' });

    const stats = await runtime.stats(created.id);
    expect(stats.memoryBytes).toBeGreaterThan(0);
    expect(stats.memoryLimitBytes).toBeGreaterThan(stats.memoryBytes);
    expect(stats.cpuPercent).toBeGreaterThanOrEqual(0);

    await waitFor('healthy', async () => (await runtime.health(created.id)).status === 'healthy');
    expect((await runtime.inspect(created.id)).health).toBe('healthy');

    const started = Date.now();
    await runtime.stop(created.id, 10);
    expect(Date.now() - started).toBeLessThan(5_000);
    const stopped = await runtime.inspect(created.id);
    expect(stopped).toMatchObject({ state: 'exited', exitCode: 0 });
    await runtime.stop(created.id, 10);

    await runtime.remove(created.id);
    await expect(runtime.inspect(created.id)).rejects.toBeInstanceOf(ContainerNotFound);
    await expect(runtime.inspect(created.id)).rejects.toThrow(/host local: container .* no longer exists/);
    await runtime.remove(created.id);
  });

  it('reports the HEALTHCHECK of an unhealthy image and the exit code of a crashing one', async () => {
    await runtime.ensureImage(demoImage('unhealthy'));
    await runtime.ensureImage(demoImage('crash'));
    const unhealthy = await runtime.create(
      taskSpec({ env, job: 'sick', image: demoImage('unhealthy'), port: await freePort() }),
    );
    const crash = await runtime.create(
      taskSpec({ env, job: 'crash', image: demoImage('crash'), port: await freePort() }),
    );
    await runtime.start(unhealthy.id);
    await runtime.start(crash.id);
    await waitFor('unhealthy', async () => (await runtime.health(unhealthy.id)).status === 'unhealthy');
    expect((await runtime.health(unhealthy.id)).failingStreak).toBeGreaterThanOrEqual(2);
    await waitFor('crashed', async () => (await runtime.inspect(crash.id)).state === 'exited');
    expect(await runtime.inspect(crash.id)).toMatchObject({ exitCode: 3 });
    expect(await runtime.logs(crash.id)).toContainEqual({ stream: 'stderr', text: 'crashing' });
  });

  it('counts the restarts its restart policy makes, and the start time moves with each', async () => {
    await runtime.ensureImage(demoImage('crash'));
    const crash = await runtime.create(
      taskSpec({ env, job: 'restarts', image: demoImage('crash'), port: await freePort(), restart: 'on-failure' }),
    );
    await runtime.start(crash.id);
    const first = await runtime.inspect(crash.id);
    expect(first).toMatchObject({ state: 'running', restartCount: 0 });

    await waitFor('restarted', async () => {
      const seen = await runtime.inspect(crash.id);
      return seen.state === 'running' && seen.restartCount >= 1;
    });
    expect((await runtime.inspect(crash.id)).startedAt).not.toBe(first.startedAt);
    await runtime.remove(crash.id);
  });

  it('refuses to start a second task on a port a running task holds', async () => {
    const port = await freePort();
    const first = await runtime.create(taskSpec({ env, job: 'p', task: 0, image: demoImage('v1'), port }));
    const second = await runtime.create(taskSpec({ env, job: 'p', task: 1, image: demoImage('v1'), port }));
    await runtime.start(first.id);
    const refused = runtime.start(second.id);
    await expect(refused).rejects.toBeInstanceOf(PortInUse);
    await expect(refused).rejects.toThrow(new RegExp(`port ${port} is already taken by container ${first.name}`));
  });

  it('waits out a grace period longer than its connect timeout when a task ignores SIGTERM', async () => {
    const quick = new DockerRuntime(local, { connectTimeoutMs: 1_000, standardConfig: { dataRoot } });
    const stubborn = await quick.create(
      taskSpec({
        env,
        job: 'stubborn',
        image: demoImage('v1'),
        port: await freePort(),
        command: ['sh', '-c', "trap '' TERM; while true; do sleep 1; done"],
      }),
    );
    await quick.start(stubborn.id);
    const began = Date.now();
    await quick.stop(stubborn.id, 2);
    expect(Date.now() - began).toBeGreaterThanOrEqual(1_900);
    expect((await quick.inspect(stubborn.id)).state).toBe('exited');
    await quick.remove(stubborn.id);
  });

  it('says which image is missing when creating without pulling', async () => {
    await expect(
      runtime.create(taskSpec({ env, image: { repository: 'cj-never-built', tag: 'x' }, port: 1 })),
    ).rejects.toBeInstanceOf(ImageNotFound);
  });

  it('fails with HostUnreachable for a socket that does not exist and a tcp port nobody listens on', async () => {
    const noSocket = new DockerRuntime({
      name: 'ghost',
      endpoint: 'unix:///tmp/cj-no-such-dir/docker.sock',
      address: '127.0.0.1',
    });
    await expect(noSocket.engineInfo()).rejects.toBeInstanceOf(HostUnreachable);
    await expect(noSocket.list()).rejects.toThrow(
      /host ghost: the Docker engine at unix:\/\/\/tmp\/cj-no-such-dir\/docker.sock does not answer \(ENOENT\)/,
    );

    const port = await freePort();
    const noListener = new DockerRuntime({ name: 'silent', endpoint: `tcp://127.0.0.1:${port}`, address: '127.0.0.1' });
    await expect(noListener.ensureImage(demoImage('v1'))).rejects.toThrow(
      /host silent: .* does not answer \(ECONNREFUSED\)/,
    );
  });

  it('reports the engine version', async () => {
    const info = await runtime.engineInfo();
    expect(info).toMatchObject({ host: 'local', os: 'linux' });
    expect(info.version).toMatch(/^\d+\.\d+/);
  });
});
