/* block_cache.c - whole blocks decompressed once and kept in the reader's block cache for the reads that follow.
 *
 * Without it every read decompresses its block again, up to the entry:
 * tens to hundreds of microseconds for a 256 KiB block, against a few for
 * a lookup and a copy out of a block kept. Blocks are kept by file offset and
 * hashes, bounded by block_cache_bytes. A block is kept from the second
 * time it is asked for: a read that does not come back (one `get`, random
 * reads across a large archive) decompresses only up to its entry, as
 * without a cache, and allocates no whole block. A block is checked (XXH3, and
 * BLAKE2b with a trusted key) when it is read, before it is kept.
 * Two threads missing the same block both decompress it; the first one
 * offered stays. */
#include "reader_internal.h"

#include <string.h>

/* Decompress a checked stored block (one frame of exactly raw bytes). */
static int decompress_whole(wpk_reader *r, const ZSTD_DDict *dict, const uint8_t *src, size_t n, wpk_shared *dst)
{
    ZSTD_DCtx *d = wpk_dctx_get(r);
    if (!d) return WPK_E_NOMEM;
    ZSTD_DCtx_reset(d, ZSTD_reset_session_only);
    ZSTD_DCtx_refDDict(d, dict);
    size_t got = ZSTD_decompressDCtx(d, dst->data, dst->len, src, n);
    wpk_dctx_put(r, d);
    if (ZSTD_isError(got)) return ZSTD_getErrorCode(got) == ZSTD_error_memory_allocation ? WPK_E_NOMEM : WPK_E_CORRUPT;
    return got == dst->len ? WPK_OK : WPK_E_CORRUPT;
}

/* The cache's tag of a block: its hashes, so that two references naming
 * one offset with different hashes get one block each, as uncached. */
static uint64_t block_tag(const wpk2_block_ref *b)
{
    uint64_t auth;
    memcpy(&auth, b->auth, sizeof auth);
    return b->checksum ^ auth ^ (b->raw_size * 0x9E3779B97F4A7C15ull);
}

int wpk_block_get(wpk_reader *r, const wpk_entry_full *e, wpk_shared **out, wpk_error *err)
{
    const wpk2_block_ref *b = &e->block;
    uint64_t abs = r->data_base + b->offset, tag = block_tag(b);
    *out = wpk_lru_get(r->blocks, abs, tag);
    if (*out && (*out)->len == b->raw_size) return WPK_OK;
    wpk_shared_release(*out); /* the same offset and hashes, another size: a lying reference */
    *out = NULL;
    if (!wpk_lru_admit(r->blocks, abs, tag)) return WPK_OK;
    const ZSTD_DDict *dict;
    int rc = wpk_reader_block_dict(r, b, &dict, err);
    if (rc) return rc;
    uint8_t *stored = NULL;
    if ((rc = wpk_read_block(r, e, &stored, err)) != 0) return rc;
    wpk_shared *blk = wpk_shared_new((size_t)b->raw_size);
    if (!blk) rc = WPK_E_NOMEM;
    else rc = decompress_whole(r, dict, stored, (size_t)b->stored_size, blk);
    wpk_free(stored);
    if (rc) {
        wpk_shared_release(blk);
        if (rc == WPK_E_NOMEM) return wpk_fail(err, rc, "%s: out of memory decompressing", r->name);
        return wpk_fail_at(err, rc, abs, "%s: block at offset %llu (entry \"%s\") does not decompress to %llu bytes",
                           r->name, (unsigned long long)abs, e->pub.path, (unsigned long long)b->raw_size);
    }
    wpk_lru_put(r->blocks, abs, tag, blk);
    *out = blk;
    return WPK_OK;
}
