/*
 * fuzz_groups.c - libFuzzer target: any bytes as a product group file (lever_groups_load),
 * then every group's name, definition and factors read back, and a weights specification
 * made of the group names parsed. Seeds: tests/fuzz/corpus/groups.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lever_groups *g = NULL;
    fuzz_err.message[0] = 0;
    if (lever_groups_load(fuzz_file(data, size), &g, &fuzz_err) == LEVER_OK) {
        for (int n = 0; n < lever_groups_count(g); n++) {
            const char *name = lever_groups_name(g, n);
            (void)lever_groups_definition(g, n);
            (void)lever_groups_factor(g, n, 100190);
            if (lever_groups_find(g, name) < 0)
                abort(); /* a group is found by its own name */
        }
    } else if (!fuzz_err.message[0]) {
        abort();
    }
    lever_groups_free(g);
    return 0;
}
