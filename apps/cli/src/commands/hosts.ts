import { Command, Option } from 'commander';
import type { ConfirmHostsResult, HostView, SharedHostView } from '@cj/api';
import { action } from '../action';
import type { Cli } from '../context';
import { NONE, since, time } from '../render/format';
import { table } from '../render/table';
import { jsonOption, reasonOption } from '../options';

export const hostsCommand = () =>
  new Command('hosts')
    .description('the hosts of the environment: endpoint, reachability, engine, containers, when each last answered')
    .addOption(jsonOption())
    .action(
      action(async (cli: Cli, options: { json?: boolean }) => {
        const hosts = await cli.api.get<HostView[]>('/hosts');
        if (options.json) return cli.json(hosts);
        if (hosts.length === 0) {
          cli.out.line(`No hosts recorded in ${cli.options.env}; declare them in a jobs file and \`cj apply\` it.`);
          return;
        }
        const c = cli.out.color;
        const now = new Date();
        const lines = table(
          hosts,
          [
            { header: 'name', cell: (h) => h.name },
            { header: 'endpoint', cell: (h) => h.endpoint },
            { header: 'address', cell: (h) => h.address },
            {
              header: 'reachable',
              cell: (h) => (h.held ? c.yellow('held') : h.reachable ? c.green('yes') : c.red('no')),
            },
            { header: 'engine', cell: (h) => h.engineVersion ?? NONE },
            { header: 'containers', cell: (h) => String(h.containers), right: true },
            {
              header: 'last seen',
              cell: (h) => (h.lastSeen ? `${time(h.lastSeen)} (${since(h.lastSeen, now)} ago)` : NONE),
            },
          ],
          c.bold,
        );
        for (const line of lines) cli.out.line(line);
        const held = hosts.filter((host) => host.held).map((host) => host.name);
        const shared = hosts.flatMap((host) =>
          (host.sharedWith ?? []).map((other) => ({
            host: host.name,
            storeId: other.storeId,
            containers: other.containers.length,
          })),
        );
        for (const line of hostWarnings(held, shared)) cli.out.line(c.yellow(line));
      }),
    )
    .addCommand(confirmCommand());

/**
 * What a person must know about the hosts beyond the table: the ones held since the store moved,
 * and the ones where another cluster's containers run (cj leaves those alone).
 */
export function hostWarnings(held: readonly string[], shared: readonly SharedHostView[]): string[] {
  const warnings: string[] = [];
  if (held.length > 0) {
    warnings.push(
      `! held: ${held.join(', ')} — this store was started somewhere else than where it last ran; cj does not act on these hosts. ` +
        `Once you know they are this cluster's: cj hosts confirm ${held.join(' ')} (or --all)`,
    );
  }
  for (const { host, storeId, containers: n } of shared) {
    warnings.push(
      `! shared: ${host} also runs ${n} container${n === 1 ? '' : 's'} of another cluster (store ${storeId}); cj leaves them alone`,
    );
  }
  return warnings;
}

/** `cj hosts confirm HOST… | --all`: held hosts (the store moved) are this cluster's; cj acts on them again. */
const confirmCommand = () =>
  new Command('confirm')
    .description(
      "confirm held hosts as this cluster's (after the store was copied or restored elsewhere): cj acts on them again",
    )
    .argument('[hosts...]', 'the hosts to confirm')
    .addOption(new Option('--all', 'every held host of the environment'))
    .addOption(reasonOption())
    .addOption(jsonOption())
    .action(
      action(async (cli: Cli, hosts: string[], options: { all?: boolean; reason?: string; json?: boolean }) => {
        const body = { ...cli.change(options.reason), ...(options.all ? { all: true } : { hosts }) };
        const result = await cli.api.post<ConfirmHostsResult>('/hosts/confirm', body);
        // `cj hosts confirm --all --json`: commander gives --json to `hosts`, which declares it too.
        if (options.json || (cli.options as { json?: boolean }).json) return cli.json(result);
        if (result.confirmed.length > 0)
          cli.out.line(
            `Confirmed ${result.confirmed.join(', ')}: cj acts on ${result.confirmed.length === 1 ? 'it' : 'them'} again.`,
          );
        if (result.notHeld.length > 0) cli.out.line(`Not held, nothing to confirm: ${result.notHeld.join(', ')}.`);
        if (result.confirmed.length === 0 && result.notHeld.length === 0) cli.out.line('No hosts to confirm.');
      }),
    );
