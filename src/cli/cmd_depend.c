/*
 * cmd_depend.c - lever depend B [--on A]: the products where importer B is most
 * exposed in one year, with who supplies them, how concentrated that supply is, how
 * replaceable the supplier is, the GeoDep and critical-dependence screens and the
 * largest alternative suppliers (docs/commands/depend.md). Thin: lever_depend()
 * computes, this file parses the options and names the columns. With --measure quantity
 * the same tables are in tonnes (group factors applied), under their own column names.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#define DEFAULT_TOP 20

static const cli_spec spec = {
    .name = "depend",
    .usage = {"B [--on A] [--year T] [--product P] [options]"},
    .about =
        "Where importer B depends on its suppliers in one year: for each product B\n"
        "imports, its value M(B,k) and share of B's imports, B's own exports and the\n"
        "net-import ratio, the top supplier and its share s, the concentration of B's\n"
        "suppliers (HHI_M, HHI*, N) and of world supply (HHI_W), the supply\n"
        "alternatives already have (A), headroom H and non-substitutability d, the\n"
        "GeoDep and critical-dependence screens, and the three largest alternative\n"
        "suppliers. Ranked by score = M(B,k)/M(B) x s x d. With --product, a third\n"
        "table lists every supplier of each listed product with its share.\n"
        "With --on A: only the products A sells to B, A as the supplier, ranked by\n"
        "A's share s(A->B,k). Group weights (--weights) belong to leverage, not here.\n"
        "With --measure quantity: every amount in tonnes (flour counted as grain with\n"
        "--product wheat), every share, HHI and the ranking of tonnes; flows without\n"
        "a quantity are left out and counted.\n",
    .arguments = "B and A: ISO3 code, numeric code or name (see 'lever country').\n",
    .examples = {"lever depend AFG --on KAZ", "lever depend DZA --product 100190 --year 2021",
                 "lever depend algeria --alternatives current --top 10 --format csv",
                 "lever depend AFG --product wheat --measure quantity"},
    .min_args = 1,
    .max_args = 1,
    .args_name = "one importer B",
    .query = CLI_Q_QUERY | CLI_Q_YEAR | CLI_Q_ALTERNATIVES | CLI_Q_SIGMA | CLI_Q_MEASURE,
    .top_help = "products to show; 0 = all",
};

/* How --alternatives counted, for the metadata. */
static void alternatives_label(const lever_store *s, const lever_query *q, char *buf, size_t len)
{
    if (q->alternatives == LEVER_ALT_WORLD) {
        snprintf(buf, len, "world: W(k) - X(A,k) - X(B,k)");
        return;
    }
    if (q->alternatives == LEVER_ALT_CURRENT) {
        snprintf(buf, len, "current: suppliers already selling k to B, less A");
        return;
    }
    size_t used = (size_t)snprintf(buf, len, "list:");
    for (int n = 0; n < q->n_alt_countries && used < len; n++) {
        cli_country_names alt;
        cli_name_country(s, q->alt_countries[n], &alt);
        used += (size_t)snprintf(buf + used, len - used, "%s%s", n ? "," : " ", alt.code);
    }
}

/* An amount: USD, or with --measure quantity kilograms printed as tonnes. */
static void out_amount(out_table *t, const lever_depend_result *r, uint64_t v)
{
    if (r->measure == LEVER_MEASURE_QUANTITY)
        out_double(t, (double)v / 1000.0);
    else
        out_u64(t, v);
}

static void add_products_table(out_doc *d, const lever_store *s, const lever_depend_result *r)
{
    static const out_col cols[] = {
        {"rank", "#", COL_INT},
        {"hs6", "HS6", COL_HS6},
        {"imports", "M(B,k)", COL_USD},
        {"import_share", "M(B,k)/M(B)", COL_SHARE},
        {"exports", "X(B,k)", COL_USD | COL_WIDE},
        {"net_import", "M/X", COL_RATIO | COL_WIDE},
        {"supplier", "A", COL_STR},
        {"supplier_code", "code", COL_INT | COL_WIDE},
        {"supplier_value", "v(A->B,k)", COL_USD | COL_WIDE},
        {"supplier_share", "s(A->B,k)", COL_SHARE},
        {"hhi", "HHI_M", COL_RATIO},
        {"hhi_star", "HHI*", COL_RATIO | COL_WIDE},
        {"hhi_level", "level", COL_STR | COL_WIDE},
        {"n_suppliers", "N", COL_INT | COL_WIDE},
        {"hhi_world", "HHI_W", COL_RATIO | COL_WIDE},
        {"alt_supply", "A(A,B,k)", COL_USD | COL_WIDE},
        {"headroom", "H", COL_RATIO | COL_WIDE},
        {"d", NULL, COL_RATIO},
        {"geodep", "GeoDep", COL_INT | COL_WIDE},
        {"geodep_persistent", "persist", COL_INT | COL_WIDE},
        {"critical", "crit", COL_INT},
        {"score", NULL, COL_RATIO},
        {"description", NULL, COL_STR},
    };
    char title[1024];
    cli_country_names who;
    cli_name_country(s, r->importer, &who);
    if (r->on >= 0) {
        cli_country_names on;
        cli_name_country(s, r->on, &on);
        snprintf(title, sizeof title, "Products %s buys from %s in %d, by %s's share",
                 who.label, on.label, r->year, on.label);
    } else {
        snprintf(title, sizeof title, "Products where %s depends on its top supplier in %d",
                 who.label, r->year);
    }
    /* --measure quantity: the same columns, each amount in tonnes under its own name */
    static const struct {
        const char *usd, *name, *title;
    } in_tonnes[] = {{"imports", "imports_t", "M(B,k) t"},
                     {"exports", "exports_t", "X(B,k) t"},
                     {"supplier_value", "supplier_t", "q(A->B,k) t"},
                     {"alt_supply", "alt_supply_t", "A(A,B,k) t"}};
    enum { NCOLS = sizeof cols / sizeof cols[0] };
    out_col shown[NCOLS];
    memcpy(shown, cols, sizeof cols);
    if (r->measure == LEVER_MEASURE_QUANTITY)
        for (int c = 0; c < NCOLS; c++)
            for (size_t k = 0; k < sizeof in_tonnes / sizeof in_tonnes[0]; k++)
                if (strcmp(cols[c].name, in_tonnes[k].usd) == 0)
                    shown[c] = (out_col){in_tonnes[k].name, in_tonnes[k].title,
                                         (col_type)(COL_RATIO | (cols[c].type & COL_WIDE))};
    out_table *t = out_doc_table(d, "products", title, NCOLS, shown);
    for (size_t n = 0; n < r->n; n++) {
        const lever_depend_row *row = &r->rows[n];
        lever_product p;
        lever_product_at(s, row->product, &p);
        out_int(t, (int64_t)n + 1);
        out_hs6(t, p.hs6);
        out_amount(t, r, row->imports);
        out_double(t, row->import_share);
        out_amount(t, r, row->exports);
        out_double(t, row->net_import);
        cli_out_country(t, s, row->supplier);
        out_amount(t, r, row->supplier_value);
        out_double(t, row->supplier_share);
        out_double(t, row->hhi);
        out_double(t, row->hhi_star);
        out_str(t, row->hhi_level);
        out_int(t, row->n_suppliers);
        out_double(t, row->hhi_world);
        out_amount(t, r, row->alt_supply);
        out_double(t, row->headroom);
        out_double(t, row->d);
        out_int(t, row->geodep);
        if (row->geodep_persistent < 0)
            out_null(t);
        else
            out_int(t, row->geodep_persistent);
        out_int(t, row->critical);
        out_double(t, row->score);
        out_str(t, p.description);
    }
}

static void add_alternatives_table(out_doc *d, const lever_store *s, const lever_depend_result *r)
{
    static const out_col tonnes[] = {
        {"rank", "#", COL_INT},
        {"hs6", "HS6", COL_HS6},
        {"supplier", "A", COL_STR},
        {"alternative", "alt", COL_INT},
        {"country", "m", COL_STR},
        {"country_code", "code", COL_INT | COL_WIDE},
        {"exports_t", "X(m,k) t", COL_RATIO | COL_WIDE},
        {"world_share", "w(m,k)", COL_SHARE},
        {"name", NULL, COL_STR},
    };
    static const out_col cols[] = {
        {"rank", "#", COL_INT},
        {"hs6", "HS6", COL_HS6},
        {"supplier", "A", COL_STR},
        {"alternative", "alt", COL_INT},
        {"country", "m", COL_STR},
        {"country_code", "code", COL_INT | COL_WIDE},
        {"exports", "X(m,k)", COL_USD},
        {"world_share", "w(m,k)", COL_SHARE},
        {"name", NULL, COL_STR},
    };
    out_table *t = out_doc_table(d, "alternatives",
                                 "Largest alternative suppliers of each product (m other than "
                                 "A and B), by exports X(m,k)",
                                 (int)(sizeof cols / sizeof cols[0]),
                                 r->measure == LEVER_MEASURE_QUANTITY ? tonnes : cols);
    for (size_t n = 0; n < r->n; n++) {
        const lever_depend_row *row = &r->rows[n];
        lever_product p;
        cli_country_names supplier;
        lever_product_at(s, row->product, &p);
        cli_name_country(s, row->supplier, &supplier);
        for (int a = 0; a < row->n_alternatives; a++) {
            const lever_partner_value *alt = &row->alternatives[a];
            lever_country c;
            lever_country_at(s, alt->country, &c);
            out_int(t, (int64_t)n + 1);
            out_hs6(t, p.hs6);
            out_str(t, supplier.code);
            out_int(t, a + 1);
            cli_out_country(t, s, alt->country);
            out_amount(t, r, alt->value);
            out_double(t, alt->share);
            out_str(t, c.name);
        }
    }
}

/* One supplier of a listed product, for the suppliers table. */
typedef struct listed_supplier {
    int rank; /* of the product in the products table */
    lever_product_flow flow;
} listed_supplier;

/* Every supplier of every listed product, in the products' order, each product's largest
 * first (lever_suppliers). Returns a malloc'd array, NULL when out of memory or a query
 * fails (the message is printed). */
static listed_supplier *gather_suppliers(lever_store *s, const lever_depend_result *r,
                                         size_t *n_out)
{
    size_t n = 0, cap = 64;
    listed_supplier *list = malloc(cap * sizeof *list);
    lever_query yq = {.year_from = r->year, .year_to = r->year};
    for (size_t p = 0; list && p < r->n; p++) {
        lever_suppliers_result *sup = NULL;
        lever_error err;
        if (lever_suppliers(s, r->importer, r->rows[p].product, &yq, &sup, &err) != LEVER_OK) {
            cli_error("depend: %s", err.message);
            free(list);
            return NULL;
        }
        for (size_t f = 0; f < sup->n && list; f++) {
            if (n == cap) {
                listed_supplier *grown = realloc(list, 2 * cap * sizeof *grown);
                if (!grown) {
                    free(list);
                    list = NULL;
                    break;
                }
                list = grown;
                cap *= 2;
            }
            list[n++] = (listed_supplier){(int)p + 1, sup->flows[f]};
        }
        lever_suppliers_free(sup);
    }
    if (!list) {
        cli_error("out of memory");
        return NULL;
    }
    *n_out = n;
    return list;
}

/* With --product: every supplier of each listed product, largest first. */
static int add_suppliers_table(out_doc *d, lever_store *s, const cli_query *cq,
                               const lever_depend_result *r)
{
    static const out_col cols[] = {
        {"rank", "#", COL_INT},
        {"hs6", "HS6", COL_HS6},
        {"country", "i", COL_STR},
        {"country_code", "code", COL_INT | COL_WIDE},
        {"value", "v(i->B,k)", COL_USD},
        {"supplier_share", "s(i->B,k)", COL_SHARE},
        {"dest_share", "e(i->B,k)", COL_SHARE},
        {"name", NULL, COL_STR},
    };
    size_t n = 0;
    listed_supplier *list = gather_suppliers(s, r, &n);
    if (!list)
        return EXIT_ERROR;
    out_table *t = out_doc_table(d, "suppliers",
                                 "Every supplier i of each listed product, largest first",
                                 (int)(sizeof cols / sizeof cols[0]), cols);
    for (size_t m = 0; m < n; m++) {
        const lever_product_flow *f = &list[m].flow;
        lever_product p;
        lever_country c;
        lever_product_at(s, f->product, &p);
        lever_country_at(s, f->exporter, &c);
        out_int(t, list[m].rank);
        out_hs6(t, p.hs6);
        cli_out_country(t, s, f->exporter);
        out_u64(t, f->value);
        out_double(t, f->supplier_share);
        out_double(t, f->dest_share);
        out_str(t, c.name);
    }
    free(list);
    return EXIT_OK;
}

/* Runs the query and prints it; cq is open. */
static int run_depend(cli_query *cq, const char *importer_name, const char *on_name)
{
    lever_store *s = cq->store;
    int importer, on = -1;
    if (!cli_country(s, importer_name, &importer))
        return EXIT_ERROR;
    if (on_name && !cli_country(s, on_name, &on))
        return EXIT_ERROR;
    lever_depend_result *r = NULL;
    lever_error err;
    if (lever_depend(s, importer, on, &cq->q, (int)cq->top, &r, &err) != LEVER_OK) {
        cli_error("depend: %s", err.message);
        return EXIT_ERROR;
    }
    char alt[600];
    cli_country_names who, supplier;
    cli_name_country(s, importer, &who);
    out_doc *d;
    if (on >= 0) {
        cli_name_country(s, on, &supplier);
        d = cli_doc_new(s, "How %s depends on %s, %d", who.label, supplier.label, r->year);
    } else {
        d = cli_doc_new(s, "Where %s depends on imports, %d", who.label, r->year);
    }
    out_doc_meta(d, "importer", "%s", who.label);
    if (on >= 0)
        out_doc_meta(d, "supplier", "%s", supplier.label);
    out_doc_meta(d, "year", "%d", r->year);
    out_doc_meta(d, "products", "%s", lever_selection_label(cq->q.products));
    alternatives_label(s, &cq->q, alt, sizeof alt);
    out_doc_meta(d, "alternatives", "%s", alt);
    out_doc_meta(d, "ranked by", "%s",
                 on >= 0 ? "s(A->B,k), the supplier's share" : "score = M(B,k)/M(B) x s x d");
    if (r->measure == LEVER_MEASURE_QUANTITY) {
        out_doc_meta(d, "measure", "quantity: amounts in tonnes, each flow's quantity times its "
                                   "product's group factor; shares, HHI and the ranking of "
                                   "tonnes");
        out_doc_meta(d, "quantities", "%llu of %s's import flows of the selected products had "
                                      "no quantity and were left out",
                     (unsigned long long)r->flows_without_qty, who.code);
        out_doc_meta(d, "units", "tonnes; shares and ratios as fractions");
    } else {
        out_doc_meta(d, "units", "values USD; shares and ratios as fractions");
    }
    bool partial = cli_needs(d, s, r->year, importer, LEVER_HOLDS_IMPORTS | LEVER_HOLDS_EXPORTS,
                             "M(B), M(B,k), X(B,k), the shares s and HHI_M");
    partial |= cli_needs(d, s, r->year, -1, 0,
                         "the world's exports X(m,k), w(m,k), HHI_W, e(i->B,k) and the "
                         "alternative suppliers");
    if (r->n == 0 && r->measure == LEVER_MEASURE_QUANTITY && r->flows_without_qty)
        out_doc_meta(d, "note", "%s's imports of the selected products%s in %d have no "
                                "quantity (--measure value shows them)",
                     who.label, on >= 0 ? " from this supplier" : "", r->year);
    else if (r->n == 0)
        out_doc_meta(d, "note", "%s imports none of the selected products%s in %d%s", who.label,
                     on >= 0 ? " from this supplier" : "", r->year,
                     partial ? " in the flows this store holds" : "");
    add_products_table(d, s, r);
    add_alternatives_table(d, s, r);
    int rc = cq->product && r->measure == LEVER_MEASURE_VALUE ? add_suppliers_table(d, s, cq, r)
                                                              : EXIT_OK;
    lever_depend_free(r);
    if (rc != EXIT_OK) {
        out_doc_free(d);
        return rc;
    }
    rc = out_doc_print(d, cq->fmt);
    return rc == EXIT_OK && partial ? EXIT_UNCOVERED : rc;
}

int cmd_depend(int argc, char **argv)
{
    cli_query cq = {.top = DEFAULT_TOP};
    const char *on = NULL;
    const cli_option options[] = {
        CLI_STRING(0, "on", "A", "the supplier to look at (default: each product's largest)",
                   &on),
        CLI_OPT_END,
    };
    char **args;
    int n = cli_query_parse(&spec, options, &cq, argc, argv, &args);
    int rc = n < 0 ? cli_parse_exit(n) : run_depend(&cq, args[0], on);
    cli_query_close(&cq);
    return rc;
}
