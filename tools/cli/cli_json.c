/* cli_json.c - archive strings into JSON: never a lost key, bytes that are not UTF-8 replaced and flagged */
#include "cli_json.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at p (n bytes left), 0 when none:
 * jansson takes exactly what RFC 3629 allows. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
    if (p[0] < 0x80) return 1;
    size_t len = p[0] >= 0xF0 && p[0] <= 0xF4 ? 4 : p[0] >= 0xE0 && p[0] < 0xF0 ? 3 : p[0] >= 0xC2 && p[0] < 0xE0 ? 2 : 0;
    if (!len || len > n) return 0;
    uint32_t cp = p[0] & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80) return 0;
        cp = cp << 6 | (p[i] & 0x3F);
    }
    static const uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
    return cp < least[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) ? 0 : len;
}

json_t *cli_json_text(const char *s, int *replaced)
{
    if (!s) return json_null();
    json_t *j = json_string(s);
    if (j) return j;
    size_t n = strlen(s);
    char *copy = malloc(3 * n + 1); /* each bad byte becomes U+FFFD, 3 bytes */
    if (!copy) return json_null();
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        size_t len = utf8_len((const unsigned char *)s + i, n - i);
        if (len) {
            memcpy(copy + k, s + i, len);
            k += len;
            i += len;
        } else {
            memcpy(copy + k, "\xEF\xBF\xBD", 3);
            k += 3;
            i++;
        }
    }
    copy[k] = 0;
    j = json_string(copy);
    free(copy);
    if (replaced) *replaced = 1;
    return j ? j : json_null();
}

void cli_json_set_text(json_t *o, const char *key, const char *s, json_t *flagged)
{
    int replaced = 0;
    json_object_set_new(o, key, cli_json_text(s, &replaced));
    if (replaced && flagged) json_array_append_new(flagged, json_string(key));
}
