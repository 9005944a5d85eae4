/* signature_check.c - the signature of an archive: its record in the prefix, checked against the prefix's BLAKE2b-512.
 *
 * The SIGNATURE section is 160 bytes in the prefix, all zero when
 * unsigned. It signs its own first 96 bytes (the signer's key among them)
 * and a digest of the prefix with those 160 bytes read as zeros; the prefix
 * names every page and block by its BLAKE2b-256, so checking the signature
 * once at open vouches for every byte read after it (each page and block
 * checked against its hash as it is read). */
#include "reader_internal.h"

#include <sodium.h>
#include <string.h>

/* libsodium made ready; none of its functions is used before. */
static int wpk_sodium_ready(wpk_error *err)
{
    if (sodium_init() < 0) return wpk_fail(err, WPK_E_NOMEM, "cannot initialise libsodium");
    return WPK_OK;
}

/* The record, decoded; WPK_E_NOTFOUND when it is all zero (unsigned). */
static int read_record(wpk_reader *r, wpk2_signature *sig, wpk_error *err)
{
    const wpk2_section *s = r->map.of[WPK2_SEC_SIGNATURE];
    wpk2_err e;
    int rc = wpk2_signature_decode(r->prefix + s->offset, (size_t)s->stored_size, sig, &e);
    if (rc) return wpk_codec_fail(r, err, rc, &e, s->offset, "signature");
    if (!sig->is_signed) return wpk_fail(err, WPK_E_NOTFOUND, "%s: archive is not signed", r->name);
    return WPK_OK;
}

int wpk_prefix_signature(wpk_reader *r, const uint8_t *key, wpk_error *err)
{
    wpk2_signature sig;
    int rc = wpk_sodium_ready(err);
    if (!rc) rc = read_record(r, &sig, err);
    if (rc) return rc;
    const wpk2_section *s = r->map.of[WPK2_SEC_SIGNATURE];
    /* The prefix with the record zeroed: hashed in three pieces rather
     * than copied. */
    static const uint8_t zeros[WPK2_SIG_SIZE];
    uint8_t digest[64], msg[WPK2_SIG_MESSAGE_SIZE];
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, sizeof digest);
    crypto_generichash_update(&st, r->prefix, (size_t)s->offset);
    crypto_generichash_update(&st, zeros, sizeof zeros);
    uint64_t after = s->offset + WPK2_SIG_SIZE;
    crypto_generichash_update(&st, r->prefix + after, (size_t)(r->h.prefix_size - after));
    crypto_generichash_final(&st, digest, sizeof digest);
    wpk2_signature_message(msg, &sig, digest);
    if (crypto_sign_verify_detached(sig.signature, msg, sizeof msg, sig.public_key) != 0)
        return wpk_fail_at(err, WPK_E_CORRUPT, s->offset,
                           "%s: signature at offset %llu does not match the archive (changed after signing?)", r->name,
                           (unsigned long long)s->offset);
    /* Checked after the signature, so that damage is reported as damage. */
    if (key && sodium_memcmp(key, sig.public_key, sizeof sig.public_key) != 0)
        return wpk_fail_at(err, WPK_E_UNTRUSTED, s->offset, "%s: signed by another key than the one trusted", r->name);
    return WPK_OK;
}

int wpk_reader_signature(wpk_reader *r, wpk_signature_info *out, wpk_error *err)
{
    if (!r || !out) return wpk_fail(err, WPK_E_INVALID, "wpk_reader_signature: NULL argument");
    memset(out, 0, sizeof *out);
    wpk2_signature sig;
    int rc = read_record(r, &sig, err);
    if (rc) return rc;
    memcpy(out->public_key, sig.public_key, sizeof out->public_key);
    memcpy(out->signature, sig.signature, sizeof out->signature);
    return WPK_OK;
}

int wpk_reader_check_signature(wpk_reader *r, const uint8_t *trusted_key, wpk_error *err)
{
    if (!r) return wpk_fail(err, WPK_E_INVALID, "wpk_reader_check_signature: NULL argument");
    return wpk_prefix_signature(r, trusted_key, err);
}
