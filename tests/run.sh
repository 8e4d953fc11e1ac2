#!/usr/bin/env bash
# run.sh BUILD_DIR - runs every unit test binary and every CLI test script against
# one build, and prints "N passed, N failed, N skipped". Unit tests speak TAP
# (cmocka's CMOCKA_MESSAGE_OUTPUT=TAP); CLI scripts end with "RESULT pass fail skip".
set -u
build=${1:?usage: tests/run.sh BUILD_DIR}
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$build" && pwd)
export LEVER="$build/lever"
pass=0 fail=0 skipped=0

for t in "$build"/tests/test_*; do
    [ -f "$t" ] && [ -x "$t" ] || continue
    out=$(cd "$build" && CMOCKA_MESSAGE_OUTPUT=TAP "$t" 2>&1)
    rc=$?
    # cmocka writes a skipped test as "not ok N # SKIP name"
    s=$(printf '%s\n' "$out" | grep -cE '^(not )?ok .*# SKIP')
    p=$(printf '%s\n' "$out" | grep '^ok ' | grep -vc '# SKIP')
    f=$(printf '%s\n' "$out" | grep '^not ok ' | grep -vc '# SKIP')
    if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    printf '%s\n' "$out" | grep -E '^(not ok|ok .*# SKIP)|^#' | sed "s|^|$(basename "$t"): |"
    echo "unit $(basename "$t"): $p passed, $f failed, $s skipped"
    pass=$((pass + p)); fail=$((fail + f)); skipped=$((skipped + s))
done

for t in "$root"/tests/cli/t[0-9]*.sh; do
    [ -f "$t" ] || continue
    out=$(bash "$t" 2>&1)
    rc=$?
    printf '%s\n' "$out" | grep -v '^RESULT '
    res=$(printf '%s\n' "$out" | grep '^RESULT ' | tail -n 1)
    if [ -z "$res" ]; then
        echo "FAIL: $(basename "$t") ended without its RESULT line (exit $rc)"
        fail=$((fail + 1))
        continue
    fi
    set -- $res
    pass=$((pass + $2)); fail=$((fail + $3)); skipped=$((skipped + $4))
done

echo "$pass passed, $fail failed, $skipped skipped"
[ "$fail" -eq 0 ]
