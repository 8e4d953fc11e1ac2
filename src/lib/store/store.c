/*
 * store.c - opening a lever store and reading it.
 *
 * The store is one file mapped read-only (LMDB-style): lever_open checks the
 * header (magic, version, its own checksum) and that every section lies inside
 * the file with the size its counts imply, then points typed arrays into the map.
 * It verifies only the small tables every query needs (dictionaries, years, offset
 * tables), so opening costs little whatever the store's size, and a query touches
 * only the pages it needs (mapped in large folios), each verified against its block
 * checksum on first use (verify.c). lever_check (`lever info --check`) verifies the
 * whole file.
 */
#include "store_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

/* Bytes a section must have, given the header's counts and the entries of the sections
 * whose length depends on the data. */
static uint64_t expected_length(const lever_store *s, uint32_t id, uint64_t n_mjk, uint64_t n_xik)
{
    uint64_t C = s->n_countries, P = s->n_products, Y = s->n_years, R = s->rows;
    switch (id) {
    case SEC_COUNTRIES: return C * sizeof(store_country);
    case SEC_PRODUCTS: return P * sizeof(store_product);
    case SEC_YEARS: return Y * sizeof(store_year);
    case SEC_FLOW_J:
    case SEC_FLOW_K: return R * sizeof(uint16_t);
    case SEC_FLOW_V:
    case SEC_FLOW_Q: return R * sizeof(uint32_t);
    case SEC_BY_IMP: return R * sizeof(uint32_t);
    case SEC_EXP_OFF:
    case SEC_IMP_OFF:
    case SEC_MJK_OFF:
    case SEC_XIK_OFF: return Y * (C + 1) * sizeof(uint64_t);
    case SEC_MJK: return n_mjk * sizeof(store_mjk);
    case SEC_BIG_V:
    case SEC_BIG_Q: return s->sections[id]->length / sizeof(store_big) * sizeof(store_big);
    case SEC_XIK: return n_xik * sizeof(store_xik);
    case SEC_M_J:
    case SEC_X_I: return Y * C * sizeof(uint64_t);
    case SEC_W_K: return Y * P * sizeof(uint64_t);
    case SEC_UV_MEDIAN: return Y * P * sizeof(double);
    case SEC_DECL: return s->hdr->flags & STORE_FLAG_COMTRADE ? R * sizeof(store_decl) : 0;
    case SEC_COVER: return Y * C;
    case SEC_REFLOWS:
        return s->sections[id]->length / sizeof(store_reflow) * sizeof(store_reflow);
    case SEC_BLOCK_SUMS: return s->sections[id]->offset / STORE_ALIGN * sizeof(uint64_t);
    default: return 0;
    }
}

static int map_store(lever_store *s, const char *path, lever_error *err)
{
    /* non-blocking: opening a FIFO for reading would otherwise wait for a writer */
    s->fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (s->fd < 0) {
        int e = errno;
        return error_set(err, e == ENOENT ? LEVER_ENOTFOUND : LEVER_EIO, "cannot open store '%s': %s",
                          path, strerror(e));
    }
    struct stat st;
    if (fstat(s->fd, &st) != 0)
        return error_set(err, LEVER_EIO, "cannot stat store '%s': %s", path, strerror(errno));
    if (S_ISDIR(st.st_mode))
        return error_set(err, LEVER_EUSAGE,
                          "store '%s' is a directory; give the file 'lever import -o' wrote", path);
    if (!S_ISREG(st.st_mode))
        return error_set(err, LEVER_EUSAGE,
                          "store '%s' is not a regular file (a pipe or a device); a store is the "
                          "file 'lever import -o' wrote", path);
    if ((uint64_t)st.st_size < STORE_HEADER_BYTES)
        return error_set(err, LEVER_ECORRUPT,
                          "'%s' is not a lever store (too short); create one with 'lever import'",
                          path);
    s->map_len = (size_t)st.st_size;
    void *m = mmap(NULL, s->map_len, PROT_READ, MAP_SHARED, s->fd, 0);
    if (m == MAP_FAILED) {
        s->map_len = 0;
        return error_set(err, LEVER_EIO, "cannot map store '%s': %s", path, strerror(errno));
    }
    s->map = m;
    /* Large page-cache folios: a page fault then maps up to 2 MB of the store instead of
     * 4 KB. On a virtual machine, where a fault costs tens of microseconds, this divides
     * the first-query time of a fresh process by 2 to 5 (measured in bench/RESULTS.md). */
    madvise(m, s->map_len, MADV_HUGEPAGE);
    return LEVER_OK;
}

static int check_header(lever_store *s, const char *path, lever_error *err)
{
    const store_header *h = (const store_header *)s->map;
    if (memcmp(h->magic, STORE_MAGIC, 8) != 0)
        return error_set(err, LEVER_ECORRUPT,
                          "'%s' is not a lever store (bad magic); create one with 'lever import'",
                          path);
    if (h->format_version != STORE_FORMAT_VERSION)
        return error_set(err, LEVER_EVERSION,
                          "'%s' has store format %u, this lever reads format %u: re-import the data",
                          path, h->format_version, STORE_FORMAT_VERSION);
    if (h->n_sections != STORE_N_SECTIONS ||
        STORE_HEADER_BYTES + (uint64_t)h->n_sections * sizeof(store_section) > s->map_len)
        return error_set(err, LEVER_ECORRUPT, "'%s': bad section table; re-import it", path);
    /* the checksum covers the header (with the checksum field 0) and the section table */
    uint8_t head[STORE_HEADER_BYTES + STORE_N_SECTIONS * sizeof(store_section)];
    memcpy(head, s->map, sizeof head);
    memset(head + offsetof(store_header, checksum), 0, sizeof h->checksum);
    if (XXH64(head, sizeof head, 0) != h->checksum)
        return error_set(err, LEVER_ECORRUPT, "'%s': header checksum mismatch; the store is damaged, "
                                             "re-import it", path);
    if (h->file_bytes != s->map_len)
        return error_set(err, LEVER_ECORRUPT,
                          "'%s' is %zu bytes but its header says %llu: the file was truncated or "
                          "appended to; re-import it",
                          path, s->map_len, (unsigned long long)h->file_bytes);
    if (h->hs_version[sizeof h->hs_version - 1] != '\0' || h->release[sizeof h->release - 1] != '\0')
        return error_set(err, LEVER_ECORRUPT, "'%s': bad header strings; re-import it", path);
    s->hdr = h;
    s->n_years = h->n_years;
    s->n_countries = h->n_countries;
    s->n_products = h->n_products;
    s->rows = h->rows;
    return LEVER_OK;
}

static int check_sections(lever_store *s, const char *path, lever_error *err)
{
    const store_section *tab = (const store_section *)(s->map + STORE_HEADER_BYTES);
    for (uint32_t n = 0; n < s->hdr->n_sections; n++) {
        const store_section *sec = &tab[n];
        if (sec->id == 0 || sec->id >= SEC_COUNT_PLUS_ONE || s->sections[sec->id])
            return error_set(err, LEVER_ECORRUPT, "'%s': bad section id %u; re-import it", path,
                              sec->id);
        if (sec->offset % STORE_ALIGN != 0 || sec->offset > s->map_len ||
            sec->length > s->map_len - sec->offset)
            return error_set(err, LEVER_ECORRUPT,
                              "'%s': section '%s' lies outside the file; re-import it", path,
                              store_section_name(sec->id));
        s->sections[sec->id] = sec;
    }
    for (uint32_t id = 1; id < SEC_COUNT_PLUS_ONE; id++)
        if (!s->sections[id])
            return error_set(err, LEVER_ECORRUPT, "'%s': section '%s' is missing; re-import it",
                              path, store_section_name(id));
    uint64_t n_mjk = s->sections[SEC_MJK]->length / sizeof(store_mjk);
    uint64_t n_xik = s->sections[SEC_XIK]->length / sizeof(store_xik);
    /* the block sums come last and cover every block before them */
    uint64_t summed = s->sections[SEC_BLOCK_SUMS]->offset;
    for (uint32_t id = 1; id < SEC_BLOCK_SUMS; id++)
        if (s->sections[id]->offset + s->sections[id]->length > summed ||
            s->sections[id]->length % store_elem_bytes[id] != 0)
            return error_set(err, LEVER_ECORRUPT,
                              "'%s': section '%s' lies outside the checksummed blocks; re-import it",
                              path, store_section_name(id));
    for (uint32_t id = 2; id < SEC_COUNT_PLUS_ONE; id++)
        if (s->sections[id]->length != expected_length(s, id, n_mjk, n_xik))
            return error_set(err, LEVER_ECORRUPT,
                              "'%s': section '%s' has %llu bytes, expected %llu; re-import it",
                              path, store_section_name(id),
                              (unsigned long long)s->sections[id]->length,
                              (unsigned long long)expected_length(s, id, n_mjk, n_xik));
    if (s->sections[SEC_STRINGS]->length == 0 ||
        s->map[s->sections[SEC_STRINGS]->offset + s->sections[SEC_STRINGS]->length - 1] != '\0')
        return error_set(err, LEVER_ECORRUPT, "'%s': bad string section; re-import it", path);
    return LEVER_OK;
}

#define SEC_PTR(s, id) ((const void *)((s)->map + (s)->sections[id]->offset))

static void point_arrays(lever_store *s)
{
    s->strings = SEC_PTR(s, SEC_STRINGS);
    s->strings_len = s->sections[SEC_STRINGS]->length;
    s->countries = SEC_PTR(s, SEC_COUNTRIES);
    s->products = SEC_PTR(s, SEC_PRODUCTS);
    s->years = SEC_PTR(s, SEC_YEARS);
    s->fj = SEC_PTR(s, SEC_FLOW_J);
    s->fk = SEC_PTR(s, SEC_FLOW_K);
    s->v32 = SEC_PTR(s, SEC_FLOW_V);
    s->q32 = SEC_PTR(s, SEC_FLOW_Q);
    s->big_v = SEC_PTR(s, SEC_BIG_V);
    s->n_big_v = s->sections[SEC_BIG_V]->length / sizeof(store_big);
    s->big_q = SEC_PTR(s, SEC_BIG_Q);
    s->n_big_q = s->sections[SEC_BIG_Q]->length / sizeof(store_big);
    s->exp_off = SEC_PTR(s, SEC_EXP_OFF);
    s->by_imp = SEC_PTR(s, SEC_BY_IMP);
    s->imp_off = SEC_PTR(s, SEC_IMP_OFF);
    s->mjk = SEC_PTR(s, SEC_MJK);
    s->mjk_off = SEC_PTR(s, SEC_MJK_OFF);
    s->xik = SEC_PTR(s, SEC_XIK);
    s->xik_off = SEC_PTR(s, SEC_XIK_OFF);
    s->m_j = SEC_PTR(s, SEC_M_J);
    s->x_i = SEC_PTR(s, SEC_X_I);
    s->w_k = SEC_PTR(s, SEC_W_K);
    s->uv_median = SEC_PTR(s, SEC_UV_MEDIAN);
    s->decl = s->hdr->flags & STORE_FLAG_COMTRADE ? SEC_PTR(s, SEC_DECL) : NULL;
    s->cover = SEC_PTR(s, SEC_COVER);
    s->reflows = SEC_PTR(s, SEC_REFLOWS);
    s->n_reflows = s->sections[SEC_REFLOWS]->length / sizeof(store_reflow);
    s->block_sums = SEC_PTR(s, SEC_BLOCK_SUMS);
    s->n_block_sums = s->sections[SEC_BLOCK_SUMS]->length / sizeof(uint64_t);
}

/* The small sections every query reads are verified whole at open: the dictionaries, the
 * years, the offset tables (check_indexes reads them all) and M(j), X(i). */
static int verify_small_sections(lever_store *s, lever_error *err)
{
    static const uint32_t ids[] = {SEC_STRINGS, SEC_COUNTRIES, SEC_PRODUCTS, SEC_YEARS,
                                   SEC_EXP_OFF, SEC_IMP_OFF, SEC_MJK_OFF, SEC_XIK_OFF,
                                   SEC_M_J, SEC_X_I, SEC_COVER, SEC_REFLOWS};
    for (size_t n = 0; n < sizeof ids / sizeof ids[0]; n++) {
        int rc = store_verify_section(s, ids[n], err);
        if (rc)
            return rc;
    }
    return LEVER_OK;
}

/* Cheap consistency of the small tables that index the big ones, so that a damaged store
 * cannot send a query out of bounds. O(years x countries), no large section is read. */
static int check_indexes(lever_store *s, const char *path, lever_error *err)
{
    uint64_t n_mjk = s->sections[SEC_MJK]->length / sizeof(store_mjk);
    uint64_t n_xik = s->sections[SEC_XIK]->length / sizeof(store_xik);
    uint64_t next_row = 0;
    for (uint32_t y = 0; y < s->n_years; y++) {
        const store_year *yr = &s->years[y];
        if (yr->row_start != next_row || yr->row_count > s->rows - yr->row_start ||
            yr->mjk_start > n_mjk || yr->mjk_count > n_mjk - yr->mjk_start ||
            yr->xik_start > n_xik || yr->xik_count > n_xik - yr->xik_start)
            return error_set(err, LEVER_ECORRUPT, "'%s': bad year table; re-import it", path);
        next_row += yr->row_count;
        const uint64_t *offs[4] = {s->exp_off, s->imp_off, s->mjk_off, s->xik_off};
        const uint64_t lo[4] = {yr->row_start, yr->row_start, yr->mjk_start, yr->xik_start};
        const uint64_t hi[4] = {yr->row_start + yr->row_count, yr->row_start + yr->row_count,
                                yr->mjk_start + yr->mjk_count, yr->xik_start + yr->xik_count};
        for (int t = 0; t < 4; t++) {
            const uint64_t *o = offs[t] + (size_t)y * (s->n_countries + 1u);
            if (o[0] != lo[t] || o[s->n_countries] != hi[t])
                return error_set(err, LEVER_ECORRUPT, "'%s': bad offset table; re-import it", path);
            for (uint32_t c = 0; c < s->n_countries; c++)
                if (o[c] > o[c + 1])
                    return error_set(err, LEVER_ECORRUPT, "'%s': bad offset table; re-import it",
                                      path);
        }
    }
    if (next_row != s->rows)
        return error_set(err, LEVER_ECORRUPT, "'%s': bad year table; re-import it", path);
    return LEVER_OK;
}

int lever_open(const char *path, lever_store **out, lever_error *err)
{
    *out = NULL;
    if (!store_host_little_endian())
        return error_set(err, LEVER_EVERSION,
                         "%s: the store format is little-endian and this host big-endian: "
                         "lever cannot read stores here",
                         path);
    lever_store *s = calloc(1, sizeof *s);
    if (!s)
        return error_set(err, LEVER_ENOMEM, "out of memory opening '%s'", path);
    s->fd = -1;
    int rc = map_store(s, path, err);
    if (!rc)
        rc = check_header(s, path, err);
    if (!rc)
        rc = check_sections(s, path, err);
    if (!rc)
        rc = store_verify_open(s, path, err);
    if (!rc) {
        point_arrays(s);
        rc = verify_small_sections(s, err);
    }
    if (!rc)
        rc = check_indexes(s, path, err);
    if (rc)
        lever_close(s);
    else
        *out = s;
    return rc;
}

void lever_close(lever_store *s)
{
    if (!s)
        return;
    if (s->map)
        munmap((void *)s->map, s->map_len);
    if (s->fd >= 0)
        close(s->fd);
    store_verify_close(s);
    free(s);
}

int lever_check(const lever_store *s, lever_error *err)
{
    if (!s->hdr)
        return error_set(err, LEVER_EUSAGE, "the store is not open");
    /* every block (hash and indices), every section's checksum of its blocks */
    int rc = store_verify_all(s, err);
    if (rc)
        return rc;
    /* every marked value or quantity has its entry in the tables of large ones */
    uint64_t marked_v = 0, marked_q = 0;
    for (uint64_t r = 0; r < s->rows; r++) {
        if (s->v32[r] == STORE_V_BIG &&
            (marked_v >= s->n_big_v || s->big_v[marked_v++].row != r))
            return error_set(err, LEVER_ECORRUPT, "row %llu: large value not found; re-import",
                              (unsigned long long)r);
        if (s->q32[r] == STORE_Q_BIG &&
            (marked_q >= s->n_big_q || s->big_q[marked_q++].row != r))
            return error_set(err, LEVER_ECORRUPT, "row %llu: large quantity not found; re-import",
                              (unsigned long long)r);
    }
    if (marked_v != s->n_big_v || marked_q != s->n_big_q)
        return error_set(err, LEVER_ECORRUPT, "the tables of large values do not match the rows; "
                                             "re-import");
    return LEVER_OK;
}

const char *lever_source_label(const lever_store *s)
{
    if (s && s->decl)
        return "importer, else exporter";
    if (s && s->hdr && (s->hdr->flags & STORE_FLAG_SYNTHETIC))
        return "synthetic";
    return "BACI";
}

void lever_get_info(const lever_store *s, lever_info *info)
{
    memset(info, 0, sizeof *info);
    if (!s || !s->hdr)
        return;
    info->format_version = s->hdr->format_version;
    info->hs_version = s->hdr->hs_version;
    info->release = s->hdr->release;
    info->sources = store_str(s, s->hdr->sources);
    info->synthetic = (s->hdr->flags & STORE_FLAG_SYNTHETIC) != 0;
    info->rows = s->rows;
    info->file_bytes = s->map_len;
    info->n_years = (int)s->n_years;
    info->n_countries = (int)s->n_countries;
    info->n_products = (int)s->n_products;
    if (s->n_years) {
        info->year_min = s->years[0].year;
        info->year_max = s->years[s->n_years - 1].year;
    }
    info->comtrade = (s->hdr->flags & STORE_FLAG_COMTRADE) != 0;
    info->reflows = s->n_reflows;
    info->converted = store_str(s, s->hdr->converted);
}

int lever_year_at(const lever_store *s, int year_index)
{
    if (year_index < 0 || (uint32_t)year_index >= s->n_years)
        return 0;
    return s->years[year_index].year;
}

int lever_year_index(const lever_store *s, int year)
{
    for (uint32_t y = 0; y < s->n_years; y++)
        if (s->years[y].year == year)
            return (int)y;
    return -1;
}

uint64_t lever_year_rows(const lever_store *s, int year_index)
{
    if (year_index < 0 || (uint32_t)year_index >= s->n_years)
        return 0;
    return s->years[year_index].row_count;
}

void lever_country_at(const lever_store *s, int country, lever_country *out)
{
    memset(out, 0, sizeof *out);
    out->iso3 = out->iso2 = out->name = out->full_name = "";
    if (country < 0 || (uint32_t)country >= s->n_countries)
        return;
    const store_country *c = &s->countries[country];
    out->code = c->code;
    out->iso3 = c->iso3[3] == '\0' ? c->iso3 : "";
    out->iso2 = c->iso2[3] == '\0' ? c->iso2 : "";
    out->name = store_str(s, c->name);
    out->full_name = store_str(s, c->full_name);
    out->known = c->known;
}

void lever_product_at(const lever_store *s, int product, lever_product *out)
{
    memset(out, 0, sizeof *out);
    out->description = "";
    if (product < 0 || (uint32_t)product >= s->n_products)
        return;
    out->hs6 = (int)s->products[product].hs6;
    out->description = store_str(s, s->products[product].description);
}

void store_dyad_rows(const lever_store *s, int y, int i, int j, uint64_t *lo, uint64_t *hi)
{
    uint64_t a, b;
    store_exporter_rows(s, y, i, 0, &a, &b);
    /* rows of exporter i are sorted by (j, k): find the run of j */
    uint64_t l = a, h = b;
    while (l < h) {
        uint64_t mid = l + (h - l) / 2;
        if (store_fj(s, mid) < j)
            l = mid + 1;
        else
            h = mid;
    }
    *lo = l;
    h = b;
    while (l < h) {
        uint64_t mid = l + (h - l) / 2;
        if (store_fj(s, mid) <= j)
            l = mid + 1;
        else
            h = mid;
    }
    *hi = l;
    if (!store_need_rows(s, *lo, *hi, ROW_J | ROW_K | ROW_V | ROW_Q))
        *hi = *lo;
}

/* Binary search for product k among entries [first, end) of section id (M(j,k) or X(i,k)),
 * whose k sits at byte k_at of each element; verifies each entry it looks at. */
static const void *find_k(const lever_store *s, uint32_t id, const uint8_t *base, uint64_t first,
                          uint64_t end, size_t k_at, int k)
{
    size_t es = store_elem_bytes[id];
    uint64_t l = first, h = end;
    while (l < h) {
        uint64_t mid = l + (h - l) / 2;
        uint16_t mk;
        if (!store_need(s, id, mid, 1))
            return NULL;
        memcpy(&mk, base + mid * es + k_at, sizeof mk);
        if (mk < k)
            l = mid + 1;
        else
            h = mid;
    }
    if (l == end || !store_need(s, id, l, 1))
        return NULL;
    uint16_t lk;
    memcpy(&lk, base + l * es + k_at, sizeof lk);
    return lk == k ? base + l * es : NULL;
}

const store_mjk *store_find_mjk(const lever_store *s, int y, int j, int k)
{
    const uint64_t *o = s->mjk_off + (size_t)y * (s->n_countries + 1u);
    return find_k(s, SEC_MJK, (const uint8_t *)s->mjk, o[j], o[j + 1], offsetof(store_mjk, k), k);
}

const store_xik *store_find_xik(const lever_store *s, int y, int i, int k)
{
    const uint64_t *o = s->xik_off + (size_t)y * (s->n_countries + 1u);
    return find_k(s, SEC_XIK, (const uint8_t *)s->xik, o[i], o[i + 1], offsetof(store_xik, k), k);
}

uint64_t big_find(const store_big *t, uint64_t n, uint64_t row)
{
    uint64_t l = 0, h = n;
    while (l < h) {
        uint64_t mid = l + (h - l) / 2;
        if (t[mid].row < row)
            l = mid + 1;
        else
            h = mid;
    }
    return l < n && t[l].row == row ? t[l].value : 0;
}

uint64_t store_big_lookup(const lever_store *s, uint32_t id, uint64_t row)
{
    const store_big *t = id == SEC_BIG_V ? s->big_v : s->big_q;
    uint64_t n = id == SEC_BIG_V ? s->n_big_v : s->n_big_q;
    if (!store_need(s, id, 0, n))
        return 0;
    uint64_t v = big_find(t, n, row); /* never 0: the table holds values of 2^32 - 2 and more */
    if (v == 0)
        store_damage(s, "row %llu is marked large but section '%s' does not hold it",
                     (unsigned long long)row, store_section_name(id));
    return v;
}

int store_row_exporter(const lever_store *s, int y, uint64_t r)
{
    const uint64_t *o = s->exp_off + (size_t)y * (s->n_countries + 1u);
    /* the last c with o[c] <= r */
    uint32_t l = 0, h = s->n_countries;
    while (h - l > 1) {
        uint32_t mid = l + (h - l) / 2;
        if (o[mid] <= r)
            l = mid;
        else
            h = mid;
    }
    return (int)l;
}

uint64_t store_world_total(const lever_store *s, int y)
{
    uint64_t w = 0;
    for (uint32_t c = 0; c < s->n_countries; c++)
        w += store_x_i(s, y, (int)c);
    return w;
}

int lever_year_converted(const lever_store *s, int year_index)
{
    if (!s || year_index < 0 || (uint32_t)year_index >= s->n_years)
        return 0;
    uint32_t f = s->years[year_index].flags;
    return (f & STORE_YEAR_SPLIT) ? 2 : (f & STORE_YEAR_CONVERTED) ? 1 : 0;
}
