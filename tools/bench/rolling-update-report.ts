/** The human report: medians per configuration, ratios against Swarm and the lower bound, goals. */
import type { Overhead, TaskPhases } from './rolling-update-phases';
import { SCENARIO, TAGS, type BenchOptions, type ImageSize } from './rolling-update-options';
import { PROBE_INTERVAL_MS } from './rolling-update-prober';
import { median, type BenchResults, type UpdateRound } from './rolling-update-results';

/** The goals the benchmark checks (cj ≤ 0.5× Swarm, ≤ 1.2× the lower bound). */
export const GOALS = { vsSwarm: 0.5, vsLowerBound: 1.2 } as const;

const seconds = (ms: number | undefined): string => (ms === undefined ? '—' : `${(ms / 1000).toFixed(2)} s`);
const ratio = (a: number | undefined, b: number | undefined): number | undefined =>
  a === undefined || b === undefined || b === 0 ? undefined : a / b;
const times = (r: number | undefined, goal: number): string =>
  r === undefined ? '—' : `${r.toFixed(2)}× ${r <= goal ? 'ok' : 'MISSED'}`;

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const medianOf = <T>(items: readonly T[], pick: (item: T) => number | undefined): number | undefined =>
  median(items.map(pick).filter((v): v is number => v !== undefined));

const succeeded = (r: UpdateRound) => r.outcome === 'succeeded' || r.outcome === 'completed';
const sizeOf = (r: UpdateRound): ImageSize => r.image ?? 'small';
/** The v1 → v2 tables are about the small image, as before big images were measured. */
const small = (r: UpdateRound) => sizeOf(r) === 'small';

const PHASES: readonly [keyof TaskPhases, string][] = [
  ['stopMs', 'stop'],
  ['createMs', 'create'],
  ['startMs', 'start'],
  ['firstHealthyMs', 'first healthy check'],
  ['gateMs', `gate (min healthy ${SCENARIO.minHealthyTimeMs} ms)`],
  ['stepGapsMs', 'between steps'],
  ['totalMs', 'task total'],
];

const CAUSES: readonly [keyof Overhead, string][] = [
  ['requestMs', 'request → RolloutStarted'],
  ['startupMs', 'RolloutStarted → first task'],
  ['staggerMs', 'tasks of a batch not in step'],
  ['stepGapsMs', 'between steps (last task of each batch)'],
  ['gateOvershootMs', 'gate beyond min healthy time'],
  ['batchTailMs', 'last task updated → BatchCompleted (updated tasks rechecked)'],
  ['betweenBatchesMs', 'BatchCompleted → next batch starts'],
  ['finishMs', 'last batch → RolloutSucceeded (cleanup)'],
  ['observeMs', 'RolloutSucceeded → client sees it'],
];

export function renderReport(results: BenchResults, options: BenchOptions): string {
  const out: string[] = [];
  out.push(
    `Rolling update ${SCENARIO.fromTag} → ${SCENARIO.toTag}: ${SCENARIO.replicas} replicas over ${SCENARIO.hosts} hosts, ${SCENARIO.order}, ` +
      `min healthy time ${SCENARIO.minHealthyTimeMs} ms; medians of ${options.rounds} round(s)`,
  );
  const rows = options.parallelisms.map((p) => {
    const cj = results.updates.filter((r) => r.side === 'cj' && r.parallelism === p && succeeded(r) && small(r));
    const swarm = results.updates.filter((r) => r.side === 'swarm' && r.parallelism === p && succeeded(r) && small(r));
    const cjMs = medianOf(cj, (r) => r.elapsedMs);
    const swarmMs = medianOf(swarm, (r) => r.elapsedMs);
    const boundMs = medianOf(cj, (r) => r.lowerBoundMs);
    const overOfBound = median(cj.filter((r) => r.lowerBoundMs).map((r) => r.elapsedMs / (r.lowerBoundMs as number)));
    return [
      String(p),
      seconds(cjMs),
      seconds(swarmMs),
      times(ratio(cjMs, swarmMs), GOALS.vsSwarm),
      seconds(boundMs),
      times(overOfBound, GOALS.vsLowerBound),
      seconds(cjMs !== undefined && boundMs !== undefined ? cjMs - boundMs : undefined),
    ];
  });
  out.push(
    table(
      [
        'parallelism',
        'cj',
        'Swarm',
        `cj/Swarm (goal ≤ ${GOALS.vsSwarm})`,
        'lower bound',
        `cj/bound (goal ≤ ${GOALS.vsLowerBound})`,
        'cj over bound',
      ],
      rows,
    ),
  );

  out.push(...downtimeReport(results, options));

  const failures = results.updates.filter((r) => !succeeded(r));
  if (failures.length > 0)
    out.push(
      `\nUpdates that did not succeed (left out of the medians): ${failures.map((r) => `${r.side} ${sizeOf(r)} p${r.parallelism} #${r.round}: ${r.outcome}`).join('; ')}`,
    );

  if (options.broken.length > 0) {
    out.push(
      `\nTime to rollback (update to a broken image until every task runs ${SCENARIO.fromTag} again), parallelism 1`,
    );
    out.push(
      table(
        ['broken image', 'cj', 'cj outcome', 'cj detects after', 'Swarm', 'Swarm outcome', 'cj/Swarm'],
        options.broken.map((b) => {
          const cj = results.rollbacks.filter((r) => r.side === 'cj' && r.broken === b);
          const swarm = results.rollbacks.filter((r) => r.side === 'swarm' && r.broken === b);
          const cjMs = medianOf(cj, (r) => r.elapsedMs);
          const swarmMs = medianOf(swarm, (r) => r.elapsedMs);
          const outcomes = (rs: typeof cj) => [...new Set(rs.map((r) => r.outcome))].join('/') || '—';
          return [
            `cj-demo:${b}`,
            seconds(cjMs),
            outcomes(cj),
            seconds(medianOf(cj, (r) => r.detectMs)),
            seconds(swarmMs),
            outcomes(swarm),
            ratio(cjMs, swarmMs)?.toFixed(2) ?? '—',
          ];
        }),
      ),
    );
  }

  for (const p of options.parallelisms) {
    const cj = results.updates.filter((r) => r.side === 'cj' && r.parallelism === p && r.tasks && small(r));
    if (cj.length === 0) continue;
    const tasks = cj.flatMap((r) => r.tasks ?? []);
    out.push(`\ncj, parallelism ${p}: per task (median over ${tasks.length} task updates)`);
    out.push(
      table(
        ['phase', 'median', 'max'],
        PHASES.map(([key, label]) => [
          label,
          `${medianOf(tasks, (t) => t[key]) ?? '—'} ms`,
          `${Math.max(...tasks.map((t) => t[key]))} ms`,
        ]),
      ),
    );
    out.push(`cj, parallelism ${p}: time above the lower bound, by cause (median per rollout)`);
    out.push(
      table(
        ['cause', 'median'],
        CAUSES.map(([key, label]) => [label, `${medianOf(cj, (r) => r.overhead?.[key]) ?? '—'} ms`]),
      ),
    );
  }
  return out.join('\n');
}

/** The goal for the big image: cj's per-task downtime within this factor of its downtime with the small one. */
export const BIG_DOWNTIME_GOAL = 1.2;

/**
 * Per image and batch size: total time and per-task downtime (medians over every task of every
 * round, and the worst), for both sides; and the big image's downtime against the small one's.
 */
function downtimeReport(results: BenchResults, options: BenchOptions): string[] {
  const rounds = (side: string, image: ImageSize, p: number) =>
    results.updates.filter(
      (r) => r.side === side && sizeOf(r) === image && r.parallelism === p && succeeded(r) && r.downtimeMs,
    );
  const down = (rs: readonly UpdateRound[]) => rs.flatMap((r) => r.downtimeMs ?? []);
  const rows: string[][] = [];
  for (const image of options.images) {
    for (const p of options.parallelisms) {
      const cj = rounds('cj', image, p);
      const swarm = rounds('swarm', image, p);
      if (cj.length + swarm.length === 0) continue;
      const cjDown = median(down(cj));
      const swarmDown = median(down(swarm));
      const worst = (values: readonly number[]) => (values.length === 0 ? undefined : Math.max(...values));
      rows.push([
        `${TAGS[image].from} → ${TAGS[image].to}`,
        String(p),
        seconds(medianOf(cj, (r) => r.elapsedMs)),
        seconds(cjDown),
        seconds(worst(down(cj))),
        seconds(medianOf(swarm, (r) => r.elapsedMs)),
        seconds(swarmDown),
        seconds(worst(down(swarm))),
        ratio(cjDown, swarmDown)?.toFixed(2) ?? '—',
      ]);
    }
  }
  if (rows.length === 0) return [];
  const out = [
    `\nTotal time and per-task downtime (a prober asks every task's /health every ${PROBE_INTERVAL_MS} ms from outside; downtime = the time it did not answer; median over every task of every round, and the worst)`,
  ];
  out.push(
    table(
      [
        'update',
        'parallelism',
        'cj total',
        'cj down',
        'cj worst',
        'Swarm total',
        'Swarm down',
        'Swarm worst',
        'cj/Swarm down',
      ],
      rows,
    ),
  );
  // Down while pulling: the old container still ran, but did not answer a probe in time while the
  // hosts unpacked the image (on these machines every fake host shares one disk and two cores).
  const whilePulling = (rs: readonly UpdateRound[]) => rs.flatMap((r) => r.downtimeWhilePullingMs ?? []);
  const replacing = (rs: readonly UpdateRound[]) =>
    rs.flatMap((r) => (r.downtimeMs ?? []).map((ms, i) => ms - (r.downtimeWhilePullingMs?.[i] ?? 0)));
  for (const image of options.images) {
    for (const p of options.parallelisms) {
      const cj = rounds('cj', image, p);
      if (cj.some((r) => r.downtimeWhilePullingMs)) {
        out.push(
          `cj, ${TAGS[image].from} → ${TAGS[image].to}, parallelism ${p}: of the downtime, while the pull phase ran (no container stopped yet): median ${seconds(median(whilePulling(cj)))}; from the stop on: median ${seconds(median(replacing(cj)))}`,
        );
      }
    }
  }
  if (options.images.includes('big') && options.images.includes('small')) {
    for (const p of options.parallelisms) {
      const bigDown = median(down(rounds('cj', 'big', p)));
      const smallDown = median(down(rounds('cj', 'small', p)));
      out.push(
        `cj, parallelism ${p}: downtime with the big image / with the small one: ${times(ratio(bigDown, smallDown), BIG_DOWNTIME_GOAL)} (goal ≤ ${BIG_DOWNTIME_GOAL})`,
      );
      const bigReplacing = median(replacing(rounds('cj', 'big', p)));
      const smallReplacing = median(replacing(rounds('cj', 'small', p)));
      out.push(
        `cj, parallelism ${p}: the same from each task's stop on (the pull phase left out): ${times(ratio(bigReplacing, smallReplacing), BIG_DOWNTIME_GOAL)}`,
      );
    }
  }
  return out;
}
