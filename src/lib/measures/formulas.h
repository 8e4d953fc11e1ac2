/*
 * formulas.h - every indicator formula of docs/INDICATORS.md, one function each,
 * defined once (formulas.c, or inline here when every flow of a pass calls it).
 * Pure functions of numbers: no store, no query.
 */
#ifndef LEVER_FORMULAS_H
#define LEVER_FORMULAS_H

#include "base.h"


/* a / b as a double; NaN when b == 0. */
double ratio_u64(uint64_t a, uint64_t b);
/* HHI from the exact sum of squares and the total: sumsq / m^2. */
double hhi_from_sumsq(uint64_t sumsq_lo, uint64_t sumsq_hi, uint64_t m);
/* growth (v1 - v0) / v0, NaN when v0 == 0. */
double growth_rate(uint64_t v0, uint64_t v1);
/* Section 12: discrepancy of a flow's two declarations, (M - X) / max(M, X); NaN when both
 * are 0. */
double declaration_discrepancy(uint64_t m_decl, uint64_t x_decl);
/* CAGR (v1/v0)^(1/years) - 1, NaN when v0 == 0 or years <= 0. */
double cagr(uint64_t v0, uint64_t v1, int years);
/* unit_value (USD per kg) is in base.h: the store writer precomputes its medians. */
/* +1 when uv > 5 x median, -1 when uv < median / 5, else 0 (0 when either is NaN). */
int unit_value_flag(double uv, double median);

/* Section 2: shares and Hirschman / Barbieri. */
double supplier_share(uint64_t v, uint64_t m_jk);         /* s = v(i->j,k) / M(j,k) */
double destination_share(uint64_t v, uint64_t x_ik);      /* e = v(i->j,k) / X(i,k) */
double world_share(uint64_t x_ik, uint64_t w_k);          /* w = X(i,k) / W(k) */
double hirschman_dependence(uint64_t t_ij, uint64_t t_j); /* D(j on i) = T(i,j) / T(j) */
double barbieri_salience(double d_i_on_j, double d_j_on_i);
double barbieri_symmetry(double d_i_on_j, double d_j_on_i);

/* Section 3: concentration. */
double hhi_normalised(double hhi, uint32_t n);   /* HHI*; 1 when n == 1; NaN when n == 0 */
const char *hhi_level(double hhi); /* "unconcentrated", "moderate", "concentrated", "highly concentrated" */

/* Section 4: dependence screens. */
double net_import_ratio(uint64_t m_jk, uint64_t x_jk); /* M/X; +inf when X = 0 < M; NaN when both 0 */
bool geodep_flag(double hhi_m, double hhi_w, double net_import);
/* Persistent in a year: the flag held in at least 2 of that year and the 2 before it. */
bool geodep_persistent(bool flag_t2, bool flag_t1, bool flag_t);
bool critical_dependence(double s, double hhi_m, double net_import);

/* Section 5: substitutability. alt is the supply (or demand) the alternatives already have. */
double headroom(uint64_t alt, uint64_t v);        /* H = alt / v; +inf when v == 0 < alt */
/* These three are defined here, inline, because every flow of a leverage pass calls them. */
/* d = 1 / (1 + H) = v / (v + alt): exact inputs, one rounding; NaN when both are 0. */
static inline double non_substitutability(uint64_t alt, uint64_t v)
{
    if (v == 0 && alt == 0)
        return NAN;
    return (double)v / ((double)v + (double)alt);
}
/* Default (world) alternatives: W(k) - X(i,k) - X(j,k), clamped at 0. */
static inline uint64_t alternative_supply_world(uint64_t w_k, uint64_t x_ik, uint64_t x_jk)
{
    uint64_t used = x_ik + x_jk;
    return w_k > used ? w_k - used : 0;
}
/* Market side: W(k) - M(j,k) - M(i,k), clamped at 0. */
static inline uint64_t alternative_demand_world(uint64_t w_k, uint64_t m_jk, uint64_t m_ik)
{
    uint64_t used = m_jk + m_ik;
    return w_k > used ? w_k - used : 0;
}

/* Section 5, lever depend's ranking: M(B,k)/M(B) * s(A->B,k) * d(A,B,k). */
double exposure_score(double import_share, double supplier_share, double d);

/* Section 6: leverage. */
double leverage_ratio(double supply_channel, double market_channel, uint64_t t_b); /* (S+K)/T(B) */
/* A product's term over its channel's total (S or K); NaN when the total is 0. */
double channel_share(double term, double channel_total);
double net_leverage(double lev_ab, double lev_ba);
double asymmetry_ratio(double lev_ab, double lev_ba); /* +inf when lev_ba == 0 < lev_ab */

/* Section 7: WITS bilateral indicators. */
double trade_intensity(uint64_t x_ij, uint64_t x_i, uint64_t m_j, uint64_t w);
double revealed_comparative_advantage(uint64_t x_ik, uint64_t x_i, uint64_t w_k, uint64_t w);
/* Michaely: 100 (1 - sum |m_k - x_k| / 2); the caller accumulates sum |m_k - x_k|. */
double trade_complementarity(double sum_abs_diff);
/* One product's value in a list sorted by product (a supplier's sales to one market). */
typedef struct product_value {
    int product;
    uint64_t value;
} product_value;
/* Finger-Kreinin export similarity of suppliers a and b in market j, from their sales to j:
 * ESI(a,b|j) = sum_k min(v(a->j,k)/X(a->j), v(b->j,k)/X(b->j)); NaN when either sells
 * nothing there. */
double export_similarity(const product_value *a, size_t na, const product_value *b, size_t nb);

/* Section 8: value vs volume split of one product's change (sums to v1 - v0). */
void change_effects(uint64_t v0, int64_t q0, uint64_t v1, int64_t q1, double *quantity_effect,
                    double *price_effect); /* NaN, NaN when a quantity is missing or 0 */
/* Share of the total change due to one product: delta_k / delta; NaN when delta == 0. */
double change_share(int64_t delta_k, int64_t delta);

#endif /* LEVER_FORMULAS_H */
