/* page_load.c - index pages loaded: leaves through the page cache (rebuilt from columns in 1.5), branch pages direct. */
#include "reader_internal.h"

static int leaf_kind(const wpk_reader *r, const wpk_index *idx)
{
    if (idx == &r->path_idx) return 0; /* record pages */
    if (idx == &r->id_idx) return WPK_LEAF_ID;
    if (idx == &r->fold_idx) return WPK_LEAF_FOLD;
    return WPK_LEAF_TITLE; /* title and category leaves */
}

/* A leaf stored in columns (1.5) replaced by its row form. One allocation
 * holds the row form, its NUL and the decoder's scratch: the start of each
 * string of a record page (at most a third of the row size, checked by the
 * head), or one key of another leaf. */
static int rows_of_columns(wpk_reader *r, const wpk_index *idx, uint64_t abs, const char *what, uint8_t **page,
                           size_t *len, wpk_error *err)
{
    int kind = leaf_kind(r, idx);
    wpk_fmt_col_head h = {0, 0, 0};
    const char *why;
    int rc = kind == 0 ? wpk_fmt_columns_head(*page, *len, &h, &why)
                       : wpk_fmt_leaf_columns_head(*page, *len, &h.count, &h.row_size, &why);
    if (!rc && h.row_size > r->opts.max_page_size)
        return wpk_fail_at(err, WPK_E_LIMIT, abs, "%s: %s at offset %llu claims %u bytes of items, over the %llu-byte cap",
                           r->name, what, (unsigned long long)abs, h.row_size, (unsigned long long)r->opts.max_page_size);
    uint8_t *rows = NULL;
    if (!rc) {
        size_t scratch_at = ((size_t)h.row_size + 1 + 7) & ~(size_t)7;
        size_t scratch = kind == 0 ? (size_t)h.string_count * sizeof(uint32_t) : 65536;
        if (!(rows = wpk_malloc(scratch_at + scratch)))
            return wpk_fail(err, WPK_E_NOMEM, "%s: out of memory reading %s", r->name, what);
        rc = kind == 0 ? wpk_fmt_columns_decode(*page, *len, (uint32_t *)(void *)(rows + scratch_at), rows, h.row_size, &why)
                       : wpk_fmt_leaf_columns_decode(kind, *page, *len, rows, h.row_size, rows + scratch_at, &why);
    }
    if (rc) {
        wpk_free(rows);
        return wpk_fail_at(err, WPK_E_CORRUPT, abs, "%s: %s at offset %llu: %s", r->name, what, (unsigned long long)abs,
                           why);
    }
    rows[h.row_size] = 0;
    wpk_free(*page);
    *page = rows;
    *len = h.row_size;
    return WPK_OK;
}

/* A leaf page (`leaf`: through the page cache, and rebuilt from its
 * columns in a 1.5 archive) or a branch page (neither). */
static int load_index_page(wpk_reader *r, const wpk_index *idx, const wpk_fmt_ref *ref, const char *what, int leaf,
                           uint8_t **raw, size_t *len, wpk_error *err)
{
    if (ref->offset > idx->size || ref->stored_size > idx->size - ref->offset)
        return wpk_fail(err, WPK_E_CORRUPT, "%s: %s at region offset %llu lies outside the page region", r->name, what,
                        (unsigned long long)ref->offset);
    uint64_t abs = idx->base + ref->offset;
    size_t got = ref->raw_size;
    if (leaf && r->cache && (*raw = wpk_page_cache_get(r->cache, abs, &got)) != NULL) {
        if (len) *len = got;
        return WPK_OK;
    }
    /* With feature PAGE_DICT, leaf pages share the blocks' dictionary. */
    const ZSTD_DDict *dict = NULL;
    if (r->hdr.required_features & WPK_FEATURE_PAGE_DICT) {
        int drc = wpk_reader_dict(r, &dict, err);
        if (drc) return drc;
    }
    int rc = wpk_load_object(r, abs, ref->stored_size, ref->raw_size, ref->checksum, 1, dict, r->opts.max_page_size, what,
                             raw, err);
    if (!rc && leaf && (r->hdr.required_features & WPK_FEATURE_COLUMNS)) {
        rc = rows_of_columns(r, idx, abs, what, raw, &got, err);
        if (rc) {
            wpk_free(*raw);
            *raw = NULL;
        }
    }
    if (!rc && leaf && r->cache) wpk_page_cache_put(r->cache, abs, *raw, got);
    if (!rc && len) *len = got; /* NULL for branch pages: their root gives it */
    return rc;
}

int wpk_load_page(wpk_reader *r, const wpk_index *idx, const wpk_fmt_ref *ref, const char *what, uint8_t **raw,
                  size_t *len, wpk_error *err)
{
    return load_index_page(r, idx, ref, what, 1, raw, len, err);
}

int wpk_load_page_uncached(wpk_reader *r, const wpk_index *idx, const wpk_fmt_ref *ref, const char *what,
                           uint8_t **raw, wpk_error *err)
{
    return load_index_page(r, idx, ref, what, 0, raw, NULL, err);
}
