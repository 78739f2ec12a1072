import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { parseJobsFile, type ParseOptions, type ParseResult } from '@cj/domain';
import { ProblemError } from '../http/problem';

const WORKER = join(__dirname, 'jobs-file-worker.js');
/** Past this a file is refused: no legal file takes nearly as long (tools/bench/jobs-file-validation). */
const PARSE_TIMEOUT_MS = 20_000;

/**
 * A worker thread has a module loader of its own: the hook that maps `@cj/*` to the build
 * (tools/runtime/register.cjs, loaded by the bin) is loaded in it first, when this thread has it.
 */
function workerEntry(): string {
  const register = Object.keys(require.cache).find((file) => file.endsWith(join('tools', 'runtime', 'register.cjs')));
  return `${register ? `require(${JSON.stringify(register)});\n` : ''}require(${JSON.stringify(WORKER)});`;
}

/**
 * Parses a jobs file in a worker thread, so a large or hostile file never holds the event loop
 * (the yaml library alone takes seconds on a 1 MiB file of flow maps): /healthz, queries and
 * rollouts go on meanwhile. The worker's heap is bounded and its time too. Where no compiled
 * worker exists (the sources run in-process under a test runner) the file is parsed here.
 */
export async function parseOffLoop(text: string, options: ParseOptions): Promise<ParseResult> {
  if (!existsSync(WORKER)) return parseJobsFile(text, options);
  const worker = new Worker(workerEntry(), {
    eval: true,
    workerData: { text, options },
    resourceLimits: { maxOldGenerationSizeMb: 512 },
  });
  return new Promise<ParseResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(
        new ProblemError(
          422,
          'jobs-file-too-slow',
          'Invalid jobs file',
          `validating ${options.file} took more than ${PARSE_TIMEOUT_MS / 1000} s; nothing was recorded`,
          'split the environment into smaller files',
        ),
      );
    }, PARSE_TIMEOUT_MS);
    worker.once('message', (result: ParseResult) => {
      clearTimeout(timer);
      void worker.terminate();
      resolve(result);
    });
    worker.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    worker.once('exit', (code) => {
      clearTimeout(timer);
      reject(
        new ProblemError(
          422,
          'jobs-file-too-large',
          'Invalid jobs file',
          `validating ${options.file} ran out of its memory (exit ${code}); nothing was recorded`,
          'split the environment into smaller files',
        ),
      );
    });
  });
}
