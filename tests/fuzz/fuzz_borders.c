/*
 * fuzz_borders.c - libFuzzer target: the border files lever_borders_load reads
 * (contiguity.csv and countries.csv, from the fuzzer's bytes split at the first line
 * "%%"), then an edit file (lever_borders_edit_file, the fuzzer's bytes again) on the
 * borders lever ships; each graph is asked for the routes between Kazakhstan and
 * Afghanistan and for every transit country of Afghanistan's trade, on a small store.
 * Shares must lie in [0, 1]; a hostile graph must answer in bounded time (the fuzzer's
 * -timeout). Seeds: tests/fuzz/corpus/borders.
 */
#include "fuzz.h"

#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char rows[] = "t,i,j,k,v,q\n"
                           "2021,398,4,110100,150,400\n"
                           "2021,4,398,080620,20,10\n"
                           "2021,860,4,110100,50,120\n"
                           "2021,364,4,271000,80,90\n";

static void write_file(const char *dir, const char *name, const uint8_t *data, size_t size)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0)
        abort();
}

static void ask(const lever_store *s, const lever_borders *g)
{
    lever_query q = {0};
    int kaz = -1, afg = -1;
    if (lever_country_lookup(s, "KAZ", &kaz, &fuzz_err) != LEVER_OK ||
        lever_country_lookup(s, "AFG", &afg, &fuzz_err) != LEVER_OK)
        abort();
    lever_transit_result *r = NULL;
    if (lever_transit(s, g, kaz, afg, 1, &q, &r, &fuzz_err) == LEVER_OK) {
        for (size_t n = 0; n < r->n_transit; n++)
            if (!(r->transit[n].share >= 0 && r->transit[n].share <= 1 + 1e-9))
                abort();
        for (size_t n = 0; n < r->n_routes; n++)
            fuzz_need_utf8(r->routes[n].path);
    }
    lever_transit_free(r);
    lever_tlev_result *t = NULL;
    if (lever_transit_over(s, g, afg, 0, &q, &t, &fuzz_err) == LEVER_OK) {
        for (size_t n = 0; n < t->n; n++)
            if (!(t->rows[n].tlev >= 0 && t->rows[n].tlev <= 1 + 1e-9))
                abort();
    }
    lever_tlev_free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static lever_store *s;
    static char dir[64];
    if (!s) {
        s = fuzz_small_store("borders", rows);
        snprintf(dir, sizeof dir, "/dev/shm/lever-fuzz-borders-%d", (int)getpid());
        if (mkdir(dir, 0700) != 0)
            abort();
    }
    /* the graph's own files */
    size_t cut = size, rest = size;
    for (size_t n = 0; n + 3 <= size; n++) {
        if ((n == 0 || data[n - 1] == '\n') && data[n] == '%' && data[n + 1] == '%' &&
            (n + 2 == size || data[n + 2] == '\n')) {
            cut = n;
            rest = n + 2 < size ? n + 3 : size;
            break;
        }
    }
    write_file(dir, "contiguity.csv", data, cut);
    write_file(dir, "countries.csv", data + rest, size - rest);
    lever_borders *g = NULL;
    fuzz_err.message[0] = 0;
    if (lever_borders_load(dir, &g, &fuzz_err) == LEVER_OK) {
        fuzz_need_utf8(lever_borders_edits(g));
        ask(s, g);
    } else if (!fuzz_err.message[0]) {
        abort();
    }
    lever_borders_free(g);

    /* the same bytes as edits of the shipped borders */
    g = NULL;
    if (lever_borders_load(NULL, &g, &fuzz_err) != LEVER_OK)
        abort();
    fuzz_err.message[0] = 0;
    if (lever_borders_edit_file(g, fuzz_file(data, size), &fuzz_err) == LEVER_OK) {
        fuzz_need_utf8(lever_borders_edits(g));
        ask(s, g);
    } else if (!fuzz_err.message[0]) {
        abort();
    }
    lever_borders_free(g);
    return 0;
}
