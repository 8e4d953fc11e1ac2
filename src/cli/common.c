/*
 * common.c - what every lever subcommand does the same way: report errors on
 * stderr as "lever: ...", find and open the store, look countries up and name
 * them in output, and start a document. (Options and usage errors: options.c.)
 * Kept in one place so messages, names and defaults never drift between commands.
 */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void vreport(const char *prefix, const char *fmt, va_list ap)
{
    fflush(stdout);
    fputs(prefix, stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport("lever: ", fmt, ap);
    va_end(ap);
}

void cli_warning(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport("lever: warning: ", fmt, ap);
    va_end(ap);
}

lever_store *cli_open_store(const char *explicit_path)
{
    const char *path = explicit_path;
    if (!path || !*path)
        path = getenv("LEVER_STORE");
    if (!path || !*path)
        path = CLI_DEFAULT_STORE;
    struct stat st;
    if (stat(path, &st) != 0 && errno == ENOENT) {
        cli_error("no store at '%s': create one with 'lever import FILE -o %s' or name one "
                  "with --store / LEVER_STORE",
                  path, path);
        return NULL;
    }
    lever_store *s = NULL;
    lever_error err = {0};
    if (lever_open(path, &s, &err) != LEVER_OK) {
        /* the library's message names the file and what to do */
        if (err.message[0])
            cli_error("%s", err.message);
        else
            cli_error("cannot open store '%s': %s", path, lever_strerror(err.code));
        return NULL;
    }
    return s;
}

int cli_fail(const lever_error *err)
{
    cli_error("%s", err->message);
    return EXIT_ERROR;
}

bool cli_country(const lever_store *s, const char *query, int *country)
{
    lever_error err;
    if (lever_country_lookup(s, query, country, &err) == LEVER_OK)
        return true;
    cli_fail(&err);
    return false;
}

void cli_name_country(const lever_store *s, int c, cli_country_names *names)
{
    lever_country k;
    lever_country_at(s, c, &k);
    if (k.iso3[0])
        snprintf(names->code, sizeof names->code, "%s", k.iso3);
    else
        snprintf(names->code, sizeof names->code, "%d", k.code);
    snprintf(names->label, sizeof names->label, "%s (%s)",
             k.name[0] ? k.name : "unnamed country", names->code);
}

int cli_country_numeric(const lever_store *s, int c)
{
    lever_country k;
    lever_country_at(s, c, &k);
    return k.code;
}

void cli_out_country(out_table *t, const lever_store *s, int c)
{
    cli_country_names names;
    cli_name_country(s, c, &names);
    out_str(t, names.code);
    out_int(t, cli_country_numeric(s, c));
}

out_doc *cli_doc_new(const lever_store *s, const char *title_fmt, ...)
{
    char title[1024];
    va_list ap;
    va_start(ap, title_fmt);
    vsnprintf(title, sizeof title, title_fmt, ap);
    va_end(ap);
    out_doc *d = out_doc_new(title);
    out_doc_store(d, s);
    return d;
}

void cli_meta_years(out_doc *d, int first, int last)
{
    if (first == last)
        out_doc_meta(d, "years", "%d", first);
    else
        out_doc_meta(d, "years", "%d-%d", first, last);
}

char *cli_join_words(int argc, char **argv)
{
    size_t len = 1;
    for (int n = 0; n < argc; n++)
        len += strlen(argv[n]) + 1;
    char *text = malloc(len);
    if (!text) {
        cli_error("out of memory");
        return NULL;
    }
    size_t used = 0;
    for (int n = 0; n < argc; n++) {
        if (n)
            text[used++] = ' ';
        size_t w = strlen(argv[n]);
        memcpy(text + used, argv[n], w);
        used += w;
    }
    text[used] = '\0';
    return text;
}

double cli_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void cli_bar(char text[21], double fraction)
{
    int filled = (int)((fraction < 0 ? 0 : fraction > 1 ? 1 : fraction) * 20);
    for (int n = 0; n < 20; n++)
        text[n] = n < filled ? '#' : '-';
    text[20] = 0;
}

void cli_bar_clear(bool *shown)
{
    if (*shown) {
        fputs("\r\033[K", stderr);
        *shown = false;
    }
}

int cli_outfile_begin(cli_outfile *o, const char *given)
{
    char msg[1024];
    o->path = o->tmp = NULL;
    if (lever_output_check(given, &o->path, msg, sizeof msg) != LEVER_OK) {
        cli_error("%s", msg);
        return EXIT_ERROR;
    }
    size_t len = strlen(o->path);
    o->tmp = malloc(len + 5);
    if (!o->tmp) {
        free(o->path);
        o->path = NULL;
        cli_error("out of memory");
        return EXIT_ERROR;
    }
    memcpy(o->tmp, o->path, len);
    memcpy(o->tmp + len, ".tmp", 5);
    return EXIT_OK;
}

int cli_outfile_end(cli_outfile *o, int rc)
{
    if (rc == EXIT_OK && rename(o->tmp, o->path) != 0) {
        cli_error("cannot rename '%s' to '%s': %s", o->tmp, o->path, strerror(errno));
        rc = EXIT_ERROR;
    }
    if (rc != EXIT_OK)
        unlink(o->tmp);
    free(o->tmp);
    free(o->path);
    o->tmp = o->path = NULL;
    return rc;
}
