import type { TaskStatus, JobSpec } from '@cj/api';
import { jobSpec } from '../testing';
import { compareEnvironments, type ComparedEnvironment } from './compare-environments';

const DIGEST = `sha256:${'1'.repeat(64)}`;
const prodWeb = jobSpec();
const stgWeb = jobSpec({
  tasks: [
    { index: 0, host: 's1', port: 8080 },
    { index: 1, host: 's2', port: 8080 },
  ],
});

function task(
  spec: JobSpec,
  index: number,
  overrides: {
    desired?: 'running' | 'stopped';
    state?: string;
    digest?: string;
    containerId?: string;
    revision?: number;
  } = {},
): TaskStatus {
  const { host, port } = spec.tasks[index];
  return {
    job: spec.name,
    task: index,
    host,
    port,
    desired: {
      revision: overrides.revision ?? 1,
      image: 'localhost:5000/demo:v1',
      digest: DIGEST,
      state: overrides.desired ?? 'running',
    },
    observed: {
      containerId: overrides.containerId ?? `${host}-c${index}`,
      image: 'localhost:5000/demo:v1',
      digest: overrides.digest ?? DIGEST,
      revision: overrides.revision ?? 1,
      upToDate: true,
      state: overrides.state ?? 'running',
      health: 'healthy',
    },
  };
}

function environment(env: string, spec: JobSpec | undefined, tasks: TaskStatus[]): ComparedEnvironment {
  return { env, jobs: new Map(spec ? [[spec.name, spec]] : []), tasks };
}

describe('compareEnvironments: every difference but host names', () => {
  const prod = environment('prod', prodWeb, [task(prodWeb, 0), task(prodWeb, 1)]);

  it('finds none between a job and its replica on other hosts, other containers and other revision numbers', () => {
    const staging = environment('staging', stgWeb, [
      task(stgWeb, 0, { revision: 4 }),
      task(stgWeb, 1, { revision: 4 }),
    ]);
    expect(compareEnvironments(prod, staging)).toEqual([]);
  });

  it('names a job declared on one side only', () => {
    expect(compareEnvironments(prod, environment('staging', undefined, []))).toEqual([
      { job: 'web', field: 'job', left: 'declared' },
    ]);
  });

  it('names each spec field that differs: image tag and digest, envs, ports, task count', () => {
    const other = jobSpec({
      image: { ...prodWeb.image, tag: 'v2', digest: `sha256:${'2'.repeat(64)}` },
      envs: [{ key: 'http_port', value: '9000' }],
      tasks: [{ index: 0, host: 's1', port: 9090 }],
    });
    expect(compareEnvironments(prod, environment('staging', other, [task(other, 0)]))).toEqual([
      { job: 'web', field: 'tasks', left: '2', right: '1' },
      { job: 'web', field: 'image.tag', left: 'v1', right: 'v2' },
      { job: 'web', field: 'image.digest', left: DIGEST, right: `sha256:${'2'.repeat(64)}` },
      { job: 'web', field: 'tasks[0].port', left: '8080', right: '9090' },
      { job: 'web', field: 'tasks[1].port', left: '8080' },
      { job: 'web', field: 'envs.http_port', left: '8990', right: '9000' },
    ]);
  });

  it('names what runs differently: a stopped job, an exited container, another image digest', () => {
    const staging = environment('staging', stgWeb, [
      task(stgWeb, 0, { desired: 'stopped', state: 'exited' }),
      task(stgWeb, 1, { digest: 'sha256:other' }),
    ]);
    expect(compareEnvironments(prod, staging)).toEqual([
      { job: 'web', task: 0, field: 'desired.state', left: 'running', right: 'stopped' },
      { job: 'web', task: 0, field: 'observed.state', left: 'running', right: 'exited' },
      { job: 'web', task: 1, field: 'observed.digest', left: DIGEST, right: 'sha256:other' },
    ]);
  });

  it('names a task that runs on one side and has no container on the other', () => {
    const bare = { ...task(stgWeb, 1), observed: undefined };
    const staging = environment('staging', stgWeb, [task(stgWeb, 0), bare]);
    expect(compareEnvironments(prod, staging)).toEqual([
      { job: 'web', task: 1, field: 'observed.state', left: 'running' },
      { job: 'web', task: 1, field: 'observed.digest', left: DIGEST },
      { job: 'web', task: 1, field: 'observed.upToDate', left: 'true' },
    ]);
  });
});
