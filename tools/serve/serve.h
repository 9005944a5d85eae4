/* serve.h - `wikipack serve`: a local web reader over one or more archives */
/*
 * cmd_serve.c parses options and runs the HTTP server (libmicrohttpd);
 * serve_http.c takes each request from libmicrohttpd and answers it;
 * serve_router.c checks a request and hands it to its handler: the HTML
 * pages (serve_pages.c), articles (serve_article.c) or the JSON API
 * (serve_api.c); serve_search.c reads and runs full-text searches for the
 * results page and the API. Handlers build their answer with serve_response.c (page
 * skeleton, errors, redirects, ETags) and serve_lookup.c (URLs, titles),
 * never through the router. serve_markdown.c renders articles (md4c),
 * serve_links.c points Wikipedia links at archived copies; serve_buf.c has
 * the buffer, escaping and URL helpers; serve_assets.c the stylesheet and
 * script. Everything read from an archive is untrusted: it is escaped on
 * its way into HTML, JSON or a URL. Every name exported starts with serve_
 * (SERVE_ for constants).
 */
#ifndef WPK_SERVE_H
#define WPK_SERVE_H

#include "wikipack.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* ---- growable buffer (serve_buf.c) ---- */

typedef struct serve_buf {
    char *p;        /* NUL-terminated when not NULL */
    size_t n, cap;
    int oom;        /* an append failed: the content is incomplete */
} serve_buf;

void serve_buf_add(serve_buf *b, const char *s, size_t n);
void serve_buf_puts(serve_buf *b, const char *s);
void serve_buf_printf(serve_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append text escaped for HTML text and attribute values. */
void serve_buf_html(serve_buf *b, const char *s, size_t n);
void serve_buf_html_str(serve_buf *b, const char *s);
/* Append a path segment percent-encoded. Flags: SERVE_URL_UNDERSCORES, spaces
 * become '_' (titles, as in Wikipedia URLs); SERVE_URL_SLASHES, '/' is kept
 * (entry paths). */
enum { SERVE_URL_UNDERSCORES = 1, SERVE_URL_SLASHES = 2 };
void serve_buf_url_part(serve_buf *b, const char *s, int flags);
void serve_buf_free(serve_buf *b);
/* Give the buffer's memory to the caller (malloc'd, NUL-terminated). */
char *serve_buf_take(serve_buf *b, size_t *len);

/* Percent-decode s[0..n): NULL when an escape is malformed or decodes to
 * NUL. With `plus`, '+' is a space (query strings); with `underscores`,
 * '_' is a space (titles in URLs). */
char *serve_url_decode(const char *s, size_t n, int plus, int underscores);
/* Non-zero when every '%' in s[0..n) starts a %XX escape. */
int serve_url_escapes_valid(const char *s, size_t n);
/* The decoded value of `key` in a raw query string, or NULL (absent or
 * malformed: *bad is set for malformed). */
char *serve_query_get(const char *query, const char *key, int *bad);

/* Raw entries up to this size are read whole; larger ones are streamed. */
#define SERVE_WHOLE_MAX ((uint64_t)1 << 20)

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

/* ---- one request and its response ---- */

typedef struct serve_req {
    const serve_ctx *ctx;
    const serve_archive *a;     /* the archive addressed, or NULL */
    const char *uri;            /* raw request target, as received */
    const char *rest;           /* raw path after /NAME/ROUTE/ */
    const char *query;          /* raw query string, "" when none */
    const char *if_none_match;  /* header, or NULL */
    /* response */
    int status;
    serve_buf body;
    void *data;                 /* raw entry bytes (wpk_free), instead of body */
    size_t data_len;
    const char *type;           /* media type */
    char type_buf[224];         /* for a type built per request */
    char etag[48];              /* quoted, or "" */
    const char *cache;          /* Cache-Control */
    char *location;             /* redirect target (malloc'd) */
    int sandbox;                /* untrusted content: forbid scripts and plugins */
    wpk_content *stream;        /* a large entry sent as it is read, instead of data */
    uint64_t stream_size;
    uint64_t reserved;          /* memory budget held until the response is freed */
} serve_req;

/* Hold n more bytes of serve's memory budget for this request (given back
 * when its response is freed): 0, or -1 with a 503 answer set (busy). */
int serve_reserve(serve_req *q, uint64_t n);

/* Check, route and answer one request (serve_router.c). */
int serve_handle(serve_req *q, const char *method);

/* ---- responses (serve_response.c) ---- */

/* Page skeleton around `body`; `title` is escaped here. */
void serve_page_begin(serve_buf *b, const serve_archive *a, const char *title);
void serve_page_end(serve_buf *b);
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

/* ---- URLs of things inside an archive, titles (serve_lookup.c) ---- */

void serve_url_article(serve_buf *b, const serve_archive *a, const wpk_entry *e);
void serve_url_title(serve_buf *b, const serve_archive *a, const char *title);
void serve_url_raw(serve_buf *b, const serve_archive *a, const char *path);
void serve_url_category(serve_buf *b, const serve_archive *a, const char *category);

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

int serve_page_index(serve_req *q);                   /* /: every archive */
int serve_page_home(serve_req *q);                    /* /NAME/ */
int serve_page_category(serve_req *q);                /* /NAME/category/NAME */
/* Titles matching `text` (the search page of an archive without a search
 * index): the article by that title, or the titles starting so. */
int serve_page_titles(serve_req *q, const char *text, const char *note);
int serve_page_random(serve_req *q);                  /* /NAME/random */

/* ---- full-text search (serve_search.c) ---- */

/* Longer queries are refused (414): a search is a few words. */
#define SERVE_SEARCH_MAX_QUERY 1024
/* Hits on one results page. */
#define SERVE_SEARCH_PAGE 20

/* One hit, with what the library gives checked: the snippet valid UTF-8,
 * its marks within it, in order, on character boundaries. */
typedef struct serve_hit {
    wpk_entry *e;
    double score;
    char *snippet;              /* "" without one */
    size_t snippet_len;
    wpk_search_mark *marks;
    uint32_t mark_count;
} serve_hit;

typedef struct serve_search {
    char *text;                 /* the query: UTF-8, no control characters */
    uint32_t start, limit;
    uint64_t matches;
    serve_hit *hits;
    uint32_t count;
} serve_search;

/* Read ?q=, &start= and (with `with_limit`) &limit=, 1 to
 * SERVE_SEARCH_API_MAX, into s; `limit` is the default: 0, or the 4xx
 * status to answer with *why. A missing q is "". */
#define SERVE_SEARCH_API_MAX 100
int serve_search_args(const char *query, uint32_t limit, int with_limit, serve_search *s, const char **why);
/* Run the search: 0 or a library error. */
int serve_search_run(const serve_archive *a, serve_search *s, wpk_error *err);
/* Why the library refused a query (WPK_E_INVALID, WPK_E_LIMIT), for the visitor. */
const char *serve_search_refusal(const wpk_error *err);
void serve_search_free(serve_search *s);

int serve_page_search(serve_req *q);                  /* /NAME/search?q=WORDS&start=N */

/* ---- JSON API (serve_api.c) ---- */

int serve_api_search(serve_req *q);                   /* /NAME/api/search?q=WORDS&start=N&limit=N */
int serve_api_suggest(serve_req *q);                  /* /NAME/api/suggest?q=PREFIX */
int serve_api_entry(serve_req *q);                    /* /NAME/api/entry?id=|title=|path= */
int serve_api_random(serve_req *q);                   /* /NAME/api/random */
int serve_api_archives(serve_req *q);                 /* /api/archives */

/* ---- article rendering (serve_markdown.c, serve_links.c) ---- */

/* Append the article's HTML: markdown rendered (no raw HTML), links to
 * Wikipedia articles the archive holds rewritten, unsafe link schemes
 * dropped; other media types as escaped preformatted text. */
int serve_render_entry(serve_buf *b, const serve_archive *a, const wpk_entry *e, const char *text, size_t len);
/* A MediaWiki page (text/x-wiki) rendered as an article (serve_wikitext.c,
 * tools/wikitext): links to the archive's copies where it holds them. */
int serve_render_wikitext(serve_buf *b, const serve_archive *a, const wpk_entry *e, const char *text, size_t len);
/* Where a link in entry `from` should point: an archive URL for a
 * Wikipedia article the archive holds (malloc'd), else NULL (also for a
 * link to `from` itself, its source). Links in another language's
 * Wikipedia than `from`'s are left alone. */
char *serve_link_rewrite(const serve_archive *a, const char *url, const wpk_entry *from);

/* ---- article pages (serve_article.c) ---- */

int serve_page_article_title(serve_req *q);     /* /NAME/A/TITLE */
int serve_page_article_id(serve_req *q);        /* /NAME/id/N */
int serve_page_article_path(serve_req *q);      /* /NAME/path/PATH */
int serve_page_raw(serve_req *q);               /* /NAME/raw/PATH */

/* ---- static assets (serve_assets.c) ---- */

extern const char serve_css[];
extern const char serve_js[];
extern const char serve_assets_version[];

/* ---- the program (cmd_serve.c) ---- */

/* `wikipack serve` / wikipack-serve: returns the exit code. */
int serve_cmd(int argc, char **argv);

#endif
