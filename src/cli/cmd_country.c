/*
 * cmd_country.c - lever country: which countries of the store a query names,
 * best match first (ISO3, numeric code, ISO2, exact name, name prefix, part of
 * a name), with their codes and names; without a query, every country. Shows
 * what the other commands will understand by the same words.
 */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage_line[] =
    "usage: lever country [QUERY...] [--format table|csv|json] [--store STORE]\n";

static void usage(FILE *f)
{
    fprintf(f,
            "%s"
            "\n"
            "Finds countries by ISO3 code, numeric code (BACI / ISO 3166), ISO2 code or name\n"
            "(whole, beginning or part, any case), best match first. Without a query, lists\n"
            "every country of the store. Other commands take the same queries and need them\n"
            "to name exactly one country.\n"
            "\n"
            "options:\n"
            "  --format FORMAT  table (default on a terminal), csv (default otherwise) or json\n"
            "  --store STORE    the store to read (default: $LEVER_STORE, else ./%s)\n"
            "  -h, --help       show this help\n"
            "\n"
            "examples:\n"
            "  lever country kaz\n"
            "  lever country 251\n"
            "  lever country korea --format csv\n",
            usage_line, CLI_DEFAULT_STORE);
}

static void add_country_row(out_table *t, const lever_store *s, int c)
{
    lever_country k;
    lever_country_at(s, c, &k);
    out_int(t, k.code);
    out_str(t, k.iso3);
    out_str(t, k.iso2);
    out_str(t, k.name);
    out_str(t, k.full_name);
}

/* Prints the matches of query (every country when empty); false when nothing matched. */
static int print_matches(lever_store *s, const char *query, out_format fmt)
{
    lever_info info;
    lever_get_info(s, &info);
    int *found = malloc(((size_t)info.n_countries + 1) * sizeof *found);
    if (!found) {
        cli_error("out of memory");
        return EXIT_ERROR;
    }
    int n = 0;
    if (query[0]) {
        n = lever_country_search(s, query, found, info.n_countries);
    } else {
        for (n = 0; n < info.n_countries; n++)
            found[n] = n;
    }
    if (n == 0) {
        int unused;
        /* the lookup's message suggests the closest names */
        if (lever_country_lookup(s, query, &unused) != LEVER_OK)
            cli_error("%s", lever_errmsg(s));
        free(found);
        return EXIT_ERROR;
    }
    static const out_col cols[] = {
        {"code", NULL, COL_INT},          {"iso3", "ISO3", COL_STR},
        {"iso2", "ISO2", COL_STR},        {"name", NULL, COL_STR},
        {"full_name", "full name", COL_STR},
    };
    out_doc *d = query[0] ? cli_doc_new(s, "Countries matching \"%s\", best first", query)
                          : cli_doc_new(s, "Countries");
    out_table *t = out_doc_table(d, "countries", NULL, (int)(sizeof cols / sizeof cols[0]), cols);
    for (int m = 0; m < n; m++)
        add_country_row(t, s, found[m]);
    free(found);
    return out_doc_print(d, fmt);
}

int cmd_country(int argc, char **argv)
{
    static const struct option options[] = {{"format", required_argument, NULL, 'f'},
                                            {"store", required_argument, NULL, 's'},
                                            {"help", no_argument, NULL, 'h'},
                                            {NULL, 0, NULL, 0}};
    const char *store_path = NULL;
    out_format fmt = out_default_format();
    int opt;
    opterr = 0;
    optind = 1;
    while ((opt = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        switch (opt) {
        case 's': store_path = optarg; break;
        case 'f':
            if (!cli_format_option("country", optarg, &fmt))
                return cli_usage_error("country", usage_line);
            break;
        case 'h': usage(stdout); return EXIT_OK;
        default: return cli_option_error("country", usage_line, opt, argv);
        }
    }
    char *query = cli_join_words(argc - optind, argv + optind);
    lever_store *s = query ? cli_open_store(store_path) : NULL;
    int rc = s ? print_matches(s, query, fmt) : EXIT_ERROR;
    lever_close(s);
    free(query);
    return rc;
}
