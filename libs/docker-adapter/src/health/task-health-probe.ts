import type { HealthProbe, ProbeResult, ProbeTarget } from '@cj/domain';
import type { HealthCheck } from '@cj/api';
import { probeDockerHealth, probeExec } from './container-probes';
import { probeHttp } from './http-probe';
import { probeTcp } from './tcp-probe';

/** Runs one health check of a task: HTTP, TCP connect, a command in its container, or Docker's HEALTHCHECK. */
export class TaskHealthProbe implements HealthProbe {
  probe(check: HealthCheck, target: ProbeTarget): Promise<ProbeResult> {
    switch (check.type) {
      case 'http':
        return probeHttp(target.address, target.port, check.path, check.expectStatus, check.timeout);
      case 'tcp':
        return probeTcp(target.address, target.port, check.timeout);
      case 'exec':
        return probeExec(target, check.command, check.timeout);
      case 'docker':
        return probeDockerHealth(target);
      case 'none':
        return Promise.resolve({ healthy: true, detail: 'no health check configured' });
      default: {
        const unknown: never = check;
        throw new Error(`unknown health check ${JSON.stringify(unknown)}`);
      }
    }
  }
}
