/* fuzz_util.h - small helpers shared by the parser fuzz targets. */
#ifndef WPK_FUZZ_UTIL_H
#define WPK_FUZZ_UTIL_H

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Is s valid UTF-8 without control characters? (what `why` promises) */
static inline int fuzz_clean_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned c = *p;
        size_t k = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
                 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
        if (k == 0 || c < 0x20 || c == 0x7f) return 0;
        for (size_t i = 1; i < k; i++)
            if ((p[i] & 0xC0) != 0x80) return 0;
        p += k;
    }
    return 1;
}

/* An exact-size heap copy (no trailing NUL), so a read past len is caught. */
static inline char *fuzz_copy(const void *data, size_t len)
{
    char *c = malloc(len ? len : 1);
    if (!c) abort();
    if (len) memcpy(c, data, len);
    return c;
}

/* Capacity of the `why` buffer, varied with the input so truncation is
 * exercised too: 0 means no buffer. */
static inline size_t fuzz_why_cap(size_t size)
{
    static const size_t caps[4] = {300, 0, 7, 40};
    return caps[size % 4];
}

#endif
