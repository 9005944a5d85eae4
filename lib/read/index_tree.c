/* index_tree.c - walking an index's leaves: under a flat root, or under the branch pages a branched root names (decoded on first use, kept until close). */
#include "reader_internal.h"

#include <stdio.h>
#include <string.h>

int wpk_bytes_cmp(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
    size_t n = an < bn ? an : bn;
    int c = n ? memcmp(a, b, n) : 0;
    if (c) return c;
    return an < bn ? -1 : an > bn;
}

int wpk_key_cmp(uint32_t kind, const wpk2_root_item *it, const wpk_key *k)
{
    /* ID keys are numbers: their little-endian bytes do not sort. */
    if (kind == WPK2_PAGE_ID) {
        if (it->key_wiki != k->wiki) return it->key_wiki < k->wiki ? -1 : 1;
        return (it->key_id > k->id) - (it->key_id < k->id);
    }
    return wpk_bytes_cmp(it->key.p, it->key.len, k->p, k->len);
}

static int item_cmp(uint32_t kind, const wpk2_root_item *a, const wpk2_root_item *b)
{
    wpk_key k = {b->key.p, b->key.len, b->key_wiki, b->key_id};
    return wpk_key_cmp(kind, a, &k);
}

/* Branch page i, read and decoded. Its leaves continue the order of the
 * leaves before it, which its own decoding cannot see: its last key must
 * stay below the next root item's (the next branch page's first). */
static int load_branch(wpk_reader *r, wpk_index *idx, uint32_t i, wpk_branch *b, wpk_error *err)
{
    const wpk2_root_item *from = &idx->root.items[i];
    uint64_t abs = idx->base + from->page_offset;
    char what[48];
    snprintf(what, sizeof what, "%s branch page", idx->what);
    uint8_t *raw;
    /* BLAKE2b computed always, failing only with a trusted key: verify
     * asks whether it matched without reading the page again. */
    int rc = wpk_page_raw(r, idx, from, what, WPK_AUTH_MEASURE, &b->auth_ok, &raw, err);
    if (rc) return rc;
    wpk2_root_ctx ctx = {.index_kind = idx->kind, .branched = 1, .entry_count = r->h.entry_count,
                         .pages_size = idx->size, .alloc = &r->alloc};
    wpk2_err e;
    rc = wpk2_branch_decode(raw, from->raw_size, &ctx, from, &b->list, &e);
    wpk_free(raw);
    if (rc) return wpk_codec_fail(r, err, rc, &e, abs, what);
    if (i + 1 < idx->root.count && b->list.count) {
        int c = item_cmp(idx->kind, &b->list.items[b->list.count - 1], &idx->root.items[i + 1]);
        if (c > 0 || (c == 0 && !wpk2_runs_split(idx->kind)))
            return wpk_fail_at(err, WPK_E_CORRUPT, abs, "%s: %s at offset %llu: its last key is not below the next "
                               "branch page's first", r->name, what, (unsigned long long)abs);
    }
    return WPK_OK;
}

int wpk_index_children(wpk_reader *r, wpk_index *idx, uint32_t i, const wpk2_root_item **items, uint32_t *count,
                       wpk_error *err)
{
    if (!idx->branched) {
        *items = &idx->root.items[i];
        *count = 1;
        return WPK_OK;
    }
    wpk_branch *b = &idx->branches[i];
    pthread_mutex_lock(&r->root_lock);
    if (b->state == 0) {
        memset(&b->err, 0, sizeof b->err);
        b->state = load_branch(r, idx, i, b, &b->err) == 0 ? 1 : -1;
        if (b->state < 0) wpk2_root_free(&b->list);
    }
    int rc = b->state > 0 ? WPK_OK : b->err.code;
    if (rc && err) *err = b->err;
    pthread_mutex_unlock(&r->root_lock);
    *items = rc ? NULL : b->list.items;
    *count = rc ? 0 : b->list.count;
    return rc;
}

int wpk_index_leaf(wpk_reader *r, wpk_index *idx, wpk_leaf_pos pos, const wpk2_root_item **it, wpk_error *err)
{
    *it = NULL;
    if (pos.top >= idx->root.count) return WPK_OK;
    const wpk2_root_item *items;
    uint32_t n;
    int rc = wpk_index_children(r, idx, pos.top, &items, &n, err);
    if (!rc && pos.sub < n) *it = &items[pos.sub];
    return rc;
}

/* The last of n items whose key is not above k (below it when strict); -1
 * when none is. */
static int64_t last_not_above(uint32_t kind, const wpk2_root_item *items, uint32_t n, const wpk_key *k, int strict)
{
    uint32_t lo = 0, hi = n; /* first item above (at or above when strict) */
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int c = wpk_key_cmp(kind, &items[mid], k);
        if (strict ? c < 0 : c <= 0) lo = mid + 1;
        else hi = mid;
    }
    return (int64_t)lo - 1;
}

int wpk_index_seek(wpk_reader *r, wpk_index *idx, const wpk_key *k, int strict, wpk_leaf_pos *pos,
                   const wpk2_root_item **it, wpk_error *err)
{
    *it = NULL;
    int64_t top = last_not_above(idx->kind, idx->root.items, idx->root.count, k, strict);
    if (top < 0) return WPK_OK;
    const wpk2_root_item *items;
    uint32_t n;
    int rc = wpk_index_children(r, idx, (uint32_t)top, &items, &n, err);
    if (rc) return rc;
    /* A branch page's first key is its root item's, so one of its leaves
     * qualifies. */
    int64_t sub = last_not_above(idx->kind, items, n, k, strict);
    if (sub < 0) return WPK_OK;
    pos->top = (uint32_t)top;
    pos->sub = (uint32_t)sub;
    *it = &items[sub];
    return WPK_OK;
}

/* The last of n items whose first position is not above at. */
static int64_t holding(const wpk2_root_item *items, uint32_t n, uint64_t at)
{
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (items[mid].first_item <= at) lo = mid + 1;
        else hi = mid;
    }
    return (int64_t)lo - 1;
}

int wpk_index_at(wpk_reader *r, wpk_index *idx, uint64_t n, wpk_leaf_pos *pos, const wpk2_root_item **it,
                 wpk_error *err)
{
    *it = NULL;
    if (n >= idx->root.total) return WPK_OK;
    int64_t top = holding(idx->root.items, idx->root.count, n);
    if (top < 0) return WPK_OK;
    const wpk2_root_item *items;
    uint32_t count;
    int rc = wpk_index_children(r, idx, (uint32_t)top, &items, &count, err);
    if (rc) return rc;
    int64_t sub = holding(items, count, n);
    if (sub < 0 || n - items[sub].first_item >= items[sub].page_items) return WPK_OK;
    pos->top = (uint32_t)top;
    pos->sub = (uint32_t)sub;
    *it = &items[sub];
    return WPK_OK;
}

int wpk_index_first(wpk_reader *r, wpk_index *idx, wpk_leaf_pos *pos, const wpk2_root_item **it, wpk_error *err)
{
    pos->top = pos->sub = 0;
    return wpk_index_leaf(r, idx, *pos, it, err);
}

int wpk_index_next(wpk_reader *r, wpk_index *idx, wpk_leaf_pos *pos, const wpk2_root_item **it, wpk_error *err)
{
    *it = NULL;
    const wpk2_root_item *items;
    uint32_t n;
    int rc = wpk_index_children(r, idx, pos->top, &items, &n, err);
    if (rc) return rc;
    if (pos->sub + 1 < n) {
        pos->sub++;
    } else {
        pos->top++;
        pos->sub = 0;
    }
    return wpk_index_leaf(r, idx, *pos, it, err);
}
