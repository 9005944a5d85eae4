/* fuzz_analyze.c - search terms from any bytes (lib/search/analyze.c): the
 * first byte picks the language; every term is 1 to WPK_TERM_MAX bytes of
 * valid UTF-8, inside the text, numbered in order; and an analyzer that has
 * seen other inputs (its cache of words) gives the same terms as a new one. */
#include "analyze.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

typedef struct walk {
    size_t len;
    uint32_t next;
    uint8_t *terms; /* every term, length-prefixed */
    size_t used, cap;
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
    if (w->used + t->len + 1 > w->cap) {
        size_t cap = (w->cap + t->len + 1) * 2;
        uint8_t *g = realloc(w->terms, cap);
        if (!g) abort();
        w->terms = g;
        w->cap = cap;
    }
    w->terms[w->used++] = (uint8_t)t->len;
    memcpy(w->terms + w->used, t->term, t->len);
    w->used += t->len;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const languages[] = {"en", "de", "fr", "ru", "ja", "ar", "el", "tr", "xx", NULL};
    static wpk_analyzer *analyzers[10];
    if (size == 0) return 0;
    size_t pick = data[0] % 10;
    if (!analyzers[pick] && !(analyzers[pick] = wpk_analyzer_new(languages[pick]))) abort();
    walk w = {size - 1, 0, NULL, 0, 0}, fresh = {size - 1, 0, NULL, 0, 0};
    wpk_analyzer *a = wpk_analyzer_new(languages[pick]);
    if (!a) abort();
    if (wpk_analyze(analyzers[pick], (const char *)data + 1, size - 1, check_term, &w) != 0) abort();
    if (wpk_analyze(a, (const char *)data + 1, size - 1, check_term, &fresh) != 0) abort();
    if (w.used != fresh.used || (w.used && memcmp(w.terms, fresh.terms, w.used))) abort();
    wpk_analyzer_free(a);
    free(w.terms);
    free(fresh.terms);
    return 0;
}
