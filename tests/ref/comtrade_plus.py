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

python3 comtrade_plus.py --check-dyad A B SOURCE CIF LEVER_CSV FILE... checks the years
and declarations tables of `lever dyad A B --source SOURCE --cif-rate CIF --format csv`
(A, B numeric codes) against section 12 of docs/INDICATORS.md: from A's point of view,
reported = A's own declarations, mirror = B's, best = A's in the years A declared any M or
X, else B's; a direction the chosen country did not declare that year is empty, not 0; an
import declaration standing for a flow is divided by 1 + CIF (each declaration in whole
USD first, rounded half up); delta = (M - X) / max(M, X) when both declared.
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


def read_tables(path):
    tables, name, header = {}, None, None
    for line in open(path):
        line = line.rstrip("\n")
        if line.startswith("# table: "):
            name, header = line[9:], None
        elif line.startswith("#") or not line:
            continue
        elif header is None:
            header = line.split(",")
            tables[name] = []
        else:
            tables[name].append(dict(zip(header, next(csv.reader([line])))))
    return tables


def check_dyad(a, b, source, cif, lever_csv, paths):
    decl = declarations(paths)
    years = sorted({y for (y, _, _, _, _) in decl})
    declared = {(y, rep, flow) for (y, rep, flow, _, _) in decl}
    cif = Decimal(cif)

    def total(y, rep, flow, par, convert):
        out = 0
        for (yy, rr, ff, pp, k), (v, _) in decl.items():
            if (yy, rr, ff, pp) == (y, rep, flow, par):
                out += usd(Decimal(usd(v)) / (1 + cif)) if convert else usd(v)
        return out

    want_years, want_decl = [], []
    for y in years:
        src = source
        if src == "best":
            src = "reported" if (y, a, "M") in declared or (y, a, "X") in declared else "mirror"
        if src == "reported":
            ab = total(y, a, "X", b, False) if (y, a, "X") in declared else ""
            ba = total(y, a, "M", b, True) if (y, a, "M") in declared else ""
            val = ("FOB", "CIF" if cif == 0 else "FOB from CIF")
        else:
            ab = total(y, b, "M", a, True) if (y, b, "M") in declared else ""
            ba = total(y, b, "X", a, False) if (y, b, "X") in declared else ""
            val = ("CIF" if cif == 0 else "FOB from CIF", "FOB")
        want_years.append((str(y), str(ab), str(ba), src) + val)
        row = [str(y)]
        for i, j in ((a, b), (b, a)):
            x = total(y, i, "X", j, False) if (y, i, "X") in declared else None
            m = total(y, j, "M", i, False) if (y, j, "M") in declared else None
            delta = ""
            if x is not None and m is not None and max(m, x) > 0:
                delta = (m - x) / max(m, x)
            row += ["" if x is None else str(x), "" if m is None else str(m), delta]
        want_decl.append(row)
    got = read_tables(lever_csv)
    bad = 0
    # a store converted to another HS edition labels its years "reported, HS split" (...):
    # the label's conversion part is checked by the tests of --to-hs, not here
    got_years = [(r["year"], r["a_to_b"], r["b_to_a"],
                  r["source"].replace(", HS split", "").replace(", HS converted", ""),
                  r["valuation_a_to_b"], r["valuation_b_to_a"]) for r in got["years"]]
    if got_years != want_years:
        print("years: want", want_years, "got", got_years)
        bad += 1
    for w, g in zip(want_decl, got["declarations"]):
        cols = ["year", "x_decl_a_to_b", "m_decl_a_to_b", "delta_a_to_b", "x_decl_b_to_a",
                "m_decl_b_to_a", "delta_b_to_a"]
        for c, wv in zip(cols, w):
            gv = g[c]
            same = (gv == "" and wv == "") if isinstance(wv, str) and wv == "" else (
                abs(float(gv) - wv) <= 1e-12 if isinstance(wv, float) else gv == wv)
            if not same:
                print("declarations %s %s: want %r got %r" % (w[0], c, wv, gv))
                bad += 1
    if len(want_decl) != len(got["declarations"]):
        print("declarations: %d years, want %d" % (len(got["declarations"]), len(want_decl)))
        bad += 1
    print("\n".join(",".join(r) for r in want_years))
    sys.exit(1 if bad else 0)


def main(argv):
    if len(argv) > 1 and argv[1] == "--check-dyad":
        a, b, source, cif, lever_csv = argv[2:7]
        check_dyad(int(a), int(b), source, cif, lever_csv, argv[7:])
        return
    paths = argv[1:]
    decl = declarations(paths)
    for (t, i, j, k), (v, q) in sorted(flows(decl).items()):
        print("%d,%d,%d,%06d,%d,%s" % (t, i, j, k, v, "" if q is None else q))


if __name__ == "__main__":
    main(sys.argv)
