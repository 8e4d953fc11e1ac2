#!/usr/bin/env bash
# t0520-hostile-input: inputs made to hurt end in seconds with a clear error under a fixed
# memory ceiling: a zip whose member claims 20 GiB (and inflates to it), a header of 10^6
# columns, a 200 MB line (from a file and from a pipe), binary garbage and /dev/zero on
# standard input. Each prints its time and peak memory (GNU time) for the record.
. "$(dirname "$0")/lib.sh"
cd "$TMP"
# The ceiling: virtual memory, so a claimed size cannot even be reserved. The sanitizers
# reserve terabytes of shadow memory, so under them the ceiling is the resident size
# measured instead.
CEILING_MB=1024
if ldd "$LEVER" | grep -q 'libasan'; then sanitized=1; else sanitized=; fi

# hostile NAME "EXPECTED STDERR REGEX" COMMAND: runs the shell command under the ceiling,
# wants exit 1 with the message within 30 s, and reports lever's time and peak RSS
# (COMMAND runs lever as $TIMED, which measures it alone, not what feeds it).
TIMED="/usr/bin/time -f '%e %M' -o $TMP/time $LEVER"
hostile() {
    name=$1 want=$2 cmd=$3
    expect "$name: clear error in seconds under ${CEILING_MB} MB" '
        rc=0
        ( [ -n "$sanitized" ] || ulimit -v $((CEILING_MB * 1024))
          exec timeout 60 bash -c "set -o pipefail; $cmd" ) 2>"$TMP/err" >/dev/null || rc=$?
        [ "$rc" -eq 1 ] || { echo "exit $rc"; cat "$TMP/err"; exit 1; }
        grep -E -q -e "$want" "$TMP/err" || { echo "message:"; cat "$TMP/err"; exit 1; }
        read -r secs kb < <(tail -n 1 "$TMP/time")
        [ $((kb / 1024)) -lt "$CEILING_MB" ] || { echo "peak $((kb / 1024)) MB"; exit 1; }
        [ "${secs%.*}" -lt 30 ] || { echo "$secs s"; exit 1; }
        echo "hostile: $name: $secs s, peak RSS $((kb / 1024)) MB: $(grep "^lever:" "$TMP/err" | head -n 1 | cut -c1-150)" >&3' 3>&1
}

# zip64 archives of one deflated member whose header claims what the test says: a bomb
# (a BACI header, then 1 MiB deflate blocks of zeros repeated: 20 MB on disk inflating
# to 20 GiB, as claimed), a liar (a valid file of 4 MB claiming 20 GiB), and a valid
# member compressed 30 times (space-padded fields), which is also inflated in pieces.
python3 - <<'PY'
import struct, zlib

def make_zip(path, name, pieces, size, crc):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    with open(path, "wb") as f:
        extra = struct.pack("<HHQQ", 1, 16, size, 0)
        f.write(struct.pack("<IHHHHHIIIHH", 0x04034b50, 45, 0, 8, 0, 0, crc, 0xFFFFFFFF,
                            0xFFFFFFFF, len(name), len(extra)) + name + extra)
        start = f.tell()
        for piece, times in pieces:
            block = c.compress(piece) + c.flush(zlib.Z_FULL_FLUSH)
            for _ in range(times):
                f.write(block)
        f.write(c.flush(zlib.Z_FINISH))
        cd = f.tell()
        comp = cd - start
        cextra = struct.pack("<HHQQQ", 1, 24, size, comp, 0)
        f.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014b50, 45, 45, 0, 8, 0, 0, crc,
                            0xFFFFFFFF, 0xFFFFFFFF, len(name), len(cextra), 0, 0, 0, 0, 0)
                + name + cextra)
        end = f.tell()
        f.write(struct.pack("<IQHHIIQQQQ", 0x06064b50, 44, 45, 45, 0, 0, 1, 1, end - cd, cd))
        f.write(struct.pack("<IIQI", 0x07064b50, 0, end, 1))
        f.write(struct.pack("<IHHHHIIH", 0x06054b50, 0, 0, 1, 1, 0xFFFFFFFF, 0xFFFFFFFF, 0))

member = b"BACI_HS92_Y2021_V202301.csv"
head = b"t,i,j,k,v,q\n"
make_zip("bomb.zip", member, [(head, 1), (b"\0" * (1 << 20), 20 * 1024)],
         12 + 20 * 1024 * (1 << 20), 0)
rows = b"".join(b'2021,%d,%d,%d,"%d.5",%s"%d"\n' % (i, j, k, k % 1000, b" " * 300, k % 97)
                for i in (4, 8, 12, 251) for j in (276, 842, 156) for k in range(990000, 991000))
with open("padded.csv", "wb") as f:
    f.write(head + rows)
make_zip("liar.zip", member, [(head + rows, 1)], 20 << 30, 0)
make_zip("padded.zip", member, [(head + rows, 1)], len(head + rows), zlib.crc32(head + rows))
PY
hostile "zip bomb (20 MB claiming and inflating to 20 GiB)" "bomb.zip:BACI_HS92_Y2021_V202301.csv" \
    "$TIMED import -q bomb.zip -o bomb.store"
hostile "a zip member of 4 MB claiming 20 GiB" "liar.zip:.*inflates to fewer bytes than its header says" \
    "$TIMED import -q liar.zip -o liar.store"

expect "a valid member compressed 30 times is read in pieces, with the same figures as its CSV" '
    ( [ -n "$sanitized" ] || ulimit -v $((CEILING_MB * 1024))
      "$LEVER" import -q padded.zip -o padded-zip.lever )
    "$LEVER" import -q --hs HS92 --release V202301 padded.csv -o padded-csv.lever
    "$LEVER" dyad FRA USA --store padded-zip.lever > zip.out
    "$LEVER" dyad FRA USA --store padded-csv.lever > csv.out
    cmp zip.out csv.out
    grep -q "^2021" zip.out'

python3 -c 'import sys; sys.stdout.write(",".join("c%d" % n for n in range(10**6)) + "\n1\n")' > wide.csv
hostile "a header of 10^6 columns" "wide.csv:1:.*(columns|fields|not recognised)" "$TIMED import -q wide.csv -o wide.store"

LONG="import sys
w = sys.stdout.buffer.write
w(b't,i,j,k,v,q\\n2021,4,8,10110,1,1\\n')
for n in range(200):
    w(b'7' * 1000000)
w(b'\\n')"
hostile "a 200 MB line on standard input" "-:3: the line is longer than" \
    "python3 -c \"$LONG\" 2>/dev/null | $TIMED import -q - -o long.store"

python3 -c "$LONG" > long.csv
hostile "a 200 MB line in a file" "long.csv:3:" "$TIMED import -q long.csv -o long.store"
rm -f long.csv

hostile "binary garbage on standard input (3 GB of random bytes offered)" "^lever: -:" \
    "head -c 3000000000 /dev/urandom | $TIMED import -q - -o garbage.store"

hostile "/dev/zero on standard input (1 GB offered)" "^lever: -:" \
    "head -c 1000000000 /dev/zero | $TIMED import -q - -o zero.store"

python3 -c '
print("t,i,j,k,v,q")
for n in range(70000): print("2021,4,8,%06d,1.0," % (100000 + n))' > products.csv
expect "70,000 distinct product codes: refused, the limit and what to check" '
    exits 1 "$LEVER" import -q products.csv -o products.store
    grep -q "too many distinct product codes (70000; a store holds at most 65535" "$TMP/err"
    grep -q "is the product column the right one" "$TMP/err"'

python3 -c '
print("t,i,j,k,v,q")
for n in range(30): print("2021,%d,4,110100,1.0," % (900 + n))' > unknown.csv
expect "30 unknown country codes: 10 named with their line, then one line for the 20 others" '
    "$LEVER" import unknown.csv -o unknown.store 2>err.txt
    [ "$(grep -c "unknown country code [0-9]" err.txt)" -eq 10 ]
    grep -q "^lever: warning: unknown.csv:2: unknown country code 900 " err.txt
    grep -q "^lever: warning: 20 more unknown country codes, kept by number" err.txt
    "$LEVER" country 929 --store unknown.store | grep -q 929
    rm unknown.store'

expect "none of them left a store or a temporary file" '
    [ -z "$(ls *.store *.tmp.* 2>/dev/null)" ]'

finish
