/*
 * chains.c - indirect supply through processors (INDICATORS.md section 10): lever chains.
 * Afghanistan's flour comes from Kazakhstan directly, and also from Uzbek mills that
 * grind Kazakh wheat; the share by origin s°(A->B,k_out) counts both.
 *
 * A chain is an input and an output, each an HS prefix, and a factor f (kg of input per
 * kg of output): wheat 1001 -> flour 1101, f = 1.33, is built in; a file adds others.
 * Every sum runs over the HS6 codes under the prefixes. The import content γ(m) of a
 * processor m is in tonnes: the input m imports (quantities of its import flows; flows
 * without one are left out and counted) over that plus m's production from a file the
 * user gives. A processor whose production is unknown keeps both bounds, γ = 0 (it grinds
 * its own crop) and γ = 1 (it grinds only imports), so the result always carries a low
 * and a high share; they are equal when every γ is known.
 *
 * The data read is small whatever the store: B's suppliers of the output (one M(B,k)
 * range per HS6 code) and, for each, its suppliers of the input. Rows come through the
 * importer permutation, so each supplier list is one contiguous range.
 */
#include "query.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <strings.h>

#define CHAINS_MAX 256

static const char builtin_chains[] = "1001,1101,1.33\n";

struct lever_production {
    size_t n, cap;
    struct production_entry {
        int country, year;
        hs_prefix product;
        double tonnes;
    } *items;
};

static int parse_prefix(const text_pos *pos, const text_field *f, hs_prefix *out)
{
    if (hs_prefix_parse(f->text, strlen(f->text), out))
        return LEVER_OK;
    return text_error_at(pos, f->column, "'%s' is not an HS prefix; write 2, 4 or 6 digits",
                         f->text);
}

static int parse_number(const text_pos *pos, const text_field *f, double min, const char *what,
                        double *out)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(f->text, &end);
    if (!f->text[0] || errno || *end || !isfinite(v) || v < min)
        return text_error_at(pos, f->column, "bad %s '%s'; write a number of at least %g", what,
                             f->text, min);
    *out = v;
    return LEVER_OK;
}

/* A header names columns: its first field starts with a letter. */
static bool names_columns(void *ctx, const text_field *f, int n)
{
    return isalpha((unsigned char)f[0].text[0]);
}

typedef struct chain_list {
    lever_chain *items;
    size_t n;
} chain_list;

static int chain_record(void *ctx, const text_pos *pos, const text_field *f, int n)
{
    chain_list *list = ctx;
    if (n != 3)
        return text_error_at(pos, f[n - 1].column,
                             "expected 3 fields 'input,output,factor' (e.g. 1001,1101,1.33)");
    if (list->n == CHAINS_MAX)
        return text_error_at(pos, 0, "more than %d chains; keep the ones you need", CHAINS_MAX);
    lever_chain *c = &list->items[list->n];
    hs_prefix in, out;
    int rc = parse_prefix(pos, &f[0], &in);
    if (!rc)
        rc = parse_prefix(pos, &f[1], &out);
    if (!rc)
        rc = parse_number(pos, &f[2], 1e-9, "factor", &c->factor);
    if (rc)
        return rc;
    snprintf(c->input, sizeof c->input, "%0*d", in.digits, in.value);
    snprintf(c->output, sizeof c->output, "%0*d", out.digits, out.value);
    list->n++;
    return LEVER_OK;
}

static int chains_load_text(const char *path, lever_chain **out, size_t *n_out, char *err,
                            size_t errlen)
{
    *out = NULL;
    *n_out = 0;
    chain_list list = {calloc(CHAINS_MAX, sizeof *list.items), 0};
    char *builtin = path ? NULL : strdup(builtin_chains);
    if (!list.items || (!path && !builtin)) {
        free(list.items);
        free(builtin);
        return msg_fail(err, errlen, LEVER_ENOMEM, "out of memory");
    }
    const char *name = path ? path : "built-in chains";
    int rc = path ? text_csv_file(path, 3, names_columns, chain_record, &list, err, errlen)
                  : text_csv_records(name, builtin, 3, names_columns, chain_record, &list, err,
                                     errlen);
    free(builtin);
    if (!rc && list.n == 0)
        rc = msg_fail(err, errlen, LEVER_EINPUT,
                      "%s: holds no chain; write 'input,output,factor' per line (e.g. "
                      "1001,1101,1.33)",
                      name);
    if (rc) {
        free(list.items);
        return rc;
    }
    *out = list.items;
    *n_out = list.n;
    return LEVER_OK;
}

/* ------------------------------------------------------------------ */
/* Production file                                                     */
/* ------------------------------------------------------------------ */

typedef struct production_reading {
    const lever_store *s;
    lever_production *p;
} production_reading;

static int production_record(void *ctx, const text_pos *pos, const text_field *f, int n)
{
    production_reading *r = ctx;
    const lever_store *s = r->s;
    lever_production *p = r->p;
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 64;
        struct production_entry *bigger = realloc(p->items, cap * sizeof *bigger);
        if (!bigger)
            return msg_fail(pos->err, pos->errlen, LEVER_ENOMEM, "out of memory");
        p->items = bigger;
        p->cap = cap;
    }
    struct production_entry *e = &p->items[p->n];
    if (n != 4)
        return text_error_at(pos, f[n - 1].column,
                             "expected 4 fields 'country,year,product,tonnes' (e.g. "
                             "UZB,2021,1001,6000000)");
    lever_error lookup_err;
    if (lever_country_lookup(s, f[0].text, &e->country, &lookup_err) != LEVER_OK)
        return text_error_at(pos, f[0].column, "%s", lookup_err.message);
    double year = 0;
    int rc = parse_number(pos, &f[1], 1900, "year", &year);
    /* the range first: converting a number beyond int to int is undefined */
    if (!rc && (year > 2200 || year != floor(year)))
        rc = text_error_at(pos, f[1].column, "bad year '%s'; write e.g. 2021", f[1].text);
    if (!rc)
        rc = parse_prefix(pos, &f[2], &e->product);
    if (!rc)
        rc = parse_number(pos, &f[3], 0, "tonnes", &e->tonnes);
    if (rc == LEVER_OK) {
        e->year = (int)year;
        p->n++;
    }
    return rc;
}

static bool production_header(void *ctx, const text_field *f, int n)
{
    return strncasecmp(f[0].text, "country", 7) == 0;
}

static int production_load_text(const lever_store *s, const char *path, lever_production **out,
                                char *err, size_t errlen)
{
    *out = NULL;
    lever_production *p = calloc(1, sizeof *p);
    if (!p)
        return msg_fail(err, errlen, LEVER_ENOMEM, "out of memory");
    production_reading r = {s, p};
    int rc = text_csv_file(path, 4, production_header, production_record, &r, err, errlen);
    if (rc) {
        lever_production_free(p);
        return rc;
    }
    *out = p;
    return LEVER_OK;
}

void lever_production_free(lever_production *p)
{
    if (!p)
        return;
    free(p->items);
    free(p);
}

/* Tonnes of the input produced by country c in year; false when the file has none. */
static bool production_of(const lever_production *p, int c, int year, hs_prefix input,
                          double *tonnes)
{
    bool found = false;
    *tonnes = 0;
    for (size_t n = 0; p && n < p->n; n++) {
        const struct production_entry *e = &p->items[n];
        if (e->country == c && e->year == year && e->product.digits == input.digits &&
            e->product.value == input.value) {
            *tonnes += e->tonnes;
            found = true;
        }
    }
    return found;
}

/* ------------------------------------------------------------------ */
/* Shares by origin                                                    */
/* ------------------------------------------------------------------ */

/* What one importer buys of the products under a prefix, by supplier. */
typedef struct supply {
    uint64_t total;        /* M(j, prefix), USD */
    int64_t total_kg;      /* quantity of the flows that have one */
    uint64_t no_qty;       /* flows without a quantity */
    uint64_t *value;       /* per supplier, USD */
    int64_t *kg;           /* per supplier, kg (flows with a quantity) */
} supply;

static void supply_read(const lever_store *s, int y, int j, hs_prefix prefix, supply *out)
{
    out->total = 0;
    out->total_kg = 0;
    out->no_qty = 0;
    memset(out->value, 0, s->n_countries * sizeof *out->value);
    memset(out->kg, 0, s->n_countries * sizeof *out->kg);
    const store_mjk *e, *end;
    for (store_importer_entries(s, y, j, &e, &end); e < end; e++) {
        if (!hs_prefix_matches(prefix, (int)s->products[e->k].hs6))
            continue;
        for (uint32_t n = 0; n < e->n_suppliers; n++) {
            uint64_t r = s->by_imp[(uint64_t)e->imp_pos + n];
            int i = store_row_exporter(s, y, r);
            uint64_t v = store_v(s, r);
            int64_t q = store_q(s, r);
            out->value[i] += v;
            out->total += v;
            if (q == LEVER_QTY_MISSING) {
                out->no_qty++;
            } else {
                out->kg[i] += q;
                out->total_kg += q;
            }
        }
    }
}

/* The share of supplier i in the supply, in value or in quantity. */
static double supply_share(const supply *x, int i, bool quantity)
{
    if (quantity)
        return x->total_kg > 0 ? (double)x->kg[i] / (double)x->total_kg : 0;
    return x->total ? (double)x->value[i] / (double)x->total : 0;
}

static int by_origin(const void *pa, const void *pb)
{
    const lever_origin_row *a = pa, *b = pb;
    if (a->share_high != b->share_high)
        return a->share_high > b->share_high ? -1 : 1;
    if (a->share_low != b->share_low)
        return a->share_low > b->share_low ? -1 : 1;
    return a->country - b->country;
}

static int by_processor(const void *pa, const void *pb)
{
    const lever_processor_row *a = pa, *b = pb;
    if (a->share != b->share)
        return a->share > b->share ? -1 : 1;
    return a->country - b->country;
}

void lever_chains_free(lever_chains_result *r)
{
    if (!r)
        return;
    free(r->origins);
    free(r->processors);
    free(r);
}

/* HHI°, its level and the section-4 screens for one bound. */
static void concentration(lever_chains_result *r, int bound)
{
    double hhi = 0;
    int n = 0;
    for (size_t k = 0; k < r->n_origins; k++) {
        double x = bound ? r->origins[k].share_high : r->origins[k].share_low;
        hhi += x * x;
        n += x > 0;
    }
    r->hhi_origin[bound] = n ? hhi : NAN;
    r->n_origins_positive[bound] = n;
    r->level[bound] = n ? hhi_level(hhi) : "";
    r->geodep[bound] = geodep_flag(r->hhi_origin[bound], r->hhi_world, r->net_import);
    for (size_t k = 0; k < r->n_origins; k++) {
        lever_origin_row *o = &r->origins[k];
        double x = bound ? o->share_high : o->share_low;
        bool crit = critical_dependence(x, r->hhi_origin[bound], r->net_import);
        if (bound)
            o->critical_high = crit;
        else
            o->critical_low = crit;
    }
}

/* World supply concentration HHI_W and B's exports of the output, over the prefix: one
 * X(i,k) lookup per exporter and product under it, so only those entries are read. */
static void world_side(const lever_store *s, int y, int b, hs_prefix out, double *hhi_w,
                       uint64_t *x_b)
{
    uint64_t *by_exporter = calloc(s->n_countries, sizeof *by_exporter);
    uint64_t w = 0;
    *x_b = 0;
    *hhi_w = NAN;
    if (!by_exporter)
        return;
    for (uint32_t k = 0; k < s->n_products; k++) {
        if (!hs_prefix_matches(out, (int)s->products[k].hs6) || store_w_k(s, y, (int)k) == 0)
            continue;
        w += store_w_k(s, y, (int)k);
        for (uint32_t i = 0; i < s->n_countries; i++) {
            const store_xik *e = store_find_xik(s, y, (int)i, (int)k);
            if (e)
                by_exporter[i] += e->x;
        }
    }
    *x_b = by_exporter[b];
    if (w) {
        double h = 0;
        for (uint32_t i = 0; i < s->n_countries; i++) {
            double x = (double)by_exporter[i] / (double)w;
            h += x * x;
        }
        *hhi_w = h;
    }
    free(by_exporter);
}

int lever_chains(const lever_store *s, int b, const lever_chain *chain,
                 const lever_production *production, int measure, const lever_query *q,
                 lever_chains_result **out, lever_error *err)
{
    *out = NULL;
    int y, rc = query_one_year(s, q, &y, err);
    if (rc)
        return rc;
    if (b < 0 || (uint32_t)b >= s->n_countries)
        return error_set(err, LEVER_EUSAGE, "country index %d is out of range", b);
    hs_prefix in, outp;
    if (!hs_prefix_parse(chain->input, strlen(chain->input), &in) ||
        !hs_prefix_parse(chain->output, strlen(chain->output), &outp) || !(chain->factor > 0))
        return error_set(err, LEVER_EUSAGE, "the chain %s -> %s is not two HS prefixes and a "
                          "positive factor", chain->input, chain->output);
    bool quantity = measure == LEVER_MEASURE_QUANTITY;
    size_t C = s->n_countries;
    supply to_b = {0}, to_m = {0};
    to_b.value = calloc(C, sizeof *to_b.value);
    to_b.kg = calloc(C, sizeof *to_b.kg);
    to_m.value = calloc(C, sizeof *to_m.value);
    to_m.kg = calloc(C, sizeof *to_m.kg);
    double *low = calloc(C, sizeof *low), *high = calloc(C, sizeof *high);
    lever_chains_result *r = calloc(1, sizeof *r);
    if (r) {
        r->origins = calloc(C, sizeof *r->origins);
        r->processors = calloc(C, sizeof *r->processors);
    }
    if (!to_b.value || !to_b.kg || !to_m.value || !to_m.kg || !low || !high || !r ||
        !r->origins || !r->processors) {
        rc = error_set(err, LEVER_ENOMEM, "out of memory");
        goto done;
    }
    r->importer = b;
    r->year = lever_year_at(s, y);
    r->chain = *chain;
    r->measure = measure;
    supply_read(s, y, b, outp, &to_b);
    r->imports = to_b.total;
    r->imports_kg = to_b.total_kg;
    r->flows_without_qty = to_b.no_qty;
    world_side(s, y, b, outp, &r->hhi_world, &r->exports);
    r->net_import = net_import_ratio(r->imports, r->exports);
    double direct_hhi = 0;
    for (size_t m = 0; m < C; m++) {
        double sm = supply_share(&to_b, (int)m, quantity);
        if (sm <= 0)
            continue;
        direct_hhi += sm * sm;
        lever_processor_row *p = &r->processors[r->n_processors++];
        p->country = (int)m;
        p->share = sm;
        supply_read(s, y, (int)m, in, &to_m);
        p->input_imports = to_m.total;
        p->input_imports_kg = to_m.total_kg;
        p->input_flows_without_qty = to_m.no_qty;
        r->input_flows_without_qty += to_m.no_qty;
        double tonnes;
        p->has_production = production_of(production, (int)m, r->year, in, &tonnes);
        p->production_t = p->has_production ? tonnes : NAN;
        bool imports = to_m.total > 0;
        if (!imports) {
            p->gamma_low = p->gamma_high = 0;
        } else if (p->has_production && (to_m.total_kg > 0 || tonnes > 0)) {
            double kg = (double)to_m.total_kg;
            p->gamma_low = p->gamma_high = kg / (kg + tonnes * 1000.0);
        } else {
            p->gamma_low = 0;
            p->gamma_high = 1;
        }
        low[m] += sm * (1 - p->gamma_low);
        high[m] += sm * (1 - p->gamma_high);
        p->top_origin = -1;
        double best = 0;
        for (size_t a = 0; a < C && imports; a++) {
            double sa = supply_share(&to_m, (int)a, quantity);
            if (sa <= 0)
                continue;
            low[a] += sm * p->gamma_low * sa;
            high[a] += sm * p->gamma_high * sa;
            if (sa > best) {
                best = sa;
                p->top_origin = (int)a;
                p->top_origin_share = sa;
            }
        }
    }
    r->hhi_direct = r->n_processors ? direct_hhi : NAN;
    for (size_t a = 0; a < C; a++) {
        double direct = supply_share(&to_b, (int)a, quantity);
        if (low[a] <= 0 && high[a] <= 0 && direct <= 0)
            continue;
        lever_origin_row *o = &r->origins[r->n_origins++];
        o->country = (int)a;
        o->direct = direct;
        o->share_low = low[a];
        o->share_high = high[a];
        o->input_equivalent_low_t = low[a] * (double)to_b.total_kg * chain->factor / 1000.0;
        o->input_equivalent_high_t = high[a] * (double)to_b.total_kg * chain->factor / 1000.0;
    }
    sort_items(r->origins, r->n_origins, sizeof *r->origins, by_origin);
    sort_items(r->processors, r->n_processors, sizeof *r->processors, by_processor);
    concentration(r, 0);
    concentration(r, 1);
    r->gamma_known = true;
    for (size_t k = 0; k < r->n_processors; k++)
        if (r->processors[k].gamma_low != r->processors[k].gamma_high)
            r->gamma_known = false;
done:
    free(to_b.value);
    free(to_b.kg);
    free(to_m.value);
    free(to_m.kg);
    free(low);
    free(high);
    if (rc) {
        lever_chains_free(r);
        return rc;
    }
    *out = r;
    return LEVER_OK;
}

/* The public loaders fill the caller's lever_error. */
int lever_chains_load(const char *path, lever_chain **out, size_t *n, lever_error *err)
{
    lever_error scratch;
    lever_error *e = err ? err : &scratch;
    int rc = chains_load_text(path, out, n, e->message, sizeof e->message);
    e->code = rc;
    return rc;
}

int lever_production_load(const lever_store *s, const char *path, lever_production **out,
                          lever_error *err)
{
    lever_error scratch;
    lever_error *e = err ? err : &scratch;
    int rc = production_load_text(s, path, out, e->message, sizeof e->message);
    e->code = rc;
    return rc;
}
