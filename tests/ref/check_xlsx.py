#!/usr/bin/env python3
"""check_xlsx.py - reads a workbook lever wrote (--format xlsx) with openpyxl, an
independent reader, and checks it against the same answer in JSON and, for `lever dyad`,
against flows summed from the BACI-layout file itself.

usage: check_xlsx.py BOOK.xlsx ANSWER.json [--dyad FLOWS.csv A B]
  A, B: numeric country codes. Exits 1 with the differences.

Checked: a "notes" sheet first, holding every metadata line of the JSON (data source,
release, synthetic warning) and the command line; then one sheet per table, named as the
table, its header the JSON columns; every cell equal to the JSON value: integers as exact
integers, ratios and shares as the same doubles to 16 significant digits (what
libxlsxwriter writes; Excel computes with 15), codes as text, null as an empty cell,
infinity (null with a NAME_note) as the text "inf". With --dyad: the years sheet's a_to_b
and b_to_a are the exact sums of the file's values (thousands of USD, 3 decimals, summed as
integers) for each year.
"""
import csv
import json
import sys

import openpyxl


def fail(errors, message):
    errors.append(message)


def usd(text):
    whole, _, frac = text.partition(".")
    return int(whole) * 1000 + int((frac + "000")[:3])


def main(argv):
    book, answer = argv[1], argv[2]
    errors = []
    doc = json.load(open(answer, encoding="utf-8"))
    wb = openpyxl.load_workbook(book)
    meta = doc["meta"]
    tables = meta["tables"]
    if wb.sheetnames != ["notes"] + list(tables):
        fail(errors, "sheets %s, expected notes + %s" % (wb.sheetnames, list(tables)))
    notes = {}
    for row in wb["notes"].iter_rows(values_only=True):
        if row[0] is not None:
            notes[row[0]] = row[1]
    for key, value in meta.items():
        if key == "tables":
            continue
        if key == "command":  # the workbook's own command line: the same but its format
            if not (notes.get(key, "").startswith(value.split(" --format")[0])):
                fail(errors, "notes: command %r" % notes.get(key))
            continue
        if notes.get(key) != value:
            fail(errors, "notes: %s is %r, JSON %r" % (key, notes.get(key), value))
    for name, shape in tables.items():
        if name not in wb.sheetnames:
            continue
        rows = list(wb[name].iter_rows(values_only=True))
        columns = shape["columns"]
        if list(rows[0]) != columns:
            fail(errors, "%s: header %s, expected %s" % (name, rows[0], columns))
        body = [r for r in rows[1:] if any(v is not None for v in r)]
        if len(body) != len(doc[name]):
            fail(errors, "%s: %d rows, JSON %d" % (name, len(body), len(doc[name])))
        for n, (got, want) in enumerate(zip(body, doc[name])):
            for c, col in enumerate(columns):
                w = want[col]
                if w is None and "infinite" in want.get(col + "_note", ""):
                    w = "-inf" if want[col + "_note"].startswith("minus") else "inf"
                g = got[c]
                if w == "" and g is None:
                    continue  # an empty text is an empty cell
                if type(w) is int and type(g) is float and g.is_integer():
                    g = int(g)
                if type(w) is float and type(g) in (int, float) and abs(g - w) <= 1e-15 * abs(w):
                    continue  # libxlsxwriter writes doubles to 16 significant digits
                if g != w or (w is not None and type(g) is not type(w)):
                    fail(errors, "%s row %d %s: xlsx %r, JSON %r" % (name, n + 1, col, g, w))
    if len(argv) > 3 and argv[3] == "--dyad":
        flows, a, b = argv[4], int(argv[5]), int(argv[6])
        sums = {}
        with open(flows, newline="") as f:
            lines = (l for l in f if not l.startswith("#"))
            for r in csv.DictReader(lines):
                i, j = int(r["i"]), int(r["j"])
                if (i, j) in ((a, b), (b, a)):
                    key = (int(r["t"]), "a_to_b" if i == a else "b_to_a")
                    sums[key] = sums.get(key, 0) + usd(r["v"])
        years = list(wb["years"].iter_rows(values_only=True))
        header = list(years[0])
        for row in years[1:]:
            year = row[header.index("year")]
            for col in ("a_to_b", "b_to_a"):
                got = row[header.index(col)]
                want = sums.get((year, col), 0)
                if got != want:
                    fail(errors, "years %s %s: xlsx %r, the file's sum %r" % (year, col, got, want))
    for e in errors[:40]:
        print(e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
