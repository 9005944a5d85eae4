/* verify_search.c - the search index (format 2.3): its parameters, every term page, the order of terms across pages, the tiling of SEARCH_PAGES, and that every posting names a document. */
#include "verify_internal.h"

#include <string.h>

typedef struct search_walk {
    const wpk2_search_params *p;
    uint8_t last[WPK2_TERM_MAX]; /* the last term of the page before */
    size_t last_len;
    uint64_t last_docs;
    uint32_t last_doc;          /* its last posting's document */
    int has_last, last_has_doc;
    vdocs docs;                 /* that postings name documents (verify_documents.c) */
} search_walk;

static int term_cmp(const uint8_t *a, size_t an, wpk2_str b)
{
    return wpk_bytes_cmp(a, an, b.p, b.len);
}

static void visit(vctx *v, const wpk2_root_item *it, wpk_page *page, void *arg)
{
    search_walk *w = arg;
    wpk_reader *r = v->r;
    uint64_t abs = r->search.base + it->page_offset;
    if (!page) { /* reported: the next page cannot be compared with it */
        w->has_last = 0;
        return;
    }
    const wpk2_term_page *pg = &page->u.term;
    const wpk2_term_run *first = &pg->runs[0];
    if (w->has_last) {
        int c = term_cmp(w->last, w->last_len, first->term);
        /* A term may continue from the page before: then the same count of
         * documents, and its documents still increasing. */
        if (c > 0 || (c == 0 && (first->docs != w->last_docs ||
                                 (w->last_has_doc && first->count && pg->docs[first->first] <= w->last_doc))))
            wpk_v_problem(v, WPK_E_CORRUPT, 1, abs, "%s: term page at offset %llu: its first term is out of order "
                          "with the page before, or continues it inconsistently", r->name, (unsigned long long)abs);
    }
    for (uint32_t k = 0; k < pg->postings; k++)
        if ((pg->impacts[k] & WPK2_IMPACT_CLASS) >= w->p->classes) {
            wpk_v_problem(v, WPK_E_CORRUPT, 1, abs, "%s: term page at offset %llu: an impact class of %u, the "
                          "SEARCH section has %u", r->name, (unsigned long long)abs,
                          pg->impacts[k] & WPK2_IMPACT_CLASS, w->p->classes);
            break;
        }
    for (uint32_t i = 0; i < pg->count; i++)
        if (pg->runs[i].docs > w->p->documents) {
            wpk_v_problem(v, WPK_E_CORRUPT, 1, abs, "%s: term page at offset %llu: a term in %llu documents, the "
                          "index has %llu", r->name, (unsigned long long)abs, (unsigned long long)pg->runs[i].docs,
                          (unsigned long long)w->p->documents);
            break;
        }
    wpk_v_docs_page(v, &w->docs, pg, abs);
    const wpk2_term_run *last = &pg->runs[pg->count - 1];
    memcpy(w->last, last->term.p, last->term.len);
    w->last_len = last->term.len;
    w->last_docs = last->docs;
    int continues = w->has_last && w->last_has_doc && last == first;
    w->last_has_doc = last->count > 0 || continues;
    if (last->count) w->last_doc = pg->docs[last->first + last->count - 1];
    w->has_last = 1;
}

void wpk_v_search(vctx *v)
{
    wpk_reader *r = v->r;
    if (!r->has_search) return;
    const wpk2_search_params *p;
    wpk_error e;
    if (wpk_search_ready(r, &p, &e) != 0) {
        /* A root that failed names no pages: its failure is the report. */
        if (e.code != WPK_E_FORMAT) wpk_v_error(v, &e);
        return;
    }
    if (p->documents > r->h.entry_count)
        wpk_v_problem(v, WPK_E_CORRUPT, 0, 0, "%s: SEARCH section: %llu documents, the archive has %llu entries",
                      r->name, (unsigned long long)p->documents, (unsigned long long)r->h.entry_count);
    search_walk w;
    memset(&w, 0, sizeof w);
    w.p = p;
    wpk_v_docs_begin(v, &w.docs);
    wpk_v_walk_index(v, &r->search, &v->search_pages, visit, &w);
    if (!v->halted) wpk_v_tile_region(v, &v->search_pages, r->search.base, r->search.size, "search page region");
    wpk_v_docs_end(v, &w.docs);
}
