#!/bin/sh
# t0600-chart.sh - lever chart KIND A B -o FILE: each of the five charts is well-formed SVG
# (python3 xml.etree) with the expected number of marks, and every mark's figure equals
# tests/ref/render.py's computation from the CSV the store was made from (flows by year,
# the top products each way, an importer's suppliers and shares, S, K and LEV both ways,
# each product's change with its quantity and price effects). Also: PNG through
# rsvg-convert, the same bytes on every run, standard output, and clear errors (an unknown
# kind, one country twice, a folder that does not exist) that leave no file behind.
. "$(dirname "$0")/lib.sh"

REF="$ROOT/tests/ref/render.py"
KAZ=398
AFG=4

expect "a synthetic world of 3 years imports" 'synth_store small 60000 1'
export LEVER_STORE="$TMP/small.store"

for kind in flows products suppliers leverage change; do
    expect "chart $kind KAZ AFG: well-formed, its marks equal the reference" "
        \$LEVER chart $kind KAZ AFG -o \"\$TMP/$kind.svg\"
        python3 \"\$REF\" --data \"\$TMP/small.csv\" --a $KAZ --b $AFG svg $kind \"\$TMP/$kind.svg\"
    "
done

expect "the other way round (AFG KAZ), and --top 3, match the reference" '
    for kind in flows products leverage change suppliers; do
        $LEVER chart $kind AFG KAZ --top 3 -o "$TMP/r-$kind.svg"
        python3 "$REF" --data "$TMP/small.csv" --a $AFG --b $KAZ --top 3 svg $kind "$TMP/r-$kind.svg"
    done
'

expect "--years 2020-2021: the change chart compares those years, the flows chart shows them" '
    $LEVER chart change KAZ AFG --years 2020-2021 -o "$TMP/c.svg"
    python3 "$REF" --data "$TMP/small.csv" --a $KAZ --b $AFG --from 2020 --to 2021 svg change "$TMP/c.svg"
    $LEVER chart flows KAZ AFG --years 2020-2021 -o "$TMP/f.svg"
    python3 "$REF" --data "$TMP/small.csv" --a $KAZ --b $AFG --from 2020 --to 2021 svg flows "$TMP/f.svg"
'

expect "suppliers --product 1101: the flour chart names KAZ and UZB with their shares" '
    $LEVER chart suppliers KAZ AFG --product 1101 -o "$TMP/s.svg"
    python3 "$REF" --data "$TMP/small.csv" --a $KAZ --b $AFG svg suppliers "$TMP/s.svg"
    grep -q "data-hs6=\"110100\"" "$TMP/s.svg"
    grep -q "data-supplier=\"KAZ\"" "$TMP/s.svg"
    grep -q "data-supplier=\"UZB\"" "$TMP/s.svg"
'

expect "the same store gives the same bytes; without -o the SVG goes to stdout" '
    $LEVER chart leverage KAZ AFG -o "$TMP/l1.svg"
    $LEVER chart leverage KAZ AFG >"$TMP/l2.svg"
    cmp "$TMP/l1.svg" "$TMP/l2.svg"
'

expect "--width 400 draws a narrower chart, still well-formed" '
    $LEVER chart products KAZ AFG --width 400 -o "$TMP/w.svg"
    grep -q "width=\"400\"" "$TMP/w.svg"
    python3 "$REF" --data "$TMP/small.csv" --a $KAZ --b $AFG svg products "$TMP/w.svg"
'

expect "29 years: flows draws them all, leverage the last 8, suppliers the last 12" '
    synth_store long 60000 3 1995-2023
    for kind in flows leverage suppliers; do
        $LEVER chart $kind KAZ AFG --store "$TMP/long.store" -o "$TMP/long-$kind.svg"
        python3 "$REF" --data "$TMP/long.csv" --a $KAZ --b $AFG svg $kind "$TMP/long-$kind.svg"
    done
    grep -q "the last 8 years" "$TMP/long-leverage.svg"
'

cat >"$TMP/events.csv" <<CSV
date,countries,label,source
2019-03,KAZ;AFG,forum <b>opens</b> & more,made up for this test
2020-05,KAZ,export cap,made up
2020-09,AFG,duty cut,made up
2021-06,UZB,not about KAZ or AFG,made up
CSV
expect "flows --events: a dotted line per year with events of A or B, each event listed" '
    $LEVER chart flows KAZ AFG --events "$TMP/events.csv" -o "$TMP/ev.svg"
    python3 "$REF" --data "$TMP/small.csv" --a $KAZ --b $AFG svg flows "$TMP/ev.svg"
    test "$(grep -c "class=\"event\"" "$TMP/ev.svg")" -eq 2
    test "$(grep -c "class=\"event-item\"" "$TMP/ev.svg")" -eq 3
    grep -q "forum &lt;b&gt;opens&lt;/b&gt; &amp; more" "$TMP/ev.svg"
    usage_errors chart "leverage KAZ AFG --events $TMP/events.csv"
'

if command -v rsvg-convert >/dev/null; then
    expect "-o FILE.png: a PNG through rsvg-convert, twice the SVG's pixels" '
        $LEVER chart flows KAZ AFG -o "$TMP/f.png"
        head -c 8 "$TMP/f.png" | od -An -tx1 | grep -q "89 50 4e 47 0d 0a 1a 0a"
        test ! -e "$TMP/f.png.tmp" && test ! -e "$TMP/f.png.svg.tmp"
        width=$(od -An -tu1 -j16 -N4 "$TMP/f.png" | awk "{ print \$1 * 16777216 + \$2 * 65536 + \$3 * 256 + \$4 }")
        test "$width" -eq 1280
    '
else
    skip "-o FILE.png through rsvg-convert" "rsvg-convert is not installed (apt-get install librsvg2-bin)"
fi

expect "errors: unknown kind and wrong arguments are usage errors (exit 2)" '
    usage_errors chart "pie KAZ AFG" "flows KAZ" "flows KAZ KAZ" "flows KAZ AFG --width 10"
'

expect "errors: an unknown country, a missing folder: exit 1, a clear message, no file" '
    exits 1 $LEVER chart flows KAZ NOWHERE -o "$TMP/x.svg"
    grep -q "NOWHERE" "$TMP/err"
    test ! -e "$TMP/x.svg"
    exits 1 $LEVER chart flows KAZ AFG -o "$TMP/no/such/folder/x.svg"
    grep -q "cannot create" "$TMP/err"
    exits 1 $LEVER chart suppliers AFG KAZ --product 1101 -o "$TMP/x.svg"
    grep -q "name one with --product" "$TMP/err"
    test ! -e "$TMP/x.svg"
'

expect "every chart says where its figures come from: synthetic here, BACI or the declarations of a Comtrade store" '
    for kind in flows products suppliers leverage change; do
        grep -q "<text class=\"source\" [^>]*>source: SYNTHETIC DATA made by lever synth, not real trade</text>" "$TMP/$kind.svg"
        grep -q "data-source=\"synthetic\"" "$TMP/$kind.svg"
    done
    "$LEVER" import -q "$ROOT/tests/data/stores/handmade_hs92_v202301_kaz_afg_2015_2021.csv" -o "$TMP/baci.store"
    "$LEVER" import -q "$ROOT/tests/data/comtrade_plus/kaz_afg_annual.csv" -o "$TMP/ct.store" 2>/dev/null
    LEVER_STORE="$TMP/baci.store" "$LEVER" chart flows KAZ AFG -o "$TMP/b.svg"
    grep -q ">source: BACI, HS92</text>" "$TMP/b.svg"
    LEVER_STORE="$TMP/ct.store" "$LEVER" chart flows KAZ AFG -o "$TMP/ct.svg" 2>/dev/null
    grep -q ">source: reported, HS22</text>" "$TMP/ct.svg"
    LEVER_STORE="$TMP/ct.store" "$LEVER" chart leverage KAZ AFG -o "$TMP/ctl.svg" 2>/dev/null || true
    grep -q ">source: importer, else exporter, HS22</text>" "$TMP/ctl.svg"
'

finish
