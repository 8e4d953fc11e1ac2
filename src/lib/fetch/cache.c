/*
 * cache.c - the download cache and the output folder.
 *
 * The cache is one flat folder ($XDG_CACHE_HOME/lever, else ~/.cache/lever, or
 * --cache DIR). An entry is NAME, the finished file, beside NAME.xxh64, a line
 * "xxh64 HASH SIZE URL" written when the download was checked. An entry is served only
 * when both are there and the file's XXH64 matches (a few seconds for a whole BACI
 * release, nothing for an API answer); anything else is fetched again. NAME.part is a
 * download in progress, NAME.over-limit says the answer of that request exceeded the
 * API's record limit (so it is split at once, without a wasted call).
 *
 * Files reach the output folder as a hard link to the cache entry when both are on one
 * file system (a 2 GB zip is not copied), else as a copy written beside the target and
 * renamed over it: a name in the output folder never holds a partial file.
 */
#include "fetch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

char *path_join(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    char *p = malloc(a + b + 2);
    if (!p)
        return NULL;
    memcpy(p, dir, a);
    p[a] = '/';
    memcpy(p + a + 1, name, b + 1);
    return p;
}

void hash_name(const char *text, char out[17])
{
    snprintf(out, 17, "%016llx", (unsigned long long)XXH64(text, strlen(text), 0));
}

/* mkdir -p for the cache folder, which may be several levels below $HOME. */
static int make_dirs(char *path)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        int rc = mkdir(path, 0755);
        *p = '/';
        if (rc != 0 && errno != EEXIST)
            return -1;
    }
    return mkdir(path, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

int cache_dir(lever_fetch *f, const char **dir)
{
    if (!f->cache_dir) {
        const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
        const char *base = xdg && xdg[0] == '/' ? xdg : NULL;
        size_t len = base ? strlen(base) + 8 : home && home[0] ? strlen(home) + 16 : 0;
        if (!len)
            return fetch_fail(f, LEVER_EUSAGE, "no cache folder: neither $XDG_CACHE_HOME nor "
                              "$HOME is set; name one with --cache DIR");
        if (!(f->cache_dir = malloc(len)))
            return fetch_fail(f, LEVER_ENOMEM, "out of memory");
        snprintf(f->cache_dir, len, base ? "%s/lever" : "%s/.cache/lever", base ? base : home);
    }
    if (make_dirs(f->cache_dir) != 0)
        return fetch_fail(f, LEVER_EIO, "cannot create the cache folder '%s': %s; choose "
                          "another with --cache DIR", f->cache_dir, strerror(errno));
    *dir = f->cache_dir;
    return LEVER_OK;
}

bool file_xxh64(const char *path, uint64_t *hash, uint64_t *size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    XXH64_state_t *st = XXH64_createState();
    enum { CHUNK = 1 << 20 };
    char *buf = malloc(CHUNK);
    bool ok = st && buf && XXH64_reset(st, 0) == XXH_OK;
    uint64_t total = 0;
    while (ok) {
        ssize_t n = read(fd, buf, CHUNK);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            ok = n == 0;
            break;
        }
        XXH64_update(st, buf, (size_t)n);
        total += (uint64_t)n;
    }
    if (ok) {
        *hash = XXH64_digest(st);
        *size = total;
    }
    int e = errno;
    free(buf);
    XXH64_freeState(st);
    close(fd);
    errno = e;
    return ok;
}

static char *sidecar(const char *final, const char *suffix)
{
    size_t a = strlen(final), b = strlen(suffix);
    char *p = malloc(a + b + 1);
    if (p) {
        memcpy(p, final, a);
        memcpy(p + a, suffix, b + 1);
    }
    return p;
}

int cache_record(lever_fetch *f, const char *file, const char *final, const char *url)
{
    uint64_t hash, size;
    if (!file_xxh64(file, &hash, &size))
        return fetch_fail(f, LEVER_EIO, "cannot read '%s': %s", file, strerror(errno));
    char *sum = sidecar(final, ".xxh64"), *tmp = sidecar(final, ".xxh64.tmp");
    int rc = LEVER_OK;
    FILE *fp = sum && tmp ? fopen(tmp, "w") : NULL;
    if (!sum || !tmp)
        rc = fetch_fail(f, LEVER_ENOMEM, "out of memory");
    else if (!fp)
        rc = fetch_fail(f, LEVER_EIO, "cannot write '%s': %s", tmp, strerror(errno));
    if (fp) {
        fprintf(fp, "xxh64 %016llx %llu %s\n", (unsigned long long)hash,
                (unsigned long long)size, url);
        if (fclose(fp) != 0 || rename(tmp, sum) != 0) {
            rc = fetch_fail(f, LEVER_EIO, "cannot write '%s': %s", sum, strerror(errno));
            unlink(tmp);
        }
    }
    free(sum);
    free(tmp);
    return rc;
}

bool cache_verified(lever_fetch *f, const char *final)
{
    char *sum = sidecar(final, ".xxh64");
    if (!sum)
        return false;
    FILE *fp = fopen(sum, "r");
    unsigned long long want_hash = 0, want_size = 0;
    bool recorded = fp && fscanf(fp, "xxh64 %llx %llu", &want_hash, &want_size) == 2;
    if (fp)
        fclose(fp);
    bool ok = false;
    uint64_t hash, size;
    if (recorded && file_xxh64(final, &hash, &size)) {
        ok = hash == want_hash && size == want_size;
        if (!ok)
            fetch_note(f, "the cached copy '%s' does not match its checksum (damaged or "
                       "changed since it was fetched): fetching it again", final);
    }
    if (!ok && fp) {
        unlink(final);
        unlink(sum);
    }
    free(sum);
    return ok;
}

bool cache_marked(lever_fetch *f, const char *name)
{
    const char *dir;
    if (cache_dir(f, &dir) != LEVER_OK)
        return false;
    char *p = path_join(dir, name), *m = p ? sidecar(p, ".over-limit") : NULL;
    bool marked = m && access(m, F_OK) == 0;
    free(m);
    free(p);
    return marked;
}

void cache_mark(lever_fetch *f, const char *name)
{
    const char *dir;
    if (cache_dir(f, &dir) != LEVER_OK)
        return;
    char *p = path_join(dir, name), *m = p ? sidecar(p, ".over-limit") : NULL;
    int fd = m ? open(m, O_WRONLY | O_CREAT | O_CLOEXEC, 0644) : -1;
    if (fd >= 0)
        close(fd);
    free(m);
    free(p);
}

int output_dir(lever_fetch *f, const char *out_dir)
{
    struct stat sb;
    if (stat(out_dir, &sb) == 0) {
        if (S_ISDIR(sb.st_mode))
            return LEVER_OK;
        return fetch_fail(f, LEVER_EUSAGE, "-o '%s' is not a folder; name a folder for the "
                          "downloaded files", out_dir);
    }
    if (mkdir(out_dir, 0755) != 0 && errno != EEXIST)
        return fetch_fail(f, LEVER_EIO, "cannot create the folder '%s': %s; check that its "
                          "parent exists and is writable", out_dir, strerror(errno));
    return LEVER_OK;
}

static int copy_file(const char *from, const char *to)
{
    int in = open(from, O_RDONLY | O_CLOEXEC);
    int out = in >= 0 ? open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) : -1;
    char buf[1 << 16];
    int rc = in >= 0 && out >= 0 ? 0 : -1;
    while (rc == 0) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            rc = n == 0 ? 0 : -1;
            break;
        }
        for (ssize_t done = 0; done < n;) {
            ssize_t w = write(out, buf + done, (size_t)(n - done));
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0) {
                rc = -1;
                break;
            }
            done += w;
        }
    }
    int e = errno;
    if (out >= 0 && (fsync(out) != 0 || close(out) != 0) && rc == 0) {
        rc = -1;
        e = errno;
    }
    if (in >= 0)
        close(in);
    errno = e;
    return rc;
}

int cache_install(lever_fetch *f, const char *cached, const char *out_dir,
                  const char *out_name, long records, bool from_cache)
{
    char *target = path_join(out_dir, out_name);
    char *tmp = target ? sidecar(target, ".tmp") : NULL;
    if (!tmp) {
        free(target);
        return fetch_fail(f, LEVER_ENOMEM, "out of memory");
    }
    unlink(tmp);
    int rc = LEVER_OK;
    if (link(cached, tmp) != 0 && copy_file(cached, tmp) != 0)
        rc = fetch_fail(f, LEVER_EIO, "cannot write '%s': %s; check that the folder is "
                        "writable and has room", tmp, strerror(errno));
    else if (rename(tmp, target) != 0)
        rc = fetch_fail(f, LEVER_EIO, "cannot rename '%s' to '%s': %s", tmp, target,
                        strerror(errno));
    unlink(tmp); /* still there when target already was a link to the same entry */
    if (rc == LEVER_OK && f->on_file)
        f->on_file(f->file_ud, target, records, from_cache);
    free(tmp);
    free(target);
    return rc;
}
