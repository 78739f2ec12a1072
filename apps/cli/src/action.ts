import type { Command } from 'commander';
import { Cli, type GlobalOptions } from './context';
import { CliError, ExitCode } from './errors';
import { processOutput, type Output } from './render/output';
import { processPrompt } from './prompt';

/** A command's body: given the CLI context and commander's arguments, returns an exit code. */
export type Body<A extends unknown[]> = (cli: Cli, ...args: A) => Promise<number | void>;

export interface ActionOptions {
  /** Exit code for any error, where a command's codes mean something else (`diff`: 1 = changes). */
  readonly failureExitCode?: number;
}

/** Adapts a command body to commander: builds the context, reports errors, sets the exit code. */
export function action<A extends unknown[]>(body: Body<A>, options: ActionOptions = {}) {
  return async (...args: [...A, Command]): Promise<void> => {
    const command = args[args.length - 1] as Command;
    const out = processOutput();
    const cli = new Cli(command.optsWithGlobals<GlobalOptions>(), out, processPrompt());
    try {
      process.exitCode = (await body(cli, ...(args.slice(0, -1) as A))) ?? ExitCode.ok;
    } catch (error) {
      process.exitCode = options.failureExitCode ?? (error instanceof CliError ? error.exitCode : ExitCode.failed);
      reportError(error, out);
    }
  };
}

/** `cj: <what>`, any detail lines, then `  hint: <what to do>`, on stderr. */
export function reportError(error: unknown, out: Output): void {
  if (error instanceof CliError) {
    out.error(`cj: ${error.message}`);
    for (const line of error.details) out.error(line);
    if (error.hint) out.error(`  hint: ${error.hint}`);
    return;
  }
  out.error(`cj: internal error: ${(error as Error)?.message ?? String(error)}`);
  out.error(
    process.env.CJ_DEBUG
      ? String((error as Error)?.stack)
      : '  hint: run again with CJ_DEBUG=1 for the stack trace, and report it',
  );
}
