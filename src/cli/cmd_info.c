/*
 * cmd_info.c - lever info: what a store holds (format, HS version, release,
 * whether it is synthetic, sources, years with their row counts, countries,
 * products, size) and, with --check, whether every section checksum still
 * matches. Thin: lever_get_info / lever_check do the work.
 */
#include "cli.h"


static const cli_spec spec = {
    .name = "info",
    .usage = {"[STORE] [--check] [--format table|csv|json] [--store STORE]"},
    .about =
        "Describes a store: format version, HS version and release of the data, whether\n"
        "it is synthetic, the imported files, the years with their rows and whose trade\n"
        "the store holds completely that year (every country for a whole BACI release; the\n"
        "countries of an extract; a Comtrade download's reporters), and the numbers of rows,\n"
        "countries and products.\n",
    .arguments = "STORE: the store to describe (the same as --store STORE).\n",
    .examples = {"lever info demo.store", "lever info --check",
                 "lever info --format json | jq .store"},
    .min_args = 0,
    .max_args = 1,
    .args_name = "at most one STORE",
    .query = CLI_Q_LOOKUP,
};

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
        {"rows", "rows", COL_COUNT},
        {"countries", "countries", COL_COUNT},
        {"products", "products", COL_COUNT},
        {"file_bytes", "file bytes", COL_COUNT},
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
    static const out_col cols[] = {{"year", NULL, COL_INT},
                                   {"rows", NULL, COL_COUNT},
                                   {"holds", "holds completely", COL_STR}};
    out_table *t = out_doc_table(d, "years", "Rows per year, and whose trade the store holds "
                                 "completely", 3, cols);
    for (int y = 0; y < info->n_years; y++) {
        char holds[1024];
        lever_coverage_list(s, y, holds, sizeof holds);
        out_int(t, lever_year_at(s, y));
        out_int(t, (int64_t)lever_year_rows(s, y));
        out_str(t, holds);
    }
}

int cmd_info(int argc, char **argv)
{
    cli_query cq = {0};
    bool check = false;
    const cli_option options[] = {
        CLI_FLAG(0, "check", "also verify the checksum of every section (reads the whole file)",
                 &check),
        CLI_OPT_END,
    };
    char **args;
    int n = cli_parse(&spec, options, &cq, argc, argv, &args);
    if (n < 0)
        return cli_parse_exit(n);
    if (n == 1 && cq.store_path)
        return cli_usage(&spec, "name the store once: 'lever info STORE' or --store STORE");
    lever_store *s = cli_open_store(n == 1 ? args[0] : cq.store_path);
    if (!s)
        return EXIT_ERROR;
    if (check) {
        lever_error err;
        if (lever_check(s, &err) != LEVER_OK) {
            cli_error("the store failed its check: %s", err.message);
            lever_close(s);
            return EXIT_ERROR;
        }
    }
    lever_info info;
    lever_get_info(s, &info);
    out_doc *d = cli_doc_new(s, "lever store");
    add_store_record(d, &info, check);
    add_years(d, s, &info);
    int rc = out_doc_print(d, cq.fmt);
    lever_close(s);
    return rc;
}
