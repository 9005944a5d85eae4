/* wit2_verify.c - the witness reader's `verify`: every page and block read with BLAKE2b, then what no single page shows (tiling, order across pages, header totals, versions, indexes against the entries). */
#include "wit2_reader.h"

#include <stdlib.h>
#include <string.h>

typedef struct span {
    uint64_t at, size;
} span;

static int by_span(const void *x, const void *y)
{
    const span *p = x, *q = y;
    if (p->at != q->at) return p->at < q->at ? -1 : 1;
    return (p->size > q->size) - (p->size < q->size);
}

/* Spans tile 0 .. size exactly; with `same`, equal spans count once. */
static int tiles(span *s, size_t n, uint64_t size, int same)
{
    qsort(s, n, sizeof *s, by_span);
    uint64_t at = 0;
    for (size_t i = 0; i < n; i++) {
        if (same && i && s[i].at == s[i - 1].at && s[i].size == s[i - 1].size) continue;
        if (s[i].at != at) return 0;
        at += s[i].size;
    }
    return at == size;
}

static int str_eq(wpk2_str a, wpk2_str b) { return a.len == b.len && (a.len == 0 || !memcmp(a.p, b.p, a.len)); }
static int str_cmp(wpk2_str a, wpk2_str b)
{
    size_t m = a.len < b.len ? a.len : b.len;
    int c = m ? memcmp(a.p, b.p, m) : 0;
    return c ? c : (a.len > b.len) - (a.len < b.len);
}

#define PROBLEM(...) do { if (!problems++) wit2_fail(a, WIT2_CORRUPT, __VA_ARGS__); } while (0)

/* Leaves of an index, all read. */
static int all_leaves(wit2 *a, int kind, void ***pages, uint32_t *n)
{
    int rc = wit2_index_use(a, kind);
    if (rc) return rc;
    for (uint32_t i = 0; i < a->idx[kind].nleaves; i++) {
        void *p;
        if ((rc = wit2_leaf(a, kind, i, &p))) return rc;
    }
    *pages = a->idx[kind].pages;
    *n = a->idx[kind].nleaves;
    return WIT2_OK;
}

static int title_cmp(const wpk2_title_item *x, const wpk2_title_item *y)
{
    int c = str_cmp(x->key, y->key);
    if (c) return c;
    if (x->wiki != y->wiki) return x->wiki < y->wiki ? -1 : 1;
    if (x->kind != y->kind) return x->kind < y->kind ? -1 : 1;
    return (x->entry > y->entry) - (x->entry < y->entry);
}

/* The page ID of the article whose current version is c: its own, else
 * the first its older versions carry. 0 when the article has none. */
static int article_id(const wpk2_entry *const *E, const wpk2_entry *c, uint64_t *id)
{
    if (c->flags & WPK2_F_HAS_ID) {
        *id = c->page_id;
        return 1;
    }
    for (uint32_t i = 0; i < c->revision_count; i++)
        if (E[c->revisions[i]]->flags & WPK2_F_HAS_ID) {
            *id = E[c->revisions[i]]->page_id;
            return 1;
        }
    return 0;
}

int wit2_verify(wit2 *a)
{
    int rc, problems = 0;
    a->check_auth = 1; /* a full walk checks every BLAKE2b, key or not */
    if ((rc = wit2_signature(a, a->pubkey != NULL))) return rc;
    uint32_t count = (uint32_t)a->h.entry_count;
    const wpk2_entry **E = calloc(count + 1, sizeof *E);
    const wpk2_block_ref **B = calloc(count + 1, sizeof *B);
    span *spans = NULL;
    if (!E || !B) {
        rc = wit2_fail(a, WIT2_NOMEM, "out of memory");
        goto out;
    }
    for (uint32_t n = 0; n < count; n++) {
        const wpk2_entry_page *pg;
        if ((rc = wit2_entry(a, n, &E[n], &pg))) goto out;
        B[n] = E[n]->size ? &pg->blocks[E[n]->block] : NULL;
    }
    void **pages[5];
    uint32_t npages[5];
    for (int k = 1; k <= 4; k++)
        if ((rc = all_leaves(a, k, &pages[k], &npages[k]))) goto out;

    /* PAGES: leaves and branch pages tile it. */
    size_t ns = 0, cap = 16;
    for (int k = 1; k <= 4; k++) cap += npages[k] + a->idx[k].nbranch;
    spans = calloc(cap > count ? cap : count + 1, sizeof *spans);
    if (!spans) {
        rc = wit2_fail(a, WIT2_NOMEM, "out of memory");
        goto out;
    }
    for (int k = 1; k <= 4; k++) {
        wit2_index *x = &a->idx[k];
        for (uint32_t i = 0; i < x->nleaves; i++) spans[ns++] = (span){x->leaves[i]->page_offset, x->leaves[i]->stored_size};
        for (uint32_t j = 0; j < x->nbranch; j++)
            spans[ns++] = (span){x->root.items[j].page_offset, x->root.items[j].stored_size};
    }
    if (!tiles(spans, ns, a->pages_size, 0)) PROBLEM("the pages do not tile PAGES");

    /* Entries: path order across pages, 1.5's path rules, versions. */
    for (uint32_t n = 0; n < count; n++) {
        const wpk2_entry *e = E[n];
        if (n && str_cmp(E[n - 1]->path, e->path) >= 0) PROBLEM("entry %u: paths out of order", n);
        if (!wit2_path_ok(e->path.p, e->path.len)) PROBLEM("entry %u: unsafe path", n);
        if (e->ext & WPK2_X_CURRENT) {
            const wpk2_entry *c = E[e->current];
            int listed = 0;
            for (uint32_t i = 0; i < c->revision_count; i++) listed |= c->revisions[i] == n;
            if (!listed) PROBLEM("entry %u: its current version %u does not list it", n, e->current);
            if (c->wiki != e->wiki) PROBLEM("entry %u: versions across wikis", n);
            uint64_t id;
            if ((e->flags & WPK2_F_HAS_ID) && article_id(E, c, &id) && id != e->page_id)
                PROBLEM("entry %u: versions of one article with different page IDs", n);
        }
        for (uint32_t i = 0; i < e->revision_count; i++) {
            const wpk2_entry *r = E[e->revisions[i]];
            for (uint32_t j = 0; j < i; j++)
                if (e->revisions[j] == e->revisions[i]) PROBLEM("entry %u: REVISIONS names entry %u twice", n, e->revisions[i]);
            if (!(r->ext & WPK2_X_CURRENT) || r->current != n) PROBLEM("entry %u: REVISIONS not answered by CURRENT", n);
        }
    }

    /* Blocks: one reference per offset, read whole; contents cover each
     * block exactly (equal places once); blocks tile DATA; totals. */
    uint64_t content = 0, unique = 0, blocks = 0;
    ns = 0;
    for (uint32_t n = 0; n < count; n++) {
        content += E[n]->size;
        if (!B[n]) continue;
        uint32_t first = n;
        for (uint32_t m = 0; m < n; m++)
            if (B[m] && B[m]->offset == B[n]->offset) {
                first = m;
                break;
            }
        if (first != n) {
            const wpk2_block_ref *p = B[first], *q = B[n];
            if (p->stored_size != q->stored_size || p->raw_size != q->raw_size || p->checksum != q->checksum ||
                memcmp(p->auth, q->auth, 32))
                PROBLEM("entries %u and %u disagree about the block at %llu", first, n, (unsigned long long)q->offset);
            continue;
        }
        uint8_t *raw;
        if ((rc = wit2_block(a, B[n], &raw))) goto out;
        free(raw);
        blocks++;
        unique += B[n]->raw_size;
        size_t nc = 0;
        span *cover = calloc(count, sizeof *cover);
        if (!cover) {
            rc = wit2_fail(a, WIT2_NOMEM, "out of memory");
            goto out;
        }
        for (uint32_t m = n; m < count; m++)
            if (B[m] && B[m]->offset == B[n]->offset) cover[nc++] = (span){E[m]->offset, E[m]->size};
        if (!tiles(cover, nc, B[n]->raw_size, 1))
            PROBLEM("block at %llu: its contents do not cover it exactly", (unsigned long long)B[n]->offset);
        free(cover);
        spans[ns++] = (span){B[n]->offset, B[n]->stored_size};
    }
    if (!tiles(spans, ns, a->data_size, 0)) PROBLEM("the blocks do not tile DATA");
    if (blocks != a->h.block_count) PROBLEM("block_count %llu, %llu blocks", (unsigned long long)a->h.block_count, (unsigned long long)blocks);
    if (content != a->h.content_bytes) PROBLEM("content_bytes %llu, contents total %llu", (unsigned long long)a->h.content_bytes, (unsigned long long)content);
    if (unique != a->h.unique_bytes) PROBLEM("unique_bytes %llu, blocks total %llu", (unsigned long long)a->h.unique_bytes, (unsigned long long)unique);

    /* Title index. */
    const wpk2_title_item *prev = NULL;
    uint32_t ntitles = 0;
    for (uint32_t i = 0; i < npages[2]; i++) {
        const wpk2_title_page *pg = pages[2][i];
        if (prev && title_cmp(prev, &pg->items[0]) > 0) PROBLEM("title page %u: items out of order", i);
        if (prev && str_eq(prev->key, pg->items[0].key)) PROBLEM("title page %u starts inside a run", i);
        for (uint32_t k = 0; k < pg->count; k++) {
            const wpk2_title_item *it = &pg->items[k];
            size_t fl;
            uint8_t *f = wit2_fold(it->display.p, it->display.len, &fl);
            if (!str_eq((wpk2_str){f, (uint32_t)fl}, it->key)) PROBLEM("title item '%.*s': key is not its folded display", (int)it->display.len, it->display.p);
            free(f);
            const wpk2_entry *e = E[it->entry];
            if (e->ext & WPK2_X_CURRENT) PROBLEM("title item %u names an older version", ntitles);
            if (e->wiki != it->wiki) PROBLEM("title item %u: its wiki differs from its entry's", ntitles);
            if (it->kind == WPK2_TKIND_TITLE && (!(e->flags & WPK2_F_HAS_TITLE) || !str_eq(e->title, it->display)))
                PROBLEM("title item '%.*s' names an entry with another title", (int)it->display.len, it->display.p);
            ntitles++;
        }
        prev = &pg->items[pg->count - 1];
    }
    for (uint32_t n = 0; n < count; n++) {
        const wpk2_entry *e = E[n];
        if (!(e->flags & WPK2_F_HAS_TITLE)) continue;
        uint32_t target = n;
        uint8_t kind = WPK2_TKIND_TITLE;
        if (e->ext & WPK2_X_CURRENT) {
            const wpk2_entry *c = E[e->current];
            if ((c->flags & WPK2_F_HAS_TITLE) && str_eq(c->title, e->title)) continue;
            target = e->current;
            kind = WPK2_TKIND_FORMER;
        }
        int found = 0;
        for (uint32_t i = 0; i < npages[2] && !found; i++) {
            const wpk2_title_page *pg = pages[2][i];
            for (uint32_t k = 0; k < pg->count && !found; k++)
                found = pg->items[k].kind == kind && pg->items[k].entry == target && pg->items[k].wiki == e->wiki &&
                        str_eq(pg->items[k].display, e->title);
        }
        if (!found) PROBLEM("entry %u: no %s item for its title", n, kind ? "former-title" : "title");
    }

    /* ID index: strictly increasing across pages, one item an article with a page ID, naming its current version. */
    const wpk2_id_item *iprev = NULL;
    uint32_t nids = 0, want = 0;
    for (uint32_t i = 0; i < npages[3]; i++) {
        const wpk2_id_page *pg = pages[3][i];
        for (uint32_t k = 0; k < pg->count; k++) {
            const wpk2_id_item *it = &pg->items[k];
            if (iprev && (iprev->wiki > it->wiki || (iprev->wiki == it->wiki && iprev->page_id >= it->page_id)))
                PROBLEM("ID page %u: items out of order", i);
            const wpk2_entry *e = E[it->entry];
            uint64_t id;
            if ((e->ext & WPK2_X_CURRENT) || !article_id(E, e, &id) || id != it->page_id || e->wiki != it->wiki)
                PROBLEM("ID item (%u, %llu) names entry %u, not the current version with that page ID", it->wiki,
                        (unsigned long long)it->page_id, it->entry);
            iprev = it;
            nids++;
        }
    }
    for (uint32_t n = 0; n < count; n++) {
        uint64_t id;
        want += !(E[n]->ext & WPK2_X_CURRENT) && article_id(E, E[n], &id);
    }
    if (nids != want) PROBLEM("%u ID items for %u articles with a page ID", nids, want);

    /* Category index: (name, entry) strictly increasing across pages, exactly
     * the current versions' own categories. */
    const wpk2_category_item *cprev = NULL;
    uint32_t ncats = 0;
    want = 0;
    for (uint32_t i = 0; i < npages[4]; i++) {
        const wpk2_category_page *pg = pages[4][i];
        for (uint32_t k = 0; k < pg->count; k++) {
            const wpk2_category_item *it = &pg->items[k];
            int c = cprev ? str_cmp(cprev->name, it->name) : -1;
            if (c > 0 || (c == 0 && cprev->entry >= it->entry)) PROBLEM("category page %u: items out of order", i);
            const wpk2_entry *e = E[it->entry];
            int has = 0;
            for (uint32_t j = 0; j < e->category_count; j++) has |= str_eq(e->categories[j], it->name);
            if (!has || (e->ext & WPK2_X_CURRENT)) PROBLEM("category item names entry %u, not a current version in it", it->entry);
            cprev = it;
            ncats++;
        }
    }
    for (uint32_t n = 0; n < count; n++)
        if (!(E[n]->ext & WPK2_X_CURRENT)) want += E[n]->category_count;
    if (ncats != want) PROBLEM("%u category items for %u (category, current version) pairs", ncats, want);
    rc = problems ? WIT2_CORRUPT : WIT2_OK;
out:
    free(E);
    free(B);
    free(spans);
    return rc;
}
