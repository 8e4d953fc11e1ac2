/*
 * parsers.c - the table of input formats (parser.h): each entry names a format, the
 * function recognising its bytes and the one reading it, and is defined in the
 * format's own file. The importer tries the entries in order and hands the input to
 * the first that recognises it. A new format is a new file defining its
 * import_parser, plus its two lines here, before the last entry: the CSV reader takes
 * whatever no other parser recognised, so that it can name the header it did not know.
 */
#include "parser.h"

extern const import_parser import_parser_zip; /* zipsrc.c: BACI release zips */
extern const import_parser import_parser_comtrade_plus; /* comtrade_plus.c: CSV and JSON */
extern const import_parser import_parser_csv; /* csv.c: BACI, dictionaries, Comtrade legacy */

const import_parser *const import_parsers[] = {
    &import_parser_zip,
    &import_parser_comtrade_plus,
    &import_parser_csv,
};
const size_t import_n_parsers = sizeof import_parsers / sizeof import_parsers[0];
