#!/usr/bin/env bash
# demo.sh - the built-in demo: a synthetic world made by `lever synth`, imported into a
# store, then the motivating questions asked of it. Synthetic: every output says so.
set -euo pipefail
cd "$(dirname "$0")/.."
lever=build/lever
mkdir -p build/demo
run() { echo; echo "\$ lever $*"; "$lever" "$@"; }
echo "Making a synthetic world (not real trade) and importing it:"
"$lever" synth --rows 300000 --seed 1 -o build/demo/sample.csv --events build/demo/events.csv
"$lever" import build/demo/sample.csv -o build/demo/demo.store
export LEVER_STORE=build/demo/demo.store
run info --format table
run dyad KAZ AFG --top 3 --format table
run depend AFG --on KAZ --top 5 --format table
run leverage KAZ --over AFG --top 3 --format table
run compare AFG --suppliers KAZ,UZB --top 3 --format table
run chains AFG --product 1101 --top 3 --format table
run transit KAZ AFG --closed AFG-CHN --top 3 --format table
run depend AFG --product wheat --measure quantity --top 1 --format table
run dyad KAZ AFG --events build/demo/events.csv --top 0 --format table
