/*
 * events.c - --events FILE for the commands that show years (lever dyad, lever change):
 * loads the file through liblever (lever_events_load), and adds the events of the shown
 * countries and years to a document, as a table "events" with their sources and, for a
 * year table, one cell per year naming the events of that year. One place, so every
 * command shows events the same way. And --measure value|quantity, read once for every
 * command that takes it.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

lever_events *cli_events_load(const char *path, int *rc)
{
    *rc = EXIT_OK;
    if (!path)
        return NULL;
    lever_events *ev = NULL;
    lever_error err;
    if (lever_events_load(path, &ev, &err) != LEVER_OK) {
        cli_fail(&err);
        *rc = EXIT_ERROR;
        return NULL;
    }
    return ev;
}

/* The events naming a or b (store indices) in [y0, y1]; *n their number; malloc'd. */
static size_t *select_events(const lever_store *s, const lever_events *ev, int a, int b, int y0,
                             int y1, size_t *n)
{
    size_t *idx = malloc((lever_events_count(ev) + 1) * sizeof *idx);
    if (!idx) {
        *n = 0;
        return NULL;
    }
    lever_country ca, cb;
    lever_country_at(s, a, &ca);
    lever_country_at(s, b, &cb);
    const char *codes[2] = {ca.iso3, cb.iso3};
    *n = lever_events_select(ev, codes, 2, y0, y1, idx);
    return idx;
}

void cli_events_cell(out_table *t, const lever_store *s, const lever_events *ev, int a, int b,
                     int year)
{
    size_t n = 0, *idx = select_events(s, ev, a, b, year, year, &n);
    size_t len = 1;
    for (size_t k = 0; k < n; k++) {
        lever_event e;
        lever_event_at(ev, idx[k], &e);
        len += strlen(e.date) + strlen(e.label) + 4;
    }
    char *text = malloc(len);
    if (text) {
        text[0] = '\0';
        for (size_t k = 0; k < n; k++) {
            lever_event e;
            lever_event_at(ev, idx[k], &e);
            if (k)
                strcat(text, "; ");
            strcat(text, e.date);
            strcat(text, " ");
            strcat(text, e.label);
        }
    }
    out_str(t, text ? text : "");
    free(text);
    free(idx);
}

void cli_events_table(out_doc *d, const lever_store *s, const lever_events *ev, int a, int b,
                      int y0, int y1)
{
    static const out_col cols[] = {
        {"date", NULL, COL_STR},
        {"year", NULL, COL_INT},
        {"countries", NULL, COL_STR},
        {"label", "event", COL_STR},
        {"source", NULL, COL_STR},
    };
    size_t n = 0, *idx = select_events(s, ev, a, b, y0, y1, &n);
    out_table *t = out_doc_table(d, "events", "Events of these countries and years (--events)",
                                 5, cols);
    for (size_t k = 0; k < n; k++) {
        lever_event e;
        lever_event_at(ev, idx[k], &e);
        out_str(t, e.date);
        out_int(t, e.year);
        out_str(t, e.countries);
        out_str(t, e.label);
        out_str(t, e.source);
    }
    free(idx);
}

const char *cli_measure_parse(const char *arg, void *value)
{
    bool *quantity = value;
    if (strcmp(arg, "quantity") == 0)
        *quantity = true;
    else if (strcmp(arg, "value") == 0)
        *quantity = false;
    else
        return "value or quantity";
    return NULL;
}
