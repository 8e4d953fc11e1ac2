#!/usr/bin/env bash
# t0530-faults: a full disk, failed writes, fsync and rename, and allocations failing one by
# one give a clear error (exit 1, "lever: ..."), never a crash, and leave the old store
# byte for byte as it was, with no temporary file beside it.
. "$(dirname "$0")/lib.sh"
cd "$TMP"
SHIM=$(dirname "$LEVER")/tests/libfaultshim.so
"$LEVER" synth --rows 2000 --seed 1 -o small.csv 2>/dev/null
"$LEVER" synth --rows 30000 --seed 2 -o big.csv 2>/dev/null
"$LEVER" import -q small.csv -o old.store

# The old store is intact, no temporary file is left, and the error is a sentence.
intact() {
    cmp "$1" old.store || { echo "the old store changed"; return 1; }
    ! ls "$1".tmp.* 2>/dev/null || { echo "a temporary file is left"; return 1; }
}

full=$TMP/full
mkdir -p "$full"
if mount -t tmpfs -o size=512k tmpfs "$full" 2>/dev/null; then
    trap 'umount "$full" 2>/dev/null; rm -rf "$TMP"' EXIT
    expect "a full disk (512 KB tmpfs): clear error, old store intact" '
        cp old.store "$full/s.store"
        exits 1 "$LEVER" import -q big.csv -o "$full/s.store"
        grep -q "^lever: cannot write .*No space left on device" "$TMP/err"
        intact "$full/s.store"
        [ "$(ls "$full")" = s.store ]'
    umount "$full"
    trap 'rm -rf "$TMP"' EXIT
else
    skip "a full disk gives a clear error" "mounting a tmpfs is not permitted here"
fi

# Under the sanitizers the preloaded library would have to come before the sanitizer's
# runtime; the faults are the same, so they are tried on the plain build only.
if [ ! -f "$SHIM" ]; then
    skip "injected faults" "the fault library was not built ($SHIM)"
elif ldd "$LEVER" | grep -q 'libasan\|libubsan'; then
    skip "injected faults" "a sanitizer build: run on the optimised build"
else
    expect "each write of the store failing in turn, with EIO and ENOSPC: clear error, old store intact" '
        n=$(FAULT_LOG=1 LD_PRELOAD=$SHIM "$LEVER" import -q small.csv -o probe.store 2>&1 |
            sed -n "s/^faultshim: .* \([0-9]*\) pwrites$/\1/p")
        [ "$n" -gt 0 ]
        for k in $(seq 1 "$n"); do
            for e in 5 28; do
                cp old.store s.store
                FAULT_PWRITE=$k FAULT_ERRNO=$e LD_PRELOAD=$SHIM exits 1 "$LEVER" import -q big.csv -o s.store
                grep -q "^lever: cannot write" "$TMP/err"
                intact s.store
            done
        done
        echo "write faults: $n x 2 cases, all refused cleanly" >&3' 3>&1

    expect "fsync and rename failing: clear error, old store intact" '
        cp old.store s.store
        FAULT_FSYNC=1 LD_PRELOAD=$SHIM exits 1 "$LEVER" import -q big.csv -o s.store
        grep -q "^lever: cannot fsync" "$TMP/err"
        intact s.store
        FAULT_RENAME=1 LD_PRELOAD=$SHIM exits 1 "$LEVER" import -q big.csv -o s.store
        grep -q "^lever: cannot rename" "$TMP/err"
        intact s.store'

    expect "allocations failing one at a time (every one of the first 60, then every 53rd): exit 0 with a good store or exit 1 \"out of memory\", never a crash, never a store that differs (every country named as without faults)" '
        n=$(FAULT_LOG=1 LD_PRELOAD=$SHIM "$LEVER" import -q small.csv -o probe.store 2>&1 |
            sed -n "s/^faultshim: \([0-9]*\) allocations.*/\1/p")
        [ "$n" -gt 60 ]
        "$LEVER" country --store probe.store > names.countries
        ok=0 refused=0
        for k in $(seq 1 60) $(seq 61 53 "$n"); do
            cp old.store s.store
            rc=0
            FAULT_ALLOC=$k LD_PRELOAD=$SHIM "$LEVER" import -q small.csv -o s.store 2>"$TMP/err" >/dev/null || rc=$?
            case $rc in
            0) "$LEVER" info --check --store s.store >/dev/null
               "$LEVER" country --store s.store > got.countries
               cmp got.countries names.countries || { echo "allocation $k: countries differ"; exit 1; }
               ok=$((ok + 1)) ;;
            1) grep -q "^lever: .*out of memory" "$TMP/err" || { echo "allocation $k:"; cat "$TMP/err"; exit 1; }
               intact s.store; refused=$((refused + 1)) ;;
            *) echo "allocation $k: exit $rc"; cat "$TMP/err"; exit 1 ;;
            esac
        done
        echo "allocation faults: $((ok + refused)) of $n allocations tried: $refused refused with out of memory, $ok absorbed" >&3' 3>&1

    # jansson drops a character of a string whose buffer cannot grow and still returns the
    # document: a Comtrade import (names from iso-codes only) with each of its first 300
    # allocations failing either fails or names every country in full
    expect "allocations failing while the country names are read: the import fails, or every name is whole (never \"Afghanista\")" '
        ct=$ROOT/tests/data/comtrade_plus/kaz_afg_annual.csv
        "$LEVER" import -q "$ct" -o ct.store
        "$LEVER" country --store ct.store --format csv > ct.countries
        grep -q "Islamic Republic of Afghanistan" ct.countries || { echo "iso-codes gives no names here"; exit 0; }
        ok=0 refused=0
        for k in $(seq 1 300); do
            rm -f s.store
            rc=0
            FAULT_ALLOC=$k LD_PRELOAD=$SHIM "$LEVER" import -q "$ct" -o s.store 2>"$TMP/err" >/dev/null || rc=$?
            case $rc in
            0) "$LEVER" country --store s.store --format csv > got.countries
               cmp got.countries ct.countries || { echo "allocation $k: names differ"; diff got.countries ct.countries; exit 1; }
               ok=$((ok + 1)) ;;
            1) grep -q "^lever: .*\(out of memory\|Cannot allocate memory\)" "$TMP/err" || { echo "allocation $k:"; cat "$TMP/err"; exit 1; }
               refused=$((refused + 1)) ;;
            *) echo "allocation $k: exit $rc"; cat "$TMP/err"; exit 1 ;;
            esac
        done
        echo "name faults: 300 allocations tried: $refused refused, $ok absorbed" >&3' 3>&1
fi

finish
