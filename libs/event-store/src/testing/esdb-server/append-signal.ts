/**
 * Wakes subscriptions after appends. A waiter passes the count it saw before reading, so an append
 * that lands between its read and its wait is never missed.
 */
export class AppendSignal {
  private count = 0;
  private waiters: Array<() => void> = [];

  get appends(): number {
    return this.count;
  }

  notify(): void {
    this.count++;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves once an append happened after `seen`, or when `stop` fires. */
  async after(seen: number, stop: AbortSignal): Promise<void> {
    if (this.count !== seen || stop.aborted) return;
    await new Promise<void>((resolve) => {
      const wake = () => {
        stop.removeEventListener('abort', wake);
        this.waiters = this.waiters.filter((waiter) => waiter !== wake);
        resolve();
      };
      this.waiters.push(wake);
      stop.addEventListener('abort', wake);
    });
  }
}
