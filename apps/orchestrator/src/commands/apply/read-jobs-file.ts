import { parseJobsFile, type Environment, type SourceFile } from '@cj/domain';
import { invalidJobsFile, unprocessable } from '../../http/problem';

/**
 * The environment a jobs file declares, validated in full by the domain. Any error, or a file
 * written for another environment, is refused before anything is read from or written to the store.
 */
export function readJobsFile(env: string, jobs: SourceFile, base?: SourceFile): Environment {
  const parsed = parseJobsFile(jobs.text, { file: jobs.file, ...(base && { base }) });
  if (!parsed.ok) {
    throw invalidJobsFile(parsed.errors.map(({ file, line, column, path, message, hint }) => ({ file, line, column, path, message, hint })));
  }
  if (parsed.environment.name !== env) {
    throw unprocessable(
      'environment-mismatch',
      `${jobs.file} declares environment "${parsed.environment.name}", but the request is for environment "${env}"`,
      `send it to environment "${parsed.environment.name}" (cj --env ${parsed.environment.name}), or change its environment: line`,
    );
  }
  return parsed.environment;
}
