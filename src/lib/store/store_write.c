/*
 * store_write.c - turns the rows gathered by the importer into a store file.
 *
 * Steps: index countries and products (dictionary first, then codes seen in the
 * rows, names from iso-codes when the dictionary lacks them), radix-sort the rows
 * by (t, i, j, k) and reject duplicate keys (input already in that order, as BACI's
 * is, is used where it lies), narrow values and quantities to 4 bytes a row (the few
 * larger ones go to side tables), then hand the flow columns to the writer and, while
 * the disk takes them, build the aggregates on two threads: the importer side (the
 * permutation by (t, j, k, i) from a stable counting sort per year, the M(j,k) groups
 * with exact sums of squares) on one, the exporter side (X(i,k), W(k), X(i)) and the
 * median unit values on the other. They write disjoint arrays.
 *
 * Fresh memory is what an import costs most on a virtual machine, so with sorted input
 * the importer's arrays are reused in place (the import's rows are consumed by the
 * commit): exporter and importer codes become indices where they lie, product codes
 * narrow from 4 to 2 bytes, values and quantities from 8 to 4, and the halves this frees
 * hold the permutation and the scratch of the unit-value medians.
 *
 * All or nothing: store_out.c writes "<path>.tmp.XXXXXX" and renames it over <path>
 * only when complete and fsynced; any error removes it, so an existing store is never
 * touched by a failed import.
 */
#include "store_internal.h"
#include "store_writer.h"
#include "store_out.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>

__extension__ typedef unsigned __int128 u128;

#define NO_INDEX 0xFFFFu
#define HS6_LIMIT 1000000u

typedef struct sort_item {
    uint64_t key;
    uint64_t row; /* ordinal in the input rows */
} sort_item;

/* Everything computed before writing; arrays are malloc'd. */
typedef struct build {
    store_input *in;
    uint32_t C, P, Y;
    uint64_t R;
    uint16_t *country_of_code; /* [65536] code -> index or NO_INDEX */
    int32_t *product_of_hs6;   /* [HS6_LIMIT] hs6 -> index or -1 */
    store_country *countries;
    store_product *products;
    store_year *years;
    int32_t *year_values;
    int16_t year_of_t[65536]; /* year -> year index */
    bool borrowed_values;     /* v32, q32 lie in the import's own arrays */
    bool borrowed_keys;       /* so do fi, fj, fk */
    bool borrowed_by_imp;     /* by_imp lies in the free half of the values' array */
    double *scratch;          /* the free half of the quantities' array, or NULL */
    size_t scratch_len;       /* its bytes */
    uint32_t *scratch_imp;    /* the free half of the products' array, or NULL */
    size_t scratch_imp_len;   /* its bytes */
    store_mjk over_limit;     /* an M(j,k) too large to store, and its year index */
    uint32_t over_limit_year;
    char *strings;
    size_t strings_len, strings_cap;
    uint32_t sources_str;
    uint32_t converted_str;
    /* sorted columns; fi is for building only (the store gives exporters by offsets) */
    uint16_t *fi, *fj, *fk;
    uint32_t *v32, *q32;
    store_big *big_v, *big_q;
    uint64_t n_big_v, cap_big_v, n_big_q, cap_big_q;
    uint32_t *by_imp;
    uint64_t *exp_off, *imp_off, *mjk_off, *xik_off;
    store_mjk *mjk;
    uint64_t n_mjk, cap_mjk;
    store_xik *xik;
    uint64_t n_xik, cap_xik;
    uint64_t *m_j, *x_i, *w_k;
    double *uv_median;
    uint8_t *cover; /* [Y * C] COVER_* */
} build;

static int writer_fail(store_input *in, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int writer_fail(store_input *in, int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    msg_vfail(in->errmsg, in->errlen, rc, fmt, ap);
    va_end(ap);
    return rc;
}

static void writer_warn(store_input *in, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void writer_warn(store_input *in, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    msg_vsend(in->warn, in->ud, fmt, ap);
    va_end(ap);
}

static int oom(build *b)
{
    return writer_fail(b->in, LEVER_ENOMEM, "out of memory while building the store");
}

static uint32_t add_string(build *b, const char *s)
{
    if (!s || !*s)
        return 0;
    size_t len = strlen(s) + 1;
    if (b->strings_len + len > b->strings_cap) {
        size_t cap = b->strings_cap ? b->strings_cap * 2 : 65536;
        while (cap < b->strings_len + len)
            cap *= 2;
        char *p = realloc(b->strings, cap);
        if (!p)
            return UINT32_MAX;
        b->strings = p;
        b->strings_cap = cap;
    }
    memcpy(b->strings + b->strings_len, s, len);
    uint32_t off = (uint32_t)b->strings_len;
    b->strings_len += len;
    return off;
}

static void copy_code(char dst[4], const char *src)
{
    size_t n = strlen(src);
    if (n > 3)
        n = 3;
    memcpy(dst, src, n);
    memset(dst + n, 0, 4 - n);
}

/* ---- countries -------------------------------------------------------------------- */

/* Unknown codes named one by one; past this, one line counts the rest (a file of
 * thousands of unknown codes would otherwise bury the error that matters). */
enum { MAX_UNKNOWN_WARNINGS = 10 };

static int build_countries(build *b)
{
    store_input *in = b->in;
    const lever_rows *r = in->rows;
    b->country_of_code = malloc(65536 * sizeof *b->country_of_code);
    if (!b->country_of_code)
        return oom(b);
    /* first row using each code, for warnings with a location */
    uint64_t *first_use = malloc(65536 * sizeof *first_use);
    const dict_country **dict = calloc(65536, sizeof *dict);
    if (!first_use || !dict) {
        free(first_use);
        free(dict);
        return oom(b);
    }
    for (size_t c = 0; c < 65536; c++)
        first_use[c] = UINT64_MAX;
    for (size_t n = 0; n < in->n_countries; n++)
        dict[in->countries[n].code] = &in->countries[n];
    for (uint64_t n = r->n; n-- > 0;) {
        first_use[r->i[n]] = n;
        first_use[r->j[n]] = n;
    }
    uint32_t C = 0;
    for (size_t c = 0; c < 65536; c++)
        if (dict[c] || first_use[c] != UINT64_MAX)
            C++;
    if (C >= STORE_MAX_COUNTRIES) {
        free(first_use);
        free(dict);
        return writer_fail(in, LEVER_ELIMIT,
                           "too many distinct country codes (%u; a store holds at most %u, "
                           "and BACI has about 240): are the exporter and importer columns "
                           "the right ones, and are these trade files?",
                           C, (unsigned)STORE_MAX_COUNTRIES - 1);
    }
    b->countries = calloc(C ? C : 1, sizeof *b->countries);
    if (!b->countries) {
        free(first_use);
        free(dict);
        return oom(b);
    }
    int rc = LEVER_OK;
    uint32_t idx = 0, unknown = 0;
    for (size_t c = 0; c < 65536 && rc == LEVER_OK; c++) {
        b->country_of_code[c] = NO_INDEX;
        if (!dict[c] && first_use[c] == UINT64_MAX)
            continue;
        store_country *sc = &b->countries[idx];
        sc->code = (uint16_t)c;
        b->country_of_code[c] = (uint16_t)idx++;
        uint32_t name = 0, full = 0;
        if (dict[c]) {
            sc->known = 1;
            copy_code(sc->iso3, dict[c]->iso3);
            copy_code(sc->iso2, dict[c]->iso2);
            name = add_string(b, dict[c]->name);
            full = add_string(b, dict[c]->full_name ? dict[c]->full_name : dict[c]->name);
        } else {
            char iso3[4] = "", iso2[4] = "";
            char *nm = NULL, *fn = NULL;
            int found = baci_country((int)c, iso3, iso2, &nm, &fn);
            if (found == 0)
                found = isocodes_country((int)c, iso3, iso2, &nm, &fn);
            if (found < 0) {
                rc = writer_fail(in, LEVER_ENOMEM,
                                 "out of memory while reading country names, or the iso-codes "
                                 "file " LEVER_ISO_CODES_DIR "/iso_3166-1.json is damaged "
                                 "(reinstall the iso-codes package)");
            } else if (found) {
                sc->known = 1;
                copy_code(sc->iso3, iso3);
                copy_code(sc->iso2, iso2);
                name = add_string(b, nm);
                full = add_string(b, fn ? fn : nm);
            } else if (++unknown <= MAX_UNKNOWN_WARNINGS) {
                char where[512];
                in->locate_row(in->ud, first_use[c], where, sizeof where);
                writer_warn(in,
                            "%s: unknown country code %zu (not in the country dictionary nor "
                            "in ISO 3166): kept by number; import a BACI country_codes file to "
                            "name it",
                            where, c);
            }
            free(nm);
            free(fn);
        }
        if (name == UINT32_MAX || full == UINT32_MAX)
            rc = oom(b);
        sc->name = name;
        sc->full_name = full;
    }
    if (rc == LEVER_OK && unknown > MAX_UNKNOWN_WARNINGS)
        writer_warn(in, "%u more unknown country codes, kept by number (not listed: a file of "
                        "many unknown codes is usually not a BACI file, or lacks its dictionary)",
                    unknown - MAX_UNKNOWN_WARNINGS);
    b->C = C;
    free(first_use);
    free(dict);
    return rc;
}

/* ---- products --------------------------------------------------------------------- */

static int build_products(build *b)
{
    store_input *in = b->in;
    const lever_rows *r = in->rows;
    b->product_of_hs6 = malloc(HS6_LIMIT * sizeof *b->product_of_hs6);
    const dict_product **dict = calloc(HS6_LIMIT, sizeof *dict);
    if (!b->product_of_hs6 || !dict) {
        free(dict);
        return oom(b);
    }
    for (size_t k = 0; k < HS6_LIMIT; k++)
        b->product_of_hs6[k] = -1;
    for (size_t n = 0; n < in->n_products; n++)
        if (in->products[n].hs6 < HS6_LIMIT) {
            dict[in->products[n].hs6] = &in->products[n];
            b->product_of_hs6[in->products[n].hs6] = 0;
        }
    for (uint64_t n = 0; n < r->n; n++)
        b->product_of_hs6[r->k[n]] = 0;
    uint32_t P = 0;
    for (size_t k = 0; k < HS6_LIMIT; k++)
        if (b->product_of_hs6[k] == 0)
            P++;
    if (P > 65535) {
        free(dict);
        return writer_fail(in, LEVER_ELIMIT,
                           "too many distinct product codes (%u; a store holds at most 65535, "
                           "and an HS edition has about 5,400): is the product column the "
                           "right one, and are these trade files?", P);
    }
    b->products = calloc(P ? P : 1, sizeof *b->products);
    if (!b->products) {
        free(dict);
        return oom(b);
    }
    uint32_t idx = 0;
    for (size_t k = 0; k < HS6_LIMIT; k++) {
        if (b->product_of_hs6[k] != 0)
            continue;
        b->product_of_hs6[k] = (int32_t)idx;
        store_product *sp = &b->products[idx++];
        sp->hs6 = (uint32_t)k;
        const char *desc = dict[k] ? dict[k]->description : hs_chapter_name((int)(k / 10000));
        sp->description = add_string(b, desc);
        if (sp->description == UINT32_MAX) {
            free(dict);
            return oom(b);
        }
    }
    b->P = P;
    free(dict);
    return LEVER_OK;
}

/* ---- sorting ---------------------------------------------------------------------- */

static int bits_for(uint64_t n)
{
    int bits = 0;
    while (bits < 64 && (n >> bits) > 0)
        bits++;
    return bits;
}

/* LSD radix sort of items by key, 16 bits a pass; passes whose digit never varies are
 * skipped. Stable. */
static int radix_sort(sort_item *items, uint64_t n, int key_bits)
{
    if (n < 2)
        return LEVER_OK;
    sort_item *tmp = big_alloc(n * sizeof *tmp);
    uint64_t *count = malloc(65536 * sizeof *count);
    if (!tmp || !count) {
        big_free(tmp, n * sizeof *tmp);
        free(count);
        return LEVER_ENOMEM;
    }
    sort_item *src = items, *dst = tmp;
    for (int shift = 0; shift < key_bits; shift += 16) {
        memset(count, 0, 65536 * sizeof *count);
        for (uint64_t r = 0; r < n; r++)
            count[(src[r].key >> shift) & 0xFFFF]++;
        if (count[(src[0].key >> shift) & 0xFFFF] == n)
            continue;
        uint64_t sum = 0;
        for (size_t d = 0; d < 65536; d++) {
            uint64_t c = count[d];
            count[d] = sum;
            sum += c;
        }
        for (uint64_t r = 0; r < n; r++)
            dst[count[(src[r].key >> shift) & 0xFFFF]++] = src[r];
        sort_item *t = src;
        src = dst;
        dst = t;
    }
    if (src != items)
        memcpy(items, src, n * sizeof *items);
    big_free(tmp, n * sizeof *tmp);
    free(count);
    return LEVER_OK;
}

static int collect_years(build *b)
{
    const lever_rows *r = b->in->rows;
    uint8_t seen[65536 / 8] = {0};
    for (uint64_t n = 0; n < r->n; n++)
        seen[r->t[n] >> 3] |= (uint8_t)(1u << (r->t[n] & 7));
    uint32_t Y = 0;
    for (uint32_t t = 0; t < 65536; t++)
        if (seen[t >> 3] & (1u << (t & 7)))
            Y++;
    b->year_values = malloc(Y * sizeof *b->year_values);
    b->years = calloc(Y, sizeof *b->years);
    if (!b->year_values || !b->years)
        return oom(b);
    Y = 0;
    for (uint32_t t = 0; t < 65536; t++)
        if (seen[t >> 3] & (1u << (t & 7)))
            b->year_values[Y++] = (int32_t)t;
    b->Y = Y;
    for (uint32_t y = 0; y < Y; y++)
        b->year_of_t[b->year_values[y]] = (int16_t)y;
    return LEVER_OK;
}

static int duplicate_error(build *b, uint64_t a, uint64_t c)
{
    store_input *in = b->in;
    const lever_rows *r = in->rows;
    if (a > c) {
        uint64_t t = a;
        a = c;
        c = t;
    }
    char wa[512], wc[512];
    in->locate_row(in->ud, a, wa, sizeof wa);
    in->locate_row(in->ud, c, wc, sizeof wc);
    return writer_fail(in, LEVER_EINPUT,
                       "%s: duplicate flow (t=%u, i=%u, j=%u, k=%06u), first given at %s; each "
                       "(year, exporter, importer, product) must appear once: remove one, or do "
                       "not import the same file twice",
                       wc, r->t[c], r->i[c], r->j[c], r->k[c], wa);
}

typedef struct key_shape {
    int bc, bk;       /* bits of a country index and of a product index */
    int key_bits;
} key_shape;

static inline uint64_t row_key(const build *b, const key_shape *ks, const lever_rows *r,
                               uint64_t n)
{
    uint64_t key = (uint64_t)b->year_of_t[r->t[n]];
    key = (key << ks->bc) | b->country_of_code[r->i[n]];
    key = (key << ks->bc) | b->country_of_code[r->j[n]];
    return (key << ks->bk) | (uint64_t)b->product_of_hs6[r->k[n]];
}

static int alloc_index_columns(build *b)
{
    b->fi = big_alloc(b->R * sizeof *b->fi);
    b->fj = big_alloc(b->R * sizeof *b->fj);
    b->fk = big_alloc(b->R * sizeof *b->fk);
    return b->fi && b->fj && b->fk ? LEVER_OK : oom(b);
}

static void index_row(build *b, uint64_t at, const lever_rows *r, uint64_t n)
{
    b->fi[at] = b->country_of_code[r->i[n]];
    b->fj[at] = b->country_of_code[r->j[n]];
    b->fk[at] = (uint16_t)b->product_of_hs6[r->k[n]];
}

/* Year ranges from the sorted key of each row's year. */
static void year_ranges(build *b, const lever_rows *r, const sort_item *items)
{
    for (uint32_t y = 0; y < b->Y; y++) {
        b->years[y].year = b->year_values[y];
        for (size_t f = 0; f < b->in->n_year_flags; f++)
            if (b->in->year_flags[2 * f] == b->year_values[y])
                b->years[y].flags |= b->in->year_flags[2 * f + 1];
    }
    uint64_t start = 0;
    for (uint32_t y = 0; y < b->Y; y++) {
        uint64_t end = start;
        while (end < b->R && b->year_of_t[r->t[items ? items[end].row : end]] == (int)y)
            end++;
        b->years[y].row_start = start;
        b->years[y].row_count = end - start;
        start = end;
    }
}

/* Appends (row, value) to a table of large values; rows come in increasing order. */
static int push_big(store_big **t, uint64_t *n, uint64_t *cap, uint64_t row, uint64_t value)
{
    if (*n == *cap) {
        uint64_t c = *cap ? *cap * 2 : 1024;
        store_big *p = realloc(*t, c * sizeof *p);
        if (!p)
            return LEVER_ENOMEM;
        *t = p;
        *cap = c;
    }
    (*t)[(*n)++] = (store_big){row, value};
    return LEVER_OK;
}

/* The 4-byte forms of row n's value and quantity (large ones go to the side tables). */
static int narrow(build *b, uint64_t n, uint64_t v, int64_t q, uint32_t *v32, uint32_t *q32)
{
    *v32 = v < STORE_V_BIG ? (uint32_t)v : STORE_V_BIG;
    if (q == LEVER_QTY_MISSING)
        *q32 = STORE_Q_MISSING;
    else
        *q32 = (uint64_t)q < STORE_Q_BIG ? (uint32_t)q : STORE_Q_BIG;
    if (*v32 == STORE_V_BIG && push_big(&b->big_v, &b->n_big_v, &b->cap_big_v, n, v))
        return LEVER_ENOMEM;
    if (*q32 == STORE_Q_BIG && push_big(&b->big_q, &b->n_big_q, &b->cap_big_q, n, (uint64_t)q))
        return LEVER_ENOMEM;
    return LEVER_OK;
}

/* Narrows the import's 8-byte values and quantities to 4 bytes in place: row n's 4 bytes
 * go where bytes 4n.. of its array were, which row n / 2 already read (memcpy keeps the
 * compiler from assuming the two views never overlap). */
static int narrow_in_place(build *b, lever_rows *r)
{
    unsigned char *vb = (unsigned char *)r->v, *qb = (unsigned char *)r->q;
    for (uint64_t n = 0; n < b->R; n++) {
        uint64_t v;
        int64_t q;
        uint32_t v32, q32;
        memcpy(&v, vb + 8 * n, 8);
        memcpy(&q, qb + 8 * n, 8);
        if (narrow(b, n, v, q, &v32, &q32))
            return oom(b);
        memcpy(vb + 4 * n, &v32, 4);
        memcpy(qb + 4 * n, &q32, 4);
    }
    b->v32 = (uint32_t *)(void *)vb;
    b->q32 = (uint32_t *)(void *)qb;
    b->borrowed_values = true;
    /* the halves now free: the permutation (4 bytes a row) and the unit-value scratch */
    uintptr_t half_v = ((uintptr_t)vb + b->R * 4 + STORE_ALIGN - 1) / STORE_ALIGN * STORE_ALIGN;
    if (half_v + b->R * 4 <= (uintptr_t)vb + r->cap * 8) {
        b->by_imp = (uint32_t *)half_v;
        b->borrowed_by_imp = true;
    }
    uintptr_t half_q = ((uintptr_t)qb + b->R * 4 + STORE_ALIGN - 1) / STORE_ALIGN * STORE_ALIGN;
    if (half_q < (uintptr_t)qb + r->cap * 8) {
        b->scratch = (double *)half_q;
        b->scratch_len = (size_t)((uintptr_t)qb + r->cap * 8 - half_q);
    }
    return LEVER_OK;
}

/* Turns the import's codes into indices where they lie: exporters and importers keep
 * their 2 bytes, products narrow from 4 bytes to 2 (row n's 2 bytes go where row n / 2's
 * 4 began, already read); the freed half of the products' array becomes scratch. */
static void index_in_place(build *b, lever_rows *r)
{
    unsigned char *kb = (unsigned char *)r->k;
    for (uint64_t n = 0; n < b->R; n++) {
        r->i[n] = b->country_of_code[r->i[n]];
        r->j[n] = b->country_of_code[r->j[n]];
        uint32_t hs6;
        memcpy(&hs6, kb + 4 * n, 4);
        uint16_t k = (uint16_t)b->product_of_hs6[hs6];
        memcpy(kb + 2 * n, &k, 2);
    }
    b->fi = r->i;
    b->fj = r->j;
    b->fk = (uint16_t *)(void *)kb;
    b->borrowed_keys = true;
    /* the freed half: scratch of the importer side */
    uintptr_t half = ((uintptr_t)kb + b->R * 2 + STORE_ALIGN - 1) / STORE_ALIGN * STORE_ALIGN;
    if (half < (uintptr_t)kb + r->cap * 4) {
        b->scratch_imp = (uint32_t *)half;
        b->scratch_imp_len = (size_t)((uintptr_t)kb + r->cap * 4 - half);
    }
}

/* The raw year, exporter, importer and product columns, once the index columns hold them. */
static void free_raw_keys(lever_rows *r)
{
    big_free(r->t, r->cap * sizeof *r->t);
    big_free(r->i, r->cap * sizeof *r->i);
    big_free(r->j, r->cap * sizeof *r->j);
    big_free(r->k, r->cap * sizeof *r->k);
    r->t = r->i = r->j = NULL;
    r->k = NULL;
}

/* BACI files come sorted by (t, i, j, k); so does lever synth. Then the rows are used where
 * they lie: values and quantities are narrowed in the import's own arrays and only the
 * index columns are made. Returns 1 when sorted, 0 when not, or minus an error. */
static int take_sorted_rows(build *b, const key_shape *ks)
{
    lever_rows *r = b->in->rows;
    uint64_t prev = 0;
    for (uint64_t n = 0; n < b->R; n++) {
        uint64_t key = row_key(b, ks, r, n);
        if (n > 0 && key <= prev) {
            if (key == prev)
                return -duplicate_error(b, n - 1, n);
            return 0;
        }
        prev = key;
    }
    b->in->consumed = true;
    if (narrow_in_place(b, r))
        return -LEVER_ENOMEM;
    year_ranges(b, r, NULL);
    big_free(r->t, r->cap * sizeof *r->t);
    r->t = NULL;
    index_in_place(b, r);
    return 1;
}

/* Any order: radix sort of (key, row) pairs, then the columns gathered in key order. */
static int sort_and_gather(build *b, const key_shape *ks)
{
    store_input *in = b->in;
    lever_rows *r = in->rows;
    uint64_t R = b->R;
    sort_item *items = big_alloc(R * sizeof *items);
    if (!items)
        return oom(b);
    for (uint64_t n = 0; n < R; n++) {
        items[n].key = row_key(b, ks, r, n);
        items[n].row = n;
    }
    int rc = radix_sort(items, R, ks->key_bits) ? oom(b) : LEVER_OK;
    for (uint64_t n = 1; n < R && !rc; n++)
        if (items[n].key == items[n - 1].key)
            rc = duplicate_error(b, items[n - 1].row, items[n].row);
    if (!rc)
        rc = alloc_index_columns(b);
    if (!rc) {
        b->v32 = big_alloc(R * sizeof *b->v32);
        b->q32 = big_alloc(R * sizeof *b->q32);
        if (!b->v32 || !b->q32)
            rc = oom(b);
    }
    for (uint64_t n = 0; n < R && !rc; n++) {
        uint64_t o = items[n].row;
        index_row(b, n, r, o);
        if (narrow(b, n, r->v[o], r->q[o], &b->v32[n], &b->q32[n]))
            rc = oom(b);
    }
    if (!rc) {
        year_ranges(b, r, items);
        b->in->consumed = true;
        free_raw_keys(r);
    }
    big_free(items, R * sizeof *items);
    return rc;
}

/* Orders the rows by (t, i, j, k), rejects duplicate keys, and fills the flow columns. */
static int sort_rows(build *b)
{
    key_shape ks = {bits_for(b->C), bits_for(b->P), 0};
    ks.key_bits = bits_for(b->Y) + 2 * ks.bc + ks.bk;
    if (ks.key_bits > 64)
        return writer_fail(b->in, LEVER_ELIMIT, "too many distinct keys to sort");
    b->R = b->in->rows->n;
    int sorted = take_sorted_rows(b, &ks);
    if (sorted < 0)
        return -sorted;
    return sorted ? LEVER_OK : sort_and_gather(b, &ks);
}

/* ---- coverage --------------------------------------------------------------------- */

/* The importer hands the declarations over in the layout of their sections. */
_Static_assert(sizeof(row_decl) == sizeof(store_decl) && DECL_NONE == STORE_DECL_NONE &&
                   offsetof(row_decl, qm) == offsetof(store_decl, qm),
               "row_decl is written as store_decl");
_Static_assert(sizeof(reflow) == sizeof(store_reflow) &&
                   offsetof(reflow, kg) == offsetof(store_reflow, kg),
               "reflow is written as store_reflow");

/* The few countries whose flows make up every row of [lo, hi), found greedily (an extract
 * holds the flows of a few countries); more than MAX_EXTRACT_COUNTRIES means the year is
 * taken as whole, and so does a year of fewer than MIN_EXTRACT_WORLD countries (a small
 * made-up world). Returns how many were picked, or -1 for "whole". */
#define MAX_EXTRACT_COUNTRIES 16
#define MIN_EXTRACT_WORLD 30
static int extract_countries(build *b, uint64_t lo, uint64_t hi, uint16_t *picked,
                             uint32_t *left, uint64_t *count)
{
    uint64_t n_left = 0;
    for (uint64_t r = lo; r < hi; r++)
        left[n_left++] = (uint32_t)r;
    int n_picked = 0;
    while (n_left > 0) {
        if (n_picked == MAX_EXTRACT_COUNTRIES)
            return -1;
        memset(count, 0, b->C * sizeof *count);
        for (uint64_t n = 0; n < n_left; n++) {
            count[b->fi[left[n]]]++;
            count[b->fj[left[n]]]++;
        }
        uint16_t best = 0;
        for (uint32_t c = 1; c < b->C; c++)
            if (count[c] > count[best])
                best = (uint16_t)c;
        picked[n_picked++] = best;
        uint64_t kept = 0;
        for (uint64_t n = 0; n < n_left; n++)
            if (b->fi[left[n]] != best && b->fj[left[n]] != best)
                left[kept++] = left[n];
        n_left = kept;
    }
    return n_picked;
}

/* An extract: per year, the exports (imports) of the few countries its rows are made of. */
static int cover_extract(build *b)
{
    uint64_t most = 0;
    for (uint32_t y = 0; y < b->Y; y++)
        most = b->years[y].row_count > most ? b->years[y].row_count : most;
    uint32_t *left = malloc((most ? most : 1) * sizeof *left);
    uint64_t *count = malloc((b->C ? b->C : 1) * sizeof *count);
    if (!left || !count) {
        free(left);
        free(count);
        return oom(b);
    }
    for (uint32_t y = 0; y < b->Y; y++) {
        uint64_t lo = b->years[y].row_start, hi = lo + b->years[y].row_count;
        uint16_t picked[MAX_EXTRACT_COUNTRIES];
        /* countries that year: a toy world of a few countries is whole, not an extract */
        memset(count, 0, b->C * sizeof *count);
        uint32_t present = 0;
        for (uint64_t r = lo; r < hi; r++) {
            present += count[b->fi[r]]++ == 0;
            present += count[b->fj[r]]++ == 0;
        }
        int n = present < MIN_EXTRACT_WORLD ? -1
                                            : extract_countries(b, lo, hi, picked, left, count);
        uint8_t *row = b->cover + (size_t)y * b->C;
        if (n < 0) {
            memset(row, COVER_IMPORTS | COVER_EXPORTS, b->C);
            continue;
        }
        for (uint64_t r = lo; r < hi; r++)
            for (int p = 0; p < n; p++) {
                if (b->fi[r] == picked[p])
                    row[picked[p]] |= COVER_EXPORTS;
                if (b->fj[r] == picked[p])
                    row[picked[p]] |= COVER_IMPORTS;
            }
    }
    free(left);
    free(count);
    return LEVER_OK;
}

/* What the store holds completely, per year and country: everything for whole releases
 * (and synthetic worlds); for a Comtrade store, the imports (exports) of each country that
 * declared imports (exports) that year; for an extract, the flows of the few countries it
 * is made of. */
static int build_cover(build *b)
{
    const store_input *in = b->in;
    b->cover = calloc((size_t)b->Y * b->C + 1, 1);
    if (!b->cover)
        return oom(b);
    if (in->decl) {
        for (size_t n = 0; n < in->n_declared; n++) {
            const cover_item *d = &in->declared[n];
            uint16_t c = b->country_of_code[d->code];
            if (c == NO_INDEX || b->year_values[b->year_of_t[d->year]] != d->year)
                continue; /* a reporter or year whose records were all skipped */
            uint8_t f = d->flags;
            f |= (f & COVER_DECLARED_M ? COVER_IMPORTS : 0) |
                 (f & COVER_DECLARED_X ? COVER_EXPORTS : 0);
            b->cover[(size_t)b->year_of_t[d->year] * b->C + c] |= f;
        }
        return LEVER_OK;
    }
    if (in->complete || in->synthetic) {
        memset(b->cover, COVER_IMPORTS | COVER_EXPORTS, (size_t)b->Y * b->C);
        return LEVER_OK;
    }
    return cover_extract(b);
}

/* A Comtrade store's rows were made in (t, i, j, k) order, so its declarations are in row
 * order: checked here, value by value, before they are written. */
static int check_declarations(build *b)
{
    const row_decl *d = b->in->decl;
    if (!d)
        return LEVER_OK;
    for (uint64_t r = 0; r < b->R; r++) {
        uint64_t best = d[r].vm != DECL_NONE ? d[r].vm : d[r].vx;
        if (narrow_v(b->v32, b->big_v, b->n_big_v, r) != best)
            return writer_fail(b->in, LEVER_EINPUT,
                               "internal error: the declarations of row %llu are out of order",
                               (unsigned long long)r);
    }
    return LEVER_OK;
}

/* ---- aggregates ------------------------------------------------------------------- */

static int grow_mjk(build *b)
{
    if (b->n_mjk < b->cap_mjk)
        return LEVER_OK;
    uint64_t cap = b->cap_mjk ? b->cap_mjk * 2 : 65536;
    store_mjk *p = realloc(b->mjk, cap * sizeof *p);
    if (!p)
        return LEVER_ENOMEM;
    b->mjk = p;
    b->cap_mjk = cap;
    return LEVER_OK;
}

static int grow_xik(build *b)
{
    if (b->n_xik < b->cap_xik)
        return LEVER_OK;
    uint64_t cap = b->cap_xik ? b->cap_xik * 2 : 65536;
    store_xik *p = realloc(b->xik, cap * sizeof *p);
    if (!p)
        return LEVER_ENOMEM;
    b->xik = p;
    b->cap_xik = cap;
    return LEVER_OK;
}

/* Puts the k-th smallest of v[0..n) at v[k], smaller ones before it (quickselect). */
static void select_kth(double *v, uint64_t n, uint64_t k)
{
    uint64_t lo = 0, hi = n - 1;
    while (lo < hi) {
        double pivot = v[lo + (hi - lo) / 2];
        uint64_t i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i <= j) {
                double t = v[i];
                v[i] = v[j];
                v[j] = t;
                i++;
                if (j == 0)
                    break;
                j--;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return;
    }
}

/* Median of n unit values (the mean of the two middle ones when n is even). */
static double median_of(double *v, uint64_t n)
{
    uint64_t k = n / 2;
    select_kth(v, n, k);
    if (n % 2)
        return v[k];
    double below = v[0];
    for (uint64_t i = 1; i < k; i++)
        if (v[i] > below)
            below = v[i];
    return (below + v[k]) / 2.0;
}

/* Importer side of one year: stable counting sort of the year's rows by (j, k) gives the
 * permutation by (j, k, i) (rows are already by i inside), and the M(j,k) groups. */
static int build_importer_side(build *b, uint32_t y, uint32_t *count, uint32_t *vs)
{
    const store_year *yr = &b->years[y];
    uint64_t lo = yr->row_start, hi = lo + yr->row_count;
    uint64_t buckets = (uint64_t)b->C * b->P;
    memset(count, 0, (buckets + 1) * sizeof *count);
    for (uint64_t r = lo; r < hi; r++)
        count[(uint64_t)b->fj[r] * b->P + b->fk[r] + 1]++;
    for (uint64_t d = 0; d < buckets; d++)
        count[d + 1] += count[d];
    /* count[d] is now the start of bucket d relative to lo */
    uint64_t *mjk_off = b->mjk_off + (size_t)y * (b->C + 1);
    uint64_t *imp_off = b->imp_off + (size_t)y * (b->C + 1);
    yr = &b->years[y];
    b->years[y].mjk_start = b->n_mjk;
    for (uint32_t j = 0; j <= b->C; j++)
        imp_off[j] = lo + (j < b->C ? count[(uint64_t)j * b->P] : (hi - lo));
    uint32_t jcur = 0;
    for (uint64_t d = 0; d < buckets; d++) {
        uint32_t j = (uint32_t)(d / b->P);
        while (jcur <= j)
            mjk_off[jcur++] = b->n_mjk;
        if (count[d + 1] == count[d])
            continue;
        if (grow_mjk(b))
            return LEVER_ENOMEM;
        store_mjk *e = &b->mjk[b->n_mjk++];
        memset(e, 0, sizeof *e);
        e->j = (uint16_t)j;
        e->k = (uint16_t)(d % b->P);
        e->imp_pos = (uint32_t)(lo + count[d]);
    }
    while (jcur <= b->C)
        mjk_off[jcur++] = b->n_mjk;
    b->years[y].mjk_count = b->n_mjk - b->years[y].mjk_start;
    /* the permutation, and each row's 4-byte value beside it (vs, by position in the
     * year): the sums below then read the values in order instead of at random */
    for (uint64_t r = lo; r < hi; r++) {
        uint64_t d = (uint64_t)b->fj[r] * b->P + b->fk[r];
        uint64_t at = count[d]++;
        b->by_imp[lo + at] = (uint32_t)r;
        vs[at] = b->v32[r];
    }
    /* sums per (j, k) group */
    for (uint64_t e = b->years[y].mjk_start; e < b->n_mjk; e++) {
        store_mjk *g = &b->mjk[e];
        uint64_t end = e + 1 < b->n_mjk ? b->mjk[e + 1].imp_pos : hi;
        u128 sq = 0, wide_m = 0; /* wide_m: a sum of absurd values cannot wrap unseen */
        uint32_t ns = 0;
        for (uint64_t p = g->imp_pos; p < end; p++) {
            uint32_t x = vs[p - lo];
            uint64_t v = x != STORE_V_BIG ? x : big_find(b->big_v, b->n_big_v,
                                                                   b->by_imp[p]);
            wide_m += v;
            sq += (u128)v * v;
            ns++;
        }
        if (wide_m >= STORE_MJK_LIMIT) {
            b->over_limit = *g;
            b->over_limit_year = y;
            return LEVER_ELIMIT;
        }
        uint64_t m = (uint64_t)wide_m;
        g->m = m;
        g->n_suppliers = ns;
        g->sumsq_lo = (uint64_t)sq;
        g->sumsq_hi = (uint32_t)(sq >> 64);
        b->m_j[(size_t)y * b->C + g->j] += m;
    }
    return LEVER_OK;
}

/* Exporter side of one year: X(i,k), destinations, largest flow; W(k); X(i). */
static int build_exporter_side(build *b, uint32_t y, uint64_t *acc_x, uint64_t *acc_max,
                               uint32_t *acc_n)
{
    const store_year *yr = &b->years[y];
    uint64_t lo = yr->row_start, hi = lo + yr->row_count;
    uint64_t *exp_off = b->exp_off + (size_t)y * (b->C + 1);
    uint64_t *xik_off = b->xik_off + (size_t)y * (b->C + 1);
    b->years[y].xik_start = b->n_xik;
    uint64_t r = lo;
    for (uint32_t i = 0; i < b->C; i++) {
        exp_off[i] = r;
        xik_off[i] = b->n_xik;
        uint64_t start = r;
        while (r < hi && b->fi[r] == i) {
            uint16_t k = b->fk[r];
            uint64_t v = narrow_v(b->v32, b->big_v, b->n_big_v, r);
            acc_x[k] += v;
            acc_n[k]++;
            if (v > acc_max[k])
                acc_max[k] = v;
            r++;
        }
        if (r == start)
            continue;
        uint64_t xi = 0;
        for (uint32_t k = 0; k < b->P; k++) {
            if (!acc_n[k])
                continue;
            if (grow_xik(b))
                return LEVER_ENOMEM;
            store_xik *e = &b->xik[b->n_xik++];
            e->i = (uint16_t)i;
            e->k = (uint16_t)k;
            e->n_dest = acc_n[k];
            e->x = acc_x[k];
            e->vmax = acc_max[k];
            xi += acc_x[k];
            b->w_k[(size_t)y * b->P + k] += acc_x[k];
            acc_x[k] = acc_max[k] = 0;
            acc_n[k] = 0;
        }
        b->x_i[(size_t)y * b->C + i] = xi;
    }
    exp_off[b->C] = hi;
    xik_off[b->C] = b->n_xik;
    b->years[y].xik_count = b->n_xik - b->years[y].xik_start;
    return LEVER_OK;
}

/* World median unit value of each product in year y, over flows with a quantity. */
static int build_unit_values(build *b, uint32_t y, uint64_t *count, double *values)
{
    const store_year *yr = &b->years[y];
    uint64_t lo = yr->row_start, hi = lo + yr->row_count;
    memset(count, 0, (b->P + 1) * sizeof *count);
    for (uint64_t r = lo; r < hi; r++)
        if (b->q32[r] != 0 && b->q32[r] != STORE_Q_MISSING)
            count[b->fk[r] + 1]++;
    for (uint32_t k = 0; k < b->P; k++)
        count[k + 1] += count[k];
    for (uint64_t r = lo; r < hi; r++)
        if (b->q32[r] != 0 && b->q32[r] != STORE_Q_MISSING)
            values[count[b->fk[r]]++] =
                unit_value(narrow_v(b->v32, b->big_v, b->n_big_v, r),
                           narrow_q(b->q32, b->big_q, b->n_big_q, r));
    /* count[k] is now the end of product k's values */
    uint64_t start = 0;
    for (uint32_t k = 0; k < b->P; k++) {
        uint64_t end = count[k];
        b->uv_median[(size_t)y * b->P + k] = end > start ? median_of(values + start, end - start)
                                                         : NAN;
        start = end;
    }
    return LEVER_OK;
}

/* The importer side of every year (one thread). */
/* The rows of the largest year. */
static uint64_t max_year_rows(const build *b)
{
    uint64_t max_rows = 0;
    for (uint32_t y = 0; y < b->Y; y++)
        if (b->years[y].row_count > max_rows)
            max_rows = b->years[y].row_count;
    return max_rows;
}

static void *importer_side(void *arg)
{
    build *b = arg;
    uint32_t *count = malloc(((uint64_t)b->C * b->P + 1) * sizeof *count);
    uint64_t max_rows = max_year_rows(b);
    size_t vs_len = (max_rows + 1) * sizeof(uint32_t);
    bool own_vs = vs_len > b->scratch_imp_len;
    uint32_t *vs = own_vs ? big_alloc(vs_len) : b->scratch_imp;
    intptr_t rc = count && vs ? LEVER_OK : LEVER_ENOMEM;
    for (uint32_t y = 0; y < b->Y && rc == LEVER_OK; y++)
        rc = build_importer_side(b, y, count, vs);
    free(count);
    if (own_vs)
        big_free(vs, vs_len);
    return (void *)rc;
}

/* The exporter side and the unit-value medians of every year (the other thread). */
static void *exporter_side(void *arg)
{
    build *b = arg;
    uint64_t *acc_x = calloc(b->P, sizeof *acc_x);
    uint64_t *acc_max = calloc(b->P, sizeof *acc_max);
    uint32_t *acc_n = calloc(b->P, sizeof *acc_n);
    uint64_t max_rows = max_year_rows(b);
    size_t values_len = (max_rows + 1) * sizeof(double);
    bool own_values = values_len > b->scratch_len;
    double *values = own_values ? big_alloc(values_len) : b->scratch;
    uint64_t *pcount = malloc((b->P + 1) * sizeof *pcount);
    intptr_t rc = acc_x && acc_max && acc_n && values && pcount ? LEVER_OK : LEVER_ENOMEM;
    for (uint32_t y = 0; y < b->Y && rc == LEVER_OK; y++) {
        rc = build_exporter_side(b, y, acc_x, acc_max, acc_n);
        if (!rc)
            rc = build_unit_values(b, y, pcount, values);
    }
    free(acc_x);
    free(acc_max);
    free(acc_n);
    if (own_values)
        big_free(values, values_len);
    free(pcount);
    return (void *)rc;
}

static int build_aggregates(build *b)
{
    size_t offs = (size_t)b->Y * (b->C + 1);
    if (!b->by_imp)
        b->by_imp = big_alloc(b->R * sizeof *b->by_imp);
    b->exp_off = calloc(offs, sizeof *b->exp_off);
    b->imp_off = calloc(offs, sizeof *b->imp_off);
    b->mjk_off = calloc(offs, sizeof *b->mjk_off);
    b->xik_off = calloc(offs, sizeof *b->xik_off);
    b->m_j = calloc((size_t)b->Y * b->C, sizeof *b->m_j);
    b->x_i = calloc((size_t)b->Y * b->C, sizeof *b->x_i);
    b->w_k = calloc((size_t)b->Y * b->P, sizeof *b->w_k);
    b->uv_median = calloc((size_t)b->Y * b->P, sizeof *b->uv_median);
    if (!b->by_imp || !b->exp_off || !b->imp_off || !b->mjk_off || !b->xik_off || !b->m_j ||
        !b->x_i || !b->w_k || !b->uv_median)
        return oom(b);
    /* the two sides share only read-only columns; each writes its own arrays */
    pthread_t other;
    bool threaded = b->in->threads != 1 && pthread_create(&other, NULL, exporter_side, b) == 0;
    intptr_t rc_imp = (intptr_t)importer_side(b), rc_exp;
    if (threaded) {
        void *ret;
        pthread_join(other, &ret);
        rc_exp = (intptr_t)ret;
    } else {
        rc_exp = (intptr_t)exporter_side(b);
    }
    if (rc_imp == LEVER_ELIMIT)
        return writer_fail(b->in, LEVER_ELIMIT,
                           "imports of product %06u into country %u in %d add up to 2^48 USD "
                           "(281 trillion) or more, beyond any real trade; check that the "
                           "values are thousands of USD, as in BACI",
                           b->products[b->over_limit.k].hs6,
                           b->countries[b->over_limit.j].code,
                           b->years[b->over_limit_year].year);
    return rc_imp || rc_exp ? oom(b) : LEVER_OK;
}

/* ---- writing ---------------------------------------------------------------------- */

/* The sections that are final once the rows are sorted: strings, dictionaries, flows. */
static void hand_over_rows(build *b, store_out *o)
{
    store_out_section(o, SEC_STRINGS, 1, b->strings, b->strings_len);
    store_out_section(o, SEC_COUNTRIES, sizeof(store_country), b->countries,
                      b->C * sizeof(store_country));
    store_out_section(o, SEC_PRODUCTS, sizeof(store_product), b->products,
                      b->P * sizeof(store_product));
    store_out_section(o, SEC_FLOW_J, 2, b->fj, b->R * 2);
    store_out_section(o, SEC_FLOW_K, 2, b->fk, b->R * 2);
    store_out_section(o, SEC_FLOW_V, 4, b->v32, b->R * 4);
    store_out_section(o, SEC_FLOW_Q, 4, b->q32, b->R * 4);
    store_out_section(o, SEC_BIG_V, sizeof(store_big), b->big_v, b->n_big_v * sizeof(store_big));
    store_out_section(o, SEC_BIG_Q, sizeof(store_big), b->big_q, b->n_big_q * sizeof(store_big));
}

/* The rest, once the aggregates are built; then the header. */
static int hand_over_aggregates(build *b, store_out *o)
{
    uint64_t offs = (uint64_t)b->Y * (b->C + 1) * 8;
    store_out_section(o, SEC_BY_IMP, 4, b->by_imp, b->R * 4);
    store_out_section(o, SEC_EXP_OFF, 8, b->exp_off, offs);
    store_out_section(o, SEC_IMP_OFF, 8, b->imp_off, offs);
    store_out_section(o, SEC_MJK, sizeof(store_mjk), b->mjk, b->n_mjk * sizeof(store_mjk));
    store_out_section(o, SEC_MJK_OFF, 8, b->mjk_off, offs);
    store_out_section(o, SEC_XIK, sizeof(store_xik), b->xik, b->n_xik * sizeof(store_xik));
    store_out_section(o, SEC_XIK_OFF, 8, b->xik_off, offs);
    store_out_section(o, SEC_M_J, 8, b->m_j, (uint64_t)b->Y * b->C * 8);
    store_out_section(o, SEC_X_I, 8, b->x_i, (uint64_t)b->Y * b->C * 8);
    store_out_section(o, SEC_W_K, 8, b->w_k, (uint64_t)b->Y * b->P * 8);
    store_out_section(o, SEC_UV_MEDIAN, 8, b->uv_median, (uint64_t)b->Y * b->P * 8);
    store_out_section(o, SEC_YEARS, sizeof(store_year), b->years, b->Y * sizeof(store_year));
    const store_input *in = b->in;
    store_out_section(o, SEC_DECL, sizeof(store_decl), in->decl,
                      in->decl ? b->R * sizeof(store_decl) : 0);
    store_out_section(o, SEC_COVER, 1, b->cover, (uint64_t)b->Y * b->C);
    store_out_section(o, SEC_REFLOWS, sizeof(store_reflow), in->reflows,
                      in->n_reflows * sizeof(store_reflow));

    store_header h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, STORE_MAGIC, 8);
    h.format_version = STORE_FORMAT_VERSION;
    h.header_bytes = STORE_HEADER_BYTES;
    h.flags = (b->in->synthetic ? STORE_FLAG_SYNTHETIC : 0) |
              (b->in->decl ? STORE_FLAG_COMTRADE : 0);
    h.rows = b->R;
    h.n_years = b->Y;
    h.n_countries = b->C;
    h.n_products = b->P;
    snprintf(h.hs_version, sizeof h.hs_version, "%s", b->in->hs_version);
    snprintf(h.release, sizeof h.release, "%s", b->in->release);
    h.sources = b->sources_str;
    h.converted = b->converted_str;
    return store_out_finish(o, &h);
}

/* The last component of a path: stores record where data came from, not where it sat. */
static const char *file_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static int sources_string(build *b)
{
    size_t len = 1;
    for (size_t n = 0; n < b->in->n_sources; n++)
        len += strlen(b->in->sources[n]) + 2;
    char *s = malloc(len);
    if (!s)
        return oom(b);
    s[0] = '\0';
    size_t at = 0;
    for (size_t n = 0; n < b->in->n_sources; n++)
        at += (size_t)snprintf(s + at, len - at, "%s%s", n ? "; " : "",
                               file_name(b->in->sources[n]));
    b->sources_str = add_string(b, s);
    free(s);
    if (b->sources_str == UINT32_MAX)
        return oom(b);
    b->converted_str = add_string(b, b->in->converted ? b->in->converted : "");
    return b->converted_str == UINT32_MAX ? oom(b) : LEVER_OK;
}

static void build_free(build *b)
{
    free(b->country_of_code);
    free(b->product_of_hs6);
    free(b->countries);
    free(b->products);
    free(b->years);
    free(b->year_values);
    free(b->strings);
    if (!b->borrowed_keys) {
        big_free(b->fi, b->R * sizeof *b->fi);
        big_free(b->fj, b->R * sizeof *b->fj);
        big_free(b->fk, b->R * sizeof *b->fk);
    }
    if (!b->borrowed_by_imp)
        big_free(b->by_imp, b->R * sizeof *b->by_imp);
    if (!b->borrowed_values) {
        big_free(b->v32, b->R * sizeof *b->v32);
        big_free(b->q32, b->R * sizeof *b->q32);
    }
    free(b->big_v);
    free(b->big_q);
    free(b->exp_off);
    free(b->imp_off);
    free(b->mjk_off);
    free(b->xik_off);
    free(b->mjk);
    free(b->xik);
    free(b->m_j);
    free(b->x_i);
    free(b->w_k);
    free(b->uv_median);
    free(b->cover);
}

int store_write(store_input *in, const char *path)
{
    if (!store_host_little_endian())
        return writer_fail(in, LEVER_EVERSION,
                           "this host is big-endian and the store format little-endian: lever "
                           "cannot write stores here; import on a little-endian machine");
    if (in->rows->n == 0)
        return writer_fail(in, LEVER_EINPUT,
                           "no trade rows to import: the inputs hold no flows (only dictionaries, "
                           "a header, or aggregate partners); give a BACI or Comtrade flow file");
    if (in->rows->n > UINT32_MAX)
        return writer_fail(in, LEVER_ELIMIT, "more than %u rows in one store", UINT32_MAX);
    build b;
    memset(&b, 0, sizeof b);
    b.in = in;
    int rc = add_string(&b, "x") == UINT32_MAX ? oom(&b) : LEVER_OK; /* reserve offset 0 = "" */
    if (!rc) {
        b.strings[0] = '\0';
        b.strings_len = 1;
        rc = build_countries(&b);
    }
    if (!rc)
        rc = build_products(&b);
    if (!rc)
        rc = sources_string(&b);
    if (!rc)
        rc = collect_years(&b);
    if (!rc)
        rc = sort_rows(&b);
    if (!rc)
        rc = check_declarations(&b);
    if (!rc)
        rc = build_cover(&b);
    store_out *o = NULL;
    if (!rc)
        rc = store_out_open(in->errmsg, in->errlen, path, &o);
    if (!rc) {
        hand_over_rows(&b, o);
        rc = build_aggregates(&b);
        if (rc)
            store_out_abort(o);
        else
            rc = hand_over_aggregates(&b, o); /* frees o */
    }
    build_free(&b);
    return rc;
}
