import type { ProbeResult, ProbeTarget } from '@cj/domain';

/** Healthy when the command exits 0 inside the task's container within the timeout. */
export async function probeExec(
  target: ProbeTarget,
  command: readonly string[],
  timeoutMs: number,
): Promise<ProbeResult> {
  const container = requireContainer(target, 'exec');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ProbeResult>((resolve) => {
    timer = setTimeout(
      () => resolve({ healthy: false, detail: `exec ${command.join(' ')}: no exit within ${timeoutMs} ms` }),
      timeoutMs,
    );
  });
  const run = container.runtime.exec(container.id, command).then(
    (result): ProbeResult => ({
      healthy: result.exitCode === 0,
      detail: `exec ${command.join(' ')}: exit ${result.exitCode}${result.exitCode === 0 ? '' : `: ${(result.stderr || result.stdout).trim().slice(0, 200)}`}`,
    }),
    (error: Error): ProbeResult => ({ healthy: false, detail: `exec ${command.join(' ')}: ${error.message}` }),
  );
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Healthy when Docker's own HEALTHCHECK of the image reports healthy. */
export async function probeDockerHealth(target: ProbeTarget): Promise<ProbeResult> {
  const container = requireContainer(target, 'docker');
  try {
    const state = await container.runtime.health(container.id);
    if (state.status === 'none') return { healthy: false, detail: 'docker HEALTHCHECK: the image defines none' };
    return {
      healthy: state.status === 'healthy',
      detail: `docker HEALTHCHECK: ${state.status}${state.lastOutput && state.status !== 'healthy' ? `: ${state.lastOutput.slice(0, 200)}` : ''}`,
    };
  } catch (error) {
    return { healthy: false, detail: `docker HEALTHCHECK: ${(error as Error).message}` };
  }
}

/** A check of type exec or docker without a container is a caller's mistake, not an unhealthy task. */
export class ProbeTargetIncomplete extends Error {
  constructor(readonly checkType: string) {
    super(
      `a ${checkType} health check runs in the task's container, but the probe target names none; pass target.container`,
    );
    this.name = 'ProbeTargetIncomplete';
  }
}

function requireContainer(target: ProbeTarget, checkType: string): NonNullable<ProbeTarget['container']> {
  if (!target.container) throw new ProbeTargetIncomplete(checkType);
  return target.container;
}
