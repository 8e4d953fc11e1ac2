/*
 * test_lookup.c - country and product lookups, product selections and the dyad
 * query (lookup.c, dyad.c) on a tiny store built through the public import API.
 * The store is small enough that every expected figure is worked out by hand in
 * the comments next to the trade rows, independently of the code under test.
 * Also the reading of HS prefixes that --product, groups and sigma files share.
 */
#include "helpers.h"

#include "store_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The error of the last library call (the tests run on one thread). */
static lever_error E;

static const char countries_csv[] =
    "\"country_code\",\"country_name_abbreviation\",\"country_name_full\","
    "\"iso_2digit_alpha\",\"iso_3digit_alpha\"\r\n"
    "4,\"Afghanistan\",\"Afghanistan\",\"AF\",\"AFG\"\r\n"
    "86,\"Br. Indian Ocean Terr.\",\"British Indian Ocean Territories\",\"IO\",\"IOT\"\r\n"
    "276,\"Germany\",\"Germany\",\"DE\",\"DEU\"\r\n"
    "280,\"Fmr Fed. Rep. of Germany\",\"Former Federal Republic of Germany\",\"DE\",\"DEU\"\r\n"
    "384,\"C\xC3\xB4te d'Ivoire\",\"C\xC3\xB4te d'Ivoire\",\"CI\",\"CIV\"\r\n"
    "398,\"Kazakhstan\",\"Kazakhstan\",\"KZ\",\"KAZ\"\r\n"
    "408,\"Dem. People's Rep. of Korea\",\"Democratic People's Republic of Korea\",\"KP\","
    "\"PRK\"\r\n"
    "410,\"Rep. of Korea\",\"Republic of Korea\",\"KR\",\"KOR\"\r\n"
    "699,\"India\",\"India\",\"IN\",\"IND\"\r\n"
    "860,\"Uzbekistan\",\"Uzbekistan\",\"UZ\",\"UZB\"\r\n";

static const char products_csv[] =
    "\"code\",\"description\"\r\n"
    "\"010111\",\"Horses: live, pure-bred breeding animals\"\r\n"
    "\"100110\",\"Cereals: durum wheat\"\r\n"
    "\"100190\",\"Cereals: meslin and wheat other than durum\"\r\n"
    "\"100810\",\"Cereals: buckwheat\"\r\n"
    "\"110100\",\"Wheat or meslin flour\"\r\n"
    "\"271000\",\"Petroleum oils and oils obtained from bituminous minerals\"\r\n";

/* Values are thousands of USD: 100.000 is 100,000 USD; quantities tons: 200.000 is 200,000 kg.
 *   2019: X(KAZ->AFG) = 100,000 + 50,000 = 150,000; X(AFG->KAZ) = 1,000
 *   2020: X(KAZ->AFG) = 200,000 + 200,000 = 400,000 (a tie: 100190 ranks before 110100);
 *         M(AFG, 110100) = 200,000 + 100,000 = 300,000, so s(KAZ) = 2/3, HHI = 4/9 + 1/9 = 5/9
 *   2021: X(KAZ->AFG) = 400,000 */
static const char trade_csv[] = "t,i,j,k,v,q\n"
                                "2019,398,4,110100,100.000,200.000\n"
                                "2019,398,4,100190,50.000,100.000\n"
                                "2019,4,398,10111,1.000,NA\n"
                                "2019,860,4,110100,300.000,500.000\n"
                                "2020,398,4,110100,200.000,300.000\n"
                                "2020,398,4,100190,200.000,400.000\n"
                                "2020,860,4,110100,100.000,100.000\n"
                                "2020,276,4,271000,5.000,1.000\n"
                                "2021,398,4,110100,400.000,400.000\n";

typedef struct fixture {
    char dir[512];
    char path[600];
    lever_store *s;
} fixture;

static int build_store(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    const char *tmp = getenv("TMPDIR");
    snprintf(f->dir, sizeof f->dir, "%s/test_lookup.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof f->path, "%s/t.store", f->dir);
    lever_import *imp = NULL;
    assert_int_equal(lever_import_new(&imp, &E), LEVER_OK);
    assert_int_equal(lever_import_add_buffer(imp, "country_codes_V202301.csv", countries_csv,
                                             sizeof countries_csv - 1, &E),
                     LEVER_OK);
    assert_int_equal(lever_import_add_buffer(imp, "product_codes_HS92_V202301.csv", products_csv,
                                             sizeof products_csv - 1, &E),
                     LEVER_OK);
    int rc = lever_import_add_buffer(imp, "BACI_HS92_V202301_test.csv", trade_csv,
                                     sizeof trade_csv - 1, &E);
    if (rc)
        fail_msg("%s", E.message);
    rc = lever_import_commit(imp, f->path, &E);
    if (rc)
        fail_msg("%s", E.message);
    lever_import_free(imp);
    rc = lever_open(f->path, &f->s, &E);
    if (rc)
        fail_msg("%s", E.message);
    *state = f;
    return 0;
}

static int remove_store(void **state)
{
    fixture *f = *state;
    lever_close(f->s);
    unlink(f->path);
    rmdir(f->dir);
    free(f);
    return 0;
}

static lever_store *store(void **state)
{
    return ((fixture *)*state)->s;
}

/* The country index of a numeric code, found by scanning (not by the lookup under test). */
static int country_of(lever_store *s, int code)
{
    return country_by_code(s, code);
}

static int product_of(lever_store *s, int hs6)
{
    lever_info info;
    lever_get_info(s, &info);
    for (int p = 0; p < info.n_products; p++) {
        lever_product pr;
        lever_product_at(s, p, &pr);
        if (pr.hs6 == hs6)
            return p;
    }
    fail_msg("product %06d is not in the store", hs6);
    return -1;
}

static void assert_country(lever_store *s, const char *query, int code)
{
    int c = -1;
    int rc = lever_country_lookup(s, query, &c, &E);
    if (rc != LEVER_OK)
        fail_msg("\"%s\": %s", query, E.message);
    assert_int_equal(c, country_of(s, code));
}

static void assert_near(double got, double want)
{
    if (!(fabs(got - want) <= 1e-12 * fabs(want)))
        fail_msg("%.17g, want %.17g", got, want);
}

/* ------------------------------------------------------------------ */
/* Countries                                                           */
/* ------------------------------------------------------------------ */

static void country_by_codes_and_names(void **state)
{
    lever_store *s = store(state);
    assert_country(s, "KAZ", 398);
    assert_country(s, "kaz", 398);
    assert_country(s, " 398 ", 398);
    assert_country(s, "KZ", 398);
    assert_country(s, "kazakhstan", 398);
    assert_country(s, "Kazakh", 398);
    assert_country(s, "Democratic People's", 408);
    /* accents and case of Latin letters do not matter */
    assert_country(s, "cote d'ivoire", 384);
    assert_country(s, "C\xC3\x94TE", 384);
}

static void iso3_beats_names_that_contain_it(void **state)
{
    lever_store *s = store(state);
    assert_country(s, "ind", 699);   /* ISO3 IND, not "British Indian Ocean" */
    assert_country(s, "India", 699); /* exact name, not a substring of another */
}

static void shared_iso3_resolves_to_the_trading_country(void **state)
{
    /* DEU is 276 Germany and 280 the former Federal Republic; only 276 trades */
    assert_country(store(state), "DEU", 276);
}

static void ambiguous_country_lists_candidates(void **state)
{
    lever_store *s = store(state);
    int c = -1;
    assert_int_equal(lever_country_lookup(s, "korea", &c, &E), LEVER_EAMBIGUOUS);
    assert_non_null(strstr(E.message, "\"korea\" matches 2 countries"));
    assert_non_null(strstr(E.message, "PRK Dem. People's Rep. of Korea (408)"));
    assert_non_null(strstr(E.message, "KOR Rep. of Korea (410)"));
}

static void unknown_country_suggests_the_closest(void **state)
{
    lever_store *s = store(state);
    int c = -1;
    assert_int_equal(lever_country_lookup(s, "Kazakstan", &c, &E), LEVER_ENOTFOUND);
    assert_string_equal(E.message,
                        "unknown country \"Kazakstan\"; did you mean: KAZ Kazakhstan (398)?");
    assert_int_equal(lever_country_lookup(s, "", &c, &E), LEVER_EUSAGE);
}

static void country_search_lists_the_best_kind_of_match(void **state)
{
    lever_store *s = store(state);
    int found[8];
    assert_int_equal(lever_country_search(s, "korea", found, 8), 2);
    assert_int_equal(found[0], country_of(s, 408));
    assert_int_equal(found[1], country_of(s, 410));
    /* "ind": ISO3 IND only, not the names that contain it */
    assert_int_equal(lever_country_search(s, "ind", found, 8), 1);
    assert_int_equal(found[0], country_of(s, 699));
    /* the count exceeds max when more matched than fit */
    assert_int_equal(lever_country_search(s, "korea", found, 1), 2);
    assert_int_equal(lever_country_search(s, "zzz", found, 8), 0);
}

/* ------------------------------------------------------------------ */
/* Products and selections                                             */
/* ------------------------------------------------------------------ */

static void hs_prefix_reading(void **state)
{
    (void)state;
    hs_prefix p;
    assert_true(hs_prefix_parse("1101", 4, &p));
    assert_int_equal(p.digits, 4);
    assert_int_equal(p.value, 1101);
    /* BACI's dropped leading zero is put back: "71120" is 071120, "1" is chapter 01 */
    assert_true(hs_prefix_parse("71120", 5, &p));
    assert_int_equal(p.digits, 6);
    assert_int_equal(p.value, 71120);
    assert_true(hs_prefix_parse("1", 1, &p));
    assert_int_equal(p.digits, 2);
    assert_int_equal(p.value, 1);
    /* only the first len characters count */
    assert_true(hs_prefix_parse("1001*1.33", 4, &p));
    assert_int_equal(p.value, 1001);
    assert_false(hs_prefix_parse("", 0, &p));
    assert_false(hs_prefix_parse("1234567", 7, &p));
    assert_false(hs_prefix_parse("10a1", 4, &p));
    assert_false(hs_prefix_parse("-101", 4, &p));

    p = hs6_prefix(100190, 4);
    assert_int_equal(p.digits, 4);
    assert_int_equal(p.value, 1001);
    assert_int_equal(hs6_prefix(10111, 2).value, 1);
    assert_int_equal(hs6_prefix(10111, 6).value, 10111);
    assert_true(hs_prefix_matches((hs_prefix){2, 1}, 10111));
    assert_true(hs_prefix_matches((hs_prefix){6, 10111}, 10111));
    assert_false(hs_prefix_matches((hs_prefix){2, 10}, 10111));
    assert_false(hs_prefix_matches((hs_prefix){4, 1001}, 110100));
}

static void product_search_by_hs_prefix(void **state)
{
    lever_store *s = store(state);
    int found[8];
    assert_int_equal(lever_product_search(s, "1001", found, 8), 2);
    assert_int_equal(found[0], product_of(s, 100110));
    assert_int_equal(found[1], product_of(s, 100190));
    assert_int_equal(lever_product_search(s, "10", found, 8), 3);
    assert_int_equal(lever_product_search(s, "0101", found, 8), 1);
    assert_int_equal(found[0], product_of(s, 10111));
    /* BACI drops the leading zero: "10111" is 010111, "1" is chapter 01 */
    assert_int_equal(lever_product_search(s, "10111", found, 8), 1);
    assert_int_equal(found[0], product_of(s, 10111));
    assert_int_equal(lever_product_search(s, "1", found, 8), 1);
    assert_int_equal(lever_product_search(s, "9999", found, 8), 0);
}

static void product_search_by_words(void **state)
{
    lever_store *s = store(state);
    int found[8];
    /* whole words first, by code; then inside a word ("buckwheat") */
    assert_int_equal(lever_product_search(s, "WHEAT", found, 8), 4);
    assert_int_equal(found[0], product_of(s, 100110));
    assert_int_equal(found[1], product_of(s, 100190));
    assert_int_equal(found[2], product_of(s, 110100));
    assert_int_equal(found[3], product_of(s, 100810));
    assert_int_equal(lever_product_search(s, "flour wheat", found, 8), 1);
    assert_int_equal(found[0], product_of(s, 110100));
    assert_int_equal(lever_product_search(s, "live", found, 8), 1);
    assert_int_equal(found[0], product_of(s, 10111));
    /* a word may also occur inside a longer one */
    assert_int_equal(lever_product_search(s, "heat", found, 8), 4);
    /* "oil" begins "oils": found, though not as a whole word */
    assert_int_equal(lever_product_search(s, "oil", found, 8), 1);
    assert_int_equal(found[0], product_of(s, 271000));
}

static void selection_by_prefix(void **state)
{
    lever_store *s = store(state);
    lever_selection *sel = NULL;
    assert_int_equal(lever_selection_parse(s, "1001", &sel, &E), LEVER_OK);
    assert_string_equal(lever_selection_label(sel), "HS 1001");
    assert_true(lever_selection_has(sel, product_of(s, 100110)));
    assert_true(lever_selection_has(sel, product_of(s, 100190)));
    assert_false(lever_selection_has(sel, product_of(s, 110100)));
    assert_false(lever_selection_has(sel, -1));
    lever_selection_free(sel);

    assert_int_equal(lever_selection_parse(s, "1001, 1101", &sel, &E), LEVER_OK);
    assert_string_equal(lever_selection_label(sel), "HS 1001, HS 1101");
    assert_true(lever_selection_has(sel, product_of(s, 110100)));
    assert_false(lever_selection_has(sel, product_of(s, 271000)));
    lever_selection_free(sel);

    assert_int_equal(lever_selection_parse(s, "110100", &sel, &E), LEVER_OK);
    assert_string_equal(lever_selection_label(sel), "110100 Wheat or meslin flour");
    lever_selection_free(sel);
}

static void selection_by_words(void **state)
{
    lever_store *s = store(state);
    lever_selection *sel = NULL;
    assert_int_equal(lever_selection_parse(s, "wheat flour", &sel, &E), LEVER_OK);
    assert_string_equal(lever_selection_label(sel), "110100 Wheat or meslin flour");
    lever_selection_free(sel);
    /* a description that is also part of a longer one selects itself */
    assert_int_equal(lever_selection_parse(s, "cereals: durum wheat", &sel, &E), LEVER_OK);
    assert_true(lever_selection_has(sel, product_of(s, 100110)));
    lever_selection_free(sel);
}

static void selection_errors(void **state)
{
    lever_store *s = store(state);
    lever_selection *sel = (lever_selection *)1;
    assert_int_equal(lever_selection_parse(s, "wheat", &sel, &E), LEVER_EAMBIGUOUS);
    assert_null(sel);
    assert_non_null(strstr(E.message, "\"wheat\" matches 4 products"));
    assert_non_null(strstr(E.message, "110100 Wheat or meslin flour"));
    assert_int_equal(lever_selection_parse(s, "9999", &sel, &E), LEVER_ENOTFOUND);
    assert_non_null(strstr(E.message, "no product under HS 9999"));
    assert_int_equal(lever_selection_parse(s, "unobtainium", &sel, &E), LEVER_ENOTFOUND);
    assert_int_equal(lever_selection_parse(s, " ", &sel, &E), LEVER_EUSAGE);
    assert_int_equal(lever_selection_parse(s, ",", &sel, &E), LEVER_EUSAGE);
    /* no selection means every product */
    assert_true(lever_selection_has(NULL, 0));
    assert_string_equal(lever_selection_label(NULL), "all products");
}

/* ------------------------------------------------------------------ */
/* Dyad                                                                */
/* ------------------------------------------------------------------ */

static void dyad_years(void **state)
{
    lever_store *s = store(state);
    int kaz = country_of(s, 398), afg = country_of(s, 4);
    lever_dyad_result *r = NULL;
    assert_int_equal(lever_dyad(s, kaz, afg, &(lever_query){.year_from = 0, .year_to = 0, .products = NULL}, 0, &r, &E), LEVER_OK);
    assert_int_equal(r->n_years, 3);
    assert_int_equal(r->n_a_to_b + r->n_b_to_a, 0);
    const lever_dyad_year *y = r->years;
    assert_int_equal(y[0].year, 2019);
    assert_int_equal(y[0].a_to_b, 150000);
    assert_int_equal(y[0].b_to_a, 1000);
    assert_int_equal(y[0].total, 151000);
    assert_int_equal(y[0].balance, 149000);
    assert_true(isnan(y[0].growth_total));
    assert_int_equal(y[1].a_to_b, 400000);
    assert_int_equal(y[1].b_to_a, 0);
    assert_int_equal(y[1].balance, 400000);
    assert_near(y[1].growth_a_to_b, 250000.0 / 150000.0);
    assert_near(y[1].growth_b_to_a, -1.0);
    assert_near(y[1].growth_total, 249000.0 / 151000.0);
    assert_int_equal(y[2].a_to_b, 400000);
    assert_true(y[2].growth_a_to_b == 0.0);
    assert_true(isnan(y[2].growth_b_to_a)); /* from 0: undefined */
    assert_near(r->cagr_total, sqrt(400000.0 / 151000.0) - 1.0);
    lever_dyad_free(r);

    /* B -> A mirrors A -> B */
    assert_int_equal(lever_dyad(s, afg, kaz, &(lever_query){.year_from = 2019, .year_to = 2019, .products = NULL}, 0, &r, &E), LEVER_OK);
    assert_int_equal(r->n_years, 1);
    assert_int_equal(r->years[0].a_to_b, 1000);
    assert_int_equal(r->years[0].balance, -149000);
    assert_true(isnan(r->cagr_total));
    lever_dyad_free(r);
}

static void dyad_top_products(void **state)
{
    lever_store *s = store(state);
    int kaz = country_of(s, 398), afg = country_of(s, 4), uzb = country_of(s, 860);
    lever_dyad_result *r = NULL;
    assert_int_equal(lever_dyad(s, kaz, afg, &(lever_query){.year_from = 2020, .year_to = 2020, .products = NULL}, 5, &r, &E), LEVER_OK);
    assert_int_equal(r->n_a_to_b, 2);
    assert_int_equal(r->n_b_to_a, 0);
    const lever_product_flow *f = r->a_to_b;
    /* a tie at 200,000 USD: the lower product code first */
    assert_int_equal(f[0].product, product_of(s, 100190));
    assert_int_equal(f[1].product, product_of(s, 110100));
    assert_int_equal(f[1].year, 2020);
    assert_int_equal(f[1].exporter, kaz);
    assert_int_equal(f[1].importer, afg);
    assert_int_equal(f[1].value, 200000);
    assert_int_equal(f[1].qty_kg, 300000);
    assert_near(f[1].unit_value, 200000.0 / 300000.0);
    assert_near(f[1].supplier_share, 2.0 / 3.0);
    assert_near(f[1].dest_share, 1.0);
    assert_near(f[1].hhi, 5.0 / 9.0);
    assert_int_equal(f[1].n_suppliers, 2);
    assert_near(f[0].supplier_share, 1.0);
    assert_int_equal(f[0].n_suppliers, 1);
    lever_dyad_free(r);

    /* top 1 over every year: one product a year; a missing quantity gives NaN unit value */
    assert_int_equal(lever_dyad(s, afg, kaz, &(lever_query){.year_from = 0, .year_to = 0, .products = NULL}, 1, &r, &E), LEVER_OK);
    assert_int_equal(r->n_a_to_b, 1);
    assert_int_equal(r->a_to_b[0].qty_kg, LEVER_QTY_MISSING);
    assert_true(isnan(r->a_to_b[0].unit_value));
    assert_int_equal(r->a_to_b[0].unit_value_flag, 0);
    lever_dyad_free(r);

    assert_int_equal(lever_dyad(s, kaz, afg, &(lever_query){.year_from = 0, .year_to = 0, .products = NULL}, 1, &r, &E), LEVER_OK);
    assert_int_equal(r->n_a_to_b, 3);
    assert_int_equal(r->a_to_b[0].year, 2019);
    assert_int_equal(r->a_to_b[2].year, 2021);
    lever_dyad_free(r);

    /* UZB -> AFG: the other supplier of flour, share 1/3 in 2020 */
    assert_int_equal(lever_dyad(s, uzb, afg, &(lever_query){.year_from = 2020, .year_to = 0, .products = NULL}, 1, &r, &E), LEVER_OK);
    assert_near(r->a_to_b[0].supplier_share, 1.0 / 3.0);
    lever_dyad_free(r);
}

static void dyad_with_selection(void **state)
{
    lever_store *s = store(state);
    int kaz = country_of(s, 398), afg = country_of(s, 4);
    lever_selection *sel = NULL;
    assert_int_equal(lever_selection_parse(s, "1001", &sel, &E), LEVER_OK);
    lever_dyad_result *r = NULL;
    assert_int_equal(lever_dyad(s, kaz, afg, &(lever_query){.year_from = 0, .year_to = 0, .products = sel}, 10, &r, &E), LEVER_OK);
    assert_int_equal(r->years[0].a_to_b, 50000);
    assert_int_equal(r->years[1].a_to_b, 200000);
    assert_int_equal(r->years[2].a_to_b, 0);
    assert_int_equal(r->years[0].b_to_a, 0); /* horses are not in HS 1001 */
    assert_int_equal(r->n_a_to_b, 2);
    for (size_t n = 0; n < r->n_a_to_b; n++)
        assert_int_equal(r->a_to_b[n].product, product_of(s, 100190));
    /* the share is still of all the importer's imports of the product */
    assert_near(r->a_to_b[1].supplier_share, 1.0);
    lever_dyad_free(r);
    lever_selection_free(sel);
}

static void dyad_errors(void **state)
{
    lever_store *s = store(state);
    int kaz = country_of(s, 398), afg = country_of(s, 4), prk = country_of(s, 408);
    lever_dyad_result *r = (lever_dyad_result *)1;
    assert_int_equal(lever_dyad(s, kaz, afg, &(lever_query){.year_from = 2018, .year_to = 2020, .products = NULL}, 0, &r, &E), LEVER_ENOTFOUND);
    assert_null(r);
    assert_string_equal(E.message, "year 2018 is not in the store; it holds 2019-2021");
    assert_int_equal(lever_dyad(s, kaz, afg, &(lever_query){.year_from = 2020, .year_to = 2022, .products = NULL}, 0, &r, &E), LEVER_ENOTFOUND);
    assert_int_equal(lever_dyad(s, kaz, afg, &(lever_query){.year_from = 2021, .year_to = 2020, .products = NULL}, 0, &r, &E), LEVER_EUSAGE);
    assert_int_equal(lever_dyad(s, kaz, kaz, &(lever_query){.year_from = 0, .year_to = 0, .products = NULL}, 0, &r, &E), LEVER_EUSAGE);
    assert_int_equal(lever_dyad(s, kaz, 9999, &(lever_query){.year_from = 0, .year_to = 0, .products = NULL}, 0, &r, &E), LEVER_EUSAGE);
    assert_int_equal(lever_dyad(s, kaz, afg, &(lever_query){.year_from = 0, .year_to = 0, .products = NULL}, -1, &r, &E), LEVER_EUSAGE);
    /* a pair that never traded is zeros, not an error */
    assert_int_equal(lever_dyad(s, kaz, prk, &(lever_query){.year_from = 0, .year_to = 0, .products = NULL}, 10, &r, &E), LEVER_OK);
    for (int n = 0; n < r->n_years; n++)
        assert_int_equal(r->years[n].total, 0);
    assert_true(isnan(r->cagr_total));
    assert_int_equal(r->n_a_to_b + r->n_b_to_a, 0);
    lever_dyad_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(country_by_codes_and_names),
        cmocka_unit_test(iso3_beats_names_that_contain_it),
        cmocka_unit_test(shared_iso3_resolves_to_the_trading_country),
        cmocka_unit_test(ambiguous_country_lists_candidates),
        cmocka_unit_test(unknown_country_suggests_the_closest),
        cmocka_unit_test(country_search_lists_the_best_kind_of_match),
        cmocka_unit_test(hs_prefix_reading),
        cmocka_unit_test(product_search_by_hs_prefix),
        cmocka_unit_test(product_search_by_words),
        cmocka_unit_test(selection_by_prefix),
        cmocka_unit_test(selection_by_words),
        cmocka_unit_test(selection_errors),
        cmocka_unit_test(dyad_years),
        cmocka_unit_test(dyad_top_products),
        cmocka_unit_test(dyad_with_selection),
        cmocka_unit_test(dyad_errors),
    };
    return cmocka_run_group_tests(tests, build_store, remove_store);
}
