#!/usr/bin/env bash
# install-deps.sh - installs the Debian 12 packages lever builds and tests with.
# Idempotent: does nothing when they are all there. Needs root (or sudo) only to install.
set -euo pipefail
packages=(build-essential meson ninja-build pkg-config libzip-dev libdeflate-dev
          libxxhash-dev libjansson-dev libcmocka-dev libcurl4-openssl-dev iso-codes gawk zip
          python3 clang zlib1g-dev libxlsxwriter-dev python3-openpyxl python3-pandas)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
