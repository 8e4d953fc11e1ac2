#!/bin/sh
# t0430-compare.sh - lever compare: suppliers competing in one market.
# Every column is checked against an independent computation: tests/ref/compare.py
# (python3 stdlib, from the raw CSV: sales, shares, leverage, export similarity,
# head-on products) on a synthetic sample and on Algeria's real 2021 trade, and awk
# for France and Germany selling wheat to Algeria. Relative error 1e-9 for ratios,
# integers exactly, rows in the same order.
. "$(dirname "$0")/lib.sh"

REF="python3 $ROOT/tests/ref/compare.py"

# ---- synthetic sample ----------------------------------------------------------------

SYN=$TMP/synth.csv
export LEVER_STORE="$TMP/synth.store"

expect "a synthetic sample of 50000 rows imports" 'synth_store synth 50000 11'

expect "Kazakhstan, Uzbekistan and Turkmenistan in Afghanistan match the reference" '
    lever_doc compare AFG --suppliers KAZ,UZB,TKM --top 0 >"$TMP/afg.csv"
    $REF --market 4 --suppliers 398,860,795 --top 0 --check "$TMP/afg.csv" "$SYN"
'

expect "four suppliers of the United States (by numeric code), top 10, match the reference" '
    lever_doc compare 842 --suppliers 156,276,392,484 >"$TMP/usa.csv"
    $REF --market 842 --suppliers 156,276,392,484 --top 10 --check "$TMP/usa.csv" "$SYN"
'

expect "--years 2020-2021 and --year 2021 restrict the years" '
    lever_doc compare AFG --suppliers KAZ,UZB --years 2020-2021 >"$TMP/y.csv"
    $REF --market 4 --suppliers 398,860 --years 2020-2021 --check "$TMP/y.csv" "$SYN"
    test "$(field suppliers year <"$TMP/y.csv" | sort -u | paste -sd, -)" = "2020,2021"
    lever_doc compare AFG --suppliers KAZ,UZB --year 2021 >"$TMP/y1.csv"
    $REF --market 4 --suppliers 398,860 --years 2021 --check "$TMP/y1.csv" "$SYN"
'

expect "--product 1101: shares of Afghanistan's flour imports and leverage match" '
    lever_doc compare AFG --suppliers KAZ,UZB,TKM --product 1101 >"$TMP/flour.csv"
    $REF --market 4 --suppliers 398,860,795 --product 1101 --check "$TMP/flour.csv" "$SYN"
'

expect "ESI lies in [0,1] and the compared shares of a market sum to at most 1" '
    lever_doc compare 842 --suppliers 156,276,392,484,124 --top 0 >"$TMP/p.csv"
    field similarity esi <"$TMP/p.csv" | awk "\$1 < 0 || \$1 > 1 { e = 1 } END { exit e }"
    table suppliers <"$TMP/p.csv" | awk -F, "{ s[\$1] += \$5 }
        END { for (y in s) if (s[y] > 1 + 1e-12) e = 1; exit e }"
'

# ---- Algeria's real 2021 trade -------------------------------------------------------

if need_shared "lever compare on Algeria's 2021 trade"; then
export LEVER_STORE="$TMP/dza.store"

expect "import Algeria's 2021 imports and exports with the BACI dictionaries" 'algeria_store'

expect "France, Germany, Poland and Russia in Algeria: every head-on product matches" '
    uncovered lever_doc compare DZA --suppliers FRA,DEU,POL,RUS --top 0 >"$TMP/dza.csv"
    $REF --market 12 --suppliers 251,276,616,643 --top 0 --check "$TMP/dza.csv" "$IMPORTS" "$EXPORTS"
'

expect "wheat: France's and Germany's sales, shares and overlap as awk computes them" '
    uncovered lever_doc compare DZA --suppliers FRA,DEU --product 100190 >"$TMP/wheat.csv"
    awk -F, "$USD"'"'"'
        NR > 1 && $3 == 12 && $4 == 100190 { v = usd($5); m += v; if ($2 == 251) f = v; if ($2 == 276) g = v }
        END { printf "%.0f,%.0f,%.0f,%.17g,%.17g\n", m, f, g, f / m, g / m }'"'"' "$IMPORTS" >"$TMP/awk"
    IFS=, read m f g sf sg <"$TMP/awk"
    test "$(field suppliers value <"$TMP/wheat.csv" | paste -sd, -)" = "$f,$g"
    test "$(field headon imports <"$TMP/wheat.csv" | sort -u)" = "$m"
    test "$(field headon supplier <"$TMP/wheat.csv" | paste -sd, -)" = "FRA,DEU"
    field headon share <"$TMP/wheat.csv" | paste -sd, - | awk -F, -v a="$sf" -v b="$sg" "
        function off(x, y) { d = x - y; if (d < 0) d = -d; return d > 1e-9 * y }
        { exit off(\$1, a) || off(\$2, b) }"
    field headon overlap <"$TMP/wheat.csv" | sort -u | awk -v b="$sg" "
        { d = \$1 - b; if (d < 0) d = -d; exit d > 1e-9 * b }"
    # one product, both sell it: the mixes are identical
    test "$(field similarity esi <"$TMP/wheat.csv")" = 1
'

expect "a supplier that sells Algeria nothing: value 0, share 0, ESI empty" '
    uncovered lever_doc compare DZA --suppliers FRA,AFG >"$TMP/afg.csv"
    test "$(table suppliers <"$TMP/afg.csv" | grep ",AFG," | cut -d, -f4,5)" = "0,0"
    test -z "$(field similarity esi <"$TMP/afg.csv")"
    test -z "$(table headon <"$TMP/afg.csv")"
'

expect "the market among its suppliers, or a supplier twice, is refused" '
    fails $LEVER compare DZA --suppliers FRA,DZA 2>"$TMP/err" >/dev/null
    grep -q "market itself" "$TMP/err"
    fails $LEVER compare DZA --suppliers FRA,france 2>"$TMP/err" >/dev/null
    grep -q "twice" "$TMP/err"
'

expect "an unknown supplier fails with the lookup's candidates" '
    fails $LEVER compare DZA --suppliers FRA,Germny 2>"$TMP/err" >/dev/null
    grep -q Germany "$TMP/err"
'
fi

expect "--help shows the usage and real examples; --suppliers is required" '
    $LEVER compare --help >"$TMP/help"
    grep -q "^usage: lever compare B --suppliers" "$TMP/help"
    grep -q "lever compare AFG --suppliers KAZ,UZB" "$TMP/help"
    exits 2 $LEVER compare AFG
    grep -q -- "--suppliers" "$TMP/err"
'

finish
