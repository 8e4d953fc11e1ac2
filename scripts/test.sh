#!/usr/bin/env bash
# test.sh - README command (b), and what CI runs: installs what is missing, builds lever
# twice (optimised, and with AddressSanitizer + UndefinedBehaviorSanitizer), runs every
# test on both, runs each fuzz target for a few seconds (scripts/fuzz.sh), builds the
# thread-safety test with ThreadSanitizer and runs it alone (several threads querying one
# store), and ends with one line "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh || { echo "0 passed, 1 failed, 0 skipped"; exit 1; }
pass=0 fail=0 skipped=0
# count NAME OUTPUT: adds the counts of OUTPUT's last line "N passed, N failed, N skipped".
count() {
    local line
    line=$(printf '%s\n' "$2" | tail -n 1)
    echo "$1: $line"
    if [[ "$line" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed,\ ([0-9]+)\ skipped$ ]]; then
        pass=$((pass + BASH_REMATCH[1])); fail=$((fail + BASH_REMATCH[2]))
        skipped=$((skipped + BASH_REMATCH[3]))
    else
        echo "FAIL: $1: the run ended without its summary line"
        fail=$((fail + 1))
    fi
}
for variant in build build-san; do
    opts=()
    [ "$variant" = build-san ] && opts=(-Db_sanitize=address,undefined -Dbuildtype=debug -Db_lundef=false)
    echo "== $variant"
    if ! scripts/build.sh "$variant" "${opts[@]}"; then
        echo "FAIL: $variant does not build"
        fail=$((fail + 1))
        continue
    fi
    export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1
    export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
    out=$(tests/run.sh "$variant" 2>&1)
    printf '%s\n' "$out" | grep -v '^ok' | grep -v ' passed, .* failed' || true
    count "$variant" "$out"
done
# A short bounded run of every fuzz target (tests/fuzz), with its crash regressions.
echo "== fuzz"
out=$(scripts/fuzz.sh 5 2>&1)
printf '%s\n' "$out" | grep -v ' passed, .* failed' || true
count fuzz "$out"
echo "== build-tsan"
# Only the test of the thread-safety rule (lever.h): short, and what TSan is for here.
if { [ -f build-tsan/build.ninja ] || meson setup build-tsan -Db_sanitize=thread \
        -Dbuildtype=debug -Db_lundef=false >/dev/null; } &&
    ninja -C build-tsan tests/test_threads >/dev/null; then
    if TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 build-tsan/tests/test_threads; then
        echo "build-tsan: 1 passed, 0 failed, 0 skipped"
        pass=$((pass + 1))
    else
        echo "FAIL: build-tsan: test_threads"
        fail=$((fail + 1))
    fi
else
    echo "FAIL: build-tsan does not build"
    fail=$((fail + 1))
fi
echo "$pass passed, $fail failed, $skipped skipped"
[ "$fail" -eq 0 ]
