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
    int a, b;                /* the two countries' indices in this store */
    char label[160];         /* "BACI HS92 V202301", "UN Comtrade Plus HS22, downloaded ..." */
    bool comtrade;
    char note[2048];         /* --product read in another edition: what is not one-to-one */
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

/* (x - base) / base, NaN when base is 0 or either is unknown. */
static double relative(bool ok_x, uint64_t x, bool ok_base, uint64_t base)
{
    if (!ok_x || !ok_base || base == 0)
        return NAN;
    return ((double)x - (double)base) / (double)base;
}

/* The edition --product is read in: --hs, else the first store's ("" when unknown). */
static const char *reading_edition(const cli_query *cq)
{
    if (cq->product_hs)
        return cq->product_hs;
    lever_info info;
    lever_get_info(cq->store, &info);
    return info.hs_version;
}

static int open_others(cli_query *cq, one_store *st)
{
    const char *hs = reading_edition(cq);
    lever_info first;
    lever_get_info(cq->store, &first);
    for (int k = 0; k < cq->stores.n; k++) {
        if (k == 0) {
            st[k].s = cq->store;
            st[k].sel = cq->selection;
            snprintf(st[k].note, sizeof st[k].note, "%s", cq->product_note);
        } else if (!(st[k].s = cli_open_store(cq->stores.path[k]))) {
            return EXIT_ERROR;
        } else if (cq->product) {
            lever_error err;
            int g = lever_groups_find(cq->groups, cq->product);
            /* words name products of the first store when --product is read in its edition */
            const lever_store *words = strcmp(hs, first.hs_version) == 0 ? cq->store : NULL;
            int rc = hs[0] ? lever_selection_in_edition(st[k].s, cq->product, hs, cq->groups,
                                                        words, getenv("LEVER_HS_DIR"),
                                                        &st[k].sel, st[k].note,
                                                        sizeof st[k].note, &err)
                     : g >= 0 ? lever_groups_selection(st[k].s, cq->groups, g, &st[k].sel, &err)
                              : lever_selection_parse(st[k].s, cq->product, &st[k].sel, &err);
            if (rc != LEVER_OK) {
                char line[1200];
                snprintf(line, sizeof line, "store %d (%s): ", k + 1, cq->stores.path[k]);
                cli_error("%s%s", line, err.message);
                return EXIT_ERROR;
            }
        }
        lever_info info;
        lever_get_info(st[k].s, &info);
        st[k].comtrade = info.comtrade;
        store_label(st[k].s, st[k].label, sizeof st[k].label);
    }
    return EXIT_OK;
}

/* The products line: how --product is read, and what each store's codes are. */
static void products_meta(out_doc *d, const cli_query *cq, const one_store *st, int n)
{
    if (!cq->product) {
        out_doc_meta(d, "products", "all products");
        return;
    }
    const char *hs = reading_edition(cq);
    char line[4096];
    size_t at = 0;
    at += (size_t)snprintf(line, sizeof line, "%s, read in %s", cq->product,
                           hs[0] ? hs : "each store's own HS edition (the first store's is "
                                        "unknown: give --hs)");
    if (hs[0])
        at += (size_t)snprintf(line + at, sizeof line - at, " (%s)",
                               cq->product_hs ? "--hs" : "the edition of store 1");
    for (int k = 0; k < n && at < sizeof line; k++)
        at += (size_t)snprintf(line + at, sizeof line - at, "; store %d: %s", k + 1,
                               lever_selection_label(st[k].sel));
    out_doc_meta(d, "products", "%s", line);
    for (int k = 0; k < n; k++)
        if (st[k].note[0]) {
            char note[2200];
            snprintf(note, sizeof note, "store %d: %s", k + 1, st[k].note);
            out_doc_meta_append(d, "hs_mapping", note);
        }
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
        st[k].a = a;
        st[k].b = b;
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
        if (lever_dyad_from(st[k].s, a, b, &q, (int)cq->top, cq->source_value, cq->cif_ppm,
                            &st[k].r, &err) != LEVER_OK)
            return cli_fail(&err);
    }
    return EXIT_OK;
}

/* One direction's figure of a year: USD, or with --measure quantity tonnes (factors
 * applied); empty when the store does not hold that direction. */
static void figure(out_table *t, bool quantity, bool ok, uint64_t usd, double kg)
{
    if (!ok)
        out_null(t);
    else if (quantity)
        out_double(t, kg / 1000.0);
    else
        out_u64(t, usd);
}

/* The columns of a year's figures: A->B, B->A, total, in USD or tonnes. */
static void figure_titles(bool quantity, const cli_country_names *na, const cli_country_names *nb,
                          char ab[64], char ba[64], out_col cols[3])
{
    snprintf(ab, 64, "%s->%s%s", na->code, nb->code, quantity ? " t" : "");
    snprintf(ba, 64, "%s->%s%s", nb->code, na->code, quantity ? " t" : "");
    cols[0] = (out_col){quantity ? "a_to_b_t" : "a_to_b", ab, quantity ? COL_RATIO : COL_USD};
    cols[1] = (out_col){quantity ? "b_to_a_t" : "b_to_a", ba, quantity ? COL_RATIO : COL_USD};
    cols[2] = (out_col){quantity ? "total_t" : "total", quantity ? "total t" : NULL,
                        quantity ? COL_RATIO : COL_USD};
}

static void year_figures(out_table *t, bool quantity, const lever_dyad_year *y)
{
    bool both = y->covered_a_to_b && y->covered_b_to_a;
    figure(t, quantity, y->covered_a_to_b, y->a_to_b, y->qty_a_to_b);
    figure(t, quantity, y->covered_b_to_a, y->b_to_a, y->qty_b_to_a);
    figure(t, quantity, both, y->total, y->qty_a_to_b + y->qty_b_to_a);
}

static void add_years(out_doc *d, const one_store *st, int n, int lo, int hi,
                      const cli_country_names *na, const cli_country_names *nb, bool quantity,
                      const lever_events *ev, bool *missing)
{
    char ab[64], ba[64], nab[96], nba[96], title[1024];
    snprintf(nab, sizeof nab, "%s->%s flows without qty", na->code, nb->code);
    snprintf(nba, sizeof nba, "%s->%s flows without qty", nb->code, na->code);
    out_col cols[12] = {{"year", NULL, COL_INT}};
    int nc = 1;
    figure_titles(quantity, na, nb, ab, ba, cols + 1);
    nc += 3;
    cols[nc++] = (out_col){"source", NULL, COL_STR};
    cols[nc++] = (out_col){"store", NULL, COL_INT};
    cols[nc++] = (out_col){"data", NULL, COL_STR};
    if (quantity) {
        cols[nc++] = (out_col){"no_qty_a_to_b", nab, COL_INT | COL_WIDE};
        cols[nc++] = (out_col){"no_qty_b_to_a", nba, COL_INT | COL_WIDE};
    } else {
        cols[nc++] = (out_col){"valuation_a_to_b", "valued A->B", COL_STR};
        cols[nc++] = (out_col){"valuation_b_to_a", "valued B->A", COL_STR};
    }
    if (ev)
        cols[nc++] = (out_col){"events", NULL, COL_STR};
    snprintf(title, sizeof title, "By year, %s, from the best store of each year: A = %s, B = %s",
             quantity ? "tonnes (group factors applied)" : "USD", na->label, nb->label);
    out_table *t = out_doc_table(d, "years", title, nc, cols);
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
            if (ev)
                cli_events_cell(t, st[0].s, ev, st[0].a, st[0].b, year);
            char note[160];
            snprintf(note, sizeof note, "no store holds %d", year);
            if (out_doc_meta_append(d, "coverage", note))
                cli_error("%s", note);
            *missing = true;
            continue;
        }
        const lever_dyad_year *y = year_of(st[k].r, year);
        year_figures(t, quantity, y);
        char label[64];
        out_str(t, out_source_label(st[k].s, year, y->source, label, sizeof label));
        out_int(t, k + 1);
        out_str(t, st[k].label);
        if (quantity) {
            out_int(t, (int64_t)y->no_qty_a_to_b);
            out_int(t, (int64_t)y->no_qty_b_to_a);
        } else {
            out_str(t, y->valuation_a_to_b);
            out_str(t, y->valuation_b_to_a);
        }
        if (ev)
            cli_events_cell(t, st[k].s, ev, st[k].a, st[k].b, year);
        for (int dir = 0; dir < 2; dir++) {
            if (dir ? y->covered_b_to_a : y->covered_a_to_b)
                continue;
            char note[1024];
            int yi = lever_year_index(st[k].s, year);
            int i = dir ? st[k].b : st[k].a, j = dir ? st[k].a : st[k].b;
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

/* (x - base) / base of a direction in USD or tonnes, NaN when either is unknown or base 0. */
static double relative_of(bool quantity, int dir, const lever_dyad_year *y,
                          const lever_dyad_year *u)
{
    bool ok_y = dir ? y->covered_b_to_a : y->covered_a_to_b;
    bool ok_u = dir ? u->covered_b_to_a : u->covered_a_to_b;
    if (!quantity)
        return relative(ok_y, dir ? y->b_to_a : y->a_to_b, ok_u, dir ? u->b_to_a : u->a_to_b);
    double x = dir ? y->qty_b_to_a : y->qty_a_to_b, base = dir ? u->qty_b_to_a : u->qty_a_to_b;
    return ok_y && ok_u && base != 0 ? (x - base) / base : NAN;
}

static void add_overlap(out_doc *d, const one_store *st, int n, int lo, int hi,
                        const cli_country_names *na, const cli_country_names *nb, bool quantity)
{
    char ab[64], ba[64], dab[80], dba[80];
    out_col fig[3];
    figure_titles(quantity, na, nb, ab, ba, fig);
    snprintf(dab, sizeof dab, "vs used %s->%s", na->code, nb->code);
    snprintf(dba, sizeof dba, "vs used %s->%s", nb->code, na->code);
    const out_col cols[] = {
        {"year", NULL, COL_INT},        {"store", NULL, COL_INT},
        {"used", NULL, COL_INT},        fig[0],
        fig[1],                         fig[2],
        {"diff_a_to_b", dab, COL_SHARE}, {"diff_b_to_a", dba, COL_SHARE},
        {"source", NULL, COL_STR},      {"data", NULL, COL_STR},
    };
    out_table *t = out_doc_table(d, "overlap",
                                 quantity ? "Years several stores hold, side by side, tonnes "
                                            "(used = the figures of the table above; "
                                            "differences relative to them)"
                                          : "Years several stores hold, side by side (used = "
                                            "the figures of the table above; differences "
                                            "relative to them)",
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
            year_figures(t, quantity, y);
            out_double(t, relative_of(quantity, 0, y, u));
            out_double(t, relative_of(quantity, 1, y, u));
            char label[64];
            out_str(t, out_source_label(st[k].s, year, y->source, label, sizeof label));
            out_str(t, st[k].label);
        }
    }
}

/* The top products each way: per year, those of each store holding it, the store the year
 * uses first. */
static void add_products(out_doc *d, const one_store *st, int n, int lo, int hi,
                         const cli_country_names *na, const cli_country_names *nb, int top,
                         bool quantity)
{
    for (int dir = 0; dir < 2; dir++) {
        out_table *t = dyad_product_table(d, dir ? "b_to_a" : "a_to_b", dir ? nb : na,
                                          dir ? na : nb, top, quantity, true);
        for (int year = lo; year <= hi; year++) {
            int best = best_store(st, n, year);
            if (best < 0)
                continue;
            for (int pass = 0; pass < 2; pass++)
                for (int k = 0; k < n; k++) {
                    if ((k == best) != (pass == 0) || !year_of(st[k].r, year))
                        continue;
                    const lever_dyad_result *r = st[k].r;
                    dyad_product_rows(t, st[k].s, quantity, dir ? r->b_to_a : r->a_to_b,
                                      dir ? r->n_b_to_a : r->n_a_to_b, year, k + 1, k == best);
                }
        }
    }
}

static int over_stores(cli_query *cq, one_store *st, const char *query_a, const char *query_b,
                       const lever_events *ev)
{
    int n = cq->stores.n, lo, hi;
    int rc = open_others(cq, st);
    if (rc == EXIT_OK)
        rc = run_queries(cq, st, query_a, query_b, &lo, &hi);
    if (rc != EXIT_OK)
        return rc;
    cli_country_names na, nb;
    cli_name_country(st[0].s, st[0].a, &na);
    cli_name_country(st[0].s, st[0].b, &nb);
    out_doc *d = cli_doc_new(st[0].s, "Trade between %s and %s, from %d stores", na.label,
                             nb.label, n);
    char stores[1024];
    size_t at = 0;
    stores[0] = 0;
    for (int k = 0; k < n && at < sizeof stores; k++) {
        const char *base = strrchr(cq->stores.path[k], '/');
        at += (size_t)snprintf(stores + at, sizeof stores - at, "%s%d = %s (%s)", k ? "; " : "",
                               k + 1, base ? base + 1 : cq->stores.path[k], st[k].label);
    }
    out_doc_meta(d, "data", "per year, from the store named in the table: %s", stores);
    out_doc_meta(d, "source",
                 "per year, a store holding both directions' flows, BACI before Comtrade, "
                 "then the store given first; the other stores' figures of that year are "
                 "in the table 'overlap'");
    out_doc_meta(d, "a", "%s", na.label);
    out_doc_meta(d, "b", "%s", nb.label);
    cli_meta_years(d, lo, hi);
    products_meta(d, cq, st, n);
    if (cq->quantity) {
        out_doc_meta(d, "units", "tonnes, each flow's quantity times its product's group "
                                 "factor; the top products ranked by those tonnes, with s, e "
                                 "and HHI_M of tonnes; values USD, quantities kg");
        out_doc_meta(d, "measure", "quantity");
    } else {
        out_doc_meta(d, "units", "values USD, quantities kg, unit values USD/kg");
    }
    bool missing = false;
    add_years(d, st, n, lo, hi, &na, &nb, cq->quantity, ev, &missing);
    add_overlap(d, st, n, lo, hi, &na, &nb, cq->quantity);
    if (ev)
        cli_events_table(d, st[0].s, ev, st[0].a, st[0].b, lo, hi);
    if (cq->top > 0)
        add_products(d, st, n, lo, hi, &na, &nb, (int)cq->top, cq->quantity);
    rc = out_doc_print(d, cq->fmt);
    return rc == EXIT_OK && missing ? EXIT_UNCOVERED : rc;
}

int dyad_over_stores(cli_query *cq, const char *query_a, const char *query_b,
                     const char *events_file)
{
    int n = cq->stores.n, rc;
    lever_events *ev = cli_events_load(events_file, &rc);
    if (rc != EXIT_OK)
        return rc;
    one_store *st = calloc((size_t)n, sizeof *st);
    if (!st) {
        lever_events_free(ev);
        cli_error("out of memory");
        return EXIT_ERROR;
    }
    rc = over_stores(cq, st, query_a, query_b, ev);
    for (int k = 0; k < n; k++) {
        lever_dyad_free(st[k].r);
        if (k > 0) {
            lever_selection_free(st[k].sel);
            lever_close(st[k].s);
        }
    }
    free(st);
    lever_events_free(ev);
    return rc;
}
