/*
 * test_leverage.c - leverage, rankings and exposure (leverage.c) against brute force.
 *
 * A random world (9 countries, 10 products, 3 years) is imported from an in-memory
 * BACI-layout CSV; the test keeps the raw flows in a dense array and recomputes
 * every sum of INDICATORS.md sections 2, 5 and 6 from them by plain loops (M, X, W,
 * the alternatives, d, d', S, K, T, LEV, D, salience, symmetry), for every ordered
 * pair and year, with and without a product filter, weights, and the "current"
 * alternatives; leverage.c's own walk of the world-mode sums gives the same bits as
 * substitute.c. Then the properties: with sigma = 1 everywhere (d = d' = 1) LEV equals
 * Hirschman's D(B on A); 0 <= LEV <= 1 without weights; the contributions of each
 * holder and channel sum to S and K; the rankings agree with the pair figures. A
 * second, bigger world gives one country enough rows to be ranked on several threads:
 * the ranking must give the same bits as each pair alone. And the edge cases: a pair
 * that never traded, a year not in the store, A = B.
 */
#include "helpers.h"

#include "query.h"

#include <stdlib.h>
#include <unistd.h>

/* The error of the last library call (the tests run on one thread). */
static lever_error E;

#define NC 9
#define NP 10
#define NY 3
#define YEAR0 2019

static const int country_codes[NC] = {4, 12, 156, 251, 276, 398, 643, 842, 860};
static const int product_codes[NP] = {100190, 100200, 110100, 151190, 170199,
                                      270900, 271121, 300490, 310210, 930100};
enum { AFG = 0, KAZ = 5, USA = 7, UZB = 8 }; /* pool indices with a special role */

/* The world: v[t][i][j][k] in USD (0 = no flow), pool indices. */
static uint64_t flows[NY][NC][NC][NP];
static char tmpdir[256], store_path[512];
static lever_store *store;
static int country_index[NC], product_index[NP]; /* pool index -> store index */

static uint64_t rng_state = 42;
static uint64_t rnd(void)
{
    return test_random(&rng_state);
}

/* Which flows exist: AFG trades only with KAZ; USA and UZB never trade together. */
static bool flow_allowed(int i, int j)
{
    if (i == j)
        return false;
    if ((i == AFG || j == AFG) && i != KAZ && j != KAZ)
        return false;
    return !((i == USA && j == UZB) || (i == UZB && j == USA));
}

static void make_world(char **csv, size_t *len)
{
    size_t cap = 1 << 20, used = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    used += (size_t)snprintf(text, cap, "t,i,j,k,v,q\n");
    for (int t = 0; t < NY; t++)
        for (int i = 0; i < NC; i++)
            for (int j = 0; j < NC; j++)
                for (int k = 0; k < NP; k++) {
                    if (!flow_allowed(i, j) || rnd() % 100 >= 45)
                        continue;
                    /* thousands of USD with 3 decimals: an exact integer of USD; some
                     * flows huge, most small, so d spans the whole of (0, 1] */
                    uint64_t v = 1 + rnd() % (rnd() % 4 == 0 ? 5000000000ull : 900000ull);
                    flows[t][i][j][k] = v;
                    used += (size_t)snprintf(text + used, cap - used,
                                             "%d,%d,%d,%d,%llu.%03llu,%llu.000\n", YEAR0 + t,
                                             country_codes[i], country_codes[j],
                                             product_codes[k], (unsigned long long)(v / 1000),
                                             (unsigned long long)(v % 1000),
                                             (unsigned long long)(1 + rnd() % 1000));
                    assert_true(used < cap - 200);
                }
    *csv = text;
    *len = used;
}

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "%s/lever-test-leverage-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(tmpdir))
        return -1;
    snprintf(store_path, sizeof store_path, "%s/world.store", tmpdir);
    char *csv;
    size_t len;
    make_world(&csv, &len);
    lever_import *imp = NULL;
    if (lever_import_new(&imp, &E) || lever_import_add_buffer(imp, "world.csv", csv, len, &E) ||
        lever_import_commit(imp, store_path, &E))
        return -1;
    lever_import_free(imp);
    free(csv);
    if (lever_open(store_path, &store, &E))
        return -1;
    for (int c = 0; c < NC; c++)
        for (uint32_t n = 0; n < store->n_countries; n++)
            if (store->countries[n].code == country_codes[c])
                country_index[c] = (int)n;
    for (int k = 0; k < NP; k++)
        for (uint32_t n = 0; n < store->n_products; n++)
            if ((int)store->products[n].hs6 == product_codes[k])
                product_index[k] = (int)n;
    return store->n_years == NY && store->n_countries == NC && store->n_products == NP ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    lever_close(store);
    unlink(store_path);
    rmdir(tmpdir);
    return 0;
}

/* ------------------------------------------------------------------ */
/* Brute force, straight from INDICATORS.md                            */
/* ------------------------------------------------------------------ */

typedef struct ref_options {
    bool current;          /* --alternatives current, else world */
    const bool *selected;  /* per pool product, NULL = all */
    const double *weights; /* per pool product, NULL = 1 */
    bool sigma_one;        /* d = d' = 1/1 */
} ref_options;

static bool ref_selected(const ref_options *o, int k)
{
    return !o->selected || o->selected[k];
}

static double ref_weight(const ref_options *o, int k)
{
    return o->weights ? o->weights[k] : 1.0;
}

static uint64_t ref_m(int t, int j, int k) /* M(j,k) */
{
    uint64_t m = 0;
    for (int i = 0; i < NC; i++)
        m += flows[t][i][j][k];
    return m;
}

static uint64_t ref_x(int t, int i, int k) /* X(i,k) */
{
    uint64_t x = 0;
    for (int j = 0; j < NC; j++)
        x += flows[t][i][j][k];
    return x;
}

static uint64_t ref_w(int t, int k) /* W(k) */
{
    uint64_t w = 0;
    for (int i = 0; i < NC; i++)
        w += ref_x(t, i, k);
    return w;
}

static uint64_t clamp_sub(uint64_t a, uint64_t b)
{
    return a > b ? a - b : 0;
}

/* d(i,j,k) = 1 / (1 + A/v), A the supply alternatives to i already sell. */
static double ref_d(const ref_options *o, int t, int i, int j, int k)
{
    if (o->sigma_one)
        return 1.0;
    uint64_t v = flows[t][i][j][k], alt = 0;
    if (o->current) {
        for (int m = 0; m < NC; m++)
            if (m != i && flows[t][m][j][k] > 0)
                alt += ref_x(t, m, k);
    } else {
        alt = clamp_sub(ref_w(t, k), ref_x(t, i, k) + ref_x(t, j, k));
    }
    return 1.0 / (1.0 + (double)alt / (double)v);
}

/* d'(i,j,k) = 1 / (1 + A'/v), A' the demand of i's other buyers. */
static double ref_d_market(const ref_options *o, int t, int i, int j, int k)
{
    if (o->sigma_one)
        return 1.0;
    uint64_t v = flows[t][i][j][k], alt = 0;
    if (o->current) {
        for (int m = 0; m < NC; m++)
            if (m != j && flows[t][i][m][k] > 0)
                alt += ref_m(t, m, k);
    } else {
        alt = clamp_sub(ref_w(t, k), ref_m(t, j, k) + ref_m(t, i, k));
    }
    return 1.0 / (1.0 + (double)alt / (double)v);
}

/* S(a over b) = sum_k v(a->b,k) d(a,b,k) w_k */
static double ref_supply(const ref_options *o, int t, int a, int b)
{
    double sum = 0;
    for (int k = 0; k < NP; k++)
        if (ref_selected(o, k) && flows[t][a][b][k])
            sum += (double)flows[t][a][b][k] * ref_d(o, t, a, b, k) * ref_weight(o, k);
    return sum;
}

/* K(a over b) = sum_k v(b->a,k) d'(b,a,k) w_k */
static double ref_market(const ref_options *o, int t, int a, int b)
{
    double sum = 0;
    for (int k = 0; k < NP; k++)
        if (ref_selected(o, k) && flows[t][b][a][k])
            sum += (double)flows[t][b][a][k] * ref_d_market(o, t, b, a, k) * ref_weight(o, k);
    return sum;
}

/* T(c) = X(c) + M(c) over the selected products. */
static uint64_t ref_total(const ref_options *o, int t, int c)
{
    uint64_t sum = 0;
    for (int k = 0; k < NP; k++)
        if (ref_selected(o, k))
            sum += ref_x(t, c, k) + ref_m(t, c, k);
    return sum;
}

static uint64_t ref_trade(const ref_options *o, int t, int a, int b)
{
    uint64_t sum = 0;
    for (int k = 0; k < NP; k++)
        if (ref_selected(o, k))
            sum += flows[t][a][b][k] + flows[t][b][a][k];
    return sum;
}

static double ref_lev(const ref_options *o, int t, int a, int b)
{
    uint64_t tb = ref_total(o, t, b);
    return tb ? (ref_supply(o, t, a, b) + ref_market(o, t, a, b)) / (double)tb : NAN;
}

/* ------------------------------------------------------------------ */
/* Comparisons                                                         */
/* ------------------------------------------------------------------ */

static void assert_close(double got, double want, const char *what, int a, int b, int year)
{
    if (isnan(want) && isnan(got))
        return;
    if (isinf(want) && got == want)
        return;
    double tol = 1e-12 * fmax(1.0, fabs(want));
    if (!(fabs(got - want) <= tol))
        fail_msg("%s for %d, %d in %d: got %.17g, want %.17g", what, country_codes[a],
                 country_codes[b], year, got, want);
}

/* A query for the options, with the store-indexed arrays it needs (static storage). */
static lever_query make_query(const ref_options *o, lever_selection **sel)
{
    static double weights[NP], sigma[NP];
    lever_query q = {0};
    q.alternatives = o->current ? LEVER_ALT_CURRENT : LEVER_ALT_WORLD;
    *sel = NULL;
    if (o->selected) {
        /* HS 10 and 27 are the selected products of every test using a filter */
        assert_int_equal(lever_selection_parse(store, "10,27", sel, &E), LEVER_OK);
        for (int k = 0; k < NP; k++)
            assert_int_equal(lever_selection_has(*sel, product_index[k]), o->selected[k]);
        q.products = *sel;
    }
    if (o->weights) {
        for (int k = 0; k < NP; k++)
            weights[product_index[k]] = o->weights[k];
        q.weights = weights;
    }
    if (o->sigma_one) {
        for (int k = 0; k < NP; k++)
            sigma[k] = 1.0;
        q.sigma = sigma;
    }
    return q;
}

/* Two rankings' rows agree to the bit. */
static void assert_same_rank_row(const lever_rank_row *x, const lever_rank_row *y)
{
    assert_int_equal(x->partner, y->partner);
    assert_int_equal(x->trade, y->trade);
    assert_memory_equal(&x->lev, &y->lev, sizeof x->lev);
    assert_memory_equal(&x->reverse, &y->reverse, sizeof x->reverse);
}

static void check_pairs(const ref_options *o)
{
    lever_selection *sel;
    lever_query q = make_query(o, &sel);
    for (int a = 0; a < NC; a++)
        for (int b = 0; b < NC; b++) {
            if (a == b)
                continue;
            lever_leverage_result *r = NULL;
            assert_int_equal(
                lever_leverage(store, country_index[a], country_index[b], &q, 0, &r, &E), LEVER_OK);
            assert_int_equal(r->n_years, NY);
            assert_int_equal(r->n_contributions, 0);
            for (int t = 0; t < NY; t++) {
                const lever_leverage_year *y = &r->years[t];
                int year = YEAR0 + t;
                assert_int_equal(y->year, year);
                assert_int_equal(y->trade, ref_trade(o, t, a, b));
                assert_int_equal(y->total_a, ref_total(o, t, a));
                assert_int_equal(y->total_b, ref_total(o, t, b));
                assert_close(y->supply_ab, ref_supply(o, t, a, b), "S(A over B)", a, b, year);
                assert_close(y->market_ab, ref_market(o, t, a, b), "K(A over B)", a, b, year);
                assert_close(y->supply_ba, ref_supply(o, t, b, a), "S(B over A)", a, b, year);
                assert_close(y->market_ba, ref_market(o, t, b, a), "K(B over A)", a, b, year);
                double lab = ref_lev(o, t, a, b), lba = ref_lev(o, t, b, a);
                assert_close(y->lev_ab, lab, "LEV(A over B)", a, b, year);
                assert_close(y->lev_ba, lba, "LEV(B over A)", a, b, year);
                assert_close(y->net, lab - lba, "net", a, b, year);
                assert_close(y->asymmetry,
                             lba == 0 ? (lab == 0 ? NAN : INFINITY) : lab / lba, "asymmetry",
                             a, b, year);
                double trade = (double)ref_trade(o, t, a, b);
                double dba = trade / (double)ref_total(o, t, b);
                double dab = trade / (double)ref_total(o, t, a);
                assert_close(y->d_b_on_a, dba, "D(B on A)", a, b, year);
                assert_close(y->d_a_on_b, dab, "D(A on B)", a, b, year);
                assert_close(y->salience, sqrt(dab * dba), "salience", a, b, year);
                assert_close(y->symmetry, 1 - fabs(dab - dba), "symmetry", a, b, year);
            }
            lever_leverage_free(r);
        }
    lever_selection_free(sel);
}

/* HS 10 and 27 (see make_query) */
static const bool cereals_and_fuels[NP] = {1, 1, 0, 0, 0, 1, 1, 0, 0, 0};
static const double some_weights[NP] = {2, 2, 2, 1, 1, 1.5, 1.5, 0.5, 0, 1};

static void pairs_match_brute_force(void **state)
{
    (void)state;
    check_pairs(&(ref_options){0});
}

static void pairs_with_current_alternatives(void **state)
{
    (void)state;
    check_pairs(&(ref_options){.current = true});
}

static void pairs_with_filter_and_weights(void **state)
{
    (void)state;
    check_pairs(&(ref_options){.selected = cereals_and_fuels});
    check_pairs(&(ref_options){.weights = some_weights});
    check_pairs(&(ref_options){.selected = cereals_and_fuels, .weights = some_weights,
                               .current = true});
}

/* ------------------------------------------------------------------ */
/* Properties                                                          */
/* ------------------------------------------------------------------ */

static void sigma_one_gives_hirschman(void **state)
{
    (void)state;
    check_pairs(&(ref_options){.sigma_one = true});
    ref_options o = {.sigma_one = true};
    lever_selection *sel;
    lever_query q = make_query(&o, &sel);
    for (int a = 0; a < NC; a++)
        for (int b = 0; b < NC; b++) {
            if (a == b)
                continue;
            lever_leverage_result *r = NULL;
            assert_int_equal(
                lever_leverage(store, country_index[a], country_index[b], &q, 0, &r, &E), LEVER_OK);
            for (int t = 0; t < NY; t++) {
                /* D(B on A) = T(A,B) / T(B), from the raw flows */
                uint64_t tab = 0, tb = 0;
                for (int k = 0; k < NP; k++) {
                    tab += flows[t][a][b][k] + flows[t][b][a][k];
                    for (int m = 0; m < NC; m++)
                        tb += flows[t][b][m][k] + flows[t][m][b][k];
                }
                assert_close(r->years[t].lev_ab, (double)tab / (double)tb, "LEV = D(B on A)",
                             a, b, YEAR0 + t);
            }
            lever_leverage_free(r);
        }
}

static void lev_between_zero_and_one(void **state)
{
    (void)state;
    const ref_options opts[] = {{0}, {.current = true}, {.selected = cereals_and_fuels}};
    for (size_t n = 0; n < sizeof opts / sizeof opts[0]; n++) {
        lever_selection *sel;
        lever_query q = make_query(&opts[n], &sel);
        for (int a = 0; a < NC; a++)
            for (int b = 0; b < NC; b++) {
                if (a == b)
                    continue;
                lever_leverage_result *r = NULL;
                assert_int_equal(
                    lever_leverage(store, country_index[a], country_index[b], &q, 0, &r, &E),
                    LEVER_OK);
                for (int t = 0; t < NY; t++) {
                    double l = r->years[t].lev_ab;
                    if (!isnan(l) && !(l >= 0 && l <= 1))
                        fail_msg("LEV %g out of [0, 1]", l);
                }
                lever_leverage_free(r);
            }
        lever_selection_free(sel);
    }
}

/* In world mode without sigma leverage.c computes d and d' from sums it walks itself; a
 * sigma array of NaN (no elasticity for any product) sends every flow through
 * substitute.c instead. Both must give the same bits. */
static void world_path_equals_substitute(void **state)
{
    (void)state;
    static double no_sigma[NP];
    for (int k = 0; k < NP; k++)
        no_sigma[k] = NAN;
    lever_query fast = {0}, slow = {.sigma = no_sigma};
    for (int a = 0; a < NC; a++) {
        for (int b = 0; b < NC; b++) {
            if (a == b)
                continue;
            lever_leverage_result *r1 = NULL, *r2 = NULL;
            assert_int_equal(lever_leverage(store, a, b, &fast, 1000, &r1, &E), LEVER_OK);
            assert_int_equal(lever_leverage(store, a, b, &slow, 1000, &r2, &E), LEVER_OK);
            assert_int_equal(r1->n_contributions, r2->n_contributions);
            assert_memory_equal(r1->years, r2->years, NY * sizeof *r1->years);
            assert_memory_equal(r1->contributions, r2->contributions,
                                r1->n_contributions * sizeof *r1->contributions);
            lever_leverage_free(r1);
            lever_leverage_free(r2);
        }
        lever_ranking *r1 = NULL, *r2 = NULL;
        assert_int_equal(lever_exposure(store, a, &fast, &r1, &E), LEVER_OK);
        assert_int_equal(lever_exposure(store, a, &slow, &r2, &E), LEVER_OK);
        assert_int_equal(r1->n, r2->n);
        for (size_t n = 0; n < r1->n; n++)
            assert_same_rank_row(&r1->rows[n], &r2->rows[n]);
        lever_ranking_free(r1);
        lever_ranking_free(r2);
    }
}

/* Sums of the contributions of one year, holder and channel. */
static void check_contributions(const lever_leverage_result *r, int top)
{
    for (int n = 0; n < r->n_years; n++) {
        const lever_leverage_year *y = &r->years[n];
        double sums[2][2] = {{0, 0}, {0, 0}}, shares[2][2] = {{0, 0}, {0, 0}};
        int counts[2][2] = {{0, 0}, {0, 0}};
        double last[2][2] = {{INFINITY, INFINITY}, {INFINITY, INFINITY}};
        for (size_t c = 0; c < r->n_contributions; c++) {
            const lever_contribution *e = &r->contributions[c];
            if (e->year != y->year)
                continue;
            int h = e->holder == r->a ? 0 : 1;
            assert_true(e->holder == r->a || e->holder == r->b);
            assert_close(e->term, (double)e->value * e->d * e->weight, "term", 0, 0, e->year);
            double channel = h == 0 ? (e->channel == LEVER_CHANNEL_SUPPLY ? y->supply_ab
                                                                         : y->market_ab)
                                    : (e->channel == LEVER_CHANNEL_SUPPLY ? y->supply_ba
                                                                         : y->market_ba);
            if (channel > 0)
                assert_close(e->share, e->term / channel, "channel share", 0, 0, e->year);
            else
                assert_true(isnan(e->share));
            shares[h][e->channel] += e->share;
            assert_true(e->term <= last[h][e->channel]); /* largest first */
            last[h][e->channel] = e->term;
            sums[h][e->channel] += e->term;
            counts[h][e->channel]++;
        }
        for (int h = 0; h < 2; h++)
            for (int ch = 0; ch < 2; ch++)
                assert_true(counts[h][ch] <= top);
        if (top < 1000)
            continue;
        assert_close(sums[0][LEVER_CHANNEL_SUPPLY], y->supply_ab, "sum of S(A over B)", 0, 0,
                     y->year);
        assert_close(sums[0][LEVER_CHANNEL_MARKET], y->market_ab, "sum of K(A over B)", 0, 0,
                     y->year);
        assert_close(sums[1][LEVER_CHANNEL_SUPPLY], y->supply_ba, "sum of S(B over A)", 0, 0,
                     y->year);
        assert_close(sums[1][LEVER_CHANNEL_MARKET], y->market_ba, "sum of K(B over A)", 0, 0,
                     y->year);
        /* every product listed: a channel's shares sum to 1, against the sum of its terms */
        for (int h = 0; h < 2; h++)
            for (int ch = 0; ch < 2; ch++)
                if (sums[h][ch] > 0)
                    assert_close(shares[h][ch], 1.0, "sum of channel shares", h, ch, y->year);
    }
}

/* lever_suppliers against the world's flows: every exporter with a flow, its value, largest
 * first, and the supplier share from the sum of the flows. */
static void suppliers_match_the_flows(void **state)
{
    (void)state;
    for (int t = 0; t < NY; t++)
        for (int j = 0; j < NC; j++)
            for (int k = 0; k < NP; k++) {
                lever_query q = {.year_from = YEAR0 + t, .year_to = YEAR0 + t};
                lever_suppliers_result *r = NULL;
                assert_int_equal(lever_suppliers(store, country_index[j], product_index[k], &q,
                                                 &r, &E),
                                 LEVER_OK);
                uint64_t m = 0;
                size_t n = 0;
                for (int i = 0; i < NC; i++) {
                    m += flows[t][i][j][k];
                    n += flows[t][i][j][k] > 0;
                }
                assert_int_equal(r->n, n);
                assert_int_equal(r->year, YEAR0 + t);
                uint64_t sum = 0;
                for (size_t f = 0; f < r->n; f++) {
                    const lever_product_flow *x = &r->flows[f];
                    int i = 0;
                    while (i < NC && country_index[i] != x->exporter)
                        i++;
                    assert_true(i < NC);
                    assert_true(x->importer == country_index[j] && x->product == product_index[k]);
                    assert_true(x->value == flows[t][i][j][k]);
                    assert_close(x->supplier_share, (double)x->value / (double)m, "s", i, j,
                                 YEAR0 + t);
                    assert_true(f == 0 || r->flows[f - 1].value >= x->value);
                    sum += x->value;
                }
                assert_true(sum == m);
                lever_suppliers_free(r);
            }
    lever_suppliers_result *r = NULL;
    lever_query range = {.year_from = YEAR0, .year_to = YEAR0 + 1};
    assert_int_equal(lever_suppliers(store, 0, 0, &range, &r, &E), LEVER_EUSAGE);
    assert_int_equal(lever_suppliers(store, 0, NP, NULL, &r, &E), LEVER_EUSAGE);
    assert_null(r);
}

static void contributions_sum_to_channels(void **state)
{
    (void)state;
    lever_query q = {.weights = NULL};
    static double weights[NP];
    for (int k = 0; k < NP; k++)
        weights[product_index[k]] = some_weights[k];
    for (int pass = 0; pass < 2; pass++) {
        q.weights = pass ? weights : NULL;
        for (int a = 0; a < NC; a++)
            for (int b = 0; b < NC; b++) {
                if (a == b)
                    continue;
                lever_leverage_result *r = NULL;
                assert_int_equal(lever_leverage(store, country_index[a], country_index[b], &q,
                                                1 << 20, &r, &E),
                                 LEVER_OK);
                check_contributions(r, 1 << 20);
                lever_leverage_free(r);
                assert_int_equal(
                    lever_leverage(store, country_index[a], country_index[b], &q, 2, &r, &E),
                    LEVER_OK);
                check_contributions(r, 2);
                lever_leverage_free(r);
            }
    }
}

/* The ranking of c against the brute-force pair figures; exposure swaps the roles. */
static void check_ranking(const ref_options *o, int c, int t, bool exposure)
{
    lever_selection *sel;
    lever_query q = make_query(o, &sel);
    q.year_from = q.year_to = YEAR0 + t;
    lever_ranking *r = NULL;
    int rc = exposure ? lever_exposure(store, country_index[c], &q, &r, &E)
                      : lever_leverage_rank(store, country_index[c], &q, &r, &E);
    assert_int_equal(rc, LEVER_OK);
    assert_int_equal(r->country, country_index[c]);
    assert_int_equal(r->year, YEAR0 + t);
    size_t partners = 0;
    for (int p = 0; p < NC; p++)
        partners += p != c && ref_trade(o, t, c, p) > 0;
    assert_int_equal(r->n, partners);
    for (size_t n = 0; n < r->n; n++) {
        const lever_rank_row *row = &r->rows[n];
        int p = -1;
        for (int m = 0; m < NC; m++)
            if (country_index[m] == row->partner)
                p = m;
        assert_true(p >= 0 && p != c);
        double lev_cp = ref_lev(o, t, c, p), lev_pc = ref_lev(o, t, p, c);
        assert_int_equal(row->trade, ref_trade(o, t, c, p));
        assert_close(row->lev, exposure ? lev_pc : lev_cp, "ranked lev", c, p, YEAR0 + t);
        assert_close(row->reverse, exposure ? lev_cp : lev_pc, "ranked reverse", c, p,
                     YEAR0 + t);
        assert_close(row->net, row->lev - row->reverse, "ranked net", c, p, YEAR0 + t);
        if (n > 0)
            assert_true(r->rows[n - 1].lev >= row->lev);
    }
    lever_ranking_free(r);
    lever_selection_free(sel);
}

static void rankings_match_pairs(void **state)
{
    (void)state;
    const ref_options opts[] = {{0},
                                {.current = true},
                                {.selected = cereals_and_fuels, .weights = some_weights}};
    for (size_t n = 0; n < sizeof opts / sizeof opts[0]; n++)
        for (int c = 0; c < NC; c++)
            for (int t = 0; t < NY; t++) {
                check_ranking(&opts[n], c, t, false);
                check_ranking(&opts[n], c, t, true);
            }
}

/* ------------------------------------------------------------------ */
/* A big subject: rankings on several threads                          */
/* ------------------------------------------------------------------ */

#define BIG_NC 60
#define BIG_NP 400

/* A second world where country 0 trades most products with every other country, in both
 * directions (about 40,000 rows in the year: enough for leverage.c to rank its partners
 * on several threads when the machine has several CPUs), the others a little among
 * themselves. Products are HS 1001xx to 1004xx. */
static lever_store *open_big_world(const char *path)
{
    size_t cap = 8u << 20, used = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    used += (size_t)snprintf(text, cap, "t,i,j,k,v,q\n");
    for (int i = 0; i < BIG_NC; i++)
        for (int j = 0; j < BIG_NC; j++)
            for (int k = 0; k < BIG_NP; k++) {
                if (i == j || rnd() % 100 >= (i == 0 || j == 0 ? 85 : 5))
                    continue;
                uint64_t v = 1 + rnd() % (rnd() % 4 == 0 ? 5000000000ull : 900000ull);
                used += (size_t)snprintf(text + used, cap - used,
                                         "2021,%d,%d,%d,%llu.%03llu,1.000\n", 100 + i, 100 + j,
                                         100100 + k, (unsigned long long)(v / 1000),
                                         (unsigned long long)(v % 1000));
                assert_true(used < cap - 200);
            }
    lever_import *imp = NULL;
    lever_store *big = NULL;
    assert_int_equal(lever_import_new(&imp, &E), LEVER_OK);
    assert_int_equal(lever_import_add_buffer(imp, "big.csv", text, used, &E), LEVER_OK);
    assert_int_equal(lever_import_commit(imp, path, &E), LEVER_OK);
    lever_import_free(imp);
    free(text);
    assert_int_equal(lever_open(path, &big, &E), LEVER_OK);
    assert_int_equal(big->n_countries, BIG_NC);
    assert_int_equal(big->n_products, BIG_NP);
    return big;
}

/* The ranking of country 0 (and its exposure), computed on threads, gives for every
 * partner the same bits as the pair computed alone, and the world path the same bits as
 * substitute.c; with and without a product filter and weights. */
static void big_ranking_matches_pairs(void **state)
{
    (void)state;
    char path[600];
    snprintf(path, sizeof path, "%s/big.store", tmpdir);
    lever_store *big = open_big_world(path);
    int c = -1;
    for (uint32_t n = 0; n < big->n_countries; n++)
        if (big->countries[n].code == 100)
            c = (int)n;
    assert_true(c >= 0);
    static double weights[BIG_NP], no_sigma[BIG_NP];
    for (int k = 0; k < BIG_NP; k++) {
        weights[k] = 0.5 + (double)(k % 7);
        no_sigma[k] = NAN;
    }
    lever_selection *sel = NULL;
    assert_int_equal(lever_selection_parse(big, "1001,1003", &sel, &E), LEVER_OK);
    for (int pass = 0; pass < 2; pass++) {
        lever_query fast = {0};
        if (pass) {
            fast.products = sel;
            fast.weights = weights;
        }
        lever_query slow = fast;
        slow.sigma = no_sigma;
        for (int exposure = 0; exposure < 2; exposure++) {
            lever_ranking *r1 = NULL, *r2 = NULL;
            int rc1 = exposure ? lever_exposure(big, c, &fast, &r1, &E)
                               : lever_leverage_rank(big, c, &fast, &r1, &E);
            int rc2 = exposure ? lever_exposure(big, c, &slow, &r2, &E)
                               : lever_leverage_rank(big, c, &slow, &r2, &E);
            assert_int_equal(rc1, LEVER_OK);
            assert_int_equal(rc2, LEVER_OK);
            assert_int_equal(r1->n, BIG_NC - 1);
            assert_int_equal(r2->n, BIG_NC - 1);
            for (size_t n = 0; n < r1->n; n++) {
                const lever_rank_row *x = &r1->rows[n];
                assert_same_rank_row(x, &r2->rows[n]);
                lever_leverage_result *pair = NULL;
                assert_int_equal(lever_leverage(big, c, x->partner, &fast, 0, &pair, &E), LEVER_OK);
                assert_int_equal(pair->n_years, 1);
                const lever_leverage_year *py = &pair->years[0];
                assert_int_equal(x->trade, py->trade);
                assert_memory_equal(&x->lev, exposure ? &py->lev_ba : &py->lev_ab,
                                    sizeof x->lev);
                assert_memory_equal(&x->reverse, exposure ? &py->lev_ab : &py->lev_ba,
                                    sizeof x->reverse);
                lever_leverage_free(pair);
            }
            lever_ranking_free(r1);
            lever_ranking_free(r2);
        }
    }
    lever_selection_free(sel);
    lever_close(big);
    unlink(path);
}

/* ------------------------------------------------------------------ */
/* Edge cases                                                          */
/* ------------------------------------------------------------------ */

static void pair_that_never_traded(void **state)
{
    (void)state;
    lever_leverage_result *r = NULL;
    assert_int_equal(lever_leverage(store, country_index[USA], country_index[UZB], NULL, 5, &r, &E),
                     LEVER_OK);
    for (int t = 0; t < NY; t++) {
        const lever_leverage_year *y = &r->years[t];
        assert_int_equal(y->trade, 0);
        assert_true(y->total_a > 0 && y->total_b > 0);
        assert_true(y->lev_ab == 0 && y->lev_ba == 0 && y->net == 0);
        assert_true(isnan(y->asymmetry));
        assert_true(y->d_a_on_b == 0 && y->d_b_on_a == 0 && y->salience == 0);
        assert_true(y->symmetry == 1);
    }
    assert_int_equal(r->n_contributions, 0);
    lever_leverage_free(r);
    /* AFG's only partner is KAZ */
    lever_ranking *rank = NULL;
    assert_int_equal(lever_exposure(store, country_index[AFG], NULL, &rank, &E), LEVER_OK);
    assert_int_equal(rank->year, YEAR0 + NY - 1);
    assert_true(rank->n == 1 && rank->rows[0].partner == country_index[KAZ]);
    lever_ranking_free(rank);
}

static void missing_year_and_bad_countries(void **state)
{
    (void)state;
    lever_query q = {.year_from = 1990, .year_to = 2020};
    lever_leverage_result *r = NULL;
    assert_int_equal(lever_leverage(store, 0, 1, &q, 5, &r, &E), LEVER_ENOTFOUND);
    assert_null(r);
    assert_non_null(strstr(E.message, "1990"));
    assert_non_null(strstr(E.message, "2019-2021"));
    lever_ranking *rank = NULL;
    assert_int_equal(lever_leverage_rank(store, 0, &(lever_query){.year_to = 2030}, &rank, &E), LEVER_ENOTFOUND);
    assert_int_equal(lever_exposure(store, 0, &(lever_query){.year_to = 2018}, &rank, &E), LEVER_ENOTFOUND);
    assert_null(rank);
    assert_int_equal(lever_leverage(store, 3, 3, NULL, 5, &r, &E), LEVER_EUSAGE);
    assert_int_equal(lever_leverage(store, 0, NC, NULL, 5, &r, &E), LEVER_EUSAGE);
    assert_int_equal(lever_exposure(store, -1, NULL, &rank, &E), LEVER_EUSAGE);
    lever_leverage_free(NULL);
    lever_ranking_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pairs_match_brute_force),
        cmocka_unit_test(pairs_with_current_alternatives),
        cmocka_unit_test(pairs_with_filter_and_weights),
        cmocka_unit_test(world_path_equals_substitute),
        cmocka_unit_test(sigma_one_gives_hirschman),
        cmocka_unit_test(lev_between_zero_and_one),
        cmocka_unit_test(contributions_sum_to_channels),
        cmocka_unit_test(suppliers_match_the_flows),
        cmocka_unit_test(rankings_match_pairs),
        cmocka_unit_test(big_ranking_matches_pairs),
        cmocka_unit_test(pair_that_never_traded),
        cmocka_unit_test(missing_year_and_bad_countries),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
