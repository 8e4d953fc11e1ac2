#!/usr/bin/env bash
# t0410-groups.sh - product groups (--product GROUP, --groups FILE), weights per group
# (--weights) and trade elasticities (--sigma) as the indicator commands see them. The
# figures are recomputed by tests/ref/leverage.py given the groups' HS prefixes as
# written in docs/groups.md; bad files must be reported as file:line:column.
. "$(dirname "$0")/lib.sh"

REF="python3 $ROOT/tests/ref/leverage.py"
SYN="$TMP/synth.csv"

expect "a synthetic world of 50,000 rows imports" 'synth_store synth 50000 1'
export LEVER_STORE="$TMP/synth.store"

expect "a built-in group selects its HS prefixes (fuels = chapter 27)" '
    lever_doc leverage CHN --over 842 --product fuels >"$TMP/p.csv" &&
    grep -q "^# products: group fuels (27)" "$TMP/p.csv" &&
    $REF --product 27 --data "$SYN" pair 156 842 "$TMP/p.csv"
'

expect "group names are case-insensitive" '
    lever_doc leverage CHN --over 842 --product FUELS >"$TMP/p2.csv" &&
    cmp "$TMP/p.csv" "$TMP/p2.csv"
'

expect "a group file replaces the built-in set" '
    printf "# test groups\nmachines = 84 85\ncars = 8703\n" >"$TMP/g.txt" &&
    lever_doc exposure CHN --groups "$TMP/g.txt" --product machines --top 0 \
        >"$TMP/e.csv" &&
    grep -q "^# groups: $TMP/g.txt" "$TMP/e.csv" &&
    $REF --product 84,85 --data "$SYN" exposure 156 2021 "$TMP/e.csv" &&
    exits 2 $LEVER exposure CHN --groups "$TMP/g.txt" --weights fuels=2 &&
    grep -q "the groups are: machines, cars (" "$TMP/err"
'

expect "weights multiply each group's terms; the last group listed wins on overlap" '
    printf "energy = 27\noil = 2709\n" >"$TMP/g.txt" &&
    lever_doc leverage CHN --groups "$TMP/g.txt" --weights energy=3,oil=0.25 --top 0 \
        >"$TMP/r.csv" &&
    $REF --weight 27=3 --weight 2709=0.25 --data "$SYN" rank 156 2021 "$TMP/r.csv"
'

expect "sigma per HS prefix, longest prefix wins, replaces d and d'" '
    printf "hs,sigma\n27,2\n2709,8\n84,1.5\n" >"$TMP/sigma.csv" &&
    lever_doc leverage CHN --over 842 --sigma "$TMP/sigma.csv" --top 1000 \
        >"$TMP/p.csv" &&
    grep -q "^# sigma: $TMP/sigma.csv" "$TMP/p.csv" &&
    $REF --sigma "$TMP/sigma.csv" --data "$SYN" pair 156 842 "$TMP/p.csv"
'

expect "a bad group file stops with file:line:column and what to do" '
    printf "ok = 10\n\nwheat 1001\n" >"$TMP/bad.txt" &&
    exits 1 $LEVER leverage CHN --groups "$TMP/bad.txt" &&
    grep -q "$TMP/bad.txt:3:7: expected .=. after the group name" "$TMP/err"
'

expect "a bad HS prefix in a group file names its column" '
    printf "wheat = 1001 11x1*1.33\n" >"$TMP/bad.txt" &&
    exits 1 $LEVER exposure CHN --groups "$TMP/bad.txt" &&
    grep -q "$TMP/bad.txt:1:14: .11x1\*1.33. is not an HS prefix" "$TMP/err"
'

expect "an unknown group in --weights lists the groups there are" '
    exits 2 $LEVER leverage CHN --weights stapels=2 &&
        grep -q "no product group .stapels.; the groups are: cereals, wheat" "$TMP/err"
'

expect "a bad sigma file stops with file:line:column" '
    printf "hs,sigma\n27,2\n2709;8\n" >"$TMP/bad.csv" &&
    exits 1 $LEVER leverage CHN --sigma "$TMP/bad.csv" &&
    grep -q "$TMP/bad.csv:3:7: expected two fields" "$TMP/err"
'

if need_shared "real Algeria data: wheat in grain equivalent as a product filter"; then
    DZA="$TMP/dza.store"
    expect "real Algeria data: --product wheat selects HS 1001 and 1101" '
        algeria_store &&
        uncovered lever_doc leverage FRA --over DZA --store "$DZA" --product wheat --top 10 \
            >"$TMP/p.csv" &&
        grep -q "^# products: group wheat (1001 1101\*1.33)" "$TMP/p.csv" &&
        grep -q ",100190," "$TMP/p.csv" &&
        $REF --product 1001,1101 --data "$IMPORTS" --data "$EXPORTS" pair 251 12 "$TMP/p.csv"
    '
    expect "real Algeria data: every built-in group works as a filter" '
        for g in cereals wheat vegetable_oils sugar staples fertilisers fuels medicines arms; do
            uncovered lever_doc exposure DZA --store "$DZA" --product $g >/dev/null 2>&1 || exit 1
        done
    '
fi

finish
