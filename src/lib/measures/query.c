/*
 * query.c - what every indicator query reads from its lever_query: whether a product
 * is selected, the totals M(j) and X(i) over the selection, and the years asked for,
 * resolved to year indices with one wording of the error for every query.
 */
#include "query.h"

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

static int years_error(lever_store *s, int year)
{
    if (s->n_years == 0)
        return store_fail(s, LEVER_ENOTFOUND, "the store holds no years");
    if (s->n_years == 1)
        return store_fail(s, LEVER_ENOTFOUND, "year %d is not in the store; it holds %d only",
                          year, s->years[0].year);
    return store_fail(s, LEVER_ENOTFOUND, "year %d is not in the store; it holds %d-%d", year,
                      s->years[0].year, s->years[s->n_years - 1].year);
}

int query_year(lever_store *s, int year, int *y)
{
    if (s->n_years == 0)
        return years_error(s, year);
    if (year == 0) {
        *y = (int)s->n_years - 1;
        return LEVER_OK;
    }
    int idx = lever_year_index(s, year);
    if (idx < 0)
        return years_error(s, year);
    *y = idx;
    return LEVER_OK;
}

int query_years(lever_store *s, const lever_query *q, int *y0, int *y1)
{
    int from = q ? q->year_from : 0, to = q ? q->year_to : 0;
    if (s->n_years == 0)
        return years_error(s, from);
    *y0 = 0;
    *y1 = (int)s->n_years - 1;
    if (from && (*y0 = lever_year_index(s, from)) < 0)
        return years_error(s, from);
    if (to && (*y1 = lever_year_index(s, to)) < 0)
        return years_error(s, to);
    if (*y0 > *y1)
        return store_fail(s, LEVER_EUSAGE, "the year range %d-%d is reversed", from, to);
    return LEVER_OK;
}

