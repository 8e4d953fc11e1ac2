#!/usr/bin/env bash
# t0110-comtrade-plus.sh - `lever import` of UN Comtrade Plus files: the 47-column CSV of
# the downloads and the data API's JSON. Every flow of the store is checked against
# tests/ref/comtrade_plus.py, which reads the same files with Python's csv, json and
# Decimal. Hand-made files (tests/data/comtrade_plus/) cover annual and monthly data,
# aggregates that agree and disagree with their 6-digit records, RM/RX, customs, transport
# and second-partner breakdowns, missing netWgt, a value above 2^32 and bad values; the
# real API response of ../shared/data/comtrade_plus is checked the same way.
. "$(dirname "$0")/lib.sh"

HAND=$ROOT/tests/data/comtrade_plus
REF=$ROOT/tests/ref/comtrade_plus.py

# Every flow of a store as t,i,j,k,v,q, read from the top products of `lever dyad` of
# each pair of countries (numeric codes) the reference names, with --source best from the
# importer's side (the importer's declaration where it declared that year).
store_flows() {
    local store=$1 ref=$2
    awk -F, '{ print $2, $3 }' "$ref" | sort -u |
    while read -r i j; do
        lever_doc dyad "$j" "$i" --store "$store" --top 1000000 2>/dev/null |
            awk -F, -v i="$i" -v j="$j" '
                /^# table: / { t = $0; sub(/^# table: /, "", t); head = 1; next }
                head { head = 0; for (c = 1; c <= NF; c++) col[$c] = c; next }
                /^#/ || NF == 0 { next }
                t == "b_to_a" {
                    printf "%d,%d,%d,%s,%s,%s\n", $col["year"], i, j, $col["hs6"], $col["value"], $col["qty_kg"]
                }'
    done | sort
}

expect "annual CSV and monthly JSON give the flows the reference computes" '
    python3 "$REF" "$HAND/kaz_afg_annual.csv" "$HAND/kaz_afg_monthly.json" | sort >"$TMP/want"
    "$LEVER" import "$HAND/kaz_afg_annual.csv" "$HAND/kaz_afg_monthly.json" -o "$TMP/hand.store" 2>"$TMP/import.err"
    cat "$TMP/want"
    [ "$(wc -l <"$TMP/want")" -eq 7 ]
    # the rows each importer declared, read from its own point of view (reported)
    store_flows "$TMP/hand.store" "$TMP/want" >"$TMP/got"
    # (AFG declared 2022 imports but not of 100199; KAZ declared 2022 imports, none from AFG)
    grep -v "^2022,398,4,100199," "$TMP/want" | grep -v "^2022,4,398," >"$TMP/want_m"
    diff "$TMP/want_m" "$TMP/got"
'

for src in best reported mirror; do
    for cif in 0 0.1; do
        expect "lever dyad --source $src --cif-rate $cif: each side's declaration, as the reference reads the files" "
            lever_doc dyad 398 4 --store \"\$TMP/hand.store\" --source $src --cif-rate $cif >\"\$TMP/d.csv\" 2>\"\$TMP/d.err\" || [ \$? = 3 ]
            python3 \"\$REF\" --check-dyad 398 4 $src $cif \"\$TMP/d.csv\" \"\$HAND/kaz_afg_annual.csv\" \"\$HAND/kaz_afg_monthly.json\"
        "
    done
done

expect "a figure the chosen side did not declare is empty, said on stderr, with exit 3" '
    exits 3 "$LEVER" dyad KAZ AFG --store "$TMP/hand.store" --source mirror
    cat "$TMP/err"
    grep -x "lever: AFG declared no imports in 2021: the mirror figure of KAZ->AFG is empty; --source reported gives KAZ.s declaration" "$TMP/err"
    grep -x "lever: this store holds no flows of AFG to KAZ in 2021: it covers only reporters KAZ (exports)" "$TMP/err"
    exits 2 "$LEVER" dyad KAZ AFG --store "$TMP/hand.store" --source both
    exits 2 "$LEVER" dyad KAZ AFG --store "$TMP/hand.store" --cif-rate 1.5
    exits 2 "$LEVER" depend AFG --store "$TMP/hand.store" --source mirror
'

expect "the importer declaration is kept over the exporter one, months summed exactly" '
    grep -x "2022,398,4,110100,1100,2100" "$TMP/want"
    grep -x "2023,398,4,110100,61," "$TMP/want"
    grep -x "2022,4,398,080620,4000000000,3000000" "$TMP/want"
'

expect "the import says what it skipped, what it kept apart and which sums disagree" '
    cat "$TMP/import.err"
    grep "skipped 3 Comtrade records of a customs procedure, mode of transport or second partner breakdown" "$TMP/import.err"
    grep "skipped 1 Comtrade records whose partner is World (0)" "$TMP/import.err"
    grep "skipped 1 Comtrade records of sub-flows (DX, FM, processing flows)" "$TMP/import.err"
    grep "kaz_afg_annual.csv:5: KAZ (398).s 1001 X with AFG (4) in 2022 is 999.000 USD but the 1 6-digit records under it sum to 123.456 USD" "$TMP/import.err"
    grep "kaz_afg_monthly.json:1279: KAZ (398).s 1101 X with AFG (4) in 2023-12 is 5.000 USD" "$TMP/import.err"
    ! grep "TOTAL X with AFG" "$TMP/import.err"
    ! grep "s 1101 X with AFG (4) in 2022 " "$TMP/import.err"
    grep "AFG (4) in 2023: monthly data for months 1,2,3 only" "$TMP/import.err"
    grep "2 re-export and re-import declarations (RX, RM) are kept apart" "$TMP/import.err"
    grep "^imported 7 rows (3 years, 3 countries, 3 products)" "$TMP/import.err"
'

expect "the store names Comtrade, the download date and the HS edition of the records" '
    touch -d "2024-05-17 12:00" "$TMP/dated.csv" 2>/dev/null || true
    cp "$HAND/kaz_afg_annual.csv" "$TMP/dated.csv"
    touch -d "2024-05-17 12:00:00 UTC" "$TMP/dated.csv"
    "$LEVER" import "$TMP/dated.csv" -o "$TMP/dated.store" 2>/dev/null
    lever_doc info --store "$TMP/dated.store" >"$TMP/info"
    grep -x "# data: UN Comtrade Plus HS22, downloaded 2024-05-17" "$TMP/info"
'

expect "monthly records of several products: the months of each product summed" '
    # KAZ declares two products to AFG each month, and AFG the same two from KAZ
    awk -v header="$(head -n 1 "$HAND/kaz_afg_annual.csv")" "BEGIN {
        print header
        for (m = 1; m <= 12; m++) {
            for (p = 0; p < 2; p++)
                printf \"C,M,2023%02d01,2023,%d,2023%02d,398,KAZ,,X,Export,4,AFG,,0,W00,World,H5,HS,True,%d,,6,True,C00,TOTAL CPC,0,0,TOTAL MOT,8,kg,%d,False,-1,N/A,,False,%d,False,,False,,%d.25,%d.25,0,True,False\n\",
                    m, m, m, 100110 + 80 * p, 100 * m + p, 100 * m + p, 10 * m + p, 10 * m + p
            for (p = 0; p < 2; p++)
                printf \"C,M,2023%02d01,2023,%d,2023%02d,4,AFG,,M,Import,398,KAZ,,0,W00,World,H5,HS,True,%d,,6,True,C00,TOTAL CPC,0,0,TOTAL MOT,8,kg,%d,False,-1,N/A,,False,%d,False,,False,%d.5,,%d.5,0,True,False\n\",
                    m, m, m, 100110 + 80 * p, 90 * m + p, 90 * m + p, 11 * m + p, 11 * m + p
        }
    }" >"$TMP/months.csv"
    python3 "$REF" "$TMP/months.csv" | sort >"$TMP/want"
    cat "$TMP/want"
    [ "$(wc -l <"$TMP/want")" -eq 2 ]
    "$LEVER" import "$TMP/months.csv" -o "$TMP/months.store" 2>"$TMP/import.err"
    store_flows "$TMP/months.store" "$TMP/want" >"$TMP/got"
    diff "$TMP/want" "$TMP/got"
    lever_doc dyad 398 4 --store "$TMP/months.store" --source reported >"$TMP/d.csv" 2>/dev/null || [ $? = 3 ]
    python3 "$REF" --check-dyad 398 4 reported 0 "$TMP/d.csv" "$TMP/months.csv"
'

# A CSV of 2 MB or more is read on several threads, in chunks cut at line ends: the store
# and the first error must not depend on the thread count.
big_csv() { # $1 output; the bench's Comtrade Plus CSV of a small synthetic world
    "$LEVER" synth --rows 14000 --seed 3 -o "$TMP/big_world.csv" 2>/dev/null
    awk -F, -v header="$(head -n 1 "$HAND/kaz_afg_annual.csv")" "
        BEGIN { print header; OFS = \",\" }
        /^#/ || \$1 == \"t\" { next }
        {
            kg = (\$6 == \"NA\" || \$6 == \"\") ? \"\" : \$6 * 1000
            printf \"C,A,%d0101,%d,52,%d,%d,,,M,Import,%d,,,0,W00,World,H5,HS,True,%06d,,6,True,C00,TOTAL CPC,0,0,TOTAL MOT,8,kg,%s,False,-1,N/A,,False,%s,False,,False,%.3f,,%.3f,0,True,False\n\",
                \$1, \$1, \$1, \$3, \$2, \$4, kg, kg, \$5 * 1000, \$5 * 1000
        }" "$TMP/big_world.csv" >"$1"
}

expect "a big CSV read on 1 and 2 threads gives the same store, quoted line ends or not" '
    big_csv "$TMP/big.csv"
    [ "$(wc -c <"$TMP/big.csv")" -gt 2200000 ]
    "$LEVER" import --threads 1 "$TMP/big.csv" -o "$TMP/big1.store" 2>&1 | sed "s/ in [0-9.]* s$//; s/big1/big/" >"$TMP/e1"
    "$LEVER" import --threads 2 "$TMP/big.csv" -o "$TMP/big2.store" 2>&1 | sed "s/ in [0-9.]* s$//; s/big2/big/" >"$TMP/e2"
    cmp "$TMP/big1.store" "$TMP/big2.store"
    diff "$TMP/e1" "$TMP/e2"
    # a long reporterDesc, then a cmdDesc holding a line end: most line ends are quoted
    awk -F, -v OFS=, "NR > 1 { \$9 = sprintf(\"%0300d\", NR); \$22 = \"\\\"wheat,\nmeslin\\\"\" } { print }" \
        "$TMP/big.csv" >"$TMP/quoted.csv"
    "$LEVER" import --threads 1 "$TMP/quoted.csv" -o "$TMP/q1.store" 2>/dev/null
    "$LEVER" import --threads 2 "$TMP/quoted.csv" -o "$TMP/q2.store" 2>/dev/null
    cmp "$TMP/q1.store" "$TMP/q2.store"
'

expect "a big CSV on 2 threads reports the first error in the file, with its line" '
    n=$(wc -l <"$TMP/big.csv")
    late=$((n - 100)) early=$((n / 2 - 50))
    awk -F, -v OFS=, -v late="$late" "NR == late { \$44 = \"7x\" } { print }" "$TMP/big.csv" >"$TMP/late.csv"
    awk -F, -v OFS=, -v late="$late" -v early="$early" \
        "NR == late { \$44 = \"7x\" } NR == early { \$7 = \"R\" } { print }" "$TMP/big.csv" >"$TMP/both.csv"
    for f in late both; do
        exits 1 "$LEVER" import --threads 1 "$TMP/$f.csv" -o "$TMP/x.store"
        mv "$TMP/err" "$TMP/$f.err1"
        exits 1 "$LEVER" import --threads 2 "$TMP/$f.csv" -o "$TMP/x.store"
        diff "$TMP/$f.err1" "$TMP/err"
        [ ! -e "$TMP/x.store" ]
    done
    cat "$TMP/late.err1" "$TMP/both.err1"
    grep "late.csv:$late:[0-9]*: primaryValue \"7x\" is not a number" "$TMP/late.err1"
    grep "both.csv:$early:[0-9]*: reporterCode \"R\" is not a number" "$TMP/both.err1"
'

bad_csv() { # $1 file, $2 awk program changing one field of line $3
    awk -F, -v OFS=, -v line="$3" "NR == line { $2 } { print }" "$HAND/kaz_afg_annual.csv" >"$1"
}

expect "a bad value stops the import with file:line:column and leaves no store" '
    bad_csv "$TMP/bad.csv" "\$44 = \"12x\"" 4
    exits 1 "$LEVER" import "$TMP/bad.csv" -o "$TMP/bad.store"
    cat "$TMP/err"
    col=$(head -n 4 "$TMP/bad.csv" | tail -n 1 | awk -F, "{ n = 0; for (c = 1; c < 44; c++) n += length(\$c) + 1; print n + 1 }")
    grep "bad.csv:4:$col: primaryValue \"12x\" is not a number; primaryValue must be a non-negative value in USD" "$TMP/err"
    [ ! -e "$TMP/bad.store" ]
'

expect "a negative value, an unknown classification and a short line are refused" '
    bad_csv "$TMP/neg.csv" "\$44 = \"-5\"" 3
    exits 1 "$LEVER" import "$TMP/neg.csv" -o "$TMP/x.store"
    grep "neg.csv:3:[0-9]*: primaryValue \"-5\" is negative" "$TMP/err"
    bad_csv "$TMP/cls.csv" "\$18 = \"S4\"" 2
    exits 1 "$LEVER" import "$TMP/cls.csv" -o "$TMP/x.store"
    grep "cls.csv:2:[0-9]*: classificationCode \"S4\" is not an HS edition" "$TMP/err"
    bad_csv "$TMP/short.csv" "NF = 40" 7
    exits 1 "$LEVER" import "$TMP/short.csv" -o "$TMP/x.store"
    grep "short.csv:7:1: the line has 40 fields but the header has 47" "$TMP/err"
'

expect "bad JSON stops the import with file:line:column" '
    sed "s/\"primaryValue\": 20.25/\"primaryValue\": 20.2.5/" "$HAND/kaz_afg_monthly.json" >"$TMP/bad.json"
    exits 1 "$LEVER" import "$TMP/bad.json" -o "$TMP/x.store"
    cat "$TMP/err"
    line=$(grep -n "20.2.5" "$TMP/bad.json" | cut -d: -f1)
    grep "bad.json:$line:[0-9]*: expected .,. or .}., found \".5" "$TMP/err"
    sed "s/\"primaryValue\": 20.25/\"primaryValue\": \"2O.25\"/" "$HAND/kaz_afg_monthly.json" >"$TMP/str.json"
    exits 1 "$LEVER" import "$TMP/str.json" -o "$TMP/x.store"
    grep "str.json:$line:20: primaryValue \"2O.25\" is not a number" "$TMP/err"
    head -c 3000 "$HAND/kaz_afg_monthly.json" >"$TMP/cut.json"
    exits 1 "$LEVER" import "$TMP/cut.json" -o "$TMP/x.store"
    grep "cut.json:[0-9]*:[0-9]*: .*cut short; download it again" "$TMP/err"
    printf "{\"statusCode\": 401, \"message\": \"Access denied due to invalid subscription key.\"}\n" >"$TMP/denied.json"
    exits 1 "$LEVER" import "$TMP/denied.json" -o "$TMP/x.store"
    grep "denied.json: a JSON object without a \"data\" array: not a Comtrade Plus data response (it says: \"Access denied due to invalid subscription key.\")" "$TMP/err"
'

expect "the same declaration twice, and annual mixed with monthly, are refused" '
    exits 1 "$LEVER" import "$HAND/kaz_afg_annual.csv" "$HAND/kaz_afg_annual.csv" -o "$TMP/x.store"
    grep "kaz_afg_annual.csv:18: the same declaration (reporter, partner, flow, product, period) as .*kaz_afg_annual.csv:18" "$TMP/err"
    sed "s/\"refYear\": 2023/\"refYear\": 2022/; s/\"period\": \"2023/\"period\": \"2022/" "$HAND/kaz_afg_monthly.json" >"$TMP/m2022.json"
    exits 1 "$LEVER" import "$HAND/kaz_afg_annual.csv" "$TMP/m2022.json" -o "$TMP/x.store"
    grep "annual data of AFG (4) for 2022, and monthly data at .*m2022.json" "$TMP/err"
'

expect "Comtrade Plus files are not mixed with BACI rows in one store" '
    printf "t,i,j,k,v,q\n2021,4,398,110100,1.000,2\n" >"$TMP/baci.csv"
    exits 1 "$LEVER" import "$TMP/baci.csv" "$HAND/kaz_afg_annual.csv" -o "$TMP/x.store"
    grep "a store holds one kind of data" "$TMP/err"
'

P=$SHARED/comtrade_plus
if need_shared "the real API response and its CSV give the totals the reference computes"; then
    expect "the real API response and its CSV give the totals the reference computes" '
        python3 "$REF" "$P/HS-60a6ad.json" | sort >"$TMP/want_real"
        python3 "$REF" "$P/HS-60a6ad.derived.csv" | sort | diff "$TMP/want_real" -
        cat "$TMP/want_real"
        [ "$(wc -l <"$TMP/want_real")" -eq 4 ]
        for f in HS-60a6ad.json HS-60a6ad.derived.csv; do
            "$LEVER" import "$P/$f" -o "$TMP/real.store" 2>"$TMP/err"
            grep "hold totals only (cmdCode TOTAL)" "$TMP/err"
            lever_doc dyad CHN ARG --store "$TMP/real.store" >"$TMP/chn.csv"
            python3 "$REF" --check-dyad 156 32 best 0 "$TMP/chn.csv" "$P/$f" >/dev/null
            exits 3 "$LEVER" dyad ARG CHN --store "$TMP/real.store" --source reported
            grep -x "lever: ARG declared no exports in 2010: the reported figure of ARG->CHN is empty; --source mirror gives CHN.s declaration" "$TMP/err"
            lever_doc dyad CHN DEU --store "$TMP/real.store" --source reported --cif-rate 0.05 >"$TMP/deu.csv"
            python3 "$REF" --check-dyad 156 276 reported 0.05 "$TMP/deu.csv" "$P/$f"
            lever_doc info --store "$TMP/real.store" | grep "^# data: UN Comtrade Plus HS07, downloaded 20"
        done
    '
fi

finish
