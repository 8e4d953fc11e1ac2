/*
 * borders.c - the border graph of INDICATORS.md section 11: countries are nodes, a land
 * border is an edge, and one node SEA joins every country with a coast. Loaded from the
 * two files lever ships in its data folder (data/geo: contiguity.csv, pairs of ISO3 codes
 * that share a land border, from CEPII GeoDist `contig`; countries.csv, ISO3 and
 * `landlocked`), then edited by the user: crossings closed (a border with no usable
 * crossing) or added (a border the data lacks, a new country).
 *
 * Why an adjacency matrix: the world has about 230 nodes, so a byte matrix is 53 KB, an
 * edit is one store, and the route search (measures/transit.c) builds its neighbour lists
 * from it once per query. Nodes are named by ISO3, not by store index: the graph does not
 * depend on which store it is used with, and a country missing from a store can still be
 * a transit country.
 */
#include "context.h"

#include <ctype.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/stat.h>

#ifndef LEVER_GEO_DIR
#define LEVER_GEO_DIR ""
#endif
#ifndef LEVER_GEO_SOURCE_DIR
#define LEVER_GEO_SOURCE_DIR ""
#endif

#define MAX_NODES BORDERS_MAX_NODES

static bool has_file(const char *dir, const char *name)
{
    char path[4096];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

const char *lever_borders_default_dir(void)
{
    /* installed beside the binary's prefix; a build tree that was never installed uses the
     * data folder of the sources it was built from */
    if (LEVER_GEO_DIR[0] && has_file(LEVER_GEO_DIR, "contiguity.csv"))
        return LEVER_GEO_DIR;
    if (LEVER_GEO_SOURCE_DIR[0] && has_file(LEVER_GEO_SOURCE_DIR, "contiguity.csv"))
        return LEVER_GEO_SOURCE_DIR;
    return LEVER_GEO_DIR;
}

static bool valid_iso3(const char *s)
{
    if (strlen(s) != 3)
        return false;
    for (int n = 0; n < 3; n++)
        if (!isalpha((unsigned char)s[n]))
            return false;
    return true;
}

int borders_node(const lever_borders *b, const char *iso3)
{
    for (int n = 0; n < b->n_nodes; n++)
        if (strcasecmp(b->nodes[n].iso3, iso3) == 0)
            return n;
    return -1;
}

/* The node of an ISO3 code, created (landlocked, no edges) when absent; -1 when full. */
static int node_make(lever_borders *b, const char *iso3)
{
    int n = borders_node(b, iso3);
    if (n >= 0)
        return n;
    if (b->n_nodes == MAX_NODES)
        return -1;
    n = b->n_nodes++;
    for (int c = 0; c < 3; c++)
        b->nodes[n].iso3[c] = (char)toupper((unsigned char)iso3[c]);
    b->nodes[n].iso3[3] = '\0';
    return n;
}

static void set_edge(lever_borders *b, int u, int v, uint8_t on)
{
    b->adj[(size_t)u * MAX_NODES + (size_t)v] = on;
    b->adj[(size_t)v * MAX_NODES + (size_t)u] = on;
}

bool borders_edge(const lever_borders *b, int u, int v)
{
    return b->adj[(size_t)u * MAX_NODES + (size_t)v] != 0;
}

/* The shipped files start with a header. */
static bool always_header(void *ctx, const text_field *f, int n)
{
    return true;
}

/* A user's file may: its second field then names a column instead of giving a code. */
static bool edit_header(void *ctx, const text_field *f, int n)
{
    return n > 1 && !valid_iso3(f[1].text) && strcasecmp(f[1].text, "SEA") != 0;
}

/* Records must have n_fields fields. */
static int field_count(const text_pos *pos, const text_field *f, int n, int n_fields)
{
    if (n == n_fields)
        return LEVER_OK;
    return text_error_at(pos, f[n - 1].column,
                         "expected %d fields, found %d; write one record per line", n_fields, n);
}

static int code_field(const text_pos *pos, const text_field *f, bool sea_allowed)
{
    if (valid_iso3(f->text) || (sea_allowed && strcasecmp(f->text, "SEA") == 0))
        return LEVER_OK;
    return text_error_at(pos, f->column, "'%s' is not an ISO3 country code%s; write e.g. KAZ",
                         f->text, sea_allowed ? " or SEA" : "");
}

static int contiguity_row(void *ctx, const text_pos *pos, const text_field *f, int n)
{
    lever_borders *b = ctx;
    int rc = field_count(pos, f, n, 2);
    if (!rc)
        rc = code_field(pos, &f[0], false);
    if (!rc)
        rc = code_field(pos, &f[1], false);
    if (rc)
        return rc;
    int u = node_make(b, f[0].text), v = node_make(b, f[1].text);
    if (u < 0 || v < 0)
        return text_error_at(pos, 0, "more than %d countries; the border data is not this", MAX_NODES);
    set_edge(b, u, v, 1);
    return LEVER_OK;
}

static int country_row(void *ctx, const text_pos *pos, const text_field *f, int n)
{
    lever_borders *b = ctx;
    int rc = field_count(pos, f, n, 2);
    if (!rc)
        rc = code_field(pos, &f[0], false);
    if (rc)
        return rc;
    if (strcmp(f[1].text, "0") != 0 && strcmp(f[1].text, "1") != 0)
        return text_error_at(pos, f[1].column, "landlocked is '%s'; write 0 or 1", f[1].text);
    int u = node_make(b, f[0].text);
    if (u < 0)
        return text_error_at(pos, 0, "more than %d countries; the border data is not this", MAX_NODES);
    b->nodes[u].in_data = true;
    set_edge(b, u, BORDERS_SEA, f[1].text[0] == '0');
    return LEVER_OK;
}

static int borders_load_text(const char *dir, lever_borders **out, char *err, size_t errlen)
{
    *out = NULL;
    if (err && errlen)
        err[0] = '\0';
    if (!dir)
        dir = lever_borders_default_dir();
    if (!dir[0] || !has_file(dir, "contiguity.csv"))
        return msg_fail(err, errlen, LEVER_EIO,
                          "no border data in '%s' (contiguity.csv, countries.csv); give the "
                          "folder with --geo DIR or $LEVER_GEO_DIR",
                          dir[0] ? dir : "(none compiled in)");
    lever_borders *b = calloc(1, sizeof *b);
    uint8_t *adj = b ? calloc((size_t)MAX_NODES * MAX_NODES, 1) : NULL;
    if (!adj) {
        free(b);
        return msg_fail(err, errlen, LEVER_ENOMEM, "out of memory for the border graph");
    }
    b->adj = adj;
    b->nodes = calloc(MAX_NODES, sizeof *b->nodes);
    if (!b->nodes) {
        lever_borders_free(b);
        return msg_fail(err, errlen, LEVER_ENOMEM, "out of memory for the border graph");
    }
    snprintf(b->dir, sizeof b->dir, "%s", dir);
    memcpy(b->nodes[BORDERS_SEA].iso3, "SEA", 4);
    b->nodes[BORDERS_SEA].in_data = true;
    b->n_nodes = 1;
    char path[4200];
    snprintf(path, sizeof path, "%s/countries.csv", dir);
    int rc = text_csv_file(path, 2, always_header, country_row, b, err, errlen);
    if (!rc) {
        snprintf(path, sizeof path, "%s/contiguity.csv", dir);
        rc = text_csv_file(path, 2, always_header, contiguity_row, b, err, errlen);
    }
    if (rc) {
        lever_borders_free(b);
        return rc;
    }
    *out = b;
    return LEVER_OK;
}

void lever_borders_free(lever_borders *b)
{
    if (!b)
        return;
    free(b->adj);
    free(b->nodes);
    free(b->edits);
    free(b);
}

/* Records an edit for lever_borders_edits(): "closed AFG-CHN, added KAZ-AFG". */
static void note_edit(lever_borders *b, bool add, int u, int v)
{
    char item[32];
    snprintf(item, sizeof item, "%s%s %s-%s", b->n_edit_chars ? ", " : "",
             add ? "added" : "closed", b->nodes[u].iso3, b->nodes[v].iso3);
    size_t len = strlen(item);
    char *bigger = realloc(b->edits, b->n_edit_chars + len + 1);
    if (!bigger)
        return; /* the description is lost, not the edit */
    memcpy(bigger + b->n_edit_chars, item, len + 1);
    b->edits = bigger;
    b->n_edit_chars += len;
}

static int apply_edit(lever_borders *b, const text_pos *pos, bool add, const text_field *x,
                      const text_field *y)
{
    int rc = code_field(pos, x, true);
    if (!rc)
        rc = code_field(pos, y, true);
    if (rc)
        return rc;
    if (strcasecmp(x->text, y->text) == 0)
        return text_error_at(pos, y->column, "a crossing joins two different countries");
    int u = add ? node_make(b, x->text) : borders_node(b, x->text);
    int v = add ? node_make(b, y->text) : borders_node(b, y->text);
    if (u < 0 || v < 0) {
        const text_field *missing = u < 0 ? x : y;
        return text_error_at(pos, missing->column,
                             "%s is not in the border data, so it has no crossing to close",
                             missing->text);
    }
    if (!add && !borders_edge(b, u, v))
        return text_error_at(pos, x->column,
                             "%s and %s share no crossing in the border data; nothing to close",
                             b->nodes[u].iso3, b->nodes[v].iso3);
    set_edge(b, u, v, add);
    note_edit(b, add, u, v);
    return LEVER_OK;
}

static int borders_close_text(lever_borders *b, const char *list, char *err, size_t errlen)
{
    /* "AFG-CHN,TKM-UZB": each item two codes joined by '-' */
    char *copy = strdup(list);
    if (!copy)
        return msg_fail(err, errlen, LEVER_ENOMEM, "out of memory");
    text_pos pos = {"--closed", 1, err, errlen};
    int rc = LEVER_OK;
    char *save = NULL;
    for (char *item = strtok_r(copy, ",", &save); item && !rc; item = strtok_r(NULL, ",", &save)) {
        char *dash = strchr(item, '-');
        if (!dash) {
            rc = msg_fail(err, errlen, LEVER_EUSAGE,
                            "--closed: '%s' is not a crossing; write two ISO3 codes joined "
                            "by '-' (AFG-CHN)",
                            item);
            break;
        }
        *dash = '\0';
        text_field x = {item, (size_t)(item - copy)}, y = {dash + 1, (size_t)(dash + 1 - copy)};
        rc = apply_edit(b, &pos, false, &x, &y);
        if (rc == LEVER_EINPUT) {
            /* the message reads "--closed:1:COL: ..."; a usage error, not bad data */
            rc = LEVER_EUSAGE;
        }
    }
    free(copy);
    return rc;
}

static int edit_row(void *ctx, const text_pos *pos, const text_field *f, int n)
{
    lever_borders *b = ctx;
    int rc = field_count(pos, f, n, 3);
    if (rc)
        return rc;
    bool add = strcasecmp(f[0].text, "add") == 0;
    if (!add && strcasecmp(f[0].text, "close") != 0)
        return text_error_at(pos, f[0].column, "'%s' is not an edit; write add or close",
                             f[0].text);
    return apply_edit(b, pos, add, &f[1], &f[2]);
}

static int borders_edit_file_text(lever_borders *b, const char *path, char *err, size_t errlen)
{
    return text_csv_file(path, 3, edit_header, edit_row, b, err, errlen);
}

const char *lever_borders_dir(const lever_borders *b)
{
    return b->dir;
}

const char *lever_borders_edits(const lever_borders *b)
{
    return b->edits ? b->edits : "";
}

int lever_borders_neighbours(const lever_borders *b, const char *iso3, char (*out)[4], int max)
{
    int u = borders_node(b, iso3);
    if (u < 0)
        return -1;
    int n = 0;
    for (int v = 0; v < b->n_nodes; v++)
        if (v != u && borders_edge(b, u, v)) {
            if (n < max)
                memcpy(out[n], b->nodes[v].iso3, 4);
            n++;
        }
    return n;
}

/* The public calls fill the caller's lever_error. */

int lever_borders_load(const char *dir, lever_borders **out, lever_error *err)
{
    lever_error scratch;
    lever_error *e = err ? err : &scratch;
    int rc = borders_load_text(dir, out, e->message, sizeof e->message);
    e->code = rc;
    return rc;
}

int lever_borders_close(lever_borders *b, const char *list, lever_error *err)
{
    lever_error scratch;
    lever_error *e = err ? err : &scratch;
    int rc = borders_close_text(b, list, e->message, sizeof e->message);
    e->code = rc;
    return rc;
}

int lever_borders_edit_file(lever_borders *b, const char *path, lever_error *err)
{
    lever_error scratch;
    lever_error *e = err ? err : &scratch;
    int rc = borders_edit_file_text(b, path, e->message, sizeof e->message);
    e->code = rc;
    return rc;
}
