/*
 * hs_editions.h - the HS editions (HS92 ... HS22) and UNSD's correlation tables between
 * adjacent ones (data/hs): which editions a 6-digit code exists in, and the codes of
 * another edition a code links to. Used by the importer (import.c) to tell a file's
 * edition from its codes and to convert rows with --to-hs.
 */
#ifndef LEVER_HS_EDITIONS_H
#define LEVER_HS_EDITIONS_H

#include <stddef.h>
#include <stdint.h>

#define HS_N_EDITIONS 7 /* HS92, HS96, HS02, HS07, HS12, HS17, HS22: index 0..6 */
#define HS_MAX_TARGETS 2048 /* UNSD's tables link an HS22 code to up to 1,087 HS02 codes */

typedef struct hs_tables hs_tables;

/* Index of "HS92" ... "HS22", or -1. */
int hs_edition_index(const char *name);
const char *hs_edition_name(int edition);
/* The installed tables, else those of the sources the build came from. */
const char *hs_tables_default_dir(void);
/* Reads the six step files of dir (NULL: the default). LEVER_EIO / LEVER_EINPUT with
 * "file:line:column: ..." in err. */
int hs_tables_load(const char *dir, hs_tables **out, char *err, size_t errlen);
void hs_tables_free(hs_tables *t);
const char *hs_tables_dir(const hs_tables *t);
/* Bit e set when HS6 code k exists in edition e (0 when k is in none). */
uint8_t hs_code_editions(const hs_tables *t, uint32_t k);
/* The codes of edition `to` that code k of edition `from` links to, through every
 * adjacent step between them, sorted; returns how many (0: k unknown, or out of memory;
 * max + 1: more than max, or than HS_MAX_TARGETS, and out is not filled). */
size_t hs_targets(hs_tables *t, int from, int to, uint32_t k, uint32_t *out, size_t max);

#endif /* LEVER_HS_EDITIONS_H */
