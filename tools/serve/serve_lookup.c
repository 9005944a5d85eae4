/* serve_lookup.c - URLs of archive content, titles as typed, random articles: what every handler looks up */
#include "serve.h"

#include <stdlib.h>
#include <string.h>

/* "/NAME/ROUTE" then `part` percent-encoded with `flags`. */
static void archive_url(serve_buf *b, const serve_archive *a, const char *route, const char *part, int flags)
{
    serve_buf_puts(b, "/");
    serve_buf_puts(b, a->name);
    serve_buf_puts(b, route);
    serve_buf_url_part(b, part, flags);
}

void serve_url_title(serve_buf *b, const serve_archive *a, const char *title)
{
    archive_url(b, a, "/A/", title, SERVE_URL_UNDERSCORES);
}

void serve_url_article(serve_buf *b, const serve_archive *a, const wpk_entry *e)
{
    /* Revisions and untitled files are reached by path; a title names the
     * current version. */
    if (e->title && e->title[0] && !e->is_revision) serve_url_title(b, a, e->title);
    else archive_url(b, a, "/path/", e->path, SERVE_URL_SLASHES);
}

void serve_url_raw(serve_buf *b, const serve_archive *a, const char *path)
{
    archive_url(b, a, "/raw/", path, SERVE_URL_SLASHES);
}

void serve_url_category(serve_buf *b, const serve_archive *a, const char *category)
{
    archive_url(b, a, "/category/", category, SERVE_URL_UNDERSCORES);
}

typedef struct match_ctx { serve_match *m; int cap, n; } match_ctx;

static int keep(void *ctx, const char *title, int is_alias, uint64_t entry)
{
    match_ctx *c = ctx;
    if (c->n < c->cap) {
        serve_match *m = &c->m[c->n];
        m->entry = entry;
        m->is_alias = is_alias;
        size_t len = strlen(title);
        if (len >= sizeof m->title) len = sizeof m->title - 1;
        memcpy(m->title, title, len);
        m->title[len] = 0;
    }
    c->n++;
    return c->n >= c->cap;
}

int serve_match_title(const serve_archive *a, const char *title, serve_match *m, int cap, wpk_match_level *level,
                      wpk_error *err)
{
    match_ctx c = {m, cap, 0};
    int rc = wpk_reader_match_title(a->r, title, keep, &c, level, err);
    if (rc == WPK_E_NOTFOUND || rc == WPK_E_INVALID) return 0;
    if (rc) return rc;
    int n = c.n < cap ? c.n : cap;
    /* A redirect page matches twice: its title, and the alias to its
     * target. The reader follows it: one answer. */
    for (int i = 0; i < n; i++) {
        if (m[i].is_alias != 1) continue;
        for (int j = 0; j < n; j++) {
            if (m[j].is_alias != 0 || strcmp(m[j].title, m[i].title) != 0) continue;
            int same;
            if ((rc = wpk_reader_leads_to(a->r, m[j].entry, m[i].entry, &same, err)) != 0) return rc;
            if (!same) continue;
            memmove(&m[i], &m[i + 1], (size_t)(n - i - 1) * sizeof *m);
            n--;
            i--;
            break;
        }
    }
    return n;
}

int serve_random_entry(const serve_archive *a, wpk_entry **out, wpk_error *err)
{
    uint64_t count = a->info.entry_count;
    if (count == 0) return WPK_E_NOTFOUND;
    /* Revisions lead to their article; files without a title are skipped
     * when a few more draws can find an article. */
    wpk_entry *fallback = NULL;
    for (int tries = 0; tries < 16; tries++) {
        uint64_t n = ((uint64_t)arc4random() << 32 | arc4random()) % count;
        wpk_entry *e;
        int rc = wpk_reader_entry_at(a->r, n, &e, err);
        if (rc) { wpk_entry_free(fallback); return rc; }
        if (e->is_revision) {
            wpk_entry *cur;
            rc = wpk_reader_current(a->r, e, &cur, err);
            wpk_entry_free(e);
            if (rc) { wpk_entry_free(fallback); return rc; }
            e = cur;
        }
        if (e->title && e->title[0]) {
            wpk_entry_free(fallback);
            *out = e;
            return 0;
        }
        if (fallback) wpk_entry_free(e);
        else fallback = e;
    }
    *out = fallback;
    return 0;
}
