import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The orchestrator's Prometheus metrics, in a registry of its own (one per process). */
export class Metrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'cj_http_requests_total',
    help: 'HTTP requests served, by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'cj_http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly eventsAppended = new Counter({
    name: 'cj_events_appended_total',
    help: 'Events appended to the event store, by type',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });

  readonly projectionLag = new Gauge({
    name: 'cj_projection_lag_events',
    help: 'Events appended by this process that the read models have not applied yet',
    registers: [this.registry],
  });

  readonly projectionPosition = new Gauge({
    name: 'cj_projection_position',
    help: 'Global log position the read models have applied',
    registers: [this.registry],
  });

  readonly projectionReplayRate = new Gauge({
    name: 'cj_projection_replay_events_per_second',
    help: 'Events per second the read models folded in their last replay of the log (progress while one runs)',
    registers: [this.registry],
  });

  readonly observedContainers = new Gauge({
    name: 'cj_observed_containers',
    help: 'cj containers seen on each host at the last observation',
    labelNames: ['env', 'host', 'state'] as const,
    registers: [this.registry],
  });

  readonly hostReachable = new Gauge({
    name: 'cj_host_reachable',
    help: '1 when the host answered at the last observation',
    labelNames: ['env', 'host'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'cj_process_' });
  }
}
