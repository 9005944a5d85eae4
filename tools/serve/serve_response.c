/* serve_response.c - the responses handlers build: page skeleton, error pages, redirects, ETags */
#include "cli.h"
#include "import.h"
#include "serve.h"
#include "serve_guard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void serve_page_begin(serve_buf *b, const serve_archive *a, const char *title)
{
    serve_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                   "<link rel=\"icon\" href=\"data:,\">\n<title>");
    serve_buf_html_str(b, title);
    if (a) {
        serve_buf_puts(b, " \xE2\x80\x94 ");
        serve_buf_html_str(b, a->name);
    }
    serve_buf_printf(b, "</title>\n<link rel=\"stylesheet\" href=\"/-/style.css?v=%s\">\n"
                     "<script src=\"/-/app.js?v=%s\" defer></script>\n</head>\n<body>\n<header class=\"top\">\n",
              serve_assets_version, serve_assets_version);
    if (a) {
        serve_buf_puts(b, "<a class=\"home\" href=\"/");
        serve_buf_html_str(b, a->name);
        serve_buf_puts(b, "/\">");
        serve_buf_html_str(b, a->name);
        serve_buf_puts(b, "</a>\n<form class=\"search\" role=\"search\" method=\"get\" action=\"/");
        serve_buf_html_str(b, a->name);
        serve_buf_puts(b, "/search\" data-suggest=\"/");
        serve_buf_html_str(b, a->name);
        /* Without a search index, the search page finds titles only. */
        const char *what = wpk_reader_has_search(a->r) ? "Search articles" : "Search titles";
        serve_buf_printf(b, "/api/suggest\">\n<input type=\"search\" name=\"q\" id=\"q\" placeholder=\"%s\" "
                         "autocomplete=\"off\" aria-label=\"%s\" aria-controls=\"suggest\">", what, what);
        serve_buf_puts(b, "<button type=\"submit\">Go</button>\n<ul class=\"suggest\" id=\"suggest\" role=\"listbox\" "
                       "hidden></ul>\n</form>\n<a class=\"random\" id=\"random\" href=\"/");
        serve_buf_html_str(b, a->name);
        serve_buf_puts(b, "/random\">Random article</a>\n");
    } else {
        serve_buf_puts(b, "<a class=\"home\" href=\"/\">wikipack</a>\n");
    }
    serve_buf_puts(b, "</header>\n<main>\n");
}

void serve_page_end(serve_buf *b)
{
    serve_buf_puts(b, "</main>\n<footer>Served by wikipack. Article text from Wikipedia contributors, CC BY-SA 4.0, "
                   "unless the archive says otherwise.</footer>\n</body>\n</html>\n");
}

static const char *reason(int status)
{
    switch (status) {
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 414: return "URI Too Long";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Error";
    }
}

int serve_error(serve_req *q, int status, const char *what)
{
    serve_buf_free(&q->body);
    char title[64];
    snprintf(title, sizeof title, "%d %s", status, reason(status));
    serve_page_begin(&q->body, q->a, title);
    serve_buf_puts(&q->body, "<h1>");
    serve_buf_html_str(&q->body, title);
    serve_buf_puts(&q->body, "</h1>\n<p class=\"error\">");
    serve_buf_html_str(&q->body, what);
    serve_buf_puts(&q->body, "</p>\n<p><a href=\"");
    if (q->a) serve_buf_printf(&q->body, "/%s/", q->a->name);
    else serve_buf_puts(&q->body, "/");
    serve_buf_puts(&q->body, "\">Home</a></p>\n");
    serve_page_end(&q->body);
    q->status = status;
    q->type = "text/html; charset=utf-8";
    q->etag[0] = 0;
    q->cache = "no-store";
    return status;
}

int serve_reserve(serve_req *q, uint64_t n)
{
    if (serve_budget_take(n) == 0) {
        q->reserved += n;
        return 0;
    }
    serve_error(q, 503, "The server is busy; try again in a moment.");
    return -1;
}

int serve_wpk_error(serve_req *q, int rc, const wpk_error *err)
{
    if (rc == WPK_E_NOTFOUND) return serve_error(q, 404, "No such entry in this archive.");
    if (rc == WPK_E_INVALID) return serve_error(q, 400, "That request does not name an entry.");
    /* The message names the archive and offset: for the operator's log,
     * not for visitors. */
    cli_error("serve: %s", err && err->message[0] ? err->message : wpk_strerror(rc)); /* control bytes escaped */
    return serve_error(q, 500, rc == WPK_E_CORRUPT ? "The archive is damaged here." : "The archive could not be read.");
}

int serve_redirect(serve_req *q, int status, char *location)
{
    if (!location) return serve_error(q, 500, "Out of memory.");
    q->status = status;
    free(q->location);
    q->location = location;
    q->type = "text/html; charset=utf-8";
    serve_buf_free(&q->body);
    serve_buf_puts(&q->body, "<!DOCTYPE html><title>Moved</title><a href=\"");
    serve_buf_html_str(&q->body, location);
    serve_buf_puts(&q->body, "\">Moved here</a>\n");
    return status;
}

int serve_etag(serve_req *q, const char *hex)
{
    snprintf(q->etag, sizeof q->etag, "\"%s\"", hex);
    const char *inm = q->if_none_match;
    if (!inm) return 0;
    /* A list of tags, perhaps weak (W/"..."), or "*". */
    if (!strcmp(inm, "*") || strstr(inm, q->etag)) {
        q->status = 304;
        serve_buf_free(&q->body);
        return 1;
    }
    return 0;
}

void serve_page_etag(const serve_req *q, char out[17])
{
    uint64_t h = imp_fnv64(IMP_FNV64_INIT, &q->a->tag, sizeof q->a->tag);
    h = imp_fnv64(h, q->uri, strlen(q->uri));
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}
