/*
 * isocodes.c - country names and ISO codes from Debian's iso-codes package
 * (LEVER_ISO_CODES_DIR/iso_3166-1.json), for the codes a BACI dictionary did not
 * name (a store built from a trade CSV alone still shows "Algeria", not "12").
 *
 * Why this way: the file is read with jansson once, on first use, into a table
 * indexed by numeric code (0..999), and kept for the life of the process: a
 * store writer asks for a few hundred codes in a row. Not thread-safe (the
 * importer calls it from one thread). A missing or unreadable file only means no
 * names: it is not an error, as iso-codes is an optional package.
 */
#include "store_internal.h"

#include <jansson.h>
#include <stdlib.h>

#define ISO_NUMERIC_MAX 999

typedef struct iso_country {
    char iso3[4];
    char iso2[4];
    char *name;      /* the common name when there is one ("Bolivia"), else the name */
    char *full_name; /* the official name when there is one, else the name */
} iso_country;

static iso_country *iso_table[ISO_NUMERIC_MAX + 1];
static bool iso_loaded;

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

static void load_entry(json_t *entry)
{
    const char *numeric = member_text(entry, "numeric");
    const char *name = member_text(entry, "name");
    if (!numeric || !name)
        return;
    char *end;
    long code = strtol(numeric, &end, 10);
    if (*end || code < 0 || code > ISO_NUMERIC_MAX || iso_table[code])
        return;
    iso_country *c = calloc(1, sizeof *c);
    if (!c)
        return;
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
        return;
    }
    iso_table[code] = c;
}

static void load_iso_codes(void)
{
    iso_loaded = true;
    json_error_t error;
    json_t *root = json_load_file(LEVER_ISO_CODES_DIR "/iso_3166-1.json", 0, &error);
    if (!root)
        return;
    json_t *list = json_object_get(root, "3166-1");
    size_t n;
    json_t *entry;
    json_array_foreach(list, n, entry)
        load_entry(entry);
    json_decref(root);
}

int isocodes_country(int numeric, char iso3[4], char iso2[4], char **name, char **full_name)
{
    if (!iso_loaded)
        load_iso_codes();
    if (numeric < 0 || numeric > ISO_NUMERIC_MAX || !iso_table[numeric])
        return 0;
    const iso_country *c = iso_table[numeric];
    char *n = copy_or_null(c->name), *f = copy_or_null(c->full_name);
    if (!n || !f) {
        free(n);
        free(f);
        return 0;
    }
    memcpy(iso3, c->iso3, 4);
    memcpy(iso2, c->iso2, 4);
    *name = n;
    *full_name = f;
    return 1;
}
