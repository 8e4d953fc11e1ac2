# lib.sh - sourced by every tests/cli/tNNNN-*.sh (git's t/ style): each test is a
# sentence and a shell snippet. Provides:
#   $LEVER   the lever binary under test (set by tests/run.sh)
#   $SHARED  the real-data folder (../shared/data beside the repository), may not exist
#   $TMP     a scratch folder removed at exit
#   expect "sentence" 'commands'   passes when the commands exit 0 (run with set -e)
#   skip "sentence" "why"          counts a skip and says why, visibly
#   need_shared "sentence"         returns 1 (and skips) when $SHARED is absent
#   finish                         prints the script's counts; call last
set -u
: "${LEVER:?LEVER must name the lever binary; run tests through tests/run.sh}"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SHARED=${LEVER_SHARED_DATA:-$ROOT/../shared/data}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export LC_ALL=C
n_pass=0
n_fail=0
n_skip=0
script=$(basename "$0" .sh)

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

finish() {
    echo "RESULT $n_pass $n_fail $n_skip"
}
