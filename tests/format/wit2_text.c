/* wit2_text.c - 1.5's title normalization (folded key, MediaWiki form) and path rules, for the witness reader's lookups and verify. */
#include "wit2_reader.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

static int space(uint8_t c) { return c == '_' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

/* Runs of '_' and whitespace as one space, none at either end. */
static uint8_t *collapse(const uint8_t *s, size_t n, size_t *len)
{
    uint8_t *out = malloc(n + 1);
    if (!out) return NULL;
    size_t k = 0;
    int pending = 0;
    for (size_t i = 0; i < n; i++) {
        if (space(s[i])) {
            pending = k > 0;
            continue;
        }
        if (pending) out[k++] = ' ';
        pending = 0;
        out[k++] = s[i];
    }
    out[k] = 0;
    *len = k;
    return out;
}

uint8_t *wit2_fold(const uint8_t *s, size_t n, size_t *len)
{
    uint8_t *c = collapse(s, n, len);
    if (!c) return NULL;
    utf8proc_uint8_t *folded = NULL;
    utf8proc_ssize_t m = utf8proc_map(c, (utf8proc_ssize_t)*len, &folded,
                                      UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
    if (m < 0) {
        /* Not UTF-8: ASCII lowered, other bytes kept. */
        for (size_t i = 0; i < *len; i++)
            if (c[i] >= 'A' && c[i] <= 'Z') c[i] = (uint8_t)(c[i] + 32);
        return c;
    }
    free(c);
    *len = (size_t)m;
    return folded;
}

uint8_t *wit2_collapsed(const uint8_t *s, size_t n, size_t *len) { return collapse(s, n, len); }

uint8_t *wit2_mwform(const uint8_t *s, size_t n, size_t *len)
{
    uint8_t *c = collapse(s, n, len);
    if (!c || *len == 0) return c;
    utf8proc_int32_t cp;
    utf8proc_ssize_t k = utf8proc_iterate(c, (utf8proc_ssize_t)*len, &cp);
    if (k <= 0) return c;
    uint8_t *out = malloc(*len + 4);
    if (!out) {
        free(c);
        return NULL;
    }
    utf8proc_ssize_t m = utf8proc_encode_char(utf8proc_toupper(cp), out);
    memcpy(out + m, c + k, *len - (size_t)k);
    *len = (size_t)m + *len - (size_t)k;
    free(c);
    return out;
}

int wit2_path_ok(const uint8_t *p, size_t n)
{
    if (n < 1 || n > 4096 || p[0] == '/') return 0;
    for (size_t i = 0; i < n; i++)
        if (p[i] < 0x20 || p[i] == 0x7F || p[i] == '\\') return 0;
    for (size_t i = 0; i < n;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0) return 0;
        i += (size_t)k;
    }
    for (size_t i = 0; i <= n;) {
        size_t j = i;
        while (j < n && p[j] != '/') j++;
        size_t len = j - i;
        if (len < 1 || len > 255 || (len == 1 && p[i] == '.') || (len == 2 && p[i] == '.' && p[i + 1] == '.')) return 0;
        i = j + 1;
    }
    return 1;
}
