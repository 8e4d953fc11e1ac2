/*
 * test_groups.c - product groups, weights and elasticities (groups.c).
 *
 * The group file parser is checked on good files (comments, CRLF, odd-digit codes)
 * and on every kind of bad line, each of which must be reported as file:line:column
 * with the exact column; the built-in set must load and hold the groups the manual
 * promises (wheat in grain equivalent). Weights, sigma files and group selections
 * need a store, so a tiny one is imported from an in-memory CSV whose products are
 * known, and every product's weight, sigma and membership is checked by hand.
 */
#include "helpers.h"

#include "store_internal.h"

#include <stdlib.h>
#include <unistd.h>

/* The error of the last library call (the tests run on one thread). */
static lever_error E;

static char tmpdir[256];

/* Exact comparison: every number here is written in the file or the code. */
#define assert_same_double(got, want) assert_true((double)(got) == (double)(want))

static int setup_dir(void **state)
{
    (void)state;
    return test_dir_make(tmpdir, sizeof tmpdir, "groups");
}

static int teardown_dir(void **state)
{
    (void)state;
    return test_dir_remove(tmpdir);
}

/* Writes text to tmpdir/name and returns the path (static buffer). */
static const char *write_file(const char *name, const char *text)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

/* Loads text as a group file; returns the result code, E.message gets the message. */
static int load_text(const char *text, lever_groups **g)
{
    return lever_groups_load(write_file("g.txt", text), g, &E);
}

/* Asserts that text fails with a message starting "FILE:line:col: " and holding what. */
static void expect_error(const char *text, int line, int col, const char *what)
{
    lever_groups *g = NULL;
    char want[600];
    assert_int_equal(load_text(text, &g), LEVER_EINPUT);
    assert_null(g);
    snprintf(want, sizeof want, "%s/g.txt:%d:%d: ", tmpdir, line, col);
    if (strncmp(E.message, want, strlen(want)) != 0 || !strstr(E.message, what))
        fail_msg("for %s\nwant \"%s...%s\"\ngot  \"%s\"", text, want, what, E.message);
}

/* ------------------------------------------------------------------ */
/* Group files                                                         */
/* ------------------------------------------------------------------ */

static void builtin_set_loads(void **state)
{
    (void)state;
    lever_groups *g = NULL;
    assert_int_equal(lever_groups_load(NULL, &g, &E), LEVER_OK);
    static const char *const names[] = {"cereals", "wheat",     "vegetable_oils", "sugar",
                                        "fertilisers", "fuels", "medicines",      "arms",
                                        "staples"};
    for (size_t n = 0; n < sizeof names / sizeof names[0]; n++)
        assert_true(lever_groups_find(g, names[n]) >= 0);
    assert_int_equal(lever_groups_count(g), 9);
    int wheat = lever_groups_find(g, "WHEAT");
    assert_string_equal(lever_groups_name(g, wheat), "wheat");
    assert_string_equal(lever_groups_definition(g, wheat), "1001 1101*1.33");
    assert_same_double(lever_groups_factor(g, wheat, 100190), 1.0);
    assert_same_double(lever_groups_factor(g, wheat, 110100), 1.33);
    assert_same_double(lever_groups_factor(g, wheat, 100200), 0.0);
    int fert = lever_groups_find(g, "fertilisers");
    assert_same_double(lever_groups_factor(g, fert, 310210), 1.0);
    assert_same_double(lever_groups_factor(g, lever_groups_find(g, "fuels"), 270900), 1.0);
    assert_same_double(lever_groups_factor(g, lever_groups_find(g, "arms"), 930100), 1.0);
    int med = lever_groups_find(g, "medicines");
    assert_same_double(lever_groups_factor(g, med, 300490), 1.0);
    assert_same_double(lever_groups_factor(g, med, 300210), 0.0);
    assert_int_equal(lever_groups_find(g, "no such group"), -1);
    assert_string_equal(lever_groups_name(g, 99), "");
    lever_groups_free(g);
}

static void file_with_comments_and_crlf(void **state)
{
    (void)state;
    lever_groups *g = NULL;
    assert_int_equal(load_text("# my groups\r\n"
                               "\r\n"
                               "  grain-eq = 1001   1101*1.33  # flour as grain\r\n"
                               "veg_2 = 07 71120\n"
                               "   # indented comment\n"
                               "last=27",
                               &g),
                     LEVER_OK);
    assert_int_equal(lever_groups_count(g), 3);
    assert_string_equal(lever_groups_name(g, 0), "grain-eq");
    assert_string_equal(lever_groups_definition(g, 0), "1001 1101*1.33");
    assert_string_equal(lever_groups_definition(g, 1), "07 71120");
    /* 5 digits: BACI's dropped leading zero, so 71120 is HS 071120 */
    assert_same_double(lever_groups_factor(g, 1, 71120), 1.0);
    assert_same_double(lever_groups_factor(g, 1, 70190), 1.0);
    assert_same_double(lever_groups_factor(g, 1, 80190), 0.0);
    assert_int_equal(lever_groups_find(g, "LAST"), 2);
    lever_groups_free(g);
}

static void factor_uses_longest_prefix(void **state)
{
    (void)state;
    lever_groups *g = NULL;
    /* listed shortest last, so the order of the file cannot be what decides */
    assert_int_equal(load_text("g = 100190*4 1001*3 10*2\n", &g), LEVER_OK);
    assert_same_double(lever_groups_factor(g, 0, 100190), 4.0);
    assert_same_double(lever_groups_factor(g, 0, 100110), 3.0);
    assert_same_double(lever_groups_factor(g, 0, 100200), 2.0);
    assert_same_double(lever_groups_factor(g, 0, 110100), 0.0);
    assert_same_double(lever_groups_factor(g, 1, 100190), 0.0); /* no such group */
    lever_groups_free(g);
}

static void errors_name_line_and_column(void **state)
{
    (void)state;
    expect_error("ok = 10\nwheat 1001\n", 2, 7, "expected '='");
    expect_error("# c\n\nwheat = 1001 10a1\n", 3, 14, "'10a1' is not an HS prefix");
    expect_error("wheat = 1234567\n", 1, 9, "not an HS prefix");
    expect_error("wheat = 1001 1101*\n", 1, 19, "missing quantity factor");
    expect_error("wheat = 1001 1101*0\n", 1, 19, "bad quantity factor '0'");
    expect_error("wheat = 1101*x1\n", 1, 14, "bad quantity factor 'x1'");
    expect_error("wheat = 1001\nWheat = 1101\n", 2, 1, "defined twice");
    expect_error("wheat = 1001 1101 1001\n", 1, 19, "listed twice");
    expect_error("wheat =   # nothing\n", 1, 8, "lists no HS prefix");
    expect_error("  2wheat = 1001\n", 1, 3, "must start with a letter");
    expect_error("= 1001\n", 1, 1, "must start with a letter");
}

static void empty_and_missing_files(void **state)
{
    (void)state;
    lever_groups *g = NULL;
    char path[600];
    assert_int_equal(load_text("# only comments\n\n", &g), LEVER_EINPUT);
    assert_non_null(strstr(E.message, "defines no group"));
    snprintf(path, sizeof path, "%s/absent.txt", tmpdir);
    assert_int_equal(lever_groups_load(path, &g, &E), LEVER_EIO);
    assert_non_null(strstr(E.message, "absent.txt: cannot open"));
    assert_null(g);
}

/* ------------------------------------------------------------------ */
/* With a store: selections, weights, elasticities                     */
/* ------------------------------------------------------------------ */

/* Products of the tiny store, in index order (sorted by HS6). */
static const int store_hs6[] = {10190, 100190, 100200, 110100, 270900, 300490, 310210, 930100};
#define N_STORE_PRODUCTS (sizeof store_hs6 / sizeof store_hs6[0])

static lever_store *tiny_store(void)
{
    char csv[4096];
    size_t used = (size_t)snprintf(csv, sizeof csv, "t,i,j,k,v,q\n");
    for (size_t p = 0; p < N_STORE_PRODUCTS; p++)
        used += (size_t)snprintf(csv + used, sizeof csv - used, "2021,398,4,%d,%zu.500,1\n",
                                 store_hs6[p], p + 1);
    char path[600];
    snprintf(path, sizeof path, "%s/tiny.store", tmpdir);
    lever_import *imp = NULL;
    assert_int_equal(lever_import_new(&imp, &E), LEVER_OK);
    assert_int_equal(lever_import_add_buffer(imp, "tiny.csv", csv, used, &E), LEVER_OK);
    assert_int_equal(lever_import_commit(imp, path, &E), LEVER_OK);
    lever_import_free(imp);
    lever_store *s = NULL;
    assert_int_equal(lever_open(path, &s, &E), LEVER_OK);
    assert_int_equal(s->n_products, N_STORE_PRODUCTS);
    for (size_t p = 0; p < N_STORE_PRODUCTS; p++)
        assert_int_equal(s->products[p].hs6, store_hs6[p]);
    return s;
}

static void group_selection_holds_its_products(void **state)
{
    (void)state;
    lever_store *s = tiny_store();
    lever_groups *g = NULL;
    assert_int_equal(lever_groups_load(NULL, &g, &E), LEVER_OK);
    lever_selection *sel = NULL;
    assert_int_equal(lever_groups_selection(s, g, lever_groups_find(g, "wheat"), &sel, &E),
                     LEVER_OK);
    for (size_t p = 0; p < N_STORE_PRODUCTS; p++) {
        bool want = store_hs6[p] == 100190 || store_hs6[p] == 110100;
        assert_int_equal(lever_selection_has(sel, (int)p), want);
    }
    assert_non_null(strstr(lever_selection_label(sel), "wheat"));
    lever_selection_free(sel);
    assert_int_equal(lever_groups_selection(s, g, lever_groups_find(g, "cereals"), &sel, &E),
                     LEVER_OK);
    for (size_t p = 0; p < N_STORE_PRODUCTS; p++) {
        bool want = store_hs6[p] / 10000 == 10 || store_hs6[p] / 100 == 1101;
        assert_int_equal(lever_selection_has(sel, (int)p), want);
    }
    lever_selection_free(sel);
    /* sugar (1701) is not in the store: an error, not an empty filter */
    assert_int_equal(lever_groups_selection(s, g, lever_groups_find(g, "sugar"), &sel, &E),
                     LEVER_ENOTFOUND);
    assert_null(sel);
    assert_non_null(strstr(E.message, "sugar"));
    lever_groups_free(g);
    lever_close(s);
}

static void weights_by_group(void **state)
{
    (void)state;
    lever_store *s = tiny_store();
    lever_groups *g = NULL;
    assert_int_equal(lever_groups_load(NULL, &g, &E), LEVER_OK);
    double *w = NULL;
    assert_int_equal(lever_weights_parse(s, g, "wheat=2, fuels = 1.5,arms=0", &w, &E), LEVER_OK);
    for (size_t p = 0; p < N_STORE_PRODUCTS; p++) {
        int hs = store_hs6[p];
        double want = hs == 100190 || hs == 110100 ? 2 : hs == 270900 ? 1.5 : hs == 930100 ? 0 : 1;
        assert_same_double(w[p], want);
    }
    free(w);
    /* a product in two weighted groups takes the weight listed last */
    assert_int_equal(lever_weights_parse(s, g, "cereals=3,wheat=2", &w, &E), LEVER_OK);
    assert_same_double(w[1], 2);      /* 100190: cereals and wheat */
    assert_same_double(w[2], 3);      /* 100200: cereals only */
    free(w);
    assert_int_equal(lever_weights_parse(s, g, "staple=2", &w, &E), LEVER_EUSAGE);
    assert_null(w);
    const char *msg = E.message;
    assert_non_null(strstr(msg, "no product group 'staple'"));
    assert_non_null(strstr(msg, "cereals, wheat"));
    assert_int_equal(lever_weights_parse(s, g, "wheat=-1", &w, &E), LEVER_EUSAGE);
    assert_int_equal(lever_weights_parse(s, g, "wheat=", &w, &E), LEVER_EUSAGE);
    assert_int_equal(lever_weights_parse(s, g, "wheat", &w, &E), LEVER_EUSAGE);
    assert_int_equal(lever_weights_parse(s, g, ",", &w, &E), LEVER_EUSAGE);
    lever_groups_free(g);
    lever_close(s);
}

static void sigma_longest_prefix_wins(void **state)
{
    (void)state;
    lever_store *s = tiny_store();
    double *sigma = NULL;
    const char *path = write_file("sigma.csv", "# elasticities\n"
                                               "hs,sigma\r\n"
                                               "10,2\r\n"
                                               "# comment\n"
                                               "\"1001\",3\n"
                                               "100190, 4.5\n"
                                               "10190,7\n"
                                               "27,1.25\n");
    assert_int_equal(lever_sigma_load(s, path, &sigma, &E), LEVER_OK);
    const double want[N_STORE_PRODUCTS] = {7, 4.5, 2, NAN, 1.25, NAN, NAN, NAN};
    for (size_t p = 0; p < N_STORE_PRODUCTS; p++) {
        if (isnan(want[p]))
            assert_true(isnan(sigma[p]));
        else
            assert_same_double(sigma[p], want[p]);
    }
    free(sigma);
    lever_close(s);
}

static void sigma_errors_name_line_and_column(void **state)
{
    (void)state;
    lever_store *s = tiny_store();
    static const struct {
        const char *text, *where, *what;
    } cases[] = {
        {"hs,sigma\n10,2\n1001;3\n", ":3:7:", "expected two fields"},
        {"10,2\n10a,3\n", ":2:1:", "'10a' is not an HS code"},
        {"10,2\n1001, -3\n", ":2:7:", "bad sigma '-3'"},
        {"10,2\n1001,\n", ":2:6:", "missing or overlong sigma"},
        {"10,2\n1001,3,4\n", ":2:7:", "more than two fields"},
        {"1001,2\n10,1\n1001,3\n", ":3:1:", "given again (first on line 1)"},
        {"hs,sigma\n", "", "holds no elasticity"},
        {"10,2\nhs,sigma\n", ":2:1:", "'hs' is not an HS code"},
    };
    for (size_t n = 0; n < sizeof cases / sizeof cases[0]; n++) {
        const char *path = write_file("bad.csv", cases[n].text);
        char want[700];
        double *sigma = NULL;
        assert_int_equal(lever_sigma_load(s, path, &sigma, &E), LEVER_EINPUT);
        assert_null(sigma);
        snprintf(want, sizeof want, "%s%s", path, cases[n].where);
        if (strncmp(E.message, want, strlen(want)) != 0 || !strstr(E.message, cases[n].what))
            fail_msg("case %zu: want \"%s...%s\", got \"%s\"", n, want, cases[n].what, E.message);
    }
    lever_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(builtin_set_loads),
        cmocka_unit_test(file_with_comments_and_crlf),
        cmocka_unit_test(factor_uses_longest_prefix),
        cmocka_unit_test(errors_name_line_and_column),
        cmocka_unit_test(empty_and_missing_files),
        cmocka_unit_test(group_selection_holds_its_products),
        cmocka_unit_test(weights_by_group),
        cmocka_unit_test(sigma_longest_prefix_wins),
        cmocka_unit_test(sigma_errors_name_line_and_column),
    };
    return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
