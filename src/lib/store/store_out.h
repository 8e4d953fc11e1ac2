/*
 * store_out.h - the store file writer (store_out.c): sections in, one complete,
 * fsynced file out, or nothing at all.
 */
#ifndef LEVER_STORE_OUT_H
#define LEVER_STORE_OUT_H

#include "base.h"
#include "format.h"

typedef struct store_out store_out;

/* Creates "<path>.tmp.XXXXXX" and starts the writer thread; a failure is described in errmsg
 * (here or in store_out_finish). */
int store_out_open(char *errmsg, size_t errlen, const char *path, store_out **out);
/* Hands over one section (id SEC_*): it is placed after the previous one and written in the
 * background; data must stay unchanged until store_out_finish or store_out_abort. Every
 * section is handed over exactly once. */
void store_out_section(store_out *o, uint32_t id, uint32_t elem, const void *data, uint64_t len);
/* Waits for the sections, writes the header h (its section count, file size and checksum
 * are filled in here), fsyncs, renames over the path and frees o. */
int store_out_finish(store_out *o, store_header *h);
/* Stops, removes the temporary file and frees o. */
void store_out_abort(store_out *o);

#endif /* LEVER_STORE_OUT_H */
