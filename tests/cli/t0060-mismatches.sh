#!/bin/sh
# t0060-mismatches.sh - what a new user met against the manual, each fixed and kept so:
# country queries list only the best kind of match, info groups its digits, a CSV with
# ';' between fields gets a hint, `lever product wheat` says that wheat is also a group,
# and `lever groups` lists the groups and the products of one.
. "$(dirname "$0")/lib.sh"
cd "$TMP"
synth_store w 20000 3
export LEVER_STORE="$TMP/w.store"

# The rows of a one-table lever CSV document (no "# table:" line): after the header.
rows() {
    grep -v "^#" | tail -n +2
}

expect "country AF: the ISO2 match only, not the names that contain it (CAF, ZAF)" '
    lever_doc country AF | rows >"$TMP/c"
    [ "$(cut -d, -f2 "$TMP/c")" = AFG ]
    lever_doc country ind | rows | cut -d, -f2 >"$TMP/c"
    [ "$(cat "$TMP/c")" = IND ]
'

expect "country: a name prefix still lists every country it begins" '
    lever_doc country united | rows >"$TMP/c"
    [ $(wc -l <"$TMP/c") -ge 2 ]
    fails grep -vi united "$TMP/c"
'

expect "info shows the format version and groups digits in tables, plain digits in CSV" '
    "$LEVER" info --format table >"$TMP/t"
    grep -qx "format version: *[0-9][0-9]*" "$TMP/t"
    n=$(awk -F, "!/^#/ && \$1 != \"t\" { n++ } END { print n }" "$TMP/w.csv")
    grouped=$(printf "%s" "$n" | sed -e ":a" -e "s/\([0-9]\)\([0-9]\{3\}\)\(,\|$\)/\1,\2\3/; ta")
    grep -qx "rows: *$grouped" "$TMP/t"
    lever_doc info | table store | cut -d, -f8 | grep -qx "$n"
'

expect "a CSV with ; between fields: the error says so" '
    printf "t;i;j;k;v;q\n2021;4;398;110100;1,5;2\n" >"$TMP/semi.csv"
    exits 1 "$LEVER" import "$TMP/semi.csv" -o "$TMP/semi.store"
    grep -q "semi.csv:1:1: header .* is not recognised.*the fields are separated by .;.: save the file with .,. between fields" "$TMP/err"
    [ ! -e "$TMP/semi.store" ]
'

expect "product wheat says that wheat is also a group; a plain word does not" '
    lever_doc product wheat >"$TMP/p"
    grep -q "^# group: \"wheat\" is also a product group (1001 1101\*1.33): --product wheat selects the group" "$TMP/p"
    lever_doc product milling | fails grep -q "^# group:"
'

expect "groups lists the built-in groups with their members" '
    lever_doc groups | rows >"$TMP/g"
    grep -qx "wheat,1001 1101\*1.33" "$TMP/g"
    grep -qx "fuels,27" "$TMP/g"
    [ $(wc -l <"$TMP/g") -eq 9 ]
'

expect "groups wheat lists the store products under 1001 and 1101 (from the CSV), flour at 1.33" '
    awk -F, "!/^#/ && (\$4 ~ /^1001/ || \$4 ~ /^1101/) { print \$4 }" "$TMP/w.csv" |
        sort -u >"$TMP/want"
    test -s "$TMP/want"
    lever_doc groups wheat | rows >"$TMP/got"
    cut -d, -f1 "$TMP/got" | cmp - "$TMP/want"
    awk -F, "{ print \$1, \$2 }" "$TMP/got" | grep -q "^1101[0-9][0-9] 1.33$"
'

expect "groups from --groups FILE; an unknown group is an error" '
    printf "energy = 27 2716\ngrain = 10*1 1101*1.33\n" >"$TMP/my.txt"
    lever_doc groups --groups "$TMP/my.txt" | rows >"$TMP/g"
    printf "energy,27 2716\ngrain,10*1 1101*1.33\n" | cmp - "$TMP/g"
    exits 1 "$LEVER" groups nothing
    grep -q "no product group .nothing." "$TMP/err"
'

finish
