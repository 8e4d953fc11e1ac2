/*
 * test_change.c - the two queries of lever change and lever indicators
 * (lever_change in change.c, lever_indicators in wits.c) on small hand-made
 * worlds whose every figure was worked out on paper from INDICATORS.md.
 *
 * Each world is a BACI CSV written below (values in thousands of USD, quantities
 * in tons, as BACI has them), imported through the public API into a temporary
 * store. Beyond the hand figures it checks the properties the commands promise:
 * product changes add up exactly to the total change, quantity and price effects
 * add up to each product's change, and the edge cases: a product present in one
 * year only, a missing quantity, a year not in the store, a pair that never
 * traded, a product selection restricting every sum.
 */
#include "helpers.h"

#include "query.h"

#include <stdlib.h>
#include <unistd.h>

/* The error of the last library call (the tests run on one thread). */
static lever_error E;

/* BACI codes of the countries the worlds use. */
#define DZA 12
#define FRA 251
#define DEU 276
#define RUS 643

/* FRA -> DZA from 2019 to 2021 (no 2020 in the store):
 *   100190 wheat   1,000,000 USD / 4,000 t  -> 1,500,000 USD / 5,000 t  delta +500,000
 *                  quantity effect (5e6 - 4e6) kg * 0.25 = +250,000, price +250,000
 *   110100 flour     200,000 USD / q NA     ->   100,000 USD / 300 t    delta -100,000, no split
 *   300490 medicine  absent                 ->    50,500 USD / 1 t      delta  +50,500, no split
 *   100390 barley     10,000 USD / 2 t      ->    40,000 USD / 4 t      delta  +30,000
 *                  quantity (4000 - 2000) * 5 = +10,000, price (10 - 5) * 4000 = +20,000
 *   271000 fuels      30,000 USD / 10 t     ->  absent                  delta  -30,000, no split
 *   870323 cars       70,000 USD / 5 t      ->    70,000 USD / 5 t      unchanged, not listed
 * totals 1,310,000 -> 1,760,500, delta +450,500. Barley and fuels tie on |delta|: barley's
 * code is lower, so it comes first. Other flows are noise that must not count. */
static const char change_world[] =
    "t,i,j,k,v,q\n"
    "2019,251,12,100190,1000.000,4000.000\n"
    "2019,251,12,110100,200.000,NA\n"
    "2019,251,12,100390,10.000,2.000\n"
    "2019,251,12,271000,30.000,10.000\n"
    "2019,251,12,870323,70.000,5.000\n"
    "2019,12,251,270900,999.000,100.000\n"
    "2019,276,12,100190,123.000,400.000\n"
    "2019,251,276,100190,77.000,200.000\n"
    "2021,251,12,100190,1500.000,5000.000\n"
    "2021,251,12,110100,100.000,300.000\n"
    "2021,251,12,300490,50.500,1.000\n"
    "2021,251,12,100390,40.000,4.000\n"
    "2021,251,12,870323,70.000,5.000\n"
    "2021,12,251,270900,555.000,50.000\n"
    "2021,276,643,870323,10.000,1.000\n";

/* 2021 (values in USD):
 *   FRA->DZA wheat 600, cars 200; FRA->DEU cars 400; DZA->FRA oil 300; DZA->DEU oil 500;
 *   DEU->DZA cars 800; DEU->FRA wheat 100; DEU->RUS cars 50.
 *   X(FRA) 1200, M(FRA) 400; X(DZA) 800, M(DZA) 1600; X(DEU) 950, M(DEU) 900; M(RUS) 50.
 *   W = 2950; W(wheat) 700, W(cars) 1450, W(oil) 800.
 *   TII(FRA,DZA) = (800/1200) / (1600/2950) = 2950/2400
 *   TII(DZA,FRA) = (300/800) / (400/2950) = 0.375 * 2950/400
 *   TC(FRA,DZA): x = wheat .5, cars .5; m = wheat .375, cars .625: 100 (1 - .25/2) = 87.5
 *   TC(DZA,FRA): x = oil 1; m = oil .75, wheat .25: 100 (1 - .5/2) = 75
 *   D(DZA on FRA) = T 1100 / T(DZA) 2400; D(FRA on DZA) = 1100 / T(FRA) 1600
 *   RCA FRA: wheat (600/1200)/(700/2950), cars (600/1200)/(1450/2950); DZA oil (1)/(800/2950)
 * 2019: FRA and DEU each sell DZA 030617 100, 100190 100, 110100 200; DZA sells FRA 270900
 *   50, 271111 30, 271000 7, so W = 887. FRA's three products have the same RCA,
 *   (x/400) / (2x/887) = 887/800: ranked by exports (110100 first), then by code (030617
 *   before 100190). DZA is the only exporter of its three: each RCA is exactly W/X(DZA) =
 *   887/87 (though the doubles may differ in the last bit), so they rank by exports. */
static const char indicators_world[] =
    "t,i,j,k,v,q\n"
    "2019,251,12,30617,0.100,1.000\n"
    "2019,251,12,100190,0.100,1.000\n"
    "2019,251,12,110100,0.200,1.000\n"
    "2019,276,12,30617,0.100,1.000\n"
    "2019,276,12,100190,0.100,1.000\n"
    "2019,276,12,110100,0.200,1.000\n"
    "2019,12,251,270900,0.050,1.000\n"
    "2019,12,251,271111,0.030,1.000\n"
    "2019,12,251,271000,0.007,1.000\n"
    "2021,251,12,100190,0.600,1.000\n"
    "2021,251,12,870323,0.200,1.000\n"
    "2021,251,276,870323,0.400,1.000\n"
    "2021,12,251,270900,0.300,1.000\n"
    "2021,12,276,270900,0.500,1.000\n"
    "2021,276,12,870323,0.800,1.000\n"
    "2021,276,251,100190,0.100,1.000\n"
    "2021,276,643,870323,0.050,1.000\n";

typedef struct fixture {
    char dir[256], path[300];
    lever_store *s;
} fixture;

/* Imports a CSV text into a store in a fresh temporary folder and opens it. */
static fixture *open_world(const char *csv)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    snprintf(f->dir, sizeof f->dir, "%s/lever-test-change-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof f->path, "%s/world.store", f->dir);
    lever_import *imp = NULL;
    assert_int_equal(lever_import_new(&imp, &E), LEVER_OK);
    int rc = lever_import_add_buffer(imp, "world.csv", csv, strlen(csv), &E);
    if (rc == LEVER_OK)
        rc = lever_import_commit(imp, f->path, &E);
    if (rc != LEVER_OK)
        fail_msg("import failed: %s", E.message);
    lever_import_free(imp);
    rc = lever_open(f->path, &f->s, &E);
    if (rc != LEVER_OK)
        fail_msg("open failed: %s", E.message);
    return f;
}

static void close_world(fixture *f)
{
    lever_close(f->s);
    unlink(f->path);
    rmdir(f->dir);
    free(f);
}

static int setup_change(void **state)
{
    *state = open_world(change_world);
    return 0;
}

static int setup_indicators(void **state)
{
    *state = open_world(indicators_world);
    return 0;
}

static int teardown(void **state)
{
    close_world(*state);
    return 0;
}

static int country(lever_store *s, int code)
{
    char text[16];
    snprintf(text, sizeof text, "%d", code);
    int c = -1;
    assert_int_equal(lever_country_lookup(s, text, &c, &E), LEVER_OK);
    lever_country k;
    lever_country_at(s, c, &k);
    assert_int_equal(k.code, code);
    return c;
}

static int hs6_of(const lever_store *s, int product)
{
    lever_product p;
    lever_product_at(s, product, &p);
    return p.hs6;
}

static void assert_close(double got, double want)
{
    assert_close_to(got, want, 1e-12);
}

/* ---- lever_change ------------------------------------------------------------------ */

/* The promises every change result keeps, whatever the data. */
static void assert_change_properties(const lever_change_result *r)
{
    int64_t sum = 0;
    for (size_t n = 0; n < r->n; n++) {
        const lever_change_row *row = &r->rows[n];
        assert_true(row->delta != 0);
        assert_true(row->delta == (int64_t)row->v1 - (int64_t)row->v0);
        sum += row->delta;
        if (!isnan(row->quantity_effect)) {
            double scale = fabs((double)row->delta);
            assert_true(fabs(row->quantity_effect + row->price_effect - (double)row->delta) <=
                        1e-9 * scale);
        } else {
            assert_nan(row->price_effect);
        }
        if (n > 0) {
            uint64_t prev = (uint64_t)llabs(r->rows[n - 1].delta), cur = (uint64_t)llabs(row->delta);
            assert_true(prev > cur || (prev == cur && r->rows[n - 1].product < row->product));
        }
    }
    assert_true(sum == r->delta);
    assert_true(r->delta == (int64_t)r->total1 - (int64_t)r->total0);
}

static void test_change_by_hand(void **state)
{
    lever_store *s = ((fixture *)*state)->s;
    lever_change_result *r = NULL;
    int fra = country(s, FRA), dza = country(s, DZA);
    assert_int_equal(lever_change(s, fra, dza, &(lever_query){.year_from = 2019, .year_to = 2021}, &r, &E), LEVER_OK);
    assert_int_equal(r->a, fra);
    assert_int_equal(r->b, dza);
    assert_int_equal(r->year0, 2019);
    assert_int_equal(r->year1, 2021);
    assert_true(r->total0 == 1310000);
    assert_true(r->total1 == 1760500);
    assert_true(r->delta == 450500);
    assert_int_equal(r->n, 5);
    static const struct {
        int hs6;
        int64_t v0, v1, delta, q0, q1;
        double qe, pe; /* NaN: no split */
    } want[] = {
        {100190, 1000000, 1500000, 500000, 4000000, 5000000, 250000, 250000},
        {110100, 200000, 100000, -100000, LEVER_QTY_MISSING, 300000, NAN, NAN},
        {300490, 0, 50500, 50500, 0, 1000, NAN, NAN},
        {100390, 10000, 40000, 30000, 2000, 4000, 10000, 20000},
        {271000, 30000, 0, -30000, 10000, 0, NAN, NAN},
    };
    for (size_t n = 0; n < r->n; n++) {
        const lever_change_row *row = &r->rows[n];
        assert_int_equal(hs6_of(s, row->product), want[n].hs6);
        assert_true(row->v0 == (uint64_t)want[n].v0);
        assert_true(row->v1 == (uint64_t)want[n].v1);
        assert_true(row->delta == want[n].delta);
        assert_true(row->q0 == want[n].q0);
        assert_true(row->q1 == want[n].q1);
        if (isnan(want[n].qe)) {
            assert_nan(row->quantity_effect);
            assert_nan(row->price_effect);
        } else {
            assert_close(row->quantity_effect, want[n].qe);
            assert_close(row->price_effect, want[n].pe);
        }
        assert_close(row->share_of_change, (double)want[n].delta / 450500.0);
    }
    assert_change_properties(r);
    lever_change_free(r);
}

static void test_change_reverse_direction_and_years(void **state)
{
    lever_store *s = ((fixture *)*state)->s;
    lever_change_result *r = NULL;
    int fra = country(s, FRA), dza = country(s, DZA);
    /* DZA -> FRA: only oil, 999,000 -> 555,000 USD */
    assert_int_equal(lever_change(s, dza, fra, &(lever_query){.year_from = 2019, .year_to = 2021}, &r, &E), LEVER_OK);
    assert_true(r->total0 == 999000 && r->total1 == 555000 && r->delta == -444000);
    assert_int_equal(r->n, 1);
    assert_int_equal(hs6_of(s, r->rows[0].product), 270900);
    assert_close(r->rows[0].share_of_change, 1.0);
    /* quantity 100 t -> 50 t at uv0 9.99: -499,500; price the rest */
    assert_close(r->rows[0].quantity_effect, -50000.0 * 9.99);
    assert_close(r->rows[0].price_effect, -444000.0 + 50000.0 * 9.99);
    assert_change_properties(r);
    lever_change_free(r);
    /* 0 means the first and the last year of the store */
    assert_int_equal(lever_change(s, fra, dza, &(lever_query){.year_from = 0, .year_to = 0}, &r, &E), LEVER_OK);
    assert_int_equal(r->year0, 2019);
    assert_int_equal(r->year1, 2021);
    assert_true(r->delta == 450500);
    lever_change_free(r);
    /* the same year twice: nothing changed */
    assert_int_equal(lever_change(s, fra, dza, &(lever_query){.year_from = 2021, .year_to = 2021}, &r, &E), LEVER_OK);
    assert_true(r->total0 == 1760500 && r->total1 == 1760500 && r->delta == 0);
    assert_int_equal(r->n, 0);
    lever_change_free(r);
}

static void test_change_selection(void **state)
{
    lever_store *s = ((fixture *)*state)->s;
    lever_selection *sel = NULL;
    assert_int_equal(lever_selection_parse(s, "10", &sel, &E), LEVER_OK);
    lever_query q = {.year_from = 2019, .year_to = 2021, .products = sel};
    lever_change_result *r = NULL;
    assert_int_equal(lever_change(s, country(s, FRA), country(s, DZA), &q, &r, &E), LEVER_OK);
    /* cereals only: wheat and barley */
    assert_true(r->total0 == 1010000 && r->total1 == 1540000 && r->delta == 530000);
    assert_int_equal(r->n, 2);
    assert_int_equal(hs6_of(s, r->rows[0].product), 100190);
    assert_int_equal(hs6_of(s, r->rows[1].product), 100390);
    assert_close(r->rows[0].share_of_change, 500000.0 / 530000.0);
    assert_change_properties(r);
    lever_change_free(r);
    lever_selection_free(sel);
}

static void test_change_never_traded(void **state)
{
    lever_store *s = ((fixture *)*state)->s;
    lever_change_result *r = NULL;
    /* DZA never sold to DEU */
    assert_int_equal(lever_change(s, country(s, DZA), country(s, DEU), &(lever_query){.year_from = 2019, .year_to = 2021}, &r, &E),
                     LEVER_OK);
    assert_true(r->total0 == 0 && r->total1 == 0 && r->delta == 0);
    assert_int_equal(r->n, 0);
    lever_change_free(r);
}

static void test_change_year_missing(void **state)
{
    lever_store *s = ((fixture *)*state)->s;
    lever_change_result *r = NULL;
    int fra = country(s, FRA), dza = country(s, DZA);
    assert_int_equal(lever_change(s, fra, dza, &(lever_query){.year_from = 2020, .year_to = 2021}, &r, &E), LEVER_ENOTFOUND);
    assert_null(r);
    assert_non_null(strstr(E.message, "2020"));
    assert_non_null(strstr(E.message, "2019-2021"));
    assert_int_equal(lever_change(s, fra, dza, &(lever_query){.year_from = 2019, .year_to = 2030}, &r, &E), LEVER_ENOTFOUND);
    assert_non_null(strstr(E.message, "2030"));
    assert_null(r);
}

/* ---- lever_indicators --------------------------------------------------------------- */

static void test_indicators_by_hand(void **state)
{
    lever_store *s = ((fixture *)*state)->s;
    int fra = country(s, FRA), dza = country(s, DZA);
    lever_query q = {.year_from = 2021, .year_to = 2021};
    lever_indicators_result *r = NULL;
    assert_int_equal(lever_indicators(s, fra, dza, &q, 5, &r, &E), LEVER_OK);
    assert_int_equal(r->n_years, 1);
    const lever_indicators_year *y = &r->years[0];
    assert_int_equal(y->year, 2021);
    assert_close(y->tii_ab, (800.0 / 1200.0) / (1600.0 / 2950.0));
    assert_close(y->tii_ba, (300.0 / 800.0) / (400.0 / 2950.0));
    assert_close(y->tc_ab, 87.5);
    assert_close(y->tc_ba, 75.0);
    assert_close(y->d_b_on_a, 1100.0 / 2400.0);
    assert_close(y->d_a_on_b, 1100.0 / 1600.0);
    /* RCA: FRA wheat then cars, then DZA oil */
    assert_int_equal(r->n_rca, 3);
    assert_int_equal(r->rca[0].country, fra);
    assert_int_equal(hs6_of(s, r->rca[0].product), 100190);
    assert_true(r->rca[0].exports == 600);
    assert_close(r->rca[0].rca, 0.5 / (700.0 / 2950.0));
    assert_int_equal(r->rca[1].country, fra);
    assert_int_equal(hs6_of(s, r->rca[1].product), 870323);
    assert_close(r->rca[1].rca, 0.5 / (1450.0 / 2950.0));
    assert_int_equal(r->rca[2].country, dza);
    assert_int_equal(r->rca[2].year, 2021);
    assert_int_equal(hs6_of(s, r->rca[2].product), 270900);
    assert_close(r->rca[2].rca, 2950.0 / 800.0);
    lever_indicators_free(r);
}

static void test_indicators_rca_ties_and_top(void **state)
{
    lever_store *s = ((fixture *)*state)->s;
    int fra = country(s, FRA), dza = country(s, DZA);
    lever_query q = {.year_from = 2019, .year_to = 2019};
    lever_indicators_result *r = NULL;
    assert_int_equal(lever_indicators(s, fra, dza, &q, 2, &r, &E), LEVER_OK);
    /* top 2 of FRA's three equal RCAs, then of DZA's three */
    assert_int_equal(r->n_rca, 4);
    assert_int_equal(hs6_of(s, r->rca[0].product), 110100);
    assert_int_equal(hs6_of(s, r->rca[1].product), 30617);
    assert_close(r->rca[0].rca, 887.0 / 800.0);
    assert_close(r->rca[1].rca, 887.0 / 800.0);
    assert_int_equal(r->rca[2].country, dza);
    assert_int_equal(hs6_of(s, r->rca[2].product), 270900);
    assert_int_equal(hs6_of(s, r->rca[3].product), 271111);
    assert_close(r->rca[3].rca, 887.0 / 87.0);
    lever_indicators_free(r);
    /* top 0: no RCA rows; every year of the store */
    assert_int_equal(lever_indicators(s, fra, dza, NULL, 0, &r, &E), LEVER_OK);
    assert_int_equal(r->n_years, 2);
    assert_int_equal(r->years[0].year, 2019);
    assert_int_equal(r->years[1].year, 2021);
    assert_int_equal(r->n_rca, 0);
    lever_indicators_free(r);
}

static void test_indicators_selection(void **state)
{
    lever_store *s = ((fixture *)*state)->s;
    int fra = country(s, FRA), dza = country(s, DZA);
    lever_selection *sel = NULL;
    assert_int_equal(lever_selection_parse(s, "10", &sel, &E), LEVER_OK);
    lever_query q = {.year_from = 2021, .year_to = 2021, .products = sel};
    lever_indicators_result *r = NULL;
    assert_int_equal(lever_indicators(s, fra, dza, &q, 5, &r, &E), LEVER_OK);
    /* wheat only: X(FRA) 600, M(DZA) 600, W 700; DZA exports no wheat */
    const lever_indicators_year *y = &r->years[0];
    assert_close(y->tii_ab, 700.0 / 600.0);
    assert_nan(y->tii_ba);
    assert_close(y->tc_ab, 100.0);
    assert_nan(y->tc_ba);
    assert_close(y->d_b_on_a, 1.0);
    assert_close(y->d_a_on_b, 600.0 / 700.0);
    assert_int_equal(r->n_rca, 1);
    assert_close(r->rca[0].rca, 1.0);
    lever_indicators_free(r);
    lever_selection_free(sel);
}

static void test_indicators_never_traded(void **state)
{
    lever_store *s = ((fixture *)*state)->s;
    int dza = country(s, DZA), rus = country(s, RUS);
    lever_query q = {.year_from = 2021, .year_to = 2021};
    lever_indicators_result *r = NULL;
    assert_int_equal(lever_indicators(s, dza, rus, &q, 5, &r, &E), LEVER_OK);
    const lever_indicators_year *y = &r->years[0];
    assert_close(y->tii_ab, 0.0); /* DZA sells RUS nothing */
    assert_nan(y->tii_ba);        /* RUS exports nothing */
    assert_nan(y->tc_ba);
    /* DZA's oil against RUS's cars: disjoint, TC 0 */
    assert_close(y->tc_ab, 0.0);
    assert_close(y->d_b_on_a, 0.0);
    assert_close(y->d_a_on_b, 0.0);
    assert_int_equal(r->n_rca, 1); /* DZA's oil; RUS exports nothing */
    lever_indicators_free(r);
    /* 2019: RUS has no trade at all */
    q.year_from = q.year_to = 2019;
    assert_int_equal(lever_indicators(s, dza, rus, &q, 5, &r, &E), LEVER_OK);
    assert_nan(r->years[0].tii_ab); /* M(RUS) is 0 */
    assert_nan(r->years[0].d_b_on_a); /* T(RUS) is 0 */
    assert_close(r->years[0].d_a_on_b, 0.0);
    lever_indicators_free(r);
}

static void test_indicators_year_missing(void **state)
{
    lever_store *s = ((fixture *)*state)->s;
    lever_query q = {.year_from = 2020, .year_to = 2021};
    lever_indicators_result *r = NULL;
    assert_int_equal(lever_indicators(s, country(s, FRA), country(s, DZA), &q, 5, &r, &E),
                     LEVER_ENOTFOUND);
    assert_null(r);
    assert_non_null(strstr(E.message, "2019-2021"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_change_by_hand, setup_change, teardown),
        cmocka_unit_test_setup_teardown(test_change_reverse_direction_and_years, setup_change,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_change_selection, setup_change, teardown),
        cmocka_unit_test_setup_teardown(test_change_never_traded, setup_change, teardown),
        cmocka_unit_test_setup_teardown(test_change_year_missing, setup_change, teardown),
        cmocka_unit_test_setup_teardown(test_indicators_by_hand, setup_indicators, teardown),
        cmocka_unit_test_setup_teardown(test_indicators_rca_ties_and_top, setup_indicators,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_indicators_selection, setup_indicators, teardown),
        cmocka_unit_test_setup_teardown(test_indicators_never_traded, setup_indicators,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_indicators_year_missing, setup_indicators,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
