/* writer_search.c - the full-text search index (format 2.3): term pages naming, for each term, the articles that hold it.
 *
 * Documents are the current versions of articles that have text (never an
 * older version, a redirect or a copy), numbered by their entry number.
 * Each is read once more, made plain (plain.c), cut into terms in its
 * wiki's language (analyze.c), and gives one posting per distinct term:
 * its term frequency and whether the term is in the title. The postings
 * are sorted in bounded memory (postings.c), then read back term by term
 * into pages, each posting's frequency turned into a BM25 impact class
 * now that the mean document length is known. A term in more documents
 * than the SEARCH section's COMMON keeps only the postings of documents
 * with it in their title: it weighs little in a score, and its list would
 * be the longest. */
#include "writer_internal.h"

#include "analyze.h"
#include "plain.h"
#include "postings.h"

#include <string.h>

#define SEARCH_CONTENT_MAX (16u << 20) /* bytes of an article read for its words */
#define SEARCH_TEXT_MAX (4u << 20)     /* bytes of plain text analysed */
#define SEARCH_BUDGET (64u << 20)      /* postings sorted in memory before they spill */
#define SEARCH_CLASSES 4u              /* impact classes: 4 cost 4% less than 8, the ranking barely moves */
#define SEARCH_COMMON_FLOOR 1000u      /* below, no term is common: small archives keep every posting */
#define SEARCH_COMMON_SHARE 40u        /* a term in more than 1/40 of the documents is common (docs/search.md) */
#define SEARCH_ANALYZERS 16            /* analyzers kept (~190 KB each); past them the least used goes */
#define BM25_K1 1.2
#define BM25_B 0.75

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

typedef struct search_build {
    wpk_writer *w;
    doc_terms d;
    lang_analyzer an[SEARCH_ANALYZERS];
    int nan;
    uint64_t clock;
    uint64_t *copies;  /* contents indexed (block << 32 | offset), a hash set: copies are one document */
    size_t ncopies, copies_cap;
    wpk_postings *postings;
    wpk_spill spill;
    uint32_t *length;  /* by entry number: its length in terms, 0 when not a document */
    uint8_t *title_terms; /* by entry number: its title's distinct terms, at most 4 */
    uint64_t documents, total_words;
    uint8_t *content;  /* reused for every document */
    uint32_t content_cap;
} search_build;

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
static wpk_analyzer *analyzer_for(search_build *b, uint32_t lang)
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

/* 1 when e's content is a copy of one indexed already (the same stored
 * bytes under another path), else 0 and it is noted; -1 out of memory. */
static int copy_seen(search_build *b, const wentry *e)
{
    uint64_t key = ((uint64_t)e->block << 32 | e->offset_in_block) + 1; /* 0: an empty slot */
    if ((b->ncopies + 1) * 2 > b->copies_cap) {
        size_t cap = b->copies_cap ? b->copies_cap * 2 : 4096;
        uint64_t *t = wpk_calloc(cap, sizeof *t);
        if (!t) return -1;
        for (size_t i = 0; i < b->copies_cap; i++) {
            if (!b->copies[i]) continue;
            size_t h = (size_t)(b->copies[i] * 0x9E3779B97F4A7C15ull >> 20) & (cap - 1);
            while (t[h]) h = (h + 1) & (cap - 1);
            t[h] = b->copies[i];
        }
        wpk_free(b->copies);
        b->copies = t;
        b->copies_cap = cap;
    }
    size_t h = (size_t)(key * 0x9E3779B97F4A7C15ull >> 20) & (b->copies_cap - 1);
    for (; b->copies[h]; h = (h + 1) & (b->copies_cap - 1))
        if (b->copies[h] == key) return 1;
    b->copies[h] = key;
    b->ncopies++;
    return 0;
}

/* Whether entry e is a document: the current version of an article, not
 * a redirect, with text. */
static int is_document(const wpk_writer *w, const wentry *e)
{
    return !e->is_revision && !e->is_redirect && e->size > 0 &&
           wpk_markup_of(wpk_intern_name(&w->mimes, e->mime)) >= 0;
}

/* One document's terms into the postings: tf (at most 127) and the title bit. */
static int index_document(search_build *b, const wentry *e, wpk_error *err)
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

/* BM25's term-frequency part, length-normalized, in classes of equal width
 * over its range (0, k1 + 1); WEIGHTS gives each class's middle. */
static uint8_t impact_class(uint32_t tf, uint32_t length, double mean)
{
    double norm = 1.0 - BM25_B + BM25_B * (double)length / mean;
    double part = tf * (BM25_K1 + 1.0) / (tf + BM25_K1 * norm);
    int c = (int)(part / (BM25_K1 + 1.0) * SEARCH_CLASSES);
    return (uint8_t)(c < 0 ? 0 : c >= (int)SEARCH_CLASSES ? (int)SEARCH_CLASSES - 1 : c);
}

/* A page being filled: runs, and the postings they hold. */
typedef struct tpage {
    wpk2_term_run *runs;
    uint32_t nruns, runs_cap;
    uint32_t *docs;
    uint8_t *impacts;
    uint32_t n, cap;
    uint64_t raw;
    wbuf terms;       /* the runs' terms, back to back (offsets until flushed) */
} tpage;

static int tpage_flush(search_build *b, wleaves *l, tpage *pg, wpk_error *err)
{
    if (!pg->nruns) return WPK_OK;
    for (uint32_t r = 0; r < pg->nruns; r++)
        pg->runs[r].term.p = pg->terms.p + (uintptr_t)pg->runs[r].term.p;
    wpk2_page_ctx ctx = {.entry_count = b->w->count};
    wbuf raw = wbuf_new();
    wpk2_err e;
    int rc = wpk2_term_page_encode(&raw, &ctx, pg->runs, pg->nruns, pg->docs, pg->impacts, &e);
    if (rc) rc = wpk_fail_format(err, rc, &e, "a term page");
    if (!rc) rc = wpk_leaf_put(l, &raw, pg->nruns, pg->runs[0].term.p, pg->runs[0].term.len, 0, 0, err);
    wpk2_buf_free(&raw);
    pg->nruns = pg->n = 0;
    pg->raw = 0;
    pg->terms.len = 0;
    return rc;
}

/* Start a run of `term` in the page (a term continued from a full page
 * starts a new run in the next). */
static int tpage_run(tpage *pg, const uint8_t *term, size_t len, uint64_t docs)
{
    if (pg->nruns == pg->runs_cap) {
        uint32_t cap = pg->runs_cap ? pg->runs_cap * 2 : 256;
        wpk2_term_run *g = wpk_realloc(pg->runs, cap * sizeof *g);
        if (!g) return WPK_E_NOMEM;
        pg->runs = g;
        pg->runs_cap = cap;
    }
    uintptr_t at = pg->terms.len;
    if (pg->terms.alloc == NULL) pg->terms = wbuf_new();
    if (wbuf_put(&pg->terms, term, len)) return WPK_E_NOMEM;
    pg->runs[pg->nruns++] = (wpk2_term_run){{(const uint8_t *)at, (uint32_t)len}, docs, pg->n, 0};
    pg->raw += len + 6;
    return WPK_OK;
}

static int tpage_posting(tpage *pg, uint32_t doc, uint8_t impact)
{
    if (pg->n == pg->cap) {
        uint32_t cap = pg->cap ? pg->cap * 2 : 4096;
        uint32_t *d = wpk_realloc(pg->docs, cap * sizeof *d);
        if (d) pg->docs = d;
        uint8_t *i = d ? wpk_realloc(pg->impacts, cap) : NULL;
        if (!i) return WPK_E_NOMEM;
        pg->impacts = i;
        pg->cap = cap;
    }
    pg->docs[pg->n] = doc;
    pg->impacts[pg->n++] = impact;
    pg->runs[pg->nruns - 1].count++;
    pg->raw += 3;
    return WPK_OK;
}

static void tpage_free(tpage *pg)
{
    wpk_free(pg->runs);
    wpk_free(pg->docs);
    wpk_free(pg->impacts);
    wpk2_buf_free(&pg->terms);
}

/* Every term's postings, read back in term order, into pages. */
static int write_pages(search_build *b, wleaves *l, uint64_t common, wpk_error *err)
{
    double mean = b->documents ? (double)b->total_words / (double)b->documents : 1.0;
    if (mean < 1.0) mean = 1.0;
    uint32_t page_size = b->w->opts.page_size;
    tpage pg;
    memset(&pg, 0, sizeof pg);
    wpk_posting got[512];
    int rc = WPK_OK;
    const uint8_t *term;
    size_t len;
    uint64_t docs;
    while (!rc && (rc = wpk_postings_next_term(b->postings, &term, &len, &docs, err)) == 1) {
        rc = WPK_OK;
        int cut = docs > common;
        if (pg.raw + len + 6 > page_size && (rc = tpage_flush(b, l, &pg, err))) break;
        if (tpage_run(&pg, term, len, docs)) rc = wpk_fail(err, WPK_E_NOMEM, "out of memory");
        size_t n;
        while (!rc && (rc = wpk_postings_read(b->postings, got, sizeof got / sizeof *got, &n, err)) == WPK_OK && n) {
            for (size_t k = 0; k < n && !rc; k++) {
                uint8_t title = got[k].value & WPK2_IMPACT_TITLE;
                if (cut && !title) continue;
                /* A long list continues in the next page, as a run of its own. */
                if (pg.raw + 3 > page_size && pg.runs[pg.nruns - 1].count) {
                    if ((rc = tpage_flush(b, l, &pg, err))) break;
                    if (tpage_run(&pg, term, len, docs)) rc = wpk_fail(err, WPK_E_NOMEM, "out of memory");
                    if (rc) break;
                }
                uint32_t tf = got[k].value & 0x7F, tt = b->title_terms[got[k].doc];
                uint8_t impact = (uint8_t)(impact_class(tf, b->length[got[k].doc], mean) | title);
                if (title && tt) impact |= (uint8_t)((tt - 1) << WPK2_IMPACT_TITLE_SHIFT);
                if (tpage_posting(&pg, got[k].doc, impact)) rc = wpk_fail(err, WPK_E_NOMEM, "out of memory");
            }
        }
    }
    if (!rc) rc = tpage_flush(b, l, &pg, err);
    tpage_free(&pg);
    return rc;
}

static void search_build_free(search_build *b)
{
    for (int i = 0; i < b->nan; i++) wpk_analyzer_free(b->an[i].a);
    wpk_free(b->copies);
    wpk_postings_free(b->postings);
    wpk_spill_close(&b->spill);
    wpk_free(b->length);
    wpk_free(b->title_terms);
    wpk_free(b->content);
    wpk_free(b->d.terms);
    wpk_free(b->d.text);
}

int wpk_build_search_pages(wpk_writer *w, wleaves *l, const uint32_t *order, wpk2_search_params *params,
                           wpk_error *err)
{
    search_build b;
    memset(&b, 0, sizeof b);
    b.w = w;
    wpk_spill_init(&b.spill, SEARCH_BUDGET);
    b.postings = wpk_postings_new(&b.spill);
    b.length = wpk_calloc(w->count ? w->count : 1, sizeof *b.length);
    b.title_terms = wpk_calloc(w->count ? w->count : 1, 1);
    int rc = !b.postings || !b.length || !b.title_terms || doc_grow(&b.d) ? wpk_fail(err, WPK_E_NOMEM, "out of memory")
                                                                        : WPK_OK;
    /* In entry-number order: each term's postings are added in document order. */
    for (size_t k = 0; k < w->count && !rc; k++) {
        const wentry *e = &w->entries[path_entry(order, k)];
        if ((k & 1023) == 0) wpk_writer_report(w, "indexing words", k, w->count, k, w->count);
        if (!is_document(w, e)) continue;
        int copy = copy_seen(&b, e);
        if (copy < 0) rc = wpk_fail(err, WPK_E_NOMEM, "out of memory");
        else if (!copy) rc = index_document(&b, e, err);
    }
    uint64_t common = b.documents / SEARCH_COMMON_SHARE > SEARCH_COMMON_FLOOR ? b.documents / SEARCH_COMMON_SHARE
                                                                         : SEARCH_COMMON_FLOOR;
    if (!rc) rc = write_pages(&b, l, common, err);
    if (!rc) {
        memset(params, 0, sizeof *params);
        b.w->search_documents = b.documents;
        params->documents = b.documents;
        params->common = common;
        params->analyzer = WPK2_SEARCH_ANALYZER_V1;
        params->classes = SEARCH_CLASSES;
        for (uint32_t c = 0; c < SEARCH_CLASSES; c++)
            params->weights[c] = (uint16_t)((c + 0.5) / SEARCH_CLASSES * (BM25_K1 + 1.0) * 4096.0 + 0.5);
    }
    search_build_free(&b);
    return rc;
}

uint32_t wpk_test_search_gap;

int wpk_build_search_index(wpk_writer *w, const ZSTD_CDict *cd, const uint32_t *order, ZSTD_CCtx *root_cctx,
                           wpk_built_index *out, wpk_error *err)
{
    wleaves l;
    memset(&l, 0, sizeof l);
    l.kind = WPK2_PAGE_TERM;
    l.sink = &out->search_leaves;
    wpk2_search_params params;
    int rc = wpk_tempfile_in(w->path, &out->search_leaves.fd, err);
    if (!rc) rc = wpk_tempfile_in(w->path, &out->search_branches.fd, err);
    if (!rc && !(l.cctx = wpk_page_cctx(w, cd))) rc = wpk_fail(err, WPK_E_NOMEM, "out of memory");
    if (!rc) rc = wpk_build_search_pages(w, &l, order, &params, err);
    if (!rc && wpk_test_search_gap) rc = wsink_put(&out->search_leaves, "gap", 3, err); /* named by no root item */
    /* Its own region: offsets from SEARCH_PAGES' start, leaves then branch pages. */
    if (!rc) rc = wpk_root_branch(&l, 0, &out->search_branches, out->search_leaves.len, l.cctx, w->count, err);
    out->search_pages_size = out->search_leaves.len + out->search_branches.len;
    out->search_page_count = l.count * (l.branched ? 2u : 1u);
    if (!rc) rc = wpk_root_encode(&l, root_cctx, w->count, out->search_pages_size, &out->search_root,
                                  &out->search_root_raw, err);
    out->search_root_count = l.count;
    wbuf raw = wbuf_new();
    wpk2_err e;
    if (!rc && (rc = wpk2_search_params_encode(&raw, &params, &e)) != 0) rc = wpk_fail_format(err, rc, &e, "SEARCH");
    out->search_raw = raw.len;
    out->search = wbuf_new(); /* freed as a wbuf, with the allocator it was made by */
    if (!rc) rc = wpk_zstd_put(root_cctx, raw.p, raw.len, &out->search, err);
    wpk2_buf_free(&raw);
    ZSTD_freeCCtx(l.cctx);
    l.cctx = NULL;
    wpk_leaves_free(&l);
    if (!rc) out->has_search = 1;
    out->search_documents = w->search_documents;
    return rc;
}
