/*
 * cmd_exposure.c - lever exposure B: every country P that trades with B, ranked by
 * LEV(P over B), the leverage P holds over B (who could squeeze B), with the leverage
 * B holds back and the net (docs/commands/exposure.md).
 *
 * Thin: lever_exposure() computes in one pass over B's rows; the ranking table is the
 * one lever leverage prints, so both read the same way (cmd_leverage.c).
 */
#include "cli.h"

#include <getopt.h>
#include <string.h>

#define DEFAULT_TOP 20

static const char usage_line[] = "usage: lever exposure B [--year T] [options]\n";

static void usage(FILE *f)
{
    fprintf(f,
            "%s"
            "\n"
            "Who could squeeze country B (docs/commands/exposure.md): every country P that\n"
            "trades with B, ranked by LEV(P over B) = (S + K) / T(B), the share of B's total\n"
            "trade that runs through P and that B could not easily replace, as B's supplier\n"
            "(S: B's imports from P weighted by d) and as B's customer (K: B's exports to P\n"
            "weighted by d'). Beside it LEV(B over P), the leverage B holds back, and the\n"
            "net LEV(P over B) - LEV(B over P).\n"
            "\n"
            "B: ISO3 code, numeric code or name (see 'lever country').\n"
            "\n"
            "options:\n"
            "%s"
            "                         (default --top: %d partners; 0 = all)\n"
            "  -h, --help             show this help\n"
            "\n"
            "examples:\n"
            "  lever exposure AFG --year 2021\n"
            "  lever exposure DZA --product staples --top 10\n"
            "  lever exposure algeria --alternatives current --format json\n",
            usage_line, CLI_QUERY_HELP, DEFAULT_TOP);
}

static int usage_error(void)
{
    return cli_usage_error("exposure", usage_line);
}

static int run(cli_query *cq, const char *b_query)
{
    int rc = cli_query_open(cq);
    if (rc != EXIT_OK)
        return rc;
    int b;
    if (!cli_country(cq->store, b_query, &b))
        return EXIT_ERROR;
    lever_ranking *r = NULL;
    if (lever_exposure(cq->store, b, cq->year_value, &cq->q, &r) != LEVER_OK)
        return cli_store_error(cq->store);
    rc = leverage_print_ranking(cq, r, true);
    lever_ranking_free(r);
    return rc;
}

int cmd_exposure(int argc, char **argv)
{
    static const struct option options[] = {
        CLI_QUERY_LONG_OPTIONS, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    cli_query cq;
    memset(&cq, 0, sizeof cq);
    cq.top = DEFAULT_TOP;
    int opt;
    opterr = 0;
    optind = 1;
    while ((opt = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        switch (opt) {
        case 'h': usage(stdout); return EXIT_OK;
        case ':':
        case '?': return cli_option_error("exposure", usage_line, opt, argv);
        default:
            if (!cli_query_option(&cq, opt, optarg) || cq.top < 0)
                return usage_error();
        }
    }
    if (argc - optind != 1)
        return cli_arguments_error("exposure", usage_line, "one country B", argc - optind);
    if (cq.years) {
        cli_error("exposure: the ranking is for one year: use --year T, not --years");
        return usage_error();
    }
    int rc = run(&cq, argv[optind]);
    cli_query_close(&cq);
    return rc;
}
