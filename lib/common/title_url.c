/* title_url.c - the article title a Wikipedia-style URL points to (wpk_title_from_url). */
#include "common.h"

#include <stdlib.h>
#include <string.h>

static int hex(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Percent-decode s[0..n), '_' and '+' (in a query) becoming spaces. */
static int decode(const char *s, size_t n, int plus_is_space, char **title)
{
    char *out = wpk_malloc(n + 1);
    if (!out) return WPK_E_NOMEM;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
            out[k++] = (char)(hex(s[i + 1]) * 16 + hex(s[i + 2]));
            i += 2;
        } else if (s[i] == '_' || (plus_is_space && s[i] == '+')) {
            out[k++] = ' ';
        } else {
            out[k++] = s[i];
        }
    }
    out[k] = 0;
    if (k == 0 || memchr(out, 0, k)) { /* an encoded NUL names nothing */
        wpk_free(out);
        return WPK_E_NOTFOUND;
    }
    *title = out;
    return WPK_OK;
}

int wpk_title_from_url(const char *url, char **out)
{
    if (!out) return WPK_E_INVALID;
    *out = NULL;
    if (!url) return WPK_E_INVALID;
    const char *p = strstr(url, "/wiki/");
    if (p) {
        p += 6;
        size_t n = strcspn(p, "#?");
        return decode(p, n, 0, out);
    }
    p = strstr(url, "title=");
    if (p && (p == url || p[-1] == '?' || p[-1] == '&')) {
        p += 6;
        size_t n = strcspn(p, "&#");
        return decode(p, n, 1, out);
    }
    return WPK_E_NOTFOUND;
}
