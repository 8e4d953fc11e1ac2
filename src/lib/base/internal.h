/*
 * internal.h - what the modules of liblever share and the application never sees:
 * the on-disk layout of the store, the open store handle, the row buffer the
 * importer fills, small inline accessors, and the functions several modules use
 * (formulas, query helpers, HS prefixes), each defined once.
 *
 * Why a columnar, sorted, precomputed layout: every lever question is a sum over
 * flows selected by (year, exporter, importer, product). Rows are sorted by
 * (t, i, j, k), so all flows of an exporter in a year, and of a dyad, are one
 * contiguous range (the exporter offsets give a row's exporter, so rows carry none);
 * a permutation sorted by (t, j, k, i) gives every supplier of (j, k) as one range.
 * Values and quantities take 4 bytes a row, the rare larger ones a side table: a row
 * costs 16 bytes, so fewer pages to write at import and to map at query time. The sums every indicator needs (M(j,k), X(i,k), W(k), M(j),
 * X(i), sum of v^2 per (j,k)) are computed once at import, so a query reads only
 * the few pages it needs from the memory map.
 */
#ifndef LEVER_INTERNAL_H
#define LEVER_INTERNAL_H

#include "lever.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* On-disk format (little-endian, every section 4096-aligned)          */
/* ------------------------------------------------------------------ */

#define STORE_MAGIC "LEVERSTO"
#define STORE_FORMAT_VERSION 2u
#define STORE_HEADER_BYTES 256u
#define STORE_ALIGN 4096u
#define STORE_MAX_COUNTRIES 65535 /* indices 0..65534; 0xFFFF marks "no index" */
#define STORE_FLAG_SYNTHETIC 1u

typedef struct store_header {
    char magic[8];            /* STORE_MAGIC, not NUL-terminated */
    uint32_t format_version;  /* STORE_FORMAT_VERSION */
    uint32_t header_bytes;    /* STORE_HEADER_BYTES */
    uint32_t flags;           /* STORE_FLAG_* */
    uint32_t n_sections;
    uint64_t file_bytes;
    uint64_t rows;
    uint32_t n_years, n_countries, n_products, reserved0;
    char hs_version[16];      /* NUL-terminated */
    char release[32];         /* NUL-terminated */
    uint32_t sources;         /* offset of the sources string in SEC_STRINGS */
    uint8_t reserved[124];
    uint64_t checksum;        /* XXH64 of the 256 header bytes with this field 0, seed 0 */
} store_header;

typedef struct store_section {
    uint32_t id;        /* SEC_* */
    uint32_t elem_size; /* bytes per element, for bounds checks */
    uint64_t offset;    /* from the start of the file, STORE_ALIGN-aligned */
    uint64_t length;    /* bytes */
    uint64_t checksum;  /* XXH64 of the section bytes, seed 0 */
} store_section;        /* the table follows the header at offset STORE_HEADER_BYTES */

enum {
    SEC_STRINGS = 1,   /* char[]: NUL-terminated strings, offset 0 is "" */
    SEC_COUNTRIES,     /* store_country[n_countries], by code */
    SEC_PRODUCTS,      /* store_product[n_products], by hs6 */
    SEC_YEARS,         /* store_year[n_years], by year */
    SEC_FLOW_J,        /* uint16_t[rows]: importer index; rows sorted by (t, i, j, k), the
                          exporter is given by SEC_EXP_OFF */
    SEC_FLOW_K,        /* uint16_t[rows]: product index */
    SEC_FLOW_V,        /* uint32_t[rows]: value, USD; STORE_V_BIG: see SEC_BIG_V */
    SEC_FLOW_Q,        /* uint32_t[rows]: quantity, kg; STORE_Q_MISSING, or STORE_Q_BIG: see
                          SEC_BIG_Q */
    SEC_BIG_V,         /* store_big[]: values of 2^32 - 1 USD and more, by row */
    SEC_BIG_Q,         /* store_big[]: quantities of 2^32 - 2 kg and more, by row */
    SEC_EXP_OFF,       /* uint64_t[n_years * (C+1)]: first row of exporter c in year y */
    SEC_BY_IMP,        /* uint32_t[rows]: row ids sorted by (t, j, k, i) */
    SEC_IMP_OFF,       /* uint64_t[n_years * (C+1)]: first SEC_BY_IMP position of importer c */
    SEC_MJK,           /* store_mjk[]: one per (t, j, k) with imports, sorted (t, j, k) */
    SEC_MJK_OFF,       /* uint64_t[n_years * (C+1)]: first SEC_MJK entry of importer c */
    SEC_XIK,           /* store_xik[]: one per (t, i, k) with exports, sorted (t, i, k) */
    SEC_XIK_OFF,       /* uint64_t[n_years * (C+1)]: first SEC_XIK entry of exporter c */
    SEC_M_J,           /* uint64_t[n_years * C]: M(j) */
    SEC_X_I,           /* uint64_t[n_years * C]: X(i) */
    SEC_W_K,           /* uint64_t[n_years * P]: W(k) */
    SEC_UV_MEDIAN,     /* double[n_years * P]: world median unit value of k, USD/kg, NaN if none */
    SEC_COUNT_PLUS_ONE
};
#define STORE_N_SECTIONS (SEC_COUNT_PLUS_ONE - 1)

typedef struct store_country {
    uint16_t code;
    uint8_t known;      /* 1 when a dictionary or iso-codes named it */
    uint8_t reserved;
    char iso3[4];       /* NUL-terminated, "" when unknown */
    char iso2[4];
    uint32_t name;      /* offsets in SEC_STRINGS */
    uint32_t full_name;
} store_country;

typedef struct store_product {
    uint32_t hs6;
    uint32_t description; /* offset in SEC_STRINGS */
} store_product;

typedef struct store_year {
    int32_t year;
    uint32_t reserved;
    uint64_t row_start, row_count;   /* rows of this year: [row_start, row_start+row_count) */
    uint64_t mjk_start, mjk_count;   /* entries of SEC_MJK */
    uint64_t xik_start, xik_count;   /* entries of SEC_XIK */
} store_year;

/* Values and quantities take 4 bytes a row; the few that do not fit (flows of $4.3bn
 * or 4.3 Mt and more) are marked and kept whole in a table sorted by row. */
#define STORE_V_BIG UINT32_MAX
#define STORE_Q_MISSING UINT32_MAX
#define STORE_Q_BIG (UINT32_MAX - 1u)

typedef struct store_big {
    uint64_t row;
    uint64_t value; /* USD or kg */
} store_big;

/* M(j,k) is below 2^48 USD (the import checks it), so the sum of squares, at most
 * M(j,k)^2, fits in 96 bits. */
#define STORE_MJK_LIMIT ((uint64_t)1 << 48)

typedef struct store_mjk {
    uint16_t j, k;        /* importer and product index */
    uint32_t n_suppliers; /* N: exporters with a flow; their rows are imp_pos.. */
    uint32_t imp_pos;     /* first SEC_BY_IMP position of this (t, j, k); N entries follow */
    uint32_t sumsq_hi;    /* sum over i of v(i->j,k)^2, a 96-bit integer: high 32 bits */
    uint64_t sumsq_lo;    /* and low 64 bits */
    uint64_t m;           /* M(j,k), USD */
} store_mjk;

typedef struct store_xik {
    uint16_t i, k;        /* exporter and product index */
    uint32_t n_dest;      /* importers with a flow */
    uint64_t x;           /* X(i,k), USD */
    uint64_t vmax;        /* largest v(i->j,k) over j */
} store_xik;

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
    char errmsg[2048];
};

/* Sets the store's message (printf-style) and returns rc. */
int store_fail(lever_store *s, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

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
/* Import: rows gathered in memory before commit                       */
/* ------------------------------------------------------------------ */

/* One column-oriented buffer of raw rows, codes as read (not yet indexed). */
typedef struct lever_rows {
    size_t n, cap;
    uint16_t *t;  /* year */
    uint16_t *i;  /* exporter numeric code 0..999 */
    uint16_t *j;  /* importer numeric code */
    uint32_t *k;  /* HS6 code as an integer: 10190 is "010190" */
    uint64_t *v;  /* USD */
    int64_t *q;   /* kg or LEVER_QTY_MISSING */
} lever_rows;

/* Large arrays (store building): anonymous memory advised to use transparent huge pages,
 * because first touching memory page by page dominates import time on virtual machines.
 * big_alloc returns NULL on failure; big_free takes the size given to big_alloc. */
void *big_alloc(size_t bytes);
void big_free(void *p, size_t bytes);

int rows_reserve(lever_rows *r, size_t extra); /* LEVER_OK or LEVER_ENOMEM */
void rows_free(lever_rows *r);
static inline void rows_push_unchecked(lever_rows *r, uint16_t t, uint16_t i, uint16_t j,
                                       uint32_t k, uint64_t v, int64_t q)
{
    size_t n = r->n++;
    r->t[n] = t;
    r->i[n] = i;
    r->j[n] = j;
    r->k[n] = k;
    r->v[n] = v;
    r->q[n] = q;
}

typedef struct dict_country {
    uint16_t code;
    char iso3[4];
    char iso2[4];
    char *name;      /* malloc'd */
    char *full_name; /* malloc'd, may be NULL */
} dict_country;

typedef struct dict_product {
    uint32_t hs6;
    char *description; /* malloc'd */
} dict_product;

/* Where rows came from, to turn a row ordinal back into file:line on error. */
typedef struct import_source {
    char *name;           /* "BACI_HS92_V202301.zip:BACI_HS92_Y2021_V202301.csv" */
    char *path;           /* file on disk to re-read, or NULL for a buffer */
    uint64_t first_row;   /* ordinal of its first row in lever_import.rows */
    uint64_t n_rows;
} import_source;

struct lever_import {
    lever_rows rows;
    dict_country *countries;
    size_t n_countries, cap_countries;
    dict_product *products;
    size_t n_products, cap_products;
    import_source *sources;
    size_t n_sources, cap_sources;
    char hs_version[16];
    char release[32];
    bool meta_forced; /* set by lever_import_set_meta */
    bool synthetic;   /* a '# ... lever synth' comment was seen */
    bool consumed;    /* the commit has turned the rows into store columns */
    int threads;
    lever_progress_fn progress;
    void *progress_ud;
    lever_warning_fn warning;
    void *warning_ud;
    uint64_t warnings;
    char errmsg[2048];
};

/* Sets the import's message and returns rc. */
int import_fail(lever_import *imp, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Sends a warning to the callback, if any. */
void import_warn(lever_import *imp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Writes "name:line" of row ordinal `row` (re-reading the source if needed) into buf. */
void import_locate_row(const lever_import *imp, uint64_t row, char *buf, size_t len);
/* Country name and codes from Debian's iso-codes for a numeric code; 0 when unknown. */
int isocodes_country(int numeric, char iso3[4], char iso2[4], char **name, char **full_name);
/* The same for the codes BACI uses that are not ISO 3166 numeric (251 France, 842 USA, ...). */
int baci_country(int code, char iso3[4], char iso2[4], char **name, char **full_name);

/* Writes the store (store_write.c). Called by lever_import_commit. */
int store_write(lever_import *imp, const char *path);

/* HS chapter names (hs_chapters.c): "Cereals" for 10; NULL for unknown chapters. */
const char *hs_chapter_name(int chapter);

/* ------------------------------------------------------------------ */
/* Formulas: one place each (formulas.c). See docs/INDICATORS.md.    */
/* ------------------------------------------------------------------ */

/* a / b as a double; NaN when b == 0. */
double ratio_u64(uint64_t a, uint64_t b);
/* HHI from the exact sum of squares and the total: sumsq / m^2. */
double hhi_from_sumsq(uint64_t sumsq_lo, uint64_t sumsq_hi, uint64_t m);
/* growth (v1 - v0) / v0, NaN when v0 == 0. */
double growth_rate(uint64_t v0, uint64_t v1);
/* CAGR (v1/v0)^(1/years) - 1, NaN when v0 == 0 or years <= 0. */
double cagr(uint64_t v0, uint64_t v1, int years);
/* unit value in USD per kg, NaN when q is missing or 0. */
double unit_value(uint64_t v, int64_t q_kg);
/* +1 when uv > 5 x median, -1 when uv < median / 5, else 0 (0 when either is NaN). */
int unit_value_flag(double uv, double median);

/* Section 2: shares and Hirschman / Barbieri. */
double supplier_share(uint64_t v, uint64_t m_jk);         /* s = v(i->j,k) / M(j,k) */
double destination_share(uint64_t v, uint64_t x_ik);      /* e = v(i->j,k) / X(i,k) */
double world_share(uint64_t x_ik, uint64_t w_k);          /* w = X(i,k) / W(k) */
double hirschman_dependence(uint64_t t_ij, uint64_t t_j); /* D(j on i) = T(i,j) / T(j) */
double barbieri_salience(double d_i_on_j, double d_j_on_i);
double barbieri_symmetry(double d_i_on_j, double d_j_on_i);

/* Section 3: concentration. */
double hhi_normalised(double hhi, uint32_t n);   /* HHI*; 1 when n == 1; NaN when n == 0 */
const char *hhi_level(double hhi); /* "unconcentrated", "moderate", "concentrated", "highly concentrated" */

/* Section 4: dependence screens. */
double net_import_ratio(uint64_t m_jk, uint64_t x_jk); /* M/X; +inf when X = 0 < M; NaN when both 0 */
bool geodep_flag(double hhi_m, double hhi_w, double net_import);
/* Persistent in a year: the flag held in at least 2 of that year and the 2 before it. */
bool geodep_persistent(bool flag_t2, bool flag_t1, bool flag_t);
bool critical_dependence(double s, double hhi_m, double net_import);

/* Section 5: substitutability. alt is the supply (or demand) the alternatives already have. */
double headroom(uint64_t alt, uint64_t v);        /* H = alt / v; +inf when v == 0 < alt */
/* These three are defined here, inline, because every flow of a leverage pass calls them. */
/* d = 1 / (1 + H) = v / (v + alt): exact inputs, one rounding; NaN when both are 0. */
static inline double non_substitutability(uint64_t alt, uint64_t v)
{
    if (v == 0 && alt == 0)
        return NAN;
    return (double)v / ((double)v + (double)alt);
}
/* Default (world) alternatives: W(k) - X(i,k) - X(j,k), clamped at 0. */
static inline uint64_t alternative_supply_world(uint64_t w_k, uint64_t x_ik, uint64_t x_jk)
{
    uint64_t used = x_ik + x_jk;
    return w_k > used ? w_k - used : 0;
}
/* Market side: W(k) - M(j,k) - M(i,k), clamped at 0. */
static inline uint64_t alternative_demand_world(uint64_t w_k, uint64_t m_jk, uint64_t m_ik)
{
    uint64_t used = m_jk + m_ik;
    return w_k > used ? w_k - used : 0;
}

/* Section 6: leverage. */
double leverage_ratio(double supply_channel, double market_channel, uint64_t t_b); /* (S+K)/T(B) */
double net_leverage(double lev_ab, double lev_ba);
double asymmetry_ratio(double lev_ab, double lev_ba); /* +inf when lev_ba == 0 < lev_ab */

/* Section 7: WITS bilateral indicators. */
double trade_intensity(uint64_t x_ij, uint64_t x_i, uint64_t m_j, uint64_t w);
double revealed_comparative_advantage(uint64_t x_ik, uint64_t x_i, uint64_t w_k, uint64_t w);
/* Michaely: 100 (1 - sum |m_k - x_k| / 2); the caller accumulates sum |m_k - x_k|. */
double trade_complementarity(double sum_abs_diff);
/* One product's value in a list sorted by product (a supplier's sales to one market). */
typedef struct product_value {
    int product;
    uint64_t value;
} product_value;
/* Finger-Kreinin export similarity of suppliers a and b in market j, from their sales to j:
 * ESI(a,b|j) = sum_k min(v(a->j,k)/X(a->j), v(b->j,k)/X(b->j)); NaN when either sells
 * nothing there. */
double export_similarity(const product_value *a, size_t na, const product_value *b, size_t nb);

/* Section 8: value vs volume split of one product's change (sums to v1 - v0). */
void change_effects(uint64_t v0, int64_t q0, uint64_t v1, int64_t q1, double *quantity_effect,
                    double *price_effect); /* NaN, NaN when a quantity is missing or 0 */
/* Share of the total change due to one product: delta_k / delta; NaN when delta == 0. */
double change_share(int64_t delta_k, int64_t delta);

/* ------------------------------------------------------------------ */
/* Substitutability (substitute.c): headroom inputs for every command  */
/* ------------------------------------------------------------------ */

/* Supply the alternatives to exporter i already have for importer j's product k, per the
 * query's mode: world W(k)-X(i,k)-X(j,k); current: sum of X(m,k) over m != i already
 * selling k to j; list: sum of X(m,k) over the listed m other than i and j. */
uint64_t subst_alt_supply(const lever_store *s, const lever_query *q, int y, int i, int j, int k);
/* Demand the alternative buyers of exporter i's product k offer, besides importer j: world
 * W(k)-M(j,k)-M(i,k); current: sum of M(m,k) over m != j already buying k from i; list: sum of
 * M(m,k) over the listed m other than i and j. */
uint64_t subst_alt_demand(const lever_store *s, const lever_query *q, int y, int i, int j, int k);
/* d(i,j,k) for a flow of value v: 1/sigma_k when the query has one for k, else
 * non_substitutability(subst_alt_supply(...), v). */
double subst_d_supply(const lever_store *s, const lever_query *q, int y, int i, int j, int k,
                      uint64_t v);
/* d'(i,j,k) for a flow i->j of value v (how hard j is to replace as i's buyer). */
double subst_d_market(const lever_store *s, const lever_query *q, int y, int i, int j, int k,
                      uint64_t v);
/* Weight of product k in the query (1 without weights). */
static inline double query_weight(const lever_query *q, int k)
{
    return q && q->weights ? q->weights[k] : 1.0;
}
/* Whether product k is selected by the query. */
bool query_has_product(const lever_query *q, int k);
/* M(j) and X(i) in year index y over the query's selected products (the precomputed
 * totals without a selection). */
uint64_t query_imports(const lever_store *s, const lever_query *q, int y, int j);
uint64_t query_exports(const lever_store *s, const lever_query *q, int y, int i);
/* Resolves the query's year range to year indices [*y0, *y1]; LEVER_ENOTFOUND (with the
 * store's range in the message) when a named year is not in the store. */
int query_years(lever_store *s, const lever_query *q, int *y0, int *y1);
/* Year index for a single year (0 = last); LEVER_ENOTFOUND with the range when absent. */
int query_year(lever_store *s, int year, int *y);

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

#endif /* LEVER_INTERNAL_H */
