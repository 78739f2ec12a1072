#!/usr/bin/env bash
# The quickstart, end to end, on the embedded event store:
#   bash tools/demo.sh up     installs what is missing, builds the demo images, starts a registry,
#                             3 fake hosts and the orchestrator; applies the demo jobs (6 replicas)
#                             and the talk's four jobs; rolls web v1 → v2; tries a broken image
#                             and shows the automatic rollback; prints status and the audit trail.
#   bash tools/demo.sh down   stops and removes everything `up` started.
set -euo pipefail
cd "$(dirname "$0")/.."

state=${CJ_DEMO_DIR:-/var/tmp/cj-demo}
port=${CJ_DEMO_PORT:-7420}
export CJ_URL="http://127.0.0.1:$port"
hosts=(--first 201)
cj() { node apps/cli/bin/cj.js "$@"; }
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

up() {
  mkdir -p "$state"
  step "Installing what is missing"
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund
  fi
  bash tools/infra/engine.sh up
  step "Building the demo images and starting the registry"
  bash tools/infra/images.sh
  # Remember whether the registry was already there, so that `down` leaves it to its owner.
  curl -fs http://127.77.0.1:5000/v2/ >/dev/null 2>&1 || touch "$state/registry.ours"
  bash tools/infra/registry.sh up
  for image in coding-prober:latest coding-blog:59559fd webhook-listener:a5af2f2 updatehook-listener:latest; do
    docker tag cj-demo:v1 "127.77.0.1:5000/$image"
    docker push -q "127.77.0.1:5000/$image" >/dev/null
  done
  step "Starting 3 hosts"
  bash tools/infra/fakehosts.sh up 3 "${hosts[@]}"
  step "Starting the orchestrator"
  npx tsc -p tsconfig.build.json
  stop_orchestrator
  rm -f "$state"/cj*.db*
  setsid node apps/orchestrator/bin/cj-orchestrator.js --store "$state/cj.db" --listen "127.0.0.1:$port" \
    >"$state/orchestrator.log" 2>&1 </dev/null &
  echo $! >"$state/orchestrator.pid"
  for _ in $(seq 1 100); do curl -fs "$CJ_URL/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
  curl -fs "$CJ_URL/healthz" >/dev/null || { tail -20 "$state/orchestrator.log" >&2; exit 1; }
  echo "orchestrator on $CJ_URL (log: $state/orchestrator.log)"

  step "cj apply: the demo environment (web: 6 replicas over 3 hosts)"
  cj --env demo apply tools/demo/demo.yaml --reason "quickstart"
  cj --env demo up web
  step "cj apply: the talk's jobs file, in its own text format"
  cj --env talk apply tools/demo/talk.jobs --base tools/demo/talk.hosts.yaml --reason "the talk's jobs"
  for job in coding-prober coding-blog webhook-listener updatehook-listener; do cj --env talk up "$job"; done
  cj --env talk status

  step "cj rolling-update web --tag v2"
  cj --env demo rolling-update web --tag v2 --reason "ship v2"
  step "cj rolling-update web --tag crash (a broken image: cj rolls back by itself)"
  set +e
  cj --env demo rolling-update web --tag crash --reason "ship a broken build"
  code=$?
  set -e
  [ "$code" -eq 3 ] || { echo "expected the rollout to roll back (exit 3), got $code" >&2; exit 1; }
  echo "(exit $code: rolled back)"

  step "cj status"
  cj --env demo status
  step "cj history web"
  cj --env demo history web
  step "cj audit (the last 30 events)"
  cj --env demo audit --limit 30
  printf '\nDone. Try: CJ_URL=%s node apps/cli/bin/cj.js --env demo status\nOr open %s/ in a browser: the status page.\nStop everything: bash tools/demo.sh down\n' "$CJ_URL" "$CJ_URL"
}

stop_orchestrator() {
  if [ -f "$state/orchestrator.pid" ]; then
    pid=$(cat "$state/orchestrator.pid")
    if kill "$pid" 2>/dev/null; then
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -f "$state/orchestrator.pid"
  fi
}

down() {
  stop_orchestrator
  bash tools/infra/fakehosts.sh down 3 "${hosts[@]}"
  if [ -f "$state/registry.ours" ]; then bash tools/infra/registry.sh down; fi
  bash tools/infra/engine.sh down
  rm -rf "$state"
}

case ${1:-} in
  up) up ;;
  down) down ;;
  *) echo "usage: bash tools/demo.sh up|down" >&2; exit 2 ;;
esac
