#!/bin/sh
# t0480-chains.sh - lever chains: shares by origin through processors (INDICATORS.md
# section 10). A hand-built world whose answers are worked out below, then every figure
# of a synthetic sample against tests/ref/chains.py (an independent Python computation),
# in value and in quantity, with and without production figures.
. "$(dirname "$0")/lib.sh"

REF="python3 $ROOT/tests/ref/chains.py"

# ---- a hand-built world --------------------------------------------------------------------
# AFG imports flour (110100) from KAZ 600 and UZB 400 (thousands of USD). UZB imports wheat
# (100199) from KAZ 750 (3,000 t) and RUS 250 (1,000 t); KAZ imports none. UZB produces
# 12,000 t of wheat in 2021, so gamma(UZB) = 4,000 / (4,000 + 12,000) = 1/4 and
#   s°(KAZ) = 0.6 + 0.4 x 1/4 x 3/4 = 0.675, s°(UZB) = 0.4 x 3/4 = 0.3, s°(RUS) = 0.025.
# Without production, the high bound gamma(UZB) = 1: KAZ 0.9, RUS 0.1, UZB 0,
# HHI° = 0.82; the low bound is the direct shares, HHI° = 0.52.
printf 't,i,j,k,v,q\n2021,398,4,110100,600,2000\n2021,860,4,110100,400,1500\n2021,398,860,100199,750,3000\n2021,643,860,100199,250,1000\n' \
    >"$TMP/hand.csv"
printf 'country,year,product,tonnes\nUZB,2021,1001,12000\nUZB,2020,1001,1\nKAZ,2021,1101,5\n' \
    >"$TMP/prod.csv"
HAND="--store $TMP/hand.store"

expect "the hand-built world imports" '$LEVER import "$TMP/hand.csv" -o "$TMP/hand.store"'

expect "without production: both bounds, labelled; KAZ 60% direct and 90% through UZB mills" '
    lever_doc chains AFG --product 1101 $HAND >"$TMP/b.csv"
    grep -q "^# gamma: unknown without --production: low bound gamma = 0" "$TMP/b.csv"
    table origins <"$TMP/b.csv" | cut -d, -f2,4,5,6 >"$TMP/got"
    printf "KAZ,0.6,0.6,0.9\nRUS,0,0,0.1\nUZB,0.4,0.4,0\n" | diff - "$TMP/got"
    test "$(field concentration hhi_origin_low <"$TMP/b.csv")" = 0.52
    awk "BEGIN { d = $(field concentration hhi_origin_high <"$TMP/b.csv") - 0.82; exit !(d * d < 1e-24) }"
'

expect "with --production: gamma(UZB) = 1/4, KAZ 67.5%, UZB 30%, RUS 2.5%; one figure" '
    lever_doc chains AFG --product 1101 --production "$TMP/prod.csv" $HAND >"$TMP/p.csv"
    grep -q "^# gamma: from .*prod.csv for every processor: one figure" "$TMP/p.csv"
    table origins <"$TMP/p.csv" | awk -F, "{ printf \"%s %.12g %.12g\n\", \$2, \$5, \$6 }" >"$TMP/got"
    printf "KAZ 0.675 0.675\nUZB 0.3 0.3\nRUS 0.025 0.025\n" | diff - "$TMP/got"
    test "$(table processors <"$TMP/p.csv" | awk -F, "\$1 == \"UZB\" { print \$7, \$8, \$9 }")" = "12000 0.25 0.25"
'

expect "critical dependence and GeoDep on HHI°: KAZ is critical at 90% (high bound) and 67.5%" '
    table origins <"$TMP/b.csv" | awk -F, "\$2 == \"KAZ\" { exit !(\$9 == 1 && \$10 == 1) }"
    table origins <"$TMP/p.csv" | awk -F, "\$2 == \"KAZ\" { exit !(\$9 == 1) }"
'

expect "--measure quantity: shares of tonnes; input equivalent in tonnes of wheat (x1.33)" '
    lever_doc chains AFG --product 1101 --measure quantity $HAND >"$TMP/q.csv"
    # flour: KAZ 2000 t of 3500 t; UZB wheat: KAZ 3/4 of the tonnes too
    table origins <"$TMP/q.csv" | awk -F, "\$2 == \"KAZ\" {
        want = 2000/3500 + 1500/3500 * 3/4; d = \$6 - want; if (d*d > 1e-24) exit 1
        t = want * 3500 * 1.33; d = \$8 - t; if (d*d > 1e-12) exit 1 }"
    grep -q "^# quantities: 0 flows of 1101 into B and 0 of the input" "$TMP/q.csv"
'

expect "a user chain file and --input/--factor choose the chain; unknown products are refused" '
    printf "input,output,factor\n1001,1101,1.5\n" >"$TMP/chains.csv"
    lever_doc chains AFG --product 1101 --chains "$TMP/chains.csv" $HAND | grep -q "^# chain: 1001 -> 1101, factor 1.5 "
    lever_doc chains UZB --product 1001 --input 1001 $HAND | grep -q "^# chain: 1001 -> 1001, factor 1 "
    exits 2 lever_doc chains AFG --product 2709 $HAND
    grep -q "no chain makes 2709" "$TMP/err"
    printf "1001,1101,-1\n" >"$TMP/badchain.csv"
    exits 1 lever_doc chains AFG --product 1101 --chains "$TMP/badchain.csv" $HAND
    grep -q "badchain.csv:1:11: bad factor" "$TMP/err"
    printf "country,year,product,tonnes\nNOWHERE,2021,1001,5\n" >"$TMP/badprod.csv"
    exits 1 lever_doc chains AFG --product 1101 --production "$TMP/badprod.csv" $HAND
    grep -q "badprod.csv:2:1: " "$TMP/err"
'

expect "usage errors" '
    usage_errors "chains --store $TMP/hand.store" "AFG" "AFG KAZ --product 1101" \
        "AFG --product 11x" "AFG --product 1101 --measure tonnes" "AFG --product 1101 --factor 2"
'

# ---- a synthetic sample against the reference --------------------------------------------

expect "synthetic sample: every figure for AFG flour matches the reference, value and quantity" '
    synth_store synth 50000 11
    lever_doc chains AFG --product 1101 --store "$TMP/synth.store" --top 0 >"$TMP/s.csv"
    $REF --importer 4 --input 1001 --output 1101 --factor 1.33 --check "$TMP/s.csv" "$TMP/synth.csv"
    lever_doc chains AFG --product 1101 --store "$TMP/synth.store" --top 0 --measure quantity \
        --year 2020 >"$TMP/sq.csv"
    $REF --importer 4 --input 1001 --output 1101 --factor 1.33 --quantity --year 2020 \
        --check "$TMP/sq.csv" "$TMP/synth.csv"
'

expect "synthetic sample: the Uzbek mills grind Kazakh wheat, so KAZ gains the UZB share x 0.92 at gamma = 1" '
    # the UZB processor row: its largest wheat origin is KAZ with about 92%
    table processors <"$TMP/s.csv" | awk -F, "\$1 == \"UZB\" { found = 1
        if (\$10 != \"KAZ\" || \$11 < 0.9 || \$11 > 0.94 || \$9 != 1) exit 1 } END { exit !found }"
    # and the KAZ high bound is its direct share plus s(UZB->AFG) x s(KAZ->UZB, wheat), and more
    uzb=$(table processors <"$TMP/s.csv" | awk -F, "\$1 == \"UZB\" { print \$3 * \$11 }")
    table origins <"$TMP/s.csv" | awk -F, -v uzb="$uzb" "\$2 == \"KAZ\" { found = 1
        if (\$6 < \$4 + uzb - 1e-9 || \$5 != \$4) exit 1 } END { exit !found }"
    # with a production file, gamma(UZB) = M / (M + P) in tonnes of the CSV, and the origin share
    # sits between the bounds
    kg=$(awk -F, "int(\$4 / 100) == 1001 && \$3 == 860 && \$1 == 2021 && \$6 != \"NA\" { t += \$6 } END { printf \"%.3f\", t }" "$TMP/synth.csv")
    printf "country,year,product,tonnes\nUZB,2021,1001,%s\n" "$kg" >"$TMP/uzb_prod.csv"
    lever_doc chains AFG --product 1101 --store "$TMP/synth.store" --production "$TMP/uzb_prod.csv" \
        --top 0 >"$TMP/sp.csv"
    table processors <"$TMP/sp.csv" | awk -F, "\$1 == \"UZB\" { found = 1
        d = \$8 - 0.5; if (d < 0) d = -d; if (d > 1e-9 || \$8 != \$9) exit 1 } END { exit !found }"
'

expect "synthetic sample: re-export chains and production figures match the reference" '
    lever_doc country --store "$TMP/synth.store" >"$TMP/codes.csv"
    printf "country,year,product,tonnes\nDEU,2021,10,20000\nFRA,2021,10,1000000\nPAK,2021,10,5\n" >"$TMP/p10.csv"
    for b in DEU USA PAK; do
        lever_doc chains $b --product 10 --input 10 --production "$TMP/p10.csv" \
            --store "$TMP/synth.store" --top 0 >"$TMP/r.csv"
        $REF --importer $(awk -F, -v b=$b "\$2 == b { print \$1 }" "$TMP/codes.csv") \
            --input 10 --output 10 --factor 1 --production "$TMP/p10.csv" --codes "$TMP/codes.csv" \
            --check "$TMP/r.csv" "$TMP/synth.csv"
    done
'

expect "--help prints usage and examples" '
    $LEVER chains --help | grep -q "^usage: lever chains B --product P"
'

finish
