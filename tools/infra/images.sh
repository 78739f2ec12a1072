#!/usr/bin/env bash
# images.sh — builds the demo images offline (FROM scratch + static busybox, legacy builder):
#   cj-demo:v1, cj-demo:v2   healthy; serve /health and /version on $PORT; SIGTERM stops at once
#   cj-demo:crash            exits 3 after 2 s
#   cj-demo:unhealthy        runs, but /health is 404 and its HEALTHCHECK fails
# and tags each also as 127.77.0.1:5000/cj-demo:<tag> (the registry of registry.sh).
# A build is skipped when the image exists with the same inputs hash (label cj.demo.inputs).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
registry=${CJ_REGISTRY:-127.77.0.1:5000}
work=${CJ_IMAGES_DIR:-/var/tmp/cj-images}
busybox=${CJ_BUSYBOX:-/bin/busybox}

die() { echo "images.sh: $*" >&2; exit 1; }

docker version >/dev/null 2>&1 || die "the Docker engine does not answer; run tools/infra/engine.sh up first"
[ -x "$busybox" ] || die "$busybox is missing; install busybox-static (apt-get install -y busybox-static)"
if ! "$busybox" sh -c 'exit 0' 2>/dev/null || ldd "$busybox" >/dev/null 2>&1; then
  die "$busybox is not a static binary; install busybox-static (apt-get install -y busybox-static)"
fi

# tag|variant (www dir)|version|crash-after
variants=(
  "v1|healthy|v1|"
  "v2|healthy|v2|"
  "crash|healthy|crash|2"
  "unhealthy|unhealthy|unhealthy|"
)

# The build context: a rootfs with busybox and its applet links, a minimal /etc/passwd, and one
# /www per variant.
assemble_context() {
  local ctx=$1
  rm -rf "$ctx"
  mkdir -p "$ctx/rootfs/bin" "$ctx/rootfs/etc" "$ctx/rootfs/tmp" "$ctx/www/healthy" "$ctx/www/unhealthy"
  cp "$busybox" "$ctx/rootfs/bin/busybox"
  local applet
  for applet in $("$busybox" --list); do
    [ "$applet" = busybox ] || ln -s busybox "$ctx/rootfs/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$ctx/rootfs/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' > "$ctx/rootfs/etc/group"
  chmod 1777 "$ctx/rootfs/tmp"
  printf 'ok\n' > "$ctx/www/healthy/health"
  # /version is written per variant below; the unhealthy variant has no /health at all.
  cp "$here/demo-image/Dockerfile" "$ctx/Dockerfile"
}

# Everything a build depends on: busybox, the Dockerfile, this script (it assembles the rootfs)
# and the variant's arguments.
inputs_hash() {  # $1 = variant line
  { sha256sum "$busybox" "$here/demo-image/Dockerfile" "${BASH_SOURCE[0]}" | cut -c1-64; printf '%s\n' "$1"; } | sha256sum | cut -c1-64
}

mkdir -p "$work"
built=0 kept=0
for line in "${variants[@]}"; do
  IFS='|' read -r tag www version crash <<<"$line"
  hash=$(inputs_hash "$line")
  current=$(docker image inspect "cj-demo:$tag" --format '{{index .Config.Labels "cj.demo.inputs"}}' 2>/dev/null || true)
  if [ "$current" = "$hash" ]; then
    kept=$((kept + 1))
  else
    ctx="$work/$tag"
    assemble_context "$ctx"
    [ "$www" = healthy ] || rm -rf "$ctx/www/healthy"
    printf '%s\n' "$version" > "$ctx/www/$www/version"
    # The legacy builder prints a deprecation notice on every run: show its output only on failure.
    if ! out=$(DOCKER_BUILDKIT=0 docker build -q \
        --build-arg VARIANT="$www" --build-arg VERSION="$version" --build-arg CRASH_AFTER="$crash" \
        --label cj.demo.inputs="$hash" -t "cj-demo:$tag" "$ctx" 2>&1); then
      echo "$out" >&2; die "building cj-demo:$tag failed"
    fi
    rm -rf "$ctx"
    built=$((built + 1))
  fi
  docker tag "cj-demo:$tag" "$registry/cj-demo:$tag"
done
echo "images.sh: cj-demo:{v1,v2,crash,unhealthy} ready ($built built, $kept unchanged), also tagged $registry/cj-demo"
