/* fuzz_plain.c - an article's plain text from any bytes (lib/search/plain.c):
 * the first byte picks the markup and the cap. The text is at most the cap,
 * NUL-terminated, valid UTF-8 when the input is, never starts or ends with
 * a space or a newline, has no run of spaces or three newlines; cut at a
 * smaller cap it is a prefix of the whole text; plain text of plain text
 * is itself, and the markup's own plain text of it no more than two
 * bytes longer. */
#include "plain.h"

#include "fuzz_util.h"
#include "wikipack.h"

#include <stdint.h>

static int valid_utf8(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        unsigned c = p[i];
        size_t k = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
        if (!k || i + k > n) return 0;
        unsigned lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80, hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
        if (k > 1 && (p[i + 1] < lo || p[i + 1] > hi)) return 0;
        for (size_t j = 2; j < k; j++)
            if ((p[i + j] & 0xC0) != 0x80) return 0;
        i += k;
    }
    return 1;
}

static char *run(wpk_markup m, const char *src, size_t len, size_t cap, size_t *n)
{
    char *out = NULL;
    if (wpk_plain_text(m, src, len, cap, &out, n) != 0 || !out) abort();
    if (*n > cap || out[*n] != 0) abort();
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) return 0;
    static const size_t caps[4] = {SIZE_MAX, 1 << 20, 7, 64};
    wpk_markup m = (wpk_markup)(data[0] & 3);
    size_t cap = caps[data[0] >> 2 & 3], len = size - 1;
    char *src = fuzz_copy(data + 1, len);
    size_t n, whole_n;
    char *out = run(m, src, len, cap, &n);
    if (valid_utf8(src, len) && !valid_utf8(out, n)) abort();
    if (n && (out[0] == ' ' || out[0] == '\n' || out[n - 1] == ' ' || out[n - 1] == '\n')) abort();
    for (size_t i = 0; i + 1 < n; i++) {
        if (out[i] == ' ' && (out[i + 1] == ' ' || out[i + 1] == '\n')) abort();
        if (out[i] == '\n' && out[i + 1] == ' ') abort();
        if (i + 2 < n && out[i] == '\n' && out[i + 1] == '\n' && out[i + 2] == '\n') abort();
        if (out[i] == '\t' || out[i] == '\r') abort();
    }
    /* A cut is a prefix of the whole text (but for markdown's brackets: a
     * '[' is known to open a link only at its "](", maybe past the cut). */
    char *whole = run(m, src, len, SIZE_MAX, &whole_n);
    if (n > whole_n) abort();
    if (memcmp(out, whole, n) && !(m == WPK_MARKUP_MARKDOWN && memchr(out, '[', n))) abort();
    /* Plain text is its own plain text, and the others never make it longer. */
    char *again = run(WPK_MARKUP_PLAIN, whole, whole_n, SIZE_MAX, &n);
    if (n != whole_n || memcmp(again, whole, n)) abort();
    wpk_free(again);
    again = run(m, whole, whole_n, SIZE_MAX, &n);
    if (n > whole_n + 2) abort();
    wpk_free(again);
    wpk_free(whole);
    wpk_free(out);
    free(src);
    return 0;
}
