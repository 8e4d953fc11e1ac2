/*
 * import.c - the import handle: options, where input bytes come from (a mapped
 * file, standard input, a zip, a caller's buffer), the metadata read from file
 * names, the dictionaries, and the map from a row back to "file:line".
 *
 * Why this shape: parsing (csv.c) only ever sees one contiguous buffer, so files
 * are memory-mapped read-only (no copy, no read loop) and zip members are
 * inflated into one buffer (zipsrc.c). Rows are not tagged with line numbers
 * (that would cost 8 bytes a row at 30 million rows); instead each source keeps
 * the few lines that gave no row, which is enough to recompute any row's line.
 * Dictionaries are indexed by code (1,000 countries, 1,000,000 products) so that
 * a later definition replaces an earlier one in constant time.
 */
#include "importer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_COUNTRY_CODE 999
#define MAX_HS6 999999

int lever_import_new(lever_import **out)
{
    *out = NULL;
    import_state *st = calloc(1, sizeof *st);
    if (!st)
        return LEVER_ENOMEM;
    *out = &st->pub;
    return LEVER_OK;
}

void lever_import_free(lever_import *imp)
{
    if (!imp)
        return;
    import_state *st = import_state_of(imp);
    rows_free(&imp->rows);
    for (size_t n = 0; n < imp->n_countries; n++) {
        free(imp->countries[n].name);
        free(imp->countries[n].full_name);
    }
    free(imp->countries);
    for (size_t n = 0; n < imp->n_products; n++)
        free(imp->products[n].description);
    free(imp->products);
    for (size_t n = 0; n < imp->n_sources; n++) {
        free(imp->sources[n].name);
        free(imp->sources[n].path);
        free(st->lines[n].gaps);
    }
    free(imp->sources);
    free(st->lines);
    free(st->country_index);
    free(st->product_index);
    free(st);
}

const char *lever_import_errmsg(const lever_import *imp)
{
    return imp ? imp->errmsg : "out of memory";
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

int import_thread_count(const lever_import *imp)
{
    if (imp->threads > 0)
        return imp->threads;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 256 ? 256 : (int)n;
}

/* ------------------------------------------------------------------ */
/* Metadata: HS version and release                                    */
/* ------------------------------------------------------------------ */

static const char *const hs_versions[] = {"HS92", "HS96", "HS02", "HS07", "HS12", "HS17", "HS22"};

static bool hs_version_known(const char *hs)
{
    for (size_t n = 0; n < sizeof hs_versions / sizeof hs_versions[0]; n++)
        if (strcmp(hs, hs_versions[n]) == 0)
            return true;
    return false;
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

int lever_import_set_meta(lever_import *imp, const char *hs_version, const char *release)
{
    import_state *st = import_state_of(imp);
    if (hs_version) {
        char up[16] = "";
        size_t n = strlen(hs_version);
        for (size_t c = 0; c < n && c < sizeof up - 1; c++)
            up[c] = (char)(hs_version[c] >= 'a' && hs_version[c] <= 'z' ? hs_version[c] - 32
                                                                         : hs_version[c]);
        if (n >= sizeof up || !hs_version_known(up))
            return import_fail(imp, LEVER_EUSAGE,
                               "HS version \"%s\" is not one of HS92, HS96, HS02, HS07, HS12, "
                               "HS17, HS22",
                               hs_version);
        memcpy(imp->hs_version, up, sizeof up);
        st->hs_forced = true;
    }
    if (release) {
        if (!release_valid(release))
            return import_fail(imp, LEVER_EUSAGE,
                               "release \"%s\" is not valid; use a BACI release name such as "
                               "V202301 (at most 31 characters, no spaces)",
                               release);
        snprintf(imp->release, sizeof imp->release, "%s", release);
        st->release_forced = true;
    }
    imp->meta_forced = st->hs_forced || st->release_forced;
    return LEVER_OK;
}

static bool is_alnum(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* A token is a run of letters and digits; "baci_hs92_v202301_2021" has hs92 and v202301. */
void import_meta_from_name(const char *name, char hs[16], char release[32])
{
    hs[0] = release[0] = 0;
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    const char *p = base;
    while (*p) {
        if (!is_alnum(*p)) {
            p++;
            continue;
        }
        const char *tok = p;
        while (is_alnum(*p))
            p++;
        size_t n = (size_t)(p - tok);
        if (n == 4 && (tok[0] == 'h' || tok[0] == 'H') && (tok[1] == 's' || tok[1] == 'S') &&
            is_digit(tok[2]) && is_digit(tok[3])) {
            char cand[16] = {'H', 'S', tok[2], tok[3], 0};
            if (hs_version_known(cand) && !hs[0])
                memcpy(hs, cand, 5);
        } else if (n == 7 && (tok[0] == 'v' || tok[0] == 'V') && !release[0]) {
            bool digits = true;
            for (size_t c = 1; c < n; c++)
                digits = digits && is_digit(tok[c]);
            if (digits) {
                release[0] = 'V';
                memcpy(release + 1, tok + 1, 6);
                release[7] = 0;
            }
        }
    }
}

int import_note_meta(lever_import *imp, const char *origin, const char *hs, const char *release)
{
    import_state *st = import_state_of(imp);
    if (hs && hs[0] && !st->hs_forced) {
        if (!imp->hs_version[0]) {
            snprintf(imp->hs_version, sizeof imp->hs_version, "%s", hs);
            snprintf(st->hs_origin, sizeof st->hs_origin, "%s", origin);
        } else if (strcmp(imp->hs_version, hs) != 0) {
            return import_fail(imp, LEVER_EINPUT,
                               "%s: classification %s differs from %s of %s; one store holds one "
                               "classification: import each HS version into its own store (or "
                               "force one with --hs)",
                               origin, hs, imp->hs_version, st->hs_origin);
        }
    }
    if (release && release[0] && !st->release_forced) {
        if (!imp->release[0]) {
            snprintf(imp->release, sizeof imp->release, "%s", release);
            snprintf(st->release_origin, sizeof st->release_origin, "%s", origin);
        } else if (strcmp(imp->release, release) != 0 && strcmp(imp->release, "synthetic") != 0) {
            import_warn(imp, "%s: release %s differs from %s of %s; the store is labelled %s",
                        origin, release, imp->release, st->release_origin, imp->release);
        }
    }
    return LEVER_OK;
}

/* ------------------------------------------------------------------ */
/* Sources and the row -> line map                                     */
/* ------------------------------------------------------------------ */

static char *dup_string(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

long import_add_source(lever_import *imp, const char *name, const char *path,
                       uint64_t first_line)
{
    import_state *st = import_state_of(imp);
    if (imp->n_sources == imp->cap_sources) {
        size_t cap = imp->cap_sources ? imp->cap_sources * 2 : 8;
        import_source *s = realloc(imp->sources, cap * sizeof *s);
        if (!s)
            return -1;
        imp->sources = s;
        source_lines *l = realloc(st->lines, cap * sizeof *l);
        if (!l)
            return -1;
        st->lines = l;
        imp->cap_sources = cap;
    }
    import_source *s = &imp->sources[imp->n_sources];
    memset(s, 0, sizeof *s);
    s->name = dup_string(name);
    s->path = path ? dup_string(path) : NULL;
    if (!s->name || (path && !s->path)) {
        free(s->name);
        free(s->path);
        return -1;
    }
    s->first_row = imp->rows.n;
    memset(&st->lines[imp->n_sources], 0, sizeof st->lines[0]);
    st->lines[imp->n_sources].first_line = first_line;
    return (long)imp->n_sources++;
}

int import_add_gap(lever_import *imp, size_t source, uint64_t rows_before)
{
    source_lines *l = &import_state_of(imp)->lines[source];
    if (l->n_gaps == l->cap_gaps) {
        size_t cap = l->cap_gaps ? l->cap_gaps * 2 : 64;
        uint64_t *g = realloc(l->gaps, cap * sizeof *g);
        if (!g)
            return LEVER_ENOMEM;
        l->gaps = g;
        l->cap_gaps = cap;
    }
    l->gaps[l->n_gaps++] = rows_before;
    return LEVER_OK;
}

void import_end_source(lever_import *imp, size_t source)
{
    imp->sources[source].n_rows = imp->rows.n - imp->sources[source].first_row;
}

void import_locate_row(const lever_import *imp, uint64_t row, char *buf, size_t len)
{
    const import_state *st = (const import_state *)imp;
    size_t lo = 0, hi = imp->n_sources;
    while (lo < hi) { /* last source whose first_row <= row */
        size_t mid = lo + (hi - lo) / 2;
        if (imp->sources[mid].first_row <= row)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0 || row - imp->sources[lo - 1].first_row >= imp->sources[lo - 1].n_rows) {
        snprintf(buf, len, "row %llu", (unsigned long long)row + 1);
        return;
    }
    const import_source *s = &imp->sources[lo - 1];
    const source_lines *l = &st->lines[lo - 1];
    uint64_t r = row - s->first_row;
    size_t g_lo = 0, g_hi = l->n_gaps; /* gaps with value <= r come before the row */
    while (g_lo < g_hi) {
        size_t mid = g_lo + (g_hi - g_lo) / 2;
        if (l->gaps[mid] <= r)
            g_lo = mid + 1;
        else
            g_hi = mid;
    }
    snprintf(buf, len, "%s:%llu", s->name, (unsigned long long)(l->first_line + r + g_lo));
}

void import_line_col(const char *data, size_t offset, uint64_t *line, uint64_t *col)
{
    uint64_t n = 1;
    const char *p = data, *end = data + offset, *last = data;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            break;
        n++;
        p = last = nl + 1;
    }
    *line = n;
    *col = (uint64_t)(end - last) + 1;
}

/* ------------------------------------------------------------------ */
/* Memory                                                              */
/* ------------------------------------------------------------------ */

void import_prefer_huge_pages(void *buf, size_t bytes)
{
    const uintptr_t page = 4096;
    uintptr_t from = ((uintptr_t)buf + page - 1) & ~(page - 1);
    uintptr_t to = ((uintptr_t)buf + bytes) & ~(page - 1);
    if (to > from + ((uintptr_t)2 << 20))
        madvise((void *)from, to - from, MADV_HUGEPAGE);
}

/* ------------------------------------------------------------------ */
/* Progress                                                            */
/* ------------------------------------------------------------------ */

static double monotonic_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void import_progress(lever_import *imp, uint64_t done, uint64_t total, bool force)
{
    if (!imp->progress)
        return;
    import_state *st = import_state_of(imp);
    double now = monotonic_seconds();
    if (!force && now - st->last_progress < 0.1)
        return;
    st->last_progress = now;
    uint64_t all = st->bytes_before + total;
    imp->progress(imp->progress_ud, st->bytes_before + done,
                  st->bytes_planned > all ? st->bytes_planned : all, imp->rows.n);
}

/* ------------------------------------------------------------------ */
/* Dictionaries                                                        */
/* ------------------------------------------------------------------ */

static int32_t *new_index(size_t n)
{
    int32_t *index = malloc(n * sizeof *index);
    if (index)
        memset(index, 0xff, n * sizeof *index); /* every entry -1 */
    return index;
}

int import_put_country(lever_import *imp, const dict_country *c)
{
    import_state *st = import_state_of(imp);
    if (!st->country_index && !(st->country_index = new_index(MAX_COUNTRY_CODE + 1)))
        return LEVER_ENOMEM;
    int32_t at = st->country_index[c->code];
    if (at >= 0) {
        dict_country *old = &imp->countries[at];
        free(old->name);
        free(old->full_name);
        *old = *c;
        return LEVER_OK;
    }
    if (imp->n_countries == imp->cap_countries) {
        size_t cap = imp->cap_countries ? imp->cap_countries * 2 : 256;
        dict_country *d = realloc(imp->countries, cap * sizeof *d);
        if (!d)
            return LEVER_ENOMEM;
        imp->countries = d;
        imp->cap_countries = cap;
    }
    st->country_index[c->code] = (int32_t)imp->n_countries;
    imp->countries[imp->n_countries++] = *c;
    return LEVER_OK;
}

int import_put_product(lever_import *imp, uint32_t hs6, char *description)
{
    import_state *st = import_state_of(imp);
    if (!st->product_index && !(st->product_index = new_index(MAX_HS6 + 1)))
        return LEVER_ENOMEM;
    int32_t at = st->product_index[hs6];
    if (at >= 0) {
        free(imp->products[at].description);
        imp->products[at].description = description;
        return LEVER_OK;
    }
    if (imp->n_products == imp->cap_products) {
        size_t cap = imp->cap_products ? imp->cap_products * 2 : 4096;
        dict_product *d = realloc(imp->products, cap * sizeof *d);
        if (!d)
            return LEVER_ENOMEM;
        imp->products = d;
        imp->cap_products = cap;
    }
    st->product_index[hs6] = (int32_t)imp->n_products;
    imp->products[imp->n_products].hs6 = hs6;
    imp->products[imp->n_products++].description = description;
    return LEVER_OK;
}

/* ------------------------------------------------------------------ */
/* Inputs                                                              */
/* ------------------------------------------------------------------ */

int import_parse_input(lever_import *imp, const import_input *in)
{
    char hs[16], release[32];
    import_meta_from_name(in->name, hs, release);
    int rc = import_note_meta(imp, in->name, hs, release);
    if (rc)
        return rc;
    rc = csv_parse_input(imp, in);
    import_progress(imp, in->len, in->len, true);
    import_state_of(imp)->bytes_before += in->len;
    return rc;
}

static bool is_zip(const char *data, size_t len)
{
    return len >= 4 && memcmp(data, "PK\3\4", 4) == 0;
}

/* After a failed input, the rows and sources it added are dropped, so that the import
 * holds exactly the inputs that succeeded (dictionary entries already read stay). */
static int rollback_on_error(lever_import *imp, int rc, size_t rows_before,
                             size_t sources_before)
{
    if (rc == LEVER_OK)
        return rc;
    import_state *st = import_state_of(imp);
    imp->rows.n = rows_before;
    while (imp->n_sources > sources_before) {
        size_t n = --imp->n_sources;
        free(imp->sources[n].name);
        free(imp->sources[n].path);
        free(st->lines[n].gaps);
    }
    return rc;
}

static int add_buffer(lever_import *imp, const char *name, const char *data, size_t len)
{
    if (is_zip(data, len))
        return import_fail(imp, LEVER_EUSAGE,
                           "%s: a zip can only be imported from a file; save it and give its "
                           "path",
                           name);
    import_input in = {.name = name, .path = NULL, .data = data, .len = len};
    return import_parse_input(imp, &in);
}

int lever_import_add_buffer(lever_import *imp, const char *name, const char *data, size_t len)
{
    imp->errmsg[0] = 0;
    if (imp->consumed)
        return import_fail(imp, LEVER_EUSAGE, "this import was committed already; start a new one");
    size_t rows_before = imp->rows.n, sources_before = imp->n_sources;
    return rollback_on_error(imp, add_buffer(imp, name, data, len), rows_before,
                             sources_before);
}

/* Reads a whole stream (standard input, a pipe) into memory. */
static int read_all(lever_import *imp, int fd, const char *name, char **out, size_t *out_len)
{
    size_t cap = 1 << 20, len = 0;
    char *buf = malloc(cap);
    if (!buf)
        return import_fail(imp, LEVER_ENOMEM, "%s: out of memory reading the input", name);
    for (;;) {
        if (len == cap) {
            char *b = realloc(buf, cap * 2);
            if (!b) {
                free(buf);
                return import_fail(imp, LEVER_ENOMEM, "%s: out of memory reading the input",
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
            return import_fail(imp, LEVER_EIO, "%s: cannot read: %s", name, strerror(e));
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
    char magic[4];
    ssize_t got = pread(fd, magic, sizeof magic, 0);
    if (got == (ssize_t)sizeof magic && is_zip(magic, sizeof magic))
        return zipsrc_add(imp, path, path);
    void *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED)
        return import_fail(imp, LEVER_EIO, "%s: cannot map the file: %s", path,
                           strerror(errno));
    madvise(map, len, MADV_SEQUENTIAL);
    import_input in = {.name = path, .path = path, .data = map, .len = len, .mapped = true};
    int rc = import_parse_input(imp, &in);
    munmap(map, len);
    return rc;
}

static int add_file(lever_import *imp, const char *path)
{
    if (strcmp(path, "-") == 0)
        return add_stream(imp, STDIN_FILENO, "-");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return import_fail(imp, LEVER_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        int e = errno;
        close(fd);
        return import_fail(imp, LEVER_EIO, "%s: cannot read: %s", path, strerror(e));
    }
    int rc;
    if (S_ISDIR(sb.st_mode))
        rc = import_fail(imp, LEVER_EIO, "%s: cannot read: %s; give the files inside it", path,
                         strerror(EISDIR));
    else if (!S_ISREG(sb.st_mode))
        rc = add_stream(imp, fd, path);
    else if (sb.st_size == 0) {
        import_input in = {.name = path, .path = path, .data = "", .len = 0};
        rc = import_parse_input(imp, &in);
    } else
        rc = add_mapped(imp, fd, path, (size_t)sb.st_size);
    close(fd);
    return rc;
}

int lever_import_add_file(lever_import *imp, const char *path)
{
    imp->errmsg[0] = 0;
    if (imp->consumed)
        return import_fail(imp, LEVER_EUSAGE, "this import was committed already; start a new one");
    size_t rows_before = imp->rows.n, sources_before = imp->n_sources;
    return rollback_on_error(imp, add_file(imp, path), rows_before, sources_before);
}

int lever_import_commit(lever_import *imp, const char *path)
{
    import_state *st = import_state_of(imp);
    imp->errmsg[0] = 0;
    if (imp->consumed)
        return import_fail(imp, LEVER_EUSAGE, "this import was committed already; start a new one");
    if (imp->n_sources == 0 && imp->n_countries == 0 && imp->n_products == 0)
        return import_fail(imp, LEVER_EUSAGE,
                           "nothing to import: add a BACI zip or CSV (t,i,j,k,v,q) first");
    if (imp->rows.n == 0) {
        if (st->aggregate_rows)
            return import_fail(imp, LEVER_EINPUT,
                               "no trade rows: all %llu Comtrade rows had an aggregate partner "
                               "(World); download partner 'all' from Comtrade",
                               (unsigned long long)st->aggregate_rows);
        return import_fail(imp, LEVER_EINPUT,
                           "no trade rows: the inputs hold only dictionaries or headers; add a "
                           "BACI CSV or zip with trade rows (t,i,j,k,v,q)");
    }
    return store_write(imp, path);
}
