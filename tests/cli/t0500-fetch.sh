#!/bin/sh
# t0500-fetch.sh - lever fetch against a local HTTP server (tests/fetch_server.py, bound to
# 127.0.0.1 on a free port, stopped at exit): a BACI zip made here and the Comtrade Plus API
# answering with synthetic records computed from each question, or with a recorded real
# answer from ../shared/data. Every failure the server can stage (429, 401, 403 quota, 404,
# 503, a cut connection, a cut JSON body, a changed layout, an HTML page, a server that
# ignores Range) ends in a message that says what to do, exit 1, and no file in the output
# folder; files fetched are byte-identical to what the server sent, checked by cmp, and
# record counts are counted by Python, never taken from lever.
. "$(dirname "$0")/lib.sh"

unset COMTRADE_KEY LEVER_BACI_URL LEVER_COMTRADE_URL
export XDG_CACHE_HOME="$TMP/xdg"
mkdir -p "$TMP/www"
python3 "$ROOT/tests/fetch_server.py" "$TMP/www" "$TMP/port" "$TMP/log" &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$TMP"' EXIT
n=0
while [ ! -s "$TMP/port" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
URL=http://127.0.0.1:$(cat "$TMP/port")

# A small BACI release zip: one year of the synthetic world, as CEPII names its members.
(cd "$TMP/www" && "$LEVER" synth --rows 20000 --years 2021 -o BACI_HS17_Y2021_V202501.csv &&
    zip -q BACI_HS17_V202501.zip BACI_HS17_Y2021_V202501.csv)
# The same zip with one byte of compressed data flipped: its CRC-32 cannot match.
python3 - "$TMP/www/BACI_HS17_V202501.zip" "$TMP/www/BACI_HS17_V202402.zip" <<'EOF'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
data[len(data) // 2] ^= 0xFF
open(sys.argv[2], "wb").write(data)
EOF

# requests NEEDLE: how many requests of the log hold NEEDLE.
requests() {
    grep -c -- "$1" "$TMP/log" || true
}

# records FILE...: records in the API answers, counted by Python (and count == len(data)).
records() {
    python3 - "$@" <<'EOF'
import json, sys
total = 0
for name in sys.argv[1:]:
    answer = json.load(open(name))
    assert answer["count"] == len(answer["data"]), name
    total += len(answer["data"])
print(total)
EOF
}

expect "lever fetch baci places the release zip, byte for byte, and prints its path" '
    $LEVER fetch baci HS17 --release V202501 --url "$URL" -o "$TMP/b1" >"$TMP/out" 2>"$TMP/err"
    test "$(cat "$TMP/out")" = "$TMP/b1/BACI_HS17_V202501.zip"
    cmp "$TMP/www/BACI_HS17_V202501.zip" "$TMP/b1/BACI_HS17_V202501.zip"
    grep -q "^fetched 1 file into $TMP/b1 (0 from the cache)$" "$TMP/err"
    ls "$TMP/xdg/lever" | grep -q "BACI_HS17_V202501.zip.xxh64$"
    test -z "$(ls "$TMP/b1" | grep -v "^BACI_HS17_V202501.zip$")"
'

expect "the fetched zip imports as it is, with every row of its CSV" '
    $LEVER import -q "$TMP/b1/BACI_HS17_V202501.zip" -o "$TMP/b1.store"
    rows=$(grep -vc "^#\|^t,i,j" "$TMP/www/BACI_HS17_Y2021_V202501.csv")
    lever_doc info --store "$TMP/b1.store" | awk -F, -v rows="$rows" "
        /^# table: store/ { getline; for (n = 1; n <= NF; n++) col[\$n] = n; getline
                            ok = \$col[\"rows\"] == rows && \$col[\"release\"] == \"V202501\" }
        END { exit !ok }"
'

expect "a second fetch is served from the cache: no request, the same bytes" '
    before=$(requests BACI_HS17_V202501)
    $LEVER fetch baci HS17 --release V202501 --url "$URL" -o "$TMP/b2" >/dev/null 2>"$TMP/err"
    test "$(requests BACI_HS17_V202501)" -eq "$before"
    grep -q "(1 from the cache)" "$TMP/err"
    cmp "$TMP/www/BACI_HS17_V202501.zip" "$TMP/b2/BACI_HS17_V202501.zip"
'

expect "a damaged cache entry (checksum mismatch) is dropped and fetched again" '
    entry=$(ls "$TMP"/xdg/lever/*-BACI_HS17_V202501.zip)
    rm "$TMP/b1/BACI_HS17_V202501.zip" "$TMP/b2/BACI_HS17_V202501.zip"  # links to the entry
    printf X | dd of="$entry" bs=1 seek=1000 conv=notrunc 2>/dev/null
    before=$(requests BACI_HS17_V202501)
    $LEVER fetch baci HS17 --release V202501 --url "$URL" -o "$TMP/b3" >/dev/null 2>"$TMP/err"
    grep -q "does not match its checksum" "$TMP/err"
    test "$(requests BACI_HS17_V202501)" -eq $((before + 1))
    cmp "$TMP/www/BACI_HS17_V202501.zip" "$TMP/b3/BACI_HS17_V202501.zip"
'

expect "--cache DIR holds the cache instead of XDG_CACHE_HOME" '
    $LEVER fetch baci HS17 --release V202501 --url "$URL" --cache "$TMP/c" -o "$TMP/b4" -q >/dev/null
    ls "$TMP/c" | grep -q "BACI_HS17_V202501.zip$"
    cmp "$TMP/www/BACI_HS17_V202501.zip" "$TMP/b4/BACI_HS17_V202501.zip"
'

expect "a connection cut mid-file is resumed with an HTTP Range request, in the same run" '
    $LEVER fetch baci HS17 --release V202501 --url "$URL/s/cutonce" --cache "$TMP/c1" -o "$TMP/b5" \
        >/dev/null 2>"$TMP/err"
    grep -q "the connection was cut after .* resuming (attempt 2 of 6)" "$TMP/err"
    grep "scenario=cutonce$" "$TMP/log" | tail -n 1 | grep -q "range=bytes=[1-9][0-9]*-"
    cmp "$TMP/www/BACI_HS17_V202501.zip" "$TMP/b5/BACI_HS17_V202501.zip"
'

expect "with --retries 0 the cut download fails, keeps its .part, and the next run resumes it" '
    rc=0; $LEVER fetch baci HS17 --release V202501 --url "$URL/s/cutonce-2" --retries 0 \
        --cache "$TMP/c2" -o "$TMP/b6" >/dev/null 2>"$TMP/err" || rc=$?
    test $rc -eq 1
    grep -q "^lever: cannot fetch BACI_HS17_V202501.zip: the connection was cut after .* run the same command again to resume$" "$TMP/err"
    test ! -e "$TMP/b6/BACI_HS17_V202501.zip"
    ls "$TMP/c2" | grep -q "BACI_HS17_V202501.zip.part$"
    $LEVER fetch baci HS17 --release V202501 --url "$URL/s/cutonce-2" --retries 0 \
        --cache "$TMP/c2" -o "$TMP/b6" >/dev/null
    grep "scenario=cutonce-2$" "$TMP/log" | tail -n 1 | grep -q "range=bytes=[1-9][0-9]*-"
    cmp "$TMP/www/BACI_HS17_V202501.zip" "$TMP/b6/BACI_HS17_V202501.zip"
    test -z "$(ls "$TMP/c2" | grep "\.part$")"
'

expect "a server that cannot resume makes the download start over" '
    $LEVER fetch baci HS17 --release V202501 --url "$URL/s/cutnorange" --cache "$TMP/c3" -o "$TMP/b7" \
        >/dev/null 2>"$TMP/err"
    grep -q "the server cannot resume this download; starting over" "$TMP/err"
    cmp "$TMP/www/BACI_HS17_V202501.zip" "$TMP/b7/BACI_HS17_V202501.zip"
'

expect "a zip whose CRC-32 does not match is refused, and nothing is kept" '
    rc=0; $LEVER fetch baci HS17 --release V202402 --url "$URL" -o "$TMP/b8" 2>"$TMP/err" || rc=$?
    test $rc -eq 1
    grep -q "^lever: the download is not a whole BACI release: .*damaged.* run the same command again" "$TMP/err"
    test -z "$(ls "$TMP/b8")"
    test -z "$(ls "$TMP/xdg/lever" | grep V202402)"
'

expect "a missing release is HTTP 404 with the address and what to check" '
    rc=0; $LEVER fetch baci HS12 --release V202501 --url "$URL" -o "$TMP/b9" 2>"$TMP/err" || rc=$?
    test $rc -eq 1
    grep -q "^lever: cannot fetch BACI_HS12_V202501.zip: HTTP 404: there is no such release at $URL/BACI_HS12_V202501.zip; check --release" "$TMP/err"
    test -z "$(ls "$TMP/b9")"
'

expect "LEVER_BACI_URL names the server when --url does not" '
    LEVER_BACI_URL="$URL/" $LEVER fetch baci hs17 --release V202501 -o "$TMP/b10" --cache "$TMP/c10" -q >/dev/null
    cmp "$TMP/www/BACI_HS17_V202501.zip" "$TMP/b10/BACI_HS17_V202501.zip"
'

expect "a connection refused says so (exit 1), without retrying" '
    rc=0; $LEVER fetch baci HS17 --url http://127.0.0.1:1 -o "$TMP/b11" 2>"$TMP/err" || rc=$?
    test $rc -eq 1
    grep -q "^lever: cannot fetch BACI_HS17_V[0-9]*.zip: cannot connect to the server (.*); check the network connection" "$TMP/err"
'

expect "on a terminal a progress bar shows bytes, rate and the name" '
    script -qec "$LEVER fetch baci HS17 --release V202501 --url $URL/s/norange-2 --cache $TMP/c12 -o $TMP/b12" /dev/null >"$TMP/tty"
    grep -q "\[####################\] 100% .* of .*B/s  BACI_HS17_V202501.zip" "$TMP/tty"
'

# ---- Comtrade Plus ----

expect "lever fetch comtrade asks one call per reporter and year, and writes each answer" '
    $LEVER fetch comtrade --reporters KAZ,AFG --partners all --years 2019-2021 --url "$URL" \
        -o "$TMP/k1" >"$TMP/out" 2>"$TMP/err"
    test "$(wc -l <"$TMP/out")" -eq 6
    test "$(ls "$TMP/k1" | wc -l)" -eq 6
    for r in 398 4; do for y in 2019 2020 2021; do
        test "$(requests "/public/v1/preview/C/A/HS?reporterCode=$r&period=$y&partner2Code=0&cmdCode=AG6&flowCode=M,X&customsCode=C00&motCode=0&maxRecords=500&")" -eq 1
    done; done
    n=$(records $(cat "$TMP/out"))
    grep -q "^fetched 6 files into $TMP/k1 (0 from the cache, $n records)$" "$TMP/err"
'

expect "without COMTRADE_KEY the preview API and its 500-record limit are stated" '
    grep -q "^lever: no COMTRADE_KEY: asking the keyless preview API, which returns at most 500 records a call" "$TMP/err"
'

expect "the answers are the bytes the server sent, and a second fetch comes from the cache" '
    before=$(wc -l <"$TMP/log")
    $LEVER fetch comtrade --reporters KAZ,AFG --years 2019-2021 --url "$URL" -o "$TMP/k2" >"$TMP/out2" 2>"$TMP/err"
    test "$(wc -l <"$TMP/log")" -eq "$before"
    grep -q "(6 from the cache" "$TMP/err"
    f=$(head -n 1 "$TMP/out2")
    python3 -c "import sys, urllib.request; sys.stdout.buffer.write(urllib.request.urlopen(sys.argv[1]).read())" \
        "$URL/public/v1/preview/C/A/HS?reporterCode=398&period=2019&partner2Code=0&cmdCode=AG6&flowCode=M,X&customsCode=C00&motCode=0&maxRecords=500&format=JSON&breakdownMode=classic&includeDesc=true" |
        cmp - "$f"
'

expect "with COMTRADE_KEY: the data API, the key in its header and never in a URL or file" '
    COMTRADE_KEY=s3cr3tkey $LEVER fetch comtrade --reporters KAZ --years 2020 --hs 100199,110100 \
        --flows X --url "$URL" -o "$TMP/k3" >"$TMP/out" 2>"$TMP/err"
    grep -q "^GET /data/v1/get/C/A/HS?reporterCode=398&period=2020&partner2Code=0&cmdCode=100199,110100&flowCode=X&.*maxRecords=100000&.* key=s3cr3tkey " "$TMP/log"
    ! grep "s3cr3tkey" "$TMP/log" | grep -q "?.*s3cr3tkey.* range"
    ! grep -rq s3cr3tkey "$TMP/k3" "$TMP/xdg"
    ! grep -q "preview API" "$TMP/err"
    test "$(records $(cat "$TMP/out"))" -eq 12
'

expect "--monthly asks the twelve months of each year in one call" '
    $LEVER fetch comtrade --reporters AFG --years 2023 --monthly --hs 110100 --url "$URL" -o "$TMP/k4" >"$TMP/out" 2>/dev/null
    grep -q "^GET /public/v1/preview/C/M/HS?reporterCode=4&period=202301,202302,202303,202304,202305,202306,202307,202308,202309,202310,202311,202312&" "$TMP/log"
    basename "$(cat "$TMP/out")" | grep -q "^comtrade_M_4_202301-202312_MX_[0-9a-f]*.json$"
'

expect "an answer that reaches the record limit is split by flow, then by partners" '
    $LEVER fetch comtrade --reporters KAZ --partners AFG,UZB,CHN,RUS,TJK --years 2019 --max-records 10 \
        --url "$URL" -o "$TMP/k5" >"$TMP/out" 2>"$TMP/err"
    grep -q "partnerCode=4,860,156,643,762&.*flowCode=M,X&" "$TMP/log"
    grep -q "partnerCode=4,860&.*flowCode=M&" "$TMP/log"
    grep -q "partnerCode=4&.*flowCode=X&" "$TMP/log"
    # The answers kept are all under the limit and hold the same records as one big call.
    $LEVER fetch comtrade --reporters KAZ --partners AFG,UZB,CHN,RUS,TJK --years 2019 \
        --url "$URL" -o "$TMP/k6" >"$TMP/out6" 2>/dev/null
    python3 - $(cat "$TMP/out") -- $(cat "$TMP/out6") <<EOF
import json, sys
args = sys.argv[1:]
cut = args.index("--")
def rows(files, limit):
    out = []
    for f in files:
        data = json.load(open(f))["data"]
        assert len(data) < limit, f
        out += [json.dumps(r, sort_keys=True) for r in data]
    return sorted(out)
assert rows(args[:cut], 10) == rows(args[cut + 1:], 500)
print(len(rows(args[:cut], 10)), "records in", cut, "answers")
EOF
'

expect "a split call is remembered: the next run asks only the small calls" '
    before=$(wc -l <"$TMP/log")
    rm -rf "$TMP/xdg/lever"/*.json "$TMP/xdg/lever"/*.xxh64
    $LEVER fetch comtrade --reporters KAZ --partners AFG,UZB,CHN,RUS,TJK --years 2019 --max-records 10 \
        --url "$URL" -o "$TMP/k7" >/dev/null 2>&1
    test "$(($(wc -l <"$TMP/log") - before))" -eq 10
'

expect "an answer over the limit that cannot be split says how to narrow the question" '
    rc=0; $LEVER fetch comtrade --reporters KAZ --years 2019 --max-records 10 --url "$URL" -o "$TMP/k8" 2>"$TMP/err" || rc=$?
    test $rc -eq 1
    grep -q "^lever: the answer to KAZ 2019 flow M holds more records than one call returns (10) and cannot be split further; narrow the question (--hs codes, --partners) or set COMTRADE_KEY" "$TMP/err"
'

expect "HTTP 429 waits what Retry-After asks, then goes on" '
    $LEVER fetch comtrade --reporters KAZ --years 2022 --url "$URL/s/429once" -o "$TMP/k9" >/dev/null 2>"$TMP/err"
    grep -q "^lever: KAZ 2022 flow M,X: rate limited (HTTP 429); waiting 1 s (attempt 2 of 6)$" "$TMP/err"
    test "$(ls "$TMP/k9" | wc -l)" -eq 1
'

expect "a rate limit longer than --max-wait stops with what to do" '
    rc=0; $LEVER fetch comtrade --reporters KAZ --years 2022 --url "$URL/s/429long" -o "$TMP/k10" 2>"$TMP/err" || rc=$?
    test $rc -eq 1
    grep -q "rate limited (HTTP 429): the server asks to wait 3600 s, longer than --max-wait 120 s; run the same command later" "$TMP/err"
    test -z "$(ls "$TMP/k10")"
'

expect "HTTP 503 is retried" '
    $LEVER fetch comtrade --reporters KAZ --years 2022 --url "$URL/s/500once" -o "$TMP/k11" >/dev/null 2>"$TMP/err"
    grep -q "the server failed (HTTP 503); trying again in 1 s" "$TMP/err"
    test "$(ls "$TMP/k11" | wc -l)" -eq 1
'

# fails_with SCENARIO PATTERN [lever options]: the fetch exits 1 with PATTERN on stderr and
# leaves the output folder empty.
fails_with() {
    scenario=$1 pattern=$2
    shift 2
    rm -rf "$TMP/kx"
    rc=0; $LEVER fetch comtrade --reporters KAZ --years 2022 --retries 1 --url "$URL/s/$scenario" \
        -o "$TMP/kx" "$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
    test $rc -eq 1 || { echo "exit $rc for $scenario"; return 1; }
    grep -q "$pattern" "$TMP/err" || { echo "no '$pattern' for $scenario:"; cat "$TMP/err"; return 1; }
    test -z "$(ls "$TMP/kx")" && test ! -s "$TMP/out" || { echo "output left by $scenario"; return 1; }
}

expect "a refused key (401) says to check COMTRADE_KEY" '
    COMTRADE_KEY=bad fails_with 401 "^lever: the Comtrade API refused KAZ 2022 flow M,X (HTTP 401: Access denied due to invalid subscription key.*): check COMTRADE_KEY"
'

expect "a used-up quota (403) says when to come back, and that the cache keeps what came" '
    COMTRADE_KEY=k fails_with quota "HTTP 403: Out of call volume quota. Quota will be replenished in 10:31:04.): the calls allowed to this key are used up; run the same command when the quota is replenished"
'

expect "a connection cut mid-answer is retried, then reported" '
    fails_with cut "^lever: cannot fetch KAZ 2022 flow M,X: the connection was cut after .*, 2 times"
    grep -q "trying again (attempt 2 of 2)" "$TMP/err"
'

expect "a body cut without Content-Length is caught by the JSON check" '
    fails_with cutjson "^lever: the answer to KAZ 2022 flow M,X is incomplete: it ends before its end (cut short); run the same command again$"
'

expect "an answer in another layout, or an HTML page, says the API may have changed" '
    fails_with changed "is not what the Comtrade API returns: it has no \"data\" array of records; the API may have changed"
    fails_with html "is not what the Comtrade API returns: it is an HTML page, not JSON"
    fails_with 404 "HTTP 404"
'

expect "nothing failed is kept in the cache" '
    test -z "$(ls "$TMP/xdg/lever" | grep "\.part$")"
'

expect "fetch, import, query: lever dyad --source reported gives each year as KAZ declared it" '
    $LEVER fetch comtrade --reporters KAZ,AFG --years 2019-2021 --url "$URL" -o "$TMP/e2e" -q >"$TMP/files"
    $LEVER import -q $(cat "$TMP/files") -o "$TMP/e2e.store"
    lever_doc dyad KAZ AFG --source reported --store "$TMP/e2e.store" | table years | cut -d, -f1-3 >"$TMP/got"
    # The reference: both directions as Kazakhstan declared them (its X to AFG, its M from AFG).
    python3 - $(cat "$TMP/files") >"$TMP/want" <<EOF
import collections, json, sys
flows = collections.Counter()
for name in sys.argv[1:]:
    for r in json.load(open(name))["data"]:
        if r["reporterCode"] == 398 and r["partnerCode"] == 4 and r["flowCode"] in ("X", "M"):
            flows[r["refYear"], 398 if r["flowCode"] == "X" else 4] += int(r["primaryValue"])
for y in (2019, 2020, 2021):
    print("%d,%d,%d" % (y, flows[y, 398], flows[y, 4]))
EOF
    cat "$TMP/got"
    cmp "$TMP/want" "$TMP/got"
'

if need_shared "a recorded real answer of the API is written as it came and counted"; then
    expect "a recorded real answer of the API is written as it came and counted" '
        cp "$SHARED/comtrade_plus/HS-60a6ad.json" "$TMP/www/recorded.json"
        COMTRADE_KEY=k $LEVER fetch comtrade --reporters CHN --partners ARG,DEU --years 2010 --hs TOTAL \
            --flows M,X --url "$URL/s/recorded" -o "$TMP/r1" >"$TMP/out" 2>"$TMP/err"
        grep -q "^GET /data/v1/get/C/A/HS?reporterCode=156&period=2010&partnerCode=32,276&partner2Code=0&cmdCode=TOTAL&flowCode=M,X&" "$TMP/log"
        cmp "$SHARED/comtrade_plus/HS-60a6ad.json" "$(cat "$TMP/out")"
        n=$(records "$SHARED/comtrade_plus/HS-60a6ad.json")
        grep -q "($n records)\|, $n records)" "$TMP/err"
    '
fi

usage_line="^usage: lever fetch baci HSxx"
expect "bad commands exit 2 with the usage and what is wrong" '
    for args in "" "nosuch" "baci" "baci HS93" "baci HS17 --release 2025" "baci HS17 extra" \
                "comtrade" "comtrade --reporters KAZ" "comtrade --years 2019" \
                "comtrade --reporters XXX --years 2019" "comtrade --reporters KAZ --years 2021-2019" \
                "comtrade --reporters KAZ --years 2019- " "comtrade --reporters KAZ --years 2019 --flows M,,X" \
                "comtrade --reporters KAZ --years 2019 --hs 10%01" "baci HS17 --retries x" "baci HS17 --bogus"; do
        rc=0; $LEVER fetch $args --url http://127.0.0.1:1 >/dev/null 2>"$TMP/err" || rc=$?
        test $rc -eq 2 || { echo "exit $rc for: $args"; cat "$TMP/err"; exit 1; }
        grep -q "^lever: " "$TMP/err" || { echo "no message for: $args"; exit 1; }
        grep -q "$usage_line" "$TMP/err" || { echo "no usage for: $args"; exit 1; }
    done
    $LEVER fetch comtrade --reporters XXX --years 2019 2>&1 | grep -q "unknown country .XXX.: give its ISO3 code (KAZ) or its Comtrade code (398)"
    $LEVER fetch baci HS93 2>&1 | grep -q "unknown HS edition .HS93.: BACI comes in HS92, HS96"
    $LEVER fetch --help | grep -q "^examples:"
'

finish
