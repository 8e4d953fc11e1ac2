/*
 * cmd_dyad.c - lever dyad A B: the trade between two countries, year by year
 * (X(A->B), X(B->A), total, balance, growth), the CAGR of the total, and the top
 * products each way with the shares and concentration that say how much each
 * flow matters to the importer (docs/commands/dyad.md). Thin: lever_dyad()
 * computes, this file names the columns.
 */
#include "cli.h"

#include <math.h>
#include <string.h>

#define DEFAULT_TOP 10

static const cli_spec spec = {
    .name = "dyad",
    .usage = {"A B [--years Y0-Y1 | --year T] [--product P [--hs HSxx]] [--top N] [options]",
              "A B --product GROUP --measure quantity [--events FILE] [options]",
              "A B --store STORE --store STORE ... [any option above]"},
    .about =
        "Trade between countries A and B: per year the value A exported to B, B to A,\n"
        "their total and balance with growth over the previous year, the yearly growth\n"
        "(CAGR) of the total over the range, and each way the top products by value\n"
        "with their quantity, unit value, the exporter's share of the importer's\n"
        "imports of the product (supplier share s), the share of the exporter's sales\n"
        "of the product going to the importer (destination share e), and how\n"
        "concentrated the importer's suppliers of the product are (HHI_M and their\n"
        "number N). Values in USD, quantities in kg. With --measure quantity the year\n"
        "table is in tonnes, each product's quantity times its group factor (wheat\n"
        "counts flour as grain x1.33), and counts the flows without a quantity.\n"
        "With --events FILE, the events of A or B are shown beside their years.\n",
    .arguments = "A and B: ISO3 code, numeric code or name (see 'lever country').\n",
    .examples = {"lever dyad KAZ AFG --years 2019-2021", "lever dyad FRA DZA --product 1001 --top 5",
                 "lever dyad france algeria --year 2021 --format json",
                 "lever dyad KAZ AFG --source mirror --cif-rate 0.05",
                 "lever dyad KAZ AFG --years 2015-2024 --store baci.store --store comtrade.store"},
    .notes = "Figures the store does not hold (flows outside an extract's countries, a year\n"
             "the chosen side of a Comtrade store did not declare) are empty, never 0; stderr\n"
             "says which, and the exit status is 3.\n"
             "With several --store, each year comes from the best store holding it (one\n"
             "holding both directions, BACI before Comtrade, then the first given), labelled\n"
             "per year; the years several stores hold are compared side by side, and the top\n"
             "products of each store holding a year are listed. --product is read in the\n"
             "first store's HS edition (or --hs) and mapped to each store's edition; when the\n"
             "codes do not match one to one, a note says which codes the figures cover.\n",
    .min_args = 2,
    .max_args = 2,
    .args_name = "two countries A and B",
    .query = CLI_Q_QUERY | CLI_Q_YEARS | CLI_Q_YEAR | CLI_Q_SOURCE | CLI_Q_MEASURE |
             CLI_Q_STORES,
    .top_help = "products listed per year and direction; 0 = none",
};

/* "Kazakhstan (KAZ, 398)" for the metadata: the label with the numeric code put inside
 * its parentheses, beside the ISO3 (a label without ISO3 already shows the numeric code). */
static void full_label(const lever_store *s, int c, const cli_country_names *n, char *buf,
                       size_t len)
{
    lever_country k;
    lever_country_at(s, c, &k);
    if (k.iso3[0])
        snprintf(buf, len, "%.*s, %d)", (int)strlen(n->label) - 1, n->label, k.code);
    else
        snprintf(buf, len, "%s", n->label);
}

/* A figure the store holds, or an empty cell. */
static void held_u64(out_table *t, bool held, uint64_t v)
{
    if (held)
        out_u64(t, v);
    else
        out_null(t);
}

static void held_double(out_table *t, bool held, double v)
{
    out_double(t, held ? v : NAN);
}

static void add_year_table(out_doc *d, const lever_store *s, const lever_dyad_result *r,
                           const cli_country_names *a, const cli_country_names *b,
                           const lever_events *ev)
{
    char ab[64], ba[64], gab[80], gba[80], vab[80], vba[80], title[1024];
    snprintf(ab, sizeof ab, "%s->%s", a->code, b->code);
    snprintf(ba, sizeof ba, "%s->%s", b->code, a->code);
    snprintf(gab, sizeof gab, "growth %s", ab);
    snprintf(gba, sizeof gba, "growth %s", ba);
    snprintf(vab, sizeof vab, "valued %s", ab);
    snprintf(vba, sizeof vba, "valued %s", ba);
    const out_col cols[] = {
        {"year", NULL, COL_INT},
        {"a_to_b", ab, COL_USD},
        {"b_to_a", ba, COL_USD},
        {"total", NULL, COL_USD},
        {"balance", "balance A-B", COL_USD},
        {"growth_a_to_b", gab, COL_SHARE | COL_WIDE},
        {"growth_b_to_a", gba, COL_SHARE | COL_WIDE},
        {"growth_total", "growth total", COL_SHARE},
        {"source", NULL, COL_STR},
        {"valuation_a_to_b", vab, COL_STR | COL_WIDE},
        {"valuation_b_to_a", vba, COL_STR | COL_WIDE},
        {"events", NULL, COL_STR},
    };
    snprintf(title, sizeof title, "By year, USD: A = %s, B = %s", a->label, b->label);
    int ncols = (int)(sizeof cols / sizeof cols[0]) - (ev ? 0 : 1);
    out_table *t = out_doc_table(d, "years", title, ncols, cols);
    for (int n = 0; n < r->n_years; n++) {
        const lever_dyad_year *y = &r->years[n];
        bool ok_ab = y->covered_a_to_b, ok_ba = y->covered_b_to_a, both = ok_ab && ok_ba;
        bool prev = n > 0 && r->years[n - 1].covered_a_to_b && r->years[n - 1].covered_b_to_a;
        out_int(t, y->year);
        held_u64(t, ok_ab, y->a_to_b);
        held_u64(t, ok_ba, y->b_to_a);
        held_u64(t, both, y->total);
        if (both)
            out_usd(t, y->balance);
        else
            out_null(t);
        held_double(t, ok_ab && n > 0 && r->years[n - 1].covered_a_to_b, y->growth_a_to_b);
        held_double(t, ok_ba && n > 0 && r->years[n - 1].covered_b_to_a, y->growth_b_to_a);
        held_double(t, both && prev, y->growth_total);
        char label[64];
        out_str(t, out_source_label(s, y->year, y->source, label, sizeof label));
        out_str(t, y->valuation_a_to_b);
        out_str(t, y->valuation_b_to_a);
        if (ev)
            cli_events_cell(t, s, ev, r->a, r->b, y->year);
    }
}

/* --measure quantity: the year table in tonnes, with the flows left out for want of one. */
static void add_quantity_table(out_doc *d, const lever_store *s, const lever_dyad_result *r,
                               const cli_country_names *a, const cli_country_names *b,
                               const lever_events *ev)
{
    char ab[64], ba[64], nab[96], nba[96], title[1024];
    snprintf(ab, sizeof ab, "%s->%s t", a->code, b->code);
    snprintf(ba, sizeof ba, "%s->%s t", b->code, a->code);
    snprintf(nab, sizeof nab, "%s->%s flows without qty", a->code, b->code);
    snprintf(nba, sizeof nba, "%s->%s flows without qty", b->code, a->code);
    const out_col cols[] = {
        {"year", NULL, COL_INT},
        {"a_to_b_t", ab, COL_RATIO},
        {"b_to_a_t", ba, COL_RATIO},
        {"total_t", "total t", COL_RATIO},
        {"no_qty_a_to_b", nab, COL_INT | COL_WIDE},
        {"no_qty_b_to_a", nba, COL_INT | COL_WIDE},
        {"events", NULL, COL_STR},
    };
    snprintf(title, sizeof title, "By year, tonnes (group factors applied): A = %s, B = %s",
             a->label, b->label);
    int ncols = (int)(sizeof cols / sizeof cols[0]) - (ev ? 0 : 1);
    out_table *t = out_doc_table(d, "years", title, ncols, cols);
    for (int n = 0; n < r->n_years; n++) {
        const lever_dyad_year *y = &r->years[n];
        out_int(t, y->year);
        out_double(t, y->qty_a_to_b / 1000.0);
        out_double(t, y->qty_b_to_a / 1000.0);
        out_double(t, (y->qty_a_to_b + y->qty_b_to_a) / 1000.0);
        out_int(t, (int64_t)y->no_qty_a_to_b);
        out_int(t, (int64_t)y->no_qty_b_to_a);
        if (ev)
            cli_events_cell(t, s, ev, r->a, r->b, y->year);
    }
}

/* A Comtrade store: what each country declared of each direction, and the discrepancy. */
static void add_declarations_table(out_doc *d, const lever_dyad_result *r,
                                   const cli_country_names *a, const cli_country_names *b)
{
    char xab[80], mab[80], dab[80], xba[80], mba[80], dba[80];
    snprintf(xab, sizeof xab, "X %s->%s by %s", a->code, b->code, a->code);
    snprintf(mab, sizeof mab, "M %s<-%s by %s", b->code, a->code, b->code);
    snprintf(dab, sizeof dab, "delta %s->%s", a->code, b->code);
    snprintf(xba, sizeof xba, "X %s->%s by %s", b->code, a->code, b->code);
    snprintf(mba, sizeof mba, "M %s<-%s by %s", a->code, b->code, a->code);
    snprintf(dba, sizeof dba, "delta %s->%s", b->code, a->code);
    const out_col cols[] = {
        {"year", NULL, COL_INT},
        {"x_decl_a_to_b", xab, COL_USD}, {"m_decl_a_to_b", mab, COL_USD},
        {"delta_a_to_b", dab, COL_RATIO},
        {"x_decl_b_to_a", xba, COL_USD}, {"m_decl_b_to_a", mba, COL_USD},
        {"delta_b_to_a", dba, COL_RATIO},
    };
    out_table *t = out_doc_table(d, "declarations",
                                 "Both declarations of each flow, USD (X: FOB by the exporter, M: "
                                 "CIF by the importer; empty: not declared); delta = (M - X) / "
                                 "max(M, X)",
                                 (int)(sizeof cols / sizeof cols[0]), cols);
    for (int n = 0; n < r->n_years; n++) {
        const lever_dyad_year *y = &r->years[n];
        out_int(t, y->year);
        held_u64(t, y->x_decl_a_to_b != LEVER_NO_DECLARATION, y->x_decl_a_to_b);
        held_u64(t, y->m_decl_a_to_b != LEVER_NO_DECLARATION, y->m_decl_a_to_b);
        out_double(t, y->delta_a_to_b);
        held_u64(t, y->x_decl_b_to_a != LEVER_NO_DECLARATION, y->x_decl_b_to_a);
        held_u64(t, y->m_decl_b_to_a != LEVER_NO_DECLARATION, y->m_decl_b_to_a);
        out_double(t, y->delta_b_to_a);
    }
}

/* Says on stderr which figures the store does not hold; true when some are missing. */
static bool report_coverage(out_doc *d, const lever_store *s, const lever_dyad_result *r,
                            const cli_country_names *na, const cli_country_names *nb)
{
    bool missing = false;
    for (int n = 0; n < r->n_years; n++) {
        const lever_dyad_year *y = &r->years[n];
        int yi = lever_year_index(s, y->year);
        for (int dir = 0; dir < 2; dir++) {
            if (dir ? y->covered_b_to_a : y->covered_a_to_b)
                continue;
            missing = true;
            int i = dir ? r->b : r->a, j = dir ? r->a : r->b;
            char note[1024];
            if (!lever_coverage_note(s, yi, i, j, note, sizeof note)) {
                if (out_doc_meta_append(d, "coverage", note))
                    cli_error("%s", note);
                continue;
            }
            bool reported = strcmp(y->source, "reported") == 0;
            const cli_country_names *declarer = reported ? na : nb, *other = reported ? nb : na;
            snprintf(note, sizeof note,
                     "%s declared no %s in %d: the %s figure of %s->%s is empty; --source %s "
                     "gives %s's declaration",
                     declarer->code, reported == (dir == 0) ? "exports" : "imports", y->year,
                     y->source, dir ? nb->code : na->code, dir ? na->code : nb->code,
                     reported ? "mirror" : "reported", other->code);
            if (out_doc_meta_append(d, "coverage", note))
                cli_error("%s", note);
        }
    }
    return missing;
}

static void add_summary_table(out_doc *d, const lever_dyad_result *r)
{
    static const out_col cols[] = {
        {"year_from", "from", COL_INT},
        {"year_to", "to", COL_INT},
        {"cagr_total", "CAGR of total", COL_SHARE},
    };
    out_table *t = out_doc_table(d, "summary", "Yearly growth of the total (CAGR)", 3, cols);
    out_int(t, r->years[0].year);
    out_int(t, r->years[r->n_years - 1].year);
    out_double(t, r->cagr_total);
}

/* The table of the top products one way ("a_to_b" or "b_to_a"); with stores (lever dyad
 * over several stores), each row names its store and whether that store's figures are the
 * ones the year uses, and the source column shows at any width. */
out_table *dyad_product_table(out_doc *d, const char *name, const cli_country_names *from,
                              const cli_country_names *to, int top, bool quantity, bool stores)
{
    /* --measure quantity: ranked by tonnes (factors applied), shares and HHI of tonnes */
    const out_col tonnes[] = {
        {"year", NULL, COL_INT},
        {"store", NULL, COL_INT},
        {"used", NULL, COL_INT},
        {"rank", "#", COL_INT},
        {"hs6", "HS6", COL_HS6},
        {"value", "value USD", COL_USD | COL_WIDE},
        {"qty_kg", "qty kg", COL_KG | COL_WIDE},
        {"unit_value", "USD/kg", COL_RATIO | COL_WIDE},
        {"unit_value_flag", "uv flag", COL_INT | COL_WIDE},
        {"qty_t", "t x factor", COL_RATIO},
        {"supplier_share_qty", "s(i->j,k) t", COL_SHARE},
        {"dest_share_qty", "e(i->j,k) t", COL_SHARE},
        {"hhi_qty", "HHI_M(j,k) t", COL_RATIO},
        {"n_suppliers_qty", "N", COL_INT | COL_WIDE},
        {"source", NULL, COL_STR | (stores ? 0 : COL_WIDE)},
        {"description", NULL, COL_STR},
    };
    const out_col values[] = {
        {"year", NULL, COL_INT},
        {"store", NULL, COL_INT},
        {"used", NULL, COL_INT},
        {"rank", "#", COL_INT},
        {"hs6", "HS6", COL_HS6},
        {"value", "value USD", COL_USD},
        {"qty_kg", "qty kg", COL_KG | COL_WIDE},
        {"unit_value", "USD/kg", COL_RATIO | COL_WIDE},
        {"unit_value_flag", "uv flag", COL_INT | COL_WIDE},
        {"supplier_share", "s(i->j,k)", COL_SHARE},
        {"dest_share", "e(i->j,k)", COL_SHARE},
        {"hhi", "HHI_M(j,k)", COL_RATIO},
        {"n_suppliers", "N", COL_INT | COL_WIDE},
        {"source", NULL, COL_STR | (stores ? 0 : COL_WIDE)},
        {"description", NULL, COL_STR},
    };
    /* without stores, the columns store and used are left out */
    out_col cols[16];
    int n = 0, all = quantity ? (int)(sizeof tonnes / sizeof tonnes[0])
                              : (int)(sizeof values / sizeof values[0]);
    for (int c = 0; c < all; c++)
        if (stores || c < 1 || c > 2)
            cols[n++] = quantity ? tonnes[c] : values[c];
    char title[1024];
    snprintf(title, sizeof title, "Top %d product%s %s -> %s (i = %s, j = %s)%s%s", top,
             top == 1 ? "" : "s", from->label, to->label, from->code, to->code,
             quantity ? ", by tonnes" : "", stores ? ", from each store holding the year" : "");
    return out_doc_table(d, name, title, n, cols);
}

void dyad_product_rows(out_table *t, const lever_store *s, bool quantity,
                       const lever_product_flow *flows, size_t n_flows, int year, int store,
                       bool used)
{
    int rank = 0;
    for (size_t n = 0; n < n_flows; n++) {
        const lever_product_flow *f = &flows[n];
        rank = n > 0 && flows[n - 1].year == f->year ? rank + 1 : 1;
        if (year && f->year != year)
            continue;
        lever_product p;
        lever_product_at(s, f->product, &p);
        out_int(t, f->year);
        if (store) {
            out_int(t, store);
            out_int(t, used);
        }
        out_int(t, rank);
        out_hs6(t, p.hs6);
        out_u64(t, f->value);
        out_kg(t, f->qty_kg);
        out_double(t, f->unit_value);
        out_int(t, f->unit_value_flag);
        if (quantity) {
            if (f->qty_factor_kg == LEVER_QTY_MISSING)
                out_null(t);
            else
                out_double(t, (double)f->qty_factor_kg / 1000.0);
        }
        out_double(t, f->supplier_share);
        out_double(t, f->dest_share);
        out_double(t, f->hhi);
        out_int(t, f->n_suppliers);
        char label[64];
        out_str(t, out_source_label(s, f->year, f->source, label, sizeof label));
        out_str(t, p.description);
    }
}

/* Runs the query and prints it; cq is open (store, selection, years resolved). */
static int run_dyad_events(cli_query *cq, const char *query_a, const char *query_b,
                           const lever_events *ev, bool quantity)
{
    lever_store *s = cq->store;
    int a, b;
    if (!cli_country(s, query_a, &a) || !cli_country(s, query_b, &b))
        return EXIT_ERROR;
    lever_dyad_result *r = NULL;
    lever_error err;
    if (lever_dyad_from(s, a, b, &cq->q, (int)cq->top, cq->source_value, cq->cif_ppm, &r,
                        &err) != LEVER_OK)
        return cli_fail(&err);
    cli_country_names na, nb;
    char full_a[320], full_b[320];
    cli_name_country(s, a, &na);
    cli_name_country(s, b, &nb);
    full_label(s, a, &na, full_a, sizeof full_a);
    full_label(s, b, &nb, full_b, sizeof full_b);
    out_doc *d = cli_doc_new(s, "Trade between %s and %s", na.label, nb.label);
    out_doc_meta(d, "a", "%s", full_a);
    out_doc_meta(d, "b", "%s", full_b);
    cli_meta_years(d, r->years[0].year, r->years[r->n_years - 1].year);
    out_doc_meta(d, "products", "%s", lever_selection_label(cq->selection));
    if (cq->product_note[0])
        out_doc_meta(d, "hs_mapping", "%s", cq->product_note);
    out_doc_meta(d, "units", "values USD, quantities kg, unit values USD/kg");
    lever_info info;
    lever_get_info(s, &info);
    if (info.comtrade)
        out_doc_meta(d, "cif_rate", "%u.%06u: import declarations standing for a flow %s",
                     cq->cif_ppm / 1000000u, cq->cif_ppm % 1000000u,
                     cq->cif_ppm ? "are divided by 1 + this rate (FOB from CIF)"
                                 : "are kept as declared (CIF)");
    if (quantity) {
        out_doc_meta(d, "measure", "quantity: the year table in tonnes, each flow's quantity "
                                   "times its product's group factor; the top products "
                                   "ranked by those tonnes, with s, e and HHI_M of tonnes");
        add_quantity_table(d, s, r, &na, &nb, ev);
    } else {
        add_year_table(d, s, r, &na, &nb, ev);
    }
    if (info.comtrade)
        add_declarations_table(d, r, &na, &nb);
    if (!quantity)
        add_summary_table(d, r);
    if (ev)
        cli_events_table(d, s, ev, a, b, r->years[0].year, r->years[r->n_years - 1].year);
    if (cq->top > 0) {
        out_table *t = dyad_product_table(d, "a_to_b", &na, &nb, (int)cq->top, quantity, false);
        dyad_product_rows(t, s, quantity, r->a_to_b, r->n_a_to_b, 0, 0, false);
        t = dyad_product_table(d, "b_to_a", &nb, &na, (int)cq->top, quantity, false);
        dyad_product_rows(t, s, quantity, r->b_to_a, r->n_b_to_a, 0, 0, false);
    }
    bool missing = report_coverage(d, s, r, &na, &nb);
    lever_dyad_free(r);
    int rc = out_doc_print(d, cq->fmt);
    return rc == EXIT_OK && missing ? EXIT_UNCOVERED : rc;
}

static int run_dyad(cli_query *cq, const char *query_a, const char *query_b,
                    const char *events_file, bool quantity)
{
    int rc;
    lever_events *ev = cli_events_load(events_file, &rc);
    if (rc != EXIT_OK)
        return rc;
    rc = run_dyad_events(cq, query_a, query_b, ev, quantity);
    lever_events_free(ev);
    return rc;
}

/* --hs: one of the HS editions, kept as given. */
static const char *parse_edition(const char *arg, void *value)
{
    static const char *const editions[] = {"HS92", "HS96", "HS02", "HS07", "HS12", "HS17",
                                           "HS22"};
    for (size_t n = 0; n < sizeof editions / sizeof editions[0]; n++)
        if (strcmp(arg, editions[n]) == 0) {
            *(const char **)value = editions[n];
            return NULL;
        }
    return "an HS edition: HS92, HS96, HS02, HS07, HS12, HS17 or HS22";
}

int cmd_dyad(int argc, char **argv)
{
    cli_query cq = {.top = DEFAULT_TOP};
    const char *events_file = NULL;
    const cli_option options[] = {
        CLI_STRING(0, "events", "FILE",
                   "dated events (CSV date,countries,label,source) of A or B shown\n"
                   "beside the years, with a table of their sources",
                   &events_file),
        CLI_CALLBACK(0, "hs", "HSxx",
                     "the HS edition --product is read in (default: the first store's);\n"
                     "a store of another edition reads it through UNSD's correlation tables",
                     &cq.product_hs, parse_edition),
        CLI_OPT_END,
    };
    char **args;
    int n = cli_query_parse(&spec, options, &cq, argc, argv, &args);
    int rc;
    if (n < 0)
        rc = cli_parse_exit(n);
    else if (cq.product_hs && !cq.product)
        rc = cli_usage(&spec, "--hs says which HS edition --product is read in: give --product");
    else if (cq.stores.n > 1)
        rc = dyad_over_stores(&cq, args[0], args[1], events_file);
    else
        rc = run_dyad(&cq, args[0], args[1], events_file, cq.quantity);
    cli_query_close(&cq);
    return rc;
}
