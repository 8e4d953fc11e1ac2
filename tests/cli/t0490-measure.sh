#!/bin/sh
# t0490-measure.sh - --measure quantity: figures in tonnes with the group factors applied
# (grain equivalent: flour counted as grain x1.33), and the count of flows left out for
# want of a quantity. Checked against awk sums of the synthetic CSV (q in tonnes with 3
# decimals, turned into exact kg), with the built-in factor and with a factor of 1000;
# lever depend in tonnes against tests/ref/depend.py --measure quantity; the commands whose
# formula is in value only refuse it, saying why.
. "$(dirname "$0")/lib.sh"

export LEVER_STORE="$TMP/synth.store"
expect "a synthetic sample imports" 'synth_store synth 50000 11'

# kg of A->B per year for products under 1001 (x1) and 1101 (x FLOUR), and the flows
# without a quantity (NA), from the CSV
want() {
    awk -F, -v a="$1" -v b="$2" -v f="$3" "$USD"'
        /^#/ || $1 == "t" { next }
        $2 == a && $3 == b {
            k = sprintf("%06d", $4)
            if (k !~ /^1001/ && k !~ /^1101/) next
            if ($6 == "NA") { miss[$1]++; next }
            kg[$1] += usd($6) * (k ~ /^1101/ ? f : 1)
        }
        END { for (y = 2019; y <= 2021; y++) printf "%d %.6f %d\n", y, kg[y] / 1000, miss[y] }' \
        "$TMP/synth.csv"
}
# a document of one table does not name it: its rows are the lines after the header
rows() {
    grep -v "^#" | sed 1d
}
got() {
    rows | awk -F, '{ printf "%d %.6f %d\n", $1, $2, $5 }'
}

expect "dyad --product wheat --measure quantity: KAZ->AFG in tonnes of grain (flour x1.33)" '
    lever_doc dyad KAZ AFG --product wheat --measure quantity --top 0 | got >"$TMP/got"
    want 398 4 1.33 >"$TMP/want"
    paste -d" " "$TMP/got" "$TMP/want" | awk "{ d = \$2 - \$5; if (d < 0) d = -d
        if (\$1 != \$4 || d > 1e-6 * (\$5 > 1 ? \$5 : 1) || \$3 != \$6) { print; exit 1 } }"
    test "$(wc -l <"$TMP/got")" -eq 3
'

expect "a group file with flour x1000 changes the figure the same way (the factor is applied)" '
    printf "wheat = 1001 1101*1000\n" >"$TMP/groups.txt"
    lever_doc dyad KAZ AFG --product wheat --measure quantity --groups "$TMP/groups.txt" --top 0 \
        | got >"$TMP/got1000"
    fails cmp -s "$TMP/got" "$TMP/got1000"
    want 398 4 1000 >"$TMP/want1000"
    paste -d" " "$TMP/got1000" "$TMP/want1000" | awk "{ d = \$2 - \$5; if (d < 0) d = -d
        if (\$1 != \$4 || d > 1e-6 * (\$5 > 1 ? \$5 : 1) || \$3 != \$6) { print; exit 1 } }"
'

expect "flows without a quantity are left out and counted (all products, a pair with some)" '
    set -- $(awk -F, "\$6 == \"NA\" { print \$2, \$3; exit }" "$TMP/synth.csv")
    test -n "$1"
    lever_doc dyad $1 $2 --measure quantity --top 0 >"$TMP/df.csv"
    rows <"$TMP/df.csv" | cut -d, -f1,5 >"$TMP/gotna"
    awk -F, -v a=$1 -v b=$2 "/^#/ || \$1 == \"t\" { next } \$2 == a && \$3 == b && \$6 == \"NA\" { n[\$1]++ }
        END { for (y = 2019; y <= 2021; y++) print y \",\" n[y] + 0 }" "$TMP/synth.csv" >"$TMP/wantna"
    diff "$TMP/wantna" "$TMP/gotna"
    test "$(awk -F, "{ s += \$2 } END { print s }" "$TMP/gotna")" -gt 0
    grep -q "^# measure: quantity" "$TMP/df.csv"
'

expect "--measure value is the default; anything else is a usage error" '
    lever_doc dyad KAZ AFG --top 0 >"$TMP/v1.csv"
    lever_doc dyad KAZ AFG --top 0 --measure value >"$TMP/v2.csv"
    cmp "$TMP/v1.csv" "$TMP/v2.csv"
    usage_errors dyad "KAZ AFG --measure tonnes"
'

DEPEND_REF="$ROOT/tests/ref/depend.py"

expect "depend --product wheat --measure quantity: tonnes of grain (flour x1.33), shares and HHI of tonnes, by tests/ref" '
    lever_doc depend AFG --product wheat --measure quantity >"$TMP/dq.csv"
    grep -q "^# measure: quantity" "$TMP/dq.csv"
    grep -q "^# quantities: [0-9]* of AFG.s import flows" "$TMP/dq.csv"
    python3 "$DEPEND_REF" --importer 4 --product 1001,1101 --measure quantity \
        --factors 1101=1.33 --top 20 --check "$TMP/dq.csv" "$TMP/synth.csv"
'

expect "depend --measure quantity over every product (flows without a quantity counted), and --on" '
    lever_doc depend KAZ --measure quantity --top 40 >"$TMP/dq2.csv"
    python3 "$DEPEND_REF" --importer 398 --measure quantity --top 40 --check "$TMP/dq2.csv" \
        "$TMP/synth.csv"
    lever_doc depend AFG --on KAZ --measure quantity --top 0 --year 2020 >"$TMP/dq3.csv"
    python3 "$DEPEND_REF" --importer 4 --on 398 --year 2020 --measure quantity \
        --check "$TMP/dq3.csv" "$TMP/synth.csv"
'

CHANGE_REF="$ROOT/tests/ref/change.py"

expect "change --product wheat --measure quantity: the change in tonnes of grain, by tests/ref" '
    lever_doc change KAZ AFG --product wheat --measure quantity >"$TMP/cq.csv"
    python3 "$CHANGE_REF" --a 398 --b 4 --from 2019 --to 2021 --product 1001,1101 \
        --measure quantity --factors 1101=1.33 --check "$TMP/cq.csv" "$TMP/synth.csv"
'

expect "change --measure quantity over every product of a large pair, flows without a quantity counted" '
    lever_doc change USA CHN --measure quantity --top 30 >"$TMP/cq2.csv"
    python3 "$CHANGE_REF" --a 842 --b 156 --from 2019 --to 2021 --measure quantity --top 30 \
        --check "$TMP/cq2.csv" "$TMP/synth.csv"
'

COMPARE_REF="$ROOT/tests/ref/compare.py"

expect "compare --product wheat --measure quantity: sales, shares, ESI and head-on in tonnes, LEV in value" '
    lever_doc compare AFG --suppliers KAZ,UZB --product wheat --measure quantity \
        >"$TMP/co.csv"
    python3 "$COMPARE_REF" --market 4 --suppliers 398,860 --product 1001,1101 \
        --measure quantity --factors 1101=1.33 --check "$TMP/co.csv" "$TMP/synth.csv"
    lever_doc compare CHN --suppliers USA,DEU,JPN --measure quantity --top 10 \
        >"$TMP/co2.csv"
    python3 "$COMPARE_REF" --market 156 --suppliers 842,276,392 --measure quantity --top 10 \
        --check "$TMP/co2.csv" "$TMP/synth.csv"
'

expect "depend --measure quantity with --alternatives current is refused, saying what to do" '
    exits 1 "$LEVER" depend AFG --measure quantity --alternatives current
    grep -q "world only" "$TMP/err"
'

expect "leverage, exposure, indicators and transit refuse --measure quantity, saying why (exit 2)" '
    for c in "leverage KAZ --over AFG" "exposure AFG" "indicators KAZ AFG" "transit KAZ AFG"; do
        exits 2 "$LEVER" $c --measure quantity || exit 1
        grep -q "^lever: ${c%% *}: --measure quantity does not apply: .*T(B)\|WITS" "$TMP/err" ||
            { cat "$TMP/err"; exit 1; }
        "$LEVER" $c --measure value >/dev/null || exit 1
    done
'

finish
