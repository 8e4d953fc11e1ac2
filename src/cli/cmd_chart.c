/*
 * cmd_chart.c - lever chart KIND A B -o FILE.svg|.png: one chart of the figures the
 * table commands print (docs/commands/chart.md). KIND is flows, products, suppliers,
 * leverage or change.
 *
 * Thin: lever_chart_svg() (src/lib/render) queries and draws; this file resolves the
 * options and writes the file (save.c: SVG as drawn, PNG through rsvg-convert). The
 * charts take the same shared options as the commands whose figures they show, so
 * `lever chart leverage KAZ AFG --years 2019-2021` draws what `lever leverage KAZ --over
 * AFG --years 2019-2021` prints.
 */
#include "save.h"

#include <stdlib.h>
#include <string.h>

#define DEFAULT_TOP 10

static const cli_spec spec = {
    .name = "chart",
    .usage = {"KIND A B [--years Y0-Y1] [--product P] [--top N] [-o FILE.svg|FILE.png]"},
    .about =
        "Draws one chart of the trade between A and B as SVG (or PNG through\n"
        "rsvg-convert, when FILE ends in .png). KIND is one of:\n"
        "  flows      X(A->B) and X(B->A) over every year (as lever dyad)\n"
        "  products   what each sells the other in the last year, ranked bars grouped by\n"
        "             HS section (as lever dyad --year T --top N)\n"
        "  suppliers  B's suppliers of one product year by year, as shares: the product\n"
        "             is A's largest export to B in the last year among --product\n"
        "  leverage   LEV(A over B) and LEV(B over A) per year, each split into its supply\n"
        "             and market channels (as lever leverage A --over B)\n"
        "  change     each product's contribution to the change of X(A->B) from the first\n"
        "             to the last year, with quantity and price effects (as lever change)\n"
        "Charts read in grey-scale (lightness, dashes, patterns, direct labels) and at\n"
        "column width. Without -o the SVG goes to standard output.\n",
    .arguments = "KIND: flows, products, suppliers, leverage or change.\n"
                 "A and B: ISO3 code, numeric code or name (see 'lever country').\n",
    .examples = {"lever chart flows KAZ AFG -o kaz-afg-flows.svg",
                 "lever chart suppliers KAZ AFG --product 1101 -o flour.png",
                 "lever chart change KAZ AFG --years 2019-2021 --top 8 -o change.svg"},
    .min_args = 3,
    .max_args = 3,
    .args_name = "a chart KIND and two countries A and B",
    .query = CLI_Q_STORE | CLI_Q_YEARS | CLI_Q_PRODUCT | CLI_Q_GROUPS | CLI_Q_TOP |
             CLI_Q_ALTERNATIVES | CLI_Q_WEIGHTS | CLI_Q_SIGMA,
    .top_help = "products (per direction) in the products and change charts",
};

static const struct {
    const char *name;
    lever_chart_kind kind;
} kinds[] = {
    {"flows", LEVER_CHART_FLOWS},         {"products", LEVER_CHART_PRODUCTS},
    {"suppliers", LEVER_CHART_SUPPLIERS}, {"leverage", LEVER_CHART_LEVERAGE},
    {"change", LEVER_CHART_CHANGE},
};

static int run_chart(cli_query *cq, char **args, const char *output, long width)
{
    lever_chart_options o = {.product = -1, .top = (int)cq->top, .width = (int)width};
    size_t k = 0;
    while (k < sizeof kinds / sizeof kinds[0] && strcmp(kinds[k].name, args[0]) != 0)
        k++;
    if (k == sizeof kinds / sizeof kinds[0])
        return cli_usage(&spec, "unknown chart '%s': use flows, products, suppliers, leverage "
                                "or change",
                         args[0]);
    o.kind = kinds[k].kind;
    if (!cli_country(cq->store, args[1], &o.a) || !cli_country(cq->store, args[2], &o.b))
        return EXIT_ERROR;
    if (o.a == o.b)
        return cli_usage(&spec, "A and B are the same country");
    bool png = output && cli_path_is_png(output);
    double t0 = cli_now();
    cli_text text = {0};
    lever_error err;
    if (lever_chart_svg(cq->store, &o, &cq->q, cli_collect, &text, &err) != LEVER_OK) {
        free(text.data);
        return cli_fail(&err);
    }
    int rc = cli_save(output, &text, png);
    if (rc == EXIT_OK && output && strcmp(output, "-") != 0)
        cli_wrote(cq->store, output, png ? 0 : text.len, t0);
    free(text.data);
    return rc;
}

int cmd_chart(int argc, char **argv)
{
    cli_query cq = {.top = DEFAULT_TOP};
    const char *output = NULL;
    long width = 640;
    const cli_option options[] = {
        CLI_STRING('o', "output", "FILE",
                   "write FILE: .svg, or .png through rsvg-convert (default: SVG on\n"
                   "standard output)",
                   &output),
        CLI_INT(0, "width", "PX", "width of the chart in pixels", &width, 320, 4000),
        CLI_OPT_END,
    };
    char **args;
    int n = cli_query_parse(&spec, options, &cq, argc, argv, &args);
    int rc = n < 0 ? cli_parse_exit(n) : run_chart(&cq, args, output, width);
    cli_query_close(&cq);
    return rc;
}
