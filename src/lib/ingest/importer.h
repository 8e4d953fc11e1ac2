/*
 * importer.h - what the importer's own files (import.c, csv.c, zipsrc.c) share and
 * nobody else needs: the private state that extends struct lever_import, and the
 * entry points between "where bytes come from" (a mapped file, a zip member, a
 * caller's buffer) and "what the bytes mean" (csv.c).
 *
 * Why a private extension instead of more fields in internal.h: the store writer
 * only needs the rows, dictionaries and sources; line maps, index tables and
 * warning counters are the importer's business. lever_import_new() allocates an
 * import_state whose first member is the public struct, so a lever_import pointer
 * converts to its import_state and back.
 */
#ifndef LEVER_IMPORTER_H
#define LEVER_IMPORTER_H

#include "internal.h"

/* Where each row of a source came from: row r (0-based within the source) is on line
 * first_line + r + (number of gaps <= r). A gap is a line after the header that gave
 * no row (blank, skipped aggregate, ...); gaps[] holds, for each such line, how many
 * rows of the source came before it, in increasing order. */
typedef struct source_lines {
    uint64_t first_line;
    uint64_t *gaps;
    size_t n_gaps, cap_gaps;
} source_lines;

typedef struct import_state {
    struct lever_import pub;   /* must stay first */
    source_lines *lines;       /* parallel to pub.sources, cap_sources entries */
    bool hs_forced, release_forced;
    char hs_origin[256];       /* input that set hs_version, for conflict messages */
    char release_origin[256];
    int32_t *country_index;    /* [1000]: code -> index in pub.countries, or -1 */
    int32_t *product_index;    /* [1000000]: hs6 -> index in pub.products, or -1 */
    uint64_t bytes_before;     /* input bytes of the inputs already parsed */
    uint64_t bytes_planned;    /* while reading a zip: bytes of all its members, else 0 */
    uint64_t aggregate_rows;   /* Comtrade rows skipped because the partner is an aggregate */
    double last_progress;      /* monotonic seconds of the last progress report */
} import_state;

static inline import_state *import_state_of(lever_import *imp)
{
    return (import_state *)imp;
}

/* One input's bytes: a whole file, a zip member or a caller's buffer. */
typedef struct import_input {
    const char *name; /* used in messages: "f.csv", "x.zip:member.csv", "-" */
    const char *path; /* file to re-read, or NULL */
    const char *data;
    size_t len;
    bool mapped; /* data is a read-only mapping of the file: the parser maps in and drops
                    the pages of each chunk itself, so memory holds a few chunks at a time */
} import_input;

/* import.c */
/* Recognises the input's kind from its bytes (zip magic is handled by the caller)
 * and parses it with csv.c. */
int import_parse_input(lever_import *imp, const import_input *in);
/* HS version and release met in a file name, a synth marker or a Comtrade row; hs and
 * release may be NULL. Fails when the HS version conflicts with an earlier input. */
int import_note_meta(lever_import *imp, const char *origin, const char *hs, const char *release);
/* Reads "HS92"/"V202301" tokens from a file name (case-insensitive), "" when absent. */
void import_meta_from_name(const char *name, char hs[16], char release[32]);
/* Registers a source of trade rows starting now; returns its index or -1 (no memory). */
long import_add_source(lever_import *imp, const char *name, const char *path,
                       uint64_t first_line);
/* Records a line without a row at the current end of the source's rows. */
int import_add_gap(lever_import *imp, size_t source, uint64_t rows_before);
/* Closes the source: its row count is what was appended since it was registered. */
void import_end_source(lever_import *imp, size_t source);
/* Reports progress (bytes of the current input) at most ~10 times a second. */
void import_progress(lever_import *imp, uint64_t done, uint64_t total, bool force);
/* Counts lines up to offset: fills 1-based line and column of data[offset]. */
void import_line_col(const char *data, size_t offset, uint64_t *line, uint64_t *col);
/* Number of worker threads to use (imp->threads, 0 = online CPUs). */
int import_thread_count(const lever_import *imp);
/* Asks for transparent huge pages under a big buffer about to be filled: first touching
 * hundreds of MB otherwise costs a page fault per 4 KB, as much time as the parsing. */
void import_prefer_huge_pages(void *buf, size_t bytes);
/* Adds or replaces a dictionary entry (the strings are taken over). */
int import_put_country(lever_import *imp, const dict_country *c);
int import_put_product(lever_import *imp, uint32_t hs6, char *description);

/* csv.c */
/* Parses one input whose kind is recognised from its header. */
int csv_parse_input(lever_import *imp, const import_input *in);

/* zipsrc.c */
/* Reads every BACI member of a release zip (trade files, dictionaries) without extracting. */
int zipsrc_add(lever_import *imp, const char *path, const char *name);

#endif /* LEVER_IMPORTER_H */
