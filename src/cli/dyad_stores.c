/*
 * dyad_stores.c - `lever dyad A B --store S1 --store S2 ...`: one bilateral question over
 * several stores (a BACI store for the history, a Comtrade store for the latest years),
 * each year answered from the best store that has it, labelled per year, and the years
 * several stores hold compared side by side.
 *
 * Why in the command and not in the library: each store is an independent, exact
 * answer (lever_dyad_from on each); choosing between them is a presentation rule, stated
 * in the output: per year, a store that holds both directions' flows (lever_covers)
 * before one that does not, then BACI (reconciled from both declarations) before
 * Comtrade (one declaration per flow), then the store given first. Nothing is added
 * across stores: a year's figures come from one store, the others are shown beside them.
 */
#include "cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct one_store {
    lever_store *s;          /* cq->store for the first, else opened here */
    lever_selection *sel;    /* the --product selection in this store (owned, except the first) */
    lever_dyad_result *r;    /* NULL when the store holds none of the years asked */
    char label[160];         /* "BACI HS92 V202301", "UN Comtrade Plus HS22, downloaded ..." */
    bool comtrade;
} one_store;

static void store_label(const lever_store *s, char *buf, size_t len)
{
    lever_info info;
    lever_get_info(s, &info);
    const char *hs = info.hs_version[0] ? info.hs_version : "HS version unknown";
    if (info.synthetic)
        snprintf(buf, len, "synthetic %s", hs);
    else if (strncmp(info.release, "Comtrade-", 9) == 0)
        snprintf(buf, len, "UN Comtrade Plus %s, downloaded %s", hs, info.release + 9);
    else if (info.release[0] == 'V')
        snprintf(buf, len, "BACI %s %s", hs, info.release);
    else
        snprintf(buf, len, "%s %s", hs, info.release);
}

static const lever_dyad_year *year_of(const lever_dyad_result *r, int year)
{
    for (int n = 0; r && n < r->n_years; n++)
        if (r->years[n].year == year)
            return &r->years[n];
    return NULL;
}

/* The store whose figures a year uses, or -1 when none holds the year. */
static int best_store(const one_store *st, int n, int year)
{
    int best = -1, best_rank = 0;
    for (int k = 0; k < n; k++) {
        const lever_dyad_year *y = year_of(st[k].r, year);
        if (!y)
            continue;
        int rank = (y->covered_a_to_b + y->covered_b_to_a) * 4 + (st[k].comtrade ? 0 : 2);
        if (best < 0 || rank > best_rank) {
            best = k;
            best_rank = rank;
        }
    }
    return best;
}

static void held(out_table *t, bool ok, uint64_t v)
{
    if (ok)
        out_u64(t, v);
    else
        out_null(t);
}

/* (x - base) / base, NaN when base is 0 or either is unknown. */
static double relative(bool ok_x, uint64_t x, bool ok_base, uint64_t base)
{
    if (!ok_x || !ok_base || base == 0)
        return NAN;
    return ((double)x - (double)base) / (double)base;
}

static int open_others(cli_query *cq, one_store *st)
{
    for (int k = 0; k < cq->stores.n; k++) {
        if (k == 0) {
            st[k].s = cq->store;
            st[k].sel = cq->selection;
        } else if (!(st[k].s = cli_open_store(cq->stores.path[k]))) {
            return EXIT_ERROR;
        } else if (cq->product) {
            lever_error err;
            int g = lever_groups_find(cq->groups, cq->product);
            int rc = g >= 0 ? lever_groups_selection(st[k].s, cq->groups, g, &st[k].sel, &err)
                            : lever_selection_parse(st[k].s, cq->product, &st[k].sel, &err);
            if (rc != LEVER_OK)
                return cli_fail(&err);
        }
        lever_info info;
        lever_get_info(st[k].s, &info);
        st[k].comtrade = info.comtrade;
        store_label(st[k].s, st[k].label, sizeof st[k].label);
    }
    return EXIT_OK;
}

static int run_queries(cli_query *cq, one_store *st, const char *qa, const char *qb, int *lo,
                       int *hi)
{
    *lo = 1 << 30;
    *hi = -1;
    for (int k = 0; k < cq->stores.n; k++) {
        int a, b;
        if (!cli_country(st[k].s, qa, &a) || !cli_country(st[k].s, qb, &b))
            return EXIT_ERROR;
        lever_info info;
        lever_get_info(st[k].s, &info);
        lever_query q = cq->q;
        q.products = st[k].sel;
        int from = q.year_from ? q.year_from : info.year_min;
        int to = q.year_to ? q.year_to : info.year_max;
        q.year_from = from > info.year_min ? from : info.year_min;
        q.year_to = to < info.year_max ? to : info.year_max;
        *lo = from < *lo ? from : *lo;
        *hi = to > *hi ? to : *hi;
        if (q.year_from > q.year_to || info.n_years == 0)
            continue; /* none of the years asked */
        lever_error err;
        if (lever_dyad_from(st[k].s, a, b, &q, 0, cq->source_value, cq->cif_ppm, &st[k].r,
                            &err) != LEVER_OK)
            return cli_fail(&err);
    }
    return EXIT_OK;
}

static void add_years(out_doc *d, const one_store *st, int n, int lo, int hi,
                      const cli_country_names *na, const cli_country_names *nb, bool *missing)
{
    char ab[64], ba[64], title[1024];
    snprintf(ab, sizeof ab, "%s->%s", na->code, nb->code);
    snprintf(ba, sizeof ba, "%s->%s", nb->code, na->code);
    const out_col cols[] = {
        {"year", NULL, COL_INT},         {"a_to_b", ab, COL_USD},
        {"b_to_a", ba, COL_USD},         {"total", NULL, COL_USD},
        {"source", NULL, COL_STR},       {"store", NULL, COL_INT},
        {"data", NULL, COL_STR},         {"valuation_a_to_b", "valued A->B", COL_STR},
        {"valuation_b_to_a", "valued B->A", COL_STR},
    };
    snprintf(title, sizeof title, "By year, USD, from the best store of each year: A = %s, B = %s",
             na->label, nb->label);
    out_table *t = out_doc_table(d, "years", title, (int)(sizeof cols / sizeof cols[0]), cols);
    for (int year = lo; year <= hi; year++) {
        int k = best_store(st, n, year);
        out_int(t, year);
        if (k < 0) {
            for (int c = 0; c < 3; c++)
                out_null(t);
            out_str(t, "none");
            out_null(t);
            out_str(t, "no store holds this year");
            out_null(t);
            out_null(t);
            char note[160];
            snprintf(note, sizeof note, "no store holds %d", year);
            if (out_doc_meta_append(d, "coverage", note))
                cli_error("%s", note);
            *missing = true;
            continue;
        }
        const lever_dyad_year *y = year_of(st[k].r, year);
        bool both = y->covered_a_to_b && y->covered_b_to_a;
        held(t, y->covered_a_to_b, y->a_to_b);
        held(t, y->covered_b_to_a, y->b_to_a);
        held(t, both, y->total);
        char label[64];
        out_str(t, out_source_label(st[k].s, year, y->source, label, sizeof label));
        out_int(t, k + 1);
        out_str(t, st[k].label);
        out_str(t, y->valuation_a_to_b);
        out_str(t, y->valuation_b_to_a);
        for (int dir = 0; dir < 2; dir++) {
            if (dir ? y->covered_b_to_a : y->covered_a_to_b)
                continue;
            char note[1024];
            int yi = lever_year_index(st[k].s, year);
            int i = dir ? st[k].r->b : st[k].r->a, j = dir ? st[k].r->a : st[k].r->b;
            if (!lever_coverage_note(st[k].s, yi, i, j, note, sizeof note)) {
                char line[1200];
                snprintf(line, sizeof line, "store %d: %s", k + 1, note);
                if (out_doc_meta_append(d, "coverage", line))
                    cli_error("%s", line);
            }
            *missing = true;
        }
    }
}

static void add_overlap(out_doc *d, const one_store *st, int n, int lo, int hi,
                        const cli_country_names *na, const cli_country_names *nb)
{
    char ab[64], ba[64], dab[80], dba[80];
    snprintf(ab, sizeof ab, "%s->%s", na->code, nb->code);
    snprintf(ba, sizeof ba, "%s->%s", nb->code, na->code);
    snprintf(dab, sizeof dab, "vs used %s", ab);
    snprintf(dba, sizeof dba, "vs used %s", ba);
    const out_col cols[] = {
        {"year", NULL, COL_INT},        {"store", NULL, COL_INT},
        {"used", NULL, COL_INT},        {"a_to_b", ab, COL_USD},
        {"b_to_a", ba, COL_USD},        {"total", NULL, COL_USD},
        {"diff_a_to_b", dab, COL_SHARE}, {"diff_b_to_a", dba, COL_SHARE},
        {"source", NULL, COL_STR},      {"data", NULL, COL_STR},
    };
    out_table *t = out_doc_table(d, "overlap",
                                 "Years several stores hold, side by side (used = the figures "
                                 "of the table above; differences relative to them)",
                                 (int)(sizeof cols / sizeof cols[0]), cols);
    for (int year = lo; year <= hi; year++) {
        int holders = 0;
        for (int k = 0; k < n; k++)
            holders += year_of(st[k].r, year) != NULL;
        if (holders < 2)
            continue;
        int best = best_store(st, n, year);
        const lever_dyad_year *u = year_of(st[best].r, year);
        for (int k = 0; k < n; k++) {
            const lever_dyad_year *y = year_of(st[k].r, year);
            if (!y)
                continue;
            out_int(t, year);
            out_int(t, k + 1);
            out_int(t, k == best);
            held(t, y->covered_a_to_b, y->a_to_b);
            held(t, y->covered_b_to_a, y->b_to_a);
            held(t, y->covered_a_to_b && y->covered_b_to_a, y->total);
            out_double(t, relative(y->covered_a_to_b, y->a_to_b, u->covered_a_to_b, u->a_to_b));
            out_double(t, relative(y->covered_b_to_a, y->b_to_a, u->covered_b_to_a, u->b_to_a));
            char label[64];
            out_str(t, out_source_label(st[k].s, year, y->source, label, sizeof label));
            out_str(t, st[k].label);
        }
    }
}

int dyad_over_stores(cli_query *cq, const char *query_a, const char *query_b)
{
    int n = cq->stores.n, lo, hi;
    one_store *st = calloc((size_t)n, sizeof *st);
    if (!st) {
        cli_error("out of memory");
        return EXIT_ERROR;
    }
    int rc = open_others(cq, st);
    if (rc == EXIT_OK)
        rc = run_queries(cq, st, query_a, query_b, &lo, &hi);
    if (rc == EXIT_OK) {
        cli_country_names na, nb;
        cli_name_country(st[0].s, st[0].r ? st[0].r->a : 0, &na);
        cli_name_country(st[0].s, st[0].r ? st[0].r->b : 0, &nb);
        if (!st[0].r) { /* the first store holds none of the years: name them from it anyway */
            int a, b;
            cli_country(st[0].s, query_a, &a);
            cli_country(st[0].s, query_b, &b);
            cli_name_country(st[0].s, a, &na);
            cli_name_country(st[0].s, b, &nb);
        }
        out_doc *d = cli_doc_new(st[0].s, "Trade between %s and %s, from %d stores", na.label,
                                 nb.label, n);
        char stores[1024];
        size_t at = 0;
        stores[0] = 0;
        for (int k = 0; k < n && at < sizeof stores; k++) {
            const char *base = strrchr(cq->stores.path[k], '/');
            at += (size_t)snprintf(stores + at, sizeof stores - at, "%s%d = %s (%s)",
                                   k ? "; " : "", k + 1, base ? base + 1 : cq->stores.path[k],
                                   st[k].label);
        }
        out_doc_meta(d, "data", "per year, from the store named in the table: %s", stores);
        out_doc_meta(d, "source",
                     "per year, a store holding both directions' flows, BACI before Comtrade, "
                     "then the store given first; the other stores' figures of that year are "
                     "in the table 'overlap'");
        out_doc_meta(d, "a", "%s", na.label);
        out_doc_meta(d, "b", "%s", nb.label);
        cli_meta_years(d, lo, hi);
        out_doc_meta(d, "products", "%s", lever_selection_label(cq->selection));
        out_doc_meta(d, "units", "values USD");
        bool missing = false;
        add_years(d, st, n, lo, hi, &na, &nb, &missing);
        add_overlap(d, st, n, lo, hi, &na, &nb);
        rc = out_doc_print(d, cq->fmt);
        if (rc == EXIT_OK && missing)
            rc = EXIT_UNCOVERED;
    }
    for (int k = 0; k < n; k++) {
        lever_dyad_free(st[k].r);
        if (k > 0) {
            lever_selection_free(st[k].sel);
            lever_close(st[k].s);
        }
    }
    free(st);
    return rc;
}
