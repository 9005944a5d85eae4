/* content.c - reading an entry's content: its block from the block cache,
 * or one block read and one partial decompression (only up to the end of
 * the entry) when there is none; its XXH3, and BLAKE2b with a trusted key. */
#include "reader_internal.h"

#include <stdlib.h>
#include <string.h>

int wpk_read_block(wpk_reader *r, const wpk_entry_full *e, uint8_t **stored, wpk_error *err)
{
    const wpk2_block_ref *b = &e->block;
    uint64_t abs = r->data_base + b->offset;
    /* The entry page's decoding checked the extent and the block cap. */
    uint8_t *buf = wpk_malloc(b->stored_size ? (size_t)b->stored_size : 1);
    if (!buf) return wpk_fail(err, WPK_E_NOMEM, "%s: out of memory reading a block", r->name);
    int rc = wpk_read_exact(r, abs, buf, (size_t)b->stored_size, "block", err);
    if (!rc && !wpk_checksum_ok(wpk2_checksum(buf, (size_t)b->stored_size), b->checksum))
        rc = wpk_fail_at(err, WPK_E_CORRUPT, abs, "%s: block at offset %llu (entry \"%s\"): checksum mismatch", r->name,
                         (unsigned long long)abs, e->pub.path);
    if (!rc && r->trusted && !wpk_auth_ok(buf, (size_t)b->stored_size, b->auth))
        rc = wpk_fail_at(err, WPK_E_CORRUPT, abs,
                         "%s: block at offset %llu (entry \"%s\"): BLAKE2b-256 mismatch: not the block its entry page "
                         "names (altered?)", r->name, (unsigned long long)abs, e->pub.path);
    if (!rc && !wpk_zstd_frame_ok(buf, (size_t)b->stored_size, b->raw_size))
        rc = wpk_fail_at(err, WPK_E_CORRUPT, abs,
                         "%s: block at offset %llu (entry \"%s\") is not exactly one zstd frame of %llu bytes", r->name,
                         (unsigned long long)abs, e->pub.path, (unsigned long long)b->raw_size);
    if (rc) {
        wpk_free(buf);
        return rc;
    }
    *stored = buf;
    return WPK_OK;
}

/* Decompress bytes [skip, skip + len) of a block, handing them to `sink`
 * as they come (at most a zstd block, 128 KiB, at a time) or, when `dst` is
 * given, straight into it. The bytes before go through a small scratch
 * buffer, so any part of a block costs the same memory. With `to_end` the
 * frame must end exactly after them (verify reads whole blocks this way).
 * A frame that ends early or fails is corruption; a sink's non-zero answer
 * stops and is returned. */
int wpk_block_stream(wpk_reader *r, const ZSTD_DDict *dict, const uint8_t *src, size_t n, uint64_t skip,
                     uint64_t len, int to_end, uint8_t *dst, wpk_block_sink sink, void *ctx)
{
    size_t chunk = ZSTD_BLOCKSIZE_MAX;
    uint8_t *scratch = NULL;
    if ((skip || !dst || to_end) && !(scratch = wpk_malloc(chunk))) return WPK_E_NOMEM;
    ZSTD_DCtx *d = wpk_dctx_get(r);
    if (!d) {
        wpk_free(scratch);
        return WPK_E_NOMEM;
    }
    ZSTD_DCtx_reset(d, ZSTD_reset_session_only);
    ZSTD_DCtx_refDDict(d, dict);
    ZSTD_inBuffer in = {src, n, 0};
    int rc = WPK_OK;
    uint64_t skipped = 0, done = 0;
    size_t ret = 1;
    while (done < len || (to_end && ret != 0)) {
        int skipping = skipped < skip;
        int past = !skipping && done == len; /* to_end: only the frame's end may remain */
        uint64_t left = skipping ? skip - skipped : past ? 1 : len - done;
        size_t want = dst && !skipping && !past ? (size_t)left : left < chunk ? (size_t)left : chunk;
        ZSTD_outBuffer out = {dst && !skipping && !past ? dst + done : scratch, want, 0};
        ret = ZSTD_decompressStream(d, &out, &in);
        if (ZSTD_isError(ret)) {
            rc = ZSTD_getErrorCode(ret) == ZSTD_error_memory_allocation ? WPK_E_NOMEM : WPK_E_CORRUPT;
            break;
        }
        if (past && out.pos) {
            rc = WPK_E_CORRUPT; /* more bytes than the block's raw size */
            break;
        }
        if (skipping) skipped += out.pos;
        else if (!past) {
            if (!dst && out.pos && (rc = sink(ctx, scratch, out.pos)) != 0) break;
            done += out.pos;
        }
        if (ret != 0 && in.pos == in.size && out.pos < want) {
            rc = WPK_E_CORRUPT; /* the stored bytes end mid-frame */
            break;
        }
        if (ret == 0 && (skipped < skip || done < len)) {
            rc = WPK_E_CORRUPT; /* frame ended before the entry */
            break;
        }
    }
    wpk_dctx_put(r, d);
    wpk_free(scratch);
    return rc;
}

int wpk_block_plausible_check(const wpk_reader *r, const wpk2_block_ref *b, const char *path, wpk_error *err)
{
    if (wpk2_block_plausible(b, r->opts.max_expansion)) return WPK_OK;
    uint64_t abs = r->data_base + b->offset;
    return wpk_fail_at(err, WPK_E_LIMIT, abs,
                       "%s: block at offset %llu%s%s%s: %llu bytes from %llu stored, expanding %llux, over the %ux "
                       "plausibility cap (--max-expansion raises it)",
                       r->name, (unsigned long long)abs, path ? " (entry \"" : "", path ? path : "", path ? "\")" : "",
                       (unsigned long long)b->raw_size, (unsigned long long)b->stored_size,
                       (unsigned long long)(b->raw_size / b->stored_size), r->opts.max_expansion);
}

/* read_entry_cached's answer when the block is not to be kept whole (yet). */
#define READ_UNCACHED 1

/* read_entry through the block cache: the entry copied out of its whole
 * decompressed block, which stays for the next read of that block. */
static int read_entry_cached(wpk_reader *r, const wpk_entry_full *e, void *buf, void **alloc_out, int check_content,
                             wpk_error *err)
{
    const wpk_entry *pub = &e->pub;
    wpk_shared *blk = NULL;
    int rc = wpk_block_get(r, e, &blk, err);
    if (rc) return rc;
    if (!blk) return READ_UNCACHED;
    uint64_t abs = r->data_base + e->block.offset;
    if (e->offset_in_block > blk->len || pub->size > blk->len - e->offset_in_block)
        rc = wpk_fail_at(err, WPK_E_CORRUPT, abs, "%s: entry \"%s\" ends past the %zu bytes of its block at offset %llu",
                         r->name, pub->path, blk->len, (unsigned long long)abs);
    else if (alloc_out && !(buf = wpk_malloc((size_t)pub->size + 1)))
        rc = wpk_fail(err, WPK_E_NOMEM, "%s: out of memory for entry \"%s\"", r->name, pub->path);
    if (rc) {
        wpk_shared_release(blk);
        return rc;
    }
    memcpy(buf, blk->data + e->offset_in_block, (size_t)pub->size);
    (void)check_content; /* format 2.0 has no checksum per content: the block's cover it */
    wpk_shared_release(blk);
    if (alloc_out) {
        if (rc) wpk_free(buf);
        else {
            ((char *)buf)[pub->size] = 0;
            *alloc_out = buf;
        }
    }
    return rc;
}

/* Read the content of `pub` into buf, or, when alloc_out is set, into a new
 * buffer allocated only once the block has passed its checks: a claimed
 * size is trusted no further than its checked block allows. */
static int read_entry(wpk_reader *r, const wpk_entry *pub, void *buf, void **alloc_out, int check_content,
                      wpk_error *err)
{
    const wpk_entry_full *e = (const wpk_entry_full *)pub;
    if (pub->size == 0) {
        if (alloc_out && !(*alloc_out = wpk_calloc(1, 1))) return wpk_fail(err, WPK_E_NOMEM, "%s: out of memory", r->name);
        return WPK_OK;
    }
    int rc = wpk_block_plausible_check(r, &e->block, pub->path, err);
    if (rc) return rc;
    if (r->blocks && e->block.raw_size <= r->opts.block_cache_bytes) {
        rc = read_entry_cached(r, e, buf, alloc_out, check_content, err);
        if (rc != READ_UNCACHED) return rc;
    }
    const ZSTD_DDict *dict;
    rc = wpk_reader_block_dict(r, &e->block, &dict, err);
    if (rc) return rc;
    uint8_t *stored = NULL;
    rc = wpk_read_block(r, e, &stored, err);
    if (rc) return rc;
    if (alloc_out && !(buf = wpk_malloc((size_t)pub->size + 1))) {
        wpk_free(stored);
        return wpk_fail(err, WPK_E_NOMEM, "%s: out of memory for entry \"%s\"", r->name, pub->path);
    }
    rc = wpk_block_stream(r, dict, stored, (size_t)e->block.stored_size, e->offset_in_block, pub->size, 0, buf, NULL,
                          NULL);
    wpk_free(stored);
    uint64_t abs = r->data_base + e->block.offset;
    if (rc == WPK_E_NOMEM) rc = wpk_fail(err, rc, "%s: out of memory decompressing", r->name);
    else if (rc)
        rc = wpk_fail_at(err, rc, abs, "%s: block at offset %llu (entry \"%s\") does not decompress", r->name,
                         (unsigned long long)abs, pub->path);
    if (alloc_out) {
        if (rc) wpk_free(buf);
        else {
            ((char *)buf)[pub->size] = 0;
            *alloc_out = buf;
        }
    }
    return rc;
}

int wpk_reader_read(wpk_reader *r, const wpk_entry *pub, void *buf, size_t cap, int check_content, wpk_error *err)
{
    if (cap < pub->size) return wpk_fail(err, WPK_E_INVALID, "buffer of %zu bytes too small for entry \"%s\"", cap, pub->path);
    return read_entry(r, pub, buf, NULL, check_content, err);
}

int wpk_reader_read_alloc(wpk_reader *r, const wpk_entry *e, void **out, int check_content, wpk_error *err)
{
    *out = NULL;
    if (e->size > r->opts.max_block_size)
        return wpk_fail(err, WPK_E_LIMIT, "%s: entry \"%s\" claims %llu bytes, over the block cap", r->name, e->path,
                        (unsigned long long)e->size);
    return read_entry(r, e, NULL, out, check_content, err);
}
