/*
 * options.h - the one place where lever's commands declare their command line, in the
 * manner of git's parse-options. A command writes down once what it takes: a cli_spec
 * (name, usage lines, what it does, its arguments, examples) and an array of cli_option
 * entries, each naming an option, its value, its help and where the value goes. From
 * that declaration cli_parse() builds the getopt_long table, prints --help, parses and
 * checks every value (numbers, years, formats), checks the options that exclude each
 * other (--year and --years), counts the arguments, and words every usage error the
 * same way: "lever: COMMAND: what is wrong", the usage lines, "Run 'lever COMMAND
 * --help' for details.", exit status 2. No command parses an option by hand.
 *
 * How to add a command:
 *   1. src/cli/cmd_NAME.c with a cli_spec (which names the shared options it takes) and,
 *      when it has options of its own, an array of cli_option ending in CLI_OPT_END,
 *      built inside cmd_NAME() so the entries can point at its variables:
 *
 *          static const cli_spec spec = {
 *              .name = "NAME", .usage = {"A [--over B] [options]"},
 *              .about = "What it does, in a paragraph.\n",
 *              .arguments = "A, B: ISO3 code, numeric code or name (see 'lever country').\n",
 *              .examples = {"lever NAME KAZ --over AFG"},
 *              .min_args = 1, .max_args = 1, .args_name = "one country A",
 *              .query = CLI_Q_LEVERAGE | CLI_Q_YEAR, .top_help = "partners to show",
 *          };
 *          int cmd_NAME(int argc, char **argv) {
 *              cli_query cq = {.top = 20};          (defaults before parsing)
 *              const char *over = NULL;
 *              const cli_option options[] = {
 *                  CLI_STRING(0, "over", "B", "the other country", &over),
 *                  CLI_OPT_END,
 *              };
 *              char **args;
 *              int n = cli_query_parse(&spec, options, &cq, argc, argv, &args);
 *              int rc = n < 0 ? cli_parse_exit(n) : run(&cq, args[0], over);
 *              cli_query_close(&cq);
 *              return rc;
 *          }
 *
 *      A command without a store (synth, import) calls cli_parse(&spec, options, NULL,
 *      ...) and returns cli_parse_exit(n) when n < 0.
 *   2. one line in the command table of main.c and in meson.build's cli_sources.
 *   3. docs/commands/NAME.md with ```console examples (checked by tests/golden; see
 *      tests/README.md).
 *
 * How to add an option:
 *   - to one command: one entry in its array (CLI_FLAG, CLI_STRING, CLI_INT, CLI_YEAR,
 *     CLI_YEARS, CLI_CALLBACK below). The help line, the parsing, the value check and its
 *     error come with the entry.
 *   - shared by several commands (like --source, --measure, --events): a CLI_Q_ bit
 *     below, a field in cli_query (cli.h), one line in shared[] of options.c (name,
 *     value, help, field), its resolution in query.c (cli_query_open), and the bit in the
 *     .query of the commands that take it. A command that does not take it answers
 *     "option '--x' does not apply to COMMAND".
 *   - two options that exclude each other: name the other in .conflicts (see
 *     --year in options.c); the parser checks it: "give either --a or --b, not both".
 */
#ifndef LEVER_CLI_OPTIONS_H
#define LEVER_CLI_OPTIONS_H

#include <stdbool.h>

typedef enum {
    CLI_T_END = 0,
    CLI_T_FLAG,     /* bool *: set to true */
    CLI_T_STRING,   /* const char **: the text as given */
    CLI_T_INT,      /* long *: a whole number in [min, max] */
    CLI_T_YEAR,     /* int *: one year, 1900 to 2200 */
    CLI_T_YEARS,    /* int[2]: "2019-2021", "2021", "2019-" or "-2020" (0 = open end) */
    CLI_T_FORMAT,   /* out_kind *: table, csv, json or xlsx (OUT_AUTO until given) */
    CLI_T_CALLBACK, /* parse(arg, value): NULL, or what the value should be */
} cli_option_type;

typedef struct cli_option {
    cli_option_type type;
    int short_name;         /* 'o' for -o, or 0 */
    const char *long_name;  /* "over" for --over */
    const char *value_name; /* "B" in "--over B"; NULL for a flag */
    const char *help;       /* one or more lines ('\n' between them) */
    void *value;            /* where the value goes (see the types) */
    long min, max;          /* CLI_T_INT: the accepted range */
    /* CLI_T_CALLBACK: stores the value and returns NULL, or returns what it should be
     * ("a whole number from 0 to 2^64-1"); the parser words the error */
    const char *(*parse)(const char *arg, void *value);
    const char *conflicts;  /* long name of an option that may not come with this one */
} cli_option;

/* Generic entries. An INT option's help ends with "(default N)" when its value is above 0
 * before parsing. */
#define CLI_FLAG(s, l, h, v) {CLI_T_FLAG, s, l, NULL, h, v, 0, 0, NULL, NULL}
#define CLI_STRING(s, l, n, h, v) {CLI_T_STRING, s, l, n, h, v, 0, 0, NULL, NULL}
#define CLI_INT(s, l, n, h, v, lo, hi) {CLI_T_INT, s, l, n, h, v, lo, hi, NULL, NULL}
#define CLI_YEAR(s, l, n, h, v) {CLI_T_YEAR, s, l, n, h, v, 0, 0, NULL, NULL}
#define CLI_YEARS(s, l, n, h, v) {CLI_T_YEARS, s, l, n, h, v, 0, 0, NULL, NULL}
#define CLI_CALLBACK(s, l, n, h, v, f) {CLI_T_CALLBACK, s, l, n, h, v, 0, 0, f, NULL}
#define CLI_OPT_END {CLI_T_END, 0, NULL, NULL, NULL, NULL, 0, 0, NULL, NULL}

/* The shared options a command takes (cli_spec.query): bound to the fields of a
 * cli_query (cli.h) and resolved by cli_query_open (query.c). Their help is written once,
 * in options.c; only --top says per command what it counts (cli_spec.top_help). */
enum {
    CLI_Q_STORE = 1 << 0,        /* --store STORE */
    CLI_Q_FORMAT = 1 << 1,       /* --format table|csv|json|xlsx, --wide, --table, -o */
    CLI_Q_YEARS = 1 << 2,        /* --years Y0-Y1 */
    CLI_Q_YEAR = 1 << 3,         /* --year T (excludes --years) */
    CLI_Q_PRODUCT = 1 << 4,      /* --product P */
    CLI_Q_ALTERNATIVES = 1 << 5, /* --alternatives world|current|LIST */
    CLI_Q_GROUPS = 1 << 6,       /* --groups FILE */
    CLI_Q_WEIGHTS = 1 << 7,      /* --weights G=W,... */
    CLI_Q_SIGMA = 1 << 8,        /* --sigma FILE */
    CLI_Q_TOP = 1 << 9,          /* --top N */
    CLI_Q_SOURCE = 1 << 10,      /* --source reported|mirror|best and --cif-rate C */
    CLI_Q_MEASURE = 1 << 11,     /* --measure value|quantity (cli_spec.value_only refuses
                                    quantity, saying why) */
    CLI_Q_STORES = 1 << 12,      /* --store may be given several times (cli_query.stores) */
};
/* What the lookups take, and what most queries take. */
#define CLI_Q_LOOKUP (CLI_Q_STORE | CLI_Q_FORMAT)
#define CLI_Q_QUERY (CLI_Q_LOOKUP | CLI_Q_PRODUCT | CLI_Q_GROUPS | CLI_Q_TOP)
#define CLI_Q_LEVERAGE (CLI_Q_QUERY | CLI_Q_ALTERNATIVES | CLI_Q_WEIGHTS | CLI_Q_SIGMA)

/* A number macro as text, for help strings: CLI_STR(DEFAULT_TOP) is "20". */
#define CLI_STR_(x) #x
#define CLI_STR(x) CLI_STR_(x)

typedef struct cli_spec {
    const char *name;        /* "leverage" */
    const char *usage[4];    /* what follows "lever NAME " on each usage line */
    const char *about;       /* what the command does (ends with '\n') */
    const char *arguments;   /* what the arguments are (ends with '\n'), or NULL */
    const char *notes;       /* printed after the options (ends with '\n'), or NULL */
    const char *examples[5]; /* whole command lines */
    int min_args, max_args;  /* arguments after the options; max_args -1: any number */
    const char *args_name;   /* "two countries A and B", for a wrong count */
    unsigned query;          /* the shared options it takes: CLI_Q_... */
    const char *top_help;    /* with CLI_Q_TOP: what --top counts ("partners to show") */
    const char *value_only;  /* with CLI_Q_MEASURE: why --measure quantity does not apply
                                (its formula is in value only), or NULL */
} cli_spec;

/* cli_parse's results below 0. */
enum { CLI_HELP_SHOWN = -1, CLI_USAGE_SHOWN = -2, CLI_FAILED = -3 };

struct cli_query;
/* Parses argv (argv[0] is the command name) by the declaration: the command's own
 * options (NULL when none), then the shared ones of spec->query, bound to *cq (NULL
 * when it takes none). Stores every value, then points *args at the arguments and
 * returns their number. --help: prints the help on stdout and returns CLI_HELP_SHOWN;
 * anything wrong: prints the usage error and returns CLI_USAGE_SHOWN. */
int cli_parse(const cli_spec *spec, const cli_option *options, struct cli_query *cq, int argc,
              char **argv, char ***args);
/* cli_parse, then cli_query_open (the store, the products, the alternatives...): the
 * number of arguments, or below 0 (CLI_FAILED: an error was printed). The caller calls
 * cli_query_close in every case. */
int cli_query_parse(const cli_spec *spec, const cli_option *options, struct cli_query *cq,
                    int argc, char **argv, char ***args);
/* The exit status for a result below 0: 0 after --help, 2 after a usage error, else 1. */
int cli_parse_exit(int parsed);
/* A usage error found after parsing: "lever: NAME: message", the usage lines, the hint;
 * returns EXIT_USAGE (2). */
int cli_usage(const cli_spec *spec, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif /* LEVER_CLI_OPTIONS_H */
