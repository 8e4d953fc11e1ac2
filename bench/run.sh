#!/usr/bin/env bash
# run.sh - lever's benchmark, side by side with DuckDB, in one command:
#
#     bench/run.sh                       # 30M rows, then 100M rows for scaling
#     bench/run.sh --rows 3000000        # a quick run while developing
#
# For each size: generates a synthetic BACI-layout CSV with `lever synth`, imports it with
# `lever import` and loads it into DuckDB (@duckdb/node-api, 2 threads), answers Q2-Q6 on
# both (bench/lever_bench.c, bench/duckdb_side.mjs), each step in fresh processes, cold
# (the store or database file dropped from the page cache first) and warm, and writes
# every measurement as a JSON line to bench/work/results-ROWS.jsonl. bench/report.mjs then
# checks that lever and DuckDB agree on every step's checksums, prints the table and
# writes it, with the machine's facts, into bench/RESULTS.md (between the MEASURED markers).
#
# Why fresh processes and page-cache eviction instead of timing inside one process:
# `lever` is a command-line tool; what a user waits for is a new process on a store that
# may not be in memory. Eviction uses posix_fadvise(DONTNEED) on the files involved only,
# so it needs no root and leaves the rest of the machine alone.
#
# Options:
#   --rows N[,N...]  sizes to run (default 30000000,100000000)
#   --repeat N       warm runs per step, best kept (default 5; DuckDB at most 3, and 1 from
#                    50M rows up, where its Q6 takes minutes)
#   --build DIR      meson build directory (default build-bench, configured as release)
#   --no-zip         skip the BACI-zip import (it needs `zip` and time to compress)
#   --keep           keep the generated files (CSV, store, database, zip) and reuse a CSV
#                    already there (default: generate afresh, delete when done)
#   --seed N         seed of lever synth (default 1)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
sizes=30000000,100000000
repeat=5
build=build-bench
do_zip=1
keep=0
seed=1
while [ $# -gt 0 ]; do
    case $1 in
    --rows) sizes=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --no-zip) do_zip=0; shift ;;
    --keep) keep=1; shift ;;
    --seed) seed=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option $1; see bench/run.sh --help" >&2; exit 2 ;;
    esac
done

work=$here/work
mkdir -p "$work"
cd "$root"
log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

# ---- what the benchmark needs besides lever's own packages: Node.js and npm for DuckDB ----
"$root/scripts/install-deps.sh"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    log "installing nodejs and npm (apt-get)"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq nodejs npm >/dev/null
fi

# ---- build: lever (release) and the C harness against its static library ----
if [ ! -f "$build/build.ninja" ]; then
    log "configuring $build (release)"
    meson setup "$build" -Dbuildtype=release >/dev/null
fi
log "building lever in $build"
if [ -n "${LEVER:-}" ]; then # another lever binary, as in tests/run.sh: build the library only
    ninja -C "$build" liblever.a >/dev/null
    lever=$LEVER
else
    ninja -C "$build" lever liblever.a >/dev/null
    lever=$root/$build/lever
fi
bench=$root/$build/lever_bench
lib=$build/liblever.a
cc -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wpedantic -Werror -Wshadow -Wstrict-prototypes \
    -Wmissing-prototypes -Iinclude -Isrc/lib/base -Isrc/lib/ingest -Isrc/lib/store -Isrc/lib/measures bench/lever_bench.c -o "$bench" "$lib" \
    $(pkg-config --libs libdeflate libxxhash jansson) -lm -pthread

if [ ! -d "$here/node_modules/@duckdb/node-api" ]; then
    log "installing @duckdb/node-api (npm ci)"
    (cd "$here" && npm ci --no-audit --no-fund >/dev/null)
fi
duck() { node "$here/duckdb_side.mjs" "$@"; }

# ---- the machine ----
facts=$work/machine.json
log "measuring the disk's write speed (1 GiB, fdatasync)"
dd_out=$(dd if=/dev/zero of="$work/ddtest" bs=1M count=1024 conv=fdatasync 2>&1 | tail -1)
rm -f "$work/ddtest"
disk_mbs=$(printf '%s\n' "$dd_out" | awk -F', ' '{print $NF}')
touch_json=$("$bench" touch 1024)
# the floor under any "fresh process" figure: the best of 5 runs of /bin/true and of lever --version
best_wall() {
    local best=""
    for _ in 1 2 3 4 5; do
        local w
        w=$("$bench" spawn --out /dev/null "$@" | sed 's/.*"wall_s":\([0-9.]*\).*/\1/')
        best=$(awk -v a="$w" -v b="${best:-$w}" 'BEGIN {print (a < b) ? a : b}')
    done
    echo "$best"
}
true_s=$(best_wall /bin/true)
version_s=$(best_wall "$lever" --version)
cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
mem_kb=$(awk '/^MemTotal/ {print $2}' /proc/meminfo)
cat >"$facts" <<EOF
{"cpu":"$cpu","cores":$(nproc),"mem_kb":$mem_kb,"kernel":"$(uname -r)","disk_write":"$disk_mbs",
 "duckdb":"$(node -e "console.log(require('$here/node_modules/@duckdb/node-api/package.json').version)")",
 "node":"$(node --version)","cc":"$(cc --version | head -1)",
 "lever":"$(git describe --always --dirty 2>/dev/null || echo unknown)",
 "touch":$touch_json,"true_s":$true_s,"lever_version_s":$version_s,"repeat":$repeat,"date":"$(date -u +%Y-%m-%dT%H:%MZ)"}
EOF

# record STEP ENGINE MODE JSON: one measurement line in the results file
record() {
    printf '{"step":"%s","engine":"%s","mode":"%s","data":%s}\n' "$1" "$2" "$3" "$4" >>"$results"
}

run_size() {
    local rows=$1
    local csv=$work/synth-$rows.csv store=$work/synth-$rows.store db=$work/synth-$rows.duckdb
    results=$work/results-$rows.jsonl
    : >"$results"
    local load_start duck_repeat=$((repeat < 3 ? repeat : 3))
    load_start=$(cut -d' ' -f1 /proc/loadavg)
    # DuckDB needs minutes per Q6 at 100M rows: fewer warm runs there
    [ "$rows" -lt 50000000 ] || duck_repeat=$((repeat < 1 ? repeat : 1))

    if [ $keep = 0 ] || [ ! -s "$csv" ]; then
        log "$rows rows: lever synth"
        record synth lever run "$("$bench" spawn --err "$work/synth.err" "$lever" synth --rows "$rows" --seed "$seed" -o "$csv")"
    fi
    local bytes lines
    bytes=$(stat -c %s "$csv")
    cat "$csv" >/dev/null
    record wc system warm "$("$bench" spawn --out /dev/null wc -l "$csv")"
    lines=$(wc -l <"$csv")
    record csv system info "{\"bytes\":$bytes,\"lines\":$lines}"

    # Q1: cold = the CSV dropped from the page cache first; warm = read from the page cache
    # (twice, the better one kept).
    log "$rows rows: Q1 lever import"
    for mode in cold warm warm; do
        rm -f "$store"
        if [ $mode = cold ]; then "$bench" evict "$csv" >/dev/null; else cat "$csv" >/dev/null; fi
        record q1 lever $mode "$("$bench" spawn --err "$work/import.err" "$lever" import "$csv" -o "$store")"
    done
    if [ ! -s "$store" ]; then
        echo "run.sh: lever import failed:" >&2
        cat "$work/import.err" >&2
        exit 1
    fi
    record store lever info "{\"bytes\":$(stat -c %s "$store")}"
    record q1check lever info "$("$bench" q1 "$store" --repeat 0)"

    if [ $do_zip = 1 ]; then
        log "$rows rows: Q1 lever import of a BACI-layout zip"
        local zipdir=$work/zip-$rows zip=$work/BACI_HS17_V202401-$rows.zip
        if [ ! -s "$zip" ]; then
            rm -rf "$zipdir" && mkdir -p "$zipdir"
            split_by_year "$csv" "$zipdir"
            (cd "$zipdir" && zip -q -6 "$zip" BACI_*.csv)
            rm -rf "$zipdir"
        fi
        cat "$zip" >/dev/null
        rm -f "$work/zip.store"
        record q1zip lever warm "$("$bench" spawn --err "$work/import-zip.err" "$lever" import "$zip" -o "$work/zip.store")"
        record zip system info "{\"bytes\":$(stat -c %s "$zip")}"
        rm -f "$work/zip.store"
        [ $keep = 1 ] || rm -f "$zip"
    fi

    log "$rows rows: Q1 DuckDB load"
    for mode in cold warm warm; do
        rm -f "$db" "$db.wal"
        if [ $mode = cold ]; then "$bench" evict "$csv" >/dev/null; else cat "$csv" >/dev/null; fi
        record q1 duckdb $mode "$(duck load --db "$db" --csv "$csv")"
    done
    record db duckdb info "{\"bytes\":$(stat -c %s "$db")}"

    local a b
    read -r a b < <("$bench" pick "$store")
    record pick lever info "{\"a\":$a,\"b\":$b}"
    log "$rows rows: queries (A = $a, B = $b)"
    local step args
    for step in q2 q3 q4 q5 q6; do
        case $step in
        q2) args=(--a "$a" --b "$b") ;;
        q5) args=(--a "$a") ;;
        *) args=() ;;
        esac
        "$bench" evict "$store" >/dev/null
        record $step lever cold "$("$bench" $step "$store" "${args[@]}" --repeat 0)"
        record $step lever warm "$("$bench" $step "$store" "${args[@]}" --repeat "$repeat")"
        "$bench" evict "$db" >/dev/null
        record $step duckdb cold "$(duck $step --db "$db" "${args[@]}" --repeat 0)"
        record $step duckdb warm "$(duck $step --db "$db" "${args[@]}" --repeat "$duck_repeat")"
    done

    # Q2 and Q5 as a user runs them: a fresh `lever` process each time.
    log "$rows rows: lever dyad / lever leverage as processes"
    local last
    last=$(tail -1 "$csv" | cut -d, -f1)
    "$bench" evict "$store" >/dev/null
    record q2cli lever cold "$("$bench" spawn --out /dev/null "$lever" dyad "$a" "$b" --top 10 --format csv --store "$store")"
    for n in $(seq "$repeat"); do
        record q2cli lever warm "$("$bench" spawn --out /dev/null "$lever" dyad "$a" "$b" --top 10 --format csv --store "$store")"
    done
    "$bench" evict "$store" >/dev/null
    record q5cli lever cold "$("$bench" spawn --out /dev/null "$lever" leverage "$a" --year "$last" --format csv --store "$store")"
    for n in $(seq "$repeat"); do
        record q5cli lever warm "$("$bench" spawn --out /dev/null "$lever" leverage "$a" --year "$last" --format csv --store "$store")"
    done
    # chains and transit as a user runs them (the targets are whole commands): the
    # importer b of the benchmark pair, its flour by origin and every transit country.
    log "$rows rows: lever chains / lever transit --over as processes"
    local step cmd
    for step in q7cli q8cli; do
        if [ $step = q7cli ]; then cmd=(chains "$b" --product 1101 --year "$last")
        else cmd=(transit --over "$b" --year "$last"); fi
        "$bench" evict "$store" >/dev/null
        record $step lever cold "$("$bench" spawn --out /dev/null "$lever" "${cmd[@]}" --format csv --store "$store")"
        for n in $(seq "$repeat"); do
            record $step lever warm "$("$bench" spawn --out /dev/null "$lever" "${cmd[@]}" --format csv --store "$store")"
        done
    done
    # the bilateral report as a user runs it (lever report A B, every year): the page on
    # standard output, thrown away
    log "$rows rows: lever report as a process"
    "$bench" evict "$store" >/dev/null
    record q9cli lever cold "$("$bench" spawn --out /dev/null "$lever" report "$a" "$b" --store "$store")"
    for n in $(seq "$repeat"); do
        record q9cli lever warm "$("$bench" spawn --out /dev/null "$lever" report "$a" "$b" --store "$store")"
    done
    [ $keep = 1 ] || rm -f "$db" "$db.wal"
    # other work on the machine makes every figure slower: say how busy it was
    record load system info "{\"start\":$load_start,\"end\":$(cut -d' ' -f1 /proc/loadavg)}"
}

# split_by_year CSV DIR: one BACI_HS17_Y<year>_V202401.csv per year, as in a BACI release
# (the CSV from lever synth is sorted by year, so each year is one byte range).
split_by_year() {
    local csv=$1 dir=$2 header y0 y1 y start end
    header=$(grep -m1 -v '^#' "$csv")
    y0=$(grep -m2 -v '^#' "$csv" | tail -1 | cut -d, -f1)
    y1=$(tail -1 "$csv" | cut -d, -f1)
    for ((y = y0; y <= y1; y++)); do
        start=$(grep -b -m1 "^$y," "$csv" | cut -d: -f1)
        end=$(grep -b -m1 "^$((y + 1))," "$csv" | cut -d: -f1 || true)
        [ -n "$end" ] || end=$(stat -c %s "$csv")
        { printf '%s\n' "$header"
          dd if="$csv" bs=1M iflag=skip_bytes,count_bytes skip="$start" count="$((end - start))" \
              status=none; } >"$dir/BACI_HS17_Y${y}_V202401.csv"
    done
}

IFS=, read -r -a size_list <<<"$sizes"
prev=""
for rows in "${size_list[@]}"; do
    if [ -n "$prev" ] && [ $keep = 0 ]; then
        rm -f "$work/synth-$prev.csv" "$work/synth-$prev.store"
    fi
    run_size "$rows"
    prev=$rows
done
[ $keep = 1 ] || rm -f "$work/synth-$prev.csv" "$work/synth-$prev.store"
node "$here/report.mjs" "$work" "$here/RESULTS.md" "${size_list[@]}"
# the other sources (Comtrade Plus import, a question over two stores): bench/sources.sh
log "other sources: bench/sources.sh"
"$here/sources.sh" --lever "$lever" --rows 1000000
