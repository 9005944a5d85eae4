/* cmd_search.c - `wikipack search`: articles by the words of their text, best first, with snippets. */
#include "cli_commands.h"
#include "cli_json.h"

#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char search_usage[] =
    "usage: wikipack search ARCHIVE QUERY [--limit N] [--offset N] [--json]\n"
    "\n"
    "Search the articles' text and titles, best match first (BM25, title matches\n"
    "weighted up; one result an article, never an older version or a copy):\n"
    "  title, page ID, path  (tab-separated), then the snippet, matches in [brackets]\n"
    "QUERY: words (all must match), \"exact phrases\", prefix* words, -excluded words\n"
    "(a query starting with '-' goes after '--': wikipack search A -- '-x y');\n"
    "case, accents and Unicode forms do not matter, and words match their other forms\n"
    "(stemming in the query's language).\n"
    "\n"
    "options:\n"
    "  -n, --limit N    at most N results (default 10, at most 1000)\n"
    "      --offset N   skip the first N results (paging)\n"
    "  -L, --lang LANG  the query's language (default: the archive's most common)\n"
    "      --no-snippets  titles only: no article is read\n"
    "      --json       one JSON object: {query, matches, results: [{title, page_id,\n"
    "                   path, score, snippet, marks: [[byte, length], ...]}]}\n"
    CLI_TRUST_HELP
    CLI_REMOTE_HELP;

enum { OPT_OFFSET = 0x300, OPT_NO_SNIPPETS };

/* The snippet with its marks in [brackets] (bold on a terminal), safe for a terminal. */
static void put_snippet(const wpk_search_hit *h, int tty)
{
    const char *s = h->snippet;
    size_t at = 0, len = strlen(s);
    fputs("    ", stdout);
    for (uint32_t m = 0; m < h->mark_count; m++) {
        const wpk_search_mark *k = &h->marks[m];
        if (k->at < at || k->at + k->len > len) continue;
        cli_put_safe(stdout, s + at, k->at - at, CLI_BLANKS_AS_SPACE);
        fputs(tty ? "\033[1m" : "[", stdout);
        cli_put_safe(stdout, s + k->at, k->len, CLI_BLANKS_AS_SPACE);
        fputs(tty ? "\033[0m" : "]", stdout);
        at = k->at + k->len;
    }
    cli_put_safe(stdout, s + at, len - at, CLI_BLANKS_AS_SPACE);
    fputc('\n', stdout);
}

static json_t *hit_json(const wpk_search_hit *h, const wpk_entry *e)
{
    json_t *o = json_object();
    json_object_set_new(o, "title", e->title ? cli_json_text(e->title, NULL) : json_null());
    json_object_set_new(o, "page_id", e->has_page_id ? json_integer((json_int_t)e->page_id) : json_null());
    json_object_set_new(o, "path", cli_json_text(e->path, NULL));
    json_object_set_new(o, "score", json_real(h->score));
    json_object_set_new(o, "snippet", h->snippet ? cli_json_text(h->snippet, NULL) : json_null());
    json_t *marks = json_array();
    for (uint32_t m = 0; m < h->mark_count; m++)
        json_array_append_new(marks, json_pack("[II]", (json_int_t)h->marks[m].at, (json_int_t)h->marks[m].len));
    json_object_set_new(o, "marks", marks);
    return o;
}

static int print_results(wpk_reader *r, const char *query, const wpk_search_results *res, int json, wpk_error *err)
{
    json_t *list = json ? json_array() : NULL;
    int tty = !json && isatty(STDOUT_FILENO);
    for (uint32_t i = 0; i < res->count; i++) {
        const wpk_search_hit *h = &res->hits[i];
        wpk_entry *e;
        int rc = wpk_reader_entry_at(r, h->entry, &e, err);
        if (rc) {
            json_decref(list);
            return rc;
        }
        if (json) {
            json_array_append_new(list, hit_json(h, e));
        } else {
            const char *title = e->title ? e->title : e->path;
            cli_put_safe(stdout, title, strlen(title), CLI_BLANKS_AS_SPACE);
            if (e->has_page_id) printf("\t%llu\t", (unsigned long long)e->page_id);
            else fputs("\t-\t", stdout);
            cli_put_safe(stdout, e->path, strlen(e->path), CLI_BLANKS_AS_SPACE);
            fputc('\n', stdout);
            if (h->snippet) put_snippet(h, tty);
        }
        wpk_entry_free(e);
    }
    if (json) {
        json_t *o = json_object();
        json_object_set_new(o, "query", cli_json_text(query, NULL));
        json_object_set_new(o, "matches", json_integer((json_int_t)res->matches));
        json_object_set_new(o, "results", list);
        char *s = json_dumps(o, JSON_INDENT(1) | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER);
        json_decref(o);
        if (s) puts(s);
        free(s);
    }
    return WPK_OK;
}

int cli_cmd_search(int argc, char **argv)
{
    static const struct option opts[] = {
        {"limit", required_argument, NULL, 'n'},        {"offset", required_argument, NULL, OPT_OFFSET},
        {"lang", required_argument, NULL, 'L'},          {"no-snippets", no_argument, NULL, OPT_NO_SNIPPETS},
        {"json", no_argument, NULL, 'J'},                CLI_TRUST_LONGOPTS,
        CLI_REMOTE_LONGOPTS,                             {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    wpk_search_opts so = WPK_SEARCH_OPTS_INIT;
    so.snippets = 1;
    int json = 0, ch;
    uint64_t v;
    while ((ch = getopt_long(argc, argv, "n:L:h", opts, NULL)) != -1) {
        switch (ch) {
        case 'n':
        case OPT_OFFSET:
            if (cli_parse_u64(optarg, &v) || v > WPK_SEARCH_MAX_LIMIT) {
                cli_error("--%s wants a number up to %u", ch == 'n' ? "limit" : "offset", WPK_SEARCH_MAX_LIMIT);
                return CLI_EXIT_USAGE;
            }
            if (ch == 'n') so.limit = (uint32_t)v;
            else so.offset = (uint32_t)v;
            break;
        case 'L': so.language = optarg; break;
        case OPT_NO_SNIPPETS: so.snippets = 0; break;
        case 'J': json = 1; break;
        case CLI_OPT_PUBKEY:
            if ((ch = cli_trust_option(optarg)) != 0) return ch;
            break;
        default: {
            int done = cli_common_option(ch, optarg, search_usage);
            if (done != CLI_GO_ON) return done;
        }
        }
    }
    if (so.limit == 0) so.limit = 10;
    wpk_reader *r;
    int code = cli_open_operand(argc, argv, 2, search_usage, &r);
    if (code) return code;
    const char *query = argv[optind + 1];
    wpk_error err;
    memset(&err, 0, sizeof err);
    wpk_search_results *res = NULL;
    int rc = wpk_reader_search(r, query, &so, &res, &err);
    if (!rc) rc = print_results(r, query, res, json, &err);
    if (rc) code = cli_fail(&err, rc);
    else if (res->count == 0 && !json) {
        cli_error("no article matches \"%s\"", query);
        code = CLI_EXIT_NOTFOUND;
    }
    wpk_search_results_free(res);
    wpk_reader_close(r);
    return code;
}
