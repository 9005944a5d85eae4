/* article_meta.h - parse the metadata block of open_wiki-style markdown articles */
/*
 * Wikipedia pages archived as .md files.
 *
 * The block is a line that is exactly "## Metadata" or "## Article Metadata"
 * (within the first 64 lines) followed by bullets up to the next heading:
 *
 *   # Grok (web framework)
 *
 *   ## Metadata
 *   - **Last Updated:** 2024-12-15 04:18:51 UTC
 *   - **Original Article:** [Grok (web framework)](https://en.wikipedia.org/wiki/Grok_(web_framework))
 *   - **Language:** en
 *   - **Page ID:** 18836690
 *
 * The "## Article Metadata" layout has a blank line after the heading and
 * ISO 8601 dates such as 2024-12-15T04:22:26.870339+00:00.
 * Files without such a block (YAML front matter, folder READMEs) are
 * reported as IMP_META_NONE. Needs only libc.
 */
#ifndef IMP_META_H
#define IMP_META_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    IMP_META_NONE = 0,      /* no metadata block: not an article */
    IMP_META_OK = 1,        /* block found, every present field parsed */
    IMP_META_MALFORMED = 2  /* block found, some field is bad */
} imp_meta_status;

typedef struct imp_meta {
    char *title;      /* from the first line "# Title"; malloc'd or NULL */
    char *language;   /* malloc'd or NULL */
    char *url;        /* malloc'd or NULL */
    uint64_t page_id; int has_page_id;
    int64_t updated_us; int has_updated;   /* microseconds since Unix epoch, UTC */
} imp_meta;

/* Parses buf (not NUL-terminated, may contain NUL bytes / invalid UTF-8,
 * may be huge; never reads past len).
 *   NONE: no metadata block found -> *out is all-empty.
 *   OK: block found and every present field parsed.
 *   MALFORMED: block found but a field is bad (non-numeric or overflowing
 *     Page ID, unparseable date, Original Article not in [..](..) form);
 *     `why` (if non-NULL and why_cap > 0) gets a short reason such as
 *     "Page ID \"12a\" is not a number"; fields that did parse are filled in.
 *     Only the first problem is reported.
 * `why` is set to "" when there is nothing to report.
 * Unknown bullets are ignored; a repeated bullet overrides the earlier one.
 * Returns the status, or -1 on allocation failure (with *out freed). */
int imp_meta_parse(const char *buf, size_t len, imp_meta *out,
                       char *why, size_t why_cap);

struct imp_article;   /* input.h */

/* Appends to out->categories (with imp_add_category()) every bullet
 * "- Category:..." of the first "## Categories" section of buf, up to the
 * next heading, as written but without the "- " and trailing blanks / CR:
 * "Category:Python (programming language) software".
 * Other lines of the section (such as "This article belongs to the following
 * categories:") are skipped, as are bullets holding a NUL byte or nothing
 * after "Category:". No section: nothing is appended. Never reads past len.
 * Returns 0, or -1 on allocation failure (what was appended stays, for
 * imp_article_free()). */
int imp_meta_categories(const char *buf, size_t len, struct imp_article *out);

/* Frees the strings and zeroes the struct; safe on a zeroed struct. */
void imp_meta_free(imp_meta *m);

/* Parses "2024-12-15 04:18:51 UTC" or ISO 8601 / RFC 3339
 * "2024-12-14T19:42:35.266236+00:00" / "...Z" (fraction optional, digits
 * past microseconds are truncated; offsets +HH:MM / -HH:MM). The whole of
 * s[0..len) must match. Validates month, day (leap years included),
 * hour < 24, minute < 60, second <= 60. Returns 0 and sets *us, or -1. */
int imp_parse_time(const char *s, size_t len, int64_t *us);

/* Formats microseconds since the epoch as "2024-12-14T19:42:35Z", with
 * ".266236" before the Z only when the fraction is non-zero. Returns the
 * length written (without the NUL); if it does not fit in cap, writes ""
 * (when cap > 0) and returns 0. 32 bytes are always enough. */
size_t imp_format_time(int64_t us, char *buf, size_t cap);

#endif /* IMP_META_H */
