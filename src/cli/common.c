/*
 * common.c - what every lever subcommand does the same way: report errors on
 * stderr as "lever: ..." (usage errors with the command's usage line), find and
 * open the store, look countries up and name them in output, parse the option
 * values (years, counts, formats) shared by the commands, and start a document.
 * Kept in one place so messages, names and defaults never drift between commands.
 */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

int cli_usage_error(const char *command, const char *usage_line)
{
    fprintf(stderr, "%sRun 'lever %s --help' for details.\n", usage_line, command);
    return EXIT_USAGE;
}

int cli_option_error(const char *command, const char *usage_line, int opt, char **argv)
{
    if (opt == ':')
        cli_error("%s: option '%s' needs a value", command, argv[optind - 1]);
    else
        cli_error("%s: unknown option '%s'", command, argv[optind - 1]);
    return cli_usage_error(command, usage_line);
}

int cli_arguments_error(const char *command, const char *usage_line, const char *expected,
                        int got)
{
    cli_error("%s: expected %s, got %d argument%s", command, expected, got, got == 1 ? "" : "s");
    return cli_usage_error(command, usage_line);
}

bool cli_format_option(const char *command, const char *text, out_format *fmt)
{
    if (out_parse_format(text, fmt))
        return true;
    cli_error("%s: unknown format '%s': use table, csv or json", command, text);
    return false;
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
    int rc = lever_open(path, &s);
    if (rc != LEVER_OK) {
        /* the library's message names the file and what to do */
        const char *msg = s ? lever_errmsg(s) : "";
        if (*msg && strcmp(msg, "ok") != 0)
            cli_error("%s", msg);
        else
            cli_error("cannot open store '%s': %s", path, lever_strerror(rc));
        if (s)
            lever_close(s);
        return NULL;
    }
    return s;
}

int cli_store_error(lever_store *s)
{
    cli_error("%s", lever_errmsg(s));
    return EXIT_ERROR;
}

bool cli_country(lever_store *s, const char *query, int *country)
{
    if (lever_country_lookup(s, query, country) == LEVER_OK)
        return true;
    cli_store_error(s);
    return false;
}

/* Parses a year of 1 to 4 digits at *p, advancing *p; false when there is none. */
static bool parse_year(const char **p, int *year)
{
    const char *s = *p;
    int value = 0, digits = 0;
    while (*s >= '0' && *s <= '9' && digits < 5) {
        value = value * 10 + (*s - '0');
        s++;
        digits++;
    }
    if (digits == 0 || digits > 4 || value == 0)
        return false;
    *year = value;
    *p = s;
    return true;
}

bool cli_years(const char *text, int *from, int *to)
{
    const char *p = text;
    int y0 = 0, y1 = 0;
    bool ok = true;
    if (*p == '-') {
        p++;
        ok = parse_year(&p, &y1) && *p == '\0';
    } else {
        ok = parse_year(&p, &y0);
        if (ok && *p == '\0') {
            y1 = y0;
        } else if (ok && *p == '-') {
            p++;
            if (*p)
                ok = parse_year(&p, &y1) && *p == '\0';
        } else {
            ok = false;
        }
    }
    if (!ok) {
        cli_error("bad --years '%s': write YEAR, FROM-TO, FROM- or -TO (e.g. 2019-2021)", text);
        return false;
    }
    if (y0 && y1 && y0 > y1) {
        cli_error("bad --years '%s': the range runs backwards; write FROM-TO", text);
        return false;
    }
    *from = y0;
    *to = y1;
    return true;
}

bool cli_int(const char *option, const char *text, long min, long max, long *out)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || end == text || *end != '\0' || v < min || v > max) {
        if (max == LONG_MAX)
            cli_error("bad %s '%s': expected a whole number of at least %ld", option, text, min);
        else
            cli_error("bad %s '%s': expected a whole number from %ld to %ld", option, text, min,
                      max);
        return false;
    }
    *out = v;
    return true;
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
