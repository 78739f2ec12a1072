import { Command, InvalidArgumentError } from 'commander';
import { AUDIT_EARLIER_BEFORE, AUDIT_MORE_AFTER, type AuditEntry, type LogVerification } from '@cj/api';
import { action } from '../action';
import type { Cli } from '../context';
import { time } from '../render/format';
import { table } from '../render/table';
import { instant, jsonOption, nonNegativeInt, positiveInt } from '../options';

interface AuditOptions {
  readonly job?: string;
  readonly task?: number;
  readonly host?: string;
  readonly rollout?: string;
  readonly actor?: string;
  readonly type?: string;
  readonly since?: string;
  readonly until?: string;
  readonly after?: string;
  readonly limit?: number;
  readonly all?: boolean;
  readonly json?: boolean;
}

function position(text: string): string {
  if (!/^\d{1,19}$/.test(text))
    throw new InvalidArgumentError('expected a log position (the POSITION column of an earlier page).');
  return text;
}

function eventTypes(text: string): string {
  if (!/^[A-Za-z]+(,[A-Za-z]+)*$/.test(text))
    throw new InvalidArgumentError('expected event types separated by commas (ContainerStarted,ContainerStopped).');
  return text;
}

/** The same command with the cursor moved on, for the "more" line. */
function nextPage(options: AuditOptions, after: string): string {
  const flags: [string, string | number | boolean | undefined][] = [
    ['--job', options.job],
    ['--task', options.task],
    ['--host', options.host],
    ['--rollout', options.rollout],
    ['--actor', options.actor],
    ['--type', options.type],
    ['--since', options.since],
    ['--until', options.until],
    ['--limit', options.limit],
    ['--all', options.all],
  ];
  const given = flags
    .filter(([, value]) => value !== undefined && value !== false)
    .map(([flag, value]) => (value === true ? flag : `${flag} ${value}`));
  return ['cj audit', ...given, `--after ${after}`].join(' ');
}

export const auditCommand = () =>
  new Command('audit')
    .description('recorded events in log order: when, where, what, who and why (a summary; --all for every step)')
    .option('--job <job>', 'only events of this job')
    .option('--task <n>', 'with --job: only events of this task', nonNegativeInt)
    .option('--host <host>', 'only events on this host')
    .option('--rollout <id>', 'only events of this rollout')
    .option('--actor <actor>', 'only events recorded for this actor (user@host, a token name, orchestrator)')
    .option('--type <types>', 'only these event types, comma-separated (shown at every level)', eventTypes)
    .option('--since <time>', 'from this time: ISO 8601 or a time ago (30m, 2h, 7d)', (t) => instant(t))
    .option('--until <time>', 'up to this time: ISO 8601 or a time ago', (t) => instant(t))
    .option('--after <position>', 'only events after this log position (the next page of an earlier answer)', position)
    .option('--limit <n>', 'at most N entries (default 100)', positiveInt)
    .option(
      '--all',
      'every event, not only the summary (one line per command, container start/stop/exit, rollout phase, failure)',
    )
    .addOption(jsonOption())
    .addCommand(verifyCommand())
    .action(
      action(async (cli: Cli, options: AuditOptions) => {
        const { body: entries, headers } = await cli.api.getWithHeaders<AuditEntry[]>('/audit', {
          job: options.job,
          task: options.task,
          host: options.host,
          rollout: options.rollout,
          actor: options.actor,
          type: options.type,
          since: options.since,
          until: options.until,
          after: options.after,
          limit: options.limit,
          all: options.all,
        });
        const more = headers.get(AUDIT_MORE_AFTER);
        const earlier = headers.get(AUDIT_EARLIER_BEFORE);
        // The marks go where a person reads them: after the table, or on stderr beside JSON.
        const mark = (text: string) => (options.json ? cli.out.error(text) : cli.out.line(text));
        if (options.json) cli.json(entries);
        else if (entries.length === 0) cli.out.line('No events in that range.');
        else {
          const lines = table(
            entries,
            [
              { header: 'position', cell: (e) => e.position, right: true },
              { header: 'at', cell: (e) => time(e.at) },
              { header: 'env', cell: (e) => e.env },
              { header: 'job', cell: (e) => e.job ?? '' },
              { header: 'task', cell: (e) => (e.task === undefined ? '' : String(e.task)), right: true },
              { header: 'host', cell: (e) => e.host ?? '' },
              { header: 'type', cell: (e) => e.type },
              { header: 'actor', cell: (e) => e.actor },
              { header: 'summary', cell: (e) => e.summary },
              { header: 'reason', cell: (e) => e.reason ?? '' },
            ],
            cli.out.color.bold,
          );
          for (const line of lines) cli.out.line(line);
        }
        if (more) mark(`more: events follow position ${more}; next page: ${nextPage(options, more)}`);
        if (earlier)
          mark(
            `earlier: events precede position ${earlier}; read from the start with --after 0, or from a time with --since`,
          );
      }),
    );

/** `cj audit verify`: exit 0 when every chain holds, 1 naming the first broken link of each stream. */
const verifyCommand = () =>
  new Command('verify')
    .description("check the environment's log against its hash chains: altered events, missing revisions, broken links")
    .addOption(jsonOption())
    .action(
      action(async (cli: Cli, options: { json?: boolean }) => {
        const report = await cli.api.get<LogVerification>('/audit/verify');
        if (options.json) cli.json(report);
        else if (report.ok) {
          const legacy = report.unchained > 0 ? ` (${report.unchained} recorded before the log was chained)` : '';
          cli.out.line(
            `The log verifies: ${report.events} events in ${report.streams} streams, every chain intact${legacy}.`,
          );
        } else {
          cli.out.line(
            cli.out.color.red(
              `The log fails verification in ${report.problems.length} stream${report.problems.length === 1 ? '' : 's'}:`,
            ),
          );
          for (const problem of report.problems) cli.out.line(`  ${problem.kind}: ${problem.message}`);
        }
        return report.ok ? 0 : 1;
      }),
    );
