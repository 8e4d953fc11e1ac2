/*
 * cli.h - what the lever command's files share: the subcommand table entry type,
 * usage errors, opening the store named by --store / $LEVER_STORE, how countries are
 * named, and the output document that every query command fills and that is rendered
 * as an aligned table (for people), CSV or JSON (for programs). Commands never format
 * numbers or country names themselves, so every command prints the same way.
 */
#ifndef LEVER_CLI_H
#define LEVER_CLI_H

#include "lever.h"
#include "options.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Exit codes. */
/* EXIT_UNCOVERED: the answer was printed, but some of it needs flows the store does not
 * hold (shown as empty, never as zero trade); stderr says which. */
enum { EXIT_OK = 0, EXIT_ERROR = 1, EXIT_USAGE = 2, EXIT_UNCOVERED = 3 };

/* Default store path when neither --store nor $LEVER_STORE is given. */
#define CLI_DEFAULT_STORE "lever.store"

typedef struct cli_command {
    const char *name;
    int (*run)(int argc, char **argv); /* argv[0] is the command name */
    const char *summary;               /* one line for `lever help` */
} cli_command;

/* Prints "lever: " + message to stderr (printf-style). */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* An output file written by way of PATH.tmp and renamed over PATH only when complete, so
 * a failure never leaves half a file; lever_output_check refuses FIFOs, devices and
 * folders. Every command that writes a file goes through these two calls. */
typedef struct cli_outfile {
    char *path; /* where it goes */
    char *tmp;  /* PATH.tmp: what is written */
} cli_outfile;
/* Checks the path and names the temporary file: EXIT_OK, or EXIT_ERROR (already said). */
int cli_outfile_begin(cli_outfile *o, const char *given);
/* With rc EXIT_OK renames tmp over path (an error if that fails), else removes tmp; frees
 * both names and returns the final status. */
int cli_outfile_end(cli_outfile *o, int rc);
void cli_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Resolves the store path: explicit (may be NULL), else $LEVER_STORE, else CLI_DEFAULT_STORE.
 * Opens it; on failure prints the error (with what to do) and returns NULL. */
lever_store *cli_open_store(const char *explicit_path);

/* Prints the message of a failed library call; returns EXIT_ERROR. */
int cli_fail(const lever_error *err);
/* Looks a country up, printing the lookup's error (with candidates) on failure. */
bool cli_country(const lever_store *s, const char *query, int *country);
/* Joins the words of a query given without quotes ("united kingdom"); malloc'd. Prints
 * the error and returns NULL when out of memory. */
char *cli_join_words(int argc, char **argv);
/* How output names a country: by its code ("KAZ", or the numeric code when it has no
 * ISO3) in columns and headers, by a label ("Kazakhstan (KAZ)") in titles and metadata. */
typedef struct cli_country_names {
    char code[16];
    char label[300];
} cli_country_names;
void cli_name_country(const lever_store *s, int c, cli_country_names *names);
/* The BACI / ISO 3166 numeric code, for programs (some countries have no ISO3). */
int cli_country_numeric(const lever_store *s, int c);

/* ------------------------------------------------------------------ */
/* Output documents                                                    */
/* ------------------------------------------------------------------ */

/* OUT_AUTO: --format not given: xlsx or json when -o names a .xlsx or .json file, else
 * a table when stdout is a terminal, else csv. */
typedef enum { OUT_AUTO, OUT_TABLE, OUT_CSV, OUT_JSON, OUT_XLSX } out_kind;

/* How a document is rendered: the shared options --format, --wide, --table and -o
 * (options.c binds them to cli_query.fmt), passed whole to out_doc_print. */
typedef struct out_format {
    out_kind kind;      /* --format, or OUT_AUTO */
    bool wide;          /* --wide: every column, text never cut (tables for people) */
    const char *table;  /* --table NAME: only that table; "list": the names; NULL: all
                           (CSV: the command's main table) */
    const char *output; /* -o FILE: write there (required by xlsx) instead of stdout */
} out_format;

/* Parses "table", "csv", "json" or "xlsx". */
bool out_parse_format(const char *text, out_kind *kind);
/* The command line, for the notes of a spreadsheet and the JSON metadata (main.c). */
void out_set_command_line(int argc, char **argv);

typedef enum {
    COL_STR,   /* text */
    COL_INT,   /* int64, plain (years, codes, counts) */
    COL_USD,   /* uint64 / int64 USD: thousands separators in tables, plain digits in CSV/JSON */
    COL_KG,    /* int64 kg, empty/null when missing */
    COL_COUNT, /* int64 count (rows, bytes): thousands separators in tables, plain digits else */
    COL_SHARE, /* double fraction: "12.3%" in tables, full precision fraction in CSV/JSON */
    COL_RATIO, /* double: 4 significant digits in tables, full precision in CSV/JSON;
                  NaN prints as empty (CSV), null (JSON), "-" (table); +inf as "inf" */
    COL_HS6,   /* int product code, always 6 digits with leading zeros */
    /* OR'ed to a type: a secondary column (a component, a numeric code, a quality flag),
     * left out of the table people see unless --wide; always in CSV, JSON and xlsx */
    COL_WIDE = 0x100
} col_type;

typedef struct out_col {
    const char *name; /* stable machine name: CSV header and JSON key, e.g. "supplier_share" */
    const char *title; /* human header for tables, e.g. "s(i->j,k)"; NULL = name */
    col_type type;    /* may carry COL_WIDE: COL_USD | COL_WIDE */
} out_col;

typedef struct out_doc out_doc;
typedef struct out_table out_table;

/* A document: metadata lines (data source, HS version, release, synthetic warning) and tables. */
out_doc *out_doc_new(const char *title);
/* Adds the store's provenance (HS version, release, SYNTHETIC) to the metadata. */
void out_doc_store(out_doc *d, const lever_store *s);
/* Adds text to the metadata line key ("; "-separated); false when it is there already. */
bool out_doc_meta_append(out_doc *d, const char *key, const char *text);
/* Coverage (coverage.c): whether the store holds what a figure needs of country (LEVER_HOLDS_*
 * flags; country -1: the whole world) in a year. When it does not, says so once on stderr
 * and in the document's "coverage" line, with `figures` (what is computed on part of the
 * data), and returns true: the command then exits EXIT_UNCOVERED. */
bool cli_needs(out_doc *d, const lever_store *s, int year, int country, int need,
               const char *figures);
/* The same for the flows exporter -> importer (lever_coverage_note). */
bool cli_needs_flows(out_doc *d, const lever_store *s, int year, int exporter, int importer,
                     const char *figures);
/* A figure's source label ("BACI", "reported", ...), with ", HS converted" or ", HS split"
 * when the store's flows of that year were converted from another HS edition. */
const char *out_source_label(const lever_store *s, int year, const char *source, char *buf,
                             size_t len);
void out_doc_meta(out_doc *d, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
out_table *out_doc_table(out_doc *d, const char *name, const char *title, int ncols,
                         const out_col *cols);
/* Cells are added left to right; a row is complete after ncols cells. */
void out_str(out_table *t, const char *s);
void out_int(out_table *t, int64_t v);
void out_usd(out_table *t, int64_t v);
void out_u64(out_table *t, uint64_t v); /* USD too, for values beyond int64 */
void out_kg(out_table *t, int64_t kg);  /* LEVER_QTY_MISSING prints as missing */
void out_double(out_table *t, double v);
void out_hs6(out_table *t, int hs6);
void out_null(out_table *t);
/* Marks a one-row table to print as "field: value" lines in table format. */
void out_table_record(out_table *t);
/* Marks the command's main table: what CSV writes without --table (default: the first). */
void out_table_main(out_table *t);
/* Renders to stdout (or fmt.output) and frees the document. Returns EXIT_OK, EXIT_ERROR on
 * a write error, or EXIT_USAGE for a --table that names no table of the document. */
int out_doc_print(out_doc *d, out_format fmt);
void out_doc_free(out_doc *d);
/* 31396 -> "31,396": the thousands separators of USD cells, for text outside a document
 * (lever import's progress and summary lines). Returns buf. */
const char *out_grouped(uint64_t v, char *buf, size_t len);

/* Progress bars on standard error (lever import, lever fetch): seconds on a monotonic
 * clock, the 20 characters of a bar filled to fraction ("#####---------------"), and
 * clearing the bar's line when one is shown (*shown is then false). */
double cli_now(void);
void cli_bar(char text[21], double fraction);
void cli_bar_clear(bool *shown);

/* What the commands build their documents from (common.c). */
/* A document titled by a printf format, with the store's provenance in its metadata. */
out_doc *cli_doc_new(const lever_store *s, const char *title_fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The "years" metadata line: "2021", or "2019-2021" for a range. */
void cli_meta_years(out_doc *d, int first, int last);
/* Two cells naming country c: its code (cli_country_names) and its numeric code. */
void cli_out_country(out_table *t, const lever_store *s, int c);

/* ------------------------------------------------------------------ */
/* Options shared by the indicator commands (query.c)                  */
/* ------------------------------------------------------------------ */

#define CLI_MAX_STORES 4
typedef struct cli_stores {
    const char *path[CLI_MAX_STORES];
    int n;
} cli_stores;

typedef struct cli_query {
    /* as given on the command line: options.h binds the shared options to these */
    const char *store_path;   /* --store: the first one given */
    cli_stores stores;        /* every --store, in order (several only with CLI_Q_STORES) */
    out_format fmt;           /* --format (the parser sets the default) */
    int year;                 /* --year T; 0 = not given (the last year) */
    int years[2];             /* --years Y0-Y1; 0 = open end; both 0 = not given */
    const char *product;      /* --product: HS prefix, description words or a group name */
    const char *alternatives; /* --alternatives world|current|ISO3,ISO3,... */
    const char *groups_file;  /* --groups FILE (else the built-in groups) */
    const char *weights;      /* --weights GROUP=W,... */
    const char *sigma_file;   /* --sigma FILE */
    long top;                 /* --top N; the command sets its default before parsing */
    const char *product_hs;   /* --hs HSxx: the edition --product is read in (lever dyad binds
                                 it; NULL: the store's own) */
    /* resolved by cli_query_open */
    lever_store *store;
    lever_groups *groups;
    lever_selection *selection;
    char product_note[2048];  /* --product read in another edition: what is not one-to-one */
    int *alt_countries;
    double *weight_values, *sigma_values;
    lever_query q;            /* years: --year T as T-T, else --years, else every year */
    const char *source;       /* --source reported|mirror|best */
    const char *cif_rate;     /* --cif-rate C */
    bool quantity;            /* --measure quantity (q.measure, once resolved) */
    lever_source source_value;
    uint32_t cif_ppm;         /* --cif-rate in millionths */
} cli_query;

/* Opens the store and resolves every shared option into cq->q. Prints errors (a bad
 * --alternatives or --weights as a usage error of spec); returns EXIT_OK, or the exit
 * code to return. */
int cli_query_open(cli_query *cq, const cli_spec *spec);
void cli_query_close(cli_query *cq);

/* Prints a leverage ranking (cmd_leverage.c): partners of A by LEV(A over .), or with
 * exposure, countries by LEV(. over B). Shared by `lever leverage A` and `lever exposure B`. */
int leverage_print_ranking(cli_query *cq, const lever_ranking *r, bool exposure);

/* lever dyad A B over several --store (dyad_stores.c): each year from the best store. */
int dyad_over_stores(cli_query *cq, const char *query_a, const char *query_b,
                     const char *events_file);
/* cmd_dyad.c: the table of the top products one way, and its rows (those of `year`, or
 * every year for 0), with the store's rank and whether the year uses it when store > 0. */
out_table *dyad_product_table(out_doc *d, const char *name, const cli_country_names *from,
                              const cli_country_names *to, int top, bool quantity, bool stores);
void dyad_product_rows(out_table *t, const lever_store *s, bool quantity,
                       const lever_product_flow *flows, size_t n_flows, int year, int store,
                       bool used);

/* --events FILE (events.c). Loads the file (NULL path: NULL, *rc EXIT_OK); on error prints
 * it and sets *rc. */
lever_events *cli_events_load(const char *path, int *rc);
/* One cell: "DATE LABEL; DATE LABEL" of the events naming country a or b in `year`. */
void cli_events_cell(out_table *t, const lever_store *s, const lever_events *ev, int a, int b,
                     int year);
/* --measure value|quantity as a CLI_CALLBACK: sets the bool *value (true: quantity). */
const char *cli_measure_parse(const char *arg, void *value);
/* Table "events": the events naming a or b in [y0, y1], with their sources. */
void cli_events_table(out_doc *d, const lever_store *s, const lever_events *ev, int a, int b,
                      int y0, int y1);

/* Subcommands (one file each: src/cli/cmd_NAME.c). */
int cmd_import(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_country(int argc, char **argv);
int cmd_product(int argc, char **argv);
int cmd_groups(int argc, char **argv);
int cmd_dyad(int argc, char **argv);
int cmd_synth(int argc, char **argv);
int cmd_fetch(int argc, char **argv);
int cmd_depend(int argc, char **argv);
int cmd_leverage(int argc, char **argv);
int cmd_exposure(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_change(int argc, char **argv);
int cmd_indicators(int argc, char **argv);
int cmd_transit(int argc, char **argv);
int cmd_chains(int argc, char **argv);
int cmd_chart(int argc, char **argv);
int cmd_report(int argc, char **argv);

#endif /* LEVER_CLI_H */
