/*
 * cmd_indicators.c - lever indicators A B: the standard bilateral indicators of
 * the World Bank's WITS for two countries, year by year (trade intensity and
 * trade complementarity each way, Hirschman's dependence each way), and each
 * side's products of highest revealed comparative advantage (INDICATORS.md
 * sections 2 and 7, docs/commands/indicators.md).
 *
 * Thin: lever_indicators() computes; this file names the columns, with headers
 * that spell out the direction of each indicator (TII(FRA,DZA), D(DZA on FRA)),
 * because every one of them reads differently the other way round.
 */
#include "cli.h"

#include <stdlib.h>

#define DEFAULT_TOP 10

static const cli_spec spec = {
    .name = "indicators",
    .usage = {"A B [--years Y0-Y1 | --year T] [--product P] [--top N] [options]"},
    .about =
        "Standard bilateral indicators of A and B, per year: trade intensity\n"
        "TII(A,B) = (X(A->B)/X(A)) / (M(B)/W) and TII(B,A) (above 1: they trade more\n"
        "than their weight in world trade predicts), trade complementarity\n"
        "TC(A,B) = 100 (1 - sum |m(B,k) - x(A,k)| / 2) of A's exports with B's imports\n"
        "and back (100: A sells exactly what B buys), Hirschman's dependence\n"
        "D(B on A) = T(A,B)/T(B) and D(A on B); then each side's top products by\n"
        "revealed comparative advantage RCA = (X(i,k)/X(i)) / (W(k)/W).\n"
        "World totals W are sums over the store: partial when it holds part of the world.\n"
        "With --product, every sum (X, M, W) counts only the selected products.\n",
    .arguments = "A and B: ISO3 code, numeric code or name (see 'lever country').\n",
    .examples = {"lever indicators FRA DZA --year 2021",
                 "lever indicators KAZ AFG --years 2019-2021 --top 5",
                 "lever indicators DZA ITA --product 27 --format csv"},
    .min_args = 2,
    .max_args = 2,
    .args_name = "two countries A and B",
    .query = CLI_Q_QUERY | CLI_Q_YEARS | CLI_Q_YEAR | CLI_Q_MEASURE,
    .value_only = "trade intensity, complementarity, RCA and Hirschman's D are defined by "
                  "WITS on values, as shares of whole trade totals that tonnes of different "
                  "goods cannot form (INDICATORS.md section 7)",
    .top_help = "RCA products per year and country; 0 = none",
};

static void add_years_table(out_doc *d, const lever_indicators_result *r,
                            const cli_country_names *a, const cli_country_names *b)
{
    char tii_ab[48], tii_ba[48], tc_ab[48], tc_ba[48], d_ba[48], d_ab[48];
    snprintf(tii_ab, sizeof tii_ab, "TII(%s,%s)", a->code, b->code);
    snprintf(tii_ba, sizeof tii_ba, "TII(%s,%s)", b->code, a->code);
    snprintf(tc_ab, sizeof tc_ab, "TC(%s,%s)", a->code, b->code);
    snprintf(tc_ba, sizeof tc_ba, "TC(%s,%s)", b->code, a->code);
    snprintf(d_ba, sizeof d_ba, "D(%s on %s)", b->code, a->code);
    snprintf(d_ab, sizeof d_ab, "D(%s on %s)", a->code, b->code);
    const out_col cols[] = {
        {"year", NULL, COL_INT},       {"tii_ab", tii_ab, COL_RATIO},
        {"tii_ba", tii_ba, COL_RATIO}, {"tc_ab", tc_ab, COL_RATIO},
        {"tc_ba", tc_ba, COL_RATIO},   {"d_b_on_a", d_ba, COL_SHARE},
        {"d_a_on_b", d_ab, COL_SHARE},
    };
    char title[1024];
    snprintf(title, sizeof title, "By year: A = %s, B = %s", a->label, b->label);
    out_table *t = out_doc_table(d, "years", title, (int)(sizeof cols / sizeof cols[0]), cols);
    for (int n = 0; n < r->n_years; n++) {
        const lever_indicators_year *y = &r->years[n];
        out_int(t, y->year);
        out_double(t, y->tii_ab);
        out_double(t, y->tii_ba);
        out_double(t, y->tc_ab);
        out_double(t, y->tc_ba);
        out_double(t, y->d_b_on_a);
        out_double(t, y->d_a_on_b);
    }
}

/* The RCA rows of one country, ranked within each year. */
static void add_rca_table(out_doc *d, const lever_store *s, const lever_indicators_result *r,
                          const char *name, int country, const cli_country_names *c,
                          long top)
{
    static const out_col cols[] = {
        {"year", NULL, COL_INT},         {"country", NULL, COL_STR},
        {"rank", "#", COL_INT},          {"hs6", "HS6", COL_HS6},
        {"exports", "X(i,k) USD", COL_USD}, {"rca", "RCA", COL_RATIO},
        {"description", NULL, COL_STR},
    };
    char title[512];
    snprintf(title, sizeof title, "Top %ld products of %s by revealed comparative advantage",
             top, c->label);
    out_table *t = out_doc_table(d, name, title, (int)(sizeof cols / sizeof cols[0]), cols);
    int rank = 0, year = 0;
    for (size_t n = 0; n < r->n_rca; n++) {
        const lever_rca_row *row = &r->rca[n];
        if (row->country != country)
            continue;
        rank = row->year == year ? rank + 1 : 1;
        year = row->year;
        lever_product p;
        lever_product_at(s, row->product, &p);
        out_int(t, row->year);
        out_str(t, c->code);
        out_int(t, rank);
        out_hs6(t, p.hs6);
        out_u64(t, row->exports);
        out_double(t, row->rca);
        out_str(t, p.description);
    }
}

/* Runs the query and prints it; the store and the shared options are resolved. */
static int run_indicators(cli_query *cq, const char *query_a, const char *query_b)
{
    lever_store *s = cq->store;
    int a, b;
    if (!cli_country(s, query_a, &a) || !cli_country(s, query_b, &b))
        return EXIT_ERROR;
    lever_indicators_result *r = NULL;
    lever_error err;
    if (lever_indicators(s, a, b, &cq->q, (int)cq->top, &r, &err) != LEVER_OK)
        return cli_fail(&err);
    cli_country_names ta, tb;
    cli_name_country(s, a, &ta);
    cli_name_country(s, b, &tb);
    out_doc *d = cli_doc_new(s, "Bilateral indicators of %s and %s", ta.label, tb.label);
    out_doc_meta(d, "a", "%s", ta.label);
    out_doc_meta(d, "b", "%s", tb.label);
    cli_meta_years(d, r->years[0].year, r->years[r->n_years - 1].year);
    out_doc_meta(d, "products", "%s", lever_selection_label(cq->selection));
    out_doc_meta(d, "world", "W, W(k), X(i), M(j) are sums over the flows in the store%s",
                 cq->selection ? ", restricted to the selected products" : "");
    bool partial = false;
    for (int n = 0; n < r->n_years; n++) {
        int y = r->years[n].year;
        partial |= cli_needs(d, s, y, a, LEVER_HOLDS_IMPORTS | LEVER_HOLDS_EXPORTS,
                             "X(A), M(A) and A's indicators");
        partial |= cli_needs(d, s, y, b, LEVER_HOLDS_IMPORTS | LEVER_HOLDS_EXPORTS,
                             "X(B), M(B) and B's indicators");
        partial |= cli_needs(d, s, y, -1, 0, "W, W(k), the trade intensities, "
                             "complementarities and RCAs");
    }
    add_years_table(d, r, &ta, &tb);
    if (cq->top > 0) {
        add_rca_table(d, s, r, "rca_a", a, &ta, cq->top);
        add_rca_table(d, s, r, "rca_b", b, &tb, cq->top);
    }
    lever_indicators_free(r);
    int rc = out_doc_print(d, cq->fmt);
    return rc == EXIT_OK && partial ? EXIT_UNCOVERED : rc;
}

int cmd_indicators(int argc, char **argv)
{
    cli_query cq = {.top = DEFAULT_TOP};
    char **args;
    int n = cli_query_parse(&spec, NULL, &cq, argc, argv, &args);
    int rc = n < 0 ? cli_parse_exit(n) : run_indicators(&cq, args[0], args[1]);
    cli_query_close(&cq);
    return rc;
}
