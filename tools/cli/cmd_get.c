/* cmd_get.c - `wikipack get`: one entry's content to stdout or a file. */
#include "import.h"
#include "cli_commands.h"
#include "wikitext_html.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char get_usage[] =
    "usage: wikipack get ARCHIVE (--id N [--wiki WIKI] [--lang LANG] | --title TITLE | --url URL\n"
    "                    | --path PATH) [--revision TIME|all] [-o FILE]\n"
    "\n"
    "Print the content of one entry, exactly as packed. An article seen in\n"
    "several versions prints its newest; --revision picks another.\n"
    "A title is matched as typed: exactly, then with '_' as space and the first\n"
    "letter's case ignored, then ignoring case and Unicode normalization;\n"
    "aliases (redirects, other spellings) lead to their article.\n"
    "Each wiki numbers its own pages: when articles of several wikis have the\n"
    "page ID, they are listed (exit 3) and --wiki or --lang picks one.\n"
    "\n"
    "options:\n"
    "  -i, --id N           page ID\n"
    CLI_SCOPE_HELP
    CLI_FOLLOW_HELP
    "  -t, --title TITLE    title or alias\n"
    "  -u, --url URL        article URL, e.g. https://en.wikipedia.org/wiki/Twisted_(software)\n"
    "  -p, --path PATH      path inside the archive\n"
    "  -r, --revision TIME  the version last updated at TIME (as `list --revisions` shows it);\n"
    "                       'all' prints every version, newest first, each after a\n"
    "                       '==> PATH (TIME) <==' line (with its revision ID,\n"
    "                       contributor and comment when the archive has them)\n"
    "  -o, --output FILE    write to FILE instead of stdout\n"
    "      --render text|html  a MediaWiki page rendered for reading (headings, lists,\n"
    "                       tables, links, notes; templates left out) instead of its\n"
    "                       stored wikitext; other entries are printed as stored\n"
    CLI_TRUST_HELP
    CLI_REMOTE_HELP
    "  -h, --help           show this help\n";

/* --render: 't' text, 'h' HTML, 0 the stored bytes. */
static int render_mode;

/* Shown one line: line breaks and tabs as spaces, control characters as \xHH. */
static void put_line(FILE *f, const char *s) { cli_put_safe(f, s, strlen(s), CLI_BLANKS_AS_SPACE); }

/* "==> PATH (TIME; revision ID by WHO: COMMENT) <==", what is known of it. */
static void version_header(FILE *f, const wpk_entry *e)
{
    char when[40];
    cli_format_updated(e, when, sizeof when);
    fputs("==> ", f);
    put_line(f, e->path);
    fprintf(f, " (%s", when);
    if (e->has_revision_id || e->contributor || e->comment) fputs(";", f);
    if (e->has_revision_id) fprintf(f, " revision %llu", (unsigned long long)e->revision_id);
    if (e->contributor) {
        fputs(" by ", f);
        put_line(f, e->contributor);
    }
    if (e->comment) {
        fputs(e->has_revision_id || e->contributor ? ": " : " ", f);
        put_line(f, e->comment);
    }
    fputs(") <==\n", f);
}

/* The stored bytes to f as they are decompressed. */
static int put_piece(void *ctx, const void *p, size_t n) { return fwrite(p, 1, n, ctx) == n ? 0 : WPK_E_IO; }

static int write_rendered(wpk_reader *r, const wpk_entry *e, FILE *f, const char *name, int header)
{
    if (e->size > WT_MAX_INPUT) {
        cli_error("\"%s\" is %llu bytes of wikitext, more than the %u MiB --render takes; get it without --render",
                  e->path, (unsigned long long)e->size, WT_MAX_INPUT >> 20);
        return CLI_EXIT_RESOURCE;
    }
    wpk_error err;
    memset(&err, 0, sizeof err);
    void *data = NULL;
    int rc = wpk_reader_read_alloc(r, e, &data, 1, &err);
    if (rc) return cli_fail(&err, rc);
    wt_buf out = {0};
    wt_opts none = {NULL, NULL, NULL};
    int bad = render_mode == 'h' ? wt_render_html(data, e->size, &none, &out) : wt_render_text(data, e->size, &out);
    wpk_free(data);
    if (bad) {
        wt_buf_free(&out);
        cli_error("out of memory rendering \"%s\"", e->path);
        return CLI_EXIT_RESOURCE;
    }
    if (header) version_header(f, e);
    bad = fwrite(out.p ? out.p : "", 1, out.len, f) != out.len;
    wt_buf_free(&out);
    if (bad) {
        cli_error("%s: write failed: %s", name, strerror(errno));
        return CLI_EXIT_IO;
    }
    return CLI_EXIT_OK;
}

/* The stored bytes are streamed: an entry of any size takes a bounded
 * amount of memory (its block, not its content). */
static int write_entry(wpk_reader *r, const wpk_entry *e, FILE *f, const char *name, int header)
{
    if (render_mode && e->mime && !strcmp(e->mime, "text/x-wiki")) return write_rendered(r, e, f, name, header);
    if (header) version_header(f, e);
    wpk_error err;
    memset(&err, 0, sizeof err);
    errno = 0;
    int rc = wpk_reader_read_stream(r, e, put_piece, f, &err);
    if (rc == WPK_E_IO && ferror(f)) {
        cli_error("%s: write failed: %s", name, strerror(errno));
        return CLI_EXIT_IO;
    }
    if (rc) return cli_fail(&err, rc);
    if (header && fputc('\n', f) == EOF) {
        cli_error("%s: write failed: %s", name, strerror(errno));
        return CLI_EXIT_IO;
    }
    return CLI_EXIT_OK;
}

/* The versions of the article `e` belongs to, newest first (current first). */
static int for_each_version(wpk_reader *r, const char *archive, const wpk_entry *e, int (*fn)(void *, wpk_entry *),
                            void *ctx)
{
    wpk_error err;
    memset(&err, 0, sizeof err);
    wpk_entry *cur = NULL;
    int rc = wpk_reader_current(r, e, &cur, &err);
    if (rc) return cli_fail(&err, rc);
    int code = fn(ctx, cur);
    for (size_t i = 0; i < cur->n_revisions && code == CLI_EXIT_OK; i++) {
        wpk_entry *v = NULL;
        rc = wpk_reader_entry_at(r, cur->revisions[i], &v, &err);
        if (!rc && (!v->is_revision || v->current_entry != cur->entry_number)) {
            /* The archive contradicts itself: refused, as verify reports it. */
            cli_error("%s: entry %llu (\"%s\") lists entry %llu as an older version, which does not name it as its "
                      "current version (damaged archive)", archive, (unsigned long long)cur->entry_number,
                      cur->path, (unsigned long long)v->entry_number);
            code = CLI_EXIT_DAMAGED;
        } else code = rc ? cli_fail(&err, rc) : fn(ctx, v);
        wpk_entry_free(v);
    }
    wpk_entry_free(cur);
    return code;
}

typedef struct pick { int64_t when; wpk_entry *found; wpk_reader *r; FILE *f; const char *name; } pick;

static int pick_by_time(void *ctx, wpk_entry *v)
{
    pick *p = ctx;
    if (!p->found && v->has_updated && v->updated_us == p->when) {
        wpk_error err;
        if (wpk_reader_entry_at(p->r, v->entry_number, &p->found, &err) != 0) p->found = NULL;
    }
    return CLI_EXIT_OK;
}

static int print_version(void *ctx, wpk_entry *v)
{
    pick *p = ctx;
    return write_entry(p->r, v, p->f, p->name, 1);
}

static int list_version(void *ctx, wpk_entry *v)
{
    (void)ctx;
    char when[40];
    cli_format_updated(v, when, sizeof when);
    fprintf(stderr, "  %s  %s\n", when, v->path);
    return CLI_EXIT_OK;
}

int cli_cmd_get(int argc, char **argv)
{
    static const struct option opts[] = {
        {"id", required_argument, NULL, 'i'},       {"title", required_argument, NULL, 't'},
        {"url", required_argument, NULL, 'u'},      {"path", required_argument, NULL, 'p'},
        {"revision", required_argument, NULL, 'r'}, {"output", required_argument, NULL, 'o'},
        {"wiki", required_argument, NULL, 'w'},     {"lang", required_argument, NULL, 'L'},
        {"no-follow", no_argument, NULL, CLI_OPT_NO_FOLLOW}, {"render", required_argument, NULL, CLI_OPT_RENDER},
        CLI_TRUST_LONGOPTS, CLI_REMOTE_LONGOPTS, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
    };
    cli_selector sel = {0, NULL, NULL, NULL, 0};
    const char *out_path = NULL, *revision = NULL;
    int ch, selectors = 0;
    while ((ch = getopt_long(argc, argv, "i:t:u:p:r:o:w:L:h", opts, NULL)) != -1) {
        switch (ch) {
        case 'i': case 't': case 'u': case 'p': sel.kind = (char)ch; sel.value = optarg; selectors++; break;
        case 'w': sel.wiki = optarg; break;
        case 'L': sel.lang = optarg; break;
        case 'r': revision = optarg; break;
        case 'o': out_path = optarg; break;
        case CLI_OPT_NO_FOLLOW: sel.no_follow = 1; break;
        case CLI_OPT_RENDER:
            if (!strcmp(optarg, "text")) render_mode = 't';
            else if (!strcmp(optarg, "html")) render_mode = 'h';
            else {
                cli_error("--render wants text or html");
                return CLI_EXIT_USAGE;
            }
            break;
        case CLI_OPT_PUBKEY: {
            int code = cli_trust_option(optarg);
            if (code) return code;
            break;
        }
        default: {
            int done = cli_common_option(ch, optarg, get_usage);
            if (done != CLI_GO_ON) return done;
        }
        }
    }
    if (optind + 1 != argc || selectors != 1) {
        cli_error("get: give one ARCHIVE and exactly one of --id, --title, --url, --path");
        fputs(get_usage, stderr);
        return CLI_EXIT_USAGE;
    }
    if ((sel.wiki || sel.lang) && sel.kind != 'i') {
        cli_error("get: --wiki and --lang choose among the articles of one page ID: give them with --id");
        return CLI_EXIT_USAGE;
    }
    int64_t when = 0;
    int all = revision && !strcmp(revision, "all");
    if (revision && !all && imp_parse_time(revision, strlen(revision), &when) != 0) {
        cli_error("--revision wants a time such as 2024-12-15T04:18:51Z (as `list --revisions` prints it), or 'all'");
        return CLI_EXIT_USAGE;
    }
    wpk_reader *r;
    int code = cli_open(argv[optind], &r);
    if (code) return code;
    wpk_error err;
    memset(&err, 0, sizeof err);
    wpk_entry *e = NULL;
    int rc = cli_lookup(r, &sel, &e, &err);
    FILE *f = NULL;
    const char *name = out_path ? out_path : "stdout";
    if (rc) code = cli_fail(&err, rc);
    else if (!(f = out_path ? fopen(out_path, "wb") : stdout)) {
        cli_error("%s: %s", out_path, strerror(errno));
        code = CLI_EXIT_IO;
    } else {
        pick p = {when, NULL, r, f, name};
        if (all) {
            code = for_each_version(r, argv[optind], e, print_version, &p);
        } else if (revision) {
            code = for_each_version(r, argv[optind], e, pick_by_time, &p);
            if (!code && !p.found) {
                cli_error("no version of \"%s\" was updated at %s; its versions are:", e->title ? e->title : e->path,
                          revision);
                for_each_version(r, argv[optind], e, list_version, NULL);
                code = CLI_EXIT_NOTFOUND;
            } else if (!code) {
                code = write_entry(r, p.found, f, name, 0);
            }
            wpk_entry_free(p.found);
        } else {
            code = write_entry(r, e, f, name, 0);
        }
        if ((f == stdout ? fflush(f) : fclose(f)) != 0 && !code) {
            cli_error("%s: write failed: %s", name, strerror(errno));
            code = CLI_EXIT_IO;
        }
    }
    wpk_entry_free(e);
    wpk_reader_close(r);
    return code;
}
