/*
 * context.h - what the context stage (data lever reads beside a store: the border graph,
 * events) shares with the measures that use it. The border graph is a byte matrix over
 * at most BORDERS_MAX_NODES nodes named by ISO3; node BORDERS_SEA joins every country
 * with a coast (INDICATORS.md section 11).
 */
#ifndef LEVER_CONTEXT_H
#define LEVER_CONTEXT_H

#include "base.h"

#define BORDERS_SEA 0
#define BORDERS_MAX_NODES 1024

typedef struct borders_node_info {
    char iso3[4]; /* "SEA" for node 0 */
    bool in_data; /* listed in countries.csv (else only named by a border or an edit) */
} borders_node_info;

struct lever_borders {
    char dir[4096];
    int n_nodes;
    borders_node_info *nodes;
    uint8_t *adj;  /* adj[u * BORDERS_MAX_NODES + v] != 0: an edge */
    char *edits;   /* "closed AFG-CHN, added ..." */
    size_t n_edit_chars;
};

/* Node of an ISO3 code (case-insensitive), or -1. */
int borders_node(const lever_borders *b, const char *iso3);
bool borders_edge(const lever_borders *b, int u, int v);

#endif /* LEVER_CONTEXT_H */
