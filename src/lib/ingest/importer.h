/*
 * importer.h - the import handle (struct lever_import, defined here only) and what
 * the importer's own files share: import.c (the public calls, where bytes come
 * from, the hand-over to the store writer) and sink.c (what parsers may do to an
 * import, declared in parser.h). Parsers do not include this header.
 *
 * Why rows are not tagged with line numbers: that would cost 8 bytes a row at 30
 * million rows. Each source instead keeps the few lines that gave no row, which is
 * enough to recompute any row's line (import_locate_row) when an error needs it.
 */
#ifndef LEVER_IMPORTER_H
#define LEVER_IMPORTER_H

#include "parser.h"

/* Where rows came from, to turn a row ordinal back into file:line on error. Row r
 * (0-based within the source) is on line first_line + r + (number of gaps <= r). A gap
 * is a line after the header that gave no row (blank, skipped aggregate, ...); gaps[]
 * holds, for each such line, how many rows of the source came before it, in order. */
typedef struct import_source {
    char *name;           /* "BACI_HS92_V202301.zip:BACI_HS92_Y2021_V202301.csv" */
    char *path;           /* file on disk, or NULL */
    uint64_t first_row;   /* ordinal of its first row in lever_import.rows */
    uint64_t n_rows;
    uint64_t first_line;
    char converted_from[8];  /* its rows were converted from this HS edition (--to-hs): lines
                                are no longer known */
    uint64_t *gaps;
    size_t n_gaps, cap_gaps;
} import_source;

struct lever_import {
    lever_rows rows;
    dict_country *countries;
    size_t n_countries, cap_countries;
    dict_product *products;
    size_t n_products, cap_products;
    int32_t *country_index;    /* [1000]: code -> index in countries + 1, or 0 */
    int32_t *product_index;    /* [1000000]: hs6 -> index in products + 1, or 0 */
    import_source *sources;
    size_t n_sources, cap_sources;
    char hs_version[16];
    char release[32];
    bool hs_forced, release_forced; /* set by lever_import_set_meta */
    char hs_origin[256];       /* input that set hs_version, for conflict messages */
    char to_hs[16];            /* --to-hs: convert every input to this edition, or "" */
    char hs_dir[1024];         /* the correlation tables' folder, or "" for the default */
    char *converted;           /* what the conversion did, for the store (malloc'd) */
    uint16_t *year_flags;      /* (year, STORE_YEAR_* flags) pairs */
    size_t n_year_flags;
    char release_origin[256];
    bool synthetic;            /* a '# ... lever synth' comment was seen */
    bool consumed;             /* the commit has turned the rows into store columns */
    int threads;
    lever_progress_fn progress;
    void *progress_ud;
    lever_warning_fn warning;
    void *warning_ud;
    uint64_t warnings;
    uint64_t bytes_before;     /* input bytes of the inputs already parsed */
    uint64_t bytes_planned;    /* while reading a container: bytes of all its members, else 0 */
    uint64_t aggregate_rows;   /* Comtrade rows skipped because the partner is an aggregate */
    double last_progress;      /* monotonic seconds of the last progress report */
    void *parser_state[8];     /* sink_state: one slot per parser of the table */
    bool complete;             /* whole years of a release: the store covers every country */
    row_decl *decl;            /* Comtrade: both declarations of each row (sink_set_declarations) */
    cover_item *declared;
    size_t n_declared;
    reflow *reflows;
    size_t n_reflows;
    /* Sniffs and parses one input (import.c): how a container's members come back. */
    int (*dispatch)(struct lever_import *imp, const import_input *in);
    /* Reads an input in pieces and dispatches each (import.c): how a big member comes back. */
    int (*dispatch_stream)(struct lever_import *imp, const char *name, import_read_fn read,
                           void *ud);
    char errmsg[2048];
};

/* sink.c */
/* Whether hs is one of HS92, HS96, ..., HS22. */
bool import_hs_version_known(const char *hs);
/* Writes "name:line" of row ordinal `row` into buf (store_input.locate_row). */
void import_locate_row(void *imp, uint64_t row, char *buf, size_t len);
/* Frees the sources from index `from` on. */
void import_drop_sources(lever_import *imp, size_t from);
/* Frees the dictionaries and their indexes. */
void import_free_dictionaries(lever_import *imp);

/* The code a country is stored under: a code a later BACI release changed (Italy 381)
 * becomes the newer one (380), so that both releases' rows are one country. */
uint16_t import_country_code(uint16_t code);

/* editions.c */
/* Tells each input's HS edition from its codes and refuses an input whose codes betray
 * another edition than its name (or --hs, or the store's) gives, or a mix of editions;
 * with --to-hs converts the rows of other editions. Called at commit, before the
 * parsers' finish. */
int import_check_editions(lever_import *imp);

#endif /* LEVER_IMPORTER_H */
