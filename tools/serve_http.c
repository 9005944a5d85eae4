/* serve_http.c - each request of `wikipack serve`: checked, routed to a
 * page or API handler, answered. Runs on many threads at once; the only
 * shared state is the read-only archive table (wpk_reader is thread-safe). */
#include "cli.h"
#include "serve.h"
#include "serve_http.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longer request targets are refused before any lookup. */
#define MAX_URI 4096

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
    sb_free(&q->body);
    char title[64];
    snprintf(title, sizeof title, "%d %s", status, reason(status));
    page_begin(&q->body, q->a, title);
    sb_puts(&q->body, "<h1>");
    sb_html_str(&q->body, title);
    sb_puts(&q->body, "</h1>\n<p class=\"error\">");
    sb_html_str(&q->body, what);
    sb_puts(&q->body, "</p>\n<p><a href=\"");
    if (q->a) sb_printf(&q->body, "/%s/", q->a->name);
    else sb_puts(&q->body, "/");
    sb_puts(&q->body, "\">Home</a></p>\n");
    page_end(&q->body);
    q->status = status;
    q->type = "text/html; charset=utf-8";
    q->etag[0] = 0;
    q->cache = "no-store";
    return status;
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
    sb_free(&q->body);
    sb_puts(&q->body, "<!DOCTYPE html><title>Moved</title><a href=\"");
    sb_html_str(&q->body, location);
    sb_puts(&q->body, "\">Moved here</a>\n");
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
        sb_free(&q->body);
        return 1;
    }
    return 0;
}

void serve_page_etag(const serve_req *q, char out[17])
{
    uint64_t h = fnv64(FNV64_INIT, &q->a->tag, sizeof q->a->tag);
    h = fnv64(h, q->uri, strlen(q->uri));
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

/* The route below /NAME/: "A/...", "api/suggest", ... */
typedef struct route { const char *name; int prefix; int (*fn)(serve_req *); } route;

static const route routes[] = {
    {"", 0, page_home},
    {"A/", 1, page_article_title},
    {"id/", 1, page_article_id},
    {"path/", 1, page_article_path},
    {"raw/", 1, page_raw},
    {"category/", 1, page_category},
    {"search", 0, page_search},
    {"random", 0, page_random},
    {"api/suggest", 0, api_suggest},
    {"api/entry", 0, api_entry},
    {"api/random", 0, api_random},
};

static int static_asset(serve_req *q, const char *body, const char *type)
{
    q->type = type;
    q->cache = "public, max-age=86400";
    if (serve_etag(q, serve_assets_version)) return 304;
    sb_puts(&q->body, body);
    q->status = 200;
    return 200;
}

static int route_request(serve_req *q, const char *path)
{
    const serve_ctx *ctx = q->ctx;
    if (!strcmp(path, "/")) {
        if (ctx->n == 1) {
            sbuf b = {0};
            sb_printf(&b, "/%s/", ctx->a[0].name);
            return serve_redirect(q, 302, sb_take(&b, NULL));
        }
        return page_index(q);
    }
    if (!strcmp(path, "/-/style.css")) return static_asset(q, serve_css, "text/css; charset=utf-8");
    if (!strcmp(path, "/-/app.js")) return static_asset(q, serve_js, "text/javascript; charset=utf-8");
    if (!strcmp(path, "/api/archives")) return api_archives(q);
    /* /NAME or /NAME/... */
    const char *name = path + 1;
    size_t nlen = strcspn(name, "/");
    for (size_t i = 0; i < ctx->n; i++) {
        if (strlen(ctx->a[i].name) != nlen || strncmp(ctx->a[i].name, name, nlen)) continue;
        q->a = &ctx->a[i];
        if (name[nlen] == 0) {
            sbuf b = {0};
            sb_printf(&b, "/%s/", q->a->name);
            return serve_redirect(q, 301, sb_take(&b, NULL));
        }
        const char *sub = name + nlen + 1;
        for (size_t k = 0; k < sizeof routes / sizeof routes[0]; k++) {
            size_t rlen = strlen(routes[k].name);
            if (routes[k].prefix ? !strncmp(sub, routes[k].name, rlen) : !strcmp(sub, routes[k].name)) {
                q->rest = sub + rlen;
                return routes[k].fn(q);
            }
        }
        return serve_error(q, 404, "There is no such page.");
    }
    return serve_error(q, 404, "No archive is served under that name.");
}

int serve_handle(serve_req *q, const char *method)
{
    q->status = 200;
    q->type = "text/html; charset=utf-8";
    q->cache = "no-store";
    q->query = "";
    if (strcmp(method, "GET") && strcmp(method, "HEAD")) return serve_error(q, 405, "Only GET and HEAD are served.");
    const char *uri = q->uri;
    size_t len = strlen(uri);
    if (len > MAX_URI) return serve_error(q, 414, "The address is too long.");
    if (uri[0] != '/') return serve_error(q, 400, "Malformed request target.");
    if (!url_escapes_valid(uri, len)) return serve_error(q, 400, "Malformed percent-encoding in the address.");
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)uri[i] <= 0x20 || uri[i] == 0x7F) return serve_error(q, 400, "Malformed request target.");
    size_t plen = strcspn(uri, "?#");
    char path[MAX_URI + 1];
    memcpy(path, uri, plen);
    path[plen] = 0;
    if (uri[plen] == '?') q->query = uri + plen + 1;
    /* A fragment is never sent by browsers; ignore one sent anyway. */
    char *hash = strchr(q->query, '#');
    char query[MAX_URI + 1];
    if (hash) {
        size_t qn = (size_t)(hash - q->query);
        memcpy(query, q->query, qn);
        query[qn] = 0;
        q->query = query;
    }
    int rc = route_request(q, path);
    /* rest and query point into this frame */
    q->rest = NULL;
    q->query = "";
    return rc;
}

/* ---- libmicrohttpd glue ---- */

void *serve_uri_log(void *cls, const char *uri, struct MHD_Connection *con)
{
    return strdup(uri ? uri : "");
}

void serve_completed(void *cls, struct MHD_Connection *con, void **req_cls, enum MHD_RequestTerminationCode toe)
{
    free(*req_cls);
    *req_cls = NULL;
}

/* Media types read from an archive go into a header: only a plain
 * type/subtype with simple parameters gets through. */
static int safe_header_value(const char *s)
{
    if (!s || !*s || strlen(s) > 200) return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p >= 0x7F) return 0;
    return strchr(s, '/') != NULL;
}

#define CSP_PAGES \
    "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src * data:; " \
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
#define CSP_SANDBOX "sandbox; default-src 'none'; img-src * data:; style-src 'unsafe-inline'"

enum MHD_Result serve_access(void *cls, struct MHD_Connection *con, const char *url, const char *method,
                             const char *version, const char *upload_data, size_t *upload_data_size, void **req_cls)
{
    /* A request body (not expected) is read and dropped before answering. */
    if (*upload_data_size) {
        *upload_data_size = 0;
        return MHD_YES;
    }
    serve_req q;
    memset(&q, 0, sizeof q);
    q.ctx = cls;
    q.uri = *req_cls ? (const char *)*req_cls : url;
    q.if_none_match = MHD_lookup_connection_value(con, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
    serve_handle(&q, method);
    if (q.body.oom) serve_error(&q, 503, "Out of memory.");

    struct MHD_Response *resp;
    if (q.status == 304) {
        resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    } else if (q.data) {
        resp = MHD_create_response_from_buffer_with_free_callback(q.data_len, q.data, wpk_free);
        if (!resp) wpk_free(q.data);
        q.data = NULL;
    } else {
        size_t n;
        char *body = sb_take(&q.body, &n);
        resp = body ? MHD_create_response_from_buffer(n, body, MHD_RESPMEM_MUST_FREE) : NULL;
        if (!resp) free(body);
    }
    if (!resp) {
        free(q.location);
        return MHD_NO;
    }
    if (q.status != 304)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                                safe_header_value(q.type) ? q.type : "application/octet-stream");
    if (q.etag[0]) MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, q.etag);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, q.cache ? q.cache : "no-store");
    if (q.location) MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, q.location);
    if (q.status == 405) MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "Content-Security-Policy", q.sandbox ? CSP_SANDBOX : CSP_PAGES);
    enum MHD_Result ret = MHD_queue_response(con, (unsigned)q.status, resp);
    MHD_destroy_response(resp);
    free(q.location);
    return ret;
}
