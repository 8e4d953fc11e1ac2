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

# fuzz_chains: a year beyond int in a production file was converted to int before its
# range was checked (UBSan: float-cast-overflow).
expect "a production file with a year of 13 digits: a clean error at its column" '
    printf "t,i,j,k,v,q\n2021,398,860,100199,90,300\n2021,860,4,110100,50,120\n" > chain.csv
    "$LEVER" import -q chain.csv -o c.store
    printf "country,year,product,tonnes\nUZB,2222222222211,1001,5\n" > production.csv
    exits 1 "$LEVER" chains AFG --product 1101 --production production.csv --store c.store
    grep -q "^lever: production.csv:2:5: bad year .2222222222211." "$TMP/err"
    ! grep -q "runtime error" "$TMP/err"'

# fuzz_borders: a pair with no route sorted a NULL array of routes (qsort(NULL, 0), UBSan).
expect "borders where the pair has no route: transit answers, without undefined behaviour" '
    mkdir -p geo
    printf "iso3_a,iso3_b\nKAZ,UZB\n" > geo/contiguity.csv
    printf "iso3,landlocked\nKAZ,1\nUZB,1\nAFG,1\n" > geo/countries.csv
    printf "t,i,j,k,v,q\n2021,398,4,110100,150,400\n" > pair.csv
    "$LEVER" import -q pair.csv -o p.store
    "$LEVER" transit KAZ AFG --geo geo --store p.store > out.txt 2>&1 || true
    ! grep -q "runtime error" out.txt'

# fuzz_events: an events file in Latin-1 gave labels that were not UTF-8 (then invalid JSON).
expect "an events file in Latin-1: refused at the first bad byte" '
    printf "date,countries,label,source\n2022-01-01,UZB,Caf\xe9,x\n" > events.csv
    exits 1 "$LEVER" dyad KAZ AFG --events events.csv --store p.store
    grep -q "events.csv:2:19: byte 0xE9 is not valid UTF-8" "$TMP/err"'

finish
