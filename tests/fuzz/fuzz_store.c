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

/* Recomputes every checksum a lever store carries, where the bytes allow (format 4): the
 * XXH3 of each 4096-byte block's section bytes in the block-sums section, each section's
 * checksum over its slice of those, the block-sums section's own, then the header's. */
static void fix_checksums(uint8_t *p, size_t size)
{
    size_t table = STORE_HEADER_BYTES + STORE_N_SECTIONS * sizeof(store_section);
    if (size < table)
        return;
    store_header h;
    memcpy(&h, p, sizeof h);
    store_section sums;
    uint8_t *sums_at = p + STORE_HEADER_BYTES + (size_t)(SEC_BLOCK_SUMS - 1) * sizeof sums;
    memcpy(&sums, sums_at, sizeof sums);
    bool have_sums = sums.offset <= size && sums.length <= size - sums.offset;
    uint64_t n_sums = have_sums ? sums.length / 8 : 0;
    for (int n = 0; have_sums && n < STORE_N_SECTIONS; n++) {
        store_section sec;
        uint8_t *at = p + STORE_HEADER_BYTES + (size_t)n * sizeof sec;
        memcpy(&sec, at, sizeof sec);
        if (sec.id == SEC_BLOCK_SUMS || sec.offset > size || sec.length > size - sec.offset ||
            sec.offset % STORE_ALIGN)
            continue;
        uint64_t b0 = sec.offset / STORE_ALIGN, nb = (sec.length + STORE_ALIGN - 1) / STORE_ALIGN;
        if (b0 + nb > n_sums)
            continue;
        for (uint64_t b = 0; b < nb; b++) {
            uint64_t off = b * STORE_ALIGN;
            size_t len = sec.length - off < STORE_ALIGN ? (size_t)(sec.length - off) : STORE_ALIGN;
            uint64_t hash = XXH3_64bits(p + sec.offset + off, len);
            memcpy(p + sums.offset + (b0 + b) * 8, &hash, 8);
        }
        sec.checksum = XXH3_64bits(p + sums.offset + b0 * 8, (size_t)nb * 8);
        memcpy(at, &sec, sizeof sec);
    }
    if (have_sums) {
        sums.checksum = XXH3_64bits(p + sums.offset, (size_t)sums.length);
        memcpy(sums_at, &sums, sizeof sums);
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
