/* search.c - wpk_reader_search: a query's terms looked up in the term pages, its matches scored by BM25, the best named with snippets.
 *
 * A word's postings are left where the term pages hold them, sorted by
 * document: its list is the runs of its pages (a reference held on each).
 * A posting's share of the score comes from its impact byte: IDF(term) x
 * (the class's weight + TITLE_WEIGHT when in the title). A prefix's terms
 * are joined into a list of their own, one posting a document. A term in
 * more documents than the index's COMMON kept only its title postings: it
 * cannot filter, and only adds to those documents' scores. The documents
 * in every filtering list, and in no excluded one, match: the shortest
 * list leads, the others are searched by galloping, so a query costs about
 * its rarest term's postings whatever the archive's size. The best are
 * kept in a bounded heap. Phrases are checked in the text of the best
 * candidates (the index stores no positions). */
#include "reader_internal.h"

#include "query.h"
#include "snippet.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TITLE_WEIGHT 1.5       /* a title match counts as much as a term met often in the text */
#define PREFIX_TERMS 512u      /* terms a prefix may stand for */
#define PHRASE_CHECKS 400u     /* candidates whose text is read to check phrases */
#define QUERY_POSTINGS (4u << 20) /* postings a query gathers, at most (~70 MB): a prefix stops there */

/* Postings in document order: a run of a term page (impacts set: scored
 * from them with the list's weight), or a prefix's joined postings (each
 * with its score). */
typedef struct seg {
    const uint32_t *doc;
    const uint8_t *impacts;
    const float *score, *title; /* a joined prefix's */
    const uint8_t *title_terms;
    uint32_t n;
} seg;

typedef struct plist {
    seg *segs;
    uint32_t nsegs, segcap;
    uint64_t n;        /* postings, all segments */
    wpk_shared **held; /* the term pages the segments are in */
    uint32_t nheld, heldcap;
    double weight;     /* the term's IDF (a word's list) */
    /* A prefix's postings, joined (plist_settle): the one segment's arrays. */
    uint32_t *doc;
    float *score, *title;
    uint8_t *title_terms; /* the document's title terms (1..4), 0 not in the title */
    uint32_t jn, jcap;
    int filters;      /* a document must be in it (not a common term's title postings) */
    int excluded;
} plist;

/* Where a list is read: segment s, posting k. */
typedef struct cursor { uint32_t s, k; } cursor;

/* One posting's part of a document's score. */
typedef struct share {
    float score, title;
    uint8_t title_terms;
} share;

static share share_at(const plist *l, const wpk2_search_params *p, const seg *g, uint32_t k)
{
    share x;
    if (!g->impacts) {
        x.score = g->score[k];
        x.title = g->title[k];
        x.title_terms = g->title_terms[k];
        return x;
    }
    uint8_t imp = g->impacts[k];
    uint32_t cls = imp & WPK2_IMPACT_CLASS;
    double tf = cls < p->classes ? p->weights[cls] / 4096.0 : 0.0;
    int in_title = (imp & WPK2_IMPACT_TITLE) != 0;
    double title = in_title ? l->weight * TITLE_WEIGHT : 0.0;
    x.score = (float)(l->weight * tf + title);
    x.title = (float)title;
    x.title_terms = in_title ? (uint8_t)(((imp & WPK2_IMPACT_TITLE_TERMS) >> WPK2_IMPACT_TITLE_SHIFT) + 1) : 0;
    return x;
}

static int seg_put(plist *l, seg g)
{
    if (l->nsegs == l->segcap) {
        uint32_t cap = l->segcap ? l->segcap * 2 : 4;
        seg *s = wpk_realloc(l->segs, cap * sizeof *s);
        if (!s) return WPK_E_NOMEM;
        l->segs = s;
        l->segcap = cap;
    }
    l->segs[l->nsegs++] = g;
    l->n += g.n;
    return WPK_OK;
}

/* Hold page (once: a page's runs come one after the other). */
static int hold(plist *l, wpk_shared *page)
{
    if (l->nheld && l->held[l->nheld - 1] == page) return WPK_OK;
    if (l->nheld == l->heldcap) {
        uint32_t cap = l->heldcap ? l->heldcap * 2 : 4;
        wpk_shared **h = wpk_realloc(l->held, cap * sizeof *h);
        if (!h) return WPK_E_NOMEM;
        l->held = h;
        l->heldcap = cap;
    }
    l->held[l->nheld++] = wpk_shared_ref(page);
    return WPK_OK;
}

static int joined_put(plist *l, uint32_t doc, share x)
{
    if (l->jn == l->jcap) {
        uint32_t cap = l->jcap ? l->jcap * 2 : 256;
        uint32_t *d = wpk_realloc(l->doc, cap * sizeof *d);
        if (d) l->doc = d;
        float *s = d ? wpk_realloc(l->score, cap * sizeof *s) : NULL;
        if (s) l->score = s;
        float *t = s ? wpk_realloc(l->title, cap * sizeof *t) : NULL;
        if (t) l->title = t;
        uint8_t *tt = t ? wpk_realloc(l->title_terms, cap) : NULL;
        if (!tt) return WPK_E_NOMEM;
        l->title_terms = tt;
        l->jcap = cap;
    }
    l->doc[l->jn] = doc;
    l->score[l->jn] = x.score;
    l->title[l->jn] = x.title;
    l->title_terms[l->jn++] = x.title_terms;
    return WPK_OK;
}

static void plist_free(plist *l)
{
    for (uint32_t i = 0; i < l->nheld; i++) wpk_shared_release(l->held[i]);
    wpk_free(l->held);
    wpk_free(l->segs);
    wpk_free(l->doc);
    wpk_free(l->score);
    wpk_free(l->title);
    wpk_free(l->title_terms);
    memset(l, 0, sizeof *l);
}

/* A prefix's posting: its segment and place in it, and its document. */
typedef struct posting_ref { uint32_t doc, s, k; } posting_ref;

static int by_doc(const void *a, const void *b)
{
    const posting_ref *x = a, *y = b;
    return x->doc < y->doc ? -1 : x->doc > y->doc;
}

/* A prefix's terms joined: one segment sorted by document, one posting a
 * document (its best term's share). Each segment was scored with its own
 * term's weight, kept in weights. */
static int plist_settle(plist *l, const wpk2_search_params *p, const double *weights)
{
    posting_ref *ix = l->n ? wpk_malloc(l->n * sizeof *ix) : NULL;
    if (l->n && !ix) return WPK_E_NOMEM;
    uint32_t m = 0;
    for (uint32_t s = 0; s < l->nsegs; s++)
        for (uint32_t k = 0; k < l->segs[s].n; k++) ix[m++] = (posting_ref){l->segs[s].doc[k], s, k};
    if (m) qsort(ix, m, sizeof *ix, by_doc);
    int rc = WPK_OK;
    for (uint32_t i = 0; i < m && !rc; i++) {
        l->weight = weights[ix[i].s];
        share x = share_at(l, p, &l->segs[ix[i].s], ix[i].k);
        if (l->jn && l->doc[l->jn - 1] == ix[i].doc) {
            if (x.score > l->score[l->jn - 1]) { /* the best of its terms stands for the prefix */
                l->score[l->jn - 1] = x.score;
                l->title[l->jn - 1] = x.title;
                l->title_terms[l->jn - 1] = x.title_terms;
            }
            continue;
        }
        rc = joined_put(l, ix[i].doc, x);
    }
    wpk_free(ix);
    if (rc) return rc;
    /* The pages are no longer needed: the joined arrays are the list. */
    for (uint32_t i = 0; i < l->nheld; i++) wpk_shared_release(l->held[i]);
    l->nheld = 0;
    l->nsegs = 0;
    l->n = 0;
    return seg_put(l, (seg){l->doc, NULL, l->score, l->title, l->title_terms, l->jn});
}

static double idf(const wpk2_search_params *p, uint64_t df)
{
    double n = (double)p->documents, d = (double)df;
    return log(1.0 + (n - d + 0.5) / (d + 0.5));
}

typedef struct run_ctx {
    plist *l;
    const wpk2_search_params *p;
    double *weights;     /* a prefix's: by segment, its term's IDF */
    uint32_t wcap;
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

static int take_run(void *vctx, wpk_shared *page, const wpk2_term_run *run)
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
    c->l->weight = idf(c->p, run->docs);
    if (c->l->nsegs == c->wcap) { /* a prefix's terms differ in weight */
        uint32_t cap = c->wcap ? c->wcap * 2 : 4;
        double *w = wpk_realloc(c->weights, cap * sizeof *w);
        if (!w) return WPK_E_NOMEM;
        c->weights = w;
        c->wcap = cap;
    }
    c->weights[c->l->nsegs] = c->l->weight;
    const wpk2_term_page *pg = &wpk_page_of(page)->u.term;
    if (hold(c->l, page)) return WPK_E_NOMEM;
    return seg_put(c->l, (seg){pg->docs + run->first, pg->impacts + run->first, NULL, NULL, NULL, run->count});
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
    if (c.corrupt) {
        wpk_free(c.weights);
        return wpk_fail(err, WPK_E_CORRUPT, "%s: search index: the term \"%.*s\" has more postings than documents, "
                        "or pages that disagree on how many", r->name, (int)c.last_len, (const char *)c.last);
    }
    if (c.over_budget && !prefix) {
        wpk_free(c.weights);
        return wpk_fail(err, WPK_E_LIMIT, "%s: search: the query gathers more than %u postings", r->name,
                        QUERY_POSTINGS);
    }
    /* The first terms of a prefix stand for it, up to the term or posting cap. */
    if (c.too_many || c.over_budget) rc = WPK_OK;
    /* A term that is not in the index filters every document out; a list
     * holding a common term's title postings alone cannot filter. */
    if (!c.terms) l->filters = 1;
    if (c.common) l->filters = 0;
    *common = c.common;
    /* A term split across pages comes in document order; a prefix's terms do not. */
    if (!rc && prefix) rc = plist_settle(l, p, c.weights) ? WPK_E_NOMEM : WPK_OK;
    wpk_free(c.weights);
    if (rc == WPK_E_NOMEM) return wpk_fail(err, rc, "%s: out of memory searching", r->name);
    return rc;
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

/* Move c to the first posting of l at or after doc (documents come in
 * order: the cursor only moves on), galloping, then halving, within a
 * segment; 1 when it is doc's. A hostile archive's unordered runs make
 * documents missed, never a read out of bounds. */
static int seek(const plist *l, cursor *c, uint32_t doc)
{
    while (c->s < l->nsegs) {
        const seg *g = &l->segs[c->s];
        if (c->k >= g->n || g->doc[g->n - 1] < doc) {
            c->s++;
            c->k = 0;
            continue;
        }
        uint32_t lo = c->k;
        if (g->doc[lo] >= doc) return g->doc[lo] == doc;
        /* doc[lo] < doc <= doc[n - 1]: the first at or after doc is in (lo, n - 1]. */
        uint32_t hi = lo + 1, step = 1;
        while (hi < g->n - 1 && g->doc[hi] < doc) {
            lo = hi;
            step *= 2;
            hi = step < g->n - 1 - lo ? lo + step : g->n - 1;
        }
        while (lo + 1 < hi) {
            uint32_t mid = lo + (hi - lo) / 2;
            if (g->doc[mid] < doc) lo = mid;
            else hi = mid;
        }
        c->k = hi;
        return g->doc[hi] == doc;
    }
    return 0;
}

static void add_share(doc_score *d, share x)
{
    d->score += x.score;
    d->title += x.title;
    if (x.title_terms) {
        d->titled++;
        d->title_terms = x.title_terms;
    }
}

/* Every matching document into the heap of the best `keep`. */
static uint64_t match(plist *lists, uint32_t n, const wpk2_search_params *p, hit *heap, uint32_t *nheap,
                      uint32_t keep)
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
    if (driver < 0) return 0;
    cursor at[WPK_QUERY_MAX_TERMS];
    memset(at, 0, sizeof at);
    uint64_t matches = 0;
    const plist *d = &lists[driver];
    for (uint32_t s = 0; s < d->nsegs; s++) {
        const seg *g = &d->segs[s];
        for (uint32_t k = 0; k < g->n; k++) {
            uint32_t doc = g->doc[k];
            doc_score sc = {0, 0, 0, 0};
            int ok = 1;
            for (uint32_t i = 0; i < n && ok; i++) {
                const plist *l = &lists[i];
                int in = (int)i == driver ? 1 : seek(l, &at[i], doc);
                if (in && !l->excluded) {
                    const seg *lg = (int)i == driver ? g : &l->segs[at[i].s];
                    add_share(&sc, share_at(l, p, lg, (int)i == driver ? k : at[i].k));
                }
                if (l->excluded ? in : !in && (l->filters || !any_filter)) ok = 0;
            }
            if (!ok) continue;
            matches++;
            /* The query's words make up the whole title: its title counts
             * twice ("phosphate" before "calcium phosphate"). A title of 4
             * or more terms is never whole: the index does not say how many. */
            if (sc.title_terms && sc.title_terms < 4 && sc.titled >= sc.title_terms) sc.score += sc.title;
            heap_push(heap, nheap, keep, (hit){doc, sc.score});
        }
    }
    return matches;
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
        int rc = wpk_search_text(r, h[i].doc, 1, &text, &len, err);
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
        int rc = wpk_search_text(r, h[i].doc, 0, &text, &len, err);
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
    if (!rc) res->matches = match(lists, n, p, heap, &nheap, keep);
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
    const char *language = o.language && *o.language ? o.language : main_language(r);
    wpk_analyzer *a = wpk_analyzer_take(r, language);
    wpk_query *q = wpk_malloc(sizeof *q); /* run() may turn an excluded common word into a text check */
    wpk_search_results *res = wpk_calloc(1, sizeof *res);
    if (!a || !q || !res) rc = wpk_fail(err, WPK_E_NOMEM, "%s: out of memory", r->name);
    char msg[128];
    if (!rc && (rc = wpk_query_parse(a, query, q, msg, sizeof msg)) != 0) rc = wpk_fail(err, rc, "search: %s", msg);
    if (!rc) rc = run(r, a, p, q, &o, res, err);
    wpk_analyzer_give(r, language, a);
    wpk_free(q);
    if (rc) {
        wpk_search_results_free(res);
        return rc;
    }
    *out = res;
    return WPK_OK;
}
