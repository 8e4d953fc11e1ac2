/*
 * hs_editions.c - HS editions and UNSD's correlation tables (INDICATORS.md section 13).
 *
 * Why this way: the tables are six small CSVs (one per adjacent step, about 44,000 links
 * in all), read in a few milliseconds when an import needs them, so lever ships them as
 * data (data/hs, with their provenance) rather than compiled in. Every code of both
 * editions of a step appears in its file, so the codes of an edition are the union of its
 * columns: one byte per possible HS6 code (1 MB) says in which editions it exists, which
 * is what tells a file's edition from its codes. Conversion walks the steps one by one
 * from the source edition to the target (older or newer), keeping the set of codes
 * reached: a code linked to one target code maps exactly, a code linked to several is
 * split by the importer.
 */
#include "hs_editions.h"

#include "base.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef LEVER_HS_DIR
#define LEVER_HS_DIR ""
#endif
#ifndef LEVER_HS_SOURCE_DIR
#define LEVER_HS_SOURCE_DIR ""
#endif

#define HS_CODES 1000000u

static const char *const editions[HS_N_EDITIONS] = {"HS92", "HS96", "HS02", "HS07",
                                                    "HS12", "HS17", "HS22"};

typedef struct hs_link {
    uint32_t a, b; /* sorted by a */
} hs_link;

typedef struct hs_step {
    hs_link *by_new, *by_old; /* (new, old) sorted by new; (old, new) sorted by old */
    size_t n, cap;
} hs_step;

struct hs_tables {
    uint8_t *mask; /* [HS_CODES] */
    hs_step steps[HS_N_EDITIONS - 1]; /* step s links edition s+1 to edition s */
    char dir[1024];
};

int hs_edition_index(const char *name)
{
    for (int e = 0; e < HS_N_EDITIONS; e++)
        if (name && strcmp(name, editions[e]) == 0)
            return e;
    return -1;
}

const char *hs_edition_name(int edition)
{
    return edition >= 0 && edition < HS_N_EDITIONS ? editions[edition] : "";
}

static bool has_file(const char *dir, const char *name)
{
    char path[4096];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

const char *hs_tables_default_dir(void)
{
    if (LEVER_HS_DIR[0] && has_file(LEVER_HS_DIR, "HS96_HS92.csv"))
        return LEVER_HS_DIR;
    if (LEVER_HS_SOURCE_DIR[0] && has_file(LEVER_HS_SOURCE_DIR, "HS96_HS92.csv"))
        return LEVER_HS_SOURCE_DIR;
    return LEVER_HS_DIR;
}

typedef struct step_ctx {
    hs_tables *t;
    int step;
} step_ctx;

static bool step_header(void *ctx, const text_field *f, int n)
{
    (void)ctx;
    return n >= 2 && (f[0].text[0] < '0' || f[0].text[0] > '9');
}

static int hs6_field(const text_pos *pos, const text_field *f, uint32_t *out)
{
    const char *s = f->text;
    size_t n = strlen(s);
    if (n < 5 || n > 6)
        goto bad;
    uint32_t v = 0;
    for (size_t c = 0; c < n; c++) {
        if (s[c] < '0' || s[c] > '9')
            goto bad;
        v = v * 10 + (uint32_t)(s[c] - '0');
    }
    *out = v;
    return LEVER_OK;
bad:
    return text_error_at(pos, f->column,
                         "\"%s\" is not a 6-digit HS code; the correlation tables hold lines "
                         "NEWCODE,OLDCODE,RELATIONSHIP (see data/hs/README.md)",
                         s);
}

static int step_pair(step_ctx *c, uint32_t a, uint32_t b);

static int step_row(void *ctx, const text_pos *pos, const text_field *f, int n)
{
    step_ctx *c = ctx;
    if (n < 2)
        return text_error_at(pos, 0,
                             "%d field(s); a correlation table line is NEWCODE,OLDCODE,"
                             "RELATIONSHIP",
                             n);
    uint32_t a = 0, b = 0;
    int rc = hs6_field(pos, &f[0], &a);
    if (!rc)
        rc = hs6_field(pos, &f[1], &b);
    if (rc)
        return rc;
    return step_pair(c, a, b);
}

static int step_pair(step_ctx *c, uint32_t a, uint32_t b)
{
    hs_step *s = &c->t->steps[c->step];
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 8192;
        hs_link *g = realloc(s->by_new, cap * sizeof *g);
        if (!g)
            return LEVER_ENOMEM;
        s->by_new = g;
        s->cap = cap;
    }
    s->by_new[s->n++] = (hs_link){a, b};
    c->t->mask[a] |= (uint8_t)(1u << (c->step + 1));
    c->t->mask[b] |= (uint8_t)(1u << c->step);
    return LEVER_OK;
}

/* One step file: lines NEWCODE,OLDCODE[,...] read by hand, as the 44,000 lines of the
 * six files are read at every import (a line that is not two codes goes through the CSV
 * reader, for its quoting and its message). */
static int read_step(const char *path, step_ctx *ctx, char *err, size_t errlen)
{
    char *text = NULL;
    int rc = text_file_read(path, &text, err, errlen);
    if (rc)
        return rc;
    text_pos pos = {path, 0, err, errlen};
    char *cursor = text;
    bool first = true;
    for (char *line; !rc && (line = text_next_line(&cursor));) {
        pos.line++;
        if (text_blank_or_comment(line))
            continue;
        uint32_t a = 0, b = 0;
        const char *c = line;
        int da = 0, db = 0;
        for (; *c >= '0' && *c <= '9' && da < 7; c++, da++)
            a = a * 10 + (uint32_t)(*c - '0');
        if (*c == ',') {
            for (c++; *c >= '0' && *c <= '9' && db < 7; c++, db++)
                b = b * 10 + (uint32_t)(*c - '0');
        }
        if (da >= 5 && da <= 6 && db >= 5 && db <= 6 && (*c == ',' || *c == '\0')) {
            first = false;
            rc = step_pair(ctx, a, b);
            continue;
        }
        text_field fields[TEXT_MAX_FIELDS];
        int n = text_csv_fields(&pos, line, fields, 4);
        if (n < 0) {
            rc = -n;
            break;
        }
        if (first && step_header(ctx, fields, n)) {
            first = false;
            continue;
        }
        first = false;
        rc = step_row(ctx, &pos, fields, n);
    }
    free(text);
    return rc;
}

static int link_cmp(const void *x, const void *y)
{
    const hs_link *a = x, *b = y;
    if (a->a != b->a)
        return a->a < b->a ? -1 : 1;
    return a->b < b->b ? -1 : a->b > b->b;
}

int hs_tables_load(const char *dir, hs_tables **out, char *err, size_t errlen)
{
    *out = NULL;
    if (!dir || !dir[0])
        dir = hs_tables_default_dir();
    hs_tables *t = calloc(1, sizeof *t);
    if (!t || !(t->mask = calloc(HS_CODES, 1))) {
        free(t);
        snprintf(err, errlen, "out of memory reading the HS correlation tables");
        return LEVER_ENOMEM;
    }
    snprintf(t->dir, sizeof t->dir, "%s", dir);
    for (int s = 0; s < HS_N_EDITIONS - 1; s++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s_%s.csv", dir, editions[s + 1], editions[s]);
        step_ctx ctx = {t, s};
        int rc = read_step(path, &ctx, err, errlen);
        if (rc == LEVER_ENOMEM)
            snprintf(err, errlen, "out of memory reading %s", path);
        if (rc) {
            hs_tables_free(t);
            return rc;
        }
        hs_step *st = &t->steps[s];
        if (st->n == 0) {
            snprintf(err, errlen, "%s holds no links; give the folder of UNSD's correlation "
                                  "tables (see data/hs/README.md)",
                     path);
            hs_tables_free(t);
            return LEVER_EINPUT;
        }
        bool sorted = true; /* as hs-derive.sh writes them: no sort needed */
        for (size_t n = 1; n < st->n && sorted; n++)
            sorted = link_cmp(&st->by_new[n - 1], &st->by_new[n]) <= 0;
        if (!sorted)
            qsort(st->by_new, st->n, sizeof *st->by_new, link_cmp);
    }
    *out = t;
    return LEVER_OK;
}

void hs_tables_free(hs_tables *t)
{
    if (!t)
        return;
    for (int s = 0; s < HS_N_EDITIONS - 1; s++) {
        free(t->steps[s].by_new);
        free(t->steps[s].by_old);
    }
    free(t->mask);
    free(t);
}

const char *hs_tables_dir(const hs_tables *t)
{
    return t->dir;
}

uint8_t hs_code_editions(const hs_tables *t, uint32_t k)
{
    return k < HS_CODES ? t->mask[k] : 0;
}

/* The links of `from` code k in a sorted link array: appended to out (set semantics). */
static size_t add_links(const hs_link *l, size_t n, uint32_t k, uint32_t *out, size_t count,
                        size_t max)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (l[mid].a < k)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < n && l[lo].a == k; lo++) {
        bool seen = false;
        for (size_t c = 0; c < count && !seen; c++)
            seen = out[c] == l[lo].b;
        if (!seen && count >= max)
            return max + 1; /* more than max: the caller stops */
        if (!seen)
            out[count++] = l[lo].b;
    }
    return count;
}

static int u32_cmp(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return a < b ? -1 : a > b;
}

/* The links of a step by their older code, made the first time a conversion goes up
 * (most imports only check codes, and a conversion usually goes down). */
static const hs_link *links_by_old(hs_step *st)
{
    if (!st->by_old && (st->by_old = malloc(st->n * sizeof *st->by_old))) {
        for (size_t n = 0; n < st->n; n++)
            st->by_old[n] = (hs_link){st->by_new[n].b, st->by_new[n].a};
        qsort(st->by_old, st->n, sizeof *st->by_old, link_cmp);
    }
    return st->by_old;
}

size_t hs_targets(hs_tables *t, int from, int to, uint32_t k, uint32_t *out, size_t max)
{
    if (from < 0 || to < 0 || from >= HS_N_EDITIONS || to >= HS_N_EDITIONS || max == 0 ||
        k >= HS_CODES || !(t->mask[k] & (1u << from)))
        return 0;
    uint32_t cur[HS_MAX_TARGETS], next[HS_MAX_TARGETS];
    size_t n = 1;
    cur[0] = k;
    for (int e = from; e != to;) {
        int down = to < e;
        hs_step *s = &t->steps[down ? e - 1 : e];
        const hs_link *l = down ? s->by_new : links_by_old(s);
        if (!l)
            return 0;
        size_t m = 0;
        for (size_t c = 0; c < n && m <= HS_MAX_TARGETS; c++)
            m = add_links(l, s->n, cur[c], next, m, HS_MAX_TARGETS);
        if (m > HS_MAX_TARGETS)
            return max + 1;
        memcpy(cur, next, m * sizeof *cur);
        n = m;
        e += down ? -1 : 1;
    }
    qsort(cur, n, sizeof *cur, u32_cmp);
    if (n > max)
        return max + 1;
    memcpy(out, cur, n * sizeof *out);
    return n;
}
