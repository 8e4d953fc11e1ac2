/*
 * test_depend.c - lever_depend and lever_compare on worlds small enough to work out
 * by hand, and the properties INDICATORS.md promises on a synthetic world.
 *
 * The hand-made world (three identical years 2019-2021): Kazakhstan sells
 * Afghanistan most of its wheat flour, Uzbekistan the rest; Kazakhstan is
 * Afghanistan's only wheat supplier; Kazakhstan and Uzbekistan tie on crude oil;
 * Afghanistan re-exports a little flour to Iran and no wheat. Every expected figure
 * below is written out from the formulas, not taken from lever.
 *
 * Properties on lever synth's world: the supplier shares of every (j,k) sum to 1;
 * 1/N <= HHI_M <= 1 and 0 <= HHI* <= 1; one supplier gives HHI = HHI* = 1; a product
 * the importer does not export has an infinite net-import ratio; rows come ranked.
 */
#include "helpers.h"

#include "query.h"

#include <stdlib.h>
#include <unistd.h>

/* The error of the last library call (the tests run on one thread). */
static lever_error E;

enum { AFG = 4, IRN = 364, KAZ = 398, UZB = 860 };

/* v in thousands of USD, as BACI writes it. */
static const char hand_rows[] =
    "398,4,110100,700.000,1000\n"  /* KAZ -> AFG flour */
    "860,4,110100,300.000,500\n"   /* UZB -> AFG flour */
    "398,860,110100,300.000,400\n" /* KAZ -> UZB flour */
    "364,860,110100,200.000,300\n" /* IRN -> UZB flour */
    "4,364,110100,100.000,100\n"   /* AFG -> IRN flour */
    "398,4,100190,50.000,200\n"    /* KAZ -> AFG wheat, the only supplier */
    "398,4,270900,10.000,20\n"     /* KAZ -> AFG crude */
    "860,4,270900,10.000,20\n"     /* UZB -> AFG crude: a tie */
    "4,398,81310,100.000,50\n";    /* AFG -> KAZ dried apricots */

typedef struct world {
    char path[256];
    lever_store *s;
} world;

static int write_to_buffer(void *ud, const char *data, size_t len)
{
    char **buf = ud;
    size_t have = *buf ? strlen(*buf) : 0;
    char *grown = realloc(*buf, have + len + 1);
    if (!grown)
        return -1;
    memcpy(grown + have, data, len);
    grown[have + len] = '\0';
    *buf = grown;
    return 0;
}

/* Imports CSV text into a store in a temporary file and opens it. */
static void open_world(world *w, const char *csv)
{
    snprintf(w->path, sizeof w->path, "%s/lever-test-depend-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    int fd = mkstemp(w->path);
    assert_true(fd >= 0);
    close(fd);
    lever_import *imp = NULL;
    assert_int_equal(lever_import_new(&imp, &E), LEVER_OK);
    int rc = lever_import_add_buffer(imp, "world.csv", csv, strlen(csv), &E);
    if (rc == LEVER_OK)
        rc = lever_import_commit(imp, w->path, &E);
    if (rc != LEVER_OK)
        fail_msg("import: %s", E.message);
    lever_import_free(imp);
    assert_int_equal(lever_open(w->path, &w->s, &E), LEVER_OK);
}

static void close_world(world *w)
{
    lever_close(w->s);
    unlink(w->path);
}

/* The three-year hand-made world. */
static void open_hand_world(world *w)
{
    char *csv = NULL;
    assert_int_equal(write_to_buffer(&csv, "t,i,j,k,v,q\n", 12), 0);
    for (int year = 2019; year <= 2021; year++) {
        const char *line = hand_rows;
        while (*line) {
            const char *end = strchr(line, '\n');
            char row[128];
            int n = snprintf(row, sizeof row, "%d,%.*s\n", year, (int)(end - line), line);
            assert_int_equal(write_to_buffer(&csv, row, (size_t)n), 0);
            line = end + 1;
        }
    }
    open_world(w, csv);
    free(csv);
}

static int country(const lever_store *s, int code)
{
    return country_by_code(s, code);
}

static int product(const lever_store *s, int hs6)
{
    lever_info info;
    lever_get_info(s, &info);
    for (int p = 0; p < info.n_products; p++) {
        lever_product k;
        lever_product_at(s, p, &k);
        if (k.hs6 == hs6)
            return p;
    }
    fail_msg("product %06d is not in the store", hs6);
    return -1;
}

static const lever_depend_row *row_of(const lever_store *s, const lever_depend_result *r, int hs6)
{
    for (size_t n = 0; n < r->n; n++)
        if (r->rows[n].product == product(s, hs6))
            return &r->rows[n];
    return NULL;
}

#define assert_close(a, b) assert_true(fabs((a) - (b)) <= 1e-12 * fmax(1.0, fabs(b)))

/* ---- hand-made world ---------------------------------------------------------------- */

static void flour_row_by_hand(void **state)
{
    (void)state;
    world w;
    open_hand_world(&w);
    lever_depend_result *r = NULL;
    assert_int_equal(lever_depend(w.s, country(w.s, AFG), -1, NULL, 0, &r, &E), LEVER_OK);
    assert_int_equal(r->year, 2021);
    assert_int_equal(r->n, 3); /* flour, wheat, crude; apricots are an export */
    const lever_depend_row *f = row_of(w.s, r, 110100);
    assert_non_null(f);
    assert_int_equal(f->imports, 1000000);
    assert_close(f->import_share, 1000000.0 / 1070000.0);
    assert_int_equal(f->exports, 100000);
    assert_close(f->net_import, 10.0);
    assert_int_equal(f->supplier, country(w.s, KAZ));
    assert_int_equal(f->supplier_value, 700000);
    assert_close(f->supplier_share, 0.7);
    assert_close(f->hhi, 0.49 + 0.09);
    assert_close(f->hhi_star, (0.58 - 0.5) / 0.5);
    assert_string_equal(f->hhi_level, "highly concentrated");
    assert_int_equal(f->n_suppliers, 2);
    /* world exporters of flour: KAZ 1000k, UZB 300k, IRN 200k, AFG 100k */
    assert_close(f->hhi_world, (1e12 + 9e10 + 4e10 + 1e10) / (1.6e6 * 1.6e6));
    assert_int_equal(f->alt_supply, 1600000 - 1000000 - 100000);
    assert_close(f->headroom, 500000.0 / 700000.0);
    assert_close(f->d, 700000.0 / 1200000.0);
    assert_int_equal(f->geodep, 1);
    assert_int_equal(f->geodep_persistent, 1);
    assert_int_equal(f->critical, 1);
    assert_close(f->score, (1000000.0 / 1070000.0) * 0.7 * (700000.0 / 1200000.0));
    assert_int_equal(f->n_alternatives, 2);
    assert_int_equal(f->alternatives[0].country, country(w.s, UZB));
    assert_int_equal(f->alternatives[0].value, 300000);
    assert_close(f->alternatives[0].share, 300000.0 / 1600000.0);
    assert_int_equal(f->alternatives[1].country, country(w.s, IRN));
    /* ranked by score */
    for (size_t n = 1; n < r->n; n++)
        assert_true(r->rows[n - 1].score >= r->rows[n].score);
    lever_depend_free(r);
    close_world(&w);
}

static void single_supplier_and_no_exports(void **state)
{
    (void)state;
    world w;
    open_hand_world(&w);
    lever_depend_result *r = NULL;
    assert_int_equal(lever_depend(w.s, country(w.s, AFG), -1, &(lever_query){.year_to = 2021}, 0, &r, &E), LEVER_OK);
    const lever_depend_row *wheat = row_of(w.s, r, 100190);
    assert_non_null(wheat);
    assert_int_equal(wheat->n_suppliers, 1);
    assert_close(wheat->hhi, 1.0);
    assert_close(wheat->hhi_star, 1.0);
    assert_int_equal(wheat->exports, 0);
    assert_true(isinf(wheat->net_import) && wheat->net_import > 0);
    assert_int_equal(wheat->alt_supply, 0); /* nobody else exports wheat */
    assert_close(wheat->d, 1.0);
    assert_int_equal(wheat->n_alternatives, 0);
    lever_depend_free(r);
    close_world(&w);
}

static void ties_go_to_the_smallest_code(void **state)
{
    (void)state;
    world w;
    open_hand_world(&w);
    lever_depend_result *r = NULL;
    assert_int_equal(lever_depend(w.s, country(w.s, AFG), -1, NULL, 0, &r, &E), LEVER_OK);
    const lever_depend_row *crude = row_of(w.s, r, 270900);
    assert_non_null(crude);
    assert_int_equal(crude->supplier, country(w.s, KAZ)); /* 398 < 860 */
    assert_close(crude->hhi_star, 0.0);
    lever_depend_free(r);
    close_world(&w);
}

static void on_a_supplier(void **state)
{
    (void)state;
    world w;
    open_hand_world(&w);
    lever_depend_result *r = NULL;
    assert_int_equal(lever_depend(w.s, country(w.s, AFG), country(w.s, UZB), NULL, 0, &r, &E),
                     LEVER_OK);
    assert_int_equal(r->on, country(w.s, UZB));
    assert_int_equal(r->n, 2); /* UZB sells no wheat */
    /* ranked by UZB's share: crude 50% before flour 30% */
    assert_int_equal(r->rows[0].product, product(w.s, 270900));
    assert_close(r->rows[0].supplier_share, 0.5);
    assert_int_equal(r->rows[1].product, product(w.s, 110100));
    assert_close(r->rows[1].supplier_share, 0.3);
    assert_int_equal(r->rows[1].critical, 0); /* 30% < 50% */
    /* alternatives to UZB: KAZ and IRN (not AFG, the importer) */
    assert_int_equal(r->rows[1].alternatives[0].country, country(w.s, KAZ));
    assert_int_equal(r->rows[1].alternatives[1].country, country(w.s, IRN));
    lever_depend_free(r);
    close_world(&w);
}

static void alternatives_modes(void **state)
{
    (void)state;
    world w;
    open_hand_world(&w);
    lever_depend_result *r = NULL;
    lever_query q = {.alternatives = LEVER_ALT_CURRENT};
    assert_int_equal(lever_depend(w.s, country(w.s, AFG), -1, &q, 0, &r, &E), LEVER_OK);
    const lever_depend_row *f = row_of(w.s, r, 110100);
    assert_int_equal(f->alt_supply, 300000); /* UZB, already selling flour to AFG */
    assert_close(f->d, 700000.0 / 1000000.0);
    assert_int_equal(f->n_alternatives, 1);
    assert_int_equal(f->alternatives[0].country, country(w.s, UZB));
    lever_depend_free(r);

    int list[] = {country(w.s, IRN), country(w.s, KAZ)};
    q = (lever_query){.alternatives = LEVER_ALT_LIST, .alt_countries = list, .n_alt_countries = 2};
    assert_int_equal(lever_depend(w.s, country(w.s, AFG), -1, &q, 0, &r, &E), LEVER_OK);
    f = row_of(w.s, r, 110100);
    assert_int_equal(f->alt_supply, 200000); /* IRN; KAZ is the supplier */
    assert_int_equal(f->n_alternatives, 1);
    assert_int_equal(f->alternatives[0].country, country(w.s, IRN));
    lever_depend_free(r);
    close_world(&w);
}

static void persistence_needs_two_years_before(void **state)
{
    (void)state;
    world w;
    open_hand_world(&w);
    lever_depend_result *r = NULL;
    assert_int_equal(lever_depend(w.s, country(w.s, AFG), -1, &(lever_query){.year_to = 2020}, 0, &r, &E), LEVER_OK);
    for (size_t n = 0; n < r->n; n++)
        assert_int_equal(r->rows[n].geodep_persistent, -1); /* 2018 is not in the store */
    lever_depend_free(r);
    close_world(&w);
}

static void selection_top_and_errors(void **state)
{
    (void)state;
    world w;
    open_hand_world(&w);
    lever_selection *sel = NULL;
    assert_int_equal(lever_selection_parse(w.s, "1101", &sel, &E), LEVER_OK);
    lever_query q = {.products = sel};
    lever_depend_result *r = NULL;
    assert_int_equal(lever_depend(w.s, country(w.s, AFG), -1, &q, 0, &r, &E), LEVER_OK);
    assert_int_equal(r->n, 1);
    assert_close(r->rows[0].import_share, 1.0); /* M(B) over the selection */
    lever_depend_free(r);
    lever_selection_free(sel);

    assert_int_equal(lever_depend(w.s, country(w.s, AFG), -1, NULL, 1, &r, &E), LEVER_OK);
    assert_int_equal(r->n, 1);
    lever_depend_free(r);
    /* Iran imports nothing from Uzbekistan: an empty answer, not an error */
    assert_int_equal(lever_depend(w.s, country(w.s, IRN), country(w.s, UZB), NULL, 0, &r, &E),
                     LEVER_OK);
    assert_int_equal(r->n, 0);
    lever_depend_free(r);
    assert_int_equal(lever_depend(w.s, country(w.s, AFG), -1, &(lever_query){.year_to = 2015}, 0, &r, &E),
                     LEVER_ENOTFOUND);
    assert_non_null(strstr(E.message, "2019-2021"));
    assert_null(r);
    assert_int_equal(lever_depend(w.s, country(w.s, AFG), country(w.s, AFG), NULL, 0, &r, &E),
                     LEVER_EUSAGE);
    close_world(&w);
}

static void compare_by_hand(void **state)
{
    (void)state;
    world w;
    open_hand_world(&w);
    int sup[] = {country(w.s, KAZ), country(w.s, UZB)};
    lever_query q = {.year_from = 2021, .year_to = 2021};
    lever_compare_result *r = NULL;
    assert_int_equal(lever_compare(w.s, country(w.s, AFG), sup, 2, &q, 0, &r, &E), LEVER_OK);
    assert_int_equal(r->n_years_rows, 2);
    assert_int_equal(r->years[0].value, 760000);
    assert_close(r->years[0].share, 760000.0 / 1070000.0);
    assert_int_equal(r->years[1].value, 310000);
    assert_true(r->years[0].lev >= 0 && r->years[0].lev <= 1);
    assert_int_equal(r->n_similarities, 1);
    assert_close(r->similarities[0].esi, 700.0 / 760.0 + 10.0 / 760.0);
    /* head-on: crude (overlap 50%) before flour (30%); wheat is KAZ's alone */
    assert_int_equal(r->n_headon, 4);
    assert_int_equal(r->headon[0].product, product(w.s, 270900));
    assert_int_equal(r->headon[0].supplier, sup[0]); /* equal values: in the order given */
    assert_close(r->headon[0].overlap, 0.5);
    assert_int_equal(r->headon[2].product, product(w.s, 110100));
    assert_int_equal(r->headon[2].supplier, sup[0]);
    assert_close(r->headon[2].share, 0.7);
    assert_close(r->headon[3].overlap, 0.3);
    lever_compare_free(r);

    assert_int_equal(lever_compare(w.s, country(w.s, AFG), sup, 2, NULL, 1, &r, &E), LEVER_OK);
    assert_int_equal(r->n_years_rows, 6);     /* three years, two suppliers */
    assert_int_equal(r->n_headon, 3 * 2);     /* top 1 product a year, two sellers */
    lever_compare_free(r);

    int self[] = {country(w.s, KAZ), country(w.s, AFG)};
    assert_int_equal(lever_compare(w.s, country(w.s, AFG), self, 2, NULL, 0, &r, &E), LEVER_EUSAGE);
    int twice[] = {country(w.s, KAZ), country(w.s, KAZ)};
    assert_int_equal(lever_compare(w.s, country(w.s, AFG), twice, 2, NULL, 0, &r, &E),
                     LEVER_EUSAGE);
    close_world(&w);
}

/* ---- properties on a synthetic world ------------------------------------------------ */

static void open_synthetic_world(world *w, uint64_t rows)
{
    lever_synth_options opt = {.rows = rows, .seed = 7, .year_from = 2019, .year_to = 2021};
    char *csv = NULL;
    assert_int_equal(lever_synth(&opt, write_to_buffer, &csv, &E), LEVER_OK);
    open_world(w, csv);
    free(csv);
}

static void supplier_shares_sum_to_one(void **state)
{
    (void)state;
    world w;
    open_synthetic_world(&w, 30000);
    const lever_store *s = w.s;
    for (uint32_t y = 0; y < s->n_years; y++) {
        const store_year *yr = &s->years[y];
        for (uint64_t e = yr->mjk_start; e < yr->mjk_start + yr->mjk_count; e++) {
            const store_mjk *g = &s->mjk[e];
            uint64_t end = e + 1 < yr->mjk_start + yr->mjk_count ? g[1].imp_pos
                                                                 : yr->row_start + yr->row_count;
            double sum = 0;
            for (uint64_t p = g->imp_pos; p < end; p++)
                sum += supplier_share(store_v(s, s->by_imp[p]), g->m);
            assert_true(fabs(sum - 1.0) < 1e-12);
        }
    }
    close_world(&w);
}

static void concentration_bounds(void **state)
{
    (void)state;
    world w;
    open_synthetic_world(&w, 30000);
    lever_info info;
    lever_get_info(w.s, &info);
    size_t rows = 0, single = 0, infinite = 0;
    for (int b = 0; b < info.n_countries; b++) {
        lever_depend_result *r = NULL;
        assert_int_equal(lever_depend(w.s, b, -1, NULL, 0, &r, &E), LEVER_OK);
        for (size_t n = 0; n < r->n; n++) {
            const lever_depend_row *row = &r->rows[n];
            assert_true(row->n_suppliers >= 1);
            assert_true(row->hhi >= 1.0 / row->n_suppliers - 1e-12 && row->hhi <= 1.0 + 1e-12);
            assert_true(row->hhi_star >= -1e-12 && row->hhi_star <= 1.0 + 1e-12);
            assert_true(row->hhi_world > 0 && row->hhi_world <= 1.0 + 1e-12);
            assert_true(row->d > 0 && row->d <= 1.0);
            assert_true(row->supplier_share >= 1.0 / row->n_suppliers - 1e-12);
            if (row->n_suppliers == 1) {
                assert_true(row->hhi == 1.0 && row->hhi_star == 1.0);
                single++;
            }
            if (row->exports == 0) {
                assert_true(isinf(row->net_import));
                infinite++;
            }
            if (n > 0)
                assert_true(r->rows[n - 1].score >= row->score);
            rows++;
        }
        lever_depend_free(r);
    }
    assert_true(rows > 1000);
    assert_true(single > 0);
    assert_true(infinite > 0);
    close_world(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(flour_row_by_hand),
        cmocka_unit_test(single_supplier_and_no_exports),
        cmocka_unit_test(ties_go_to_the_smallest_code),
        cmocka_unit_test(on_a_supplier),
        cmocka_unit_test(alternatives_modes),
        cmocka_unit_test(persistence_needs_two_years_before),
        cmocka_unit_test(selection_top_and_errors),
        cmocka_unit_test(compare_by_hand),
        cmocka_unit_test(supplier_shares_sum_to_one),
        cmocka_unit_test(concentration_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
