/*
 * fetch.h - what the fetch stage's files share and nobody else needs: the lever_fetch
 * handle, one URL downloaded into the cache with libcurl loaded at run time
 * (download.c), and the cache itself (cache.c). baci.c and comtrade.c build on them.
 *
 * Why libcurl is loaded with dlopen instead of linked: libcurl pulls in some thirty
 * shared libraries (TLS, HTTP/2, SSH, LDAP, Kerberos...), and the dynamic loader would
 * map and relocate them at every start of every lever command, most of which are
 * millisecond queries that never download anything.
 */
#ifndef LEVER_FETCH_H
#define LEVER_FETCH_H

#include "lever.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct lever_fetch {
    char errmsg[2048];
    char *cache_dir;      /* NULL until the first use resolves the default */
    int retries;          /* attempts after a failed transfer */
    int max_wait;         /* longest Retry-After honoured, seconds */
    lever_fetch_progress_fn progress;
    void *progress_ud;
    lever_warning_fn note;
    void *note_ud;
    lever_fetch_file_fn on_file;
    void *file_ud;
    void *curl;           /* a CURL easy handle, reused across downloads */
};

/* Sets the handle's message and returns rc. */
int fetch_fail(lever_fetch *f, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void fetch_note(lever_fetch *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- download.c ---- */

/* What a finished download holds, told by a check run before it enters the cache. */
typedef enum {
    CHECK_OK,        /* keep it */
    CHECK_TRUNCATED, /* a well-formed answer cut by a record limit: not an error, not kept */
    CHECK_BAD        /* fetch_fail() was called: the download is dropped */
} check_result;

typedef struct fetch_item {
    const char *url;
    const char *header;     /* one extra request header ("Name: value"), or NULL; never
                               shown in messages (it may hold a key) */
    const char *label;      /* what the user asked for, in progress and messages */
    const char *cache_name; /* file name in the cache */
    bool follow_redirects;
    bool resumable;         /* a cut transfer goes on from where it stopped (HTTP Range);
                               else it starts again, and may be compressed in transit */
    /* Checks the finished download (path) before it is kept; NULL keeps anything. */
    check_result (*check)(lever_fetch *f, const char *path, void *ud);
    void *check_ud;
    /* filled in */
    bool from_cache;
    long http_status;          /* of the last answer, 0 when none came */
    char server_message[512];  /* the server's own words with a failed status, or "" */
} fetch_item;

/* Serves the item from the cache when a checked copy is there; else downloads it into
 * CACHE/NAME.part (resuming what a cut transfer left there), retries cut connections,
 * HTTP 429 (after Retry-After) and 5xx, runs the check, records the XXH64 checksum in
 * CACHE/NAME.xxh64 and renames the file to CACHE/NAME. Returns LEVER_OK, LEVER_EFETCH
 * (message set), or, for CHECK_TRUNCATED, LEVER_ELIMIT with nothing kept. */
int fetch_item_get(lever_fetch *f, fetch_item *item);

/* ---- cache.c ---- */

/* Resolves and creates the cache folder. */
int cache_dir(lever_fetch *f, const char **dir);
/* malloc'd "dir/name" (NULL when out of memory). */
char *path_join(const char *dir, const char *name);
/* XXH64 of a file's bytes; false (errno set) when it cannot be read. */
bool file_xxh64(const char *path, uint64_t *hash, uint64_t *size);
/* Records the XXH64 checksum and size of file (a finished download) as the checksum of
 * the cache entry final, in final.xxh64, with the URL it came from. */
int cache_record(lever_fetch *f, const char *file, const char *final, const char *url);
/* Whether final is in the cache with the checksum recorded for it; a damaged entry is
 * removed (with a note) and counts as missing. */
bool cache_verified(lever_fetch *f, const char *final);
/* Markers: the answer of this cache name is known to exceed the record limit. */
bool cache_marked(lever_fetch *f, const char *name);
void cache_mark(lever_fetch *f, const char *name);
/* Places a cached file into out_dir/out_name: a hard link when possible, else a copy
 * written beside it and renamed, so the name never holds a partial file. Calls the
 * file callback. */
int cache_install(lever_fetch *f, const char *cached, const char *out_dir,
                  const char *out_name, long records, bool from_cache);
/* Creates out_dir when missing (its parent must exist). */
int output_dir(lever_fetch *f, const char *out_dir);
/* A 16-hex-digit name for a string (XXH64): cache names of URLs. */
void hash_name(const char *text, char out[17]);

/* Frees the handle's libcurl state (download.c). */
void download_release(lever_fetch *f);

#endif /* LEVER_FETCH_H */
