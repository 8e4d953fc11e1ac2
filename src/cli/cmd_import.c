/*
 * cmd_import.c - `lever import FILE... -o STORE`: reads BACI zips and CSVs, BACI
 * dictionaries, UN Comtrade CSVs or standard input into one store.
 *
 * Thin by design: the library recognises and parses the inputs and writes the
 * store (atomically: on any error the old store stays as it was). This file
 * parses the options, draws a progress bar when stderr is a terminal, prints
 * the library's warnings as "lever: warning: ..." and one summary line.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct import_options {
    const char **files;
    int n_files;
    const char *output;
    const char *hs_version;
    const char *release;
    long threads;
    bool quiet;
} import_options;

typedef struct progress_bar {
    bool shown;      /* a bar is on the terminal line now */
    bool enabled;
    double start;
} progress_bar;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: lever import FILE... -o STORE [--hs HSxx] [--release Vyyyymm] [--threads N] "
            "[--quiet]\n"
            "\n"
            "Reads trade flows into STORE (replaced atomically; on error it is left as it was).\n"
            "FILE may be a BACI release zip, a BACI CSV (t,i,j,k,v,q), a BACI country or\n"
            "product dictionary (country_codes_*.csv, product_codes_*.csv), a UN Comtrade\n"
            "legacy CSV, or - for standard input. The kind is recognised from the content.\n"
            "\n"
            "options:\n"
            "  -o, --output STORE  the store to write (required)\n"
            "  --hs HSxx           the HS version (HS92 ... HS22), if file names do not say it\n"
            "  --release Vyyyymm   the BACI release (V202301), if file names do not say it\n"
            "  --threads N         parsing threads (default: one per CPU)\n"
            "  -q, --quiet         no progress bar and no summary line\n"
            "\n"
            "examples:\n"
            "  lever import BACI_HS92_V202301.zip -o hs92.store\n"
            "  lever import baci_hs92_v202301_2021_imports_DZA.csv country_codes_V202301.csv \\\n"
            "      product_codes_HS92_V202301.csv -o dza.store\n"
            "  lever synth | lever import - -o demo.store\n");
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void clear_bar(progress_bar *bar)
{
    if (bar->shown) {
        fputs("\r\033[K", stderr);
        bar->shown = false;
    }
}

static void on_progress(void *ud, uint64_t done, uint64_t total, uint64_t rows)
{
    progress_bar *bar = ud;
    if (!bar->enabled)
        return;
    double elapsed = now_seconds() - bar->start;
    double mb_per_s = elapsed > 0 ? (double)done / 1e6 / elapsed : 0;
    double fraction = total ? (double)done / (double)total : 0;
    if (fraction > 1)
        fraction = 1;
    char bar_text[21];
    int filled = (int)(fraction * 20);
    for (int n = 0; n < 20; n++)
        bar_text[n] = n < filled ? '#' : '-';
    bar_text[20] = 0;
    char rows_text[32], eta[32] = "";
    if (fraction > 0.01 && fraction < 1)
        snprintf(eta, sizeof eta, "  ETA %.0f s", elapsed / fraction - elapsed);
    fprintf(stderr, "\r\033[K[%s] %3.0f%%  %s rows  %.0f MB/s%s", bar_text, fraction * 100,
            out_grouped(rows, rows_text, sizeof rows_text), mb_per_s, eta);
    fflush(stderr);
    bar->shown = true;
}

static void on_warning(void *ud, const char *message)
{
    clear_bar(ud);
    cli_warning("%s", message);
}

/* Parses the options; returns EXIT_OK, or EXIT_USAGE after printing why (-1 for --help). */
static int parse_options(int argc, char **argv, import_options *o)
{
    o->files = calloc((size_t)argc, sizeof *o->files);
    if (!o->files) {
        cli_error("out of memory");
        return EXIT_ERROR;
    }
    bool options_done = false;
    for (int a = 1; a < argc; a++) {
        const char *arg = argv[a];
        if (options_done || arg[0] != '-' || strcmp(arg, "-") == 0) {
            o->files[o->n_files++] = arg;
            continue;
        }
        const char *value = NULL;
        const char *eq = strchr(arg, '=');
        size_t name_len = eq && arg[1] == '-' ? (size_t)(eq - arg) : strlen(arg);
#define IS(name) (strlen(name) == name_len && strncmp(arg, name, name_len) == 0)
        bool takes_value = IS("-o") || IS("--output") || IS("--hs") || IS("--release") ||
                           IS("--threads");
        if (takes_value) {
            if (eq && arg[1] == '-')
                value = eq + 1;
            else if (a + 1 < argc)
                value = argv[++a];
            else {
                cli_error("option %s needs a value; see 'lever import --help'", arg);
                return EXIT_USAGE;
            }
        }
        if (IS("--help") || IS("-h")) {
            usage(stdout);
            return -1;
        } else if (IS("--")) {
            options_done = true;
        } else if (IS("-q") || IS("--quiet")) {
            o->quiet = true;
        } else if (IS("-o") || IS("--output")) {
            o->output = value;
        } else if (IS("--hs")) {
            o->hs_version = value;
        } else if (IS("--release")) {
            o->release = value;
        } else if (IS("--threads")) {
            if (!cli_int("--threads", value, 0, 256, &o->threads))
                return EXIT_USAGE;
        } else {
            cli_error("unknown option '%s'; see 'lever import --help'", arg);
            return EXIT_USAGE;
        }
#undef IS
    }
    if (o->n_files == 0) {
        cli_error("no input: give BACI CSV or zip files (or - for standard input); see 'lever "
                  "import --help'");
        return EXIT_USAGE;
    }
    if (!o->output || !o->output[0]) {
        cli_error("no store named: add -o STORE, e.g. -o baci.store");
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

static const char *plural(uint64_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

static void print_summary(const char *store_path, uint64_t rows, double seconds)
{
    char r[32], c[32], p[32];
    lever_store *s = NULL;
    if (lever_open(store_path, &s) == LEVER_OK) {
        lever_info info;
        lever_get_info(s, &info);
        fprintf(stderr, "imported %s %s (%d %s, %s %s, %s %s) into %s in %.2f s%s\n",
                out_grouped(info.rows, r, sizeof r), plural(info.rows, "row", "rows"), info.n_years,
                plural((uint64_t)info.n_years, "year", "years"),
                out_grouped((uint64_t)info.n_countries, c, sizeof c),
                plural((uint64_t)info.n_countries, "country", "countries"),
                out_grouped((uint64_t)info.n_products, p, sizeof p),
                plural((uint64_t)info.n_products, "product", "products"), store_path, seconds,
                info.synthetic ? " (synthetic data, not real trade)" : "");
    } else {
        fprintf(stderr, "imported %s rows into %s in %.2f s\n", out_grouped(rows, r, sizeof r),
                store_path, seconds);
    }
    lever_close(s);
}

static int run_import(const import_options *o)
{
    progress_bar bar = {.enabled = !o->quiet && isatty(STDERR_FILENO), .start = now_seconds()};
    lever_import *imp = NULL;
    if (lever_import_new(&imp) != LEVER_OK) {
        cli_error("out of memory");
        return EXIT_ERROR;
    }
    lever_import_set_progress(imp, on_progress, &bar);
    lever_import_set_warning(imp, on_warning, &bar);
    lever_import_set_threads(imp, (int)o->threads);
    int rc = lever_import_set_meta(imp, o->hs_version, o->release);
    if (rc != LEVER_OK) {
        cli_error("%s", lever_import_errmsg(imp));
        lever_import_free(imp);
        return EXIT_USAGE;
    }
    for (int n = 0; n < o->n_files && rc == LEVER_OK; n++)
        rc = lever_import_add_file(imp, o->files[n]);
    if (rc == LEVER_OK)
        rc = lever_import_commit(imp, o->output);
    clear_bar(&bar);
    if (rc != LEVER_OK) {
        cli_error("%s", lever_import_errmsg(imp));
        lever_import_free(imp);
        return EXIT_ERROR;
    }
    uint64_t rows = lever_import_rows(imp);
    lever_import_free(imp);
    if (!o->quiet)
        print_summary(o->output, rows, now_seconds() - bar.start);
    return EXIT_OK;
}

int cmd_import(int argc, char **argv)
{
    import_options o = {0};
    int rc = parse_options(argc, argv, &o);
    if (rc == EXIT_OK)
        rc = run_import(&o);
    free(o.files);
    return rc < 0 ? EXIT_OK : rc;
}
