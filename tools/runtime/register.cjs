// Resolves the workspace's @cj/* aliases to the compiled libraries under dist/, so the
// built apps, tools and benchmarks run with plain `node` (no transpiler at run time).
const path = require('node:path');
const tsconfigPaths = require('tsconfig-paths');
const { compilerOptions } = require('../../tsconfig.base.json');

const paths = {};
for (const [alias, targets] of Object.entries(compilerOptions.paths)) {
  paths[alias] = targets.map((target) => target.replace(/\.ts$/, '.js'));
}
tsconfigPaths.register({ baseUrl: path.join(__dirname, '..', '..', 'dist'), paths });
