/*
 * compare.c - suppliers competing in one market (lever compare): for a market B and
 * suppliers A1..An, per year each supplier's sales to B, its share of B's imports and
 * its leverage over B; how similar every two suppliers' sales to B are (Finger-Kreinin
 * export similarity, docs/INDICATORS.md section 7); and the products where they meet
 * head-on, ranked by how much the runner-up holds.
 *
 * Each supplier's flows to B in a year are one contiguous run of rows sorted by
 * product (store_dyad_rows), so a year costs one pass over n small runs, a merge of
 * every two of them for the similarity (export_similarity, formulas.c), and one sort of
 * their union for the head-on products. Leverage comes from lever_leverage (leverage.c),
 * not recomputed here.
 *
 * --measure quantity: the flows are kilograms (query_flow_kg: each flow's quantity times its
 * product's factor), flows without one are left out and counted, and M(B) and M(B,k) are
 * summed in kilograms from B's supplier runs; shares, similarity and the head-on ranking
 * follow. Leverage stays in value (a share of T(B), which tonnes cannot form).
 */
#include "query.h"

#include <stdlib.h>

/* One selected flow of a compared supplier to the market in one year, for the head-on
 * products. */
typedef struct supplier_flow {
    int product;
    int supplier; /* position in the compared list */
    uint64_t value;
} supplier_flow;

/* Everything one lever_compare call shares. */
typedef struct compare_ctx {
    const lever_store *s;
    lever_error *err;
    const lever_query *q;
    int market;
    const int *suppliers;
    int n_suppliers;
    int top;
    double *lev;            /* [n_suppliers * n_years]: LEV(A over B) */
    product_value *flows;   /* this year's flows of every supplier, by supplier then product */
    size_t *first;          /* [n_suppliers + 1]: each supplier's run in flows */
    supplier_flow *by_product; /* the same flows with their supplier, by product then value */
    size_t cap_headon;
    uint64_t flows_without_qty; /* quantity: the compared flows left out */
} compare_ctx;

/* M(B) over the selected products in year index y: USD, or kilograms. */
static uint64_t market_imports(const compare_ctx *c, int y)
{
    if (!query_quantity(c->q))
        return query_imports(c->s, c->q, y, c->market);
    const store_mjk *e, *end;
    uint64_t kg = 0;
    for (store_importer_entries(c->s, y, c->market, &e, &end); e < end; e++)
        if (e->m > 0 && query_has_product(c->q, e->k))
            kg += query_mjk_kg(c->s, c->q, y, e, NULL);
    return kg;
}

/* M(B,k) in year index y: USD, or kilograms. */
static uint64_t market_product_imports(const compare_ctx *c, int y, int k)
{
    const store_mjk *e = store_find_mjk(c->s, y, c->market, k);
    if (!e)
        return 0;
    return query_quantity(c->q) ? query_mjk_kg(c->s, c->q, y, e, NULL) : e->m;
}

/* Gathers the selected flows of every supplier to the market in year index y. */
static int gather_flows(compare_ctx *c, int y)
{
    const lever_store *s = c->s;
    size_t total = 0;
    uint64_t lo, hi;
    for (int n = 0; n < c->n_suppliers; n++) {
        store_dyad_rows(s, y, c->suppliers[n], c->market, &lo, &hi);
        total += (size_t)(hi - lo);
    }
    free(c->flows);
    free(c->by_product);
    c->flows = malloc((total + 1) * sizeof *c->flows);
    c->by_product = malloc((total + 1) * sizeof *c->by_product);
    if (!c->flows || !c->by_product)
        return LEVER_ENOMEM;
    size_t m = 0;
    for (int n = 0; n < c->n_suppliers; n++) {
        c->first[n] = m;
        store_dyad_rows(s, y, c->suppliers[n], c->market, &lo, &hi);
        for (uint64_t r = lo; r < hi; r++) {
            uint64_t v = store_v(s, r);
            if (v == 0 || !query_has_product(c->q, s->fk[r]))
                continue;
            if (query_quantity(c->q)) {
                bool missing;
                v = query_flow_kg(s, c->q, r, s->fk[r], &missing);
                c->flows_without_qty += missing;
            }
            if (v > 0)
                c->flows[m++] = (product_value){s->fk[r], v};
        }
    }
    c->first[c->n_suppliers] = m;
    return LEVER_OK;
}

/* LEV(A over B) of every supplier for every year of the range, from lever_leverage. */
static int leverage_all(compare_ctx *c, int y0, int n_years)
{
    c->lev = malloc((size_t)c->n_suppliers * (size_t)n_years * sizeof *c->lev);
    if (!c->lev)
        return error_set(c->err, LEVER_ENOMEM, "out of memory comparing suppliers");
    for (int n = 0; n < c->n_suppliers; n++) {
        lever_leverage_result *lr = NULL;
        lever_query value = {0}; /* leverage is in value whatever the measure */
        if (c->q)
            value = *c->q;
        value.measure = LEVER_MEASURE_VALUE;
        int rc = lever_leverage(c->s, c->suppliers[n], c->market, &value, 0, &lr, c->err);
        if (rc)
            return rc; /* lever_leverage set the message */
        for (int t = 0; t < n_years; t++) {
            int year = lever_year_at(c->s, y0 + t);
            double lev = NAN;
            for (int m = 0; m < lr->n_years; m++)
                if (lr->years[m].year == year)
                    lev = lr->years[m].lev_ab;
            c->lev[(size_t)n * (size_t)n_years + (size_t)t] = lev;
        }
        lever_leverage_free(lr);
    }
    return LEVER_OK;
}

/* Appends each supplier's X(A->B), s(A->B) and LEV for year index y (t-th of the range). */
static void add_year_rows(const compare_ctx *c, int y, int t, int n_years,
                          lever_compare_result *r)
{
    uint64_t m_b = market_imports(c, y);
    for (int n = 0; n < c->n_suppliers; n++) {
        uint64_t x = 0;
        for (size_t f = c->first[n]; f < c->first[n + 1]; f++)
            x += c->flows[f].value;
        lever_compare_year *row = &r->years[r->n_years_rows++];
        row->year = lever_year_at(c->s, y);
        row->supplier = c->suppliers[n];
        row->value = x;
        row->share = supplier_share(x, m_b); /* aggregate s(A->B) = X(A->B)/M(B) */
        row->lev = c->lev[(size_t)n * (size_t)n_years + (size_t)t];
    }
}

/* Appends ESI for every pair of suppliers (in the order given) for year index y. */
static void add_similarities(const compare_ctx *c, int y, lever_compare_result *r)
{
    for (int a = 0; a < c->n_suppliers; a++)
        for (int b = a + 1; b < c->n_suppliers; b++) {
            lever_similarity *row = &r->similarities[r->n_similarities++];
            row->year = lever_year_at(c->s, y);
            row->a = c->suppliers[a];
            row->b = c->suppliers[b];
            row->esi = export_similarity(c->flows + c->first[a], c->first[a + 1] - c->first[a],
                                         c->flows + c->first[b], c->first[b + 1] - c->first[b]);
        }
}

/* By product, then larger value first, then the order the suppliers were given. */
static int by_product_then_value(const void *pa, const void *pb)
{
    const supplier_flow *a = pa, *b = pb;
    if (a->product != b->product)
        return a->product < b->product ? -1 : 1;
    if (a->value != b->value)
        return a->value > b->value ? -1 : 1;
    return (a->supplier > b->supplier) - (a->supplier < b->supplier);
}

/* A product at least two compared suppliers sell to the market. */
typedef struct headon_product {
    size_t first, count; /* its run in by_product */
    uint64_t imports;    /* M(B,k) */
    double overlap;      /* second-largest share among the compared */
    int product;
} headon_product;

static int by_overlap(const void *pa, const void *pb)
{
    const headon_product *a = pa, *b = pb;
    if (a->overlap != b->overlap)
        return a->overlap > b->overlap ? -1 : 1;
    return (a->product > b->product) - (a->product < b->product);
}

/* The products of year index y that two or more suppliers sell, by overlap. */
static int find_headon(compare_ctx *c, int y, headon_product **out, size_t *n_out)
{
    size_t n_flows = c->first[c->n_suppliers];
    for (int n = 0; n < c->n_suppliers; n++)
        for (size_t f = c->first[n]; f < c->first[n + 1]; f++)
            c->by_product[f] = (supplier_flow){c->flows[f].product, n, c->flows[f].value};
    sort_items(c->by_product, n_flows, sizeof *c->by_product, by_product_then_value);
    headon_product *list = malloc((n_flows / 2 + 1) * sizeof *list);
    if (!list)
        return LEVER_ENOMEM;
    size_t n = 0;
    for (size_t f = 0; f < n_flows;) {
        size_t end = f + 1;
        while (end < n_flows && c->by_product[end].product == c->by_product[f].product)
            end++;
        if (end - f >= 2) {
            int k = c->by_product[f].product;
            uint64_t m = market_product_imports(c, y, k);
            list[n++] = (headon_product){f, end - f, m,
                                         supplier_share(c->by_product[f + 1].value, m), k};
        }
        f = end;
    }
    sort_items(list, n, sizeof *list, by_overlap);
    *out = list;
    *n_out = n;
    return LEVER_OK;
}

/* Appends the top head-on products of year index y, one row per (product, supplier). */
static int add_headon(compare_ctx *c, int y, lever_compare_result *r)
{
    headon_product *list;
    size_t n_list;
    int rc = find_headon(c, y, &list, &n_list);
    if (rc)
        return rc;
    if (c->top > 0 && n_list > (size_t)c->top)
        n_list = (size_t)c->top;
    size_t need = r->n_headon;
    for (size_t p = 0; p < n_list; p++)
        need += list[p].count;
    if (need > c->cap_headon) {
        size_t cap = c->cap_headon ? c->cap_headon : 64;
        while (cap < need)
            cap *= 2;
        lever_headon *grown = realloc(r->headon, cap * sizeof *grown);
        if (!grown) {
            free(list);
            return LEVER_ENOMEM;
        }
        r->headon = grown;
        c->cap_headon = cap;
    }
    for (size_t p = 0; p < n_list; p++)
        for (size_t f = list[p].first; f < list[p].first + list[p].count; f++) {
            const supplier_flow *fl = &c->by_product[f];
            r->headon[r->n_headon++] = (lever_headon){
                .year = lever_year_at(c->s, y),
                .product = fl->product,
                .imports = list[p].imports,
                .supplier = c->suppliers[fl->supplier],
                .value = fl->value,
                .share = supplier_share(fl->value, list[p].imports),
                .overlap = list[p].overlap,
            };
        }
    free(list);
    return LEVER_OK;
}

/* Checks the market and suppliers: in range, distinct, none the market itself. */
static int check_countries(const lever_store *s, int market, const int *suppliers,
                           int n_suppliers, lever_error *err)
{
    int C = (int)s->n_countries;
    if (market < 0 || market >= C)
        return error_set(err, LEVER_EUSAGE, "country index out of range");
    if (n_suppliers < 1)
        return error_set(err, LEVER_EUSAGE, "compare needs at least one supplier");
    for (int n = 0; n < n_suppliers; n++) {
        if (suppliers[n] < 0 || suppliers[n] >= C)
            return error_set(err, LEVER_EUSAGE, "country index out of range");
        if (suppliers[n] == market)
            return error_set(err, LEVER_EUSAGE,
                              "a supplier is the market itself: list only other countries");
        for (int m = 0; m < n; m++)
            if (suppliers[m] == suppliers[n])
                return error_set(err, LEVER_EUSAGE,
                                  "a supplier is listed twice: list each country once");
    }
    return LEVER_OK;
}

/* Fills r year by year over [y0, y1]. */
static int compare_years(compare_ctx *c, int y0, int y1, lever_compare_result *r)
{
    int n_years = y1 - y0 + 1;
    int rc = leverage_all(c, y0, n_years);
    if (rc)
        return rc;
    for (int y = y0; y <= y1 && rc == LEVER_OK; y++) {
        rc = gather_flows(c, y);
        if (rc == LEVER_OK) {
            add_year_rows(c, y, y - y0, n_years, r);
            add_similarities(c, y, r);
            rc = add_headon(c, y, r);
        }
    }
    if (rc)
        return error_set(c->err, rc, "out of memory comparing suppliers");
    return LEVER_OK;
}

int lever_compare(const lever_store *s, int market, const int *suppliers, int n_suppliers,
                  const lever_query *q, int top, lever_compare_result **out, lever_error *err)
{
    *out = NULL;
    int rc = check_countries(s, market, suppliers, n_suppliers, err);
    if (rc)
        return rc;
    if (top < 0)
        return error_set(err, LEVER_EUSAGE, "the number of products to keep cannot be negative");
    int y0, y1;
    if ((rc = query_years(s, q, &y0, &y1, err)))
        return rc;
    size_t n_years = (size_t)(y1 - y0 + 1), n = (size_t)n_suppliers;
    compare_ctx c = {.s = s, .err = err, .q = q, .market = market, .suppliers = suppliers,
                     .n_suppliers = n_suppliers, .top = top};
    lever_compare_result *r = calloc(1, sizeof *r);
    c.first = malloc((n + 1) * sizeof *c.first);
    if (r) {
        r->market = market;
        r->years = malloc(n_years * n * sizeof *r->years);
        r->similarities = malloc((n_years * n * (n - 1) / 2 + 1) * sizeof *r->similarities);
    }
    if (!r || !c.first || !r->years || !r->similarities)
        rc = error_set(err, LEVER_ENOMEM, "out of memory comparing suppliers");
    else
        rc = compare_years(&c, y0, y1, r);
    free(c.first);
    free(c.lev);
    free(c.flows);
    free(c.by_product);
    if (!rc && store_damaged(s))
        rc = store_damage_fail(s, err);
    if (r) {
        r->measure = query_quantity(q) ? LEVER_MEASURE_QUANTITY : LEVER_MEASURE_VALUE;
        r->flows_without_qty = c.flows_without_qty;
    }
    if (rc) {
        lever_compare_free(r);
        return rc;
    }
    *out = r;
    return LEVER_OK;
}

void lever_compare_free(lever_compare_result *r)
{
    if (!r)
        return;
    free(r->years);
    free(r->similarities);
    free(r->headon);
    free(r);
}
