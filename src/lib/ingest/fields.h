/*
 * fields.h - reading one field of an input: exact decimal numbers, a field's
 * description and its check, Comtrade classification codes (fields.c). Shared by the
 * parsers; includes nothing of the importer.
 */
#ifndef LEVER_FIELDS_H
#define LEVER_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { NUM_OK, NUM_MISSING, NUM_BAD, NUM_NEGATIVE, NUM_TOO_BIG };

/* Reads a decimal number ("12.345", "1e+05", "0.0220") as an integer of 10^-scale units,
 * exactly. Digits beyond the scale are rounded half away from zero and set *inexact when
 * any of them is not 0. Returns NUM_*. */
int fixed_from_text(const char *s, size_t n, int scale, uint64_t *out, bool *inexact);

/* What a column is and what to do when it is wrong. */
typedef struct field_spec {
    const char *what;   /* "value" */
    int scale;          /* decimals turned into units: 3 for thousands of USD */
    bool whole;         /* must be an integer (years and codes) */
    bool optional;      /* may be missing (NA or empty) */
    uint64_t min, max;
    const char *hint;   /* what to do, after "; " */
} field_spec;


#define SHOWN_TEXT 40
/* Copies at most SHOWN_TEXT bytes of a field for a message, control bytes as '?'. */
void shown_text(const char *s, size_t n, char out[SHOWN_TEXT + 4]);
/* Checks a field's text against its spec. Returns true with *value, else writes the
 * reason into msg. *rounded is set when digits beyond the scale were dropped. */
bool field_value(const field_spec *spec, const char *s, size_t n, uint64_t *value,
                 bool *missing, bool *rounded, char *msg, size_t msg_len);
/* Comtrade's "H5" -> "HS17"; NULL for classifications that are not HS. */
const char *hs_of_classification(const char *c);

#endif /* LEVER_FIELDS_H */
