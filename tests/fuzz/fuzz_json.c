/* fuzz_json.c - pack reads JSON articles and JSON Lines files through
 * jansson: fuzz imp_json_article_parse() on the whole input and
 * imp_json_line_parse() on every line of it (as pack splits a .jsonl file), and
 * check what input_json.h promises (status, clean `why`, valid UTF-8 without
 * NUL in every string, text NUL-terminated at text_len). */
#include "fuzz_util.h"
#include "import.h"

#include <stdint.h>

/* Valid UTF-8 (control characters allowed: JSON can escape them). */
static int utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned c = *p;
        size_t k = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
                 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
        if (k == 0) return 0;
        for (size_t i = 1; i < k; i++)
            if ((p[i] & 0xC0) != 0x80) return 0;
        p += k;
    }
    return 1;
}

static void check(int st, const imp_article *a, const char *why, size_t cap)
{
    if (st != -1 && st != IMP_NONE && st != IMP_OK && st != IMP_MALFORMED) abort();
    if (st == -1) return;
    if (cap && (strnlen(why, cap) == cap || !fuzz_clean_utf8(why))) abort();
    if ((a->title && !utf8(a->title)) || (a->url && !utf8(a->url)) || (a->language && !utf8(a->language))) abort();
    for (size_t i = 0; i < a->n_categories; i++)
        if (!a->categories[i] || !utf8(a->categories[i])) abort();
    if (a->text && (a->text[a->text_len] != 0 || strlen(a->text) != a->text_len || !utf8(a->text))) abort();
}

static void one(int line, const char *p, size_t len, size_t cap)
{
    char *buf = fuzz_copy(p, len);
    char why[300];
    imp_article a;
    int st = line ? imp_json_line_parse(buf, len, &a, cap ? why : NULL, cap)
                  : imp_json_article_parse(buf, len, &a, cap ? why : NULL, cap);
    check(st, &a, why, cap);
    if (!line && st != -1 && a.text) abort();   /* a file's content is the file */
    if (st != -1) imp_article_free(&a);
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t cap = fuzz_why_cap(size);
    const char *p = (const char *)data;
    one(0, p, size, cap);
    /* JSON Lines: each line with its '\n', as getline() gives it. */
    for (size_t start = 0; start < size;) {
        const char *nl = memchr(p + start, '\n', size - start);
        size_t end = nl ? (size_t)(nl - p) + 1 : size;
        one(1, p + start, end - start, cap);
        start = end;
    }
    return 0;
}
