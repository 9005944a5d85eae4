/* object_read.c - positioned reads from the source, and stored objects read, checked and decompressed. */
#include "reader_internal.h"

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

/* Check and decompress a stored object already in memory. The returned
 * buffer has raw_size bytes plus a NUL and is the caller's. */
int wpk_decode_object(wpk_reader *r, const uint8_t *stored, uint64_t abs_offset, uint64_t stored_size,
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
int wpk_load_object(wpk_reader *r, uint64_t abs_offset, uint64_t stored, uint64_t raw, uint64_t checksum,
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
    if (!rc) rc = wpk_decode_object(r, buf, abs_offset, stored, raw, checksum, compressed, dict, what, out, err);
    wpk_free(buf);
    return rc;
}
