/* reader.c - opening an archive: header, trailer, section table, roots and
 * dictionary. Everything read here is checked before it is trusted. */
#include "reader_internal.h"
#include "wpk_endian.h"

#include <stdlib.h>
#include <string.h>

int wpk_read_exact(wpk_reader *r, uint64_t offset, void *buf, size_t len, const char *what, wpk_error *err)
{
    if (offset > r->src.size || len > r->src.size - offset)
        return wpk_fail_at(err, WPK_E_CORRUPT, offset, "%s: %s at offset %llu (+%zu bytes) lies past the end of the file",
                           r->name, what, (unsigned long long)offset, len);
    if (len && r->src.read_at(r->src.opaque, offset, buf, len) != 0) {
        const char *why = r->src.last_error ? r->src.last_error(r->src.opaque) : NULL;
        if (why) return wpk_fail_at(err, WPK_E_IO, offset, "%s (reading %s at offset %llu)", why, what,
                                    (unsigned long long)offset);
        return wpk_fail_at(err, WPK_E_IO, offset, "%s: cannot read %s at offset %llu (%zu bytes)", r->name, what,
                           (unsigned long long)offset, len);
    }
    return WPK_OK;
}

ZSTD_DCtx *wpk_dctx_get(wpk_reader *r)
{
    ZSTD_DCtx *d = NULL;
    pthread_mutex_lock(&r->pool_lock);
    if (r->pool_n > 0) d = r->pool[--r->pool_n];
    pthread_mutex_unlock(&r->pool_lock);
    if (!d) {
        d = wpk_zstd_dctx();
        if (!d) return NULL;
        /* Refuse frames whose window exceeds the block cap (decompression bombs). */
        int wlog = 10;
        while (wlog < 31 && ((uint64_t)1 << wlog) < r->opts.max_block_size) wlog++;
        ZSTD_DCtx_setParameter(d, ZSTD_d_windowLogMax, wlog);
    }
    return d;
}

void wpk_dctx_put(wpk_reader *r, ZSTD_DCtx *d)
{
    pthread_mutex_lock(&r->pool_lock);
    if (r->pool_n < WPK_DCTX_POOL) {
        r->pool[r->pool_n++] = d;
        d = NULL;
    }
    pthread_mutex_unlock(&r->pool_lock);
    ZSTD_freeDCtx(d);
}

int wpk_zstd_frame_ok(const uint8_t *src, size_t n, uint64_t raw_size)
{
    return ZSTD_findFrameCompressedSize(src, n) == n && ZSTD_getFrameContentSize(src, n) == raw_size;
}

/* Decompress one zstd frame (no dictionary) that must yield exactly raw_size bytes. */
static int unzstd_exact(wpk_reader *r, const uint8_t *src, size_t n, uint8_t *dst, size_t raw_size,
                        const ZSTD_DDict *dict)
{
    ZSTD_DCtx *d = wpk_dctx_get(r);
    if (!d) return WPK_E_NOMEM;
    /* A pooled context may be mid-frame with the block dictionary attached. */
    ZSTD_DCtx_reset(d, ZSTD_reset_session_only);
    ZSTD_DCtx_refDDict(d, dict);
    /* Exactly one frame: no trailing or skippable frames. */
    size_t got = wpk_zstd_frame_ok(src, n, raw_size) ? ZSTD_decompressDCtx(d, dst, raw_size, src, n) : 0;
    wpk_dctx_put(r, d);
    if (ZSTD_isError(got) || got != raw_size) return WPK_E_CORRUPT;
    return WPK_OK;
}

static int decode_object_dict(wpk_reader *r, const uint8_t *stored, uint64_t abs_offset, uint64_t stored_size,
                              uint64_t raw, uint64_t checksum, int compressed, const ZSTD_DDict *dict, const char *what,
                              uint8_t **out, wpk_error *err);

/* Check and decompress a stored object already in memory. The returned
 * buffer has raw_size bytes plus a NUL and is the caller's. */
static int decode_object(wpk_reader *r, const uint8_t *stored, uint64_t abs_offset, uint64_t stored_size, uint64_t raw,
                         uint64_t checksum, int compressed, const char *what, uint8_t **out, wpk_error *err)
{
    return decode_object_dict(r, stored, abs_offset, stored_size, raw, checksum, compressed, NULL, what, out, err);
}

static int decode_object_dict(wpk_reader *r, const uint8_t *stored, uint64_t abs_offset, uint64_t stored_size,
                              uint64_t raw, uint64_t checksum, int compressed, const ZSTD_DDict *dict, const char *what,
                              uint8_t **out, wpk_error *err)
{
    *out = NULL;
    if (!wpk_checksum_ok(wpk_fmt_checksum(stored, stored_size), checksum))
        return wpk_fail_at(err, WPK_E_CORRUPT, abs_offset, "%s: %s at offset %llu: checksum mismatch", r->name, what,
                           (unsigned long long)abs_offset);
    uint8_t *raw_buf = wpk_malloc(raw + 1);
    if (!raw_buf) return wpk_fail(err, WPK_E_NOMEM, "%s: out of memory reading %s", r->name, what);
    int rc = WPK_OK;
    if (compressed)
        rc = unzstd_exact(r, stored, stored_size, raw_buf, raw, dict);
    else
        memcpy(raw_buf, stored, stored_size);
    if (rc) {
        wpk_free(raw_buf);
        return rc == WPK_E_NOMEM ? wpk_fail(err, rc, "%s: out of memory", r->name)
                                 : wpk_fail_at(err, rc, abs_offset, "%s: %s at offset %llu does not decompress to %llu bytes",
                                               r->name, what, (unsigned long long)abs_offset, (unsigned long long)raw);
    }
    raw_buf[raw] = 0;
    *out = raw_buf;
    return WPK_OK;
}

/* Read, check and decompress a stored object (a leaf page or dictionary). */
static int load_object_capped(wpk_reader *r, uint64_t abs_offset, uint64_t stored, uint64_t raw, uint64_t checksum,
                              int compressed, const ZSTD_DDict *dict, uint64_t cap, const char *what, uint8_t **out,
                              wpk_error *err);

static int load_object(wpk_reader *r, uint64_t abs_offset, uint64_t stored, uint64_t raw, uint64_t checksum,
                       int compressed, const ZSTD_DDict *dict, const char *what, uint8_t **out, wpk_error *err)
{
    return load_object_capped(r, abs_offset, stored, raw, checksum, compressed, dict, r->opts.max_page_size, what,
                              out, err);
}

static int load_object_capped(wpk_reader *r, uint64_t abs_offset, uint64_t stored, uint64_t raw, uint64_t checksum,
                              int compressed, const ZSTD_DDict *dict, uint64_t cap, const char *what, uint8_t **out,
                              wpk_error *err)
{
    *out = NULL;
    if (stored == 0)
        return wpk_fail_at(err, WPK_E_CORRUPT, abs_offset, "%s: %s at offset %llu is empty", r->name, what,
                           (unsigned long long)abs_offset);
    if (raw > cap || stored > cap)
        return wpk_fail_at(err, WPK_E_LIMIT, abs_offset, "%s: %s at offset %llu claims %llu bytes, over the %llu-byte cap",
                           r->name, what, (unsigned long long)abs_offset, (unsigned long long)(raw > stored ? raw : stored),
                           (unsigned long long)cap);
    uint8_t *buf = wpk_malloc(stored);
    if (!buf) return wpk_fail(err, WPK_E_NOMEM, "%s: out of memory reading %s", r->name, what);
    int rc = wpk_read_exact(r, abs_offset, buf, stored, what, err);
    if (!rc) rc = decode_object_dict(r, buf, abs_offset, stored, raw, checksum, compressed, dict, what, out, err);
    wpk_free(buf);
    return rc;
}

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
    int rc = load_object(r, abs, ref->stored_size, ref->raw_size, ref->checksum, 1, dict, what, raw, err);
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

/* Parse a root into its items and check that they are ordered and that
 * each page they point at lies inside the page region. */
static int load_root(wpk_reader *r, const uint8_t *prefix, const wpk_fmt_section *s, wpk_index *idx, const char *what,
                     wpk_error *err)
{
    /* Roots lie in the prefix, which is kept in memory; flags and caps were
     * checked at open. */
    int rc = decode_object(r, prefix + s->offset, s->offset, s->stored_size, s->raw_size, s->checksum,
                           (s->flags & WPK_SECF_ZSTD) != 0, what, &idx->raw, err);
    if (rc) return rc;
    idx->kind = idx->want_kind; /* wpk_decode_items refuses any other */
    idx->branched = (s->flags & WPK_SECF_BRANCHED) != 0;
    wpk_item_list top;
    if ((rc = wpk_decode_items(r, idx, idx->raw, s->raw_size, 0, idx->branched, s->offset, what, &top, err)) != 0)
        return rc;
    idx->items = top.items;
    idx->count = top.count;
    idx->total_items = top.total;
    if (idx->branched && !(idx->branches = wpk_calloc(top.count ? top.count : 1, sizeof *idx->branches)))
        return wpk_fail(err, WPK_E_NOMEM, "%s: out of memory", r->name);
    if (s->type == WPK_SEC_PATH_ROOT && top.total != r->hdr.entry_count)
        return wpk_fail_at(err, WPK_E_CORRUPT, s->offset, "%s: %s counts %llu entries, the header %llu", r->name, what,
                           (unsigned long long)top.total, (unsigned long long)r->hdr.entry_count);
    return WPK_OK;
}

int wpk_index_ready(wpk_reader *r, wpk_index *idx, wpk_error *err)
{
    if (!idx->present) return WPK_OK;
    pthread_mutex_lock(&r->root_lock);
    if (idx->state == 0) {
        memset(&idx->err, 0, sizeof idx->err);
        idx->state = load_root(r, r->prefix, &idx->sec, idx, idx->what, &idx->err) == 0 ? 1 : -1;
        if (idx->state < 0) { /* leave no half-decoded root behind */
            wpk_index_free_branches(idx);
            wpk_free(idx->raw);
            wpk_free(idx->items);
            idx->raw = NULL;
            idx->items = NULL;
            idx->count = 0;
            idx->total_items = 0;
        }
    }
    int rc = idx->state > 0 ? WPK_OK : idx->err.code;
    if (rc && err) *err = idx->err;
    pthread_mutex_unlock(&r->root_lock);
    return rc;
}

static int section_order(const void *a, const void *b)
{
    const wpk_fmt_section *x = a, *y = b;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* Sections must tile the file from the end of the section table to the
 * trailer: no gaps and no overlaps, so every byte is under some checksum. */
static int check_tiling(wpk_reader *r, wpk_fmt_section *secs, uint32_t n, wpk_error *err)
{
    qsort(secs, n, sizeof *secs, section_order);
    uint64_t at = WPK_HEADER_SIZE + (uint64_t)n * WPK_SECTION_SIZE;
    for (uint32_t i = 0; i < n; i++) {
        if (secs[i].offset != at)
            return wpk_fail_at(err, WPK_E_CORRUPT, at, "%s: section table: %s at offset %llu", r->name,
                               secs[i].offset > at ? "gap" : "overlap", (unsigned long long)at);
        at += secs[i].stored_size;
    }
    if (at != r->hdr.file_size - WPK_TRAILER_SIZE)
        return wpk_fail_at(err, WPK_E_CORRUPT, at, "%s: sections end at %llu, not at the trailer", r->name,
                           (unsigned long long)at);
    return WPK_OK;
}

/* At open the dictionary section is only checked for its flags and size;
 * its bytes are read the first time a block or page needs them. */
static int check_dict(wpk_reader *r, const wpk_fmt_section *s, wpk_error *err)
{
    if (s->flags & WPK_SECF_REGION)
        return wpk_fail_at(err, WPK_E_CORRUPT, s->offset, "%s: dictionary section marked as a region", r->name);
    if (s->raw_size > r->opts.max_dict_size || s->stored_size > r->opts.max_dict_size)
        return wpk_fail_at(err, WPK_E_LIMIT, s->offset, "%s: dictionary of %llu bytes exceeds the %llu-byte dictionary cap",
                           r->name, (unsigned long long)s->raw_size, (unsigned long long)r->opts.max_dict_size);
    if (s->stored_size == 0)
        return wpk_fail_at(err, WPK_E_CORRUPT, s->offset, "%s: dictionary at offset %llu is empty", r->name,
                           (unsigned long long)s->offset);
    r->has_dict = 1;
    r->dict_sec = *s;
    r->dict_size = s->raw_size;
    return WPK_OK;
}

static int load_dict(wpk_reader *r, wpk_error *err)
{
    const wpk_fmt_section *s = &r->dict_sec;
    uint8_t *dict = NULL;
    int rc = load_object_capped(r, s->offset, s->stored_size, s->raw_size, s->checksum, (s->flags & WPK_SECF_ZSTD) != 0,
                                NULL, r->opts.max_dict_size, "dictionary", &dict, err);
    if (rc) return rc;
    r->ddict = wpk_zstd_ddict(dict, s->raw_size);
    if (r->ddict) r->dict_raw = dict;
    else wpk_free(dict);
    if (!r->ddict)
        return wpk_fail_at(err, WPK_E_NOMEM, s->offset, "%s: cannot load the dictionary at offset %llu", r->name,
                           (unsigned long long)s->offset);
    return WPK_OK;
}

int wpk_reader_dict(wpk_reader *r, const ZSTD_DDict **out, wpk_error *err)
{
    *out = NULL;
    if (!r->has_dict) return WPK_OK;
    pthread_mutex_lock(&r->dict_lock);
    if (r->dict_state == 0) {
        memset(&r->dict_err, 0, sizeof r->dict_err);
        r->dict_state = load_dict(r, &r->dict_err) == 0 ? 1 : -1;
    }
    int rc = r->dict_state > 0 ? WPK_OK : r->dict_err.code;
    if (rc && err) *err = r->dict_err;
    pthread_mutex_unlock(&r->dict_lock);
    *out = r->ddict;
    return rc;
}

/* SUMMARY: counts for `info`; it lies in the prefix. */
static int load_summary(wpk_reader *r, const uint8_t *prefix, const wpk_fmt_section *s, wpk_error *err)
{
    if (s->offset + s->stored_size > r->hdr.prefix_size || (s->flags & (WPK_SECF_ZSTD | WPK_SECF_REGION)))
        return wpk_fail_at(err, WPK_E_CORRUPT, s->offset, "%s: summary section outside the prefix or with bad flags",
                           r->name);
    int rc = decode_object(r, prefix + s->offset, s->offset, s->stored_size, s->raw_size, s->checksum, 0, "summary",
                           &r->summary, err);
    if (rc) return rc;
    r->summary_len = s->stored_size;
    size_t pos = 0;
    uint8_t tag;
    const uint8_t *val;
    uint16_t len;
    const char *why = NULL;
    int got;
    while ((got = wpk_fmt_ext_next(r->summary, r->summary_len, &pos, &tag, &val, &len, &why)) == 1) {
        uint64_t *dst = tag == WPK_SUM_ARTICLES ? &r->sum_articles : tag == WPK_SUM_REVISIONS ? &r->sum_revisions
                      : tag == WPK_SUM_ALIASES ? &r->sum_aliases : tag == WPK_SUM_CATEGORIES ? &r->sum_categories : NULL;
        if ((dst && len != 8) || (tag == WPK_SUM_LANGUAGE && len < 8)) {
            why = "summary field of the wrong size";
            got = -1;
            break;
        }
        if (dst) *dst = wpk_le64(val);
    }
    if (got < 0)
        return wpk_fail_at(err, WPK_E_CORRUPT, s->offset, "%s: summary at offset %llu: %s", r->name,
                           (unsigned long long)s->offset, why);
    return WPK_OK;
}

int wpk_reader_languages(const wpk_reader *r, wpk_language_cb cb, void *ctx)
{
    size_t pos = 0;
    uint8_t tag;
    const uint8_t *val;
    uint16_t len;
    const char *why;
    char lang[65536];
    while (wpk_fmt_ext_next(r->summary, r->summary_len, &pos, &tag, &val, &len, &why) == 1) {
        if (tag != WPK_SUM_LANGUAGE) continue;
        memcpy(lang, val + 8, len - 8u);
        lang[len - 8] = 0;
        int rc = cb(ctx, lang, wpk_le64(val));
        if (rc) return rc;
    }
    return WPK_OK;
}

static int read_header_and_trailer(wpk_reader *r, uint8_t *first, size_t first_len, wpk_error *err)
{
    const char *why = NULL;
    int rc = wpk_fmt_header_decode(first, first_len, &r->hdr, &why);
    if (rc) return wpk_fail_at(err, wpk_fmt_code(rc), 0, "%s: %s", r->name, why);
    if (r->hdr.file_size != r->src.size)
        return wpk_fail_at(err, WPK_E_CORRUPT, r->src.size < r->hdr.file_size ? r->src.size : r->hdr.file_size,
                           "%s: %s: header says %llu bytes, file has %llu", r->name,
                           r->src.size < r->hdr.file_size ? "truncated" : "extra bytes after the archive",
                           (unsigned long long)r->hdr.file_size, (unsigned long long)r->src.size);
    uint8_t tbuf[WPK_TRAILER_SIZE];
    uint64_t toff = r->hdr.file_size - WPK_TRAILER_SIZE;
    if ((rc = wpk_read_exact(r, toff, tbuf, sizeof tbuf, "trailer", err)) != 0) return rc;
    wpk_fmt_trailer t;
    if ((rc = wpk_fmt_trailer_decode(tbuf, sizeof tbuf, &t, &why)) != 0)
        return wpk_fail_at(err, WPK_E_CORRUPT, toff, "%s: trailer at offset %llu: %s", r->name, (unsigned long long)toff,
                           why);
    if (t.file_size != r->hdr.file_size || t.header_checksum != r->hdr.checksum)
        return wpk_fail_at(err, WPK_E_CORRUPT, toff, "%s: trailer at offset %llu does not match the header", r->name,
                           (unsigned long long)toff);
    return WPK_OK;
}

static int read_sections(wpk_reader *r, const uint8_t *prefix, wpk_error *err)
{
    uint32_t n = r->hdr.section_count;
    const uint8_t *table = prefix + WPK_HEADER_SIZE;
    if (wpk_fmt_checksum(table, (size_t)n * WPK_SECTION_SIZE) != r->hdr.section_table_checksum)
        return wpk_fail_at(err, WPK_E_CORRUPT, WPK_HEADER_SIZE, "%s: section table checksum mismatch", r->name);
    wpk_fmt_section secs[WPK_MAX_SECTIONS];
    const wpk_fmt_section *by_type[WPK_SEC_LAST + 1] = {0};
    for (uint32_t i = 0; i < n; i++) {
        const char *why = NULL;
        uint64_t off = WPK_HEADER_SIZE + (uint64_t)i * WPK_SECTION_SIZE;
        if (wpk_fmt_section_decode(table + (size_t)i * WPK_SECTION_SIZE, &secs[i], &why) != 0)
            return wpk_fail_at(err, WPK_E_CORRUPT, off, "%s: section %u at offset %llu: %s", r->name, i,
                               (unsigned long long)off, why);
        uint32_t t = secs[i].type;
        if (t < WPK_SEC_PATH_ROOT || t > WPK_SEC_LAST) {
            if (secs[i].flags & WPK_SECF_REQUIRED)
                return wpk_fail_at(err, WPK_E_FORMAT, off, "%s: section %u has type %u, which this reader does not know and the archive requires",
                                   r->name, i, t);
            continue; /* optional and unknown: ignored, but still part of the tiling */
        }
        if (by_type[t])
            return wpk_fail_at(err, WPK_E_CORRUPT, off, "%s: section type %u appears twice", r->name, t);
        by_type[t] = &secs[i];
    }
    if (!by_type[WPK_SEC_PATH_ROOT] || !by_type[WPK_SEC_PAGES] || !by_type[WPK_SEC_DATA])
        return wpk_fail(err, WPK_E_CORRUPT, "%s: a required section (path index, pages or data) is missing", r->name);
    const wpk_fmt_section *pages = by_type[WPK_SEC_PAGES], *data = by_type[WPK_SEC_DATA];
    if (!(pages->flags & WPK_SECF_REGION) || !(data->flags & WPK_SECF_REGION))
        return wpk_fail(err, WPK_E_CORRUPT, "%s: page or data section is not marked as a region", r->name);
    r->pages_base = pages->offset;
    r->pages_size = pages->stored_size;
    r->data_base = data->offset;
    r->data_size = data->stored_size;
    const wpk_fmt_section *ext = by_type[WPK_SEC_PAGES_EXT];
    if (ext && !(ext->flags & WPK_SECF_REGION))
        return wpk_fail(err, WPK_E_CORRUPT, "%s: extension page section is not marked as a region", r->name);
    if ((by_type[WPK_SEC_FOLD_ROOT] || by_type[WPK_SEC_CATEGORY_ROOT]) && !ext)
        return wpk_fail(err, WPK_E_CORRUPT, "%s: folded-title or category root without its page region", r->name);
    if (ext) {
        r->ext_base = ext->offset;
        r->ext_size = ext->stored_size;
    }
    static const char *names[WPK_SEC_LAST + 1] = {
        [WPK_SEC_PATH_ROOT] = "path index root", [WPK_SEC_TITLE_ROOT] = "title index root",
        [WPK_SEC_ID_ROOT] = "ID index root", [WPK_SEC_FOLD_ROOT] = "folded-title index root",
        [WPK_SEC_CATEGORY_ROOT] = "category index root"};
    wpk_index *idx[WPK_SEC_LAST + 1] = {[WPK_SEC_PATH_ROOT] = &r->path_idx, [WPK_SEC_TITLE_ROOT] = &r->title_idx,
                                        [WPK_SEC_ID_ROOT] = &r->id_idx, [WPK_SEC_FOLD_ROOT] = &r->fold_idx,
                                        [WPK_SEC_CATEGORY_ROOT] = &r->cat_idx};
    int rc;
    for (int t = WPK_SEC_PATH_ROOT; t <= WPK_SEC_LAST; t++) {
        const wpk_fmt_section *s = by_type[t];
        if (!s || !idx[t]) continue;
        if (s->offset + s->stored_size > r->hdr.prefix_size)
            return wpk_fail_at(err, WPK_E_CORRUPT, s->offset, "%s: %s lies outside the archive prefix", r->name, names[t]);
        if (s->offset < WPK_HEADER_SIZE + (uint64_t)n * WPK_SECTION_SIZE)
            return wpk_fail_at(err, WPK_E_CORRUPT, s->offset, "%s: %s overlaps the section table", r->name, names[t]);
        int in_ext = t == WPK_SEC_FOLD_ROOT || t == WPK_SEC_CATEGORY_ROOT;
        idx[t]->base = in_ext ? r->ext_base : r->pages_base;
        idx[t]->size = in_ext ? r->ext_size : r->pages_size;
        if (s->stored_size == 0 || !(s->flags & WPK_SECF_ZSTD) || (s->flags & WPK_SECF_REGION))
            return wpk_fail_at(err, WPK_E_CORRUPT, s->offset, "%s: %s at offset %llu: empty, or flags other than zstd",
                               r->name, names[t], (unsigned long long)s->offset);
        if ((s->flags & WPK_SECF_BRANCHED) && !(r->hdr.required_features & WPK_FEATURE_BRANCHES))
            return wpk_fail_at(err, WPK_E_CORRUPT, s->offset, "%s: %s points at branch pages, but the header "
                               "does not require the branch-page feature", r->name, names[t]);
        if (s->raw_size > r->opts.max_page_size)
            return wpk_fail_at(err, WPK_E_LIMIT, s->offset, "%s: %s at offset %llu claims %llu bytes, over the page cap",
                               r->name, names[t], (unsigned long long)s->offset, (unsigned long long)s->raw_size);
        /* Decoded on first use: opening stays cheap however many entries there are. */
        idx[t]->present = 1;
        idx[t]->sec = *s;
        idx[t]->what = names[t];
        idx[t]->want_kind = t == WPK_SEC_ID_ROOT ? WPK_KEY_U64 : WPK_KEY_STRING;
        idx[t]->split_runs = t == WPK_SEC_CATEGORY_ROOT && (r->hdr.required_features & WPK_FEATURE_SPLIT_RUNS);
        r->index_bytes += s->stored_size;
    }
    if (by_type[WPK_SEC_DICT] && (rc = check_dict(r, by_type[WPK_SEC_DICT], err)) != 0) return rc;
    if ((r->hdr.required_features & WPK_FEATURE_PAGE_DICT) && !r->has_dict)
        return wpk_fail(err, WPK_E_CORRUPT, "%s: pages are said to use the dictionary, but there is none", r->name);
    if (by_type[WPK_SEC_SUMMARY] && (rc = load_summary(r, prefix, by_type[WPK_SEC_SUMMARY], err)) != 0) return rc;
    r->index_bytes += r->pages_size + r->ext_size;
    return check_tiling(r, secs, n, err);
}

static void fill_defaults(wpk_open_opts *o, const wpk_open_opts *in)
{
    if (in) *o = *in;
    if (!o->max_page_size) o->max_page_size = WPK_DEFAULT_MAX_PAGE;
    if (!o->max_block_size) o->max_block_size = WPK_DEFAULT_MAX_BLOCK;
    if (!o->max_dict_size) o->max_dict_size = WPK_DEFAULT_MAX_DICT;
    if (!o->max_prefix_size) o->max_prefix_size = WPK_DEFAULT_MAX_PREFIX;
    if (!o->cache_pages) o->cache_pages = 64;
}

static int open_common(wpk_reader *r, const wpk_open_opts *opts, wpk_error *err)
{
    fill_defaults(&r->opts, opts);
    uint64_t size = r->src.size;
    size_t first_len = size < WPK_FIRST_READ ? (size_t)size : WPK_FIRST_READ;
    uint8_t *prefix = wpk_malloc(first_len ? first_len : 1);
    if (!prefix) return wpk_fail(err, WPK_E_NOMEM, "%s: out of memory", r->name);
    int rc = wpk_read_exact(r, 0, prefix, first_len, "header", err);
    if (!rc) rc = read_header_and_trailer(r, prefix, first_len, err);
    if (!rc && r->hdr.prefix_size > r->opts.max_prefix_size)
        rc = wpk_fail(err, WPK_E_LIMIT, "%s: header and index roots of %llu bytes exceed the %llu-byte prefix cap",
                      r->name, (unsigned long long)r->hdr.prefix_size, (unsigned long long)r->opts.max_prefix_size);
    if (!rc && r->hdr.prefix_size > first_len) {
        /* Roots larger than the first read: fetch the rest of the prefix. */
        {
            uint8_t *bigger = wpk_realloc(prefix, r->hdr.prefix_size);
            if (!bigger) rc = wpk_fail(err, WPK_E_NOMEM, "%s: out of memory", r->name);
            else {
                prefix = bigger;
                rc = wpk_read_exact(r, first_len, prefix + first_len, r->hdr.prefix_size - first_len, "index roots", err);
            }
        }
    }
    if (!rc) rc = read_sections(r, prefix, err);
    r->prefix = prefix; /* kept: the roots are decoded from it on first use */
    return rc;
}

/* Allocate a reader around a source and open it. When `mem` is non-NULL the
 * source is a memory buffer described inside the reader itself. */
static int open_with(wpk_reader **out, const wpk_source *src, int owns_file, const wpk_mem_src *mem,
                     const wpk_open_opts *opts, wpk_error *err)
{
    *out = NULL;
    wpk_reader *r = wpk_calloc(1, sizeof *r);
    if (!r) {
        if (owns_file) {
            wpk_source tmp = *src;
            wpk_source_file_close(&tmp);
        }
        return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    }
    if (mem)
        wpk_source_memory(&r->src, &r->mem, mem->data, mem->size);
    else
        r->src = *src;
    r->owns_file = owns_file;
    pthread_mutex_init(&r->pool_lock, NULL);
    pthread_mutex_init(&r->dict_lock, NULL);
    r->name = wpk_strdup(r->src.name ? r->src.name : "(archive)");
    if (!r->name) {
        wpk_reader_close(r);
        return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    }
    r->src.name = r->name;
    pthread_mutex_init(&r->root_lock, NULL);
    int rc = open_common(r, opts, err);
    if (!rc && r->opts.cache_pages > 0 && !(r->cache = wpk_page_cache_new(r->opts.cache_pages)))
        rc = wpk_fail(err, WPK_E_NOMEM, "out of memory");
    if (rc) {
        wpk_reader_close(r);
        return rc;
    }
    *out = r;
    return WPK_OK;
}

int wpk_reader_open(wpk_reader **out, const char *path, const wpk_open_opts *opts, wpk_error *err)
{
    if (!out || !path) return wpk_fail(err, WPK_E_INVALID, "wpk_reader_open: NULL argument");
    *out = NULL;
    wpk_source src;
    int rc = wpk_source_file(&src, path, err);
    if (rc) return rc;
    return open_with(out, &src, 1, NULL, opts, err);
}

int wpk_reader_open_memory(wpk_reader **out, const void *data, size_t size, const wpk_open_opts *opts, wpk_error *err)
{
    if (!out || (!data && size)) return wpk_fail(err, WPK_E_INVALID, "wpk_reader_open_memory: NULL argument");
    wpk_mem_src mem = {data, size};
    return open_with(out, NULL, 0, &mem, opts, err);
}

int wpk_reader_open_source(wpk_reader **out, const wpk_source *src, const wpk_open_opts *opts, wpk_error *err)
{
    if (!out || !src || !src->read_at) return wpk_fail(err, WPK_E_INVALID, "wpk_reader_open_source: NULL argument");
    return open_with(out, src, 0, NULL, opts, err);
}

int wpk_reader_open_url(wpk_reader **out, const char *url, const wpk_open_opts *opts, const wpk_http_opts *http,
                        wpk_error *err)
{
    if (!out || !url) return wpk_fail(err, WPK_E_INVALID, "wpk_reader_open_url: NULL argument");
    *out = NULL;
    wpk_source src;
    memset(&src, 0, sizeof src);
    int rc = wpk_source_http(&src, url, http, err);
    if (rc) return rc;
    /* Every index page fetched stays: a page costs a round trip. */
    wpk_open_opts o = opts ? *opts : (wpk_open_opts)WPK_OPEN_OPTS_INIT;
    if (o.cache_pages == 0) o.cache_pages = 4096;
    wpk_reader *r = NULL;
    rc = open_with(&r, &src, 0, NULL, &o, err);
    if (rc) {
        wpk_source_http_close(&src);
        return rc;
    }
    r->owns_http = 1;
    *out = r;
    return WPK_OK;
}

void wpk_reader_set_progress(wpk_reader *r, wpk_progress_fn fn, void *ctx)
{
    r->progress = fn;
    r->progress_ctx = ctx;
}

int wpk_reader_transfer_stats(const wpk_reader *r, wpk_transfer_stats *out)
{
    if (!r || !out || !r->owns_http) return wpk_fail(NULL, WPK_E_INVALID, "not a reader opened from a URL");
    return wpk_source_http_stats(&r->src, out);
}

static void free_index(wpk_index *idx)
{
    wpk_index_free_branches(idx);
    wpk_free(idx->raw);
    wpk_free(idx->items);
}

void wpk_reader_close(wpk_reader *r)
{
    if (!r) return;
    free_index(&r->path_idx);
    free_index(&r->title_idx);
    free_index(&r->id_idx);
    free_index(&r->fold_idx);
    free_index(&r->cat_idx);
    wpk_free(r->summary);
    wpk_page_cache_free(r->cache);
    ZSTD_freeDDict(r->ddict);
    wpk_free(r->dict_raw);
    for (int i = 0; i < r->pool_n; i++) ZSTD_freeDCtx(r->pool[i]);
    pthread_mutex_destroy(&r->pool_lock);
    pthread_mutex_destroy(&r->dict_lock);
    pthread_mutex_destroy(&r->root_lock);
    wpk_free(r->prefix);
    if (r->owns_file) wpk_source_file_close(&r->src);
    if (r->owns_http) wpk_source_http_close(&r->src);
    wpk_free(r->name);
    wpk_free(r);
}

_Static_assert(WPK_REQUIRES_PAGE_DICT == WPK_FEATURE_PAGE_DICT && WPK_REQUIRES_BRANCHES == WPK_FEATURE_BRANCHES &&
                   WPK_REQUIRES_SPLIT_RUNS == WPK_FEATURE_SPLIT_RUNS && WPK_REQUIRES_COLUMNS == WPK_FEATURE_COLUMNS,
               "the public names of the required feature bits are the format's");

void wpk_reader_info(const wpk_reader *cr, wpk_archive_info *o)
{
    /* Counting indexed IDs and titles needs those two roots decoded; that
     * changes only caches, so the reader is logically unchanged. */
    wpk_reader *r = (wpk_reader *)(uintptr_t)cr;
    wpk_index_ready(r, &r->id_idx, NULL);
    wpk_index_ready(r, &r->title_idx, NULL);
    memset(o, 0, sizeof *o);
    o->version_major = r->hdr.major;
    o->version_minor = r->hdr.minor;
    o->file_size = r->hdr.file_size;
    o->entry_count = r->hdr.entry_count;
    o->block_count = r->hdr.block_count;
    o->content_bytes = r->hdr.content_bytes;
    o->unique_bytes = r->hdr.unique_bytes;
    o->data_bytes = r->data_size;
    o->index_bytes = r->index_bytes;
    o->dict_size = r->dict_size;
    o->ids_indexed = r->id_idx.total_items;
    o->titles_indexed = r->title_idx.total_items;
    o->required_features = r->hdr.required_features;
    o->optional_features = r->hdr.optional_features;
    o->has_summary = r->summary != NULL;
    o->articles = r->sum_articles;
    o->revisions = r->sum_revisions;
    o->aliases = r->sum_aliases;
    o->categories = r->sum_categories;
}
