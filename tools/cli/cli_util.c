/* cli_util.c - messages, exit codes and number parsing: the conventions of every wikipack program */
#include "cli.h"
#include "progress.h" /* a message first ends the progress line */
#include "import.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const char *cli_prog = "wikipack";

/* Messages quote paths and titles read from archives that may come from
 * strangers: control bytes (an escape sequence, a newline faking another
 * message) are shown as \xNN, and a message is cut at a readable length. */
static void report(const char *kind, const char *fmt, va_list ap)
{
    char msg[1024];
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    cli_progress_interrupt();
    fprintf(stderr, "%s: %s", cli_prog, kind);
    for (const unsigned char *p = (const unsigned char *)msg; *p; p++) {
        if (*p < 0x20 || *p == 0x7F) fprintf(stderr, "\\x%02X", *p);
        else fputc(*p, stderr);
    }
    if (n >= (int)sizeof msg) fputs("...", stderr);
    fputc('\n', stderr);
}

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report("", fmt, ap);
    va_end(ap);
}

void cli_vwarn(const char *fmt, va_list ap)
{
    report("warning: ", fmt, ap);
}

void cli_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cli_vwarn(fmt, ap);
    va_end(ap);
}

int cli_exit_code(int code)
{
    switch (code) {
    case WPK_OK: return CLI_EXIT_OK;
    case WPK_E_CORRUPT:
    case WPK_E_UNTRUSTED: return CLI_EXIT_DAMAGED;
    case WPK_E_INVALID: return CLI_EXIT_USAGE;
    case WPK_E_NOTFOUND: return CLI_EXIT_NOTFOUND;
    case WPK_E_FORMAT: return CLI_EXIT_FORMAT;
    case WPK_E_NOMEM:
    case WPK_E_LIMIT: return CLI_EXIT_RESOURCE;
    case WPK_E_EXISTS: return CLI_EXIT_USAGE;
    default: return CLI_EXIT_IO;
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

void cli_format_updated(const wpk_entry *e, char *buf, size_t cap)
{
    if (!e->has_updated || imp_format_time(e->updated_us, buf, cap) == 0) snprintf(buf, cap, "-");
}

int cli_want_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) break;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) return 1;
    }
    return 0;
}
