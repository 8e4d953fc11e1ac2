#!/bin/sh
# t0460-transit.sh - lever transit: routes, route shares, chokepoints and transit leverage
# (INDICATORS.md section 11). A hand-built world whose answers are worked out below, the
# real border data lever ships for the landlocked pairs of Central Asia, and every figure
# of a synthetic sample against tests/ref/transit.py (an independent Python computation).
. "$(dirname "$0")/lib.sh"

REF="python3 $ROOT/tests/ref/transit.py"
GEO=$ROOT/data/geo

# ---- a hand-built world ------------------------------------------------------------------
# KAZ-UZB, KAZ-TKM, UZB-AFG, TKM-AFG, AFG-PAK; only PAK has a coast. Trade in 2021 (thousands
# of USD): KAZ->AFG 300, AFG->KAZ 100, PAK->AFG 50, so T(AFG) = 450.
# KAZ-AFG: h = 2, routes KAZ-UZB-AFG and KAZ-TKM-AFG (no third within 3 edges), so
# c(UZB) = c(TKM) = 1/2 and TLEV(UZB over AFG) = 400 * 1/2 / 450 = 4/9; PAK is AFG's
# neighbour, so its trade crosses nobody. With KAZ-TKM closed, UZB is a chokepoint:
# TLEV(UZB over AFG) = 400/450 = 8/9, all of it the chokepoint part.
mkdir -p "$TMP/geo"
printf 'iso3,landlocked\nKAZ,1\nUZB,1\nTKM,1\nAFG,1\nPAK,0\n' >"$TMP/geo/countries.csv"
printf 'iso3_a,iso3_b\nKAZ,UZB\nKAZ,TKM\nAFG,UZB\nAFG,TKM\nAFG,PAK\n' >"$TMP/geo/contiguity.csv"
printf 't,i,j,k,v,q\n2021,398,4,110100,300,1000\n2021,4,398,80450,100,10\n2021,586,4,100199,50,200\n' \
    >"$TMP/hand.csv"
HAND="--store $TMP/hand.store --geo $TMP/geo"

expect "the hand-built world imports" '$LEVER import "$TMP/hand.csv" -o "$TMP/hand.store"'

expect "KAZ-AFG: two shortest routes, via UZB and TKM, half each, no chokepoint" '
    lever_doc transit KAZ AFG $HAND >"$TMP/h.csv"
    test "$(field routes route <"$TMP/h.csv" | tr "\n" " ")" = "KAZ-TKM-AFG KAZ-UZB-AFG "
    table transit <"$TMP/h.csv" | cut -d, -f1,3,4,5 | sort >"$TMP/got"
    printf "TKM,0.5,0,1\nUZB,0.5,0,1\n" | diff - "$TMP/got"
'

expect "TLEV(UZB over AFG) = 4/9, carried 150,000 of KAZ->AFG and 50,000 of AFG->KAZ" '
    table transit <"$TMP/h.csv" | awk -F, "\$1 == \"UZB\" {
        if (\$6 != 150000 || \$7 != 50000) exit 1
        d = \$8 - 4/9; if (d < 0) d = -d; if (d > 1e-12) exit 1
        if (\$9 != 0) exit 1 }"
'

expect "--closed KAZ-TKM: UZB is a chokepoint, TLEV 8/9 and all of it the chokepoint part" '
    lever_doc transit --over AFG $HAND --closed KAZ-TKM >"$TMP/c.csv"
    test "$(table transit <"$TMP/c.csv" | wc -l)" -eq 1
    table transit <"$TMP/c.csv" | awk -F, "{
        if (\$2 != \"UZB\" || \$6 != 400000 || \$7 != 400000 || \$8 != 1 || \$9 != 1) exit 1
        d = \$4 - 8/9; e = \$5 - 8/9; if (d*d > 1e-24 || e*e > 1e-24) exit 1 }"
    test "$(field coverage total_trade <"$TMP/c.csv")" = 450000
'

expect "--borders FILE: closing KAZ-UZB and adding KAZ-AFG makes them neighbours, no transit" '
    printf "action,a,b\nclose,KAZ,UZB\nadd,KAZ,AFG\n" >"$TMP/edits.csv"
    lever_doc transit KAZ AFG $HAND --borders "$TMP/edits.csv" >"$TMP/e.csv"
    test "$(field flows h <"$TMP/e.csv")" = 1
    grep -q "^# border_edits: closed KAZ-UZB, added KAZ-AFG" "$TMP/e.csv"
'

# --observed FILE: declared splits of the hand-built pair (thousands of USD above, so USD
# here): AFG's imports from KAZ by rail 200,000 consigned from UZB and 50,000 from TKM, by
# road 50,000 from UZB, by air 10,000 without a consignment; KAZ's exports by rail only.
# Mode shares of AFG's M: rail 250/310, road 50/310, air 10/310; consignment: UZB 250/300,
# TKM 50/300 (the air record has none); KAZ's X: rail 1. A record of 2020 is not counted.
printf '%s\n' "year,reporter,flow,partner,mode,consignment,value" \
    "2021,AFG,M,KAZ,3100,UZB,200000" "2021,AFG,M,KAZ,3100,TKM,50000" \
    "2021,AFG,M,KAZ,3200,UZB,50000" "2021,AFG,M,KAZ,1000,W00,10000" \
    "2021,KAZ,X,AFG,3100,,300000" "2020,AFG,M,KAZ,3100,UZB,999" >"$TMP/obs.csv"

expect "--observed: the declared split by mode and consignment, and the consigned share beside c(T)" '
    lever_doc transit KAZ AFG $HAND --observed "$TMP/obs.csv" >"$TMP/o.csv"
    grep -q "^# observed_routes: declared split" "$TMP/o.csv"
    table observed <"$TMP/o.csv" | cut -d, -f1,2,4,5,7,8,9 >"$TMP/got"
    cat >"$TMP/want" <<EOF2
AFG,M,mode,3100,,250000,$(awk "BEGIN { printf \"%.17g\", 250/310 }")
AFG,M,mode,3200,,50000,$(awk "BEGIN { printf \"%.17g\", 50/310 }")
AFG,M,mode,1000,,10000,$(awk "BEGIN { printf \"%.17g\", 10/310 }")
AFG,M,consignment,,UZB,250000,$(awk "BEGIN { printf \"%.17g\", 250/300 }")
AFG,M,consignment,,TKM,50000,$(awk "BEGIN { printf \"%.17g\", 50/300 }")
KAZ,X,mode,3100,,300000,1
EOF2
    awk -F, "NR == FNR { want[FNR] = \$0; n = FNR; next }
        { split(want[FNR], w, \",\"); for (c = 1; c <= 6; c++) if (\$c != w[c]) exit 1
          d = \$7 - w[7]; if (d < 0) d = -d; if (d > 1e-12) exit 1; got = FNR }
        END { exit got != n }" "$TMP/want" "$TMP/got" || { diff "$TMP/want" "$TMP/got"; exit 1; }
    table transit <"$TMP/o.csv" | awk -F, "{ print \$1, \$NF }" | sort >"$TMP/gotc"
    printf "TKM %s\nUZB %s\n" $(awk "BEGIN { printf \"%.17g %.17g\", 50/300, 250/300 }") >"$TMP/wantc"
    awk "NR == FNR { w[\$1] = \$2; next } { d = \$2 - w[\$1]; if (d < 0) d = -d; if (d > 1e-12) exit 1 }" \
        "$TMP/wantc" "$TMP/gotc" || { cat "$TMP/gotc"; exit 1; }
'

expect "--observed: a bad record names file:line:column; with --over it is a usage error" '
    printf "2021,AFG,M,KAZ,3150,UZB,1\n" >"$TMP/bad_obs.csv"
    exits 1 "$LEVER" transit KAZ AFG $HAND --observed "$TMP/bad_obs.csv"
    grep -q "bad_obs.csv:1:16: .3150. is not a Comtrade Plus mode of transport" "$TMP/err"
    exits 2 "$LEVER" transit --over AFG $HAND --observed "$TMP/obs.csv"
    grep -q "with a pair A B" "$TMP/err"
'

expect "bad crossings and bad border files are refused with what to do" '
    exits 2 lever_doc transit KAZ AFG $HAND --closed KAZ-PAK
    grep -q "share no crossing" "$TMP/err"
    exits 2 lever_doc transit KAZ AFG $HAND --closed KAZAFG
    printf "close,KAZ,UZB\nopen,KAZ,AFG\n" >"$TMP/bad.csv"
    exits 1 lever_doc transit KAZ AFG $HAND --borders "$TMP/bad.csv"
    grep -q "bad.csv:2:1: .open. is not an edit; write add or close" "$TMP/err"
    exits 1 $LEVER transit KAZ AFG --store "$TMP/hand.store" --geo "$TMP/nowhere"
    grep -q "no border data" "$TMP/err"
'

expect "usage errors: arguments, --slack, --years" '
    usage_errors "transit --store $TMP/hand.store" "KAZ" "--over AFG KAZ" "KAZ AFG --slack 9" \
        "KAZ AFG --years 2021"
'

# ---- the real border data lever ships -----------------------------------------------------

expect "real borders: KAZ-AFG share no border; shortest routes via CHN, TKM and UZB" '
    lever_doc transit KAZ AFG --store "$TMP/hand.store" >"$TMP/r.csv"
    test "$(field flows h <"$TMP/r.csv")" = 2
    test "$(table routes <"$TMP/r.csv" | awk -F, "\$3 == 1 { print \$4 }" | tr "\n" " ")" = \
        "KAZ-CHN-AFG KAZ-TKM-AFG KAZ-UZB-AFG "
    lever_doc transit KAZ AFG --store "$TMP/hand.store" --closed AFG-CHN >"$TMP/r2.csv"
    test "$(table routes <"$TMP/r2.csv" | awk -F, "\$3 == 1 { print \$4 }" | tr "\n" " ")" = \
        "KAZ-TKM-AFG KAZ-UZB-AFG "
'

expect "real borders: routes of landlocked pairs match the reference" '
    synth_store synth 50000 11
    lever_doc country --store "$TMP/synth.store" >"$TMP/codes.csv"
    for pair in "KAZ AFG" "UZB PAK" "AFG GBR" "BOL PRY" "ETH UGA" "NPL BTN" "CHE AUT" "MNG LAO"; do
        lever_doc transit $pair --store "$TMP/synth.store" --top 0 >"$TMP/p.csv"
        $REF --geo "$GEO" --codes "$TMP/codes.csv" --pair $pair --check "$TMP/p.csv" \
            "$TMP/synth.csv"
    done
'

expect "real borders, synthetic trade: TLEV over AFG, KAZ, DEU and USA match the reference" '
    for b in AFG KAZ DEU USA; do
        lever_doc transit --over $b --store "$TMP/synth.store" >"$TMP/o.csv"
        $REF --geo "$GEO" --codes "$TMP/codes.csv" --over $b --check "$TMP/o.csv" "$TMP/synth.csv"
    done
'

expect "--closed, --slack 2, --product and --year match the reference" '
    lever_doc transit --over AFG --store "$TMP/synth.store" --closed AFG-CHN,IRN-SEA --slack 2 \
        --product 1101 --year 2020 >"$TMP/o2.csv"
    $REF --geo "$GEO" --codes "$TMP/codes.csv" --over AFG --closed AFG-CHN,IRN-SEA --slack 2 \
        --product 1101 --year 2020 --check "$TMP/o2.csv" "$TMP/synth.csv"
    lever_doc transit KAZ AFG --store "$TMP/synth.store" --slack 0 --top 0 >"$TMP/p0.csv"
    $REF --geo "$GEO" --codes "$TMP/codes.csv" --pair KAZ AFG --slack 0 --check "$TMP/p0.csv" \
        "$TMP/synth.csv"
'

if need_shared "the shipped borders are GeoDist's and agree with GeoDataSource in Central Asia"; then
    expect "the shipped borders are GeoDist's and agree with GeoDataSource in Central Asia" '
        "$ROOT/scripts/geo-derive.sh" "$SHARED/geo/dist_cepii.csv" "$SHARED/geo/geo_cepii.csv" "$TMP"
        cmp "$TMP/contiguity.csv" "$GEO/contiguity.csv"
        cmp "$TMP/countries.csv" "$GEO/countries.csv"
        python3 "$ROOT/tests/ref/borders_crosscheck.py" "$GEO/contiguity.csv" \
            "$SHARED/geo/GEODATASOURCE-COUNTRY-BORDERS.CSV" /usr/share/iso-codes/json/iso_3166-1.json \
            --must AFG-CHN,AFG-IRN,AFG-PAK,AFG-TJK,AFG-TKM,AFG-UZB,KAZ-CHN,KAZ-KGZ,KAZ-RUS,KAZ-TKM,KAZ-UZB >"$TMP/x.txt"
        cat "$TMP/x.txt"
    '
fi

expect "--help prints usage and examples on stdout" '
    $LEVER transit --help | grep -q "^usage: lever transit A B"
    $LEVER transit --help | grep -q "lever transit --over AFG"
'

finish
