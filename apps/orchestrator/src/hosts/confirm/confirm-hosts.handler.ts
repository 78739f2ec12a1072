import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { accepted, decideHost, hostStream, type HostEvent } from '@cj/domain';
import type { EventData } from '@cj/event-store';
import { badRequest, notFound } from '../../http/problem';
import { ProjectionRunner } from '../../read-model/projection-runner';
import { HostQueries } from '../../read-model/queries/host-queries';
import { toEventData } from '../../store/event-codec';
import { StreamWriter } from '../../store/stream-writer';
import { EnvironmentLocks } from '../environment-locks';
import { foldHost } from '../record-host-commands';
import { ConfirmHostsCommand } from './confirm-hosts.command';
import type { ConfirmHostsResult } from '@cj/api';

/**
 * Records `HostConfirmed` on every named host that is held, in one append over their streams (all
 * or none). A host the environment does not declare is refused with nothing recorded; a declared
 * host that is not held is reported as such and left alone, so the command may be run twice.
 */
@CommandHandler(ConfirmHostsCommand)
export class ConfirmHostsHandler implements ICommandHandler<ConfirmHostsCommand, ConfirmHostsResult> {
  constructor(
    private readonly writer: StreamWriter,
    private readonly hosts: HostQueries,
    private readonly projections: ProjectionRunner,
    private readonly locks: EnvironmentLocks,
  ) {}

  execute({ env, hosts, all, context }: ConfirmHostsCommand): Promise<ConfirmHostsResult> {
    return this.locks.run(env, async () => {
      const names = this.namedHosts(env, hosts, all);
      const streams = names.map((host) => hostStream(env, host));
      const confirmed: string[] = [];
      const appended = await this.writer.decideAndAppendToStreams(streams, (loaded) => {
        confirmed.length = 0;
        const out = new Map<string, readonly EventData[]>();
        names.forEach((host, i) => {
          const events: readonly HostEvent[] = accepted(
            decideHost(
              { type: 'ConfirmHost', data: { host }, metadata: context },
              foldHost(loaded.get(streams[i])?.records ?? []),
            ),
          );
          if (events.length > 0) confirmed.push(host);
          out.set(
            streams[i],
            events.map((event, index) => toEventData(event, context.commandId, streams[i], index)),
          );
        });
        return out;
      });
      if (appended.position !== undefined) await this.projections.waitFor(appended.position);
      return { confirmed, notHeld: names.filter((host) => !confirmed.includes(host)) };
    });
  }

  private namedHosts(env: string, hosts: readonly string[] | undefined, all: boolean): string[] {
    const declared = this.hosts.specs(env).map((host) => host.name);
    if (all) {
      if (hosts !== undefined && hosts.length > 0)
        throw badRequest('name hosts or give all, not both', 'cj hosts confirm HOST… or cj hosts confirm --all');
      return declared;
    }
    if (hosts === undefined || hosts.length === 0)
      throw badRequest('no host named to confirm', 'cj hosts confirm HOST… or cj hosts confirm --all');
    const unknown = hosts.filter((host) => !declared.includes(host));
    if (unknown.length > 0) {
      throw notFound(
        'host-not-declared',
        `environment ${env} declares no host ${unknown.join(', ')}`,
        declared.length > 0
          ? `its hosts are ${declared.join(', ')} (cj hosts)`
          : 'apply a jobs file that declares hosts first',
      );
    }
    return [...new Set(hosts)];
  }
}
