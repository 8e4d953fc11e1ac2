/*
 * editions.c - which HS edition an import's rows are in, told from their codes, and the
 * conversion between editions with UNSD's correlation tables (--to-hs; INDICATORS.md
 * section 13).
 *
 * Why from the codes: a file's name is a claim (BACI_HS92_..., --hs); its codes are the
 * evidence. About a tenth of the codes of each edition exist in no other (HS17 has 010121,
 * HS92 has 010111), so one scan of the rows, one byte lookup a row, tells which editions
 * hold every code of an input. An input whose codes do not exist in the edition it is
 * said to be in, or inputs of different editions in one store, are refused with the
 * file:line of the first code that betrays it, unless --to-hs converts them.
 *
 * Conversion: a code linked to one code of the target edition (1:1, n:1) moves there
 * whole; a code linked to several (1:n, n:n) has its value and quantity split over them in
 * proportion to their world trade in the nearest year where the import holds rows of the
 * target edition with those codes, equally when there is none, in exact integers
 * (largest remainders, so the parts add up to the flow). Flows that meet on one code are
 * summed. Every converted year is marked in the store, and the store says what was
 * converted, so every output can say so.
 */
#include "importer.h"

#include "format.h"
#include "hs_editions.h"

#include <stdlib.h>

#define NONE UINT64_MAX

_Static_assert(HS_PARTS_MAX == HS_MAX_TARGETS, "a flow has at most HS_MAX_TARGETS parts");

__extension__ typedef unsigned __int128 u128;

typedef struct src_fit {
    int claim;             /* the edition the input is said to be in, or -1 */
    const char *claim_why; /* "its name gives", ... */
    uint8_t fit;           /* editions holding every code of its rows */
    uint64_t bad[HS_N_EDITIONS]; /* first row whose code is not in edition e */
    int edition;           /* the edition its rows are read in */
} src_fit;

static void scan(const hs_tables *t, const lever_rows *r, const import_source *s, src_fit *f)
{
    f->fit = (uint8_t)((1u << HS_N_EDITIONS) - 1);
    for (int e = 0; e < HS_N_EDITIONS; e++)
        f->bad[e] = NONE;
    uint64_t end = s->first_row + s->n_rows;
    for (uint64_t row = s->first_row; row < end; row++) {
        uint8_t m = hs_code_editions(t, r->k[row]);
        uint8_t lost = m ? (uint8_t)(f->fit & ~m) : 0;
        if (lost) {
            for (int e = 0; e < HS_N_EDITIONS; e++)
                if (lost & (1u << e))
                    f->bad[e] = row;
            f->fit &= m;
        }
    }
}

static void list_editions(uint8_t mask, char *buf, size_t len)
{
    size_t at = 0;
    buf[0] = 0;
    for (int e = 0; e < HS_N_EDITIONS; e++)
        if (mask & (1u << e))
            at += (size_t)snprintf(buf + (at < len ? at : len), at < len ? len - at : 0, "%s%s",
                                   at ? ", " : "", hs_edition_name(e));
}

static int oldest(uint8_t mask)
{
    for (int e = 0; e < HS_N_EDITIONS; e++)
        if (mask & (1u << e))
            return e;
    return -1;
}

/* The edition of mask nearest to `to` (the older on a tie). */
static int nearest(uint8_t mask, int to)
{
    int best = -1;
    for (int e = 0; e < HS_N_EDITIONS; e++)
        if ((mask & (1u << e)) && (best < 0 || abs(e - to) < abs(best - to)))
            best = e;
    return best;
}

static int betrayed(lever_import *imp, const hs_tables *t, const src_fit *f, int e,
                    const char *why)
{
    uint64_t row = f->bad[e];
    uint32_t k = imp->rows.k[row];
    char where[1200], in[64], fits[64];
    import_locate_row(imp, row, where, sizeof where);
    list_editions(hs_code_editions(t, k), in, sizeof in);
    list_editions(f->fit, fits, sizeof fits);
    int guess = oldest(f->fit);
    if (guess < 0)
        return sink_fail(imp, LEVER_EINPUT,
                         "%s: HS code %06u does not exist in %s, %s (it exists in %s), and "
                         "the file's codes fit no single HS edition; give one file per "
                         "edition, each with its --hs",
                         where, k, hs_edition_name(e), why, in);
    bool one = !(f->fit & (f->fit - 1));
    return sink_fail(imp, LEVER_EINPUT,
                     "%s: HS code %06u does not exist in %s, %s; it exists in %s, and %s "
                     "code of the file exists in %s%s. One store holds one HS edition: import "
                     "the file with --hs %s into a store of its own, or convert it with "
                     "--to-hs %s",
                     where, k, hs_edition_name(e), why, in, one ? "every" : "each",
                     one ? "" : "each of ", fits, hs_edition_name(guess), hs_edition_name(e));
}

/* ---------------------------------------------------------------------------------- */
/* Conversion                                                                         */
/* ---------------------------------------------------------------------------------- */

/* Splits x into n parts proportional to w (equal parts when every w is 0), exactly:
 * each part is rounded down and the remainder goes one unit at a time to the parts with
 * the largest fractions (the first on a tie). */
static void split_exact(uint64_t x, const uint64_t *w, size_t n, uint64_t *out, u128 *rem)
{
    u128 sum = 0;
    for (size_t c = 0; c < n; c++)
        sum += w[c];
    uint64_t given = 0;
    for (size_t c = 0; c < n; c++) {
        u128 num = sum ? (u128)x * w[c] : x;
        u128 den = sum ? sum : n;
        out[c] = (uint64_t)(num / den);
        rem[c] = (num % den) * 1; /* compared against the same denominator */
        given += out[c];
    }
    for (uint64_t left = x - given; left > 0; left--) {
        size_t best = 0;
        for (size_t c = 1; c < n; c++)
            if (rem[c] > rem[best])
                best = c;
        out[best]++;
        rem[best] = 0;
    }
}

typedef struct weight {
    uint32_t k;
    uint16_t t;
    uint64_t v;
} weight;

static int weight_cmp(const void *x, const void *y)
{
    const weight *a = x, *b = y;
    if (a->k != b->k)
        return a->k < b->k ? -1 : 1;
    return a->t < b->t ? -1 : a->t > b->t;
}

/* World trade W(c, y) of the target codes in the nearest year to t where any is > 0;
 * false when there is no such year (the split is then equal). lo, hi: n scratch each. */
static bool target_weights(const weight *w, size_t nw, const uint32_t *targets, size_t n,
                           uint16_t t, uint64_t *out, size_t *lo, size_t *hi)
{
    for (size_t c = 0; c < n; c++) {
        size_t a = 0, b = nw;
        while (a < b) {
            size_t mid = a + (b - a) / 2;
            if (w[mid].k < targets[c])
                a = mid + 1;
            else
                b = mid;
        }
        lo[c] = a;
        while (a < nw && w[a].k == targets[c])
            a++;
        hi[c] = a;
        out[c] = 0;
    }
    int best = -1, best_d = 1 << 30;
    for (size_t c = 0; c < n; c++)
        for (size_t e = lo[c]; e < hi[c]; e++) {
            int d = abs((int)w[e].t - (int)t);
            if (w[e].v && (d < best_d || (d == best_d && w[e].t < best))) {
                best_d = d;
                best = w[e].t;
            }
        }
    if (best < 0)
        return false;
    for (size_t c = 0; c < n; c++)
        for (size_t e = lo[c]; e < hi[c]; e++)
            if (w[e].t == best)
                out[c] = w[e].v;
    return true;
}

/* Targets of each code of one edition, computed once: memo[k] = pool offset + 1. */
typedef struct target_memo {
    int edition;
    uint32_t *memo;
    uint32_t *pool; /* count, then the codes */
    size_t n_pool, cap_pool;
} target_memo;

static const uint32_t *targets_of(target_memo *m, hs_tables *t, int from, int to,
                                  uint32_t k)
{
    if (k >= 1000000)
        return NULL;
    if (m->edition != from) {
        memset(m->memo, 0, 1000000 * sizeof *m->memo);
        m->n_pool = 0;
        m->edition = from;
    }
    if (!m->memo[k]) {
        uint32_t buf[HS_MAX_TARGETS];
        size_t n = hs_targets(t, from, to, k, buf, HS_MAX_TARGETS);
        if (n > HS_MAX_TARGETS)
            return NULL;
        if (m->n_pool + n + 1 > m->cap_pool) {
            size_t cap = (m->cap_pool ? m->cap_pool * 2 : 4096) + n + 1;
            uint32_t *g = realloc(m->pool, cap * sizeof *g);
            if (!g)
                return NULL;
            m->pool = g;
            m->cap_pool = cap;
        }
        m->memo[k] = (uint32_t)m->n_pool + 1;
        m->pool[m->n_pool++] = (uint32_t)n;
        memcpy(m->pool + m->n_pool, buf, n * sizeof *buf);
        m->n_pool += n;
    }
    return m->pool + m->memo[k] - 1;
}

/* The conversion of flows to one edition, shared by every format (parser.h): the tables,
 * the world trade that weighs the splits, the years converted, and counts for the notes. */
struct hs_convert {
    hs_tables *t;
    bool own_tables;
    int to;
    weight *w;
    size_t nw, cap_w;
    bool weights_ready;
    target_memo memo;
    uint8_t *year_flags; /* [65536] STORE_YEAR_* */
    hs_convert_stats st;
    /* scratch of one flow's split, HS_MAX_TARGETS each */
    uint64_t *wt, *vs, *qs;
    size_t *lo, *hi;
    u128 *rem;
    hs_part *parts;
};

static hs_convert *convert_new(hs_tables *t, int to)
{
    hs_convert *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->t = t;
    c->to = to;
    c->memo.edition = -1;
    c->memo.memo = calloc(1000000, sizeof(uint32_t));
    c->year_flags = calloc(65536, 1);
    c->wt = malloc(HS_MAX_TARGETS * sizeof *c->wt);
    c->vs = malloc(HS_MAX_TARGETS * sizeof *c->vs);
    c->qs = malloc(HS_MAX_TARGETS * sizeof *c->qs);
    c->lo = malloc(HS_MAX_TARGETS * sizeof *c->lo);
    c->hi = malloc(HS_MAX_TARGETS * sizeof *c->hi);
    c->rem = malloc(HS_MAX_TARGETS * sizeof *c->rem);
    c->parts = malloc(HS_MAX_TARGETS * sizeof *c->parts);
    if (!c->memo.memo || !c->year_flags || !c->wt || !c->vs || !c->qs || !c->lo || !c->hi ||
        !c->rem || !c->parts) {
        hs_convert_free(c);
        return NULL;
    }
    hs_convert_stats_take(c, NULL);
    return c;
}

void hs_convert_free(hs_convert *c)
{
    if (!c)
        return;
    if (c->own_tables)
        hs_tables_free(c->t);
    free(c->w);
    free(c->memo.memo);
    free(c->memo.pool);
    free(c->year_flags);
    free(c->wt);
    free(c->vs);
    free(c->qs);
    free(c->lo);
    free(c->hi);
    free(c->rem);
    free(c->parts);
    free(c);
}

int hs_convert_target(const hs_convert *c)
{
    return c->to;
}

int hs_convert_weigh(hs_convert *c, uint32_t k, uint16_t year, uint64_t v)
{
    if (c->nw == c->cap_w) {
        size_t cap = c->cap_w ? c->cap_w * 2 : 4096;
        weight *g = realloc(c->w, cap * sizeof *g);
        if (!g)
            return LEVER_ENOMEM;
        c->w = g;
        c->cap_w = cap;
    }
    c->w[c->nw++] = (weight){k, year, v};
    c->weights_ready = false;
    return LEVER_OK;
}

/* World trade per (code, year): the weights sorted and summed. */
static void weights_ready(hs_convert *c)
{
    if (c->weights_ready)
        return;
    sort_items(c->w, c->nw, sizeof *c->w, weight_cmp);
    size_t m = 0;
    for (size_t a = 0; a < c->nw; a++) {
        if (m && c->w[m - 1].k == c->w[a].k && c->w[m - 1].t == c->w[a].t)
            c->w[m - 1].v += c->w[a].v;
        else
            c->w[m++] = c->w[a];
    }
    c->nw = m;
    c->weights_ready = true;
}

int hs_convert_flow(hs_convert *c, int from, uint16_t year, uint32_t k, uint64_t v, int64_t q,
                    const hs_part **out)
{
    weights_ready(c);
    hs_part *parts = c->parts;
    *out = parts;
    const uint32_t *tg = targets_of(&c->memo, c->t, from, c->to, k);
    if (!tg && k < 1000000) {
        uint32_t one;
        return hs_targets(c->t, from, c->to, k, &one, HS_MAX_TARGETS) > HS_MAX_TARGETS ? -2
                                                                                     : -1;
    }
    size_t nt = tg ? tg[0] : 0;
    c->st.flows++;
    c->st.year_min = year < c->st.year_min ? year : c->st.year_min;
    c->st.year_max = year > c->st.year_max ? year : c->st.year_max;
    if (nt == 0) {
        c->st.kept++;
        parts[0] = (hs_part){k, v, q};
        return 0;
    }
    c->year_flags[year] |= STORE_YEAR_CONVERTED;
    if (nt == 1) {
        parts[0] = (hs_part){tg[1], v, q};
        return 1;
    }
    c->st.split++;
    c->year_flags[year] |= STORE_YEAR_SPLIT;
    if (!target_weights(c->w, c->nw, tg + 1, nt, year, c->wt, c->lo, c->hi))
        c->st.equal++;
    split_exact(v, c->wt, nt, c->vs, c->rem);
    bool has_q = q != LEVER_QTY_MISSING && q >= 0;
    if (has_q)
        split_exact((uint64_t)q, c->wt, nt, c->qs, c->rem);
    /* parts with neither value nor kg are left out; the first stays when all are empty */
    int n = 0;
    for (size_t e = 0; e < nt; e++)
        if (c->vs[e] || (has_q && c->qs[e]))
            parts[n++] = (hs_part){tg[1 + e], c->vs[e], has_q ? (int64_t)c->qs[e] : q};
    if (n == 0)
        parts[n++] = (hs_part){tg[1], 0, q};
    return n;
}

int hs_convert_too_many(import_sink *imp, const hs_convert *c, int from, uint32_t k)
{
    return sink_fail(imp, LEVER_EINPUT,
                     "HS code %06u of %s links to more than %d codes of %s in the correlation "
                     "tables of %s; these are not UNSD's tables: give UNSD's with --hs-tables",
                     k, hs_edition_name(from), HS_MAX_TARGETS, hs_edition_name(c->to),
                     hs_tables_dir(c->t));
}

void hs_convert_stats_take(hs_convert *c, hs_convert_stats *out)
{
    if (out)
        *out = c->st;
    c->st = (hs_convert_stats){.year_min = 65535, .year_max = 0};
}

typedef struct conv_row {
    uint16_t t, i, j;
    uint32_t k;
    uint64_t v;
    int64_t q;
} conv_row;

static int conv_cmp(const void *x, const void *y)
{
    const conv_row *a = x, *b = y;
    if (a->t != b->t)
        return a->t < b->t ? -1 : 1;
    if (a->i != b->i)
        return a->i < b->i ? -1 : 1;
    if (a->j != b->j)
        return a->j < b->j ? -1 : 1;
    return a->k < b->k ? -1 : a->k > b->k;
}

/* The rows of one source converted, summed where they meet, sorted. */
static int convert_source(lever_import *imp, hs_convert *cv, const import_source *s, int from,
                          conv_row **out, size_t *n_out)
{
    const lever_rows *r = &imp->rows;
    size_t cap = s->n_rows + 16, n = 0;
    conv_row *c = malloc(cap * sizeof *c);
    if (!c)
        return LEVER_ENOMEM;
    for (uint64_t row = s->first_row; row < s->first_row + s->n_rows; row++) {
        if (n + HS_MAX_TARGETS > cap) {
            cap = cap * 2 + HS_MAX_TARGETS;
            conv_row *g = realloc(c, cap * sizeof *g);
            if (!g) {
                free(c);
                return LEVER_ENOMEM;
            }
            c = g;
        }
        const hs_part *parts;
        int np = hs_convert_flow(cv, from, r->t[row], r->k[row], r->v[row], r->q[row], &parts);
        if (np < 0) {
            free(c);
            if (np == -2)
                return hs_convert_too_many(imp, cv, from, r->k[row]);
            return LEVER_ENOMEM;
        }
        for (int e = 0; e < (np ? np : 1); e++)
            c[n++] = (conv_row){r->t[row], r->i[row], r->j[row], parts[e].k, parts[e].v,
                                parts[e].q};
    }
    qsort(c, n, sizeof *c, conv_cmp);
    size_t m = 0;
    for (size_t a = 0; a < n; a++) {
        if (m && conv_cmp(&c[m - 1], &c[a]) == 0) {
            c[m - 1].v += c[a].v;
            c[m - 1].q = c[m - 1].q == LEVER_QTY_MISSING || c[a].q == LEVER_QTY_MISSING
                             ? LEVER_QTY_MISSING
                             : c[m - 1].q + c[a].q;
        } else {
            c[m++] = c[a];
        }
    }
    *out = c;
    *n_out = m;
    return LEVER_OK;
}

static int note_append(lever_import *imp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int note_append(lever_import *imp, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *more = NULL;
    int n = vasprintf(&more, fmt, ap);
    va_end(ap);
    if (n < 0)
        return LEVER_ENOMEM;
    size_t old = imp->converted ? strlen(imp->converted) : 0;
    char *g = realloc(imp->converted, old + (size_t)n + 1);
    if (!g) {
        free(more);
        return LEVER_ENOMEM;
    }
    memcpy(g + old, more, (size_t)n + 1);
    imp->converted = g;
    free(more);
    return LEVER_OK;
}

/* The years converted into the import's year flags (merged with any already there). */
static int record_year_flags(lever_import *imp, hs_convert *c)
{
    for (size_t f = 0; f < imp->n_year_flags; f++)
        c->year_flags[imp->year_flags[2 * f]] |= (uint8_t)imp->year_flags[2 * f + 1];
    size_t n = 0;
    for (int y = 0; y < 65536; y++)
        n += c->year_flags[y] != 0;
    uint16_t *yf = malloc((n ? n : 1) * 2 * sizeof *yf);
    if (!yf)
        return LEVER_ENOMEM;
    free(imp->year_flags);
    imp->year_flags = yf;
    imp->n_year_flags = 0;
    for (int y = 0; y < 65536; y++)
        if (c->year_flags[y]) {
            yf[2 * imp->n_year_flags] = (uint16_t)y;
            yf[2 * imp->n_year_flags++ + 1] = c->year_flags[y];
        }
    return LEVER_OK;
}

/* "to HS92 with UNSD's HS correlation tables: " before the first note. */
static int note_conversion(lever_import *imp, const char *what)
{
    if (!imp->converted)
        return note_append(imp, "to %s with UNSD's HS correlation tables: %s", imp->to_hs, what);
    return note_append(imp, "; %s", what);
}

static const char *equal_note(const hs_convert_stats *st, char *buf, size_t len)
{
    if (!st->equal)
        return "";
    snprintf(buf, len, " (%llu of them equally: no trade of their target codes to weigh them)",
             (unsigned long long)st->equal);
    return buf;
}

static int convert(lever_import *imp, hs_tables *t, src_fit *fits, int to)
{
    lever_rows *r = &imp->rows;
    hs_convert *cv = convert_new(t, to);
    lever_rows nr = {0};
    int rc = cv ? LEVER_OK : LEVER_ENOMEM;
    /* world trade of the target edition's rows, per (code, year), for the splits */
    for (size_t s = 0; !rc && s < imp->n_sources; s++) {
        if (fits[s].edition != to)
            continue;
        const import_source *src = &imp->sources[s];
        for (uint64_t row = src->first_row; !rc && row < src->first_row + src->n_rows; row++)
            rc = hs_convert_weigh(cv, r->k[row], r->t[row], r->v[row]);
    }
    uint64_t copied_to = 0;
    for (size_t s = 0; !rc && s < imp->n_sources; s++) {
        import_source *src = &imp->sources[s];
        uint64_t first = nr.n;
        if (fits[s].edition == to || fits[s].edition < 0 || src->n_rows == 0) {
            rc = rows_reserve(&nr, src->n_rows);
            for (uint64_t row = src->first_row; !rc && row < src->first_row + src->n_rows; row++)
                rows_push_unchecked(&nr, r->t[row], r->i[row], r->j[row], r->k[row], r->v[row],
                                    r->q[row]);
        } else {
            conv_row *c = NULL;
            size_t nc = 0;
            hs_convert_stats st;
            rc = convert_source(imp, cv, src, fits[s].edition, &c, &nc);
            hs_convert_stats_take(cv, &st);
            if (!rc)
                rc = rows_reserve(&nr, nc);
            for (size_t a = 0; !rc && a < nc; a++)
                rows_push_unchecked(&nr, c[a].t, c[a].i, c[a].j, c[a].k, c[a].v, c[a].q);
            free(c);
            char *what = NULL, eq[160];
            if (!rc && asprintf(&what, "%s from %s (%d-%d): %llu flows, %llu split over "
                                       "several codes%s%s",
                                src->name, hs_edition_name(fits[s].edition), st.year_min,
                                st.year_max, (unsigned long long)st.flows,
                                (unsigned long long)st.split, equal_note(&st, eq, sizeof eq),
                                st.kept ? ", some codes in no edition kept as they were" : "") < 0)
                rc = LEVER_ENOMEM;
            if (!rc)
                rc = note_conversion(imp, what);
            free(what);
            if (!rc && st.kept)
                sink_warn(imp, "%s: %llu flows have codes that are not in %s; kept as they are",
                          src->name, (unsigned long long)st.kept,
                          hs_edition_name(fits[s].edition));
            snprintf(src->converted_from, sizeof src->converted_from, "%s",
                     hs_edition_name(fits[s].edition));
            free(src->gaps);
            src->gaps = NULL;
            src->n_gaps = src->cap_gaps = 0;
        }
        copied_to = src->first_row + src->n_rows;
        src->first_row = first;
        src->n_rows = nr.n - first;
    }
    /* rows after the last source, if any, stay as they are */
    if (!rc && copied_to < r->n) {
        rc = rows_reserve(&nr, r->n - copied_to);
        for (uint64_t row = copied_to; !rc && row < r->n; row++)
            rows_push_unchecked(&nr, r->t[row], r->i[row], r->j[row], r->k[row], r->v[row],
                                r->q[row]);
    }
    if (!rc)
        rc = record_year_flags(imp, cv);
    if (!rc) {
        rows_free(r);
        *r = nr;
    } else {
        rows_free(&nr);
    }
    hs_convert_free(cv);
    return rc == LEVER_ENOMEM ? sink_fail(imp, rc, "out of memory converting HS editions") : rc;
}

/* ---------------------------------------------------------------------------------- */
/* For parsers that make their rows at finish (parser.h)                              */
/* ---------------------------------------------------------------------------------- */

int sink_hs_edition_index(const char *name)
{
    return hs_edition_index(name);
}

const char *sink_hs_edition_name(int edition)
{
    return hs_edition_name(edition);
}

int sink_hs_convert_open(import_sink *imp, hs_convert **out)
{
    *out = NULL;
    int to = hs_edition_index(imp->to_hs[0] ? imp->to_hs : NULL);
    if (to < 0)
        return LEVER_OK;
    hs_tables *t = NULL;
    char err[1024];
    int rc = hs_tables_load(imp->hs_dir[0] ? imp->hs_dir : NULL, &t, err, sizeof err);
    if (rc)
        return sink_fail(imp, rc, "%s (the HS correlation tables: give their folder with "
                                  "--hs-tables DIR)",
                         err);
    hs_convert *c = convert_new(t, to);
    if (!c) {
        hs_tables_free(t);
        return sink_fail(imp, LEVER_ENOMEM, "out of memory converting HS editions");
    }
    c->own_tables = true;
    *out = c;
    return LEVER_OK;
}

int sink_hs_convert_close(import_sink *imp, hs_convert *c, const char *what)
{
    int rc = what && what[0] ? note_conversion(imp, what) : LEVER_OK;
    if (!rc)
        rc = record_year_flags(imp, c);
    hs_convert_free(c);
    return rc ? sink_fail(imp, rc, "out of memory converting HS editions") : LEVER_OK;
}

const char *hs_convert_equal_note(const hs_convert_stats *st, char *buf, size_t len)
{
    return equal_note(st, buf, len);
}

/* With --to-hs, a product dictionary of another edition (product_codes_HS17_...) names
 * codes the store does not use, or uses with another meaning: its entries for codes that
 * do not exist in the target edition are dropped, so that no description of a code of
 * another edition stands for a target code that does not exist. */
static void drop_other_products(lever_import *imp, const hs_tables *t, int to)
{
    size_t kept = 0;
    for (size_t n = 0; n < imp->n_products; n++) {
        dict_product *p = &imp->products[n];
        uint8_t m = hs_code_editions(t, p->hs6);
        if (m && !(m & (1u << to))) {
            if (imp->product_index)
                imp->product_index[p->hs6] = 0;
            free(p->description);
            continue;
        }
        imp->products[kept] = *p;
        if (imp->product_index)
            imp->product_index[p->hs6] = (int32_t)kept + 1;
        kept++;
    }
    imp->n_products = kept;
}

/* ---------------------------------------------------------------------------------- */
/* The check                                                                          */
/* ---------------------------------------------------------------------------------- */

int import_check_editions(lever_import *imp)
{
    bool any = false;
    for (size_t s = 0; s < imp->n_sources && !any; s++)
        any = imp->sources[s].n_rows > 0;
    int to = hs_edition_index(imp->to_hs[0] ? imp->to_hs : NULL);
    if (imp->synthetic && to < 0)
        return LEVER_OK; /* lever synth draws codes of every edition: not real trade */
    if (!any) {
        if (to >= 0)
            snprintf(imp->hs_version, sizeof imp->hs_version, "%s", imp->to_hs);
        return LEVER_OK;
    }
    hs_tables *t = NULL;
    char err[1024];
    int rc = hs_tables_load(imp->hs_dir[0] ? imp->hs_dir : NULL, &t, err, sizeof err);
    if (rc) {
        if (to >= 0 || imp->hs_dir[0])
            return sink_fail(imp, rc, "%s (the HS correlation tables: give their folder with "
                                      "--hs-tables DIR)",
                             err);
        sink_warn(imp, "the HS editions of the inputs were not checked: %s", err);
        return LEVER_OK;
    }
    src_fit *fits = calloc(imp->n_sources, sizeof *fits);
    if (!fits) {
        hs_tables_free(t);
        return sink_fail(imp, LEVER_ENOMEM, "out of memory checking HS editions");
    }
    /* what each input is said to be in: --hs, else its name, else the other inputs */
    int forced = imp->hs_forced ? hs_edition_index(imp->hs_version) : -1;
    int store_e = to < 0 ? hs_edition_index(imp->hs_version) : -1;
    uint8_t running = (uint8_t)((1u << HS_N_EDITIONS) - 1);
    const char *running_from = NULL;
    bool conversions = false;
    char why[600];
    for (size_t s = 0; s < imp->n_sources && !rc; s++) {
        src_fit *f = &fits[s];
        const import_source *src = &imp->sources[s];
        f->edition = -1;
        if (src->n_rows == 0)
            continue;
        scan(t, &imp->rows, src, f);
        char hs[16], release[32];
        sink_meta_from_name(src->name, hs, release);
        f->claim = forced >= 0 ? forced : hs_edition_index(hs[0] ? hs : NULL);
        if (forced >= 0)
            snprintf(why, sizeof why, "the edition given with --hs");
        else if (f->claim >= 0)
            snprintf(why, sizeof why, "the edition its name gives");
        else if (store_e >= 0) {
            f->claim = store_e;
            snprintf(why, sizeof why, "the edition of %s", imp->hs_origin);
        }
        if (to < 0) {
            if (f->claim >= 0 && !(f->fit & (1u << f->claim))) {
                rc = betrayed(imp, t, f, f->claim, why);
                break;
            }
            if (f->claim < 0 && !f->fit)
                continue; /* nothing says its edition, and its codes fit none: unknown */
            if (f->claim < 0 && !(running & f->fit)) {
                snprintf(why, sizeof why, "the edition of the codes of %s", running_from);
                rc = betrayed(imp, t, f, oldest(running), why);
                break;
            }
            running &= f->fit;
            if (!running_from)
                running_from = src->name;
            f->edition = f->claim >= 0 ? f->claim : -1;
            continue;
        }
        /* --to-hs: the input is in its claimed edition when its codes agree, else in the
         * edition of its codes nearest to the target */
        if (f->claim >= 0 && (f->fit & (1u << f->claim)))
            f->edition = f->claim;
        else if (f->fit & (1u << to))
            f->edition = to;
        else if (f->fit)
            f->edition = nearest(f->fit, to);
        else {
            snprintf(why, sizeof why, "the edition nearest to %s", imp->to_hs);
            rc = betrayed(imp, t, f, to, why);
            break;
        }
        if (f->claim >= 0 && f->edition != f->claim) {
            char where[1200];
            import_locate_row(imp, f->bad[f->claim], where, sizeof where);
            sink_warn(imp, "%s: HS code %06u does not exist in %s, %s: the file is read as %s",
                      where, imp->rows.k[f->bad[f->claim]], hs_edition_name(f->claim), why,
                      hs_edition_name(f->edition));
        }
        conversions = conversions || f->edition != to;
    }
    if (!rc && to < 0 && store_e < 0 && running && !(running & (running - 1))) {
        /* the edition comes from the codes when nothing named it */
        snprintf(imp->hs_version, sizeof imp->hs_version, "%s", hs_edition_name(oldest(running)));
        snprintf(imp->hs_origin, sizeof imp->hs_origin, "the codes of %s", running_from);
    }
    if (!rc && to >= 0) {
        if (conversions)
            rc = convert(imp, t, fits, to);
        snprintf(imp->hs_version, sizeof imp->hs_version, "%s", imp->to_hs);
        if (!rc)
            drop_other_products(imp, t, to);
    }
    free(fits);
    hs_tables_free(t);
    return rc;
}
