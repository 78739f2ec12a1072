/**
 * The design's import rules (who may import whom) are enforced by lint. Each case lints a line
 * of code as if it stood in a file of the named project, and expects the rule to fire or not.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const root = path.join(__dirname, '..');

/** Lints every case in one ESLint process (ESLint loads its config by dynamic import, which Jest's VM does not allow). */
function lintCases(cases: readonly { file: string; code: string }[]): string[][] {
  const script = `
    const { ESLint } = require('eslint');
    const cases = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
    const eslint = new ESLint({ cwd: process.cwd() });
    Promise.all(cases.map(async ({ file, code }) => {
      const [result] = await eslint.lintText(code, { filePath: require('node:path').resolve(file) });
      return result.messages.filter((m) => m.severity === 2).map((m) => m.ruleId + ': ' + m.message);
    })).then((r) => process.stdout.write(JSON.stringify(r)));
  `;
  const out = execFileSync(process.execPath, ['-e', script], {
    cwd: root,
    input: JSON.stringify(cases),
    encoding: 'utf8',
  });
  return JSON.parse(out) as string[][];
}

const forbidden = [
  [
    'domain → event-store',
    'libs/domain/src/x.ts',
    "import { StreamNotFoundError } from '@cj/event-store';\nexport const e = StreamNotFoundError;\n",
  ],
  [
    'domain → docker-adapter',
    'libs/domain/src/x.ts',
    "import * as d from '@cj/docker-adapter';\nexport const x = d;\n",
  ],
  [
    'adapter → adapter',
    'libs/docker-adapter/src/x.ts',
    "import * as r from '@cj/registry-client';\nexport const x = r;\n",
  ],
  [
    'adapter → app',
    'libs/event-store/src/x.ts',
    "import * as o from '../../../apps/orchestrator/src/main';\nexport const x = o;\n",
  ],
  ['api → domain', 'libs/api/src/x.ts', "import * as d from '@cj/domain';\nexport const x = d;\n"],
  ['api → a package', 'libs/api/src/x.ts', "import { parse } from 'yaml';\nexport const x = parse;\n"],
  ['cli → adapter', 'apps/cli/src/x.ts', "import * as d from '@cj/docker-adapter';\nexport const x = d;\n"],
  ['cli → event-store', 'apps/cli/src/x.ts', "import * as s from '@cj/event-store';\nexport const x = s;\n"],
] as const;

const cliRuntimeImport = "import { jobStream } from '@cj/domain';\nexport const x = jobStream;\n";

const impure = [
  ['fs', "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n", 'no-restricted-imports'],
  ['dockerode', "import Docker from 'dockerode';\nexport const d = Docker;\n", '@nx/enforce-module-boundaries'],
  ['the clock', 'export const now = () => Date.now();\n', 'no-restricted-syntax'],
  ['new Date()', 'export const now = () => new Date();\n', 'no-restricted-syntax'],
  ['randomness', 'export const id = () => Math.random();\n', 'no-restricted-syntax'],
] as const;

const allowed = [
  [
    'orchestrator → adapters',
    'apps/orchestrator/src/x.ts',
    "import * as s from '@cj/event-store';\nimport * as d from '@cj/docker-adapter';\nexport const x = [s, d];\n",
  ],
  ['adapter → domain', 'libs/registry-client/src/x.ts', "import * as m from '@cj/domain';\nexport const x = m;\n"],
  [
    'domain → api',
    'libs/domain/src/x.ts',
    "import { parseDuration } from '@cj/api';\nexport const x = parseDuration;\n",
  ],
  [
    'cli → api at run time',
    'apps/cli/src/x.ts',
    "import { parseDuration } from '@cj/api';\nexport const x = parseDuration;\n",
  ],
  [
    'web → api at run time',
    'apps/web/src/x.ts',
    "import { parseDuration } from '@cj/api';\nexport const x = parseDuration;\n",
  ],
  [
    'cli → domain types',
    'apps/cli/src/x.ts',
    "import type { RolloutState } from '@cj/domain';\nexport type S = RolloutState;\n",
  ],
] as const;

let results: string[][] = [];

beforeAll(() => {
  // The boundary rule reads Nx's cached project graph; make sure it exists.
  execFileSync(path.join(root, 'node_modules/.bin/nx'), ['show', 'projects'], {
    cwd: root,
    env: { ...process.env, NX_DAEMON: 'false' },
    stdio: 'ignore',
  });
  results = lintCases([
    ...forbidden.map(([, file, code]) => ({ file, code })),
    ...impure.map(([, code]) => ({ file: 'libs/domain/src/x.ts', code })),
    ...allowed.map(([, file, code]) => ({ file, code })),
    { file: 'apps/cli/src/x.ts', code: cliRuntimeImport },
  ]);
}, 120_000);

describe('module boundaries', () => {
  it.each(forbidden.map(([name], i) => [name, i] as const))('forbids %s', (_name, i) => {
    expect(results[i].some((e) => e.startsWith('@nx/enforce-module-boundaries'))).toBe(true);
  });

  it.each(impure.map(([name, , rule], i) => [name, rule, forbidden.length + i] as const))(
    'keeps the domain free of %s',
    (_name, rule, i) => {
      expect(results[i].some((e) => e.startsWith(rule))).toBe(true);
    },
  );

  it('forbids the cli from running domain code', () => {
    expect(results[results.length - 1].some((e) => e.startsWith('@typescript-eslint/no-restricted-imports'))).toBe(
      true,
    );
  });

  it.each(allowed.map(([name], i) => [name, forbidden.length + impure.length + i] as const))(
    'allows %s',
    (_name, i) => {
      expect(results[i]).toEqual([]);
    },
  );
});
