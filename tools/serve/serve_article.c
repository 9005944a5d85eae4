/* serve_article.c - article pages (by title, page ID or path) with their metadata, and raw entries */
/* Raw entries are served with their media type. */
#include "cli.h"
#include "serve.h"
#include "wikitext_html.h"

#include <stdlib.h>
#include <string.h>

static void meta_row(serve_buf *b, const char *key, const char *cls, const char *value)
{
    serve_buf_printf(b, "<tr class=\"%s\"><th>%s</th><td>", cls, key);
    serve_buf_html_str(b, value);
    serve_buf_puts(b, "</td></tr>\n");
}

static void render_meta(serve_buf *b, const serve_archive *a, wpk_reader *r, const wpk_entry *e)
{
    char when[40];
    serve_buf_puts(b, "<table class=\"meta\">\n");
    if (e->has_page_id) {
        char id[24];
        snprintf(id, sizeof id, "%llu", (unsigned long long)e->page_id);
        meta_row(b, "Page ID", "page-id", id);
    }
    if (e->language) meta_row(b, "Language", "language", e->language);
    if (e->wiki) meta_row(b, "Wiki", "wiki", e->wiki);
    if (e->has_updated) {
        cli_format_updated(e, when, sizeof when);
        meta_row(b, "Last updated", "updated", when);
    }
    if (e->has_revision_id) {
        char id[24];
        snprintf(id, sizeof id, "%llu", (unsigned long long)e->revision_id);
        meta_row(b, "Revision ID", "revision-id", id);
    }
    if (e->contributor) meta_row(b, "Contributor", "contributor", e->contributor);
    if (e->comment) meta_row(b, "Edit summary", "comment", e->comment);
    if (e->url) {
        serve_buf_puts(b, "<tr class=\"source\"><th>Source</th><td>");
        /* Only web addresses become links: a javascript: URL stays text. */
        if (!strncmp(e->url, "https://", 8) || !strncmp(e->url, "http://", 7)) {
            serve_buf_puts(b, "<a class=\"external\" rel=\"noopener\" href=\"");
            serve_buf_html_str(b, e->url);
            serve_buf_puts(b, "\">");
            serve_buf_html_str(b, e->url);
            serve_buf_puts(b, "</a>");
        } else {
            serve_buf_html_str(b, e->url);
        }
        serve_buf_puts(b, "</td></tr>\n");
    }
    serve_buf_puts(b, "<tr class=\"path\"><th>Entry</th><td><a href=\"");
    serve_buf u = {0};
    serve_url_raw(&u, a, e->path);
    serve_buf_html_str(b, u.p);
    serve_buf_free(&u);
    serve_buf_puts(b, "\">");
    serve_buf_html_str(b, e->path);
    serve_buf_printf(b, "</a> (%llu bytes", (unsigned long long)e->size);
    if (e->mime) {
        serve_buf_puts(b, ", ");
        serve_buf_html_str(b, e->mime);
    }
    serve_buf_puts(b, ")</td></tr>\n");
    if (e->is_revision) {
        wpk_entry *cur;
        wpk_error err;
        if (wpk_reader_current(r, e, &cur, &err) == 0) {
            serve_buf_puts(b, "<tr class=\"revision\"><th>Revision</th><td>an older version of <a href=\"");
            serve_url_article(&u, a, cur);
            serve_buf_html_str(b, u.p);
            serve_buf_free(&u);
            serve_buf_puts(b, "\">the current article</a></td></tr>\n");
            wpk_entry_free(cur);
        }
    }
    if (e->n_revisions) {
        serve_buf_puts(b, "<tr class=\"revisions\"><th>Older versions</th><td>");
        for (size_t i = 0; i < e->n_revisions && i < 50; i++) {
            wpk_entry *v;
            wpk_error err;
            if (wpk_reader_entry_at(r, e->revisions[i], &v, &err) != 0) continue;
            cli_format_updated(v, when, sizeof when);
            serve_buf_puts(b, i ? ", <a href=\"" : "<a href=\"");
            serve_url_article(&u, a, v);
            serve_buf_html_str(b, u.p);
            serve_buf_free(&u);
            serve_buf_puts(b, "\"");
            if (v->contributor || v->comment) { /* who and why, on hovering */
                serve_buf_puts(b, " title=\"");
                if (v->contributor) serve_buf_html_str(b, v->contributor);
                if (v->contributor && v->comment) serve_buf_puts(b, ": ");
                if (v->comment) serve_buf_html_str(b, v->comment);
                serve_buf_puts(b, "\"");
            }
            serve_buf_puts(b, ">");
            serve_buf_html_str(b, when);
            serve_buf_puts(b, "</a>");
            wpk_entry_free(v);
        }
        serve_buf_puts(b, "</td></tr>\n");
    }
    serve_buf_puts(b, "</table>\n");
}

/* Categories close the article, as on Wikipedia. */
static void render_categories(serve_buf *b, const serve_archive *a, const wpk_entry *e)
{
    serve_buf u = {0};
    if (e->n_categories) {
        serve_buf_puts(b, "<nav class=\"categories\"><h2>Categories</h2>\n<ul>\n");
        for (size_t i = 0; i < e->n_categories; i++) {
            serve_buf_puts(b, "<li><a href=\"");
            serve_url_category(&u, a, e->categories[i]);
            serve_buf_html_str(b, u.p);
            serve_buf_free(&u);
            serve_buf_puts(b, "\">");
            const char *c = e->categories[i];
            serve_buf_html_str(b, strncmp(c, "Category:", 9) ? c : c + 9);
            serve_buf_puts(b, "</a></li>\n");
        }
        serve_buf_puts(b, "</ul></nav>\n");
    }
}

/* The page's start: skeleton, the entry's title as heading, its metadata. */
static void article_head(serve_buf *b, const serve_archive *a, const wpk_entry *e)
{
    const char *title = e->title && e->title[0] ? e->title : e->path;
    serve_page_begin(b, a, title);
    serve_buf_puts(b, "<article>\n<h1 id=\"title\">");
    serve_buf_html_str(b, title);
    serve_buf_puts(b, "</h1>\n");
    render_meta(b, a, a->r, e);
}

/* An entry too large to render: its metadata and a link to it as stored. */
static int too_large_page(serve_req *q, wpk_entry *e)
{
    serve_buf *b = &q->body;
    article_head(b, q->a, e);
    serve_buf_printf(b, "<p class=\"error\">This entry is %llu bytes, more than the %u MiB shown as a page; ",
                     (unsigned long long)e->size, WT_MAX_INPUT >> 20);
    serve_buf_puts(b, "<a href=\"");
    serve_url_raw(b, q->a, e->path);
    serve_buf_puts(b, "\">open it as stored</a>.</p>\n</article>\n");
    serve_page_end(b);
    wpk_entry_free(e);
    return 200;
}

/* Answer with the page of one entry; takes ownership of e. */
static int article_page(serve_req *q, wpk_entry *e)
{
    char tag[17], hex[40];
    serve_page_etag(q, tag);
    snprintf(hex, sizeof hex, "%016llx-%s", (unsigned long long)e->content_hash, tag);
    q->cache = "public, max-age=300";
    q->status = 200;
    if (serve_etag(q, hex)) {
        wpk_entry_free(e);
        return 304;
    }
    if (e->size > WT_MAX_INPUT) return too_large_page(q, e);
    /* The entry, and its page: rendering writes at most WT_MAX_OUTPUT. */
    if (serve_reserve(q, e->size + WT_MAX_OUTPUT(e->size) + 65536) != 0) {
        wpk_entry_free(e);
        return 503;
    }
    void *text = NULL;
    wpk_error err;
    int rc = wpk_reader_read_alloc(q->a->r, e, &text, 1, &err);
    if (rc) {
        wpk_entry_free(e);
        return serve_wpk_error(q, rc, &err);
    }
    serve_buf *b = &q->body;
    article_head(b, q->a, e);
    serve_buf_puts(b, "<div class=\"content\">\n");
    serve_render_entry(b, q->a, e, text, e->size);
    serve_buf_puts(b, "</div>\n");
    render_categories(b, q->a, e);
    serve_buf_puts(b, "</article>\n");
    serve_page_end(b);
    wpk_free(text);
    wpk_entry_free(e);
    return 200;
}

/* A redirect page reached by its title or page ID: to the article it
 * leads to, when the archive has it (its own page stays at /path/...).
 * 0 when e is shown as it is. */
static int follow_redirect(serve_req *q, wpk_entry *e)
{
    if (!e->redirect) return 0;
    wpk_entry *target;
    wpk_error err;
    int rc = wpk_reader_follow(q->a->r, e, &target, &err);
    if (rc == WPK_E_NOTFOUND) return 0;
    wpk_entry_free(e);
    if (rc) return serve_wpk_error(q, rc, &err);
    serve_buf u = {0};
    serve_url_article(&u, q->a, target);
    wpk_entry_free(target);
    return serve_redirect(q, 302, serve_buf_take(&u, NULL));
}

int serve_page_article_title(serve_req *q)
{
    char *title = serve_url_decode(q->rest, strlen(q->rest), 0, 1);
    if (!title) return serve_error(q, 400, "Malformed title in the address.");
    serve_match m[16];
    wpk_match_level level;
    wpk_error err;
    int n = *title ? serve_match_title(q->a, title, m, 16, &level, &err) : 0;
    if (n < 0) { free(title); return serve_wpk_error(q, n, &err); }
    if (n == 0) {
        free(title);
        return serve_error(q, 404, "This archive has no article by that title.");
    }
    if (n > 1) {
        /* Same title once case and spacing are ignored: let the reader choose. */
        serve_buf u = {0};
        serve_buf_printf(&u, "/%s/search?q=", q->a->name);
        serve_buf_url_part(&u, title, 0);
        free(title);
        return serve_redirect(q, 302, serve_buf_take(&u, NULL));
    }
    wpk_entry *e;
    int rc = wpk_reader_entry_at(q->a->r, m[0].entry, &e, &err);
    if (rc) { free(title); return serve_wpk_error(q, rc, &err); }
    int canonical = e->title && !strcmp(e->title, title);
    free(title);
    if ((rc = follow_redirect(q, e)) != 0) return rc;
    if (!canonical) {
        /* An alias or another spelling: one address per article. */
        serve_buf u = {0};
        serve_url_article(&u, q->a, e);
        wpk_entry_free(e);
        return serve_redirect(q, 301, serve_buf_take(&u, NULL));
    }
    return article_page(q, e);
}

/* The articles of several wikis with one page ID: each wiki numbers its
 * own pages. Up to SERVE_ID_CHOICES are offered. */
#define SERVE_ID_CHOICES 16
typedef struct id_choices { uint64_t entry[SERVE_ID_CHOICES]; int n; } id_choices;

static int keep_choice(void *ctx, const char *wiki, uint64_t entry)
{
    (void)wiki; /* the entry says it again */
    id_choices *c = ctx;
    c->entry[c->n++] = entry;
    return c->n == SERVE_ID_CHOICES;
}

/* 300 Multiple Choices: a page linking to /NAME/id/N?wiki=W for each. */
static int id_choices_page(serve_req *q, uint64_t id, const id_choices *c)
{
    serve_buf *b = &q->body;
    char heading[48];
    snprintf(heading, sizeof heading, "Page ID %llu", (unsigned long long)id);
    serve_page_begin(b, q->a, heading);
    serve_buf_printf(b, "<h1>%s</h1>\n<p>Each wiki numbers its own pages: this archive has an article with "
                        "this page ID in each of these wikis.</p>\n<ul class=\"list choices\">\n", heading);
    for (int i = 0; i < c->n; i++) {
        wpk_entry *e;
        wpk_error err;
        if (wpk_reader_entry_at(q->a->r, c->entry[i], &e, &err) != 0) continue;
        serve_buf u = {0};
        serve_buf_printf(&u, "/%s/id/%llu?wiki=", q->a->name, (unsigned long long)id);
        serve_buf_url_part(&u, e->wiki ? e->wiki : "", 0);
        serve_buf_puts(b, "<li><a href=\"");
        serve_buf_html_str(b, u.p);
        serve_buf_free(&u);
        serve_buf_puts(b, "\">");
        serve_buf_html_str(b, e->title ? e->title : e->path);
        serve_buf_puts(b, "</a> <span class=\"wiki\">");
        serve_buf_html_str(b, e->wiki ? e->wiki : "(unknown wiki)");
        if (e->language) {
            serve_buf_puts(b, ", ");
            serve_buf_html_str(b, e->language);
        }
        serve_buf_puts(b, "</span></li>\n");
        wpk_entry_free(e);
    }
    serve_buf_puts(b, "</ul>\n");
    serve_page_end(b);
    q->status = 300;
    return 300;
}

int serve_page_article_id(serve_req *q)
{
    uint64_t id;
    if (strlen(q->rest) > 20 || cli_parse_u64(q->rest, &id) != 0)
        return serve_error(q, 400, "A page ID is an unsigned number.");
    int bad = 0;
    char *wiki = serve_query_get(q->query, "wiki", &bad);
    if (bad) return serve_error(q, 400, "Malformed wiki in the address.");
    wpk_entry *e;
    wpk_error err;
    int rc;
    if (wiki) { /* ?wiki=W: that wiki's article ("" for entries of no known wiki) */
        rc = wpk_reader_find_by_wiki_id(q->a->r, wiki, id, &e, &err);
        free(wiki);
    } else {
        id_choices c;
        c.n = 0;
        rc = wpk_reader_match_id(q->a->r, id, keep_choice, &c, &err);
        if (!rc && c.n > 1) return id_choices_page(q, id, &c);
        if (!rc) rc = wpk_reader_entry_at(q->a->r, c.entry[0], &e, &err);
    }
    if (rc) return serve_wpk_error(q, rc, &err);
    if ((rc = follow_redirect(q, e)) != 0) return rc;
    return article_page(q, e);
}

/* The entry whose path the rest of the address spells; 0, or the status
 * of the error page already made. */
static int entry_at_url_path(serve_req *q, wpk_entry **e)
{
    char *path = serve_url_decode(q->rest, strlen(q->rest), 0, 0);
    if (!path) return serve_error(q, 400, "Malformed path in the address.");
    wpk_error err;
    int rc = *path ? wpk_reader_find_by_path(q->a->r, path, e, &err) : WPK_E_NOTFOUND;
    free(path);
    return rc ? serve_wpk_error(q, rc, &err) : 0;
}

int serve_page_article_path(serve_req *q)
{
    wpk_entry *e;
    int status = entry_at_url_path(q, &e);
    return status ? status : article_page(q, e);
}

int serve_page_raw(serve_req *q)
{
    wpk_entry *e;
    int status = entry_at_url_path(q, &e);
    if (status) return status;
    char hex[17];
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)e->content_hash);
    const char *mime = e->mime && e->mime[0] ? e->mime : "application/octet-stream";
    /* Text without a declared charset is UTF-8 here. */
    if (!strncmp(mime, "text/", 5) && !strstr(mime, "charset="))
        snprintf(q->type_buf, sizeof q->type_buf, "%s; charset=utf-8", mime);
    else
        snprintf(q->type_buf, sizeof q->type_buf, "%s", mime);
    q->type = q->type_buf;
    q->cache = "public, max-age=300";
    q->sandbox = 1;
    q->status = 200;
    if (serve_etag(q, hex)) {
        wpk_entry_free(e);
        return 304;
    }
    /* Small entries are read whole; larger ones are sent as they are
     * decompressed, holding their block and not their content. */
    wpk_error err;
    int rc;
    if (e->size > SERVE_WHOLE_MAX) {
        wpk_content *c = NULL;
        rc = wpk_reader_open_content(q->a->r, e, &c, &err);
        if (!rc && serve_reserve(q, wpk_content_memory(c)) != 0) {
            wpk_content_close(c);
            wpk_entry_free(e);
            q->sandbox = 0;
            return 503;
        }
        q->stream = c;
        q->stream_size = e->size;
    } else if (serve_reserve(q, e->size + 1) != 0) {
        wpk_entry_free(e);
        q->sandbox = 0;
        return 503;
    } else {
        void *data;
        rc = wpk_reader_read_alloc(q->a->r, e, &data, 1, &err);
        if (!rc) {
            q->data = data;
            q->data_len = (size_t)e->size;
        }
    }
    wpk_entry_free(e);
    if (rc) {
        q->sandbox = 0;
        return serve_wpk_error(q, rc, &err);
    }
    return 200;
}
