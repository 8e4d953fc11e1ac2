/*
 * substitute.c - how replaceable a partner is (INDICATORS.md section 5), in one place
 * for depend, leverage, exposure and compare: the alternative supply behind headroom
 * H, the alternative demand behind the market-side H', and the resulting d and d'.
 *
 * World mode reads three precomputed sums (W(k), X(i,k), X(j,k)); the current and list
 * modes walk the suppliers of (j,k) or the listed countries, so they cost more.
 */
#include "query.h"

static uint64_t x_ik(const lever_store *s, int y, int i, int k)
{
    const store_xik *e = store_find_xik(s, y, i, k);
    return e ? e->x : 0;
}

static uint64_t m_jk(const lever_store *s, int y, int j, int k)
{
    const store_mjk *e = store_find_mjk(s, y, j, k);
    return e ? e->m : 0;
}

/* The sum of value(m, k) (x_ik or m_jk) over the query's listed countries m other than
 * i and j: the list mode of both sides. */
static uint64_t listed_sum(const lever_store *s, const lever_query *q, int y, int i, int j,
                           int k, uint64_t (*value)(const lever_store *, int, int, int))
{
    uint64_t sum = 0;
    for (int n = 0; n < q->n_alt_countries; n++) {
        int m = q->alt_countries[n];
        if (m != i && m != j)
            sum += value(s, y, m, k);
    }
    return sum;
}

uint64_t subst_alt_supply(const lever_store *s, const lever_query *q, int y, int i, int j, int k)
{
    lever_alternatives mode = q ? q->alternatives : LEVER_ALT_WORLD;
    if (mode == LEVER_ALT_LIST)
        return listed_sum(s, q, y, i, j, k, x_ik);
    if (mode == LEVER_ALT_CURRENT) {
        const store_mjk *e = store_find_mjk(s, y, j, k);
        if (!e || !store_need(s, SEC_BY_IMP, e->imp_pos, e->n_suppliers))
            return 0;
        uint64_t sum = 0;
        for (uint64_t p = e->imp_pos; p < e->imp_pos + e->n_suppliers; p++) {
            int m = store_row_exporter(s, y, s->by_imp[p]);
            if (m != i)
                sum += x_ik(s, y, m, k);
        }
        return sum;
    }
    return alternative_supply_world(store_w_k(s, y, k), x_ik(s, y, i, k), x_ik(s, y, j, k));
}

/* First position in [lo, hi) of a sorted column whose value exceeds v. */
static uint64_t first_row_after(const uint16_t *col, uint64_t lo, uint64_t hi, uint16_t v)
{
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (col[mid] <= v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

uint64_t subst_alt_demand(const lever_store *s, const lever_query *q, int y, int i, int j, int k)
{
    lever_alternatives mode = q ? q->alternatives : LEVER_ALT_WORLD;
    if (mode == LEVER_ALT_LIST)
        return listed_sum(s, q, y, i, j, k, m_jk);
    if (mode == LEVER_ALT_CURRENT) {
        /* i's rows are sorted by (buyer, product): per buyer run, a binary search for k */
        uint64_t lo, hi, sum = 0;
        store_exporter_rows(s, y, i, ROW_J | ROW_K, &lo, &hi);
        while (lo < hi) {
            uint16_t buyer = s->fj[lo];
            uint64_t end = first_row_after(s->fj, lo, hi, buyer);
            uint64_t at = first_row_after(s->fk, lo, end, (uint16_t)(k - 1));
            if (k == 0)
                at = lo;
            if (at < end && s->fk[at] == k && buyer != j)
                sum += m_jk(s, y, buyer, k);
            lo = end;
        }
        return sum;
    }
    return alternative_demand_world(store_w_k(s, y, k), m_jk(s, y, j, k), m_jk(s, y, i, k));
}

static bool has_sigma(const lever_query *q, int k)
{
    return q && q->sigma && !isnan(q->sigma[k]) && q->sigma[k] > 0;
}

double subst_d_supply(const lever_store *s, const lever_query *q, int y, int i, int j, int k,
                      uint64_t v)
{
    if (has_sigma(q, k))
        return 1.0 / q->sigma[k];
    return non_substitutability(subst_alt_supply(s, q, y, i, j, k), v);
}

double subst_d_market(const lever_store *s, const lever_query *q, int y, int i, int j, int k,
                      uint64_t v)
{
    if (has_sigma(q, k))
        return 1.0 / q->sigma[k];
    return non_substitutability(subst_alt_demand(s, q, y, i, j, k), v);
}
