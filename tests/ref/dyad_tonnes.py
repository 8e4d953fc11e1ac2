#!/usr/bin/env python3
"""dyad_tonnes.py - an independent reference for the top-product tables of
`lever dyad A B --measure quantity` (docs/INDICATORS.md sections 2, 3 and 9).

Reads BACI-layout CSV files (t,i,j,k,v,q; q in tonnes with 3 decimals) with the standard
library only. Every flow counts its kilograms times the factor of the longest listed prefix
of its product (1 otherwise), rounded to the kg; flows without a quantity are left out. For
each year and direction, the selected products are ranked by those kilograms (ties by HS
code), and each listed flow gets s = kg / M(j,k), e = kg / X(i,k), HHI_M(j,k) and the number
of suppliers with a quantity, all of kilograms. Checks lever's `--format csv` output (tables
a_to_b and b_to_a): ratios to a relative error of 1e-9, the rest exactly.

usage: dyad_tonnes.py --a CODE --b CODE [--product PREFIX,...] [--factors PREFIX=F,...]
                      [--top N] --check LEVER_CSV FILE.csv...
"""
import argparse
import math
import os
import sys
from collections import defaultdict
from fractions import Fraction

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Checker, product_filter, read_flows, read_lever_csv  # noqa: E402


def factor_of(factors, k):
    code = "%06d" % k
    best = max((p for p in factors if code.startswith(p)), key=len, default=None)
    return 1.0 if best is None else factors[best]


def reference(flows, a, b, selected, factors, top):
    tables = {"a_to_b": [], "b_to_a": []}
    for t in sorted(flows):
        kg = {}
        m, x = defaultdict(int), defaultdict(int)
        sq, n = defaultdict(int), defaultdict(int)
        for (i, j, k), (v, q) in flows[t].items():
            if q is None or not selected(k):
                continue
            f = math.floor(q * factor_of(factors, k) + 0.5)
            kg[i, j, k] = f
            m[j, k] += f
            x[i, k] += f
            sq[j, k] += f * f
            n[j, k] += f > 0
        for name, (i, j) in (("a_to_b", (a, b)), ("b_to_a", (b, a))):
            mine = sorted(((-f, k) for (ii, jj, k), f in kg.items() if ii == i and jj == j
                           and f > 0))
            for rank, (neg, k) in enumerate(mine[:top], 1):
                f = -neg
                tables[name].append({
                    "year": t, "rank": rank, "hs6": "%06d" % k,
                    "qty_t": Fraction(f, 1000),
                    "supplier_share_qty": Fraction(f, m[j, k]),
                    "dest_share_qty": Fraction(f, x[i, k]),
                    "hhi_qty": Fraction(sq[j, k], m[j, k] ** 2),
                    "n_suppliers_qty": n[j, k],
                })
    return tables


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="+")
    ap.add_argument("--a", type=int, required=True)
    ap.add_argument("--b", type=int, required=True)
    ap.add_argument("--product")
    ap.add_argument("--factors", default="")
    ap.add_argument("--top", type=int, default=10)
    ap.add_argument("--check", required=True)
    args = ap.parse_args()
    factors = {p.split("=")[0]: float(p.split("=")[1]) for p in args.factors.split(",") if p}
    flows = read_flows(args.files, quantities=True)
    ref = reference(flows, args.a, args.b, product_filter(args.product), factors, args.top)
    _, tables = read_lever_csv(args.check)
    ck = Checker()
    for name, rows in ref.items():
        got = tables.get(name, [])
        ck.count(name, got, rows)
        for r, g in zip(rows, got):
            for col, val in r.items():
                ck.value("%s %s %s %s" % (name, r["year"], r["hs6"], col), g.get(col, "?"), val)
    return ck.report("dyad_tonnes.py", ", ".join("%d %s rows" % (len(r), n)
                                                 for n, r in ref.items()))


if __name__ == "__main__":
    sys.exit(main())
