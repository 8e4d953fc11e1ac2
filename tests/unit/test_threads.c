/*
 * test_threads.c - the thread-safety rule of lever.h: a store opened once may be
 * queried from several threads at once. Every query (dyad, depend, leverage,
 * leverage_rank, exposure, compare, change, indicators), and a failing one, runs on
 * one store first on this thread, then on THREADS threads at the same time; each
 * thread's results, written out as text, must equal the single-threaded ones, and
 * each thread's error must be its own.
 *
 * scripts/test.sh also runs this test alone in a ThreadSanitizer build, which reports
 * any data race between the queries (a write into the shared handle would be one).
 * The world is small (lever synth, 20,000 rows), so the TSan run stays short.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lever.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define THREADS 4
#define ROUNDS 2

typedef struct text {
    char *data;
    size_t len, cap;
} text;

static int text_put(void *ud, const char *data, size_t len)
{
    text *t = ud;
    if (t->len + len + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 1 << 16;
        while (cap < t->len + len + 1)
            cap *= 2;
        char *d = realloc(t->data, cap);
        if (!d)
            return -1;
        t->data = d;
        t->cap = cap;
    }
    memcpy(t->data + t->len, data, len);
    t->len += len;
    t->data[t->len] = '\0';
    return 0;
}

static void emit(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void emit(text *t, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    assert_int_equal(text_put(t, buf, (size_t)n), 0);
}

static lever_store *store;
static char store_path[256];
static int countries[3];
static lever_selection *cereals;

static int setup(void **state)
{
    (void)state;
    lever_error err;
    lever_synth_options opt = {.rows = 20000, .seed = 3, .year_from = 2019, .year_to = 2021};
    text csv = {0};
    if (lever_synth(&opt, text_put, &csv, &err) != LEVER_OK)
        return -1;
    snprintf(store_path, sizeof store_path, "%s/lever-test-threads-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    int fd = mkstemp(store_path);
    if (fd < 0)
        return -1;
    close(fd);
    lever_import *imp = NULL;
    int rc = lever_import_new(&imp, &err);
    if (!rc) {
        lever_import_set_threads(imp, 1);
        rc = lever_import_add_buffer(imp, "world.csv", csv.data, csv.len, &err);
    }
    if (!rc)
        rc = lever_import_commit(imp, store_path, &err);
    lever_import_free(imp);
    free(csv.data);
    if (!rc)
        rc = lever_open(store_path, &store, &err);
    const char *names[3] = {"KAZ", "AFG", "UZB"};
    for (int n = 0; n < 3 && !rc; n++)
        rc = lever_country_lookup(store, names[n], &countries[n], &err);
    if (!rc)
        rc = lever_selection_parse(store, "10", &cereals, &err);
    if (rc)
        fprintf(stderr, "setup: %s\n", err.message);
    return rc ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    lever_selection_free(cereals);
    lever_close(store);
    unlink(store_path);
    return 0;
}

/* Runs every query on the shared store and writes what they return into t. */
static void run_queries(text *t)
{
    lever_error err;
    int a = countries[0], b = countries[1], c = countries[2];
    lever_query all = {0}, some = {.year_from = 2020, .year_to = 2021, .products = cereals};
    lever_query last = {.year_to = 2021}, pair = {.year_from = 2019, .year_to = 2021};
    lever_query current = {.alternatives = LEVER_ALT_CURRENT};

    lever_dyad_result *d = NULL;
    assert_int_equal(lever_dyad(store, a, b, &some, 5, &d, &err), LEVER_OK);
    for (int n = 0; n < d->n_years; n++)
        emit(t, "dyad %d %llu %llu %.17g\n", d->years[n].year,
             (unsigned long long)d->years[n].a_to_b, (unsigned long long)d->years[n].b_to_a,
             d->years[n].growth_total);
    for (size_t n = 0; n < d->n_a_to_b; n++)
        emit(t, "dyad flow %d %d %llu %.17g %.17g\n", d->a_to_b[n].year, d->a_to_b[n].product,
             (unsigned long long)d->a_to_b[n].value, d->a_to_b[n].supplier_share,
             d->a_to_b[n].hhi);
    lever_dyad_free(d);

    for (int on = -1; on <= 0; on++) {
        lever_depend_result *r = NULL;
        assert_int_equal(lever_depend(store, b, on < 0 ? -1 : a, &last, 20, &r, &err), LEVER_OK);
        for (size_t n = 0; n < r->n; n++)
            emit(t, "depend %d %d %llu %.17g %.17g %.17g %s\n", r->rows[n].product,
                 r->rows[n].supplier, (unsigned long long)r->rows[n].imports, r->rows[n].score,
                 r->rows[n].hhi, r->rows[n].d, r->rows[n].hhi_level);
        lever_depend_free(r);
    }

    lever_leverage_result *l = NULL;
    assert_int_equal(lever_leverage(store, a, b, &current, 5, &l, &err), LEVER_OK);
    for (int n = 0; n < l->n_years; n++)
        emit(t, "leverage %d %.17g %.17g %.17g\n", l->years[n].year, l->years[n].lev_ab,
             l->years[n].lev_ba, l->years[n].asymmetry);
    for (size_t n = 0; n < l->n_contributions; n++)
        emit(t, "contribution %d %d %.17g\n", l->contributions[n].product,
             l->contributions[n].channel, l->contributions[n].term);
    lever_leverage_free(l);

    for (int exposure = 0; exposure <= 1; exposure++) {
        lever_ranking *r = NULL;
        int rc = exposure ? lever_exposure(store, b, &all, &r, &err)
                          : lever_leverage_rank(store, a, &all, &r, &err);
        assert_int_equal(rc, LEVER_OK);
        for (size_t n = 0; n < r->n; n++)
            emit(t, "rank %d %d %.17g %.17g\n", exposure, r->rows[n].partner, r->rows[n].lev,
                 r->rows[n].reverse);
        lever_ranking_free(r);
    }

    int suppliers[2] = {a, c};
    lever_compare_result *cr = NULL;
    assert_int_equal(lever_compare(store, b, suppliers, 2, &pair, 5, &cr, &err), LEVER_OK);
    for (size_t n = 0; n < cr->n_years_rows; n++)
        emit(t, "compare %d %d %.17g\n", cr->years[n].year, cr->years[n].supplier,
             cr->years[n].lev);
    for (size_t n = 0; n < cr->n_similarities; n++)
        emit(t, "esi %d %.17g\n", cr->similarities[n].year, cr->similarities[n].esi);
    lever_compare_free(cr);

    lever_change_result *ch = NULL;
    assert_int_equal(lever_change(store, a, b, &pair, &ch, &err), LEVER_OK);
    for (size_t n = 0; n < ch->n; n++)
        emit(t, "change %d %lld %.17g\n", ch->rows[n].product, (long long)ch->rows[n].delta,
             ch->rows[n].price_effect);
    lever_change_free(ch);

    lever_indicators_result *in = NULL;
    assert_int_equal(lever_indicators(store, a, b, &all, 3, &in, &err), LEVER_OK);
    for (int n = 0; n < in->n_years; n++)
        emit(t, "indicators %d %.17g %.17g\n", in->years[n].year, in->years[n].tii_ab,
             in->years[n].tc_ab);
    lever_indicators_free(in);

    /* a failing query: its message goes to this call's error, and nowhere else */
    lever_query missing = {.year_from = 1990};
    lever_error own;
    assert_int_equal(lever_dyad(store, a, b, &missing, 0, &d, &own), LEVER_ENOTFOUND);
    assert_int_equal(own.code, LEVER_ENOTFOUND);
    emit(t, "error %s\n", own.message);
}

typedef struct worker {
    pthread_t tid;
    text out;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    for (int round = 0; round < ROUNDS; round++) {
        w->out.len = 0;
        run_queries(&w->out);
    }
    return NULL;
}

static void threads_see_what_one_thread_sees(void **state)
{
    (void)state;
    text alone = {0};
    run_queries(&alone);
    assert_true(alone.len > 1000);
    assert_non_null(strstr(alone.data, "error year 1990 is not in the store"));
    worker w[THREADS];
    memset(w, 0, sizeof w);
    for (int n = 0; n < THREADS; n++)
        assert_int_equal(pthread_create(&w[n].tid, NULL, work, &w[n]), 0);
    for (int n = 0; n < THREADS; n++)
        assert_int_equal(pthread_join(w[n].tid, NULL), 0);
    for (int n = 0; n < THREADS; n++) {
        assert_int_equal(w[n].out.len, alone.len);
        assert_memory_equal(w[n].out.data, alone.data, alone.len);
        free(w[n].out.data);
    }
    free(alone.data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(threads_see_what_one_thread_sees),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
