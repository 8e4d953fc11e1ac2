/*
 * cmd_exposure.c - lever exposure B: every country P that trades with B, ranked by
 * LEV(P over B), the leverage P holds over B (who could squeeze B), with the leverage
 * B holds back and the net (docs/commands/exposure.md).
 *
 * Thin: lever_exposure() computes in one pass over B's rows; the ranking table is the
 * one lever leverage prints, so both read the same way (cmd_leverage.c).
 */
#include "cli.h"


#define DEFAULT_TOP 20

static const cli_spec spec = {
    .name = "exposure",
    .usage = {"B [--year T] [options]"},
    .about =
        "Who could squeeze country B (docs/commands/exposure.md): every country P that\n"
        "trades with B, ranked by LEV(P over B) = (S + K) / T(B), the share of B's total\n"
        "trade that runs through P and that B could not easily replace, as B's supplier\n"
        "(S: B's imports from P weighted by d) and as B's customer (K: B's exports to P\n"
        "weighted by d'). Beside it LEV(B over P), the leverage B holds back, and the\n"
        "net LEV(P over B) - LEV(B over P). One year: --year T (default: the last).\n",
    .arguments = "B: ISO3 code, numeric code or name (see 'lever country').\n",
    .examples = {"lever exposure AFG --year 2021", "lever exposure DZA --product staples --top 10",
                 "lever exposure algeria --alternatives current --format json"},
    .min_args = 1,
    .max_args = 1,
    .args_name = "one country B",
    .query = CLI_Q_LEVERAGE | CLI_Q_YEAR | CLI_Q_MEASURE,
    .value_only = "the ranking is by LEV(P over B), a share of B's total trade T(B), which "
                  "sums every product, and tonnes of different goods do not add up to a trade "
                  "total: leverage is in USD (INDICATORS.md sections 6 and 9); use lever "
                  "depend B --measure quantity",
    .top_help = "partners to show; 0 = all",
};

/* cq is open. */
static int run(cli_query *cq, const char *b_query)
{
    int b;
    if (!cli_country(cq->store, b_query, &b))
        return EXIT_ERROR;
    lever_ranking *r = NULL;
    lever_error err;
    if (lever_exposure(cq->store, b, &cq->q, &r, &err) != LEVER_OK)
        return cli_fail(&err);
    int rc = leverage_print_ranking(cq, r, true);
    lever_ranking_free(r);
    return rc;
}

int cmd_exposure(int argc, char **argv)
{
    cli_query cq = {.top = DEFAULT_TOP};
    char **args;
    int n = cli_query_parse(&spec, NULL, &cq, argc, argv, &args);
    int rc = n < 0 ? cli_parse_exit(n) : run(&cq, args[0]);
    cli_query_close(&cq);
    return rc;
}
