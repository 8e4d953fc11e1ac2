#!/bin/sh
# t0620-browser.sh - the report in a real browser: headless Chromium (Debian's chromium,
# driven by playwright-core from tests/browser) opens the demo report and checks that it
# logs no error, makes no request, shows every chart with its marks and labels, and
# shows the figures of lever dyad, leverage, depend and change --format json
# (tests/browser/report.mjs says what exactly). Screenshots (desktop 1280 px, phone 390 px,
# print) and an A4 PDF are kept in BUILD/artifacts/browser. Skips, visibly, when chromium
# or the npm packages (scripts/install-deps.sh installs both) are missing.
# LEVER_README_SHOT=docs/img/report.png also writes the README's screenshot.
. "$(dirname "$0")/lib.sh"

BROWSER="$ROOT/tests/browser"
ART=$(cd "$(dirname "$LEVER")" && pwd)/artifacts/browser
chromium=${CHROMIUM:-/usr/bin/chromium}

if [ ! -x "$chromium" ]; then
    skip "the report in headless Chromium" "$chromium is not installed (apt-get install chromium)"
elif ! command -v node >/dev/null; then
    skip "the report in headless Chromium" "node is not installed (apt-get install nodejs npm)"
elif [ ! -d "$BROWSER/node_modules/playwright-core" ]; then
    skip "the report in headless Chromium" "playwright-core is not installed (npm ci --prefix tests/browser)"
else
    expect "the demo store (lever synth --rows 300000 --seed 1) imports" 'synth_store demo 300000 1'
    export LEVER_STORE="$TMP/demo.store"
    expect "the demo report in Chromium: no error, no request, charts, figures equal the JSON" '
        $LEVER report KAZ AFG -o "$TMP/kaz-afg.html"
        $LEVER dyad KAZ AFG --top 10 --format json >"$TMP/dyad.json"
        $LEVER leverage KAZ --over AFG --top 5 --format json >"$TMP/leverage.json"
        $LEVER depend AFG --on KAZ --top 10 --format json >"$TMP/depend-b.json"
        $LEVER depend KAZ --on AFG --top 10 --format json >"$TMP/depend-a.json"
        $LEVER change KAZ AFG --top 10 --format json >"$TMP/change-ab.json"
        $LEVER change AFG KAZ --top 10 --format json >"$TMP/change-ba.json"
        mkdir -p "$ART"
        cp "$TMP/kaz-afg.html" "$ART/"
        node "$BROWSER/report.mjs" --html "$TMP/kaz-afg.html" --out "$ART" \
            --dyad "$TMP/dyad.json" --leverage "$TMP/leverage.json" \
            --depend-b "$TMP/depend-b.json" --depend-a "$TMP/depend-a.json" \
            --change-ab "$TMP/change-ab.json" --change-ba "$TMP/change-ba.json" \
            ${LEVER_README_SHOT:+--readme-shot "$LEVER_README_SHOT"}
    '
    cat "$TMP/.out" | grep -E "^(ok|FAIL): browser|^artifacts"
fi

finish
