/* verify_search.c - the search index (format 2.3): its parameters, every term page, the order of terms across pages, the tiling of SEARCH_PAGES, and that every posting names a document. */
#include "verify_internal.h"

#include <stddef.h>
#include <string.h>

typedef struct search_walk {
    const wpk2_search_params *p;
    uint8_t last[WPK2_TERM_MAX]; /* the last term of the page before */
    size_t last_len;
    uint64_t last_docs;
    uint32_t last_doc;          /* its last posting's document */
    int has_last, last_has_doc;
    uint64_t *seen;             /* a set of the page's documents (+1; 0: empty slot) */
    size_t seen_cap;            /* its slots: a power of two */
    wpk_sorter posted;          /* vpost: (document, its term page's offset), by document */
} search_walk;

/* A document a term page names. The entry number leads, for the sorter's
 * radix sort (wpk_sorter_key32). */
typedef struct vpost {
    uint32_t doc, zero;
    uint64_t at;
} vpost;

static int post_cmp(const void *x, const void *y)
{
    const vpost *p = x, *q = y;
    if (p->doc != q->doc) return p->doc < q->doc ? -1 : 1;
    return (p->at > q->at) - (p->at < q->at);
}

/* The documents a page names, once each (a page repeats a document in each
 * of its terms): what the join with the entries checks. */
static void add_postings(vctx *v, search_walk *w, const wpk2_term_page *pg, uint64_t abs)
{
    size_t cap = 16;
    while (cap < (size_t)pg->postings * 2) cap *= 2;
    if (cap > w->seen_cap) {
        uint64_t *g = wpk_realloc(w->seen, cap * sizeof *g);
        if (!g) {
            wpk_v_nomem(v);
            return;
        }
        w->seen = g;
        w->seen_cap = cap;
    }
    memset(w->seen, 0, cap * sizeof *w->seen);
    for (uint32_t k = 0; k < pg->postings; k++) {
        uint32_t d = pg->docs[k];
        size_t h = ((uint32_t)(d * 2654435761u)) & (cap - 1);
        while (w->seen[h] && w->seen[h] != (uint64_t)d + 1) h = (h + 1) & (cap - 1);
        if (w->seen[h]) continue;
        w->seen[h] = (uint64_t)d + 1;
        vpost p = {d, 0, abs};
        if (wpk_v_add(v, &w->posted, &p)) return;
    }
}

/* Each posting names a document: the current version of an article, not
 * a redirect, with text (FORMAT.md, "Documents"). */
static void check_documents(vctx *v, search_walk *w)
{
    if (v->entries_incomplete) return; /* a missing entry page is its own report */
    wpk_sort_reader ents, posted;
    if (wpk_v_open(v, &v->ents, &ents)) return;
    if (wpk_v_open(v, &w->posted, &posted)) {
        wpk_sort_close(&ents);
        return;
    }
    vent e;
    vpost p;
    int more_e = wpk_sort_next(&ents, &e);
    while (!v->halted && wpk_sort_next(&posted, &p)) {
        while (more_e && e.n < p.doc) more_e = wpk_sort_next(&ents, &e);
        if (more_e && e.n == p.doc && (e.flags & V_DOCUMENT)) continue;
        wpk_v_problem(v, WPK_E_CORRUPT, 1, p.at, "%s: term page at offset %llu: a posting names entry %u, which is "
                      "%s", v->r->name, (unsigned long long)p.at, p.doc,
                      !(more_e && e.n == p.doc) ? "not in the archive"
                      : e.current != V_NONE     ? "an older version, not a document"
                                             : "a redirect or an entry without text, not a document");
    }
    wpk_v_close(v, &posted);
    wpk_v_close(v, &ents);
}

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
    add_postings(v, w, pg, abs);
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
    wpk_sorter_init(&w.posted, &v->spill, sizeof(vpost), post_cmp);
    wpk_sorter_key32(&w.posted, offsetof(vpost, doc));
    wpk_v_walk_index(v, &r->search, &v->search_pages, visit, &w);
    wpk_free(w.seen);
    if (!v->halted) wpk_v_tile_region(v, &v->search_pages, r->search.base, r->search.size, "search page region");
    if (!v->halted) check_documents(v, &w);
    wpk_sorter_free(&w.posted);
}
