/*
 * dyad.c - the flows between two countries A and B (lever dyad): per year
 * X(A->B), X(B->A), their total and balance with growth over the previous year,
 * the CAGR of the total, and the top products each way with the shares and
 * concentration that say how much each flow matters (docs/INDICATORS.md
 * sections 1-3).
 *
 * Rows are sorted by (t, i, j, k), so the flows of A->B in a year are one
 * contiguous range (store_dyad_rows); the per-product aggregates M(j,k) and
 * X(i,k) and the world median unit values were computed at import. A query
 * therefore reads two small row ranges per year plus one lookup per listed
 * product, whatever the size of the store. Every formula is a call into
 * formulas.c; this file only selects and sums.
 *
 * Sources (section 12): a Comtrade store keeps both declarations of each row. A year's
 * figures come from one side, chosen once per year (a figure picker), so that a table
 * never mixes A's declarations with B's within a year; the importer's (CIF) declaration
 * standing for a flow's value is divided by 1 + c exactly. A direction the chosen side
 * did not declare that year, or the store does not hold, is "not covered", never 0.
 *
 * Also every supplier of one (importer, product) (lever_suppliers): the same flows,
 * read from the permutation sorted by (t, j, k, i), where they are one run.
 */
#include "query.h"

#include <stdlib.h>

__extension__ typedef unsigned __int128 u128;

/* Which side of the rows one direction of one year reads. */
typedef enum { SIDE_STORE, SIDE_X, SIDE_M } side;

typedef struct picker {
    const lever_store *s;
    side sides[2];       /* A->B, B->A */
    const char *source;  /* lever_source_label(), "reported" or "mirror" */
    uint32_t cif_ppm;
} picker;

/* v / (1 + ppm / 10^6), exactly, rounded half up. */
static uint64_t cif_to_fob(uint64_t v, uint32_t ppm)
{
    if (ppm == 0)
        return v;
    u128 d = 1000000u + (u128)ppm;
    return (uint64_t)(((u128)v * 2000000u + d) / (2 * d));
}

/* The figure of row r from the direction's side; LEVER_NO_DECLARATION when that side did
 * not declare the row. */
static uint64_t row_figure(const picker *p, int dir, uint64_t r)
{
    const lever_store *s = p->s;
    if (p->sides[dir] != SIDE_STORE && !store_need(s, SEC_DECL, r, 1))
        return LEVER_NO_DECLARATION; /* damaged: the query refuses at its end */
    switch (p->sides[dir]) {
    case SIDE_X: return s->decl[r].vx;
    case SIDE_M:
        return s->decl[r].vm == STORE_DECL_NONE ? LEVER_NO_DECLARATION
                                                : cif_to_fob(s->decl[r].vm, p->cif_ppm);
    default: return store_v(s, r);
    }
}

static uint8_t cover_flags(const lever_store *s, int y, int c)
{
    return s->cover[(size_t)y * s->n_countries + (size_t)c];
}

/* Chooses the sides of year index y for A's point of view, and whether each direction is
 * held: a Comtrade side must have been declared that year by its country. */
static void pick_year(const lever_store *s, int y, int a, int b, lever_source source,
                      uint32_t cif_ppm, picker *p, int covered[2])
{
    *p = (picker){s, {SIDE_STORE, SIDE_STORE}, lever_source_label(s), cif_ppm};
    if (!s->decl) {
        covered[0] = lever_covers(s, y, a, b);
        covered[1] = lever_covers(s, y, b, a);
        return;
    }
    uint8_t fa = cover_flags(s, y, a), fb = cover_flags(s, y, b);
    if (source == LEVER_SOURCE_BEST)
        source = fa & (COVER_DECLARED_M | COVER_DECLARED_X) ? LEVER_SOURCE_REPORTED
                                                             : LEVER_SOURCE_MIRROR;
    if (source == LEVER_SOURCE_REPORTED) {
        *p = (picker){s, {SIDE_X, SIDE_M}, "reported", cif_ppm};
        covered[0] = (fa & COVER_DECLARED_X) != 0;
        covered[1] = (fa & COVER_DECLARED_M) != 0;
    } else {
        *p = (picker){s, {SIDE_M, SIDE_X}, "mirror", cif_ppm};
        covered[0] = (fb & COVER_DECLARED_M) != 0;
        covered[1] = (fb & COVER_DECLARED_X) != 0;
    }
}

static const char *valuation(const picker *p, int dir)
{
    if (p->sides[dir] != SIDE_M)
        return "FOB";
    return p->cif_ppm == 0 ? "CIF" : "FOB from CIF";
}

/* X(i->j) over the selected products in year index y, the store's figures (query.h). */
uint64_t dyad_total(const lever_store *s, int y, int i, int j, const lever_selection *sel)
{
    uint64_t lo, hi, sum = 0;
    store_dyad_rows(s, y, i, j, &lo, &hi);
    for (uint64_t r = lo; r < hi; r++)
        if (lever_selection_has(sel, s->fk[r]))
            sum += store_v(s, r);
    return sum;
}

/* Sum of the selected figures of the dyad i->j (direction dir) in year index y. */
static uint64_t picked_total(const picker *p, int dir, int y, int i, int j,
                           const lever_selection *sel)
{
    const lever_store *s = p->s;
    uint64_t lo, hi, sum = 0;
    store_dyad_rows(s, y, i, j, &lo, &hi);
    for (uint64_t r = lo; r < hi; r++)
        if (lever_selection_has(sel, s->fk[r])) {
            uint64_t v = row_figure(p, dir, r);
            sum += v == LEVER_NO_DECLARATION ? 0 : v;
        }
    return sum;
}

/* Each side's declared total of i->j and the discrepancy between them (section 12). */
static void declared_totals(const lever_store *s, int y, int i, int j, const lever_selection *sel,
                            uint64_t *x_decl, uint64_t *m_decl, double *delta)
{
    *x_decl = *m_decl = LEVER_NO_DECLARATION;
    *delta = NAN;
    if (!s->decl)
        return;
    bool x_declared = cover_flags(s, y, i) & COVER_DECLARED_X;
    bool m_declared = cover_flags(s, y, j) & COVER_DECLARED_M;
    uint64_t lo, hi, x = 0, m = 0;
    store_dyad_rows(s, y, i, j, &lo, &hi);
    for (uint64_t r = lo; r < hi; r++)
        if (lever_selection_has(sel, s->fk[r])) {
            x += s->decl[r].vx == STORE_DECL_NONE ? 0 : s->decl[r].vx;
            m += s->decl[r].vm == STORE_DECL_NONE ? 0 : s->decl[r].vm;
        }
    if (x_declared)
        *x_decl = x;
    if (m_declared)
        *m_decl = m;
    if (x_declared && m_declared)
        *delta = declaration_discrepancy(m, x);
}

/* The quantity of row r from the direction's side (kg, LEVER_QTY_MISSING when none). */
static int64_t row_quantity(const picker *p, int dir, uint64_t r)
{
    const lever_store *s = p->s;
    return p->sides[dir] == SIDE_X   ? s->decl[r].qx
           : p->sides[dir] == SIDE_M ? s->decl[r].qm
                                     : store_q(s, r);
}

/* Quantity (kg times the selection's factor of each product) of the dyad i->j in year
 * index y over the flows that have one; *missing counts the others. */
static double dyad_quantity(const picker *p, int dir, int y, int i, int j,
                            const lever_selection *sel, uint64_t *missing)
{
    const lever_store *s = p->s;
    uint64_t lo, hi;
    double kg = 0;
    *missing = 0;
    store_dyad_rows(s, y, i, j, &lo, &hi);
    for (uint64_t r = lo; r < hi; r++) {
        if (!lever_selection_has(sel, s->fk[r]))
            continue;
        int64_t q = row_quantity(p, dir, r);
        if (q == LEVER_QTY_MISSING)
            (*missing)++;
        else
            kg += (double)q * lever_selection_factor(sel, s->fk[r]);
    }
    return kg;
}

/* Fills the year table and the CAGR of the total. */
static void fill_years(const lever_store *s, int a, int b, int first, const lever_selection *sel,
                       lever_source source, uint32_t cif_ppm, lever_dyad_result *r)
{
    for (int n = 0; n < r->n_years; n++) {
        lever_dyad_year *row = &r->years[n];
        int y = first + n, covered[2];
        picker p;
        pick_year(s, y, a, b, source, cif_ppm, &p, covered);
        row->year = lever_year_at(s, y);
        row->source = p.source;
        row->valuation_a_to_b = valuation(&p, 0);
        row->valuation_b_to_a = valuation(&p, 1);
        row->covered_a_to_b = covered[0];
        row->covered_b_to_a = covered[1];
        row->a_to_b = covered[0] ? picked_total(&p, 0, y, a, b, sel) : 0;
        row->b_to_a = covered[1] ? picked_total(&p, 1, y, b, a, sel) : 0;
        declared_totals(s, y, a, b, sel, &row->x_decl_a_to_b, &row->m_decl_a_to_b,
                        &row->delta_a_to_b);
        declared_totals(s, y, b, a, sel, &row->x_decl_b_to_a, &row->m_decl_b_to_a,
                        &row->delta_b_to_a);
        row->total = row->a_to_b + row->b_to_a;
        row->no_qty_a_to_b = row->no_qty_b_to_a = 0;
        row->qty_a_to_b = covered[0] ? dyad_quantity(&p, 0, y, a, b, sel, &row->no_qty_a_to_b) : 0;
        row->qty_b_to_a = covered[1] ? dyad_quantity(&p, 1, y, b, a, sel, &row->no_qty_b_to_a) : 0;
        row->balance = (int64_t)row->a_to_b - (int64_t)row->b_to_a;
        row->growth_a_to_b = row->growth_b_to_a = row->growth_total = NAN;
        if (n > 0) {
            const lever_dyad_year *prev = &r->years[n - 1];
            row->growth_a_to_b = growth_rate(prev->a_to_b, row->a_to_b);
            row->growth_b_to_a = growth_rate(prev->b_to_a, row->b_to_a);
            row->growth_total = growth_rate(prev->total, row->total);
        }
    }
    int y0 = -1, y1 = -1;
    for (int n = 0; n < r->n_years; n++)
        if (r->years[n].total > 0 && r->years[n].covered_a_to_b && r->years[n].covered_b_to_a) {
            if (y0 < 0)
                y0 = n;
            y1 = n;
        }
    r->cagr_total = NAN;
    if (y0 >= 0 && y1 > y0)
        r->cagr_total = cagr(r->years[y0].total, r->years[y1].total,
                             r->years[y1].year - r->years[y0].year);
}

/* A candidate for the top products: sorted by value, largest first, ties by product. */
typedef struct ranked_row {
    uint64_t value;
    uint64_t row;
    int product;
} ranked_row;

static int by_value_desc(const void *pa, const void *pb)
{
    const ranked_row *ra = pa, *rb = pb;
    if (ra->value != rb->value)
        return ra->value > rb->value ? -1 : 1;
    return (ra->product > rb->product) - (ra->product < rb->product);
}

/* Moves the best `keep` of rows[0..n) to rows[0..keep), in order, by insertion: a dyad has
 * thousands of products and the table shows a few, so this beats sorting them all. */
static void keep_best(ranked_row *rows, size_t n, size_t keep)
{
    size_t kept = 0;
    for (size_t m = 0; m < n; m++) {
        ranked_row c = rows[m]; /* read before any write: writes stay below index m + 1 */
        if (kept == keep && by_value_desc(&c, &rows[kept - 1]) >= 0)
            continue;
        size_t at = kept < keep ? kept++ : keep - 1;
        while (at > 0 && by_value_desc(&c, &rows[at - 1]) < 0) {
            rows[at] = rows[at - 1];
            at--;
        }
        rows[at] = c;
    }
}

/* The flow's own kilograms (from the side its value comes from) times the selection's
 * factor of its product, rounded; LEVER_QTY_MISSING without a quantity. */
static int64_t picked_kg(const picker *p, int dir, const lever_query *q, uint64_t r, int k)
{
    int64_t kg = row_quantity(p, dir, r);
    if (kg == LEVER_QTY_MISSING)
        return LEVER_QTY_MISSING;
    if (kg <= 0)
        return 0;
    return llround((double)kg * lever_selection_factor(q ? q->products : NULL, k));
}

/* With --measure quantity: the flow's tonnes (from its own side, as its value), and the
 * shares, HHI and supplier count of row r in kilograms (of the store's figures, as the
 * shares of value are). */
static void flow_in_kg(const picker *p, int dir, const lever_query *q, int y, uint64_t r,
                       lever_product_flow *f)
{
    const lever_store *s = p->s;
    bool none;
    uint64_t kg = query_flow_kg(s, q, r, f->product, &none);
    f->qty_factor_kg = picked_kg(p, dir, q, r, f->product);
    const store_mjk *m = store_find_mjk(s, y, f->importer, f->product);
    double hhi = NAN;
    int n = 0;
    uint64_t m_kg = m ? query_mjk_kg_hhi(s, q, y, m, &hhi, &n) : 0;
    f->supplier_share = m_kg ? supplier_share(kg, m_kg) : NAN;
    f->hhi = hhi;
    f->n_suppliers = n;
    uint64_t x_kg = query_xik_kg(s, q, y, f->exporter, f->product);
    f->dest_share = x_kg ? destination_share(kg, x_kg) : NAN;
}

/* The flow of row r (exporter i to importer j in year index y) with its indicators. */
static void fill_flow(const picker *p, int dir, int y, uint64_t r, lever_product_flow *f)
{
    const lever_store *s = p->s;
    int k = store_fk(s, r);
    f->year = lever_year_at(s, y);
    f->product = k;
    f->exporter = store_row_exporter(s, y, r);
    f->importer = store_fj(s, r);
    f->value = row_figure(p, dir, r);
    f->source = p->source;
    f->qty_kg = row_quantity(p, dir, r);
    f->unit_value = unit_value(f->value, f->qty_kg);
    f->unit_value_flag =
        unit_value_flag(f->unit_value, store_uv_median(s, y, k));
    const store_mjk *m = store_find_mjk(s, y, f->importer, k);
    const store_xik *x = store_find_xik(s, y, f->exporter, k);
    /* shares and concentration are those of the store's figures, as M(j,k) and X(i,k) are */
    uint64_t v = store_v(s, r);
    f->supplier_share = m ? supplier_share(v, m->m) : NAN;
    f->hhi = m ? hhi_from_sumsq(m->sumsq_lo, m->sumsq_hi, m->m) : NAN;
    f->n_suppliers = m ? (int)m->n_suppliers : 0;
    f->dest_share = x ? destination_share(v, x->x) : NAN;
    f->qty_factor_kg = LEVER_QTY_MISSING;
}

/* Appends the top `top` selected products of i->j (direction dir) in year index y. */
static int add_top_products(const picker *p, int dir, int y, int i, int j,
                            const lever_query *q, int top, lever_product_flow **flows,
                            size_t *n, size_t *cap)
{
    const lever_selection *sel = q ? q->products : NULL;
    bool quantity = query_quantity(q);
    const lever_store *s = p->s;
    uint64_t lo, hi;
    store_dyad_rows(s, y, i, j, &lo, &hi);
    if (hi <= lo)
        return LEVER_OK;
    ranked_row *rows = malloc((size_t)(hi - lo) * sizeof *rows);
    if (!rows)
        return LEVER_ENOMEM;
    size_t n_rows = 0;
    for (uint64_t r = lo; r < hi; r++)
        if (lever_selection_has(sel, s->fk[r])) {
            uint64_t v = row_figure(p, dir, r);
            bool none = false;
            if (quantity && v > 0 && v != LEVER_NO_DECLARATION) { /* ranked by kilograms */
                int64_t kg = picked_kg(p, dir, q, r, s->fk[r]);
                none = kg == LEVER_QTY_MISSING;
                v = none ? 0 : (uint64_t)kg;
            }
            if (v > 0 && v != LEVER_NO_DECLARATION)
                rows[n_rows++] = (ranked_row){v, r, s->fk[r]};
        }
    size_t keep = n_rows < (size_t)top ? n_rows : (size_t)top;
    if (keep < n_rows && keep <= 64)
        keep_best(rows, n_rows, keep);
    else
        sort_items(rows, n_rows, sizeof *rows, by_value_desc);
    if (*n + keep > *cap) {
        size_t want = *cap ? *cap * 2 : 64;
        while (want < *n + keep)
            want *= 2;
        lever_product_flow *grown = realloc(*flows, want * sizeof *grown);
        if (!grown) {
            free(rows);
            return LEVER_ENOMEM;
        }
        *flows = grown;
        *cap = want;
    }
    for (size_t m = 0; m < keep; m++) {
        lever_product_flow *f = &(*flows)[(*n)++];
        fill_flow(p, dir, y, rows[m].row, f);
        if (quantity)
            flow_in_kg(p, dir, q, y, rows[m].row, f);
    }
    free(rows);
    return LEVER_OK;
}

int lever_dyad(const lever_store *s, int a, int b, const lever_query *q, int top,
               lever_dyad_result **out, lever_error *err)
{
    return lever_dyad_from(s, a, b, q, top, LEVER_SOURCE_BEST, 0, out, err);
}

int lever_dyad_from(const lever_store *s, int a, int b, const lever_query *q, int top,
                    lever_source source, uint32_t cif_ppm, lever_dyad_result **out,
                    lever_error *err)
{
    *out = NULL;
    const lever_selection *sel = q ? q->products : NULL;
    if (a < 0 || b < 0 || a >= (int)s->n_countries || b >= (int)s->n_countries)
        return error_set(err, LEVER_EUSAGE, "country index out of range");
    if (a == b)
        return error_set(err, LEVER_EUSAGE, "a dyad needs two different countries");
    if (top < 0)
        return error_set(err, LEVER_EUSAGE, "the number of top products cannot be negative");
    int first = 0, last = 0;
    int rc = query_years(s, q, &first, &last, err);
    if (rc)
        return rc;
    lever_dyad_result *r = calloc(1, sizeof *r);
    if (!r || !(r->years = calloc((size_t)(last - first + 1), sizeof *r->years))) {
        free(r);
        return error_set(err, LEVER_ENOMEM, "out of memory computing a dyad");
    }
    r->a = a;
    r->b = b;
    r->n_years = last - first + 1;
    r->measure = query_quantity(q) ? LEVER_MEASURE_QUANTITY : LEVER_MEASURE_VALUE;
    fill_years(s, a, b, first, sel, source, cif_ppm, r);
    size_t cap_ab = 0, cap_ba = 0;
    for (int y = first; y <= last && top > 0; y++) {
        picker p;
        int covered[2];
        pick_year(s, y, a, b, source, cif_ppm, &p, covered);
        rc = LEVER_OK;
        if (covered[0])
            rc = add_top_products(&p, 0, y, a, b, q, top, &r->a_to_b, &r->n_a_to_b, &cap_ab);
        if (!rc && covered[1])
            rc = add_top_products(&p, 1, y, b, a, q, top, &r->b_to_a, &r->n_b_to_a, &cap_ba);
        if (rc) {
            lever_dyad_free(r);
            return error_set(err, rc, "out of memory computing a dyad");
        }
    }
    if (store_damaged(s)) {
        lever_dyad_free(r);
        return store_damage_fail(s, err);
    }
    *out = r;
    return LEVER_OK;
}

void lever_dyad_free(lever_dyad_result *r)
{
    if (!r)
        return;
    free(r->years);
    free(r->a_to_b);
    free(r->b_to_a);
    free(r);
}

/* ------------------------------------------------------------------ */
/* Every supplier of one (importer, product): lever_suppliers          */
/* ------------------------------------------------------------------ */

static int by_value_then_exporter(const void *pa, const void *pb)
{
    const lever_product_flow *a = pa, *b = pb;
    if (a->value != b->value)
        return a->value > b->value ? -1 : 1;
    return (a->exporter > b->exporter) - (a->exporter < b->exporter);
}

int lever_suppliers(const lever_store *s, int importer, int product, const lever_query *q,
                    lever_suppliers_result **out, lever_error *err)
{
    *out = NULL;
    if (importer < 0 || importer >= (int)s->n_countries)
        return error_set(err, LEVER_EUSAGE, "country index out of range");
    if (product < 0 || product >= (int)s->n_products)
        return error_set(err, LEVER_EUSAGE, "product index out of range");
    int y;
    int rc = query_one_year(s, q, &y, err);
    if (rc)
        return rc;
    /* the suppliers of (t, j, k) are one run of the permutation sorted by (t, j, k, i) */
    const store_mjk *e = store_find_mjk(s, y, importer, product);
    size_t n = e ? e->n_suppliers : 0;
    lever_suppliers_result *r = calloc(1, sizeof *r);
    if (!r || !(r->flows = malloc((n ? n : 1) * sizeof *r->flows))) {
        free(r);
        return error_set(err, LEVER_ENOMEM, "out of memory listing suppliers");
    }
    r->importer = importer;
    r->product = product;
    r->year = lever_year_at(s, y);
    /* the store's own figure of each flow (in a Comtrade store: the importer's declaration,
     * else the exporter's), as shares and concentration use */
    picker p = {s, {SIDE_STORE, SIDE_STORE}, lever_source_label(s), 0};
    for (size_t m = 0; m < n; m++)
        fill_flow(&p, 0, y, store_by_imp(s, e->imp_pos + m), &r->flows[r->n++]);
    if (store_damaged(s)) {
        lever_suppliers_free(r);
        return store_damage_fail(s, err);
    }
    sort_items(r->flows, r->n, sizeof *r->flows, by_value_then_exporter);
    *out = r;
    return LEVER_OK;
}

void lever_suppliers_free(lever_suppliers_result *r)
{
    if (!r)
        return;
    free(r->flows);
    free(r);
}
