/* serve.h - `wikipack serve`: a local web reader over one or more archives.
 *
 * cmd_serve.c parses options and runs the HTTP server (libmicrohttpd);
 * serve_http.c checks and routes each request; serve_pages.c builds the
 * HTML pages, serve_api.c the JSON answers; serve_markdown.c renders
 * articles (md4c), serve_links.c points Wikipedia links at archived copies;
 * serve_buf.c has the buffer, escaping and URL helpers; serve_assets.c the
 * stylesheet and script. Everything read from an archive is untrusted: it
 * is escaped on its way into HTML, JSON or a URL. */
#ifndef WPK_SERVE_H
#define WPK_SERVE_H

#include "wikipack.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* ---- growable buffer (serve_buf.c) ---- */

typedef struct sbuf {
    char *p;        /* NUL-terminated when not NULL */
    size_t n, cap;
    int oom;        /* an append failed: the content is incomplete */
} sbuf;

void sb_add(sbuf *b, const char *s, size_t n);
void sb_puts(sbuf *b, const char *s);
void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append text escaped for HTML text and attribute values. */
void sb_html(sbuf *b, const char *s, size_t n);
void sb_html_str(sbuf *b, const char *s);
/* Append a path segment percent-encoded. Flags: URL_UNDERSCORES, spaces
 * become '_' (titles, as in Wikipedia URLs); URL_SLASHES, '/' is kept
 * (entry paths). */
enum { URL_UNDERSCORES = 1, URL_SLASHES = 2 };
void sb_url_part(sbuf *b, const char *s, int flags);
void sb_free(sbuf *b);
/* Give the buffer's memory to the caller (malloc'd, NUL-terminated). */
char *sb_take(sbuf *b, size_t *len);

/* Percent-decode s[0..n): NULL when an escape is malformed or decodes to
 * NUL. With `plus`, '+' is a space (query strings); with `underscores`,
 * '_' is a space (titles in URLs). */
char *url_decode(const char *s, size_t n, int plus, int underscores);
/* Non-zero when every '%' in s[0..n) starts a %XX escape. */
int url_escapes_valid(const char *s, size_t n);
/* The decoded value of `key` in a raw query string, or NULL (absent or
 * malformed: *bad is set for malformed). */
char *query_get(const char *query, const char *key, int *bad);
/* 64-bit FNV-1a, for ETags of generated pages. */
uint64_t fnv64(uint64_t h, const void *p, size_t n);
#define FNV64_INIT 0xcbf29ce484222325ULL

/* ---- the archives being served ---- */

typedef struct serve_archive {
    char *name;             /* URL prefix: /NAME/ */
    const char *source;     /* path or URL as given */
    wpk_reader *r;
    wpk_archive_info info;
    uint64_t tag;           /* identifies this archive and renderer in ETags */
} serve_archive;

typedef struct serve_ctx {
    serve_archive *a;
    size_t n;
} serve_ctx;

/* ---- one request and its response (serve_http.c) ---- */

typedef struct serve_req {
    const serve_ctx *ctx;
    const serve_archive *a;     /* the archive addressed, or NULL */
    const char *uri;            /* raw request target, as received */
    const char *rest;           /* raw path after /NAME/ROUTE/ */
    const char *query;          /* raw query string, "" when none */
    const char *if_none_match;  /* header, or NULL */
    /* response */
    int status;
    sbuf body;
    void *data;                 /* raw entry bytes (wpk_free), instead of body */
    size_t data_len;
    const char *type;           /* media type */
    char type_buf[224];         /* for a type built per request */
    char etag[48];              /* quoted, or "" */
    const char *cache;          /* Cache-Control */
    char *location;             /* redirect target (malloc'd) */
    int sandbox;                /* untrusted content: forbid scripts and plugins */
} serve_req;

/* Check, route and answer one request (serve_http.c). */
int serve_handle(serve_req *q, const char *method);
/* Status pages and responses. */
int serve_error(serve_req *q, int status, const char *what);
/* Report a library error as a page: not found is 404, the rest 500. */
int serve_wpk_error(serve_req *q, int rc, const wpk_error *err);
int serve_redirect(serve_req *q, int status, char *location);
/* Set the response's ETag; non-zero (and a 304 response) when the client
 * already holds it. */
int serve_etag(serve_req *q, const char *etag_hex);
/* ETag hex of a generated page: the archive's tag and the request target. */
void serve_page_etag(const serve_req *q, char out[17]);

/* ---- URLs of things inside an archive ---- */

void serve_url_article(sbuf *b, const serve_archive *a, const wpk_entry *e);
void serve_url_title(sbuf *b, const serve_archive *a, const char *title);
void serve_url_raw(sbuf *b, const serve_archive *a, const char *path);
void serve_url_category(sbuf *b, const serve_archive *a, const char *category);

/* A random current article (not a revision), or WPK_E_NOTFOUND. */
int serve_random_entry(const serve_archive *a, wpk_entry **out, wpk_error *err);
/* Resolve a title as typed: up to `cap` distinct articles' entry numbers
 * and matched titles. Returns the number found (0: none), or < 0 on error. */
typedef struct serve_match {
    uint64_t entry;
    char title[512];
    int is_alias;
} serve_match;
int serve_match_title(const serve_archive *a, const char *title, serve_match *m, int cap, wpk_match_level *level,
                      wpk_error *err);

/* ---- pages (serve_pages.c) ---- */

int page_index(serve_req *q);                   /* /: every archive */
int page_home(serve_req *q);                    /* /NAME/ */
int page_article_title(serve_req *q);           /* /NAME/A/TITLE */
int page_article_id(serve_req *q);              /* /NAME/id/N */
int page_article_path(serve_req *q);            /* /NAME/path/PATH */
int page_raw(serve_req *q);                     /* /NAME/raw/PATH */
int page_category(serve_req *q);                /* /NAME/category/NAME */
int page_search(serve_req *q);                  /* /NAME/search?q= */
int page_random(serve_req *q);                  /* /NAME/random */
/* Page skeleton around `body`; `title` is escaped here. */
void page_begin(sbuf *b, const serve_archive *a, const char *title);
void page_end(sbuf *b);

/* ---- JSON API (serve_api.c) ---- */

int api_suggest(serve_req *q);                  /* /NAME/api/suggest?q=PREFIX */
int api_entry(serve_req *q);                    /* /NAME/api/entry?id=|title=|path= */
int api_random(serve_req *q);                   /* /NAME/api/random */
int api_archives(serve_req *q);                 /* /api/archives */

/* ---- article rendering ---- */

/* Append the article's HTML: markdown rendered (no raw HTML), links to
 * Wikipedia articles the archive holds rewritten, unsafe link schemes
 * dropped; other media types as escaped preformatted text. */
int render_entry(sbuf *b, const serve_archive *a, const wpk_entry *e, const char *text, size_t len);
/* Where a link in entry `from` should point: an archive URL for a
 * Wikipedia article the archive holds (malloc'd), else NULL (also for a
 * link to `from` itself, its source). Links in another language's
 * Wikipedia than `from`'s are left alone. */
char *link_rewrite(const serve_archive *a, const char *url, const wpk_entry *from);

/* ---- static assets (serve_assets.c) ---- */

extern const char serve_css[];
extern const char serve_js[];
extern const char serve_assets_version[];

#endif
