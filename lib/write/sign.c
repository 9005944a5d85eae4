/* sign.c - key pairs, and signing an archive: a copy of it with the 160 bytes of its SIGNATURE record written is checked and renamed over it.
 *
 * The signature is Ed25519 over the record's first 96 bytes (the public
 * key included) and the BLAKE2b-512 of the prefix with the record read as
 * zeros. Signing changes those 160 bytes and nothing else, so a signed
 * archive is its unsigned self plus a record, and signing again replaces
 * the record. Nothing changes under the archive's name until the signed
 * copy is complete and checked. */
#include "sign_check.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define COPY_CHUNK (1u << 20)

int wpk_keygen(uint8_t public_key[WPK_PUBLIC_KEY_SIZE], uint8_t secret_key[WPK_SECRET_KEY_SIZE], wpk_error *err)
{
    if (sodium_init() < 0) return wpk_fail(err, WPK_E_NOMEM, "cannot initialise libsodium");
    crypto_sign_ed25519_keypair(public_key, secret_key);
    return WPK_OK;
}

int wpk_public_key_of(const uint8_t secret_key[WPK_SECRET_KEY_SIZE], uint8_t public_key[WPK_PUBLIC_KEY_SIZE],
                      wpk_error *err)
{
    if (sodium_init() < 0) return wpk_fail(err, WPK_E_NOMEM, "cannot initialise libsodium");
    /* The secret key is seed + public key: derive the pair again from the seed. */
    uint8_t pk[crypto_sign_ed25519_PUBLICKEYBYTES], sk[crypto_sign_ed25519_SECRETKEYBYTES];
    crypto_sign_ed25519_seed_keypair(pk, sk, secret_key);
    int same = sodium_memcmp(sk, secret_key, sizeof sk) == 0;
    sodium_memzero(sk, sizeof sk);
    if (!same) return wpk_fail(err, WPK_E_INVALID, "secret key is damaged (its two halves do not match)");
    memcpy(public_key, pk, sizeof pk);
    return WPK_OK;
}

/* The whole file into the copy. */
static int copy_file(int src, int dst, uint64_t size, const char *name, wpk_error *err)
{
    uint8_t *buf = wpk_malloc(COPY_CHUNK);
    if (!buf) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    int rc = WPK_OK;
    for (uint64_t at = 0; at < size && !rc; at += COPY_CHUNK) {
        size_t n = size - at < COPY_CHUNK ? (size_t)(size - at) : COPY_CHUNK;
        errno = 0;
        if (wpk_fd_read_at((void *)(intptr_t)src, at, buf, n) != 0)
            rc = wpk_fail(err, WPK_E_IO, "%s: cannot read it: %s", name, errno ? strerror(errno) : "short file");
        else
            rc = wpk_write_all(dst, buf, n, at, name, err);
    }
    wpk_free(buf);
    return rc;
}

/* The record signing `a` with the key pair. */
static void make_record(const wpk_signed *a, const uint8_t *sk, const uint8_t *pk, uint8_t rec[WPK2_SIG_SIZE])
{
    wpk2_signature sig;
    memset(&sig, 0, sizeof sig);
    sig.is_signed = 1;
    sig.algorithm = WPK2_SIG_ED25519;
    sig.digest = WPK2_SIG_BLAKE2B_512;
    memcpy(sig.public_key, pk, 32);
    uint8_t digest[64], msg[WPK2_SIG_MESSAGE_SIZE];
    wpk_signed_digest(a, digest);
    wpk2_signature_message(msg, &sig, digest);
    crypto_sign_ed25519_detached(sig.signature, NULL, msg, sizeof msg, sk);
    wpk2_signature_encode(rec, &sig);
}

/* The signed copy read back: its record verifies under pk, and every page
 * and block is intact. */
static int check_copy(int fd, uint64_t size, const uint8_t *pk, const char *name, wpk_error *err)
{
    wpk_signed c;
    int rc = wpk_signed_open(&c, fd, size, name, err);
    if (!rc) {
        const wpk2_section *s = c.map.of[WPK2_SEC_SIGNATURE];
        wpk2_signature sig;
        wpk2_err e;
        uint8_t digest[64], msg[WPK2_SIG_MESSAGE_SIZE];
        if (wpk2_signature_decode(c.prefix + s->offset, WPK2_SIG_SIZE, &sig, &e) != 0 || !sig.is_signed ||
            memcmp(sig.public_key, pk, 32) != 0) {
            rc = wpk_fail(err, WPK_E_CORRUPT, "%s: the signed copy reads back without its signature", name);
        } else {
            wpk_signed_digest(&c, digest);
            wpk2_signature_message(msg, &sig, digest);
            if (crypto_sign_ed25519_verify_detached(sig.signature, msg, sizeof msg, pk) != 0)
                rc = wpk_fail(err, WPK_E_CORRUPT, "%s: the signature just written does not verify", name);
        }
    }
    if (!rc) rc = wpk_signed_check_all(&c, err);
    wpk_signed_close(&c);
    return rc;
}

int wpk_sign_archive(const char *path, const uint8_t secret_key[WPK_SECRET_KEY_SIZE], wpk_error *err)
{
    if (!path || !secret_key) return wpk_fail(err, WPK_E_INVALID, "wpk_sign_archive: NULL argument");
    uint8_t pk[WPK_PUBLIC_KEY_SIZE];
    int rc = wpk_public_key_of(secret_key, pk, err);
    if (rc) return rc;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return wpk_fail(err, WPK_E_IO, "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        rc = wpk_fail(err, WPK_E_IO, "%s: %s", path, strerror(errno));
        close(fd);
        return rc;
    }
    wpk_signed a;
    uint8_t rec[WPK2_SIG_SIZE];
    rc = wpk_signed_open(&a, fd, (uint64_t)st.st_size, path, err);
    /* Nothing damaged is signed: the signature would certify it. */
    if (!rc) rc = wpk_signed_check_all(&a, err);
    if (rc == WPK_E_CORRUPT && err) {
        char why[sizeof err->message];
        memcpy(why, err->message, sizeof why);
        rc = wpk_fail(err, rc, "%s: damaged, not signed: %s", path, why);
    }
    if (!rc) make_record(&a, secret_key, pk, rec);
    uint64_t slot = rc ? 0 : a.map.of[WPK2_SEC_SIGNATURE]->offset;
    wpk_signed_close(&a);
    wpk_outfile o;
    if (!rc) rc = wpk_outfile_open(&o, path, err);
    if (!rc) {
        rc = copy_file(fd, o.fd, (uint64_t)st.st_size, path, err);
        if (!rc) rc = wpk_write_all(o.fd, rec, sizeof rec, slot, path, err);
        if (!rc) rc = check_copy(o.fd, (uint64_t)st.st_size, pk, path, err);
        if (!rc) fchmod(o.fd, st.st_mode & 07777); /* the signed archive keeps the original's permissions */
        if (!rc) rc = wpk_outfile_commit(&o, err);
        if (rc) wpk_outfile_abort(&o);
    }
    close(fd);
    return rc;
}
