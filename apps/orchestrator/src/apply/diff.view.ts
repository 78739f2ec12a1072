import { Inject, Injectable } from '@nestjs/common';
import type { OrchestratorOptions } from '../config/options';
import { OPTIONS } from '../config/options.token';
import { changeKind, diffJobSpecs, sameTaskContainer } from '@cj/domain';
import { readJobsFile } from './read-jobs-file';
import { notFound } from '../http/problem';
import { JobQueries } from '../read-model/queries/job-queries';
import { TaskQueries } from '../read-model/queries/task-queries';
import { RunningFields } from '../env-queries/running-fields';
import type { DiffField, DiffResponse, JobDiff, JobSpec, SourceFile } from '@cj/api';

/**
 * `cj diff`: each job three ways — the file, the recorded revision, and what runs on the hosts:
 * beside every field where the file and the record differ (each saying whether applying it
 * replaces containers or is policy only), and per task, when a task's container is not what the
 * recorded revision makes (made by another revision that differs in more than policy), or none runs.
 */
@Injectable()
export class DiffView {
  constructor(
    private readonly jobs: JobQueries,
    private readonly tasks: TaskQueries,
    @Inject(OPTIONS) private readonly options: OrchestratorOptions,
  ) {}

  async diff(env: string, jobsFile: SourceFile, base?: SourceFile, only?: string): Promise<DiffResponse> {
    const { environment } = await readJobsFile(env, jobsFile, base, this.options.policy);
    const recorded = this.jobs.currentSpecs(env);
    const fileJobs = new Map(environment.jobs.map((job) => [job.name, job]));
    if (only !== undefined && !fileJobs.has(only) && !recorded.has(only)) {
      throw notFound(
        'job-not-found',
        `neither ${jobsFile.file} nor environment ${env} has a job ${only}`,
        'check the job name',
      );
    }
    const names = [...new Set([...fileJobs.keys(), ...recorded.keys()])]
      .filter((name) => only === undefined || name === only)
      .sort();
    const diffs: JobDiff[] = [];
    for (const name of names) {
      const file = fileJobs.get(name);
      const current = recorded.get(name);
      const fields = this.fileVsRecorded(file, current?.spec);
      if (fields.length > 0) {
        const running =
          current &&
          new RunningFields(current, this.tasks.tasks(env, name), (revision) =>
            this.jobs.revision(env, name, revision),
          );
        diffs.push({ job: name, fields: running ? fields.map((field) => withRunning(field, running)) : fields });
      }
      if (current) diffs.push(...this.runningVsRecorded(env, name, current.revision, current.spec));
    }
    return { changed: diffs.length > 0, jobs: diffs };
  }

  private fileVsRecorded(file: JobSpec | undefined, recorded: JobSpec | undefined): DiffField[] {
    if (file && recorded) {
      // The file pins no digest; the tag already shows a change of version.
      return diffJobSpecs(recorded, file, { ignoreDigest: true }).map((change) => ({
        path: change.path,
        kind: changeKind(change.path),
        file: change.after,
        recorded: change.before,
      }));
    }
    if (file) return [{ path: 'job', file: file.name }];
    if (recorded) return [{ path: 'job', recorded: recorded.name }];
    return [];
  }

  private runningVsRecorded(env: string, job: string, revision: number, spec: JobSpec): JobDiff[] {
    const diffs: JobDiff[] = [];
    for (const row of this.tasks.tasks(env, job)) {
      const running = row.observed_state === 'running' ? row.observed_revision : null;
      if (running === revision) continue;
      if (running === null) {
        if (row.desired_state === 'running')
          diffs.push({
            job,
            task: row.task,
            host: row.host,
            fields: [{ path: 'state', recorded: 'running', running: row.observed_state ?? 'none' }],
          });
        continue;
      }
      const runningSpec = this.jobs.revision(env, job, running);
      // A container an earlier revision made that differs only in policy is the recorded revision's: it landed in place.
      if (runningSpec && sameTaskContainer(runningSpec, spec, row.task)) continue;
      const fields: DiffField[] = runningSpec
        ? diffJobSpecs(spec, runningSpec)
            .filter((change) => changeKind(change.path) === 'container')
            .map((change) => ({ path: change.path, recorded: change.before, running: change.after }))
        : [];
      diffs.push({
        job,
        task: row.task,
        host: row.container_host ?? row.host,
        fields: [{ path: 'revision', recorded: revision, running }, ...fields],
      });
    }
    return diffs;
  }
}

function withRunning(field: DiffField, running: RunningFields): DiffField {
  const value = running.valueOf(field.path, field.recorded);
  return value === undefined ? field : { ...field, running: value };
}
