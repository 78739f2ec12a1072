/**
 * How long validating a jobs file holds the orchestrator's event loop (parseJobsFile is
 * synchronous): a demo-sized file as the baseline, the largest file the limits allow, and the
 * hostile files the limits refuse, in the same run. Each is parsed ROUNDS times; the report shows
 * the median and the worst time in milliseconds.
 * Usage: node -r ./tools/runtime/register.cjs dist/tools/bench/jobs-file-validation.js
 */
import { performance } from 'node:perf_hooks';
import { parseJobsFile } from '@cj/domain';
import { LIMITS } from '@cj/api';

const ROUNDS = 9;

function hosts(count: number): string {
  return `environment: bench\nregistry: registry.internal:5000\nhosts:\n${Array.from({ length: count }, (_, i) => `  h${i}: tcp://10.0.${Math.floor(i / 250)}.${i % 250}:2376\n`).join('')}`;
}

function job(index: number, replicas: number, hostCount: number): string {
  const placed = Array.from({ length: Math.min(replicas, hostCount) }, (_, i) => `h${(index + i) % hostCount}`).join(
    ', ',
  );
  return (
    `  - name: job-${index}\n    image: app-${index}:v${index}\n    hosts: [${placed}]\n    replicas: ${replicas}\n    port: ${10_000 + index * 8}\n` +
    `    envs: { MODE: "prod", INDEX: "${index}" }\n    health: { type: http, path: /health, interval: 2s }\n    update: { max_parallel: 2, monitor: 10s }\n`
  );
}

const largestLegal = (): string => {
  const hostCount = 100;
  const replicas = Math.floor(LIMITS.tasksPerEnvironment / LIMITS.jobs);
  return `${hosts(hostCount)}jobs:\n${Array.from({ length: LIMITS.jobs }, (_, i) => job(i, replicas, hostCount)).join('')}`;
};

const aliasBomb = (): string => {
  let text = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n';
  let previous = 'a';
  for (const name of 'bcdefghij') {
    text += `${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]\n`;
    previous = name;
  }
  return text;
};

const FILES: readonly [string, () => string][] = [
  [
    'baseline: demo-sized (6 jobs, 16 tasks)',
    () => `${hosts(3)}jobs:\n${Array.from({ length: 6 }, (_, i) => job(i, i < 2 ? 6 : 1, 3)).join('')}`,
  ],
  [`largest legal (${LIMITS.jobs} jobs, ${LIMITS.tasksPerEnvironment} tasks, 100 hosts)`, largestLegal],
  [
    'refused: 10,000 jobs in under 1 MiB',
    () =>
      `${hosts(1)}jobs:\n${Array.from({ length: 10_000 }, (_, i) => `  - { name: j${i}, image: w, run_on_host: h0, port: ${1000 + i} }\n`).join('')}`,
  ],
  ['refused: YAML alias bomb (under 1 KB)', aliasBomb],
  ['refused: YAML nested 10,000 levels', () => `jobs: ${'['.repeat(10_000)}${']'.repeat(10_000)}`],
  [
    'refused: replicas 1,000,000,000',
    () => `${hosts(1)}jobs:\n  - { name: web, image: w, run_on_host: h0, port: 80, replicas: 1000000000 }\n`,
  ],
];

function measure(text: string): { median: number; worst: number; ok: boolean } {
  const times: number[] = [];
  let ok = false;
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    ok = parseJobsFile(text, { file: 'bench.yaml', policy: {} }).ok;
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], worst: times[times.length - 1], ok };
}

console.log(`| file | bytes | result | median ms | worst ms |\n|---|---|---|---|---|`);
for (const [name, make] of FILES) {
  const text = make();
  const { median, worst, ok } = measure(text);
  console.log(
    `| ${name} | ${Buffer.byteLength(text)} | ${ok ? 'valid' : 'refused'} | ${median.toFixed(1)} | ${worst.toFixed(1)} |`,
  );
}
