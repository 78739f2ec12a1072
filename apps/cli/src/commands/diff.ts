import { Command } from 'commander';
import type { DiffField, DiffRequest, DiffResponse, JobDiff } from '@cj/api';
import { action } from '../action';
import type { Cli } from '../context';
import { ExitCode } from '../errors';
import { changeNeeds, value } from '../render/format';
import { table, type Column } from '../render/table';
import { jsonOption } from '../options';
import { readSourceFile } from '../source-file';

/** Exit codes as `kubectl diff`: 0 no changes, 1 changes, 2 any error. */
export const diffCommand = () =>
  new Command('diff')
    .description('compare the jobs file, the recorded revision and what runs on the hosts')
    .argument('<file>', 'jobs file')
    .argument('[job]', 'only this job')
    .option('--base <hosts-file>', 'hosts and defaults file')
    .addOption(jsonOption())
    .action(
      action(
        async (cli: Cli, file: string, job: string | undefined, options: { base?: string; json?: boolean }) => {
          const request: DiffRequest = {
            jobs: readSourceFile(file),
            ...(options.base ? { base: readSourceFile(options.base) } : {}),
            ...(job ? { job } : {}),
          };
          const result = await cli.api.post<DiffResponse>('/diff', request);
          if (options.json) cli.json(result);
          else printDiff(cli, result);
          return result.changed ? ExitCode.failed : ExitCode.ok;
        },
        { failureExitCode: ExitCode.usage },
      ),
    );

function printDiff(cli: Cli, result: DiffResponse): void {
  const c = cli.out.color;
  const differing = result.jobs.filter((j) => j.fields.length > 0);
  if (differing.length === 0) {
    cli.out.line('No differences: the file, the recorded revisions and the running containers agree.');
    return;
  }
  differing.forEach((job, i) => {
    if (i > 0) cli.out.line();
    cli.out.line(c.bold(jobTitle(job)));
    const columns: Column<DiffField>[] = [
      { header: 'field', cell: (f) => f.path },
      { header: 'file', cell: (f) => value(f.file) },
      { header: 'recorded', cell: (f) => value(f.recorded) },
      { header: 'running', cell: (f) => value(f.running) },
    ];
    // What applying the file would do, per field: a job's row says it, a task's row has nothing to apply.
    if (job.fields.some((f) => f.kind !== undefined))
      columns.push({ header: 'on apply', cell: (f) => (f.kind ? changeNeeds(f.kind) : '') });
    const lines = table(job.fields, columns, c.bold);
    for (const line of lines) cli.out.line(`  ${line}`);
  });
}

function jobTitle(job: JobDiff): string {
  if (job.task === undefined) return job.job;
  return `${job.job} task ${job.task}${job.host ? ` on ${job.host}` : ''}`;
}
