/*
 * cmd_change.c - lever change A B --from T0 --to T1: which products drove the
 * change in A's exports to B between two years, and for each whether it was
 * more goods or dearer goods (INDICATORS.md section 8, docs/commands/change.md).
 *
 * Thin: lever_change() computes; this file names the columns. The product table
 * shows the top N products by size of change and ends with an "other products"
 * row holding the rest, so that its value columns always add up to the totals of
 * the summary, exactly, in every output format. With --measure quantity the same tables
 * are in tonnes (group factors applied), ranked by the change in tonnes, without the split
 * into quantity and price effects.
 */
#include "cli.h"

#include <math.h>
#include <stdlib.h>

#define DEFAULT_TOP 20

static const cli_spec spec = {
    .name = "change",
    .usage = {"A B [--from T0] [--to T1] [--product P] [--top N] [options]",
              "A B --years T0-T1 [--product P] [--top N] [options]"},
    .about =
        "What drove the change in A's exports to B from year T0 to year T1: the\n"
        "values of both years and their exact change, then the products whose value\n"
        "changed, largest change first, each with its share of the total change and,\n"
        "when BACI has its quantity in both years, the split of its change into a\n"
        "quantity effect (q1 - q0) * uv0 and a price effect (uv1 - uv0) * q1. A last\n"
        "row sums every other product, so the table adds up to the totals.\n"
        "Values in USD, quantities in kg. Two years, so no --year. With --events FILE,\n"
        "the events of A or B from T0 to T1 are listed with their sources.\n"
        "With --measure quantity: the change in tonnes (flour counted as grain with\n"
        "--product wheat), products ranked by it, flows without a quantity left out\n"
        "and counted.\n",
    .arguments = "A and B: ISO3 code, numeric code or name (see 'lever country').\n",
    .examples = {"lever change FRA DZA --from 2019 --to 2021",
                 "lever change RUS DZA --from 2020 --to 2021 --product 1001 --top 5",
                 "lever change kazakhstan afghanistan --years 2019-2021 --format csv",
                 "lever change KAZ AFG --product wheat --measure quantity"},
    .min_args = 2,
    .max_args = 2,
    .args_name = "two countries A and B",
    .query = CLI_Q_QUERY | CLI_Q_YEARS | CLI_Q_MEASURE,
    .top_help = "products listed before the \"other products\" row",
};

/* An amount: USD, or with --measure quantity kilograms printed as tonnes. */
static void out_amount(out_table *t, const lever_change_result *r, int64_t v)
{
    if (r->measure == LEVER_MEASURE_QUANTITY)
        out_double(t, (double)v / 1000.0);
    else
        out_usd(t, v);
}

static void add_summary_table(out_doc *d, const lever_change_result *r)
{
    static const out_col tonnes[] = {
        {"year_from", "from", COL_INT},
        {"year_to", "to", COL_INT},
        {"total_from_t", "total from, t", COL_RATIO},
        {"total_to_t", "total to, t", COL_RATIO},
        {"change_t", "change, t", COL_RATIO},
        {"products_changed", "products changed", COL_INT},
    };
    static const out_col cols[] = {
        {"year_from", "from", COL_INT},
        {"year_to", "to", COL_INT},
        {"total_from", "total from, USD", COL_USD},
        {"total_to", "total to, USD", COL_USD},
        {"change", "change, USD", COL_USD},
        {"products_changed", "products changed", COL_INT},
    };
    out_table *t = out_doc_table(d, "summary", "", (int)(sizeof cols / sizeof cols[0]),
                                 r->measure == LEVER_MEASURE_QUANTITY ? tonnes : cols);
    out_table_record(t);
    out_int(t, r->year0);
    out_int(t, r->year1);
    out_amount(t, r, (int64_t)r->total0);
    out_amount(t, r, (int64_t)r->total1);
    out_amount(t, r, r->delta);
    out_int(t, (int64_t)r->n);
}

static void add_product_row(out_table *t, const lever_store *s, const lever_change_result *r,
                            int rank, const lever_change_row *row)
{
    lever_product p;
    lever_product_at(s, row->product, &p);
    out_int(t, rank);
    out_hs6(t, p.hs6);
    out_amount(t, r, (int64_t)row->v0);
    out_amount(t, r, (int64_t)row->v1);
    out_amount(t, r, row->delta);
    out_double(t, row->share_of_change);
    if (r->measure == LEVER_MEASURE_QUANTITY) {
        out_str(t, p.description);
        return;
    }
    out_kg(t, row->q0);
    out_kg(t, row->q1);
    out_double(t, row->quantity_effect);
    out_double(t, row->price_effect);
    out_str(t, p.description);
}

/* The products after the first `shown`, and the products that did not change, in one row:
 * what the listed rows leave of the totals. */
static void add_other_row(out_table *t, const lever_change_result *r, size_t shown)
{
    uint64_t v0 = r->total0, v1 = r->total1;
    int64_t delta = r->delta;
    double share = 0;
    for (size_t n = 0; n < r->n; n++) {
        if (n < shown) {
            v0 -= r->rows[n].v0;
            v1 -= r->rows[n].v1;
            delta -= r->rows[n].delta;
        } else {
            share += r->rows[n].share_of_change;
        }
    }
    char label[96];
    snprintf(label, sizeof label, "other products (%zu more changed)", r->n - shown);
    out_null(t);
    out_null(t);
    out_amount(t, r, (int64_t)v0);
    out_amount(t, r, (int64_t)v1);
    out_amount(t, r, delta);
    out_double(t, r->delta == 0 ? NAN : share);
    if (r->measure == LEVER_MEASURE_QUANTITY) {
        out_str(t, label);
        return;
    }
    out_null(t);
    out_null(t);
    out_null(t);
    out_null(t);
    out_str(t, label);
}

static void add_products_table(out_doc *d, const lever_store *s, const lever_change_result *r,
                               size_t top)
{
    char v0[32], v1[32], q0[32], q1[32];
    bool qty = r->measure == LEVER_MEASURE_QUANTITY;
    snprintf(v0, sizeof v0, "%s %d", qty ? "t" : "USD", r->year0);
    snprintf(v1, sizeof v1, "%s %d", qty ? "t" : "USD", r->year1);
    snprintf(q0, sizeof q0, "kg %d", r->year0);
    snprintf(q1, sizeof q1, "kg %d", r->year1);
    const out_col cols[] = {
        {"rank", "#", COL_INT},
        {"hs6", "HS6", COL_HS6},
        {"value_from", v0, COL_USD},
        {"value_to", v1, COL_USD},
        {"change", "change USD", COL_USD},
        {"share_of_change", "share of change", COL_SHARE},
        {"qty_from_kg", q0, COL_KG | COL_WIDE},
        {"qty_to_kg", q1, COL_KG | COL_WIDE},
        {"quantity_effect", "quantity effect", COL_RATIO},
        {"price_effect", "price effect", COL_RATIO},
        {"description", NULL, COL_STR},
    };
    const out_col tonnes[] = {
        {"rank", "#", COL_INT},
        {"hs6", "HS6", COL_HS6},
        {"qty_from_t", v0, COL_RATIO},
        {"qty_to_t", v1, COL_RATIO},
        {"change_t", "change t", COL_RATIO},
        {"share_of_change", "share of change", COL_SHARE},
        {"description", NULL, COL_STR},
    };
    size_t shown = r->n < top ? r->n : top;
    char title[128];
    snprintf(title, sizeof title, "Products by size of change (top %zu of %zu)", shown, r->n);
    out_table *t = qty ? out_doc_table(d, "products", title,
                                       (int)(sizeof tonnes / sizeof tonnes[0]), tonnes)
                       : out_doc_table(d, "products", title,
                                       (int)(sizeof cols / sizeof cols[0]), cols);
    out_table_main(t); /* what changed, product by product: the answer */
    for (size_t n = 0; n < shown; n++)
        add_product_row(t, s, r, (int)n + 1, &r->rows[n]);
    add_other_row(t, r, shown);
}

typedef struct change_args {
    const char *a, *b;
    int from, to; /* 0 = from --years, else the first / last year of the store */
    const char *events_file; /* --events */
} change_args;

/* Runs the query and prints it; the store and the shared options are resolved. */
static int run_change(cli_query *cq, change_args *args, char **countries)
{
    args->a = countries[0];
    args->b = countries[1];
    lever_store *s = cq->store;
    int a, b;
    if (!cli_country(s, args->a, &a) || !cli_country(s, args->b, &b))
        return EXIT_ERROR;
    lever_query q = cq->q; /* the two years compared: --from/--to, else --years */
    q.year_from = args->from ? args->from : cq->q.year_from;
    q.year_to = args->to ? args->to : cq->q.year_to;
    lever_change_result *r = NULL;
    int rc;
    lever_events *ev = cli_events_load(args->events_file, &rc);
    if (rc != EXIT_OK)
        return rc;
    lever_error err;
    if (lever_change(s, a, b, &q, &r, &err) != LEVER_OK) {
        lever_events_free(ev);
        return cli_fail(&err);
    }
    cli_country_names na, nb;
    cli_name_country(s, a, &na);
    cli_name_country(s, b, &nb);
    out_doc *d = cli_doc_new(s, "Change in exports of %s to %s, %d to %d", na.label, nb.label,
                             r->year0, r->year1);
    out_doc_meta(d, "a", "%s", na.label);
    out_doc_meta(d, "b", "%s", nb.label);
    out_doc_meta(d, "products", "%s", lever_selection_label(cq->selection));
    if (r->measure == LEVER_MEASURE_QUANTITY) {
        out_doc_meta(d, "measure", "quantity: tonnes, each flow's quantity times its product's "
                                   "group factor; products ranked by their change in tonnes");
        out_doc_meta(d, "quantities", "%llu flows of %s to %s of the two years had no quantity "
                                      "and were left out",
                     (unsigned long long)r->flows_without_qty, na.code, nb.code);
    } else {
        out_doc_meta(d, "units", "values USD, quantities kg; effects USD");
        out_doc_meta(d, "note", "quantity and price effects only where quantities are known "
                                "in both years; other changes are not split");
    }
    bool partial = cli_needs_flows(d, s, r->year0, a, b, "the change's figures of that year "
                                   "are unknown, not 0");
    partial |= cli_needs_flows(d, s, r->year1, a, b, "the change's figures of that year are "
                               "unknown, not 0");
    add_summary_table(d, r);
    add_products_table(d, s, r, (size_t)cq->top);
    if (ev)
        cli_events_table(d, s, ev, a, b, r->year0 < r->year1 ? r->year0 : r->year1,
                         r->year0 < r->year1 ? r->year1 : r->year0);
    lever_events_free(ev);
    lever_change_free(r);
    rc = out_doc_print(d, cq->fmt);
    return rc == EXIT_OK && partial ? EXIT_UNCOVERED : rc;
}

int cmd_change(int argc, char **argv)
{
    cli_query cq = {.top = DEFAULT_TOP};
    change_args args = {0};
    const cli_option options[] = {
        CLI_YEAR(0, "from", "T0", "first year (default: the first of --years, else of the store)",
                 &args.from),
        CLI_YEAR(0, "to", "T1", "second year (default: the last of --years, else of the store)",
                 &args.to),
        CLI_STRING(0, "events", "FILE",
                   "dated events (CSV date,countries,label,source) of A or B from T0\n"
                   "to T1, listed with their sources",
                   &args.events_file),
        CLI_OPT_END,
    };
    char **countries;
    int n = cli_query_parse(&spec, options, &cq, argc, argv, &countries);
    int rc = n < 0 ? cli_parse_exit(n) : run_change(&cq, &args, countries);
    cli_query_close(&cq);
    return rc;
}
