/* object_read.c - positioned reads from the source, and stored objects (sections, pages) read, checked and decompressed. */
#include "reader_internal.h"

#include <sodium.h>
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

int wpk_auth_ok(const uint8_t *stored, size_t n, const uint8_t auth[32])
{
    uint8_t h[32];
    /* libsodium's BLAKE2b is ready without sodium_init (which only picks
     * faster code paths), but init is cheap and idempotent. */
    if (sodium_init() < 0) return 0;
    crypto_generichash(h, sizeof h, stored, n, NULL, 0);
    return sodium_memcmp(h, auth, sizeof h) == 0;
}

int wpk_codec_fail(wpk_reader *r, wpk_error *err, int codec_rc, const wpk2_err *e, uint64_t abs_offset,
                   const char *what)
{
    int code = codec_rc == WPK2_E_FORMAT ? WPK_E_FORMAT
             : codec_rc == WPK2_E_LIMIT ? WPK_E_LIMIT
             : codec_rc == WPK2_E_NOMEM ? WPK_E_NOMEM : WPK_E_CORRUPT;
    if (what)
        return wpk_fail_at(err, code, abs_offset, "%s: %s at offset %llu: %s", r->name, what,
                           (unsigned long long)abs_offset, e->msg);
    return wpk_fail(err, code, "%s: %s", r->name, e->msg);
}

int wpk_unframe(wpk_reader *r, const uint8_t *stored, size_t n, uint64_t raw_size, const ZSTD_DDict *dict,
                uint64_t abs_offset, const char *what, uint8_t **out, wpk_error *err)
{
    *out = NULL;
    /* The frame's declared size first: a header cannot make the decoder
     * allocate more than the referrer said. */
    if (!wpk_zstd_frame_ok(stored, n, raw_size))
        return wpk_fail_at(err, WPK_E_CORRUPT, abs_offset,
                           "%s: %s at offset %llu is not exactly one zstd frame of %llu bytes", r->name, what,
                           (unsigned long long)abs_offset, (unsigned long long)raw_size);
    uint8_t *buf = wpk_malloc((size_t)raw_size + 1);
    if (!buf) return wpk_fail(err, WPK_E_NOMEM, "%s: out of memory reading %s", r->name, what);
    ZSTD_DCtx *d = wpk_dctx_get(r);
    size_t got = 0;
    if (d) {
        /* A pooled context may be mid-frame with another dictionary attached. */
        ZSTD_DCtx_reset(d, ZSTD_reset_session_only);
        ZSTD_DCtx_refDDict(d, dict);
        got = ZSTD_decompressDCtx(d, buf, (size_t)raw_size, stored, n);
        wpk_dctx_put(r, d);
    }
    if (!d || (ZSTD_isError(got) && ZSTD_getErrorCode(got) == ZSTD_error_memory_allocation)) {
        wpk_free(buf);
        return wpk_fail(err, WPK_E_NOMEM, "%s: out of memory decompressing %s", r->name, what);
    }
    if (ZSTD_isError(got) || got != raw_size) {
        wpk_free(buf);
        return wpk_fail_at(err, WPK_E_CORRUPT, abs_offset, "%s: %s at offset %llu does not decompress to %llu bytes%s%s",
                           r->name, what, (unsigned long long)abs_offset, (unsigned long long)raw_size,
                           ZSTD_isError(got) ? ": " : "", ZSTD_isError(got) ? ZSTD_getErrorName(got) : "");
    }
    buf[raw_size] = 0;
    *out = buf;
    return WPK_OK;
}

int wpk_page_raw(wpk_reader *r, const wpk_index *idx, const wpk2_root_item *it, const char *what, int auth,
                 int *auth_ok, uint8_t **raw, wpk_error *err)
{
    *raw = NULL;
    *auth_ok = 1;
    uint64_t abs = idx->base + it->page_offset;
    /* Refused before anything is read or allocated. */
    if (it->raw_size > r->opts.max_page_size || it->stored_size > r->opts.max_page_size)
        return wpk_fail_at(err, WPK_E_LIMIT, abs, "%s: %s at offset %llu claims %u bytes (%u stored), over the %llu-byte page cap",
                           r->name, what, (unsigned long long)abs, it->raw_size, it->stored_size,
                           (unsigned long long)r->opts.max_page_size);
    if (it->page_offset > idx->size || it->stored_size > idx->size - it->page_offset)
        return wpk_fail_at(err, WPK_E_CORRUPT, abs, "%s: %s at offset %llu lies outside the page region", r->name, what,
                           (unsigned long long)abs);
    const ZSTD_DDict *dict;
    int rc = wpk_reader_dict(r, &dict, err);
    if (rc) return rc;
    uint8_t *stored = wpk_malloc(it->stored_size);
    if (!stored) return wpk_fail(err, WPK_E_NOMEM, "%s: out of memory reading %s", r->name, what);
    rc = wpk_read_exact(r, abs, stored, it->stored_size, what, err);
    if (!rc && !wpk_checksum_ok(wpk2_checksum(stored, it->stored_size), it->checksum))
        rc = wpk_fail_at(err, WPK_E_CORRUPT, abs, "%s: %s at offset %llu: checksum mismatch", r->name, what,
                         (unsigned long long)abs);
    int enforce = r->trusted || auth == WPK_AUTH_ALWAYS;
    if (!rc && (enforce || auth == WPK_AUTH_MEASURE)) *auth_ok = wpk_auth_ok(stored, it->stored_size, it->auth);
    if (!rc && enforce && !*auth_ok)
        rc = wpk_fail_at(err, WPK_E_CORRUPT, abs,
                         "%s: %s at offset %llu: BLAKE2b-256 mismatch: not the page its referrer names (altered?)",
                         r->name, what, (unsigned long long)abs);
    if (!rc) rc = wpk_unframe(r, stored, it->stored_size, it->raw_size, dict, abs, what, raw, err);
    wpk_free(stored);
    return rc;
}

int wpk_section_raw(wpk_reader *r, const wpk2_section *s, const char *what, uint64_t cap, uint8_t **raw,
                    wpk_error *err)
{
    *raw = NULL;
    if (s->raw_size > cap)
        return wpk_fail_at(err, WPK_E_LIMIT, s->offset, "%s: %s at offset %llu claims %llu bytes, over the %llu-byte cap",
                           r->name, what, (unsigned long long)s->offset, (unsigned long long)s->raw_size,
                           (unsigned long long)cap);
    /* Sections other than regions lie in the prefix, in memory since open,
     * and their checksums were checked there. */
    const uint8_t *stored = r->prefix + s->offset;
    if (s->flags & WPK2_SECF_ZSTD)
        return wpk_unframe(r, stored, (size_t)s->stored_size, s->raw_size, NULL, s->offset, what, raw, err);
    if (!(*raw = wpk_malloc((size_t)s->stored_size + 1))) return wpk_fail(err, WPK_E_NOMEM, "%s: out of memory", r->name);
    memcpy(*raw, stored, (size_t)s->stored_size);
    (*raw)[s->stored_size] = 0;
    return WPK_OK;
}
