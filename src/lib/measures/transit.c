/*
 * transit.c - transit routes, route shares, chokepoints and transit leverage
 * (INDICATORS.md section 11): lever transit A B and lever transit --over B.
 *
 * The routes of a flow A->B are the simple paths from A to B in the border graph
 * (context/borders.c) with at most h + slack edges, h the length of the shortest path.
 * They are enumerated by a depth-first search from A that only extends a path when the
 * breadth-first distance of the next node to B still fits in the limit, so the search
 * visits nothing but prefixes of real routes: the count of routes, not the size of the
 * graph, bounds the work (a few hundred routes for most pairs with slack 1). The graph is
 * undirected, so the routes of B->A are those of A->B reversed and c(T | A->B) =
 * c(T | B->A); each partner of B is therefore searched once.
 *
 * Route shares are counts of routes, exact integers until the one division. Trade values
 * come from the dyads' row ranges (dyad_total), so TLEV(T over B) reads the rows of B's
 * trade once per partner, whatever the size of the store.
 */
#include "context.h"
#include "query.h"

#include <limits.h>
#include <stdlib.h>

#define ROUTES_MAX 200000
#define SLACK_MAX 4

/* The graph as neighbour lists, and the scratch of one search. */
typedef struct route_graph {
    int n;
    int *first, *nbr; /* neighbours of u: nbr[first[u] .. first[u+1]) */
    int *dist;        /* edges to the target, INT_MAX when unreachable */
    int *queue;
    uint8_t *on_path;
    int path[LEVER_ROUTE_MAX_EDGES + 1];
    const lever_borders *borders;
} route_graph;

/* What the search found for one pair. */
typedef struct pair_routes {
    int h, limit;                 /* h < 0: no route */
    uint64_t n_routes, n_shortest;
    uint32_t *through_all;        /* per node: routes crossing it */
    uint32_t *through_short;      /* per node: shortest routes crossing it */
    bool keep;                    /* collect the routes themselves */
    lever_route *routes;
    size_t cap;
    int rc;
} pair_routes;

static void graph_free(route_graph *g)
{
    free(g->first);
    free(g->nbr);
    free(g->dist);
    free(g->queue);
    free(g->on_path);
}

static int graph_build(const lever_borders *b, route_graph *g)
{
    memset(g, 0, sizeof *g);
    g->borders = b;
    g->n = b->n_nodes;
    size_t edges = 0;
    for (int u = 0; u < g->n; u++)
        for (int v = 0; v < g->n; v++)
            edges += u != v && borders_edge(b, u, v);
    g->first = malloc(((size_t)g->n + 1) * sizeof *g->first);
    g->nbr = malloc((edges + 1) * sizeof *g->nbr);
    g->dist = malloc((size_t)g->n * sizeof *g->dist);
    g->queue = malloc((size_t)g->n * sizeof *g->queue);
    g->on_path = calloc((size_t)g->n, 1);
    if (!g->first || !g->nbr || !g->dist || !g->queue || !g->on_path) {
        graph_free(g);
        return LEVER_ENOMEM;
    }
    int e = 0;
    for (int u = 0; u < g->n; u++) {
        g->first[u] = e;
        for (int v = 0; v < g->n; v++)
            if (u != v && borders_edge(b, u, v))
                g->nbr[e++] = v;
    }
    g->first[g->n] = e;
    return LEVER_OK;
}

/* Breadth-first distances of every node to target. */
static void distances_to(route_graph *g, int target)
{
    for (int u = 0; u < g->n; u++)
        g->dist[u] = INT_MAX;
    int head = 0, tail = 0;
    g->dist[target] = 0;
    g->queue[tail++] = target;
    while (head < tail) {
        int u = g->queue[head++];
        for (int e = g->first[u]; e < g->first[u + 1]; e++) {
            int v = g->nbr[e];
            if (g->dist[v] == INT_MAX) {
                g->dist[v] = g->dist[u] + 1;
                g->queue[tail++] = v;
            }
        }
    }
}

/* Counts the route path[0..len-1] + target, and keeps it when asked. */
static void record_route(route_graph *g, pair_routes *p, int len, int target)
{
    if (++p->n_routes > ROUTES_MAX) {
        p->rc = LEVER_ELIMIT;
        return;
    }
    bool shortest = len == p->h;
    p->n_shortest += shortest;
    for (int n = 1; n < len; n++) {
        p->through_all[g->path[n]]++;
        if (shortest)
            p->through_short[g->path[n]]++;
    }
    if (!p->keep)
        return;
    if (p->n_routes > p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 64;
        lever_route *bigger = realloc(p->routes, cap * sizeof *bigger);
        if (!bigger) {
            p->rc = LEVER_ENOMEM;
            return;
        }
        p->routes = bigger;
        p->cap = cap;
    }
    lever_route *r = &p->routes[p->n_routes - 1];
    r->length = len;
    r->shortest = shortest;
    char *w = r->path;
    for (int n = 0; n <= len; n++) {
        const char *code = g->borders->nodes[n < len ? g->path[n] : target].iso3;
        memcpy(w, code, 3);
        w += 3;
        *w++ = n < len ? '-' : '\0';
    }
}

static void extend(route_graph *g, pair_routes *p, int depth, int target)
{
    int u = g->path[depth];
    for (int e = g->first[u]; e < g->first[u + 1] && !p->rc; e++) {
        int v = g->nbr[e];
        if (g->on_path[v])
            continue;
        if (v == target) {
            record_route(g, p, depth + 1, target);
            continue;
        }
        if (g->dist[v] == INT_MAX || depth + 1 + g->dist[v] > p->limit)
            continue;
        g->on_path[v] = 1;
        g->path[depth + 1] = v;
        extend(g, p, depth + 1, target);
        g->on_path[v] = 0;
    }
}

/* Every route from node a to node b of at most h + slack edges. */
static int find_routes(route_graph *g, pair_routes *p, int a, int b, int slack)
{
    p->n_routes = p->n_shortest = 0;
    p->rc = LEVER_OK;
    memset(p->through_all, 0, (size_t)g->n * sizeof *p->through_all);
    memset(p->through_short, 0, (size_t)g->n * sizeof *p->through_short);
    distances_to(g, b);
    if (a == b || g->dist[a] == INT_MAX) {
        p->h = -1;
        return LEVER_OK;
    }
    p->h = g->dist[a];
    p->limit = p->h + slack;
    if (p->limit > LEVER_ROUTE_MAX_EDGES)
        p->limit = LEVER_ROUTE_MAX_EDGES;
    g->path[0] = a;
    g->on_path[a] = 1;
    extend(g, p, 0, b);
    g->on_path[a] = 0;
    return p->rc;
}

static bool is_chokepoint(const pair_routes *p, int node)
{
    return node != BORDERS_SEA && p->n_routes > 0 && p->through_all[node] == p->n_routes;
}

/* What a query needs besides the graph: store country <-> node. */
typedef struct transit_ctx {
    route_graph g;
    pair_routes p;
    int *node_of;    /* per store country, -1 */
    int *country_of; /* per node, -1 */
} transit_ctx;

static void ctx_free(transit_ctx *c)
{
    graph_free(&c->g);
    free(c->p.through_all);
    free(c->p.through_short);
    free(c->p.routes);
    free(c->node_of);
    free(c->country_of);
}

static int ctx_open(const lever_store *s, const lever_borders *b, int slack, transit_ctx *c,
                    lever_error *err)
{
    memset(c, 0, sizeof *c);
    if (slack < 0 || slack > SLACK_MAX)
        return error_set(err, LEVER_EUSAGE, "slack %d is out of range; give 0 to %d", slack,
                          SLACK_MAX);
    if (graph_build(b, &c->g))
        return error_set(err, LEVER_ENOMEM, "out of memory for the border graph");
    c->p.through_all = calloc((size_t)c->g.n, sizeof *c->p.through_all);
    c->p.through_short = calloc((size_t)c->g.n, sizeof *c->p.through_short);
    c->node_of = malloc(((size_t)s->n_countries + 1) * sizeof *c->node_of);
    c->country_of = malloc((size_t)c->g.n * sizeof *c->country_of);
    if (!c->p.through_all || !c->p.through_short || !c->node_of || !c->country_of) {
        ctx_free(c);
        return error_set(err, LEVER_ENOMEM, "out of memory for the border graph");
    }
    for (int n = 0; n < c->g.n; n++)
        c->country_of[n] = -1;
    for (uint32_t k = 0; k < s->n_countries; k++) {
        const char *iso3 = s->countries[k].iso3;
        int node = iso3[0] ? borders_node(b, iso3) : -1;
        if (node == BORDERS_SEA)
            node = -1;
        c->node_of[k] = node;
        if (node >= 0 && c->country_of[node] < 0)
            c->country_of[node] = (int)k;
    }
    return LEVER_OK;
}

static int routes_error(const lever_store *s, const transit_ctx *c, int rc, int a, int b,
                        lever_error *err)
{
    if (rc == LEVER_ELIMIT)
        return error_set(err, rc,
                          "more than %d routes between %s and %s within the slack; give a "
                          "smaller --slack",
                          ROUTES_MAX, s->countries[a].iso3, s->countries[b].iso3);
    return error_set(err, rc, "out of memory listing routes");
}

/* ------------------------------------------------------------------ */
/* TLEV(T over B) for every T                                          */
/* ------------------------------------------------------------------ */

static int by_tlev(const void *pa, const void *pb)
{
    const lever_tlev_row *a = pa, *b = pb;
    if (a->carried != b->carried)
        return a->carried > b->carried ? -1 : 1;
    if (a->carried_chokepoint != b->carried_chokepoint)
        return a->carried_chokepoint > b->carried_chokepoint ? -1 : 1;
    return strcmp(a->iso3, b->iso3);
}

static int country_not_in_borders(const lever_store *s, int c, lever_error *err)
{
    const char *iso3 = s->countries[c].iso3;
    return error_set(err, LEVER_ENOTFOUND,
                      "%s is not in the border data, so it has no routes; add its borders "
                      "with --borders FILE (add,%s,NEIGHBOUR)",
                      iso3[0] ? iso3 : "this country", iso3[0] ? iso3 : "ISO3");
}

static int tlev_compute(const lever_store *s, transit_ctx *c, int b, int slack, int y,
                        const lever_query *q, lever_tlev_result *r, lever_error *err)
{
    int node_b = c->node_of[b];
    if (node_b < 0)
        return country_not_in_borders(s, b, err);
    const lever_selection *sel = q ? q->products : NULL;
    int n = c->g.n;
    lever_tlev_row *rows = calloc((size_t)n, sizeof *rows);
    if (!rows)
        return error_set(err, LEVER_ENOMEM, "out of memory");
    for (int t = 0; t < n; t++)
        rows[t].top_partner = -1;
    r->total_b = query_imports(s, q, y, b) + query_exports(s, q, y, b);
    for (uint32_t a = 0; a < s->n_countries; a++) {
        if ((int)a == b)
            continue;
        uint64_t trade = dyad_total(s, y, (int)a, b, sel) + dyad_total(s, y, b, (int)a, sel);
        if (trade == 0)
            continue;
        r->n_partners++;
        int node_a = c->node_of[a];
        int rc = node_a >= 0 ? find_routes(&c->g, &c->p, node_a, node_b, slack) : LEVER_OK;
        if (rc) {
            free(rows);
            return routes_error(s, c, rc, (int)a, b, err);
        }
        if (node_a < 0 || c->p.h < 0) {
            r->unrouted += trade;
            r->n_unrouted++;
            continue;
        }
        r->routed += trade;
        for (int t = 0; t < n; t++) {
            if (t == BORDERS_SEA || c->p.through_short[t] == 0)
                continue;
            double carried =
                (double)trade * (double)c->p.through_short[t] / (double)c->p.n_shortest;
            rows[t].carried += carried;
            rows[t].n_partners++;
            if (carried > rows[t].top_partner_carried) {
                rows[t].top_partner_carried = carried;
                rows[t].top_partner = (int)a;
            }
            if (is_chokepoint(&c->p, t)) {
                rows[t].carried_chokepoint += (double)trade;
                rows[t].n_chokepoint_partners++;
            }
        }
    }
    size_t kept = 0;
    for (int t = 0; t < n; t++) {
        if (rows[t].n_partners == 0)
            continue;
        lever_tlev_row *row = &rows[kept++];
        *row = rows[t];
        memcpy(row->iso3, c->g.borders->nodes[t].iso3, 4);
        row->country = c->country_of[t];
        row->tlev = r->total_b ? row->carried / (double)r->total_b : NAN;
        row->tlev_chokepoint = r->total_b ? row->carried_chokepoint / (double)r->total_b : NAN;
    }
    sort_items(rows, kept, sizeof *rows, by_tlev);
    r->rows = rows;
    r->n = kept;
    return LEVER_OK;
}

int lever_transit_over(const lever_store *s, const lever_borders *g, int b, int slack,
                       const lever_query *q, lever_tlev_result **out, lever_error *err)
{
    *out = NULL;
    int y, rc = query_one_year(s, q, &y, err);
    if (rc)
        return rc;
    if (b < 0 || (uint32_t)b >= s->n_countries)
        return error_set(err, LEVER_EUSAGE, "country index %d is out of range", b);
    transit_ctx c;
    if ((rc = ctx_open(s, g, slack, &c, err)))
        return rc;
    lever_tlev_result *r = calloc(1, sizeof *r);
    if (!r) {
        ctx_free(&c);
        return error_set(err, LEVER_ENOMEM, "out of memory");
    }
    r->b = b;
    r->year = lever_year_at(s, y);
    r->slack = slack;
    rc = tlev_compute(s, &c, b, slack, y, q, r, err);
    ctx_free(&c);
    if (rc) {
        lever_tlev_free(r);
        return rc;
    }
    *out = r;
    return LEVER_OK;
}

void lever_tlev_free(lever_tlev_result *r)
{
    if (!r)
        return;
    free(r->rows);
    free(r);
}

/* ------------------------------------------------------------------ */
/* Routes of one pair                                                  */
/* ------------------------------------------------------------------ */

static int by_route(const void *pa, const void *pb)
{
    const lever_route *a = pa, *b = pb;
    if (a->length != b->length)
        return a->length - b->length;
    return strcmp(a->path, b->path);
}

static int by_share(const void *pa, const void *pb)
{
    const lever_transit_share *a = pa, *b = pb;
    if (a->share != b->share)
        return a->share > b->share ? -1 : 1;
    if (a->chokepoint != b->chokepoint)
        return b->chokepoint - a->chokepoint;
    if (a->n_routes != b->n_routes)
        return b->n_routes - a->n_routes;
    return strcmp(a->iso3, b->iso3);
}

/* TLEV(T over country) for each transit country of r, from a ranking over country. */
static int fill_tlev(const lever_store *s, const lever_borders *g, int country, int slack, int year,
                     const lever_query *q, lever_transit_result *r, bool over_b,
                     lever_error *err)
{
    lever_tlev_result *t = NULL;
    lever_query qy = {0};
    if (q)
        qy = *q;
    qy.year_from = 0;
    qy.year_to = year;
    int rc = lever_transit_over(s, g, country, slack, &qy, &t, err);
    if (rc)
        return rc;
    for (size_t n = 0; n < r->n_transit; n++) {
        lever_transit_share *x = &r->transit[n];
        double tlev = 0, choke = 0;
        for (size_t m = 0; m < t->n; m++)
            if (strcmp(t->rows[m].iso3, x->iso3) == 0) {
                tlev = t->rows[m].tlev;
                choke = t->rows[m].tlev_chokepoint;
            }
        if (t->total_b == 0)
            tlev = choke = NAN;
        if (over_b) {
            x->tlev_b = tlev;
            x->tlev_b_chokepoint = choke;
        } else {
            x->tlev_a = tlev;
            x->tlev_a_chokepoint = choke;
        }
    }
    lever_tlev_free(t);
    return LEVER_OK;
}

static int pair_result(const lever_store *s, transit_ctx *c, int a, int b, int slack,
                       lever_transit_result *r, lever_error *err)
{
    if (c->node_of[a] < 0)
        return country_not_in_borders(s, a, err);
    if (c->node_of[b] < 0)
        return country_not_in_borders(s, b, err);
    c->p.keep = true;
    int rc = find_routes(&c->g, &c->p, c->node_of[a], c->node_of[b], slack);
    if (rc)
        return routes_error(s, c, rc, a, b, err);
    r->h = c->p.h > 0 ? c->p.h : 0;
    r->n_routes = c->p.n_routes;
    r->n_shortest = c->p.n_shortest;
    r->routes = c->p.routes;
    c->p.routes = NULL;
    sort_items(r->routes, r->n_routes, sizeof *r->routes, by_route);
    r->transit = calloc((size_t)c->g.n, sizeof *r->transit);
    if (!r->transit)
        return error_set(err, LEVER_ENOMEM, "out of memory");
    for (int t = 0; t < c->g.n; t++) {
        if (t == BORDERS_SEA || c->p.through_all[t] == 0)
            continue;
        lever_transit_share *x = &r->transit[r->n_transit++];
        memcpy(x->iso3, c->g.borders->nodes[t].iso3, 4);
        x->country = c->country_of[t];
        x->share = (double)c->p.through_short[t] / (double)c->p.n_shortest;
        x->chokepoint = is_chokepoint(&c->p, t);
        x->n_routes = (int)c->p.through_all[t];
    }
    sort_items(r->transit, r->n_transit, sizeof *r->transit, by_share);
    return LEVER_OK;
}

int lever_transit(const lever_store *s, const lever_borders *g, int a, int b, int slack,
                  const lever_query *q, lever_transit_result **out, lever_error *err)
{
    *out = NULL;
    int y, rc = query_one_year(s, q, &y, err);
    if (rc)
        return rc;
    if (a < 0 || b < 0 || (uint32_t)a >= s->n_countries || (uint32_t)b >= s->n_countries)
        return error_set(err, LEVER_EUSAGE, "country index out of range");
    if (a == b)
        return error_set(err, LEVER_EUSAGE, "A and B are the same country; give two countries");
    transit_ctx c;
    if ((rc = ctx_open(s, g, slack, &c, err)))
        return rc;
    lever_transit_result *r = calloc(1, sizeof *r);
    if (!r) {
        ctx_free(&c);
        return error_set(err, LEVER_ENOMEM, "out of memory");
    }
    r->a = a;
    r->b = b;
    r->year = lever_year_at(s, y);
    r->slack = slack;
    const lever_selection *sel = q ? q->products : NULL;
    r->a_to_b = dyad_total(s, y, a, b, sel);
    r->b_to_a = dyad_total(s, y, b, a, sel);
    rc = pair_result(s, &c, a, b, slack, r, err);
    ctx_free(&c);
    if (!rc)
        rc = fill_tlev(s, g, b, slack, r->year, q, r, true, err);
    if (!rc)
        rc = fill_tlev(s, g, a, slack, r->year, q, r, false, err);
    if (rc) {
        lever_transit_free(r);
        return rc;
    }
    *out = r;
    return LEVER_OK;
}

void lever_transit_free(lever_transit_result *r)
{
    if (!r)
        return;
    free(r->routes);
    free(r->transit);
    free(r);
}
