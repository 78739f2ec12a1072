#!/usr/bin/env bash
# fakehosts.sh up N [options] | down N [options] — N fake Docker hosts on this machine.
# fakehosts.sh restart-engine N [--first K] — stops and starts the hosts' dockerd (network, data and
# containers stay, as after a restart of the engine on a real host).
#
# Host i (h<i>) is a network namespace fh<i> with its own dockerd (and the containerd it manages),
# data-root, exec-root, hostname and socket $DIR/h<i>/docker.sock, reached from the root namespace
# at 127.77.<i>.2 over a veth pair addressed inside 127.0.0.0/8 (route_localnet), so two hosts can
# use the same port, as real hosts do. Services bound to 127.77.0.1 in the root namespace (the
# registry of registry.sh) are reachable from every host. DIR is ${CJ_FAKEHOSTS_DIR:-/tmp/cj-fakehosts}.
#
# options:
#   --first K    number the hosts from K (h<K>..h<K+N-1>), so that several runs can coexist
#   --images     pull the demo images on each host from 127.77.0.1:5000 (registry.sh up first)
#                and tag them cj-demo:<tag> as well
#   --tls DIR    also listen on tcp://127.77.<i>.2:2376 with --tlsverify, using DIR/ca.pem,
#                DIR/server-cert.pem and DIR/server-key.pem (the cert must name 127.77.<i>.2)
#
# `up` first clears what an earlier, killed run left in the same range (daemons of ours, their
# containers, namespaces, veths, mounts, sockets, pid files); `down` removes everything.
set -uo pipefail

R=${CJ_FAKEHOSTS_DIR:-/tmp/cj-fakehosts}
registry=${CJ_REGISTRY:-127.77.0.1:5000}
demo_tags=(v1 v2 crash unhealthy)

die() { echo "fakehosts.sh: $*" >&2; exit 1; }
usage() { die "usage: fakehosts.sh up|down|restart-engine N [--first K] [--images] [--tls DIR]"; }

cmd=${1:-}; count=${2:-}
[[ $count =~ ^[1-9][0-9]*$ ]] || usage
shift 2
first=1 images=false tls=""
while [ $# -gt 0 ]; do
  case $1 in
    --first) first=${2:-}; [[ $first =~ ^[1-9][0-9]*$ ]] || usage; shift 2 ;;
    --images) images=true; shift ;;
    --tls) tls=${2:-}; [ -n "$tls" ] || usage; shift 2 ;;
    *) usage ;;
  esac
done
last=$((first + count - 1))
[ "$last" -le 254 ] || die "host numbers must stay within 1..254 (127.77.<i>.2); got $first..$last"

preflight() {
  [ "$(id -u)" = 0 ] || die "fake hosts need root (network namespaces, dockerd)"
  local c
  for c in dockerd docker ip nsenter unshare setsid sysctl; do
    command -v "$c" >/dev/null || die "$c is missing; run tools/infra/engine.sh up (installs docker.io and iproute2)"
  done
  if [ -n "$tls" ]; then
    for c in ca.pem server-cert.pem server-key.pem; do [ -f "$tls/$c" ] || die "--tls $tls: $c is missing"; done
  fi
}

gone() {  # exited = no /proc entry, or a zombie (an orphan is reaped by PID 1, which can take seconds)
  [ ! -e "/proc/$1" ] || [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" = Z ]
}

stop_pid() {  # $1 = pid; SIGTERM, then SIGKILL after ~10 s
  local p=$1
  kill "$p" 2>/dev/null || return 0
  for _ in $(seq 1 500); do gone "$p" && return 0; sleep 0.02; done
  kill -9 "$p" 2>/dev/null
  for _ in $(seq 1 100); do gone "$p" && return 0; sleep 0.02; done
}

# Processes of host $1's daemons: dockerd, its containerd and shims all name the host's directory
# on their command line. Found by reading /proc, matched on the exact directory, ended by pid.
daemon_pids() {
  local b=$1/ f
  for f in /proc/[0-9]*/cmdline; do
    tr '\0' ' ' 2>/dev/null < "$f" | grep -qF -- "$b" && { f=${f#/proc/}; echo "${f%/cmdline}"; }
  done
}

cgroup_name() { echo "cj-fh$1"; }

# Container processes of host $1 live under its --cgroup-parent in every hierarchy.
kill_cgroup() {
  local cg; cg=$(cgroup_name "$1")
  local d p
  for d in /sys/fs/cgroup/*/"$cg" /sys/fs/cgroup/"$cg"; do
    [ -d "$d" ] || continue
    for p in $(find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
  done
  for d in /sys/fs/cgroup/*/"$cg" /sys/fs/cgroup/"$cg"; do
    [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
  done
  true
}

host_down() {  # $1 = index
  local i=$1 n=h$1 ns=fh$1 B=$R/h$1
  if [ -S "$B/docker.sock" ]; then
    docker -H "unix://$B/docker.sock" ps -aq 2>/dev/null | xargs -r docker -H "unix://$B/docker.sock" rm -f >/dev/null 2>&1
  fi
  if [ -f "$B/dockerd.pid" ]; then
    local p; p=$(cat "$B/dockerd.pid")
    if [ -n "$p" ] && tr '\0' ' ' 2>/dev/null < "/proc/$p/cmdline" | grep -qF -- "$B/"; then stop_pid "$p"; fi
  fi
  # Whatever survived (after a kill -9 of dockerd: its containerd and shims), then the containers.
  local p
  for p in $(daemon_pids "$B"); do stop_pid "$p"; done
  kill_cgroup "$i"
  ip link del "v$ns" 2>/dev/null
  ip netns del "$ns" 2>/dev/null
  awk -v b="$B/" 'index($2,b)==1{print $2}' /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null
  rm -rf "$B"
  : "$n"
}

start_engine() {  # $1 = index: the host's dockerd, in its namespace; waits until it answers
  local i=$1 n=h$1 ns=fh$1 B=$R/h$1
  local listen=(-H "unix://$B/docker.sock")
  if [ -n "$tls" ]; then
    listen+=(-H "tcp://127.77.$i.2:2376" --tlsverify --tlscacert "$tls/ca.pem"
             --tlscert "$tls/server-cert.pem" --tlskey "$tls/server-key.pem")
  fi
  # nsenter, not `ip netns exec`: the latter remounts /sys and dockerd loses its cgroups.
  # --bridge=none is safe only here, inside the host's own network namespace.
  setsid nsenter --net="/run/netns/$ns" unshare --uts sh -c 'hostname "$0"; exec "$@"' "$n" \
    dockerd --config-file "$B/daemon.json" --data-root "$B/data" --exec-root "$B/exec" \
    --pidfile "$B/dockerd.pid" "${listen[@]}" \
    --bridge=none --iptables=false --ip-masq=false --ip-forward=false \
    --cgroup-parent="/$(cgroup_name "$i")" --log-level="${LOGLEVEL:-warn}" \
    > "$B/dockerd.log" 2>&1 < /dev/null &
  local bg=$!
  for _ in $(seq 1 1500); do
    docker -H "unix://$B/docker.sock" version >/dev/null 2>&1 && break
    kill -0 "$bg" 2>/dev/null || { echo "fakehosts.sh: dockerd of $n exited:" >&2; tail -5 "$B/dockerd.log" >&2; return 1; }
    sleep 0.02
  done
  docker -H "unix://$B/docker.sock" version >/dev/null 2>&1 || { echo "fakehosts.sh: dockerd of $n did not answer within 30 s" >&2; return 1; }
}

# Stops the host's dockerd (it stops its containers as on any engine shutdown) and starts it again.
engine_restart() {  # $1 = index
  local B=$R/h$1 p
  [ -S "$B/docker.sock" ] && [ -f "$B/dockerd.pid" ] || { echo "fakehosts.sh: h$1 is not up" >&2; return 1; }
  p=$(cat "$B/dockerd.pid")
  if [ -n "$p" ] && tr '\0' ' ' 2>/dev/null < "/proc/$p/cmdline" | grep -qF -- "$B/"; then stop_pid "$p"; fi
  start_engine "$1"
}

host_up() {  # $1 = index
  local i=$1 n=h$1 ns=fh$1 B=$R/h$1
  mkdir -p "$B/data" "$B/exec"
  printf '{"deprecated-key-path":"%s/key.json"}\n' "$B" > "$B/daemon.json"
  ip netns add "$ns" && ip -n "$ns" link set lo up || return 1
  ip link add "v$ns" type veth peer name eth0 netns "$ns" || return 1
  sysctl -qw "net.ipv4.conf.v$ns.route_localnet=1"
  nsenter --net="/run/netns/$ns" sysctl -qw net.ipv4.conf.eth0.route_localnet=1
  ip addr add "127.77.$i.1/32" dev "v$ns" && ip link set "v$ns" up
  ip -n "$ns" addr add "127.77.$i.2/32" dev eth0 && ip -n "$ns" link set eth0 up
  ip route add "127.77.$i.2/32" dev "v$ns" src "127.77.$i.1" table local
  ip -n "$ns" route add "127.77.$i.1/32" dev eth0 src "127.77.$i.2" table local   # root side of the veth
  ip -n "$ns" route add 127.77.0.0/24 dev eth0 src "127.77.$i.2" table local     # shared services (registry)
  start_engine "$i" || return 1
  if $images; then
    local tag
    for tag in "${demo_tags[@]}"; do
      docker -H "unix://$B/docker.sock" pull -q "$registry/cj-demo:$tag" >/dev/null \
        || { echo "fakehosts.sh: $n could not pull $registry/cj-demo:$tag; run tools/infra/registry.sh up" >&2; return 1; }
      docker -H "unix://$B/docker.sock" tag "$registry/cj-demo:$tag" "cj-demo:$tag"
    done
  fi
}

# Runs $1 (host_up or host_down) for every host of the range at once; fails when one fails.
# Never a bare `wait`: the daemons started here are children of this shell.
each_host() {
  local pids=() i rc=0
  for i in $(seq "$first" "$last"); do "$1" "$i" & pids+=($!); done
  for i in "${pids[@]}"; do wait "$i" || rc=1; done
  return $rc
}

case $cmd in
up)
  preflight
  mkdir -p "$R"
  each_host host_down   # leftovers of an earlier run that was killed
  if ! each_host host_up; then
    each_host host_down
    die "starting hosts h$first..h$last failed (logs were in $R/h<i>/dockerd.log)"
  fi
  echo "fakehosts.sh: h$first..h$last up (sockets $R/h<i>/docker.sock, addresses 127.77.<i>.2)"
  ;;
restart-engine)
  each_host engine_restart || die "restarting the engines of h$first..h$last failed"
  echo "fakehosts.sh: engines of h$first..h$last restarted"
  ;;
down)
  each_host host_down
  rmdir "$R" 2>/dev/null
  echo "fakehosts.sh: h$first..h$last down"
  ;;
*) usage ;;
esac
