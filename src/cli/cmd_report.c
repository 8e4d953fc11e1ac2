/*
 * cmd_report.c - lever report A B -o FILE.html: the bilateral report of two countries as
 * one self-contained HTML page (docs/commands/report.md).
 *
 * Thin: lever_report_html() (src/lib/render/report.c) runs the queries of lever dyad,
 * depend, leverage and change and lays the page out; this file resolves the options and
 * writes the file through FILE.tmp and a rename (save.c). The page's figures are those
 * the commands print for the same options, which the page names under each section.
 */
#include "save.h"

#include <stdlib.h>
#include <string.h>

#define DEFAULT_TOP 10

static const cli_spec spec = {
    .name = "report",
    .usage = {"A B [--years Y0-Y1] [--top N] [-o FILE.html] [options]"},
    .about =
        "Writes the report of the trade between A and B as one HTML page that works\n"
        "offline (CSS and charts inline, nothing fetched), prints on A4 or Letter and\n"
        "reads on a phone: the headline figures (exports both ways, LEV both ways, net\n"
        "leverage) with their change, the time line of both flows, what each sells the\n"
        "other by HS section, where each depends on the other, leverage both ways with\n"
        "its channels and products, B's suppliers of its largest imports from A, what\n"
        "changed from the first to the last year, and data notes. The figures are also in\n"
        "a JSON block (id lever-data) with the keys of the commands' JSON.\n"
        "Without -o the page goes to standard output.\n",
    .arguments = "A and B: ISO3 code, numeric code or name (see 'lever country').\n",
    .examples = {"lever report KAZ AFG -o kaz-afg.html",
                 "lever report KAZ AFG --years 2019-2021 --top 5 -o kaz-afg.html",
                 "lever report KAZ AFG --product wheat -o kaz-afg-wheat.html"},
    .min_args = 2,
    .max_args = 2,
    .args_name = "two countries A and B",
    .query = CLI_Q_STORE | CLI_Q_YEARS | CLI_Q_PRODUCT | CLI_Q_GROUPS | CLI_Q_TOP |
             CLI_Q_ALTERNATIVES | CLI_Q_WEIGHTS | CLI_Q_SIGMA,
    .top_help = "products in each table",
};

static int run_report(cli_query *cq, char **args, const char *output)
{
    int a, b;
    if (!cli_country(cq->store, args[0], &a) || !cli_country(cq->store, args[1], &b))
        return EXIT_ERROR;
    if (a == b)
        return cli_usage(&spec, "A and B are the same country");
    double t0 = cli_now();
    cli_text text = {0};
    lever_error err;
    if (lever_report_html(cq->store, a, b, &cq->q, (int)cq->top, cli_collect, &text, &err) !=
        LEVER_OK) {
        free(text.data);
        return cli_fail(&err);
    }
    int rc = cli_save(output, &text, false);
    if (rc == EXIT_OK && output && strcmp(output, "-") != 0)
        cli_wrote(cq->store, output, text.len, t0);
    free(text.data);
    return rc;
}

int cmd_report(int argc, char **argv)
{
    cli_query cq = {.top = DEFAULT_TOP};
    const char *output = NULL;
    const cli_option options[] = {
        CLI_STRING('o', "output", "FILE", "write the page to FILE (default: standard output)",
                   &output),
        CLI_OPT_END,
    };
    char **args;
    int n = cli_query_parse(&spec, options, &cq, argc, argv, &args);
    int rc = n < 0 ? cli_parse_exit(n) : run_report(&cq, args, output);
    cli_query_close(&cq);
    return rc;
}
