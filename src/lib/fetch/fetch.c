/*
 * fetch.c - the lever_fetch handle: settings, messages, notes. The work is in
 * download.c (one URL into the cache), cache.c, baci.c and comtrade.c.
 */
#include "fetch.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int fetch_fail(lever_fetch *f, int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->errmsg, sizeof f->errmsg, fmt, ap);
    va_end(ap);
    return rc;
}

void fetch_note(lever_fetch *f, const char *fmt, ...)
{
    if (!f->note)
        return;
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    f->note(f->note_ud, text);
}

int lever_fetch_new(lever_fetch **out)
{
    *out = calloc(1, sizeof **out);
    if (!*out)
        return LEVER_ENOMEM;
    (*out)->retries = 5;
    (*out)->max_wait = 120;
    return LEVER_OK;
}

void lever_fetch_free(lever_fetch *f)
{
    if (!f)
        return;
    download_release(f);
    free(f->cache_dir);
    free(f);
}

const char *lever_fetch_errmsg(const lever_fetch *f)
{
    return f ? f->errmsg : "out of memory";
}

void lever_fetch_set_progress(lever_fetch *f, lever_fetch_progress_fn fn, void *ud)
{
    f->progress = fn;
    f->progress_ud = ud;
}

void lever_fetch_set_note(lever_fetch *f, lever_warning_fn fn, void *ud)
{
    f->note = fn;
    f->note_ud = ud;
}

void lever_fetch_set_file(lever_fetch *f, lever_fetch_file_fn fn, void *ud)
{
    f->on_file = fn;
    f->file_ud = ud;
}

int lever_fetch_set_cache(lever_fetch *f, const char *dir)
{
    free(f->cache_dir);
    f->cache_dir = NULL;
    if (!dir || !dir[0])
        return LEVER_OK;
    f->cache_dir = strdup(dir);
    return f->cache_dir ? LEVER_OK : fetch_fail(f, LEVER_ENOMEM, "out of memory");
}

void lever_fetch_set_retries(lever_fetch *f, int retries, int max_wait_seconds)
{
    f->retries = retries < 0 ? 0 : retries;
    f->max_wait = max_wait_seconds < 0 ? 0 : max_wait_seconds;
}
