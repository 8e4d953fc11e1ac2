/*
 * fuzz_sigma.c - libFuzzer target: any bytes as a sigma file ("hs,sigma" per line,
 * lever_sigma_load) against a small store built once from valid rows.
 * Seeds: tests/fuzz/corpus/sigma.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static lever_store *store(void)
{
    static lever_store *s;
    if (s)
        return s;
    static const char rows[] = FUZZ_TRADE_ROWS "2021,12,251,270900,10,5\n";
    char path[64];
    snprintf(path, sizeof path, "/dev/shm/lever-fuzz-sigma-%d.store", (int)getpid());
    lever_import *imp = fuzz_import();
    if (lever_import_add_buffer(imp, "rows.csv", rows, sizeof rows - 1, &fuzz_err) != LEVER_OK ||
        lever_import_commit(imp, path, &fuzz_err) != LEVER_OK ||
        lever_open(path, &s, &fuzz_err) != LEVER_OK)
        abort();
    lever_import_free(imp);
    unlink(path); /* stays mapped */
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lever_store *s = store();
    double *sigma = NULL;
    fuzz_err.message[0] = 0;
    if (lever_sigma_load(s, fuzz_file(data, size), &sigma, &fuzz_err) != LEVER_OK &&
        !fuzz_err.message[0])
        abort();
    free(sigma);
    return 0;
}
