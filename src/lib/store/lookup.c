/*
 * lookup.c - turning what a person types into countries and products of a store:
 * "KAZ", "398", "kazakh" into a country index; "1101" or "wheat flour" into
 * products; and product selections (filters) for the query functions.
 *
 * Countries are matched in tiers, best first: ISO3 code, numeric code, ISO2
 * code, exact name, name prefix, name substring (names are the short and the
 * full name, compared ignoring case and accents: "cote" finds "Côte"). Only the
 * best non-empty tier counts, so "India" is India even though "British Indian
 * Ocean Territory" contains it.
 * When several countries tie (BACI keeps old codes beside new ones: DEU is both
 * 276 Germany and 280 the former Federal Republic), the one that trades in the
 * store wins if it is the only one. When nothing matches, the message suggests
 * the names closest by edit distance. Stores hold a few hundred countries, so a
 * linear scan per query is cheaper than any index.
 *
 * Products: an all-digit query is an HS code prefix (2, 4 or 6 digits; an odd
 * count gets back the leading zero BACI drops, so "71120" is 071120; the group and
 * sigma files of groups.c read prefixes with the same hs_prefix_parse); anything
 * else is words that must all occur in the description. A selection is a bitmap
 * over product indices with a label for output; it may join several queries
 * with commas ("1001,1101").
 */
#include "store_internal.h"

#include <ctype.h>
#include <stdlib.h>

/* Match tiers for countries, best first; TIER_NONE means no match. */
enum {
    TIER_ISO3,
    TIER_CODE,
    TIER_ISO2,
    TIER_NAME,
    TIER_PREFIX,
    TIER_SUBSTRING,
    TIER_NONE
};

#define MAX_CANDIDATES 5 /* countries listed when a query is ambiguous */
#define N_SUGGESTIONS 3  /* closest countries suggested when nothing matches */
#define MAX_PRODUCT_CANDIDATES 10

struct lever_selection {
    int n_products;
    uint8_t *selected; /* one byte per product index */
    double *factor;    /* quantity factor per product index (a group's 1101*1.33); NULL: 1 */
    char *label;
};

/* ------------------------------------------------------------------ */
/* Text helpers                                                        */
/* ------------------------------------------------------------------ */

static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return false;
    return true;
}

/* Writes into out (of size len) the matching key of s: lower case, with the Latin-1 letters
 * of UTF-8 (é, ç, ô, ...) reduced to their base letter, so "cote d'ivoire" finds
 * "Côte d'Ivoire" and "curacao" finds "Curaçao". Long text is cut at len - 1 bytes. */
static void fold(const char *s, char *out, size_t len)
{
    /* U+00C0..U+00FF, encoded as 0xC3 0x80..0xBF */
    static const char latin1[] = "aaaaaaa" "c" "eeee" "iiii" "d" "n" "ooooo" "x" "o" "uuuu" "y" "t" "s"
                                 "aaaaaaa" "c" "eeee" "iiii" "d" "n" "ooooo" "/" "o" "uuuu" "y" "t" "y";
    _Static_assert(sizeof latin1 == 65, "one letter for each of U+00C0..U+00FF");
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && o + 1 < len; p++) {
        if (p[0] == 0xC3 && p[1] >= 0x80 && p[1] <= 0xBF) {
            out[o++] = latin1[p[1] - 0x80];
            p++;
        } else {
            out[o++] = (char)tolower(*p);
        }
    }
    out[o] = '\0';
}

#define KEY_MAX 512              /* bytes of a folded query or name that are compared */
#define DESCRIPTION_KEY_MAX 4096 /* the same for product descriptions */

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Copy of s with surrounding white space removed, or NULL when out of memory. */
static char *trimmed_copy(const char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    char *out = malloc(n + 1);
    if (out) {
        memcpy(out, s, n);
        out[n] = '\0';
    }
    return out;
}

/* Levenshtein distance between a and b (folded keys), capped for long strings. */
static int edit_distance(const char *a, const char *b)
{
    enum { MAXLEN = 64 };
    size_t la = strlen(a), lb = strlen(b);
    if (la > MAXLEN)
        la = MAXLEN;
    if (lb > MAXLEN)
        lb = MAXLEN;
    int row[MAXLEN + 1];
    for (size_t j = 0; j <= lb; j++)
        row[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        int diag = row[0];
        row[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int up = row[j];
            int cost = a[i - 1] != b[j - 1];
            int best = diag + cost;
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

/* ------------------------------------------------------------------ */
/* Countries                                                           */
/* ------------------------------------------------------------------ */

/* The folded keys of a country's codes and names ("" when unknown). */
typedef struct country_keys {
    int code;
    char iso3[8], iso2[8], name[KEY_MAX], full_name[KEY_MAX];
} country_keys;

static void country_keys_of(const lever_store *s, int c, country_keys *keys)
{
    lever_country k;
    lever_country_at(s, c, &k);
    keys->code = k.code;
    fold(k.iso3, keys->iso3, sizeof keys->iso3);
    fold(k.iso2, keys->iso2, sizeof keys->iso2);
    fold(k.name, keys->name, sizeof keys->name);
    fold(k.full_name, keys->full_name, sizeof keys->full_name);
}

/* How well country c matches a folded, non-empty query key. */
static int country_tier(const lever_store *s, int c, const char *key)
{
    country_keys k;
    country_keys_of(s, c, &k);
    if (strcmp(k.iso3, key) == 0)
        return TIER_ISO3;
    if (all_digits(key) && strlen(key) <= 5 &&
        (atoi(key) == k.code || country_code_current(atoi(key)) == k.code))
        return TIER_CODE;
    if (strcmp(k.iso2, key) == 0)
        return TIER_ISO2;
    if (strcmp(k.name, key) == 0 || strcmp(k.full_name, key) == 0)
        return TIER_NAME;
    if ((k.name[0] && starts_with(k.name, key)) || (k.full_name[0] && starts_with(k.full_name, key)))
        return TIER_PREFIX;
    if (strstr(k.name, key) || strstr(k.full_name, key))
        return TIER_SUBSTRING;
    return TIER_NONE;
}

/* True when the country exports or imports anything in any year of the store. */
static bool country_trades(const lever_store *s, int c)
{
    for (uint32_t y = 0; y < s->n_years; y++)
        if (store_x_i(s, (int)y, c) > 0 || store_m_j(s, (int)y, c) > 0)
            return true;
    return false;
}

/* Fills tiers[c] for every country; returns the best tier found. */
static int country_tiers(const lever_store *s, const char *query, int *tiers)
{
    char key[KEY_MAX];
    fold(query, key, sizeof key);
    int best = TIER_NONE;
    for (uint32_t c = 0; c < s->n_countries; c++) {
        tiers[c] = country_tier(s, (int)c, key);
        if (tiers[c] < best)
            best = tiers[c];
    }
    return best;
}

int lever_country_search(const lever_store *s, const char *query, int *countries, int max)
{
    char *q = trimmed_copy(query ? query : "");
    int *tiers = malloc(((size_t)s->n_countries + 1) * sizeof *tiers);
    if (!q || !tiers || !q[0]) {
        free(q);
        free(tiers);
        return 0;
    }
    country_tiers(s, q, tiers);
    int found = 0;
    /* only the best kind of match that finds anything, as lever_country_lookup decides */
    for (int tier = 0; tier < TIER_NONE && found == 0; tier++)
        for (uint32_t c = 0; c < s->n_countries; c++)
            if (tiers[c] == tier) {
                if (found < max)
                    countries[found] = (int)c;
                found++;
            }
    free(q);
    free(tiers);
    return found;
}

/* "KAZ Kazakhstan (398)", or "Other Asia, nes (490)" without an ISO3 code. */
static void append_country(char *buf, size_t len, size_t *used, const lever_store *s, int c)
{
    lever_country k;
    lever_country_at(s, c, &k);
    if (k.iso3[0])
        text_appendf(buf, len, used, "%s ", k.iso3);
    text_appendf(buf, len, used, "%s (%d)", k.name[0] ? k.name : "unnamed country", k.code);
}

/* Smallest edit distance between a folded query key and any name of country c. */
static int country_distance(const lever_store *s, int c, const char *key)
{
    country_keys k;
    country_keys_of(s, c, &k);
    int best = INT32_MAX;
    const char *names[] = {k.name, k.full_name, k.iso3};
    for (size_t n = 0; n < sizeof names / sizeof names[0]; n++) {
        if (!names[n][0])
            continue;
        int d = edit_distance(key, names[n]);
        if (d < best)
            best = d;
    }
    return best;
}

/* ENOTFOUND with the closest countries by edit distance. */
static int country_not_found(const lever_store *s, const char *query, lever_error *err)
{
    char key[KEY_MAX];
    fold(query, key, sizeof key);
    int picks[N_SUGGESTIONS], dists[N_SUGGESTIONS], n = 0;
    for (uint32_t c = 0; c < s->n_countries; c++) {
        int d = country_distance(s, (int)c, key);
        /* keep the N_SUGGESTIONS smallest distances, sorted; ties keep code order */
        int pos = n;
        while (pos > 0 && dists[pos - 1] > d)
            pos--;
        if (pos >= N_SUGGESTIONS)
            continue;
        if (n < N_SUGGESTIONS)
            n++;
        for (int m = n - 1; m > pos; m--) {
            picks[m] = picks[m - 1];
            dists[m] = dists[m - 1];
        }
        picks[pos] = (int)c;
        dists[pos] = d;
    }
    /* only the nearly best: "Kazakstan" suggests Kazakhstan, not also Pakistan */
    while (n > 1 && dists[n - 1] - dists[0] > 1) /* sorted, so no overflow at INT32_MAX */
        n--;
    char msg[1024];
    size_t used = 0;
    text_appendf(msg, sizeof msg, &used, "unknown country \"%s\"", query);
    if (n > 0) {
        text_appendf(msg, sizeof msg, &used, "; did you mean: ");
        for (int m = 0; m < n; m++) {
            if (m)
                text_appendf(msg, sizeof msg, &used, ", ");
            append_country(msg, sizeof msg, &used, s, picks[m]);
        }
        text_appendf(msg, sizeof msg, &used, "?");
    }
    return error_set(err, LEVER_ENOTFOUND, "%s", msg);
}

static int country_ambiguous(const lever_store *s, const char *query, const int *tiers,
                             int best, int count, lever_error *err)
{
    char msg[1024];
    size_t used = 0;
    text_appendf(msg, sizeof msg, &used, "\"%s\" matches %d countries: ", query, count);
    int listed = 0;
    for (uint32_t c = 0; c < s->n_countries && listed < MAX_CANDIDATES; c++)
        if (tiers[c] == best) {
            if (listed++)
                text_appendf(msg, sizeof msg, &used, ", ");
            append_country(msg, sizeof msg, &used, s, (int)c);
        }
    if (count > listed)
        text_appendf(msg, sizeof msg, &used, ", ...");
    text_appendf(msg, sizeof msg, &used, "; name one by its ISO3 or numeric code, or a longer name");
    return error_set(err, LEVER_EAMBIGUOUS, "%s", msg);
}

int lever_country_lookup(const lever_store *s, const char *query, int *country,
                         lever_error *err)
{
    char *q = trimmed_copy(query ? query : "");
    int *tiers = malloc(((size_t)s->n_countries + 1) * sizeof *tiers);
    if (!q || !tiers) {
        free(q);
        free(tiers);
        return error_set(err, LEVER_ENOMEM, "out of memory looking up a country");
    }
    int rc;
    if (!q[0]) {
        rc = error_set(err, LEVER_EUSAGE, "empty country name: give an ISO3 code, a numeric "
                                         "code or a name");
        goto done;
    }
    int best = country_tiers(s, q, tiers);
    if (best == TIER_NONE) {
        rc = country_not_found(s, q, err);
        goto done;
    }
    int count = 0, trading = 0, first = -1, first_trading = -1;
    for (uint32_t c = 0; c < s->n_countries; c++) {
        if (tiers[c] != best)
            continue;
        if (count++ == 0)
            first = (int)c;
        if (country_trades(s, (int)c) && trading++ == 0)
            first_trading = (int)c;
    }
    if (count == 1) {
        *country = first;
        rc = LEVER_OK;
    } else if (trading == 1) {
        *country = first_trading;
        rc = LEVER_OK;
    } else {
        rc = country_ambiguous(s, q, tiers, best, count, err);
    }
done:
    free(q);
    free(tiers);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Products                                                            */
/* ------------------------------------------------------------------ */

bool hs_prefix_parse(const char *text, size_t len, hs_prefix *out)
{
    if (len == 0 || len > 6)
        return false;
    int value = 0;
    for (size_t n = 0; n < len; n++) {
        if (!isdigit((unsigned char)text[n]))
            return false;
        value = value * 10 + (text[n] - '0');
    }
    out->digits = (int)(len + len % 2);
    out->value = value;
    return true;
}

hs_prefix hs6_prefix(int hs6, int digits)
{
    int divisor = 1;
    for (int d = digits; d < 6; d++)
        divisor *= 10;
    return (hs_prefix){digits, hs6 / divisor};
}

bool hs_prefix_matches(hs_prefix prefix, int hs6)
{
    return hs6_prefix(hs6, prefix.digits).value == prefix.value;
}

/* A whole query that is an HS prefix ("1101", "71120"). */
static bool query_is_prefix(const char *query, hs_prefix *out)
{
    return hs_prefix_parse(query, strlen(query), out);
}

static bool product_has_prefix(const lever_store *s, int p, hs_prefix prefix)
{
    lever_product pr;
    lever_product_at(s, p, &pr);
    return hs_prefix_matches(prefix, pr.hs6);
}

/* How well one occurrence of a word (len bytes at p in text) fits: 2 as a whole word,
 * 1 at the start of a longer word ("flour" in "flours"), 0 inside a word ("wheat" in
 * "buckwheat"). */
static int occurrence_fit(const char *text, const char *p, size_t len)
{
    if (p != text && isalnum((unsigned char)p[-1]))
        return 0;
    return isalnum((unsigned char)p[len]) ? 1 : 2;
}

/* Score of a description for the words of a query (both folded): -1 when a word is missing,
 * else the sum over the words of their best occurrence_fit, so whole words rank first. */
static int words_score(const char *description, const char *query)
{
    int score = 0;
    const char *w = query;
    while (*w) {
        while (*w && isspace((unsigned char)*w))
            w++;
        size_t len = 0;
        while (w[len] && !isspace((unsigned char)w[len]))
            len++;
        if (len == 0)
            break;
        char word[128];
        size_t kept = len < sizeof word ? len : sizeof word - 1;
        memcpy(word, w, kept);
        word[kept] = '\0';
        w += len;
        const char *hit = strstr(description, word);
        if (!hit)
            return -1;
        int best = 0;
        for (; hit && best < 2; hit = strstr(hit + 1, word)) {
            int fit = occurrence_fit(description, hit, kept);
            if (fit > best)
                best = fit;
        }
        score += best;
    }
    return score;
}

/* Match scores of every product for one (trimmed) query: -1 no match, higher is better. */
static void product_scores(const lever_store *s, const char *query, int *scores)
{
    char key[KEY_MAX], description[DESCRIPTION_KEY_MAX];
    hs_prefix prefix;
    bool is_prefix = query_is_prefix(query, &prefix);
    fold(query, key, sizeof key);
    for (uint32_t p = 0; p < s->n_products; p++) {
        if (is_prefix) {
            scores[p] = product_has_prefix(s, (int)p, prefix) ? 0 : -1;
        } else {
            lever_product pr;
            lever_product_at(s, (int)p, &pr);
            fold(pr.description, description, sizeof description);
            scores[p] = words_score(description, key);
        }
    }
}

int lever_product_search(const lever_store *s, const char *query, int *products, int max)
{
    char *q = trimmed_copy(query ? query : "");
    int *scores = malloc(((size_t)s->n_products + 1) * sizeof *scores);
    if (!q || !scores || !q[0]) {
        free(q);
        free(scores);
        return 0;
    }
    product_scores(s, q, scores);
    int top = -1;
    for (uint32_t p = 0; p < s->n_products; p++)
        if (scores[p] > top)
            top = scores[p];
    int found = 0;
    for (int score = top; score >= 0; score--)
        for (uint32_t p = 0; p < s->n_products; p++)
            if (scores[p] == score) {
                if (found < max)
                    products[found] = (int)p;
                found++;
            }
    free(q);
    free(scores);
    return found;
}

/* ------------------------------------------------------------------ */
/* Selections                                                          */
/* ------------------------------------------------------------------ */

static void append_product(char *buf, size_t len, size_t *used, const lever_store *s, int p)
{
    lever_product pr;
    lever_product_at(s, p, &pr);
    text_appendf(buf, len, used, "%06d %s", pr.hs6, pr.description);
}

/* Selects the products of one comma-separated part of a selection query and appends its
 * label ("HS 1101", or "110100 Wheat or meslin flour") to label. */
static int select_part(const lever_store *s, const char *part, lever_selection *sel, char *label,
                       size_t label_len, size_t *label_used, lever_error *err)
{
    hs_prefix prefix;
    if (query_is_prefix(part, &prefix)) {
        int found = 0, last = -1;
        for (uint32_t p = 0; p < s->n_products; p++)
            if (product_has_prefix(s, (int)p, prefix)) {
                selection_add(sel, (int)p);
                found++;
                last = (int)p;
            }
        if (found == 0) {
            lever_info info;
            lever_get_info(s, &info);
            return error_set(err, LEVER_ENOTFOUND,
                              "no product under HS %0*d in this store; check the code (HS "
                              "version %s) or search the descriptions by words",
                              prefix.digits, prefix.value,
                              info.hs_version[0] ? info.hs_version : "unknown");
        }
        if (prefix.digits == 6)
            append_product(label, label_len, label_used, s, last);
        else
            text_appendf(label, label_len, label_used, "HS %0*d", prefix.digits, prefix.value);
        return LEVER_OK;
    }
    int *scores = malloc(((size_t)s->n_products + 1) * sizeof *scores);
    if (!scores)
        return error_set(err, LEVER_ENOMEM, "out of memory selecting products");
    product_scores(s, part, scores);
    char key[KEY_MAX], description[DESCRIPTION_KEY_MAX];
    fold(part, key, sizeof key);
    int count = 0, only = -1, exact = -1, n_exact = 0;
    for (uint32_t p = 0; p < s->n_products; p++) {
        if (scores[p] < 0)
            continue;
        if (count++ == 0)
            only = (int)p;
        lever_product pr;
        lever_product_at(s, (int)p, &pr);
        fold(pr.description, description, sizeof description);
        if (strcmp(description, key) == 0 && n_exact++ == 0)
            exact = (int)p;
    }
    int rc = LEVER_OK;
    if (count == 1 || n_exact == 1) {
        int p = count == 1 ? only : exact;
        selection_add(sel, p);
        append_product(label, label_len, label_used, s, p);
    } else if (count == 0) {
        rc = error_set(err, LEVER_ENOTFOUND,
                        "no product description contains all of \"%s\"; try fewer words or "
                        "an HS code (e.g. 1001)",
                        part);
    } else {
        char msg[2048];
        size_t used = 0;
        text_appendf(msg, sizeof msg, &used,
               "\"%s\" matches %d products; name one by its HS code or a longer "
               "description: ",
               part, count);
        int listed = 0, top = 0;
        for (uint32_t p = 0; p < s->n_products; p++)
            if (scores[p] > top)
                top = scores[p];
        for (int score = top; score >= 0; score--) /* best first, as lever_product_search */
            for (uint32_t p = 0; p < s->n_products && listed < MAX_PRODUCT_CANDIDATES; p++)
                if (scores[p] == score) {
                    if (listed++)
                        text_appendf(msg, sizeof msg, &used, "; ");
                    append_product(msg, sizeof msg, &used, s, (int)p);
                }
        if (count > listed)
            text_appendf(msg, sizeof msg, &used, "; ...");
        rc = error_set(err, LEVER_EAMBIGUOUS, "%s", msg);
    }
    free(scores);
    return rc;
}

lever_selection *selection_new(const lever_store *s, const char *label)
{
    lever_selection *sel = calloc(1, sizeof *sel);
    if (!sel)
        return NULL;
    sel->n_products = (int)s->n_products;
    sel->selected = calloc((size_t)s->n_products + 1, 1);
    sel->label = strdup(label ? label : "");
    if (!sel->selected || !sel->label) {
        lever_selection_free(sel);
        return NULL;
    }
    return sel;
}

void selection_add(lever_selection *sel, int product)
{
    if (product >= 0 && product < sel->n_products)
        sel->selected[product] = 1;
}

bool selection_set_factor(lever_selection *sel, int product, double factor)
{
    if (product < 0 || product >= sel->n_products)
        return true;
    if (!sel->factor) {
        if (factor == 1.0)
            return true;
        sel->factor = malloc((size_t)sel->n_products * sizeof *sel->factor);
        if (!sel->factor)
            return false;
        for (int p = 0; p < sel->n_products; p++)
            sel->factor[p] = 1.0;
    }
    sel->factor[product] = factor;
    return true;
}

double lever_selection_factor(const lever_selection *sel, int product)
{
    if (!sel || !sel->factor || product < 0 || product >= sel->n_products)
        return 1.0;
    return sel->factor[product];
}

int lever_selection_parse(const lever_store *s, const char *query, lever_selection **out,
                          lever_error *err)
{
    *out = NULL;
    lever_selection *sel = selection_new(s, "");
    char *text = trimmed_copy(query ? query : "");
    char label[1024];
    size_t label_used = 0;
    label[0] = '\0';
    int rc = LEVER_OK;
    if (!sel || !text) {
        rc = error_set(err, LEVER_ENOMEM, "out of memory selecting products");
        goto done;
    }
    if (!text[0]) {
        rc = error_set(err, LEVER_EUSAGE,
                        "empty product selection: give an HS code prefix (e.g. 1101) or words "
                        "of a description");
        goto done;
    }
    char *save = NULL;
    for (char *part = strtok_r(text, ",", &save); part; part = strtok_r(NULL, ",", &save)) {
        char *p = trimmed_copy(part);
        if (!p) {
            rc = error_set(err, LEVER_ENOMEM, "out of memory selecting products");
            goto done;
        }
        if (p[0]) {
            if (label_used)
                text_appendf(label, sizeof label, &label_used, ", ");
            rc = select_part(s, p, sel, label, sizeof label, &label_used, err);
        }
        free(p);
        if (rc)
            goto done;
    }
    if (!label_used) {
        rc = error_set(err, LEVER_EUSAGE, "empty product selection \"%s\"", query);
        goto done;
    }
    free(sel->label);
    sel->label = strdup(label);
    if (!sel->label)
        rc = error_set(err, LEVER_ENOMEM, "out of memory selecting products");
done:
    free(text);
    if (rc) {
        lever_selection_free(sel);
        return rc;
    }
    *out = sel;
    return LEVER_OK;
}

void lever_selection_free(lever_selection *sel)
{
    if (!sel)
        return;
    free(sel->selected);
    free(sel->factor);
    free(sel->label);
    free(sel);
}

int lever_selection_has(const lever_selection *sel, int product)
{
    if (!sel)
        return 1;
    return product >= 0 && product < sel->n_products && sel->selected[product];
}

const char *lever_selection_label(const lever_selection *sel)
{
    return sel ? sel->label : "all products";
}
