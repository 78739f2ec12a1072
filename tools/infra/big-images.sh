#!/usr/bin/env bash
# big-images.sh — the demo images services really ship (hundreds of MB), built offline:
#   cj-demo:big-v1, cj-demo:big-v2   cj-demo:v1 plus one layer of incompressible data (200 MB by
#                                    default, CJ_BIG_IMAGE_MB; its own data per tag), answering
#                                    /version with big-v1 / big-v2
# pushed to the registry of registry.sh, then removed from the local engine: only the registry has
# them, so whoever runs them downloads them, as a host downloads a new release (the hosts of
# fakehosts.sh --images do not get them either). Only the rolling-update benchmark asks for them
# (--images big); the tests and CI never do.
#
# Run images.sh and registry.sh up first. Skipped when the registry has both with the same inputs
# (cj-demo:v1's image id, the size, this script: a hash kept in $CJ_IMAGES_DIR). This is a script
# of its own rather than a part of images.sh because the demo images' inputs hash covers images.sh:
# any change to it would rebuild every demo image on every machine.
set -euo pipefail

registry=${CJ_REGISTRY:-127.77.0.1:5000}
work=${CJ_IMAGES_DIR:-/var/tmp/cj-images}
size_mb=${CJ_BIG_IMAGE_MB:-200}

die() { echo "big-images.sh: $*" >&2; exit 1; }

command -v curl >/dev/null || die "curl is missing; install it (apt-get install -y curl)"
docker version >/dev/null 2>&1 || die "the Docker engine does not answer; run tools/infra/engine.sh up first"
base_id=$(docker image inspect cj-demo:v1 --format '{{.Id}}' 2>/dev/null) || die "cj-demo:v1 is missing; run tools/infra/images.sh first"
[ "$(curl -s -o /dev/null --max-time 2 -w '%{http_code}' "http://$registry/v2/" || true)" != 000 ] \
  || die "the registry $registry does not answer; run tools/infra/registry.sh up first"

registry_has() {  # $1 = tag; true when the registry serves its manifest
  [ "$(curl -s -o /dev/null --max-time 5 -w '%{http_code}' -I \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    "http://$registry/v2/cj-demo/manifests/$1" || true)" = 200 ]
}

mkdir -p "$work"
built=0 kept=0
for tag in big-v1 big-v2; do
  hash=$({ printf '%s\n' "$base_id" "$tag" "$size_mb"; sha256sum "${BASH_SOURCE[0]}" | cut -c1-64; } | sha256sum | cut -c1-64)
  marker="$work/cj-demo-$tag.inputs"
  if [ "$(cat "$marker" 2>/dev/null || true)" = "$hash" ] && registry_has "$tag"; then
    kept=$((kept + 1))
    continue
  fi
  ctx="$work/$tag"
  rm -rf "$ctx"
  mkdir -p "$ctx/www"
  # Random data: a registry's gzip cannot shrink it, so the download is the size it says.
  head -c "$((size_mb * 1024 * 1024))" /dev/urandom > "$ctx/payload.bin"
  printf 'ok\n' > "$ctx/www/health"
  printf '%s\n' "$tag" > "$ctx/www/version"
  printf 'FROM cj-demo:v1\nCOPY payload.bin /payload.bin\nCOPY www/ /www/\nENV VERSION=%s\nLABEL org.example.version=%s\n' "$tag" "$tag" > "$ctx/Dockerfile"
  if ! out=$(DOCKER_BUILDKIT=0 docker build -q --label cj.demo.inputs="$hash" -t "$registry/cj-demo:$tag" "$ctx" 2>&1); then
    echo "$out" >&2; rm -rf "$ctx"; die "building cj-demo:$tag failed"
  fi
  rm -rf "$ctx"
  docker push -q "$registry/cj-demo:$tag" >/dev/null || die "pushing $registry/cj-demo:$tag failed"
  docker rmi -f "$registry/cj-demo:$tag" >/dev/null
  printf '%s\n' "$hash" > "$marker"
  built=$((built + 1))
done
echo "big-images.sh: cj-demo:{big-v1,big-v2} (${size_mb} MB layer each) in $registry ($built built, $kept unchanged), not kept on this engine"
