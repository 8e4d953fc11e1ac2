/*
 * cmd_change.c - lever change A B --from T0 --to T1: which products drove the
 * change in A's exports to B between two years, and for each whether it was
 * more goods or dearer goods (INDICATORS.md section 8, docs/commands/change.md).
 *
 * Thin: lever_change() computes; this file names the columns. The product table
 * shows the top N products by size of change and ends with an "other products"
 * row holding the rest, so that its value columns always add up to the totals of
 * the summary, exactly, in every output format.
 */
#include "cli.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>

#define DEFAULT_TOP 20

static const char usage_line[] =
    "usage: lever change A B [--from T0] [--to T1] [--product P] [--top N]\n"
    "                    [--format table|csv|json] [--store STORE]\n";

static void usage(FILE *f)
{
    fprintf(f,
            "%s"
            "\n"
            "What drove the change in A's exports to B from year T0 to year T1: the\n"
            "values of both years and their exact change, then the products whose value\n"
            "changed, largest change first, each with its share of the total change and,\n"
            "when BACI has its quantity in both years, the split of its change into a\n"
            "quantity effect (q1 - q0) * uv0 and a price effect (uv1 - uv0) * q1. A last\n"
            "row sums every other product, so the table adds up to the totals.\n"
            "Values in USD, quantities in kg.\n"
            "\n"
            "A and B: ISO3 code, numeric code or name (see 'lever country').\n"
            "\n"
            "options:\n"
            "  --from T0        first year (default: the first of --years, else of the store)\n"
            "  --to T1          second year (default: the last of --years, else of the store)\n"
            "  --years T0-T1    the same two years in one option\n"
            "  --product P      count only products under an HS prefix (1001), the one\n"
            "                   product a description names, or a group (wheat)\n"
            "  --groups FILE    product groups for --product (default: the built-in set)\n"
            "  --top N          products listed before the \"other products\" row (default %d)\n"
            "  --format FORMAT  table (default on a terminal), csv (default otherwise) or json\n"
            "  --store STORE    the store to read (default: $LEVER_STORE, else ./%s)\n"
            "  -h, --help       show this help\n"
            "\n"
            "examples:\n"
            "  lever change FRA DZA --from 2019 --to 2021\n"
            "  lever change RUS DZA --from 2020 --to 2021 --product 1001 --top 5\n"
            "  lever change kazakhstan afghanistan --years 2017-2022 --format csv\n",
            usage_line, DEFAULT_TOP, CLI_DEFAULT_STORE);
}

static int usage_error(void)
{
    return cli_usage_error("change", usage_line);
}

static void add_summary_table(out_doc *d, const lever_change_result *r)
{
    static const out_col cols[] = {
        {"year_from", "from", COL_INT},
        {"year_to", "to", COL_INT},
        {"total_from", "total from, USD", COL_USD},
        {"total_to", "total to, USD", COL_USD},
        {"change", "change, USD", COL_USD},
        {"products_changed", "products changed", COL_INT},
    };
    out_table *t = out_doc_table(d, "summary", "", (int)(sizeof cols / sizeof cols[0]), cols);
    out_table_record(t);
    out_int(t, r->year0);
    out_int(t, r->year1);
    out_u64(t, r->total0);
    out_u64(t, r->total1);
    out_usd(t, r->delta);
    out_int(t, (int64_t)r->n);
}

static void add_product_row(out_table *t, const lever_store *s, int rank,
                            const lever_change_row *row)
{
    lever_product p;
    lever_product_at(s, row->product, &p);
    out_int(t, rank);
    out_hs6(t, p.hs6);
    out_u64(t, row->v0);
    out_u64(t, row->v1);
    out_usd(t, row->delta);
    out_double(t, row->share_of_change);
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
    out_u64(t, v0);
    out_u64(t, v1);
    out_usd(t, delta);
    out_double(t, r->delta == 0 ? NAN : share);
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
    snprintf(v0, sizeof v0, "USD %d", r->year0);
    snprintf(v1, sizeof v1, "USD %d", r->year1);
    snprintf(q0, sizeof q0, "kg %d", r->year0);
    snprintf(q1, sizeof q1, "kg %d", r->year1);
    const out_col cols[] = {
        {"rank", "#", COL_INT},
        {"hs6", "HS6", COL_HS6},
        {"value_from", v0, COL_USD},
        {"value_to", v1, COL_USD},
        {"change", "change USD", COL_USD},
        {"share_of_change", "share of change", COL_SHARE},
        {"qty_from_kg", q0, COL_KG},
        {"qty_to_kg", q1, COL_KG},
        {"quantity_effect", "quantity effect", COL_RATIO},
        {"price_effect", "price effect", COL_RATIO},
        {"description", NULL, COL_STR},
    };
    size_t shown = r->n < top ? r->n : top;
    char title[128];
    snprintf(title, sizeof title, "Products by size of change (top %zu of %zu)", shown, r->n);
    out_table *t = out_doc_table(d, "products", title, (int)(sizeof cols / sizeof cols[0]), cols);
    for (size_t n = 0; n < shown; n++)
        add_product_row(t, s, (int)n + 1, &r->rows[n]);
    add_other_row(t, r, shown);
}

typedef struct change_args {
    const char *a, *b;
    long from, to; /* 0 = from --years, else the first / last year of the store */
} change_args;

/* Runs the query and prints it; the store and the shared options are resolved. */
static int run_change(cli_query *cq, const change_args *args)
{
    lever_store *s = cq->store;
    int a, b;
    if (!cli_country(s, args->a, &a) || !cli_country(s, args->b, &b))
        return EXIT_ERROR;
    int year0 = args->from ? (int)args->from : cq->q.year_from;
    int year1 = args->to ? (int)args->to : cq->q.year_to;
    lever_change_result *r = NULL;
    if (lever_change(s, a, b, year0, year1, &cq->q, &r) != LEVER_OK)
        return cli_store_error(s);
    cli_country_names na, nb;
    cli_name_country(s, a, &na);
    cli_name_country(s, b, &nb);
    out_doc *d = cli_doc_new(s, "Change in exports of %s to %s, %d to %d", na.label, nb.label,
                             r->year0, r->year1);
    out_doc_meta(d, "a", "%s", na.label);
    out_doc_meta(d, "b", "%s", nb.label);
    out_doc_meta(d, "products", "%s", lever_selection_label(cq->selection));
    out_doc_meta(d, "units", "values USD, quantities kg; effects USD");
    out_doc_meta(d, "note", "quantity and price effects only where quantities are known in "
                            "both years; other changes are not split");
    add_summary_table(d, r);
    add_products_table(d, s, r, (size_t)cq->top);
    lever_change_free(r);
    return out_doc_print(d, cq->fmt);
}

int cmd_change(int argc, char **argv)
{
    static const struct option options[] = {
        {"from", required_argument, NULL, 'f'},  {"to", required_argument, NULL, 't'},
        {"years", required_argument, NULL, 'Y'}, {"product", required_argument, NULL, 'P'},
        {"groups", required_argument, NULL, 'G'}, {"top", required_argument, NULL, 'T'},
        {"format", required_argument, NULL, 'F'}, {"store", required_argument, NULL, 'S'},
        {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0}};
    cli_query cq = {.top = DEFAULT_TOP};
    change_args args = {0};
    int opt;
    opterr = 0;
    optind = 1;
    while ((opt = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        switch (opt) {
        case 'f':
            if (!cli_int("--from", optarg, 1900, 2200, &args.from))
                return usage_error();
            break;
        case 't':
            if (!cli_int("--to", optarg, 1900, 2200, &args.to))
                return usage_error();
            break;
        case 'h': usage(stdout); return EXIT_OK;
        case ':':
        case '?': return cli_option_error("change", usage_line, opt, argv);
        default:
            cli_query_option(&cq, opt, optarg);
            if (cq.top < 0)
                return usage_error();
            break;
        }
    }
    if (argc - optind != 2)
        return cli_arguments_error("change", usage_line, "two countries A and B", argc - optind);
    args.a = argv[optind];
    args.b = argv[optind + 1];
    int rc = cli_query_open(&cq);
    if (rc == EXIT_OK)
        rc = run_change(&cq, &args);
    else if (rc == EXIT_USAGE)
        usage_error();
    cli_query_close(&cq);
    return rc;
}
