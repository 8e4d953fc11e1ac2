/*
 * import.c - the import handle's public calls (lever_import_*): options, where an
 * input's bytes come from (a mapped file, standard input, a caller's buffer), which
 * parser reads them, and the hand-over of the gathered rows to the store writer.
 *
 * Why this shape: parsers see contiguous buffers, so files are memory-mapped
 * read-only (no copy, no read loop); standard input and pipes, which cannot be
 * mapped, are read in pieces of IMPORT_PIECE_BYTES cut at line ends and handed over
 * one by one (dispatch_stream), so that memory holds one piece whatever comes down
 * the pipe (binary data is refused at the first piece); the parser is chosen by sniffing
 * the bytes against the table of parsers.c, so no format is named here. An input
 * that fails leaves the import as it was before it (its rows and sources dropped).
 * The store writer gets a store_input: rows, dictionaries, source names and two
 * callbacks (row -> "file:line", warnings), and never calls into the importer.
 */
#include "importer.h"
#include "store_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static int dispatch(lever_import *imp, const import_input *in);
static int dispatch_stream(lever_import *imp, const char *name, import_read_fn read, void *ud);

/* The import keeps the message of its failing input (parsers write it through sink_fail);
 * each public call hands it to the caller's error. */
static int report(lever_import *imp, int rc, lever_error *err)
{
    if (rc != LEVER_OK)
        error_set(err, rc, "%s", imp->errmsg);
    return rc;
}

int lever_import_new(lever_import **out, lever_error *err)
{
    *out = calloc(1, sizeof **out);
    if (!*out)
        return error_set(err, LEVER_ENOMEM, "out of memory starting an import");
    (*out)->dispatch = dispatch;
    (*out)->dispatch_stream = dispatch_stream;
    return LEVER_OK;
}

void lever_import_free(lever_import *imp)
{
    if (!imp)
        return;
    rows_free(&imp->rows);
    for (size_t n = 0; n < import_n_parsers; n++)
        if (import_parsers[n]->discard)
            import_parsers[n]->discard(imp);
    free(imp->decl);
    free(imp->declared);
    free(imp->reflows);
    free(imp->converted);
    free(imp->year_flags);
    import_free_dictionaries(imp);
    import_drop_sources(imp, 0);
    free(imp->sources);
    free(imp);
}

void lever_import_set_progress(lever_import *imp, lever_progress_fn fn, void *ud)
{
    imp->progress = fn;
    imp->progress_ud = ud;
}

void lever_import_set_warning(lever_import *imp, lever_warning_fn fn, void *ud)
{
    imp->warning = fn;
    imp->warning_ud = ud;
}

void lever_import_set_threads(lever_import *imp, int threads)
{
    imp->threads = threads < 0 ? 0 : threads;
}

uint64_t lever_import_rows(const lever_import *imp)
{
    return imp->rows.n;
}

static bool release_valid(const char *release)
{
    size_t n = strlen(release);
    if (n == 0 || n >= sizeof ((lever_import *)0)->release)
        return false;
    for (size_t c = 0; c < n; c++)
        if ((unsigned char)release[c] <= ' ' || release[c] == '"' || release[c] == ';')
            return false;
    return true;
}

static int set_meta(lever_import *imp, const char *hs_version, const char *release)
{
    if (hs_version) {
        char up[16] = "";
        size_t n = strlen(hs_version);
        for (size_t c = 0; c < n && c < sizeof up - 1; c++)
            up[c] = (char)(hs_version[c] >= 'a' && hs_version[c] <= 'z' ? hs_version[c] - 32
                                                                         : hs_version[c]);
        if (n >= sizeof up || !import_hs_version_known(up))
            return sink_fail(imp, LEVER_EUSAGE,
                               "HS version \"%s\" is not one of HS92, HS96, HS02, HS07, HS12, "
                               "HS17, HS22",
                               hs_version);
        memcpy(imp->hs_version, up, sizeof up);
        imp->hs_forced = true;
    }
    if (release) {
        if (!release_valid(release))
            return sink_fail(imp, LEVER_EUSAGE,
                               "release \"%s\" is not valid; use a BACI release name such as "
                               "V202301 (at most 31 characters, no spaces)",
                               release);
        snprintf(imp->release, sizeof imp->release, "%s", release);
        imp->release_forced = true;
    }
    return LEVER_OK;
}

int lever_import_set_meta(lever_import *imp, const char *hs_version, const char *release,
                          lever_error *err)
{
    return report(imp, set_meta(imp, hs_version, release), err);
}

int lever_import_set_hs(lever_import *imp, const char *to_hs, const char *tables_dir,
                        lever_error *err)
{
    imp->errmsg[0] = 0;
    if (to_hs) {
        char up[16] = "";
        size_t n = strlen(to_hs);
        for (size_t c = 0; c < n && c < sizeof up - 1; c++)
            up[c] = (char)(to_hs[c] >= 'a' && to_hs[c] <= 'z' ? to_hs[c] - 32 : to_hs[c]);
        if (n >= sizeof up || !import_hs_version_known(up))
            return report(imp,
                          sink_fail(imp, LEVER_EUSAGE,
                                    "--to-hs \"%s\" is not one of HS92, HS96, HS02, HS07, "
                                    "HS12, HS17, HS22",
                                    to_hs),
                          err);
        memcpy(imp->to_hs, up, sizeof up);
    }
    if (tables_dir) {
        if (strlen(tables_dir) >= sizeof imp->hs_dir)
            return report(imp, sink_fail(imp, LEVER_EUSAGE, "the tables' folder name is too long"),
                          err);
        snprintf(imp->hs_dir, sizeof imp->hs_dir, "%s", tables_dir);
    }
    return LEVER_OK;
}


/* ------------------------------------------------------------------ */
/* Inputs                                                              */
/* ------------------------------------------------------------------ */

static const import_parser *parser_for(const import_input *in)
{
    for (size_t n = 0; n + 1 < import_n_parsers; n++)
        if (import_parsers[n]->sniff(in))
            return import_parsers[n];
    return import_parsers[import_n_parsers - 1];
}

/* Notes the HS version and release of the input's name, then parses it with the first
 * parser that recognises it. */
static int dispatch(lever_import *imp, const import_input *in)
{
    char hs[16], release[32];
    sink_meta_from_name(in->name, hs, release);
    if (strstr(in->name, "BACI_HS") && strstr(in->name, "_Y"))
        imp->complete = true; /* a yearly file of a release holds every country's flows */
    int rc = sink_note_meta(imp, in->name, hs, release);
    if (rc)
        return rc;
    /* A stream's pieces go to the parser its first piece chose; only the last entry (the
     * CSV reader) reads pieces: any other parser gets the stream whole. */
    const import_parser *p = in->stream && !in->stream->first ? in->stream->parser
                                                              : parser_for(in);
    if (in->stream && in->stream->first) {
        in->stream->parser = p;
        if (p != import_parsers[import_n_parsers - 1] && !in->stream->last) {
            in->stream->want_whole = true;
            return LEVER_OK;
        }
    }
    rc = p->parse(imp, in);
    if (!p->container) {
        sink_progress(imp, in->len, in->len, true);
        imp->bytes_before += in->len;
    }
    return rc;
}

/* After a failed input, the rows and sources it added are dropped, so that the import
 * holds exactly the inputs that succeeded (dictionary entries already read stay). */
static int rollback_on_error(lever_import *imp, int rc, size_t rows_before,
                             size_t sources_before)
{
    if (rc == LEVER_OK)
        return rc;
    imp->rows.n = rows_before;
    import_drop_sources(imp, sources_before);
    return rc;
}

static int add_buffer(lever_import *imp, const char *name, const char *data, size_t len)
{
    import_input in = {.name = name, .path = NULL, .data = data, .len = len};
    return dispatch(imp, &in);
}

int lever_import_add_buffer(lever_import *imp, const char *name, const char *data, size_t len,
                           lever_error *err)
{
    imp->errmsg[0] = 0;
    if (imp->consumed)
        return error_set(err, LEVER_EUSAGE, "this import was committed already; start a new one");
    size_t rows_before = imp->rows.n, sources_before = imp->n_sources;
    int rc = rollback_on_error(imp, add_buffer(imp, name, data, len), rows_before, sources_before);
    return report(imp, rc, err);
}

/* Longest dictionary or Comtrade file read whole from a stream (their parsers need it
 * whole); a trade file is never read whole. */
#define STREAM_WHOLE_LIMIT ((size_t)256 << 20)

typedef struct fd_source {
    int fd;
    const char *name;
} fd_source;

static ssize_t read_fd(import_sink *imp, void *ud, char *buf, size_t cap)
{
    const fd_source *src = ud;
    for (;;) {
        ssize_t got = read(src->fd, buf, cap);
        if (got >= 0)
            return got;
        if (errno != EINTR) {
            sink_fail(imp, LEVER_EIO, "%s: cannot read: %s", src->name, strerror(errno));
            return -1;
        }
    }
}

/* Fills buf[*len, cap) until it is full or the input ends (*eof). */
static int fill(lever_import *imp, import_read_fn read, void *ud, char *buf, size_t *len,
                size_t cap, bool *eof)
{
    while (*len < cap && !*eof) {
        ssize_t got = read(imp, ud, buf + *len, cap - *len);
        if (got < 0)
            return LEVER_EIO;
        *eof = got == 0;
        *len += (size_t)got;
    }
    return LEVER_OK;
}

static uint64_t count_lines(const char *p, size_t n)
{
    uint64_t lines = 0;
    for (const char *e = p + n; (p = memchr(p, '\n', (size_t)(e - p))); p++)
        lines++;
    return lines;
}

/* A kind the parser reads whole (a dictionary): the rest of the stream is gathered up to
 * STREAM_WHOLE_LIMIT and parsed at once. */
static int stream_whole(lever_import *imp, const char *name, import_read_fn read, void *ud,
                        char **buf, size_t len)
{
    size_t cap = IMPORT_PIECE_BYTES;
    bool eof = false;
    for (;;) {
        if (len == cap) {
            if (cap >= STREAM_WHOLE_LIMIT)
                return sink_fail(imp, LEVER_ELIMIT,
                                   "%s: a dictionary or Comtrade file of more than %d MB from a "
                                   "stream; save it to a file and import the file",
                                   name, (int)(STREAM_WHOLE_LIMIT >> 20));
            char *b = realloc(*buf, cap * 2);
            if (!b)
                return sink_fail(imp, LEVER_ENOMEM, "%s: out of memory reading the input",
                                   name);
            *buf = b;
            cap *= 2;
        }
        if (fill(imp, read, ud, *buf, &len, cap, &eof))
            return LEVER_EIO;
        if (eof)
            break;
    }
    import_input in = {.name = name, .data = *buf, .len = len};
    return dispatch(imp, &in);
}

static int dispatch_stream(lever_import *imp, const char *name, import_read_fn read, void *ud)
{
    char *buf = malloc(IMPORT_PIECE_BYTES);
    if (!buf)
        return sink_fail(imp, LEVER_ENOMEM, "%s: out of memory reading the input", name);
    import_stream st = {.first = true, .source = -1};
    size_t len = 0;
    bool eof = false;
    int rc = LEVER_OK;
    while (!rc) {
        if ((rc = fill(imp, read, ud, buf, &len, IMPORT_PIECE_BYTES, &eof)))
            break;
        if (st.first) {
            size_t look = len < 65536 ? len : 65536;
            /* a zip (its parser says it needs a file) */
            const char *nul = len >= 4 && memcmp(buf, "PK\3\4", 4) == 0 ? NULL
                                                                          : memchr(buf, 0, look);
            if (nul) {
                uint64_t line = count_lines(buf, (size_t)(nul - buf)) + 1;
                rc = sink_fail(imp, LEVER_EINPUT,
                                 "%s:%llu: binary data (a NUL byte at offset %zu), not a CSV "
                                 "file; lever reads BACI and Comtrade CSV files and BACI zips "
                                 "(from a file)",
                                 name, (unsigned long long)line, (size_t)(nul - buf));
            }
            if (rc)
                break;
        }
        size_t piece = len;
        if (!eof) {
            const char *nl = NULL;
            for (size_t at = len; at > 0 && !nl; at = at > 65536 ? at - 65536 : 0) {
                size_t from = at > 65536 ? at - 65536 : 0;
                nl = memrchr(buf + from, '\n', at - from);
            }
            if (!nl) {
                rc = sink_fail(imp, LEVER_EINPUT,
                                 "%s:%llu: the line is longer than %d MB, which no input lever "
                                 "reads has; is this a CSV file of trade data?",
                                 name, (unsigned long long)st.line_base + 1,
                                 (int)(IMPORT_PIECE_BYTES >> 20));
                break;
            }
            piece = (size_t)(nl - buf) + 1;
        }
        st.last = eof && piece == len;
        import_input in = {.name = name, .data = buf, .len = piece, .stream = &st};
        if (st.first || piece > 0)
            rc = dispatch(imp, &in);
        if (!rc && st.want_whole) {
            rc = stream_whole(imp, name, read, ud, &buf, len);
            break;
        }
        if (rc || st.last)
            break;
        st.line_base += count_lines(buf, piece);
        st.first = false;
        memmove(buf, buf + piece, len - piece);
        len -= piece;
    }
    free(buf);
    return rc;
}

static int add_stream(lever_import *imp, int fd, const char *name)
{
    fd_source src = {fd, name};
    return dispatch_stream(imp, name, read_fd, &src);
}

static int add_mapped(lever_import *imp, int fd, const char *path, size_t len)
{
    void *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED)
        return sink_fail(imp, LEVER_EIO, "%s: cannot map the file: %s", path, strerror(errno));
    import_input in = {.name = path, .path = path, .data = map, .len = len, .mapped = true};
    if (!parser_for(&in)->container)
        madvise(map, len, MADV_SEQUENTIAL);
    int rc = dispatch(imp, &in);
    munmap(map, len);
    return rc;
}

static int add_file(lever_import *imp, const char *path)
{
    if (strcmp(path, "-") == 0)
        return add_stream(imp, STDIN_FILENO, "-");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return sink_fail(imp, LEVER_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        int e = errno;
        close(fd);
        return sink_fail(imp, LEVER_EIO, "%s: cannot read: %s", path, strerror(e));
    }
    int rc;
    if (S_ISDIR(sb.st_mode))
        rc = sink_fail(imp, LEVER_EIO, "%s: cannot read: %s; give the files inside it", path,
                       strerror(EISDIR));
    else if (!S_ISREG(sb.st_mode))
        rc = add_stream(imp, fd, path);
    else if (sb.st_size == 0) {
        import_input in = {.name = path, .path = path, .data = "", .len = 0};
        rc = dispatch(imp, &in);
    } else
        rc = add_mapped(imp, fd, path, (size_t)sb.st_size);
    close(fd);
    return rc;
}

int lever_import_add_file(lever_import *imp, const char *path, lever_error *err)
{
    imp->errmsg[0] = 0;
    if (imp->consumed)
        return error_set(err, LEVER_EUSAGE, "this import was committed already; start a new one");
    size_t rows_before = imp->rows.n, sources_before = imp->n_sources;
    int rc = rollback_on_error(imp, add_file(imp, path), rows_before, sources_before);
    return report(imp, rc, err);
}

/* ------------------------------------------------------------------ */
/* Commit: the hand-over to the store writer                           */
/* ------------------------------------------------------------------ */

static void warn_from_writer(void *ud, const char *message)
{
    sink_warn(ud, "%s", message);
}

static int commit(lever_import *imp, const char *path)
{
    imp->errmsg[0] = 0;
    if (imp->consumed)
        return sink_fail(imp, LEVER_EUSAGE, "this import was committed already; start a new one");
    if (imp->n_sources == 0 && imp->n_countries == 0 && imp->n_products == 0)
        return sink_fail(imp, LEVER_EUSAGE,
                         "nothing to import: add a BACI zip or CSV (t,i,j,k,v,q) first");
    for (size_t r = 0; r < imp->rows.n; r++) {
        imp->rows.i[r] = import_country_code(imp->rows.i[r]);
        imp->rows.j[r] = import_country_code(imp->rows.j[r]);
    }
    int checked = import_check_editions(imp);
    if (checked)
        return checked;
    for (size_t n = 0; n < import_n_parsers; n++) {
        int rc = import_parsers[n]->finish ? import_parsers[n]->finish(imp) : LEVER_OK;
        if (rc)
            return rc;
    }
    if (imp->rows.n == 0) {
        if (imp->aggregate_rows)
            return sink_fail(imp, LEVER_EINPUT,
                             "no trade rows: all %llu Comtrade rows had an aggregate partner "
                             "(World); download partner 'all' from Comtrade",
                             (unsigned long long)imp->aggregate_rows);
        return sink_fail(imp, LEVER_EINPUT,
                         "no trade rows: the inputs hold only dictionaries or headers; add a "
                         "BACI CSV or zip with trade rows (t,i,j,k,v,q)");
    }
    const char **names = malloc((imp->n_sources + 1) * sizeof *names);
    if (!names)
        return sink_fail(imp, LEVER_ENOMEM, "out of memory while building the store");
    for (size_t n = 0; n < imp->n_sources; n++)
        names[n] = imp->sources[n].name;
    store_input in = {
        .rows = &imp->rows,
        .countries = imp->countries,
        .n_countries = imp->n_countries,
        .products = imp->products,
        .n_products = imp->n_products,
        .sources = names,
        .n_sources = imp->n_sources,
        .hs_version = imp->hs_version,
        .release = imp->release,
        .converted = imp->converted,
        .year_flags = imp->year_flags,
        .n_year_flags = imp->n_year_flags,
        .synthetic = imp->synthetic,
        .complete = imp->complete,
        .decl = imp->decl,
        .declared = imp->declared,
        .n_declared = imp->n_declared,
        .reflows = imp->reflows,
        .n_reflows = imp->n_reflows,
        .threads = imp->threads,
        .locate_row = import_locate_row,
        .warn = warn_from_writer,
        .ud = imp,
        .errmsg = imp->errmsg,
        .errlen = sizeof imp->errmsg,
    };
    int rc = store_write(&in, path);
    imp->consumed = in.consumed;
    free(names);
    return rc;
}

int lever_import_commit(lever_import *imp, const char *path, lever_error *err)
{
    return report(imp, commit(imp, path), err);
}
