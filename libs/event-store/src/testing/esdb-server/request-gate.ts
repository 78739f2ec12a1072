/** Lets a test hold every request at the door (to make deadlines expire), then let them through. */
export class RequestGate {
  private held: Promise<void> | undefined;
  private release: (() => void) | undefined;

  pause(): void {
    if (this.held) return;
    this.held = new Promise((resolve) => (this.release = resolve));
  }

  resume(): void {
    this.release?.();
    this.held = undefined;
    this.release = undefined;
  }

  /** Resolves when requests may proceed. */
  pass(): Promise<void> {
    return this.held ?? Promise.resolve();
  }
}
