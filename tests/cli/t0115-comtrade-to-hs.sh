#!/usr/bin/env bash
# t0115-comtrade-to-hs.sh - `lever import --to-hs` of UN Comtrade Plus declarations
# (docs/INDICATORS.md sections 12 and 13): each reporter's declarations converted from the
# edition it filed in (classificationCode H0..H6) before the two declarations of a flow are
# paired, with one set of weights, so that both sides of a flow still pair code by code.
# Every declaration of the store is checked against tests/ref/hs_convert.py --comtrade,
# which reads UNSD's consolidated table and the Comtrade files itself; the totals per dyad,
# year and flow against tests/ref/comtrade_plus.py, which converts nothing (a conversion
# moves value between codes, never between flows). tests/data/comtrade_plus/hs_editions_*
# are hand-made: Kazakhstan files in HS17 (H5), Afghanistan the same flows in HS12 (H4),
# Uzbekistan and Tajikistan in HS92 (H0), which weighs the splits to HS92; a monthly 2022
# JSON with Kazakhstan in HS22 (H6), which weighs the splits to HS22. The real data: the
# Comtrade Plus API response of ../shared/data/comtrade_plus, and the real HS17 codes and
# values of ../shared/data/comtrade written as Comtrade Plus declarations.
. "$(dirname "$0")/lib.sh"

HAND=$ROOT/tests/data/comtrade_plus
ANNUAL=$HAND/hs_editions_annual.csv
MONTHLY=$HAND/hs_editions_monthly.json
REF=$ROOT/tests/ref/hs_convert.py
CTP=$ROOT/tests/ref/comtrade_plus.py
CONCORDANCE=$SHARED/hs/HS_consolidated_comtrade_concordances.csv
cd "$TMP"

# Every M and X declaration of a store as t,reporter,flow,partner,k,v,q (q NA when
# missing): `lever dyad R P --source reported` lists R's own exports to P (a_to_b) and
# imports from P (b_to_a) by product, for each reporter and partner the reference names.
store_decls() {
    awk -F, 'NF == 7 && ($3 == "M" || $3 == "X") { print $2, $4 }' "$2" | sort -u |
    while read -r r p; do
        lever_doc dyad "$r" "$p" --store "$1" --source reported --top 1000000 2>/dev/null |
            awk -F, -v r="$r" -v p="$p" '
                /^# table: / { t = $0; sub(/^# table: /, "", t); head = 1; next }
                head { head = 0; for (c = 1; c <= NF; c++) col[$c] = c; next }
                /^#/ || NF == 0 { next }
                t == "a_to_b" || t == "b_to_a" {
                    q = $col["qty_kg"]; if (q == "") q = "NA"
                    printf "%d,%d,%s,%d,%s,%s,%s\n", $col["year"], r, t == "a_to_b" ? "X" : "M", p,
                        $col["hs6"], $col["value"], q
                }'
    done | sort
}

# The M and X declarations of the reference with a value (lever dyad lists products with
# a value; parts of no value that keep kilograms are in the store too).
ref_decls() {
    awk -F, 'NF == 7 && ($3 == "M" || $3 == "X") && $6 != 0' "$1" | sort
}

# lever dyad A B (numeric codes) checked against the unconverted declarations: the
# yearly figures of each side and the discrepancy, to the dollar.
totals_kept() { # STORE A B FILE...
    local store=$1 a=$2 b=$3
    shift 3
    for src in reported mirror best; do
        lever_doc dyad "$a" "$b" --store "$store" --source "$src" >d.csv 2>/dev/null || [ $? = 3 ]
        python3 "$CTP" --check-dyad "$a" "$b" "$src" 0 d.csv "$@" >/dev/null || return 1
    done
}

expect "without --to-hs, declarations of several editions are refused, naming both" '
    exits 1 "$LEVER" import "$ANNUAL" -o x.store
    grep "hs_editions_annual.csv:[0-9]*: classification HS12 differs from HS17 of .*hs_editions_annual.csv:2; one store holds one classification" "$TMP/err"
    [ ! -e x.store ]
'

if need_shared "HS17, HS12 and HS22 declarations converted to HS92 and to HS22"; then
    for to in HS92 HS22; do
        expect "--to-hs $to: every declaration of each side as the reference converts it" "
            \"\$LEVER\" import \"\$ANNUAL\" \"\$MONTHLY\" --to-hs $to -o $to.store 2>$to.err
            python3 \"\$REF\" --comtrade \"\$CONCORDANCE\" $to \"\$ANNUAL\" \"\$MONTHLY\" >$to.ref
            ref_decls $to.ref >$to.want
            store_decls $to.store $to.ref >$to.got
            diff $to.want $to.got
            [ \$(wc -l <$to.got) -gt 100 ]
        "
        expect "--to-hs $to: the totals of each side per dyad and year, and the discrepancy, are those of the declarations as filed" "
            totals_kept $to.store 398 4 \"\$ANNUAL\" \"\$MONTHLY\"
            totals_kept $to.store 860 4 \"\$ANNUAL\" \"\$MONTHLY\"
            totals_kept $to.store 860 762 \"\$ANNUAL\" \"\$MONTHLY\"
        "
    done

    expect "both sides of a flow pair on the converted codes, split in the same proportions" '
        # KAZ (HS17) and AFG (HS12) declare 100199 (and KAZ 100191): one HS92 code 100190
        grep -x "2019,398,X,4,100190,121346,483013" HS92.got
        grep -x "2019,4,M,398,100190,125000,490000" HS92.got
        # 010121 is 010111 + 010120 in HS92, split 3:1 as Uzbekistan traded them in 2018
        grep -x "2019,398,X,4,010111,751,2" HS92.got
        grep -x "2019,398,X,4,010120,250,0" HS92.ref
        grep -x "2019,4,M,398,010111,825,2" HS92.got
        grep -x "2019,4,M,398,010120,275,1" HS92.got
        # 010290 links to 010210 and 010290, which no HS92 declaration holds: equal halves
        grep -x "2019,398,X,4,010210,500,28" HS92.got
        grep -x "2019,4,M,398,010290,525,30" HS92.got
        grep "warning: 1 Comtrade declarations in HS17 were split equally over their HS92 codes: the import holds no HS92 declarations of those codes" HS92.err
        # the pair is one flow: the discrepancy of 100190 and the yearly one
        lever_doc dyad KAZ AFG --store HS92.store --years 2019 --top 100 >kaz.csv 2>/dev/null || [ $? = 3 ]
        table declarations <kaz.csv | grep "^2019,124696,128451,0.0292"
    '

    expect "every output format marks the converted years and says what was converted" '
        lever_doc dyad KAZ AFG --store HS92.store >out.csv 2>/dev/null || [ $? = 3 ]
        grep "^# converted: HS codes converted to HS92 with UNSD.s HS correlation tables: the Comtrade declarations in HS12 (2019-2019): 5 declarations, 3 split over several codes (1 of them equally" out.csv
        grep "the Comtrade declarations in HS17 (2019-2022): 14 declarations" out.csv
        table years <out.csv | grep "^2019,.*,\"reported, HS split\","
        table years <out.csv | grep "^2022,.*,\"reported, HS split\","
        "$LEVER" dyad KAZ AFG --store HS92.store --format json >out.json 2>/dev/null || [ $? = 3 ]
        python3 -c "
import json
d = json.load(open(\"out.json\"))
assert \"HS12\" in d[\"meta\"][\"converted\"], d[\"meta\"]
assert [y[\"source\"] for y in d[\"years\"]] == [\"mirror\", \"reported, HS split\", \"reported, HS split\"], d[\"years\"]
"
        "$LEVER" dyad KAZ AFG --store HS92.store --format table >out.txt 2>/dev/null || [ $? = 3 ]
        grep -q "converted: HS codes converted to HS92" out.txt
        grep -q "reported, HS split" out.txt
        lever_doc info --store HS92.store | grep "^# data: UN Comtrade Plus HS92, downloaded"
        # Uzbekistan and Tajikistan filed in HS92: their 2018 figures are not converted
        lever_doc dyad UZB AFG --store HS92.store >uzb.csv 2>/dev/null || [ $? = 3 ]
        table years <uzb.csv | grep "^2018,4000,.*,reported,"
    '

    expect "the aggregates are checked on the declarations as filed, before conversion" '
        sed "2s/,124694.119,124694.119,/,124000,124000,/" "$ANNUAL" >agg.csv
        "$LEVER" import agg.csv "$MONTHLY" --to-hs HS92 -o agg.store 2>agg.err
        grep "agg.csv:2: KAZ (398).s TOTAL X with AFG (4) in 2019 is 124000.000 USD but the 8 6-digit records under it sum to 124694.119 USD" agg.err
        ! grep "s 1001 " agg.err
    '

    expect "one reporter's year in two classifications is refused with both lines, and no store" '
        awk -F, -v OFS=, "NR == 22 { \$18 = \"H5\" } { print }" "$ANNUAL" >two.csv
        exits 1 "$LEVER" import two.csv --to-hs HS92 -o two.store
        cat "$TMP/err"
        grep -x "lever: two.csv:2[0-9]: UZB (860).s declarations for 2019 are in classificationCode H[05] (HS[19][27]) here and in H[05] (HS[19][27]) at two.csv:2[0-9]: the same declarations in two editions would be counted twice once converted; import each reporter.s year in one classification" "$TMP/err"
        [ ! -e two.store ]
    '

    expect "the months of a declaration are summed when a month holds several products" '
        python3 -c "
import json
d = json.load(open(\"$MONTHLY\"))
d[\"data\"] = [r for r in d[\"data\"] if r[\"reporterCode\"] == 398]
d[\"count\"] = len(d[\"data\"])
json.dump(d, open(\"kaz22.json\", \"w\"))
"
        "$LEVER" import kaz22.json -o kaz22.store 2>/dev/null
        python3 "$CTP" kaz22.json >kaz22.want
        grep -x "2022,398,4,853952,300,3" kaz22.want
        lever_doc dyad KAZ AFG --store kaz22.store >k.csv 2>/dev/null || [ $? = 3 ]
        table years <k.csv | grep "^2022,440,"
    '

    P=$SHARED/comtrade_plus
    expect "the real API response (totals only, HS07) converted to HS92 keeps its totals" '
        "$LEVER" import "$P/HS-60a6ad.json" --to-hs HS92 -o real.store 2>real.err
        lever_doc info --store real.store | grep "^# data: UN Comtrade Plus HS92, downloaded"
        for b in 32 276; do
            lever_doc dyad 156 $b --store real.store >r.csv 2>/dev/null || [ $? = 3 ]
            python3 "$CTP" --check-dyad 156 $b best 0 r.csv "$P/HS-60a6ad.json" >/dev/null
        done
    '

    expect "real HS17 codes and values (Indonesia 2018-2019) with Algeria's HS92 trade as weights, converted to HS92: every declaration as the reference, totals to the dollar" '
        # Indonesia exports to World in the legacy Comtrade file, and the 2021
        # exports of Algeria in the BACI extract (thousands of USD, tonnes), written as Comtrade Plus
        # declarations; the World partner becomes Afghanistan (4) so that they are flows
        python3 - "$SHARED/comtrade/comtrade_legacy_IDN_exports_world_H5_2018_2019.csv" "$EXPORTS" "$P/HS-60a6ad.derived.csv" <<"PY"
import csv, sys
from decimal import Decimal
legacy, baci, header_file = sys.argv[1:]
header = next(csv.reader(open(header_file)))
def record(year, reporter, partner, cls, cmd, value, wgt, qty="", unit="-1"):
    r = dict.fromkeys(header, "")
    r.update(typeCode="C", freqCode="A", refYear=year, refMonth="52", period=year,
             reporterCode=reporter, flowCode="X", partnerCode=partner, partner2Code="0",
             classificationCode=cls, cmdCode=cmd, customsCode="C00", motCode="0",
             qtyUnitCode=unit, qty=qty, netWgt=wgt, primaryValue=value, isAggregate="False")
    return [r[h] for h in header]
with open("idn.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(header)
    for r in csv.DictReader(open(legacy)):
        w.writerow(record(r["Year"], "360", "4", "H5", r["Commodity Code"],
                          r["Trade Value (US$)"], r["Netweight (kg)"], r["Qty"],
                          r["Qty Unit Code"] or "-1"))
with open("dza.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(header)
    for r in csv.DictReader(open(baci)):
        q = "" if r["q"] in ("", "NA") else str(Decimal(r["q"]) * 1000)
        w.writerow(record(r["t"], r["i"], r["j"], "H0", "%06d" % int(r["k"]),
                          str(Decimal(r["v"]) * 1000), q))
PY
        "$LEVER" import idn.csv dza.csv --to-hs HS92 -o idn.store 2>idn.err
        cat idn.err
        python3 "$REF" --comtrade "$CONCORDANCE" HS92 idn.csv dza.csv >idn.ref
        awk -F, "NF == 7 && \$2 == 360" idn.ref >idn.ref360
        ref_decls idn.ref360 >idn.want
        store_decls idn.store idn.ref360 >idn.got
        diff idn.want idn.got
        [ "$(wc -l <idn.got)" -gt 8000 ]
        totals_kept idn.store 360 4 idn.csv dza.csv
        lever_doc dyad 360 4 --store idn.store >i.csv 2>/dev/null || [ $? = 3 ]
        # 8857 records, of which two of 999999 (commodities not specified, in no edition)
        # stay as they are, uncounted
        grep "^# converted: .*the Comtrade declarations in HS17 (2018-2019): 8855 declarations, 1219 split over several codes (388 of them equally" i.csv
    '
fi

expect "--to-hs without the tables says where to give them, and leaves no store" '
    exits 1 "$LEVER" import "$ANNUAL" --to-hs HS92 --hs-tables "$TMP/none" -o x.store
    grep -q "give their folder with --hs-tables DIR" "$TMP/err"
    [ ! -e x.store ]
'

finish
