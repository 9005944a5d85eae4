/* dctx_pool.c - the reader's pool of zstd decompression contexts, and the frame check before decompressing. */
#include "reader_internal.h"

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
