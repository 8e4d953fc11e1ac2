/*
 * outfile.h - the temporary file a store is written to, then renamed into place
 * (outfile.c): checked output paths, locked and recognisable temporary files, stale
 * ones removed.
 */
#ifndef LEVER_OUTFILE_H
#define LEVER_OUTFILE_H

#include "base.h"
#include "format.h"

/* The first 8 bytes of a named temporary file until its header is written. */
#define TEMP_MAGIC "LEVERTMP"

typedef struct outfile {
    char *target; /* the file replaced at the end (a symbolic link resolved) */
    char *tmp;    /* "<target>.tmp.XXXXXX" while it has a name, else "" */
    int fd;       /* read-write, flock'ed */
    bool unnamed; /* made with O_TMPFILE: no name until outfile_commit */
    int slot;     /* its entry in the table lever_remove_temp_files reads, or -1 */
} outfile;

/* Removes the stale temporary files of target (lever's own, locked by no one); returns
 * how many. */
int outfile_sweep(const char *target);
/* Sweeps, then creates the temporary file beside target (a checked path: see
 * lever_output_check). */
int outfile_create(outfile *f, const char *target, char *msg, size_t msg_len);
/* The same file opened again with O_DIRECT, or -1. */
int outfile_reopen_direct(const outfile *f);
/* What to call the file in messages. */
const char *outfile_name(const outfile *f);
/* fsync, name, rename over the target, fsync the folder, close. On failure the temporary
 * file is removed. Frees f's strings in both cases. */
int outfile_commit(outfile *f, char *msg, size_t msg_len);
/* Removes the temporary file, closes and frees. */
void outfile_discard(outfile *f);
void outfile_release(outfile *f);

#endif /* LEVER_OUTFILE_H */
