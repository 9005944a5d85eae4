/*
 * test_input_parsers.c - standalone tests for the input layout parsers:
 * tools/import/input_yaml.c (YAML front matter), tools/import/input_json.c
 * (JSON articles and JSON Lines records) and imp_meta_categories() of
 * tools/import/article_meta.c.
 *
 * Usage: test_input_parsers SAMPLES/layouts
 * (the metadata-block articles are read from SAMPLES/layouts/../articles).
 *
 * Built with the importers' library (wikipack_import) and run by ctest
 * (-R input_parsers); under AddressSanitizer in a -DWIKIPACK_SANITIZE=ON
 * build.
 *
 * Every parse goes through an exact-size heap copy without a trailing NUL,
 * so AddressSanitizer catches any read past len.
 */
#include "check.h"

#include "import.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int (*parse_fn)(const char *, size_t, imp_article *, char *, size_t);

static const char *samples;      /* argv[1] */

/* ---- helpers --------------------------------------------------------- */

static int str_eq(const char *a, const char *b)
{
    return a && b ? strcmp(a, b) == 0 : a == b;
}

static int starts_with(const char *s, const char *prefix)
{
    return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

static int valid_status(int st)
{
    return st == IMP_NONE || st == IMP_OK || st == IMP_MALFORMED;
}

/* Is s valid UTF-8 without control characters (what `why` promises)? */
static int clean_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned c = *p;
        size_t k = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
                 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
        if (k == 0 || c < 0x20 || c == 0x7f) return 0;
        for (size_t i = 1; i < k; i++)
            if ((p[i] & 0xC0) != 0x80) return 0;
        p += k;
    }
    return 1;
}

/* Reads a whole file into an exact-size buffer (no trailing NUL). */
static char *read_file(const char *dir, const char *name, size_t *len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) { fprintf(stderr, "cannot open %s\n", path); return NULL; }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    if (!buf) abort();
    for (size_t got; (got = fread(buf + n, 1, cap - n, f)) > 0;) {
        n += got;
        if (n == cap && !(buf = realloc(buf, cap *= 2))) abort();
    }
    fclose(f);
    char *exact = malloc(n ? n : 1);
    if (!exact) abort();
    memcpy(exact, buf, n);
    free(buf);
    *len = n;
    return exact;
}

/* Parses text[0..len) from an exact-size heap copy. */
static int run_n(parse_fn fn, const char *text, size_t len, imp_article *a, char *why, size_t cap)
{
    char *copy = malloc(len ? len : 1);
    if (!copy) abort();
    memcpy(copy, text, len);
    int st = fn(copy, len, a, why, cap);
    free(copy);
    return st;
}

static int run(parse_fn fn, const char *text, imp_article *a, char *why, size_t cap)
{
    return run_n(fn, text, strlen(text), a, why, cap);
}

/* Status only; the parsed fields are dropped. */
static int status_of_n(parse_fn fn, const char *text, size_t len, char *why, size_t cap)
{
    imp_article a;
    int st = run_n(fn, text, len, &a, why, cap);
    imp_article_free(&a);
    return st;
}

static int status_of(parse_fn fn, const char *text, char *why, size_t cap)
{
    return status_of_n(fn, text, strlen(text), why, cap);
}

static int64_t iso(const char *s)
{
    int64_t us = 0;
    if (imp_parse_time(s, strlen(s), &us) != 0) abort();
    return us;
}

static int categories_of(const char *text, size_t len, imp_article *a)
{
    char *copy = malloc(len ? len : 1);
    if (!copy) abort();
    memcpy(copy, text, len);
    int r = imp_meta_categories(copy, len, a);
    free(copy);
    return r;
}

/* Offset of the first lit in buf[0..len), or len. */
static size_t find(const char *buf, size_t len, const char *lit)
{
    size_t k = strlen(lit);
    for (size_t i = 0; i + k <= len; i++)
        if (memcmp(buf + i, lit, k) == 0) return i;
    return len;
}

static int categories_str(const char *text, imp_article *a)
{
    return categories_of(text, strlen(text), a);
}

static int empty_article(const imp_article *a)
{
    return !a->title && !a->url && !a->language && !a->n_categories && !a->categories &&
           !a->has_page_id && !a->has_updated && !a->text && !a->text_len;
}

/* ---- YAML front matter: real samples --------------------------------- */

static void test_yaml_samples(void)
{
    imp_article a;
    char why[256];
    size_t len;
    char *buf = read_file(samples, "Breezy_software.md", &len);
    CHECK(buf != NULL);
    if (!buf) return;

    CHECK(run_n(imp_yaml_front_matter_parse, buf, len, &a, why, sizeof why) == IMP_OK);
    CHECK(why[0] == '\0');
    CHECK(str_eq(a.title, "Breezy (software)"));
    CHECK(str_eq(a.url, "https://en.wikipedia.org/wiki/Breezy_(software)"));
    CHECK(str_eq(a.language, "en"));
    CHECK(a.n_categories == 4);
    if (a.n_categories == 4) {
        CHECK(str_eq(a.categories[0], "Category:Distributed version control systems"));
        CHECK(str_eq(a.categories[3], "Category:Python (programming language) software"));
    }
    CHECK(a.has_updated && a.updated_us == iso("2024-12-15T15:12:49Z"));
    CHECK(!a.has_page_id && !a.text && !a.has_ns && !a.redirect_to);
    imp_article_free(&a);

    /* Other parsers do not claim it; it has no "## Categories" section. */
    CHECK(run_n(imp_json_article_parse, buf, len, &a, why, sizeof why) == IMP_NONE && empty_article(&a));
    CHECK(categories_of(buf, len, &a) == 0 && a.n_categories == 0);
    imp_article_free(&a);

    /* Every prefix: NONE until the closing "---" is there, then OK. */
    size_t close = find(buf, len, "\n---\n");
    size_t close_end = close + 4;             /* just after the closing "---" */
    int prefixes_ok = 1;
    for (size_t k = 0; k <= len; k++) {
        int st = status_of_n(imp_yaml_front_matter_parse, buf, k, why, sizeof why);
        if (st != (k >= close_end ? IMP_OK : IMP_NONE)) {
            prefixes_ok = 0;
            fprintf(stderr, "YAML prefix %zu of %zu: status %d\n", k, len, st);
            break;
        }
    }
    CHECK(close < len && prefixes_ok);
    free(buf);

    buf = read_file(samples, "Fernando_Perez_software_developer.md", &len);
    CHECK(buf != NULL);
    if (!buf) return;
    CHECK(run_n(imp_yaml_front_matter_parse, buf, len, &a, why, sizeof why) == IMP_OK);
    CHECK(str_eq(a.title, "Fernando P\xC3\xA9rez (software developer)"));
    CHECK(str_eq(a.url, "https://en.wikipedia.org/wiki/Fernando_P%C3%A9rez_(software_developer)"));
    CHECK(str_eq(a.language, "en"));
    CHECK(a.n_categories == 10);
    if (a.n_categories == 10) {
        CHECK(str_eq(a.categories[0], "Category:Articles with hCards"));
        CHECK(str_eq(a.categories[9], "Category:Year of birth missing (living people)"));
    }
    CHECK(a.has_updated && a.updated_us == iso("2024-12-19T14:43:29Z"));
    CHECK(!a.has_page_id);
    imp_article_free(&a);
    free(buf);
}

/* ---- YAML front matter: inline cases --------------------------------- */

static void test_yaml_delimiters(void)
{
    imp_article a;
    char why[256];

    CHECK(run(imp_yaml_front_matter_parse, "", &a, why, sizeof why) == IMP_NONE && empty_article(&a));
    CHECK(imp_yaml_front_matter_parse(NULL, 0, &a, why, sizeof why) == IMP_NONE);
    CHECK(status_of(imp_yaml_front_matter_parse, "---", why, sizeof why) == IMP_NONE);
    CHECK(status_of(imp_yaml_front_matter_parse, "---\n", why, sizeof why) == IMP_NONE);
    CHECK(status_of(imp_yaml_front_matter_parse, "# Title\n---\ntitle: x\n---\n", why, sizeof why) == IMP_NONE);
    CHECK(status_of(imp_yaml_front_matter_parse, "----\ntitle: x\n----\n", why, sizeof why) == IMP_NONE);
    CHECK(status_of(imp_yaml_front_matter_parse, " ---\ntitle: x\n---\n", why, sizeof why) == IMP_NONE);
    /* No closing line. */
    CHECK(run(imp_yaml_front_matter_parse, "---\ntitle: Foo\nurl: https://example.org/\n\n# Foo\n",
              &a, why, sizeof why) == IMP_NONE && empty_article(&a) && why[0] == '\0');
    CHECK(status_of(imp_yaml_front_matter_parse, "---\ntitle: Foo\n--- x\n", why, sizeof why) == IMP_NONE);

    /* Closing line at the end without '\n', CRLF, trailing blanks, BOM. */
    CHECK(run(imp_yaml_front_matter_parse, "---\ntitle: Foo\n---", &a, why, sizeof why) == IMP_OK &&
          str_eq(a.title, "Foo"));
    imp_article_free(&a);
    CHECK(run(imp_yaml_front_matter_parse,
              "---\r\ntitle: Foo\r\nlanguage: de\r\ncategories:\r\n  - Category:A\r\n  - Category:B\r\n---\r\nbody\r\n",
              &a, why, sizeof why) == IMP_OK);
    CHECK(str_eq(a.title, "Foo") && str_eq(a.language, "de") && a.n_categories == 2 &&
          str_eq(a.categories[1], "Category:B"));
    imp_article_free(&a);
    CHECK(run(imp_yaml_front_matter_parse, "--- \t\ntitle: Foo\n---  \n", &a, why, sizeof why) == IMP_OK &&
          str_eq(a.title, "Foo"));
    imp_article_free(&a);
    CHECK(run(imp_yaml_front_matter_parse, "\xEF\xBB\xBF---\ntitle: Foo\n---\n", &a, why, sizeof why) == IMP_OK &&
          str_eq(a.title, "Foo"));
    imp_article_free(&a);

    /* Only the first closing line counts: later "---" are Markdown rules. */
    CHECK(run(imp_yaml_front_matter_parse, "---\ntitle: Foo\n---\n\ntext\n\n---\nnot: yaml: [\n---\n",
              &a, why, sizeof why) == IMP_OK && str_eq(a.title, "Foo"));
    imp_article_free(&a);

    /* Empty block, or only a comment: front matter without fields. */
    CHECK(run(imp_yaml_front_matter_parse, "---\n---\n", &a, why, sizeof why) == IMP_OK && empty_article(&a));
    CHECK(run(imp_yaml_front_matter_parse, "---\n# nothing\n---\n", &a, why, sizeof why) == IMP_OK &&
          empty_article(&a));
    /* A block that is YAML but not a mapping. */
    CHECK(run(imp_yaml_front_matter_parse, "---\n\nSome text\n\n---\n", &a, why, sizeof why) == IMP_MALFORMED &&
          str_eq(why, "YAML front matter is not a mapping") && empty_article(&a));
    CHECK(status_of(imp_yaml_front_matter_parse, "---\n- a\n- b\n---\n", why, sizeof why) == IMP_MALFORMED);
}

static void test_yaml_fields(void)
{
    imp_article a;
    char why[256];

    /* Flow list as open_wiki writes it; unknown keys (even nested) ignored. */
    CHECK(run(imp_yaml_front_matter_parse,
              "---\n"
              "title: Category:Free software programmed in Python\n"
              "url: https://en.wikipedia.org/wiki/X\n"
              "language: en\n"
              "categories: [\"Category:A\", \"Category:B: with colon\", 'Category:C']\n"
              "references: 0\n"
              "extra: {nested: [1, 2, {deep: true}]}\n"
              "page_id: 18836690\n"
              "last_modified: 2024-11-24T06:40:49Z\n"
              "---\n",
              &a, why, sizeof why) == IMP_OK);
    CHECK(why[0] == '\0');
    CHECK(str_eq(a.title, "Category:Free software programmed in Python"));
    CHECK(a.n_categories == 3 && str_eq(a.categories[1], "Category:B: with colon") &&
          str_eq(a.categories[2], "Category:C"));
    CHECK(a.has_page_id && a.page_id == 18836690);
    CHECK(a.has_updated && a.updated_us == iso("2024-11-24T06:40:49Z"));
    imp_article_free(&a);

    /* A single scalar category; null items of a sequence are skipped. */
    CHECK(run(imp_yaml_front_matter_parse, "---\ncategories: Category:Solo\n---\n", &a, why, sizeof why) == IMP_OK &&
          a.n_categories == 1 && str_eq(a.categories[0], "Category:Solo"));
    imp_article_free(&a);
    CHECK(run(imp_yaml_front_matter_parse, "---\ncategories:\n- Category:A\n-\n- ~\n- Category:D\n---\n",
              &a, why, sizeof why) == IMP_OK && a.n_categories == 2 && str_eq(a.categories[1], "Category:D"));
    imp_article_free(&a);
    CHECK(run(imp_yaml_front_matter_parse, "---\ncategories: []\n---\n", &a, why, sizeof why) == IMP_OK &&
          a.n_categories == 0);
    imp_article_free(&a);
    CHECK(run(imp_yaml_front_matter_parse, "---\ncategories: [Category:A, [x]]\n---\n", &a, why, sizeof why) ==
              IMP_MALFORMED && str_eq(why, "categories item 2 is not a string") && a.n_categories == 1);
    imp_article_free(&a);
    CHECK(run(imp_yaml_front_matter_parse, "---\ncategories: {a: b}\n---\n", &a, why, sizeof why) == IMP_MALFORMED &&
          str_eq(why, "categories is not a list"));
    imp_article_free(&a);

    /* Dates: plain date, zone-less date-time, the key order of preference. */
    CHECK(run(imp_yaml_front_matter_parse, "---\ndate: 2024-11-24\n---\n", &a, why, sizeof why) == IMP_OK &&
          a.has_updated && a.updated_us == iso("2024-11-24T00:00:00Z"));
    imp_article_free(&a);
    CHECK(run(imp_yaml_front_matter_parse, "---\nlast_updated: \"2024-12-15 04:18:51\"\n---\n", &a, why, sizeof why) ==
              IMP_OK && a.updated_us == iso("2024-12-15T04:18:51Z"));
    imp_article_free(&a);
    CHECK(run(imp_yaml_front_matter_parse, "---\nlast_updated: 2024-12-15 04:18:51 UTC\n---\n", &a, why, sizeof why) ==
              IMP_OK && a.updated_us == iso("2024-12-15T04:18:51Z"));
    imp_article_free(&a);
    CHECK(run(imp_yaml_front_matter_parse,
              "---\ndate: 2020-01-01\nlast_modified: 2024-12-14T19:42:35.266236+00:00\nlast_updated: 2021-01-01\n---\n",
              &a, why, sizeof why) == IMP_OK && a.updated_us == iso("2024-12-14T19:42:35.266236Z"));
    imp_article_free(&a);
    CHECK(run(imp_yaml_front_matter_parse, "---\ntitle: T\nlast_modified: yesterday\n---\n", &a, why, sizeof why) ==
              IMP_MALFORMED && str_eq(why, "last_modified \"yesterday\" is not a date") &&
          !a.has_updated && str_eq(a.title, "T"));
    imp_article_free(&a);
    CHECK(status_of(imp_yaml_front_matter_parse, "---\ndate: 2023-02-29\n---\n", why, sizeof why) == IMP_MALFORMED);
    CHECK(status_of(imp_yaml_front_matter_parse, "---\ndate: [2023]\n---\n", why, sizeof why) == IMP_MALFORMED &&
          str_eq(why, "date is not a date"));
    CHECK(run(imp_yaml_front_matter_parse, "---\nlast_modified:\n---\n", &a, why, sizeof why) == IMP_OK &&
          !a.has_updated);
    imp_article_free(&a);

    /* Page IDs. */
    CHECK(run(imp_yaml_front_matter_parse, "---\npageid: \"43\"\n---\n", &a, why, sizeof why) == IMP_OK &&
          a.has_page_id && a.page_id == 43);
    imp_article_free(&a);
    CHECK(run(imp_yaml_front_matter_parse, "---\nid: 44\npage_id: 42\n---\n", &a, why, sizeof why) == IMP_OK &&
          a.page_id == 42);
    imp_article_free(&a);
    CHECK(run(imp_yaml_front_matter_parse, "---\nid: 18446744073709551615\n---\n", &a, why, sizeof why) == IMP_OK &&
          a.page_id == UINT64_MAX);
    imp_article_free(&a);
    CHECK(run(imp_yaml_front_matter_parse, "---\ntitle: T\npage_id: 12a\n---\n", &a, why, sizeof why) ==
              IMP_MALFORMED && str_eq(why, "page_id \"12a\" is not a number") && !a.has_page_id &&
          str_eq(a.title, "T"));
    imp_article_free(&a);
    CHECK(status_of(imp_yaml_front_matter_parse, "---\nid: 18446744073709551616\n---\n", why, sizeof why) ==
              IMP_MALFORMED && str_eq(why, "id \"18446744073709551616\" is out of range"));
    CHECK(status_of(imp_yaml_front_matter_parse, "---\npage_id: -1\n---\n", why, sizeof why) == IMP_MALFORMED);
    CHECK(status_of(imp_yaml_front_matter_parse, "---\npage_id: ''\n---\n", why, sizeof why) == IMP_MALFORMED);

    /* Titles: null is absent, "" and non-scalars are malformed, quoted "null" is a title. */
    CHECK(run(imp_yaml_front_matter_parse, "---\ntitle:\nurl: u\n---\n", &a, why, sizeof why) == IMP_OK &&
          !a.title && str_eq(a.url, "u"));
    imp_article_free(&a);
    CHECK(run(imp_yaml_front_matter_parse, "---\ntitle: \"null\"\n---\n", &a, why, sizeof why) == IMP_OK &&
          str_eq(a.title, "null"));
    imp_article_free(&a);
    CHECK(status_of(imp_yaml_front_matter_parse, "---\ntitle: \"\"\n---\n", why, sizeof why) == IMP_MALFORMED &&
          str_eq(why, "title is empty"));
    CHECK(status_of(imp_yaml_front_matter_parse, "---\ntitle: [a, b]\n---\n", why, sizeof why) == IMP_MALFORMED &&
          str_eq(why, "title is not a string"));
    CHECK(status_of(imp_yaml_front_matter_parse, "---\ntitle: \"a\\0b\"\n---\n", why, sizeof why) == IMP_MALFORMED &&
          str_eq(why, "title contains a NUL character"));
    /* Escapes decode to UTF-8; a repeated key overrides. */
    CHECK(run(imp_yaml_front_matter_parse, "---\ntitle: \"Caf\\u00e9\"\ntitle: \"Caf\\xe9!\"\n---\n", &a, why, sizeof why) ==
              IMP_OK && str_eq(a.title, "Caf\xC3\xA9!"));
    imp_article_free(&a);
    /* An alias to an anchored scalar is followed. */
    CHECK(run(imp_yaml_front_matter_parse, "---\nurl: &u https://x/\ntitle: *u\n---\n", &a, why, sizeof why) == IMP_OK &&
          str_eq(a.title, "https://x/"));
    imp_article_free(&a);
}

static void test_yaml_malformed(void)
{
    imp_article a;
    char why[256];

    /* Unclosed quote: libyaml reaches the end of the block (line 4, the closing ---). */
    CHECK(run(imp_yaml_front_matter_parse, "---\ntitle: \"Foo\nurl: https://x/\n---\nbody\n", &a, why, sizeof why) ==
              IMP_MALFORMED && empty_article(&a));
    CHECK_MSG(starts_with(why, "YAML front matter, line 4: ") && strlen(why) > 27, "why = %s", why);
    CHECK(clean_utf8(why));

    /* Tab indentation (line 4 of the file). */
    CHECK(run(imp_yaml_front_matter_parse, "---\ntitle: Foo\ncategories:\n\t- Category:A\n---\n", &a, why, sizeof why) ==
              IMP_MALFORMED);
    CHECK_MSG(starts_with(why, "YAML front matter, line 4: "), "why = %s", why);
    imp_article_free(&a);
    CHECK(status_of(imp_yaml_front_matter_parse, "---\ntitle: Foo\n\turl: x\n---\n", why, sizeof why) == IMP_MALFORMED);
    CHECK_MSG(starts_with(why, "YAML front matter, line 3: "), "why = %s", why);

    /* Same with CRLF line ends. */
    CHECK(status_of(imp_yaml_front_matter_parse, "---\r\ntitle: ok\r\nurl: [\r\n---\r\n", why, sizeof why) ==
              IMP_MALFORMED);
    CHECK_MSG(starts_with(why, "YAML front matter, line 4: "), "why = %s", why);
    CHECK(status_of(imp_yaml_front_matter_parse, "---\ntitle: a: b\n---\n", why, sizeof why) == IMP_MALFORMED);
    CHECK_MSG(starts_with(why, "YAML front matter, line 2: "), "why = %s", why);
    CHECK(status_of(imp_yaml_front_matter_parse, "---\ntitle: *nope\n---\n", why, sizeof why) == IMP_MALFORMED);
    /* Junk after a "..." document end is checked too. */
    CHECK(status_of(imp_yaml_front_matter_parse, "---\ntitle: a\n...\nfoo: [\n---\n", why, sizeof why) == IMP_MALFORMED);
    CHECK_MSG(starts_with(why, "YAML front matter, line "), "why = %s", why);

    /* Invalid UTF-8 in a title (a reader error: the line comes from the offset). */
    CHECK(run(imp_yaml_front_matter_parse, "---\nurl: u\ntitle: Caf\xE9 au lait\n---\n", &a, why, sizeof why) ==
              IMP_MALFORMED && !a.title);
    CHECK_MSG(starts_with(why, "YAML front matter, line 3: ") && clean_utf8(why), "why = %s", why);
    imp_article_free(&a);
    CHECK(status_of(imp_yaml_front_matter_parse, "---\ntitle: \xC3\x28\n---\n", why, sizeof why) == IMP_MALFORMED &&
          clean_utf8(why));
    /* A UTF-16 BOM inside the block does not switch the encoding. */
    static const char utf16[] = "---\n\xFF\xFEt\0i\0:\0 \0x\0\n---\n";
    CHECK(status_of_n(imp_yaml_front_matter_parse, utf16, sizeof utf16 - 1, why, sizeof why) == IMP_MALFORMED);
    /* Control characters and NUL bytes. */
    CHECK(status_of(imp_yaml_front_matter_parse, "---\ntitle: a\x01 b\n---\n", why, sizeof why) == IMP_MALFORMED &&
          clean_utf8(why));
    static const char with_nul[] = "---\ntitle: a\0b\n---\n";
    CHECK(status_of_n(imp_yaml_front_matter_parse, with_nul, sizeof with_nul - 1, why, sizeof why) == IMP_MALFORMED &&
          starts_with(why, "YAML front matter, line 2: "));

    /* why: NULL, zero-sized, or too small (truncated, still terminated). */
    CHECK(status_of(imp_yaml_front_matter_parse, "---\ntitle: \"x\n---\n", NULL, 0) == IMP_MALFORMED);
    why[0] = 'Z';
    CHECK(status_of(imp_yaml_front_matter_parse, "---\ntitle: \"x\n---\n", why, 0) == IMP_MALFORMED && why[0] == 'Z');
    memset(why, 'Z', sizeof why);
    CHECK(status_of(imp_yaml_front_matter_parse, "---\ntitle: \"x\n---\n", why, 8) == IMP_MALFORMED &&
          str_eq(why, "YAML fr") && why[8] == 'Z');

    /* Deep nesting is refused early (libyaml's scanner is quadratic in it). */
    size_t depth = 100000, n = 0;
    char *deep = malloc(depth * 2 + 32);
    if (!deep) abort();
    n += (size_t)sprintf(deep, "---\nx: ");
    memset(deep + n, '[', depth);
    n += depth;
    memcpy(deep + n, "\n---\n", 5);
    n += 5;
    int st = status_of_n(imp_yaml_front_matter_parse, deep, n, why, sizeof why);
    CHECK(st == IMP_MALFORMED);
    CHECK_MSG(str_eq(why, "YAML front matter, line 2: nested deeper than 128 levels"), "why = %s", why);
    free(deep);
    CHECK(status_of(imp_yaml_front_matter_parse, "---\nx: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[a]]]]]]]]]]]]]]]]"
                    "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\ntitle: T\n---\n", why, sizeof why) == IMP_OK);

    /* So are many anchors (libyaml's loader is quadratic in them). */
    size_t cap = 2000 * 24 + 16;
    char *anchors = malloc(cap);
    if (!anchors) abort();
    for (int count = 1000; count <= 2000; count += 1000) {
        n = (size_t)sprintf(anchors, "---\n");
        for (int i = 0; i < count; i++) n += (size_t)sprintf(anchors + n, "k%d: &a%d v\n", i, i);
        n += (size_t)sprintf(anchors + n, "title: *a7\n---\n");
        imp_article a2;
        st = run_n(imp_yaml_front_matter_parse, anchors, n, &a2, why, sizeof why);
        if (count == 1000) CHECK(st == IMP_OK && str_eq(a2.title, "v"));
        else CHECK_MSG(st == IMP_MALFORMED && str_eq(why, "YAML front matter, line 1026: more than 1024 anchors"),
                       "why = %s", why);
        imp_article_free(&a2);
    }
    free(anchors);
}

/* ---- JSON articles: real samples ------------------------------------- */

static void test_json_samples(void)
{
    imp_article a;
    char why[256];
    size_t len;
    char *buf = read_file(samples, "Pycassa_20241220_214817.json", &len);
    CHECK(buf != NULL);
    if (!buf) return;

    CHECK(run_n(imp_json_article_parse, buf, len, &a, why, sizeof why) == IMP_OK);
    CHECK(why[0] == '\0');
    CHECK(str_eq(a.title, "Pycassa"));
    CHECK(str_eq(a.url, "https://en.wikipedia.org/wiki/Pycassa"));
    CHECK(a.language == NULL);
    CHECK(a.n_categories == 6);
    if (a.n_categories == 6) {
        CHECK(str_eq(a.categories[0], "Category:All orphaned articles"));
        CHECK(str_eq(a.categories[5], "Category:Orphaned articles from March 2024"));
    }
    CHECK(a.has_updated && a.updated_us == iso("2024-12-20T21:48:17Z"));
    CHECK(!a.has_page_id && a.text == NULL && a.text_len == 0);
    imp_article_free(&a);

    /* Not YAML front matter (its content field holds some, but escaped). */
    CHECK(run_n(imp_yaml_front_matter_parse, buf, len, &a, why, sizeof why) == IMP_NONE && empty_article(&a));

    /* Every prefix: NONE when empty, MALFORMED until the final '}', then OK. */
    size_t close = len;
    while (close && buf[close - 1] != '}') close--;
    int prefixes_ok = close > 0;
    for (size_t k = 0; k <= len && prefixes_ok; k++) {
        int st = status_of_n(imp_json_article_parse, buf, k, why, sizeof why);
        int want = k == 0 ? IMP_NONE : k < close ? IMP_MALFORMED : IMP_OK;
        if (st != want || !clean_utf8(why)) {
            prefixes_ok = 0;
            fprintf(stderr, "JSON prefix %zu of %zu: status %d, why %s\n", k, len, st, why);
        }
    }
    CHECK(prefixes_ok);
    free(buf);

    buf = read_file(samples, "Fernando P\xC3\xA9rez _software developer__20241220_214826.json", &len);
    CHECK(buf != NULL);
    if (!buf) return;
    CHECK(run_n(imp_json_article_parse, buf, len, &a, why, sizeof why) == IMP_OK);
    CHECK(str_eq(a.title, "Fernando P\xC3\xA9rez (software developer)"));
    CHECK(str_eq(a.url, "https://en.wikipedia.org/wiki/Fernando_P%C3%A9rez_(software_developer)"));
    CHECK(a.n_categories == 10 && str_eq(a.categories[6], "Category:Open source advocates"));
    CHECK(a.has_updated && a.updated_us == iso("2024-12-20T21:48:26Z"));
    CHECK(a.text == NULL);
    imp_article_free(&a);
    free(buf);
}

/* ---- JSON articles: inline cases ------------------------------------- */

static void test_json_inline(void)
{
    imp_article a;
    char why[256];

    /* Not JSON articles. */
    CHECK(run(imp_json_article_parse, "", &a, why, sizeof why) == IMP_NONE && empty_article(&a) && why[0] == '\0');
    CHECK(imp_json_article_parse(NULL, 0, &a, why, sizeof why) == IMP_NONE);
    CHECK(status_of(imp_json_article_parse, " \n\t\r\n", why, sizeof why) == IMP_NONE);
    CHECK(status_of(imp_json_article_parse, "# Title\n\n{\"title\": \"x\"}", why, sizeof why) == IMP_NONE);
    CHECK(status_of(imp_json_article_parse, "[{\"title\": \"x\"}]", why, sizeof why) == IMP_NONE);
    CHECK(status_of(imp_json_article_parse, "\"title\"", why, sizeof why) == IMP_NONE);
    CHECK(status_of(imp_json_article_parse, "{\"name\": \"x\", \"url\": 5}", why, sizeof why) == IMP_NONE &&
          why[0] == '\0');
    CHECK(status_of(imp_json_article_parse, "{}", why, sizeof why) == IMP_NONE);

    /* All fields, with leading blanks and a BOM. */
    CHECK(run(imp_json_article_parse,
              "\xEF\xBB\xBF\n  {\"title\": \"A\", \"url\": \"https://x/\", \"lang\": \"fr\", \"categories\": [\"C:1\", \"\", \"C:2\"],"
              " \"last_modified\": \"2024-11-24T06:40:49Z\", \"pageid\": 7, \"extra\": {\"n\": [1, null]}}\n",
              &a, why, sizeof why) == IMP_OK);
    CHECK(str_eq(a.title, "A") && str_eq(a.url, "https://x/") && str_eq(a.language, "fr"));
    CHECK(a.n_categories == 2 && str_eq(a.categories[1], "C:2"));
    CHECK(a.has_updated && a.updated_us == iso("2024-11-24T06:40:49Z"));
    CHECK(a.has_page_id && a.page_id == 7 && !a.text);
    imp_article_free(&a);

    /* Preferences: source_url > url, language > lang, archived_date >
     * last_modified > timestamp, page_id > pageid > id; null is absent. */
    CHECK(run(imp_json_article_parse,
              "{\"title\": \"A\", \"url\": \"u2\", \"source_url\": \"u1\", \"lang\": \"l2\", \"language\": \"l1\","
              " \"timestamp\": \"2001-01-01\", \"archived_date\": \"20241220_214833\", \"id\": 3, \"pageid\": null,"
              " \"page_id\": \"18446744073709551615\", \"categories\": null}",
              &a, why, sizeof why) == IMP_OK);
    CHECK(str_eq(a.url, "u1") && str_eq(a.language, "l1"));
    CHECK(a.updated_us == iso("2024-12-20T21:48:33Z") && a.page_id == UINT64_MAX && a.n_categories == 0);
    imp_article_free(&a);
    CHECK(run(imp_json_article_parse, "{\"title\": \"A\", \"timestamp\": \"2024-12-15 04:18:51\", \"id\": \"12\"}",
              &a, why, sizeof why) == IMP_OK && a.updated_us == iso("2024-12-15T04:18:51Z") && a.page_id == 12);
    imp_article_free(&a);

    /* Syntax error: why gives jansson's line and column. */
    CHECK(run(imp_json_article_parse, "{\n  \"title\": \"X\",\n  \"url\": \"y\"\n  \"language\": \"en\"\n}",
              &a, why, sizeof why) == IMP_MALFORMED && empty_article(&a));
    CHECK_MSG(starts_with(why, "JSON, line 4 column 12: ") && strlen(why) > 24, "why = %s", why);
    CHECK(status_of(imp_json_article_parse, "{\"title\": \"X\"} trailing", why, sizeof why) == IMP_MALFORMED);
    CHECK_MSG(starts_with(why, "JSON, line 1 column "), "why = %s", why);
    CHECK(status_of(imp_json_article_parse, "{\"title\": \"X\", \"id\": 99999999999999999999}", why, sizeof why) ==
              IMP_MALFORMED);
    CHECK(status_of(imp_json_article_parse, "{\"title\": \"a\\u0000b\"}", why, sizeof why) == IMP_MALFORMED);
    CHECK(status_of(imp_json_article_parse, "{\"title\": \"\\ud800\"}", why, sizeof why) == IMP_MALFORMED);

    /* Invalid UTF-8 in a title; why stays clean even though jansson quotes the input. */
    CHECK(run(imp_json_article_parse, "{\"title\": \"Caf\xE9\"}", &a, why, sizeof why) == IMP_MALFORMED && !a.title);
    CHECK_MSG(starts_with(why, "JSON, line 1 column ") && clean_utf8(why), "why = %s", why);
    CHECK(status_of(imp_json_article_parse, "{\"title\": \"a\x01\x7f\"}", why, sizeof why) == IMP_MALFORMED &&
          clean_utf8(why));
    static const char with_nul[] = "{\"title\": \"a\0b\"}";
    CHECK(status_of_n(imp_json_article_parse, with_nul, sizeof with_nul - 1, why, sizeof why) == IMP_MALFORMED &&
          clean_utf8(why));

    /* Fields of the wrong type, named in why; other fields still filled. */
    CHECK(run(imp_json_article_parse, "{\"title\": 42, \"url\": \"u\"}", &a, why, sizeof why) == IMP_MALFORMED &&
          str_eq(why, "title is not a string") && !a.title && str_eq(a.url, "u"));
    imp_article_free(&a);
    CHECK(status_of(imp_json_article_parse, "{\"title\": null}", why, sizeof why) == IMP_MALFORMED &&
          str_eq(why, "title is not a string"));
    CHECK(status_of(imp_json_article_parse, "{\"title\": \"\"}", why, sizeof why) == IMP_MALFORMED &&
          str_eq(why, "title is empty"));
    CHECK(run(imp_json_article_parse, "{\"title\": \"T\", \"page_id\": \"12a\"}", &a, why, sizeof why) ==
              IMP_MALFORMED && str_eq(why, "page_id \"12a\" is not a number") && !a.has_page_id &&
          str_eq(a.title, "T"));
    imp_article_free(&a);
    CHECK(status_of(imp_json_article_parse, "{\"title\": \"T\", \"id\": -5}", why, sizeof why) == IMP_MALFORMED &&
          str_eq(why, "id -5 is negative"));
    CHECK(status_of(imp_json_article_parse, "{\"title\": \"T\", \"pageid\": 1.5}", why, sizeof why) == IMP_MALFORMED &&
          str_eq(why, "pageid is not an integer"));
    CHECK(status_of(imp_json_article_parse, "{\"title\": \"T\", \"id\": \"18446744073709551616\"}", why, sizeof why) ==
              IMP_MALFORMED && str_eq(why, "id \"18446744073709551616\" is out of range"));
    CHECK(status_of(imp_json_article_parse, "{\"title\": \"T\", \"source_url\": []}", why, sizeof why) ==
              IMP_MALFORMED && str_eq(why, "source_url is not a string"));
    CHECK(status_of(imp_json_article_parse, "{\"title\": \"T\", \"categories\": \"C:1\"}", why, sizeof why) ==
              IMP_MALFORMED && str_eq(why, "categories is not an array"));
    CHECK(run(imp_json_article_parse, "{\"title\": \"T\", \"categories\": [\"C:1\", 2, \"C:3\"]}", &a, why, sizeof why) ==
              IMP_MALFORMED && str_eq(why, "categories[1] is not a string") && a.n_categories == 2);
    imp_article_free(&a);
    CHECK(status_of(imp_json_article_parse, "{\"title\": \"T\", \"archived_date\": \"20241320_214833\"}", why, sizeof why) ==
              IMP_MALFORMED && str_eq(why, "archived_date \"20241320_214833\" is not a date"));
    CHECK(status_of(imp_json_article_parse, "{\"title\": \"T\", \"archived_date\": 20241220}", why, sizeof why) ==
              IMP_MALFORMED && str_eq(why, "archived_date is not a string"));
    /* A long bad value is shortened in why without cutting a UTF-8 character. */
    CHECK(status_of(imp_json_article_parse,
                    "{\"title\": \"T\", \"page_id\": \"\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
                    "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9x\"}",
                    why, sizeof why) == IMP_MALFORMED && clean_utf8(why) && strstr(why, "...\" is not a number"));
    /* why too small: truncated and terminated, never split inside a character. */
    memset(why, 'Z', sizeof why);
    CHECK(status_of(imp_json_article_parse, "{\"title\": 1}", why, 6) == IMP_MALFORMED && str_eq(why, "title") &&
          why[6] == 'Z');

    /* Deep nesting: jansson's depth limit, no crash. */
    size_t depth = 100000;
    char *deep = malloc(depth + 16);
    if (!deep) abort();
    memcpy(deep, "{\"title\": ", 10);
    memset(deep + 10, '[', depth);
    CHECK(status_of_n(imp_json_article_parse, deep, depth + 10, why, sizeof why) == IMP_MALFORMED);
    free(deep);
}

/* ---- JSON Lines ------------------------------------------------------ */

static void test_jsonl_sample(void)
{
    size_t len;
    char *buf = read_file(samples, "extracts.jsonl", &len);
    CHECK(buf != NULL);
    if (!buf) return;

    imp_article rec[8];
    int status[8];
    char why[256];
    size_t n = 0, pos = 0;
    while (pos < len && n < 8) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        size_t ll = nl ? (size_t)(nl - (buf + pos)) : len - pos;
        status[n] = run_n(imp_json_line_parse, buf + pos, ll, &rec[n], why, sizeof why);
        CHECK_MSG(status[n] != IMP_MALFORMED, "line %zu: %s", n + 1, why);
        n++;
        pos += ll + (nl != NULL);
    }
    CHECK(n == 5);
    if (n == 5) {
        CHECK(status[0] == IMP_OK && status[1] == IMP_OK && status[2] == IMP_NONE &&
              status[3] == IMP_OK && status[4] == IMP_OK);
        CHECK(empty_article(&rec[2]));

        /* open_wiki field style */
        CHECK(str_eq(rec[0].title, "Grok (web framework)"));
        CHECK(str_eq(rec[0].url, "https://en.wikipedia.org/wiki/Grok_(web_framework)"));
        CHECK(str_eq(rec[0].language, "en"));
        CHECK(rec[0].n_categories == 2 && str_eq(rec[0].categories[1], "Category:Python (programming language) web frameworks"));
        CHECK(rec[0].has_updated && rec[0].updated_us == iso("2024-12-20T21:48:33Z"));
        CHECK(rec[0].has_page_id && rec[0].page_id == 18836690);
        CHECK(str_eq(rec[0].text, "Grok is a web framework built on the Zope Toolkit.") &&
              rec[0].text_len == strlen(rec[0].text));
        CHECK(str_eq(rec[1].title, "Twisted (software)") && rec[1].has_page_id && rec[1].page_id == 1793652);
        CHECK(rec[1].updated_us == iso("2024-12-21T18:29:53Z") && rec[1].n_categories == 1);

        /* extract field style, one with a non-ASCII title and a "\n" in the text */
        CHECK(str_eq(rec[3].title, "Fernando P\xC3\xA9rez (software developer)"));
        CHECK(str_eq(rec[3].url, "https://en.wikipedia.org/wiki/Fernando_P%C3%A9rez_(software_developer)"));
        CHECK(rec[3].has_page_id && rec[3].page_id == 47231026);
        CHECK(rec[3].has_updated && rec[3].updated_us == iso("2024-12-19T14:43:29Z"));
        CHECK(str_eq(rec[3].text, "Fernando P\xC3\xA9rez is a physicist who created IPython.\nHe co-founded Project Jupyter."));
        CHECK(rec[3].text_len == strlen(rec[3].text) && rec[3].n_categories == 0 && !rec[3].language);
        CHECK(str_eq(rec[4].title, "Pylons project") && rec[4].page_id == 36723720);
        CHECK(rec[4].updated_us == iso("2024-12-15T04:18:52Z"));
        CHECK(str_eq(rec[4].text, "The Pylons project maintains Pyramid and other Python web frameworks."));
    }
    for (size_t i = 0; i < n; i++) imp_article_free(&rec[i]);

    /* Every prefix of the first record: NONE, then MALFORMED, then OK. */
    const char *nl = memchr(buf, '\n', len);
    size_t first = nl ? (size_t)(nl - buf) : len;
    int prefixes_ok = 1;
    for (size_t k = 0; k <= first && prefixes_ok; k++) {
        int st = status_of_n(imp_json_line_parse, buf, k, why, sizeof why);
        int want = k == 0 ? IMP_NONE : k < first ? IMP_MALFORMED : IMP_OK;
        if (st != want || !clean_utf8(why)) {
            prefixes_ok = 0;
            fprintf(stderr, "JSONL prefix %zu of %zu: status %d, why %s\n", k, first, st, why);
        }
    }
    CHECK(prefixes_ok);
    free(buf);
}

static void test_jsonl_inline(void)
{
    imp_article a;
    char why[256];

    CHECK(run(imp_json_line_parse, "", &a, why, sizeof why) == IMP_NONE && empty_article(&a) && why[0] == '\0');
    CHECK(imp_json_line_parse(NULL, 0, &a, why, sizeof why) == IMP_NONE);
    CHECK(status_of(imp_json_line_parse, "  \t\r", why, sizeof why) == IMP_NONE);

    /* content when there is no text; text wins over content; CRLF; no title. */
    CHECK(run(imp_json_line_parse, "{\"content\": \"C\"}\r", &a, why, sizeof why) == IMP_OK &&
          str_eq(a.text, "C") && a.text_len == 1 && !a.title);
    imp_article_free(&a);
    CHECK(run(imp_json_line_parse, "{\"title\": \"T\", \"content\": \"C\", \"text\": \"X\\u00e9\"}", &a, why, sizeof why) ==
              IMP_OK && str_eq(a.text, "X\xC3\xA9") && a.text_len == 3);
    imp_article_free(&a);
    CHECK(run(imp_json_line_parse, "{\"title\": \"T\", \"text\": \"\"}", &a, why, sizeof why) == IMP_OK &&
          a.text && a.text_len == 0);
    imp_article_free(&a);

    /* no text */
    CHECK(run(imp_json_line_parse, "{\"id\": \"1\", \"title\": \"T\"}", &a, why, sizeof why) == IMP_MALFORMED &&
          str_eq(why, "no text") && str_eq(a.title, "T") && a.page_id == 1 && !a.text);
    imp_article_free(&a);
    CHECK(status_of(imp_json_line_parse, "{\"title\": \"T\", \"text\": null}", why, sizeof why) == IMP_MALFORMED &&
          str_eq(why, "no text"));
    CHECK(status_of(imp_json_line_parse, "{\"title\": \"T\", \"text\": [\"a\"]}", why, sizeof why) == IMP_MALFORMED &&
          str_eq(why, "text is not a string"));
    /* Bad fields, as for articles. */
    CHECK(status_of(imp_json_line_parse, "{\"title\": 5, \"text\": \"x\"}", why, sizeof why) == IMP_MALFORMED &&
          str_eq(why, "title is not a string"));
    CHECK(status_of(imp_json_line_parse, "{\"id\": \"12a\", \"text\": \"x\"}", why, sizeof why) == IMP_MALFORMED &&
          str_eq(why, "id \"12a\" is not a number"));
    CHECK(status_of(imp_json_line_parse, "{\"timestamp\": \"soon\", \"text\": \"x\"}", why, sizeof why) ==
              IMP_MALFORMED && str_eq(why, "timestamp \"soon\" is not a date"));

    /* Not an object, syntax errors (column only: the caller knows the line). */
    CHECK(status_of(imp_json_line_parse, "[1, 2]", why, sizeof why) == IMP_MALFORMED &&
          str_eq(why, "JSON Lines record is not an object"));
    CHECK(status_of(imp_json_line_parse, "42", why, sizeof why) == IMP_MALFORMED);
    CHECK(status_of(imp_json_line_parse, "not json", why, sizeof why) == IMP_MALFORMED);
    CHECK_MSG(starts_with(why, "JSON, column "), "why = %s", why);
    CHECK(status_of(imp_json_line_parse, "{\"text\": \"a\"} {\"text\": \"b\"}", why, sizeof why) == IMP_MALFORMED);
    CHECK(status_of(imp_json_line_parse, "{\"title\": \"Caf\xE9\", \"text\": \"x\"}", why, sizeof why) == IMP_MALFORMED &&
          clean_utf8(why));
}

/* ---- categories of metadata-block articles --------------------------- */

static void test_categories_samples(void)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/../articles/articles_Python_programming_language_software", samples);
    imp_article a;
    memset(&a, 0, sizeof a);
    size_t len;

    /* "## Metadata" layout: a sentence, a blank line, then the bullets. */
    char *buf = read_file(dir, "Grok_web_framework.md", &len);
    CHECK(buf != NULL);
    if (buf) {
        CHECK(categories_of(buf, len, &a) == 0);
        CHECK(a.n_categories == 11);
        if (a.n_categories == 11) {
            CHECK(str_eq(a.categories[0], "Category:All articles lacking reliable references"));
            CHECK(str_eq(a.categories[10], "Category:Web software stubs"));
        }
        imp_article_free(&a);
        free(buf);
    }

    /* "## Article Metadata" layout, non-ASCII in a category. */
    buf = read_file(dir, "Category_Free_software_programmed_in_Python.md", &len);
    CHECK(buf != NULL);
    if (buf) {
        CHECK(categories_of(buf, len, &a) == 0);
        CHECK(a.n_categories == 5);
        if (a.n_categories == 5) {
            CHECK(str_eq(a.categories[0], "Category:Automatic category TOC generates standard Category TOC"));
            CHECK(str_eq(a.categories[4],
                         "Category:Template Category TOC via Automatic category TOC on category with 301\xE2\x80\x93" "600 pages"));
        }
        /* Appends: a second call doubles the list. */
        CHECK(categories_of(buf, len, &a) == 0 && a.n_categories == 10);
        imp_article_free(&a);

        /* Every prefix: no crash, a growing number of categories. */
        size_t prev = 0;
        int monotone = 1;
        for (size_t k = 0; k <= len; k++) {
            if (categories_of(buf, k, &a) != 0 || a.n_categories < prev) monotone = 0;
            prev = a.n_categories;
            imp_article_free(&a);
        }
        CHECK(monotone && prev == 5);
        free(buf);
    }
}

static void test_categories_inline(void)
{
    imp_article a;
    memset(&a, 0, sizeof a);

    CHECK(categories_of("", 0, &a) == 0 && a.n_categories == 0);
    CHECK(imp_meta_categories(NULL, 0, &a) == 0 && a.n_categories == 0);
    CHECK(categories_str("# T\n\n## Summary\n- Category:Not here\n", &a) == 0 && a.n_categories == 0);

    static const char crlf[] =
        "# T\r\n\r\n## Categories  \r\nThis article belongs to the following categories:\r\n\r\n"
        "- Category:A  \r\n- Category:B\t\r\n- Category:\r\n* Category:Star\r\n  - Category:Indented\r\n"
        "- [Category:Link](x)\r\n- Category:C\r\n## Content\r\n- Category:After\r\n";
    CHECK(categories_of(crlf, sizeof crlf - 1, &a) == 0);
    CHECK(a.n_categories == 3);
    if (a.n_categories == 3) {
        CHECK(str_eq(a.categories[0], "Category:A"));
        CHECK(str_eq(a.categories[1], "Category:B"));
        CHECK(str_eq(a.categories[2], "Category:C"));
    }
    imp_article_free(&a);

    /* Ends at "# ", "###", at EOF without '\n'; a bullet with NUL is skipped. */
    CHECK(categories_str("## Categories\n- Category:A\n# Next\n- Category:B\n", &a) == 0 &&
          a.n_categories == 1);
    imp_article_free(&a);
    CHECK(categories_str("## Categories\n- Category:A\n### Sub\n- Category:B\n", &a) == 0 &&
          a.n_categories == 1);
    imp_article_free(&a);
    static const char tail[] = "## Categories\n- Category:A\0x\n- Category:Last";
    CHECK(categories_of(tail, sizeof tail - 1, &a) == 0 && a.n_categories == 1 &&
          str_eq(a.categories[0], "Category:Last"));
    imp_article_free(&a);
    /* "## Categories" must be the whole line. */
    CHECK(categories_str("## Categories of things\n- Category:A\n", &a) == 0 && a.n_categories == 0);
    imp_article_free(&a);
}

/* ---- robustness: random damage to the samples ------------------------ */

static uint64_t rng_state = 0x9E3779B97F4A7C15u;
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void fuzz_one(const char *name, parse_fn fn)
{
    size_t len;
    char *orig = read_file(samples, name, &len);
    CHECK(orig != NULL);
    if (!orig || len == 0) { free(orig); return; }
    char *buf = malloc(len);
    if (!buf) abort();
    int all_valid = 1;
    char why[128];
    static const char interesting[] = "\0\n\r\t\"'{}[]:,-\\#&*!|>%@`\x80\xC3\xE9\xFF";
    for (int iter = 0; iter < 2000; iter++) {
        memcpy(buf, orig, len);
        int edits = 1 + (int)(rng() % 4);
        for (int e = 0; e < edits; e++) {
            size_t at = (size_t)(rng() % len);
            buf[at] = (rng() & 1) ? (char)rng() : interesting[rng() % (sizeof interesting - 1)];
        }
        size_t n = (rng() & 3) ? len : (size_t)(rng() % (len + 1));
        imp_article a;
        int st = run_n(fn, buf, n, &a, why, sizeof why);
        if (!valid_status(st) || !clean_utf8(why)) all_valid = 0;
        imp_article_free(&a);
        if (categories_of(buf, n, &a) != 0) all_valid = 0;
        imp_article_free(&a);
    }
    CHECK(all_valid);
    free(buf);
    free(orig);
}

static void test_fuzz(void)
{
    fuzz_one("Breezy_software.md", imp_yaml_front_matter_parse);
    fuzz_one("Fernando_Perez_software_developer.md", imp_json_article_parse);
    fuzz_one("Pycassa_20241220_214817.json", imp_json_article_parse);
    fuzz_one("Pycassa_20241220_214817.json", imp_yaml_front_matter_parse);
    fuzz_one("extracts.jsonl", imp_json_line_parse);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s SAMPLES/layouts\n", argv[0]);
        return 2;
    }
    samples = argv[1];

    test_yaml_samples();
    test_yaml_delimiters();
    test_yaml_fields();
    test_yaml_malformed();
    test_json_samples();
    test_json_inline();
    test_jsonl_sample();
    test_jsonl_inline();
    test_categories_samples();
    test_categories_inline();
    test_fuzz();
    return check_summary();
}
