/*
 * blockhash_avx2.c - XXH3 from the xxhash header, compiled for AVX2 (see blockhash.c,
 * which calls it only on processors that have AVX2).
 */
#include "format.h"

#if LEVER_HAVE_AVX2_HASH
#pragma GCC target("avx2")
#define XXH_INLINE_ALL
#define XXH_VECTOR 2 /* XXH_AVX2 */
#include <xxhash.h>

uint64_t store_block_hash_avx2(const void *p, size_t len)
{
    return XXH3_64bits(p, len);
}
#endif
