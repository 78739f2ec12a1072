#!/usr/bin/env bash
# Runs every test suite of the workspace on a fresh Debian machine (root, Node 20):
# installs what is missing, starts the Docker engine and the registry, builds, runs Jest,
# and ends with one plain line "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

bash tools/infra/engine.sh up       # Docker engine (installs docker.io when missing)
bash tools/infra/images.sh          # demo images, built offline
bash tools/infra/registry.sh up     # registry on loopback, with the demo tags
bash tools/infra/chromium.sh        # Debian's Chromium, for the web console's browser tests

npx tsc -p tsconfig.build.json      # the binaries end-to-end tests start
npx vite build --config apps/web/vite.config.mts   # the web console the orchestrator serves (dist/web)

results=$(mktemp)
set +e
npx jest --ci --json --outputFile="$results" "$@"
rc=$?
set -e
node -e '
  const r = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests + r.numRuntimeErrorTestSuites} failed`);
' "$results"
rm -f "$results"
exit $rc
