/**
 * Content addressed by digest never changes, so a fetch by digest is kept. Pending fetches are
 * shared (concurrent describes of tags with one digest fetch once); failures are not kept.
 * Oldest entries go first once `capacity` is reached, so a long-lived client stays bounded.
 */
export class DigestCache<T> {
  private readonly entries = new Map<string, Promise<T>>();

  constructor(private readonly capacity: number) {}

  get(key: string, load: () => Promise<T>): Promise<T> {
    const cached = this.entries.get(key);
    if (cached) return cached;
    const pending = load();
    this.entries.set(key, pending);
    pending.catch(() => {
      if (this.entries.get(key) === pending) this.entries.delete(key);
    });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return pending;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}
