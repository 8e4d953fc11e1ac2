/*
 * test_render.c - the text side of src/lib/render (render.h): escaping of strings from
 * data for markup and for the JSON block (quotes, angle brackets, control characters,
 * invalid UTF-8, a cut that keeps characters whole), the number formats people read
 * (thousands separators to INT64_MIN, short amounts, shares, ratios), the shortest exact
 * text of a double, and the HS sections. Expected texts are written here by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "render.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void escaped(const char *in, const char *want)
{
    rbuf b = {0};
    rb_esc(&b, in);
    assert_false(b.oom);
    assert_string_equal(b.p ? b.p : "", want);
    rb_free(&b);
}

static void escape_markup(void **state)
{
    (void)state;
    escaped("plain", "plain");
    escaped("<script>&\"'", "&lt;script&gt;&amp;&quot;&#39;");
    escaped("tab\there\nnew", "tab here new");
    escaped("caf\xC3\xA9", "caf\xC3\xA9");
    escaped("bad \xE9 byte", "bad \xEF\xBF\xBD byte"); /* Latin-1 é: U+FFFD */
    escaped("", "");
}

static void escape_cut(void **state)
{
    (void)state;
    rbuf b = {0};
    rb_esc_cut(&b, "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", 4); /* 5 é, room for 4 */
    assert_string_equal(b.p, "\xC3\xA9\xC3\xA9\xC3\xA9\xE2\x80\xA6");
    rb_free(&b);
    rb_esc_cut(&b, "a<b", 3); /* fits: whole, escaped */
    assert_string_equal(b.p, "a&lt;b");
    rb_free(&b);
    rb_esc_cut(&b, "<<<<", 3);
    assert_string_equal(b.p, "&lt;&lt;\xE2\x80\xA6");
    rb_free(&b);
}

static void json_strings_and_numbers(void **state)
{
    (void)state;
    rbuf b = {0};
    rb_json_str(&b, "a\"b\\c</script>\x01\xE9");
    assert_string_equal(b.p, "\"a\\\"b\\\\c\\u003c/script>\\u0001\\ufffd\"");
    rb_free(&b);
    rb_json_num(&b, 0.1);
    rb_puts(&b, " ");
    rb_json_num(&b, NAN);
    rb_puts(&b, " ");
    rb_json_num(&b, INFINITY);
    rb_puts(&b, " ");
    rb_json_num(&b, 343403980.0);
    rb_puts(&b, " ");
    rb_json_num(&b, 0.0047361099280146144);
    assert_string_equal(b.p, "0.1 null null 343403980 0.0047361099280146144");
    rb_free(&b);
    char buf[40];
    assert_string_equal(fmt_exact(0.003442823359487487, buf, sizeof buf), "0.003442823359487487");
    assert_string_equal(fmt_exact(-2.5, buf, sizeof buf), "-2.5");
}

static void long_text(void **state)
{
    (void)state;
    rbuf b = {0};
    char big[3000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    rb_printf(&b, "[%s]", big); /* beyond rb_printf's small buffer */
    assert_int_equal(b.len, sizeof big + 1);
    assert_int_equal(b.p[0], '[');
    assert_int_equal(b.p[b.len - 1], ']');
    rb_free(&b);
}

static void number_formats(void **state)
{
    (void)state;
    char buf[64];
    assert_string_equal(fmt_grouped(0, buf, sizeof buf), "0");
    assert_string_equal(fmt_grouped(999, buf, sizeof buf), "999");
    assert_string_equal(fmt_grouped(1000, buf, sizeof buf), "1,000");
    assert_string_equal(fmt_grouped(-7359139, buf, sizeof buf), "-7,359,139");
    assert_string_equal(fmt_grouped(INT64_MIN, buf, sizeof buf), "-9,223,372,036,854,775,808");
    assert_string_equal(fmt_grouped_u(UINT64_MAX, buf, sizeof buf), "18,446,744,073,709,551,615");
    assert_string_equal(fmt_usd_short(347210628, 0, buf, sizeof buf), "347 M");
    assert_string_equal(fmt_usd_short(12694113, 0, buf, sizeof buf), "12.7 M");
    assert_string_equal(fmt_usd_short(4603228571.0, 0, buf, sizeof buf), "4.60 bn");
    assert_string_equal(fmt_usd_short(963, 0, buf, sizeof buf), "963");
    assert_string_equal(fmt_usd_short(3552491, 1, buf, sizeof buf), "+3.6 M");
    assert_string_equal(fmt_usd_short(-7359139, 1, buf, sizeof buf), "\xE2\x88\x92" "7.4 M");
    assert_string_equal(fmt_share(0.7928382260623608, buf, sizeof buf), "79.3%");
    assert_string_equal(fmt_share(0.0001, buf, sizeof buf), "<0.1%");
    assert_string_equal(fmt_share(NAN, buf, sizeof buf), "-");
    assert_string_equal(fmt_ratio(0.0047361099280146144, buf, sizeof buf), "0.004736");
    assert_string_equal(fmt_ratio(INFINITY, buf, sizeof buf), "inf");
    assert_string_equal(fmt_ratio(NAN, buf, sizeof buf), "-");
}

static void sections(void **state)
{
    (void)state;
    assert_int_equal(hs_section(10190), 1);   /* 010190 live animals: I */
    assert_int_equal(hs_section(100190), 2);  /* wheat: II */
    assert_int_equal(hs_section(110100), 2);  /* flour: II */
    assert_int_equal(hs_section(151211), 3);  /* oils: III */
    assert_int_equal(hs_section(270900), 5);  /* crude oil: V */
    assert_int_equal(hs_section(870332), 17); /* cars: XVII */
    assert_int_equal(hs_section(970100), 21); /* paintings: XXI */
    assert_int_equal(hs_section(999999), 0);  /* not a chapter of the HS */
    assert_string_equal(hs_section_roman(17), "XVII");
    assert_string_equal(hs_section_title(5), "Mineral products");
    assert_string_equal(hs_section_title(0), "Other");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(escape_markup),   cmocka_unit_test(escape_cut),
        cmocka_unit_test(json_strings_and_numbers), cmocka_unit_test(long_text),
        cmocka_unit_test(number_formats),  cmocka_unit_test(sections),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
