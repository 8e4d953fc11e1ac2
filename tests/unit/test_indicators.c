/*
 * test_indicators.c - every formula of src/lib/measures/formulas.c against values computed
 * by hand from INDICATORS.md, and against its rules for the edge cases: which
 * inputs give NaN or infinity, HHI* with one supplier, the bounds of the HHI
 * levels and of the GeoDep and critical-dependence screens, the clamps of the
 * world alternatives, and that the quantity and price effects of a change always
 * add up to the change. Figures here are written out, never produced by lever.
 */
#include "helpers.h"

#include "formulas.h"

#define REL_TOL 1e-12

/* |got - want| within a relative tolerance (absolute near 0). */
static void assert_pos_inf(double got)
{
    if (!(isinf(got) && got > 0))
        fail_msg("got %.17g, want +inf", got);
}

/* ---- basics --------------------------------------------------------------------- */

static void test_ratio_u64(void **state)
{
    (void)state;
    assert_close_to(ratio_u64(1, 4), 0.25, REL_TOL);
    assert_close_to(ratio_u64(0, 7), 0.0, REL_TOL);
    assert_nan(ratio_u64(3, 0));
    assert_nan(ratio_u64(0, 0));
    /* beyond 2^53 the ratio is still that of the nearest doubles */
    assert_close_to(ratio_u64(UINT64_MAX, UINT64_MAX), 1.0, REL_TOL);
}

static void test_hhi_from_sumsq(void **state)
{
    (void)state;
    /* suppliers 60, 30, 10 of 100: 0.36 + 0.09 + 0.01 */
    assert_close_to(hhi_from_sumsq(3600 + 900 + 100, 0, 100), 0.46, REL_TOL);
    /* one supplier: HHI 1 */
    assert_close_to(hhi_from_sumsq(49, 0, 7), 1.0, REL_TOL);
    /* two suppliers of 2^40 USD each: sum of squares 2^81 needs the high word */
    uint64_t v = (uint64_t)1 << 40;
    assert_close_to(hhi_from_sumsq(0, (uint64_t)1 << 17, 2 * v), 0.5, REL_TOL);
    /* four equal suppliers of 2^34: squares 2^68 each, sum 2^70 = hi 2^6 */
    assert_close_to(hhi_from_sumsq(0, 64, (uint64_t)1 << 36), 0.25, REL_TOL);
    assert_nan(hhi_from_sumsq(0, 0, 0));
}

static void test_growth_and_cagr(void **state)
{
    (void)state;
    assert_close_to(growth_rate(100, 150), 0.5, REL_TOL);
    assert_close_to(growth_rate(200, 50), -0.75, REL_TOL);
    assert_close_to(growth_rate(5, 5), 0.0, REL_TOL);
    assert_nan(growth_rate(0, 10));
    assert_nan(growth_rate(0, 0));
    assert_close_to(cagr(100, 121, 2), 0.1, REL_TOL);
    assert_close_to(cagr(1000, 125, 3), -0.5, REL_TOL);
    assert_close_to(cagr(100, 150, 1), 0.5, REL_TOL);
    assert_close_to(cagr(100, 0, 2), -1.0, REL_TOL);
    assert_nan(cagr(0, 121, 2));
    assert_nan(cagr(100, 121, 0));
    assert_nan(cagr(100, 121, -1));
}

static void test_unit_value(void **state)
{
    (void)state;
    assert_close_to(unit_value(100, 4), 25.0, REL_TOL);
    assert_close_to(unit_value(1, 1000), 0.001, REL_TOL);
    assert_nan(unit_value(100, 0));
    assert_nan(unit_value(100, LEVER_QTY_MISSING));
    assert_nan(unit_value(100, -3));
}

static void test_unit_value_flag(void **state)
{
    (void)state;
    assert_int_equal(unit_value_flag(10.0, 2.0), 0);   /* exactly 5x: not over */
    assert_int_equal(unit_value_flag(10.5, 2.0), 1);
    assert_int_equal(unit_value_flag(0.4, 2.0), 0);    /* exactly 1/5: not under */
    assert_int_equal(unit_value_flag(0.39, 2.0), -1);
    assert_int_equal(unit_value_flag(2.0, 2.0), 0);
    assert_int_equal(unit_value_flag(NAN, 2.0), 0);
    assert_int_equal(unit_value_flag(5.0, NAN), 0);
    assert_int_equal(unit_value_flag(5.0, 0.0), 0);
}

/* ---- section 2: shares, Hirschman, Barbieri --------------------------------------- */

static void test_shares(void **state)
{
    (void)state;
    assert_close_to(supplier_share(30, 120), 0.25, REL_TOL);
    assert_close_to(supplier_share(120, 120), 1.0, REL_TOL);
    assert_nan(supplier_share(0, 0));
    assert_close_to(destination_share(70, 100), 0.7, REL_TOL);
    assert_nan(destination_share(1, 0));
    assert_close_to(world_share(1, 8), 0.125, REL_TOL);
    assert_nan(world_share(0, 0));
}

static void test_hirschman_and_barbieri(void **state)
{
    (void)state;
    /* T(i,j) = 1100, T(j) = 2400 */
    assert_close_to(hirschman_dependence(1100, 2400), 1100.0 / 2400.0, REL_TOL);
    assert_close_to(hirschman_dependence(0, 2400), 0.0, REL_TOL);
    assert_nan(hirschman_dependence(0, 0));
    /* D(i on j) = 0.04, D(j on i) = 0.25: salience sqrt(0.01) = 0.1, symmetry 0.79 */
    assert_close_to(barbieri_salience(0.04, 0.25), 0.1, REL_TOL);
    assert_close_to(barbieri_symmetry(0.04, 0.25), 0.79, REL_TOL);
    assert_close_to(barbieri_symmetry(0.25, 0.04), 0.79, REL_TOL);
    assert_close_to(barbieri_salience(0.0, 0.5), 0.0, REL_TOL);
    assert_close_to(barbieri_symmetry(0.3, 0.3), 1.0, REL_TOL);
    assert_nan(barbieri_salience(NAN, 0.5));
    assert_nan(barbieri_symmetry(NAN, 0.5));
}

/* ---- section 3: concentration ------------------------------------------------------ */

static void test_hhi_normalised(void **state)
{
    (void)state;
    assert_close_to(hhi_normalised(1.0, 1), 1.0, REL_TOL);  /* N = 1: reported as 1 */
    assert_close_to(hhi_normalised(0.0, 1), 1.0, REL_TOL);  /* whatever HHI says */
    assert_close_to(hhi_normalised(0.5, 2), 0.0, REL_TOL);  /* equal shares: 0 */
    assert_close_to(hhi_normalised(1.0, 2), 1.0, REL_TOL);  /* all from one of two: 1 */
    /* shares 60/30/10: HHI 0.46, (0.46 - 1/3) / (2/3) = 0.19 */
    assert_close_to(hhi_normalised(0.46, 3), 0.19, 1e-12);
    assert_close_to(hhi_normalised(0.25, 4), 0.0, 1e-12);
    assert_nan(hhi_normalised(0.5, 0));
}

static void test_hhi_level_boundaries(void **state)
{
    (void)state;
    assert_string_equal(hhi_level(0.0), "unconcentrated");
    assert_string_equal(hhi_level(0.1499999), "unconcentrated");
    assert_string_equal(hhi_level(0.15), "moderate");
    assert_string_equal(hhi_level(0.2499999), "moderate");
    assert_string_equal(hhi_level(0.25), "concentrated");
    assert_string_equal(hhi_level(0.40), "concentrated"); /* > 0.40 is "highly" */
    assert_string_equal(hhi_level(0.4000001), "highly concentrated");
    assert_string_equal(hhi_level(1.0), "highly concentrated");
    assert_string_equal(hhi_level(NAN), "");
}

/* ---- section 4: dependence screens ------------------------------------------------- */

static void test_net_import_ratio(void **state)
{
    (void)state;
    assert_close_to(net_import_ratio(300, 100), 3.0, REL_TOL);
    assert_close_to(net_import_ratio(0, 100), 0.0, REL_TOL);
    assert_pos_inf(net_import_ratio(5, 0)); /* exports nothing */
    assert_nan(net_import_ratio(0, 0));
}

static void test_geodep(void **state)
{
    (void)state;
    assert_true(geodep_flag(0.5, 0.5, 2.0));
    assert_true(geodep_flag(0.41, 0.41, INFINITY));
    assert_false(geodep_flag(0.4, 0.5, 2.0)); /* thresholds are strict */
    assert_false(geodep_flag(0.5, 0.4, 2.0));
    assert_false(geodep_flag(0.5, 0.5, 1.0));
    assert_false(geodep_flag(NAN, 0.5, 2.0));
    assert_false(geodep_flag(0.5, 0.5, NAN));
    /* persistent: at least 2 of 3 consecutive years */
    assert_false(geodep_persistent(false, false, false));
    assert_false(geodep_persistent(false, false, true));
    assert_false(geodep_persistent(true, false, false));
    assert_true(geodep_persistent(true, false, true));
    assert_true(geodep_persistent(false, true, true));
    assert_true(geodep_persistent(true, true, false));
    assert_true(geodep_persistent(true, true, true));
}

static void test_critical_dependence(void **state)
{
    (void)state;
    assert_true(critical_dependence(0.5, 0.41, 1.01)); /* s >= 0.5 includes 0.5 */
    assert_true(critical_dependence(1.0, 1.0, INFINITY));
    assert_false(critical_dependence(0.4999, 0.9, 2.0));
    assert_false(critical_dependence(0.9, 0.4, 2.0));
    assert_false(critical_dependence(0.9, 0.9, 1.0));
    assert_false(critical_dependence(NAN, 0.9, 2.0));
}

/* ---- section 5: substitutability --------------------------------------------------- */

static void test_headroom_and_d(void **state)
{
    (void)state;
    assert_close_to(headroom(300, 100), 3.0, REL_TOL);
    assert_close_to(headroom(0, 100), 0.0, REL_TOL);
    assert_pos_inf(headroom(5, 0));
    assert_nan(headroom(0, 0));
    /* d = 1/(1+H) */
    assert_close_to(non_substitutability(300, 100), 0.25, REL_TOL);
    assert_close_to(non_substitutability(0, 100), 1.0, REL_TOL); /* nobody else: 1 */
    assert_close_to(non_substitutability(100, 100), 0.5, REL_TOL);
    assert_close_to(non_substitutability(5, 0), 0.0, REL_TOL);
    assert_nan(non_substitutability(0, 0));
    /* d agrees with 1/(1+H) wherever H is finite */
    for (uint64_t alt = 1; alt < 2000; alt += 97)
        for (uint64_t v = 1; v < 2000; v += 89)
            assert_close_to(non_substitutability(alt, v), 1.0 / (1.0 + headroom(alt, v)), 1e-15);
}

static void test_alternatives_world(void **state)
{
    (void)state;
    /* W(k) = 1000, X(i,k) = 300, X(j,k) = 200: 500 left */
    assert_int_equal(alternative_supply_world(1000, 300, 200), 500);
    assert_int_equal(alternative_supply_world(1000, 1000, 0), 0);
    assert_int_equal(alternative_supply_world(100, 80, 50), 0); /* clamped at 0 */
    assert_int_equal(alternative_demand_world(1000, 100, 400), 500);
    assert_int_equal(alternative_demand_world(100, 100, 1), 0);
    assert_int_equal(alternative_demand_world(0, 0, 0), 0);
}

/* ---- section 6: leverage ---------------------------------------------------------- */

static void test_leverage(void **state)
{
    (void)state;
    assert_close_to(leverage_ratio(30.0, 20.0, 200), 0.25, REL_TOL);
    assert_close_to(leverage_ratio(0.0, 0.0, 200), 0.0, REL_TOL);
    assert_nan(leverage_ratio(1.0, 1.0, 0));
    assert_close_to(net_leverage(0.3, 0.1), 0.2, 1e-15);
    assert_close_to(net_leverage(0.1, 0.3), -0.2, 1e-15);
    assert_close_to(asymmetry_ratio(0.3, 0.1), 3.0, 1e-15);
    assert_pos_inf(asymmetry_ratio(0.3, 0.0));
    assert_nan(asymmetry_ratio(0.0, 0.0));
    assert_close_to(asymmetry_ratio(0.0, 0.2), 0.0, REL_TOL);
}

/* ---- section 7: WITS bilateral indicators ---------------------------------------- */

static void test_trade_intensity(void **state)
{
    (void)state;
    /* X(i->j) = 800, X(i) = 1200, M(j) = 1600, W = 2900: (2/3) / (16/29) = 29/24 */
    assert_close_to(trade_intensity(800, 1200, 1600, 2900), 29.0 / 24.0, REL_TOL);
    /* a share of j's imports equal to j's share of the world: 1 */
    assert_close_to(trade_intensity(10, 100, 50, 500), 1.0, REL_TOL);
    assert_close_to(trade_intensity(0, 1200, 1600, 2900), 0.0, REL_TOL); /* never traded */
    assert_nan(trade_intensity(0, 0, 1600, 2900));                     /* i exports nothing */
    assert_nan(trade_intensity(0, 1200, 0, 2900));
    assert_nan(trade_intensity(0, 1200, 1600, 0));
}

static void test_rca(void **state)
{
    (void)state;
    /* X(i,k) = 600, X(i) = 1200, W(k) = 700, W = 2900: 0.5 / (7/29) = 29/14 */
    assert_close_to(revealed_comparative_advantage(600, 1200, 700, 2900), 29.0 / 14.0, REL_TOL);
    assert_close_to(revealed_comparative_advantage(800, 800, 800, 2900), 3.625, REL_TOL);
    /* the only exporter of the only product: 1 */
    assert_close_to(revealed_comparative_advantage(5, 5, 5, 5), 1.0, REL_TOL);
    assert_close_to(revealed_comparative_advantage(0, 10, 5, 50), 0.0, REL_TOL);
    assert_nan(revealed_comparative_advantage(0, 0, 5, 50));
    assert_nan(revealed_comparative_advantage(0, 10, 0, 50));
    assert_nan(revealed_comparative_advantage(0, 10, 5, 0));
}

static void test_trade_complementarity(void **state)
{
    (void)state;
    assert_close_to(trade_complementarity(0.0), 100.0, REL_TOL); /* identical structures */
    assert_close_to(trade_complementarity(2.0), 0.0, REL_TOL);   /* disjoint products */
    assert_close_to(trade_complementarity(0.25), 87.5, REL_TOL);
    assert_close_to(trade_complementarity(0.5), 75.0, REL_TOL);
    assert_nan(trade_complementarity(NAN));
}

static void test_export_similarity(void **state)
{
    (void)state;
    /* a sells products 1 and 2 (30 + 70 = 100), b sells 2 and 3 (50 + 150 = 200):
     * only product 2 is common, min(70/100, 50/200) = 0.25 */
    const product_value a[] = {{1, 30}, {2, 70}};
    const product_value b[] = {{2, 50}, {3, 150}};
    assert_close_to(export_similarity(a, 2, b, 2), 0.25, REL_TOL);
    assert_close_to(export_similarity(b, 2, a, 2), 0.25, REL_TOL); /* symmetric */
    /* the same mix at another scale: 1; no product in common: 0 */
    const product_value a10[] = {{1, 300}, {2, 700}};
    assert_close_to(export_similarity(a, 2, a10, 2), 1.0, REL_TOL);
    assert_close_to(export_similarity(a, 1, b + 1, 1), 0.0, REL_TOL);
    /* a supplier that sells nothing there: NaN */
    assert_nan(export_similarity(a, 2, b, 0));
    const product_value zero[] = {{2, 0}};
    assert_nan(export_similarity(zero, 1, b, 2));
}

/* ---- section 8: change over time ---------------------------------------------------- */

static void test_change_effects_by_hand(void **state)
{
    (void)state;
    double qe, pe;
    /* 100 USD for 10 kg (uv 10) to 180 USD for 12 kg (uv 15):
     * quantity (12 - 10) * 10 = 20, price (15 - 10) * 12 = 60 */
    change_effects(100, 10, 180, 12, &qe, &pe);
    assert_close_to(qe, 20.0, REL_TOL);
    assert_close_to(pe, 60.0, REL_TOL);
    /* a fall in both: 1,000,000 USD for 4,000 t to 750,000 USD for 5,000 t:
     * quantity +1,000,000 kg * 0.25 = +250,000; price (0.15 - 0.25) * 5e6 = -500,000 */
    change_effects(1000000, 4000000, 750000, 5000000, &qe, &pe);
    assert_close_to(qe, 250000.0, REL_TOL);
    assert_close_to(pe, -500000.0, REL_TOL);
    /* no change at all */
    change_effects(70, 5, 70, 5, &qe, &pe);
    assert_close_to(qe, 0.0, REL_TOL);
    assert_close_to(pe, 0.0, REL_TOL);
}

static void test_change_effects_missing(void **state)
{
    (void)state;
    double qe, pe;
    change_effects(100, LEVER_QTY_MISSING, 180, 12, &qe, &pe);
    assert_nan(qe);
    assert_nan(pe);
    change_effects(100, 10, 180, LEVER_QTY_MISSING, &qe, &pe);
    assert_nan(qe);
    assert_nan(pe);
    change_effects(0, 0, 180, 12, &qe, &pe); /* not shipped in the first year */
    assert_nan(qe);
    assert_nan(pe);
    change_effects(100, 10, 0, 0, &qe, &pe); /* not shipped in the second year */
    assert_nan(qe);
    assert_nan(pe);
}

static uint64_t rng = 42;
static uint64_t next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void test_change_effects_sum_to_delta(void **state)
{
    (void)state;
    for (int n = 0; n < 100000; n++) {
        uint64_t v0 = 1 + next_random() % 10000000000000ull;
        uint64_t v1 = 1 + next_random() % 10000000000000ull;
        int64_t q0 = 1 + (int64_t)(next_random() % 1000000000000ull);
        int64_t q1 = 1 + (int64_t)(next_random() % 1000000000000ull);
        double qe, pe;
        change_effects(v0, q0, v1, q1, &qe, &pe);
        double delta = (double)v1 - (double)v0;
        double scale = fabs(delta) > 1.0 ? fabs(delta) : 1.0;
        assert_true(fabs(qe + pe - delta) <= 1e-9 * scale);
        /* and each effect is the formula's: (q1 - q0) uv0 and (uv1 - uv0) q1 */
        double uv0 = (double)v0 / (double)q0, uv1 = (double)v1 / (double)q1;
        double want_qe = ((double)q1 - (double)q0) * uv0, want_pe = (uv1 - uv0) * (double)q1;
        double mag = fabs(want_qe) + fabs(want_pe) + 1.0;
        assert_true(fabs(qe - want_qe) <= 1e-9 * mag);
        assert_true(fabs(pe - want_pe) <= 1e-9 * mag);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ratio_u64),
        cmocka_unit_test(test_hhi_from_sumsq),
        cmocka_unit_test(test_growth_and_cagr),
        cmocka_unit_test(test_unit_value),
        cmocka_unit_test(test_unit_value_flag),
        cmocka_unit_test(test_shares),
        cmocka_unit_test(test_hirschman_and_barbieri),
        cmocka_unit_test(test_hhi_normalised),
        cmocka_unit_test(test_hhi_level_boundaries),
        cmocka_unit_test(test_net_import_ratio),
        cmocka_unit_test(test_geodep),
        cmocka_unit_test(test_critical_dependence),
        cmocka_unit_test(test_headroom_and_d),
        cmocka_unit_test(test_alternatives_world),
        cmocka_unit_test(test_leverage),
        cmocka_unit_test(test_trade_intensity),
        cmocka_unit_test(test_rca),
        cmocka_unit_test(test_trade_complementarity),
        cmocka_unit_test(test_export_similarity),
        cmocka_unit_test(test_change_effects_by_hand),
        cmocka_unit_test(test_change_effects_missing),
        cmocka_unit_test(test_change_effects_sum_to_delta),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
