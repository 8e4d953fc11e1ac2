#!/usr/bin/env bash
# t0400-leverage.sh - lever leverage A --over B and lever leverage A (ranking of partners).
# Every figure lever prints in CSV is recomputed from the raw CSV by tests/ref/leverage.py
# (an independent stdlib python3 implementation of INDICATORS.md sections 2, 5 and 6) and
# compared at 1e-9: on a synthetic world (3 years) and on the real Algeria files. The
# property LEV = D(B on A) when d = d' = 1 (a sigma file of 1 everywhere) is checked with
# awk against T(A,B) / T(B) summed from the CSV. Then the edge cases.
. "$(dirname "$0")/lib.sh"

REF="python3 $ROOT/tests/ref/leverage.py"
SYN="$TMP/synth.csv"

expect "a synthetic world of 50,000 rows imports" 'synth_store synth 50000 1'
export LEVER_STORE="$TMP/synth.store"

# CHN (156) and USA as BACI codes it (842) trade in every year of the synthetic world.
expect "--help gives the usage and real examples" '
    $LEVER leverage --help >"$TMP/help" &&
    grep -q "^usage: lever leverage A --over B" "$TMP/help" &&
    grep -q "lever leverage KAZ --over AFG" "$TMP/help" &&
    grep -q -- "--alternatives" "$TMP/help"
'

expect "S, K, LEV both ways, D, salience, symmetry and every contribution match the reference" '
    lever_doc leverage 156 --over 842 --top 100000 >"$TMP/p.csv" &&
    grep -q "^# table: contributions" "$TMP/p.csv" &&
    test "$(grep -c "^20[0-9][0-9],CHN\|^20[0-9][0-9],842" "$TMP/p.csv")" -gt 100 &&
    $REF --data "$SYN" pair 156 842 "$TMP/p.csv"
'

expect "the top 3 contributions per channel are the 3 largest terms" '
    lever_doc leverage 842 --over 156 --years 2020-2021 --top 3 >"$TMP/p.csv" &&
    test "$(grep -c "^2021,[A-Z0-9]*,[0-9]*,supply," "$TMP/p.csv")" -eq 6 &&
    $REF --data "$SYN" pair 842 156 "$TMP/p.csv"
'

expect "--alternatives current matches the reference" '
    lever_doc leverage 156 --over 842 --alternatives current >"$TMP/p.csv" &&
    grep -q "^# alternatives: current" "$TMP/p.csv" &&
    $REF --alternatives current --data "$SYN" pair 156 842 "$TMP/p.csv"
'

expect "--alternatives with a list of countries matches the reference" '
    lever_doc leverage 156 --over 842 --alternatives 392,410,276 >"$TMP/p.csv" &&
    $REF --alternatives 392,410,276 --data "$SYN" pair 156 842 "$TMP/p.csv"
'

expect "a product filter restricts every sum, T(B) included" '
    lever_doc leverage 156 --over 842 --product 27,10 >"$TMP/p.csv" &&
    $REF --product 27,10 --data "$SYN" pair 156 842 "$TMP/p.csv"
'

expect "group weights multiply the terms (reference given the same prefixes)" '
    printf "energy = 27\nfood = 10 1101*1.33\n" >"$TMP/groups.txt" &&
    lever_doc leverage 156 --over 842 --groups "$TMP/groups.txt" --weights energy=2,food=0.5 \
        --top 100000 >"$TMP/p.csv" &&
    grep -q "^# weights: energy=2,food=0.5" "$TMP/p.csv" &&
    $REF --weight 27=2 --weight 10=0.5 --weight 1101=0.5 --data "$SYN" pair 156 842 "$TMP/p.csv"
'

# year and LEV(A over B) from the years table of lever's CSV output
lev_by_year() {
    awk -F, '/^# table: years/ {t = 1; next} /^$/ {t = 0} t && /^20/ {print $1, $6}' "$1" | sort
}
# year, T(A,B) and T(B) summed from the raw CSV (v in thousands with 3 decimals -> USD)
hirschman_inputs() {
    awk -F, -v a="$2" -v b="$3" '/^[0-9]/ {
            split($5, p, "."); v = p[1] * 1000 + substr(p[2] "000", 1, 3)
            if (($2 == a && $3 == b) || ($2 == b && $3 == a)) tab[$1] += v
            if ($2 == b || $3 == b) tb[$1] += v }
        END { for (y in tb) printf "%s %.17g %.17g\n", y, tab[y], tb[y] }' "$1" | sort
}
# reads "year LEV T(A,B) T(B)" lines; fails when LEV differs from T(A,B)/T(B) by > 1e-9
lev_equals_hirschman() {
    awk '{ d = $3 / $4; r = ($2 - d) / d; if (r < 0) r = -r; n++
           if (r > 1e-9) { print "year", $1, "LEV", $2, "D(B on A)", d; bad = 1 } }
         END { exit bad || n == 0 }'
}

expect "with sigma 1 everywhere (d = 1) LEV(A over B) equals D(B on A) = T(A,B)/T(B) by awk" '
    { echo hs,sigma; for c in $(seq -w 1 99); do echo "$c,1"; done; } >"$TMP/sigma1.csv" &&
    lever_doc leverage 156 --over 842 --sigma "$TMP/sigma1.csv" >"$TMP/p.csv" &&
    $REF --sigma "$TMP/sigma1.csv" --data "$SYN" pair 156 842 "$TMP/p.csv" &&
    lev_by_year "$TMP/p.csv" >"$TMP/lev" &&
    hirschman_inputs "$SYN" 156 842 >"$TMP/hirschman" &&
    join "$TMP/lev" "$TMP/hirschman" >"$TMP/both" &&
    test "$(wc -l <"$TMP/both")" -eq 3 &&
    lev_equals_hirschman <"$TMP/both"
'

expect "the ranking of partners matches the reference, largest LEV first" '
    lever_doc leverage 156 --year 2020 --top 0 >"$TMP/r.csv" &&
    $REF --data "$SYN" rank 156 2020 "$TMP/r.csv"
'

expect "the ranking keeps --top rows (default 20) and every LEV is in [0, 1]" '
    lever_doc leverage 842 >"$TMP/r.csv" &&
    test "$(grep -c "^[0-9]*,[A-Z0-9]*,[0-9]*," "$TMP/r.csv")" -eq 20 &&
    lever_doc leverage 842 --top 0 >"$TMP/r.csv" &&
    awk -F, "/^[0-9]/ { if (\$5 < 0 || \$5 > 1 || \$6 < 0 || \$6 > 1) exit 1 }" "$TMP/r.csv"
'

expect "a table for people names both countries in its title" '
    $LEVER leverage CHN --over 842 --format table >"$TMP/t" &&
    grep -q "^Leverage of China (CHN) over" "$TMP/t" &&
    grep -q "LEV(CHN over \(USA\|842\))" "$TMP/t" && grep -q "SYNTHETIC" "$TMP/t"
'

expect "a year not in the store fails with exit 1 and the store's range" '
    exits 1 $LEVER leverage 156 --over 842 --years 1990-2020 &&
    grep -q "year 1990 is not in the store; it holds 2019-2021" "$TMP/err"
'

expect "an unknown country fails with exit 1 and suggests candidates" '
    exits 1 $LEVER leverage Chnia --over 842 &&
    grep -qi "china" "$TMP/err"
'

expect "usage errors exit 2: A = B, --years without --over, two countries" '
    exits 2 $LEVER leverage CHN --over 156
    exits 2 $LEVER leverage CHN --years 2019-2020
    exits 2 $LEVER leverage CHN 842
    exits 2 $LEVER leverage CHN --over 842 --top x
'

# ---- real data: Algeria's imports and exports of 2021 -------------------------------
# Only Algeria's flows are in these files, so W(k) and other countries' totals T(P) are
# partial; the formulas are the same on the data given, and so is the reference.
if need_shared "real Algeria data: leverage of France over Algeria matches the reference"; then
    DZA="$TMP/dza.store"
    expect "real Algeria data: leverage of France over Algeria matches the reference" '
        algeria_store &&
        uncovered lever_doc leverage France --over Algeria --store "$DZA" --top 20 \
            >"$TMP/p.csv" &&
        grep -q "^2021,DZA,12,supply,1,270900," "$TMP/p.csv" &&
        $REF --data "$IMPORTS" --data "$EXPORTS" pair 251 12 "$TMP/p.csv"
    '
    expect "real Algeria data: Algeria's ranking of partners matches the reference" '
        uncovered lever_doc leverage DZA --store "$DZA" --top 0 >"$TMP/r.csv" &&
        $REF --data "$IMPORTS" --data "$EXPORTS" rank 12 2021 "$TMP/r.csv"
    '
    expect "real Algeria data: wheat only (--product 1001) matches the reference" '
        uncovered lever_doc leverage FRA --over DZA --store "$DZA" --product 1001 \
            >"$TMP/p.csv" &&
        $REF --product 1001 --data "$IMPORTS" --data "$EXPORTS" pair 251 12 "$TMP/p.csv"
    '
    expect "real Algeria data: a pair the extract holds no flows of is not said to have no trade (exit 3)" '
        uncovered lever_doc leverage FRA --over DEU --store "$DZA" >"$TMP/p.csv" 2>"$TMP/err" &&
        grep -q "^# note: FRA and DEU did not trade in these years in the flows this store holds$" "$TMP/p.csv" &&
        grep -q "^# coverage: this store does not hold all of FRA.s imports and exports in 2021: it covers only the flows of DZA; " "$TMP/p.csv" &&
        grep -q "^lever: this store does not hold the whole world.s trade in 2021" "$TMP/err" &&
        grep -q "^2021,0,[0-9]*,0,0,0,[0-9]*,0,0,0,0,$" "$TMP/p.csv" &&
        uncovered $LEVER leverage FRA --over DEU --store "$DZA" --format table >"$TMP/t" &&
        grep -q "in the flows this store holds" "$TMP/t"
    '
fi

finish
