/* content_stream.c - an entry's content read in pieces (wpk_content): what
 * serves a large entry, or one to a slow client, at a bounded cost.
 *
 * A stream holds its checked stored block (or the cached whole block), one
 * decompression context and a scratch buffer for the bytes before the
 * entry; each read decompresses only as far as asked. */
#include "reader_internal.h"

#include <stdlib.h>
#include <string.h>

struct wpk_content {
    wpk_reader *r;
    char *path;             /* for messages */
    uint64_t size, done;    /* the entry's bytes, and those handed out */
    uint64_t skip, skipped; /* the bytes of the block before the entry */
    uint64_t abs;           /* the block's file offset */
    wpk_shared *blk;        /* the whole block, from the block cache */
    uint64_t blk_at;
    uint8_t *stored;        /* or its stored bytes, checked */
    ZSTD_DCtx *d;
    ZSTD_inBuffer in;
    uint8_t *scratch;
    uint64_t memory;
};

static int open_cached(wpk_content *c, const wpk_entry_full *e, wpk_error *err)
{
    wpk_reader *r = c->r;
    if (!r->blocks || e->block.raw_size > r->opts.block_cache_bytes) return WPK_OK;
    int rc = wpk_block_get(r, e, &c->blk, err);
    if (rc || !c->blk) return rc;
    if (e->offset_in_block > c->blk->len || c->size > c->blk->len - e->offset_in_block)
        return wpk_fail_at(err, WPK_E_CORRUPT, c->abs, "%s: entry \"%s\" ends past the %zu bytes of its block at offset "
                           "%llu", r->name, c->path, c->blk->len, (unsigned long long)c->abs);
    c->blk_at = e->offset_in_block;
    return WPK_OK;
}

static int open_stored(wpk_content *c, const wpk_entry_full *e, wpk_error *err)
{
    wpk_reader *r = c->r;
    const ZSTD_DDict *dict;
    int rc = wpk_reader_block_dict(r, &e->block, &dict, err);
    if (!rc) rc = wpk_read_block(r, e, &c->stored, err);
    if (rc) return rc;
    c->in = (ZSTD_inBuffer){c->stored, (size_t)e->block.stored_size, 0};
    c->skip = e->offset_in_block;
    if (!(c->scratch = wpk_malloc(ZSTD_BLOCKSIZE_MAX)) || !(c->d = wpk_dctx_get(r)))
        return wpk_fail(err, WPK_E_NOMEM, "%s: out of memory", r->name);
    ZSTD_DCtx_reset(c->d, ZSTD_reset_session_only);
    ZSTD_DCtx_refDDict(c->d, dict);
    /* The stream's window: the frame's, at most its content. */
    ZSTD_frameHeader fh;
    uint64_t window = e->block.raw_size;
    if (ZSTD_getFrameHeader(&fh, c->stored, (size_t)e->block.stored_size) == 0 && fh.windowSize < window)
        window = fh.windowSize;
    c->memory += e->block.stored_size + window + ZSTD_BLOCKSIZE_MAX;
    return WPK_OK;
}

int wpk_reader_open_content(wpk_reader *r, const wpk_entry *pub, wpk_content **out, wpk_error *err)
{
    const wpk_entry_full *e = (const wpk_entry_full *)pub;
    *out = NULL;
    wpk_content *c = wpk_calloc(1, sizeof *c);
    if (!c || !(c->path = wpk_strdup(pub->path))) {
        wpk_free(c);
        return wpk_fail(err, WPK_E_NOMEM, "%s: out of memory", r->name);
    }
    c->r = r;
    c->size = pub->size;
    c->abs = r->data_base + e->block.offset;
    c->memory = sizeof *c + strlen(c->path);
    int rc = WPK_OK;
    if (c->size) {
        rc = wpk_block_plausible_check(r, &e->block, pub->path, err);
        if (!rc) rc = open_cached(c, e, err);
        if (!rc && !c->blk) rc = open_stored(c, e, err);
    }
    if (rc) {
        wpk_content_close(c);
        return rc;
    }
    *out = c;
    return WPK_OK;
}

uint64_t wpk_content_memory(const wpk_content *c) { return c ? c->memory : 0; }

static int broken(wpk_content *c, int rc, wpk_error *err)
{
    if (rc == WPK_E_NOMEM) return wpk_fail(err, rc, "%s: out of memory decompressing", c->r->name);
    return wpk_fail_at(err, rc, c->abs, "%s: block at offset %llu (entry \"%s\") does not decompress", c->r->name,
                       (unsigned long long)c->abs, c->path);
}

/* Fill out from the frame: zstd returns when out is full, its input is
 * used up or the frame ends; the last two before out is full mean the
 * entry runs past its block or the block's stored bytes. */
static int fill(wpk_content *c, ZSTD_outBuffer *out)
{
    size_t ret = ZSTD_decompressStream(c->d, out, &c->in);
    if (ZSTD_isError(ret)) return ZSTD_getErrorCode(ret) == ZSTD_error_memory_allocation ? WPK_E_NOMEM : WPK_E_CORRUPT;
    if (out->pos < out->size && (ret == 0 || c->in.pos == c->in.size)) return WPK_E_CORRUPT;
    return WPK_OK;
}

int wpk_content_read(wpk_content *c, void *buf, size_t cap, size_t *got, wpk_error *err)
{
    *got = 0;
    uint64_t left = c->size - c->done;
    size_t n = left < cap ? (size_t)left : cap;
    if (!n) return WPK_OK;
    if (c->blk) {
        memcpy(buf, c->blk->data + c->blk_at + c->done, n);
        c->done += n;
        *got = n;
        return WPK_OK;
    }
    while (c->skipped < c->skip) {
        uint64_t s = c->skip - c->skipped;
        ZSTD_outBuffer o = {c->scratch, s < ZSTD_BLOCKSIZE_MAX ? (size_t)s : ZSTD_BLOCKSIZE_MAX, 0};
        int rc = fill(c, &o);
        c->skipped += o.pos;
        if (rc) return broken(c, rc, err);
    }
    ZSTD_outBuffer o = {buf, n, 0};
    int rc = fill(c, &o);
    if (rc) return broken(c, rc, err);
    c->done += n;
    *got = n;
    return WPK_OK;
}

void wpk_content_close(wpk_content *c)
{
    if (!c) return;
    if (c->d) wpk_dctx_put(c->r, c->d);
    wpk_shared_release(c->blk);
    wpk_free(c->stored);
    wpk_free(c->scratch);
    wpk_free(c->path);
    wpk_free(c);
}

int wpk_reader_read_stream(wpk_reader *r, const wpk_entry *pub, wpk_write_fn fn, void *ctx, wpk_error *err)
{
    wpk_content *c;
    int rc = wpk_reader_open_content(r, pub, &c, err);
    if (rc) return rc;
    uint8_t *buf = c->size ? wpk_malloc(ZSTD_BLOCKSIZE_MAX) : NULL;
    if (c->size && !buf) rc = wpk_fail(err, WPK_E_NOMEM, "%s: out of memory", r->name);
    size_t got = 0;
    while (!rc && (rc = wpk_content_read(c, buf, ZSTD_BLOCKSIZE_MAX, &got, err)) == 0 && got)
        if ((rc = fn(ctx, buf, got)) != 0)
            wpk_fail(err, rc, "%s: reading entry \"%s\": stopped by the caller", r->name, pub->path);
    wpk_free(buf);
    wpk_content_close(c);
    return rc;
}
