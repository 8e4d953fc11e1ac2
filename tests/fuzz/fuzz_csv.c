/*
 * fuzz_csv.c - libFuzzer target: any bytes as one CSV input (BACI trade file, BACI
 * dictionary, Comtrade legacy CSV: the header says which), imported, committed and
 * questioned. Seeds: tests/fuzz/corpus/csv.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lever_import *imp = fuzz_import();
    int rc = lever_import_add_buffer(imp, "fuzz.csv", (const char *)data, size, &fuzz_err);
    fuzz_commit(imp, rc, fuzz_chosen(data, size));
    return 0;
}
