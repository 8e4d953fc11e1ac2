"""common.py - what the independent references of this folder share: reading BACI-layout CSV
files, choosing products by HS prefix, reading the CSV documents lever prints, and comparing
lever's cells with the reference figures.

Standard library only, and nothing shared with lever's C code: each reference agrees with
lever only if both follow docs/INDICATORS.md. The references are run as scripts
(`python3 tests/ref/NAME.py ...`) from any folder; each puts this folder on sys.path before
importing this module.
"""
import csv
import math
import sys
from collections import defaultdict
from fractions import Fraction

REL_TOL = 1e-9
MISSING = ("", "NA", "na", "NaN", "nan", "NULL", "null", "N/A")


def thousandths(text, what):
    """'649770.245' (thousands, 3 decimals) -> 649770245, exactly; None when missing."""
    text = text.strip().strip('"').strip()
    if text in MISSING:
        return None
    whole, _, frac = text.partition(".")
    if any(c != "0" for c in frac[3:]):
        raise ValueError("%s %r has more than 3 decimals" % (what, text))
    return int(whole or "0") * 1000 + int((frac + "000")[:3])


def read_flows(paths, quantities=False):
    """{year: {(i, j, k): v}} from BACI-layout CSV files (t,i,j,k,v,q), v in USD; with
    quantities, {year: {(i, j, k): (v, q)}}, q in kg or None when missing. Countries and
    HS codes are integers. Lines starting with '#' are comments (lever synth writes one);
    a flow given twice is an error."""
    flows = defaultdict(dict)
    for path in paths:
        with open(path, newline="") as f:
            lines = (line for line in f if not line.startswith("#"))
            for row in csv.DictReader(lines):
                t = int(row["t"])
                key = (int(row["i"]), int(row["j"]), int(row["k"]))
                if key in flows[t]:
                    raise SystemExit("%s: duplicate flow %s in %d" % (path, key, t))
                v = thousandths(row["v"], "value")
                if v is None:
                    raise ValueError("%s: flow %s in %d has no value" % (path, key, t))
                flows[t][key] = (v, thousandths(row["q"], "quantity")) if quantities else v
    return flows


def prefix_digits(prefix):
    """An HS prefix as written, with the leading zero of chapters 01-09 put back when it
    was dropped (odd lengths): '1101' -> '1101', '71120' -> '071120'."""
    prefix = prefix.strip()
    return prefix.zfill(len(prefix) + len(prefix) % 2)


def product_filter(prefixes):
    """A predicate on HS6 codes (integers): under one of the comma-separated prefixes
    (every product when prefixes is empty or None)."""
    if not prefixes:
        return lambda k: True
    wanted = tuple(prefix_digits(p) for p in prefixes.split(","))
    return lambda k: ("%06d" % k).startswith(wanted)


def read_lever_csv(path):
    """lever's CSV document -> ({meta key: value}, {table name: [row dicts]}).
    A document with one table does not name it: it is returned as ''."""
    meta, tables = {}, {}
    name, header = "", None
    with open(path, newline="") as f:
        for line in f:
            if line.startswith("# table: "):
                name, header = line[len("# table: "):].strip(), None
                continue
            if line.startswith("#"):
                key, _, value = line[1:].strip().partition(": ")
                meta[key] = value
                continue
            if not line.strip():
                continue
            fields = next(csv.reader([line]))
            if header is None:
                header = fields
                tables[name] = []
            else:
                tables[name].append(dict(zip(header, fields)))
    return meta, tables


def fraction_or_nan(numerator, denominator):
    return math.nan if denominator == 0 else Fraction(numerator, denominator)


class Checker:
    """Compares lever's cells (text) with the reference and remembers every difference."""

    def __init__(self):
        self.errors = []
        self.checked = 0

    def fail(self, where, message):
        self.errors.append("%s: %s" % (where, message))

    def exact(self, where, got, want):
        """Integers (or None for an empty cell) and strings: equal as text."""
        self.checked += 1
        want_text = "" if want is None else str(want)
        if got != want_text:
            self.fail(where, "lever %r, reference %r" % (got, want_text))

    def ratio(self, where, got, want, scale=None):
        """A double: NaN is an empty cell, infinity 'inf'; else within REL_TOL of
        max(|want|, scale) (scale defaults to |want|: a purely relative error)."""
        self.checked += 1
        if want is None or (isinstance(want, float) and math.isnan(want)):
            if got != "":
                self.fail(where, "lever %r, reference NaN (empty)" % got)
            return
        if isinstance(want, float) and math.isinf(want):
            if got != ("inf" if want > 0 else "-inf"):
                self.fail(where, "lever %r, reference %r" % (got, want))
            return
        try:
            value = float(got)
        except ValueError:
            self.fail(where, "lever %r is not a number, reference %r" % (got, float(want)))
            return
        bound = REL_TOL * max(abs(float(want)), scale or 0.0)
        if not abs(value - float(want)) <= bound:
            self.fail(where, "lever %r, reference %.17g" % (got, float(want)))

    def value(self, where, got, want, scale=None):
        """Any reference value: text, integers and None exactly, numbers as ratio()."""
        if want is None or isinstance(want, (str, bool, int)):
            self.exact(where, got, int(want) if isinstance(want, bool) else want)
        else:
            self.ratio(where, got, want, scale)

    def count(self, where, got_rows, want_rows):
        if len(got_rows) != len(want_rows):
            self.fail(where, "lever has %d rows, reference %d" % (len(got_rows), len(want_rows)))

    def report(self, name, summary):
        """Prints the differences (at most 40) on stderr, then "NAME: SUMMARY, N differences";
        returns the exit status."""
        for e in self.errors[:40]:
            print("%s: %s" % (name, e), file=sys.stderr)
        if len(self.errors) > 40:
            print("%s: ... and %d more differences" % (name, len(self.errors) - 40),
                  file=sys.stderr)
        print("%s: %s, %d figures compared, %d differences"
              % (name, summary, self.checked, len(self.errors)))
        return 1 if self.errors else 0
