/*
 * sink.c - what a parser may do to an import (parser.h): append rows and dictionary
 * entries, register where rows came from, note the HS version and release, report
 * progress, warn and fail; and, for the importer, the map from a row back to
 * "file:line" and the clean-up of sources.
 *
 * Dictionaries are indexed by code (1,000 countries, 1,000,000 products) so that a
 * later definition replaces an earlier one in constant time.
 */
#include "importer.h"

#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define MAX_COUNTRY_CODE 999
#define MAX_HS6 999999

int sink_fail(import_sink *imp, int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    msg_vfail(imp->errmsg, sizeof imp->errmsg, rc, fmt, ap);
    va_end(ap);
    return rc;
}

void sink_warn(import_sink *imp, const char *fmt, ...)
{
    imp->warnings++;
    va_list ap;
    va_start(ap, fmt);
    msg_vsend(imp->warning, imp->warning_ud, fmt, ap);
    va_end(ap);
}

lever_rows *sink_rows(import_sink *imp)
{
    return &imp->rows;
}

const char *sink_hs_version(const import_sink *imp)
{
    return imp->hs_version;
}

const char *sink_to_hs(const import_sink *imp)
{
    return imp->to_hs;
}

void sink_mark_synthetic(import_sink *imp)
{
    imp->synthetic = true;
}

void sink_count_aggregate_rows(import_sink *imp, uint64_t n)
{
    imp->aggregate_rows += n;
}

int sink_threads(const import_sink *imp)
{
    if (imp->threads > 0)
        return imp->threads;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 256 ? 256 : (int)n;
}

void sink_plan_bytes(import_sink *imp, uint64_t bytes)
{
    imp->bytes_planned = bytes ? imp->bytes_before + bytes : 0;
}

int sink_parse_member(import_sink *imp, const import_input *in)
{
    return imp->dispatch(imp, in);
}

void **sink_state(import_sink *imp, const import_parser *parser)
{
    size_t n = 0;
    while (n + 1 < import_n_parsers && import_parsers[n] != parser)
        n++;
    return &imp->parser_state[n];
}

const char *sink_source_name(const import_sink *imp, size_t source)
{
    return source < imp->n_sources ? imp->sources[source].name : "";
}

void sink_set_declarations(import_sink *imp, row_decl *decl, cover_item *declared,
                           size_t n_declared, reflow *reflows, size_t n_reflows)
{
    free(imp->decl);
    free(imp->declared);
    free(imp->reflows);
    imp->decl = decl;
    imp->declared = declared;
    imp->n_declared = n_declared;
    imp->reflows = reflows;
    imp->n_reflows = n_reflows;
}

void sink_mark_complete(import_sink *imp)
{
    imp->complete = true;
}

int sink_parse_stream(import_sink *imp, const char *name, import_read_fn read, void *ud)
{
    return imp->dispatch_stream(imp, name, read, ud);
}

uint64_t sink_source_first_row(const import_sink *imp, size_t source)
{
    return imp->sources[source].first_row;
}

/* ------------------------------------------------------------------ */
/* Metadata: HS version and release                                    */
/* ------------------------------------------------------------------ */

static const char *const hs_versions[] = {"HS92", "HS96", "HS02", "HS07", "HS12", "HS17", "HS22"};

bool import_hs_version_known(const char *hs)
{
    for (size_t n = 0; n < sizeof hs_versions / sizeof hs_versions[0]; n++)
        if (strcmp(hs, hs_versions[n]) == 0)
            return true;
    return false;
}

static bool is_alnum(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* A token is a run of letters and digits; "baci_hs92_v202301_2021" has hs92 and v202301. */
void sink_meta_from_name(const char *name, char hs[16], char release[32])
{
    hs[0] = release[0] = 0;
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    const char *p = base;
    while (*p) {
        if (!is_alnum(*p)) {
            p++;
            continue;
        }
        const char *tok = p;
        while (is_alnum(*p))
            p++;
        size_t n = (size_t)(p - tok);
        if (n == 4 && (tok[0] == 'h' || tok[0] == 'H') && (tok[1] == 's' || tok[1] == 'S') &&
            is_digit(tok[2]) && is_digit(tok[3])) {
            char cand[16] = {'H', 'S', tok[2], tok[3], 0};
            if (import_hs_version_known(cand) && !hs[0])
                memcpy(hs, cand, 5);
        } else if ((n == 7 || n == 8) && (tok[0] == 'v' || tok[0] == 'V') && !release[0]) {
            /* V202301, or V202401b: CEPII names a corrected release with a letter */
            bool digits = true;
            for (size_t c = 1; c < 7; c++)
                digits = digits && is_digit(tok[c]);
            bool letter = n == 7 || (tok[7] >= 'a' && tok[7] <= 'z');
            if (digits && letter) {
                release[0] = 'V';
                memcpy(release + 1, tok + 1, n - 1);
                release[n] = 0;
            }
        }
    }
}

int sink_note_meta(import_sink *imp, const char *origin, const char *hs, const char *release)
{
    if (hs && hs[0] && !imp->hs_forced && !imp->to_hs[0]) {
        if (!imp->hs_version[0]) {
            snprintf(imp->hs_version, sizeof imp->hs_version, "%s", hs);
            snprintf(imp->hs_origin, sizeof imp->hs_origin, "%s", origin);
        } else if (strcmp(imp->hs_version, hs) != 0) {
            return sink_fail(imp, LEVER_EINPUT,
                               "%s: classification %s differs from %s of %s; one store holds one "
                               "classification: import each HS version into its own store (or "
                               "force one with --hs)",
                               origin, hs, imp->hs_version, imp->hs_origin);
        }
    }
    if (release && release[0] && !imp->release_forced) {
        if (!imp->release[0]) {
            snprintf(imp->release, sizeof imp->release, "%s", release);
            snprintf(imp->release_origin, sizeof imp->release_origin, "%s", origin);
        } else if (strcmp(imp->release, release) != 0 && strcmp(imp->release, "synthetic") != 0) {
            sink_warn(imp, "%s: release %s differs from %s of %s; the store is labelled %s",
                        origin, release, imp->release, imp->release_origin, imp->release);
        }
    }
    return LEVER_OK;
}

static char *dup_string(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

long sink_add_source(import_sink *imp, const char *name, const char *path, uint64_t first_line)
{
    if (imp->n_sources == imp->cap_sources) {
        size_t cap = imp->cap_sources ? imp->cap_sources * 2 : 8;
        import_source *s = realloc(imp->sources, cap * sizeof *s);
        if (!s)
            return -1;
        imp->sources = s;
        imp->cap_sources = cap;
    }
    import_source *s = &imp->sources[imp->n_sources];
    memset(s, 0, sizeof *s);
    s->name = dup_string(name);
    s->path = path ? dup_string(path) : NULL;
    if (!s->name || (path && !s->path)) {
        free(s->name);
        free(s->path);
        return -1;
    }
    s->first_row = imp->rows.n;
    s->first_line = first_line;
    return (long)imp->n_sources++;
}

int sink_add_gap(import_sink *imp, size_t source, uint64_t rows_before)
{
    import_source *l = &imp->sources[source];
    if (l->n_gaps == l->cap_gaps) {
        size_t cap = l->cap_gaps ? l->cap_gaps * 2 : 64;
        uint64_t *g = realloc(l->gaps, cap * sizeof *g);
        if (!g)
            return LEVER_ENOMEM;
        l->gaps = g;
        l->cap_gaps = cap;
    }
    l->gaps[l->n_gaps++] = rows_before;
    return LEVER_OK;
}

void sink_end_source(import_sink *imp, size_t source)
{
    imp->sources[source].n_rows = imp->rows.n - imp->sources[source].first_row;
}

void import_locate_row(void *handle, uint64_t row, char *buf, size_t len)
{
    const lever_import *imp = handle;
    size_t lo = 0, hi = imp->n_sources;
    while (lo < hi) { /* last source whose first_row <= row */
        size_t mid = lo + (hi - lo) / 2;
        if (imp->sources[mid].first_row <= row)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0 || row - imp->sources[lo - 1].first_row >= imp->sources[lo - 1].n_rows) {
        snprintf(buf, len, "row %llu", (unsigned long long)row + 1);
        return;
    }
    const import_source *s = &imp->sources[lo - 1], *l = s;
    uint64_t r = row - s->first_row;
    if (s->converted_from[0]) {
        snprintf(buf, len, "%s (a flow converted from %s)", s->name, s->converted_from);
        return;
    }
    size_t g_lo = 0, g_hi = l->n_gaps; /* gaps with value <= r come before the row */
    while (g_lo < g_hi) {
        size_t mid = g_lo + (g_hi - g_lo) / 2;
        if (l->gaps[mid] <= r)
            g_lo = mid + 1;
        else
            g_hi = mid;
    }
    snprintf(buf, len, "%s:%llu", s->name, (unsigned long long)(l->first_line + r + g_lo));
}

void import_line_col(const char *data, size_t offset, uint64_t *line, uint64_t *col)
{
    uint64_t n = 1;
    const char *p = data, *end = data + offset, *last = data;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            break;
        n++;
        p = last = nl + 1;
    }
    *line = n;
    *col = (uint64_t)(end - last) + 1;
}

/* ------------------------------------------------------------------ */
/* Memory                                                              */
/* ------------------------------------------------------------------ */

void import_prefer_huge_pages(void *buf, size_t bytes)
{
    const uintptr_t page = 4096;
    uintptr_t from = ((uintptr_t)buf + page - 1) & ~(page - 1);
    uintptr_t to = ((uintptr_t)buf + bytes) & ~(page - 1);
    if (to > from + ((uintptr_t)2 << 20))
        madvise((void *)from, to - from, MADV_HUGEPAGE);
}

/* ------------------------------------------------------------------ */
/* Progress                                                            */
/* ------------------------------------------------------------------ */

static double monotonic_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void sink_progress(import_sink *imp, uint64_t done, uint64_t total, bool force)
{
    if (!imp->progress)
        return;
    double now = monotonic_seconds();
    if (!force && now - imp->last_progress < 0.1)
        return;
    imp->last_progress = now;
    uint64_t all = imp->bytes_before + total;
    imp->progress(imp->progress_ud, imp->bytes_before + done,
                  imp->bytes_planned > all ? imp->bytes_planned : all, imp->rows.n);
}

/* ------------------------------------------------------------------ */
/* Dictionaries                                                        */
/* ------------------------------------------------------------------ */

/* Entries hold position + 1, so that 0 is "none" and the index is calloc'ed: its pages
 * cost nothing until a code is put (the product index is 4 MB, for a few thousand). */
static int32_t *new_index(size_t n)
{
    return calloc(n, sizeof(int32_t));
}

/* See country_code_current (base.h). */
uint16_t import_country_code(uint16_t code)
{
    return (uint16_t)country_code_current(code);
}

int sink_put_country(import_sink *imp, const dict_country *given)
{
    dict_country copy = *given;
    copy.code = import_country_code(given->code);
    const dict_country *c = &copy;
    if (!imp->country_index && !(imp->country_index = new_index(MAX_COUNTRY_CODE + 1)))
        return LEVER_ENOMEM;
    int32_t at = imp->country_index[c->code] - 1;
    if (at >= 0) {
        dict_country *old = &imp->countries[at];
        free(old->name);
        free(old->full_name);
        *old = *c;
        return LEVER_OK;
    }
    if (imp->n_countries == imp->cap_countries) {
        size_t cap = imp->cap_countries ? imp->cap_countries * 2 : 256;
        dict_country *d = realloc(imp->countries, cap * sizeof *d);
        if (!d)
            return LEVER_ENOMEM;
        imp->countries = d;
        imp->cap_countries = cap;
    }
    imp->country_index[c->code] = (int32_t)imp->n_countries + 1;
    imp->countries[imp->n_countries++] = *c;
    return LEVER_OK;
}

int sink_put_product(import_sink *imp, uint32_t hs6, char *description)
{
    if (!imp->product_index && !(imp->product_index = new_index(MAX_HS6 + 1)))
        return LEVER_ENOMEM;
    int32_t at = imp->product_index[hs6] - 1;
    if (at >= 0) {
        free(imp->products[at].description);
        imp->products[at].description = description;
        return LEVER_OK;
    }
    if (imp->n_products == imp->cap_products) {
        size_t cap = imp->cap_products ? imp->cap_products * 2 : 4096;
        dict_product *d = realloc(imp->products, cap * sizeof *d);
        if (!d)
            return LEVER_ENOMEM;
        imp->products = d;
        imp->cap_products = cap;
    }
    imp->product_index[hs6] = (int32_t)imp->n_products + 1;
    imp->products[imp->n_products].hs6 = hs6;
    imp->products[imp->n_products++].description = description;
    return LEVER_OK;
}

void import_drop_sources(lever_import *imp, size_t from)
{
    while (imp->n_sources > from) {
        size_t n = --imp->n_sources;
        free(imp->sources[n].name);
        free(imp->sources[n].path);
        free(imp->sources[n].gaps);
    }
}

void import_free_dictionaries(lever_import *imp)
{
    for (size_t n = 0; n < imp->n_countries; n++) {
        free(imp->countries[n].name);
        free(imp->countries[n].full_name);
    }
    free(imp->countries);
    for (size_t n = 0; n < imp->n_products; n++)
        free(imp->products[n].description);
    free(imp->products);
    free(imp->country_index);
    free(imp->product_index);
}
