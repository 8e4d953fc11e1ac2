/*
 * main.c - the lever command: a table of subcommands, as git has. main() only
 * handles --help / --version and dispatches; every subcommand lives in its own
 * file (cmd_NAME.c), parses its options and calls liblever to compute.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const cli_command commands[] = {
    {"import", cmd_import, "import BACI zips or CSVs, Comtrade CSVs and dictionaries into a store"},
    {"info", cmd_info, "describe a store: years, rows, countries, products, HS version, release"},
    {"country", cmd_country, "look up a country by ISO3, numeric code or name"},
    {"product", cmd_product, "look up products by HS code prefix or description words"},
    {"groups", cmd_groups, "the product groups (--product wheat) and their members"},
    {"dyad", cmd_dyad, "flows between two countries, year by year, and their top products"},
    {"depend", cmd_depend, "the products where a country is most exposed, and to whom"},
    {"leverage", cmd_leverage, "leverage of one country over another, or over all its partners"},
    {"exposure", cmd_exposure, "every country ranked by its leverage over one country"},
    {"compare", cmd_compare, "suppliers competing in one market: shares, leverage, similarity"},
    {"change", cmd_change, "the products that drove a change in a flow, value vs volume"},
    {"indicators", cmd_indicators, "trade intensity, complementarity, dependence, RCA"},
    {"fetch", cmd_fetch, "download BACI releases and Comtrade Plus API answers, for lever import"},
    {"chains", cmd_chains, "shares by origin through processors (wheat milled into flour)"},
    {"transit", cmd_transit, "transit routes, route shares, chokepoints and transit leverage"},
    {"chart", cmd_chart, "a chart of two countries' trade as SVG or PNG (flows, leverage...)"},
    {"report", cmd_report, "a bilateral report of two countries as one self-contained HTML page"},
    {"synth", cmd_synth, "write a deterministic synthetic world in BACI layout (demo, benchmark)"},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *f)
{
    fprintf(f, "usage: lever <command> [options]\n\n"
               "lever measures who depends on whom in international trade.\n\ncommands:\n");
    for (size_t n = 0; n < N_COMMANDS; n++)
        fprintf(f, "  %-10s %s\n", commands[n].name, commands[n].summary);
    fprintf(f, "\nRun 'lever <command> --help' for a command's options and examples.\n"
               "Query commands read the store named by --store, else $LEVER_STORE, else ./%s.\n",
            CLI_DEFAULT_STORE);
}

static const cli_command *find(const char *name)
{
    for (size_t n = 0; n < N_COMMANDS; n++)
        if (strcmp(commands[n].name, name) == 0)
            return &commands[n];
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        usage(stdout);
        return EXIT_OK;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
        printf("lever %s\n", LEVER_VERSION);
        return EXIT_OK;
    }
    if (strcmp(name, "help") == 0) {
        if (argc < 3) {
            usage(stdout);
            return EXIT_OK;
        }
        const cli_command *c = find(argv[2]);
        if (!c) {
            cli_error("unknown command '%s'; run 'lever help' for the list", argv[2]);
            return EXIT_USAGE;
        }
        char *args[] = {argv[2], "--help", NULL};
        return c->run(2, args);
    }
    const cli_command *c = find(name);
    if (!c) {
        cli_error("unknown command '%s'; run 'lever help' for the list", name);
        return EXIT_USAGE;
    }
    out_set_command_line(argc, argv);
    return c->run(argc - 1, argv + 1);
}
