import { Command } from 'commander';
import type { RegistryTag, RollingUpdateRequest, RolloutView, UpdateCandidatesResponse } from '@cj/api';
import { action } from '../action';
import type { Cli } from '../context';
import { ExitCode, UsageError } from '../errors';
import { shortId, time } from '../render/format';
import { table } from '../render/table';
import { reasonOption } from '../options';
import { watchRollout } from '../rollout-watch';

interface UpdateOptions {
  readonly tag?: string;
  readonly yes?: boolean;
  readonly reason?: string;
}

/**
 * The talk's `coding-job update`: show the running container and the registry's tags, newest first;
 * the operator picks one by number (or names it with TAG / --tag), and it rolls out.
 */
export const updateCommand = () =>
  new Command('update')
    .description("pick one of the registry's tags for a job and roll it out")
    .argument('<job>')
    .argument('[tag]', 'the tag to deploy (skips the choice)')
    .option('--tag <tag>', 'the tag to deploy (skips the choice)')
    .option('-y, --yes', 'do not ask for confirmation on a terminal')
    .addOption(reasonOption())
    .action(
      action(async (cli: Cli, job: string, tagArgument: string | undefined, options: UpdateOptions) => {
        const path = `/jobs/${encodeURIComponent(job)}/update`;
        let tag = tagArgument ?? options.tag;
        if (tag === undefined) {
          const candidates = await cli.api.get<UpdateCandidatesResponse>(path);
          printCandidates(cli, candidates);
          tag = await choose(cli, candidates.tags);
        } else if (!options.yes && cli.prompt.interactive && !(await cli.prompt.confirm(`Update ${job} to ${tag}?`))) {
          cli.out.line('Nothing changed.');
          return ExitCode.ok;
        }
        const request: RollingUpdateRequest = { ...cli.change(options.reason), tag };
        return watchRollout(cli, await cli.api.post<RolloutView>(path, request));
      }),
    );

function printCandidates(cli: Cli, candidates: UpdateCandidatesResponse): void {
  const c = cli.out.color;
  cli.out.line(c.bold('Find running container:'));
  if (candidates.running.length === 0) cli.out.line(`  none: ${candidates.job} is not running`);
  const running = table(
    candidates.running,
    [
      { header: 'task', cell: (r) => String(r.task), right: true },
      { header: 'host', cell: (r) => r.host },
      { header: 'version', cell: (r) => r.version },
      { header: 'created', cell: (r) => time(r.created) },
      { header: 'image id', cell: (r) => shortId(r.imageId) },
      { header: 'container id', cell: (r) => shortId(r.containerId) },
    ],
    c.dim,
  );
  if (candidates.running.length > 0) for (const line of running) cli.out.line(`  ${line}`);
  cli.out.line();
  cli.out.line(c.bold('The tags in the registry:'));
  const tags = table(
    candidates.tags.map((tag, i) => ({ tag, n: i + 1 })),
    [
      { header: '#', cell: (r) => String(r.n), right: true },
      { header: 'version', cell: (r) => r.tag.version },
      { header: 'image id', cell: (r) => shortId(r.tag.imageId) },
      { header: 'created', cell: (r) => time(r.tag.created) },
    ],
    c.dim,
  );
  for (const line of tags) cli.out.line(`  ${line}`);
}

/** Reads a number from the list (or a tag's name) from stdin: a person, or a piped answer. */
async function choose(cli: Cli, tags: readonly RegistryTag[]): Promise<string> {
  if (tags.length === 0)
    throw new UsageError('the registry has no tags for this job', 'push an image, then run `cj update` again');
  const answer = await cli.prompt.ask(`Choose a version [1-${tags.length}]: `);
  if (!answer)
    throw new UsageError(
      'no version chosen',
      'answer with a number from the list, or pass the tag: `cj update JOB TAG`',
    );
  const byNumber = /^\d+$/.test(answer) ? tags[Number(answer) - 1] : tags.find((t) => t.version === answer);
  if (!byNumber) throw new UsageError(`${answer} is not in the list`, `answer with a number from 1 to ${tags.length}`);
  return byNumber.version;
}
