#!/usr/bin/env python3
"""change.py - an independent reference for `lever change` (docs/INDICATORS.md section 8).

Reads BACI-layout CSV files (t,i,j,k,v,q; v in thousands of USD and q in metric tons, both
with 3 decimals) from scratch with the standard library only, computes every column of
`lever change A B --from T0 --to T1` by the formulas of INDICATORS.md, and either prints
them or checks lever's `--format csv` output against them: integers (values, changes,
quantities) exactly, ratios to a relative error of 1e-9, rows in the same order. The
effects are computed with exact fractions from (q1 - q0) uv0 and (uv1 - uv0) q1, not from
each other; their tolerance is 1e-9 of the product's largest figure (|change|, |quantity
effect|, |price effect|), since one of them may be a small difference of large numbers.
It shares no code with lever on purpose: the two agree only if both follow the formulas.

Reading the files and comparing cells are the helpers of common.py, shared by every
reference of this folder.

usage: change.py --a CODE --b CODE --from T0 --to T1 [--product PREFIX,...] [--top N]
                 [--measure quantity [--factors PREFIX=F,...]]
                 [--check LEVER_CSV] FILE.csv...
Countries are BACI numeric codes. Without --check, prints the reference as CSV.

With --measure quantity (INDICATORS.md section 9) every flow counts its kilograms times the
factor of the longest listed prefix of its product, rounded to the kg, flows without a
quantity are left out and counted, and the change is of those kilograms (checked in tonnes,
the *_t columns), without effects.
"""
import argparse
import csv
import math
import os
import sys
from fractions import Fraction

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import (REL_TOL, Checker, fraction_or_nan, product_filter,  # noqa: E402
                    read_flows, read_lever_csv)


# ---- lever change ---------------------------------------------------------------------

def effects(v0, q0, v1, q1):
    """Quantity effect (q1 - q0) uv0 and price effect (uv1 - uv0) q1, exactly; NaN, NaN
    when a quantity is missing or 0 (no unit value)."""
    if not q0 or not q1:
        return math.nan, math.nan
    uv0, uv1 = Fraction(v0, q0), Fraction(v1, q1)
    return (q1 - q0) * uv0, (uv1 - uv0) * q1


def compute_change(flows, a, b, year0, year1, selected):
    """The summary and every changed product of X(a->b) from year0 to year1."""
    def flows_of(year):
        return {k: vq for (i, j, k), vq in flows.get(year, {}).items()
                if i == a and j == b and selected(k)}
    f0, f1 = flows_of(year0), flows_of(year1)
    total0 = sum(v for v, _ in f0.values())
    total1 = sum(v for v, _ in f1.values())
    delta = total1 - total0
    rows = []
    for k in set(f0) | set(f1):
        v0, q0 = f0.get(k, (0, 0))
        v1, q1 = f1.get(k, (0, 0))
        if v0 == v1:
            continue
        qe, pe = effects(v0, q0, v1, q1)
        rows.append({"hs6": k, "v0": v0, "v1": v1, "delta": v1 - v0, "q0": q0, "q1": q1,
                     "share": fraction_or_nan(v1 - v0, delta), "qe": qe, "pe": pe})
    rows.sort(key=lambda r: (-abs(r["delta"]), r["hs6"]))
    return {"total0": total0, "total1": total1, "delta": delta}, rows


def check_change(checker, tables, year0, year1, summary, rows, top):
    got = tables.get("summary", [])
    checker.count("summary", got, [summary])
    if got:
        s = got[0]
        checker.exact("summary year_from", s["year_from"], year0)
        checker.exact("summary year_to", s["year_to"], year1)
        checker.exact("summary total_from", s["total_from"], summary["total0"])
        checker.exact("summary total_to", s["total_to"], summary["total1"])
        checker.exact("summary change", s["change"], summary["delta"])
        checker.exact("summary products_changed", s["products_changed"], len(rows))
    shown = rows[:top]
    rest = rows[top:]
    got = tables.get("products", [])
    checker.count("products", got, shown + [None])
    for n, (g, w) in enumerate(zip(got, shown)):
        where = "products row %d (%06d)" % (n + 1, w["hs6"])
        checker.exact(where + " rank", g["rank"], n + 1)
        checker.exact(where + " hs6", g["hs6"], "%06d" % w["hs6"])
        checker.exact(where + " value_from", g["value_from"], w["v0"])
        checker.exact(where + " value_to", g["value_to"], w["v1"])
        checker.exact(where + " change", g["change"], w["delta"])
        checker.ratio(where + " share_of_change", g["share_of_change"], w["share"])
        checker.exact(where + " qty_from_kg", g["qty_from_kg"], w["q0"])
        checker.exact(where + " qty_to_kg", g["qty_to_kg"], w["q1"])
        scale = max(abs(w["delta"]), abs(w["qe"]), abs(w["pe"])) if w["q0"] and w["q1"] else 0
        checker.ratio(where + " quantity_effect", g["quantity_effect"], w["qe"], scale)
        checker.ratio(where + " price_effect", g["price_effect"], w["pe"], scale)
        # the property the command promises, checked on lever's own figures
        if g["quantity_effect"] and g["price_effect"]:
            split = float(g["quantity_effect"]) + float(g["price_effect"])
            if not abs(split - int(g["change"])) <= REL_TOL * abs(int(g["change"])):
                checker.fail(where, "effects %r + %r do not sum to the change %s"
                             % (g["quantity_effect"], g["price_effect"], g["change"]))
    if len(got) == len(shown) + 1:
        g = got[-1]
        where = "products other row"
        delta_rest = sum(r["delta"] for r in rest)
        checker.exact(where + " rank", g["rank"], None)
        checker.exact(where + " hs6", g["hs6"], None)
        checker.exact(where + " value_from", g["value_from"],
                      summary["total0"] - sum(r["v0"] for r in shown))
        checker.exact(where + " value_to", g["value_to"],
                      summary["total1"] - sum(r["v1"] for r in shown))
        checker.exact(where + " change", g["change"], delta_rest)
        checker.ratio(where + " share_of_change", g["share_of_change"],
                      fraction_or_nan(delta_rest, summary["delta"]))
        for column in ("qty_from_kg", "qty_to_kg", "quantity_effect", "price_effect"):
            checker.exact(where + " " + column, g[column], None)
        # the table adds up to the totals, exactly
        for column, total in (("value_from", "total0"), ("value_to", "total1"),
                              ("change", "delta")):
            if sum(int(r[column]) for r in got) != summary[total]:
                checker.fail("products", "column %s does not sum to %d" % (column, summary[total]))


def to_kilograms(flows, factors, a, b, years, selected):
    """The flows as (kg x factor rounded, None), those without a quantity dropped, and how
    many selected flows a->b of the years were dropped."""
    out, missing = {}, 0
    for t, f in flows.items():
        out[t] = {}
        for (i, j, k), (v, q) in f.items():
            if q is None:
                missing += t in years and i == a and j == b and selected(k)
                continue
            code = "%06d" % k
            best = max((p for p in factors if code.startswith(p)), key=len, default=None)
            factor = 1.0 if best is None else factors[best]
            out[t][i, j, k] = (math.floor(q * factor + 0.5), None)
    return out, missing


def check_tonnes(checker, meta, tables, summary, rows, top, missing):
    """lever change --measure quantity: the same sums in tonnes."""
    got = tables.get("summary", [])
    checker.count("summary", got, [summary])
    t = lambda kg: Fraction(kg, 1000)  # noqa: E731
    if got:
        g = got[0]
        checker.ratio("summary total_from_t", g["total_from_t"], t(summary["total0"]))
        checker.ratio("summary total_to_t", g["total_to_t"], t(summary["total1"]))
        checker.ratio("summary change_t", g["change_t"], t(summary["delta"]))
        checker.exact("summary products_changed", g["products_changed"], len(rows))
    got = tables.get("products", [])
    shown = rows[:top]
    checker.count("products", got, shown + [None])
    for n, (g, w) in enumerate(zip(got, shown)):
        where = "products row %d (%06d)" % (n + 1, w["hs6"])
        checker.exact(where + " hs6", g["hs6"], "%06d" % w["hs6"])
        checker.ratio(where + " qty_from_t", g["qty_from_t"], t(w["v0"]))
        checker.ratio(where + " qty_to_t", g["qty_to_t"], t(w["v1"]))
        checker.ratio(where + " change_t", g["change_t"], t(w["delta"]))
        checker.ratio(where + " share_of_change", g["share_of_change"], w["share"])
    checker.exact("flows without a quantity (metadata 'quantities')",
                  meta.get("quantities", "").split(" ")[0], missing)


def print_change(summary, rows):
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["total_from", "total_to", "change"])
    out.writerow([summary["total0"], summary["total1"], summary["delta"]])
    out.writerow(["hs6", "value_from", "value_to", "change", "share_of_change", "qty_from_kg",
                  "qty_to_kg", "quantity_effect", "price_effect"])
    for r in rows:
        out.writerow(["%06d" % r["hs6"], r["v0"], r["v1"], r["delta"], float(r["share"]),
                      r["q0"], r["q1"], float(r["qe"]), float(r["pe"])])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--a", type=int, required=True, help="exporter (BACI code)")
    parser.add_argument("--b", type=int, required=True, help="importer (BACI code)")
    parser.add_argument("--from", dest="year0", type=int, required=True)
    parser.add_argument("--to", dest="year1", type=int, required=True)
    parser.add_argument("--product", default="", help="HS prefixes, comma-separated")
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--measure", choices=("value", "quantity"), default="value")
    parser.add_argument("--factors", default="", help="PREFIX=F,... (a group's factors)")
    parser.add_argument("--check", help="lever's --format csv output to check")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    flows = read_flows(args.files, quantities=True)
    selected = product_filter(args.product)
    missing = None
    if args.measure == "quantity":
        factors = {p.split("=")[0]: float(p.split("=")[1]) for p in args.factors.split(",") if p}
        flows, missing = to_kilograms(flows, factors, args.a, args.b, (args.year0, args.year1),
                                      selected)
    summary, rows = compute_change(flows, args.a, args.b, args.year0, args.year1, selected)
    if not args.check:
        print_change(summary, rows)
        return 0
    checker = Checker()
    meta, tables = read_lever_csv(args.check)
    if missing is not None:
        check_tonnes(checker, meta, tables, summary, rows, args.top, missing)
    else:
        check_change(checker, tables, args.year0, args.year1, summary, rows, args.top)
    return checker.report("change.py", "%d products checked, total change %d USD"
                          % (min(len(rows), args.top) + 1, summary["delta"]))


if __name__ == "__main__":
    sys.exit(main())
