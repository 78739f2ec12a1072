import { demoJob, demoPolicy } from '../rollouts/testing/demo-job';
import type { TaskRow } from '../read-model/queries/task-queries';
import { RunningFields } from './running-fields';
import type { JobSpec } from '@cj/api';

const image = (tag: string, digest: string) => ({ registry: '127.77.0.1:5000', repository: 'cj-demo', tag, digest });
const r1: JobSpec = {
  ...demoJob('web', image('v1', 'sha256:1111'), ['h1', 'h2'], 1, 18080, demoPolicy()),
  envs: [{ key: 'GREETING', value: 'hello' }],
};
const r2: JobSpec = { ...r1, image: image('v2', 'sha256:2222'), envs: [{ key: 'GREETING', value: 'bonjour' }] };

function row(
  task: number,
  host: string,
  observed: { revision: number; state?: string; seenOn?: string } | undefined,
): TaskRow {
  return {
    env: 'prod',
    job: 'web',
    task,
    host,
    port: 18080,
    desired_revision: 1,
    desired_state: 'running',
    container_id: observed ? `c${task}` : null,
    container_host: observed ? (observed.seenOn ?? host) : null,
    observed_revision: observed?.revision ?? null,
    observed_state: observed ? (observed.state ?? 'running') : null,
    exit_code: null,
    health: 'healthy',
    started_at: null,
    restart_count: 0,
    observed_at: null,
  };
}

/** Revision 0 differed from r1 only in policy: a container it made is one r1 makes too. */
const r0: JobSpec = { ...r1, update: { ...r1.update, minHealthyTime: r1.update.minHealthyTime + 1000 } };
const specs = new Map([
  [0, r0],
  [1, r1],
  [2, r2],
]);
const running = (rows: TaskRow[]) =>
  new RunningFields({ revision: 1, spec: r1 }, rows, (revision) => specs.get(revision));

describe('the RUNNING column of a diff', () => {
  it('is the recorded value when every task runs the recorded revision', () => {
    const fields = running([row(0, 'h1', { revision: 1 }), row(1, 'h2', { revision: 1 })]);

    expect(fields.valueOf('image.tag', 'v1')).toBe('v1');
    expect(fields.valueOf('envs.GREETING', 'hello')).toBe('hello');
    expect(fields.valueOf('job', 'web')).toBe('web');
  });

  it('is what the running revision says when the tasks run another one: digest, envs', () => {
    const fields = running([row(0, 'h1', { revision: 2 }), row(1, 'h2', { revision: 2 })]);

    expect(fields.valueOf('image.digest', 'sha256:1111')).toBe('sha256:2222');
    expect(fields.valueOf('envs.GREETING', 'hello')).toBe('bonjour');
  });

  it("takes a task's host from where its container was seen, and its port from its own task only", () => {
    const fields = running([row(0, 'h1', { revision: 1, seenOn: 'h9' }), row(1, 'h2', { revision: 1 })]);

    expect(fields.valueOf('tasks[0].host', 'h1')).toBe('h9');
    expect(fields.valueOf('tasks[1].host', 'h2')).toBe('h2');
    expect(fields.valueOf('tasks[1].port', 18080)).toBe(18080);
    expect(fields.valueOf('tasks[2].port', undefined)).toBeUndefined();
  });

  it('is the recorded policy whatever revision made the containers: policy takes effect in place', () => {
    const fields = running([row(0, 'h1', { revision: 0 }), row(1, 'h2', { revision: 2 })]);

    expect(fields.valueOf('update.minHealthyTime', r1.update.minHealthyTime)).toBe(r1.update.minHealthyTime);
    expect(fields.valueOf('image.tag', 'v1')).toBe('mixed: v1 (task 0); v2 (task 1)');
  });

  it('says which task runs what when they disagree', () => {
    const fields = running([row(0, 'h1', { revision: 1 }), row(1, 'h2', { revision: 2 })]);

    expect(fields.valueOf('image.tag', 'v1')).toBe('mixed: v1 (task 0); v2 (task 1)');
  });

  it('is absent when no task runs: stopped, exited or never started', () => {
    const fields = running([row(0, 'h1', { revision: 1, state: 'exited' }), row(1, 'h2', undefined)]);

    expect(fields.valueOf('image.tag', 'v1')).toBeUndefined();
    expect(fields.valueOf('job', 'web')).toBeUndefined();
  });
});
