import { Command } from 'commander';
import type { HostView } from '@cj/domain';
import { action } from '../action';
import type { Cli } from '../context';
import { NONE, since, time } from '../render/format';
import { table } from '../render/table';
import { jsonOption } from '../options';

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
            { header: 'reachable', cell: (h) => (h.reachable ? c.green('yes') : c.red('no')) },
            { header: 'engine', cell: (h) => h.engineVersion ?? NONE },
            { header: 'containers', cell: (h) => String(h.containers), right: true },
            { header: 'last seen', cell: (h) => (h.lastSeen ? `${time(h.lastSeen)} (${since(h.lastSeen, now)} ago)` : NONE) },
          ],
          c.bold,
        );
        for (const line of lines) cli.out.line(line);
      }),
    );
