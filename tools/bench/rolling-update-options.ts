/** What a run of the rolling-update benchmark measures: argv first, then CJ_BENCH_* variables. */
import { Command, CommanderError } from 'commander';

export type Side = 'cj' | 'swarm';
export type BrokenTag = 'crash' | 'unhealthy';
/** The demo image (a few hundred KiB, on every host before the run) or the big one (a 200 MB layer, in the registry only). */
export type ImageSize = 'small' | 'big';

export interface BenchOptions {
  /** Rounds per configuration; medians are taken over them. */
  readonly rounds: number;
  /** Batch sizes (max parallel / --update-parallelism) measured, each a configuration. */
  readonly parallelisms: readonly number[];
  /** Broken demo images whose time-to-rollback is measured. */
  readonly broken: readonly BrokenTag[];
  readonly sides: readonly Side[];
  /** Images updated, each a configuration: `small` (v1 → v2) and/or `big` (big-v1 → big-v2). */
  readonly images: readonly ImageSize[];
  /** The workspace whose built orchestrator cj runs (another checkout, to measure a baseline); this one by default. */
  readonly cjWorkspace?: string;
  /** Where the raw numbers are written (JSON). */
  readonly out: string;
}

/** The scenario itself is fixed: it is what the numbers are compared across. */
export const SCENARIO = {
  replicas: 6,
  hosts: 3,
  order: 'stop-first',
  minHealthyTimeMs: 1000,
  fromTag: 'v1',
  toTag: 'v2',
  /** Both sides are polled for completion at this interval. */
  pollMs: 100,
} as const;

/** The tags each image size updates from and to. */
export const TAGS: Record<ImageSize, { readonly from: string; readonly to: string }> = {
  small: { from: SCENARIO.fromTag, to: SCENARIO.toTag },
  big: { from: 'big-v1', to: 'big-v2' },
};

/** An option or variable had a value the benchmark cannot use. */
export class BenchOptionError extends Error {
  constructor(
    readonly option: string,
    readonly value: string,
    readonly expected: string,
  ) {
    super(`${option}: "${value}" is not valid; expected ${expected}`);
    this.name = 'BenchOptionError';
  }
}

const positiveInteger =
  (option: string, max: number) =>
  (text: string): number => {
    const n = Number(text);
    if (!/^\d+$/.test(text.trim()) || n < 1 || n > max)
      throw new BenchOptionError(option, text, `an integer from 1 to ${max}`);
    return n;
  };

const listOf =
  <T extends string | number>(option: string, parse: (item: string) => T, expected: string) =>
  (text: string): T[] => {
    const items = text
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0);
    if (items.length === 0) throw new BenchOptionError(option, text, expected);
    return [...new Set(items.map(parse))];
  };

const oneOf =
  <T extends string>(option: string, allowed: readonly T[]) =>
  (item: string): T => {
    if (!(allowed as readonly string[]).includes(item))
      throw new BenchOptionError(option, item, `one of ${allowed.join(', ')}`);
    return item as T;
  };

/** Parses `argv` (without node and the script); CJ_BENCH_* variables in `env` are the defaults. */
export function parseBenchOptions(argv: readonly string[], env: NodeJS.ProcessEnv): BenchOptions {
  const rounds = positiveInteger('--rounds', 50);
  const parallelisms = listOf(
    '--parallelism',
    positiveInteger('--parallelism', SCENARIO.replicas),
    `batch sizes from 1 to ${SCENARIO.replicas}, comma-separated`,
  );
  const brokenTags = listOf(
    '--broken',
    oneOf<BrokenTag | 'none'>('--broken', ['crash', 'unhealthy', 'none']),
    'crash and/or unhealthy, comma-separated, or none',
  );
  const broken = (text: string): BrokenTag[] => brokenTags(text).filter((tag): tag is BrokenTag => tag !== 'none');
  const sides = listOf('--sides', oneOf<Side>('--sides', ['cj', 'swarm']), 'cj and/or swarm, comma-separated');
  const images = listOf(
    '--images',
    oneOf<ImageSize>('--images', ['small', 'big']),
    'small and/or big, comma-separated',
  );
  const program = new Command('rolling-update')
    .description(
      `Rolling update of ${SCENARIO.replicas} replicas over ${SCENARIO.hosts} hosts, cj against Docker Swarm.`,
    )
    .option('--rounds <n>', 'rounds per configuration (CJ_BENCH_ROUNDS)', env['CJ_BENCH_ROUNDS'] ?? '3')
    .option(
      '--parallelism <list>',
      'batch sizes to measure (CJ_BENCH_PARALLELISM)',
      env['CJ_BENCH_PARALLELISM'] ?? '1,2',
    )
    .option(
      '--broken <list>',
      'broken images to time the rollback of, or none (CJ_BENCH_BROKEN)',
      env['CJ_BENCH_BROKEN'] ?? 'crash',
    )
    .option('--sides <list>', 'systems to measure (CJ_BENCH_SIDES)', env['CJ_BENCH_SIDES'] ?? 'cj,swarm')
    .option(
      '--images <list>',
      'images to update: small (v1 → v2), big (big-v1 → big-v2, 200 MB, pulled) (CJ_BENCH_IMAGES)',
      env['CJ_BENCH_IMAGES'] ?? 'small',
    )
    .option(
      '--cj-workspace <dir>',
      "run cj's orchestrator built in this workspace, e.g. a checkout of the baseline (CJ_BENCH_CJ_WORKSPACE)",
      env['CJ_BENCH_CJ_WORKSPACE'],
    )
    .option('--out <file>', 'raw numbers as JSON (CJ_BENCH_OUT)', env['CJ_BENCH_OUT'] ?? '.bench/rolling-update.json')
    .exitOverride()
    .configureOutput({ writeErr: () => undefined });
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError && error.exitCode === 0) throw error;
    throw new BenchOptionError(
      'command line',
      argv.join(' '),
      error instanceof Error ? error.message.replace(/^error: /, '') : String(error),
    );
  }
  const raw = program.opts<{
    rounds: string;
    parallelism: string;
    broken: string;
    sides: string;
    images: string;
    cjWorkspace?: string;
    out: string;
  }>();
  return {
    rounds: rounds(raw.rounds),
    parallelisms: parallelisms(raw.parallelism),
    broken: broken(raw.broken),
    sides: sides(raw.sides),
    images: images(raw.images),
    ...(raw.cjWorkspace ? { cjWorkspace: raw.cjWorkspace } : {}),
    out: raw.out,
  };
}
