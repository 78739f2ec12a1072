#!/usr/bin/env node
// `cj`: the built CLI (`npx tsc -p tsconfig.build.json` compiles it into dist/).
require('../../../tools/runtime/register.cjs');
require('../../../dist/apps/cli/src/main.js');
