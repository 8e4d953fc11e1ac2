#!/usr/bin/env bash
# t0500-output-paths: `-o` names a regular file or a new name; a FIFO, a device node, a
# directory, or a link to one of them is refused before anything is read or written; a
# symbolic link to a regular file has that file replaced and stays a link.
. "$(dirname "$0")/lib.sh"
cd "$TMP"
"$LEVER" synth --rows 2000 --seed 1 -o s.csv 2>/dev/null

expect "import -o FIFO is refused and the FIFO stays" '
    mkfifo fifo
    exits 1 "$LEVER" import s.csv -o fifo
    grep -q "FIFO" "$TMP/err"
    [ -p fifo ]
    ! ls fifo.tmp.* 2>/dev/null'

if mknod nulldev c 1 3 2>/dev/null; then
    expect "import -o a device node (a null device made here) is refused and the node stays" '
        exits 1 "$LEVER" import s.csv -o nulldev
        grep -q "is a device" "$TMP/err"
        [ -c nulldev ]'
else
    skip "import -o a device node is refused" "mknod is not permitted here"
fi

expect "import -o a directory is refused and says so" '
    mkdir -p dir
    exits 1 "$LEVER" import s.csv -o dir
    grep -q "is a directory" "$TMP/err"
    [ -d dir ] && [ -z "$(ls dir)" ]'

expect "a symbolic link to a regular file: the file is replaced, the link stays" '
    printf old > target.store
    ln -sf target.store link.store
    "$LEVER" import -q s.csv -o link.store
    [ -L link.store ] && [ "$(readlink link.store)" = target.store ]
    "$LEVER" info --check --store target.store >/dev/null
    ! ls target.store.tmp.* link.store.tmp.* 2>/dev/null'

expect "a symbolic link to a FIFO, or to nothing, is refused" '
    ln -sf fifo link-fifo
    exits 1 "$LEVER" import s.csv -o link-fifo
    grep -q "symbolic link to a FIFO" "$TMP/err"
    ln -sf missing/none link-none
    exits 1 "$LEVER" import s.csv -o link-none
    grep -q "symbolic link" "$TMP/err"
    [ -L link-none ] && [ -p fifo ]'

expect "synth -o refuses a FIFO and a directory too" '
    exits 1 "$LEVER" synth --rows 10 -o fifo
    grep -q FIFO "$TMP/err"
    exits 1 "$LEVER" synth --rows 10 -o dir
    grep -q "is a directory" "$TMP/err"'

expect "a new name and an existing regular file are written" '
    "$LEVER" import -q s.csv -o new.store
    cp new.store again.store
    "$LEVER" import -q s.csv -o again.store
    cmp new.store again.store'

finish
