import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { type HostSpec, type JobCommand, type JobSpec } from '@cj/domain';
import { notFound, unprocessable } from '../../http/problem';
import { declareHosts } from '../../hosts/declare-hosts';
import { ProjectionRunner } from '../../read-model/projection-runner';
import { HostQueries } from '../../read-model/queries/host-queries';
import { JobQueries } from '../../read-model/queries/job-queries';
import { StreamWriter } from '../../store/stream-writer';
import { foldJob } from '../job-stream';
import { recordJobCommands } from '../record-job-commands';
import { ReplicateEnvironmentCommand, type ReplicateResponse } from './replicate.command';
import { jobStream } from '@cj/domain';

/**
 * Replays an env's current revisions into another env on mapped hosts. Every host the source
 * jobs use must be mapped to a host the target (or the source) env declares; the revisions keep
 * their pinned digests, so the copy runs the same bytes.
 */
@CommandHandler(ReplicateEnvironmentCommand)
export class ReplicateEnvironmentHandler implements ICommandHandler<ReplicateEnvironmentCommand, ReplicateResponse> {
  constructor(
    private readonly writer: StreamWriter,
    private readonly jobs: JobQueries,
    private readonly hosts: HostQueries,
    private readonly projections: ProjectionRunner,
  ) {}

  async execute({ sourceEnv, targetEnv, hostMap, context }: ReplicateEnvironmentCommand): Promise<ReplicateResponse> {
    if (sourceEnv === targetEnv) throw unprocessable('same-environment', `cannot replicate environment ${sourceEnv} onto itself`, 'name another target environment');
    const source = this.jobs.currentSpecs(sourceEnv);
    if (source.size === 0) throw notFound('environment-empty', `environment ${sourceEnv} has no jobs to replicate`, 'apply a jobs file to it first');
    const targets = this.targetHosts(sourceEnv, targetEnv, source, hostMap);

    let position = (await declareHosts(this.writer, targetEnv, [...targets.values()], context)) ?? -1n;
    const results: ReplicateResponse['jobs'][number][] = [];
    const metadata = context;
    for (const { spec } of source.values()) {
      const moved: JobSpec = { ...spec, tasks: spec.tasks.map((task) => ({ ...task, host: hostMap[task.host] })) };
      const before = foldJob((await this.writer.load(jobStream(targetEnv, spec.name))).records);
      const command: JobCommand = { type: 'RegisterOrUpdateJob', data: { spec: moved }, metadata };
      const appended = await recordJobCommands(this.writer, targetEnv, spec.name, [command], context.commandId);
      if (appended.position !== undefined && appended.position > position) position = appended.position;
      const after = foldJob((await this.writer.load(jobStream(targetEnv, spec.name))).records);
      results.push({
        job: spec.name,
        ...(after.currentRevision !== undefined && { revision: after.currentRevision }),
        action: appended.events === 0 ? 'unchanged' : before.status === 'active' ? 'update' : 'create',
      });
    }
    if (position >= 0n) await this.projections.waitFor(position);
    return { sourceEnv, targetEnv, jobs: results };
  }

  /** The target hosts by name, each declared in the target env already or taken from the source env. */
  private targetHosts(sourceEnv: string, targetEnv: string, source: ReadonlyMap<string, { spec: JobSpec }>, hostMap: Readonly<Record<string, string>>): Map<string, HostSpec> {
    const used = new Set([...source.values()].flatMap(({ spec }) => spec.tasks.map((task) => task.host)));
    const unmapped = [...used].filter((host) => typeof hostMap[host] !== 'string');
    if (unmapped.length > 0) {
      throw unprocessable('host-not-mapped', `hosts ${unmapped.join(', ')} of environment ${sourceEnv} are not mapped`, `map each one to a host of ${targetEnv}, e.g. --map ${unmapped[0]}=NEW_HOST`);
    }
    const targets = new Map<string, HostSpec>();
    for (const name of new Set([...used].map((host) => hostMap[host]))) {
      const spec = this.hosts.spec(targetEnv, name) ?? this.hosts.spec(sourceEnv, name);
      if (!spec) {
        throw unprocessable('host-not-declared', `host ${name} is declared neither in ${targetEnv} nor in ${sourceEnv}`, `apply a jobs file declaring ${name} to ${targetEnv} first`);
      }
      targets.set(name, spec);
    }
    return targets;
  }
}
