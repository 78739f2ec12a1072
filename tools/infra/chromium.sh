#!/usr/bin/env bash
# chromium.sh — makes sure Debian's Chromium is installed at /usr/bin/chromium for the web console's
# browser tests (driven by playwright-core; no browser is ever downloaded). Idempotent: nothing to do
# when /usr/bin/chromium runs. Elsewhere than Debian-as-root it says what is missing.
set -euo pipefail

binary=/usr/bin/chromium

if [ -x "$binary" ] && "$binary" --version >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" != 0 ] || ! grep -qi debian /etc/os-release 2>/dev/null; then
  echo "chromium.sh: $binary is missing; install Debian's chromium package (apt-get install chromium)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
"$binary" --version
