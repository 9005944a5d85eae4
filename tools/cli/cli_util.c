/* cli_util.c - messages, exit codes, number parsing and entry lookups shared by the commands */
#include "cli.h"
#include "import.h"
#include "progress.h"

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
    case WPK_E_CORRUPT: return CLI_EXIT_DAMAGED;
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

typedef struct match_list { uint64_t entry[16]; char title[16][256]; int alias[16]; size_t n; } match_list;

static int keep_match(void *ctx, const char *title, int is_alias, uint64_t entry)
{
    match_list *m = ctx;
    if (m->n < 16) {
        m->entry[m->n] = entry;
        snprintf(m->title[m->n], sizeof m->title[0], "%s", title);
        m->alias[m->n] = is_alias;
    }
    m->n++;
    return 0;
}

/* A title as typed: exact, then MediaWiki-normalized, then folded. Several
 * loose matches are reported and refused. */
static int lookup_title(wpk_reader *r, const char *title, wpk_entry **out, wpk_error *err)
{
    match_list m;
    m.n = 0;
    wpk_match_level level;
    int rc = wpk_reader_match_title(r, title, keep_match, &m, &level, err);
    if (rc) return rc;
    if (m.n > 1) {
        cli_error("\"%s\" matches %zu articles when case and spacing are ignored:", title, m.n);
        for (size_t i = 0; i < m.n && i < 16; i++) {
            wpk_entry *e;
            if (wpk_reader_entry_at(r, m.entry[i], &e, err) == 0) {
                fprintf(stderr, "  %s%s  (%s)\n", m.title[i], m.alias[i] ? " [alias]" : "", e->path);
                wpk_entry_free(e);
            }
        }
        snprintf(err->message, sizeof err->message, "\"%s\" is ambiguous: give the exact title, --id or --path", title);
        err->code = WPK_E_NOTFOUND;
        err->has_offset = 0;
        return WPK_E_NOTFOUND;
    }
    if (level != WPK_MATCH_EXACT || m.alias[0])
        fprintf(stderr, "%s: \"%s\" found as %s\"%s\"%s\n", cli_prog, title, m.alias[0] ? "alias " : "", m.title[0],
                level == WPK_MATCH_MEDIAWIKI ? " (MediaWiki spelling)" : level == WPK_MATCH_FOLDED ? " (ignoring case)" : "");
    return wpk_reader_entry_at(r, m.entry[0], out, err);
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
    if (s->kind == 't') return lookup_title(r, s->value, out, err);
    if (s->kind == 'u') {
        char *title = imp_wiki_url_title(s->value);
        if (!title) {
            snprintf(err->message, sizeof err->message, "\"%s\" is not an article URL (expected .../wiki/Title)", s->value);
            err->code = WPK_E_INVALID;
            err->has_offset = 0;
            return WPK_E_INVALID;
        }
        int rc = lookup_title(r, title, out, err);
        free(title);
        return rc;
    }
    return wpk_reader_find_by_path(r, s->value, out, err);
}
