#!/usr/bin/env python3
"""bilateral.py - an independent reference for `lever indicators` (INDICATORS.md sections 2, 7).

Reads BACI-layout CSV files from scratch with the standard library only and computes, per
year, with exact fractions:
  TII(i,j) = (X(i->j)/X(i)) / (M(j)/W)                       both ways
  TC(i,j)  = 100 (1 - sum_k |M(j,k)/M(j) - X(i,k)/X(i)| / 2)  both ways (i's exports, j's imports)
  D(j on i) = T(i,j) / T(j), T(i,j) = X(i->j) + X(j->i), T(j) = X(j) + M(j)   both ways
  RCA(i,k) = (X(i,k)/X(i)) / (W(k)/W), each side's top N products with X(i,k) > 0, ranked by
             RCA (exactly: equal fractions are ties), then larger X(i,k), then HS code.
With a product selection every sum (X(i), M(j), W, W(k)) runs over the selected products only.
X, M and W are sums over the rows of the given files: when they hold part of the world (the
Algeria files hold only Algeria's imports and exports), they are "the world of the files",
which is what lever computes from a store made of the same files.

lever's `--format csv` output is checked cell by cell: ratios to a relative error of 1e-9
(TC, an index from 0 to 100, to 1e-9 of 100), codes and exports exactly, rows in order.

usage: bilateral.py --a CODE --b CODE [--a-name ISO3] [--b-name ISO3] [--years Y0-Y1]
                    [--product PREFIX,...] [--top N] [--check LEVER_CSV] FILE.csv...
Countries are BACI numeric codes. Without --check, prints the reference as CSV.
"""
import argparse
import csv
import math
import os
import sys
from collections import defaultdict
from fractions import Fraction

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import (Checker, fraction_or_nan, product_filter, read_flows,  # noqa: E402
                    read_lever_csv)


class Year:
    """The sums of one year over the selected products."""

    def __init__(self, flows, selected):
        self.x_ik = defaultdict(int)   # (i, k) -> X(i,k)
        self.m_jk = defaultdict(int)   # (j, k) -> M(j,k)
        self.x = defaultdict(int)      # i -> X(i)
        self.m = defaultdict(int)      # j -> M(j)
        self.w_k = defaultdict(int)    # k -> W(k)
        self.dyad = defaultdict(int)   # (i, j) -> X(i->j)
        for (i, j, k), (v, _) in flows.items():
            if not selected(k):
                continue
            self.x_ik[i, k] += v
            self.m_jk[j, k] += v
            self.x[i] += v
            self.m[j] += v
            self.w_k[k] += v
            self.dyad[i, j] += v
        self.w = sum(self.w_k.values())

    def tii(self, i, j):
        if self.x[i] == 0 or self.m[j] == 0 or self.w == 0:
            return math.nan
        return Fraction(self.dyad[i, j], self.x[i]) / Fraction(self.m[j], self.w)

    def tc(self, i, j):
        if self.x[i] == 0 or self.m[j] == 0:
            return math.nan
        products = {k for (c, k) in self.x_ik if c == i} | {k for (c, k) in self.m_jk if c == j}
        diff = sum(abs(Fraction(self.m_jk.get((j, k), 0), self.m[j]) -
                       Fraction(self.x_ik.get((i, k), 0), self.x[i])) for k in products)
        return 100 * (1 - diff / 2)

    def dependence(self, j, i):
        """D(j on i) = T(i,j) / T(j)."""
        return fraction_or_nan(self.dyad[i, j] + self.dyad[j, i], self.x[j] + self.m[j])

    def top_rca(self, i, top):
        rows = []
        for (c, k), x in self.x_ik.items():
            if c != i or x <= 0:
                continue
            rca = Fraction(x, self.x[i]) / Fraction(self.w_k[k], self.w)
            rows.append((rca, x, k))
        rows.sort(key=lambda r: (-r[0], -r[1], r[2]))
        return rows[:top]


def years_in(flows, spec):
    years = sorted(flows)
    if not spec:
        return years
    first, _, last = spec.partition("-")
    first = int(first) if first else years[0]
    last = int(last) if last else (first if "-" not in spec else years[-1])
    return [y for y in years if first <= y <= last]


def check_indicators(checker, tables, flows, years, a, b, selected, top, codes):
    sums = {t: Year(flows[t], selected) for t in years}
    # a document of one table (--top 0) does not name it
    got = tables.get("years", tables.get("", []))
    checker.count("years", got, years)
    for g, t in zip(got, years):
        y = sums[t]
        where = "years %d" % t
        checker.exact(where + " year", g["year"], t)
        checker.ratio(where + " tii_ab", g["tii_ab"], y.tii(a, b))
        checker.ratio(where + " tii_ba", g["tii_ba"], y.tii(b, a))
        checker.ratio(where + " tc_ab", g["tc_ab"], y.tc(a, b), 100.0)
        checker.ratio(where + " tc_ba", g["tc_ba"], y.tc(b, a), 100.0)
        checker.ratio(where + " d_b_on_a", g["d_b_on_a"], y.dependence(b, a))
        checker.ratio(where + " d_a_on_b", g["d_a_on_b"], y.dependence(a, b))
    if top == 0:
        return
    for table, country in (("rca_a", a), ("rca_b", b)):
        want = [(t, n + 1, row) for t in years for n, row in enumerate(sums[t].top_rca(country, top))]
        got = tables.get(table, [])
        checker.count(table, got, want)
        for g, (t, rank, (rca, x, k)) in zip(got, want):
            where = "%s %d #%d (%06d)" % (table, t, rank, k)
            checker.exact(where + " year", g["year"], t)
            if codes.get(country):
                checker.exact(where + " country", g["country"], codes[country])
            checker.exact(where + " rank", g["rank"], rank)
            checker.exact(where + " hs6", g["hs6"], "%06d" % k)
            checker.exact(where + " exports", g["exports"], x)
            checker.ratio(where + " rca", g["rca"], rca)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--a", type=int, required=True, help="country A (BACI code)")
    parser.add_argument("--b", type=int, required=True, help="country B (BACI code)")
    parser.add_argument("--a-name", default=None, help="how lever names A (ISO3); checked if given")
    parser.add_argument("--b-name", default=None, help="how lever names B (ISO3); checked if given")
    parser.add_argument("--years", default="")
    parser.add_argument("--product", default="", help="HS prefixes, comma-separated")
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--check", help="lever's --format csv output to check")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    flows = read_flows(args.files, quantities=True)
    years = years_in(flows, args.years)
    selected = product_filter(args.product)
    codes = {args.a: args.a_name, args.b: args.b_name}
    if not args.check:
        out = csv.writer(sys.stdout, lineterminator="\n")
        out.writerow(["year", "tii_ab", "tii_ba", "tc_ab", "tc_ba", "d_b_on_a", "d_a_on_b"])
        for t in years:
            y = Year(flows[t], selected)
            out.writerow([t] + [float(v) for v in (y.tii(args.a, args.b), y.tii(args.b, args.a),
                                                  y.tc(args.a, args.b), y.tc(args.b, args.a),
                                                  y.dependence(args.b, args.a),
                                                  y.dependence(args.a, args.b))])
        return 0
    checker = Checker()
    _, tables = read_lever_csv(args.check)
    check_indicators(checker, tables, flows, years, args.a, args.b, selected, args.top, codes)
    return checker.report("bilateral.py", "%d years and their top-%d RCA products checked"
                          % (len(years), args.top))


if __name__ == "__main__":
    sys.exit(main())
