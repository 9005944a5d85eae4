/* cli_util.c - messages, exit codes and number parsing: the conventions of every wikipack program */
#include "cli.h"
#include "progress.h" /* a message first ends the progress line */
#include "import.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *cli_prog = "wikipack";

size_t cli_utf8_len(const unsigned char *p, size_t n, uint32_t *cp)
{
    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    }
    size_t len = p[0] >= 0xF0 && p[0] <= 0xF4 ? 4 : p[0] >= 0xE0 && p[0] < 0xF0 ? 3 : p[0] >= 0xC2 && p[0] < 0xE0 ? 2 : 0;
    if (!len || len > n) return 0;
    uint32_t c = p[0] & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80) return 0;
        c = c << 6 | (p[i] & 0x3F);
    }
    static const uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
    if (c < least[len] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0;
    *cp = c;
    return len;
}

/* Length of the UTF-8 sequence at p that encodes a character a terminal
 * shows, or 0: C0 and C1 controls (U+0080..U+009F: CSI and OSC in 8-bit
 * form), DEL and bytes that are not UTF-8 give 0. */
static size_t printable_utf8(const unsigned char *p, size_t n)
{
    uint32_t cp;
    size_t len = cli_utf8_len(p, n, &cp);
    return len && cp >= 0x20 && cp != 0x7F && (cp < 0x80 || cp > 0x9F) ? len : 0;
}

void cli_put_safe(FILE *f, const char *s, size_t n, int keep)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        size_t k = printable_utf8(p + i, n - i);
        if (k) {
            fwrite(p + i, 1, k, f);
            i += k;
        } else if ((p[i] == '\t' && (keep & CLI_KEEP_TAB)) || (p[i] == '\n' && (keep & CLI_KEEP_NEWLINE))) {
            fputc(p[i++], f);
        } else if ((p[i] == '\t' || p[i] == '\n' || p[i] == '\r') && (keep & CLI_BLANKS_AS_SPACE)) {
            fputc(' ', f);
            i++;
        } else {
            fprintf(f, "\\x%02X", p[i++]);
        }
    }
}

void cli_print(FILE *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = NULL;
    int n = vasprintf(&text, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    /* One line: a line break only where it ends. */
    int last_nl = n > 0 && text[n - 1] == '\n';
    cli_put_safe(f, text, (size_t)n - (size_t)last_nl, CLI_KEEP_TAB);
    if (last_nl) fputc('\n', f);
    free(text);
}

/* Messages quote paths and titles read from archives that may come from
 * strangers: control characters (an escape sequence, a newline faking
 * another message) and bytes that are not UTF-8 are shown as \xNN, and a
 * message is cut at a readable length. */
static void report(const char *kind, const char *fmt, va_list ap)
{
    char msg[1024];
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    cli_progress_interrupt();
    fprintf(stderr, "%s: %s", cli_prog, kind);
    size_t len = strlen(msg);
    if (n >= (int)sizeof msg) /* cut: not inside a UTF-8 sequence */
        while (len > 0 && ((unsigned char)msg[len - 1] & 0xC0) == 0x80) len--;
    if (n >= (int)sizeof msg && len > 0 && (unsigned char)msg[len - 1] >= 0xC0) len--;
    cli_put_safe(stderr, msg, len, 0);
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
