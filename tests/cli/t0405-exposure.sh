#!/usr/bin/env bash
# t0405-exposure.sh - lever exposure B: every partner P ranked by LEV(P over B). Each
# row (trade, LEV(P over B), LEV(B over P), net, rank order) is recomputed from the raw
# CSV by tests/ref/leverage.py, independently of lever, and compared at 1e-9: on a
# synthetic world and on the real Algeria files. Then options and edge cases.
. "$(dirname "$0")/lib.sh"

REF="python3 $ROOT/tests/ref/leverage.py"
SYN="$TMP/synth.csv"

expect "a synthetic world of 50,000 rows imports" 'synth_store synth 50000 1'
export LEVER_STORE="$TMP/synth.store"

expect "--help gives the usage and real examples" '
    $LEVER exposure --help >"$TMP/help" &&
    grep -q "^usage: lever exposure B" "$TMP/help" &&
    grep -q "lever exposure AFG --year 2021" "$TMP/help"
'

expect "every partner of China, by LEV(P over CHN), matches the reference" '
    lever_doc exposure CHN --top 0 >"$TMP/e.csv" &&
    grep -q "^# year: 2021" "$TMP/e.csv" &&
    $REF --data "$SYN" exposure 156 2021 "$TMP/e.csv"
'

expect "an earlier year, a product filter and current alternatives match the reference" '
    lever_doc exposure 842 --year 2019 --product 27,84 --alternatives current --top 0 \
        >"$TMP/e.csv" &&
    $REF --product 27,84 --alternatives current --data "$SYN" exposure 842 2019 "$TMP/e.csv"
'

expect "a list of alternative suppliers matches the reference" '
    lever_doc exposure 842 --alternatives 156,392 --top 0 >"$TMP/e.csv" &&
    $REF --alternatives 156,392 --data "$SYN" exposure 842 2021 "$TMP/e.csv"
'

expect "--top keeps that many rows (default 20), the meta line says how many there are" '
    lever_doc exposure CHN >"$TMP/e.csv" &&
    test "$(grep -c "^[0-9]*,[A-Z0-9]*,[0-9]*," "$TMP/e.csv")" -eq 20 &&
    lever_doc exposure CHN --top 3 >"$TMP/e.csv" &&
    test "$(grep -c "^[0-9]*,[A-Z0-9]*,[0-9]*," "$TMP/e.csv")" -eq 3 &&
    grep -q "^# partners: [0-9]* with trade, 3 shown" "$TMP/e.csv"
'

expect "a table for people names the country and the direction" '
    $LEVER exposure CHN --top 5 --format table >"$TMP/t" &&
    grep -q "^Exposure of China (CHN): who could squeeze it, 2021" "$TMP/t" &&
    grep -q "LEV(P over CHN)" "$TMP/t"
'

expect "a year not in the store fails with exit 1 and the store's range" '
    exits 1 $LEVER exposure CHN --year 2030 &&
    grep -q "year 2030 is not in the store; it holds 2019-2021" "$TMP/err"
'

expect "an unknown country fails with exit 1 and suggests candidates" '
    exits 1 $LEVER exposure Chnia &&
    grep -qi "did you mean.*china" "$TMP/err"
'

expect "usage errors exit 2: --years, no country, unknown option" '
    exits 2 $LEVER exposure CHN --years 2019-2020
    exits 2 $LEVER exposure
    exits 2 $LEVER exposure CHN --over 842
'

# ---- real data: Algeria's imports and exports of 2021 -------------------------------
# Only Algeria's flows are in these files, so W(k) and the partners' totals T(P) are
# partial (LEV(DZA over P) is close to 1 for most P); LEV(P over DZA) divides by Algeria's
# own total, which is complete. The reference computes on the same data.
if need_shared "real Algeria data: who could squeeze Algeria"; then
    DZA="$TMP/dza.store"
    expect "real Algeria data: who could squeeze Algeria matches the reference" '
        algeria_store &&
        uncovered lever_doc exposure Algeria --store "$DZA" --top 0 >"$TMP/e.csv" &&
        $REF --data "$IMPORTS" --data "$EXPORTS" exposure 12 2021 "$TMP/e.csv"
    '
    expect "real Algeria data: Italy, China and France hold the most leverage over Algeria" '
        uncovered lever_doc exposure DZA --store "$DZA" --top 3 >"$TMP/e.csv" &&
        grep "^[123]," "$TMP/e.csv" | cut -d, -f2 | tr "\n" " " >"$TMP/top" &&
        test "$(cat "$TMP/top")" = "ITA CHN FRA "
    '
    expect "real Algeria data: staples only (cereals, oils, sugar) matches the reference" '
        uncovered lever_doc exposure DZA --store "$DZA" --product staples --top 0 \
            >"$TMP/e.csv" &&
        $REF --product 10,1101,1102,1103,1507,1508,1509,1510,1511,1512,1513,1514,1515,1701 \
            --data "$IMPORTS" --data "$EXPORTS" exposure 12 2021 "$TMP/e.csv"
    '
fi

finish
