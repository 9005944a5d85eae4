/* index_pages.c - index roots, leaf pages and entry records (codec).
 *
 * Root (raw bytes of a *_ROOT section):
 *     0     4  item count (>= 1 unless the index is empty)
 *     4     4  key kind: 1 = string, 2 = u64
 *     8     .  items, each:
 *        0  8  leaf page offset, relative to the PAGES region
 *        8  4  leaf stored size      12  4  leaf raw size
 *       16  8  XXH3-64 of the leaf's stored bytes
 *       24  8  position of the leaf's first item in index order
 *       32  4  items in the leaf (>= 1)
 *       36  4  key length (8 for u64 keys)
 *       40  .  first key of the leaf (u64 little-endian for u64 keys)
 *
 * Leaf page (raw, after zstd decompression), record and title leaves:
 *     0     4  item count n (>= 1)
 *     4   4*n  offset of each item from the page start, strictly increasing;
 *              item i ends where item i+1 starts, the last at the page end
 * ID leaf: u32 count n, then n items of { u64 page_id, u32 entry_number }.
 *
 * Entry record (an item of a path-index leaf):
 *     0     4  flags: 1 = has page ID, 2 = has updated time; others zero
 *     4     4  offset of the content in its block's raw bytes
 *     8     8  page ID (0 when absent)
 *    16     8  updated time, signed microseconds since 1970-01-01 UTC
 *    24     8  content size
 *    32     8  XXH3-64 of the content
 *    40     8  block offset, relative to the DATA region
 *    48     4  block stored size     52  4  block raw size
 *    56     8  XXH3-64 of the block's stored bytes
 *    64     2  path length   66  2  title length   68  2  language length
 *    70     2  URL length    72  2  media type length
 *    74     2  extension length (tagged fields of later minor versions)
 *    76     .  path, title, language, URL, media type, extension bytes
 *
 * Extension field (1.1), repeated to the end of the extension bytes:
 *     0     1  tag      1  2  value length     3  .  value
 *
 * Folded-title leaf item (1.1):
 *     0     4  entry number     4  1  kind: 0 title, 1 alias    5  1  zero
 *     6     2  key length       8  .  folded key, then the title as written
 */
#include "wpk_format.h"
#include "wpk_endian.h"

#include <string.h>

/* A stored page or block's reference (24 bytes), as root items and entry
 * records both hold one: u64 offset, u32 stored size, u32 raw size, u64 checksum. */
static void get_ref(const uint8_t *p, wpk_fmt_ref *ref)
{
    ref->offset = wpk_le64(p);
    ref->stored_size = wpk_le32(p + 8);
    ref->raw_size = wpk_le32(p + 12);
    ref->checksum = wpk_le64(p + 16);
}

static void put_ref(uint8_t *p, const wpk_fmt_ref *ref)
{
    wpk_put64(p, ref->offset);
    wpk_put32(p + 8, ref->stored_size);
    wpk_put32(p + 12, ref->raw_size);
    wpk_put64(p + 16, ref->checksum);
}

int wpk_fmt_root_head(const uint8_t *p, size_t n, uint32_t *count, uint32_t *key_kind, const char **why)
{
    if (n < WPK_ROOT_HEAD) {
        *why = "index root too short";
        return WPK_FMT_CORRUPT;
    }
    *count = wpk_le32(p);
    *key_kind = wpk_le32(p + 4);
    if (*key_kind != WPK_KEY_STRING && *key_kind != WPK_KEY_U64) {
        *why = "index root has an unknown key kind";
        return WPK_FMT_CORRUPT;
    }
    /* Each item takes at least WPK_ROOT_ITEM_FIXED bytes. */
    if (*count > (n - WPK_ROOT_HEAD) / WPK_ROOT_ITEM_FIXED) {
        *why = "index root item count exceeds its size";
        return WPK_FMT_CORRUPT;
    }
    return WPK_FMT_OK;
}

int wpk_fmt_root_item_decode(const uint8_t *p, size_t n, size_t *pos, uint32_t key_kind,
                             wpk_fmt_root_item *it, const char **why)
{
    size_t at = *pos;
    if (at > n || n - at < WPK_ROOT_ITEM_FIXED) {
        *why = "index root item truncated";
        return WPK_FMT_CORRUPT;
    }
    const uint8_t *q = p + at;
    get_ref(q, &it->page);
    it->first_item = wpk_le64(q + 24);
    it->item_count = wpk_le32(q + 32);
    it->key_len = wpk_le32(q + 36);
    if (it->item_count == 0 || it->page.stored_size == 0 || it->page.raw_size < 4) {
        *why = "index root item describes an empty leaf";
        return WPK_FMT_CORRUPT;
    }
    if (!wpk_fmt_plausible_raw(it->page.stored_size, it->page.raw_size)) {
        *why = "index leaf claims more than a zstd frame of its size can hold";
        return WPK_FMT_CORRUPT;
    }
    if (it->key_len > n - at - WPK_ROOT_ITEM_FIXED) {
        *why = "index root key runs past the root";
        return WPK_FMT_CORRUPT;
    }
    it->key = q + WPK_ROOT_ITEM_FIXED;
    if (key_kind == WPK_KEY_U64) {
        if (it->key_len != 8) {
            *why = "u64 index key is not 8 bytes";
            return WPK_FMT_CORRUPT;
        }
        it->key_u64 = wpk_le64(it->key);
    } else {
        it->key_u64 = 0;
    }
    *pos = at + WPK_ROOT_ITEM_FIXED + it->key_len;
    return WPK_FMT_OK;
}

size_t wpk_fmt_root_item_encode(uint8_t *out, size_t cap, uint32_t key_kind, const wpk_fmt_root_item *it)
{
    uint32_t key_len = key_kind == WPK_KEY_U64 ? 8 : it->key_len;
    size_t need = WPK_ROOT_ITEM_FIXED + (size_t)key_len;
    if (cap < need) return 0;
    put_ref(out, &it->page);
    wpk_put64(out + 24, it->first_item);
    wpk_put32(out + 32, it->item_count);
    wpk_put32(out + 36, key_len);
    if (key_kind == WPK_KEY_U64)
        wpk_put64(out + 40, it->key_u64);
    else if (key_len)
        memcpy(out + 40, it->key, key_len);
    return need;
}

int wpk_fmt_leaf_holds(const wpk_fmt_root_item *it, int columns, const char **why)
{
    /* Every item costs at least 4 bytes in a row leaf, 2 in a column leaf
     * (columns.c, leaf_columns.c: an entry number and a key, at least). */
    uint32_t head = columns ? WPK_LEAF_COL_HEAD : 4, min_item = columns ? 2 : 4;
    if (it->page.raw_size < head || it->item_count > (it->page.raw_size - head) / min_item) {
        *why = "index root item claims more items than its leaf can hold";
        return WPK_FMT_CORRUPT;
    }
    return WPK_FMT_OK;
}

int wpk_fmt_leaf_count(const uint8_t *p, size_t n, uint32_t *count, const char **why)
{
    if (n < 4) {
        *why = "leaf page too short";
        return WPK_FMT_CORRUPT;
    }
    *count = wpk_le32(p);
    if (*count == 0 || *count > (n - 4) / 4) {
        *why = "leaf page item count out of range";
        return WPK_FMT_CORRUPT;
    }
    return WPK_FMT_OK;
}

int wpk_fmt_leaf_item(const uint8_t *p, size_t n, uint32_t i, const uint8_t **item, size_t *item_len,
                      const char **why)
{
    uint32_t count;
    int rc = wpk_fmt_leaf_count(p, n, &count, why);
    if (rc) return rc;
    if (i >= count) {
        *why = "leaf item index out of range";
        return WPK_FMT_CORRUPT;
    }
    size_t table_end = 4 + (size_t)count * 4;
    uint32_t start = wpk_le32(p + 4 + (size_t)i * 4);
    uint32_t end = i + 1 < count ? wpk_le32(p + 4 + (size_t)(i + 1) * 4) : (uint32_t)n;
    if (start < table_end || end <= start || end > n) {
        *why = "leaf item offsets out of order or out of the page";
        return WPK_FMT_CORRUPT;
    }
    *item = p + start;
    *item_len = end - start;
    return WPK_FMT_OK;
}

int wpk_fmt_id_leaf_item(const uint8_t *p, size_t n, uint32_t i, uint64_t *page_id, uint32_t *entry,
                         const char **why)
{
    if (n < 4) {
        *why = "ID leaf too short";
        return WPK_FMT_CORRUPT;
    }
    uint32_t count = wpk_le32(p);
    if (count == 0 || (uint64_t)count * WPK_ID_ITEM_SIZE != n - 4) {
        *why = "ID leaf size does not match its item count";
        return WPK_FMT_CORRUPT;
    }
    if (i >= count) {
        *why = "ID leaf item index out of range";
        return WPK_FMT_CORRUPT;
    }
    const uint8_t *q = p + 4 + (size_t)i * WPK_ID_ITEM_SIZE;
    *page_id = wpk_le64(q);
    *entry = wpk_le32(q + 8);
    return WPK_FMT_OK;
}

int wpk_fmt_record_decode(const uint8_t *p, size_t n, wpk_fmt_record *r, const char **why)
{
    int rc = wpk_fmt_record_parse(p, n, r, why);
    if (rc) return rc;
    if (r->flags & ~WPK_REC_FLAGS_KNOWN) {
        *why = "entry record has unknown flag bits";
        return WPK_FMT_CORRUPT;
    }
    if (r->path_len == 0) {
        *why = "entry record string lengths do not match its size";
        return WPK_FMT_CORRUPT;
    }
    if (r->content_size == 0) {
        if (r->block.offset || r->block.stored_size || r->block.raw_size || r->block.checksum ||
            r->offset_in_block) {
            *why = "empty entry refers to a block";
            return WPK_FMT_CORRUPT;
        }
    } else if (r->block.stored_size == 0 || r->content_size > r->block.raw_size ||
               r->offset_in_block > r->block.raw_size - r->content_size) { /* no sum: it could wrap */
        *why = "entry content lies outside its block";
        return WPK_FMT_CORRUPT;
    } else if (!wpk_fmt_plausible_raw(r->block.stored_size, r->block.raw_size)) {
        *why = "entry's block claims more than a zstd frame of its size can hold";
        return WPK_FMT_CORRUPT;
    }
    if (memchr(r->path, 0, r->path_len)) { /* C-string consumers would see a different, shorter path */
        *why = "entry path contains a NUL byte";
        return WPK_FMT_CORRUPT;
    }
    return WPK_FMT_OK;
}

int wpk_fmt_record_parse(const uint8_t *p, size_t n, wpk_fmt_record *r, const char **why)
{
    if (n < WPK_REC_FIXED) {
        *why = "entry record too short";
        return WPK_FMT_CORRUPT;
    }
    r->flags = wpk_le32(p);
    r->offset_in_block = wpk_le32(p + 4);
    r->page_id = wpk_le64(p + 8);
    r->updated_us = (int64_t)wpk_le64(p + 16);
    r->content_size = wpk_le64(p + 24);
    r->content_hash = wpk_le64(p + 32);
    get_ref(p + 40, &r->block);
    r->path_len = wpk_le16(p + 64);
    r->title_len = wpk_le16(p + 66);
    r->lang_len = wpk_le16(p + 68);
    r->url_len = wpk_le16(p + 70);
    r->mime_len = wpk_le16(p + 72);
    r->ext_len = wpk_le16(p + 74);
    size_t strings = (size_t)r->path_len + r->title_len + r->lang_len + r->url_len + r->mime_len + r->ext_len;
    if (WPK_REC_FIXED + strings != n) {
        *why = "entry record string lengths do not match its size";
        return WPK_FMT_CORRUPT;
    }
    const uint8_t *s = p + WPK_REC_FIXED;
    r->path = s; s += r->path_len;
    r->title = s; s += r->title_len;
    r->lang = s; s += r->lang_len;
    r->url = s; s += r->url_len;
    r->mime = s; s += r->mime_len;
    r->ext = s;
    return WPK_FMT_OK;
}

size_t wpk_fmt_record_size(const wpk_fmt_record *r)
{
    return WPK_REC_FIXED + (size_t)r->path_len + r->title_len + r->lang_len + r->url_len + r->mime_len +
           r->ext_len;
}

static uint8_t *put_bytes(uint8_t *o, const uint8_t *s, size_t n)
{
    if (n) memcpy(o, s, n);
    return o + n;
}

void wpk_fmt_record_encode(uint8_t *out, const wpk_fmt_record *r)
{
    wpk_fmt_record_encode_fixed(out, r);
    uint8_t *o = out + WPK_REC_FIXED;
    o = put_bytes(o, r->path, r->path_len);
    o = put_bytes(o, r->title, r->title_len);
    o = put_bytes(o, r->lang, r->lang_len);
    o = put_bytes(o, r->url, r->url_len);
    o = put_bytes(o, r->mime, r->mime_len);
    put_bytes(o, r->ext, r->ext_len);
}

void wpk_fmt_record_encode_fixed(uint8_t *out, const wpk_fmt_record *r)
{
    wpk_put32(out, r->flags);
    wpk_put32(out + 4, r->offset_in_block);
    wpk_put64(out + 8, r->page_id);
    wpk_put64(out + 16, (uint64_t)r->updated_us);
    wpk_put64(out + 24, r->content_size);
    wpk_put64(out + 32, r->content_hash);
    put_ref(out + 40, &r->block);
    wpk_put16(out + 64, r->path_len);
    wpk_put16(out + 66, r->title_len);
    wpk_put16(out + 68, r->lang_len);
    wpk_put16(out + 70, r->url_len);
    wpk_put16(out + 72, r->mime_len);
    wpk_put16(out + 74, r->ext_len);
}

int wpk_fmt_ext_next(const uint8_t *p, size_t n, size_t *pos, uint8_t *tag, const uint8_t **val, uint16_t *len,
                     const char **why)
{
    size_t at = *pos;
    if (at >= n) return 0;
    if (n - at < WPK_EXT_HEAD || wpk_le16(p + at + 1) > n - at - WPK_EXT_HEAD) {
        *why = "record extension field runs past the record";
        return WPK_FMT_CORRUPT;
    }
    *tag = p[at];
    *len = wpk_le16(p + at + 1);
    *val = p + at + WPK_EXT_HEAD;
    *pos = at + WPK_EXT_HEAD + *len;
    return 1;
}

size_t wpk_fmt_ext_put(uint8_t *out, size_t cap, uint8_t tag, const void *val, uint16_t len)
{
    if (cap < WPK_EXT_HEAD + (size_t)len) return 0;
    out[0] = tag;
    wpk_put16(out + 1, len);
    if (len) memcpy(out + WPK_EXT_HEAD, val, len);
    return WPK_EXT_HEAD + (size_t)len;
}

void wpk_fmt_record_wiki(const wpk_fmt_record *rec, const uint8_t **val, uint16_t *len)
{
    size_t pos = 0;
    uint8_t tag;
    const uint8_t *v;
    uint16_t n;
    const char *why;
    *val = NULL;
    *len = 0;
    while (wpk_fmt_ext_next(rec->ext, rec->ext_len, &pos, &tag, &v, &n, &why) == 1)
        if (tag == WPK_EXT_WIKI) *val = v, *len = n;
}

int wpk_fmt_fold_item_decode(const uint8_t *item, size_t len, wpk_fmt_fold_item *out, const char **why)
{
    if (len < WPK_FOLD_ITEM_FIXED) {
        *why = "folded-title item too short";
        return WPK_FMT_CORRUPT;
    }
    out->entry = wpk_le32(item);
    out->kind = item[4];
    out->key_len = wpk_le16(item + 6);
    if (out->kind > 1 || item[5] != 0 || out->key_len > len - WPK_FOLD_ITEM_FIXED) {
        *why = "folded-title item malformed";
        return WPK_FMT_CORRUPT;
    }
    out->key = item + WPK_FOLD_ITEM_FIXED;
    out->display = out->key + out->key_len;
    out->display_len = len - WPK_FOLD_ITEM_FIXED - out->key_len;
    return WPK_FMT_OK;
}

size_t wpk_fmt_fold_item_encode(uint8_t *out, size_t cap, const wpk_fmt_fold_item *in)
{
    size_t need = WPK_FOLD_ITEM_FIXED + (size_t)in->key_len + in->display_len;
    if (cap < need) return 0;
    wpk_put32(out, in->entry);
    out[4] = in->kind;
    out[5] = 0;
    wpk_put16(out + 6, in->key_len);
    memcpy(out + WPK_FOLD_ITEM_FIXED, in->key, in->key_len);
    if (in->display_len) memcpy(out + WPK_FOLD_ITEM_FIXED + in->key_len, in->display, in->display_len);
    return need;
}
