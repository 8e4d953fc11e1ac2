# lib.sh - sourced by every tests/cli/tNNNN-*.sh (git's t/ style): each test is a
# sentence and a shell snippet. Provides:
#   $LEVER   the lever binary under test (set by tests/run.sh)
#   $SHARED  the real-data folder (../shared/data beside the repository), may not exist
#   $IMPORTS, $EXPORTS, $COUNTRIES, $PRODUCTS   the real files under $SHARED the tests use:
#            Algeria's 2021 imports and exports (BACI HS92 V202301) and BACI's dictionaries
#   $TMP     a scratch folder removed at exit
#   $USD     an awk function usd(v): a BACI value (thousands of USD, 3 decimals) as exact USD
#   expect "sentence" 'commands'   passes when the commands exit 0 (run with set -e)
#   skip "sentence" "why"          counts a skip and says why, visibly
#   need_shared "sentence"         returns 1 (and skips) when $SHARED is absent
#   synth_store NAME ROWS SEED [YEARS]   makes $TMP/NAME.csv (lever synth) and imports it
#                                  into $TMP/NAME.store, once
#   algeria_store                  imports $IMPORTS, $EXPORTS and the dictionaries into
#                                  $TMP/dza.store, once (call after need_shared)
#   uncovered COMMAND...           succeeds when the command exits 3: it printed its answer
#                                  but said that the store lacks some flows it needs (a
#                                  query on an extract, such as the Algeria rows)
#   fails COMMAND...               succeeds when the command fails
#   exits CODE COMMAND...          succeeds when the command exits with CODE; its stderr
#                                  is left in $TMP/err
#   usage_errors COMMAND ARGS...   each ARGS (a string of words) makes lever COMMAND exit 2
#                                  with its usage line on stderr
#   lever_doc ARGS...              lever ARGS as one document of every table (meta, tables)
#   table NAME < lever-csv         the rows of one table of a lever CSV document
#   field TABLE COLUMN < lever-csv the values of one column of one table
#   finish                         prints the script's counts and fails when a test
#                                  failed (meson test reads the status); call last
set -u
: "${LEVER:?LEVER must name the lever binary; run tests through tests/run.sh}"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SHARED=${LEVER_SHARED_DATA:-$ROOT/../shared/data}
IMPORTS=$SHARED/baci_hs92_v202301_2021_imports_DZA.csv
EXPORTS=$SHARED/baci_hs92_v202301_2021_exports_DZA.csv
COUNTRIES=$SHARED/dict/country_codes_V202301.csv
PRODUCTS=$SHARED/dict/product_codes_HS92_V202301.csv
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export LC_ALL=C
n_pass=0
n_fail=0
n_skip=0
script=$(basename "$0" .sh)

# The value is turned into an integer by string surgery, never by floating point.
USD='function usd(v,  n) {
    n = index(v, ".")
    if (n == 0) return (v "000") + 0
    return (substr(v, 1, n - 1) substr(substr(v, n + 1) "000", 1, 3)) + 0
}'

expect() {
    # set -e only works outside a tested context, so run first and test the status after
    (set -e; eval "$2") >"$TMP/.out" 2>&1
    if [ $? -eq 0 ]; then
        n_pass=$((n_pass + 1))
        echo "ok: $script: $1"
    else
        n_fail=$((n_fail + 1))
        echo "FAIL: $script: $1"
        sed 's/^/    | /' "$TMP/.out" | tail -n 40
    fi
}

skip() {
    n_skip=$((n_skip + 1))
    echo "skip: $script: $1 ($2)"
}

need_shared() {
    if [ -d "$SHARED" ]; then return 0; fi
    skip "$1" "real data folder ../shared/data is absent"
    return 1
}

synth_store() {
    if [ -s "$TMP/$1.store" ]; then return 0; fi
    "$LEVER" synth --rows "$2" --seed "$3" ${4:+--years "$4"} -o "$TMP/$1.csv" &&
        "$LEVER" import "$TMP/$1.csv" -o "$TMP/$1.store"
}

algeria_store() {
    if [ -s "$TMP/dza.store" ]; then return 0; fi
    "$LEVER" import "$IMPORTS" "$EXPORTS" "$COUNTRIES" "$PRODUCTS" -o "$TMP/dza.store"
}

# A bare "!" would not stop set -e.
uncovered() {
    local rc=0
    "$@" || rc=$?
    if [ $rc -ne 3 ]; then
        echo "expected exit 3 (the store lacks flows the answer needs), got $rc: $*" >&2
        return 1
    fi
}

fails() {
    if "$@"; then return 1; fi
}

exits() {
    want=$1
    shift
    rc=0
    "$@" >/dev/null 2>"$TMP/err" || rc=$?
    if [ "$rc" -ne "$want" ]; then
        echo "exit $rc, expected $want: $*"
        return 1
    fi
}

# COMMAND may carry options for every case ("change --store FILE"); words split on spaces.
usage_errors() {
    command=$1
    shift
    for args in "$@"; do
        exits 2 "$LEVER" $command $args || return 1
        grep -q "^usage: lever ${command%% *}" "$TMP/err" ||
            { echo "no usage for: $command $args"; return 1; }
    done
}

# lever_doc ARGS...: `lever ARGS --format json` as one document holding every table of the
# answer (meta lines, "# table: NAME" sections: tests/ref/lever_doc.py); lever's status.
lever_doc() {
    _doc=$(mktemp "$TMP/doc.XXXXXX")
    _rc=0
    $LEVER "$@" --format json >"$_doc" || _rc=$?
    python3 "$ROOT/tests/ref/lever_doc.py" <"$_doc" || _rc=1
    rm -f "$_doc"
    return $_rc
}

table() {
    awk -v name="$1" '/^# table: /{ t = $3; h = 1; next } /^#/ || /^$/ { next }
                      t == name { if (h) { h = 0; next } print }'
}

# Splits on commas: for the columns before the last, free-text one.
field() {
    awk -F, -v name="$1" -v col="$2" '/^# table: /{ t = substr($0, 10); h = 1; next }
        /^#/ || /^$/ { next }
        t == name && h { h = 0; for (f = 1; f <= NF; f++) if ($f == col) c = f; next }
        t == name { print $c }'
}

finish() {
    echo "RESULT $n_pass $n_fail $n_skip"
    [ "$n_fail" -eq 0 ]
}
