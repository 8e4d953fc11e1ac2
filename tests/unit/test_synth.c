/*
 * test_synth.c - lever_synth and hs_chapter_name. The generated CSV is captured in memory
 * and checked by a parser written here, independent of the importer: every line's format,
 * unique (t,i,j,k) keys, positive values, the row count, byte-identical reruns, the
 * planted flour story (computed from the rows), and the errors for bad options and a
 * failing writer. One round trip through the importer checks the two ends agree.
 */
#include "helpers.h"

#include "store_internal.h"

#include <stdlib.h>
#include <unistd.h>

/* The error of the last library call (the tests run on one thread). */
static lever_error E;

/* ------------------------------------------------------------------ */
/* Capturing and parsing the output                                    */
/* ------------------------------------------------------------------ */

typedef struct text {
    char *data;
    size_t len, cap;
    int writes;
} text;

static int append(void *ud, const char *data, size_t len)
{
    text *t = ud;
    if (t->len + len + 1 > t->cap) {
        size_t cap = (t->len + len + 1) * 2;
        char *grown = realloc(t->data, cap);
        if (!grown)
            return -1;
        t->data = grown;
        t->cap = cap;
    }
    memcpy(t->data + t->len, data, len);
    t->len += len;
    t->data[t->len] = '\0';
    t->writes++;
    return 0;
}

static text generate(uint64_t rows, uint64_t seed, int year_from, int year_to)
{
    lever_synth_options opt = {.rows = rows, .seed = seed, .year_from = year_from,
                               .year_to = year_to, .hs_version = "HS17"};
    text t = {0};
    int rc = lever_synth(&opt, append, &t, &E);
    if (rc != LEVER_OK)
        fail_msg("lever_synth failed (%d): %s", rc, E.message);
    assert_non_null(t.data);
    return t;
}

typedef struct row {
    int t, i, j, k;
    uint64_t v;   /* USD (thousands with 3 decimals, read as an integer) */
    int64_t q_kg; /* -1 for NA */
} row;

/* Reads an unsigned decimal without sign or leading zero (except "0"); NULL if none. */
static const char *read_uint(const char *p, uint64_t *out)
{
    if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] >= '0' && p[1] <= '9'))
        return NULL;
    uint64_t v = 0;
    while (*p >= '0' && *p <= '9')
        v = v * 10 + (uint64_t)(*p++ - '0');
    *out = v;
    return p;
}

/* Reads "123.456" (exactly 3 decimals) as 123456. */
static const char *read_thousandths(const char *p, uint64_t *out)
{
    uint64_t whole;
    p = read_uint(p, &whole);
    if (!p || p[0] != '.')
        return NULL;
    for (int d = 1; d <= 3; d++)
        if (p[d] < '0' || p[d] > '9')
            return NULL;
    if (p[4] >= '0' && p[4] <= '9')
        return NULL;
    *out = whole * 1000 + (uint64_t)((p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0'));
    return p + 4;
}

/* Parses one data line "t,i,j,k,v,q" (without its newline); fails the test with the line
 * number when it is malformed. */
static row parse_line(const char *line, size_t line_no)
{
    row r = {0};
    uint64_t t = 0, i = 0, j = 0, k = 0;
    const char *p = line;
    if (!(p = read_uint(p, &t)) || *p++ != ',' || !(p = read_uint(p, &i)) || *p++ != ',' ||
        !(p = read_uint(p, &j)) || *p++ != ',' || !(p = read_uint(p, &k)) || *p++ != ',' ||
        !(p = read_thousandths(p, &r.v)) || *p++ != ',')
        fail_msg("line %zu is malformed: '%.80s'", line_no, line);
    if (!p)
        return r;
    if (strncmp(p, "NA", 2) == 0) {
        r.q_kg = -1;
        p += 2;
    } else {
        uint64_t q = 0;
        if (!(p = read_thousandths(p, &q))) {
            fail_msg("line %zu: bad quantity: '%.80s'", line_no, line);
            return r;
        }
        r.q_kg = (int64_t)q;
    }
    if (*p != '\0')
        fail_msg("line %zu: trailing text: '%.80s'", line_no, line);
    r.t = (int)t;
    r.i = (int)i;
    r.j = (int)j;
    r.k = (int)k;
    return r;
}

/* Splits the text: checks the two header lines and parses every row. */
static row *parse_csv(const text *t, const char *expected_comment, size_t *n_rows)
{
    char *copy = malloc(t->len + 1);
    assert_non_null(copy);
    memcpy(copy, t->data, t->len + 1);
    assert_true(t->len > 0 && copy[t->len - 1] == '\n');
    size_t cap = 1024, n = 0, line_no = 0;
    row *rows = malloc(cap * sizeof *rows);
    assert_non_null(rows);
    char *save = NULL;
    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        line_no++;
        if (line_no == 1) {
            assert_string_equal(line, expected_comment);
            continue;
        }
        if (line_no == 2) {
            assert_string_equal(line, "t,i,j,k,v,q");
            continue;
        }
        if (n == cap) {
            cap *= 2;
            rows = realloc(rows, cap * sizeof *rows);
            assert_non_null(rows);
        }
        rows[n++] = parse_line(line, line_no);
    }
    free(copy);
    *n_rows = n;
    return rows;
}

static int compare_keys(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* ------------------------------------------------------------------ */
/* Tests                                                               */
/* ------------------------------------------------------------------ */

static void header_names_the_options(void **state)
{
    (void)state;
    text t = generate(1000, 7, 2018, 2020);
    const char *expected = "# lever synth: synthetic data, not real trade (hs=HS17 seed=7 "
                           "rows=1000 years=2018-2020)\nt,i,j,k,v,q\n";
    assert_true(t.len > strlen(expected));
    assert_memory_equal(t.data, expected, strlen(expected));
    free(t.data);

    /* years 0 mean 2019-2021; one end alone makes a three-year range */
    lever_synth_options opt = {.rows = 100, .seed = 42};
    text d = {0};
    assert_int_equal(lever_synth(&opt, append, &d, NULL), LEVER_OK);
    assert_non_null(strstr(d.data, "(hs=HS17 seed=42 rows=100 years=2019-2021)\n"));
    free(d.data);
    opt.year_from = 2010;
    text e = {0};
    assert_int_equal(lever_synth(&opt, append, &e, NULL), LEVER_OK);
    assert_non_null(strstr(e.data, "years=2010-2012)\n"));
    free(e.data);
}

static void same_options_give_the_same_bytes(void **state)
{
    (void)state;
    text a = generate(50000, 42, 0, 0);
    text b = generate(50000, 42, 0, 0);
    text c = generate(50000, 43, 0, 0);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    const char *rows_a = strchr(strchr(a.data, '\n') + 1, '\n') + 1;
    const char *rows_c = strchr(strchr(c.data, '\n') + 1, '\n') + 1;
    assert_true(strcmp(rows_a, rows_c) != 0);
    free(a.data);
    free(b.data);
    free(c.data);
}

static void writes_in_big_buffers(void **state)
{
    (void)state;
    text t = generate(200000, 42, 0, 0);
    /* about 40 bytes a row: 8 MB in 1 MB writes, not one write per row */
    assert_true(t.len > 4000000);
    assert_true(t.writes <= (int)(t.len / 500000) + 1);
    free(t.data);
}

/* Every line parses; rows, years, codes, keys and values are as promised. */
static void rows_are_well_formed_and_unique(void **state)
{
    (void)state;
    const uint64_t wanted = 120000;
    text t = generate(wanted, 42, 2019, 2021);
    size_t n;
    row *rows = parse_csv(&t, "# lever synth: synthetic data, not real trade (hs=HS17 seed=42 "
                              "rows=120000 years=2019-2021)",
                          &n);
    /* within 1% of the request (the generator aims at it exactly) */
    assert_true(n >= wanted * 99 / 100 && n <= wanted * 101 / 100);

    uint64_t *keys = malloc(n * sizeof *keys);
    assert_non_null(keys);
    size_t per_year[3] = {0}, missing_q = 0;
    for (size_t r = 0; r < n; r++) {
        const row *x = &rows[r];
        assert_in_range(x->t, 2019, 2021);
        per_year[x->t - 2019]++;
        assert_in_range(x->i, 1, 999);
        assert_in_range(x->j, 1, 999);
        assert_int_not_equal(x->i, x->j);
        assert_in_range(x->k, 10000, 979999);       /* k printed without leading zero */
        assert_int_not_equal(x->k / 10000, 77);      /* reserved chapter */
        assert_non_null(hs_chapter_name(x->k / 10000));
        assert_true(x->v >= 1);                      /* v >= 0.001 thousand USD */
        if (x->q_kg < 0)
            missing_q++;
        keys[r] = (uint64_t)x->t << 40 | (uint64_t)x->i << 30 | (uint64_t)x->j << 20 |
                  (uint64_t)x->k;
    }
    for (int y = 0; y < 3; y++)
        assert_true(per_year[y] >= n / 3 - n / 100 && per_year[y] <= n / 3 + n / 100);
    /* about 2% of the quantities are missing */
    assert_true(missing_q > n / 100 && missing_q < n * 3 / 100);
    qsort(keys, n, sizeof *keys, compare_keys);
    for (size_t r = 1; r < n; r++)
        if (keys[r] == keys[r - 1])
            fail_msg("duplicate key t=%d i=%d j=%d k=%d", (int)(keys[r] >> 40),
                     (int)(keys[r] >> 30 & 1023), (int)(keys[r] >> 20 & 1023),
                     (int)(keys[r] & 0xFFFFF));
    free(keys);
    free(rows);
    free(t.data);
}

static void row_count_follows_the_request(void **state)
{
    (void)state;
    const uint64_t requests[] = {500, 7777, 250000};
    for (size_t r = 0; r < sizeof requests / sizeof requests[0]; r++) {
        text t = generate(requests[r], 3, 2021, 2021);
        size_t lines = 0;
        for (size_t c = 0; c < t.len; c++)
            lines += t.data[c] == '\n';
        size_t rows = lines - 2;
        if (rows < requests[r] * 98 / 100 || rows > requests[r] * 102 / 100)
            fail_msg("asked for %llu rows, got %zu", (unsigned long long)requests[r], rows);
        free(t.data);
    }
}

/* Kazakhstan supplies most of Afghanistan's wheat flour; Afghanistan takes most of
 * Kazakhstan's; Uzbekistan competes. Shares computed from the parsed rows. */
static void the_flour_story_holds(void **state)
{
    (void)state;
    text t = generate(100000, 42, 2019, 2021);
    size_t n;
    row *rows = parse_csv(&t, "# lever synth: synthetic data, not real trade (hs=HS17 seed=42 "
                              "rows=100000 years=2019-2021)",
                          &n);
    for (int year = 2019; year <= 2021; year++) {
        uint64_t afg_imports = 0, from_kaz = 0, from_uzb = 0, kaz_exports = 0;
        for (size_t r = 0; r < n; r++) {
            const row *x = &rows[r];
            if (x->t != year || x->k != 110100)
                continue;
            if (x->j == 4) {
                afg_imports += x->v;
                if (x->i == 398)
                    from_kaz += x->v;
                if (x->i == 860)
                    from_uzb += x->v;
            }
            if (x->i == 398)
                kaz_exports += x->v;
        }
        assert_true(afg_imports > 0);
        assert_true(from_kaz * 2 > afg_imports);       /* > 50% of AFG's flour imports */
        assert_true(from_kaz * 100 >= kaz_exports * 60); /* AFG takes ~70% of KAZ's flour */
        assert_true(from_kaz * 100 <= kaz_exports * 80);
        assert_true(from_uzb > 0 && from_uzb < from_kaz);
    }
    free(rows);
    free(t.data);
}

/* The products the demos query exist; chapters 01-09 are written without leading zero. */
static void demo_products_are_traded(void **state)
{
    (void)state;
    text t = generate(400000, 42, 2021, 2021);
    const char *needles[] = {",100190,", ",110100,", ",271000,", ",300490,", ",310210,"};
    for (size_t n = 0; n < sizeof needles / sizeof needles[0]; n++)
        if (!strstr(t.data, needles[n]))
            fail_msg("no row of product %s", needles[n]);
    /* some products of chapters 01-09, written with 5 digits */
    size_t short_codes = 0;
    for (const char *line = strchr(t.data, '\n') + 1; (line = strchr(line, '\n')); ) {
        line++;
        const char *k = line;
        for (int comma = 0; comma < 3 && k; comma++)
            k = strchr(k, ',') ? strchr(k, ',') + 1 : NULL;
        if (k && strchr(k, ',') - k == 5)
            short_codes++;
    }
    assert_true(short_codes > 100);
    free(t.data);
}

static int failing_writer(void *ud, const char *data, size_t len)
{
    (void)data;
    (void)len;
    (*(int *)ud)++;
    return -1;
}

static void expect_usage_error(lever_synth_options opt, const char *words)
{
    text t = {0};
    assert_int_equal(lever_synth(&opt, append, &t, &E), LEVER_EUSAGE);
    if (!strstr(E.message, words))
        fail_msg("message '%s' does not say '%s'", E.message, words);
    assert_int_equal(t.len, 0); /* nothing written */
    free(t.data);
}

static void bad_options_are_refused(void **state)
{
    (void)state;
    expect_usage_error((lever_synth_options){.rows = 0}, "at least 1");
    expect_usage_error((lever_synth_options){.rows = 10, .year_from = 2021, .year_to = 2019},
                       "backwards");
    expect_usage_error((lever_synth_options){.rows = 10, .year_from = 1500, .year_to = 1501},
                       "outside");
    expect_usage_error((lever_synth_options){.rows = 10, .hs_version = "HS92"}, "only HS17");
    expect_usage_error((lever_synth_options){.rows = 3000000000ull}, "fewer rows or more years");
    assert_int_equal(lever_synth(NULL, append, NULL, &E), LEVER_EUSAGE);
    assert_true(E.message[0] != '\0');
    lever_synth_options ok = {.rows = 10};
    assert_int_equal(lever_synth(&ok, NULL, NULL, &E), LEVER_EUSAGE);
    /* an absent error struct is fine */
    assert_int_equal(lever_synth(NULL, append, NULL, NULL), LEVER_EUSAGE);
}

static void write_failure_is_an_io_error(void **state)
{
    (void)state;
    lever_synth_options opt = {.rows = 100000};
    int calls = 0;
    assert_int_equal(lever_synth(&opt, failing_writer, &calls, &E), LEVER_EIO);
    assert_int_equal(calls, 1); /* stops at the first failure */
    assert_non_null(strstr(E.message, "could not write"));
}

static void chapter_names(void **state)
{
    (void)state;
    assert_string_equal(hs_chapter_name(10), "Cereals");
    assert_string_equal(hs_chapter_name(1), "Live animals");
    assert_string_equal(hs_chapter_name(11),
                        "Products of the milling industry; malt; starches; inulin; wheat gluten");
    assert_string_equal(hs_chapter_name(27),
                        "Mineral fuels, mineral oils and products of their distillation; "
                        "bituminous substances; mineral waxes");
    assert_string_equal(hs_chapter_name(97), "Works of art, collectors' pieces and antiques");
    assert_null(hs_chapter_name(77));
    assert_null(hs_chapter_name(0));
    assert_null(hs_chapter_name(98));
    assert_null(hs_chapter_name(99));
    assert_null(hs_chapter_name(-1));
    for (int c = 1; c <= 97; c++)
        if (c != 77)
            assert_true(hs_chapter_name(c) && strlen(hs_chapter_name(c)) > 3);
}

/* The importer reads the output as synthetic HS17 with every row. */
static void imports_as_synthetic(void **state)
{
    (void)state;
    text t = generate(20000, 42, 2020, 2021);
    char dir[] = "/tmp/lever-test-synth-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[sizeof dir + 16];
    snprintf(path, sizeof path, "%s/s.store", dir);
    lever_import *imp = NULL;
    assert_int_equal(lever_import_new(&imp, &E), LEVER_OK);
    int rc = lever_import_add_buffer(imp, "synth.csv", t.data, t.len, &E);
    if (rc == LEVER_OK)
        rc = lever_import_commit(imp, path, &E);
    if (rc != LEVER_OK)
        fail_msg("import failed: %s", E.message);
    lever_import_free(imp);
    lever_store *s = NULL;
    assert_int_equal(lever_open(path, &s, &E), LEVER_OK);
    lever_info info;
    lever_get_info(s, &info);
    assert_int_equal(info.synthetic, 1);
    assert_string_equal(info.hs_version, "HS17");
    assert_int_equal(info.year_min, 2020);
    assert_int_equal(info.year_max, 2021);
    size_t lines = 0;
    for (size_t c = 0; c < t.len; c++)
        lines += t.data[c] == '\n';
    assert_int_equal(info.rows, lines - 2);
    lever_close(s);
    unlink(path);
    rmdir(dir);
    free(t.data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(header_names_the_options),
        cmocka_unit_test(same_options_give_the_same_bytes),
        cmocka_unit_test(writes_in_big_buffers),
        cmocka_unit_test(rows_are_well_formed_and_unique),
        cmocka_unit_test(row_count_follows_the_request),
        cmocka_unit_test(the_flour_story_holds),
        cmocka_unit_test(demo_products_are_traded),
        cmocka_unit_test(bad_options_are_refused),
        cmocka_unit_test(write_failure_is_an_io_error),
        cmocka_unit_test(chapter_names),
        cmocka_unit_test(imports_as_synthetic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
