/* serve_markdown.c - render an entry's content as HTML: markdown through md4c, links checked */
/*
 * Raw HTML in the source is shown as text, never passed through; every
 * link and image address is checked: Wikipedia articles the archive holds
 * point to the archived copy, script-capable schemes are dropped. Other
 * content is escaped preformatted text.
 */
#include "serve.h"

#include <md4c-html.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int is_markdown(const wpk_entry *e)
{
    if (e->mime && (strstr(e->mime, "markdown"))) return 1;
    size_t n = strlen(e->path);
    return (n > 3 && !strcasecmp(e->path + n - 3, ".md")) || (n > 9 && !strcasecmp(e->path + n - 9, ".markdown"));
}

static void collect(const MD_CHAR *text, MD_SIZE size, void *ctx)
{
    serve_buf_add(ctx, text, size);
}

/* Length of a line starting at s (without its end), and where the next begins. */
static size_t line_len(const char *s, const char *end, const char **next)
{
    const char *nl = memchr(s, '\n', (size_t)(end - s));
    const char *stop = nl ? nl : end;
    *next = nl ? nl + 1 : end;
    size_t n = (size_t)(stop - s);
    if (n && s[n - 1] == '\r') n--;
    return n;
}

/* YAML front matter: "---" on the first line up to a closing "---" or
 * "...". Returns where the body starts (text itself when there is none). */
static const char *front_matter(const char *text, const char *end, const char **fm, size_t *fm_len)
{
    const char *p;
    size_t n = line_len(text, end, &p);
    if (n != 3 || memcmp(text, "---", 3)) return text;
    const char *start = p;
    while (p < end) {
        const char *next;
        n = line_len(p, end, &next);
        if (n == 3 && (!memcmp(p, "---", 3) || !memcmp(p, "...", 3))) {
            *fm = start;
            *fm_len = (size_t)(p - start);
            return next;
        }
        p = next;
    }
    return text;
}

/* The page shows the title as its heading: a first "# Title" saying the
 * same is skipped. */
static const char *skip_title(const char *p, const char *end, const char *title)
{
    const char *next;
    size_t n;
    while (p < end && (n = line_len(p, end, &next)) == 0) p = next;
    if (p >= end || !title) return p;
    n = line_len(p, end, &next);
    if (n < 2 || p[0] != '#' || p[1] != ' ') return p;
    const char *h = p + 2;
    size_t hn = n - 2;
    while (hn && (h[hn - 1] == ' ' || h[hn - 1] == '#')) hn--;
    return hn == strlen(title) && !memcmp(h, title, hn) ? next : p;
}

static void html_unescape(char *s)
{
    static const struct { const char *ent; char c; } ents[] = {
        {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''},
    };
    char *w = s;
    for (char *r = s; *r;) {
        size_t i;
        for (i = 0; i < sizeof ents / sizeof ents[0]; i++) {
            size_t n = strlen(ents[i].ent);
            if (!strncmp(r, ents[i].ent, n)) {
                *w++ = ents[i].c;
                r += n;
                break;
            }
        }
        if (i == sizeof ents / sizeof ents[0]) *w++ = *r++;
    }
    *w = 0;
}

/* Schemes a link may keep; anything else (javascript:, data:, vbscript:)
 * is dropped. Relative addresses have no scheme. */
static int scheme_allowed(const char *url)
{
    size_t n = strcspn(url, ":/?#");
    if (url[n] != ':') return 1;
    return (n == 4 && !strncasecmp(url, "http", 4)) || (n == 5 && !strncasecmp(url, "https", 5)) ||
           (n == 6 && !strncasecmp(url, "mailto", 6)) || (n == 3 && !strncasecmp(url, "ftp", 3));
}

/* Copy md4c's HTML, rewriting each <a href="..."> and <img src="...">. */
static void rewrite_links(serve_buf *b, const serve_archive *a, const wpk_entry *e, const char *html)
{
    static const char a_tag[] = "<a href=\"", img_tag[] = "<img src=\"";
    const char *p = html;
    for (;;) {
        const char *la = strstr(p, a_tag), *li = strstr(p, img_tag);
        const char *t = la && (!li || la < li) ? la : li;
        if (!t) break;
        int is_a = t == la;
        const char *v = t + (is_a ? sizeof a_tag : sizeof img_tag) - 1;
        const char *q = strchr(v, '"');
        if (!q) break;
        serve_buf_add(b, p, (size_t)(t - p));
        char *url = malloc((size_t)(q - v) + 1);
        if (!url) { b->oom = 1; return; }
        memcpy(url, v, (size_t)(q - v));
        url[q - v] = 0;
        html_unescape(url);
        char *target = NULL;
        const char *cls = "external";
        if (!scheme_allowed(url)) {
            url[0] = 0;
            cls = "blocked";
        } else if (is_a && (target = serve_link_rewrite(a, url, e)) != NULL) {
            cls = "internal";
        }
        if (is_a) serve_buf_printf(b, "<a class=\"%s\"%s href=\"", cls, target ? "" : " rel=\"noopener\"");
        else serve_buf_puts(b, "<img loading=\"lazy\" src=\"");
        serve_buf_html_str(b, target ? target : url[0] ? url : "#");
        serve_buf_puts(b, "\"");
        free(target);
        free(url);
        p = q + 1;
    }
    serve_buf_puts(b, p);
}

int serve_render_entry(serve_buf *b, const serve_archive *a, const wpk_entry *e, const char *text, size_t len)
{
    const char *end = text + len;
    if (e->mime && !strcmp(e->mime, "text/x-wiki")) return serve_render_wikitext(b, a, e, text, len);
    if (!is_markdown(e)) {
        serve_buf_puts(b, "<pre class=\"raw\">");
        serve_buf_html(b, text, len);
        serve_buf_puts(b, "</pre>\n");
        return 0;
    }
    const char *fm = NULL;
    size_t fm_len = 0;
    const char *body = front_matter(text, end, &fm, &fm_len);
    if (fm) {
        serve_buf_puts(b, "<details class=\"front-matter\"><summary>Front matter</summary><pre>");
        serve_buf_html(b, fm, fm_len);
        serve_buf_puts(b, "</pre></details>\n");
    }
    body = skip_title(body, end, e->title);
    serve_buf html = {0};
    int rc = md_html(body, (MD_SIZE)(end - body), collect, &html, MD_DIALECT_GITHUB | MD_FLAG_NOHTML,
                     MD_HTML_FLAG_SKIP_UTF8_BOM);
    if (rc != 0 || html.oom) {
        /* md4c gave up (out of memory): the text is still readable. */
        serve_buf_free(&html);
        serve_buf_puts(b, "<pre class=\"raw\">");
        serve_buf_html(b, text, len);
        serve_buf_puts(b, "</pre>\n");
        return 0;
    }
    rewrite_links(b, a, e, html.p ? html.p : "");
    serve_buf_free(&html);
    return 0;
}
