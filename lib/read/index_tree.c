/* index_tree.c - the leaves of an index, reached from its root directly or
 * through one level of branch pages (format 1.3, WPK_SECF_BRANCHED).
 *
 * A root and a branch page share one layout, decoded and checked here by
 * the same code. Branch pages are decoded on first use and kept until the
 * reader closes: there are few of them (one per ~200 leaves), and keeping
 * them makes a lookup in a branched index cost one binary search more, not
 * one page load more. Their total is capped: a hostile archive naming
 * millions of branch pages cannot make a reader keep them all. */
#include "reader_internal.h"

#include <stdlib.h>
#include <string.h>

/* Branch pages a reader keeps, raw bytes: an honest archive needs ~2.5 MB
 * per million entries. */
#define BRANCH_BUDGET ((uint64_t)256 << 20)

int wpk_bytes_cmp(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
    size_t n = an < bn ? an : bn;
    int c = n ? memcmp(a, b, n) : 0;
    if (c) return c;
    return an < bn ? -1 : an > bn;
}

static int item_key_cmp(const wpk_fmt_root_item *it, uint32_t kind, const uint8_t *key, size_t key_len,
                        uint64_t key_u64)
{
    if (kind == WPK_KEY_U64) return it->key_u64 < key_u64 ? -1 : it->key_u64 > key_u64;
    return wpk_bytes_cmp(it->key, it->key_len, key, key_len);
}

static int compare_keys(const wpk_fmt_root_item *a, const wpk_fmt_root_item *b, uint32_t kind)
{
    return item_key_cmp(a, kind, b->key, b->key_len, b->key_u64);
}

int wpk_decode_items(wpk_reader *r, const wpk_index *idx, const uint8_t *raw, size_t n, uint64_t first, int of_branches,
                     uint64_t at, const char *what, wpk_item_list *out, wpk_error *err)
{
    const char *why = NULL;
    uint32_t count, kind;
    if (wpk_fmt_root_head(raw, n, &count, &kind, &why) != 0)
        return wpk_fail_at(err, WPK_E_CORRUPT, at, "%s: %s at offset %llu: %s", r->name, what, (unsigned long long)at,
                           why);
    if (kind != idx->want_kind)
        return wpk_fail_at(err, WPK_E_CORRUPT, at, "%s: %s has the wrong key kind", r->name, what);
    wpk_fmt_root_item *items = wpk_calloc(count ? count : 1, sizeof *items);
    if (!items) return wpk_fail(err, WPK_E_NOMEM, "%s: out of memory", r->name);
    size_t pos = WPK_ROOT_HEAD;
    uint64_t next_item = first;
    int strict = idx->sec.type == WPK_SEC_PATH_ROOT; /* paths are unique */
    for (uint32_t i = 0; i < count; i++) {
        wpk_fmt_root_item *it = &items[i];
        int rc = wpk_fmt_root_item_decode(raw, n, &pos, kind, it, &why);
        if (!rc && !of_branches) rc = wpk_fmt_leaf_holds(it, (r->hdr.required_features & WPK_FEATURE_COLUMNS) != 0, &why);
        if (rc) {
            wpk_free(items);
            return wpk_fail_at(err, WPK_E_CORRUPT, at, "%s: %s item %u: %s", r->name, what, i, why);
        }
        if (it->first_item != next_item)
            why = "leaf positions are not contiguous";
        else if (i > 0 && compare_keys(&items[i - 1], it, kind) > 0)
            why = "leaf keys are out of order";
        else if (i > 0 && strict && compare_keys(&items[i - 1], it, kind) == 0)
            why = "two leaves start with the same path";
        else if (it->page.offset > idx->size || it->page.stored_size > idx->size - it->page.offset)
            why = "leaf lies outside the page region";
        if (why) {
            wpk_free(items);
            return wpk_fail_at(err, WPK_E_CORRUPT, at, "%s: %s item %u: %s", r->name, what, i, why);
        }
        if (it->page.raw_size > r->opts.max_page_size) {
            uint32_t raw_size = it->page.raw_size; /* `it` lies in `items` */
            wpk_free(items);
            return wpk_fail_at(err, WPK_E_LIMIT, at, "%s: %s item %u: page of %u bytes is over the page cap", r->name,
                               what, i, raw_size);
        }
        next_item += it->item_count;
    }
    if (pos != n) {
        wpk_free(items);
        return wpk_fail_at(err, WPK_E_CORRUPT, at, "%s: %s has trailing bytes", r->name, what);
    }
    out->items = items;
    out->count = count;
    out->total = next_item - first;
    return WPK_OK;
}

/* Decode branch page i and check it against the root item over it: same
 * first key, same first position, as many items beneath. */
static int load_branch(wpk_reader *r, wpk_index *idx, uint32_t i, wpk_branch *b, wpk_error *err)
{
    const wpk_fmt_root_item *top = &idx->items[i];
    uint64_t at = idx->base + top->page.offset;
    static const char *const names[WPK_SEC_LAST + 1] = {
        [WPK_SEC_PATH_ROOT] = "path index branch page", [WPK_SEC_TITLE_ROOT] = "title index branch page",
        [WPK_SEC_ID_ROOT] = "ID index branch page", [WPK_SEC_FOLD_ROOT] = "folded-title index branch page",
        [WPK_SEC_CATEGORY_ROOT] = "category index branch page"};
    const char *what = idx->sec.type <= WPK_SEC_LAST && names[idx->sec.type] ? names[idx->sec.type] : "branch page";
    if (top->page.raw_size > WPK_MAX_BRANCH_BYTES)
        return wpk_fail_at(err, WPK_E_LIMIT, at, "%s: %s at offset %llu: %u bytes, over the %u-byte branch page cap",
                           r->name, what, (unsigned long long)at, top->page.raw_size, WPK_MAX_BRANCH_BYTES);
    if (r->branch_bytes + top->page.raw_size > BRANCH_BUDGET)
        return wpk_fail_at(err, WPK_E_LIMIT, at, "%s: %s at offset %llu: the branch pages read exceed %llu MiB",
                           r->name, what, (unsigned long long)at, (unsigned long long)(BRANCH_BUDGET >> 20));
    /* Kept here, so not in the page cache, where it would push out a leaf. */
    int rc = wpk_load_page_uncached(r, idx, &top->page, what, &b->raw, err);
    if (rc) return rc;
    rc = wpk_decode_items(r, idx, b->raw, top->page.raw_size, top->first_item, 0, at, what, &b->list, err);
    if (rc) return rc;
    const char *why = NULL;
    if (b->list.total != top->item_count)
        why = "item count differs from the root";
    else if (compare_keys(&b->list.items[0], top, idx->kind) != 0)
        why = "first key differs from the root";
    else if (i + 1 < idx->count && compare_keys(&b->list.items[b->list.count - 1], &idx->items[i + 1], idx->kind) > 0)
        why = "keys run past the next branch page's first key";
    if (why)
        return wpk_fail_at(err, WPK_E_CORRUPT, at, "%s: %s at offset %llu: %s", r->name, what, (unsigned long long)at,
                           why);
    return WPK_OK;
}

int wpk_index_children(wpk_reader *r, wpk_index *idx, uint32_t i, wpk_item_list *out, wpk_error *err)
{
    if (!idx->branched) {
        *out = (wpk_item_list){&idx->items[i], 1, idx->items[i].item_count};
        return WPK_OK;
    }
    wpk_branch *b = &idx->branches[i];
    pthread_mutex_lock(&r->root_lock);
    if (b->state == 0) {
        memset(&b->err, 0, sizeof b->err);
        b->state = load_branch(r, idx, i, b, &b->err) == 0 ? 1 : -1;
        if (b->state > 0) r->branch_bytes += idx->items[i].page.raw_size;
        if (b->state < 0) { /* keep only the error: every later use reports it again */
            wpk_free(b->raw);
            wpk_free(b->list.items);
            b->raw = NULL;
            memset(&b->list, 0, sizeof b->list);
        }
    }
    int rc = b->state > 0 ? WPK_OK : b->err.code;
    if (rc && err) *err = b->err;
    else if (!rc) *out = b->list;
    pthread_mutex_unlock(&r->root_lock);
    return rc;
}

void wpk_index_free_branches(wpk_index *idx)
{
    for (uint32_t i = 0; idx->branches && i < idx->count; i++) {
        wpk_free(idx->branches[i].raw);
        wpk_free(idx->branches[i].list.items);
    }
    wpk_free(idx->branches);
    idx->branches = NULL;
}

/* Among items sorted by first key, the one whose leaf holds the first item
 * >= key: without split runs a leaf never starts inside a run of equal
 * keys, so an item whose first key equals the key holds its first
 * occurrence; otherwise (and always with split runs, where the run may
 * start in the leaf before) it is the item before. -1 when the key sorts
 * before (or, split, at) every item. */
static int64_t find_in(const wpk_fmt_root_item *items, uint32_t count, uint32_t kind, const uint8_t *key,
                       size_t key_len, uint64_t key_u64, int split_runs)
{
    uint32_t lo = 0, hi = count; /* first item with first key >= key */
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (item_key_cmp(&items[mid], kind, key, key_len, key_u64) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (!split_runs && lo < count && item_key_cmp(&items[lo], kind, key, key_len, key_u64) == 0) return lo;
    return (int64_t)lo - 1;
}

/* The last of `count` items whose first position is <= n. */
static uint32_t at_in(const wpk_fmt_root_item *items, uint32_t count, uint64_t n)
{
    uint32_t lo = 0, hi = count;
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (items[mid].first_item <= n) lo = mid; else hi = mid;
    }
    return lo;
}

int wpk_index_find(wpk_reader *r, wpk_index *idx, const uint8_t *key, size_t key_len, uint64_t key_u64,
                   const wpk_fmt_root_item **leaf, wpk_error *err)
{
    *leaf = NULL;
    int64_t top = find_in(idx->items, idx->count, idx->kind, key, key_len, key_u64, idx->split_runs);
    if (top < 0) return WPK_OK;
    wpk_item_list kids;
    int rc = wpk_index_children(r, idx, (uint32_t)top, &kids, err);
    if (rc) return rc;
    /* The branch's first key is its root item's, which is <= key (< key
     * with split runs). */
    int64_t k = find_in(kids.items, kids.count, idx->kind, key, key_len, key_u64, idx->split_runs);
    *leaf = &kids.items[k < 0 ? 0 : k];
    return WPK_OK;
}

int wpk_index_at(wpk_reader *r, wpk_index *idx, uint64_t n, const wpk_fmt_root_item **leaf, wpk_error *err)
{
    *leaf = NULL;
    if (n >= idx->total_items || idx->count == 0) return WPK_OK;
    wpk_item_list kids;
    int rc = wpk_index_children(r, idx, at_in(idx->items, idx->count, n), &kids, err);
    if (rc) return rc;
    *leaf = &kids.items[at_in(kids.items, kids.count, n)];
    return WPK_OK;
}

int wpk_index_next(wpk_reader *r, wpk_index *idx, const wpk_fmt_root_item *leaf, const wpk_fmt_root_item **next,
                   wpk_error *err)
{
    return wpk_index_at(r, idx, leaf->first_item + leaf->item_count, next, err);
}
