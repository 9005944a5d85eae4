/* serve_buf.c - growable buffer, HTML escaping and URL coding for serve. */
#include "serve.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int grow(serve_buf *b, size_t more)
{
    if (b->oom) return -1;
    if (b->n + more + 1 <= b->cap) return 0;
    size_t cap = b->cap ? b->cap : 1024;
    while (cap < b->n + more + 1) {
        if (cap > SIZE_MAX / 2) { b->oom = 1; return -1; }
        cap *= 2;
    }
    char *p = realloc(b->p, cap);
    if (!p) { b->oom = 1; return -1; }
    b->p = p;
    b->cap = cap;
    return 0;
}

void serve_buf_add(serve_buf *b, const char *s, size_t n)
{
    if (grow(b, n)) return;
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}

void serve_buf_puts(serve_buf *b, const char *s)
{
    serve_buf_add(b, s, strlen(s));
}

void serve_buf_printf(serve_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof small) {
        serve_buf_add(b, small, (size_t)n);
        return;
    }
    if (grow(b, (size_t)n)) return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->n, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->n += (size_t)n;
}

void serve_buf_html(serve_buf *b, const char *s, size_t n)
{
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        const char *rep = NULL;
        switch (s[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        case 0: rep = "\xEF\xBF\xBD"; break; /* U+FFFD: a NUL has no place in HTML */
        default: continue;
        }
        serve_buf_add(b, s + start, i - start);
        serve_buf_puts(b, rep);
        start = i + 1;
    }
    serve_buf_add(b, s + start, n - start);
}

void serve_buf_html_str(serve_buf *b, const char *s)
{
    if (s) serve_buf_html(b, s, strlen(s));
}

void serve_buf_url_part(serve_buf *b, const char *s, int flags)
{
    static const char hexd[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned c = *p;
        if ((flags & SERVE_URL_UNDERSCORES) && c == ' ') {
            serve_buf_add(b, "_", 1);
        } else if ((flags & SERVE_URL_UNDERSCORES) && c == '_') {
            serve_buf_add(b, "%5F", 3); /* decoding turns '_' into a space: a real one must survive */
        } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   strchr("-._~()!*,:@", (int)c) || (c == '/' && (flags & SERVE_URL_SLASHES))) {
            char ch = (char)c;
            serve_buf_add(b, &ch, 1);
        } else {
            char esc[3] = {'%', hexd[c >> 4], hexd[c & 15]};
            serve_buf_add(b, esc, 3);
        }
    }
}

void serve_buf_free(serve_buf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

char *serve_buf_take(serve_buf *b, size_t *len)
{
    if (!b->p) serve_buf_add(b, "", 0);
    char *p = b->oom ? NULL : b->p;
    if (len) *len = b->n;
    if (!p) free(b->p);
    memset(b, 0, sizeof *b);
    return p;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int serve_url_escapes_valid(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] == '%' && (i + 2 >= n || hexval(s[i + 1]) < 0 || hexval(s[i + 2]) < 0)) return 0;
    return 1;
}

char *serve_url_decode(const char *s, size_t n, int plus, int underscores)
{
    if (!serve_url_escapes_valid(s, n)) return NULL;
    char *out = malloc(n + 1);
    if (!out) return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '%') {
            c = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
            if (c == 0) { free(out); return NULL; }
        } else if ((plus && c == '+') || (underscores && c == '_')) {
            c = ' ';
        }
        out[k++] = c;
    }
    out[k] = 0;
    return out;
}

char *serve_query_get(const char *query, const char *key, int *bad)
{
    size_t klen = strlen(key);
    const char *p = query;
    while (p && *p) {
        size_t len = strcspn(p, "&");
        if (len > klen && !strncmp(p, key, klen) && p[klen] == '=') {
            char *v = serve_url_decode(p + klen + 1, len - klen - 1, 1, 0);
            if (!v) *bad = 1;
            return v;
        }
        if (len == klen && !strncmp(p, key, klen)) return calloc(1, 1);
        p += len;
        if (*p == '&') p++;
    }
    return NULL;
}
