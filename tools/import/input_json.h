/* input_json.h - read JSON articles and JSON Lines records, with jansson */
/*
 * JSON articles are one object per file, as open_wiki archives them; JSON
 * Lines records one article per line, as common Wikipedia extracts are.
 *
 *   {"title": "Zope Object Database", "summary": "...", "content": "...",
 *    "categories": ["Category:Cross-platform software", ...],
 *    "archived_date": "20241220_214833",
 *    "source_url": "https://en.wikipedia.org/wiki/Zope_Object_Database"}
 *
 *   {"id": "12", "title": "Anarchism", "text": "...", "url": "https://...",
 *    "timestamp": "2024-11-24T06:40:49Z"}
 *
 * Fields read (other keys are ignored; JSON null counts as absent, except
 * for title; a repeated key keeps its last value, as jansson does):
 *   title                             string, not empty
 *   source_url > url                  string (the first present one is used)
 *   language > lang                   string
 *   categories                        array of strings (empty ones skipped)
 *   archived_date > last_modified > timestamp   (the first present one)
 *                                     string: "YYYYMMDD_HHMMSS" (UTC), any
 *                                     form imp_parse_time() takes,
 *                                     YYYY-MM-DD (midnight UTC), or a
 *                                     date-time without a zone (UTC)
 *   page_id > pageid > id             integer >= 0, or a string of digits
 * A field of the wrong type or with a bad value makes the record
 * IMP_MALFORMED, with `why` naming the field, e.g.
 * "page_id \"12a\" is not a number" or "title is not a string".
 *
 * Both functions take a buffer that is not NUL-terminated and may hold any
 * bytes; they never read past len. *out is overwritten (not freed first).
 * jansson rejects invalid UTF-8 and \u0000, so every string filled in is
 * valid UTF-8 without NUL. `why` (if non-NULL and why_cap > 0) is "" when
 * there is nothing to report; it is always valid UTF-8 without control
 * characters. Only the first problem is reported; fields that did parse
 * are filled in. Both return the status, or -1 on allocation failure
 * (with *out freed).
 */
#ifndef WPK_INPUT_JSON_H
#define WPK_INPUT_JSON_H

#include <stddef.h>

#include "input.h"

/*
 * One JSON object per file. The entry's content is the file itself, so
 * out->text is left NULL.
 *   IMP_NONE: the first non-blank byte (after an optional UTF-8 BOM) is
 *     not '{' (not JSON, or a JSON array or scalar), or the object has no
 *     "title" key.
 *   IMP_MALFORMED: starts with '{' but is not valid JSON (why = "JSON,
 *     line L column C: <jansson error text>"), or a field is bad.
 *   IMP_OK otherwise.
 */
int imp_json_article_parse(const char *buf, size_t len, imp_article *out,
                           char *why, size_t why_cap);

/*
 * One JSON Lines record (the line without its '\n'; a trailing CR and
 * surrounding blanks are ignored). Besides the fields above, the article
 * text, "text" else "content" (a string), goes into out->text / text_len
 * (NUL-terminated too). A title is not required (out->title may be NULL).
 *   IMP_NONE: a blank line.
 *   IMP_MALFORMED: not a JSON object (why = "JSON, column C: ..." for a
 *     syntax error, "JSON Lines record is not an object"), a bad field, or
 *     no text ("no text").
 *   IMP_OK otherwise.
 */
int imp_json_line_parse(const char *line, size_t len, imp_article *out,
                        char *why, size_t why_cap);

#endif
