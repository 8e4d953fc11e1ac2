#!/usr/bin/env bash
# t0550-fuzz-found: what the fuzz targets (tests/fuzz) found, each as a command a user could
# run; the inputs themselves are replayed by scripts/fuzz.sh from tests/fuzz/regress.
. "$(dirname "$0")/lib.sh"
cd "$TMP"

# fuzz_store: with every name of every country empty, the "did you mean" list compared
# distances of INT32_MAX + 1 (signed overflow, reported by UBSan).
expect "a store whose countries have no names: an unknown country is a clean error" '
    printf "country_code,country_name\n251,\n12,\n" > names.csv
    printf "t,i,j,k,v,q\n2021,251,12,100190,1.5,2\n" > rows.csv
    "$LEVER" import -q names.csv rows.csv -o e.store
    exits 1 "$LEVER" country ZZZ --store e.store
    grep -q "unknown country \"ZZZ\"" "$TMP/err"
    ! grep -q "runtime error" "$TMP/err"'

finish
