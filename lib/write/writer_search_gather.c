/* writer_search_gather.c - the search index's postings: every document read again, made plain, cut into terms, on one or two threads.
 *
 * Documents are the current versions of articles that have text (never an
 * older version, a redirect or a copy), numbered by their entry number.
 * Each is read once more, made plain (plain.c), cut into terms in its
 * wiki's language (analyze.c), and gives one posting per distinct term:
 * its term frequency and whether the term is in the title. With two
 * threads or more the documents are cut in two at the middle of their
 * bytes and each half gathers postings of its own; the first half's
 * documents all come before the second's, so reading a term's postings
 * from one half then the other keeps them in document order, and the
 * index does not depend on the number of threads. */
#include "writer_search.h"

#include "analyze.h"
#include "plain.h"

#include <pthread.h>
#include <string.h>

#define SEARCH_CONTENT_MAX (16u << 20) /* bytes of an article read for its words */
#define SEARCH_TEXT_MAX (4u << 20)     /* bytes of plain text analysed */
#define SEARCH_BUDGET (64u << 20)      /* postings sorted in memory before they spill, all halves together */
#define SEARCH_ANALYZERS 16            /* analyzers kept (~190 KB each); past them the least used goes */

/* One document's distinct terms, found by an open-addressing table. */
typedef struct dterm {
    uint32_t at;   /* bytes in doc_terms.text */
    uint8_t len, in_title;
    uint32_t tf;
} dterm;

typedef struct doc_terms {
    dterm *terms;
    uint32_t n, cap;   /* cap: a power of two, at most half full */
    uint8_t *text;
    size_t text_len, text_cap;
    uint32_t words;    /* the document's length in terms */
    uint32_t title_terms; /* distinct terms of its title */
    int in_title;      /* terms now come from the title */
} doc_terms;

typedef struct lang_analyzer {
    uint32_t lang;     /* id in wpk_writer.langs */
    uint64_t used;     /* when last used (search_build.clock) */
    wpk_analyzer *a;
} lang_analyzer;

/* One thread's share of the documents: its analyzers, its postings. */
typedef struct gatherer {
    wpk_writer *w;
    const uint32_t *order;
    const uint8_t *todo;  /* by entry number: 1 when it is a document to index */
    size_t from, to;      /* entries [from, to) in path order */
    int reports;          /* this one reports progress */
    doc_terms d;
    lang_analyzer an[SEARCH_ANALYZERS];
    int nan;
    uint64_t clock;
    wpk_postings *postings;
    wpk_spill *spill;
    uint32_t *length;     /* shared: by entry number (each thread writes its own entries) */
    uint8_t *title_terms;
    uint64_t documents, total_words;
    uint8_t *content;     /* reused for every document */
    uint32_t content_cap;
    int rc;
    wpk_error err;
} gatherer;

static uint32_t term_hash(const uint8_t *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
    return h;
}

static int doc_grow(doc_terms *d)
{
    uint32_t cap = d->cap ? d->cap * 2 : 1024;
    dterm *t = wpk_calloc(cap, sizeof *t);
    if (!t) return WPK_E_NOMEM;
    for (uint32_t i = 0; i < d->cap; i++) {
        if (!d->terms[i].len) continue;
        uint32_t h = term_hash(d->text + d->terms[i].at, d->terms[i].len) & (cap - 1);
        while (t[h].len) h = (h + 1) & (cap - 1);
        t[h] = d->terms[i];
    }
    wpk_free(d->terms);
    d->terms = t;
    d->cap = cap;
    return WPK_OK;
}

static void doc_reset(doc_terms *d)
{
    if (d->n) memset(d->terms, 0, d->cap * sizeof *d->terms);
    d->n = 0;
    d->text_len = 0;
    d->words = 0;
    d->title_terms = 0;
}

/* analyze.c's callback: count the term in the document. */
static int doc_add(void *ctx, const wpk_term *t)
{
    doc_terms *d = ctx;
    if ((d->n + 1) * 2 > d->cap && doc_grow(d)) return WPK_E_NOMEM;
    d->words++;
    uint32_t h = term_hash(t->term, t->len) & (d->cap - 1);
    for (;; h = (h + 1) & (d->cap - 1)) {
        dterm *x = &d->terms[h];
        if (!x->len) break;
        if (x->len == t->len && !memcmp(d->text + x->at, t->term, t->len)) {
            x->tf++;
            if (d->in_title && !x->in_title) d->title_terms++;
            x->in_title |= (uint8_t)d->in_title;
            return 0;
        }
    }
    if (d->text_len + t->len > d->text_cap) {
        size_t cap = d->text_cap ? d->text_cap * 2 : 65536;
        uint8_t *g = wpk_realloc(d->text, cap);
        if (!g) return WPK_E_NOMEM;
        d->text = g;
        d->text_cap = cap;
    }
    memcpy(d->text + d->text_len, t->term, t->len);
    d->terms[h] = (dterm){(uint32_t)d->text_len, (uint8_t)t->len, (uint8_t)d->in_title, 1};
    d->title_terms += (uint32_t)d->in_title;
    d->text_len += t->len;
    d->n++;
    return 0;
}

/* The analyzer of a language, made on first use; with more languages
 * than SEARCH_ANALYZERS, the one used longest ago makes room (entries come
 * in path order, which keeps a wiki's together). */
static wpk_analyzer *analyzer_for(gatherer *b, uint32_t lang)
{
    b->clock++;
    int oldest = 0;
    for (int i = 0; i < b->nan; i++) {
        if (b->an[i].lang == lang) {
            b->an[i].used = b->clock;
            return b->an[i].a;
        }
        if (b->an[i].used < b->an[oldest].used) oldest = i;
    }
    wpk_analyzer *a = wpk_analyzer_new(wpk_intern_name(&b->w->langs, lang));
    if (!a) return NULL;
    int slot;
    if (b->nan < SEARCH_ANALYZERS) {
        slot = b->nan++;
    } else {
        slot = oldest;
        wpk_analyzer_free(b->an[slot].a);
    }
    b->an[slot] = (lang_analyzer){lang, b->clock, a};
    return a;
}

/* Contents met (block << 32 | offset, + 1), a hash set: copies of one
 * content are one document, the first in entry order. */
typedef struct copy_set {
    uint64_t *slots;
    size_t n, cap;
} copy_set;

/* 1 when e's content is a copy of one met already (the same stored bytes
 * under another path), else 0 and it is noted; -1 out of memory. */
static int copy_seen(copy_set *s, const wentry *e)
{
    uint64_t key = ((uint64_t)e->block << 32 | e->offset_in_block) + 1; /* 0: an empty slot */
    if ((s->n + 1) * 2 > s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 4096;
        uint64_t *t = wpk_calloc(cap, sizeof *t);
        if (!t) return -1;
        for (size_t i = 0; i < s->cap; i++) {
            if (!s->slots[i]) continue;
            size_t h = (size_t)(s->slots[i] * 0x9E3779B97F4A7C15ull >> 20) & (cap - 1);
            while (t[h]) h = (h + 1) & (cap - 1);
            t[h] = s->slots[i];
        }
        wpk_free(s->slots);
        s->slots = t;
        s->cap = cap;
    }
    size_t h = (size_t)(key * 0x9E3779B97F4A7C15ull >> 20) & (s->cap - 1);
    for (; s->slots[h]; h = (h + 1) & (s->cap - 1))
        if (s->slots[h] == key) return 1;
    s->slots[h] = key;
    s->n++;
    return 0;
}

uint32_t wpk_test_search_every_entry;

/* Whether entry e is a document: the current version of an article, not
 * a redirect, with text. */
static int is_document(const wpk_writer *w, const wentry *e)
{
    if (wpk_test_search_every_entry) return e->size > 0;
    return !e->is_revision && !e->is_redirect && e->size > 0 &&
           wpk_markup_of(wpk_intern_name(&w->mimes, e->mime)) >= 0;
}

/* One document's terms into the postings: tf (at most 127) and the title bit. */
static int index_document(gatherer *b, const wentry *e, wpk_error *err)
{
    wpk_writer *w = b->w;
    uint32_t n = e->size < SEARCH_CONTENT_MAX ? e->size : SEARCH_CONTENT_MAX;
    if (n > b->content_cap) {
        uint8_t *g = wpk_realloc(b->content, n);
        if (!g) return wpk_fail(err, WPK_E_NOMEM, "out of memory indexing for search");
        b->content = g;
        b->content_cap = n;
    }
    int rc = wpk_read_content_start(w, e, b->content, n, err);
    if (rc) return rc;
    char *text = NULL;
    size_t text_len = 0;
    int markup = wpk_markup_of(wpk_intern_name(&w->mimes, e->mime));
    if (wpk_plain_text((wpk_markup)markup, (const char *)b->content, n, SEARCH_TEXT_MAX, &text, &text_len))
        return wpk_fail(err, WPK_E_NOMEM, "out of memory indexing for search");
    wpk_analyzer *a = analyzer_for(b, w->wl.lang[e->wl]);
    doc_reset(&b->d);
    if (!a) rc = WPK_E_NOMEM;
    if (!rc && e->title_len) {
        b->d.in_title = 1;
        rc = wpk_analyze(a, we_title(w, e), e->title_len, doc_add, &b->d);
        b->d.in_title = 0;
    }
    if (!rc) rc = wpk_analyze(a, text, text_len, doc_add, &b->d);
    wpk_free(text);
    if (rc) return wpk_fail(err, WPK_E_NOMEM, "out of memory indexing for search");
    for (uint32_t i = 0; i < b->d.cap && !rc; i++) {
        const dterm *t = &b->d.terms[i];
        if (!t->len) continue;
        uint8_t value = (uint8_t)((t->tf > 127 ? 127 : t->tf) | (t->in_title ? WPK2_IMPACT_TITLE : 0));
        rc = wpk_postings_add(b->postings, b->d.text + t->at, t->len, e->entry_no, value, err);
    }
    /* The title's distinct terms, for a reader to tell a whole title
     * matched from a part of one ("phosphate" from "calcium phosphate"). */
    b->title_terms[e->entry_no] = (uint8_t)(b->d.title_terms > 4 ? 4 : b->d.title_terms);
    if (rc) return rc;
    b->length[e->entry_no] = b->d.words ? b->d.words : 1;
    b->documents++;
    b->total_words += b->d.words;
    return WPK_OK;
}


static void *gather_run(void *arg)
{
    gatherer *b = arg;
    if (doc_grow(&b->d)) {
        b->rc = wpk_fail(&b->err, WPK_E_NOMEM, "out of memory");
        return NULL;
    }
    /* In entry-number order: each term's postings are added in document order. */
    for (size_t k = b->from; k < b->to && !b->rc; k++) {
        const wentry *e = &b->w->entries[path_entry(b->order, k)];
        if (b->reports && (k & 1023) == 0) /* the first half's pace stands for both */
            wpk_writer_report(b->w, "indexing words", k * b->w->count / b->to, b->w->count, k, b->w->count);
        if (b->todo[e->entry_no]) b->rc = index_document(b, e, &b->err);
    }
    return NULL;
}

static void gatherer_free(gatherer *b)
{
    for (int i = 0; i < b->nan; i++) wpk_analyzer_free(b->an[i].a);
    wpk_free(b->content);
    wpk_free(b->d.terms);
    wpk_free(b->d.text);
}

/* Which entries are documents to index (copies after their first are
 * not), and where the documents' bytes are cut in two. */
static int plan(wpk_writer *w, const uint32_t *order, uint8_t *todo, size_t *split, wpk_error *err)
{
    copy_set seen = {NULL, 0, 0};
    uint64_t bytes = 0, half = 0;
    for (size_t k = 0; k < w->count; k++) {
        const wentry *e = &w->entries[path_entry(order, k)];
        if (!is_document(w, e)) continue;
        int copy = copy_seen(&seen, e);
        if (copy < 0) {
            wpk_free(seen.slots);
            return wpk_fail(err, WPK_E_NOMEM, "out of memory");
        }
        if (!copy) {
            todo[e->entry_no] = 1;
            bytes += e->size;
        }
    }
    wpk_free(seen.slots);
    *split = w->count;
    for (size_t k = 0; k < w->count; k++) {
        const wentry *e = &w->entries[path_entry(order, k)];
        if (todo[e->entry_no] && (half += e->size) * 2 >= bytes) {
            *split = k + 1;
            break;
        }
    }
    return WPK_OK;
}

int wpk_search_gather(wpk_writer *w, const uint32_t *order, search_gathered *out, wpk_error *err)
{
    memset(out, 0, sizeof *out);
    size_t n = w->count ? w->count : 1;
    out->length = wpk_calloc(n, sizeof *out->length);
    out->title_terms = wpk_calloc(n, 1);
    uint8_t *todo = wpk_calloc(n, 1);
    size_t split = w->count;
    int rc = !out->length || !out->title_terms || !todo ? wpk_fail(err, WPK_E_NOMEM, "out of memory") : WPK_OK;
    if (!rc) rc = plan(w, order, todo, &split, err);
    int halves = w->opts.threads > 1 && split < w->count ? 2 : 1;
    gatherer g[2];
    memset(g, 0, sizeof g);
    for (int i = 0; i < halves && !rc; i++) {
        wpk_spill_init(&out->spill[i], SEARCH_BUDGET / (size_t)halves);
        out->postings[i] = wpk_postings_new(&out->spill[i]);
        out->n = i + 1;
        if (!out->postings[i]) rc = wpk_fail(err, WPK_E_NOMEM, "out of memory");
        g[i] = (gatherer){.w = w, .order = order, .todo = todo, .from = i ? split : 0,
                          .to = halves == 2 && !i ? split : w->count, .reports = !i, .postings = out->postings[i],
                          .spill = &out->spill[i], .length = out->length, .title_terms = out->title_terms};
    }
    if (!rc) {
        pthread_t tid;
        int threaded = halves == 2 && pthread_create(&tid, NULL, gather_run, &g[1]) == 0;
        gather_run(&g[0]);
        if (halves == 2 && !threaded) gather_run(&g[1]);
        else if (threaded) pthread_join(tid, NULL);
        for (int i = 0; i < halves && !rc; i++)
            if (g[i].rc) {
                rc = g[i].rc;
                if (err) *err = g[i].err;
            }
    }
    for (int i = 0; i < halves; i++) {
        out->documents += g[i].documents;
        out->total_words += g[i].total_words;
        gatherer_free(&g[i]);
    }
    wpk_free(todo);
    if (rc) wpk_search_gathered_free(out);
    return rc;
}

void wpk_search_gathered_free(search_gathered *g)
{
    for (int i = 0; i < g->n; i++) {
        wpk_postings_free(g->postings[i]);
        wpk_spill_close(&g->spill[i]);
    }
    wpk_free(g->length);
    wpk_free(g->title_terms);
    memset(g, 0, sizeof *g);
}
