/*
 * render.h - what the files of src/lib/render share: a growing text buffer with XML
 * escaping, number formats for people, the HS sections, and the five charts, each drawn
 * from the result of a library query (lever_dyad, lever_leverage, lever_change,
 * lever_suppliers). The charts never compute an indicator: they place the figures the
 * queries return. lever_chart_svg (charts.c) and lever_report_html (report.c) are the
 * public entries; both gather their data with the same public calls the commands use.
 */
#ifndef LEVER_RENDER_H
#define LEVER_RENDER_H

#include "lever.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* A growing, NUL-terminated text; oom is set once an allocation failed (later calls do
 * nothing), so callers check once at the end. */
typedef struct rbuf {
    char *p;
    size_t len, cap;
    int oom;
} rbuf;

void rb_free(rbuf *b);
void rb_put(rbuf *b, const char *s, size_t n);
void rb_puts(rbuf *b, const char *s);
void rb_printf(rbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Text escaped for XML and HTML (& < > " '), invalid UTF-8 as U+FFFD. */
void rb_esc(rbuf *b, const char *s);
/* The same, cut to at most max_chars characters with an ellipsis when longer. */
void rb_esc_cut(rbuf *b, const char *s, int max_chars);
/* A JSON string (quotes included). */
void rb_json_str(rbuf *b, const char *s);
/* A JSON number: integers as digits, doubles with 17 significant digits, NaN and
 * infinities as null. */
void rb_json_num(rbuf *b, double v);

/* A double as the shortest text that reads back to it (integers without a point), as
 * the commands' CSV and JSON print it; "" for NaN, "inf" / "-inf". */
const char *fmt_exact(double v, char *buf, size_t len);

/* Number formats for people. */
/* 347210628 -> "347,210,628" (negative values with a minus sign) */
const char *fmt_grouped(int64_t v, char *buf, size_t len);
const char *fmt_grouped_u(uint64_t v, char *buf, size_t len);
/* 347210628 -> "347.2 M", 1.23e9 -> "1.23 bn", 963 -> "963"; with a sign when signed */
const char *fmt_usd_short(double v, int signed_, char *buf, size_t len);
/* A ratio with 4 significant digits, as the tables print it; "-" for NaN, "inf" */
const char *fmt_ratio(double v, char *buf, size_t len);
/* A share: "79.3%", "<0.1%", "-" for NaN */
const char *fmt_share(double v, char *buf, size_t len);

/* The code people read for a country (ISO3, else its number) and its name. */
void country_code(const lever_store *s, int c, char *buf, size_t len);
const char *country_name(const lever_store *s, int c);

/* HS sections: the section (1-21) of an HS6 code's chapter, its Roman numeral and title. */
int hs_section(int hs6);
const char *hs_section_roman(int section);
const char *hs_section_title(int section);

/* B's suppliers of one product, year by year (the data of the suppliers chart). */
typedef struct supplier_mix {
    int importer, product, highlight; /* highlight: A, drawn first and darkest */
    int n_years;
    int *years;
    lever_suppliers_result **by_year; /* NULL for a year without imports */
} supplier_mix;

int supplier_mix_load(const lever_store *s, int importer, int product, int highlight,
                      const lever_query *q, supplier_mix *mix, lever_error *err);
void supplier_mix_free(supplier_mix *mix);

/* The charts, drawn into b as one <svg> element of the given width (pixels). id_prefix
 * keeps the ids of several charts in one page apart ("c1"). */
void chart_flows(rbuf *b, const lever_store *s, const lever_dyad_result *r, int width,
                 const char *id_prefix);
void chart_products(rbuf *b, const lever_store *s, const lever_dyad_result *r, int year,
                    int top, int width, const char *id_prefix);
void chart_suppliers(rbuf *b, const lever_store *s, const supplier_mix *m, int width,
                     const char *id_prefix);
void chart_leverage(rbuf *b, const lever_store *s, const lever_leverage_result *r, int width,
                    const char *id_prefix);
void chart_change(rbuf *b, const lever_store *s, const lever_change_result *r, int top,
                  int width, const char *id_prefix);

#endif /* LEVER_RENDER_H */
