#!/usr/bin/env bash
# Installs the Debian packages the test suite and benchmarks use as oracles and peers
# (listed one per line in scripts/apt-packages.txt). Idempotent: installed packages are skipped.
# Needs root (CI and the dev machines run as root); otherwise it says what to install and goes on.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
list="$here/apt-packages.txt"
[ -f "$list" ] || exit 0
missing=()
while IFS= read -r pkg; do
  pkg="${pkg%%#*}"; pkg="$(echo "$pkg" | xargs)"
  [ -n "$pkg" ] || continue
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done < "$list"
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-system: please install these Debian packages: ${missing[*]}" >&2
  exit 0
fi
echo "setup-system: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
