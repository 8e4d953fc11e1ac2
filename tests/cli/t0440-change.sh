#!/bin/sh
# t0440-change.sh - lever change A B --from T0 --to T1: every column checked against
# tests/ref/change.py, which recomputes it from the raw CSV with exact fractions
# (values, changes and quantities exactly; shares and effects to 1e-9), on a
# synthetic world and on a two-year world made from Algeria's real 2021 imports.
# The promises: product changes and the "other products" row add up exactly to the
# total change; quantity and price effects add up to each product's change. Edge
# cases on a hand-made world: a product shipped in one year only, a missing
# quantity, a pair that never traded, a year not in the store, unknown countries.
. "$(dirname "$0")/lib.sh"

REF="$ROOT/tests/ref/change.py"

# ---- synthetic world --------------------------------------------------------------

expect "a synthetic world of 3 years imports" 'synth_store synth 50000 7 2019-2021'
export LEVER_STORE="$TMP/synth.store"

# The exporter-importer pair with the most products in 2019 and 2021 together.
pair=$(awk -F, '!/^#/ && NR > 1 && ($1 == 2019 || $1 == 2021) { n[$2 " " $3]++ }
               END { for (p in n) print n[p], p }' "$TMP/synth.csv" 2>/dev/null |
       sort -k1,1nr -k2,2n -k3,3n | head -n 1)
A=$(echo "$pair" | cut -d" " -f2)
B=$(echo "$pair" | cut -d" " -f3)

expect "every column matches the reference, for --top 20 (default), 0, 5 and 100000" '
    test -n "$A" && test -n "$B"
    lever_doc change $A $B --from 2019 --to 2021 >"$TMP/c.csv"
    python3 "$REF" --a $A --b $B --from 2019 --to 2021 --top 20 --check "$TMP/c.csv" "$TMP/synth.csv"
    for top in 0 5 100000; do
        lever_doc change $A $B --from 2019 --to 2021 --top $top >"$TMP/c.csv"
        python3 "$REF" --a $A --b $B --from 2019 --to 2021 --top $top \
            --check "$TMP/c.csv" "$TMP/synth.csv"
    done
'

expect "the other way round, and from 2020 to 2021, match the reference" '
    lever_doc change $B $A --from 2019 --to 2021 --top 10 >"$TMP/c.csv"
    python3 "$REF" --a $B --b $A --from 2019 --to 2021 --top 10 --check "$TMP/c.csv" "$TMP/synth.csv"
    lever_doc change $A $B --years 2020-2021 --top 10 >"$TMP/c.csv"
    python3 "$REF" --a $A --b $B --from 2020 --to 2021 --top 10 --check "$TMP/c.csv" "$TMP/synth.csv"
'

expect "totals are the exact USD sums of the raw rows (awk)" '
    lever_doc change $A $B --from 2019 --to 2021 >"$TMP/c.csv"
    awk -F, -v a=$A -v b=$B "$USD
        !/^#/ && \$2 == a && \$3 == b && \$1 == 2019 { t0 += usd(\$5) }
        !/^#/ && \$2 == a && \$3 == b && \$1 == 2021 { t1 += usd(\$5) }
        END { printf \"2019,2021,%.0f,%.0f,%.0f\n\", t0, t1, t1 - t0 }" "$TMP/synth.csv" >"$TMP/want"
    table summary <"$TMP/c.csv" | cut -d, -f1-5 >"$TMP/got"
    diff "$TMP/want" "$TMP/got"
'

expect "product changes and the other row sum exactly to the total change" '
    for top in 0 3 20 100000; do
        lever_doc change $A $B --from 2019 --to 2021 --top $top >"$TMP/c.csv"
        total=$(table summary <"$TMP/c.csv" | cut -d, -f5)
        table products <"$TMP/c.csv" | python3 -c "
import csv, sys
rows = list(csv.reader(sys.stdin))
assert rows[-1][-1].startswith(\"other products\"), rows[-1]
assert sum(int(r[4]) for r in rows) == int(sys.argv[1]), (sum(int(r[4]) for r in rows), sys.argv[1])
" "$total"
    done
'

expect "quantity effect + price effect = change for every split product (1e-9)" '
    lever_doc change $A $B --from 2019 --to 2021 --top 100000 >"$TMP/c.csv"
    table products <"$TMP/c.csv" | python3 -c "
import csv, sys
split = 0
for r in csv.reader(sys.stdin):
    if r[8] == \"\":
        continue
    split += 1
    qe, pe, change = float(r[8]), float(r[9]), int(r[4])
    assert abs(qe + pe - change) <= 1e-9 * abs(change), r
assert split > 0, \"no product had quantities in both years\"
"
'

expect "--product restricts every sum to the prefix" '
    k=$(table products <"$TMP/c.csv" | head -n 1 | cut -d, -f2 | cut -c1-2)
    lever_doc change $A $B --from 2019 --to 2021 --product $k >"$TMP/p.csv"
    grep -q "^# products: HS $k" "$TMP/p.csv"
    python3 "$REF" --a $A --b $B --from 2019 --to 2021 --product $k --check "$TMP/p.csv" "$TMP/synth.csv"
'

expect "--format json has the same totals and rows" '
    $LEVER change $A $B --from 2019 --to 2021 --top 5 --format json >"$TMP/c.json"
    lever_doc change $A $B --from 2019 --to 2021 --top 5 >"$TMP/c.csv"
    python3 - "$TMP/c.json" "$TMP/c.csv" <<-EOF
	import csv, json, sys
	d = json.load(open(sys.argv[1]))
	lines = [l for l in open(sys.argv[2]) if not l.startswith("#") and l.strip()]
	rows = list(csv.reader(lines))
	summary = dict(zip(rows[0], rows[1]))
	assert d["summary"][0]["change"] == int(summary["change"])
	assert len(d["products"]) == 6 and d["products"][5]["hs6"] is None
	assert sum(p["change"] for p in d["products"]) == int(summary["change"])
	assert "SYNTHETIC" in d["meta"]["warning"]
	EOF
'

# ---- real data: two years made from Algeria's 2021 imports ------------------------

if need_shared "lever change on Algeria's real imports"; then

# BACI has one year here: "2020" is every second real row with its value and quantity
# scaled (a different factor each), so that products appear in one year only, quantities
# are missing (NA) in either year, and both effects are non-trivial.
expect "real rows: FRA->DZA and RUS->DZA, every column matches the reference" '
    awk -F, "BEGIN { OFS = \",\" } NR == 1 { print; next } NR % 2 == 0 {
        \$1 = 2020; \$5 = sprintf(\"%.3f\", \$5 * (0.6 + (NR % 7) / 10))
        if (\$6 != \"NA\") \$6 = sprintf(\"%.3f\", \$6 * (0.7 + (NR % 5) / 10))
        print }" "$IMPORTS" >"$TMP/y2020.csv"
    $LEVER import "$TMP/y2020.csv" "$IMPORTS" "$COUNTRIES" "$PRODUCTS" -o "$TMP/dza.store"
    for a in 251 643 76; do
        lever_doc change $a DZA --from 2020 --to 2021 --top 30 --store "$TMP/dza.store" \
            >"$TMP/r.csv"
        python3 "$REF" --a $a --b 12 --from 2020 --to 2021 --top 30 \
            --check "$TMP/r.csv" "$TMP/y2020.csv" "$IMPORTS"
    done
'

expect "real rows: wheat (1001) from France, by name" '
    lever_doc change France Algeria --from 2020 --to 2021 --product 1001 --store "$TMP/dza.store" \
        >"$TMP/w.csv"
    python3 "$REF" --a 251 --b 12 --from 2020 --to 2021 --product 1001 \
        --check "$TMP/w.csv" "$TMP/y2020.csv" "$IMPORTS"
    table products <"$TMP/w.csv" | head -n 1 | cut -d, -f2 | grep -q "^1001"
'
fi

# ---- edge cases on a hand-made world -----------------------------------------------

# FRA (251) -> DZA (12): wheat 1,000,000 USD / 4,000 t -> 1,500,000 USD / 5,000 t;
# flour 200,000 (q NA) -> 100,000; medicine only in 2021 (50,500); fuels only in 2019
# (30,000); cars unchanged (70,000). No 2020 in the store.
cat >"$TMP/hand.csv" <<'EOF'
t,i,j,k,v,q
2019,251,12,100190,1000.000,4000.000
2019,251,12,110100,200.000,NA
2019,251,12,271000,30.000,10.000
2019,251,12,870323,70.000,5.000
2019,276,643,870323,1.000,1.000
2021,251,12,100190,1500.000,5000.000
2021,251,12,110100,100.000,300.000
2021,251,12,300490,50.500,1.000
2021,251,12,870323,70.000,5.000
EOF

expect "hand-made world: every figure as worked out on paper" '
    $LEVER import "$TMP/hand.csv" -o "$TMP/hand.store"
    lever_doc change 251 12 --from 2019 --to 2021 --store "$TMP/hand.store" >"$TMP/h.csv"
    test "$(table summary <"$TMP/h.csv")" = "2019,2021,1300000,1720500,420500,4"
    table products <"$TMP/h.csv" | cut -d, -f1-5,7-10 >"$TMP/got"
    cat >"$TMP/want" <<-EOF
	1,100190,1000000,1500000,500000,4000000,5000000,250000,250000
	2,110100,200000,100000,-100000,,300000,,
	3,300490,0,50500,50500,0,1000,,
	4,271000,30000,0,-30000,10000,0,,
	,,70000,70000,0,,,,
	EOF
    diff "$TMP/want" "$TMP/got"
    python3 "$REF" --a 251 --b 12 --from 2019 --to 2021 --check "$TMP/h.csv" "$TMP/hand.csv"
'

expect "a pair that never traded: zero totals and only the other row" '
    lever_doc change 12 276 --from 2019 --to 2021 --store "$TMP/hand.store" >"$TMP/n.csv"
    test "$(table summary <"$TMP/n.csv")" = "2019,2021,0,0,0,0"
    test "$(table products <"$TMP/n.csv")" = ",,0,0,0,,,,,,other products (0 more changed)"
'

expect "a year not in the store fails with exit 1 and names the years it holds" '
    exits 1 $LEVER change 251 12 --from 2020 --to 2021 --store "$TMP/hand.store"
    grep -q "2020" "$TMP/err"
    grep -q "2019-2021" "$TMP/err"
'

expect "an unknown country fails with exit 1 and suggests candidates" '
    exits 1 $LEVER change Frnce DZA --store "$TMP/hand.store"
    grep -F "unknown country \"Frnce\"" "$TMP/err"
    grep -q "did you mean" "$TMP/err"
'

expect "bad options and arguments are usage errors (exit 2)" '
    usage_errors "change --store $TMP/hand.store" "251 12 --bogus" "251" "251 12 276" \
        "251 12 --top -1" "251 12 --from 20x1" "251 12 --format xml" "251 12 --to" \
        "251 12 --years 2021-2019"
'

expect "--help prints usage and examples on stdout, exit 0" '
    $LEVER change --help >"$TMP/help"
    grep -q "^usage: lever change A B" "$TMP/help"
    grep -q "^examples:" "$TMP/help"
    grep -q "lever change FRA DZA --from 2019 --to 2021" "$TMP/help"
'

expect "the table for people shows the exact total change with thousands separators" '
    NO_COLOR=1 $LEVER change 251 12 --from 2019 --to 2021 --store "$TMP/hand.store" \
        --format table >"$TMP/t"
    grep -q "^change, USD: *420,500$" "$TMP/t"
    grep -q "other products (0 more changed)" "$TMP/t"
'

finish
