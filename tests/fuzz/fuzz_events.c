/*
 * fuzz_events.c - libFuzzer target: any bytes as an events file ("date,countries,label,
 * source" per line, lever_events_load, as --events reads it); every event read back must
 * hold valid UTF-8 and a date that exists, and a selection by country and years must
 * return indices within the list, in date order. Seeds: tests/fuzz/corpus/events.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lever_events *ev = NULL;
    fuzz_err.message[0] = 0;
    if (lever_events_load(fuzz_file(data, size), &ev, &fuzz_err) != LEVER_OK) {
        if (!fuzz_err.message[0])
            abort(); /* every refusal says why */
        fuzz_need_utf8(fuzz_err.message);
        lever_events_free(ev);
        return 0;
    }
    size_t n = lever_events_count(ev);
    for (size_t k = 0; k < n; k++) {
        lever_event e;
        lever_event_at(ev, k, &e);
        fuzz_need_utf8(e.date);
        fuzz_need_utf8(e.countries);
        fuzz_need_utf8(e.label);
        fuzz_need_utf8(e.source);
        if (e.month < 0 || e.month > 12 || e.day < 0 || e.day > 31 || (!e.month && e.day))
            abort();
    }
    size_t *idx = malloc((n ? n : 1) * sizeof *idx);
    if (!idx)
        abort();
    static const char *const pair[] = {"KAZ", "AFG"};
    size_t got = lever_events_select(ev, pair, 2, 2019, 2024, idx);
    size_t all = lever_events_select(ev, NULL, 0, 0, 0, idx);
    if (got > n || all != n)
        abort(); /* without a filter, every event */
    for (size_t k = 1; k < all; k++) {
        lever_event a, b;
        lever_event_at(ev, idx[k - 1], &a);
        lever_event_at(ev, idx[k], &b);
        if (idx[k] >= n || a.year * 10000 + a.month * 100 + a.day > b.year * 10000 + b.month * 100 + b.day)
            abort(); /* by date */
    }
    free(idx);
    lever_events_free(ev);
    return 0;
}
