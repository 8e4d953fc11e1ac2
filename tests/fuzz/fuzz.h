/*
 * fuzz.h - what the libFuzzer targets of tests/fuzz share: the fuzzer's bytes as a file
 * (a memfd, named /proc/self/fd/N, so nothing touches the disk), and an import committed
 * into a store on tmpfs that is then opened, checked and questioned, so that every
 * parser is followed through to a store that must verify.
 *
 * Why through the public API: a fuzzer finds what a user could reach; a bug found only
 * through internal calls would not be one users can meet.
 */
#ifndef LEVER_FUZZ_H
#define LEVER_FUZZ_H

#include "lever.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* The error of the last call (one thread per fuzzing process). */
static lever_error fuzz_err;

/* The bytes as a file: returns its path (valid until the next call). */
static inline const char *fuzz_file(const uint8_t *data, size_t size)
{
    static int fd = -1;
    static char path[64];
    if (fd < 0) {
        fd = memfd_create("lever-fuzz", MFD_CLOEXEC);
        if (fd < 0)
            abort();
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }
    if (ftruncate(fd, 0) != 0 || (size && pwrite(fd, data, size, 0) != (ssize_t)size))
        abort();
    return path;
}

/* Where committed stores go: tmpfs, one per process. */
static inline const char *fuzz_store_path(void)
{
    static char path[64];
    if (!path[0])
        snprintf(path, sizeof path, "/dev/shm/lever-fuzz-%d.store", (int)getpid());
    return path;
}

/* Opens a store, checks it, and asks it what every command starts with; anything
 * refused must be refused cleanly. A store that lever_check passes must answer. */
static inline void fuzz_question(const char *path)
{
    lever_store *s = NULL;
    if (lever_open(path, &s, &fuzz_err) == LEVER_OK) {
        lever_info info;
        lever_get_info(s, &info);
        int checked = lever_check(s, &fuzz_err);
        if (checked == LEVER_OK && info.n_countries >= 2 && info.n_years > 0) {
            lever_dyad_result *r = NULL;
            if (lever_dyad(s, 0, 1, NULL, 3, &r, &fuzz_err) == LEVER_OK)
                lever_dyad_free(r);
            int c;
            (void)lever_country_lookup(s, "FRA", &c, &fuzz_err);
        }
    }
    lever_close(s);
}

/* Building a store costs ~100 ms under the sanitizers (passes over every possible HS6
 * code), against ~1 ms to parse: one accepted input in COMMIT_ONE_IN is committed, chosen
 * by a hash of its bytes so that a run stays deterministic. */
#define COMMIT_ONE_IN 16

static inline bool fuzz_chosen(const uint8_t *data, size_t size)
{
    uint32_t h = 2166136261u;
    for (size_t n = 0; n < size; n++)
        h = (h ^ data[n]) * 16777619u;
    return h % COMMIT_ONE_IN == 0;
}

/* Commits an import (when every input was accepted and the input is chosen) and
 * questions the store. */
static inline void fuzz_commit(lever_import *imp, int rc, bool commit)
{
    if (rc == LEVER_OK && commit &&
        lever_import_commit(imp, fuzz_store_path(), &fuzz_err) == LEVER_OK)
        fuzz_question(fuzz_store_path());
    else if (rc != LEVER_OK && fuzz_err.message[0] == 0)
        abort(); /* every refusal says why */
    lever_import_free(imp);
    unlink(fuzz_store_path());
}

static inline lever_import *fuzz_import(void)
{
    lever_import *imp = NULL;
    if (lever_import_new(&imp, &fuzz_err) != LEVER_OK)
        abort();
    lever_import_set_threads(imp, 1);
    return imp;
}

/* Valid UTF-8 (no overlong forms, no surrogates, at most U+10FFFF): every string lever
 * hands back must be, whatever bytes it read. NULL passes. */
static inline bool fuzz_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    if (!p)
        return true;
    while (*p) {
        unsigned c = *p, n = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2
                                           : (c & 0xF8) == 0xF0 ? 3 : 9;
        if (n == 9 || (n == 1 && c < 0xC2) || (n == 3 && c > 0xF4))
            return false;
        uint32_t cp = n ? c & (0x3Fu >> n) : c;
        for (unsigned k = 1; k <= n; k++) {
            if ((p[k] & 0xC0) != 0x80)
                return false;
            cp = cp << 6 | (p[k] & 0x3F);
        }
        if ((n == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
            return false;
        p += n + 1;
    }
    return true;
}

/* Aborts (a finding) unless s is valid UTF-8. */
static inline void fuzz_need_utf8(const char *s)
{
    if (!fuzz_utf8(s))
        abort();
}

/* A store built once from rows (CSV text), kept mapped for the process. */
static inline lever_store *fuzz_small_store(const char *name, const char *rows)
{
    lever_store *s = NULL;
    char path[96];
    snprintf(path, sizeof path, "/dev/shm/lever-fuzz-%s-%d.store", name, (int)getpid());
    lever_import *imp = fuzz_import();
    if (lever_import_add_buffer(imp, "rows.csv", rows, strlen(rows), &fuzz_err) != LEVER_OK ||
        lever_import_commit(imp, path, &fuzz_err) != LEVER_OK ||
        lever_open(path, &s, &fuzz_err) != LEVER_OK)
        abort();
    lever_import_free(imp);
    unlink(path); /* stays mapped */
    return s;
}

/* A few valid trade rows, for targets whose input holds none. */
#define FUZZ_TRADE_ROWS "t,i,j,k,v,q\n2021,251,12,100190,1.5,2\n2021,276,12,100190,2.25,NA\n"

#endif /* LEVER_FUZZ_H */
