/*
 * hs_select.c - a product selection read in one HS edition, for a store of another
 * (lever_selection_in_edition; INDICATORS.md section 13). `lever dyad` over a BACI HS92
 * store and a Comtrade HS22 store reads `--product 1001` once, in one stated edition, and
 * asks each store for the goods it means, under that store's codes.
 *
 * How: the codes of the reading edition that the query selects (HS prefixes: every code of
 * that edition in UNSD's tables; a product group: every code of the edition in it, with its
 * factor; words: the products of a store of that edition naming them) are linked to the
 * store's edition through the adjacent UNSD correlation tables (hs_editions.c), and the
 * selection holds the store's products among the codes reached. Nothing is split or
 * weighted: a code of the store's edition is in or out, whole. So when the links are not
 * one-to-one the answer covers the set of codes that holds P, and says so: which codes
 * were split over several, which merged into one, and which of the store's codes also hold
 * goods outside P (checked by linking the codes reached back to the reading edition).
 * Why in the library: the mapping is a fact about the data (which codes mean which goods),
 * the same for every command; the CLI only prints the note.
 */
#include "query.h"
#include "hs_editions.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_CODES 1000000u
#define MAX_LISTED 6 /* codes named per kind of difference in the note */

typedef struct code_set {
    uint8_t *in;     /* [N_CODES]: 1 when selected */
    double *factor;  /* [N_CODES]: the group factor of each selected code */
    uint32_t *list;  /* the selected codes, in order of arrival */
    size_t n, cap;
} code_set;

static bool set_init(code_set *c)
{
    memset(c, 0, sizeof *c);
    c->in = calloc(N_CODES, 1);
    c->factor = malloc(N_CODES * sizeof *c->factor);
    return c->in && c->factor;
}

static void set_free(code_set *c)
{
    free(c->in);
    free(c->factor);
    free(c->list);
}

static bool set_add(code_set *c, uint32_t k, double factor)
{
    if (k >= N_CODES || c->in[k])
        return true;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 256;
        uint32_t *grown = realloc(c->list, cap * sizeof *grown);
        if (!grown)
            return false;
        c->list = grown;
        c->cap = cap;
    }
    c->in[k] = 1;
    c->factor[k] = factor;
    c->list[c->n++] = k;
    return true;
}

static int u32_cmp(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return a < b ? -1 : a > b;
}

/* "100191, 100199" of a sorted list, at most MAX_LISTED then "and N more". */
static void add_codes(char *buf, size_t len, size_t *used, const uint32_t *codes, size_t n)
{
    for (size_t m = 0; m < n && m < MAX_LISTED; m++)
        text_appendf(buf, len, used, "%s%06u", m ? ", " : "", (unsigned)codes[m]);
    if (n > MAX_LISTED)
        text_appendf(buf, len, used, " and %zu more", n - MAX_LISTED);
}

/* The codes of edition e the query selects, into src. */
static int source_codes(const hs_tables *t, int e, const char *query, const lever_groups *g,
                        const lever_store *words_store, code_set *src, lever_error *err)
{
    const char *ed = hs_edition_name(e);
    int group = g ? lever_groups_find(g, query) : -1;
    if (group >= 0) {
        for (uint32_t k = 0; k < N_CODES; k++) {
            double f;
            if ((hs_code_editions(t, k) & (1u << e)) &&
                (f = lever_groups_factor(g, group, (int)k)) > 0 && !set_add(src, k, f))
                return error_set(err, LEVER_ENOMEM, "out of memory selecting products");
        }
        if (src->n == 0)
            return error_set(err, LEVER_ENOTFOUND, "product group '%s' holds no code of %s",
                             query, ed);
        return LEVER_OK;
    }
    char *text = strdup(query);
    if (!text)
        return error_set(err, LEVER_ENOMEM, "out of memory selecting products");
    int rc = LEVER_OK;
    char *save = NULL;
    for (char *part = strtok_r(text, ",", &save); part && !rc;
         part = strtok_r(NULL, ",", &save)) {
        while (isspace((unsigned char)*part))
            part++;
        size_t len = strlen(part);
        while (len && isspace((unsigned char)part[len - 1]))
            part[--len] = 0;
        if (!len)
            continue;
        size_t digits = strspn(part, "0123456789");
        if (digits == len && len <= 6) {
            uint32_t lo = (uint32_t)strtoul(part, NULL, 10), span = 1;
            for (size_t d = len; d < 6; d++)
                span *= 10;
            size_t before = src->n;
            for (uint32_t k = lo * span; k < (lo + 1) * span && k < N_CODES; k++)
                if ((hs_code_editions(t, k) & (1u << e)) && !set_add(src, k, 1.0))
                    rc = error_set(err, LEVER_ENOMEM, "out of memory selecting products");
            if (!rc && src->n == before)
                rc = error_set(err, LEVER_ENOTFOUND,
                               "no %s code starts with %s (--product is read in %s)", ed, part,
                               ed);
        } else if (!words_store) {
            rc = error_set(err, LEVER_EUSAGE,
                           "\"%s\": words name products of a store of %s; give HS codes", part,
                           ed);
        } else {
            lever_selection *sel = NULL;
            rc = lever_selection_parse(words_store, part, &sel, err);
            lever_info info;
            lever_get_info(words_store, &info);
            for (int p = 0; !rc && p < info.n_products; p++)
                if (lever_selection_has(sel, p)) {
                    lever_product pr;
                    lever_product_at(words_store, p, &pr);
                    if (!set_add(src, (uint32_t)pr.hs6, 1.0))
                        rc = error_set(err, LEVER_ENOMEM, "out of memory selecting products");
                }
            lever_selection_free(sel);
        }
    }
    free(text);
    return rc;
}

/* Links src (edition from) to edition to: the codes reached into dst, the note of what is
 * not one-to-one into note. */
static int link_codes(hs_tables *t, int from, int to, const code_set *src, code_set *dst,
                      const char *query, char *note, size_t note_len, lever_error *err)
{
    uint32_t out[HS_MAX_TARGETS];
    uint32_t *split = malloc((src->n + 1) * sizeof *split);
    uint16_t *arrivals = calloc(N_CODES, sizeof *arrivals);
    int rc = LEVER_OK;
    size_t n_split = 0, n_lost = 0;
    if (!split || !arrivals) {
        rc = error_set(err, LEVER_ENOMEM, "out of memory linking HS editions");
        goto done;
    }
    for (size_t m = 0; m < src->n; m++) {
        uint32_t k = src->list[m];
        size_t n = hs_targets(t, from, to, k, out, HS_MAX_TARGETS);
        if (n == 0)
            n_lost++;
        if (n > 1)
            split[n_split++] = k;
        for (size_t c = 0; c < n; c++) {
            if (arrivals[out[c]] < UINT16_MAX)
                arrivals[out[c]]++;
            if (!set_add(dst, out[c], src->factor[k])) {
                rc = error_set(err, LEVER_ENOMEM, "out of memory linking HS editions");
                goto done;
            }
        }
    }
    /* merged: a code reached from several; wider: one that also holds codes outside P */
    uint32_t *merged = malloc((dst->n + 1) * sizeof *merged);
    uint32_t *wider = malloc((dst->n + 1) * sizeof *wider);
    code_set outside; /* the codes of the reading edition outside P that they also hold */
    size_t n_merged = 0, n_wider = 0;
    bool outside_ok = set_init(&outside);
    if (!merged || !wider || !outside_ok) {
        free(merged);
        free(wider);
        set_free(&outside);
        rc = error_set(err, LEVER_ENOMEM, "out of memory linking HS editions");
        goto done;
    }
    for (size_t m = 0; m < dst->n; m++) {
        uint32_t k = dst->list[m];
        if (arrivals[k] > 1)
            merged[n_merged++] = k;
        size_t n = hs_targets(t, to, from, k, out, HS_MAX_TARGETS);
        bool wide = false;
        for (size_t c = 0; c < n; c++)
            if (!src->in[out[c]]) {
                wide = true;
                if (!set_add(&outside, out[c], 1.0))
                    rc = error_set(err, LEVER_ENOMEM, "out of memory linking HS editions");
            }
        if (wide)
            wider[n_wider++] = k;
    }
    if (outside.n)
        qsort(outside.list, outside.n, sizeof *outside.list, u32_cmp);
    qsort(split, n_split, sizeof *split, u32_cmp);
    qsort(merged, n_merged, sizeof *merged, u32_cmp);
    qsort(wider, n_wider, sizeof *wider, u32_cmp);
    uint32_t *reached = malloc((dst->n + 1) * sizeof *reached);
    if (!reached) {
        free(merged);
        free(wider);
        set_free(&outside);
        rc = error_set(err, LEVER_ENOMEM, "out of memory linking HS editions");
        goto done;
    }
    if (dst->n) {
        memcpy(reached, dst->list, dst->n * sizeof *reached);
        qsort(reached, dst->n, sizeof *reached, u32_cmp);
    }
    size_t used = 0;
    note[0] = 0;
    if (n_split || n_merged || n_wider || n_lost) {
        const char *fe = hs_edition_name(from), *te = hs_edition_name(to);
        text_appendf(note, note_len, &used, "--product %s (%s) read as %s ", query, fe, te);
        add_codes(note, note_len, &used, reached, dst->n);
        if (n_wider || n_lost)
            text_appendf(note, note_len, &used, ": not one-to-one; the figures are those of the %s "
                                            "codes that cover it, whole",
                     te);
        else
            text_appendf(note, note_len, &used, ": not one-to-one code by code, but the same goods "
                                            "as a whole (no code reached holds goods outside "
                                            "--product)");
        if (n_split) {
            text_appendf(note, note_len, &used, "; split over several %s codes: %s ", te, fe);
            add_codes(note, note_len, &used, split, n_split);
        }
        if (n_merged) {
            text_appendf(note, note_len, &used, "; merged with others into %s ", te);
            add_codes(note, note_len, &used, merged, n_merged);
        }
        if (n_wider) {
            text_appendf(note, note_len, &used, "; goods outside --product counted: %s ", te);
            add_codes(note, note_len, &used, wider, n_wider);
            text_appendf(note, note_len, &used, " also hold%s %s ", n_wider == 1 ? "s" : "", fe);
            add_codes(note, note_len, &used, outside.list, outside.n);
        }
        if (n_lost)
            text_appendf(note, note_len, &used, "; %zu %s code%s with no link to %s", n_lost, fe,
                     n_lost == 1 ? "" : "s", te);
    }
    free(reached);
    free(merged);
    free(wider);
    set_free(&outside);
done:
    free(split);
    free(arrivals);
    return rc;
}

int lever_selection_in_edition(const lever_store *s, const char *query, const char *hs,
                               const lever_groups *g, const lever_store *words_store,
                               const char *tables_dir, lever_selection **out, char *note,
                               size_t note_len, lever_error *err)
{
    *out = NULL;
    if (note_len)
        note[0] = 0;
    lever_info info;
    lever_get_info(s, &info);
    int from = hs_edition_index(hs ? hs : ""), to = hs_edition_index(info.hs_version);
    if (from < 0)
        return error_set(err, LEVER_EUSAGE, "unknown HS edition '%s': use HS92, HS96, HS02, "
                                            "HS07, HS12, HS17 or HS22",
                         hs ? hs : "");
    int group = g ? lever_groups_find(g, query) : -1;
    if (to == from)
        return group >= 0 ? lever_groups_selection(s, g, group, out, err)
                          : lever_selection_parse(s, query, out, err);
    if (to < 0)
        return error_set(err, LEVER_EUSAGE,
                         "this store's HS edition is unknown, so --product %s (%s) cannot be "
                         "read in it; re-import it with --hs",
                         query, hs);
    char msg[512];
    hs_tables *t = NULL;
    int rc = hs_tables_load(tables_dir, &t, msg, sizeof msg);
    if (rc)
        return error_set(err, rc, "%s", msg);
    code_set src, dst;
    bool ok = set_init(&src); /* both initialised, so that both can be freed */
    ok = set_init(&dst) && ok;
    char label[1024];
    if (!ok)
        rc = error_set(err, LEVER_ENOMEM, "out of memory selecting products");
    if (!rc)
        rc = source_codes(t, from, query, g, words_store, &src, err);
    if (!rc)
        rc = link_codes(t, from, to, &src, &dst, query, note, note_len, err);
    lever_selection *sel = NULL;
    if (!rc) {
        size_t used = 0;
        text_appendf(label, sizeof label, &used, "%s (%s) as %s ", query, hs_edition_name(from),
                 hs_edition_name(to));
        uint32_t *reached = malloc((dst.n + 1) * sizeof *reached);
        if (reached && dst.n) {
            memcpy(reached, dst.list, dst.n * sizeof *reached);
            qsort(reached, dst.n, sizeof *reached, u32_cmp);
            add_codes(label, sizeof label, &used, reached, dst.n);
        }
        free(reached);
        if (!(sel = selection_new(s, label)))
            rc = error_set(err, LEVER_ENOMEM, "out of memory selecting products");
    }
    for (int p = 0; !rc && p < info.n_products; p++) {
        lever_product pr;
        lever_product_at(s, p, &pr);
        if (pr.hs6 >= 0 && (uint32_t)pr.hs6 < N_CODES && dst.in[pr.hs6]) {
            selection_add(sel, p);
            if (!selection_set_factor(sel, p, dst.factor[pr.hs6]))
                rc = error_set(err, LEVER_ENOMEM, "out of memory selecting products");
        }
    }
    set_free(&src);
    set_free(&dst);
    hs_tables_free(t);
    if (rc) {
        lever_selection_free(sel);
        return rc;
    }
    *out = sel;
    return LEVER_OK;
}
