/*
 * cmd_transit.c - lever transit A B and lever transit --over B: the routes trade between
 * two countries can take over land borders and the sea, the transit countries on them
 * with their route shares c(T | A->B) and chokepoints, and each transit country's
 * transit leverage TLEV(T over B) with its chokepoint part (docs/commands/transit.md,
 * INDICATORS.md section 11). Thin: lever_transit() and lever_transit_over() compute; this
 * file loads the border data (--geo, $LEVER_GEO_DIR, else the installed copy), applies
 * --closed and --borders, and names the columns. With --observed FILE (lever_observed_*)
 * the declared split of the pair's trade by mode of transport and country of consignment
 * is shown beside the computed routes: a table of its own, and in the transit table the
 * share of B's declared imports from A consigned from each transit country.
 */
#include "cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const cli_spec spec = {
    .name = "transit",
    .usage = {"A B [--year T] [--product P] [--slack N] [--closed A-B,...] [options]",
              "--over B [--year T] [--product P] [--slack N] [options]"},
    .about =
        "The routes trade between A and B can take: simple paths over land borders and\n"
        "the sea (one node SEA joins every country with a coast) with at most h + slack\n"
        "edges, h the length of the shortest. Each transit country T (an inner node,\n"
        "not SEA) with its route share c(T|A->B) (the share of the shortest routes\n"
        "crossing T), whether it is a chokepoint (crossed by every route), and its\n"
        "transit leverage TLEV(T over B) and TLEV(T over A): the trade of B with all\n"
        "its partners weighted by c, over B's total trade T(B), with the chokepoint\n"
        "part (c = 1 on chokepoints, 0 elsewhere) beside it.\n"
        "With --over B: every transit country ranked by TLEV(T over B).\n"
        "With --observed FILE: the split of the pair's trade by mode of transport and\n"
        "country of consignment as the countries declared it (Comtrade Plus motCode and\n"
        "partner2Code), beside the computed routes.\n"
        "Borders: CEPII GeoDist (land borders, landlocked), shipped with lever.\n",
    .arguments = "A, B: ISO3 code, numeric code or name (see 'lever country').\n",
    .examples = {"lever transit KAZ AFG", "lever transit KAZ AFG --closed AFG-CHN --product 1101",
                 "lever transit --over AFG --year 2021",
                 "lever transit KAZ AFG --observed kaz_afg_mot.csv"},
    .min_args = 0,
    .max_args = 2,
    .args_name = "two countries A and B, or none with --over B",
    .query = CLI_Q_QUERY | CLI_Q_YEAR | CLI_Q_MEASURE,
    .value_only = "TLEV(T over B) is a share of B's total trade T(B), which sums every "
                  "product, and tonnes of different goods do not add up to a trade total "
                  "(INDICATORS.md section 11)",
    .top_help = "routes listed (default 50; 0 = all), or with --over, transit countries\n"
                "(default all)",
};

typedef struct transit_opts {
    const char *over, *closed, *borders_file, *geo_dir, *observed_file;
    long slack;
} transit_opts;

static lever_borders *load_borders(const transit_opts *o)
{
    const char *dir = o->geo_dir ? o->geo_dir : getenv("LEVER_GEO_DIR");
    if (dir && !dir[0])
        dir = NULL;
    lever_borders *b = NULL;
    lever_error err;
    int rc = lever_borders_load(dir, &b, &err);
    if (rc == LEVER_OK && o->closed)
        rc = lever_borders_close(b, o->closed, &err);
    if (rc == LEVER_OK && o->borders_file)
        rc = lever_borders_edit_file(b, o->borders_file, &err);
    if (rc != LEVER_OK) {
        cli_fail(&err);
        lever_borders_free(b);
        return NULL;
    }
    return b;
}

static void add_border_meta(out_doc *d, const lever_borders *b, int slack,
                            const char *observed_file)
{
    out_doc_meta(d, "borders",
                 "land borders and landlocked countries of CEPII GeoDist (Mayer and Zignago "
                 "2011), in %s",
                 lever_borders_dir(b));
    const char *edits = lever_borders_edits(b);
    out_doc_meta(d, "border_edits", "%s", edits[0] ? edits : "none");
    out_doc_meta(d, "slack", "%d (routes of at most h + %d edges)", slack, slack);
    if (observed_file)
        out_doc_meta(d, "observed_routes",
                     "declared split by mode of transport and country of consignment, from %s",
                     observed_file);
    else
        out_doc_meta(d, "observed_routes",
                     "not shown: a store holds no mode of transport or country of consignment; "
                     "give them with --observed FILE");
}

/* Two cells naming a border-graph node: its ISO3 and the store's numeric code (null when
 * the store does not know the country). */
static void out_node(out_table *t, const lever_store *s, const char *iso3, int country)
{
    out_str(t, iso3);
    if (country >= 0)
        out_int(t, cli_country_numeric(s, country));
    else
        out_null(t);
}

static void out_node_name(out_table *t, const lever_store *s, int country)
{
    lever_country k;
    if (country < 0) {
        out_str(t, "");
        return;
    }
    lever_country_at(s, country, &k);
    out_str(t, k.name);
}

static void add_routes_table(out_doc *d, const lever_transit_result *r, long top)
{
    static const out_col cols[] = {
        {"rank", "#", COL_INT},
        {"edges", NULL, COL_INT},
        {"shortest", NULL, COL_INT},
        {"route", NULL, COL_STR},
    };
    size_t n = top > 0 && (size_t)top < r->n_routes ? (size_t)top : r->n_routes;
    char title[256];
    snprintf(title, sizeof title, "Routes: %zu of at most %d edges (h = %d, %zu shortest)%s",
             r->n_routes, r->h + r->slack, r->h, r->n_shortest,
             n < r->n_routes ? "; see --top" : "");
    out_table *t = out_doc_table(d, "routes", title, 4, cols);
    for (size_t k = 0; k < n; k++) {
        out_int(t, (int64_t)k + 1);
        out_int(t, r->routes[k].length);
        out_int(t, r->routes[k].shortest);
        out_str(t, r->routes[k].path);
    }
}

/* The declared share of B's imports from A consigned from T, NaN when B declared no
 * consignment; else A's exports to B by consignment; rows from lever_observed_split. */
static double consigned_share(const lever_observed_row *rows, size_t n, const char *a,
                              const char *b, const char *t)
{
    const char *reporter[2] = {b, a};
    const char flow[2] = {'M', 'X'};
    for (int pass = 0; pass < 2; pass++) {
        bool any = false;
        for (size_t k = 0; k < n; k++) {
            const lever_observed_row *x = &rows[k];
            if (x->breakdown != LEVER_OBSERVED_CONSIGNMENT || x->flow != flow[pass] ||
                strcmp(x->reporter, reporter[pass]) != 0)
                continue;
            any = true;
            if (strcmp(x->consignment, t) == 0)
                return x->share;
        }
        if (any)
            return 0;
    }
    return NAN;
}

static void add_observed_table(out_doc *d, const lever_observed_row *rows, size_t n)
{
    static const out_col cols[] = {
        {"reporter", NULL, COL_STR},
        {"flow", NULL, COL_STR},
        {"partner", NULL, COL_STR},
        {"breakdown", NULL, COL_STR},
        {"mode", NULL, COL_INT},
        {"mode_name", "mode of transport", COL_STR},
        {"consignment", "consigned from", COL_STR},
        {"value", "USD", COL_USD},
        {"share", "share of the declared flow", COL_SHARE},
    };
    out_table *t = out_doc_table(d, "observed",
                                 "Declared split by mode of transport and country of "
                                 "consignment (--observed)",
                                 (int)(sizeof cols / sizeof cols[0]), cols);
    for (size_t k = 0; k < n; k++) {
        const lever_observed_row *x = &rows[k];
        out_str(t, x->reporter);
        out_str(t, x->flow == 'M' ? "M" : "X");
        out_str(t, x->partner);
        if (x->breakdown == LEVER_OBSERVED_MODE) {
            out_str(t, "mode");
            out_int(t, x->mode);
            out_str(t, x->mode_name);
            out_str(t, "");
        } else {
            out_str(t, "consignment");
            out_null(t);
            out_str(t, "");
            out_str(t, x->consignment);
        }
        out_u64(t, x->value);
        out_double(t, x->share);
    }
}

static void add_pair_transit_table(out_doc *d, const lever_store *s,
                                   const lever_transit_result *r, const cli_country_names *a,
                                   const cli_country_names *b, const lever_observed_row *obs,
                                   size_t n_obs, bool observed)
{
    char share[64], over_b[64], over_a[64], choke_b[80], choke_a[80], via_ab[64], via_ba[64];
    snprintf(share, sizeof share, "c(T|%s->%s)", a->code, b->code);
    snprintf(over_b, sizeof over_b, "TLEV(T over %s)", b->code);
    snprintf(choke_b, sizeof choke_b, "chokepoint part over %s", b->code);
    snprintf(over_a, sizeof over_a, "TLEV(T over %s)", a->code);
    snprintf(choke_a, sizeof choke_a, "chokepoint part over %s", a->code);
    snprintf(via_ab, sizeof via_ab, "%s->%s x c", a->code, b->code);
    snprintf(via_ba, sizeof via_ba, "%s->%s x c", b->code, a->code);
    const out_col cols[] = {
        {"transit", "T", COL_STR},
        {"code", NULL, COL_INT | COL_WIDE},
        {"route_share", share, COL_SHARE},
        {"chokepoint", NULL, COL_INT},
        {"routes", NULL, COL_INT},
        {"carried_a_to_b", via_ab, COL_USD},
        {"carried_b_to_a", via_ba, COL_USD},
        {"tlev_over_b", over_b, COL_RATIO},
        {"tlev_over_b_chokepoint", choke_b, COL_RATIO | COL_WIDE},
        {"tlev_over_a", over_a, COL_RATIO},
        {"tlev_over_a_chokepoint", choke_a, COL_RATIO | COL_WIDE},
        {"name", NULL, COL_STR},
        {"observed_consigned", "declared consigned from T", COL_SHARE},
    };
    int ncols = (int)(sizeof cols / sizeof cols[0]) - (observed ? 0 : 1);
    out_table *t = out_doc_table(d, "transit", "Transit countries T", ncols, cols);
    out_table_main(t); /* the transit countries: the answer */
    for (size_t n = 0; n < r->n_transit; n++) {
        const lever_transit_share *x = &r->transit[n];
        out_node(t, s, x->iso3, x->country);
        out_double(t, x->share);
        out_int(t, x->chokepoint);
        out_int(t, x->n_routes);
        out_usd(t, llround((double)r->a_to_b * x->share));
        out_usd(t, llround((double)r->b_to_a * x->share));
        out_double(t, x->tlev_b);
        out_double(t, x->tlev_b_chokepoint);
        out_double(t, x->tlev_a);
        out_double(t, x->tlev_a_chokepoint);
        out_node_name(t, s, x->country);
        if (observed)
            out_double(t, consigned_share(obs, n_obs, a->code, b->code, x->iso3));
    }
}

static int run_pair(cli_query *cq, const lever_borders *g, const transit_opts *o, int a, int b)
{
    const lever_store *s = cq->store;
    lever_transit_result *r = NULL;
    lever_error err;
    if (lever_transit(s, g, a, b, (int)o->slack, &cq->q, &r, &err) != LEVER_OK)
        return cli_fail(&err);
    cli_country_names na, nb;
    cli_name_country(s, a, &na);
    cli_name_country(s, b, &nb);
    out_doc *d = cli_doc_new(s, "Transit routes between %s and %s", na.label, nb.label);
    out_doc_meta(d, "a", "%s", na.label);
    out_doc_meta(d, "b", "%s", nb.label);
    cli_meta_years(d, r->year, r->year);
    out_doc_meta(d, "products", "%s", lever_selection_label(cq->selection));
    add_border_meta(d, g, r->slack, o->observed_file);
    char ab[64], ba[64];
    snprintf(ab, sizeof ab, "%s->%s", na.code, nb.code);
    snprintf(ba, sizeof ba, "%s->%s", nb.code, na.code);
    const out_col flow_cols[] = {
        {"year", NULL, COL_INT},       {"a_to_b", ab, COL_USD},
        {"b_to_a", ba, COL_USD},       {"h", "shortest route, edges", COL_INT},
        {"routes", NULL, COL_INT},     {"shortest_routes", "shortest routes", COL_INT},
    };
    out_table *t = out_doc_table(d, "flows", "Flows, USD, and routes", 6, flow_cols);
    out_table_record(t);
    out_int(t, r->year);
    out_u64(t, r->a_to_b);
    out_u64(t, r->b_to_a);
    out_int(t, r->h);
    out_int(t, (int64_t)r->n_routes);
    out_int(t, (int64_t)r->n_shortest);
    bool partial = cli_needs_flows(d, s, r->year, a, b, "these flows and what they carry "
                                   "are unknown, not 0");
    partial |= cli_needs_flows(d, s, r->year, b, a, "these flows and what they carry are "
                               "unknown, not 0");
    partial |= cli_needs(d, s, r->year, a, LEVER_HOLDS_IMPORTS | LEVER_HOLDS_EXPORTS,
                         "T(A) and the transit leverage over A");
    partial |= cli_needs(d, s, r->year, b, LEVER_HOLDS_IMPORTS | LEVER_HOLDS_EXPORTS,
                         "T(B) and the transit leverage over B");
    add_routes_table(d, r, cq->top);
    lever_observed_row *obs = NULL;
    size_t n_obs = 0;
    if (o->observed_file) {
        lever_observed *file = NULL;
        if (lever_observed_load(o->observed_file, &file, &err) != LEVER_OK) {
            lever_transit_free(r);
            out_doc_free(d);
            return cli_fail(&err);
        }
        int rc = lever_observed_split(file, r->year, na.code, nb.code, &obs, &n_obs);
        lever_observed_free(file);
        if (rc != LEVER_OK) {
            lever_transit_free(r);
            out_doc_free(d);
            cli_error("out of memory");
            return EXIT_ERROR;
        }
    }
    add_pair_transit_table(d, s, r, &na, &nb, obs, n_obs, o->observed_file != NULL);
    if (o->observed_file)
        add_observed_table(d, obs, n_obs);
    free(obs);
    lever_transit_free(r);
    int rc = out_doc_print(d, cq->fmt);
    return rc == EXIT_OK && partial ? EXIT_UNCOVERED : rc;
}

static int run_over(cli_query *cq, const lever_borders *g, const transit_opts *o, int b)
{
    const lever_store *s = cq->store;
    lever_tlev_result *r = NULL;
    lever_error err;
    if (lever_transit_over(s, g, b, (int)o->slack, &cq->q, &r, &err) != LEVER_OK)
        return cli_fail(&err);
    cli_country_names nb;
    cli_name_country(s, b, &nb);
    out_doc *d = cli_doc_new(s, "Transit leverage over %s", nb.label);
    out_doc_meta(d, "b", "%s", nb.label);
    cli_meta_years(d, r->year, r->year);
    out_doc_meta(d, "products", "%s", lever_selection_label(cq->selection));
    add_border_meta(d, g, r->slack, o->observed_file);
    bool partial = cli_needs(d, s, r->year, b, LEVER_HOLDS_IMPORTS | LEVER_HOLDS_EXPORTS,
                             "T(B), the trade carried and every TLEV");
    static const out_col cover_cols[] = {
        {"year", NULL, COL_INT},
        {"total_trade", "T(B)", COL_USD},
        {"partners", NULL, COL_INT},
        {"routed", "with routes, USD", COL_USD},
        {"unrouted_partners", "partners without route", COL_INT},
        {"unrouted", "without route, USD", COL_USD},
    };
    out_table *t = out_doc_table(d, "coverage", "B's trade and the part with known routes", 6,
                                 cover_cols);
    out_table_record(t);
    out_int(t, r->year);
    out_u64(t, r->total_b);
    out_int(t, r->n_partners);
    out_u64(t, r->routed);
    out_int(t, r->n_unrouted);
    out_u64(t, r->unrouted);
    char over[64], choke[80];
    snprintf(over, sizeof over, "TLEV(T over %s)", nb.code);
    snprintf(choke, sizeof choke, "chokepoint part");
    const out_col cols[] = {
        {"rank", "#", COL_INT},
        {"transit", "T", COL_STR},
        {"code", NULL, COL_INT | COL_WIDE},
        {"tlev", over, COL_RATIO},
        {"tlev_chokepoint", choke, COL_RATIO},
        {"carried", "carried USD", COL_USD},
        {"carried_chokepoint", "chokepoint USD", COL_USD},
        {"partners", NULL, COL_INT | COL_WIDE},
        {"chokepoint_partners", "chokepoint for", COL_INT | COL_WIDE},
        {"top_partner", "largest partner", COL_STR},
        {"top_partner_carried", "its USD", COL_USD | COL_WIDE},
        {"name", NULL, COL_STR},
    };
    t = out_doc_table(d, "transit", "Transit countries T by TLEV(T over B)",
                      (int)(sizeof cols / sizeof cols[0]), cols);
    out_table_main(t);
    size_t n = cq->top > 0 && (size_t)cq->top < r->n ? (size_t)cq->top : r->n;
    for (size_t k = 0; k < n; k++) {
        const lever_tlev_row *x = &r->rows[k];
        out_int(t, (int64_t)k + 1);
        out_node(t, s, x->iso3, x->country);
        out_double(t, x->tlev);
        out_double(t, x->tlev_chokepoint);
        out_usd(t, llround(x->carried));
        out_usd(t, llround(x->carried_chokepoint));
        out_int(t, x->n_partners);
        out_int(t, x->n_chokepoint_partners);
        cli_country_names np;
        cli_name_country(s, x->top_partner, &np);
        out_str(t, np.code);
        out_usd(t, llround(x->top_partner_carried));
        out_node_name(t, s, x->country);
    }
    lever_tlev_free(r);
    int rc = out_doc_print(d, cq->fmt);
    return rc == EXIT_OK && partial ? EXIT_UNCOVERED : rc;
}

static int run(cli_query *cq, const transit_opts *o, char **args, int n_args)
{
    if (n_args != (o->over ? 0 : 2))
        return cli_usage(&spec, "expected %s, got %d argument(s)",
                         o->over ? "no country besides --over B" : "two countries A and B",
                         n_args);
    if (cq->top < 0)
        cq->top = o->over ? 0 : 50;
    lever_borders *g = load_borders(o);
    if (!g)
        return o->closed ? EXIT_USAGE : EXIT_ERROR;
    int a = -1, b = -1, rc;
    if (o->over && o->observed_file) {
        lever_borders_free(g);
        return cli_usage(&spec, "--observed goes with a pair A B, not with --over");
    }
    if (o->over ? !cli_country(cq->store, o->over, &b)
                : !cli_country(cq->store, args[0], &a) || !cli_country(cq->store, args[1], &b))
        rc = EXIT_ERROR;
    else
        rc = o->over ? run_over(cq, g, o, b) : run_pair(cq, g, o, a, b);
    lever_borders_free(g);
    return rc;
}

int cmd_transit(int argc, char **argv)
{
    cli_query cq = {.top = -1}; /* not given: the default depends on --over */
    transit_opts o = {.slack = 1};
    const cli_option options[] = {
        CLI_STRING(0, "over", "B", "rank every transit country by its leverage over B", &o.over),
        CLI_INT(0, "slack", "N", "routes up to N edges longer than the shortest", &o.slack, 0, 4),
        CLI_STRING(0, "closed", "LIST", "close crossings: AFG-CHN,TKM-UZB (and SEA: IRN-SEA)",
                   &o.closed),
        CLI_STRING(0, "borders", "FILE",
                   "close or add crossings: CSV lines close,AFG,CHN / add,SSD,SDN",
                   &o.borders_file),
        CLI_STRING(0, "geo", "DIR",
                   "border data folder (default: $LEVER_GEO_DIR, else the one installed\n"
                   "with lever)",
                   &o.geo_dir),
        CLI_STRING(0, "observed", "FILE",
                   "the declared split by mode of transport and country of consignment:\n"
                   "CSV year,reporter,flow,partner,mode,consignment,value (Comtrade\n"
                   "Plus refYear,reporterISO,flowCode,partnerISO,motCode,partner2ISO,\n"
                   "primaryValue)",
                   &o.observed_file),
        CLI_OPT_END,
    };
    char **args;
    int n = cli_query_parse(&spec, options, &cq, argc, argv, &args);
    int rc = n < 0 ? cli_parse_exit(n) : run(&cq, &o, args, n);
    cli_query_close(&cq);
    return rc;
}
