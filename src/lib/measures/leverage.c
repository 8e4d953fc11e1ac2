/*
 * leverage.c - leverage between countries (INDICATORS.md section 6): for a pair, year
 * by year, the supply channel S, the market channel K and LEV = (S + K) / T both ways,
 * with Hirschman's and Barbieri's measures beside them and the products that carry
 * each channel (lever leverage A --over B); for one country, every partner ranked by
 * the leverage it holds (lever leverage A) or is exposed to (lever exposure B).
 *
 * The formulas live elsewhere, once: d and d' in substitute.c (which reads the
 * --alternatives mode and the --sigma elasticities) and in formulas.c, weights and the
 * product filter in the query, ratios in formulas.c. This file decides which flows
 * feed which sum, and walks the store so that it touches each flow once.
 *
 * Every flow between a subject country c and a partner p feeds two of four sums:
 *   a row c->p of value v feeds S(c over p) with v*d(c,p,k) and K(p over c) with
 *   v*d'(c,p,k); a row p->c feeds S(p over c) with v*d(p,c,k) and K(c over p) with
 *   v*d'(p,c,k).
 * A pass over c visits, partner by partner, the dyad rows c->p and p->c (each one
 * contiguous range sorted by product), so a ranking reads the rows of c once and the X
 * and M entries of each partner once, never one query per partner. Each of the four sums
 * is fed by one dyad, in row order, into a local accumulator, so its bits do not depend
 * on how the partners are scheduled.
 *
 * In the default world mode (no sigma), d and d' need W(k), X(c,k), M(c,k), X(p,k) and
 * M(p,k). The pass copies c's X and M into a dense array indexed by product, and for
 * each partner p's into a second one (a sequential read of p's entries, then one indexed
 * load per flow: no search, no data-dependent branch), zeroed again after the partner;
 * it then applies the same formula functions substitute.c applies
 * (alternative_*_world and non_substitutability), and the tests check the two agree.
 * The other modes call subst_d_supply / subst_d_market per flow.
 *
 * A ranking of a big country runs its partners on a few threads (one per CPU, at most
 * RANK_MAX_THREADS, and only with enough rows to pay for them): they take partners one
 * at a time from an atomic counter, each with its own scratch array, and write only
 * their partners' entries, so the result is the same bits on any number of threads.
 * The scratch arrays are below glibc's mmap threshold, so repeated calls reuse heap
 * pages instead of faulting in fresh ones.
 *
 * Product filters restrict every sum to the selected products, T(c) included, so LEV is
 * a share of the country's trade in those products. Weights multiply the S and K terms
 * only, never T, so with weights LEV may exceed 1.
 */
#include "query.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

/* The four channels between a subject country c and one partner p, plus their trade. */
typedef struct pair_channels {
    double supply_cp; /* S(c over p): c's sales to p, weighted by d(c,p,k) */
    double market_cp; /* K(c over p): p's sales to c, weighted by d'(p,c,k) */
    double supply_pc; /* S(p over c): p's sales to c, weighted by d(p,c,k) */
    double market_pc; /* K(p over c): c's sales to p, weighted by d'(c,p,k) */
    uint64_t trade;   /* T(c,p) over the selected products */
} pair_channels;

/* Growable list of contributions. */
typedef struct contrib_list {
    lever_contribution *items;
    size_t n, cap;
} contrib_list;

/* X(i,k) and M(i,k) of one country i, one entry per product k (world mode only). */
typedef struct product_sums {
    uint64_t x, m;
} product_sums;

/* One pass over the flows of a subject country c in year index y. Read-only once set up,
 * so the ranking threads share it. */
typedef struct subject_pass {
    const lever_store *s;
    const lever_query *q;
    int y, year, c;
    bool world;               /* world alternatives and no sigma: the dense-array path */
    bool filtered;            /* the query selects products */
    const uint64_t *w_k;      /* W(k) of year y */
    product_sums *c_sums;     /* X(c,k), M(c,k) (world only) */
} subject_pass;

static bool valid_country(const lever_store *s, int c)
{
    return c >= 0 && (uint32_t)c < s->n_countries;
}

/* ------------------------------------------------------------------ */
/* Sums the pass needs                                                 */
/* ------------------------------------------------------------------ */

/* T(c) = X(c) + M(c) over the selected products of year index y. */
static uint64_t country_total(const lever_store *s, const lever_query *q, int y, int c)
{
    return query_exports(s, q, y, c) + query_imports(s, q, y, c);
}

/* T(c) for every country c of year index y, selected products only (one pass). */
static void all_country_totals(const lever_store *s, const lever_query *q, int y,
                               uint64_t *totals)
{
    if (!q || !q->products) {
        for (uint32_t c = 0; c < s->n_countries; c++)
            totals[c] = store_x_i(s, y, (int)c) + store_m_j(s, y, (int)c);
        return;
    }
    memset(totals, 0, s->n_countries * sizeof *totals);
    const store_year *yr = &s->years[y];
    if (!store_need(s, SEC_XIK, yr->xik_start, yr->xik_count) ||
        !store_need(s, SEC_MJK, yr->mjk_start, yr->mjk_count))
        return;
    for (uint64_t e = yr->xik_start; e < yr->xik_start + yr->xik_count; e++)
        if (query_has_product(q, s->xik[e].k))
            totals[s->xik[e].i] += s->xik[e].x;
    for (uint64_t e = yr->mjk_start; e < yr->mjk_start + yr->mjk_count; e++)
        if (query_has_product(q, s->mjk[e].k))
            totals[s->mjk[e].j] += s->mjk[e].m;
}

static bool pass_is_world(const lever_query *q)
{
    return !q || (q->alternatives == LEVER_ALT_WORLD && !q->sigma);
}

/* A zeroed array of product_sums, one per product. Kept below glibc's mmap threshold for
 * every real classification (HS has about 5,400 products: 86 KB), so it comes from the
 * heap and a repeated call reuses pages already faulted in. */
static product_sums *sums_new(const lever_store *s)
{
    return calloc((size_t)s->n_products + 1, sizeof(product_sums));
}

/* Copies country i's X(i,k) and M(i,k) of year index y into a zeroed array. */
static void sums_load(const lever_store *s, int y, int i, product_sums *sums)
{
    const store_xik *x, *x_end;
    for (store_exporter_entries(s, y, i, &x, &x_end); x < x_end; x++)
        sums[x->k].x = x->x;
    const store_mjk *m, *m_end;
    for (store_importer_entries(s, y, i, &m, &m_end); m < m_end; m++)
        sums[m->k].m = m->m;
}

/* Zeroes the array again for the next country. A memset of the whole array, which sits in
 * the cache, costs less than walking the country's entries again. */
static void sums_reset(const lever_store *s, product_sums *sums)
{
    memset(sums, 0, s->n_products * sizeof *sums);
}

/* Sets up a pass over c in year index y. In world mode c_sums is a zeroed array from
 * sums_new, which holds c's sums until pass_end. */
static void pass_start(subject_pass *ps, const lever_store *s, const lever_query *q, int y,
                       int c, product_sums *c_sums)
{
    memset(ps, 0, sizeof *ps);
    ps->s = s;
    ps->q = q;
    ps->y = y;
    ps->year = s->years[y].year;
    ps->c = c;
    ps->world = pass_is_world(q);
    ps->filtered = q && q->products;
    if (!ps->world)
        return;
    ps->w_k = s->w_k + (size_t)y * s->n_products;
    /* W(k) of the year, read directly by pass_dyad (on damage, the query fails at its end) */
    (void)store_need(s, SEC_W_K, (size_t)y * s->n_products, s->n_products);
    ps->c_sums = c_sums;
    sums_load(s, y, c, c_sums);
}

/* Leaves c_sums zeroed again. */
static void pass_end(subject_pass *ps)
{
    if (ps->world)
        sums_reset(ps->s, ps->c_sums);
}

/* ------------------------------------------------------------------ */
/* The pass                                                            */
/* ------------------------------------------------------------------ */

static int contrib_push(contrib_list *l, const lever_contribution *c)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        lever_contribution *bigger = realloc(l->items, cap * sizeof *bigger);
        if (!bigger)
            return LEVER_ENOMEM;
        l->items = bigger;
        l->cap = cap;
    }
    l->items[l->n++] = *c;
    return LEVER_OK;
}

/* The flows from -> to, rows [lo, hi) (one dyad, sorted by product): sets *supply_from to
 * the exporter's supply terms and *market_to to the importer's market terms (each sum is
 * fed by this dyad alone), adds the value to *trade, and, with candidates, appends every
 * term to them. d and d' come in world mode from the sums at hand, from_sums and to_sums
 * (W(k) - X(from,k) - X(to,k), W(k) - M(to,k) - M(from,k)); otherwise from substitute.c,
 * which knows the other modes and sigma. */
static int pass_dyad(const subject_pass *ps, const product_sums *from_sums,
                     const product_sums *to_sums, int from, int to, uint64_t lo, uint64_t hi,
                     double *supply_from, double *market_to, uint64_t *trade,
                     contrib_list *candidates)
{
    const lever_store *s = ps->s;
    const lever_query *q = ps->q;
    const uint16_t *fk = s->fk; /* in locals: the calls below could otherwise change them */
    const uint64_t *w_k = ps->w_k;
    const bool world = ps->world, filtered = ps->filtered;
    double supply_sum = 0, market_sum = 0;
    uint64_t traded = 0;
    int rc = LEVER_OK;
    for (uint64_t r = lo; r < hi; r++) {
        int k = fk[r];
        uint64_t v = column_v(s, r); /* the rows of a dyad are verified */
        if (v == 0 || (filtered && !query_has_product(q, k)))
            continue; /* a zero value moves no trade and its d is undefined */
        double d, d_market, w = query_weight(q, k);
        if (world) {
            d = non_substitutability(
                alternative_supply_world(w_k[k], from_sums[k].x, to_sums[k].x), v);
            d_market = non_substitutability(
                alternative_demand_world(w_k[k], to_sums[k].m, from_sums[k].m), v);
        } else {
            d = subst_d_supply(s, q, ps->y, from, to, k, v);
            d_market = subst_d_market(s, q, ps->y, from, to, k, v);
        }
        double supply = (double)v * d * w, market = (double)v * d_market * w;
        supply_sum += supply;
        market_sum += market;
        traded += v;
        if (!candidates || rc)
            continue;
        lever_contribution sc = {ps->year, from, LEVER_CHANNEL_SUPPLY, k, v, d, w, supply, NAN};
        lever_contribution mc = {ps->year, to, LEVER_CHANNEL_MARKET, k, v, d_market, w, market,
                                 NAN};
        rc = contrib_push(candidates, &sc);
        if (!rc)
            rc = contrib_push(candidates, &mc);
    }
    *supply_from = supply_sum;
    *market_to = market_sum;
    *trade += traded;
    return rc;
}

/* The four channels between c and p into *ch; p_sums is a zeroed array from sums_new in
 * world mode, and is zeroed again on return. */
static int pass_partner(const subject_pass *ps, product_sums *p_sums, int p, pair_channels *ch,
                        contrib_list *candidates)
{
    uint64_t lo_cp, hi_cp, lo_pc, hi_pc;
    store_dyad_rows(ps->s, ps->y, ps->c, p, &lo_cp, &hi_cp);
    store_dyad_rows(ps->s, ps->y, p, ps->c, &lo_pc, &hi_pc);
    if (lo_cp == hi_cp && lo_pc == hi_pc)
        return LEVER_OK; /* they did not trade: the channels stay 0 */
    if (ps->world)
        sums_load(ps->s, ps->y, p, p_sums);
    int rc = pass_dyad(ps, ps->c_sums, p_sums, ps->c, p, lo_cp, hi_cp, &ch->supply_cp,
                       &ch->market_pc, &ch->trade, candidates);
    int rc2 = pass_dyad(ps, p_sums, ps->c_sums, p, ps->c, lo_pc, hi_pc, &ch->supply_pc,
                        &ch->market_cp, &ch->trade, candidates);
    if (ps->world)
        sums_reset(ps->s, p_sums);
    return rc ? rc : rc2;
}

/* ------------------------------------------------------------------ */
/* One pair, year by year: lever leverage A --over B                   */
/* ------------------------------------------------------------------ */

/* Order inside a year: holder (0 for A, 1 for B while sorting), channel, then the largest
 * term first. */
static int compare_contributions(const void *pa, const void *pb)
{
    const lever_contribution *a = pa, *b = pb;
    if (a->holder != b->holder)
        return a->holder < b->holder ? -1 : 1;
    if (a->channel != b->channel)
        return a->channel < b->channel ? -1 : 1;
    if (a->term != b->term)
        return a->term > b->term ? -1 : 1;
    return (a->product > b->product) - (a->product < b->product);
}

/* Keeps the `top` largest candidates of each holder and channel (all when top is larger),
 * A's before B's. */
static int keep_top(contrib_list *candidates, int top, int a, int b, contrib_list *kept)
{
    if (candidates->n == 0)
        return LEVER_OK;
    for (size_t n = 0; n < candidates->n; n++)
        candidates->items[n].holder = candidates->items[n].holder == a ? 0 : 1;
    sort_items(candidates->items, candidates->n, sizeof *candidates->items, compare_contributions);
    int run = 0;
    for (size_t n = 0; n < candidates->n; n++) {
        lever_contribution c = candidates->items[n];
        bool same_group = n > 0 && c.holder == candidates->items[n - 1].holder &&
                          c.channel == candidates->items[n - 1].channel;
        run = same_group ? run + 1 : 0;
        if (run >= top)
            continue;
        c.holder = c.holder == 0 ? a : b;
        int rc = contrib_push(kept, &c);
        if (rc)
            return rc;
    }
    candidates->n = 0;
    return LEVER_OK;
}

static void fill_year(lever_leverage_year *out, int year, const pair_channels *ch,
                      uint64_t total_a, uint64_t total_b)
{
    out->year = year;
    out->trade = ch->trade;
    out->total_a = total_a;
    out->total_b = total_b;
    out->supply_ab = ch->supply_cp;
    out->market_ab = ch->market_cp;
    out->lev_ab = leverage_ratio(ch->supply_cp, ch->market_cp, total_b);
    out->supply_ba = ch->supply_pc;
    out->market_ba = ch->market_pc;
    out->lev_ba = leverage_ratio(ch->supply_pc, ch->market_pc, total_a);
    out->net = net_leverage(out->lev_ab, out->lev_ba);
    out->asymmetry = asymmetry_ratio(out->lev_ab, out->lev_ba);
    out->d_b_on_a = hirschman_dependence(ch->trade, total_b);
    out->d_a_on_b = hirschman_dependence(ch->trade, total_a);
    out->salience = barbieri_salience(out->d_a_on_b, out->d_b_on_a);
    out->symmetry = barbieri_symmetry(out->d_a_on_b, out->d_b_on_a);
}

/* One year of the pair: its figures and, when top > 0, its top contributions. a_sums and
 * b_sums are zeroed arrays from sums_new (world mode), zeroed again on return. */
static int pair_year(const lever_store *s, const lever_query *q, int y, int a, int b, int top,
                     product_sums *a_sums, product_sums *b_sums, contrib_list *candidates,
                     contrib_list *kept, lever_leverage_year *out)
{
    subject_pass ps;
    pass_start(&ps, s, q, y, a, a_sums);
    pair_channels ch = {0};
    int rc = pass_partner(&ps, b_sums, b, &ch, top > 0 ? candidates : NULL);
    pass_end(&ps);
    if (rc)
        return rc;
    fill_year(out, ps.year, &ch, country_total(s, q, y, a), country_total(s, q, y, b));
    return top > 0 ? keep_top(candidates, top, a, b, kept) : LEVER_OK;
}

void lever_leverage_free(lever_leverage_result *r)
{
    if (!r)
        return;
    free(r->years);
    free(r->contributions);
    free(r);
}

/* The total (S or K, of A or of B) of the channel a contribution belongs to. */
static double channel_total(const lever_leverage_result *r, const lever_contribution *c)
{
    for (int n = 0; n < r->n_years; n++) {
        const lever_leverage_year *y = &r->years[n];
        if (y->year != c->year)
            continue;
        bool a_holds = c->holder == r->a;
        if (c->channel == LEVER_CHANNEL_SUPPLY)
            return a_holds ? y->supply_ab : y->supply_ba;
        return a_holds ? y->market_ab : y->market_ba;
    }
    return NAN;
}

int lever_leverage(const lever_store *s, int a, int b, const lever_query *q, int top,
                   lever_leverage_result **out, lever_error *err)
{
    *out = NULL;
    if (!valid_country(s, a) || !valid_country(s, b))
        return error_set(err, LEVER_EUSAGE, "leverage: country index out of range");
    if (a == b)
        return error_set(err, LEVER_EUSAGE,
                          "leverage of a country over itself is not defined; name two "
                          "different countries");
    int y0, y1;
    int rc = query_years(s, q, &y0, &y1, err);
    if (rc)
        return rc;
    lever_leverage_result *r = calloc(1, sizeof *r);
    product_sums *a_sums = NULL, *b_sums = NULL;
    if (pass_is_world(q)) {
        a_sums = sums_new(s);
        b_sums = sums_new(s);
    }
    if (!r || !(r->years = calloc((size_t)(y1 - y0 + 1), sizeof *r->years)) ||
        (pass_is_world(q) && (!a_sums || !b_sums))) {
        free(a_sums);
        free(b_sums);
        lever_leverage_free(r);
        return error_set(err, LEVER_ENOMEM, "out of memory computing leverage");
    }
    r->a = a;
    r->b = b;
    contrib_list candidates = {0}, kept = {0};
    for (int y = y0; y <= y1 && rc == LEVER_OK; y++)
        rc = pair_year(s, q, y, a, b, top, a_sums, b_sums, &candidates, &kept,
                       &r->years[r->n_years++]);
    free(candidates.items);
    free(a_sums);
    free(b_sums);
    if (rc) {
        free(kept.items);
        lever_leverage_free(r);
        return error_set(err, rc, "out of memory computing leverage");
    }
    r->contributions = kept.items;
    r->n_contributions = kept.n;
    for (size_t n = 0; n < kept.n; n++) {
        lever_contribution *c = &kept.items[n];
        c->share = channel_share(c->term, channel_total(r, c));
    }
    if (store_damaged(s)) {
        lever_leverage_free(r);
        return store_damage_fail(s, err);
    }
    *out = r;
    return LEVER_OK;
}

/* ------------------------------------------------------------------ */
/* Every partner of one country: lever leverage A, lever exposure B    */
/* ------------------------------------------------------------------ */

enum {
    RANK_MAX_THREADS = 8,
    /* rows of the subject (exports plus imports) that pay for one more thread: a thread
     * costs tens of microseconds to start, a row some nanoseconds in world mode and
     * microseconds in the other modes */
    RANK_ROWS_PER_THREAD_WORLD = 16384,
    RANK_ROWS_PER_THREAD_OTHER = 256,
};

/* The partners of one ranking, shared by its threads. */
typedef struct rank_job {
    const subject_pass *ps;
    pair_channels *acc;  /* per partner; each written by the thread that took it */
    atomic_uint next;    /* the next partner to take */
} rank_job;

typedef struct rank_worker {
    rank_job *job;
    product_sums *p_sums; /* this thread's scratch (world mode) */
    pthread_t thread;
    bool started;
} rank_worker;

/* Takes partners until none is left. */
static void rank_take(rank_job *job, product_sums *p_sums)
{
    const subject_pass *ps = job->ps;
    for (;;) {
        unsigned p = atomic_fetch_add_explicit(&job->next, 1, memory_order_relaxed);
        if (p >= ps->s->n_countries)
            return;
        if ((int)p != ps->c)
            pass_partner(ps, p_sums, (int)p, &job->acc[p], NULL);
    }
}

static void *rank_thread(void *arg)
{
    rank_worker *w = arg;
    rank_take(w->job, w->p_sums);
    return NULL;
}

/* How many threads the ranking of ps is worth: one per CPU, at most one per
 * RANK_ROWS_PER_THREAD_* rows of the subject, at most RANK_MAX_THREADS. */
static int rank_thread_count(const subject_pass *ps)
{
    const lever_store *s = ps->s;
    uint64_t lo, hi;
    store_exporter_rows(s, ps->y, ps->c, 0, &lo, &hi);
    const uint64_t *imp = s->imp_off + (size_t)ps->y * (s->n_countries + 1u);
    uint64_t rows = (hi - lo) + (imp[ps->c + 1] - imp[ps->c]);
    uint64_t per = ps->world ? RANK_ROWS_PER_THREAD_WORLD : RANK_ROWS_PER_THREAD_OTHER;
    uint64_t n = rows / per;
    if (n < 2)
        return 1;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    if (cpus < 1)
        cpus = 1;
    if (n > (uint64_t)cpus)
        n = (uint64_t)cpus;
    return n > RANK_MAX_THREADS ? RANK_MAX_THREADS : (int)n;
}

/* The channels between c and every partner into acc, on up to rank_thread_count threads.
 * main_sums is the calling thread's scratch (world mode); the others get their own, and
 * a thread that cannot be had (memory, pthread_create) leaves its partners to the rest.
 */
static void rank_all_partners(const subject_pass *ps, product_sums *main_sums, pair_channels *acc)
{
    rank_job job = {.ps = ps, .acc = acc};
    atomic_init(&job.next, 0);
    rank_worker workers[RANK_MAX_THREADS - 1];
    int n_workers = rank_thread_count(ps) - 1;
    for (int n = 0; n < n_workers; n++) {
        rank_worker *w = &workers[n];
        w->job = &job;
        w->p_sums = ps->world ? sums_new(ps->s) : NULL;
        w->started = (!ps->world || w->p_sums) &&
                     pthread_create(&w->thread, NULL, rank_thread, w) == 0;
    }
    rank_take(&job, main_sums);
    for (int n = 0; n < n_workers; n++) {
        if (workers[n].started)
            pthread_join(workers[n].thread, NULL);
        free(workers[n].p_sums);
    }
}

/* Largest lev first; then the larger trade, then the country index, so output is stable. */
static int compare_rank_rows(const void *pa, const void *pb)
{
    const lever_rank_row *a = pa, *b = pb;
    bool na = isnan(a->lev), nb = isnan(b->lev);
    if (na != nb)
        return na ? 1 : -1;
    if (!na && a->lev != b->lev)
        return a->lev > b->lev ? -1 : 1;
    if (a->trade != b->trade)
        return a->trade > b->trade ? -1 : 1;
    return (a->partner > b->partner) - (a->partner < b->partner);
}

/* The rows of the ranking of c. holder_is_c: lev = LEV(c over p) (leverage), else
 * lev = LEV(p over c) (exposure). */
static void fill_ranking(lever_ranking *r, const lever_store *s, int c,
                         const pair_channels *acc, const uint64_t *totals, bool holder_is_c)
{
    for (uint32_t p = 0; p < s->n_countries; p++) {
        if (acc[p].trade == 0 || (int)p == c)
            continue;
        double lev_c_over_p = leverage_ratio(acc[p].supply_cp, acc[p].market_cp, totals[p]);
        double lev_p_over_c = leverage_ratio(acc[p].supply_pc, acc[p].market_pc, totals[c]);
        lever_rank_row *row = &r->rows[r->n++];
        row->partner = (int)p;
        row->trade = acc[p].trade;
        row->lev = holder_is_c ? lev_c_over_p : lev_p_over_c;
        row->reverse = holder_is_c ? lev_p_over_c : lev_c_over_p;
        row->net = net_leverage(row->lev, row->reverse);
    }
    sort_items(r->rows, r->n, sizeof *r->rows, compare_rank_rows);
}

static int rank_partners(const lever_store *s, int c, const lever_query *q, bool holder_is_c,
                         lever_ranking **out, lever_error *err)
{
    *out = NULL;
    if (!valid_country(s, c))
        return error_set(err, LEVER_EUSAGE, "country index out of range");
    int y;
    int rc = query_one_year(s, q, &y, err);
    if (rc)
        return rc;
    size_t nc = s->n_countries;
    bool world = pass_is_world(q);
    pair_channels *acc = calloc(nc, sizeof *acc);
    uint64_t *totals = malloc(nc * sizeof *totals + 1);
    product_sums *c_sums = world ? sums_new(s) : NULL, *p_sums = world ? sums_new(s) : NULL;
    lever_ranking *r = calloc(1, sizeof *r);
    if (!acc || !totals || !r || !(r->rows = malloc(nc * sizeof *r->rows + 1)) ||
        (world && (!c_sums || !p_sums))) {
        free(acc);
        free(totals);
        free(c_sums);
        free(p_sums);
        lever_ranking_free(r);
        return error_set(err, LEVER_ENOMEM, "out of memory ranking partners");
    }
    subject_pass ps;
    pass_start(&ps, s, q, y, c, c_sums);
    rank_all_partners(&ps, p_sums, acc);
    pass_end(&ps);
    free(c_sums);
    free(p_sums);
    all_country_totals(s, q, y, totals);
    r->country = c;
    r->year = ps.year;
    fill_ranking(r, s, c, acc, totals, holder_is_c);
    free(acc);
    free(totals);
    if (store_damaged(s)) {
        lever_ranking_free(r);
        return store_damage_fail(s, err);
    }
    *out = r;
    return LEVER_OK;
}

int lever_leverage_rank(const lever_store *s, int a, const lever_query *q, lever_ranking **out,
                        lever_error *err)
{
    return rank_partners(s, a, q, true, out, err);
}

int lever_exposure(const lever_store *s, int b, const lever_query *q, lever_ranking **out,
                   lever_error *err)
{
    return rank_partners(s, b, q, false, out, err);
}

void lever_ranking_free(lever_ranking *r)
{
    if (!r)
        return;
    free(r->rows);
    free(r);
}
