#!/usr/bin/env bash
# golden.sh [--update] [BUILD_DIR] [FILE.md...] - runs every ```console example of README.md
# and docs/commands/*.md with BUILD_DIR's lever (default: build) and compares its output with
# the page's; --update rewrites the pages' outputs instead, keeping their elisions. The rules
# (stores, "...", directives) are in tests/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
update=()
if [ "${1:-}" = --update ]; then update=(--update); shift; fi
build=${1:-build}
shift || true
exec python3 tests/golden/docs.py --lever "$build/lever" "${update[@]}" "$@"
