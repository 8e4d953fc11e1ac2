/*
 * query.c - what every indicator query reads from its lever_query: whether a product
 * is selected, the totals M(j) and X(i) over the selection, and the years asked for,
 * resolved to year indices with one wording of the error for every query.
 */
#include "query.h"

#include <math.h>

uint64_t query_flow_kg(const lever_store *s, const lever_query *q, uint64_t r, int k,
                       bool *missing)
{
    int64_t kg = store_q(s, r);
    *missing = kg == LEVER_QTY_MISSING;
    if (*missing || kg <= 0)
        return 0;
    return (uint64_t)llround((double)kg * lever_selection_factor(q ? q->products : NULL, k));
}

/* Rows with v = 0 lie inside the run too, so the run ends where the next entry starts. */
void query_supplier_run(const lever_store *s, int y, const store_mjk *e, uint64_t *lo,
                        uint64_t *hi)
{
    const store_year *yr = &s->years[y];
    uint64_t at = (uint64_t)(e - s->mjk), last = yr->mjk_start + yr->mjk_count - 1;
    *lo = e->imp_pos;
    *hi = at < last && store_need(s, SEC_MJK, at + 1, 1) ? e[1].imp_pos
                                                          : yr->row_start + yr->row_count;
    if (*hi < *lo || !store_need(s, SEC_BY_IMP, *lo, *hi - *lo))
        *hi = *lo;
}

uint64_t query_mjk_kg(const lever_store *s, const lever_query *q, int y, const store_mjk *e,
                      uint64_t *missing)
{
    uint64_t lo, hi, kg = 0;
    query_supplier_run(s, y, e, &lo, &hi);
    for (uint64_t at = lo; at < hi; at++) {
        uint32_t r = store_by_imp(s, at);
        bool none;
        kg += query_flow_kg(s, q, r, e->k, &none);
        if (missing)
            *missing += none && store_v(s, r) > 0;
    }
    return kg;
}

bool query_has_product(const lever_query *q, int k)
{
    return !q || !q->products || lever_selection_has(q->products, k);
}

uint64_t query_imports(const lever_store *s, const lever_query *q, int y, int j)
{
    if (!q || !q->products)
        return store_m_j(s, y, j);
    const store_mjk *e, *end;
    uint64_t sum = 0;
    for (store_importer_entries(s, y, j, &e, &end); e < end; e++)
        if (query_has_product(q, e->k))
            sum += e->m;
    return sum;
}

uint64_t query_exports(const lever_store *s, const lever_query *q, int y, int i)
{
    if (!q || !q->products)
        return store_x_i(s, y, i);
    const store_xik *e, *end;
    uint64_t sum = 0;
    for (store_exporter_entries(s, y, i, &e, &end); e < end; e++)
        if (query_has_product(q, e->k))
            sum += e->x;
    return sum;
}

static int years_error(const lever_store *s, int year, lever_error *err)
{
    if (s->n_years == 0)
        return error_set(err, LEVER_ENOTFOUND, "the store holds no years");
    if (s->n_years == 1)
        return error_set(err, LEVER_ENOTFOUND, "year %d is not in the store; it holds %d only",
                         year, s->years[0].year);
    return error_set(err, LEVER_ENOTFOUND, "year %d is not in the store; it holds %d-%d", year,
                     s->years[0].year, s->years[s->n_years - 1].year);
}

/* Index of a calendar year, or of the store's first (last) year when year is 0. */
static int year_or_end(const lever_store *s, int year, bool last, int *y, lever_error *err)
{
    if (s->n_years == 0)
        return years_error(s, year, err);
    if (year == 0) {
        *y = last ? (int)s->n_years - 1 : 0;
        return LEVER_OK;
    }
    if ((*y = lever_year_index(s, year)) < 0)
        return years_error(s, year, err);
    return LEVER_OK;
}

int query_years(const lever_store *s, const lever_query *q, int *y0, int *y1, lever_error *err)
{
    int from = q ? q->year_from : 0, to = q ? q->year_to : 0;
    int rc = year_or_end(s, from, false, y0, err);
    if (!rc)
        rc = year_or_end(s, to, true, y1, err);
    if (!rc && *y0 > *y1)
        rc = error_set(err, LEVER_EUSAGE, "the year range %d-%d is reversed", from, to);
    return rc;
}

int query_one_year(const lever_store *s, const lever_query *q, int *y, lever_error *err)
{
    int from = q ? q->year_from : 0, to = q ? q->year_to : 0;
    if (from && from != to)
        return error_set(err, LEVER_EUSAGE,
                         "this query takes one year, not the range %d-%d; give year_to only",
                         from, to);
    return year_or_end(s, to, true, y, err);
}

int query_two_years(const lever_store *s, const lever_query *q, int *y0, int *y1,
                    lever_error *err)
{
    int rc = year_or_end(s, q ? q->year_from : 0, false, y0, err);
    return rc ? rc : year_or_end(s, q ? q->year_to : 0, true, y1, err);
}

int query_year(const lever_store *s, int year, int *y, lever_error *err)
{
    return year_or_end(s, year, true, y, err);
}
