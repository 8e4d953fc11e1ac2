/*
 * text.c - the text side of rendering: a growing buffer (charts and pages are built in
 * memory and handed to the caller's write callback in one piece, so a failure never
 * leaves half a file), XML/HTML and JSON escaping of every string that comes from data,
 * the number formats people read in charts and pages, and the 21 sections of the
 * Harmonized System that group products in the charts.
 *
 * Escaping is done here and only here: product descriptions and country names come from
 * imported dictionaries and may hold any character, so every string from data goes
 * through rb_esc (markup) or rb_json_str (the JSON data block).
 */
#include "render.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rb_free(rbuf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

static int rb_reserve(rbuf *b, size_t extra)
{
    if (b->oom)
        return 0;
    if (b->len + extra + 1 <= b->cap)
        return 1;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        b->oom = 1;
        return 0;
    }
    b->p = p;
    b->cap = cap;
    return 1;
}

void rb_put(rbuf *b, const char *s, size_t n)
{
    if (!rb_reserve(b, n))
        return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void rb_puts(rbuf *b, const char *s)
{
    rb_put(b, s, strlen(s));
}

void rb_printf(rbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char small[512];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        rb_put(b, small, (size_t)n);
        return;
    }
    if (!rb_reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* Escapes at most max_chars characters of s (-1: all); returns 1 when s was cut. */
static int esc_chars(rbuf *b, const char *s, int max_chars)
{
    int chars = 0;
    for (const char *p = s; *p;) {
        if (max_chars >= 0 && chars == max_chars)
            return 1;
        unsigned char c = (unsigned char)*p;
        switch (c) {
        case '&': rb_puts(b, "&amp;"); p++; break;
        case '<': rb_puts(b, "&lt;"); p++; break;
        case '>': rb_puts(b, "&gt;"); p++; break;
        case '"': rb_puts(b, "&quot;"); p++; break;
        case '\'': rb_puts(b, "&#39;"); p++; break;
        default:
            if (c < 0x20) { /* control characters have no place in markup */
                rb_puts(b, " ");
                p++;
            } else if (c < 0x80) {
                rb_put(b, p, 1);
                p++;
            } else {
                int n = lever_utf8_length(p);
                if (n == 0) {
                    rb_puts(b, "\xEF\xBF\xBD");
                    p++;
                } else {
                    rb_put(b, p, (size_t)n);
                    p += n;
                }
            }
        }
        chars++;
    }
    return 0;
}

void rb_esc(rbuf *b, const char *s)
{
    esc_chars(b, s ? s : "", -1);
}

void rb_esc_cut(rbuf *b, const char *s, int max_chars)
{
    if (!s)
        return;
    /* count the characters first, so that a cut string keeps room for its ellipsis */
    int chars = 0;
    for (const char *p = s; *p; p++)
        chars += ((unsigned char)*p & 0xC0) != 0x80;
    if (chars <= max_chars || max_chars < 2) {
        esc_chars(b, s, -1);
        return;
    }
    esc_chars(b, s, max_chars - 1);
    rb_puts(b, "\xE2\x80\xA6");
}

void rb_json_str(rbuf *b, const char *s)
{
    rb_puts(b, "\"");
    for (const char *p = s ? s : ""; *p;) {
        unsigned char c = (unsigned char)*p;
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            rb_put(b, e, 2);
            p++;
        } else if (c == '<') { /* never "</script>" inside the data block */
            rb_puts(b, "\\u003c");
            p++;
        } else if (c < 0x20) {
            rb_printf(b, "\\u%04x", c);
            p++;
        } else if (c < 0x80) {
            rb_put(b, p, 1);
            p++;
        } else {
            int n = lever_utf8_length(p);
            if (n == 0) {
                rb_puts(b, "\\ufffd");
                p++;
            } else {
                rb_put(b, p, (size_t)n);
                p += n;
            }
        }
    }
    rb_puts(b, "\"");
}

const char *fmt_exact(double v, char *buf, size_t len)
{
    if (!isfinite(v)) {
        snprintf(buf, len, "%s", isnan(v) ? "" : v < 0 ? "-inf" : "inf");
        return buf;
    }
    if (v == floor(v) && fabs(v) < 9007199254740992.0) {
        snprintf(buf, len, "%.0f", v);
        return buf;
    }
    for (int digits = 15; digits <= 17; digits++) { /* the shortest that reads back */
        snprintf(buf, len, "%.*g", digits, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    return buf;
}

void rb_json_num(rbuf *b, double v)
{
    char buf[40];
    rb_puts(b, isfinite(v) ? fmt_exact(v, buf, sizeof buf) : "null");
}

const char *fmt_grouped_u(uint64_t v, char *buf, size_t len)
{
    char digits[32];
    int n = snprintf(digits, sizeof digits, "%" PRIu64, v);
    size_t o = 0;
    for (int i = 0; i < n && o + 2 < len; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
    return buf;
}

const char *fmt_grouped(int64_t v, char *buf, size_t len)
{
    if (v >= 0)
        return fmt_grouped_u((uint64_t)v, buf, len);
    if (len < 2) {
        if (len)
            buf[0] = '\0';
        return buf;
    }
    buf[0] = '-';
    fmt_grouped_u((uint64_t)(-(v + 1)) + 1, buf + 1, len - 1);
    return buf;
}

const char *fmt_usd_short(double v, int signed_, char *buf, size_t len)
{
    const char *sign = v < 0 ? "\xE2\x88\x92" : (signed_ && v > 0 ? "+" : "");
    double a = fabs(v);
    if (!isfinite(v))
        snprintf(buf, len, "-");
    else if (a >= 1e9)
        snprintf(buf, len, "%s%.*f bn", sign, a >= 1e11 ? 0 : a >= 1e10 ? 1 : 2, a / 1e9);
    else if (a >= 1e6)
        snprintf(buf, len, "%s%.*f M", sign, a >= 1e8 ? 0 : 1, a / 1e6);
    else if (a >= 1e3)
        snprintf(buf, len, "%s%.*f k", sign, a >= 1e5 ? 0 : 1, a / 1e3);
    else
        snprintf(buf, len, "%s%.0f", sign, a);
    return buf;
}

const char *fmt_ratio(double v, char *buf, size_t len)
{
    if (isnan(v))
        snprintf(buf, len, "-");
    else if (isinf(v))
        snprintf(buf, len, v < 0 ? "-inf" : "inf");
    else
        snprintf(buf, len, "%.4g", v);
    return buf;
}

const char *fmt_share(double v, char *buf, size_t len)
{
    if (!isfinite(v))
        snprintf(buf, len, "-");
    else if (v > 0 && v < 0.0005)
        snprintf(buf, len, "<0.1%%");
    else
        snprintf(buf, len, "%.1f%%", v * 100);
    return buf;
}

void country_code(const lever_store *s, int c, char *buf, size_t len)
{
    lever_country k;
    lever_country_at(s, c, &k);
    if (k.iso3[0])
        snprintf(buf, len, "%s", k.iso3);
    else
        snprintf(buf, len, "%d", k.code);
}

const char *country_name(const lever_store *s, int c)
{
    lever_country k;
    lever_country_at(s, c, &k);
    return k.name[0] ? k.name : k.iso3;
}

/* The sections of the Harmonized System: first chapter of each, numeral, short title. */
static const struct {
    int first_chapter;
    const char *roman, *title;
} sections[] = {
    {0, "", "Other"},
    {1, "I", "Live animals; animal products"},
    {6, "II", "Vegetable products"},
    {15, "III", "Animal or vegetable fats and oils"},
    {16, "IV", "Prepared foodstuffs; beverages; tobacco"},
    {25, "V", "Mineral products"},
    {28, "VI", "Chemical products"},
    {39, "VII", "Plastics and rubber"},
    {41, "VIII", "Hides, skins, leather"},
    {44, "IX", "Wood and articles of wood"},
    {47, "X", "Pulp, paper and paperboard"},
    {50, "XI", "Textiles and textile articles"},
    {64, "XII", "Footwear, headgear"},
    {68, "XIII", "Stone, ceramics, glass"},
    {71, "XIV", "Pearls, precious stones and metals"},
    {72, "XV", "Base metals"},
    {84, "XVI", "Machinery and electrical equipment"},
    {86, "XVII", "Vehicles, aircraft, vessels"},
    {90, "XVIII", "Instruments, clocks"},
    {93, "XIX", "Arms and ammunition"},
    {94, "XX", "Miscellaneous manufactured articles"},
    {97, "XXI", "Works of art, antiques"},
};
#define N_SECTIONS ((int)(sizeof sections / sizeof sections[0]))

int hs_section(int hs6)
{
    int chapter = hs6 / 10000;
    if (chapter < 1 || chapter > 97)
        return 0;
    int s = 1;
    while (s + 1 < N_SECTIONS && sections[s + 1].first_chapter <= chapter)
        s++;
    return s;
}

const char *hs_section_roman(int section)
{
    return section > 0 && section < N_SECTIONS ? sections[section].roman : "";
}

const char *hs_section_title(int section)
{
    return section > 0 && section < N_SECTIONS ? sections[section].title : sections[0].title;
}
