/* fuzz_article_meta.c - pack reads the metadata block of every markdown file
 * it is given: fuzz article_meta_parse(), article_meta_categories(), the time
 * parser (a parsed time must format and parse back to itself) and the text
 * sanitizer used on parser messages. Broken promises abort. */
#include "article_meta.h"
#include "fuzz_util.h"
#include "input.h"

#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = fuzz_copy(data, size);
    char why[300];
    size_t cap = fuzz_why_cap(size);

    article_meta m;
    int st = article_meta_parse(buf, size, &m, cap ? why : NULL, cap);
    if (st != -1 && st != ARTICLE_META_NONE && st != ARTICLE_META_OK && st != ARTICLE_META_MALFORMED) abort();
    if (cap && st != -1 && strnlen(why, cap) == cap) abort();
    if (st == ARTICLE_META_NONE && (m.title || m.language || m.url || m.has_page_id || m.has_updated)) abort();
    article_meta_free(&m);

    input_article a;
    memset(&a, 0, sizeof a);
    if (article_meta_categories(buf, size, &a) == 0) {
        for (size_t i = 0; i < a.n_categories; i++)
            if (!a.categories[i] || strncmp(a.categories[i], "Category:", 9) != 0 || !a.categories[i][9]) abort();
    }
    input_article_free(&a);

    /* Times: whatever parses formats and parses back to the same instant. */
    if (size <= 64) {
        int64_t us;
        if (article_parse_time(buf, size, &us) == 0) {
            char t[32];
            size_t n = article_format_time(us, t, sizeof t);
            int64_t back;
            if (n == 0 || article_parse_time(t, n, &back) != 0 || back != us) {
                fprintf(stderr, "time %lld formats as \"%s\" which does not parse back\n", (long long)us, t);
                abort();
            }
        }
    }

    /* Messages quote the input through input_sanitize(). */
    char *s = malloc(size + 1);
    if (!s) abort();
    memcpy(s, data, size);
    s[size] = 0;
    input_sanitize(s);
    if (!input_utf8_text(s)) abort();
    free(s);
    free(buf);
    return 0;
}
