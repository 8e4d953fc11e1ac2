/*
 * fuzz_observed.c - libFuzzer target: any bytes as the file of lever transit --observed
 * (lever_observed_load), then the split of every pair of the first records' countries read
 * back: the shares of each reporter, flow and breakdown must sum to 1. Seeds:
 * tests/fuzz/corpus/observed.
 */
#include "fuzz.h"

#include <math.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lever_observed *o = NULL;
    fuzz_err.message[0] = 0;
    if (lever_observed_load(fuzz_file(data, size), &o, &fuzz_err) != LEVER_OK) {
        if (!fuzz_err.message[0] || o)
            abort();
        return 0;
    }
    static const char *const pairs[][2] = {{"KAZ", "AFG"}, {"AFG", "UZB"}, {"USA", "CHN"}};
    for (int year = 2019; year <= 2023; year++)
        for (size_t p = 0; p < sizeof pairs / sizeof pairs[0]; p++) {
            lever_observed_row *rows = NULL;
            size_t n = 0;
            if (lever_observed_split(o, year, pairs[p][0], pairs[p][1], &rows, &n) != LEVER_OK)
                abort();
            for (size_t k = 0; k < n; k++) {
                double sum = 0;
                uint64_t total = 0;
                for (size_t m = 0; m < n; m++)
                    if (strcmp(rows[m].reporter, rows[k].reporter) == 0 &&
                        rows[m].flow == rows[k].flow && rows[m].breakdown == rows[k].breakdown) {
                        sum += rows[m].share;
                        total += rows[m].value;
                    }
                if (total > 0 && fabs(sum - 1) > 1e-9)
                    abort(); /* the shares of one split sum to 1 */
            }
            free(rows);
        }
    lever_observed_free(o);
    return 0;
}
