/* snippet.h - a result's text against its query: whether its phrases are
 * there (positions are not stored in the index), and the snippet that shows
 * the most of its words (not installed). */
#ifndef WPK_SEARCH_SNIPPET_H
#define WPK_SEARCH_SNIPPET_H

#include "query.h"
#include "wikipack.h"

#define WPK_SNIPPET_BYTES 320u /* of a snippet's text, at most */

/* 1 when every phrase of the query that is wanted is in text, and no
 * excluded one is; 0 otherwise, -1 out of memory. */
int wpk_text_has_phrases(wpk_analyzer *a, const wpk_query *q, const char *text, size_t len);

/* The snippet of text: the window of words holding the most of the query's
 * words (the text's start when none), NUL-terminated, with the matched
 * words as marks. WPK_OK or WPK_E_NOMEM; *out and *marks are wpk_free'd. */
int wpk_snippet(wpk_analyzer *a, const wpk_query *q, const char *text, size_t len, char **out,
                wpk_search_mark **marks, uint32_t *nmarks);

#endif
