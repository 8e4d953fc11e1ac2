#!/bin/sh
# t0050-options.sh - the command line of every command, as its declaration
# (src/cli/options.h) makes it: --help and behaviour agree (every option the help
# lists is accepted, every shared option it does not list is refused by name), every
# usage error prints the usage line and exits 2, --year and --years exclude each
# other in one wording, and --year works wherever the help lists it.
. "$(dirname "$0")/lib.sh"

cd "$TMP"
commands=$("$LEVER" --help | awk '/^commands:/ { c = 1; next } c && /^  [a-z]/ { print $1 }')
shared="store format years year product alternatives groups weights sigma top"

expect "lever --help lists the commands" '
    test -n "$commands"
    echo "$commands" | grep -qx leverage
    echo "$commands" | grep -qx groups
'

# The long options a command's --help lists.
listed() {
    "$LEVER" "$1" --help | awk '/^options:/ { o = 1; next } /^$/ { o = 0 }
        o && /^  -/ { for (f = 1; f <= 2; f++) if ($f ~ /^--/) { sub(/,$/, "", $f); print substr($f, 3) } }'
}

for c in $commands; do
    expect "$c --help: usage line, options, examples, exit 0" '
        "$LEVER" '"$c"' --help >"$TMP/help"
        head -n 1 "$TMP/help" | grep -q "^usage: lever '"$c"'"
        grep -q "^options:" "$TMP/help"
        grep -q "^  -h, --help" "$TMP/help"
        grep -q "^examples:" "$TMP/help"
        "$LEVER" help '"$c"' | cmp - "$TMP/help"
    '
    expect "$c: every option its --help lists is accepted" '
        for o in $(listed '"$c"'); do
            [ "$o" = help ] && continue
            "$LEVER" '"$c"' --$o 1 >/dev/null 2>"$TMP/err" </dev/null || true
            if grep -q "unknown option\|does not apply" "$TMP/err"; then
                echo "--$o listed but refused:"; cat "$TMP/err"; exit 1
            fi
        done
    '
    expect "$c: every shared option its --help does not list is refused by name, exit 2" '
        listed '"$c"' >"$TMP/listed"
        for o in $shared; do
            grep -qx "$o" "$TMP/listed" && continue
            exits 2 "$LEVER" '"$c"' --$o 1
            grep -q "^lever: '"$c"': option .--$o. does not apply to '"$c"'" "$TMP/err"
            grep -q "^usage: lever '"$c"'" "$TMP/err"
        done
    '
    expect "$c: an unknown option is a usage error (exit 2, usage line)" '
        exits 2 "$LEVER" '"$c"' --bogus
        grep -q "^lever: '"$c"': unknown option .--bogus." "$TMP/err"
        grep -q "^usage: lever '"$c"'" "$TMP/err"
        grep -q "^Run .lever '"$c"' --help. for details" "$TMP/err"
    '
done

expect "--year and --years together: one wording everywhere they are both listed" '
    n=0
    for c in $commands; do
        listed $c >"$TMP/listed"
        grep -qx year "$TMP/listed" && grep -qx years "$TMP/listed" || continue
        exits 2 "$LEVER" $c A B --year 2020 --years 2019-2020
        grep -qx "lever: $c: give either --year or --years, not both" "$TMP/err"
        n=$((n + 1))
    done
    [ $n -ge 4 ]
'

expect "a bad value names the option and what it takes" '
    exits 2 "$LEVER" dyad A B --top x
    grep -qx "lever: dyad: bad --top .x.: a whole number from 0 to 1000000" "$TMP/err"
    exits 2 "$LEVER" dyad A B --year 20x1
    grep -qx "lever: dyad: bad --year .20x1.: a year from 1900 to 2200" "$TMP/err"
    exits 2 "$LEVER" info --format xml
    grep -qx "lever: info: bad --format .xml.: use table, csv, json or xlsx" "$TMP/err"
    exits 2 "$LEVER" dyad A B --years
    grep -qx "lever: dyad: option .--years. needs a value" "$TMP/err"
'

expect "no abbreviations: --year is not --years, a flag takes no value" '
    exits 2 "$LEVER" change A B --year 2020
    grep -qx "lever: change: option .--year. does not apply to change" "$TMP/err"
    exits 2 "$LEVER" dyad A B --prod 1001
    grep -qx "lever: dyad: unknown option .--prod." "$TMP/err"
    exits 2 "$LEVER" info --check=yes
    grep -qx "lever: info: option .--check. takes no value" "$TMP/err"
'

expect "depend takes no --weights (group weights are for leverage), and says so" '
    listed depend | grep -qvx weights
    ! listed depend | grep -qx weights
    exits 2 "$LEVER" depend DZA --weights staples=2
    grep -q "option .--weights. does not apply to depend" "$TMP/err"
'

expect "depend and exposure list --year, not --years, and refuse --years" '
    for c in depend exposure; do
        listed $c | grep -qx year
        ! listed $c | grep -qx years
        exits 2 "$LEVER" $c DZA --years 2019-2021
    done
'

synth_store w 20000 3
export LEVER_STORE="$TMP/w.store"

expect "dyad --year T is dyad --years T-T" '
    lever_doc dyad KAZ AFG --year 2020 >"$TMP/a.csv"
    lever_doc dyad KAZ AFG --years 2020-2020 >"$TMP/b.csv"
    cmp "$TMP/a.csv" "$TMP/b.csv"
    grep -q "^# years: 2020$" "$TMP/a.csv"
    [ "$(table years <"$TMP/a.csv" | cut -d, -f1)" = 2020 ]
'

expect "--year works in every command whose help lists it" '
    lever_doc indicators KAZ AFG --year 2020 | grep -q "^# years: 2020$"
    lever_doc compare AFG --suppliers KAZ,UZB --year 2020 | grep -q "^# years: 2020$"
    lever_doc leverage KAZ --over AFG --year 2020 | grep -q "^# years: 2020$"
    lever_doc leverage KAZ --year 2020 | grep -q "^# year: 2020$"
    lever_doc exposure AFG --year 2020 | grep -q "^# year: 2020$"
    lever_doc depend AFG --year 2020 | grep -q "^# year: 2020$"
'

finish
