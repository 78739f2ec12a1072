/**
 * The rolling-update benchmark: cj against Docker Swarm, same image, replicas, host network with a
 * port per replica, stop-first, min healthy time = Swarm's --update-monitor, in the same run, round
 * after round. Prints medians, cj/Swarm ratios and cj's overhead over the lower bound, and writes
 * the raw numbers as JSON.
 *
 *   npx tsc -p tsconfig.build.json
 *   node -r ./tools/runtime/register.cjs dist/tools/bench/rolling-update.js [--rounds 3] [--parallelism 1,2]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CommanderError } from 'commander';
import type { RolloutEvent } from '@cj/domain';
import { CjOrchestrator, type CjRollout } from './rolling-update-cj';
import { Fleet } from './rolling-update-fleet';
import {
  BenchOptionError,
  parseBenchOptions,
  SCENARIO,
  TAGS,
  type BenchOptions,
  type BrokenTag,
  type ImageSize,
} from './rolling-update-options';
import { DowntimeProber, type DownWindow } from './rolling-update-prober';
import { rolloutPhases } from './rolling-update-phases';
import { renderReport } from './rolling-update-report';
import type { BenchResults, RollbackRound, UpdateRound } from './rolling-update-results';
import { SwarmPeer } from './rolling-update-swarm';

const log = (line: string) => process.stderr.write(`${line}\n`);
const at = (events: readonly RolloutEvent[], type: RolloutEvent['type']) =>
  events.find((e) => e.type === type)?.data.at;

/** Everything the run started, stopped in reverse order, once, even after a failure or Ctrl-C. */
class Teardown {
  private readonly steps: { name: string; run: () => Promise<void> }[] = [];
  private done?: Promise<void>;

  add(name: string, run: () => Promise<void>): void {
    this.steps.push({ name, run });
  }

  run(): Promise<void> {
    this.done ??= (async () => {
      for (const step of this.steps.reverse()) {
        try {
          await step.run();
        } catch (error) {
          log(`cleanup: ${step.name}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    })();
    return this.done;
  }
}

/** Milliseconds of each target's down windows that fall between `from` and `to`. */
function downWithin(windows: readonly (readonly DownWindow[])[], from: number, to: number): number[] {
  return windows.map((spans) =>
    spans.reduce((sum, w) => sum + Math.max(0, Math.min(w.to, to) - Math.max(w.from, from)), 0),
  );
}

function cjUpdateRound(
  rollout: CjRollout,
  image: ImageSize,
  parallelism: number,
  round: number,
  downtimeMs: readonly number[],
  windows: readonly (readonly DownWindow[])[],
): UpdateRound {
  // The pull phase: from the rollout's start until its first task is touched; no container is stopped before.
  const started = at(rollout.events, 'RolloutStarted');
  const firstTask = at(rollout.events, 'TaskUpdateStarted');
  const downtimeWhilePullingMs =
    started !== undefined && firstTask !== undefined ? downWithin(windows, started, firstTask) : undefined;
  const base = {
    side: 'cj' as const,
    image,
    parallelism,
    round,
    outcome: rollout.view.phase,
    elapsedMs: rollout.elapsedMs,
    downtimeMs,
    ...(downtimeWhilePullingMs && { downtimeWhilePullingMs }),
    internalMs: (rollout.events.at(-1)?.data.at ?? 0) - (at(rollout.events, 'RolloutStarted') ?? 0),
  };
  if (rollout.view.phase !== 'succeeded') return base;
  const phases = rolloutPhases(rollout.events, SCENARIO.minHealthyTimeMs, rollout.requestedAt, rollout.observedAt);
  return { ...base, lowerBoundMs: phases.lowerBoundMs, overhead: phases.overhead, tasks: phases.tasks };
}

async function measure(options: BenchOptions, results: BenchResults, teardown: Teardown): Promise<void> {
  let cj: CjOrchestrator | undefined;
  let fleet: Fleet | undefined;
  let swarm: SwarmPeer | undefined;
  if (options.sides.includes('cj')) {
    log(
      `cj: starting ${SCENARIO.hosts} fake hosts and the orchestrator${options.cjWorkspace ? ` built in ${options.cjWorkspace}` : ''}`,
    );
    fleet = await Fleet.start(SCENARIO.hosts, options.images.includes('big'));
    const started = fleet;
    teardown.add('fake hosts', () => started.stop());
    cj = await CjOrchestrator.start(fleet.hosts, options.cjWorkspace);
    teardown.add('orchestrator', () => cj?.stop() ?? Promise.resolve());
    await cj.deploy();
  }
  if (options.sides.includes('swarm')) {
    log('swarm: initialising a single-node swarm on the local engine');
    swarm = await SwarmPeer.init();
    teardown.add('swarm', () => swarm?.leave() ?? Promise.resolve());
  }

  const big = (image: ImageSize) => image === 'big';
  const ms = (values: readonly number[]) => values.join('/');
  for (let round = 1; round <= options.rounds; round++) {
    for (const image of options.images) {
      const { from, to } = TAGS[image];
      for (const p of options.parallelisms) {
        if (cj && fleet) {
          await cj.reset(from);
          // The big image is never on a host before its update: each round downloads it again.
          if (big(image)) await fleet.forget(to);
          const prober = DowntimeProber.start(await cj.targets());
          const rollout = await cj.rollingUpdate(to, p);
          if (rollout.view.phase === 'succeeded') await cj.waitForVersions(to, 5_000);
          const r = cjUpdateRound(rollout, image, p, round, await prober.stop(), prober.windows);
          results.updates.push(r);
          log(
            `round ${round}, ${image} image, parallelism ${p}: cj ${r.outcome} in ${r.elapsedMs} ms (lower bound ${r.lowerBoundMs ?? '—'} ms; down ${ms(r.downtimeMs ?? [])} ms)`,
          );
        }
        if (swarm) {
          await swarm.deploy(p, from);
          if (big(image)) await swarm.forget(to);
          const prober = DowntimeProber.start(swarm.targets());
          const update = await swarm.update(to);
          if (update.outcome === 'completed') await swarm.waitForVersions(to, 5_000);
          const downtimeMs = await prober.stop();
          results.updates.push({ side: 'swarm', image, parallelism: p, round, ...update, downtimeMs });
          log(
            `round ${round}, ${image} image, parallelism ${p}: Swarm ${update.outcome} in ${update.elapsedMs} ms (down ${ms(downtimeMs)} ms)`,
          );
        }
      }
    }
    for (const broken of options.broken) await measureRollback(broken, round, results, cj, swarm);
  }
}

async function measureRollback(
  broken: BrokenTag,
  round: number,
  results: BenchResults,
  cj?: CjOrchestrator,
  swarm?: SwarmPeer,
): Promise<void> {
  if (cj) {
    await cj.reset();
    const rollout = await cj.rollingUpdate(broken, 1);
    const r: RollbackRound = {
      side: 'cj',
      broken,
      round,
      outcome: rollout.view.phase,
      elapsedMs: rollout.elapsedMs,
      internalMs: (rollout.events.at(-1)?.data.at ?? 0) - (at(rollout.events, 'RolloutStarted') ?? 0),
      detectMs: (at(rollout.events, 'RolloutRollbackStarted') ?? NaN) - (at(rollout.events, 'RolloutStarted') ?? NaN),
    };
    results.rollbacks.push(Number.isNaN(r.detectMs) ? { ...r, detectMs: undefined } : r);
    log(`round ${round}, cj-demo:${broken}: cj ${r.outcome} after ${r.elapsedMs} ms`);
  }
  if (swarm) {
    await swarm.deploy(1);
    const update = await swarm.update(broken);
    if (update.outcome === 'rollback_completed') await swarm.waitForVersions(SCENARIO.fromTag, 30_000);
    results.rollbacks.push({ side: 'swarm', broken, round, ...update });
    log(`round ${round}, cj-demo:${broken}: Swarm ${update.outcome} after ${update.elapsedMs} ms`);
  }
}

async function main(): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseBenchOptions(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof CommanderError && error.exitCode === 0) return 0;
    if (error instanceof BenchOptionError) {
      log(`rolling-update: ${error.message}`);
      return 2;
    }
    throw error;
  }
  const results: BenchResults = {
    startedAt: new Date().toISOString(),
    scenario: { ...SCENARIO, rounds: options.rounds },
    updates: [],
    rollbacks: [],
  };
  const teardown = new Teardown();
  const interrupt = (signal: NodeJS.Signals) => {
    log(`rolling-update: ${signal}, cleaning up`);
    void teardown.run().then(() => process.exit(130));
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);

  let failure: unknown;
  try {
    await measure(options, results, teardown);
  } catch (error) {
    failure = error;
  } finally {
    await teardown.run();
  }
  const out = resolve(options.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${renderReport(results, options)}\n\nRaw numbers: ${out}\n`);
  if (failure !== undefined) {
    log(`rolling-update: the run stopped early: ${failure instanceof Error ? failure.message : String(failure)}`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(`rolling-update: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
