#!/usr/bin/env python3
"""chains.py - an independent reference for `lever chains` (docs/INDICATORS.md section 10).

From BACI-layout CSV files, computes for one importer B, a chain input -> output (HS
prefixes) with factor f, and one year: every supplier m of the output, its import content
gamma(m) (tonnes imported over tonnes imported plus produced, from a production CSV; both
bounds 0 and 1 when unknown), the shares by origin s°(A->B) for both bounds, HHI° and the
critical-dependence flags, in value or in quantity, and checks lever's `--format csv`
output against them. Shares no code with lever.

usage: chains.py --importer CODE --input PREFIX --output PREFIX --factor F [--year T]
                 [--production CSV] [--codes COUNTRIES_CSV] [--quantity]
                 --check LEVER_CSV FILE.csv...
The production CSV names countries by ISO3, mapped with COUNTRIES_CSV (lever country's CSV).
"""
import argparse
import csv
import os
import sys
from collections import defaultdict
from fractions import Fraction

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Checker, prefix_digits, read_flows, read_lever_csv  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--importer", type=int, required=True)
    ap.add_argument("--input", required=True)
    ap.add_argument("--output", required=True)
    ap.add_argument("--factor", type=Fraction, required=True)
    ap.add_argument("--year", type=int)
    ap.add_argument("--production")
    ap.add_argument("--codes")
    ap.add_argument("--quantity", action="store_true")
    ap.add_argument("--check", required=True)
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    flows_by_year = read_flows(args.files, quantities=True)
    year = args.year or max(flows_by_year)
    flows = flows_by_year[year]
    inp, out = prefix_digits(args.input), prefix_digits(args.output)
    iso = {}
    if args.codes:
        for row in csv.DictReader(l for l in open(args.codes) if not l.startswith("#")):
            iso[row["iso3"]] = int(row["code"])
    production = {}
    if args.production:
        for row in csv.DictReader(open(args.production)):
            if int(row["year"]) == year and prefix_digits(row["product"]) == inp:
                c = iso[row["country"]]
                production[c] = production.get(c, 0) + Fraction(row["tonnes"])

    def supply(j, prefix):
        """{i: measure} of j's imports under prefix, and the flows without quantity."""
        by, missing = defaultdict(int), 0
        for (i, jj, k), (v, q) in flows.items():
            if jj == j and ("%06d" % k).startswith(prefix):
                if q is None:
                    missing += 1
                if args.quantity:
                    if q is not None:
                        by[i] += q
                else:
                    by[i] += v
        return by, missing

    def shares(by):
        total = sum(by.values())
        return {i: Fraction(x, total) for i, x in by.items() if x} if total else {}

    def tonnes_imported(j):
        return sum(q for (i, jj, k), (v, q) in flows.items()
                   if jj == j and ("%06d" % k).startswith(inp) and q is not None)

    def imports_value(j):
        return sum(v for (i, jj, k), (v, q) in flows.items()
                   if jj == j and ("%06d" % k).startswith(inp))

    s_out = shares(supply(args.importer, out)[0])
    low, high = defaultdict(Fraction), defaultdict(Fraction)
    gammas = {}
    for m, sm in s_out.items():
        if imports_value(m) == 0:
            g = (Fraction(0), Fraction(0))
        elif m in production:
            q = Fraction(tonnes_imported(m))
            total = q + production[m] * 1000
            g = (q / total, q / total) if total else (Fraction(0), Fraction(1))
        else:
            g = (Fraction(0), Fraction(1))
        gammas[m] = g
        low[m] += sm * (1 - g[0])
        high[m] += sm * (1 - g[1])
        for a, sa in shares(supply(m, inp)[0]).items():
            low[a] += sm * g[0] * sa
            high[a] += sm * g[1] * sa
    hhi = [sum(x * x for x in low.values()), sum(x * x for x in high.values())]
    m_b = sum(v for (i, j, k), (v, q) in flows.items()
              if j == args.importer and ("%06d" % k).startswith(out))
    x_b = sum(v for (i, j, k), (v, q) in flows.items()
              if i == args.importer and ("%06d" % k).startswith(out))
    net = x_b == 0 or Fraction(m_b, x_b) > 1
    q_b = sum(q for (i, j, k), (v, q) in flows.items()
              if j == args.importer and ("%06d" % k).startswith(out) and q is not None)
    chk = Checker()
    got = read_lever_csv(args.check)[1]
    conc = got["concentration"][0]
    chk.ratio("hhi_origin_low", conc["hhi_origin_low"], hhi[0])
    chk.ratio("hhi_origin_high", conc["hhi_origin_high"], hhi[1])
    chk.exact("imports", conc["imports"], m_b)
    chk.exact("flows_without_qty", conc["flows_without_qty"], supply(args.importer, out)[1])
    origins = {a for a in set(low) | set(high) | set(s_out)
               if low.get(a, 0) > 0 or high.get(a, 0) > 0 or s_out.get(a, 0) > 0}
    chk.count("origins", got["origins"], origins)
    for row in got["origins"]:
        a = int(row["code"])
        where = "origin %s" % row["origin"]
        chk.ratio(where + " direct", row["direct_share"], s_out.get(a, Fraction(0)), 1e-12)
        chk.ratio(where + " low", row["origin_share_low"], low.get(a, Fraction(0)), 1e-12)
        chk.ratio(where + " high", row["origin_share_high"], high.get(a, Fraction(0)), 1e-12)
        chk.ratio(where + " input t high", row["input_equivalent_high_t"],
                  high.get(a, Fraction(0)) * q_b * args.factor / 1000, 1e-6)
        for n, name in ((0, "critical_low"), (1, "critical_high")):
            share = (low if n == 0 else high).get(a, Fraction(0))
            chk.exact(where + " " + name, row[name], int(share >= Fraction(1, 2) and
                                                         hhi[n] > Fraction(2, 5) and net))
    chk.count("processors", got["processors"], s_out)
    for row in got["processors"]:
        m = int(row["code"])
        chk.ratio("processor %s share" % row["processor"], row["share"], s_out[m], 1e-12)
        chk.ratio("processor %s gamma_low" % row["processor"], row["gamma_low"], gammas[m][0],
                  1e-12)
        chk.ratio("processor %s gamma_high" % row["processor"], row["gamma_high"],
                  gammas[m][1], 1e-12)
    return chk.report("chains.py", "chains")


if __name__ == "__main__":
    sys.exit(main())
