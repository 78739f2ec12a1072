import { spawn } from 'node:child_process';
import { Command } from 'commander';
import { action } from '../action';
import type { Cli } from '../context';
import { CliError, ExitCode } from '../errors';

/** Where the orchestrator serves its web console. */
const CONSOLE_PATH = '/ui';

export const webCommand = () =>
  new Command('web')
    .description(
      'the web console: prints its URL, and opens it in a browser where there is one ($BROWSER, or xdg-open on a display)',
    )
    .option('--no-open', 'only print the URL')
    .action(
      action(async (cli: Cli, options: { open: boolean }) => {
        if (!(await cli.api.servesPage(CONSOLE_PATH))) throw new NoConsole(cli.options.url);
        const url = consoleUrl(cli.options.url, cli.options.env);
        cli.out.line(url);
        // The token is never put in the URL (it would stay in the browser's history): the page asks for it.
        cli.out.error(
          'sign in with an API token: an operator token acts, a viewer token reads (cj token create NAME --role …)',
        );
        if (!options.open) return;
        const browser = browserCommand(process.env, process.platform);
        if (!browser) return;
        const failure = await launch(browser, url);
        if (failure)
          cli.out.error(`cj: could not start a browser (${browser}: ${failure}); open the URL above yourself`);
      }),
    );

export function consoleUrl(base: string, env: string): string {
  const url = new URL(`${base}${CONSOLE_PATH}`);
  url.searchParams.set('env', env);
  return url.toString();
}

/**
 * The program that opens a URL: $BROWSER as the convention has it (the first of a colon-separated
 * list), else the desktop's opener when there is a display; none on a server without one.
 */
export function browserCommand(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string | undefined {
  const chosen = env.BROWSER?.split(':')
    .map((b) => b.trim())
    .find((b) => b.length > 0);
  if (chosen) return chosen;
  if (platform === 'darwin') return 'open';
  if (env.DISPLAY || env.WAYLAND_DISPLAY) return 'xdg-open';
  return undefined;
}

/** Starts the browser apart from cj (it outlives this command); resolves to why it could not start, if it could not. */
function launch(command: string, url: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = spawn(command, [url], { detached: true, stdio: 'ignore' });
    child.once('error', (error: NodeJS.ErrnoException) =>
      resolve(error.code === 'ENOENT' ? 'not found' : error.message),
    );
    child.once('spawn', () => {
      child.unref();
      resolve(undefined);
    });
  });
}

class NoConsole extends CliError {
  readonly exitCode = ExitCode.failed;

  constructor(url: string) {
    super(
      `${url} serves no web console at ${CONSOLE_PATH}`,
      'the orchestrator serves the console it was built with (npx vite build --config apps/web/vite.config.mts)',
    );
  }
}
