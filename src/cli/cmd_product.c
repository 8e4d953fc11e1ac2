/*
 * cmd_product.c - lever product: which products of the store a query names, by
 * HS code prefix ("10", "1101", "110100") or by words of the description
 * ("wheat flour"), best first. Shows the codes to pass to --product elsewhere.
 */
#include "cli.h"

#include <getopt.h>
#include <limits.h>
#include <stdlib.h>

#define DEFAULT_LIMIT 50

static const char usage_line[] =
    "usage: lever product [QUERY...] [--limit N] [--format table|csv|json] [--store STORE]\n";

static void usage(FILE *f)
{
    fprintf(f,
            "%s"
            "\n"
            "Finds products (HS6) by code prefix or description. A query of digits is an HS\n"
            "prefix: 2 digits a chapter, 4 a heading, 6 one product (BACI's dropped leading\n"
            "zero is put back: 71120 is 071120). Other queries are words that must all occur\n"
            "in the description, in any case; whole-word matches come first. Without a\n"
            "query, lists every product.\n"
            "\n"
            "options:\n"
            "  --limit N        show at most N products (default %d; 0 = all)\n"
            "  --format FORMAT  table (default on a terminal), csv (default otherwise) or json\n"
            "  --store STORE    the store to read (default: $LEVER_STORE, else ./%s)\n"
            "  -h, --help       show this help\n"
            "\n"
            "examples:\n"
            "  lever product wheat flour\n"
            "  lever product 1001\n"
            "  lever product 27 --limit 0 --format csv\n",
            usage_line, DEFAULT_LIMIT, CLI_DEFAULT_STORE);
}

static int print_matches(lever_store *s, const char *query, long limit, out_format fmt)
{
    lever_info info;
    lever_get_info(s, &info);
    int *found = malloc(((size_t)info.n_products + 1) * sizeof *found);
    if (!found) {
        cli_error("out of memory");
        return EXIT_ERROR;
    }
    int n;
    if (query[0]) {
        n = lever_product_search(s, query, found, info.n_products);
    } else {
        for (n = 0; n < info.n_products; n++)
            found[n] = n;
    }
    if (n == 0) {
        cli_error("no product matches \"%s\": give an HS code prefix (e.g. 1001) or fewer "
                  "words of a description",
                  query);
        free(found);
        return EXIT_ERROR;
    }
    int shown = limit > 0 && limit < n ? (int)limit : n;
    out_doc *d = query[0] ? cli_doc_new(s, "Products matching \"%s\", best first", query)
                          : cli_doc_new(s, "Products");
    out_doc_meta(d, "matches", "%d", n);
    if (shown < n) {
        out_doc_meta(d, "shown", "%d", shown);
        cli_warning("showing %d of %d products; use --limit %d (or 0) to see all", shown, n, n);
    }
    static const out_col cols[] = {{"hs6", "HS6", COL_HS6},
                                   {"description", NULL, COL_STR}};
    out_table *t = out_doc_table(d, "products", NULL, 2, cols);
    for (int m = 0; m < shown; m++) {
        lever_product p;
        lever_product_at(s, found[m], &p);
        out_hs6(t, p.hs6);
        out_str(t, p.description);
    }
    free(found);
    return out_doc_print(d, fmt);
}

int cmd_product(int argc, char **argv)
{
    static const struct option options[] = {
        {"limit", required_argument, NULL, 'l'}, {"format", required_argument, NULL, 'f'},
        {"store", required_argument, NULL, 's'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *store_path = NULL;
    out_format fmt = out_default_format();
    long limit = DEFAULT_LIMIT;
    int opt;
    opterr = 0;
    optind = 1;
    while ((opt = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        switch (opt) {
        case 'l':
            if (!cli_int("--limit", optarg, 0, INT_MAX, &limit))
                return cli_usage_error("product", usage_line);
            break;
        case 's': store_path = optarg; break;
        case 'f':
            if (!cli_format_option("product", optarg, &fmt))
                return cli_usage_error("product", usage_line);
            break;
        case 'h': usage(stdout); return EXIT_OK;
        default: return cli_option_error("product", usage_line, opt, argv);
        }
    }
    char *query = cli_join_words(argc - optind, argv + optind);
    lever_store *s = query ? cli_open_store(store_path) : NULL;
    int rc = s ? print_matches(s, query, limit, fmt) : EXIT_ERROR;
    lever_close(s);
    free(query);
    return rc;
}
