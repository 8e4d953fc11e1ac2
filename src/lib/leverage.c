/*
 * leverage.c - leverage between countries (INDICATORS.md section 6): for a pair, year
 * by year, the supply channel S, the market channel K and LEV = (S + K) / T both ways,
 * with Hirschman's and Barbieri's measures beside them and the products that carry
 * each channel (lever leverage A --over B); for one country, every partner ranked by
 * the leverage it holds (lever leverage A) or is exposed to (lever exposure B).
 *
 * The formulas live elsewhere, once: d and d' in substitute.c (which reads the
 * --alternatives mode and the --sigma elasticities) and in indicators.c, weights and the
 * product filter in the query, ratios in indicators.c. This file decides which flows
 * feed which sum, and walks the store so that it touches each flow once.
 *
 * Every flow between a subject country c and a partner p feeds two of four sums:
 *   a row c->p of value v feeds S(c over p) with v*d(c,p,k) and K(p over c) with
 *   v*d'(c,p,k); a row p->c feeds S(p over c) with v*d(p,c,k) and K(c over p) with
 *   v*d'(p,c,k).
 * A pass over c visits, partner by partner, the dyad rows c->p and p->c (each one
 * contiguous range sorted by product), so rankings cost O(rows of c + countries), never
 * one query per partner. In the default world mode (no sigma), d and d' need W(k),
 * X(c,k), M(c,k), X(p,k) and M(p,k): the pass keeps c's sums in two dense arrays and
 * walks p's sums with forward-only cursors (products come in increasing order), so no
 * flow costs a binary search; it then applies the same formula functions
 * substitute.c applies (alternative_*_world and non_substitutability), and the tests
 * check the two agree. The other modes call subst_d_supply / subst_d_market per flow.
 *
 * Product filters restrict every sum to the selected products, T(c) included, so LEV is
 * a share of the country's trade in those products. Weights multiply the S and K terms
 * only, never T, so with weights LEV may exceed 1.
 */
#include "internal.h"

#include <stdlib.h>

/* The four channels between a subject country c and one partner p, plus their trade. */
typedef struct pair_channels {
    double supply_cp; /* S(c over p): c's sales to p, weighted by d(c,p,k) */
    double market_cp; /* K(c over p): p's sales to c, weighted by d'(p,c,k) */
    double supply_pc; /* S(p over c): p's sales to c, weighted by d(p,c,k) */
    double market_pc; /* K(p over c): c's sales to p, weighted by d'(c,p,k) */
    uint64_t trade;   /* T(c,p) over the selected products */
} pair_channels;

/* Growable list of contributions. */
typedef struct contrib_list {
    lever_contribution *items;
    size_t n, cap;
} contrib_list;

/* One pass over the flows of a subject country c in year index y. */
typedef struct subject_pass {
    const lever_store *s;
    const lever_query *q;
    int y, year, c;
    bool world;          /* world alternatives and no sigma: the cursor path */
    const uint64_t *w_k; /* W(k) of year y */
    uint64_t *x_c, *m_c; /* X(c,k), M(c,k) per product (world only) */
    contrib_list *candidates; /* every term, when contributions are wanted; else NULL */
    int rc;              /* LEVER_ENOMEM once a push failed */
} subject_pass;

/* Forward-only positions in p's X(p,k) and M(p,k) entries (sorted by k). */
typedef struct partner_cursor {
    const store_xik *x, *x_end;
    const store_mjk *m, *m_end;
} partner_cursor;

static bool valid_country(const lever_store *s, int c)
{
    return c >= 0 && (uint32_t)c < s->n_countries;
}

/* ------------------------------------------------------------------ */
/* Sums the pass needs                                                 */
/* ------------------------------------------------------------------ */

/* T(c) = X(c) + M(c) over the selected products of year index y. */
static uint64_t country_total(const lever_store *s, const lever_query *q, int y, int c)
{
    return query_exports(s, q, y, c) + query_imports(s, q, y, c);
}

/* T(c) for every country c of year index y, selected products only (one pass). */
static void all_country_totals(const lever_store *s, const lever_query *q, int y,
                               uint64_t *totals)
{
    if (!q || !q->products) {
        for (uint32_t c = 0; c < s->n_countries; c++)
            totals[c] = store_x_i(s, y, (int)c) + store_m_j(s, y, (int)c);
        return;
    }
    memset(totals, 0, s->n_countries * sizeof *totals);
    const store_year *yr = &s->years[y];
    for (uint64_t e = yr->xik_start; e < yr->xik_start + yr->xik_count; e++)
        if (query_has_product(q, s->xik[e].k))
            totals[s->xik[e].i] += s->xik[e].x;
    for (uint64_t e = yr->mjk_start; e < yr->mjk_start + yr->mjk_count; e++)
        if (query_has_product(q, s->mjk[e].k))
            totals[s->mjk[e].j] += s->mjk[e].m;
}

static bool pass_is_world(const lever_query *q)
{
    return !q || (q->alternatives == LEVER_ALT_WORLD && !q->sigma);
}

/* Sets up a pass over c in year index y; the caller frees x_c (one block with m_c). */
static int pass_start(subject_pass *ps, const lever_store *s, const lever_query *q, int y,
                      int c, contrib_list *candidates)
{
    memset(ps, 0, sizeof *ps);
    ps->s = s;
    ps->q = q;
    ps->y = y;
    ps->year = s->years[y].year;
    ps->c = c;
    ps->world = pass_is_world(q);
    ps->candidates = candidates;
    if (!ps->world)
        return LEVER_OK;
    size_t np = s->n_products;
    ps->w_k = s->w_k + (size_t)y * np;
    ps->x_c = calloc(2 * np + 1, sizeof *ps->x_c);
    if (!ps->x_c)
        return LEVER_ENOMEM;
    ps->m_c = ps->x_c + np;
    const store_xik *x, *x_end;
    for (store_exporter_entries(s, y, c, &x, &x_end); x < x_end; x++)
        ps->x_c[x->k] = x->x;
    const store_mjk *m, *m_end;
    for (store_importer_entries(s, y, c, &m, &m_end); m < m_end; m++)
        ps->m_c[m->k] = m->m;
    return LEVER_OK;
}

static void cursor_start(const subject_pass *ps, int p, partner_cursor *pc)
{
    store_exporter_entries(ps->s, ps->y, p, &pc->x, &pc->x_end);
    store_importer_entries(ps->s, ps->y, p, &pc->m, &pc->m_end);
}

/* The number of entries before the first one whose product is >= k, among n entries of
 * `stride` bytes whose uint16_t product sits at `offset`: a short linear scan (the next
 * entries share cache lines and the prefetcher follows), then a galloping search, so a
 * walk through increasing k costs O(log distance) per step, about a merge. */
static size_t gallop(const void *base, size_t n, size_t stride, size_t offset, int k)
{
#define PRODUCT_AT(i) (*(const uint16_t *)((const char *)base + (i) * stride + offset))
    enum { LINEAR = 16 };
    size_t lo = 0, step = 1;
    while (lo < n && lo < LINEAR && PRODUCT_AT(lo) < k)
        lo++;
    if (lo < LINEAR)
        return lo;
    while (lo + step <= n && PRODUCT_AT(lo + step - 1) < k) {
        lo += step;
        step *= 2;
    }
    size_t hi = lo + step <= n ? lo + step : n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (PRODUCT_AT(mid) < k)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
#undef PRODUCT_AT
}

/* X(p,k), advancing the cursor; k must not decrease between calls. */
static uint64_t cursor_x(partner_cursor *pc, int k)
{
    pc->x += gallop(pc->x, (size_t)(pc->x_end - pc->x), sizeof *pc->x,
                    offsetof(store_xik, k), k);
    return pc->x < pc->x_end && pc->x->k == k ? pc->x->x : 0;
}

/* M(p,k), advancing the cursor; k must not decrease between calls. */
static uint64_t cursor_m(partner_cursor *pc, int k)
{
    pc->m += gallop(pc->m, (size_t)(pc->m_end - pc->m), sizeof *pc->m,
                    offsetof(store_mjk, k), k);
    return pc->m < pc->m_end && pc->m->k == k ? pc->m->m : 0;
}

/* ------------------------------------------------------------------ */
/* The pass                                                            */
/* ------------------------------------------------------------------ */

static int contrib_push(contrib_list *l, const lever_contribution *c)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        lever_contribution *bigger = realloc(l->items, cap * sizeof *bigger);
        if (!bigger)
            return LEVER_ENOMEM;
        l->items = bigger;
        l->cap = cap;
    }
    l->items[l->n++] = *c;
    return LEVER_OK;
}

/* d(from,to,k) and d'(from,to,k) of one flow between c and p. In world mode from the
 * sums at hand (W(k) - X(from,k) - X(to,k), W(k) - M(to,k) - M(from,k)); otherwise by
 * substitute.c, which knows the other modes and sigma. */
static void flow_d(const subject_pass *ps, partner_cursor *pc, int from, int to, int k,
                   uint64_t v, double *d, double *d_market)
{
    if (!ps->world) {
        *d = subst_d_supply(ps->s, ps->q, ps->y, from, to, k, v);
        *d_market = subst_d_market(ps->s, ps->q, ps->y, from, to, k, v);
        return;
    }
    uint64_t x_p = cursor_x(pc, k), m_p = cursor_m(pc, k);
    bool c_sells = from == ps->c;
    uint64_t x_from = c_sells ? ps->x_c[k] : x_p, x_to = c_sells ? x_p : ps->x_c[k];
    uint64_t m_from = c_sells ? ps->m_c[k] : m_p, m_to = c_sells ? m_p : ps->m_c[k];
    *d = non_substitutability(alternative_supply_world(ps->w_k[k], x_from, x_to), v);
    *d_market = non_substitutability(alternative_demand_world(ps->w_k[k], m_to, m_from), v);
}

/* The flows from -> to, rows [lo, hi) (one dyad, sorted by product): the exporter's
 * supply terms into *supply_from, the importer's market terms into *market_to. */
static void pass_dyad(subject_pass *ps, int from, int to, uint64_t lo, uint64_t hi,
                      double *supply_from, double *market_to, uint64_t *trade)
{
    const lever_store *s = ps->s;
    if (lo == hi)
        return;
    partner_cursor pc;
    cursor_start(ps, from == ps->c ? to : from, &pc);
    for (uint64_t r = lo; r < hi; r++) {
        int k = s->fk[r];
        uint64_t v = store_v(s, r);
        if (v == 0 || !query_has_product(ps->q, k))
            continue; /* a zero value moves no trade and its d is undefined */
        double d, d_market, w = query_weight(ps->q, k);
        flow_d(ps, &pc, from, to, k, v, &d, &d_market);
        double supply = (double)v * d * w, market = (double)v * d_market * w;
        *supply_from += supply;
        *market_to += market;
        *trade += v;
        if (!ps->candidates || ps->rc)
            continue;
        lever_contribution sc = {ps->year, from, LEVER_CHANNEL_SUPPLY, k, v, d, w, supply};
        lever_contribution mc = {ps->year, to, LEVER_CHANNEL_MARKET, k, v, d_market, w, market};
        ps->rc = contrib_push(ps->candidates, &sc);
        if (!ps->rc)
            ps->rc = contrib_push(ps->candidates, &mc);
    }
}

/* The four channels between c and p; [lo, hi) are the rows c -> p. */
static void pass_partner(subject_pass *ps, int p, uint64_t lo, uint64_t hi, pair_channels *ch)
{
    pass_dyad(ps, ps->c, p, lo, hi, &ch->supply_cp, &ch->market_pc, &ch->trade);
    store_dyad_rows(ps->s, ps->y, p, ps->c, &lo, &hi);
    pass_dyad(ps, p, ps->c, lo, hi, &ch->supply_pc, &ch->market_cp, &ch->trade);
}

/* ------------------------------------------------------------------ */
/* One pair, year by year: lever leverage A --over B                   */
/* ------------------------------------------------------------------ */

/* Order inside a year: holder (0 for A, 1 for B while sorting), channel, then the largest
 * term first. */
static int compare_contributions(const void *pa, const void *pb)
{
    const lever_contribution *a = pa, *b = pb;
    if (a->holder != b->holder)
        return a->holder < b->holder ? -1 : 1;
    if (a->channel != b->channel)
        return a->channel < b->channel ? -1 : 1;
    if (a->term != b->term)
        return a->term > b->term ? -1 : 1;
    return (a->product > b->product) - (a->product < b->product);
}

/* Keeps the `top` largest candidates of each holder and channel (all when top is larger),
 * A's before B's. */
static int keep_top(contrib_list *candidates, int top, int a, int b, contrib_list *kept)
{
    if (candidates->n == 0)
        return LEVER_OK;
    for (size_t n = 0; n < candidates->n; n++)
        candidates->items[n].holder = candidates->items[n].holder == a ? 0 : 1;
    qsort(candidates->items, candidates->n, sizeof *candidates->items, compare_contributions);
    int run = 0;
    for (size_t n = 0; n < candidates->n; n++) {
        lever_contribution c = candidates->items[n];
        bool same_group = n > 0 && c.holder == candidates->items[n - 1].holder &&
                          c.channel == candidates->items[n - 1].channel;
        run = same_group ? run + 1 : 0;
        if (run >= top)
            continue;
        c.holder = c.holder == 0 ? a : b;
        int rc = contrib_push(kept, &c);
        if (rc)
            return rc;
    }
    candidates->n = 0;
    return LEVER_OK;
}

static void fill_year(lever_leverage_year *out, int year, const pair_channels *ch,
                      uint64_t total_a, uint64_t total_b)
{
    out->year = year;
    out->trade = ch->trade;
    out->total_a = total_a;
    out->total_b = total_b;
    out->supply_ab = ch->supply_cp;
    out->market_ab = ch->market_cp;
    out->lev_ab = leverage_ratio(ch->supply_cp, ch->market_cp, total_b);
    out->supply_ba = ch->supply_pc;
    out->market_ba = ch->market_pc;
    out->lev_ba = leverage_ratio(ch->supply_pc, ch->market_pc, total_a);
    out->net = net_leverage(out->lev_ab, out->lev_ba);
    out->asymmetry = asymmetry_ratio(out->lev_ab, out->lev_ba);
    out->d_b_on_a = hirschman_dependence(ch->trade, total_b);
    out->d_a_on_b = hirschman_dependence(ch->trade, total_a);
    out->salience = barbieri_salience(out->d_a_on_b, out->d_b_on_a);
    out->symmetry = barbieri_symmetry(out->d_a_on_b, out->d_b_on_a);
}

/* One year of the pair: its figures and, when top > 0, its top contributions. */
static int pair_year(const lever_store *s, const lever_query *q, int y, int a, int b, int top,
                     contrib_list *candidates, contrib_list *kept, lever_leverage_year *out)
{
    subject_pass ps;
    int rc = pass_start(&ps, s, q, y, a, top > 0 ? candidates : NULL);
    if (rc)
        return rc;
    pair_channels ch = {0};
    uint64_t lo, hi;
    store_dyad_rows(s, y, a, b, &lo, &hi);
    pass_partner(&ps, b, lo, hi, &ch);
    free(ps.x_c);
    if (ps.rc)
        return ps.rc;
    fill_year(out, ps.year, &ch, country_total(s, q, y, a), country_total(s, q, y, b));
    return top > 0 ? keep_top(candidates, top, a, b, kept) : LEVER_OK;
}

void lever_leverage_free(lever_leverage_result *r)
{
    if (!r)
        return;
    free(r->years);
    free(r->contributions);
    free(r);
}

int lever_leverage(lever_store *s, int a, int b, const lever_query *q, int top,
                   lever_leverage_result **out)
{
    *out = NULL;
    if (!valid_country(s, a) || !valid_country(s, b))
        return store_fail(s, LEVER_EUSAGE, "leverage: country index out of range");
    if (a == b)
        return store_fail(s, LEVER_EUSAGE,
                          "leverage of a country over itself is not defined; name two "
                          "different countries");
    int y0, y1;
    int rc = query_years(s, q, &y0, &y1);
    if (rc)
        return rc;
    lever_leverage_result *r = calloc(1, sizeof *r);
    if (!r || !(r->years = calloc((size_t)(y1 - y0 + 1), sizeof *r->years))) {
        free(r);
        return store_fail(s, LEVER_ENOMEM, "out of memory computing leverage");
    }
    r->a = a;
    r->b = b;
    contrib_list candidates = {0}, kept = {0};
    for (int y = y0; y <= y1 && rc == LEVER_OK; y++)
        rc = pair_year(s, q, y, a, b, top, &candidates, &kept, &r->years[r->n_years++]);
    free(candidates.items);
    if (rc) {
        free(kept.items);
        lever_leverage_free(r);
        return store_fail(s, rc, "out of memory computing leverage");
    }
    r->contributions = kept.items;
    r->n_contributions = kept.n;
    *out = r;
    return LEVER_OK;
}

/* ------------------------------------------------------------------ */
/* Every partner of one country: lever leverage A, lever exposure B    */
/* ------------------------------------------------------------------ */

/* Largest lev first; then the larger trade, then the country index, so output is stable. */
static int compare_rank_rows(const void *pa, const void *pb)
{
    const lever_rank_row *a = pa, *b = pb;
    bool na = isnan(a->lev), nb = isnan(b->lev);
    if (na != nb)
        return na ? 1 : -1;
    if (!na && a->lev != b->lev)
        return a->lev > b->lev ? -1 : 1;
    if (a->trade != b->trade)
        return a->trade > b->trade ? -1 : 1;
    return (a->partner > b->partner) - (a->partner < b->partner);
}

/* The rows of the ranking of c. holder_is_c: lev = LEV(c over p) (leverage), else
 * lev = LEV(p over c) (exposure). */
static void fill_ranking(lever_ranking *r, const lever_store *s, int c,
                         const pair_channels *acc, const uint64_t *totals, bool holder_is_c)
{
    for (uint32_t p = 0; p < s->n_countries; p++) {
        if (acc[p].trade == 0 || (int)p == c)
            continue;
        double lev_c_over_p = leverage_ratio(acc[p].supply_cp, acc[p].market_cp, totals[p]);
        double lev_p_over_c = leverage_ratio(acc[p].supply_pc, acc[p].market_pc, totals[c]);
        lever_rank_row *row = &r->rows[r->n++];
        row->partner = (int)p;
        row->trade = acc[p].trade;
        row->lev = holder_is_c ? lev_c_over_p : lev_p_over_c;
        row->reverse = holder_is_c ? lev_p_over_c : lev_c_over_p;
        row->net = net_leverage(row->lev, row->reverse);
    }
    qsort(r->rows, r->n, sizeof *r->rows, compare_rank_rows);
}

static int rank_partners(lever_store *s, int c, int year, const lever_query *q, bool holder_is_c,
                         lever_ranking **out)
{
    *out = NULL;
    if (!valid_country(s, c))
        return store_fail(s, LEVER_EUSAGE, "country index out of range");
    int y;
    int rc = query_year(s, year, &y);
    if (rc)
        return rc;
    size_t nc = s->n_countries;
    pair_channels *acc = calloc(nc, sizeof *acc);
    uint64_t *totals = malloc(nc * sizeof *totals + 1);
    lever_ranking *r = calloc(1, sizeof *r);
    subject_pass ps = {0};
    if (!acc || !totals || !r || !(r->rows = malloc(nc * sizeof *r->rows + 1)) ||
        pass_start(&ps, s, q, y, c, NULL) != LEVER_OK) {
        free(acc);
        free(totals);
        lever_ranking_free(r);
        return store_fail(s, LEVER_ENOMEM, "out of memory ranking partners");
    }
    /* c's export rows are sorted by partner: each dyad c -> p is the next run */
    uint64_t next, end;
    store_exporter_rows(s, y, c, &next, &end);
    for (uint32_t p = 0; p < nc; p++) {
        uint64_t lo = next;
        while (next < end && s->fj[next] == p)
            next++;
        if ((int)p != c)
            pass_partner(&ps, (int)p, lo, next, &acc[p]);
    }
    free(ps.x_c);
    all_country_totals(s, q, y, totals);
    r->country = c;
    r->year = ps.year;
    fill_ranking(r, s, c, acc, totals, holder_is_c);
    free(acc);
    free(totals);
    *out = r;
    return LEVER_OK;
}

int lever_leverage_rank(lever_store *s, int a, int year, const lever_query *q,
                        lever_ranking **out)
{
    return rank_partners(s, a, year, q, true, out);
}

int lever_exposure(lever_store *s, int b, int year, const lever_query *q, lever_ranking **out)
{
    return rank_partners(s, b, year, q, false, out);
}

void lever_ranking_free(lever_ranking *r)
{
    if (!r)
        return;
    free(r->rows);
    free(r);
}
