/*
 * fuzz_dict.c - libFuzzer target: any bytes as a BACI dictionary (countries or products),
 * imported beside two valid trade rows, so that its names reach the store and the
 * queries. Seeds: tests/fuzz/corpus/dict.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lever_import *imp = fuzz_import();
    static const char rows[] = FUZZ_TRADE_ROWS;
    int rc = lever_import_add_buffer(imp, "country_codes_V202301.csv", (const char *)data, size, &fuzz_err);
    if (rc == LEVER_OK)
        rc = lever_import_add_buffer(imp, "rows.csv", rows, sizeof rows - 1, &fuzz_err);
    fuzz_commit(imp, rc, fuzz_chosen(data, size));
    return 0;
}
