#!/usr/bin/env python3
"""damage_trials.py - flips bytes across a lever store and truncates it, and runs every
query command on each damaged copy (tests/cli/t0500-damaged-store.sh drives it).

usage: damage_trials.py LEVER STORE A B C WORKDIR [TRIALS]

For every trial, every command must either refuse (non-zero exit and a message saying the
store is damaged) or answer exactly as on the intact store (same exit status, same
output); a signal, a sanitizer report or a different answer fails the run. Offsets are
picked deterministically: fields of the header, entries of the section table, then every
section at evenly spread offsets (TRIALS flips in all, about, at least one per section),
bytes of padding, then truncations at evenly spread lengths. Prints one line per failure and a summary
"trials N refused N exact N crashed N differed N unclear N"; exits 1 on any failure.

Only the Python standard library is used; the layout read here (header at 0, the section
table at 256, 32 bytes an entry: id, element size, offset, length, checksum) is the one
docs/store.md describes.
"""
import os
import struct
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

HEADER = 256
ENTRY = 32


def commands(a, b, c):
    q = ["--format", "csv"]
    return [
        ["info"] + q,
        ["info", "--check"] + q,
        ["country", a] + q,
        ["product", "1001"] + q,
        ["dyad", a, b, "--top", "5"] + q,
        ["depend", b, "--top", "0"] + q,
        ["depend", b, "--on", a, "--alternatives", "current"] + q,
        ["leverage", a, "--top", "0"] + q,
        ["leverage", a, "--over", b, "--alternatives", "current"] + q,
        ["leverage", a, "--over", b, "--alternatives", c] + q,
        ["exposure", b] + q,
        ["compare", b, "--suppliers", a + "," + c] + q,
        ["change", a, b] + q,
        ["indicators", a, b] + q,
    ]


def run(lever, store, args):
    p = subprocess.run([lever] + args + ["--store", store], capture_output=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def sections(data):
    n = struct.unpack_from("<I", data, 20)[0]
    out = []
    for s in range(n):
        sid, _, off, length, _ = struct.unpack_from("<IIQQQ", data, HEADER + ENTRY * s)
        out.append((sid, off, length))
    return n, out


def flip_offsets(data, trials):
    """(offset, mask) pairs: header fields, the section table, then every section."""
    n, secs = sections(data)
    picks = []
    # the header's fields (magic, version, flags, sizes, counts, names, checksum) and entries
    # of the section table (all of them from 100 trials up)
    for at in [0, 8, 20, 24, 32, 44, 56, 104, 232, 239]:
        picks.append(at)
    for s in range(n):
        if trials >= 100 or s % 3 == 0:
            picks.append(HEADER + ENTRY * s + (s * 7) % ENTRY)
    per = max(1, (trials - len(picks)) // max(1, len(secs)))
    for sid, off, length in secs:
        if length == 0:
            continue
        for m in range(per):
            # evenly spread, shifted by a per-section amount so every byte lane is hit
            picks.append(off + (length * m) // per + (sid * 5 + m * 3) % min(length, 8)
                         if length > 8 else off + m % length)
        if length % 4096 and sid % 7 == 0:
            picks.append(off + length)  # padding after the section, which no query reads
    masks = [0x01, 0x80, 0x10, 0xff, 0x04, 0x40, 0x02, 0x20]
    return [(at, masks[i % len(masks)]) for i, at in enumerate(sorted(set(p for p in picks if p < len(data))))]


def trunc_lengths(size, count):
    return sorted(set([100, HEADER + 8, 4096] +
                      [size * m // count for m in range(1, count)] + [size - 1]))


def main():
    lever, store, a, b, c, work = sys.argv[1:7]
    trials = int(sys.argv[7]) if len(sys.argv) > 7 else 40
    data = open(store, "rb").read()
    cmds = commands(a, b, c)
    intact = [run(lever, store, cmd) for cmd in cmds]
    damaged = []
    for at, mask in flip_offsets(data, trials):
        copy = bytearray(data)
        copy[at] ^= mask
        damaged.append(("flip byte %d ^ 0x%02x" % (at, mask), bytes(copy)))
    for length in trunc_lengths(len(data), max(3, trials // 8)):
        damaged.append(("truncate to %d bytes" % length, data[:length]))

    counts = {"trials": 0, "refused": 0, "exact": 0, "crashed": 0, "differed": 0, "unclear": 0}
    failures = []

    def trial(index):
        what, bytes_ = damaged[index]
        path = os.path.join(work, "damaged-%d.store" % index)
        with open(path, "wb") as f:
            f.write(bytes_)
        results = []
        for cmd, (rc0, out0, err0) in zip(cmds, intact):
            rc, out, err = run(lever, path, cmd)
            text = err.decode("utf-8", "replace")
            if rc < 0 or rc >= 128 or "Sanitizer" in text or "runtime error" in text:
                results.append(("crashed", what, cmd, rc, text))
            elif rc == rc0 and out == out0:
                results.append(("exact", what, cmd, rc, text))
            elif rc != 0 and rc != rc0 and out == b"" and text.startswith("lever: ") and (
                    "damaged" in text or "re-import" in text or "not a lever store" in text):
                results.append(("refused", what, cmd, rc, text))
            elif rc != 0 and rc != rc0:
                results.append(("unclear", what, cmd, rc, text))
            else:
                results.append(("differed", what, cmd, rc, text))
        os.unlink(path)
        return results

    jobs = int(os.environ.get("LEVER_TRIAL_JOBS", "2"))
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for results in pool.map(trial, range(len(damaged))):
            for kind, what, cmd, rc, text in results:
                counts["trials"] += 1
                counts[kind] += 1
                if kind not in ("refused", "exact"):
                    failures.append("%s: %s: lever %s: exit %d: %s" %
                                    (kind, what, " ".join(cmd), rc, text.strip()[:300]))
    for f in failures[:40]:
        print(f)
    print("damaged copies %d; " % len(damaged) +
          " ".join("%s %d" % (k, v) for k, v in counts.items()))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
