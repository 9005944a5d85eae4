/* fuzz_article_meta.c - pack reads the metadata block of every markdown file
 * it is given: fuzz imp_meta_parse(), imp_meta_categories(), the time
 * parser (a parsed time must format and parse back to itself) and the text
 * sanitizer used on parser messages. Broken promises abort. */
#include "import.h"
#include "fuzz_util.h"

#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = fuzz_copy(data, size);
    char why[300];
    size_t cap = fuzz_why_cap(size);

    imp_meta m;
    int st = imp_meta_parse(buf, size, &m, cap ? why : NULL, cap);
    if (st != -1 && st != IMP_META_NONE && st != IMP_META_OK && st != IMP_META_MALFORMED) abort();
    if (cap && st != -1 && strnlen(why, cap) == cap) abort();
    if (st == IMP_META_NONE && (m.title || m.language || m.url || m.has_page_id || m.has_updated)) abort();
    imp_meta_free(&m);

    imp_article a;
    memset(&a, 0, sizeof a);
    if (imp_meta_categories(buf, size, &a) == 0) {
        for (size_t i = 0; i < a.n_categories; i++)
            if (!a.categories[i] || strncmp(a.categories[i], "Category:", 9) != 0 || !a.categories[i][9]) abort();
    }
    imp_article_free(&a);

    /* Times: whatever parses formats and parses back to the same instant. */
    if (size <= 64) {
        int64_t us;
        if (imp_parse_time(buf, size, &us) == 0) {
            char t[32];
            size_t n = imp_format_time(us, t, sizeof t);
            int64_t back;
            if (n == 0 || imp_parse_time(t, n, &back) != 0 || back != us) {
                fprintf(stderr, "time %lld formats as \"%s\" which does not parse back\n", (long long)us, t);
                abort();
            }
        }
    }

    /* Messages quote the input through imp_sanitize(). */
    char *s = malloc(size + 1);
    if (!s) abort();
    memcpy(s, data, size);
    s[size] = 0;
    imp_sanitize(s);
    if (!imp_utf8_text(s)) abort();
    free(s);
    free(buf);
    return 0;
}
