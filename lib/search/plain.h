/* plain.h - the words a reader sees in an article, from its markup.
 *
 * What a full-text search index analyses and what search snippets show:
 * markup dropped, the text kept, runs of spaces and tabs collapsed to one
 * space, at most two newlines in a row, no space at either end. Linear in
 * the input whatever it holds; bytes that are not valid UTF-8 are copied
 * through unchanged, and no invalid UTF-8 is made from valid input. */
#ifndef WPK_SEARCH_PLAIN_H
#define WPK_SEARCH_PLAIN_H

#include <stddef.h>

typedef enum { WPK_MARKUP_PLAIN, WPK_MARKUP_MARKDOWN, WPK_MARKUP_HTML, WPK_MARKUP_WIKITEXT } wpk_markup;

/* The markup of a media type: "text/x-wiki" wikitext, "text/html" and
 * "application/xhtml+xml" HTML, "text/markdown" (and "text/x-markdown")
 * markdown, any other "text/..." plain; -1 for a media type that is not text
 * (images, application/octet-stream). NULL or "" count as plain: old
 * archives store no media type for text. Parameters (";charset=utf-8")
 * and case are ignored. */
int wpk_markup_of(const char *mime);
/* The same of mime[0, len), which need not end in a NUL (a media type as
 * an entry page stores it). */
int wpk_markup_of_n(const char *mime, size_t len);

/* Plain text of src[0,len) into *out (malloc'd with wpk_malloc,
 * NUL-terminated, *out_len bytes without the NUL). At most `cap` bytes of
 * output: the text stops cleanly at a UTF-8 boundary when reached.
 * Returns WPK_OK or WPK_E_NOMEM. Never fails on bad markup or invalid
 * UTF-8: it is text from users. */
int wpk_plain_text(wpk_markup m, const char *src, size_t len, size_t cap, char **out, size_t *out_len);

#endif
