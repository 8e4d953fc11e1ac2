/*
 * cmd_fetch.c - `lever fetch baci HSxx` and `lever fetch comtrade --reporters ...`: gets
 * the data lever imports, through a local cache.
 *
 * Thin by design: liblever (src/lib/fetch) downloads, resumes, retries, checks and
 * caches. This file parses the options, reads COMTRADE_KEY, LEVER_BACI_URL and
 * LEVER_COMTRADE_URL, draws a progress bar when stderr is a terminal, prints the
 * library's notes, and prints the path of every file it places on standard output, one a
 * line, so that `lever import $(lever fetch ...) -o STORE` works.
 */
#include "cli.h"
#include "options.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const cli_spec spec = {
    .name = "fetch",
    .usage = {"baci HSxx [--release Vyyyymm] [-o DIR] [options]",
              "comtrade --reporters ISO3,... --years Y0-Y1 [--partners all|ISO3,...]\n"
              "                            [--hs CODES] [--flows M,X] [--monthly] [-o DIR] [options]"},
    .about =
        "Downloads trade data into DIR (default: the current folder), through a cache, and\n"
        "prints the path of each file placed there. `lever import` reads them as they are.\n",
    .arguments =
        "baci HSxx     CEPII's BACI release zip of one HS edition (HS92 ... HS22), about\n"
        "              2 GB, checked member by member (CRC-32) when it arrives\n"
        "comtrade      answers of the UN Comtrade Plus data API, one JSON file per call:\n"
        "              each reporter's own declarations (its imports and exports) with\n"
        "              every partner. With COMTRADE_KEY set (a free key from\n"
        "              comtradedeveloper.un.org) a call returns up to 100,000 records;\n"
        "              without it the keyless preview API returns at most 500. Calls are\n"
        "              one reporter and one year each, split further (by flow, months,\n"
        "              partners) when an answer reaches that limit.\n",
    .notes = "environment: COMTRADE_KEY (the Comtrade subscription key), LEVER_BACI_URL and\n"
             "LEVER_COMTRADE_URL (where to fetch from when --url is not given), XDG_CACHE_HOME.\n",
    .examples = {"lever fetch baci HS92 --release V202501 -o data",
                 "lever fetch comtrade --reporters KAZ,AFG --partners all --years 2019-2024 -o data",
                 "lever import data/*.json -o kaz_afg.store"},
    .min_args = 1,
    .max_args = 2,
    .args_name = "the source: baci HSxx, or comtrade",
};

/* ------------------------------------------------------------------ */
/* Progress, notes, files                                              */
/* ------------------------------------------------------------------ */

typedef struct fetch_view {
    bool bar;        /* draw a progress bar (stderr is a terminal, not --quiet) */
    bool quiet;
    bool shown;      /* a bar is on the terminal line now */
    char label[256]; /* of the download the bar shows */
    double start;    /* when that download started */
    long files, cached, records;
} fetch_view;

static void clear_bar(fetch_view *v)
{
    cli_bar_clear(&v->shown);
}

static const char *bytes_text(double bytes, char *buf, size_t len)
{
    static const char *const units[] = {"B", "kB", "MB", "GB", "TB"};
    int u = 0;
    while (bytes >= 1000 && u < 4) {
        bytes /= 1000;
        u++;
    }
    snprintf(buf, len, u ? "%.1f %s" : "%.0f %s", bytes, units[u]);
    return buf;
}

static void on_progress(void *ud, const char *label, uint64_t done, uint64_t total,
                        uint64_t resumed)
{
    fetch_view *v = ud;
    if (!v->bar)
        return;
    if (strcmp(label, v->label) != 0) {
        snprintf(v->label, sizeof v->label, "%s", label);
        v->start = cli_now();
    }
    double elapsed = cli_now() - v->start;
    double rate = elapsed > 0.05 ? (double)(done - resumed) / elapsed : 0;
    char d[32], t[32], r[32], eta[48] = "";
    fputs("\r\033[K", stderr);
    if (total > 0) {
        double fraction = total ? (double)done / (double)total : 0;
        if (fraction > 1)
            fraction = 1;
        char bar[21];
        cli_bar(bar, fraction);
        if (rate > 0 && done < total)
            snprintf(eta, sizeof eta, "  ETA %.0f s", (double)(total - done) / rate);
        fprintf(stderr, "[%s] %3.0f%%  %s of %s  %s/s%s  %s", bar, fraction * 100,
                bytes_text((double)done, d, sizeof d), bytes_text((double)total, t, sizeof t),
                bytes_text(rate, r, sizeof r), eta, label);
    } else {
        fprintf(stderr, "%s  %s/s  %s", bytes_text((double)done, d, sizeof d),
                bytes_text(rate, r, sizeof r), label);
    }
    fflush(stderr);
    v->shown = true;
}

static void on_note(void *ud, const char *message)
{
    fetch_view *v = ud;
    if (v->quiet)
        return;
    clear_bar(v);
    fprintf(stderr, "lever: %s\n", message);
}

static void on_file(void *ud, const char *path, long records, int from_cache)
{
    fetch_view *v = ud;
    clear_bar(v);
    printf("%s\n", path);
    fflush(stdout);
    v->files++;
    v->cached += from_cache != 0;
    if (records > 0)
        v->records += records;
}

/* ------------------------------------------------------------------ */
/* Options                                                             */
/* ------------------------------------------------------------------ */

typedef struct fetch_options {
    const char *output, *release, *url, *cache;
    const char *reporters, *partners, *hs, *flows;
    int years[2];
    bool monthly, quiet;
    long retries, max_wait, max_records;
} fetch_options;

/* ------------------------------------------------------------------ */
/* The two sources                                                     */
/* ------------------------------------------------------------------ */

static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v && v[0] ? v : NULL;
}

/* Comma-separated countries into Comtrade codes (malloc'd); EXIT_OK, or the exit status
 * after the error was printed. */
static int country_list(lever_fetch *f, const char *option, const char *text, int **codes,
                        size_t *n)
{
    size_t cap = 1;
    for (const char *p = text; *p; p++)
        cap += *p == ',';
    *n = 0;
    *codes = calloc(cap, sizeof **codes);
    char *copy = strdup(text), *save = NULL;
    if (!*codes || !copy) {
        free(copy);
        cli_error("out of memory");
        return EXIT_ERROR;
    }
    int rc = EXIT_OK;
    for (char *t = strtok_r(copy, ",", &save); t && rc == EXIT_OK; t = strtok_r(NULL, ",", &save))
        if (lever_comtrade_code(f, t, &(*codes)[(*n)++]) != LEVER_OK)
            rc = cli_usage(&spec, "bad %s: %s", option, lever_fetch_errmsg(f));
    free(copy);
    if (rc == EXIT_OK && *n == 0)
        rc = cli_usage(&spec, "bad %s '%s': name at least one country", option, text);
    return rc;
}

static int fetch_comtrade(lever_fetch *f, const fetch_options *o, fetch_view *v)
{
    if (!o->reporters)
        return cli_usage(&spec, "name the reporters, as --reporters KAZ,AFG");
    if (!o->years[0] || !o->years[1])
        return cli_usage(&spec, "name the first and last years, as --years 2019-2024");
    lever_comtrade_query q = {
        .base_url = o->url ? o->url : env("LEVER_COMTRADE_URL"),
        .key = env("COMTRADE_KEY"),
        .year_from = o->years[0],
        .year_to = o->years[1],
        .monthly = o->monthly,
        .flows = o->flows,
        .commodities = o->hs,
        .max_records = o->max_records,
    };
    int *reporters = NULL, *partners = NULL;
    int rc = country_list(f, "--reporters", o->reporters, &reporters, &q.n_reporters);
    if (rc == EXIT_OK && o->partners && strcasecmp(o->partners, "all") != 0)
        rc = country_list(f, "--partners", o->partners, &partners, &q.n_partners);
    if (rc == EXIT_OK) {
        q.reporters = reporters;
        q.partners = partners;
        int lrc = lever_fetch_comtrade(f, &q, o->output);
        clear_bar(v);
        if (lrc == LEVER_EUSAGE)
            rc = cli_usage(&spec, "%s", lever_fetch_errmsg(f));
        else if (lrc != LEVER_OK) {
            cli_error("%s", lever_fetch_errmsg(f));
            rc = EXIT_ERROR;
        }
    }
    free(reporters);
    free(partners);
    return rc;
}

static int fetch_baci(lever_fetch *f, const fetch_options *o, fetch_view *v, const char *hs)
{
    const char *url = o->url ? o->url : env("LEVER_BACI_URL");
    int lrc = lever_fetch_baci(f, hs, o->release, url, o->output);
    clear_bar(v);
    if (lrc == LEVER_EUSAGE)
        return cli_usage(&spec, "%s", lever_fetch_errmsg(f));
    if (lrc != LEVER_OK) {
        cli_error("%s", lever_fetch_errmsg(f));
        return EXIT_ERROR;
    }
    return EXIT_OK;
}

int cmd_fetch(int argc, char **argv)
{
    fetch_options o = {.output = ".", .retries = 5, .max_wait = 120};
    const cli_option options[] = {
        CLI_STRING('o', "output", "DIR", "folder for the files (created if missing; default: .)",
                   &o.output),
        CLI_STRING(0, "release", "V",
                   "BACI release, as V202501 (default " LEVER_BACI_DEFAULT_RELEASE ")",
                   &o.release),
        CLI_STRING(0, "reporters", "LIST",
                   "countries whose declarations to fetch (ISO3 or Comtrade codes)",
                   &o.reporters),
        CLI_STRING(0, "partners", "LIST", "their partners: all (default), world, or ISO3 codes",
                   &o.partners),
        CLI_YEARS(0, "years", "Y0-Y1", "years (or one year)", o.years),
        CLI_STRING(0, "hs", "CODES",
                   "Comtrade cmdCode: HS codes at any level (100199,110100),\n"
                   "TOTAL, or AG2/AG4/AG6 for every product at that level\n"
                   "(default AG6: every 6-digit product)",
                   &o.hs),
        CLI_STRING(0, "flows", "LIST",
                   "flow codes: M imports, X exports, RM, RX re-imports and\n"
                   "re-exports (default M,X)",
                   &o.flows),
        CLI_FLAG(0, "monthly", "monthly periods instead of years", &o.monthly),
        CLI_INT(0, "max-records", "N", "records per call (default: the API's limit for the key)",
                &o.max_records, 1, 10000000),
        CLI_STRING(0, "url", "URL",
                   "where to fetch from (default $LEVER_BACI_URL or $LEVER_COMTRADE_URL,\n"
                   "else " LEVER_BACI_URL "\nand " LEVER_COMTRADE_URL ")",
                   &o.url),
        CLI_STRING(0, "cache", "DIR",
                   "the cache (default $XDG_CACHE_HOME/lever, else ~/.cache/lever)", &o.cache),
        CLI_INT(0, "retries", "N", "attempts after a cut connection, HTTP 429 or 5xx", &o.retries,
                0, 100),
        CLI_INT(0, "max-wait", "S", "the longest wait a rate limit may ask, in seconds",
                &o.max_wait, 0, 86400),
        CLI_FLAG('q', "quiet", "no progress bar, notes or summary", &o.quiet),
        CLI_OPT_END,
    };
    char **args;
    int n = cli_parse(&spec, options, NULL, argc, argv, &args);
    if (n < 0)
        return cli_parse_exit(n);
    bool baci = strcmp(args[0], "baci") == 0, comtrade = strcmp(args[0], "comtrade") == 0;
    if (!baci && !comtrade)
        return cli_usage(&spec, "unknown source '%s': baci or comtrade", args[0]);
    if (baci && n < 2)
        return cli_usage(&spec, "name the HS edition, as lever fetch baci HS92");
    if (comtrade && n > 1)
        return cli_usage(&spec, "unexpected argument '%s' after comtrade", args[1]);
    lever_fetch *f = NULL;
    if (lever_fetch_new(&f) != LEVER_OK || lever_fetch_set_cache(f, o.cache) != LEVER_OK) {
        lever_fetch_free(f);
        cli_error("out of memory");
        return EXIT_ERROR;
    }
    fetch_view v = {.bar = !o.quiet && isatty(STDERR_FILENO), .quiet = o.quiet};
    lever_fetch_set_progress(f, on_progress, &v);
    lever_fetch_set_note(f, on_note, &v);
    lever_fetch_set_file(f, on_file, &v);
    lever_fetch_set_retries(f, (int)o.retries, (int)o.max_wait);
    int rc = baci ? fetch_baci(f, &o, &v, args[1]) : fetch_comtrade(f, &o, &v);
    if (rc == EXIT_OK && !o.quiet) {
        char r[32];
        fprintf(stderr, "fetched %ld file%s into %s (%ld from the cache", v.files,
                v.files == 1 ? "" : "s", o.output, v.cached);
        if (comtrade)
            fprintf(stderr, ", %s records", out_grouped((uint64_t)v.records, r, sizeof r));
        fprintf(stderr, ")\n");
    }
    lever_fetch_free(f);
    return rc;
}
