#!/usr/bin/env bash
# t0100-import.sh - `lever import`: every real file in ../shared/data, a BACI release zip
# built here, standard input, bad inputs (exit 1 with file:line:col), usage errors (exit 2),
# and a failed import leaving an existing store byte-for-byte unchanged.
# Figures in the summary line are checked against awk over the same CSV.
. "$(dirname "$0")/lib.sh"

# "rows years countries products" of a BACI CSV (header t,i,j,k,v,q), computed by awk.
baci_figures() {
    awk -F, 'NR > 1 { rows++; years[$1]; c[$2]; c[$3]; p[$4] }
        END { ny = 0; for (y in years) ny++; nc = 0; for (x in c) nc++; np = 0; for (x in p) np++;
              print rows, ny, nc, np }' "$1"
}

# The same four figures read from lever's summary line.
summary_figures() {
    sed -n 's/^imported \([0-9,]*\) rows\{0,1\} (\([0-9,]*\) years\{0,1\}, \([0-9,]*\) countr[a-z]*, \([0-9,]*\) products\{0,1\}).*/\1 \2 \3 \4/p' "$1" | tr -d ,
}

D=$SHARED
DZA=$D/baci_hs92_v202301_2021_imports_DZA.csv

if need_shared "each BACI extract imports with the figures awk finds"; then
    expect "each BACI extract imports with the figures awk finds" '
        for f in baci_hs92_v202301_2021_imports_DZA baci_hs92_v202301_2021_exports_DZA \
                 baci_hs92_v202301_2021_exports_AFG_ZAF_halfsample; do
            "$LEVER" import "$D/$f.csv" -o "$TMP/$f.store" 2>"$TMP/err"
            want=$(baci_figures "$D/$f.csv")
            got=$(summary_figures "$TMP/err")
            echo "$f: want $want got $got"
            [ "$want" = "$got" ]
        done
    '
fi

if need_shared "R and pandas writings of the same rows give the same figures"; then
    expect "R and pandas writings of the same rows give the same figures" '
        "$LEVER" import "$D/orig/R-IO-PS_ExampleTradeData_2021_Rwritecsv.csv" -o "$TMP/r.store" 2>"$TMP/err"
        want=$(baci_figures "$D/baci_hs92_v202301_2021_exports_AFG_ZAF_halfsample.csv")
        [ "$(summary_figures "$TMP/err")" = "$want" ]
        "$LEVER" import "$D/orig/dsa_course_Algeria_import_transaction_pandas.csv" -o "$TMP/p.store" 2>"$TMP/err"
        [ "$(summary_figures "$TMP/err")" = "$(baci_figures "$DZA")" ]
    '
fi

if need_shared "a CSV with its dictionaries imports quietly"; then
    expect "a CSV with its dictionaries imports quietly" '
        "$LEVER" import "$DZA" "$D/dict/country_codes_V202301.csv" \
            "$D/dict/product_codes_HS92_V202301.csv" -o "$TMP/dict.store" --quiet 2>"$TMP/err"
        cat "$TMP/err"
        [ ! -s "$TMP/err" ]
        [ -s "$TMP/dict.store" ]
    '
    expect "older dictionary layouts are read too" '
        "$LEVER" import "$DZA" "$D/dict/country_codes_V202001.csv" \
            "$D/dict/country_codes_V202201.csv" -o "$TMP/old.store" 2>"$TMP/err"
        grep "^imported 31,396 rows" "$TMP/err"
    '
fi

if need_shared "a BACI release zip built from the shared files imports like its CSV"; then
    expect "a BACI release zip built from the shared files imports like its CSV" '
        mkdir "$TMP/zip" && cd "$TMP/zip"
        cp "$DZA" BACI_HS92_Y2021_V202301.csv
        cp "$D/dict/country_codes_V202301.csv" country_codes_V202301.csv
        cp "$D/dict/product_codes_HS92_V202301.csv" product_codes_HS92_V202301.csv
        echo "not data" > Readme.txt
        zip -q BACI_HS92_V202301.zip BACI_HS92_Y2021_V202301.csv country_codes_V202301.csv \
            product_codes_HS92_V202301.csv Readme.txt
        zip -q -0 stored_BACI_HS92_V202301.zip BACI_HS92_Y2021_V202301.csv
        "$LEVER" import BACI_HS92_V202301.zip -o z.store 2>err
        cat err
        "$LEVER" import BACI_HS92_Y2021_V202301.csv country_codes_V202301.csv \
            product_codes_HS92_V202301.csv -o csv.store 2>csv.err
        [ "$(summary_figures err)" = "$(summary_figures csv.err)" ]
        [ "$(summary_figures err | cut -d" " -f1)" = "$(baci_figures "$DZA" | cut -d" " -f1)" ]
        "$LEVER" import stored_BACI_HS92_V202301.zip -o s.store 2>err
        [ "$(summary_figures err)" = "$(baci_figures "$DZA")" ]
    '
    expect "a truncated zip fails with exit 1 and says to download it again" '
        cd "$TMP/zip"
        size=$(wc -c < BACI_HS92_V202301.zip)
        head -c $((size / 2)) BACI_HS92_V202301.zip > cut.zip
        rc=0; "$LEVER" import cut.zip -o cut.store 2>err || rc=$?
        cat err
        [ $rc = 1 ]
        grep "^lever: cut.zip: .*download it again" err
        [ ! -e cut.store ]
    '
fi

if need_shared "standard input is read with -"; then
    expect "zip64 members, data descriptors and a method lever does not read (python3 zipfile)" '
    mkdir -p "$TMP/zips" && cd "$TMP/zips"
    printf "t,i,j,k,v,q\n2021,4,24,10119,1.5,2\n2021,4,24,10200,2.25,NA\n2021,8,24,10119,3,1\n" > BACI_HS92_Y2021_V202301.csv
    python3 - <<PY
import io, zipfile
name = "BACI_HS92_Y2021_V202301.csv"
data = open(name, "rb").read()
with zipfile.ZipFile("z64.zip", "w", zipfile.ZIP_DEFLATED) as z:
    with z.open(name, "w", force_zip64=True) as f:
        f.write(data)
class Unseekable(io.RawIOBase):  # a stream: sizes come after the data (data descriptor)
    def __init__(self, f): self.f = f
    def write(self, b): return self.f.write(b)
    def writable(self): return True
    def seekable(self): return False
with open("dd.zip", "wb") as raw:
    with zipfile.ZipFile(Unseekable(raw), "w", zipfile.ZIP_DEFLATED) as z:
        with z.open(name, "w") as f:
            f.write(data)
with zipfile.ZipFile("bz.zip", "w", zipfile.ZIP_BZIP2) as z:
    z.writestr(name, data)
PY
    for z in z64 dd; do
        "$LEVER" import $z.zip -o $z.store
        lever_doc dyad AFG AGO --store $z.store | grep -x "2021,3750,0,3750,3750,,,,BACI,FOB,FOB"
    done
    rc=0; "$LEVER" import bz.zip -o bz.store 2>err || rc=$?
    cat err; [ $rc = 1 ] && [ ! -e bz.store ]
    grep -x "lever: bz.zip:BACI_HS92_Y2021_V202301.csv: the member is compressed with method 12, which lever does not read (only stored or deflated members); unpack the archive and import its CSV files" err
'
expect "standard input is read with -" '
        "$LEVER" import - -o "$TMP/stdin.store" < "$DZA" 2>"$TMP/err"
        [ "$(summary_figures "$TMP/err")" = "$(baci_figures "$DZA")" ]
    '
fi

if need_shared "a Comtrade file with only World partners fails and says what to download"; then
    expect "a Comtrade file with only World partners fails and says what to download" '
        rc=0
        "$LEVER" import "$D/comtrade/comtrade_legacy_IDN_exports_world_H5_2018_2019.csv" \
            -o "$TMP/ct.store" 2>"$TMP/err" || rc=$?
        cat "$TMP/err"
        [ $rc = 1 ]
        grep "lever: warning: .*skipped 8857 rows whose partner is World (0): partner World (0) is an aggregate, not a bilateral flow: download partner .all. from Comtrade" "$TMP/err"
        grep "^lever: no trade rows" "$TMP/err"
        [ ! -e "$TMP/ct.store" ]
    '
fi

if need_shared "two HS versions in one import are refused"; then
    expect "two HS versions in one import are refused" '
        rc=0
        "$LEVER" import "$DZA" "$D/dict/product_codes_HS17_V202301.csv" -o "$TMP/hs.store" \
            2>"$TMP/err" || rc=$?
        cat "$TMP/err"
        [ $rc = 1 ]
        grep "classification HS17 differs from HS92 .*one store holds one classification" "$TMP/err"
    '
fi

expect "lever synth output piped in is marked synthetic" '
    "$LEVER" synth > "$TMP/synth.csv"
    head -n 1 "$TMP/synth.csv" | grep "^# lever synth"
    "$LEVER" import - -o "$TMP/synth.store" < "$TMP/synth.csv" 2>"$TMP/err"
    cat "$TMP/err"
    grep "^imported .* (synthetic data, not real trade)$" "$TMP/err"
    rows=$(grep -v "^#" "$TMP/synth.csv" | awk "NR > 1" | wc -l)
    [ "$(summary_figures "$TMP/err" | cut -d" " -f1)" = "$rows" ]
'

# Bad inputs: exit 1, the message names file:line:column.
bad() { # bad NAME CONTENT EXPECTED-MESSAGE
    printf "$2" > "$TMP/$1"
    rc=0
    (cd "$TMP" && "$LEVER" import "$1" -o bad.store) 2>"$TMP/err" || rc=$?
    cat "$TMP/err"
    [ $rc = 1 ] && grep -F -x "lever: $3" "$TMP/err" && [ ! -e "$TMP/bad.store" ]
}
expect "a negative value is refused at its line and column" '
    bad neg.csv "t,i,j,k,v,q\n2021,4,24,1,1,1\n2021,4,24,1,-1.5,1\n" \
        "neg.csv:3:13: value \"-1.5\" is negative; BACI values are non-negative thousands of USD"
'
expect "a negative quantity is refused" '
    bad negq.csv "t,i,j,k,v,q\r\n2021,4,24,1,1,-0.5\r\n" \
        "negq.csv:2:15: quantity \"-0.5\" is negative; BACI quantities are non-negative metric tons, or NA when unknown"
'
expect "a line with too few fields is refused" '
    bad cols.csv "t,i,j,k,v,q\n2021,4,24,1,1\n" \
        "cols.csv:2:14: the line has 5 fields but the header has 6 (t,i,j,k,v,q); check the delimiter ('"'"','"'"') and the quoting of this line"
'
expect "a value that is not a number is refused" '
    bad nan.csv "t,i,j,k,v,q\n2021,4,24,1,12a,1\n" \
        "nan.csv:2:13: value \"12a\" is not a number; BACI values are non-negative thousands of USD"
'
expect "a year out of range is refused" '
    bad year.csv "t,i,j,k,v,q\n2021,4,24,1,1,1\n21,4,24,1,1,1\n" \
        "year.csv:3:1: year 21 is outside 1950..2100; t must be a year such as 2021 (1950..2100)"
'
expect "a country code out of range is refused" '
    bad country.csv "t,i,j,k,v,q\n2021,4,2400,1,1,1\n" \
        "country.csv:2:8: importer code 2400 is outside 0..999; j must be the importer'"'"'s numeric country code (0..999)"
'
expect "a product code out of range is refused" '
    bad product.csv "t,i,j,k,v,q\n2021,4,24,1234567,1,1\n" \
        "product.csv:2:11: product code 1234567 is outside 0..999999; k must be an HS6 product code such as 100190 (0..999999)"
'
expect "an empty file is refused" '
    bad empty.csv "" \
        "empty.csv: the file is empty; expected a BACI CSV with the header t,i,j,k,v,q (or a BACI dictionary, or a Comtrade CSV)"
'
expect "an unknown header is refused and the known ones are listed" '
    bad head.csv "year;value\n2021;1\n" \
        "head.csv:1:1: header \"year;value\" is not recognised; lever reads BACI trade files (t,i,j,k,v,q), BACI dictionaries (country_code,country_name,... and code,description) and UN Comtrade legacy CSV (Classification,Year,...,Trade Value (US\$)); the fields are separated by '"'"';'"'"': save the file with '"'"','"'"' between fields (CSV UTF-8, comma-delimited)"
'
expect "a duplicate (t,i,j,k) key is refused, naming both lines" '
    bad dup.csv "t,i,j,k,v,q\n2021,4,24,10190,1,1\n2021,4,398,10190,2,NA\n2021,4,24,10190,3,NA\n" \
        "dup.csv:4: duplicate flow (t=2021, i=4, j=24, k=010190), first given at dup.csv:2; each (year, exporter, importer, product) must appear once: remove one, or do not import the same file twice"
'
expect "values and quantities of 4-byte size and beyond are stored exactly (side tables)" '
    cd "$TMP" && printf "t,i,j,k,v,q\n2021,4,24,10190,4294967.295,4294967.294\n2021,4,24,10200,4294967.294,4294967.293\n2021,4,24,10300,281474976710.655,NA\n2021,8,24,10190,0.001,4294967.295\n2021,8,24,10300,0,0\n" > big.csv
    "$LEVER" import big.csv -o big.store
    "$LEVER" info --check big.store | grep -F ",verified,"
    lever_doc dyad AFG AGO --top 5 --store big.store > "$TMP/out"
    grep -x "2021,281483566645244,0,281483566645244,281483566645244,,,,BACI,FOB,FOB" "$TMP/out"
    grep "^2021,1,010300,281474976710655,,," "$TMP/out"
    grep "^2021,2,010190,4294967295,4294967294," "$TMP/out"
    grep "^2021,3,010200,4294967294,4294967293," "$TMP/out"
    lever_doc dyad 8 AGO --top 5 --store big.store > "$TMP/out"
    grep "^2021,1,010190,1,4294967295," "$TMP/out"
'
expect "imports of one product into one country of 2^48 USD or more are refused" '
    bad lim.csv "t,i,j,k,v,q\n2021,4,24,10190,140737488355.328,1\n2021,8,24,10190,140737488355.328,1\n" \
        "imports of product 010190 into country 24 in 2021 add up to 2^48 USD (281 trillion) or more, beyond any real trade; check that the values are thousands of USD, as in BACI"
'
expect "a header with no rows is refused" '
    bad header.csv "t,i,j,k,v,q\n" \
        "no trade rows: the inputs hold only dictionaries or headers; add a BACI CSV or zip with trade rows (t,i,j,k,v,q)"
'
expect "an unknown country code is a warning and is kept by number" '
    cd "$TMP" && printf "t,i,j,k,v,q\n2021,4,899,10190,1.5,2\n2021,899,4,10190,2.5,NA\n" > unknown.csv
    "$LEVER" import unknown.csv -o unknown.store 2>"$TMP/err"
    cat "$TMP/err"
    grep -F "lever: warning: unknown.csv:2: unknown country code 899 (not in the country dictionary nor in ISO 3166): kept by number" "$TMP/err"
    lever_doc dyad 899 AFG --store unknown.store > "$TMP/out"
    grep -x "2021,2500,1500,4000,1000,,,,BACI,FOB,FOB" "$TMP/out"
'
expect "a missing file is an error with the system's reason" '
    rc=0; "$LEVER" import "$TMP/nothere.csv" -o "$TMP/x.store" 2>"$TMP/err" || rc=$?
    [ $rc = 1 ] && grep -F -x "lever: $TMP/nothere.csv: cannot open: No such file or directory" "$TMP/err"
'

expect "a failed import leaves the existing store byte for byte, and no temporary file" '
    mkdir "$TMP/keep" && cd "$TMP/keep"
    printf "t,i,j,k,v,q\n2021,4,24,10190,1.5,2\n" > good.csv
    printf "t,i,j,k,v,q\n2021,4,24,10190,1.5,2\n2021,4,24,10190,x,2\n" > broken.csv
    "$LEVER" import good.csv -o kept.store --quiet
    cp kept.store reference
    ls -A > "$TMP/before"
    rc=0; "$LEVER" import broken.csv -o kept.store 2>"$TMP/err" || rc=$?
    cat "$TMP/err"
    [ $rc = 1 ] && grep "broken.csv:3:17: value \"x\" is not a number" "$TMP/err"
    cmp kept.store reference
    ls -A > "$TMP/after"
    diff "$TMP/before" "$TMP/after"
'

expect "usage errors exit 2" '
    rc=0; "$LEVER" import "$TMP/a.csv" 2>"$TMP/err" || rc=$?; [ $rc = 2 ]; grep -- "-o STORE" "$TMP/err"
    rc=0; "$LEVER" import -o "$TMP/a.store" 2>"$TMP/err" || rc=$?; [ $rc = 2 ]
    rc=0; "$LEVER" import --frobnicate x -o y 2>"$TMP/err" || rc=$?; [ $rc = 2 ]
    rc=0; "$LEVER" import x.csv -o y --threads many 2>"$TMP/err" || rc=$?; [ $rc = 2 ]
    rc=0; "$LEVER" import x.csv -o y --hs HS99 2>"$TMP/err" || rc=$?; [ $rc = 2 ]
'
expect "--help shows the usage and examples" '
    "$LEVER" import --help > "$TMP/out"
    grep "^usage: lever import FILE... -o STORE" "$TMP/out"
    grep "lever import BACI_HS92_V202301.zip -o hs92.store" "$TMP/out"
'

finish
