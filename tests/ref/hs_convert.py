"""hs_convert.py - independent reference of `lever import --to-hs` (docs/INDICATORS.md
section 13): the flows of BACI-layout CSV files of one HS edition converted to another with
UNSD's correlation tables, read from the consolidated CSV (code.after,code.before,
Relationship,adjustment) as published, not from lever's data/hs files.

usage: python3 hs_convert.py CONCORDANCE_CSV FROM TO TARGET_CSV... -- SOURCE_CSV...

A code linked to one target code moves whole; a code linked to several (through every
step between the editions) is split over them in proportion to their world trade in the
TARGET_CSV files (already in edition TO) in the nearest year where any of them has trade
(the earlier year on a tie), equally when there is none; parts are whole USD (and kg),
the remainder given a unit at a time to the largest fractions (the first target on a tie).
Flows meeting on one code are summed (a missing quantity makes the sum missing). Parts with
neither value nor kg are left out (the first target keeps the flow when all are). Prints
t,i,j,k,v,q sorted, v in USD, q in kg or NA.

usage: python3 hs_convert.py --comtrade CONCORDANCE TO FILE...

The same for UN Comtrade Plus files (CSV or API JSON, read by comtrade_plus.py's record
reader): the declarations kept (flowCode M, X, RM, RX; customsCode C00, motCode 0,
partner2Code 0, partner not World, 6-digit cmdCode), months summed exactly into the year and
each rounded half up to whole USD and kg (netWgt, else qty in kg) as a store holds it, then
each declaration of another edition than TO (its classificationCode, H0..H6) converted
alone. World trade, for the weights, is the sum over the flows already in TO of each flow's
importer declaration (M), else its exporter's (X). Prints the declarations
t,reporter,flow,partner,k,v,q sorted, then, after a line "flows", t,i,j,k,v,q of each flow
(the importer's declaration, else the exporter's).
"""
import csv
import os
import sys
from collections import defaultdict
from fractions import Fraction

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import thousandths  # noqa: E402

EDITIONS = ["HS92", "HS96", "HS02", "HS07", "HS12", "HS17", "HS22"]
YEAR = {"HS92": "1992", "HS96": "1996", "HS02": "2002", "HS07": "2007", "HS12": "2012",
        "HS17": "2017", "HS22": "2022"}


def links(path):
    """{(newer, older): set of (new_code, old_code)} for each adjacent step."""
    out = defaultdict(set)
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            after, _, before = row["adjustment"].partition(" to ")
            if row["code.after"].isdigit() and row["code.before"].isdigit():
                out[(after, before)].add((int(row["code.after"]), int(row["code.before"])))
    return out


STEPS = {}


def step(table, newer, older, down):
    """{code: set of linked codes} of one step, read down (newer to older) or up."""
    key = (newer, older, down)
    if key not in STEPS:
        links_of = defaultdict(set)
        for (n, o) in table[(newer, older)]:
            if down:
                links_of[n].add(o)
            else:
                links_of[o].add(n)
        STEPS[key] = links_of
    return STEPS[key]


def targets(table, src, dst, k):
    a, b = EDITIONS.index(src), EDITIONS.index(dst)
    cur = {k}
    while a != b:
        nxt = a - 1 if b < a else a + 1
        newer, older = (a, nxt) if nxt < a else (nxt, a)
        links_of = step(table, YEAR[EDITIONS[newer]], YEAR[EDITIONS[older]], b < a)
        cur = set().union(*(links_of.get(c, ()) for c in cur))
        a = nxt
    return sorted(cur)


def read(paths):
    rows = []
    for path in paths:
        with open(path, newline="") as f:
            for row in csv.DictReader(line for line in f if not line.startswith("#")):
                q = thousandths(row["q"], "q")
                rows.append((int(row["t"]), int(row["i"]), int(row["j"]), int(row["k"]),
                             thousandths(row["v"], "v"), q))
    return rows


def split(x, w):
    n = len(w)
    total = sum(w)
    shares = [Fraction(x * wi, total) for wi in w] if total else [Fraction(x, n)] * n
    parts = [int(s) for s in shares]
    left = x - sum(parts)
    order = sorted(range(n), key=lambda c: (-(shares[c] - parts[c]), c))
    for c in order[:left]:
        parts[c] += 1
    return parts


def comtrade(argv):
    from comtrade_plus import dec, records, usd
    table = links(argv[0])
    dst = argv[1]
    decl = {}
    for path in argv[2:]:
        for r in records(path):
            if r.get("typeCode", "C") != "C" or r["flowCode"] not in ("M", "X", "RM", "RX"):
                continue
            if r.get("customsCode", "C00") not in ("C00", "") or dec(r.get("motCode", "0")) not in (0, None):
                continue
            if dec(r.get("partner2Code", "0")) not in (0, None) or int(r["partnerCode"]) == 0:
                continue
            cmd = r["cmdCode"]
            if not (len(cmd) == 6 and cmd.isdigit()):
                continue
            kg = dec(r.get("netWgt", ""))
            if kg is None and r.get("qtyUnitCode", "") == "8":
                kg = dec(r.get("qty", ""))
            edition = EDITIONS[int(r["classificationCode"][1])]
            key = (int(r["refYear"]), int(r["reporterCode"]), r["flowCode"],
                   int(r["partnerCode"]), int(cmd))
            if key in decl:
                old = decl[key]
                assert old[0] == edition, key
                decl[key] = (edition, old[1] + dec(r["primaryValue"]),
                             None if old[2] is None or kg is None else old[2] + kg)
            else:
                decl[key] = (edition, dec(r["primaryValue"]), kg)
    rounded = {key: (e, usd(v), None if kg is None else usd(kg))
               for key, (e, v, kg) in decl.items()}
    # world trade in the target edition: each flow once, the importer's declaration first
    best = {}
    for (t, rep, flow, par, k), (e, v, q) in rounded.items():
        if e != dst or flow not in ("M", "X"):
            continue
        i, j = (rep, par) if flow == "X" else (par, rep)
        if flow == "M" or (t, i, j, k) not in best:
            best[(t, i, j, k)] = v
    world = defaultdict(int)
    for (t, i, j, k), v in best.items():
        world[(k, t)] += v
    out = {}
    for (t, rep, flow, par, k), (e, v, q) in rounded.items():
        tg = [k] if e == dst else (targets(table, e, dst, k) or [k])
        if len(tg) == 1:
            pieces = [(tg[0], v, q)]
        else:
            years = sorted({y for (c, y) in world if c in tg and world[(c, y)] > 0},
                           key=lambda y: (abs(y - t), y))
            w = [world.get((c, years[0]), 0) for c in tg] if years else [0] * len(tg)
            vs = split(v, w)
            qs = split(q, w) if q is not None else [None] * len(tg)
            pieces = [(c, a, b) for c, a, b in zip(tg, vs, qs) if a or b] or [(tg[0], 0, q)]
        for (c, a, b) in pieces:
            key = (t, rep, flow, par, c)
            if key in out:
                ov, oq = out[key]
                out[key] = (ov + a, None if oq is None or b is None else oq + b)
            else:
                out[key] = (a, b)
    for key in sorted(out):
        v, q = out[key]
        print("%d,%d,%s,%d,%06d,%d,%s" % (key + (v, "NA" if q is None else q)))
    print("flows")
    flows = {}
    for (t, rep, flow, par, k), vq in out.items():
        if flow not in ("M", "X"):
            continue
        i, j = (rep, par) if flow == "X" else (par, rep)
        if flow == "M" or (t, i, j, k) not in flows:
            flows[(t, i, j, k)] = vq
    for key in sorted(flows):
        v, q = flows[key]
        print("%d,%d,%d,%06d,%d,%s" % (key + (v, "NA" if q is None else q)))


def main():
    argv = sys.argv[1:]
    if argv and argv[0] == "--comtrade":
        comtrade(argv[1:])
        return
    cut = argv.index("--")
    table = links(argv[0])
    src, dst = argv[1], argv[2]
    world = defaultdict(int)
    for (t, i, j, k, v, q) in read(argv[3:cut]):
        world[(k, t)] += v
    out = {}
    for (t, i, j, k, v, q) in read(argv[cut + 1:]):
        tg = targets(table, src, dst, k)
        if not tg:
            tg = [k]
        if len(tg) == 1:
            pieces = [(tg[0], v, q)]
        else:
            years = sorted({y for (c, y) in world if c in tg and world[(c, y)] > 0},
                           key=lambda y: (abs(y - t), y))
            w = [world.get((c, years[0]), 0) for c in tg] if years else [0] * len(tg)
            vs = split(v, w)
            qs = split(q, w) if q is not None else [None] * len(tg)
            pieces = [(c, a, b) for c, a, b in zip(tg, vs, qs) if a or b] or [(tg[0], 0, q)]
        for (c, a, b) in pieces:
            key = (t, i, j, c)
            if key in out:
                ov, oq = out[key]
                out[key] = (ov + a, None if oq is None or b is None else oq + b)
            else:
                out[key] = (a, b)
    for key in sorted(out):
        v, q = out[key]
        print("%d,%d,%d,%06d,%d,%s" % (key + (v, "NA" if q is None else q)))


main()
