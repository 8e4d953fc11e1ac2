/*
 * events.c - dated events (a forum, a ban, a change of government) read from a CSV the
 * user gives with --events, to be shown beside the years of the trade they may explain
 * (lever dyad, lever change, the report's time line).
 *
 * The file is "date,countries,label,source": dates YYYY-MM-DD, YYYY-MM or YYYY; countries
 * ISO3 codes joined by ';' (empty: an event of every country); a label; and the source,
 * which must be given, because an event shown beside trade figures is a claim a reader
 * should be able to check. Events are few, so they are kept in one array sorted by date
 * and filtered by a linear scan.
 */
#include "context.h"

#include <ctype.h>
#include <stdlib.h>
#include <strings.h>

typedef struct event_entry {
    int year, month, day;
    char *date, *countries, *label, *source;
} event_entry;

struct lever_events {
    event_entry *items;
    size_t n, cap;
};

static void entry_clear(event_entry *e)
{
    free(e->date);
    free(e->countries);
    free(e->label);
    free(e->source);
}

void lever_events_free(lever_events *ev)
{
    if (!ev)
        return;
    for (size_t n = 0; n < ev->n; n++)
        entry_clear(&ev->items[n]);
    free(ev->items);
    free(ev);
}

static bool digits(const char *s, int n)
{
    for (int k = 0; k < n; k++)
        if (!isdigit((unsigned char)s[k]))
            return false;
    return true;
}

/* YYYY, YYYY-MM or YYYY-MM-DD with a real month and day. */
static bool parse_date(const char *s, event_entry *e)
{
    size_t len = strlen(s);
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if ((len != 4 && len != 7 && len != 10) || !digits(s, 4))
        return false;
    e->year = atoi(s);
    e->month = e->day = 0;
    if (len >= 7) {
        if (s[4] != '-' || !digits(s + 5, 2))
            return false;
        e->month = (s[5] - '0') * 10 + (s[6] - '0');
        if (e->month < 1 || e->month > 12)
            return false;
    }
    if (len == 10) {
        if (s[7] != '-' || !digits(s + 8, 2))
            return false;
        e->day = (s[8] - '0') * 10 + (s[9] - '0');
        if (e->day < 1 || e->day > days[e->month - 1])
            return false;
    }
    return e->year >= 1900 && e->year <= 2200;
}

/* "KAZ;AFG": ISO3 codes joined by ';' (blanks allowed), or empty. */
static bool valid_countries(const char *s)
{
    while (*s) {
        while (*s == ' ' || *s == ';')
            s++;
        if (!*s)
            break;
        if (!isalpha((unsigned char)s[0]) || !isalpha((unsigned char)s[1]) ||
            !isalpha((unsigned char)s[2]) || (s[3] && s[3] != ';' && s[3] != ' '))
            return false;
        s += 3;
    }
    return true;
}

static int event_record(void *ctx, const text_pos *pos, const text_field *f, int n)
{
    lever_events *ev = ctx;
    if (n != 4)
        return text_error_at(pos, f[n - 1].column,
                             "expected 4 fields 'date,countries,label,source', found %d; quote "
                             "a label or source that holds a comma",
                             n);
    event_entry e = {0};
    if (!parse_date(f[0].text, &e))
        return text_error_at(pos, f[0].column,
                             "'%s' is not a date; write YYYY-MM-DD, YYYY-MM or YYYY",
                             f[0].text);
    if (!valid_countries(f[1].text))
        return text_error_at(pos, f[1].column,
                             "'%s' is not a list of ISO3 codes; write e.g. KAZ;AFG", f[1].text);
    if (!f[2].text[0])
        return text_error_at(pos, f[2].column, "the event has no label; say what happened");
    if (!f[3].text[0])
        return text_error_at(pos, f[3].column,
                             "the event has no source; say where it is reported");
    if (ev->n == ev->cap) {
        size_t cap = ev->cap ? ev->cap * 2 : 16;
        event_entry *bigger = realloc(ev->items, cap * sizeof *bigger);
        if (!bigger)
            return msg_fail(pos->err, pos->errlen, LEVER_ENOMEM, "out of memory");
        ev->items = bigger;
        ev->cap = cap;
    }
    e.date = strdup(f[0].text);
    e.countries = strdup(f[1].text);
    e.label = strdup(f[2].text);
    e.source = strdup(f[3].text);
    if (!e.date || !e.countries || !e.label || !e.source) {
        entry_clear(&e);
        return msg_fail(pos->err, pos->errlen, LEVER_ENOMEM, "out of memory");
    }
    ev->items[ev->n++] = e;
    return LEVER_OK;
}

static int by_date(const void *pa, const void *pb)
{
    const event_entry *a = pa, *b = pb;
    if (a->year != b->year)
        return a->year - b->year;
    if (a->month != b->month)
        return a->month - b->month;
    if (a->day != b->day)
        return a->day - b->day;
    return strcmp(a->label, b->label);
}

static bool events_header(void *ctx, const text_field *f, int n)
{
    return strncasecmp(f[0].text, "date", 4) == 0;
}

static int events_load_text(const char *path, lever_events **out, char *err, size_t errlen)
{
    *out = NULL;
    lever_events *ev = calloc(1, sizeof *ev);
    if (!ev)
        return msg_fail(err, errlen, LEVER_ENOMEM, "out of memory");
    int rc = text_csv_file(path, 4, events_header, event_record, ev, err, errlen);
    if (!rc && ev->n == 0)
        rc = msg_fail(err, errlen, LEVER_EINPUT,
                      "%s: holds no event; write one 'date,countries,label,source' per line",
                      path);
    if (rc) {
        lever_events_free(ev);
        return rc;
    }
    sort_items(ev->items, ev->n, sizeof *ev->items, by_date);
    *out = ev;
    return LEVER_OK;
}

size_t lever_events_count(const lever_events *ev)
{
    return ev ? ev->n : 0;
}

void lever_event_at(const lever_events *ev, size_t n, lever_event *out)
{
    const event_entry *e = &ev->items[n];
    out->year = e->year;
    out->month = e->month;
    out->day = e->day;
    out->date = e->date;
    out->countries = e->countries;
    out->label = e->label;
    out->source = e->source;
}

/* Whether the list "KAZ;AFG" names iso3 (case-insensitive). */
static bool names_country(const char *list, const char *iso3)
{
    for (const char *p = list; *p;) {
        while (*p == ' ' || *p == ';')
            p++;
        if (*p && strncasecmp(p, iso3, 3) == 0 && (p[3] == '\0' || p[3] == ';' || p[3] == ' '))
            return true;
        while (*p && *p != ';')
            p++;
    }
    return false;
}

static bool blank_list(const char *list)
{
    while (*list == ' ' || *list == ';')
        list++;
    return *list == '\0';
}

size_t lever_events_select(const lever_events *ev, const char *const *iso3, int n_iso3,
                           int year_from, int year_to, size_t *idx)
{
    size_t found = 0;
    for (size_t n = 0; ev && n < ev->n; n++) {
        const event_entry *e = &ev->items[n];
        if ((year_from && e->year < year_from) || (year_to && e->year > year_to))
            continue;
        bool match = n_iso3 == 0 || blank_list(e->countries);
        for (int c = 0; c < n_iso3 && !match; c++)
            match = iso3[c] && iso3[c][0] && names_country(e->countries, iso3[c]);
        if (match)
            idx[found++] = n;
    }
    return found;
}

/* The public calls fill the caller's lever_error. */

int lever_events_load(const char *path, lever_events **out, lever_error *err)
{
    lever_error scratch;
    lever_error *e = err ? err : &scratch;
    int rc = events_load_text(path, out, e->message, sizeof e->message);
    e->code = rc;
    return rc;
}
