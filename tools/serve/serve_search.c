/* serve_search.c - full-text search in `wikipack serve`: the request, the library's answer checked, the results page */
/*
 * The results page and the JSON API (serve_api.c) read the same request
 * and run it through here. A query comes from anyone: its length, its
 * encoding and its paging are checked before the library sees it. What
 * the library returns comes from the archive, which is untrusted: snippets
 * are made valid UTF-8 and marks that fall outside them are dropped before
 * they meet HTML or JSON. An archive without a search index gets the title
 * search (serve_page_titles) with a note saying so.
 */
#include "serve.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Length of the UTF-8 character at s (n bytes left), 0 when malformed:
 * overlong forms, surrogates and code points past U+10FFFF included. */
static size_t utf8_char(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c < 0x80) return 1;
    size_t k = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    if (!k || k > n) return 0;
    for (size_t i = 1; i < k; i++)
        if ((s[i] & 0xC0) != 0x80) return 0;
    if (c == 0xE0 && s[1] < 0xA0) return 0;  /* overlong */
    if (c == 0xED && s[1] > 0x9F) return 0;  /* surrogate */
    if (c == 0xF0 && s[1] < 0x90) return 0;  /* overlong */
    if (c == 0xF4 && s[1] > 0x8F) return 0;  /* past U+10FFFF */
    return k;
}

/* NULL when s is UTF-8 text without control characters (C0, DEL, C1),
 * else what is wrong with it. */
static const char *text_problem(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        size_t k = utf8_char(p + i, n - i);
        if (!k) return "the search is not UTF-8 text";
        if (p[i] < 0x20 || p[i] == 0x7F || (p[i] == 0xC2 && p[i + 1] < 0xA0))
            return "the search holds a control character";
        i += k;
    }
    return NULL;
}

/* A number from 0 to max, in decimal digits only: 0, or -1. */
static int parse_bounded(const char *s, uint32_t max, uint32_t *out)
{
    size_t n = strlen(s);
    if (n == 0 || n > 10 || strspn(s, "0123456789") != n) return -1;
    unsigned long long v = strtoull(s, NULL, 10);
    if (v > max) return -1;
    *out = (uint32_t)v;
    return 0;
}

int serve_search_args(const char *query, uint32_t limit, int with_limit, serve_search *s, const char **why)
{
    memset(s, 0, sizeof *s);
    int bad = 0;
    s->text = serve_query_get(query, "q", &bad);
    if (bad) { *why = "the search is not percent-encoded right"; return 400; }
    if (!s->text && !(s->text = calloc(1, 1))) { *why = "out of memory"; return 503; }
    if (strlen(s->text) > SERVE_SEARCH_MAX_QUERY) { *why = "the search is longer than 1024 bytes"; return 414; }
    if ((*why = text_problem(s->text))) return 400;
    /* Paging stops where the library does: it ranks at most
     * WPK_SEARCH_MAX_LIMIT results of a query. */
    char *v = serve_query_get(query, "start", &bad);
    if (bad || (v && parse_bounded(v, WPK_SEARCH_MAX_LIMIT - 1, &s->start))) {
        free(v);
        *why = "start wants a number from 0 to 999";
        return 400;
    }
    free(v);
    s->limit = limit;
    if (with_limit) {
        v = serve_query_get(query, "limit", &bad);
        if (bad || (v && (parse_bounded(v, SERVE_SEARCH_API_MAX, &s->limit) || s->limit == 0))) {
            free(v);
            *why = "limit wants a number from 1 to " WPK_STR(SERVE_SEARCH_API_MAX);
            return 400;
        }
        free(v);
    }
    if (s->limit > WPK_SEARCH_MAX_LIMIT - s->start) s->limit = WPK_SEARCH_MAX_LIMIT - s->start;
    return 0;
}

/* Copy a hit's snippet as valid UTF-8 (a malformed byte becomes U+FFFD)
 * and keep the marks that lie within it, in order, not overlapping,
 * widened to whole characters. */
static int clean_hit(serve_hit *h, const wpk_search_hit *w)
{
    const char *s = w->snippet ? w->snippet : "";
    size_t n = strlen(s);
    size_t *to = malloc((n + 1) * sizeof *to); /* where each byte of s lands */
    if (!to) return WPK_E_NOMEM;
    serve_buf b = {0};
    serve_buf_add(&b, "", 0);
    for (size_t i = 0; i < n;) {
        size_t k = utf8_char((const unsigned char *)s + i, n - i);
        for (size_t j = 0; j < (k ? k : 1); j++) to[i + j] = b.n + j;
        if (k) serve_buf_add(&b, s + i, k);
        else serve_buf_puts(&b, "\xEF\xBF\xBD");
        i += k ? k : 1;
    }
    to[n] = b.n;
    h->marks = w->mark_count ? calloc(w->mark_count, sizeof *h->marks) : NULL;
    if (b.oom || (w->mark_count && !h->marks)) {
        free(to);
        serve_buf_free(&b);
        return WPK_E_NOMEM;
    }
    size_t done = 0;
    for (uint32_t i = 0; i < w->mark_count && w->marks; i++) {
        size_t at = w->marks[i].at, len = w->marks[i].len;
        if (len == 0 || at > n || len > n - at) continue;
        size_t a = to[at], e = to[at + len];
        while (a > 0 && (b.p[a] & 0xC0) == 0x80) a--;
        while (e < b.n && (b.p[e] & 0xC0) == 0x80) e++;
        if (a < done) continue;
        h->marks[h->mark_count].at = (uint32_t)a;
        h->marks[h->mark_count].len = (uint32_t)(e - a);
        h->mark_count++;
        done = e;
    }
    free(to);
    h->score = w->score;
    h->snippet = serve_buf_take(&b, &h->snippet_len);
    return 0;
}

int serve_search_run(const serve_archive *a, serve_search *s, wpk_error *err)
{
    memset(err, 0, sizeof *err);
    wpk_search_opts o = WPK_SEARCH_OPTS_INIT;
    o.limit = s->limit;
    o.offset = s->start;
    o.snippets = 1;
    wpk_search_results *res = NULL;
    int rc = wpk_reader_search(a->r, s->text, &o, &res, err);
    if (rc) return rc;
    s->matches = res->matches;
    s->hits = calloc(res->count ? res->count : 1, sizeof *s->hits);
    if (!s->hits) rc = WPK_E_NOMEM;
    for (uint32_t i = 0; !rc && i < res->count; i++) {
        serve_hit *h = &s->hits[s->count];
        rc = wpk_reader_entry_at(a->r, res->hits[i].entry, &h->e, err);
        if (!rc) {
            s->count++;
            rc = clean_hit(h, &res->hits[i]);
        }
    }
    wpk_search_results_free(res);
    if (rc == WPK_E_NOMEM) {
        snprintf(err->message, sizeof err->message, "out of memory for search results");
    }
    return rc;
}

const char *serve_search_refusal(const wpk_error *err)
{
    /* The library's words for a query it refuses name no file: "search:
     * the query has only excluded words". */
    const char *m = err->message;
    if (!strncmp(m, "search: ", 8)) m += 8;
    return *m ? m : "the query has no word to look for";
}

void serve_search_free(serve_search *s)
{
    for (uint32_t i = 0; i < s->count; i++) {
        wpk_entry_free(s->hits[i].e);
        free(s->hits[i].snippet);
        free(s->hits[i].marks);
    }
    free(s->hits);
    free(s->text);
    memset(s, 0, sizeof *s);
}

/* ---- the results page ---- */

/* /NAME/search?q=TEXT&start=N, escaped for an attribute. */
static void page_link(serve_buf *b, const serve_archive *a, const char *text, uint32_t start, const char *rel,
                      const char *label)
{
    serve_buf u = {0};
    serve_buf_printf(&u, "/%s/search?q=", a->name);
    serve_buf_url_part(&u, text, 0);
    if (start) serve_buf_printf(&u, "&start=%u", start);
    serve_buf_printf(b, "<a rel=\"%s\" href=\"", rel);
    serve_buf_html_str(b, u.p);
    serve_buf_printf(b, "\">%s</a>", label);
    serve_buf_free(&u);
}

static void hit_html(serve_buf *b, const serve_archive *a, const serve_hit *h)
{
    const wpk_entry *e = h->e;
    serve_buf u = {0};
    serve_url_article(&u, a, e);
    serve_buf_puts(b, "<li><a class=\"title\" href=\"");
    serve_buf_html_str(b, u.p);
    serve_buf_puts(b, "\">");
    serve_buf_html_str(b, e->title && e->title[0] ? e->title : e->path);
    serve_buf_puts(b, "</a>\n<div class=\"meta\">");
    if (e->has_page_id) serve_buf_printf(b, "Page ID <span class=\"page-id\">%llu</span> \xC2\xB7 ", (unsigned long long)e->page_id);
    serve_buf_puts(b, "<span class=\"path\">");
    serve_buf_html_str(b, e->path);
    serve_buf_puts(b, "</span></div>\n");
    serve_buf_free(&u);
    if (h->snippet_len) {
        serve_buf_puts(b, "<p class=\"snippet\">");
        size_t done = 0;
        for (uint32_t i = 0; i < h->mark_count; i++) {
            const wpk_search_mark *m = &h->marks[i];
            serve_buf_html(b, h->snippet + done, m->at - done);
            serve_buf_puts(b, "<mark>");
            serve_buf_html(b, h->snippet + m->at, m->len);
            serve_buf_puts(b, "</mark>");
            done = m->at + m->len;
        }
        serve_buf_html(b, h->snippet + done, h->snippet_len - done);
        serve_buf_puts(b, "</p>\n");
    }
    serve_buf_puts(b, "</li>\n");
}

/* On the first page, the article whose title is the query, if any: the
 * title search's answer, a click away. */
static void title_match(serve_buf *b, const serve_archive *a, const char *text)
{
    serve_match m[4];
    wpk_match_level level;
    wpk_error err;
    int n = serve_match_title(a, text, m, 4, &level, &err);
    for (int i = 0; i < n; i++) {
        wpk_entry *e;
        if (wpk_reader_entry_at(a->r, m[i].entry, &e, &err) != 0) continue;
        serve_buf u = {0};
        serve_url_article(&u, a, e);
        serve_buf_puts(b, "<p class=\"title-match\">The article titled <a href=\"");
        serve_buf_html_str(b, u.p);
        serve_buf_puts(b, "\">");
        serve_buf_html_str(b, e->title ? e->title : e->path);
        serve_buf_puts(b, "</a></p>\n");
        serve_buf_free(&u);
        wpk_entry_free(e);
    }
}

static void results_html(serve_buf *b, const serve_archive *a, const serve_search *s)
{
    serve_page_begin(b, a, "Search");
    serve_buf_puts(b, "<h1>Search: ");
    serve_buf_html_str(b, s->text);
    serve_buf_puts(b, "</h1>\n");
    if (s->start == 0) title_match(b, a, s->text);
    if (s->count == 0) {
        if (s->start == 0) {
            serve_buf_puts(b, "<p class=\"no-results\">No article matches this search.</p>\n");
        } else {
            serve_buf_puts(b, "<p class=\"no-results\">No more results. ");
            page_link(b, a, s->text, 0, "first", "First results");
            serve_buf_puts(b, "</p>\n");
        }
        return;
    }
    /* With a phrase, the library's count is an upper bound. */
    const char *about = strchr(s->text, '"') ? "at most " : "";
    if (s->matches == 1) serve_buf_puts(b, "<p class=\"stats\">1 result</p>\n");
    else if (s->start == 0 && s->count == s->matches)
        serve_buf_printf(b, "<p class=\"stats\">%llu results</p>\n", (unsigned long long)s->matches);
    else serve_buf_printf(b, "<p class=\"stats\">%s%llu results, %u to %u shown</p>\n", about,
                          (unsigned long long)s->matches, s->start + 1, s->start + s->count);
    serve_buf_printf(b, "<ol class=\"results\" start=\"%u\">\n", s->start + 1);
    for (uint32_t i = 0; i < s->count; i++) hit_html(b, a, &s->hits[i]);
    serve_buf_puts(b, "</ol>\n");
    uint32_t next = s->start + s->count;
    int more = s->count == s->limit && next < s->matches;
    if (s->start || more) {
        serve_buf_puts(b, "<nav class=\"pages\">");
        if (s->start)
            page_link(b, a, s->text, s->start > SERVE_SEARCH_PAGE ? s->start - SERVE_SEARCH_PAGE : 0, "prev",
                      "\xE2\x86\x90 Previous");
        if (more && next < WPK_SEARCH_MAX_LIMIT) {
            if (s->start) serve_buf_puts(b, " ");
            page_link(b, a, s->text, next, "next", "Next \xE2\x86\x92");
        }
        serve_buf_puts(b, "</nav>\n");
        if (more && next >= WPK_SEARCH_MAX_LIMIT)
            serve_buf_printf(b, "<p class=\"note\">Only the first %u results are shown: add words to narrow the "
                             "search.</p>\n", WPK_SEARCH_MAX_LIMIT);
    }
}

static int empty_search(serve_req *q)
{
    serve_buf *b = &q->body;
    serve_page_begin(b, q->a, "Search");
    serve_buf_puts(b, "<h1>Search</h1>\n<p class=\"no-results\">Type words to search for in the box above.</p>\n");
    if (wpk_reader_has_search(q->a->r))
        serve_buf_puts(b, "<p>Articles that have all the words are found, best first. \"Quoted words\" are a "
                          "phrase, <code>pro*</code> finds words that start so, and <code>-word</code> leaves out "
                          "articles with that word.</p>\n");
    serve_page_end(b);
    q->status = 200;
    return 200;
}

int serve_page_search(serve_req *q)
{
    serve_search s;
    const char *why = NULL;
    int status = serve_search_args(q->query, SERVE_SEARCH_PAGE, 0, &s, &why);
    if (status) {
        char msg[160];
        snprintf(msg, sizeof msg, "That search cannot be run: %s.", why);
        serve_search_free(&s);
        return serve_error(q, status, msg);
    }
    if (!*s.text) { serve_search_free(&s); return empty_search(q); }
    if (!wpk_reader_has_search(q->a->r)) {
        int rc = serve_page_titles(q, s.text, "This archive has no search index, so only titles are searched.");
        serve_search_free(&s);
        return rc;
    }
    char tag[17];
    serve_page_etag(q, tag);
    q->cache = "public, max-age=300";
    if (serve_etag(q, tag)) { serve_search_free(&s); return 304; }
    wpk_error err;
    int rc = serve_search_run(q->a, &s, &err);
    if (rc == WPK_E_NOTFOUND || rc == WPK_E_FORMAT) {
        rc = serve_page_titles(q, s.text, rc == WPK_E_FORMAT ? "This archive's search index needs a newer wikipack, "
                               "so only titles are searched." : "This archive has no search index, so only titles "
                               "are searched.");
        serve_search_free(&s);
        return rc;
    }
    if (rc == WPK_E_INVALID || rc == WPK_E_LIMIT) {
        char msg[sizeof err.message + 40];
        snprintf(msg, sizeof msg, "That search cannot be run: %s.", serve_search_refusal(&err));
        serve_search_free(&s);
        return serve_error(q, 400, msg);
    }
    if (rc) { serve_search_free(&s); return serve_wpk_error(q, rc, &err); }
    results_html(&q->body, q->a, &s);
    serve_page_end(&q->body);
    serve_search_free(&s);
    q->status = 200;
    return 200;
}
