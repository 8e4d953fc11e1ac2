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

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage_line[] =
    "usage: lever fetch baci HSxx [--release Vyyyymm] [-o DIR] [options]\n"
    "       lever fetch comtrade --reporters ISO3,... --years Y0-Y1 [--partners all|ISO3,...]\n"
    "                            [--hs CODES] [--flows M,X] [--monthly] [-o DIR] [options]\n";

static void usage(FILE *f)
{
    fputs(usage_line, f);
    fputs("\n"
          "Downloads trade data into DIR (default: the current folder), through a cache, and\n"
          "prints the path of each file placed there. `lever import` reads them as they are.\n"
          "\n"
          "  baci HSxx     CEPII's BACI release zip of one HS edition (HS92 ... HS22), about\n"
          "                2 GB, checked member by member (CRC-32) when it arrives\n"
          "  comtrade      answers of the UN Comtrade Plus data API, one JSON file per call:\n"
          "                each reporter's own declarations (its imports and exports) with\n"
          "                every partner. With COMTRADE_KEY set (a free key from\n"
          "                comtradedeveloper.un.org) a call returns up to 100,000 records;\n"
          "                without it the keyless preview API returns at most 500. Calls are\n"
          "                one reporter and one year each, split further (by flow, months,\n"
          "                partners) when an answer reaches that limit.\n"
          "\n"
          "options:\n"
          "  -o, --output DIR    folder for the files (created if missing; default: .)\n"
          "  --release V         BACI release, as V202501 (default " LEVER_BACI_DEFAULT_RELEASE
          ")\n"
          "  --reporters LIST    countries whose declarations to fetch (ISO3 or Comtrade codes)\n"
          "  --partners LIST     their partners: all (default), world, or ISO3 codes\n"
          "  --years Y0-Y1       years (or one year)\n"
          "  --hs CODES          Comtrade cmdCode: HS codes at any level (100199,110100),\n"
          "                      TOTAL, or AG2/AG4/AG6 for every product at that level\n"
          "                      (default AG6: every 6-digit product)\n"
          "  --flows LIST        flow codes: M imports, X exports, RM, RX re-imports and\n"
          "                      re-exports (default M,X)\n"
          "  --monthly           monthly periods instead of years\n"
          "  --max-records N     records per call (default: the API's limit for the key)\n"
          "  --url URL           where to fetch from (default $LEVER_BACI_URL or\n"
          "                      $LEVER_COMTRADE_URL, else " LEVER_BACI_URL " and\n"
          "                      " LEVER_COMTRADE_URL ")\n"
          "  --cache DIR         the cache (default $XDG_CACHE_HOME/lever, else ~/.cache/lever)\n"
          "  --retries N         attempts after a cut connection, HTTP 429 or 5xx (default 5)\n"
          "  --max-wait S        the longest wait a rate limit may ask, in seconds (default 120)\n"
          "  -q, --quiet         no progress bar, notes or summary\n"
          "  -h, --help          show this help\n"
          "\n"
          "examples:\n"
          "  lever fetch baci HS92 --release V202501 -o data\n"
          "  lever fetch comtrade --reporters KAZ,AFG --partners all --years 2019-2024 -o data\n"
          "  lever import data/*.json -o kaz_afg.store\n",
          f);
}

static int usage_error(void)
{
    fputs(usage_line, stderr);
    fputs("Run 'lever fetch --help' for details.\n", stderr);
    return EXIT_USAGE;
}

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
    const char *reporters, *partners, *years, *hs, *flows;
    bool monthly, quiet;
    long retries, max_wait, max_records;
} fetch_options;

/* Parses the options, wherever they are (getopt moves the words after them); EXIT_OK,
 * EXIT_USAGE, or -1 after --help. *first_arg is the index of the first word. */
static int parse_options(int argc, char **argv, fetch_options *o, int *first_arg)
{
    static const struct option options[] = {
        {"output", required_argument, NULL, 'o'},    {"release", required_argument, NULL, 'R'},
        {"url", required_argument, NULL, 'U'},       {"cache", required_argument, NULL, 'C'},
        {"reporters", required_argument, NULL, 'r'}, {"partners", required_argument, NULL, 'p'},
        {"years", required_argument, NULL, 'y'},     {"hs", required_argument, NULL, 'H'},
        {"flows", required_argument, NULL, 'f'},     {"monthly", no_argument, NULL, 'm'},
        {"retries", required_argument, NULL, 'T'},   {"max-wait", required_argument, NULL, 'W'},
        {"max-records", required_argument, NULL, 'N'}, {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},            {NULL, 0, NULL, 0}};
    *o = (fetch_options){.output = ".", .retries = 5, .max_wait = 120};
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":o:qh", options, NULL)) != -1) {
        switch (c) {
        case 'o': o->output = optarg; break;
        case 'R': o->release = optarg; break;
        case 'U': o->url = optarg; break;
        case 'C': o->cache = optarg; break;
        case 'r': o->reporters = optarg; break;
        case 'p': o->partners = optarg; break;
        case 'y': o->years = optarg; break;
        case 'H': o->hs = optarg; break;
        case 'f': o->flows = optarg; break;
        case 'm': o->monthly = true; break;
        case 'q': o->quiet = true; break;
        case 'T':
            if (!cli_int("--retries", optarg, 0, 100, &o->retries))
                return usage_error();
            break;
        case 'W':
            if (!cli_int("--max-wait", optarg, 0, 86400, &o->max_wait))
                return usage_error();
            break;
        case 'N':
            if (!cli_int("--max-records", optarg, 1, 10000000, &o->max_records))
                return usage_error();
            break;
        case 'h': usage(stdout); return -1;
        case ':':
            cli_error("fetch: option '%s' needs a value", argv[optind - 1]);
            return usage_error();
        default:
            cli_error("fetch: unknown option '%s'", argv[optind - 1]);
            return usage_error();
        }
    }
    *first_arg = optind;
    return EXIT_OK;
}

/* ------------------------------------------------------------------ */
/* The two sources                                                     */
/* ------------------------------------------------------------------ */

static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v && v[0] ? v : NULL;
}

/* Comma-separated countries into Comtrade codes (malloc'd). */
static bool country_list(lever_fetch *f, const char *option, const char *text, int **codes,
                         size_t *n)
{
    size_t cap = 1;
    for (const char *p = text; *p; p++)
        cap += *p == ',';
    *codes = calloc(cap, sizeof **codes);
    *n = 0;
    if (!*codes) {
        cli_error("out of memory");
        return false;
    }
    char *copy = strdup(text), *save = NULL;
    if (!copy) {
        cli_error("out of memory");
        return false;
    }
    bool ok = true;
    for (char *t = strtok_r(copy, ",", &save); t && ok; t = strtok_r(NULL, ",", &save)) {
        if (lever_comtrade_code(f, t, &(*codes)[*n]) == LEVER_OK)
            (*n)++;
        else {
            cli_error("bad %s: %s", option, lever_fetch_errmsg(f));
            ok = false;
        }
    }
    free(copy);
    if (ok && *n == 0) {
        cli_error("bad %s '%s': name at least one country", option, text);
        ok = false;
    }
    return ok;
}

static int fetch_comtrade(lever_fetch *f, const fetch_options *o, fetch_view *v)
{
    if (!o->reporters) {
        cli_error("fetch comtrade: name the reporters, as --reporters KAZ,AFG");
        return usage_error();
    }
    if (!o->years) {
        cli_error("fetch comtrade: name the years, as --years 2019-2024");
        return usage_error();
    }
    lever_comtrade_query q = {
        .base_url = o->url ? o->url : env("LEVER_COMTRADE_URL"),
        .key = env("COMTRADE_KEY"),
        .monthly = o->monthly,
        .flows = o->flows,
        .commodities = o->hs,
        .max_records = o->max_records,
    };
    if (!cli_years(o->years, &q.year_from, &q.year_to))
        return usage_error();
    if (!q.year_from || !q.year_to) {
        cli_error("bad --years '%s': give both ends (2019-2024) or one year", o->years);
        return usage_error();
    }
    int *reporters = NULL, *partners = NULL;
    int rc = EXIT_OK;
    if (!country_list(f, "--reporters", o->reporters, &reporters, &q.n_reporters))
        rc = EXIT_USAGE;
    else if (o->partners && strcasecmp(o->partners, "all") != 0 &&
             !country_list(f, "--partners", o->partners, &partners, &q.n_partners))
        rc = EXIT_USAGE;
    if (rc == EXIT_OK) {
        q.reporters = reporters;
        q.partners = partners;
        int lrc = lever_fetch_comtrade(f, &q, o->output);
        if (lrc != LEVER_OK) {
            clear_bar(v);
            cli_error("%s", lever_fetch_errmsg(f));
            rc = lrc == LEVER_EUSAGE ? EXIT_USAGE : EXIT_ERROR;
        }
    }
    free(reporters);
    free(partners);
    if (rc == EXIT_USAGE)
        return usage_error();
    return rc;
}

int cmd_fetch(int argc, char **argv)
{
    fetch_options o;
    int first = 0;
    int rc = parse_options(argc, argv, &o, &first);
    if (rc != EXIT_OK)
        return rc < 0 ? EXIT_OK : rc;
    const char *const *words = (const char *const *)argv + first;
    int n_words = argc - first;
    if (n_words == 0) {
        cli_error("fetch: name the source: baci HSxx, or comtrade");
        return usage_error();
    }
    bool baci = strcmp(words[0], "baci") == 0, comtrade = strcmp(words[0], "comtrade") == 0;
    if (!baci && !comtrade) {
        cli_error("fetch: unknown source '%s': baci or comtrade", words[0]);
        return usage_error();
    }
    if (baci && n_words < 2) {
        cli_error("fetch baci: name the HS edition, as lever fetch baci HS92");
        return usage_error();
    }
    if ((baci && n_words > 2) || (comtrade && n_words != 1)) {
        cli_error("fetch: unexpected argument '%s'", words[baci ? 2 : 1]);
        return usage_error();
    }
    lever_fetch *f = NULL;
    if (lever_fetch_new(&f) != LEVER_OK) {
        cli_error("out of memory");
        return EXIT_ERROR;
    }
    fetch_view v = {.bar = !o.quiet && isatty(STDERR_FILENO), .quiet = o.quiet};
    lever_fetch_set_progress(f, on_progress, &v);
    lever_fetch_set_note(f, on_note, &v);
    lever_fetch_set_file(f, on_file, &v);
    lever_fetch_set_retries(f, (int)o.retries, (int)o.max_wait);
    if (lever_fetch_set_cache(f, o.cache) != LEVER_OK) {
        lever_fetch_free(f);
        cli_error("out of memory");
        return EXIT_ERROR;
    }
    if (baci) {
        const char *url = o.url ? o.url : env("LEVER_BACI_URL");
        int lrc = lever_fetch_baci(f, words[1], o.release, url, o.output);
        if (lrc != LEVER_OK) {
            clear_bar(&v);
            cli_error("%s", lever_fetch_errmsg(f));
            rc = lrc == LEVER_EUSAGE ? usage_error() : EXIT_ERROR;
        }
    } else {
        rc = fetch_comtrade(f, &o, &v);
    }
    clear_bar(&v);
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
