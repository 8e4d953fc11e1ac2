#!/usr/bin/env bash
# fuzz.sh [SECONDS [TARGET...]] - builds the libFuzzer targets of tests/fuzz with clang
# (build-fuzz: -Dfuzz=true, AddressSanitizer and UBSan), replays each target's crash
# regressions (tests/fuzz/regress/TARGET/*), then fuzzes each target for SECONDS (default
# 5) from its corpus (tests/fuzz/corpus/TARGET; new inputs go to a scratch folder, never
# into the repository). Ends with "N passed, N failed, N skipped" like tests/run.sh; a
# target passes when it neither crashes nor leaks. Without clang everything is skipped.
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(csv dict zip groups sigma store comtrade_plus events chains borders)
if ! command -v clang >/dev/null; then
    echo "skip: fuzz: clang is not installed (scripts/install-deps.sh installs it)"
    echo "0 passed, 0 failed, ${#targets[@]} skipped"
    exit 0
fi
if [ ! -f build-fuzz/build.ninja ]; then
    CC=clang meson setup build-fuzz -Dfuzz=true -Dtests=false -Db_sanitize=address,undefined \
        -Dbuildtype=debug -Db_lundef=false >/dev/null || { echo "0 passed, 1 failed, 0 skipped"; exit 1; }
fi
ninja -C build-fuzz >/dev/null || { echo "FAIL: fuzz: the targets do not build"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
pass=0 fail=0
for t in "${targets[@]}"; do
    bin=build-fuzz/tests/fuzz/fuzz_$t
    regress=(tests/fuzz/regress/"$t"/*)
    if [ -e "${regress[0]}" ] && ! "$bin" "${regress[@]}" >"$scratch/$t.log" 2>&1; then
        echo "FAIL: fuzz_$t: a crash regression fails again"
        tail -n 30 "$scratch/$t.log" | sed 's/^/    | /'
        fail=$((fail + 1))
        continue
    fi
    mkdir -p "$scratch/$t"
    # -max_len: the store seed is 80 KB; the others are far below
    if "$bin" -max_total_time="$seconds" -max_len=100000 -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$scratch/$t-" "$scratch/$t" tests/fuzz/corpus/"$t" \
        >"$scratch/$t.log" 2>&1; then
        execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$scratch/$t.log")
        cov=$(grep -o 'cov: [0-9]*' "$scratch/$t.log" | tail -n 1)
        echo "ok: fuzz_$t: $execs runs in ${seconds} s, $cov edges, no crash"
        pass=$((pass + 1))
    else
        echo "FAIL: fuzz_$t: crashed; the input is saved as below (add it to tests/fuzz/regress/$t)"
        grep -E 'ERROR|SUMMARY|Test unit written|^    #[0-9]' "$scratch/$t.log" | head -n 30 | sed 's/^/    | /'
        mkdir -p build-fuzz/crashes && cp "$scratch/$t"-* build-fuzz/crashes/ 2>/dev/null
        fail=$((fail + 1))
    fi
done
echo "$pass passed, $fail failed, 0 skipped"
[ "$fail" -eq 0 ]
