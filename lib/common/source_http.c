/* source_http.c - a positional-read source over HTTP(S) Range requests
 * (libcurl), so that an archive on a web server or object store is read a
 * page or a block at a time instead of downloaded.
 *
 * One easy handle is reused (one connection, kept alive) under a mutex: a
 * reader may be shared by threads. The first request fetches the first
 * 256 KiB, which holds the prefix (header, section table, roots, wikis,
 * summary, signature, dictionary) of most archives, and tells the file's
 * size (Content-Range's total); reads inside it are served from memory.
 * Every later response must be a 206 for exactly the range asked, with the
 * validator (ETag, else Last-Modified) of the first: a file replaced on the
 * server between two requests is an error, never a silent mix of two
 * archives. libcurl itself is loaded on first use (curl_loader.c). */
#include "curl_api.h"
#include "common.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The first request: an archive's prefix, dictionary included, whatever
 * the few reads that open it ask for first. */
#define HTTP_FIRST_READ (256u << 10)

typedef struct http_src {
    const wpk_curl_api *api;
    CURL *curl;
    pthread_mutex_t lock;
    char *url;
    long timeout_ms, connect_timeout_ms;
    uint64_t size;
    uint8_t *head;              /* the first bytes of the file, kept */
    size_t head_len;
    char validator[256];        /* ETag or Last-Modified of the first response */
    int validator_is_etag;
    wpk_transfer_stats stats;
    char err[1024];
} http_src;

/* What one response delivered, filled by the callbacks. */
typedef struct response {
    uint8_t *dst;               /* where the body goes */
    size_t want;                /* bytes asked for */
    size_t got;
    int overflow;               /* more body than asked: a 200 with the whole file */
    long status;                /* from the status line, for the callbacks' checks */
    uint64_t range_first, range_total;
    int has_range;
    char etag[256], last_modified[256];
} response;

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
    response *rs = ctx;
    size_t len = size * n;
    if (len > rs->want - rs->got) {
        rs->overflow = 1;
        return 0; /* abort the transfer: never download more than asked */
    }
    memcpy(rs->dst + rs->got, p, len);
    rs->got += len;
    return len;
}

/* Copy a header's value, trimmed, when the line is "name: value". */
static int header_value(const char *line, size_t len, const char *name, char *out, size_t cap)
{
    size_t nl = strlen(name);
    if (len <= nl + 1 || strncasecmp(line, name, nl) != 0 || line[nl] != ':') return 0;
    const char *v = line + nl + 1;
    const char *end = line + len;
    while (v < end && (*v == ' ' || *v == '\t')) v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ')) end--;
    size_t n = (size_t)(end - v) < cap - 1 ? (size_t)(end - v) : cap - 1;
    memcpy(out, v, n);
    out[n] = 0;
    return 1;
}

static size_t on_header(char *p, size_t size, size_t n, void *ctx)
{
    response *rs = ctx;
    size_t len = size * n;
    char v[256];
    if (len >= 5 && strncmp(p, "HTTP/", 5) == 0) { /* a new response (after a redirect): forget the last */
        rs->has_range = 0;
        rs->etag[0] = rs->last_modified[0] = 0;
    } else if (header_value(p, len, "Content-Range", v, sizeof v)) {
        uint64_t last;
        rs->has_range = sscanf(v, "bytes %" SCNu64 "-%" SCNu64 "/%" SCNu64, &rs->range_first, &last,
                               &rs->range_total) == 3;
    } else if (header_value(p, len, "ETag", v, sizeof v)) {
        memcpy(rs->etag, v, sizeof v);
    } else if (header_value(p, len, "Last-Modified", v, sizeof v)) {
        memcpy(rs->last_modified, v, sizeof v);
    }
    return len;
}

/* One GET of bytes [offset, offset + len) into dst. Returns 0, or -1 with
 * h->err set. `first` is the opening request, which learns the size and
 * the validator instead of checking them. */
static int fetch(http_src *h, uint64_t offset, size_t len, uint8_t *dst, int first, size_t *got)
{
    response rs;
    memset(&rs, 0, sizeof rs);
    rs.dst = dst;
    rs.want = len;
    char range[64];
    snprintf(range, sizeof range, "%" PRIu64 "-%" PRIu64, offset, offset + len - 1);
    struct curl_slist *hdrs = NULL;
    /* If-Match compares strongly: a weak ETag (W/"...") would never match,
     * so it is only compared below. */
    int weak = h->validator_is_etag && strncmp(h->validator, "W/", 2) == 0;
    if (!first && h->validator[0] && !weak) {
        /* The server refuses (412) rather than send bytes of another file. */
        char cond[300];
        snprintf(cond, sizeof cond, "%s: %s", h->validator_is_etag ? "If-Match" : "If-Unmodified-Since", h->validator);
        hdrs = h->api->slist_append(NULL, cond);
    }
    h->api->easy_setopt(h->curl, CURLOPT_RANGE, range);
    h->api->easy_setopt(h->curl, CURLOPT_HTTPHEADER, hdrs);
    h->api->easy_setopt(h->curl, CURLOPT_WRITEDATA, &rs);
    h->api->easy_setopt(h->curl, CURLOPT_HEADERDATA, &rs);
    CURLcode cc = h->api->easy_perform(h->curl);
    h->api->slist_free_all(hdrs);
    long status = 0;
    h->api->easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &status);
    h->stats.requests++;
    h->stats.bytes += rs.got;
    const char *url = h->url;
    if (rs.overflow || (cc == CURLE_OK && status == 200 && !first)) {
        snprintf(h->err, sizeof h->err,
                 "%s: the server does not support range requests (it sent the whole file); use --download to fetch it "
                 "first", url);
        return -1;
    }
    if (cc == CURLE_OPERATION_TIMEDOUT) {
        snprintf(h->err, sizeof h->err, "%s: timed out (bytes %s)", url, range);
        return -1;
    }
    if (cc != CURLE_OK && cc != CURLE_PARTIAL_FILE) {
        snprintf(h->err, sizeof h->err, "%s: %s", url, h->api->easy_strerror(cc));
        return -1;
    }
    if (status == 412) {
        snprintf(h->err, sizeof h->err, "%s: the file changed on the server since it was opened (HTTP 412)", url);
        return -1;
    }
    if (status == 416 && first) { /* an empty file */
        snprintf(h->err, sizeof h->err, "%s: the file is empty (HTTP 416)", url);
        return -1;
    }
    if (status != 206 && !(first && status == 200)) {
        snprintf(h->err, sizeof h->err, "%s: HTTP %ld", url, status);
        return -1;
    }
    const char *now = rs.etag[0] ? rs.etag : rs.last_modified;
    if (first) {
        h->validator_is_etag = rs.etag[0] != 0;
        snprintf(h->validator, sizeof h->validator, "%s", now);
        if (status == 200) {
            h->size = rs.got; /* a file smaller than the first read: all of it is here */
        } else if (!rs.has_range || rs.range_first != offset) {
            snprintf(h->err, sizeof h->err, "%s: a 206 response without a usable Content-Range", url);
            return -1;
        } else {
            h->size = rs.range_total;
        }
    } else {
        if (h->validator[0] && strcmp(now, h->validator) != 0) {
            snprintf(h->err, sizeof h->err, "%s: the file changed on the server since it was opened (%s %s, now %s)", url,
                     h->validator_is_etag ? "ETag" : "Last-Modified", h->validator, now[0] ? now : "none");
            return -1;
        }
        if (!rs.has_range || rs.range_first != offset) {
            snprintf(h->err, sizeof h->err, "%s: the server answered another range than bytes %s", url, range);
            return -1;
        }
        if (rs.range_total != h->size) {
            snprintf(h->err, sizeof h->err, "%s: the file changed on the server since it was opened (size %" PRIu64
                     ", now %" PRIu64 ")", url, h->size, rs.range_total);
            return -1;
        }
    }
    if (!first && rs.got != len) {
        snprintf(h->err, sizeof h->err, "%s: response shorter than asked (%zu of %zu bytes at offset %" PRIu64 ")", url,
                 rs.got, len, offset);
        return -1;
    }
    if (got) *got = rs.got;
    return 0;
}

static _Thread_local char thread_err[1024];

static int http_read_at(void *opaque, uint64_t offset, void *buf, size_t len)
{
    http_src *h = opaque;
    if (offset <= h->head_len && len <= h->head_len - offset) {
        memcpy(buf, h->head + offset, len);
        return 0;
    }
    /* An object straddling the end of the first read: fetch only the rest. */
    if (offset < h->head_len) {
        size_t have = h->head_len - (size_t)offset;
        memcpy(buf, h->head + offset, have);
        buf = (uint8_t *)buf + have;
        offset += have;
        len -= have;
    }
    pthread_mutex_lock(&h->lock);
    int rc = fetch(h, offset, len, buf, 0, NULL);
    /* The reader asks why after the lock is released, and other threads
     * may fail meanwhile: each thread keeps its own last message. */
    if (rc) snprintf(thread_err, sizeof thread_err, "%s", h->err);
    pthread_mutex_unlock(&h->lock);
    return rc;
}

static const char *http_last_error(void *opaque)
{
    (void)opaque;
    return thread_err[0] ? thread_err : NULL;
}

static void http_close(void *opaque)
{
    http_src *h = opaque;
    if (!h) return;
    if (h->curl) h->api->easy_cleanup(h->curl);
    pthread_mutex_destroy(&h->lock);
    wpk_free(h->url);
    wpk_free(h->head);
    wpk_free(h);
}

int wpk_source_http(wpk_source *src, const char *url, const wpk_http_opts *given, wpk_error *err)
{
    wpk_http_opts own;
    const wpk_http_opts *opts = &own;
    int rc = wpk_struct_in(&own, sizeof own, WPK_MIN_HTTP_OPTS, given, "wpk_http_opts", err);
    if (rc) return rc;
    const char *why;
    const wpk_curl_api *api = wpk_curl(&why);
    if (!api) return wpk_fail(err, WPK_E_IO, "%s: %s", url, why);
    http_src *h = wpk_calloc(1, sizeof *h);
    if (!h) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    pthread_mutex_init(&h->lock, NULL);
    h->url = wpk_strdup(url);
    h->head = wpk_malloc(HTTP_FIRST_READ);
    h->api = api;
    h->curl = api->easy_init();
    if (!h->url || !h->head || !h->curl) {
        http_close(h);
        return wpk_fail(err, WPK_E_NOMEM, "%s: out of memory", url);
    }
    h->timeout_ms = opts && opts->timeout_ms > 0 ? opts->timeout_ms : 30000;
    h->connect_timeout_ms = opts && opts->connect_timeout_ms > 0 ? opts->connect_timeout_ms : 10000;
    CURL *c = h->curl;
    api->easy_setopt(c, CURLOPT_URL, url);
    api->easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    api->easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
    api->easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    api->easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    api->easy_setopt(c, CURLOPT_TIMEOUT_MS, h->timeout_ms);
    api->easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, h->connect_timeout_ms);
    api->easy_setopt(c, CURLOPT_NOSIGNAL, 1L); /* timeouts without SIGALRM: readers may run in threads */
    api->easy_setopt(c, CURLOPT_ACCEPT_ENCODING, NULL); /* byte ranges of the file itself, never re-encoded */
    api->easy_setopt(c, CURLOPT_USERAGENT, "wikipack");
    api->easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    api->easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    size_t got = 0;
    if (fetch(h, 0, HTTP_FIRST_READ, h->head, 1, &got) != 0) {
        wpk_fail(err, WPK_E_IO, "%s", h->err);
        http_close(h);
        return WPK_E_IO;
    }
    h->head_len = got;
    h->err[0] = 0;
    src->struct_size = sizeof *src;
    src->read_at = http_read_at;
    src->opaque = h;
    src->size = h->size;
    src->name = h->url;
    src->last_error = http_last_error;
    return WPK_OK;
}

void wpk_source_http_close(wpk_source *src) { http_close(src->opaque); }

int wpk_source_http_stats(const wpk_source *src, wpk_transfer_stats *out)
{
    http_src *h = src->opaque;
    pthread_mutex_lock(&h->lock);
    *out = h->stats;
    pthread_mutex_unlock(&h->lock);
    return WPK_OK;
}
