/* signature_check.c - reading and checking the signature of an archive (1.2).
 *
 * The SIGNATURE section is a region: no XXH3 of its own, because a checksum
 * stored elsewhere in the file would change when the record is written, and
 * so would what it signs. Its record is checked by the Ed25519 signature
 * itself, against a BLAKE2b-512 digest of every byte of the file (the
 * record's own bytes read as zeros). */
#include "signature_check.h"
#include "wpk_endian.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define DIGEST_CHUNK (1u << 20)

int wpk_sodium_ready(wpk_error *err)
{
    if (sodium_init() < 0) return wpk_fail(err, WPK_E_NOMEM, "cannot initialise libsodium");
    return WPK_OK;
}

int wpk_sig_section(const wpk_reader *r, wpk_fmt_section *out)
{
    /* The table was checked at open (checksum, flags, one section per type). */
    const uint8_t *table = r->prefix + WPK_HEADER_SIZE;
    for (uint32_t i = 0; i < r->hdr.section_count; i++) {
        const char *why;
        wpk_fmt_section s;
        if (wpk_fmt_section_decode(table + (size_t)i * WPK_SECTION_SIZE, &s, &why) == 0 &&
            s.type == WPK_SEC_SIGNATURE) {
            *out = s;
            return 1;
        }
    }
    return 0;
}

int wpk_sig_digest(wpk_reader *r, const wpk_fmt_section *s, uint8_t out[WPK_SIG_DIGEST_SIZE], wpk_error *err)
{
    int rc = wpk_sodium_ready(err);
    if (rc) return rc;
    uint8_t *buf = wpk_malloc(DIGEST_CHUNK);
    if (!buf) return wpk_fail(err, WPK_E_NOMEM, "%s: out of memory", r->name);
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, WPK_SIG_DIGEST_SIZE);
    uint64_t size = r->hdr.file_size, zero_from = s ? s->offset : 0, zero_to = s ? s->offset + s->stored_size : 0;
    for (uint64_t at = 0; at < size && !rc;) {
        size_t n = size - at < DIGEST_CHUNK ? (size_t)(size - at) : DIGEST_CHUNK;
        rc = wpk_read_exact(r, at, buf, n, "archive bytes", err);
        if (rc) break;
        uint64_t lo = zero_from > at ? zero_from : at, hi = zero_to < at + n ? zero_to : at + n;
        if (lo < hi) memset(buf + (lo - at), 0, (size_t)(hi - lo));
        crypto_generichash_update(&st, buf, n);
        at += n;
    }
    wpk_free(buf);
    if (!rc) crypto_generichash_final(&st, out, WPK_SIG_DIGEST_SIZE);
    return rc;
}

/* The record, decoded; WPK_E_NOTFOUND when the archive is unsigned. */
static int read_record(wpk_reader *r, wpk_fmt_section *sec, wpk_fmt_signature *sig, wpk_error *err)
{
    if (!wpk_sig_section(r, sec)) return wpk_fail(err, WPK_E_NOTFOUND, "%s: archive is not signed", r->name);
    if (!(sec->flags & WPK_SECF_REGION))
        return wpk_fail_at(err, WPK_E_CORRUPT, sec->offset, "%s: signature section is not marked as a region", r->name);
    uint8_t rec[WPK_SIG_RECORD_SIZE];
    const char *why = "signature section is not 112 bytes";
    int rc = WPK_FMT_CORRUPT;
    if (sec->stored_size == WPK_SIG_RECORD_SIZE) {
        if ((rc = wpk_read_exact(r, sec->offset, rec, sizeof rec, "signature", err)) != 0) return rc;
        rc = wpk_fmt_signature_decode(rec, sizeof rec, sig, &why);
    }
    if (rc)
        return wpk_fail_at(err, WPK_E_CORRUPT, sec->offset, "%s: signature at offset %llu: %s", r->name,
                           (unsigned long long)sec->offset, why);
    return WPK_OK;
}

int wpk_reader_signature(wpk_reader *r, wpk_signature_info *out, wpk_error *err)
{
    if (!r || !out) return wpk_fail(err, WPK_E_INVALID, "wpk_reader_signature: NULL argument");
    memset(out, 0, sizeof *out);
    wpk_fmt_section sec;
    wpk_fmt_signature sig;
    int rc = read_record(r, &sec, &sig, err);
    if (rc) return rc;
    memcpy(out->public_key, sig.public_key, sizeof out->public_key);
    memcpy(out->signature, sig.signature, sizeof out->signature);
    return WPK_OK;
}

int wpk_reader_check_signature(wpk_reader *r, const uint8_t *trusted_key, wpk_error *err)
{
    if (!r) return wpk_fail(err, WPK_E_INVALID, "wpk_reader_check_signature: NULL argument");
    wpk_fmt_section sec;
    wpk_fmt_signature sig;
    uint8_t digest[WPK_SIG_DIGEST_SIZE], msg[WPK_SIG_MESSAGE_SIZE];
    int rc = read_record(r, &sec, &sig, err);
    if (!rc) rc = wpk_sig_digest(r, &sec, digest, err);
    if (rc) return rc;
    wpk_fmt_signature_message(msg, &sig, digest);
    if (crypto_sign_verify_detached(sig.signature, msg, sizeof msg, sig.public_key) != 0)
        return wpk_fail_at(err, WPK_E_CORRUPT, sec.offset,
                           "%s: signature at offset %llu does not match the archive (changed after signing?)", r->name,
                           (unsigned long long)sec.offset);
    /* Checked after the signature, so that damage is reported as damage. */
    if (trusted_key && sodium_memcmp(trusted_key, sig.public_key, sizeof sig.public_key) != 0)
        return wpk_fail_at(err, WPK_E_CORRUPT, sec.offset, "%s: signed by a different key", r->name);
    return WPK_OK;
}
