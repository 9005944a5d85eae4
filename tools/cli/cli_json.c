/* cli_json.c - archive strings into JSON: never a lost key, bytes that are not UTF-8 replaced and flagged */
#include "cli_json.h"
#include "cli.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
        uint32_t cp;
        size_t len = cli_utf8_len((const unsigned char *)s + i, n - i, &cp); /* jansson takes what RFC 3629 allows */
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
