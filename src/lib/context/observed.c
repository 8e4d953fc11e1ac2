/*
 * observed.c - the observed split of a trade by mode of transport and by country of
 * consignment (INDICATORS.md section 11), read from a file the user gives with
 * lever transit --observed FILE, to be shown beside the routes lever computes.
 *
 * Comtrade Plus records both breakdowns (motCode, the mode of transport when goods enter or
 * leave the country; partner2Code, the country of consignment), but a store keeps one
 * figure per flow and leaves the breakdowns out, so they come from a file: one record
 * "year,reporter,flow,partner,mode,consignment,value", the columns refYear, reporterISO,
 * flowCode, partnerISO, motCode, partner2ISO and primaryValue of a Comtrade Plus answer in
 * that order. A record with mode 0 (all modes) counts only in the consignment split, one
 * without a consignment (empty, or W00 for World) only in the mode split; a record with
 * both counts in both. Shares are of the values of the records that count in a split, per
 * reporter and flow, since each reporter declares its own figures. Records are few (one
 * pair of countries), so they are kept in one array and scanned.
 */
#include "context.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <strings.h>

typedef struct observed_record {
    int year, mode;
    char reporter[4], partner[4], consignment[4];
    char flow; /* 'M' or 'X' */
    uint64_t value;
} observed_record;

struct lever_observed {
    observed_record *items;
    size_t n, cap;
};

/* Comtrade Plus modes of transport (motCode) and their names. */
static const struct {
    int code;
    const char *name;
} modes[] = {
    {1000, "Air"},
    {2000, "Water"},
    {2100, "Sea"},
    {2200, "Inland waterway"},
    {2900, "Water, not else classified"},
    {3000, "Land"},
    {3100, "Railway"},
    {3200, "Road"},
    {3900, "Land, not else classified"},
    {9000, "Not elsewhere classified"},
    {9100, "Pipelines and cables"},
    {9110, "Pipelines"},
    {9120, "Cables"},
    {9190, "Pipelines and cables, not else classified"},
    {9200, "Postal consignments, mail or courier shipment"},
    {9300, "Self propelled goods"},
    {9900, "Other"},
};

const char *lever_transport_mode_name(int code)
{
    for (size_t n = 0; n < sizeof modes / sizeof modes[0]; n++)
        if (modes[n].code == code)
            return modes[n].name;
    return code == 0 ? "all modes" : "";
}

void lever_observed_free(lever_observed *o)
{
    if (!o)
        return;
    free(o->items);
    free(o);
}

static bool iso3(const char *s)
{
    return strlen(s) == 3 && isalpha((unsigned char)s[0]) && isalpha((unsigned char)s[1]) &&
           isalnum((unsigned char)s[2]);
}

static void upper3(char out[4], const char *s)
{
    for (int n = 0; n < 3; n++)
        out[n] = (char)toupper((unsigned char)s[n]);
    out[3] = '\0';
}

/* "1234", "1234.5": USD, rounded to the dollar (Comtrade values carry cents). */
static bool parse_usd(const char *s, uint64_t *out)
{
    uint64_t whole = 0;
    const char *p = s;
    if (!isdigit((unsigned char)*p))
        return false;
    for (; isdigit((unsigned char)*p); p++) {
        if (whole > (UINT64_MAX - 9) / 10)
            return false;
        whole = whole * 10 + (uint64_t)(*p - '0');
    }
    bool up = false;
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p))
            return false;
        up = *p >= '5';
        while (isdigit((unsigned char)*p))
            p++;
    }
    if (*p)
        return false;
    *out = whole + up;
    return true;
}

static int observed_record_fn(void *ctx, const text_pos *pos, const text_field *f, int n)
{
    lever_observed *o = ctx;
    if (n != 7)
        return text_error_at(pos, f[n - 1].column,
                             "expected 7 fields 'year,reporter,flow,partner,mode,consignment,"
                             "value' (e.g. 2022,AFG,M,KAZ,3100,UZB,1250000), found %d",
                             n);
    observed_record r = {0};
    char *end = NULL;
    errno = 0;
    long year = strtol(f[0].text, &end, 10);
    if (errno || !f[0].text[0] || *end || year < 1900 || year > 2200)
        return text_error_at(pos, f[0].column, "'%s' is not a year; write e.g. 2022", f[0].text);
    r.year = (int)year;
    if (!iso3(f[1].text))
        return text_error_at(pos, f[1].column, "reporter '%s' is not an ISO3 code (KAZ)",
                             f[1].text);
    upper3(r.reporter, f[1].text);
    if (strcasecmp(f[2].text, "M") != 0 && strcasecmp(f[2].text, "X") != 0)
        return text_error_at(pos, f[2].column,
                             "flow '%s' is neither M (imports) nor X (exports)", f[2].text);
    r.flow = (char)toupper((unsigned char)f[2].text[0]);
    if (!iso3(f[3].text))
        return text_error_at(pos, f[3].column, "partner '%s' is not an ISO3 code (AFG)",
                             f[3].text);
    upper3(r.partner, f[3].text);
    errno = 0;
    long mode = strtol(f[4].text, &end, 10);
    if (errno || !f[4].text[0] || *end || mode < 0 ||
        (mode > 0 && !lever_transport_mode_name((int)mode)[0]))
        return text_error_at(pos, f[4].column,
                             "'%s' is not a Comtrade Plus mode of transport (motCode: 0 all "
                             "modes, 1000 air, 2100 sea, 3100 railway, 3200 road, ...)",
                             f[4].text);
    r.mode = (int)mode;
    if (f[5].text[0] && strcasecmp(f[5].text, "W00") != 0) {
        if (!iso3(f[5].text))
            return text_error_at(pos, f[5].column,
                                 "consignment '%s' is not an ISO3 code; leave it empty (or "
                                 "W00) for none",
                                 f[5].text);
        upper3(r.consignment, f[5].text);
    }
    if (!parse_usd(f[6].text, &r.value))
        return text_error_at(pos, f[6].column, "'%s' is not a value in USD (1250000 or 1250000.5)",
                             f[6].text);
    if (o->n == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 64;
        observed_record *bigger = realloc(o->items, cap * sizeof *bigger);
        if (!bigger)
            return msg_fail(pos->err, pos->errlen, LEVER_ENOMEM, "out of memory");
        o->items = bigger;
        o->cap = cap;
    }
    o->items[o->n++] = r;
    return LEVER_OK;
}

static bool observed_header(void *ctx, const text_field *f, int n)
{
    return strncasecmp(f[0].text, "year", 4) == 0 || strncasecmp(f[0].text, "refyear", 7) == 0;
}

int lever_observed_load(const char *path, lever_observed **out, lever_error *err)
{
    lever_error scratch;
    lever_error *e = err ? err : &scratch;
    *out = NULL;
    lever_observed *o = calloc(1, sizeof *o);
    int rc = o ? text_csv_file(path, 7, observed_header, observed_record_fn, o, e->message,
                               sizeof e->message)
               : msg_fail(e->message, sizeof e->message, LEVER_ENOMEM, "out of memory");
    if (!rc && o->n == 0)
        rc = msg_fail(e->message, sizeof e->message, LEVER_EINPUT,
                      "%s: holds no record; write one 'year,reporter,flow,partner,mode,"
                      "consignment,value' per line",
                      path);
    e->code = rc;
    if (rc) {
        lever_observed_free(o);
        return rc;
    }
    *out = o;
    return LEVER_OK;
}

/* Reporter first, flow, breakdown, then largest value, then code. */
static int row_order(const void *pa, const void *pb)
{
    const lever_observed_row *a = pa, *b = pb;
    int c = strcmp(a->reporter, b->reporter);
    if (c)
        return c;
    if (a->flow != b->flow)
        return a->flow == 'M' ? -1 : 1;
    if (a->breakdown != b->breakdown)
        return a->breakdown - b->breakdown;
    if (a->value != b->value)
        return a->value > b->value ? -1 : 1;
    if (a->mode != b->mode)
        return a->mode - b->mode;
    return strcmp(a->consignment, b->consignment);
}

/* Adds value to the row of (reporter, flow, breakdown, key), creating it. */
static void add_to(lever_observed_row *rows, size_t *n, const observed_record *r, int breakdown)
{
    for (size_t k = 0; k < *n; k++) {
        lever_observed_row *x = &rows[k];
        if (strcmp(x->reporter, r->reporter) == 0 && x->flow == r->flow &&
            x->breakdown == breakdown &&
            (breakdown == LEVER_OBSERVED_MODE ? x->mode == r->mode
                                              : strcmp(x->consignment, r->consignment) == 0)) {
            x->value += r->value;
            return;
        }
    }
    lever_observed_row *x = &rows[(*n)++];
    memset(x, 0, sizeof *x);
    memcpy(x->reporter, r->reporter, 4);
    memcpy(x->partner, r->partner, 4);
    x->flow = r->flow;
    x->breakdown = breakdown;
    if (breakdown == LEVER_OBSERVED_MODE) {
        x->mode = r->mode;
        x->mode_name = lever_transport_mode_name(r->mode);
    } else {
        memcpy(x->consignment, r->consignment, 4);
        x->mode_name = "";
    }
    x->value = r->value;
}

int lever_observed_split(const lever_observed *o, int year, const char *a, const char *b,
                         lever_observed_row **out, size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    lever_observed_row *rows = calloc(2 * (o ? o->n : 0) + 1, sizeof *rows);
    if (!rows)
        return LEVER_ENOMEM;
    size_t n = 0;
    for (size_t k = 0; o && k < o->n; k++) {
        const observed_record *r = &o->items[k];
        bool pair = (strcasecmp(r->reporter, a) == 0 && strcasecmp(r->partner, b) == 0) ||
                    (strcasecmp(r->reporter, b) == 0 && strcasecmp(r->partner, a) == 0);
        if (!pair || r->year != year)
            continue;
        if (r->mode != 0)
            add_to(rows, &n, r, LEVER_OBSERVED_MODE);
        if (r->consignment[0])
            add_to(rows, &n, r, LEVER_OBSERVED_CONSIGNMENT);
    }
    /* shares within each reporter, flow and breakdown */
    for (size_t k = 0; k < n; k++) {
        uint64_t total = 0;
        for (size_t m = 0; m < n; m++)
            if (strcmp(rows[m].reporter, rows[k].reporter) == 0 && rows[m].flow == rows[k].flow &&
                rows[m].breakdown == rows[k].breakdown)
                total += rows[m].value;
        rows[k].share = total ? (double)rows[k].value / (double)total : NAN;
    }
    qsort(rows, n, sizeof *rows, row_order);
    *out = rows;
    *n_out = n;
    return LEVER_OK;
}
