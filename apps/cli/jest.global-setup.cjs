// The CLI's tests run the built `cj`. Rebuild it when its sources are newer than the build, so
// `jest -c apps/cli/jest.config.cjs` works on its own (a full `tsc -p tsconfig.build.json` makes
// this a no-op). Types are checked by the typecheck target, so this emit skips checking.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');
const built = path.join(root, 'dist', 'apps', 'cli', 'src', 'main.js');

function newestSource(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'testing') newest = Math.max(newest, newestSource(file));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) {
      newest = Math.max(newest, fs.statSync(file).mtimeMs);
    }
  }
  return newest;
}

module.exports = async () => {
  const builtAt = fs.existsSync(built) ? fs.statSync(built).mtimeMs : 0;
  if (builtAt >= newestSource(path.join(__dirname, 'src'))) return;
  execFileSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', 'apps/cli/tsconfig.lib.json', '--noCheck'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
};
