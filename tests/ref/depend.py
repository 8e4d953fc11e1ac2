#!/usr/bin/env python3
"""depend.py - an independent reference for `lever depend` (docs/INDICATORS.md sections 2-5).

Reads BACI-layout CSV files (t,i,j,k,v,q; v in thousands of USD with 3 decimals) from
scratch with the standard library only (the readers and comparers of common.py), computes
every column of `lever depend` for one importer and year by the formulas of INDICATORS.md,
and either prints them or checks lever's `--format csv` output against them (relative
error 1e-9, integers exactly, rows in the same order). It shares no code with lever on
purpose: the two agree only if both follow the formulas.

usage: depend.py --importer CODE [--on CODE] [--year T] [--product PREFIX,...]
                 [--alternatives world|current|CODE,CODE] [--top N]
                 [--measure quantity [--factors PREFIX=F,...]]
                 [--check LEVER_CSV] FILE.csv...
Countries are BACI numeric codes. Without --check, prints the reference as CSV.

With --measure quantity every flow counts its kilograms times the factor of the longest
listed prefix of its product (1 otherwise), rounded to the kg; flows without a quantity
are left out (and counted), and every sum, share and HHI is of those kilograms
(INDICATORS.md section 9). Amounts are checked in tonnes (columns *_t), persistence is
empty and the alternatives are the world's.
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
from common import Checker, product_filter, read_flows, read_lever_csv  # noqa: E402


class Year:
    """The sums of one year: M(j,k), X(i,k), W(k) and the suppliers of every (j,k)."""

    def __init__(self, flows, selected):
        self.m = defaultdict(int)
        self.x = defaultdict(int)
        self.w = defaultdict(int)
        self.suppliers = defaultdict(dict)
        self.exporters = defaultdict(dict)
        for (i, j, k), v in flows.items():
            if not selected(k):
                continue
            self.m[j, k] += v
            self.x[i, k] += v
            self.w[k] += v
            if v > 0:
                self.suppliers[j, k][i] = v
        for (i, k), x in self.x.items():
            if x > 0:
                self.exporters[k][i] = x

    def imports_of(self, j):
        return sum(m for (jj, _), m in self.m.items() if jj == j)

    def hhi_m(self, j, k):
        m = self.m[j, k]
        return float(Fraction(sum(v * v for v in self.suppliers[j, k].values()), m * m))

    def hhi_w(self, k):
        w = self.w[k]
        if w == 0:
            return math.nan
        return float(Fraction(sum(x * x for x in self.exporters[k].values()), w * w))

    def net_import(self, j, k):
        m, x = self.m[j, k], self.x[j, k]
        if x == 0:
            return math.inf if m > 0 else math.nan
        return m / x

    def geodep(self, j, k):
        if self.m[j, k] == 0:
            return False
        return self.hhi_m(j, k) > 0.4 and self.hhi_w(k) > 0.4 and self.net_import(j, k) > 1


def level(hhi):
    if hhi < 0.15:
        return "unconcentrated"
    if hhi < 0.25:
        return "moderate"
    if hhi <= 0.40:
        return "concentrated"
    return "highly concentrated"


def alternative_supply(year, mode, a, b, k):
    """A(a,b,k): supply alternatives to supplier a already have (INDICATORS.md section 5)."""
    if mode == "world":
        return max(0, year.w[k] - year.x[a, k] - year.x[b, k])
    if mode == "current":
        return sum(year.x[m, k] for m in year.suppliers[b, k] if m != a)
    return sum(year.x[m, k] for m in set(mode) if m not in (a, b))


def alternatives(year, mode, a, b, k):
    """The three largest alternative suppliers (code, X(m,k), w(m,k))."""
    if mode == "world":
        cands = [m for m in year.exporters[k] if m not in (a, b)]
    elif mode == "current":
        cands = [m for m in year.suppliers[b, k] if m != a]
    else:
        cands = [m for m in set(mode) if m not in (a, b) and year.x[m, k] > 0]
    cands.sort(key=lambda m: (-year.x[m, k], m))
    return [(m, year.x[m, k], year.x[m, k] / year.w[k]) for m in cands[:3]]


def factor_of(factors, k):
    """The factor of the longest prefix of product k in factors ({prefix: f}), else 1."""
    code = "%06d" % k
    best = max((p for p in factors if code.startswith(p)), key=len, default=None)
    return 1.0 if best is None else factors[best]


def to_kilograms(flows, factors, selected, importer, year_t):
    """{year: {(i,j,k): kg x factor, rounded}} of the flows with a quantity, and how many
    of the importer's selected flows in year_t had none."""
    out, missing = {}, 0
    for t, f in flows.items():
        out[t] = {}
        for (i, j, k), (v, q) in f.items():
            if q is None:
                missing += t == year_t and j == importer and selected(k) and v > 0
                continue
            out[t][i, j, k] = math.floor(q * factor_of(factors, k) + 0.5)
    return out, missing


def reference(flows, importer, on, year_t, selected, mode, quantity=False):
    """Rows of `lever depend`, ranked, as dicts named like lever's CSV columns."""
    years = {t: Year(f, selected) for t, f in flows.items()}
    y = years[year_t]
    persist_known = (year_t - 1) in years and (year_t - 2) in years and not quantity
    m_b = y.imports_of(importer)
    rows = []
    for (j, k), m in sorted(y.m.items(), key=lambda e: e[0][1]):
        if j != importer or m == 0:
            continue
        sup = y.suppliers[j, k]
        if on is not None:
            a, v = on, sup.get(on, 0)
        else:
            v = max(sup.values())
            a = min(i for i, vi in sup.items() if vi == v)
        if v == 0:
            continue
        n = len(sup)
        hhi = y.hhi_m(j, k)
        net = y.net_import(j, k)
        alt = alternative_supply(y, mode, a, j, k)
        s = Fraction(v, m)
        d = v / (v + alt)
        geodep = y.geodep(j, k)
        row = {
            "hs6": "%06d" % k,
            "imports": m,
            "import_share": m / m_b,
            "exports": y.x[j, k],
            "net_import": net,
            "supplier_code": a,
            "supplier_value": v,
            "supplier_share": s,
            "hhi": hhi,
            "hhi_star": 1.0 if n == 1 else (hhi - 1 / n) / (1 - 1 / n),
            "hhi_level": level(hhi),
            "n_suppliers": n,
            "hhi_world": y.hhi_w(k),
            "alt_supply": alt,
            "headroom": alt / v,
            "d": d,
            "geodep": int(geodep),
            "geodep_persistent": (int(years[year_t - 2].geodep(j, k) + years[year_t - 1].geodep(j, k)
                                      + geodep >= 2) if persist_known else None),
            "critical": int(s >= 0.5 and hhi > 0.4 and net > 1),
            "score": (m / m_b) * s * d,
            "alternatives": alternatives(y, mode, a, j, k),
            "suppliers": sorted(((i, vi, vi / m, vi / y.x[i, k]) for i, vi in sup.items()),
                                key=lambda e: (-e[1], e[0])),
        }
        if quantity:
            for col in ("imports", "exports", "supplier_value", "alt_supply"):
                row[col.replace("_value", "") + "_t"] = Fraction(row.pop(col), 1000)
            row["alternatives"] = [(m, Fraction(x, 1000), w) for m, x, w in row["alternatives"]]
        rows.append(row)
    if on is not None:  # by the supplier's share; equal shares by score
        rows.sort(key=lambda r: (-r["supplier_share"], -r["score"], r["hs6"]))
    else:
        rows.sort(key=lambda r: (-r["score"], r["hs6"]))
    return rows


# ---- checking lever's CSV output -----------------------------------------------------

def check(rows, path, with_suppliers, missing=None):
    meta, tables = read_lever_csv(path)
    got = tables.get("products", [])
    ck = Checker()
    if [r["hs6"] for r in rows] != [g["hs6"] for g in got]:
        ck.fail("products", "products or order differ:\n  expected %s\n  lever    %s"
                % ([r["hs6"] for r in rows][:30], [g["hs6"] for g in got][:30]))
    for r, g in zip(rows, got):
        for col, val in r.items():
            if col in ("alternatives", "suppliers"):
                continue
            if col not in g:
                ck.fail("products", "lever's output has no column %s" % col)
            else:
                ck.value("%s %s" % (r["hs6"], col), g[col], val)
    want_alt = [(r["hs6"], n + 1, m, x, w) for r in rows for n, (m, x, w) in
                enumerate(r["alternatives"])]
    got_alt = tables.get("alternatives", [])
    ck.count("alternatives", got_alt, want_alt)
    x_col = "exports" if missing is None else "exports_t"
    for (hs6, n, m, x, w), g in zip(want_alt, got_alt):
        for col, val in (("hs6", hs6), ("alternative", n), ("country_code", m), (x_col, x),
                         ("world_share", w)):
            ck.value("alternative %s #%d %s" % (hs6, n, col), g.get(col, "?"), val)
    want_sup = [(rank, r["hs6"], i, v, s, e) for rank, r in enumerate(rows, 1)
                for i, v, s, e in r["suppliers"]] if with_suppliers else []
    got_sup = tables.get("suppliers", [])
    ck.count("suppliers", got_sup, want_sup)
    for want, g in zip(want_sup, got_sup):
        for col, val in zip(("rank", "hs6", "country_code", "value", "supplier_share",
                             "dest_share"), want):
            ck.value("supplier of %s: %s" % (want[1], col), g.get(col, "?"), val)
    if missing is not None:
        words = meta.get("quantities", "").split(" ")
        ck.exact("flows without a quantity (metadata 'quantities')", words[0], missing)
    return ck.report("depend.py", "%d products, %d alternatives, %d suppliers"
                     % (len(rows), len(want_alt), len(want_sup)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="+")
    ap.add_argument("--importer", type=int, required=True)
    ap.add_argument("--on", type=int)
    ap.add_argument("--year", type=int)
    ap.add_argument("--product", help="HS prefixes, comma-separated")
    ap.add_argument("--alternatives", default="world")
    ap.add_argument("--top", type=int, default=0)
    ap.add_argument("--measure", choices=("value", "quantity"), default="value")
    ap.add_argument("--factors", default="", help="PREFIX=F,... (a group's factors)")
    ap.add_argument("--check", metavar="LEVER_CSV")
    args = ap.parse_args()
    selected = product_filter(args.product)
    mode = args.alternatives
    if mode not in ("world", "current"):
        mode = [int(c) for c in mode.split(",")]
    quantity = args.measure == "quantity"
    flows = read_flows(args.files, quantities=quantity)
    year = args.year or max(flows)
    missing = None
    if quantity:
        factors = {p.split("=")[0]: float(p.split("=")[1]) for p in args.factors.split(",") if p}
        flows, missing = to_kilograms(flows, factors, selected, args.importer, year)
    rows = reference(flows, args.importer, args.on, year, selected, mode, quantity)
    if args.top:
        rows = rows[:args.top]
    if args.check:
        return check(rows, args.check, args.product is not None and not quantity, missing)
    cols = [c for c in rows[0] if c not in ("alternatives", "suppliers")] if rows else ["hs6"]
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(cols)
    for r in rows:
        out.writerow(["" if r[c] is None else repr(r[c]) if isinstance(r[c], float) else r[c]
                      for c in cols])
    return 0


if __name__ == "__main__":
    sys.exit(main())
