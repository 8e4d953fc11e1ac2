#!/bin/sh
# t0450-indicators.sh - lever indicators A B: trade intensity, complementarity and
# Hirschman dependence both ways, and each side's top RCA products, checked against
# tests/ref/bilateral.py, which recomputes them from the raw CSV with exact
# fractions (ratios to 1e-9; codes, ranks and export values exactly), on a
# synthetic world and on Algeria's real 2021 imports and exports. Edge cases on a
# hand-made world: a pair that never traded, a country that exports nothing, a
# year not in the store, unknown countries.
. "$(dirname "$0")/lib.sh"

REF="$ROOT/tests/ref/bilateral.py"

# ---- synthetic world --------------------------------------------------------------

expect "a synthetic world of 3 years imports" 'synth_store synth 50000 11 2019-2021'
export LEVER_STORE="$TMP/synth.store"

# The two countries trading the most rows with each other, by numeric code.
pair=$(awk -F, '!/^#/ && NR > 1 && $2 != "i" { a = $2 < $3 ? $2 : $3; b = $2 < $3 ? $3 : $2
                                               n[a " " b]++ }
               END { for (p in n) print n[p], p }' "$TMP/synth.csv" 2>/dev/null |
       sort -k1,1nr -k2,2n -k3,3n | head -n 1)
A=$(echo "$pair" | cut -d" " -f2)
B=$(echo "$pair" | cut -d" " -f3)

expect "every year and RCA row matches the reference, both orders of the pair" '
    test -n "$A" && test -n "$B"
    lever_doc indicators $A $B >"$TMP/i.csv"
    python3 "$REF" --a $A --b $B --top 10 --check "$TMP/i.csv" "$TMP/synth.csv"
    lever_doc indicators $B $A --top 25 >"$TMP/i.csv"
    python3 "$REF" --a $B --b $A --top 25 --check "$TMP/i.csv" "$TMP/synth.csv"
'

expect "--years and --year pick the years; --year T equals --years T" '
    lever_doc indicators $A $B --years 2020-2021 --top 3 >"$TMP/i.csv"
    python3 "$REF" --a $A --b $B --years 2020-2021 --top 3 --check "$TMP/i.csv" "$TMP/synth.csv"
    lever_doc indicators $A $B --year 2020 --top 3 | table years >"$TMP/one"
    lever_doc indicators $A $B --years 2020 --top 3 | table years >"$TMP/range"
    test "$(wc -l <"$TMP/one")" -eq 1
    diff "$TMP/one" "$TMP/range"
'

expect "--product restricts X(i), M(j), W and W(k) to the selected products" '
    k=$(awk -F, -v a=$A "!/^#/ && \$2 == a { print substr(sprintf(\"%06d\", \$4), 1, 2); exit }" "$TMP/synth.csv")
    lever_doc indicators $A $B --product $k --top 5 >"$TMP/p.csv"
    grep -q "^# products: HS $k" "$TMP/p.csv"
    python3 "$REF" --a $A --b $B --product $k --top 5 --check "$TMP/p.csv" "$TMP/synth.csv"
'

expect "--top 0 prints the year table only" '
    lever_doc indicators $A $B --top 0 >"$TMP/i.csv"
    ! grep -q "^# table: rca" "$TMP/i.csv"
    test "$(grep -v "^#" "$TMP/i.csv" | head -n 1)" = "year,tii_ab,tii_ba,tc_ab,tc_ba,d_b_on_a,d_a_on_b"
    test "$(grep -c "^20[0-9][0-9]," "$TMP/i.csv")" -eq 3
    python3 "$REF" --a $A --b $B --top 0 --check "$TMP/i.csv" "$TMP/synth.csv"
'

expect "--format json: the same figures as CSV" '
    $LEVER indicators $A $B --top 2 --format json >"$TMP/i.json"
    lever_doc indicators $A $B --top 2 >"$TMP/i.csv"
    table years <"$TMP/i.csv" >"$TMP/years.csv"
    table rca_a <"$TMP/i.csv" >"$TMP/rca_a.csv"
    python3 - "$TMP/i.json" "$TMP/years.csv" "$TMP/rca_a.csv" <<-EOF
	import csv, json, sys
	d = json.load(open(sys.argv[1]))
	assert set(d) == {"meta", "years", "rca_a", "rca_b"}, set(d)
	years = list(csv.reader(open(sys.argv[2])))
	assert len(d["years"]) == len(years) == 3
	for j, c in zip(d["years"], years):
	    assert j["year"] == int(c[0])
	    assert j["tii_ab"] == float(c[1]) and j["d_a_on_b"] == float(c[6]), (j, c)
	rca = list(csv.reader(open(sys.argv[3])))
	assert len(d["rca_a"]) == len(rca) == 6
	for j, c in zip(d["rca_a"], rca):
	    assert (j["rank"], j["hs6"], j["exports"], j["rca"]) == (int(c[2]), c[3], int(c[4]), float(c[5]))
	EOF
'

# ---- real data: Algeria, 2021 --------------------------------------------------------

if need_shared "lever indicators on Algeria's real 2021 trade"; then

# These files hold Algeria's imports and exports only, so the store's "world" is the
# trade of Algeria: X(DZA), M(DZA) and T(DZA) are complete and D(DZA on B) is the true
# figure, but W, W(k), X(B) and M(B) of any other country are partial, so TII, TC, RCA
# and D(B on DZA) are only "as in the world of the files": the reference computes them
# from the same files, which checks the arithmetic, not the economics.
expect "real trade of Algeria with France, Russia and China matches the reference" '
    algeria_store
    for b in 251:FRA 643:RUS 156:CHN; do
        code=${b%%:*}; iso=${b##*:}
        uncovered lever_doc indicators DZA $iso --top 30 --store "$TMP/dza.store" >"$TMP/r.csv"
        python3 "$REF" --a 12 --b $code --a-name DZA --b-name $iso --top 30 \
            --check "$TMP/r.csv" "$IMPORTS" "$EXPORTS"
    done
'

expect "real data: D(DZA on FRA) = T(DZA,FRA) / T(DZA), the one complete figure, by awk" '
    uncovered lever_doc indicators FRA DZA --top 1 --store "$TMP/dza.store" >"$TMP/r.csv"
    got=$(table years <"$TMP/r.csv" | cut -d, -f6)
    awk -F, -v got="$got" "
        function usd(v,  n) { n = index(v, \".\"); if (n == 0) return v \"000\"
                              return substr(v, 1, n - 1) substr(substr(v, n + 1) \"000\", 1, 3) }
        FNR > 1 && \$2 == 12 { t += usd(\$5); if (\$3 == 251) tab += usd(\$5) }
        FNR > 1 && \$3 == 12 { t += usd(\$5); if (\$2 == 251) tab += usd(\$5) }
        END { want = tab / t; d = got - want; if (d < 0) d = -d
              if (!(want > 0.05 && d <= 1e-9 * want)) { print got, want; exit 1 } }" \
        "$IMPORTS" "$EXPORTS"
'

expect "real data: --product 27 (mineral fuels) matches the reference" '
    uncovered lever_doc indicators DZA ITA --product 27 --top 10 --store "$TMP/dza.store" >"$TMP/r.csv"
    python3 "$REF" --a 12 --b 380 --a-name DZA --b-name ITA --product 27 --top 10 \
        --check "$TMP/r.csv" "$IMPORTS" "$EXPORTS"
'
fi

# ---- edge cases on a hand-made world -----------------------------------------------

# 2021 in USD: FRA->DZA wheat 600, cars 200; FRA->DEU cars 400; DZA->FRA oil 300;
# DZA->DEU oil 500; DEU->DZA cars 800; DEU->FRA wheat 100; DEU->RUS cars 50. RUS exports
# nothing and never trades with DZA. 2019 has one flow; no 2020.
cat >"$TMP/hand.csv" <<'EOF'
t,i,j,k,v,q
2019,251,12,100190,1.000,1.000
2021,251,12,100190,0.600,1.000
2021,251,12,870323,0.200,1.000
2021,251,276,870323,0.400,1.000
2021,12,251,270900,0.300,1.000
2021,12,276,270900,0.500,1.000
2021,276,12,870323,0.800,1.000
2021,276,251,100190,0.100,1.000
2021,276,643,870323,0.050,1.000
EOF
# BACI names France 251 (ISO 3166 says 250): a dictionary line so that it is FRA.
cat >"$TMP/hand_countries.csv" <<'EOF'
country_code,country_name_abbreviation,country_name_full,iso_2digit_alpha,iso_3digit_alpha
251,France,France,FR,FRA
EOF

expect "hand-made world: TII, TC and D as worked out on paper" '
    $LEVER import "$TMP/hand.csv" "$TMP/hand_countries.csv" -o "$TMP/hand.store"
    lever_doc indicators 251 12 --year 2021 --store "$TMP/hand.store" >"$TMP/h.csv"
    # W = 2950. TII(FRA,DZA) = (800/1200)/(1600/2950); TII(DZA,FRA) = (300/800)/(400/2950);
    # TC 87.5 and 75; D(DZA on FRA) = 1100/2400; D(FRA on DZA) = 1100/1600
    table years <"$TMP/h.csv" | awk -F, "{
        want[2] = (800/1200)/(1600/2950); want[3] = (300/800)/(400/2950)
        want[4] = 87.5; want[5] = 75; want[6] = 1100/2400; want[7] = 1100/1600
        if (\$1 != 2021) exit 1
        for (f = 2; f <= 7; f++) { d = \$f - want[f]; if (d < 0) d = -d
            if (d > 1e-9 * want[f]) { print f, \$f, want[f]; exit 1 } } }"
    python3 "$REF" --a 251 --b 12 --a-name FRA --b-name DZA --years 2021 --check "$TMP/h.csv" "$TMP/hand.csv"
'

expect "a pair that never traded: TII and D are 0; a country exporting nothing gives empty TII" '
    lever_doc indicators 12 643 --year 2021 --store "$TMP/hand.store" >"$TMP/n.csv"
    test "$(table years <"$TMP/n.csv")" = "2021,0,,0,,0,0"
    test -z "$(table rca_b <"$TMP/n.csv")"
    python3 "$REF" --a 12 --b 643 --a-name DZA --b-name RUS --years 2021 --check "$TMP/n.csv" "$TMP/hand.csv"
'

expect "a year not in the store fails with exit 1 and names the years it holds" '
    exits 1 $LEVER indicators 251 12 --years 2020-2021 --store "$TMP/hand.store"
    grep -q "2020" "$TMP/err"
    grep -q "2019-2021" "$TMP/err"
'

expect "an unknown country fails with exit 1 and suggests candidates" '
    exits 1 $LEVER indicators Algerie FRA --store "$TMP/hand.store"
    grep -F "unknown country \"Algerie\"" "$TMP/err"
'

expect "bad options and arguments are usage errors (exit 2)" '
    usage_errors "indicators --store $TMP/hand.store" "251 12 --bogus" "251" "251 12 276" \
        "251 12 --top -1" "251 12 --years 20x1" "251 12 --format xml" "251 12 --year" \
        "251 12 --year 2021 --years 2021"
'

expect "--help prints usage and examples on stdout, exit 0" '
    $LEVER indicators --help >"$TMP/help"
    grep -q "^usage: lever indicators A B" "$TMP/help"
    grep -q "^examples:" "$TMP/help"
'

expect "the table for people names each direction" '
    NO_COLOR=1 $LEVER indicators 251 12 --year 2021 --store "$TMP/hand.store" \
        --format table >"$TMP/t"
    grep -q "TII(FRA,DZA)  *TII(DZA,FRA)  *TC(FRA,DZA)  *TC(DZA,FRA)  *D(DZA on FRA)  *D(FRA on DZA)" "$TMP/t"
    grep -q "^2021  *1.229  *2.766  *87.5  *75  *45.8%  *68.8%$" "$TMP/t"
'

finish
