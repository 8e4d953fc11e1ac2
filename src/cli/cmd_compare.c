/*
 * cmd_compare.c - lever compare B --suppliers A1,A2,...: suppliers competing in
 * market B, year by year: what each sells to B, its share of B's imports and its
 * leverage over B; how similar their sales to B are (export similarity ESI); and the
 * products where they meet head-on (docs/commands/compare.md). Thin: lever_compare()
 * computes, this file parses the options and names the columns.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#define DEFAULT_TOP 10

static const cli_spec spec = {
    .name = "compare",
    .usage = {"B --suppliers A1,A2,... [--years Y0-Y1 | --year T] [--product P] [options]"},
    .about =
        "Suppliers competing in market B. Per year: what each supplier A sells to B,\n"
        "X(A->B), its share of B's imports s(A->B) and its leverage LEV(A over B); the\n"
        "export similarity ESI of every two suppliers (0: they sell B different\n"
        "products, 1: the same mix); and the head-on products, which at least two of\n"
        "them sell to B, ranked by the runner-up's share of B's imports of the product.\n"
        "With --measure quantity: sales, imports, shares, ESI and the head-on ranking\n"
        "in tonnes (flour counted as grain with --product wheat), flows without a\n"
        "quantity left out and counted; LEV stays in value.\n",
    .arguments = "B and the suppliers: ISO3 code, numeric code or name (see 'lever country').\n",
    .examples = {"lever compare AFG --suppliers KAZ,UZB",
                 "lever compare DZA --suppliers FRA,DEU,POL,RUS --product 1001 --years 2019-2021",
                 "lever compare algeria --suppliers france,italy --top 5 --format json",
                 "lever compare AFG --suppliers KAZ,UZB --product wheat --measure quantity"},
    .min_args = 1,
    .max_args = 1,
    .args_name = "one market B",
    .query = CLI_Q_LEVERAGE | CLI_Q_YEARS | CLI_Q_YEAR | CLI_Q_MEASURE,
    .top_help = "head-on products per year; 0 = all",
};

/* Looks up every country of a comma-separated list; *out is malloc'd. */
static int parse_suppliers(lever_store *s, const char *list, int **out, int *n_out)
{
    size_t cap = 1;
    for (const char *p = list; *p; p++)
        cap += *p == ',';
    int *countries = malloc(cap * sizeof *countries);
    char *copy = strdup(list);
    if (!countries || !copy) {
        free(countries);
        free(copy);
        cli_error("out of memory");
        return EXIT_ERROR;
    }
    int n = 0;
    for (char *save = NULL, *tok = strtok_r(copy, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        if (!cli_country(s, tok, &countries[n])) {
            free(countries);
            free(copy);
            return EXIT_ERROR;
        }
        n++;
    }
    free(copy);
    if (n == 0) {
        free(countries);
        return cli_usage(&spec, "--suppliers needs at least one country, e.g. --suppliers "
                                "KAZ,UZB");
    }
    *out = countries;
    *n_out = n;
    return EXIT_OK;
}

/* An amount: USD, or with --measure quantity kilograms printed as tonnes. */
static void out_amount(out_table *t, const lever_compare_result *r, uint64_t v)
{
    if (r->measure == LEVER_MEASURE_QUANTITY)
        out_double(t, (double)v / 1000.0);
    else
        out_u64(t, v);
}

static void add_suppliers_table(out_doc *d, const lever_store *s, const lever_compare_result *r)
{
    bool qty = r->measure == LEVER_MEASURE_QUANTITY;
    const out_col cols[] = {
        {"year", NULL, COL_INT},
        {"supplier", "A", COL_STR},
        {"supplier_code", "code", COL_INT | COL_WIDE},
        qty ? (out_col){"qty_t", "X(A->B) t", COL_RATIO} : (out_col){"value", "X(A->B)", COL_USD},
        {"share", "s(A->B)", COL_SHARE},
        {"lev", "LEV(A over B)", COL_RATIO},
        {"name", NULL, COL_STR},
    };
    char title[512];
    cli_country_names market;
    cli_name_country(s, r->market, &market);
    snprintf(title, sizeof title, "Each supplier A's sales to B = %s, its share of B's imports "
                                  "and its leverage over B", market.label);
    out_table *t = out_doc_table(d, "suppliers", title, (int)(sizeof cols / sizeof cols[0]), cols);
    for (size_t n = 0; n < r->n_years_rows; n++) {
        const lever_compare_year *row = &r->years[n];
        lever_country c;
        lever_country_at(s, row->supplier, &c);
        out_int(t, row->year);
        cli_out_country(t, s, row->supplier);
        out_amount(t, r, row->value);
        out_double(t, row->share);
        out_double(t, row->lev);
        out_str(t, c.name);
    }
}

static void add_similarity_table(out_doc *d, const lever_store *s, const lever_compare_result *r)
{
    static const out_col cols[] = {
        {"year", NULL, COL_INT},
        {"a", NULL, COL_STR},
        {"b", NULL, COL_STR},
        {"a_code", "code a", COL_INT | COL_WIDE},
        {"b_code", "code b", COL_INT | COL_WIDE},
        {"esi", "ESI(a,b|B)", COL_RATIO},
    };
    out_table *t = out_doc_table(d, "similarity",
                                 "Export similarity of every two suppliers in B (Finger-Kreinin)",
                                 (int)(sizeof cols / sizeof cols[0]), cols);
    for (size_t n = 0; n < r->n_similarities; n++) {
        const lever_similarity *row = &r->similarities[n];
        cli_country_names a, b;
        cli_name_country(s, row->a, &a);
        cli_name_country(s, row->b, &b);
        out_int(t, row->year);
        out_str(t, a.code);
        out_str(t, b.code);
        out_int(t, cli_country_numeric(s, row->a));
        out_int(t, cli_country_numeric(s, row->b));
        out_double(t, row->esi);
    }
}

static void add_headon_table(out_doc *d, const lever_store *s, const lever_compare_result *r)
{
    bool qty = r->measure == LEVER_MEASURE_QUANTITY;
    const out_col cols[] = {
        {"year", NULL, COL_INT},
        {"rank", "#", COL_INT},
        {"hs6", "HS6", COL_HS6},
        qty ? (out_col){"imports_t", "M(B,k) t", COL_RATIO} : (out_col){"imports", "M(B,k)", COL_USD},
        {"supplier", "A", COL_STR},
        {"supplier_code", "code", COL_INT | COL_WIDE},
        qty ? (out_col){"qty_t", "q(A->B,k) t", COL_RATIO} : (out_col){"value", "v(A->B,k)", COL_USD},
        {"share", "s(A->B,k)", COL_SHARE},
        {"overlap", NULL, COL_SHARE},
        {"description", NULL, COL_STR},
    };
    out_table *t = out_doc_table(d, "headon",
                                 "Head-on products: sold to B by two or more of the suppliers, "
                                 "by overlap (the runner-up's share)",
                                 (int)(sizeof cols / sizeof cols[0]), cols);
    int rank = 0;
    for (size_t n = 0; n < r->n_headon; n++) {
        const lever_headon *row = &r->headon[n];
        if (n == 0 || row->year != r->headon[n - 1].year)
            rank = 1;
        else if (row->product != r->headon[n - 1].product)
            rank++;
        lever_product p;
        lever_product_at(s, row->product, &p);
        out_int(t, row->year);
        out_int(t, rank);
        out_hs6(t, p.hs6);
        out_amount(t, r, row->imports);
        cli_out_country(t, s, row->supplier);
        out_amount(t, r, row->value);
        out_double(t, row->share);
        out_double(t, row->overlap);
        out_str(t, p.description);
    }
}

/* Runs the query and prints it; cq is open. */
static int run_compare(cli_query *cq, const char *market_name, const char *supplier_list)
{
    if (!supplier_list)
        return cli_usage(&spec, "name the suppliers to compare, e.g. --suppliers KAZ,UZB");
    lever_store *s = cq->store;
    int market, *suppliers = NULL, n_suppliers = 0;
    if (!cli_country(s, market_name, &market))
        return EXIT_ERROR;
    int rc = parse_suppliers(s, supplier_list, &suppliers, &n_suppliers);
    if (rc != EXIT_OK)
        return rc;
    lever_compare_result *r = NULL;
    lever_error err;
    if (lever_compare(s, market, suppliers, n_suppliers, &cq->q, (int)cq->top, &r, &err) !=
        LEVER_OK) {
        cli_error("compare: %s", err.message);
        free(suppliers);
        return EXIT_ERROR;
    }
    char list[1024];
    size_t used = 0;
    list[0] = '\0';
    for (int n = 0; n < n_suppliers && used < sizeof list; n++) {
        cli_country_names supplier;
        cli_name_country(s, suppliers[n], &supplier);
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", n ? ", " : "",
                                 supplier.label);
    }
    cli_country_names who;
    cli_name_country(s, market, &who);
    out_doc *d = cli_doc_new(s, "Suppliers competing in %s", who.label);
    out_doc_meta(d, "market", "%s", who.label);
    out_doc_meta(d, "suppliers", "%s", list);
    cli_meta_years(d, r->n_years_rows ? r->years[0].year : 0,
                   r->n_years_rows ? r->years[r->n_years_rows - 1].year : 0);
    out_doc_meta(d, "products", "%s", lever_selection_label(cq->q.products));
    if (r->measure == LEVER_MEASURE_QUANTITY) {
        out_doc_meta(d, "measure", "quantity: tonnes, each flow's quantity times its product's "
                                   "group factor; shares, ESI and the head-on ranking of "
                                   "tonnes; LEV in value");
        out_doc_meta(d, "quantities", "%llu flows of the suppliers to %s had no quantity and "
                                      "were left out",
                     (unsigned long long)r->flows_without_qty, who.code);
        out_doc_meta(d, "units", "tonnes; shares and ratios as fractions");
    } else {
        out_doc_meta(d, "units", "values USD; shares and ratios as fractions");
    }
    bool partial = false;
    for (size_t n = 0; n < r->n_years_rows; n++) {
        int y = r->years[n].year;
        partial |= cli_needs(d, s, y, market, LEVER_HOLDS_IMPORTS,
                             "M(B), the market shares and the head-on products");
        for (int c = 0; c < n_suppliers; c++)
            partial |= cli_needs(d, s, y, suppliers[c], LEVER_HOLDS_EXPORTS,
                                 "the export similarity of the suppliers");
        partial |= cli_needs(d, s, y, -1, 0, "each supplier's leverage over B");
    }
    add_suppliers_table(d, s, r);
    add_similarity_table(d, s, r);
    add_headon_table(d, s, r);
    lever_compare_free(r);
    free(suppliers);
    rc = out_doc_print(d, cq->fmt);
    return rc == EXIT_OK && partial ? EXIT_UNCOVERED : rc;
}

int cmd_compare(int argc, char **argv)
{
    cli_query cq = {.top = DEFAULT_TOP};
    const char *suppliers = NULL;
    const cli_option options[] = {
        CLI_STRING(0, "suppliers", "A1,A2,...",
                   "the suppliers to compare (at least one; two for ESI)", &suppliers),
        CLI_OPT_END,
    };
    char **args;
    int n = cli_query_parse(&spec, options, &cq, argc, argv, &args);
    int rc = n < 0 ? cli_parse_exit(n) : run_compare(&cq, args[0], suppliers);
    cli_query_close(&cq);
    return rc;
}
