#!/bin/sh
# t0900-docs.sh - docs that run: every ```console example of README.md and
# docs/commands/*.md is executed and its output compared with what the page shows
# (tests/golden/docs.py; rules in tests/README.md; scripts/golden.sh --update rewrites
# the pages' outputs). Examples on the real Algeria data skip visibly when it is absent.
. "$(dirname "$0")/lib.sh"
python3 "$ROOT/tests/golden/docs.py" --lever "$LEVER"
