/*
 * zipsrc.c - a BACI release zip as an input: its yearly trade files
 * (BACI_HSxx_Yyyyy_Vzzzzzz.csv) and its dictionaries (country_codes_*.csv,
 * product_codes_*.csv) are read straight from the archive, never extracted.
 *
 * Why this way: a release is several GB uncompressed. libzip lists the members
 * and hands over each member's raw deflate bytes (ZIP_FL_COMPRESSED); libdeflate
 * inflates them in one call into a buffer of the known uncompressed size, which
 * is several times faster than a streaming inflater, and the CRC-32 is checked so
 * a damaged archive is never imported. Stored members are read as they are; any
 * other compression method falls back to libzip's own reader. Each member is
 * parsed by csv.c as "zipname:member" from one buffer reused for every member, so
 * memory holds one member at a time and fresh pages are paid for once. Dictionaries
 * are read before the trade files, and trade files in name order, so the rows do
 * not depend on the order inside the archive.
 */
#include "importer.h"

#include <errno.h>
#include <libdeflate.h>
#include <stdlib.h>
#include <zip.h>

typedef enum { MEMBER_DICTIONARY, MEMBER_TRADE, MEMBER_OTHER } member_kind;

typedef struct member {
    zip_uint64_t index;
    const char *name; /* owned by the archive */
    member_kind kind;
} member;

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool ends_with_csv(const char *s)
{
    size_t n = strlen(s);
    return n > 4 && strcasecmp(s + n - 4, ".csv") == 0;
}

static member_kind kind_of_member(const char *name)
{
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    if (!ends_with_csv(base))
        return MEMBER_OTHER;
    if (starts_with(base, "country_codes_") || starts_with(base, "product_codes_"))
        return MEMBER_DICTIONARY;
    if (starts_with(base, "BACI_") && strstr(base, "_Y"))
        return MEMBER_TRADE;
    return MEMBER_OTHER;
}

static int member_order(const void *a, const void *b)
{
    const member *x = a, *y = b;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    return strcmp(x->name, y->name);
}

static int zip_fail(lever_import *imp, const char *name, zip_error_t *error, const char *what)
{
    int rc = import_fail(imp, LEVER_EIO,
                         "%s: %s: %s; the archive may be truncated or damaged: download it "
                         "again",
                         name, what, zip_error_strerror(error));
    zip_error_fini(error);
    return rc;
}

/* Reads exactly len bytes of an open member. */
static bool read_member_bytes(zip_file_t *f, char *buf, zip_uint64_t len)
{
    zip_uint64_t got = 0;
    while (got < len) {
        zip_int64_t n = zip_fread(f, buf + got, len - got);
        if (n <= 0)
            return false;
        got += (zip_uint64_t)n;
    }
    return true;
}

/* Buffers reused from member to member: fresh memory costs a page fault per page, so a
 * release of thirty yearly files pays for the largest member once, not thirty times. */
typedef struct member_buffers {
    char *data, *packed;
    size_t data_cap, packed_cap;
} member_buffers;

static bool ensure_capacity(char **buf, size_t *cap, size_t need)
{
    if (need <= *cap)
        return true;
    free(*buf);
    *buf = malloc(need);
    *cap = *buf ? need : 0;
    if (*buf)
        import_prefer_huge_pages(*buf, need);
    return *buf != NULL;
}

/* Inflates (or copies) one member into bufs->data; its size goes to *len. */
static int read_member(lever_import *imp, zip_t *z, const member *m, const char *source_name,
                       struct libdeflate_decompressor *inflater, member_buffers *bufs,
                       size_t *len)
{
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(z, m->index, 0, &st) != 0)
        return import_fail(imp, LEVER_EIO, "%s: cannot read the member's entry: %s",
                           source_name, zip_strerror(z));
    if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE)
        return import_fail(imp, LEVER_EINPUT,
                           "%s: the member is encrypted; give lever an unencrypted BACI zip",
                           source_name);
    if (st.size > SIZE_MAX - 1 || st.comp_size > SIZE_MAX - 1)
        return import_fail(imp, LEVER_ELIMIT, "%s: the member is too large", source_name);
    bool raw = st.comp_method == ZIP_CM_DEFLATE;
    if (!ensure_capacity(&bufs->data, &bufs->data_cap, st.size + 1) ||
        (raw && !ensure_capacity(&bufs->packed, &bufs->packed_cap, st.comp_size + 1)))
        return import_fail(imp, LEVER_ENOMEM, "%s: out of memory for %llu bytes", source_name,
                           (unsigned long long)st.size);
    zip_file_t *f = zip_fopen_index(z, m->index, raw ? ZIP_FL_COMPRESSED : 0);
    bool ok = f && read_member_bytes(f, raw ? bufs->packed : bufs->data,
                                     raw ? st.comp_size : st.size);
    const char *why = f ? zip_file_strerror(f) : zip_strerror(z);
    int rc = LEVER_OK;
    if (!ok) {
        rc = import_fail(imp, LEVER_EIO,
                         "%s: cannot read the member: %s; the archive may be truncated or "
                         "damaged: download it again",
                         source_name, why);
    } else if (raw) {
        size_t actual = 0;
        enum libdeflate_result r = libdeflate_deflate_decompress(
            inflater, bufs->packed, st.comp_size, bufs->data, st.size, &actual);
        if (r != LIBDEFLATE_SUCCESS || actual != st.size)
            rc = import_fail(imp, LEVER_EIO,
                             "%s: the compressed data is damaged; download the archive again",
                             source_name);
        else if ((st.valid & ZIP_STAT_CRC) && libdeflate_crc32(0, bufs->data, st.size) != st.crc)
            rc = import_fail(imp, LEVER_EIO,
                             "%s: checksum mismatch (CRC-32); the archive is damaged: download "
                             "it again",
                             source_name);
    }
    if (f)
        zip_fclose(f);
    *len = st.size;
    return rc;
}

/* Lists the BACI members in reading order; *n_out is 0 when there is none. */
static int list_members(lever_import *imp, zip_t *z, const char *name, member **out,
                        size_t *n_out, uint64_t *bytes)
{
    zip_int64_t n = zip_get_num_entries(z, 0);
    member *list = calloc(n > 0 ? (size_t)n : 1, sizeof *list);
    if (!list)
        return import_fail(imp, LEVER_ENOMEM, "%s: out of memory", name);
    size_t count = 0;
    *bytes = 0;
    for (zip_int64_t e = 0; e < n; e++) {
        zip_stat_t st;
        zip_stat_init(&st);
        if (zip_stat_index(z, (zip_uint64_t)e, 0, &st) != 0 || !(st.valid & ZIP_STAT_NAME))
            continue;
        member_kind kind = kind_of_member(st.name);
        if (kind == MEMBER_OTHER)
            continue;
        list[count++] = (member){(zip_uint64_t)e, st.name, kind};
        *bytes += st.size;
    }
    qsort(list, count, sizeof *list, member_order);
    *out = list;
    *n_out = count;
    return LEVER_OK;
}

static int read_members(lever_import *imp, zip_t *z, const char *name, const member *list,
                        size_t count)
{
    struct libdeflate_decompressor *inflater = libdeflate_alloc_decompressor();
    if (!inflater)
        return import_fail(imp, LEVER_ENOMEM, "%s: out of memory", name);
    int rc = LEVER_OK;
    member_buffers bufs = {0};
    for (size_t n = 0; n < count && !rc; n++) {
        size_t name_len = strlen(name) + strlen(list[n].name) + 2;
        char *source_name = malloc(name_len);
        if (!source_name) {
            rc = import_fail(imp, LEVER_ENOMEM, "%s: out of memory", name);
            break;
        }
        snprintf(source_name, name_len, "%s:%s", name, list[n].name);
        size_t len = 0;
        rc = read_member(imp, z, &list[n], source_name, inflater, &bufs, &len);
        if (!rc) {
            import_input in = {.name = source_name, .path = NULL, .data = bufs.data, .len = len};
            rc = import_parse_input(imp, &in);
        }
        free(source_name);
    }
    free(bufs.data);
    free(bufs.packed);
    libdeflate_free_decompressor(inflater);
    return rc;
}

int zipsrc_add(lever_import *imp, const char *path, const char *name)
{
    char hs[16], release[32];
    import_meta_from_name(name, hs, release);
    int rc = import_note_meta(imp, name, hs, release);
    if (rc)
        return rc;
    int code = 0;
    zip_t *z = zip_open(path, ZIP_RDONLY, &code);
    if (!z) {
        zip_error_t error;
        zip_error_init_with_code(&error, code);
        if (code == ZIP_ER_OPEN || code == ZIP_ER_READ)
            return import_fail(imp, LEVER_EIO, "%s: cannot read: %s", name,
                               zip_error_strerror(&error));
        return zip_fail(imp, name, &error, "not a readable zip archive");
    }
    member *list = NULL;
    size_t count = 0;
    uint64_t bytes = 0;
    rc = list_members(imp, z, name, &list, &count, &bytes);
    if (!rc && count == 0)
        rc = import_fail(imp, LEVER_EINPUT,
                         "%s: no BACI file inside (BACI_HSxx_Yyyyy_Vzzzzzz.csv, "
                         "country_codes_*.csv, product_codes_*.csv); give a BACI release zip "
                         "or the CSV files themselves",
                         name);
    if (!rc) {
        import_state *st = import_state_of(imp);
        st->bytes_planned = st->bytes_before + bytes;
        rc = read_members(imp, z, name, list, count);
        st->bytes_planned = 0;
    }
    free(list);
    zip_discard(z);
    return rc;
}
