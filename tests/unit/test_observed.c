/*
 * test_observed.c - the observed split of lever transit --observed (context/observed.c).
 *
 * A file of a few records whose shares are worked out by hand: per reporter and flow, the
 * mode split counts the records with a mode, the consignment split those with a country of
 * consignment; other years and pairs are left out; cents are rounded to the dollar. Bad
 * records are refused with file:line:column, and the names of modes come from the table of
 * Comtrade Plus codes.
 */
#include "helpers.h"

#include <string.h>
#include <unistd.h>

static lever_error E;
static char tmpdir[256];

static int setup_dir(void **state)
{
    (void)state;
    return test_dir_make(tmpdir, sizeof tmpdir, "observed");
}

static int remove_dir(void **state)
{
    (void)state;
    return test_dir_remove(tmpdir);
}

/* Writes text to tmpdir/name; the path goes to path. */
static void write_file(const char *name, const char *text, char *path, size_t len)
{
    snprintf(path, len, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static void split_by_hand(void **state)
{
    (void)state;
    char path[512];
    /* AFG's imports from KAZ in 2021: rail 300 (UZB 200, TKM 100), road 100 (UZB), air 50.4
     * (no consignment: rounded to 50); mode shares 300/450, 100/450, 50/450; consignment
     * shares UZB 300/400, TKM 100/400. KAZ's exports: rail only. 2020 and UZB-AFG left out. */
    write_file("obs.csv",
               "# a comment\n"
               "refYear,reporterISO,flowCode,partnerISO,motCode,partner2ISO,primaryValue\n"
               "2021,AFG,M,KAZ,3100,UZB,200\n"
               "2021,afg,m,kaz,3100,TKM,100\n"
               "2021,AFG,M,KAZ,3200,UZB,100\n"
               "2021,AFG,M,KAZ,1000,W00,50.4\n"
               "2021,KAZ,X,AFG,3100,,700\n"
               "2020,AFG,M,KAZ,3100,UZB,999\n"
               "2021,AFG,M,UZB,3100,,999\n",
               path, sizeof path);
    lever_observed *o = NULL;
    assert_int_equal(lever_observed_load(path, &o, &E), LEVER_OK);
    lever_observed_row *rows = NULL;
    size_t n = 0;
    assert_int_equal(lever_observed_split(o, 2021, "KAZ", "AFG", &rows, &n), LEVER_OK);
    assert_int_equal(n, 6);
    /* AFG first, M, modes by value, then consignments; then KAZ's X */
    assert_string_equal(rows[0].reporter, "AFG");
    assert_int_equal(rows[0].breakdown, LEVER_OBSERVED_MODE);
    assert_int_equal(rows[0].mode, 3100);
    assert_string_equal(rows[0].mode_name, "Railway");
    assert_int_equal(rows[0].value, 300);
    assert_close_to(rows[0].share, 300.0 / 450, 1e-15);
    assert_int_equal(rows[1].mode, 3200);
    assert_close_to(rows[1].share, 100.0 / 450, 1e-15);
    assert_int_equal(rows[2].mode, 1000);
    assert_int_equal(rows[2].value, 50);
    assert_int_equal(rows[3].breakdown, LEVER_OBSERVED_CONSIGNMENT);
    assert_string_equal(rows[3].consignment, "UZB");
    assert_close_to(rows[3].share, 0.75, 1e-15);
    assert_string_equal(rows[4].consignment, "TKM");
    assert_close_to(rows[4].share, 0.25, 1e-15);
    assert_string_equal(rows[5].reporter, "KAZ");
    assert_int_equal(rows[5].flow, 'X');
    assert_close_to(rows[5].share, 1, 0);
    free(rows);
    /* the pair the other way round, and a year without records */
    assert_int_equal(lever_observed_split(o, 2021, "AFG", "KAZ", &rows, &n), LEVER_OK);
    assert_int_equal(n, 6);
    free(rows);
    assert_int_equal(lever_observed_split(o, 2019, "KAZ", "AFG", &rows, &n), LEVER_OK);
    assert_int_equal(n, 0);
    free(rows);
    lever_observed_free(o);
}

static void bad_records(void **state)
{
    (void)state;
    static const struct {
        const char *text, *where;
    } bad[] = {
        {"2021,AFG,M,KAZ,3100,UZB\n", "bad.csv:1:21: expected 7 fields"},
        {"20x1,AFG,M,KAZ,3100,UZB,1\n", "bad.csv:1:1: '20x1' is not a year"},
        {"2021,AFGH,M,KAZ,3100,UZB,1\n", "bad.csv:1:6: reporter 'AFGH'"},
        {"2021,AFG,Q,KAZ,3100,UZB,1\n", "bad.csv:1:10: flow 'Q'"},
        {"2021,AFG,M,KAZ,3150,UZB,1\n", "bad.csv:1:16: '3150' is not a Comtrade Plus mode"},
        {"2021,AFG,M,KAZ,3100,U2,1\n", "bad.csv:1:21: consignment 'U2'"},
        {"2021,AFG,M,KAZ,3100,UZB,-5\n", "bad.csv:1:25: '-5' is not a value in USD"},
        {"# nothing\n", "holds no record"},
    };
    char path[512];
    for (size_t n = 0; n < sizeof bad / sizeof bad[0]; n++) {
        write_file("bad.csv", bad[n].text, path, sizeof path);
        lever_observed *o = NULL;
        assert_int_equal(lever_observed_load(path, &o, &E), LEVER_EINPUT);
        assert_null(o);
        if (!strstr(E.message, bad[n].where))
            fail_msg("%s: %s", bad[n].where, E.message);
    }
}

static void mode_names(void **state)
{
    (void)state;
    assert_string_equal(lever_transport_mode_name(2100), "Sea");
    assert_string_equal(lever_transport_mode_name(9110), "Pipelines");
    assert_string_equal(lever_transport_mode_name(0), "all modes");
    assert_string_equal(lever_transport_mode_name(1234), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(split_by_hand),
        cmocka_unit_test(bad_records),
        cmocka_unit_test(mode_names),
    };
    return cmocka_run_group_tests(tests, setup_dir, remove_dir);
}
