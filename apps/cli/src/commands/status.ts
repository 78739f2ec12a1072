import { Command } from 'commander';
import type { StatusResponse, TaskStatus, UnexpectedContainerView } from '@cj/api';
import { action } from '../action';
import type { Cli } from '../context';
import { bytes, NONE, percent, revision, shortDigest, shortId, since, time } from '../render/format';
import type { Colors } from '../render/output';
import { phaseColor } from '../render/rollout';
import { table } from '../render/table';
import { jsonOption } from '../options';
import { hostWarnings } from './hosts';

export const statusCommand = () =>
  new Command('status')
    .description('every task: where it runs, its container, image, health and resources; desired vs observed')
    .argument('[job]', 'only this job')
    .addOption(jsonOption())
    .action(
      action(async (cli: Cli, job: string | undefined, options: { json?: boolean }) => {
        const result = await cli.api.get<StatusResponse>('/status', { job });
        if (options.json) return cli.json(result);
        if (result.tasks.length === 0) {
          cli.out.line(
            job
              ? `No tasks of ${job} in ${result.env}.`
              : `No jobs recorded in ${result.env}; record some with \`cj apply FILE\`.`,
          );
        } else {
          for (const line of statusTable(result.tasks, cli.out.color, new Date())) cli.out.line(line);
        }
        if (result.unexpected?.length) {
          cli.out.line();
          for (const line of unexpectedSection(result.unexpected, cli.out.color)) cli.out.line(line);
        }
        const warnings = hostWarnings(result.heldHosts ?? [], result.sharedHosts ?? []);
        if (warnings.length > 0) cli.out.line();
        for (const line of warnings) cli.out.line(cli.out.color.yellow(line));
      }),
    );

export function statusTable(tasks: readonly TaskStatus[], c: Colors, now: Date): string[] {
  return table(
    tasks,
    [
      { header: 'job', cell: (t) => t.job },
      { header: 'task', cell: (t) => String(t.task), right: true },
      { header: 'host', cell: (t) => t.host },
      { header: 'port', cell: (t) => String(t.port), right: true },
      { header: 'container', cell: (t) => shortId(t.observed?.containerId) },
      { header: 'image', cell: (t) => t.observed?.image ?? NONE },
      { header: 'digest', cell: (t) => shortDigest(t.observed?.digest) },
      { header: 'state', cell: (t) => observedState(t, c, now) },
      { header: 'health', cell: (t) => observedHealth(t, c) },
      { header: 'uptime', cell: (t) => (t.observed?.state === 'running' ? since(t.observed.startedAt, now) : NONE) },
      { header: 'memory', cell: (t) => bytes(t.observed?.memoryBytes), right: true },
      { header: 'cpu', cell: (t) => percent(t.observed?.cpuPercent), right: true },
      { header: 'desired', cell: (t) => desired(t, c) },
    ],
    c.bold,
  );
}

/** Containers with cj's labels that no task accounts for: cj shows them, and leaves them be. */
function unexpectedSection(containers: readonly UnexpectedContainerView[], c: Colors): string[] {
  return [
    c.yellow("Not cj's (left running; cj never stops them):"),
    ...table(
      containers,
      [
        { header: 'host', cell: (u) => u.host },
        { header: 'job', cell: (u) => u.job },
        { header: 'task', cell: (u) => String(u.task), right: true },
        { header: 'revision', cell: (u) => revision(u.revision) },
        { header: 'container', cell: (u) => shortId(u.containerId) },
        { header: 'name', cell: (u) => u.name ?? NONE },
        { header: 'since', cell: (u) => time(u.since) },
      ],
      c.bold,
    ),
  ];
}

/** The observed state, its exit code when it exited, and how old it is when its host has not answered lately. */
function observedState(task: TaskStatus, c: Colors, now: Date): string {
  const state = task.observed?.state ?? 'absent';
  const exited = task.observed?.exitCode !== undefined ? ` (${task.observed.exitCode})` : '';
  const text = state === task.desired.state ? c.green(`${state}${exited}`) : c.red(`${state}${exited}`);
  if (!task.observed?.stale) return text;
  return `${text} ${c.yellow(`(stale: ${since(task.observed.observedAt, now)} old)`)}`;
}

/** The last health seen; a stale one says so, as it may no longer be true. */
function observedHealth(task: TaskStatus, c: Colors): string {
  if (!task.observed) return NONE;
  const health = phaseColor(task.observed.health, c);
  return task.observed.stale ? `${health} ${c.yellow('(stale)')}` : health;
}

/**
 * The recorded revision and state; marked when what runs differs from it. A container made by an
 * earlier revision that differs only in policy is up to date: that revision landed in place.
 */
function desired(task: TaskStatus, c: Colors): string {
  const text = `${task.desired.state} ${revision(task.desired.revision)}`;
  const drift =
    (task.observed?.state ?? 'stopped') !== task.desired.state ||
    (task.observed !== undefined && !upToDate(task.observed, task.desired.revision));
  return drift ? c.yellow(`${text} (differs)`) : text;
}

function upToDate(observed: NonNullable<TaskStatus['observed']>, desiredRevision: number): boolean {
  if (observed.revision === undefined) return true;
  return observed.upToDate ?? observed.revision === desiredRevision;
}
