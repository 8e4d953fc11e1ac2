/*
 * lever.h - the public API of liblever: import product-level trade flows into a
 * single-file columnar store and answer who depends on whom.
 *
 * Conventions (SQLite-style):
 *   - every name starts with lever_ / LEVER_;
 *   - handles are opaque; functions return an int result code (LEVER_OK == 0);
 *   - errors: every call that can fail takes, last, a lever_error * owned by the
 *     caller (NULL when only the code matters). On failure it holds the code and a
 *     message ("what was wrong; what to do"); on success it is left untouched. No
 *     call writes an error into a handle, so one error struct per thread is enough;
 *   - years: every query reads them from its lever_query (year_from, year_to;
 *     0 = the first / last year of the store), see lever_query below;
 *   - ownership: strings and arrays returned by accessors (lever_country_at,
 *     lever_info, lever_selection_label, ...) are owned by the handle they come from
 *     and live until it is closed or freed; results of queries (lever_dyad, ...),
 *     selections, groups and the arrays of lever_weights_parse / lever_sigma_load
 *     are owned by the caller and released with their _free function (free() for the
 *     arrays);
 *   - threads: a store opened once may be queried from several threads at once:
 *     lever_open maps it read-only and no later call writes into the handle. The
 *     handle must outlive the queries and be closed by one thread after they end.
 *     Selections, groups and weights are read only by queries and may be shared too.
 *     An import handle is used by one thread at a time (it runs its own workers);
 *   - the library never prints and never exits; progress and warnings go to
 *     callbacks the application installs.
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
    LEVER_ELIMIT = 9,     /* input exceeds a limit of the store format */
    LEVER_EFETCH = 10     /* a download failed (network, HTTP status, rate limit, bad key) */
};

/* Returns a static English description of a result code. */
const char *lever_strerror(int rc);

/* The error of one call: owned by the caller, filled by the call that failed. */
typedef struct lever_error {
    int code;           /* LEVER_* */
    char message[2048]; /* NUL-terminated English message */
} lever_error;

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

int lever_import_new(lever_import **out, lever_error *err);
void lever_import_free(lever_import *imp);

void lever_import_set_progress(lever_import *imp, lever_progress_fn fn, void *ud);
void lever_import_set_warning(lever_import *imp, lever_warning_fn fn, void *ud);
/* Override the HS version ("HS92") and release ("V202301") read from file names. NULL keeps. */
int lever_import_set_meta(lever_import *imp, const char *hs_version, const char *release,
                          lever_error *err);
/* Number of worker threads for parsing (0 = number of online CPUs). */
/* HS editions (INDICATORS.md section 13). to_hs ("HS92" ... "HS22", or NULL): convert
 * every input of another edition to it with UNSD's correlation tables, each converted year
 * marked in the store (lever_year_converted, lever_info.converted). tables_dir (or NULL:
 * the tables installed with lever): the folder of the tables (data/hs/README.md). Without
 * to_hs the import refuses an input whose codes belong to another edition than its name
 * (or --hs, or the other inputs) says. LEVER_EUSAGE for an unknown edition. */
int lever_import_set_hs(lever_import *imp, const char *to_hs, const char *tables_dir,
                        lever_error *err);
void lever_import_set_threads(lever_import *imp, int threads);

/* Adds one input: a BACI release zip, a BACI CSV (t,i,j,k,v,q), a BACI country or product
 * dictionary, a UN Comtrade legacy CSV, or "-" for standard input (CSV). The kind is
 * recognised from the content (zip magic, header names). Rows are kept in memory until
 * lever_import_commit(). A failed input leaves the import as it was before it. */
int lever_import_add_file(lever_import *imp, const char *path, lever_error *err);
/* Same for an in-memory buffer; name is used in messages. The buffer is copied if needed. */
int lever_import_add_buffer(lever_import *imp, const char *name, const char *data, size_t len,
                           lever_error *err);

/* Validates everything added (duplicate keys, unknown codes), computes the aggregates and
 * writes the store: to a temporary file beside path, fsynced, then renamed over path.
 * On any error path is left untouched and no temporary file remains. The rows are turned
 * into the store's columns in place, so an import is committed once: afterwards only
 * lever_import_rows and lever_import_free may be called. */
int lever_import_commit(lever_import *imp, const char *path, lever_error *err);

/* Counts after commit (or after add for rows). */
uint64_t lever_import_rows(const lever_import *imp);

/* Output files. lever writes a file (a store, a synthetic CSV) to a temporary file beside
 * it, then renames it into place. lever_output_check() says whether path may be written:
 * a regular file (replaced) or a new name; a FIFO, a device, a directory or a socket is
 * refused (LEVER_EUSAGE, with a message in msg). A symbolic link is followed: the regular
 * file it names is replaced and the link stays. On success *target (malloc'd; free it)
 * is the file that will be replaced. lever_import_commit() checks this itself. */
int lever_output_check(const char *path, char **target, char *msg, size_t msg_len);
/* Async-signal-safe: removes the named temporary files of the imports being written in
 * this process (an application calls it from its SIGINT/SIGTERM handler before dying).
 * Files left by a process killed outright are removed by the next import of the same
 * store, once no import holds their lock. */
void lever_remove_temp_files(void);

/* Text. Every string lever stores or prints is valid UTF-8. lever_utf8_length: the length
 * in bytes (1-4) of the valid UTF-8 character at text, 0 at its end or where the bytes are
 * not valid UTF-8 (overlong forms and surrogates included). lever_utf8_from_legacy: a
 * malloc'd copy of text that is valid UTF-8: text itself when it is (*bad_at is then
 * (size_t)-1), else text read as Windows-1252 (Latin-1 with the printable 0x80-0x9F of
 * Windows), *bad_at being the offset of its first byte that was not UTF-8. NULL when out
 * of memory. */
int lever_utf8_length(const char *text);
char *lever_utf8_from_legacy(const char *text, size_t *bad_at);

/* ------------------------------------------------------------------ */
/* Store                                                               */
/* ------------------------------------------------------------------ */

typedef struct lever_store lever_store;

/* Maps the store read-only. Checks the header and section bounds and verifies the small
 * tables every query reads; every other block is verified when a query first reads it, and
 * a query that meets a damaged block returns LEVER_ECORRUPT (as does every later query on
 * the handle). lever_check() verifies the whole file. A directory, FIFO or device is
 * refused. On failure *out is NULL. */
int lever_open(const char *path, lever_store **out, lever_error *err);
void lever_close(lever_store *s);
/* Verifies every block, the checksum of every section and every index in the store. */
int lever_check(const lever_store *s, lever_error *err);

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
    int comtrade;           /* 1 when the rows are Comtrade flows with both declarations */
    uint64_t reflows;       /* Comtrade re-exports and re-imports, kept apart */
    const char *converted;  /* what was converted between HS editions at import (--to-hs),
                               "" when nothing was */
} lever_info;
/* Whether the flows of a year were converted from another HS edition (INDICATORS.md
 * section 13): 0 no, 1 converted exactly (1:1 and n:1 links), 2 some values split over
 * several codes (1:n and n:n links). */
int lever_year_converted(const lever_store *s, int year_index);

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
int lever_country_lookup(const lever_store *s, const char *query, int *country,
                         lever_error *err);
/* The matches of the best kind that finds any (ISO3 or numeric code, ISO2 code, whole
 * name, name prefix, part of a name), in code order; returns how many were found (may
 * exceed max). */
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
/* What a query reads (years, products, alternatives, weights): defined below. */
typedef struct lever_query lever_query;
/* An HS prefix selects every product under it; words must identify one product, else
 * LEVER_EAMBIGUOUS / LEVER_ENOTFOUND with candidates in the message. */
int lever_selection_parse(const lever_store *s, const char *query, lever_selection **out,
                          lever_error *err);
void lever_selection_free(lever_selection *sel);
int lever_selection_has(const lever_selection *sel, int product);
/* Quantity factor of a product in the selection: a group's factor (flour 1101*1.33 counted
 * as grain), 1 for products selected otherwise and for a NULL selection. */
double lever_selection_factor(const lever_selection *sel, int product);
/* Human description of the selection, e.g. "HS 1101" or "110100 Wheat or meslin flour";
 * owned by the selection. */
const char *lever_selection_label(const lever_selection *sel);

/* ------------------------------------------------------------------ */
/* Sources and coverage (INDICATORS.md section 12)                     */
/* ------------------------------------------------------------------ */

/* Which declaration a figure of a Comtrade store uses, from the point of view of the
 * query's first country A: its own (reported), its partner's (mirror), or its own in the
 * years it declared anything and its partner's otherwise (best). A BACI store holds one
 * reconciled figure per flow: its figures are "BACI" whatever the choice. */
typedef enum {
    LEVER_SOURCE_BEST = 0,
    LEVER_SOURCE_REPORTED = 1,
    LEVER_SOURCE_MIRROR = 2
} lever_source;

/* The source of a store's own figures, the one label every output names them by: "BACI"
 * (a BACI release or an extract of one), "synthetic" (made by lever synth, or by the test
 * server: not real trade), "importer, else exporter" (a Comtrade store read without a
 * choice of declaration: each flow as its importer declared it, else as its exporter did).
 * A figure read from one side of a Comtrade store is "reported" or "mirror" (lever_dyad_from). */
const char *lever_source_label(const lever_store *s);

/* Whether the store holds every flow from exporter i to importer j in year index y: it
 * holds all of i's exports or all of j's imports that year (a whole BACI release holds
 * everything; an extract or a Comtrade download, the flows of its reporters). */
int lever_covers(const lever_store *s, int year_index, int exporter, int importer);
/* When it does not, a sentence saying so into buf ("this store holds no flows of KAZ to
 * AFG in 2019: it covers only reporters DZA"); returns lever_covers. */
int lever_coverage_note(const lever_store *s, int year_index, int exporter, int importer,
                        char *buf, size_t len);
/* What a store holds of a country in a year: all its imports (LEVER_HOLDS_IMPORTS), all
 * its exports (LEVER_HOLDS_EXPORTS). A whole BACI release holds both of every country; an
 * extract those of the countries it is made of; a Comtrade store what its reporters
 * declared. A figure that sums a country's imports (M(j), shares, HHI) is exact only when
 * the store holds them. */
#define LEVER_HOLDS_IMPORTS 1
#define LEVER_HOLDS_EXPORTS 2
int lever_holds(const lever_store *s, int year_index, int country);
/* 1 when the store holds every country's imports and exports that year (world totals,
 * W(k), X(m,k) of every supplier, RCA). */
int lever_holds_world(const lever_store *s, int year_index);
/* Writes why a figure needing `need` (LEVER_HOLDS_* flags) of country (or, for country
 * -1, the whole world) is not exact ("this store does not hold all of AFG's imports in
 * 2021: it covers only the flows of DZA"); returns 1 (and "") when the store holds it. */
int lever_holds_note(const lever_store *s, int year_index, int country, int need, char *buf,
                     size_t len);
/* What the store holds completely in a year, for people: "every country", or "the flows of
 * DZA" / "reporters AFG (imports), KAZ (exports)" (at most 12 named, then "and N more"). */
void lever_coverage_list(const lever_store *s, int year_index, char *buf, size_t len);

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
    /* where the figures come from: "BACI", "reported" (A's declarations), "mirror" (B's) */
    const char *source;
    /* how each direction is valued: "FOB", "CIF", or "FOB from CIF" (divided by 1 + c) */
    const char *valuation_a_to_b, *valuation_b_to_a;
    /* 0 when the store does not hold that direction's flows this year (the figure is not
     * zero trade but unknown): lever_coverage_note says why */
    int covered_a_to_b, covered_b_to_a;
    /* Comtrade: each side's declared total (X by the exporter, M by the importer, USD),
     * LEVER_NO_DECLARATION when that country did not declare that year; the discrepancy
     * delta = (M - X) / max(M, X), NaN unless both declared */
    uint64_t x_decl_a_to_b, m_decl_a_to_b, x_decl_b_to_a, m_decl_b_to_a;
    double delta_a_to_b, delta_b_to_a;
    /* the same flows in kg, each flow's quantity times the selection's factor of its product
     * (grain equivalent for a group such as wheat), over the flows that have a quantity */
    double qty_a_to_b, qty_b_to_a;
    uint64_t no_qty_a_to_b, no_qty_b_to_a; /* flows without a quantity, left out of qty_ */
} lever_dyad_year;
#define LEVER_NO_DECLARATION UINT64_MAX

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
    const char *source;     /* "BACI", "reported" or "mirror" */
    /* lever_dyad with q->measure LEVER_MEASURE_QUANTITY (the products ranked by it, and
     * supplier_share, dest_share, hhi and n_suppliers of kilograms): q in kg times the
     * product's factor in the selection, rounded; LEVER_QTY_MISSING otherwise */
    int64_t qty_factor_kg;
} lever_product_flow;

typedef struct lever_dyad_result {
    int a, b; /* country indices */
    int n_years;
    lever_dyad_year *years;
    double cagr_total; /* over the first and last year with trade; NaN if undefined */
    /* top products per year, A->B then B->A: for year y the rows with .year == y, by value */
    size_t n_a_to_b, n_b_to_a;
    lever_product_flow *a_to_b, *b_to_a;
    int measure; /* of the product tables: LEVER_MEASURE_* (the year table has both) */
} lever_dyad_result;

/* Flows between a and b over q's years (a range) and products (q may be NULL: every year and
 * product; q->measure ranks the top products by kilograms; the other fields of q are not
 * used). top: products per year and direction. */
int lever_dyad(const lever_store *s, int a, int b, const lever_query *q, int top,
               lever_dyad_result **out, lever_error *err);
void lever_dyad_free(lever_dyad_result *r);
/* The same, with the figures of a Comtrade store taken from `source` (see lever_source),
 * import declarations (CIF) divided by 1 + cif_ppm / 10^6 (exactly, rounded to the USD)
 * when they stand for an export figure. Shares, concentration and unit-value medians are
 * those of the store's own figures. */
int lever_dyad_from(const lever_store *s, int a, int b, const lever_query *q, int top,
                    lever_source source, uint32_t cif_ppm, lever_dyad_result **out,
                    lever_error *err);

/* Every supplier of product k to `importer` in q's year (one year, as for lever_depend),
 * largest first (equal values by country index), read from the store's index of each
 * (importer, product)'s suppliers. */
typedef struct lever_suppliers_result {
    int importer, product, year;
    size_t n;
    lever_product_flow *flows; /* exporter = the supplier; shares s and e, HHI and N filled */
} lever_suppliers_result;

int lever_suppliers(const lever_store *s, int importer, int product, const lever_query *q,
                    lever_suppliers_result **out, lever_error *err);
void lever_suppliers_free(lever_suppliers_result *r);

/* ------------------------------------------------------------------ */
/* Options shared by the indicator queries (INDICATORS.md sections 2-9) */
/* ------------------------------------------------------------------ */

/* Named product groups (section 9): each a list of HS prefixes with a quantity factor. */
typedef struct lever_groups lever_groups;

/* Loads groups from a text file, or the built-in default set when path is NULL.
 * File format, one group per line ('#' starts a comment):
 *     wheat = 1001 1101*1.33      # flour counted as grain at a 75% extraction rate
 * On error err says "file:line:column: what; what to do" and LEVER_EINPUT is returned. */
int lever_groups_load(const char *path, lever_groups **out, lever_error *err);
void lever_groups_free(lever_groups *g);
int lever_groups_count(const lever_groups *g);
const char *lever_groups_name(const lever_groups *g, int group);
/* The group's definition as text, e.g. "1001 1101*1.33". */
const char *lever_groups_definition(const lever_groups *g, int group);
/* Index of a group by case-insensitive name, or -1. */
int lever_groups_find(const lever_groups *g, const char *name);
/* The products of a group, as a selection usable wherever --product is. */
int lever_groups_selection(const lever_store *s, const lever_groups *g, int group,
                           lever_selection **out, lever_error *err);
/* Quantity factor of an HS6 code in a group (longest matching prefix); 0 when not in it. */
double lever_groups_factor(const lever_groups *g, int group, int hs6);
/* --product read in HS edition `hs` ("HS92" ... "HS22") for store s, whatever s's edition
 * (INDICATORS.md section 13). With hs the store's edition: lever_groups_selection when query
 * names a group of g (g may be NULL), else lever_selection_parse. Otherwise the codes of
 * edition hs the query selects (HS prefixes, as many joined by commas: every code of the
 * edition; a group of g: its codes of the edition with their factors; words: the products
 * of words_store, a store of edition hs, they name) are linked to s's edition through UNSD's
 * correlation tables (tables_dir, or NULL: the installed ones) and the selection holds s's
 * products among the codes reached, whole. When the links are not one-to-one (a code split
 * over several, several merged into one, a code reached that also holds goods outside the
 * query), note says so and names the codes; else note is "". */
int lever_selection_in_edition(const lever_store *s, const char *query, const char *hs,
                               const lever_groups *g, const lever_store *words_store,
                               const char *tables_dir, lever_selection **out, char *note,
                               size_t note_len, lever_error *err);
/* Per-product weights from "staples=2,fuels=1.5" (group names; others weigh 1). *weights is a
 * malloc'd array of n_products doubles. */
int lever_weights_parse(const lever_store *s, const lever_groups *g, const char *spec,
                        double **weights, lever_error *err);
/* Per-product trade elasticities sigma_k from a CSV "hs,sigma" (HS prefixes, longest wins);
 * products without one get NaN (d is used for them). */
int lever_sigma_load(const lever_store *s, const char *path, double **sigma, lever_error *err);

/* How headroom counts alternative suppliers (section 5). */
typedef enum {
    LEVER_ALT_WORLD = 0,   /* W(k) - X(i,k) - X(j,k) */
    LEVER_ALT_CURRENT = 1, /* suppliers already selling k to j, less i */
    LEVER_ALT_LIST = 2     /* a named set of countries, less i and j */
} lever_alternatives;

/* What every query reads. Years, 0 meaning the first (year_from) or last (year_to) year of
 * the store:
 *   - dyad, leverage, compare, indicators: every year of [year_from, year_to];
 *   - depend, leverage_rank, exposure: one year, year_to (the last by default); year_from
 *     must be 0 or equal to year_to, else LEVER_EUSAGE;
 *   - change: compares two years, year_from (the first by default) with year_to (the last).
 * A year not in the store gives LEVER_ENOTFOUND with the store's range in the message. */
/* What a share, an HHI or a ranking is counted in (INDICATORS.md section 9): USD, or the
 * kilograms of the flows that have a quantity, each times its product's factor in the
 * query's selection (grain equivalent for a group such as wheat), rounded to the kg; the
 * flows without a quantity are left out and counted. */
enum { LEVER_MEASURE_VALUE = 0, LEVER_MEASURE_QUANTITY = 1 };

struct lever_query {
    int year_from, year_to;          /* see above */
    const lever_selection *products; /* NULL = every product */
    lever_alternatives alternatives;
    const int *alt_countries;        /* LEVER_ALT_LIST: country indices */
    int n_alt_countries;
    const double *weights;           /* per product index; NULL = every weight 1 */
    const double *sigma;             /* per product index; NULL or NaN entry = use d */
    int measure;                     /* LEVER_MEASURE_VALUE (0) or _QUANTITY: lever_depend,
                                        lever_compare, lever_change (the others: value) */
};

/* A supplier (or buyer) and its value, used in lists of alternatives. */
typedef struct lever_partner_value {
    int country;
    uint64_t value;
    double share;
} lever_partner_value;

/* ---- lever depend: where an importer is exposed ---- */

typedef struct lever_depend_row {
    int year, product;
    uint64_t imports;        /* M(B,k) */
    double import_share;     /* M(B,k) / M(B) */
    uint64_t exports;        /* X(B,k) */
    double net_import;       /* M(B,k) / X(B,k); +inf when B exports none */
    int supplier;            /* the top supplier, or A with --on */
    uint64_t supplier_value; /* v(A->B,k) */
    double supplier_share;   /* s(A->B,k) */
    double hhi, hhi_star;    /* HHI_M(B,k), normalised */
    const char *hhi_level;
    int n_suppliers;
    double hhi_world;        /* HHI_W(k) */
    uint64_t alt_supply;     /* A(A,B,k) */
    double headroom, d;      /* H and d = 1/(1+H) */
    int geodep;              /* the three GeoDep conditions hold this year */
    int geodep_persistent;   /* in at least 2 of this year and the 2 before; -1 when unknown */
    int critical;            /* bilateral critical dependence on the supplier */
    double score;            /* ranking key: M(B,k)/M(B) * s * d */
    int n_alternatives;
    lever_partner_value alternatives[3]; /* largest other suppliers of k (share = w(m,k)) */
} lever_depend_row;

/* With q->measure LEVER_MEASURE_QUANTITY every USD field of a row (imports, exports,
 * supplier_value, alt_supply, alternatives[].value) holds kilograms (factors applied), and
 * every share, HHI, screen and the ranking is of kilograms. */
typedef struct lever_depend_result {
    int importer, on; /* on = -1 without --on */
    int year;
    int measure;                /* LEVER_MEASURE_* */
    uint64_t flows_without_qty; /* quantity: B's import flows of the selected products left
                                   out for want of a quantity */
    size_t n;
    lever_depend_row *rows; /* ranked */
} lever_depend_result;

/* Products where `importer` is most exposed in q's year, ranked by score, or by supplier
 * share when on >= 0. top = rows to keep (0 = all). */
int lever_depend(const lever_store *s, int importer, int on, const lever_query *q, int top,
                 lever_depend_result **out, lever_error *err);
void lever_depend_free(lever_depend_result *r);

/* ---- lever leverage / exposure ---- */

typedef struct lever_leverage_year {
    int year;
    uint64_t trade;            /* T(A,B) */
    uint64_t total_a, total_b; /* T(A), T(B) */
    double supply_ab, market_ab, lev_ab; /* S(A over B), K(A over B), LEV(A over B) */
    double supply_ba, market_ba, lev_ba; /* the same for B over A */
    double net;                /* LEV(A over B) - LEV(B over A) */
    double asymmetry;          /* LEV(A over B) / LEV(B over A) */
    double d_b_on_a, d_a_on_b; /* Hirschman D(B on A), D(A on B) */
    double salience, symmetry; /* Barbieri */
} lever_leverage_year;

enum { LEVER_CHANNEL_SUPPLY = 0, LEVER_CHANNEL_MARKET = 1 };

typedef struct lever_contribution {
    int year;
    int holder;     /* the country holding the leverage (A, or B for the reverse) */
    int channel;    /* LEVER_CHANNEL_* */
    int product;
    uint64_t value; /* v(holder->other,k) for supply, v(other->holder,k) for market */
    double d;       /* d or d' (or 1/sigma) */
    double weight;
    double term;    /* value * d * weight */
    double share;   /* term / its channel's total (S or K of the holder that year) */
} lever_contribution;

typedef struct lever_leverage_result {
    int a, b;
    int n_years;
    lever_leverage_year *years;
    size_t n_contributions;
    lever_contribution *contributions; /* top per year, holder and channel, largest first */
} lever_leverage_result;

int lever_leverage(const lever_store *s, int a, int b, const lever_query *q, int top,
                   lever_leverage_result **out, lever_error *err);
void lever_leverage_free(lever_leverage_result *r);

typedef struct lever_rank_row {
    int partner;
    uint64_t trade;  /* T(country, partner) */
    double lev;      /* leverage of the holder over the subject */
    double reverse;  /* the other way */
    double net;      /* lev - reverse */
} lever_rank_row;

typedef struct lever_ranking {
    int country;
    int year;
    size_t n;
    lever_rank_row *rows; /* largest lev first */
} lever_ranking;

/* Every partner P of a ranked by LEV(a over P), in q's year. */
int lever_leverage_rank(const lever_store *s, int a, const lever_query *q, lever_ranking **out,
                        lever_error *err);
/* Every country P ranked by LEV(P over b) in q's year: who could squeeze b. */
int lever_exposure(const lever_store *s, int b, const lever_query *q, lever_ranking **out,
                   lever_error *err);
void lever_ranking_free(lever_ranking *r);

/* ---- lever compare: suppliers competing in one market ---- */

typedef struct lever_compare_year {
    int year;
    int supplier;
    uint64_t value; /* X(A->B) */
    double share;   /* s(A->B) = X(A->B) / M(B) */
    double lev;     /* LEV(A over B) */
} lever_compare_year;

typedef struct lever_similarity {
    int year;
    int a, b;   /* suppliers */
    double esi; /* ESI(a,b|B) */
} lever_similarity;

typedef struct lever_headon {
    int year, product;
    uint64_t imports; /* M(B,k) */
    int supplier;
    uint64_t value;   /* v(supplier->B,k) */
    double share;     /* s(supplier->B,k) */
    double overlap;   /* the product's rank key: second-largest share among the compared */
} lever_headon;

/* With q->measure LEVER_MEASURE_QUANTITY, value and imports are kilograms (factors
 * applied) of the flows with a quantity, shares and ESI of kilograms; lev stays LEV in
 * value; flows_without_qty counts the compared suppliers' flows left out. */
typedef struct lever_compare_result {
    int market;
    int measure;
    uint64_t flows_without_qty;
    size_t n_years_rows, n_similarities, n_headon;
    lever_compare_year *years;
    lever_similarity *similarities;
    lever_headon *headon; /* products where at least two compared suppliers sell, by overlap */
} lever_compare_result;

int lever_compare(const lever_store *s, int market, const int *suppliers, int n_suppliers,
                  const lever_query *q, int top, lever_compare_result **out, lever_error *err);
void lever_compare_free(lever_compare_result *r);

/* ---- lever change: what drove the change in X(A->B) ---- */

typedef struct lever_change_row {
    int product;
    uint64_t v0, v1;
    int64_t delta;           /* v1 - v0, exact */
    int64_t q0, q1;          /* kg or LEVER_QTY_MISSING */
    double quantity_effect;  /* (q1 - q0) * uv0; NaN without quantities */
    double price_effect;     /* (uv1 - uv0) * q1 */
    double share_of_change;  /* delta / total delta */
} lever_change_row;

/* With q->measure LEVER_MEASURE_QUANTITY, v0, v1, delta and the totals are kilograms
 * (factors applied) of the flows with a quantity, q0 and q1 LEVER_QTY_MISSING and the
 * effects NaN; flows_without_qty counts the selected flows of either year left out. */
typedef struct lever_change_result {
    int a, b, year0, year1;
    int measure;
    uint64_t flows_without_qty;
    uint64_t total0, total1;
    int64_t delta;
    size_t n;
    lever_change_row *rows; /* every product with a change, largest |delta| first */
} lever_change_result;

/* The change of X(a->b) from q->year_from to q->year_to (the first and last year of the store
 * when 0). */
int lever_change(const lever_store *s, int a, int b, const lever_query *q,
                 lever_change_result **out, lever_error *err);
void lever_change_free(lever_change_result *r);

/* ---- lever indicators: WITS bilateral indicators ---- */

typedef struct lever_indicators_year {
    int year;
    double tii_ab, tii_ba;     /* trade intensity TII(A,B), TII(B,A) */
    double tc_ab, tc_ba;       /* complementarity of A's exports with B's imports, and back */
    double d_b_on_a, d_a_on_b; /* Hirschman */
} lever_indicators_year;

typedef struct lever_rca_row {
    int year, country, product;
    uint64_t exports; /* X(i,k) */
    double rca;
} lever_rca_row;

typedef struct lever_indicators_result {
    int a, b;
    int n_years;
    lever_indicators_year *years;
    size_t n_rca;
    lever_rca_row *rca; /* top per year and country, largest first */
} lever_indicators_result;

int lever_indicators(const lever_store *s, int a, int b, const lever_query *q, int top,
                     lever_indicators_result **out, lever_error *err);
void lever_indicators_free(lever_indicators_result *r);

/* ------------------------------------------------------------------ */
/* Fetch: lever fetch (src/lib/fetch)                                  */
/* ------------------------------------------------------------------ */

/* Downloads BACI release zips and Comtrade Plus API answers into a local cache, then
 * places them in an output folder, ready for lever_import_add_file(). libcurl is loaded
 * at the first download, so programs that never fetch do not load it. Every failure
 * (network, HTTP status, rate limit, refused key, truncated or changed answer) returns
 * LEVER_EFETCH (or LEVER_EIO for local files) with a message saying what to do; no
 * output file is ever left half-written. */
typedef struct lever_fetch lever_fetch;

/* Progress of one download: label names it ("BACI_HS92_V202501.zip"), done and total are
 * bytes of the whole file (total 0 when unknown), resumed the bytes already there when the
 * download started. Called at most ~10 times a second, and once at the end. */
typedef void (*lever_fetch_progress_fn)(void *ud, const char *label, uint64_t done,
                                        uint64_t total, uint64_t resumed);
/* A file placed in the output folder: its path, the records it holds (-1 for a zip), and
 * whether it came from the cache without a download. */
typedef void (*lever_fetch_file_fn)(void *ud, const char *path, long records, int from_cache);

int lever_fetch_new(lever_fetch **out);
void lever_fetch_free(lever_fetch *f);
const char *lever_fetch_errmsg(const lever_fetch *f);
void lever_fetch_set_progress(lever_fetch *f, lever_fetch_progress_fn fn, void *ud);
/* Notes: waits for a rate limit, resumed downloads, damaged cache entries dropped. */
void lever_fetch_set_note(lever_fetch *f, lever_warning_fn fn, void *ud);
void lever_fetch_set_file(lever_fetch *f, lever_fetch_file_fn fn, void *ud);
/* The cache folder (created when missing); NULL: $XDG_CACHE_HOME/lever, else
 * $HOME/.cache/lever. */
int lever_fetch_set_cache(lever_fetch *f, const char *dir);
/* Attempts after a failed transfer (cut connection, HTTP 429 or 5xx; default 5), and the
 * longest wait honoured when a server asks to retry later (seconds, default 120). */
void lever_fetch_set_retries(lever_fetch *f, int retries, int max_wait_seconds);

/* The CEPII BACI release zip of an HS edition ("HS92") and release ("V202501";
 * NULL: LEVER_BACI_DEFAULT_RELEASE) from base_url (NULL: LEVER_BACI_URL), checked (every
 * member's CRC-32), into out_dir as BACI_HS92_V202501.zip. */
#define LEVER_BACI_URL "https://www.cepii.fr/DATA_DOWNLOAD/baci/data"
#define LEVER_BACI_DEFAULT_RELEASE "V202601"
int lever_fetch_baci(lever_fetch *f, const char *hs, const char *release, const char *base_url,
                     const char *out_dir);

/* A Comtrade Plus data API question: goods (C), HS as reported. */
#define LEVER_COMTRADE_URL "https://comtradeapi.un.org"
#define LEVER_COMTRADE_PREVIEW_LIMIT 500   /* records per call without a key */
#define LEVER_COMTRADE_KEY_LIMIT 100000    /* records per call with a free key */
typedef struct lever_comtrade_query {
    const char *base_url;  /* NULL: LEVER_COMTRADE_URL */
    const char *key;       /* subscription key; NULL or "": the keyless preview API */
    const int *reporters;  /* Comtrade (M49) codes, see lever_comtrade_code() */
    size_t n_reporters;
    const int *partners;   /* NULL: all partners */
    size_t n_partners;
    int year_from, year_to;
    int monthly;           /* monthly periods instead of years */
    const char *flows;     /* flowCode list, NULL: "M,X" */
    const char *commodities; /* cmdCode list, NULL: "AG6" (every 6-digit product) */
    long max_records;      /* records per call, 0: the API's limit for the key */
} lever_comtrade_query;
/* Asks the question in calls of one reporter and one year each, split further (by flow,
 * then by months, then by partners) when an answer reaches the per-call record limit,
 * and writes each answer as returned into out_dir (comtrade_*.json). */
int lever_fetch_comtrade(lever_fetch *f, const lever_comtrade_query *q, const char *out_dir);
/* The Comtrade code of a country given as ISO3 ("KAZ"), a code ("398") or "world" (0).
 * LEVER_ENOTFOUND when unknown (message in lever_fetch_errmsg). */
int lever_comtrade_code(lever_fetch *f, const char *name, int *code);
/* Indirect supply through processors: lever chains (INDICATORS.md 10) */
/* ------------------------------------------------------------------ */


/* A processing chain: kg of input per kg of output. */
typedef struct lever_chain {
    char input[8], output[8]; /* HS prefixes, "1001" and "1101" */
    double factor;            /* 1.33 */
} lever_chain;

/* Chains from a CSV "input,output,factor" (header optional, '#' comments), or the built-in
 * one (wheat 1001 -> flour 1101, 1.33) when path is NULL. *out is malloc'd (free()). */
int lever_chains_load(const char *path, lever_chain **out, size_t *n, lever_error *err);

/* Production of inputs, from a CSV "country,year,product,tonnes" (e.g. FAOSTAT figures with
 * the product written as an HS prefix); countries as every query names them. */
typedef struct lever_production lever_production;
int lever_production_load(const lever_store *s, const char *path, lever_production **out, lever_error *err);
void lever_production_free(lever_production *p);

typedef struct lever_origin_row {
    int country;
    double direct;      /* s(A->B,k_out) */
    double share_low;   /* s°(A->B,k_out) with the low bound of every unknown γ (0) */
    double share_high;  /* with the high bound (1 for processors that import the input) */
    double input_equivalent_low_t, input_equivalent_high_t; /* s° Q(B,k_out) f, tonnes */
    int critical_low, critical_high; /* bilateral critical dependence on the origin */
} lever_origin_row;

typedef struct lever_processor_row {
    int country;            /* m, a supplier of k_out to B */
    double share;           /* s(m->B,k_out) */
    uint64_t input_imports; /* M(m,k_in), USD */
    int64_t input_imports_kg;         /* of the flows with a quantity */
    uint64_t input_flows_without_qty; /* left out of input_imports_kg */
    int has_production;
    double production_t;    /* P(m,k_in), tonnes; NaN without a figure */
    double gamma_low, gamma_high; /* γ(m), equal when known */
    int top_origin;         /* largest supplier of m's input, -1 */
    double top_origin_share;
} lever_processor_row;

typedef struct lever_chains_result {
    int importer, year, measure;
    lever_chain chain;
    uint64_t imports;           /* M(B,k_out), USD */
    int64_t imports_kg;         /* of B's flows with a quantity */
    uint64_t flows_without_qty; /* B's flows of k_out without a quantity */
    uint64_t input_flows_without_qty; /* processors' input flows without a quantity */
    uint64_t exports;           /* X(B,k_out) */
    double net_import;          /* M/X */
    double hhi_world;           /* HHI_W(k_out) */
    double hhi_direct;          /* HHI_M(B,k_out) */
    double hhi_origin[2];       /* HHI° with the low [0] and high [1] bounds */
    const char *level[2];       /* their levels (section 3), "" when NaN */
    int n_origins_positive[2];
    int geodep[2];              /* the GeoDep screen on HHI° */
    int gamma_known;            /* every γ known: the bounds are equal */
    size_t n_origins, n_processors;
    lever_origin_row *origins;  /* by share_high, largest first */
    lever_processor_row *processors; /* by share */
} lever_chains_result;

/* Shares by origin of B's imports of the chain's output in the query's year (year_to, 0 = last); production
 * may be NULL (bounds); measure LEVER_MEASURE_VALUE or _QUANTITY. */
int lever_chains(const lever_store *s, int b, const lever_chain *chain,
                 const lever_production *production, int measure, const lever_query *q,
                 lever_chains_result **out, lever_error *err);
void lever_chains_free(lever_chains_result *r);

/* ------------------------------------------------------------------ */
/* Events shown beside the years (lever dyad, lever change, reports)  */
/* ------------------------------------------------------------------ */

/* Dated events from a CSV "date,countries,label,source" (header optional, '#' comments):
 * dates YYYY-MM-DD, YYYY-MM or YYYY; countries ISO3 joined by ';' (empty: every country);
 * label and source required. Sorted by date. */
typedef struct lever_events lever_events;

typedef struct lever_event {
    int year, month, day;  /* month and day 0 when the date does not give them */
    const char *date;      /* as written: "2023-04" */
    const char *countries; /* "KAZ;AFG", or "" */
    const char *label;
    const char *source;
} lever_event;

/* Errors: "file:line:column: what; what to do" in err->message (LEVER_EINPUT, LEVER_EIO). */
int lever_events_load(const char *path, lever_events **out, lever_error *err);
void lever_events_free(lever_events *ev);
size_t lever_events_count(const lever_events *ev);
/* Event n (0 <= n < count); the strings live as long as ev. */
void lever_event_at(const lever_events *ev, size_t n, lever_event *out);
/* The events of years [year_from, year_to] (0 = open end) that name any of the n_iso3
 * codes (n_iso3 = 0: any country; an event naming no country always matches). Writes
 * their indices, by date, to idx (room for lever_events_count entries); returns how many. */
size_t lever_events_select(const lever_events *ev, const char *const *iso3, int n_iso3,
                           int year_from, int year_to, size_t *idx);

/* ------------------------------------------------------------------ */
/* Borders and transit routes (INDICATORS.md section 11)               */
/* ------------------------------------------------------------------ */

/* The border graph: countries (by ISO3) are nodes, a land border is an edge, and one node
 * "SEA" joins every country with a coast. Loaded from a folder holding contiguity.csv
 * (iso3_a,iso3_b) and countries.csv (iso3,landlocked); lever ships one (data/geo). */
typedef struct lever_borders lever_borders;

/* The folder lever was installed with (meson's datadir/lever/geo), or, for a build that
 * was never installed, the data/geo folder of its sources. */
const char *lever_borders_default_dir(void);
/* dir NULL = lever_borders_default_dir(). Errors: "file:line:column: ..." in err->message. */
int lever_borders_load(const char *dir, lever_borders **out, lever_error *err);
void lever_borders_free(lever_borders *b);
/* Closes crossings given as "AFG-CHN,TKM-UZB" (LEVER_EUSAGE when one is unknown). */
int lever_borders_close(lever_borders *b, const char *list, lever_error *err);
/* Applies a file of edits, one CSV record "close,AFG,CHN" or "add,SSD,SDN" per line
 * (optional header, '#' comments); SEA may be one side; an added code becomes a node. */
int lever_borders_edit_file(lever_borders *b, const char *path, lever_error *err);
const char *lever_borders_dir(const lever_borders *b);
/* The edits applied, "closed AFG-CHN, added SSD-SDN", or "". */
const char *lever_borders_edits(const lever_borders *b);
/* Neighbours of a node (ISO3 or "SEA"), up to max copied; returns how many, -1 if unknown. */
int lever_borders_neighbours(const lever_borders *b, const char *iso3, char (*out)[4], int max);

/* The observed split of a pair's trade by mode of transport and by country of
 * consignment, from a CSV the user gives: "year,reporter,flow,partner,mode,consignment,
 * value", the Comtrade Plus columns refYear, reporterISO, flowCode (M or X), partnerISO,
 * motCode (0 = all modes), partner2ISO (empty or W00 = none) and primaryValue (USD). */
typedef struct lever_observed lever_observed;
enum { LEVER_OBSERVED_MODE = 0, LEVER_OBSERVED_CONSIGNMENT = 1 };
typedef struct lever_observed_row {
    char reporter[4], partner[4];
    char flow;             /* 'M' or 'X', as the reporter declared it */
    int breakdown;         /* LEVER_OBSERVED_MODE or _CONSIGNMENT */
    int mode;              /* motCode (mode rows) */
    const char *mode_name; /* "Railway"; "" for consignment rows */
    char consignment[4];   /* ISO3 (consignment rows) */
    uint64_t value;        /* USD */
    double share;          /* of the reporter's flow over the records of this breakdown */
} lever_observed_row;
/* Errors: "file:line:column: what; what to do" (LEVER_EINPUT, LEVER_EIO). */
int lever_observed_load(const char *path, lever_observed **out, lever_error *err);
void lever_observed_free(lever_observed *o);
/* The rows of `year` declared by a about b or by b about a (ISO3), by reporter, flow,
 * breakdown and value; *out malloc'd (free()). LEVER_ENOMEM only. */
int lever_observed_split(const lever_observed *o, int year, const char *a, const char *b,
                         lever_observed_row **out, size_t *n);
/* The name of a Comtrade Plus mode of transport ("Railway" for 3100), "" when unknown. */
const char *lever_transport_mode_name(int code);

#define LEVER_ROUTE_MAX_EDGES 24

typedef struct lever_route {
    int length;   /* edges */
    int shortest; /* 1 when length == h */
    char path[LEVER_ROUTE_MAX_EDGES * 4 + 4]; /* "KAZ-UZB-AFG", "PAK-SEA-IND" */
} lever_route;

/* A transit country T of the flows between A and B. */
typedef struct lever_transit_share {
    char iso3[4];
    int country;         /* store index, -1 when the store has no such country */
    double share;        /* c(T | A->B) = c(T | B->A): share of the shortest routes crossing T */
    int chokepoint;      /* T is crossed by every route of at most h + slack edges */
    int n_routes;        /* routes of at most h + slack edges crossing T */
    double tlev_b, tlev_b_chokepoint; /* TLEV(T over B) and its chokepoint part */
    double tlev_a, tlev_a_chokepoint; /* TLEV(T over A) and its chokepoint part */
} lever_transit_share;

typedef struct lever_transit_result {
    int a, b, year, h, slack; /* h: edges of the shortest routes (0 when there is none) */
    uint64_t a_to_b, b_to_a;  /* X(A->B), X(B->A) over the query's products */
    size_t n_routes, n_shortest;
    lever_route *routes;      /* shortest first, then by path */
    size_t n_transit;
    lever_transit_share *transit; /* largest share first, then chokepoints, then ISO3 */
} lever_transit_result;

/* Routes and transit countries of A-B in the query's year (year_to, 0 = last), slack 0..4 extra edges.
 * LEVER_ENOTFOUND when A or B is not in the border data. */
int lever_transit(const lever_store *s, const lever_borders *g, int a, int b, int slack,
                  const lever_query *q, lever_transit_result **out, lever_error *err);
void lever_transit_free(lever_transit_result *r);

typedef struct lever_tlev_row {
    char iso3[4];
    int country;               /* store index, -1 when the store has no such country */
    double carried;            /* sum over partners A of T(A,B) c(T | A->B), USD */
    double carried_chokepoint; /* the same with c = 1 where T is a chokepoint, else 0 */
    double tlev, tlev_chokepoint; /* divided by T(B) */
    int n_partners;            /* partners whose shortest routes cross T */
    int n_chokepoint_partners; /* partners for which T is a chokepoint */
    int top_partner;           /* the partner adding most to carried (store index) */
    double top_partner_carried;
} lever_tlev_row;

typedef struct lever_tlev_result {
    int b, year, slack;
    uint64_t total_b;    /* T(B) = X(B) + M(B) over the query's products */
    uint64_t routed;     /* trade with partners that have a route */
    uint64_t unrouted;   /* trade with partners not in the border data or unreachable */
    int n_partners, n_unrouted;
    size_t n;
    lever_tlev_row *rows; /* every transit country, largest TLEV first */
} lever_tlev_result;

/* Every transit country T ranked by TLEV(T over B) in the query's year (year_to, 0 = last). */
int lever_transit_over(const lever_store *s, const lever_borders *g, int b, int slack,
                       const lever_query *q, lever_tlev_result **out, lever_error *err);
void lever_tlev_free(lever_tlev_result *r);

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
int lever_synth(const lever_synth_options *opt, lever_write_fn write, void *ud,
                lever_error *err);

/* ------------------------------------------------------------------ */
/* Charts and reports: lever chart, lever report (src/lib/render)      */
/* ------------------------------------------------------------------ */

/* Charts are SVG written by lever; every figure comes from the queries above. */
typedef enum {
    LEVER_CHART_FLOWS = 0,     /* X(A->B) and X(B->A) over the query's years (lever_dyad) */
    LEVER_CHART_PRODUCTS = 1,  /* what each sells the other in year_to, by HS section */
    LEVER_CHART_SUPPLIERS = 2, /* B's suppliers of one product, year by year */
    LEVER_CHART_LEVERAGE = 3,  /* LEV both ways per year, supply and market channels */
    LEVER_CHART_CHANGE = 4     /* contributions to the change of X(A->B), year_from to year_to */
} lever_chart_kind;

typedef struct lever_chart_options {
    lever_chart_kind kind;
    int a, b;    /* country indices */
    int product; /* suppliers: product index; -1 = A's largest export to B in year_to */
    int top;     /* products and change: bars per direction (0 = 10) */
    int width;   /* pixels (0 = 640), 320 to 4000 */
    const lever_events *events; /* flows: events of A or B marked on the years; NULL */
} lever_chart_options;

/* Draws one chart as a standalone SVG document through write (called once, with the
 * whole chart; a non-zero return is LEVER_EIO). */
int lever_chart_svg(const lever_store *s, const lever_chart_options *o, const lever_query *q,
                    lever_write_fn write, void *ud, lever_error *err);
/* A's largest export to B (product index) in q's year_to over q's products: the default
 * product of the suppliers chart. LEVER_ENOTFOUND when A sold B none of them. */
int lever_chart_largest_product(const lever_store *s, int a, int b, const lever_query *q,
                                int *product, lever_error *err);

/* The bilateral report of A and B over q's years (0 = every year of the store) as one
 * self-contained HTML page: inline CSS and SVG, no script but a JSON block of its figures
 * (id "lever-data"), nothing loaded from elsewhere. q's products, alternatives, weights
 * and sigma apply to every section. top: products per table (0 = 10). events (NULL:
 * none): the events of A or B in those years, marked on the time line and listed. */
int lever_report_html(const lever_store *s, int a, int b, const lever_query *q, int top,
                      const lever_events *events, lever_write_fn write, void *ud,
                      lever_error *err);

#ifdef __cplusplus
}
#endif
#endif /* LEVER_H */
