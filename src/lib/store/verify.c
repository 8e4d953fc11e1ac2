/*
 * verify.c - a query reads only verified bytes of the store.
 *
 * Why blocks, checked on first use: a section checksum would make a fresh `lever dyad`,
 * which reads a few pages, hash hundreds of megabytes first. So every 4096-byte block of
 * the file has its XXH3 in the block-sums section, and the accessors of store_internal.h verify a
 * block the first time anything is read from it: hash and compare, then check that every
 * index stored in the block (importer, product, row of the permutation, range of an M(j,k)
 * entry) is in range, so that even a store whose checksums were forged cannot send a read
 * out of bounds. The small tables every query needs (dictionaries, years, offset tables,
 * M(j), X(i)) are verified whole when the store is opened.
 *
 * Threads share one store: verified blocks are bits of an array of atomic words, set once
 * a block has passed. Two threads may verify the same block at the same time; both reach
 * the same verdict and setting a bit twice is harmless, so the fast path is one relaxed
 * load. The map is read-only, so a verified block stays what it was when verified.
 *
 * A block that fails marks the store damaged (the first message is kept, under a lock);
 * accessors then return 0 or an empty range, which keeps every loop in bounds, and each
 * query function looks at the mark before returning (store_damage_fail), so damage is
 * reported as LEVER_ECORRUPT, never as a figure computed from it.
 */
#include "store_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <xxhash.h>

struct store_verify {
    atomic_int damaged;
    pthread_mutex_t lock;
    char path[512];
    char msg[1024];
};

const uint8_t store_elem_bytes[SEC_COUNT_PLUS_ONE] = {
    [SEC_STRINGS] = 1,
    [SEC_COUNTRIES] = sizeof(store_country),
    [SEC_PRODUCTS] = sizeof(store_product),
    [SEC_YEARS] = sizeof(store_year),
    [SEC_FLOW_J] = 2,
    [SEC_FLOW_K] = 2,
    [SEC_FLOW_V] = 4,
    [SEC_FLOW_Q] = 4,
    [SEC_BIG_V] = sizeof(store_big),
    [SEC_BIG_Q] = sizeof(store_big),
    [SEC_EXP_OFF] = 8,
    [SEC_BY_IMP] = 4,
    [SEC_IMP_OFF] = 8,
    [SEC_MJK] = sizeof(store_mjk),
    [SEC_MJK_OFF] = 8,
    [SEC_XIK] = sizeof(store_xik),
    [SEC_XIK_OFF] = 8,
    [SEC_M_J] = 8,
    [SEC_X_I] = 8,
    [SEC_W_K] = 8,
    [SEC_UV_MEDIAN] = 8,
    [SEC_DECL] = sizeof(store_decl),
    [SEC_COVER] = 1,
    [SEC_REFLOWS] = sizeof(store_reflow),
    [SEC_BLOCK_SUMS] = 8,
};

const char *store_section_name(uint32_t id)
{
    static const char *names[] = {
        "", "strings", "countries", "products", "years", "flow importers", "flow products",
        "flow values", "flow quantities", "large values", "large quantities", "exporter offsets",
        "importer permutation", "importer offsets", "M(j,k)", "M(j,k) offsets", "X(i,k)",
        "X(i,k) offsets", "M(j)", "X(i)", "W(k)", "unit value medians", "declarations",
        "coverage", "re-exports and re-imports", "block sums"};
    return id < sizeof names / sizeof names[0] ? names[id] : "unknown";
}

bool store_damage(const lever_store *s, const char *fmt, ...)
{
    struct store_verify *v = s->verify;
    pthread_mutex_lock(&v->lock);
    if (!atomic_load_explicit(&v->damaged, memory_order_relaxed)) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(v->msg, sizeof v->msg, fmt, ap);
        va_end(ap);
        atomic_store_explicit(&v->damaged, 1, memory_order_release);
    }
    pthread_mutex_unlock(&v->lock);
    return false;
}

bool store_damaged(const lever_store *s)
{
    return atomic_load_explicit(&s->verify->damaged, memory_order_acquire) != 0;
}

int store_damage_fail(const lever_store *s, lever_error *err)
{
    char msg[sizeof s->verify->msg];
    pthread_mutex_lock(&s->verify->lock);
    memcpy(msg, s->verify->msg, sizeof msg);
    pthread_mutex_unlock(&s->verify->lock);
    return error_set(err, LEVER_ECORRUPT, "'%s' is damaged: %s; re-import it", s->verify->path,
                      msg);
}

/* The indices stored in elements [e0, e1) of section id are in range. */
static bool indices_in_range(const lever_store *s, uint32_t id, uint64_t e0, uint64_t e1)
{
    uint64_t e = e0;
    switch (id) {
    case SEC_FLOW_J:
        for (; e < e1; e++)
            if (s->fj[e] >= s->n_countries)
                break;
        break;
    case SEC_FLOW_K:
        for (; e < e1; e++)
            if (s->fk[e] >= s->n_products)
                break;
        break;
    case SEC_BY_IMP:
        for (; e < e1; e++)
            if (s->by_imp[e] >= s->rows)
                break;
        break;
    case SEC_MJK:
        for (; e < e1; e++) {
            const store_mjk *m = &s->mjk[e];
            if (m->j >= s->n_countries || m->k >= s->n_products || m->imp_pos > s->rows ||
                m->n_suppliers > s->rows - m->imp_pos || m->m >= STORE_MJK_LIMIT)
                break;
        }
        break;
    case SEC_XIK:
        for (; e < e1; e++)
            if (s->xik[e].i >= s->n_countries || s->xik[e].k >= s->n_products)
                break;
        break;
    default:
        return true;
    }
    if (e == e1)
        return true;
    return store_damage(s, "section '%s' holds an index out of range at entry %llu",
                        store_section_name(id), (unsigned long long)e);
}

bool store_verify_blocks(const lever_store *s, uint32_t id, uint64_t b0, uint64_t b1)
{
    const store_section *sec = s->sections[id];
    const uint64_t es = store_elem_bytes[id], sec_end = sec->offset + sec->length;
    for (uint64_t b = b0; b <= b1; b++) {
        if (store_block_verified(s, b))
            continue;
        uint64_t at = b * STORE_ALIGN;
        if (at < sec->offset || at >= sec_end || b >= s->n_block_sums)
            return store_damage(s, "section '%s' read outside itself", store_section_name(id));
        uint64_t len = sec_end - at < STORE_ALIGN ? sec_end - at : STORE_ALIGN;
        if (store_block_hash(s->map + at, (size_t)len) != s->block_sums[b])
            return store_damage(s, "section '%s' fails its checksum (bytes %llu-%llu of the file)",
                                store_section_name(id), (unsigned long long)at,
                                (unsigned long long)(at + len - 1));
        /* the elements that start in this block (the last may end in the next one) */
        uint64_t rel = at - sec->offset;
        if (!indices_in_range(s, id, (rel + es - 1) / es, (rel + len + es - 1) / es))
            return false;
        atomic_fetch_or_explicit(&s->verified[b / 64], (uint64_t)1 << (b % 64),
                                 memory_order_relaxed);
    }
    return true;
}

int store_verify_open(lever_store *s, const char *path, lever_error *err)
{
    uint64_t blocks = (s->map_len + STORE_ALIGN - 1) / STORE_ALIGN;
    s->verify = calloc(1, sizeof *s->verify);
    s->verified = calloc((size_t)(blocks + 63) / 64, sizeof *s->verified);
    if (!s->verify || !s->verified)
        return error_set(err, LEVER_ENOMEM, "out of memory opening '%s'", path);
    pthread_mutex_init(&s->verify->lock, NULL);
    snprintf(s->verify->path, sizeof s->verify->path, "%s", path);
    return LEVER_OK;
}

void store_verify_close(lever_store *s)
{
    if (s->verify)
        pthread_mutex_destroy(&s->verify->lock);
    free(s->verify);
    free((void *)s->verified);
}

int store_verify_section(const lever_store *s, uint32_t id, lever_error *err)
{
    const store_section *sec = s->sections[id];
    if (sec->length == 0)
        return LEVER_OK;
    if (!store_verify_blocks(s, id, sec->offset / STORE_ALIGN,
                             (sec->offset + sec->length - 1) / STORE_ALIGN))
        return store_damage_fail(s, err);
    return LEVER_OK;
}

int store_verify_all(const lever_store *s, lever_error *err)
{
    for (uint32_t id = 1; id < SEC_BLOCK_SUMS; id++) {
        int rc = store_verify_section(s, id, err);
        if (rc)
            return rc;
        const store_section *sec = s->sections[id];
        uint64_t b0 = sec->offset / STORE_ALIGN, n = (sec->length + STORE_ALIGN - 1) / STORE_ALIGN;
        if (XXH3_64bits(s->block_sums + b0, (size_t)n * 8) != sec->checksum)
            return error_set(err, LEVER_ECORRUPT,
                              "section '%s' fails its checksum: the store is damaged; re-import it",
                              store_section_name(id));
    }
    const store_section *sums = s->sections[SEC_BLOCK_SUMS];
    if (XXH3_64bits(s->map + sums->offset, (size_t)sums->length) != sums->checksum)
        return error_set(err, LEVER_ECORRUPT,
                          "section 'block sums' fails its checksum: the store is damaged; "
                          "re-import it");
    return LEVER_OK;
}
