/*
 * comtrade_plus.c - UN Comtrade Plus trade data: the 47-column CSV of its downloads and
 * the JSON of its data API ({"count":N,"data":[{...},...]}), read into declarations,
 * then, when the import is committed, checked against the aggregates the files carry,
 * summed over months, and paired into flows: the exporter's declaration (X, FOB) and
 * the importer's (M, CIF) of the same flow become one row.
 *
 * Why it is built this way:
 * * Both formats hold the same records (one field per column or per object member), so
 *   each is cut into fields by its own small scanner and one function reads a record.
 *   The JSON scanner is written here rather than using jansson because jansson turns
 *   every number with a decimal point into a double: Comtrade values have cents and
 *   lever's sums are exact, so each number's text is read as fixed point (milli-USD,
 *   grams) by the same routine as BACI's values. The scanner also knows where it is
 *   (line and column) for every error.
 * * A record is one reporter's declaration of one (period, partner, flow, product,
 *   customs procedure, mode of transport). The store keeps the totals over customs
 *   procedures (C00), modes of transport (0) and second partners (0): the breakdowns are
 *   counted and skipped. Products are kept at 6 digits; TOTAL, 2- and 4-digit records
 *   and partner World are aggregates: they are kept aside to check the 6-digit sums
 *   (a warning with file:line on a mismatch) and are not flows.
 * * Speed (bench/sources.sh: within 2x of a BACI CSV per row, while a Comtrade record
 *   is 47 fields and 5 times the bytes of a BACI line). What costs most on the machines
 *   lever is measured on is writing fresh memory, then reading the input; so:
 *   - A CSV line without quotes is cut in one pass, eight bytes a step (commas, line ends
 *     and quotes found as the zero bytes of a word), and only the 20 columns lever reads
 *     become fields; a line holding a quote goes to the field-by-field reader (quoted
 *     commas, "" escapes, line ends inside quotes). Numbers of the usual shape
 *     ("331775.000") are read inline.
 *   - A CSV of 2 MB or more is cut at line ends into one chunk per thread. A worker reads
 *     its chunk into declarations of its own and never touches the import: its error,
 *     its lines and the classifications it met are kept relative to its chunk and
 *     replayed in file order by the calling thread, so the store, the warnings and the
 *     first error are those of one thread. Its declarations stay where it wrote them, as
 *     the next run of the state's runs (no copy). A cut that fell inside a quoted field
 *     shows as the chunk before it not ending exactly there; the rest is then read again
 *     by the calling thread.
 *   - A declaration is 48 bytes, in mappings with huge pages reserved from the input's
 *     size. At commit, the sorts run on 64-bit keys that hold year, reporter, flow,
 *     partner, month and product, so the checks and the pair keys never follow a pointer;
 *     only the pairing reads the declarations, on two threads, each half into its own
 *     rows. The sort is a stable LSD radix sort: equal keys keep file order, so a
 *     duplicate's message names the earlier record first. Its scratch is the array of row
 *     declarations, which only the pairing writes, after the sorts.
 * * Declarations are collected whole before any flow is made (Comtrade downloads are
 *   small next to a BACI release: a few million records at most), because the two
 *   declarations of a flow, the months of a year and the aggregates over products come
 *   in any order and from any file.
 * * Monthly data are summed into calendar years (the store is annual), exactly, before
 *   rounding once to whole USD; a year with fewer than 12 months says so.
 * * Re-exports and re-imports (RX, RM) are kept apart: they never add to X or M.
 * * With --to-hs, each declaration is converted from its reporter's edition after months
 *   are summed and before the two declarations of a flow are paired: the exporter and the
 *   importer may file in different editions, and pairing needs the codes of one; one set
 *   of weights for all keeps both sides of a flow in the same proportions (ctp_to_hs).
 */
#include "fields.h"
#include "parser.h"

#include <pthread.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>

#define TOTAL_PRODUCT 999999u /* the pseudo-product of a store made of totals only */
#define MAX_JSON_DEPTH 64

enum { FLOW_M, FLOW_X, FLOW_RM, FLOW_RX };
static const char *const flow_names[] = {"M", "X", "RM", "RX"};

/* One record kept: a 6-digit declaration (level 6) or an aggregate over products
 * (level 0 = TOTAL, 2, 4), by its reporter. 48 bytes: a million of them are written and
 * read several times over by an import, so the small fields share a word. */
typedef struct ctp_decl {
    uint64_t value;    /* primaryValue, milli-USD */
    uint64_t wgt;      /* netWgt, grams; UINT64_MAX when missing */
    uint64_t qty;      /* qty, thousandths of its unit; UINT64_MAX when missing */
    uint64_t line;     /* line of the record (the object's first line in JSON) */
    uint32_t k;        /* HS6 code, or the aggregate's prefix (0 for TOTAL) */
    uint32_t source;   /* index of the input among the sources */
    int16_t qty_unit;  /* qtyUnitCode (0..999); -1 when none */
    uint16_t year;
    uint32_t reporter : 10, partner : 10; /* country codes 0..999 */
    uint32_t month : 4; /* 0 annual, 1..12 */
    uint32_t flow : 2;  /* FLOW_* */
    uint32_t level : 3; /* 6, or 0/2/4 for aggregates */
    uint32_t edition : 3; /* classificationCode H0..H6: HS92..HS22 (0..6) */
} ctp_decl;
_Static_assert(sizeof(ctp_decl) == 48, "a declaration is 48 bytes");


/* A run of declarations in file order (a chunk read by a worker, kept where it wrote it). */
typedef struct decl_run {
    ctp_decl *d;
    size_t n, cap;
} decl_run;

typedef struct ctp_state {
    ctp_decl *d; /* the declarations, after those of runs[] */
    size_t n, cap;
    decl_run *runs; /* closed runs, in file order before d */
    size_t n_runs;
    /* skipped records, by reason, over all inputs */
    uint64_t other_flows, breakdowns, partner_world, not_hs, rounded;
    bool annual_seen, monthly_seen;
    char iso3[1000][4]; /* ISO3 of each code, as the records give it, for messages */
    char first_rounded[600];
    uint64_t rounded_line, rounded_col; /* a chunk's first rounded number (chunk lines) */
} ctp_state;

extern const import_parser import_parser_comtrade_plus;

static ctp_state **state_slot(import_sink *sink)
{
    return (ctp_state **)sink_state(sink, &import_parser_comtrade_plus);
}

/* The declarations live in one mapping (big_alloc: huge pages, no copy of what is never
 * touched), reserved from the size of each input, so that they are rarely copied. */
static int decls_reserve(ctp_state *cs, size_t more)
{
    if (cs->cap - cs->n >= more)
        return LEVER_OK;
    size_t cap = cs->cap ? cs->cap : 4096;
    while (cap - cs->n < more) {
        if (cap > SIZE_MAX / 2 / sizeof *cs->d)
            return LEVER_ENOMEM;
        cap *= 2;
    }
    ctp_decl *nd = big_alloc(cap * sizeof *nd);
    if (!nd)
        return LEVER_ENOMEM;
    if (cs->n)
        memcpy(nd, cs->d, cs->n * sizeof *nd);
    big_free(cs->d, cs->cap * sizeof *cs->d);
    cs->d = nd;
    cs->cap = cap;
    return LEVER_OK;
}

/* Asks for huge pages under the whole 2 MB pages of a big malloc'd block (a hint: it
 * saves a page fault every 4 KB when the block is first written). */
static void huge_pages_hint(void *p, size_t bytes)
{
    const uintptr_t huge = (uintptr_t)2 << 20;
    uintptr_t from = ((uintptr_t)p + huge - 1) & ~(huge - 1), to = ((uintptr_t)p + bytes) & ~(huge - 1);
    if (to > from)
        madvise((void *)from, to - from, MADV_HUGEPAGE);
}

static void decls_free(ctp_state *cs)
{
    big_free(cs->d, cs->cap * sizeof *cs->d);
    cs->d = NULL;
    cs->n = cs->cap = 0;
}

/* Closes the declarations so far into a run and continues in `d` (the worker's array
 * of the next chunk, whose declarations are then not copied). */
static int decls_adopt(ctp_state *cs, ctp_state *w)
{
    decl_run *r = realloc(cs->runs, (cs->n_runs + 1) * sizeof *r);
    if (!r)
        return LEVER_ENOMEM;
    cs->runs = r;
    r[cs->n_runs++] = (decl_run){cs->d, cs->n, cs->cap};
    cs->d = w->d;
    cs->n = w->n;
    cs->cap = w->cap;
    w->d = NULL;
    w->n = w->cap = 0;
    return LEVER_OK;
}

/* Every run of declarations, the open one last; returns how many (at most n_runs + 1). */
static size_t decl_runs(const ctp_state *cs, decl_run *out)
{
    for (size_t r = 0; r < cs->n_runs; r++)
        out[r] = cs->runs[r];
    out[cs->n_runs] = (decl_run){cs->d, cs->n, cs->cap};
    return cs->n_runs + 1;
}

static void ctp_discard(import_sink *sink)
{
    ctp_state *cs = *state_slot(sink);
    if (!cs)
        return;
    decls_free(cs);
    for (size_t r = 0; r < cs->n_runs; r++)
        big_free(cs->runs[r].d, cs->runs[r].cap * sizeof *cs->runs[r].d);
    free(cs->runs);
    free(cs);
    *state_slot(sink) = NULL;
}

/* ------------------------------------------------------------------ */
/* Fields of one record                                                */
/* ------------------------------------------------------------------ */

enum {
    R_TYPE, R_FREQ, R_YEAR, R_MONTH, R_PERIOD, R_REPORTER, R_FLOW, R_PARTNER, R_PARTNER2,
    R_CLASS, R_CMD, R_IS_AGGREGATE, R_CUSTOMS, R_MOT, R_QTY_UNIT, R_QTY, R_NETWGT, R_VALUE,
    R_REPORTER_ISO, R_PARTNER_ISO, N_ROLES
};
static const char *const role_names[N_ROLES] = {
    "typeCode",    "freqCode",   "refYear",  "refMonth",     "period",  "reporterCode",
    "flowCode",    "partnerCode", "partner2Code", "classificationCode", "cmdCode",
    "isAggregate", "customsCode", "motCode", "qtyUnitCode", "qty",     "netWgt",
    "primaryValue", "reporterISO", "partnerISO"};

typedef struct ct_field {
    const char *text;
    size_t len;
    uint64_t line, col;
    bool present; /* the column or member exists in this record */
} ct_field;

typedef struct ct_record {
    ct_field f[N_ROLES];
    uint64_t line;
} ct_record;

static int role_of_name(const char *name, size_t len)
{
    for (int r = 0; r < N_ROLES; r++)
        if (strlen(role_names[r]) == len && strncasecmp(role_names[r], name, len) == 0)
            return r;
    return -1;
}

static inline char ascii_upper(char c)
{
    return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

/* Whether the field is `text`, ignoring the case of ASCII letters. */
static inline bool field_is(const ct_field *f, const char *text)
{
    if (!f->present)
        return false;
    size_t n = 0;
    for (; n < f->len; n++)
        if (!text[n] || ascii_upper(f->text[n]) != ascii_upper(text[n]))
            return false;
    return text[n] == 0;
}

static bool field_empty(const ct_field *f)
{
    return !f->present || f->len == 0 || field_is(f, "null");
}

/* The parse context: which input, which source, and the state collecting records.
 * A worker (a thread reading a chunk of a CSV) never calls into the sink: it counts lines
 * from its chunk's start, keeps its first error and the classifications it meets, and
 * the thread that merges the chunks in file order reports them (csv_merge). */
typedef struct ctp_parse {
    import_sink *imp;
    const import_input *in;
    ctp_state *cs;
    uint32_t source;
    size_t n_before; /* declarations before this input, for the rollback on error */
    bool worker;
    int err_rc, err_where; /* a worker's error: rc, and WHERE_* (what its message names) */
    uint64_t err_line, err_col;
    char err_msg[1024];
    int n_notes; /* a worker's classifications: its first record's, the first that differs */
    const char *note_hs[2];
    uint64_t note_line[2];
    const char *hs_noted; /* the classification last noted without error (not a worker) */
} ctp_parse;

enum { WHERE_FILE, WHERE_LINE, WHERE_LINE_COL };

/* Fails the input with "name[:line[:col]]: message"; a worker keeps it for csv_merge. */
static int p_vfail(ctp_parse *p, int rc, int where_, uint64_t line, uint64_t col,
                   const char *fmt, va_list ap)
{
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (p->worker) {
        p->err_rc = rc;
        p->err_where = where_;
        p->err_line = line;
        p->err_col = col;
        memcpy(p->err_msg, msg, sizeof msg);
        return rc;
    }
    if (where_ == WHERE_LINE_COL)
        return sink_fail(p->imp, rc, "%s:%llu:%llu: %s", p->in->name, (unsigned long long)line,
                         (unsigned long long)col, msg);
    if (where_ == WHERE_LINE)
        return sink_fail(p->imp, rc, "%s:%llu: %s", p->in->name, (unsigned long long)line, msg);
    return sink_fail(p->imp, rc, "%s: %s", p->in->name, msg);
}

static int p_fail(ctp_parse *p, int rc, int where_, uint64_t line, uint64_t col,
                  const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static int p_fail(ctp_parse *p, int rc, int where_, uint64_t line, uint64_t col,
                  const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    rc = p_vfail(p, rc, where_, line, col, fmt, ap);
    va_end(ap);
    return rc;
}

static int field_error(ctp_parse *p, const ct_field *f, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int field_error(ctp_parse *p, const ct_field *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = p_vfail(p, LEVER_EINPUT, WHERE_LINE_COL, f->line, f->col, fmt, ap);
    va_end(ap);
    return rc;
}

static int record_error(ctp_parse *p, const ct_record *r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int record_error(ctp_parse *p, const ct_record *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = p_vfail(p, LEVER_EINPUT, WHERE_LINE, r->line, 0, fmt, ap);
    va_end(ap);
    return rc;
}

/* A number by its spec; a missing optional one gives UINT64_MAX. */
static int number(ctp_parse *p, const ct_field *f, const field_spec *spec, uint64_t *out)
{
    /* the usual shape, digits and at most `scale` decimals, read here; else field_value */
    if (f->present && f->len > 0 && f->len <= 15 && (unsigned char)(f->text[0] - '0') <= 9) {
        uint64_t v = 0;
        size_t q = 0;
        int decimals = 0;
        for (; q < f->len && (unsigned char)(f->text[q] - '0') <= 9; q++)
            v = v * 10 + (uint64_t)(f->text[q] - '0');
        if (q < f->len && f->text[q] == '.')
            for (q++; q < f->len && (unsigned char)(f->text[q] - '0') <= 9 &&
                      decimals < spec->scale;
                 q++, decimals++)
                v = v * 10 + (uint64_t)(f->text[q] - '0');
        if (q == f->len) {
            for (; decimals < spec->scale; decimals++)
                v *= 10;
            if (v >= spec->min && v <= spec->max) {
                *out = v;
                return LEVER_OK;
            }
        }
    }
    char msg[1024];
    bool missing, rounded;
    const char *text = f->present ? f->text : "";
    size_t len = f->present ? f->len : 0;
    if (len == 4 && memcmp(text, "null", 4) == 0)
        len = 0;
    if (!field_value(spec, text, len, out, &missing, &rounded, msg, sizeof msg)) {
        if (!f->present)
            return p_fail(p, LEVER_EINPUT, WHERE_FILE, 0, 0, "no %s column; %s", spec->what,
                          "this is not a complete Comtrade Plus file");
        return field_error(p, f, "%s", msg);
    }
    if (missing)
        *out = UINT64_MAX;
    if (rounded && p->cs->rounded++ == 0) {
        p->cs->rounded_line = f->line;
        p->cs->rounded_col = f->col;
        snprintf(p->cs->first_rounded, sizeof p->cs->first_rounded, "%s:%llu:%llu",
                 p->in->name, (unsigned long long)f->line, (unsigned long long)f->col);
    }
    return LEVER_OK;
}

static const field_spec spec_year = {"refYear", 0, true, false, 1950, 2100,
                                     "refYear must be a year such as 2023"};
static const field_spec spec_month = {"refMonth", 0, true, false, 1, 52,
                                      "refMonth must be 1..12 (monthly) or 52 (annual)"};
static const field_spec spec_reporter = {"reporterCode", 0, true, false, 0, 999,
                                         "reporterCode must be a numeric country code (0..999)"};
static const field_spec spec_partner = {"partnerCode", 0, true, false, 0, 999,
                                        "partnerCode must be a numeric country code (0..999)"};
static const field_spec spec_partner2 = {"partner2Code", 0, true, true, 0, 999,
                                         "partner2Code must be a numeric country code"};
static const field_spec spec_mot = {"motCode", 0, true, true, 0, 99999,
                                    "motCode must be a mode of transport code (0 = total)"};
static const field_spec spec_unit = {"qtyUnitCode", 0, true, true, 0, 999,
                                     "qtyUnitCode must be a unit code (-1 = none)"};
static const field_spec spec_value = {"primaryValue", 3, false, false, 0, UINT64_MAX,
                                      "primaryValue must be a non-negative value in USD"};
static const field_spec spec_netwgt = {"netWgt", 3, false, true, 0, UINT64_MAX - 1,
                                       "netWgt must be a non-negative weight in kg, or empty"};
static const field_spec spec_qty = {"qty", 3, false, true, 0, UINT64_MAX - 1,
                                    "qty must be a non-negative quantity, or empty"};

static bool all_digits_n(const char *s, size_t n)
{
    if (n == 0)
        return false;
    for (size_t c = 0; c < n; c++)
        if (s[c] < '0' || s[c] > '9')
            return false;
    return true;
}

static int push_decl(ctp_parse *p, const ctp_decl *d)
{
    ctp_state *cs = p->cs;
    if (cs->n == cs->cap && decls_reserve(cs, 1))
        return p_fail(p, LEVER_ENOMEM, WHERE_FILE, 0, 0, "out of memory");
    cs->d[cs->n++] = *d;
    return LEVER_OK;
}

static void note_iso3(ctp_state *cs, uint64_t code, const ct_field *iso)
{
    if (!iso->present || iso->len != 3)
        return;
    for (int c = 0; c < 3; c++)
        if (!(iso->text[c] >= 'A' && iso->text[c] <= 'Z'))
            return;
    memcpy(cs->iso3[code], iso->text, 3);
    cs->iso3[code][3] = 0;
}

/* Reads one record: keeps a declaration or an aggregate, counts a skipped record. */
static int take_record(ctp_parse *p, const ct_record *r)
{
    const ct_field *f = r->f;
    ctp_state *cs = p->cs;
    int rc;
    static const int required[] = {R_FREQ, R_REPORTER, R_FLOW, R_PARTNER, R_CLASS, R_CMD,
                                   R_VALUE};
    for (size_t n = 0; n < sizeof required / sizeof required[0]; n++)
        if (!f[required[n]].present)
            return record_error(p, r,
                                "the record has no %s; a Comtrade Plus record has the 47 "
                                "fields of the data API (typeCode, freqCode, ..., "
                                "primaryValue)",
                                role_names[required[n]]);
    if (f[R_TYPE].present && !field_is(&f[R_TYPE], "C"))
        return field_error(p, &f[R_TYPE],
                           "typeCode \"%.*s\" is not C (goods); lever reads trade in goods: "
                           "download typeCode C",
                           (int)(f[R_TYPE].len > 20 ? 20 : f[R_TYPE].len), f[R_TYPE].text);
    char cls[8] = "";
    if (f[R_CLASS].len < sizeof cls)
        memcpy(cls, f[R_CLASS].text, f[R_CLASS].len);
    const char *hs = hs_of_classification(cls);
    if (!hs)
        return field_error(p, &f[R_CLASS],
                           "classificationCode \"%.*s\" is not an HS edition (H0..H6); "
                           "download the data in HS",
                           (int)(f[R_CLASS].len > 20 ? 20 : f[R_CLASS].len), f[R_CLASS].text);
    /* hs points into hs_of_classification's table: one edition, one pointer */
    if (p->worker) {
        /* what matters of the classifications met: the first, the first other one */
        if (p->n_notes == 0 || (p->n_notes == 1 && hs != p->note_hs[0])) {
            p->note_hs[p->n_notes] = hs;
            p->note_line[p->n_notes++] = r->line;
        }
    } else if (hs != p->hs_noted) {
        /* once noted, the import's edition is this one or fixed (--hs, --to-hs): noting
         * the same again would change nothing */
        if (!sink_hs_version(p->imp)[0] || strcmp(hs, sink_hs_version(p->imp)) != 0) {
            char origin[600];
            snprintf(origin, sizeof origin, "%s:%llu", p->in->name, (unsigned long long)r->line);
            if ((rc = sink_note_meta(p->imp, origin, hs, NULL)))
                return rc;
        }
        p->hs_noted = hs;
    }
    ctp_decl d = {.source = p->source, .line = r->line, .qty_unit = -1,
                  .edition = (uint8_t)sink_hs_edition_index(hs)};
    /* period: year, and month for monthly data */
    uint64_t year = UINT64_MAX, month = 0;
    const ct_field *per = &f[R_PERIOD];
    if (f[R_YEAR].present) {
        if ((rc = number(p, &f[R_YEAR], &spec_year, &year)))
            return rc;
    } else if (per->present && per->len >= 4 && all_digits_n(per->text, 4)) {
        year = (uint64_t)strtoul(per->text, NULL, 10);
    }
    if (field_is(&f[R_FREQ], "M")) {
        if (f[R_MONTH].present) {
            if ((rc = number(p, &f[R_MONTH], &spec_month, &month)))
                return rc;
        } else if (per->present && per->len == 6 && all_digits_n(per->text, 6)) {
            month = (uint64_t)strtoul(per->text + 4, NULL, 10);
        }
        if ((month < 1 || month > 12) && !f[R_MONTH].present && !per->present)
            return record_error(p, r, "a monthly record (freqCode M) needs refMonth or period");
        if (month < 1 || month > 12)
            return field_error(p, f[R_MONTH].present ? &f[R_MONTH] : per,
                               "a monthly record (freqCode M) needs a month 1..12 (refMonth "
                               "or period YYYYMM)");
        cs->monthly_seen = true;
    } else if (field_is(&f[R_FREQ], "A")) {
        cs->annual_seen = true;
    } else {
        return field_error(p, &f[R_FREQ],
                           "freqCode \"%.*s\" is not A (annual) or M (monthly); download "
                           "annual or monthly data",
                           (int)(f[R_FREQ].len > 20 ? 20 : f[R_FREQ].len), f[R_FREQ].text);
    }
    if (year == UINT64_MAX || year < 1950 || year > 2100)
        return record_error(p, r, "no year: refYear or period must give a year such as 2023");
    d.year = (uint16_t)year;
    d.month = (uint8_t)month;
    /* flow */
    const ct_field *fl = &f[R_FLOW];
    if (field_is(fl, "M"))
        d.flow = FLOW_M;
    else if (field_is(fl, "X"))
        d.flow = FLOW_X;
    else if (field_is(fl, "RM"))
        d.flow = FLOW_RM;
    else if (field_is(fl, "RX"))
        d.flow = FLOW_RX;
    else if (fl->len >= 1 && fl->len <= 3) {
        cs->other_flows++; /* DX, FM, MIP, MOP, XIP, XOP: sub-flows of X and M */
        return LEVER_OK;
    } else
        return field_error(p, fl,
                           "flowCode \"%.*s\" is not a Comtrade flow (M, X, RM, RX, ...)",
                           (int)(fl->len > 20 ? 20 : fl->len), fl->text);
    /* the totals over customs procedures, modes of transport and second partners */
    uint64_t mot = 0, partner2 = 0;
    if ((rc = number(p, &f[R_MOT], &spec_mot, &mot)) ||
        (rc = number(p, &f[R_PARTNER2], &spec_partner2, &partner2)))
        return rc;
    bool customs_total = field_empty(&f[R_CUSTOMS]) || field_is(&f[R_CUSTOMS], "C00");
    if (!customs_total || (mot != 0 && mot != UINT64_MAX) ||
        (partner2 != 0 && partner2 != UINT64_MAX)) {
        cs->breakdowns++;
        return LEVER_OK;
    }
    uint64_t reporter, partner;
    if ((rc = number(p, &f[R_REPORTER], &spec_reporter, &reporter)) ||
        (rc = number(p, &f[R_PARTNER], &spec_partner, &partner)))
        return rc;
    if (partner == 0) {
        cs->partner_world++;
        return LEVER_OK;
    }
    d.reporter = (uint16_t)reporter;
    d.partner = (uint16_t)partner;
    note_iso3(cs, reporter, &f[R_REPORTER_ISO]);
    note_iso3(cs, partner, &f[R_PARTNER_ISO]);
    /* product: 6 digits kept, TOTAL / 2 / 4 digits kept aside as aggregates */
    const ct_field *cmd = &f[R_CMD];
    if (field_is(cmd, "TOTAL")) {
        d.level = 0;
    } else if (all_digits_n(cmd->text, cmd->len) &&
               (cmd->len == 2 || cmd->len == 4 || cmd->len == 6)) {
        d.level = (uint8_t)cmd->len;
        for (size_t c = 0; c < cmd->len; c++)
            d.k = d.k * 10 + (uint32_t)(cmd->text[c] - '0');
    } else if (all_digits_n(cmd->text, cmd->len) || field_is(cmd, "AG2") ||
               field_is(cmd, "AG4") || field_is(cmd, "AG6")) {
        cs->not_hs++; /* national tariff lines (8+ digits) and other levels */
        return LEVER_OK;
    } else {
        return field_error(p, cmd,
                           "cmdCode \"%.*s\" is not an HS code (TOTAL, or 2, 4 or 6 digits)",
                           (int)(cmd->len > 20 ? 20 : cmd->len), cmd->text);
    }
    /* values, exact; weights in grams; quantities with their unit */
    if ((rc = number(p, &f[R_VALUE], &spec_value, &d.value)) ||
        (rc = number(p, &f[R_NETWGT], &spec_netwgt, &d.wgt)) ||
        (rc = number(p, &f[R_QTY], &spec_qty, &d.qty)))
        return rc;
    const ct_field *unit = &f[R_QTY_UNIT];
    if (unit->present && !(unit->len == 2 && memcmp(unit->text, "-1", 2) == 0)) {
        uint64_t u;
        if ((rc = number(p, unit, &spec_unit, &u)))
            return rc;
        d.qty_unit = u == UINT64_MAX ? -1 : (int16_t)u;
    }
    return push_decl(p, &d);
}

/* ------------------------------------------------------------------ */
/* The 47-column CSV                                                   */
/* ------------------------------------------------------------------ */

static bool csv_header(const char *data, size_t len)
{
    const char *nl = memchr(data, '\n', len);
    size_t n = nl ? (size_t)(nl - data) : len;
    static const char *const needed[] = {"freqCode", "reporterCode", "flowCode", "partnerCode",
                                         "cmdCode", "primaryValue"};
    for (size_t w = 0; w < sizeof needed / sizeof needed[0]; w++) {
        size_t m = strlen(needed[w]);
        bool found = false;
        for (size_t c = 0; c + m <= n && !found; c++)
            found = strncasecmp(data + c, needed[w], m) == 0;
        if (!found)
            return false;
    }
    return true;
}

/* One CSV field from data[*pos]: quoted (commas, "" and line ends inside) or plain.
 * Returns the terminator (',' '\n' or 0 at the end), advancing lines inside quotes. */
static int csv_field_at(const char *data, size_t len, size_t *pos, const char **text,
                        size_t *flen, uint64_t *line, size_t *line_start, bool *open_quote)
{
    size_t p = *pos;
    *open_quote = false;
    if (p < len && data[p] == '"') {
        size_t t = ++p;
        for (;;) {
            const char *q = memchr(data + p, '"', len - p);
            if (!q) {
                *open_quote = true;
                return 0;
            }
            for (const char *c = data + p; c < q; c++)
                if (*c == '\n') {
                    (*line)++;
                    *line_start = (size_t)(c - data) + 1;
                }
            p = (size_t)(q - data) + 1;
            if (p < len && data[p] == '"') {
                p++;
                continue;
            }
            break;
        }
        *text = data + t;
        *flen = p - 1 - t;
    } else {
        size_t t = p;
        while (p < len && data[p] != ',' && data[p] != '\n')
            p++;
        *text = data + t;
        *flen = p - t;
        if (*flen && data[p - 1] == '\r' && (p == len || data[p] == '\n'))
            (*flen)--;
    }
    if (p < len && data[p] == '\r' && p + 1 < len && data[p + 1] == '\n')
        p++;
    int term = p < len ? data[p] : 0;
    *pos = p < len ? p + 1 : p;
    return term;
}

/* The header's columns: the role of each, and the column of each role (the last one when
 * a name repeats, as the records are read). */
typedef struct csv_cols {
    int *role_of_col;
    size_t n_cols;
    int col_of_role[N_ROLES];
} csv_cols;

#define FAST_COLS 64 /* a header of more columns is read field by field */

/* The exact zero bytes of v: 0x80 in each byte of v that is 0, nothing else. */
static inline uint64_t zero_bytes(uint64_t v)
{
    const uint64_t low7 = 0x7F7F7F7F7F7F7F7Full;
    return ~(((v & low7) + low7) | v | low7);
}

/* The fields of the line at data[pos] when it holds no quote: starts[c % FAST_COLS] is
 * where field c starts, *eol where the line ends ('\n' or len); returns the number of
 * fields, or 0 when the line holds a '"' before its end (the field reader takes it).
 * Eight bytes a step: commas, line ends and quotes found by their zero bytes. */
static size_t split_plain_line(const char *data, size_t len, size_t pos, size_t *starts,
                               size_t *eol)
{
    size_t nf = 1, p = pos;
    starts[0] = pos;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const uint64_t ones = 0x0101010101010101ull;
    for (; p + 8 <= len; p += 8) {
        uint64_t v;
        memcpy(&v, data + p, 8);
        uint64_t commas = zero_bytes(v ^ (ones * ','));
        uint64_t stop = zero_bytes(v ^ (ones * '\n')) | zero_bytes(v ^ (ones * '"'));
        int at = stop ? __builtin_ctzll(stop) : 64; /* bit 7 of the first stop's byte */
        if (stop)
            commas &= ((uint64_t)1 << at) - 1;
        for (; commas; commas &= commas - 1)
            starts[nf++ % FAST_COLS] = p + (size_t)__builtin_ctzll(commas) / 8 + 1;
        if (stop) {
            *eol = p + (size_t)at / 8;
            return data[*eol] == '"' ? 0 : nf;
        }
    }
#endif
    for (; p < len && data[p] != '\n'; p++) {
        if (data[p] == '"')
            return 0;
        if (data[p] == ',')
            starts[nf++ % FAST_COLS] = p + 1;
    }
    *eol = p;
    return nf;
}

/* For a mapped file: maps in the pages of data[from, to) before they are read, one call
 * instead of a page fault every 16 pages (as the BACI reader does). */
static void map_ahead(const import_input *in, size_t from, size_t to)
{
    if (!in->mapped || to <= from)
        return;
    const uintptr_t page = 4096, base = (uintptr_t)in->data;
    uintptr_t a = (base + from) & ~(page - 1), b = (base + to + page - 1) & ~(page - 1);
#ifdef MADV_POPULATE_READ
    madvise((void *)a, b - a, MADV_POPULATE_READ);
#else
    madvise((void *)a, b - a, MADV_WILLNEED);
#endif
}

#define AHEAD_BYTES ((size_t)4 << 20)

static int fields_mismatch(ctp_parse *p, uint64_t line, size_t n, size_t n_cols)
{
    return p_fail(p, LEVER_EINPUT, WHERE_LINE_COL, line, 1,
                  "the line has %zu fields but the header has %zu (the Comtrade Plus columns "
                  "typeCode,...,primaryValue,...); check the delimiter (',') and the quoting "
                  "of this line",
                  n, n_cols);
}

/* One record read field by field (quotes, "" escapes, line ends inside quotes); *pos at
 * its first byte, *line its first line. */
static int csv_record_fields(ctp_parse *p, const csv_cols *cols, size_t *pos_io, uint64_t *line_io,
                             ct_record *r)
{
    const char *data = p->in->data;
    size_t len = p->in->len, pos = *pos_io, line_start = pos;
    uint64_t line = *line_io;
    memset(r, 0, sizeof *r);
    r->line = line;
    size_t col = 0;
    int term, rc = LEVER_OK;
    do {
        const char *t;
        size_t n;
        bool open;
        uint64_t fline = line;
        size_t fcol = pos - line_start + 1;
        term = csv_field_at(data, len, &pos, &t, &n, &line, &line_start, &open);
        if (open) {
            rc = p_fail(p, LEVER_EINPUT, WHERE_LINE_COL, fline, fcol,
                        "a quoted field is not closed before the end of the file; check the "
                        "quotes of this field");
            break;
        }
        if (col < cols->n_cols && cols->role_of_col[col] >= 0)
            r->f[cols->role_of_col[col]] = (ct_field){t, n, fline, fcol, true};
        col++;
    } while (term == ',');
    if (!rc && col != cols->n_cols)
        rc = fields_mismatch(p, r->line, col, cols->n_cols);
    *pos_io = pos;
    *line_io = line;
    return rc;
}

/* Reads the records that start in data[*pos_io, end) (the last may run past end inside
 * quotes); *line_io is the line before the first. Both are left where reading stopped. */
static int csv_records(ctp_parse *p, const csv_cols *cols, size_t *pos_io, size_t end,
                       uint64_t *line_io, unsigned progress_scale)
{
    const char *data = p->in->data;
    size_t len = p->in->len, pos = *pos_io, first = pos;
    uint64_t line = *line_io;
    size_t starts[FAST_COLS];
    bool fast = cols->n_cols <= FAST_COLS;
    ct_record r;
    int rc = LEVER_OK;
    unsigned tick = 0;
    size_t mapped_to = pos;
    while (pos < end) {
        if (pos + (AHEAD_BYTES >> 4) > mapped_to && mapped_to < end) {
            size_t to = end - mapped_to > AHEAD_BYTES ? mapped_to + AHEAD_BYTES : end;
            map_ahead(p->in, mapped_to, to);
            mapped_to = to;
        }
        line++;
        if (data[pos] == '\n' || (data[pos] == '\r' && pos + 1 < len && data[pos + 1] == '\n')) {
            pos += data[pos] == '\n' ? 1 : 2;
            continue; /* blank line */
        }
        size_t eol = pos, nf = fast ? split_plain_line(data, len, pos, starts, &eol) : 0;
        if (nf) {
            /* no quote: the columns kept are cut from the line directly */
            if (nf != cols->n_cols) {
                rc = fields_mismatch(p, line, nf, cols->n_cols);
                break;
            }
            r.line = line;
            for (int role = 0; role < N_ROLES; role++) {
                int c = cols->col_of_role[role];
                if (c < 0) {
                    r.f[role] = (ct_field){NULL, 0, 0, 0, false};
                    continue;
                }
                size_t b = starts[c], e = (size_t)c + 1 < nf ? starts[c + 1] - 1 : eol;
                if ((size_t)c + 1 == nf && e > b && data[e - 1] == '\r')
                    e--;
                r.f[role] = (ct_field){data + b, e - b, line, b - pos + 1, true};
            }
            pos = eol < len ? eol + 1 : eol;
        } else if ((rc = csv_record_fields(p, cols, &pos, &line, &r))) {
            break;
        }
        if ((rc = take_record(p, &r)))
            break;
        if (!p->worker && ++tick % 1024 == 0) {
            uint64_t done = first + (uint64_t)(pos - first) * progress_scale;
            sink_progress(p->imp, done < len ? done : len, len, false);
        }
    }
    *pos_io = pos;
    *line_io = line;
    return rc;
}

/* Bigger CSVs are cut into chunks at line ends and read on several threads: each chunk
 * into declarations of its own, merged in file order. A cut inside a quoted field (a line
 * end within quotes) is found when the chunk before it does not end exactly there: the
 * chunks from there on are read again, by the calling thread. */
#define SPLIT_BYTES ((size_t)1 << 20) /* least bytes a chunk */
#define MAX_CHUNKS 16

typedef struct csv_chunk {
    ctp_parse p; /* a worker's: its own state, its error and notes */
    const csv_cols *cols;
    size_t begin, end, stop; /* its bytes; where reading stopped */
    uint64_t lines;          /* lines read, from the chunk's start */
    int rc;
    pthread_t tid;
    bool started;
} csv_chunk;

static void *csv_chunk_run(void *arg)
{
    csv_chunk *c = arg;
    size_t pos = c->begin;
    uint64_t line = 0;
    c->rc = csv_records(&c->p, c->cols, &pos, c->end, &line, 1);
    c->stop = pos;
    c->lines = line;
    return NULL;
}

/* Declarations for about `bytes` of records, from the line length of their start. */
static size_t decls_for_bytes(const char *data, size_t from, size_t bytes)
{
    size_t sample = bytes < (1u << 16) ? bytes : (1u << 16), lines = 0;
    for (const char *q = data + from, *e = q + sample; (q = memchr(q, '\n', (size_t)(e - q)));
         q++)
        lines++;
    if (lines == 0)
        return 16;
    return (size_t)((double)bytes * (double)lines / (double)sample * 1.05) + 16;
}

/* Adds chunk c, read by a worker, to the input's state: its classifications (noted as the
 * records would have been in file order), its declarations and counts, its error. `base`
 * is the line before the chunk. */
static int csv_merge(ctp_parse *p, csv_chunk *c, uint64_t base)
{
    ctp_state *cs = p->cs, *w = c->p.cs;
    int rc = LEVER_OK;
    for (int n = 0; n < c->p.n_notes && !rc; n++) {
        const char *hs = c->p.note_hs[n];
        if (!sink_hs_version(p->imp)[0] || strcmp(hs, sink_hs_version(p->imp)) != 0) {
            char origin[600];
            snprintf(origin, sizeof origin, "%s:%llu", p->in->name,
                     (unsigned long long)(c->p.note_line[n] + base));
            rc = sink_note_meta(p->imp, origin, hs, NULL);
        }
    }
    if (rc)
        return rc;
    if (c->p.err_rc)
        return p_fail(p, c->p.err_rc, c->p.err_where, c->p.err_line + base, c->p.err_col, "%s",
                      c->p.err_msg);
    for (size_t a = 0; a < w->n; a++)
        w->d[a].line += base;
    if (decls_adopt(cs, w))
        return p_fail(p, LEVER_ENOMEM, WHERE_FILE, 0, 0, "out of memory");
    cs->other_flows += w->other_flows;
    cs->breakdowns += w->breakdowns;
    cs->partner_world += w->partner_world;
    cs->not_hs += w->not_hs;
    if (w->rounded && cs->rounded == 0)
        snprintf(cs->first_rounded, sizeof cs->first_rounded, "%s:%llu:%llu", p->in->name,
                 (unsigned long long)(w->rounded_line + base),
                 (unsigned long long)w->rounded_col);
    cs->rounded += w->rounded;
    cs->annual_seen |= w->annual_seen;
    cs->monthly_seen |= w->monthly_seen;
    for (int code = 0; code < 1000; code++)
        if (w->iso3[code][0])
            memcpy(cs->iso3[code], w->iso3[code], 4);
    return LEVER_OK;
}

/* Cuts data[body, len) into at most `want` chunks of SPLIT_BYTES or more, at line ends;
 * returns how many. */
static size_t cut_chunks(const char *data, size_t body, size_t len, size_t want, size_t *cut)
{
    size_t n = 1;
    cut[0] = body;
    if (want > (len - body) / SPLIT_BYTES)
        want = (len - body) / SPLIT_BYTES;
    for (size_t c = 1; c < want; c++) {
        size_t at = body + (len - body) / want * c;
        const char *nl = memchr(data + at, '\n', len - at);
        if (!nl || (size_t)(nl - data) + 1 >= len || (size_t)(nl - data) + 1 <= cut[n - 1])
            break;
        cut[n++] = (size_t)(nl - data) + 1;
    }
    cut[n] = len;
    return n;
}

static int parse_csv(ctp_parse *p, size_t pos, uint64_t line)
{
    const import_input *in = p->in;
    const char *data = in->data;
    size_t len = in->len;
    /* the header: the column of each role */
    csv_cols cols = {NULL, 0, {0}};
    for (int role = 0; role < N_ROLES; role++)
        cols.col_of_role[role] = -1;
    size_t cap_cols = 0, line_start = pos;
    int term;
    do {
        const char *t;
        size_t n;
        bool open;
        term = csv_field_at(data, len, &pos, &t, &n, &line, &line_start, &open);
        if (open)
            return free(cols.role_of_col),
                   p_fail(p, LEVER_EINPUT, WHERE_LINE, line, 0, "the header's quotes are not "
                                                                "closed");
        if (cols.n_cols == cap_cols) {
            cap_cols = cap_cols ? cap_cols * 2 : 64;
            int *nr = realloc(cols.role_of_col, cap_cols * sizeof *nr);
            if (!nr)
                return free(cols.role_of_col),
                       p_fail(p, LEVER_ENOMEM, WHERE_FILE, 0, 0, "out of memory");
            cols.role_of_col = nr;
        }
        int role = role_of_name(t, n);
        if (role >= 0)
            cols.col_of_role[role] = (int)cols.n_cols;
        cols.role_of_col[cols.n_cols++] = role;
    } while (term == ',');
    ctp_state *cs = p->cs;
    int rc = LEVER_OK;
    if (pos < len && decls_reserve(cs, decls_for_bytes(data, pos, len - pos)))
        rc = p_fail(p, LEVER_ENOMEM, WHERE_FILE, 0, 0, "out of memory");
    size_t cut[MAX_CHUNKS + 1];
    csv_chunk chunks[MAX_CHUNKS];
    int threads = sink_threads(p->imp);
    size_t n_chunks = rc || pos >= len || cols.n_cols > FAST_COLS
                          ? 1
                          : cut_chunks(data, pos, len, threads < MAX_CHUNKS ? (size_t)threads
                                                                            : MAX_CHUNKS,
                                       cut);
    memset(chunks, 0, sizeof chunks);
    for (size_t c = 1; c < n_chunks; c++) {
        csv_chunk *k = &chunks[c];
        k->p = (ctp_parse){.imp = p->imp, .in = in, .source = p->source, .worker = true};
        k->cols = &cols;
        k->begin = cut[c];
        k->end = cut[c + 1];
        k->p.cs = calloc(1, sizeof *k->p.cs);
        if (!k->p.cs || decls_reserve(k->p.cs, decls_for_bytes(data, k->begin, k->end - k->begin)))
            continue; /* read by the calling thread instead */
        k->started = pthread_create(&k->tid, NULL, csv_chunk_run, k) == 0;
    }
    /* the first chunk here, then the others in file order as long as each chunk ended
     * where the next begins; what is left, here */
    if (!rc)
        rc = csv_records(p, &cols, &pos, n_chunks > 1 ? cut[1] : len, &line, (unsigned)n_chunks);
    for (size_t c = 1; c < n_chunks; c++)
        if (chunks[c].started)
            pthread_join(chunks[c].tid, NULL);
    for (size_t c = 1; c < n_chunks && !rc && pos == cut[c] && chunks[c].started; c++) {
        rc = csv_merge(p, &chunks[c], line);
        pos = chunks[c].stop;
        line += chunks[c].lines;
    }
    if (!rc && pos < len)
        rc = csv_records(p, &cols, &pos, len, &line, 1);
    for (size_t c = 1; c < n_chunks; c++) {
        ctp_state *w = chunks[c].p.cs;
        if (!w)
            continue;
        decls_free(w); /* none when its declarations became a run */
        free(w);
    }
    free(cols.role_of_col);
    return rc;
}

/* ------------------------------------------------------------------ */
/* The data API's JSON                                                 */
/* ------------------------------------------------------------------ */

typedef struct jscan {
    ctp_parse *p;
    const char *data;
    size_t pos, len;
    uint64_t line;
    size_t line_start;
} jscan;

static int js_fail(jscan *s, size_t at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int js_fail(jscan *s, size_t at, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    uint64_t line = s->line, col = at >= s->line_start ? at - s->line_start + 1 : 1;
    return sink_fail(s->p->imp, LEVER_EINPUT, "%s:%llu:%llu: %s", s->p->in->name,
                       (unsigned long long)line, (unsigned long long)col, msg);
}

static void js_ws(jscan *s)
{
    while (s->pos < s->len) {
        char c = s->data[s->pos];
        if (c == '\n') {
            s->line++;
            s->line_start = ++s->pos;
        } else if (c == ' ' || c == '\t' || c == '\r') {
            s->pos++;
        } else {
            break;
        }
    }
}

static const char *js_shown(jscan *s, size_t at, char out[SHOWN_TEXT + 4])
{
    if (at >= s->len)
        return "the end of the file";
    shown_text(s->data + at, s->len - at < 12 ? s->len - at : 12, out);
    return out;
}

static int js_expect_more(jscan *s, const char *what)
{
    char shown[SHOWN_TEXT + 4];
    if (s->pos >= s->len)
        return js_fail(s, s->pos,
                       "the JSON ends before %s: the file is cut short; download it again",
                       what);
    return js_fail(s, s->pos, "expected %s, found \"%s\"; this is not valid JSON", what,
                   js_shown(s, s->pos, shown));
}

/* A string: text between the quotes, escapes left as they are. */
static int js_string(jscan *s, const char **text, size_t *len)
{
    if (s->pos >= s->len || s->data[s->pos] != '"')
        return js_expect_more(s, "a string");
    size_t start = ++s->pos;
    while (s->pos < s->len) {
        unsigned char c = (unsigned char)s->data[s->pos];
        if (c == '"') {
            *text = s->data + start;
            *len = s->pos - start;
            s->pos++;
            return LEVER_OK;
        }
        if (c == '\\') {
            if (s->pos + 1 >= s->len)
                break;
            s->pos += 2;
            continue;
        }
        if (c < 0x20)
            return js_fail(s, s->pos, "a control character inside a string; this is not "
                                      "valid JSON");
        s->pos++;
    }
    return js_fail(s, start - 1, "a string is not closed before the end of the file: the file "
                                 "is cut short; download it again");
}

static bool js_digit(jscan *s)
{
    return s->pos < s->len && s->data[s->pos] >= '0' && s->data[s->pos] <= '9';
}

/* A number, by JSON's grammar; its text is read later, exactly. */
static int js_number(jscan *s)
{
    size_t start = s->pos;
    if (s->pos < s->len && s->data[s->pos] == '-')
        s->pos++;
    if (!js_digit(s))
        return js_fail(s, start, "a number is malformed; this is not valid JSON");
    if (s->data[s->pos] == '0')
        s->pos++;
    else
        while (js_digit(s))
            s->pos++;
    if (s->pos < s->len && s->data[s->pos] == '.') {
        s->pos++;
        if (!js_digit(s))
            return js_fail(s, start, "a number is malformed; this is not valid JSON");
        while (js_digit(s))
            s->pos++;
    }
    if (s->pos < s->len && (s->data[s->pos] == 'e' || s->data[s->pos] == 'E')) {
        s->pos++;
        if (s->pos < s->len && (s->data[s->pos] == '+' || s->data[s->pos] == '-'))
            s->pos++;
        if (!js_digit(s))
            return js_fail(s, start, "a number is malformed; this is not valid JSON");
        while (js_digit(s))
            s->pos++;
    }
    return LEVER_OK;
}

static int js_word(jscan *s, const char *word)
{
    size_t n = strlen(word);
    if (s->len - s->pos < n || memcmp(s->data + s->pos, word, n) != 0)
        return js_expect_more(s, "a JSON value");
    s->pos += n;
    return LEVER_OK;
}

/* A scalar value: its text (a string without its quotes) in *text. */
static int js_scalar(jscan *s, const char **text, size_t *len, bool *scalar)
{
    *scalar = true;
    if (s->pos >= s->len)
        return js_expect_more(s, "a value");
    char c = s->data[s->pos];
    size_t start = s->pos;
    int rc;
    if (c == '"')
        return js_string(s, text, len);
    if (c == 't')
        rc = js_word(s, "true");
    else if (c == 'f')
        rc = js_word(s, "false");
    else if (c == 'n')
        rc = js_word(s, "null");
    else if (c == '-' || (c >= '0' && c <= '9'))
        rc = js_number(s);
    else {
        *scalar = false;
        return LEVER_OK;
    }
    *text = s->data + start;
    *len = s->pos - start;
    return rc;
}

static int js_skip_value(jscan *s, int depth);

/* A member's name and its ':'; leaves the position at the value. */
static int js_member_name(jscan *s, const char **name, size_t *len)
{
    int rc = js_string(s, name, len);
    if (rc)
        return rc;
    js_ws(s);
    if (s->pos >= s->len || s->data[s->pos] != ':')
        return js_expect_more(s, "':'");
    s->pos++;
    js_ws(s);
    return LEVER_OK;
}

/* After a member or an item: ',' means more follow (1), the closing character ends the
 * object or array (0); anything else is an error (-1, with *rc). */
static int js_after_item(jscan *s, char close, const char *expected, int *rc)
{
    js_ws(s);
    if (s->pos < s->len && s->data[s->pos] == ',') {
        s->pos++;
        js_ws(s);
        return 1;
    }
    if (s->pos < s->len && s->data[s->pos] == close) {
        s->pos++;
        return 0;
    }
    *rc = js_expect_more(s, expected);
    return -1;
}

/* Whether the object or array just opened is empty (its closing character is consumed). */
static bool js_empty(jscan *s, char close)
{
    js_ws(s);
    if (s->pos < s->len && s->data[s->pos] == close) {
        s->pos++;
        return true;
    }
    return false;
}

/* Members of an object or items of an array, skipped. */
static int js_skip_container(jscan *s, int depth)
{
    char close = s->data[s->pos] == '{' ? '}' : ']';
    bool object = close == '}';
    if (depth > MAX_JSON_DEPTH)
        return js_fail(s, s->pos, "the JSON nests deeper than %d levels", MAX_JSON_DEPTH);
    s->pos++;
    if (js_empty(s, close))
        return LEVER_OK;
    int rc = LEVER_OK, more;
    do {
        const char *t;
        size_t n;
        if ((object && (rc = js_member_name(s, &t, &n))) || (rc = js_skip_value(s, depth + 1)))
            return rc;
    } while ((more = js_after_item(s, close, object ? "',' or '}'" : "',' or ']'", &rc)) > 0);
    return rc;
}

static int js_skip_value(jscan *s, int depth)
{
    const char *t;
    size_t n;
    bool scalar;
    int rc = js_scalar(s, &t, &n, &scalar);
    if (rc || scalar)
        return rc;
    if (s->data[s->pos] == '{' || s->data[s->pos] == '[')
        return js_skip_container(s, depth);
    return js_expect_more(s, "a JSON value");
}

/* One record of "data": an object of scalar members. */
static int js_record(jscan *s)
{
    ct_record r;
    memset(&r, 0, sizeof r);
    r.line = s->line;
    if (s->pos >= s->len || s->data[s->pos] != '{')
        return js_expect_more(s, "a record ('{')");
    s->pos++;
    int rc = LEVER_OK, more = 0;
    if (!js_empty(s, '}'))
        do {
            const char *key, *t;
            size_t klen, n;
            bool scalar;
            if ((rc = js_member_name(s, &key, &klen)))
                return rc;
            uint64_t line = s->line, col = s->pos - s->line_start + 1;
            if ((rc = js_scalar(s, &t, &n, &scalar)))
                return rc;
            int role = role_of_name(key, klen);
            if (!scalar) {
                if (role >= 0)
                    return js_fail(s, s->pos, "%s holds an object or array; Comtrade Plus "
                                              "gives a number or a string",
                                   role_names[role]);
                if ((rc = js_skip_value(s, 2)))
                    return rc;
            } else if (role >= 0) {
                r.f[role] = (ct_field){t, n, line, col, true};
            }
        } while ((more = js_after_item(s, '}', "',' or '}'", &rc)) > 0);
    if (more < 0)
        return rc;
    return take_record(s->p, &r);
}

/* The members of the response besides "data": its record count and its error message. */
typedef struct js_response {
    bool have_data;
    uint64_t count, records;
    char message[200];
} js_response;

static int js_data(jscan *s, js_response *resp)
{
    resp->have_data = true;
    s->pos++;
    if (js_empty(s, ']'))
        return LEVER_OK;
    int rc = LEVER_OK, more;
    do {
        if ((rc = js_record(s)))
            return rc;
        resp->records++;
        sink_progress(s->p->imp, s->pos, s->len, false);
    } while ((more = js_after_item(s, ']', "',' or ']' in \"data\"", &rc)) > 0);
    return rc;
}

static int js_other_member(jscan *s, const char *key, size_t klen, js_response *resp)
{
    const char *t;
    size_t n;
    bool scalar;
    int rc = js_scalar(s, &t, &n, &scalar);
    if (rc)
        return rc;
    if (!scalar)
        return js_skip_value(s, 1);
    if (klen == 15 && memcmp(key, "lever_synthetic", 15) == 0) {
        sink_mark_synthetic(s->p->imp); /* an answer of lever's test server, not real trade */
    } else if (klen == 5 && memcmp(key, "count", 5) == 0 && all_digits_n(t, n)) {
        resp->count = strtoull(t, NULL, 10);
    } else if ((klen == 5 && memcmp(key, "error", 5) == 0) ||
               (klen == 7 && memcmp(key, "message", 7) == 0)) {
        if (n && !(n == 4 && memcmp(t, "null", 4) == 0) && !resp->message[0])
            for (size_t c = 0; c < n && c < sizeof resp->message - 1; c++)
                resp->message[c] = (unsigned char)t[c] < ' ' ? '?' : t[c];
    }
    return LEVER_OK;
}

static int parse_json(ctp_parse *p, size_t pos)
{
    jscan s = {.p = p, .data = p->in->data, .pos = pos, .len = p->in->len, .line = 1};
    js_response resp = {.count = UINT64_MAX};
    int rc = LEVER_OK, more = 0;
    js_ws(&s);
    if (s.pos >= s.len || s.data[s.pos] != '{')
        return js_expect_more(&s, "a JSON object ('{')");
    s.pos++;
    if (!js_empty(&s, '}'))
        do {
            const char *key;
            size_t klen;
            if ((rc = js_member_name(&s, &key, &klen)))
                return rc;
            if (klen == 4 && memcmp(key, "data", 4) == 0 && s.pos < s.len && s.data[s.pos] == '[')
                rc = js_data(&s, &resp);
            else
                rc = js_other_member(&s, key, klen, &resp);
            if (rc)
                return rc;
        } while ((more = js_after_item(&s, '}', "',' or '}'", &rc)) > 0);
    if (more < 0)
        return rc;
    js_ws(&s);
    if (s.pos < s.len)
        return js_fail(&s, s.pos, "text after the end of the JSON object; the file holds one "
                                  "API response");
    if (!resp.have_data)
        return sink_fail(p->imp, LEVER_EINPUT,
                           "%s: a JSON object without a \"data\" array: not a Comtrade Plus "
                           "data response%s%s%s",
                           p->in->name, resp.message[0] ? " (it says: \"" : "", resp.message,
                           resp.message[0] ? "\")" : "");
    if (resp.count != UINT64_MAX && resp.count != resp.records)
        sink_warn(p->imp,
                    "%s: the response says count %llu but holds %llu records; the download "
                    "may be incomplete (the preview API stops at 500 records)",
                    p->in->name, (unsigned long long)resp.count,
                    (unsigned long long)resp.records);
    return LEVER_OK;
}

/* ------------------------------------------------------------------ */
/* Entry                                                               */
/* ------------------------------------------------------------------ */

static bool json_input(const char *data, size_t len)
{
    size_t p = 0;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        p = 3;
    while (p < len && (data[p] == ' ' || data[p] == '\t' || data[p] == '\r' || data[p] == '\n'))
        p++;
    return p < len && data[p] == '{';
}

/* The download date of a file (its modification time) names a Comtrade store's source. */
static void note_release(import_sink *imp, const import_input *in)
{
    char release[32] = "Comtrade";
    struct stat sb;
    if (in->path && stat(in->path, &sb) == 0) {
        struct tm tm;
        gmtime_r(&sb.st_mtime, &tm);
        strftime(release, sizeof release, "Comtrade-%Y-%m-%d", &tm);
    }
    sink_note_meta(imp, in->name, NULL, release);
}

static bool ctp_sniff(const import_input *in)
{
    return json_input(in->data, in->len) || csv_header(in->data, in->len);
}

static int ctp_parse_input(import_sink *imp, const import_input *in)
{
    ctp_state **slot = state_slot(imp);
    if (!*slot && !(*slot = calloc(1, sizeof **slot)))
        return sink_fail(imp, LEVER_ENOMEM, "%s: out of memory", in->name);
    long source = sink_add_source(imp, in->name, in->path, 2);
    if (source < 0)
        return sink_fail(imp, LEVER_ENOMEM, "%s: out of memory", in->name);
    sink_end_source(imp, (size_t)source);
    /* a failed input leaves nothing: neither its declarations nor its counts */
    ctp_state *before = malloc(sizeof *before);
    if (!before)
        return sink_fail(imp, LEVER_ENOMEM, "%s: out of memory", in->name);
    *before = **slot;
    ctp_parse p = {.imp = imp, .in = in, .cs = *slot, .source = (uint32_t)source,
                   .n_before = (*slot)->n};
    size_t pos = 0;
    if (in->len >= 3 && memcmp(in->data, "\xEF\xBB\xBF", 3) == 0)
        pos = 3;
    int rc = json_input(in->data, in->len) ? parse_json(&p, pos) : parse_csv(&p, pos, 1);
    if (rc) {
        ctp_state *cs = *slot;
        while (cs->n_runs > before->n_runs) { /* the runs this input added */
            decls_free(cs);
            decl_run *r = &cs->runs[--cs->n_runs];
            cs->d = r->d;
            cs->n = r->n;
            cs->cap = r->cap;
        }
        before->runs = cs->runs;
        before->d = cs->d; /* the mapping may have moved; the records before stay in it */
        before->cap = cs->cap;
        before->n = p.n_before;
        *cs = *before;
    } else {
        note_release(imp, in);
    }
    free(before);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Commit: checks, months, pairs                                       */
/* ------------------------------------------------------------------ */

/* (year, reporter, flow, partner, month) then k: one group per aggregate check. */
static uint64_t group_key(const ctp_decl *d)
{
    return ((uint64_t)(d->year - 1950) << 46) | ((uint64_t)d->reporter << 36) |
           ((uint64_t)d->flow << 34) | ((uint64_t)d->partner << 24) | ((uint64_t)d->month << 20);
}

/* The key of a declaration's year: group_key without the month, and its product. */
static uint64_t year_key(const ctp_decl *d)
{
    return (group_key(d) & ~(uint64_t)0xFFFFFF) | d->k;
}

typedef struct keyed {
    uint64_t key;
    const ctp_decl *d;
} keyed;

/* Sorts items by key, stably: equal keys stay in the order they were made (declaration
 * order, which is file order: the duplicate message names the earlier record first). An
 * LSD radix sort, 16 bits a pass, passes whose digit never varies skipped; tmp holds n
 * items. Few items: an insertion sort, stable too. */
static int sort_keyed(keyed *items, size_t n, keyed *tmp)
{
    if (n < 64) {
        for (size_t a = 1; a < n; a++) {
            keyed x = items[a];
            size_t b = a;
            for (; b > 0 && items[b - 1].key > x.key; b--)
                items[b] = items[b - 1];
            items[b] = x;
        }
        return LEVER_OK;
    }
    size_t *count = malloc(4 * 65536 * sizeof *count);
    if (!count)
        return LEVER_ENOMEM;
    memset(count, 0, 4 * 65536 * sizeof *count);
    for (size_t a = 0; a < n; a++)
        for (int pass = 0; pass < 4; pass++)
            count[pass * 65536 + ((items[a].key >> (16 * pass)) & 0xFFFF)]++;
    keyed *src = items, *dst = tmp;
    for (int pass = 0; pass < 4; pass++) {
        size_t *c = count + pass * 65536;
        if (c[(src[0].key >> (16 * pass)) & 0xFFFF] == n)
            continue; /* every key has the same digit */
        size_t sum = 0;
        for (size_t d = 0; d < 65536; d++) {
            size_t k = c[d];
            c[d] = sum;
            sum += k;
        }
        for (size_t a = 0; a < n; a++)
            dst[c[(src[a].key >> (16 * pass)) & 0xFFFF]++] = src[a];
        keyed *t = src;
        src = dst;
        dst = t;
    }
    if (src != items)
        memcpy(items, src, n * sizeof *items);
    free(count);
    return LEVER_OK;
}

static void where(const import_sink *imp, const ctp_decl *d, char *buf, size_t len)
{
    snprintf(buf, len, "%s:%llu", sink_source_name(imp, d->source), (unsigned long long)d->line);
}

/* "KAZ (398)", with the ISO3 code the records gave (reporterISO, partnerISO). */
static void country_label(const ctp_state *cs, int code, char out[48])
{
    if (cs->iso3[code][0])
        snprintf(out, 48, "%s (%d)", cs->iso3[code], code);
    else
        snprintf(out, 48, "%d", code);
}

/* Sums of the 6-digit declarations under each aggregate, against the aggregate. */
static void check_aggregates(import_sink *imp, const ctp_state *cs, const keyed *six, size_t n6,
                             const decl_run *runs, size_t n_runs)
{
    uint64_t mismatches = 0, unchecked = 0;
    for (size_t run = 0; run < n_runs; run++)
    for (size_t a = 0, n = runs[run].n; a < n; a++) {
        const ctp_decl *d = runs[run].d;
        if (d[a].level == 6)
            continue;
        uint32_t width = d[a].level == 0 ? 1000000u : d[a].level == 2 ? 10000u : 100u;
        uint64_t lo = group_key(&d[a]) | (uint64_t)(d[a].k * width);
        uint64_t hi = d[a].level == 0 ? group_key(&d[a]) + (1u << 20) : lo + width;
        size_t l = 0, h = n6;
        while (l < h) {
            size_t mid = l + (h - l) / 2;
            if (six[mid].key < lo)
                l = mid + 1;
            else
                h = mid;
        }
        uint64_t sum = 0, children = 0;
        for (size_t c = l; c < n6 && six[c].key < hi; c++, children++)
            sum += six[c].d->value;
        if (children == 0) {
            unchecked++;
            continue;
        }
        uint64_t diff = sum > d[a].value ? sum - d[a].value : d[a].value - sum;
        if (diff <= 1000 + 10 * children) /* 1 USD, and a cent a row for rounding */
            continue;
        if (mismatches++ < 5) {
            char at[600], rep[48], par[48];
            where(imp, &d[a], at, sizeof at);
            country_label(cs, d[a].reporter, rep);
            country_label(cs, d[a].partner, par);
            char code[8];
            if (d[a].level == 0)
                snprintf(code, sizeof code, "TOTAL");
            else
                snprintf(code, sizeof code, "%0*u", d[a].level, d[a].k);
            sink_warn(imp,
                        "%s: %s's %s %s with %s in %u%s%.0u is %llu.%03llu USD but the %llu "
                        "6-digit records under it sum to %llu.%03llu USD; the store keeps "
                        "the 6-digit records",
                        at, rep, code, flow_names[d[a].flow], par, d[a].year,
                        d[a].month ? "-" : "", (unsigned)d[a].month,
                        (unsigned long long)(d[a].value / 1000),
                        (unsigned long long)(d[a].value % 1000), (unsigned long long)children,
                        (unsigned long long)(sum / 1000), (unsigned long long)(sum % 1000));
        }
    }
    if (mismatches > 5)
        sink_warn(imp, "%llu aggregates in all differ from the sum of their 6-digit rows",
                    (unsigned long long)mismatches);
    (void)unchecked;
}

/* Annual and monthly data of one reporter and year are not mixed; partial years are
 * named. six[] is sorted by (year, reporter, ...). */
static int check_periods(import_sink *imp, const ctp_state *cs, const keyed *six, size_t n6)
{
    for (size_t g = 0; g < n6;) {
        const ctp_decl *first = six[g].d;
        const ctp_decl *annual = NULL, *monthly = NULL;
        unsigned months = 0;
        size_t e = g;
        /* year, reporter and month from the keys: the declarations are read on error only */
        for (; e < n6 && six[e].key >> 36 == six[g].key >> 36; e++) {
            unsigned month = (unsigned)(six[e].key >> 20) & 0xFu;
            if (month == 0)
                annual = annual ? annual : six[e].d;
            else {
                monthly = monthly ? monthly : six[e].d;
                months |= 1u << month;
            }
        }
        char rep[48];
        country_label(cs, first->reporter, rep);
        if (annual && monthly) {
            char a[600], m[600];
            where(imp, annual, a, sizeof a);
            where(imp, monthly, m, sizeof m);
            return sink_fail(imp, LEVER_EINPUT,
                               "%s: annual data of %s for %u, and monthly data at %s; one "
                               "store sums one frequency per reporter and year: import the "
                               "annual or the monthly download, not both",
                               a, rep, first->year, m);
        }
        if (monthly && months != 0x1FFEu) {
            char list[64] = "";
            size_t used = 0;
            for (int mo = 1; mo <= 12; mo++)
                if (months & (1u << mo))
                    used += (size_t)snprintf(list + used, sizeof list - used, "%s%d",
                                             used ? "," : "", mo);
            sink_warn(imp,
                        "%s in %u: monthly data for months %s only; the store's %u figures "
                        "for %s are the sum of these months, not a whole year",
                        rep, first->year, list, first->year, rep);
        }
        g = e;
    }
    return LEVER_OK;
}

/* Adds b's month into a (same reporter, partner, flow, product and year). */
static void add_month(ctp_decl *a, const ctp_decl *b)
{
    a->value += b->value;
    a->wgt = a->wgt == UINT64_MAX || b->wgt == UINT64_MAX ? UINT64_MAX : a->wgt + b->wgt;
    if (a->qty_unit != b->qty_unit || a->qty == UINT64_MAX || b->qty == UINT64_MAX)
        a->qty = UINT64_MAX;
    else
        a->qty += b->qty;
}

static uint64_t round_thousandths(uint64_t milli)
{
    return milli / 1000 + (milli % 1000 >= 500);
}

/* Weight of a declaration in kg: netWgt, else qty when its unit is kg (code 8). */
static int64_t decl_kg(const ctp_decl *d)
{
    if (d->wgt != UINT64_MAX)
        return (int64_t)round_thousandths(d->wgt);
    if (d->qty_unit == 8 && d->qty != UINT64_MAX)
        return (int64_t)round_thousandths(d->qty);
    return LEVER_QTY_MISSING;
}

static void skipped_warnings(import_sink *imp, const ctp_state *cs)
{
    const struct {
        uint64_t count;
        const char *what;
    } skipped[] = {
        {cs->breakdowns, "of a customs procedure, mode of transport or second partner "
                         "breakdown; the store keeps their totals (customsCode C00, motCode 0, "
                         "partner2Code 0)"},
        {cs->partner_world, "whose partner is World (0), an aggregate; download partner "
                            "'all' for bilateral flows"},
        {cs->other_flows, "of sub-flows (DX, FM, processing flows); the store keeps M, X, RM "
                          "and RX"},
        {cs->not_hs, "whose cmdCode is not TOTAL nor 2, 4 or 6 digits"},
    };
    for (size_t n = 0; n < sizeof skipped / sizeof skipped[0]; n++)
        if (skipped[n].count)
            sink_warn(imp, "skipped %llu Comtrade records %s",
                        (unsigned long long)skipped[n].count, skipped[n].what);
    if (cs->rounded)
        sink_warn(imp,
                    "%s: a Comtrade number has more than 3 decimals; rounded to the nearest "
                    "thousandth (%llu such numbers)",
                    cs->first_rounded, (unsigned long long)cs->rounded);
}

/* What each reporter declared each year (years[] is sorted by year, reporter, flow), and
 * the re-exports and re-imports, for the store writer. */
typedef struct ctp_extras {
    cover_item *declared;
    size_t n_declared;
    reflow *re;
    size_t n_re;
} ctp_extras;

/* The parts of a year key (year_key). */
static unsigned key_year(uint64_t key) { return (unsigned)(key >> 46) + 1950u; }
static unsigned key_reporter(uint64_t key) { return (unsigned)(key >> 36) & 0x3FFu; }
static unsigned key_flow(uint64_t key) { return (unsigned)(key >> 34) & 3u; }
static unsigned key_partner(uint64_t key) { return (unsigned)(key >> 24) & 0x3FFu; }
static uint32_t key_k(uint64_t key) { return (uint32_t)(key & 0xFFFFFu); }

/* (t, exporter, importer, k) of a year key of flow X or M: the key of a flow's pair, in
 * 48 bits (three passes of the radix sort). */
static uint64_t flow_key(uint64_t key)
{
    uint64_t reporter = key_reporter(key), partner = key_partner(key);
    uint64_t exporter = key_flow(key) == FLOW_X ? reporter : partner;
    uint64_t importer = key_flow(key) == FLOW_X ? partner : reporter;
    return ((uint64_t)(key_year(key) - 1950) << 40) | (exporter << 30) | (importer << 20) |
           key_k(key);
}

/* What each reporter declared each year (years[] is sorted by year, reporter, flow), and
 * the re-exports and re-imports, for the store writer. */
static int collect_extras(import_sink *imp, const keyed *years, size_t ny, ctp_extras *x)
{
    x->declared = malloc((ny ? ny : 1) * sizeof *x->declared);
    x->re = malloc((ny ? ny : 1) * sizeof *x->re);
    x->n_declared = x->n_re = 0;
    if (!x->declared || !x->re) {
        free(x->declared);
        free(x->re);
        x->declared = NULL;
        x->re = NULL;
        return sink_fail(imp, LEVER_ENOMEM, "out of memory");
    }
    for (size_t a = 0; a < ny; a++) {
        uint64_t key = years[a].key;
        unsigned flow = key_flow(key), year = key_year(key), reporter = key_reporter(key);
        uint8_t flag = flow == FLOW_M ? COVER_DECLARED_M : flow == FLOW_X ? COVER_DECLARED_X : 0;
        cover_item *last = x->n_declared ? &x->declared[x->n_declared - 1] : NULL;
        if (last && last->year == year && last->code == reporter)
            last->flags |= flag;
        else
            x->declared[x->n_declared++] = (cover_item){(uint16_t)year, (uint16_t)reporter, flag};
        if (flow == FLOW_RM || flow == FLOW_RX) {
            const ctp_decl *d = years[a].d;
            x->re[x->n_re++] = (reflow){d->year, d->reporter, d->partner, d->k,
                                        d->flow == FLOW_RX, round_thousandths(d->value),
                                        decl_kg(d)};
        }
    }
    return LEVER_OK;
}

static void hand_over_extras(import_sink *imp, ctp_extras *x, row_decl *decl)
{
    sink_set_declarations(imp, decl, x->declared, x->n_declared, x->re, x->n_re);
    if (x->n_re)
        sink_warn(imp,
                  "%zu re-export and re-import declarations (RX, RM) are kept apart: they are "
                  "not added to exports and imports",
                  x->n_re);
    x->declared = NULL;
    x->re = NULL;
}

/* Pairs flows[from, to) (sorted by flow key, whole groups) into rows and decl from row
 * `at` on; leaves `at` past the last row written. */
typedef struct pair_job {
    const keyed *flows;
    size_t from, to;
    lever_rows *rows;
    row_decl *decl;
    size_t at;
} pair_job;

static void *pair_run(void *arg)
{
    pair_job *job = arg;
    const keyed *flows = job->flows;
    lever_rows *rows = job->rows;
    size_t at = job->at, nf = job->to;
    for (size_t a = job->from; a < nf;) {
        const ctp_decl *x = NULL, *mm = NULL;
        size_t e = a;
        for (; e < nf && flows[e].key == flows[a].key; e++) {
            if (e + 16 < nf)
                __builtin_prefetch(flows[e + 16].d);
            if (flows[e].d->flow == FLOW_X)
                x = flows[e].d;
            else
                mm = flows[e].d;
        }
        /* the importer's declaration when there is one, else the exporter's */
        const ctp_decl *best = mm ? mm : x;
        job->decl[at] = (row_decl){x ? round_thousandths(x->value) : DECL_NONE,
                                   mm ? round_thousandths(mm->value) : DECL_NONE,
                                   x ? decl_kg(x) : LEVER_QTY_MISSING,
                                   mm ? decl_kg(mm) : LEVER_QTY_MISSING};
        rows->t[at] = best->year;
        rows->i[at] = best->flow == FLOW_X ? best->reporter : best->partner;
        rows->j[at] = best->flow == FLOW_X ? best->partner : best->reporter;
        rows->k[at] = best->k;
        rows->v[at] = round_thousandths(best->value);
        rows->q[at] = decl_kg(best);
        at++;
        a = e;
    }
    job->at = at;
    return NULL;
}

/* ------------------------------------------------------------------ */
/* --to-hs: each declaration converted, then paired                    */
/* ------------------------------------------------------------------ */

/* Why before pairing: a flow's two declarations may be in two editions (each reporter
 * files in its own), and they pair on a code of one edition. Each declaration of a year
 * (months summed, aggregates checked as filed) is converted alone, in whole USD and kg
 * (what the store would hold unconverted), by the converter every format shares
 * (editions.c), with one set of weights: the world trade of each target code and year
 * over the flows already in the target edition, each flow once (the importer's
 * declaration, else the exporter's). A flow's X and M in one edition are so split in the
 * same proportions and pair code by code, and the discrepancy of section 12 compares like
 * with like. */

static int decl_cmp(const void *x, const void *y)
{
    const ctp_decl *a = x, *b = y;
    if (a->year != b->year)
        return a->year < b->year ? -1 : 1;
    if (a->reporter != b->reporter)
        return a->reporter < b->reporter ? -1 : 1;
    if (a->flow != b->flow)
        return a->flow < b->flow ? -1 : 1;
    if (a->partner != b->partner)
        return a->partner < b->partner ? -1 : 1;
    return a->k < b->k ? -1 : a->k > b->k;
}

/* One reporter's year in one classification: the same declarations downloaded in two
 * editions would be counted twice once converted. */
static int ctp_one_edition(import_sink *imp, const ctp_state *cs, const decl_run *runs,
                           size_t n_runs)
{
    const ctp_decl **first = calloc(151u * 1000u, sizeof *first); /* years 1950..2100 */
    if (!first)
        return sink_fail(imp, LEVER_ENOMEM, "out of memory");
    int rc = LEVER_OK;
    for (size_t run = 0; run < n_runs && !rc; run++)
        for (size_t a = 0; a < runs[run].n && !rc; a++) {
            const ctp_decl *d = &runs[run].d[a];
            const ctp_decl **f = &first[(size_t)(d->year - 1950) * 1000u + d->reporter];
            if (!*f) {
                *f = d;
                continue;
            }
            const ctp_decl *e = *f;
            if (e->edition == d->edition)
                continue;
            char at[600], other[600], rep[48];
            where(imp, d, at, sizeof at);
            where(imp, e, other, sizeof other);
            country_label(cs, d->reporter, rep);
            rc = sink_fail(imp, LEVER_EINPUT,
                           "%s: %s's declarations for %u are in classificationCode H%u (%s) "
                           "here and in H%u (%s) at %s: the same declarations in two editions "
                           "would be counted twice once converted; import each reporter's "
                           "year in one classification",
                           at, rep, (unsigned)d->year, (unsigned)d->edition,
                           sink_hs_edition_name(d->edition), (unsigned)e->edition,
                           sink_hs_edition_name(e->edition), other);
        }
    free(first);
    return rc;
}

static int ctp_to_hs(import_sink *imp, const ctp_state *cs, const decl_run *runs, size_t n_runs,
                     ctp_decl **years, size_t *ny)
{
    hs_convert *cv = NULL;
    int rc = sink_hs_convert_open(imp, &cv);
    if (rc || !cv)
        return rc;
    int to = hs_convert_target(cv);
    ctp_decl *in = *years, *out = NULL;
    size_t n = *ny, n_out = 0, cap = n + HS_PARTS_MAX;
    keyed *flows = malloc((n ? n : 1) * sizeof *flows);
    keyed *tmp = malloc((n ? n : 1) * sizeof *tmp);
    char *note = NULL;
    size_t note_len = 0;
    if (!(rc = ctp_one_edition(imp, cs, runs, n_runs)) &&
        (!flows || !tmp || !(out = malloc(cap * sizeof *out))))
        rc = sink_fail(imp, LEVER_ENOMEM, "out of memory");
    /* the weights: each target-edition flow once, the importer's declaration first */
    size_t nf = 0;
    for (size_t a = 0; !rc && a < n; a++)
        if (in[a].edition == to && in[a].k != TOTAL_PRODUCT &&
            (in[a].flow == FLOW_M || in[a].flow == FLOW_X))
            flows[nf++] = (keyed){flow_key(year_key(&in[a])), &in[a]};
    if (!rc && sort_keyed(flows, nf, tmp))
        rc = sink_fail(imp, LEVER_ENOMEM, "out of memory");
    for (size_t a = 0; !rc && a < nf;) {
        const ctp_decl *best = flows[a].d;
        size_t e = a;
        for (; e < nf && flows[e].key == flows[a].key; e++)
            if (flows[e].d->flow == FLOW_M)
                best = flows[e].d;
        if (hs_convert_weigh(cv, best->k, best->year, round_thousandths(best->value)))
            rc = sink_fail(imp, LEVER_ENOMEM, "out of memory");
        a = e;
    }
    /* the declarations of each edition converted, those of the target kept */
    for (int from = -1; !rc && from < 7; from++) {
        const ctp_decl *first_kept = NULL;
        for (size_t a = 0; !rc && a < n; a++) {
            const ctp_decl *d = &in[a];
            bool keep = d->edition == to || d->k == TOTAL_PRODUCT;
            if (from < 0 ? !keep : keep || d->edition != from)
                continue;
            if (n_out + HS_PARTS_MAX > cap) {
                cap *= 2;
                ctp_decl *g = realloc(out, cap * sizeof *g);
                if (!g) {
                    rc = sink_fail(imp, LEVER_ENOMEM, "out of memory");
                    break;
                }
                out = g;
            }
            if (keep) {
                out[n_out++] = *d;
                continue;
            }
            const hs_part *parts;
            int np = hs_convert_flow(cv, from, d->year, d->k, round_thousandths(d->value),
                                     decl_kg(d), &parts);
            if (np < 0) {
                rc = np == -2 ? hs_convert_too_many(imp, cv, from, d->k)
                              : sink_fail(imp, LEVER_ENOMEM, "out of memory");
                break;
            }
            if (np == 0 && !first_kept)
                first_kept = d;
            for (int e = 0; e < (np ? np : 1); e++) {
                ctp_decl part = *d;
                part.k = parts[e].k;
                part.value = parts[e].v * 1000;
                part.wgt = parts[e].q == LEVER_QTY_MISSING ? UINT64_MAX
                                                           : (uint64_t)parts[e].q * 1000;
                part.qty = UINT64_MAX;
                part.qty_unit = -1;
                part.edition = (uint8_t)to;
                out[n_out++] = part;
            }
        }
        hs_convert_stats st;
        hs_convert_stats_take(cv, &st);
        if (rc || from < 0 || !st.flows)
            continue;
        char eq[160], *more = NULL;
        int len = asprintf(&more, "%sthe Comtrade declarations in %s (%d-%d): %llu "
                                  "declarations, %llu split over several codes%s%s",
                           note ? "; " : "", sink_hs_edition_name(from), st.year_min,
                           st.year_max, (unsigned long long)st.flows,
                           (unsigned long long)st.split, hs_convert_equal_note(&st, eq, sizeof eq),
                           st.kept ? ", some codes in no edition kept as they were" : "");
        char *g = len < 0 ? NULL : realloc(note, note_len + (size_t)len + 1);
        if (!g) {
            free(more);
            rc = sink_fail(imp, LEVER_ENOMEM, "out of memory");
            continue;
        }
        memcpy(g + note_len, more, (size_t)len + 1);
        note = g;
        note_len += (size_t)len;
        free(more);
        if (st.equal)
            sink_warn(imp,
                      "%llu Comtrade declarations in %s were split equally over their %s "
                      "codes: the import holds no %s declarations of those codes in any year "
                      "to weigh them by world trade (docs/INDICATORS.md section 13); import "
                      "%s downloads (classificationCode H%d) of other reporters or years "
                      "beside them to weigh the splits",
                      (unsigned long long)st.equal, sink_hs_edition_name(from),
                      sink_hs_edition_name(to), sink_hs_edition_name(to), sink_hs_edition_name(to), to);
        if (first_kept) {
            char at[600];
            where(imp, first_kept, at, sizeof at);
            sink_warn(imp,
                      "%s: HS code %06u does not exist in %s (classificationCode H%d); %llu "
                      "such declarations are kept as they are",
                      at, first_kept->k, sink_hs_edition_name(from), from,
                      (unsigned long long)st.kept);
        }
    }
    free(flows);
    free(tmp);
    if (rc) {
        free(out);
        free(note);
        hs_convert_free(cv);
        return rc;
    }
    /* parts that meet on one code of one declaration summed, in the order of years[] */
    sort_items(out, n_out, sizeof *out, decl_cmp);
    size_t m = 0;
    for (size_t a = 0; a < n_out; a++) {
        if (m && decl_cmp(&out[m - 1], &out[a]) == 0) {
            out[m - 1].value += out[a].value;
            out[m - 1].wgt = out[m - 1].wgt == UINT64_MAX || out[a].wgt == UINT64_MAX
                                 ? UINT64_MAX
                                 : out[m - 1].wgt + out[a].wgt;
        } else {
            out[m++] = out[a];
        }
    }
    free(in);
    *years = out;
    *ny = m;
    rc = sink_hs_convert_close(imp, cv, note);
    free(note);
    return rc;
}

static int pair_declarations(import_sink *imp, ctp_state *cs, const decl_run *runs, size_t n_runs,
                    size_t n);

/* At commit: the declarations of every input into rows (pair_declarations). */
static int ctp_finish(import_sink *imp)
{
    ctp_state *cs = *state_slot(imp);
    decl_run *runs = cs ? malloc((cs->n_runs + 1) * sizeof *runs) : NULL;
    if (cs && !runs)
        return sink_fail(imp, LEVER_ENOMEM, "out of memory");
    size_t n_runs = cs ? decl_runs(cs, runs) : 0, n = 0;
    for (size_t run = 0; run < n_runs; run++)
        n += runs[run].n;
    int rc = pair_declarations(imp, cs, runs, n_runs, n);
    free(runs);
    return rc;
}

static int pair_declarations(import_sink *imp, ctp_state *cs, const decl_run *runs, size_t n_runs,
                    size_t n)
{
    if (n == 0)
        return LEVER_OK;
    lever_rows *rows = sink_rows(imp);
    if (rows->n)
        return sink_fail(imp, LEVER_EUSAGE,
                           "a store holds one kind of data: these inputs mix Comtrade Plus "
                           "files with BACI or other rows; import each into its own store and "
                           "query them together with several --store options");
    skipped_warnings(imp, cs);
    size_t n6 = 0;
    for (size_t run = 0; run < n_runs; run++)
        for (size_t a = 0; a < runs[run].n; a++)
            n6 += runs[run].d[a].level == 6;
    if (n6 == 0) {
        /* totals only: each total is the flow of one pseudo-product */
        uint64_t totals = 0;
        for (size_t run = 0; run < n_runs; run++)
            for (size_t a = 0; a < runs[run].n; a++)
                if (runs[run].d[a].level == 0) {
                    runs[run].d[a].level = 6;
                    runs[run].d[a].k = TOTAL_PRODUCT;
                    totals++;
                }
        if (totals == 0)
            return sink_fail(imp, LEVER_EINPUT,
                               "no trade rows: the Comtrade records hold chapters or headings "
                               "only (2 or 4 digits); download 6-digit codes (cmdCode AG6) or "
                               "totals (TOTAL)");
        char *desc = malloc(64);
        if (!desc)
            return sink_fail(imp, LEVER_ENOMEM, "out of memory");
        snprintf(desc, 64, "All products (declared total, cmdCode TOTAL)");
        if (sink_put_product(imp, TOTAL_PRODUCT, desc)) {
            free(desc);
            return sink_fail(imp, LEVER_ENOMEM, "out of memory");
        }
        sink_warn(imp,
                    "the Comtrade files hold totals only (cmdCode TOTAL): the store holds "
                    "each declared total as one pseudo-product %06u \"All products\"; "
                    "download 6-digit codes (cmdCode AG6) for products",
                    TOTAL_PRODUCT);
        n6 = (size_t)totals;
    }
    /* fresh memory costs more than anything here: the sorts' scratch is the row
     * declarations' array (written only by the pairing, after the sorts) */
    _Static_assert(sizeof(row_decl) >= sizeof(keyed), "the sorts' scratch is decl[]");
    size_t bytes = (n6 ? n6 : 1) * sizeof(keyed), dbytes = (n6 ? n6 : 1) * sizeof(ctp_decl);
    keyed *six = big_alloc(bytes);
    ctp_decl *sums = NULL; /* months summed */
    ctp_decl *conv = NULL; /* converted by --to-hs */
    keyed *conv_years = NULL;
    /* page-aligned, so that the store writer hands it to the disk where it lies (O_DIRECT)
     * instead of copying it through its bounce buffer; freed with free() by the import */
    row_decl *decl = NULL;
    if (posix_memalign((void **)&decl, 4096, (n6 ? n6 : 1) * sizeof *decl) != 0)
        decl = NULL;
    keyed *tmp = (keyed *)decl;
    ctp_extras extras = {NULL, 0, NULL, 0};
    int rc = LEVER_OK;
    if (!six || !decl)
        goto out_of_memory;
    huge_pages_hint(decl, n6 * sizeof *decl);
    size_t m = 0;
    for (size_t run = 0; run < n_runs; run++) {
        ctp_decl *d = runs[run].d;
        for (size_t a = 0; a < runs[run].n; a++)
            if (d[a].level == 6)
                six[m++] = (keyed){group_key(&d[a]) | d[a].k, &d[a]};
    }
    if (sort_keyed(six, n6, tmp))
        goto out_of_memory;
    for (size_t a = 1; a < n6 && !rc; a++)
        if (six[a].key == six[a - 1].key) {
            char first[600], second[600];
            where(imp, six[a - 1].d, first, sizeof first);
            where(imp, six[a].d, second, sizeof second);
            rc = sink_fail(imp, LEVER_EINPUT,
                             "%s: the same declaration (reporter, partner, flow, product, "
                             "period) as %s; each is given once: remove the repeated record "
                             "or download",
                             second, first);
        }
    if (!rc)
        check_aggregates(imp, cs, six, n6, runs, n_runs);
    if (!rc)
        rc = check_periods(imp, cs, six, n6);
    if (rc)
        goto done;
    /* months summed into years: one declaration per (year, reporter, flow, partner, k),
     * by its key with month 0; a declaration alone in its year is used where it lies.
     * Monthly records are sorted again so that the months of a product are side by side
     * (six[] has the products of a month side by side). */
    keyed *years = six;
    size_t ny = n6;
    if (cs->monthly_seen) {
        for (size_t a = 0; a < n6; a++)
            six[a].key = (six[a].key & ~(uint64_t)0xFFFFFF) | ((uint64_t)six[a].d->k << 4) |
                         six[a].d->month;
        if (sort_keyed(six, n6, tmp) || !(sums = big_alloc(dbytes)))
            goto out_of_memory;
        size_t n_sums = 0;
        ny = 0;
        for (size_t a = 0; a < n6; a++) {
            uint64_t key = (six[a].key & ~(uint64_t)0xFFFFFF) | ((six[a].key >> 4) & 0xFFFFF);
            const ctp_decl *d = six[a].d;
            if (ny && years[ny - 1].key == key) {
                if (n_sums == 0 || years[ny - 1].d != &sums[n_sums - 1]) {
                    sums[n_sums] = *years[ny - 1].d;
                    sums[n_sums].month = 0;
                    years[ny - 1].d = &sums[n_sums++];
                }
                add_month(&sums[n_sums - 1], d);
                continue;
            }
            years[ny++] = (keyed){key, d};
        }
    }
    /* --to-hs: each year's declarations converted with one set of weights (ctp_to_hs);
     * they come back in the order of the year keys, and more of them when codes split */
    if (sink_to_hs(imp)[0]) {
        size_t nc = ny;
        if (!(conv = malloc((ny ? ny : 1) * sizeof *conv)))
            goto out_of_memory;
        for (size_t a = 0; a < ny; a++)
            conv[a] = *years[a].d;
        if ((rc = ctp_to_hs(imp, cs, runs, n_runs, &conv, &nc)))
            goto done;
        if (nc > n6) {
            /* nothing is in decl[] yet (the sorts' scratch only): a larger one, aligned */
            free(decl);
            if (posix_memalign((void **)&decl, 4096, nc * sizeof *decl) != 0)
                decl = NULL;
            if (!decl)
                goto out_of_memory;
            tmp = (keyed *)decl;
        }
        if (!(conv_years = malloc((nc ? nc : 1) * sizeof *conv_years)))
            goto out_of_memory;
        for (size_t a = 0; a < nc; a++)
            conv_years[a] = (keyed){year_key(&conv[a]), &conv[a]};
        years = conv_years;
        ny = nc;
    }
    if ((rc = collect_extras(imp, years, ny, &extras)))
        goto done;
    /* pairs: the exporter's X and the importer's M of each (t, i, j, k), keyed from the
     * year keys in place */
    keyed *flows = years;
    size_t nf = 0;
    for (size_t a = 0; a < ny; a++) {
        uint64_t key = years[a].key;
        unsigned flow = key_flow(key);
        if (flow != FLOW_M && flow != FLOW_X)
            continue;
        flows[nf++] = (keyed){flow_key(key), years[a].d};
    }
    if (sort_keyed(flows, nf, tmp))
        goto out_of_memory;
    if (rows_reserve(rows, nf))
        goto out_of_memory;
    /* two halves, split between flows, paired on two threads into their own rows */
    size_t half = nf / 2;
    while (half > 0 && half < nf && flows[half].key == flows[half - 1].key)
        half++;
    size_t rows_first = 0;
    for (size_t a = 0; a < half; a++)
        rows_first += a == 0 || flows[a].key != flows[a - 1].key;
    pair_job jobs[2] = {{flows, 0, half, rows, decl, rows->n},
                        {flows, half, nf, rows, decl, rows->n + rows_first}};
    pthread_t tid;
    bool threaded = sink_threads(imp) > 1 && nf >= 4096 &&
                    pthread_create(&tid, NULL, pair_run, &jobs[1]) == 0;
    pair_run(&jobs[0]);
    if (threaded)
        pthread_join(tid, NULL);
    else
        pair_run(&jobs[1]);
    rows->n = jobs[1].at;
    hand_over_extras(imp, &extras, decl);
    decl = NULL; /* taken over */
    goto done;
out_of_memory:
    rc = sink_fail(imp, LEVER_ENOMEM, "out of memory");
done:
    free(decl);
    free(conv);
    free(conv_years);
    free(extras.declared);
    free(extras.re);
    big_free(six, bytes);
    big_free(sums, dbytes);
    return rc;
}

const import_parser import_parser_comtrade_plus = {"comtrade_plus", ctp_sniff, ctp_parse_input,
                                                   false, ctp_finish, ctp_discard};
