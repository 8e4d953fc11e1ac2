/*
 * helpers.h - what lever's unit tests share: cmocka with the headers it needs first,
 * floating-point checks that say what they got, a country's index by its code, a
 * temporary folder per test binary, and a small deterministic random generator.
 * Every unit test includes it first, so a helper is written once (tests/README.md).
 */
#ifndef LEVER_TEST_HELPERS_H
#define LEVER_TEST_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#define _XOPEN_SOURCE_EXTENDED 1
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "lever.h"

/* |got - want| <= tol * max(1, |want|): a relative tolerance, absolute near zero. */
static inline void assert_close_to(double got, double want, double tol)
{
    double scale = fabs(want) > 1.0 ? fabs(want) : 1.0;
    if (!(fabs(got - want) <= tol * scale))
        fail_msg("got %.17g, want %.17g", got, want);
}

static inline void assert_nan(double got)
{
    if (!isnan(got))
        fail_msg("got %.17g, want NaN", got);
}

/* The index of the country with numeric code `code`; fails the test when it is absent. */
static inline int country_by_code(const lever_store *s, int code)
{
    lever_info info;
    lever_get_info(s, &info);
    for (int c = 0; c < info.n_countries; c++) {
        lever_country k;
        lever_country_at(s, c, &k);
        if (k.code == code)
            return c;
    }
    fail_msg("country %d is not in the store", code);
    return -1;
}

/* Makes $TMPDIR/lever-test-NAME-XXXXXX into dir (a buffer of len bytes); 0 on success. */
static inline int test_dir_make(char *dir, size_t len, const char *name)
{
    snprintf(dir, len, "%s/lever-test-%s-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
             name);
    return mkdtemp(dir) ? 0 : -1;
}

static inline int test_dir_remove_one(const char *path, const struct stat *st, int flag,
                                      struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* Removes dir and everything in it; 0 on success. */
static inline int test_dir_remove(const char *dir)
{
    return nftw(dir, test_dir_remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* splitmix64: the same numbers on every machine, for generated test worlds. */
static inline uint64_t test_random(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

#endif /* LEVER_TEST_HELPERS_H */
