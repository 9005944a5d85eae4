/* leaf_columns.c - decoding title, category, folded-title and ID leaves stored
 * column by column (1.5, feature COLUMNS; record pages: columns.c).
 *
 * These leaves are sorted lists of (key, entry number). Row by row, each
 * item repeats most of the key before it (a category name is repeated for
 * every member) between 4-byte entry numbers. Stored as front-coded keys
 * and entry-number steps, a category's name is written once and its
 * members are small steps. Decoding gives back the row leaf byte for byte.
 *
 * Column leaf (raw, after zstd decompression):
 *     0     4  item count n (>= 1)
 *     4     4  size of the row leaf it decodes to
 *     8     4  length of ENTRIES     12  4  length of KEYS
 *    16     4  length of EXTRA       20  .  the three streams, back to back,
 *                                           filling the page exactly
 *   ENTRIES  zigzag varint of (entry number - the previous item's), the
 *            previous being 0 for the first item
 *   KEYS     title, category and folded-title leaves: varint bytes shared
 *            with the previous item's key (0 for the first), varint length
 *            of the rest, the rest; ID leaves: varint page ID - the
 *            previous item's (0 for the first)
 *   EXTRA    folded-title leaves: u8 kind, varint length of the display
 *            string, its bytes; empty for the other leaves
 * Varints are unsigned LEB128 of at most 10 bytes. Keys are at most 65535
 * bytes.
 */
#include "wpk_format.h"
#include "wpk_endian.h"
#include "wpk_stream.h"

#include <string.h>

int wpk_fmt_leaf_columns_head(const uint8_t *p, size_t n, uint32_t *count, uint32_t *row_size, const char **why)
{
    if (n < WPK_LEAF_COL_HEAD ||
        (uint64_t)WPK_LEAF_COL_HEAD + wpk_le32(p + 8) + wpk_le32(p + 12) + wpk_le32(p + 16) != n) {
        *why = "column leaf: stream lengths do not add up to its size";
        return WPK_FMT_CORRUPT;
    }
    *count = wpk_le32(p);
    *row_size = wpk_le32(p + 4);
    if (*count == 0 || *row_size < 4 || (*row_size - 4) / 8 < *count) { /* an offset and 4 bytes an item, at least */
        *why = "column leaf: item count does not fit its row size";
        return WPK_FMT_CORRUPT;
    }
    return WPK_FMT_OK;
}

/* The key of item i, rebuilt from the previous key (kept in `key`). */
static int next_key(wpk_stream *keys, uint8_t key[65536], size_t *key_len)
{
    uint64_t shared, rest;
    const uint8_t *bytes;
    if (!wpk_stream_varint(keys, &shared) || shared > *key_len || !wpk_stream_varint(keys, &rest) || rest > 0xFFFF - shared ||
        !wpk_stream_bytes(keys, (size_t)rest, &bytes))
        return 0;
    memcpy(key + shared, bytes, (size_t)rest);
    *key_len = (size_t)(shared + rest);
    return 1;
}

static int next_entry(wpk_stream *entries, int64_t *entry)
{
    uint64_t z;
    if (!wpk_stream_varint(entries, &z)) return 0;
    int64_t step = wpk_unzigzag(z);
    if (step > (int64_t)UINT32_MAX || step < -(int64_t)UINT32_MAX) return 0;
    *entry += step;
    return *entry >= 0 && *entry <= (int64_t)UINT32_MAX;
}

static int put_bytes(uint8_t *rows, size_t rows_len, size_t *at, const void *src, size_t len)
{
    if (len > rows_len - *at) return 0;
    if (len) memcpy(rows + *at, src, len);
    *at += len;
    return 1;
}

int wpk_fmt_leaf_columns_decode(int kind, const uint8_t *p, size_t n, uint8_t *rows, size_t rows_len,
                                uint8_t key[65536], const char **why)
{
    uint32_t count, row_size;
    int rc = wpk_fmt_leaf_columns_head(p, n, &count, &row_size, why);
    if (rc) return rc;
    if (rows_len != row_size) {
        *why = "column leaf: output size differs from its row size";
        return WPK_FMT_CORRUPT;
    }
    wpk_stream entries = {p + WPK_LEAF_COL_HEAD, wpk_le32(p + 8), 0};
    wpk_stream keys = {entries.p + entries.n, wpk_le32(p + 12), 0};
    wpk_stream extra = {keys.p + keys.n, wpk_le32(p + 16), 0};
    if (kind == WPK_LEAF_ID && row_size != 4 + (uint64_t)WPK_ID_ITEM_SIZE * count) {
        *why = "column leaf: row size is not that of its ID items";
        return WPK_FMT_CORRUPT;
    }
    size_t at = kind == WPK_LEAF_ID ? 4 : 4 + 4 * (size_t)count; /* fits: checked by the head */
    wpk_put32(rows, count);
    int64_t entry = 0;
    uint64_t id = 0;
    size_t key_len = 0;
    for (uint32_t i = 0; i < count; i++) {
        if (!next_entry(&entries, &entry)) {
            *why = "column leaf: bad ENTRIES";
            return WPK_FMT_CORRUPT;
        }
        uint8_t word[8];
        if (kind == WPK_LEAF_ID) {
            uint64_t step;
            if (!wpk_stream_varint(&keys, &step) || step > UINT64_MAX - id) {
                *why = "column leaf: bad KEYS";
                return WPK_FMT_CORRUPT;
            }
            id += step;
            wpk_put64(rows + at, id);
            wpk_put32(rows + at + 8, (uint32_t)entry);
            at += WPK_ID_ITEM_SIZE;
            continue;
        }
        wpk_put32(rows + 4 + 4 * (size_t)i, (uint32_t)at);
        if (!next_key(&keys, key, &key_len)) {
            *why = "column leaf: bad KEYS";
            return WPK_FMT_CORRUPT;
        }
        wpk_put32(word, (uint32_t)entry);
        int ok = put_bytes(rows, rows_len, &at, word, 4);
        if (kind == WPK_LEAF_FOLD) {
            const uint8_t *kind_byte, *display;
            uint64_t display_len;
            if (!wpk_stream_bytes(&extra, 1, &kind_byte) ||
                !wpk_stream_string(&extra, extra.n, &display, &display_len)) { /* any length the stream holds */
                *why = "column leaf: bad EXTRA";
                return WPK_FMT_CORRUPT;
            }
            word[0] = *kind_byte;
            word[1] = 0;
            wpk_put16(word + 2, (uint16_t)key_len);
            ok = ok && put_bytes(rows, rows_len, &at, word, 4) && put_bytes(rows, rows_len, &at, key, key_len) &&
                 put_bytes(rows, rows_len, &at, display, (size_t)display_len);
        } else {
            ok = ok && put_bytes(rows, rows_len, &at, key, key_len);
        }
        if (!ok) {
            *why = "column leaf: items larger than its row size";
            return WPK_FMT_CORRUPT;
        }
    }
    if (at != rows_len) {
        *why = "column leaf: items smaller than its row size";
        return WPK_FMT_CORRUPT;
    }
    if (entries.at != entries.n || keys.at != keys.n || extra.at != extra.n) {
        *why = "column leaf: a stream has bytes left over";
        return WPK_FMT_CORRUPT;
    }
    return WPK_FMT_OK;
}
