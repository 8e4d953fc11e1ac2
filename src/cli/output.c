/*
 * output.c - the output document every query command fills (cli.h) and its four
 * renderings: an aligned table for people; CSV, JSON and an xlsx workbook for programs
 * and spreadsheets.
 *
 * Commands add typed cells (USD, kg, share, ratio, ...) and never format numbers,
 * so a figure looks the same in every command. Cells are kept until the end
 * because a table can only be aligned once every cell is known; outputs are
 * small (hundreds of rows), so this costs nothing that matters.
 *
 * Tables (people): a title, metadata lines, then each table with a title and a
 * header (bold on a terminal unless NO_COLOR is set); numbers right-aligned, USD
 * and kg with thousands separators, shares as "12.3%", ratios to 4 significant
 * digits, missing values as "-". A table fits the width of the terminal (else
 * $COLUMNS; in a pipe without it, no limit): columns a command marks COL_WIDE
 * (components, numeric codes, quality flags) wait for --wide, and text columns
 * (descriptions, names) are cut, widest first, to no less than 10 columns, ending in
 * "…"; titles and metadata lines are wrapped at blanks. --wide shows every column and
 * cuts nothing. A table marked as a record (out_table_record: one row of many fields,
 * e.g. lever info) prints one "field: value" line per column.
 *
 * CSV (programs): ONE tidy table per call, the header once and the same number of
 * fields on every line, no comment line, so that pandas.read_csv and R's read.csv take
 * it as it is: the command's main table (out_table_main, else its first), or the one
 * --table NAME names (--table list lists them). Fields are quoted as RFC 4180 says.
 * The notes (data source, release, synthetic) are not in CSV: JSON carries them, and a
 * synthetic store's CSV warns on stderr.
 * JSON: one object {"meta": {..., "command": ..., "tables": {NAME: {"title",
 * "columns"}}}, "NAME": [{...}, ...]}; numbers are numbers or null, never strings.
 * In both, doubles are written with the fewest digits that read back to the same double
 * (at most 17), as plain decimals (0.000025, never 2.5e-05); NaN is an empty field or
 * null; infinity (x/0) is an empty field, and in JSON null with a sibling "NAME_note"
 * saying so. HS codes are six-digit strings in both ("010111"), so the leading zero
 * survives. Integers (USD, kg) are exact: int64 digits.
 * -o FILE writes FILE.tmp and renames it over FILE once complete (lever_output_check
 * refuses FIFOs, devices, folders), so a failed write never leaves half an answer.
 */
#include "cli.h"

#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <xlsxwriter.h>

typedef enum { CELL_NULL, CELL_STR, CELL_INT, CELL_U64, CELL_DOUBLE } cell_kind;

typedef struct cell {
    cell_kind kind;
    union {
        char *s;
        int64_t i;
        uint64_t u;
        double d;
    } v;
} cell;

/* Where a document is being written (stdout or -o FILE's temporary file). */
static FILE *out_f;

typedef struct meta_line {
    char *key, *value;
} meta_line;

struct out_table {
    out_doc *doc;
    char *name, *title;
    int ncols;
    out_col *cols; /* names and titles copied */
    cell *cells;
    size_t n_cells, cap_cells;
    bool record; /* print a single row as "field: value" lines for people */
    bool main;   /* what CSV writes without --table */
    bool *wide;  /* per column: COL_WIDE was given (a secondary column) */
};

struct out_doc {
    char *title;
    meta_line *meta;
    size_t n_meta;
    out_table **tables;
    size_t n_tables;
    bool out_of_memory;
};

/* ------------------------------------------------------------------ */
/* Building                                                            */
/* ------------------------------------------------------------------ */

static char *copy_or_flag(out_doc *d, const char *s)
{
    char *c = strdup(s ? s : "");
    if (!c)
        d->out_of_memory = true;
    return c;
}

out_doc *out_doc_new(const char *title)
{
    out_doc *d = calloc(1, sizeof *d);
    if (!d) {
        cli_error("out of memory");
        exit(EXIT_ERROR);
    }
    d->title = copy_or_flag(d, title);
    return d;
}

static void meta_set(out_doc *d, const char *key, const char *value)
{
    for (size_t n = 0; n < d->n_meta; n++)
        if (strcmp(d->meta[n].key, key) == 0) {
            free(d->meta[n].value);
            d->meta[n].value = copy_or_flag(d, value);
            return;
        }
    meta_line *grown = realloc(d->meta, (d->n_meta + 1) * sizeof *grown);
    if (!grown) {
        d->out_of_memory = true;
        return;
    }
    d->meta = grown;
    d->meta[d->n_meta].key = copy_or_flag(d, key);
    d->meta[d->n_meta].value = copy_or_flag(d, value);
    d->n_meta++;
}

void out_doc_meta(out_doc *d, const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *value = NULL;
    if (vasprintf(&value, fmt, ap) < 0) {
        d->out_of_memory = true;
        value = NULL;
    }
    va_end(ap);
    if (value)
        meta_set(d, key, value);
    free(value);
}

bool out_doc_meta_append(out_doc *d, const char *key, const char *text)
{
    for (size_t n = 0; n < d->n_meta; n++)
        if (strcmp(d->meta[n].key, key) == 0) {
            if (strstr(d->meta[n].value, text))
                return false;
            char *joined = NULL;
            if (asprintf(&joined, "%s; %s", d->meta[n].value, text) < 0) {
                d->out_of_memory = true;
                return false;
            }
            meta_set(d, key, joined);
            free(joined);
            return true;
        }
    meta_set(d, key, text);
    return true;
}

void out_doc_store(out_doc *d, const lever_store *s)
{
    lever_info info;
    lever_get_info(s, &info);
    if (info.synthetic && info.comtrade)
        out_doc_meta(d, "warning", "SYNTHETIC DATA made up by lever's local test server: not "
                                   "real trade");
    else if (info.synthetic)
        out_doc_meta(d, "warning", "SYNTHETIC DATA generated by lever synth: not real trade");
    const char *hs = info.hs_version[0] ? info.hs_version : "HS version unknown";
    bool baci_release = info.release[0] == 'V' && info.release[1] >= '0' &&
                        info.release[1] <= '9';
    if (info.synthetic)
        out_doc_meta(d, "data", "synthetic %s", hs);
    else if (baci_release)
        out_doc_meta(d, "data", "BACI %s %s", hs, info.release);
    else if (strncmp(info.release, "Comtrade-", 9) == 0)
        out_doc_meta(d, "data", "UN Comtrade Plus %s, downloaded %s", hs, info.release + 9);
    else if (info.release[0])
        out_doc_meta(d, "data", "%s %s", hs, info.release);
    else
        out_doc_meta(d, "data", "%s", hs);
    if (info.comtrade)
        out_doc_meta(d, "source",
                     "Comtrade declarations: each flow as its importer declared it (CIF), else "
                     "as its exporter did (FOB), unless a table says otherwise");
    else
        out_doc_meta(d, "source", "%s", lever_source_label(s));
    if (info.converted && info.converted[0])
        out_doc_meta(d, "converted", "HS codes converted %s; figures of the years marked "
                     "\"HS converted\" (\"HS split\": some values split over several codes) "
                     "use them",
                     info.converted);
}

const char *out_source_label(const lever_store *s, int year, const char *source, char *buf,
                             size_t len)
{
    int c = lever_year_converted(s, lever_year_index(s, year));
    if (!c)
        return source;
    snprintf(buf, len, "%s, HS %s", source, c == 2 ? "split" : "converted");
    return buf;
}

out_table *out_doc_table(out_doc *d, const char *name, const char *title, int ncols,
                         const out_col *cols)
{
    out_table *t = calloc(1, sizeof *t);
    out_table **grown = realloc(d->tables, (d->n_tables + 1) * sizeof *grown);
    if (!t || !grown || !(t->cols = calloc((size_t)ncols, sizeof *t->cols)) ||
        !(t->wide = calloc((size_t)ncols + 1, sizeof *t->wide))) {
        cli_error("out of memory");
        exit(EXIT_ERROR);
    }
    d->tables = grown;
    d->tables[d->n_tables++] = t;
    t->doc = d;
    t->name = copy_or_flag(d, name);
    t->title = copy_or_flag(d, title);
    t->ncols = ncols;
    for (int c = 0; c < ncols; c++) {
        t->cols[c].type = (col_type)(cols[c].type & ~COL_WIDE);
        t->wide[c] = (cols[c].type & COL_WIDE) != 0;
        t->cols[c].name = copy_or_flag(d, cols[c].name);
        t->cols[c].title = copy_or_flag(d, cols[c].title ? cols[c].title : cols[c].name);
    }
    return t;
}

/* Marks a table of one row as a record: people see one "field: value" line per column. */
void out_table_record(out_table *t)
{
    t->record = true;
}

void out_table_main(out_table *t)
{
    for (size_t n = 0; n < t->doc->n_tables; n++)
        t->doc->tables[n]->main = false;
    t->main = true;
}

/* The command line as typed (main.c), shell-quoted where needed; "" until set. */
static char command_line[2048];

void out_set_command_line(int argc, char **argv)
{
    size_t o = 0;
    for (int n = 0; n < argc && o + 4 < sizeof command_line; n++) {
        const char *a = n == 0 ? "lever" : argv[n];
        bool quote = !a[0] || strpbrk(a, " \t'\"$`\\|&;<>()*?[]#~") != NULL;
        int w = snprintf(command_line + o, sizeof command_line - o, "%s%s%s%s", n ? " " : "",
                         quote ? "'" : "", a, quote ? "'" : "");
        if (w < 0 || (size_t)w >= sizeof command_line - o) {
            command_line[o] = '\0';
            break;
        }
        o += (size_t)w;
    }
}

static void add_cell(out_table *t, cell c)
{
    if (t->n_cells == t->cap_cells) {
        size_t cap = t->cap_cells ? t->cap_cells * 2 : 64;
        cell *grown = realloc(t->cells, cap * sizeof *grown);
        if (!grown) {
            t->doc->out_of_memory = true;
            if (c.kind == CELL_STR)
                free(c.v.s);
            return;
        }
        t->cells = grown;
        t->cap_cells = cap;
    }
    t->cells[t->n_cells++] = c;
}

void out_str(out_table *t, const char *s)
{
    add_cell(t, (cell){.kind = CELL_STR, .v.s = copy_or_flag(t->doc, s)});
}

void out_int(out_table *t, int64_t v)
{
    add_cell(t, (cell){.kind = CELL_INT, .v.i = v});
}

void out_usd(out_table *t, int64_t v)
{
    add_cell(t, (cell){.kind = CELL_INT, .v.i = v});
}

void out_u64(out_table *t, uint64_t v)
{
    add_cell(t, (cell){.kind = CELL_U64, .v.u = v});
}

void out_kg(out_table *t, int64_t kg)
{
    if (kg == LEVER_QTY_MISSING)
        out_null(t);
    else
        add_cell(t, (cell){.kind = CELL_INT, .v.i = kg});
}

void out_double(out_table *t, double v)
{
    add_cell(t, (cell){.kind = CELL_DOUBLE, .v.d = v});
}

void out_hs6(out_table *t, int hs6)
{
    add_cell(t, (cell){.kind = CELL_INT, .v.i = hs6});
}

void out_null(out_table *t)
{
    add_cell(t, (cell){.kind = CELL_NULL});
}

void out_doc_free(out_doc *d)
{
    if (!d)
        return;
    for (size_t n = 0; n < d->n_tables; n++) {
        out_table *t = d->tables[n];
        for (size_t c = 0; c < t->n_cells; c++)
            if (t->cells[c].kind == CELL_STR)
                free(t->cells[c].v.s);
        for (int c = 0; c < t->ncols; c++) {
            free((char *)t->cols[c].name);
            free((char *)t->cols[c].title);
        }
        free(t->cells);
        free(t->cols);
        free(t->wide);
        free(t->name);
        free(t->title);
        free(t);
    }
    for (size_t n = 0; n < d->n_meta; n++) {
        free(d->meta[n].key);
        free(d->meta[n].value);
    }
    free(d->tables);
    free(d->meta);
    free(d->title);
    free(d);
}

/* ------------------------------------------------------------------ */
/* Formats                                                             */
/* ------------------------------------------------------------------ */

bool out_parse_format(const char *text, out_kind *kind)
{
    static const struct {
        const char *name;
        out_kind kind;
    } names[] = {{"table", OUT_TABLE}, {"csv", OUT_CSV}, {"json", OUT_JSON}, {"xlsx", OUT_XLSX}};
    for (size_t n = 0; n < sizeof names / sizeof names[0]; n++)
        if (strcmp(text, names[n].name) == 0) {
            *kind = names[n].kind;
            return true;
        }
    return false;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* OUT_AUTO resolved: by -o's extension, else by whether stdout is a terminal. */
static out_kind resolve_kind(const out_format *fmt)
{
    if (fmt->kind != OUT_AUTO)
        return fmt->kind;
    if (fmt->output && ends_with(fmt->output, ".xlsx"))
        return OUT_XLSX;
    if (fmt->output && ends_with(fmt->output, ".json"))
        return OUT_JSON;
    if (fmt->output)
        return OUT_CSV;
    return isatty(STDOUT_FILENO) ? OUT_TABLE : OUT_CSV;
}

/* ------------------------------------------------------------------ */
/* Cell text                                                           */
/* ------------------------------------------------------------------ */

/* Fewest significant digits (15 to 17) that read back as the same double. */
/* "2.5e-05" as "0.000025", "1e+16" as "10000000000000000": plain decimals, which every
 * reader takes (exponents beyond 40 are left as they are). */
static void positional(char *buf, size_t len)
{
    char *e = strchr(buf, 'e');
    if (!e)
        return;
    int exp = atoi(e + 1);
    if (exp > 40 || exp < -40)
        return;
    char digits[64];
    size_t nd = 0, before = 0;
    bool dot = false, negative = buf[0] == '-';
    for (const char *p = buf + negative; p < e && nd < sizeof digits - 1; p++) {
        if (*p == '.')
            dot = true;
        else {
            digits[nd++] = *p;
            if (!dot)
                before++;
        }
    }
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    int point = (int)before + exp; /* digits before the decimal point */
    char out[160];
    size_t o = 0;
    if (negative)
        out[o++] = '-';
    if (point <= 0) {
        out[o++] = '0';
        out[o++] = '.';
        for (int z = 0; z < -point; z++)
            out[o++] = '0';
        for (size_t n = 0; n < nd; n++)
            out[o++] = digits[n];
    } else {
        for (int n = 0; n < point || n < (int)nd; n++) {
            if (n == point)
                out[o++] = '.';
            out[o++] = n < (int)nd ? digits[n] : '0';
        }
    }
    out[o] = '\0';
    snprintf(buf, len, "%s", out);
}

static void format_double_exact(double v, char *buf, size_t len)
{
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(buf, len, "%.*g", digits, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    positional(buf, len);
}

/* Digits of an unsigned magnitude with a comma every three digits. */
static void format_grouped(uint64_t magnitude, bool negative, char *buf, size_t len)
{
    char digits[32], out[48];
    int nd = snprintf(digits, sizeof digits, "%" PRIu64, magnitude);
    size_t o = 0;
    if (negative)
        out[o++] = '-';
    for (int n = 0; n < nd; n++) {
        if (n > 0 && (nd - n) % 3 == 0)
            out[o++] = ',';
        out[o++] = digits[n];
    }
    out[o] = '\0';
    snprintf(buf, len, "%s", out);
}

const char *out_grouped(uint64_t v, char *buf, size_t len)
{
    format_grouped(v, false, buf, len);
    return buf;
}

static void format_grouped_i64(int64_t v, char *buf, size_t len)
{
    uint64_t magnitude = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    format_grouped(magnitude, v < 0, buf, len);
}

/* The value of a numeric cell as a double (for ratio and share columns). */
static double cell_double(const cell *c)
{
    switch (c->kind) {
    case CELL_INT: return (double)c->v.i;
    case CELL_U64: return (double)c->v.u;
    case CELL_DOUBLE: return c->v.d;
    default: return NAN;
    }
}

static bool cell_missing(const cell *c, col_type type)
{
    if (c->kind == CELL_NULL)
        return true;
    if ((type == COL_SHARE || type == COL_RATIO) && isnan(cell_double(c)))
        return true;
    return false;
}

/* Integer cells as plain digits; doubles (in an integer column) exactly. */
static void format_plain_number(const cell *c, char *buf, size_t len)
{
    switch (c->kind) {
    case CELL_INT: snprintf(buf, len, "%" PRId64, c->v.i); break;
    case CELL_U64: snprintf(buf, len, "%" PRIu64, c->v.u); break;
    case CELL_DOUBLE: format_double_exact(c->v.d, buf, len); break;
    default: buf[0] = '\0'; break;
    }
}

static void format_infinity(double v, char *buf, size_t len)
{
    snprintf(buf, len, "%s", v < 0 ? "-inf" : "inf");
}

/* Text of a cell for people. */
static void format_for_table(const cell *c, col_type type, char *buf, size_t len)
{
    if (cell_missing(c, type)) {
        snprintf(buf, len, "-");
        return;
    }
    if (c->kind == CELL_STR) {
        snprintf(buf, len, "%s", c->v.s);
        return;
    }
    double d = cell_double(c);
    switch (type) {
    case COL_USD:
    case COL_KG:
    case COL_COUNT:
        if (c->kind == CELL_U64)
            format_grouped(c->v.u, false, buf, len);
        else if (c->kind == CELL_INT)
            format_grouped_i64(c->v.i, buf, len);
        else
            format_plain_number(c, buf, len);
        return;
    case COL_SHARE:
        if (isinf(d))
            format_infinity(d, buf, len);
        else if (d > 0 && d < 0.0005)
            snprintf(buf, len, "<0.1%%");
        else
            snprintf(buf, len, "%.1f%%", d * 100.0);
        return;
    case COL_RATIO:
        if (isinf(d))
            format_infinity(d, buf, len);
        else if (fabs(d) >= 1e4 && fabs(d) < 9e18)
            format_grouped_i64((int64_t)llround(d), buf, len);
        else
            snprintf(buf, len, "%.4g", d);
        return;
    case COL_HS6:
        snprintf(buf, len, "%06" PRId64, c->kind == CELL_INT ? c->v.i : (int64_t)d);
        return;
    case COL_INT:
    case COL_STR:
    case COL_WIDE: /* never a type of its own: out_doc_table strips it */
        format_plain_number(c, buf, len);
        return;
    }
}

/* Text of a cell for programs (CSV and JSON); *is_text says whether JSON must quote it.
 * Infinity has no number in CSV or JSON: the text is empty (NA, null) and *infinite says
 * its sign (0: finite). */
static void format_for_program(const cell *c, col_type type, char *buf, size_t len,
                               bool *is_text, int *infinite)
{
    *is_text = false;
    *infinite = 0;
    buf[0] = '\0';
    if (cell_missing(c, type))
        return;
    if (c->kind == CELL_STR) {
        *is_text = true;
        snprintf(buf, len, "%s", c->v.s);
        return;
    }
    if (type == COL_HS6) {
        *is_text = true;
        snprintf(buf, len, "%06" PRId64, c->kind == CELL_INT ? c->v.i : (int64_t)cell_double(c));
        return;
    }
    if (c->kind == CELL_DOUBLE && isinf(c->v.d)) {
        *infinite = c->v.d < 0 ? -1 : 1;
        return;
    }
    format_plain_number(c, buf, len);
}

static bool right_aligned(col_type type)
{
    return type != COL_STR;
}

/* ------------------------------------------------------------------ */
/* Table rendering                                                     */
/* ------------------------------------------------------------------ */

/* Columns on screen: UTF-8 continuation bytes take no column. */
static size_t display_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            w++;
    return w;
}

static bool use_bold(void)
{
    const char *no_color = getenv("NO_COLOR");
    const char *term = getenv("TERM");
    return isatty(fileno(out_f)) && !(no_color && *no_color) && !(term && !strcmp(term, "dumb"));
}

/* The width tables must fit: the terminal's, else $COLUMNS, else 0 (no limit). */
static size_t output_width(void)
{
    struct winsize ws;
    if (isatty(fileno(out_f)) && ioctl(fileno(out_f), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    const char *columns = getenv("COLUMNS");
    char *end = NULL;
    long n = columns ? strtol(columns, &end, 10) : 0;
    return columns && end != columns && *end == '\0' && n >= 20 && n <= 100000 ? (size_t)n : 0;
}

/* Text cut to at most `width` columns: its first width-1 characters and an ellipsis,
 * trailing blanks dropped before it. */
static void cut_text(const char *s, size_t width, char *buf, size_t len)
{
    if (display_width(s) <= width || width == 0 || len < 8) {
        snprintf(buf, len, "%s", s);
        return;
    }
    size_t o = 0, w = 0;
    for (const char *p = s; *p && o + 8 < len; p++) {
        if (((unsigned char)*p & 0xC0) != 0x80 && ++w > width - 1)
            break;
        buf[o++] = *p;
    }
    while (o > 0 && buf[o - 1] == ' ')
        o--;
    memcpy(buf + o, "\xE2\x80\xA6", 4); /* U+2026 HORIZONTAL ELLIPSIS */
}

/* prefix + text, broken at blanks so that no line passes `width` (0: one line); the lines
 * after the first are indented by `indent` columns. A word longer than a line overflows. */
static void print_wrapped(const char *on, const char *prefix, const char *text,
                          const char *off, size_t width, size_t indent)
{
    if (!width || display_width(prefix) + display_width(text) <= width) {
        fprintf(out_f, "%s%s%s%s\n", on, prefix, text, off);
        return;
    }
    fputs(on, out_f);
    fputs(prefix, out_f);
    size_t col = display_width(prefix);
    const char *p = text;
    bool first_word = true;
    while (*p) {
        const char *blank = p;
        while (*blank == ' ')
            blank++;
        const char *end = blank;
        while (*end && *end != ' ')
            end++;
        char word[4096];
        size_t n = (size_t)(end - blank) < sizeof word - 1 ? (size_t)(end - blank) : sizeof word - 1;
        memcpy(word, blank, n);
        word[n] = '\0';
        size_t spaces = first_word ? (size_t)(blank - p) : (blank > p ? 1 : 0);
        if (!first_word && width && col + spaces + display_width(word) > width) {
            fprintf(out_f, "%s\n%*s%s", off, (int)indent, "", on);
            col = indent;
            spaces = 0;
        }
        fprintf(out_f, "%*s%s", (int)spaces, "", word);
        col += spaces + display_width(word);
        first_word = false;
        p = end;
        if (!*blank)
            break;
    }
    fprintf(out_f, "%s\n", off);
}

static void print_padded(const char *text, size_t width, bool right, bool last)
{
    size_t w = display_width(text);
    size_t pad = width > w ? width - w : 0;
    if (right)
        fprintf(out_f, "%*s", (int)pad, "");
    fputs(text, out_f);
    if (!right && !last)
        fprintf(out_f, "%*s", (int)pad, "");
}

static size_t table_rows(const out_table *t)
{
    return t->ncols ? t->n_cells / (size_t)t->ncols : 0;
}

/* A one-row table printed as aligned "title: value" lines, long values wrapped. */
static void print_record(const out_table *t, size_t limit)
{
    size_t width = 0;
    for (int c = 0; c < t->ncols; c++)
        if (display_width(t->cols[c].title) > width)
            width = display_width(t->cols[c].title);
    char buf[4096], prefix[600];
    for (int c = 0; c < t->ncols; c++) {
        format_for_table(&t->cells[c], t->cols[c].type, buf, sizeof buf);
        snprintf(prefix, sizeof prefix, "%s:%*s ", t->cols[c].title,
                 (int)(width - display_width(t->cols[c].title)), "");
        print_wrapped("", prefix, buf, "", limit, width + 2);
    }
}

/* Narrowest a text column is cut to. */
#define CUT_MIN 10

/* The grid of a table: the columns people see (all with wide, else those not COL_WIDE),
 * text columns cut, widest first, until the grid fits `limit` columns (0: no limit). */
static void print_grid(const out_table *t, bool bold, bool wide, size_t limit)
{
    size_t rows = table_rows(t);
    size_t nc = (size_t)t->ncols;
    size_t *width = calloc(nc + 1, sizeof *width), *least = calloc(nc + 1, sizeof *least);
    char **text = calloc(rows * nc + 1, sizeof *text);
    bool *shown = calloc(nc + 1, sizeof *shown);
    if (!width || !least || !text || !shown) {
        free(width);
        free(least);
        free(text);
        free(shown);
        t->doc->out_of_memory = true;
        return;
    }
    int last = -1;
    for (int c = 0; c < t->ncols; c++) {
        shown[c] = wide || !t->wide[c];
        width[c] = display_width(t->cols[c].title);
        if (shown[c])
            last = c;
    }
    char buf[4096];
    for (size_t n = 0; n < rows * nc; n++) {
        int c = (int)(n % nc);
        if (!shown[c])
            continue;
        format_for_table(&t->cells[n], t->cols[c].type, buf, sizeof buf);
        text[n] = strdup(buf);
        if (!text[n]) {
            t->doc->out_of_memory = true;
            continue;
        }
        size_t w = display_width(buf);
        if (w > width[c])
            width[c] = w;
    }
    size_t total = 0;
    for (int c = 0; c < t->ncols; c++) {
        if (!shown[c])
            continue;
        total += width[c] + (total ? 2 : 0);
        size_t title = display_width(t->cols[c].title);
        least[c] = t->cols[c].type != COL_STR ? width[c]
                   : width[c] < CUT_MIN      ? width[c]
                                             : (title > CUT_MIN ? title : CUT_MIN);
    }
    while (!wide && limit && total > limit) {
        int widest = -1;
        for (int c = 0; c < t->ncols; c++)
            if (shown[c] && width[c] > least[c] && (widest < 0 || width[c] > width[widest]))
                widest = c;
        if (widest < 0)
            break;
        width[widest]--;
        total--;
    }
    if (bold)
        fputs("\033[1m", out_f);
    bool any = false;
    for (int c = 0; c < t->ncols; c++) {
        if (!shown[c])
            continue;
        if (any)
            fputs("  ", out_f);
        any = true;
        print_padded(t->cols[c].title, width[c], right_aligned(t->cols[c].type), c == last);
    }
    if (bold)
        fputs("\033[0m", out_f);
    fputc('\n', out_f);
    for (size_t r = 0; r < rows; r++) {
        any = false;
        for (int c = 0; c < t->ncols; c++) {
            if (!shown[c])
                continue;
            if (any)
                fputs("  ", out_f);
            any = true;
            const char *cell_text = text[r * nc + (size_t)c];
            cut_text(cell_text ? cell_text : "", width[c], buf, sizeof buf);
            print_padded(buf, width[c], right_aligned(t->cols[c].type), c == last);
        }
        fputc('\n', out_f);
    }
    if (rows == 0)
        fputs("(none)\n", out_f);
    for (size_t n = 0; n < rows * nc; n++)
        free(text[n]);
    free(text);
    free(width);
    free(least);
    free(shown);
}

static void print_table_format(const out_doc *d, const out_format *fmt, const out_table *only)
{
    bool bold = use_bold();
    size_t limit = fmt->wide ? 0 : output_width();
    const char *on = bold ? "\033[1m" : "", *off = bold ? "\033[0m" : "";
    if (d->title[0])
        print_wrapped(on, "", d->title, off, limit, 2);
    char prefix[300];
    for (size_t n = 0; n < d->n_meta; n++) {
        if (strcmp(d->meta[n].key, "warning") == 0) {
            fprintf(out_f, "%s*** %s ***%s\n", on, d->meta[n].value, off);
        } else {
            snprintf(prefix, sizeof prefix, "%s: ", d->meta[n].key);
            print_wrapped("", prefix, d->meta[n].value, "", limit, 2);
        }
    }
    bool first = true;
    for (size_t n = 0; n < d->n_tables; n++) {
        const out_table *t = d->tables[n];
        if (only && t != only)
            continue;
        if (!first || d->title[0] || d->n_meta)
            fputc('\n', out_f);
        first = false;
        if (t->title[0])
            print_wrapped(on, "", t->title, off, limit, 2);
        if (t->record && table_rows(t) == 1)
            print_record(t, limit);
        else
            print_grid(t, bold, fmt->wide, limit);
    }
}

/* ------------------------------------------------------------------ */
/* CSV                                                                 */
/* ------------------------------------------------------------------ */

static void csv_field(const char *s)
{
    if (strpbrk(s, ",\"\r\n") == NULL && s[0] != ' ' && (s[0] == '\0' || s[strlen(s) - 1] != ' ')) {
        fputs(s, out_f);
        return;
    }
    fputc('"', out_f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out_f);
        fputc(*s, out_f);
    }
    fputc('"', out_f);
}

/* One tidy table: the header once, then one line of as many fields per row; missing and
 * infinite values are empty fields (NA). No comment lines: readers take it as it is. */
static void print_csv(const out_table *t)
{
    char buf[4096];
    bool is_text;
    int infinite;
    for (int c = 0; c < t->ncols; c++) {
        if (c)
            fputc(',', out_f);
        csv_field(t->cols[c].name);
    }
    fputc('\n', out_f);
    size_t rows = table_rows(t);
    for (size_t r = 0; r < rows; r++) {
        for (int c = 0; c < t->ncols; c++) {
            if (c)
                fputc(',', out_f);
            format_for_program(&t->cells[r * (size_t)t->ncols + (size_t)c], t->cols[c].type, buf,
                               sizeof buf, &is_text, &infinite);
            csv_field(buf);
        }
        fputc('\n', out_f);
    }
}

/* ------------------------------------------------------------------ */
/* JSON                                                                */
/* ------------------------------------------------------------------ */

static void json_string(const char *s)
{
    fputc('"', out_f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", out_f); break;
        case '\\': fputs("\\\\", out_f); break;
        case '\n': fputs("\\n", out_f); break;
        case '\r': fputs("\\r", out_f); break;
        case '\t': fputs("\\t", out_f); break;
        case '\b': fputs("\\b", out_f); break;
        case '\f': fputs("\\f", out_f); break;
        default:
            if (*p < 0x20) {
                fprintf(out_f, "\\u%04x", *p);
            } else if (*p >= 0x80) { /* invalid UTF-8 (a store of an older lever) as U+FFFD */
                int n = lever_utf8_length((const char *)p);
                if (n == 0)
                    fputs("\\ufffd", out_f);
                else
                    fwrite(p, 1, (size_t)n, out_f);
                p += n > 1 ? n - 1 : 0;
            } else {
                fputc(*p, out_f);
            }
        }
    }
    fputc('"', out_f);
}

/* {"meta": {...}, "NAME": [{...}, ...], ...}: the tables of `only` (NULL: every table).
 * Numbers are numbers or null; an infinite value is null with a sibling "NAME_note". */
static void print_json(const out_doc *d, const out_table *only)
{
    fputs("{\n  \"meta\": {", out_f);
    bool first = true;
    if (d->title[0]) {
        fputs("\n    \"title\": ", out_f);
        json_string(d->title);
        first = false;
    }
    for (size_t n = 0; n < d->n_meta; n++) {
        if (strcmp(d->meta[n].key, "title") == 0 && d->title[0])
            continue;
        fputs(first ? "\n    " : ",\n    ", out_f);
        first = false;
        json_string(d->meta[n].key);
        fputs(": ", out_f);
        json_string(d->meta[n].value);
    }
    if (command_line[0]) {
        fputs(first ? "\n    \"command\": " : ",\n    \"command\": ", out_f);
        json_string(command_line);
        first = false;
    }
    /* each table's title and columns, so that a table without rows still says its shape */
    fputs(first ? "\n    \"tables\": {" : ",\n    \"tables\": {", out_f);
    first = false;
    bool first_table = true;
    for (size_t n = 0; n < d->n_tables; n++) {
        const out_table *t = d->tables[n];
        if (only && t != only)
            continue;
        fputs(first_table ? "\n      " : ",\n      ", out_f);
        first_table = false;
        json_string(t->name);
        fputs(": {\"title\": ", out_f);
        json_string(t->title);
        fputs(", \"columns\": [", out_f);
        for (int c = 0; c < t->ncols; c++) {
            if (c)
                fputs(", ", out_f);
            json_string(t->cols[c].name);
        }
        fputs("]}", out_f);
    }
    fputs(first_table ? "}" : "\n    }", out_f);
    fputs("\n  }", out_f);
    char buf[4096];
    bool is_text;
    int infinite;
    for (size_t n = 0; n < d->n_tables; n++) {
        const out_table *t = d->tables[n];
        if (only && t != only)
            continue;
        fputs(",\n  ", out_f);
        json_string(t->name);
        fputs(": [", out_f);
        size_t rows = table_rows(t);
        for (size_t r = 0; r < rows; r++) {
            fputs(r ? ",\n    {" : "\n    {", out_f);
            for (int c = 0; c < t->ncols; c++) {
                if (c)
                    fputs(", ", out_f);
                json_string(t->cols[c].name);
                fputs(": ", out_f);
                const cell *cl = &t->cells[r * (size_t)t->ncols + (size_t)c];
                format_for_program(cl, t->cols[c].type, buf, sizeof buf, &is_text, &infinite);
                if (is_text)
                    json_string(buf);
                else if (!buf[0])
                    fputs("null", out_f);
                else
                    fputs(buf, out_f);
                if (infinite) {
                    fputs(", ", out_f);
                    fprintf(out_f, "\"%s_note\": \"%s\"", t->cols[c].name,
                            infinite > 0 ? "infinite: divided by zero"
                                         : "minus infinite: divided by zero");
                }
            }
            fputc('}', out_f);
        }
        fputs(rows ? "\n  ]" : "]", out_f);
    }
    fputs("\n}\n", out_f);
}

/* ------------------------------------------------------------------ */
/* xlsx                                                                */
/* ------------------------------------------------------------------ */

/* libxlsxwriter is loaded with dlopen at the first workbook: linked, it and what it pulls
 * in (minizip, libcrypto) would be loaded by every lever command, most of them short
 * queries that never write one. Its header gives the types and the prototypes. */
static struct {
    bool loaded;
    lxw_workbook *(*workbook_new)(const char *filename);
    lxw_worksheet *(*workbook_add_worksheet)(lxw_workbook *wb, const char *name);
    lxw_format *(*workbook_add_format)(lxw_workbook *wb);
    lxw_error (*workbook_close)(lxw_workbook *wb);
    lxw_error (*workbook_validate_sheet_name)(lxw_workbook *wb, const char *name);
    lxw_error (*worksheet_write_number)(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col,
                                        double number, lxw_format *format);
    lxw_error (*worksheet_write_string)(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col,
                                        const char *string, lxw_format *format);
    lxw_error (*worksheet_set_column)(lxw_worksheet *ws, lxw_col_t first, lxw_col_t last,
                                      double width, lxw_format *format);
    void (*worksheet_freeze_panes)(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col);
    void (*format_set_bold)(lxw_format *format);
    void (*format_set_num_format)(lxw_format *format, const char *num_format);
    void (*format_set_text_wrap)(lxw_format *format);
    char *(*lxw_strerror)(lxw_error error_num);
} xl;

/* ISO C has no conversion from dlsym's object pointer to a function pointer; POSIX
 * guarantees the bytes are the same. */
static bool xl_symbol(void *lib, const char *name, void *function_pointer)
{
    void *p = dlsym(lib, name);
    if (!p)
        return false;
    memcpy(function_pointer, &p, sizeof p);
    return true;
}

static bool xl_load(void)
{
    if (xl.loaded)
        return true;
    void *lib = dlopen("libxlsxwriter.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        cli_error("--format xlsx needs libxlsxwriter and cannot load it (%s); install it "
                  "(Debian: apt-get install libxlsxwriter4)", dlerror());
        return false;
    }
#define XL(name) xl_symbol(lib, #name, &xl.name)
    bool ok = XL(workbook_new) && XL(workbook_add_worksheet) && XL(workbook_add_format) &&
              XL(workbook_close) && XL(workbook_validate_sheet_name) &&
              XL(worksheet_write_number) && XL(worksheet_write_string) &&
              XL(worksheet_set_column) && XL(worksheet_freeze_panes) && XL(format_set_bold) &&
              XL(format_set_num_format) && XL(format_set_text_wrap) && XL(lxw_strerror);
#undef XL
    if (!ok) {
        cli_error("the libxlsxwriter found cannot be used (%s); install libxlsxwriter 1.0 or "
                  "later (Debian: apt-get install libxlsxwriter4)", dlerror());
        return false;
    }
    xl.loaded = true;
    return true;
}

/* Integers beyond 2^53 are not all doubles: such a cell is written as text, exact. (No
 * trade figure comes near: 2^53 USD is 9 quadrillion, about 350 years of world trade.) */
#define XLSX_EXACT_MAX 9007199254740992.0

typedef struct xlsx_formats {
    lxw_format *bold, *grouped, *share, *wrap;
} xlsx_formats;

/* One cell of a table sheet: numbers as numbers (USD, kg and counts with thousands
 * separators, shares as percentages), text as text, missing as an empty cell,
 * infinity as the text "inf" (explained on the notes sheet). */
static lxw_error xlsx_cell(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const cell *c,
                           col_type type, const xlsx_formats *f)
{
    if (cell_missing(c, type))
        return LXW_NO_ERROR;
    if (c->kind == CELL_STR)
        return xl.worksheet_write_string(ws, row, col, c->v.s, NULL);
    char buf[64];
    if (type == COL_HS6) {
        snprintf(buf, sizeof buf, "%06" PRId64, c->kind == CELL_INT ? c->v.i : (int64_t)cell_double(c));
        return xl.worksheet_write_string(ws, row, col, buf, NULL);
    }
    double d = cell_double(c);
    if (isinf(d))
        return xl.worksheet_write_string(ws, row, col, d < 0 ? "-inf" : "inf", NULL);
    if (c->kind != CELL_DOUBLE && fabs(d) >= XLSX_EXACT_MAX) {
        format_plain_number(c, buf, sizeof buf);
        return xl.worksheet_write_string(ws, row, col, buf, NULL);
    }
    lxw_format *fmt = type == COL_USD || type == COL_KG || type == COL_COUNT ? f->grouped
                      : type == COL_SHARE                                   ? f->share
                                                                            : NULL;
    return xl.worksheet_write_number(ws, row, col, d, fmt);
}

/* A sheet per table: the header (the column names of CSV and JSON), then the rows. */
static lxw_error xlsx_table(lxw_workbook *wb, const out_table *t, int index,
                            const xlsx_formats *f)
{
    char name[40];
    snprintf(name, sizeof name, "%.31s", t->name);
    if (xl.workbook_validate_sheet_name(wb, name) != LXW_NO_ERROR)
        snprintf(name, sizeof name, "table %d", index + 1);
    lxw_worksheet *ws = xl.workbook_add_worksheet(wb, name);
    if (!ws)
        return LXW_ERROR_MEMORY_MALLOC_FAILED;
    lxw_error err = LXW_NO_ERROR;
    size_t rows = table_rows(t);
    for (int c = 0; c < t->ncols && !err; c++) {
        err = xl.worksheet_write_string(ws, 0, (lxw_col_t)c, t->cols[c].name, f->bold);
        double width = (double)display_width(t->cols[c].name) + 2;
        col_type type = t->cols[c].type;
        if (type == COL_USD || type == COL_KG)
            width = width < 16 ? 16 : width;
        else if (type == COL_STR)
            width = width < 12 ? 12 : width;
        if (!err && strcmp(t->cols[c].name, "description") == 0)
            width = 60;
        if (!err)
            err = xl.worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, width, NULL);
    }
    for (size_t r = 0; r < rows && !err; r++)
        for (int c = 0; c < t->ncols && !err; c++)
            err = xlsx_cell(ws, (lxw_row_t)(r + 1), (lxw_col_t)c,
                            &t->cells[r * (size_t)t->ncols + (size_t)c], t->cols[c].type, f);
    if (!err)
        xl.worksheet_freeze_panes(ws, 1, 0);
    return err;
}

/* The notes sheet: where the figures come from and how to read the workbook. */
static lxw_error xlsx_notes(lxw_workbook *wb, const out_doc *d, const out_table *only,
                            const xlsx_formats *f)
{
    lxw_worksheet *ws = xl.workbook_add_worksheet(wb, "notes");
    if (!ws)
        return LXW_ERROR_MEMORY_MALLOC_FAILED;
    lxw_error err = xl.worksheet_set_column(ws, 0, 0, 16, NULL);
    if (!err)
        err = xl.worksheet_set_column(ws, 1, 1, 100, f->wrap);
    lxw_row_t row = 0;
#define NOTE(key, value)                                                                   \
    do {                                                                                   \
        if (!err)                                                                          \
            err = xl.worksheet_write_string(ws, row, 0, (key), f->bold);                      \
        if (!err)                                                                          \
            err = xl.worksheet_write_string(ws, row, 1, (value), NULL);                       \
        row++;                                                                             \
    } while (0)
    NOTE("title", d->title);
    for (size_t n = 0; n < d->n_meta; n++)
        NOTE(d->meta[n].key, d->meta[n].value);
    if (command_line[0])
        NOTE("command", command_line);
    NOTE("lever", LEVER_VERSION);
    row++;
    for (size_t n = 0; n < d->n_tables; n++)
        if (!only || d->tables[n] == only) {
            char key[80];
            snprintf(key, sizeof key, "sheet %.60s", d->tables[n]->name);
            NOTE(key, d->tables[n]->title[0] ? d->tables[n]->title : d->tables[n]->name);
        }
    row++;
    NOTE("numbers", "USD, kg and counts are exact integers (a cell holds integers exactly up to "
                    "2^53 = 9,007,199,254,740,992; a larger one would be written as text, "
                    "exact); shares are fractions shown as percentages; ratios in full "
                    "precision; HS codes are six-digit text (010111)");
    NOTE("empty cell", "missing: no flow to measure (never zero trade)");
    NOTE("inf", "infinite: divided by zero (e.g. M/X where the country exports nothing)");
    NOTE("columns", "the names of lever's CSV and JSON; the manual (docs/commands) defines "
                    "each");
#undef NOTE
    return err;
}

static int print_xlsx(const out_doc *d, const out_table *only, const char *path)
{
    if (!xl_load())
        return EXIT_ERROR;
    lxw_workbook *wb = xl.workbook_new(path);
    if (!wb) {
        cli_error("cannot create '%s': %s; check that its folder exists and is writable", path,
                  strerror(errno));
        return EXIT_ERROR;
    }
    xlsx_formats f = {xl.workbook_add_format(wb), xl.workbook_add_format(wb), xl.workbook_add_format(wb),
                      xl.workbook_add_format(wb)};
    lxw_error err = LXW_NO_ERROR;
    if (!f.bold || !f.grouped || !f.share || !f.wrap) {
        err = LXW_ERROR_MEMORY_MALLOC_FAILED;
    } else {
        xl.format_set_bold(f.bold);
        xl.format_set_num_format(f.grouped, "#,##0");
        xl.format_set_num_format(f.share, "0.0%");
        xl.format_set_text_wrap(f.wrap);
        err = xlsx_notes(wb, d, only, &f);
    }
    for (size_t n = 0; n < d->n_tables && !err; n++)
        if (!only || d->tables[n] == only)
            err = xlsx_table(wb, d->tables[n], (int)n, &f);
    lxw_error closed = xl.workbook_close(wb);
    if (!err)
        err = closed;
    if (err) {
        cli_error("cannot write '%s': %s", path, xl.lxw_strerror(err));
        return EXIT_ERROR;
    }
    return EXIT_OK;
}

/* ------------------------------------------------------------------ */
/* Printing                                                            */
/* ------------------------------------------------------------------ */

/* Complete rows only: a table whose last row lacks cells is a bug in its command. */
static bool doc_complete(const out_doc *d)
{
    for (size_t n = 0; n < d->n_tables; n++)
        if (d->tables[n]->ncols && d->tables[n]->n_cells % (size_t)d->tables[n]->ncols) {
            cli_error("internal error: table '%s' has an incomplete row", d->tables[n]->name);
            return false;
        }
    return true;
}

/* The table --table names; NULL with *listed or *failed set when it names none. */
static const out_table *chosen_table(const out_doc *d, const char *name, bool *failed)
{
    *failed = false;
    if (!name)
        return NULL;
    for (size_t n = 0; n < d->n_tables; n++)
        if (strcmp(d->tables[n]->name, name) == 0)
            return d->tables[n];
    char names[1024] = "";
    size_t o = 0;
    for (size_t n = 0; n < d->n_tables && o < sizeof names; n++)
        o += (size_t)snprintf(names + o, sizeof names - o, "%s%s", n ? ", " : "",
                              d->tables[n]->name);
    if (d->n_tables)
        cli_error("no table '%s' in this answer; its tables: %s (--table list describes them)",
                  name, names);
    else
        cli_error("no table '%s': this answer has no table", name);
    *failed = true;
    return NULL;
}

/* The table CSV writes without --table: the one marked main, else the first. */
static const out_table *main_table(const out_doc *d)
{
    for (size_t n = 0; n < d->n_tables; n++)
        if (d->tables[n]->main)
            return d->tables[n];
    return d->n_tables ? d->tables[0] : NULL;
}

/* --table list: each table's name and title, the main one marked. */
static void print_table_list(const out_doc *d)
{
    const out_table *m = main_table(d);
    size_t width = 4;
    for (size_t n = 0; n < d->n_tables; n++)
        if (display_width(d->tables[n]->name) > width)
            width = display_width(d->tables[n]->name);
    fprintf(out_f, "%-*s  %-4s  %s\n", (int)width, "name", "main", "title");
    for (size_t n = 0; n < d->n_tables; n++) {
        const out_table *t = d->tables[n];
        fprintf(out_f, "%-*s  %-4s  %s\n", (int)width, t->name, t == m ? "yes" : "", t->title);
    }
}

static int render(const out_doc *d, const out_format *fmt, out_kind kind, const out_table *only)
{
    switch (kind) {
    case OUT_AUTO:
    case OUT_TABLE: print_table_format(d, fmt, only); break;
    case OUT_CSV: {
        const out_table *t = only ? only : main_table(d);
        if (t)
            print_csv(t);
        break;
    }
    case OUT_JSON: print_json(d, only); break;
    case OUT_XLSX: break; /* render_to_file writes it */
    }
    return EXIT_OK;
}

/* Renders into path by way of path.tmp, renamed into place only when complete. */
static int render_to_file(const out_doc *d, const out_format *fmt, out_kind kind,
                          const out_table *only)
{
    cli_outfile o;
    if (cli_outfile_begin(&o, fmt->output) != EXIT_OK)
        return EXIT_ERROR;
    int rc = EXIT_OK;
    if (kind == OUT_XLSX) {
        rc = print_xlsx(d, only, o.tmp);
    } else {
        out_f = fopen(o.tmp, "w");
        if (!out_f) {
            cli_error("cannot create '%s': %s; check that its folder exists and is writable",
                      o.tmp, strerror(errno));
            rc = EXIT_ERROR;
        } else {
            rc = render(d, fmt, kind, only);
            bool bad = ferror(out_f) != 0;
            if (fclose(out_f) != 0 || bad) {
                cli_error("cannot write '%s': %s", o.tmp, strerror(errno));
                rc = EXIT_ERROR;
            }
            out_f = stdout;
        }
    }
    return cli_outfile_end(&o, rc);
}

int out_doc_print(out_doc *d, out_format fmt)
{
    out_f = stdout;
    if (d->out_of_memory) {
        cli_error("out of memory");
        out_doc_free(d);
        return EXIT_ERROR;
    }
    if (!doc_complete(d)) {
        out_doc_free(d);
        return EXIT_ERROR;
    }
    if (fmt.output && (!fmt.output[0] || strcmp(fmt.output, "-") == 0))
        fmt.output = NULL;
    out_kind kind = resolve_kind(&fmt);
    if (fmt.table && strcmp(fmt.table, "list") == 0) {
        print_table_list(d);
        out_doc_free(d);
        return fflush(stdout) == 0 && !ferror(stdout) ? EXIT_OK : EXIT_ERROR;
    }
    bool failed;
    const out_table *only = chosen_table(d, fmt.table, &failed);
    if (failed) {
        out_doc_free(d);
        return EXIT_USAGE;
    }
    if (kind == OUT_XLSX && !fmt.output) {
        cli_error("--format xlsx writes a file: give -o FILE.xlsx");
        out_doc_free(d);
        return EXIT_USAGE;
    }
    if (kind == OUT_CSV) {
        for (size_t n = 0; n < d->n_meta; n++)
            if (strcmp(d->meta[n].key, "warning") == 0 ||
                strcmp(d->meta[n].key, "hs_mapping") == 0)
                cli_warning("%s (CSV holds the table only; --format json carries the notes)",
                            d->meta[n].value);
    }
    int rc = fmt.output ? render_to_file(d, &fmt, kind, only) : render(d, &fmt, kind, only);
    bool oom = d->out_of_memory;
    out_doc_free(d);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_error("cannot write the output");
        return EXIT_ERROR;
    }
    if (oom) {
        cli_error("out of memory");
        return EXIT_ERROR;
    }
    return rc;
}
