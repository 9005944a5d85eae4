/* writer_search.c - the full-text search index (format 2.3): term pages naming, for each term, the articles that hold it.
 *
 * The documents' postings (writer_search_gather.c), sorted in bounded
 * memory (postings.c), are read back term by term into pages, each
 * posting's frequency turned into a BM25 impact class now that the mean
 * document length is known. A term in more documents
 * than the SEARCH section's COMMON keeps only the postings of documents
 * with it in their title: it weighs little in a score, and its list would
 * be the longest. */
#include "writer_search.h"

#include <string.h>

#define SEARCH_CLASSES 4u              /* impact classes: 4 cost 4% less than 8, the ranking barely moves */
#define SEARCH_COMMON_FLOOR 1000u      /* below, no term is common: small archives keep every posting */
#define SEARCH_COMMON_SHARE 40u        /* a term in more than 1/40 of the documents is common (docs/search.md) */
#define BM25_K1 1.2
#define BM25_B 0.75

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

static int tpage_flush(const wpk_writer *w, wleaves *l, tpage *pg, wpk_error *err)
{
    if (!pg->nruns) return WPK_OK;
    for (uint32_t r = 0; r < pg->nruns; r++)
        pg->runs[r].term.p = pg->terms.p + (uintptr_t)pg->runs[r].term.p;
    wpk2_page_ctx ctx = {.entry_count = w->count};
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

/* The parts' vocabularies joined in byte order: a term's postings are read
 * from each part that holds it, the first part's first. */
typedef struct term_cursor {
    wpk_postings *p;
    int state;            /* 0: fetch its next term; 1: term is its next; 2: done */
    const uint8_t *term;
    size_t len;
    uint64_t docs;
} term_cursor;

/* The next term of the parts, how many documents hold it in all, and the
 * parts that hold it (bits); 0 when none is left, 1, or an error. */
static int next_term(term_cursor *c, int n, const uint8_t **term, size_t *len, uint64_t *docs, unsigned *which,
                     wpk_error *err)
{
    int best = -1;
    for (int i = 0; i < n; i++) {
        if (c[i].state == 0) {
            int rc = wpk_postings_next_term(c[i].p, &c[i].term, &c[i].len, &c[i].docs, err);
            if (rc < 0 || rc > 1) return rc;
            c[i].state = rc == 1 ? 1 : 2;
        }
        if (c[i].state != 1) continue;
        if (best < 0) {
            best = i;
            continue;
        }
        size_t m = c[i].len < c[best].len ? c[i].len : c[best].len;
        int d = memcmp(c[i].term, c[best].term, m);
        if (d < 0 || (d == 0 && c[i].len < c[best].len)) best = i;
    }
    if (best < 0) return 0;
    *term = c[best].term;
    *len = c[best].len;
    *docs = 0;
    *which = 0;
    for (int i = 0; i < n; i++)
        if (c[i].state == 1 && c[i].len == *len && !memcmp(c[i].term, *term, *len)) {
            *docs += c[i].docs;
            *which |= 1u << i;
            c[i].state = 0; /* its postings are read now; then its next term */
        }
    return 1;
}

/* Every term's postings, read back in term order, into pages. */
static int write_pages(wpk_writer *w, search_gathered *g, wleaves *l, uint64_t common, wpk_error *err)
{
    double mean = g->documents ? (double)g->total_words / (double)g->documents : 1.0;
    if (mean < 1.0) mean = 1.0;
    uint32_t page_size = w->opts.page_size;
    tpage pg;
    memset(&pg, 0, sizeof pg);
    wpk_posting got[512];
    term_cursor cur[2];
    memset(cur, 0, sizeof cur);
    for (int i = 0; i < g->n; i++) cur[i].p = g->postings[i];
    int rc = WPK_OK;
    const uint8_t *term;
    size_t len;
    uint64_t docs;
    unsigned which;
    while (!rc && (rc = next_term(cur, g->n, &term, &len, &docs, &which, err)) == 1) {
        rc = WPK_OK;
        int cut = docs > common;
        if (pg.raw + len + 6 > page_size && (rc = tpage_flush(w, l, &pg, err))) break;
        if (tpage_run(&pg, term, len, docs)) rc = wpk_fail(err, WPK_E_NOMEM, "out of memory");
        for (int part = 0; part < g->n && !rc; part++) {
            if (!(which >> part & 1)) continue;
            size_t n;
            while (!rc && (rc = wpk_postings_read(g->postings[part], got, sizeof got / sizeof *got, &n, err)) == WPK_OK &&
                   n) {
                for (size_t k = 0; k < n && !rc; k++) {
                    uint8_t title = got[k].value & WPK2_IMPACT_TITLE;
                    if (cut && !title) continue;
                    /* A long list continues in the next page, as a run of its own. */
                    if (pg.raw + 3 > page_size && pg.runs[pg.nruns - 1].count) {
                        if ((rc = tpage_flush(w, l, &pg, err))) break;
                        if (tpage_run(&pg, term, len, docs)) rc = wpk_fail(err, WPK_E_NOMEM, "out of memory");
                        if (rc) break;
                    }
                    uint32_t tf = got[k].value & 0x7F, tt = g->title_terms[got[k].doc];
                    uint8_t impact = (uint8_t)(impact_class(tf, g->length[got[k].doc], mean) | title);
                    if (title && tt) impact |= (uint8_t)((tt - 1) << WPK2_IMPACT_TITLE_SHIFT);
                    if (tpage_posting(&pg, got[k].doc, impact)) rc = wpk_fail(err, WPK_E_NOMEM, "out of memory");
                }
            }
        }
    }
    if (!rc) rc = tpage_flush(w, l, &pg, err);
    tpage_free(&pg);
    return rc;
}

int wpk_build_search_pages(wpk_writer *w, wleaves *l, const uint32_t *order, wpk2_search_params *params,
                           wpk_error *err)
{
    search_gathered g;
    int rc = wpk_search_gather(w, order, &g, err);
    if (rc) return rc;
    uint64_t common = g.documents / SEARCH_COMMON_SHARE > SEARCH_COMMON_FLOOR ? g.documents / SEARCH_COMMON_SHARE
                                                                         : SEARCH_COMMON_FLOOR;
    rc = write_pages(w, &g, l, common, err);
    if (!rc) {
        memset(params, 0, sizeof *params);
        w->search_documents = g.documents;
        params->documents = g.documents;
        params->common = common;
        params->analyzer = WPK2_SEARCH_ANALYZER_V1;
        params->classes = SEARCH_CLASSES;
        for (uint32_t c = 0; c < SEARCH_CLASSES; c++)
            params->weights[c] = (uint16_t)((c + 0.5) / SEARCH_CLASSES * (BM25_K1 + 1.0) * 4096.0 + 0.5);
    }
    wpk_search_gathered_free(&g);
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
