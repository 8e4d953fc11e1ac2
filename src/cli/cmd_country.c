/*
 * cmd_country.c - lever country: which countries of the store a query names,
 * best match first (ISO3, numeric code, ISO2, exact name, name prefix, part of
 * a name), with their codes and names; without a query, every country. Shows
 * what the other commands will understand by the same words.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const cli_spec spec = {
    .name = "country",
    .usage = {"[QUERY...] [--format table|csv|json] [--store STORE]"},
    .about =
        "Finds countries by ISO3 code, numeric code (BACI / ISO 3166), ISO2 code or name\n"
        "(whole, beginning or part, any case). Only the best kind of match is listed: an\n"
        "ISO3 or numeric code, else an ISO2 code, else an exact name, else names that\n"
        "begin with the query, else names that contain it. Without a query, lists every\n"
        "country of the store. Other commands take the same queries and need them to\n"
        "name exactly one country.\n",
    .examples = {"lever country kaz", "lever country 251", "lever country korea --format csv"},
    .min_args = 0,
    .max_args = -1,
    .query = CLI_Q_LOOKUP,
};

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
        lever_error err;
        if (lever_country_lookup(s, query, &unused, &err) != LEVER_OK)
            cli_error("%s", err.message);
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
    cli_query cq = {0};
        char **args;
    int n = cli_parse(&spec, NULL, &cq, argc, argv, &args);
    if (n < 0)
        return cli_parse_exit(n);
    char *query = cli_join_words(n, args);
    lever_store *s = query ? cli_open_store(cq.store_path) : NULL;
    int rc = s ? print_matches(s, query, cq.fmt) : EXIT_ERROR;
    lever_close(s);
    free(query);
    return rc;
}
