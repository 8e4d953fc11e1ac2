/*
 * outfile.c - where a file lever writes may go, and its temporary file: the checks on
 * an output path, the temporary file beside it (locked, recognisable, removed on
 * every failure), the removal of temporary files left by killed imports, and the
 * async-signal-safe cleanup an application calls from its SIGINT/SIGTERM handler.
 *
 * Why this way:
 *  - An output path must name a regular file or a new name. Renaming over a FIFO, a
 *    device node or a directory would replace it with a store (run as root, `-o
 *    /dev/null` replaced the system's /dev/null). A symbolic link is followed: the
 *    file it names is replaced and the link stays, pointing at the new file, as an
 *    editor saving through a link does; a link to nothing, or to anything but a
 *    regular file, is refused.
 *  - The temporary file is made with O_TMPFILE where the file system allows it: it has
 *    no name until it is complete, so a process killed by SIGKILL leaves nothing behind
 *    (the kernel frees it). It gets its name "<path>.tmp.XXXXXX" only for the instant
 *    between linkat and rename. Elsewhere it is made by mkstemp, and then starts with
 *    the marker TEMP_MAGIC until the real header is written last.
 *  - Every temporary file is flock'ed by the import writing it, for its whole life.
 *    A later import removes a "<path>.tmp.XXXXXX" beside its output only when it can
 *    take that lock (no live import holds it) and the file starts with TEMP_MAGIC or
 *    STORE_MAGIC (it is lever's own) or is empty (killed between its creation and its
 *    marker; it held nothing): a file of someone else's is never removed.
 *  - Named temporary files are also registered in a small table that
 *    lever_remove_temp_files() reads without locks, so that a signal handler can
 *    remove them with unlink(2), which is async-signal-safe.
 */
#include "format.h"
#include "outfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define TEMP_SUFFIX ".tmp."
#define TEMP_RANDOM 6
#define N_SLOTS 8

/* Named temporary files alive in this process, for lever_remove_temp_files. */
static char slot_name[N_SLOTS][PATH_MAX];
static volatile sig_atomic_t slot_used[N_SLOTS];
static pthread_mutex_t slot_lock = PTHREAD_MUTEX_INITIALIZER;

static int register_name(const char *name)
{
    if (strlen(name) >= PATH_MAX)
        return -1;
    pthread_mutex_lock(&slot_lock);
    int at = -1;
    for (int n = 0; n < N_SLOTS && at < 0; n++)
        if (!slot_used[n])
            at = n;
    if (at >= 0) {
        strcpy(slot_name[at], name);
        slot_used[at] = 1;
    }
    pthread_mutex_unlock(&slot_lock);
    return at;
}

static void unregister_name(int at)
{
    if (at < 0)
        return;
    pthread_mutex_lock(&slot_lock);
    slot_used[at] = 0;
    pthread_mutex_unlock(&slot_lock);
}

void lever_remove_temp_files(void)
{
    for (int n = 0; n < N_SLOTS; n++)
        if (slot_used[n])
            unlink(slot_name[n]);
}

static const char *kind_of(mode_t mode)
{
    if (S_ISDIR(mode))
        return "a directory";
    if (S_ISFIFO(mode))
        return "a FIFO (named pipe)";
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return "a device";
    if (S_ISSOCK(mode))
        return "a socket";
    return "not a regular file";
}

static int copy_target(const char *path, char **target, char *msg, size_t msg_len)
{
    *target = strdup(path);
    if (*target)
        return LEVER_OK;
    snprintf(msg, msg_len, "out of memory");
    return LEVER_ENOMEM;
}

int lever_output_check(const char *path, char **target, char *msg, size_t msg_len)
{
    *target = NULL;
    if (!path || !path[0]) {
        snprintf(msg, msg_len, "no output file named");
        return LEVER_EUSAGE;
    }
    struct stat sb;
    if (lstat(path, &sb) != 0) {
        if (errno != ENOENT) {
            snprintf(msg, msg_len, "cannot use '%s': %s", path, strerror(errno));
            return LEVER_EIO;
        }
        return copy_target(path, target, msg, msg_len);
    }
    if (S_ISLNK(sb.st_mode)) {
        char *real = realpath(path, NULL);
        if (!real || stat(real, &sb) != 0) {
            int e = errno;
            free(real);
            snprintf(msg, msg_len,
                     "'%s' is a symbolic link to a file that cannot be used (%s); lever replaces "
                     "the regular file a link names and keeps the link: point it at a file or "
                     "give another name",
                     path, strerror(e));
            return LEVER_EUSAGE;
        }
        if (!S_ISREG(sb.st_mode)) {
            snprintf(msg, msg_len,
                     "'%s' is a symbolic link to %s (%s); lever writes only to a regular file or "
                     "a new name: give another name",
                     path, kind_of(sb.st_mode), real);
            free(real);
            return LEVER_EUSAGE;
        }
        *target = real;
        return LEVER_OK;
    }
    if (!S_ISREG(sb.st_mode)) {
        snprintf(msg, msg_len,
                 "'%s' is %s; lever writes only to a regular file or a new name, which it "
                 "replaces: give another name",
                 path, kind_of(sb.st_mode));
        return LEVER_EUSAGE;
    }
    return copy_target(path, target, msg, msg_len);
}

/* The folder of path ("." for a bare name), malloc'd. */
static char *folder_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return strdup(".");
    size_t n = slash == path ? 1 : (size_t)(slash - path);
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, path, n);
        d[n] = 0;
    }
    return d;
}

static bool temp_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Is entry "<base>.tmp.XXXXXX"? */
static bool temp_name_of(const char *entry, const char *base)
{
    size_t nb = strlen(base), ns = strlen(TEMP_SUFFIX);
    if (strncmp(entry, base, nb) != 0 || strncmp(entry + nb, TEMP_SUFFIX, ns) != 0)
        return false;
    const char *r = entry + nb + ns;
    if (strlen(r) != TEMP_RANDOM)
        return false;
    for (int n = 0; n < TEMP_RANDOM; n++)
        if (!temp_char(r[n]))
            return false;
    return true;
}

int outfile_sweep(const char *target)
{
    char *dir = folder_of(target);
    if (!dir)
        return 0;
    const char *slash = strrchr(target, '/');
    const char *base = slash ? slash + 1 : target;
    int removed = 0;
    DIR *d = opendir(dir);
    int dfd = d ? dirfd(d) : -1;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (!temp_name_of(e->d_name, base))
            continue;
        int fd = openat(dfd, e->d_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
            continue;
        struct stat sb;
        char magic[8];
        if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && flock(fd, LOCK_EX | LOCK_NB) == 0 &&
            (sb.st_size == 0 || (pread(fd, magic, sizeof magic, 0) == (ssize_t)sizeof magic &&
                                 (memcmp(magic, TEMP_MAGIC, 8) == 0 ||
                                  memcmp(magic, STORE_MAGIC, 8) == 0))) &&
            unlinkat(dfd, e->d_name, 0) == 0)
            removed++;
        close(fd); /* releases the lock */
    }
    if (d)
        closedir(d);
    free(dir);
    return removed;
}

/* A random "XXXXXX" (not for security: names only need to differ). */
static void random_suffix(char *out)
{
    static const char chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    static unsigned counter;
    uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ ((uint64_t)getpid() << 40) ^
                 (uint64_t)__atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED) * 0x9E3779B97F4A7C15u;
    for (int n = 0; n < TEMP_RANDOM; n++) {
        x ^= x >> 33;
        x *= 0xff51afd7ed558ccdu;
        x ^= x >> 29;
        out[n] = chars[x % (sizeof chars - 1)];
    }
    out[TEMP_RANDOM] = 0;
}

static bool proc_fd_usable(void)
{
    const char *named = getenv("LEVER_TEST_NAMED_TEMP"); /* tests: the fallback's path */
    return access("/proc/self/fd", X_OK) == 0 && !(named && named[0]);
}

int outfile_create(outfile *f, const char *target, char *msg, size_t msg_len)
{
    memset(f, 0, sizeof *f);
    f->fd = -1;
    f->slot = -1;
    size_t n = strlen(target) + sizeof TEMP_SUFFIX + TEMP_RANDOM + 1;
    f->target = strdup(target);
    f->tmp = malloc(n);
    char *dir = folder_of(target);
    if (!f->target || !f->tmp || !dir) {
        free(dir);
        outfile_release(f);
        snprintf(msg, msg_len, "out of memory");
        return LEVER_ENOMEM;
    }
    outfile_sweep(target);
    if (proc_fd_usable())
        f->fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0644);
    free(dir);
    if (f->fd >= 0) {
        f->unnamed = true;
        flock(f->fd, LOCK_EX);
        f->tmp[0] = 0;
        return LEVER_OK;
    }
    /* A sweep may remove an empty file of the pattern between mkstemp and flock: then the
     * name no longer leads to the file locked here, and another is made. */
    for (int tries = 0;; tries++) {
        snprintf(f->tmp, n, "%s" TEMP_SUFFIX "XXXXXX", target);
        f->fd = mkstemp(f->tmp);
        if (f->fd < 0) {
            snprintf(msg, msg_len,
                     "cannot create '%s': %s; check the folder exists and is writable", f->tmp,
                     strerror(errno));
            outfile_release(f);
            return LEVER_EIO;
        }
        f->slot = register_name(f->tmp);
        fchmod(f->fd, 0644);
        flock(f->fd, LOCK_EX);
        if (pwrite(f->fd, TEMP_MAGIC, 8, 0) != 8) {
            snprintf(msg, msg_len, "cannot write '%s': %s", f->tmp, strerror(errno));
            outfile_discard(f);
            return LEVER_EIO;
        }
        struct stat by_name, by_fd;
        if (stat(f->tmp, &by_name) == 0 && fstat(f->fd, &by_fd) == 0 &&
            by_name.st_ino == by_fd.st_ino && by_name.st_dev == by_fd.st_dev)
            return LEVER_OK;
        unregister_name(f->slot);
        close(f->fd);
        if (tries == 10) {
            snprintf(msg, msg_len, "cannot keep a temporary file beside '%s'", target);
            outfile_release(f);
            return LEVER_EIO;
        }
    }
}

const char *outfile_name(const outfile *f)
{
    return f->unnamed ? f->target : f->tmp;
}

int outfile_reopen_direct(const outfile *f)
{
    if (!f->unnamed)
        return open(f->tmp, O_WRONLY | O_DIRECT | O_CLOEXEC);
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", f->fd);
    return open(proc, O_WRONLY | O_DIRECT | O_CLOEXEC);
}

int outfile_commit(outfile *f, char *msg, size_t msg_len)
{
    int rc = LEVER_OK;
    if (fsync(f->fd) != 0) {
        snprintf(msg, msg_len, "cannot fsync '%s': %s", outfile_name(f), strerror(errno));
        rc = LEVER_EIO;
    }
    if (!rc && f->unnamed) { /* give it a name, for the instant before the rename */
        char proc[64];
        snprintf(proc, sizeof proc, "/proc/self/fd/%d", f->fd);
        size_t len = strlen(f->target);
        for (int tries = 0; tries < 100; tries++) {
            memcpy(f->tmp, f->target, len);
            memcpy(f->tmp + len, TEMP_SUFFIX, sizeof TEMP_SUFFIX - 1);
            random_suffix(f->tmp + len + sizeof TEMP_SUFFIX - 1);
            f->slot = register_name(f->tmp);
            if (linkat(AT_FDCWD, proc, AT_FDCWD, f->tmp, AT_SYMLINK_FOLLOW) == 0)
                break;
            int e = errno;
            unregister_name(f->slot);
            f->slot = -1;
            if (e != EEXIST) {
                snprintf(msg, msg_len, "cannot create '%s': %s", f->tmp, strerror(e));
                rc = LEVER_EIO;
                break;
            }
        }
        if (!rc && f->slot < 0) {
            snprintf(msg, msg_len, "cannot create a temporary name beside '%s'", f->target);
            rc = LEVER_EIO;
        }
        f->unnamed = rc != LEVER_OK;
    }
    /* the target may have changed since it was checked: never rename over a non-file */
    struct stat sb;
    if (!rc && lstat(f->target, &sb) == 0 && !S_ISREG(sb.st_mode)) {
        snprintf(msg, msg_len, "'%s' became %s while the store was written; nothing replaced",
                 f->target, kind_of(sb.st_mode));
        rc = LEVER_EUSAGE;
    }
    if (!rc && rename(f->tmp, f->target) != 0) {
        snprintf(msg, msg_len, "cannot rename '%s' to '%s': %s", f->tmp, f->target,
                 strerror(errno));
        rc = LEVER_EIO;
    }
    if (rc) {
        outfile_discard(f);
        return rc;
    }
    unregister_name(f->slot);
    f->slot = -1;
    f->tmp[0] = 0;
    char *dir = folder_of(f->target);
    int dfd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    if (dfd >= 0) { /* make the rename durable */
        fsync(dfd);
        close(dfd);
    }
    free(dir);
    int fd = f->fd;
    f->fd = -1;
    if (close(fd) != 0) {
        snprintf(msg, msg_len, "cannot close '%s': %s", f->target, strerror(errno));
        rc = LEVER_EIO;
    }
    outfile_release(f);
    return rc;
}

void outfile_discard(outfile *f)
{
    if (!f->unnamed && f->tmp && f->tmp[0])
        unlink(f->tmp);
    unregister_name(f->slot);
    f->slot = -1;
    if (f->fd >= 0)
        close(f->fd);
    f->fd = -1;
    outfile_release(f);
}

void outfile_release(outfile *f)
{
    free(f->target);
    free(f->tmp);
    f->target = f->tmp = NULL;
}
