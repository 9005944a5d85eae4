/* test_signature.c - signed archives (format 1.2).
 *
 * Sign, re-sign with another key, check against the right and the wrong
 * key; every byte of a small signed archive changed (two ways) makes both
 * verification and the check against the signer's key fail; a reader that
 * does not know the SIGNATURE section (simulated by renumbering it to an
 * unknown type) still reads and verifies a signed archive; signing a
 * damaged archive, or with a damaged key, leaves the original untouched. */
#include "check.h"
#include "wikipack.h"
#include "wpk_endian.h"
#include "wpk_format.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[4096];

static const char *at(const char *name)
{
    static char buf[2][4200];
    static int k;
    k ^= 1;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static int write_archive(const char *path, unsigned n_entries)
{
    wpk_write_opts o = WPK_WRITE_OPTS_INIT;
    o.block_size = 1024;
    o.page_size = 256;
    o.level = 3;
    o.threads = 1;
    wpk_writer *w;
    wpk_error err;
    if (wpk_writer_create(&w, path, &o, &err)) return -1;
    char body[200], p[64], title[64];
    for (unsigned i = 0; i < n_entries; i++) {
        int n = snprintf(body, sizeof body, "# Entry %u\n\nText of entry %u.\n", i, i);
        snprintf(p, sizeof p, "d%u/entry-%02u.md", i % 2, i);
        snprintf(title, sizeof title, "Entry %u", i);
        wpk_entry m = WPK_ENTRY_INIT;
        m.path = p;
        m.title = title;
        m.page_id = 100 + i;
        m.has_page_id = 1;
        if (wpk_writer_add(w, &m, body, (size_t)n, &err)) break;
    }
    int rc = wpk_writer_finish(w, NULL, &err);
    wpk_writer_free(w);
    return rc;
}

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc(*len ? *len : 1);
    if (fread(buf, 1, *len, f) != *len) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

static int spill(const char *path, const uint8_t *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    int ok = fwrite(p, 1, n, f) == n;
    return fclose(f) == 0 && ok ? 0 : -1;
}

static int count_files(void)
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d)) != NULL;)
        if (e->d_name[0] != '.' || (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))) n++;
    if (d) closedir(d);
    return n;
}

/* Open in memory and check the signature (against key, or any signer). */
static int check_mem(const uint8_t *p, size_t n, const uint8_t *key)
{
    wpk_reader *r;
    int rc = wpk_reader_open_memory(&r, p, n, NULL, NULL);
    if (rc) return rc;
    rc = wpk_reader_check_signature(r, key, NULL);
    wpk_reader_close(r);
    return rc;
}

static int verify_mem(const uint8_t *p, size_t n, wpk_verify_level level)
{
    wpk_reader *r;
    int rc = wpk_reader_open_memory(&r, p, n, NULL, NULL);
    if (rc) return rc;
    rc = wpk_reader_verify(r, level, NULL, NULL, NULL, NULL);
    wpk_reader_close(r);
    return rc;
}

static int count_entry(void *ctx, const wpk_entry *e)
{
    (void)e;
    ++*(unsigned *)ctx;
    return 0;
}

/* What a reader without SIGNATURE support sees: the section renumbered to
 * an unknown optional type, every checksum fixed up. */
static void as_unknown_section(uint8_t *p, size_t n)
{
    uint32_t count = wpk_le32(p + 72);
    for (uint32_t i = 0; i < count; i++)
        if (wpk_le32(p + WPK_HEADER_SIZE + i * WPK_SECTION_SIZE) == WPK_SEC_SIGNATURE)
            wpk_put32(p + WPK_HEADER_SIZE + i * WPK_SECTION_SIZE, 100);
    wpk_put64(p + 88, wpk_fmt_checksum(p + WPK_HEADER_SIZE, (size_t)count * WPK_SECTION_SIZE));
    wpk_put64(p + 120, wpk_fmt_checksum(p, 120));
    memcpy(p + n - 16, p + 120, 8);
    wpk_put64(p + n - 8, wpk_fmt_checksum(p + n - 32, 24));
}

static void test_round_trip(const uint8_t *pk1, const uint8_t *sk1, const uint8_t *pk2, const uint8_t *sk2)
{
    const char *path = at("a.wpk");
    wpk_error err;
    CHECK(write_archive(path, 12) == 0);
    size_t n0, n1, n2;
    uint8_t *plain = slurp(path, &n0);
    CHECK(plain && check_mem(plain, n0, NULL) == WPK_E_NOTFOUND);
    CHECK(plain && check_mem(plain, n0, pk1) == WPK_E_NOTFOUND);

    CHECK_MSG(wpk_sign_archive(path, sk1, &err) == 0, "%s", err.message);
    uint8_t *s1 = slurp(path, &n1);
    CHECK(s1 && n1 == n0 + WPK_SECTION_SIZE + WPK_SIG_RECORD_SIZE);
    CHECK(s1 && wpk_le16(s1 + 10) == 2);                       /* minor version 1.2 */
    CHECK(s1 && check_mem(s1, n1, NULL) == 0);
    CHECK(s1 && check_mem(s1, n1, pk1) == 0);
    CHECK(s1 && check_mem(s1, n1, pk2) == WPK_E_CORRUPT);
    CHECK(s1 && verify_mem(s1, n1, WPK_VERIFY_FULL) == 0);

    wpk_reader *r;
    wpk_signature_info info;
    CHECK(wpk_reader_open(&r, path, NULL, &err) == 0);
    CHECK(wpk_reader_signature(r, &info, &err) == 0 && memcmp(info.public_key, pk1, 32) == 0);
    CHECK(wpk_reader_check_signature(r, pk2, &err) == WPK_E_CORRUPT && strstr(err.message, "signed by a different key"));
    wpk_reader_close(r);

    /* Readers that skip the section still read and verify everything. */
    uint8_t *old = malloc(n1);
    memcpy(old, s1, n1);
    as_unknown_section(old, n1);
    unsigned entries = 0;
    CHECK(wpk_reader_open_memory(&r, old, n1, NULL, &err) == 0);
    if (r) {
        CHECK(wpk_reader_verify(r, WPK_VERIFY_FULL, NULL, NULL, NULL, &err) == 0);
        CHECK(wpk_reader_foreach(r, count_entry, &entries, &err) == 0 && entries == 12);
        wpk_entry *e;
        CHECK(wpk_reader_find_by_id(r, 105, &e, &err) == 0);
        wpk_entry_free(e);
        CHECK(wpk_reader_check_signature(r, NULL, &err) == WPK_E_NOTFOUND);
        wpk_reader_close(r);
    }
    free(old);

    /* Re-signing replaces the record, nothing else moves. */
    CHECK_MSG(wpk_sign_archive(path, sk2, &err) == 0, "%s", err.message);
    uint8_t *s2 = slurp(path, &n2);
    CHECK(s2 && n2 == n1 && memcmp(s1, s2, n1 - WPK_TRAILER_SIZE - WPK_SIG_RECORD_SIZE) == 0);
    CHECK(s2 && check_mem(s2, n2, pk2) == 0 && check_mem(s2, n2, pk1) == WPK_E_CORRUPT);
    CHECK(count_files() == 1); /* no temporary file left */
    free(plain);
    free(s1);
    free(s2);
}

/* Every byte changed, by one bit and by all eight: verify and the check
 * against the signer's key both fail. */
static void test_every_byte(const uint8_t *pk, const uint8_t *sk)
{
    const char *path = at("sweep.wpk");
    wpk_error err;
    CHECK(write_archive(path, 3) == 0);
    CHECK_MSG(wpk_sign_archive(path, sk, &err) == 0, "%s", err.message);
    size_t n;
    uint8_t *p = slurp(path, &n);
    if (!p) return;
    unsigned verify_missed = 0, check_missed = 0;
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < 2; k++) {
            uint8_t keep = p[i];
            p[i] ^= k ? 0xFF : 0x01;
            if (verify_mem(p, n, WPK_VERIFY_QUICK) == 0) {
                if (verify_missed++ < 5) fprintf(stderr, "verify missed a change at byte %zu\n", i);
            }
            if (check_mem(p, n, pk) == 0) {
                if (check_missed++ < 5) fprintf(stderr, "signature check missed a change at byte %zu\n", i);
            }
            p[i] = keep;
        }
    CHECK_MSG(verify_missed == 0, "%u changes passed verify", verify_missed);
    CHECK_MSG(check_missed == 0, "%u changes passed the signature check", check_missed);
    CHECK(check_mem(p, n, pk) == 0);
    printf("sweep: %zu bytes, each changed two ways\n", n);
    free(p);
    remove(path);
}

/* A failed signing leaves the archive as it was. */
static void test_atomic(const uint8_t *sk)
{
    const char *path = at("b.wpk");
    wpk_error err;
    CHECK(write_archive(path, 5) == 0);
    size_t n, m;
    uint8_t *before = slurp(path, &n);
    if (!before) return;

    uint8_t bad_key[WPK_SECRET_KEY_SIZE];
    memcpy(bad_key, sk, sizeof bad_key);
    bad_key[40] ^= 1; /* the public half no longer matches the seed */
    CHECK(wpk_sign_archive(path, bad_key, &err) == WPK_E_INVALID);

    uint8_t *damaged = malloc(n);
    memcpy(damaged, before, n);
    damaged[n - WPK_TRAILER_SIZE - 3] ^= 0x10; /* inside the last block */
    CHECK(spill(path, damaged, n) == 0);
    CHECK(wpk_sign_archive(path, sk, &err) == WPK_E_CORRUPT && strstr(err.message, "not signed"));
    uint8_t *after = slurp(path, &m);
    CHECK(after && m == n && memcmp(after, damaged, n) == 0);
    CHECK(count_files() == 2);
    free(after);

    CHECK(spill(path, (const uint8_t *)"not an archive", 14) == 0);
    CHECK(wpk_sign_archive(path, sk, &err) == WPK_E_FORMAT);
    CHECK(count_files() == 2);
    free(before);
    free(damaged);
    remove(path);
}

/* An empty archive ends with empty regions: they move past the signature. */
static void test_empty(const uint8_t *pk, const uint8_t *sk)
{
    const char *path = at("empty.wpk");
    wpk_error err;
    CHECK(write_archive(path, 0) == 0);
    CHECK_MSG(wpk_sign_archive(path, sk, &err) == 0, "%s", err.message);
    size_t n;
    uint8_t *p = slurp(path, &n);
    CHECK(p && check_mem(p, n, pk) == 0 && verify_mem(p, n, WPK_VERIFY_FULL) == 0);
    free(p);
    remove(path);
}

int main(int argc, char **argv)
{
    snprintf(dir, sizeof dir, "%s/signature-scratch", argc > 1 ? argv[1] : ".");
    mkdir(dir, 0700);
    uint8_t pk1[WPK_PUBLIC_KEY_SIZE], sk1[WPK_SECRET_KEY_SIZE], pk2[WPK_PUBLIC_KEY_SIZE], sk2[WPK_SECRET_KEY_SIZE];
    uint8_t pk[WPK_PUBLIC_KEY_SIZE];
    CHECK(wpk_keygen(pk1, sk1, NULL) == 0 && wpk_keygen(pk2, sk2, NULL) == 0);
    CHECK(memcmp(pk1, pk2, sizeof pk1) != 0);
    CHECK(wpk_public_key_of(sk1, pk, NULL) == 0 && memcmp(pk, pk1, sizeof pk) == 0);
    test_round_trip(pk1, sk1, pk2, sk2);
    test_atomic(sk1);
    test_empty(pk1, sk1);
    test_every_byte(pk1, sk1);
    remove(at("a.wpk"));
    rmdir(dir);
    return check_summary();
}
