/*
 * options.c - cli_parse(): reads a command line by the command's declaration
 * (options.h). The getopt_long table, the --help text, the value checks, the
 * exclusions between options, the count of arguments and the wording of every usage
 * error are all derived here from the one declaration, so that no command parses an
 * option or words a usage error by hand, and all of them read and fail alike.
 */
#include "options.h"

#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* The shared options (options.h), in the order --help lists them: each bound to a field
 * of cli_query. A command that does not take one says so by name. */
/* --store STORE, which a command taking several stores (CLI_Q_STORES) accepts again. */
static const char *add_store(const char *arg, void *value)
{
    cli_stores *st = value;
    if (st->n == CLI_MAX_STORES)
        return "at most 4 stores";
    st->path[st->n++] = arg;
    return NULL;
}

static const struct shared_option {
    unsigned bit;
    cli_option option; /* .value: unset, the field's offset below */
    size_t offset;
} shared[] = {
    {CLI_Q_STORE,
     CLI_CALLBACK(0, "store", "STORE", "the store (default $LEVER_STORE, else ./" CLI_DEFAULT_STORE
                  ")", NULL, add_store),
     offsetof(cli_query, stores)},
    {CLI_Q_FORMAT,
     {CLI_T_FORMAT, 0, "format", "FMT",
      "table, csv, json or xlsx (default: table on a terminal, else\n"
      "csv; xlsx with -o FILE.xlsx)", NULL, 0, 0, NULL, NULL},
     offsetof(cli_query, fmt.kind)},
    {CLI_Q_FORMAT,
     CLI_FLAG(0, "wide", "tables: every column, text never cut (default: the main\n"
              "columns, fitted to the terminal)", NULL),
     offsetof(cli_query, fmt.wide)},
    {CLI_Q_FORMAT,
     CLI_STRING(0, "table", "NAME",
                "only table NAME (CSV: default the main table); 'list' lists\n"
                "the tables",
                NULL),
     offsetof(cli_query, fmt.table)},
    {CLI_Q_FORMAT,
     CLI_STRING('o', "output", "FILE", "write FILE instead of standard output (xlsx: required)",
                NULL),
     offsetof(cli_query, fmt.output)},
    {CLI_Q_YEARS,
     CLI_YEARS(0, "years", "Y0-Y1", "years: 2019-2021, 2021, 2019- or -2020 (default: all)",
               NULL),
     offsetof(cli_query, years)},
    {CLI_Q_YEAR,
     {CLI_T_YEAR, 0, "year", "T", "one year (default: the last of the store)", NULL, 0, 0, NULL,
      "years"},
     offsetof(cli_query, year)},
    {CLI_Q_PRODUCT,
     CLI_STRING(0, "product", "P",
                "HS prefix (1001, or 1001,1101), description words, or a group\n"
                "name (wheat; see 'lever groups')",
                NULL),
     offsetof(cli_query, product)},
    {CLI_Q_ALTERNATIVES,
     CLI_STRING(0, "alternatives", "ALT", "world (default), current, or countries (UZB,TKM)",
                NULL),
     offsetof(cli_query, alternatives)},
    {CLI_Q_GROUPS,
     CLI_STRING(0, "groups", "FILE", "product groups (default: the built-in set)", NULL),
     offsetof(cli_query, groups_file)},
    {CLI_Q_WEIGHTS,
     CLI_STRING(0, "weights", "G=W,...", "weight of product groups in leverage (default 1)",
                NULL),
     offsetof(cli_query, weights)},
    {CLI_Q_SIGMA,
     CLI_STRING(0, "sigma", "FILE", "trade elasticities per HS prefix (CSV hs,sigma): d = 1/sigma",
                NULL),
     offsetof(cli_query, sigma_file)},
    {CLI_Q_TOP, CLI_INT(0, "top", "N", NULL, NULL, 0, 1000000), offsetof(cli_query, top)},
    {CLI_Q_MEASURE,
     CLI_CALLBACK(0, "measure", "M",
                  "value (USD, the default) or quantity: shares, HHI and rankings of\n"
                  "tonnes, group factors applied (--product wheat: flour as grain);\n"
                  "flows without a quantity are left out and counted",
                  NULL, cli_measure_parse),
     offsetof(cli_query, quantity)},
    {CLI_Q_SOURCE,
     CLI_STRING(0, "source", "SRC",
                "a Comtrade store's figures from A's own declarations (reported),\n"
                "B's (mirror), or A's in the years A declared anything, else B's\n"
                "(best, the default); a BACI store's figures are BACI",
                NULL),
     offsetof(cli_query, source)},
    {CLI_Q_SOURCE,
     CLI_STRING(0, "cif-rate", "C",
                "import declarations (CIF) standing for a flow are divided by 1 + C\n"
                "(default 0: kept, and shown as CIF)",
                NULL),
     offsetof(cli_query, cif_rate)},
};
#define N_SHARED (sizeof shared / sizeof shared[0])

/* getopt_long's value for options[n]: past every char, so it never clashes with one. */
#define LONG_VALUE(n) (0x1000 + (n))
#define HELP_COLUMN 25

static void print_usage_lines(FILE *f, const cli_spec *spec)
{
    for (int n = 0; n < 4 && spec->usage[n]; n++)
        fprintf(f, "%s lever %s %s\n", n == 0 ? "usage:" : "   or:", spec->name,
                spec->usage[n]);
}

static int usage_fail(const cli_spec *spec)
{
    print_usage_lines(stderr, spec);
    fprintf(stderr, "Run 'lever %s --help' for details.\n", spec->name);
    return CLI_USAGE_SHOWN;
}

int cli_usage(const cli_spec *spec, const char *fmt, ...)
{
    char message[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    cli_error("%s: %s", spec->name, message);
    usage_fail(spec);
    return EXIT_USAGE;
}

int cli_parse_exit(int parsed)
{
    if (parsed == CLI_HELP_SHOWN)
        return EXIT_OK;
    return parsed == CLI_USAGE_SHOWN ? EXIT_USAGE : EXIT_ERROR;
}

/* "  -o, --output STORE" or "  --over B", padded to the help column. */
static void print_option(FILE *f, const cli_option *o, long default_value)
{
    char head[128];
    int len;
    if (o->short_name)
        len = snprintf(head, sizeof head, "  -%c, --%s", o->short_name, o->long_name);
    else
        len = snprintf(head, sizeof head, "  --%s", o->long_name);
    if (o->value_name)
        snprintf(head + len, sizeof head - (size_t)len, " %s", o->value_name);
    fputs(head, f);
    int col = (int)strlen(head);
    if (col >= HELP_COLUMN - 1) {
        fputc('\n', f);
        col = 0;
    }
    const char *line = o->help;
    while (*line) {
        const char *end = strchr(line, '\n');
        size_t n = end ? (size_t)(end - line) : strlen(line);
        fprintf(f, "%*s%.*s", HELP_COLUMN - col, "", (int)n, line);
        line += n;
        if (*line == '\n')
            line++;
        if (*line) {
            fputc('\n', f);
            col = 0;
        }
    }
    if (o->type == CLI_T_INT && default_value > 0)
        fprintf(f, " (default %ld)", default_value);
    fputc('\n', f);
}

/* defaults[n]: the value of INT option n before parsing. */
static void print_help(const cli_spec *spec, const cli_option *options, const long *defaults)
{
    FILE *f = stdout;
    print_usage_lines(f, spec);
    fprintf(f, "\n%s", spec->about);
    if (spec->arguments)
        fprintf(f, "\n%s", spec->arguments);
    fputs("\noptions:\n", f);
    for (int n = 0; options[n].type != CLI_T_END; n++)
        print_option(f, &options[n], defaults[n]);
    fprintf(f, "  -h, --help%*sshow this help\n", HELP_COLUMN - 12, "");
    if (spec->notes)
        fprintf(f, "\n%s", spec->notes);
    if (spec->examples[0]) {
        fputs("\nexamples:\n", f);
        for (int n = 0; n < 5 && spec->examples[n]; n++)
            fprintf(f, "  %s\n", spec->examples[n]);
    }
}

/* Parses a year of 1 to 4 digits at *p, advancing *p; false when there is none. */
static bool parse_year_digits(const char **p, int *year)
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

/* "2019-2021", "2021", "2019-" or "-2020"; the message says what is wrong. */
static bool parse_years(const char *text, int *range, const char **why)
{
    const char *p = text;
    int y0 = 0, y1 = 0;
    bool ok;
    if (*p == '-') {
        p++;
        ok = parse_year_digits(&p, &y1) && *p == '\0';
    } else {
        ok = parse_year_digits(&p, &y0);
        if (ok && *p == '\0') {
            y1 = y0;
        } else if (ok && *p == '-') {
            p++;
            if (*p)
                ok = parse_year_digits(&p, &y1) && *p == '\0';
        } else {
            ok = false;
        }
    }
    *why = "write YEAR, FROM-TO, FROM- or -TO (e.g. 2019-2021)";
    if (ok && y0 && y1 && y0 > y1) {
        *why = "the range runs backwards; write FROM-TO";
        ok = false;
    }
    if (ok) {
        range[0] = y0;
        range[1] = y1;
    }
    return ok;
}

static bool parse_long(const char *text, long min, long max, long *out)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || end == text || *end != '\0' || v < min || v > max)
        return false;
    *out = v;
    return true;
}

/* Stores one option's value; false after printing what is wrong with it. */
static bool store_value(const cli_spec *spec, const cli_option *o, const char *arg)
{
    const char *why = NULL;
    char range[96];
    long v;
    switch (o->type) {
    case CLI_T_FLAG: *(bool *)o->value = true; return true;
    case CLI_T_STRING: *(const char **)o->value = arg; return true;
    case CLI_T_INT:
        if (parse_long(arg, o->min, o->max, (long *)o->value))
            return true;
        if (o->max == LONG_MAX)
            snprintf(range, sizeof range, "a whole number of at least %ld", o->min);
        else
            snprintf(range, sizeof range, "a whole number from %ld to %ld", o->min, o->max);
        why = range;
        break;
    case CLI_T_YEAR:
        if (parse_long(arg, 1900, 2200, &v)) {
            *(int *)o->value = (int)v;
            return true;
        }
        why = "a year from 1900 to 2200";
        break;
    case CLI_T_YEARS:
        if (parse_years(arg, o->value, &why))
            return true;
        break;
    case CLI_T_FORMAT:
        if (out_parse_format(arg, o->value))
            return true;
        why = "use table, csv, json or xlsx";
        break;
    case CLI_T_CALLBACK:
        why = o->parse(arg, o->value);
        if (!why)
            return true;
        break;
    case CLI_T_END: break;
    }
    cli_error("%s: bad --%s '%s': %s", spec->name, o->long_name, arg, why ? why : "");
    return false;
}

static bool is_shared(const char *name, size_t len)
{
    for (size_t n = 0; n < N_SHARED; n++) {
        const char *known = shared[n].option.long_name;
        if (strlen(known) == len && strncmp(known, name, len) == 0)
            return true;
    }
    return false;
}

/* The command's own options, then the shared ones it takes bound to cq; malloc'd,
 * ending in CLI_OPT_END. */
static cli_option *all_options(const cli_spec *spec, const cli_option *own, cli_query *cq)
{
    size_t n_own = 0;
    while (own && own[n_own].type != CLI_T_END)
        n_own++;
    cli_option *all = calloc(n_own + N_SHARED + 1, sizeof *all);
    if (!all)
        return NULL;
    if (n_own)
        memcpy(all, own, n_own * sizeof *all);
    size_t n = n_own;
    for (size_t m = 0; m < N_SHARED && cq; m++) {
        if (!(spec->query & shared[m].bit))
            continue;
        all[n] = shared[m].option;
        all[n].value = (char *)cq + shared[m].offset;
        if (shared[m].bit == CLI_Q_TOP)
            all[n].help = spec->top_help ? spec->top_help : "rows to show";
        if (shared[m].bit == CLI_Q_MEASURE && spec->value_only)
            all[n].help = "value only: quantity is refused, and the message says why";
        n++;
    }
    return all;
}

/* The "--name" or "--name=value" word getopt_long just read. */
static const char *option_word(char **argv)
{
    return optarg && optind >= 2 && optarg == argv[optind - 1] ? argv[optind - 2]
                                                               : argv[optind - 1];
}

/* getopt_long takes abbreviations ("--year" for "--years" where only --years exists):
 * lever does not, so a misremembered option never silently means another. */
static bool abbreviated(const cli_option *o, char **argv)
{
    const char *word = option_word(argv);
    if (strncmp(word, "--", 2) != 0)
        return false;
    size_t len = strcspn(word + 2, "=");
    return len != strlen(o->long_name);
}

/* After getopt_long returned ':' or '?': says which option and why. */
static int option_error(const cli_spec *spec, int opt, char **argv)
{
    const char *arg = option_word(argv);
    if (opt == ':') {
        cli_error("%s: option '%s' needs a value", spec->name, arg);
    } else if (strncmp(arg, "--", 2) == 0 &&
               is_shared(arg + 2, strcspn(arg + 2, "="))) {
        cli_error("%s: option '--%.*s' does not apply to %s", spec->name,
                  (int)strcspn(arg + 2, "="), arg + 2, spec->name);
    } else if (strncmp(arg, "--", 2) == 0 && strchr(arg, '=') && optopt) {
        cli_error("%s: option '%.*s' takes no value", spec->name, (int)strcspn(arg, "="), arg);
    } else if (strncmp(arg, "--", 2) == 0 || optopt == 0) {
        cli_error("%s: unknown option '%.*s'", spec->name, (int)strcspn(arg, "="), arg);
    } else {
        cli_error("%s: unknown option '-%c'", spec->name, optopt);
    }
    return usage_fail(spec);
}

/* Two given options that exclude each other (.conflicts); CLI_USAGE_SHOWN or 0. */
static int check_conflicts(const cli_spec *spec, const cli_option *options, const bool *given,
                           int n_options)
{
    for (int n = 0; n < n_options; n++) {
        if (!given[n] || !options[n].conflicts)
            continue;
        for (int m = 0; m < n_options; m++)
            if (given[m] && strcmp(options[m].long_name, options[n].conflicts) == 0) {
                cli_error("%s: give either --%s or --%s, not both", spec->name,
                          options[n].long_name, options[m].long_name);
                return usage_fail(spec);
            }
    }
    return 0;
}

/* cli_parse on the whole list of options. */
static int parse_all(const cli_spec *spec, const cli_option *options, int argc, char **argv,
                     char ***args)
{
    int n_options = 0;
    while (options[n_options].type != CLI_T_END)
        n_options++;
    struct option *table = calloc((size_t)n_options + 2, sizeof *table);
    bool *given = calloc((size_t)n_options + 1, sizeof *given);
    long *defaults = calloc((size_t)n_options + 1, sizeof *defaults);
    char shorts[2 * 64 + 4] = ":h";
    if (!table || !given || !defaults) {
        free(table);
        free(given);
        free(defaults);
        cli_error("out of memory");
        return CLI_FAILED;
    }
    size_t used = strlen(shorts);
    for (int n = 0; n < n_options; n++) {
        const cli_option *o = &options[n];
        if (o->type == CLI_T_FORMAT)
            *(out_kind *)o->value = OUT_AUTO;
        if (o->type == CLI_T_INT)
            defaults[n] = *(long *)o->value;
        table[n] = (struct option){o->long_name,
                                   o->type == CLI_T_FLAG ? no_argument : required_argument,
                                   NULL, LONG_VALUE(n)};
        if (o->short_name && used + 3 < sizeof shorts) {
            shorts[used++] = (char)o->short_name;
            if (o->type != CLI_T_FLAG)
                shorts[used++] = ':';
            shorts[used] = '\0';
        }
    }
    table[n_options] = (struct option){"help", no_argument, NULL, 'h'};
    int rc = 0, opt;
    opterr = 0;
    optind = 1;
    while (rc == 0 && (opt = getopt_long(argc, argv, shorts, table, NULL)) != -1) {
        int n = -1;
        if (opt >= LONG_VALUE(0) && opt < LONG_VALUE(n_options))
            n = opt - LONG_VALUE(0);
        for (int m = 0; n < 0 && m < n_options; m++)
            if (options[m].short_name && options[m].short_name == opt)
                n = m;
        if (opt == 'h') {
            print_help(spec, options, defaults);
            rc = CLI_HELP_SHOWN;
        } else if (n < 0) {
            rc = option_error(spec, opt, argv);
        } else if (opt >= LONG_VALUE(0) && abbreviated(&options[n], argv)) {
            optopt = 0; /* as getopt_long leaves it for an unknown long option */
            rc = option_error(spec, '?', argv);
        } else if (!store_value(spec, &options[n], optarg)) {
            rc = usage_fail(spec);
        } else {
            given[n] = true;
        }
    }
    if (rc == 0)
        rc = check_conflicts(spec, options, given, n_options);
    free(table);
    free(given);
    free(defaults);
    if (rc != 0)
        return rc;
    int n_args = argc - optind;
    if (n_args < spec->min_args || (spec->max_args >= 0 && n_args > spec->max_args)) {
        if (spec->max_args == 0)
            cli_error("%s: unexpected argument '%s'%s%s%s", spec->name, argv[optind],
                      spec->args_name ? " (" : "", spec->args_name ? spec->args_name : "",
                      spec->args_name ? ")" : "");
        else
            cli_error("%s: expected %s, got %d argument%s", spec->name, spec->args_name, n_args,
                      n_args == 1 ? "" : "s");
        return usage_fail(spec);
    }
    *args = argv + optind;
    return n_args;
}

int cli_parse(const cli_spec *spec, const cli_option *options, cli_query *cq, int argc,
              char **argv, char ***args)
{
    cli_option *all = all_options(spec, options, cq);
    if (!all) {
        cli_error("out of memory");
        return CLI_FAILED;
    }
    int n = parse_all(spec, all, argc, argv, args);
    free(all);
    if (n >= 0 && cq) {
        cq->store_path = cq->stores.n ? cq->stores.path[0] : NULL;
        if (cq->stores.n > 1 && !(spec->query & CLI_Q_STORES)) {
            cli_error("%s: give one --store (only 'lever dyad' answers over several stores)",
                      spec->name);
            return usage_fail(spec);
        }
    }
    return n;
}

int cli_query_parse(const cli_spec *spec, const cli_option *options, cli_query *cq, int argc,
                    char **argv, char ***args)
{
    int n = cli_parse(spec, options, cq, argc, argv, args);
    if (n < 0)
        return n;
    int rc = cli_query_open(cq, spec);
    if (rc == EXIT_USAGE)
        return CLI_USAGE_SHOWN;
    return rc == EXIT_OK ? n : CLI_FAILED;
}
