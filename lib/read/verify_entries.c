/* verify_entries.c - verify's walk of the entry pages: path order and safety across pages, and what the other checks need of each entry. */
#include "verify_internal.h"
#include "plain.h"

#include <stdlib.h>
#include <string.h>

typedef struct ewalk {
    uint8_t *prev;            /* the previous path, copied: its page is gone when the next comes */
    size_t prev_len, prev_cap;
    int have_prev;
} ewalk;

static int u32_cmp(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return (a > b) - (a < b);
}

/* Does a REVISIONS list name an entry twice? */
static int has_repeat(const uint32_t *revs, uint32_t n, vctx *v)
{
    if (n < 32) {
        for (uint32_t i = 1; i < n; i++)
            for (uint32_t j = 0; j < i; j++)
                if (revs[i] == revs[j]) return 1;
        return 0;
    }
    uint32_t *c = wpk_malloc((size_t)n * sizeof *c);
    if (!c) {
        wpk_v_nomem(v);
        return 0;
    }
    memcpy(c, revs, (size_t)n * sizeof *c);
    qsort(c, n, sizeof *c, u32_cmp);
    int rep = 0;
    for (uint32_t i = 1; i < n && !rep; i++) rep = c[i] == c[i - 1];
    wpk_free(c);
    return rep;
}

/* What the search index's documents are (FORMAT.md, "Documents"): the
 * writer's rule, from what the entry page holds. */
static int is_document(const wpk2_entry *x)
{
    if ((x->ext & (WPK2_X_CURRENT | WPK2_X_REDIRECT)) || !x->size) return 0;
    return wpk_markup_of_n((const char *)x->media_type.p, x->media_type.len) >= 0;
}

static void one_entry(vctx *v, ewalk *w, const wpk2_entry_page *pg, uint32_t i)
{
    wpk_reader *r = v->r;
    const wpk2_entry *x = &pg->entries[i];
    uint64_t n = pg->first_entry + i;
    if (w->have_prev && wpk_bytes_cmp(w->prev, w->prev_len, x->path.p, x->path.len) >= 0)
        wpk_v_problem(v, WPK_E_CORRUPT, 0, 0, "%s: entry %llu \"%.*s\": paths out of order", r->name,
                      (unsigned long long)n, (int)x->path.len, (const char *)x->path.p);
    if (wpk_path_check((const char *)x->path.p, x->path.len) != 0)
        wpk_v_problem(v, WPK_E_CORRUPT, 0, 0, "%s: entry %llu: unsafe path \"%.*s\"", r->name, (unsigned long long)n,
                      (int)x->path.len, (const char *)x->path.p);
    if (x->path.len > w->prev_cap) {
        uint8_t *g = wpk_realloc(w->prev, x->path.len);
        if (!g) {
            wpk_v_nomem(v);
            return;
        }
        w->prev = g;
        w->prev_cap = x->path.len;
    }
    memcpy(w->prev, x->path.p, x->path.len);
    w->prev_len = x->path.len;
    w->have_prev = 1;
    vent e;
    memset(&e, 0, sizeof e);
    e.flags = ((x->flags & WPK2_F_HAS_ID) ? V_HAS_ID : 0) | ((x->flags & WPK2_F_HAS_TITLE) ? V_HAS_TITLE : 0) |
              (is_document(x) ? V_DOCUMENT : 0);
    e.page_id = x->page_id;
    e.title_hash = (x->flags & WPK2_F_HAS_TITLE) ? wpk2_checksum(x->title.p, x->title.len) : 0;
    e.n = (uint32_t)n;
    e.current = (x->ext & WPK2_X_CURRENT) ? x->current : V_NONE;
    e.wiki = x->wiki;
    if (wpk_v_add(v, &v->ents, &e)) return;
    v->content_bytes += x->size;
    v->st.entries_checked++;
    if (x->size) {
        vplace p = {pg->blocks[x->block].offset, x->offset, x->size};
        if (wpk_v_add(v, &v->places, &p)) return;
    }
    /* The category index holds the current versions' own categories. */
    for (uint32_t k = 0; !(x->ext & WPK2_X_CURRENT) && k < x->category_count; k++) {
        vpair c = {n, wpk2_checksum(x->categories[k].p, x->categories[k].len)};
        if (wpk_v_add(v, &v->cats, &c)) return;
    }
    if (has_repeat(x->revisions, x->revision_count, v))
        wpk_v_problem(v, WPK_E_CORRUPT, 0, 0, "%s: entry %llu \"%.*s\": REVISIONS names an older version twice", r->name,
                      (unsigned long long)n, (int)x->path.len, (const char *)x->path.p);
    for (uint32_t k = 0; k < x->revision_count; k++) {
        vpair p = {n, x->revisions[k]};
        if (wpk_v_add(v, &v->revs, &p)) return;
    }
}

static void visit(vctx *v, const wpk2_root_item *it, wpk_page *page, void *arg)
{
    ewalk *w = arg;
    if (!page) {
        w->have_prev = 0;
        v->entries_incomplete = 1;
        return;
    }
    const wpk2_entry_page *pg = &page->u.entry;
    for (uint32_t b = 0; b < pg->block_count; b++) {
        vref x;
        memset(&x, 0, sizeof x); /* padding too: records are compared and written whole */
        x.ref = pg->blocks[b];
        x.page_first = pg->first_entry;
        if (wpk_v_add(v, &v->refs, &x)) return;
    }
    for (uint32_t i = 0; i < pg->count && !v->halted; i++) one_entry(v, w, pg, i);
    (void)it;
}

void wpk_v_entries(vctx *v)
{
    ewalk w;
    memset(&w, 0, sizeof w);
    wpk_v_walk(v, WPK2_PAGE_ENTRY, visit, &w);
    wpk_free(w.prev);
    wpk_reader *r = v->r;
    if (!v->halted && !v->entries_incomplete && v->content_bytes != r->h.content_bytes)
        wpk_v_problem(v, WPK_E_CORRUPT, 0, 0, "%s: entries hold %llu bytes, the header says %llu", r->name,
                      (unsigned long long)v->content_bytes, (unsigned long long)r->h.content_bytes);
}
