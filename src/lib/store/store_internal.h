/*
 * store_internal.h - the open store as the measures read it: the handle (every
 * section mapped in place), inline accessors for the row ranges and precomputed
 * sums, product selections, HS prefixes, and the names of countries and chapters.
 * Only the store stage and the measures include it.
 *
 * Why inline accessors over the raw mapped arrays: a leverage pass reads millions of
 * rows; each access is an index into a mapped array, with no call and no copy.
 * The handle holds nothing a query writes but the bits of verified blocks (atomic
 * words) and the first damage found (under a lock, verify.c); every other field is set
 * by lever_open and only read afterwards, so one store may be queried from several
 * threads at once.
 */
#ifndef LEVER_STORE_INTERNAL_H
#define LEVER_STORE_INTERNAL_H

#include "base.h"
#include "format.h"

#include <stdatomic.h>

/* ------------------------------------------------------------------ */
/* Open store                                                          */
/* ------------------------------------------------------------------ */

struct store_verify; /* verify.c: the first damage found */

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
    const uint64_t *block_sums;   /* SEC_BLOCK_SUMS, one per file block */
    uint64_t n_block_sums;
    struct store_verify *verify;  /* shared by every thread querying the store */
    _Atomic uint64_t *verified;   /* one bit per file block: verified (verify.c) */
    char damage[2048];             /* the first damage met (verify.c), under its mutex */
};

static inline const char *store_str(const lever_store *s, uint32_t off)
{
    return off < s->strings_len ? s->strings + off : "";
}

/* ------------------------------------------------------------------ */
/* Verification on use (verify.c)                                     */
/* ------------------------------------------------------------------ */

/* A query reads a byte of the store only after the block holding it passed its checksum and
 * the indices stored in it were found in range. The accessors below do it; code that reads
 * the arrays of lever_store directly first calls store_need or store_need_rows on what it
 * reads. On damage they return false (the accessors 0 or an empty range) and mark the
 * store; every query function ends with `if (store_damaged(s)) return store_damage_fail(s, err)`. */

extern const uint8_t store_elem_bytes[SEC_COUNT_PLUS_ONE]; /* bytes per element */
const char *store_section_name(uint32_t id);
/* Slow path of store_need: verifies blocks [b0, b1] of section id. */
bool store_verify_blocks(const lever_store *s, uint32_t id, uint64_t b0, uint64_t b1);
/* Marks the store damaged (the first message is kept) and returns false. */
bool store_damage(const lever_store *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Whether anything read from the store was found damaged. */
bool store_damaged(const lever_store *s);
/* Sets the store's message to the damage found and returns LEVER_ECORRUPT. */
int store_damage_fail(const lever_store *s, lever_error *err);
/* At open and close; store_verify_section verifies a whole section (LEVER_ECORRUPT with the
 * message if damaged); store_verify_all every section and the section checksums. */
int store_verify_open(lever_store *s, const char *path, lever_error *err);
void store_verify_close(lever_store *s);
int store_verify_section(const lever_store *s, uint32_t id, lever_error *err);
int store_verify_all(const lever_store *s, lever_error *err);

static inline bool store_block_verified(const lever_store *s, uint64_t b)
{
    return (atomic_load_explicit(&s->verified[b / 64], memory_order_relaxed) >> (b % 64)) & 1u;
}

/* Elements [first, first + count) of section id may be read. */
static inline bool store_need(const lever_store *s, uint32_t id, uint64_t first, uint64_t count)
{
    const store_section *sec = s->sections[id];
    uint64_t es = store_elem_bytes[id], n = sec->length / es;
    if (count == 0)
        return true;
    if (first > n || count > n - first)
        return store_damage(s, "a read past the end of section '%s'", store_section_name(id));
    uint64_t b0 = (sec->offset + first * es) / STORE_ALIGN;
    uint64_t b1 = (sec->offset + (first + count) * es - 1) / STORE_ALIGN;
    if (b0 == b1 && store_block_verified(s, b0))
        return true;
    return store_verify_blocks(s, id, b0, b1);
}

/* Columns of rows, for store_need_rows. */
enum { ROW_J = 1, ROW_K = 2, ROW_V = 4, ROW_Q = 8 };

/* Rows [lo, hi) of the given columns may be read (values and quantities: with the tables
 * of large ones). */
static inline bool store_need_rows(const lever_store *s, uint64_t lo, uint64_t hi, int cols)
{
    if (hi <= lo)
        return true;
    return (!(cols & ROW_J) || store_need(s, SEC_FLOW_J, lo, hi - lo)) &&
           (!(cols & ROW_K) || store_need(s, SEC_FLOW_K, lo, hi - lo)) &&
           (!(cols & ROW_V) || store_need(s, SEC_FLOW_V, lo, hi - lo)) &&
           (!(cols & ROW_Q) || store_need(s, SEC_FLOW_Q, lo, hi - lo));
}

/* Importer and product index of row r (0 when damaged). */
static inline int store_fj(const lever_store *s, uint64_t r)
{
    return store_need(s, SEC_FLOW_J, r, 1) ? s->fj[r] : 0;
}
static inline int store_fk(const lever_store *s, uint64_t r)
{
    return store_need(s, SEC_FLOW_K, r, 1) ? s->fk[r] : 0;
}
/* Row id at position p of the importer permutation (0 when damaged). */
static inline uint32_t store_by_imp(const lever_store *s, uint64_t p)
{
    return store_need(s, SEC_BY_IMP, p, 1) ? s->by_imp[p] : 0;
}

/* Row range [*lo, *hi) of exporter c in year index y (sorted by j, k inside), with the
 * columns cols verified (an empty range when damaged). */
static inline void store_exporter_rows(const lever_store *s, int y, int c, int cols,
                                       uint64_t *lo, uint64_t *hi)
{
    const uint64_t *o = s->exp_off + (size_t)y * (s->n_countries + 1u);
    *lo = o[c];
    *hi = o[c + 1];
    if (!store_need_rows(s, *lo, *hi, cols))
        *hi = *lo;
}

/* The M(j,k) entries of importer j in year index y, sorted by k: [*first, *end). */
static inline void store_importer_entries(const lever_store *s, int y, int j,
                                          const store_mjk **first, const store_mjk **end)
{
    const uint64_t *o = s->mjk_off + (size_t)y * (s->n_countries + 1u);
    *first = s->mjk + o[j];
    *end = store_need(s, SEC_MJK, o[j], o[j + 1] - o[j]) ? s->mjk + o[j + 1] : *first;
}

/* The X(i,k) entries of exporter i in year index y, sorted by k: [*first, *end). */
static inline void store_exporter_entries(const lever_store *s, int y, int i,
                                          const store_xik **first, const store_xik **end)
{
    const uint64_t *o = s->xik_off + (size_t)y * (s->n_countries + 1u);
    *first = s->xik + o[i];
    *end = store_need(s, SEC_XIK, o[i], o[i + 1] - o[i]) ? s->xik + o[i + 1] : *first;
}

/* The whole value of a marked row, from a table sorted by row (0 if absent). */
uint64_t big_find(const store_big *t, uint64_t n, uint64_t row);
/* Value (USD) and quantity (kg, or LEVER_QTY_MISSING) of row r of 4-byte columns and their
 * tables of large ones (the importer's arrays; a store's are read through store_v). */
static inline uint64_t narrow_v(const uint32_t *v32, const store_big *big, uint64_t n_big,
                                uint64_t r)
{
    uint32_t x = v32[r];
    return x != STORE_V_BIG ? x : big_find(big, n_big, r);
}
static inline int64_t narrow_q(const uint32_t *q32, const store_big *big, uint64_t n_big,
                               uint64_t r)
{
    uint32_t x = q32[r];
    if (x < STORE_Q_BIG)
        return x;
    return x == STORE_Q_MISSING ? LEVER_QTY_MISSING : (int64_t)big_find(big, n_big, r);
}

/* The same for row r of a store whose column holding it was verified: the table of large
 * ones is verified whole on first use (it holds a few rows); 0 when damaged. */
uint64_t store_big_lookup(const lever_store *s, uint32_t id, uint64_t row);
static inline uint64_t column_v(const lever_store *s, uint64_t r)
{
    uint32_t x = s->v32[r];
    return x != STORE_V_BIG ? x : store_big_lookup(s, SEC_BIG_V, r);
}
static inline int64_t column_q(const lever_store *s, uint64_t r)
{
    uint32_t x = s->q32[r];
    if (x < STORE_Q_BIG)
        return x;
    return x == STORE_Q_MISSING ? LEVER_QTY_MISSING : (int64_t)store_big_lookup(s, SEC_BIG_Q, r);
}
/* The same for any row (0 and LEVER_QTY_MISSING when damaged). */
static inline uint64_t store_v(const lever_store *s, uint64_t r)
{
    return store_need(s, SEC_FLOW_V, r, 1) ? column_v(s, r) : 0;
}
static inline int64_t store_q(const lever_store *s, uint64_t r)
{
    return store_need(s, SEC_FLOW_Q, r, 1) ? column_q(s, r) : LEVER_QTY_MISSING;
}

/* Exporter index of row r of year index y (rows carry no exporter column: the exporter
 * offsets give it, by binary search over the year's C + 1 offsets). */
int store_row_exporter(const lever_store *s, int y, uint64_t r);

/* Row range [*lo, *hi) of the dyad i->j in year index y, sorted by k (binary search on j),
 * every column verified (an empty range when damaged). */
void store_dyad_rows(const lever_store *s, int y, int i, int j, uint64_t *lo, uint64_t *hi);

/* M(j) and X(i) in year index y (verified at open). */
static inline uint64_t store_m_j(const lever_store *s, int y, int j)
{
    return s->m_j[(size_t)y * s->n_countries + (size_t)j];
}
static inline uint64_t store_x_i(const lever_store *s, int y, int i)
{
    return s->x_i[(size_t)y * s->n_countries + (size_t)i];
}
/* W(k) and the world median unit value of k in year index y (0 and NaN when damaged). */
static inline uint64_t store_w_k(const lever_store *s, int y, int k)
{
    size_t at = (size_t)y * s->n_products + (size_t)k;
    return store_need(s, SEC_W_K, at, 1) ? s->w_k[at] : 0;
}
static inline double store_uv_median(const lever_store *s, int y, int k)
{
    size_t at = (size_t)y * s->n_products + (size_t)k;
    return store_need(s, SEC_UV_MEDIAN, at, 1) ? s->uv_median[at] : NAN;
}
/* Entry of M(j,k) for year index y, or NULL when j imports no k that year (or damaged). */
const store_mjk *store_find_mjk(const lever_store *s, int y, int j, int k);
/* Entry of X(i,k) for year index y, or NULL when i exports no k that year (or damaged). */
const store_xik *store_find_xik(const lever_store *s, int y, int i, int k);
/* Total world value W in year index y (sum of X(i)). */
uint64_t store_world_total(const lever_store *s, int y);


/* ------------------------------------------------------------------ */
/* Names and lookups (isocodes.c, baci_codes.c, hs_chapters.c, lookup.c) */
/* ------------------------------------------------------------------ */

/* Country name and codes from Debian's iso-codes for a numeric code: 1 found (the caller
 * frees *name and *full_name), 0 unknown, -1 out of memory or the file unreadable. Thread-safe. */
int isocodes_country(int numeric, char iso3[4], char iso2[4], char **name, char **full_name);
/* The same for the codes BACI uses that are not ISO 3166 numeric (251 France, 842 USA,
 * ...), with the same returns. */
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
