/*
 * import.c - the import handle's public calls (lever_import_*): options, where an
 * input's bytes come from (a mapped file, standard input, a caller's buffer), which
 * parser reads them, and the hand-over of the gathered rows to the store writer.
 *
 * Why this shape: parsers only ever see one contiguous buffer, so files are
 * memory-mapped read-only (no copy, no read loop); the parser is chosen by sniffing
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
    const import_parser *p = parser_for(in);
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

/* Reads a whole stream (standard input, a pipe) into memory. */
static int read_all(lever_import *imp, int fd, const char *name, char **out, size_t *out_len)
{
    size_t cap = 1 << 20, len = 0;
    char *buf = malloc(cap);
    if (!buf)
        return sink_fail(imp, LEVER_ENOMEM, "%s: out of memory reading the input", name);
    for (;;) {
        if (len == cap) {
            char *b = realloc(buf, cap * 2);
            if (!b) {
                free(buf);
                return sink_fail(imp, LEVER_ENOMEM, "%s: out of memory reading the input",
                                 name);
            }
            buf = b;
            cap *= 2;
            import_prefer_huge_pages(buf, cap);
        }
        ssize_t got = read(fd, buf + len, cap - len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int e = errno;
            free(buf);
            return sink_fail(imp, LEVER_EIO, "%s: cannot read: %s", name, strerror(e));
        }
        if (got == 0)
            break;
        len += (size_t)got;
    }
    *out = buf;
    *out_len = len;
    return LEVER_OK;
}

static int add_stream(lever_import *imp, int fd, const char *name)
{
    char *data = NULL;
    size_t len = 0;
    int rc = read_all(imp, fd, name, &data, &len);
    if (rc)
        return rc;
    rc = add_buffer(imp, name, data, len);
    free(data);
    return rc;
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
