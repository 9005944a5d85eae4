/* serve_links.c - point a Wikipedia article link at the archived copy when the archive holds it */
/* Otherwise the link leads to Wikipedia. */
#include "serve.h"
#include "import.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Host of an http(s) URL that is Wikipedia, and its language label
 * ("en" in en.wikipedia.org, "" for wikipedia.org itself). */
static int wikipedia_host(const char *url, const char **after, char lang[16])
{
    const char *h;
    if (!strncasecmp(url, "https://", 8)) h = url + 8;
    else if (!strncasecmp(url, "http://", 7)) h = url + 7;
    else if (!strncmp(url, "//", 2)) h = url + 2;
    else return 0;
    size_t n = strcspn(h, "/?#");
    *after = h + n;
    size_t hn = strcspn(h, ":/?#"); /* without a port */
    static const char wp[] = "wikipedia.org";
    const size_t wn = sizeof wp - 1;
    lang[0] = 0;
    if (hn == wn && !strncasecmp(h, wp, wn)) return 1;
    if (hn <= wn + 1 || h[hn - wn - 1] != '.' || strncasecmp(h + hn - wn, wp, wn)) return 0;
    size_t ln = strcspn(h, ".");
    if (ln < 16) {
        memcpy(lang, h, ln);
        lang[ln] = 0;
    }
    return 1;
}

char *serve_link_rewrite(const serve_archive *a, const char *url, const wpk_entry *from)
{
    const char *lang = from->language;
    const char *path;
    char host_lang[16];
    if (!wikipedia_host(url, &path, host_lang)) return NULL;
    /* en.wikipedia.org's "Mercury" is not the one of an archive in
     * another language. */
    if (lang && *lang && host_lang[0] && strcasecmp(host_lang, "www") && strcasecmp(host_lang, "m") &&
        strcasecmp(host_lang, lang))
        return NULL;
    char *title = NULL;
    if (wpk_title_from_url(path, &title) != WPK_OK) return NULL;
    serve_match m[2];
    wpk_match_level level;
    wpk_error err;
    int n = serve_match_title(a, title, m, 2, &level, &err);
    wpk_free(title);
    /* Only the exact title or its MediaWiki spelling: ignoring case could
     * lead to another article ("AND" is not "And"). */
    if (n != 1 || level == WPK_MATCH_FOLDED) return NULL;
    if (m[0].entry == (from->is_revision ? from->current_entry : from->entry_number)) return NULL;
    serve_buf b = {0};
    if (!m[0].is_alias) {
        serve_url_title(&b, a, m[0].title);
    } else {
        wpk_entry *e;
        if (wpk_reader_entry_at(a->r, m[0].entry, &e, &err) != 0) return NULL;
        serve_url_article(&b, a, e);
        wpk_entry_free(e);
    }
    const char *frag = strchr(path, '#');
    if (frag && frag[1]) serve_buf_puts(&b, frag);
    return serve_buf_take(&b, NULL);
}
