/*
 * test_store.c - the store writer and reader against brute force.
 *
 * Random worlds of rows are committed to a store; every precomputed aggregate
 * (M(j,k), sum of squares, supplier counts, X(i,k), W(k), M(j), X(i)) and every
 * index (exporter ranges, importer permutation, dyad ranges) is recomputed here by
 * plain loops over the raw rows and compared exactly. Then the all-or-nothing
 * promise: a failed import leaves an existing store byte-for-byte unchanged and no
 * temporary file; a damaged store is refused.
 */
#include "helpers.h"

#include "importer.h"
#include "store_internal.h"

#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

/* The error of the last library call (the tests run on one thread). */
static lever_error E;

__extension__ typedef unsigned __int128 u128;

static char tmpdir[256];

static int setup_dir(void **state)
{
    (void)state;
    return test_dir_make(tmpdir, sizeof tmpdir, "store");
}

static int teardown_dir(void **state)
{
    (void)state;
    test_dir_remove(tmpdir);
    return 0;
}

static uint64_t rng_state;
static uint64_t rnd(void)
{
    return test_random(&rng_state);
}

/* A random world as BACI CSV text: unique (t,i,j,k), codes from small pools so groups have
 * many rows; values up to ~1e13 USD so that squares overflow 64 bits. dup_row >= 0 repeats
 * that row's key at the end. The rows read back (imp->rows) are the raw input of the checks. */
static lever_import *random_world(uint64_t seed, size_t want, long dup_row, bool in_order)
{
    static const uint16_t codes[] = {4, 12, 156, 251, 276, 398, 643, 842, 860, 999};
    static const uint32_t hs[] = {10190, 100190, 110100, 271000, 300490, 310210, 999999};
    lever_import *imp = NULL;
    assert_int_equal(lever_import_new(&imp, &E), LEVER_OK);
    lever_import_set_threads(imp, 1);
    rng_state = seed;
    uint8_t *used = calloc(3 * 10 * 10 * 7, 1);
    size_t cap = 64 + want * 64, len = 0;
    char *csv = malloc(cap);
    assert_non_null(used);
    assert_non_null(csv);
    len += (size_t)snprintf(csv, cap, "t,i,j,k,v,q\n");
    char first_key[64] = "";
    for (size_t n = 0; n < want; n++) {
        unsigned t = (unsigned)(rnd() % 3), i = (unsigned)(rnd() % 10), j = (unsigned)(rnd() % 10),
                 k = (unsigned)(rnd() % 7);
        if (in_order) { /* walk the keys in (t, i, j, k) order, as BACI files come */
            size_t at = n % 2100;
            t = (unsigned)(at / 700), i = (unsigned)(at / 70 % 10), j = (unsigned)(at / 7 % 10),
            k = (unsigned)(at % 7);
            if (n >= 2100 || rnd() % 3 == 0)
                continue;
        }
        size_t key = ((t * 10 + i) * 10 + j) * 7 + k;
        if (i == j || used[key])
            continue;
        used[key] = 1;
        uint64_t v = 1 + (rnd() % 1000) * (uint64_t)(1ull << (rnd() % 34));
        char q[32] = "NA";
        if (rnd() % 5) { /* kg, up to 3.4e13: some need the store's table of large ones */
            uint64_t kg = (rnd() % 1000) << (rnd() % 36);
            snprintf(q, sizeof q, "%llu.%03llu", (unsigned long long)(kg / 1000),
                     (unsigned long long)(kg % 1000));
        }
        if ((long)n == dup_row || (dup_row >= 0 && !first_key[0]))
            snprintf(first_key, sizeof first_key, "%u,%u,%u,%u", 2019 + t, codes[i], codes[j],
                     hs[k]);
        len += (size_t)snprintf(csv + len, cap - len, "%u,%u,%u,%u,%llu.%03llu,%s\n", 2019 + t,
                                codes[i], codes[j], hs[k], (unsigned long long)(v / 1000),
                                (unsigned long long)(v % 1000), q);
    }
    if (dup_row >= 0)
        len += (size_t)snprintf(csv + len, cap - len, "%s,1.000,NA\n", first_key);
    assert_int_equal(lever_import_add_buffer(imp, "world.csv", csv, len, &E), LEVER_OK);
    free(csv);
    free(used);
    return imp;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static char *path_in_tmp(const char *name)
{
    static char p[512];
    snprintf(p, sizeof p, "%s/%s", tmpdir, name);
    return p;
}

/* A copy of the import's rows: committing consumes them. */
static lever_rows copy_rows(const lever_rows *r)
{
    lever_rows c = {0};
    assert_int_equal(rows_reserve(&c, r->n), LEVER_OK);
    c.n = r->n;
    memcpy(c.t, r->t, r->n * sizeof *c.t);
    memcpy(c.i, r->i, r->n * sizeof *c.i);
    memcpy(c.j, r->j, r->n * sizeof *c.j);
    memcpy(c.k, r->k, r->n * sizeof *c.k);
    memcpy(c.v, r->v, r->n * sizeof *c.v);
    memcpy(c.q, r->q, r->n * sizeof *c.q);
    return c;
}

static void test_aggregates_match_brute_force(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 5; seed++) {
        lever_import *imp = random_world(seed, seed < 4 ? 1500 : 2100, -1, seed >= 4);
        lever_rows copy = copy_rows(&imp->rows);
        const lever_rows *raw = &copy;
        char *path = path_in_tmp("agg.store");
        assert_int_equal(lever_import_commit(imp, path, &E), LEVER_OK);
        lever_store *s = NULL;
        assert_int_equal(lever_open(path, &s, &E), LEVER_OK);
        assert_int_equal(lever_check(s, &E), LEVER_OK);
        assert_int_equal(s->rows, raw->n);

        for (uint32_t y = 0; y < s->n_years; y++) {
            int year = lever_year_at(s, (int)y);
            for (uint32_t j = 0; j < s->n_countries; j++) {
                int jcode = s->countries[j].code;
                uint64_t mj = 0, xj = 0;
                for (uint32_t k = 0; k < s->n_products; k++) {
                    uint32_t hs6 = s->products[k].hs6;
                    uint64_t m = 0, x = 0, vmax = 0;
                    u128 sq = 0;
                    uint32_t ns = 0, nd = 0;
                    for (size_t r = 0; r < raw->n; r++) {
                        if (raw->t[r] != year || raw->k[r] != hs6)
                            continue;
                        if (raw->j[r] == jcode) {
                            m += raw->v[r];
                            sq += (u128)raw->v[r] * raw->v[r];
                            ns++;
                        }
                        if (raw->i[r] == jcode) {
                            x += raw->v[r];
                            nd++;
                            if (raw->v[r] > vmax)
                                vmax = raw->v[r];
                        }
                    }
                    mj += m;
                    xj += x;
                    const store_mjk *e = store_find_mjk(s, (int)y, (int)j, (int)k);
                    if (m == 0) {
                        assert_null(e);
                    } else {
                        assert_non_null(e);
                        assert_int_equal(e->m, m);
                        assert_int_equal(e->n_suppliers, ns);
                        assert_int_equal(e->sumsq_lo, (uint64_t)sq);
                        assert_int_equal(e->sumsq_hi, (uint64_t)(sq >> 64));
                        /* the permutation lists exactly the suppliers, by exporter */
                        uint64_t sum = 0;
                        for (uint64_t p = e->imp_pos; p < e->imp_pos + ns; p++) {
                            uint32_t row = s->by_imp[p];
                            assert_int_equal(s->fj[row], j);
                            assert_int_equal(s->fk[row], k);
                            if (p > e->imp_pos)
                                assert_true(store_row_exporter(s, (int)y, s->by_imp[p - 1]) <
                                            store_row_exporter(s, (int)y, row));
                            sum += store_v(s, row);
                        }
                        assert_int_equal(sum, m);
                    }
                    const store_xik *xe = store_find_xik(s, (int)y, (int)j, (int)k);
                    if (x == 0) {
                        assert_null(xe);
                    } else {
                        assert_non_null(xe);
                        assert_int_equal(xe->x, x);
                        assert_int_equal(xe->n_dest, nd);
                        assert_int_equal(xe->vmax, vmax);
                    }
                }
                assert_int_equal(store_m_j(s, (int)y, (int)j), mj);
                assert_int_equal(store_x_i(s, (int)y, (int)j), xj);
                /* every dyad range holds exactly that dyad's rows */
                for (uint32_t i = 0; i < s->n_countries; i++) {
                    uint64_t lo, hi, want = 0, got = 0;
                    store_dyad_rows(s, (int)y, (int)i, (int)j, &lo, &hi);
                    for (uint64_t r = lo; r < hi; r++) {
                        assert_int_equal(store_row_exporter(s, (int)y, r), i);
                        assert_int_equal(s->fj[r], j);
                        got += store_v(s, r);
                    }
                    for (size_t r = 0; r < raw->n; r++)
                        if (raw->t[r] == year && raw->i[r] == s->countries[i].code &&
                            raw->j[r] == jcode)
                            want += raw->v[r];
                    assert_int_equal(got, want);
                }
            }
            for (uint32_t k = 0; k < s->n_products; k++) {
                /* world median unit value, by sorting every flow's v/q */
                double uv[2100];
                size_t nuv = 0;
                for (size_t r = 0; r < raw->n; r++)
                    if (raw->t[r] == year && raw->k[r] == s->products[k].hs6 && raw->q[r] > 0)
                        uv[nuv++] = (double)raw->v[r] / (double)raw->q[r];
                qsort(uv, nuv, sizeof uv[0], cmp_double);
                double med = s->uv_median[y * s->n_products + k];
                if (nuv == 0)
                    assert_true(isnan(med));
                else
                    assert_true(med == (nuv % 2 ? uv[nuv / 2] : (uv[nuv / 2 - 1] + uv[nuv / 2]) / 2));
                uint64_t w = 0;
                for (size_t r = 0; r < raw->n; r++)
                    if (raw->t[r] == year && raw->k[r] == s->products[k].hs6)
                        w += raw->v[r];
                assert_int_equal(store_w_k(s, (int)y, (int)k), w);
            }
        }
        lever_close(s);
        lever_import_free(imp);
        rows_free(&copy);
    }
}

static void test_sorted_and_quantities_kept(void **state)
{
    (void)state;
    lever_import *imp = random_world(42, 800, -1, false);
    char *path = path_in_tmp("sorted.store");
    uint64_t want_q = 0, want_missing = 0;
    for (size_t r = 0; r < imp->rows.n; r++) {
        if (imp->rows.q[r] == LEVER_QTY_MISSING)
            want_missing++;
        else
            want_q += (uint64_t)imp->rows.q[r];
    }
    assert_int_equal(lever_import_commit(imp, path, &E), LEVER_OK);
    lever_store *s = NULL;
    assert_int_equal(lever_open(path, &s, &E), LEVER_OK);
    uint64_t got_q = 0, got_missing = 0;
    for (uint64_t r = 0; r < s->rows; r++) {
        if (store_q(s, r) == LEVER_QTY_MISSING)
            got_missing++;
        else
            got_q += (uint64_t)store_q(s, r);
        if (r > 0) {
            /* (t, i, j, k) strictly increasing */
            int y0 = 0, y1 = 0;
            for (uint32_t y = 0; y < s->n_years; y++) {
                if (r - 1 >= s->years[y].row_start)
                    y0 = (int)y;
                if (r >= s->years[y].row_start)
                    y1 = (int)y;
            }
            uint64_t i0 = (uint64_t)store_row_exporter(s, y0, r - 1);
            uint64_t i1 = (uint64_t)store_row_exporter(s, y1, r);
            uint64_t a = ((((uint64_t)y0 << 16 | i0) << 16 | s->fj[r - 1]) << 16) | s->fk[r - 1];
            uint64_t b = ((((uint64_t)y1 << 16 | i1) << 16 | s->fj[r]) << 16) | s->fk[r];
            assert_true(a < b);
        }
    }
    assert_int_equal(got_q, want_q);
    assert_int_equal(got_missing, want_missing);
    lever_close(s);
    lever_import_free(imp);
}

static int read_file(const char *path, char **data, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    *data = malloc(*len + 1);
    size_t got = fread(*data, 1, *len, f);
    fclose(f);
    return got == *len ? 0 : -1;
}

static int count_files(void)
{
    int n = 0;
    DIR *d = opendir(tmpdir);
    struct dirent *e;
    while ((e = readdir(d)))
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static void test_failed_import_leaves_store_unchanged(void **state)
{
    (void)state;
    lever_import *good = random_world(7, 300, -1, false);
    char *path = path_in_tmp("keep.store");
    assert_int_equal(lever_import_commit(good, path, &E), LEVER_OK);
    lever_import_free(good);
    char *before = NULL, *after = NULL;
    size_t lb = 0, la = 0;
    assert_int_equal(read_file(path, &before, &lb), 0);
    int files = count_files();

    /* a duplicate key */
    lever_import *bad = random_world(7, 300, 0, false);
    assert_int_equal(lever_import_commit(bad, path, &E), LEVER_EINPUT);
    assert_non_null(strstr(E.message, "duplicate"));
    assert_non_null(strstr(E.message, "world.csv:2"));
    lever_import_free(bad);

    /* a header and no rows */
    lever_import *empty = NULL;
    assert_int_equal(lever_import_new(&empty, &E), LEVER_OK);
    assert_int_equal(lever_import_add_buffer(empty, "empty.csv", "t,i,j,k,v,q\n", 12, &E), LEVER_OK);
    assert_int_equal(lever_import_commit(empty, path, &E), LEVER_EINPUT);
    assert_non_null(strstr(E.message, "no trade rows"));
    lever_import_free(empty);

    assert_int_equal(read_file(path, &after, &la), 0);
    assert_int_equal(la, lb);
    assert_memory_equal(before, after, lb);
    assert_int_equal(count_files(), files);
    free(before);
    free(after);
}

static void write_bytes(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

/* Imports a random world of 300 rows into NAME in the test folder and reads the file. */
static char *store_file(uint64_t seed, const char *name, char **data, size_t *len)
{
    lever_import *imp = random_world(seed, 300, -1, false);
    char *path = path_in_tmp(name);
    assert_int_equal(lever_import_commit(imp, path, &E), LEVER_OK);
    lever_import_free(imp);
    assert_int_equal(read_file(path, data, len), 0);
    return path;
}

static void test_damaged_store_refused(void **state)
{
    (void)state;
    char *data = NULL;
    size_t len = 0;
    store_file(9, "damage.store", &data, &len);
    assert_true(len > 3 * STORE_ALIGN);
    char *copy = malloc(len + STORE_ALIGN);
    assert_non_null(copy);
    lever_store *s;
    const char *bad = path_in_tmp("bad.store");

    /* truncated */
    write_bytes(bad, data, len - 4096);
    assert_int_equal(lever_open(bad, &s, &E), LEVER_ECORRUPT);
    assert_non_null(strstr(E.message, "truncated"));
    lever_close(s);
    /* bad magic */
    memcpy(copy, data, len);
    copy[0] = 'X';
    write_bytes(bad, copy, len);
    assert_int_equal(lever_open(bad, &s, &E), LEVER_ECORRUPT);
    lever_close(s);
    /* a flipped header byte */
    memcpy(copy, data, len);
    copy[40] ^= 1;
    write_bytes(bad, copy, len);
    assert_int_equal(lever_open(bad, &s, &E), LEVER_ECORRUPT);
    lever_close(s);
    /* a flipped data byte: opens (nothing read) but lever_check finds it */
    memcpy(copy, data, len);
    const store_section *tab = (const store_section *)(data + STORE_HEADER_BYTES);
    copy[tab[SEC_FLOW_V - 1].offset + 3] ^= 0x10;
    write_bytes(bad, copy, len);
    assert_int_equal(lever_open(bad, &s, &E), LEVER_OK);
    assert_int_equal(lever_check(s, &E), LEVER_ECORRUPT);
    assert_non_null(strstr(E.message, "flow values"));
    lever_close(s);
    /* ... and a query that reads it refuses (the first row is its exporter's first) */
    assert_int_equal(lever_open(bad, &s, &E), LEVER_OK);
    lever_ranking *rank = NULL;
    lever_query year0 = {.year_from = s->years[0].year, .year_to = s->years[0].year};
    assert_int_equal(lever_leverage_rank(s, store_row_exporter(s, 0, 0), &year0, &rank, &E),
                     LEVER_ECORRUPT);
    assert_null(rank);
    assert_non_null(strstr(E.message, "is damaged: section 'flow values' fails"));
    lever_close(s);
    /* not a store at all, and a missing file */
    write_bytes(bad, "t,i,j,k,v,q\n", 12);
    assert_int_equal(lever_open(bad, &s, &E), LEVER_ECORRUPT);
    lever_close(s);
    assert_int_equal(lever_open(path_in_tmp("missing.store"), &s, &E), LEVER_ENOTFOUND);
    lever_close(s);
    /* random garbage of the right size never crashes the opener */
    rng_state = 99;
    for (int trial = 0; trial < 200; trial++) {
        memcpy(copy, data, len);
        size_t at = (size_t)(rnd() % (STORE_HEADER_BYTES + STORE_N_SECTIONS * sizeof(store_section)));
        copy[at] = (char)rnd();
        write_bytes(bad, copy, len);
        int rc = lever_open(bad, &s, &E);
        assert_true(rc == LEVER_OK || rc == LEVER_ECORRUPT || rc == LEVER_EVERSION);
        lever_close(s);
    }
    free(copy);
    free(data);
}

/* A store whose checksums were forged around an importer index out of range: the index
 * is found when its block is verified, and no query reads out of bounds. */
static void test_forged_index_refused(void **state)
{
    (void)state;
    char *data = NULL;
    size_t len = 0;
    char *path = store_file(11, "forged.store", &data, &len);
    store_header *h = (store_header *)data;
    store_section *tab = (store_section *)(data + STORE_HEADER_BYTES);
    store_section *fj = &tab[SEC_FLOW_J - 1], *sums_sec = &tab[SEC_BLOCK_SUMS - 1];
    uint64_t *sums = (uint64_t *)(data + sums_sec->offset);
    uint16_t bad = 0xFFFF;
    memcpy(data + fj->offset, &bad, sizeof bad);
    /* forge: the block's sum, the section's checksum, the sums' checksum, the header's */
    uint64_t b = fj->offset / STORE_ALIGN;
    size_t in_block = fj->length < STORE_ALIGN ? (size_t)fj->length : STORE_ALIGN;
    sums[b] = XXH3_64bits(data + fj->offset, in_block);
    size_t n_blocks = (size_t)((fj->length + STORE_ALIGN - 1) / STORE_ALIGN);
    fj->checksum = XXH3_64bits(&sums[b], n_blocks * sizeof *sums);
    sums_sec->checksum = XXH3_64bits(sums, (size_t)sums_sec->length);
    h->checksum = 0;
    h->checksum = XXH64(data, STORE_HEADER_BYTES + STORE_N_SECTIONS * sizeof(store_section), 0);
    write_bytes(path, data, len);
    lever_store *s;
    assert_int_equal(lever_open(path, &s, &E), LEVER_OK);
    lever_ranking *rank = NULL;
    lever_query year0 = {.year_from = s->years[0].year, .year_to = s->years[0].year};
    assert_int_equal(lever_leverage_rank(s, store_row_exporter(s, 0, 0), &year0, &rank, &E),
                     LEVER_ECORRUPT);
    assert_non_null(strstr(E.message, "'flow importers' holds an index out of range"));
    assert_int_equal(lever_check(s, &E), LEVER_ECORRUPT);
    lever_close(s);
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_aggregates_match_brute_force),
        cmocka_unit_test(test_sorted_and_quantities_kept),
        cmocka_unit_test(test_failed_import_leaves_store_unchanged),
        cmocka_unit_test(test_damaged_store_refused),
        cmocka_unit_test(test_forged_index_refused),
    };
    return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
