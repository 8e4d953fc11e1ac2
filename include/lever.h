/*
 * lever.h - the public API of liblever: import product-level trade flows into a
 * single-file columnar store and answer who depends on whom.
 *
 * Conventions (SQLite-style):
 *   - every name starts with lever_ / LEVER_;
 *   - handles are opaque; functions return an int result code (LEVER_OK == 0);
 *   - a handle keeps the message of its last error: lever_errmsg() for a store,
 *     lever_import_errmsg() for an import. lever_open() returns a handle even when
 *     it fails, so the message can be read; close it in both cases;
 *   - the library never prints and never exits; progress and warnings go to
 *     callbacks the application installs;
 *   - strings and arrays returned by accessors are owned by the handle and live
 *     until it is closed; results of queries (lever_dyad, ...) are owned by the
 *     caller and released with their _free function.
 *
 * Units: values are exact integers of USD (uint64_t), quantities exact integers
 * of kilograms (int64_t, LEVER_QTY_MISSING when unknown). Ratios are doubles.
 * Indicator names and formulas follow docs/INDICATORS.md.
 */
#ifndef LEVER_H
#define LEVER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LEVER_VERSION "0.1.0"

/* Result codes. */
enum {
    LEVER_OK = 0,
    LEVER_ENOMEM = 1,     /* out of memory */
    LEVER_EIO = 2,        /* a file could not be read or written */
    LEVER_EINPUT = 3,     /* bad input data (message names file:line:column) */
    LEVER_ECORRUPT = 4,   /* the store is damaged or not a lever store */
    LEVER_EVERSION = 5,   /* the store was written by an incompatible version */
    LEVER_ENOTFOUND = 6,  /* a country, product or year is not in the store */
    LEVER_EAMBIGUOUS = 7, /* a query matches several countries or products */
    LEVER_EUSAGE = 8,     /* an argument is out of range or inconsistent */
    LEVER_ELIMIT = 9      /* input exceeds a limit of the store format */
};

/* Returns a static English description of a result code. */
const char *lever_strerror(int rc);

#define LEVER_QTY_MISSING INT64_MIN

/* ------------------------------------------------------------------ */
/* Import                                                              */
/* ------------------------------------------------------------------ */

typedef struct lever_import lever_import;

/* Progress: bytes of input consumed so far out of total (0 when unknown), rows parsed. */
typedef void (*lever_progress_fn)(void *ud, uint64_t bytes_done, uint64_t bytes_total,
                                  uint64_t rows);
/* Warning: one formatted message (e.g. "f.csv:12:7: unknown country code 899, kept by number"). */
typedef void (*lever_warning_fn)(void *ud, const char *message);

int lever_import_new(lever_import **out);
void lever_import_free(lever_import *imp);
const char *lever_import_errmsg(const lever_import *imp);

void lever_import_set_progress(lever_import *imp, lever_progress_fn fn, void *ud);
void lever_import_set_warning(lever_import *imp, lever_warning_fn fn, void *ud);
/* Override the HS version ("HS92") and release ("V202301") read from file names. NULL keeps. */
int lever_import_set_meta(lever_import *imp, const char *hs_version, const char *release);
/* Number of worker threads for parsing (0 = number of online CPUs). */
void lever_import_set_threads(lever_import *imp, int threads);

/* Adds one input: a BACI release zip, a BACI CSV (t,i,j,k,v,q), a BACI country or product
 * dictionary, a UN Comtrade legacy CSV, or "-" for standard input (CSV). The kind is
 * recognised from the content (zip magic, header names). Rows are kept in memory until
 * lever_import_commit(). */
int lever_import_add_file(lever_import *imp, const char *path);
/* Same for an in-memory buffer; name is used in messages. The buffer is copied if needed. */
int lever_import_add_buffer(lever_import *imp, const char *name, const char *data, size_t len);

/* Validates everything added (duplicate keys, unknown codes), computes the aggregates and
 * writes the store: to a temporary file beside path, fsynced, then renamed over path.
 * On any error path is left untouched and no temporary file remains. */
int lever_import_commit(lever_import *imp, const char *path);

/* Counts after commit (or after add for rows). */
uint64_t lever_import_rows(const lever_import *imp);

/* ------------------------------------------------------------------ */
/* Store                                                               */
/* ------------------------------------------------------------------ */

typedef struct lever_store lever_store;

/* Maps the store read-only. Checks the header and section bounds only; lever_check()
 * verifies every section checksum. *out is set even on failure (for lever_errmsg). */
int lever_open(const char *path, lever_store **out);
void lever_close(lever_store *s);
const char *lever_errmsg(const lever_store *s);
/* Verifies the checksum of every section. */
int lever_check(lever_store *s);

typedef struct lever_info {
    uint32_t format_version;
    const char *hs_version; /* "HS92", or "" when unknown */
    const char *release;    /* "V202301", "synthetic", or "" */
    const char *sources;    /* imported file names, separated by "; " */
    int synthetic;          /* 1 when made by lever synth: not real trade */
    uint64_t rows;
    uint64_t file_bytes;
    int n_years, n_countries, n_products;
    int year_min, year_max;
} lever_info;

void lever_get_info(const lever_store *s, lever_info *info);
/* Years are indexed 0..n_years-1 in increasing order. */
int lever_year_at(const lever_store *s, int year_index);
/* Index of a calendar year, or -1. */
int lever_year_index(const lever_store *s, int year);
uint64_t lever_year_rows(const lever_store *s, int year_index);

/* Countries are indexed 0..n_countries-1 in increasing order of their numeric code. */
typedef struct lever_country {
    int code;              /* BACI / ISO 3166 numeric code */
    const char *iso3;      /* "KAZ", or "" when unknown */
    const char *iso2;      /* "KZ", or "" */
    const char *name;      /* short name, or "" */
    const char *full_name; /* or "" */
    int known;             /* 0 when neither the dictionary nor iso-codes knew the code */
} lever_country;

void lever_country_at(const lever_store *s, int country, lever_country *out);
/* Finds one country by ISO3, numeric code, or case-insensitive name or name prefix.
 * LEVER_ENOTFOUND / LEVER_EAMBIGUOUS set a message listing the closest candidates. */
int lever_country_lookup(lever_store *s, const char *query, int *country);
/* All matches of a query, best first; returns how many were found (may exceed max). */
int lever_country_search(const lever_store *s, const char *query, int *countries, int max);

/* Products are indexed 0..n_products-1 in increasing order of HS6 code. */
typedef struct lever_product {
    int hs6;                 /* 100190; print with %06d */
    const char *description; /* from the BACI product dictionary, else the HS chapter name */
} lever_product;

void lever_product_at(const lever_store *s, int product, lever_product *out);
/* All products matching a query, best first: an HS prefix of 2, 4 or 6 digits ("1101"), or
 * words that must all occur in the description ("wheat flour"). Returns the count. */
int lever_product_search(const lever_store *s, const char *query, int *products, int max);

/* A product selection (filter): a set of products. NULL selection means all products. */
typedef struct lever_selection lever_selection;
/* An HS prefix selects every product under it; words must identify one product, else
 * LEVER_EAMBIGUOUS / LEVER_ENOTFOUND with candidates in lever_errmsg(). */
int lever_selection_parse(lever_store *s, const char *query, lever_selection **out);
void lever_selection_free(lever_selection *sel);
int lever_selection_has(const lever_selection *sel, int product);
/* Human description of the selection, e.g. "HS 1101" or "110100 Wheat or meslin flour". */
const char *lever_selection_label(const lever_selection *sel);

/* ------------------------------------------------------------------ */
/* Bilateral flows: lever dyad                                         */
/* ------------------------------------------------------------------ */

typedef struct lever_dyad_year {
    int year;
    uint64_t a_to_b;  /* X(A->B) */
    uint64_t b_to_a;  /* X(B->A) */
    uint64_t total;   /* T(A,B) */
    int64_t balance;  /* X(A->B) - X(B->A) */
    /* growth over the previous year in the range; NaN when there is none or it was 0 */
    double growth_a_to_b, growth_b_to_a, growth_total;
} lever_dyad_year;

typedef struct lever_product_flow {
    int year;
    int product;            /* product index */
    int exporter, importer; /* country indices */
    uint64_t value;         /* v(i->j,k), USD */
    int64_t qty_kg;         /* q, LEVER_QTY_MISSING when unknown */
    double unit_value;      /* USD per kg, NaN when q is missing or 0 */
    int unit_value_flag;    /* +1 over 5x, -1 under 1/5 of the world median unit value, else 0 */
    double supplier_share;  /* s(i->j,k) = v / M(j,k) */
    double dest_share;      /* e(i->j,k) = v / X(i,k) */
    double hhi;             /* HHI_M(j,k) */
    int n_suppliers;        /* number of exporters of k to j */
} lever_product_flow;

typedef struct lever_dyad_result {
    int a, b; /* country indices */
    int n_years;
    lever_dyad_year *years;
    double cagr_total; /* over the first and last year with trade; NaN if undefined */
    /* top products per year, A->B then B->A: for year y the rows with .year == y, by value */
    size_t n_a_to_b, n_b_to_a;
    lever_product_flow *a_to_b, *b_to_a;
} lever_dyad_result;

/* year_from/year_to: inclusive range; 0 for the first/last year of the store.
 * sel may be NULL (all products). top: products per year and direction (0 = none). */
int lever_dyad(lever_store *s, int a, int b, int year_from, int year_to,
               const lever_selection *sel, int top, lever_dyad_result **out);
void lever_dyad_free(lever_dyad_result *r);

/* ------------------------------------------------------------------ */
/* Synthetic data: lever synth                                         */
/* ------------------------------------------------------------------ */

typedef struct lever_synth_options {
    uint64_t rows;      /* approximate number of rows over all years */
    uint64_t seed;
    int year_from, year_to;
    const char *hs_version; /* "HS17" */
} lever_synth_options;

/* Writes a deterministic synthetic world as BACI-layout CSV (header t,i,j,k,v,q, values in
 * thousands of USD with 3 decimals, quantities in tons) through the write callback.
 * The first line is a '#' comment saying the data is synthetic. */
typedef int (*lever_write_fn)(void *ud, const char *data, size_t len);
int lever_synth(const lever_synth_options *opt, lever_write_fn write, void *ud, char *errbuf,
                size_t errlen);

#ifdef __cplusplus
}
#endif
#endif /* LEVER_H */
