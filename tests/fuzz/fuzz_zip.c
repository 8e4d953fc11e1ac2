/*
 * fuzz_zip.c - libFuzzer target: any bytes as a file given to lever import (a BACI release
 * zip when it starts with the zip signature: central directory, zip64 records, members
 * stored or deflated), committed and questioned. Seeds: tests/fuzz/corpus/zip.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lever_import *imp = fuzz_import();
    int rc = lever_import_add_file(imp, fuzz_file(data, size), &fuzz_err);
    fuzz_commit(imp, rc, fuzz_chosen(data, size));
    return 0;
}
