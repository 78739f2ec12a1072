/**
 * Failed authentications per client address, in a sliding window: past `max` failures in
 * `windowMs`, the client is refused (429) until its oldest failure leaves the window, so a
 * token cannot be guessed at the API's speed. In memory: a restart forgets, which costs a
 * guesser a restart of the orchestrator for every `max` guesses.
 */
export class AuthFailures {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly max = 10,
    private readonly windowMs = 60_000,
  ) {}

  /** Milliseconds until this client may try again, or 0. */
  blockedFor(client: string, now: number): number {
    const recent = this.recent(client, now);
    return recent.length >= this.max ? recent[0] + this.windowMs - now : 0;
  }

  record(client: string, now: number): number {
    const recent = this.recent(client, now);
    recent.push(now);
    this.failures.set(client, recent);
    if (this.failures.size > 10_000) this.forgetOldest();
    return recent.length;
  }

  private recent(client: string, now: number): number[] {
    return (this.failures.get(client) ?? []).filter((at) => at > now - this.windowMs);
  }

  private forgetOldest(): void {
    const oldest = this.failures.keys().next().value;
    if (oldest !== undefined) this.failures.delete(oldest);
  }
}
