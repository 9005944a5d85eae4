/* path_check.c - the rule for entry paths, applied when packing and again
 * when extracting: nothing that could escape the target directory. */
#include "common.h"

#include <string.h>

/* Length of the UTF-8 sequence at p (1..4), or 0 if invalid. Rejects overlong
 * forms, surrogates and code points above U+10FFFF. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
    unsigned c = p[0];
    size_t len;
    unsigned min;
    if (c < 0x80) return 1;
    if ((c & 0xE0) == 0xC0) { len = 2; min = 0x80; c &= 0x1F; }
    else if ((c & 0xF0) == 0xE0) { len = 3; min = 0x800; c &= 0x0F; }
    else if ((c & 0xF8) == 0xF0) { len = 4; min = 0x10000; c &= 0x07; }
    else return 0;
    if (n < len) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80) return 0;
        c = (c << 6) | (p[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0;
    return len;
}

int wpk_path_check(const char *path, size_t len)
{
    const unsigned char *p = (const unsigned char *)path;
    if (len == 0 || len > WPK_MAX_PATH || p[0] == '/') return -1;
    size_t comp_start = 0;
    for (size_t i = 0; i <= len;) {
        if (i == len || p[i] == '/') {
            size_t clen = i - comp_start;
            if (clen == 0 || clen > 255) return -1;
            if (clen == 1 && p[comp_start] == '.') return -1;
            if (clen == 2 && p[comp_start] == '.' && p[comp_start + 1] == '.') return -1;
            comp_start = i + 1;
            i++;
            continue;
        }
        if (p[i] < 0x20 || p[i] == 0x7F || p[i] == '\\') return -1;
        size_t n = utf8_len(p + i, len - i);
        if (n == 0) return -1;
        i += n;
    }
    return 0;
}
