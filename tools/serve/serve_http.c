/* serve_http.c - the libmicrohttpd side of `wikipack serve`: a request in, its response out with headers */
/*
 * The request goes to serve_handle() (serve_router.c). Runs on many
 * threads at once; the only shared state is the read-only archive table
 * (wpk_reader is thread-safe).
 */
#include "serve.h"
#include "serve_http.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Images only from the server itself: an article cannot make the reader's
 * browser fetch (and be tracked by) another host. */
#define CSP_PAGES \
    "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' data:; " \
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
#define CSP_SANDBOX "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'"

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
        char *body = serve_buf_take(&q.body, &n);
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
