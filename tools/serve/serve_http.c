/* serve_http.c - the libmicrohttpd side of `wikipack serve`: a request in, its response out with headers */
/*
 * The request goes to serve_handle() (serve_router.c). Runs on many
 * threads at once; the only shared state is the read-only archive table
 * (wpk_reader is thread-safe).
 */
#include "cli.h"
#include "serve.h"
#include "serve_http.h"
#include "serve_guard.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *serve_uri_log(void *cls, const char *uri, struct MHD_Connection *con)
{
    return strdup(uri ? uri : "");
}

static int socket_of(struct MHD_Connection *con)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(con, MHD_CONNECTION_INFO_CONNECTION_FD);
    return ci ? (int)ci->connect_fd : -1;
}

void serve_completed(void *cls, struct MHD_Connection *con, void **req_cls, enum MHD_RequestTerminationCode toe)
{
    free(*req_cls);
    *req_cls = NULL;
    /* The next request's head, on a connection kept alive, has its deadline too. */
    if (toe == MHD_REQUEST_TERMINATED_COMPLETED_OK) serve_guard_head_begins(socket_of(con));
}

void serve_connection(void *cls, struct MHD_Connection *con, void **socket_cls, enum MHD_ConnectionNotificationCode what)
{
    if (what == MHD_CONNECTION_NOTIFY_STARTED) serve_guard_head_begins(socket_of(con));
    else serve_guard_head_done(socket_of(con));
}

/* What a response holds until libmicrohttpd is done with it. */
typedef struct held {
    void *data;             /* wpk_free */
    char *body;             /* free */
    wpk_content *stream;
    uint64_t reserved;
} held;

static void release(void *cls)
{
    held *h = cls;
    wpk_free(h->data);
    free(h->body);
    wpk_content_close(h->stream);
    serve_budget_give(h->reserved);
    free(h);
}

/* libmicrohttpd asks for the stream's next bytes, in order. */
static ssize_t stream_more(void *cls, uint64_t pos, char *buf, size_t max)
{
    held *h = cls;
    size_t got = 0;
    wpk_error err;
    if (wpk_content_read(h->stream, buf, max, &got, &err) != 0) {
        cli_error("serve: %s", err.message);
        return MHD_CONTENT_READER_END_WITH_ERROR;
    }
    return got ? (ssize_t)got : MHD_CONTENT_READER_END_OF_STREAM;
}

/* The response for q, taking what it holds; NULL when out of memory (all
 * of it released). */
static struct MHD_Response *make_response(serve_req *q)
{
    held *h = calloc(1, sizeof *h);
    struct MHD_Response *resp = NULL;
    size_t n = 0;
    if (h) {
        h->reserved = q->reserved;
        if (q->status == 304) {
            release(h);
            h = NULL;
            resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
        } else if (q->stream) {
            h->stream = q->stream;
            resp = MHD_create_response_from_callback(q->stream_size, 64 * 1024, stream_more, h, release);
        } else if (q->data) {
            h->data = q->data;
            resp = MHD_create_response_from_buffer_with_free_callback_cls(q->data_len, q->data, release, h);
        } else if ((h->body = serve_buf_take(&q->body, &n)) != NULL) {
            resp = MHD_create_response_from_buffer_with_free_callback_cls(n, h->body, release, h);
        }
    } else {
        serve_budget_give(q->reserved);
        wpk_free(q->data);
        wpk_content_close(q->stream);
        serve_buf_free(&q->body);
    }
    if (!resp && h) release(h);
    q->data = NULL;
    q->stream = NULL;
    q->reserved = 0;
    return resp;
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
    serve_guard_head_done(socket_of(con));
    serve_req q;
    memset(&q, 0, sizeof q);
    q.ctx = cls;
    q.uri = *req_cls ? (const char *)*req_cls : url;
    q.if_none_match = MHD_lookup_connection_value(con, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
    serve_handle(&q, method);
    if (q.body.oom) {
        wpk_free(q.data);
        wpk_content_close(q.stream);
        q.data = NULL, q.stream = NULL;
        serve_error(&q, 503, "Out of memory.");
    }

    struct MHD_Response *resp = make_response(&q);
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
    if (q.status == 503) MHD_add_response_header(resp, "Retry-After", "1");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "Content-Security-Policy", q.sandbox ? CSP_SANDBOX : CSP_PAGES);
    enum MHD_Result ret = MHD_queue_response(con, (unsigned)q.status, resp);
    MHD_destroy_response(resp);
    free(q.location);
    return ret;
}
