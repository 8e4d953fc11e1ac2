/*
 * rows.c - large page-aligned memory (anonymous mappings advised to use transparent
 * huge pages) and the growable column buffer of raw rows an import fills and the store
 * writer consumes.
 */
#include "base.h"

#include <stdlib.h>
#include <sys/mman.h>

/* Grows an array of big_alloc memory in place or by moving its pages (mremap), never by
 * copying; NULL on failure, the old array then unchanged. (ThreadSanitizer does not follow
 * mremap: memory moved this way can show as false races between the parse threads under
 * TSan; with a copying grow instead, an import under TSan reports none.) */
static void *big_grow(void *p, size_t old_bytes, size_t new_bytes)
{
    if (!p)
        return big_alloc(new_bytes);
    void *q = mremap(p, old_bytes, new_bytes, MREMAP_MAYMOVE);
    if (q == MAP_FAILED)
        return NULL;
    if (new_bytes >= (2u << 20))
        madvise(q, new_bytes, MADV_HUGEPAGE);
    return q;
}

/* The row columns live in their own page-aligned mappings: they grow without copies,
 * the store writer can hand them to the disk as they are (O_DIRECT needs page-aligned
 * buffers), and store_write can give back the parts it no longer needs. */
int rows_reserve(lever_rows *r, size_t extra)
{
    if (r->n + extra <= r->cap)
        return LEVER_OK;
    size_t cap = r->cap ? r->cap : 4096;
    while (cap < r->n + extra)
        cap *= 2;
#define GROW(field)                                                                      \
    do {                                                                                 \
        void *p = big_grow(r->field, r->cap * sizeof *r->field, cap * sizeof *r->field); \
        if (!p)                                                                          \
            return LEVER_ENOMEM;                                                         \
        r->field = p;                                                                    \
    } while (0)
    GROW(t);
    GROW(i);
    GROW(j);
    GROW(k);
    GROW(v);
    GROW(q);
#undef GROW
    r->cap = cap;
    return LEVER_OK;
}

void rows_free(lever_rows *r)
{
    big_free(r->t, r->cap * sizeof *r->t);
    big_free(r->i, r->cap * sizeof *r->i);
    big_free(r->j, r->cap * sizeof *r->j);
    big_free(r->k, r->cap * sizeof *r->k);
    big_free(r->v, r->cap * sizeof *r->v);
    big_free(r->q, r->cap * sizeof *r->q);
    memset(r, 0, sizeof *r);
}

void *big_alloc(size_t bytes)
{
    if (bytes == 0)
        bytes = 1;
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    if (bytes >= (2u << 20))
        madvise(p, bytes, MADV_HUGEPAGE);
    return p;
}

void big_free(void *p, size_t bytes)
{
    if (p)
        munmap(p, bytes ? bytes : 1);
}
