import { Injectable, OnModuleDestroy } from '@nestjs/common';
import type { ConsoleFeedChange } from '@cj/api';
import { ProjectionRunner } from '../read-model/projection-runner';
import { AuditQueries } from '../read-model/queries/audit-queries';
import { HostQueries } from '../read-model/queries/host-queries';
import { RolloutQueries } from '../read-model/queries/rollout-queries';
import { StatusView } from '../env-queries/status.view';

/** Events projected within this long reach a page as one message (a rollout step writes several). */
const BATCH_MS = 50;
const ROLLOUTS_SHOWN = 20;
const AUDIT_SHOWN = 50;

type Section = 'status' | 'hosts' | 'rollouts' | 'audit';
const SECTIONS: readonly Section[] = ['status', 'hosts', 'rollouts', 'audit'];

/** One open page: what it was last sent, section by section, and how to send it more. */
interface Subscriber {
  readonly env: string;
  readonly send: (change: ConsoleFeedChange) => void;
  readonly sent: Map<Section, string>;
}

/**
 * The console's live feed: after each batch the projections apply, every open page of an
 * environment gets the views that changed (status from the read models alone, hosts, rollouts with
 * their tasks' phases and health, the audit's latest rows). Nothing here asks an engine.
 */
@Injectable()
export class ConsoleFeed implements OnModuleDestroy {
  private readonly subscribers = new Set<Subscriber>();
  private readonly stopListening: () => void;
  private timer?: NodeJS.Timeout;
  private flushing = Promise.resolve();

  constructor(
    private readonly projections: ProjectionRunner,
    private readonly statusView: StatusView,
    private readonly hosts: HostQueries,
    private readonly rollouts: RolloutQueries,
    private readonly audit: AuditQueries,
  ) {
    this.stopListening = projections.onApplied(() => this.schedule());
  }

  /** Sends the page everything at once, then what changes; returns how to leave. */
  async subscribe(env: string, send: (change: ConsoleFeedChange) => void): Promise<() => void> {
    const subscriber: Subscriber = { env, send, sent: new Map() };
    this.subscribers.add(subscriber);
    await this.push(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  onModuleDestroy(): void {
    this.stopListening();
    clearTimeout(this.timer);
    this.subscribers.clear();
  }

  private schedule(): void {
    if (this.timer !== undefined || this.subscribers.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // One flush at a time: a slow one is followed, never overtaken, by the next.
      this.flushing = this.flushing.then(() => this.flush());
    }, BATCH_MS);
  }

  private async flush(): Promise<void> {
    const byEnv = new Map<string, Promise<Record<Section, unknown>>>();
    for (const subscriber of [...this.subscribers]) {
      let views = byEnv.get(subscriber.env);
      if (views === undefined) {
        views = this.views(subscriber.env);
        byEnv.set(subscriber.env, views);
      }
      this.deliver(subscriber, await views);
    }
  }

  private async push(subscriber: Subscriber): Promise<void> {
    this.deliver(subscriber, await this.views(subscriber.env));
  }

  private deliver(subscriber: Subscriber, views: Record<Section, unknown>): void {
    const change: Record<string, unknown> = { position: String(this.projections.position) };
    for (const section of SECTIONS) {
      const text = JSON.stringify(views[section]);
      if (subscriber.sent.get(section) === text) continue;
      subscriber.sent.set(section, text);
      change[section] = views[section];
    }
    if (Object.keys(change).length > 1 && this.subscribers.has(subscriber))
      subscriber.send(change as unknown as ConsoleFeedChange);
  }

  private async views(env: string): Promise<Record<Section, unknown>> {
    return {
      status: this.statusView.status(env),
      hosts: this.hosts.views(env),
      rollouts: this.rollouts.list(env).slice(0, ROLLOUTS_SHOWN),
      audit: this.audit.page(env, { limit: AUDIT_SHOWN }).entries,
    };
  }
}
