/*
 * query.c - the options every indicator command shares (--store, --format, --years,
 * --year, --product, --alternatives, --groups, --weights, --sigma, --top), parsed
 * and resolved in one place so that every command understands them the same way.
 * A --product that names a group (built-in or from --groups) selects its products.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

bool cli_query_option(cli_query *cq, int opt, const char *arg)
{
    switch (opt) {
    case 'S': cq->store_path = arg; return true;
    case 'F': cq->format = arg; return true;
    case 'Y': cq->years = arg; return true;
    case 'y': cq->year = arg; return true;
    case 'P': cq->product = arg; return true;
    case 'A': cq->alternatives = arg; return true;
    case 'G': cq->groups_file = arg; return true;
    case 'W': cq->weights = arg; return true;
    case 'E': cq->sigma_file = arg; return true;
    case 'T':
        if (!cli_int("--top", arg, 0, 1000000, &cq->top))
            cq->top = -1; /* reported by cli_int; cli_query_open returns EXIT_USAGE */
        return true;
    default: return false;
    }
}

static int resolve_alternatives(cli_query *cq)
{
    const char *a = cq->alternatives;
    if (!a || strcmp(a, "world") == 0) {
        cq->q.alternatives = LEVER_ALT_WORLD;
        return EXIT_OK;
    }
    if (strcmp(a, "current") == 0) {
        cq->q.alternatives = LEVER_ALT_CURRENT;
        return EXIT_OK;
    }
    size_t n = 1;
    for (const char *p = a; *p; p++)
        n += *p == ',';
    cq->alt_countries = calloc(n, sizeof *cq->alt_countries);
    char *copy = strdup(a);
    if (!cq->alt_countries || !copy) {
        free(copy);
        cli_error("out of memory");
        return EXIT_ERROR;
    }
    int count = 0;
    for (char *save = NULL, *tok = strtok_r(copy, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        if (!cli_country(cq->store, tok, &cq->alt_countries[count])) {
            free(copy);
            return EXIT_ERROR;
        }
        count++;
    }
    free(copy);
    if (count == 0) {
        cli_error("--alternatives takes world, current, or a list of countries (UZB,TKM)");
        return EXIT_USAGE;
    }
    cq->q.alternatives = LEVER_ALT_LIST;
    cq->q.alt_countries = cq->alt_countries;
    cq->q.n_alt_countries = count;
    return EXIT_OK;
}

static int resolve_products(cli_query *cq)
{
    if (!cq->product)
        return EXIT_OK;
    int g = lever_groups_find(cq->groups, cq->product);
    int rc = g >= 0 ? lever_groups_selection(cq->store, cq->groups, g, &cq->selection)
                    : lever_selection_parse(cq->store, cq->product, &cq->selection);
    if (rc != LEVER_OK)
        return cli_store_error(cq->store);
    cq->q.products = cq->selection;
    return EXIT_OK;
}

int cli_query_open(cli_query *cq)
{
    if (cq->top < 0)
        return EXIT_USAGE;
    cq->fmt = out_default_format();
    if (cq->format && !out_parse_format(cq->format, &cq->fmt)) {
        cli_error("unknown --format '%s': use table, csv or json", cq->format);
        return EXIT_USAGE;
    }
    if (cq->years && !cli_years(cq->years, &cq->q.year_from, &cq->q.year_to))
        return EXIT_USAGE;
    if (cq->year) {
        long y;
        if (!cli_int("--year", cq->year, 1900, 2200, &y))
            return EXIT_USAGE;
        cq->year_value = (int)y;
    }
    char err[1024];
    if (lever_groups_load(cq->groups_file, &cq->groups, err, sizeof err) != LEVER_OK) {
        cli_error("%s", err);
        return EXIT_ERROR;
    }
    cq->store = cli_open_store(cq->store_path);
    if (!cq->store)
        return EXIT_ERROR;
    int rc = resolve_products(cq);
    if (rc == EXIT_OK)
        rc = resolve_alternatives(cq);
    if (rc == EXIT_OK && cq->weights) {
        if (lever_weights_parse(cq->store, cq->groups, cq->weights, &cq->weight_values)) {
            cli_error("%s", lever_errmsg(cq->store));
            return EXIT_USAGE;
        }
        cq->q.weights = cq->weight_values;
    }
    if (rc == EXIT_OK && cq->sigma_file) {
        if (lever_sigma_load(cq->store, cq->sigma_file, &cq->sigma_values, err, sizeof err)) {
            cli_error("%s", err);
            return EXIT_ERROR;
        }
        cq->q.sigma = cq->sigma_values;
    }
    return rc;
}

void cli_query_close(cli_query *cq)
{
    lever_selection_free(cq->selection);
    lever_groups_free(cq->groups);
    free(cq->alt_countries);
    free(cq->weight_values);
    free(cq->sigma_values);
    lever_close(cq->store);
    memset(cq, 0, sizeof *cq);
}
