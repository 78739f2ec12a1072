/**
 * Tells waiting subscriptions that the log may have grown. Appends made through this store call
 * `notify()` after they commit; appends made by other connections or processes are noticed by
 * polling SQLite's `data_version`, which changes whenever another connection commits.
 */
export class ChangeFeed {
  private version = 0;
  private readonly waiters = new Set<() => void>();
  private attached = 0;
  private poller: NodeJS.Timeout | undefined;
  private lastDataVersion = 0;

  constructor(
    private readonly dataVersion: () => number,
    private readonly pollIntervalMs: number,
  ) {}

  /** A counter that grows with every change; read it before reading the log, wait on it after. */
  get current(): number {
    return this.version;
  }

  notify(): void {
    this.version += 1;
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiters) wake();
  }

  /**
   * Keeps polling for the whole life of a subscription, not only while it waits: each poll
   * compares with the previous one, so a commit made between a subscription's read and its wait
   * is never missed. Returns the detach function.
   */
  attach(): () => void {
    this.attached += 1;
    if (this.poller === undefined) {
      this.lastDataVersion = this.dataVersion();
      this.poller = setInterval(() => this.poll(), this.pollIntervalMs);
    }
    let detached = false;
    return () => {
      if (detached) return;
      detached = true;
      this.attached -= 1;
      if (this.attached === 0) this.stop();
    };
  }

  /** Resolves once the version has moved past `seen`, or when `signal` aborts. */
  changedSince(seen: number, signal: AbortSignal): Promise<void> {
    if (this.version > seen || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        this.waiters.delete(wake);
        signal.removeEventListener('abort', wake);
        resolve();
      };
      this.waiters.add(wake);
      signal.addEventListener('abort', wake, { once: true });
    });
  }

  stop(): void {
    clearInterval(this.poller);
    this.poller = undefined;
  }

  private poll(): void {
    const dataVersion = this.dataVersion();
    if (dataVersion !== this.lastDataVersion) {
      this.lastDataVersion = dataVersion;
      this.notify();
    }
  }
}
