/* cli_remote.c - open the archive a command names: a file, or an http(s):// URL */
/*
 * A URL is read in place through Range requests, or, with --download,
 * fetched whole first (for servers that do not support ranges). The
 * options every command shares are parsed here too.
 */
#include "cli.h"

#include "curl_loader.h" /* libcurl, loaded on first use (lib/curl_loader.c) */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long timeout_ms;   /* 0: the library's default */
static int download;

int cli_is_url(const char *s)
{
    return strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0;
}

int cli_remote_option(int ch, const char *arg)
{
    if (ch == CLI_OPT_DOWNLOAD) {
        download = 1;
        return CLI_EXIT_OK;
    }
    uint64_t seconds;
    if (cli_parse_u64(arg, &seconds) != 0 || seconds == 0 || seconds > 86400) {
        cli_error("--timeout wants a number of seconds (1 to 86400), not \"%s\"", arg);
        return CLI_EXIT_USAGE;
    }
    timeout_ms = (long)seconds * 1000;
    return CLI_EXIT_OK;
}

/* A whole download, kept for the life of the process (the reader reads it). */
typedef struct fetched {
    uint8_t *data;
    size_t len, cap;
    int too_big;
    struct fetched *next;
} fetched;
static fetched *downloads; /* every download stays reachable until exit */

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
    fetched *f = ctx;
    size_t len = size * n;
    if (len > f->cap - f->len) {
        size_t cap = f->cap ? f->cap : 1 << 20;
        while (cap - f->len < len && cap < ((size_t)1 << 40)) cap *= 2;
        uint8_t *g = cap - f->len >= len ? realloc(f->data, cap) : NULL;
        if (!g) {
            f->too_big = 1;
            return 0;
        }
        f->data = g;
        f->cap = cap;
    }
    memcpy(f->data + f->len, p, len);
    f->len += len;
    return len;
}

static int mem_read_at(void *opaque, uint64_t offset, void *buf, size_t len)
{
    const fetched *f = opaque;
    if (offset > f->len || len > f->len - offset) return -1;
    memcpy(buf, f->data + offset, len);
    return 0;
}

static int open_downloaded(const char *url, wpk_reader **r)
{
    /* The reader reads from it until the process ends; one per archive
     * (serve may open several). */
    const char *why;
    const wpk_curl_api *api = wpk_curl(&why);
    if (!api) {
        cli_error("%s: %s", url, why);
        return CLI_EXIT_IO;
    }
    fetched *f = calloc(1, sizeof *f);
    CURL *c = f ? api->easy_init() : NULL;
    if (!c) {
        free(f);
        return CLI_EXIT_RESOURCE;
    }
    api->easy_setopt(c, CURLOPT_URL, url);
    api->easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    api->easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    api->easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    api->easy_setopt(c, CURLOPT_FAILONERROR, 1L);
    api->easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    api->easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    if (timeout_ms) api->easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
    api->easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    api->easy_setopt(c, CURLOPT_WRITEDATA, f);
    CURLcode cc = api->easy_perform(c);
    api->easy_cleanup(c);
    if (cc != CURLE_OK) {
        int code = f->too_big ? CLI_EXIT_RESOURCE : CLI_EXIT_IO;
        cli_error("%s: %s", url, f->too_big ? "out of memory downloading it" : api->easy_strerror(cc));
        free(f->data);
        free(f);
        return code;
    }
    f->next = downloads;
    downloads = f;
    wpk_source src = {mem_read_at, f, f->len, url, NULL};
    wpk_error err;
    memset(&err, 0, sizeof err);
    int rc = wpk_reader_open_source(r, &src, NULL, &err);
    return rc ? cli_fail(&err, rc) : CLI_EXIT_OK;
}

int cli_open(const char *path, wpk_reader **r)
{
    wpk_error err;
    memset(&err, 0, sizeof err);
    if (cli_is_url(path)) {
        if (download) return open_downloaded(path, r);
        wpk_http_opts http = {timeout_ms, 0};
        int rc = wpk_reader_open_url(r, path, NULL, &http, &err);
        return rc ? cli_fail(&err, rc) : CLI_EXIT_OK;
    }
    int rc = wpk_reader_open(r, path, NULL, &err);
    return rc ? cli_fail(&err, rc) : CLI_EXIT_OK;
}

int cli_common_option(int ch, const char *arg, const char *usage)
{
    switch (ch) {
    case CLI_OPT_TIMEOUT: case CLI_OPT_DOWNLOAD:
        return cli_remote_option(ch, arg) ? CLI_EXIT_USAGE : CLI_GO_ON;
    case 'h': fputs(usage, stdout); return CLI_EXIT_OK;
    default: fputs(usage, stderr); return CLI_EXIT_USAGE;
    }
}

int cli_open_operand(int argc, char **argv, int operands, const char *usage, wpk_reader **r)
{
    if (optind + operands != argc) {
        fputs(usage, stderr);
        return CLI_EXIT_USAGE;
    }
    return cli_open(argv[optind], r);
}
