/* input_mediawiki.c - streaming reader of MediaWiki XML exports, plain or compressed */
/*
 * An expat parser fed from a dump source (dump_source.h: the file or
 * stream, decompressed) through XML_GetBuffer / XML_ParseBuffer, whose
 * handlers collect one page at a time. See input_mediawiki.h for what is
 * extracted.
 */
#include "input_mediawiki.h"

#include "article_meta.h"
#include "wikitext_categories.h"

#include <errno.h>
#include <expat.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK (64 * 1024)
/* <id>, <ns> and <timestamp> longer than this are not valid values. */
#define SMALL_FIELD_MAX 64
/* How much of a bad value is quoted in a warning. */
#define QUOTE_MAX 40
/* Text buffers grown past this are released after their page. */
#define KEEP_TEXT_CAP ((size_t)16 << 20)
#define LANG_MAX 64

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */
/* ------------------------------------------------------------------ */

typedef struct {
    char *p;
    size_t len, cap;
} tbuf;

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static void trim(const char **p, size_t *n)
{
    while (*n && is_space(**p)) (*p)++, (*n)--;
    while (*n && is_space((*p)[*n - 1])) (*n)--;
}

static int parse_u64(const char *p, size_t n, uint64_t *out)
{
    trim(&p, &n);
    if (n == 0) return -1;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9') return -1;
        unsigned d = (unsigned)(p[i] - '0');
        if (v > (UINT64_MAX - d) / 10) return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

static int parse_i64(const char *p, size_t n, int64_t *out)
{
    trim(&p, &n);
    int neg = 0;
    if (n && (p[0] == '-' || p[0] == '+')) {
        neg = p[0] == '-';
        p++, n--;
    }
    if (n && is_space(p[0])) return -1; /* "- 5" */
    uint64_t v;
    if (parse_u64(p, n, &v) != 0) return -1;
    if (neg ? v > (uint64_t)INT64_MAX + 1 : v > (uint64_t)INT64_MAX) return -1;
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return 0;
}

static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c; }

/* "#REDIRECT [[Target#Section|label]]" at the start of the text (after
 * blanks; any case; optional ':' before the link) -> "Target" in out. */
static int parse_redirect(const char *t, size_t n, char *out, size_t cap)
{
    static const char kw[] = "#redirect";
    size_t i = 0, k;
    while (i < n && is_space(t[i])) i++;
    for (k = 0; kw[k]; k++)
        if (i + k >= n || lower(t[i + k]) != kw[k]) return 0;
    i += k;
    while (i < n && is_space(t[i])) i++;
    if (i < n && t[i] == ':') i++;
    while (i < n && is_space(t[i])) i++;
    if (n - i < 2 || t[i] != '[' || t[i + 1] != '[') return 0;
    i += 2;
    size_t start = i, end = 0;
    int closed = 0;
    for (; i + 1 < n; i++) {
        if (t[i] == '\n') return 0;
        if (t[i] == ']' && t[i + 1] == ']') {
            end = i;
            closed = 1;
            break;
        }
    }
    if (!closed) return 0;
    const char *p = t + start;
    size_t len = end - start;
    const char *cut = memchr(p, '|', len);
    if (cut) len = (size_t)(cut - p);
    cut = memchr(p, '#', len);
    if (cut) len = (size_t)(cut - p);
    trim(&p, &len);
    if (len && p[0] == ':') { /* [[:Category:Foo]] */
        p++, len--;
        trim(&p, &len);
    }
    if (len == 0 || len >= cap) return 0;
    for (size_t j = 0; j < len; j++) out[j] = p[j] == '_' ? ' ' : p[j];
    out[len] = 0;
    return 1;
}

/* ------------------------------------------------------------------ */
/* The parser                                                          */
/* ------------------------------------------------------------------ */

enum field { F_NONE, F_TITLE, F_NS, F_ID, F_REV_ID, F_TS, F_TEXT, F_DBNAME, F_CASE, F_CATEGORY_NS, F_BASE, F_SITENAME,
             F_CONTRIBUTOR, F_COMMENT };
/* Longest contributor name kept (MediaWiki's user names are at most 255
 * bytes); a comment is kept up to the collected field's size. */
#define CONTRIBUTOR_MAX 255

/* What a revision says of itself, besides its text. */
typedef struct rev_facts {
    int has_ts, has_rev_id;
    int64_t ts;
    uint64_t rev_id;
    char contributor[CONTRIBUTOR_MAX + 1];   /* "" none */
    char comment[IMP_MEDIAWIKI_MAX_TITLE_BYTES + 1];
} rev_facts;
/* Longest <dbname> kept (the library's cap on a wiki's name). */
#define DBNAME_MAX 255

typedef struct {
    XML_Parser xp;
    const char *path;
    uint64_t max_text;
    imp_mediawiki_page_cb cb;
    imp_mediawiki_warn_cb warn;
    void *ctx;
    char *why;
    size_t why_cap;
    int failed;                  /* stopped on an error; message in why */
    int cb_ret;                  /* the callback's non-zero return */

    unsigned depth;              /* <mediawiki> is 1, <page> 2, <revision> 3 */
    int in_page, in_rev;
    enum field field;            /* element whose character data is collected */
    unsigned field_depth;
    char col[IMP_MEDIAWIKI_MAX_TITLE_BYTES + 1];
    size_t col_len;
    int col_over;

    char lang[LANG_MAX + 1];
    int has_lang;
    int in_siteinfo;
    char dbname[DBNAME_MAX + 1]; /* <siteinfo><dbname>: the wiki of every page */
    int has_dbname;
    char category_ns[IMP_CATEGORY_NAME_MAX + 1]; /* <namespace key="14">: "Category" in the wiki's language */
    char url_base[512];          /* from <base>: "https://en.wikipedia.org/wiki/"; "" unknown */
    char url[512 + 3 * IMP_MEDIAWIKI_MAX_TITLE_BYTES + 1]; /* the page's URL, url_base + title */
    int case_sensitive;          /* <case>case-sensitive</case>: titles keep their first letter's case */
    char site_name[256];         /* <sitename>: "Wikipedia" */

    /* The page being read. */
    uint64_t page_start;
    char title[IMP_MEDIAWIKI_MAX_TITLE_BYTES + 1];
    int has_title;
    char redirect[IMP_MEDIAWIKI_MAX_TITLE_BYTES + 1];
    int has_redirect;
    char old_redirect[IMP_MEDIAWIKI_MAX_TITLE_BYTES + 1]; /* an older revision's #REDIRECT target */
    uint64_t page_id;
    int has_id, id_seen;
    int64_t ns;
    int has_ns;

    /* Revisions: the best so far and the one being read. */
    tbuf best, cur;
    int have_best;
    rev_facts best_f, cur_f;
    int cur_ts_seen, cur_skip;
    int in_contributor;          /* inside the revision's <contributor> */
    int all_revisions;           /* deliver the revisions that are not the page's newest too */

    char msg[IMP_MEDIAWIKI_MAX_TITLE_BYTES + 512];
} mw;

static char empty_text[1];

/* Appends "page \"Title\"" (or the page's offset) to buf. */
static int page_name(const mw *m, char *buf, size_t cap)
{
    if (m->has_title) return snprintf(buf, cap, "page \"%s\"", m->title);
    return snprintf(buf, cap, "page starting at byte %llu", (unsigned long long)m->page_start);
}

static int position(const mw *m, char *buf, size_t cap)
{
    return snprintf(buf, cap, "%s: line %llu, column %llu: ", m->path,
                    (unsigned long long)XML_GetCurrentLineNumber(m->xp),
                    (unsigned long long)XML_GetCurrentColumnNumber(m->xp) + 1);
}

static void stop(mw *m)
{
    m->failed = 1;
    XML_StopParser(m->xp, XML_FALSE);
}

/* Error with the parser position; about_page puts the page name first. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void fail_at(mw *m, int about_page, const char *fmt, ...)
{
    if (m->failed) return;
    size_t n = 0;
    int w = position(m, m->why, m->why_cap);
    if (w > 0) n = (size_t)w < m->why_cap ? (size_t)w : m->why_cap - 1;
    if (about_page && n < m->why_cap) {
        w = page_name(m, m->why + n, m->why_cap - n);
        if (w > 0) n += (size_t)w < m->why_cap - n ? (size_t)w : m->why_cap - n - 1;
        w = snprintf(m->why + n, m->why_cap - n, ": ");
        if (w > 0) n += (size_t)w < m->why_cap - n ? (size_t)w : m->why_cap - n - 1;
    }
    if (n < m->why_cap) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(m->why + n, m->why_cap - n, fmt, ap);
        va_end(ap);
    }
    stop(m);
}

/* Warning with the parser position about the current page. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void warn_at(mw *m, const char *fmt, ...)
{
    if (!m->warn) return;
    size_t cap = sizeof m->msg, n = 0;
    int w = position(m, m->msg, cap);
    if (w > 0) n = (size_t)w < cap ? (size_t)w : cap - 1;
    w = page_name(m, m->msg + n, cap - n);
    if (w > 0) n += (size_t)w < cap - n ? (size_t)w : cap - n - 1;
    w = snprintf(m->msg + n, cap - n, ": ");
    if (w > 0) n += (size_t)w < cap - n ? (size_t)w : cap - n - 1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->msg + n, cap - n, fmt, ap);
    va_end(ap);
    m->warn(m->ctx, m->msg);
}

/* The collected value, cut for quoting. */
static const char *quoted(mw *m, int *shown)
{
    *shown = m->col_len > QUOTE_MAX ? QUOTE_MAX : (int)m->col_len;
    return m->col;
}

static int tbuf_append(tbuf *b, const char *s, size_t n, uint64_t max)
{
    if ((uint64_t)b->len + n > max) return 1;
    if (b->len + n + 1 > b->cap) {
        size_t want = b->cap ? b->cap : 4096;
        while (want < b->len + n + 1) want *= 2;
        if ((uint64_t)want > max + 1) want = (size_t)(max + 1);
        char *p = realloc(b->p, want);
        if (!p) return -1;
        b->p = p;
        b->cap = want;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
    return 0;
}

static void tbuf_release_if_big(tbuf *b)
{
    if (b->cap > KEEP_TEXT_CAP) {
        free(b->p);
        memset(b, 0, sizeof *b);
    }
    b->len = 0;
}

static void begin_page(mw *m)
{
    m->in_page = 1;
    m->page_start = (uint64_t)XML_GetCurrentByteIndex(m->xp);
    m->has_title = m->has_redirect = m->has_id = m->id_seen = m->has_ns = 0;
    m->title[0] = m->redirect[0] = 0;
    m->page_id = 0;
    m->ns = 0;
    m->have_best = 0;
    memset(&m->best_f, 0, sizeof m->best_f);
    m->best.len = m->cur.len = 0;
}

static void deliver(mw *m, const tbuf *text, const rev_facts *f, int older);

static void begin_revision(mw *m)
{
    m->in_rev = 1;
    m->cur.len = 0;
    m->cur_ts_seen = m->cur_skip = m->in_contributor = 0;
    memset(&m->cur_f, 0, sizeof m->cur_f);
}

static void end_revision(mw *m)
{
    m->in_rev = 0;
    if (m->cur_skip) return; /* known to be older than the best one */
    int better;
    if (!m->have_best) better = 1;
    else if (m->cur_f.has_ts) better = !m->best_f.has_ts || m->cur_f.ts >= m->best_f.ts;
    else better = !m->best_f.has_ts;
    if (!better) {
        if (m->all_revisions) deliver(m, &m->cur, &m->cur_f, 1);
        return;
    }
    /* The one it replaces is an older revision now. */
    if (m->have_best && m->all_revisions)
        deliver(m, &m->best, &m->best_f, 1);
    tbuf t = m->best;
    m->best = m->cur;
    m->cur = t;
    m->cur.len = 0;
    m->have_best = 1;
    m->best_f = m->cur_f;
}

static int add_category(void *ctx, const char *name, size_t len) { return imp_add_category(ctx, name, len); }

/* Hand one revision of the page to the callback: the page's newest (older
 * 0), or with all_revisions one that is not. */
static void deliver(mw *m, const tbuf *text, const rev_facts *f, int older)
{
    if (m->failed || m->cb_ret) return;
    if (!m->has_title) {
        fail_at(m, 0, "a <revision> before the page's <title>");
        return;
    }
    imp_article a;
    memset(&a, 0, sizeof a);
    a.title = m->title;
    if (m->url_base[0]) { /* as MediaWiki spells it: spaces as '_' */
        size_t k = strlen(m->url_base);
        memcpy(m->url, m->url_base, k);
        for (const char *t = m->title; *t && k + 4 < sizeof m->url; t++) {
            unsigned char c = (unsigned char)*t;
            if (c == ' ') m->url[k++] = '_';
            else if (c == '?' || c == '#' || c == '%' || c == '"' || c < 0x20) k += (size_t)snprintf(m->url + k, 4, "%%%02X", c);
            else m->url[k++] = (char)c;
        }
        m->url[k] = 0;
        a.url = m->url;
    }
    a.language = m->has_lang ? m->lang : NULL;
    a.wiki = m->has_dbname ? m->dbname : NULL;
    a.page_id = m->page_id;
    a.has_page_id = m->has_id;
    a.ns = m->ns;
    a.has_ns = m->has_ns;
    a.revision_id = f->rev_id;
    a.has_revision_id = f->has_rev_id;
    a.contributor = f->contributor[0] ? (char *)f->contributor : NULL;
    a.comment = f->comment[0] ? (char *)f->comment : NULL;
    a.site_name = m->site_name[0] ? m->site_name : NULL;
    a.wiki_case_sensitive = m->case_sensitive;
    a.is_older_revision = older;
    if (text && text->len) {
        a.text = text->p;
        a.text_len = text->len;
    } else {
        a.text = empty_text;
        a.text_len = 0;
    }
    if (f->has_ts) {
        a.updated_us = f->ts;
        a.has_updated = 1;
    }
    /* An older revision's own text says whether it was a redirect then. */
    char *target = older ? m->old_redirect : m->redirect;
    if ((!older && m->has_redirect) || parse_redirect(a.text, a.text_len, target, sizeof m->redirect))
        a.redirect_to = target;

    size_t dropped = 0;
    int r = imp_wikitext_categories(a.text, a.text_len, m->category_ns[0] ? m->category_ns : NULL, !m->case_sensitive,
                                    add_category, &a, &dropped);
    if (r) {
        imp_article_free_categories(&a);
        fail_at(m, 1, "out of memory listing its categories");
        return;
    }
    if (dropped) warn_at(m, "%zu categories beyond the first %d are not listed", dropped, IMP_CATEGORIES_MAX);
    r = m->cb ? m->cb(m->ctx, &a, m->page_start) : 0;
    imp_article_free_categories(&a);
    if (r) {
        m->cb_ret = r;
        XML_StopParser(m->xp, XML_FALSE);
    }
}

static void end_page(mw *m)
{
    m->in_page = 0;
    uint64_t end = (uint64_t)XML_GetCurrentByteIndex(m->xp) + (uint64_t)XML_GetCurrentByteCount(m->xp);
    if (!m->has_title) {
        snprintf(m->why, m->why_cap, "%s: page ending at byte %llu: missing <title>", m->path,
                 (unsigned long long)end);
        stop(m);
        return;
    }
    if (!m->id_seen && m->warn) {
        snprintf(m->msg, sizeof m->msg, "%s: page \"%s\" ending at byte %llu: no <id>", m->path, m->title,
                 (unsigned long long)end);
        m->warn(m->ctx, m->msg);
    }
    static const rev_facts none;
    deliver(m, m->have_best ? &m->best : NULL, m->have_best ? &m->best_f : &none, 0);
    tbuf_release_if_big(&m->best);
    tbuf_release_if_big(&m->cur);
}

static void collect(mw *m, enum field f)
{
    m->field = f;
    m->field_depth = m->depth;
    m->col_len = 0;
    m->col_over = 0;
    m->col[0] = 0;
}

static void end_field(mw *m)
{
    enum field f = m->field;
    m->field = F_NONE;
    int shown;
    switch (f) {
    case F_TITLE: {
        if (m->col_over) {
            fail_at(m, 0, "<title> is longer than %d bytes", IMP_MEDIAWIKI_MAX_TITLE_BYTES);
            return;
        }
        memcpy(m->title, m->col, m->col_len + 1);
        m->has_title = m->col_len > 0;
        break;
    }
    case F_NS: {
        int64_t v;
        if (!m->col_over && m->col_len <= SMALL_FIELD_MAX && parse_i64(m->col, m->col_len, &v) == 0) {
            m->ns = v;
            m->has_ns = 1;
        } else {
            const char *q = quoted(m, &shown);
            m->has_ns = 0;
            warn_at(m, "<ns> \"%.*s\" is not a number", shown, q);
        }
        break;
    }
    case F_ID: {
        uint64_t v;
        m->id_seen = 1;
        if (!m->col_over && m->col_len <= SMALL_FIELD_MAX && parse_u64(m->col, m->col_len, &v) == 0) {
            m->page_id = v;
            m->has_id = 1;
        } else {
            const char *q = quoted(m, &shown);
            m->has_id = 0;
            m->page_id = 0;
            warn_at(m, "<id> \"%.*s\" is not a number", shown, q);
        }
        break;
    }
    case F_DBNAME: {
        const char *p = m->col;
        size_t n = m->col_len;
        trim(&p, &n);
        if (!m->col_over && n && n <= DBNAME_MAX) {
            memcpy(m->dbname, p, n);
            m->dbname[n] = 0;
            m->has_dbname = 1;
        } else if (n && m->warn) { /* about the file, not a page */
            int w = position(m, m->msg, sizeof m->msg);
            size_t at = w > 0 && (size_t)w < sizeof m->msg ? (size_t)w : 0;
            snprintf(m->msg + at, sizeof m->msg - at,
                     "<dbname> is longer than %d bytes (left out: the wiki is taken from the language)", DBNAME_MAX);
            m->warn(m->ctx, m->msg);
        }
        break;
    }
    case F_REV_ID: {
        uint64_t v;
        if (!m->col_over && m->col_len <= SMALL_FIELD_MAX && parse_u64(m->col, m->col_len, &v) == 0) {
            m->cur_f.rev_id = v;
            m->cur_f.has_rev_id = 1;
        } else {
            const char *q = quoted(m, &shown);
            warn_at(m, "revision <id> \"%.*s\" is not a number", shown, q);
        }
        break;
    }
    case F_BASE: { /* the main page's URL: its articles' URLs start like it, up to the last '/' */
        const char *p = m->col;
        size_t n = m->col_len;
        trim(&p, &n);
        const char *slash = n ? memrchr(p, '/', n) : NULL;
        size_t keep = slash ? (size_t)(slash - p) + 1 : 0;
        if (!m->col_over && keep > 8 && keep < sizeof m->url_base && (!strncmp(p, "https://", 8) || !strncmp(p, "http://", 7))) {
            memcpy(m->url_base, p, keep);
            m->url_base[keep] = 0;
        }
        break;
    }
    case F_SITENAME:
    case F_CONTRIBUTOR:
    case F_COMMENT: {
        const char *p = m->col;
        size_t n = m->col_len;
        if (f != F_COMMENT) trim(&p, &n);
        char *to = f == F_SITENAME ? m->site_name : f == F_CONTRIBUTOR ? m->cur_f.contributor : m->cur_f.comment;
        size_t cap = f == F_SITENAME ? sizeof m->site_name : f == F_CONTRIBUTOR ? sizeof m->cur_f.contributor
                                                                                : sizeof m->cur_f.comment;
        if (!m->col_over && n < cap) {
            memcpy(to, p, n);
            to[n] = 0;
        } else if (f != F_SITENAME) {
            warn_at(m, "a revision's %s is longer than %zu bytes (left out)", f == F_COMMENT ? "<comment>" : "contributor",
                    cap - 1);
        }
        break;
    }
    case F_CASE: {
        const char *p = m->col;
        size_t n = m->col_len;
        trim(&p, &n);
        m->case_sensitive = n == 14 && !memcmp(p, "case-sensitive", 14);
        break;
    }
    case F_CATEGORY_NS: {
        const char *p = m->col;
        size_t n = m->col_len;
        trim(&p, &n);
        if (n && n <= IMP_CATEGORY_NAME_MAX && !memchr(p, ':', n)) {
            memcpy(m->category_ns, p, n);
            m->category_ns[n] = 0;
        }
        break;
    }
    case F_TS: {
        int64_t us;
        const char *p = m->col;
        size_t n = m->col_len;
        trim(&p, &n);
        m->cur_ts_seen = 1;
        if (!m->col_over && n <= SMALL_FIELD_MAX && imp_parse_time(p, n, &us) == 0) {
            m->cur_f.ts = us;
            m->cur_f.has_ts = 1;
        } else {
            const char *q = quoted(m, &shown);
            m->cur_f.has_ts = 0;
            warn_at(m, "revision <timestamp> \"%.*s\" is not a date", shown, q);
        }
        break;
    }
    default:
        break;
    }
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    mw *m = ud;
    if (m->failed || m->cb_ret) return;
    m->depth++;
    if (m->field != F_NONE) return; /* markup inside a collected element: ignored */
    unsigned d = m->depth;
    if (d == 1) {
        if (strcmp(name, "mediawiki") != 0) {
            fail_at(m, 0, "not a MediaWiki export: the root element is <%.64s>, not <mediawiki>", name);
            return;
        }
        for (size_t i = 0; atts[i]; i += 2)
            if (strcmp(atts[i], "xml:lang") == 0) {
                size_t n = strlen(atts[i + 1]);
                if (n && n <= LANG_MAX) {
                    memcpy(m->lang, atts[i + 1], n + 1);
                    m->has_lang = 1;
                }
            }
    } else if (d == 2) {
        if (strcmp(name, "page") == 0) begin_page(m);
        else if (strcmp(name, "siteinfo") == 0) m->in_siteinfo = 1;
    } else if (m->in_siteinfo && d == 3) {
        if (strcmp(name, "dbname") == 0) collect(m, F_DBNAME);
        else if (strcmp(name, "case") == 0) collect(m, F_CASE);
        else if (strcmp(name, "base") == 0) collect(m, F_BASE);
        else if (strcmp(name, "sitename") == 0) collect(m, F_SITENAME);
    } else if (m->in_siteinfo && d == 4 && strcmp(name, "namespace") == 0) {
        for (size_t i = 0; atts[i]; i += 2)
            if (strcmp(atts[i], "key") == 0 && strcmp(atts[i + 1], "14") == 0) collect(m, F_CATEGORY_NS);
    } else if (m->in_page && d == 3) {
        if (strcmp(name, "title") == 0) collect(m, F_TITLE);
        else if (strcmp(name, "ns") == 0) collect(m, F_NS);
        else if (strcmp(name, "id") == 0) collect(m, F_ID);
        else if (strcmp(name, "revision") == 0) begin_revision(m);
        else if (strcmp(name, "redirect") == 0) {
            for (size_t i = 0; atts[i]; i += 2)
                if (strcmp(atts[i], "title") == 0) {
                    size_t n = strlen(atts[i + 1]);
                    if (n > IMP_MEDIAWIKI_MAX_TITLE_BYTES) {
                        fail_at(m, 1, "<redirect title=...> is longer than %d bytes", IMP_MEDIAWIKI_MAX_TITLE_BYTES);
                        return;
                    }
                    memcpy(m->redirect, atts[i + 1], n + 1);
                    m->has_redirect = n > 0;
                }
        }
    } else if (m->in_contributor && d == 5) {
        if (strcmp(name, "username") == 0 || strcmp(name, "ip") == 0) collect(m, F_CONTRIBUTOR);
    } else if (m->in_rev && d == 4) {
        if (strcmp(name, "timestamp") == 0) {
            collect(m, F_TS);
        } else if (strcmp(name, "id") == 0) {
            collect(m, F_REV_ID);
        } else if (strcmp(name, "comment") == 0) {
            collect(m, F_COMMENT);
        } else if (strcmp(name, "contributor") == 0) {
            m->in_contributor = 1;
        } else if (strcmp(name, "text") == 0) {
            collect(m, F_TEXT);
            m->cur.len = 0;
            if (m->cur.p) m->cur.p[0] = 0;
            /* An older revision's text need not be kept at all, unless
             * every revision is delivered. */
            m->cur_skip = !m->all_revisions && m->have_best && m->best_f.has_ts && m->cur_ts_seen &&
                          (!m->cur_f.has_ts || m->cur_f.ts < m->best_f.ts);
        }
    }
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    mw *m = ud;
    if (m->failed || m->cb_ret) return;
    if (m->field != F_NONE && m->depth == m->field_depth) end_field(m);
    else if (m->in_contributor && m->depth == 4) m->in_contributor = 0;
    else if (m->in_rev && m->depth == 3 && strcmp(name, "revision") == 0) end_revision(m);
    else if (m->in_page && m->depth == 2 && strcmp(name, "page") == 0) end_page(m);
    else if (m->in_siteinfo && m->depth == 2) m->in_siteinfo = 0;
    m->depth--;
}

static void XMLCALL on_chars(void *ud, const XML_Char *s, int len)
{
    mw *m = ud;
    if (m->failed || m->cb_ret || m->field == F_NONE || m->depth != m->field_depth || len <= 0) return;
    if (m->field == F_TEXT) {
        if (m->cur_skip) return;
        int r = tbuf_append(&m->cur, s, (size_t)len, m->max_text);
        if (r > 0)
            fail_at(m, 1, "the text is larger than the limit of %llu bytes", (unsigned long long)m->max_text);
        else if (r < 0)
            fail_at(m, 1, "out of memory reading the text");
        return;
    }
    size_t n = (size_t)len;
    if (m->col_len + n > IMP_MEDIAWIKI_MAX_TITLE_BYTES) {
        n = IMP_MEDIAWIKI_MAX_TITLE_BYTES - m->col_len;
        m->col_over = 1;
    }
    memcpy(m->col + m->col_len, s, n);
    m->col_len += n;
    m->col[m->col_len] = 0;
}

static void XMLCALL on_entity_decl(void *ud, const XML_Char *name, int is_param, const XML_Char *value,
                                   int value_len, const XML_Char *base, const XML_Char *system_id,
                                   const XML_Char *public_id, const XML_Char *notation)
{
    (void)value, (void)value_len, (void)base, (void)system_id, (void)public_id, (void)notation;
    mw *m = ud;
    fail_at(m, 0, "the DOCTYPE declares the %sentity \"%.64s\": entity declarations are not allowed in an export",
            is_param ? "parameter " : "", name);
}

int imp_mediawiki_read_source(imp_source *s, const char *path, uint64_t max_page_bytes, int all_revisions,
                              imp_mediawiki_page_cb cb, imp_mediawiki_warn_cb warn, void *ctx, char *why, size_t why_cap)
{
    char scratch[1];
    if (!why || !why_cap) {
        why = scratch;
        why_cap = sizeof scratch;
    }
    why[0] = 0;

    mw *m = calloc(1, sizeof *m);
    XML_Parser xp = NULL;
    int ret = -1;
    if (!m) {
        snprintf(why, why_cap, "%s: out of memory", path);
        return -1;
    }
    /* No encoding given: expat follows the byte-order mark or the XML
     * declaration (UTF-8, UTF-16 in either order, ISO-8859-1). */
    xp = XML_ParserCreate(NULL);
    if (!xp) {
        snprintf(why, why_cap, "%s: out of memory", path);
        goto done;
    }
    m->xp = xp;
    m->path = path;
    m->max_text = max_page_bytes ? max_page_bytes : IMP_MEDIAWIKI_DEFAULT_MAX_PAGE_BYTES;
    m->all_revisions = all_revisions;
    m->cb = cb;
    m->warn = warn;
    m->ctx = ctx;
    m->why = why;
    m->why_cap = why_cap;
    XML_SetUserData(xp, m);
    XML_SetElementHandler(xp, on_start, on_end);
    XML_SetCharacterDataHandler(xp, on_chars);
    XML_SetEntityDeclHandler(xp, on_entity_decl);
    /* Never read external DTDs or parameter entities (the default, made explicit). */
    XML_SetParamEntityParsing(xp, XML_PARAM_ENTITY_PARSING_NEVER);
#ifdef XML_DTD
    /* Expat's defaults (on since 2.4.0), made explicit when the header exposes them. */
    XML_SetBillionLaughsAttackProtectionMaximumAmplification(xp, 100.0f);
    XML_SetBillionLaughsAttackProtectionActivationThreshold(xp, 8u << 20);
#endif

    for (;;) {
        void *buf = XML_GetBuffer(xp, CHUNK);
        if (!buf) {
            snprintf(why, why_cap, "%s: out of memory", path);
            goto done;
        }
        long n = imp_source_read(s, buf, CHUNK);
        if (n < 0) goto done;
        if (XML_ParseBuffer(xp, (int)n, n == 0) == XML_STATUS_ERROR) {
            if (m->cb_ret) {
                why[0] = 0;
                ret = m->cb_ret;
            } else if (!m->failed) {
                snprintf(why, why_cap, "%s: line %llu, column %llu: %s", path,
                         (unsigned long long)XML_GetCurrentLineNumber(xp),
                         (unsigned long long)XML_GetCurrentColumnNumber(xp) + 1,
                         XML_ErrorString(XML_GetErrorCode(xp)));
            }
            goto done;
        }
        if (n == 0) break;
    }
    ret = 0;

done:
    if (xp) XML_ParserFree(xp);
    free(m->best.p);
    free(m->cur.p);
    free(m);
    return ret;
}

int imp_mediawiki_read(const char *path, uint64_t max_page_bytes, imp_mediawiki_page_cb cb, imp_mediawiki_warn_cb warn,
                       void *ctx, char *why, size_t why_cap)
{
    char scratch[1];
    if (!why || !why_cap) {
        why = scratch;
        why_cap = sizeof scratch;
    }
    why[0] = 0;
    imp_source *s = imp_source_open(path, NULL, why, why_cap);
    if (!s) return -1;
    int rc = imp_mediawiki_read_source(s, path, max_page_bytes, 0, cb, warn, ctx, why, why_cap);
    imp_source_close(s);
    return rc;
}

/* The head as ASCII-compatible bytes: UTF-16 (with its byte-order mark)
 * narrowed, a character above 0x7F becoming '?' (the markup sought is ASCII). */
static size_t narrow_head(const unsigned char *h, size_t n, char *out, size_t cap)
{
    int le = n >= 2 && h[0] == 0xFF && h[1] == 0xFE, be = n >= 2 && h[0] == 0xFE && h[1] == 0xFF;
    size_t k = 0;
    if (!le && !be) {
        size_t from = n >= 3 && !memcmp(h, "\xef\xbb\xbf", 3) ? 3 : 0;
        for (size_t i = from; i < n && k < cap; i++) out[k++] = (char)h[i];
        return k;
    }
    for (size_t i = 2; i + 1 < n && k < cap; i += 2) {
        unsigned c = le ? h[i] | (unsigned)h[i + 1] << 8 : (unsigned)h[i] << 8 | h[i + 1];
        out[k++] = c < 0x80 ? (char)c : '?';
    }
    return k;
}

/* Past "<!DOCTYPE ...>", its internal subset "[...]" (and the comments
 * and quoted strings in it) included; NULL if it does not end within the head. */
static const char *skip_doctype(const char *p, const char *e)
{
    int in_subset = 0;
    char quote = 0;
    for (p += 9; p < e; p++) {
        if (quote) {
            if (*p == quote) quote = 0;
        } else if (*p == '"' || *p == '\'') {
            quote = *p;
        } else if (in_subset && e - p >= 4 && !memcmp(p, "<!--", 4)) {
            const char *q = p + 4;
            while (q + 3 <= e && memcmp(q, "-->", 3) != 0) q++;
            if (q + 3 > e) return NULL;
            p = q + 2;
        } else if (*p == '[') {
            in_subset = 1;
        } else if (*p == ']') {
            in_subset = 0;
        } else if (*p == '>' && !in_subset) {
            return p + 1;
        }
    }
    return NULL;
}

int imp_mediawiki_looks_like_dump(const unsigned char *head, size_t n)
{
    char buf[8192];
    size_t len = narrow_head(head, n, buf, sizeof buf);
    const char *p = buf, *e = buf + len;
    for (;;) {
        while (p < e && is_space(*p)) p++;
        const char *close = NULL;
        if (e - p >= 2 && memcmp(p, "<?", 2) == 0) close = "?>";
        else if (e - p >= 4 && memcmp(p, "<!--", 4) == 0) close = "-->";
        else if (e - p >= 9 && memcmp(p, "<!DOCTYPE", 9) == 0) {
            if (!(p = skip_doctype(p, e))) return 0;
            continue;
        }
        if (!close) break;
        const char *q = p + 2;
        size_t cl = strlen(close);
        while (q + cl <= e && memcmp(q, close, cl) != 0) q++;
        if (q + cl > e) return 0;
        p = q + cl;
    }
    return e - p > 10 && memcmp(p, "<mediawiki", 10) == 0 && (is_space(p[10]) || p[10] == '>' || p[10] == '/');
}

int imp_mediawiki_looks_like_index(const unsigned char *head, size_t n)
{
    /* OFFSET:PAGEID:TITLE lines; the head may end inside the last one. */
    size_t i = 0, lines = 0;
    while (i < n) {
        size_t d1 = 0, d2 = 0;
        while (i < n && head[i] >= '0' && head[i] <= '9') i++, d1++;
        if (i == n) break;
        if (!d1 || head[i++] != ':') return 0;
        while (i < n && head[i] >= '0' && head[i] <= '9') i++, d2++;
        if (i == n) break;
        if (!d2 || head[i++] != ':') return 0;
        size_t title = i;
        while (i < n && head[i] != '\n') {
            if (head[i] < 0x20 && head[i] != '\t') return 0;
            i++;
        }
        if (i == n) break;
        if (i == title) return 0; /* every page has a title */
        i++;
        lines++;
    }
    return lines >= 2;
}

int imp_mediawiki_is_dump(const char *path, char *why, size_t why_cap)
{
    char scratch[16];
    imp_source *s = imp_source_open(path, NULL, why_cap ? why : scratch, why_cap ? why_cap : sizeof scratch);
    if (!s) return why_cap ? -1 : 0;
    const unsigned char *head;
    long n = imp_source_peek(s, &head, 8192);
    int yes = n > 0 && imp_mediawiki_looks_like_dump(head, (size_t)n);
    if (n < 0 && why_cap) yes = -1;
    imp_source_close(s);
    return yes;
}
