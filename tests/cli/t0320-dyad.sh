#!/bin/sh
# t0320-dyad.sh - lever dyad on Algeria's real 2021 imports (BACI HS92 V202301).
# Every figure lever prints is recomputed here with awk from the same CSV: sums in
# exact integer USD (the "thousands with 3 decimals" turned into an integer by
# string surgery, never by floating point), shares and HHI as ratios compared with
# a relative error of 1e-9. A three-year store made from the same rows checks the
# year range, growth and CAGR.
. "$(dirname "$0")/lib.sh"

FRA=251
DZA=12

# close_lines A B: files of comma-separated numbers, equal line by line; integers exactly,
# fractions within a relative error of 1e-9.
close_lines() {
    paste -d'|' "$1" "$2" | awk -F'|' '
        function bad(x, y) { d = x - y; if (d < 0) d = -d; m = (x < 0 ? -x : x);
                             if ((y < 0 ? -y : y) > m) m = (y < 0 ? -y : y);
                             return d > 1e-9 * m }
        { n = split($1, a, ","); if (split($2, b, ",") != n) { print "fields differ: " $0; e = 1; next }
          for (f = 1; f <= n; f++)
              if ((a[f] ~ /^-?[0-9]+$/ && a[f] != b[f]) || bad(a[f] + 0, b[f] + 0)) {
                  print "line " NR " field " f ": " a[f] " vs " b[f]; e = 1 } }
        END { if (NR == 0) { print "no lines"; e = 1 } exit e }'
}

# X(i->j) over rows of a BACI CSV whose HS6 code starts with prefix (all when empty).
flow_sum() {
    awk -F, -v i="$1" -v j="$2" -v prefix="${3:-}" "$USD"'
        NR > 1 && $2 == i && $3 == j && (prefix == "" || index(sprintf("%06d", $4), prefix) == 1) { s += usd($5) }
        END { printf "%.0f\n", s }' "$4"
}

if need_shared "lever dyad on Algeria's 2021 imports"; then
export LEVER_STORE="$TMP/dza.store"

expect "import Algeria's 2021 imports with the BACI dictionaries" '
    $LEVER import "$IMPORTS" "$COUNTRIES" "$PRODUCTS" -o "$LEVER_STORE" &&
    test -s "$LEVER_STORE"
'

expect "X(FRA->DZA) is the exact USD sum; X(DZA->FRA), outside an imports-only store, is empty, not zero" '
    exits 3 lever_doc dyad FRA DZA
    lever_doc dyad FRA DZA >"$TMP/dyad.csv" 2>/dev/null || [ $? = 3 ]
    grep -x "lever: this store holds no flows of DZA to FRA in 2021: it covers only the flows of DZA (imports)" "$TMP/err"
    ab=$(flow_sum $FRA $DZA "" "$IMPORTS")
    test "$ab" -gt 4000000000
    table years <"$TMP/dyad.csv" >"$TMP/got"
    echo "2021,$ab,,,,,,,BACI,FOB,FOB" >"$TMP/want"
    diff "$TMP/want" "$TMP/got"
'

expect "countries by name and numeric code give the same dyad" '
    lever_doc dyad france 12 | table years >"$TMP/by_name"
    table years <"$TMP/dyad.csv" | diff - "$TMP/by_name"
'

expect "top 10 products FRA->DZA: order, value, supplier share, HHI and supplier count" '
    awk -F, -v i=$FRA -v j=$DZA "$USD"'"'"'
        NR > 1 && $3 == j { v = usd($5); m[$4] += v; sq[$4] += v * v; if (v > 0) n[$4]++
                            if ($2 == i) mine[$4] = v }
        END { for (k in mine) printf "%d,%.0f,%.17g,%.17g,%d\n", k, mine[k], mine[k] / m[k],
                                     sq[k] / (m[k] * m[k]), n[k] }'"'"' "$IMPORTS" |
        sort -t, -k2,2nr -k1,1n | head -n 10 >"$TMP/want"
    test "$(wc -l <"$TMP/want")" -eq 10
    table a_to_b <"$TMP/dyad.csv" |
        awk -F, '"'"'{ printf "%d,%s,%s,%s,%s\n", $3, $4, $8, $10, $11 }'"'"' >"$TMP/got"
    close_lines "$TMP/want" "$TMP/got"
    table a_to_b <"$TMP/dyad.csv" | cut -d, -f1,2 | tr "\n" " " >"$TMP/ranks"
    test "$(cat "$TMP/ranks")" = "2021,1 2021,2 2021,3 2021,4 2021,5 2021,6 2021,7 2021,8 2021,9 2021,10 "
'

expect "destination share e = v / X(FRA,k) and unit value v / q from the rows" '
    awk -F, -v i=$FRA "$USD"'"'"'
        function kg(q) { return q == "NA" ? -1 : usd(q) }
        NR > 1 && $2 == i { v = usd($5); x[$4] += v; val[$4] = v; q[$4] = kg($6) }
        END { for (k in val) printf "%d,%.0f,%.17g,%.17g\n", k, val[k], val[k] / x[k],
                                    (q[k] > 0 ? val[k] / q[k] : -1) }'"'"' "$IMPORTS" |
        sort -t, -k2,2nr -k1,1n | head -n 10 >"$TMP/want"
    table a_to_b <"$TMP/dyad.csv" |
        awk -F, '"'"'{ printf "%d,%s,%s,%s\n", $3, $4, $9, $6 == "" ? -1 : $6 }'"'"' >"$TMP/got"
    close_lines "$TMP/want" "$TMP/got"
'

expect "--product 1001 restricts every sum to HS 1001" '
    ab=$(flow_sum $FRA $DZA 1001 "$IMPORTS")
    test "$ab" -gt 0
    lever_doc dyad FRA DZA --product 1001 >"$TMP/wheat.csv" || [ $? = 3 ]
    test "$(table years <"$TMP/wheat.csv" | cut -d, -f2)" = "$ab"
    grep -q "^# products: HS 1001$" "$TMP/wheat.csv"
    table a_to_b <"$TMP/wheat.csv" | cut -d, -f3 | grep -v "^1001" && exit 1
    true
'

expect "--top 3 lists three products a way; --top 0 none" '
    test "$(lever_doc dyad FRA DZA --top 3 2>/dev/null | table a_to_b | wc -l)" -eq 3
    lever_doc dyad FRA DZA --top 0 >"$TMP/top0" || [ $? = 3 ]
    ! grep -q "^# table: a_to_b" "$TMP/top0"
'

expect "a pair that never traded gives zero where the store holds the flows, and empty where not" '
    test "$(awk -F, "NR > 1 && ((\$2 == 4 && \$3 == 12) || (\$2 == 12 && \$3 == 4))" "$IMPORTS" | wc -l)" -eq 0
    lever_doc dyad AFG DZA >"$TMP/never.csv" || [ $? = 3 ]
    test "$(table years <"$TMP/never.csv")" = "2021,0,,,,,,,BACI,FOB,FOB"
    test -z "$(table a_to_b <"$TMP/never.csv")"
'

expect "an unknown country fails with exit 1 and suggests the closest" '
    exits 1 $LEVER dyad Kazakstan DZA
    grep "^398,\"Kazakhstan\",.*\"KAZ\"" "$COUNTRIES" >/dev/null
    grep -F "unknown country \"Kazakstan\"; did you mean: KAZ Kazakhstan (398)?" "$TMP/err"
'

expect "an ambiguous country fails with exit 1 and lists the candidates" '
    exits 1 $LEVER dyad united DZA
    n=$(awk -F"\",\"" "tolower(\$0) ~ /^[0-9]+,\"united/" "$COUNTRIES" | wc -l)
    test "$n" -ge 2
    grep -F "\"united\" matches $n countries" "$TMP/err"
    grep -F "GBR United Kingdom (826)" "$TMP/err"
'

expect "a year not in the store fails with exit 1 naming the years it holds" '
    exits 1 $LEVER dyad FRA DZA --years 2019
    grep -F "year 2019 is not in the store; it holds 2021" "$TMP/err"
'

expect "bad options and arguments are usage errors (exit 2)" '
    usage_errors dyad "FRA DZA --bogus" "FRA" "FRA DZA DEU" "FRA DZA --top -1" \
        "FRA DZA --years 2021-2019" "FRA DZA --years 20x1" "FRA DZA --format xml" "FRA DZA --top"
'

expect "--help prints usage and examples on stdout, exit 0" '
    $LEVER dyad --help >"$TMP/help"
    grep -q "^usage: lever dyad A B" "$TMP/help"
    grep -q "^examples:" "$TMP/help"
'

expect "--format json is valid JSON with the same figures" '
    $LEVER dyad FRA DZA --top 3 --format json >"$TMP/dyad.json" 2>/dev/null || [ $? = 3 ]
    python3 -m json.tool "$TMP/dyad.json" >/dev/null
    ab=$(flow_sum $FRA $DZA "" "$IMPORTS")
    python3 - "$TMP/dyad.json" "$ab" <<-EOF
	import json, sys
	d = json.load(open(sys.argv[1]))
	assert d["meta"]["data"] == "BACI HS92 V202301", d["meta"]
	assert d["years"][0]["a_to_b"] == int(sys.argv[2]), d["years"]
	assert d["years"][0]["growth_total"] is None
	assert len(d["a_to_b"]) == 3 and d["a_to_b"][0]["hs6"] == "100190", d["a_to_b"][0]
	assert d["b_to_a"] == []
	EOF
'

expect "the table for people groups thousands and names the countries" '
    ab=$(flow_sum $FRA $DZA "" "$IMPORTS")
    grouped=$(echo "$ab" | sed -e :a -e "s/\([0-9]\)\([0-9]\{3\}\)\(,\|$\)/\1,\2\3/; ta")
    NO_COLOR=1 $LEVER dyad FRA DZA --format table >"$TMP/table" 2>/dev/null || [ $? = 3 ]
    grep -q "^Trade between France (FRA) and Algeria (DZA)$" "$TMP/table"
    grep -q "^2021  *$grouped  " "$TMP/table"
    ! grep -q "$(printf "\033")" "$TMP/table"
'

# Three years from the same rows: 2019 every third row, 2020 every second row, 2021 all.
expect "a three-year store of imports: per-year sums and growth; no total nor CAGR without the exports" '
    awk -F, "NR == 1 { print; next } NR % 3 == 0 { \$1 = 2019; print }" OFS=, "$IMPORTS" >"$TMP/y2019.csv"
    awk -F, "NR == 1 { print; next } NR % 2 == 0 { \$1 = 2020; print }" OFS=, "$IMPORTS" >"$TMP/y2020.csv"
    $LEVER import "$TMP/y2019.csv" "$TMP/y2020.csv" "$IMPORTS" "$COUNTRIES" "$PRODUCTS" \
        -o "$TMP/three.store"
    x19=$(flow_sum $FRA $DZA "" "$TMP/y2019.csv")
    x20=$(flow_sum $FRA $DZA "" "$TMP/y2020.csv")
    x21=$(flow_sum $FRA $DZA "" "$IMPORTS")
    awk -v a=$x19 -v b=$x20 -v c=$x21 "BEGIN {
        printf \"2019,%d,,,,,,,BACI,FOB,FOB\n\", a
        printf \"2020,%d,,,,%.17g,,,BACI,FOB,FOB\n\", b, (b - a) / a
        printf \"2021,%d,,,,%.17g,,,BACI,FOB,FOB\n\", c, (c - b) / b
        printf \"2019,2021,\n\" }" >"$TMP/want"
    lever_doc dyad FRA DZA --store "$TMP/three.store" >"$TMP/three.csv" 2>/dev/null || [ $? = 3 ]
    { table years <"$TMP/three.csv"; table summary <"$TMP/three.csv"; } |
        sed "s/,,/,0,/g; s/,,/,0,/g; s/,$/,0/" >"$TMP/got"
    sed "s/,,/,0,/g; s/,,/,0,/g; s/,$/,0/" "$TMP/want" >"$TMP/want0"
    close_lines "$TMP/want0" "$TMP/got"
'

expect "--years picks the range: 2020-2021, 2020, -2020 and 2021-" '
    for r in 2020-2021:2020,2021 2020:2020 -2020:2019,2020 2021-:2021; do
        got=$(lever_doc dyad FRA DZA --store "$TMP/three.store" --years "${r%%:*}" |
              table years | cut -d, -f1 | paste -sd,)
        test "$got" = "${r#*:}" || { echo "--years ${r%%:*}: $got"; exit 1; }
    done
'

expect "top products are listed for each year of the range" '
    lever_doc dyad FRA DZA --store "$TMP/three.store" --top 2 | table a_to_b |
        cut -d, -f1,2 | paste -sd" " >"$TMP/got"
    test "$(cat "$TMP/got")" = "2019,1 2019,2 2020,1 2020,2 2021,1 2021,2"
'
fi

finish
