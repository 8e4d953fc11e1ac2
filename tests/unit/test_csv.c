/*
 * test_csv.c - the importer's parsers on in-memory inputs (lever_import_add_buffer) and on
 * the real files in ../shared/data: exact fixed-point values, every layout quirk real
 * files have (CRLF, quotes, padding, NA, index column, comments), every kind of bad input
 * with its exact file:line:column, chunked parsing on several threads, zips, Comtrade.
 * Rows are read back from the import's internal row buffer (importer.h).
 */
#include "helpers.h"

#include "importer.h"
#include "store_internal.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

/* The error of the last library call (the tests run on one thread). */
static lever_error E;

static char warnings[8192];
static int n_warnings;

static void collect_warning(void *ud, const char *message)
{
    (void)ud;
    n_warnings++;
    size_t used = strlen(warnings);
    snprintf(warnings + used, sizeof warnings - used, "%s\n", message);
}

static lever_import *new_import(void)
{
    lever_import *imp = NULL;
    assert_int_equal(lever_import_new(&imp, &E), LEVER_OK);
    warnings[0] = 0;
    n_warnings = 0;
    lever_import_set_warning(imp, collect_warning, NULL);
    return imp;
}

/* Parses one buffer, expecting rc; returns the import for inspection. */
static lever_import *parse(const char *name, const char *text, int expected_rc)
{
    lever_import *imp = new_import();
    int rc = lever_import_add_buffer(imp, name, text, strlen(text), &E);
    if (rc != expected_rc)
        fail_msg("%s: rc %d, expected %d: %s", name, rc, expected_rc, E.message);
    return imp;
}

/* Expects the input to fail with exactly this message. */
static void expect_error(const char *text, const char *message)
{
    lever_import *imp = parse("x.csv", text, LEVER_EINPUT);
    assert_string_equal(E.message, message);
    lever_import_free(imp);
}

static void expect_row(const lever_rows *r, size_t n, int t, int i, int j, uint32_t k,
                       uint64_t v, int64_t q)
{
    assert_true(n < r->n);
    assert_int_equal(r->t[n], t);
    assert_int_equal(r->i[n], i);
    assert_int_equal(r->j[n], j);
    assert_int_equal(r->k[n], k);
    assert_int_equal(r->v[n], v);
    assert_int_equal(r->q[n], q);
}

static bool have_shared(void)
{
    struct stat sb;
    return stat(LEVER_SHARED_DATA, &sb) == 0 && S_ISDIR(sb.st_mode);
}

#define NEED_SHARED()                                                                            \
    do {                                                                                         \
        if (!have_shared()) {                                                                    \
            print_message("skip: real data folder ../shared/data is absent\n");                 \
            skip();                                                                              \
        }                                                                                        \
    } while (0)

/* ------------------------------------------------------------------ */
/* Values                                                              */
/* ------------------------------------------------------------------ */

static void exact_values(void **state)
{
    (void)state;
    lever_import *imp = parse("v.csv",
                              "t,i,j,k,v,q\n"
                              "2021,24,12,400950,0.257,0.072\n"
                              "2021,4,24,71120,1234567.891,   0.072\n"
                              "2021,31,12,121190,6.9,23.000\n"
                              "2021,31,12,121191,52,NA\n"
                              "2021,31,12,121192,0.001,\n"
                              "2021,999,0,999999,0,0\n"
                              "2021,1,2,3,123456789012.345,1e+05\n",
                              LEVER_OK);
    const lever_rows *r = &imp->rows;
    assert_int_equal(r->n, 7);
    expect_row(r, 0, 2021, 24, 12, 400950, 257, 72);
    expect_row(r, 1, 2021, 4, 24, 71120, 1234567891, 72);
    expect_row(r, 2, 2021, 31, 12, 121190, 6900, 23000);
    expect_row(r, 3, 2021, 31, 12, 121191, 52000, LEVER_QTY_MISSING);
    expect_row(r, 4, 2021, 31, 12, 121192, 1, LEVER_QTY_MISSING);
    expect_row(r, 5, 2021, 999, 0, 999999, 0, 0);
    expect_row(r, 6, 2021, 1, 2, 3, 123456789012345ull, 100000000);
    assert_int_equal(lever_import_rows(imp), 7);
    assert_int_equal(n_warnings, 0);
    lever_import_free(imp);
}

static void leading_zero_codes(void **state)
{
    (void)state;
    lever_import *imp =
        parse("k.csv", "t,i,j,k,v,q\n2021,004,024,071120,1,1\n2021,4,24,71120,1,1\n", LEVER_OK);
    expect_row(&imp->rows, 0, 2021, 4, 24, 71120, 1000, 1000);
    expect_row(&imp->rows, 1, 2021, 4, 24, 71120, 1000, 1000);
    lever_import_free(imp);
}

static void scientific_notation(void **state)
{
    (void)state;
    /* R writes 100000 as 1e+05, in any column */
    lever_import *imp = parse("e.csv",
                              "t,i,j,k,v,q\n2021,4,24,1e+05,1.5e+02,2.5E-2\n2021,4,24,2e5,1e-3,"
                              "1.2345e3\n",
                              LEVER_OK);
    expect_row(&imp->rows, 0, 2021, 4, 24, 100000, 150000, 25);
    expect_row(&imp->rows, 1, 2021, 4, 24, 200000, 1, 1234500);
    assert_int_equal(n_warnings, 0);
    lever_import_free(imp);
}

static void extra_decimals(void **state)
{
    (void)state;
    /* zeros beyond 3 decimals are exact; others round half away from zero, one warning */
    lever_import *imp = parse("d.csv",
                              "t,i,j,k,v,q\n"
                              "2021,4,24,1,1.2340000,0.0005\n"
                              "2021,4,24,2,0.0004,2.99951\n"
                              "2021,4,24,3,0.0015,0.00049\n",
                              LEVER_OK);
    expect_row(&imp->rows, 0, 2021, 4, 24, 1, 1234, 1);
    expect_row(&imp->rows, 1, 2021, 4, 24, 2, 0, 3000);
    expect_row(&imp->rows, 2, 2021, 4, 24, 3, 2, 0);
    assert_int_equal(n_warnings, 1);
    assert_string_equal(warnings, "d.csv:2:23: quantity \"0.0005\" has more than 3 decimals; "
                                  "rounded to the nearest unit (5 such numbers in this file)\n");
    lever_import_free(imp);
}

/* ------------------------------------------------------------------ */
/* Layouts                                                             */
/* ------------------------------------------------------------------ */

static void crlf_and_quotes(void **state)
{
    (void)state;
    lever_import *imp = parse("r.csv",
                              "\"t\",\"i\",\"j\",\"k\",\"v\",\"q\"\r\n"
                              "2021,4,24,382390,52.051,\"       13.235\"\r\n"
                              "2021,4,24,481890,0.041,\"           NA\"\r\n"
                              "\"2021\",\"4\",\"24\",\"481891\",\" 0.5 \",\"0.022\"\r\n",
                              LEVER_OK);
    assert_int_equal(imp->rows.n, 3);
    expect_row(&imp->rows, 0, 2021, 4, 24, 382390, 52051, 13235);
    expect_row(&imp->rows, 1, 2021, 4, 24, 481890, 41, LEVER_QTY_MISSING);
    expect_row(&imp->rows, 2, 2021, 4, 24, 481891, 500, 22);
    lever_import_free(imp);
}

static void index_column(void **state)
{
    (void)state;
    /* pandas: an unnamed index column; R's row names: "" */
    lever_import *imp = parse("p.csv",
                              ",t,i,j,k,v,q\r\n32505,2021,24,12,400950,0.257,        0.072\r\n"
                              "48785,2021,31,12,121190,6.9,       23.000\r\n",
                              LEVER_OK);
    expect_row(&imp->rows, 0, 2021, 24, 12, 400950, 257, 72);
    expect_row(&imp->rows, 1, 2021, 31, 12, 121190, 6900, 23000);
    lever_import_free(imp);
    imp = parse("p2.csv", "\"\",\"t\",\"i\",\"j\",\"k\",\"v\",\"q\"\n\"1\",2021,4,24,1,2,NA\n",
                LEVER_OK);
    expect_row(&imp->rows, 0, 2021, 4, 24, 1, 2000, LEVER_QTY_MISSING);
    lever_import_free(imp);
}

static void other_header_names(void **state)
{
    (void)state;
    lever_import *imp = parse("n.csv", "year,exporter,importer,product,value,quantity\n"
                                       "2020,4,24,10190,1.5,2\n",
                              LEVER_OK);
    expect_row(&imp->rows, 0, 2020, 4, 24, 10190, 1500, 2000);
    lever_import_free(imp);
}

static void comments_and_synth_marker(void **state)
{
    (void)state;
    lever_import *imp = parse("s.csv",
                              "# lever synth: synthetic data, not real trade; seed=7 hs=HS17\n"
                              "# another comment\n"
                              "t,i,j,k,v,q\n"
                              "2021,4,24,1,1,1\n"
                              "\n"
                              "2021,4,24,2,1,1\n",
                              LEVER_OK);
    assert_true(imp->synthetic);
    assert_string_equal(imp->hs_version, "HS17");
    assert_string_equal(imp->release, "synthetic");
    assert_int_equal(imp->rows.n, 2);
    char where[256];
    import_locate_row(imp, 0, where, sizeof where);
    assert_string_equal(where, "s.csv:4");
    import_locate_row(imp, 1, where, sizeof where);
    assert_string_equal(where, "s.csv:6");
    lever_import_free(imp);

    /* set_meta wins over the marker */
    imp = new_import();
    assert_int_equal(lever_import_set_meta(imp, "HS92", "V202301", &E), LEVER_OK);
    const char *text = "# lever synth: hs=HS17\nt,i,j,k,v,q\n2021,4,24,1,1,1\n";
    assert_int_equal(lever_import_add_buffer(imp, "s.csv", text, strlen(text), &E), LEVER_OK);
    assert_true(imp->synthetic);
    assert_string_equal(imp->hs_version, "HS92");
    assert_string_equal(imp->release, "V202301");
    lever_import_free(imp);
}

static void meta_from_names(void **state)
{
    (void)state;
    const char *text = "t,i,j,k,v,q\n2021,4,24,1,1,1\n";
    lever_import *imp = new_import();
    assert_int_equal(lever_import_add_buffer(imp, "dir/BACI_HS92_Y2021_V202301.csv", text,
                                             strlen(text), &E),
                     LEVER_OK);
    assert_string_equal(imp->hs_version, "HS92");
    assert_string_equal(imp->release, "V202301");
    /* a second classification is refused */
    assert_int_equal(lever_import_add_buffer(imp, "BACI_HS17_Y2021_V202301.csv", text,
                                             strlen(text), &E),
                     LEVER_EINPUT);
    assert_non_null(strstr(E.message, "BACI_HS17_Y2021_V202301.csv: "
                                                     "classification HS17 differs from HS92 of "
                                                     "dir/BACI_HS92_Y2021_V202301.csv"));
    assert_int_equal(lever_import_set_meta(imp, "HS99", NULL, &E), LEVER_EUSAGE);
    lever_import_free(imp);
}

/* ------------------------------------------------------------------ */
/* Bad inputs: each with its file:line:column and what to do           */
/* ------------------------------------------------------------------ */

static void bad_inputs(void **state)
{
    (void)state;
    expect_error("t,i,j,k,v,q\n2021,4,24,1,1,1\n2021,4,24,1,-1.5,1\n",
                 "x.csv:3:13: value \"-1.5\" is negative; BACI values are non-negative "
                 "thousands of USD");
    expect_error("t,i,j,k,v,q\n2021,4,24,1,1,-2\n",
                 "x.csv:2:15: quantity \"-2\" is negative; BACI quantities are non-negative "
                 "metric tons, or NA when unknown");
    expect_error("t,i,j,k,v,q\n2021,4,24,1,abc,1\n",
                 "x.csv:2:13: value \"abc\" is not a number; BACI values are non-negative "
                 "thousands of USD");
    expect_error("t,i,j,k,v,q\n2021,4,24,1,,1\n",
                 "x.csv:2:13: value is missing; BACI values are non-negative thousands of USD");
    expect_error("t,i,j,k,v,q\n2021,4,24,1,1\n",
                 "x.csv:2:14: the line has 5 fields but the header has 6 (t,i,j,k,v,q); check "
                 "the delimiter (',') and the quoting of this line");
    expect_error("t,i,j,k,v,q\r\n2021,4,24,1,1,1,7\r\n",
                 "x.csv:2:16: the line has 7 fields but the header has 6 (t,i,j,k,v,q); check "
                 "the delimiter (',') and the quoting of this line");
    expect_error("t,i,j,k,v,q\n1800,4,24,1,1,1\n",
                 "x.csv:2:1: year 1800 is outside 1950..2100; t must be a year such as 2021 "
                 "(1950..2100)");
    expect_error("t,i,j,k,v,q\n2021.5,4,24,1,1,1\n",
                 "x.csv:2:1: year \"2021.5\" is not a whole number; t must be a year such as "
                 "2021 (1950..2100)");
    expect_error("t,i,j,k,v,q\n2021,1000,24,1,1,1\n",
                 "x.csv:2:6: exporter code 1000 is outside 0..999; i must be the exporter's "
                 "numeric country code (0..999)");
    expect_error("t,i,j,k,v,q\n2021,4,-24,1,1,1\n",
                 "x.csv:2:8: importer code \"-24\" is negative; j must be the importer's numeric "
                 "country code (0..999)");
    expect_error("t,i,j,k,v,q\n2021,4,24,1000000,1,1\n",
                 "x.csv:2:11: product code 1000000 is outside 0..999999; k must be an HS6 "
                 "product code such as 100190 (0..999999)");
    expect_error("t,i,j,k,v,q\n2021,4,24,1,\"1,1\n",
                 "x.csv:2:13: value: a quote is not closed or is followed by other text; quote "
                 "whole fields only (\"12.5\")");
    expect_error("t,i,j,k,v,q\n2021,4,24,1,99999999999999999999,1\n",
                 "x.csv:2:13: value \"99999999999999999999\" is too large; BACI values are "
                 "non-negative thousands of USD");
    /* the last line may lack its line end */
    expect_error("t,i,j,k,v,q\n2021,4,24,1,1,1\n2021,4,24,1,1,x",
                 "x.csv:3:15: quantity \"x\" is not a number; BACI quantities are non-negative "
                 "metric tons, or NA when unknown");
    expect_error("", "x.csv: the file is empty; expected a BACI CSV with the header t,i,j,k,v,q "
                     "(or a BACI dictionary, or a Comtrade CSV)");
    expect_error("# only a comment\n",
                 "x.csv: the file is only comments, no header; expected a BACI CSV with the "
                 "header t,i,j,k,v,q (or a BACI dictionary, or a Comtrade CSV)");
    expect_error("a,b,c\n1,2,3\n",
                 "x.csv:1:1: header \"a,b,c\" is not recognised; lever reads BACI trade files "
                 "(t,i,j,k,v,q), BACI dictionaries (country_code,country_name,... and "
                 "code,description) and UN Comtrade legacy CSV (Classification,Year,...,Trade "
                 "Value (US$))");
}

static void unreadable_files(void **state)
{
    (void)state;
    lever_import *imp = new_import();
    assert_int_equal(lever_import_add_file(imp, "/nonexistent/dir/f.csv", &E), LEVER_EIO);
    assert_string_equal(E.message,
                        "/nonexistent/dir/f.csv: cannot open: No such file or directory");
    char path[] = "/tmp/test_csv_zipXXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "PK\3\4\24\0\0\0\10\0", 10), 10); /* a zip cut after 10 bytes */
    close(fd);
    assert_int_equal(lever_import_add_file(imp, path, &E), LEVER_EIO);
    assert_non_null(strstr(E.message, "the archive may be truncated or damaged: "
                                                     "download it again"));
    unlink(path);
    lever_import_free(imp);
}

static void commit_needs_rows(void **state)
{
    (void)state;
    lever_import *imp = new_import();
    assert_int_equal(lever_import_commit(imp, "/tmp/never-written.store", &E), LEVER_EUSAGE);
    lever_import_free(imp);
    imp = parse("h.csv", "t,i,j,k,v,q\n", LEVER_OK);
    assert_int_equal(lever_import_commit(imp, "/tmp/never-written.store", &E), LEVER_EINPUT);
    assert_non_null(strstr(E.message, "no trade rows"));
    lever_import_free(imp);
    assert_int_equal(access("/tmp/never-written.store", F_OK), -1);
}

/* ------------------------------------------------------------------ */
/* Chunks and threads                                                  */
/* ------------------------------------------------------------------ */

/* About 20 MB of lines (three chunks and more), with a blank line and odd fields. */
static char *big_input(size_t *len)
{
    size_t cap = 24u << 20, used = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    used += (size_t)snprintf(buf, cap, "t,i,j,k,v,q\n");
    for (uint32_t n = 0; used + 100 < cap - (1u << 20); n++) {
        if (n == 400000)
            used += (size_t)snprintf(buf + used, cap - used, "\n");
        if (n % 1000 == 7)
            used += (size_t)snprintf(buf + used, cap - used, "%u,%u,%u,\"%u\",%u.%03u,NA\r\n",
                                     2000 + n % 20, n % 1000, (n / 7) % 1000, n % 1000000,
                                     n / 1000, n % 1000);
        else
            used += (size_t)snprintf(buf + used, cap - used, "%u,%u,%u,%u,%u.%u,%u.%03u\n",
                                     2000 + n % 20, n % 1000, (n / 7) % 1000, n % 1000000,
                                     n % 100000, n % 10, n % 777, n % 1000);
    }
    *len = used;
    return buf;
}

static void chunked_threads_same_rows(void **state)
{
    (void)state;
    size_t len;
    char *text = big_input(&len);
    lever_import *one = new_import(), *four = new_import();
    lever_import_set_threads(one, 1);
    lever_import_set_threads(four, 4);
    assert_int_equal(lever_import_add_buffer(one, "big.csv", text, len, &E), LEVER_OK);
    assert_int_equal(lever_import_add_buffer(four, "big.csv", text, len, &E), LEVER_OK);
    const lever_rows *a = &one->rows, *b = &four->rows;
    assert_true(a->n > 600000);
    assert_int_equal(a->n, b->n);
    assert_memory_equal(a->t, b->t, a->n * sizeof *a->t);
    assert_memory_equal(a->i, b->i, a->n * sizeof *a->i);
    assert_memory_equal(a->j, b->j, a->n * sizeof *a->j);
    assert_memory_equal(a->k, b->k, a->n * sizeof *a->k);
    assert_memory_equal(a->v, b->v, a->n * sizeof *a->v);
    assert_memory_equal(a->q, b->q, a->n * sizeof *a->q);
    /* spot checks against the generator */
    expect_row(a, 5, 2005, 5, 0, 5, 5500, 5005);
    expect_row(a, 1007, 2007, 7, 143, 1007, 1007, LEVER_QTY_MISSING);
    /* lines after the blank line are one further down, in both */
    char wa[256], wb[256];
    for (uint64_t row = 399998; row < 400003; row++) {
        import_locate_row(one, row, wa, sizeof wa);
        import_locate_row(four, row, wb, sizeof wb);
        assert_string_equal(wa, wb);
    }
    import_locate_row(four, 399999, wb, sizeof wb);
    assert_string_equal(wb, "big.csv:400001");
    import_locate_row(four, 400000, wb, sizeof wb);
    assert_string_equal(wb, "big.csv:400003");
    import_locate_row(four, a->n - 1, wb, sizeof wb);
    char expected[64];
    snprintf(expected, sizeof expected, "big.csv:%zu", a->n + 2);
    assert_string_equal(wb, expected);
    lever_import_free(one);
    lever_import_free(four);
    free(text);
}

/* Long lines first, short ones after: the row estimate made from the start is far too low,
 * so the row arrays must grow while other threads are copying chunks in. */
static void chunked_rows_outgrow_the_estimate(void **state)
{
    (void)state;
    size_t cap = 20u << 20, used = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    used += (size_t)snprintf(text, cap, "t,i,j,k,v,q\n");
    uint32_t n = 0;
    for (; used < (256u << 10); n++)
        used += (size_t)snprintf(text + used, cap - used, "2021,1,2,%u,1,%100s\n", n, "0.5");
    for (; used + 64 < cap; n++)
        used += (size_t)snprintf(text + used, cap - used, "2021,1,2,%u,2,1\n", n % 1000000);
    lever_import *one = new_import(), *two = new_import();
    lever_import_set_threads(one, 1);
    lever_import_set_threads(two, 2);
    assert_int_equal(lever_import_add_buffer(one, "grow.csv", text, used, &E), LEVER_OK);
    assert_int_equal(lever_import_add_buffer(two, "grow.csv", text, used, &E), LEVER_OK);
    assert_int_equal(one->rows.n, n);
    assert_int_equal(two->rows.n, n);
    assert_memory_equal(one->rows.k, two->rows.k, n * sizeof *one->rows.k);
    assert_memory_equal(one->rows.q, two->rows.q, n * sizeof *one->rows.q);
    expect_row(&two->rows, 0, 2021, 1, 2, 0, 1000, 500);
    expect_row(&two->rows, n - 1, 2021, 1, 2, (n - 1) % 1000000, 2000, 1000);
    lever_import_free(one);
    lever_import_free(two);
    free(text);
}

static void chunked_error_is_the_first(void **state)
{
    (void)state;
    size_t len;
    char *text = big_input(&len);
    /* two errors in different chunks: the earlier one is reported, whatever the threads */
    char *late = text + len - 200, *early = text + (10u << 20);
    late = strchr(late, '\n') + 1;
    early = strchr(early, '\n') + 1;
    memcpy(late, "2021,4,24,1,-7,", 15);
    memcpy(early, "1900,", 5);
    uint64_t line = 1;
    for (const char *p = text; p < early; p++)
        line += *p == '\n';
    char expected[256];
    snprintf(expected, sizeof expected, "big.csv:%llu:1: year 1900 is outside 1950..2100",
             (unsigned long long)line);
    for (int threads = 1; threads <= 3; threads++) {
        lever_import *imp = new_import();
        lever_import_set_threads(imp, threads);
        const char *good = "t,i,j,k,v,q\n2021,4,24,1,1,1\n";
        assert_int_equal(lever_import_add_buffer(imp, "good.csv", good, strlen(good), &E), LEVER_OK);
        assert_int_equal(lever_import_add_buffer(imp, "big.csv", text, len, &E), LEVER_EINPUT);
        assert_non_null(strstr(E.message, expected));
        /* the failed input left nothing behind: only good.csv's row and source */
        assert_int_equal(lever_import_rows(imp), 1);
        assert_int_equal(imp->n_sources, 1);
        lever_import_free(imp);
    }
    free(text);
}

/* ------------------------------------------------------------------ */
/* Dictionaries and Comtrade                                           */
/* ------------------------------------------------------------------ */

static void country_dictionaries(void **state)
{
    (void)state;
    lever_import *imp = new_import();
    const char *old = "\"country_code\",\"country_name_abbreviation\",\"country_name_full\","
                      "\"iso_2digit_alpha\",\"iso_3digit_alpha\"\r\n"
                      "12,\"Algeria\",\"Algeria\",\"DZ\",\"DZA\"\r\n"
                      "490,\"Other Asia, nes\",\"Other Asia, not elsewhere specified\",\"N/A\","
                      "\"N/A\"\r\n";
    const char *newer = "country_code,country_name,country_iso2,country_iso3\n"
                        "12,Algérie,DZ,DZA\n4,Afghanistan,AF,AFG\n";
    assert_int_equal(lever_import_add_buffer(imp, "country_codes_V202301.csv", old, strlen(old), &E),
                     LEVER_OK);
    assert_int_equal(imp->n_countries, 2);
    assert_string_equal(imp->countries[1].name, "Other Asia, nes");
    assert_string_equal(imp->countries[1].full_name, "Other Asia, not elsewhere specified");
    assert_string_equal(imp->countries[1].iso3, ""); /* "N/A" is no code */
    assert_int_equal(lever_import_add_buffer(imp, "country_codes_V202401.csv", newer,
                                             strlen(newer), &E),
                     LEVER_OK);
    assert_int_equal(imp->n_countries, 3);
    assert_int_equal(imp->countries[0].code, 12);
    assert_string_equal(imp->countries[0].name, "Algérie"); /* the later one replaces */
    assert_null(imp->countries[0].full_name);
    assert_string_equal(imp->countries[0].iso3, "DZA");
    assert_string_equal(imp->countries[2].iso2, "AF");
    assert_int_equal(imp->rows.n, 0);
    lever_import_free(imp);
    lever_import *bad = parse("country_codes_V1.csv",
                              "country_code,country_name\n12,Algeria\n1200,Nowhere\n",
                              LEVER_EINPUT);
    assert_string_equal(E.message,
                        "country_codes_V1.csv:3:1: country code 1200 is outside 0..999; "
                        "country_code must be a numeric code (0..999)");
    lever_import_free(bad);
}

static void product_dictionaries(void **state)
{
    (void)state;
    lever_import *imp = parse("product_codes_HS17_V202301.csv",
                              "\"code\",\"description\"\r\n"
                              "\"10121\",\"Horses: live, pure-bred breeding animals\"\r\n"
                              "\"010129\",\"Horses: \"\"other\"\"\"\r\n"
                              "\"9999AA\",\"Legacy \xff code\"\r\n"
                              "\"0101\",\"Horses, asses (a heading)\"\r\n"
                              "\"10121\",\"Horses (again)\"\r\n",
                              LEVER_OK);
    assert_int_equal(imp->n_products, 2);
    assert_int_equal(imp->products[0].hs6, 10121);
    assert_string_equal(imp->products[0].description, "Horses (again)");
    assert_string_equal(imp->products[1].description, "Horses: \"other\"");
    assert_string_equal(imp->hs_version, "HS17");
    assert_int_equal(n_warnings, 1);
    assert_non_null(strstr(warnings, "product_codes_HS17_V202301.csv:5:1: skipped 1 product "
                                     "codes")); /* the heading, not the legacy letter code */
    lever_import_free(imp);
}

static const char comtrade_header[] =
    "Classification,Year,Period,Period Desc.,Aggregate Level,Is Leaf Code,Trade Flow Code,"
    "Trade Flow,Reporter Code,Reporter,Reporter ISO,Partner Code,Partner,Partner ISO,2nd "
    "Partner Code,2nd Partner,2nd Partner ISO,Customs Proc. Code,Customs,Mode of Transport "
    "Code,Mode of Transport,Commodity Code,Commodity,Qty Unit Code,Qty Unit,Qty,Alt Qty Unit "
    "Code,Alt Qty Unit,Alt Qty,Netweight (kg),Gross weight (kg),Trade Value (US$),CIF Trade "
    "Value (US$),FOB Trade Value (US$),Flag\r\n";

static void comtrade(void **state)
{
    (void)state;
    char text[4096];
    snprintf(text, sizeof text, "%s%s", comtrade_header,
             "H5,2018,2018,2018,6,1,2,Export,360,Indonesia,IDN,0,World,WLD,,,,,,,,010392,"
             "\"Swine; live, other\",5,Number of items,330236,,,,27862630,,55930137,,,2\r\n"
             "H5,2018,2018,2018,6,1,2,Export,360,Indonesia,IDN,156,China,CHN,,,,,,,,010410,"
             "Sheep; live,5,Number of items,3740,,,,81500,,346771.6,,,2\r\n"
             "H5,2018,2018,2018,6,1,1,Import,360,Indonesia,IDN,36,Australia,AUS,,,,,,,,010420,"
             "Goats; live,1,No Quantity,0,,,,,,128950,,,0\r\n"
             "H5,2018,2018,2018,6,1,3,Re-Export,360,Indonesia,IDN,36,Australia,AUS,,,,,,,,"
             "010420,Goats; live,1,No Quantity,0,,,,,,5,,,0\r\n"
             "H5,2018,2018,2018,4,0,2,Export,360,Indonesia,IDN,36,Australia,AUS,,,,,,,,0104,"
             "Goats,1,No Quantity,0,,,,,,5,,,0\r\n");
    lever_import *imp = parse("ct.csv", text, LEVER_OK);
    assert_int_equal(imp->rows.n, 2);
    expect_row(&imp->rows, 0, 2018, 360, 156, 10410, 346772, 81500);
    expect_row(&imp->rows, 1, 2018, 36, 360, 10420, 128950, LEVER_QTY_MISSING);
    assert_string_equal(imp->hs_version, "HS17");
    assert_int_equal(n_warnings, 4);
    assert_non_null(strstr(warnings, "ct.csv: skipped 1 rows whose partner is World (0): partner "
                                     "World (0) is an aggregate, not a bilateral flow: download "
                                     "partner 'all' from Comtrade"));
    assert_non_null(strstr(warnings, "re-export"));
    assert_non_null(strstr(warnings, "not a 6-digit HS code"));
    assert_non_null(strstr(warnings, "ct.csv:3:"));
    char where[64];
    import_locate_row(imp, 1, where, sizeof where);
    assert_string_equal(where, "ct.csv:4");
    lever_import_free(imp);

    /* only World rows: the commit fails and says what to download */
    snprintf(text, sizeof text, "%s%s", comtrade_header,
             "H5,2018,2018,2018,6,1,2,Export,360,Indonesia,IDN,0,World,WLD,,,,,,,,010392,"
             "\"Swine\",5,Number of items,330236,,,,27862630,,55930137,,,2\r\n");
    imp = parse("ct.csv", text, LEVER_OK);
    assert_int_equal(lever_import_commit(imp, "/tmp/never-written.store", &E), LEVER_EINPUT);
    assert_non_null(strstr(E.message, "partner 'all'"));
    lever_import_free(imp);

    snprintf(text, sizeof text, "%s%s", comtrade_header,
             "S4,2018,2018,2018,6,1,2,Export,360,Indonesia,IDN,4,X,X,,,,,,,,010392,"
             "\"Swine\",5,Number of items,330236,,,,27862630,,55930137,,,2\r\n");
    imp = parse("ct.csv", text, LEVER_EINPUT);
    assert_non_null(strstr(E.message, "ct.csv:2:1: classification \"S4\" is not "
                                                     "HS"));
    lever_import_free(imp);
}

/* ------------------------------------------------------------------ */
/* Zips                                                                */
/* ------------------------------------------------------------------ */

static void add_member(zip_t *z, const char *name, const char *text, bool store)
{
    zip_source_t *src = zip_source_buffer(z, text, strlen(text), 0);
    assert_non_null(src);
    zip_int64_t at = zip_file_add(z, name, src, ZIP_FL_OVERWRITE);
    assert_true(at >= 0);
    if (store)
        assert_int_equal(zip_set_file_compression(z, (zip_uint64_t)at, ZIP_CM_STORE, 0), 0);
}

static void zip_release(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_csv_dirXXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/BACI_HS92_V202301.zip", dir);
    int err;
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
    assert_non_null(z);
    add_member(z, "BACI_HS92_Y2021_V202301.csv", "t,i,j,k,v,q\n2021,4,24,10190,1.5,NA\n", false);
    add_member(z, "BACI_HS92_Y2020_V202301.csv", "t,i,j,k,v,q\n2020,4,24,10190,2.5,1\n"
                                                 "2020,4,24,10191,-2.5,1\n", true);
    add_member(z, "country_codes_V202301.csv", "country_code,country_name\n4,Afghanistan\n",
               false);
    add_member(z, "product_codes_HS92_V202301.csv", "code,description\n010190,Other\n", false);
    add_member(z, "Readme.txt", "not data", false);
    assert_int_equal(zip_close(z), 0);

    lever_import *imp = new_import();
    assert_int_equal(lever_import_add_file(imp, path, &E), LEVER_EINPUT);
    char expected[512];
    snprintf(expected, sizeof expected, "%s:BACI_HS92_Y2020_V202301.csv:3:17: value \"-2.5\" is "
                                        "negative",
             path);
    if (!strstr(E.message, expected))
        fail_msg("%s", E.message);
    lever_import_free(imp);

    z = zip_open(path, 0, &err);
    assert_non_null(z);
    add_member(z, "BACI_HS92_Y2020_V202301.csv", "t,i,j,k,v,q\n2020,4,24,10190,2.5,1\n", true);
    assert_int_equal(zip_close(z), 0);
    imp = new_import();
    assert_int_equal(lever_import_add_file(imp, path, &E), LEVER_OK);
    assert_int_equal(imp->rows.n, 2);
    expect_row(&imp->rows, 0, 2020, 4, 24, 10190, 2500, 1000); /* members in name order */
    expect_row(&imp->rows, 1, 2021, 4, 24, 10190, 1500, LEVER_QTY_MISSING);
    assert_int_equal(imp->n_countries, 1);
    assert_int_equal(imp->n_products, 1);
    assert_string_equal(imp->hs_version, "HS92");
    assert_string_equal(imp->release, "V202301");
    char where[512];
    import_locate_row(imp, 1, where, sizeof where);
    snprintf(expected, sizeof expected, "%s:BACI_HS92_Y2021_V202301.csv:2", path);
    assert_string_equal(where, expected);
    lever_import_free(imp);
    unlink(path);
    rmdir(dir);
}

/* ------------------------------------------------------------------ */
/* Real data                                                           */
/* ------------------------------------------------------------------ */

typedef struct totals {
    uint64_t rows, v, q, q_missing;
} totals;

static totals import_totals(const lever_import *imp)
{
    totals t = {imp->rows.n, 0, 0, 0};
    for (size_t n = 0; n < imp->rows.n; n++) {
        t.v += imp->rows.v[n];
        if (imp->rows.q[n] == LEVER_QTY_MISSING)
            t.q_missing++;
        else
            t.q += (uint64_t)imp->rows.q[n];
    }
    return t;
}

static lever_import *import_shared(const char *file, int expected_rc)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", LEVER_SHARED_DATA, file);
    lever_import *imp = new_import();
    int rc = lever_import_add_file(imp, path, &E);
    if (rc != expected_rc)
        fail_msg("%s: rc %d: %s", file, rc, E.message);
    return imp;
}

/* Figures computed independently with awk, exactly (integer thousandths):
 *   awk -F, 'NR>1{n++; split($5,a,"."); v+=a[1]*1000+substr(a[2] "000",1,3);
 *     if($6=="NA"){m++} else {split($6,b,"."); q+=b[1]*1000+substr(b[2] "000",1,3)}}
 *     END{printf "%d %d %d %d\n", n, v, q, m}' FILE */
static void real_baci_extracts(void **state)
{
    (void)state;
    NEED_SHARED();
    static const struct {
        const char *file;
        totals expected;
    } cases[] = {
        {"baci_hs92_v202301_2021_imports_DZA.csv", {31396, 34286908188ull, 31626802560ull, 575}},
        {"baci_hs92_v202301_2021_exports_DZA.csv", {6480, 35390672476ull, 82731342479ull, 373}},
        {"baci_hs92_v202301_2021_exports_AFG_ZAF_halfsample.csv",
         {71192, 69369988138ull, 95549654973ull, 2306}},
        /* the same rows as R and pandas wrote them */
        {"orig/R-IO-PS_ExampleTradeData_2021_Rwritecsv.csv",
         {71192, 69369988138ull, 95549654973ull, 2306}},
        {"orig/dsa_course_Algeria_import_transaction_pandas.csv",
         {31396, 34286908188ull, 31626802560ull, 575}},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        for (int threads = 1; threads <= 2; threads++) {
            lever_import *imp = new_import();
            lever_import_set_threads(imp, threads);
            char path[1024];
            snprintf(path, sizeof path, "%s/%s", LEVER_SHARED_DATA, cases[c].file);
            if (lever_import_add_file(imp, path, &E) != LEVER_OK)
                fail_msg("%s", E.message);
            totals t = import_totals(imp);
            assert_int_equal(t.rows, cases[c].expected.rows);
            assert_int_equal(t.v, cases[c].expected.v);
            assert_int_equal(t.q, cases[c].expected.q);
            assert_int_equal(t.q_missing, cases[c].expected.q_missing);
            assert_int_equal(n_warnings, 0);
            lever_import_free(imp);
        }
    }
    lever_import *imp = import_shared("baci_hs92_v202301_2021_imports_DZA.csv", LEVER_OK);
    assert_string_equal(imp->hs_version, "HS92");
    assert_string_equal(imp->release, "V202301");
    /* first data line: 2021,24,12,400950,0.257,0.072 */
    expect_row(&imp->rows, 0, 2021, 24, 12, 400950, 257, 72);
    lever_import_free(imp);
}

static void real_dictionaries(void **state)
{
    (void)state;
    NEED_SHARED();
    /* rows: grep -c '' FILE, minus the header */
    static const struct {
        const char *file;
        size_t countries, products;
    } cases[] = {
        {"dict/country_codes_V202001.csv", 227, 0},
        {"dict/country_codes_V202201.csv", 238, 0},
        {"dict/country_codes_V202301.csv", 238, 0},
        {"dict/product_codes_HS17_V202301.csv", 0, 5384},
        {"dict/product_codes_HS92_V202301.csv", 0, 5021}, /* and "9999AA", skipped */
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        lever_import *imp = import_shared(cases[c].file, LEVER_OK);
        assert_int_equal(imp->n_countries, cases[c].countries);
        assert_int_equal(imp->n_products, cases[c].products);
        lever_import_free(imp);
    }
    lever_import *imp = import_shared("dict/country_codes_V202301.csv", LEVER_OK);
    assert_int_equal(imp->countries[2].code, 12);
    assert_string_equal(imp->countries[2].name, "Algeria");
    assert_string_equal(imp->countries[2].iso3, "DZA");
    lever_import_free(imp);
}

static void real_comtrade(void **state)
{
    (void)state;
    NEED_SHARED();
    /* every row has partner World (0): nothing bilateral, one warning saying so */
    lever_import *imp =
        import_shared("comtrade/comtrade_legacy_IDN_exports_world_H5_2018_2019.csv", LEVER_OK);
    assert_int_equal(imp->rows.n, 0);
    assert_string_equal(imp->hs_version, "HS17");
    assert_non_null(strstr(warnings, "skipped 8857 rows whose partner is World (0)"));
    assert_int_equal(lever_import_commit(imp, "/tmp/never-written.store", &E), LEVER_EINPUT);
    lever_import_free(imp);
}

static void iso_codes(void **state)
{
    (void)state;
    if (access(LEVER_ISO_CODES_DIR "/iso_3166-1.json", R_OK) != 0) {
        print_message("skip: iso-codes is not installed\n");
        skip();
    }
    char iso3[4], iso2[4], *name, *full;
    assert_int_equal(isocodes_country(12, iso3, iso2, &name, &full), 1);
    assert_string_equal(iso3, "DZA");
    assert_string_equal(iso2, "DZ");
    assert_string_equal(name, "Algeria");
    assert_string_equal(full, "People's Democratic Republic of Algeria");
    free(name);
    free(full);
    assert_int_equal(isocodes_country(68, iso3, iso2, &name, &full), 1);
    assert_string_equal(name, "Bolivia"); /* the common name */
    free(name);
    free(full);
    assert_int_equal(isocodes_country(490, iso3, iso2, &name, &full), 0);
    assert_int_equal(isocodes_country(-1, iso3, iso2, &name, &full), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exact_values),
        cmocka_unit_test(leading_zero_codes),
        cmocka_unit_test(scientific_notation),
        cmocka_unit_test(extra_decimals),
        cmocka_unit_test(crlf_and_quotes),
        cmocka_unit_test(index_column),
        cmocka_unit_test(other_header_names),
        cmocka_unit_test(comments_and_synth_marker),
        cmocka_unit_test(meta_from_names),
        cmocka_unit_test(bad_inputs),
        cmocka_unit_test(unreadable_files),
        cmocka_unit_test(commit_needs_rows),
        cmocka_unit_test(chunked_threads_same_rows),
        cmocka_unit_test(chunked_rows_outgrow_the_estimate),
        cmocka_unit_test(chunked_error_is_the_first),
        cmocka_unit_test(country_dictionaries),
        cmocka_unit_test(product_dictionaries),
        cmocka_unit_test(comtrade),
        cmocka_unit_test(zip_release),
        cmocka_unit_test(real_baci_extracts),
        cmocka_unit_test(real_dictionaries),
        cmocka_unit_test(real_comtrade),
        cmocka_unit_test(iso_codes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
