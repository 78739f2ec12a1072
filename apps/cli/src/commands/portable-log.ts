import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import {
  HostNotMappedError,
  importChunks,
  planImport,
  PortableLogError,
  readPortableLog,
  type ImportEvent,
  type ImportRequest,
  type ImportResponse,
  type Sha256,
} from '@cj/domain';
import { action } from '../action';
import type { Cli } from '../context';
import { UsageError } from '../errors';
import { hostMapping, instant, jsonOption, positiveInt, type HostTarget } from '../options';

/** Events per import request by default: a few hundred kilobytes, one atomic append each. */
const CHUNK_EVENTS = 500;
/** A chunk is cut sooner when its events are large, to stay well under the API's body limit. */
const CHUNK_BYTES = 2 * 1024 * 1024;

export const exportCommand = () =>
  new Command('export')
    .description("write this environment's events as a portable, checksummed NDJSON file (to stdout)")
    .option('--as-of <time>', 'only the events recorded up to this moment: ISO 8601 or a time ago (30m, 2h)', (t) => instant(t))
    .action(
      action(async (cli: Cli, options: { asOf?: string }) => {
        const body = await cli.api.stream('/export', { asOf: options.asOf });
        for await (const chunk of body) {
          if (!process.stdout.write(chunk)) await new Promise((resolve) => process.stdout.once('drain', resolve));
        }
      }),
    );

const sha256 = (): Sha256 => {
  const hash = createHash('sha256');
  return { update: (text) => void hash.update(text), digest: () => hash.digest('hex') };
};

function fileLines(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`, 'give the path of a file `cj export` wrote');
  }
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Chunks of the planned events, each also small enough in bytes for one request. */
function requests(events: readonly ImportEvent[], size: number): ImportEvent[][] {
  return importChunks(events, size).flatMap((chunk) => {
    const bytes = Buffer.byteLength(JSON.stringify(chunk));
    return bytes <= CHUNK_BYTES || chunk.length < 2 ? [chunk] : importChunks(chunk, Math.max(1, Math.floor((chunk.length * CHUNK_BYTES) / bytes)));
  });
}

export const importCommand = (cjVersion: string) =>
  new Command('import')
    .description('replay a file of `cj export` into the environment named by --env (a new one), on other hosts')
    .argument('<file>')
    .option('--map-host <old=new[=endpoint[=address]]>', "put host OLD's part on host NEW (declared at ENDPOINT when given); every host of the file must be mapped", hostMapping)
    .option('--chunk-size <n>', 'events per request, each one atomic append', positiveInt, CHUNK_EVENTS)
    .addOption(jsonOption())
    .action(
      action(async (cli: Cli, file: string, options: { mapHost?: Record<string, HostTarget>; chunkSize: number; json?: boolean }) => {
        const targetEnv = cli.options.env;
        let plan;
        try {
          const log = readPortableLog(fileLines(file), sha256());
          plan = planImport(log, { targetEnv, hosts: options.mapHost ?? {}, actor: cli.change(undefined).actor, cjVersion });
        } catch (error) {
          if (error instanceof PortableLogError) throw new UsageError(`${file}:${error.line}: ${error.problem}`, 'nothing was recorded');
          if (error instanceof HostNotMappedError) {
            throw new UsageError(`${file}: ${error.message}`, `map each one to a host of ${targetEnv}, e.g. --map-host ${error.hosts[0]}=NEW_HOST=tcp://ADDRESS:2376; nothing was recorded`);
          }
          throw error;
        }
        if (plan.events.length === 0) throw new UsageError(`${file} holds no events`, 'export an environment that has some');
        const chunks = requests(plan.events, options.chunkSize);
        let recorded = 0;
        let present = 0;
        let done = 0;
        for (const events of chunks) {
          const request: ImportRequest = { sourceEnv: plan.sourceEnv, firstId: plan.events[0].id, events };
          const answer = await cli.api.post<ImportResponse>('/import', request);
          recorded += answer.recorded;
          present += answer.present;
          done += events.length;
          if (!options.json) cli.out.error(`imported ${done}/${plan.events.length} events`);
        }
        const result = { sourceEnv: plan.sourceEnv, targetEnv, events: plan.events.length, closing: plan.closing, recorded, present, chunks: chunks.length };
        if (options.json) return cli.json(result);
        cli.out.line(`Imported ${plan.sourceEnv} into ${targetEnv}: ${recorded} events recorded, ${present} already there (${plan.events.length} in all, ${plan.closing} of them closing what ran on the source's hosts).`);
        cli.out.line(`Jobs meant to run start on their new hosts by reconcile (reconcile: restart), or with \`cj --env ${targetEnv} up JOB\`.`);
      }),
    );
