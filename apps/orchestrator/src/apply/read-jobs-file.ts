import { parseOffLoop } from './parse-off-loop';
import { type HostPolicy, type Environment, type JobsFileSourceMap } from '@cj/domain';
import { invalidJobsFile, unprocessable } from '../http/problem';
import type { SourceFile } from '@cj/api';

/** A valid jobs file: its model, and where each job was written (for errors found later). */
export interface DeclaredEnvironment {
  readonly environment: Environment;
  readonly sources: JobsFileSourceMap;
}

/**
 * The environment a jobs file declares, validated in full by the domain, within what the
 * orchestrator allows (`policy`: host paths to mount, registries to pull from). Any error, or a file
 * written for another environment, is refused before anything is read from or written to the store.
 */
export async function readJobsFile(
  env: string,
  jobs: SourceFile,
  base: SourceFile | undefined,
  policy: HostPolicy,
): Promise<DeclaredEnvironment> {
  const parsed = await parseOffLoop(jobs.text, { file: jobs.file, ...(base && { base }), policy });
  if (!parsed.ok) {
    throw invalidJobsFile(
      parsed.errors.map(({ file, line, column, path, message, hint }) => ({ file, line, column, path, message, hint })),
    );
  }
  if (parsed.environment.name !== env) {
    throw unprocessable(
      'environment-mismatch',
      `${jobs.file} declares environment "${parsed.environment.name}", but the request is for environment "${env}"`,
      `send it to environment "${parsed.environment.name}" (cj --env ${parsed.environment.name}), or change its environment: line`,
    );
  }
  return { environment: parsed.environment, sources: parsed.sources };
}
