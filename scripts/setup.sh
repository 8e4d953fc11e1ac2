#!/usr/bin/env bash
# setup.sh - README command (a): install the Debian packages, build, run the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh build
echo "built: build/lever"
scripts/demo.sh
