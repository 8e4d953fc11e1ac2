/*
 * isocodes.c - country names and ISO codes from Debian's iso-codes package
 * (LEVER_ISO_CODES_DIR/iso_3166-1.json), for the codes a BACI dictionary did not
 * name (a store built from a trade CSV alone still shows "Algeria", not "12").
 *
 * Why this way: the file is read with jansson once, on first use, into a table
 * indexed by numeric code (0..999), and kept for the life of the process: a
 * store writer asks for a few hundred codes in a row. Loaded and read under a mutex,
 * so imports in several threads may ask at once. A missing file only means no names:
 * it is not an error, as iso-codes is an optional package. A file that is there but
 * cannot be read whole is one (-1), since it would otherwise leave countries silently
 * unnamed: jansson reports its allocation failures sometimes as "out of memory" and
 * sometimes as a syntax error, so the two cannot be told apart, and Debian's file is
 * well-formed. The table is then emptied and the next call tries again. Worse, jansson's
 * lexer drops a character of a string when growing its buffer fails, and still reports
 * success ("Afghanista"): so the load goes through allocation functions that note a
 * failure on the loading thread (json_set_alloc_funcs, chained to those in place), and a
 * load during which any allocation failed is a failed load.
 */
#include "store_internal.h"

#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>

#define ISO_NUMERIC_MAX 999

typedef struct iso_country {
    char iso3[4];
    char iso2[4];
    char *name;      /* the common name when there is one ("Bolivia"), else the name */
    char *full_name; /* the official name when there is one, else the name */
} iso_country;

static iso_country *iso_table[ISO_NUMERIC_MAX + 1];
static pthread_mutex_t iso_lock = PTHREAD_MUTEX_INITIALIZER;
static bool iso_loaded; /* under iso_lock, as iso_table */

static char *copy_or_null(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static const char *member_text(json_t *entry, const char *key)
{
    return json_string_value(json_object_get(entry, key));
}

static int load_entry(json_t *entry)
{
    const char *numeric = member_text(entry, "numeric");
    const char *name = member_text(entry, "name");
    if (!numeric || !name)
        return 0;
    char *end;
    long code = strtol(numeric, &end, 10);
    if (*end || code < 0 || code > ISO_NUMERIC_MAX || iso_table[code])
        return 0;
    iso_country *c = calloc(1, sizeof *c);
    if (!c)
        return -1;
    const char *common = member_text(entry, "common_name");
    const char *official = member_text(entry, "official_name");
    const char *alpha3 = member_text(entry, "alpha_3"), *alpha2 = member_text(entry, "alpha_2");
    snprintf(c->iso3, sizeof c->iso3, "%s", alpha3 ? alpha3 : "");
    snprintf(c->iso2, sizeof c->iso2, "%s", alpha2 ? alpha2 : "");
    c->name = copy_or_null(common ? common : name);
    c->full_name = copy_or_null(official ? official : name);
    if (!c->name || !c->full_name) {
        free(c->name);
        free(c->full_name);
        free(c);
        return -1;
    }
    iso_table[code] = c;
    return 0;
}

static void empty_table(void)
{
    for (size_t n = 0; n <= ISO_NUMERIC_MAX; n++) {
        if (iso_table[n]) {
            free(iso_table[n]->name);
            free(iso_table[n]->full_name);
            free(iso_table[n]);
            iso_table[n] = NULL;
        }
    }
}

/* jansson's allocations, noting a failure on the thread it happens in */
static json_malloc_t json_prev_malloc;
static json_free_t json_prev_free;
static _Thread_local bool json_alloc_failed;

static void *json_malloc_noted(size_t n)
{
    void *p = json_prev_malloc(n);
    if (!p)
        json_alloc_failed = true;
    return p;
}

static void json_free_chained(void *p)
{
    json_prev_free(p);
}

static void json_alloc_hook(void)
{
    json_get_alloc_funcs(&json_prev_malloc, &json_prev_free);
    if (!json_prev_malloc || !json_prev_free) {
        json_prev_malloc = malloc;
        json_prev_free = free;
    }
    json_set_alloc_funcs(json_malloc_noted, json_free_chained);
}

/* 0 loaded (or no file: no names), -1 the file is there but could not be read whole. */
static int load_iso_codes(void)
{
    static pthread_once_t hooked = PTHREAD_ONCE_INIT;
    pthread_once(&hooked, json_alloc_hook);
    FILE *f = fopen(LEVER_ISO_CODES_DIR "/iso_3166-1.json", "rb");
    if (!f)
        return errno == ENOENT || errno == EACCES || errno == ENOTDIR ? 0 : -1;
    json_error_t error;
    json_alloc_failed = false;
    json_t *root = json_loadf(f, 0, &error);
    fclose(f);
    if (root && json_alloc_failed) {
        json_decref(root);
        root = NULL;
    }
    if (!root)
        return -1;
    json_t *list = json_object_get(root, "3166-1");
    size_t n;
    json_t *entry;
    int rc = 0;
    json_array_foreach(list, n, entry) {
        if (load_entry(entry) < 0) {
            rc = -1;
            break;
        }
    }
    json_decref(root);
    if (rc < 0)
        empty_table();
    return rc;
}

int isocodes_country(int numeric, char iso3[4], char iso2[4], char **name, char **full_name)
{
    int rc = 0;
    pthread_mutex_lock(&iso_lock);
    if (!iso_loaded) {
        if (load_iso_codes() < 0) {
            pthread_mutex_unlock(&iso_lock);
            return -1;
        }
        iso_loaded = true;
    }
    const iso_country *c =
        numeric >= 0 && numeric <= ISO_NUMERIC_MAX ? iso_table[numeric] : NULL;
    if (c) {
        char *n = copy_or_null(c->name), *f = copy_or_null(c->full_name);
        if (n && f) {
            memcpy(iso3, c->iso3, 4);
            memcpy(iso2, c->iso2, 4);
            *name = n;
            *full_name = f;
            rc = 1;
        } else {
            free(n);
            free(f);
            rc = -1;
        }
    }
    pthread_mutex_unlock(&iso_lock);
    return rc;
}
