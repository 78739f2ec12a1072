import { parentPort, workerData } from 'node:worker_threads';
import type * as Domain from '@cj/domain';

/** Runs in a worker thread (see parse-off-loop.ts): the domain is loaded by the path it was given. */
interface Input {
  readonly domainPath: string;
  readonly text: string;
  readonly options: Domain.ParseOptions;
}

const input = workerData as Input;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const domain = require(input.domainPath) as typeof Domain;
parentPort?.postMessage(domain.parseJobsFile(input.text, input.options));
