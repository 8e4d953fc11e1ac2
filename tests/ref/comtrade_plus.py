"""comtrade_plus.py - the flows a store made of Comtrade Plus files must hold, computed
independently of lever from the files themselves (CSV of the downloads, JSON of the data
API), by the rules of docs/commands/import.md:

* records kept: typeCode C, flowCode M or X (RM and RX apart, other sub-flows skipped),
  customsCode C00, motCode 0, partner2Code 0 (or absent), partner not World (0), cmdCode
  of 6 digits; when no record has 6 digits, the TOTAL records stand for the pseudo-product
  999999;
* months summed into the year, values exact (Decimal) and rounded once, half up, to USD;
* a flow i->j of product k: the importer's declaration (M by j) when there is one, else
  the exporter's (X by i); its weight is that declaration's netWgt in kg (rounded half up),
  else its qty when qtyUnitCode is 8 (kg), else missing; a sum over months with one month
  missing is missing.

Usage: python3 comtrade_plus.py FILE... prints t,i,j,k,v,q (q empty when missing),
sorted, one flow a line.
"""
import csv
import json
import sys
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

TOTAL = 999999


def records(path):
    if path.endswith(".json"):
        with open(path) as f:
            body = json.load(f, parse_float=Decimal, parse_int=Decimal)
        for r in body["data"]:
            yield {k: ("" if v is None else str(v)) for k, v in r.items()}
    else:
        with open(path, newline="") as f:
            yield from csv.DictReader(f)


def dec(text):
    text = text.strip()
    return None if text in ("", "null") else Decimal(text)


def usd(d):
    return int(d.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def declarations(paths):
    """{(year, reporter, flow, partner, k): [value, kg or None]} summed over months."""
    six, totals = [], []
    for path in paths:
        for r in records(path):
            if r.get("typeCode", "C") != "C" or r["flowCode"] not in ("M", "X"):
                continue
            if r.get("customsCode", "C00") not in ("C00", "") or dec(r.get("motCode", "0")) not in (0, None):
                continue
            if dec(r.get("partner2Code", "0")) not in (0, None) or int(r["partnerCode"]) == 0:
                continue
            cmd = r["cmdCode"]
            kg = dec(r.get("netWgt", ""))
            if kg is None and r.get("qtyUnitCode", "") == "8":
                kg = dec(r.get("qty", ""))
            item = (int(r["refYear"]), int(r["reporterCode"]), r["flowCode"],
                    int(r["partnerCode"]), dec(r["primaryValue"]), kg)
            if cmd == "TOTAL":
                totals.append(item + (TOTAL,))
            elif len(cmd) == 6 and cmd.isdigit():
                six.append(item + (int(cmd),))
    out = {}
    for year, rep, flow, par, value, kg, k in (six or totals):
        key = (year, rep, flow, par, k)
        if key in out:
            out[key][0] += value
            out[key][1] = None if out[key][1] is None or kg is None else out[key][1] + kg
        else:
            out[key] = [value, kg]
    return out


def flows(decl):
    """{(t, i, j, k): (v, q)}: the importer's declaration, else the exporter's."""
    pairs = defaultdict(dict)
    for (year, rep, flow, par, k), vq in decl.items():
        i, j = (rep, par) if flow == "X" else (par, rep)
        pairs[(year, i, j, k)][flow] = vq
    out = {}
    for key, by_flow in pairs.items():
        value, kg = by_flow.get("M") or by_flow["X"]
        out[key] = (usd(value), None if kg is None else usd(kg))
    return out


def main(argv):
    paths = argv[1:]
    decl = declarations(paths)
    for (t, i, j, k), (v, q) in sorted(flows(decl).items()):
        print("%d,%d,%d,%06d,%d,%s" % (t, i, j, k, v, "" if q is None else q))


if __name__ == "__main__":
    main(sys.argv)
