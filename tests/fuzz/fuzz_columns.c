/* fuzz_columns.c - the decoders of leaves stored in columns (1.5), on raw
 * pages: the first byte picks the leaf kind (0 record page, 1 title or
 * category leaf, 2 folded-title leaf, 3 ID leaf), the rest is the page.
 * Output and scratch are allocated at their exact sizes, so the sanitizers
 * see any write or read past them. A page that decodes must keep the
 * decoder's promises: a row form whose items the row-level readers can
 * walk. Broken promises abort. */
#include "wpk_format.h"

#include <stdint.h>
#include <stdlib.h>

static void check_rows(int kind, const uint8_t *rows, size_t len, uint32_t count)
{
    uint32_t n;
    const char *why;
    if (kind == WPK_LEAF_ID) {
        if (len != 4 + (size_t)WPK_ID_ITEM_SIZE * count) abort();
        for (uint32_t i = 0; i < count; i++) {
            uint64_t id;
            uint32_t entry;
            if (wpk_fmt_id_leaf_item(rows, len, i, &id, &entry, &why)) abort();
        }
        return;
    }
    if (wpk_fmt_leaf_count(rows, len, &n, &why) || n != count) abort();
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *item;
        size_t item_len;
        if (wpk_fmt_leaf_item(rows, len, i, &item, &item_len, &why)) abort();
        wpk_fmt_record r;
        wpk_fmt_fold_item f;
        if (kind == 0 && wpk_fmt_record_parse(item, item_len, &r, &why)) abort();
        if (kind == WPK_LEAF_FOLD && item_len >= WPK_FOLD_ITEM_FIXED &&
            wpk_fmt_fold_item_decode(item, item_len, &f, &why) == 0 && f.key_len > item_len)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    int kind = data[0] & 3;
    const uint8_t *p = data + 1;
    size_t n = size - 1;
    const char *why;
    if (kind == 0) {
        wpk_fmt_col_head h;
        if (wpk_fmt_columns_head(p, n, &h, &why) || h.row_size > (1u << 20)) return 0;
        uint8_t *rows = malloc(h.row_size);
        uint32_t *at = malloc(h.string_count ? h.string_count * sizeof *at : 1);
        if (wpk_fmt_columns_decode(p, n, at, rows, h.row_size, &why) == 0) check_rows(0, rows, h.row_size, h.count);
        free(rows);
        free(at);
        return 0;
    }
    uint32_t count, row_size;
    if (wpk_fmt_leaf_columns_head(p, n, &count, &row_size, &why) || row_size > (1u << 20)) return 0;
    uint8_t *rows = malloc(row_size), *key = malloc(65536);
    if (wpk_fmt_leaf_columns_decode(kind, p, n, rows, row_size, key, &why) == 0) check_rows(kind, rows, row_size, count);
    free(rows);
    free(key);
    return 0;
}
