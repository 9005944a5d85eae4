/* wikitext_html.c - MediaWiki wikitext rendered for reading (see wikitext_html.h)
 *
 * Two passes. The first (`prepare`) copies the text without comments and
 * templates, and replaces what needs a renderer of its own by a marker
 * "\x01" KIND NUMBER "\x01": references (R), infoboxes (I), citation
 * templates (C), nowiki text (W), the reference list (N). The second walks
 * the prepared text line by line for blocks (headings, lists, tables,
 * paragraphs) and renders each run of text inline (emphasis, links,
 * markers). Page bytes 0x01 are dropped first, so markers are only ours.
 */
#include "wikitext_html.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_DEPTH 32      /* templates in templates, refs in templates */
#define MAX_LIST 16       /* list nesting */
#define MAX_PIECES 100000 /* markers of one page */

/* ---- output --------------------------------------------------------------- */

void wt_buf_free(wt_buf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

static void put(wt_buf *b, const char *s, size_t n)
{
    if (b->oom || b->cut || n == 0) return;
    if (b->max && b->len + n > b->max) { /* the page's share of output is used up */
        /* No tag is left half written: back to before a '<' that has no
         * '>' after it (a tag is written in several pieces). */
        size_t room = b->max > b->len ? b->max - b->len : 0;
        while (room && s[room - 1] != '>') room--;
        b->cut = 1;
        if (room == 0) {
            size_t k = b->len;
            while (k && b->p[k - 1] != '>' && b->p[k - 1] != '<') k--;
            if (k && b->p[k - 1] == '<') b->len = k - 1;
            if (b->p) b->p[b->len] = 0;
            return;
        }
        n = room;
    }
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1) cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

static void puts_(wt_buf *b, const char *s) { put(b, s, strlen(s)); }

/* Text escaped for HTML (element content and attribute values alike). */
static void esc(wt_buf *b, const char *s, size_t n)
{
    size_t from = 0;
    for (size_t i = 0; i < n; i++) {
        const char *rep = NULL;
        switch (s[i]) {
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '&': rep = "&amp;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: break;
        }
        if (!rep) continue;
        put(b, s + from, i - from);
        puts_(b, rep);
        from = i + 1;
    }
    put(b, s + from, n - from);
}

/* ---- small helpers ---------------------------------------------------------- */

static int is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

static void trim(const char **s, size_t *n)
{
    while (*n && (is_blank(**s) || **s == '\n')) (*s)++, (*n)--;
    while (*n && (is_blank((*s)[*n - 1]) || (*s)[*n - 1] == '\n')) (*n)--;
}

/* strcspn within s[0..n): the text need not end with a NUL. */
static size_t span_not(const char *s, size_t n, const char *set)
{
    size_t i = 0;
    while (i < n && !strchr(set, s[i])) i++;
    return i;
}

static int starts_nocase(const char *s, size_t n, const char *w)
{
    size_t k = strlen(w);
    return n >= k && !strncasecmp(s, w, k);
}

/* The end of "{{...}}" or "[[...]]" opening at s[0..1] (past the closing
 * pair), counting nested pairs of the same kind; n when it does not close. */
static size_t pair_end(const char *s, size_t n, char open, char close)
{
    int depth = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        if (s[i] == open && s[i + 1] == open) {
            depth++;
            i++;
        } else if (s[i] == close && s[i + 1] == close) {
            if (--depth == 0) return i + 2;
            i++;
        }
    }
    return n;
}

/* ---- pass 1: prepared text and its pieces ------------------------------------ */

typedef struct piece {
    char kind;     /* 'R' reference, 'I' infobox, 'C' citation, 'W' nowiki */
    char *text;    /* its (prepared) content, for I and C the template's inside */
    size_t len;
} piece;

typedef struct rend {
    const wt_opts *opts;
    piece *pieces;
    size_t npieces, cap;
    int notes_shown;   /* the reference list was placed */
    int in_notes;      /* rendering the reference list */
    size_t notes;      /* references numbered so far */
    size_t *note_of;   /* piece number -> note number (R pieces) */
    int oom;
} rend;

static int add_piece(rend *r, char kind, const char *s, size_t n)
{
    if (r->npieces >= MAX_PIECES) return -1;
    if (r->npieces == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        piece *p = realloc(r->pieces, cap * sizeof *p);
        if (!p) return r->oom = 1, -1;
        r->pieces = p;
        r->cap = cap;
    }
    char *copy = malloc(n + 1);
    if (!copy) return r->oom = 1, -1;
    memcpy(copy, s, n);
    copy[n] = 0;
    r->pieces[r->npieces] = (piece){kind, copy, n};
    return (int)r->npieces++;
}

static void marker(wt_buf *out, char kind, int n)
{
    char m[32];
    int k = n < 0 ? snprintf(m, sizeof m, "\x01%c\x01", kind) : snprintf(m, sizeof m, "\x01%c%d\x01", kind, n);
    put(out, m, (size_t)k);
}

static void prepare(rend *r, const char *s, size_t n, wt_buf *out, int depth);

/* A template: infoboxes and citations are kept as pieces, the rest dropped. */
static void template(rend *r, const char *s, size_t n, wt_buf *out, int depth)
{
    const char *in = s + 2;
    size_t len = n >= 4 ? n - 4 : 0;
    const char *name = in;
    size_t nlen = span_not(in, len, "|}\n");
    trim(&name, &nlen);
    char kind = starts_nocase(name, nlen, "Infobox") ? 'I' : starts_nocase(name, nlen, "cite ") || starts_nocase(name, nlen, "citation") ? 'C' : 0;
    if (!kind || depth >= MAX_DEPTH) return;
    wt_buf inner = {0};
    prepare(r, in, len, &inner, depth + 1);
    int k = add_piece(r, kind, inner.p ? inner.p : "", inner.len);
    wt_buf_free(&inner);
    if (k >= 0) marker(out, kind, k);
}

/* "<tag" at s (any case), followed by a blank, '>' or '/'. */
static int tag_at(const char *s, size_t n, const char *tag)
{
    size_t k = strlen(tag);
    return n > k + 1 && s[0] == '<' && !strncasecmp(s + 1, tag, k) &&
           (s[k + 1] == '>' || s[k + 1] == '/' || is_blank(s[k + 1]) || s[k + 1] == '\n');
}

/* Past "</tag>" from s (any case); n when it does not close. *inner_end
 * is where the closing tag starts. */
static size_t close_tag(const char *s, size_t n, const char *tag, size_t *inner_end)
{
    size_t k = strlen(tag);
    for (size_t i = 0; i + k + 3 <= n; i++)
        if (s[i] == '<' && s[i + 1] == '/' && !strncasecmp(s + i + 2, tag, k) && s[i + 2 + k] == '>') {
            *inner_end = i;
            return i + k + 3;
        }
    *inner_end = n;
    return n;
}

static void prepare(rend *r, const char *s, size_t n, wt_buf *out, int depth)
{
    size_t i = 0, from = 0;
    while (i < n) {
        char c = s[i];
        size_t skip = 0;
        if (c == '\x01') {
            put(out, s + from, i - from);
            from = ++i;
            continue;
        }
        if (c == '<' && n - i >= 4 && !memcmp(s + i, "<!--", 4)) {
            const char *e = NULL;
            for (size_t j = i + 4; j + 3 <= n; j++)
                if (!memcmp(s + j, "-->", 3)) {
                    e = s + j + 3;
                    break;
                }
            put(out, s + from, i - from);
            i = e ? (size_t)(e - s) : n;
            from = i;
            continue;
        }
        if (c == '{' && i + 1 < n && s[i + 1] == '{') {
            size_t e = i + pair_end(s + i, n - i, '{', '}');
            put(out, s + from, i - from);
            template(r, s + i, e - i, out, depth);
            i = from = e;
            continue;
        }
        if (c == '<' && (tag_at(s + i, n - i, "ref") || tag_at(s + i, n - i, "references") ||
                         tag_at(s + i, n - i, "nowiki") || tag_at(s + i, n - i, "pre"))) {
            int refs = tag_at(s + i, n - i, "references"), ref = !refs && tag_at(s + i, n - i, "ref");
            const char *tag = refs ? "references" : ref ? "ref" : tag_at(s + i, n - i, "nowiki") ? "nowiki" : "pre";
            const char *gt = memchr(s + i, '>', n - i);
            size_t open_end = gt ? (size_t)(gt - s) + 1 : n;
            int self_closed = gt && gt > s + i && gt[-1] == '/';
            size_t inner_end = open_end, end = self_closed ? open_end : open_end + close_tag(s + open_end, n - open_end, tag, &inner_end);
            if (!self_closed) inner_end += open_end;
            put(out, s + from, i - from);
            if (refs) {
                marker(out, 'N', -1);
            } else if (ref) {
                wt_buf inner = {0};
                if (!self_closed && depth < MAX_DEPTH) prepare(r, s + open_end, inner_end - open_end, &inner, depth + 1);
                int k = add_piece(r, 'R', inner.p ? inner.p : "", inner.len);
                wt_buf_free(&inner);
                if (k >= 0) marker(out, 'R', k);
            } else if (!self_closed) {
                int k = add_piece(r, 'W', s + open_end, inner_end - open_end);
                if (k >= 0) marker(out, strcmp(tag, "pre") ? 'W' : 'P', k);
            }
            i = from = end;
            continue;
        }
        (void)skip;
        i++;
    }
    put(out, s + from, n - from);
}

/* ---- pass 2: inline --------------------------------------------------------- */

static void render_inline(rend *r, const char *s, size_t n, wt_buf *out, int depth);

static int safe_url(const char *s, size_t n)
{
    static const char *const schemes[] = {"http://", "https://", "ftp://", "mailto:", "//"};
    for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++)
        if (starts_nocase(s, n, schemes[i])) return 1;
    return 0;
}

/* Opens the link's <a>: 1, or 0 when it goes nowhere (no archive copy and
 * no site to send it to): then its label is text. */
static int link_open(rend *r, const char *target, size_t tlen, wt_buf *out)
{
    char *href = r->opts && r->opts->link ? r->opts->link(r->opts->link_ctx, target, tlen) : NULL;
    const char *base = r->opts ? r->opts->site_base : NULL;
    if (!href && !(base && *base)) return 0;
    puts_(out, "<a href=\"");
    if (href) {
        esc(out, href, strlen(href));
        free(href);
        puts_(out, "\">");
        return 1;
    }
    if (base && *base) {
        esc(out, base, strlen(base));
        for (size_t i = 0; i < tlen; i++) {
            unsigned char c = (unsigned char)target[i];
            if (i == 0 && c >= 'a' && c <= 'z') c = (unsigned char)(c - 'a' + 'A'); /* MediaWiki's first letter */
            char hex[4];
            if (c == ' ') put(out, "_", 1);
            else if (c < 0x21 || c == '"' || c == '<' || c == '>' || c == '&' || c == '\'' || c == '%' || c == '?' || c == '#') {
                snprintf(hex, sizeof hex, "%%%02X", c);
                put(out, hex, 3);
            } else put(out, (const char *)&c, 1);
        }
    }
    puts_(out, "\" class=\"ext-wiki\">");
    return 1;
}

/* [[...]] at s (n: up to its end, brackets included). */
static void internal_link(rend *r, const char *s, size_t n, wt_buf *out, int depth)
{
    const char *in = s + 2;
    size_t len = n - 4;
    const char *bar = memchr(in, '|', len);
    const char *target = in;
    size_t tlen = bar ? (size_t)(bar - in) : len;
    trim(&target, &tlen);
    int colon = tlen && target[0] == ':';
    if (colon) target++, tlen--;
    const char *label = bar ? bar + 1 : target;
    size_t llen = bar ? len - (size_t)(bar + 1 - in) : tlen;
    if (!colon && (starts_nocase(target, tlen, "Category:") || starts_nocase(target, tlen, "Kategorie:"))) return;
    if (!colon && (starts_nocase(target, tlen, "File:") || starts_nocase(target, tlen, "Image:") ||
                   starts_nocase(target, tlen, "Datei:") || starts_nocase(target, tlen, "Fichier:"))) {
        /* An image: its caption, the last part that is not an option. */
        const char *cap = NULL;
        size_t clen = 0;
        for (const char *p = bar; p && p < in + len;) {
            const char *q = p + 1;
            size_t m = (size_t)(in + len - q);
            int nest = 0;
            const char *e = q;
            for (; e < in + len; e++) {
                if (e + 1 < in + len && e[0] == '[' && e[1] == '[') nest++;
                else if (e + 1 < in + len && e[0] == ']' && e[1] == ']' && nest) nest--;
                else if (*e == '|' && !nest) break;
            }
            m = (size_t)(e - q);
            static const char *const opts[] = {"thumb", "thumbnail", "frame", "frameless", "left", "right", "center",
                                               "none", "upright", "border", "baseline", "middle"};
            int option = 0;
            for (size_t k = 0; k < sizeof opts / sizeof opts[0]; k++)
                if (starts_nocase(q, m, opts[k])) option = 1;
            if (memchr(q, '=', m) && !memchr(q, ' ', m)) option = 1;
            if (m > 2 && q[m - 2] == 'p' && q[m - 1] == 'x') option = 1;
            if (!option) cap = q, clen = m;
            p = e < in + len ? e : NULL;
        }
        if (!cap) return;
        puts_(out, "<span class=\"image\">[");
        puts_(out, "image: ");
        render_inline(r, cap, clen, out, depth + 1);
        puts_(out, "]</span>");
        return;
    }
    const char *hash = memchr(target, '#', tlen);
    size_t page_len = hash ? (size_t)(hash - target) : tlen;
    if (page_len == 0) { /* a link within the page: its label */
        render_inline(r, label, llen, out, depth + 1);
        return;
    }
    int linked = link_open(r, target, page_len, out);
    render_inline(r, label, llen, out, depth + 1);
    if (linked) puts_(out, "</a>");
}

/* [url label] at s (n: up to its end, brackets included); not a URL: text. */
static void external_link(rend *r, const char *s, size_t n, wt_buf *out, int depth)
{
    const char *in = s + 1;
    size_t len = n - 2;
    size_t ulen = span_not(in, len, " \t]");
    if (!safe_url(in, ulen)) {
        esc(out, s, n);
        return;
    }
    puts_(out, "<a rel=\"nofollow\" class=\"external\" href=\"");
    esc(out, in, ulen);
    puts_(out, "\">");
    if (ulen < len) render_inline(r, in + ulen + 1, len - ulen - 1, out, depth + 1);
    else esc(out, in, ulen);
    puts_(out, "</a>");
}

/* HTML tags a page may use that are rendered as such (no attributes kept). */
static const char *allowed_tag(const char *s, size_t n, size_t *len)
{
    static const char *const tags[] = {"br", "b", "i", "u", "s", "sup", "sub", "small", "big", "code", "blockquote",
                                       "em", "strong", "del", "ins", "var", "kbd", "q", "center"};
    if (n < 3 || s[0] != '<') return NULL;
    const char *p = s + 1;
    int closing = *p == '/';
    if (closing) p++;
    const char *gt = memchr(s, '>', n < 256 ? n : 256);
    if (!gt) return NULL;
    for (size_t k = 0; k < sizeof tags / sizeof tags[0]; k++) {
        size_t t = strlen(tags[k]);
        if ((size_t)(gt - p) >= t && !strncasecmp(p, tags[k], t) &&
            (p[t] == '>' || p[t] == '/' || is_blank(p[t]))) {
            *len = (size_t)(gt - s) + 1;
            return closing ? "/" : tags[k];
        }
    }
    return NULL;
}

static void piece_inline(rend *r, char kind, size_t k, wt_buf *out, int depth);

/* Emphasis: MediaWiki toggles bold (three quotes) and italic (two). The
 * open ones are a stack (at most two), so that tags always nest: closing
 * one under the other closes and reopens the other. */
typedef struct emph {
    char open[3];
    int n;
} emph;

static void emph_tag(wt_buf *out, char k, int closing)
{
    puts_(out, closing ? (k == 'b' ? "</b>" : "</i>") : (k == 'b' ? "<b>" : "<i>"));
}

static void emph_toggle(emph *e, char k, wt_buf *out)
{
    int at = -1;
    for (int i = 0; i < e->n; i++)
        if (e->open[i] == k) at = i;
    if (at < 0) {
        e->open[e->n++] = k;
        emph_tag(out, k, 0);
        return;
    }
    for (int i = e->n - 1; i >= at; i--) emph_tag(out, e->open[i], 1);
    for (int i = at + 1; i < e->n; i++) {
        emph_tag(out, e->open[i], 0);
        e->open[i - 1] = e->open[i];
    }
    e->n--;
}

/* The positions of the "[[" of s[0..n) in order, and where each closes
 * (past its "]]", nested pairs counted; SIZE_MAX: never). Out of memory:
 * none (the run is then rendered without internal links). */
static void link_pairs(const char *s, size_t n, size_t **opens_out, size_t **closes_out, size_t *count)
{
    size_t cap = 0, nopen = 0, *opens = NULL, *closes = NULL, *stack = NULL, top = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        if (s[i] == '[' && s[i + 1] == '[') {
            if (nopen == cap) {
                cap = cap ? cap * 2 : 16;
                size_t *o = realloc(opens, cap * sizeof *o), *c = o ? realloc(closes, cap * sizeof *c) : NULL;
                size_t *st = c ? realloc(stack, cap * sizeof *st) : NULL;
                if (o) opens = o;
                if (c) closes = c;
                if (st) stack = st;
                if (!st) {
                    free(opens), free(closes), free(stack);
                    *opens_out = *closes_out = NULL;
                    *count = 0;
                    return;
                }
            }
            opens[nopen] = i;
            closes[nopen] = SIZE_MAX;
            stack[top++] = nopen++;
            i++;
        } else if (s[i] == ']' && s[i + 1] == ']' && top) {
            closes[stack[--top]] = i + 2;
            i++;
        }
    }
    free(stack);
    *opens_out = opens;
    *closes_out = closes;
    *count = nopen;
}

static void render_inline(rend *r, const char *s, size_t n, wt_buf *out, int depth)
{
    if (depth > MAX_DEPTH) {
        esc(out, s, n);
        return;
    }
    emph em = {{0}, 0};
    /* Where each "[[" of the run closes, found in one pass (a stack), so
     * that an unclosed "[[" costs no rescan; and the next ']' and newline,
     * found again only once passed. */
    size_t *opens = NULL, *closes = NULL, nopen = 0, k = 0;
    link_pairs(s, n, &opens, &closes, &nopen);
    const char *next_rb = NULL, *next_nl = NULL;
    size_t i = 0, from = 0;
    while (i < n) {
        char c = s[i];
        if (c == '\'' && i + 1 < n && s[i + 1] == '\'') {
            size_t q = 0;
            while (i + q < n && s[i + q] == '\'') q++;
            esc(out, s + from, i - from);
            if (q == 4 || q > 5) put(out, "&#39;", 5); /* MediaWiki: the extra quote is text */
            if (q >= 5) { /* both: the innermost first, so that no empty pair is left */
                char first = em.n == 2 ? em.open[1] : 'i';
                emph_toggle(&em, first, out);
                emph_toggle(&em, first == 'i' ? 'b' : 'i', out);
            } else if (q >= 3) {
                emph_toggle(&em, 'b', out);
            } else {
                emph_toggle(&em, 'i', out);
            }
            i = from = i + q;
            continue;
        }
        if (c == '[' && i + 1 < n && s[i + 1] == '[') {
            while (k < nopen && opens[k] < i) k++;
            size_t e = k < nopen && opens[k] == i ? closes[k] : SIZE_MAX;
            if (e != SIZE_MAX && e - i >= 4) {
                esc(out, s + from, i - from);
                internal_link(r, s + i, e - i, out, depth);
                i = from = e;
                continue;
            }
        }
        if (c == '[' && i + 1 < n && s[i + 1] != '[') {
            if (!next_rb || next_rb <= s + i) next_rb = memchr(s + i, ']', n - i);
            if (!next_rb) next_rb = s + n;
            if (!next_nl || next_nl <= s + i) next_nl = memchr(s + i, '\n', n - i);
            if (!next_nl) next_nl = s + n;
            const char *e = next_rb < s + n ? next_rb : NULL;
            if (e && next_nl > e && safe_url(s + i + 1, (size_t)(e - s - i - 1))) {
                esc(out, s + from, i - from);
                external_link(r, s + i, (size_t)(e - (s + i)) + 1, out, depth);
                i = from = (size_t)(e - s) + 1;
                continue;
            }
        }
        if (c == '\x01') {
            const char *e = memchr(s + i + 1, '\x01', n - i - 1);
            if (e && e - (s + i) >= 2) {
                esc(out, s + from, i - from);
                char kind = s[i + 1];
                size_t num = (size_t)strtoul(s + i + 2, NULL, 10);
                piece_inline(r, kind, num, out, depth);
                i = from = (size_t)(e - s) + 1;
                continue;
            }
        }
        if (c == '<') {
            size_t len;
            const char *tag = allowed_tag(s + i, n - i, &len);
            if (tag) {
                esc(out, s + from, i - from);
                /* Re-written clean: a closing tag of an open one, or an
                 * empty <br>; other closings dropped (no stray markup). */
                if (!strcmp(tag, "br")) puts_(out, "<br>");
                i = from = i + len;
                continue;
            }
        }
        if (c == '&') { /* an entity the page wrote: kept when it is one */
            size_t j = i + 1;
            while (j < n && j - i < 12 && (s[j] == '#' || (s[j] >= '0' && s[j] <= '9') || (s[j] >= 'a' && s[j] <= 'z') ||
                                            (s[j] >= 'A' && s[j] <= 'Z')))
                j++;
            if (j < n && s[j] == ';' && j > i + 1) {
                esc(out, s + from, i - from);
                put(out, s + i, j + 1 - i);
                i = from = j + 1;
                continue;
            }
        }
        i++;
    }
    esc(out, s + from, n - from);
    while (em.n) emph_tag(out, em.open[--em.n], 1);
    free(opens);
    free(closes);
}

/* The value of parameter `name` of a template's inside ("name|a=b|c=d"). */
static int param(const char *s, size_t n, const char *name, const char **v, size_t *vlen)
{
    size_t k = strlen(name);
    int nest = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '[' && i + 1 < n && s[i + 1] == '[') nest++;
        else if (s[i] == ']' && i + 1 < n && s[i + 1] == ']' && nest) nest--;
        if (s[i] != '|' || nest) continue;
        const char *p = s + i + 1;
        size_t m = n - i - 1;
        while (m && is_blank(*p)) p++, m--;
        if (m > k && !strncasecmp(p, name, k)) {
            const char *q = p + k;
            while (q < s + n && is_blank(*q)) q++;
            if (q < s + n && *q == '=') {
                q++;
                const char *e = q;
                int nest2 = 0;
                for (; e < s + n; e++) {
                    if (e + 1 < s + n && e[0] == '[' && e[1] == '[') nest2++;
                    else if (e + 1 < s + n && e[0] == ']' && e[1] == ']' && nest2) nest2--;
                    else if (*e == '|' && !nest2) break;
                }
                *v = q;
                *vlen = (size_t)(e - q);
                trim(v, vlen);
                return *vlen > 0;
            }
        }
    }
    return 0;
}

static void citation(rend *r, const piece *p, wt_buf *out, int depth)
{
    const char *title, *url, *site;
    size_t tl, ul, sl;
    int has_title = param(p->text, p->len, "title", &title, &tl);
    int has_url = param(p->text, p->len, "url", &url, &ul) && safe_url(url, ul);
    int has_site = param(p->text, p->len, "website", &site, &sl) || param(p->text, p->len, "work", &site, &sl) ||
                   param(p->text, p->len, "publisher", &site, &sl) || param(p->text, p->len, "journal", &site, &sl);
    if (!has_title && !has_url) return;
    if (has_url) {
        puts_(out, "<a rel=\"nofollow\" class=\"external\" href=\"");
        esc(out, url, ul);
        puts_(out, "\">");
    }
    if (has_title) render_inline(r, title, tl, out, depth + 1);
    else esc(out, url, ul);
    if (has_url) puts_(out, "</a>");
    if (has_site) {
        puts_(out, ", <i>");
        render_inline(r, site, sl, out, depth + 1);
        puts_(out, "</i>");
    }
    puts_(out, ". ");
}

static void notes_list(rend *r, wt_buf *out, int depth);

static void piece_inline(rend *r, char kind, size_t k, wt_buf *out, int depth)
{
    if (kind == 'N') {
        notes_list(r, out, depth);
        return;
    }
    if (k >= r->npieces) return;
    piece *p = &r->pieces[k];
    if (kind == 'W' && p->kind == 'W') {
        esc(out, p->text, p->len);
    } else if (kind == 'P' && p->kind == 'W') {
        puts_(out, "<pre>");
        esc(out, p->text, p->len);
        puts_(out, "</pre>");
    } else if (kind == 'C' && p->kind == 'C') {
        citation(r, p, out, depth);
    } else if (kind == 'R' && p->kind == 'R') {
        if (!r->note_of[k]) r->note_of[k] = ++r->notes;
        char m[96];
        snprintf(m, sizeof m, "<sup class=\"ref\"><a href=\"#note-%zu\" id=\"ref-%zu\">[%zu]</a></sup>", r->note_of[k],
                 r->note_of[k], r->note_of[k]);
        puts_(out, m);
    } else if (kind == 'I' && p->kind == 'I') {
        /* An infobox: each "| key = value" as a row. */
        puts_(out, "<table class=\"infobox\">");
        const char *s = p->text;
        size_t n = p->len;
        int nest = 0;
        for (size_t i = 0; i < n; i++) {
            if (s[i] == '[' && i + 1 < n && s[i + 1] == '[') nest++;
            else if (s[i] == ']' && i + 1 < n && s[i + 1] == ']' && nest) nest--;
            if (s[i] != '|' || nest) continue;
            const char *kv = s + i + 1, *e = kv;
            int nest2 = 0;
            for (; e < s + n; e++) {
                if (e + 1 < s + n && e[0] == '[' && e[1] == '[') nest2++;
                else if (e + 1 < s + n && e[0] == ']' && e[1] == ']' && nest2) nest2--;
                else if (*e == '|' && !nest2) break;
            }
            const char *eq = memchr(kv, '=', (size_t)(e - kv));
            if (eq) {
                const char *key = kv, *val = eq + 1;
                size_t kl = (size_t)(eq - kv), vl = (size_t)(e - val);
                trim(&key, &kl);
                trim(&val, &vl);
                static const char *const hidden[] = {"image", "image_size", "imagesize", "alt", "logo", "map", "coordinates"};
                int hide = 0;
                for (size_t h = 0; h < sizeof hidden / sizeof hidden[0]; h++)
                    if (kl == strlen(hidden[h]) && !strncasecmp(key, hidden[h], kl)) hide = 1;
                if (kl && vl && !hide) {
                    puts_(out, "<tr><th>");
                    for (size_t c = 0; c < kl; c++) esc(out, key[c] == '_' ? " " : key + c, 1); /* a key is text */
                    puts_(out, "</th><td>");
                    render_inline(r, val, vl, out, depth + 1);
                    puts_(out, "</td></tr>");
                }
            }
            i = (size_t)(e - s) - 1;
        }
        puts_(out, "</table>\n");
    }
}

static void notes_list(rend *r, wt_buf *out, int depth)
{
    /* A reference list inside a note (an unclosed <ref> swallowed it) is
     * left out: listing the notes inside a note would list them again at
     * every level. */
    if (!r->notes || r->in_notes) return;
    r->in_notes = 1;
    r->notes_shown = 1;
    /* Note number -> piece, in one pass (notes may number up to a piece each). */
    size_t *piece_of = calloc(r->notes + 1, sizeof *piece_of);
    if (!piece_of) {
        out->oom = 1;
        r->in_notes = 0;
        return;
    }
    for (size_t k = 0; k < r->npieces; k++)
        if (r->note_of[k]) piece_of[r->note_of[k]] = k;
    size_t shown = r->notes; /* notes numbered while rendering these are listed too */
    puts_(out, "<ol class=\"notes\">");
    for (size_t n = 1; n <= shown; n++) {
        char m[64];
        snprintf(m, sizeof m, "<li id=\"note-%zu\">", n);
        puts_(out, m);
        render_inline(r, r->pieces[piece_of[n]].text, r->pieces[piece_of[n]].len, out, depth + 1);
        puts_(out, "</li>");
    }
    free(piece_of);
    puts_(out, "</ol>\n");
    r->in_notes = 0;
}

/* ---- pass 2: blocks ------------------------------------------------------------ */

typedef struct block {
    rend *r;
    wt_buf *out;
    int in_para;
    char list[MAX_LIST + 1]; /* open list kinds, '*' '#' ';' ':' */
    int depth;               /* open lists */
    int in_table, in_row, in_cell;
} block;

static void close_para(block *b)
{
    if (b->in_para) puts_(b->out, "</p>\n");
    b->in_para = 0;
}

static const char *list_tag(char k) { return k == '#' ? "ol" : k == '*' ? "ul" : "dl"; }
static const char *item_tag(char k) { return k == ';' ? "dt" : k == ':' ? "dd" : "li"; }

static void set_lists(block *b, const char *want, int n)
{
    int keep = 0;
    while (keep < b->depth && keep < n && (b->list[keep] == want[keep] ||
                                           ((b->list[keep] == ';' || b->list[keep] == ':') && (want[keep] == ';' || want[keep] == ':'))))
        keep++;
    while (b->depth > keep) {
        b->depth--;
        puts_(b->out, "</");
        puts_(b->out, item_tag(b->list[b->depth]));
        puts_(b->out, "></");
        puts_(b->out, list_tag(b->list[b->depth]));
        puts_(b->out, ">\n");
    }
    if (b->depth == n && n > 0) { /* the next item of the same list */
        puts_(b->out, "</");
        puts_(b->out, item_tag(b->list[n - 1]));
        puts_(b->out, ">");
        b->list[n - 1] = want[n - 1];
        puts_(b->out, "<");
        puts_(b->out, item_tag(want[n - 1]));
        puts_(b->out, ">");
        return;
    }
    while (b->depth < n) {
        b->list[b->depth] = want[b->depth];
        puts_(b->out, "<");
        puts_(b->out, list_tag(want[b->depth]));
        puts_(b->out, "><");
        puts_(b->out, item_tag(want[b->depth]));
        puts_(b->out, ">");
        b->depth++;
    }
}

static void close_cell(block *b)
{
    if (b->in_cell) puts_(b->out, b->in_cell == 2 ? "</th>" : "</td>");
    b->in_cell = 0;
}

static void close_table(block *b)
{
    if (!b->in_table) return;
    close_cell(b);
    if (b->in_row) puts_(b->out, "</tr>");
    puts_(b->out, "</table>\n");
    b->in_table = b->in_row = 0;
}

/* Table cells of one line: "| a || b" or "! h !! h"; a cell's
 * "attributes |" prefix is dropped. */
static void table_cells(block *b, const char *s, size_t n, int head)
{
    if (!b->in_row) {
        puts_(b->out, "<tr>");
        b->in_row = 1;
    }
    const char *sep = head ? "!!" : "||";
    while (1) {
        const char *e = NULL;
        for (size_t i = 0; i + 1 < n; i++)
            if ((s[i] == sep[0] && s[i + 1] == sep[1]) || (head && s[i] == '|' && s[i + 1] == '|')) {
                e = s + i;
                break;
            }
        size_t len = e ? (size_t)(e - s) : n;
        const char *cell = s;
        const char *bar = memchr(cell, '|', len);
        if (bar && !(bar + 1 < s + len && bar[1] == '|') && !memchr(cell, '[', (size_t)(bar - cell)))
            len -= (size_t)(bar + 1 - cell), cell = bar + 1;
        close_cell(b);
        puts_(b->out, head ? "<th>" : "<td>");
        b->in_cell = head ? 2 : 1;
        trim(&cell, &len);
        render_inline(b->r, cell, len, b->out, 0);
        if (!e) break;
        n -= (size_t)(e + 2 - s);
        s = e + 2;
    }
}

static void line(block *b, const char *s, size_t n)
{
    const char *t = s;
    size_t tn = n;
    while (tn && is_blank(t[tn - 1])) tn--;
    if (b->in_table) {
        const char *p = t;
        size_t m = tn;
        while (m && is_blank(*p)) p++, m--;
        if (m >= 2 && p[0] == '|' && p[1] == '}') {
            close_table(b);
            return;
        }
        if (m >= 2 && p[0] == '|' && p[1] == '-') {
            close_cell(b);
            if (b->in_row) puts_(b->out, "</tr>");
            b->in_row = 0;
            return;
        }
        if (m >= 2 && p[0] == '|' && p[1] == '+') {
            puts_(b->out, "<caption>");
            render_inline(b->r, p + 2, m - 2, b->out, 0);
            puts_(b->out, "</caption>");
            return;
        }
        if (m >= 1 && (p[0] == '|' || p[0] == '!')) {
            table_cells(b, p + 1, m - 1, p[0] == '!');
            return;
        }
        if (b->in_cell) { /* a cell's text goes on */
            puts_(b->out, " ");
            render_inline(b->r, t, tn, b->out, 0);
        }
        return;
    }
    if (tn == 0) {
        close_para(b);
        set_lists(b, "", 0);
        return;
    }
    if (tn >= 2 && t[0] == '{' && t[1] == '|') {
        close_para(b);
        set_lists(b, "", 0);
        puts_(b->out, "<table class=\"wikitable\">");
        b->in_table = 1;
        return;
    }
    if (t[0] == '=') {
        size_t lo = 0, hi = 0;
        while (lo < tn && t[lo] == '=') lo++;
        while (hi < tn - lo && t[tn - 1 - hi] == '=') hi++;
        size_t level = lo < hi ? lo : hi;
        if (level >= 1 && level <= 6 && tn > 2 * level) {
            close_para(b);
            set_lists(b, "", 0);
            const char *h = t + level;
            size_t hl = tn - 2 * level;
            trim(&h, &hl);
            char tag[8];
            snprintf(tag, sizeof tag, "h%zu", level < 2 ? 2 : level);
            puts_(b->out, "<");
            puts_(b->out, tag);
            puts_(b->out, ">");
            render_inline(b->r, h, hl, b->out, 0);
            puts_(b->out, "</");
            puts_(b->out, tag);
            puts_(b->out, ">\n");
            return;
        }
    }
    if (tn >= 4 && !memcmp(t, "----", 4)) {
        close_para(b);
        set_lists(b, "", 0);
        puts_(b->out, "<hr>\n");
        return;
    }
    if (t[0] == '*' || t[0] == '#' || t[0] == ';' || t[0] == ':') {
        size_t k = 0;
        while (k < tn && k < MAX_LIST && (t[k] == '*' || t[k] == '#' || t[k] == ';' || t[k] == ':')) k++;
        close_para(b);
        set_lists(b, t, (int)k);
        const char *item = t + k;
        size_t il = tn - k;
        trim(&item, &il);
        render_inline(b->r, item, il, b->out, 0);
        return;
    }
    if (t[0] == '\x01' && tn >= 3 && (t[1] == 'I' || t[1] == 'N' || t[1] == 'P') && t[tn - 1] == '\x01' &&
        !memchr(t + 1, '\x01', tn - 2)) { /* a block of its own */
        close_para(b);
        set_lists(b, "", 0);
        render_inline(b->r, t, tn, b->out, 0);
        return;
    }
    set_lists(b, "", 0);
    /* Magic words: left out. */
    if (tn > 4 && t[0] == '_' && t[1] == '_' && t[tn - 1] == '_' && t[tn - 2] == '_' && !memchr(t, ' ', tn)) return;
    const char *p = t;
    size_t m = tn;
    while (m && is_blank(*p)) p++, m--;
    wt_buf one = {0};
    one.max = b->out->max;
    render_inline(b->r, p, m, &one, 0);
    size_t k = 0;
    while (k < one.len && (is_blank(one.p[k]) || one.p[k] == '\n')) k++;
    if (k < one.len) { /* a line of category links or dropped templates alone makes no paragraph */
        puts_(b->out, b->in_para ? "\n" : "<p>");
        b->in_para = 1;
        put(b->out, one.p, one.len);
    }
    if (one.oom) b->out->oom = 1;
    if (one.cut) b->out->cut = 1;
    wt_buf_free(&one);
}

int wt_render_html(const char *text, size_t len, const wt_opts *opts, wt_buf *out)
{
    rend r = {0};
    r.opts = opts;
    wt_buf prep = {0};
    prepare(&r, text, len, &prep, 0);
    r.note_of = calloc(r.npieces + 1, sizeof *r.note_of);
    wt_buf body = {0};
    body.max = WT_MAX_OUTPUT(len);
    if (r.note_of && !prep.oom && !r.oom) {
        block b = {&r, &body, 0, {0}, 0, 0, 0, 0};
        const char *s = prep.p ? prep.p : "";
        size_t n = prep.len;
        for (size_t i = 0; i < n;) {
            const char *nl = memchr(s + i, '\n', n - i);
            size_t e = nl ? (size_t)(nl - s) : n;
            line(&b, s + i, e - i);
            i = e + 1;
            if (body.cut) break;
        }
        close_para(&b);
        set_lists(&b, "", 0);
        close_table(&b);
        if (!r.notes_shown && r.notes) {
            puts_(&body, "<h2>Notes</h2>\n");
            notes_list(&r, &body, 0);
        }
    }
    int oom = !r.note_of || prep.oom || r.oom || body.oom;
    if (!oom) {
        /* Cut output may end inside a tag or an element: the caller's page
         * is still well formed HTML enough to show, and says so. */
        put(out, body.p ? body.p : "", body.len);
        if (body.cut) puts_(out, "\n<p class=\"cut\">(the rest of this page is not shown)</p>\n");
    }
    for (size_t k = 0; k < r.npieces; k++) free(r.pieces[k].text);
    free(r.pieces);
    free(r.note_of);
    wt_buf_free(&prep);
    wt_buf_free(&body);
    if (oom) out->oom = 1;
    return out->oom ? -1 : 0;
}

/* ---- plain text: the HTML, its tags turned into line breaks or dropped ---- */

/* One character of the text form: at most one empty line between blocks,
 * and none at the start (the HTML's own line breaks count too). */
static void put_text_char(wt_buf *out, char c)
{
    if (c == '\n' && (out->len == 0 || (out->len >= 2 && out->p[out->len - 1] == '\n' && out->p[out->len - 2] == '\n')))
        return;
    put(out, &c, 1);
}

int wt_render_text(const char *text, size_t len, wt_buf *out)
{
    wt_buf html = {0};
    wt_opts none = {NULL, NULL, NULL};
    if (wt_render_html(text, len, &none, &html) != 0) {
        wt_buf_free(&html);
        out->oom = 1;
        return -1;
    }
    static const struct { const char *tag, *text; } blocks[] = {
        {"<p>", ""}, {"</p>", "\n\n"}, {"<h2>", "\n== "}, {"</h2>", " ==\n\n"}, {"<h3>", "\n=== "}, {"</h3>", " ===\n\n"},
        {"<h4>", "\n==== "}, {"</h4>", " ====\n\n"}, {"<li>", "* "}, {"</li>", "\n"}, {"<dt>", ""}, {"</dt>", "\n"},
        {"<dd>", "  "}, {"</dd>", "\n"}, {"<br>", "\n"}, {"</tr>", "\n"}, {"<td>", " | "}, {"<th>", " | "},
        {"</table>", "\n"}, {"<hr>", "\n----\n"}, {"</ul>", "\n"}, {"</ol>", "\n"},
    };
    static const struct { const char *ent, *ch; } ents[] = {
        {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&nbsp;", " "},
    };
    const char *s = html.p ? html.p : "";
    size_t n = html.len;
    for (size_t i = 0; i < n;) {
        if (s[i] == '<') {
            const char *gt = memchr(s + i, '>', n - i);
            size_t tl = gt ? (size_t)(gt - (s + i)) + 1 : n - i;
            for (size_t k = 0; k < sizeof blocks / sizeof blocks[0]; k++) {
                if (tl != strlen(blocks[k].tag) || memcmp(s + i, blocks[k].tag, tl) != 0) continue;
                for (const char *c = blocks[k].text; *c; c++) put_text_char(out, *c);
            }
            i += tl;
            continue;
        }
        if (s[i] == '&') {
            size_t k = 0;
            for (; k < sizeof ents / sizeof ents[0]; k++)
                if (!strncmp(s + i, ents[k].ent, strlen(ents[k].ent))) break;
            if (k < sizeof ents / sizeof ents[0]) {
                puts_(out, ents[k].ch);
                i += strlen(ents[k].ent);
                continue;
            }
        }
        put_text_char(out, s[i]);
        i++;
    }
    wt_buf_free(&html);
    return out->oom ? -1 : 0;
}
