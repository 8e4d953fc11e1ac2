/*
 * download.c - one URL into the cache, with libcurl: resume, retries, rate limits and an
 * error for every way a download fails.
 *
 * Why this way:
 *  - libcurl is loaded with dlopen at the first download (see fetch.h): linking it would
 *    cost every lever command its thirty libraries at start-up.
 *  - Bytes go to CACHE/NAME.part and the finished file is renamed to CACHE/NAME, so a
 *    name in the cache always holds a whole, checked file. A cut transfer of a resumable
 *    item goes on with an HTTP Range request from the size of the .part file, in the same
 *    run (up to f->retries times) or in a later one; a server that answers a Range with
 *    the whole file (200) or another range restarts it from zero.
 *  - A failed status never writes to the .part file: its body is kept in memory, short,
 *    for the message (the Comtrade API explains a 401 or 429 in it).
 *  - HTTP 429 waits what Retry-After asks (or "Try again in N seconds" in the body, or
 *    1, 2, 4... s), at most f->max_wait; 5xx and cut connections are retried too; a DNS or
 *    connection failure, a refused key or a missing file are not: retrying cannot help.
 */
#include "fetch.h"

#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* libcurl's functions, looked up once. */
static struct {
    bool loaded;
    CURLcode (*global_init)(long flags);
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *c, CURLoption option, ...);
    CURLcode (*easy_perform)(CURL *c);
    CURLcode (*easy_getinfo)(CURL *c, CURLINFO info, ...);
    void (*easy_reset)(CURL *c);
    void (*easy_cleanup)(CURL *c);
    const char *(*easy_strerror)(CURLcode code);
    struct curl_slist *(*slist_append)(struct curl_slist *list, const char *text);
    void (*slist_free_all)(struct curl_slist *list);
} cl;

/* ISO C has no conversion from dlsym's object pointer to a function pointer; POSIX
 * guarantees the bytes are the same. */
static bool symbol(void *lib, const char *name, void *function_pointer)
{
    void *p = dlsym(lib, name);
    if (!p)
        return false;
    memcpy(function_pointer, &p, sizeof p);
    return true;
}

static int curl_load(lever_fetch *f)
{
    if (cl.loaded)
        return LEVER_OK;
    static const char *const sonames[] = {"libcurl.so.4", "libcurl-gnutls.so.4",
                                          "libcurl-nss.so.4"};
    void *lib = NULL;
    for (size_t n = 0; n < sizeof sonames / sizeof sonames[0] && !lib; n++)
        lib = dlopen(sonames[n], RTLD_NOW | RTLD_LOCAL);
    if (!lib)
        return fetch_fail(f, LEVER_EFETCH,
                          "lever fetch needs libcurl and cannot load it (%s); install it "
                          "(Debian: apt-get install libcurl4)",
                          dlerror());
    bool ok = symbol(lib, "curl_global_init", &cl.global_init) &&
              symbol(lib, "curl_easy_init", &cl.easy_init) &&
              symbol(lib, "curl_easy_setopt", &cl.easy_setopt) &&
              symbol(lib, "curl_easy_perform", &cl.easy_perform) &&
              symbol(lib, "curl_easy_getinfo", &cl.easy_getinfo) &&
              symbol(lib, "curl_easy_reset", &cl.easy_reset) &&
              symbol(lib, "curl_easy_cleanup", &cl.easy_cleanup) &&
              symbol(lib, "curl_easy_strerror", &cl.easy_strerror) &&
              symbol(lib, "curl_slist_append", &cl.slist_append) &&
              symbol(lib, "curl_slist_free_all", &cl.slist_free_all);
    if (!ok || cl.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return fetch_fail(f, LEVER_EFETCH,
                          "the libcurl found cannot be used (too old or damaged); install "
                          "libcurl 7.66 or later (Debian: apt-get install libcurl4)");
    cl.loaded = true;
    return LEVER_OK;
}

void download_release(lever_fetch *f)
{
    if (f->curl)
        cl.easy_cleanup(f->curl);
    f->curl = NULL;
}

/* ------------------------------------------------------------------ */
/* One attempt                                                         */
/* ------------------------------------------------------------------ */

typedef struct transfer {
    lever_fetch *f;
    fetch_item *item;
    FILE *part;
    uint64_t offset;         /* bytes in the .part file when the attempt started */
    uint64_t written;        /* bytes written by this attempt */
    uint64_t total;          /* size of the whole file when known */
    long status;             /* of the answer whose body is arriving */
    bool body_started;
    bool range_mismatch;     /* a 206 for another range than asked */
    int write_errno;         /* the .part file could not be written */
    uint64_t range_start;    /* of the Content-Range header, when have_range */
    bool have_range;
    char body[2048];         /* start of a failed answer's body */
    size_t body_len;
    double last_report;
    char error[CURL_ERROR_SIZE];
} transfer;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void sleep_seconds(long seconds)
{
    struct timespec ts = {.tv_sec = seconds, .tv_nsec = 0};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static bool header_is(const char *line, size_t len, const char *name)
{
    size_t n = strlen(name);
    return len > n && strncasecmp(line, name, n) == 0 && line[n] == ':';
}

static size_t on_header(char *line, size_t size, size_t count, void *ud)
{
    transfer *t = ud;
    size_t len = size * count;
    if (len >= 5 && strncmp(line, "HTTP/", 5) == 0) {
        t->have_range = false; /* a new answer (after a redirect or a 100 Continue) */
    } else if (header_is(line, len, "Content-Range")) {
        /* "Content-Range: bytes START-END/TOTAL" */
        char text[128];
        size_t n = len < sizeof text - 1 ? len : sizeof text - 1;
        memcpy(text, line, n);
        text[n] = 0;
        unsigned long long start, end, total;
        if (sscanf(text + 14, " bytes %llu-%llu/%llu", &start, &end, &total) == 3) {
            t->range_start = start;
            t->have_range = true;
            t->total = total;
        }
    }
    return len;
}

/* The status is known once the body starts; a 2xx body goes to the .part file. */
static size_t on_body(char *data, size_t size, size_t count, void *ud)
{
    transfer *t = ud;
    size_t len = size * count;
    if (!t->body_started) {
        t->body_started = true;
        cl.easy_getinfo(t->f->curl, CURLINFO_RESPONSE_CODE, &t->status);
        if (t->status == 206 && (!t->have_range || t->range_start != t->offset)) {
            t->range_mismatch = true;
            return 0;
        }
        if (t->status / 100 == 2 && t->status != 206 && t->offset > 0) {
            /* The server sends the whole file again: start the .part file over. */
            if (ftruncate(fileno(t->part), 0) != 0 || fseek(t->part, 0, SEEK_SET) != 0) {
                t->write_errno = errno;
                return 0;
            }
            t->offset = 0;
        }
    }
    if (t->status / 100 != 2) {
        size_t room = sizeof t->body - 1 - t->body_len, n = len < room ? len : room;
        memcpy(t->body + t->body_len, data, n);
        t->body_len += n;
        t->body[t->body_len] = 0;
        return len;
    }
    if (fwrite(data, 1, len, t->part) != len) {
        t->write_errno = errno ? errno : EIO;
        return 0;
    }
    t->written += len;
    return len;
}

static void report(transfer *t, bool force)
{
    lever_fetch *f = t->f;
    if (!f->progress)
        return;
    double now = now_seconds();
    if (!force && now - t->last_report < 0.1)
        return;
    t->last_report = now;
    f->progress(f->progress_ud, t->item->label, t->offset + t->written, t->total, t->offset);
}

static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    transfer *t = ud;
    (void)dlnow;
    (void)ultotal;
    (void)ulnow;
    if (dltotal > 0 && t->status / 100 == 2 && !t->have_range)
        t->total = t->offset + (uint64_t)dltotal;
    if (t->body_started && t->status / 100 == 2)
        report(t, false);
    return 0;
}

static CURLcode perform(transfer *t, struct curl_slist *headers)
{
    CURL *c = t->f->curl;
    const fetch_item *item = t->item;
    cl.easy_reset(c);
    cl.easy_setopt(c, CURLOPT_URL, item->url);
    cl.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    cl.easy_setopt(c, CURLOPT_USERAGENT, "lever/" LEVER_VERSION);
    cl.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    cl.easy_setopt(c, CURLOPT_ERRORBUFFER, t->error);
    cl.easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
    /* A transfer that stalls (under 1 byte/s for a minute) is a cut one. */
    cl.easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    cl.easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
    if (item->follow_redirects) {
        cl.easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
        cl.easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
    }
    if (headers)
        cl.easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    if (item->resumable && t->offset > 0)
        cl.easy_setopt(c, CURLOPT_RESUME_FROM_LARGE, (curl_off_t)t->offset);
    if (!item->resumable)
        cl.easy_setopt(c, CURLOPT_ACCEPT_ENCODING, ""); /* whatever libcurl decodes */
    cl.easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    cl.easy_setopt(c, CURLOPT_HEADERDATA, t);
    cl.easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    cl.easy_setopt(c, CURLOPT_WRITEDATA, t);
    cl.easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    cl.easy_setopt(c, CURLOPT_XFERINFODATA, t);
    cl.easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    CURLcode rc = cl.easy_perform(c);
    if (!t->body_started) /* no body (a 429 or 304 may have none) */
        cl.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &t->status);
    return rc;
}

/* ------------------------------------------------------------------ */
/* What went wrong, and whether to try again                           */
/* ------------------------------------------------------------------ */

/* The server's own words: the "message" of a JSON body, else its first line. */
static void server_words(const transfer *t, char *out, size_t len)
{
    out[0] = 0;
    const char *b = t->body;
    const char *m = strstr(b, "\"message\"");
    if (m && (m = strchr(m + 9, '"')) != NULL) {
        const char *end = strchr(m + 1, '"');
        if (end) {
            snprintf(out, len, "%.*s", (int)(end - m - 1), m + 1);
            return;
        }
    }
    while (*b == ' ' || *b == '\n' || *b == '\r' || *b == '\t')
        b++;
    if (*b == '<') /* an HTML page says nothing useful in a line */
        return;
    size_t n = strcspn(b, "\r\n");
    if (n > 200)
        n = 200;
    snprintf(out, len, "%.*s", (int)n, b);
}

/* Seconds a rate-limited server asks to wait: Retry-After, else "Try again in N seconds"
 * in its message, else -1. */
static long asked_wait(transfer *t)
{
    curl_off_t after = -1;
    if (cl.easy_getinfo(t->f->curl, CURLINFO_RETRY_AFTER, &after) == CURLE_OK && after > 0)
        return (long)after;
    const char *p = strstr(t->body, "Try again in ");
    if (p)
        return strtol(p + 13, NULL, 10);
    return -1;
}

static bool cut_connection(CURLcode rc)
{
    return rc == CURLE_PARTIAL_FILE || rc == CURLE_RECV_ERROR || rc == CURLE_SEND_ERROR ||
           rc == CURLE_GOT_NOTHING || rc == CURLE_OPERATION_TIMEDOUT || rc == CURLE_HTTP2 ||
           rc == CURLE_HTTP2_STREAM;
}

static const char *size_text(uint64_t bytes, char *buf, size_t len)
{
    if (bytes < 10000)
        snprintf(buf, len, "%llu bytes", (unsigned long long)bytes);
    else if (bytes < 10000000)
        snprintf(buf, len, "%.1f kB", (double)bytes / 1e3);
    else
        snprintf(buf, len, "%.1f MB", (double)bytes / 1e6);
    return buf;
}

/* A failure no retry can mend: connection, TLS, protocol. */
static int network_error(lever_fetch *f, const transfer *t, CURLcode rc)
{
    const char *detail = t->error[0] ? t->error : cl.easy_strerror(rc);
    const char *label = t->item->label;
    switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        return fetch_fail(f, LEVER_EFETCH,
                          "cannot fetch %s: the server's name does not resolve (%s); check "
                          "the network connection and the URL",
                          label, detail);
    case CURLE_COULDNT_CONNECT:
        return fetch_fail(f, LEVER_EFETCH,
                          "cannot fetch %s: cannot connect to the server (%s); check the "
                          "network connection, or try again later",
                          label, detail);
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CACERT_BADFILE:
        return fetch_fail(f, LEVER_EFETCH,
                          "cannot fetch %s: the secure connection failed (%s); check the "
                          "system's CA certificates (Debian: ca-certificates) and the clock",
                          label, detail);
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
        return fetch_fail(f, LEVER_EFETCH,
                          "cannot fetch %s: the URL is not an http(s) URL lever can use (%s)",
                          label, detail);
    case CURLE_TOO_MANY_REDIRECTS:
        return fetch_fail(f, LEVER_EFETCH, "cannot fetch %s: too many redirects (%s)", label,
                          detail);
    default:
        return fetch_fail(f, LEVER_EFETCH, "cannot fetch %s: %s", label, detail);
    }
}

static int status_error(lever_fetch *f, transfer *t)
{
    fetch_item *item = t->item;
    server_words(t, item->server_message, sizeof item->server_message);
    const char *words = item->server_message;
    long s = t->status;
    const char *advice = s == 401 || s == 403 ? "the server refused the request"
                         : s == 404           ? "there is no such file at that address"
                         : s == 429           ? "rate limited: try again later"
                         : s >= 500           ? "the server failed: try again later"
                                              : "the server rejected the request";
    return fetch_fail(f, LEVER_EFETCH, "cannot fetch %s: HTTP %ld: %s%s%s%s", item->label, s,
                      advice, words[0] ? " (the server says: \"" : "", words,
                      words[0] ? "\")" : "");
}

/* ------------------------------------------------------------------ */
/* The loop                                                            */
/* ------------------------------------------------------------------ */

static uint64_t file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (uint64_t)sb.st_size : 0;
}

/* Downloads into part (kept on failure when resumable). */
static int download(lever_fetch *f, fetch_item *item, const char *part)
{
    struct curl_slist *headers = NULL;
    if (item->header && !(headers = cl.slist_append(NULL, item->header)))
        return fetch_fail(f, LEVER_ENOMEM, "out of memory");
    FILE *fp = fopen(part, item->resumable ? "ab" : "wb");
    if (!fp) {
        cl.slist_free_all(headers);
        return fetch_fail(f, LEVER_EIO, "cannot write '%s': %s; free some space or choose "
                          "another cache folder (--cache DIR)", part, strerror(errno));
    }
    int rc = LEVER_EFETCH;
    for (int attempt = 0;; attempt++) {
        transfer t = {.f = f, .item = item, .part = fp};
        fflush(fp);
        t.offset = item->resumable ? file_size(part) : 0;
        if (!item->resumable && (ftruncate(fileno(fp), 0) != 0 || fseek(fp, 0, SEEK_SET))) {
            rc = fetch_fail(f, LEVER_EIO, "cannot write '%s': %s", part, strerror(errno));
            break;
        }
        CURLcode cr = perform(&t, headers);
        item->http_status = t.status;
        bool more = attempt < f->retries;
        char got[32], whole[32];
        if (t.write_errno) {
            rc = fetch_fail(f, LEVER_EIO, "cannot write '%s': %s; free some space or choose "
                            "another cache folder (--cache DIR)", part, strerror(t.write_errno));
            break;
        }
        if (t.range_mismatch || cr == CURLE_RANGE_ERROR) {
            if (ftruncate(fileno(fp), 0) != 0) {
                rc = fetch_fail(f, LEVER_EIO, "cannot write '%s': %s", part, strerror(errno));
                break;
            }
            fetch_note(f, "%s: the server cannot resume this download; starting over",
                       item->label);
            if (more)
                continue;
            rc = fetch_fail(f, LEVER_EFETCH, "cannot fetch %s: the server does not resume "
                            "downloads correctly; try again later", item->label);
            break;
        }
        if (cr == CURLE_OK && t.status / 100 == 2) {
            report(&t, true);
            rc = LEVER_OK;
            break;
        }
        if (cr != CURLE_OK && t.status / 100 == 2 && cut_connection(cr)) {
            uint64_t have = t.offset + t.written;
            if (more) {
                fetch_note(f, "%s: the connection was cut after %s%s%s; %s (attempt %d of %d)",
                           item->label, size_text(have, got, sizeof got),
                           t.total ? " of " : "", t.total ? size_text(t.total, whole, sizeof whole) : "",
                           item->resumable ? "resuming" : "trying again", attempt + 2,
                           f->retries + 1);
                sleep_seconds(1);
                continue;
            }
            rc = fetch_fail(f, LEVER_EFETCH,
                            "cannot fetch %s: the connection was cut after %s%s%s, %d times "
                            "(%s)%s",
                            item->label, size_text(have, got, sizeof got), t.total ? " of " : "",
                            t.total ? size_text(t.total, whole, sizeof whole) : "",
                            attempt + 1, t.error[0] ? t.error : cl.easy_strerror(cr),
                            item->resumable ? "; what came is kept in the cache: run the same "
                                              "command again to resume"
                                            : "; try again later");
            break;
        }
        if (cr != CURLE_OK && t.status == 0) {
            rc = network_error(f, &t, cr);
            break;
        }
        if (t.status == 416 && t.offset > 0) { /* the .part file is not a prefix: restart */
            if (ftruncate(fileno(fp), 0) != 0) {
                rc = fetch_fail(f, LEVER_EIO, "cannot write '%s': %s", part, strerror(errno));
                break;
            }
            if (more)
                continue;
        }
        if (t.status == 429) {
            long wait = asked_wait(&t);
            if (wait < 0)
                wait = 1L << (attempt < 6 ? attempt : 6);
            if (wait > f->max_wait) {
                server_words(&t, item->server_message, sizeof item->server_message);
                rc = fetch_fail(f, LEVER_EFETCH,
                                "cannot fetch %s: rate limited (HTTP 429): the server asks to "
                                "wait %ld s, longer than --max-wait %d s; run the same command "
                                "later (what was fetched is kept in the cache)",
                                item->label, wait, f->max_wait);
                break;
            }
            if (more) {
                fetch_note(f, "%s: rate limited (HTTP 429); waiting %ld s (attempt %d of %d)",
                           item->label, wait, attempt + 2, f->retries + 1);
                sleep_seconds(wait);
                continue;
            }
            rc = fetch_fail(f, LEVER_EFETCH,
                            "cannot fetch %s: still rate limited (HTTP 429) after %d attempts; "
                            "run the same command later (what was fetched is kept in the "
                            "cache)",
                            item->label, attempt + 1);
            break;
        }
        if (t.status >= 500 && more) {
            long wait = 1L << (attempt < 6 ? attempt : 6);
            fetch_note(f, "%s: the server failed (HTTP %ld); trying again in %ld s (attempt %d "
                       "of %d)", item->label, t.status, wait, attempt + 2, f->retries + 1);
            sleep_seconds(wait);
            continue;
        }
        if (cr != CURLE_OK && t.status / 100 == 2) {
            rc = network_error(f, &t, cr);
            break;
        }
        rc = status_error(f, &t);
        break;
    }
    cl.slist_free_all(headers);
    if (fflush(fp) != 0 || fsync(fileno(fp)) != 0) {
        if (rc == LEVER_OK)
            rc = fetch_fail(f, LEVER_EIO, "cannot write '%s': %s", part, strerror(errno));
    }
    fclose(fp);
    if (rc != LEVER_OK && (!item->resumable || file_size(part) == 0))
        unlink(part);
    return rc;
}

int fetch_item_get(lever_fetch *f, fetch_item *item)
{
    const char *dir;
    int rc = cache_dir(f, &dir);
    if (rc)
        return rc;
    item->from_cache = false;
    item->http_status = 0;
    item->server_message[0] = 0;
    char *final = path_join(dir, item->cache_name);
    size_t len = final ? strlen(final) : 0;
    char *part = final ? malloc(len + 6) : NULL;
    if (!part) {
        free(final);
        return fetch_fail(f, LEVER_ENOMEM, "out of memory");
    }
    memcpy(part, final, len);
    memcpy(part + len, ".part", 6);
    if (cache_verified(f, final)) {
        item->from_cache = true;
        goto done;
    }
    if ((rc = curl_load(f)) != LEVER_OK)
        goto done;
    if (!f->curl && !(f->curl = cl.easy_init())) {
        rc = fetch_fail(f, LEVER_ENOMEM, "out of memory (libcurl)");
        goto done;
    }
    if ((rc = download(f, item, part)) != LEVER_OK)
        goto done;
    check_result check = item->check ? item->check(f, part, item->check_ud) : CHECK_OK;
    if (check != CHECK_OK) {
        unlink(part);
        rc = check == CHECK_TRUNCATED ? LEVER_ELIMIT : LEVER_EFETCH;
        goto done;
    }
    if ((rc = cache_record(f, part, final, item->url)) != LEVER_OK)
        goto done;
    if (rename(part, final) != 0)
        rc = fetch_fail(f, LEVER_EIO, "cannot rename '%s' to '%s': %s", part, final,
                        strerror(errno));
done:
    free(part);
    free(final);
    return rc;
}
