/* input.c - what the input parsers share: the parsed article, their messages, strings, dates, page IDs */
#include "input.h"
#include "article_meta.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

void imp_article_free(imp_article *a)
{
    free(a->title);
    free(a->language);
    free(a->url);
    imp_article_free_categories(a);
    free(a->redirect_to);
    free(a->text);
    free(a->wiki);
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

void imp_article_free_categories(imp_article *a)
{
    for (size_t i = 0; i < a->n_categories; i++) free(a->categories[i]);
    free(a->categories);
    a->categories = NULL;
    a->n_categories = 0;
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

void imp_bad(imp_parse *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    imp_vmalformed(&p->status, p->why, p->why_cap, fmt, ap);
    va_end(ap);
}

/* How much of a bad value is quoted in `why`. */
#define WHY_VALUE_MAX 40

void imp_bad_value(imp_parse *p, const char *field, const char *v, size_t vn, const char *what)
{
    size_t n = vn < WHY_VALUE_MAX ? vn : WHY_VALUE_MAX;
    if (n < vn)                                /* do not cut a UTF-8 sequence in two */
        while (n && ((unsigned char)v[n] & 0xC0) == 0x80) n--;
    imp_bad(p, "%s \"%.*s%s\" %s", field, (int)n, v, vn > n ? "..." : "", what);
}

char *imp_strndup(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        if (n) memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

int imp_set_string(char **dst, const char *s, size_t n)
{
    char *d = imp_strndup(s, n);
    if (!d) return -1;
    free(*dst);
    *dst = d;
    return 0;
}

/* imp_parse_time(), plus YYYY-MM-DD (midnight UTC), a date-time without a
 * zone (UTC) and, when compact, YYYYMMDD_HHMMSS (UTC). */
static int parse_time_loose(const char *s, size_t n, int compact, int64_t *us)
{
    char tmp[64];
    if (imp_parse_time(s, n, us) == 0) return 0;
    if (compact && n == 15 && s[8] == '_') {
        for (size_t i = 0; i < 15; i++)
            if (i != 8 && (s[i] < '0' || s[i] > '9')) return -1;
        /* YYYY-MM-DDTHH:MM:SSZ */
        snprintf(tmp, sizeof tmp, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ",
                 s, s + 4, s + 6, s + 9, s + 11, s + 13);
        return imp_parse_time(tmp, 20, us);
    }
    if (n == 10) {
        memcpy(tmp, s, 10);
        memcpy(tmp + 10, "T00:00:00Z", 10);
        return imp_parse_time(tmp, 20, us);
    }
    if (n >= 19 && n < sizeof tmp) {
        memcpy(tmp, s, n);
        tmp[n] = 'Z';
        return imp_parse_time(tmp, n + 1, us);
    }
    return -1;
}

void imp_date_value(imp_parse *p, const char *field, const char *s, size_t n, int compact)
{
    int64_t us;
    if (parse_time_loose(s, n, compact, &us) != 0) { imp_bad_value(p, field, s, n, "is not a date"); return; }
    p->a->updated_us = us;
    p->a->has_updated = 1;
}

void imp_page_id_value(imp_parse *p, const char *field, const char *s, size_t n)
{
    uint64_t id = 0;
    if (n == 0) { imp_bad_value(p, field, s, n, "is not a number"); return; }
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') { imp_bad_value(p, field, s, n, "is not a number"); return; }
        unsigned dg = (unsigned)(s[i] - '0');
        if (id > (UINT64_MAX - dg) / 10) { imp_bad_value(p, field, s, n, "is out of range"); return; }
        id = id * 10 + dg;
    }
    p->a->page_id = id;
    p->a->has_page_id = 1;
}
