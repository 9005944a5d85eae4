/* cmd_list.c - `wikipack list`: one line (or JSON object) per entry. */
#include "cli.h"

#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char list_usage[] =
    "usage: wikipack list ARCHIVE [--json]\n"
    "\n"
    "List entries in path order, one per line, tab-separated:\n"
    "  page ID, title, path, size in bytes, last-updated time (UTC)\n"
    "with '-' for a field the entry does not have. --json prints a JSON array of\n"
    "objects with page_id, title, path, size, updated, language, url, mime.\n";

typedef struct list_ctx { int json; size_t n; } list_ctx;

static void put_field(const char *s)
{
    /* Tabs and newlines would break the columns: show them as spaces. */
    if (!s || !*s) {
        fputs("-", stdout);
        return;
    }
    for (; *s; s++) putchar(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s);
}

static int print_entry(void *vctx, const wpk_entry *e)
{
    list_ctx *c = vctx;
    char updated[40];
    cli_format_updated(e, updated, sizeof updated);
    if (!c->json) {
        if (e->has_page_id) printf("%llu", (unsigned long long)e->page_id);
        else fputs("-", stdout);
        putchar('\t');
        put_field(e->title);
        putchar('\t');
        put_field(e->path);
        printf("\t%llu\t%s\n", (unsigned long long)e->size, updated);
        return 0;
    }
    json_t *o = json_object();
    json_object_set_new(o, "path", json_string(e->path));
    json_object_set_new(o, "page_id", e->has_page_id ? json_integer((json_int_t)e->page_id) : json_null());
    json_object_set_new(o, "title", e->title ? json_string(e->title) : json_null());
    json_object_set_new(o, "size", json_integer((json_int_t)e->size));
    json_object_set_new(o, "updated", e->has_updated ? json_string(updated) : json_null());
    json_object_set_new(o, "language", e->language ? json_string(e->language) : json_null());
    json_object_set_new(o, "url", e->url ? json_string(e->url) : json_null());
    json_object_set_new(o, "mime", e->mime ? json_string(e->mime) : json_null());
    char *s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (!s) return WPK_E_NOMEM;
    printf("%s\n  %s", c->n ? "," : "[", s);
    free(s);
    c->n++;
    return 0;
}

int cmd_list(int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'J'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
    };
    list_ctx c = {0, 0};
    int ch;
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (ch) {
        case 'J': c.json = 1; break;
        case 'h': fputs(list_usage, stdout); return EXIT_OK;
        default: fputs(list_usage, stderr); return EXIT_USAGE;
        }
    }
    if (optind + 1 != argc) {
        fputs(list_usage, stderr);
        return EXIT_USAGE;
    }
    wpk_reader *r;
    int code = cli_open(argv[optind], &r);
    if (code) return code;
    wpk_error err;
    memset(&err, 0, sizeof err);
    int rc = wpk_reader_foreach(r, print_entry, &c, &err);
    if (c.json) fputs(c.n ? "\n]\n" : "[]\n", stdout);
    if (rc && !err.message[0]) cli_set_error(&err, rc, "out of memory");
    if (rc) code = cli_fail(&err, rc);
    wpk_reader_close(r);
    if (fflush(stdout) != 0) return EXIT_IO;
    return code;
}
