#!/usr/bin/env bash
# build.sh [DIR [MESON-OPTIONS...]] - configures (once) and builds lever in DIR (default: build).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true
if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" "$@" >/dev/null
fi
ninja -C "$dir" >/dev/null
