/* test_signature.c - signed archives (format 2.0).
 *
 * Sign, re-sign with another key, check against the right and the wrong
 * key; signing writes the 160 bytes of the SIGNATURE record in place and
 * nothing else; every byte of a small signed archive changed (two ways)
 * makes both verification and a read trusting the signer's key fail (the
 * signature covers the prefix, the prefix names every page and block by
 * its BLAKE2b-256); a reader given no key reads a signed archive like any
 * other; signing a damaged archive, or with a damaged key, leaves the
 * original untouched. */
#include "check.h"
#include "wikipack.h"
#include "wpk2_layout.h"

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

static int read_each(void *ctx, const wpk_entry *e)
{
    void *data = NULL;
    int rc = wpk_reader_read_alloc(ctx, e, &data, 0, NULL);
    wpk_free(data);
    return rc ? rc : 0;
}

/* What a reader trusting `key` makes of the archive: it opens (checking
 * the signature over the prefix), then every entry page, block, title page
 * and ID page is read, each checked against the BLAKE2b-256 that names it.
 * 0 when everything passed; n_entries as write_archive made them. */
static int trusted_read(const uint8_t *p, size_t n, const uint8_t *key, unsigned n_entries)
{
    wpk_reader *r;
    wpk_open_opts o = WPK_OPEN_OPTS_INIT;
    o.trusted_key = key;
    int rc = wpk_reader_open_memory(&r, p, n, &o, NULL);
    if (rc) return rc;
    rc = wpk_reader_check_signature(r, key, NULL);
    if (!rc) rc = wpk_reader_foreach(r, read_each, r, NULL);
    for (unsigned i = 0; i < n_entries && !rc; i++) {
        char title[64];
        snprintf(title, sizeof title, "Entry %u", i);
        wpk_entry *e = NULL;
        rc = wpk_reader_find_by_title(r, title, &e, NULL);
        wpk_entry_free(e);
        if (!rc) rc = wpk_reader_find_by_id(r, 100 + i, &e, NULL);
        wpk_entry_free(e);
    }
    /* The search index's pages: a query reads those of its words. */
    wpk_search_results *res = NULL;
    if (!rc && wpk_reader_has_search(r)) rc = wpk_reader_search(r, "entry text", NULL, &res, NULL);
    wpk_search_results_free(res);
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

/* The SIGNATURE section of an archive in memory (all zero when absent). */
static wpk2_section sig_section(const uint8_t *p, size_t n)
{
    w2_layout a;
    wpk2_section none;
    memset(&none, 0, sizeof none);
    return p && w2_open(&a, p, n) == 0 ? w2_section(&a, WPK2_SEC_SIGNATURE) : none;
}

/* 1 when a and b (n bytes each) differ only inside the record at sig. */
static int same_but_record(const uint8_t *a, const uint8_t *b, size_t n, const wpk2_section *sig)
{
    size_t at = (size_t)sig->offset, end = at + WPK2_SIG_SIZE;
    return sig->stored_size == WPK2_SIG_SIZE && end <= n && memcmp(a, b, at) == 0 && memcmp(a + end, b + end, n - end) == 0;
}

static int all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i]) return 0;
    return 1;
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
    /* Every 2.0 archive has the record, all zero until signed; a reader
     * trusting a key refuses an unsigned archive as not trusted. */
    wpk2_section sig = sig_section(plain, n0);
    CHECK(plain && sig.stored_size == WPK2_SIG_SIZE && all_zero(plain + sig.offset, WPK2_SIG_SIZE));
    CHECK(plain && trusted_read(plain, n0, pk1, 12) == WPK_E_UNTRUSTED);

    CHECK_MSG(wpk_sign_archive(path, sk1, &err) == 0, "%s", err.message);
    uint8_t *s1 = slurp(path, &n1);
    /* Signing writes the record in place: nothing else changes or moves. */
    CHECK(s1 && n1 == n0 && same_but_record(plain, s1, n0, &sig) && !all_zero(s1 + sig.offset, WPK2_SIG_SIZE));
    CHECK(s1 && plain && !memcmp(s1 + 8, plain + 8, 4)); /* still the format version it was written in */
    CHECK(s1 && check_mem(s1, n1, NULL) == 0);
    CHECK(s1 && check_mem(s1, n1, pk1) == 0);
    CHECK(s1 && check_mem(s1, n1, pk2) == WPK_E_UNTRUSTED);
    CHECK(s1 && trusted_read(s1, n1, pk1, 12) == 0);
    CHECK(s1 && trusted_read(s1, n1, pk2, 12) == WPK_E_UNTRUSTED);
    CHECK(s1 && verify_mem(s1, n1, WPK_VERIFY_FULL) == 0);

    wpk_reader *r;
    wpk_signature_info info;
    CHECK(wpk_reader_open(&r, path, NULL, &err) == 0);
    CHECK(wpk_reader_signature(r, &info, &err) == 0 && memcmp(info.public_key, pk1, 32) == 0);
    CHECK(wpk_reader_check_signature(r, pk2, &err) == WPK_E_UNTRUSTED && strstr(err.message, "signed by another key"));
    wpk_reader_close(r);

    /* A reader given no key reads and verifies a signed archive like any
     * other. (1.x renumbered the section to an unknown type here, for
     * readers older than signatures; SIGNATURE is a required section of
     * 2.0 that every reader knows.) */
    unsigned entries = 0;
    CHECK(s1 && wpk_reader_open_memory(&r, s1, n1, NULL, &err) == 0);
    if (s1 && r) {
        CHECK(wpk_reader_verify(r, WPK_VERIFY_FULL, NULL, NULL, NULL, &err) == 0);
        CHECK(wpk_reader_foreach(r, count_entry, &entries, &err) == 0 && entries == 12);
        wpk_entry *e;
        CHECK(wpk_reader_find_by_id(r, 105, &e, &err) == 0);
        wpk_entry_free(e);
        wpk_reader_close(r);
    }
    /* A record well formed but not matching (a byte of the signature
     * changed): a reader given no key need not look at it and reads on;
     * checking the signature and verify report it. */
    uint8_t *forged = malloc(n1);
    if (s1 && forged) {
        memcpy(forged, s1, n1);
        forged[sig.offset + 100] ^= 1;
        entries = 0;
        CHECK(wpk_reader_open_memory(&r, forged, n1, NULL, &err) == 0);
        if (r) {
            CHECK(wpk_reader_foreach(r, count_entry, &entries, &err) == 0 && entries == 12);
            CHECK(wpk_reader_check_signature(r, NULL, &err) == WPK_E_CORRUPT && strstr(err.message, "does not match"));
            CHECK(wpk_reader_verify(r, WPK_VERIFY_QUICK, NULL, NULL, NULL, &err) == WPK_E_CORRUPT);
            wpk_reader_close(r);
        }
        CHECK(trusted_read(forged, n1, pk1, 12) == WPK_E_CORRUPT);
    }
    free(forged);

    /* Re-signing replaces the record, nothing else changes. */
    CHECK_MSG(wpk_sign_archive(path, sk2, &err) == 0, "%s", err.message);
    uint8_t *s2 = slurp(path, &n2);
    CHECK(s1 && s2 && n2 == n1 && same_but_record(s1, s2, n1, &sig) && memcmp(s1, s2, n1) != 0);
    CHECK(s2 && check_mem(s2, n2, pk2) == 0 && check_mem(s2, n2, pk1) == WPK_E_UNTRUSTED);
    CHECK(s2 && trusted_read(s2, n2, pk2, 12) == 0);
    CHECK(count_files() == 1); /* no temporary file left */
    free(plain);
    free(s1);
    free(s2);
}

/* Every byte changed, by one bit and by all eight: verify and a read
 * trusting the signer's key both fail. */
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
            if (trusted_read(p, n, pk, 3) == 0) {
                if (check_missed++ < 5) fprintf(stderr, "a trusted read missed a change at byte %zu\n", i);
            }
            p[i] = keep;
        }
    CHECK_MSG(verify_missed == 0, "%u changes passed verify", verify_missed);
    CHECK_MSG(check_missed == 0, "%u changes passed a trusted read", check_missed);
    CHECK(trusted_read(p, n, pk, 3) == 0);
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
    w2_layout lay;
    wpk2_section data;
    memset(&data, 0, sizeof data);
    if (w2_open(&lay, before, n) == 0) data = w2_section(&lay, WPK2_SEC_DATA);
    CHECK(data.stored_size > 3);
    damaged[data.offset + data.stored_size - 3] ^= 0x10; /* inside the last block */
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

/* An empty archive (empty regions, at the end of the file) is signed like
 * any other: its record written in place. */
static void test_empty(const uint8_t *pk, const uint8_t *sk)
{
    const char *path = at("empty.wpk");
    wpk_error err;
    CHECK(write_archive(path, 0) == 0);
    size_t n0, n;
    uint8_t *plain = slurp(path, &n0);
    CHECK_MSG(wpk_sign_archive(path, sk, &err) == 0, "%s", err.message);
    uint8_t *p = slurp(path, &n);
    wpk2_section sig = sig_section(p, n);
    CHECK(p && plain && n == n0 && same_but_record(plain, p, n, &sig));
    CHECK(p && check_mem(p, n, pk) == 0 && trusted_read(p, n, pk, 0) == 0 && verify_mem(p, n, WPK_VERIFY_FULL) == 0);
    free(plain);
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
