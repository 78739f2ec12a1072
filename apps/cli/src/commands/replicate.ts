import { Command, Option } from 'commander';
import type { ReplicateRequest, ReplicateResponse } from '@cj/domain';
import { action } from '../action';
import { UsageError } from '../errors';
import type { Cli } from '../context';
import { hostMapping, jsonOption, reasonOption, type HostTarget } from '../options';


export const replicateCommand = () =>
  new Command('replicate')
    .description("replay this environment's jobs into another environment, on other hosts")
    .requiredOption('--to <env>', 'the environment to create')
    .option('--map-host <old=new>', 'put the tasks of host OLD on host NEW (repeat for each host)', hostMapping)
    .addOption(new Option('--map <old=new>', 'the former name of --map-host').argParser(hostMapping).hideHelp())
    .addOption(reasonOption())
    .addOption(jsonOption())
    .action(
      action(async (cli: Cli, options: { to: string; mapHost?: Record<string, HostTarget>; map?: Record<string, HostTarget>; reason?: string; json?: boolean }) => {
        const mapping = { ...options.map, ...options.mapHost };
        if (Object.keys(mapping).length === 0) throw new UsageError('say where each host\'s tasks go', `e.g. --map-host OLD_HOST=NEW_HOST`);
        const request: ReplicateRequest = { ...cli.change(options.reason), targetEnv: options.to, hosts: Object.fromEntries(Object.entries(mapping).map(([from, to]) => [from, to.name])) };
        const result = await cli.api.post<ReplicateResponse>('/replicate', request);
        if (options.json) return cli.json(result);
        cli.out.line(`Replicated ${cli.options.env} into ${options.to} (${Object.entries(mapping).map(([a, b]) => `${a} → ${b.name}`).join(', ')}).`);
        cli.out.line(`Start its jobs with \`cj --env ${options.to} up JOB\`.`);
      }),
    );
