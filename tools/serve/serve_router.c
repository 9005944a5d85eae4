/* serve_router.c - check each request of `wikipack serve` and hand it to the handler its path names */
#include "serve.h"

#include <stdlib.h>
#include <string.h>

/* Longer request targets are refused before any lookup. */
#define MAX_URI 4096

/* The route below /NAME/: "A/...", "api/suggest", ... */
typedef struct route { const char *name; int prefix; int (*fn)(serve_req *); } route;

static const route routes[] = {
    {"", 0, serve_page_home},
    {"A/", 1, serve_page_article_title},
    {"id/", 1, serve_page_article_id},
    {"path/", 1, serve_page_article_path},
    {"raw/", 1, serve_page_raw},
    {"category/", 1, serve_page_category},
    {"search", 0, serve_page_search},
    {"random", 0, serve_page_random},
    {"api/search", 0, serve_api_search},
    {"api/suggest", 0, serve_api_suggest},
    {"api/entry", 0, serve_api_entry},
    {"api/random", 0, serve_api_random},
};

static int static_asset(serve_req *q, const char *body, const char *type)
{
    q->type = type;
    q->cache = "public, max-age=86400";
    if (serve_etag(q, serve_assets_version)) return 304;
    serve_buf_puts(&q->body, body);
    q->status = 200;
    return 200;
}

static int route_request(serve_req *q, const char *path)
{
    const serve_ctx *ctx = q->ctx;
    if (!strcmp(path, "/")) {
        if (ctx->n == 1) {
            serve_buf b = {0};
            serve_buf_printf(&b, "/%s/", ctx->a[0].name);
            return serve_redirect(q, 302, serve_buf_take(&b, NULL));
        }
        return serve_page_index(q);
    }
    if (!strcmp(path, "/-/style.css")) return static_asset(q, serve_css, "text/css; charset=utf-8");
    if (!strcmp(path, "/-/app.js")) return static_asset(q, serve_js, "text/javascript; charset=utf-8");
    if (!strcmp(path, "/api/archives")) return serve_api_archives(q);
    /* /NAME or /NAME/... */
    const char *name = path + 1;
    size_t nlen = strcspn(name, "/");
    for (size_t i = 0; i < ctx->n; i++) {
        if (strlen(ctx->a[i].name) != nlen || strncmp(ctx->a[i].name, name, nlen)) continue;
        q->a = &ctx->a[i];
        if (name[nlen] == 0) {
            serve_buf b = {0};
            serve_buf_printf(&b, "/%s/", q->a->name);
            return serve_redirect(q, 301, serve_buf_take(&b, NULL));
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
    if (!serve_url_escapes_valid(uri, len)) return serve_error(q, 400, "Malformed percent-encoding in the address.");
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
