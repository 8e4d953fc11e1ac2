/*
 * faultshim.c - an LD_PRELOAD library the fault tests (tests/cli/t0530-faults.sh) put under
 * lever to make the system fail on purpose: the Nth allocation, the Nth write to a file,
 * fsync, or rename. Which one is chosen by environment variables, counted from the first
 * call after the program starts:
 *   FAULT_ALLOC=N    the Nth malloc/calloc/realloc/anonymous mmap/mremap returns failure
 *   FAULT_PWRITE=N   the Nth pwrite returns -1 with errno FAULT_ERRNO (default EIO)
 *   FAULT_FSYNC=1    every fsync fails with EIO
 *   FAULT_RENAME=1   every rename fails with EIO
 * With FAULT_LOG=1 it prints the counts at exit, so a test knows how many calls there are;
 * with FAULT_TRACE=1, the call stack of the allocation it fails.
 *
 * Built without _FILE_OFFSET_BITS, so that both names (pwrite and pwrite64, mmap and
 * mmap64) are defined here. Why a preloaded library: the faults then reach lever exactly where the C library would
 * fail, without a line of test code in liblever.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <execinfo.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <unistd.h>

static long n_alloc, n_pwrite;
static long fail_alloc = -1, fail_pwrite = -1, fault_errno = EIO;
static int fail_fsync, fail_rename, ready, logging;

/* calloc is needed by dlsym itself: a small static arena serves it meanwhile */
static char arena[4096];
static size_t arena_used;
static int in_dlsym;

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void *(*real_mmap)(void *, size_t, int, int, int, off_t);
static void *(*real_mremap)(void *, size_t, size_t, int, ...);
static ssize_t (*real_pwrite)(int, const void *, size_t, off_t);
static int (*real_fsync)(int);
static int (*real_rename)(const char *, const char *);

static long env_long(const char *name, long dflt)
{
    const char *v = getenv(name);
    return v && v[0] ? strtol(v, NULL, 10) : dflt;
}

static void report(void)
{
    if (logging)
        fprintf(stderr, "faultshim: %ld allocations, %ld pwrites\n", n_alloc, n_pwrite);
}

static void init(void)
{
    if (ready)
        return;
    in_dlsym = 1;
    real_malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
    real_calloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
    real_realloc = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
    real_mmap = (void *(*)(void *, size_t, int, int, int, off_t))dlsym(RTLD_NEXT, "mmap");
    real_mremap = (void *(*)(void *, size_t, size_t, int, ...))dlsym(RTLD_NEXT, "mremap");
    real_pwrite = (ssize_t(*)(int, const void *, size_t, off_t))dlsym(RTLD_NEXT, "pwrite");
    real_fsync = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    real_rename = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
    in_dlsym = 0;
    fail_alloc = env_long("FAULT_ALLOC", -1);
    fail_pwrite = env_long("FAULT_PWRITE", -1);
    fault_errno = env_long("FAULT_ERRNO", EIO);
    fail_fsync = (int)env_long("FAULT_FSYNC", 0);
    fail_rename = (int)env_long("FAULT_RENAME", 0);
    logging = (int)env_long("FAULT_LOG", 0);
    ready = 1;
    atexit(report);
}

static int alloc_fails(void)
{
    long n = __atomic_add_fetch(&n_alloc, 1, __ATOMIC_RELAXED);
    if (n == fail_alloc && getenv("FAULT_TRACE")) { /* where it failed, for debugging */
        void *frames[16];
        backtrace_symbols_fd(frames, backtrace(frames, 16), 2);
    }
    return n == fail_alloc;
}

void *malloc(size_t n)
{
    init();
    if (alloc_fails()) {
        errno = ENOMEM;
        return NULL;
    }
    return real_malloc(n);
}

void *calloc(size_t a, size_t b)
{
    if (in_dlsym) {
        size_t n = (a * b + 15) & ~(size_t)15;
        if (arena_used + n > sizeof arena)
            return NULL;
        void *p = arena + arena_used;
        arena_used += n;
        return p;
    }
    init();
    if (alloc_fails()) {
        errno = ENOMEM;
        return NULL;
    }
    return real_calloc(a, b);
}

void *realloc(void *p, size_t n)
{
    init();
    if (alloc_fails()) {
        errno = ENOMEM;
        return NULL;
    }
    return real_realloc(p, n);
}

void free(void *p)
{
    static void (*real_free)(void *);
    if ((char *)p >= arena && (char *)p < arena + sizeof arena)
        return;
    if (!real_free)
        real_free = (void (*)(void *))dlsym(RTLD_NEXT, "free");
    real_free(p);
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
    init();
    if ((flags & MAP_ANONYMOUS) && alloc_fails()) {
        errno = ENOMEM;
        return MAP_FAILED;
    }
    return real_mmap(addr, len, prot, flags, fd, off);
}

void *mremap(void *old, size_t old_len, size_t new_len, int flags, ...)
{
    init();
    if (alloc_fails()) {
        errno = ENOMEM;
        return MAP_FAILED;
    }
    return real_mremap(old, old_len, new_len, flags);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
    init();
    if (__atomic_add_fetch(&n_pwrite, 1, __ATOMIC_RELAXED) == fail_pwrite) {
        errno = (int)fault_errno;
        return -1;
    }
    return real_pwrite(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off64_t off)
{
    return pwrite(fd, buf, n, (off_t)off);
}

void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off64_t off)
{
    return mmap(addr, len, prot, flags, fd, (off_t)off);
}

int fsync(int fd)
{
    init();
    if (fail_fsync) {
        errno = EIO;
        return -1;
    }
    return real_fsync(fd);
}

int rename(const char *from, const char *to)
{
    init();
    if (fail_rename) {
        errno = EIO;
        return -1;
    }
    return real_rename(from, to);
}
