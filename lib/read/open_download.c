/* open_download.c - opening an archive downloaded whole over HTTP(S), for servers without Range support. */
#include "reader_internal.h"
#include "curl_api.h"

#include <string.h>

/* The downloaded file, owned by the reader that reads it. */
typedef struct download {
    uint8_t *data;
    size_t len, cap;
    uint64_t max;     /* the most taken (max_download_bytes) */
    int too_big;      /* 1: out of memory; 2: over max */
} download;

static void download_free(void *p)
{
    download *d = p;
    if (!d) return;
    wpk_free(d->data);
    wpk_free(d);
}

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
    download *d = ctx;
    size_t len = size * n;
    if (len > d->max - d->len) { /* a server that sends more than it may, or without end */
        d->too_big = 2;
        return 0;
    }
    if (len > d->cap - d->len) {
        size_t cap = d->cap ? d->cap : 1 << 20;
        while (cap - d->len < len && cap < ((size_t)1 << 40)) cap *= 2;
        uint8_t *g = cap - d->len >= len ? wpk_realloc(d->data, cap) : NULL;
        if (!g) {
            d->too_big = 1;
            return 0;
        }
        d->data = g;
        d->cap = cap;
    }
    memcpy(d->data + d->len, p, len);
    d->len += len;
    return len;
}

static int download_read_at(void *opaque, uint64_t offset, void *buf, size_t len)
{
    const download *d = opaque;
    if (offset > d->len || len > d->len - offset) return -1;
    memcpy(buf, d->data + offset, len);
    return 0;
}

int wpk_reader_open_url_download(wpk_reader **out, const char *url, const wpk_open_opts *opts,
                                 const wpk_http_opts *http, wpk_error *err)
{
    if (!out || !url) return wpk_fail(err, WPK_E_INVALID, "wpk_reader_open_url_download: NULL argument");
    *out = NULL;
    wpk_http_opts own;
    int rc = wpk_struct_in(&own, sizeof own, WPK_MIN_HTTP_OPTS, http, "wpk_http_opts", err);
    if (rc) return rc;
    /* The open options too, before a whole download rather than after. */
    wpk_open_opts checked;
    if ((rc = wpk_struct_in(&checked, sizeof checked, WPK_MIN_OPEN_OPTS, opts, "wpk_open_opts", err)) != 0) return rc;
    http = &own;
    const char *why;
    const wpk_curl_api *api = wpk_curl(&why);
    if (!api) return wpk_fail(err, WPK_E_IO, "%s: %s", url, why);
    download *d = wpk_calloc(1, sizeof *d);
    CURL *c = d ? api->easy_init() : NULL;
    if (!c) {
        wpk_free(d);
        return wpk_fail(err, WPK_E_NOMEM, "%s: out of memory", url);
    }
    long timeout_ms = http ? http->timeout_ms : 0;
    long connect_ms = http && http->connect_timeout_ms ? http->connect_timeout_ms : 10000L;
    d->max = http->max_download_bytes ? http->max_download_bytes : WPK_MAX_DOWNLOAD_DEFAULT;
    if (d->max > SIZE_MAX) d->max = SIZE_MAX;
    api->easy_setopt(c, CURLOPT_URL, url);
    api->easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    api->easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
    /* A Content-Length over the cap is refused before any body arrives. */
    api->easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)(d->max > INT64_MAX ? INT64_MAX : d->max));
    /* A server that drips: given up, whatever the timeout. */
    api->easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1024L);
    api->easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 30L);
    api->easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    api->easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    api->easy_setopt(c, CURLOPT_FAILONERROR, 1L);
    api->easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    api->easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
    if (timeout_ms) api->easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
    api->easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    api->easy_setopt(c, CURLOPT_WRITEDATA, d);
    CURLcode cc = api->easy_perform(c);
    api->easy_cleanup(c);
    if (cc != CURLE_OK) {
        if (d->too_big == 2 || cc == CURLE_FILESIZE_EXCEEDED)
            rc = wpk_fail(err, WPK_E_LIMIT, "%s: larger than the %llu bytes a download may take (--max-download)", url,
                          (unsigned long long)d->max);
        else if (d->too_big)
            rc = wpk_fail(err, WPK_E_NOMEM, "%s: out of memory downloading it", url);
        else
            rc = wpk_fail(err, WPK_E_IO, "%s: %s", url, api->easy_strerror(cc));
        download_free(d);
        return rc;
    }
    wpk_source src = {sizeof src, download_read_at, d, d->len, url, NULL};
    rc = wpk_reader_open_source(out, &src, opts, err);
    if (rc) {
        download_free(d);
        return rc;
    }
    (*out)->owned = d;
    (*out)->owned_free = download_free;
    return WPK_OK;
}
