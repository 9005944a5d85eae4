/* cli_remote.c - open the archive a command names: a file, or an http(s):// URL */
/*
 * A URL is read in place through Range requests, or, with --download,
 * fetched whole first (for servers that do not support ranges). The
 * options every command shares are parsed here too.
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long timeout_ms;   /* 0: the library's default */
static int download;
static uint64_t max_download; /* 0: the library's default */
static uint32_t max_expansion; /* 0: the library's default */
static int trusted;
static uint8_t trusted_key[WPK_PUBLIC_KEY_SIZE];

void cli_trust(const uint8_t key[WPK_PUBLIC_KEY_SIZE])
{
    memcpy(trusted_key, key, sizeof trusted_key);
    trusted = 1;
}

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
    if (ch == CLI_OPT_MAX_DOWNLOAD) {
        if (cli_parse_size(arg, &max_download) != 0 || max_download == 0) {
            cli_error("--max-download wants a size (K, M, G suffixes), not \"%s\"", arg);
            return CLI_EXIT_USAGE;
        }
        return CLI_EXIT_OK;
    }
    if (ch == CLI_OPT_MAX_EXPANSION) {
        uint64_t n;
        if (cli_parse_u64(arg, &n) != 0 || n == 0 || n > UINT32_MAX) {
            cli_error("--max-expansion wants a number of times (1 or more), not \"%s\"", arg);
            return CLI_EXIT_USAGE;
        }
        max_expansion = (uint32_t)n;
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

int cli_open_with(const char *path, const wpk_open_opts *given, wpk_reader **r)
{
    wpk_error err;
    memset(&err, 0, sizeof err);
    wpk_open_opts with_key = WPK_OPEN_OPTS_INIT;
    const wpk_open_opts *opts = given;
    if (trusted || max_expansion) {
        if (given) with_key = *given;
        if (trusted) with_key.trusted_key = trusted_key;
        if (max_expansion) with_key.max_expansion = max_expansion;
        opts = &with_key;
    }
    if (cli_is_url(path)) {
        wpk_http_opts http = WPK_HTTP_OPTS_INIT;
        http.timeout_ms = timeout_ms;
        http.max_download_bytes = max_download;
        int rc = download ? wpk_reader_open_url_download(r, path, opts, &http, &err)
                          : wpk_reader_open_url(r, path, opts, &http, &err);
        return rc ? cli_fail(&err, rc) : CLI_EXIT_OK;
    }
    int rc = wpk_reader_open(r, path, opts, &err);
    return rc ? cli_fail(&err, rc) : CLI_EXIT_OK;
}

int cli_open(const char *path, wpk_reader **r)
{
    return cli_open_with(path, NULL, r);
}

int cli_common_option(int ch, const char *arg, const char *usage)
{
    switch (ch) {
    case CLI_OPT_TIMEOUT: case CLI_OPT_DOWNLOAD: case CLI_OPT_MAX_DOWNLOAD: case CLI_OPT_MAX_EXPANSION:
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
