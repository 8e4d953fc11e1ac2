/*
 * formulas.c - every formula of docs/INDICATORS.md, one function each, so the
 * CLI, the server and the tests all compute a figure the same way. Inputs are
 * exact integer sums (USD, kg) taken from the store; only the final ratios are
 * floating point. Three of them (d and the world alternatives of section 5) are
 * inline in formulas.h instead, as every flow of a leverage pass needs them.
 */
#include "formulas.h"

double ratio_u64(uint64_t a, uint64_t b)
{
    return b == 0 ? NAN : (double)a / (double)b;
}

double hhi_from_sumsq(uint64_t sumsq_lo, uint64_t sumsq_hi, uint64_t m)
{
    if (m == 0)
        return NAN;
    /* sumsq / m^2 = (sumsq / m) / m; long double keeps 64 bits of mantissa. */
    long double sq = (long double)sumsq_hi * 18446744073709551616.0L + (long double)sumsq_lo;
    long double mm = (long double)m;
    return (double)(sq / mm / mm);
}

double growth_rate(uint64_t v0, uint64_t v1)
{
    if (v0 == 0)
        return NAN;
    return ((double)v1 - (double)v0) / (double)v0;
}

double cagr(uint64_t v0, uint64_t v1, int years)
{
    if (v0 == 0 || years <= 0)
        return NAN;
    return pow((double)v1 / (double)v0, 1.0 / years) - 1.0;
}

int unit_value_flag(double uv, double median)
{
    if (isnan(uv) || isnan(median) || median <= 0)
        return 0;
    if (uv > 5.0 * median)
        return 1;
    if (uv < median / 5.0)
        return -1;
    return 0;
}

/* ---- Section 2: shares ----------------------------------------------------------- */

double supplier_share(uint64_t v, uint64_t m_jk)
{
    return ratio_u64(v, m_jk);
}

double destination_share(uint64_t v, uint64_t x_ik)
{
    return ratio_u64(v, x_ik);
}

double world_share(uint64_t x_ik, uint64_t w_k)
{
    return ratio_u64(x_ik, w_k);
}

double hirschman_dependence(uint64_t t_ij, uint64_t t_j)
{
    return ratio_u64(t_ij, t_j);
}

double barbieri_salience(double d_i_on_j, double d_j_on_i)
{
    return sqrt(d_i_on_j * d_j_on_i);
}

double barbieri_symmetry(double d_i_on_j, double d_j_on_i)
{
    return 1.0 - fabs(d_i_on_j - d_j_on_i);
}

/* ---- Section 3: concentration ---------------------------------------------------- */

double hhi_normalised(double hhi, uint32_t n)
{
    if (n == 0)
        return NAN;
    if (n == 1)
        return 1.0; /* (HHI - 1/N) / (1 - 1/N) is 0/0: INDICATORS.md says report 1 */
    double inv = 1.0 / n;
    return (hhi - inv) / (1.0 - inv);
}

const char *hhi_level(double hhi)
{
    if (isnan(hhi))
        return "";
    if (hhi < 0.15)
        return "unconcentrated";
    if (hhi < 0.25)
        return "moderate";
    if (hhi <= 0.40)
        return "concentrated";
    return "highly concentrated";
}

/* ---- Section 4: dependence screens ----------------------------------------------- */

double net_import_ratio(uint64_t m_jk, uint64_t x_jk)
{
    if (x_jk == 0)
        return m_jk == 0 ? NAN : INFINITY;
    return (double)m_jk / (double)x_jk;
}

bool geodep_flag(double hhi_m, double hhi_w, double net_import)
{
    return hhi_m > 0.4 && hhi_w > 0.4 && net_import > 1.0;
}

bool geodep_persistent(bool flag_t2, bool flag_t1, bool flag_t)
{
    return (int)flag_t2 + (int)flag_t1 + (int)flag_t >= 2;
}

bool critical_dependence(double s, double hhi_m, double net_import)
{
    return s >= 0.5 && hhi_m > 0.4 && net_import > 1.0;
}

/* ---- Section 5: substitutability ------------------------------------------------- */

double headroom(uint64_t alt, uint64_t v)
{
    if (v == 0)
        return alt == 0 ? NAN : INFINITY;
    return (double)alt / (double)v;
}

/* non_substitutability and the world alternatives are inline in formulas.h: the
 * leverage passes call them for every flow. */

double exposure_score(double import_share, double supplier_share, double d)
{
    return import_share * supplier_share * d;
}

/* ---- Section 6: leverage --------------------------------------------------------- */

double leverage_ratio(double supply_channel, double market_channel, uint64_t t_b)
{
    if (t_b == 0)
        return NAN;
    return (supply_channel + market_channel) / (double)t_b;
}

double channel_share(double term, double channel_total)
{
    return channel_total > 0 ? term / channel_total : NAN;
}

double net_leverage(double lev_ab, double lev_ba)
{
    return lev_ab - lev_ba;
}

double asymmetry_ratio(double lev_ab, double lev_ba)
{
    if (lev_ba == 0)
        return lev_ab == 0 ? NAN : INFINITY;
    return lev_ab / lev_ba;
}

/* ---- Section 7: WITS bilateral indicators ---------------------------------------- */

double trade_intensity(uint64_t x_ij, uint64_t x_i, uint64_t m_j, uint64_t w)
{
    if (x_i == 0 || m_j == 0 || w == 0)
        return NAN;
    return ((double)x_ij / (double)x_i) / ((double)m_j / (double)w);
}

double revealed_comparative_advantage(uint64_t x_ik, uint64_t x_i, uint64_t w_k, uint64_t w)
{
    if (x_i == 0 || w_k == 0 || w == 0)
        return NAN;
    return ((double)x_ik / (double)x_i) / ((double)w_k / (double)w);
}

double trade_complementarity(double sum_abs_diff)
{
    return 100.0 * (1.0 - sum_abs_diff / 2.0);
}

static uint64_t total_value(const product_value *list, size_t n)
{
    uint64_t sum = 0;
    for (size_t p = 0; p < n; p++)
        sum += list[p].value;
    return sum;
}

double export_similarity(const product_value *a, size_t na, const product_value *b, size_t nb)
{
    uint64_t xa = total_value(a, na), xb = total_value(b, nb);
    if (xa == 0 || xb == 0)
        return NAN;
    /* the products both sell: a merge of the two lists sorted by product */
    double sum = 0;
    size_t p = 0, r = 0;
    while (p < na && r < nb) {
        if (a[p].product < b[r].product) {
            p++;
        } else if (b[r].product < a[p].product) {
            r++;
        } else {
            sum += fmin((double)a[p].value / (double)xa, (double)b[r].value / (double)xb);
            p++;
            r++;
        }
    }
    return sum;
}

/* ---- Section 8: change over time ------------------------------------------------- */

void change_effects(uint64_t v0, int64_t q0, uint64_t v1, int64_t q1, double *quantity_effect,
                    double *price_effect)
{
    if (q0 == LEVER_QTY_MISSING || q1 == LEVER_QTY_MISSING || q0 <= 0 || q1 <= 0) {
        *quantity_effect = *price_effect = NAN;
        return;
    }
    double uv0 = (double)v0 / (double)q0;
    *quantity_effect = ((double)q1 - (double)q0) * uv0;
    /* (uv1 - uv0) * q1 = v1 - uv0 * q1: computed so the two effects sum to v1 - v0 */
    *price_effect = ((double)v1 - (double)v0) - *quantity_effect;
}

double change_share(int64_t delta_k, int64_t delta)
{
    return delta == 0 ? NAN : (double)delta_k / (double)delta;
}

double declaration_discrepancy(uint64_t m_decl, uint64_t x_decl)
{
    uint64_t most = m_decl > x_decl ? m_decl : x_decl;
    if (most == 0)
        return NAN;
    double diff = m_decl >= x_decl ? (double)(m_decl - x_decl) : -(double)(x_decl - m_decl);
    return diff / (double)most;
}
