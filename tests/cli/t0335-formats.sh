#!/bin/sh
# t0335-formats.sh - every table command on a synthetic world, in every format: tables
# fit the terminal (120 columns, as the manual's examples run) with descriptions cut by
# an ellipsis and secondary columns behind --wide; CSV is one tidy table per call that
# pandas (else Python's csv module, strictly) reads as it is, --table choosing it; JSON
# numbers are numbers or null, never strings; the three agree with each other.
. "$(dirname "$0")/lib.sh"

synth_store w 20000 3
export LEVER_STORE="$TMP/w.store" NO_COLOR=1
unset COLUMNS

# One command per line: every command that prints tables, with the options that change
# its tables.
cat >"$TMP/commands" <<'EOF'
dyad KAZ AFG
dyad KAZ AFG --measure quantity
leverage KAZ
leverage KAZ --over AFG
exposure AFG
depend AFG
depend AFG --on KAZ
compare AFG --suppliers KAZ,UZB,RUS
change KAZ AFG --from 2019 --to 2021
indicators KAZ AFG
chains AFG --product 1101
transit KAZ AFG --closed AFG-CHN
transit --over AFG --closed AFG-CHN
product 1001
product milling
country korea
groups
groups wheat
info
EOF

# A Python with pandas (Debian's python3-pandas), and one with openpyxl, if any.
PANDAS=
OPENPYXL=
for p in python3 /usr/bin/python3; do
    if [ -z "$PANDAS" ] && $p -c "import pandas" 2>/dev/null; then PANDAS=$p; fi
    if [ -z "$OPENPYXL" ] && $p -c "import openpyxl" 2>/dev/null; then OPENPYXL=$p; fi
done

widest() {
    python3 -c "import sys; print(max((len(l.rstrip(chr(10))) for l in open(sys.argv[1], encoding=\"utf-8\")), default=0))" "$1"
}

expect "every table command fits 120 columns (COLUMNS=120), and --wide shows more" '
    while read -r args; do
        COLUMNS=120 $LEVER $args --format table >"$TMP/t" 2>/dev/null || [ $? = 3 ]
        w=$(widest "$TMP/t")
        [ "$w" -le 120 ] || { echo "lever $args: $w columns"; exit 1; }
        COLUMNS=120 $LEVER $args --format table --wide >"$TMP/w" 2>/dev/null || [ $? = 3 ]
        [ "$(widest "$TMP/w")" -ge "$w" ] || { echo "lever $args --wide: narrower"; exit 1; }
    done <"$TMP/commands"
    COLUMNS=120 $LEVER dyad KAZ AFG --format table >"$TMP/t" 2>/dev/null || [ $? = 3 ]
    COLUMNS=120 $LEVER dyad KAZ AFG --format table --wide >"$TMP/w" 2>/dev/null || [ $? = 3 ]
    ! grep -q "qty kg" "$TMP/t"
    grep -q "qty kg" "$TMP/w"
    [ "$(widest "$TMP/w")" -gt 120 ]
'

expect "on a terminal of 120 columns the table fits; long descriptions end with an ellipsis" '
    script -qec "stty cols 120 rows 50; $LEVER depend AFG --top 40" /dev/null </dev/null |
        tr -d "\r" >"$TMP/tty"
    grep -q "^Products where" "$TMP/tty"
    [ "$(widest "$TMP/tty")" -le 120 ]
    grep -q "…$" "$TMP/tty"
    script -qec "stty cols 200 rows 50; $LEVER depend AFG --top 40" /dev/null </dev/null |
        tr -d "\r" >"$TMP/tty200"
    [ "$(widest "$TMP/tty200")" -gt 120 ]
    [ "$(widest "$TMP/tty200")" -le 200 ]
'

expect "in a pipe a table is not cut (no terminal, no COLUMNS), but secondary columns wait for --wide" '
    $LEVER depend AFG --top 40 --format table >"$TMP/t"
    ! grep -q "…" "$TMP/t"
    ! grep -q "HHI_W" "$TMP/t"
    $LEVER depend AFG --top 40 --format table --wide | grep -q "HHI_W"
'

expect "--table list names the tables and the main one; a wrong name is a usage error naming them" '
    $LEVER dyad KAZ AFG --table list >"$TMP/list"
    grep -q "^years  *yes " "$TMP/list"
    grep -q "^a_to_b " "$TMP/list"
    exits 2 $LEVER dyad KAZ AFG --table nope --format csv
    grep -q "no table .nope. in this answer; its tables: years, summary, a_to_b, b_to_a" "$TMP/err"
'

expect "CSV: one tidy table per call, every table of every command, read by pandas or strictly by csv" '
    n=0
    while read -r args; do
        for name in $($LEVER $args --table list 2>/dev/null | awk "NR > 1 { print \$1 }"); do
            $LEVER $args --format csv --table $name >"$TMP/c.csv" 2>/dev/null || [ $? = 3 ]
            python3 - "$TMP/c.csv" "lever $args --table $name" <<-EOF
		import csv, sys
		text = open(sys.argv[1], encoding="utf-8", newline="").read()
		assert not any(l.startswith("#") for l in text.splitlines()), sys.argv[2]
		rows = list(csv.reader(text.splitlines()))
		assert rows and all(len(r) == len(rows[0]) for r in rows), sys.argv[2]
		assert len(set(rows[0])) == len(rows[0]), sys.argv[2]
		for r in rows[1:]:
		    assert "inf" not in r and "nan" not in r and "-inf" not in r, (sys.argv[2], r)
		EOF
            if [ -n "$PANDAS" ]; then
                $PANDAS -c "import pandas, sys; f = pandas.read_csv(sys.argv[1], dtype={\"hs6\": str}); assert len(f.columns) == len(set(f.columns))" "$TMP/c.csv"
            fi
            n=$((n + 1))
        done
    done <"$TMP/commands"
    echo "$n tables" >&2
    [ $n -ge 35 ]
'

if [ -z "$PANDAS" ]; then
    skip "pandas reads lever's CSV as it is" "python3-pandas is not installed (scripts/install-deps.sh installs it)"
fi

expect "CSV without --table is the main table: the same as --table MAIN" '
    $LEVER dyad KAZ AFG --format csv >"$TMP/a" 2>/dev/null
    $LEVER dyad KAZ AFG --format csv --table years >"$TMP/b" 2>/dev/null
    cmp "$TMP/a" "$TMP/b"
    head -n 1 "$TMP/a" | grep -q "^year,a_to_b,b_to_a,total,"
    $LEVER depend AFG --format csv 2>/dev/null | head -n 1 | grep -q "^rank,hs6,imports,"
'

expect "CSV on synthetic data warns on stderr that it is not real trade; JSON carries it in meta" '
    $LEVER dyad KAZ AFG --format csv 2>"$TMP/err" >/dev/null
    grep -q "warning: SYNTHETIC DATA" "$TMP/err"
    $LEVER dyad KAZ AFG --format json 2>/dev/null | grep -q "\"warning\": \"SYNTHETIC DATA"
'

expect "JSON: strict (no NaN/Infinity), numbers are numbers or null, and equal to the CSV" '
    while read -r args; do
        $LEVER $args --format json >"$TMP/j.json" 2>/dev/null || [ $? = 3 ]
        for name in $($LEVER $args --table list 2>/dev/null | awk "NR > 1 { print \$1 }"); do
            $LEVER $args --format csv --table $name >"$TMP/c.csv" 2>/dev/null || [ $? = 3 ]
            python3 - "$TMP/j.json" "$TMP/c.csv" "$name" "lever $args" <<-EOF
		import csv, json, sys
		def bad(x):
		    raise ValueError("not JSON: %s" % x)
		doc = json.load(open(sys.argv[1], encoding="utf-8"), parse_constant=bad)
		name, where = sys.argv[3], sys.argv[4]
		columns = doc["meta"]["tables"][name]["columns"]
		rows = doc[name]
		csv_rows = list(csv.DictReader(open(sys.argv[2], encoding="utf-8", newline="")))
		assert len(rows) == len(csv_rows), where
		for c in columns:
		    kinds = set(type(r[c]) for r in rows if r[c] is not None)
		    assert kinds <= {str} or kinds <= {int, float}, (where, c, kinds)
		    for r in rows:
		        assert r[c] not in ("inf", "-inf", "nan", "NaN"), (where, c)
		        if r[c] is None and (c + "_note") in r:
		            assert "infinite" in r[c + "_note"], (where, c)
		for r, t in zip(rows, csv_rows):
		    for c in columns:
		        v = r[c]
		        if v is None:
		            assert t[c] == "", (where, c, t[c])
		        elif isinstance(v, str):
		            assert t[c] == v, (where, c, t[c], v)
		        elif isinstance(v, int):
		            assert t[c] == str(v), (where, c, t[c], v)
		        else:
		            assert float(t[c]) == v and "e" not in t[c], (where, c, t[c], v)
		EOF
        done
    done <"$TMP/commands"
'

expect "-o FILE writes the answer to FILE (by way of FILE.tmp), its extension choosing JSON" '
    $LEVER dyad KAZ AFG -o "$TMP/d.json" 2>/dev/null
    python3 -c "import json,sys; d = json.load(open(sys.argv[1])); assert d[\"years\"]" "$TMP/d.json"
    $LEVER dyad KAZ AFG --format csv -o "$TMP/d.csv" 2>/dev/null
    head -n 1 "$TMP/d.csv" | grep -q "^year,"
    ! ls "$TMP"/*.tmp 2>/dev/null
    exits 1 $LEVER dyad KAZ AFG -o "$TMP"
'

if [ -n "$OPENPYXL" ]; then
expect "xlsx: every table a sheet, notes first; openpyxl reads the JSON's values back, and dyad's flows are the file's sums" '
    while read -r args; do
        $LEVER $args --format json >"$TMP/j.json" 2>/dev/null || [ $? = 3 ]
        $LEVER $args --format xlsx -o "$TMP/b.xlsx" 2>/dev/null || [ $? = 3 ]
        $OPENPYXL "$ROOT/tests/ref/check_xlsx.py" "$TMP/b.xlsx" "$TMP/j.json" || { echo "lever $args"; exit 1; }
    done <"$TMP/commands"
    $LEVER dyad KAZ AFG --format json >"$TMP/j.json"
    $LEVER dyad KAZ AFG -o "$TMP/d.xlsx"
    $OPENPYXL "$ROOT/tests/ref/check_xlsx.py" "$TMP/d.xlsx" "$TMP/j.json" --dyad "$TMP/w.csv" 398 4
'
else
    skip "xlsx read back with openpyxl" "python3-openpyxl is not installed (scripts/install-deps.sh installs it)"
fi

expect "xlsx needs -o FILE; a failed write leaves no file" '
    exits 2 $LEVER dyad KAZ AFG --format xlsx
    grep -q "give -o FILE.xlsx" "$TMP/err"
    exits 1 $LEVER dyad KAZ AFG --format xlsx -o "$TMP/no/such/dir/b.xlsx"
    [ ! -e "$TMP/no/such/dir/b.xlsx" ]
'

finish
