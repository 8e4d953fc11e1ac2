/*
 * fuzz_comtrade_plus.c - libFuzzer target: any bytes as a UN Comtrade Plus download (the
 * 47-column CSV or the data API's JSON, recognised by their first bytes), imported,
 * committed and questioned. Seeds: tests/fuzz/corpus/comtrade_plus (the hand-made
 * files of tests/data/comtrade_plus, cut short).
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lever_import *imp = fuzz_import();
    int rc = lever_import_add_buffer(imp, "comtrade-2024-01-31", (const char *)data, size, &fuzz_err);
    fuzz_commit(imp, rc, fuzz_chosen(data, size));
    return 0;
}
