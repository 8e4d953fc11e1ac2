/*
 * indicators.c - every formula of docs/INDICATORS.md, one function each, so the
 * CLI, the server and the tests all compute a figure the same way. Inputs are
 * exact integer sums (USD, kg) taken from the store; only the final ratios are
 * floating point.
 */
#include "internal.h"

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

double unit_value(uint64_t v, int64_t q_kg)
{
    if (q_kg == LEVER_QTY_MISSING || q_kg <= 0)
        return NAN;
    return (double)v / (double)q_kg;
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
