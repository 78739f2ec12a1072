import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import type { HostTarget, ImportRequest, ImportResponse } from '@cj/api';
import { action } from '../action';
import type { Cli } from '../context';
import { UsageError } from '../errors';
import { hostMapping, instant, jsonOption, positiveInt } from '../options';

/** Events per import request by default: a few hundred kilobytes, one atomic append each. */
const CHUNK_EVENTS = 500;
/** A chunk is cut sooner when its events are large, to stay well under the API's body limit. */
const CHUNK_BYTES = 2 * 1024 * 1024;

export const exportCommand = () =>
  new Command('export')
    .description("write this environment's events as a portable, checksummed NDJSON file (to stdout)")
    .option('--as-of <time>', 'only the events recorded up to this moment: ISO 8601 or a time ago (30m, 2h)', (t) =>
      instant(t),
    )
    .action(
      action(async (cli: Cli, options: { asOf?: string }) => {
        const body = await cli.api.stream('/export', { asOf: options.asOf });
        for await (const chunk of body) {
          if (!process.stdout.write(chunk)) await new Promise((resolve) => process.stdout.once('drain', resolve));
        }
      }),
    );

/** An event line of the file with its line number; its stream, read to know when it is appended. */
interface FileLine {
  readonly line: number;
  readonly text: string;
  readonly stream: string;
}

/** A file that is not what `cj export` wrote: exit 2, naming the file and line, nothing recorded. */
const refused = (file: string, line: number, problem: string) =>
  new UsageError(`${file}:${line}: ${problem}`, 'export it again; nothing was recorded');

/**
 * The file's header and event lines, once its trailer's count and SHA-256 (over every line before
 * it, each with its newline) say it is whole and unaltered. What each line holds is checked by the
 * orchestrator (the domain's portable log) in the `check` pass, before anything is written.
 */
function readFile(file: string): { header: string; events: FileLine[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read ${file}: ${(error as Error).message}`,
      'give the path of a file `cj export` wrote',
    );
  }
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw refused(file, 1, 'the file is empty');
  let trailer: { kind?: unknown; events?: unknown; sha256?: unknown } = {};
  try {
    trailer = JSON.parse(lines[lines.length - 1]) as typeof trailer;
  } catch {
    // reported below
  }
  if (trailer?.kind !== 'trailer')
    throw refused(
      file,
      lines.length + 1,
      'the trailer is missing: the file was cut short (an export that did not finish?)',
    );
  const hash = createHash('sha256');
  for (const line of lines.slice(0, -1)) hash.update(`${line}\n`);
  if (trailer.events !== lines.length - 2)
    throw refused(
      file,
      lines.length,
      `the trailer counts ${String(trailer.events)} events, the file holds ${lines.length - 2}: lines were added or removed`,
    );
  if (trailer.sha256 !== hash.digest('hex'))
    throw refused(file, lines.length, 'the checksum does not match the lines before it: the file was altered');
  const events = lines.slice(1, -1).map((text, i) => {
    let stream: unknown;
    try {
      stream = (JSON.parse(text) as { stream?: unknown }).stream;
    } catch {
      // the checksum matched, so the exporter wrote it: the orchestrator names what is wrong
    }
    return { line: i + 2, text, stream: typeof stream === 'string' ? stream : '' };
  });
  return { header: lines[0], events };
}

/** A host's stream, appended last and never split (the target follows a host from its declaration on). */
const isHostStream = (stream: string) => /^cj\.[^.]+\.host\./.test(stream);

/** Lines cut into requests of `size` lines and at most CHUNK_BYTES; with `whole`, a stream's lines stay together. */
function chunked(lines: readonly FileLine[], size: number, whole = false): FileLine[][] {
  const chunks: FileLine[][] = [];
  let chunk: FileLine[] = [];
  let bytes = 0;
  lines.forEach((line, i) => {
    chunk.push(line);
    bytes += line.text.length;
    const streamGoesOn = whole && lines[i + 1]?.stream === line.stream;
    if ((chunk.length >= size || bytes >= CHUNK_BYTES) && !streamGoesOn) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
    }
  });
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

export const importCommand = () =>
  new Command('import')
    .description('replay a file of `cj export` into the environment named by --env (a new one), on other hosts')
    .argument('<file>')
    .option(
      '--map-host <old=new[=endpoint[=address]]>',
      "put host OLD's part on host NEW (declared at ENDPOINT when given); every host of the file must be mapped",
      hostMapping,
    )
    .option('--chunk-size <n>', 'events per request, each one atomic append', positiveInt, CHUNK_EVENTS)
    .addOption(jsonOption())
    .action(
      action(
        async (
          cli: Cli,
          file: string,
          options: { mapHost?: Record<string, HostTarget>; chunkSize: number; json?: boolean },
        ) => {
          const targetEnv = cli.options.env;
          const { header, events } = readFile(file);
          const hosts = options.mapHost ?? {};
          // Each request is its own command (its own id): a run again is recognised by the events' ids, not the requests'.
          const step = (request: Pick<ImportRequest, 'step' | 'lines'>) =>
            cli.api.post<ImportResponse>('/import', {
              ...cli.change(`import of ${file}`),
              commandId: randomUUID(),
              header,
              hosts,
              ...request,
            } satisfies ImportRequest);
          const first = events.filter((line) => !isHostStream(line.stream));
          const last = [...events.filter((line) => isHostStream(line.stream))].sort((a, b) =>
            a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : a.line - b.line,
          );
          const plain = (lines: FileLine[]) => lines.map(({ line, text }) => ({ line, text }));
          // Every line is read and every host checked before anything is written.
          for (const chunk of chunked(events, options.chunkSize)) await step({ step: 'check', lines: plain(chunk) });
          let recorded = 0;
          let present = 0;
          let done = 0;
          const add = (answer: ImportResponse) => {
            recorded += answer.recorded;
            present += answer.present;
          };
          const progress = (n: number) => {
            done += n;
            if (!options.json) cli.out.error(`imported ${done}/${events.length} events`);
          };
          for (const chunk of chunked(first, options.chunkSize)) {
            add(await step({ step: 'events', lines: plain(chunk) }));
            progress(chunk.length);
          }
          const closing = await step({ step: 'close' });
          add(closing);
          for (const chunk of chunked(last, options.chunkSize, true)) {
            add(await step({ step: 'events', lines: plain(chunk) }));
            progress(chunk.length);
          }
          const result = {
            targetEnv,
            events: events.length,
            closing: closing.recorded + closing.present,
            recorded,
            present,
          };
          if (options.json) return cli.json(result);
          cli.out.line(
            `Imported ${file} into ${targetEnv}: ${recorded} events recorded, ${present} already there (${events.length} from the file, ${result.closing} closing what ran on the source's hosts).`,
          );
          cli.out.line(
            `Jobs meant to run start on their new hosts by reconcile (reconcile: restart), or with \`cj --env ${targetEnv} up JOB\`.`,
          );
        },
      ),
    );
