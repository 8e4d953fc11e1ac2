/*
 * csv.c - what the bytes of an input mean: the header tells its kind (BACI trade
 * file, BACI country or product dictionary, UN Comtrade legacy CSV), then one
 * parser per kind turns lines into rows or dictionary entries.
 *
 * Why it is built this way: a BACI release holds hundreds of millions of lines of
 * "t,i,j,k,v,q", so that parser is a hand-written byte loop with a fast path for
 * the usual plain digits and a careful slow path (quotes, padding, NA, scientific
 * notation, errors) taken only when the fast path meets something else. Numbers
 * are read as exact fixed point (thousands of USD with 3 decimals become integer
 * USD), never through double. Big inputs are cut at line boundaries into chunks
 * parsed by several threads; chunks are appended to the rows in input order, so
 * the result does not depend on the thread count. No line numbers are kept while
 * parsing: an error records its byte offset and the line is counted afterwards.
 * Dictionaries and Comtrade files are small, so they use a general RFC 4180
 * record reader (quoted commas, "" escapes) instead.
 */
#include "fields.h"
#include "parser.h"

#include <pthread.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/mman.h>

#define CHUNK_BYTES ((size_t)8 << 20)
#define YEAR_MIN 1950
#define YEAR_MAX 2100
#define MAX_COUNTRY 999
#define MAX_PRODUCT 999999
/* Limits of a record read by the general reader (headers, dictionaries, Comtrade): far
 * beyond any real input (Comtrade's 35 columns, a product description of a few hundred
 * bytes), so that a hostile one is refused at once instead of filling memory. */
#define MAX_FIELDS 1024
#define MAX_RECORD_BYTES ((size_t)1 << 20)

/* ------------------------------------------------------------------ */
/* Field descriptions: what each column is and what to do when it's wrong */
/* ------------------------------------------------------------------ */

static const field_spec baci_t = {"year", 0, true, false, YEAR_MIN, YEAR_MAX,
                                  "t must be a year such as 2021 (1950..2100)"};
static const field_spec baci_i = {"exporter code", 0, true, false, 0, MAX_COUNTRY,
                                  "i must be the exporter's numeric country code (0..999)"};
static const field_spec baci_j = {"importer code", 0, true, false, 0, MAX_COUNTRY,
                                  "j must be the importer's numeric country code (0..999)"};
static const field_spec baci_k = {"product code", 0, true, false, 0, MAX_PRODUCT,
                                  "k must be an HS6 product code such as 100190 (0..999999)"};
static const field_spec baci_v = {"value", 3, false, false, 0, UINT64_MAX,
                                  "BACI values are non-negative thousands of USD"};
static const field_spec baci_q = {"quantity", 3, false, true, 0, INT64_MAX,
                                  "BACI quantities are non-negative metric tons, or NA when "
                                  "unknown"};

/* ------------------------------------------------------------------ */
/* BACI trade lines: the hot loop                                      */
/* ------------------------------------------------------------------ */

/* What one chunk of a trade file produced. */
typedef struct chunk_out {
    lever_rows *rows;
    size_t rows_at_start;          /* rows->n when the chunk began */
    uint64_t *gaps;                /* blank lines: rows of the chunk before each */
    size_t n_gaps, cap_gaps;
    uint64_t n_rounded;            /* values with digits beyond 3 decimals */
    size_t rounded_offset;         /* the first of them */
    char rounded_text[SHOWN_TEXT + 4];
    const char *rounded_what;
    int rc;                        /* LEVER_OK, LEVER_EINPUT or LEVER_ENOMEM */
    size_t error_offset;           /* where the line/column of the error points */
    char error[640];
} chunk_out;

/* The view of the bytes being parsed: pointer p maps to input offset base_off + (p - base). */
typedef struct trade_cursor {
    const char *base;
    size_t base_off;
    bool index_column;
} trade_cursor;

static inline size_t cursor_offset(const trade_cursor *cur, const char *p)
{
    return cur->base_off + (size_t)(p - cur->base);
}

static bool line_end_at(const char *p)
{
    return *p == '\n' || (*p == '\r' && p[1] == '\n');
}

/* One field of a line that is known to end with '\n': trims blanks and one pair of
 * quotes. Returns the terminator (',' or line end), or NULL when a quote is not closed. */
static const char *scan_field(const char *p, const char **text, size_t *len)
{
    while (*p == ' ' || *p == '\t')
        p++;
    const char *t, *e;
    if (*p == '"') {
        t = ++p;
        while (*p != '"' && *p != '\n')
            p++;
        if (*p != '"')
            return NULL;
        e = p++;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p != ',' && !line_end_at(p))
            return NULL;
        while (t < e && (*t == ' ' || *t == '\t'))
            t++;
    } else {
        t = p;
        while (*p != ',' && !line_end_at(p))
            p++;
        e = p;
    }
    while (e > t && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    *text = t;
    *len = (size_t)(e - t);
    return p;
}

static size_t count_fields(const char *line)
{
    size_t n = 1;
    const char *p = line, *t;
    size_t len;
    while ((p = scan_field(p, &t, &len)) && *p == ',') {
        n++;
        p++;
    }
    return n;
}

static const char *skip_line(const char *p)
{
    while (*p != '\n')
        p++;
    return p + 1;
}

static void chunk_error(chunk_out *out, const trade_cursor *cur, const char *at, const char *fmt,
                        ...) __attribute__((format(printf, 4, 5)));
static void chunk_error(chunk_out *out, const trade_cursor *cur, const char *at, const char *fmt,
                        ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out->error, sizeof out->error, fmt, ap);
    va_end(ap);
    out->rc = LEVER_EINPUT;
    out->error_offset = cursor_offset(cur, at);
}

static void column_count_error(chunk_out *out, const trade_cursor *cur, const char *line,
                               const char *at)
{
    size_t expected = cur->index_column ? 7 : 6;
    chunk_error(out, cur, at,
                "the line has %zu fields but the header has %zu (%st,i,j,k,v,q); check the "
                "delimiter (',') and the quoting of this line",
                count_fields(line), expected, cur->index_column ? "index," : "");
}

/* The general path for one field: quotes, padding, NA, decimals, exponents, errors.
 * Returns the position after the field's terminator, or NULL with out->error set. */
static const char *slow_field(const trade_cursor *cur, chunk_out *out, const char *line,
                              const char *f, const field_spec *spec, bool last, uint64_t *value,
                              bool *missing)
{
    const char *text;
    size_t len;
    const char *p = scan_field(f, &text, &len);
    if (!p) {
        chunk_error(out, cur, f,
                    "%s: a quote is not closed or is followed by other text; quote whole "
                    "fields only (\"12.5\")",
                    spec->what);
        return NULL;
    }
    if (last ? *p == ',' : *p != ',') {
        column_count_error(out, cur, line, p);
        return NULL;
    }
    bool rounded;
    char msg[sizeof out->error];
    if (!field_value(spec, text, len, value, missing, &rounded, msg, sizeof msg)) {
        chunk_error(out, cur, f, "%s", msg);
        return NULL;
    }
    if (rounded && out->n_rounded++ == 0) {
        out->rounded_offset = cursor_offset(cur, f);
        out->rounded_what = spec->what;
        shown_text(text, len, out->rounded_text);
    }
    return *p == ',' ? p + 1 : *p == '\r' ? p + 2 : p + 1;
}

/* The fast path: plain digits, one byte at a time. (Reading 8 bytes at once, SWAR, was
 * measured 20% slower on BACI lines: their field lengths are regular enough for the
 * branch predictor, and the byte loop needs fewer instructions.) Every line is known to
 * end with '\n', which stops each loop, so no bounds check is needed. */

/* "123" followed by `term`: returns the position after the terminator, or NULL. */
static inline const char *fast_code(const char *p, char term, uint32_t *out)
{
    const char *first = p;
    uint32_t x = (uint32_t)(unsigned char)*p - '0', d;
    if (x > 9)
        return NULL;
    p++;
    while ((d = (uint32_t)(unsigned char)*p - '0') <= 9 && p - first < 9) {
        x = x * 10 + d;
        p++;
    }
    if (*p != term)
        return NULL;
    *out = x;
    return p + 1;
}

/* "123.456" (at most 15 integer digits and 3 decimals) as thousandths: returns the
 * position after the number, or NULL for anything else. */
static inline const char *fast_thousandths(const char *p, uint64_t *out)
{
    static const uint32_t place[3] = {100, 10, 1};
    const char *first = p;
    uint64_t x = 0;
    uint32_t d;
    while ((d = (uint32_t)(unsigned char)*p - '0') <= 9 && p - first < 15) {
        x = x * 10 + d;
        p++;
    }
    if (p == first)
        return NULL;
    x *= 1000;
    if (*p == '.') {
        p++;
        for (int n = 0; n < 3 && (d = (uint32_t)(unsigned char)*p - '0') <= 9; n++, p++)
            x += d * place[n];
    }
    if ((uint32_t)(unsigned char)*p - '0' <= 9)
        return NULL; /* more digits than the fast path takes */
    *out = x;
    return p;
}

/* A code field: the fast path, checked against the spec's range, else the general path. */
#define CODE_FIELD(var, spec)                                                                    \
    do {                                                                                         \
        uint32_t x_;                                                                             \
        const char *e_ = fast_code(p, ',', &x_);                                            \
        if (e_ && x_ >= (spec).min && x_ <= (spec).max) {                                        \
            var = x_;                                                                            \
            p = e_;                                                                              \
        } else {                                                                                 \
            uint64_t v_;                                                                         \
            bool m_;                                                                             \
            p = slow_field(cur, out, line, p, &(spec), false, &v_, &m_);                         \
            if (!p)                                                                              \
                return NULL;                                                                     \
            var = (uint32_t)v_;                                                                  \
        }                                                                                        \
    } while (0)

/* Parses the line at p (it ends with '\n') into out->rows. Returns the next line or NULL. */
static const char *trade_line(const trade_cursor *cur, chunk_out *out, const char *p)
{
    const char *line = p;
    uint32_t t, i, j, k;
    uint64_t v, q;
    bool missing;
    if (cur->index_column) {
        const char *text;
        size_t len;
        const char *e = scan_field(p, &text, &len);
        if (!e || *e != ',') {
            column_count_error(out, cur, line, e ? e : p);
            return NULL;
        }
        p = e + 1;
    }
    CODE_FIELD(t, baci_t);
    CODE_FIELD(i, baci_i);
    CODE_FIELD(j, baci_j);
    CODE_FIELD(k, baci_k);
    const char *e = fast_thousandths(p, &v);
    if (e && *e == ',') {
        p = e + 1;
    } else if (!(p = slow_field(cur, out, line, p, &baci_v, false, &v, &missing))) {
        return NULL;
    }
    int64_t qty;
    e = fast_thousandths(p, &q);
    if (e && *e == '\n') {
        qty = (int64_t)q;
        p = e + 1;
    } else if (e && *e == '\r' && e[1] == '\n') {
        qty = (int64_t)q;
        p = e + 2;
    } else {
        if (!(p = slow_field(cur, out, line, p, &baci_q, true, &q, &missing)))
            return NULL;
        qty = missing ? LEVER_QTY_MISSING : (int64_t)q;
    }
    lever_rows *r = out->rows;
    if (r->n == r->cap && rows_reserve(r, r->cap ? r->cap : 4096)) {
        out->rc = LEVER_ENOMEM;
        snprintf(out->error, sizeof out->error, "out of memory for the rows");
        out->error_offset = cursor_offset(cur, line);
        return NULL;
    }
    rows_push_unchecked(r, (uint16_t)t, (uint16_t)i, (uint16_t)j, k, v, qty);
    return p;
}

/* Parses whole lines in [p, stop); every line there ends with '\n'. */
static void trade_lines(const trade_cursor *cur, chunk_out *out, const char *p, const char *stop)
{
    while (p < stop) {
        if (line_end_at(p)) { /* blank line: no row */
            if (out->n_gaps == out->cap_gaps) {
                size_t cap = out->cap_gaps ? out->cap_gaps * 2 : 16;
                uint64_t *g = realloc(out->gaps, cap * sizeof *g);
                if (!g) {
                    out->rc = LEVER_ENOMEM;
                    snprintf(out->error, sizeof out->error, "out of memory");
                    return;
                }
                out->gaps = g;
                out->cap_gaps = cap;
            }
            out->gaps[out->n_gaps++] = out->rows->n - out->rows_at_start;
            p = skip_line(p);
            continue;
        }
        p = trade_line(cur, out, p);
        if (!p)
            return;
    }
}

/* Parses data[begin, end) of a trade file; a last line without '\n' is parsed from a copy. */
static void trade_chunk(const char *data, size_t begin, size_t end, bool index_column,
                        chunk_out *out)
{
    out->rows_at_start = out->rows->n;
    trade_cursor cur = {data, 0, index_column};
    const char *first = data + begin, *stop = data + end;
    while (stop > first && stop[-1] != '\n')
        stop--;
    trade_lines(&cur, out, first, stop);
    if (out->rc || stop == data + end)
        return;
    size_t tail = (size_t)(data + end - stop);
    char *copy = malloc(tail + 1);
    if (!copy) {
        out->rc = LEVER_ENOMEM;
        snprintf(out->error, sizeof out->error, "out of memory");
        return;
    }
    memcpy(copy, stop, tail);
    copy[tail] = '\n';
    trade_cursor tail_cur = {copy, (size_t)(stop - data), index_column};
    trade_lines(&tail_cur, out, copy, copy + tail + 1);
    free(copy);
}

/* ------------------------------------------------------------------ */
/* BACI trade files: chunks and threads                                */
/* ------------------------------------------------------------------ */

typedef struct trade_job {
    import_sink *imp;
    const import_input *in;
    size_t source;
    bool index_column;
    size_t n_chunks;
    size_t *bounds;          /* chunk c is data[bounds[c], bounds[c+1]) */
    chunk_out *outs;
    size_t *dest;            /* row of the import where chunk c's rows go */
    bool *done;
    pthread_mutex_t lock;
    size_t next_chunk;       /* next chunk to hand out */
    size_t next_claim;       /* next chunk to place in the import's rows */
    size_t failed_chunk;     /* first chunk that failed, n_chunks if none */
    size_t copies_in_flight; /* chunks being copied outside the lock */
    uint64_t bytes_done;
    lever_rows *pool;        /* spare row buffers */
    size_t n_pool;
    uint64_t n_rounded;
    size_t rounded_chunk;
} trade_job;

/* Adds chunk c's blank lines to its source; its rows start at source row first. */
static int merge_gaps(trade_job *job, const chunk_out *out, uint64_t first)
{
    for (size_t g = 0; g < out->n_gaps; g++)
        if (sink_add_gap(job->imp, job->source, first + out->gaps[g]))
            return LEVER_ENOMEM;
    return LEVER_OK;
}

/* Under the lock: gives the finished chunks that come next in input order their rows in
 * the import (a chunk parsed in place is already there) and returns how many were
 * claimed, from *first on. Their copies are made outside the lock, by the caller, so
 * that copying (and the page faults of fresh memory) runs beside the parsing. The row
 * arrays only grow when no copy is in flight; otherwise the thread whose copy ends last
 * claims the rest. */
static size_t claim_ready_chunks(trade_job *job, size_t *first)
{
    import_sink *imp = job->imp;
    uint64_t source_first = sink_source_first_row(imp, job->source);
    size_t claimed = 0;
    *first = job->next_claim;
    while (job->next_claim < job->n_chunks && job->next_claim < job->failed_chunk &&
           job->done[job->next_claim]) {
        size_t c = job->next_claim;
        chunk_out *out = &job->outs[c];
        bool in_place = out->rows == sink_rows(imp);
        if (!in_place) {
            if (sink_rows(imp)->n + out->rows->n > sink_rows(imp)->cap) {
            if (job->copies_in_flight > 0 || claimed > 0)
                    break;
                if (rows_reserve(sink_rows(imp), out->rows->n)) {
                    out->rc = LEVER_ENOMEM;
                    job->failed_chunk = c;
                    break;
                }
            }
            job->dest[c] = sink_rows(imp)->n;
            sink_rows(imp)->n += out->rows->n;
        }
        uint64_t first_in_source = (in_place ? out->rows_at_start : job->dest[c]) - source_first;
        if (merge_gaps(job, out, first_in_source)) {
            out->rc = LEVER_ENOMEM;
            job->failed_chunk = c;
            break;
        }
        if (out->n_rounded && job->n_rounded == 0)
            job->rounded_chunk = c;
        job->n_rounded += out->n_rounded;
        job->next_claim++;
        claimed++;
    }
    if (claimed && job->outs[*first].rows != sink_rows(imp))
        job->copies_in_flight += claimed;
    return claimed;
}

static void rows_copy_at(lever_rows *dst, size_t at, const lever_rows *src)
{
    memcpy(dst->t + at, src->t, src->n * sizeof *src->t);
    memcpy(dst->i + at, src->i, src->n * sizeof *src->i);
    memcpy(dst->j + at, src->j, src->n * sizeof *src->j);
    memcpy(dst->k + at, src->k, src->n * sizeof *src->k);
    memcpy(dst->v + at, src->v, src->n * sizeof *src->v);
    memcpy(dst->q + at, src->q, src->n * sizeof *src->q);
}

/* Called with the lock held: claims what is ready and copies it, until nothing is left. */
static void place_ready_chunks(trade_job *job)
{
    size_t first, n;
    while ((n = claim_ready_chunks(job, &first)) > 0) {
        if (job->outs[first].rows == sink_rows(job->imp)) {
            for (size_t c = first; c < first + n; c++)
                job->outs[c].rows = NULL;
            continue;
        }
        pthread_mutex_unlock(&job->lock);
        for (size_t c = first; c < first + n; c++)
            rows_copy_at(sink_rows(job->imp), job->dest[c], job->outs[c].rows);
        pthread_mutex_lock(&job->lock);
        for (size_t c = first; c < first + n; c++) {
            chunk_out *out = &job->outs[c];
            out->rows->n = 0;
            job->pool[job->n_pool++] = *out->rows;
            free(out->rows);
            out->rows = NULL;
        }
        job->copies_in_flight -= n;
    }
}

static lever_rows *take_buffer(trade_job *job)
{
    lever_rows *r = calloc(1, sizeof *r);
    if (r && job->n_pool)
        *r = job->pool[--job->n_pool];
    return r;
}

/* For a mapped file: maps in the pages of data[begin, end) before it is parsed (one call
 * instead of a page fault every 16 pages), and drops them once parsed, so that the file
 * never sits whole in the process's memory. Pages shared with a neighbouring chunk stay.
 * Pages dropped are read again from the file if an error message needs them. */
static void chunk_pages(const import_input *in, size_t begin, size_t end, bool parsed)
{
    if (!in->mapped)
        return;
    const uintptr_t page = 4096, base = (uintptr_t)in->data;
    uintptr_t from = parsed ? (base + begin + page - 1) & ~(page - 1) : (base + begin) & ~(page - 1);
    uintptr_t to = parsed ? (base + end) & ~(page - 1) : (base + end + page - 1) & ~(page - 1);
    if (to <= from)
        return;
#ifdef MADV_POPULATE_READ
    int populate = MADV_POPULATE_READ;
#else
    int populate = MADV_WILLNEED;
#endif
    madvise((void *)from, to - from, parsed ? MADV_DONTNEED : populate);
}

static void parse_chunk(trade_job *job, size_t c, chunk_out *out)
{
    chunk_pages(job->in, job->bounds[c], job->bounds[c + 1], false);
    trade_chunk(job->in->data, job->bounds[c], job->bounds[c + 1], job->index_column, out);
    chunk_pages(job->in, job->bounds[c], job->bounds[c + 1], true);
}

/* Takes chunks until none is left (or one before has failed), parses each outside the
 * lock and places what is ready in order. Only the calling thread reports progress, so
 * the application's callback is never called from a worker. */
static void work_on_chunks(trade_job *job, bool reports_progress)
{
    pthread_mutex_lock(&job->lock);
    for (;;) {
        size_t c = job->next_chunk;
        if (c >= job->n_chunks || c > job->failed_chunk)
            break;
        job->next_chunk++;
        chunk_out *out = &job->outs[c];
        out->rows = take_buffer(job);
        pthread_mutex_unlock(&job->lock);
        if (out->rows)
            parse_chunk(job, c, out);
        else
            out->rc = LEVER_ENOMEM;
        pthread_mutex_lock(&job->lock);
        job->done[c] = true;
        job->bytes_done += job->bounds[c + 1] - job->bounds[c];
        if (out->rc && c < job->failed_chunk)
            job->failed_chunk = c;
        place_ready_chunks(job);
        if (reports_progress) {
            uint64_t done = job->bytes_done;
            pthread_mutex_unlock(&job->lock);
            sink_progress(job->imp, done, job->in->len, false);
            pthread_mutex_lock(&job->lock);
        }
    }
    pthread_mutex_unlock(&job->lock);
}

static void *trade_worker(void *arg)
{
    work_on_chunks(arg, false);
    return NULL;
}

static void run_chunks_threaded(trade_job *job, int threads)
{
    pthread_t *tids = calloc((size_t)threads, sizeof *tids);
    int started = 0;
    for (int n = 1; tids && n < threads; n++)
        if (pthread_create(&tids[started], NULL, trade_worker, job) == 0)
            started++;
    work_on_chunks(job, true);
    for (int n = 0; n < started; n++)
        pthread_join(tids[n], NULL);
    free(tids);
    pthread_mutex_lock(&job->lock); /* chunks left when the arrays had to grow */
    place_ready_chunks(job);
    pthread_mutex_unlock(&job->lock);
}

/* One thread: chunks go straight into the import's rows. */
static void run_chunks_inline(trade_job *job)
{
    for (size_t c = 0; c < job->n_chunks; c++) {
        chunk_out *out = &job->outs[c];
        out->rows = sink_rows(job->imp);
        parse_chunk(job, c, out);
        job->done[c] = true;
        job->bytes_done += job->bounds[c + 1] - job->bounds[c];
        if (out->rc) {
            job->failed_chunk = c;
            return;
        }
        place_ready_chunks(job);
        if (job->failed_chunk < job->n_chunks)
            return;
        sink_progress(job->imp, job->bytes_done, job->in->len, false);
    }
}

/* Cuts data[body, len) into chunks of about CHUNK_BYTES ending at line ends. */
static size_t cut_chunks(const char *data, size_t body, size_t len, size_t *bounds)
{
    size_t n = 0;
    bounds[0] = body;
    size_t at = body;
    while (at < len) {
        size_t want = at + CHUNK_BYTES;
        if (want >= len) {
            at = len;
        } else {
            const char *nl = memchr(data + want, '\n', len - want);
            at = nl ? (size_t)(nl - data) + 1 : len;
        }
        bounds[++n] = at;
    }
    return n;
}

/* Reserves the rows the body will need, estimated from the line length of its start. */
static int reserve_for_body(import_sink *imp, const char *data, size_t body, size_t len)
{
    size_t sample = len - body < (1u << 16) ? len - body : (1u << 16);
    size_t lines = 0;
    for (const char *p = data + body, *e = p + sample; (p = memchr(p, '\n', (size_t)(e - p)));
         p++)
        lines++;
    if (lines == 0)
        return LEVER_OK;
    double per_line = (double)sample / (double)lines;
    return rows_reserve(sink_rows(imp), (size_t)((double)(len - body) / per_line * 1.02) + 16);
}

/* The first error in input order fails the input; else values rounded beyond 3 decimals
 * give one warning for the whole file. */
static int trade_outcome(import_sink *imp, const import_input *in, const trade_job *job)
{
    uint64_t line, col, base = in->stream ? in->stream->line_base : 0;
    if (job->failed_chunk < job->n_chunks) {
        const chunk_out *out = &job->outs[job->failed_chunk];
        import_line_col(in->data, out->error_offset, &line, &col);
        line += base;
        if (out->rc == LEVER_EINPUT)
            return sink_fail(imp, LEVER_EINPUT, "%s:%llu:%llu: %s", in->name,
                               (unsigned long long)line, (unsigned long long)col, out->error);
        return sink_fail(imp, LEVER_ENOMEM, "%s: out of memory for the rows (at line %llu)",
                           in->name, (unsigned long long)line);
    }
    bool warned = in->stream && in->stream->n_rounded; /* a stream: on its first piece only */
    if (in->stream)
        in->stream->n_rounded += job->n_rounded;
    if (job->n_rounded && !warned) {
        const chunk_out *out = &job->outs[job->rounded_chunk];
        import_line_col(in->data, out->rounded_offset, &line, &col);
        sink_warn(imp,
                    "%s:%llu:%llu: %s \"%s\" has more than 3 decimals; rounded to the nearest "
                    "unit (%llu such numbers in %s)",
                    in->name, (unsigned long long)(line + base), (unsigned long long)col,
                    out->rounded_what, out->rounded_text, (unsigned long long)job->n_rounded,
                    in->stream ? "this part of the input" : "this file");
    }
    return LEVER_OK;
}

static void trade_job_free(trade_job *job, size_t max_chunks)
{
    for (size_t c = 0; job->outs && c < max_chunks; c++) {
        if (job->outs[c].rows && job->outs[c].rows != sink_rows(job->imp)) {
            rows_free(job->outs[c].rows);
            free(job->outs[c].rows);
        }
        free(job->outs[c].gaps);
    }
    for (size_t n = 0; n < job->n_pool; n++)
        rows_free(&job->pool[n]);
    free(job->pool);
    free(job->bounds);
    free(job->outs);
    free(job->done);
    free(job->dest);
}

static int parse_trade(import_sink *imp, const import_input *in, size_t body, bool index_column,
                       uint64_t first_line)
{
    import_stream *st = in->stream; /* a stream's later pieces continue its source */
    long source = st && !st->first ? st->source
                                   : sink_add_source(imp, in->name, in->path, first_line);
    if (source < 0)
        return sink_fail(imp, LEVER_ENOMEM, "%s: out of memory", in->name);
    if (st) {
        st->source = source;
        st->index_column = index_column;
    }
    size_t max_chunks = (in->len - body) / CHUNK_BYTES + 2;
    int threads = sink_threads(imp);
    trade_job job = {.imp = imp, .in = in, .source = (size_t)source,
                     .index_column = index_column};
    job.bounds = malloc((max_chunks + 1) * sizeof *job.bounds);
    job.outs = calloc(max_chunks, sizeof *job.outs);
    job.done = calloc(max_chunks, sizeof *job.done);
    job.dest = calloc(max_chunks, sizeof *job.dest);
    job.pool = calloc((size_t)threads + max_chunks, sizeof *job.pool);
    int rc;
    if (!job.bounds || !job.outs || !job.done || !job.dest || !job.pool ||
        reserve_for_body(imp, in->data, body, in->len)) {
        rc = sink_fail(imp, LEVER_ENOMEM, "%s: out of memory", in->name);
    } else {
        job.n_chunks = cut_chunks(in->data, body, in->len, job.bounds);
        job.failed_chunk = job.n_chunks;
        pthread_mutex_init(&job.lock, NULL);
        if (threads > 1 && job.n_chunks > 1)
            run_chunks_threaded(&job, threads);
        else
            run_chunks_inline(&job);
        pthread_mutex_destroy(&job.lock);
        rc = trade_outcome(imp, in, &job);
    }
    sink_end_source(imp, (size_t)source);
    trade_job_free(&job, max_chunks);
    return rc;
}

/* ------------------------------------------------------------------ */
/* General CSV records (headers, dictionaries, Comtrade)               */
/* ------------------------------------------------------------------ */

typedef struct csv_record {
    size_t n, cap;
    size_t *start;   /* input offset of each field's first byte */
    size_t *text;    /* offset in scratch of each field's NUL-terminated text */
    char *scratch;
    size_t used, scratch_cap;
} csv_record;

static void csv_record_free(csv_record *r)
{
    free(r->start);
    free(r->text);
    free(r->scratch);
}

static const char *csv_field(const csv_record *r, size_t n)
{
    return n < r->n ? r->scratch + r->text[n] : "";
}

static bool csv_put(csv_record *r, char c)
{
    if (r->used == r->scratch_cap) {
        size_t cap = r->scratch_cap ? r->scratch_cap * 2 : 1024;
        char *s = realloc(r->scratch, cap);
        if (!s)
            return false;
        r->scratch = s;
        r->scratch_cap = cap;
    }
    r->scratch[r->used++] = c;
    return true;
}

static bool csv_new_field(csv_record *r, size_t start)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 64;
        size_t *s = realloc(r->start, cap * sizeof *s);
        if (!s)
            return false;
        r->start = s;
        size_t *t = realloc(r->text, cap * sizeof *t);
        if (!t)
            return false;
        r->text = t;
        r->cap = cap;
    }
    r->start[r->n] = start;
    r->text[r->n++] = r->used;
    return true;
}

/* Trims blanks at both ends of the field being built (from its text offset). */
static void csv_trim_last(csv_record *r)
{
    size_t from = r->text[r->n - 1];
    while (r->used > from && (r->scratch[r->used - 1] == ' ' || r->scratch[r->used - 1] == '\t'))
        r->used--;
    size_t lead = from;
    while (lead < r->used && (r->scratch[lead] == ' ' || r->scratch[lead] == '\t'))
        lead++;
    if (lead > from) {
        memmove(r->scratch + from, r->scratch + lead, r->used - lead);
        r->used -= lead - from;
    }
}

enum { CSV_RECORD, CSV_END, CSV_OPEN_QUOTE, CSV_NOMEM, CSV_TOO_WIDE, CSV_TOO_LONG };

/* Reads the record at data[*pos]: fields split at commas outside quotes, "" inside quotes is
 * a quote, a quoted field may hold line ends. Advances *pos past the record's line end. */
static int csv_read_record(csv_record *r, const char *data, size_t len, size_t *pos)
{
    r->n = 0;
    r->used = 0;
    size_t p = *pos;
    if (p >= len)
        return CSV_END;
    if (!csv_new_field(r, p))
        return CSV_NOMEM;
    bool quoted = false;
    size_t quote_at = 0;
    for (; p < len; p++) {
        char c = data[p];
        if (p - *pos > MAX_RECORD_BYTES)
            return CSV_TOO_LONG; /* *pos stays at the record's start */
        if (quoted) {
            if (c == '"') {
                if (p + 1 < len && data[p + 1] == '"') {
                    if (!csv_put(r, '"'))
                        return CSV_NOMEM;
                    p++;
                } else {
                    quoted = false;
                }
            } else if (!csv_put(r, c)) {
                return CSV_NOMEM;
            }
            continue;
        }
        if (c == '"') {
            quoted = true;
            quote_at = p;
        } else if (c == ',') {
            csv_trim_last(r);
            if (r->n >= MAX_FIELDS)
                return CSV_TOO_WIDE;
            if (!csv_put(r, 0) || !csv_new_field(r, p + 1))
                return CSV_NOMEM;
        } else if (c == '\n' || (c == '\r' && p + 1 < len && data[p + 1] == '\n')) {
            break;
        } else if (!csv_put(r, c)) {
            return CSV_NOMEM;
        }
    }
    if (quoted) {
        *pos = quote_at;
        return CSV_OPEN_QUOTE;
    }
    csv_trim_last(r);
    if (!csv_put(r, 0))
        return CSV_NOMEM;
    if (p < len)
        p += data[p] == '\r' ? 2 : 1;
    *pos = p;
    return CSV_RECORD;
}

static bool csv_blank_record(const csv_record *r)
{
    return r->n == 1 && csv_field(r, 0)[0] == 0;
}

/* ------------------------------------------------------------------ */
/* Errors with file:line:column                                        */
/* ------------------------------------------------------------------ */

static int input_error(import_sink *imp, const import_input *in, size_t offset, const char *fmt,
                       ...) __attribute__((format(printf, 4, 5)));
static int input_error(import_sink *imp, const import_input *in, size_t offset, const char *fmt,
                       ...)
{
    char msg[1536];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    uint64_t line, col;
    import_line_col(in->data, offset, &line, &col);
    line += in->stream ? in->stream->line_base : 0;
    return sink_fail(imp, LEVER_EINPUT, "%s:%llu:%llu: %s", in->name, (unsigned long long)line,
                       (unsigned long long)col, msg);
}

static int record_error(import_sink *imp, const import_input *in, int status, size_t pos)
{
    if (status == CSV_NOMEM)
        return sink_fail(imp, LEVER_ENOMEM, "%s: out of memory", in->name);
    if (status == CSV_TOO_WIDE)
        return input_error(imp, in, pos,
                           "the line has more than %d fields (columns), which no input lever "
                           "reads has; is this a CSV file of trade data?",
                           MAX_FIELDS);
    if (status == CSV_TOO_LONG)
        return input_error(imp, in, pos,
                           "the line is longer than %d MB, which no input lever reads has; is "
                           "this a CSV file of trade data?",
                           (int)(MAX_RECORD_BYTES >> 20));
    return input_error(imp, in, pos,
                       "a quoted field is not closed before the end of the file; check the "
                       "quotes of this field");
}

/* Checks field n of a record; reports file:line:column on failure. */
static int record_value(import_sink *imp, const import_input *in, const csv_record *r,
                        size_t n, const field_spec *spec, uint64_t *value, bool *missing,
                        bool *rounded)
{
    char msg[1024];
    const char *s = csv_field(r, n);
    if (field_value(spec, s, strlen(s), value, missing, rounded, msg, sizeof msg))
        return LEVER_OK;
    return input_error(imp, in, r->start[n], "%s", msg);
}

static int field_count_error(import_sink *imp, const import_input *in, const csv_record *r,
                             size_t expected, const char *header_names)
{
    return input_error(imp, in, r->start[0],
                       "the line has %zu fields but the header has %zu (%s); check the "
                       "delimiter (',') and the quoting of this line",
                       r->n, expected, header_names);
}

/* ------------------------------------------------------------------ */
/* Headers                                                             */
/* ------------------------------------------------------------------ */

typedef enum { KIND_TRADE, KIND_COUNTRIES, KIND_PRODUCTS, KIND_COMTRADE } input_kind;

/* Column of each role, -1 when absent. */
enum { COL_T, COL_I, COL_J, COL_K, COL_V, COL_Q, N_TRADE_COLS };
enum { CC_CODE, CC_NAME, CC_FULL, CC_ISO2, CC_ISO3, N_COUNTRY_COLS };
enum { PC_CODE, PC_DESCRIPTION, N_PRODUCT_COLS };
enum {
    CT_CLASSIFICATION, CT_YEAR, CT_PERIOD, CT_AGGREGATE, CT_FLOW, CT_REPORTER, CT_PARTNER,
    CT_COMMODITY, CT_NETWEIGHT, CT_VALUE, N_COMTRADE_COLS
};

typedef struct header_names {
    int role;
    const char *name;
} header_names;

static const header_names trade_names[] = {
    {COL_T, "t"},        {COL_T, "year"},         {COL_T, "yr"},
    {COL_I, "i"},        {COL_I, "exporter"},     {COL_I, "exporter_code"},
    {COL_J, "j"},        {COL_J, "importer"},     {COL_J, "importer_code"},
    {COL_K, "k"},        {COL_K, "product"},      {COL_K, "hs6"},
    {COL_K, "product_code"}, {COL_K, "hs"},       {COL_V, "v"},
    {COL_V, "value"},    {COL_V, "trade_value"},  {COL_Q, "q"},
    {COL_Q, "quantity"}, {COL_Q, "qty"},
};
static const header_names country_names[] = {
    {CC_CODE, "country_code"},
    {CC_NAME, "country_name_abbreviation"}, {CC_NAME, "country_name"},
    {CC_FULL, "country_name_full"}, {CC_ISO2, "iso_2digit_alpha"},
    {CC_ISO2, "country_iso2"},      {CC_ISO3, "iso_3digit_alpha"},
    {CC_ISO3, "country_iso3"},
};
static const header_names product_names[] = {
    {PC_CODE, "code"}, {PC_CODE, "product_code"}, {PC_CODE, "hs6"},
    {PC_DESCRIPTION, "description"}, {PC_DESCRIPTION, "product_description"},
};
static const header_names comtrade_names[] = {
    {CT_CLASSIFICATION, "classification"}, {CT_YEAR, "year"},
    {CT_PERIOD, "period"},                 {CT_AGGREGATE, "aggregate level"},
    {CT_FLOW, "trade flow code"},          {CT_REPORTER, "reporter code"},
    {CT_PARTNER, "partner code"},          {CT_COMMODITY, "commodity code"},
    {CT_NETWEIGHT, "netweight (kg)"},      {CT_VALUE, "trade value (us$)"},
};

static int role_of(const char *field, const header_names *names, size_t n_names)
{
    for (size_t n = 0; n < n_names; n++)
        if (strcasecmp(field, names[n].name) == 0)
            return names[n].role;
    return -1;
}

/* Fills cols[role] = column for every header field with a known name; returns how many
 * roles were found. */
static int map_columns(const csv_record *h, size_t from, const header_names *names,
                       size_t n_names, int *cols, int n_roles)
{
    int found = 0;
    for (int role = 0; role < n_roles; role++)
        cols[role] = -1;
    for (size_t f = from; f < h->n; f++) {
        int role = role_of(csv_field(h, f), names, n_names);
        if (role >= 0 && cols[role] < 0) {
            cols[role] = (int)f;
            found++;
        }
    }
    return found;
}

/* A trade header is t,i,j,k,v,q in this order, possibly after one index column. */
static bool trade_header(const csv_record *h, bool *index_column)
{
    int cols[N_TRADE_COLS];
    if (h->n != 6 && h->n != 7)
        return false;
    size_t from = h->n - 6;
    if (map_columns(h, from, trade_names, sizeof trade_names / sizeof trade_names[0], cols,
                    N_TRADE_COLS) != N_TRADE_COLS)
        return false;
    for (int role = 0; role < N_TRADE_COLS; role++)
        if (cols[role] != (int)from + role)
            return false;
    *index_column = from == 1;
    return true;
}

/* Lines before the header: '#' comments (a "# lever synth" one marks synthetic data) and
 * blank lines. Returns the offset of the header line and counts the lines before it. */
static int skip_preamble(import_sink *imp, const import_input *in, size_t *pos,
                         uint64_t *lines_before)
{
    size_t p = *pos;
    if (in->len >= 3 && memcmp(in->data, "\xEF\xBB\xBF", 3) == 0)
        p = 3;
    *lines_before = 0;
    while (p < in->len && (in->data[p] == '#' || in->data[p] == '\n' || in->data[p] == '\r')) {
        const char *nl = memchr(in->data + p, '\n', in->len - p);
        size_t end = nl ? (size_t)(nl - in->data) : in->len;
        static const char marker[] = "# lever synth";
        if (end - p >= sizeof marker - 1 && memcmp(in->data + p, marker, sizeof marker - 1) == 0) {
            char hs[16] = "";
            for (size_t c = p; c + 7 <= end; c++) {
                if (memcmp(in->data + c, "hs=", 3) == 0) {
                    char cand[16] = "", ignored[32];
                    memcpy(cand, in->data + c + 3, 4);
                    sink_meta_from_name(cand, hs, ignored);
                    break;
                }
            }
            sink_mark_synthetic(imp);
            char origin[512];
            snprintf(origin, sizeof origin, "%s:%llu", in->name,
                     (unsigned long long)*lines_before + 1);
            int rc = sink_note_meta(imp, origin, hs, "synthetic");
            if (rc)
                return rc;
        }
        (*lines_before)++;
        p = nl ? end + 1 : in->len;
    }
    *pos = p;
    return LEVER_OK;
}

static int unknown_header(import_sink *imp, const import_input *in, size_t at,
                          const csv_record *h)
{
    char shown[200];
    size_t used = 0;
    for (size_t f = 0; f < h->n && used < sizeof shown - 8; f++)
        used += (size_t)snprintf(shown + used, sizeof shown - used, "%s%s", f ? "," : "",
                                 csv_field(h, f));
    if (used >= sizeof shown - 8)
        memcpy(shown + sizeof shown - 8, "...", 4);
    char text[SHOWN_TEXT * 2 + 4];
    size_t n = strlen(shown);
    shown_text(shown, n > SHOWN_TEXT * 2 ? SHOWN_TEXT * 2 : n, text);
    /* one field holding semicolons: a CSV saved with ';' between fields, as spreadsheets
     * write it where the comma is the decimal mark */
    const char *hint = h->n == 1 && strchr(csv_field(h, 0), ';')
                           ? "; the fields are separated by ';': save the file with ',' "
                             "between fields (CSV UTF-8, comma-delimited)"
                           : "";
    return input_error(imp, in, at,
                       "header \"%s\" is not recognised; lever reads BACI trade files "
                       "(t,i,j,k,v,q), BACI dictionaries (country_code,country_name,... and "
                       "code,description) and UN Comtrade legacy CSV "
                       "(Classification,Year,...,Trade Value (US$))%s",
                       text, hint);
}

/* ------------------------------------------------------------------ */
/* BACI dictionaries                                                   */
/* ------------------------------------------------------------------ */

/* What a dictionary's text fields met that was not UTF-8 (a file saved as Latin-1). */
typedef struct legacy_text {
    uint64_t fields;   /* fields converted */
    size_t first;      /* input offset of the first one's field */
    unsigned char byte; /* its first byte that was not UTF-8 */
} legacy_text;

/* A copy of field f of r, in UTF-8: text that is not is read as Windows-1252 (Latin-1)
 * and converted, and counted in *legacy for one warning per file. */
static char *copy_text(const csv_record *r, size_t f, legacy_text *legacy)
{
    size_t bad_at;
    const char *text = csv_field(r, f);
    char *d = lever_utf8_from_legacy(text, &bad_at);
    if (d && bad_at != (size_t)-1 && legacy->fields++ == 0) {
        legacy->first = r->start[f];
        legacy->byte = (unsigned char)text[bad_at];
    }
    return d;
}

static void legacy_warning(import_sink *imp, const import_input *in, const legacy_text *legacy)
{
    if (!legacy->fields)
        return;
    uint64_t line, col;
    import_line_col(in->data, legacy->first, &line, &col);
    sink_warn(imp,
              "%s:%llu:%llu: text that is not UTF-8 (byte 0x%02X): read as Latin-1 "
              "(Windows-1252) and converted to UTF-8 (%llu fields); save the file as UTF-8 "
              "if another encoding was meant",
              in->name, (unsigned long long)line, (unsigned long long)col, legacy->byte,
              (unsigned long long)legacy->fields);
}

/* An ISO alpha code of exactly n letters ("DZA"); anything else ("N/A", "") is no code. */
static void copy_iso_code(char out[4], const char *text, size_t n)
{
    out[0] = 0;
    if (strlen(text) != n)
        return;
    for (size_t c = 0; c < n; c++)
        if (!((text[c] >= 'A' && text[c] <= 'Z') || (text[c] >= 'a' && text[c] <= 'z')))
            return;
    memcpy(out, text, n);
    out[n] = 0;
}

static const field_spec dict_country_code = {"country code", 0, true, false, 0, MAX_COUNTRY,
                                             "country_code must be a numeric code (0..999)"};

static int parse_countries(import_sink *imp, const import_input *in, size_t pos,
                           const csv_record *header)
{
    int cols[N_COUNTRY_COLS];
    map_columns(header, 0, country_names, sizeof country_names / sizeof country_names[0], cols,
                N_COUNTRY_COLS);
    size_t n_fields = header->n;
    csv_record r = {0};
    legacy_text legacy = {0};
    int rc = LEVER_OK, st;
    while ((st = csv_read_record(&r, in->data, in->len, &pos)) == CSV_RECORD) {
        if (csv_blank_record(&r))
            continue;
        if (r.n != n_fields) {
            rc = field_count_error(imp, in, &r, n_fields, "country_code,...");
            break;
        }
        uint64_t code;
        bool missing, rounded;
        if ((rc = record_value(imp, in, &r, (size_t)cols[CC_CODE], &dict_country_code, &code,
                               &missing, &rounded)))
            break;
        dict_country c = {.code = (uint16_t)code};
        if (cols[CC_ISO3] >= 0)
            copy_iso_code(c.iso3, csv_field(&r, (size_t)cols[CC_ISO3]), 3);
        if (cols[CC_ISO2] >= 0)
            copy_iso_code(c.iso2, csv_field(&r, (size_t)cols[CC_ISO2]), 2);
        c.name = copy_text(&r, (size_t)cols[CC_NAME], &legacy);
        const char *full = cols[CC_FULL] >= 0 ? csv_field(&r, (size_t)cols[CC_FULL]) : "";
        c.full_name = full[0] ? copy_text(&r, (size_t)cols[CC_FULL], &legacy) : NULL;
        if (!c.name || (full[0] && !c.full_name) || sink_put_country(imp, &c)) {
            free(c.name);
            free(c.full_name);
            rc = sink_fail(imp, LEVER_ENOMEM, "%s: out of memory", in->name);
            break;
        }
    }
    if (!rc && st != CSV_END)
        rc = record_error(imp, in, st, pos);
    if (!rc)
        legacy_warning(imp, in, &legacy);
    csv_record_free(&r);
    return rc;
}

static bool all_digits(const char *s)
{
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

/* HS6 codes are 6 digits, or 5 when the leading zero was dropped ("10121"). */
static bool hs6_from_text(const char *s, uint32_t *hs6)
{
    size_t n = strlen(s);
    if ((n != 5 && n != 6) || !all_digits(s))
        return false;
    *hs6 = (uint32_t)strtoul(s, NULL, 10);
    return true;
}

static int parse_products(import_sink *imp, const import_input *in, size_t pos,
                          const csv_record *header)
{
    int cols[N_PRODUCT_COLS];
    map_columns(header, 0, product_names, sizeof product_names / sizeof product_names[0], cols,
                N_PRODUCT_COLS);
    size_t n_fields = header->n;
    csv_record r = {0};
    legacy_text legacy = {0};
    int rc = LEVER_OK, st;
    uint64_t skipped = 0;
    size_t first_skipped = 0;
    while ((st = csv_read_record(&r, in->data, in->len, &pos)) == CSV_RECORD) {
        if (csv_blank_record(&r))
            continue;
        if (r.n != n_fields) {
            rc = field_count_error(imp, in, &r, n_fields, "code,description");
            break;
        }
        uint32_t hs6;
        const char *code = csv_field(&r, (size_t)cols[PC_CODE]);
        if (!hs6_from_text(code, &hs6)) {
            /* legacy letter codes ("9999AA") cannot occur in trade rows: skipped silently;
             * numeric codes of another length (headings, chapters) deserve a word */
            if (all_digits(code) && skipped++ == 0)
                first_skipped = r.start[cols[PC_CODE]];
            continue;
        }
        char *description = copy_text(&r, (size_t)cols[PC_DESCRIPTION], &legacy);
        if (!description || sink_put_product(imp, hs6, description)) {
            free(description);
            rc = sink_fail(imp, LEVER_ENOMEM, "%s: out of memory", in->name);
            break;
        }
    }
    if (!rc && st != CSV_END)
        rc = record_error(imp, in, st, pos);
    if (!rc && skipped) {
        uint64_t line, col;
        import_line_col(in->data, first_skipped, &line, &col);
        sink_warn(imp,
                    "%s:%llu:%llu: skipped %llu product codes that are not HS6 codes (5 or 6 "
                    "digits); lever keeps products at the 6-digit level",
                    in->name, (unsigned long long)line, (unsigned long long)col,
                    (unsigned long long)skipped);
    }
    if (!rc)
        legacy_warning(imp, in, &legacy);
    csv_record_free(&r);
    return rc;
}

/* A dictionary is a source without rows, so that the store lists it among its inputs. */
static int parse_dictionary(import_sink *imp, const import_input *in, size_t pos,
                            const csv_record *header, input_kind kind, uint64_t first_line)
{
    long source = sink_add_source(imp, in->name, in->path, first_line);
    if (source < 0)
        return sink_fail(imp, LEVER_ENOMEM, "%s: out of memory", in->name);
    sink_end_source(imp, (size_t)source);
    return kind == KIND_COUNTRIES ? parse_countries(imp, in, pos, header)
                                  : parse_products(imp, in, pos, header);
}

/* ------------------------------------------------------------------ */
/* UN Comtrade legacy CSV                                              */
/* ------------------------------------------------------------------ */

static const field_spec ct_year = {"year", 0, true, false, YEAR_MIN, YEAR_MAX,
                                   "Year must be a year such as 2019 (1950..2100)"};
static const field_spec ct_flow = {"trade flow code", 0, true, false, 0, 99,
                                   "Trade Flow Code must be 1 (import) or 2 (export)"};
static const field_spec ct_reporter = {"reporter code", 0, true, false, 0, MAX_COUNTRY,
                                       "Reporter Code must be a numeric country code (0..999)"};
static const field_spec ct_partner = {"partner code", 0, true, false, 0, MAX_COUNTRY,
                                      "Partner Code must be a numeric country code (0..999)"};
static const field_spec ct_value = {"trade value", 0, false, false, 0, UINT64_MAX,
                                    "Comtrade trade values are non-negative USD"};
static const field_spec ct_weight = {"net weight", 0, false, true, 0, INT64_MAX,
                                     "Comtrade net weights are non-negative kg, or empty when "
                                     "unknown"};

typedef struct comtrade_counts {
    uint64_t aggregate_partner, re_flows, not_hs6, rounded;
    size_t rounded_at;
} comtrade_counts;

/* One Comtrade record: pushes a row, or returns a positive "skipped" marker. */
enum { CT_ROW, CT_SKIP };

static int comtrade_record(import_sink *imp, const import_input *in, const csv_record *r,
                           const int *cols, comtrade_counts *counts, int *verdict)
{
    uint64_t year, flow, reporter, partner, value, weight;
    bool missing, rounded, weight_missing;
    int rc;
    *verdict = CT_SKIP;
    const char *classification = csv_field(r, (size_t)cols[CT_CLASSIFICATION]);
    const char *hs = hs_of_classification(classification);
    if (!hs)
        return input_error(imp, in, r->start[cols[CT_CLASSIFICATION]],
                           "classification \"%.20s\" is not HS (H0..H6); download the data in "
                           "an HS classification",
                           classification);
    if (!sink_hs_version(imp)[0] || strcmp(hs, sink_hs_version(imp)) != 0) {
        char origin[512];
        uint64_t line, col;
        import_line_col(in->data, r->start[0], &line, &col);
        snprintf(origin, sizeof origin, "%s:%llu", in->name, (unsigned long long)line);
        if ((rc = sink_note_meta(imp, origin, hs, NULL)))
            return rc;
    }
    if ((rc = record_value(imp, in, r, (size_t)cols[CT_YEAR], &ct_year, &year, &missing,
                           &rounded)))
        return rc;
    if (cols[CT_PERIOD] >= 0) {
        const char *period = csv_field(r, (size_t)cols[CT_PERIOD]);
        if (strlen(period) != 4)
            return input_error(imp, in, r->start[cols[CT_PERIOD]],
                               "period \"%.20s\" is not a year; lever needs annual data: "
                               "download annual (not monthly) data from Comtrade",
                               period);
    }
    const char *commodity = csv_field(r, (size_t)cols[CT_COMMODITY]);
    uint32_t hs6;
    if (strlen(commodity) != 6 || !hs6_from_text(commodity, &hs6) ||
        (cols[CT_AGGREGATE] >= 0 && strcmp(csv_field(r, (size_t)cols[CT_AGGREGATE]), "6") != 0)) {
        counts->not_hs6++;
        return LEVER_OK;
    }
    if ((rc = record_value(imp, in, r, (size_t)cols[CT_FLOW], &ct_flow, &flow, &missing,
                           &rounded)))
        return rc;
    if (flow == 3 || flow == 4) {
        counts->re_flows++;
        return LEVER_OK;
    }
    if (flow != 1 && flow != 2)
        return input_error(imp, in, r->start[cols[CT_FLOW]],
                           "trade flow code %llu is not 1 (import), 2 (export), 3 or 4 "
                           "(re-import, re-export); check the column",
                           (unsigned long long)flow);
    if ((rc = record_value(imp, in, r, (size_t)cols[CT_REPORTER], &ct_reporter, &reporter,
                           &missing, &rounded)) ||
        (rc = record_value(imp, in, r, (size_t)cols[CT_PARTNER], &ct_partner, &partner,
                           &missing, &rounded)))
        return rc;
    if (partner == 0) {
        counts->aggregate_partner++;
        return LEVER_OK;
    }
    if ((rc = record_value(imp, in, r, (size_t)cols[CT_VALUE], &ct_value, &value, &missing,
                           &rounded)))
        return rc;
    if (rounded && counts->rounded++ == 0)
        counts->rounded_at = r->start[cols[CT_VALUE]];
    weight_missing = true;
    weight = 0;
    if (cols[CT_NETWEIGHT] >= 0) {
        if ((rc = record_value(imp, in, r, (size_t)cols[CT_NETWEIGHT], &ct_weight, &weight,
                               &weight_missing, &rounded)))
            return rc;
        if (rounded && counts->rounded++ == 0)
            counts->rounded_at = r->start[cols[CT_NETWEIGHT]];
    }
    uint16_t exporter = (uint16_t)(flow == 2 ? reporter : partner);
    uint16_t importer = (uint16_t)(flow == 2 ? partner : reporter);
    if (rows_reserve(sink_rows(imp), 1))
        return sink_fail(imp, LEVER_ENOMEM, "%s: out of memory", in->name);
    rows_push_unchecked(sink_rows(imp), (uint16_t)year, exporter, importer, hs6, value,
                        weight_missing ? LEVER_QTY_MISSING : (int64_t)weight);
    *verdict = CT_ROW;
    return LEVER_OK;
}

static void comtrade_warnings(import_sink *imp, const import_input *in,
                              const comtrade_counts *counts)
{
    if (counts->aggregate_partner)
        sink_warn(imp,
                    "%s: skipped %llu rows whose partner is World (0): partner World (0) is an "
                    "aggregate, not a bilateral flow: download partner 'all' from Comtrade",
                    in->name, (unsigned long long)counts->aggregate_partner);
    if (counts->re_flows)
        sink_warn(imp,
                    "%s: skipped %llu re-export and re-import rows (trade flow codes 3 and 4); "
                    "lever keeps exports and imports",
                    in->name, (unsigned long long)counts->re_flows);
    if (counts->not_hs6)
        sink_warn(imp,
                    "%s: skipped %llu rows whose commodity code is not a 6-digit HS code "
                    "(totals, chapters, headings)",
                    in->name, (unsigned long long)counts->not_hs6);
    if (counts->rounded) {
        uint64_t line, col;
        import_line_col(in->data, counts->rounded_at, &line, &col);
        sink_warn(imp,
                    "%s:%llu:%llu: a number has decimals; rounded to the nearest unit (%llu "
                    "such numbers in this file)",
                    in->name, (unsigned long long)line, (unsigned long long)col,
                    (unsigned long long)counts->rounded);
    }
}

static int parse_comtrade(import_sink *imp, const import_input *in, size_t pos,
                          const csv_record *header, uint64_t first_line)
{
    int cols[N_COMTRADE_COLS];
    map_columns(header, 0, comtrade_names, sizeof comtrade_names / sizeof comtrade_names[0], cols,
                N_COMTRADE_COLS);
    long source = sink_add_source(imp, in->name, in->path, first_line);
    if (source < 0)
        return sink_fail(imp, LEVER_ENOMEM, "%s: out of memory", in->name);
    size_t n_fields = header->n;
    csv_record r = {0};
    comtrade_counts counts = {0};
    int rc = LEVER_OK, st;
    uint64_t first_row = sink_rows(imp)->n;
    while ((st = csv_read_record(&r, in->data, in->len, &pos)) == CSV_RECORD) {
        int verdict = CT_SKIP;
        if (csv_blank_record(&r))
            verdict = CT_SKIP;
        else if (r.n != n_fields)
            rc = field_count_error(imp, in, &r, n_fields, "the 35 Comtrade columns");
        else
            rc = comtrade_record(imp, in, &r, cols, &counts, &verdict);
        if (!rc && verdict == CT_SKIP &&
            sink_add_gap(imp, (size_t)source, sink_rows(imp)->n - first_row))
            rc = sink_fail(imp, LEVER_ENOMEM, "%s: out of memory", in->name);
        if (rc)
            break;
        sink_progress(imp, pos, in->len, false);
    }
    if (!rc && st != CSV_END)
        rc = record_error(imp, in, st, pos);
    sink_end_source(imp, (size_t)source);
    sink_count_aggregate_rows(imp, counts.aggregate_partner);
    if (!rc)
        comtrade_warnings(imp, in, &counts);
    csv_record_free(&r);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Recognising the kind of an input                                    */
/* ------------------------------------------------------------------ */

/* The CSV reader is the table's last entry: it takes any input the other parsers did not
 * recognise, and says which header it does not know. */
static bool csv_sniff(const import_input *in)
{
    (void)in;
    return true;
}

static bool recognise(const csv_record *h, input_kind *kind, bool *index_column)
{
    int cols[N_COMTRADE_COLS];
    if (trade_header(h, index_column)) {
        *kind = KIND_TRADE;
        return true;
    }
    map_columns(h, 0, country_names, sizeof country_names / sizeof country_names[0], cols,
                N_COUNTRY_COLS);
    if (cols[CC_CODE] >= 0 && cols[CC_NAME] >= 0) {
        *kind = KIND_COUNTRIES;
        return true;
    }
    map_columns(h, 0, product_names, sizeof product_names / sizeof product_names[0], cols,
                N_PRODUCT_COLS);
    if (cols[PC_CODE] >= 0 && cols[PC_DESCRIPTION] >= 0) {
        *kind = KIND_PRODUCTS;
        return true;
    }
    map_columns(h, 0, comtrade_names, sizeof comtrade_names / sizeof comtrade_names[0], cols,
                N_COMTRADE_COLS);
    if (cols[CT_CLASSIFICATION] >= 0 && cols[CT_YEAR] >= 0 && cols[CT_FLOW] >= 0 &&
        cols[CT_REPORTER] >= 0 && cols[CT_PARTNER] >= 0 && cols[CT_COMMODITY] >= 0 &&
        cols[CT_VALUE] >= 0) {
        *kind = KIND_COMTRADE;
        return true;
    }
    return false;
}

static int csv_parse(import_sink *imp, const import_input *in)
{
    if (in->stream && !in->stream->first) /* a later piece of a trade file: rows only */
        return parse_trade(imp, in, 0, in->stream->index_column, 0);
    size_t pos = 0;
    uint64_t lines_before;
    int rc = skip_preamble(imp, in, &pos, &lines_before);
    if (rc)
        return rc;
    if (pos >= in->len)
        return sink_fail(imp, LEVER_EINPUT,
                           "%s: the file is %s; expected a BACI CSV with the header t,i,j,k,v,q "
                           "(or a BACI dictionary, or a Comtrade CSV)",
                           in->name, in->len ? "only comments, no header" : "empty");
    size_t header_at = pos;
    csv_record header = {0};
    int st = csv_read_record(&header, in->data, in->len, &pos);
    if (st != CSV_RECORD) {
        rc = record_error(imp, in, st, pos);
        csv_record_free(&header);
        return rc;
    }
    input_kind kind;
    bool index_column = false;
    uint64_t first_line = lines_before + 2;
    if (!recognise(&header, &kind, &index_column))
        rc = unknown_header(imp, in, header_at, &header);
    else if (kind != KIND_TRADE && in->stream && !in->stream->last)
        in->stream->want_whole = true; /* dictionaries and Comtrade files are read whole */
    else if (kind == KIND_TRADE)
        rc = parse_trade(imp, in, pos, index_column, first_line);
    else if (kind == KIND_COUNTRIES || kind == KIND_PRODUCTS)
        rc = parse_dictionary(imp, in, pos, &header, kind, first_line);
    else
        rc = parse_comtrade(imp, in, pos, &header, first_line);
    csv_record_free(&header);
    return rc;
}

const import_parser import_parser_csv = {"csv", csv_sniff, csv_parse, false, NULL, NULL};
