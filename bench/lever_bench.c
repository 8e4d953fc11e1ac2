/*
 * lever_bench.c - the lever half of the benchmark (bench/run.sh): answers Q2-Q6 on a
 * store and prints, as one JSON line, the time of the first run in this process, the
 * best of the repeated (warm) runs, the peak RSS and the checksums bench/report.mjs
 * compares with DuckDB's (bench/duckdb_side.mjs computes the same sums in SQL; the
 * definitions are in bench/RESULTS.md, "Checksums").
 *
 * Q2 and Q5 go through the public API (lever_dyad, lever_leverage_rank), as an
 * application would. Q3, Q4 and Q6 are bulk scans over every (t, j, k), (t, i, k) or
 * row, which the public API does not offer, so they read the store's sections through
 * src/lib/measures/query.h and call the library's formulas (hhi_from_sumsq, supplier_share,
 * non_substitutability, ...): one place per formula. Each materialises its full result
 * in memory, then reduces it to checksums, so that speed never comes from computing less.
 * The bulk scans use 2 threads by default, like DuckDB in this benchmark.
 *
 * "q1" is not the import (run.sh times `lever import` as a process) but what it stored:
 * rows, the exact sum of values, rows with a quantity and years, checked against DuckDB.
 *
 * Helpers for run.sh (no root needed, no /usr/bin/time needed):
 *   evict FILE...     drop the files' pages from the page cache (posix_fadvise DONTNEED)
 *                     and print how much of each is still resident (mincore)
 *   spawn [--out F] [--err F] CMD ARG...
 *                     run a command (its output to F), print its wall time, CPU time, exit
 *                     status and peak RSS as JSON
 *   touch MIB         time the first and second write of MIB MiB of fresh memory (the
 *                     machine's page-fault cost, which dominates some steps on a VM)
 *   pick STORE        print the codes of the benchmark's A (largest exporter) and B (A's
 *                     largest destination), both over all years
 *
 * Built by bench/run.sh with cc against build-bench/liblever.a. `--q5-scan` answers Q5
 * from the store's sections here instead of lever_leverage_rank: an independent check of
 * the library's ranking, reported as such.
 */
#include "query.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

__extension__ typedef unsigned __int128 u128;

/* ------------------------------------------------------------------ */
/* Small utilities                                                     */
/* ------------------------------------------------------------------ */

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of the process, all threads: on a machine shared with other work it varies
 * far less than the wall clock. */
static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long peak_rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("lever_bench: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        die("out of memory (%zu bytes)", n);
    return p;
}

/* Working memory of the steps, by slot, kept for the life of the process: the warm runs
 * reuse what the first run allocated, as a long-running application (or DuckDB's buffer
 * pool) would, instead of paying the page faults of fresh memory on every run. Large
 * slots ask for transparent huge pages, which fault in far fewer, larger pieces. */
enum { SLOT_TABLE, SLOT_SUMS_X, SLOT_SUMS_M, SLOT_PER_THREAD, N_SLOTS = SLOT_PER_THREAD + 3 * 64 };

static void *scratch(int slot, size_t size)
{
    static struct {
        void *p;
        size_t cap;
    } slots[N_SLOTS];
    if (slots[slot].cap < size) {
        if (slots[slot].p)
            munmap(slots[slot].p, slots[slot].cap);
        size_t cap = (size + (2u << 20) - 1) & ~(size_t)((2u << 20) - 1);
        void *p = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            die("out of memory (%zu bytes)", size);
        madvise(p, cap, MADV_HUGEPAGE);
        slots[slot].p = p;
        slots[slot].cap = cap;
    }
    return slots[slot].p;
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        die("out of memory (%zu x %zu bytes)", n, size);
    return p;
}

/* What a step runs on: the store, A and B as country codes, warm repetitions, threads. */
typedef struct bench_opts {
    const char *store;
    int a_code, b_code;
    int repeat, threads;
} bench_opts;

/* Checksums as JSON fields: integers exactly (as strings, like DuckDB's JSON rows), doubles
 * with 17 significant digits. */
typedef struct checksums {
    char text[2048];
    size_t len;
} checksums;

static void sum_int(checksums *c, const char *name, u128 value)
{
    char digits[48];
    int n = 0;
    do {
        digits[n++] = (char)('0' + (int)(value % 10));
        value /= 10;
    } while (value);
    c->len += (size_t)snprintf(c->text + c->len, sizeof c->text - c->len, "%s\"%s\":\"",
                               c->len ? "," : "", name);
    while (n > 0 && c->len + 2 < sizeof c->text)
        c->text[c->len++] = digits[--n];
    c->len += (size_t)snprintf(c->text + c->len, sizeof c->text - c->len, "\"");
}

static void sum_double(checksums *c, const char *name, double value)
{
    c->len += (size_t)snprintf(c->text + c->len, sizeof c->text - c->len, "%s\"%s\":%.17g",
                               c->len ? "," : "", name, value);
}

static lever_store *open_store(const char *path)
{
    lever_store *s = NULL;
    lever_error err = {0};
    int rc = lever_open(path, &s, &err);
    if (rc)
        die("%s", err.message[0] ? err.message : lever_strerror(rc));
    return s;
}

static int country_index(const lever_store *s, int code)
{
    for (uint32_t c = 0; c < s->n_countries; c++)
        if (s->countries[c].code == code)
            return (int)c;
    die("country code %d is not in the store", code);
}

/* Rows [lo, hi) split into `parts` nearly equal ranges: part p is [*plo, *phi). */
static void split_range(uint64_t lo, uint64_t hi, int parts, int p, uint64_t *plo, uint64_t *phi)
{
    uint64_t n = hi - lo;
    *plo = lo + n * (uint64_t)p / (uint64_t)parts;
    *phi = lo + n * (uint64_t)(p + 1) / (uint64_t)parts;
}

/* Runs fn(arg + p * size) on `threads` threads, p = 0 .. threads-1. */
static void run_parallel(void *(*fn)(void *), void *args, size_t size, int threads)
{
    pthread_t tid[64];
    for (int p = 1; p < threads; p++)
        if (pthread_create(&tid[p], NULL, fn, (char *)args + (size_t)p * size))
            die("cannot start a thread");
    fn(args);
    for (int p = 1; p < threads; p++)
        pthread_join(tid[p], NULL);
}

/* ------------------------------------------------------------------ */
/* Q1 check: what the import stored, to compare with DuckDB's table      */
/* ------------------------------------------------------------------ */

static void q1(lever_store *s, const bench_opts *o, checksums *c)
{
    u128 sum_v = 0, with_q = 0;
    for (uint64_t r = 0; r < s->rows; r++) {
        sum_v += store_v(s, r);
        with_q += store_q(s, r) != LEVER_QTY_MISSING;
    }
    (void)o;
    sum_int(c, "rows", s->rows);
    sum_int(c, "sum_v", sum_v);
    sum_int(c, "rows_with_q", with_q);
    sum_int(c, "years", s->n_years);
}

/* ------------------------------------------------------------------ */
/* Q2: lever_dyad, top 10 products A->B per year with B's import share  */
/* ------------------------------------------------------------------ */

static void q2(lever_store *s, const bench_opts *o, checksums *c)
{
    int a = country_index(s, o->a_code), b = country_index(s, o->b_code);
    lever_dyad_result *r = NULL;
    lever_error err;
    if (lever_dyad(s, a, b, NULL, 10, &r, &err))
        die("lever_dyad: %s", err.message);
    u128 a_to_b = 0, b_to_a = 0, top_value = 0, top_hs6 = 0, top_rank_hs6 = 0;
    double top_share = 0;
    for (int y = 0; y < r->n_years; y++) {
        a_to_b += r->years[y].a_to_b;
        b_to_a += r->years[y].b_to_a;
    }
    int rank = 0, year = 0;
    for (size_t n = 0; n < r->n_a_to_b; n++) {
        const lever_product_flow *f = &r->a_to_b[n];
        rank = f->year == year ? rank + 1 : 1;
        year = f->year;
        uint32_t hs6 = s->products[f->product].hs6;
        top_value += f->value;
        top_hs6 += hs6;
        top_rank_hs6 += (u128)rank * hs6;
        top_share += f->supplier_share;
    }
    sum_int(c, "sum_a_to_b", a_to_b);
    sum_int(c, "sum_b_to_a", b_to_a);
    sum_int(c, "top_rows", r->n_a_to_b);
    sum_int(c, "top_sum_value", top_value);
    sum_int(c, "top_sum_hs6", top_hs6);
    sum_int(c, "top_sum_rank_hs6", top_rank_hs6);
    sum_double(c, "top_sum_share", top_share);
    lever_dyad_free(r);
}

/* ------------------------------------------------------------------ */
/* Q3: dependence table, one row per (t, j, k) with imports             */
/* ------------------------------------------------------------------ */

typedef struct dependence_row {
    uint16_t year, importer, product, top_supplier; /* indices */
    uint64_t imports;                               /* M(j,k) */
    double hhi;                                     /* HHI_M(j,k) */
    double top_share;                               /* s(top -> j, k) */
} dependence_row;

/* Two ways to find the top supplier of every (t, j, k), both from the store alone:
 *  - by_imp (default): walk each entry's suppliers through the importer permutation,
 *    one random read of v and i per row;
 *  - row scan (--q3-rowscan): one sequential pass over each year's rows keeping the largest v
 *    per (j, k) in a dense table per thread. Rows are sorted by exporter, so "first strictly
 *    larger" keeps the smallest exporter code on ties, within a thread and across threads
 *    merged in row order. */
static int q3_uses_byimp = 1;

typedef struct q3_part {
    const lever_store *s;
    int y;
    uint64_t lo, hi;           /* rows (row scan) or SEC_MJK entries (output) */
    uint64_t *best_v;          /* [j * P + k], this thread's largest flow */
    uint16_t *best_i;          /* its exporter */
    const struct q3_part *all; /* every thread's tables, for the merge */
    int threads;
    dependence_row *out;
    uint64_t n_out;
} q3_part;

static void *q3_top_scan(void *arg)
{
    q3_part *p = arg;
    const lever_store *s = p->s;
    size_t P = s->n_products;
    memset(p->best_v, 0, (size_t)s->n_countries * P * sizeof *p->best_v);
    const uint64_t *eo = s->exp_off + (size_t)p->y * (s->n_countries + 1);
    int i = p->lo < p->hi ? store_row_exporter(s, p->y, p->lo) : 0;
    for (uint64_t r = p->lo; r < p->hi; r++) {
        while (r >= eo[i + 1])
            i++;
        size_t cell = (size_t)s->fj[r] * P + s->fk[r];
        uint64_t v = store_v(s, r);
        if (v > p->best_v[cell]) {
            p->best_v[cell] = v;
            p->best_i[cell] = (uint16_t)i;
        }
    }
    return NULL;
}

/* One output row per SEC_MJK entry in [lo, hi), the top supplier from the scan tables
 * (by_imp = 0) or from the entry's suppliers (by_imp = 1). */
static void *q3_rows(void *arg)
{
    q3_part *p = arg;
    const lever_store *s = p->s;
    size_t P = s->n_products;
    uint64_t n_mjk = s->years[s->n_years - 1].mjk_start + s->years[s->n_years - 1].mjk_count;
    dependence_row *out = p->out;
    for (uint64_t e = p->lo; e < p->hi; e++) {
        const store_mjk *g = &s->mjk[e];
        if (g->m == 0)
            continue;
        uint64_t best = 0, best_row = 0;
        uint16_t top = 0;
        if (q3_uses_byimp) {
            /* suppliers of (t, j, k): by_imp[imp_pos .. next entry's imp_pos), by exporter */
            uint64_t end = e + 1 < n_mjk ? s->mjk[e + 1].imp_pos : s->rows;
            for (uint64_t pos = g->imp_pos; pos < end; pos++) {
                uint32_t r = s->by_imp[pos];
                uint64_t v = store_v(s, r);
                if (v > best) {
                    best = v;
                    best_row = r;
                }
            }
            if (best > 0)
                top = (uint16_t)store_row_exporter(s, p->y, best_row);
        } else {
            size_t cell = (size_t)g->j * P + g->k;
            for (int t = 0; t < p->threads; t++)
                if (p->all[t].best_v[cell] > best) {
                    best = p->all[t].best_v[cell];
                    top = p->all[t].best_i[cell];
                }
        }
        *out++ = (dependence_row){(uint16_t)p->y, g->j, g->k, top, g->m,
                                  hhi_from_sumsq(g->sumsq_lo, g->sumsq_hi, g->m),
                                  supplier_share(best, g->m)};
    }
    p->n_out = (uint64_t)(out - p->out);
    return NULL;
}

static void q3(lever_store *s, const bench_opts *o, checksums *c)
{
    uint64_t n_mjk = s->years[s->n_years - 1].mjk_start + s->years[s->n_years - 1].mjk_count;
    size_t cells = (size_t)s->n_countries * s->n_products;
    dependence_row *rows = scratch(SLOT_TABLE, n_mjk * sizeof *rows);
    q3_part parts[64];
    for (int p = 0; p < o->threads; p++) {
        parts[p] = (q3_part){.s = s, .all = parts, .threads = o->threads};
        if (!q3_uses_byimp) {
            parts[p].best_v = scratch(SLOT_PER_THREAD + 3 * p, cells * sizeof(uint64_t));
            parts[p].best_i = scratch(SLOT_PER_THREAD + 3 * p + 1, cells * sizeof(uint16_t));
        }
    }
    uint64_t n_rows = 0;
    for (int y = 0; y < (int)s->n_years; y++) {
        const store_year *yr = &s->years[y];
        if (!q3_uses_byimp) {
            for (int p = 0; p < o->threads; p++)
                split_range(yr->row_start, yr->row_start + yr->row_count, o->threads, p,
                            &parts[p].lo, &parts[p].hi);
            run_parallel(q3_top_scan, parts, sizeof parts[0], o->threads);
        }
        dependence_row *year_out = rows + n_rows;
        for (int p = 0; p < o->threads; p++) {
            parts[p].y = y;
            split_range(yr->mjk_start, yr->mjk_start + yr->mjk_count, o->threads, p,
                        &parts[p].lo, &parts[p].hi);
            parts[p].out = year_out + (parts[p].lo - yr->mjk_start);
        }
        run_parallel(q3_rows, parts, sizeof parts[0], o->threads);
        /* close the gaps left by skipped entries so the table is contiguous */
        for (int p = 0; p < o->threads; p++) {
            memmove(rows + n_rows, parts[p].out, parts[p].n_out * sizeof *rows);
            n_rows += parts[p].n_out;
        }
    }
    u128 sum_m = 0, sum_top = 0, sum_top_pos = 0;
    double sum_hhi = 0, sum_share = 0;
    for (uint64_t n = 0; n < n_rows; n++) {
        const dependence_row *d = &rows[n];
        uint32_t top_code = s->countries[d->top_supplier].code;
        sum_m += d->imports;
        sum_hhi += d->hhi;
        sum_top += top_code;
        sum_top_pos += (u128)top_code * (s->products[d->product].hs6 % 1000 + 1);
        sum_share += d->top_share;
    }
    sum_int(c, "entries", n_rows);
    sum_int(c, "sum_m", sum_m);
    sum_double(c, "sum_hhi", sum_hhi);
    sum_int(c, "sum_top", sum_top);
    sum_int(c, "sum_top_pos", sum_top_pos);
    sum_double(c, "sum_share", sum_share);
}

/* ------------------------------------------------------------------ */
/* Q4: market table, one row per (t, i, k) with exports                  */
/* ------------------------------------------------------------------ */

typedef struct market_row {
    uint16_t year, exporter, product, reserved;
    uint32_t destinations;
    uint64_t exports;   /* X(i,k) */
    double top_share;   /* largest e(i->j,k) */
} market_row;

static void q4(lever_store *s, const bench_opts *o, checksums *c)
{
    uint64_t n_xik = s->years[s->n_years - 1].xik_start + s->years[s->n_years - 1].xik_count;
    market_row *rows = scratch(SLOT_TABLE, n_xik * sizeof *rows);
    uint64_t n = 0;
    for (uint16_t y = 0; y < s->n_years; y++) {
        const store_year *yr = &s->years[y];
        for (uint64_t e = yr->xik_start; e < yr->xik_start + yr->xik_count; e++) {
            const store_xik *x = &s->xik[e];
            if (x->x == 0)
                continue;
            rows[n++] = (market_row){y, x->i, x->k, 0, x->n_dest, x->x,
                                     destination_share(x->vmax, x->x)};
        }
    }
    u128 sum_x = 0, sum_dest = 0;
    double sum_share = 0;
    for (uint64_t m = 0; m < n; m++) {
        sum_x += rows[m].exports;
        sum_dest += rows[m].destinations;
        sum_share += rows[m].top_share;
    }
    (void)o;
    sum_int(c, "entries", n);
    sum_int(c, "sum_x", sum_x);
    sum_double(c, "sum_top_share", sum_share);
    sum_int(c, "sum_n_dest", sum_dest);
}

/* ------------------------------------------------------------------ */
/* Leverage from the store's sections (Q6, and Q5's fallback)           */
/* ------------------------------------------------------------------ */

/* Dense X(c,k) and M(c,k) of one year, for O(1) lookups in the row scans. */
typedef struct year_sums {
    uint32_t C, P;
    uint64_t *x, *m; /* [c * P + k] */
} year_sums;

static void year_sums_fill(const lever_store *s, int y, year_sums *ys)
{
    const store_year *yr = &s->years[y];
    memset(ys->x, 0, (size_t)ys->C * ys->P * sizeof *ys->x);
    memset(ys->m, 0, (size_t)ys->C * ys->P * sizeof *ys->m);
    for (uint64_t e = yr->xik_start; e < yr->xik_start + yr->xik_count; e++)
        ys->x[(size_t)s->xik[e].i * ys->P + s->xik[e].k] = s->xik[e].x;
    for (uint64_t e = yr->mjk_start; e < yr->mjk_start + yr->mjk_count; e++)
        ys->m[(size_t)s->mjk[e].j * ys->P + s->mjk[e].k] = s->mjk[e].m;
}

/* The two channel terms of flow i->j of value v in product k (INDICATORS.md section 6,
 * world alternatives): v*d adds to S(i over j), v*d' to K(j over i). */
static inline void flow_terms(const lever_store *s, const year_sums *ys, int y, int i, int j,
                              int k, uint64_t v, double *supply_term, double *market_term)
{
    uint64_t w = store_w_k(s, y, k);
    size_t P = ys->P;
    uint64_t alt_supply = alternative_supply_world(w, ys->x[(size_t)i * P + (size_t)k],
                                                   ys->x[(size_t)j * P + (size_t)k]);
    uint64_t alt_demand = alternative_demand_world(w, ys->m[(size_t)j * P + (size_t)k],
                                                   ys->m[(size_t)i * P + (size_t)k]);
    *supply_term = (double)v * non_substitutability(alt_supply, v);
    *market_term = (double)v * non_substitutability(alt_demand, v);
}

typedef struct q6_part {
    const lever_store *s;
    const year_sums *ys;
    int y;
    uint64_t lo, hi; /* rows */
    double *supply, *market; /* [holder * C + subject], this thread's partial sums */
} q6_part;

static void *q6_scan(void *arg)
{
    q6_part *p = arg;
    const lever_store *s = p->s;
    size_t C = s->n_countries;
    memset(p->supply, 0, C * C * sizeof *p->supply);
    memset(p->market, 0, C * C * sizeof *p->market);
    const uint64_t *eo = s->exp_off + (size_t)p->y * (C + 1);
    int i = p->lo < p->hi ? store_row_exporter(s, p->y, p->lo) : 0;
    for (uint64_t r = p->lo; r < p->hi; r++) {
        while (r >= eo[i + 1])
            i++;
        uint64_t v = store_v(s, r);
        int j = s->fj[r];
        if (v == 0 || i == j)
            continue;
        double st, mt;
        flow_terms(s, p->ys, p->y, i, j, s->fk[r], v, &st, &mt);
        p->supply[(size_t)i * C + (size_t)j] += st;
        p->market[(size_t)j * C + (size_t)i] += mt;
    }
    return NULL;
}

static void q6(lever_store *s, const bench_opts *o, checksums *c)
{
    size_t C = s->n_countries, P = s->n_products;
    year_sums ys = {(uint32_t)C, (uint32_t)P, scratch(SLOT_SUMS_X, C * P * sizeof(uint64_t)),
                    scratch(SLOT_SUMS_M, C * P * sizeof(uint64_t))};
    double *lev = scratch(SLOT_TABLE, s->n_years * C * C * sizeof *lev); /* the matrix */
    q6_part parts[64];
    for (int p = 0; p < o->threads; p++) {
        parts[p] = (q6_part){.s = s, .ys = &ys};
        parts[p].supply = scratch(SLOT_PER_THREAD + 3 * p, C * C * sizeof(double));
        parts[p].market = scratch(SLOT_PER_THREAD + 3 * p + 1, C * C * sizeof(double));
    }
    u128 pairs = 0;
    double sum_lev = 0, sum_lev_pos = 0;
    for (int y = 0; y < (int)s->n_years; y++) {
        year_sums_fill(s, y, &ys);
        const store_year *yr = &s->years[y];
        for (int p = 0; p < o->threads; p++) {
            parts[p].y = y;
            split_range(yr->row_start, yr->row_start + yr->row_count, o->threads, p,
                        &parts[p].lo, &parts[p].hi);
        }
        run_parallel(q6_scan, parts, sizeof parts[0], o->threads);
        double *matrix = lev + (size_t)y * C * C;
        for (size_t h = 0; h < C; h++)
            for (size_t sub = 0; sub < C; sub++) {
                double sup = 0, mar = 0;
                for (int p = 0; p < o->threads; p++) {
                    sup += parts[p].supply[h * C + sub];
                    mar += parts[p].market[h * C + sub];
                }
                uint64_t t_sub = store_x_i(s, y, (int)sub) + store_m_j(s, y, (int)sub);
                matrix[h * C + sub] = sup + mar > 0 ? leverage_ratio(sup, mar, t_sub) : 0;
                if (sup + mar > 0) {
                    int hc = s->countries[h].code, sc = s->countries[sub].code;
                    pairs++;
                    sum_lev += matrix[h * C + sub];
                    sum_lev_pos += matrix[h * C + sub] * ((hc * 7 + sc * 13) % 101);
                }
            }
    }
    sum_int(c, "pairs", pairs);
    sum_double(c, "sum_lev", sum_lev);
    sum_double(c, "sum_lev_pos", sum_lev_pos);
}

/* ------------------------------------------------------------------ */
/* Q5: LEV of A over every partner, every year                          */
/* ------------------------------------------------------------------ */

typedef struct q5_sums {
    u128 partners, trade;
    double lev, reverse, lev_pos;
} q5_sums;

static void q5_add(q5_sums *q, int partner_code, uint64_t trade, double lev, double reverse)
{
    if (trade == 0)
        return;
    q->partners++;
    q->trade += trade;
    q->lev += lev;
    q->reverse += reverse;
    q->lev_pos += lev * (partner_code % 101);
}

/* Through the public API, as `lever leverage A` does. */
static void q5_api(lever_store *s, int a, q5_sums *q)
{
    for (int y = 0; y < (int)s->n_years; y++) {
        lever_ranking *r = NULL;
        lever_query one = {.year_from = lever_year_at(s, y), .year_to = lever_year_at(s, y)};
        lever_error err;
        if (lever_leverage_rank(s, a, &one, &r, &err))
            die("lever_leverage_rank: %s", err.message);
        for (size_t n = 0; n < r->n; n++)
            q5_add(q, s->countries[r->rows[n].partner].code, r->rows[n].trade, r->rows[n].lev,
                   r->rows[n].reverse);
        lever_ranking_free(r);
    }
}

/* The same from the store's sections: A's export rows and A's import rows of each year. */
static void q5_scan(lever_store *s, int a, q5_sums *q)
{
    size_t C = s->n_countries, P = s->n_products;
    year_sums ys = {(uint32_t)C, (uint32_t)P, scratch(SLOT_SUMS_X, C * P * sizeof(uint64_t)),
                    scratch(SLOT_SUMS_M, C * P * sizeof(uint64_t))};
    double *lev_supply = xmalloc(C * sizeof(double)), *lev_market = xmalloc(C * sizeof(double));
    double *rev_supply = xmalloc(C * sizeof(double)), *rev_market = xmalloc(C * sizeof(double));
    uint64_t *trade = xmalloc(C * sizeof(uint64_t));
    for (int y = 0; y < (int)s->n_years; y++) {
        year_sums_fill(s, y, &ys);
        memset(lev_supply, 0, C * sizeof(double));
        memset(lev_market, 0, C * sizeof(double));
        memset(rev_supply, 0, C * sizeof(double));
        memset(rev_market, 0, C * sizeof(double));
        memset(trade, 0, C * sizeof(uint64_t));
        uint64_t lo, hi;
        store_exporter_rows(s, y, a, ROW_J | ROW_K | ROW_V, &lo, &hi);
        for (uint64_t r = lo; r < hi; r++) { /* A -> P */
            int p = s->fj[r];
            uint64_t v = store_v(s, r);
            if (v == 0 || p == a)
                continue;
            double st, mt;
            flow_terms(s, &ys, y, a, p, s->fk[r], v, &st, &mt);
            lev_supply[p] += st; /* S(A over P) */
            rev_market[p] += mt; /* K(P over A) */
            trade[p] += v;
        }
        const uint64_t *io = s->imp_off + (size_t)y * (C + 1);
        for (uint64_t pos = io[a]; pos < io[a + 1]; pos++) { /* P -> A */
            uint32_t r = s->by_imp[pos];
            int p = store_row_exporter(s, y, r);
            uint64_t v = store_v(s, r);
            if (v == 0 || p == a)
                continue;
            double st, mt;
            flow_terms(s, &ys, y, p, a, s->fk[r], v, &st, &mt);
            rev_supply[p] += st; /* S(P over A) */
            lev_market[p] += mt; /* K(A over P) */
            trade[p] += v;
        }
        uint64_t t_a = store_x_i(s, y, a) + store_m_j(s, y, a);
        for (size_t p = 0; p < C; p++) {
            uint64_t t_p = store_x_i(s, y, (int)p) + store_m_j(s, y, (int)p);
            q5_add(q, s->countries[p].code, trade[p],
                   leverage_ratio(lev_supply[p], lev_market[p], t_p),
                   leverage_ratio(rev_supply[p], rev_market[p], t_a));
        }
    }
    free(lev_supply);
    free(lev_market);
    free(rev_supply);
    free(rev_market);
    free(trade);
}

static int q5_uses_api = 1;

static void q5(lever_store *s, const bench_opts *o, checksums *c)
{
    int a = country_index(s, o->a_code);
    q5_sums q = {0};
    if (q5_uses_api)
        q5_api(s, a, &q);
    else
        q5_scan(s, a, &q);
    sum_int(c, "partners", q.partners);
    sum_int(c, "sum_trade", q.trade);
    sum_double(c, "sum_lev", q.lev);
    sum_double(c, "sum_reverse", q.reverse);
    sum_double(c, "sum_lev_pos", q.lev_pos);
}

/* ------------------------------------------------------------------ */
/* Steps: open, answer, close; first run and best of the repeats         */
/* ------------------------------------------------------------------ */

typedef void (*step_fn)(lever_store *, const bench_opts *, checksums *);

/* One answer, timed: checksums into *c. */
static double run_once(step_fn fn, lever_store *s, const bench_opts *o, checksums *c)
{
    double t0 = now_seconds();
    c->len = 0;
    c->text[0] = 0;
    fn(s, o, c);
    return now_seconds() - t0;
}

/* The first run opens the store (a fresh process: the map is new, and the store is in the
 * page cache or not as run.sh arranged); the warm runs reuse the open store, as a
 * long-running application would, and must give the same checksums. */
static int cmd_step(const char *step, step_fn fn, const bench_opts *o)
{
    checksums c = {.len = 0};
    double t0 = now_seconds(), cpu0 = cpu_seconds();
    lever_store *s = open_store(o->store);
    run_once(fn, s, o, &c);
    double first = now_seconds() - t0, warm = first, first_cpu = cpu_seconds() - cpu0;
    for (int n = 0; n < o->repeat; n++) {
        checksums again = {.len = 0};
        double t = run_once(fn, s, o, &again);
        if (t < warm || n == 0)
            warm = t;
        if (strcmp(again.text, c.text) != 0)
            die("%s gave different results on a repeated run: {%s} then {%s}", step, c.text,
                again.text);
    }
    lever_close(s);
    const char *method = "";
    if (fn == q5)
        method = q5_uses_api ? ",\"method\":\"lever_leverage_rank\""
                             : ",\"method\":\"store scan (--q5-scan)\"";
    if (fn == q3)
        method = q3_uses_byimp ? ",\"method\":\"by_imp\"" : ",\"method\":\"row scan\"";
    printf("{\"engine\":\"lever\",\"step\":\"%s\",\"threads\":%d,\"first_s\":%.9f,"
           "\"first_cpu_s\":%.9f,\"warm_s\":%.9f,\"rss_kb\":%ld%s,\"checksum\":{%s}}\n",
           step, o->threads, first, first_cpu, o->repeat ? warm : first, peak_rss_kb(), method,
           c.text);
    return 0;
}

/* ------------------------------------------------------------------ */
/* Helpers for run.sh                                                    */
/* ------------------------------------------------------------------ */

/* Fraction of a file's pages in the page cache. */
static double resident_fraction(const char *path)
{
    int fd = open(path, O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0)
        die("cannot open %s: %s", path, strerror(errno));
    if (st.st_size == 0) {
        close(fd);
        return 0;
    }
    void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (map == MAP_FAILED)
        die("cannot map %s: %s", path, strerror(errno));
    long page = sysconf(_SC_PAGESIZE);
    size_t pages = ((size_t)st.st_size + (size_t)page - 1) / (size_t)page, in = 0;
    unsigned char *vec = xmalloc(pages);
    if (mincore(map, (size_t)st.st_size, vec) == 0)
        for (size_t p = 0; p < pages; p++)
            in += vec[p] & 1;
    free(vec);
    munmap(map, (size_t)st.st_size);
    return (double)in / (double)pages;
}

static int cmd_evict(int argc, char **argv)
{
    printf("{");
    for (int n = 0; n < argc; n++) {
        int fd = open(argv[n], O_RDONLY);
        if (fd < 0)
            die("cannot open %s: %s", argv[n], strerror(errno));
        fdatasync(fd); /* dirty pages cannot be dropped */
        int rc = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
        close(fd);
        if (rc)
            die("posix_fadvise %s: %s", argv[n], strerror(rc));
        printf("%s\"%s\":%.4f", n ? "," : "", argv[n], resident_fraction(argv[n]));
    }
    printf("}\n");
    return 0;
}

/* Redirects file descriptor fd of this (child) process to path, truncated. */
static void redirect(int fd, const char *path)
{
    int to = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (to < 0 || dup2(to, fd) < 0) {
        fprintf(stderr, "lever_bench: cannot write %s: %s\n", path, strerror(errno));
        _exit(127);
    }
    close(to);
}

/* spawn [--out FILE] [--err FILE] COMMAND ARG...: the command's own output goes to FILE
 * (e.g. /dev/null), so that this process's stdout carries only the JSON line. */
static int cmd_spawn(int argc, char **argv)
{
    const char *out = NULL, *err = NULL;
    int n = 0;
    for (; n + 1 < argc && argv[n][0] == '-' && argv[n][1] == '-'; n += 2) {
        if (!strcmp(argv[n], "--out"))
            out = argv[n + 1];
        else if (!strcmp(argv[n], "--err"))
            err = argv[n + 1];
        else
            break;
    }
    if (n >= argc)
        die("spawn needs a command");
    fflush(stdout);
    double t0 = now_seconds();
    pid_t pid = fork();
    if (pid < 0)
        die("fork: %s", strerror(errno));
    if (pid == 0) {
        if (out)
            redirect(STDOUT_FILENO, out);
        if (err)
            redirect(STDERR_FILENO, err);
        execvp(argv[n], argv + n);
        fprintf(stderr, "lever_bench: cannot run %s: %s\n", argv[n], strerror(errno));
        _exit(127);
    }
    int status = 0;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0)
        die("wait4: %s", strerror(errno));
    double wall = now_seconds() - t0;
    int rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    double user = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6;
    double sys = (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    printf("{\"wall_s\":%.6f,\"user_s\":%.6f,\"sys_s\":%.6f,\"rss_kb\":%ld,\"rc\":%d}\n", wall,
           user, sys, ru.ru_maxrss, rc);
    return rc;
}

/* touch MIB: seconds to write MIB MiB of fresh anonymous memory the first time (page faults
 * included) and the second time, with 4 KiB pages and with transparent huge pages. On
 * virtual machines the first touch can cost far more than the copy itself, and every
 * fresh buffer an import allocates pays it. */
static int cmd_touch(const char *mib_text)
{
    size_t len = (size_t)atol(mib_text) << 20;
    if (len == 0)
        die("touch needs a size in MiB");
    printf("{");
    for (int huge = 0; huge <= 1; huge++) {
        char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            die("cannot map %zu bytes: %s", len, strerror(errno));
        if (huge)
            madvise(p, len, MADV_HUGEPAGE);
        else
            madvise(p, len, MADV_NOHUGEPAGE);
        double t0 = now_seconds();
        memset(p, 1, len);
        double t1 = now_seconds();
        memset(p, 2, len);
        double t2 = now_seconds();
        munmap(p, len);
        printf("%s\"%s_first_s\":%.4f,\"%s_second_s\":%.4f", huge ? "," : "",
               huge ? "huge" : "small", t1 - t0, huge ? "huge" : "small", t2 - t1);
    }
    printf(",\"mib\":%s}\n", mib_text);
    return 0;
}

static int cmd_pick(const char *path)
{
    lever_store *s = open_store(path);
    size_t C = s->n_countries;
    uint64_t *exports = xcalloc(C, sizeof *exports);
    for (uint32_t y = 0; y < s->n_years; y++)
        for (size_t c = 0; c < C; c++)
            exports[c] += store_x_i(s, (int)y, (int)c);
    size_t a = 0;
    for (size_t c = 1; c < C; c++)
        if (exports[c] > exports[a])
            a = c;
    memset(exports, 0, C * sizeof *exports);
    for (uint32_t y = 0; y < s->n_years; y++) {
        uint64_t lo, hi;
        store_exporter_rows(s, (int)y, (int)a, ROW_J | ROW_V, &lo, &hi);
        for (uint64_t r = lo; r < hi; r++)
            exports[s->fj[r]] += store_v(s, r);
    }
    size_t b = a == 0 ? 1 : 0;
    for (size_t c = 0; c < C; c++)
        if (c != a && exports[c] > exports[b])
            b = c;
    printf("%d %d\n", s->countries[a].code, s->countries[b].code);
    free(exports);
    lever_close(s);
    return 0;
}

static void usage(void)
{
    fputs("usage: lever_bench q1|q2|q3|q4|q5|q6 STORE [--a CODE] [--b CODE] [--repeat N]"
          " [--threads N] [--q3-rowscan] [--q5-scan]\n"
          "       lever_bench pick STORE\n"
          "       lever_bench evict FILE...\n"
          "       lever_bench touch MIB\n"
          "       lever_bench spawn [--out FILE] [--err FILE] COMMAND [ARG...]\n",
          stderr);
    exit(2);
}

int main(int argc, char **argv)
{
    if (argc < 3)
        usage();
    const char *cmd = argv[1];
    if (!strcmp(cmd, "evict"))
        return cmd_evict(argc - 2, argv + 2);
    if (!strcmp(cmd, "spawn"))
        return cmd_spawn(argc - 2, argv + 2);
    if (!strcmp(cmd, "pick"))
        return cmd_pick(argv[2]);
    if (!strcmp(cmd, "touch"))
        return cmd_touch(argv[2]);
    static const struct {
        const char *name;
        step_fn fn;
    } steps[] = {{"q1", q1}, {"q2", q2}, {"q3", q3}, {"q4", q4}, {"q5", q5}, {"q6", q6}};
    bench_opts o = {.store = argv[2], .a_code = -1, .b_code = -1, .repeat = 3, .threads = 2};
    for (int n = 3; n < argc; n++) {
        if (!strcmp(argv[n], "--q5-scan")) {
            q5_uses_api = 0;
            continue;
        }
        if (!strcmp(argv[n], "--q3-rowscan")) {
            q3_uses_byimp = 0;
            continue;
        }
        if (n + 1 >= argc)
            usage();
        if (!strcmp(argv[n], "--a"))
            o.a_code = atoi(argv[++n]);
        else if (!strcmp(argv[n], "--b"))
            o.b_code = atoi(argv[++n]);
        else if (!strcmp(argv[n], "--repeat"))
            o.repeat = atoi(argv[++n]);
        else if (!strcmp(argv[n], "--threads"))
            o.threads = atoi(argv[++n]);
        else
            usage();
    }
    if (o.threads < 1 || o.threads > 64 || o.repeat < 0)
        usage();
    for (size_t n = 0; n < sizeof steps / sizeof steps[0]; n++)
        if (!strcmp(cmd, steps[n].name)) {
            if ((steps[n].fn == q2 && o.b_code < 0) ||
                ((steps[n].fn == q2 || steps[n].fn == q5) && o.a_code < 0))
                die("%s needs --a CODE%s", cmd, steps[n].fn == q2 ? " --b CODE" : "");
            return cmd_step(cmd, steps[n].fn, &o);
        }
    usage();
}
