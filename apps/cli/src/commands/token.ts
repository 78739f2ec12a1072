import { Command, Option } from 'commander';
import { action } from '../action';
import type { Cli } from '../context';
import { time } from '../render/format';
import { table } from '../render/table';
import { jsonOption } from '../options';

interface TokenView {
  readonly name: string;
  readonly role: string;
  readonly createdAt: string;
  readonly createdBy: string;
}

/** `cj token create|list|revoke`: named tokens with a role; the actor of a change is its token's name. */
export const tokenCommand = () =>
  new Command('token')
    .description('named tokens: each names a person (or a system) and has a role, viewer or operator')
    .addCommand(
      new Command('create')
        .description('create a token; its secret is printed once, here, and never again')
        .argument('<name>', 'who holds it: recorded as the actor of every change made with it')
        .addOption(
          new Option('--role <role>', 'viewer (reads, diffs) or operator (changes too)')
            .choices(['viewer', 'operator'])
            .makeOptionMandatory(),
        )
        .addOption(jsonOption())
        .action(
          action(async (cli: Cli, name: string, options: { role: string; json?: boolean }) => {
            const created = await cli.api.admin.post<TokenView & { token: string }>('/tokens', {
              name,
              role: options.role,
            });
            if (options.json) return cli.json(created);
            cli.out.line(created.token);
            cli.out.error(
              `cj: token ${created.name} (${created.role}) created; this is the only time its secret is shown: give it to ${created.name} as CJ_TOKEN`,
            );
          }),
        ),
    )
    .addCommand(
      new Command('list')
        .description('the named tokens: name, role, created when and by whom (never the secret)')
        .addOption(jsonOption())
        .action(
          action(async (cli: Cli, options: { json?: boolean }) => {
            const tokens = await cli.api.admin.get<TokenView[]>('/tokens');
            if (options.json) return cli.json(tokens);
            if (tokens.length === 0) {
              cli.out.line('No named tokens; create one with `cj token create NAME --role viewer|operator`.');
              return;
            }
            const lines = table(
              tokens,
              [
                { header: 'name', cell: (t) => t.name },
                { header: 'role', cell: (t) => t.role },
                { header: 'created', cell: (t) => time(t.createdAt) },
                { header: 'by', cell: (t) => t.createdBy },
              ],
              cli.out.color.bold,
            );
            for (const line of lines) cli.out.line(line);
          }),
        ),
    )
    .addCommand(
      new Command('revoke')
        .description('revoke a token: refused from its next request on')
        .argument('<name>', "the token's name")
        .action(
          action(async (cli: Cli, name: string) => {
            await cli.api.admin.delete(`/tokens/${encodeURIComponent(name)}`);
            cli.out.line(`Revoked token ${name}.`);
          }),
        ),
    );
