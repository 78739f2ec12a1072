import { Command, Option } from 'commander';
import type { HostTarget, ReplicatedJob, ReplicateRequest, ReplicateResponse } from '@cj/api';
import { action } from '../action';
import { UsageError } from '../errors';
import type { Cli } from '../context';
import { printable } from '../render/printable';
import { hostMapping, instant, jsonOption, positiveInt, reasonOption } from '../options';

interface ReplicateOptions {
  to: string;
  asOf?: string;
  revision?: number;
  job?: string;
  mapHost?: Record<string, HostTarget>;
  map?: Record<string, HostTarget>;
  dryRun?: boolean;
  deploy: boolean;
  reason?: string;
  json?: boolean;
}

export const replicateCommand = () =>
  new Command('replicate')
    .description("record this environment's jobs in another environment, on other hosts, and roll out what runs there")
    .requiredOption('--to <env>', 'the target environment')
    .option(
      '--map-host <old=new[=endpoint[=address]]>',
      'put the tasks of host OLD on host NEW; with ENDPOINT (and ADDRESS) NEW is declared in the target (repeat for each host)',
      hostMapping,
    )
    .addOption(new Option('--map <old=new>', 'the former name of --map-host').argParser(hostMapping).hideHelp())
    .addOption(
      new Option('--as-of <time>', 'the jobs as they were then (ISO time or a time ago: 30m, 2h, 7d)')
        .argParser((text) => instant(text))
        .conflicts('revision'),
    )
    .option('--job <job>', 'only this job')
    .option('--revision <n>', 'this revision of --job instead of its current one', positiveInt)
    .option('--dry-run', 'show the plan; record nothing')
    .option('--no-deploy', 'record the revisions; start no rollout')
    .addOption(reasonOption())
    .addOption(jsonOption())
    .action(
      action(async (cli: Cli, options: ReplicateOptions) => {
        const mapping = { ...options.map, ...options.mapHost };
        if (Object.keys(mapping).length === 0)
          throw new UsageError(
            "say where each host's tasks go",
            'e.g. --map-host OLD_HOST=NEW_HOST or --map-host OLD_HOST=NEW_HOST=unix:///var/run/docker.sock',
          );
        if (options.revision !== undefined && options.job === undefined)
          throw new UsageError('--revision names a revision of one job', 'add --job JOB');
        const request: ReplicateRequest = {
          ...cli.change(options.reason),
          targetEnv: options.to,
          hosts: Object.fromEntries(
            Object.entries(mapping).map(([from, to]) => [from, to.endpoint === undefined ? to.name : to]),
          ),
          ...(options.asOf !== undefined && { asOf: options.asOf }),
          ...(options.job !== undefined && { job: options.job }),
          ...(options.revision !== undefined && { revision: options.revision }),
          ...(options.dryRun && { dryRun: true }),
          ...(!options.deploy && { noDeploy: true }),
        };
        const result = await cli.api.post<ReplicateResponse>('/replicate', request);
        if (options.json) return cli.json(result);
        printReplicate(cli, result);
      }),
    );

function printReplicate(cli: Cli, result: ReplicateResponse): void {
  const from = `${result.sourceEnv}${result.asOf === undefined ? '' : ` as of ${result.asOf}`}`;
  cli.out.line(
    result.dryRun
      ? `Replicating ${from} into ${result.targetEnv} would (dry run, nothing recorded):`
      : `Replicated ${from} into ${result.targetEnv}:`,
  );
  for (const host of result.hosts)
    cli.out.line(
      `  host ${host.name}: ${result.dryRun ? 'would declare' : 'declared'} at ${host.endpoint} (tasks answer on ${host.address})`,
    );
  for (const job of result.jobs) cli.out.line(`  ${printable(jobLine(result, job))}`);
}

/** One job: what happened, from which source revision, and its rollout or why there is none. */
function jobLine(result: ReplicateResponse, job: ReplicatedJob): string {
  const source = `from ${result.sourceEnv} rev ${job.sourceRevision}`;
  if (job.action === 'unchanged')
    return `${job.job}: unchanged${job.revision === undefined ? '' : ` (revision ${job.revision})`}, ${source}`;
  const done = result.dryRun
    ? job.action === 'create'
      ? 'would create'
      : 'would update'
    : job.action === 'create'
      ? 'created'
      : 'updated';
  const revision = job.revision === undefined ? '' : ` revision ${job.revision}`;
  const changes = job.changes.length > 0 ? ` [${job.changes.join(', ')}]` : '';
  const rollout =
    job.rolloutId !== undefined
      ? `; rollout ${job.rolloutId} started`
      : job.noRollout !== undefined
        ? `; no rollout: ${job.noRollout}`
        : result.dryRun
          ? '; a rollout would start'
          : '';
  return `${job.job}: ${done}${revision}, ${source}${changes}${rollout}`;
}
