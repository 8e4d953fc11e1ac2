#!/bin/sh
# t0420-depend.sh - lever depend: where an importer is exposed.
# Every column is checked against an independent computation: tests/ref/depend.py
# (python3 stdlib, from the raw CSV) on a synthetic sample and on Algeria's real 2021
# trade, and awk for the wheat suppliers of Algeria (the issue's example). Relative
# error 1e-9 for ratios, integers exactly, rows in the same order.
. "$(dirname "$0")/lib.sh"

REF="python3 $ROOT/tests/ref/depend.py"

# ---- synthetic sample ----------------------------------------------------------------

SYN=$TMP/synth.csv
export LEVER_STORE="$TMP/synth.store"

expect "a synthetic sample of 50000 rows imports" 'synth_store synth 50000 11'

expect "every column for Afghanistan, all products, matches the reference" '
    lever_doc depend AFG --top 0 >"$TMP/afg.csv"
    $REF --importer 4 --check "$TMP/afg.csv" "$SYN"
'

expect "every column for the United States, China and Germany matches the reference" '
    for b in 842 156 276; do
        lever_doc depend $b --top 0 >"$TMP/b.csv"
        $REF --importer $b --check "$TMP/b.csv" "$SYN"
    done
'

expect "--top 5 keeps the reference top 5" '
    lever_doc depend 842 --top 5 >"$TMP/top.csv"
    test "$(table products <"$TMP/top.csv" | wc -l)" -eq 5
    $REF --importer 842 --top 5 --check "$TMP/top.csv" "$SYN"
'

expect "--on KAZ: only Kazakhstan's products, ranked by its share, match the reference" '
    lever_doc depend AFG --on KAZ --top 0 >"$TMP/on.csv"
    $REF --importer 4 --on 398 --check "$TMP/on.csv" "$SYN"
    test "$(field products supplier <"$TMP/on.csv" | sort -u)" = KAZ
'

expect "--alternatives current and a list match the reference" '
    lever_doc depend AFG --alternatives current --top 0 >"$TMP/cur.csv"
    $REF --importer 4 --alternatives current --check "$TMP/cur.csv" "$SYN"
    lever_doc depend AFG --alternatives UZB,TKM,IRN,CHN --top 0 >"$TMP/list.csv"
    $REF --importer 4 --alternatives 860,795,364,156 --check "$TMP/list.csv" "$SYN"
'

expect "--year 2020: persistence unknown (2018 is not in the store), figures match" '
    lever_doc depend AFG --year 2020 --top 0 >"$TMP/y2020.csv"
    $REF --importer 4 --year 2020 --check "$TMP/y2020.csv" "$SYN"
    test -n "$(field products hhi <"$TMP/y2020.csv")"
    test -z "$(field products geodep_persistent <"$TMP/y2020.csv" | sort -u)"
'

expect "--product 1101: the flour row and every flour supplier match the reference" '
    lever_doc depend AFG --product 1101 >"$TMP/flour.csv"
    $REF --importer 4 --product 1101 --check "$TMP/flour.csv" "$SYN"
    field suppliers country <"$TMP/flour.csv" | grep -qx KAZ
'

expect "supplier shares of every product Afghanistan imports sum to 1" '
    chapters=$(awk -F, "NR > 2 { printf \"%02d\\n\", int(\$4 / 10000) }" "$SYN" | sort -u | paste -sd, -)
    lever_doc depend AFG --product "$chapters" --top 0 >"$TMP/all.csv"
    test "$(field suppliers hs6 <"$TMP/all.csv" | sort -u | wc -l)" -eq \
         "$(field products hs6 <"$TMP/all.csv" | wc -l)"
    table suppliers <"$TMP/all.csv" | awk -F, "{ s[\$2] += \$6 }
        END { for (k in s) { d = s[k] - 1; if (d < 0) d = -d; if (d > 1e-12) { print k, s[k]; e = 1 } }
              exit e }"
'

# ---- Algeria's real 2021 trade -------------------------------------------------------

if need_shared "lever depend on Algeria's 2021 trade"; then
export LEVER_STORE="$TMP/dza.store"

expect "import Algeria's 2021 imports and exports with the BACI dictionaries" 'algeria_store'

expect "wheat 100190: France, Germany, Poland, Russia... with awk's shares and HHI" '
    uncovered lever_doc depend DZA --product 100190 >"$TMP/wheat.csv"
    # awk: each supplier of 100190 to Algeria (12), its value and share; the HHI
    awk -F, "$USD"'"'"'
        NR > 1 && $3 == 12 && $4 == 100190 { v[$2] = usd($5); m += v[$2] }
        END { for (i in v) { printf "%d,%.0f,%.17g\n", i, v[i], v[i] / m; h += (v[i] / m) ^ 2 }
              printf "hhi,%.17g\n", h > "/dev/stderr" }'"'"' "$IMPORTS" \
        2>"$TMP/awk_hhi" | sort -t, -k2,2nr -k1,1n >"$TMP/want"
    head -4 "$TMP/want" | cut -d, -f1 | tr "\n" " " | grep -qx "251 276 616 643 "
    for c in country_code value supplier_share; do field suppliers $c <"$TMP/wheat.csv" >"$TMP/$c"; done
    paste -d, "$TMP/country_code" "$TMP/value" "$TMP/supplier_share" >"$TMP/got"
    test "$(wc -l <"$TMP/got")" -eq "$(wc -l <"$TMP/want")"
    paste -d, "$TMP/want" "$TMP/got" | awk -F, "
        \$1 != \$4 || \$2 != \$5 { print \"supplier differs: \" \$0; e = 1 }
        { d = \$3 - \$6; if (d < 0) d = -d; if (d > 1e-9 * \$3) { print \"share: \" \$0; e = 1 } }
        END { exit e }"
    field suppliers name <"$TMP/wheat.csv" | head -4 | tr "\n" "|" |
        grep -qx "France|Germany|Poland|Russian Federation|"
    test "$(field products supplier <"$TMP/wheat.csv")" = FRA
    test "$(field products n_suppliers <"$TMP/wheat.csv")" = "$(wc -l <"$TMP/want")"
    hhi=$(field products hhi <"$TMP/wheat.csv")
    awk -F, -v hhi="$hhi" "{ d = hhi - \$2; if (d < 0) d = -d; exit !(d <= 1e-9 * \$2) }" "$TMP/awk_hhi"
'

expect "wheat --on FRA: France's value and share as awk computes them" '
    uncovered lever_doc depend DZA --on FRA --product 100190 >"$TMP/fra.csv"
    test "$(field products supplier <"$TMP/fra.csv")" = FRA
    test "$(field products supplier_value <"$TMP/fra.csv")" = 649770245
    field products supplier_share <"$TMP/fra.csv" |
        awk "{ d = \$1 - 649770245 / 1840917478; if (d < 0) d = -d; exit !(d < 1e-12) }"
    $REF --importer 12 --on 251 --product 100190 --check "$TMP/fra.csv" "$IMPORTS" "$EXPORTS"
'

expect "every product Algeria imports matches the reference (all columns)" '
    uncovered lever_doc depend DZA --top 0 >"$TMP/dza.csv"
    $REF --importer 12 --check "$TMP/dza.csv" "$IMPORTS" "$EXPORTS"
'

expect "a product Algeria does not export: net-import ratio inf in the table, empty in CSV, null with a note in JSON" '
    k=$(awk -F, "NR > 1 && \$2 == 12 { x[\$4] = 1 } END { }
                 FNR == 1 { f++ } f == 2 && FNR > 1 && !(\$4 in x) { print \$4; exit }" \
            "$EXPORTS" "$IMPORTS")
    test -n "$k"
    hs=$(printf "%06d" "$k")
    uncovered $LEVER depend DZA --product "$hs" --format csv >"$TMP/noexp.csv"
    python3 -c "import csv,sys; r = list(csv.DictReader(open(sys.argv[1]))); assert (r[0][\"exports\"], r[0][\"net_import\"]) == (\"0\", \"\"), r" "$TMP/noexp.csv"
    uncovered $LEVER depend DZA --product "$hs" --format json | grep -q "\"net_import\": null, \"net_import_note\": \"infinite: divided by zero\""
    uncovered $LEVER depend DZA --product "$hs" --format table --wide | grep -qw inf
'

expect "an unknown importer fails with the lookup's candidates" '
    fails $LEVER depend Algerai 2>"$TMP/err" >/dev/null
    grep -q Algeria "$TMP/err"
'

expect "a year not in the store fails naming the store's years" '
    fails $LEVER depend DZA --year 2019 2>"$TMP/err" >/dev/null
    grep -q 2021 "$TMP/err"
'

expect "a supplier that sells Algeria nothing gives an empty table, not an error" '
    uncovered lever_doc depend DZA --on AFG >"$TMP/none.csv"
    test -z "$(table products <"$TMP/none.csv")"
    grep -q "^# note: " "$TMP/none.csv"
'
fi

expect "--help shows the usage and real examples; --years is refused" '
    $LEVER depend --help >"$TMP/help"
    grep -q "^usage: lever depend B" "$TMP/help"
    grep -q "lever depend AFG --on KAZ" "$TMP/help"
    exits 2 $LEVER depend AFG --years 2019-2021
    grep -q -- "--year" "$TMP/err"
'

finish
