#!/usr/bin/env bash
# t0120-hs-editions.sh - HS editions (docs/INDICATORS.md section 13): the edition of a file
# told from its codes, not only from its name; a file of another edition, or a mix of
# editions, refused with the file:line of the code that betrays it and what to do;
# --to-hs converting with UNSD's correlation tables, every converted flow checked against
# tests/ref/hs_convert.py (which reads UNSD's consolidated table itself), every output
# format marking the converted years; the release and edition read from the data.
# tests/data/hs/hs17_handmade.csv is a hand-made HS17 file (codes such as 853950 and 440140
# exist only in HS17), imported under a BACI HS92 name.
. "$(dirname "$0")/lib.sh"

H17=$ROOT/tests/data/hs/hs17_handmade.csv
REF=$ROOT/tests/ref/hs_convert.py
CONCORDANCE=$SHARED/hs/HS_consolidated_comtrade_concordances.csv
cd "$TMP"
cp "$H17" baci_hs92_v202301_2019_kaz.csv
cp "$H17" kaz.csv

# Every flow of a store between the pairs of a t,i,j,k,v,q file, read from lever dyad.
store_flows() {
    awk -F, 'NR > 1 || $1 ~ /^[0-9]/ { print $2, $3 }' "$2" | sort -u |
    while read -r i j; do
        lever_doc dyad "$i" "$j" --store "$1" --top 1000000 2>/dev/null |
            awk -F, -v i="$i" -v j="$j" '
                /^# table: / { t = $0; sub(/^# table: /, "", t); head = 1; next }
                head { head = 0; for (c = 1; c <= NF; c++) col[$c] = c; next }
                /^#/ || NF == 0 { next }
                t == "a_to_b" {
                    q = $col["qty_kg"]; if (q == "") q = "NA"
                    printf "%d,%d,%d,%s,%s,%s\n", $col["year"], i, j, $col["hs6"], $col["value"], q
                }'
    done | sort
}

expect "an HS17 file under an HS92 name is refused at the line of its first HS17-only code" '
    exits 1 "$LEVER" import baci_hs92_v202301_2019_kaz.csv -o x.store
    [ ! -e x.store ]
    grep -x "lever: baci_hs92_v202301_2019_kaz.csv:2: HS code 100199 does not exist in HS92, the edition its name gives; it exists in HS12, HS17, HS22, and every code of the file exists in HS17. One store holds one HS edition: import the file with --hs HS17 into a store of its own, or convert it with --to-hs HS92" "$TMP/err"
'

expect "--hs HS92 is a claim checked like a name" '
    exits 1 "$LEVER" import kaz.csv --hs HS92 -o x.store
    grep -q "kaz.csv:2: HS code 100199 does not exist in HS92, the edition given with --hs;" "$TMP/err"
    [ ! -e x.store ]
'

expect "a file without an edition in its name gets the edition of its codes" '
    "$LEVER" import kaz.csv -o h17.store 2>/dev/null
    lever_doc info --store h17.store | grep -q "^4,HS17,"
    "$LEVER" import kaz.csv --hs HS17 -o h17b.store 2>/dev/null
'

if need_shared "two editions in one store are refused"; then
    expect "two editions in one store are refused, naming the file, line and code" '
        exits 1 "$LEVER" import "$IMPORTS" kaz.csv -o x.store
        grep -x "lever: kaz.csv:2: HS code 100199 does not exist in HS92, the edition of $IMPORTS; it exists in HS12, HS17, HS22, and every code of the file exists in HS17. One store holds one HS edition: import the file with --hs HS17 into a store of its own, or convert it with --to-hs HS92" "$TMP/err"
        [ ! -e x.store ]
    '

    expect "the real BACI HS92 and HS17 dictionaries and rows are read as their editions" '
        "$LEVER" import "$IMPORTS" "$EXPORTS" "$COUNTRIES" "$PRODUCTS" -o dza.store 2>/dev/null
        lever_doc info --store dza.store | grep -q "^4,HS92,V202301,"
    '

    expect "--to-hs HS92 converts every flow as the independent reference does (exact and split)" '
        "$LEVER" import "$IMPORTS" baci_hs92_v202301_2019_kaz.csv --to-hs HS92 -o conv.store 2>err
        grep -q "warning: baci_hs92_v202301_2019_kaz.csv:2: HS code 100199 does not exist in HS92, the edition its name gives: the file is read as HS17" err
        python3 "$REF" "$CONCORDANCE" HS17 HS92 "$IMPORTS" -- kaz.csv | sort > ref.csv
        store_flows conv.store ref.csv > got.csv
        diff got.csv ref.csv
        # a 1:n code split in proportion to Algeria'"'"'s 2021 imports, another equally
        grep -q "^2019,398,4,030799,1181963,95740$" got.csv
        grep -q "^2019,398,4,010111,500250,1000$" got.csv
        [ "$(wc -l < got.csv)" -eq 17 ]
    '

    expect "--to-hs HS17 converts up (HS92 to HS17, links read the other way) as the reference does" '
        head -200 "$EXPORTS" > dza_small.csv
        "$LEVER" import dza_small.csv --hs HS92 --to-hs HS17 -o up.store 2>/dev/null
        python3 "$REF" "$CONCORDANCE" HS92 HS17 -- dza_small.csv | sort > up_ref_all.csv
        # parts of no value that keep kilograms are in the store; lever dyad lists products
        # with a value
        grep -q ",0,[1-9][0-9]*$" up_ref_all.csv
        awk -F, "\$5 != 0" up_ref_all.csv > up_ref.csv
        store_flows up.store up_ref.csv > up_got.csv
        diff up_got.csv up_ref.csv
        [ "$(wc -l < up_got.csv)" -gt 150 ]
    '

    expect "every output format marks the converted figures" '
        lever_doc dyad KAZ AFG --years 2019-2020 --store conv.store > out.csv
        grep -q "^# converted: HS codes converted to HS92 with UNSD.s HS correlation tables: baci_hs92_v202301_2019_kaz.csv from HS17 (2019-2020): 13 flows, 3 split over several codes" out.csv
        grep -q "^2019,.*\"BACI, HS split\",FOB,FOB$" out.csv
        "$LEVER" dyad KAZ AFG --years 2019-2020 --store conv.store --format json > out.json
        python3 -c "
import json, sys
d = json.load(open(\"out.json\"))
assert \"HS17\" in d[\"meta\"][\"converted\"], d[\"meta\"]
assert all(y[\"source\"] == \"BACI, HS split\" for y in d[\"years\"] if y[\"year\"] in (2019, 2020)), d[\"years\"]
"
        "$LEVER" dyad KAZ AFG --years 2019-2020 --store conv.store --format table > out.txt
        grep -q "converted: HS codes converted to HS92" out.txt
        grep -q "BACI, HS split" out.txt
        lever_doc depend AFG --store conv.store --year 2019 | grep -q "^# converted: "
        lever_doc info --store conv.store | grep -q "^# converted: "
    '

    expect "--to-hs drops a dictionary's codes that do not exist in the target edition" '
        "$LEVER" import "$IMPORTS" baci_hs92_v202301_2019_kaz.csv "$SHARED/dict/product_codes_HS17_V202301.csv" \
            --to-hs HS92 -o conv2.store 2>/dev/null
        exits 1 "$LEVER" product 853950 --store conv2.store
        lever_doc product 100190 --store conv2.store | grep -q "^100190,"
    '

    expect "hs-derive.sh rebuilds the shipped tables byte for byte from UNSD's consolidated CSV" '
        mkdir derived
        "$ROOT/scripts/hs-derive.sh" "$CONCORDANCE" derived
        for f in "$ROOT"/data/hs/*.csv; do cmp "$f" "derived/$(basename "$f")"; done
    '
fi

expect "--to-hs without the tables says where to give them" '
    exits 1 "$LEVER" import kaz.csv --to-hs HS92 --hs-tables "$TMP/none" -o x.store
    grep -q "give their folder with --hs-tables DIR" "$TMP/err"
    exits 2 "$LEVER" import kaz.csv --to-hs HS93 -o x.store
'

expect "a release named with a letter (V202401b) is the release of the store" '
    printf "t,i,j,k,v,q\n2021,4,24,10119,1.5,2\n" > BACI_HS92_Y2021_V202401b.csv
    "$LEVER" import BACI_HS92_Y2021_V202401b.csv -o b.store 2>/dev/null
    lever_doc info --store b.store | grep -q "^4,HS92,V202401b,"
    lever_doc dyad AFG AGO --store b.store | grep -qx "# data: BACI HS92 V202401b"
'

finish
