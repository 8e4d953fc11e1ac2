#!/usr/bin/env bash
# t0510-kill-import: an import killed at any moment while it replaces a store leaves the
# old store or the complete new one (each opens and passes `info --check`), and the next
# import leaves no temporary file; SIGTERM and SIGINT remove the temporary file
# themselves; stale temporary files are removed only when they are lever's own and no
# import holds them.
. "$(dirname "$0")/lib.sh"
cd "$TMP"
TRIALS=${LEVER_KILL_TRIALS:-50}
"$LEVER" synth --rows 20000 --seed 1 -o old.csv 2>/dev/null
"$LEVER" synth --rows 50000 --seed 2 -o new.csv 2>/dev/null
"$LEVER" import -q old.csv -o old.store
"$LEVER" import -q new.csv -o new.store

# The import's duration, in microseconds, sets the range of the random kill moments.
t0=$(date +%s%N)
cp old.store s.store
"$LEVER" import -q new.csv -o s.store
span=$(( ($(date +%s%N) - t0) / 1000 * 12 / 10 ))

temps() { ls s.store.tmp.* 2>/dev/null | wc -l; }

expect "$TRIALS SIGKILLs at random moments (seed 12): old or new store, never a broken one" '
    RANDOM=12
    n_old=0 n_new=0 n_left=0
    for trial in $(seq "$TRIALS"); do
        cp old.store s.store
        at=$(( (RANDOM * 32768 + RANDOM) % span ))
        # every other trial with named temporary files (the fallback of file systems
        # without O_TMPFILE), so that the removal of stale ones is tried too
        if [ $((trial % 2)) -eq 0 ]; then named=1; else named=; fi
        LEVER_TEST_NAMED_TEMP=$named "$LEVER" import -q new.csv -o s.store &
        pid=$!
        sleep "$(printf "%d.%06d" $((at / 1000000)) $((at % 1000000)))"
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        "$LEVER" info --check --store s.store >/dev/null || { echo "trial $trial: check fails"; exit 1; }
        if cmp -s s.store old.store; then n_old=$((n_old + 1))
        elif cmp -s s.store new.store; then n_new=$((n_new + 1))
        else echo "trial $trial (kill at ${at} us): neither the old nor the new store"; exit 1; fi
        n_left=$((n_left + $(temps)))
        # the next import removes what the killed one left
        "$LEVER" import -q old.csv -o s.store
        [ "$(temps)" -eq 0 ] || { echo "trial $trial: temporary files survive the next import"; ls -la; exit 1; }
        cmp -s s.store old.store
    done
    echo "kill trials: $TRIALS, span ${span} us: old store $n_old, new store $n_new, temporary files left by the kills $n_left, after the next import 0" >&3' 3>&1

for sig in TERM INT; do
    expect "SIGTERM/SIGINT mid-import ($sig): the temporary file is removed by the dying import" '
        ok=0
        for named in "" 1; do
            for delay in 0.05 0.15; do
                cp old.store s.store
                LEVER_TEST_NAMED_TEMP=$named "$LEVER" import -q new.csv -o s.store &
                pid=$!
                sleep $delay
                kill -'$sig' "$pid" 2>/dev/null || true
                wait "$pid" 2>/dev/null || true
                [ "$(temps)" -eq 0 ] || { echo "signal at $delay s left a temporary file"; exit 1; }
                cmp -s s.store old.store || cmp -s s.store new.store
            done
        done'
done

expect "a stale temporary file is removed only if it is lever's own and unlocked" '
    cp old.store s.store
    printf "LEVERTMP and the rest" > s.store.tmp.AbC123   # lever'"'"'s, dead
    printf "somebody else"       > s.store.tmp.XyZ789     # not lever'"'"'s
    printf "LEVERTMP locked"     > s.store.tmp.Lck456     # lever'"'"'s, held by a live import
    printf "LEVERTMP"            > s.store.tmp.toolong1   # not the pattern
    exec 7<s.store.tmp.Lck456
    flock -x 7
    "$LEVER" import -q new.csv -o s.store
    exec 7<&-
    [ ! -e s.store.tmp.AbC123 ]
    [ -e s.store.tmp.XyZ789 ] && [ -e s.store.tmp.Lck456 ] && [ -e s.store.tmp.toolong1 ]
    cmp s.store new.store'

finish
