/* upper_first.c - the MediaWiki form of a folded title key: its first code point upper-cased (utf8proc), for title pages' FORMS. */
#include "wpk2_internal.h"

#include <utf8proc.h>

size_t wpk2_upper_first(const uint8_t *s, size_t len, uint8_t *out)
{
    utf8proc_int32_t cp;
    utf8proc_ssize_t n = len ? utf8proc_iterate(s, (utf8proc_ssize_t)len, &cp) : -1;
    utf8proc_uint8_t enc[4];
    utf8proc_ssize_t m = n > 0 ? utf8proc_encode_char(utf8proc_toupper(cp), enc) : 0;
    if (m <= 0) {
        /* Not starting with valid UTF-8: the key is its own form. */
        if (len) memcpy(out, s, len);
        return len;
    }
    memcpy(out, enc, (size_t)m);
    if (len > (size_t)n) memcpy(out + m, s + n, len - (size_t)n);
    return (size_t)m + len - (size_t)n;
}
