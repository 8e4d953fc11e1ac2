/*
 * parser.h - the one interface between an input format and the importer.
 *
 * A parser is a row of the table in parsers.c: a name, a sniff function that
 * recognises the format from the input's bytes, and a parse function that turns the
 * input into trade rows and dictionary entries written into a sink. The importer
 * (import.c) finds where the bytes come from (a mapped file, standard input, a
 * caller's buffer), asks each parser in table order whether it reads them, and hands
 * them to the first that does. A parser includes only this header: it never sees the
 * import handle, and nothing in the importer knows a format by name. A new input
 * format is one new file (its sniff and parse functions) plus one line in parsers.c.
 *
 * The sink is the import being filled. Rows go straight into its column buffer
 * (sink_rows: reserve, then rows_push_unchecked, or fill a buffer of your own and copy
 * it in), so the hot loop makes no call per row. Every row belongs to a source
 * (sink_add_source ... sink_end_source), which is how an error found later (a
 * duplicate flow, an unknown code) is reported as file:line: a source records its
 * first data line and each later line that gave no row (sink_add_gap).
 * Errors: sink_fail sets the import's message and returns the code to pass up
 * ("file:line:column: what was wrong; what to do"). A container (a zip) hands each
 * member back with sink_parse_member, which sniffs and parses it like a file.
 */
#ifndef LEVER_PARSER_H
#define LEVER_PARSER_H

#include "base.h"

#include <sys/types.h>

typedef struct lever_import import_sink; /* opaque to parsers */

/* An input read in pieces (standard input, a big zip member): each piece ends at a line
 * end (but the last), and is at most IMPORT_PIECE_BYTES, which is so the longest line.
 * A parser that gets a piece (import_input.stream not NULL) either reads it as part of a
 * whole (a trade file: its rows and line numbers continue from piece to piece), or, on
 * the first piece, sets want_whole and gets the whole input at once afterwards. */
#define IMPORT_PIECE_BYTES ((size_t)16 << 20)
typedef struct import_stream {
    uint64_t line_base; /* lines before this piece */
    bool first, last;   /* the first piece (holds the header) / the last one */
    bool want_whole;    /* set by the parser on the first piece: a kind it reads whole */
    long source;        /* a trade file's source, kept from piece to piece */
    bool index_column;
    uint64_t n_rounded; /* numbers rounded in the pieces before */
    const struct import_parser *parser; /* the one the first piece chose */
} import_stream;

/* One input's bytes: a whole file, a zip member or a caller's buffer. */
typedef struct import_input {
    const char *name; /* used in messages: "f.csv", "x.zip:member.csv", "-" */
    const char *path; /* file on disk, or NULL (a buffer, standard input, a zip member) */
    const char *data;
    size_t len;
    bool mapped; /* data is a read-only mapping of the file: the parser may drop the pages
                    of what it has read (madvise), so memory holds a few chunks at a time */
    import_stream *stream; /* NULL, or the piece of a stream that data is */
} import_input;

typedef struct import_parser {
    const char *name; /* "zip", "csv" */
    /* Whether this parser reads the input; looks at its first bytes only. */
    bool (*sniff)(const import_input *in);
    /* Reads the whole input into the sink; LEVER_OK, or a code with sink_fail's message.
     * On failure the importer drops the rows and sources this input added. */
    int (*parse)(import_sink *sink, const import_input *in);
    /* A container: its bytes are not counted in progress, its members are. */
    bool container;
    /* At commit, before the store is written: makes the rows of what the parser gathered
     * over several inputs (a flow's two declarations come from any file); NULL for most. */
    int (*finish)(import_sink *sink);
    /* Frees the parser's state (sink_state); NULL when it keeps none. */
    void (*discard)(import_sink *sink);
} import_parser;

/* The table (parsers.c), tried in order; the last entry takes any input left. Each format
 * defines its entry in its own file: const import_parser import_parser_NAME = {...}. */
extern const import_parser *const import_parsers[];
extern const size_t import_n_parsers;

/* zipsrc.c, for lever fetch: checks that a mapped zip is a BACI release whose members all
 * inflate to their CRC-32, parsing nothing; the failure is in the sink's message. */
int zip_check(import_sink *sink, const import_input *in);

/* ---- the sink: what a parser may do to the import (sink.c) ---- */

/* Sets the import's message (printf-style) and returns rc. */
int sink_fail(import_sink *sink, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Sends a warning to the application's callback, if any. */
void sink_warn(import_sink *sink, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The rows gathered so far; append with rows_reserve + rows_push_unchecked. */
lever_rows *sink_rows(import_sink *sink);
/* Registers a source of rows starting at the current end of the rows, whose first row is
 * on line first_line; returns its index, or -1 when out of memory. */
long sink_add_source(import_sink *sink, const char *name, const char *path, uint64_t first_line);
/* Ordinal of the source's first row. */
uint64_t sink_source_first_row(const import_sink *sink, size_t source);
/* Records a line without a row after rows_before rows of the source. */
int sink_add_gap(import_sink *sink, size_t source, uint64_t rows_before);
/* Closes the source: its rows are those appended since it was registered. */
void sink_end_source(import_sink *sink, size_t source);

/* Adds or replaces a dictionary entry (the strings are taken over, also on failure). */
int sink_put_country(import_sink *sink, const dict_country *c);
int sink_put_product(import_sink *sink, uint32_t hs6, char *description);

/* HS version and release met in a name, a comment or a row ("" or NULL: none); fails when
 * the HS version conflicts with an earlier input's. */
int sink_note_meta(import_sink *sink, const char *origin, const char *hs, const char *release);
/* Reads "HS92"/"V202301" tokens from a file name (case-insensitive), "" when absent. */
void sink_meta_from_name(const char *name, char hs[16], char release[32]);
/* The HS version known so far, "" when none. */
const char *sink_hs_version(const import_sink *sink);
/* The edition every input is converted to (--to-hs), or "". */
const char *sink_to_hs(const import_sink *sink);
/* The input says it is synthetic data (made by lever synth). */
void sink_mark_synthetic(import_sink *sink);
/* Rows skipped because their partner is an aggregate (World): said when no row remains. */
void sink_count_aggregate_rows(import_sink *sink, uint64_t n);

/* A slot for the parser's own state across inputs (NULL at first), freed by its discard. */
void **sink_state(import_sink *sink, const import_parser *parser);
/* Name of a source, as registered. */
const char *sink_source_name(const import_sink *sink, size_t source);
/* Hands over (the import frees them) a Comtrade store's declarations: one row_decl per
 * row, in the order of the rows, which must be pushed sorted by (t, i, j, k); what each
 * country declared each year; the re-exports and re-imports. */
void sink_set_declarations(import_sink *sink, row_decl *decl, cover_item *declared,
                           size_t n_declared, reflow *reflows, size_t n_reflows);
/* ---- --to-hs for parsers that make their rows at finish (editions.c) ----
 * The one conversion of every format (INDICATORS.md section 13): a flow of code k in
 * edition `from` becomes its parts in the --to-hs edition, split over several codes in
 * proportion to the world trade given with hs_convert_weigh (the flows already in the
 * target edition), in whole units that add up to the flow. */
typedef struct hs_convert hs_convert;
typedef struct hs_part {
    uint32_t k;
    uint64_t v; /* USD */
    int64_t q;  /* kg or LEVER_QTY_MISSING */
} hs_part;
#define HS_PARTS_MAX 2048
typedef struct hs_convert_stats {
    uint64_t flows, split, equal, kept; /* converted; split; split equally; code in no edition */
    int year_min, year_max;
} hs_convert_stats;
/* Index 0..6 of "HS92" ... "HS22" (the classifications H0 ... H6), or -1. */
int sink_hs_edition_index(const char *name);
/* "HS92" ... "HS22" of an index, "" for another. */
const char *sink_hs_edition_name(int edition);
/* *out NULL without --to-hs; fails (message set) when the tables cannot be read. */
int sink_hs_convert_open(import_sink *sink, hs_convert **out);
/* The --to-hs edition's index. */
int hs_convert_target(const hs_convert *c);
/* A flow of the target edition: world trade of code k in year, for the weights. Every
 * weight is given before the first hs_convert_flow. */
int hs_convert_weigh(hs_convert *c, uint32_t k, uint16_t year, uint64_t v);
/* The parts of flow (year, k of edition from, v USD, q kg), in *parts (valid until the next
 * call): how many (1..HS_PARTS_MAX); 0 for a code that is in no edition: parts[0] is the
 * flow as it was, kept (and counted); -1 when out of memory; -2 when the code links to more
 * than HS_PARTS_MAX codes (hs_convert_too_many says so). */
int hs_convert_flow(hs_convert *c, int from, uint16_t year, uint32_t k, uint64_t v, int64_t q,
                    const hs_part **parts);
int hs_convert_too_many(import_sink *sink, const hs_convert *c, int from, uint32_t k);
/* The counts since the last call (or the start), then zeroed. */
void hs_convert_stats_take(hs_convert *c, hs_convert_stats *out);
/* " (N of them equally: ...)" when some splits were equal, else "". */
const char *hs_convert_equal_note(const hs_convert_stats *st, char *buf, size_t len);
/* Marks the converted years in the import, adds `what` to the store's note of what was
 * converted, and frees c. */
int sink_hs_convert_close(import_sink *sink, hs_convert *c, const char *what);
void hs_convert_free(hs_convert *c);

/* The input holds whole years of a release (every country's flows). */
void sink_mark_complete(import_sink *sink);

/* Worker threads to use (the application's choice, or the online CPUs). */
int sink_threads(const import_sink *sink);
/* Reports progress (bytes of the current input) at most ~10 times a second. */
void sink_progress(import_sink *sink, uint64_t done, uint64_t total, bool force);
/* A container about to hand over members of `bytes` bytes in all (0 when done). */
void sink_plan_bytes(import_sink *sink, uint64_t bytes);
/* Hands a member of a container to the importer, which sniffs and parses it. */
int sink_parse_member(import_sink *sink, const import_input *in);
/* Where a stream's bytes come from: fills buf with up to cap bytes; returns how many (0 at
 * the end), or -1 after sink_fail. */
typedef ssize_t (*import_read_fn)(import_sink *sink, void *ud, char *buf, size_t cap);
/* Hands a member to the importer as a stream, read in pieces of IMPORT_PIECE_BYTES
 * (a zip member inflated as the parser goes), so that memory holds one piece whatever
 * its size: binary data is refused at the first piece, a longer line at once. */
int sink_parse_stream(import_sink *sink, const char *name, import_read_fn read, void *ud);

/* Helpers for parsers: 1-based line and column of data[offset]; transparent huge pages
 * under a big buffer about to be filled. */
void import_line_col(const char *data, size_t offset, uint64_t *line, uint64_t *col);
void import_prefer_huge_pages(void *buf, size_t bytes);

#endif /* LEVER_PARSER_H */
