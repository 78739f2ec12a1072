import type { ContainerHealth, ContainerInfo, ContainerState } from '@cj/domain';
import type { ContainerInspectInfo } from 'dockerode';
import { LABEL } from './labels';

const NEVER = '0001-01-01T00:00:00Z';

/** The port's view of `docker inspect`: identity from cj's labels, state from the engine. */
export function toContainerInfo(host: string, data: ContainerInspectInfo): ContainerInfo {
  const labels = data.Config.Labels ?? {};
  const state = data.State;
  // A restarting container is between an exit and the engine's next start: its exit code is the crash's.
  const exited = state.Status === 'exited' || state.Status === 'dead' || state.Status === 'restarting';
  const port = labels[LABEL.port];
  return {
    id: data.Id,
    name: data.Name.replace(/^\//, ''),
    host,
    env: labels[LABEL.env] ?? '',
    job: labels[LABEL.job] ?? '',
    task: Number(labels[LABEL.task] ?? -1),
    revision: Number(labels[LABEL.revision] ?? -1),
    ...(labels[LABEL.rollout] ? { rollout: labels[LABEL.rollout] } : {}),
    ...(labels[LABEL.cluster] ? { cluster: labels[LABEL.cluster] } : {}),
    ...(port ? { port: Number(port) } : {}),
    labels,
    image: data.Config.Image,
    imageId: data.Image,
    state: state.Status as ContainerState,
    ...(exited ? { exitCode: state.ExitCode } : {}),
    restartCount: data.RestartCount ?? 0,
    createdAt: data.Created,
    ...(state.StartedAt && state.StartedAt !== NEVER ? { startedAt: state.StartedAt } : {}),
    ...(state.FinishedAt && state.FinishedAt !== NEVER ? { finishedAt: state.FinishedAt } : {}),
    ...(exited ? { oomKilled: state.OOMKilled === true } : {}),
    health: ((state as { Health?: { Status?: string } }).Health?.Status ?? 'none') as ContainerHealth,
  };
}
