/*
 * cmd_leverage.c - lever leverage A --over B: year by year, how much of B's trade runs
 * through A and would be hard to replace (LEV = (S + K) / T(B)), the same the other
 * way, the net and the asymmetry, Hirschman's and Barbieri's measures beside them, and
 * the products that carry each channel. Without --over: every partner of A ranked by
 * LEV(A over P). (docs/commands/leverage.md)
 *
 * Thin: liblever computes (lever_leverage, lever_leverage_rank); this file names the
 * columns. The ranking table and the query metadata are shared with cmd_exposure.c,
 * which prints the mirror image (who holds leverage over B).
 */
#include "cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_TOP_PRODUCTS 5
#define DEFAULT_TOP_PARTNERS 20

/* The options that change the figures, so every output says how it was computed. */
static void add_query_meta(out_doc *d, const cli_query *cq)
{
    out_doc_meta(d, "products", "%s", lever_selection_label(cq->q.products));
    out_doc_meta(d, "alternatives", "%s", cq->alternatives ? cq->alternatives : "world");
    out_doc_meta(d, "weights", "%s", cq->weights ? cq->weights : "none (every product 1)");
    out_doc_meta(d, "sigma", "%s", cq->sigma_file ? cq->sigma_file : "none (d from headroom)");
    if (cq->groups_file)
        out_doc_meta(d, "groups", "%s", cq->groups_file);
}

/* ------------------------------------------------------------------ */
/* A over B                                                            */
/* ------------------------------------------------------------------ */

static void add_years_table(out_doc *d, const lever_leverage_result *r,
                            const cli_country_names *a, const cli_country_names *b)
{
    char tab[64], ta[32], tb[32], sab[64], kab[64], lab[64], sba[64], kba[64], lba[64];
    char title[1024];
    snprintf(tab, sizeof tab, "T(%s,%s)", a->code, b->code);
    snprintf(ta, sizeof ta, "T(%s)", a->code);
    snprintf(tb, sizeof tb, "T(%s)", b->code);
    snprintf(sab, sizeof sab, "S(%s over %s)", a->code, b->code);
    snprintf(kab, sizeof kab, "K(%s over %s)", a->code, b->code);
    snprintf(lab, sizeof lab, "LEV(%s over %s)", a->code, b->code);
    snprintf(sba, sizeof sba, "S(%s over %s)", b->code, a->code);
    snprintf(kba, sizeof kba, "K(%s over %s)", b->code, a->code);
    snprintf(lba, sizeof lba, "LEV(%s over %s)", b->code, a->code);
    const out_col cols[] = {
        {"year", NULL, COL_INT},           {"trade", tab, COL_USD},
        {"total_b", tb, COL_USD | COL_WIDE},          {"supply_ab", sab, COL_RATIO | COL_WIDE},
        {"market_ab", kab, COL_RATIO | COL_WIDE},     {"lev_ab", lab, COL_RATIO},
        {"total_a", ta, COL_USD | COL_WIDE},          {"supply_ba", sba, COL_RATIO | COL_WIDE},
        {"market_ba", kba, COL_RATIO | COL_WIDE},     {"lev_ba", lba, COL_RATIO},
        {"net", "net", COL_RATIO},         {"asymmetry", "asymmetry", COL_RATIO},
    };
    snprintf(title, sizeof title,
             "Leverage by year: A = %s, B = %s (S and K in USD weighted by d, d')", a->label,
             b->label);
    out_table *t = out_doc_table(d, "years", title, (int)(sizeof cols / sizeof cols[0]), cols);
    for (int n = 0; n < r->n_years; n++) {
        const lever_leverage_year *y = &r->years[n];
        out_int(t, y->year);
        out_u64(t, y->trade);
        out_u64(t, y->total_b);
        out_double(t, y->supply_ab);
        out_double(t, y->market_ab);
        out_double(t, y->lev_ab);
        out_u64(t, y->total_a);
        out_double(t, y->supply_ba);
        out_double(t, y->market_ba);
        out_double(t, y->lev_ba);
        out_double(t, y->net);
        out_double(t, y->asymmetry);
    }
}

static void add_dependence_table(out_doc *d, const lever_leverage_result *r,
                                 const cli_country_names *a, const cli_country_names *b)
{
    char dba[64], dab[64];
    snprintf(dba, sizeof dba, "D(%s on %s)", b->code, a->code);
    snprintf(dab, sizeof dab, "D(%s on %s)", a->code, b->code);
    const out_col cols[] = {
        {"year", NULL, COL_INT},
        {"d_b_on_a", dba, COL_RATIO},
        {"d_a_on_b", dab, COL_RATIO},
        {"salience", "salience", COL_RATIO},
        {"symmetry", "symmetry", COL_RATIO},
    };
    out_table *t = out_doc_table(d, "dependence",
                                 "Hirschman dependence D(j on i) = T(i,j)/T(j), Barbieri "
                                 "salience and symmetry",
                                 (int)(sizeof cols / sizeof cols[0]), cols);
    for (int n = 0; n < r->n_years; n++) {
        const lever_leverage_year *y = &r->years[n];
        out_int(t, y->year);
        out_double(t, y->d_b_on_a);
        out_double(t, y->d_a_on_b);
        out_double(t, y->salience);
        out_double(t, y->symmetry);
    }
}

static void add_contribution_table(out_doc *d, const lever_store *s,
                                   const lever_leverage_result *r, const cli_country_names *a,
                                   const cli_country_names *b, long top)
{
    static const out_col cols[] = {
        {"year", NULL, COL_INT},
        {"holder", NULL, COL_STR},
        {"holder_code", "code", COL_INT | COL_WIDE},
        {"channel", NULL, COL_STR},
        {"rank", "#", COL_INT},
        {"hs6", "HS6", COL_HS6},
        {"value", "value USD", COL_USD},
        {"d", "d or d'", COL_RATIO},
        {"weight", NULL, COL_RATIO | COL_WIDE},
        {"term", "value*d*w", COL_RATIO},
        {"share", "of channel", COL_SHARE},
        {"description", NULL, COL_STR},
    };
    char title[1024];
    snprintf(title, sizeof title,
             "Top %ld product%s per channel: supply = holder's sales to the other, market = "
             "holder's purchases from the other (%s, %s)",
             top, top == 1 ? "" : "s", a->label, b->label);
    out_table *t = out_doc_table(d, "contributions", title, (int)(sizeof cols / sizeof cols[0]),
                                 cols);
    int rank = 0;
    for (size_t n = 0; n < r->n_contributions; n++) {
        const lever_contribution *c = &r->contributions[n];
        const lever_contribution *prev = n ? &r->contributions[n - 1] : NULL;
        bool same = prev && prev->year == c->year && prev->holder == c->holder &&
                    prev->channel == c->channel;
        rank = same ? rank + 1 : 1;
        lever_product p;
        lever_product_at(s, c->product, &p);
        out_int(t, c->year);
        cli_out_country(t, s, c->holder);
        out_str(t, c->channel == LEVER_CHANNEL_SUPPLY ? "supply" : "market");
        out_int(t, rank);
        out_hs6(t, p.hs6);
        out_u64(t, c->value);
        out_double(t, c->d);
        out_double(t, c->weight);
        out_double(t, c->term);
        out_double(t, c->share);
        out_str(t, p.description);
    }
}

static bool never_traded(const lever_leverage_result *r)
{
    for (int n = 0; n < r->n_years; n++)
        if (r->years[n].trade > 0)
            return false;
    return true;
}

static int run_pair(cli_query *cq, int a, int b)
{
    lever_store *s = cq->store;
    lever_leverage_result *r = NULL;
    lever_error err;
    if (lever_leverage(s, a, b, &cq->q, (int)cq->top, &r, &err) != LEVER_OK)
        return cli_fail(&err);
    cli_country_names na, nb;
    cli_name_country(s, a, &na);
    cli_name_country(s, b, &nb);
    out_doc *d = cli_doc_new(s, "Leverage of %s over %s, and back", na.label, nb.label);
    out_doc_meta(d, "a", "%s", na.label);
    out_doc_meta(d, "b", "%s", nb.label);
    cli_meta_years(d, r->years[0].year, r->years[r->n_years - 1].year);
    add_query_meta(d, cq);
    out_doc_meta(d, "units", "T, S, K in USD; LEV, D, salience, symmetry are ratios");
    bool partial = false;
    for (int n = 0; n < r->n_years; n++) {
        int y = r->years[n].year;
        partial |= cli_needs(d, s, y, a, LEVER_HOLDS_IMPORTS | LEVER_HOLDS_EXPORTS,
                             "T(A), T(A,B) and LEV(B over A)");
        partial |= cli_needs(d, s, y, b, LEVER_HOLDS_IMPORTS | LEVER_HOLDS_EXPORTS,
                             "T(B), T(A,B) and LEV(A over B)");
        partial |= cli_needs(d, s, y, -1, 0, "the substitutability K and the salience S");
    }
    if (never_traded(r))
        out_doc_meta(d, "note", "%s and %s did not trade%s in these years%s", na.code, nb.code,
                     cq->q.products ? " in these products" : "",
                     partial ? " in the flows this store holds" : ": leverage is 0");
    add_years_table(d, r, &na, &nb);
    add_dependence_table(d, r, &na, &nb);
    if (cq->top > 0)
        add_contribution_table(d, s, r, &na, &nb, cq->top);
    lever_leverage_free(r);
    int rc = out_doc_print(d, cq->fmt);
    return rc == EXIT_OK && partial ? EXIT_UNCOVERED : rc;
}

/* ------------------------------------------------------------------ */
/* Rankings (also lever exposure)                                      */
/* ------------------------------------------------------------------ */

int leverage_print_ranking(cli_query *cq, const lever_ranking *r, bool exposure)
{
    lever_store *s = cq->store;
    cli_country_names c;
    cli_name_country(s, r->country, &c);
    char table_title[1024], trade[64], lev[64], reverse[64];
    snprintf(trade, sizeof trade, "T(%s,P)", c.code);
    if (!exposure) {
        snprintf(lev, sizeof lev, "LEV(%s over P)", c.code);
        snprintf(reverse, sizeof reverse, "LEV(P over %s)", c.code);
    } else {
        snprintf(lev, sizeof lev, "LEV(P over %s)", c.code);
        snprintf(reverse, sizeof reverse, "LEV(%s over P)", c.code);
    }
    const out_col cols[] = {
        {"rank", "#", COL_INT},       {"partner", "P", COL_STR},
        {"partner_code", "code", COL_INT | COL_WIDE}, {"trade", trade, COL_USD},
        {"lev", lev, COL_RATIO},      {"reverse", reverse, COL_RATIO},
        {"net", "net", COL_RATIO},    {"partner_name", "name", COL_STR},
    };
    size_t shown = cq->top > 0 && (size_t)cq->top < r->n ? (size_t)cq->top : r->n;
    out_doc *d = exposure
                     ? cli_doc_new(s, "Exposure of %s: who could squeeze it, %d", c.label, r->year)
                     : cli_doc_new(s, "Leverage of %s over each partner P, %d", c.label, r->year);
    out_doc_meta(d, exposure ? "b" : "a", "%s", c.label);
    out_doc_meta(d, "year", "%d", r->year);
    add_query_meta(d, cq);
    out_doc_meta(d, "partners", "%zu with trade, %zu shown", r->n, shown);
    bool partial = cli_needs(d, s, r->year, r->country, LEVER_HOLDS_IMPORTS | LEVER_HOLDS_EXPORTS,
                             exposure ? "T(B), T(P,B) and every LEV" : "T(A), T(A,P) and every LEV");
    partial |= cli_needs(d, s, r->year, -1, 0,
                         "the partners' trade T(P), the substitutability K and the salience S");
    if (r->n == 0)
        out_doc_meta(d, "note", "%s has no trade%s in %d%s", c.code,
                     cq->q.products ? " in these products" : "", r->year,
                     partial ? " in the flows this store holds" : "");
    snprintf(table_title, sizeof table_title, "Partners by %s (largest first)", lev);
    out_table *t = out_doc_table(d, "partners", table_title, (int)(sizeof cols / sizeof cols[0]),
                                 cols);
    for (size_t n = 0; n < shown; n++) {
        const lever_rank_row *row = &r->rows[n];
        lever_country k;
        lever_country_at(s, row->partner, &k);
        out_int(t, (int64_t)n + 1);
        cli_out_country(t, s, row->partner);
        out_u64(t, row->trade);
        out_double(t, row->lev);
        out_double(t, row->reverse);
        out_double(t, row->net);
        out_str(t, k.name[0] ? k.name : "unnamed country");
    }
    int rc = out_doc_print(d, cq->fmt);
    return rc == EXIT_OK && partial ? EXIT_UNCOVERED : rc;
}

static int run_ranking(cli_query *cq, int a)
{
    lever_ranking *r = NULL;
    lever_error err;
    if (lever_leverage_rank(cq->store, a, &cq->q, &r, &err) != LEVER_OK)
        return cli_fail(&err);
    int rc = leverage_print_ranking(cq, r, false);
    lever_ranking_free(r);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Command line                                                        */
/* ------------------------------------------------------------------ */

static const cli_spec spec = {
    .name = "leverage",
    .usage = {"A --over B [--years Y0-Y1 | --year T] [options]", "A [--year T] [options]"},
    .about =
        "Leverage of country A over country B (docs/commands/leverage.md): the share of\n"
        "B's total trade T(B) that flows through A and that B could not easily replace,\n"
        "counting A as B's supplier (supply channel S: B's imports from A, each product\n"
        "weighted by d, how little the rest of the world could supply instead) and as\n"
        "B's customer (market channel K: B's exports to A, weighted by d', how little\n"
        "other buyers could take instead): LEV(A over B) = (S + K) / T(B), from 0 to 1.\n"
        "With --over, per year: both directions, net leverage and asymmetry, Hirschman's\n"
        "dependence D = T(A,B) / T(B) and Barbieri's salience and symmetry, then the\n"
        "products contributing most to each channel. Without --over: every partner P of\n"
        "A ranked by LEV(A over P), with LEV(P over A) and the net, in one year.\n",
    .arguments = "A, B: ISO3 code, numeric code or name (see 'lever country').\n",
    .examples = {"lever leverage KAZ --over AFG --years 2019-2021",
                 "lever leverage FRA --over DZA --product wheat --top 3",
                 "lever leverage DZA --year 2021 --weights staples=2 --format csv"},
    .min_args = 1,
    .max_args = 1,
    .args_name = "one country A (and --over B)",
    .query = CLI_Q_LEVERAGE | CLI_Q_YEARS | CLI_Q_YEAR | CLI_Q_MEASURE,
    .value_only = "LEV(A over B) is a share of B's total trade T(B), which sums every "
                  "product, and tonnes of different goods do not add up to a trade total: "
                  "leverage is in USD (INDICATORS.md sections 6 and 9); use lever depend B "
                  "--measure quantity",
    .top_help = "products per channel with --over (default " CLI_STR(DEFAULT_TOP_PRODUCTS)
                "),\npartners without (default " CLI_STR(DEFAULT_TOP_PARTNERS) "; 0 = all)",
};

/* cq is open; b_query is NULL for the ranking. */
static int run(cli_query *cq, const char *a_query, const char *b_query)
{
    if (!b_query && (cq->years[0] || cq->years[1]))
        return cli_usage(&spec, "the ranking of partners is for one year: use --year T "
                                "(--years goes with --over B)");
    if (cq->top < 0)
        cq->top = b_query ? DEFAULT_TOP_PRODUCTS : DEFAULT_TOP_PARTNERS;
    int a, b = -1;
    if (!cli_country(cq->store, a_query, &a) || (b_query && !cli_country(cq->store, b_query, &b)))
        return EXIT_ERROR;
    if (a == b)
        return cli_usage(&spec, "A and B are the same country; name two different countries");
    return b_query ? run_pair(cq, a, b) : run_ranking(cq, a);
}

int cmd_leverage(int argc, char **argv)
{
    cli_query cq = {.top = -1}; /* not given: the default depends on --over */
    const char *over = NULL;
    const cli_option options[] = {
        CLI_STRING(0, "over", "B", "the other country; without it, rank every partner", &over),
        CLI_OPT_END,
    };
    char **args;
    int n = cli_query_parse(&spec, options, &cq, argc, argv, &args);
    int rc = n < 0 ? cli_parse_exit(n) : run(&cq, args[0], over);
    cli_query_close(&cq);
    return rc;
}
