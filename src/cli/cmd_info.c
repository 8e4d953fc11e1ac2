/*
 * cmd_info.c - lever info: what a store holds (format, HS version, release,
 * whether it is synthetic, sources, years with their row counts, countries,
 * products, size) and, with --check, whether every section checksum still
 * matches. Thin: lever_get_info / lever_check do the work.
 */
#include "cli.h"

#include <getopt.h>

static const char usage_line[] =
    "usage: lever info [STORE] [--check] [--format table|csv|json] [--store STORE]\n";

static void usage(FILE *f)
{
    fprintf(f,
            "%s"
            "\n"
            "Describes a store: format version, HS version and release of the data, whether\n"
            "it is synthetic, the imported files, the years with their rows, and the numbers\n"
            "of rows, countries and products.\n"
            "\n"
            "options:\n"
            "  --check          also verify the checksum of every section (reads the whole file)\n"
            "  --format FORMAT  table (default on a terminal), csv (default otherwise) or json\n"
            "  --store STORE    the store to read (default: $LEVER_STORE, else ./%s)\n"
            "  -h, --help       show this help\n"
            "\n"
            "examples:\n"
            "  lever info baci.store\n"
            "  lever info --check\n"
            "  lever info --format json | jq .store\n",
            usage_line, CLI_DEFAULT_STORE);
}

static void add_store_record(out_doc *d, const lever_info *info, bool checked)
{
    static const out_col cols[] = {
        {"format_version", "format version", COL_INT},
        {"hs_version", "HS version", COL_STR},
        {"release", "release", COL_STR},
        {"synthetic", "synthetic (1 = not real trade)", COL_INT},
        {"year_min", "first year", COL_INT},
        {"year_max", "last year", COL_INT},
        {"years", "years", COL_INT},
        {"rows", "rows", COL_INT},
        {"countries", "countries", COL_INT},
        {"products", "products", COL_INT},
        {"file_bytes", "file bytes", COL_INT},
        {"checksums", "checksums", COL_STR},
        {"sources", "sources", COL_STR},
    };
    out_table *t = out_doc_table(d, "store", "Store", (int)(sizeof cols / sizeof cols[0]), cols);
    out_table_record(t);
    out_int(t, info->format_version);
    out_str(t, info->hs_version);
    out_str(t, info->release);
    out_int(t, info->synthetic);
    out_int(t, info->year_min);
    out_int(t, info->year_max);
    out_int(t, info->n_years);
    out_int(t, (int64_t)info->rows);
    out_int(t, info->n_countries);
    out_int(t, info->n_products);
    out_int(t, (int64_t)info->file_bytes);
    out_str(t, checked ? "verified" : "not checked");
    out_str(t, info->sources);
}

static void add_years(out_doc *d, const lever_store *s, const lever_info *info)
{
    static const out_col cols[] = {{"year", NULL, COL_INT}, {"rows", NULL, COL_INT}};
    out_table *t = out_doc_table(d, "years", "Rows per year", 2, cols);
    for (int y = 0; y < info->n_years; y++) {
        out_int(t, lever_year_at(s, y));
        out_int(t, (int64_t)lever_year_rows(s, y));
    }
}

int cmd_info(int argc, char **argv)
{
    static const struct option options[] = {
        {"check", no_argument, NULL, 'c'},  {"format", required_argument, NULL, 'f'},
        {"store", required_argument, NULL, 's'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *store_path = NULL;
    bool check = false;
    out_format fmt = out_default_format();
    int opt;
    opterr = 0;
    optind = 1;
    while ((opt = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        switch (opt) {
        case 'c': check = true; break;
        case 's': store_path = optarg; break;
        case 'f':
            if (!cli_format_option("info", optarg, &fmt))
                return cli_usage_error("info", usage_line);
            break;
        case 'h': usage(stdout); return EXIT_OK;
        default: return cli_option_error("info", usage_line, opt, argv);
        }
    }
    if (optind < argc && !store_path) /* `lever info STORE` names the store directly */
        store_path = argv[optind++];
    if (optind < argc) {
        cli_error("info: unexpected argument '%s'", argv[optind]);
        return cli_usage_error("info", usage_line);
    }
    lever_store *s = cli_open_store(store_path);
    if (!s)
        return EXIT_ERROR;
    if (check) {
        int rc = lever_check(s);
        if (rc != LEVER_OK) {
            cli_error("the store failed its check: %s", lever_errmsg(s));
            lever_close(s);
            return EXIT_ERROR;
        }
    }
    lever_info info;
    lever_get_info(s, &info);
    out_doc *d = cli_doc_new(s, "lever store");
    add_store_record(d, &info, check);
    add_years(d, s, &info);
    int rc = out_doc_print(d, fmt);
    lever_close(s);
    return rc;
}
