/*
 * report.c - lever_report_html: the bilateral report of two countries as one HTML page.
 *
 * What it holds, in order: the headline figures (X both ways, LEV both ways, net
 * leverage, each with its year and its change), the time line of both flows, what each
 * sells the other grouped by HS section, the products where each is most exposed to the
 * other, leverage both ways with its channels and top products, B's supplier mix for its
 * largest imports from A, what changed between the first and last year, and data notes.
 *
 * Why it is built this way:
 *   - one file that works offline: CSS and SVG inline, no script, font or image fetched;
 *     the figures also sit in a JSON block (<script type="application/json"
 *     id="lever-data">, which browsers never run) for programs and tests;
 *   - the same figures as the commands: every section is filled from the same library
 *     call, with the same query, as the command named under it (lever dyad, depend,
 *     leverage, change), and the JSON block keeps those commands' JSON keys; no figure is
 *     computed here;
 *   - every string from data (names, descriptions, file names) is escaped (text.c);
 *   - the same store gives the same bytes (no date, no random id): pages can be compared;
 *   - built in memory and handed to write() once, so a failed query leaves no page.
 * Layout: a readable column (max 980 px) that reflows to one column on a phone, tables
 * that scroll sideways inside their box on a narrow screen, and @media print rules for
 * A4 and Letter (no navigation, figures kept whole, 10 pt text).
 */
#include "render.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_TOP 10
#define SUPPLIER_PRODUCTS 3 /* products shown in the supplier-mix section */
#define CHART_WIDTH 600

static const char css[] =
    ":root{--ink:#1f2328;--muted:#5b6470;--rule:#d9dde2;--soft:#f5f7f9;--a:#1b4f72;"
    "--b:#c77a1d;--warn:#8a1c1c}\n"
    "*{box-sizing:border-box}\n"
    "html{-webkit-text-size-adjust:100%}\n"
    "body{margin:0;color:var(--ink);background:#fff;font:16px/1.5 'Helvetica Neue',"
    "Helvetica,Arial,'Liberation Sans','DejaVu Sans',sans-serif}\n"
    "main{max-width:980px;margin:0 auto;padding:0 20px 48px}\n"
    "header.masthead{border-bottom:3px solid var(--ink);padding:28px 0 14px;margin-bottom:18px}\n"
    ".kicker{margin:0;color:var(--muted);font-size:13px;letter-spacing:.06em;"
    "text-transform:uppercase}\n"
    "h1{margin:4px 0 6px;font-size:34px;line-height:1.15;letter-spacing:-.01em}\n"
    ".lede{margin:0;color:var(--muted);font-size:17px}\n"
    ".synthetic{margin:14px 0 0;padding:8px 12px;border:2px solid var(--warn);color:var(--warn);"
    "font-weight:bold;font-size:14px;letter-spacing:.02em}\n"
    ".headline{display:grid;grid-template-columns:repeat(5,1fr);gap:0;margin:0 0 8px;"
    "border-top:1px solid var(--rule);border-bottom:1px solid var(--rule)}\n"
    ".card{padding:14px 14px 12px;border-left:1px solid var(--rule)}\n"
    ".card:first-child{border-left:0;padding-left:0}\n"
    ".card .label{font-size:13px;color:var(--muted);margin:0}\n"
    ".card .figure{font-size:28px;font-weight:bold;line-height:1.2;margin:4px 0 2px;"
    "font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    ".card .unit{font-size:14px;font-weight:normal;color:var(--muted)}\n"
    ".card .note{font-size:13px;color:var(--muted);margin:0}\n"
    ".card.a .figure{color:var(--a)}.card.b .figure{color:var(--b)}\n"
    ".summary{font-size:17px;margin:14px 0 8px}\n"
    "nav.toc{display:flex;flex-wrap:wrap;gap:4px 16px;font-size:14px;margin:10px 0 6px}\n"
    "nav.toc a{color:var(--a);text-decoration:none;white-space:nowrap}\n"
    "section{margin-top:34px}\n"
    "h2{font-size:22px;margin:0 0 6px;padding-top:10px;border-top:1px solid var(--rule)}\n"
    "h3{font-size:16px;margin:20px 0 6px}\n"
    "p{margin:6px 0 10px;max-width:46em}\n"
    "figure{margin:12px 0 6px}\n"
    "figure svg{display:block;width:100%;height:auto;max-width:720px}\n"
    ".table-wrap{overflow-x:auto;margin:8px 0 4px;-webkit-overflow-scrolling:touch}\n"
    "table{border-collapse:collapse;font-size:13.5px;min-width:100%}\n"
    "th,td{padding:5px 9px 5px 0;text-align:left;vertical-align:top;"
    "border-bottom:1px solid var(--rule)}\n"
    "th{font-size:12px;color:var(--muted);font-weight:600;border-bottom:1.5px solid var(--ink);"
    "white-space:nowrap}\n"
    "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    "td.desc{min-width:14em;color:#39424c}\n"
    "tbody tr:nth-child(even) td{background:var(--soft)}\n"
    "code{font:13px/1.4 ui-monospace,'DejaVu Sans Mono',Menlo,Consolas,monospace;"
    "background:var(--soft);padding:1px 4px;border-radius:3px}\n"
    ".cmd{font-size:13px;color:var(--muted)}\n"
    ".flag{display:inline-block;font-size:11px;font-weight:bold;padding:0 5px;border-radius:3px;"
    "border:1px solid currentColor;margin-right:3px}\n"
    ".flag.crit{color:var(--warn)}.flag.geo{color:var(--a)}\n"
    "dl.notes{display:grid;grid-template-columns:11em 1fr;gap:4px 14px;font-size:14px}\n"
    "dl.notes dt{color:var(--muted)}dl.notes dd{margin:0}\n"
    "footer{margin-top:40px;padding-top:10px;border-top:1px solid var(--rule);font-size:13px;"
    "color:var(--muted)}\n"
    "@media (max-width:760px){main{padding:0 14px 32px}h1{font-size:27px}"
    ".headline{grid-template-columns:1fr 1fr}.card{border-left:0;padding-left:0;"
    "border-top:1px solid var(--rule)}.card .figure{font-size:24px}"
    "dl.notes{grid-template-columns:1fr}dl.notes dt{margin-top:6px}"
    "figure{overflow-x:auto;-webkit-overflow-scrolling:touch}figure svg{min-width:540px}}\n"
    "@media print{@page{margin:14mm 12mm}body{font-size:10pt}main{max-width:none;padding:0}"
    "nav.toc{display:none}section{margin-top:18px}h1{font-size:22pt}h2{font-size:14pt;"
    "break-after:avoid}h3{break-after:avoid}figure,tr,.card{break-inside:avoid}"
    "figure svg{max-width:17cm}.table-wrap{overflow:visible}table{font-size:8.5pt}"
    "tbody tr:nth-child(even) td{background:none}.headline{grid-template-columns:repeat(5,1fr)}"
    ".card{border-top:0}.card .figure{font-size:16pt}.card .label,.card .note{font-size:8pt}"
    ".lede,.summary{font-size:11pt}.synthetic{font-size:10pt}a{color:inherit;text-decoration:none}}\n";

/* Everything the page shows, gathered before a byte is written. */
typedef struct report_data {
    const lever_store *s;
    lever_info info;
    int a, b, y0, y1, top;
    char ca[16], cb[16];
    lever_dyad_result *dyad;          /* every year, top products per year */
    lever_depend_result *dep_b, *dep_a; /* depend B --on A, depend A --on B, year y1 */
    lever_leverage_result *lev;       /* every year, top contributions */
    lever_change_result *chg_ab, *chg_ba; /* y0 -> y1, when y0 < y1 */
    int n_mix;
    supplier_mix mix[SUPPLIER_PRODUCTS];
} report_data;

static void report_free(report_data *d)
{
    lever_dyad_free(d->dyad);
    lever_depend_free(d->dep_b);
    lever_depend_free(d->dep_a);
    lever_leverage_free(d->lev);
    lever_change_free(d->chg_ab);
    lever_change_free(d->chg_ba);
    for (int i = 0; i < d->n_mix; i++)
        supplier_mix_free(&d->mix[i]);
}

static int gather(report_data *d, const lever_query *q, lever_error *err)
{
    const lever_store *s = d->s;
    lever_query all = q ? *q : (lever_query){0};
    all.year_from = d->y0;
    all.year_to = d->y1;
    lever_query last = all;
    last.year_from = d->y1;
    int rc;
    if ((rc = lever_dyad(s, d->a, d->b, &all, d->top, &d->dyad, err)) != LEVER_OK)
        return rc;
    if ((rc = lever_depend(s, d->b, d->a, &last, d->top, &d->dep_b, err)) != LEVER_OK)
        return rc;
    if ((rc = lever_depend(s, d->a, d->b, &last, d->top, &d->dep_a, err)) != LEVER_OK)
        return rc;
    if ((rc = lever_leverage(s, d->a, d->b, &all, 5, &d->lev, err)) != LEVER_OK)
        return rc;
    if (d->y0 < d->y1) {
        if ((rc = lever_change(s, d->a, d->b, &all, &d->chg_ab, err)) != LEVER_OK)
            return rc;
        if ((rc = lever_change(s, d->b, d->a, &all, &d->chg_ba, err)) != LEVER_OK)
            return rc;
    }
    /* B's suppliers of its largest imports from A in the last year */
    for (size_t i = 0; i < d->dyad->n_a_to_b && d->n_mix < SUPPLIER_PRODUCTS; i++) {
        if (d->dyad->a_to_b[i].year != d->y1)
            continue;
        rc = supplier_mix_load(s, d->b, d->dyad->a_to_b[i].product, d->a, &all,
                               &d->mix[d->n_mix], err);
        if (rc != LEVER_OK)
            return rc;
        d->n_mix++;
    }
    return LEVER_OK;
}

/* "2021", or "2019–2021" for a range. */
static const char *years_text(const report_data *d, char *buf, size_t len)
{
    if (d->y0 == d->y1)
        snprintf(buf, len, "%d", d->y1);
    else
        snprintf(buf, len, "%d\xE2\x80\x93%d", d->y0, d->y1);
    return buf;
}

/* "--years 2021" or "--years 2019-2021", for the command lines named in the page. */
static const char *years_option(const report_data *d, char *buf, size_t len)
{
    if (d->y0 == d->y1)
        snprintf(buf, len, "--years %d", d->y1);
    else
        snprintf(buf, len, "--years %d-%d", d->y0, d->y1);
    return buf;
}

/* ------------------------------------------------------------------ */
/* Pieces of markup                                                    */
/* ------------------------------------------------------------------ */

static void td_usd(rbuf *b, uint64_t v)
{
    char buf[40];
    rb_printf(b, "<td class=\"n\" data-v=\"%llu\">%s</td>", (unsigned long long)v,
              fmt_grouped_u(v, buf, sizeof buf));
}

static void td_susd(rbuf *b, int64_t v)
{
    char buf[40];
    rb_printf(b, "<td class=\"n\" data-v=\"%lld\">%s</td>", (long long)v,
              fmt_grouped(v, buf, sizeof buf));
}

static void td_share(rbuf *b, double v)
{
    char buf[40];
    rb_puts(b, "<td class=\"n\" data-v=\"");
    rb_json_num(b, v);
    rb_printf(b, "\">%s</td>", fmt_share(v, buf, sizeof buf));
}

static void td_ratio(rbuf *b, double v)
{
    char buf[40];
    rb_puts(b, "<td class=\"n\" data-v=\"");
    rb_json_num(b, v);
    rb_printf(b, "\">%s</td>", fmt_ratio(v, buf, sizeof buf));
}

/* A double of USD (effects, S, K): rounded to the dollar for people. */
static void td_dusd(rbuf *b, double v)
{
    char buf[40];
    rb_puts(b, "<td class=\"n\" data-v=\"");
    rb_json_num(b, v);
    if (isfinite(v))
        rb_printf(b, "\">%s</td>", fmt_grouped((int64_t)llround(v), buf, sizeof buf));
    else
        rb_puts(b, "\">-</td>");
}

static void td_product(rbuf *b, const lever_store *s, int product)
{
    lever_product p;
    lever_product_at(s, product, &p);
    rb_printf(b, "<td><code>%06d</code></td><td class=\"desc\">", p.hs6);
    rb_esc(b, p.description);
    rb_puts(b, "</td>");
}

static void th_row(rbuf *b, const char *const *heads, int n)
{
    rb_puts(b, "<thead><tr>");
    for (int i = 0; i < n; i++) {
        const char *h = heads[i];
        int num = h[0] == '>';
        rb_printf(b, "<th%s>", num ? " class=\"n\"" : "");
        rb_esc(b, num ? h + 1 : h);
        rb_puts(b, "</th>");
    }
    rb_puts(b, "</tr></thead><tbody>\n");
}

static void table_open(rbuf *b, const char *id)
{
    rb_printf(b, "<div class=\"table-wrap\"><table id=\"%s\">", id);
}

static void table_close(rbuf *b)
{
    rb_puts(b, "</tbody></table></div>\n");
}

/* "Same figures: lever CMD" under a section, for readers who want the tables. */
static void cmd_line(rbuf *b, const char *cmd)
{
    rb_puts(b, "<p class=\"cmd\">The same figures as <code>");
    rb_esc(b, cmd);
    rb_puts(b, "</code>.</p>\n");
}

static const lever_dyad_year *dyad_year(const report_data *d, int year)
{
    for (int i = 0; i < d->dyad->n_years; i++)
        if (d->dyad->years[i].year == year)
            return &d->dyad->years[i];
    return NULL;
}

static const lever_leverage_year *lev_year(const report_data *d, int year)
{
    for (int i = 0; i < d->lev->n_years; i++)
        if (d->lev->years[i].year == year)
            return &d->lev->years[i];
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Sections                                                            */
/* ------------------------------------------------------------------ */

/* A headline amount with 4 significant digits: "343.4 M", "12.69 M", "1.107 bn". */
static const char *fmt_usd_head(double v, char *buf, size_t len)
{
    static const struct {
        double unit;
        const char *name;
    } units[] = {{1e9, " bn"}, {1e6, " M"}, {1e3, " k"}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (v >= units[i].unit) {
            double x = v / units[i].unit;
            snprintf(buf, len, "%.*f%s", x >= 100 ? 1 : x >= 10 ? 2 : 3, x, units[i].name);
            return buf;
        }
    snprintf(buf, len, "%.0f", v);
    return buf;
}

static void card_open(rbuf *b, const char *cls, const char *key)
{
    rb_printf(b, "<div class=\"card %s\" data-key=\"%s\">", cls, key);
}

static void headline(rbuf *b, const report_data *d)
{
    char buf[64], v[64], label[128];
    const lever_dyad_year *now = dyad_year(d, d->y1);
    const lever_dyad_year *prev = d->y1 > d->y0 ? dyad_year(d, d->y1 - 1) : NULL;
    const lever_leverage_year *ln = lev_year(d, d->y1);
    const lever_leverage_year *lp = d->y1 > d->y0 ? lev_year(d, d->y1 - 1) : NULL;
    rb_puts(b, "<section class=\"headline\" id=\"headline\" aria-label=\"Headline figures\">\n");
    for (int dir = 0; dir < 2; dir++) {
        uint64_t x = now ? (dir == 0 ? now->a_to_b : now->b_to_a) : 0;
        double g = now ? (dir == 0 ? now->growth_a_to_b : now->growth_b_to_a) : NAN;
        snprintf(label, sizeof label, "%s \xE2\x86\x92 %s exports, %d", dir == 0 ? d->ca : d->cb,
                 dir == 0 ? d->cb : d->ca, d->y1);
        card_open(b, dir == 0 ? "a" : "b", dir == 0 ? "x_ab" : "x_ba");
        rb_puts(b, "<p class=\"label\">");
        rb_esc(b, label);
        rb_printf(b, "</p><p class=\"figure\" data-v=\"%llu\">%s <span class=\"unit\">USD</span></p>",
                  (unsigned long long)x, fmt_usd_head((double)x, v, sizeof v));
        if (prev && isfinite(g))
            rb_printf(b, "<p class=\"note\">%s%.1f%% on %d</p>", g >= 0 ? "+" : "\xE2\x88\x92",
                      fabs(g) * 100, prev->year);
        else if (prev)
            rb_printf(b, "<p class=\"note\">%s USD in %d</p>",
                      fmt_usd_short((double)(dir == 0 ? prev->a_to_b : prev->b_to_a), 0, buf,
                                    sizeof buf),
                      prev->year);
        rb_puts(b, "</div>\n");
    }
    for (int dir = 0; dir < 3; dir++) {
        double lev = ln ? (dir == 0 ? ln->lev_ab : dir == 1 ? ln->lev_ba : ln->net) : NAN;
        double was = lp ? (dir == 0 ? lp->lev_ab : dir == 1 ? lp->lev_ba : lp->net) : NAN;
        if (dir < 2)
            snprintf(label, sizeof label, "LEV(%s over %s), %d", dir == 0 ? d->ca : d->cb,
                     dir == 0 ? d->cb : d->ca, d->y1);
        else
            snprintf(label, sizeof label, "Net leverage of %s, %d", d->ca, d->y1);
        card_open(b, dir == 0 ? "a" : dir == 1 ? "b" : "net",
                  dir == 0 ? "lev_ab" : dir == 1 ? "lev_ba" : "net");
        rb_puts(b, "<p class=\"label\">");
        rb_esc(b, label);
        rb_puts(b, "</p><p class=\"figure\" data-v=\"");
        rb_json_num(b, lev);
        rb_printf(b, "\">%s</p>", fmt_ratio(lev, v, sizeof v));
        if (dir == 2 && ln && isfinite(ln->asymmetry))
            rb_printf(b, "<p class=\"note\">asymmetry %s\xC3\x97%s</p>",
                      fmt_ratio(ln->asymmetry, buf, sizeof buf), lp ? "" : "");
        else if (lp)
            rb_printf(b, "<p class=\"note\">%s in %d</p>", fmt_ratio(was, buf, sizeof buf),
                      lp->year);
        rb_puts(b, "</div>\n");
    }
    rb_puts(b, "</section>\n");
}

static void summary_sentence(rbuf *b, const report_data *d)
{
    const lever_leverage_year *ln = lev_year(d, d->y1);
    if (!ln)
        return;
    char buf[64];
    rb_puts(b, "<p class=\"summary\">");
    int a_holds = ln->net >= 0;
    const char *holder = a_holds ? d->ca : d->cb, *other = a_holds ? d->cb : d->ca;
    double ratio = a_holds ? ln->asymmetry : 1 / ln->asymmetry;
    rb_printf(b, "In %d, <strong>", d->y1);
    rb_esc(b, country_name(d->s, a_holds ? d->a : d->b));
    rb_puts(b, "</strong> held more leverage over ");
    rb_esc(b, country_name(d->s, a_holds ? d->b : d->a));
    if (isfinite(ratio) && ratio > 0)
        rb_printf(b, " than the reverse: LEV(%s over %s) is %s times LEV(%s over %s).", holder,
                  other, fmt_ratio(ratio, buf, sizeof buf), other, holder);
    else
        rb_printf(b, " than the reverse.");
    /* the largest contribution to the holder's supply channel that year */
    for (size_t i = 0; i < d->lev->n_contributions; i++) {
        const lever_contribution *c = &d->lev->contributions[i];
        if (c->year != d->y1 || c->holder != (a_holds ? d->a : d->b) ||
            c->channel != LEVER_CHANNEL_SUPPLY)
            continue;
        lever_product p;
        lever_product_at(d->s, c->product, &p);
        rb_printf(b, " Its largest source is HS %06d (", p.hs6);
        rb_esc_cut(b, p.description, 90);
        rb_printf(b, "), %s of its supply channel.", fmt_share(c->share, buf, sizeof buf));
        break;
    }
    rb_puts(b, "</p>\n");
}

static void section_flows(rbuf *b, const report_data *d)
{
    char cmd[160];
    rb_puts(b, "<section id=\"flows\"><h2>Trade each way</h2>\n<p>What each country exported "
               "to the other every year, in US dollars (FOB).</p>\n<figure>");
    chart_flows(b, d->s, d->dyad, CHART_WIDTH, "chart-flows");
    rb_puts(b, "</figure>\n");
    static const char *const heads[] = {"year", ">A\xE2\x86\x92" "B, USD", ">B\xE2\x86\x92" "A, USD",
                                        ">total, USD", ">balance, USD", ">growth A\xE2\x86\x92" "B",
                                        ">growth B\xE2\x86\x92" "A"};
    table_open(b, "table-flows");
    /* headings with the countries' codes */
    rb_printf(b, "<thead><tr><th>year</th><th class=\"n\">%s\xE2\x86\x92%s, USD</th>"
                 "<th class=\"n\">%s\xE2\x86\x92%s, USD</th><th class=\"n\">total, USD</th>"
                 "<th class=\"n\">balance, USD</th><th class=\"n\">growth %s\xE2\x86\x92%s</th>"
                 "<th class=\"n\">growth %s\xE2\x86\x92%s</th></tr></thead><tbody>\n",
              d->ca, d->cb, d->cb, d->ca, d->ca, d->cb, d->cb, d->ca);
    (void)heads;
    for (int i = 0; i < d->dyad->n_years; i++) {
        const lever_dyad_year *y = &d->dyad->years[i];
        rb_printf(b, "<tr data-year=\"%d\"><td>%d</td>", y->year, y->year);
        if (y->covered_a_to_b)
            td_usd(b, y->a_to_b);
        else
            rb_puts(b, "<td class=\"n\">not covered</td>");
        if (y->covered_b_to_a)
            td_usd(b, y->b_to_a);
        else
            rb_puts(b, "<td class=\"n\">not covered</td>");
        td_usd(b, y->total);
        td_susd(b, y->balance);
        td_share(b, y->growth_a_to_b);
        td_share(b, y->growth_b_to_a);
        rb_puts(b, "</tr>\n");
    }
    table_close(b);
    char yo[32];
    snprintf(cmd, sizeof cmd, "lever dyad %s %s %s", d->ca, d->cb, years_option(d, yo, sizeof yo));
    cmd_line(b, cmd);
    rb_puts(b, "</section>\n");
}

static void products_table(rbuf *b, const report_data *d, const lever_product_flow *f, size_t n,
                           const char *id)
{
    static const char *const heads[] = {"#", "HS6", "product", "section", ">value, USD",
                                        ">s (share of the buyer's imports)",
                                        ">e (share of the seller's exports)"};
    table_open(b, id);
    th_row(b, heads, 7);
    int rank = 0;
    for (size_t i = 0; i < n; i++) {
        if (f[i].year != d->y1)
            continue;
        lever_product p;
        lever_product_at(d->s, f[i].product, &p);
        int sec = hs_section(p.hs6);
        rb_printf(b, "<tr data-hs6=\"%06d\"><td>%d</td>", p.hs6, ++rank);
        td_product(b, d->s, f[i].product);
        rb_printf(b, "<td>%s</td>", hs_section_roman(sec));
        td_usd(b, f[i].value);
        td_share(b, f[i].supplier_share);
        td_share(b, f[i].dest_share);
        rb_puts(b, "</tr>\n");
    }
    if (rank == 0)
        rb_puts(b, "<tr><td colspan=\"7\">no flows this year</td></tr>\n");
    table_close(b);
}

static void section_products(rbuf *b, const report_data *d)
{
    char cmd[160];
    rb_printf(b, "<section id=\"products\"><h2>What each sells the other, %d</h2>\n"
                 "<p>The largest products each way, grouped by section of the Harmonized "
                 "System. <em>s</em> is the seller's share of the buyer's imports of the "
                 "product, <em>e</em> the buyer's share of the seller's exports of it.</p>\n"
                 "<figure>",
              d->y1);
    chart_products(b, d->s, d->dyad, d->y1, d->top, CHART_WIDTH, "chart-products");
    rb_puts(b, "</figure>\n");
    rb_printf(b, "<h3>%s \xE2\x86\x92 %s</h3>\n", d->ca, d->cb);
    products_table(b, d, d->dyad->a_to_b, d->dyad->n_a_to_b, "table-products-ab");
    rb_printf(b, "<h3>%s \xE2\x86\x92 %s</h3>\n", d->cb, d->ca);
    products_table(b, d, d->dyad->b_to_a, d->dyad->n_b_to_a, "table-products-ba");
    snprintf(cmd, sizeof cmd, "lever dyad %s %s --year %d --top %d", d->ca, d->cb, d->y1, d->top);
    cmd_line(b, cmd);
    rb_puts(b, "</section>\n");
}

static void depend_table(rbuf *b, const report_data *d, const lever_depend_result *r,
                         const char *id)
{
    char code[16], head[64];
    country_code(d->s, r->on, code, sizeof code);
    snprintf(head, sizeof head, ">from %s, USD", code);
    const char *const heads[] = {"#", "HS6", "product", ">imports, USD", head, ">s",
                                 "HHI level", ">N", ">d", "flags"};
    table_open(b, id);
    th_row(b, heads, 10);
    for (size_t i = 0; i < r->n; i++) {
        const lever_depend_row *w = &r->rows[i];
        lever_product p;
        lever_product_at(d->s, w->product, &p);
        rb_printf(b, "<tr data-hs6=\"%06d\"><td>%zu</td>", p.hs6, i + 1);
        td_product(b, d->s, w->product);
        td_usd(b, w->imports);
        td_usd(b, w->supplier_value);
        td_share(b, w->supplier_share);
        rb_puts(b, "<td>");
        rb_esc(b, w->hhi_level);
        rb_printf(b, "</td><td class=\"n\">%d</td>", w->n_suppliers);
        td_ratio(b, w->d);
        rb_puts(b, "<td>");
        if (w->critical)
            rb_puts(b, "<span class=\"flag crit\" title=\"bilateral critical dependence\">"
                       "critical</span>");
        if (w->geodep)
            rb_puts(b, "<span class=\"flag geo\" title=\"the three GeoDep conditions hold\">"
                       "GeoDep</span>");
        rb_puts(b, "</td></tr>\n");
    }
    if (r->n == 0)
        rb_puts(b, "<tr><td colspan=\"10\">no imports from this partner</td></tr>\n");
    table_close(b);
}

static void section_exposure(rbuf *b, const report_data *d)
{
    char cmd[160];
    rb_printf(b, "<section id=\"exposure\"><h2>Where each depends on the other, %d</h2>\n"
                 "<p>The products each country buys from the other, ranked by the seller's "
                 "share <em>s</em> of its imports, with how concentrated its supply is (HHI "
                 "level, <em>N</em> suppliers) and how hard the seller is to replace "
                 "(<em>d</em> from 0, easy, to 1, impossible). <em>critical</em>: bilateral "
                 "critical dependence; <em>GeoDep</em>: the three GeoDep conditions hold "
                 "(see the indicator definitions).</p>\n",
              d->y1);
    rb_puts(b, "<h3>");
    rb_esc(b, country_name(d->s, d->b));
    rb_puts(b, " buying from ");
    rb_esc(b, country_name(d->s, d->a));
    rb_puts(b, "</h3>\n");
    depend_table(b, d, d->dep_b, "table-depend-b");
    snprintf(cmd, sizeof cmd, "lever depend %s --on %s --year %d --top %d", d->cb, d->ca, d->y1,
             d->top);
    cmd_line(b, cmd);
    rb_puts(b, "<h3>");
    rb_esc(b, country_name(d->s, d->a));
    rb_puts(b, " buying from ");
    rb_esc(b, country_name(d->s, d->b));
    rb_puts(b, "</h3>\n");
    depend_table(b, d, d->dep_a, "table-depend-a");
    snprintf(cmd, sizeof cmd, "lever depend %s --on %s --year %d --top %d", d->ca, d->cb, d->y1,
             d->top);
    cmd_line(b, cmd);
    rb_puts(b, "</section>\n");
}

static void section_leverage(rbuf *b, const report_data *d)
{
    char cmd[160];
    rb_puts(b, "<section id=\"leverage\"><h2>Leverage both ways</h2>\n<p><em>LEV(A over B)</em> "
               "= (S + K) / T(B): the supply channel <em>S</em> sums B's imports from A weighted "
               "by how hard A is to replace, the market channel <em>K</em> B's exports to A "
               "weighted by how hard A is to replace as a buyer; T(B) is B's total trade. Net "
               "leverage is the difference of the two directions, asymmetry their ratio.</p>\n"
               "<figure>");
    chart_leverage(b, d->s, d->lev, CHART_WIDTH, "chart-leverage");
    rb_puts(b, "</figure>\n");
    table_open(b, "table-leverage");
    rb_printf(b, "<thead><tr><th>year</th><th class=\"n\">T(%s,%s), USD</th>"
                 "<th class=\"n\">S(%s over %s)</th><th class=\"n\">K(%s over %s)</th>"
                 "<th class=\"n\">LEV(%s over %s)</th><th class=\"n\">S(%s over %s)</th>"
                 "<th class=\"n\">K(%s over %s)</th><th class=\"n\">LEV(%s over %s)</th>"
                 "<th class=\"n\">net</th><th class=\"n\">asymmetry</th></tr></thead><tbody>\n",
              d->ca, d->cb, d->ca, d->cb, d->ca, d->cb, d->ca, d->cb, d->cb, d->ca, d->cb, d->ca,
              d->cb, d->ca);
    for (int i = 0; i < d->lev->n_years; i++) {
        const lever_leverage_year *y = &d->lev->years[i];
        rb_printf(b, "<tr data-year=\"%d\"><td>%d</td>", y->year, y->year);
        td_usd(b, y->trade);
        td_dusd(b, y->supply_ab);
        td_dusd(b, y->market_ab);
        td_ratio(b, y->lev_ab);
        td_dusd(b, y->supply_ba);
        td_dusd(b, y->market_ba);
        td_ratio(b, y->lev_ba);
        td_ratio(b, y->net);
        td_ratio(b, y->asymmetry);
        rb_puts(b, "</tr>\n");
    }
    table_close(b);
    rb_printf(b, "<h3>Top contributing products, %d</h3>\n", d->y1);
    static const char *const heads[] = {"holder", "channel", "HS6", "product", ">value, USD",
                                        ">d", ">term", ">share of channel"};
    table_open(b, "table-contributions");
    th_row(b, heads, 8);
    for (size_t i = 0; i < d->lev->n_contributions; i++) {
        const lever_contribution *c = &d->lev->contributions[i];
        if (c->year != d->y1)
            continue;
        char code[16];
        country_code(d->s, c->holder, code, sizeof code);
        rb_printf(b, "<tr><td>%s</td><td>%s</td>", code,
                  c->channel == LEVER_CHANNEL_SUPPLY ? "supply" : "market");
        td_product(b, d->s, c->product);
        td_usd(b, c->value);
        td_ratio(b, c->d);
        td_dusd(b, c->term);
        td_share(b, c->share);
        rb_puts(b, "</tr>\n");
    }
    table_close(b);
    char yo[32];
    snprintf(cmd, sizeof cmd, "lever leverage %s --over %s %s --top 5", d->ca, d->cb,
             years_option(d, yo, sizeof yo));
    cmd_line(b, cmd);
    rb_puts(b, "</section>\n");
}

static void section_suppliers(rbuf *b, const report_data *d)
{
    rb_puts(b, "<section id=\"suppliers\"><h2>Who else supplies ");
    rb_esc(b, country_name(d->s, d->b));
    rb_puts(b, "</h2>\n<p>For ");
    rb_esc(b, country_name(d->s, d->b));
    rb_puts(b, "\xE2\x80\x99s largest imports from ");
    rb_esc(b, country_name(d->s, d->a));
    rb_printf(b, " in %d: every supplier\xE2\x80\x99s share of the product\xE2\x80\x99s imports, "
                 "year by year. Competitors that gain share are where ",
              d->y1);
    rb_esc(b, country_name(d->s, d->a));
    rb_puts(b, "\xE2\x80\x99s leverage can erode.</p>\n");
    if (d->n_mix == 0)
        rb_puts(b, "<p>No imports from this partner in the last year.</p>\n");
    for (int i = 0; i < d->n_mix; i++) {
        char id[32];
        snprintf(id, sizeof id, "chart-suppliers-%d", i + 1);
        rb_puts(b, "<figure>");
        chart_suppliers(b, d->s, &d->mix[i], CHART_WIDTH, id);
        rb_puts(b, "</figure>\n");
    }
    rb_puts(b, "</section>\n");
}

static void change_table(rbuf *b, const report_data *d, const lever_change_result *r,
                         const char *id)
{
    char h0[32], h1[32];
    snprintf(h0, sizeof h0, ">%d, USD", r->year0);
    snprintf(h1, sizeof h1, ">%d, USD", r->year1);
    const char *const heads[] = {"#", "HS6", "product", h0, h1, ">change, USD",
                                 ">share of change", ">quantity effect", ">price effect"};
    table_open(b, id);
    th_row(b, heads, 9);
    size_t shown = r->n < (size_t)d->top ? r->n : (size_t)d->top;
    for (size_t i = 0; i < shown; i++) {
        const lever_change_row *w = &r->rows[i];
        lever_product p;
        lever_product_at(d->s, w->product, &p);
        rb_printf(b, "<tr data-hs6=\"%06d\"><td>%zu</td>", p.hs6, i + 1);
        td_product(b, d->s, w->product);
        td_usd(b, w->v0);
        td_usd(b, w->v1);
        td_susd(b, w->delta);
        td_share(b, w->share_of_change);
        td_dusd(b, w->quantity_effect);
        td_dusd(b, w->price_effect);
        rb_puts(b, "</tr>\n");
    }
    char buf[40];
    rb_printf(b, "<tr class=\"total\"><td></td><td></td><td class=\"desc\"><strong>all products "
                 "(%zu changed)</strong></td>",
              r->n);
    td_usd(b, r->total0);
    td_usd(b, r->total1);
    td_susd(b, r->delta);
    rb_printf(b, "<td></td><td></td><td></td></tr>\n");
    (void)buf;
    table_close(b);
}

static void section_change(rbuf *b, const report_data *d)
{
    char cmd[160];
    rb_printf(b, "<section id=\"change\"><h2>What changed, %d to %d</h2>\n", d->y0, d->y1);
    if (!d->chg_ab) {
        rb_puts(b, "<p>The report covers a single year: there is no change to show.</p>"
                   "</section>\n");
        return;
    }
    rb_puts(b, "<p>Each product\xE2\x80\x99s contribution to the change in exports, split "
               "where quantities are known into a quantity effect (more or fewer goods) and a "
               "price effect (dearer or cheaper goods); the two add up to the change.</p>\n"
               "<figure>");
    chart_change(b, d->s, d->chg_ab, d->top < 8 ? d->top : 8, CHART_WIDTH, "chart-change");
    rb_puts(b, "</figure>\n");
    rb_printf(b, "<h3>%s \xE2\x86\x92 %s</h3>\n", d->ca, d->cb);
    change_table(b, d, d->chg_ab, "table-change-ab");
    snprintf(cmd, sizeof cmd, "lever change %s %s --from %d --to %d --top %d", d->ca, d->cb,
             d->y0, d->y1, d->top);
    cmd_line(b, cmd);
    rb_printf(b, "<h3>%s \xE2\x86\x92 %s</h3>\n", d->cb, d->ca);
    change_table(b, d, d->chg_ba, "table-change-ba");
    snprintf(cmd, sizeof cmd, "lever change %s %s --from %d --to %d --top %d", d->cb, d->ca,
             d->y0, d->y1, d->top);
    cmd_line(b, cmd);
    rb_puts(b, "</section>\n");
}

static void section_notes(rbuf *b, const report_data *d)
{
    const lever_info *in = &d->info;
    char buf[64];
    rb_puts(b, "<section id=\"notes\"><h2>Data notes</h2>\n<dl class=\"notes\">\n");
    rb_puts(b, "<dt>Source</dt><dd>");
    if (in->synthetic)
        rb_puts(b, "<strong>Synthetic data generated by <code>lever synth</code>: not real "
                   "trade.</strong> The figures show how the report reads, nothing about the "
                   "countries named.");
    else if (in->comtrade)
        rb_puts(b, "UN Comtrade, as declared by reporters (imported from Comtrade Plus "
                   "files).");
    else
        rb_puts(b, "CEPII BACI: product-level trade flows reconciled from UN Comtrade "
                   "declarations, values FOB.");
    rb_puts(b, "</dd>\n<dt>Files imported</dt><dd>");
    rb_esc(b, in->sources[0] ? in->sources : "-");
    rb_puts(b, "</dd>\n<dt>HS edition</dt><dd>");
    rb_esc(b, in->hs_version[0] ? in->hs_version : "unknown");
    rb_puts(b, "</dd>\n<dt>Release</dt><dd>");
    rb_esc(b, in->release[0] ? in->release : "unknown");
    char nprod[32];
    rb_printf(b, "</dd>\n<dt>Store</dt><dd>%s rows, years %d\xE2\x80\x93%d, %d countries, %s "
                 "products</dd>\n",
              fmt_grouped_u(in->rows, buf, sizeof buf), in->year_min, in->year_max,
              in->n_countries, fmt_grouped_u((uint64_t)in->n_products, nprod, sizeof nprod));
    char yt[32];
    rb_printf(b, "<dt>This report</dt><dd>%s %s; values in current US dollars, "
                 "exact to the dollar in tables; shares and ratios as the indicator "
                 "definitions give them</dd>\n",
              d->y0 == d->y1 ? "year" : "years", years_text(d, yt, sizeof yt));
    rb_puts(b, "<dt>Coverage</dt><dd>");
    int gaps = 0;
    for (int yi = 0; yi < in->n_years; yi++) {
        int year = lever_year_at(d->s, yi);
        if (year < d->y0 || year > d->y1)
            continue;
        for (int dir = 0; dir < 2; dir++) {
            char note[512];
            if (!lever_coverage_note(d->s, yi, dir == 0 ? d->a : d->b, dir == 0 ? d->b : d->a,
                                     note, sizeof note)) {
                rb_puts(b, gaps++ ? "<br>" : "");
                rb_esc(b, note);
            }
        }
    }
    if (!gaps)
        rb_puts(b, "the store holds every flow each way in every year shown: a missing flow is "
                   "zero trade, not missing data.");
    rb_puts(b, "</dd>\n<dt>How to cite</dt><dd>");
    if (in->synthetic)
        rb_puts(b, "Do not cite: these figures are synthetic.");
    else if (in->comtrade)
        rb_puts(b, "United Nations Comtrade Database, https://comtradeplus.un.org; computed "
                   "with lever " LEVER_VERSION ".");
    else {
        rb_puts(b, "Gaulier, G. and Zignago, S. (2010), <em>BACI: International Trade Database "
                   "at the Product-Level. The 1994-2007 Version</em>, CEPII Working Paper "
                   "2010-23; release ");
        rb_esc(b, in->release);
        rb_puts(b, "; computed with lever " LEVER_VERSION ".");
    }
    rb_puts(b, "</dd>\n</dl>\n</section>\n");
}

/* The figures of the page, with the JSON keys of the commands named under each section. */
static void json_country(rbuf *b, const lever_store *s, int c)
{
    lever_country k;
    lever_country_at(s, c, &k);
    rb_puts(b, "{\"iso3\": ");
    rb_json_str(b, k.iso3);
    rb_printf(b, ", \"code\": %d, \"name\": ", k.code);
    rb_json_str(b, k.name);
    rb_puts(b, "}");
}

static void json_hs6(rbuf *b, const lever_store *s, int product)
{
    lever_product p;
    lever_product_at(s, product, &p);
    rb_printf(b, "\"hs6\": \"%06d\", \"section\": \"%s\"", p.hs6,
              hs_section_roman(hs_section(p.hs6)));
}

static void json_kv(rbuf *b, const char *key, double v)
{
    rb_printf(b, ", \"%s\": ", key);
    rb_json_num(b, v);
}

static void json_ku(rbuf *b, const char *key, uint64_t v)
{
    rb_printf(b, ", \"%s\": %llu", key, (unsigned long long)v);
}

static void json_flows(rbuf *b, const report_data *d, const lever_product_flow *f, size_t n)
{
    int first = 1, rank = 0, year = 0;
    rb_puts(b, "[");
    for (size_t i = 0; i < n; i++) {
        rank = f[i].year == year ? rank + 1 : 1;
        year = f[i].year;
        rb_printf(b, "%s\n      {\"year\": %d, \"rank\": %d, ", first ? "" : ",", f[i].year, rank);
        first = 0;
        json_hs6(b, d->s, f[i].product);
        json_ku(b, "value", f[i].value);
        if (f[i].qty_kg == LEVER_QTY_MISSING)
            rb_puts(b, ", \"qty_kg\": null");
        else
            rb_printf(b, ", \"qty_kg\": %lld", (long long)f[i].qty_kg);
        json_kv(b, "supplier_share", f[i].supplier_share);
        json_kv(b, "dest_share", f[i].dest_share);
        json_kv(b, "hhi", f[i].hhi);
        rb_printf(b, ", \"n_suppliers\": %d}", f[i].n_suppliers);
    }
    rb_puts(b, "]");
}

static void json_depend(rbuf *b, const report_data *d, const lever_depend_result *r)
{
    char code[16];
    rb_puts(b, "{\"importer\": ");
    country_code(d->s, r->importer, code, sizeof code);
    rb_json_str(b, code);
    rb_puts(b, ", \"on\": ");
    country_code(d->s, r->on, code, sizeof code);
    rb_json_str(b, code);
    lever_country kc;
    lever_country_at(d->s, r->importer, &kc);
    rb_printf(b, ", \"importer_code\": %d", kc.code);
    lever_country_at(d->s, r->on, &kc);
    rb_printf(b, ", \"on_code\": %d", kc.code);
    rb_printf(b, ", \"year\": %d, \"products\": [", r->year);
    for (size_t i = 0; i < r->n; i++) {
        const lever_depend_row *w = &r->rows[i];
        rb_printf(b, "%s\n      {\"rank\": %zu, ", i ? "," : "", i + 1);
        json_hs6(b, d->s, w->product);
        json_ku(b, "imports", w->imports);
        json_kv(b, "import_share", w->import_share);
        json_ku(b, "supplier_value", w->supplier_value);
        json_kv(b, "supplier_share", w->supplier_share);
        json_kv(b, "hhi", w->hhi);
        rb_puts(b, ", \"hhi_level\": ");
        rb_json_str(b, w->hhi_level);
        rb_printf(b, ", \"n_suppliers\": %d", w->n_suppliers);
        json_kv(b, "d", w->d);
        rb_printf(b, ", \"geodep\": %d, \"critical\": %d", w->geodep, w->critical);
        json_kv(b, "score", w->score);
        rb_puts(b, "}");
    }
    rb_puts(b, "]}");
}

static void json_change(rbuf *b, const report_data *d, const lever_change_result *r)
{
    if (!r) {
        rb_puts(b, "null");
        return;
    }
    rb_printf(b, "{\"year_from\": %d, \"year_to\": %d", r->year0, r->year1);
    json_ku(b, "total_from", r->total0);
    json_ku(b, "total_to", r->total1);
    rb_printf(b, ", \"change\": %lld, \"products_changed\": %zu, \"products\": [",
              (long long)r->delta, r->n);
    size_t shown = r->n < (size_t)d->top ? r->n : (size_t)d->top;
    for (size_t i = 0; i < shown; i++) {
        const lever_change_row *w = &r->rows[i];
        rb_printf(b, "%s\n      {\"rank\": %zu, ", i ? "," : "", i + 1);
        json_hs6(b, d->s, w->product);
        json_ku(b, "value_from", w->v0);
        json_ku(b, "value_to", w->v1);
        rb_printf(b, ", \"change\": %lld", (long long)w->delta);
        json_kv(b, "share_of_change", w->share_of_change);
        json_kv(b, "quantity_effect", w->quantity_effect);
        json_kv(b, "price_effect", w->price_effect);
        rb_puts(b, "}");
    }
    rb_puts(b, "]}");
}

static void json_data(rbuf *b, const report_data *d)
{
    const lever_info *in = &d->info;
    rb_puts(b, "<script type=\"application/json\" id=\"lever-data\">\n{\"generator\": \"lever "
               LEVER_VERSION "\", \"a\": ");
    json_country(b, d->s, d->a);
    rb_puts(b, ", \"b\": ");
    json_country(b, d->s, d->b);
    rb_printf(b, ", \"year_from\": %d, \"year_to\": %d, \"top\": %d,\n \"store\": {\"synthetic\": "
                 "%s, \"comtrade\": %s, \"hs_version\": ",
              d->y0, d->y1, d->top, in->synthetic ? "true" : "false",
              in->comtrade ? "true" : "false");
    rb_json_str(b, in->hs_version);
    rb_puts(b, ", \"release\": ");
    rb_json_str(b, in->release);
    rb_puts(b, ", \"sources\": ");
    rb_json_str(b, in->sources);
    rb_printf(b, ", \"rows\": %llu},\n \"dyad\": {\"years\": [", (unsigned long long)in->rows);
    for (int i = 0; i < d->dyad->n_years; i++) {
        const lever_dyad_year *y = &d->dyad->years[i];
        rb_printf(b, "%s\n      {\"year\": %d", i ? "," : "", y->year);
        json_ku(b, "a_to_b", y->a_to_b);
        json_ku(b, "b_to_a", y->b_to_a);
        json_ku(b, "total", y->total);
        rb_printf(b, ", \"balance\": %lld", (long long)y->balance);
        json_kv(b, "growth_a_to_b", y->growth_a_to_b);
        json_kv(b, "growth_b_to_a", y->growth_b_to_a);
        json_kv(b, "growth_total", y->growth_total);
        rb_printf(b, ", \"covered_a_to_b\": %d, \"covered_b_to_a\": %d}", y->covered_a_to_b,
                  y->covered_b_to_a);
    }
    rb_puts(b, "],\n  \"a_to_b\": ");
    json_flows(b, d, d->dyad->a_to_b, d->dyad->n_a_to_b);
    rb_puts(b, ",\n  \"b_to_a\": ");
    json_flows(b, d, d->dyad->b_to_a, d->dyad->n_b_to_a);
    rb_puts(b, "},\n \"depend_b\": ");
    json_depend(b, d, d->dep_b);
    rb_puts(b, ",\n \"depend_a\": ");
    json_depend(b, d, d->dep_a);
    rb_puts(b, ",\n \"leverage\": {\"years\": [");
    for (int i = 0; i < d->lev->n_years; i++) {
        const lever_leverage_year *y = &d->lev->years[i];
        rb_printf(b, "%s\n      {\"year\": %d", i ? "," : "", y->year);
        json_ku(b, "trade", y->trade);
        json_ku(b, "total_a", y->total_a);
        json_ku(b, "total_b", y->total_b);
        json_kv(b, "supply_ab", y->supply_ab);
        json_kv(b, "market_ab", y->market_ab);
        json_kv(b, "lev_ab", y->lev_ab);
        json_kv(b, "supply_ba", y->supply_ba);
        json_kv(b, "market_ba", y->market_ba);
        json_kv(b, "lev_ba", y->lev_ba);
        json_kv(b, "net", y->net);
        json_kv(b, "asymmetry", y->asymmetry);
        rb_puts(b, "}");
    }
    rb_puts(b, "],\n  \"contributions\": [");
    for (size_t i = 0; i < d->lev->n_contributions; i++) {
        const lever_contribution *c = &d->lev->contributions[i];
        char code[16];
        country_code(d->s, c->holder, code, sizeof code);
        rb_printf(b, "%s\n      {\"year\": %d, \"holder\": ", i ? "," : "", c->year);
        rb_json_str(b, code);
        rb_printf(b, ", \"channel\": \"%s\", ",
                  c->channel == LEVER_CHANNEL_SUPPLY ? "supply" : "market");
        json_hs6(b, d->s, c->product);
        json_ku(b, "value", c->value);
        json_kv(b, "d", c->d);
        json_kv(b, "weight", c->weight);
        json_kv(b, "term", c->term);
        json_kv(b, "share", c->share);
        rb_puts(b, "}");
    }
    rb_puts(b, "]},\n \"suppliers\": [");
    for (int m = 0; m < d->n_mix; m++) {
        const supplier_mix *x = &d->mix[m];
        rb_printf(b, "%s\n  {", m ? "," : "");
        json_hs6(b, d->s, x->product);
        rb_puts(b, ", \"years\": [");
        for (int y = 0; y < x->n_years; y++) {
            const lever_suppliers_result *r = x->by_year[y];
            rb_printf(b, "%s\n    {\"year\": %d, \"suppliers\": [", y ? "," : "", x->years[y]);
            for (size_t i = 0; r && i < r->n; i++) {
                char code[16];
                country_code(d->s, r->flows[i].exporter, code, sizeof code);
                lever_country kc;
                lever_country_at(d->s, r->flows[i].exporter, &kc);
                rb_printf(b, "%s{\"country\": ", i ? ", " : "");
                rb_json_str(b, code);
                rb_printf(b, ", \"country_code\": %d", kc.code);
                json_ku(b, "value", r->flows[i].value);
                json_kv(b, "share", r->flows[i].supplier_share);
                rb_puts(b, "}");
            }
            rb_puts(b, "]}");
        }
        rb_puts(b, "]}");
    }
    rb_puts(b, "],\n \"change\": {\"a_to_b\": ");
    json_change(b, d, d->chg_ab);
    rb_puts(b, ",\n  \"b_to_a\": ");
    json_change(b, d, d->chg_ba);
    rb_puts(b, "}}\n</script>\n");
}

static void page(rbuf *b, const report_data *d)
{
    const char *na = country_name(d->s, d->a), *nb = country_name(d->s, d->b);
    rb_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
               "<meta name=\"generator\" content=\"lever " LEVER_VERSION "\">\n<title>");
    rb_esc(b, na);
    rb_puts(b, " and ");
    rb_esc(b, nb);
    char yt[32];
    rb_printf(b, ": trade, dependence and leverage, %s%s</title>\n<style>\n",
              years_text(d, yt, sizeof yt), d->info.synthetic ? " (synthetic data)" : "");
    rb_puts(b, css);
    rb_puts(b, "</style>\n</head>\n<body>\n<main>\n<header class=\"masthead\">\n");
    rb_printf(b, "<p class=\"kicker\">Bilateral report \xC2\xB7 %s \xC2\xB7 ",
              years_text(d, yt, sizeof yt));
    rb_esc(b, d->info.synthetic ? "synthetic data"
                                : d->info.comtrade ? "UN Comtrade" : "CEPII BACI");
    if (d->info.hs_version[0]) {
        rb_puts(b, " ");
        rb_esc(b, d->info.hs_version);
    }
    rb_puts(b, "</p>\n<h1>");
    rb_esc(b, na);
    rb_puts(b, " and ");
    rb_esc(b, nb);
    rb_puts(b, "</h1>\n<p class=\"lede\">Trade, dependence and leverage, both ways: who needs "
               "whom, in which products, and how that changed.</p>\n");
    if (d->info.synthetic)
        rb_puts(b, "<p class=\"synthetic\" id=\"synthetic\">SYNTHETIC DATA generated by lever "
                   "synth: not real trade</p>\n");
    rb_puts(b, "</header>\n");
    headline(b, d);
    summary_sentence(b, d);
    rb_puts(b, "<nav class=\"toc\"><a href=\"#flows\">Trade each way</a><a href=\"#products\">"
               "Products</a><a href=\"#exposure\">Dependence</a><a href=\"#leverage\">Leverage"
               "</a><a href=\"#suppliers\">Suppliers</a><a href=\"#change\">Change</a>"
               "<a href=\"#notes\">Data notes</a></nav>\n");
    section_flows(b, d);
    section_products(b, d);
    section_exposure(b, d);
    section_leverage(b, d);
    section_suppliers(b, d);
    section_change(b, d);
    section_notes(b, d);
    rb_puts(b, "<footer>Made by lever " LEVER_VERSION " from the store\xE2\x80\x99s figures; "
               "every indicator is defined in lever\xE2\x80\x99s docs/INDICATORS.md.</footer>\n");
    json_data(b, d);
    rb_puts(b, "</main>\n</body>\n</html>\n");
}

int lever_report_html(const lever_store *s, int a, int b, const lever_query *q, int top,
                      lever_write_fn write, void *ud, lever_error *err)
{
    report_data d = {.s = s, .a = a, .b = b, .top = top > 0 ? top : DEFAULT_TOP};
    lever_get_info(s, &d.info);
    d.y0 = q && q->year_from ? q->year_from : d.info.year_min;
    d.y1 = q && q->year_to ? q->year_to : d.info.year_max;
    country_code(s, a, d.ca, sizeof d.ca);
    country_code(s, b, d.cb, sizeof d.cb);
    int rc = gather(&d, q, err);
    if (rc == LEVER_OK) {
        rbuf out = {0};
        page(&out, &d);
        if (out.oom) {
            rc = LEVER_ENOMEM;
            if (err) {
                err->code = rc;
                snprintf(err->message, sizeof err->message, "out of memory");
            }
        } else if (write(ud, out.p, out.len) != 0) {
            rc = LEVER_EIO;
            if (err) {
                err->code = rc;
                snprintf(err->message, sizeof err->message, "cannot write the report");
            }
        }
        rb_free(&out);
    }
    report_free(&d);
    return rc;
}
