/*
 * fuzz_chains.c - libFuzzer target: any bytes as a chain file ("input,output,factor",
 * lever_chains_load) and as a production file ("country,year,product,tonnes",
 * lever_production_load), each then used by lever_chains on a small store where
 * Uzbekistan mills Kazakh wheat into flour for Afghanistan; the shares it returns must be
 * numbers between 0 and 1. Seeds: tests/fuzz/corpus/chains.
 */
#include "fuzz.h"

#include <math.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char rows[] = "t,i,j,k,v,q\n"
                           "2021,398,860,100199,90,300\n"  /* KAZ wheat to UZB */
                           "2021,643,860,100199,10,\n"     /* RUS wheat to UZB, no quantity */
                           "2021,860,4,110100,50,120\n"    /* UZB flour to AFG */
                           "2021,398,4,110100,150,400\n"   /* KAZ flour to AFG */
                           "2021,398,4,100199,5,20\n";     /* KAZ wheat to AFG */

static void check(const lever_chains_result *r)
{
    for (size_t n = 0; n < r->n_origins; n++) {
        const lever_origin_row *o = &r->origins[n];
        /* low and high name the bounds of γ, not of the share: either may be larger */
        if (!(o->share_low >= -1e-9 && o->share_low <= 1 + 1e-9 && o->share_high >= -1e-9 &&
              o->share_high <= 1 + 1e-9))
            abort();
    }
}

static void ask(lever_store *s, const lever_chain *chain, const lever_production *p)
{
    lever_query q = {0};
    int afg = -1;
    if (lever_country_lookup(s, "AFG", &afg, &fuzz_err) != LEVER_OK)
        abort();
    for (int measure = 0; measure < 2; measure++) {
        lever_chains_result *r = NULL;
        fuzz_err.message[0] = 0;
        if (lever_chains(s, afg, chain, p, measure, &q, &r, &fuzz_err) == LEVER_OK)
            check(r);
        else if (!fuzz_err.message[0])
            abort();
        lever_chains_free(r);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static lever_store *s;
    if (!s)
        s = fuzz_small_store("chains", rows);
    const char *path = fuzz_file(data, size);

    lever_chain *chains = NULL;
    size_t n = 0;
    fuzz_err.message[0] = 0;
    if (lever_chains_load(path, &chains, &n, &fuzz_err) == LEVER_OK) {
        for (size_t k = 0; k < n && k < 4; k++) {
            fuzz_need_utf8(chains[k].input);
            fuzz_need_utf8(chains[k].output);
            if (!(chains[k].factor > 0) || !isfinite(chains[k].factor))
                abort();
            ask(s, &chains[k], NULL);
        }
    } else {
        if (!fuzz_err.message[0])
            abort();
        fuzz_need_utf8(fuzz_err.message);
    }
    free(chains);

    lever_production *p = NULL;
    fuzz_err.message[0] = 0;
    if (lever_production_load(s, path, &p, &fuzz_err) == LEVER_OK) {
        lever_chain *builtin = NULL;
        size_t nb = 0;
        if (lever_chains_load(NULL, &builtin, &nb, &fuzz_err) != LEVER_OK || nb == 0)
            abort();
        ask(s, &builtin[0], p);
        free(builtin);
    } else {
        if (!fuzz_err.message[0])
            abort();
        fuzz_need_utf8(fuzz_err.message);
    }
    lever_production_free(p);
    return 0;
}
