/*
 * depend.c - where an importer B is exposed (lever depend): for every product k B
 * imports in one year, how big it is in B's imports, who supplies it and how
 * concentrated that supply is (at B and in the world), how replaceable the supplier
 * is, the GeoDep and critical-dependence screens, and the largest alternative
 * suppliers (docs/INDICATORS.md sections 2-5). With --on A the supplier is A and
 * only the products A sells to B are listed, ranked by A's share (equal shares, often
 * 100%, by score, so that the products that weigh most come first).
 *
 * Cost: B's products are one contiguous run of M(j,k) entries, merged with the run
 * of B's own X(i,k) entries (both sorted by k); the suppliers of each (B,k) are one
 * run of the importer permutation. The only work proportional to the world is
 * HHI_W(k) = sum_i X(i,k)^2 / W(k)^2: one pass over the year's X(i,k) entries
 * (exact 128-bit sums of squares, and the five largest exporters of each product
 * for the world-mode alternatives), repeated for the two previous years that the
 * persistence screen needs. Every formula is a call into formulas.c or
 * substitute.c; this file only selects, sums and ranks.
 *
 * --measure quantity (depend_quantity below): the store's precomputed M(j,k), X(i,k) and
 * W(k) are in USD, so the same figures in kilograms are summed from the rows: B's suppliers
 * of each product (its importer run), B's own exports (its exporter rows) and, for HHI_W,
 * W(k) and the alternatives, one pass over the year's rows that keeps only B's products.
 * Each flow counts its kg times its product's factor, rounded to the kg, so that every
 * formula of value applies unchanged (and exactly) to kilograms.
 */
#include "query.h"

#include <math.h>
#include <stdlib.h>

__extension__ typedef unsigned __int128 u128;

/* Largest exporters kept per product: the top 3 alternatives less the supplier and B. */
#define WORLD_TOP 5
#define N_ALTERNATIVES 3

/* World supply of every product in one year: HHI_W(k) and the largest exporters. */
typedef struct world_supply {
    int y;                 /* year index, -1 when the year is not in the store */
    double *hhi_w;         /* [n_products], NaN for products nobody exports */
    int *top_country;      /* [n_products * WORLD_TOP], -1 for empty slots; may be NULL */
    uint64_t *top_exports; /* [n_products * WORLD_TOP] */
} world_supply;

/* Everything one lever_depend call shares. */
typedef struct depend_ctx {
    const lever_store *s;
    const lever_query *q;
    int importer, on, y;
    uint64_t m_total;       /* M(B) over the selected products */
    world_supply world[3];  /* this year, the year before, two years before */
} depend_ctx;

/* ------------------------------------------------------------------ */
/* World supply pass                                                   */
/* ------------------------------------------------------------------ */

/* Keeps exporter c with exports x among the WORLD_TOP largest of its product: larger
 * exports first; an equal value never displaces an earlier (smaller) country. */
static void keep_top_exporter(int *country, uint64_t *exports, int c, uint64_t x)
{
    if (country[WORLD_TOP - 1] >= 0 && x <= exports[WORLD_TOP - 1])
        return;
    int pos = WORLD_TOP - 1;
    while (pos > 0 && (country[pos - 1] < 0 || x > exports[pos - 1])) {
        country[pos] = country[pos - 1];
        exports[pos] = exports[pos - 1];
        pos--;
    }
    country[pos] = c;
    exports[pos] = x;
}

/* Fills w for year index y in one pass over the year's X(i,k) entries. with_top asks for
 * the largest exporters too. sumsq is scratch space of n_products entries. */
static int world_supply_fill(const lever_store *s, const lever_query *q, int y, bool with_top,
                             u128 *sumsq, world_supply *w)
{
    size_t P = s->n_products;
    w->y = y;
    w->hhi_w = malloc(P * sizeof *w->hhi_w);
    if (!w->hhi_w)
        return LEVER_ENOMEM;
    if (with_top) {
        w->top_country = malloc(P * WORLD_TOP * sizeof *w->top_country);
        w->top_exports = calloc(P * WORLD_TOP, sizeof *w->top_exports);
        if (!w->top_country || !w->top_exports)
            return LEVER_ENOMEM;
        for (size_t n = 0; n < P * WORLD_TOP; n++)
            w->top_country[n] = -1;
    }
    memset(sumsq, 0, P * sizeof *sumsq);
    const store_year *yr = &s->years[y];
    uint64_t n_xik = store_need(s, SEC_XIK, yr->xik_start, yr->xik_count) ? yr->xik_count : 0;
    for (uint64_t e = yr->xik_start; e < yr->xik_start + n_xik; e++) {
        const store_xik *x = &s->xik[e];
        if (!query_has_product(q, x->k))
            continue;
        sumsq[x->k] += (u128)x->x * x->x;
        if (with_top)
            keep_top_exporter(w->top_country + (size_t)x->k * WORLD_TOP,
                              w->top_exports + (size_t)x->k * WORLD_TOP, x->i, x->x);
    }
    for (size_t k = 0; k < P; k++)
        w->hhi_w[k] = hhi_from_sumsq((uint64_t)sumsq[k], (uint64_t)(sumsq[k] >> 64),
                                     store_w_k(s, y, (int)k));
    return LEVER_OK;
}

static void world_supply_free(world_supply *w)
{
    free(w->hhi_w);
    free(w->top_country);
    free(w->top_exports);
}

/* Computes HHI_W for the query year (with its largest exporters) and the two years
 * before it when the store holds both (persistence needs three consecutive years). */
static int world_supply_all(depend_ctx *c)
{
    c->world[1].y = c->world[2].y = -1;
    u128 *sumsq = malloc((size_t)c->s->n_products * sizeof *sumsq);
    if (!sumsq)
        return LEVER_ENOMEM;
    int rc = world_supply_fill(c->s, c->q, c->y, true, sumsq, &c->world[0]);
    int year = lever_year_at(c->s, c->y);
    int y1 = lever_year_index(c->s, year - 1), y2 = lever_year_index(c->s, year - 2);
    if (rc == LEVER_OK && y1 >= 0 && y2 >= 0) {
        rc = world_supply_fill(c->s, c->q, y1, false, sumsq, &c->world[1]);
        if (rc == LEVER_OK)
            rc = world_supply_fill(c->s, c->q, y2, false, sumsq, &c->world[2]);
    }
    free(sumsq);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Per product                                                         */
/* ------------------------------------------------------------------ */

/* The largest supplier of entry e (ties to the smallest country: the run is sorted by
 * exporter); false when every value is 0. */
static bool top_supplier(const lever_store *s, int y, const store_mjk *e, int *country,
                         uint64_t *value)
{
    uint64_t lo, hi;
    query_supplier_run(s, y, e, &lo, &hi);
    *value = 0;
    uint32_t best = 0;
    for (uint64_t p = lo; p < hi; p++) {
        uint32_t r = s->by_imp[p];
        uint64_t v = store_v(s, r);
        if (v > *value) {
            *value = v;
            best = r;
        }
    }
    if (*value > 0)
        *country = store_row_exporter(s, y, best);
    return *value > 0;
}

/* v(a->B,k) from the suppliers run of entry e; 0 when a does not sell k to B. The run
 * is sorted by exporter, and so by row, so a's row is the first at or after a's first
 * row, if it lies before a's last. */
static uint64_t supplier_value(const lever_store *s, int y, const store_mjk *e, int a)
{
    uint64_t lo, hi, end, first, last;
    query_supplier_run(s, y, e, &lo, &end);
    store_exporter_rows(s, y, a, 0, &first, &last);
    hi = end;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (s->by_imp[mid] < first)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < end && s->by_imp[lo] < last ? store_v(s, s->by_imp[lo]) : 0;
}

/* X(i,k) in year index y, 0 when i exports none. */
static uint64_t exports_of(const lever_store *s, int y, int i, int k)
{
    const store_xik *x = store_find_xik(s, y, i, k);
    return x ? x->x : 0;
}

/* The GeoDep flag of importer j for product k in the year of w. */
static bool geodep_in_year(const lever_store *s, const world_supply *w, int j, int k)
{
    const store_mjk *e = store_find_mjk(s, w->y, j, k);
    if (!e)
        return false;
    double hhi_m = hhi_from_sumsq(e->sumsq_lo, e->sumsq_hi, e->m);
    return geodep_flag(hhi_m, w->hhi_w[k], net_import_ratio(e->m, exports_of(s, w->y, j, k)));
}

/* Fills the row of entry e (B's imports of e->k) for the given supplier. */
static void fill_row(const depend_ctx *c, const store_mjk *e, uint64_t x_bk, int supplier,
                     uint64_t v, lever_depend_row *row)
{
    const lever_store *s = c->s;
    int k = e->k;
    memset(row, 0, sizeof *row);
    row->year = lever_year_at(s, c->y);
    row->product = k;
    row->imports = e->m;
    row->import_share = ratio_u64(e->m, c->m_total);
    row->exports = x_bk;
    row->net_import = net_import_ratio(e->m, x_bk);
    row->supplier = supplier;
    row->supplier_value = v;
    row->supplier_share = supplier_share(v, e->m);
    row->hhi = hhi_from_sumsq(e->sumsq_lo, e->sumsq_hi, e->m);
    row->hhi_star = hhi_normalised(row->hhi, e->n_suppliers);
    row->hhi_level = hhi_level(row->hhi);
    row->n_suppliers = (int)e->n_suppliers;
    row->hhi_world = c->world[0].hhi_w[k];
    row->alt_supply = subst_alt_supply(s, c->q, c->y, supplier, c->importer, k);
    row->headroom = headroom(row->alt_supply, v);
    row->d = subst_d_supply(s, c->q, c->y, supplier, c->importer, k, v);
    row->geodep = geodep_flag(row->hhi, row->hhi_world, row->net_import);
    row->geodep_persistent = -1;
    if (c->world[1].y >= 0)
        row->geodep_persistent =
            geodep_persistent(geodep_in_year(s, &c->world[2], c->importer, k),
                              geodep_in_year(s, &c->world[1], c->importer, k), row->geodep);
    row->critical = critical_dependence(row->supplier_share, row->hhi, row->net_import);
    row->score = exposure_score(row->import_share, row->supplier_share, row->d);
}

/* ------------------------------------------------------------------ */
/* Alternatives                                                        */
/* ------------------------------------------------------------------ */

/* Whether alternative (m, x) ranks before p: larger exports, ties to the smaller code. */
static bool ranks_before(int m, uint64_t x, const lever_partner_value *p)
{
    return x > p->value || (x == p->value && m < p->country);
}

/* Offers country m with exports x as an alternative of row; the N_ALTERNATIVES largest
 * are kept. Countries that export none of the product are no alternative. */
static void offer_alternative(lever_depend_row *row, int m, uint64_t x)
{
    if (x == 0)
        return;
    for (int n = 0; n < row->n_alternatives; n++)
        if (row->alternatives[n].country == m)
            return;
    if (row->n_alternatives == N_ALTERNATIVES &&
        !ranks_before(m, x, &row->alternatives[N_ALTERNATIVES - 1]))
        return;
    int pos = row->n_alternatives < N_ALTERNATIVES ? row->n_alternatives++ : N_ALTERNATIVES - 1;
    while (pos > 0 && ranks_before(m, x, &row->alternatives[pos - 1])) {
        row->alternatives[pos] = row->alternatives[pos - 1];
        pos--;
    }
    row->alternatives[pos] = (lever_partner_value){.country = m, .value = x};
}

/* The largest alternative suppliers of row's product, among the countries the query's
 * alternatives mode counts in headroom, by X(m,k); share = w(m,k). */
static void fill_alternatives(const depend_ctx *c, lever_depend_row *row)
{
    const lever_store *s = c->s;
    int k = row->product, i = row->supplier, j = c->importer;
    lever_alternatives mode = c->q ? c->q->alternatives : LEVER_ALT_WORLD;
    if (mode == LEVER_ALT_CURRENT) {
        const store_mjk *e = store_find_mjk(s, c->y, j, k);
        uint64_t lo = 0, hi = 0;
        if (e)
            query_supplier_run(s, c->y, e, &lo, &hi);
        for (uint64_t p = lo; p < hi; p++) {
            uint32_t r = s->by_imp[p];
            int m = store_row_exporter(s, c->y, r);
            if (m != i && store_v(s, r) > 0)
                offer_alternative(row, m, exports_of(s, c->y, m, k));
        }
    } else if (mode == LEVER_ALT_LIST) {
        for (int n = 0; n < c->q->n_alt_countries; n++) {
            int m = c->q->alt_countries[n];
            if (m != i && m != j)
                offer_alternative(row, m, exports_of(s, c->y, m, k));
        }
    } else {
        const world_supply *w = &c->world[0];
        for (int n = 0; n < WORLD_TOP; n++) {
            int m = w->top_country[(size_t)k * WORLD_TOP + n];
            if (m >= 0 && m != i && m != j)
                offer_alternative(row, m, w->top_exports[(size_t)k * WORLD_TOP + n]);
        }
    }
    uint64_t w_k = store_w_k(s, c->y, k);
    for (int n = 0; n < row->n_alternatives; n++)
        row->alternatives[n].share = world_share(row->alternatives[n].value, w_k);
}

/* ------------------------------------------------------------------ */
/* Ranking                                                             */
/* ------------------------------------------------------------------ */

/* Larger key first, NaN last; ties by product index (= HS code order). */
static int compare_keys(double ka, double kb, int pa, int pb)
{
    bool na = isnan(ka), nb = isnan(kb);
    if (na != nb)
        return na ? 1 : -1;
    if (!na && ka != kb)
        return ka > kb ? -1 : 1;
    return (pa > pb) - (pa < pb);
}

static int by_score(const void *a, const void *b)
{
    const lever_depend_row *ra = a, *rb = b;
    return compare_keys(ra->score, rb->score, ra->product, rb->product);
}

/* With --on: the supplier's share; equal shares (often 100%) by score, then product. */
static int by_supplier_share(const void *a, const void *b)
{
    const lever_depend_row *ra = a, *rb = b;
    if (ra->supplier_share != rb->supplier_share)
        return compare_keys(ra->supplier_share, rb->supplier_share, ra->product, rb->product);
    return by_score(a, b);
}

/* ------------------------------------------------------------------ */
/* lever_depend                                                        */
/* ------------------------------------------------------------------ */

/* One row per selected product B imports (that A supplies, with --on), unranked. */
static int collect_rows(const depend_ctx *c, lever_depend_row **rows, size_t *n)
{
    const lever_store *s = c->s;
    const store_mjk *e, *end;
    store_importer_entries(s, c->y, c->importer, &e, &end);
    *n = 0;
    *rows = malloc((size_t)(end - e + 1) * sizeof **rows);
    if (!*rows)
        return LEVER_ENOMEM;
    /* B's own exports X(B,k): a run sorted by k, walked alongside B's imports */
    const store_xik *x, *x_end;
    store_exporter_entries(s, c->y, c->importer, &x, &x_end);
    for (; e < end; e++) {
        if (e->m == 0 || !query_has_product(c->q, e->k))
            continue;
        while (x < x_end && x->k < e->k)
            x++;
        uint64_t x_bk = x < x_end && x->k == e->k ? x->x : 0;
        int supplier = c->on;
        uint64_t v = 0;
        if (c->on >= 0)
            v = supplier_value(s, c->y, e, c->on);
        else
            top_supplier(s, c->y, e, &supplier, &v);
        if (v == 0)
            continue;
        fill_row(c, e, x_bk, supplier, v, &(*rows)[(*n)++]);
    }
    return LEVER_OK;
}

/* ------------------------------------------------------------------ */
/* --measure quantity                                                  */
/* ------------------------------------------------------------------ */

/* What the quantity path keeps per product of the store (only B's products are filled). */
typedef struct qty_product {
    bool listed;              /* B imports it, in the selection, with a supplier */
    int supplier;             /* the top supplier in kg, or --on */
    uint64_t m, v, x_b, x_a;  /* M(B,k), v(A->B,k), X(B,k), X(A,k): kg */
    u128 sumsq_m;             /* sum over B's suppliers of kg^2 */
    uint32_t n;               /* B's suppliers with a positive quantity */
    uint64_t w, acc;          /* W(k) in kg; one exporter's sum during the world pass */
    u128 sumsq_w;             /* sum over exporters of X(i,k)^2 */
    int top_c[WORLD_TOP];
    uint64_t top_x[WORLD_TOP];
} qty_product;

/* B's suppliers of each selected product: M, its sum of squares, N and the supplier. */
static uint64_t qty_imports(const depend_ctx *c, qty_product *qp, uint64_t *missing)
{
    const lever_store *s = c->s;
    const store_mjk *e, *end;
    uint64_t m_total = 0;
    *missing = 0;
    for (store_importer_entries(s, c->y, c->importer, &e, &end); e < end; e++) {
        if (e->m == 0 || !query_has_product(c->q, e->k))
            continue;
        qty_product *p = &qp[e->k];
        uint64_t lo, hi, best = 0;
        query_supplier_run(s, c->y, e, &lo, &hi);
        p->supplier = c->on;
        for (uint64_t at = lo; at < hi; at++) {
            uint32_t r = store_by_imp(s, at);
            bool none;
            uint64_t kg = query_flow_kg(s, c->q, r, e->k, &none);
            *missing += none && store_v(s, r) > 0;
            if (kg == 0)
                continue;
            int i = store_row_exporter(s, c->y, r);
            p->m += kg;
            p->sumsq_m += (u128)kg * kg;
            p->n++;
            if (c->on < 0 && kg > best) {
                best = kg;
                p->supplier = i;
            }
            if (i == c->on)
                best = kg;
        }
        p->v = best;
        p->listed = best > 0;
        m_total += p->m;
    }
    return m_total;
}

/* X(B,k) from B's export rows, then W(k), HHI_W's sum of squares, X(A,k) and the largest
 * exporters from one pass over the year's rows, exporter by exporter. */
static void qty_world(const depend_ctx *c, qty_product *qp, int *touched)
{
    const lever_store *s = c->s;
    for (int i = 0; i < (int)s->n_countries; i++) {
        uint64_t lo, hi;
        int n_touched = 0;
        store_exporter_rows(s, c->y, i, ROW_K | ROW_Q, &lo, &hi);
        for (uint64_t r = lo; r < hi; r++) {
            qty_product *p = &qp[s->fk[r]];
            if (!p->listed)
                continue;
            bool none;
            uint64_t kg = query_flow_kg(s, c->q, r, s->fk[r], &none);
            if (kg && p->acc == 0)
                touched[n_touched++] = s->fk[r];
            p->acc += kg;
        }
        for (int t = 0; t < n_touched; t++) {
            qty_product *p = &qp[touched[t]];
            p->w += p->acc;
            p->sumsq_w += (u128)p->acc * p->acc;
            keep_top_exporter(p->top_c, p->top_x, i, p->acc);
            if (i == c->importer)
                p->x_b = p->acc;
            if (i == p->supplier)
                p->x_a = p->acc;
            p->acc = 0;
        }
    }
}

/* The row of product k in kilograms. */
static void qty_fill_row(const depend_ctx *c, int k, const qty_product *p, uint64_t m_total,
                         lever_depend_row *row)
{
    memset(row, 0, sizeof *row);
    row->year = lever_year_at(c->s, c->y);
    row->product = k;
    row->imports = p->m;
    row->import_share = ratio_u64(p->m, m_total);
    row->exports = p->x_b;
    row->net_import = net_import_ratio(p->m, p->x_b);
    row->supplier = p->supplier;
    row->supplier_value = p->v;
    row->supplier_share = supplier_share(p->v, p->m);
    row->hhi = hhi_from_sumsq((uint64_t)p->sumsq_m, (uint64_t)(p->sumsq_m >> 64), p->m);
    row->hhi_star = hhi_normalised(row->hhi, p->n);
    row->hhi_level = hhi_level(row->hhi);
    row->n_suppliers = (int)p->n;
    row->hhi_world = hhi_from_sumsq((uint64_t)p->sumsq_w, (uint64_t)(p->sumsq_w >> 64), p->w);
    row->alt_supply = alternative_supply_world(p->w, p->x_a, p->x_b);
    row->headroom = headroom(row->alt_supply, p->v);
    row->d = c->q && c->q->sigma && !isnan(c->q->sigma[k])
                 ? 1.0 / c->q->sigma[k]
                 : non_substitutability(row->alt_supply, p->v);
    row->geodep = geodep_flag(row->hhi, row->hhi_world, row->net_import);
    row->geodep_persistent = -1;
    row->critical = critical_dependence(row->supplier_share, row->hhi, row->net_import);
    row->score = exposure_score(row->import_share, row->supplier_share, row->d);
    for (int n = 0; n < WORLD_TOP; n++) {
        int m = p->top_c[n];
        if (m >= 0 && m != p->supplier && m != c->importer)
            offer_alternative(row, m, p->top_x[n]);
    }
    for (int n = 0; n < row->n_alternatives; n++)
        row->alternatives[n].share = world_share(row->alternatives[n].value, p->w);
}

/* lever_depend in kilograms: every row B imports, unranked. */
static int depend_quantity(const depend_ctx *c, lever_depend_result *r)
{
    size_t P = c->s->n_products;
    qty_product *qp = calloc(P, sizeof *qp);
    int *touched = malloc(P * sizeof *touched);
    r->rows = malloc((P + 1) * sizeof *r->rows);
    if (!qp || !touched || !r->rows) {
        free(qp);
        free(touched);
        return LEVER_ENOMEM;
    }
    for (size_t k = 0; k < P; k++)
        for (int n = 0; n < WORLD_TOP; n++)
            qp[k].top_c[n] = -1;
    uint64_t m_total = qty_imports(c, qp, &r->flows_without_qty);
    qty_world(c, qp, touched);
    r->n = 0;
    for (size_t k = 0; k < P; k++)
        if (qp[k].listed)
            qty_fill_row(c, (int)k, &qp[k], m_total, &r->rows[r->n++]);
    free(qp);
    free(touched);
    return LEVER_OK;
}

int lever_depend(const lever_store *s, int importer, int on, const lever_query *q, int top,
                 lever_depend_result **out, lever_error *err)
{
    *out = NULL;
    if (importer < 0 || importer >= (int)s->n_countries || on < -1 ||
        on >= (int)s->n_countries)
        return error_set(err, LEVER_EUSAGE, "country index out of range");
    if (on == importer)
        return error_set(err, LEVER_EUSAGE,
                          "--on names the importer itself: give another country as supplier");
    if (top < 0)
        return error_set(err, LEVER_EUSAGE, "the number of products to keep cannot be negative");
    if (q && q->measure == LEVER_MEASURE_QUANTITY && q->alternatives != LEVER_ALT_WORLD)
        return error_set(err, LEVER_EUSAGE,
                          "--measure quantity counts the alternative suppliers in the world "
                          "only: drop --alternatives, or use --measure value");
    depend_ctx c = {.s = s, .q = q, .importer = importer, .on = on};
    int rc = query_one_year(s, q, &c.y, err);
    if (rc)
        return rc;
    lever_depend_result *r = calloc(1, sizeof *r);
    if (!r)
        return error_set(err, LEVER_ENOMEM, "out of memory computing dependence");
    r->importer = importer;
    r->on = on;
    r->year = lever_year_at(s, c.y);
    bool quantity = q && q->measure == LEVER_MEASURE_QUANTITY;
    r->measure = quantity ? LEVER_MEASURE_QUANTITY : LEVER_MEASURE_VALUE;
    if (quantity) {
        rc = depend_quantity(&c, r);
    } else {
        c.m_total = query_imports(s, q, c.y, importer);
        rc = world_supply_all(&c);
        if (rc == LEVER_OK)
            rc = collect_rows(&c, &r->rows, &r->n);
    }
    if (rc == LEVER_OK) {
        sort_items(r->rows, r->n, sizeof *r->rows, on >= 0 ? by_supplier_share : by_score);
        if (top > 0 && r->n > (size_t)top)
            r->n = (size_t)top;
        for (size_t n = 0; n < r->n && !quantity; n++)
            fill_alternatives(&c, &r->rows[n]);
    }
    for (int w = 0; w < 3; w++)
        world_supply_free(&c.world[w]);
    if (rc) {
        lever_depend_free(r);
        return error_set(err, rc, "out of memory computing dependence");
    }
    if (store_damaged(s)) {
        lever_depend_free(r);
        return store_damage_fail(s, err);
    }
    *out = r;
    return LEVER_OK;
}

void lever_depend_free(lever_depend_result *r)
{
    if (!r)
        return;
    free(r->rows);
    free(r);
}
