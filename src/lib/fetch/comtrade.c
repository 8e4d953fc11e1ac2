/*
 * comtrade.c - lever_fetch_comtrade: questions to the UN Comtrade Plus data API
 * (BASE/data/v1/get/C/{A,M}/HS with a subscription key in the Ocp-Apim-Subscription-Key
 * header, BASE/public/v1/preview/C/{A,M}/HS without one), each answer written as the API
 * returned it, for lever import.
 *
 * Why this way:
 *  - The API has no paging: a call returns at most maxRecords records (100,000 with a
 *    free key, 500 on the keyless preview) and says nothing more when there were more.
 *    So the question is asked in calls of one reporter and one year (twelve months with
 *    --monthly) each, and an answer that comes back with as many records as the limit (or
 *    whose "count" says there are more than it holds) is taken as cut: it is not kept,
 *    and the call is split, by flow first, then by halves of its months, then by halves
 *    of its partner list, until every answer is under the limit. When a call cannot be
 *    split further the fetch stops and says how to narrow the question.
 *  - A split call is remembered in the cache (NAME.over-limit), so running the same
 *    command again asks the small calls at once.
 *  - Answers are checked by a scan of their JSON structure (an object with "count" and
 *    a "data" array whose elements are counted, nothing after it), not by loading them:
 *    an answer of 100,000 records is some 150 MB of JSON, and lever import parses it
 *    anyway. An answer that is not that shape (an HTML page, an "error", a new layout)
 *    is an error that says the API may have changed.
 *  - The request asks for what lever imports: goods (C), HS as reported, the partner2,
 *    customs procedure and mode of transport totals (partner2Code=0, customsCode=C00,
 *    motCode=0), 6-digit products by default (cmdCode=AG6), flows M and X by default.
 */
#include "fetch.h"
#include "store_internal.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FLOWS 8
#define MAX_PERIODS 12

/* ------------------------------------------------------------------ */
/* Country codes                                                       */
/* ------------------------------------------------------------------ */

/* Where Comtrade's code is not the ISO 3166 numeric code (Comtrade's reporter list). */
static const struct {
    const char *iso3;
    int code;
} comtrade_codes[] = {{"FRA", 251}, {"IND", 699}, {"NOR", 579}, {"CHE", 757}, {"USA", 842}};
#define N_COMTRADE_CODES (sizeof comtrade_codes / sizeof comtrade_codes[0])

/* ISO3 of a Comtrade code, "" when unknown. */
static void code_iso3(int code, char iso3[4])
{
    iso3[0] = 0;
    for (size_t n = 0; n < N_COMTRADE_CODES; n++)
        if (comtrade_codes[n].code == code) {
            memcpy(iso3, comtrade_codes[n].iso3, 4);
            return;
        }
    char iso2[4], *name = NULL, *full = NULL;
    if (isocodes_country(code, iso3, iso2, &name, &full)) {
        free(name);
        free(full);
    }
}

int lever_comtrade_code(lever_fetch *f, const char *name, int *code)
{
    size_t len = strlen(name);
    if (strcasecmp(name, "world") == 0 || strcasecmp(name, "W00") == 0) {
        *code = 0;
        return LEVER_OK;
    }
    if (len > 0 && len <= 3 && strspn(name, "0123456789") == len) {
        *code = atoi(name);
        return LEVER_OK;
    }
    if (len == 3) {
        char want[4] = {(char)toupper((unsigned char)name[0]),
                        (char)toupper((unsigned char)name[1]),
                        (char)toupper((unsigned char)name[2]), 0};
        for (size_t n = 0; n < N_COMTRADE_CODES; n++)
            if (strcmp(comtrade_codes[n].iso3, want) == 0) {
                *code = comtrade_codes[n].code;
                return LEVER_OK;
            }
        for (int c = 1; c <= 999; c++) {
            char iso3[4];
            code_iso3(c, iso3);
            if (strcmp(iso3, want) == 0) {
                *code = c;
                return LEVER_OK;
            }
        }
    }
    return fetch_fail(f, LEVER_ENOTFOUND, "unknown country '%s': give its ISO3 code (KAZ) or "
                      "its Comtrade code (398), or world", name);
}

/* ------------------------------------------------------------------ */
/* Checking an answer                                                  */
/* ------------------------------------------------------------------ */

typedef struct answer {
    bool has_count, has_data;
    long long count;   /* the "count" member */
    long long records; /* elements of the "data" array */
    char error[300];   /* the "error" member, when a string */
} answer;

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static const char *skip_space(const char *p, const char *e)
{
    while (p < e && is_space(*p))
        p++;
    return p;
}

/* p is at '"'; returns the byte after the closing quote, NULL when the text ends first. */
static const char *skip_string(const char *p, const char *e)
{
    for (p++; p < e; p++) {
        if (*p == '\\')
            p++;
        else if (*p == '"')
            return p + 1;
    }
    return NULL;
}

/* Skips one JSON value; for an array, counts its elements into *items when asked.
 * NULL when the text ends inside it. */
static const char *skip_value(const char *p, const char *e, long long *items)
{
    if (p >= e)
        return NULL;
    if (*p == '"')
        return skip_string(p, e);
    if (*p == '{' || *p == '[') {
        bool array = *p == '[', any = false;
        long long commas = 0;
        int depth = 0;
        for (; p < e; p++) {
            char c = *p;
            if (c == '"') {
                any = true;
                if (!(p = skip_string(p, e)))
                    return NULL;
                p--;
            } else if (c == '{' || c == '[') {
                any = any || depth == 1;
                depth++;
            } else if (c == '}' || c == ']') {
                if (--depth == 0) {
                    if (items && array)
                        *items = any ? commas + 1 : 0;
                    return p + 1;
                }
            } else if (depth == 1 && c == ',') {
                commas++;
            } else if (depth == 1 && !is_space(c)) {
                any = true;
            }
        }
        return NULL;
    }
    const char *start = p;
    while (p < e && *p != ',' && *p != '}' && *p != ']' && !is_space(*p))
        p++;
    return p > start && p < e ? p : NULL;
}

/* Scans the answer's structure; returns NULL when it is the API's shape, else why not. */
static const char *scan_answer(const char *p, const char *e, answer *a)
{
    static const char cut[] = "it ends before its end (cut short)";
    p = skip_space(p, e);
    if (p >= e)
        return "it is empty";
    if (*p == '<')
        return "it is an HTML page, not JSON";
    if (*p != '{')
        return "it is not a JSON object";
    for (p++;;) {
        p = skip_space(p, e);
        if (p >= e)
            return cut;
        if (*p == '}')
            break;
        if (*p != '"')
            return "it is not valid JSON";
        const char *key = p + 1;
        if (!(p = skip_string(p, e)))
            return cut;
        size_t key_len = (size_t)(p - 1 - key);
        p = skip_space(p, e);
        if (p >= e)
            return cut;
        if (*p != ':')
            return "it is not valid JSON";
        p = skip_space(p + 1, e);
        if (p >= e)
            return cut;
#define KEY(k) (key_len == sizeof k - 1 && memcmp(key, k, key_len) == 0)
        if (KEY("data") && *p == '[') {
            a->has_data = true;
            p = skip_value(p, e, &a->records);
        } else if (KEY("count") && isdigit((unsigned char)*p)) {
            a->has_count = true;
            for (a->count = 0; p < e && isdigit((unsigned char)*p); p++)
                a->count = a->count < 1000000000000LL ? a->count * 10 + (*p - '0') : a->count;
        } else if (KEY("error") && *p == '"') {
            const char *end = skip_string(p, e);
            if (end)
                snprintf(a->error, sizeof a->error, "%.*s", (int)(end - p - 2), p + 1);
            p = end;
        } else {
            p = skip_value(p, e, NULL);
        }
#undef KEY
        if (!p)
            return cut;
        p = skip_space(p, e);
        if (p >= e)
            return cut;
        if (*p == '}')
            break;
        if (*p != ',')
            return "it is not valid JSON";
        p++;
    }
    if (skip_space(p + 1, e) != e)
        return "it has more bytes after its end";
    return NULL;
}

typedef struct call_check {
    const char *label;
    long max_records;
    long long records; /* of the answer kept */
} call_check;

static check_result check_answer(lever_fetch *f, const char *path, void *ud)
{
    call_check *c = ud;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0) {
        if (fd >= 0)
            close(fd);
        fetch_fail(f, LEVER_EIO, "cannot read '%s': %s", path, strerror(errno));
        return CHECK_BAD;
    }
    answer a = {0};
    const char *why = "it is empty";
    void *map = NULL;
    if (sb.st_size > 0) {
        map = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map == MAP_FAILED) {
            close(fd);
            fetch_fail(f, LEVER_EIO, "cannot map '%s': %s", path, strerror(errno));
            return CHECK_BAD;
        }
        why = scan_answer(map, (const char *)map + sb.st_size, &a);
        munmap(map, (size_t)sb.st_size);
    }
    close(fd);
    if (!why && !a.has_data)
        why = a.error[0] ? NULL : "it has no \"data\" array of records";
    if (why && strstr(why, "cut short")) {
        fetch_fail(f, LEVER_EFETCH, "the answer to %s is incomplete: %s; run the same "
                   "command again", c->label, why);
        return CHECK_BAD;
    }
    if (why) {
        fetch_fail(f, LEVER_EFETCH, "the answer to %s is not what the Comtrade API returns: "
                   "%s; the API may have changed, or --url may not name it (see "
                   "docs/commands/fetch.md)", c->label, why);
        return CHECK_BAD;
    }
    if (a.error[0]) {
        fetch_fail(f, LEVER_EFETCH, "the Comtrade API did not answer %s: \"%s\"; check the "
                   "options (--hs codes, --flows, years)", c->label, a.error);
        return CHECK_BAD;
    }
    if (a.has_count && a.count < a.records) {
        fetch_fail(f, LEVER_EFETCH, "the answer to %s is damaged: it says it holds %lld "
                   "records but holds %lld; run the same command again", c->label, a.count,
                   a.records);
        return CHECK_BAD;
    }
    if (a.records >= c->max_records || (a.has_count && a.count > a.records))
        return CHECK_TRUNCATED;
    c->records = a.records;
    return CHECK_OK;
}

/* ------------------------------------------------------------------ */
/* Calls                                                               */
/* ------------------------------------------------------------------ */

typedef struct call {
    int reporter;
    int periods[MAX_PERIODS]; /* yyyy, or yyyymm with --monthly */
    int n_periods;
    char flows[MAX_FLOWS][4];
    int n_flows;
    size_t partner_from, partner_to; /* a range of q->partners, when there are */
} call;

typedef struct call_stack {
    call *items;
    size_t n, cap;
} call_stack;

static bool push(call_stack *s, const call *c)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        call *items = realloc(s->items, cap * sizeof *items);
        if (!items)
            return false;
        s->items = items;
        s->cap = cap;
    }
    s->items[s->n++] = *c;
    return true;
}

/* Splits c in two or more calls (pushed on s): by flow, then months, then partners.
 * False when it cannot be split. */
static bool split(call_stack *s, const call *c, bool *oom)
{
    call a = *c, b = *c;
    if (c->n_flows > 1) {
        for (int n = c->n_flows - 1; n >= 0; n--) {
            a.n_flows = 1;
            memcpy(a.flows[0], c->flows[n], sizeof a.flows[0]);
            if (!push(s, &a))
                return !(*oom = true);
        }
        return true;
    }
    if (c->n_periods > 1) {
        int half = c->n_periods / 2;
        a.n_periods = half;
        b.n_periods = c->n_periods - half;
        memmove(b.periods, c->periods + half, (size_t)b.n_periods * sizeof b.periods[0]);
    } else if (c->partner_to - c->partner_from > 1) {
        a.partner_to = b.partner_from = c->partner_from + (c->partner_to - c->partner_from) / 2;
    } else {
        return false;
    }
    if (!push(s, &b) || !push(s, &a))
        return !(*oom = true);
    return true;
}

typedef struct text {
    char buf[8192];
    size_t len;
    bool overflow;
} text;

static void add(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->buf + t->len, sizeof t->buf - t->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof t->buf - t->len)
        t->overflow = true;
    else
        t->len += (size_t)n;
}

/* "KAZ 2019 flow M,X" or "KAZ 201901-201906 flow M partners 4,860": what a call asks. */
static void describe(const lever_comtrade_query *q, const call *c, text *t)
{
    char iso3[4];
    code_iso3(c->reporter, iso3);
    if (iso3[0])
        add(t, "%s", iso3);
    else
        add(t, "reporter %d", c->reporter);
    add(t, " %d", c->periods[0]);
    if (c->n_periods > 1)
        add(t, "-%d", c->periods[c->n_periods - 1]);
    add(t, " flow ");
    for (int n = 0; n < c->n_flows; n++)
        add(t, "%s%s", n ? "," : "", c->flows[n]);
    if (q->partners && c->partner_to - c->partner_from < q->n_partners) {
        add(t, " partners ");
        for (size_t n = c->partner_from; n < c->partner_to; n++)
            add(t, "%s%d", n > c->partner_from ? "," : "", q->partners[n]);
    }
}

static void build_url(const lever_comtrade_query *q, const call *c, const char *base,
                      const char *commodities, long max_records, text *t)
{
    size_t base_len = strlen(base);
    while (base_len > 0 && base[base_len - 1] == '/')
        base_len--;
    add(t, "%.*s/%s/C/%c/HS?reporterCode=%d&period=", (int)base_len, base,
        q->key && q->key[0] ? "data/v1/get" : "public/v1/preview", q->monthly ? 'M' : 'A',
        c->reporter);
    for (int n = 0; n < c->n_periods; n++)
        add(t, "%s%d", n ? "," : "", c->periods[n]);
    if (q->partners) {
        add(t, "&partnerCode=");
        for (size_t n = c->partner_from; n < c->partner_to; n++)
            add(t, "%s%d", n > c->partner_from ? "," : "", q->partners[n]);
    }
    add(t, "&partner2Code=0&cmdCode=%s&flowCode=", commodities);
    for (int n = 0; n < c->n_flows; n++)
        add(t, "%s%s", n ? "," : "", c->flows[n]);
    add(t, "&customsCode=C00&motCode=0&maxRecords=%ld&format=JSON&breakdownMode=classic"
        "&includeDesc=true", max_records);
}

/* comtrade_A_398_2019_MX_<hash>.json: readable, and unique per question. */
static void output_name(const lever_comtrade_query *q, const call *c, const char *url,
                        char *out, size_t len)
{
    char hash[17], flows[MAX_FLOWS * 3 + 1] = "";
    hash_name(url, hash);
    for (int n = 0; n < c->n_flows; n++)
        strcat(flows, c->flows[n]);
    char periods[32];
    if (c->n_periods > 1)
        snprintf(periods, sizeof periods, "%d-%d", c->periods[0], c->periods[c->n_periods - 1]);
    else
        snprintf(periods, sizeof periods, "%d", c->periods[0]);
    snprintf(out, len, "comtrade_%c_%d_%s_%s_%.8s.json", q->monthly ? 'M' : 'A', c->reporter,
             periods, flows, hash);
}

/* A refused call, in words that say what to do. */
static int refused(lever_fetch *f, const fetch_item *item, bool keyed)
{
    const char *says = item->server_message;
    if (item->http_status == 401 || (item->http_status == 403 && !strstr(says, "uota")))
        return fetch_fail(f, LEVER_EFETCH,
                          "the Comtrade API refused %s (HTTP %ld%s%s): %s", item->label,
                          item->http_status, says[0] ? ": " : "", says,
                          keyed ? "check COMTRADE_KEY: it must be the primary key of your "
                                  "subscription to the free 'comtrade - v1' product at "
                                  "comtradedeveloper.un.org (or unset it to use the keyless "
                                  "preview API)"
                                : "the keyless preview API may be closed to this question; "
                                  "set COMTRADE_KEY (a free key from comtradedeveloper.un.org)");
    if (item->http_status == 403)
        return fetch_fail(f, LEVER_EFETCH,
                          "the Comtrade API refused %s (HTTP 403: %s): the calls allowed to "
                          "this key are used up; run the same command when the quota is "
                          "replenished (the answers fetched so far are cached and will not be "
                          "asked again)",
                          item->label, says);
    return LEVER_EFETCH;
}

static bool valid_list(const char *s, const char *allowed)
{
    return s[0] && strspn(s, allowed) == strlen(s) && s[0] != ',' && s[strlen(s) - 1] != ',' &&
           !strstr(s, ",,");
}

int lever_fetch_comtrade(lever_fetch *f, const lever_comtrade_query *q, const char *out_dir)
{
    bool keyed = q->key && q->key[0];
    const char *flows = q->flows && q->flows[0] ? q->flows : "M,X";
    const char *commodities = q->commodities && q->commodities[0] ? q->commodities : "AG6";
    long max_records = q->max_records > 0 ? q->max_records
                       : keyed            ? LEVER_COMTRADE_KEY_LIMIT
                                          : LEVER_COMTRADE_PREVIEW_LIMIT;
    const char *base = q->base_url && q->base_url[0] ? q->base_url : LEVER_COMTRADE_URL;
    if (q->n_reporters == 0)
        return fetch_fail(f, LEVER_EUSAGE, "no reporter: name the countries whose "
                          "declarations to fetch, as --reporters KAZ,AFG");
    if (q->year_from < 1962 || q->year_to > 2100 || q->year_from > q->year_to)
        return fetch_fail(f, LEVER_EUSAGE, "bad years %d-%d: Comtrade holds years from 1962",
                          q->year_from, q->year_to);
    if (!valid_list(flows, "ABCDEFGHIJKLMNOPQRSTUVWXYZ,"))
        return fetch_fail(f, LEVER_EUSAGE, "bad flows '%s': give flow codes such as M,X "
                          "(imports, exports), RM,RX (re-imports, re-exports)", flows);
    if (!valid_list(commodities,
                    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz,"))
        return fetch_fail(f, LEVER_EUSAGE, "bad --hs '%s': give HS codes (1001,110100), "
                          "TOTAL or AG2, AG4, AG6 (every product at that level)", commodities);
    if (keyed && strpbrk(q->key, "\r\n"))
        return fetch_fail(f, LEVER_EUSAGE, "COMTRADE_KEY holds a line break; set it to the key "
                          "alone");
    call first = {.n_flows = 0, .partner_from = 0, .partner_to = q->partners ? q->n_partners : 0};
    for (const char *p = flows; *p;) {
        size_t n = strcspn(p, ",");
        if (first.n_flows == MAX_FLOWS || n > 3)
            return fetch_fail(f, LEVER_EUSAGE, "bad flows '%s': at most %d codes of up to 3 "
                              "letters", flows, MAX_FLOWS);
        snprintf(first.flows[first.n_flows++], 4, "%.*s", (int)n, p);
        p += n + (p[n] == ',');
    }
    int rc = output_dir(f, out_dir);
    const char *dir = NULL;
    if (!rc)
        rc = cache_dir(f, &dir);
    if (rc)
        return rc;
    if (!keyed)
        fetch_note(f, "no COMTRADE_KEY: asking the keyless preview API, which returns at most "
                   "%d records a call (a free key from comtradedeveloper.un.org allows 100,000)",
                   LEVER_COMTRADE_PREVIEW_LIMIT);
    call_stack stack = {0};
    for (size_t r = q->n_reporters; r-- > 0 && !rc;)
        for (int y = q->year_to; y >= q->year_from && !rc; y--) {
            call c = first;
            c.reporter = q->reporters[r];
            c.n_periods = q->monthly ? 12 : 1;
            for (int m = 0; m < c.n_periods; m++)
                c.periods[m] = q->monthly ? y * 100 + m + 1 : y;
            if (!push(&stack, &c))
                rc = fetch_fail(f, LEVER_ENOMEM, "out of memory");
        }
    char header[512];
    snprintf(header, sizeof header, "Ocp-Apim-Subscription-Key: %s", keyed ? q->key : "");
    while (!rc && stack.n > 0) {
        call c = stack.items[--stack.n];
        text url = {.len = 0}, label = {.len = 0};
        build_url(q, &c, base, commodities, max_records, &url);
        describe(q, &c, &label);
        if (url.overflow || label.overflow) {
            rc = fetch_fail(f, LEVER_EUSAGE, "the question is too long for one call: give "
                            "fewer --hs codes or partners");
            break;
        }
        char name[128], cache_name[160], hash[17];
        output_name(q, &c, url.buf, name, sizeof name);
        hash_name(url.buf, hash);
        snprintf(cache_name, sizeof cache_name, "%s-%s", hash, name);
        call_check check = {.label = label.buf, .max_records = max_records};
        fetch_item item = {.url = url.buf, .header = keyed ? header : NULL, .label = label.buf,
                           .cache_name = cache_name, .check = check_answer, .check_ud = &check};
        rc = cache_marked(f, cache_name) ? LEVER_ELIMIT : fetch_item_get(f, &item);
        if (rc == LEVER_ELIMIT) {
            cache_mark(f, cache_name);
            bool oom = false;
            if (split(&stack, &c, &oom)) {
                rc = LEVER_OK;
                continue;
            }
            rc = oom ? fetch_fail(f, LEVER_ENOMEM, "out of memory")
                     : fetch_fail(f, LEVER_EFETCH,
                                  "the answer to %s holds more records than one call returns "
                                  "(%ld%s) and cannot be split further; narrow the question "
                                  "(--hs codes, --partners)%s",
                                  label.buf, max_records,
                                  keyed || q->max_records > 0 ? ""
                                                              : ", the keyless preview API's limit",
                                  keyed ? "" : " or set COMTRADE_KEY (a free key allows 100,000)");
            break;
        }
        if (rc == LEVER_EFETCH && (item.http_status == 401 || item.http_status == 403)) {
            rc = refused(f, &item, keyed);
            break;
        }
        if (rc)
            break;
        char *cached = path_join(dir, cache_name);
        if (!cached) {
            rc = fetch_fail(f, LEVER_ENOMEM, "out of memory");
            break;
        }
        if (item.from_cache) { /* count the records again: the check ran when it came */
            check.records = 0;
            check_answer(f, cached, &check);
        }
        if (check.records == 0)
            fetch_note(f, "%s: no records (nothing reported, or not yet)", label.buf);
        rc = cache_install(f, cached, out_dir, name, (long)check.records, item.from_cache);
        free(cached);
    }
    free(stack.items);
    return rc;
}
