/*
 * utf8.c - what lever writes is valid UTF-8: checking a byte sequence, and reading text
 * that is not UTF-8 (a dictionary saved by a spreadsheet in Windows-1252 or Latin-1) as
 * such and converting it.
 *
 * Why by hand: two small functions; iconv would need a locale and could not say which
 * byte was wrong. Windows-1252 is taken rather than plain Latin-1 because it is what
 * spreadsheets on Windows save ("’" is 0x92 there); its five unassigned bytes, like the
 * C1 controls of Latin-1, become U+FFFD.
 */
#include "lever.h"

#include <stdlib.h>
#include <string.h>

int lever_utf8_length(const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    unsigned c = s[0];
    if (c == 0)
        return 0;
    if (c < 0x80)
        return 1;
    int n;
    unsigned min;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        min = 0x10000;
    } else {
        return 0;
    }
    unsigned cp = c & (0x7Fu >> n);
    for (int k = 1; k < n; k++) {
        if ((s[k] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (s[k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

/* Windows-1252's 0x80..0x9F; 0xFFFD where it assigns nothing. */
static const unsigned short cp1252[32] = {
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};

char *lever_utf8_from_legacy(const char *text, size_t *bad_at)
{
    size_t n = strlen(text);
    *bad_at = (size_t)-1;
    for (size_t at = 0; at < n;) {
        int k = lever_utf8_length(text + at);
        if (k == 0) {
            *bad_at = at;
            break;
        }
        at += (size_t)k;
    }
    char *out = malloc(*bad_at == (size_t)-1 ? n + 1 : n * 3 + 1);
    if (!out || *bad_at == (size_t)-1) {
        if (out)
            memcpy(out, text, n + 1);
        return out;
    }
    char *o = out;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        unsigned cp = *p < 0x80 ? *p : *p < 0xA0 ? cp1252[*p - 0x80] : *p;
        if (cp < 0x80) {
            *o++ = (char)cp;
        } else if (cp < 0x800) {
            *o++ = (char)(0xC0 | cp >> 6);
            *o++ = (char)(0x80 | (cp & 0x3F));
        } else {
            *o++ = (char)(0xE0 | cp >> 12);
            *o++ = (char)(0x80 | (cp >> 6 & 0x3F));
            *o++ = (char)(0x80 | (cp & 0x3F));
        }
    }
    *o = 0;
    return out;
}
