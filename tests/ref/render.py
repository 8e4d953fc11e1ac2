#!/usr/bin/env python3
"""render.py - an independent check of lever chart (SVG) and lever report (HTML).

Reads the BACI-layout CSV the store was imported from and recomputes, from the raw rows
and docs/INDICATORS.md, every figure a chart or page shows: the flows each way by year,
the largest products each way, an importer's suppliers of a product and their shares, the
supply and market channels and LEV both ways (leverage.py's Reference), the products'
dependence rows (depend.py's reference) and the change of a flow by product with its
quantity and price effects (change.py). Then it reads lever's output:

  svg KIND FILE    a chart: well-formed XML (xml.etree), one <svg> with a title, the
                   expected number of marks (class "mark"), and each mark's figure
                   (data-value, data-share, ...) equal to the reference;
  report FILE      a page: one <script> only, the JSON block (id lever-data), nothing that
                   loads from elsewhere (no src/href/url() to http, no <link>, no @import),
                   every chart's SVG well-formed, and every figure of the JSON block equal
                   to the reference.

Integers are compared exactly, other numbers within 1e-9 (relative). Python standard
library only; nothing is shared with lever's C code.

usage: render.py --data CSV [--data CSV ...] --a A --b B [--top N] [--from Y0 --to Y1]
                 (svg KIND FILE | report FILE)
A, B: numeric country codes. Exits 0 when everything matches, 1 otherwise.
"""
import argparse
import json
import math
import os
import re
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import REL_TOL, read_flows  # noqa: E402
import change as change_ref  # noqa: E402
import depend as depend_ref  # noqa: E402
import leverage as leverage_ref  # noqa: E402

SVG = "{http://www.w3.org/2000/svg}"
errors = []
checked = [0]


def fail(where, msg):
    errors.append("%s: %s" % (where, msg))


def same(where, got, want, scale=None):
    """got: text or number from lever; want: the reference."""
    checked[0] += 1
    if want is None or (isinstance(want, float) and math.isnan(want)):
        if got not in (None, "", "null"):
            fail(where, "lever %r, reference NaN/null" % (got,))
        return
    if isinstance(want, float) and math.isinf(want):
        if got not in ("inf", None) and not (isinstance(got, float) and math.isinf(got)):
            fail(where, "lever %r, reference inf" % (got,))
        return
    if isinstance(want, str):
        if str(got) != want:
            fail(where, "lever %r, reference %r" % (got, want))
        return
    try:
        value = float(got)
    except (TypeError, ValueError):
        fail(where, "lever %r is not a number, reference %r" % (got, want))
        return
    if isinstance(want, int) and not isinstance(want, bool):
        if value != want:
            fail(where, "lever %r, reference %d" % (got, want))
        return
    bound = REL_TOL * max(abs(float(want)), scale or 0.0)
    if not abs(value - float(want)) <= bound:
        fail(where, "lever %r, reference %.17g" % (got, float(want)))


class World:
    """The raw flows with quantities, and what the charts need of them."""

    def __init__(self, paths):
        self.flows = read_flows(paths, quantities=True)  # t -> (i, j, k) -> (v, q)
        self.years = sorted(self.flows)

    def x(self, t, i, j):
        return sum(v for (a, b, _), (v, _q) in self.flows[t].items() if a == i and b == j)

    def products(self, t, i, j):
        """{k: v} of i -> j in year t."""
        return {k: v for (a, b, k), (v, _q) in self.flows[t].items()
                if a == i and b == j and v > 0}

    def suppliers(self, t, j, k):
        return {i: v for (i, b, kk), (v, _q) in self.flows[t].items()
                if b == j and kk == k and v > 0}


def top_products(world, t, i, j, top):
    p = world.products(t, i, j)
    return sorted(p.items(), key=lambda e: (-e[1], e[0]))[:top]


def largest_product(world, t, a, b):
    p = top_products(world, t, a, b, 1)
    return p[0][0] if p else None


# ---- SVG ------------------------------------------------------------------------------

def marks(root):
    return [e for e in root.iter() if "mark" in (e.get("class") or "").split()]


def check_svg_common(where, root, kind):
    if root.tag != SVG + "svg":
        fail(where, "the root is %s, not an svg element" % root.tag)
    if root.get("data-chart") != kind:
        fail(where, "data-chart %r, expected %r" % (root.get("data-chart"), kind))
    texts = ["".join(t.itertext()) for t in root.iter(SVG + "text")]
    if not texts or not texts[0].strip():
        fail(where, "no title text")
    return texts


def check_flows(where, root, world, a, b, years):
    m = marks(root)
    same(where + " marks", len(m), 2 * len(years))
    for e in m:
        t, series = int(e.get("data-year")), e.get("data-series")
        want = world.x(t, a, b) if series == "a_to_b" else world.x(t, b, a)
        same("%s %s %d" % (where, series, t), e.get("data-value"), want)


def check_products(where, root, world, a, b, year, top):
    m = marks(root)
    want = {"a_to_b": dict(top_products(world, year, a, b, top)),
            "b_to_a": dict(top_products(world, year, b, a, top))}
    same(where + " marks", len(m), len(want["a_to_b"]) + len(want["b_to_a"]))
    for e in m:
        d, k = e.get("data-dir"), int(e.get("data-hs6"))
        if k not in want[d]:
            fail(where, "%s product %06d is not among the reference's top %d" % (d, k, top))
            continue
        same("%s %s %06d" % (where, d, k), e.get("data-value"), want[d][k])
    sections = [e for e in root.iter(SVG + "text")
                if "section-label" in (e.get("class") or "")]
    if not sections and m:
        fail(where, "no HS section labels")


def check_suppliers(where, root, world, a, b, years):
    meta = [e for e in root.iter() if (e.get("class") or "") == "meta"]
    k = int(meta[0].get("data-hs6")) if meta else largest_product(world, years[-1], a, b)
    n = 0
    for t in years:
        sup = world.suppliers(t, b, k)
        total = sum(sup.values())
        ms = [e for e in marks(root) if int(e.get("data-year")) == t]
        named = 0
        for e in ms:
            code = int(e.get("data-code"))
            if code >= 0:
                want = sup.get(code, 0)
                named += want
                same("%s %d supplier %d value" % (where, t, code), e.get("data-value"), want)
                same("%s %d supplier %d share" % (where, t, code), e.get("data-share"),
                     want / total if total else math.nan)
        for e in ms:
            if int(e.get("data-code")) < 0:
                same("%s %d others" % (where, t), e.get("data-value"), total - named)
        n += len(ms)
    if n == 0:
        fail(where, "no marks")


def check_leverage(where, root, ref, a, b, years):
    m = marks(root)
    same(where + " marks", len(m), 2 * len(years))
    for e in m:
        t, d = int(e.get("data-year")), e.get("data-dir")
        py = ref.pair_year(t, a, b)
        sfx = "ab" if d == "ab" else "ba"
        same("%s %d LEV %s" % (where, t, sfx), e.get("data-value"), py["lev_" + sfx])
        same("%s %d S %s" % (where, t, sfx), e.get("data-supply"), py["supply_" + sfx])
        same("%s %d K %s" % (where, t, sfx), e.get("data-market"), py["market_" + sfx], 1.0)


def check_change(where, root, world, a, b, y0, y1, top):
    summary, rows = change_ref.compute_change(world.flows, a, b, y0, y1, lambda k: True)
    shown = rows[:top]
    m = marks(root)
    by = defaultdict(dict)
    for e in m:
        by[e.get("data-hs6")][e.get("data-what")] = e.get("data-value")
    for r in shown:
        key = "%06d" % r["hs6"]
        if key not in by:
            fail(where, "product %s of the reference's top %d is not drawn" % (key, top))
            continue
        scale = max(abs(r["delta"]), 1)
        same("%s %s change" % (where, key), by[key].get("delta"), r["delta"])
        for what, ref_key in (("quantity_effect", "qe"), ("price_effect", "pe")):
            want = r[ref_key]
            want = float(want) if not (isinstance(want, float) and math.isnan(want)) else None
            same("%s %s %s" % (where, key, what), by[key].get(what), want, scale)
    if len(rows) > top:
        same(where + " other products", by.get("other", {}).get("delta"),
             summary["delta"] - sum(r["delta"] for r in shown))
    same(where + " bars", len([k for k in by if k != "other"]), len(shown))


def check_svg(kind, path, world, args):
    where = "%s %s" % (kind, os.path.basename(path))
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        fail(where, "not well-formed XML: %s" % e)
        return
    check_svg_common(where, root, kind)
    y0 = args.year_from or world.years[0]
    y1 = args.year_to or world.years[-1]
    years = [t for t in world.years if y0 <= t <= y1]
    a, b = args.a, args.b
    if kind == "flows":
        check_flows(where, root, world, a, b, years)
    elif kind == "products":
        check_products(where, root, world, a, b, y1, args.top)
    elif kind == "suppliers":
        check_suppliers(where, root, world, a, b, years)
    elif kind == "leverage":
        check_leverage(where, root, leverage_ref.Reference(leverage_ref.World(args.data),
                                                           leverage_ref.Options()), a, b, years)
    elif kind == "change":
        check_change(where, root, world, a, b, y0, y1, args.top)
    else:
        fail(where, "unknown kind")


# ---- the page -------------------------------------------------------------------------

def check_page_markup(where, html):
    scripts = re.findall(r"<script\b[^>]*>", html)
    if scripts != ['<script type="application/json" id="lever-data">']:
        fail(where, "scripts other than the JSON block: %r" % scripts)
    for pattern, what in ((r"<link\b", "a <link>"), (r"@import", "an @import"),
                          (r"<img\b", "an <img>"), (r"<iframe\b", "an <iframe>"),
                          (r"\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//", "an external src/href"),
                          (r"url\(\s*[\"']?(?:https?:)?//", "an external url()")):
        if re.search(pattern, html):
            fail(where, "the page holds %s" % what)
    for n, svg in enumerate(re.findall(r"<svg\b.*?</svg>", html, re.S)):
        try:
            ET.fromstring(svg)
        except ET.ParseError as e:
            fail(where, "chart %d is not well-formed: %s" % (n + 1, e))
    if not re.search(r"@media print", html) or not re.search(r"name=\"viewport\"", html):
        fail(where, "no print stylesheet or no viewport")


def check_report(path, world, args):
    where = "report " + os.path.basename(path)
    with open(path, encoding="utf-8") as f:
        html = f.read()
    check_page_markup(where, html)
    m = re.search(r'<script type="application/json" id="lever-data">(.*?)</script>', html, re.S)
    if not m:
        fail(where, "no JSON block")
        return
    data = json.loads(m.group(1))
    a, b, top = args.a, args.b, args.top
    same(where + " A", data["a"]["code"], a)
    same(where + " B", data["b"]["code"], b)
    y0, y1 = data["year_from"], data["year_to"]
    years = [t for t in world.years if y0 <= t <= y1]
    same(where + " years", [r["year"] for r in data["dyad"]["years"]] == years, True)
    # flows each way
    for r in data["dyad"]["years"]:
        t = r["year"]
        xab, xba = world.x(t, a, b), world.x(t, b, a)
        same("%s dyad %d a_to_b" % (where, t), r["a_to_b"], xab)
        same("%s dyad %d b_to_a" % (where, t), r["b_to_a"], xba)
        same("%s dyad %d balance" % (where, t), r["balance"], xab - xba)
    # products each way: the top N of every year
    for key, (i, j) in (("a_to_b", (a, b)), ("b_to_a", (b, a))):
        for t in years:
            got = [(int(r["hs6"]), r["value"]) for r in data["dyad"][key] if r["year"] == t]
            want = top_products(world, t, i, j, top)
            same("%s %s %d products" % (where, key, t), [v for _, v in got] ==
                 [v for _, v in want], True)
            wd = dict(world.products(t, i, j))
            for k, v in got:
                same("%s %s %d %06d" % (where, key, t, k), v, wd.get(k))
    # dependence both ways
    for key, (imp, on) in (("depend_b", (b, a)), ("depend_a", (a, b))):
        plain = {t: {ijk: vq[0] for ijk, vq in fl.items()} for t, fl in world.flows.items()}
        rows = depend_ref.reference(plain, imp, on, y1, lambda k: True, "world")[:top]
        got = data[key]["products"]
        same("%s %s rows" % (where, key), len(got), len(rows))
        for g, w in zip(got, rows):
            for col in ("hs6", "imports", "import_share", "supplier_value", "supplier_share",
                        "hhi", "hhi_level", "n_suppliers", "d", "geodep", "critical", "score"):
                same("%s %s %s %s" % (where, key, w["hs6"], col), g[col], w[col])
    # leverage both ways
    ref = leverage_ref.Reference(leverage_ref.World(args.data), leverage_ref.Options())
    for r in data["leverage"]["years"]:
        want = ref.pair_year(r["year"], a, b)
        for col in ("trade", "total_a", "total_b", "supply_ab", "market_ab", "lev_ab",
                    "supply_ba", "market_ba", "lev_ba", "net", "asymmetry"):
            same("%s leverage %d %s" % (where, r["year"], col), r[col], want[col],
                 1.0 if col.startswith(("supply", "market")) else None)
    # suppliers of B's largest imports from A
    for s in data["suppliers"]:
        k = int(s["hs6"])
        for yr in s["years"]:
            sup = world.suppliers(yr["year"], b, k)
            total = sum(sup.values())
            want = sorted(sup.items(), key=lambda e: (-e[1], e[0]))
            same("%s suppliers %06d %d count" % (where, k, yr["year"]), len(yr["suppliers"]),
                 len(want))
            for g, (c, v) in zip(yr["suppliers"], want):
                same("%s suppliers %06d %d %d" % (where, k, yr["year"], c), g["country_code"], c)
                same("%s suppliers %06d %d %d value" % (where, k, yr["year"], c), g["value"], v)
                same("%s suppliers %06d %d %d share" % (where, k, yr["year"], c), g["share"],
                     v / total)
    # what changed
    for key, (i, j) in (("a_to_b", (a, b)), ("b_to_a", (b, a))):
        ch = data["change"][key]
        if y0 == y1:
            same("%s change %s" % (where, key), ch, None)
            continue
        summary, rows = change_ref.compute_change(world.flows, i, j, y0, y1, lambda k: True)
        same("%s change %s total_from" % (where, key), ch["total_from"], summary["total0"])
        same("%s change %s total_to" % (where, key), ch["total_to"], summary["total1"])
        same("%s change %s change" % (where, key), ch["change"], summary["delta"])
        for g, w in zip(ch["products"], rows[:top]):
            where_k = "%s change %s %06d" % (where, key, w["hs6"])
            same(where_k + " hs6", g["hs6"], "%06d" % w["hs6"])
            same(where_k + " change", g["change"], w["delta"])
            scale = max(abs(w["delta"]), 1)
            for col, rk in (("quantity_effect", "qe"), ("price_effect", "pe")):
                want = w[rk]
                same(where_k + " " + col, g[col],
                     None if isinstance(want, float) and math.isnan(want) else float(want), scale)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", action="append", required=True)
    ap.add_argument("--a", type=int, required=True)
    ap.add_argument("--b", type=int, required=True)
    ap.add_argument("--top", type=int, default=10)
    ap.add_argument("--from", dest="year_from", type=int, default=0)
    ap.add_argument("--to", dest="year_to", type=int, default=0)
    ap.add_argument("what", nargs="+")
    args = ap.parse_args()
    world = World(args.data)
    if args.what[0] == "svg" and len(args.what) == 3:
        check_svg(args.what[1], args.what[2], world, args)
    elif args.what[0] == "report" and len(args.what) == 2:
        check_report(args.what[1], world, args)
    else:
        ap.error("give svg KIND FILE or report FILE")
    if errors:
        print("render.py: %d of %d figures differ" % (len(errors), checked[0]))
        for e in errors[:30]:
            print("  " + e)
        return 1
    print("render.py: %d figures match" % checked[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
