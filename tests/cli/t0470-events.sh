#!/bin/sh
# t0470-events.sh - --events FILE beside the years of lever dyad and lever change: which
# events are shown (those naming A or B, or no country, within the years shown), in date
# order with their sources, checked against an awk filter of the file; and bad files
# refused with file:line:column.
. "$(dirname "$0")/lib.sh"

export LEVER_STORE="$TMP/synth.store"
expect "a synthetic sample imports" 'synth_store synth 50000 11 2019-2023'

cat >"$TMP/events.csv" <<'CSV'
date,countries,label,source
# dated events, not sorted
2022-04-03,AFG,"Poppy ban, land turned to wheat",decree
2023-04,KAZ;AFG,Business forum in Kabul,"report, p. 3"
2019,RUS,An event of another country,nowhere
2020-03-11,,"A pandemic, everyone's event",WHO
2018-06,KAZ,Before the store's years,archive
2021-08-15,AFG,"The ""Taliban"" take power",widely reported
CSV

# The reference: events naming KAZ or AFG, or no country, in [Y0, Y1], by date; as lever's
# CSV prints them (a field with a comma or a quote quoted, quotes doubled).
want() {
    gawk -v y0="$1" -v y1="$2" -v FPAT='([^,]*)|("([^"]|"")*")' '
        function unq(f) { if (f ~ /^"/) { f = substr(f, 2, length(f) - 2); gsub(/""/, "\"", f) } return f }
        function q(f) { if (f ~ /[,"]/) { gsub(/"/, "\"\"", f); return "\"" f "\"" } return f }
        NR == 1 || /^#/ { next }
        { y = substr($1, 1, 4) + 0; c = unq($2)
          if (y < y0 || y > y1) next
          if (c != "" && c !~ /(^|;)(KAZ|AFG)(;|$)/) next
          print $1 "," y "," q(c) "," q(unq($3)) "," q(unq($4)) }' "$TMP/events.csv" | sort
}

expect "dyad: the events of KAZ or AFG (and of everyone) in the years shown, sorted, with sources" '
    lever_doc dyad KAZ AFG --top 0 --events "$TMP/events.csv" >"$TMP/d.csv"
    table events <"$TMP/d.csv" >"$TMP/got"
    want 2019 2023 | diff - "$TMP/got"
    test "$(wc -l <"$TMP/got")" -eq 4
'

expect "dyad: each year names its events beside the figures" '
    table years <"$TMP/d.csv" | grep "^2021," | grep -q "2021-08-15 The \"\"Taliban\"\" take power"
    table years <"$TMP/d.csv" | grep "^2020," | grep -q "2020-03-11 A pandemic"
    table years <"$TMP/d.csv" | grep "^2019," | grep -q ",\$"
'

expect "dyad --years 2021-2022 and change --from 2020 --to 2022 keep the events of those years" '
    lever_doc dyad KAZ AFG --years 2021-2022 --top 0 --events "$TMP/events.csv" |
        table events >"$TMP/got"
    want 2021 2022 | diff - "$TMP/got"
    lever_doc change KAZ AFG --from 2020 --to 2022 --events "$TMP/events.csv" |
        table events >"$TMP/got2"
    want 2020 2022 | diff - "$TMP/got2"
'

expect "without --events the outputs are unchanged (no events column or table)" '
    lever_doc dyad KAZ AFG --top 0 >"$TMP/plain.csv"
    fails grep -q "events" "$TMP/plain.csv"
'

expect "bad event files are refused with file:line:column and what to do" '
    printf "date,countries,label,source\n2023-13,KAZ,x,y\n" >"$TMP/b1.csv"
    exits 1 $LEVER dyad KAZ AFG --events "$TMP/b1.csv"
    grep -q "b1.csv:2:1: .2023-13. is not a date; write YYYY-MM-DD, YYYY-MM or YYYY" "$TMP/err"
    printf "2023-01,KAZ,a label,\n" >"$TMP/b2.csv"
    exits 1 $LEVER change KAZ AFG --events "$TMP/b2.csv"
    grep -q "b2.csv:1:21: the event has no source" "$TMP/err"
    printf "2023-01,KAZAKH,x,y\n" >"$TMP/b3.csv"
    exits 1 $LEVER dyad KAZ AFG --events "$TMP/b3.csv"
    grep -q "b3.csv:1:9: .KAZAKH. is not a list of ISO3 codes" "$TMP/err"
    printf "2023-01,KAZ,x, y, z\n" >"$TMP/b4.csv"
    exits 1 $LEVER dyad KAZ AFG --events "$TMP/b4.csv"
    grep -q "b4.csv:1:.*more than 4 fields" "$TMP/err"
    exits 1 $LEVER dyad KAZ AFG --events "$TMP/none.csv"
    grep -q "none.csv: cannot open" "$TMP/err"
'

if need_shared "the real example of Kazakh-Afghan events loads and shows 2021-2023"; then
    expect "the real example of Kazakh-Afghan events loads and shows 2021-2023" '
        lever_doc dyad KAZ AFG --top 0 --events "$SHARED/events/kaz_afg_events.csv" |
            table events >"$TMP/real"
        test "$(wc -l <"$TMP/real")" -eq 5
        grep -q "^2021-08-15,2021,AFG,The Taliban take power in Kabul," "$TMP/real"
    '
fi

finish
