import { Command } from 'commander';
import type { ReplicateRequest, ReplicateResponse } from '@cj/domain';
import { action } from '../action';
import type { Cli } from '../context';
import { hostMapping, jsonOption, reasonOption } from '../options';


export const replicateCommand = () =>
  new Command('replicate')
    .description("replay this environment's jobs into another environment, on other hosts")
    .requiredOption('--to <env>', 'the environment to create')
    .requiredOption('--map <old=new>', 'put the tasks of host OLD on host NEW (repeat for each host)', hostMapping)
    .addOption(reasonOption())
    .addOption(jsonOption())
    .action(
      action(async (cli: Cli, options: { to: string; map: Record<string, string>; reason?: string; json?: boolean }) => {
        const request: ReplicateRequest = { ...cli.change(options.reason), targetEnv: options.to, hosts: options.map };
        const result = await cli.api.post<ReplicateResponse>('/replicate', request);
        if (options.json) return cli.json(result);
        cli.out.line(`Replicated ${cli.options.env} into ${options.to} (${Object.entries(options.map).map(([a, b]) => `${a} → ${b}`).join(', ')}).`);
        cli.out.line(`Start its jobs with \`cj --env ${options.to} up JOB\`.`);
      }),
    );
