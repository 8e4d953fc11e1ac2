/*
 * charts.c - lever's five charts as SVG, written by lever itself, and lever_chart_svg.
 *
 *   flows      X(A->B) and X(B->A) over every year (lever_dyad)
 *   products   what each sells the other in one year, ranked bars grouped by HS section
 *   suppliers  B's suppliers of one product year by year, as shares (lever_suppliers)
 *   leverage   LEV both ways per year, split into supply and market channels (lever_leverage)
 *   change     each product's contribution to the change of X(A->B) between two years,
 *              with its quantity and price effects (lever_change)
 *
 * Why SVG written here and not a chart library: no run-time dependency (the library stays
 * C with Debian -dev packages only), nothing fetched (a page or chart works offline),
 * the same input gives the same bytes (deterministic, so the tests compare charts and the
 * golden pages stay stable), and every mark carries its figure (data-value) so tests read
 * the values back from the SVG and check them against an independent computation.
 *
 * How they read in grey-scale and at column width: the two directions differ in lightness
 * (dark blue against light orange), line style (solid against dashed), marker (circle
 * against square) and patterns (hatching, dots) where areas meet, and every series is
 * labelled directly beside its marks; text is 11-15 px at a 640 px width, which stays
 * legible scaled down to a journal column. The charts place the figures the queries
 * return and compute no indicator; the only arithmetic is geometry (scales, stacking,
 * the rest of a list summed as "others").
 */
#include "render.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FONT "'Helvetica Neue',Helvetica,Arial,'Liberation Sans','DejaVu Sans',sans-serif"
#define INK "#1f2328"
#define MUTED "#5b6470"
#define GRID "#e3e6ea"
#define AXIS "#8a929b"
#define COL_A "#1b4f72"   /* A's exports, and A as holder: dark */
#define COL_B "#e59a3c"   /* B's exports, and B as holder: light */

/* Fills of the supplier series, by lightness: dark, light, hatched mid, dotted pale, and
 * plain light grey for everyone else. */
static const char *const series_fill[] = {COL_A, COL_B, "url(#%s-hatch)", "url(#%s-dots)",
                                          "#d5d8dc"};
static const char *const series_text[] = {"#ffffff", INK, "#ffffff", INK, INK};
#define N_SERIES 5
#define LEVERAGE_YEARS 8 /* years drawn in the leverage chart, the last ones */
#define SUPPLIER_YEARS 12 /* years drawn in the suppliers chart */
#define STR_(x) #x
#define STR(x) STR_(x)

/* ------------------------------------------------------------------ */
/* Pieces                                                              */
/* ------------------------------------------------------------------ */

#define SOURCE_H 18 /* the line under every chart that says where its figures come from */

/* The chart's svg element, h high plus the source line, which is drawn here: "source: BACI",
 * "source: reported; mirror" (the sources of the years drawn), or the synthetic warning. */
static void svg_open(rbuf *b, int w, int h, const char *id, const char *kind,
                     const lever_store *s, const char *source)
{
    lever_info info;
    lever_get_info(s, &info);
    rb_printf(b,
              "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"lever-chart\" "
              "data-chart=\"%s\" id=\"%s\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
              "role=\"img\" aria-labelledby=\"%s-title\" font-family=\"%s\" font-size=\"12\" "
              "fill=\"" INK "\" data-source=\"",
              kind, id, w, h + SOURCE_H, w, h + SOURCE_H, id, FONT);
    rb_esc(b, source);
    rb_puts(b, "\">\n");
    h += SOURCE_H;
    rb_printf(b,
              "<defs><pattern id=\"%s-hatch\" width=\"6\" height=\"6\" "
              "patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
              "<rect width=\"6\" height=\"6\" fill=\"#5d7f99\"/>"
              "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#ffffff\" stroke-width=\"2\"/>"
              "</pattern><pattern id=\"%s-dots\" width=\"5\" height=\"5\" "
              "patternUnits=\"userSpaceOnUse\"><rect width=\"5\" height=\"5\" fill=\"#c6d6e2\"/>"
              "<circle cx=\"2.5\" cy=\"2.5\" r=\"1.1\" fill=\"#34495e\"/></pattern>"
              "<pattern id=\"%s-mhatch\" width=\"5\" height=\"5\" patternUnits=\"userSpaceOnUse\" "
              "patternTransform=\"rotate(45)\"><rect width=\"5\" height=\"5\" fill=\"#ffffff\"/>"
              "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"5\" stroke=\"#555555\" stroke-width=\"1.6\"/>"
              "</pattern></defs>\n",
              id, id, id);
    rb_printf(b, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", w, h);
    char line[256];
    if (info.synthetic && strcmp(source, "synthetic") == 0)
        snprintf(line, sizeof line, "source: SYNTHETIC DATA made by lever synth, not real trade");
    else if (info.synthetic)
        snprintf(line, sizeof line, "source: %s, SYNTHETIC DATA, not real trade", source);
    else
        snprintf(line, sizeof line, "source: %s%s%s", source, info.hs_version[0] ? ", " : "",
                 info.hs_version);
    rb_printf(b, "<text class=\"source\" x=\"16\" y=\"%d\" font-size=\"11\" fill=\"" MUTED
                 "\">",
              h - 6);
    rb_esc(b, line);
    rb_puts(b, "</text>\n");
}

/* The sources of a dyad's years, once each ("reported; mirror"). */
static const char *dyad_sources(const lever_store *s, const lever_dyad_result *r, char *buf,
                                size_t len)
{
    size_t at = 0;
    buf[0] = 0;
    for (int n = 0; r && n < r->n_years && at < len; n++)
        if (!strstr(buf, r->years[n].source))
            at += (size_t)snprintf(buf + at, len - at, "%s%s", at ? "; " : "",
                                   r->years[n].source);
    return buf[0] ? buf : lever_source_label(s);
}

static void text_open(rbuf *b, double x, double y, const char *anchor, int size,
                      const char *extra)
{
    rb_printf(b, "<text x=\"%.1f\" y=\"%.1f\"", x, y);
    if (anchor && strcmp(anchor, "start") != 0)
        rb_printf(b, " text-anchor=\"%s\"", anchor);
    if (size != 12)
        rb_printf(b, " font-size=\"%d\"", size);
    if (extra)
        rb_printf(b, " %s", extra);
    rb_puts(b, ">");
}

/* A text of data (escaped), cut to max_chars (-1: whole). */
static void text_data(rbuf *b, double x, double y, const char *anchor, int size,
                      const char *extra, const char *s, int max_chars)
{
    text_open(b, x, y, anchor, size, extra);
    if (max_chars < 0)
        rb_esc(b, s);
    else
        rb_esc_cut(b, s, max_chars);
    rb_puts(b, "</text>\n");
}

/* Title (bold) and subtitle (muted) at the top left; the title is the chart's name. */
static void titles(rbuf *b, const char *id, const char *title, const char *subtitle)
{
    rb_printf(b, "<text id=\"%s-title\" x=\"16\" y=\"24\" font-size=\"15\" font-weight=\"bold\">",
              id);
    rb_esc(b, title);
    rb_puts(b, "</text>\n");
    text_data(b, 16, 42, "start", 12, "fill=\"" MUTED "\"", subtitle, -1);
}

static double nice_step(double max, int n)
{
    if (!(max > 0))
        return 1;
    double raw = max / n, mag = pow(10, floor(log10(raw))), f = raw / mag;
    double nf = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
    return nf * mag;
}

/* The top of an axis from 0 holding max, a whole number of steps. */
static double nice_max(double max, int n, double *step)
{
    *step = nice_step(max, n);
    double top = ceil(max / *step - 1e-9) * *step;
    return top > 0 ? top : *step;
}

/* A tick label: "300 M", "2.5 M", "+20 M"; a whole number loses its ".0". */
static const char *usd_tick_signed(double v, int signed_, char *buf, size_t len)
{
    if (v == 0)
        return snprintf(buf, len, "0"), buf;
    fmt_usd_short(v, signed_, buf, len);
    char *dot = strstr(buf, ".0");
    if (dot && (dot[2] == ' ' || dot[2] == '\0'))
        memmove(dot, dot + 2, strlen(dot + 2) + 1);
    return buf;
}

static const char *usd_tick(double v, char *buf, size_t len)
{
    return usd_tick_signed(v, 0, buf, len);
}

/* A legend swatch and its label; returns the x after it. */
static double legend_item(rbuf *b, double x, double y, const char *fill, const char *label,
                          const char *stroke_dash)
{
    if (stroke_dash) { /* a line series: a short line with its style */
        rb_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                     "stroke-width=\"2.5\"%s%s%s/>\n",
                  x, y - 4, x + 18, y - 4, fill, stroke_dash[0] ? " stroke-dasharray=\"" : "",
                  stroke_dash, stroke_dash[0] ? "\"" : "");
    } else {
        rb_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"10\" fill=\"%s\" "
                     "stroke=\"" AXIS "\" stroke-width=\"0.5\"/>\n",
                  x, y - 9, fill);
    }
    text_data(b, x + 22, y, "start", 11, NULL, label, -1);
    return x + 22 + 6.3 * (double)strlen(label) + 16;
}

static void svg_close(rbuf *b)
{
    rb_puts(b, "</svg>\n");
}

/* ------------------------------------------------------------------ */
/* flows                                                               */
/* ------------------------------------------------------------------ */

size_t *event_list(const lever_store *s, const lever_events *ev, int a, int b, int y0, int y1,
                   size_t *n)
{
    *n = 0;
    if (!ev)
        return NULL;
    size_t *idx = malloc((lever_events_count(ev) + 1) * sizeof *idx);
    if (!idx)
        return NULL;
    lever_country ka, kb;
    lever_country_at(s, a, &ka);
    lever_country_at(s, b, &kb);
    const char *codes[2] = {ka.iso3, kb.iso3};
    *n = lever_events_select(ev, codes, 2, y0, y1, idx);
    return idx;
}

/* Dotted lines at the years with events, numbered as event_list orders them. */
static void flow_events(rbuf *b, const lever_store *s, const lever_dyad_result *r,
                        const lever_events *ev, double left, double pw, double top, double ph)
{
    int n = r->n_years;
    if (!ev || n == 0)
        return;
    size_t count, *idx = event_list(s, ev, r->a, r->b, r->years[0].year, r->years[n - 1].year,
                                     &count);
    if (!idx) {
        b->oom = 1;
        return;
    }
    double dx = n > 1 ? pw / (n - 1) : 0;
    for (size_t k = 0; k < count;) {
        lever_event e;
        lever_event_at(ev, idx[k], &e);
        int year = e.year;
        double x = left + pw / 2;
        for (int y = 0; y < n; y++)
            if (r->years[y].year == year)
                x = n > 1 ? left + dx * y : left + pw / 2;
        char label[64];
        size_t first = k;
        while (k < count) {
            lever_event f;
            lever_event_at(ev, idx[k], &f);
            if (f.year != year)
                break;
            k++;
        }
        if (k - first == 1)
            snprintf(label, sizeof label, "%zu", first + 1);
        else
            snprintf(label, sizeof label, "%zu\xE2\x80\x93%zu", first + 1, k);
        rb_printf(b, "<line class=\"event\" data-year=\"%d\" x1=\"%.1f\" x2=\"%.1f\" "
                     "y1=\"%.1f\" y2=\"%.1f\" stroke=\"" MUTED "\" stroke-width=\"1\" "
                     "stroke-dasharray=\"2 3\"/>\n",
                  year, x, x, top - 4, top + ph);
        text_data(b, x + 3, top + 6, "start", 10, "fill=\"" MUTED "\" class=\"event-label\"",
                  label, -1);
    }
    free(idx);
}

/* The events under a chart on its own: "1  2019-03  label (source)", one a line. */
static void list_flow_events(rbuf *b, const lever_store *s, const lever_dyad_result *r,
                             const lever_events *ev, size_t count, double y, int w)
{
    size_t n;
    size_t *idx = event_list(s, ev, r->a, r->b, r->years[0].year,
                             r->years[r->n_years - 1].year, &n);
    if (!idx) {
        b->oom = 1;
        return;
    }
    for (size_t k = 0; k < n && k < count; k++) {
        lever_event e;
        lever_event_at(ev, idx[k], &e);
        char line[600];
        snprintf(line, sizeof line, "%zu  %s  %s (%s)", k + 1, e.date, e.label, e.source);
        text_data(b, 16, y + 15.0 * (double)k, "start", 11,
                  "fill=\"" MUTED "\" class=\"event-item\"", line, (int)(w / 6.0));
    }
    free(idx);
}

void chart_flows(rbuf *b, const lever_store *s, const lever_dyad_result *r,
                 const lever_events *events, int list_events, int width, const char *id)
{
    char ca[16], cb[16], t1[64], t2[64], title[300], sub[200];
    country_code(s, r->a, ca, sizeof ca);
    country_code(s, r->b, cb, sizeof cb);
    size_t n_listed = 0;
    if (list_events && events && r->n_years > 0) {
        size_t *idx = event_list(s, events, r->a, r->b, r->years[0].year,
                                 r->years[r->n_years - 1].year, &n_listed);
        free(idx);
    }
    int w = width, h = 340 + (n_listed ? (int)(15 * n_listed + 10) : 0);
    double left = 64, right = 150, top = 92, bottom = 44;
    double pw = w - left - right, ph = 340 - top - bottom;
    char src[128];
    svg_open(b, w, h, id, "flows", s, dyad_sources(s, r, src, sizeof src));
    snprintf(title, sizeof title, "Trade between %s and %s", country_name(s, r->a),
             country_name(s, r->b));
    if (r->n_years == 1)
        snprintf(sub, sizeof sub, "Exports each way, USD, %d", r->years[0].year);
    else if (r->n_years > 1)
        snprintf(sub, sizeof sub, "Exports each way, USD per year, %d\xE2\x80\x93%d",
                 r->years[0].year, r->years[r->n_years - 1].year);
    else
        snprintf(sub, sizeof sub, "Exports each way, USD per year");
    titles(b, id, title, sub);
    snprintf(t1, sizeof t1, "%s \xE2\x86\x92 %s", ca, cb);
    snprintf(t2, sizeof t2, "%s \xE2\x86\x92 %s", cb, ca);
    double lx = legend_item(b, 16, 62, COL_A, t1, "");
    legend_item(b, lx, 62, COL_B, t2, "6 4");

    double max = 0;
    for (int y = 0; y < r->n_years; y++) {
        if ((double)r->years[y].a_to_b > max)
            max = (double)r->years[y].a_to_b;
        if ((double)r->years[y].b_to_a > max)
            max = (double)r->years[y].b_to_a;
    }
    double step, ymax = nice_max(max, 5, &step);
    for (double v = 0; v <= ymax + step / 2; v += step) {
        double yy = top + ph - v / ymax * ph;
        rb_printf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n",
                  left, left + pw, yy, yy, v == 0 ? AXIS : GRID);
        text_data(b, left - 6, yy + 4, "end", 11, "fill=\"" MUTED "\"",
                  usd_tick(v, t1, sizeof t1), -1);
    }
    text_data(b, left - 6, top - 12, "end", 11, "fill=\"" MUTED "\"", "USD", -1);
    int n = r->n_years;
    double dx = n > 1 ? pw / (n - 1) : 0;
    double marker = n > 12 ? 6 : 8; /* smaller markers when years crowd */
    int every = n > 12 ? (n + 11) / 12 : 1;
    for (int y = 0; y < n; y++) {
        double x = n > 1 ? left + dx * y : left + pw / 2;
        if (y == n - 1 || (y % every == 0 && n - 1 - y >= every)) {
            snprintf(t1, sizeof t1, "%d", r->years[y].year);
            text_data(b, x, top + ph + 18, "middle", 11, "fill=\"" MUTED "\"", t1, -1);
        }
    }
    text_data(b, left + pw / 2, 340 - 8, "middle", 11, "fill=\"" MUTED "\"", "year", -1);
    flow_events(b, s, r, events, left, pw, top, ph);
    if (n_listed)
        list_flow_events(b, s, r, events, n_listed, 340 + 12, w);

    /* two series: lines broken where the store does not cover a year */
    for (int dir = 0; dir < 2; dir++) {
        const char *col = dir == 0 ? COL_A : COL_B;
        rb_printf(b, "<path class=\"series\" data-series=\"%s\" fill=\"none\" stroke=\"%s\" "
                     "stroke-width=\"2.5\" stroke-linejoin=\"round\"%s d=\"",
                  dir == 0 ? "a_to_b" : "b_to_a", col,
                  dir == 0 ? "" : " stroke-dasharray=\"6 4\"");
        int pen = 0;
        for (int y = 0; y < n; y++) {
            const lever_dyad_year *yr = &r->years[y];
            int covered = dir == 0 ? yr->covered_a_to_b : yr->covered_b_to_a;
            if (!covered) {
                pen = 0;
                continue;
            }
            double v = (double)(dir == 0 ? yr->a_to_b : yr->b_to_a);
            double x = n > 1 ? left + dx * y : left + pw / 2, yy = top + ph - v / ymax * ph;
            rb_printf(b, "%s%.1f %.1f ", pen ? "L" : "M", x, yy);
            pen = 1;
        }
        rb_puts(b, "\"/>\n");
        for (int y = 0; y < n; y++) {
            const lever_dyad_year *yr = &r->years[y];
            int covered = dir == 0 ? yr->covered_a_to_b : yr->covered_b_to_a;
            if (!covered)
                continue;
            uint64_t v = dir == 0 ? yr->a_to_b : yr->b_to_a;
            double x = n > 1 ? left + dx * y : left + pw / 2,
                   yy = top + ph - (double)v / ymax * ph;
            if (dir == 0)
                rb_printf(b, "<circle class=\"mark\" data-series=\"a_to_b\" data-year=\"%d\" "
                             "data-value=\"%llu\" cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" "
                             "fill=\"%s\" stroke=\"#ffffff\" stroke-width=\"1.5\"/>\n",
                          yr->year, (unsigned long long)v, x, yy, marker / 2, col);
            else
                rb_printf(b, "<rect class=\"mark\" data-series=\"b_to_a\" data-year=\"%d\" "
                             "data-value=\"%llu\" x=\"%.1f\" y=\"%.1f\" width=\"%.0f\" "
                             "height=\"%.0f\" fill=\"%s\" stroke=\"" INK "\" stroke-width=\"1\"/>\n",
                          yr->year, (unsigned long long)v, x - marker / 2, yy - marker / 2,
                          marker, marker, col);
        }
    }
    /* direct labels at the last covered year of each series, kept 28 px apart */
    double ly[2] = {NAN, NAN};
    uint64_t lv[2] = {0, 0};
    for (int dir = 0; dir < 2; dir++)
        for (int y = n - 1; y >= 0; y--) {
            const lever_dyad_year *yr = &r->years[y];
            if (!(dir == 0 ? yr->covered_a_to_b : yr->covered_b_to_a))
                continue;
            lv[dir] = dir == 0 ? yr->a_to_b : yr->b_to_a;
            ly[dir] = top + ph - (double)lv[dir] / ymax * ph;
            break;
        }
    double lowest = top + ph - 16; /* a label's two lines stay above the year labels */
    for (int dir = 0; dir < 2; dir++)
        if (!isnan(ly[dir]) && ly[dir] > lowest)
            ly[dir] = lowest;
    if (!isnan(ly[0]) && !isnan(ly[1]) && fabs(ly[0] - ly[1]) < 28) {
        int hi = ly[0] <= ly[1] ? 0 : 1;
        double mid = (ly[0] + ly[1]) / 2;
        if (mid + 14 > lowest)
            mid = lowest - 14;
        ly[hi] = mid - 14;
        ly[1 - hi] = mid + 14;
    }
    for (int dir = 0; dir < 2; dir++) {
        if (isnan(ly[dir]))
            continue;
        double x = left + pw + 10;
        snprintf(title, sizeof title, "%s \xE2\x86\x92 %s", dir == 0 ? ca : cb, dir == 0 ? cb : ca);
        text_data(b, x, ly[dir] - 1, "start", 12, "font-weight=\"bold\"", title, -1);
        text_data(b, x, ly[dir] + 13, "start", 12, "class=\"value-label\"",
                  fmt_usd_short((double)lv[dir], 0, t1, sizeof t1), -1);
    }
    svg_close(b);
}

/* ------------------------------------------------------------------ */
/* products                                                            */
/* ------------------------------------------------------------------ */

typedef struct pitem {
    const lever_product_flow *f;
    int section;
    double section_total;
} pitem;

static int cmp_pitem(const void *x, const void *y)
{
    const pitem *a = x, *b = y;
    if (a->section_total != b->section_total)
        return a->section_total > b->section_total ? -1 : 1;
    if (a->section != b->section)
        return a->section - b->section;
    if (a->f->value != b->f->value)
        return a->f->value > b->f->value ? -1 : 1;
    return a->f->product - b->f->product;
}

/* The rows of one direction in year, grouped by section (largest section first). */
static size_t product_items(const lever_product_flow *flows, size_t n, int year, int top,
                            pitem *items)
{
    size_t k = 0;
    for (size_t i = 0; i < n && (top <= 0 || k < (size_t)top); i++)
        if (flows[i].year == year)
            items[k++] = (pitem){&flows[i], 0, 0};
    return k;
}

static void group_items(const lever_store *s, pitem *items, size_t k)
{
    for (size_t i = 0; i < k; i++) {
        lever_product p;
        lever_product_at(s, items[i].f->product, &p);
        items[i].section = hs_section(p.hs6);
    }
    for (size_t i = 0; i < k; i++) {
        double t = 0;
        for (size_t j = 0; j < k; j++)
            if (items[j].section == items[i].section)
                t += (double)items[j].f->value;
        items[i].section_total = t;
    }
    qsort(items, k, sizeof *items, cmp_pitem);
}

static size_t count_sections(const pitem *items, size_t k)
{
    size_t n = 0;
    for (size_t i = 0; i < k; i++)
        n += i == 0 || items[i].section != items[i - 1].section;
    return n;
}

#define ROW 20

/* One panel of ranked bars from y0; returns the y below it. */
static double products_panel(rbuf *b, const lever_store *s, pitem *items, size_t k,
                             const char *heading, const char *dir, const char *fill,
                             const char *text_on_fill, int w, double y0)
{
    char buf[64];
    double label_w = w >= 560 ? 270 : 200, left = 16 + label_w, right = 86;
    double pw = w - left - right;
    text_data(b, 16, y0 + 14, "start", 13, "font-weight=\"bold\"", heading, -1);
    double y = y0 + 24;
    if (k == 0) {
        text_data(b, 16, y + 14, "start", 12, "fill=\"" MUTED "\"", "no flows this year", -1);
        return y + 30;
    }
    double max = 0;
    for (size_t i = 0; i < k; i++)
        if ((double)items[i].f->value > max)
            max = (double)items[i].f->value;
    double step, xmax = nice_max(max, 4, &step);
    size_t rows = k + count_sections(items, k);
    double plot_h = (double)rows * ROW;
    for (double v = 0; v <= xmax + step / 2; v += step) {
        double x = left + v / xmax * pw;
        rb_printf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n", x,
                  x, y, y + plot_h, v == 0 ? AXIS : GRID);
        text_data(b, x, y + plot_h + 14, "middle", 10, "fill=\"" MUTED "\"",
                  usd_tick(v, buf, sizeof buf), -1);
    }
    int label_chars = (int)(label_w / 5.8) - 8;
    for (size_t i = 0; i < k; i++) {
        if (i == 0 || items[i].section != items[i - 1].section) {
            char sec[128];
            snprintf(sec, sizeof sec, "%s%s%s", hs_section_roman(items[i].section),
                     items[i].section ? " \xC2\xB7 " : "", hs_section_title(items[i].section));
            text_data(b, 16, y + 14, "start", 11,
                      "font-weight=\"bold\" fill=\"" MUTED "\" class=\"section-label\"", sec, -1);
            y += ROW;
        }
        lever_product p;
        lever_product_at(s, items[i].f->product, &p);
        char code[16];
        snprintf(code, sizeof code, "%06d", p.hs6);
        text_open(b, 26, y + 14, "start", 11, "class=\"product-label\"");
        rb_printf(b, "<tspan font-weight=\"bold\">%s</tspan> ", code);
        rb_esc_cut(b, p.description, label_chars);
        rb_puts(b, "</text>\n");
        double bw = (double)items[i].f->value / xmax * pw;
        if (bw < 1 && items[i].f->value > 0)
            bw = 1;
        rb_printf(b, "<rect class=\"mark\" data-dir=\"%s\" data-hs6=\"%06d\" data-value=\"%llu\" "
                     "x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>\n",
                  dir, p.hs6, (unsigned long long)items[i].f->value, left, y + 3, bw, ROW - 6,
                  fill);
        const char *v = fmt_usd_short((double)items[i].f->value, 0, buf, sizeof buf);
        if (bw > 60)
            text_data(b, left + bw - 5, y + 14, "end", 11,
                      strcmp(text_on_fill, "#ffffff") == 0 ? "fill=\"#ffffff\" class=\"value-label\""
                                                            : "class=\"value-label\"",
                      v, -1);
        else
            text_data(b, left + bw + 5, y + 14, "start", 11, "class=\"value-label\"", v, -1);
        y += ROW;
    }
    return y + 30;
}

void chart_products(rbuf *b, const lever_store *s, const lever_dyad_result *r, int year,
                    int top, int width, const char *id)
{
    char ca[16], cb[16], title[300], sub[200], heading[200];
    country_code(s, r->a, ca, sizeof ca);
    country_code(s, r->b, cb, sizeof cb);
    size_t na = r->n_a_to_b, nb = r->n_b_to_a;
    pitem *ia = calloc(na ? na : 1, sizeof *ia), *ib = calloc(nb ? nb : 1, sizeof *ib);
    if (!ia || !ib) {
        free(ia);
        free(ib);
        b->oom = 1;
        return;
    }
    size_t ka = product_items(r->a_to_b, na, year, top, ia);
    size_t kb = product_items(r->b_to_a, nb, year, top, ib);
    group_items(s, ia, ka);
    group_items(s, ib, kb);
    double ha = ka ? (double)(ka + count_sections(ia, ka)) * ROW + 54 : 54;
    double hb = kb ? (double)(kb + count_sections(ib, kb)) * ROW + 54 : 54;
    int h = (int)(56 + ha + hb + 4);
    char src[128];
    svg_open(b, width, h, id, "products", s, dyad_sources(s, r, src, sizeof src));
    snprintf(title, sizeof title, "What %s and %s sell each other, %d", country_name(s, r->a),
             country_name(s, r->b), year);
    snprintf(sub, sizeof sub, "Largest products each way, USD, grouped by HS section");
    titles(b, id, title, sub);
    snprintf(heading, sizeof heading, "%s \xE2\x86\x92 %s: %s sells to %s", ca, cb,
             country_name(s, r->a), country_name(s, r->b));
    double y = products_panel(b, s, ia, ka, heading, "a_to_b", COL_A, "#ffffff", width, 56);
    snprintf(heading, sizeof heading, "%s \xE2\x86\x92 %s: %s sells to %s", cb, ca,
             country_name(s, r->b), country_name(s, r->a));
    products_panel(b, s, ib, kb, heading, "b_to_a", COL_B, INK, width, y);
    free(ia);
    free(ib);
    svg_close(b);
}

/* ------------------------------------------------------------------ */
/* suppliers                                                           */
/* ------------------------------------------------------------------ */

int supplier_mix_load(const lever_store *s, int importer, int product, int highlight,
                      const lever_query *q, supplier_mix *mix, lever_error *err)
{
    memset(mix, 0, sizeof *mix);
    mix->importer = importer;
    mix->product = product;
    mix->highlight = highlight;
    lever_info info;
    lever_get_info(s, &info);
    int y0 = q && q->year_from ? q->year_from : info.year_min;
    int y1 = q && q->year_to ? q->year_to : info.year_max;
    mix->years = calloc((size_t)info.n_years + 1, sizeof *mix->years);
    mix->by_year = calloc((size_t)info.n_years + 1, sizeof *mix->by_year);
    if (!mix->years || !mix->by_year) {
        supplier_mix_free(mix);
        if (err) {
            err->code = LEVER_ENOMEM;
            snprintf(err->message, sizeof err->message, "out of memory");
        }
        return LEVER_ENOMEM;
    }
    for (int yi = 0; yi < info.n_years; yi++) {
        int year = lever_year_at(s, yi);
        if (year < y0 || year > y1)
            continue;
        lever_query one = q ? *q : (lever_query){0};
        one.year_from = one.year_to = year;
        lever_suppliers_result *r = NULL;
        int rc = lever_suppliers(s, importer, product, &one, &r, err);
        if (rc != LEVER_OK) {
            supplier_mix_free(mix);
            return rc;
        }
        mix->years[mix->n_years] = year;
        mix->by_year[mix->n_years++] = r;
    }
    return LEVER_OK;
}

void supplier_mix_free(supplier_mix *mix)
{
    for (int y = 0; mix->by_year && y < mix->n_years; y++)
        lever_suppliers_free(mix->by_year[y]);
    free(mix->by_year);
    free(mix->years);
    memset(mix, 0, sizeof *mix);
}

/* The named series: the highlighted country, then the largest suppliers of the last year
 * with imports, then of earlier years, up to N_SERIES - 1; returns how many. */
static int mix_series(const supplier_mix *m, int *series)
{
    int n = 0;
    for (int y = m->n_years - 1; y >= 0 && n < N_SERIES - 1; y--) {
        const lever_suppliers_result *r = m->by_year[y];
        if (!r || r->n == 0)
            continue;
        if (n == 0 && m->highlight >= 0)
            for (size_t i = 0; i < r->n; i++)
                if (r->flows[i].exporter == m->highlight)
                    series[n++] = m->highlight;
        for (size_t i = 0; i < r->n && n < N_SERIES - 1; i++) {
            int c = r->flows[i].exporter, seen = 0;
            for (int k = 0; k < n; k++)
                seen |= series[k] == c;
            if (!seen)
                series[n++] = c;
        }
    }
    if (n == 0 && m->highlight >= 0)
        series[n++] = m->highlight;
    return n;
}

void chart_suppliers(rbuf *b, const lever_store *s, const supplier_mix *m, int width,
                     const char *id)
{
    char buf[64], title[400], sub[300], n1[40];
    int series[N_SERIES];
    int ns = mix_series(m, series);
    /* at most the last SUPPLIER_YEARS years */
    int w = width, first = m->n_years > SUPPLIER_YEARS ? m->n_years - SUPPLIER_YEARS : 0;
    int rows = m->n_years - first;
    double left = 60, right = 84, top = 84, bar = 26, gap = 12;
    double pw = w - left - right;
    int h = (int)(top + rows * (bar + gap) + 40);
    svg_open(b, w, h, id, "suppliers", s, lever_source_label(s));
    lever_product p;
    lever_product_at(s, m->product, &p);
    rb_printf(b, "<g class=\"meta\" data-hs6=\"%06d\"/>\n", p.hs6);
    snprintf(title, sizeof title, "Who supplies %s with %06d", country_name(s, m->importer),
             p.hs6);
    text_open(b, 16, 24, "start", 15, "font-weight=\"bold\"");
    rb_printf(b, "<tspan id=\"%s-title\">", id);
    rb_esc(b, title);
    rb_puts(b, "</tspan></text>\n");
    if (first)
        snprintf(sub, sizeof sub, "the last %d years; %s", rows, p.description);
    else
        snprintf(sub, sizeof sub, "%s", p.description);
    text_data(b, 16, 42, "start", 12, "fill=\"" MUTED "\"", sub, (int)(w / 6.4));
    /* "others" in the legend only when some year has suppliers beyond the named ones */
    int any_other = 0;
    for (int y = first; y < m->n_years; y++)
        for (size_t i = 0; m->by_year[y] && i < m->by_year[y]->n; i++) {
            int named = 0;
            for (int k = 0; k < ns; k++)
                named |= series[k] == m->by_year[y]->flows[i].exporter;
            any_other |= !named;
        }
    double lx = 16;
    for (int k = 0; k < ns + any_other; k++) {
        char fill[64];
        int si = k < ns ? k : N_SERIES - 1;
        snprintf(fill, sizeof fill, series_fill[si], id);
        if (k < ns)
            country_code(s, series[k], buf, sizeof buf);
        else
            snprintf(buf, sizeof buf, "others");
        lx = legend_item(b, lx, 64, fill, buf, NULL) - 4;
    }
    text_data(b, w - 16, 64, "end", 11, "fill=\"" MUTED "\"", "imports, USD", -1);
    for (int t = 0; t <= 4; t++) {
        double x = left + pw * t / 4;
        rb_printf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n", x,
                  x, top - 6, top + rows * (bar + gap) - gap + 4, t == 0 ? AXIS : GRID);
        snprintf(buf, sizeof buf, "%d%%", t * 25);
        text_data(b, x, top + rows * (bar + gap) + 8, "middle", 10, "fill=\"" MUTED "\"", buf,
                  -1);
    }
    text_data(b, left + pw / 2, h - 8, "middle", 11, "fill=\"" MUTED "\"",
              "share of the year's imports of the product", -1);
    for (int row = 0; row < rows; row++) {
        int y = first + row;
        double yy = top + row * (bar + gap);
        snprintf(buf, sizeof buf, "%d", m->years[y]);
        text_data(b, left - 8, yy + bar / 2 + 4, "end", 12, NULL, buf, -1);
        const lever_suppliers_result *r = m->by_year[y];
        if (!r || r->n == 0) {
            text_data(b, left + 6, yy + bar / 2 + 4, "start", 11, "fill=\"" MUTED "\"",
                      "no imports this year", -1);
            continue;
        }
        double x = left, other_share = 0;
        uint64_t other_value = 0, total = 0;
        for (size_t i = 0; i < r->n; i++) {
            total += r->flows[i].value;
            int named = 0;
            for (int k = 0; k < ns; k++)
                named |= series[k] == r->flows[i].exporter;
            if (!named) {
                other_share += r->flows[i].supplier_share;
                other_value += r->flows[i].value;
            }
        }
        for (int k = 0; k <= ns; k++) {
            double share = 0;
            uint64_t value = 0;
            char code[16];
            if (k < ns) {
                country_code(s, series[k], code, sizeof code);
                for (size_t i = 0; i < r->n; i++)
                    if (r->flows[i].exporter == series[k]) {
                        share = r->flows[i].supplier_share;
                        value = r->flows[i].value;
                    }
            } else {
                snprintf(code, sizeof code, "others");
                share = other_share;
                value = other_value;
            }
            if (value == 0)
                continue;
            int si = k < ns ? k : N_SERIES - 1;
            char fill[64];
            snprintf(fill, sizeof fill, series_fill[si], id);
            double sw = share * pw;
            lever_country kc = {0};
            if (k < ns)
                lever_country_at(s, series[k], &kc);
            rb_printf(b, "<rect class=\"mark\" data-year=\"%d\" data-supplier=\"%s\" "
                         "data-code=\"%d\" data-value=\"%llu\" data-share=\"%s\" "
                         "x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.0f\" fill=\"%s\" "
                         "stroke=\"#ffffff\" stroke-width=\"1\"/>\n",
                      m->years[y], code, k < ns ? kc.code : -1, (unsigned long long)value,
                      fmt_exact(share, n1, sizeof n1), x, yy, sw, bar, fill);
            if (sw >= 64) {
                char label[48], pct[16];
                snprintf(label, sizeof label, "%s %s", code, fmt_share(share, pct, sizeof pct));
                char attr[64];
                snprintf(attr, sizeof attr, "fill=\"%s\" font-weight=\"bold\"", series_text[si]);
                if (si == 2 || si == 3) /* on a pattern: a plate behind the text */
                    rb_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"14\" "
                                 "rx=\"2\" fill=\"#ffffff\" opacity=\"0.85\"/>\n",
                              x + 3, yy + bar / 2 - 8, 7.0 * (double)strlen(label) + 2);
                text_data(b, x + 5, yy + bar / 2 + 4, "start", 11,
                          si == 2 || si == 3 ? "fill=\"" INK "\" font-weight=\"bold\"" : attr,
                          label, -1);
            }
            x += sw;
        }
        text_data(b, left + pw + 6, yy + bar / 2 + 4, "start", 11, "class=\"value-label\"",
                  fmt_usd_short((double)total, 0, buf, sizeof buf), -1);
    }
    svg_close(b);
}

/* ------------------------------------------------------------------ */
/* leverage                                                            */
/* ------------------------------------------------------------------ */

void chart_leverage(rbuf *b, const lever_store *s, const lever_leverage_result *r, int width,
                    const char *id)
{
    char ca[16], cb[16], buf[64], label[96], title[300], n1[40], n2[40], n3[40];
    country_code(s, r->a, ca, sizeof ca);
    country_code(s, r->b, cb, sizeof cb);
    /* at most the last LEVERAGE_YEARS years: two bars a year stay readable */
    int w = width, first = r->n_years > LEVERAGE_YEARS ? r->n_years - LEVERAGE_YEARS : 0;
    int n = r->n_years - first;
    double left = 150, right = 78, top = 84, bar = 16, group = 2 * bar + 4 + 22;
    double pw = w - left - right;
    int h = (int)(top + n * group + 34);
    svg_open(b, w, h, id, "leverage", s, lever_source_label(s));
    snprintf(title, sizeof title, "Leverage between %s and %s", country_name(s, r->a),
             country_name(s, r->b));
    titles(b, id, title,
           first ? "LEV(X over Y) = (S + K) / T(Y): supply channel S and market channel K, "
                   "the last " STR(LEVERAGE_YEARS) " years"
                 : "LEV(X over Y) = (S + K) / T(Y): supply channel S and market channel K, "
                   "per year");
    snprintf(label, sizeof label, "supply channel S, %s over %s", ca, cb);
    double lx = legend_item(b, 16, 64, COL_A, label, NULL);
    snprintf(label, sizeof label, "S, %s over %s", cb, ca);
    lx = legend_item(b, lx, 64, COL_B, label, NULL);
    char mh[64];
    snprintf(mh, sizeof mh, "url(#%s-mhatch)", id);
    legend_item(b, lx, 64, mh, "market channel K", NULL);
    double max = 0;
    for (int y = first; y < r->n_years; y++) {
        if (r->years[y].lev_ab > max)
            max = r->years[y].lev_ab;
        if (r->years[y].lev_ba > max)
            max = r->years[y].lev_ba;
    }
    double step, xmax = nice_max(max, 4, &step);
    double bottom = top + n * group - 18;
    for (double v = 0; v <= xmax + step / 2; v += step) {
        double x = left + v / xmax * pw;
        rb_printf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n", x,
                  x, top - 6, bottom + 4, v == 0 ? AXIS : GRID);
        text_data(b, x, bottom + 18, "middle", 10, "fill=\"" MUTED "\"",
                  fmt_ratio(v, buf, sizeof buf), -1);
    }
    text_data(b, left + pw / 2, h - 6, "middle", 11, "fill=\"" MUTED "\"",
              "LEV, a share of the squeezed country's total trade T", -1);
    for (int y = 0; y < n; y++) {
        const lever_leverage_year *ly = &r->years[first + y];
        double yy = top + y * group;
        snprintf(buf, sizeof buf, "%d", ly->year);
        text_data(b, 16, yy + bar + 5, "start", 13, "font-weight=\"bold\"", buf, -1);
        for (int dir = 0; dir < 2; dir++) {
            double lev = dir == 0 ? ly->lev_ab : ly->lev_ba;
            double sup = dir == 0 ? ly->supply_ab : ly->supply_ba;
            double mkt = dir == 0 ? ly->market_ab : ly->market_ba;
            double by = yy + dir * (bar + 4);
            snprintf(label, sizeof label, "%s over %s", dir == 0 ? ca : cb, dir == 0 ? cb : ca);
            text_data(b, left - 8, by + bar - 4, "end", 11, NULL, label, -1);
            double bw = isfinite(lev) ? lev / xmax * pw : 0;
            /* the bar's length is LEV; its two parts are in the ratio S : K */
            double sw = sup + mkt > 0 ? bw * sup / (sup + mkt) : 0;
            rb_printf(b, "<g class=\"mark\" data-dir=\"%s\" data-year=\"%d\" "
                         "data-value=\"%s\" data-supply=\"%s\" data-market=\"%s\">",
                      dir == 0 ? "ab" : "ba", ly->year, fmt_exact(lev, n1, sizeof n1),
                      fmt_exact(sup, n2, sizeof n2), fmt_exact(mkt, n3, sizeof n3));
            rb_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.2f\" height=\"%.0f\" "
                         "fill=\"%s\"/>",
                      left, by, sw, bar, dir == 0 ? COL_A : COL_B);
            rb_printf(b, "<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%.0f\" "
                         "fill=\"%s\" stroke=\"#555555\" stroke-width=\"0.6\"/></g>\n",
                      left + sw, by, bw - sw, bar, mh);
            text_data(b, left + bw + 5, by + bar - 4, "start", 11, "class=\"value-label\"",
                      fmt_ratio(lev, buf, sizeof buf), -1);
        }
    }
    svg_close(b);
}

/* ------------------------------------------------------------------ */
/* change                                                              */
/* ------------------------------------------------------------------ */

void chart_change(rbuf *b, const lever_store *s, const lever_change_result *r, int top,
                  int width, const char *id)
{
    char ca[16], cb[16], buf[64], b2[64], b3[64], title[300], sub[300], n1[40];
    country_code(s, r->a, ca, sizeof ca);
    country_code(s, r->b, cb, sizeof cb);
    size_t shown = r->n < (size_t)top ? r->n : (size_t)top;
    int rows = (int)shown + (r->n > shown); /* + other products */
    int w = width;
    double label_w = w >= 560 ? 250 : 180, left = 16 + label_w, right = 16, tp = 84, rh = 34;
    double pw = w - left - right;
    int h = (int)(tp + rows * rh + 40);
    svg_open(b, w, h, id, "change", s, lever_source_label(s));
    snprintf(title, sizeof title, "What changed in %s\xE2\x80\x99s exports to %s, %d to %d",
             country_name(s, r->a), country_name(s, r->b), r->year0, r->year1);
    snprintf(sub, sizeof sub, "%s \xE2\x86\x92 %s: %s in %d, %s in %d, change %s USD", ca, cb,
             fmt_usd_short((double)r->total0, 0, buf, sizeof buf), r->year0,
             fmt_usd_short((double)r->total1, 0, b2, sizeof b2), r->year1,
             fmt_usd_short((double)r->delta, 1, b3, sizeof b3));
    titles(b, id, title, sub);
    char qf[64], pf[64];
    snprintf(qf, sizeof qf, "url(#%s-hatch)", id);
    snprintf(pf, sizeof pf, "url(#%s-dots)", id);
    double lx = legend_item(b, 16, 64, COL_A, "change in value", NULL);
    lx = legend_item(b, lx, 64, qf, "quantity effect", NULL);
    legend_item(b, lx, 64, pf, "price effect", NULL);

    /* the rows: shown products, then the rest in one row */
    double max = 0;
    int64_t other = r->delta;
    for (size_t i = 0; i < shown; i++) {
        const lever_change_row *c = &r->rows[i];
        double v[3] = {(double)c->delta, c->quantity_effect, c->price_effect};
        for (int k = 0; k < 3; k++)
            if (isfinite(v[k]) && fabs(v[k]) > max)
                max = fabs(v[k]);
        other -= c->delta;
    }
    if (fabs((double)other) > max)
        max = fabs((double)other);
    double step, xmax = nice_max(max, 3, &step);
    double zero = left + pw / 2, half = pw / 2;
    double bottom = tp + rows * rh;
    for (double v = -xmax; v <= xmax + step / 2; v += step) {
        double x = zero + v / xmax * half;
        rb_printf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n", x,
                  x, tp - 6, bottom, fabs(v) < step / 2 ? AXIS : GRID);
        text_data(b, x, bottom + 14, "middle", 10, "fill=\"" MUTED "\"",
                  fabs(v) < step / 2 ? "0" : usd_tick_signed(v, 1, buf, sizeof buf), -1);
    }
    text_data(b, zero, h - 8, "middle", 11, "fill=\"" MUTED "\"", "USD", -1);
    int label_chars = (int)(label_w / 5.8) - 8;
    for (int i = 0; i < rows; i++) {
        double yy = tp + i * rh;
        double v[3];
        char code[16];
        if ((size_t)i < shown) {
            const lever_change_row *c = &r->rows[i];
            lever_product p;
            lever_product_at(s, c->product, &p);
            snprintf(code, sizeof code, "%06d", p.hs6);
            text_open(b, 16, yy + 15, "start", 11, "class=\"product-label\"");
            rb_printf(b, "<tspan font-weight=\"bold\">%s</tspan> ", code);
            rb_esc_cut(b, p.description, label_chars);
            rb_puts(b, "</text>\n");
            v[0] = (double)c->delta;
            v[1] = c->quantity_effect;
            v[2] = c->price_effect;
        } else {
            snprintf(code, sizeof code, "other");
            snprintf(sub, sizeof sub, "other products (%zu)", r->n - shown);
            text_data(b, 16, yy + 15, "start", 11, "font-style=\"italic\"", sub, -1);
            v[0] = (double)other;
            v[1] = v[2] = NAN;
        }
        static const char *const what[3] = {"delta", "quantity_effect", "price_effect"};
        double hy[3] = {yy + 3, yy + 17, yy + 24}, hh[3] = {13, 6, 6};
        const char *fills[3] = {COL_A, qf, pf};
        for (int k = 0; k < 3; k++) {
            if (!isfinite(v[k]))
                continue;
            double x1 = zero + v[k] / xmax * half;
            double x = x1 < zero ? x1 : zero, bw = fabs(x1 - zero);
            rb_printf(b, "<rect class=\"mark\" data-hs6=\"%s\" data-what=\"%s\" "
                         "data-value=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                         "height=\"%.0f\" fill=\"%s\"%s/>\n",
                      code, what[k], fmt_exact(v[k], n1, sizeof n1), x, hy[k],
                      bw < 0.5 ? 0.5 : bw, hh[k], fills[k],
                      k ? " stroke=\"#555555\" stroke-width=\"0.4\"" : "");
        }
        /* the value of the change beside its bar, on the side away from the zero line */
        double x1 = zero + v[0] / xmax * half;
        fmt_usd_short(v[0], 1, buf, sizeof buf);
        if (v[0] < 0)
            text_data(b, x1 - 4 < left + 40 ? x1 + 4 : x1 - 4, yy + 14,
                      x1 - 4 < left + 40 ? "start" : "end", 11, "class=\"value-label\"", buf, -1);
        else
            text_data(b, x1 + 4 > w - 50 ? x1 - 4 : x1 + 4, yy + 14,
                      x1 + 4 > w - 50 ? "end" : "start", 11, "class=\"value-label\"", buf, -1);
    }
    svg_close(b);
}

/* ------------------------------------------------------------------ */
/* lever_chart_svg                                                     */
/* ------------------------------------------------------------------ */

static int fail(lever_error *err, int code, const char *msg)
{
    if (err) {
        err->code = code;
        snprintf(err->message, sizeof err->message, "%s", msg);
    }
    return code;
}

/* The years of q resolved against the store: first and last. */
static void query_years(const lever_store *s, const lever_query *q, int *y0, int *y1)
{
    lever_info info;
    lever_get_info(s, &info);
    *y0 = q && q->year_from ? q->year_from : info.year_min;
    *y1 = q && q->year_to ? q->year_to : info.year_max;
}

int lever_chart_largest_product(const lever_store *s, int a, int b, const lever_query *q,
                                int *product, lever_error *err)
{
    int y0, y1;
    query_years(s, q, &y0, &y1);
    lever_query last = q ? *q : (lever_query){0};
    last.year_from = last.year_to = y1;
    lever_dyad_result *d = NULL;
    int rc = lever_dyad(s, a, b, &last, 1, &d, err);
    if (rc != LEVER_OK)
        return rc;
    *product = d->n_a_to_b ? d->a_to_b[0].product : -1;
    lever_dyad_free(d);
    if (*product < 0) {
        char msg[256], ca[16], cb[16];
        country_code(s, a, ca, sizeof ca);
        country_code(s, b, cb, sizeof cb);
        snprintf(msg, sizeof msg,
                 "%s sold nothing to %s in %d among the products asked for; name one with "
                 "--product",
                 ca, cb, y1);
        return fail(err, LEVER_ENOTFOUND, msg);
    }
    return LEVER_OK;
}

int lever_chart_svg(const lever_store *s, const lever_chart_options *o, const lever_query *q,
                    lever_write_fn write, void *ud, lever_error *err)
{
    rbuf b = {0};
    int rc = LEVER_OK, width = o->width > 0 ? o->width : 640;
    int top = o->top > 0 ? o->top : 10;
    if (width < 320 || width > 4000)
        return fail(err, LEVER_EUSAGE, "chart width must be from 320 to 4000 pixels");
    char id[32];
    snprintf(id, sizeof id, "lever-%s", o->kind == LEVER_CHART_FLOWS       ? "flows"
                                        : o->kind == LEVER_CHART_PRODUCTS  ? "products"
                                        : o->kind == LEVER_CHART_SUPPLIERS ? "suppliers"
                                        : o->kind == LEVER_CHART_LEVERAGE  ? "leverage"
                                                                           : "change");
    switch (o->kind) {
    case LEVER_CHART_FLOWS: {
        lever_dyad_result *r = NULL;
        if ((rc = lever_dyad(s, o->a, o->b, q, 0, &r, err)) == LEVER_OK) {
            chart_flows(&b, s, r, o->events, 1, width, id);
            lever_dyad_free(r);
        }
        break;
    }
    case LEVER_CHART_PRODUCTS: {
        int y0, y1;
        query_years(s, q, &y0, &y1);
        lever_query last = q ? *q : (lever_query){0};
        last.year_from = last.year_to = y1;
        lever_dyad_result *r = NULL;
        if ((rc = lever_dyad(s, o->a, o->b, &last, top, &r, err)) == LEVER_OK) {
            chart_products(&b, s, r, y1, top, width, id);
            lever_dyad_free(r);
        }
        break;
    }
    case LEVER_CHART_SUPPLIERS: {
        int product = o->product;
        if (product < 0 &&
            (rc = lever_chart_largest_product(s, o->a, o->b, q, &product, err)) != LEVER_OK)
            break;
        supplier_mix m;
        if ((rc = supplier_mix_load(s, o->b, product, o->a, q, &m, err)) == LEVER_OK) {
            chart_suppliers(&b, s, &m, width, id);
            supplier_mix_free(&m);
        }
        break;
    }
    case LEVER_CHART_LEVERAGE: {
        lever_leverage_result *r = NULL;
        if ((rc = lever_leverage(s, o->a, o->b, q, 0, &r, err)) == LEVER_OK) {
            chart_leverage(&b, s, r, width, id);
            lever_leverage_free(r);
        }
        break;
    }
    case LEVER_CHART_CHANGE: {
        lever_change_result *r = NULL;
        if ((rc = lever_change(s, o->a, o->b, q, &r, err)) == LEVER_OK) {
            chart_change(&b, s, r, top, width, id);
            lever_change_free(r);
        }
        break;
    }
    default: rc = fail(err, LEVER_EUSAGE, "unknown chart kind"); break;
    }
    if (rc == LEVER_OK && b.oom)
        rc = fail(err, LEVER_ENOMEM, "out of memory");
    if (rc == LEVER_OK && write(ud, b.p, b.len) != 0)
        rc = fail(err, LEVER_EIO, "cannot write the chart");
    rb_free(&b);
    return rc;
}
