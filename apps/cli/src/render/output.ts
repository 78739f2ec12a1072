import pc from 'picocolors';

export type Colors = ReturnType<typeof pc.createColors>;

/** Where a command writes, and how: colour and redrawing only on a terminal. */
export interface Output {
  readonly color: Colors;
  /** stdout is a terminal: progress may redraw in place. */
  readonly interactive: boolean;
  write(text: string): void;
  line(text?: string): void;
  error(text: string): void;
}

/**
 * Colour only when stdout is a terminal, never when NO_COLOR is set (no-color.org), and on request
 * with FORCE_COLOR. (picocolors alone would also colour on CI, which is not a terminal.)
 */
export function colorEnabled(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0') return true;
  return isTTY && env.TERM !== 'dumb';
}

export function processOutput(): Output {
  const isTTY = process.stdout.isTTY === true;
  return {
    color: pc.createColors(colorEnabled(process.env, isTTY)),
    interactive: isTTY,
    // Braces: write() returns a boolean, which a command returning `out.line(…)` would turn into its exit code.
    write: (text) => {
      process.stdout.write(text);
    },
    line: (text = '') => {
      process.stdout.write(`${text}\n`);
    },
    error: (text) => {
      process.stderr.write(`${text}\n`);
    },
  };
}
