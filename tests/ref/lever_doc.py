#!/usr/bin/env python3
"""lever_doc.py - turns lever's JSON answer (stdin) into one text document with every
table of the answer: "# title: ..." and "# key: value" lines, then each table as CSV,
preceded by "# table: NAME" when there are several, separated by blank lines. The CLI
tests read whole answers this way (tests/cli/lib.sh: lever_doc, table, field, and
common.read_lever_csv), while lever's own CSV writes one tidy table per call.

Numbers keep the exact text lever wrote (parsed as text, never as floats); null is an
empty field, and null with a sibling "NAME_note" saying "infinite" is "inf" ("-inf").
Python standard library only.
"""
import csv
import json
import sys


def main():
    text = sys.stdin.read()
    if not text.strip():
        return 0
    doc = json.loads(text, parse_float=str, parse_int=str)
    meta = doc.get("meta", {})
    out = csv.writer(sys.stdout, lineterminator="\n")
    if "title" in meta:
        sys.stdout.write("# title: %s\n" % meta["title"])
    for key, value in meta.items():
        if key in ("title", "command", "tables"):
            continue
        sys.stdout.write("# %s: %s\n" % (key, str(value).replace("\n", " ")))
    tables = meta.get("tables", {})
    for n, (name, shape) in enumerate(tables.items()):
        if len(tables) > 1:
            if n:
                sys.stdout.write("\n")
            sys.stdout.write("# table: %s\n" % name)
        columns = shape["columns"]
        out.writerow(columns)
        for row in doc.get(name, []):
            cells = []
            for c in columns:
                v = row.get(c)
                note = row.get(c + "_note", "")
                if v is None:
                    v = ("-inf" if note.startswith("minus") else "inf") if "infinite" in note else ""
                cells.append(v)
            out.writerow(cells)
    return 0


if __name__ == "__main__":
    sys.exit(main())
