/*
 * dyad.c - the flows between two countries A and B (lever dyad): per year
 * X(A->B), X(B->A), their total and balance with growth over the previous year,
 * the CAGR of the total, and the top products each way with the shares and
 * concentration that say how much each flow matters (docs/INDICATORS.md
 * sections 1-3).
 *
 * Rows are sorted by (t, i, j, k), so the flows of A->B in a year are one
 * contiguous range (store_dyad_rows); the per-product aggregates M(j,k) and
 * X(i,k) and the world median unit values were computed at import. A query
 * therefore reads two small row ranges per year plus one lookup per listed
 * product, whatever the size of the store. Every formula is a call into
 * formulas.c; this file only selects and sums.
 */
#include "query.h"

#include <stdlib.h>

uint64_t dyad_total(const lever_store *s, int y, int i, int j,
                           const lever_selection *sel)
{
    uint64_t lo, hi, sum = 0;
    store_dyad_rows(s, y, i, j, &lo, &hi);
    for (uint64_t r = lo; r < hi; r++)
        if (lever_selection_has(sel, s->fk[r]))
            sum += store_v(s, r);
    return sum;
}

/* Quantity (kg times the selection's factor of each product) of the dyad i->j in year
 * index y over the flows that have one; *missing counts the others. */
static double dyad_quantity(const lever_store *s, int y, int i, int j,
                            const lever_selection *sel, uint64_t *missing)
{
    uint64_t lo, hi;
    double kg = 0;
    *missing = 0;
    store_dyad_rows(s, y, i, j, &lo, &hi);
    for (uint64_t r = lo; r < hi; r++) {
        if (!lever_selection_has(sel, s->fk[r]))
            continue;
        int64_t q = store_q(s, r);
        if (q == LEVER_QTY_MISSING)
            (*missing)++;
        else
            kg += (double)q * lever_selection_factor(sel, s->fk[r]);
    }
    return kg;
}

/* Fills the year table and the CAGR of the total. */
static void fill_years(const lever_store *s, int a, int b, int first, const lever_selection *sel,
                       lever_dyad_result *r)
{
    for (int n = 0; n < r->n_years; n++) {
        lever_dyad_year *row = &r->years[n];
        row->year = lever_year_at(s, first + n);
        row->a_to_b = dyad_total(s, first + n, a, b, sel);
        row->b_to_a = dyad_total(s, first + n, b, a, sel);
        row->total = row->a_to_b + row->b_to_a;
        row->qty_a_to_b = dyad_quantity(s, first + n, a, b, sel, &row->no_qty_a_to_b);
        row->qty_b_to_a = dyad_quantity(s, first + n, b, a, sel, &row->no_qty_b_to_a);
        row->balance = (int64_t)row->a_to_b - (int64_t)row->b_to_a;
        row->growth_a_to_b = row->growth_b_to_a = row->growth_total = NAN;
        if (n > 0) {
            const lever_dyad_year *prev = &r->years[n - 1];
            row->growth_a_to_b = growth_rate(prev->a_to_b, row->a_to_b);
            row->growth_b_to_a = growth_rate(prev->b_to_a, row->b_to_a);
            row->growth_total = growth_rate(prev->total, row->total);
        }
    }
    int y0 = -1, y1 = -1;
    for (int n = 0; n < r->n_years; n++)
        if (r->years[n].total > 0) {
            if (y0 < 0)
                y0 = n;
            y1 = n;
        }
    r->cagr_total = NAN;
    if (y0 >= 0 && y1 > y0)
        r->cagr_total = cagr(r->years[y0].total, r->years[y1].total,
                             r->years[y1].year - r->years[y0].year);
}

/* A candidate for the top products: sorted by value, largest first, ties by product. */
typedef struct ranked_row {
    uint64_t value;
    uint64_t row;
    int product;
} ranked_row;

static int by_value_desc(const void *pa, const void *pb)
{
    const ranked_row *ra = pa, *rb = pb;
    if (ra->value != rb->value)
        return ra->value > rb->value ? -1 : 1;
    return (ra->product > rb->product) - (ra->product < rb->product);
}

/* Moves the best `keep` of rows[0..n) to rows[0..keep), in order, by insertion: a dyad has
 * thousands of products and the table shows a few, so this beats sorting them all. */
static void keep_best(ranked_row *rows, size_t n, size_t keep)
{
    size_t kept = 0;
    for (size_t m = 0; m < n; m++) {
        ranked_row c = rows[m]; /* read before any write: writes stay below index m + 1 */
        if (kept == keep && by_value_desc(&c, &rows[kept - 1]) >= 0)
            continue;
        size_t at = kept < keep ? kept++ : keep - 1;
        while (at > 0 && by_value_desc(&c, &rows[at - 1]) < 0) {
            rows[at] = rows[at - 1];
            at--;
        }
        rows[at] = c;
    }
}

/* The flow of row r (exporter i to importer j in year index y) with its indicators. */
static void fill_flow(const lever_store *s, int y, uint64_t r, lever_product_flow *f)
{
    int k = s->fk[r];
    f->year = lever_year_at(s, y);
    f->product = k;
    f->exporter = store_row_exporter(s, y, r);
    f->importer = s->fj[r];
    f->value = store_v(s, r);
    f->qty_kg = store_q(s, r);
    f->unit_value = unit_value(f->value, f->qty_kg);
    f->unit_value_flag =
        unit_value_flag(f->unit_value, s->uv_median[(size_t)y * s->n_products + (size_t)k]);
    const store_mjk *m = store_find_mjk(s, y, f->importer, k);
    const store_xik *x = store_find_xik(s, y, f->exporter, k);
    f->supplier_share = m ? supplier_share(f->value, m->m) : NAN;
    f->hhi = m ? hhi_from_sumsq(m->sumsq_lo, m->sumsq_hi, m->m) : NAN;
    f->n_suppliers = m ? (int)m->n_suppliers : 0;
    f->dest_share = x ? destination_share(f->value, x->x) : NAN;
}

/* Appends the top `top` selected products of i->j in year index y to *flows. */
static int add_top_products(const lever_store *s, int y, int i, int j, const lever_selection *sel,
                            int top, lever_product_flow **flows, size_t *n, size_t *cap)
{
    uint64_t lo, hi;
    store_dyad_rows(s, y, i, j, &lo, &hi);
    if (hi <= lo)
        return LEVER_OK;
    ranked_row *rows = malloc((size_t)(hi - lo) * sizeof *rows);
    if (!rows)
        return LEVER_ENOMEM;
    size_t n_rows = 0;
    for (uint64_t r = lo; r < hi; r++)
        if (lever_selection_has(sel, s->fk[r])) {
            uint64_t v = store_v(s, r);
            if (v > 0)
                rows[n_rows++] = (ranked_row){v, r, s->fk[r]};
        }
    size_t keep = n_rows < (size_t)top ? n_rows : (size_t)top;
    if (keep < n_rows && keep <= 64)
        keep_best(rows, n_rows, keep);
    else
        qsort(rows, n_rows, sizeof *rows, by_value_desc);
    if (*n + keep > *cap) {
        size_t want = *cap ? *cap * 2 : 64;
        while (want < *n + keep)
            want *= 2;
        lever_product_flow *grown = realloc(*flows, want * sizeof *grown);
        if (!grown) {
            free(rows);
            return LEVER_ENOMEM;
        }
        *flows = grown;
        *cap = want;
    }
    for (size_t m = 0; m < keep; m++)
        fill_flow(s, y, rows[m].row, &(*flows)[(*n)++]);
    free(rows);
    return LEVER_OK;
}

int lever_dyad(lever_store *s, int a, int b, int year_from, int year_to,
               const lever_selection *sel, int top, lever_dyad_result **out)
{
    *out = NULL;
    if (a < 0 || b < 0 || a >= (int)s->n_countries || b >= (int)s->n_countries)
        return store_fail(s, LEVER_EUSAGE, "country index out of range");
    if (a == b)
        return store_fail(s, LEVER_EUSAGE, "a dyad needs two different countries");
    if (top < 0)
        return store_fail(s, LEVER_EUSAGE, "the number of top products cannot be negative");
    int first = 0, last = 0;
    lever_query years = {.year_from = year_from, .year_to = year_to};
    int rc = query_years(s, &years, &first, &last);
    if (rc)
        return rc;
    lever_dyad_result *r = calloc(1, sizeof *r);
    if (!r || !(r->years = calloc((size_t)(last - first + 1), sizeof *r->years))) {
        free(r);
        return store_fail(s, LEVER_ENOMEM, "out of memory computing a dyad");
    }
    r->a = a;
    r->b = b;
    r->n_years = last - first + 1;
    fill_years(s, a, b, first, sel, r);
    size_t cap_ab = 0, cap_ba = 0;
    for (int y = first; y <= last && top > 0; y++) {
        rc = add_top_products(s, y, a, b, sel, top, &r->a_to_b, &r->n_a_to_b, &cap_ab);
        if (!rc)
            rc = add_top_products(s, y, b, a, sel, top, &r->b_to_a, &r->n_b_to_a, &cap_ba);
        if (rc) {
            lever_dyad_free(r);
            return store_fail(s, rc, "out of memory computing a dyad");
        }
    }
    *out = r;
    return LEVER_OK;
}

void lever_dyad_free(lever_dyad_result *r)
{
    if (!r)
        return;
    free(r->years);
    free(r->a_to_b);
    free(r->b_to_a);
    free(r);
}
