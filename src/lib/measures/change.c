/*
 * change.c - what drove the change in the exports of A to B between two years
 * (lever change, INDICATORS.md section 8): every product whose value changed,
 * its exact change, its share of the total change, and the split of that change
 * into a quantity effect and a price effect.
 *
 * Rows are sorted by (t, i, j, k), so the flows A->B of a year are one contiguous
 * range sorted by product (store_dyad_rows); the two years are merged like two
 * sorted lists, which also finds the products present in only one of them. The
 * cost is the number of A->B rows of the two years; nothing else is read.
 *
 * Values stay exact integers of USD: deltas are int64 and they add up to the
 * total change exactly. Only the effects and the shares are doubles, and the two
 * effects come from change_effects() (formulas.c), which makes them sum to the
 * product's delta. A product without a quantity in either year (or absent in one
 * of them) keeps its delta but gets no split (NaN effects).
 *
 * --measure quantity: the same merge over kilograms (each flow's quantity times its
 * product's factor, query_flow_kg); flows without a quantity are left out and counted, and
 * there is no split (a change in tonnes is all quantity).
 */
#include "query.h"

#include <stdlib.h>

/* One product's flow A->B in one year: value and quantity, or nothing. */
typedef struct year_flow {
    uint64_t value;
    int64_t qty_kg; /* 0 when the product was not shipped that year */
} year_flow;

/* Fills a result row from the product's flows in the two years. */
static void fill_change_row(int product, year_flow f0, year_flow f1, lever_change_row *row)
{
    row->product = product;
    row->v0 = f0.value;
    row->v1 = f1.value;
    row->delta = (int64_t)f1.value - (int64_t)f0.value;
    row->q0 = f0.qty_kg;
    row->q1 = f1.qty_kg;
    change_effects(row->v0, row->q0, row->v1, row->q1, &row->quantity_effect,
                   &row->price_effect);
    row->share_of_change = NAN; /* set once the total change is known */
}

static uint64_t abs_delta(int64_t delta)
{
    return delta < 0 ? (uint64_t)0 - (uint64_t)delta : (uint64_t)delta;
}

/* Largest |delta| first, ties by product (index order is HS code order). */
static int by_abs_delta_desc(const void *pa, const void *pb)
{
    const lever_change_row *a = pa, *b = pb;
    uint64_t da = abs_delta(a->delta), db = abs_delta(b->delta);
    if (da != db)
        return da > db ? -1 : 1;
    return (a->product > b->product) - (a->product < b->product);
}

/* Merges the A->B rows of year indices y0 and y1 (both sorted by product) into r: the
 * totals over selected products and one row per selected product whose value changed.
 * r->rows must have room for both ranges. */
static void merge_years(const lever_store *s, const lever_query *q, uint64_t lo0, uint64_t hi0,
                        uint64_t lo1, uint64_t hi1, lever_change_result *r)
{
    static const year_flow none = {0, 0};
    uint64_t p0 = lo0, p1 = lo1;
    while (p0 < hi0 || p1 < hi1) {
        int k0 = p0 < hi0 ? s->fk[p0] : INT32_MAX, k1 = p1 < hi1 ? s->fk[p1] : INT32_MAX;
        int k = k0 < k1 ? k0 : k1;
        year_flow f0 = none, f1 = none;
        if (k0 == k) {
            f0 = (year_flow){store_v(s, p0), store_q(s, p0)};
            p0++;
        }
        if (k1 == k) {
            f1 = (year_flow){store_v(s, p1), store_q(s, p1)};
            p1++;
        }
        if (!query_has_product(q, k))
            continue;
        if (query_quantity(q)) {
            bool missing;
            if (k0 == k) {
                f0 = (year_flow){query_flow_kg(s, q, p0 - 1, k, &missing), LEVER_QTY_MISSING};
                r->flows_without_qty += missing;
            }
            if (k1 == k) {
                f1 = (year_flow){query_flow_kg(s, q, p1 - 1, k, &missing), LEVER_QTY_MISSING};
                r->flows_without_qty += missing;
            }
        }
        r->total0 += f0.value;
        r->total1 += f1.value;
        if (f0.value != f1.value)
            fill_change_row(k, f0, f1, &r->rows[r->n++]);
    }
}

int lever_change(const lever_store *s, int a, int b, const lever_query *q,
                 lever_change_result **out, lever_error *err)
{
    *out = NULL;
    if (a < 0 || b < 0 || a >= (int)s->n_countries || b >= (int)s->n_countries)
        return error_set(err, LEVER_EUSAGE, "country index out of range");
    int y0, y1;
    int rc = query_two_years(s, q, &y0, &y1, err);
    if (rc != LEVER_OK)
        return rc;
    uint64_t lo0, hi0, lo1, hi1;
    store_dyad_rows(s, y0, a, b, &lo0, &hi0);
    store_dyad_rows(s, y1, a, b, &lo1, &hi1);
    lever_change_result *r = calloc(1, sizeof *r);
    size_t room = (size_t)(hi0 - lo0) + (size_t)(hi1 - lo1);
    if (!r || !(r->rows = malloc((room ? room : 1) * sizeof *r->rows))) {
        free(r);
        return error_set(err, LEVER_ENOMEM, "out of memory comparing two years");
    }
    r->a = a;
    r->b = b;
    r->year0 = lever_year_at(s, y0);
    r->year1 = lever_year_at(s, y1);
    r->measure = query_quantity(q) ? LEVER_MEASURE_QUANTITY : LEVER_MEASURE_VALUE;
    merge_years(s, q, lo0, hi0, lo1, hi1, r);
    r->delta = (int64_t)r->total1 - (int64_t)r->total0;
    for (size_t n = 0; n < r->n; n++)
        r->rows[n].share_of_change = change_share(r->rows[n].delta, r->delta);
    sort_items(r->rows, r->n, sizeof *r->rows, by_abs_delta_desc);
    if (store_damaged(s)) {
        lever_change_free(r);
        return store_damage_fail(s, err);
    }
    *out = r;
    return LEVER_OK;
}

void lever_change_free(lever_change_result *r)
{
    if (!r)
        return;
    free(r->rows);
    free(r);
}
