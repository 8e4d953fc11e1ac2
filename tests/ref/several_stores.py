#!/usr/bin/env python3
"""several_stores.py - an independent reference for `lever dyad A B --store BACI --store
COMTRADE` with --top, --measure quantity and --product (docs/commands/dyad.md, "Several
stores, one question"; docs/INDICATORS.md sections 1, 12 and 13).

Reads a BACI-layout CSV (t,i,j,k,v,q: v in thousands of USD, q in tonnes) and UN Comtrade
Plus files (CSV or the API's JSON) with the standard library only. Store 1 is the BACI file,
store 2 the Comtrade files read from A's side (A's own declarations: its exports X to B and its
imports M from B, the "reported" source; B->A is unknown in a year A declared no imports).
Each year uses store 1 when it holds the year, else store 2; the years both hold list store 1
first (used) then store 2. Values are rounded half up to the USD, weights to the kg.

--codes1 and --codes2 are the HS prefixes each store's products are selected by (the caller
maps them between editions with hs_map(), read from the UNSD tables of data/hs), --factors
the group factors (1101=1.33). Prints CSV lines:
    years,YEAR,A_TO_B,B_TO_A,SOURCE,STORE            (--quantity: tonnes, 6 decimals)
    a_to_b|b_to_a,YEAR,STORE,USED,RANK,HS6,VALUE,SOURCE  (--quantity: tonnes x factor)

usage: several_stores.py --baci FILE --comtrade FILE... --a CODE --b CODE [--top N]
                         [--codes1 P,...] [--codes2 P,...] [--factors P=F,...] [--quantity]
       several_stores.py --map FROM TO CODES --hs DIR   (prints the codes CODES of edition
                         FROM link to in edition TO, and whether the link is one-to-one)
"""
import argparse
import csv
import json
import math
import os
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

EDITIONS = ["HS92", "HS96", "HS02", "HS07", "HS12", "HS17", "HS22"]


def half_up(d):
    return int(Decimal(d).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def hs_map(hs_dir, src, dst, prefixes):
    """The codes of edition dst that the codes of edition src under the prefixes link to,
    and the codes of src those link back to (equal to the selection when it is closed)."""
    steps = []
    for n in range(1, len(EDITIONS)):
        new, old = EDITIONS[n], EDITIONS[n - 1]
        with open(os.path.join(hs_dir, "%s_%s.csv" % (new, old)), newline="") as f:
            steps.append([(r[new], r[old]) for r in csv.DictReader(f)])
    codes = {e: set() for e in EDITIONS}
    for n, links in enumerate(steps):
        for a, b in links:
            codes[EDITIONS[n + 1]].add(a)
            codes[EDITIONS[n]].add(b)

    def walk(start, frm, to):
        cur, e = set(start), EDITIONS.index(frm)
        t = EDITIONS.index(to)
        while e != t:
            if t < e:
                cur = {b for a, b in steps[e - 1] if a in cur}
                e -= 1
            else:
                cur = {a for a, b in steps[e] if b in cur}
                e += 1
        return cur

    chosen = {c for c in codes[src] if any(c.startswith(p) for p in prefixes)}
    there = walk(chosen, src, dst)
    back = walk(there, dst, src)
    return chosen, there, back


def factor_of(factors, code):
    best = max((p for p in factors if code.startswith(p)), key=len, default=None)
    return 1.0 if best is None else factors[best]


def read_baci(path, a, b):
    """{year: {(dir, hs6): (usd, kg or None)}}"""
    out = defaultdict(dict)
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            i, j = int(r["i"]), int(r["j"])
            if (i, j) not in ((a, b), (b, a)):
                continue
            d = 0 if i == a else 1
            kg = None if r["q"] in ("NA", "") else half_up(Decimal(r["q"]) * 1000)
            out[int(r["t"])][d, r["k"].zfill(6)] = (half_up(Decimal(r["v"]) * 1000), kg)
    return out


def read_comtrade(paths, a, b):
    """A's declarations: {year: {(dir, hs6): (usd, kg or None)}}, and the years A declared
    imports from anyone (B->A is known only then)."""
    recs = []
    for p in paths:
        if p.endswith(".json"):
            recs += json.load(open(p))["data"]
        else:
            recs += list(csv.DictReader(open(p, newline="")))
    sums = defaultdict(lambda: defaultdict(lambda: [Decimal(0), Decimal(0), False]))
    declared_m = set()
    for r in recs:
        s = {k: ("" if v is None else str(v)) for k, v in r.items()}
        if s["customsCode"] != "C00" or s["motCode"] != "0" or \
                s.get("partner2Code", "0") not in ("0", ""):
            continue
        if len(s["cmdCode"]) != 6 or s["reporterCode"] != str(a):
            continue
        year = int(s["refYear"])
        if s["flowCode"] == "M" and s["partnerCode"] != "0":
            declared_m.add(year)
        if s["partnerCode"] != str(b) or s["flowCode"] not in ("X", "M"):
            continue
        d = 0 if s["flowCode"] == "X" else 1
        cell = sums[year][d, s["cmdCode"]]
        cell[0] += Decimal(s["primaryValue"])
        w = s.get("netWgt", "")
        if w == "" and s.get("qtyUnitCode") == "8":
            w = s.get("qty", "")
        if w != "":
            cell[1] += Decimal(w)
            cell[2] = True
    out = {}
    for year, cells in sums.items():
        out[year] = {key: (half_up(v), half_up(w) if has else None)
                     for key, (v, w, has) in cells.items()}
    return out, declared_m


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--baci")
    ap.add_argument("--comtrade", nargs="+", default=[])
    ap.add_argument("--a", type=int)
    ap.add_argument("--b", type=int)
    ap.add_argument("--top", type=int, default=0)
    ap.add_argument("--codes1", default="")
    ap.add_argument("--codes2", default="")
    ap.add_argument("--factors", default="")
    ap.add_argument("--quantity", action="store_true")
    ap.add_argument("--map", nargs=3, metavar=("FROM", "TO", "CODES"))
    ap.add_argument("--hs")
    o = ap.parse_args()
    if o.map:
        chosen, there, back = hs_map(o.hs, o.map[0], o.map[1], o.map[2].split(","))
        print(",".join(sorted(there)))
        print("closed" if back == chosen else "wider:" + ",".join(sorted(back - chosen)))
        return
    factors = {p: float(f) for p, f in (x.split("=") for x in o.factors.split(",") if x)}
    sel = [[p for p in o.codes1.split(",") if p], [p for p in o.codes2.split(",") if p]]
    stores = [read_baci(o.baci, o.a, o.b)]
    ct, declared_m = read_comtrade(o.comtrade, o.a, o.b)
    stores.append(ct)
    src = ["BACI", "reported"]

    def picked(k, year, d):
        """The selected flows of store k, year, direction: [(hs6, usd, kg x factor)]."""
        rows = []
        for (dd, code), (v, kg) in stores[k].get(year, {}).items():
            if dd != d or (sel[k] and not any(code.startswith(p) for p in sel[k])):
                continue
            f = None if kg is None else kg * factor_of(factors, code)
            rows.append((code, v, f))
        return rows

    def known(k, year, d):
        return k == 0 or d == 0 or year in declared_m

    years = sorted(set(stores[0]) | set(stores[1]))
    for year in years:
        k = 0 if year in stores[0] else 1
        cells = []
        for d in (0, 1):
            rows = picked(k, year, d)
            if not known(k, year, d):
                cells.append("")
            elif o.quantity:
                cells.append("%.6f" % (sum(f for _, _, f in rows if f is not None) / 1000))
            else:
                cells.append(str(sum(v for _, v, _ in rows)))
        print("years,%d,%s,%s,%s,%d" % (year, cells[0], cells[1], src[k], k + 1))
    for d, name in ((0, "a_to_b"), (1, "b_to_a")):
        for year in years:
            for k in (0, 1):
                if year not in stores[k] or not known(k, year, d):
                    continue
                used = int(k == (0 if year in stores[0] else 1))
                rows = picked(k, year, d)
                if o.quantity:
                    ranked = sorted((-math.floor(f + 0.5), code) for code, v, f in rows
                                    if f is not None and math.floor(f + 0.5) > 0)
                    out = [(code, "%.3f" % (-n / 1000)) for n, code in ranked]
                else:
                    ranked = sorted((-v, code) for code, v, f in rows if v > 0)
                    out = [(code, str(-v)) for v, code in ranked]
                for rank, (code, fig) in enumerate(out[:o.top], 1):
                    print("%s,%d,%d,%d,%d,%s,%s,%s" % (name, year, k + 1, used, rank, code, fig,
                                                        src[k]))


if __name__ == "__main__":
    main()
