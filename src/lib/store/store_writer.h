/*
 * store_writer.h - what the store writer (store_write.c) takes: the rows and
 * dictionaries an import gathered, its metadata, and two callbacks into whoever
 * gathered them (where a row came from, for messages; warnings). The writer knows
 * nothing of parsers or of the import handle: the importer fills a store_input and
 * calls store_write, and nothing calls back into the importer but these callbacks.
 */
#ifndef LEVER_STORE_WRITER_H
#define LEVER_STORE_WRITER_H

#include "base.h"

typedef struct store_input {
    lever_rows *rows;               /* turned into the store's columns in place (consumed) */
    const dict_country *countries;  /* dictionary entries, any order */
    size_t n_countries;
    const dict_product *products;
    size_t n_products;
    const char *const *sources;     /* names of the inputs with rows or entries, in order */
    size_t n_sources;
    const char *hs_version;         /* "HS92" or "" */
    const char *release;            /* "V202301", "synthetic" or "" */
    const char *converted;          /* what --to-hs converted, or NULL */
    const uint16_t *year_flags;     /* (year, STORE_YEAR_* flags) pairs, n_year_flags of them */
    size_t n_year_flags;
    bool synthetic;
    bool complete;                  /* whole years of a release: every country covered */
    const row_decl *decl;           /* Comtrade: both declarations of each row, row order */
    const cover_item *declared;     /* Comtrade: what each country declared each year */
    size_t n_declared;
    const reflow *reflows;          /* Comtrade: re-exports and re-imports */
    size_t n_reflows;
    int threads;                    /* 1: build everything on this thread */
    /* Writes "name:line" of row ordinal `row` into buf, for messages. */
    void (*locate_row)(void *ud, uint64_t row, char *buf, size_t len);
    /* Receives one warning (an unknown country code, ...); may be NULL. */
    void (*warn)(void *ud, const char *message);
    void *ud;
    char *errmsg;                   /* the message of a failure goes here */
    size_t errlen;
    bool consumed;                  /* set once the rows have been turned into columns */
} store_input;

/* Writes the store at path: "<path>.tmp.XXXXXX" beside it, fsynced, then renamed over path.
 * On failure path is untouched, no temporary file remains and in->errmsg says why. */
int store_write(store_input *in, const char *path);

#endif /* LEVER_STORE_WRITER_H */
