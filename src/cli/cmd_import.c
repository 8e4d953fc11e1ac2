/*
 * cmd_import.c - `lever import FILE... -o STORE`: reads BACI zips and CSVs, BACI
 * dictionaries, UN Comtrade CSVs or standard input into one store.
 *
 * Thin by design: the library recognises and parses the inputs and writes the
 * store (atomically: on any error the old store stays as it was). This file
 * parses the options, draws a progress bar when stderr is a terminal, prints
 * the library's warnings as "lever: warning: ..." and one summary line. The output
 * path is checked before any input is read (a FIFO, device or directory is refused),
 * and SIGINT/SIGTERM/SIGHUP remove the temporary file before the process dies.
 */
#include "cli.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct import_options {
    const char **files;
    int n_files;
    const char *output;
    const char *hs_version;
    const char *release;
    const char *to_hs;
    const char *hs_tables;
    long threads;
    bool quiet;
} import_options;

typedef struct progress_bar {
    bool shown;      /* a bar is on the terminal line now */
    bool enabled;
    double start;
} progress_bar;

static const cli_spec spec = {
    .name = "import",
    .usage = {"FILE... -o STORE [--hs HSxx] [--release Vyyyymm] [--to-hs HSxx] [--hs-tables DIR]\n"
              "      [--threads N] [--quiet]"},
    .about =
        "Reads trade flows into STORE (replaced atomically; on error it is left as it was).\n"
        "FILE may be a BACI release zip, a BACI CSV (t,i,j,k,v,q), a BACI country or\n"
        "product dictionary (country_codes_*.csv, product_codes_*.csv), a UN Comtrade\n"
        "legacy CSV, or - for standard input. The kind is recognised from the content.\n"
        "The HS edition of each file is told from its codes: a file whose codes belong to\n"
        "another edition than its name (or --hs) says is refused, unless --to-hs converts\n"
        "it with UNSD's correlation tables (each converted year is marked in every output).\n",
    .examples = {"lever import BACI_HS92_V202301.zip -o hs92.store",
                 "lever import baci_hs92_v202301_2021_imports_DZA.csv country_codes_V202301.csv "
                 "\\\n      product_codes_HS92_V202301.csv -o dza.store",
                 "lever synth | lever import - -o demo.store"},
    .min_args = 1,
    .max_args = -1,
    .args_name = "the files to import (BACI CSV or zip files, or - for standard input)",
};

static void clear_bar(progress_bar *bar)
{
    cli_bar_clear(&bar->shown);
}

static void on_progress(void *ud, uint64_t done, uint64_t total, uint64_t rows)
{
    progress_bar *bar = ud;
    if (!bar->enabled)
        return;
    double elapsed = cli_now() - bar->start;
    double mb_per_s = elapsed > 0 ? (double)done / 1e6 / elapsed : 0;
    double fraction = total ? (double)done / (double)total : 0;
    if (fraction > 1)
        fraction = 1;
    char bar_text[21];
    cli_bar(bar_text, fraction);
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

static const char *plural(uint64_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

static void print_summary(const char *store_path, uint64_t rows, double seconds)
{
    char r[32], c[32], p[32];
    lever_store *s = NULL;
    if (lever_open(store_path, &s, NULL) == LEVER_OK) {
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

/* Removes the import's temporary file, then dies of the signal as it would have. */
static void on_fatal_signal(int sig)
{
    lever_remove_temp_files();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void catch_fatal_signals(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t n = 0; n < sizeof sigs / sizeof sigs[0]; n++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_fatal_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(sigs[n], &sa, NULL);
    }
}

static int run_import(const import_options *o)
{
    char *target = NULL, msg[1024];
    if (lever_output_check(o->output, &target, msg, sizeof msg) != LEVER_OK) {
        cli_error("%s", msg);
        return EXIT_ERROR;
    }
    free(target);
    catch_fatal_signals();
    progress_bar bar = {.enabled = !o->quiet && isatty(STDERR_FILENO), .start = cli_now()};
    lever_import *imp = NULL;
    lever_error err;
    if (lever_import_new(&imp, &err) != LEVER_OK)
        return cli_fail(&err);
    lever_import_set_progress(imp, on_progress, &bar);
    lever_import_set_warning(imp, on_warning, &bar);
    lever_import_set_threads(imp, (int)o->threads);
    int rc = lever_import_set_meta(imp, o->hs_version, o->release, &err);
    if (rc == LEVER_OK) {
        const char *dir = o->hs_tables ? o->hs_tables : getenv("LEVER_HS_DIR");
        rc = lever_import_set_hs(imp, o->to_hs, dir && dir[0] ? dir : NULL, &err);
    }
    if (rc != LEVER_OK) {
        rc = cli_usage(&spec, "%s", err.message);
        lever_import_free(imp);
        return rc;
    }
    for (int n = 0; n < o->n_files && rc == LEVER_OK; n++)
        rc = lever_import_add_file(imp, o->files[n], &err);
    if (rc == LEVER_OK)
        rc = lever_import_commit(imp, o->output, &err);
    clear_bar(&bar);
    if (rc != LEVER_OK) {
        cli_error("%s", err.message);
        lever_import_free(imp);
        return EXIT_ERROR;
    }
    uint64_t rows = lever_import_rows(imp);
    lever_import_free(imp);
    if (!o->quiet)
        print_summary(o->output, rows, cli_now() - bar.start);
    return EXIT_OK;
}

int cmd_import(int argc, char **argv)
{
    import_options o = {0};
    const cli_option options[] = {
        CLI_STRING('o', "output", "STORE", "the store to write (required)", &o.output),
        CLI_STRING(0, "hs", "HSxx", "the HS version (HS92 ... HS22), if file names do not say it",
                   &o.hs_version),
        CLI_STRING(0, "release", "Vyyyymm", "the BACI release (V202301), if file names do not "
                   "say it", &o.release),
        CLI_STRING(0, "to-hs", "HSxx", "convert every file to this HS edition (UNSD correlation "
                   "tables)", &o.to_hs),
        CLI_STRING(0, "hs-tables", "DIR", "the folder of the HS correlation tables (default: "
                   "$LEVER_HS_DIR, else those installed with lever)", &o.hs_tables),
        CLI_INT(0, "threads", "N", "parsing threads (default: one per CPU)", &o.threads, 0, 256),
        CLI_FLAG('q', "quiet", "no progress bar and no summary line", &o.quiet),
        CLI_OPT_END,
    };
    char **files;
    int n = cli_parse(&spec, options, NULL, argc, argv, &files);
    if (n < 0)
        return cli_parse_exit(n);
    if (!o.output || !o.output[0])
        return cli_usage(&spec, "no store named: add -o STORE, e.g. -o baci.store");
    o.files = (const char **)files;
    o.n_files = n;
    return run_import(&o);
}
