/* verify_index.c - verify's walks of the title, ID and category indexes: order across pages, the run rule, and every item against the entries it names (and every entry against the items it needs). */
#include "verify_internal.h"

#include <stdlib.h>
#include <string.h>

/* A copy of the previous page's last key, for order across pages. */
typedef struct prev_key {
    uint8_t *p;
    size_t len, cap;
    int have;
} prev_key;

static int keep_key(vctx *v, prev_key *k, wpk2_str s)
{
    if (s.len > k->cap) {
        uint8_t *g = wpk_realloc(k->p, s.len);
        if (!g) {
            v->oom = 1;
            return -1;
        }
        k->p = g;
        k->cap = s.len;
    }
    if (s.len) memcpy(k->p, s.p, s.len);
    k->len = s.len;
    k->have = 1;
    return 0;
}

static uint64_t page_at(const vctx *v, const wpk2_root_item *it) { return v->r->pages_base + it->page_offset; }

/* ---- titles --------------------------------------------------------------- */

typedef struct twalk {
    prev_key key;
    uint16_t wiki;
    uint8_t kind;
    uint32_t entry;
    vpair *former;            /* (current version, XXH3 of a former title) of the kind-2 items */
    size_t nformer;
} twalk;

static void title_item(vctx *v, twalk *w, const wpk2_root_item *it, const wpk2_title_item *x)
{
    wpk_reader *r = v->r;
    uint64_t at = page_at(v, it);
    char *folded;
    if (wpk_title_fold((const char *)x->display.p, x->display.len, &folded)) {
        v->oom = 1;
        return;
    }
    if (wpk_bytes_cmp((const uint8_t *)folded, strlen(folded), x->key.p, x->key.len) != 0)
        wpk_v_problem(v, WPK_E_CORRUPT, 1, at, "%s: title page at offset %llu: the key of \"%.*s\" is not its folded form",
                      r->name, (unsigned long long)at, (int)x->display.len, (const char *)x->display.p);
    wpk_free(folded);
    vent *e = wpk_v_ent(v, x->entry);
    if (!e) return; /* its entry page failed: reported */
    uint64_t hash = wpk2_checksum(x->display.p, x->display.len);
    if (e->current != V_NONE)
        wpk_v_problem(v, WPK_E_CORRUPT, 1, at, "%s: title page at offset %llu: \"%.*s\" names entry %u, an older version",
                      r->name, (unsigned long long)at, (int)x->display.len, (const char *)x->display.p, x->entry);
    else if (e->wiki != x->wiki)
        wpk_v_problem(v, WPK_E_CORRUPT, 1, at, "%s: title page at offset %llu: \"%.*s\" is of wiki %u, its entry %u of "
                      "wiki %u", r->name, (unsigned long long)at, (int)x->display.len, (const char *)x->display.p,
                      x->wiki, x->entry, e->wiki);
    else if (x->kind == WPK2_TKIND_TITLE && (!(e->flags & V_HAS_TITLE) || e->title_hash != hash))
        wpk_v_problem(v, WPK_E_CORRUPT, 1, at, "%s: title page at offset %llu: \"%.*s\" names entry %u, which has another "
                      "title", r->name, (unsigned long long)at, (int)x->display.len, (const char *)x->display.p,
                      x->entry);
    else if (x->kind == WPK2_TKIND_TITLE)
        e->flags |= V_TITLE_ITEM;
    if (x->kind == WPK2_TKIND_FORMER) {
        vpair f = {x->entry, hash};
        wpk_v_push(v, &w->former, &w->nformer, sizeof f, &f);
    }
}

static void visit_title(vctx *v, const wpk2_root_item *it, wpk_page *page, void *arg)
{
    twalk *w = arg;
    if (!page) {
        w->key.have = 0;
        return;
    }
    const wpk2_title_page *pg = &page->u.title;
    const wpk2_title_item *first = &pg->items[0];
    if (w->key.have) {
        uint64_t at = page_at(v, it);
        int c = wpk_bytes_cmp(w->key.p, w->key.len, first->key.p, first->key.len);
        if (c == 0) c = w->wiki != first->wiki ? (w->wiki < first->wiki ? -1 : 1) : 0;
        if (c == 0) c = w->kind != first->kind ? (w->kind < first->kind ? -1 : 1) : 0;
        if (c == 0) c = w->entry > first->entry;
        if (c > 0)
            wpk_v_problem(v, WPK_E_CORRUPT, 1, at, "%s: title page at offset %llu: items out of order with the page "
                          "before", v->r->name, (unsigned long long)at);
        if (!wpk_bytes_cmp(w->key.p, w->key.len, first->key.p, first->key.len))
            wpk_v_problem(v, WPK_E_CORRUPT, 1, at, "%s: title page at offset %llu starts inside the run of its first key",
                          v->r->name, (unsigned long long)at);
    }
    for (uint32_t i = 0; i < pg->count && !v->oom; i++) title_item(v, w, it, &pg->items[i]);
    const wpk2_title_item *last = &pg->items[pg->count - 1];
    keep_key(v, &w->key, last->key);
    w->wiki = last->wiki;
    w->kind = last->kind;
    w->entry = last->entry;
}

void wpk_v_titles(vctx *v)
{
    twalk w;
    memset(&w, 0, sizeof w);
    wpk_v_walk(v, WPK2_PAGE_TITLE, visit_title, &w);
    wpk_free(w.key.p);
    if (v->r->idx[WPK2_PAGE_TITLE].state > 0 && !v->oom) {
        if (w.nformer) qsort(w.former, w.nformer, sizeof *w.former, wpk_v_pair_cmp);
        /* Every current version with a title has its title item; every
         * older version with another title, a former-title item. */
        for (size_t k = 0; k < v->nents; k++) {
            vent *e = &v->ents[k], *c;
            size_t n = e->n;
            if (!(e->flags & V_HAS_TITLE)) continue;
            if (e->current == V_NONE) {
                if (!(e->flags & V_TITLE_ITEM))
                    wpk_v_problem(v, WPK_E_CORRUPT, 0, 0, "%s: entry %zu: no title item for its title", v->r->name, n);
                continue;
            }
            if (!(c = wpk_v_ent(v, e->current)) || ((c->flags & V_HAS_TITLE) && c->title_hash == e->title_hash)) continue;
            vpair want = {e->current, e->title_hash};
            if (!w.nformer || !bsearch(&want, w.former, w.nformer, sizeof want, wpk_v_pair_cmp))
                wpk_v_problem(v, WPK_E_CORRUPT, 0, 0, "%s: entry %zu: no former-title item for its title", v->r->name, n);
        }
    }
    wpk_free(w.former);
}

/* ---- page IDs ------------------------------------------------------------- */

typedef struct iwalk {
    int have;
    uint16_t wiki;
    uint64_t id;
    uint64_t items;
} iwalk;

static void visit_id(vctx *v, const wpk2_root_item *it, wpk_page *page, void *arg)
{
    iwalk *w = arg;
    if (!page) {
        w->have = 0;
        return;
    }
    const wpk2_id_page *pg = &page->u.id;
    uint64_t at = page_at(v, it);
    const wpk2_id_item *first = &pg->items[0];
    if (w->have && (w->wiki > first->wiki || (w->wiki == first->wiki && w->id >= first->page_id)))
        wpk_v_problem(v, WPK_E_CORRUPT, 1, at, "%s: ID page at offset %llu: items out of order with the page before",
                      v->r->name, (unsigned long long)at);
    for (uint32_t i = 0; i < pg->count; i++) {
        const wpk2_id_item *x = &pg->items[i];
        vent *e = wpk_v_ent(v, x->entry);
        if (e && (e->current != V_NONE || !(e->flags & V_ART_ID) || e->page_id != x->page_id || e->wiki != x->wiki))
            wpk_v_problem(v, WPK_E_CORRUPT, 1, at, "%s: ID page at offset %llu: (wiki %u, page ID %llu) names entry %u, "
                          "not the current version with them", v->r->name, (unsigned long long)at, x->wiki,
                          (unsigned long long)x->page_id, x->entry);
    }
    w->items += pg->count;
    w->have = 1;
    w->wiki = pg->items[pg->count - 1].wiki;
    w->id = pg->items[pg->count - 1].page_id;
}

void wpk_v_ids(vctx *v)
{
    iwalk w;
    memset(&w, 0, sizeof w);
    wpk_v_walk(v, WPK2_PAGE_ID, visit_id, &w);
    uint64_t want = 0;
    for (size_t k = 0; k < v->nents; k++) want += v->ents[k].current == V_NONE && (v->ents[k].flags & V_ART_ID);
    if (v->r->idx[WPK2_PAGE_ID].state > 0 && !v->entries_incomplete && !v->oom && w.items != want)
        wpk_v_problem(v, WPK_E_CORRUPT, 0, 0, "%s: the ID index holds %llu items for %llu articles with a page ID",
                      v->r->name, (unsigned long long)w.items, (unsigned long long)want);
}

/* ---- categories ----------------------------------------------------------- */

typedef struct cwalk {
    prev_key name;
    uint32_t entry;
    uint64_t items;
} cwalk;

static void visit_category(vctx *v, const wpk2_root_item *it, wpk_page *page, void *arg)
{
    cwalk *w = arg;
    if (!page) {
        w->name.have = 0;
        return;
    }
    const wpk2_category_page *pg = &page->u.category;
    uint64_t at = page_at(v, it);
    const wpk2_category_item *first = &pg->items[0];
    if (w->name.have) {
        int c = wpk_bytes_cmp(w->name.p, w->name.len, first->name.p, first->name.len);
        if (c > 0 || (c == 0 && w->entry >= first->entry))
            wpk_v_problem(v, WPK_E_CORRUPT, 1, at, "%s: category page at offset %llu: items out of order with the page "
                          "before", v->r->name, (unsigned long long)at);
    }
    for (uint32_t i = 0; i < pg->count; i++) {
        const wpk2_category_item *x = &pg->items[i];
        vent *e = wpk_v_ent(v, x->entry);
        vpair want = {x->entry, wpk2_checksum(x->name.p, x->name.len)};
        if (e && (e->current != V_NONE || !v->ncats || !bsearch(&want, v->cats, v->ncats, sizeof want, wpk_v_pair_cmp)))
            wpk_v_problem(v, WPK_E_CORRUPT, 1, at, "%s: category page at offset %llu: \"%.*s\" names entry %u, not a "
                          "current version in it", v->r->name, (unsigned long long)at, (int)x->name.len,
                          (const char *)x->name.p, x->entry);
    }
    w->items += pg->count;
    keep_key(v, &w->name, pg->items[pg->count - 1].name);
    w->entry = pg->items[pg->count - 1].entry;
}

void wpk_v_categories(vctx *v)
{
    /* The distinct (entry, name) pairs, sorted for the items' look-ups. */
    if (v->ncats) qsort(v->cats, v->ncats, sizeof *v->cats, wpk_v_pair_cmp);
    size_t k = 0;
    for (size_t i = 0; i < v->ncats; i++)
        if (!k || wpk_v_pair_cmp(&v->cats[k - 1], &v->cats[i])) v->cats[k++] = v->cats[i];
    v->ncats = k;
    cwalk w;
    memset(&w, 0, sizeof w);
    wpk_v_walk(v, WPK2_PAGE_CATEGORY, visit_category, &w);
    wpk_free(w.name.p);
    if (v->r->idx[WPK2_PAGE_CATEGORY].state > 0 && !v->entries_incomplete && !v->oom && w.items != v->ncats)
        wpk_v_problem(v, WPK_E_CORRUPT, 0, 0, "%s: the category index holds %llu items for %zu (category, current "
                      "version) pairs", v->r->name, (unsigned long long)w.items, v->ncats);
}
