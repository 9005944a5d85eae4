/* writer_pages.c - leaves and roots: each leaf compressed, hashed and appended to a scratch file with one root item naming it; roots, with a level of branch pages when large.
 *
 * A leaf's root item carries its place (offset in its scratch file until
 * the files are joined into PAGES), sizes, XXH3-64 and BLAKE2b-256, its
 * position in the index and its first key. */
#include "writer_internal.h"

#include <string.h>

int wpk_page_level(const wpk_writer *w)
{
    return w->opts.level < 19 ? w->opts.level : 19; /* level 19 pays on metadata: ~8% smaller than 15 */
}

/* The page dictionary's parameters, its match tables sized to what a page
 * can reach: the dictionary and the page. Sized for an unknown source, a
 * level-19 dictionary's tables take 2^20 hash and chain entries (8.7 MB
 * for a 256 KiB dictionary), and each page compressor copies them; a hash
 * table of half that span and a chain table (a binary tree at this level)
 * of twice it take 5.5 MB and gave the same pages on the open_wiki
 * markdown (format 1.5: byte-identical archives). */
ZSTD_compressionParameters wpk_page_cparams(const wpk_writer *w)
{
    ZSTD_compressionParameters cp = ZSTD_getCParams(wpk_page_level(w), w->opts.page_size, w->dict_size);
    unsigned span = 10;
    while ((1ull << span) < (uint64_t)w->dict_size + w->opts.page_size) span++;
    if (cp.hashLog > span - 1) cp.hashLog = span - 1;
    if (cp.chainLog > span + 1) cp.chainLog = span + 1;
    return cp;
}

ZSTD_CCtx *wpk_page_cctx(const wpk_writer *w, const ZSTD_CDict *cd)
{
    ZSTD_CCtx *c = wpk_zstd_cctx();
    if (!c) return NULL;
    /* Frames as the format wants them: content size, no checksum (the
     * reference holds one), no dictionary ID. */
    ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, wpk_page_level(w));
    ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 0);
    ZSTD_CCtx_setParameter(c, ZSTD_c_dictIDFlag, 0);
    ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, 1);
    if (cd) {
        /* A dictionary made with explicit parameters records no level, and
         * zstd would then take the frame's parameters from the default
         * level: set the page level's own; the tables come with the
         * dictionary. */
        ZSTD_CCtx_setCParams(c, ZSTD_getCParams(wpk_page_level(w), w->opts.page_size, w->dict_size));
        ZSTD_CCtx_refCDict(c, cd);
    }
    return c;
}

int wpk_zstd_put(ZSTD_CCtx *c, const void *raw, size_t len, wbuf *out, wpk_error *err)
{
    size_t cap = ZSTD_compressBound(len);
    out->len = 0;
    if (cap > out->cap) {
        uint8_t *g = wpk_realloc(out->p, cap);
        if (!g) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
        out->p = g;
        out->cap = cap;
    }
    size_t got = ZSTD_compress2(c, out->p, cap, raw, len);
    if (ZSTD_isError(got)) return wpk_fail(err, WPK_E_NOMEM, "cannot compress an index page: %s", ZSTD_getErrorName(got));
    out->len = got;
    return WPK_OK;
}

/* Compress raw bytes into a sink: the item's place, sizes and hashes. */
static int store_page(wsink *sink, uint64_t base, ZSTD_CCtx *c, const uint8_t *raw, size_t len, wpk2_root_item *it,
                      wpk_error *err)
{
    if (len > WPK_DEFAULT_MAX_PAGE)
        return wpk_fail(err, WPK_E_LIMIT, "an index page of %zu bytes: over the %u a reader accepts", len,
                        WPK_DEFAULT_MAX_PAGE);
    wbuf z = wbuf_new();
    int rc = wpk_zstd_put(c, raw, len, &z, err);
    if (!rc) {
        it->page_offset = base + sink->len;
        it->stored_size = (uint32_t)z.len;
        it->raw_size = (uint32_t)len;
        wpk_hash_stored(z.p, z.len, &it->checksum, it->auth);
        rc = wsink_put(sink, z.p, z.len, err);
    }
    wpk2_buf_free(&z);
    return rc;
}

int wpk_leaf_put(wleaves *l, const wbuf *raw, uint32_t items, const void *key, size_t key_len, uint16_t key_wiki,
                 uint64_t key_id, wpk_error *err)
{
    if (l->count == l->cap) {
        uint32_t cap = l->cap ? l->cap * 2 : 64;
        wpk2_root_item *g = wpk_realloc(l->items, (size_t)cap * sizeof *g);
        if (!g) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
        l->items = g;
        l->cap = cap;
    }
    wpk2_root_item *it = &l->items[l->count];
    memset(it, 0, sizeof *it);
    uint8_t id_key[WPK2_ID_KEY_SIZE];
    if (l->kind == WPK2_PAGE_ID) {
        wpk2_id_key(id_key, key_wiki, key_id);
        key = id_key;
        key_len = sizeof id_key;
    }
    it->key = (wpk2_str){(const uint8_t *)(uintptr_t)l->keys.len, (uint32_t)key_len}; /* an offset until sealed */
    it->key_wiki = key_wiki;
    it->key_id = key_id;
    it->first_item = l->position;
    it->page_items = items;
    if (l->keys.alloc == NULL) l->keys = wbuf_new();
    int rc = wbuf_put(&l->keys, key, key_len) ? wpk_fail(err, WPK_E_NOMEM, "out of memory") : WPK_OK;
    if (!rc) rc = store_page(l->sink, 0, l->cctx, raw->p, raw->len, it, err);
    if (rc) return rc;
    l->count++;
    l->position += items;
    return WPK_OK;
}

void wpk_leaves_free(wleaves *l)
{
    wpk_free(l->items);
    wpk2_buf_free(&l->keys);
    l->items = NULL;
    l->count = l->cap = 0;
}

uint32_t wpk_test_branch_size;

int wpk_root_branch(wleaves *l, uint64_t base, wsink *branches, uint64_t branch_base, ZSTD_CCtx *page_cctx,
                    uint64_t entry_count, wpk_error *err)
{
    for (uint32_t i = 0; i < l->count; i++) {
        l->items[i].key.p = wbuf_at(&l->keys, l->items[i].key.p);
        l->items[i].page_offset += base;
    }
    uint32_t most = wpk_test_branch_size ? wpk_test_branch_size : WPK_FLAT_ROOT_ITEMS;
    if (l->count <= most) return WPK_OK;
    /* As many items in the root as in each branch page (about the square
     * root of the leaves), so that both stay small:
     * - open reads the prefix, roots included, and hashes it whole: with
     *   flat roots up to 4,096 items, 1,000,000 entries made a 200 KB
     *   prefix and opening took 2.5 times as long as at 100,000;
     * - a fresh reader's first lookup decodes the root and one branch
     *   page: 4,096-item branch pages at 10,000,000 entries were 256 KB,
     *   read and hashed whole (1.2 ms, against 0.47 ms at 1,000,000).
     * The price is one more page, of a few KB, on a reader's first lookup
     * in each index above 256 leaves. */
    if (!wpk_test_branch_size) {
        uint32_t per = 1;
        while ((uint64_t)per * per < l->count) per++;
        /* Above 4,096 x 4,096 leaves the root stays at 4,096 items and the
         * branch pages grow instead. */
        if (((uint64_t)l->count + per - 1) / per > WPK_BRANCH_ITEMS)
            per = (uint32_t)(((uint64_t)l->count + WPK_BRANCH_ITEMS - 1) / WPK_BRANCH_ITEMS);
        most = per;
    }
    /* The leaves end where the branch pages start. */
    wpk2_root_ctx ctx = {.index_kind = l->kind, .entry_count = entry_count, .pages_size = branch_base,
                         .alloc = &wpk_writer_alloc};
    uint32_t top_count = (uint32_t)(((uint64_t)l->count + most - 1) / most);
    wpk2_root_item *top = wpk_calloc(top_count, sizeof *top);
    if (!top) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    wbuf raw = wbuf_new();
    int rc = WPK_OK;
    for (uint32_t t = 0; t < top_count && !rc; t++) {
        uint32_t from = t * most, n = l->count - from < most ? l->count - from : most;
        raw.len = 0;
        wpk2_err e;
        if ((rc = wpk2_branch_encode(&raw, &ctx, l->items + from, n, &e)) != 0) {
            rc = wpk_fail_format(err, rc, &e, "a branch page");
            break;
        }
        wpk2_root_item *it = &top[t];
        *it = l->items[from]; /* its first leaf's position and key */
        uint64_t beneath = 0;
        for (uint32_t k = 0; k < n; k++) beneath += l->items[from + k].page_items;
        it->page_items = (uint32_t)beneath; /* at most the entry count, or an index's items: u32 */
        rc = store_page(branches, branch_base, page_cctx, raw.p, raw.len, it, err);
    }
    wpk2_buf_free(&raw);
    if (rc) {
        wpk_free(top);
        return rc;
    }
    /* The root names the branch pages; their keys still point into l->keys. */
    wpk_free(l->items);
    l->items = top;
    l->count = l->cap = top_count;
    l->branched = 1;
    return WPK_OK;
}

int wpk_root_encode(wleaves *l, ZSTD_CCtx *root_cctx, uint64_t entry_count, uint64_t pages_size, wbuf *root,
                    uint64_t *raw_size, wpk_error *err)
{
    wpk2_root_ctx ctx = {.index_kind = l->kind, .branched = l->branched, .entry_count = entry_count,
                         .pages_size = pages_size, .alloc = &wpk_writer_alloc};
    wbuf raw = wbuf_new();
    wpk2_err e;
    int rc = wpk2_root_encode(&raw, &ctx, l->items, l->count, &e);
    if (rc) rc = wpk_fail_format(err, rc, &e, "an index root");
    if (!rc && raw.len > WPK_DEFAULT_MAX_PAGE)
        rc = wpk_fail(err, WPK_E_LIMIT, "an index root of %zu bytes: over the %u a reader accepts", raw.len,
                      WPK_DEFAULT_MAX_PAGE);
    *root = wbuf_new();
    if (!rc) rc = wpk_zstd_put(root_cctx, raw.p, raw.len, root, err);
    *raw_size = raw.len;
    wpk2_buf_free(&raw);
    return rc;
}
