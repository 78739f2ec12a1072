#!/usr/bin/env bash
# registry.sh up|down [--auth] — the private registry of the demo and the tests, on loopback:
#   127.77.0.1:5000  Debian's docker-registry (distribution 2.8), filesystem storage, delete enabled
#   127.77.0.1:5001  with --auth: the same behind htpasswd basic auth (user cj, password cj-secret)
# `up` pushes the demo tags (build them first with images.sh). Fake hosts reach 127.77.0.1.
# Idempotent; `down` stops only the registries this script started (pid files).
set -euo pipefail

base=${CJ_REGISTRY_DIR:-/var/tmp/cj-registry}
addr=127.77.0.1
auth_user=cj auth_password=cj-secret
demo_tags=(v1 v2 crash unhealthy)

die() { echo "registry.sh: $*" >&2; exit 1; }
usage() { die "usage: registry.sh up|down [--auth]"; }

alive() {  # $1 = pid file; true when it names a running docker-registry
  [ -f "$1" ] || return 1
  local pid; pid=$(cat "$1")
  [ -n "$pid" ] && [ -e "/proc/$pid" ] && grep -qa docker-registry "/proc/$pid/cmdline" 2>/dev/null
}

status_of() { curl -s -o /dev/null --max-time 1 -w '%{http_code}' "$1" || true; }  # 000 = nothing listens

write_config() {  # $1 = name, $2 = port, $3 = htpasswd file or empty
  local dir=$base/$1
  mkdir -p "$dir/data"
  {
    printf 'version: 0.1\nlog:\n  level: warn\n  accesslog:\n    disabled: true\n'
    printf 'storage:\n  filesystem:\n    rootdirectory: %s/data\n  delete:\n    enabled: true\n' "$dir"
    printf '  cache:\n    blobdescriptor: inmemory\n'
    printf 'http:\n  addr: %s:%s\n  headers:\n    X-Content-Type-Options: [nosniff]\n' "$addr" "$2"
    if [ -n "$3" ]; then
      printf 'auth:\n  htpasswd:\n    realm: cj-registry\n    path: %s\n' "$3"
    fi
  } > "$dir/config.yml"
}

start() {  # $1 = name, $2 = port, $3 = htpasswd file or empty
  local dir=$base/$1 url="http://$addr:$2/v2/"
  if alive "$dir/registry.pid"; then return 0; fi
  if [ "$(status_of "$url")" != 000 ]; then
    die "$addr:$2 already answers but was not started by this script; stop that server first"
  fi
  write_config "$1" "$2" "$3"
  setsid docker-registry serve "$dir/config.yml" > "$dir/registry.log" 2>&1 < /dev/null &
  echo $! > "$dir/registry.pid"
  local i
  for i in $(seq 1 100); do
    if [ "$(status_of "$url")" != 000 ]; then return 0; fi
    alive "$dir/registry.pid" || { tail -5 "$dir/registry.log" >&2; die "docker-registry on $addr:$2 exited"; }
    sleep 0.05
  done
  die "docker-registry on $addr:$2 did not answer within 5 s (log: $dir/registry.log)"
}

stop() {  # $1 = name
  local pidfile=$base/$1/registry.pid
  if alive "$pidfile"; then
    local pid; pid=$(cat "$pidfile")
    kill "$pid"
    for _ in $(seq 1 100); do [ -e "/proc/$pid" ] || break; sleep 0.05; done
  fi
  rm -f "$pidfile"
}

push_demo() {  # $1 = registry address host:port; the docker client's config is in $DOCKER_CONFIG
  local tag
  for tag in "${demo_tags[@]}"; do
    docker image inspect "cj-demo:$tag" >/dev/null 2>&1 || die "cj-demo:$tag is missing; run tools/infra/images.sh first"
    docker tag "cj-demo:$tag" "$1/cj-demo:$tag"
    docker push -q "$1/cj-demo:$tag" >/dev/null || die "pushing $1/cj-demo:$tag failed"
  done
}

preflight() {
  command -v docker-registry >/dev/null || die "docker-registry is missing; install it (apt-get install -y docker-registry)"
  command -v curl >/dev/null || die "curl is missing; install it (apt-get install -y curl)"
  docker version >/dev/null 2>&1 || die "the Docker engine does not answer; run tools/infra/engine.sh up first"
}

cmd=${1:-}; with_auth=false
case ${2:-} in --auth) with_auth=true ;; "") ;; *) usage ;; esac

case $cmd in
up)
  preflight
  start open 5000 ""
  push_demo "$addr:5000"
  if $with_auth; then
    command -v htpasswd >/dev/null || die "htpasswd is missing; install apache2-utils"
    mkdir -p "$base/auth"
    htpasswd -Bbn "$auth_user" "$auth_password" > "$base/auth/htpasswd.tmp" 2>/dev/null
    mv "$base/auth/htpasswd.tmp" "$base/auth/htpasswd"
    start auth 5001 "$base/auth/htpasswd"
    # A private client config, so that logging in leaves the user's ~/.docker untouched.
    export DOCKER_CONFIG=$base/auth/docker-client
    mkdir -p "$DOCKER_CONFIG"
    echo "$auth_password" | docker login -u "$auth_user" --password-stdin "$addr:5001" >/dev/null 2>&1 \
      || die "logging in to $addr:5001 as $auth_user failed (log: $base/auth/registry.log)"
    push_demo "$addr:5001"
  fi
  echo "registry.sh: $addr:5000 up with cj-demo:{${demo_tags[*]}}$($with_auth && echo "; $addr:5001 with basic auth ($auth_user)")"
  ;;
down)
  stop open
  if $with_auth || [ -f "$base/auth/registry.pid" ]; then stop auth; fi
  echo "registry.sh: stopped"
  ;;
*) usage ;;
esac
