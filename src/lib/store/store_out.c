/*
 * store_out.c - writes a store file: sections handed over one by one are checksummed
 * and written by a thread of their own, straight to the disk, while the importer goes on
 * computing the next ones; the header goes last, then fsync and an atomic rename.
 *
 * Why this way: a store is hundreds of MB. Written through the page cache, every byte is
 * first copied into freshly allocated cache pages (on a virtual machine, new memory is
 * the slowest thing there is) and then flushed; written with O_DIRECT from the importer's
 * own page-aligned arrays, the disk reads them where they lie. Sections are placed in the
 * file in the order they are handed over, each at a 4096-aligned offset and padded with
 * zeros to the next one, which is what O_DIRECT needs; the few bytes that do not fill an
 * aligned block, and arrays that are not page-aligned, go through one aligned bounce
 * buffer. A file system that refuses O_DIRECT gets ordinary writes, same bytes.
 *
 * All or nothing: the file is a temporary file beside <path> (outfile.c: unnamed where
 * the file system allows, locked, removed by a later import if a crash leaves it) until
 * it is complete and fsynced; it is then renamed over <path> and the folder fsynced. On
 * any error, or store_out_abort, the temporary file is removed and <path> is untouched.
 */
#include "format.h"
#include "store_out.h"
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#define BOUNCE_BYTES ((size_t)8 << 20)
#define DIRECT_CHUNK ((size_t)32 << 20)

typedef struct out_job {
    uint32_t id, elem;
    const void *data;
    uint64_t len, offset;
} out_job;

struct store_out {
    char *errmsg; /* where a failure is described */
    size_t errlen;
    outfile file;
    int fd;        /* buffered descriptor of the temporary file (file.fd) */
    int direct_fd; /* the same file opened with O_DIRECT, or -1 */
    uint8_t *bounce;
    pthread_t thread;
    bool thread_started;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    out_job jobs[STORE_N_SECTIONS];
    int n_jobs, next_job;
    bool closing;
    uint64_t end; /* aligned offset after the last section handed over */
    store_section table[STORE_N_SECTIONS];
    uint64_t *sums;      /* XXH3 of each file block's section bytes (the block-sums section) */
    uint64_t sums_cap;   /* entries allocated */
    int err;           /* errno of the first failed write, 0 if none */
    const char *failed; /* what failed */
};

static uint64_t align_up(uint64_t n)
{
    return (n + STORE_ALIGN - 1) / STORE_ALIGN * STORE_ALIGN;
}

/* One aligned write at an aligned offset; falls back to the buffered descriptor when the
 * file system refuses direct I/O. */
static int write_at(store_out *o, const uint8_t *p, size_t len, uint64_t offset)
{
    while (len > 0) {
        int fd = o->direct_fd >= 0 ? o->direct_fd : o->fd;
        ssize_t w = pwrite(fd, p, len, (off_t)offset);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EINVAL && o->direct_fd >= 0) {
                close(o->direct_fd);
                o->direct_fd = -1;
                continue;
            }
            return errno;
        }
        p += w;
        len -= (size_t)w;
        offset += (uint64_t)w;
    }
    return 0;
}

/* Writes [data, data + len) at offset (aligned), padded with zeros to an aligned end. */
static int write_section(store_out *o, const uint8_t *data, uint64_t len, uint64_t offset)
{
    uint64_t done = 0;
    if (((uintptr_t)data % STORE_ALIGN) == 0) {
        uint64_t whole = len / STORE_ALIGN * STORE_ALIGN;
        while (done < whole) {
            size_t n = whole - done < DIRECT_CHUNK ? (size_t)(whole - done) : DIRECT_CHUNK;
            int e = write_at(o, data + done, n, offset + done);
            if (e)
                return e;
            done += n;
        }
    }
    while (done < len) {
        size_t n = len - done < BOUNCE_BYTES ? (size_t)(len - done) : BOUNCE_BYTES;
        memcpy(o->bounce, data + done, n);
        size_t padded = (size_t)align_up(n);
        memset(o->bounce + n, 0, padded - n);
        int e = write_at(o, o->bounce, padded, offset + done);
        if (e)
            return e;
        done += n;
    }
    return 0;
}

/* The XXH3 of each block of a section about to be written at offset into o->sums, and in
 * *sum the XXH3 of those entries (the section's checksum in the table). Only the writer
 * thread grows o->sums. */
static int block_sums(store_out *o, const uint8_t *data, uint64_t len, uint64_t offset,
                      uint64_t *sum)
{
    uint64_t b0 = offset / STORE_ALIGN, n = (len + STORE_ALIGN - 1) / STORE_ALIGN;
    if (b0 + n > o->sums_cap) {
        uint64_t cap = o->sums_cap ? o->sums_cap : 1024;
        while (cap < b0 + n)
            cap *= 2;
        uint64_t *grown = realloc(o->sums, cap * sizeof *grown);
        if (!grown)
            return ENOMEM;
        memset(grown + o->sums_cap, 0, (cap - o->sums_cap) * sizeof *grown);
        o->sums = grown;
        o->sums_cap = cap;
    }
    for (uint64_t b = 0; b < n; b++) {
        uint64_t at = b * STORE_ALIGN;
        size_t in_block = len - at < STORE_ALIGN ? (size_t)(len - at) : STORE_ALIGN;
        o->sums[b0 + b] = store_block_hash(data + at, in_block);
    }
    *sum = XXH3_64bits(o->sums + b0, n * sizeof *o->sums);
    return 0;
}

static void *writer(void *arg)
{
    store_out *o = arg;
    static const char zeros[1];
    pthread_mutex_lock(&o->lock);
    for (;;) {
        while (o->next_job == o->n_jobs && !o->closing)
            pthread_cond_wait(&o->cond, &o->lock);
        if (o->next_job == o->n_jobs)
            break;
        out_job job = o->jobs[o->next_job];
        pthread_mutex_unlock(&o->lock);
        uint64_t sum = 0;
        int e = block_sums(o, job.data ? job.data : zeros, job.len, job.offset, &sum);
        if (!e && !o->err)
            e = write_section(o, job.data, job.len, job.offset);
        pthread_mutex_lock(&o->lock);
        store_section *t = &o->table[job.id - 1];
        t->id = job.id;
        t->elem_size = job.elem;
        t->offset = job.offset;
        t->length = job.len;
        t->checksum = sum;
        if (e && !o->err) {
            o->err = e;
            o->failed = "write";
        }
        o->next_job++;
        pthread_cond_broadcast(&o->cond);
    }
    pthread_mutex_unlock(&o->lock);
    return NULL;
}

int store_out_open(char *errmsg, size_t errlen, const char *path, store_out **out)
{
    *out = NULL;
    char *target = NULL;
    int rc = lever_output_check(path, &target, errmsg, errlen);
    if (rc)
        return rc;
    store_out *o = calloc(1, sizeof *o);
    if (!o || posix_memalign((void **)&o->bounce, STORE_ALIGN, BOUNCE_BYTES) != 0) {
        free(o);
        free(target);
        return msg_fail(errmsg, errlen, LEVER_ENOMEM, "out of memory while writing the store");
    }
    rc = outfile_create(&o->file, target, errmsg, errlen);
    free(target);
    if (rc) {
        free(o->bounce);
        free(o);
        return rc;
    }
    o->errmsg = errmsg;
    o->errlen = errlen;
    o->fd = o->file.fd;
    o->direct_fd = outfile_reopen_direct(&o->file);
    o->end = align_up(STORE_HEADER_BYTES + sizeof o->table);
    pthread_mutex_init(&o->lock, NULL);
    pthread_cond_init(&o->cond, NULL);
    *out = o;
    if (pthread_create(&o->thread, NULL, writer, o) == 0)
        o->thread_started = true;
    return LEVER_OK;
}

void store_out_section(store_out *o, uint32_t id, uint32_t elem, const void *data, uint64_t len)
{
    pthread_mutex_lock(&o->lock);
    o->jobs[o->n_jobs++] = (out_job){id, elem, data, len, o->end};
    o->end = align_up(o->end + len);
    pthread_cond_broadcast(&o->cond);
    pthread_mutex_unlock(&o->lock);
    if (!o->thread_started) { /* no thread could be made: write here and now */
        o->closing = true;
        writer(o);
        o->closing = false;
    }
}

/* Waits for the writer and closes the descriptors; keeps o itself. */
static void stop(store_out *o)
{
    pthread_mutex_lock(&o->lock);
    o->closing = true;
    pthread_cond_broadcast(&o->cond);
    pthread_mutex_unlock(&o->lock);
    if (o->thread_started)
        pthread_join(o->thread, NULL);
    o->thread_started = false;
    if (o->direct_fd >= 0)
        close(o->direct_fd);
    o->direct_fd = -1;
}

static void destroy(store_out *o)
{
    pthread_mutex_destroy(&o->lock);
    pthread_cond_destroy(&o->cond);
    free(o->bounce);
    free(o->sums);
    free(o);
}

void store_out_abort(store_out *o)
{
    if (!o)
        return;
    stop(o);
    outfile_discard(&o->file);
    destroy(o);
}

int store_out_finish(store_out *o, store_header *h)
{
    char *errmsg = o->errmsg;
    size_t errlen = o->errlen;
    stop(o);
    int rc = LEVER_OK;
    if (o->n_jobs != STORE_N_SECTIONS - 1)
        rc = msg_fail(errmsg, errlen, LEVER_EIO, "internal error: %d of %d store sections written",
                      o->n_jobs, STORE_N_SECTIONS - 1);
    else if (o->err)
        rc = msg_fail(errmsg, errlen, LEVER_EIO, "cannot %s '%s': %s", o->failed, outfile_name(&o->file),
                         strerror(o->err));
    if (!rc) {
        /* last, the checksums of every block before it (the header's block stays 0) */
        uint64_t n = o->end / STORE_ALIGN, sum = 0;
        int e = n > o->sums_cap ? block_sums(o, (const uint8_t *)"", 0, o->end, &sum) : 0;
        if (!e) {
            sum = XXH3_64bits(o->sums, n * sizeof *o->sums);
            e = write_section(o, (const uint8_t *)o->sums, n * sizeof *o->sums, o->end);
        }
        if (e)
            rc = msg_fail(errmsg, errlen, LEVER_EIO, "cannot write '%s': %s", outfile_name(&o->file),
                          strerror(e));
        o->table[SEC_BLOCK_SUMS - 1] = (store_section){SEC_BLOCK_SUMS, 8, o->end,
                                                       n * sizeof *o->sums, sum};
        o->end = align_up(o->end + n * sizeof *o->sums);
    }
    if (!rc) {
        /* the header checksum covers the header (checksum field 0) and the section table */
        h->n_sections = STORE_N_SECTIONS;
        h->file_bytes = o->end;
        h->checksum = 0;
        uint8_t *head = o->bounce;
        memset(head, 0, STORE_ALIGN);
        memcpy(head, h, sizeof *h);
        memcpy(head + STORE_HEADER_BYTES, o->table, sizeof o->table);
        h->checksum = XXH64(head, STORE_HEADER_BYTES + sizeof o->table, 0);
        memcpy(head, h, sizeof *h);
        int e = write_at(o, head, STORE_ALIGN, 0);
        if (!e && ftruncate(o->fd, (off_t)o->end) != 0)
            e = errno;
        if (e)
            rc = msg_fail(errmsg, errlen, LEVER_EIO, "cannot write '%s': %s", outfile_name(&o->file), strerror(e));
    }
    if (rc)
        outfile_discard(&o->file);
    else
        rc = outfile_commit(&o->file, errmsg, errlen);
    destroy(o);
    return rc;
}
