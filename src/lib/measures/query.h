/*
 * query.h - what the query files of the measures stage share: the query's product
 * selection, weights and years (query.c), and the substitutability inputs (headroom,
 * d, d') every indicator command uses (substitute.c).
 */
#ifndef LEVER_QUERY_H
#define LEVER_QUERY_H

#include "formulas.h"
#include "store_internal.h"


/* Supply the alternatives to exporter i already have for importer j's product k, per the
 * query's mode: world W(k)-X(i,k)-X(j,k); current: sum of X(m,k) over m != i already
 * selling k to j; list: sum of X(m,k) over the listed m other than i and j. */
uint64_t subst_alt_supply(const lever_store *s, const lever_query *q, int y, int i, int j, int k);
/* Demand the alternative buyers of exporter i's product k offer, besides importer j: world
 * W(k)-M(j,k)-M(i,k); current: sum of M(m,k) over m != j already buying k from i; list: sum of
 * M(m,k) over the listed m other than i and j. */
uint64_t subst_alt_demand(const lever_store *s, const lever_query *q, int y, int i, int j, int k);
/* d(i,j,k) for a flow of value v: 1/sigma_k when the query has one for k, else
 * non_substitutability(subst_alt_supply(...), v). */
double subst_d_supply(const lever_store *s, const lever_query *q, int y, int i, int j, int k,
                      uint64_t v);
/* d'(i,j,k) for a flow i->j of value v (how hard j is to replace as i's buyer). */
double subst_d_market(const lever_store *s, const lever_query *q, int y, int i, int j, int k,
                      uint64_t v);
/* Weight of product k in the query (1 without weights). */
static inline double query_weight(const lever_query *q, int k)
{
    return q && q->weights ? q->weights[k] : 1.0;
}
/* --measure quantity (INDICATORS.md section 9): row r's kilograms times the factor of its
 * product k in the query's selection, rounded to the kg, so that the formulas of value
 * apply to it unchanged; 0 with *missing set when the row has no quantity. */
uint64_t query_flow_kg(const lever_store *s, const lever_query *q, uint64_t r, int k,
                       bool *missing);
/* The by-importer positions [*lo, *hi) of the suppliers of M(j,k) entry e (year index y),
 * verified; empty when damaged. */
void query_supplier_run(const lever_store *s, int y, const store_mjk *e, uint64_t *lo,
                        uint64_t *hi);
/* M(j,k) in kilograms (query_flow_kg) of entry e; *missing (may be NULL) adds the flows
 * without a quantity. */
uint64_t query_mjk_kg(const lever_store *s, const lever_query *q, int y, const store_mjk *e,
                      uint64_t *missing);
/* Whether the query counts in kilograms (LEVER_MEASURE_QUANTITY). */
static inline bool query_quantity(const lever_query *q)
{
    return q && q->measure == LEVER_MEASURE_QUANTITY;
}
/* Whether product k is selected by the query. */
bool query_has_product(const lever_query *q, int k);
/* M(j) and X(i) in year index y over the query's selected products (the precomputed
 * totals without a selection). */
uint64_t query_imports(const lever_store *s, const lever_query *q, int y, int j);
uint64_t query_exports(const lever_store *s, const lever_query *q, int y, int i);
/* The years of the query (lever.h, lever_query), as year indices, with one wording of the
 * errors: LEVER_ENOTFOUND (with the store's range) when a named year is not in the store.
 * query_years: the range [*y0, *y1] (LEVER_EUSAGE when reversed); query_one_year: year_to
 * (LEVER_EUSAGE when year_from names another year); query_two_years: year_from and year_to,
 * compared by lever_change. */
int query_years(const lever_store *s, const lever_query *q, int *y0, int *y1, lever_error *err);
int query_one_year(const lever_store *s, const lever_query *q, int *y, lever_error *err);
int query_two_years(const lever_store *s, const lever_query *q, int *y0, int *y1,
                    lever_error *err);

/* Year index for a single year (0 = last); LEVER_ENOTFOUND with the range when absent. */
int query_year(const lever_store *s, int year, int *y, lever_error *err);
/* X(i->j) over the selected products (NULL = all) in year index y, the store's figures
 * (dyad.c). */
uint64_t dyad_total(const lever_store *s, int y, int i, int j, const lever_selection *sel);

#endif /* LEVER_QUERY_H */
