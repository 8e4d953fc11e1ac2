#!/usr/bin/env python3
"""transit.py - an independent reference for `lever transit` (docs/INDICATORS.md section 11).

Builds the border graph from the border data folder (contiguity.csv, countries.csv), applies
closed and added crossings, lists every simple path of at most h + slack edges between two
countries, and computes route shares c(T | A->B) as exact fractions, chokepoints, and
TLEV(T over B) from BACI-layout CSV files, then prints them or checks lever's
`--format csv` output against them. Shares no code with lever.

usage: transit.py --geo DIR --codes COUNTRIES_CSV [--closed A-B,...] [--borders FILE]
                  [--slack N] [--year T] [--product PREFIX,...]
                  (--pair A B | --over B) [--check LEVER_CSV] FILE.csv...
COUNTRIES_CSV maps the files' numeric codes to ISO3: the CSV of `lever country` (columns
iso3 and code). Countries are ISO3 codes.
"""
import argparse
import csv
import os
import sys
from collections import defaultdict, deque
from fractions import Fraction

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Checker, product_filter, read_flows, read_lever_csv  # noqa: E402


def rows_of(path):
    with open(path, newline="") as f:
        lines = [line for line in f if line.strip() and not line.lstrip().startswith("#")]
    return list(csv.reader(lines))


def load_graph(geo, closed, borders):
    edges = defaultdict(set)
    for row in rows_of(os.path.join(geo, "countries.csv"))[1:]:
        if row[1] == "0":
            edges[row[0]].add("SEA")
            edges["SEA"].add(row[0])
        else:
            edges[row[0]]  # a node without a coast
    for a, b in rows_of(os.path.join(geo, "contiguity.csv"))[1:]:
        edges[a].add(b)
        edges[b].add(a)
    edits = [("close",) + tuple(item.split("-")) for item in closed.split(",")] if closed else []
    if borders:
        edits += [tuple(r) for r in rows_of(borders) if r[0] in ("close", "add")]
    for action, a, b in edits:
        if action == "close":
            edges[a].discard(b)
            edges[b].discard(a)
        else:
            edges[a].add(b)
            edges[b].add(a)
    return edges


def routes(edges, a, b, slack):
    """Every simple path a..b with at most h + slack edges (lists of nodes)."""
    if a not in edges or b not in edges or a == b:
        return []
    dist = {b: 0}
    queue = deque([b])
    while queue:
        u = queue.popleft()
        for v in edges[u]:
            if v not in dist:
                dist[v] = dist[u] + 1
                queue.append(v)
    if a not in dist:
        return []
    limit = dist[a] + slack
    found = []

    def walk(path):
        u = path[-1]
        for v in sorted(edges[u]):
            if v in path:
                continue
            if v == b:
                found.append(path + [v])
            elif len(path) + dist.get(v, 10**9) <= limit:
                walk(path + [v])

    walk([a])
    return found


def shares(paths):
    """{T: (c(T), chokepoint, routes crossing T)} over the inner nodes other than SEA."""
    if not paths:
        return {}
    h = min(len(p) - 1 for p in paths)
    shortest = [p for p in paths if len(p) - 1 == h]
    out = {}
    for t in {n for p in paths for n in p[1:-1]} - {"SEA"}:
        crossing = sum(1 for p in paths if t in p[1:-1])
        short = sum(1 for p in shortest if t in p[1:-1])
        out[t] = (Fraction(short, len(shortest)), crossing == len(paths), crossing)
    return out


def tlev(edges, flows, iso, b, slack, selected):
    """({T: [carried, carried_chokepoint, partners, chokepoint partners]}, T(B), routed,
    unrouted, partners, unrouted partners)."""
    code_b = {c for c, i in iso.items() if i == b}
    trade = defaultdict(int)
    total = 0
    for (i, j, k), v in flows.items():
        if not selected(k):
            continue
        if i in code_b or j in code_b:
            total += v
        if i in code_b and j not in code_b:
            trade[j] += v
        elif j in code_b and i not in code_b:
            trade[i] += v
    out = defaultdict(lambda: [Fraction(0), 0, 0, 0])
    routed = unrouted = n_unrouted = 0
    for partner, value in trade.items():
        if value == 0:
            continue
        paths = routes(edges, iso.get(partner, ""), b, slack)
        if not paths:
            unrouted += value
            n_unrouted += 1
            continue
        routed += value
        for t, (c, choke, _) in shares(paths).items():
            if c == 0:
                continue
            out[t][0] += value * c
            out[t][2] += 1
            if choke:
                out[t][1] += value
                out[t][3] += 1
    return out, total, routed, unrouted, sum(1 for v in trade.values() if v), n_unrouted


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--geo", required=True)
    ap.add_argument("--codes", required=True)
    ap.add_argument("--closed", default="")
    ap.add_argument("--borders")
    ap.add_argument("--slack", type=int, default=1)
    ap.add_argument("--year", type=int)
    ap.add_argument("--product")
    ap.add_argument("--pair", nargs=2)
    ap.add_argument("--over")
    ap.add_argument("--check")
    ap.add_argument("files", nargs="*")
    args = ap.parse_args()
    edges = load_graph(args.geo, args.closed, args.borders)
    iso = {}
    for row in csv.DictReader(line for line in open(args.codes) if not line.startswith("#")):
        if row["iso3"]:
            iso[int(row["code"])] = row["iso3"]
    flows_by_year = read_flows(args.files) if args.files else {}
    year = args.year or (max(flows_by_year) if flows_by_year else 0)
    flows = flows_by_year.get(year, {})
    selected = product_filter(args.product)
    chk = Checker()
    got = read_lever_csv(args.check)[1] if args.check else None
    if args.pair:
        a, b = args.pair
        paths = routes(edges, a, b, args.slack)
        want_routes = sorted(("-".join(p) for p in paths), key=lambda r: (len(r), r))
        if got is None:
            print("\n".join(want_routes))
        else:
            rows = got["routes"]
            chk.count("routes", rows, want_routes)
            for row, want in zip(rows, want_routes):
                chk.exact("route %s" % row["rank"], row["route"], want)
            over_b = tlev(edges, flows, iso, b, args.slack, selected)
            over_a = tlev(edges, flows, iso, a, args.slack, selected)
            s = shares(paths)
            chk.count("transit", got["transit"], list(s))
            for row in got["transit"]:
                t = row["transit"]
                if t not in s:
                    chk.fail(t, "not a transit country in the reference")
                    continue
                c, choke, crossing = s[t]
                chk.ratio(t + " route_share", row["route_share"], c)
                chk.exact(t + " chokepoint", row["chokepoint"], int(choke))
                chk.exact(t + " routes", row["routes"], crossing)
                for side, (table, total) in (("b", over_b[:2]), ("a", over_a[:2])):
                    x = table.get(t, [0, 0])
                    chk.ratio(t + " tlev_over_" + side, row["tlev_over_" + side],
                              Fraction(x[0]) / total if total else None, 1e-12)
                    chk.ratio(t + " tlev_over_%s_chokepoint" % side,
                              row["tlev_over_%s_chokepoint" % side],
                              Fraction(x[1], total) if total else None, 1e-12)
    else:
        table, total, routed, unrouted, partners, n_unrouted = tlev(
            edges, flows, iso, args.over, args.slack, selected)
        if got is None:
            for t, x in sorted(table.items(), key=lambda kv: -kv[1][0]):
                print("%s,%.12g,%.12g" % (t, x[0] / total, x[1] / total))
            return 0
        cover = got["coverage"][0]
        for name, want in (("total_trade", total), ("routed", routed), ("unrouted", unrouted),
                           ("partners", partners), ("unrouted_partners", n_unrouted)):
            chk.exact("coverage " + name, cover[name], want)
        chk.count("transit", got["transit"], list(table))
        for row in got["transit"]:
            t = row["transit"]
            x = table.get(t)
            if x is None:
                chk.fail(t, "not a transit country in the reference")
                continue
            chk.ratio(t + " tlev", row["tlev"], x[0] / total, 1e-12)
            chk.ratio(t + " tlev_chokepoint", row["tlev_chokepoint"], Fraction(x[1], total),
                      1e-12)
            # carried is printed rounded to the dollar
            if abs(int(row["carried"]) - x[0]) > 1:
                chk.fail(t + " carried", "lever %s, reference %s" % (row["carried"], float(x[0])))
            chk.exact(t + " carried_chokepoint", row["carried_chokepoint"], x[1])
            chk.exact(t + " partners", row["partners"], x[2])
            chk.exact(t + " chokepoint_partners", row["chokepoint_partners"], x[3])
    return chk.report("transit.py", "transit")


if __name__ == "__main__":
    sys.exit(main())
