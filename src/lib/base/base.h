/*
 * base.h - what every stage of liblever shares and the application never sees:
 * the public header, error messages into a caller's buffer, large page-aligned
 * memory, and the two things an import hands to the store writer (the column
 * buffer of raw rows and the dictionary entries). Base calls nothing else in the
 * library.
 */
#ifndef LEVER_BASE_H
#define LEVER_BASE_H

#include "lever.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

/* qsort for arrays that may be empty: qsort(NULL, 0, ...) is undefined behaviour, and an
 * empty result's array is NULL. Every sort of the library goes through here. */
static inline void sort_items(void *base, size_t n, size_t size,
                              int (*cmp)(const void *, const void *))
{
    if (n > 1)
        qsort(base, n, size, cmp);
}

/* Formats a message into buf (printf-style) and returns rc: the one way every module
 * fills an error message. */
int msg_fail(char *buf, size_t len, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int msg_vfail(char *buf, size_t len, int rc, const char *fmt, va_list ap);
/* Fills the caller's error (when err is not NULL) with rc and the message; returns rc. */
int error_set(lever_error *err, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Appends printf-style text to buf (of size len) at *used, cutting it quietly when full. */
void text_appendf(char *buf, size_t len, size_t *used, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int error_vset(lever_error *err, int rc, const char *fmt, va_list ap);
/* Formats a message and hands it to fn (a warning callback), if fn is not NULL. */
void msg_vsend(void (*fn)(void *ud, const char *message), void *ud, const char *fmt,
               va_list ap);

/* Small text files a user gives (textfile.c): groups, elasticities, borders, events,
 * production, chains. Errors read "file:line:column: what; what to do". */
typedef struct text_pos {
    const char *file;
    int line;
    char *err;
    size_t errlen;
} text_pos;
typedef struct text_field {
    const char *text; /* NUL-terminated, quotes removed, blanks trimmed */
    size_t column;    /* 0-based column of the field in its line */
} text_field;
/* "file:line:column: " + message into pos->err; returns LEVER_EINPUT. */
int text_error_at(const text_pos *pos, size_t column, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Reads a whole text file (malloc'd, NUL-terminated); refuses NUL bytes. */
int text_file_read(const char *path, char **text, char *err, size_t errlen);
/* Splits the next line off *cursor in place (\n or \r\n); NULL at the end. */
char *text_next_line(char **cursor);
/* A line holding only blanks, or a '#' comment. */
bool text_blank_or_comment(const char *line);
/* Splits a line in place into CSV fields (at most max); returns their number (>= 1), or
 * LEVER_EINPUT negated with the message in pos->err. */
int text_csv_fields(const text_pos *pos, char *line, text_field *fields, int max);
/* Every record of a CSV text (modified in place), blank and '#' lines skipped: the first
 * record is passed to is_header (may be NULL) and skipped when it says so; record() gets
 * the others and its non-zero result stops the reading. At most TEXT_MAX_FIELDS fields. */
#define TEXT_MAX_FIELDS 16
typedef bool (*text_header_fn)(void *ctx, const text_field *fields, int n);
typedef int (*text_record_fn)(void *ctx, const text_pos *pos, const text_field *fields, int n);
int text_csv_records(const char *name, char *text, int max_fields, text_header_fn is_header,
                     text_record_fn record, void *ctx, char *err, size_t errlen);
/* The same for a file (text_file_read, then text_csv_records). */
int text_csv_file(const char *path, int max_fields, text_header_fn is_header,
                  text_record_fn record, void *ctx, char *err, size_t errlen);

/* The code a country has in the newest BACI release, for a code an earlier release used:
 * Italy is 381 in the releases up to V202201 and 380 from V202301 on. (The other pairs of
 * codes with one ISO3 in CEPII's dictionaries are different territories that coexist in one
 * release: 58 Belgium-Luxembourg and 56 Belgium, 280 the former Federal Republic of Germany
 * and 276 Germany, 711 the Southern African Customs Union and 710 South Africa, 736 the
 * former Sudan and 729 Sudan.) The importer stores rows and dictionaries under the newer
 * code; the lookup finds a country by either. */
static inline int country_code_current(int code)
{
    return code == 381 ? 380 : code;
}

/* Unit value in USD per kg, NaN when q is missing or 0 (INDICATORS.md section 1): here,
 * not in formulas.h, because the store writer precomputes the world medians of it. */
static inline double unit_value(uint64_t v, int64_t q_kg)
{
    if (q_kg == LEVER_QTY_MISSING || q_kg <= 0)
        return NAN;
    return (double)v / (double)q_kg;
}

/* ------------------------------------------------------------------ */
/* Rows and dictionary entries: what an import gathers for the writer  */
/* ------------------------------------------------------------------ */

/* One column-oriented buffer of raw rows, codes as read (not yet indexed). */
typedef struct lever_rows {
    size_t n, cap;
    uint16_t *t;  /* year */
    uint16_t *i;  /* exporter numeric code 0..999 */
    uint16_t *j;  /* importer numeric code */
    uint32_t *k;  /* HS6 code as an integer: 10190 is "010190" */
    uint64_t *v;  /* USD */
    int64_t *q;   /* kg or LEVER_QTY_MISSING */
} lever_rows;

/* Large arrays (store building): anonymous memory advised to use transparent huge pages,
 * because first touching memory page by page dominates import time on virtual machines.
 * big_alloc returns NULL on failure; big_free takes the size given to big_alloc. */
void *big_alloc(size_t bytes);
void big_free(void *p, size_t bytes);

int rows_reserve(lever_rows *r, size_t extra); /* LEVER_OK or LEVER_ENOMEM */
void rows_free(lever_rows *r);
static inline void rows_push_unchecked(lever_rows *r, uint16_t t, uint16_t i, uint16_t j,
                                       uint32_t k, uint64_t v, int64_t q)
{
    size_t n = r->n++;
    r->t[n] = t;
    r->i[n] = i;
    r->j[n] = j;
    r->k[n] = k;
    r->v[n] = v;
    r->q[n] = q;
}

typedef struct dict_country {
    uint16_t code;
    char iso3[4];
    char iso2[4];
    char *name;      /* malloc'd */
    char *full_name; /* malloc'd, may be NULL */
} dict_country;

typedef struct dict_product {
    uint32_t hs6;
    char *description; /* malloc'd */
} dict_product;

/* ------------------------------------------------------------------ */
/* Comtrade declarations: what a Comtrade import hands to the writer   */
/* ------------------------------------------------------------------ */

/* A flow's two declarations: the exporter's (X, FOB) and the importer's (M, CIF), as
 * declared (USD, kg); DECL_NONE when that side declared nothing. Written as they are in
 * the store's section of declarations, one per row (store/format.h). */
#define DECL_NONE UINT64_MAX
typedef struct row_decl {
    uint64_t vx, vm; /* USD or DECL_NONE */
    int64_t qx, qm;  /* kg or LEVER_QTY_MISSING */
} row_decl;

/* Coverage flags, per year and country: the store holds all imports (all exports) of the
 * country that year; in a Comtrade store, the country declared imports (exports) itself. */
#define COVER_IMPORTS 1u
#define COVER_EXPORTS 2u
#define COVER_DECLARED_M 4u
#define COVER_DECLARED_X 8u

/* A country's declarations in a year (COVER_DECLARED_* flags). */
typedef struct cover_item {
    uint16_t year, code;
    uint8_t flags;
} cover_item;

/* A re-export (RX) or re-import (RM), kept apart from exports and imports; written as it
 * is in the store's section of them. */
typedef struct reflow {
    int32_t year;
    uint16_t reporter, partner; /* country codes */
    uint32_t hs6;
    uint32_t flow;              /* 0 re-import (RM), 1 re-export (RX) */
    uint64_t value;             /* USD */
    int64_t kg;                 /* or LEVER_QTY_MISSING */
} reflow;

#endif /* LEVER_BASE_H */
