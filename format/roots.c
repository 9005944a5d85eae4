/* roots.c - index roots and branch pages (format 2.0): items naming pages by place, hashes, positions and first key.
 *
 * Root (raw bytes of a *_ROOT section): u32 item_count (0: empty index),
 * u32 kind (1..4: the items name leaves of that kind; 5: branch pages),
 * then the items back to back, filling it exactly.
 * Branch page: u32 count (>= 1), u32 kind 5, u32 child_kind (1..4, 6), then
 * count items naming leaves.
 * Item (70 bytes + key):
 *    0  8 page_offset (in PAGES)   8  4 stored_size    12  4 raw_size
 *   16  8 XXH3-64 of the stored bytes   24 32 BLAKE2b-256 of them
 *   56  8 first_item   64  4 page_items   68  2 key_length   70  . key
 * Keys: a path, a folded title, 10 bytes (u16 wiki, u64 page ID), a
 * category name, a term (format 2.3). Positions are contiguous; keys
 * strictly increase, except category names and terms, which may repeat (a
 * run split across leaves).
 */
#include "wpk2_internal.h"

#include <stdio.h>

static const char *const index_names[] = {"?", "entry", "title", "ID", "category", "?", "search"};

/* Smallest raw page of each kind: its head (and a branch page's one item). */
static uint32_t min_raw(uint32_t kind)
{
    switch (kind) {
    case WPK2_PAGE_ENTRY: return 8 + 4 * 13;
    case WPK2_PAGE_TITLE: return 8 + 4 * 5;
    case WPK2_PAGE_BRANCH: return 12 + WPK2_ROOT_ITEM_FIXED;
    case WPK2_PAGE_TERM: return 8 + 4 * 5;
    default: return 8 + 4 * 3;
    }
}

void wpk2_id_key(uint8_t out[WPK2_ID_KEY_SIZE], uint16_t wiki, uint64_t page_id)
{
    put16(out, wiki);
    put64(out + 2, page_id);
}

/* The rules of one item naming a page of `kind` in index `index_kind`. */
static int item_rules(const char *what, uint32_t i, const wpk2_root_item *it, uint32_t kind, const wpk2_root_ctx *ctx,
                      int code, wpk2_err *err)
{
    if (it->stored_size == 0) return wpk2_fail(err, code, "%s, item %u: page of 0 stored bytes", what, i);
    if (it->raw_size < min_raw(kind))
        return wpk2_fail(err, code, "%s, item %u: page of %u raw bytes is shorter than a page's head", what, i,
                         it->raw_size);
    if ((uint64_t)it->raw_size > (uint64_t)it->stored_size * WPK2_MAX_EXPANSION)
        return wpk2_fail(err, code, "%s, item %u: %u raw bytes more than a zstd frame of %u bytes can hold", what, i,
                         it->raw_size, it->stored_size);
    if (it->page_offset > ctx->pages_size || it->stored_size > ctx->pages_size - it->page_offset)
        return wpk2_fail(err, code, "%s, item %u: page at %llu (%u bytes) outside PAGES (%llu bytes)", what, i,
                         (unsigned long long)it->page_offset, it->stored_size, (unsigned long long)ctx->pages_size);
    if (it->page_items == 0) return wpk2_fail(err, code, "%s, item %u: page of 0 items", what, i);
    /* Every item of a leaf costs at least a byte of it. */
    if (kind != WPK2_PAGE_BRANCH && it->page_items > it->raw_size)
        return wpk2_fail(err, code, "%s, item %u: %u items cannot fit a page of %u raw bytes", what, i, it->page_items,
                         it->raw_size);
    if (it->key.len > 0xFFFF) return wpk2_fail(err, code, "%s, item %u: key over 65535 bytes", what, i);
    if (ctx->index_kind == WPK2_PAGE_ID) {
        if (it->key.len != WPK2_ID_KEY_SIZE)
            return wpk2_fail(err, code, "%s, item %u: ID key of %u bytes, not 10", what, i, it->key.len);
    } else if (ctx->index_kind == WPK2_PAGE_ENTRY && it->key.len == 0) {
        return wpk2_fail(err, code, "%s, item %u: empty path key", what, i);
    }
    return WPK2_OK;
}

static int key_cmp(uint32_t index_kind, const wpk2_root_item *a, const wpk2_root_item *b)
{
    if (index_kind == WPK2_PAGE_ID) {
        if (a->key_wiki != b->key_wiki) return a->key_wiki < b->key_wiki ? -1 : 1;
        return (a->key_id > b->key_id) - (a->key_id < b->key_id);
    }
    return str_cmp(a->key, b->key);
}

/* Positions contiguous from `start`, keys in order; *total gets the end. */
static int seq_rules(const char *what, const wpk2_root_item *items, uint32_t count, uint64_t start,
                     const wpk2_root_ctx *ctx, int code, uint64_t *total, wpk2_err *err)
{
    uint64_t at = start;
    for (uint32_t i = 0; i < count; i++) {
        if (items[i].first_item != at)
            return wpk2_fail(err, code, "%s, item %u: first_item %llu, expected %llu", what, i,
                             (unsigned long long)items[i].first_item, (unsigned long long)at);
        if (at > UINT64_MAX - items[i].page_items) return wpk2_fail(err, code, "%s, item %u: positions overflow", what, i);
        at += items[i].page_items;
        if (i > 0) {
            int c = key_cmp(ctx->index_kind, &items[i - 1], &items[i]);
            if (c > 0 || (c == 0 && !wpk2_runs_split(ctx->index_kind)))
                return wpk2_fail(err, code, "%s, item %u: key %s the previous item's", what, i,
                                 c > 0 ? "below" : "equal to");
        }
    }
    *total = at;
    return WPK2_OK;
}

/* Items from raw[*pos..n); keys copied into out->mem. */
static int items_decode(const char *what, const uint8_t *raw, size_t n, size_t pos, uint32_t count, uint32_t kind,
                        const wpk2_root_ctx *ctx, wpk2_root *out, wpk2_err *err)
{
    /* Each item takes 70 bytes at least: checked before allocating. */
    if (count > (n - pos) / WPK2_ROOT_ITEM_FIXED)
        return wpk2_fail(err, WPK2_E_CORRUPT, "%s: %u items cannot fit %zu bytes", what, count, n - pos);
    out->items = wpk2_mem_array(&out->mem, count, sizeof *out->items);
    if (!out->items) return wpk2_fail(err, WPK2_E_NOMEM, "%s: out of memory", what);
    for (uint32_t i = 0; i < count; i++) {
        if (n - pos < WPK2_ROOT_ITEM_FIXED) return wpk2_fail(err, WPK2_E_CORRUPT, "%s, item %u: truncated", what, i);
        const uint8_t *q = raw + pos;
        wpk2_root_item *it = &out->items[i];
        it->page_offset = le64(q);
        it->stored_size = le32(q + 8);
        it->raw_size = le32(q + 12);
        it->checksum = le64(q + 16);
        memcpy(it->auth, q + 24, 32);
        it->first_item = le64(q + 56);
        it->page_items = le32(q + 64);
        uint16_t klen = le16(q + 68);
        pos += WPK2_ROOT_ITEM_FIXED;
        if (klen > n - pos) return wpk2_fail(err, WPK2_E_CORRUPT, "%s, item %u: key runs past the end", what, i);
        int rc = WPK2_OK;
        uint8_t *key = wpk2_mem_string(&out->mem, klen, &rc);
        if (!key) return wpk2_fail(err, rc, "%s: out of memory", what);
        if (klen) memcpy(key, raw + pos, klen);
        it->key = (wpk2_str){key, klen};
        pos += klen;
        if (ctx->index_kind == WPK2_PAGE_ID && klen == WPK2_ID_KEY_SIZE) {
            it->key_wiki = le16(key);
            it->key_id = le64(key + 2);
        }
        rc = item_rules(what, i, it, kind, ctx, WPK2_E_CORRUPT, err);
        if (rc) return rc;
    }
    if (pos != n) return wpk2_fail(err, WPK2_E_CORRUPT, "%s: %zu bytes after the last item", what, n - pos);
    return WPK2_OK;
}

static int bad_index(const wpk2_root_ctx *ctx, wpk2_err *err)
{
    if ((ctx->index_kind < WPK2_PAGE_ENTRY || ctx->index_kind > WPK2_PAGE_CATEGORY) && ctx->index_kind != WPK2_PAGE_TERM)
        return wpk2_fail(err, WPK2_E_INVALID, "index kind %u is not 1..4 or 6", ctx->index_kind);
    return WPK2_OK;
}

int wpk2_root_decode(const uint8_t *raw, size_t n, const wpk2_root_ctx *ctx, wpk2_root *out, wpk2_err *err)
{
    memset(out, 0, sizeof *out);
    wpk2_mem_init(&out->mem, ctx->alloc, UINT64_MAX);
    int rc = bad_index(ctx, err);
    if (rc) return rc;
    char what[32];
    snprintf(what, sizeof what, "%s root", index_names[ctx->index_kind]);
    if (n < 8) return wpk2_fail(err, WPK2_E_CORRUPT, "%s of %zu bytes is shorter than its head", what, n);
    uint32_t count = le32(raw), kind = le32(raw + 4);
    uint32_t want = ctx->branched ? WPK2_PAGE_BRANCH : ctx->index_kind;
    if (kind != want)
        return wpk2_fail(err, WPK2_E_CORRUPT, "%s: kind %u, expected %u (%s)", what, kind, want,
                         ctx->branched ? "BRANCHED" : "not branched");
    out->index_kind = ctx->index_kind;
    out->kind = kind;
    rc = items_decode(what, raw, n, 8, count, kind, ctx, out, err);
    if (!rc) rc = seq_rules(what, out->items, count, 0, ctx, WPK2_E_CORRUPT, &out->total, err);
    if (!rc && ctx->index_kind == WPK2_PAGE_ENTRY && out->total != ctx->entry_count)
        rc = wpk2_fail(err, WPK2_E_CORRUPT, "%s: items total %llu entries, the header says %llu", what,
                       (unsigned long long)out->total, (unsigned long long)ctx->entry_count);
    if (rc) {
        wpk2_root_free(out);
        return rc;
    }
    out->count = count;
    return wpk2_ok(err);
}

int wpk2_branch_decode(const uint8_t *raw, size_t n, const wpk2_root_ctx *ctx, const wpk2_root_item *from,
                       wpk2_root *out, wpk2_err *err)
{
    memset(out, 0, sizeof *out);
    wpk2_mem_init(&out->mem, ctx->alloc, UINT64_MAX);
    int rc = bad_index(ctx, err);
    if (rc) return rc;
    char what[40];
    snprintf(what, sizeof what, "%s branch page", index_names[ctx->index_kind]);
    if (n < 12) return wpk2_fail(err, WPK2_E_CORRUPT, "%s of %zu bytes is shorter than its head", what, n);
    uint32_t count = le32(raw), kind = le32(raw + 4), child = le32(raw + 8);
    if (kind != WPK2_PAGE_BRANCH) return wpk2_fail(err, WPK2_E_CORRUPT, "%s: page of kind %u, expected 5", what, kind);
    if (child != ctx->index_kind)
        return wpk2_fail(err, WPK2_E_CORRUPT, "%s: child kind %u, expected %u", what, child, ctx->index_kind);
    if (count == 0) return wpk2_fail(err, WPK2_E_CORRUPT, "%s has no items (count 0)", what);
    out->index_kind = ctx->index_kind;
    out->kind = child;
    uint64_t start = from ? from->first_item : 0;
    rc = items_decode(what, raw, n, 12, count, child, ctx, out, err);
    if (!rc) rc = seq_rules(what, out->items, count, start, ctx, WPK2_E_CORRUPT, &out->total, err);
    if (!rc && from && out->total - start != from->page_items)
        rc = wpk2_fail(err, WPK2_E_CORRUPT, "%s: leaves hold %llu items, its referrer says %u", what,
                       (unsigned long long)(out->total - start), from->page_items);
    if (!rc && from && !str_eq(out->items[0].key, from->key))
        rc = wpk2_fail(err, WPK2_E_CORRUPT, "%s: first key differs from its referrer's key", what);
    if (rc) {
        wpk2_root_free(out);
        return rc;
    }
    out->count = count;
    return wpk2_ok(err);
}

void wpk2_root_free(wpk2_root *r)
{
    wpk2_mem_release(&r->mem);
    r->items = NULL;
    r->count = 0;
}

static int items_encode(wpk2_buf *out, const char *what, const wpk2_root_ctx *ctx, const wpk2_root_item *items,
                        uint32_t count, uint32_t kind, wpk2_err *err)
{
    for (uint32_t i = 0; i < count; i++) {
        wpk2_root_item it = items[i];
        if (ctx->index_kind == WPK2_PAGE_ID && it.key.len == WPK2_ID_KEY_SIZE) {
            it.key_wiki = le16(it.key.p);
            it.key_id = le64(it.key.p + 2);
        }
        int rc = item_rules(what, i, &it, kind, ctx, WPK2_E_INVALID, err);
        if (rc) return rc;
        if (ctx->index_kind == WPK2_PAGE_ID && (it.key_wiki != items[i].key_wiki || it.key_id != items[i].key_id))
            return wpk2_fail(err, WPK2_E_INVALID, "%s, item %u: key bytes differ from key_wiki/key_id", what, i);
    }
    uint64_t total;
    int rc = seq_rules(what, items, count, count ? items[0].first_item : 0, ctx, WPK2_E_INVALID, &total, err);
    if (rc) return rc;
    size_t start = out->len;
    for (uint32_t i = 0; i < count; i++) {
        const wpk2_root_item *it = &items[i];
        uint8_t q[WPK2_ROOT_ITEM_FIXED];
        put64(q, it->page_offset);
        put32(q + 8, it->stored_size);
        put32(q + 12, it->raw_size);
        put64(q + 16, it->checksum);
        memcpy(q + 24, it->auth, 32);
        put64(q + 56, it->first_item);
        put32(q + 64, it->page_items);
        put16(q + 68, (uint16_t)it->key.len);
        if (wpk2_buf_put(out, q, sizeof q) || wpk2_buf_put(out, it->key.p, it->key.len)) {
            out->len = start;
            return wpk2_fail(err, WPK2_E_NOMEM, "%s: out of memory", what);
        }
    }
    return WPK2_OK;
}

int wpk2_root_encode(wpk2_buf *out, const wpk2_root_ctx *ctx, const wpk2_root_item *items, uint32_t count,
                     wpk2_err *err)
{
    int rc = bad_index(ctx, err);
    if (rc) return rc;
    const char *what = "root";
    if (count && items[0].first_item != 0)
        return wpk2_fail(err, WPK2_E_INVALID, "root, item 0: first_item %llu, expected 0",
                         (unsigned long long)items[0].first_item);
    if (ctx->index_kind == WPK2_PAGE_ENTRY) {
        uint64_t total = count ? items[count - 1].first_item + items[count - 1].page_items : 0;
        if (total != ctx->entry_count)
            return wpk2_fail(err, WPK2_E_INVALID, "entry root: items total %llu entries, entry_count is %llu",
                             (unsigned long long)total, (unsigned long long)ctx->entry_count);
    }
    uint32_t kind = ctx->branched ? WPK2_PAGE_BRANCH : ctx->index_kind;
    size_t start = out->len;
    if (wpk2_buf_u32(out, count) || wpk2_buf_u32(out, kind)) {
        out->len = start;
        return wpk2_fail(err, WPK2_E_NOMEM, "%s: out of memory", what);
    }
    rc = items_encode(out, what, ctx, items, count, kind, err);
    if (rc) {
        out->len = start;
        return rc;
    }
    return wpk2_ok(err);
}

int wpk2_branch_encode(wpk2_buf *out, const wpk2_root_ctx *ctx, const wpk2_root_item *items, uint32_t count,
                       wpk2_err *err)
{
    int rc = bad_index(ctx, err);
    if (rc) return rc;
    if (count == 0) return wpk2_fail(err, WPK2_E_INVALID, "branch page with no items");
    size_t start = out->len;
    if (wpk2_buf_u32(out, count) || wpk2_buf_u32(out, WPK2_PAGE_BRANCH) || wpk2_buf_u32(out, ctx->index_kind)) {
        out->len = start;
        return wpk2_fail(err, WPK2_E_NOMEM, "branch page: out of memory");
    }
    rc = items_encode(out, "branch page", ctx, items, count, ctx->index_kind, err);
    if (rc) {
        out->len = start;
        return rc;
    }
    return wpk2_ok(err);
}
