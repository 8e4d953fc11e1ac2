#!/usr/bin/env python3
"""compare.py - an independent reference for `lever compare` (docs/INDICATORS.md sections 2,
5, 6 and 7).

Reads BACI-layout CSV files (t,i,j,k,v,q; v in thousands of USD with 3 decimals) from
scratch with the standard library only (the readers and comparers of common.py) and computes, for a market B and suppliers
A1..An, per year: X(A->B), s(A->B) = X(A->B)/M(B), LEV(A over B) with world alternatives
and weights 1; the Finger-Kreinin export similarity of every two suppliers; and the
head-on products (sold to B by two or more of them) ranked by the runner-up's share.
Prints them, or checks lever's `--format csv` output against them (relative error 1e-9,
integers exactly, rows in the same order). Shares no code with lever on purpose.

usage: compare.py --market CODE --suppliers CODE,CODE,... [--years Y0-Y1]
                  [--product PREFIX,...] [--top N] [--check LEVER_CSV] FILE.csv...
"""
import argparse
import csv
import math
import os
import sys
from collections import defaultdict

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Checker, product_filter, read_flows, read_lever_csv  # noqa: E402


class Year:
    """The sums of one year over the selected products."""

    def __init__(self, flows, selected):
        self.v = {}
        self.m = defaultdict(int)
        self.x = defaultdict(int)
        self.w = defaultdict(int)
        self.m_total = defaultdict(int)
        self.x_total = defaultdict(int)
        self.dyad = defaultdict(dict)  # (i, j) -> {k: v}
        for (i, j, k), v in flows.items():
            if not selected(k):
                continue
            self.v[i, j, k] = v
            self.m[j, k] += v
            self.x[i, k] += v
            self.w[k] += v
            self.m_total[j] += v
            self.x_total[i] += v
            if v > 0:
                self.dyad[i, j][k] = v

    def leverage(self, a, b):
        """LEV(a over b) = (S + K) / T(b), world alternatives, weights 1."""
        supply = 0.0
        for k, v in sorted(self.dyad[a, b].items()):
            alt = max(0, self.w[k] - self.x[a, k] - self.x[b, k])
            supply += v * (v / (v + alt))
        market = 0.0
        for k, v in sorted(self.dyad[b, a].items()):
            alt = max(0, self.w[k] - self.m[a, k] - self.m[b, k])
            market += v * (v / (v + alt))
        t_b = self.x_total[b] + self.m_total[b]
        return (supply + market) / t_b if t_b else math.nan

    def similarity(self, a, b, market):
        fa, fb = self.dyad[a, market], self.dyad[b, market]
        xa, xb = sum(fa.values()), sum(fb.values())
        if xa == 0 or xb == 0:
            return math.nan
        return sum(min(fa[k] / xa, fb[k] / xb) for k in sorted(fa) if k in fb)


def reference(flows, market, suppliers, years, selected, top):
    out = {"suppliers": [], "similarity": [], "headon": []}
    for t in years:
        y = Year(flows.get(t, {}), selected)
        for a in suppliers:
            x = sum(y.dyad[a, market].values())
            m_b = y.m_total[market]
            out["suppliers"].append({"year": t, "supplier_code": a, "value": x,
                                     "share": x / m_b if m_b else math.nan,
                                     "lev": y.leverage(a, market)})
        for n, a in enumerate(suppliers):
            for b in suppliers[n + 1:]:
                out["similarity"].append({"year": t, "a_code": a, "b_code": b,
                                          "esi": y.similarity(a, b, market)})
        products = defaultdict(list)
        for pos, a in enumerate(suppliers):
            for k, v in y.dyad[a, market].items():
                products[k].append((-v, pos, a, v))
        ranked = []
        for k, sellers in products.items():
            if len(sellers) < 2:
                continue
            sellers.sort()
            m = y.m[market, k]
            ranked.append((-(sellers[1][3] / m), k, m, sellers))
        ranked.sort()
        for rank, (neg_overlap, k, m, sellers) in enumerate(ranked[:top or None], 1):
            for _, _, a, v in sellers:
                out["headon"].append({"year": t, "rank": rank, "hs6": "%06d" % k,
                                      "imports": m, "supplier_code": a, "value": v,
                                      "share": v / m, "overlap": -neg_overlap})
    return out


def to_kilograms(flows, factors):
    """--measure quantity: {year: {(i,j,k): kg x factor rounded}} of the flows with a
    quantity (the factor of the longest listed prefix, else 1)."""
    out = {}
    for t, f in flows.items():
        out[t] = {}
        for (i, j, k), (v, q) in f.items():
            if q is None:
                continue
            code = "%06d" % k
            best = max((p for p in factors if code.startswith(p)), key=len, default=None)
            out[t][i, j, k] = math.floor(q * (1.0 if best is None else factors[best]) + 0.5)
    return out


def check(ref, path, missing=None):
    meta, tables = read_lever_csv(path)
    ck = Checker()
    if missing is not None:
        ck.exact("flows without a quantity (metadata 'quantities')",
                 meta.get("quantities", "").split(" ")[0], missing)
    for name, rows in ref.items():
        got = tables.get(name, [])
        ck.count(name, got, rows)
        for n, (r, g) in enumerate(zip(rows, got)):
            for col, val in r.items():
                ck.value("%s row %d %s" % (name, n + 1, col), g.get(col, "?"), val)
    return ck.report("compare.py", ", ".join("%d %s rows" % (len(r), n) for n, r in ref.items()))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="+")
    ap.add_argument("--market", type=int, required=True)
    ap.add_argument("--suppliers", required=True)
    ap.add_argument("--years")
    ap.add_argument("--product")
    ap.add_argument("--top", type=int, default=10)
    ap.add_argument("--measure", choices=("value", "quantity"), default="value",
                    help="quantity: sales, imports, shares, ESI and head-on in kg (checked "
                         "in tonnes), LEV in value")
    ap.add_argument("--factors", default="", help="PREFIX=F,... (a group's factors)")
    ap.add_argument("--check", metavar="LEVER_CSV")
    args = ap.parse_args()
    selected = product_filter(args.product)
    flows = read_flows(args.files, quantities=True)
    years = sorted(flows)
    if args.years:
        lo, _, hi = args.years.partition("-")
        years = [t for t in years if int(lo) <= t <= int(hi or lo)]
    suppliers = [int(c) for c in args.suppliers.split(",")]
    values = {t: {key: vq[0] for key, vq in f.items()} for t, f in flows.items()}
    ref = reference(values, args.market, suppliers, years, selected, args.top)
    missing = None
    if args.measure == "quantity":
        factors = {p.split("=")[0]: float(p.split("=")[1]) for p in args.factors.split(",") if p}
        lev = [r["lev"] for r in ref["suppliers"]]
        ref = reference(to_kilograms(flows, factors), args.market, suppliers, years, selected,
                        args.top)
        for r, l in zip(ref["suppliers"], lev):
            r["lev"] = l
            r["qty_t"] = r.pop("value") / 1000
        for r in ref["headon"]:
            r["imports_t"] = r.pop("imports") / 1000
            r["qty_t"] = r.pop("value") / 1000
        missing = sum(1 for t in years for (i, j, k), (v, q) in flows.get(t, {}).items()
                      if j == args.market and i in suppliers and selected(k) and v > 0
                      and q is None)
    if args.check:
        return check(ref, args.check, missing)
    out = csv.writer(sys.stdout, lineterminator="\n")
    for name, rows in ref.items():
        print("# table: %s" % name)
        if rows:
            out.writerow(rows[0].keys())
            for r in rows:
                out.writerow([repr(v) if isinstance(v, float) else v for v in r.values()])
    return 0


if __name__ == "__main__":
    sys.exit(main())
