#!/usr/bin/env bash
# engine.sh up|down — makes sure a Docker engine answers on the default socket.
#   up    nothing to do when `docker version` answers. Otherwise, on Debian as root: installs what
#         is missing (docker.io docker-registry busybox-static apache2-utils openssl iproute2 curl
#         openssh-server) and starts dockerd (setsid, log and pid file under $CJ_ENGINE_DIR), then
#         waits for it.
#         Elsewhere it says exactly what is missing.
#   down  stops dockerd only when this script started it.
set -euo pipefail

dir=${CJ_ENGINE_DIR:-/var/tmp/cj-engine}
socket=/var/run/docker.sock
packages=(docker.io docker-registry busybox-static apache2-utils openssl iproute2 curl openssh-server)
# The command each package provides, to tell what is missing without asking dpkg.
declare -A provides=(
  [docker.io]=dockerd [docker-registry]=docker-registry [busybox-static]=/bin/busybox
  [apache2-utils]=htpasswd [openssl]=openssl [iproute2]=ip [curl]=curl [openssh-server]=/usr/sbin/sshd
)

die() { echo "engine.sh: $*" >&2; exit 1; }
answers() { docker -H "unix://$socket" version >/dev/null 2>&1; }

missing_packages() {
  local pkg
  for pkg in "${packages[@]}"; do
    local cmd=${provides[$pkg]}
    if [[ $cmd == /* ]]; then [ -x "$cmd" ] || echo "$pkg"; else command -v "$cmd" >/dev/null || echo "$pkg"; fi
  done
}

ours() {  # true when our pid file names a running dockerd
  [ -f "$dir/dockerd.pid" ] || return 1
  local pid; pid=$(cat "$dir/dockerd.pid")
  [ -n "$pid" ] && [ -e "/proc/$pid" ] && grep -qa dockerd "/proc/$pid/cmdline" 2>/dev/null
}

install_missing() {
  local missing; missing=$(missing_packages | tr '\n' ' ')
  [ -z "${missing// /}" ] && return 0
  if [ "$(id -u)" != 0 ] || ! grep -qi debian /etc/os-release 2>/dev/null; then
    die "missing: ${missing% }. Install them (Debian: apt-get install -y ${missing% }) or start a Docker engine yourself; this script installs only on Debian as root"
  fi
  # apt-get update once per machine boot is enough for these packages.
  if [ ! -f "$dir/apt-updated" ]; then
    apt-get update -qq
    mkdir -p "$dir"; touch "$dir/apt-updated"
  fi
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

up() {
  if answers; then
    # The engine runs; only the tools beside it may be missing.
    local missing; missing=$(missing_packages | grep -v '^docker.io$' | tr '\n' ' ' || true)
    [ -z "${missing// /}" ] || install_missing
    echo "engine.sh: the Docker engine answers on $socket"
    return 0
  fi
  install_missing
  [ "$(id -u)" = 0 ] || die "no Docker engine answers on $socket and starting dockerd needs root"
  mkdir -p "$dir"
  setsid dockerd --host "unix://$socket" --pidfile "$dir/dockerd.pid" > "$dir/dockerd.log" 2>&1 < /dev/null &
  local bg=$!
  for _ in $(seq 1 600); do
    if answers; then echo "engine.sh: dockerd started (log: $dir/dockerd.log)"; return 0; fi
    kill -0 "$bg" 2>/dev/null || { tail -5 "$dir/dockerd.log" >&2; die "dockerd exited (log: $dir/dockerd.log)"; }
    sleep 0.1
  done
  die "dockerd did not answer within 60 s (log: $dir/dockerd.log)"
}

down() {
  if ! ours; then echo "engine.sh: no dockerd started by this script; nothing to stop"; return 0; fi
  local pid; pid=$(cat "$dir/dockerd.pid")
  kill "$pid"
  for _ in $(seq 1 300); do [ -e "/proc/$pid" ] || break; sleep 0.1; done
  [ -e "/proc/$pid" ] && die "dockerd ($pid) did not stop within 30 s"
  rm -f "$dir/dockerd.pid"
  echo "engine.sh: dockerd stopped"
}

case ${1:-} in
up) up ;;
down) down ;;
*) die "usage: engine.sh up|down" ;;
esac
