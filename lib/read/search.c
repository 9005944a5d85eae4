/* search.c - wpk_reader_search: a query's terms looked up in the term pages, its matches scored by BM25, the best named with snippets.
 *
 * Each term's postings are read whole (the pages of that term only) into a
 * list sorted by document, each posting with its share of the score:
 * IDF(term) x (the class's weight + TITLE_WEIGHT when in the title). A
 * term in more documents than the index's COMMON kept only its title
 * postings: it cannot filter, and only adds to those documents' scores.
 * The documents in every filtering list, and in no excluded one, match;
 * the best are kept in a bounded heap. Phrases are checked in the text of
 * the best candidates (the index stores no positions). */
#include "reader_internal.h"

#include "plain.h"
#include "query.h"
#include "snippet.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TITLE_WEIGHT 1.5       /* a title match counts as much as a term met often in the text */
#define PREFIX_TERMS 512u      /* terms a prefix may stand for */
#define PHRASE_CHECKS 400u     /* candidates whose text is read to check phrases */
#define QUERY_POSTINGS (4u << 20) /* postings a query gathers, at most (~70 MB): a prefix stops there */
#define RESULT_TEXT (4u << 20) /* bytes of a result read for its snippet or phrases */

typedef struct plist {
    uint32_t *doc;
    float *score;     /* its share of the document's score, the title's included */
    float *title;     /* the title's part of it (0: not in the title) */
    uint8_t *title_terms; /* the document's title terms (1..4), 0 not in the title */
    uint32_t n, cap;
    int filters;      /* a document must be in it (not a common term's title postings) */
    int excluded;
} plist;

typedef struct run_ctx {
    plist *l;
    const wpk2_search_params *p;
    uint32_t terms;   /* distinct terms met (prefix) */
    uint8_t last[WPK2_TERM_MAX]; /* the last term met: a split term's runs come one after the other */
    size_t last_len;
    uint64_t last_docs;  /* its DOCS_OF, and the postings of it met so far */
    uint64_t last_got;
    uint64_t *budget;    /* postings the query may still gather */
    int over_budget;
    int corrupt;         /* a term with more postings than its DOCS_OF */
    int common;       /* a term met is common */
    int too_many;
} run_ctx;

static int plist_put(plist *l, uint32_t doc, float score, float title, uint8_t title_terms)
{
    if (l->n == l->cap) {
        uint32_t cap = l->cap ? l->cap * 2 : 256;
        uint32_t *d = wpk_realloc(l->doc, cap * sizeof *d);
        if (d) l->doc = d;
        float *s = d ? wpk_realloc(l->score, cap * sizeof *s) : NULL;
        if (s) l->score = s;
        float *t = s ? wpk_realloc(l->title, cap * sizeof *t) : NULL;
        if (t) l->title = t;
        uint8_t *tt = t ? wpk_realloc(l->title_terms, cap) : NULL;
        if (!tt) return WPK_E_NOMEM;
        l->title_terms = tt;
        l->cap = cap;
    }
    l->doc[l->n] = doc;
    l->score[l->n] = score;
    l->title[l->n] = title;
    l->title_terms[l->n++] = title_terms;
    return WPK_OK;
}

static void plist_free(plist *l)
{
    wpk_free(l->doc);
    wpk_free(l->score);
    wpk_free(l->title);
    wpk_free(l->title_terms);
}

static int by_doc(const void *a, const void *b, void *ctx)
{
    const plist *l = ctx;
    uint32_t x = l->doc[*(const uint32_t *)a], y = l->doc[*(const uint32_t *)b];
    return x < y ? -1 : x > y;
}

/* A prefix's lists joined: sorted by document, one posting a document
 * (its best term's score). */
static int plist_settle(plist *l)
{
    if (l->n < 2) return WPK_OK;
    uint32_t *ix = wpk_malloc(l->n * sizeof *ix);
    plist o = {0};
    o.filters = l->filters;
    o.excluded = l->excluded;
    if (!ix) return WPK_E_NOMEM;
    for (uint32_t i = 0; i < l->n; i++) ix[i] = i;
    qsort_r(ix, l->n, sizeof *ix, by_doc, l);
    int rc = WPK_OK;
    for (uint32_t i = 0; i < l->n && !rc; i++) {
        uint32_t k = ix[i];
        if (o.n && o.doc[o.n - 1] == l->doc[k]) {
            if (l->score[k] > o.score[o.n - 1]) { /* the best of its terms stands for the prefix */
                o.score[o.n - 1] = l->score[k];
                o.title[o.n - 1] = l->title[k];
                o.title_terms[o.n - 1] = l->title_terms[k];
            }
            continue;
        }
        rc = plist_put(&o, l->doc[k], l->score[k], l->title[k], l->title_terms[k]);
    }
    wpk_free(ix);
    plist_free(l);
    *l = o;
    if (rc) plist_free(l);
    return rc;
}

static double idf(const wpk2_search_params *p, uint64_t df)
{
    double n = (double)p->documents, d = (double)df;
    return log(1.0 + (n - d + 0.5) / (d + 0.5));
}

static int take_run(void *vctx, const wpk2_term_page *pg, const wpk2_term_run *run)
{
    run_ctx *c = vctx;
    int same = c->terms && c->last_len == run->term.len && !memcmp(c->last, run->term.p, run->term.len);
    if (!same && ++c->terms > PREFIX_TERMS) {
        c->too_many = 1;
        return 1;
    }
    memcpy(c->last, run->term.p, run->term.len); /* the page may go before the next run is seen */
    c->last_len = run->term.len;
    /* A term's postings, across its pages, are at most its DOCS_OF: what
     * bounds a hostile archive's runs repeated page after page. */
    if (!same) c->last_docs = run->docs, c->last_got = 0;
    c->last_got += run->count;
    if (run->docs != c->last_docs || c->last_got > run->docs) {
        c->corrupt = 1;
        return 1;
    }
    if (run->count > *c->budget) {
        c->over_budget = 1;
        return 1;
    }
    *c->budget -= run->count;
    if (run->docs > c->p->common) c->common = 1;
    else c->l->filters = 1;
    double w = idf(c->p, run->docs);
    for (uint32_t k = run->first; k < run->first + run->count; k++) {
        uint8_t imp = pg->impacts[k];
        uint32_t cls = imp & WPK2_IMPACT_CLASS;
        double tf = cls < c->p->classes ? c->p->weights[cls] / 4096.0 : 0.0;
        int in_title = (imp & WPK2_IMPACT_TITLE) != 0;
        double title = in_title ? w * TITLE_WEIGHT : 0.0;
        uint8_t terms = in_title ? (uint8_t)(((imp & WPK2_IMPACT_TITLE_TERMS) >> WPK2_IMPACT_TITLE_SHIFT) + 1) : 0;
        if (plist_put(c->l, pg->docs[k], (float)(w * tf + title), (float)title, terms)) return WPK_E_NOMEM;
    }
    return 0;
}

/* The postings of one term (or prefix) into l; *common set when a term
 * of it is common (its list holds only its title postings). */
static int term_list(wpk_reader *r, const wpk2_search_params *p, const wpk_qterm *t, int prefix, plist *l,
                     uint64_t *budget, int *common, wpk_error *err)
{
    run_ctx c;
    memset(&c, 0, sizeof c);
    c.l = l;
    c.p = p;
    c.budget = budget;
    int rc = wpk_search_terms(r, t->t, t->len, prefix, take_run, &c, err);
    if (c.corrupt)
        return wpk_fail(err, WPK_E_CORRUPT, "%s: search index: the term \"%.*s\" has more postings than documents, "
                        "or pages that disagree on how many", r->name, (int)c.last_len, (const char *)c.last);
    if (c.over_budget && !prefix)
        return wpk_fail(err, WPK_E_LIMIT, "%s: search: the query gathers more than %u postings", r->name,
                        QUERY_POSTINGS);
    /* The first terms of a prefix stand for it, up to the term or posting cap. */
    if (c.too_many || c.over_budget) rc = WPK_OK;
    if (rc == WPK_E_NOMEM) return wpk_fail(err, rc, "%s: out of memory searching", r->name);
    if (rc) return rc;
    /* A term that is not in the index filters every document out; a list
     * holding a common term's title postings alone cannot filter. */
    if (!c.terms) l->filters = 1;
    if (c.common) l->filters = 0;
    *common = c.common;
    /* A term split across pages comes in document order; a prefix's terms do not. */
    return prefix ? plist_settle(l) : WPK_OK;
}

typedef struct hit { uint32_t doc; float score; } hit;

/* Worse first: the heap's root is the hit to drop. */
static int worse(hit a, hit b) { return a.score < b.score || (a.score == b.score && a.doc > b.doc); }

static void heap_push(hit *h, uint32_t *n, uint32_t cap, hit x)
{
    if (*n == cap) {
        if (!worse(h[0], x)) return;
        h[0] = h[--*n];
        for (uint32_t i = 0;;) { /* sift down */
            uint32_t l = 2 * i + 1, m = i;
            if (l < *n && worse(h[l], h[m])) m = l;
            if (l + 1 < *n && worse(h[l + 1], h[m])) m = l + 1;
            if (m == i) break;
            hit t = h[i];
            h[i] = h[m];
            h[m] = t;
            i = m;
        }
    }
    uint32_t i = (*n)++;
    h[i] = x;
    while (i && worse(h[i], h[(i - 1) / 2])) {
        hit t = h[i];
        h[i] = h[(i - 1) / 2];
        h[(i - 1) / 2] = t;
        i = (i - 1) / 2;
    }
}

static int best_first(const void *a, const void *b)
{
    const hit *x = a, *y = b;
    return worse(*y, *x) ? -1 : worse(*x, *y) ? 1 : 0;
}

/* What the lists holding a document give it. */
typedef struct doc_score {
    float score, title;  /* the sum of their shares, and of their title parts */
    uint32_t titled;     /* lists naming it in its title */
    uint8_t title_terms; /* its title's terms (1..4: 4 or more), 0 when no list says */
} doc_score;

/* Whether doc is in l, moving l's cursor (documents come in order). */
static int in_list(const plist *l, uint32_t *at, uint32_t doc, doc_score *d)
{
    while (*at < l->n && l->doc[*at] < doc) (*at)++;
    if (*at < l->n && l->doc[*at] == doc) {
        if (d) {
            d->score += l->score[*at];
            d->title += l->title[*at];
            if (l->title_terms[*at]) {
                d->titled++;
                d->title_terms = l->title_terms[*at];
            }
        }
        return 1;
    }
    return 0;
}

/* Every matching document into the heap of the best `keep`. */
static uint64_t match(plist *lists, uint32_t n, hit *heap, uint32_t *nheap, uint32_t keep)
{
    /* The driver: the shortest filtering list; without one, the shortest
     * list (common terms only: their title postings). */
    int driver = -1;
    for (uint32_t i = 0; i < n; i++)
        if (!lists[i].excluded && lists[i].filters && (driver < 0 || lists[i].n < lists[driver].n)) driver = (int)i;
    int any_filter = driver >= 0;
    for (uint32_t i = 0; i < n && driver < 0; i++)
        if (!lists[i].excluded) driver = (int)i;
    for (uint32_t i = 0; i < n && !any_filter; i++)
        if (!lists[i].excluded && lists[i].n < lists[driver].n) driver = (int)i;
    uint32_t at[WPK_QUERY_MAX_TERMS] = {0};
    uint64_t matches = 0;
    const plist *d = &lists[driver];
    for (uint32_t k = 0; k < d->n; k++) {
        uint32_t doc = d->doc[k];
        doc_score s = {0, 0, 0, 0};
        int ok = 1;
        for (uint32_t i = 0; i < n && ok; i++) {
            const plist *l = &lists[i];
            int in = in_list(l, &at[i], doc, l->excluded ? NULL : &s);
            if (l->excluded ? in : !in && (l->filters || !any_filter)) ok = 0;
        }
        if (!ok) continue;
        matches++;
        /* The query's words make up the whole title: its title counts
         * twice ("phosphate" before "calcium phosphate"). A title of 4 or
         * more terms is never whole: the index does not say how many. */
        if (s.title_terms && s.title_terms < 4 && s.titled >= s.title_terms) s.score += s.title;
        heap_push(heap, nheap, keep, (hit){doc, s.score});
    }
    return matches;
}

/* Up to cap bytes of an entry's content. */
typedef struct sink { char *p; size_t n, cap; } sink;
static int sink_put(void *ctx, const void *p, size_t n)
{
    sink *s = ctx;
    size_t take = n < s->cap - s->n ? n : s->cap - s->n;
    memcpy(s->p + s->n, p, take);
    s->n += take;
    return s->n == s->cap; /* enough: stop */
}

/* The plain text of entry `doc` (up to RESULT_TEXT bytes of its content),
 * after its title and a blank line when with_title (phrases are looked
 * for in both, as the index took words from both). */
static int result_text(wpk_reader *r, uint32_t doc, int with_title, char **text, size_t *len, wpk_error *err)
{
    *text = NULL;
    wpk_entry *e;
    int rc = wpk_reader_entry_at(r, doc, &e, err);
    if (rc) return rc;
    size_t cap = e->size < RESULT_TEXT ? (size_t)e->size : RESULT_TEXT;
    size_t tlen = with_title && e->title ? strlen(e->title) + 2 : 0;
    sink s = {wpk_malloc(tlen + cap + 1), 0, tlen + cap};
    if (s.p && tlen) {
        memcpy(s.p, e->title, tlen - 2);
        memcpy(s.p + tlen - 2, "\n\n", 2);
        s.n = tlen;
    }
    if (!s.p) rc = wpk_fail(err, WPK_E_NOMEM, "%s: out of memory", r->name);
    if (!rc && cap) {
        rc = wpk_reader_read_stream(r, e, sink_put, &s, err);
        if (rc > 0) rc = WPK_OK; /* stopped once cap bytes were read */
    }
    int markup = wpk_markup_of(e->mime);
    wpk_entry_free(e);
    /* The title is plain text already; markup ends a line before it. */
    if (!rc && wpk_plain_text(markup < 0 ? WPK_MARKUP_PLAIN : (wpk_markup)markup, s.p, s.n, tlen + RESULT_TEXT, text,
                              len))
        rc = wpk_fail(err, WPK_E_NOMEM, "%s: out of memory", r->name);
    wpk_free(s.p);
    return rc;
}

static int has_phrase(const wpk_query *q)
{
    for (uint32_t c = 0; c < q->nclauses; c++)
        if (q->clauses[c].kind == WPK_Q_PHRASE) return 1;
    return 0;
}

/* The archive's most common language, for a query that names none. */
static const char *main_language(const wpk_reader *r)
{
    const char *best = "en";
    uint64_t most = 0;
    static _Thread_local char code[32];
    for (uint32_t i = 0; r->has_summary && i < r->summary.language_count; i++) {
        const wpk2_summary_language *l = &r->summary.languages[i];
        if (l->articles > most && l->code.len && l->code.len < sizeof code) {
            memcpy(code, l->code.p, l->code.len);
            code[l->code.len] = 0;
            best = code;
            most = l->articles;
        }
    }
    return best;
}

void wpk_search_results_free(wpk_search_results *res)
{
    if (!res) return;
    for (uint32_t i = 0; i < res->count; i++) {
        wpk_free(res->hits[i].snippet);
        wpk_free(res->hits[i].marks);
    }
    wpk_free(res->hits);
    wpk_free(res);
}

int wpk_reader_has_search(const wpk_reader *r) { return r && r->has_search; }

/* Keep the hits whose text holds the query's phrases, best first. */
static int check_phrases(wpk_reader *r, wpk_analyzer *a, const wpk_query *q, hit *h, uint32_t *n, uint32_t want,
                         uint64_t *matches, wpk_error *err)
{
    uint32_t kept = 0, i;
    for (i = 0; i < *n && kept < want; i++) {
        char *text;
        size_t len;
        int rc = result_text(r, h[i].doc, 1, &text, &len, err);
        if (rc == WPK_E_NOMEM) return rc;
        if (rc) continue; /* an article that cannot be read cannot show it holds the phrase */
        int yes = wpk_text_has_phrases(a, q, text, len);
        wpk_free(text);
        if (yes < 0) return wpk_fail(err, WPK_E_NOMEM, "%s: out of memory", r->name);
        if (yes) h[kept++] = h[i];
    }
    /* Every candidate checked: the count is exact; else an upper bound. */
    if (i == *n && *matches <= *n) *matches = kept;
    *n = kept;
    return WPK_OK;
}

static int results_of(wpk_reader *r, wpk_analyzer *a, const wpk_query *q, const hit *h, uint32_t n, int snippets,
                      wpk_search_results *res, wpk_error *err)
{
    res->hits = wpk_calloc(n ? n : 1, sizeof *res->hits);
    if (!res->hits) return wpk_fail(err, WPK_E_NOMEM, "%s: out of memory", r->name);
    for (uint32_t i = 0; i < n; i++) {
        wpk_search_hit *x = &res->hits[res->count++];
        x->entry = h[i].doc;
        x->score = h[i].score;
        if (!snippets) continue;
        char *text;
        size_t len;
        int rc = result_text(r, h[i].doc, 0, &text, &len, err);
        if (rc == WPK_E_NOMEM) return rc;
        if (rc) continue; /* a damaged article: listed, without a snippet */
        rc = wpk_snippet(a, q, text, len, &x->snippet, &x->marks, &x->mark_count);
        wpk_free(text);
        if (rc) return wpk_fail(err, WPK_E_NOMEM, "%s: out of memory", r->name);
    }
    return WPK_OK;
}

static int run(wpk_reader *r, wpk_analyzer *a, const wpk2_search_params *p, wpk_query *q, const wpk_search_opts *o,
               wpk_search_results *res, wpk_error *err)
{
    plist lists[WPK_QUERY_MAX_TERMS];
    uint32_t n = 0;
    memset(lists, 0, sizeof lists);
    uint64_t budget = QUERY_POSTINGS;
    int rc = WPK_OK;
    for (uint32_t c = 0; c < q->nclauses && !rc; c++) {
        wpk_qclause *k = &q->clauses[c];
        /* An excluded phrase is checked in the text alone. */
        if (k->excluded && k->kind == WPK_Q_PHRASE) continue;
        for (uint32_t t = k->first; t < k->first + k->count && !rc; t++) {
            plist *l = &lists[n++];
            l->excluded = k->excluded;
            int common = 0;
            rc = term_list(r, p, &q->terms[t], k->kind == WPK_Q_PREFIX, l, &budget, &common, err);
            /* An excluded common word: its list names only titles, so the
             * text of the candidates is read for it, as for a phrase. */
            if (!rc && common && k->excluded && k->kind == WPK_Q_WORD) {
                k->kind = WPK_Q_PHRASE;
                plist_free(l);
                memset(l, 0, sizeof *l);
                n--;
            }
        }
    }
    uint32_t limit = o->limit ? o->limit : 10;
    uint32_t keep = o->offset + limit;
    /* Text checks: the best candidates, whatever the page asked for, so
     * that a page does not depend on its size. */
    if (has_phrase(q) && keep < PHRASE_CHECKS) keep = PHRASE_CHECKS;
    hit *heap = rc ? NULL : wpk_malloc(keep * sizeof *heap);
    if (!rc && !heap) rc = wpk_fail(err, WPK_E_NOMEM, "%s: out of memory", r->name);
    uint32_t nheap = 0;
    if (!rc) res->matches = match(lists, n, heap, &nheap, keep);
    for (uint32_t i = 0; i < n; i++) plist_free(&lists[i]);
    if (!rc) qsort(heap, nheap, sizeof *heap, best_first);
    if (!rc && has_phrase(q)) rc = check_phrases(r, a, q, heap, &nheap, o->offset + limit, &res->matches, err);
    uint32_t from = o->offset < nheap ? o->offset : nheap;
    uint32_t count = nheap - from < limit ? nheap - from : limit;
    if (!rc) rc = results_of(r, a, q, heap + from, count, o->snippets, res, err);
    wpk_free(heap);
    return rc;
}

int wpk_reader_search(wpk_reader *r, const char *query, const wpk_search_opts *given, wpk_search_results **out,
                      wpk_error *err)
{
    *out = NULL;
    if (!r || !query) return wpk_fail(err, WPK_E_INVALID, "wpk_reader_search: no reader or no query");
    wpk_search_opts o = WPK_SEARCH_OPTS_INIT;
    if (given) {
        int rc = wpk_struct_in(&o, sizeof o, sizeof o, given, "wpk_search_opts", err);
        if (rc) return rc;
    }
    if (o.limit > WPK_SEARCH_MAX_LIMIT || o.offset > WPK_SEARCH_MAX_LIMIT)
        return wpk_fail(err, WPK_E_INVALID, "search: limit and offset are at most %u", WPK_SEARCH_MAX_LIMIT);
    const wpk2_search_params *p;
    int rc = wpk_search_ready(r, &p, err);
    if (rc) return rc;
    wpk_analyzer *a = wpk_analyzer_new(o.language && *o.language ? o.language : main_language(r));
    wpk_query *q = wpk_malloc(sizeof *q); /* run() may turn an excluded common word into a text check */
    wpk_search_results *res = wpk_calloc(1, sizeof *res);
    if (!a || !q || !res) rc = wpk_fail(err, WPK_E_NOMEM, "%s: out of memory", r->name);
    char msg[128];
    if (!rc && (rc = wpk_query_parse(a, query, q, msg, sizeof msg)) != 0) rc = wpk_fail(err, rc, "search: %s", msg);
    if (!rc) rc = run(r, a, p, q, &o, res, err);
    wpk_analyzer_free(a);
    wpk_free(q);
    if (rc) {
        wpk_search_results_free(res);
        return rc;
    }
    *out = res;
    return WPK_OK;
}
