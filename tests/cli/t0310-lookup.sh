#!/bin/sh
# t0310-lookup.sh - lever country and lever product, and the same lookups inside
# other commands (--product, country arguments), on a store imported with BACI's
# own dictionaries. Expected matches are taken from the dictionary files with awk
# or Python's csv module, never from lever's earlier output.
. "$(dirname "$0")/lib.sh"

if need_shared "country and product lookups on the BACI dictionaries"; then
export LEVER_STORE="$TMP/dza.store"

# dict_country CODE: "code,ISO3,ISO2,name,full name" from the BACI dictionary, as lever's CSV.
dict_country() {
    python3 - "$COUNTRIES" "$1" <<'EOF'
import csv, sys
for row in csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")):
    if row["country_code"] == sys.argv[2]:
        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow([row["country_code"], row["iso_3digit_alpha"], row["iso_2digit_alpha"],
                    row["country_name_abbreviation"], row["country_name_full"]])
EOF
}

# rows < lever-csv: the data rows of a one-table lever CSV (no comments, no header).
rows() {
    grep -v "^#" | tail -n +2
}

expect "import Algeria's 2021 imports with the BACI dictionaries" '
    $LEVER import "$IMPORTS" "$COUNTRIES" "$PRODUCTS" -o "$LEVER_STORE"
'

expect "a country by ISO3 (any case), numeric code, ISO2 and name" '
    want=$(dict_country 398)
    test -n "$want"
    for q in KAZ kaz 398 KZ kazakhstan Kazakh; do
        got=$(lever_doc country "$q" | rows | head -n 1)
        test "$got" = "$want" || { echo "$q: $got"; exit 1; }
    done
'

expect "accents and case do not matter in names" '
    code=$(awk -F, "/Ivoire/ { print \$1; exit }" "$COUNTRIES")
    test "$(lever_doc country "cote d'"'"'ivoire" | rows | cut -d, -f1)" = "$code"
'

expect "a name in several words is one query" '
    test "$(lever_doc country United Kingdom | rows)" = "$(dict_country 826)"
'

expect "every country whose name holds the query is listed" '
    lever_doc country korea | rows | cut -d, -f1 | sort -n >"$TMP/got"
    awk -F"\",\"" "NR > 1 && tolower(\$1 \$2) ~ /korea/ { split(\$1, c, \",\"); print c[1] }" \
        "$COUNTRIES" | sort -n >"$TMP/want"
    test -s "$TMP/want"
    diff "$TMP/want" "$TMP/got"
'

expect "an exact ISO3 match comes before names that contain it" '
    test "$(lever_doc country ind | rows | head -n 1)" = "$(dict_country 699)"
'

expect "without a query, every country of the store" '
    n=$( { awk -F, "NR > 1 { print \$2 + 0; print \$3 + 0 }" "$IMPORTS"
           awk -F, "NR > 1 { print \$1 + 0 }" "$COUNTRIES"; } | sort -u | wc -l)
    test "$(lever_doc country | rows | wc -l)" -eq "$n"
'

expect "an unknown country suggests the closest names (exit 1)" '
    exits 1 $LEVER country Kazakstan
    test "$(cat "$TMP/err")" = "lever: unknown country \"Kazakstan\"; did you mean: KAZ Kazakhstan (398)?"
'

expect "an ISO3 code shared by an old code resolves to the one that trades" '
    lever_doc country DEU | rows | cut -d, -f1 | paste -sd, >"$TMP/got"
    test "$(cat "$TMP/got")" = "276,280"
    test "$(awk -F, "NR > 1 && \$2 == 276" "$IMPORTS" | wc -l)" -gt 0
    test "$(awk -F, "NR > 1 && (\$2 == 280 || \$3 == 280)" "$IMPORTS" | wc -l)" -eq 0
    lever_doc dyad DEU DZA | grep -q "^# a: Germany (DEU, 276)$"
'

expect "country output in JSON is valid and complete" '
    $LEVER country fra --format json >"$TMP/j"
    python3 -c "import json,sys; d=json.load(open(sys.argv[1])); \
r=d[\"countries\"][0]; assert r == {\"code\": 251, \"iso3\": \"FRA\", \"iso2\": \"FR\", \"name\": \"France\", \"full_name\": \"France, Monaco\"}, r" "$TMP/j"
'

# dict_products PREFIX: "code,description" of every dictionary product under an HS prefix.
dict_products() {
    python3 - "$PRODUCTS" "$1" <<'EOF'
import csv, sys
w = csv.writer(sys.stdout, lineterminator="\n")
for row in csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")):
    code = row["code"]
    if code.isdigit() and code.zfill(6).startswith(sys.argv[2]):
        w.writerow([code.zfill(6), row["description"]])
EOF
}

expect "an HS prefix of 4 digits lists the heading, quoted as RFC 4180 says" '
    dict_products 1001 >"$TMP/want"
    test "$(wc -l <"$TMP/want")" -ge 2
    lever_doc product 1001 | rows >"$TMP/got"
    diff "$TMP/want" "$TMP/got"
    dict_products 0101 >"$TMP/want"
    lever_doc product 0101 | rows >"$TMP/got"
    diff "$TMP/want" "$TMP/got"
    grep -q "^010111,\"Horses: live, pure-bred breeding animals\"$" "$TMP/got"
'

expect "a chapter (2 digits) and a code without its leading zero" '
    dict_products 10 >"$TMP/want"
    lever_doc product 10 --limit 0 | rows >"$TMP/got"
    diff "$TMP/want" "$TMP/got"
    test "$(lever_doc product 71120 | rows | cut -d, -f1)" = 071120
'

expect "words must all occur in the description" '
    python3 - "$PRODUCTS" <<-EOF | sort >"$TMP/want"
	import csv, sys
	for row in csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")):
	    d = row["description"].lower()
	    if row["code"].isdigit() and "wheat" in d and "flour" in d:
	        print(row["code"].zfill(6))
	EOF
    test -s "$TMP/want"
    lever_doc product wheat flour | rows | cut -d, -f1 | sort >"$TMP/got"
    diff "$TMP/want" "$TMP/got"
'

expect "--limit keeps the best matches and says how many there were" '
    n=$(dict_products 10 | wc -l)
    lever_doc product 10 --limit 2 >"$TMP/out" 2>"$TMP/err"
    test "$(rows <"$TMP/out" | wc -l)" -eq 2
    grep -q "^# matches: $n$" "$TMP/out"
    grep -q "^lever: warning: showing 2 of $n products" "$TMP/err"
'

expect "a product query that matches nothing fails (exit 1)" '
    exits 1 $LEVER product zzzqqq
    grep -q "no product matches \"zzzqqq\"" "$TMP/err"
'

expect "--product accepts a whole description, and refuses ambiguous words" '
    lever_doc dyad FRA DZA --product "wheat or meslin flour" |
        grep -q "^# products: 110100 Wheat or meslin flour$"
    exits 1 $LEVER dyad FRA DZA --product flour
    n=$(python3 -c "import csv,sys; print(sum(1 for r in csv.DictReader(open(sys.argv[1], newline=\"\", encoding=\"utf-8\")) if r[\"code\"].isdigit() and \"flour\" in r[\"description\"].lower()))" "$PRODUCTS")
    grep -q "\"flour\" matches $n products" "$TMP/err"
'

expect "--product with an HS prefix the store lacks fails (exit 1)" '
    exits 1 $LEVER dyad FRA DZA --product 9800
    grep -q "no product under HS 9800" "$TMP/err"
'

expect "bad options are usage errors (exit 2); --help exits 0" '
    usage_errors country "--bogus" "--format"
    usage_errors product "--limit x" "--limit -1"
    $LEVER country --help | grep -q "^examples:"
    $LEVER product --help | grep -q "^examples:"
'
fi

finish
