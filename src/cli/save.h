/*
 * save.h - what lever chart and lever report share (save.c): the library's output
 * collected in memory, then put in place as every lever output is, and the line saying
 * what was written. Apart from cli.h so that the output documents stay on their own.
 */
#ifndef LEVER_CLI_SAVE_H
#define LEVER_CLI_SAVE_H

#include "cli.h"

/* What lever chart and lever report render (save.c): the library's output collected in
 * memory (cli_collect is a lever_write_fn on a cli_text), then written to FILE through
 * FILE.tmp and a rename, or to stdout for "-" or NULL; png: through rsvg-convert. */
typedef struct cli_text {
    char *data;
    size_t len, cap;
} cli_text;
int cli_collect(void *ud, const char *data, size_t len);
bool cli_path_is_png(const char *path);
int cli_save(const char *path, const cli_text *t, bool png);
/* The line saying what was written: "wrote FILE (N bytes) in S s", on stderr; bytes 0
 * leaves the size out (a PNG, whose size lever does not know). */
void cli_wrote(const lever_store *s, const char *path, size_t bytes, double t0);

#endif /* LEVER_CLI_SAVE_H */
