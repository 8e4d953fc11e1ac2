#!/bin/sh
# t0200-synth.sh - lever synth: the synthetic world on the command line. Same options
# give the same bytes (cmp), -o writes the file atomically, row counts follow --rows
# and its suffixes, every line has BACI's format, keys are unique (sort | uniq -d), the
# planted flour and wheat stories hold (shares computed here with awk), --events writes
# made-up events that lever reads, bad options exit 2 with a
# message that says what to do, and the output imports as a synthetic store.
. "$(dirname "$0")/lib.sh"

expect "--help shows the usage and examples (exit 0)" '
    $LEVER synth --help >"$TMP/help"
    grep -q "^usage: lever synth \[--rows N\] \[--seed S\] \[--years Y0-Y1\] \[--hs HS17\] \[-o FILE\] \[--events FILE\]$" "$TMP/help"
    grep -q "^examples:" "$TMP/help"
    grep -q "lever synth --rows 200000 -o sample.csv && lever import sample.csv -o demo.store" "$TMP/help"
'

expect "the same options give the same bytes; another seed another world" '
    $LEVER synth --rows 30000 --seed 5 >"$TMP/a.csv"
    $LEVER synth --rows 30000 --seed 5 >"$TMP/b.csv"
    cmp "$TMP/a.csv" "$TMP/b.csv"
    $LEVER synth --rows 30000 --seed 6 >"$TMP/c.csv"
    ! cmp -s "$TMP/a.csv" "$TMP/c.csv"
'

expect "the first lines say it is synthetic and name the options, then the BACI header" '
    $LEVER synth --rows 1000 --seed 9 --years 2017-2018 >"$TMP/h.csv"
    test "$(sed -n 1p "$TMP/h.csv")" = "# lever synth: synthetic data, not real trade (hs=HS17 seed=9 rows=1000 years=2017-2018)"
    test "$(sed -n 2p "$TMP/h.csv")" = "t,i,j,k,v,q"
    $LEVER synth --rows 10 | head -n 1 | grep -q "seed=42 rows=10 years=2019-2021)$"
'

expect "-o writes the same bytes to the file and leaves no temporary file" '
    $LEVER synth --rows 30000 --seed 5 -o "$TMP/o.csv"
    cmp "$TMP/a.csv" "$TMP/o.csv"
    test ! -e "$TMP/o.csv.tmp"
    $LEVER synth --rows 30000 --seed 5 --output="$TMP/o2.csv"
    cmp "$TMP/a.csv" "$TMP/o2.csv"
'

expect "the row count follows --rows within 1%; 30k is 30000 and 0.03M too" '
    rows=$(tail -n +3 "$TMP/a.csv" | wc -l)
    test "$rows" -ge 29700 && test "$rows" -le 30300
    $LEVER synth --rows 30k --seed 5 | cmp - "$TMP/a.csv"
    $LEVER synth --rows 0.03M --seed 5 | cmp - "$TMP/a.csv"
    rows=$($LEVER synth --rows 2k --years 2020 | tail -n +3 | wc -l)
    test "$rows" -ge 1980 && test "$rows" -le 2020
'

expect "every row is t,i,j,k,v,q as BACI writes it, with v > 0 and about 2% q=NA" '
    tail -n +3 "$TMP/a.csv" | awk -F, '"'"'
        NF != 6 { print "fields: " $0; bad++ }
        $1 !~ /^20(19|20|21)$/ { print "year: " $0; bad++ }
        $2 !~ /^[1-9][0-9]*$/ || $3 !~ /^[1-9][0-9]*$/ || $2 == $3 { print "country: " $0; bad++ }
        $4 !~ /^[1-9][0-9][0-9][0-9][0-9][0-9]?$/ || $4 < 10000 || int($4 / 10000) == 77 { print "product: " $0; bad++ }
        $5 !~ /^(0|[1-9][0-9]*)\.[0-9][0-9][0-9]$/ || $5 + 0 < 0.001 { print "value: " $0; bad++ }
        $6 != "NA" && $6 !~ /^(0|[1-9][0-9]*)\.[0-9][0-9][0-9]$/ { print "quantity: " $0; bad++ }
        $6 == "NA" { na++ }
        $4 < 100000 { short++ }
        END { if (bad) exit 1; if (na < NR / 100 || na > NR * 3 / 100) { print "NA rows: " na; exit 1 }
              if (short == 0) { print "no 5-digit product codes (chapters 01-09)"; exit 1 } }
    '"'"'
'

expect "(t,i,j,k) keys are unique" '
    $LEVER synth --rows 200k --seed 1 -o "$TMP/big.csv"
    tail -n +3 "$TMP/big.csv" | cut -d, -f1-4 | sort | uniq -d >"$TMP/dups"
    test ! -s "$TMP/dups"
'

expect "Kazakhstan supplies most of Afghanistan's wheat flour and sells it mostly there" '
    tail -n +3 "$TMP/big.csv" | awk -F, '"'"'
        $4 == 110100 && $3 == 4 { afg[$1] += $5; if ($2 == 398) kaz_afg[$1] += $5; if ($2 == 860) uzb[$1] += $5 }
        $4 == 110100 && $2 == 398 { kaz[$1] += $5 }
        END {
            for (y = 2019; y <= 2021; y++) {
                s = kaz_afg[y] / afg[y]; d = kaz_afg[y] / kaz[y]
                printf "%d: KAZ share of AFG flour imports %.3f, AFG share of KAZ flour exports %.3f\n", y, s, d
                if (s <= 0.5 || d < 0.6 || d > 0.8 || uzb[y] <= 0) exit 1
            }
        }
    '"'"'
'

expect "Uzbekistan imports its wheat (HS 1001) about 92% from Kazakhstan, with tonnes, and sells flour to Afghanistan" '
    tail -n +3 "$TMP/big.csv" | awk -F, '"'"'
        int($4 / 100) == 1001 && $3 == 860 { m[$1] += $5; if ($2 == 398) kaz[$1] += $5; if ($6 == "NA") na++ }
        $4 == 110100 && $2 == 860 && $3 == 4 { flour[$1] += $5 }
        END {
            for (y = 2019; y <= 2021; y++) {
                s = kaz[y] / m[y]
                printf "%d: KAZ share of UZB wheat imports %.3f, UZB flour to AFG %.0f kUSD\n", y, s, flour[y]
                if (s < 0.9 || s > 0.94 || flour[y] <= 0) exit 1
            }
            if (na) exit 1
        }
    '"'"'
'

expect "--events writes made-up events of the years of the world, labelled synthetic, that dyad reads" '
    $LEVER synth --rows 2000 --years 2020-2021 -o "$TMP/e.csv" --events "$TMP/ev.csv"
    test ! -e "$TMP/ev.csv.tmp"
    grep -q "^# lever synth: made-up events" "$TMP/ev.csv"
    test "$(grep -c "^202[01]-" "$TMP/ev.csv")" -eq 3
    test "$(grep -c ",synthetic: " "$TMP/ev.csv")" -eq 3
    ! grep -q "^2022" "$TMP/ev.csv"
    $LEVER import -q "$TMP/e.csv" -o "$TMP/e.store"
    lever_doc dyad KAZ AFG --store "$TMP/e.store" --events "$TMP/ev.csv" >"$TMP/ev.out"
    grep -q "^# table: events" "$TMP/ev.out"
    grep -q "^2021-09,2021,AFG,synthetic: Afghanistan lowers its duty" "$TMP/ev.out"
'

# usage_error ARGS... : lever synth ARGS must exit 2 with a lever: message and the usage line.
usage_error() {
    rc=0; $LEVER synth "$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
    test $rc -eq 2 || { echo "exit $rc for: $*"; cat "$TMP/err"; return 1; }
    grep -q "^lever: " "$TMP/err" || { echo "no message for: $*"; return 1; }
    test ! -s "$TMP/out" || { echo "output for: $*"; return 1; }
}

expect "bad options exit 2 with a message saying what is wrong" '
    usage_error --rows 0
    grep -q "bad --rows '"'"'0'"'"': expected a whole number of rows from 1" "$TMP/err"
    usage_error --rows abc
    usage_error --rows -5
    usage_error --rows 1.5
    usage_error --rows 12x
    usage_error --years 2021-2019
    grep -q "runs backwards" "$TMP/err"
    usage_error --years 1800-1801
    grep -q "outside 1900-2100" "$TMP/err"
    usage_error --hs HS92
    grep -q "only HS17 is available" "$TMP/err"
    usage_error --rows 10G
    grep -q "ask for fewer rows or more years" "$TMP/err"
    usage_error --seed minus
    usage_error --bogus
    grep -q "^usage: lever synth" "$TMP/err"
    usage_error --rows
    grep -q "needs a value" "$TMP/err"
    usage_error extra.csv
    grep -q "with -o FILE" "$TMP/err"
'

expect "an unwritable -o is an error (exit 1) that leaves nothing behind" '
    rc=0; $LEVER synth --rows 100 -o "$TMP/no/such/dir/x.csv" 2>"$TMP/err" || rc=$?
    test $rc -eq 1
    grep -q "^lever: cannot create .*x.csv.tmp" "$TMP/err"
    test ! -e "$TMP/no"
'

expect "the output imports as a synthetic HS17 store with every row" '
    $LEVER synth --rows 20000 --years 2020-2021 -o "$TMP/s.csv"
    $LEVER import -q "$TMP/s.csv" -o "$TMP/s.store"
    lever_doc info --store "$TMP/s.store" >"$TMP/info"
    grep -q "^# warning: SYNTHETIC DATA" "$TMP/info"
    rows=$(tail -n +3 "$TMP/s.csv" | wc -l)
    awk -F, -v rows="$rows" '"'"'
        /^# table: store/ { getline; for (n = 1; n <= NF; n++) col[$n] = n; getline
                            if ($col["rows"] != rows || $col["synthetic"] != 1 || $col["hs_version"] != "HS17") exit 1; ok = 1 }
        END { exit !ok }
    '"'"' "$TMP/info"
'

finish
