/*
 * test_article_meta.c - tests of tools/import/article_meta.c.
 *
 * Built with the importers' library (wikipack_import) and run by ctest
 * (-R article_meta); under AddressSanitizer in a -DWIKIPACK_SANITIZE=ON
 * build.
 *
 * Every parse goes through an exact-size heap copy without a trailing NUL,
 * so AddressSanitizer catches any read past len.
 */
#include "import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int passed, failed;

#define CHECK(cond) check((cond), #cond, __FILE__, __LINE__)

static void check(int ok, const char *what, const char *file, int line)
{
    if (ok) {
        passed++;
    } else {
        failed++;
        fprintf(stderr, "%s:%d: FAILED: %s\n", file, line, what);
    }
}

static int str_eq(const char *a, const char *b)
{
    return a && b ? strcmp(a, b) == 0 : a == b;
}

/* Parses the first len bytes of text from an exact-size heap copy. */
static int parse_n(const char *text, size_t len, imp_meta *m, char *why, size_t cap)
{
    char *copy = malloc(len ? len : 1);
    if (!copy) abort();
    memcpy(copy, text, len);
    int st = imp_meta_parse(copy, len, m, why, cap);
    free(copy);
    return st;
}

static int parse(const char *text, imp_meta *m, char *why, size_t cap)
{
    return parse_n(text, strlen(text), m, why, cap);
}

/* imp_parse_time on a C string; returns the status, value in *us. */
static int ptime(const char *s, int64_t *us)
{
    size_t n = strlen(s);
    char *copy = malloc(n ? n : 1);
    if (!copy) abort();
    memcpy(copy, s, n);
    int r = imp_parse_time(copy, n, us);
    free(copy);
    return r;
}

static int64_t time_or(const char *s, int64_t dflt)
{
    int64_t us;
    return ptime(s, &us) == 0 ? us : dflt;
}

static const char GROK[] =
    "# Grok (web framework)\n"
    "\n"
    "## Metadata\n"
    "- **Last Updated:** 2024-12-15 04:18:51 UTC\n"
    "- **Original Article:** [Grok (web framework)](https://en.wikipedia.org/wiki/Grok_(web_framework))\n"
    "- **Language:** en\n"
    "- **Page ID:** 18836690\n"
    "\n"
    "## Summary\n"
    "Grok is an open-source web framework.\n"
    "- **Page ID:** 999\n";   /* outside the block: must be ignored */

static const char TWISTED[] =
    "# Twisted (software)\n"
    "\n"
    "## Article Metadata\n"
    "\n"
    "- **Last Updated:** 2024-12-15T04:22:26.870339+00:00\n"
    "- **Original Article:** [Twisted (software)](https://en.wikipedia.org/wiki/Twisted_(software))\n"
    "- **Language:** en\n"
    "- **Page ID:** 1793652\n"
    "- **Type:** Disambiguation Page\n"
    "\n"
    "## Summary\n"
    "\n"
    "Twisted is an event-driven network programming framework.\n";

static void test_metadata_layout(void)
{
    imp_meta m;
    char why[128];
    CHECK(parse(GROK, &m, why, sizeof why) == IMP_META_OK);
    CHECK(str_eq(m.title, "Grok (web framework)"));
    CHECK(str_eq(m.language, "en"));
    CHECK(str_eq(m.url, "https://en.wikipedia.org/wiki/Grok_(web_framework)"));
    CHECK(m.has_page_id && m.page_id == 18836690);
    CHECK(m.has_updated && m.updated_us == INT64_C(1734236331) * 1000000);
    CHECK(why[0] == '\0');
    imp_meta_free(&m);
    CHECK(m.title == NULL && m.url == NULL && m.has_page_id == 0);
    imp_meta_free(&m);   /* safe on a zeroed struct */
}

static void test_article_metadata_layout(void)
{
    imp_meta m;
    CHECK(parse(TWISTED, &m, NULL, 0) == IMP_META_OK);
    CHECK(str_eq(m.title, "Twisted (software)"));
    CHECK(str_eq(m.url, "https://en.wikipedia.org/wiki/Twisted_(software)"));
    CHECK(str_eq(m.language, "en"));
    CHECK(m.has_page_id && m.page_id == 1793652);
    CHECK(m.has_updated && m.updated_us == INT64_C(1734236546) * 1000000 + 870339);
    imp_meta_free(&m);
}

static void test_time_formats(void)
{
    int64_t us = 0;
    CHECK(ptime("1970-01-01 00:00:00 UTC", &us) == 0 && us == 0);
    CHECK(ptime("1970-01-01T00:00:00Z", &us) == 0 && us == 0);
    CHECK(ptime("2024-12-15 04:18:51 UTC", &us) == 0 && us == INT64_C(1734236331000000));
    CHECK(ptime("2024-12-14T19:42:35.266236+00:00", &us) == 0 && us == INT64_C(1734205355266236));
    CHECK(ptime("2024-12-14T19:42:35Z", &us) == 0 && us == INT64_C(1734205355000000));
    /* fractions: short ones are scaled, long ones truncated to microseconds */
    CHECK(time_or("2024-12-14T19:42:35.5Z", -1) == INT64_C(1734205355500000));
    CHECK(time_or("2024-12-14T19:42:35.123456789Z", -1) == INT64_C(1734205355123456));
    /* offsets: local time minus offset is UTC */
    CHECK(time_or("2024-12-14T21:42:35+02:00", -1) == INT64_C(1734205355000000));
    CHECK(time_or("2024-12-14T14:12:35-05:30", -1) == INT64_C(1734205355000000));
    CHECK(time_or("2024-12-15T00:00:00+00:30", -1) == INT64_C(1734219000000000));
    CHECK(time_or("1969-12-31T23:59:59Z", 0) == -1000000);
    /* leap days and a leap second */
    CHECK(time_or("2024-02-29 12:00:00 UTC", -1) == INT64_C(1709208000000000));
    CHECK(time_or("2000-02-29T00:00:00Z", -1) == INT64_C(951782400000000));
    CHECK(time_or("2016-12-31T23:59:60Z", -1) == INT64_C(1483228800000000));
    /* invalid dates and shapes */
    const char *bad[] = {
        "2023-02-29 00:00:00 UTC", "1900-02-29T00:00:00Z", "2024-13-01T00:00:00Z",
        "2024-00-10T00:00:00Z", "2024-04-31T00:00:00Z", "2024-12-40T00:00:00Z",
        "2024-12-14T24:00:00Z", "2024-12-14T23:60:00Z", "2024-12-14T23:59:61Z",
        "2024-12-14T19:42:35", "2024-12-14 19:42:35", "2024-12-14T19:42:35.Z",
        "2024-12-14T19:42:35+0000", "2024-12-14T19:42:35+24:00", "2024-12-14T19:42:35Z ",
        "2024-12-14", "24-12-14T19:42:35Z", "2024-12-14T19:42:35 GMT", "", "2024-1x-14T19:42:35Z",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int r = ptime(bad[i], &us);
        if (r != -1) fprintf(stderr, "accepted bad time \"%s\"\n", bad[i]);
        CHECK(r == -1);
    }
}

static void test_format_round_trip(void)
{
    char buf[64];
    CHECK(imp_format_time(INT64_C(1734205355266236), buf, sizeof buf) == 27 &&
          strcmp(buf, "2024-12-14T19:42:35.266236Z") == 0);
    CHECK(imp_format_time(INT64_C(1734205355000000), buf, sizeof buf) == 20 &&
          strcmp(buf, "2024-12-14T19:42:35Z") == 0);
    CHECK(imp_format_time(0, buf, sizeof buf) == 20 && strcmp(buf, "1970-01-01T00:00:00Z") == 0);
    CHECK(imp_format_time(-1, buf, sizeof buf) > 0 && strcmp(buf, "1969-12-31T23:59:59.999999Z") == 0);
    CHECK(imp_format_time(INT64_C(1709208000000000), buf, sizeof buf) > 0 &&
          strcmp(buf, "2024-02-29T12:00:00Z") == 0);
    /* too small a buffer: empty string, 0 */
    CHECK(imp_format_time(0, buf, 20) == 0 && buf[0] == '\0');
    CHECK(imp_format_time(0, buf, 21) == 20);
    CHECK(imp_format_time(INT64_MIN, buf, 32) > 0 && imp_format_time(INT64_MAX, buf, 32) > 0);

    /* format -> parse -> same value, across leap years and pre-1970 */
    const int64_t samples[] = {
        0, 1, 999999, -1, INT64_C(1734205355266236), INT64_C(951782400000000),
        INT64_C(-62135596800000000) /* 0001-01-01 */, INT64_C(253402300799999999) /* 9999-12-31 */,
        INT64_C(-2203891200000000) /* 1900-03-01 */, INT64_C(4107542400000001) /* 2100-03-01 */,
    };
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        int64_t back = 0;
        size_t n = imp_format_time(samples[i], buf, sizeof buf);
        CHECK(n > 0 && imp_parse_time(buf, n, &back) == 0 && back == samples[i]);
    }
    /* every day of 1999-2001 (incl. 2000-02-29) survives the round trip */
    int ok = 1;
    for (int64_t d = 10592; d < 10592 + 3 * 366; d++) {
        int64_t us = d * 86400 * INT64_C(1000000) + 12345, back = 0;
        size_t n = imp_format_time(us, buf, sizeof buf);
        if (n == 0 || imp_parse_time(buf, n, &back) != 0 || back != us) ok = 0;
    }
    CHECK(ok);
    /* parse -> format of a corpus-style value with an offset */
    int64_t us = time_or("2024-12-14T21:42:35.266236+02:00", 0);
    CHECK(imp_format_time(us, buf, sizeof buf) > 0 && strcmp(buf, "2024-12-14T19:42:35.266236Z") == 0);
}

static void test_invalid_dates_in_block(void)
{
    imp_meta m;
    char why[128];
    CHECK(parse("# X\n\n## Metadata\n- **Last Updated:** 2023-02-29 10:00:00 UTC\n- **Page ID:** 7\n",
                &m, why, sizeof why) == IMP_META_MALFORMED);
    CHECK(strcmp(why, "Last Updated \"2023-02-29 10:00:00 UTC\" is not a date") == 0);
    CHECK(!m.has_updated && m.has_page_id && m.page_id == 7 && str_eq(m.title, "X"));
    imp_meta_free(&m);

    CHECK(parse("# X\n## Article Metadata\n\n- **Last Updated:** 2024-13-40\n", &m, why, sizeof why) ==
          IMP_META_MALFORMED);
    CHECK(strcmp(why, "Last Updated \"2024-13-40\" is not a date") == 0);
    imp_meta_free(&m);
}

static void test_page_ids(void)
{
    imp_meta m;
    char why[128];
    CHECK(parse("# X\n## Metadata\n- **Page ID:** 12a\n- **Language:** en\n", &m, why, sizeof why) ==
          IMP_META_MALFORMED);
    CHECK(strcmp(why, "Page ID \"12a\" is not a number") == 0);
    CHECK(!m.has_page_id && str_eq(m.language, "en"));
    imp_meta_free(&m);

    CHECK(parse("# X\n## Metadata\n- **Page ID:** 18446744073709551616\n", &m, why, sizeof why) ==
          IMP_META_MALFORMED);
    CHECK(strstr(why, "18446744073709551616") != NULL && !m.has_page_id);
    imp_meta_free(&m);

    CHECK(parse("# X\n## Metadata\n- **Page ID:** 18446744073709551615\n", &m, why, sizeof why) ==
          IMP_META_OK);
    CHECK(m.has_page_id && m.page_id == UINT64_MAX);
    imp_meta_free(&m);

    CHECK(parse("# X\n## Metadata\n- **Page ID:**\n", &m, why, sizeof why) == IMP_META_MALFORMED);
    CHECK(strcmp(why, "Page ID \"\" is not a number") == 0);
    imp_meta_free(&m);

    CHECK(parse("# X\n## Metadata\n- **Page ID:** -5\n", &m, NULL, 0) == IMP_META_MALFORMED);
    imp_meta_free(&m);

    /* only the first problem is reported; a tiny why buffer is fine */
    char small[8];
    CHECK(parse("# X\n## Metadata\n- **Page ID:** x\n- **Last Updated:** y\n", &m, small, sizeof small) ==
          IMP_META_MALFORMED);
    CHECK(strcmp(small, "Page ID") == 0);
    imp_meta_free(&m);
}

static void test_original_article(void)
{
    imp_meta m;
    char why[128];
    CHECK(parse("# F\n## Metadata\n- **Original Article:** [f(x) [a]](https://en.wikipedia.org/wiki/F_(x)_(y))\n",
                &m, why, sizeof why) == IMP_META_OK);
    CHECK(str_eq(m.url, "https://en.wikipedia.org/wiki/F_(x)_(y)"));
    imp_meta_free(&m);

    const char *bad[] = {
        "# F\n## Metadata\n- **Original Article:** https://en.wikipedia.org/wiki/F\n",
        "# F\n## Metadata\n- **Original Article:** [F](https://en.wikipedia.org/wiki/F\n",
        "# F\n## Metadata\n- **Original Article:** [F]()\n",
        "# F\n## Metadata\n- **Original Article:** [F] (https://x)\n",
        "# F\n## Metadata\n- **Original Article:**\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK(parse(bad[i], &m, why, sizeof why) == IMP_META_MALFORMED);
        CHECK(m.url == NULL && strncmp(why, "Original Article \"", 18) == 0);
        imp_meta_free(&m);
    }
}

static void test_crlf(void)
{
    imp_meta m;
    const char *text =
        "# Grok (web framework)  \r\n\r\n## Metadata \r\n"
        "- **Last Updated:** 2024-12-15 04:18:51 UTC\r\n"
        "- **Original Article:** [Grok](https://en.wikipedia.org/wiki/Grok_(web_framework))\r\n"
        "- **Language:** en\r\n- **Page ID:** 18836690\r\n\r\n## Summary\r\nText\r\n";
    CHECK(parse(text, &m, NULL, 0) == IMP_META_OK);
    CHECK(str_eq(m.title, "Grok (web framework)") && str_eq(m.language, "en"));
    CHECK(str_eq(m.url, "https://en.wikipedia.org/wiki/Grok_(web_framework)"));
    CHECK(m.page_id == 18836690 && m.updated_us == INT64_C(1734236331000000));
    imp_meta_free(&m);
}

static void test_not_articles(void)
{
    imp_meta m;
    char why[64] = "stale";
    /* YAML front matter */
    CHECK(parse("---\ntitle: Grok\nurl: https://x\n---\n\n# Grok\n\n## Summary\n", &m, why, sizeof why) ==
          IMP_META_NONE);
    CHECK(m.title == NULL && m.url == NULL && !m.has_page_id && why[0] == '\0');
    /* a folder README */
    CHECK(parse("# articles/Python\n\nWikipedia articles related to Python\n", &m, NULL, 0) == IMP_META_NONE);
    CHECK(m.title == NULL);
    /* near-misses of the heading */
    CHECK(parse("# X\n### Metadata\n- **Page ID:** 1\n", &m, NULL, 0) == IMP_META_NONE);
    CHECK(parse("# X\n## Metadata and more\n- **Page ID:** 1\n", &m, NULL, 0) == IMP_META_NONE);
    CHECK(parse("# X\n ## Metadata\n- **Page ID:** 1\n", &m, NULL, 0) == IMP_META_NONE);
    /* heading too deep into the file */
    char deep[512] = "# X\n";
    for (int i = 0; i < 70; i++) strcat(deep, "a\n");
    strcat(deep, "## Metadata\n- **Page ID:** 1\n");
    CHECK(parse(deep, &m, NULL, 0) == IMP_META_NONE);
    /* empty buffer, also with a NULL pointer */
    CHECK(parse_n("", 0, &m, why, sizeof why) == IMP_META_NONE && m.title == NULL);
    CHECK(imp_meta_parse(NULL, 0, &m, NULL, 0) == IMP_META_NONE);
    /* block with no bullets is still an article */
    CHECK(parse("## Metadata\n", &m, NULL, 0) == IMP_META_OK);
    CHECK(m.title == NULL && !m.has_page_id && !m.has_updated);
    imp_meta_free(&m);
}

static void test_truncated(void)
{
    imp_meta m;
    char why[128];
    /* the buffer ends in the middle of bullets; nothing past len is read */
    const char *cut = strstr(GROK, "- **Page ID:** 188");
    size_t len = (size_t)(cut - GROK) + strlen("- **Page ID:** 188");
    CHECK(parse_n(GROK, len, &m, why, sizeof why) == IMP_META_OK);
    CHECK(m.has_page_id && m.page_id == 188 && str_eq(m.language, "en"));
    imp_meta_free(&m);

    len = (size_t)(cut - GROK) + strlen("- **Page I");
    CHECK(parse_n(GROK, len, &m, why, sizeof why) == IMP_META_OK);
    CHECK(!m.has_page_id && m.has_updated && m.url != NULL);
    imp_meta_free(&m);

    cut = strstr(GROK, "2024-12-15 04");
    len = (size_t)(cut - GROK) + strlen("2024-12-15 04");
    CHECK(parse_n(GROK, len, &m, why, sizeof why) == IMP_META_MALFORMED);
    CHECK(strcmp(why, "Last Updated \"2024-12-15 04\" is not a date") == 0);
    imp_meta_free(&m);

    cut = strstr(GROK, "(web_framework))");
    len = (size_t)(cut - GROK) + strlen("(web_fra");
    CHECK(parse_n(GROK, len, &m, why, sizeof why) == IMP_META_MALFORMED);
    CHECK(m.url == NULL && m.has_updated);
    imp_meta_free(&m);

    /* every prefix of both layouts parses without reading past the end */
    int ok = 1;
    const char *texts[] = {GROK, TWISTED};
    for (int t = 0; t < 2; t++)
        for (size_t n = 0; n <= strlen(texts[t]); n++) {
            int st = parse_n(texts[t], n, &m, NULL, 0);
            if (st < 0) ok = 0;
            imp_meta_free(&m);
        }
    CHECK(ok);
}

static void test_binary_bytes(void)
{
    imp_meta m;
    char why[128];
    /* NUL bytes and invalid UTF-8 inside values */
    static const char text[] = "# T\xff\xfe\n## Metadata\n- **Page ID:** 1\0002\n- **Language:** e\0n\n";
    CHECK(parse_n(text, sizeof text - 1, &m, why, sizeof why) == IMP_META_MALFORMED);
    CHECK(strcmp(why, "Page ID \"1?2\" is not a number") == 0);
    CHECK(str_eq(m.title, "T\xff\xfe") && m.language && m.language[0] == 'e');
    imp_meta_free(&m);

    /* a long bad value is shortened in `why` */
    char big[300] = "## Metadata\n- **Page ID:** ";
    memset(big + strlen(big), 'z', 200);
    CHECK(parse(big, &m, why, sizeof why) == IMP_META_MALFORMED);
    CHECK(strlen(why) < 80 && strstr(why, "...\" is not a number") != NULL);
    imp_meta_free(&m);
}

static void test_block_bounds(void)
{
    imp_meta m;
    /* unknown bullets and prose inside the block are ignored; a repeated
     * bullet overrides; bullets after the next heading are not read */
    const char *text =
        "\n\n  # Spaced title  \n## Metadata\nsome prose\n- plain bullet\n- **Archive Source:** x\n"
        "- **Language:** de\n- **Language:** en\n- **Page ID:** 5\n# Body\n- **Page ID:** 6\n";
    CHECK(parse(text, &m, NULL, 0) == IMP_META_OK);
    CHECK(m.title == NULL);   /* first non-empty line does not start with "# " */
    CHECK(str_eq(m.language, "en") && m.page_id == 5);
    imp_meta_free(&m);

    CHECK(parse("\n\n# Spaced title  \n## Metadata\n- **Page ID:** 5\n", &m, NULL, 0) == IMP_META_OK);
    CHECK(str_eq(m.title, "Spaced title"));
    imp_meta_free(&m);
}

int main(void)
{
    test_metadata_layout();
    test_article_metadata_layout();
    test_time_formats();
    test_format_round_trip();
    test_invalid_dates_in_block();
    test_page_ids();
    test_original_article();
    test_crlf();
    test_not_articles();
    test_truncated();
    test_binary_bytes();
    test_block_bounds();
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
