/* verify_index.c - verify's walks of the title, ID and category indexes: order across pages, the run rule, and every item against the entries it names (and every entry against the items it needs).
 *
 * The items are kept as they come, then sorted by the entry they name and
 * merged with the entries (both streams, spilled past the budget): a
 * random look-up of each item's entry would need every entry in memory.
 * A message that quotes an item's string reads its leaf again. */
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
            wpk_v_nomem(v);
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

/* An item of an index as the joins need it. */
typedef struct vitem {
    uint64_t key;                 /* title: XXH3 of its display form; category: of its name; ID: the page ID */
    const wpk2_root_item *leaf;   /* its leaf (root items live as long as the reader) */
    uint32_t entry, item;         /* the entry it names; its place in its leaf */
    uint16_t wiki;
    uint8_t kind;
} vitem;

static int item_cmp(const void *x, const void *y)
{
    const vitem *p = x, *q = y;
    if (p->entry != q->entry) return p->entry < q->entry ? -1 : 1;
    if (p->key != q->key) return p->key < q->key ? -1 : 1;
    if (p->kind != q->kind) return p->kind < q->kind ? -1 : 1;
    if (p->wiki != q->wiki) return p->wiki < q->wiki ? -1 : 1;
    if (p->leaf != q->leaf) { /* by place in the file: the same order whatever the memory */
        if (p->leaf->page_offset != q->leaf->page_offset) return p->leaf->page_offset < q->leaf->page_offset ? -1 : 1;
        return p->leaf < q->leaf ? -1 : 1;
    }
    return (p->item > q->item) - (p->item < q->item);
}

static int add_item(vctx *v, wpk_sorter *t, const wpk2_root_item *leaf, uint32_t i, uint32_t entry, uint64_t key,
                    uint16_t wiki, uint8_t kind)
{
    vitem x;
    memset(&x, 0, sizeof x); /* padding too: records are compared and written whole */
    x.key = key;
    x.leaf = leaf;
    x.entry = entry;
    x.item = i;
    x.wiki = wiki;
    x.kind = kind;
    return wpk_v_add(v, t, &x);
}

/* The string an item quotes (a title's display form, a category's name),
 * its leaf read again: for messages only. "" when that read fails. */
typedef struct quote {
    wpk_shared *page;
    wpk2_str s;
} quote;

static void quote_item(vctx *v, uint32_t kind, const vitem *x, quote *q)
{
    wpk_error e;
    q->page = NULL;
    q->s = (wpk2_str){(const uint8_t *)"", 0};
    if (wpk_leaf_load_checked(v->r, &v->r->idx[kind], x->leaf, &q->page, &e) != 0) {
        wpk_v_error(v, &e);
        q->page = NULL;
        return;
    }
    wpk_page *pg = wpk_page_of(q->page);
    if (kind == WPK2_PAGE_TITLE && x->item < pg->u.title.count) q->s = pg->u.title.items[x->item].display;
    if (kind == WPK2_PAGE_CATEGORY && x->item < pg->u.category.count) q->s = pg->u.category.items[x->item].name;
}

static void unquote(quote *q)
{
    if (q->page) wpk_shared_release(q->page);
    q->page = NULL;
}

/* ---- titles --------------------------------------------------------------- */

typedef struct twalk {
    prev_key key;
    uint16_t wiki;
    uint8_t kind;
    uint32_t entry;
    wpk_sorter items;         /* vitem: every item, by the entry it names */
    wpk_sorter former;        /* vpair: (current version, XXH3 of a former title) of the kind-2 items */
} twalk;

static void title_item(vctx *v, twalk *w, const wpk2_root_item *it, const wpk2_title_item *x, uint32_t i)
{
    wpk_reader *r = v->r;
    uint64_t at = page_at(v, it);
    char *folded;
    if (wpk_title_fold((const char *)x->display.p, x->display.len, &folded)) {
        wpk_v_nomem(v);
        return;
    }
    if (wpk_bytes_cmp((const uint8_t *)folded, strlen(folded), x->key.p, x->key.len) != 0)
        wpk_v_problem(v, WPK_E_CORRUPT, 1, at, "%s: title page at offset %llu: the key of \"%.*s\" is not its folded form",
                      r->name, (unsigned long long)at, (int)x->display.len, (const char *)x->display.p);
    wpk_free(folded);
    uint64_t hash = wpk2_checksum(x->display.p, x->display.len);
    if (add_item(v, &w->items, it, i, x->entry, hash, x->wiki, x->kind)) return;
    if (x->kind == WPK2_TKIND_FORMER) {
        vpair f = {x->entry, hash};
        wpk_v_add(v, &w->former, &f);
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
    for (uint32_t i = 0; i < pg->count && !v->halted; i++) title_item(v, w, it, &pg->items[i], i);
    const wpk2_title_item *last = &pg->items[pg->count - 1];
    keep_key(v, &w->key, last->key);
    w->wiki = last->wiki;
    w->kind = last->kind;
    w->entry = last->entry;
}

/* A title item against its entry: 1 when it is that entry's title item. */
static int title_vs_entry(vctx *v, const vent *e, const vitem *x)
{
    wpk_reader *r = v->r;
    int older = e->current != V_NONE, other_wiki = e->wiki != x->wiki;
    int other_title = x->kind == WPK2_TKIND_TITLE && (!(e->flags & V_HAS_TITLE) || e->title_hash != x->key);
    if (!older && !other_wiki && !other_title) return x->kind == WPK2_TKIND_TITLE;
    uint64_t at = page_at(v, x->leaf);
    quote q;
    quote_item(v, WPK2_PAGE_TITLE, x, &q);
    int len = (int)q.s.len;
    const char *s = (const char *)q.s.p;
    if (older)
        wpk_v_problem(v, WPK_E_CORRUPT, 1, at, "%s: title page at offset %llu: \"%.*s\" names entry %u, an older version",
                      r->name, (unsigned long long)at, len, s, x->entry);
    else if (other_wiki)
        wpk_v_problem(v, WPK_E_CORRUPT, 1, at, "%s: title page at offset %llu: \"%.*s\" is of wiki %u, its entry %u of "
                      "wiki %u", r->name, (unsigned long long)at, len, s, x->wiki, x->entry, e->wiki);
    else
        wpk_v_problem(v, WPK_E_CORRUPT, 1, at, "%s: title page at offset %llu: \"%.*s\" names entry %u, which has another "
                      "title", r->name, (unsigned long long)at, len, s, x->entry);
    unquote(&q);
    return 0;
}

/* Every title item against its entry; every current version with a title
 * has its title item. */
static void title_join(vctx *v, twalk *w, int whole)
{
    vjoin j;
    if (wpk_v_join_open(v, &j, &v->ents, &w->items)) return;
    vitem x;
    int more = wpk_sort_next(&j.b, &x);
    vent e;
    while (!v->halted && wpk_sort_next(&j.a, &e)) {
        int titled = 0;
        for (; more && x.entry <= e.n && !v->halted; more = wpk_sort_next(&j.b, &x))
            if (x.entry == e.n) titled |= title_vs_entry(v, &e, &x); /* else its entry page failed: reported */
        if (whole && (e.flags & V_HAS_TITLE) && e.current == V_NONE && !titled)
            wpk_v_problem(v, WPK_E_CORRUPT, 0, 0, "%s: entry %zu: no title item for its title", v->r->name, (size_t)e.n);
    }
    wpk_v_join_close(v, &j);
}

/* Every older version with another title than its current version's has
 * a former-title item. */
static void former_join(vctx *v, twalk *w)
{
    vjoin j;
    if (wpk_v_join_open(v, &j, &v->need_former, &w->former)) return;
    vpair f;
    int more = wpk_sort_next(&j.b, &f);
    vneed need;
    while (!v->halted && wpk_sort_next(&j.a, &need)) {
        while (more && (f.a < need.current || (f.a == need.current && f.b < need.hash))) more = wpk_sort_next(&j.b, &f);
        if (!more || f.a != need.current || f.b != need.hash)
            wpk_v_problem(v, WPK_E_CORRUPT, 0, 0, "%s: entry %zu: no former-title item for its title", v->r->name,
                          (size_t)need.n);
    }
    wpk_v_join_close(v, &j);
}

void wpk_v_titles(vctx *v)
{
    twalk w;
    memset(&w, 0, sizeof w);
    wpk_sorter_init(&w.items, &v->spill, sizeof(vitem), item_cmp);
    wpk_sorter_init(&w.former, &v->spill, sizeof(vpair), wpk_v_pair_cmp);
    wpk_v_walk(v, WPK2_PAGE_TITLE, visit_title, &w);
    wpk_free(w.key.p);
    int whole = v->r->idx[WPK2_PAGE_TITLE].state > 0;
    if (!v->halted) title_join(v, &w, whole);
    wpk_sorter_free(&w.items);
    if (!v->halted && whole) former_join(v, &w);
    wpk_sorter_free(&w.former);
    wpk_sorter_free(&v->need_former);
}

/* ---- page IDs ------------------------------------------------------------- */

typedef struct iwalk {
    int have;
    uint16_t wiki;
    uint64_t id;
    uint64_t items;
    wpk_sorter sorted;        /* vitem: every item, by the entry it names */
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
    for (uint32_t i = 0; i < pg->count && !v->halted; i++) {
        const wpk2_id_item *x = &pg->items[i];
        add_item(v, &w->sorted, it, i, x->entry, x->page_id, x->wiki, 0);
    }
    w->items += pg->count;
    w->have = 1;
    w->wiki = pg->items[pg->count - 1].wiki;
    w->id = pg->items[pg->count - 1].page_id;
}

/* Each item names the current version with its (wiki, page ID): its own,
 * or its older versions' (art_ids). */
static void id_join(vctx *v, iwalk *w)
{
    vjoin j;
    wpk_sort_reader art;
    if (wpk_v_open(v, &v->art_ids, &art)) return;
    if (wpk_v_join_open(v, &j, &v->ents, &w->sorted)) {
        wpk_sort_close(&art);
        return;
    }
    vitem x;
    vpair a;
    int more = wpk_sort_next(&j.b, &x), more_art = wpk_sort_next(&art, &a);
    vent e;
    while (!v->halted && more && wpk_sort_next(&j.a, &e)) {
        int has = (e.flags & V_HAS_ID) != 0;
        uint64_t id = e.page_id;
        while (more_art && a.a < e.n) more_art = wpk_sort_next(&art, &a);
        if (more_art && a.a == e.n) has = 1, id = a.b;
        for (; more && x.entry <= e.n; more = wpk_sort_next(&j.b, &x)) {
            if (x.entry < e.n) continue; /* its entry page failed: reported */
            if (e.current != V_NONE || !has || id != x.key || e.wiki != x.wiki) {
                uint64_t at = page_at(v, x.leaf);
                wpk_v_problem(v, WPK_E_CORRUPT, 1, at, "%s: ID page at offset %llu: (wiki %u, page ID %llu) names entry "
                              "%u, not the current version with them", v->r->name, (unsigned long long)at, x.wiki,
                              (unsigned long long)x.key, x.entry);
            }
        }
    }
    wpk_v_join_close(v, &j);
    wpk_v_close(v, &art);
}

void wpk_v_ids(vctx *v)
{
    iwalk w;
    memset(&w, 0, sizeof w);
    wpk_sorter_init(&w.sorted, &v->spill, sizeof(vitem), item_cmp);
    wpk_v_walk(v, WPK2_PAGE_ID, visit_id, &w);
    if (!v->halted) id_join(v, &w);
    wpk_sorter_free(&w.sorted);
    wpk_sorter_free(&v->art_ids);
    if (v->r->idx[WPK2_PAGE_ID].state > 0 && !v->entries_incomplete && !v->halted && w.items != v->id_articles)
        wpk_v_problem(v, WPK_E_CORRUPT, 0, 0, "%s: the ID index holds %llu items for %llu articles with a page ID",
                      v->r->name, (unsigned long long)w.items, (unsigned long long)v->id_articles);
}

/* ---- categories ----------------------------------------------------------- */

typedef struct cwalk {
    prev_key name;
    uint32_t entry;
    uint64_t items;
    wpk_sorter sorted;        /* vitem: every item, by entry and name */
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
    for (uint32_t i = 0; i < pg->count && !v->halted; i++) {
        const wpk2_category_item *x = &pg->items[i];
        add_item(v, &w->sorted, it, i, x->entry, wpk2_checksum(x->name.p, x->name.len), 0, 0);
    }
    w->items += pg->count;
    keep_key(v, &w->name, pg->items[pg->count - 1].name);
    w->entry = pg->items[pg->count - 1].entry;
}

static int pair_below(const vpair *p, uint64_t a, uint64_t b) { return p->a < a || (p->a == a && p->b < b); }

/* Each item names a current version in that category; the distinct
 * (entry, category) pairs of the entries counted on the way. */
static uint64_t category_join(vctx *v, cwalk *w)
{
    vjoin j;
    wpk_sort_reader cats;
    uint64_t distinct = 0;
    if (wpk_v_open(v, &v->cats, &cats)) return 0;
    if (wpk_v_join_open(v, &j, &v->ents, &w->sorted)) {
        wpk_sort_close(&cats);
        return 0;
    }
    vpair c, prev = {0, 0};
    vent e;
    vitem x;
    int have_c = wpk_sort_next(&cats, &c), have_e = wpk_sort_next(&j.a, &e), have_prev = 0;
#define NEXT_CAT()                                                                         \
    do {                                                                                   \
        distinct += !have_prev || prev.a != c.a || prev.b != c.b;                          \
        prev = c, have_prev = 1;                                                           \
        have_c = wpk_sort_next(&cats, &c);                                                 \
    } while (0)
    while (!v->halted && wpk_sort_next(&j.b, &x)) {
        while (have_e && e.n < x.entry) have_e = wpk_sort_next(&j.a, &e);
        while (have_c && pair_below(&c, x.entry, x.key)) NEXT_CAT();
        if (!have_e || e.n != x.entry) continue; /* its entry page failed: reported */
        int in = have_c && c.a == x.entry && c.b == x.key;
        if (e.current == V_NONE && in) continue;
        uint64_t at = page_at(v, x.leaf);
        quote q;
        quote_item(v, WPK2_PAGE_CATEGORY, &x, &q);
        wpk_v_problem(v, WPK_E_CORRUPT, 1, at, "%s: category page at offset %llu: \"%.*s\" names entry %u, not a "
                      "current version in it", v->r->name, (unsigned long long)at, (int)q.s.len, (const char *)q.s.p,
                      x.entry);
        unquote(&q);
    }
    while (!v->halted && have_c) NEXT_CAT();
#undef NEXT_CAT
    wpk_v_join_close(v, &j);
    wpk_v_close(v, &cats);
    return distinct;
}

void wpk_v_categories(vctx *v)
{
    cwalk w;
    memset(&w, 0, sizeof w);
    wpk_sorter_init(&w.sorted, &v->spill, sizeof(vitem), item_cmp);
    wpk_v_walk(v, WPK2_PAGE_CATEGORY, visit_category, &w);
    wpk_free(w.name.p);
    uint64_t pairs = v->halted ? 0 : category_join(v, &w);
    wpk_sorter_free(&w.sorted);
    wpk_sorter_free(&v->cats);
    if (v->r->idx[WPK2_PAGE_CATEGORY].state > 0 && !v->entries_incomplete && !v->halted && w.items != pairs)
        wpk_v_problem(v, WPK_E_CORRUPT, 0, 0, "%s: the category index holds %llu items for %llu (category, current "
                      "version) pairs", v->r->name, (unsigned long long)w.items, (unsigned long long)pairs);
}
