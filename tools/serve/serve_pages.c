/* serve_pages.c - the HTML pages of `wikipack serve` other than articles */
/*
 * The list of archives, an archive's home page, title search results,
 * categories and the random-article redirect.
 */
#include "serve.h"

#include <stdlib.h>
#include <string.h>

/* 200 with a page ETag; non-zero when answered 304. */
static int page_cacheable(serve_req *q, const char *cache)
{
    char tag[17];
    serve_page_etag(q, tag);
    q->cache = cache;
    q->status = 200;
    return serve_etag(q, tag);
}

static void archive_stats(serve_buf *b, const serve_archive *a)
{
    const wpk_archive_info *in = &a->info;
    if (in->has_summary)
        serve_buf_printf(b, "%llu articles, %llu revisions, %llu aliases, %llu categories; ",
                         (unsigned long long)in->articles, (unsigned long long)in->revisions,
                         (unsigned long long)in->aliases, (unsigned long long)in->categories);
    serve_buf_printf(b, "%llu entries in %llu bytes", (unsigned long long)in->entry_count,
                     (unsigned long long)in->file_size);
}

int serve_page_index(serve_req *q)
{
    q->cache = "no-cache";
    serve_page_begin(&q->body, NULL, "Archives");
    serve_buf_puts(&q->body, "<h1>Archives</h1>\n<ul class=\"archives\">\n");
    for (size_t i = 0; i < q->ctx->n; i++) {
        const serve_archive *a = &q->ctx->a[i];
        serve_buf_puts(&q->body, "<li><a href=\"/");
        serve_buf_html_str(&q->body, a->name);
        serve_buf_puts(&q->body, "/\">");
        serve_buf_html_str(&q->body, a->name);
        serve_buf_puts(&q->body, "</a> <span class=\"stats\">");
        archive_stats(&q->body, a);
        serve_buf_puts(&q->body, "</span></li>\n");
    }
    serve_buf_puts(&q->body, "</ul>\n");
    serve_page_end(&q->body);
    return 200;
}

static void link_entry(serve_buf *b, const serve_archive *a, const wpk_entry *e, const char *label)
{
    serve_buf_puts(b, "<li><a href=\"");
    serve_buf u = {0};
    serve_url_article(&u, a, e);
    serve_buf_html_str(b, u.p);
    serve_buf_free(&u);
    serve_buf_puts(b, "\">");
    serve_buf_html_str(b, label ? label : e->title ? e->title : e->path);
    serve_buf_puts(b, "</a></li>\n");
}

#define HOME_PAGE_ITEMS 100
#define HOME_SCAN_MAX 2000

int serve_page_home(serve_req *q)
{
    const serve_archive *a = q->a;
    int bad = 0;
    uint64_t start = 0;
    char *s = serve_query_get(q->query, "start", &bad);
    if (bad || (s && (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 19))) {
        free(s);
        return serve_error(q, 400, "start wants an entry number.");
    }
    if (s) start = strtoull(s, NULL, 10);
    free(s);
    if (page_cacheable(q, "public, max-age=300")) return 304;
    serve_buf *b = &q->body;
    serve_page_begin(b, a, "Home");
    serve_buf_puts(b, "<h1>");
    serve_buf_html_str(b, a->name);
    serve_buf_puts(b, "</h1>\n<p class=\"stats\">");
    archive_stats(b, a);
    serve_buf_puts(b, ".</p>\n<p>Type in the search box for titles as you type, or open a <a href=\"/");
    serve_buf_html_str(b, a->name);
    serve_buf_puts(b, "/random\">random article</a>.</p>\n<h2>Articles</h2>\n<ul class=\"list\">\n");
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
    serve_buf_puts(b, "</ul>\n");
    if (n < count) {
        serve_buf_puts(b, "<p class=\"more\"><a href=\"/");
        serve_buf_html_str(b, a->name);
        serve_buf_printf(b, "/?start=%llu\">More articles</a></p>\n", (unsigned long long)n);
    }
    serve_page_end(b);
    return 200;
}

typedef struct list_ctx { serve_buf *b; const serve_archive *a; size_t n; } list_ctx;

static int list_title(void *ctx, const char *title, int is_alias, uint64_t entry)
{
    list_ctx *c = ctx;
    serve_buf_puts(c->b, "<li><a href=\"");
    serve_buf u = {0};
    serve_url_title(&u, c->a, title);
    serve_buf_html_str(c->b, u.p);
    serve_buf_free(&u);
    serve_buf_puts(c->b, "\">");
    serve_buf_html_str(c->b, title);
    serve_buf_puts(c->b, "</a>");
    if (is_alias) /* 2: a former title of the article */
        serve_buf_puts(c->b, is_alias == 2 ? " <span class=\"alias\">(former title)</span>" : " <span class=\"alias\">(alias)</span>");
    serve_buf_puts(c->b, "</li>\n");
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

int serve_page_category(serve_req *q)
{
    char *name = serve_url_decode(q->rest, strlen(q->rest), 0, 1);
    if (!name) return serve_error(q, 400, "Malformed category name.");
    if (!*name) { free(name); return serve_error(q, 404, "No category named."); }
    if (page_cacheable(q, "public, max-age=300")) { free(name); return 304; }
    serve_buf list = {0};
    list_ctx c = {&list, q->a, 0};
    wpk_error err;
    int rc = wpk_reader_category(q->a->r, name, list_member, &c, &err);
    if (rc > 0) rc = 0; /* stopped at CATEGORY_MAX */
    if (rc == 0 && c.n == 0 && strchr(q->rest, '_')) {
        /* The name may really hold underscores. */
        char *raw = serve_url_decode(q->rest, strlen(q->rest), 0, 0);
        if (raw) rc = wpk_reader_category(q->a->r, raw, list_member, &c, &err);
        if (rc > 0) rc = 0;
        if (raw && c.n) { free(name); name = raw; } else free(raw);
    }
    if (rc || c.n == 0) {
        serve_buf_free(&list);
        free(name);
        if (rc && rc != WPK_E_NOTFOUND && rc != WPK_E_FORMAT) return serve_wpk_error(q, rc, &err);
        return serve_error(q, 404, "No articles in that category.");
    }
    serve_buf *b = &q->body;
    serve_page_begin(b, q->a, name);
    serve_buf_puts(b, "<h1>");
    serve_buf_html_str(b, name);
    serve_buf_printf(b, "</h1>\n<p class=\"stats\">%s%zu article%s</p>\n<ul class=\"list\">\n",
                     c.n >= CATEGORY_MAX ? "the first " : "", c.n, c.n == 1 ? "" : "s");
    serve_buf_add(b, list.p ? list.p : "", list.n);
    serve_buf_puts(b, "</ul>\n");
    serve_page_end(b);
    if (list.oom) b->oom = 1;
    serve_buf_free(&list);
    free(name);
    return 200;
}

#define SEARCH_LIMIT 100

int serve_page_titles(serve_req *q, const char *text, const char *note)
{
    serve_match m[16];
    wpk_match_level level;
    wpk_error err;
    int n = serve_match_title(q->a, text, m, 16, &level, &err);
    if (n < 0) return serve_wpk_error(q, n, &err);
    if (n == 1) {
        /* One article by that title: go there. */
        wpk_entry *e;
        int rc = wpk_reader_entry_at(q->a->r, m[0].entry, &e, &err);
        if (rc) return serve_wpk_error(q, rc, &err);
        serve_buf u = {0};
        serve_url_article(&u, q->a, e);
        wpk_entry_free(e);
        return serve_redirect(q, 302, serve_buf_take(&u, NULL));
    }
    if (page_cacheable(q, "public, max-age=300")) return 304;
    serve_buf *b = &q->body;
    serve_page_begin(b, q->a, "Search");
    serve_buf_puts(b, "<h1>Search: ");
    serve_buf_html_str(b, text);
    serve_buf_puts(b, "</h1>\n");
    if (note) {
        serve_buf_puts(b, "<p class=\"note\">");
        serve_buf_html_str(b, note);
        serve_buf_puts(b, "</p>\n");
    }
    list_ctx c = {b, q->a, 0};
    if (n > 1) {
        serve_buf_puts(b, "<h2>Articles with that title</h2>\n<ul class=\"list\">\n");
        for (int i = 0; i < n; i++) {
            wpk_entry *e;
            if (wpk_reader_entry_at(q->a->r, m[i].entry, &e, &err) != 0) continue;
            link_entry(b, q->a, e, NULL);
            wpk_entry_free(e);
        }
        serve_buf_puts(b, "</ul>\n");
    }
    serve_buf_puts(b, "<h2>Titles starting so</h2>\n<ul class=\"list\">\n");
    int rc = wpk_reader_find_prefix(q->a->r, text, SEARCH_LIMIT, list_title, &c, &err);
    if (rc && rc != WPK_E_NOTFOUND) return serve_wpk_error(q, rc, &err);
    serve_buf_puts(b, "</ul>\n");
    if (c.n == 0 && n == 0) serve_buf_puts(b, "<p>Nothing found.</p>\n");
    serve_page_end(b);
    return 200;
}

int serve_page_random(serve_req *q)
{
    wpk_entry *e;
    wpk_error err;
    int rc = serve_random_entry(q->a, &e, &err);
    if (rc) return serve_wpk_error(q, rc, &err);
    serve_buf u = {0};
    serve_url_article(&u, q->a, e);
    wpk_entry_free(e);
    q->cache = "no-store";
    return serve_redirect(q, 302, serve_buf_take(&u, NULL));
}
