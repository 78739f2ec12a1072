import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runCj } from '../testing';

const run = promisify(execFile);

/** What bash completes for the words typed so far (the last one is under the cursor), with cj's script loaded. */
async function complete(
  script: string,
  shell: 'bash' | 'zsh',
  words: readonly string[],
  cwd?: string,
): Promise<string[]> {
  const body =
    'eval "$CJ_SCRIPT"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _cj_complete; printf "%s\\n" "${COMPREPLY[@]}"';
  const { stdout } = await run(shell, ['-c', body, shell, 'cj', ...words], {
    env: { ...process.env, CJ_SCRIPT: script },
    cwd,
  });
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .sort();
}

describe('cj completion', () => {
  let bash: string;

  beforeAll(async () => {
    const result = await runCj(['completion', 'bash']);
    expect(result.code).toBe(0);
    bash = result.stdout;
  });

  it('completes commands, subcommands and options, from the command tree itself', async () => {
    expect(await complete(bash, 'bash', ['roll'])).toEqual(['rollback', 'rolling-update', 'rollout']);
    expect(await complete(bash, 'bash', ['rollout', ''])).toEqual(
      expect.arrayContaining(['abort', 'list', 'pause', 'resume', 'status']),
    );
    expect(await complete(bash, 'bash', ['rollout', 'status', '--'])).toEqual([
      '--env',
      '--help',
      '--json',
      '--token',
      '--url',
      '--wait',
    ]);
    // Options and their values before the command do not hide it.
    expect(await complete(bash, 'bash', ['--env', 'prod', 'rolling-update', 'web', '--max'])).toEqual([
      '--max-parallel',
    ]);
    expect(await complete(bash, 'bash', ['audit', 'ver'])).toEqual(['verify']);
  });

  it("falls back to file names for a command's values (a jobs file)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cj-completion-'));
    try {
      writeFileSync(join(dir, 'jobs.yaml'), 'jobs: {}\n');
      expect(await complete(bash, 'bash', ['apply', 'jo'], dir)).toEqual(['jobs.yaml']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints a zsh script that loads the same completion through bashcompinit', async () => {
    const zsh = await runCj(['completion', 'zsh']);
    expect(zsh.code).toBe(0);
    expect(zsh.stdout).toBe(`autoload -U +X bashcompinit && bashcompinit\n${bash}`);
  });

  it('refuses a shell it has no script for, saying which it has', async () => {
    const result = await runCj(['completion', 'fish']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /no completion for the shell "fish"[\s\S]*hint: cj completion bash, or cj completion zsh/,
    );
  });
});
