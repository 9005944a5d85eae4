/* plain.c - an article's plain text from its markup (see plain.h).
 *
 * One forward pass per markup, no recursion. Every look-ahead either
 * consumes what it scanned, stops at the next byte that starts another
 * look-ahead of its kind, is bounded by a constant, or is remembered (a
 * closing tag found once is not searched for again), so that hostile
 * input ("{{{{", "[[[[", unclosed tags by the million) stays linear.
 * Markup is ASCII: the text between it is copied a whole UTF-8 sequence
 * (or one invalid byte) at a time, so a cut or a dropped mark never
 * splits a character. */
#include "plain.h"

#include "common.h"

#include <stdint.h>
#include <string.h>

#define NONE SIZE_MAX

/* ---- Output: separators are owed, not written, until a character
 * follows, so that there is never a space at either end or beside a
 * newline. ---- */

typedef struct out {
    char *buf;
    size_t len, alloc, cap;
    int full;     /* cap reached or no memory: stop */
    int nomem;
    int space;    /* a space is owed */
    int newlines; /* newlines owed, 0 to 2 */
    int source_newlines; /* newlines of the text since the last character: two make a paragraph */
} out;

static int grow(out *o, size_t need)
{
    size_t a = o->alloc ? o->alloc : 256;
    while (a < need) a = a > SIZE_MAX / 2 ? need : a * 2;
    if (o->cap < SIZE_MAX && a > o->cap + 1) a = o->cap + 1; /* memory bounded by cap */
    char *b = wpk_realloc(o->buf, a);
    if (!b) {
        o->nomem = o->full = 1;
        return -1;
    }
    o->buf = b;
    o->alloc = a;
    return 0;
}

/* n bytes that belong together (one character, or one piece of ASCII),
 * after the separators owed. */
static void put(out *o, const char *p, size_t n)
{
    if (o->full) return;
    size_t sep = o->len == 0 ? 0 : o->newlines ? (size_t)o->newlines : (size_t)o->space;
    if (n > o->cap || o->len + sep > o->cap - n) {
        o->full = 1;
        return;
    }
    if (o->len + sep + n + 1 > o->alloc && grow(o, o->len + sep + n + 1)) return;
    if (sep) memset(o->buf + o->len, o->newlines ? '\n' : ' ', sep);
    o->len += sep;
    memcpy(o->buf + o->len, p, n);
    o->len += n;
    o->space = o->newlines = o->source_newlines = 0;
}

static void put_space(out *o)
{
    if (!o->newlines) o->space = 1;
}

/* A line ends here (a block's edge): one newline, however many say so. */
static void put_newline(out *o)
{
    o->space = 0;
    if (!o->newlines) o->newlines = 1;
}

/* A newline of the text: a second one in a row makes a paragraph. */
static void put_source_newline(out *o)
{
    o->space = 0;
    if (o->source_newlines < 2) o->source_newlines++;
    if (o->newlines < o->source_newlines) o->newlines = o->source_newlines;
}

static void put_cp(out *o, uint32_t c)
{
    char b[4];
    if (c < 0x80) {
        b[0] = (char)c;
        put(o, b, 1);
    } else if (c < 0x800) {
        b[0] = (char)(0xC0 | c >> 6), b[1] = (char)(0x80 | (c & 0x3F));
        put(o, b, 2);
    } else if (c < 0x10000) {
        b[0] = (char)(0xE0 | c >> 12), b[1] = (char)(0x80 | (c >> 6 & 0x3F)), b[2] = (char)(0x80 | (c & 0x3F));
        put(o, b, 3);
    } else {
        b[0] = (char)(0xF0 | c >> 18), b[1] = (char)(0x80 | (c >> 12 & 0x3F));
        b[2] = (char)(0x80 | (c >> 6 & 0x3F)), b[3] = (char)(0x80 | (c & 0x3F));
        put(o, b, 4);
    }
}

/* ---- Scanning shared by the three markups ---- */

/* Bytes of the valid UTF-8 sequence at s[i], or 1 for a byte that starts none. */
static size_t utf8_unit(const char *str, size_t len, size_t i)
{
    const unsigned char *s = (const unsigned char *)str;
    unsigned c = s[i];
    size_t n = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    if (n <= 1 || len - i < n) return 1;
    unsigned lo = 0x80, hi = 0xBF; /* no overlong forms, surrogates or beyond U+10FFFF */
    if (c == 0xE0) lo = 0xA0;
    else if (c == 0xED) hi = 0x9F;
    else if (c == 0xF0) lo = 0x90;
    else if (c == 0xF4) hi = 0x8F;
    if (s[i + 1] < lo || s[i + 1] > hi) return 1;
    for (size_t k = 2; k < n; k++)
        if ((s[i + k] & 0xC0) != 0x80) return 1;
    return n;
}

/* One unit of text at s[i]: whitespace and control characters become
 * owed separators (a newline one only when newline_breaks). Returns the
 * bytes used. */
static size_t text_unit(out *o, const char *s, size_t len, size_t i, int newline_breaks)
{
    unsigned char c = (unsigned char)s[i];
    if (c == '\n') {
        if (newline_breaks) put_source_newline(o);
        else put_space(o);
        return 1;
    }
    if (c <= 0x20 || c == 0x7F) {
        put_space(o);
        return 1;
    }
    size_t n = utf8_unit(s, len, i);
    put(o, s + i, n);
    return n;
}

static int is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }
static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c; }

static int prefix_ci(const char *s, size_t len, size_t i, const char *p)
{
    size_t n = strlen(p);
    if (len - i < n) return 0;
    for (size_t k = 0; k < n; k++)
        if (lower(s[i + k]) != p[k]) return 0;
    return 1;
}

static int hex_value(char c)
{
    if (is_digit(c)) return c - '0';
    c = lower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The entity at s[i] ('&'): &amp; &lt; &gt; &quot; &apos; &nbsp; &#NN;
 * &#xHH;. Returns the bytes it takes (0: not one of those, or a code point
 * that cannot be written) and its code point; &nbsp; is a space. */
static size_t entity(const char *s, size_t len, size_t i, uint32_t *cp)
{
    static const struct { const char *name; uint32_t cp; } named[] = {
        {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}, {"&nbsp;", ' '}};
    for (size_t k = 0; k < sizeof named / sizeof named[0]; k++)
        if (prefix_ci(s, len, i, named[k].name)) {
            *cp = named[k].cp;
            return strlen(named[k].name);
        }
    if (len - i < 4 || s[i + 1] != '#') return 0;
    size_t j = i + 2;
    int hex = s[j] == 'x' || s[j] == 'X';
    j += (size_t)hex;
    uint32_t v = 0;
    size_t digits = 0;
    for (; j < len && digits < 8; j++, digits++) { /* bounded: linear */
        int d = hex ? hex_value(s[j]) : is_digit(s[j]) ? s[j] - '0' : -1;
        if (d < 0) break;
        v = v * (hex ? 16 : 10) + (uint32_t)d;
    }
    if (!digits || j >= len || s[j] != ';') return 0;
    if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
    *cp = v;
    return j + 1 - i;
}

/* An entity at s[i] decoded, or the '&' as text. Returns the bytes used. */
static size_t put_entity(out *o, const char *s, size_t len, size_t i)
{
    uint32_t c;
    size_t n = entity(s, len, i, &c);
    if (!n) {
        put(o, "&", 1);
        return 1;
    }
    if (c < 0x20 || c == 0x7F) {
        if (c == '\n') put_newline(o);
        else put_space(o);
    } else if (c == ' ' || c == 0xA0) put_space(o); /* &nbsp; and &#160; alike */
    else put_cp(o, c);
    return n;
}

/* Text with entities decoded and no other markup (code, nowiki). */
static void put_raw(out *o, const char *s, size_t from, size_t to, int decode)
{
    for (size_t i = from; i < to && !o->full;)
        i += decode && s[i] == '&' ? put_entity(o, s, to, i) : text_unit(o, s, to, i, 1);
}

/* The first case-insensitive occurrence of needle (lower case) at or
 * after `from`, or len. The answer is kept: a later search from a place
 * before it is answered without scanning, so that a thousand <ref> tags
 * with no </ref> cost one scan. */
typedef struct finder {
    const char *needle;
    size_t from, at; /* no occurrence in [from, at) */
} finder;

static size_t find(finder *f, const char *s, size_t len, size_t from)
{
    if (f->at != NONE && from >= f->from && from <= f->at) return f->at;
    size_t n = strlen(f->needle), at = len;
    for (size_t j = from; n <= len && j <= len - n; j++) {
        const char *p = memchr(s + j, '<', len - n + 1 - j); /* every needle starts with '<' */
        if (!p) break;
        j = (size_t)(p - s);
        if (prefix_ci(s, len, j, f->needle)) {
            at = j;
            break;
        }
    }
    f->from = from;
    f->at = at;
    return at;
}

/* ---- Tags ---- */

typedef struct tag {
    char name[16]; /* lower case; "" when longer */
    int closing, self_closing;
    size_t end; /* past the '>' */
} tag;

/* The tag at s[i] ('<'): a letter after "<" or "</", then anything up to
 * '>'. Not a tag when another '<' (or, unless multiline, a newline) comes
 * first: the scan never passes the next '<', so scans do not overlap. */
static int parse_tag(const char *s, size_t len, size_t i, int multiline, tag *t)
{
    size_t j = i + 1;
    t->closing = j < len && s[j] == '/';
    j += (size_t)t->closing;
    if (j >= len || !is_alpha(s[j])) return 0;
    size_t n = 0;
    for (; j < len && (is_alpha(s[j]) || is_digit(s[j])); j++, n++)
        if (n < sizeof t->name - 1) t->name[n] = lower(s[j]);
    t->name[n < sizeof t->name ? n : 0] = 0;
    for (; j < len; j++) {
        if (s[j] == '>') {
            t->self_closing = s[j - 1] == '/';
            t->end = j + 1;
            return 1;
        }
        if (s[j] == '<' || (s[j] == '\n' && !multiline)) return 0;
    }
    return 0;
}

static int name_in(const char *name, const char *const *names)
{
    for (; *names; names++)
        if (!strcmp(name, *names)) return 1;
    return 0;
}

/* A tag's effect on the text around it: block tags part words. */
static void tag_break(out *o, const tag *t)
{
    static const char *const cells[] = {"td", "th", NULL};
    static const char *const blocks[] = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "ul", "ol",
        "dl", "dt", "dd", "table", "caption", "blockquote", "pre", "hr", "section", "article", "header", "footer",
        "nav", "aside", "figure", "figcaption", "main", "address", "tbody", "thead", "tfoot", "form", NULL};
    if (name_in(t->name, cells)) put_space(o);
    else if (name_in(t->name, blocks)) put_newline(o);
}

/* Past the comment at s[i] ("<!--"); an unclosed one runs to the end. */
static size_t skip_comment(const char *s, size_t len, size_t i)
{
    for (size_t j = i + 4; j + 3 <= len; j++) {
        const char *p = memchr(s + j, '-', len - j);
        if (!p) break;
        j = (size_t)(p - s);
        if (j + 3 <= len && s[j + 1] == '-' && s[j + 2] == '>') return j + 3;
    }
    return len;
}

/* Past the element whose opening tag ends at `from` (script, style,
 * head): its closing tag, else the end, as browsers do. */
static size_t skip_element(const char *s, size_t len, size_t from, const char *name)
{
    size_t n = strlen(name);
    for (size_t j = from; j < len; j++) {
        const char *p = memchr(s + j, '<', len - j);
        if (!p) break;
        j = (size_t)(p - s);
        if (j + 2 + n <= len && s[j + 1] == '/' && prefix_ci(s, len, j + 2, name)
            && (j + 2 + n == len || !(is_alpha(s[j + 2 + n]) || is_digit(s[j + 2 + n])))) { /* not </header> */
            const char *gt = memchr(s + j, '>', len - j);
            return gt ? (size_t)(gt - s) + 1 : len;
        }
    }
    return len;
}

/* HTML's '<' at s[i], in HTML or markdown: a comment, a declaration, a
 * tag (dropped, its element's content too for script, style and head), or
 * the '<' as text. Returns where to go on. */
static size_t html_lt(out *o, const char *s, size_t len, size_t i, int multiline, int *pre)
{
    static const char *const hidden[] = {"script", "style", "head", NULL};
    if (len - i >= 4 && !memcmp(s + i, "<!--", 4)) return skip_comment(s, len, i);
    if (len - i >= 2 && (s[i + 1] == '!' || s[i + 1] == '?') && (len - i == 2 || is_alpha(s[i + 2]))) {
        for (size_t j = i + 2; j < len && s[j] != '<'; j++)
            if (s[j] == '>') return j + 1;
    }
    tag t;
    if (!parse_tag(s, len, i, multiline, &t)) {
        put(o, "<", 1);
        return i + 1;
    }
    if (!t.closing && !t.self_closing && name_in(t.name, hidden)) return skip_element(s, len, t.end, t.name);
    if (!strcmp(t.name, "pre") && pre) *pre += t.closing ? (*pre > 0 ? -1 : 0) : 1;
    tag_break(o, &t);
    return t.end;
}

/* ---- HTML ---- */

static void html_text(out *o, const char *s, size_t len)
{
    int pre = 0; /* inside <pre>: source newlines are line breaks */
    for (size_t i = 0; i < len && !o->full;) {
        if (s[i] == '<') i = html_lt(o, s, len, i, 1, &pre);
        else if (s[i] == '&') i += put_entity(o, s, len, i);
        else i += text_unit(o, s, len, i, pre > 0);
    }
}

/* ---- Markdown ---- */

#define MD_BRACKETS 16 /* open '[' remembered; deeper ones stay text */
#define MD_TICKS 32    /* code spans of at most this many backticks */

typedef struct md {
    const char *s;
    size_t len;
    out *o;
    size_t fence_len; /* inside a fenced code block: its fence's length */
    char fence;
    size_t heading_end;     /* where a heading's closing #'s start */
    size_t bracket[MD_BRACKETS], bracket_bytes[MD_BRACKETS], n_brackets; /* output offsets of '[' or "![" */
    size_t tick_from[MD_TICKS + 1], tick_none[MD_TICKS + 1];          /* no run of k backticks in [from, none) */
    size_t paren_from, paren_none; /* no link destination's ')' in [from, none) */
} md;

static size_t line_end(const char *s, size_t len, size_t i)
{
    const char *p = memchr(s + i, '\n', len - i);
    return p ? (size_t)(p - s) : len;
}

/* Past a line dropped whole, its newline too: it makes no blank line. */
static size_t past_line(size_t len, size_t le) { return le < len ? le + 1 : len; }

/* A blank line starts at s[i] (just after a newline)? */
static int blank_line(const char *s, size_t len, size_t i)
{
    while (i < len && is_blank(s[i])) i++;
    return i >= len || s[i] == '\n';
}

/* "---" then lines then "---" or "..." at the very start: YAML front matter. */
static size_t md_front_matter(const char *s, size_t len)
{
    size_t e = line_end(s, len, 0);
    if (e < 3 || memcmp(s, "---", 3) != 0 || e == len) return 0;
    for (size_t k = 3; k < e; k++)
        if (!is_blank(s[k])) return 0;
    for (size_t i = e + 1; i < len;) {
        size_t le = line_end(s, len, i), t = le;
        while (t > i && is_blank(s[t - 1])) t--;
        if (t - i == 3 && (!memcmp(s + i, "---", 3) || !memcmp(s + i, "...", 3))) return le;
        i = le + 1;
    }
    return 0;
}

/* A line of one of "-*_=" three times or more (or "=" once: setext), with
 * spaces: a thematic break or a heading's underline, dropped. */
static int md_rule_line(const char *s, size_t from, size_t to)
{
    char c = 0;
    size_t n = 0;
    for (size_t k = from; k < to; k++) {
        if (is_blank(s[k])) continue;
        if (!c && strchr("-*_=", s[k])) c = s[k];
        if (s[k] != c) return 0;
        n++;
    }
    return c && (n >= 3 || c == '=');
}

/* "## Metadata" or "## Article Metadata": the block of fields that `pack`
 * reads into the entry's title, page ID, URL and categories (the markdown
 * layout it documents), not the article's text. */
static int md_metadata_heading(const char *s, size_t from, size_t to)
{
    while (from < to && is_blank(s[from])) from++;
    while (to > from && is_blank(s[to - 1])) to--;
    size_t n = to - from;
    return (n == 8 && !memcmp(s + from, "Metadata", 8)) || (n == 16 && !memcmp(s + from, "Article Metadata", 16));
}

/* The start of the next line opening with '#' after the line ending at
 * le (the end of the text when none): where a dropped section ends. */
static size_t md_section_end(const char *s, size_t len, size_t le)
{
    for (size_t i = le; i < len; i++)
        if (s[i] == '\n' && i + 1 < len && s[i + 1] == '#') return i + 1;
    return len;
}

/* Past a line's block markers: quotes, a fence (opening a code block),
 * a heading's #'s, a list's bullet or number, a task's box. */
static size_t md_line_start(md *m, size_t i)
{
    const char *s = m->s;
    size_t len = m->len, le = line_end(s, len, i);
    if (m->fence) { /* the closing fence, or a line of code */
        size_t p = i, n = 0;
        while (p < le && is_blank(s[p])) p++;
        while (p + n < le && s[p + n] == m->fence) n++;
        if (n >= m->fence_len && blank_line(s, len, p + n)) {
            m->fence = 0;
            return past_line(len, le);
        }
        put_raw(m->o, s, i, le, 0);
        return le;
    }
    size_t p = i;
    while (p < le && is_blank(s[p])) p++;
    while (p < le && s[p] == '>') { /* block quotes */
        p++;
        while (p < le && is_blank(s[p])) p++;
    }
    if (p < le && (s[p] == '`' || s[p] == '~')) {
        size_t n = 0;
        while (p + n < le && s[p + n] == s[p]) n++;
        if (n >= 3 && (s[p] == '~' || !memchr(s + p + n, '`', le - p - n))) {
            m->fence = s[p];
            m->fence_len = n;
            return past_line(len, le); /* the info string goes with the fence */
        }
    }
    if (md_rule_line(s, p, le)) return past_line(len, le);
    if (p < le && s[p] == '#') {
        size_t n = 0;
        while (p + n < le && s[p + n] == '#') n++;
        if (n <= 6 && (p + n == le || is_blank(s[p + n]))) {
            size_t t = le; /* an optional closing run of #'s after a space */
            while (t > p + n && is_blank(s[t - 1])) t--;
            size_t h = t;
            while (h > p + n && s[h - 1] == '#') h--;
            if (h < t && (h == p + n || is_blank(s[h - 1]))) m->heading_end = h;
            if (n == 2 && md_metadata_heading(s, p + n, h < t ? h : t)) {
                m->heading_end = NONE;
                return md_section_end(s, len, le);
            }
            return p + n;
        }
    }
    if (p + 1 < le && strchr("-*+", s[p]) && is_blank(s[p + 1])) p += 2;
    else {
        size_t d = 0;
        while (p + d < le && d < 9 && is_digit(s[p + d])) d++;
        if (d && p + d + 1 < le && (s[p + d] == '.' || s[p + d] == ')') && is_blank(s[p + d + 1])) p += d + 2;
    }
    while (p < le && is_blank(s[p])) p++;
    if (p + 3 <= le && s[p] == '[' && s[p + 2] == ']' && strchr(" xX", s[p + 1])) p += 3; /* "[ ]", "[x]" */
    return p;
}

/* A code span from the run of k backticks at s[i]: its text, or the
 * backticks as text when no run of exactly k closes it in the paragraph. */
static size_t md_code(md *m, size_t i, size_t k)
{
    const char *s = m->s;
    size_t len = m->len;
    if (k <= MD_TICKS && !(i >= m->tick_from[k] && i < m->tick_none[k])) {
        for (size_t j = i + k; j < len;) {
            if (s[j] == '\n' && blank_line(s, len, j + 1)) break;
            if (s[j] != '`') {
                j++;
                continue;
            }
            size_t n = 0;
            while (j + n < len && s[j + n] == '`') n++;
            if (n == k) {
                put_raw(m->o, s, i + k, j, 0);
                return j + k;
            }
            j += n;
        }
        m->tick_from[k] = i;
        m->tick_none[k] = len; /* until the paragraph's end, at least: good enough for its other runs */
        for (size_t j = i + k; j < len; j++)
            if (s[j] == '\n' && blank_line(s, len, j + 1)) {
                m->tick_none[k] = j;
                break;
            }
    }
    for (size_t n = 0; n < k; n++) put(m->o, "`", 1);
    return i + k;
}

/* Is a run of '*' or '_' from s[i] to s[j] markup? Not between spaces;
 * '_' not inside a word (snake_case). */
static int md_emphasis(const char *s, size_t len, size_t i, size_t j)
{
    char before = i ? s[i - 1] : ' ', after = j < len ? s[j] : ' ';
    int space_before = before == ' ' || before == '\t' || before == '\n';
    int space_after = after == ' ' || after == '\t' || after == '\n' || after == '\r';
    if (space_before && space_after) return 0;
    if (s[i] == '_') {
        int word_before = is_alpha(before) || is_digit(before) || (unsigned char)before >= 0x80;
        int word_after = is_alpha(after) || is_digit(after) || (unsigned char)after >= 0x80;
        if (word_before && word_after) return 0;
    }
    return 1;
}

static void cut(out *o, size_t at, size_t n)
{
    memmove(o->buf + at, o->buf + at + n, o->len - at - n);
    o->len -= n;
}

/* Newlines in a row in the output through the one at `at`. */
static size_t newline_run(const out *o, size_t at)
{
    size_t from = at, to = at;
    while (from > 0 && o->buf[from - 1] == '\n') from--;
    while (to < o->len && o->buf[to] == '\n') to++;
    return to - from;
}

/* Drop the output bytes of the innermost open '[' (or "!["), the
 * brackets of a link found to be one. */
static void md_unbracket(md *m)
{
    out *o = m->o;
    m->n_brackets--;
    size_t at = m->bracket[m->n_brackets], n = m->bracket_bytes[m->n_brackets];
    if (at + n > o->len) return;
    cut(o, at, n);
    if (o->len == at && at > 0 && (o->buf[at - 1] == ' ' || o->buf[at - 1] == '\n')) {
        /* "a [](x)": the separator before it is owed again, not written
         * (all of it: a paragraph's two newlines stay two, never three). */
        if (o->buf[at - 1] == ' ') {
            put_space(o);
            o->len--;
            return;
        }
        int k = 0;
        while (o->len > 0 && o->buf[o->len - 1] == '\n') o->len--, k++;
        o->space = 0;
        if (o->newlines < k) o->newlines = k > 2 ? 2 : k;
        return;
    }
    /* The separators that met where the brackets were: as put() would have
     * written them. Only separators are spaces and newlines in the output. */
    while (at < o->len && (o->buf[at] == ' ' || o->buf[at] == '\n')) {
        char a = at ? o->buf[at - 1] : 0, b = o->buf[at];
        if (at == 0 || (a == ' ' && b == ' ') || (a == '\n' && b == ' ')) cut(o, at, 1);
        else if (a == ' ' && b == '\n') cut(o, --at, 1);
        else if (a == '\n' && b == '\n' && newline_run(o, at) > 2) cut(o, at, 1);
        else break;
    }
}

/* After "](" at s[i]: past the destination's ')', or 0 when the line
 * ends first (one level of parentheses inside, as in Wikipedia URLs). */
static size_t md_destination(md *m, size_t i)
{
    if (i >= m->paren_from && i < m->paren_none) return 0;
    int depth = 0;
    for (size_t j = i; j < m->len && m->s[j] != '\n'; j++) {
        if (m->s[j] == '(') depth++;
        else if (m->s[j] == ')' && depth-- == 0) return j + 1;
    }
    m->paren_from = i;
    m->paren_none = line_end(m->s, m->len, i);
    return 0;
}

static size_t md_close_bracket(md *m, size_t i)
{
    const char *s = m->s;
    size_t len = m->len;
    if (m->n_brackets && i + 1 < len && s[i + 1] == '(') {
        size_t e = md_destination(m, i + 2);
        if (e) {
            md_unbracket(m);
            return e;
        }
    }
    if (m->n_brackets && i + 1 < len && s[i + 1] == '[') { /* a reference: "[text][ref]" */
        for (size_t j = i + 2; j < len && s[j] != '\n' && s[j] != '['; j++)
            if (s[j] == ']') {
                md_unbracket(m);
                return j + 1;
            }
    }
    if (m->n_brackets) m->n_brackets--;
    put(m->o, "]", 1);
    return i + 1;
}

static void md_open_bracket(md *m, const char *p, size_t n)
{
    put(m->o, p, n);
    if (m->n_brackets < MD_BRACKETS && !m->o->full) {
        m->bracket[m->n_brackets] = m->o->len - n;
        m->bracket_bytes[m->n_brackets++] = n;
    }
}

static size_t md_inline(md *m, size_t i)
{
    const char *s = m->s;
    size_t len = m->len;
    char c = s[i];
    if (c == '\\' && i + 1 < len && s[i + 1] != '\n' && strchr("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", s[i + 1])
        && s[i + 1]) {
        put(m->o, s + i + 1, 1);
        return i + 2;
    }
    if (c == '`') {
        size_t k = 0;
        while (i + k < len && s[i + k] == '`') k++;
        return md_code(m, i, k);
    }
    if (c == '*' || c == '_' || c == '~') {
        size_t j = i;
        while (j < len && s[j] == c) j++;
        if (c == '~' ? j - i == 2 : md_emphasis(s, len, i, j)) return j;
        for (size_t k = i; k < j; k++) put(m->o, s + k, 1);
        return j;
    }
    if (c == '!' && i + 1 < len && s[i + 1] == '[') {
        md_open_bracket(m, "![", 2);
        return i + 2;
    }
    if (c == '[') {
        md_open_bracket(m, "[", 1);
        return i + 1;
    }
    if (c == ']') return md_close_bracket(m, i);
    if (c == '<') return html_lt(m->o, s, len, i, 0, NULL); /* "a<b" in prose is no tag */
    if (c == '&') return i + put_entity(m->o, s, len, i);
    return i + text_unit(m->o, s, len, i, 1);
}

static void markdown_text(out *o, const char *s, size_t len)
{
    md m;
    memset(&m, 0, sizeof m);
    m.s = s, m.len = len, m.o = o, m.heading_end = NONE, m.paren_none = 0;
    size_t i = md_front_matter(s, len);
    int bol = 1;
    while (i < len && !o->full) {
        if (bol) {
            size_t from = i;
            i = md_line_start(&m, i);
            bol = i > from && s[i - 1] == '\n'; /* a line dropped: the next one starts */
            continue;
        }
        if (i == m.heading_end) { /* closing #'s */
            m.heading_end = NONE;
            i = line_end(s, len, i);
            continue;
        }
        if (s[i] == '\n') {
            put_source_newline(o);
            if (blank_line(s, len, i + 1)) m.n_brackets = 0; /* links end with their paragraph */
            m.heading_end = NONE;
            bol = 1;
            i++;
            continue;
        }
        i = md_inline(&m, i);
    }
}

/* ---- Wikitext ---- */

#define UNMATCHED_MAX 64 /* unclosed templates handled one by one; more: braces are text */

typedef struct wiki {
    const char *s;
    size_t len;
    out *o;
    size_t links;       /* [[target|label open: their "]]" is dropped */
    size_t ext;         /* [url label open: its "]" is dropped */
    size_t tables;      /* {| open */
    size_t heading_end; /* where a heading's closing ='s start */
    /* Brace runs that open templates never closed, by position (see
     * wiki_braces); no_templates: too many, braces are text from then on. */
    size_t unmatched[UNMATCHED_MAX], n_unmatched, next_unmatched;
    int scanned_unclosed, no_templates;
    finder ref, raw[5];
} wiki;

static const char *const raw_tags[] = {"nowiki", "pre", "math", "syntaxhighlight", "source", NULL};

static size_t run_of(const char *s, size_t len, size_t i, char c)
{
    size_t j = i;
    while (j < len && s[j] == c) j++;
    return j - i;
}

/* Past the template closed when `depth` levels opened before s[j] are;
 * 0 when the text ends first. A run of k braces opens or closes k/2
 * levels ("{{{1}}}" is one). */
static size_t template_end(const char *s, size_t len, size_t j, size_t depth)
{
    while (j < len) {
        if (s[j] != '{' && s[j] != '}') {
            j++;
            continue;
        }
        char c = s[j];
        size_t k = run_of(s, len, j, c), levels = k / 2;
        j += k;
        if (c == '{') depth += levels;
        else if (levels >= depth) return j;
        else depth -= levels;
    }
    return 0;
}

/* The brace runs from s[i] on whose levels are never closed, in order: the
 * last run to open each level that the text ends inside (at most
 * UNMATCHED_MAX levels; beyond, no_templates). Every other run from s[i]
 * on then opens a template that closes. One scan to the end. */
static void find_unmatched(wiki *w, size_t i)
{
    const char *s = w->s;
    size_t len = w->len, depth = 0;
    w->scanned_unclosed = 1;
    w->n_unmatched = w->next_unmatched = 0;
    for (size_t j = i; j < len;) {
        if (s[j] != '{' && s[j] != '}') {
            j++;
            continue;
        }
        size_t k = run_of(s, len, j, s[j]), lv = k / 2;
        if (s[j] == '{') {
            for (size_t l = depth; l < depth + lv && l < UNMATCHED_MAX; l++) w->unmatched[l] = j;
            depth += lv;
        } else depth = lv >= depth ? 0 : depth - lv;
        j += k;
    }
    if (depth > UNMATCHED_MAX) w->no_templates = 1;
    else w->n_unmatched = depth;
}

/* A run of '{' at s[i]: templates dropped; the levels that never close
 * are text, as MediaWiki shows them. */
static size_t wiki_braces(wiki *w, size_t i)
{
    size_t k = run_of(w->s, w->len, i, '{'), levels = k / 2;
    if (levels == 0 || w->no_templates) {
        for (size_t n = 0; n < k; n++) put(w->o, "{", 1);
        return i + k;
    }
    for (int pass = 0; pass < 2; pass++) {
        while (w->next_unmatched < w->n_unmatched && w->unmatched[w->next_unmatched] < i) w->next_unmatched++;
        size_t u = 0;
        while (w->next_unmatched < w->n_unmatched && w->unmatched[w->next_unmatched] == i) w->next_unmatched++, u++;
        if (u > levels) u = levels;
        size_t text = u == levels ? k : 2 * u;
        for (size_t n = 0; n < text; n++) put(w->o, "{", 1);
        if (u == levels) return i + k;
        size_t e = template_end(w->s, w->len, i + k, levels - u);
        if (e) return e;
        if (u || w->scanned_unclosed) break; /* should not happen: braces are text from here */
        find_unmatched(w, i);
        if (w->no_templates) break;
    }
    w->no_templates = 1;
    for (size_t n = 0; n < k; n++) put(w->o, "{", 1);
    return i + k;
}

/* Past a link dropped whole ([[File:...|caption [[with links]]]]):
 * nested [[ ]] counted, never past a blank line. */
static size_t skip_link(const char *s, size_t len, size_t i)
{
    size_t depth = 0;
    for (size_t j = i; j < len; j++) {
        if (s[j] == '[' && j + 1 < len && s[j + 1] == '[') depth++, j++;
        else if (s[j] == ']' && j + 1 < len && s[j + 1] == ']') {
            if (--depth == 0) return j + 2;
            j++;
        } else if (s[j] == '\n' && j + 1 < len && s[j + 1] == '\n') return j;
    }
    return len;
}

/* A link target that shows nothing: File:, Image:, Media:, Category:, or
 * any namespace whose page name ends in a media file's extension. */
static int hidden_target(const char *s, size_t from, size_t to)
{
    static const char *const names[] = {"file", "image", "media", "category", NULL};
    static const char *const ext[] = {".jpg", ".jpeg", ".png", ".gif", ".svg", ".webp", ".tif", ".tiff", ".bmp",
        ".ogg", ".oga", ".ogv", ".webm", ".mp3", ".mp4", ".wav", ".flac", ".mid", ".pdf", ".djvu", NULL};
    while (from < to && is_blank(s[from])) from++;
    const char *colon = memchr(s + from, ':', to - from);
    if (!colon || colon == s + from) return 0;
    char name[12];
    size_t n = 0, c = (size_t)(colon - s);
    while (c > from && is_blank(s[c - 1])) c--;
    for (size_t k = from; k < c && n < sizeof name - 1; k++) name[n++] = lower(s[k]);
    name[n] = 0;
    if (c - from < sizeof name && name_in(name, names)) return 1;
    while (to > from && is_blank(s[to - 1])) to--;
    for (const char *const *e = ext; *e; e++) {
        size_t el = strlen(*e);
        if (to - (c + 1) > el && prefix_ci(s, to, to - el, *e)) return 1;
    }
    return 0;
}

/* "[[" at s[i]: an internal link. Its label (or target) is the text. */
static size_t wiki_link(wiki *w, size_t i)
{
    const char *s = w->s;
    size_t len = w->len, j = i + 2;
    while (j < len && !strchr("[]{}|<>\n", s[j])) j++; /* stops at the next '[': scans do not overlap */
    int simple = j + 1 < len && s[j] == ']' && s[j + 1] == ']', labelled = j < len && s[j] == '|';
    if (!simple && !labelled) {
        put(w->o, "[", 1);
        return i + 1;
    }
    if (hidden_target(s, i + 2, j)) return skip_link(s, len, i);
    size_t t = i + 2;
    while (t < j && is_blank(s[t])) t++;
    if (t < j && s[t] == ':') t++; /* [[:Category:X]] links to it */
    if (labelled && !(j + 2 < len && s[j + 1] == ']' && s[j + 2] == ']')) {
        w->links++;
        return j + 1;
    }
    put_raw(w->o, s, t, j, 1);
    return j + (simple ? 2 : 3); /* [[target]], or the pipe trick [[target|]] */
}

/* "[" at s[i]: an external link [url label] shows its label, [url] nothing. */
static size_t wiki_ext_link(wiki *w, size_t i)
{
    static const char *const schemes[] = {"http://", "https://", "ftp://", "//", "mailto:", NULL};
    const char *s = w->s;
    size_t len = w->len;
    int url = 0;
    for (const char *const *p = schemes; *p && !url; p++) url = prefix_ci(s, len, i + 1, *p);
    if (url) {
        size_t j = i + 1;
        while (j < len && !strchr(" \t\n[]<>\"", s[j])) j++;
        if (j < len && s[j] == ']') return j + 1;
        if (j < len && is_blank(s[j])) {
            w->ext++;
            return j + 1;
        }
    }
    put(w->o, "[", 1);
    return i + 1;
}

/* After a table cell's '|' or '!' at `from`: past its attributes when a
 * single '|' ends them before the text ("| style=x | text"). */
static size_t cell_attrs(const char *s, size_t len, size_t from)
{
    for (size_t j = from; j < len; j++) {
        if (strchr("\n[{<!", s[j])) return from;
        if (s[j] == '|') return j + 1 < len && s[j + 1] == '|' ? from : j + 1;
    }
    return from;
}

/* "__TOC__", "__NOTOC__", "__KEIN_INHALTSVERZEICHNIS__": upper case,
 * digits, single underscores or non-ASCII between "__" and "__". */
static size_t magic_word(const char *s, size_t len, size_t i)
{
    for (size_t j = i + 2; j < len && j < i + 66; j++) {
        char c = s[j];
        if (c == '_') return j > i + 2 && j + 1 < len && s[j + 1] == '_' ? j + 2 : 0;
        if (!((c >= 'A' && c <= 'Z') || is_digit(c) || (unsigned char)c >= 0x80)) return 0;
    }
    return 0;
}

/* '<' at s[i] in wikitext: comments and references dropped, nowiki and
 * code as text without markup, other tags dropped, their content kept. */
static size_t wiki_lt(wiki *w, size_t i)
{
    const char *s = w->s;
    size_t len = w->len;
    if (len - i >= 4 && !memcmp(s + i, "<!--", 4)) return skip_comment(s, len, i);
    tag t;
    if (!parse_tag(s, len, i, 0, &t)) {
        put(w->o, "<", 1);
        return i + 1;
    }
    if (t.closing || t.self_closing) {
        tag_break(w->o, &t);
        return t.end;
    }
    if (!strcmp(t.name, "ref")) {
        size_t c = find(&w->ref, s, len, t.end);
        return c < len ? c + strlen(w->ref.needle) : t.end;
    }
    for (size_t k = 0; raw_tags[k]; k++)
        if (!strcmp(t.name, raw_tags[k])) {
            size_t c = find(&w->raw[k], s, len, t.end);
            if (c == len) return t.end;
            put_raw(w->o, s, t.end, c, 1);
            return c + strlen(w->raw[k].needle);
        }
    tag_break(w->o, &t);
    return t.end;
}

/* A heading "== X ==" at s[i] (a line's start): X on its own line. */
static size_t wiki_heading(wiki *w, size_t i)
{
    const char *s = w->s;
    size_t len = w->len, le = line_end(s, len, i), t = le;
    size_t n = run_of(s, len, i, '=');
    while (t > i && is_blank(s[t - 1])) t--;
    size_t m = 0;
    while (t - m > i + n && s[t - m - 1] == '=') m++;
    if (m == 0 || t - m <= i + n) return i; /* not one */
    size_t level = n < m ? n : m;
    put_newline(w->o);
    w->heading_end = t - level;
    return i + level;
}

/* A line's start: table rows and cells, headings, list bullets, rules. */
static size_t wiki_line_start(wiki *w, size_t i)
{
    const char *s = w->s;
    size_t len = w->len, p = i;
    while (p < len && is_blank(s[p])) p++;
    if (p + 1 < len && s[p] == '{' && s[p + 1] == '|') {
        w->tables++;
        put_newline(w->o);
        return past_line(len, line_end(s, len, p)); /* the table's attributes */
    }
    if (w->tables && p < len && (s[p] == '|' || s[p] == '!')) {
        char next = p + 1 < len ? s[p + 1] : 0;
        put_newline(w->o);
        if (s[p] == '|' && next == '}') {
            w->tables--;
            return past_line(len, line_end(s, len, p));
        }
        if (s[p] == '|' && next == '-') return past_line(len, line_end(s, len, p)); /* a row's attributes */
        if (s[p] == '|' && next == '+') return cell_attrs(s, len, p + 2);
        return cell_attrs(s, len, p + 1);
    }
    if (s[i] == '=') return wiki_heading(w, i);
    if (i == 0 && prefix_ci(s, len, 0, "#redirect")) return 9;
    size_t dashes = run_of(s, len, i, '-');
    if (dashes >= 4 && blank_line(s, len, i + dashes)) return past_line(len, line_end(s, len, i));
    if (dashes >= 4) return i + dashes;
    while (i < len && strchr("*#:;", s[i]) && s[i]) i++;
    return i;
}

/* A run of apostrophes: '' and ''' (and ''''' ) are italics and bold. */
static size_t wiki_quotes(wiki *w, size_t i)
{
    size_t k = run_of(w->s, w->len, i, '\'');
    size_t text = k == 1 ? 1 : k == 4 ? 1 : k > 5 ? k - 5 : 0;
    for (size_t n = 0; n < text; n++) put(w->o, "'", 1);
    return i + k;
}

static size_t wiki_inline(wiki *w, size_t i)
{
    const char *s = w->s;
    size_t len = w->len;
    char c = s[i], next = i + 1 < len ? s[i + 1] : 0;
    switch (c) {
    case '{':
        return wiki_braces(w, i);
    case '[':
        return next == '[' ? wiki_link(w, i) : wiki_ext_link(w, i);
    case ']':
        if (next == ']' && w->links) {
            w->links--;
            return i + 2;
        }
        if (w->ext) {
            w->ext--;
            return i + 1;
        }
        break;
    case '\'':
        return wiki_quotes(w, i);
    case '<':
        return wiki_lt(w, i);
    case '&':
        return i + put_entity(w->o, s, len, i);
    case '_': {
        size_t e = next == '_' ? magic_word(s, len, i) : 0;
        if (e) return e;
        break;
    }
    case '|':
    case '!':
        if (w->tables && next == c) { /* || and !! part cells */
            put_space(w->o);
            return cell_attrs(s, len, i + 2);
        }
        break;
    default:
        break;
    }
    return i + text_unit(w->o, s, len, i, 1);
}

static void wikitext_text(out *o, const char *s, size_t len)
{
    wiki w;
    memset(&w, 0, sizeof w);
    w.s = s, w.len = len, w.o = o, w.heading_end = NONE;
    w.ref = (finder){"</ref>", 0, NONE};
    static const char *const closers[] = {"</nowiki>", "</pre>", "</math>", "</syntaxhighlight>", "</source>"};
    for (size_t k = 0; k < 5; k++) w.raw[k] = (finder){closers[k], 0, NONE};
    int bol = 1;
    for (size_t i = 0; i < len && !o->full;) {
        if (bol) {
            size_t from = i;
            i = wiki_line_start(&w, i);
            bol = i > from && s[i - 1] == '\n'; /* a line dropped: the next one starts */
            continue;
        }
        if (i == w.heading_end) {
            w.heading_end = NONE;
            i = line_end(s, len, i);
            put_newline(o);
            continue;
        }
        if (s[i] == '\n') {
            put_source_newline(o);
            if (i + 1 < len && s[i + 1] == '\n') w.links = 0; /* a label ends with its paragraph */
            w.ext = 0;
            w.heading_end = NONE;
            bol = 1;
            i++;
            continue;
        }
        size_t e = wiki_inline(&w, i);
        if (w.heading_end != NONE && i < w.heading_end && e > w.heading_end) w.heading_end = NONE;
        i = e;
    }
}

/* ---- Plain ---- */

static void plain_text(out *o, const char *s, size_t len)
{
    for (size_t i = 0; i < len && !o->full;) i += text_unit(o, s, len, i, 1);
}

int wpk_markup_of_n(const char *mime, size_t len)
{
    if (!len) return WPK_MARKUP_PLAIN;
    size_t n = 0;
    while (n < len && mime[n] != ';' && mime[n] != ' ' && mime[n] != '\t') n++;
    char t[40];
    if (n >= sizeof t) return prefix_ci(mime, n, 0, "text/") ? WPK_MARKUP_PLAIN : -1;
    for (size_t k = 0; k < n; k++) t[k] = lower(mime[k]);
    /* Compared by length: a NUL inside the type is a byte like another. */
    if (n == 11 && !memcmp(t, "text/x-wiki", 11)) return WPK_MARKUP_WIKITEXT;
    if ((n == 9 && !memcmp(t, "text/html", 9)) || (n == 21 && !memcmp(t, "application/xhtml+xml", 21)))
        return WPK_MARKUP_HTML;
    if ((n == 13 && !memcmp(t, "text/markdown", 13)) || (n == 15 && !memcmp(t, "text/x-markdown", 15)))
        return WPK_MARKUP_MARKDOWN;
    return n >= 5 && !memcmp(t, "text/", 5) ? WPK_MARKUP_PLAIN : -1;
}

int wpk_markup_of(const char *mime) { return wpk_markup_of_n(mime, mime ? strlen(mime) : 0); }

int wpk_plain_text(wpk_markup m, const char *src, size_t len, size_t cap, char **out_text, size_t *out_len)
{
    out o;
    memset(&o, 0, sizeof o);
    o.cap = cap;
    *out_text = NULL;
    *out_len = 0;
    if (!src) len = 0;
    if (len) {
        switch (m) {
        case WPK_MARKUP_WIKITEXT: wikitext_text(&o, src, len); break;
        case WPK_MARKUP_HTML: html_text(&o, src, len); break;
        case WPK_MARKUP_MARKDOWN: markdown_text(&o, src, len); break;
        default: plain_text(&o, src, len); break;
        }
    }
    if (o.nomem) {
        wpk_free(o.buf);
        return WPK_E_NOMEM;
    }
    if (!o.buf && !(o.buf = wpk_malloc(1))) return WPK_E_NOMEM;
    o.buf[o.len] = 0;
    *out_text = o.buf;
    *out_len = o.len;
    return WPK_OK;
}
