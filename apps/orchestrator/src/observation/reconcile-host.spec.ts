import type { CommandMetadata, ContainerInfo } from '@cj/domain';
import type { TaskRow } from '../read-model/queries/task-queries';
import { reconcileHost, type HostObservation } from './reconcile-host';

const metadata: CommandMetadata = { commandId: 'c1', actor: 'orchestrator', occurredAt: '2026-01-01T00:00:00.000Z', cjVersion: '0.1.0' };

function row(task: number, containerId: string | null, observed: string | null, health = 'healthy'): TaskRow {
  return {
    env: 'prod', job: 'web', task, host: 'h1', port: 8080 + task, desired_revision: 2, desired_state: 'running',
    container_id: containerId, container_host: containerId ? 'h1' : null, observed_revision: containerId ? 2 : null,
    observed_state: observed, exit_code: null, health, started_at: null,
  };
}

function container(id: string, task: number, state: ContainerInfo['state'], extra: Partial<ContainerInfo> = {}): ContainerInfo {
  return {
    id, name: `cj-prod-web-${task}-r2`, host: 'h1', env: 'prod', job: 'web', task, revision: 2, labels: {}, image: 'demo', imageId: 'sha256:1',
    state, restartCount: 0, createdAt: '2026-01-01T00:00:00Z', health: 'none', ...extra,
  };
}

function observe(partial: Partial<HostObservation>) {
  return reconcileHost({ env: 'prod', host: 'h1', rows: [], containers: [], health: new Map(), knownRevision: () => true, metadata, ...partial });
}

describe('reconciling one look at a host with the read model', () => {
  it('records nothing when the host shows what the log says', () => {
    const changes = observe({ rows: [row(0, 'a', 'running')], containers: [container('a', 0, 'running')], health: new Map([['a', { healthy: true, detail: 'HTTP 200' }]]) });
    expect(changes.byJob.size).toBe(0);
    expect(changes.unexpected).toEqual([]);
  });

  it('records a container that exited on its own, with its exit code', () => {
    const changes = observe({ rows: [row(0, 'a', 'running')], containers: [container('a', 0, 'exited', { exitCode: 3 })] });
    expect(changes.byJob.get('web')).toEqual([
      { type: 'RecordContainerExited', data: { job: 'web', task: 0, host: 'h1', containerId: 'a', exitCode: 3, oomKilled: false }, metadata },
    ]);
  });

  it('records a restart of an exited container as started again', () => {
    const changes = observe({ rows: [row(0, 'a', 'exited')], containers: [container('a', 0, 'running')] });
    expect(changes.byJob.get('web')?.map((c) => c.type)).toEqual(['RecordContainerStarted']);
  });

  it('records a container that vanished from the host as removed', () => {
    const changes = observe({ rows: [row(0, 'a', 'running')], containers: [] });
    expect(changes.byJob.get('web')?.map((c) => c.type)).toEqual(['RecordContainerRemoved']);
  });

  it('records health transitions only', () => {
    const failing = new Map([['a', { healthy: false, detail: 'HTTP 500' }]]);
    const changed = observe({ rows: [row(0, 'a', 'running', 'healthy')], containers: [container('a', 0, 'running')], health: failing });
    expect(changed.byJob.get('web')).toEqual([
      { type: 'RecordHealthCheck', data: { job: 'web', task: 0, host: 'h1', containerId: 'a', passed: false, detail: 'HTTP 500' }, metadata },
    ]);
    const steady = observe({ rows: [row(0, 'a', 'running', 'unhealthy')], containers: [container('a', 0, 'running')], health: failing });
    expect(steady.byJob.size).toBe(0);
  });

  it('adopts a running container of a known revision that the log does not have (a rollout made it)', () => {
    const changes = observe({ rows: [row(0, 'old', 'exited')], containers: [container('old', 0, 'exited'), container('new', 0, 'running', { rollout: 'r1' })] });
    expect(changes.byJob.get('web')).toEqual([
      { type: 'RecordContainerStarted', data: { job: 'web', task: 0, host: 'h1', containerId: 'new', revision: 2, rolloutId: 'r1' }, metadata },
    ]);
  });

  it('reports a running container no task accounts for as unexpected', () => {
    const stray = container('stray', 0, 'running');
    const changes = observe({ rows: [row(0, 'a', 'running')], containers: [container('a', 0, 'running'), stray] });
    expect(changes.unexpected).toEqual([stray]);
    expect(observe({ containers: [stray], knownRevision: () => false }).unexpected).toEqual([stray]);
  });
});
