/* signature.c - the 160-byte signature record of the SIGNATURE section (format 2.0); the cryptography is the caller's.
 *
 *   off size field
 *     0    8 magic 89 57 50 4B 53 49 47 0A ("\x89WPKSIG\n")
 *     8    1 algorithm: 1 = Ed25519
 *     9    1 digest: 2 = BLAKE2b-512 of the prefix
 *    10   22 reserved, 0
 *    32   32 public key
 *    64   32 reserved, 0
 *    96   64 signature
 * All 160 bytes zero: the archive is unsigned. The message signed is
 * bytes 0..95 (everything but the signature, so the public key is signed
 * too) followed by the digest of the prefix, the section zeroed.
 */
#include "wpk2_internal.h"

static int all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i]) return 0;
    return 1;
}

int wpk2_signature_decode(const uint8_t *p, size_t n, wpk2_signature *s, wpk2_err *err)
{
    memset(s, 0, sizeof *s);
    if (n != WPK2_SIG_SIZE) return wpk2_fail(err, WPK2_E_CORRUPT, "signature record of %zu bytes, not 160", n);
    if (all_zero(p, WPK2_SIG_SIZE)) return wpk2_ok(err);
    if (memcmp(p, WPK2_SIG_MAGIC, 8) != 0)
        return wpk2_fail(err, WPK2_E_CORRUPT, "signature record: bad magic number (and not all zero)");
    if (p[8] != WPK2_SIG_ED25519 || p[9] != WPK2_SIG_BLAKE2B_512)
        return wpk2_fail(err, WPK2_E_CORRUPT, "signature record: unknown algorithm %u or digest %u", p[8], p[9]);
    if (!all_zero(p + 10, 22) || !all_zero(p + 64, 32))
        return wpk2_fail(err, WPK2_E_CORRUPT, "signature record: reserved bytes are not zero");
    s->is_signed = 1;
    s->algorithm = p[8];
    s->digest = p[9];
    memcpy(s->public_key, p + 32, 32);
    memcpy(s->signature, p + 96, 64);
    return wpk2_ok(err);
}

void wpk2_signature_encode(uint8_t out[WPK2_SIG_SIZE], const wpk2_signature *s)
{
    memset(out, 0, WPK2_SIG_SIZE);
    if (!s->is_signed) return;
    memcpy(out, WPK2_SIG_MAGIC, 8);
    out[8] = s->algorithm;
    out[9] = s->digest;
    memcpy(out + 32, s->public_key, 32);
    memcpy(out + 96, s->signature, 64);
}

void wpk2_signature_message(uint8_t out[WPK2_SIG_MESSAGE_SIZE], const wpk2_signature *s, const uint8_t digest[64])
{
    uint8_t rec[WPK2_SIG_SIZE];
    wpk2_signature_encode(rec, s);
    memcpy(out, rec, WPK2_SIG_SIGNED_HEAD);
    memcpy(out + WPK2_SIG_SIGNED_HEAD, digest, 64);
}
