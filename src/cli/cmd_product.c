/*
 * cmd_product.c - lever product: which products of the store a query names, by
 * HS code prefix ("10", "1101", "110100") or by words of the description
 * ("wheat flour"), best first. Shows the codes to pass to --product elsewhere.
 */
#include "cli.h"

#include <limits.h>
#include <stdlib.h>

#define DEFAULT_LIMIT 50

static const cli_spec spec = {
    .name = "product",
    .usage = {"[QUERY...] [--limit N] [--format table|csv|json] [--store STORE]"},
    .about =
        "Finds products (HS6) by code prefix or description. A query of digits is an HS\n"
        "prefix: 2 digits a chapter, 4 a heading, 6 one product (BACI's dropped leading\n"
        "zero is put back: 71120 is 071120). Other queries are words that must all occur\n"
        "in the description, in any case; whole-word matches come first. Without a\n"
        "query, lists every product. When the query also names a product group (as\n"
        "--product wheat does elsewhere), a note says so; 'lever groups' lists them.\n",
    .examples = {"lever product wheat flour", "lever product 1001",
                 "lever product 27 --limit 0 --format csv"},
    .min_args = 0,
    .max_args = -1,
    .query = CLI_Q_LOOKUP | CLI_Q_GROUPS,
};

/* When the query is also the name of a product group, says so: `lever product wheat`
 * lists descriptions holding "wheat" (buckwheat, bran), while `--product wheat` elsewhere
 * means the group. */
static int note_group(out_doc *d, const char *query, const char *groups_file)
{
    lever_groups *g = NULL;
    lever_error err;
    if (lever_groups_load(groups_file, &g, &err) != LEVER_OK) {
        cli_error("%s", err.message);
        return EXIT_ERROR;
    }
    int n = lever_groups_find(g, query);
    if (n >= 0)
        out_doc_meta(d, "group", "\"%s\" is also a product group (%s): --product %s selects "
                     "the group, not these matches; see 'lever groups'",
                     lever_groups_name(g, n), lever_groups_definition(g, n),
                     lever_groups_name(g, n));
    lever_groups_free(g);
    return EXIT_OK;
}

static int print_matches(lever_store *s, const char *query, long limit, const cli_query *cq)
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
    if (query[0] && note_group(d, query, cq->groups_file) != EXIT_OK) {
        out_doc_free(d);
        free(found);
        return EXIT_ERROR;
    }
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
    return out_doc_print(d, cq->fmt);
}

int cmd_product(int argc, char **argv)
{
    cli_query cq = {0};
    long limit = DEFAULT_LIMIT;
    const cli_option options[] = {
        CLI_INT(0, "limit", "N", "show at most N products; 0 = all", &limit, 0, INT_MAX),
        CLI_OPT_END,
    };
    char **args;
    int n = cli_parse(&spec, options, &cq, argc, argv, &args);
    if (n < 0)
        return cli_parse_exit(n);
    char *query = cli_join_words(n, args);
    lever_store *s = query ? cli_open_store(cq.store_path) : NULL;
    int rc = s ? print_matches(s, query, limit, &cq) : EXIT_ERROR;
    lever_close(s);
    free(query);
    return rc;
}
