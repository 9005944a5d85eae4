/* writer_compress.c - compress the planned blocks on several threads and
 * write them to the data scratch file in block order.
 *
 * Block boundaries were fixed by the plan and each block is compressed on
 * its own with the same parameters, so the output does not depend on the
 * number of threads. Workers stay at most `window` blocks ahead of the
 * writer to bound memory; they hash what they compress (XXH3-64 and
 * BLAKE2b-256, which every reference to a block carries). */
#include "writer_internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct pool {
    wpk_writer *w;
    const ZSTD_CDict *cdict;
    pthread_mutex_t lock;
    pthread_cond_t cv;
    size_t next, written, window;
    uint8_t **out;
    size_t *out_len;
    wpk2_block_ref *refs;       /* hashes by block, set by the worker */
    uint8_t *done;
    int failed;
    wpk_error err;
} pool;

int wpk_block_cctx_init(ZSTD_CCtx *c, const wpk_writer *w, const ZSTD_CDict *cdict)
{
    size_t r = ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, w->opts.level);
    /* The format holds sizes and checksums itself; no dictionary ID needed. */
    if (!ZSTD_isError(r)) r = ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 0);
    if (!ZSTD_isError(r)) r = ZSTD_CCtx_setParameter(c, ZSTD_c_dictIDFlag, 0);
    if (!ZSTD_isError(r)) r = ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, 1);
    if (!ZSTD_isError(r) && cdict) r = ZSTD_CCtx_refCDict(c, cdict);
    return ZSTD_isError(r) ? -1 : 0;
}

int wpk_compress_block(wpk_writer *w, ZSTD_CCtx *c, size_t i, uint8_t **out, size_t *out_len, wpk_error *err)
{
    if (w->precompressed && w->precompressed[i]) { /* done by a dictionary trial */
        *out = w->precompressed[i];
        *out_len = w->precompressed_len[i];
        w->precompressed[i] = NULL;
        return WPK_OK;
    }
    const wblock *b = &w->blocks[i];
    uint8_t *raw;
    int rc = wpk_block_raw(w, b, &raw, err);
    if (rc) return rc;
    size_t cap = ZSTD_compressBound(b->raw_size);
    uint8_t *dst = wpk_malloc(cap);
    if (!dst) {
        wpk_free(raw);
        return wpk_fail(err, WPK_E_NOMEM, "out of memory compressing block %zu", i);
    }
    size_t got = ZSTD_compress2(c, dst, cap, raw, b->raw_size);
    wpk_free(raw);
    if (ZSTD_isError(got) || got > 0xFFFFFFFFu) {
        wpk_free(dst);
        return wpk_fail(err, WPK_E_NOMEM, "block %zu: zstd: %s", i, ZSTD_isError(got) ? ZSTD_getErrorName(got) : "too large");
    }
    *out = dst;
    *out_len = got;
    return WPK_OK;
}

static void *worker(void *arg)
{
    pool *p = arg;
    ZSTD_CCtx *c = wpk_zstd_cctx();
    if (!c || wpk_block_cctx_init(c, p->w, p->cdict) != 0) {
        pthread_mutex_lock(&p->lock);
        if (!p->failed) wpk_fail(&p->err, WPK_E_NOMEM, "cannot set up a zstd compressor");
        p->failed = 1;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->lock);
        ZSTD_freeCCtx(c);
        return NULL;
    }
    for (;;) {
        pthread_mutex_lock(&p->lock);
        while (!p->failed && p->next < p->w->block_count && p->next >= p->written + p->window)
            pthread_cond_wait(&p->cv, &p->lock);
        if (p->failed || p->next >= p->w->block_count) {
            pthread_mutex_unlock(&p->lock);
            break;
        }
        size_t i = p->next++;
        pthread_mutex_unlock(&p->lock);
        uint8_t *out = NULL;
        size_t len = 0;
        wpk_error e;
        int rc = wpk_compress_block(p->w, c, i, &out, &len, &e);
        if (!rc) wpk_hash_stored(out, len, &p->refs[i].checksum, p->refs[i].auth);
        pthread_mutex_lock(&p->lock);
        if (rc && !p->failed) {
            p->err = e;
            p->failed = 1;
        }
        p->out[i] = out;
        p->out_len[i] = len;
        p->done[i] = 1;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->lock);
    }
    ZSTD_freeCCtx(c);
    return NULL;
}

int wpk_compress_blocks(wpk_writer *w, wpk_error *err)
{
    size_t n = w->block_count;
    if (n == 0) return WPK_OK;
    pool p;
    memset(&p, 0, sizeof p);
    p.w = w;
    int threads = w->opts.threads < 1 ? 1 : w->opts.threads;
    if ((size_t)threads > n) threads = (int)n;
    p.window = (size_t)threads * 2;
    p.out = wpk_calloc(n, sizeof *p.out);
    p.out_len = wpk_calloc(n, sizeof *p.out_len);
    p.done = wpk_calloc(n, 1);
    p.refs = w->refs = wpk_calloc(n, sizeof *w->refs);
    /* The dictionary trials' digested dictionary, else a new one. */
    ZSTD_CDict *cd = NULL;
    if (w->dict_size && !w->cdict) cd = wpk_zstd_cdict(w->dict, w->dict_size, w->opts.level);
    p.cdict = w->cdict ? w->cdict : cd;
    pthread_t *tids = wpk_calloc((size_t)threads, sizeof *tids);
    if (!p.out || !p.out_len || !p.done || !p.refs || !tids || (w->dict_size && !p.cdict)) {
        wpk_free(p.out);
        wpk_free(p.out_len);
        wpk_free(p.done);
        wpk_free(tids);
        ZSTD_freeCDict(cd);
        return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    }
    pthread_mutex_init(&p.lock, NULL);
    pthread_cond_init(&p.cv, NULL);
    int started = 0;
    for (; started < threads; started++)
        if (pthread_create(&tids[started], NULL, worker, &p) != 0) break;
    int rc = WPK_OK;
    uint64_t done_bytes = 0;
    if (started == 0) rc = wpk_fail(err, WPK_E_NOMEM, "cannot start a compression thread");
    for (size_t i = 0; i < n && !rc; i++) {
        pthread_mutex_lock(&p.lock);
        while (!p.done[i] && !p.failed) pthread_cond_wait(&p.cv, &p.lock);
        int failed = p.failed;
        pthread_mutex_unlock(&p.lock);
        if (failed) break;
        wblock *b = &w->blocks[i];
        w->refs[i].offset = w->data_size;
        w->refs[i].stored_size = p.out_len[i];
        w->refs[i].raw_size = b->raw_size;
        if (b->raw_size > WPK2_EXPANSION_FLOOR && b->raw_size > p.out_len[i] * (uint64_t)WPK2_DEFAULT_MAX_EXPANSION)
            w->implausible_blocks++;
        rc = wpk_write_all(w->data_fd, p.out[i], p.out_len[i], w->data_size, "data scratch file", err);
        w->data_size += p.out_len[i];
        wpk_free(p.out[i]);
        p.out[i] = NULL;
        done_bytes += b->raw_size;
        wpk_writer_report(w, "compressing", done_bytes, w->unique_bytes, i + 1, n);
        pthread_mutex_lock(&p.lock);
        p.written = i + 1;
        if (rc) p.failed = 1;
        pthread_cond_broadcast(&p.cv);
        pthread_mutex_unlock(&p.lock);
    }
    if (rc) {
        pthread_mutex_lock(&p.lock);
        p.failed = 1;
        pthread_cond_broadcast(&p.cv);
        pthread_mutex_unlock(&p.lock);
    }
    for (int t = 0; t < started; t++) pthread_join(tids[t], NULL);
    if (!rc && p.failed) {
        rc = p.err.code ? p.err.code : WPK_E_IO;
        if (err) *err = p.err;
    }
    for (size_t i = 0; i < n; i++) wpk_free(p.out[i]);
    wpk_free(p.out);
    wpk_free(p.out_len);
    wpk_free(p.done);
    wpk_free(tids);
    ZSTD_freeCDict(cd);
    pthread_mutex_destroy(&p.lock);
    pthread_cond_destroy(&p.cv);
    return rc;
}
