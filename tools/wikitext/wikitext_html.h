/* wikitext_html.h - MediaWiki wikitext rendered for reading: HTML or plain text */
/*
 * No maintained C library renders wikitext, so this is wikipack's own, kept
 * small: it renders what a reader of an encyclopedia article needs and
 * leaves the rest out, never passing markup from the page through.
 *
 *   headings (== H ==), paragraphs, bold and italic (''' and ''),
 *   lists (* # ; :), tables ({| |- | || ! |}), horizontal rules,
 *   internal links [[Target|label]] (to the archive's copy when the caller's
 *   link callback knows it, else to the wiki's own site), external links
 *   [https://x label], references <ref>...</ref> as numbered notes listed
 *   at <references/> or at the end, images [[File:x|thumb|caption]] as
 *   their caption, infoboxes ({{Infobox ...}}) as a two-column table;
 *   other templates, category links, comments and magic words left out.
 *
 * Safety: every character of the page reaches the output escaped; the only
 * tags written are this renderer's own, from a fixed list, without
 * attributes taken from the page except href, which is the callback's
 * (trusted) or an http, https, ftp or mailto URL, escaped. Bounds: output
 * at most WT_MAX_OUTPUT(len) bytes (the rest is cut with a note), template,
 * list and table nesting capped; time linear in the input but for bounded
 * rescans.
 */
#ifndef WPK_WIKITEXT_HTML_H
#define WPK_WIKITEXT_HTML_H

#include <stddef.h>

/* An output buffer: grown as needed; `oom` set when it could not grow. */
typedef struct wt_buf {
    char *p;
    size_t len, cap;
    int oom;
    size_t max;   /* 0: no limit; else what does not fit is dropped and `cut` set */
    int cut;
} wt_buf;
void wt_buf_free(wt_buf *b);

/* Where an internal link to `target` (its title as written, len bytes, no
 * "#fragment") goes: a malloc'd URL, or NULL to link to the wiki's site
 * (opts.site_base + the title). */
typedef char *(*wt_link_fn)(void *ctx, const char *target, size_t len);

typedef struct wt_opts {
    wt_link_fn link;          /* may be NULL */
    void *link_ctx;
    const char *site_base;    /* e.g. "https://en.wikipedia.org/wiki/"; NULL or "": such links become text */
} wt_opts;

/* The most input the tools render (16 MiB; the longest Wikipedia articles
 * are about 1 MiB of wikitext): larger entries are offered as stored. */
#define WT_MAX_INPUT (16u << 20)

/* The most output for `len` bytes of input: more is cut. */
#define WT_MAX_OUTPUT(len) ((len) * 8 + 65536)

/* Render text[0..len) as an HTML fragment (no <html> or <body>), appended
 * to out. Returns 0, or -1 when out of memory (out->oom set). */
int wt_render_html(const char *text, size_t len, const wt_opts *opts, wt_buf *out);
/* The same as plain text: headings on lines of their own, list items with
 * "* ", links as their label, notes numbered [n] and listed at the end. */
int wt_render_text(const char *text, size_t len, wt_buf *out);

#endif
