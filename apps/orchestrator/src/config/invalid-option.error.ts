/** A command-line option or environment variable the orchestrator cannot start with. */
export class InvalidOptionError extends Error {
  override readonly name = 'InvalidOptionError';
  constructor(
    readonly option: string,
    readonly value: string,
    readonly expected: string,
  ) {
    super(`${option} ${JSON.stringify(value)} is invalid: expected ${expected}`);
  }
}
