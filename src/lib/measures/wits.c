/*
 * wits.c - the standard bilateral indicators of two countries A and B
 * (lever indicators, INDICATORS.md sections 2 and 7), per year: trade intensity
 * both ways, Michaely's trade complementarity both ways, Hirschman's dependence
 * both ways, and each side's products of highest revealed comparative advantage.
 *
 * Everything is read from the aggregates computed at import: X(i), M(j), W(k) and
 * the per-country lists of X(i,k) and M(j,k), both sorted by product, so that
 * complementarity is a merge of two sorted lists. Only X(A->B) and X(B->A) read
 * trade rows (one contiguous range each). With a product selection every sum,
 * including X(i), M(j) and the world total W, is restricted to the selected
 * products (INDICATORS.md, Notation), which turns the precomputed totals into
 * walks over the per-country lists (and W into a walk over the products).
 *
 * Every formula is a call into formulas.c; this file selects and sums, exactly:
 * the sum of |m(j,k) - x(i,k)| behind TC is kept in 128-bit integers, and RCAs are
 * ranked by cross-multiplying integers, so that equal RCAs tie instead of being
 * ordered by rounding noise (they are common when a store holds part of the world).
 */
#include "query.h"

#include <stdlib.h>

__extension__ typedef unsigned __int128 u128;

/* W over the selected products. */
static uint64_t selected_world(const lever_store *s, const lever_query *q, int y)
{
    if (!q || !q->products)
        return store_world_total(s, y);
    uint64_t sum = 0;
    for (uint32_t k = 0; k < s->n_products; k++)
        if (query_has_product(q, (int)k))
            sum += store_w_k(s, y, (int)k);
    return sum;
}

/* X(i->j) over the selected products. */
static uint64_t selected_dyad(const lever_store *s, const lever_query *q, int y, int i, int j)
{
    uint64_t lo, hi, sum = 0;
    store_dyad_rows(s, y, i, j, &lo, &hi);
    for (uint64_t r = lo; r < hi; r++)
        if (query_has_product(q, s->fk[r]))
            sum += store_v(s, r);
    return sum;
}

/* TC(i,j): how well i's exports x(i,k) = X(i,k)/X(i) match j's imports m(j,k) = M(j,k)/M(j),
 * by merging i's X(i,k) list with j's M(j,k) list. The sum of |m - x| is kept exact as
 * sum |M(j,k) X(i) - X(i,k) M(j)| / (X(i) M(j)) in 128-bit integers (sums of trade are far
 * below 2^64, their products below 2^128), so TC has a single rounding even when it is
 * near 0. NaN when X(i) or M(j) is 0. */
static double complementarity(const lever_store *s, const lever_query *q, int y, int i, int j,
                              uint64_t x_i, uint64_t m_j)
{
    if (x_i == 0 || m_j == 0)
        return NAN;
    const store_xik *px, *xend;
    const store_mjk *pm, *mend;
    store_exporter_entries(s, y, i, &px, &xend);
    store_importer_entries(s, y, j, &pm, &mend);
    u128 sum_abs_diff = 0;
    while (px < xend || pm < mend) {
        int kx = px < xend ? px->k : INT32_MAX, km = pm < mend ? pm->k : INT32_MAX;
        int k = kx < km ? kx : km;
        uint64_t x_ik = 0, m_jk = 0;
        if (kx == k)
            x_ik = (px++)->x;
        if (km == k)
            m_jk = (pm++)->m;
        if (!query_has_product(q, k))
            continue;
        u128 m_part = (u128)m_jk * x_i, x_part = (u128)x_ik * m_j;
        sum_abs_diff += m_part > x_part ? m_part - x_part : x_part - m_part;
    }
    long double ratio = (long double)sum_abs_diff / ((long double)x_i * (long double)m_j);
    return trade_complementarity((double)ratio);
}

/* The sums one year's indicators are made of, all over the selected products. */
typedef struct year_sums {
    uint64_t x_ab, x_ba; /* X(A->B), X(B->A) */
    uint64_t x_a, m_a, x_b, m_b;
    uint64_t world;      /* W */
} year_sums;

static void sum_year(const lever_store *s, const lever_query *q, int y, int a, int b,
                     year_sums *t)
{
    t->x_ab = selected_dyad(s, q, y, a, b);
    t->x_ba = selected_dyad(s, q, y, b, a);
    t->x_a = query_exports(s, q, y, a);
    t->m_a = query_imports(s, q, y, a);
    t->x_b = query_exports(s, q, y, b);
    t->m_b = query_imports(s, q, y, b);
    t->world = selected_world(s, q, y);
}

static void fill_year(const lever_store *s, const lever_query *q, int y, int a, int b,
                      const year_sums *t, lever_indicators_year *row)
{
    uint64_t trade_ab = t->x_ab + t->x_ba;
    row->year = lever_year_at(s, y);
    row->tii_ab = trade_intensity(t->x_ab, t->x_a, t->m_b, t->world);
    row->tii_ba = trade_intensity(t->x_ba, t->x_b, t->m_a, t->world);
    row->tc_ab = complementarity(s, q, y, a, b, t->x_a, t->m_b);
    row->tc_ba = complementarity(s, q, y, b, a, t->x_b, t->m_a);
    row->d_b_on_a = hirschman_dependence(trade_ab, t->x_b + t->m_b);
    row->d_a_on_b = hirschman_dependence(trade_ab, t->x_a + t->m_a);
}

/* A product of one country and year being ranked: its row and W(k). */
typedef struct rca_candidate {
    lever_rca_row row;
    uint64_t w_k;
} rca_candidate;

/* Highest RCA first, ties by larger exports, then by product (HS code order). Within one
 * country and year X(i) and W are common, so RCA a > RCA b exactly when
 * X(i,a) W(b) > X(i,b) W(a): compared in 128-bit integers, so that equal RCAs (frequent
 * where the store holds part of the world) are ties, not rounding noise. */
static int by_rca_desc(const void *pa, const void *pb)
{
    const rca_candidate *a = pa, *b = pb;
    u128 left = (u128)a->row.exports * b->w_k, right = (u128)b->row.exports * a->w_k;
    if (left != right)
        return left > right ? -1 : 1;
    if (a->row.exports != b->row.exports)
        return a->row.exports > b->row.exports ? -1 : 1;
    return (a->row.product > b->row.product) - (a->row.product < b->row.product);
}

/* Appends country c's top `top` selected products by RCA in year index y to out[*n], using
 * scratch (room for every X(c,k) entry of the year) to rank them. x_c = X(c), world = W. */
static void add_top_rca(const lever_store *s, const lever_query *q, int y, int c,
                        uint64_t x_c, uint64_t world, int top, rca_candidate *scratch,
                        lever_rca_row *out, size_t *n)
{
    const store_xik *x, *end;
    size_t count = 0;
    int year = lever_year_at(s, y);
    for (store_exporter_entries(s, y, c, &x, &end); x < end; x++) {
        if (x->x == 0 || !query_has_product(q, x->k))
            continue;
        uint64_t w_k = store_w_k(s, y, x->k);
        double rca = revealed_comparative_advantage(x->x, x_c, w_k, world);
        scratch[count++] = (rca_candidate){{year, c, x->k, x->x, rca}, w_k};
    }
    sort_items(scratch, count, sizeof *scratch, by_rca_desc);
    size_t keep = count < (size_t)top ? count : (size_t)top;
    for (size_t r = 0; r < keep; r++)
        out[(*n)++] = scratch[r].row;
}

/* The most X(c,k) entries country a or b has in any year of [y0, y1]. */
static size_t most_export_entries(const lever_store *s, int y0, int y1, int a, int b)
{
    size_t most = 0;
    for (int y = y0; y <= y1; y++) {
        const int sides[2] = {a, b};
        const uint64_t *o = s->xik_off + (size_t)y * (s->n_countries + 1u);
        for (int n = 0; n < 2; n++)
            if (o[sides[n] + 1] - o[sides[n]] > most)
                most = (size_t)(o[sides[n] + 1] - o[sides[n]]);
    }
    return most;
}

int lever_indicators(const lever_store *s, int a, int b, const lever_query *q, int top,
                     lever_indicators_result **out, lever_error *err)
{
    *out = NULL;
    if (a < 0 || b < 0 || a >= (int)s->n_countries || b >= (int)s->n_countries)
        return error_set(err, LEVER_EUSAGE, "country index out of range");
    int y0, y1;
    int rc = query_years(s, q, &y0, &y1, err);
    if (rc != LEVER_OK)
        return rc;
    if (top < 0)
        top = 0;
    int n_years = y1 - y0 + 1;
    size_t most = top > 0 ? most_export_entries(s, y0, y1, a, b) : 0;
    size_t rca_room = (size_t)n_years * 2u * (most < (size_t)top ? most : (size_t)top);
    lever_indicators_result *r = calloc(1, sizeof *r);
    rca_candidate *scratch = malloc((most ? most : 1) * sizeof *scratch);
    if (r) {
        r->years = calloc((size_t)n_years, sizeof *r->years);
        r->rca = malloc((rca_room ? rca_room : 1) * sizeof *r->rca);
    }
    if (!r || !scratch || !r->years || !r->rca) {
        free(scratch);
        lever_indicators_free(r);
        return error_set(err, LEVER_ENOMEM, "out of memory computing bilateral indicators");
    }
    r->a = a;
    r->b = b;
    r->n_years = n_years;
    for (int y = y0; y <= y1; y++) {
        year_sums t;
        sum_year(s, q, y, a, b, &t);
        fill_year(s, q, y, a, b, &t, &r->years[y - y0]);
        if (top > 0) {
            add_top_rca(s, q, y, a, t.x_a, t.world, top, scratch, r->rca, &r->n_rca);
            add_top_rca(s, q, y, b, t.x_b, t.world, top, scratch, r->rca, &r->n_rca);
        }
    }
    free(scratch);
    if (store_damaged(s)) {
        lever_indicators_free(r);
        return store_damage_fail(s, err);
    }
    *out = r;
    return LEVER_OK;
}

void lever_indicators_free(lever_indicators_result *r)
{
    if (!r)
        return;
    free(r->years);
    free(r->rca);
    free(r);
}
