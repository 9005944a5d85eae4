/* cli_util.c - error reporting, number parsing and lookups shared by the
 * subcommands. */
#include "cli.h"
#include "article_meta.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const char *prog = "wikipack";

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", prog);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void cli_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: warning: ", prog);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int cli_exit_code(int code)
{
    switch (code) {
    case WPK_OK: return EXIT_OK;
    case WPK_E_CORRUPT: return EXIT_DAMAGED;
    case WPK_E_INVALID: return EXIT_USAGE;
    case WPK_E_NOTFOUND: return EXIT_NOTFOUND;
    case WPK_E_FORMAT: return EXIT_FORMAT;
    case WPK_E_NOMEM:
    case WPK_E_LIMIT: return EXIT_RESOURCE;
    case WPK_E_EXISTS: return EXIT_USAGE;
    default: return EXIT_IO;
    }
}

int cli_fail(const wpk_error *err, int code)
{
    cli_error("%s", err->message[0] ? err->message : wpk_strerror(code));
    return cli_exit_code(code);
}

int cli_set_error(wpk_error *err, int code, const char *msg)
{
    err->code = code;
    err->has_offset = 0;
    snprintf(err->message, sizeof err->message, "%s", msg);
    return code;
}

int cli_parse_u64(const char *s, uint64_t *out)
{
    if (!s || !*s || *s == '-' || *s == '+') return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end) return -1;
    *out = v;
    return 0;
}

int cli_parse_size(const char *s, uint64_t *out)
{
    if (!s || !*s || *s == '-') return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s) return -1;
    unsigned shift = 0;
    if (*end == 'K' || *end == 'k') shift = 10, end++;
    else if (*end == 'M' || *end == 'm') shift = 20, end++;
    else if (*end == 'G' || *end == 'g') shift = 30, end++;
    if (*end == 'i' && shift) end++;
    if (*end == 'B' && shift) end++;
    if (*end || v > (UINT64_MAX >> shift)) return -1;
    *out = (uint64_t)v << shift;
    return 0;
}

int cli_open(const char *path, wpk_reader **r)
{
    wpk_error err;
    memset(&err, 0, sizeof err);
    int rc = wpk_reader_open(r, path, NULL, &err);
    return rc ? cli_fail(&err, rc) : EXIT_OK;
}

void cli_format_updated(const wpk_entry *e, char *buf, size_t cap)
{
    if (!e->has_updated || article_format_time(e->updated_us, buf, cap) == 0) snprintf(buf, cap, "-");
}

int cli_want_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) break;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) return 1;
    }
    return 0;
}

int cli_lookup(wpk_reader *r, const cli_selector *s, wpk_entry **out, wpk_error *err)
{
    if (s->kind == 'i') {
        uint64_t id;
        if (cli_parse_u64(s->value, &id) != 0) {
            snprintf(err->message, sizeof err->message, "--id wants a page ID (an unsigned number), not \"%s\"", s->value);
            err->code = WPK_E_INVALID;
            err->has_offset = 0;
            return WPK_E_INVALID;
        }
        return wpk_reader_find_by_id(r, id, out, err);
    }
    if (s->kind == 't') return wpk_reader_find_by_title(r, s->value, out, err);
    return wpk_reader_find_by_path(r, s->value, out, err);
}
