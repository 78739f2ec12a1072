/**
 * One lock per environment: a command that changes containers (up, down) and the observation
 * loop's look at the same environment never interleave, so the loop never records a half-done
 * command's containers as exited or vanished.
 */
export class EnvironmentLocks {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(env: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(env) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(env, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.tails.get(env) === tail) this.tails.delete(env);
    }
  }
}
