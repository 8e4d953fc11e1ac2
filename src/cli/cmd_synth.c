/*
 * cmd_synth.c - `lever synth`: writes liblever's deterministic synthetic world (a
 * BACI-layout CSV, marked as not real trade) to standard output or to a file.
 *
 * Thin by design: lever_synth() generates and formats; this file parses the options
 * and owns the output. A file is written as FILE.tmp and renamed over FILE only when
 * complete, so an interrupted or failed run never leaves a truncated CSV under the
 * name a later `lever import` would read.
 *
 * --events FILE writes, beside the world, a few made-up events of its countries and years
 * (the CSV that --events of lever dyad and lever change reads), so that the demo shows
 * events on a time line without real data; each label says it is synthetic.
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_ROWS 1000000ull
#define DEFAULT_SEED 42ull
#define MAX_ROWS 100000000000ull /* 1e11: far beyond what the world holds; lever_synth says so */

static const cli_spec spec = {
    .name = "synth",
    .usage = {"[--rows N] [--seed S] [--years Y0-Y1] [--hs HS17] [-o FILE] [--events FILE]"},
    .about =
        "Writes a synthetic world of product-level trade as a BACI-layout CSV (t,i,j,k,v,q:\n"
        "year, exporter, importer, HS6 product, value in thousands of USD, quantity in\n"
        "tons). It is NOT real trade: the first line says so, and a store imported from\n"
        "it is marked synthetic. The same options give the same bytes on every machine.\n"
        "Real country codes and HS17 products; flows follow gravity (large, close\n"
        "countries trade more); Kazakhstan supplies most of Afghanistan's wheat flour,\n"
        "and most of the wheat that Uzbekistan's mills grind.\n",
    .examples = {"lever synth --rows 200000 -o sample.csv && lever import sample.csv -o demo.store",
                 "lever synth --rows 30M --seed 7 --years 2015-2021 -o bench.csv",
                 "lever synth --rows 1000 | head",
                 "lever synth --rows 200000 -o sample.csv --events events.csv"},
    .min_args = 0,
    .max_args = 0,
    .args_name = "write the output file with -o FILE",
};

/* Parses a row count: digits, an optional fraction, an optional k/M/G suffix ("30M",
 * "1.5M", "200k"). Integer arithmetic only; false when malformed, zero or too large. */
static bool rows_value(const char *text, uint64_t *rows)
{
    const char *p = text;
    uint64_t whole = 0, fraction = 0, fraction_scale = 1;
    int digits = 0;
    for (; *p >= '0' && *p <= '9'; p++, digits++) {
        if (whole > MAX_ROWS)
            return false;
        whole = whole * 10 + (uint64_t)(*p - '0');
    }
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9'; p++, digits++) {
            if (fraction_scale >= 1000000000ull)
                return false;
            fraction = fraction * 10 + (uint64_t)(*p - '0');
            fraction_scale *= 10;
        }
    }
    if (digits == 0)
        return false;
    uint64_t unit = 1;
    switch (*p) {
    case 'k': case 'K': unit = 1000; p++; break;
    case 'm': case 'M': unit = 1000000; p++; break;
    case 'g': case 'G': unit = 1000000000; p++; break;
    default: break;
    }
    if (*p != '\0' || whole > MAX_ROWS / unit)
        return false;
    if (fraction && (unit % fraction_scale) != 0)
        return false; /* "1.5" or "1.0005k": not a whole number of rows */
    *rows = whole * unit + fraction * (unit / fraction_scale);
    return *rows >= 1 && *rows <= MAX_ROWS;
}

static const char *parse_rows(const char *text, void *rows)
{
    return rows_value(text, rows) ? NULL
                                  : "expected a whole number of rows from 1, optionally with k, "
                                    "M or G (200000, 200k, 30M)";
}

static const char *parse_seed(const char *text, void *seed)
{
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || end == text || *end || text[0] == '-')
        return "expected a whole number from 0 to 2^64-1";
    *(uint64_t *)seed = v;
    return NULL;
}

/* Where the CSV goes: a file descriptor and the errno of the first failed write. */
typedef struct synth_output {
    int fd;
    int error;
} synth_output;

static int write_all(void *ud, const char *data, size_t len)
{
    synth_output *out = ud;
    while (len > 0) {
        ssize_t n = write(out->fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            out->error = n < 0 ? errno : EIO;
            return -1;
        }
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Runs lever_synth into out; prints the error and returns an exit code. `where` names the
 * output in messages. */
static int generate(const lever_synth_options *opt, synth_output *out, const char *where)
{
    lever_error err = {0};
    int rc = lever_synth(opt, write_all, out, &err);
    if (rc == LEVER_OK)
        return EXIT_OK;
    if (rc == LEVER_EIO && out->error) {
        cli_error("cannot write %s: %s", where, strerror(out->error));
        return EXIT_ERROR;
    }
    if (rc == LEVER_EUSAGE)
        return cli_usage(&spec, "%s", err.message[0] ? err.message : lever_strerror(rc));
    cli_error("synth: %s", err.message[0] ? err.message : lever_strerror(rc));
    return EXIT_ERROR;
}

static int synth_to_stdout(const lever_synth_options *opt)
{
    synth_output out = {STDOUT_FILENO, 0};
    return generate(opt, &out, "to standard output");
}

static int synth_to_file(const lever_synth_options *opt, const char *given)
{
    char *path = NULL, msg[1024];
    if (lever_output_check(given, &path, msg, sizeof msg) != LEVER_OK) {
        cli_error("%s", msg);
        return EXIT_ERROR;
    }
    size_t len = strlen(path);
    char *tmp = malloc(len + 5);
    if (!tmp) {
        free(path);
        cli_error("out of memory");
        return EXIT_ERROR;
    }
    memcpy(tmp, path, len);
    memcpy(tmp + len, ".tmp", 5);
    char where[64 + 4096];
    snprintf(where, sizeof where, "'%s'", tmp);
    synth_output out = {open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644), 0};
    if (out.fd < 0) {
        cli_error("cannot create '%s': %s; check that its folder exists and is writable", tmp,
                  strerror(errno));
        free(tmp);
        free(path);
        return EXIT_ERROR;
    }
    int rc = generate(opt, &out, where);
    if (close(out.fd) != 0 && rc == EXIT_OK) {
        cli_error("cannot write '%s': %s", tmp, strerror(errno));
        rc = EXIT_ERROR;
    }
    if (rc == EXIT_OK && rename(tmp, path) != 0) {
        cli_error("cannot rename '%s' to '%s': %s", tmp, path, strerror(errno));
        rc = EXIT_ERROR;
    }
    if (rc != EXIT_OK)
        unlink(tmp);
    free(tmp);
    free(path);
    return rc;
}

/* The made-up events of --events: (year offset from the first year, date after the year,
 * countries, label). Offsets past the last year are left out. */
static const struct synth_event {
    int offset;
    const char *month, *countries, *label;
} synth_events[] = {
    {0, "-03", "KAZ;AFG", "synthetic: Kazakh-Afghan trade forum opens a flour corridor"},
    {1, "-05", "KAZ", "synthetic: Kazakhstan caps wheat exports for three months"},
    {1, "-09", "AFG", "synthetic: Afghanistan lowers its duty on flour imports"},
    {2, "-06", "KAZ;UZB;AFG", "synthetic: rail freight rates cut on the Uzbek transit line"},
};

/* Writes the events of the years [first, last] to path, through path.tmp. */
static int write_events(const char *given, int first, int last)
{
    char *path = NULL, msg[1024];
    if (lever_output_check(given, &path, msg, sizeof msg) != LEVER_OK) {
        cli_error("%s", msg);
        return EXIT_ERROR;
    }
    size_t len = strlen(path);
    char *tmp = malloc(len + 5);
    if (!tmp) {
        free(path);
        cli_error("out of memory");
        return EXIT_ERROR;
    }
    memcpy(tmp, path, len);
    memcpy(tmp + len, ".tmp", 5);
    FILE *f = fopen(tmp, "w");
    int rc = EXIT_OK;
    if (!f) {
        cli_error("cannot create '%s': %s; check that its folder exists and is writable", tmp,
                  strerror(errno));
        rc = EXIT_ERROR;
    } else {
        fputs("# lever synth: made-up events of the synthetic world, not real events\n"
              "date,countries,label,source\n", f);
        for (size_t n = 0; n < sizeof synth_events / sizeof synth_events[0]; n++)
            if (first + synth_events[n].offset <= last)
                fprintf(f, "%d%s,%s,%s,lever synth (synthetic)\n",
                        first + synth_events[n].offset, synth_events[n].month,
                        synth_events[n].countries, synth_events[n].label);
        if (ferror(f) | (fclose(f) != 0)) {
            cli_error("cannot write '%s': %s", tmp, strerror(errno));
            rc = EXIT_ERROR;
        }
    }
    if (rc == EXIT_OK && rename(tmp, path) != 0) {
        cli_error("cannot rename '%s' to '%s': %s", tmp, path, strerror(errno));
        rc = EXIT_ERROR;
    }
    if (rc != EXIT_OK && f)
        unlink(tmp);
    free(tmp);
    free(path);
    return rc;
}

int cmd_synth(int argc, char **argv)
{
    lever_synth_options opt = {.rows = DEFAULT_ROWS, .seed = DEFAULT_SEED, .hs_version = "HS17"};
    const char *output = NULL, *events = NULL;
    int years[2] = {0, 0};
    const cli_option options[] = {
        CLI_CALLBACK(0, "rows", "N",
                     "about N rows over all years (default 1M); suffixes k, M, G as in\n"
                     "200k, 30M, 1.5M",
                     &opt.rows, parse_rows),
        CLI_CALLBACK(0, "seed", "S", "another seed makes another world (default 42)", &opt.seed,
                     parse_seed),
        CLI_YEARS(0, "years", "Y0-Y1", "the years, or one year (default 2019-2021)", years),
        CLI_STRING(0, "hs", "HS17", "the HS version of the product codes (only HS17 so far)",
                   &opt.hs_version),
        CLI_STRING('o', "output", "FILE", "write FILE instead of standard output", &output),
        CLI_STRING(0, "events", "FILE",
                   "also write made-up events of the world's years to FILE (the CSV\n"
                   "of --events in lever dyad and lever change)",
                   &events),
        CLI_OPT_END,
    };
    char **args;
    int n = cli_parse(&spec, options, NULL, argc, argv, &args);
    if (n < 0)
        return cli_parse_exit(n);
    if (years[0] || years[1]) {
        opt.year_from = years[0];
        opt.year_to = years[1];
    }
    if (output && (!output[0] || strcmp(output, "-") == 0))
        output = NULL;
    int rc = output ? synth_to_file(&opt, output) : synth_to_stdout(&opt);
    if (rc == EXIT_OK && events) {
        /* the years of lever_synth: both 0 is 2019-2021, one end 0 a range of 3 */
        int first = opt.year_from, last = opt.year_to;
        if (!first && !last)
            first = 2019;
        if (!first)
            first = last - 2;
        if (!last)
            last = first + 2;
        rc = write_events(events, first, last);
    }
    return rc;
}
