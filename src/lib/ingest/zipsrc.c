/*
 * zipsrc.c - a BACI release zip as an input: its yearly trade files
 * (BACI_HSxx_Yyyyy_Vzzzzzz.csv) and its dictionaries (country_codes_*.csv,
 * product_codes_*.csv) are read straight from the archive, never extracted.
 *
 * Why this way: a release is several GB uncompressed, and reading it must cost
 * little more than reading the same CSV files.
 *  - The archive is mapped read-only (by the importer) and its central directory is
 *    read here. The part of the zip format lever needs is small (the end record and
 *    its zip64 form; per member its name, method, flags, sizes, CRC-32 and local header), so
 *    no zip library is linked: every lever command, most of which never see a zip,
 *    would otherwise load one and what it depends on (a crypto library among them)
 *    at each start.
 *  - A deflated member whose size is plausible (oneshot()) is inflated by libdeflate in
 *    one call, straight from the mapped archive into a buffer of its uncompressed size
 *    (several times faster than a streaming inflater); any other is inflated by zlib in
 *    pieces of at most IMPORT_PIECE_BYTES handed to the importer one after the other
 *    (sink_parse_stream), so memory never depends on what a header claims: a zip of
 *    20 MB whose member claims (or inflates to) 20 GB costs one piece, and is refused
 *    as soon as a piece is not CSV. A stored member is parsed in place. The CRC-32
 *    and size of every member are checked, so a damaged archive is never imported.
 *    Only stored and deflated members are read: that is what BACI releases and the
 *    usual zip tools write; any other method gets a clear error.
 *  - Fresh memory costs a page fault per page, so the buffers are sized once for
 *    the largest member and reused, and the rows of all the trade files are
 *    reserved before the first one is parsed (csv.c would otherwise grow the row
 *    arrays member by member, copying the rows parsed so far into fresh memory).
 *  - While member n is parsed (csv.c, on several threads), member n+1 is inflated
 *    by another thread into the other of two buffers, so inflating overlaps
 *    parsing; with one thread asked for, members are read one after the other.
 * Each member goes back to the importer (sink_parse_member) as "zipname:member". Dictionaries are read before
 * the trade files, and trade files in name order, so the rows do not depend on the
 * order inside the archive.
 */
#include "parser.h"

#include <errno.h>
#include <fcntl.h>
#include <libdeflate.h>
#include <pthread.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* Zip format (PKWARE APPNOTE): record signatures and fixed sizes. */
#define SIG_LOCAL 0x04034b50u
#define SIG_CENTRAL 0x02014b50u
#define SIG_END 0x06054b50u
#define SIG_END64 0x06064b50u
#define SIG_END64_LOCATOR 0x07064b50u
#define LOCAL_BYTES 30
#define CENTRAL_BYTES 46
#define END_BYTES 22
#define END64_BYTES 56
#define LOCATOR_BYTES 20
#define MAX_COMMENT 0xFFFF
#define EXTRA_ZIP64 0x0001
#define FLAG_ENCRYPTED 0x0001
#define FLAG_STRONG_ENCRYPTION 0x0040
#define METHOD_STORE 0
#define METHOD_DEFLATE 8
#define METHOD_AES 99
#define DAMAGED "the archive may be truncated or damaged: download it again"
/* A deflated member is inflated whole when its header claims at most ONESHOT_BYTES and
 * at most ONESHOT_RATIO times its compressed size (a CSV deflates 3 to 6 times), so the
 * memory a header can make lever take is bounded by the archive's own size; any other
 * member (a bomb, a lie) is inflated in pieces. */
#define ONESHOT_BYTES ((uint64_t)1 << 30)
#define ONESHOT_RATIO 16


typedef enum { MEMBER_DICTIONARY, MEMBER_TRADE, MEMBER_OTHER } member_kind;

typedef struct member {
    char *name; /* NUL-terminated copy of the entry's name */
    member_kind kind;
    uint16_t flags, method;
    uint32_t crc;
    uint64_t comp_size, size, header_offset;
} member;

static bool oneshot(const member *m)
{
    return m->size <= ONESHOT_BYTES && m->size / ONESHOT_RATIO <= m->comp_size;
}

typedef struct archive {
    const unsigned char *map;
    size_t size;
    uint64_t dir_offset, dir_bytes, entries;
    bool split; /* an end record of a multi-part archive was met */
} archive;

static uint16_t le16(const unsigned char *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const unsigned char *p)
{
    return le32(p) | (uint64_t)le32(p + 4) << 32;
}

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

/* ------------------------------------------------------------------ */
/* Central directory                                                   */
/* ------------------------------------------------------------------ */

/* Finds the end of central directory record (and its zip64 form, for archives or
 * directories beyond 4 GB or 65535 entries) and takes from it where the directory
 * is, its size and its number of entries. Records nearest the end of the file are
 * tried first; one counts only if the directory it describes lies before it and
 * starts with an entry, so bytes that merely look like a record are passed over. */
static bool find_directory(archive *a)
{
    if (a->size < END_BYTES)
        return false;
    size_t last = a->size - END_BYTES;
    size_t lowest = last > MAX_COMMENT ? last - MAX_COMMENT : 0;
    for (size_t pos = last + 1; pos-- > lowest;) {
        const unsigned char *e = a->map + pos;
        if (le32(e) != SIG_END || le16(e + 20) > a->size - pos - END_BYTES)
            continue;
        if (le16(e + 4) != 0 || le16(e + 6) != 0) {
            a->split = true;
            continue;
        }
        uint64_t entries = le16(e + 10), bytes = le32(e + 12), offset = le32(e + 16);
        uint64_t limit = pos; /* the directory ends before this */
        if (pos >= LOCATOR_BYTES && le32(e - LOCATOR_BYTES) == SIG_END64_LOCATOR) {
            uint64_t at = le64(e - LOCATOR_BYTES + 8);
            if (at > pos - LOCATOR_BYTES || pos - LOCATOR_BYTES - at < END64_BYTES ||
                le32(a->map + at) != SIG_END64)
                continue;
            entries = le64(a->map + at + 32);
            bytes = le64(a->map + at + 40);
            offset = le64(a->map + at + 48);
            limit = at;
        }
        if (offset > limit || bytes > limit - offset || entries > bytes / CENTRAL_BYTES)
            continue;
        if (entries > 0 && le32(a->map + offset) != SIG_CENTRAL)
            continue;
        a->dir_offset = offset;
        a->dir_bytes = bytes;
        a->entries = entries;
        return true;
    }
    return false;
}

/* Sizes and offset of 0xFFFFFFFF are in the zip64 extra field, in this order. */
static bool apply_zip64_extra(member *m, const unsigned char *x, size_t len)
{
    bool need_size = m->size == UINT32_MAX, need_comp = m->comp_size == UINT32_MAX,
         need_offset = m->header_offset == UINT32_MAX;
    while (len >= 4) {
        size_t id = le16(x), n = le16(x + 2);
        if (n > len - 4)
            break;
        if (id == EXTRA_ZIP64) {
            const unsigned char *f = x + 4;
            size_t left = n;
            uint64_t *fields[3] = {need_size ? &m->size : NULL, need_comp ? &m->comp_size : NULL,
                                   need_offset ? &m->header_offset : NULL};
            for (int k = 0; k < 3; k++) {
                if (!fields[k])
                    continue;
                if (left < 8)
                    return false;
                *fields[k] = le64(f);
                f += 8;
                left -= 8;
            }
            return true;
        }
        x += 4 + n;
        len -= 4 + n;
    }
    return !need_size && !need_comp && !need_offset;
}

static void free_members(member *list, size_t count)
{
    for (size_t n = 0; n < count; n++)
        free(list[n].name);
    free(list);
}

/* Lists the BACI members in reading order; *n_out is 0 when there is none. */
static int list_members(import_sink *imp, const archive *a, const char *name, member **out,
                        size_t *n_out, uint64_t *bytes)
{
    member *list = calloc(a->entries ? a->entries : 1, sizeof *list);
    if (!list)
        return sink_fail(imp, LEVER_ENOMEM, "%s: out of memory", name);
    const unsigned char *p = a->map + a->dir_offset, *end = p + a->dir_bytes;
    size_t count = 0;
    *bytes = 0;
    for (uint64_t e = 0; e < a->entries; e++) {
        if ((size_t)(end - p) < CENTRAL_BYTES || le32(p) != SIG_CENTRAL) {
            free_members(list, count);
            return sink_fail(imp, LEVER_EIO, "%s: the zip's central directory is damaged; "
                               DAMAGED, name);
        }
        size_t name_len = le16(p + 28), extra_len = le16(p + 30), comment_len = le16(p + 32);
        const unsigned char *text = p + CENTRAL_BYTES;
        member m = {.flags = le16(p + 8), .method = le16(p + 10), .crc = le32(p + 16),
                    .comp_size = le32(p + 20), .size = le32(p + 24),
                    .header_offset = le32(p + 42)};
        if ((size_t)(end - text) < name_len + extra_len + comment_len ||
            !apply_zip64_extra(&m, text + name_len, extra_len)) {
            free_members(list, count);
            return sink_fail(imp, LEVER_EIO, "%s: the zip's central directory is damaged; "
                               DAMAGED, name);
        }
        p = text + name_len + extra_len + comment_len;
        m.name = malloc(name_len + 1);
        if (!m.name) {
            free_members(list, count);
            return sink_fail(imp, LEVER_ENOMEM, "%s: out of memory", name);
        }
        memcpy(m.name, text, name_len);
        m.name[name_len] = 0;
        m.kind = kind_of_member(m.name);
        if (m.kind == MEMBER_OTHER) {
            free(m.name);
            continue;
        }
        list[count++] = m;
        *bytes += m.size;
    }
    sort_items(list, count, sizeof *list, member_order);
    *out = list;
    *n_out = count;
    return LEVER_OK;
}

/* ------------------------------------------------------------------ */
/* Members                                                             */
/* ------------------------------------------------------------------ */

/* One member made ready for the parser, possibly on another thread: so it never
 * touches the import, and its failure is a code and a message for the caller. */
typedef struct member_job {
    const archive *a;
    const member *m;
    char *source_name; /* "zipname:member", owned */
    struct libdeflate_decompressor *inflater;
    char *buffer;      /* for a deflated member: at least m->size bytes */
    const char *data;  /* the member's bytes: in buffer, or in the mapped archive */
    bool streamed;     /* inflated in pieces by read_inflated, not here */
    int rc;
    char message[1024];
} member_job;

#define JOB_FAIL(job, code, ...)                                                                \
    do {                                                                                       \
        (job)->rc = (code);                                                                    \
        snprintf((job)->message, sizeof (job)->message, __VA_ARGS__);                           \
    } while (0)

/* Where the member's bytes start: after its local header, which repeats the name and
 * has its own extra field. They must end before the central directory. */
static const unsigned char *member_bytes(const archive *a, const member *m)
{
    uint64_t at = m->header_offset, limit = a->dir_offset;
    if (at > limit || limit - at < LOCAL_BYTES || le32(a->map + at) != SIG_LOCAL)
        return NULL;
    uint64_t start = at + LOCAL_BYTES + le16(a->map + at + 26) + le16(a->map + at + 28);
    if (start > limit || limit - start < m->comp_size)
        return NULL;
    return a->map + start;
}

/* Asks the kernel to map the archive's pages of this range at once rather than one
 * fault at a time (ignored where the kernel cannot). */
static void populate(const void *p, size_t len)
{
#ifdef MADV_POPULATE_READ
    const uintptr_t page = 4096;
    uintptr_t from = (uintptr_t)p & ~(page - 1), to = (uintptr_t)p + len;
    if (len)
        madvise((void *)from, to - from, MADV_POPULATE_READ);
#else
    (void)p;
    (void)len;
#endif
}

static void prepare_member(member_job *job)
{
    const member *m = job->m;
    const char *source_name = job->source_name;
    job->rc = LEVER_OK;
    job->data = NULL;
    if ((m->flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION)) || m->method == METHOD_AES) {
        JOB_FAIL(job, LEVER_EINPUT,
                 "%s: the member is encrypted; give lever an unencrypted BACI zip", source_name);
        return;
    }
    if (m->method != METHOD_STORE && m->method != METHOD_DEFLATE) {
        JOB_FAIL(job, LEVER_EINPUT,
                 "%s: the member is compressed with method %u, which lever does not read "
                 "(only stored or deflated members); unpack the archive and import its CSV "
                 "files",
                 source_name, (unsigned)m->method);
        return;
    }
    if (m->size > SIZE_MAX - 1 || m->comp_size > SIZE_MAX - 1) {
        JOB_FAIL(job, LEVER_ELIMIT, "%s: the member is too large", source_name);
        return;
    }
    const unsigned char *packed = member_bytes(job->a, m);
    if (!packed || (m->method == METHOD_STORE && m->comp_size != m->size)) {
        JOB_FAIL(job, LEVER_EIO, "%s: cannot read the member: its header is damaged; " DAMAGED,
                 source_name);
        return;
    }
    if (m->method == METHOD_DEFLATE && !oneshot(m)) {
        job->streamed = true;
        job->data = (const char *)packed;
        return;
    }
    populate(packed, m->comp_size);
    if (m->method == METHOD_STORE) {
        job->data = (const char *)packed;
    } else {
        size_t actual = 0;
        enum libdeflate_result r = libdeflate_deflate_decompress(
            job->inflater, packed, m->comp_size, job->buffer, m->size, &actual);
        if (r != LIBDEFLATE_SUCCESS || actual != m->size) {
            JOB_FAIL(job, LEVER_EIO,
                     "%s: the compressed data is damaged; download the archive again",
                     source_name);
            return;
        }
        job->data = job->buffer;
    }
    if (libdeflate_crc32(0, job->data, m->size) != m->crc)
        JOB_FAIL(job, LEVER_EIO,
                 "%s: checksum mismatch (CRC-32); the archive is damaged: download it again",
                 source_name);
}

static void *prepare_member_thread(void *arg)
{
    prepare_member(arg);
    return NULL;
}

/* Before the first trade file is parsed: reserves rows for all of them, estimated from
 * the line length at its start like csv.c does for one file. Failing here is not an
 * error: csv.c then grows the rows as it goes. */
static void reserve_trade_rows(import_sink *imp, const char *data, size_t len,
                               uint64_t trade_bytes)
{
    size_t sample = len < ((size_t)1 << 16) ? len : ((size_t)1 << 16);
    size_t lines = 0;
    for (const char *p = data, *e = data + sample; (p = memchr(p, '\n', (size_t)(e - p))); p++)
        lines++;
    if (lines < 2)
        return;
    double per_line = (double)sample / (double)lines;
    lever_rows *r = sink_rows(imp);
    rows_reserve(r, (size_t)((double)trade_bytes / per_line * 1.02) + 16);
}

/* A big deflated member inflated as the parser asks for it (import_read_fn). */
typedef struct inflating {
    z_stream z;
    const member *m;
    const char *name;
    const unsigned char *packed;
    uint64_t fed, out; /* compressed bytes given to zlib, bytes inflated */
    uint32_t crc;
    bool ended;
} inflating;

static ssize_t read_inflated(import_sink *imp, void *ud, char *buf, size_t cap)
{
    inflating *f = ud;
    if (f->ended)
        return 0;
    f->z.next_out = (unsigned char *)buf;
    f->z.avail_out = (uInt)cap;
    while (f->z.avail_out > 0 && !f->ended) {
        if (f->z.avail_in == 0 && f->fed < f->m->comp_size) {
            uint64_t left = f->m->comp_size - f->fed;
            f->z.next_in = (unsigned char *)(f->packed + f->fed);
            f->z.avail_in = (uInt)(left < ((uint64_t)1 << 30) ? left : (uint64_t)1 << 30);
            f->fed += f->z.avail_in;
        }
        int r = inflate(&f->z, Z_NO_FLUSH);
        if (r == Z_STREAM_END) {
            f->ended = true;
        } else if (r != Z_OK) {
            sink_fail(imp, LEVER_EIO,
                      "%s: the compressed data is damaged%s; download the archive again",
                      f->name, r == Z_BUF_ERROR ? " (it ends too soon)" : "");
            return -1;
        }
    }
    size_t got = cap - f->z.avail_out;
    f->crc = libdeflate_crc32(f->crc, buf, got);
    f->out += got;
    if (f->out > f->m->size || (f->ended && f->out != f->m->size)) {
        sink_fail(imp, LEVER_EIO,
                  "%s: the member inflates to %s bytes than its header says (%llu); " DAMAGED,
                  f->name, f->out > f->m->size ? "more" : "fewer",
                  (unsigned long long)f->m->size);
        return -1;
    }
    if (f->ended && f->crc != f->m->crc) {
        sink_fail(imp, LEVER_EIO,
                  "%s: checksum mismatch (CRC-32); the archive is damaged: download it again",
                  f->name);
        return -1;
    }
    return (ssize_t)got;
}

static int read_streamed(import_sink *imp, const member_job *job)
{
    inflating f = {.m = job->m, .name = job->source_name,
                   .packed = (const unsigned char *)job->data};
    if (inflateInit2(&f.z, -15) != Z_OK)
        return sink_fail(imp, LEVER_ENOMEM, "%s: out of memory", job->source_name);
    int rc = sink_parse_stream(imp, job->source_name, read_inflated, &f);
    inflateEnd(&f.z);
    return rc;
}

/* Two buffers, each sized for the largest deflated member, allocated when first used. */
typedef struct member_buffers {
    char *data[2];
    size_t bytes;
} member_buffers;

/* Bytes of a buffer that holds the largest deflated member (and one more). */
static size_t buffer_bytes(const member *list, size_t count)
{
    size_t bytes = 1;
    for (size_t n = 0; n < count; n++)
        if (list[n].method == METHOD_DEFLATE && oneshot(&list[n]) && list[n].size < SIZE_MAX &&
            list[n].size >= bytes)
            bytes = (size_t)list[n].size + 1;
    return bytes;
}

/* Sets up job for list[n]: its name and, when deflated, buffer n % 2. */
static int setup_job(import_sink *imp, const char *name, const archive *a, const member *list,
                     size_t n, struct libdeflate_decompressor *inflater, member_buffers *bufs,
                     member_job *job)
{
    size_t name_len = strlen(name) + strlen(list[n].name) + 2;
    *job = (member_job){.a = a, .m = &list[n], .inflater = inflater};
    job->source_name = malloc(name_len);
    if (!job->source_name)
        return sink_fail(imp, LEVER_ENOMEM, "%s: out of memory", name);
    snprintf(job->source_name, name_len, "%s:%s", name, list[n].name);
    if (list[n].method != METHOD_DEFLATE || !oneshot(&list[n]))
        return LEVER_OK;
    char **buf = &bufs->data[n % 2];
    if (!*buf && !(*buf = big_alloc(bufs->bytes)))
        return sink_fail(imp, LEVER_ENOMEM, "%s: out of memory for %llu bytes",
                           job->source_name, (unsigned long long)bufs->bytes);
    job->buffer = *buf;
    return LEVER_OK;
}

static int read_members(import_sink *imp, const archive *a, const char *name,
                        const member *list, size_t count)
{
    member_buffers bufs = {{NULL, NULL}, buffer_bytes(list, count)};
    uint64_t trade_bytes = 0;
    for (size_t n = 0; n < count; n++)
        if (list[n].kind == MEMBER_TRADE)
            trade_bytes += list[n].size;
    struct libdeflate_decompressor *inflater = libdeflate_alloc_decompressor();
    if (!inflater)
        return sink_fail(imp, LEVER_ENOMEM, "%s: out of memory", name);
    bool overlap = sink_threads(imp) > 1;
    bool reserved = false;
    member_job jobs[2] = {{0}, {0}};
    int rc = setup_job(imp, name, a, list, 0, inflater, &bufs, &jobs[0]);
    if (!rc)
        prepare_member(&jobs[0]);
    for (size_t n = 0; n < count && !rc; n++) {
        member_job *job = &jobs[n % 2], *next = &jobs[(n + 1) % 2];
        if (job->rc) {
            rc = sink_fail(imp, job->rc, "%s", job->message);
            break;
        }
        bool has_next = n + 1 < count, started = false;
        pthread_t tid;
        if (has_next) {
            rc = setup_job(imp, name, a, list, n + 1, inflater, &bufs, next);
            if (rc)
                break;
            started = overlap && pthread_create(&tid, NULL, prepare_member_thread, next) == 0;
        }
        if (list[n].kind == MEMBER_TRADE && !reserved && !job->streamed) {
            reserve_trade_rows(imp, job->data, list[n].size, trade_bytes);
            reserved = true;
        }
        import_input in = {.name = job->source_name, .path = NULL, .data = job->data,
                           .len = list[n].size};
        rc = job->streamed ? read_streamed(imp, job) : sink_parse_member(imp, &in);
        if (started)
            pthread_join(tid, NULL);
        else if (has_next && !rc)
            prepare_member(next);
        free(job->source_name);
        job->source_name = NULL;
    }
    free(jobs[0].source_name);
    free(jobs[1].source_name);
    big_free(bufs.data[0], bufs.bytes);
    big_free(bufs.data[1], bufs.bytes);
    libdeflate_free_decompressor(inflater);
    return rc;
}

/* ------------------------------------------------------------------ */
/* The archive                                                         */
/* ------------------------------------------------------------------ */

static int read_archive(import_sink *imp, const archive *a, const char *name,
                        const member *list, size_t count, uint64_t bytes)
{
    sink_plan_bytes(imp, bytes);
    int rc = read_members(imp, a, name, list, count);
    sink_plan_bytes(imp, 0);
    return rc;
}

/* Inflates every BACI member and checks its CRC-32, parsing nothing (zip_check). */
static int check_archive(import_sink *imp, const archive *a, const char *name,
                         const member *list, size_t count, uint64_t bytes)
{
    (void)bytes;
    member_buffers bufs = {{NULL, NULL}, buffer_bytes(list, count)};
    struct libdeflate_decompressor *inflater = libdeflate_alloc_decompressor();
    int rc = inflater ? LEVER_OK : sink_fail(imp, LEVER_ENOMEM, "%s: out of memory", name);
    for (size_t n = 0; n < count && !rc; n++) {
        member_job job;
        rc = setup_job(imp, name, a, list, n, inflater, &bufs, &job);
        if (!rc) {
            prepare_member(&job);
            if (job.rc)
                rc = sink_fail(imp, job.rc, "%s", job.message);
        }
        free(job.source_name);
    }
    big_free(bufs.data[0], bufs.bytes);
    big_free(bufs.data[1], bufs.bytes);
    if (inflater)
        libdeflate_free_decompressor(inflater);
    return rc;
}

/* Lists the archive's BACI members (failing when there is none) and runs step on them. */
static int with_members(import_sink *imp, const archive *a, const char *name,
                        int (*step)(import_sink *, const archive *, const char *,
                                    const member *, size_t, uint64_t))
{
    member *list = NULL;
    size_t count = 0;
    uint64_t bytes = 0;
    int rc = list_members(imp, a, name, &list, &count, &bytes);
    if (rc)
        return rc;
    if (count == 0)
        rc = sink_fail(imp, LEVER_EINPUT,
                       "%s: no BACI file inside (BACI_HSxx_Yyyyy_Vzzzzzz.csv, "
                       "country_codes_*.csv, product_codes_*.csv); give a BACI release zip "
                       "or the CSV files themselves",
                       name);
    else
        rc = step(imp, a, name, list, count, bytes);
    free_members(list, count);
    return rc;
}

static bool zip_sniff(const import_input *in)
{
    return in->len >= 4 && memcmp(in->data, "PK\3\4", 4) == 0;
}

/* Finds the central directory of the mapped archive, or says why there is none. */
static int find_archive(import_sink *imp, const import_input *in, archive *a)
{
    const char *name = in->name;
    if (in->len < END_BYTES)
        return sink_fail(imp, LEVER_EIO, "%s: not a readable zip archive (no central "
                         "directory); " DAMAGED, name);
    *a = (archive){.map = (const unsigned char *)in->data, .size = in->len};
    if (!find_directory(a)) {
        if (a->split)
            return sink_fail(imp, LEVER_EINPUT,
                             "%s: the archive is split into several files; join them into "
                             "one zip (zip -s 0 %s --out whole.zip) and import that",
                             name, name);
        return sink_fail(imp, LEVER_EIO, "%s: not a readable zip archive (no central "
                         "directory); " DAMAGED, name);
    }
    return LEVER_OK;
}

/* The archive as mapped by the importer; its name's HS version and release are noted. */
static int zip_parse(import_sink *imp, const import_input *in)
{
    if (!in->path)
        return sink_fail(imp, LEVER_EUSAGE,
                         "%s: a zip can only be imported from a file; save it and give its "
                         "path",
                         in->name);
    archive a;
    int rc = find_archive(imp, in, &a);
    return rc ? rc : with_members(imp, &a, in->name, read_archive);
}

int zip_check(import_sink *imp, const import_input *in)
{
    archive a;
    int rc = find_archive(imp, in, &a);
    return rc ? rc : with_members(imp, &a, in->name, check_archive);
}

const import_parser import_parser_zip = {"zip", zip_sniff, zip_parse, true, NULL, NULL};
