/*
 * query.c - the options every indicator command shares (--store, --format, --years,
 * --year, --product, --alternatives, --groups, --weights, --sigma, --top), parsed
 * and resolved in one place so that every command understands them the same way.
 * A --product that names a group (built-in or from --groups) selects its products.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static int resolve_alternatives(cli_query *cq, const cli_spec *spec)
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
    if (count == 0)
        return cli_usage(spec, "bad --alternatives '%s': give world, current, or a list of "
                               "countries (UZB,TKM)", a);
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
    lever_error err;
    int rc = cq->product_hs
                 ? lever_selection_in_edition(cq->store, cq->product, cq->product_hs, cq->groups,
                                              NULL, getenv("LEVER_HS_DIR"), &cq->selection,
                                              cq->product_note, sizeof cq->product_note, &err)
             : g >= 0 ? lever_groups_selection(cq->store, cq->groups, g, &cq->selection, &err)
                      : lever_selection_parse(cq->store, cq->product, &cq->selection, &err);
    if (rc != LEVER_OK)
        return cli_fail(&err);
    cq->q.products = cq->selection;
    return EXIT_OK;
}

/* "0.05" -> 50000 millionths, exactly: at most 6 decimals, from 0 to 1. */
static bool parse_cif_rate(const char *text, uint32_t *ppm)
{
    uint64_t whole = 0, frac = 0;
    int decimals = 0;
    const char *p = text;
    if (!*p)
        return false;
    for (; *p >= '0' && *p <= '9'; p++)
        if ((whole = whole * 10 + (uint64_t)(*p - '0')) > 1)
            return false;
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9'; p++) {
            if (++decimals > 6)
                return false;
            frac = frac * 10 + (uint64_t)(*p - '0');
        }
    }
    if (*p)
        return false;
    for (; decimals < 6; decimals++)
        frac *= 10;
    uint64_t v = whole * 1000000u + frac;
    if (v > 1000000u)
        return false;
    *ppm = (uint32_t)v;
    return true;
}

/* --source and --cif-rate: a choice between declarations, so only for a Comtrade store. */
static int resolve_source(cli_query *cq, const cli_spec *spec)
{
    cq->source_value = LEVER_SOURCE_BEST;
    if (cq->source) {
        if (strcmp(cq->source, "reported") == 0)
            cq->source_value = LEVER_SOURCE_REPORTED;
        else if (strcmp(cq->source, "mirror") == 0)
            cq->source_value = LEVER_SOURCE_MIRROR;
        else if (strcmp(cq->source, "best") != 0)
            return cli_usage(spec, "unknown --source '%s': use reported, mirror or best",
                             cq->source);
    }
    if (cq->cif_rate && !parse_cif_rate(cq->cif_rate, &cq->cif_ppm))
        return cli_usage(spec,
                         "--cif-rate '%s' is not a rate from 0 to 1 with at most 6 decimals "
                         "(0.05)",
                         cq->cif_rate);
    lever_info info;
    lever_get_info(cq->store, &info);
    if (!info.comtrade && (cq->source_value != LEVER_SOURCE_BEST || cq->cif_ppm))
        return cli_usage(spec, "this store holds one figure per flow (BACI): --source "
                               "reported|mirror and --cif-rate need a store imported from "
                               "Comtrade Plus files");
    return EXIT_OK;
}

/* --year T is the range T-T: every query reads its years from q. */
static void resolve_years(cli_query *cq)
{
    if (cq->year) {
        cq->q.year_from = cq->q.year_to = cq->year;
    } else {
        cq->q.year_from = cq->years[0];
        cq->q.year_to = cq->years[1];
    }
}

int cli_query_open(cli_query *cq, const cli_spec *spec)
{
    resolve_years(cq);
    if (cq->quantity && spec->value_only)
        return cli_usage(spec, "--measure quantity does not apply: %s", spec->value_only);
    cq->q.measure = cq->quantity ? LEVER_MEASURE_QUANTITY : LEVER_MEASURE_VALUE;
    lever_error err;
    if (lever_groups_load(cq->groups_file, &cq->groups, &err) != LEVER_OK) {
        cli_error("%s", err.message);
        return EXIT_ERROR;
    }
    cq->store = cli_open_store(cq->store_path);
    if (!cq->store)
        return EXIT_ERROR;
    int rc = resolve_source(cq, spec);
    if (rc == EXIT_OK)
        rc = resolve_products(cq);
    if (rc == EXIT_OK)
        rc = resolve_alternatives(cq, spec);
    if (rc == EXIT_OK && cq->weights) {
        if (lever_weights_parse(cq->store, cq->groups, cq->weights, &cq->weight_values, &err))
            return cli_usage(spec, "%s", err.message);
        cq->q.weights = cq->weight_values;
    }
    if (rc == EXIT_OK && cq->sigma_file) {
        if (lever_sigma_load(cq->store, cq->sigma_file, &cq->sigma_values, &err)) {
            cli_error("%s", err.message);
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
