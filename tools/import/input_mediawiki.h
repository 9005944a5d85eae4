/* input_mediawiki.h - streaming reader of MediaWiki XML export files */
/*
 * The dumps Wikimedia publishes ("pages-articles", whole or split into
 * parts, "multistream", "pages-meta-current", "pages-meta-history"), plain
 * or compressed with bzip2 (concatenated streams included), gzip, zstd, xz
 * or 7z: dump_source.h reads them, whatever their name. UTF-8 or UTF-16
 * with a byte-order mark, with or without a DOCTYPE.
 *
 *   <mediawiki xmlns="..." xml:lang="en">
 *     <siteinfo>...</siteinfo>
 *     <page>
 *       <title>Python (language)</title>
 *       <ns>0</ns>
 *       <id>123</id>
 *       <redirect title="Python (programming language)" />
 *       <revision>
 *         <id>456</id>
 *         <timestamp>2024-01-02T03:04:05Z</timestamp>
 *         <contributor><username>X</username><id>7</id></contributor>
 *         <text bytes="44" xml:space="preserve">#REDIRECT [[Python (programming language)]]</text>
 *       </revision>
 *     </page>
 *   </mediawiki>
 *
 * Memory stays bounded whatever the size of the file: fixed buffers (64 KiB
 * chunks, titles up to 4 KiB) plus the text of the page being read (twice
 * that, at most, while a page with several revisions is read: the best
 * revision so far and the one being read; older revisions whose timestamp
 * comes before their text are skipped without being stored).
 *
 * Needs expat (and what dump_source.h needs).
 */
#ifndef WPK_INPUT_MEDIAWIKI_H
#define WPK_INPUT_MEDIAWIKI_H

#include <stddef.h>
#include <stdint.h>

#include "dump_source.h"
#include "input.h"

/* Default cap on one page's text when max_page_bytes is 0. */
#define IMP_MEDIAWIKI_DEFAULT_MAX_PAGE_BYTES ((uint64_t)256 << 20)
/* Longest <title>, <redirect title=...> or xml:lang kept (MediaWiki's own
 * limit on titles is 255 bytes); a longer title is an error. */
#define IMP_MEDIAWIKI_MAX_TITLE_BYTES 4096

/* Called once per <page>, in document order. The page and everything it
 * points to belong to the reader and are valid only during the call: copy
 * what you keep, free nothing. For a page:
 *   title        always set (a page without a <title> is an error);
 *   page_id      the page-level <id> (has_page_id), not a revision's or
 *                contributor's; absent (with a warning) if missing or not a
 *                decimal number;
 *   ns           <ns> (has_ns), absent (with a warning) if not a number;
 *   updated_us   the timestamp of the chosen revision (has_updated);
 *   text         the chosen revision's wikitext, NUL-terminated (text_len
 *                excludes the NUL; the text may itself hold no NUL, XML
 *                cannot); never NULL, "" for a page without revision or
 *                with a deleted / empty text;
 *   redirect_to  the <redirect title="..."/> attribute or else, when the
 *                text starts with "#REDIRECT [[Target]]" (any case, optional
 *                leading blanks and ':'), Target without its "#section" and
 *                "|label", underscores turned into spaces; NULL otherwise;
 *   language     the xml:lang of <mediawiki> when present (e.g. "en");
 *   wiki         the <dbname> of the <siteinfo> when present (e.g. "enwiki",
 *                up to 255 bytes; a longer one is left out with a warning);
 *   categories   from the text's category links, in the wiki's own name of
 *                the namespace (wikitext_categories.h);
 *   revision_id  the chosen revision's <id> (has_revision_id);
 *   url          the wiki's URL of the page when the <siteinfo> has a <base>
 *                (its prefix up to the last '/', then the title, '_' for ' ');
 * The chosen revision is the one with the latest <timestamp>; on a tie, or
 * among revisions without a valid timestamp, the later one in the file; a
 * revision with a valid timestamp beats one without.
 * byte_offset is the offset of the page's "<page" start tag in the
 * uncompressed XML. A non-zero return stops the reading (see below). */
typedef int (*imp_mediawiki_page_cb)(void *ctx, const imp_article *page, uint64_t byte_offset);

/* Called for problems that do not stop the reading (a page delivered
 * without a bad field), with a message such as
 *   "dump.xml: line 12, column 17: page \"Foo\": <id> \"12a\" is not a number". */
typedef void (*imp_mediawiki_warn_cb)(void *ctx, const char *message);

/* Reads the export at `path` and calls cb for each <page>.
 *   max_page_bytes  cap on one page's text (0: 256 MiB); a larger text is an
 *                   error naming the page.
 *   warn            may be NULL.
 * Returns 0 when the whole file was read; -1 on error, with `why` (if
 * non-NULL and why_cap > 0) set to a message starting with the path:
 *   "<path>: line L, column C: <expat error or problem>"   (column from 1)
 *   "<path>: bzip2: data is corrupt" (or gzip / zstd, truncated, ...)
 *   "<path>: page ending at byte B: missing <title>"
 * If cb returns non-zero, reading stops at once and imp_mediawiki_read returns
 * that value, with why set to "". Entity declarations in a DOCTYPE are
 * refused (an export never has any; this also rules out entity-expansion
 * attacks), and the root element must be <mediawiki>. */
int imp_mediawiki_read(const char *path, uint64_t max_page_bytes, imp_mediawiki_page_cb cb,
                       imp_mediawiki_warn_cb warn, void *ctx, char *why, size_t why_cap);

/* imp_mediawiki_read on an open source (standard input, say); `path`
 * names it in messages. The source is left open. With all_revisions, every
 * revision of a page is delivered, not only the chosen one: each that is
 * not the newest (is_older_revision set, as soon as a newer one has been
 * read: memory stays two texts), then the newest, last. Each carries its
 * revision <id> (revision_id), timestamp and text, and its own redirect
 * target and categories (from its own text). */
int imp_mediawiki_read_source(imp_source *s, const char *path, uint64_t max_page_bytes, int all_revisions,
                              imp_mediawiki_page_cb cb, imp_mediawiki_warn_cb warn, void *ctx, char *why, size_t why_cap);

/* 1 if decompressed bytes start like a MediaWiki export: an optional
 * byte-order mark (UTF-8 or UTF-16), XML declaration, comments, DOCTYPE
 * and blanks, then "<mediawiki" followed by a blank, '>' or '/'. */
int imp_mediawiki_looks_like_dump(const unsigned char *head, size_t n);
/* 1 if they start like the index of a multistream dump: two lines or more
 * "OFFSET:PAGEID:TITLE" (offsets into the dump, not articles). */
int imp_mediawiki_looks_like_index(const unsigned char *head, size_t n);
/* imp_mediawiki_looks_like_dump on the file's first bytes, decompressed;
 * 0 for unreadable files, -1 when why_cap > 0 and the file looks
 * compressed but cannot be decompressed (why then says so, naming it). */
int imp_mediawiki_is_dump(const char *path, char *why, size_t why_cap);

#endif
