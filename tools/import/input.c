/* input.c - the parsed-article struct shared by the input parsers. */
#include "input.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

void imp_article_free(imp_article *a)
{
    free(a->title);
    free(a->language);
    free(a->url);
    for (size_t i = 0; i < a->n_categories; i++) free(a->categories[i]);
    free(a->categories);
    free(a->redirect_to);
    free(a->text);
    memset(a, 0, sizeof *a);
}

int imp_add_category(imp_article *a, const char *s, size_t len)
{
    char **grown = realloc(a->categories, (a->n_categories + 1) * sizeof *grown);
    if (!grown) return -1;
    a->categories = grown;
    char *copy = malloc(len + 1);
    if (!copy) return -1;
    memcpy(copy, s, len);
    copy[len] = 0;
    a->categories[a->n_categories++] = copy;
    return 0;
}

void imp_sanitize(char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0 || cp < 0x20 || cp == 0x7f) {
            s[i++] = '?';
            continue;
        }
        i += (size_t)k;
    }
}

void imp_vmalformed(int *status, char *why, size_t why_cap, const char *fmt, va_list ap)
{
    if (*status == IMP_MALFORMED) return;
    *status = IMP_MALFORMED;
    if (!why || !why_cap) return;
    vsnprintf(why, why_cap, fmt, ap);
    imp_sanitize(why);
}

int imp_utf8_text(const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0 || (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0x7f) return 0;
        i += (size_t)k;
    }
    return 1;
}

uint64_t imp_fnv64(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}
