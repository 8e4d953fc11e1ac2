/*
 * cmd_chains.c - lever chains B --product P: the shares by origin of B's imports of a
 * processed product, counting the origin of the input the processors grind (INDICATORS.md
 * section 10, docs/commands/chains.md): Kazakhstan's share of Afghan flour with and
 * without the Uzbek mills. Thin: lever_chains() computes; this file picks the chain
 * (built-in, --chains FILE, or --input/--factor), loads --production, and names columns.
 */
#include "cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_TOP 20

static const cli_spec spec = {
    .name = "chains",
    .usage = {"B --product P [--input PREFIX --factor F] [--chains FILE] [options]",
              "B --product P [--production FILE] [--measure value|quantity] [options]"},
    .about =
        "Who B's imports of a processed product P come from once the processors'\n"
        "inputs are traced back: each supplier m of P to B grinds a share gamma(m) of\n"
        "imported input (its imports over imports plus production, in tonnes), so\n"
        "the share by origin s°(A) = s(A->B)(1 - gamma(A)) + sum over m of\n"
        "s(m->B) gamma(m) s(A->m, input). Without production figures gamma is\n"
        "unknown and both bounds are shown: gamma = 0 (mills grind their own crop)\n"
        "and gamma = 1 (mills that import the input grind only imports). With the\n"
        "origin concentration HHI° and the GeoDep and critical-dependence screens.\n"
        "Built-in chain: wheat 1001 -> flour 1101, 1.33 kg of grain per kg of flour.\n",
    .arguments = "B: ISO3 code, numeric code or name (see 'lever country').\n",
    .examples = {"lever chains AFG --product 1101",
                 "lever chains AFG --product 1101 --production wheat.csv --measure quantity",
                 "lever chains DEU --product 1701 --input 1701 --factor 1"},
    .min_args = 1,
    .max_args = 1,
    .args_name = "one importer B",
    .query = CLI_Q_LOOKUP | CLI_Q_YEAR | CLI_Q_TOP | CLI_Q_MEASURE,
    .top_help = "origins listed; 0 = all",
};

typedef struct chains_opts {
    const char *product, *input, *chains_file, *production_file;
    double factor;
    bool factor_given;
} chains_opts;

/* The chain that makes the product: given by --input, else the first chain of the file (or
 * the built-in one) whose output is the product or a prefix of it. */
static int pick_chain(const chains_opts *o, lever_chain *chain)
{
    if (o->input) {
        snprintf(chain->input, sizeof chain->input, "%s", o->input);
        snprintf(chain->output, sizeof chain->output, "%s", o->product);
        chain->factor = o->factor;
        return EXIT_OK;
    }
    lever_chain *chains = NULL;
    size_t n = 0;
    lever_error err;
    if (lever_chains_load(o->chains_file, &chains, &n, &err) != LEVER_OK)
        return cli_fail(&err);
    bool found = false;
    for (size_t k = 0; k < n && !found; k++)
        if (strncmp(o->product, chains[k].output, strlen(chains[k].output)) == 0) {
            *chain = chains[k];
            snprintf(chain->output, sizeof chain->output, "%s", o->product);
            found = true;
        }
    if (!found) {
        char list[512] = "";
        for (size_t k = 0; k < n && strlen(list) < 400; k++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s -> %s",
                     k ? ", " : "", chains[k].input, chains[k].output);
        free(chains);
        return cli_usage(&spec,
                         "no chain makes %s (chains: %s); give one with --input PREFIX "
                         "--factor F or --chains FILE",
                         o->product, list);
    }
    free(chains);
    return EXIT_OK;
}

static void add_concentration(out_doc *d, const lever_chains_result *r, const char *lo,
                              const char *hi)
{
    char h_lo[64], h_hi[64], l_lo[64], l_hi[64], g_lo[64], g_hi[64], n_lo[64], n_hi[64];
    snprintf(h_lo, sizeof h_lo, "HHI° %s", lo);
    snprintf(h_hi, sizeof h_hi, "HHI° %s", hi);
    snprintf(l_lo, sizeof l_lo, "level %s", lo);
    snprintf(l_hi, sizeof l_hi, "level %s", hi);
    snprintf(g_lo, sizeof g_lo, "GeoDep %s", lo);
    snprintf(g_hi, sizeof g_hi, "GeoDep %s", hi);
    snprintf(n_lo, sizeof n_lo, "origins %s", lo);
    snprintf(n_hi, sizeof n_hi, "origins %s", hi);
    const out_col cols[] = {
        {"imports", "M(B,k_out) USD", COL_USD},
        {"imports_kg", "M(B,k_out) kg", COL_KG},
        {"flows_without_qty", "B's flows without quantity", COL_INT},
        {"exports", "X(B,k_out) USD", COL_USD},
        {"net_import", "M/X", COL_RATIO},
        {"hhi_world", "HHI_W(k_out)", COL_RATIO},
        {"hhi_direct", "HHI_M(B,k_out)", COL_RATIO},
        {"hhi_origin_low", h_lo, COL_RATIO},
        {"level_low", l_lo, COL_STR},
        {"origins_low", n_lo, COL_INT},
        {"geodep_low", g_lo, COL_INT},
        {"hhi_origin_high", h_hi, COL_RATIO},
        {"level_high", l_hi, COL_STR},
        {"origins_high", n_hi, COL_INT},
        {"geodep_high", g_hi, COL_INT},
        {"input_flows_without_qty", "processors' input flows without quantity", COL_INT},
    };
    out_table *t = out_doc_table(d, "concentration", "B's imports and origin concentration",
                                 (int)(sizeof cols / sizeof cols[0]), cols);
    out_table_record(t);
    out_u64(t, r->imports);
    out_kg(t, r->imports_kg);
    out_int(t, (int64_t)r->flows_without_qty);
    out_u64(t, r->exports);
    out_double(t, r->net_import);
    out_double(t, r->hhi_world);
    out_double(t, r->hhi_direct);
    for (int bound = 0; bound < 2; bound++) {
        out_double(t, r->hhi_origin[bound]);
        out_str(t, r->level[bound]);
        out_int(t, r->n_origins_positive[bound]);
        out_int(t, r->geodep[bound]);
    }
    out_int(t, (int64_t)r->input_flows_without_qty);
}

static void add_origins(out_doc *d, const lever_store *s, const lever_chains_result *r,
                        long top, const char *lo, const char *hi)
{
    char s_lo[64], s_hi[64], t_lo[64], t_hi[64], c_lo[64], c_hi[64];
    snprintf(s_lo, sizeof s_lo, "s° %s", lo);
    snprintf(s_hi, sizeof s_hi, "s° %s", hi);
    snprintf(t_lo, sizeof t_lo, "input t %s", lo);
    snprintf(t_hi, sizeof t_hi, "input t %s", hi);
    snprintf(c_lo, sizeof c_lo, "crit %s", lo);
    snprintf(c_hi, sizeof c_hi, "crit %s", hi);
    const out_col cols[] = {
        {"rank", "#", COL_INT},
        {"origin", "A", COL_STR},
        {"code", NULL, COL_INT | COL_WIDE},
        {"direct_share", "s(A->B,k_out)", COL_SHARE},
        {"origin_share_low", s_lo, COL_SHARE},
        {"origin_share_high", s_hi, COL_SHARE},
        {"input_equivalent_low_t", t_lo, COL_RATIO | COL_WIDE},
        {"input_equivalent_high_t", t_hi, COL_RATIO | COL_WIDE},
        {"critical_low", c_lo, COL_INT},
        {"critical_high", c_hi, COL_INT},
        {"name", NULL, COL_STR},
    };
    out_table *t = out_doc_table(d, "origins", "Shares by origin s°(A->B,k_out)",
                                 (int)(sizeof cols / sizeof cols[0]), cols);
    out_table_main(t); /* the shares by origin: the answer */
    size_t n = top > 0 && (size_t)top < r->n_origins ? (size_t)top : r->n_origins;
    for (size_t k = 0; k < n; k++) {
        const lever_origin_row *o = &r->origins[k];
        lever_country c;
        lever_country_at(s, o->country, &c);
        out_int(t, (int64_t)k + 1);
        cli_out_country(t, s, o->country);
        out_double(t, o->direct);
        out_double(t, o->share_low);
        out_double(t, o->share_high);
        out_double(t, o->input_equivalent_low_t);
        out_double(t, o->input_equivalent_high_t);
        out_int(t, o->critical_low);
        out_int(t, o->critical_high);
        out_str(t, c.name);
    }
}

static void add_processors(out_doc *d, const lever_store *s, const lever_chains_result *r)
{
    static const out_col cols[] = {
        {"processor", "m", COL_STR},
        {"code", NULL, COL_INT | COL_WIDE},
        {"share", "s(m->B,k_out)", COL_SHARE},
        {"input_imports", "M(m,k_in) USD", COL_USD},
        {"input_imports_kg", "M(m,k_in) kg", COL_KG | COL_WIDE},
        {"input_flows_without_qty", "flows without quantity", COL_INT | COL_WIDE},
        {"production_t", "P(m,k_in) t", COL_RATIO | COL_WIDE},
        {"gamma_low", "gamma low", COL_RATIO},
        {"gamma_high", "gamma high", COL_RATIO},
        {"top_origin", "largest input origin", COL_STR},
        {"top_origin_share", "its share", COL_SHARE},
        {"name", NULL, COL_STR},
    };
    out_table *t = out_doc_table(d, "processors", "Suppliers m of k_out to B and their input",
                                 (int)(sizeof cols / sizeof cols[0]), cols);
    for (size_t k = 0; k < r->n_processors; k++) {
        const lever_processor_row *p = &r->processors[k];
        lever_country c;
        lever_country_at(s, p->country, &c);
        cli_out_country(t, s, p->country);
        out_double(t, p->share);
        out_u64(t, p->input_imports);
        out_kg(t, p->input_imports_kg);
        out_int(t, (int64_t)p->input_flows_without_qty);
        out_double(t, p->production_t);
        out_double(t, p->gamma_low);
        out_double(t, p->gamma_high);
        if (p->top_origin >= 0) {
            cli_country_names n;
            cli_name_country(s, p->top_origin, &n);
            out_str(t, n.code);
            out_double(t, p->top_origin_share);
        } else {
            out_str(t, "");
            out_null(t);
        }
        out_str(t, c.name);
    }
}

static int run_chains(cli_query *cq, const chains_opts *o, const lever_chain *chain,
                      const char *query_b, int measure)
{
    const lever_store *s = cq->store;
    int b;
    if (!cli_country(s, query_b, &b))
        return EXIT_ERROR;
    lever_production *prod = NULL;
    lever_error err;
    if (o->production_file &&
        lever_production_load(s, o->production_file, &prod, &err) != LEVER_OK)
        return cli_fail(&err);
    lever_chains_result *r = NULL;
    int rc = lever_chains(s, b, chain, prod, measure, &cq->q, &r, &err);
    lever_production_free(prod);
    if (rc != LEVER_OK)
        return cli_fail(&err);
    cli_country_names nb;
    cli_name_country(s, b, &nb);
    out_doc *d = cli_doc_new(s, "Shares by origin of %s's imports of %s, through processors",
                             nb.label, chain->output);
    out_doc_meta(d, "b", "%s", nb.label);
    cli_meta_years(d, r->year, r->year);
    out_doc_meta(d, "chain", "%s -> %s, factor %g kg of input per kg of output", chain->input,
                 chain->output, chain->factor);
    out_doc_meta(d, "measure", "%s",
                 measure ? "quantity: shares of kg; flows without a quantity are left out"
                         : "value: shares of USD");
    const char *lo = "gamma=0", *hi = "gamma=1";
    if (!o->production_file) {
        out_doc_meta(d, "gamma",
                     "unknown without --production: low bound gamma = 0 (every mill grinds its "
                     "own crop), high bound gamma = 1 for every processor that imports the "
                     "input (it grinds only imports)");
    } else if (r->gamma_known) {
        lo = "";
        hi = "";
        out_doc_meta(d, "gamma", "from %s for every processor: one figure, low = high",
                     o->production_file);
    } else {
        lo = "low";
        hi = "high";
        out_doc_meta(d, "gamma",
                     "from %s; processors without a production figure keep both bounds "
                     "(low gamma = 0, high gamma = 1)",
                     o->production_file);
    }
    out_doc_meta(d, "quantities",
                 "%llu flow%s of %s into B and %llu of the input into processors had no "
                 "quantity and were left out of kg and tonnes",
                 (unsigned long long)r->flows_without_qty, r->flows_without_qty == 1 ? "" : "s",
                 chain->output, (unsigned long long)r->input_flows_without_qty);
    bool partial = cli_needs(d, s, r->year, b, LEVER_HOLDS_IMPORTS,
                             "B's imports of the output and the shares s");
    partial |= cli_needs(d, s, r->year, -1, 0,
                         "the processors' imports and production of the input, and the shares "
                         "by origin");
    add_concentration(d, r, lo, hi);
    add_origins(d, s, r, cq->top, lo, hi);
    add_processors(d, s, r);
    lever_chains_free(r);
    rc = out_doc_print(d, cq->fmt);
    return rc == EXIT_OK && partial ? EXIT_UNCOVERED : rc;
}

/* An HS prefix of 2, 4 or 6 digits, for --product and --input. */
static const char *parse_prefix_option(const char *arg, void *value)
{
    size_t n = strlen(arg);
    if (n < 2 || n > 6 || n % 2 != 0 || strspn(arg, "0123456789") != n)
        return "an HS prefix of 2, 4 or 6 digits (1101)";
    *(const char **)value = arg;
    return NULL;
}

static const char *parse_factor(const char *arg, void *value)
{
    chains_opts *o = value;
    char *end = NULL;
    double f = strtod(arg, &end);
    if (!*arg || *end || !(f > 0) || !isfinite(f))
        return "a positive number (1.33)";
    o->factor = f;
    o->factor_given = true;
    return NULL;
}

static int run(cli_query *cq, const chains_opts *o, const char *query_b)
{
    if (!o->product)
        return cli_usage(&spec, "give the processed product with --product (e.g. --product 1101)");
    if (o->factor_given && !o->input)
        return cli_usage(&spec, "--factor goes with --input");
    lever_chain chain;
    int rc = pick_chain(o, &chain);
    if (rc != EXIT_OK)
        return rc;
    return run_chains(cq, o, &chain, query_b, cq->quantity ? LEVER_MEASURE_QUANTITY
                                                           : LEVER_MEASURE_VALUE);
}

int cmd_chains(int argc, char **argv)
{
    cli_query cq = {.top = DEFAULT_TOP};
    chains_opts o = {.factor = 1};
    const cli_option options[] = {
        CLI_CALLBACK(0, "product", "P", "the output, an HS prefix (1101) a chain makes",
                     &o.product, parse_prefix_option),
        CLI_CALLBACK(0, "input", "PREFIX", "the input of a chain given here (with --factor)",
                     &o.input, parse_prefix_option),
        CLI_CALLBACK(0, "factor", "F", "kg of input per kg of output (default 1: re-export)", &o,
                     parse_factor),
        CLI_STRING(0, "chains", "FILE", "chains as CSV lines input,output,factor (1001,1101,1.33)",
                   &o.chains_file),
        CLI_STRING(0, "production", "FILE",
                   "production as CSV lines country,year,product,tonnes\n"
                   "(product the input's HS prefix: UZB,2021,1001,6000000)",
                   &o.production_file),
        CLI_OPT_END,
    };
    char **args;
    int n = cli_query_parse(&spec, options, &cq, argc, argv, &args);
    int rc = n < 0 ? cli_parse_exit(n) : run(&cq, &o, args[0]);
    cli_query_close(&cq);
    return rc;
}
