/*
 * fuzz_store.c - libFuzzer target: any bytes as a store file, opened, checked and
 * questioned. The header and section checksums are set right after the fuzzer's change
 * (when the bytes are long enough to hold a header and section table), so that the
 * fuzzer reaches what lies behind them: the counts, offsets and indices a damaged or
 * forged store could hold. Seeds: tests/fuzz/corpus/store.
 */
#include "fuzz.h"
#include "format.h"

#include <xxhash.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Recomputes every checksum a lever store carries, where the bytes allow. */
static void fix_checksums(uint8_t *p, size_t size)
{
    size_t table = STORE_HEADER_BYTES + STORE_N_SECTIONS * sizeof(store_section);
    if (size < table)
        return;
    store_header h;
    memcpy(&h, p, sizeof h);
    for (int n = 0; n < STORE_N_SECTIONS; n++) {
        store_section sec;
        uint8_t *at = p + STORE_HEADER_BYTES + (size_t)n * sizeof sec;
        memcpy(&sec, at, sizeof sec);
        if (sec.offset <= size && sec.length <= size - sec.offset) {
            sec.checksum = XXH64(p + sec.offset, (size_t)sec.length, 0);
            memcpy(at, &sec, sizeof sec);
        }
    }
    h.file_bytes = size;
    h.checksum = 0;
    memcpy(p, &h, sizeof h);
    h.checksum = XXH64(p, table, 0);
    memcpy(p, &h, sizeof h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    fix_checksums(copy, size);
    fuzz_question(fuzz_file(copy, size));
    free(copy);
    return 0;
}
