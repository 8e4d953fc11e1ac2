/*
 * test_utf8.c - lever_utf8_length and lever_utf8_from_legacy: valid UTF-8 of every length
 * is kept, every kind of invalid sequence (stray continuation, overlong, surrogate, beyond
 * U+10FFFF, cut short) is found, and Windows-1252 text becomes the expected UTF-8 bytes
 * (written here from the code charts, not computed by the function under test).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lever.h"

#include <stdlib.h>
#include <string.h>

static void valid_lengths(void **state)
{
    (void)state;
    assert_int_equal(lever_utf8_length("a"), 1);
    assert_int_equal(lever_utf8_length("\xC3\xA9"), 2);         /* é */
    assert_int_equal(lever_utf8_length("\xE2\x82\xAC"), 3);     /* € */
    assert_int_equal(lever_utf8_length("\xF0\x9F\x98\x80"), 4); /* U+1F600 */
    assert_int_equal(lever_utf8_length("\xF4\x8F\xBF\xBF"), 4); /* U+10FFFF */
    assert_int_equal(lever_utf8_length(""), 0);
}

static void invalid_sequences(void **state)
{
    (void)state;
    assert_int_equal(lever_utf8_length("\xE9t\xE9"), 0);       /* Latin-1 é */
    assert_int_equal(lever_utf8_length("\x80"), 0);            /* stray continuation */
    assert_int_equal(lever_utf8_length("\xC0\xAF"), 0);        /* overlong '/' */
    assert_int_equal(lever_utf8_length("\xE0\x80\xAF"), 0);    /* overlong, 3 bytes */
    assert_int_equal(lever_utf8_length("\xED\xA0\x80"), 0);    /* surrogate U+D800 */
    assert_int_equal(lever_utf8_length("\xF4\x90\x80\x80"), 0); /* U+110000 */
    assert_int_equal(lever_utf8_length("\xE2\x82"), 0);        /* cut short by the end */
    assert_int_equal(lever_utf8_length("\xFF"), 0);
}

static void legacy_converted(void **state)
{
    (void)state;
    size_t bad;
    char *s = lever_utf8_from_legacy("C\xF4te d'Ivoire \x96 \x80" "5", &bad);
    assert_non_null(s);
    assert_int_equal(bad, 1);
    assert_string_equal(s, "C\xC3\xB4te d'Ivoire \xE2\x80\x93 \xE2\x82\xAC" "5");
    free(s);
    s = lever_utf8_from_legacy("\x81", &bad); /* unassigned in Windows-1252 */
    assert_string_equal(s, "\xEF\xBF\xBD");
    free(s);
    s = lever_utf8_from_legacy("Bl\xC3\xA9 d\xE2\x80\x99" "\xC3\xA9t\xC3\xA9", &bad); /* UTF-8 kept */
    assert_int_equal(bad, (size_t)-1);
    assert_string_equal(s, "Bl\xC3\xA9 d\xE2\x80\x99" "\xC3\xA9t\xC3\xA9");
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_lengths),
        cmocka_unit_test(invalid_sequences),
        cmocka_unit_test(legacy_converted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
