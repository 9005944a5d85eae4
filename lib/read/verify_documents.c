/* verify_documents.c - verify's check that every posting of the search index names a document: the current version of an article, not a redirect, with text (FORMAT.md, "Documents"). */
#include "verify_internal.h"

#include <stddef.h>
#include <string.h>

/* What an entry is to a posting, 2 bits an entry in vdocs.kinds. */
enum { K_ABSENT, K_DOCUMENT, K_OLDER, K_OTHER };

/* A document a term page names (the sorter's way). The entry number
 * leads, for the radix sort (wpk_sorter_key32). */
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

static int kind_of(const vent *e)
{
    return (e->flags & V_DOCUMENT) ? K_DOCUMENT : e->current != V_NONE ? K_OLDER : K_OTHER;
}

static void not_a_document(vctx *v, uint32_t doc, uint64_t at, int kind)
{
    static const char *const what[] = {"not in the archive", "", "an older version, not a document",
                                       "a redirect or an entry without text, not a document"};
    wpk_v_problem(v, WPK_E_CORRUPT, 1, at, "%s: term page at offset %llu: a posting names entry %u, which is %s",
                  v->r->name, (unsigned long long)at, doc, what[kind]);
}

void wpk_v_docs_begin(vctx *v, vdocs *d)
{
    memset(d, 0, sizeof *d);
    wpk_sorter_init(&d->posted, &v->spill, sizeof(vpost), post_cmp);
    wpk_sorter_key32(&d->posted, offsetof(vpost, doc));
    if (v->entries_incomplete) return; /* a missing entry page is its own report */
    /* Two bits an entry while they fit in half the budget (64M entries in
     * the default 32 MiB): no sort, no temporary file. Past it, postings
     * are sorted and joined with the entries, in bounded memory. */
    uint64_t bytes = (v->r->h.entry_count + 3) / 4;
    if (bytes > v->spill.budget / 2) {
        d->mode = 2;
        return;
    }
    d->kinds = wpk_calloc(bytes ? (size_t)bytes : 1, 1);
    if (!d->kinds) {
        wpk_v_nomem(v);
        return;
    }
    wpk_sort_reader rd;
    if (wpk_v_open(v, &v->ents, &rd)) return;
    vent e;
    while (wpk_sort_next(&rd, &e))
        if (e.n < v->r->h.entry_count) d->kinds[e.n / 4] |= (uint8_t)(kind_of(&e) << (e.n % 4 * 2));
    wpk_v_close(v, &rd);
    if (!v->halted) d->mode = 1;
}

void wpk_v_docs_page(vctx *v, vdocs *d, const wpk2_term_page *pg, uint64_t at)
{
    if (!d->mode || v->halted) return;
    /* Each document once a page (a page repeats it in each of its terms):
     * a set of them, hashed by a multiplier's high bits. */
    unsigned bits = 4;
    while (((size_t)1 << bits) < (size_t)pg->postings * 2) bits++;
    size_t cap = (size_t)1 << bits;
    if (cap > d->seen_cap) {
        uint64_t *g = wpk_realloc(d->seen, cap * sizeof *g);
        if (!g) {
            wpk_v_nomem(v);
            return;
        }
        d->seen = g;
        d->seen_cap = cap;
    }
    memset(d->seen, 0, cap * sizeof *d->seen);
    for (uint32_t k = 0; k < pg->postings; k++) {
        uint32_t doc = pg->docs[k];
        size_t h = (size_t)(((uint64_t)doc * 0x9E3779B97F4A7C15ull) >> (64 - bits));
        while (d->seen[h] && d->seen[h] != (uint64_t)doc + 1) h = (h + 1) & (cap - 1);
        if (d->seen[h]) continue;
        d->seen[h] = (uint64_t)doc + 1;
        if (d->mode == 1) {
            int kind = d->kinds[doc / 4] >> (doc % 4 * 2) & 3; /* doc < entry_count: the page decoder checks */
            if (kind != K_DOCUMENT) not_a_document(v, doc, at, kind);
        } else {
            vpost p = {doc, 0, at};
            if (wpk_v_add(v, &d->posted, &p)) return;
        }
    }
}

/* The sorter's way: postings by document, joined with the entries. */
static void join(vctx *v, vdocs *d)
{
    vjoin j;
    if (wpk_v_join_open(v, &j, &v->ents, &d->posted)) return;
    vent e;
    vpost p;
    int more_e = wpk_sort_next(&j.a, &e);
    while (!v->halted && wpk_sort_next(&j.b, &p)) {
        while (more_e && e.n < p.doc) more_e = wpk_sort_next(&j.a, &e);
        if (!more_e && j.a.rc) break; /* a read failed: wpk_v_close says so, not a flood of false reports */
        int kind = more_e && e.n == p.doc ? kind_of(&e) : K_ABSENT;
        if (kind != K_DOCUMENT) not_a_document(v, p.doc, p.at, kind);
    }
    wpk_v_join_close(v, &j);
}

void wpk_v_docs_end(vctx *v, vdocs *d)
{
    if (d->mode == 2 && !v->halted) join(v, d);
    wpk_sorter_free(&d->posted);
    wpk_free(d->kinds);
    wpk_free(d->seen);
}
