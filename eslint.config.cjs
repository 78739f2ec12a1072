// Module boundaries of the design (who may import whom) fail lint when broken.
const nx = require('@nx/eslint-plugin');
const tseslint = require('typescript-eslint');

const ioModules = [
  'fs',
  'fs/promises',
  'http',
  'https',
  'net',
  'tls',
  'child_process',
  'dgram',
  'dns',
  'os',
  'worker_threads',
  'cluster',
  'process',
];

module.exports = [
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.nx/**', '**/*.cjs', '**/*.js', 'tools/lint-fixtures/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            // The API's contract is at the bottom: it imports no other library, and nothing outside the language.
            { sourceTag: 'scope:api', onlyDependOnLibsWithTags: [], allowedExternalImports: [] },
            {
              sourceTag: 'scope:domain',
              onlyDependOnLibsWithTags: ['scope:api'],
              allowedExternalImports: ['yaml', 'uuid', 'class-validator', 'class-transformer', 'reflect-metadata'],
            },
            { sourceTag: 'scope:adapter', onlyDependOnLibsWithTags: ['scope:api', 'scope:domain'] },
            {
              sourceTag: 'scope:orchestrator',
              onlyDependOnLibsWithTags: ['scope:api', 'scope:domain', 'scope:adapter'],
            },
            { sourceTag: 'scope:cli', onlyDependOnLibsWithTags: ['scope:api', 'scope:domain'] },
            { sourceTag: 'scope:web', onlyDependOnLibsWithTags: ['scope:api', 'scope:domain'] },
            { sourceTag: 'scope:tools', onlyDependOnLibsWithTags: ['scope:api', 'scope:domain', 'scope:adapter'] },
          ],
        },
      ],
    },
  },
  {
    // The domain and the API's contract are pure: no I/O modules, no clock, no randomness. Time and ids are inputs.
    files: ['libs/domain/src/**/*.ts', 'libs/api/src/**/*.ts'],
    ignores: ['libs/domain/src/**/*.spec.ts', 'libs/api/src/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ioModules
            .flatMap((m) => [m, `node:${m}`])
            .map((name) => ({ name, message: 'libs/domain and libs/api do no I/O.' })),
          patterns: [
            {
              group: ['@nestjs/*', 'dockerode', 'better-sqlite3', '@eventstore/*', 'undici'],
              message: 'libs/domain and libs/api do no I/O.',
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'Time is an input of the domain.',
        },
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'Time is an input of the domain.',
        },
        {
          selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
          message: 'Ids are inputs of the domain.',
        },
      ],
    },
  },
  {
    // The CLI talks to the orchestrator over HTTP: it runs @cj/api's code, and uses the domain's types only.
    files: ['apps/cli/src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@cj/domain',
              allowTypeImports: true,
              message: 'apps/cli uses @cj/domain for types only (import type); what it runs comes from @cj/api.',
            },
          ],
        },
      ],
    },
  },
];
