/* sign.c - key pairs, and signing an archive: a copy of it with a SIGNATURE
 * section (added, or its record replaced) is written beside it, signed,
 * verified and renamed over it. Nothing changes under the archive's name
 * until the signed copy is complete. */
#include "atomic_file.h"
#include "signature_check.h" /* signing verifies what it wrote through the reader */
#include "wpk_endian.h"

#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define COPY_CHUNK (1u << 20)

int wpk_keygen(uint8_t public_key[WPK_PUBLIC_KEY_SIZE], uint8_t secret_key[WPK_SECRET_KEY_SIZE], wpk_error *err)
{
    int rc = wpk_sodium_ready(err);
    if (rc) return rc;
    crypto_sign_ed25519_keypair(public_key, secret_key);
    return WPK_OK;
}

int wpk_public_key_of(const uint8_t secret_key[WPK_SECRET_KEY_SIZE], uint8_t public_key[WPK_PUBLIC_KEY_SIZE],
                      wpk_error *err)
{
    int rc = wpk_sodium_ready(err);
    if (rc) return rc;
    /* The secret key is seed + public key: derive the pair again from the seed. */
    uint8_t pk[crypto_sign_ed25519_PUBLICKEYBYTES], sk[crypto_sign_ed25519_SECRETKEYBYTES];
    crypto_sign_ed25519_seed_keypair(pk, sk, secret_key);
    int same = sodium_memcmp(sk, secret_key, sizeof sk) == 0;
    sodium_memzero(sk, sizeof sk);
    if (!same) return wpk_fail(err, WPK_E_INVALID, "secret key is damaged (its two halves do not match)");
    memcpy(public_key, pk, sizeof pk);
    return WPK_OK;
}

/* Where the signed copy differs from the original. */
typedef struct layout {
    uint8_t head[WPK_HEADER_SIZE + (WPK_MAX_SECTIONS + 1) * WPK_SECTION_SIZE]; /* header and section table */
    size_t head_len;
    uint64_t body_from, body_to;  /* original bytes copied after head: the sections */
    uint64_t slot_offset;         /* where the record goes, in the copy */
    int append;                   /* 1: slot added after the sections */
    uint64_t file_size;
    wpk_fmt_header hdr;
} layout;

/* Plan the copy. An unsigned archive gets one more section table entry (48
 * bytes, so every section moves by 48) and the slot after the last section,
 * before the trailer. Empty sections that ended the file move past the slot,
 * so that no empty section shares the slot's offset: readers sort sections
 * by offset, and a tie would depend on their sort. */
static int plan(wpk_reader *r, layout *L, wpk_error *err)
{
    const wpk_fmt_header *h = &r->hdr;
    uint32_t n = h->section_count;
    uint64_t table_end = WPK_HEADER_SIZE + (uint64_t)n * WPK_SECTION_SIZE, end = h->file_size - WPK_TRAILER_SIZE;
    wpk_fmt_section secs[WPK_MAX_SECTIONS + 1], old;
    memset(L, 0, sizeof *L);
    L->hdr = *h;
    L->body_from = table_end;
    L->body_to = end;
    int had = wpk_sig_section(r, &old);
    if (had && (old.stored_size != WPK_SIG_RECORD_SIZE || !(old.flags & WPK_SECF_REGION)))
        return wpk_fail_at(err, WPK_E_CORRUPT, old.offset, "%s: the signature section is malformed; cannot re-sign",
                           r->name);
    if (!had && n == WPK_MAX_SECTIONS)
        return wpk_fail(err, WPK_E_LIMIT, "%s: no room for a signature section (%u sections already)", r->name, n);
    uint64_t shift = had ? 0 : WPK_SECTION_SIZE;
    for (uint32_t i = 0; i < n; i++) {
        const char *why;
        if (wpk_fmt_section_decode(r->prefix + WPK_HEADER_SIZE + (size_t)i * WPK_SECTION_SIZE, &secs[i], &why))
            return wpk_fail(err, WPK_E_CORRUPT, "%s: section %u: %s", r->name, i, why);
        secs[i].offset += shift + (!had && secs[i].offset >= end ? WPK_SIG_RECORD_SIZE : 0);
    }
    if (had) {
        L->slot_offset = old.offset;
    } else {
        L->slot_offset = end + shift;
        L->append = 1;
        secs[n++] = (wpk_fmt_section){WPK_SEC_SIGNATURE, WPK_SECF_REGION, L->slot_offset, WPK_SIG_RECORD_SIZE,
                                      WPK_SIG_RECORD_SIZE, 0, 0};
        L->hdr.section_count = n;
        L->hdr.prefix_size += shift;
        L->hdr.file_size += shift + WPK_SIG_RECORD_SIZE;
    }
    if (L->hdr.minor < WPK_MINOR_SIGNED) L->hdr.minor = WPK_MINOR_SIGNED;
    L->file_size = L->hdr.file_size;
    L->head_len = WPK_HEADER_SIZE + (size_t)n * WPK_SECTION_SIZE;
    for (uint32_t i = 0; i < n; i++) wpk_fmt_section_encode(L->head + WPK_HEADER_SIZE + i * WPK_SECTION_SIZE, &secs[i]);
    L->hdr.section_table_checksum = wpk_fmt_checksum(L->head + WPK_HEADER_SIZE, (size_t)n * WPK_SECTION_SIZE);
    wpk_fmt_header_encode(L->head, &L->hdr);
    return WPK_OK;
}

/* Write the copy with the slot zeroed: header and table, the sections, the
 * slot when appended, the trailer. */
static int write_copy(wpk_reader *r, const layout *L, int fd, const char *name, wpk_error *err)
{
    int rc = wpk_write_all(fd, L->head, L->head_len, 0, name, err);
    uint8_t *buf = rc ? NULL : wpk_malloc(COPY_CHUNK);
    if (!rc && !buf) rc = wpk_fail(err, WPK_E_NOMEM, "out of memory");
    uint64_t out = L->head_len;
    for (uint64_t at = L->body_from; !rc && at < L->body_to;) {
        size_t n = L->body_to - at < COPY_CHUNK ? (size_t)(L->body_to - at) : COPY_CHUNK;
        rc = wpk_read_exact(r, at, buf, n, "archive bytes", err);
        if (!rc) rc = wpk_write_all(fd, buf, n, out, name, err);
        at += n;
        out += n;
    }
    wpk_free(buf);
    uint8_t zero[WPK_SIG_RECORD_SIZE] = {0}, trailer[WPK_TRAILER_SIZE];
    if (!rc) rc = wpk_write_all(fd, zero, sizeof zero, L->slot_offset, name, err);
    wpk_fmt_trailer t = {L->file_size, L->hdr.checksum};
    wpk_fmt_trailer_encode(trailer, &t);
    if (!rc) rc = wpk_write_all(fd, trailer, sizeof trailer, L->file_size - WPK_TRAILER_SIZE, name, err);
    return rc;
}

static int open_copy(wpk_reader **out, int *fd, uint64_t size, const char *name, wpk_error *err)
{
    wpk_source src = {sizeof src, wpk_fd_read_at, (void *)(intptr_t)*fd, size, name, NULL};
    return wpk_reader_open_source(out, &src, NULL, err);
}

static void keep_first(void *ctx, const wpk_error *problem)
{
    wpk_error *first = ctx;
    if (!first->message[0]) *first = *problem;
}

/* Digest the copy, write the record, then check the copy as a reader would. */
static int sign_copy(int *fd, const layout *L, const uint8_t *sk, const uint8_t *pk, const char *name, wpk_error *err)
{
    wpk_reader *c;
    int rc = open_copy(&c, fd, L->file_size, name, err);
    if (rc) return rc;
    wpk_fmt_section sec = {WPK_SEC_SIGNATURE, WPK_SECF_REGION, L->slot_offset, WPK_SIG_RECORD_SIZE, WPK_SIG_RECORD_SIZE, 0, 0};
    wpk_fmt_signature sig = {WPK_SIG_ED25519, WPK_SIG_BLAKE2B_512, {0}, {0}};
    uint8_t digest[WPK_SIG_DIGEST_SIZE], msg[WPK_SIG_MESSAGE_SIZE], rec[WPK_SIG_RECORD_SIZE];
    rc = wpk_sig_digest(c, &sec, digest, err);
    wpk_reader_close(c);
    if (rc) return rc;
    memcpy(sig.public_key, pk, sizeof sig.public_key);
    wpk_fmt_signature_message(msg, &sig, digest);
    crypto_sign_ed25519_detached(sig.signature, NULL, msg, sizeof msg, sk);
    wpk_fmt_signature_encode(rec, &sig);
    if ((rc = wpk_write_all(*fd, rec, sizeof rec, L->slot_offset, name, err)) != 0) return rc;
    /* What gets published is checked end to end: structure, checksums and
     * the new signature (verify includes it). */
    if ((rc = open_copy(&c, fd, L->file_size, name, err)) != 0) return rc;
    wpk_error first = {0};
    rc = wpk_reader_verify(c, WPK_VERIFY_QUICK, keep_first, &first, NULL, err);
    wpk_reader_close(c);
    if (rc == WPK_E_CORRUPT)
        return wpk_fail(err, rc, "%s: damaged, not signed: %s", name, first.message[0] ? first.message : "verify failed");
    return rc;
}

int wpk_sign_archive(const char *path, const uint8_t secret_key[WPK_SECRET_KEY_SIZE], wpk_error *err)
{
    if (!path || !secret_key) return wpk_fail(err, WPK_E_INVALID, "wpk_sign_archive: NULL argument");
    uint8_t pk[WPK_PUBLIC_KEY_SIZE];
    int rc = wpk_public_key_of(secret_key, pk, err);
    if (rc) return rc;
    wpk_reader *r;
    if ((rc = wpk_reader_open(&r, path, NULL, err)) != 0) return rc;
    layout *L = wpk_malloc(sizeof *L);
    if (!L) {
        wpk_reader_close(r);
        return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    }
    wpk_outfile o;
    rc = plan(r, L, err);
    if (!rc) rc = wpk_outfile_open(&o, path, err);
    if (!rc) {
        rc = write_copy(r, L, o.fd, path, err);
        if (!rc) rc = sign_copy(&o.fd, L, secret_key, pk, path, err);
        struct stat st; /* the signed archive keeps the original's permissions */
        if (!rc && stat(path, &st) == 0) fchmod(o.fd, st.st_mode & 07777);
        if (!rc) rc = wpk_outfile_commit(&o, err);
        if (rc) wpk_outfile_abort(&o);
    }
    wpk_free(L);
    wpk_reader_close(r);
    return rc;
}
