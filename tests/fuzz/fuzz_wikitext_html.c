/* fuzz_wikitext_html.c - the wikitext renderer (tools/wikitext) on any
 * page: it must not crash, must stay within its output bound, and must
 * write only its own markup: every tag from its list, attributes only
 * href, class, id and rel, every href its own (#note-N, #ref-N), the link
 * callback's, the site's, or an http(s), ftp or mailto URL, and no '<' or
 * '"' of the page unescaped. The plain-text form must not crash either. */
#include "fuzz_util.h"
#include "wikitext_html.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

static char *archive_link(void *ctx, const char *target, size_t len)
{
    (void)ctx;
    if (len == 0 || target[0] != 'A') return NULL; /* some links "in the archive" */
    char *u = malloc(len + 8);
    memcpy(u, "/a/A/", 5);
    for (size_t i = 0; i < len; i++) u[5 + i] = target[i] == '"' || target[i] == '<' ? '_' : target[i];
    u[5 + len] = 0;
    return u;
}

static int allowed(const char *tag, size_t n)
{
    static const char *const tags[] = {"a", "p", "b", "i", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt",
                                       "dd", "table", "tr", "td", "th", "caption", "hr", "br", "sup", "span", "pre"};
    for (size_t k = 0; k < sizeof tags / sizeof tags[0]; k++)
        if (strlen(tags[k]) == n && !memcmp(tags[k], tag, n)) return 1;
    return 0;
}

static int href_ok(const char *v, size_t n)
{
    static const char *const ok[] = {"#note-", "#ref-", "/a/A/", "https://en.wikipedia.org/wiki/", "http://",
                                     "https://", "ftp://", "mailto:", "//"};
    for (size_t k = 0; k < sizeof ok / sizeof ok[0]; k++)
        if (n >= strlen(ok[k]) && !strncasecmp(v, ok[k], strlen(ok[k]))) return 1;
    return 0;
}

/* Every tag in html: allowed, with allowed attributes whose values hold no '"'. */
static void check_markup(const char *h, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (h[i] != '<') continue;
        size_t j = i + 1;
        if (j < n && h[j] == '/') j++;
        size_t t = j;
        while (j < n && h[j] != ' ' && h[j] != '>') j++;
        if (!allowed(h + t, j - t)) abort();
        while (j < n && h[j] == ' ') {
            j++;
            size_t a = j;
            while (j < n && h[j] != '=') j++;
            if (j + 1 >= n || h[j + 1] != '"') abort();
            size_t an = j - a;
            if (!(an == 4 && !memcmp(h + a, "href", 4)) && !(an == 5 && !memcmp(h + a, "class", 5)) &&
                !(an == 2 && !memcmp(h + a, "id", 2)) && !(an == 3 && !memcmp(h + a, "rel", 3)))
                abort();
            const char *v = h + j + 2, *e = memchr(v, '"', n - (size_t)(v - h));
            if (!e) abort();
            if (an == 4 && !href_ok(v, (size_t)(e - v))) abort();
            for (const char *p = v; p < e; p++)
                if (*p == '<' || *p == '>') abort();
            j = (size_t)(e - h) + 1;
        }
        if (j >= n || h[j] != '>') abort();
        i = j;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_copy(data, size);
    wt_opts o = {archive_link, NULL, "https://en.wikipedia.org/wiki/"};
    wt_buf out = {0};
    if (wt_render_html(text, size, &o, &out) == 0) {
        /* the bound, plus the note that says the rest is cut */
        if (out.len > WT_MAX_OUTPUT(size) + 128) abort();
        check_markup(out.p ? out.p : "", out.len);
    }
    wt_buf_free(&out);
    wt_buf t = {0};
    (void)wt_render_text(text, size, &t);
    wt_buf_free(&t);
    free(text);
    return 0;
}
