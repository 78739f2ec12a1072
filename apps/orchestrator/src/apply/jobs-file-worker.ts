import { parentPort, workerData } from 'node:worker_threads';
import { parseJobsFile, type ParseOptions } from '@cj/domain';

/** Runs in a worker thread (see parse-off-loop.ts): parses one file and posts the result. */
const input = workerData as { readonly text: string; readonly options: ParseOptions };
parentPort?.postMessage(parseJobsFile(input.text, input.options));
