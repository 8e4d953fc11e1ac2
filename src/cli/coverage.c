/*
 * coverage.c - what a question needs of a store's flows, said when the store lacks it.
 *
 * Why here: a store made of part of the world (a BACI extract, a Comtrade download of a
 * few reporters) holds exact flows but not exact totals: Afghanistan's imports summed
 * over an extract of Algeria's trade are not Afghanistan's imports. Every query command
 * asks, for each figure that sums a country's (or the world's) flows, whether the store
 * holds them all (lever_holds_note); the answer is still printed, computed on the flows
 * held, but stderr and the document's "coverage" line say which figures are partial, and
 * the command exits 3 (EXIT_UNCOVERED), so that a partial store never passes for zero
 * trade or a ratio of the whole.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

bool cli_needs(out_doc *d, const lever_store *s, int year, int country, int need,
               const char *figures)
{
    char note[1024];
    int yi = lever_year_index(s, year);
    if (yi < 0 || lever_holds_note(s, yi, country, need, note, sizeof note))
        return false;
    char line[1400];
    snprintf(line, sizeof line, "%s; computed on the flows it holds only: %s", note, figures);
    if (out_doc_meta_append(d, "coverage", line))
        cli_error("%s", line);
    return true;
}

bool cli_needs_flows(out_doc *d, const lever_store *s, int year, int exporter, int importer,
                     const char *figures)
{
    char note[1024];
    int yi = lever_year_index(s, year);
    if (yi < 0 || lever_coverage_note(s, yi, exporter, importer, note, sizeof note))
        return false;
    char line[1400];
    snprintf(line, sizeof line, "%s; %s", note, figures);
    if (out_doc_meta_append(d, "coverage", line))
        cli_error("%s", line);
    return true;
}
