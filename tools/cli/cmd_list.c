/* cmd_list.c - `wikipack list`: one line (or JSON object) per entry. */
#include "cli_commands.h"
#include "cli_json.h"

#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char list_usage[] =
    "usage: wikipack list ARCHIVE [--revisions] [--category NAME] [--json]\n"
    "\n"
    "List entries in path order, one per line, tab-separated:\n"
    "  page ID, title, path, size in bytes, last-updated time (UTC), language,\n"
    "  kind (article, redirect, revision or file), categories ('; '-separated)\n"
    "with '-' for a field the entry does not have. Older versions of an article\n"
    "(revisions) are left out unless --revisions is given; with it, each line\n"
    "goes on with the version's revision ID, contributor and comment (MediaWiki).\n"
    "\n"
    "options:\n"
    "      --revisions      include older versions of articles\n"
    "  -c, --category NAME  only the articles in category NAME (e.g. \"Category:Web frameworks\")\n"
    "      --json           a JSON array of objects with the same fields, and the URL,\n"
    "                       media type, MediaWiki namespace and wiki (e.g. enwiki)\n"
    CLI_TRUST_HELP
    CLI_REMOTE_HELP;

typedef struct list_ctx { int json, revisions; size_t n; wpk_reader *r; int error; wpk_error err; } list_ctx;

static void put_field(const char *s)
{
    /* Tabs and newlines would break the columns: shown as spaces; other
     * control characters as \xHH (cli_put_safe). */
    if (!s || !*s) {
        fputs("-", stdout);
        return;
    }
    cli_put_safe(stdout, s, strlen(s), CLI_BLANKS_AS_SPACE);
}

static const char *kind_of(const wpk_entry *e)
{
    if (e->is_revision) return "revision";
    if (e->redirect) return "redirect";
    return e->has_page_id || e->title ? "article" : "file";
}

static void print_json(list_ctx *c, const wpk_entry *e, const char *updated)
{
    /* Every key, always; strings that are not UTF-8 with U+FFFD for their
     * bad bytes, their keys listed in "not_utf8". */
    json_t *o = json_object(), *bad = json_array();
    cli_json_set_text(o, "path", e->path, bad);
    json_object_set_new(o, "page_id", e->has_page_id ? json_integer((json_int_t)e->page_id) : json_null());
    cli_json_set_text(o, "title", e->title, bad);
    json_object_set_new(o, "size", json_integer((json_int_t)e->size));
    json_object_set_new(o, "updated", e->has_updated ? json_string(updated) : json_null());
    cli_json_set_text(o, "language", e->language, bad);
    json_object_set_new(o, "kind", json_string(kind_of(e)));
    json_t *cats = json_array();
    for (size_t i = 0; i < e->n_categories; i++) {
        int replaced = 0;
        json_array_append_new(cats, cli_json_text(e->categories[i], &replaced));
        if (replaced && i == 0) json_array_append_new(bad, json_string("categories"));
    }
    json_object_set_new(o, "categories", cats);
    cli_json_set_text(o, "url", e->url, bad);
    cli_json_set_text(o, "mime", e->mime, bad);
    if (e->has_ns) json_object_set_new(o, "namespace", json_integer((json_int_t)e->ns));
    cli_json_set_text(o, "wiki", e->wiki, bad);
    if (e->redirect) cli_json_set_text(o, "redirect", e->redirect, bad);
    /* JSON integers here are signed 64-bit: a larger ID (none in Wikimedia's dumps) is left out. */
    if (e->has_revision_id && e->revision_id <= INT64_MAX)
        json_object_set_new(o, "revision_id", json_integer((json_int_t)e->revision_id));
    if (e->contributor) cli_json_set_text(o, "contributor", e->contributor, bad);
    if (e->comment) cli_json_set_text(o, "comment", e->comment, bad);
    if (json_array_size(bad)) json_object_set_new(o, "not_utf8", bad);
    else json_decref(bad);
    char *s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (s) printf("%s\n  %s", c->n ? "," : "[", s);
    free(s);
}

static int print_entry(void *vctx, const wpk_entry *e)
{
    list_ctx *c = vctx;
    if (e->is_revision && !c->revisions) return 0;
    char updated[40];
    cli_format_updated(e, updated, sizeof updated);
    if (c->json) {
        print_json(c, e, updated);
    } else {
        if (e->has_page_id) printf("%llu", (unsigned long long)e->page_id);
        else fputs("-", stdout);
        putchar('\t');
        put_field(e->title);
        putchar('\t');
        put_field(e->path);
        printf("\t%llu\t%s\t", (unsigned long long)e->size, updated);
        put_field(e->language);
        printf("\t%s\t", kind_of(e));
        if (e->n_categories == 0) fputs("-", stdout);
        for (size_t i = 0; i < e->n_categories; i++) {
            if (i) fputs("; ", stdout);
            put_field(e->categories[i]);
        }
        if (c->revisions) {
            if (e->has_revision_id) printf("\t%llu\t", (unsigned long long)e->revision_id);
            else fputs("\t-\t", stdout);
            put_field(e->contributor);
            putchar('\t');
            put_field(e->comment);
        }
        putchar('\n');
    }
    c->n++;
    return 0;
}

static int print_member(void *vctx, const char *category, int is_alias, uint64_t entry)
{
    (void)category;
    (void)is_alias;
    list_ctx *c = vctx;
    wpk_entry *e;
    int rc = wpk_reader_entry_at(c->r, entry, &e, &c->err);
    if (rc) {
        c->error = rc;
        return 1;
    }
    print_entry(c, e);
    wpk_entry_free(e);
    return 0;
}

int cli_cmd_list(int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'J'},          {"revisions", no_argument, NULL, 'R'},
        {"category", required_argument, NULL, 'c'}, CLI_TRUST_LONGOPTS, CLI_REMOTE_LONGOPTS, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    list_ctx c;
    memset(&c, 0, sizeof c);
    const char *category = NULL;
    int ch;
    while ((ch = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
        switch (ch) {
        case 'J': c.json = 1; break;
        case 'R': c.revisions = 1; break;
        case 'c': category = optarg; break;
        case CLI_OPT_PUBKEY:
            if ((ch = cli_trust_option(optarg)) != 0) return ch;
            break;
        default: {
            int done = cli_common_option(ch, optarg, list_usage);
            if (done != CLI_GO_ON) return done;
        }
        }
    }
    int code = cli_open_operand(argc, argv, 1, list_usage, &c.r);
    if (code) return code;
    wpk_error err;
    memset(&err, 0, sizeof err);
    int rc = category ? wpk_reader_category(c.r, category, print_member, &c, &err)
                      : wpk_reader_foreach(c.r, print_entry, &c, &err);
    if (!rc && c.error) {
        rc = c.error;
        err = c.err;
    }
    if (c.json) fputs(c.n ? "\n]\n" : "[]\n", stdout);
    if (rc && !err.message[0]) cli_set_error(&err, rc, "out of memory");
    if (rc) code = cli_fail(&err, rc);
    else if (category && c.n == 0) {
        cli_error("no article in \"%s\"", category);
        code = CLI_EXIT_NOTFOUND;
    }
    wpk_reader_close(c.r);
    if (fflush(stdout) != 0) return CLI_EXIT_IO;
    return code;
}
