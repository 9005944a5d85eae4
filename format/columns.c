/* columns.c - record pages stored column by column (1.5, feature COLUMNS).
 *
 * A record page holds ~100-800 records whose fields repeat: the same block
 * reference, language, media type and categories on many records, paths
 * sharing long prefixes, URLs spelled from the title. Row by row, zstd sees
 * each field between unlike bytes; column by column, with repeated strings
 * stored once, the page compresses to about half. The column page is only
 * the stored form: decoding it gives back the row page byte for byte, and
 * everything else (lookups, verification) works on that.
 *
 * Column page (raw, after zstd decompression):
 *     0     4  record count n (>= 1)
 *     4     4  size of the row page it decodes to
 *     8     4  number of strings in STRINGS
 *    12  4*12  length of each stream below, in this order; the streams
 *              follow back to back and fill the page exactly
 * Streams (varint = unsigned LEB128, at most 10 bytes; zigzag for signed):
 *   STRINGS  the page's distinct languages, media types and category names,
 *            each: varint length, bytes (the writer sorts them)
 *   BLOCKS   24 bytes a block: u64 offset, u32 stored, u32 raw, u64 checksum
 *   FLAGS    1 byte a record: bits 0-1 the record flags, bit 2
 *            URL_DERIVED, bit 3 TITLE_DERIVED
 *   IDS      varint page ID, for each record with HAS_PAGE_ID
 *   TIMES    zigzag varint updated time, for each record with HAS_UPDATED
 *   SIZES    varint content size, varint block number (into BLOCKS),
 *            varint offset in the block (an empty content refers to a
 *            block of zeros)
 *   HASHES   u64 content hash a record
 *   PATHS    varint bytes shared with the previous record's path (0 for the
 *            first), varint length of the rest, the rest
 *   TITLES   varint length, bytes; only without TITLE_DERIVED
 *   META     varint language, varint media type: 0 for none, else 1 + its
 *            string number
 *   URLS     varint length, bytes; only without URL_DERIVED
 *   EXT      varint field count, then each field: u8 tag; for tag 1
 *            (CATEGORY) zigzag varint of (string number - previous
 *            category's string number in the record - 1), the previous
 *            being -1 for the first; for other tags varint length, bytes
 * TITLE_DERIVED: the title is the path's last component, without its last
 * '.' and what follows (unless that '.' starts the component), with '_' as
 * spaces; never empty. URL_DERIVED: the URL is "https://" language
 * ".wikipedia.org/wiki/" title with spaces as '_'; language and title not
 * empty.
 */
#include "wpk_format.h"
#include "wpk_endian.h"
#include "wpk_stream.h"

#include <string.h>

/* A string of at most 65535 bytes (row strings have 16-bit lengths). */
static int get_string(wpk_stream *s, const uint8_t **str, uint16_t *len)
{
    uint64_t l;
    if (!wpk_stream_string(s, 0xFFFF, str, &l)) return 0;
    *len = (uint16_t)l;
    return 1;
}

/* String number k of STRINGS, whose starts the decoder noted in `at`. */
typedef struct strings { const uint8_t *p; const uint32_t *at; uint32_t count; } strings;

static int get_numbered(const strings *t, uint64_t k, const uint8_t **str, uint16_t *len)
{
    if (k >= t->count) return 0;
    const uint8_t *p = t->p + t->at[k];
    uint64_t l = 0;
    int shift = 0;
    do l |= (uint64_t)(*p & 0x7F) << shift, shift += 7; while (*p++ & 0x80); /* checked when noted */
    *str = p;
    *len = (uint16_t)l;
    return 1;
}

/* A language or media type: 0 for none, else 1 + its string number. */
static int get_meta(wpk_stream *s, const strings *t, const uint8_t **str, uint16_t *len)
{
    uint64_t ref;
    if (!wpk_stream_varint(s, &ref)) return 0;
    *str = NULL;
    *len = 0;
    return ref == 0 || get_numbered(t, ref - 1, str, len);
}

/* Output cursor over the row page being rebuilt. */
typedef struct out { uint8_t *p; size_t n, at; } out;

static uint8_t *reserve(out *o, size_t len)
{
    if (len > o->n - o->at) return NULL;
    uint8_t *at = o->p + o->at;
    o->at += len;
    return at;
}

static int put(out *o, const void *src, size_t len)
{
    uint8_t *dst = reserve(o, len);
    if (!dst) return 0;
    if (len) memcpy(dst, src, len);
    return 1;
}

static const char WIKI_HOST[] = ".wikipedia.org/wiki/";

static int put_derived_url(out *o, const wpk_fmt_record *r, uint16_t *len)
{
    size_t total = 8 + r->lang_len + sizeof WIKI_HOST - 1 + r->title_len;
    if (total > 0xFFFF || !put(o, "https://", 8) || !put(o, r->lang, r->lang_len) ||
        !put(o, WIKI_HOST, sizeof WIKI_HOST - 1))
        return 0;
    uint8_t *t = reserve(o, r->title_len);
    if (!t) return 0;
    for (size_t i = 0; i < r->title_len; i++) t[i] = r->title[i] == ' ' ? '_' : r->title[i];
    *len = (uint16_t)total;
    return 1;
}

int wpk_fmt_url_derivable(const uint8_t *url, size_t url_len, const uint8_t *lang, size_t lang_len,
                          const uint8_t *title, size_t title_len)
{
    size_t host = sizeof WIKI_HOST - 1;
    if (lang_len == 0 || title_len == 0 || url_len != 8 + lang_len + host + title_len) return 0;
    if (memcmp(url, "https://", 8) || memcmp(url + 8, lang, lang_len) || memcmp(url + 8 + lang_len, WIKI_HOST, host))
        return 0;
    const uint8_t *t = url + 8 + lang_len + host;
    for (size_t i = 0; i < title_len; i++)
        if (t[i] != (title[i] == ' ' ? '_' : title[i])) return 0;
    return 1;
}

/* The extension area: fields rebuilt into the row page. Returns 1, or 0
 * with *why set. */
static int put_ext(out *o, wpk_stream *ext, const strings *t, uint16_t *ext_len, const char **why)
{
    uint64_t fields, zig;
    int64_t prev = -1;
    size_t start = o->at;
    *why = "column record page: bad EXT";
    if (!wpk_stream_bounded(ext, 0xFFFF, &fields)) return 0;
    for (uint64_t f = 0; f < fields; f++) {
        const uint8_t *tag, *val;
        uint16_t len;
        if (!wpk_stream_bytes(ext, 1, &tag)) return 0;
        if (*tag == WPK_EXT_CATEGORY) {
            if (!wpk_stream_bounded(ext, 2 * (uint64_t)t->count, &zig)) return 0;
            prev += 1 + wpk_unzigzag(zig);
            if (prev < 0 || !get_numbered(t, (uint64_t)prev, &val, &len)) return 0;
        } else if (!get_string(ext, &val, &len)) {
            return 0;
        }
        uint8_t *head = reserve(o, WPK_EXT_HEAD);
        if (!head || !put(o, val, len)) {
            *why = "column record page: records larger than its row size";
            return 0;
        }
        head[0] = *tag;
        wpk_put16(head + 1, len);
        if (o->at - start > 0xFFFF) {
            *why = "column record page: extension fields over 65535 bytes";
            return 0;
        }
    }
    *ext_len = (uint16_t)(o->at - start);
    return 1;
}

int wpk_fmt_columns_head(const uint8_t *p, size_t n, wpk_fmt_col_head *h, const char **why)
{
    if (n < WPK_COL_HEAD) {
        *why = "column record page too short";
        return WPK_FMT_CORRUPT;
    }
    uint64_t total = WPK_COL_HEAD;
    for (int i = 0; i < WPK_COL_STREAMS; i++) total += wpk_le32(p + 12 + 4 * i);
    h->count = wpk_le32(p);
    h->row_size = wpk_le32(p + 4);
    h->string_count = wpk_le32(p + 8);
    if (total != n) {
        *why = "column record page: stream lengths do not add up to its size";
        return WPK_FMT_CORRUPT;
    }
    if (h->count == 0 || h->row_size < 4 || (h->row_size - 4) / (4 + WPK_REC_FIXED + 1) < h->count) {
        *why = "column record page: record count does not fit its row size";
        return WPK_FMT_CORRUPT;
    }
    /* Each string takes a byte of STRINGS at least, and is used by a field
     * of 3 bytes at least in the rows: this bounds the decoder's scratch. */
    if (h->string_count > wpk_le32(p + 12 + 4 * WPK_COL_STRINGS) || h->string_count > h->row_size / 3) {
        *why = "column record page: more strings than STRINGS or the records can hold";
        return WPK_FMT_CORRUPT;
    }
    return WPK_FMT_OK;
}

/* The title a path spells (see TITLE_DERIVED); 0 when it would be empty. */
static size_t path_title(const uint8_t *path, size_t len, size_t *from)
{
    size_t start = len, end;
    while (start > 0 && path[start - 1] != '/') start--;
    for (end = len; end > start + 1 && path[end - 1] != '.'; end--) {}
    end = end > start + 1 ? end - 1 : len; /* drop ".ext", not a leading '.' */
    *from = start;
    return end - start;
}

int wpk_fmt_title_derivable(const uint8_t *title, size_t title_len, const uint8_t *path, size_t path_len)
{
    size_t from, len = path_title(path, path_len, &from);
    if (len == 0 || len != title_len) return 0;
    for (size_t i = 0; i < len; i++)
        if (title[i] != (path[from + i] == '_' ? ' ' : path[from + i])) return 0;
    return 1;
}

/* Rebuild one record into the row page; `prev` is the previous record's path. */
static int decode_record(wpk_stream *s, const strings *t, out *o, const uint8_t **prev, uint16_t *prev_len,
                         const char **why)
{
    wpk_fmt_record r;
    memset(&r, 0, sizeof r);
    const uint8_t *flags;
    if (!wpk_stream_bytes(&s[WPK_COL_FLAGS], 1, &flags) ||
        (*flags & ~(WPK_REC_FLAGS_KNOWN | WPK_COL_URL_DERIVED | WPK_COL_TITLE_DERIVED))) {
        *why = "column record page: bad FLAGS";
        return WPK_FMT_CORRUPT;
    }
    r.flags = *flags & WPK_REC_FLAGS_KNOWN;
    uint64_t v, block;
    const uint8_t *bytes;
    if ((r.flags & WPK_REC_HAS_PAGE_ID) && !wpk_stream_varint(&s[WPK_COL_IDS], &r.page_id)) goto bad_numbers;
    if (r.flags & WPK_REC_HAS_UPDATED) {
        if (!wpk_stream_varint(&s[WPK_COL_TIMES], &v)) goto bad_numbers;
        r.updated_us = wpk_unzigzag(v);
    }
    if (!wpk_stream_varint(&s[WPK_COL_SIZES], &r.content_size) || s[WPK_COL_BLOCKS].n < WPK_COL_BLOCK_SIZE ||
        !wpk_stream_bounded(&s[WPK_COL_SIZES], s[WPK_COL_BLOCKS].n / WPK_COL_BLOCK_SIZE - 1, &block) ||
        !wpk_stream_bounded(&s[WPK_COL_SIZES], UINT32_MAX, &v))
        goto bad_numbers;
    const uint8_t *b = s[WPK_COL_BLOCKS].p + WPK_COL_BLOCK_SIZE * block;
    r.offset_in_block = (uint32_t)v;
    r.block = (wpk_fmt_ref){wpk_le64(b), wpk_le32(b + 8), wpk_le32(b + 12), wpk_le64(b + 16)};
    if (!wpk_stream_bytes(&s[WPK_COL_HASHES], 8, &bytes)) goto bad_numbers;
    r.content_hash = wpk_le64(bytes);

    size_t rec_at = o->at;
    if (!reserve(o, WPK_REC_FIXED)) goto too_big;
    /* Strings, in row order, written straight into the row page. */
    uint64_t shared, rest;
    wpk_stream *paths = &s[WPK_COL_PATHS];
    if (!wpk_stream_bounded(paths, *prev_len, &shared) || !wpk_stream_bounded(paths, 0xFFFF - shared, &rest) ||
        !wpk_stream_bytes(paths, (size_t)rest, &bytes) || shared + rest == 0) {
        *why = "column record page: bad PATHS";
        return WPK_FMT_CORRUPT;
    }
    r.path = o->p + o->at;
    r.path_len = (uint16_t)(shared + rest);
    if (!put(o, *prev, (size_t)shared) || !put(o, bytes, (size_t)rest)) goto too_big;
    *prev = r.path;
    *prev_len = r.path_len;

    r.title = o->p + o->at;
    if (*flags & WPK_COL_TITLE_DERIVED) {
        size_t from;
        r.title_len = (uint16_t)path_title(r.path, r.path_len, &from);
        if (r.title_len == 0) goto bad_title;
        uint8_t *dst = reserve(o, r.title_len);
        if (!dst) goto too_big;
        for (size_t i = 0; i < r.title_len; i++) dst[i] = r.path[from + i] == '_' ? ' ' : r.path[from + i];
    } else {
        if (!get_string(&s[WPK_COL_TITLES], &bytes, &r.title_len)) goto bad_title;
        if (!put(o, bytes, r.title_len)) goto too_big;
    }
    const uint8_t *lang, *mime;
    if (!get_meta(&s[WPK_COL_META], t, &lang, &r.lang_len) || !get_meta(&s[WPK_COL_META], t, &mime, &r.mime_len)) {
        *why = "column record page: bad META";
        return WPK_FMT_CORRUPT;
    }
    r.lang = o->p + o->at;
    if (!put(o, lang, r.lang_len)) goto too_big;
    if (*flags & WPK_COL_URL_DERIVED) {
        if (r.lang_len == 0 || r.title_len == 0) {
            *why = "column record page: derived URL without a language or title";
            return WPK_FMT_CORRUPT;
        }
        if (!put_derived_url(o, &r, &r.url_len)) goto too_big;
    } else {
        if (!get_string(&s[WPK_COL_URLS], &bytes, &r.url_len)) {
            *why = "column record page: bad URLS";
            return WPK_FMT_CORRUPT;
        }
        if (!put(o, bytes, r.url_len)) goto too_big;
    }
    if (!put(o, mime, r.mime_len)) goto too_big;
    if (!put_ext(o, &s[WPK_COL_EXT], t, &r.ext_len, why)) return WPK_FMT_CORRUPT;
    wpk_fmt_record_encode_fixed(o->p + rec_at, &r);
    return WPK_FMT_OK;
bad_numbers:
    *why = "column record page: bad FLAGS, IDS, TIMES, SIZES or HASHES";
    return WPK_FMT_CORRUPT;
bad_title:
    *why = "column record page: bad TITLES or an empty derived title";
    return WPK_FMT_CORRUPT;
too_big:
    *why = "column record page: records larger than its row size";
    return WPK_FMT_CORRUPT;
}

/* Note where each string of STRINGS starts, checking that they fill it. */
static int note_strings(wpk_stream *st, uint32_t count, uint32_t *at)
{
    for (uint32_t k = 0; k < count; k++) {
        const uint8_t *str;
        uint16_t len;
        at[k] = (uint32_t)st->at;
        if (!get_string(st, &str, &len)) return 0;
    }
    return st->at == st->n;
}

int wpk_fmt_columns_decode(const uint8_t *p, size_t n, uint32_t *string_at, uint8_t *rows, size_t rows_len,
                           const char **why)
{
    wpk_fmt_col_head h;
    int rc = wpk_fmt_columns_head(p, n, &h, why);
    if (rc) return rc;
    if (rows_len != h.row_size) {
        *why = "column record page: output size differs from its row size";
        return WPK_FMT_CORRUPT;
    }
    wpk_stream s[WPK_COL_STREAMS];
    size_t at = WPK_COL_HEAD;
    for (int i = 0; i < WPK_COL_STREAMS; i++) {
        s[i] = (wpk_stream){p + at, wpk_le32(p + 12 + 4 * i), 0};
        at += s[i].n;
    }
    if (s[WPK_COL_BLOCKS].n % WPK_COL_BLOCK_SIZE) {
        *why = "column record page: BLOCKS is not a whole number of blocks";
        return WPK_FMT_CORRUPT;
    }
    if (!note_strings(&s[WPK_COL_STRINGS], h.string_count, string_at)) {
        *why = "column record page: STRINGS does not hold its strings exactly";
        return WPK_FMT_CORRUPT;
    }
    strings t = {s[WPK_COL_STRINGS].p, string_at, h.string_count};
    out o = {rows, rows_len, 4 + 4 * (size_t)h.count}; /* fits: checked by the head */
    wpk_put32(rows, h.count);
    const uint8_t *prev = NULL;
    uint16_t prev_len = 0;
    for (uint32_t i = 0; i < h.count; i++) {
        wpk_put32(rows + 4 + 4 * (size_t)i, (uint32_t)o.at);
        if ((rc = decode_record(s, &t, &o, &prev, &prev_len, why)) != 0) return rc;
    }
    if (o.at != o.n) {
        *why = "column record page: records smaller than its row size";
        return WPK_FMT_CORRUPT;
    }
    for (int i = 0; i < WPK_COL_STREAMS; i++)
        if (s[i].at != s[i].n && i != WPK_COL_BLOCKS) {
            *why = "column record page: a stream has bytes left over";
            return WPK_FMT_CORRUPT;
        }
    return WPK_FMT_OK;
}
