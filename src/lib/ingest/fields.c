/*
 * fields.c - what the parsers share to read one field: exact decimal numbers (never
 * through a binary float), the check of a field against its description with the
 * message that says what to do, and UN Comtrade's classification codes.
 *
 * Why here: the BACI, legacy Comtrade and Comtrade Plus readers all meet the same
 * numbers ("649770.245", "1e+05", "6804128143.0") and must agree to the last unit.
 */
#include "fields.h"

#include <stdio.h>
#include <string.h>

#define MAX_SIG_DIGITS 40

/* ------------------------------------------------------------------ */
/* Exact decimal numbers                                               */
/* ------------------------------------------------------------------ */

static bool is_missing_text(const char *s, size_t n)
{
    static const char *const words[] = {"NA", "na", "NaN", "nan", "NULL", "null", "N/A"};
    if (n == 0)
        return true;
    for (size_t w = 0; w < sizeof words / sizeof words[0]; w++)
        if (strlen(words[w]) == n && memcmp(words[w], s, n) == 0)
            return true;
    return false;
}

/* Reads a decimal number ("12.345", "1e+05", "0.0220") as an integer of 10^-scale
 * units, exactly. Digits beyond the scale are rounded half away from zero and set
 * *inexact when any of them is not 0. */
int fixed_from_text(const char *s, size_t n, int scale, uint64_t *out, bool *inexact)
{
    *inexact = false;
    *out = 0;
    /* the usual shape first: up to 18 digits, a point and at most `scale` decimals */
    if (n > 0 && n <= 19 && scale >= 0 && scale <= 3) {
        uint64_t v = 0;
        size_t q = 0, whole = 0; /* digits before the point */
        for (; q < n && s[q] >= '0' && s[q] <= '9'; q++, whole++)
            v = v * 10 + (uint64_t)(s[q] - '0');
        int decimals = 0;
        if (q < n && s[q] == '.' && whole > 0)
            for (q++; q < n && s[q] >= '0' && s[q] <= '9' && decimals < scale; q++, decimals++)
                v = v * 10 + (uint64_t)(s[q] - '0');
        if (q == n && whole > 0 && whole + (size_t)scale <= 18) {
            for (; decimals < scale; decimals++)
                v *= 10;
            *out = v;
            return NUM_OK;
        }
        *out = 0;
    }
    if (is_missing_text(s, n))
        return NUM_MISSING;
    size_t p = 0;
    bool negative = false;
    if (s[p] == '+' || s[p] == '-')
        negative = s[p++] == '-';
    char digits[MAX_SIG_DIGITS];
    int n_digits = 0;
    long exp10 = 0;
    bool any_digit = false, seen_point = false, dropped_nonzero = false;
    for (; p < n; p++) {
        char c = s[p];
        if (c >= '0' && c <= '9') {
            any_digit = true;
            if (n_digits == 0 && c == '0') {
                exp10 -= seen_point;
            } else if (n_digits < MAX_SIG_DIGITS) {
                digits[n_digits++] = c;
                exp10 -= seen_point;
            } else {
                exp10 += !seen_point;
                dropped_nonzero |= c != '0';
            }
        } else if (c == '.' && !seen_point) {
            seen_point = true;
        } else {
            break;
        }
    }
    if (!any_digit)
        return NUM_BAD;
    if (p < n) {
        if (s[p] != 'e' && s[p] != 'E')
            return NUM_BAD;
        p++;
        bool exp_negative = false;
        if (p < n && (s[p] == '+' || s[p] == '-'))
            exp_negative = s[p++] == '-';
        if (p == n)
            return NUM_BAD;
        long e = 0;
        for (; p < n; p++) {
            if (s[p] < '0' || s[p] > '9')
                return NUM_BAD;
            if (e < 100000)
                e = e * 10 + (s[p] - '0');
        }
        exp10 += exp_negative ? -e : e;
    }
    if (n_digits == 0)
        return NUM_OK; /* zero, also "-0.000" */
    if (negative)
        return NUM_NEGATIVE;
    long shift = exp10 + scale; /* value = digits * 10^shift */
    long keep = shift >= 0 ? n_digits : n_digits + shift;
    if (keep + (shift > 0 ? shift : 0) > 20)
        return NUM_TOO_BIG;
    uint64_t v = 0;
    for (long d = 0; d < keep; d++)
        if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, digits[d] - '0', &v))
            return NUM_TOO_BIG;
    for (long d = 0; d < shift; d++)
        if (__builtin_mul_overflow(v, 10, &v))
            return NUM_TOO_BIG;
    if (keep < n_digits) {
        long first_dropped = keep < 0 ? 0 : keep;
        for (long d = first_dropped; d < n_digits; d++)
            dropped_nonzero |= digits[d] != '0';
        if (keep >= 0 && digits[keep] >= '5' && __builtin_add_overflow(v, 1, &v))
            return NUM_TOO_BIG;
    }
    *inexact = dropped_nonzero;
    *out = v;
    return NUM_OK;
}

/* Copies at most SHOWN_TEXT bytes of a field for a message, control bytes as '?'. */
void shown_text(const char *s, size_t n, char out[SHOWN_TEXT + 4])
{
    size_t m = n > SHOWN_TEXT ? SHOWN_TEXT : n;
    for (size_t c = 0; c < m; c++)
        out[c] = (unsigned char)s[c] < ' ' || s[c] == 127 ? '?' : s[c];
    if (n > m)
        memcpy(out + m, "...", 4);
    else
        out[m] = 0;
}

/* Checks a field's text against its spec. Returns true with *value, else writes the
 * reason into msg. *rounded is set when digits beyond the scale were dropped. */
bool field_value(const field_spec *spec, const char *s, size_t n, uint64_t *value,
                 bool *missing, bool *rounded, char *msg, size_t msg_len)
{
    char text[SHOWN_TEXT + 4];
    bool inexact;
    int st = fixed_from_text(s, n, spec->scale, value, &inexact);
    *missing = st == NUM_MISSING;
    *rounded = false;
    if (st == NUM_OK && !inexact && *value >= spec->min && *value <= spec->max)
        return true; /* the usual case, without copying the text for a message */
    shown_text(s, n, text);
    switch (st) {
    case NUM_MISSING:
        if (spec->optional)
            return true;
        snprintf(msg, msg_len, "%s is missing; %s", spec->what, spec->hint);
        return false;
    case NUM_BAD:
        snprintf(msg, msg_len, "%s \"%s\" is not a number; %s", spec->what, text, spec->hint);
        return false;
    case NUM_NEGATIVE:
        snprintf(msg, msg_len, "%s \"%s\" is negative; %s", spec->what, text, spec->hint);
        return false;
    case NUM_TOO_BIG:
        snprintf(msg, msg_len, "%s \"%s\" is too large; %s", spec->what, text, spec->hint);
        return false;
    default:
        break;
    }
    if (inexact && spec->whole) {
        snprintf(msg, msg_len, "%s \"%s\" is not a whole number; %s", spec->what, text,
                 spec->hint);
        return false;
    }
    if (*value < spec->min || *value > spec->max) {
        snprintf(msg, msg_len, "%s %s is outside %llu..%llu; %s", spec->what, text,
                 (unsigned long long)spec->min, (unsigned long long)spec->max, spec->hint);
        return false;
    }
    *rounded = inexact;
    return true;
}

/* "H5" -> "HS17"; NULL for classifications that are not HS. */
const char *hs_of_classification(const char *c)
{
    static const char *const versions[] = {"HS92", "HS96", "HS02", "HS07", "HS12", "HS17",
                                           "HS22"};
    if ((c[0] == 'H' || c[0] == 'h') && c[1] >= '0' && c[1] <= '6' && c[2] == 0)
        return versions[c[1] - '0'];
    return NULL;
}

