/* serve_pages.c - the HTML pages of `wikipack serve` other than articles:
 * the page skeleton, the list of archives, an archive's home page, search
 * results, categories and the random-article redirect. */
#include "serve.h"

#include <stdlib.h>
#include <string.h>

void page_begin(sbuf *b, const serve_archive *a, const char *title)
{
    sb_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
               "<link rel=\"icon\" href=\"data:,\">\n<title>");
    sb_html_str(b, title);
    if (a) {
        sb_puts(b, " \xE2\x80\x94 ");
        sb_html_str(b, a->name);
    }
    sb_printf(b, "</title>\n<link rel=\"stylesheet\" href=\"/-/style.css?v=%s\">\n"
                 "<script src=\"/-/app.js?v=%s\" defer></script>\n</head>\n<body>\n<header class=\"top\">\n",
              serve_assets_version, serve_assets_version);
    if (a) {
        sb_puts(b, "<a class=\"home\" href=\"/");
        sb_html_str(b, a->name);
        sb_puts(b, "/\">");
        sb_html_str(b, a->name);
        sb_puts(b, "</a>\n<form class=\"search\" role=\"search\" method=\"get\" action=\"/");
        sb_html_str(b, a->name);
        sb_puts(b, "/search\" data-suggest=\"/");
        sb_html_str(b, a->name);
        sb_puts(b, "/api/suggest\">\n<input type=\"search\" name=\"q\" id=\"q\" placeholder=\"Search titles\" "
                   "autocomplete=\"off\" aria-label=\"Search titles\" aria-controls=\"suggest\">"
                   "<button type=\"submit\">Go</button>\n<ul class=\"suggest\" id=\"suggest\" role=\"listbox\" hidden>"
                   "</ul>\n</form>\n<a class=\"random\" id=\"random\" href=\"/");
        sb_html_str(b, a->name);
        sb_puts(b, "/random\">Random article</a>\n");
    } else {
        sb_puts(b, "<a class=\"home\" href=\"/\">wikipack</a>\n");
    }
    sb_puts(b, "</header>\n<main>\n");
}

void page_end(sbuf *b)
{
    sb_puts(b, "</main>\n<footer>Served by wikipack. Article text from Wikipedia contributors, CC BY-SA 4.0, "
               "unless the archive says otherwise.</footer>\n</body>\n</html>\n");
}

/* 200 with a page ETag; non-zero when answered 304. */
static int page_cacheable(serve_req *q, const char *cache)
{
    char tag[17];
    serve_page_etag(q, tag);
    q->cache = cache;
    q->status = 200;
    return serve_etag(q, tag);
}

static void archive_stats(sbuf *b, const serve_archive *a)
{
    const wpk_archive_info *in = &a->info;
    if (in->has_summary)
        sb_printf(b, "%llu articles, %llu revisions, %llu aliases, %llu categories; ",
                  (unsigned long long)in->articles, (unsigned long long)in->revisions,
                  (unsigned long long)in->aliases, (unsigned long long)in->categories);
    sb_printf(b, "%llu entries in %llu bytes", (unsigned long long)in->entry_count,
              (unsigned long long)in->file_size);
}

int page_index(serve_req *q)
{
    q->cache = "no-cache";
    page_begin(&q->body, NULL, "Archives");
    sb_puts(&q->body, "<h1>Archives</h1>\n<ul class=\"archives\">\n");
    for (size_t i = 0; i < q->ctx->n; i++) {
        const serve_archive *a = &q->ctx->a[i];
        sb_puts(&q->body, "<li><a href=\"/");
        sb_html_str(&q->body, a->name);
        sb_puts(&q->body, "/\">");
        sb_html_str(&q->body, a->name);
        sb_puts(&q->body, "</a> <span class=\"stats\">");
        archive_stats(&q->body, a);
        sb_puts(&q->body, "</span></li>\n");
    }
    sb_puts(&q->body, "</ul>\n");
    page_end(&q->body);
    return 200;
}

static void link_entry(sbuf *b, const serve_archive *a, const wpk_entry *e, const char *label)
{
    sb_puts(b, "<li><a href=\"");
    sbuf u = {0};
    serve_url_article(&u, a, e);
    sb_html_str(b, u.p);
    sb_free(&u);
    sb_puts(b, "\">");
    sb_html_str(b, label ? label : e->title ? e->title : e->path);
    sb_puts(b, "</a></li>\n");
}

#define HOME_PAGE_ITEMS 100
#define HOME_SCAN_MAX 2000

int page_home(serve_req *q)
{
    const serve_archive *a = q->a;
    int bad = 0;
    uint64_t start = 0;
    char *s = query_get(q->query, "start", &bad);
    if (bad || (s && (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 19))) {
        free(s);
        return serve_error(q, 400, "start wants an entry number.");
    }
    if (s) start = strtoull(s, NULL, 10);
    free(s);
    if (page_cacheable(q, "public, max-age=300")) return 304;
    sbuf *b = &q->body;
    page_begin(b, a, "Home");
    sb_puts(b, "<h1>");
    sb_html_str(b, a->name);
    sb_puts(b, "</h1>\n<p class=\"stats\">");
    archive_stats(b, a);
    sb_puts(b, ".</p>\n<p>Type in the search box for titles as you type, or open a <a href=\"/");
    sb_html_str(b, a->name);
    sb_puts(b, "/random\">random article</a>.</p>\n<h2>Articles</h2>\n<ul class=\"list\">\n");
    /* Current articles in path order, a page at a time; revisions skipped. */
    uint64_t n = start, shown = 0, count = a->info.entry_count;
    wpk_error err;
    for (; n < count && shown < HOME_PAGE_ITEMS && n - start < HOME_SCAN_MAX; n++) {
        wpk_entry *e;
        int rc = wpk_reader_entry_at(a->r, n, &e, &err);
        if (rc) return serve_wpk_error(q, rc, &err);
        if (!e->is_revision) {
            link_entry(b, a, e, NULL);
            shown++;
        }
        wpk_entry_free(e);
    }
    sb_puts(b, "</ul>\n");
    if (n < count) {
        sb_puts(b, "<p class=\"more\"><a href=\"/");
        sb_html_str(b, a->name);
        sb_printf(b, "/?start=%llu\">More articles</a></p>\n", (unsigned long long)n);
    }
    page_end(b);
    return 200;
}

typedef struct list_ctx { sbuf *b; const serve_archive *a; size_t n; } list_ctx;

static int list_title(void *ctx, const char *title, int is_alias, uint64_t entry)
{
    list_ctx *c = ctx;
    sb_puts(c->b, "<li><a href=\"");
    sbuf u = {0};
    serve_url_title(&u, c->a, title);
    sb_html_str(c->b, u.p);
    sb_free(&u);
    sb_puts(c->b, "\">");
    sb_html_str(c->b, title);
    sb_puts(c->b, "</a>");
    if (is_alias) sb_puts(c->b, " <span class=\"alias\">(alias)</span>");
    sb_puts(c->b, "</li>\n");
    c->n++;
    return 0;
}

/* A category page lists at most this many articles. */
#define CATEGORY_MAX 5000

/* Category members are listed under the article's own title. */
static int list_member(void *ctx, const char *category, int is_alias, uint64_t entry)
{
    list_ctx *c = ctx;
    if (c->n >= CATEGORY_MAX) return 1;
    wpk_entry *e;
    wpk_error err;
    if (wpk_reader_entry_at(c->a->r, entry, &e, &err) != 0) return 0;
    link_entry(c->b, c->a, e, NULL);
    wpk_entry_free(e);
    c->n++;
    return 0;
}

int page_category(serve_req *q)
{
    char *name = url_decode(q->rest, strlen(q->rest), 0, 1);
    if (!name) return serve_error(q, 400, "Malformed category name.");
    if (!*name) { free(name); return serve_error(q, 404, "No category named."); }
    if (page_cacheable(q, "public, max-age=300")) { free(name); return 304; }
    sbuf list = {0};
    list_ctx c = {&list, q->a, 0};
    wpk_error err;
    int rc = wpk_reader_category(q->a->r, name, list_member, &c, &err);
    if (rc > 0) rc = 0; /* stopped at CATEGORY_MAX */
    if (rc == 0 && c.n == 0 && strchr(q->rest, '_')) {
        /* The name may really hold underscores. */
        char *raw = url_decode(q->rest, strlen(q->rest), 0, 0);
        if (raw) rc = wpk_reader_category(q->a->r, raw, list_member, &c, &err);
        if (rc > 0) rc = 0;
        if (raw && c.n) { free(name); name = raw; } else free(raw);
    }
    if (rc || c.n == 0) {
        sb_free(&list);
        free(name);
        if (rc && rc != WPK_E_NOTFOUND && rc != WPK_E_FORMAT) return serve_wpk_error(q, rc, &err);
        return serve_error(q, 404, "No articles in that category.");
    }
    sbuf *b = &q->body;
    page_begin(b, q->a, name);
    sb_puts(b, "<h1>");
    sb_html_str(b, name);
    sb_printf(b, "</h1>\n<p class=\"stats\">%s%zu article%s</p>\n<ul class=\"list\">\n",
              c.n >= CATEGORY_MAX ? "the first " : "", c.n, c.n == 1 ? "" : "s");
    sb_add(b, list.p ? list.p : "", list.n);
    sb_puts(b, "</ul>\n");
    page_end(b);
    if (list.oom) b->oom = 1;
    sb_free(&list);
    free(name);
    return 200;
}

#define SEARCH_LIMIT 100

int page_search(serve_req *q)
{
    int bad = 0;
    char *text = query_get(q->query, "q", &bad);
    if (bad) return serve_error(q, 400, "Malformed search.");
    if (!text || !*text) {
        free(text);
        sbuf u = {0};
        sb_printf(&u, "/%s/", q->a->name);
        return serve_redirect(q, 302, sb_take(&u, NULL));
    }
    serve_match m[16];
    wpk_match_level level;
    wpk_error err;
    int n = serve_match_title(q->a, text, m, 16, &level, &err);
    if (n < 0) { free(text); return serve_wpk_error(q, n, &err); }
    if (n == 1) {
        /* One article by that title: go there. */
        wpk_entry *e;
        int rc = wpk_reader_entry_at(q->a->r, m[0].entry, &e, &err);
        free(text);
        if (rc) return serve_wpk_error(q, rc, &err);
        sbuf u = {0};
        serve_url_article(&u, q->a, e);
        wpk_entry_free(e);
        return serve_redirect(q, 302, sb_take(&u, NULL));
    }
    if (page_cacheable(q, "public, max-age=300")) { free(text); return 304; }
    sbuf *b = &q->body;
    page_begin(b, q->a, "Search");
    sb_puts(b, "<h1>Search: ");
    sb_html_str(b, text);
    sb_puts(b, "</h1>\n");
    list_ctx c = {b, q->a, 0};
    if (n > 1) {
        sb_puts(b, "<h2>Articles with that title</h2>\n<ul class=\"list\">\n");
        for (int i = 0; i < n; i++) {
            wpk_entry *e;
            if (wpk_reader_entry_at(q->a->r, m[i].entry, &e, &err) != 0) continue;
            link_entry(b, q->a, e, NULL);
            wpk_entry_free(e);
        }
        sb_puts(b, "</ul>\n");
    }
    sb_puts(b, "<h2>Titles starting so</h2>\n<ul class=\"list\">\n");
    int rc = wpk_reader_find_prefix(q->a->r, text, SEARCH_LIMIT, list_title, &c, &err);
    free(text);
    if (rc && rc != WPK_E_NOTFOUND) return serve_wpk_error(q, rc, &err);
    sb_puts(b, "</ul>\n");
    if (c.n == 0 && n == 0) sb_puts(b, "<p>Nothing found.</p>\n");
    page_end(b);
    return 200;
}

int page_random(serve_req *q)
{
    wpk_entry *e;
    wpk_error err;
    int rc = serve_random_entry(q->a, &e, &err);
    if (rc) return serve_wpk_error(q, rc, &err);
    sbuf u = {0};
    serve_url_article(&u, q->a, e);
    wpk_entry_free(e);
    q->cache = "no-store";
    return serve_redirect(q, 302, sb_take(&u, NULL));
}
