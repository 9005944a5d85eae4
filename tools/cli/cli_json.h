/* cli_json.h - archive strings into JSON for --json outputs */
#ifndef WPK_CLI_JSON_H
#define WPK_CLI_JSON_H

#include <jansson.h>

/* A JSON string of s (NULL: null), which may not be UTF-8 (an archive's
 * title, a file name): each byte that is not part of a valid sequence
 * becomes U+FFFD, and *replaced (if given) is set then. Never NULL. */
json_t *cli_json_text(const char *s, int *replaced);
/* o[key] = cli_json_text(s); when bytes were replaced, key is appended to
 * `flagged` (may be NULL), the list a --json output gives as "not_utf8". */
void cli_json_set_text(json_t *o, const char *key, const char *s, json_t *flagged);

#endif
