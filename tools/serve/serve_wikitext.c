/* serve_wikitext.c - a MediaWiki page rendered as an article: internal links to the archive's copy, else to its wiki's site */
#include "serve.h"
#include "wikitext_html.h"

#include <stdlib.h>
#include <string.h>

typedef struct wiki_base { const char *wiki; char *base; } wiki_base;

static int find_base(void *ctx, uint32_t number, const char *name, const char *language, const char *url_base,
                     const char *site_name)
{
    (void)number, (void)language, (void)site_name;
    wiki_base *w = ctx;
    if (!w->wiki || strcmp(name, w->wiki) != 0 || !url_base || !*url_base) return 0;
    w->base = strdup(url_base);
    return 1;
}

typedef struct link_ctx { const serve_archive *a; const wpk_entry *from; } link_ctx;

/* An internal link: the archive's article when it holds it (the title as
 * typed or in MediaWiki's spelling, not a looser match), else NULL. */
static char *to_archive(void *ctx, const char *target, size_t len)
{
    link_ctx *c = ctx;
    char *title = malloc(len + 1);
    if (!title) return NULL;
    memcpy(title, target, len);
    title[len] = 0;
    serve_match m[2];
    wpk_match_level level;
    wpk_error err;
    int n = serve_match_title(c->a, title, m, 2, &level, &err);
    char *url = NULL;
    if (n == 1 && level != WPK_MATCH_FOLDED) {
        serve_buf b = {0};
        serve_url_title(&b, c->a, title);
        url = serve_buf_take(&b, NULL);
    }
    free(title);
    return url;
}

int serve_render_wikitext(serve_buf *b, const serve_archive *a, const wpk_entry *e, const char *text, size_t len)
{
    wiki_base w = {e->wiki, NULL};
    wpk_reader_wikis(a->r, find_base, &w);
    link_ctx c = {a, e};
    wt_opts o = {to_archive, &c, w.base};
    wt_buf out = {0};
    int rc = wt_render_html(text, len, &o, &out);
    free(w.base);
    serve_buf_puts(b, "<div class=\"wikitext\">\n");
    if (rc == 0) {
        serve_buf_add(b, out.p ? out.p : "", out.len);
    } else { /* out of memory: the text is still readable */
        serve_buf_puts(b, "<pre class=\"raw\">");
        serve_buf_html(b, text, len);
        serve_buf_puts(b, "</pre>");
    }
    serve_buf_puts(b, "</div>\n");
    wt_buf_free(&out);
    return 0;
}
