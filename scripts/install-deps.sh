#!/usr/bin/env bash
# install-deps.sh - installs the Debian 12 packages lever builds and tests with.
# Idempotent: does nothing when they are all there. Needs root (or sudo) only to install.
# Also the npm packages of the browser tests (tests/browser: playwright-core, which drives
# Debian's chromium), installed from tests/browser/package-lock.json when missing.
set -euo pipefail
packages=(build-essential meson ninja-build pkg-config libzip-dev libdeflate-dev
          libxxhash-dev libjansson-dev libcmocka-dev libcurl4-openssl-dev iso-codes gawk zip
          python3 clang zlib1g-dev librsvg2-bin chromium
          libxlsxwriter-dev python3-openpyxl python3-pandas)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# node and npm (browser tests): Debian's packages unless a node with its npm is there
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
browser=$(cd "$(dirname "$0")/../tests/browser" && pwd)
npm_browser() {
    [ -d "$browser/node_modules/playwright-core" ] && return 0
    echo "installing: npm packages of tests/browser (npm ci)" >&2
    (cd "$browser" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
}
if [ ${#missing[@]} -eq 0 ]; then
    npm_browser
    exit 0
fi
echo "installing: ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
npm_browser
