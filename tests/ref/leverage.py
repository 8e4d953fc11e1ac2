#!/usr/bin/env python3
"""leverage.py - an independent reference for lever leverage and lever exposure.

Reads BACI-layout CSV files (t,i,j,k,v,q; v in thousands of USD with 3 decimals, so
an exact integer of USD), recomputes from the raw rows and the formulas of
docs/INDICATORS.md (sections 2, 5, 6) the supply and market channels S and K, LEV both
ways, net, asymmetry, Hirschman D, Barbieri salience and symmetry, the contribution of
every product, and the rankings of partners, then compares them with the CSV lever
printed (--format csv), at a relative error of 1e-9. Python standard library only (the
readers and comparers of common.py); nothing here is shared with lever's C code.

usage:
  leverage.py [OPTIONS] --data FILE [--data FILE ...] pair A B LEVER_CSV
  leverage.py [OPTIONS] --data FILE ... rank A YEAR LEVER_CSV
  leverage.py [OPTIONS] --data FILE ... exposure B YEAR LEVER_CSV
A, B: numeric country codes. Exits 0 when every figure matches, 1 (listing the
differences) otherwise.

options (each mirrors a lever option):
  --product P1,P2      HS prefixes (lever --product P1,P2)
  --weight PREFIX=W    weight of the products under PREFIX (repeatable; what lever's
                       --groups/--weights give)
  --sigma FILE         CSV hs,sigma; d = d' = 1/sigma for products under the longest prefix
  --alternatives MODE  world (default), current, or numeric codes C1,C2,...

With partial data (e.g. only Algeria's imports and exports) the world totals W(k) and the
other countries' totals are partial too; the formulas are the same on the data given,
and so is the comparison.
"""
import csv
import math
import os
import sys
from collections import defaultdict

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import REL_TOL, Checker, prefix_digits, read_flows, read_lever_csv  # noqa: E402


class World:
    """Every flow of the files: v[t][(i, j, k)] (k as 6 digits) and the sums of
    INDICATORS.md."""

    def __init__(self, paths):
        self.v = {t: {(i, j, "%06d" % k): value for (i, j, k), value in flows.items()}
                  for t, flows in read_flows(paths).items()}
        self.m_jk, self.x_ik, self.w_k = {}, {}, {}
        self.exports, self.imports = {}, {}  # t -> i -> [(j, k, v)], t -> j -> [(i, k, v)]
        self.sellers, self.buyers = {}, {}  # t -> (j, k) -> [i], t -> (i, k) -> [j]
        for t, flows in self.v.items():
            m, x, w = defaultdict(int), defaultdict(int), defaultdict(int)
            out, inn = defaultdict(list), defaultdict(list)
            sellers, buyers = defaultdict(list), defaultdict(list)
            for (i, j, k), value in flows.items():
                m[(j, k)] += value
                x[(i, k)] += value
                w[k] += value
                out[i].append((j, k, value))
                inn[j].append((i, k, value))
                if value > 0:
                    sellers[(j, k)].append(i)
                    buyers[(i, k)].append(j)
            self.m_jk[t], self.x_ik[t], self.w_k[t] = m, x, w
            self.exports[t], self.imports[t] = out, inn
            self.sellers[t], self.buyers[t] = sellers, buyers


class Options:
    def __init__(self):
        self.products = None  # list of prefixes, None = all
        self.weights = []  # (prefix, weight)
        self.sigma = []  # (prefix, sigma)
        self.alternatives = "world"

    def selected(self, k):
        return self.products is None or any(k.startswith(p) for p in self.products)

    def weight(self, k):
        w = 1.0
        for prefix, value in self.weights:  # the last listed wins, as in lever
            if k.startswith(prefix):
                w = value
        return w

    def sigma_of(self, k):
        best = None
        for prefix, value in self.sigma:
            if k.startswith(prefix) and (best is None or len(prefix) > len(best[0])):
                best = (prefix, value)
        return best[1] if best else None


def read_sigma(path):
    entries = []
    with open(path, newline="") as f:
        for n, row in enumerate(csv.reader(f)):
            if not row or row[0].startswith("#") or (n == 0 and not row[0].strip().isdigit()):
                continue
            entries.append((prefix_digits(row[0]), float(row[1])))
    return entries


class Reference:
    def __init__(self, world, opts):
        self.wd, self.o = world, opts

    def alt_supply(self, t, i, j, k):
        """Supply the alternatives to exporter i already sell (section 5)."""
        x = self.wd.x_ik[t]
        mode = self.o.alternatives
        if mode == "world":
            return max(0, self.wd.w_k[t][k] - x.get((i, k), 0) - x.get((j, k), 0))
        if mode == "current":
            return sum(x.get((m, k), 0) for m in self.wd.sellers[t].get((j, k), ()) if m != i)
        return sum(x.get((m, k), 0) for m in mode if m not in (i, j))

    def alt_demand(self, t, i, j, k):
        """Demand the other buyers of exporter i's product k offer (section 5)."""
        m_ = self.wd.m_jk[t]
        mode = self.o.alternatives
        if mode == "world":
            return max(0, self.wd.w_k[t][k] - m_.get((j, k), 0) - m_.get((i, k), 0))
        if mode == "current":
            return sum(m_.get((m, k), 0) for m in self.wd.buyers[t].get((i, k), ()) if m != j)
        return sum(m_.get((m, k), 0) for m in mode if m not in (i, j))

    def d(self, t, i, j, k, v):
        sigma = self.o.sigma_of(k)
        if sigma is not None:
            return 1.0 / sigma
        return 1.0 / (1.0 + self.alt_supply(t, i, j, k) / v)

    def d_market(self, t, i, j, k, v):
        sigma = self.o.sigma_of(k)
        if sigma is not None:
            return 1.0 / sigma
        return 1.0 / (1.0 + self.alt_demand(t, i, j, k) / v)

    def flows(self, t, i, j):
        """[(k, v)] of i -> j over the selected products."""
        return [(k, v) for (k, v) in
                ((k, v) for (jj, k, v) in self.wd.exports[t].get(i, ()) if jj == j)
                if self.o.selected(k) and v > 0]

    def supply_terms(self, t, a, b):
        """S(a over b) = sum_k v(a->b,k) d(a,b,k) w_k, term by term."""
        return {k: (v, self.d(t, a, b, k, v), self.o.weight(k)) for k, v in self.flows(t, a, b)}

    def market_terms(self, t, a, b):
        """K(a over b) = sum_k v(b->a,k) d'(b,a,k) w_k, term by term."""
        return {k: (v, self.d_market(t, b, a, k, v), self.o.weight(k))
                for k, v in self.flows(t, b, a)}

    def total(self, t, c):
        """T(c) = X(c) + M(c) over the selected products."""
        x = sum(v for (j, k, v) in self.wd.exports[t].get(c, ()) if self.o.selected(k))
        m = sum(v for (i, k, v) in self.wd.imports[t].get(c, ()) if self.o.selected(k))
        return x + m

    def trade(self, t, a, b):
        return sum(v for _, v in self.flows(t, a, b)) + sum(v for _, v in self.flows(t, b, a))

    def lev(self, t, a, b):
        tb = self.total(t, b)
        if tb == 0:
            return math.nan
        s = sum(v * d * w for v, d, w in self.supply_terms(t, a, b).values())
        k = sum(v * d * w for v, d, w in self.market_terms(t, a, b).values())
        return (s + k) / tb

    def pair_year(self, t, a, b):
        def channel(terms):
            return sum(v * d * w for v, d, w in terms.values())
        s_ab, k_ab = channel(self.supply_terms(t, a, b)), channel(self.market_terms(t, a, b))
        s_ba, k_ba = channel(self.supply_terms(t, b, a)), channel(self.market_terms(t, b, a))
        ta, tb, tab = self.total(t, a), self.total(t, b), self.trade(t, a, b)
        lab = (s_ab + k_ab) / tb if tb else math.nan
        lba = (s_ba + k_ba) / ta if ta else math.nan
        if lba == 0:
            asym = math.nan if lab == 0 else math.inf
        else:
            asym = lab / lba
        dba = tab / tb if tb else math.nan
        dab = tab / ta if ta else math.nan
        return {"trade": tab, "total_a": ta, "total_b": tb, "supply_ab": s_ab,
                "market_ab": k_ab, "lev_ab": lab, "supply_ba": s_ba, "market_ba": k_ba,
                "lev_ba": lba, "net": lab - lba, "asymmetry": asym, "d_b_on_a": dba,
                "d_a_on_b": dab, "salience": math.sqrt(dab * dba),
                "symmetry": 1 - abs(dab - dba)}

    def partners(self, t, c):
        """Every country trading with c over the selected products."""
        seen = set()
        for (j, k, v) in self.wd.exports[t].get(c, ()):
            if self.o.selected(k) and v > 0:
                seen.add(j)
        for (i, k, v) in self.wd.imports[t].get(c, ()):
            if self.o.selected(k) and v > 0:
                seen.add(i)
        seen.discard(c)
        return seen


# ---- lever's CSV ----------------------------------------------------------------

def close(ck, what, got, want):
    """One figure: integers exactly, other numbers within REL_TOL of max(1, |want|)."""
    ck.value(what, got, want, 1.0)


def check_pair(ref, a, b, tables, ck):
    years = tables["years"]
    dep = {r["year"]: r for r in tables["dependence"]}
    if not years:
        ck.errors.append("no year rows")
    for row in years:
        t = int(row["year"])
        want = ref.pair_year(t, a, b)
        for key in ("trade", "total_a", "total_b", "supply_ab", "market_ab", "lev_ab",
                    "supply_ba", "market_ba", "lev_ba", "net", "asymmetry"):
            close(ck, "%d %s" % (t, key), row[key], want[key])
        for key in ("d_b_on_a", "d_a_on_b", "salience", "symmetry"):
            close(ck, "%d %s" % (t, key), dep[row["year"]][key], want[key])
    rows = tables.get("contributions", [])
    groups = defaultdict(list)
    for row in rows:
        groups[(int(row["year"]), row["holder"], row["channel"])].append(row)
    for (t, holder, channel), got in groups.items():
        h = int(got[0]["holder_code"])
        other = b if h == a else a
        terms = (ref.supply_terms(t, h, other) if channel == "supply"
                 else ref.market_terms(t, h, other))
        ranked = sorted(terms.items(), key=lambda kv: (-kv[1][0] * kv[1][1] * kv[1][2], kv[0]))
        total = sum(v * d * w for v, d, w in terms.values())
        for n, row in enumerate(got):
            what = "%d %s %s #%d" % (t, holder, channel, n + 1)
            k = row["hs6"]
            if k not in terms:
                ck.errors.append("%s: product %s is not in the channel" % (what, k))
                continue
            v, d, w = terms[k]
            close(ck, what + " value", row["value"], v)
            close(ck, what + " d", row["d"], d)
            close(ck, what + " term", row["term"], v * d * w)
            close(ck, what + " share", row["share"], v * d * w / total)
            close(ck, what + " rank (term of the n-th largest)", row["term"],
                     ranked[n][1][0] * ranked[n][1][1] * ranked[n][1][2])


def check_ranking(ref, c, t, tables, exposure, ck):
    rows = tables[""] if "" in tables else tables["partners"]
    partners = ref.partners(t, c)
    if len(rows) != len(partners):
        ck.errors.append("lever lists %d partners, the reference %d" % (len(rows), len(partners)))
    previous = math.inf
    for n, row in enumerate(rows):
        p = int(row["partner_code"])
        what = "partner %d" % p
        if p not in partners:
            ck.errors.append(what + ": not a partner in the reference")
            continue
        lev_cp, lev_pc = ref.lev(t, c, p), ref.lev(t, p, c)
        lev, rev = (lev_pc, lev_cp) if exposure else (lev_cp, lev_pc)
        close(ck, what + " rank", row["rank"], n + 1)
        close(ck, what + " trade", row["trade"], ref.trade(t, c, p))
        close(ck, what + " lev", row["lev"], lev)
        close(ck, what + " reverse", row["reverse"], rev)
        close(ck, what + " net", row["net"], lev - rev)
        if lev > previous * (1 + REL_TOL):
            ck.errors.append(what + ": not in decreasing order of lev")
        previous = lev


def main(argv):
    opts, data = Options(), []
    args = list(argv)
    rest = []
    while args:
        a = args.pop(0)
        if a == "--data":
            data.append(args.pop(0))
        elif a == "--product":
            opts.products = [prefix_digits(p) for p in args.pop(0).split(",")]
        elif a == "--weight":
            prefix, _, w = args.pop(0).partition("=")
            opts.weights.append((prefix_digits(prefix), float(w)))
        elif a == "--sigma":
            opts.sigma = read_sigma(args.pop(0))
        elif a == "--alternatives":
            mode = args.pop(0)
            opts.alternatives = mode if mode in ("world", "current") else [
                int(c) for c in mode.split(",")]
        else:
            rest.append(a)
    if not data or len(rest) != 4 or rest[0] not in ("pair", "rank", "exposure"):
        sys.stderr.write(__doc__)
        return 2
    ref = Reference(World(data), opts)
    _, tables = read_lever_csv(rest[3])
    ck = Checker()
    if rest[0] == "pair":
        check_pair(ref, int(rest[1]), int(rest[2]), tables, ck)
    else:
        check_ranking(ref, int(rest[1]), int(rest[2]), tables, rest[0] == "exposure", ck)
    return ck.report("leverage.py", "%s %s" % (rest[0], " ".join(rest[1:3])))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
