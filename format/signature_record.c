/* signature_record.c - the record held by a SIGNATURE section (1.2).
 *
 * Signature record (112 bytes, the whole stored content of the section):
 *   off  size  field
 *     0     8  magic 89 57 50 4B 53 49 47 0A  ("\x89WPKSIG\n")
 *     8     1  signature algorithm: 1 = Ed25519 (RFC 8032, pure)
 *     9     1  digest: 1 = BLAKE2b-512 (RFC 7693, no key)
 *    10     6  reserved, zero
 *    16    32  the signer's Ed25519 public key
 *    48    64  the Ed25519 signature of the message below
 *
 * The digest is taken over the whole file with the section's bytes read as
 * zeros, so writing the record does not change what it signs. The message
 * signed is record bytes 0..15 followed by the 64-byte digest: the magic
 * keeps the signature from meaning anything outside wikipack, and the two
 * algorithm bytes cannot be swapped for others.
 */
#include "wpk_format.h"

#include <string.h>

int wpk_fmt_signature_decode(const uint8_t *p, size_t n, wpk_fmt_signature *s, const char **why)
{
    memset(s, 0, sizeof *s);
    if (n != WPK_SIG_RECORD_SIZE) {
        *why = "signature section is not 112 bytes";
        return WPK_FMT_CORRUPT;
    }
    if (memcmp(p, WPK_SIG_MAGIC, 8) != 0) {
        *why = "not a signature record (bad magic number)";
        return WPK_FMT_CORRUPT;
    }
    if (p[8] != WPK_SIG_ED25519 || p[9] != WPK_SIG_BLAKE2B_512) {
        *why = "unknown signature or digest algorithm";
        return WPK_FMT_CORRUPT;
    }
    for (int i = 10; i < 16; i++)
        if (p[i]) {
            *why = "reserved signature bytes are not zero";
            return WPK_FMT_CORRUPT;
        }
    s->algorithm = p[8];
    s->digest = p[9];
    memcpy(s->public_key, p + 16, sizeof s->public_key);
    memcpy(s->signature, p + 48, sizeof s->signature);
    return WPK_FMT_OK;
}

void wpk_fmt_signature_encode(uint8_t out[WPK_SIG_RECORD_SIZE], const wpk_fmt_signature *s)
{
    memset(out, 0, WPK_SIG_RECORD_SIZE);
    memcpy(out, WPK_SIG_MAGIC, 8);
    out[8] = s->algorithm;
    out[9] = s->digest;
    memcpy(out + 16, s->public_key, sizeof s->public_key);
    memcpy(out + 48, s->signature, sizeof s->signature);
}

void wpk_fmt_signature_message(uint8_t out[WPK_SIG_MESSAGE_SIZE], const wpk_fmt_signature *s,
                               const uint8_t digest[WPK_SIG_DIGEST_SIZE])
{
    uint8_t rec[WPK_SIG_RECORD_SIZE];
    wpk_fmt_signature_encode(rec, s);
    memcpy(out, rec, WPK_SIG_SIGNED_HEAD);
    memcpy(out + WPK_SIG_SIGNED_HEAD, digest, WPK_SIG_DIGEST_SIZE);
}
