/*
 * cmd_groups.c - lever groups [GROUP]: the product groups that --product, --weights and
 * quantities understand (the built-in set, or those of --groups FILE), each with its
 * members (HS prefixes and quantity factors); with a group name, the products of the
 * store that belong to it, with their factors (docs/commands/groups.md). Answers "what
 * does --product wheat mean?" without reading the source.
 *
 * Thin: liblever loads and matches the groups; the list needs no store, the products
 * of one group do.
 */
#include "cli.h"

#include <stdlib.h>

static const cli_spec spec = {
    .name = "groups",
    .usage = {"[GROUP] [--groups FILE] [--format table|csv|json] [--store STORE]"},
    .about =
        "Lists the product groups that --product GROUP and --weights GROUP=W understand:\n"
        "the built-in set (docs/groups.md), or the groups of --groups FILE, each with its\n"
        "members, HS prefixes of 2, 4 or 6 digits, and their quantity factors\n"
        "(1101*1.33: a kg of flour counts as 1.33 kg of grain). With a GROUP, lists the\n"
        "products of the store that belong to it, with the factor of each; that list\n"
        "needs a store, the list of groups does not.\n",
    .arguments = "GROUP: a group name, in any case (wheat, Staples).\n",
    .examples = {"lever groups", "lever groups wheat", "lever groups --groups my-groups.txt"},
    .min_args = 0,
    .max_args = 1,
    .args_name = "at most one GROUP",
    .query = CLI_Q_LOOKUP | CLI_Q_GROUPS,
};

static int list_groups(const cli_query *cq, const lever_groups *g)
{
    static const out_col cols[] = {{"group", NULL, COL_STR}, {"members", NULL, COL_STR}};
    out_doc *d = out_doc_new("Product groups");
    out_doc_meta(d, "groups", "%s", cq->groups_file ? cq->groups_file : "built-in set");
    out_doc_meta(d, "members", "HS prefixes; PREFIX*F: one kg counts as F kg of the group's good");
    out_table *t = out_doc_table(d, "groups", NULL, 2, cols);
    for (int n = 0; n < lever_groups_count(g); n++) {
        out_str(t, lever_groups_name(g, n));
        out_str(t, lever_groups_definition(g, n));
    }
    return out_doc_print(d, cq->fmt);
}

static int list_products(const cli_query *cq, const lever_groups *g, int group)
{
    lever_store *s = cli_open_store(cq->store_path);
    if (!s)
        return EXIT_ERROR;
    lever_selection *sel = NULL;
    lever_error err;
    if (lever_groups_selection(s, g, group, &sel, &err) != LEVER_OK) {
        int rc = cli_fail(&err);
        lever_close(s);
        return rc;
    }
    static const out_col cols[] = {
        {"hs6", "HS6", COL_HS6}, {"factor", NULL, COL_RATIO}, {"description", NULL, COL_STR}};
    const char *name = lever_groups_name(g, group);
    out_doc *d = cli_doc_new(s, "Products of group %s", name);
    out_doc_meta(d, "group", "%s = %s", name, lever_groups_definition(g, group));
    out_table *t = out_doc_table(d, "products", NULL, 3, cols);
    lever_info info;
    lever_get_info(s, &info);
    int count = 0;
    for (int k = 0; k < info.n_products; k++) {
        if (!lever_selection_has(sel, k))
            continue;
        lever_product p;
        lever_product_at(s, k, &p);
        out_hs6(t, p.hs6);
        out_double(t, lever_groups_factor(g, group, p.hs6));
        out_str(t, p.description);
        count++;
    }
    out_doc_meta(d, "products", "%d in this store", count);
    lever_selection_free(sel);
    int rc = out_doc_print(d, cq->fmt);
    lever_close(s);
    return rc;
}

int cmd_groups(int argc, char **argv)
{
    cli_query cq = {0};
    char **args;
    int n = cli_parse(&spec, NULL, &cq, argc, argv, &args);
    if (n < 0)
        return cli_parse_exit(n);
    lever_groups *g = NULL;
    lever_error err;
    if (lever_groups_load(cq.groups_file, &g, &err) != LEVER_OK) {
        cli_error("%s", err.message);
        return EXIT_ERROR;
    }
    int rc;
    int group = n ? lever_groups_find(g, args[0]) : -1;
    if (n && group < 0) {
        cli_error("groups: no product group '%s'; 'lever groups%s%s' lists them", args[0],
                  cq.groups_file ? " --groups " : "", cq.groups_file ? cq.groups_file : "");
        rc = EXIT_ERROR;
    } else {
        rc = n ? list_products(&cq, g, group) : list_groups(&cq, g);
    }
    lever_groups_free(g);
    return rc;
}
