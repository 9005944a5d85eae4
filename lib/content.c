/* content.c - reading an entry's content: one block read, one partial
 * decompression (only up to the end of the entry), checksums. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* Read the stored block of `e` and check its checksum. */
static int read_block(wpk_reader *r, const wpk_entry_full *e, uint8_t **stored, wpk_error *err)
{
    const wpk_fmt_ref *b = &e->block;
    uint64_t abs = r->data_base + b->offset;
    if (b->offset > r->data_size || b->stored_size > r->data_size - b->offset)
        return wpk_fail(err, WPK_E_CORRUPT, "%s: entry \"%s\": block lies outside the data region", r->name, e->pub.path);
    if (b->raw_size > r->opts.max_block_size)
        return wpk_fail_at(err, WPK_E_LIMIT, abs, "%s: block at offset %llu claims %u bytes, over the block cap", r->name,
                           (unsigned long long)abs, b->raw_size);
    uint8_t *buf = malloc(b->stored_size ? b->stored_size : 1);
    if (!buf) return wpk_fail(err, WPK_E_NOMEM, "%s: out of memory reading a block", r->name);
    int rc = wpk_read_exact(r, abs, buf, b->stored_size, "block", err);
    if (!rc && wpk_fmt_checksum(buf, b->stored_size) != b->checksum)
        rc = wpk_fail_at(err, WPK_E_CORRUPT, abs, "%s: block at offset %llu (entry \"%s\"): checksum mismatch", r->name,
                         (unsigned long long)abs, e->pub.path);
    if (!rc && ZSTD_findFrameCompressedSize(buf, b->stored_size) != b->stored_size)
        rc = wpk_fail_at(err, WPK_E_CORRUPT, abs, "%s: block at offset %llu (entry \"%s\") is not exactly one zstd frame",
                         r->name, (unsigned long long)abs, e->pub.path);
    if (rc) {
        free(buf);
        return rc;
    }
    *stored = buf;
    return WPK_OK;
}

/* Decompress the first `need` bytes of a block into dst. A frame that ends
 * early, or fails, is corruption. */
static int decompress_prefix(wpk_reader *r, const ZSTD_DDict *dict, const uint8_t *src, size_t n, uint8_t *dst,
                             size_t need)
{
    ZSTD_DCtx *d = wpk_dctx_get(r);
    if (!d) return WPK_E_NOMEM;
    ZSTD_DCtx_reset(d, ZSTD_reset_session_only);
    ZSTD_DCtx_refDDict(d, dict);
    ZSTD_inBuffer in = {src, n, 0};
    ZSTD_outBuffer out = {dst, need, 0};
    int rc = WPK_OK;
    while (out.pos < need) {
        size_t ret = ZSTD_decompressStream(d, &out, &in);
        if (ZSTD_isError(ret)) {
            rc = ZSTD_getErrorCode(ret) == ZSTD_error_memory_allocation ? WPK_E_NOMEM : WPK_E_CORRUPT;
            break;
        }
        if (ret == 0 || (in.pos == in.size && out.pos < need)) {
            if (out.pos < need) rc = WPK_E_CORRUPT; /* frame ended before the entry */
            break;
        }
    }
    wpk_dctx_put(r, d);
    return rc;
}

int wpk_reader_read(wpk_reader *r, const wpk_entry *pub, void *buf, size_t cap, int check_content, wpk_error *err)
{
    const wpk_entry_full *e = (const wpk_entry_full *)pub;
    if (cap < pub->size) return wpk_fail(err, WPK_E_INVALID, "buffer of %zu bytes too small for entry \"%s\"", cap, pub->path);
    if (pub->size == 0) return WPK_OK;
    const ZSTD_DDict *dict;
    int rc = wpk_reader_dict(r, &dict, err);
    if (rc) return rc;
    uint8_t *stored = NULL;
    rc = read_block(r, e, &stored, err);
    if (rc) return rc;
    size_t need = (size_t)e->offset_in_block + (size_t)pub->size;
    uint8_t *dst = e->offset_in_block == 0 ? buf : malloc(need);
    if (!dst) {
        free(stored);
        return wpk_fail(err, WPK_E_NOMEM, "%s: out of memory", r->name);
    }
    rc = decompress_prefix(r, dict, stored, e->block.stored_size, dst, need);
    free(stored);
    if (dst != buf) {
        if (!rc) memcpy(buf, dst + e->offset_in_block, pub->size);
        free(dst);
    }
    uint64_t abs = r->data_base + e->block.offset;
    if (rc == WPK_E_NOMEM) return wpk_fail(err, rc, "%s: out of memory decompressing", r->name);
    if (rc)
        return wpk_fail_at(err, rc, abs, "%s: block at offset %llu (entry \"%s\") does not decompress", r->name,
                           (unsigned long long)abs, pub->path);
    if (check_content && wpk_fmt_checksum(buf, pub->size) != pub->content_hash)
        return wpk_fail_at(err, WPK_E_CORRUPT, abs, "%s: entry \"%s\": content checksum mismatch", r->name, pub->path);
    return WPK_OK;
}

int wpk_reader_read_alloc(wpk_reader *r, const wpk_entry *e, void **out, int check_content, wpk_error *err)
{
    *out = NULL;
    if (e->size > r->opts.max_block_size)
        return wpk_fail(err, WPK_E_LIMIT, "%s: entry \"%s\" claims %llu bytes, over the block cap", r->name, e->path,
                        (unsigned long long)e->size);
    char *buf = malloc((size_t)e->size + 1);
    if (!buf) return wpk_fail(err, WPK_E_NOMEM, "%s: out of memory for entry \"%s\"", r->name, e->path);
    int rc = wpk_reader_read(r, e, buf, (size_t)e->size, check_content, err);
    if (rc) {
        free(buf);
        return rc;
    }
    buf[e->size] = 0;
    *out = buf;
    return WPK_OK;
}
