/*
 * store_internal.h - the open store as the measures read it: the handle (every
 * section mapped in place), inline accessors for the row ranges and precomputed
 * sums, product selections, HS prefixes, and the names of countries and chapters.
 * Only the store stage and the measures include it.
 *
 * Why inline accessors over the raw mapped arrays: a leverage pass reads millions of
 * rows; each access is an index into a mapped array, with no call and no copy.
 * The handle holds nothing a query writes: every field is set by lever_open and only
 * read afterwards, so one store may be queried from several threads at once.
 */
#ifndef LEVER_STORE_INTERNAL_H
#define LEVER_STORE_INTERNAL_H

#include "base.h"
#include "format.h"

/* ------------------------------------------------------------------ */
/* Open store                                                          */
/* ------------------------------------------------------------------ */

struct lever_store {
    int fd;
    const uint8_t *map;
    size_t map_len;
    const store_header *hdr;
    const store_section *sections[SEC_COUNT_PLUS_ONE];
    uint32_t n_years, n_countries, n_products;
    uint64_t rows;
    const char *strings;
    uint64_t strings_len;
    const store_country *countries;
    const store_product *products;
    const store_year *years;
    const uint16_t *fj, *fk;
    const uint32_t *v32, *q32; /* read through store_v and store_q */
    const store_big *big_v, *big_q;
    uint64_t n_big_v, n_big_q;
    const uint64_t *exp_off, *imp_off, *mjk_off, *xik_off;
    const uint32_t *by_imp;
    const store_mjk *mjk;
    const store_xik *xik;
    const uint64_t *m_j, *x_i, *w_k;
    const double *uv_median;
    const store_decl *decl;   /* NULL unless STORE_FLAG_COMTRADE */
    const uint8_t *cover;     /* [n_years * C] COVER_* */
    const store_reflow *reflows;
    uint64_t n_reflows;
};

static inline const char *store_str(const lever_store *s, uint32_t off)
{
    return off < s->strings_len ? s->strings + off : "";
}

/* Row range [*lo, *hi) of exporter c in year index y (sorted by j, k inside). */
static inline void store_exporter_rows(const lever_store *s, int y, int c, uint64_t *lo,
                                       uint64_t *hi)
{
    const uint64_t *o = s->exp_off + (size_t)y * (s->n_countries + 1u);
    *lo = o[c];
    *hi = o[c + 1];
}

/* The M(j,k) entries of importer j in year index y, sorted by k: [*first, *end). */
static inline void store_importer_entries(const lever_store *s, int y, int j,
                                          const store_mjk **first, const store_mjk **end)
{
    const uint64_t *o = s->mjk_off + (size_t)y * (s->n_countries + 1u);
    *first = s->mjk + o[j];
    *end = s->mjk + o[j + 1];
}

/* The X(i,k) entries of exporter i in year index y, sorted by k: [*first, *end). */
static inline void store_exporter_entries(const lever_store *s, int y, int i,
                                          const store_xik **first, const store_xik **end)
{
    const uint64_t *o = s->xik_off + (size_t)y * (s->n_countries + 1u);
    *first = s->xik + o[i];
    *end = s->xik + o[i + 1];
}

/* The whole value of a marked row, from a table sorted by row (0 if absent: a damaged store). */
uint64_t store_big_lookup(const store_big *t, uint64_t n, uint64_t row);

/* Value (USD) and quantity (kg, or LEVER_QTY_MISSING) of row r of 4-byte columns. */
static inline uint64_t column_v(const uint32_t *v32, const store_big *big, uint64_t n_big,
                                uint64_t r)
{
    uint32_t x = v32[r];
    return x != STORE_V_BIG ? x : store_big_lookup(big, n_big, r);
}
static inline int64_t column_q(const uint32_t *q32, const store_big *big, uint64_t n_big,
                               uint64_t r)
{
    uint32_t x = q32[r];
    if (x < STORE_Q_BIG)
        return x;
    return x == STORE_Q_MISSING ? LEVER_QTY_MISSING : (int64_t)store_big_lookup(big, n_big, r);
}
static inline uint64_t store_v(const lever_store *s, uint64_t r)
{
    return column_v(s->v32, s->big_v, s->n_big_v, r);
}
static inline int64_t store_q(const lever_store *s, uint64_t r)
{
    return column_q(s->q32, s->big_q, s->n_big_q, r);
}

/* Exporter index of row r of year index y (rows carry no exporter column: the exporter
 * offsets give it, by binary search over the year's C + 1 offsets). */
int store_row_exporter(const lever_store *s, int y, uint64_t r);

/* Row range [*lo, *hi) of the dyad i->j in year index y, sorted by k (binary search on j). */
void store_dyad_rows(const lever_store *s, int y, int i, int j, uint64_t *lo, uint64_t *hi);

/* M(j) and X(i) in year index y. */
static inline uint64_t store_m_j(const lever_store *s, int y, int j)
{
    return s->m_j[(size_t)y * s->n_countries + (size_t)j];
}
static inline uint64_t store_x_i(const lever_store *s, int y, int i)
{
    return s->x_i[(size_t)y * s->n_countries + (size_t)i];
}
static inline uint64_t store_w_k(const lever_store *s, int y, int k)
{
    return s->w_k[(size_t)y * s->n_products + (size_t)k];
}
/* Entry of M(j,k) for year index y, or NULL when j imports no k that year. */
const store_mjk *store_find_mjk(const lever_store *s, int y, int j, int k);
/* Entry of X(i,k) for year index y, or NULL when i exports no k that year. */
const store_xik *store_find_xik(const lever_store *s, int y, int i, int k);
/* Total world value W in year index y (sum of W(k)). */
uint64_t store_world_total(const lever_store *s, int y);


/* ------------------------------------------------------------------ */
/* Names and lookups (isocodes.c, baci_codes.c, hs_chapters.c, lookup.c) */
/* ------------------------------------------------------------------ */

/* Country name and codes from Debian's iso-codes for a numeric code; 0 when unknown. */
int isocodes_country(int numeric, char iso3[4], char iso2[4], char **name, char **full_name);
/* The same for the codes BACI uses that are not ISO 3166 numeric (251 France, 842 USA, ...). */
int baci_country(int code, char iso3[4], char iso2[4], char **name, char **full_name);
/* HS chapter names (hs_chapters.c): "Cereals" for 10; NULL for unknown chapters. */
const char *hs_chapter_name(int chapter);

/* HS code prefixes (lookup.c), one reading for every parser. */
typedef struct hs_prefix {
    int digits; /* 2, 4 or 6 */
    int value;  /* the prefix as a number: 1101 */
} hs_prefix;
/* Reads [text, text+len): 2, 4 or 6 digits, or 1, 3 or 5 when the leading zero of chapters
 * 01-09 was dropped (as BACI does: "71120" is 071120); false when it is not a prefix. */
bool hs_prefix_parse(const char *text, size_t len, hs_prefix *out);
/* The prefix of `digits` (2, 4 or 6) digits of an HS6 code: 100190, 4 -> 1001. */
hs_prefix hs6_prefix(int hs6, int digits);
/* Whether an HS6 code lies under the prefix. */
bool hs_prefix_matches(hs_prefix prefix, int hs6);

/* Selections built by code (lookup.c): an empty selection over the store's products. */
lever_selection *selection_new(const lever_store *s, const char *label);
void selection_add(lever_selection *sel, int product);
/* Sets the quantity factor of a selected product (groups: 1101*1.33); false: no memory. */
bool selection_set_factor(lever_selection *sel, int product, double factor);


#endif /* LEVER_STORE_INTERNAL_H */
