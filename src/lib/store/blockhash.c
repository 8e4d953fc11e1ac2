/*
 * blockhash.c - the XXH3 of one block of the store, as fast as the processor allows.
 *
 * Why: queries verify every block they read on first use (verify.c), so hashing is on the
 * path of every fresh-process query. Debian's libxxhash is built for baseline x86-64
 * (SSE2); its header compiled with AVX2 enabled (blockhash_avx2.c) hashes a 4 KB block
 * about twice as fast. That code runs only when the processor has AVX2 (asked once);
 * otherwise, and with other compilers or processors, the library's function does. Both
 * give the same value: the vector width is not part of XXH3.
 */
#include "format.h"

#include <stdatomic.h>
#include <xxhash.h>

uint64_t store_block_hash(const void *p, size_t len)
{
#if LEVER_HAVE_AVX2_HASH
    static atomic_int avx2 = -1; /* every thread that asks finds the same answer */
    int has = atomic_load_explicit(&avx2, memory_order_relaxed);
    if (has < 0) {
        has = __builtin_cpu_supports("avx2") ? 1 : 0;
        atomic_store_explicit(&avx2, has, memory_order_relaxed);
    }
    if (has)
        return store_block_hash_avx2(p, len);
#endif
    return XXH3_64bits(p, len);
}
