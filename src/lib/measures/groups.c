/*
 * groups.c - named product groups (INDICATORS.md section 9), the per-product weights
 * built from them (--weights) and the per-product trade elasticities (--sigma).
 *
 * A group is a name and a list of HS prefixes (2, 4 or 6 digits), each with an
 * optional quantity factor: "wheat = 1001 1101*1.33" counts flour as grain at a 75%
 * extraction rate. Groups come from a small text file or from the built-in set below,
 * which is parsed by the same code so there is one source of truth and one parser
 * (HS prefixes are read as --product reads them: hs_prefix_parse, lookup.c).
 * Every error names file:line:column and says what to do.
 *
 * Sets are small (a few groups of a few prefixes), so lookups are linear scans; the
 * sigma file may hold thousands of HS6 codes, so it is sorted once and each of the
 * store's products looks up its 6-, 4- and 2-digit prefixes by binary search.
 */
#include "query.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

/* The built-in set. HS prefixes are headings or chapters of the Harmonized System that
 * exist unchanged from HS92 to HS22, so the set works with every BACI release. */
static const char builtin_groups[] =
    "# lever's built-in product groups (docs/groups.md). HS prefixes of 2, 4 or 6 digits;\n"
    "# PREFIX*FACTOR scales quantities of that prefix (longest prefix wins).\n"
    "cereals = 10 1101 1102 1103      # ch. 10 cereals; flours, groats and meal of cereals\n"
    "wheat = 1001 1101*1.33           # wheat and meslin, flour as grain (75% extraction)\n"
    "vegetable_oils = 1507 1508 1509 1510 1511 1512 1513 1514 1515  # fixed vegetable oils\n"
    "sugar = 1701                     # cane or beet sugar\n"
    "staples = 10 1101 1102 1103 1507 1508 1509 1510 1511 1512 1513 1514 1515 1701\n"
    "fertilisers = 31                 # ch. 31 fertilisers\n"
    "fuels = 27                       # ch. 27 mineral fuels, mineral oils, gas, electricity\n"
    "medicines = 3003 3004            # medicaments, in bulk and in doses\n"
    "arms = 93                        # ch. 93 arms and ammunition\n";

#define BUILTIN_NAME "built-in groups"
#define MAX_NAME 64
#define MAX_LINE 4096

/* One member of a group: an HS prefix and the quantity factor of its products. */
typedef struct group_member {
    hs_prefix prefix;
    double factor; /* 1 unless written PREFIX*FACTOR */
} group_member;

typedef struct group_def {
    char *name;
    char *definition; /* "1001 1101*1.33" */
    group_member *members;
    int n_members;
} group_def;

struct lever_groups {
    group_def *groups;
    int n, cap;
};

/* ------------------------------------------------------------------ */
/* Group file                                                          */
/* ------------------------------------------------------------------ */

static void group_clear(group_def *g)
{
    free(g->name);
    free(g->definition);
    free(g->members);
}

static bool valid_name_char(char c, bool first)
{
    return isalpha((unsigned char)c) || (!first && (isdigit((unsigned char)c) || c == '_' ||
                                                    c == '-'));
}

/* Parses one "PREFIX[*FACTOR]" token [tok, tok+len) at column col. */
static int parse_member(const text_pos *pos, const char *line, const char *tok, size_t len,
                        group_member *out)
{
    size_t col = (size_t)(tok - line);
    const char *star = memchr(tok, '*', len);
    size_t digits = star ? (size_t)(star - tok) : len;
    out->factor = 1.0;
    if (!hs_prefix_parse(tok, digits, &out->prefix))
        return text_error_at(pos, col,
                           "'%.*s' is not an HS prefix; write 2, 4 or 6 digits (e.g. 1001), "
                           "optionally followed by *FACTOR",
                           (int)len, tok);
    if (!star)
        return LEVER_OK;
    char number[64];
    size_t flen = len - digits - 1;
    if (flen == 0 || flen >= sizeof number)
        return text_error_at(pos, col + digits + 1,
                           "missing quantity factor after '*'; write e.g. 1101*1.33");
    memcpy(number, star + 1, flen);
    number[flen] = '\0';
    char *end = NULL;
    errno = 0;
    double f = strtod(number, &end);
    if (errno || *end || !isfinite(f) || f <= 0)
        return text_error_at(pos, col + digits + 1,
                           "bad quantity factor '%s'; write a positive number such as 1.33",
                           number);
    out->factor = f;
    return LEVER_OK;
}

/* Parses the members after '=' into g; rest starts at column (rest - line). */
static int parse_members(const text_pos *pos, const char *line, const char *rest, group_def *g)
{
    size_t cap = 0;
    size_t def_len = 0;
    const char *p = rest;
    for (;;) {
        while (isspace((unsigned char)*p))
            p++;
        if (!*p)
            break;
        const char *tok = p;
        while (*p && !isspace((unsigned char)*p))
            p++;
        size_t len = (size_t)(p - tok);
        group_member m;
        int rc = parse_member(pos, line, tok, len, &m);
        if (rc)
            return rc;
        for (int n = 0; n < g->n_members; n++)
            if (g->members[n].prefix.digits == m.prefix.digits &&
                g->members[n].prefix.value == m.prefix.value)
                return text_error_at(pos, (size_t)(tok - line),
                                   "HS prefix '%.*s' is listed twice in group '%s'; keep one",
                                   (int)len, tok, g->name);
        if ((size_t)g->n_members == cap) {
            cap = cap ? cap * 2 : 8;
            group_member *bigger = realloc(g->members, cap * sizeof *bigger);
            if (!bigger)
                return text_error_at(pos, 0, "out of memory");
            g->members = bigger;
        }
        g->members[g->n_members++] = m;
        def_len += len + 1;
    }
    if (g->n_members == 0)
        return text_error_at(pos, (size_t)(rest - line),
                           "group '%s' lists no HS prefix; write e.g. '%s = 1001 1101*1.33'",
                           g->name, g->name);
    /* the definition: the members as written, one space apart */
    g->definition = malloc(def_len);
    if (!g->definition)
        return text_error_at(pos, 0, "out of memory");
    size_t used = 0;
    for (p = rest;;) {
        while (isspace((unsigned char)*p))
            p++;
        if (!*p)
            break;
        if (used)
            g->definition[used++] = ' ';
        while (*p && !isspace((unsigned char)*p))
            g->definition[used++] = *p++;
    }
    g->definition[used] = '\0';
    return LEVER_OK;
}

/* Parses one non-blank line "name = members" into g. */
static int parse_group_line(const text_pos *pos, char *line, const lever_groups *set, group_def *g)
{
    char *hash = strchr(line, '#');
    if (hash)
        *hash = '\0';
    const char *p = line;
    while (isspace((unsigned char)*p))
        p++;
    const char *name = p;
    if (!valid_name_char(*p, true))
        return text_error_at(pos, (size_t)(p - line),
                           "a group name must start with a letter; write 'name = PREFIX ...'");
    while (valid_name_char(*p, false))
        p++;
    size_t name_len = (size_t)(p - name);
    if (name_len > MAX_NAME)
        return text_error_at(pos, (size_t)(name - line), "group name longer than %d characters",
                           MAX_NAME);
    while (isspace((unsigned char)*p))
        p++;
    if (*p != '=')
        return text_error_at(pos, (size_t)(p - line),
                           "expected '=' after the group name '%.*s' (names use letters, "
                           "digits, '_' and '-'); write 'name = PREFIX ...'",
                           (int)name_len, name);
    g->name = strndup(name, name_len);
    if (!g->name)
        return text_error_at(pos, 0, "out of memory");
    for (int n = 0; n < set->n; n++)
        if (strcasecmp(set->groups[n].name, g->name) == 0)
            return text_error_at(pos, (size_t)(name - line),
                               "group '%s' is defined twice; rename or merge one", g->name);
    return parse_members(pos, line, p + 1, g);
}

static int add_group(lever_groups *set, group_def *g)
{
    if (set->n == set->cap) {
        int cap = set->cap ? set->cap * 2 : 16;
        group_def *bigger = realloc(set->groups, (size_t)cap * sizeof *bigger);
        if (!bigger)
            return LEVER_ENOMEM;
        set->groups = bigger;
        set->cap = cap;
    }
    set->groups[set->n++] = *g;
    return LEVER_OK;
}

/* Parses the whole text (modified in place) into set. */
static int parse_groups(const char *file, char *text, lever_groups *set, char *err,
                        size_t errlen)
{
    text_pos pos = {file, 0, err, errlen};
    char *cursor = text;
    for (char *line; (line = text_next_line(&cursor));) {
        pos.line++;
        if (text_blank_or_comment(line))
            continue;
        if (strlen(line) > MAX_LINE)
            return text_error_at(&pos, MAX_LINE, "line longer than %d characters; split the group",
                               MAX_LINE);
        group_def g = {0};
        int rc = parse_group_line(&pos, line, set, &g);
        if (rc == LEVER_OK && add_group(set, &g) != LEVER_OK)
            rc = text_error_at(&pos, 0, "out of memory");
        if (rc) {
            group_clear(&g);
            return rc;
        }
    }
    if (set->n == 0)
        return msg_fail(err, errlen, LEVER_EINPUT,
                           "%s: defines no group; write one per line as 'name = PREFIX ...' "
                           "(e.g. 'wheat = 1001 1101*1.33')",
                           file);
    return LEVER_OK;
}

static int groups_load(const char *path, lever_groups **out, char *err, size_t errlen)
{
    *out = NULL;
    char *text = NULL;
    int rc = path ? text_file_read(path, &text, err, errlen) : LEVER_OK;
    if (rc)
        return rc;
    if (!path && !(text = strdup(builtin_groups)))
        return msg_fail(err, errlen, LEVER_ENOMEM, "out of memory loading groups");
    lever_groups *set = calloc(1, sizeof *set);
    if (!set) {
        free(text);
        return msg_fail(err, errlen, LEVER_ENOMEM, "out of memory loading groups");
    }
    rc = parse_groups(path ? path : BUILTIN_NAME, text, set, err, errlen);
    free(text);
    if (rc) {
        lever_groups_free(set);
        return rc;
    }
    *out = set;
    return LEVER_OK;
}

void lever_groups_free(lever_groups *g)
{
    if (!g)
        return;
    for (int n = 0; n < g->n; n++)
        group_clear(&g->groups[n]);
    free(g->groups);
    free(g);
}

int lever_groups_count(const lever_groups *g)
{
    return g ? g->n : 0;
}

static const group_def *group_at(const lever_groups *g, int index)
{
    return g && index >= 0 && index < g->n ? &g->groups[index] : NULL;
}

const char *lever_groups_name(const lever_groups *g, int group)
{
    const group_def *e = group_at(g, group);
    return e ? e->name : "";
}

const char *lever_groups_definition(const lever_groups *g, int group)
{
    const group_def *e = group_at(g, group);
    return e ? e->definition : "";
}

int lever_groups_find(const lever_groups *g, const char *name)
{
    if (!g || !name)
        return -1;
    for (int n = 0; n < g->n; n++)
        if (strcasecmp(g->groups[n].name, name) == 0)
            return n;
    return -1;
}

double lever_groups_factor(const lever_groups *g, int group, int hs6)
{
    const group_def *e = group_at(g, group);
    if (!e)
        return 0;
    const group_member *best = NULL;
    for (int n = 0; n < e->n_members; n++)
        if (hs_prefix_matches(e->members[n].prefix, hs6) &&
            (!best || e->members[n].prefix.digits > best->prefix.digits))
            best = &e->members[n];
    return best ? best->factor : 0;
}

static bool group_has(const group_def *e, int hs6)
{
    for (int n = 0; n < e->n_members; n++)
        if (hs_prefix_matches(e->members[n].prefix, hs6))
            return true;
    return false;
}

int lever_groups_selection(const lever_store *s, const lever_groups *g, int group,
                           lever_selection **out, lever_error *err)
{
    *out = NULL;
    const group_def *e = group_at(g, group);
    if (!e)
        return error_set(err, LEVER_EUSAGE, "no product group number %d", group);
    char label[MAX_LINE + 2 * MAX_NAME];
    snprintf(label, sizeof label, "group %s (%s)", e->name, e->definition);
    lever_selection *sel = selection_new(s, label);
    if (!sel)
        return error_set(err, LEVER_ENOMEM, "out of memory selecting group '%s'", e->name);
    int found = 0;
    for (uint32_t p = 0; p < s->n_products; p++)
        if (group_has(e, (int)s->products[p].hs6)) {
            selection_add(sel, (int)p);
            if (!selection_set_factor(sel, (int)p,
                                      lever_groups_factor(g, group, (int)s->products[p].hs6))) {
                lever_selection_free(sel);
                return error_set(err, LEVER_ENOMEM, "out of memory selecting group '%s'",
                                  e->name);
            }
            found++;
        }
    if (found == 0) {
        lever_selection_free(sel);
        return error_set(err, LEVER_ENOTFOUND,
                          "product group '%s' (%s) matches no product of this store; check its "
                          "HS prefixes against the store's HS version",
                          e->name, e->definition);
    }
    *out = sel;
    return LEVER_OK;
}

/* ------------------------------------------------------------------ */
/* Weights                                                             */
/* ------------------------------------------------------------------ */

/* Fails with the list of group names, so the user sees what can be weighted. */
static int unknown_group(const lever_store *s, const lever_groups *g, const char *name,
                         size_t len, lever_error *err)
{
    char names[1024];
    size_t used = 0;
    names[0] = '\0';
    for (int n = 0; n < lever_groups_count(g) && used < sizeof names; n++) {
        int w = snprintf(names + used, sizeof names - used, "%s%s", n ? ", " : "",
                         g->groups[n].name);
        if (w < 0)
            break;
        used += (size_t)w;
    }
    return error_set(err, LEVER_EUSAGE,
                      "--weights: no product group '%.*s'; the groups are: %s (define more "
                      "with --groups FILE)",
                      (int)len, name, used ? names : "none");
}

/* Applies one "name=weight" item [item, item+len) of the spec. */
static int apply_weight(const lever_store *s, const lever_groups *g, const char *item, size_t len,
                        double *weights, lever_error *err)
{
    const char *eq = memchr(item, '=', len);
    if (!eq)
        return error_set(err, LEVER_EUSAGE,
                          "--weights: '%.*s' has no '='; write GROUP=WEIGHT, e.g. staples=2",
                          (int)len, item);
    char name[MAX_NAME + 1], number[64];
    size_t name_len = (size_t)(eq - item), num_len = len - name_len - 1;
    while (name_len > 0 && isspace((unsigned char)item[name_len - 1]))
        name_len--;
    while (name_len > 0 && isspace((unsigned char)*item)) {
        item++;
        name_len--;
    }
    if (name_len == 0 || name_len > MAX_NAME)
        return unknown_group(s, g, item, name_len, err);
    memcpy(name, item, name_len);
    name[name_len] = '\0';
    int group = lever_groups_find(g, name);
    if (group < 0)
        return unknown_group(s, g, name, name_len, err);
    if (num_len == 0 || num_len >= sizeof number)
        return error_set(err, LEVER_EUSAGE, "--weights: group '%s' has no weight after '='",
                          name);
    memcpy(number, eq + 1, num_len);
    number[num_len] = '\0';
    char *end = NULL;
    errno = 0;
    double w = strtod(number, &end);
    while (end && isspace((unsigned char)*end))
        end++;
    if (errno || end == number || *end || !isfinite(w) || w < 0)
        return error_set(err, LEVER_EUSAGE,
                          "--weights: bad weight '%s' for group '%s'; write a number >= 0, "
                          "e.g. %s=2",
                          number, name, name);
    for (uint32_t p = 0; p < s->n_products; p++)
        if (group_has(&g->groups[group], (int)s->products[p].hs6))
            weights[p] = w;
    return LEVER_OK;
}

int lever_weights_parse(const lever_store *s, const lever_groups *g, const char *spec,
                        double **weights, lever_error *err)
{
    *weights = NULL;
    double *w = malloc(((size_t)s->n_products + 1) * sizeof *w);
    if (!w)
        return error_set(err, LEVER_ENOMEM, "out of memory for --weights");
    for (uint32_t p = 0; p < s->n_products; p++)
        w[p] = 1.0;
    const char *p = spec ? spec : "";
    int items = 0;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len > 0) {
            int rc = apply_weight(s, g, p, len, w, err);
            if (rc) {
                free(w);
                return rc;
            }
            items++;
        }
        p += len + (comma != NULL);
    }
    if (items == 0) {
        free(w);
        return error_set(err, LEVER_EUSAGE,
                          "--weights is empty; write GROUP=WEIGHT,... e.g. staples=2,fuels=1.5");
    }
    *weights = w;
    return LEVER_OK;
}

/* ------------------------------------------------------------------ */
/* Trade elasticities                                                  */
/* ------------------------------------------------------------------ */

typedef struct sigma_entry {
    hs_prefix prefix;
    double sigma;
    int line;
} sigma_entry;

/* One key for (digits, value), so entries sort and search as integers. */
static int prefix_key(int digits, int value)
{
    return digits * 1000000 + value;
}

static int compare_sigma(const void *pa, const void *pb)
{
    const sigma_entry *a = pa, *b = pb;
    int ka = prefix_key(a->prefix.digits, a->prefix.value);
    int kb = prefix_key(b->prefix.digits, b->prefix.value);
    return (ka > kb) - (ka < kb);
}

/* Strips spaces and one pair of double quotes around [*start, *start+*len). */
static void trim_field(const char **start, size_t *len)
{
    while (*len > 0 && isspace((unsigned char)**start)) {
        (*start)++;
        (*len)--;
    }
    while (*len > 0 && isspace((unsigned char)(*start)[*len - 1]))
        (*len)--;
    if (*len >= 2 && **start == '"' && (*start)[*len - 1] == '"') {
        (*start)++;
        *len -= 2;
    }
}

/* Parses one data line "hs,sigma" into e; false with the message in err. */
static int parse_sigma_line(const text_pos *pos, const char *line, sigma_entry *e)
{
    const char *comma = strchr(line, ',');
    if (!comma)
        return text_error_at(pos, strlen(line),
                           "expected two fields 'hs,sigma' (e.g. 100190,4.5); add the comma");
    const char *hs = line;
    size_t hs_len = (size_t)(comma - line);
    trim_field(&hs, &hs_len);
    if (!hs_prefix_parse(hs, hs_len, &e->prefix))
        return text_error_at(pos, (size_t)(hs - line),
                           "'%.*s' is not an HS code or prefix; write 2, 4 or 6 digits",
                           (int)hs_len, hs);
    const char *num = comma + 1;
    size_t num_len = strcspn(num, ",");
    if (num[num_len] == ',')
        return text_error_at(pos, (size_t)(num + num_len - line),
                           "more than two fields; the file holds 'hs,sigma' per line");
    trim_field(&num, &num_len);
    char number[64];
    if (num_len == 0 || num_len >= sizeof number)
        return text_error_at(pos, (size_t)(num - line),
                           "missing or overlong sigma; write a positive number (e.g. 4.5)");
    memcpy(number, num, num_len);
    number[num_len] = '\0';
    char *end = NULL;
    errno = 0;
    double sigma = strtod(number, &end);
    if (errno || *end || !isfinite(sigma) || sigma <= 0)
        return text_error_at(pos, (size_t)(num - line),
                           "bad sigma '%s'; write a positive number (e.g. 4.5)", number);
    e->sigma = sigma;
    e->line = pos->line;
    return LEVER_OK;
}

/* A header line names the columns instead of giving numbers. */
static bool is_header(const char *line)
{
    while (isspace((unsigned char)*line) || *line == '"')
        line++;
    return isalpha((unsigned char)*line);
}

/* Reads every entry of the sigma file; sorted by prefix, duplicates refused. */
static int read_sigma_entries(const char *path, char *text, sigma_entry **out, size_t *n_out,
                              char *err, size_t errlen)
{
    text_pos pos = {path, 0, err, errlen};
    sigma_entry *entries = NULL;
    size_t n = 0, cap = 0;
    char *cursor = text;
    int rc = LEVER_OK;
    bool header_allowed = true; /* on the first line that is not a comment */
    for (char *line; (line = text_next_line(&cursor));) {
        pos.line++;
        if (text_blank_or_comment(line))
            continue;
        bool header = header_allowed && is_header(line);
        header_allowed = false;
        if (header)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            sigma_entry *bigger = realloc(entries, cap * sizeof *bigger);
            if (!bigger) {
                rc = msg_fail(err, errlen, LEVER_ENOMEM, "%s: out of memory", path);
                break;
            }
            entries = bigger;
        }
        if ((rc = parse_sigma_line(&pos, line, &entries[n])))
            break;
        n++;
    }
    if (rc == LEVER_OK && n == 0)
        rc = msg_fail(err, errlen, LEVER_EINPUT,
                         "%s: holds no elasticity; write one 'hs,sigma' per line (e.g. "
                         "100190,4.5)",
                         path);
    if (rc == LEVER_OK) {
        sort_items(entries, n, sizeof *entries, compare_sigma);
        for (size_t e = 1; e < n; e++)
            if (compare_sigma(&entries[e - 1], &entries[e]) == 0) {
                const sigma_entry *first = entries[e - 1].line < entries[e].line
                                               ? &entries[e - 1]
                                               : &entries[e];
                const sigma_entry *again = first == &entries[e] ? &entries[e - 1] : &entries[e];
                pos.line = again->line;
                rc = text_error_at(&pos, 0,
                                 "HS prefix %0*d is given again (first on line %d); keep one",
                                 first->prefix.digits, first->prefix.value, first->line);
                break;
            }
    }
    if (rc) {
        free(entries);
        return rc;
    }
    *out = entries;
    *n_out = n;
    return LEVER_OK;
}

static const sigma_entry *find_sigma(const sigma_entry *entries, size_t n, hs_prefix prefix)
{
    sigma_entry key = {.prefix = prefix};
    return bsearch(&key, entries, n, sizeof *entries, compare_sigma);
}

static int sigma_load(const lever_store *s, const char *path, double **sigma, char *err,
                      size_t errlen)
{
    *sigma = NULL;
    char *text = NULL;
    int rc = text_file_read(path, &text, err, errlen);
    if (rc)
        return rc;
    sigma_entry *entries = NULL;
    size_t n = 0;
    rc = read_sigma_entries(path, text, &entries, &n, err, errlen);
    free(text);
    if (rc)
        return rc;
    double *out = malloc(((size_t)s->n_products + 1) * sizeof *out);
    if (!out) {
        free(entries);
        return msg_fail(err, errlen, LEVER_ENOMEM, "%s: out of memory", path);
    }
    for (uint32_t p = 0; p < s->n_products; p++) {
        int hs6 = (int)s->products[p].hs6;
        const sigma_entry *e = NULL;
        for (int digits = 6; digits >= 2 && !e; digits -= 2)
            e = find_sigma(entries, n, hs6_prefix(hs6, digits));
        out[p] = e ? e->sigma : NAN;
    }
    free(entries);
    *sigma = out;
    return LEVER_OK;
}

/* The group and sigma readers write "file:line:column: ..." into a plain buffer. */
static int into_error(int rc, lever_error *err)
{
    if (rc && err)
        err->code = rc;
    return rc;
}

int lever_groups_load(const char *path, lever_groups **out, lever_error *err)
{
    return into_error(groups_load(path, out, err ? err->message : NULL,
                                  err ? sizeof err->message : 0),
                      err);
}

int lever_sigma_load(const lever_store *s, const char *path, double **sigma, lever_error *err)
{
    return into_error(sigma_load(s, path, sigma, err ? err->message : NULL,
                                 err ? sizeof err->message : 0),
                      err);
}
