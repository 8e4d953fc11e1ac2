#!/usr/bin/env bash
# t0135-several-stores-options.sh - the options of `lever dyad A B` over several stores: --top
# (the top products of each store holding a year, labelled with the store and the source),
# --measure quantity (the year table in tonnes), --events, and --product read in one HS
# edition over stores of different editions. A BACI HS92 store (a hand-made KAZ-AFG history,
# 2015-2021) and a Comtrade store (the made-up Comtrade Plus files, HS22, 2021-2023). Every
# figure is checked against tests/ref/several_stores.py (Python reading the input files and
# the UNSD tables of data/hs), not against lever.
. "$(dirname "$0")/lib.sh"

cd "$TMP"
BACI=$ROOT/tests/data/stores/handmade_hs92_v202301_kaz_afg_2015_2021.csv
CT=$ROOT/tests/data/comtrade_plus
REF="python3 $ROOT/tests/ref/several_stores.py --baci $BACI --comtrade $CT/kaz_afg_annual.csv $CT/kaz_afg_monthly.json --a 398 --b 4"
"$LEVER" import -q "$BACI" -o baci.store
"$LEVER" import -q "$CT/kaz_afg_annual.csv" "$CT/kaz_afg_monthly.json" -o ct.store 2>/dev/null

# lever's rows as the reference prints them
years_usd() { table years | awk -F, '{ print "years," $1 "," $2 "," $3 "," $5 "," $6 }'; }
years_t() {
    table years | awk -F, '{ a = $2 == "" ? "" : sprintf("%.6f", $2); b = $3 == "" ? "" : sprintf("%.6f", $3)
                             print "years," $1 "," a "," b "," $5 "," $6 }'
}
products_usd() { table "$1" | awk -F, -v n="$1" '{ print n "," $1 "," $2 "," $3 "," $4 "," $5 "," $6 "," $14 }'; }
products_t() { table "$1" | awk -F, -v n="$1" '{ printf "%s,%s,%s,%s,%s,%s,%.3f,%s\n", n, $1, $2, $3, $4, $5, $10, $15 }'; }

expect "--top: the top products of each store holding a year, the store used first, labelled" '
    uncovered lever_doc dyad KAZ AFG --years 2015-2023 --store baci.store --store ct.store --top 2 > out.csv 2>/dev/null
    $REF --top 2 > want.csv
    { years_usd < out.csv; products_usd a_to_b < out.csv; products_usd b_to_a < out.csv; } > got.csv
    diff got.csv want.csv
    grep -q "^a_to_b,2021,2,0,1,110100,900,reported$" got.csv
'

expect "--measure quantity: the years in tonnes (group factors applied), the products ranked by tonnes" '
    uncovered lever_doc dyad KAZ AFG --years 2015-2023 --store baci.store --store ct.store --top 3 --measure quantity --product wheat > out.csv 2>/dev/null
    $REF --top 3 --quantity --codes1 1001,1101 --codes2 1001,1101 --factors 1101=1.33 > want.csv
    { years_t < out.csv; products_t a_to_b < out.csv; products_t b_to_a < out.csv; } > got.csv
    diff got.csv want.csv
    grep -q "^# measure: quantity" out.csv
'

expect "--events: the events beside the years of every store, and their table" '
    printf "date,countries,label,source\n2016-04,AFG,an event of 2016,test\n2022-09,KAZ,an event of 2022,test\n" > ev.csv
    uncovered lever_doc dyad KAZ AFG --years 2015-2023 --store baci.store --store ct.store --top 0 --events ev.csv > out.csv 2>/dev/null
    table years < out.csv | grep -q "^2016,.*,BACI,1,.*2016-04 an event of 2016$"
    table years < out.csv | grep -q "^2022,.*,reported,2,.*2022-09 an event of 2022$"
    [ "$(table events < out.csv | wc -l)" -eq 2 ]
'

# --product over stores of different editions: the codes the UNSD tables link it to
MAP="python3 $ROOT/tests/ref/several_stores.py --hs $ROOT/data/hs --map"
expect "--product is read in the first store's edition (HS92) and mapped to HS22: 1001 split, the same goods as a whole" '
    $MAP HS92 HS22 1001 > map.txt
    [ "$(sed -n 2p map.txt)" = closed ]
    uncovered lever_doc dyad KAZ AFG --years 2015-2023 --store baci.store --store ct.store --top 2 --product 1001 > out.csv 2>/dev/null
    $REF --top 2 --codes1 1001 --codes2 "$(sed -n 1p map.txt)" > want.csv
    { years_usd < out.csv; products_usd a_to_b < out.csv; products_usd b_to_a < out.csv; } > got.csv
    diff got.csv want.csv
    grep -q "^# products: 1001, read in HS92 (the edition of store 1); store 1: HS 1001; store 2: 1001 (HS92) as HS22 $(sed -n 1p map.txt | sed "s/,/, /g")$" out.csv
    grep -q "^# hs_mapping: store 2: --product 1001 (HS92) read as HS22 .*: not one-to-one code by code, but the same goods as a whole .*split over several HS22 codes: HS92 100110, 100190$" out.csv
'

expect "a code merged with goods outside --product: the covering codes are used, and the note names what else they hold" '
    $MAP HS22 HS92 100199 > map.txt
    [ "$(sed -n 1p map.txt)" = 100190 ] && [ "$(sed -n 2p map.txt)" = wider:100191 ]
    uncovered lever_doc dyad KAZ AFG --years 2015-2023 --store ct.store --store baci.store --top 2 --product 100199 > out.csv 2>/dev/null
    # the reference numbers BACI store 1: swap the store ranks of lever'"'"'s answer
    $REF --top 2 --codes1 100190 --codes2 100199 > want.csv
    { years_usd < out.csv; products_usd a_to_b < out.csv; products_usd b_to_a < out.csv; } |
        awk -F, -v OFS=, "\$1 == \"years\" { \$6 = 3 - \$6 } \$1 != \"years\" { \$3 = 3 - \$3 } 1" > got.csv
    diff got.csv want.csv
    grep -q "^# hs_mapping: store 2: --product 100199 (HS22) read as HS92 100190: not one-to-one; the figures are those of the HS92 codes that cover it, whole; goods outside --product counted: HS92 100190 also holds HS22 100191$" out.csv
'

expect "--hs names the edition --product is read in, with one store or several; CSV says the note on stderr" '
    uncovered lever_doc dyad KAZ AFG --years 2015-2023 --store baci.store --store ct.store --top 2 --product 100199 --hs HS22 > out.csv 2>/dev/null
    $REF --top 2 --codes1 100190 --codes2 100199 > want.csv
    { years_usd < out.csv; products_usd a_to_b < out.csv; products_usd b_to_a < out.csv; } > got.csv
    diff got.csv want.csv
    grep -q "^# products: 100199, read in HS22 (--hs); store 1: 100199 (HS22) as HS92 100190; store 2: 100199" out.csv
    grep -q "^# hs_mapping: store 1: --product 100199 (HS22) read as HS92 100190: not one-to-one" out.csv
    "$LEVER" dyad KAZ AFG --store baci.store --years 2019-2021 --product 100199 --hs HS22 --format csv > one.csv 2> err
    grep -q "^lever: warning: --product 100199 (HS22) read as HS92 100190: not one-to-one" err
    [ "$(cut -d, -f2 one.csv | tail -n +2 | tr "\n" " ")" = "$(grep "^years,20\(19\|20\|21\)," want.csv | cut -d, -f3 | tr "\n" " ")" ]
    exits 2 "$LEVER" dyad KAZ AFG --store baci.store --hs HS22
    grep -q "give --product" "$TMP/err"
    exits 2 "$LEVER" dyad KAZ AFG --store baci.store --product 1001 --hs HS93
    grep -q "HS92, HS96, HS02, HS07, HS12, HS17 or HS22" "$TMP/err"
'

expect "every format names the source of each figure" '
    "$LEVER" dyad KAZ AFG --years 2020-2022 --store baci.store --store ct.store --top 1 --format json -o out.json
    python3 -c "
import json
d = json.load(open(\"out.json\"))
for t in (\"years\", \"overlap\", \"a_to_b\", \"b_to_a\"):
    assert d[t] and all(r[\"source\"] in (\"BACI\", \"reported\") for r in d[t]), t
"
    "$LEVER" dyad KAZ AFG --years 2020-2022 --store baci.store --store ct.store --top 1 --format csv --table a_to_b > a.csv
    head -1 a.csv | grep -q ",source,description$"
    COLUMNS=120 "$LEVER" dyad KAZ AFG --years 2020-2022 --store baci.store --store ct.store --top 1 --format table > out.txt
    [ "$(grep -c " BACI \| reported " out.txt)" -ge 8 ]
    for opt in "--top 3" "--top 3 --measure quantity --product wheat" "--top 0 --events ev.csv" "--top 2 --product 1001"; do
        COLUMNS=120 "$LEVER" dyad KAZ AFG --years 2015-2024 --store baci.store --store ct.store $opt --format table > wide.txt 2>/dev/null || true
        [ "$(python3 -c "import sys; print(max(len(l.rstrip(chr(10))) for l in open(sys.argv[1], encoding=\"utf-8\")))" wide.txt)" -le 120 ]
    done
'

OPENPYXL=
for p in python3 /usr/bin/python3; do
    if [ -z "$OPENPYXL" ] && $p -c "import openpyxl" 2>/dev/null; then OPENPYXL=$p; fi
done
if [ -n "$OPENPYXL" ]; then
    expect "xlsx: the same cells as the JSON, sources included (read back with openpyxl)" '
        "$LEVER" dyad KAZ AFG --years 2020-2022 --store baci.store --store ct.store --top 1 --format xlsx -o out.xlsx
        $OPENPYXL "$ROOT/tests/ref/check_xlsx.py" out.xlsx out.json
    '
else
    skip "xlsx: the same cells as the JSON" "no Python with openpyxl (Debian python3-openpyxl)"
fi

finish
