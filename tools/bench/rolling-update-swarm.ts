/**
 * Docker Swarm doing the benchmark's update on the local engine: a single-node swarm, a service of
 * host-network replicas each on its own port (`PORT=1808<slot>`), the same local images as cj
 * (no registry lookup), stop-first, `--update-monitor` equal to cj's min healthy time.
 */
import { CommandFailedError, run, sleep } from './rolling-update-command';
import { forgetImage, REGISTRY } from './rolling-update-fleet';
import { SCENARIO } from './rolling-update-options';
import { readVersion } from './rolling-update-versions';

const SERVICE = 'cj-bench-rolling-update';
const GATEWAY_BRIDGE = 'docker_gwbridge';
const PORT_PREFIX = '1808';
const IMAGE = 'cj-demo';
/** The demo images are on the local engine; the big ones only in the registry, so Swarm pulls them as cj's hosts do. */
const imageOf = (tag: string): string => (tag.startsWith('big-') ? `${REGISTRY}/${IMAGE}:${tag}` : `${IMAGE}:${tag}`);

export type SwarmOutcome = 'completed' | 'paused' | 'rollback_completed' | 'rollback_paused';
const TERMINAL: ReadonlySet<string> = new Set<SwarmOutcome>([
  'completed',
  'paused',
  'rollback_completed',
  'rollback_paused',
]);

export interface SwarmUpdate {
  readonly outcome: SwarmOutcome;
  /** From the `docker service update` call to the terminal state, as the poller saw it. */
  readonly elapsedMs: number;
  /** From Swarm's own UpdateStatus.StartedAt to CompletedAt. */
  readonly internalMs?: number;
}

/** The local engine already belongs to a swarm: the benchmark will not touch one it did not create. */
export class SwarmInUseError extends Error {
  constructor() {
    super(
      'the local Docker engine is already part of a swarm; the benchmark creates and leaves its own. ' +
        'Leave it first (`docker swarm leave --force`) if nothing else uses it.',
    );
    this.name = 'SwarmInUseError';
  }
}

/** Swarm did not reach the expected state in time. */
export class SwarmTimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`Docker Swarm: ${what} within ${ms / 1000} s`);
    this.name = 'SwarmTimeoutError';
  }
}

const docker = (...args: string[]) => run('docker', args);

/** Swarm's timestamps carry nanoseconds; Date.parse wants at most milliseconds. */
const parseSwarmTime = (text: string | undefined): number | undefined =>
  text === undefined ? undefined : Date.parse(text.replace(/(\.\d{3})\d*/, '$1'));

export class SwarmPeer {
  private constructor() {}

  /** Makes the local engine a single-node swarm manager on loopback. */
  static async init(): Promise<SwarmPeer> {
    if ((await docker('info', '--format', '{{.Swarm.LocalNodeState}}')) !== 'inactive') throw new SwarmInUseError();
    await docker('swarm', 'init', '--advertise-addr', '127.0.0.1', '--listen-addr', '127.0.0.1:2377');
    return new SwarmPeer();
  }

  /** A fresh service of `replicas` tasks on `from` (v1 by default), with the update policy of the configuration. */
  async deploy(parallelism: number, from: string = SCENARIO.fromTag): Promise<void> {
    await this.removeService();
    const monitor = `${SCENARIO.minHealthyTimeMs}ms`;
    await docker(
      'service',
      'create',
      '--quiet',
      '--detach=false',
      '--name',
      SERVICE,
      '--network',
      'host',
      '--env',
      `PORT=${PORT_PREFIX}{{.Task.Slot}}`,
      '--replicas',
      String(SCENARIO.replicas),
      '--no-resolve-image',
      '--update-parallelism',
      String(parallelism),
      '--update-order',
      SCENARIO.order,
      '--update-monitor',
      monitor,
      '--update-delay',
      '0s',
      '--update-max-failure-ratio',
      '0',
      '--update-failure-action',
      'rollback',
      '--rollback-parallelism',
      String(parallelism),
      '--rollback-order',
      SCENARIO.order,
      '--rollback-monitor',
      monitor,
      '--rollback-delay',
      '0s',
      imageOf(from),
    );
    await this.waitForVersions(from, 120_000);
  }

  /** Where each replica answers, by slot: what the downtime prober asks. */
  targets(): { host: string; port: number }[] {
    return Array.from({ length: SCENARIO.replicas }, (_, i) => ({
      host: '127.0.0.1',
      port: Number(`${PORT_PREFIX}${i + 1}`),
    }));
  }

  /** Makes the local engine download `tag` again (a big image: it is not kept between rounds); the service's old containers are gone by then. */
  forget(tag: string): Promise<void> {
    return forgetImage([], tag, false);
  }

  /** Updates the service to `tag` and waits until Swarm finishes (or rolls back). */
  async update(tag: string): Promise<SwarmUpdate> {
    const started = Date.now();
    await docker('service', 'update', '--quiet', '--detach', '--no-resolve-image', '--image', imageOf(tag), SERVICE);
    const deadline = started + 180_000;
    while (Date.now() < deadline) {
      const status = JSON.parse(await docker('service', 'inspect', '--format', '{{json .UpdateStatus}}', SERVICE)) as {
        State?: string;
        StartedAt?: string;
        CompletedAt?: string;
      } | null;
      if (status?.State !== undefined && TERMINAL.has(status.State)) {
        const elapsedMs = Date.now() - started;
        const from = parseSwarmTime(status.StartedAt);
        const to = parseSwarmTime(status.CompletedAt);
        return {
          outcome: status.State as SwarmOutcome,
          elapsedMs,
          ...(from !== undefined && to !== undefined ? { internalMs: to - from } : {}),
        };
      }
      await sleep(SCENARIO.pollMs);
    }
    throw new SwarmTimeoutError(`the update to ${IMAGE}:${tag} did not finish`, 180_000);
  }

  /** The version each replica answers with, by slot. */
  versions(): Promise<(string | undefined)[]> {
    return Promise.all(
      Array.from({ length: SCENARIO.replicas }, (_, i) => readVersion('127.0.0.1', Number(`${PORT_PREFIX}${i + 1}`))),
    );
  }

  /** Waits until every replica answers with `tag` (Swarm may still be replacing a failed one). */
  async waitForVersions(tag: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const versions = await this.versions();
      if (versions.every((v) => v === tag)) return;
      if (Date.now() > deadline)
        throw new SwarmTimeoutError(`replicas answer ${JSON.stringify(versions)}, not all ${tag},`, timeoutMs);
      await sleep(SCENARIO.pollMs);
    }
  }

  async removeService(): Promise<void> {
    try {
      await docker('service', 'rm', SERVICE);
    } catch (error) {
      if (!(error instanceof CommandFailedError && /not found/i.test(error.stderr))) throw error;
    }
    await this.waitUntilNoTasksRun();
  }

  /** Leaves the swarm and removes the bridge network Swarm made; safe to call after any failure. */
  async leave(): Promise<void> {
    const failures: string[] = [];
    for (const step of [
      () => this.removeService(),
      () => docker('swarm', 'leave', '--force'),
      () => this.removeGatewayBridge(),
    ]) {
      try {
        await step();
      } catch (error) {
        failures.push(error instanceof Error ? error.message : String(error));
      }
    }
    if (failures.length > 0) throw new Error(`leaving the benchmark's swarm: ${failures.join('; ')}`);
  }

  /** Swarm removes a service's containers after `service rm` returns; the ports are free only then. */
  private async waitUntilNoTasksRun(): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const ids = await docker('ps', '--all', '--quiet', '--filter', `label=com.docker.swarm.service.name=${SERVICE}`);
      if (ids === '') return;
      await sleep(SCENARIO.pollMs);
    }
    throw new SwarmTimeoutError(`the containers of service ${SERVICE} were not removed`, 30_000);
  }

  private async removeGatewayBridge(): Promise<void> {
    // The network outlives the swarm for a moment while its last endpoint detaches.
    for (let attempt = 0; ; attempt++) {
      try {
        await docker('network', 'rm', GATEWAY_BRIDGE);
        return;
      } catch (error) {
        if (error instanceof CommandFailedError && /not found|No such network/i.test(error.stderr)) return;
        if (attempt >= 20) throw error;
        await sleep(250);
      }
    }
  }
}
