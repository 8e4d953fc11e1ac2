#!/usr/bin/env bash
# t0500-damaged-store.sh - a damaged store never gives a wrong answer: bytes flipped across
# the whole file (header, section table, every section) and the file truncated at many
# lengths, on a synthetic store and on a store of the real Algeria sample; every query
# command either refuses with a clear message or answers exactly as on the intact store
# (damage_trials.py). Also: --store naming a FIFO or a directory.
#
# LEVER_DAMAGE_TRIALS=N flips about N bytes per store (default 40: about 650 commands per
# store, a minute for both in a sanitizer build on 2 cores); a large N (1000) is the
# exhaustive mode.
. "$(dirname "$0")/lib.sh"

trials=${LEVER_DAMAGE_TRIALS:-40}
mkdir -p "$TMP/work"

expect "a synthetic world of 20,000 rows over 3 years imports" 'synth_store synth 20000 1'

expect "synthetic store: every flipped byte or truncation is refused or changes nothing" '
    python3 "$ROOT/tests/cli/damage_trials.py" "$LEVER" "$TMP/synth.store" 156 842 276 \
        "$TMP/work" "$trials" | tee "$TMP/synth.trials"
'
tail -n 1 "$TMP/synth.trials" 2>/dev/null | sed "s/^/    synthetic: /"

if need_shared "Algeria store: every flipped byte or truncation is refused or changes nothing"; then
    expect "import Algeria's 2021 imports and exports with the BACI dictionaries" 'algeria_store'
    expect "Algeria store: every flipped byte or truncation is refused or changes nothing" '
        python3 "$ROOT/tests/cli/damage_trials.py" "$LEVER" "$TMP/dza.store" DZA FRA CHN \
            "$TMP/work" "$trials" | tee "$TMP/dza.trials"
    '
    tail -n 1 "$TMP/dza.trials" 2>/dev/null | sed "s/^/    Algeria: /"
fi

expect "a flipped flow value: lever dyad refuses, naming the section" '
    cp "$TMP/synth.store" "$TMP/flip.store"
    off=$(python3 -c "
import struct, sys
d = open(sys.argv[1], \"rb\").read()
for s in range(struct.unpack_from(\"<I\", d, 20)[0]):
    i, _, off, n, _ = struct.unpack_from(\"<IIQQQ\", d, 256 + 32 * s)
    if i == 7: print(off)
" "$TMP/flip.store")
    # every value of the section: flip the low byte of each of the first 4096 rows
    python3 -c "
import sys
p, off = sys.argv[1], int(sys.argv[2])
d = bytearray(open(p, \"rb\").read())
for r in range(0, 4096 * 4, 4): d[off + r] ^= 1
open(p, \"wb\").write(d)
" "$TMP/flip.store" "$off"
    exits 1 $LEVER dyad 156 842 --store "$TMP/flip.store"
    grep -q "^lever: .*flip.store'"'"' is damaged: section '"'"'flow values'"'"' fails its checksum" "$TMP/err"
    grep -q "re-import it" "$TMP/err"
'

expect "--store naming a FIFO is refused at once (no hang)" '
    mkfifo "$TMP/fifo"
    timeout 10 $LEVER info --store "$TMP/fifo" >"$TMP/out" 2>"$TMP/err" && exit 1
    test $? -ne 124
    grep -q "is not a regular file" "$TMP/err"
'

expect "--store naming a directory says it is a directory" '
    mkdir "$TMP/dir.store"
    fails $LEVER dyad 156 842 --store "$TMP/dir.store" 2>"$TMP/err"
    grep -q "is a directory" "$TMP/err"
'

finish
