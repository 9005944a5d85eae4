/* fuzz_analyze.c - search terms from any bytes (lib/search/analyze.c): the
 * first byte picks the language; every term is 1 to WPK_TERM_MAX bytes of
 * valid UTF-8, inside the text, numbered in order. */
#include "analyze.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

typedef struct walk {
    size_t len;
    uint32_t next;
} walk;

static int check_term(void *ctx, const wpk_term *t)
{
    walk *w = ctx;
    if (t->len == 0 || t->len > WPK_TERM_MAX) abort();
    if (t->word_len == 0 || t->at > w->len || t->word_len > w->len - t->at) abort();
    if (t->position != w->next++) abort();
    for (size_t i = 0; i < t->len;) {
        utf8proc_int32_t c;
        utf8proc_ssize_t k = utf8proc_iterate(t->term + i, (utf8proc_ssize_t)(t->len - i), &c);
        if (k <= 0) abort();
        i += (size_t)k;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const languages[] = {"en", "de", "fr", "ru", "ja", "ar", "el", "tr", "xx", NULL};
    static wpk_analyzer *analyzers[10];
    if (size == 0) return 0;
    size_t pick = data[0] % 10;
    if (!analyzers[pick] && !(analyzers[pick] = wpk_analyzer_new(languages[pick]))) abort();
    walk w = {size - 1, 0};
    if (wpk_analyze(analyzers[pick], (const char *)data + 1, size - 1, check_term, &w) != 0) abort();
    return 0;
}
