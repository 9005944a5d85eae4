/* snippet.c - a result's text against its query: its phrases checked, and its best snippet (see snippet.h). */
#include "snippet.h"

#include "common.h"

#include <string.h>
#include <utf8proc.h>

#define SNIPPET_SCAN (256u << 10) /* bytes of text a snippet is looked for in */
#define WINDOW_WORDS 28u          /* words of a snippet, about */
#define WINDOW_BEFORE 6u          /* words shown before its first match */

/* Which wanted clause's term t matches (-1: none), by its kind. */
static int match(const wpk_query *q, const wpk_term *t, int *term_index)
{
    for (uint32_t c = 0; c < q->nclauses; c++) {
        const wpk_qclause *k = &q->clauses[c];
        if (k->excluded) continue;
        for (uint32_t i = k->first; i < k->first + k->count; i++) {
            const wpk_qterm *x = &q->terms[i];
            int hit = k->kind == WPK_Q_PREFIX ? t->len >= x->len && !memcmp(t->term, x->t, x->len)
                                              : t->len == x->len && !memcmp(t->term, x->t, x->len);
            if (hit) {
                *term_index = (int)i;
                return (int)c;
            }
        }
    }
    return -1;
}

/* ---- phrases ---- */

typedef struct phrase_walk {
    const wpk_query *q;
    /* By clause: bit j set when the last j terms read are the phrase's
     * first j (every partial match at once, so that "a a b" is found in
     * "a a a b"); phrases of more than 63 terms are checked on their first 63. */
    uint64_t state[WPK_QUERY_MAX_TERMS];
    uint64_t found;                      /* by clause: the phrase was seen */
} phrase_walk;

static int phrase_step(void *ctx, const wpk_term *t)
{
    phrase_walk *w = ctx;
    for (uint32_t c = 0; c < w->q->nclauses; c++) {
        const wpk_qclause *k = &w->q->clauses[c];
        if (k->kind != WPK_Q_PHRASE) continue;
        const wpk_qterm *terms = &w->q->terms[k->first];
        uint32_t count = k->count < 63 ? k->count : 63;
        uint64_t s = w->state[c] | 1, next = 0; /* bit 0: the empty prefix, always matched */
        for (uint32_t j = 0; j < count; j++)
            if (((s >> j) & 1) && t->len == terms[j].len && !memcmp(t->term, terms[j].t, t->len)) next |= 1ull << (j + 1);
        if ((next >> count) & 1) w->found |= 1ull << c;
        w->state[c] = next;
    }
    return 0;
}

int wpk_text_has_phrases(wpk_analyzer *a, const wpk_query *q, const char *text, size_t len)
{
    phrase_walk w;
    memset(&w, 0, sizeof w);
    w.q = q;
    if (wpk_analyze(a, text, len, phrase_step, &w)) return -1;
    for (uint32_t c = 0; c < q->nclauses; c++) {
        if (q->clauses[c].kind != WPK_Q_PHRASE) continue;
        int seen = (w.found >> c) & 1;
        if (seen == q->clauses[c].excluded) return 0;
    }
    return 1;
}

/* ---- snippets ---- */

typedef struct word { uint32_t at, len; int term; } word;

/* The length of the valid UTF-8 character at p (n bytes left), 0 when
 * there is none. */
static size_t utf8_char(const char *p, size_t n)
{
    utf8proc_int32_t c;
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)p, (utf8proc_ssize_t)n, &c);
    return k > 0 && c >= 0 ? (size_t)k : 0;
}

typedef struct snippet_walk {
    const wpk_query *q;
    word *words;      /* every word of the scanned text; term -1 when unmatched */
    uint32_t n, cap;
    int failed;
} snippet_walk;

static int snippet_step(void *ctx, const wpk_term *t)
{
    snippet_walk *w = ctx;
    if (w->n == w->cap) {
        uint32_t cap = w->cap ? w->cap * 2 : 1024;
        word *g = wpk_realloc(w->words, cap * sizeof *g);
        if (!g) {
            w->failed = 1;
            return 1;
        }
        w->words = g;
        w->cap = cap;
    }
    int term = -1;
    if (match(w->q, t, &term) < 0) term = -1;
    w->words[w->n++] = (word){(uint32_t)t->at, (uint32_t)t->word_len, term};
    return 0;
}

/* The window's first word: the one before which the most distinct query
 * terms follow within WINDOW_WORDS words (the first word when none). */
static uint32_t best_start(const snippet_walk *w)
{
    uint32_t best = 0, best_score = 0;
    for (uint32_t i = 0; i < w->n; i++) {
        if (w->words[i].term < 0) continue;
        uint64_t seen = 0;
        uint32_t score = 0;
        for (uint32_t j = i; j < w->n && j < i + WINDOW_WORDS - WINDOW_BEFORE; j++) {
            int t = w->words[j].term;
            if (t < 0) continue;
            score += (seen >> t) & 1 ? 1 : 8; /* a new term counts more than a repeat */
            seen |= 1ull << t;
        }
        if (score > best_score) {
            best_score = score;
            best = i > WINDOW_BEFORE ? i - WINDOW_BEFORE : 0;
        }
    }
    return best;
}

int wpk_snippet(wpk_analyzer *a, const wpk_query *q, const char *text, size_t len, char **out,
                wpk_search_mark **marks, uint32_t *nmarks)
{
    *out = NULL;
    *marks = NULL;
    *nmarks = 0;
    snippet_walk w;
    memset(&w, 0, sizeof w);
    w.q = q;
    size_t scan = len < SNIPPET_SCAN ? len : SNIPPET_SCAN;
    int rc = wpk_analyze(a, text, scan, snippet_step, &w);
    if (rc || w.failed) {
        wpk_free(w.words);
        return WPK_E_NOMEM;
    }
    static const char ellipsis[] = "\xe2\x80\xa6"; /* … */
    uint32_t first = best_start(&w), last = first;
    size_t from = w.n ? w.words[first].at : 0;
    /* As many words as fit the snippet's size. */
    while (last + 1 < w.n && last + 1 < first + WINDOW_WORDS &&
           w.words[last + 1].at + w.words[last + 1].len - from <= WPK_SNIPPET_BYTES)
        last++;
    size_t to = w.n ? w.words[last].at + w.words[last].len : 0;
    if (!w.n) { /* no word at all: the text's start, cut at a character */
        to = len < WPK_SNIPPET_BYTES ? len : WPK_SNIPPET_BYTES;
        while (to > 0 && to < len && ((unsigned char)text[to] & 0xC0) == 0x80) to--;
    }
    int lead = from > 0, tail = to < len;
    size_t size = (lead ? 3 : 0) + (to - from) + (tail ? 3 : 0);
    char *s = wpk_malloc(size + 1);
    wpk_search_mark *m = wpk_malloc((last - first + 1) * sizeof *m);
    if (!s || !m) {
        wpk_free(s);
        wpk_free(m);
        wpk_free(w.words);
        return WPK_E_NOMEM;
    }
    size_t at = 0;
    if (lead) memcpy(s, ellipsis, 3), at = 3;
    for (size_t i = from; i < to;) {
        size_t n = utf8_char(text + i, to - i);
        if (!n) { /* not UTF-8: one byte of '?', so that the marks stay where they are */
            s[at++] = '?';
            i++;
            continue;
        }
        char c = text[i];
        if (n == 1 && (c == '\n' || c == '\r' || c == '\t')) c = ' '; /* one line */
        s[at++] = c;
        for (size_t k = 1; k < n; k++) s[at++] = text[i + k];
        i += n;
    }
    if (tail) memcpy(s + at, ellipsis, 3), at += 3;
    s[at] = 0;
    uint32_t n = 0;
    for (uint32_t i = first; w.n && i <= last; i++)
        if (w.words[i].term >= 0)
            m[n++] = (wpk_search_mark){(uint32_t)(w.words[i].at - from + (lead ? 3 : 0)), w.words[i].len};
    wpk_free(w.words);
    *out = s;
    *marks = m;
    *nmarks = n;
    return WPK_OK;
}
