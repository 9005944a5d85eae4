/* cmd_find.c - `wikipack find`: titles that start with a prefix. */
#include "cli_commands.h"
#include "cli_json.h"

#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char find_usage[] =
    "usage: wikipack find ARCHIVE PREFIX [--limit N] [--json]\n"
    "\n"
    "List the article titles and aliases that start with PREFIX, ignoring case,\n"
    "'_' versus space and Unicode normalization, in that folded order:\n"
    "  title, page ID, path  (tab-separated; an alias shows as 'ALIAS -> TITLE')\n"
    "\n"
    "options:\n"
    "  -n, --limit N   at most N results (default 100; 0 for all)\n"
    "      --json      a JSON array of {title, alias_of, page_id, path}\n"
    CLI_TRUST_HELP
    CLI_REMOTE_HELP;

typedef struct find_ctx { wpk_reader *r; int json; size_t n; int error; wpk_error err; } find_ctx;

static int print_hit(void *vctx, const char *title, int is_alias, uint64_t entry)
{
    find_ctx *c = vctx;
    wpk_entry *e;
    int rc = wpk_reader_entry_at(c->r, entry, &e, &c->err);
    if (rc) {
        c->error = rc;
        return 1;
    }
    if (c->json) {
        json_t *o = json_object();
        json_object_set_new(o, "title", cli_json_text(title, NULL));
        json_object_set_new(o, "alias_of", is_alias && e->title ? cli_json_text(e->title, NULL) : json_null());
        json_object_set_new(o, "page_id", e->has_page_id ? json_integer((json_int_t)e->page_id) : json_null());
        json_object_set_new(o, "path", cli_json_text(e->path, NULL));
        char *s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER);
        json_decref(o);
        if (s) printf("%s\n  %s", c->n ? "," : "[", s);
        free(s);
    } else {
        /* Archive strings, shown safe for a terminal (cli_put_safe). */
        cli_put_safe(stdout, title, strlen(title), CLI_BLANKS_AS_SPACE);
        if (is_alias) {
            const char *to = e->title ? e->title : e->path;
            fputs(" -> ", stdout);
            cli_put_safe(stdout, to, strlen(to), CLI_BLANKS_AS_SPACE);
        }
        if (e->has_page_id) printf("\t%llu", (unsigned long long)e->page_id);
        else fputs("\t-", stdout);
        fputc('\t', stdout);
        cli_put_safe(stdout, e->path, strlen(e->path), CLI_BLANKS_AS_SPACE);
        fputc('\n', stdout);
    }
    c->n++;
    wpk_entry_free(e);
    return 0;
}

int cli_cmd_find(int argc, char **argv)
{
    static const struct option opts[] = {
        {"limit", required_argument, NULL, 'n'}, {"json", no_argument, NULL, 'J'},
        CLI_TRUST_LONGOPTS, CLI_REMOTE_LONGOPTS, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
    };
    find_ctx c;
    memset(&c, 0, sizeof c);
    uint64_t limit = 100;
    int ch;
    while ((ch = getopt_long(argc, argv, "n:h", opts, NULL)) != -1) {
        switch (ch) {
        case 'n':
            if (cli_parse_u64(optarg, &limit)) { cli_error("--limit wants a number"); return CLI_EXIT_USAGE; }
            break;
        case 'J': c.json = 1; break;
        case CLI_OPT_PUBKEY:
            if ((ch = cli_trust_option(optarg)) != 0) return ch;
            break;
        default: {
            int done = cli_common_option(ch, optarg, find_usage);
            if (done != CLI_GO_ON) return done;
        }
        }
    }
    int code = cli_open_operand(argc, argv, 2, find_usage, &c.r);
    if (code) return code;
    wpk_error err;
    memset(&err, 0, sizeof err);
    int rc = wpk_reader_find_prefix(c.r, argv[optind + 1], (size_t)limit, print_hit, &c, &err);
    if (c.json) fputs(c.n ? "\n]\n" : "[]\n", stdout);
    if (!rc && c.error) {
        rc = c.error;
        err = c.err;
    }
    if (rc) code = cli_fail(&err, rc);
    else if (c.n == 0 && !c.json) {
        cli_error("no title starts with \"%s\"", argv[optind + 1]);
        code = CLI_EXIT_NOTFOUND;
    }
    wpk_reader_close(c.r);
    return code;
}
