#!/bin/sh
# t0330-output.sh - the three renderings of every query command: CSV quoting and
# JSON escaping round-trip real BACI descriptions (quotes, commas) exactly as
# Python's csv and json modules read them from the dictionary; the default format
# is a table on a terminal and CSV in a pipe; bold only on a terminal without
# NO_COLOR.
. "$(dirname "$0")/lib.sh"

if need_shared "output formats on the BACI dictionaries"; then
export LEVER_STORE="$TMP/dza.store"

expect "import Algeria's 2021 imports with the BACI dictionaries" '
    $LEVER import "$IMPORTS" "$COUNTRIES" "$PRODUCTS" -o "$LEVER_STORE"
'

# Chapter 34 holds descriptions with commas and (doubled) quotes: 340700 "dental wax".
expect "CSV and JSON carry descriptions with quotes and commas unchanged" '
    $LEVER product 34 --limit 0 --format csv >"$TMP/p.csv"
    $LEVER product 34 --limit 0 --format json >"$TMP/p.json"
    python3 - "$PRODUCTS" "$TMP/p.csv" "$TMP/p.json" <<-EOF
	import csv, json, sys
	want = [(r["code"].zfill(6), r["description"])
	        for r in csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8"))
	        if r["code"].isdigit() and r["code"].zfill(6).startswith("34")]
	assert any(chr(34) in d for _, d in want) and any("," in d for _, d in want)
	rows = list(csv.reader(open(sys.argv[2], newline="", encoding="utf-8")))
	assert rows[0] == ["hs6", "description"], rows[0]
	assert [tuple(r) for r in rows[1:]] == want
	doc = json.load(open(sys.argv[3], encoding="utf-8"))
	assert [(p["hs6"], p["description"]) for p in doc["products"]] == want
	assert doc["meta"]["matches"] == str(len(want))
	EOF
'

expect "names with accents survive in every format" '
    code=$(awk -F, "/Ivoire/ { print \$1; exit }" "$COUNTRIES")
    test -n "$code"
    name=$(python3 -c "import csv,sys; print([r[\"country_name_abbreviation\"] for r in csv.DictReader(open(sys.argv[1], newline=\"\", encoding=\"utf-8\")) if r[\"country_code\"] == sys.argv[2]][0])" "$COUNTRIES" "$code")
    $LEVER country "$code" --format csv | grep -qF ",$name,"
    $LEVER country "$code" --format json | python3 -c "import json,sys; assert json.load(sys.stdin)[\"countries\"][0][\"name\"] == sys.argv[1]" "$name"
    $LEVER country "$code" --format table | grep -qF "$name"
'

expect "in a pipe the default format is CSV: the header first" '
    $LEVER product 1001 | head -n 1 | grep -qx "hs6,description"
'

expect "on a terminal the default is a table with a bold header; NO_COLOR turns bold off" '
    TERM=xterm script -qec "$LEVER product 1001" /dev/null >"$TMP/tty"
    grep -q "HS6" "$TMP/tty"
    grep -q "$(printf "\033\\[1m")" "$TMP/tty"
    NO_COLOR=1 TERM=xterm script -qec "$LEVER product 1001" /dev/null >"$TMP/tty"
    ! grep -q "$(printf "\033")" "$TMP/tty"
'

expect "a table aligns numbers right and text left" '
    NO_COLOR=1 $LEVER dyad FRA DZA --top 3 --format table >"$TMP/t" 2>/dev/null || [ $? = 3 ]
    # under "value USD" every figure ends where the header ends; descriptions start
    # where "description" starts
    awk "/^year  # / && !seen { v = index(\$0, \"value USD\") + 8; d = index(\$0, \"description\");
                                seen = 1; n = 3; next }
         n > 0 { n--; if (substr(\$0, v, 1) !~ /[0-9]/ || substr(\$0, v + 1, 1) != \" \") bad = 1
                       if (substr(\$0, d - 2, 3) !~ /^  [A-Z]/) bad = 1; rows++ }
         END { exit bad || rows != 3 }" "$TMP/t"
'
fi

finish
