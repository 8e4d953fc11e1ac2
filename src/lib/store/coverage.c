/*
 * coverage.c - what a store holds completely, and the sentence that says so when a
 * question needs flows outside it.
 *
 * Why: a store made of part of the world (a BACI extract, a Comtrade download of a few
 * reporters) would otherwise answer "no trade" for flows it never held. The writer
 * records per year and country whether the store holds all of the country's imports and
 * all of its exports (SEC_COVER); a flow i->j is held when either is. Reading it is one
 * byte per question.
 */
#include "store_internal.h"

#include <stdio.h>

static uint8_t cover_of(const lever_store *s, int y, int c)
{
    return s->cover[(size_t)y * s->n_countries + (size_t)c];
}

int lever_covers(const lever_store *s, int year_index, int exporter, int importer)
{
    if (year_index < 0 || (uint32_t)year_index >= s->n_years || exporter < 0 || importer < 0 ||
        (uint32_t)exporter >= s->n_countries || (uint32_t)importer >= s->n_countries)
        return 0;
    return (cover_of(s, year_index, exporter) & COVER_EXPORTS) ||
           (cover_of(s, year_index, importer) & COVER_IMPORTS);
}

static int country_text(const lever_store *s, int c, char *buf, size_t len)
{
    const store_country *k = &s->countries[c];
    return k->iso3[0] ? snprintf(buf, len, "%s", k->iso3) : snprintf(buf, len, "%u", k->code);
}

/* Appends "the flows of DZA (imports), ..." (or "reporters ...") to buf at *at. */
static void list_covered(const lever_store *s, int year_index, char *buf, size_t len, size_t at)
{
    bool comtrade = s->hdr->flags & STORE_FLAG_COMTRADE;
    at += (size_t)snprintf(buf + (at < len ? at : len), at < len ? len - at : 0, "%s",
                           comtrade ? "reporters" : "the flows of");
    int listed = 0, more = 0;
    for (uint32_t c = 0; c < s->n_countries; c++) {
        uint8_t f = cover_of(s, year_index, (int)c);
        if (!(f & (COVER_IMPORTS | COVER_EXPORTS)))
            continue;
        if (listed == 12) {
            more++;
            continue;
        }
        char name[16];
        country_text(s, (int)c, name, sizeof name);
        const char *what = (f & COVER_IMPORTS) && (f & COVER_EXPORTS) ? ""
                           : f & COVER_IMPORTS                        ? " (imports)"
                                                                      : " (exports)";
        at += (size_t)snprintf(buf + (at < len ? at : len), at < len ? len - at : 0,
                               "%s %s%s", listed ? "," : "", name, what);
        listed++;
    }
    if (!listed)
        snprintf(buf + (at < len ? at : len), at < len ? len - at : 0, " none that year");
    else if (more)
        snprintf(buf + (at < len ? at : len), at < len ? len - at : 0, " and %d more", more);
}

int lever_coverage_note(const lever_store *s, int year_index, int exporter, int importer,
                        char *buf, size_t len)
{
    if (len)
        buf[0] = 0;
    if (lever_covers(s, year_index, exporter, importer))
        return 1;
    if (year_index < 0 || (uint32_t)year_index >= s->n_years || exporter < 0 || importer < 0 ||
        (uint32_t)exporter >= s->n_countries || (uint32_t)importer >= s->n_countries)
        return 0;
    char i[16], j[16];
    country_text(s, exporter, i, sizeof i);
    country_text(s, importer, j, sizeof j);
    size_t at = (size_t)snprintf(buf, len, "this store holds no flows of %s to %s in %d: it covers only ",
                                 i, j, s->years[year_index].year);
    list_covered(s, year_index, buf, len, at);
    return 0;
}

int lever_holds(const lever_store *s, int year_index, int country)
{
    if (year_index < 0 || (uint32_t)year_index >= s->n_years || country < 0 ||
        (uint32_t)country >= s->n_countries)
        return 0;
    return ((cover_of(s, year_index, country) & COVER_IMPORTS) ? LEVER_HOLDS_IMPORTS : 0) |
           ((cover_of(s, year_index, country) & COVER_EXPORTS) ? LEVER_HOLDS_EXPORTS : 0);
}

int lever_holds_world(const lever_store *s, int year_index)
{
    if (year_index < 0 || (uint32_t)year_index >= s->n_years)
        return 0;
    for (uint32_t c = 0; c < s->n_countries; c++)
        if ((cover_of(s, year_index, (int)c) & (COVER_IMPORTS | COVER_EXPORTS)) !=
            (COVER_IMPORTS | COVER_EXPORTS))
            return 0;
    return 1;
}

int lever_holds_note(const lever_store *s, int year_index, int country, int need, char *buf,
                     size_t len)
{
    if (len)
        buf[0] = 0;
    if (year_index < 0 || (uint32_t)year_index >= s->n_years)
        return 0;
    int lacks;
    size_t at;
    if (country < 0) {
        if (lever_holds_world(s, year_index))
            return 1;
        at = (size_t)snprintf(buf, len, "this store does not hold the whole world's trade in %d: "
                              "it covers only ", s->years[year_index].year);
    } else {
        if ((uint32_t)country >= s->n_countries)
            return 0;
        lacks = need & ~lever_holds(s, year_index, country);
        if (!lacks)
            return 1;
        char c[16];
        country_text(s, country, c, sizeof c);
        at = (size_t)snprintf(buf, len, "this store does not hold all of %s's %s in %d: it covers "
                              "only ", c,
                              lacks == (LEVER_HOLDS_IMPORTS | LEVER_HOLDS_EXPORTS)
                                  ? "imports and exports"
                              : lacks & LEVER_HOLDS_IMPORTS ? "imports" : "exports",
                              s->years[year_index].year);
    }
    list_covered(s, year_index, buf, len, at);
    return 0;
}
