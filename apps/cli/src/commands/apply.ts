import { Command } from 'commander';
import type { ApplyRequest, ApplyResponse, PlanEntry } from '@cj/api';
import { action } from '../action';
import type { Cli } from '../context';
import { printDroppedHostOutcome, printDroppedHosts } from '../render/dropped-hosts';
import { changeNeeds, value } from '../render/format';
import type { Colors } from '../render/output';
import { jsonOption, reasonOption } from '../options';
import { readSourceFile } from '../source-file';

interface ApplyOptions {
  readonly base?: string;
  readonly dryRun?: boolean;
  readonly yes?: boolean;
  readonly json?: boolean;
  readonly reason?: string;
}

/**
 * Like `kubectl apply`: it applies without asking and prints the plan it carried out. Only a person
 * at a terminal is shown the plan first and asked to confirm (skip with --yes).
 */
export const applyCommand = () =>
  new Command('apply')
    .description('record the jobs file: new revisions for changed jobs, rollouts for running ones')
    .argument('<file>', 'jobs file (YAML, or the seed text form)')
    .option('--base <hosts-file>', 'hosts and defaults file (the seed text form has no hosts section)')
    .option('--dry-run', 'show the plan; record nothing')
    .option('-y, --yes', 'do not ask for confirmation on a terminal')
    .addOption(jsonOption())
    .addOption(reasonOption())
    .action(
      action(async (cli: Cli, file: string, options: ApplyOptions) => {
        const request: ApplyRequest = {
          ...cli.change(options.reason),
          jobs: readSourceFile(file),
          ...(options.base ? { base: readSourceFile(options.base) } : {}),
        };
        const ask = !options.dryRun && !options.yes && !options.json && cli.prompt.interactive && cli.out.interactive;
        if (ask) {
          const preview = await cli.api.post<ApplyResponse>('/apply', { ...request, dryRun: true });
          printPlan(cli, preview);
          if (!changes(preview)) return;
          if (!(await cli.prompt.confirm(`Apply to ${cli.options.env}?`))) {
            cli.out.line('Nothing applied.');
            return;
          }
        }
        const result = await cli.api.post<ApplyResponse>('/apply', { ...request, dryRun: options.dryRun === true });
        if (options.json) return cli.json(result);
        if (!ask) printPlan(cli, result);
        printOutcome(cli, result);
      }),
    );

/** Something to record: a job that changes, or a host that leaves (a kept host records nothing). */
const changes = (response: ApplyResponse) =>
  response.plan.some((entry) => entry.action !== 'unchanged') ||
  (response.droppedHosts ?? []).some((host) => host.action === 'retire');

function printPlan(cli: Cli, response: ApplyResponse): void {
  const c = cli.out.color;
  const heading = response.dryRun
    ? `Plan for ${response.env} (dry run, nothing recorded):`
    : `Plan for ${response.env}:`;
  cli.out.line(c.bold(heading));
  for (const entry of response.plan) {
    cli.out.line(
      `  ${actionMark(entry.action, c)} ${entry.job}${entry.action === 'unchanged' ? c.dim(' (unchanged)') : ''}${entry.inPlace ? c.dim(' (policy only: in place, no container replaced)') : ''}`,
    );
    for (const change of entry.changes) {
      cli.out.line(
        `      ${change.path}: ${c.red(value(change.before))} → ${c.green(value(change.after))}${c.dim(`  (${changeNeeds(change.kind)})`)}`,
      );
    }
  }
  printDroppedHosts(cli.out, response.droppedHosts ?? []);
  if (!changes(response)) cli.out.line('No changes.');
}

function printOutcome(cli: Cli, response: ApplyResponse): void {
  if (response.dryRun) return;
  for (const entry of response.plan) {
    if (entry.revision !== undefined)
      cli.out.line(
        `${entry.job}: recorded r${entry.revision}${entry.inPlace ? ', in effect now (no container replaced)' : ''}`,
      );
    if (entry.rolloutId)
      cli.out.line(
        `${entry.job}: rollout ${entry.rolloutId} started; follow it with \`cj rollout status ${entry.rolloutId} --wait\``,
      );
  }
  printDroppedHostOutcome(cli.out, response.droppedHosts ?? []);
}

function actionMark(kind: PlanEntry['action'], c: Colors): string {
  switch (kind) {
    case 'create':
      return c.green('+');
    case 'update':
      return c.yellow('~');
    case 'remove':
      return c.red('-');
    case 'unchanged':
      return ' ';
  }
}
