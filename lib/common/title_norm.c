/* title_norm.c - how titles are compared when people type them.
 *
 * MediaWiki form: underscores are spaces, surrounding and repeated
 * whitespace is dropped, the first letter is upper case. Folded form: the
 * MediaWiki form in Unicode NFC with full case folding (utf8proc), the key
 * of the folded-title index. Both return NUL-terminated strings from the library's allocator (wpk_free). */
#include "common.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* Underscores and whitespace runs become one space; no leading/trailing space. */
static char *collapse_spaces(const char *s, size_t n)
{
    char *out = wpk_malloc(n + 1);
    if (!out) return NULL;
    size_t k = 0;
    int pending_space = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (wpk_title_space(c)) {
            pending_space = k > 0;
            continue;
        }
        if (pending_space) out[k++] = ' ';
        pending_space = 0;
        out[k++] = (char)c;
    }
    out[k] = 0;
    return out;
}

int wpk_title_collapse(const char *title, size_t len, char **out)
{
    *out = collapse_spaces(title, len);
    return *out ? WPK_OK : WPK_E_NOMEM;
}

int wpk_title_mediawiki(const char *title, size_t len, char **out)
{
    *out = NULL;
    char *s = collapse_spaces(title, len);
    if (!s) return WPK_E_NOMEM;
    utf8proc_int32_t cp;
    /* The explicit length matters: an empty title (all underscores) would
     * otherwise decode its terminating NUL and read past it. */
    utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)strlen(s), &cp);
    if (n > 0) {
        utf8proc_int32_t up = utf8proc_toupper(cp);
        utf8proc_uint8_t enc[4];
        utf8proc_ssize_t m = utf8proc_encode_char(up, enc);
        if (m > 0) {
            size_t rest = strlen(s + n);
            char *t = wpk_malloc((size_t)m + rest + 1);
            if (!t) {
                wpk_free(s);
                return WPK_E_NOMEM;
            }
            memcpy(t, enc, (size_t)m);
            memcpy(t + m, s + n, rest + 1);
            wpk_free(s);
            s = t;
        }
    }
    *out = s;
    return WPK_OK;
}

int wpk_title_fold(const char *title, size_t len, char **out)
{
    *out = NULL;
    char *s = collapse_spaces(title, len);
    if (!s) return WPK_E_NOMEM;
    utf8proc_uint8_t *folded = NULL;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)strlen(s), &folded,
                                      UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
    if (n == UTF8PROC_ERROR_NOMEM) {
        wpk_free(s);
        return WPK_E_NOMEM;
    }
    if (n < 0) {
        /* Invalid UTF-8: fall back to the collapsed bytes, ASCII-lowered. */
        for (char *p = s; *p; p++)
            if (*p >= 'A' && *p <= 'Z') *p = (char)(*p + 32);
        *out = s;
        return WPK_OK;
    }
    wpk_free(s);
    /* utf8proc allocates with the C library; callers release with wpk_free. */
    *out = wpk_strndup((const char *)folded, (size_t)n);
    free(folded);
    return *out ? WPK_OK : WPK_E_NOMEM;
}
