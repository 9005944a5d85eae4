/* test_auth_read.c - reads with a trusted key (wpk_open_opts.trusted_key) on the witness vectors: a block or page altered with its XXH3 fixed up (and the prefix re-signed, standing for a forged XXH3) reads without the key and is refused with it, naming its offset; what the alteration does not touch still reads; unsigned and other keys are not trusted. */
#include "check.h"
#include "witness2_api.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static const char *dir;
static const json_t *manifest;
static uint8_t test_key[32], other_key[32];

static const json_t *vector(const char *kind, const char *file)
{
    size_t i;
    const json_t *v;
    json_array_foreach(json_object_get(manifest, kind), i, v)
        if (!strcmp(json_string_value(json_object_get(v, "file")), file)) return v;
    return NULL;
}

static wpk_reader *open_with(const char *file, const uint8_t *key, uint64_t block_cache, int *rc, wpk_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    wpk_open_opts o = WPK_OPEN_OPTS_INIT;
    o.trusted_key = key;
    o.block_cache_bytes = block_cache;
    wpk_reader *r = NULL;
    *rc = wpk_reader_open(&r, path, &o, err);
    return r;
}

static void sha256_hex(const void *p, size_t n, char hex[65])
{
    uint8_t sum[32];
    crypto_hash_sha256(sum, p, n);
    sodium_bin2hex(hex, 65, sum, sizeof sum);
}

/* The sha256 the manifest gives the entry at `path` of the base archive. */
static const char *base_sha(const json_t *base, const char *path)
{
    size_t i;
    const json_t *e;
    json_array_foreach(json_object_get(base, "entries"), i, e)
        if (!strcmp(json_string_value(json_object_get(e, "path")), path))
            return json_string_value(json_object_get(e, "sha256"));
    return NULL;
}

/* Read the entry at path: 0 and its sha256, or the failure. */
static int read_path(wpk_reader *r, const char *path, char hex[65], uint64_t *block_offset, wpk_error *err)
{
    wpk_entry *e = NULL;
    int rc = wpk_reader_find_by_path(r, path, &e, err);
    if (rc) return rc;
    *block_offset = e->block_offset;
    void *data = NULL;
    rc = wpk_reader_read_alloc(r, e, &data, 0, err);
    if (!rc) sha256_hex(data, e->size, hex);
    wpk_free(data);
    wpk_entry_free(e);
    return rc;
}

/* A path lookup of the base's that the alteration does not touch. */
static const char *untouched_path(const json_t *inv, const json_t *base)
{
    size_t i;
    const json_t *x;
    json_array_foreach(json_object_get(inv, "ok"), i, x) {
        const json_t *lk = json_array_get(json_object_get(base, "lookups"), (size_t)json_integer_value(x));
        const json_t *expect = json_object_get(json_object_get(lk, "expect"), "entry");
        if (!strcmp(json_string_value(json_object_get(lk, "op")), "path") && json_is_integer(expect))
            return json_string_value(json_object_get(lk, "path"));
    }
    return NULL;
}

static void block_altered(void)
{
    const json_t *inv = vector("invalid", "invalid/signed-block-altered.wpk"), *base = vector("valid", "valid/signed.wpk");
    CHECK(inv && base);
    if (!inv || !base) return;
    const json_t *fails = json_object_get(json_object_get(inv, "pubkey"), "fails");
    const char *good = untouched_path(inv, base);
    CHECK(json_array_size(fails) > 0 && good);
    if (!good) return;
    const char *want_good = base_sha(base, good);
    /* Both read paths: the block cache, and one partial decompression. */
    for (uint64_t cache = 0; cache <= WPK_BLOCK_CACHE_DEFAULT; cache += WPK_BLOCK_CACHE_DEFAULT) {
        int rc, changed = 0;
        wpk_error err;
        char hex[65];
        uint64_t at = 0, at2;
        size_t i;
        const json_t *lk;
        wpk_reader *plain = open_with("invalid/signed-block-altered.wpk", NULL, cache, &rc, &err);
        CHECK_MSG(rc == WPK_OK, "%s", err.message);
        wpk_reader *keyed = open_with("invalid/signed-block-altered.wpk", test_key, cache, &rc, &err);
        CHECK_MSG(rc == WPK_OK, "%s", err.message);
        if (!plain || !keyed) return;
        json_array_foreach(fails, i, lk) {
            const char *path = json_string_value(json_object_get(lk, "path")), *want = base_sha(base, path);
            /* Without the key the forged XXH3 passes: the block's bytes, one
             * of them altered, come back. */
            rc = read_path(plain, path, hex, &at, &err);
            CHECK_MSG(rc == WPK_OK && want, "%s without the key: %s", path, err.message);
            changed += !rc && want && strcmp(hex, want) != 0;
            /* With it the block's BLAKE2b is checked before use, twice: not
             * served from a cache the first attempt filled. */
            char where[64];
            snprintf(where, sizeof where, "offset %llu", (unsigned long long)at);
            for (int again = 0; again < 2; again++) {
                rc = read_path(keyed, path, hex, &at2, &err);
                CHECK_MSG(rc == WPK_E_CORRUPT && err.has_offset && err.offset == at && strstr(err.message, where) &&
                              strstr(err.message, "BLAKE2b"),
                          "%s with the key: rc %d: %s", path, rc, err.message);
            }
        }
        CHECK_MSG(changed == 1, "%d entries read altered without the key", changed);
        rc = read_path(keyed, good, hex, &at2, &err);
        CHECK_MSG(rc == WPK_OK && want_good && !strcmp(hex, want_good), "%s with the key: %s", good,
                  rc ? err.message : hex);
        wpk_reader_close(plain);
        wpk_reader_close(keyed);
    }
}

typedef struct first { int n; } first;
static int count_match(void *ctx, const char *title, int kind, uint64_t entry)
{
    (void)title, (void)kind, (void)entry;
    ((first *)ctx)->n++;
    return 0;
}

static void page_altered(void)
{
    const json_t *inv = vector("invalid", "invalid/signed-page-blake2b.wpk"), *base = vector("valid", "valid/signed.wpk");
    CHECK(inv && base);
    if (!inv || !base) return;
    const json_t *lk = json_array_get(json_object_get(json_object_get(inv, "pubkey"), "fails"), 0);
    const char *query = json_string_value(json_object_get(lk, "query")), *good = untouched_path(inv, base);
    CHECK(query && good);
    if (!query || !good) return;
    int rc;
    wpk_error err;
    wpk_match_level level;
    first f = {0};
    wpk_reader *r = open_with("invalid/signed-page-blake2b.wpk", NULL, WPK_BLOCK_CACHE_DEFAULT, &rc, &err);
    CHECK_MSG(rc == WPK_OK, "%s", err.message);
    rc = wpk_reader_match_title(r, query, count_match, &f, &level, &err);
    CHECK_MSG(rc == WPK_OK && f.n >= 1, "\"%s\" without the key: %s", query, err.message);
    wpk_reader_close(r);
    r = open_with("invalid/signed-page-blake2b.wpk", test_key, WPK_BLOCK_CACHE_DEFAULT, &rc, &err);
    CHECK_MSG(rc == WPK_OK, "%s", err.message);
    for (int again = 0; again < 2; again++) {
        rc = wpk_reader_match_title(r, query, count_match, &f, &level, &err);
        CHECK_MSG(rc == WPK_E_CORRUPT && err.has_offset && strstr(err.message, "BLAKE2b") && strstr(err.message, "offset"),
                  "\"%s\" with the key: rc %d: %s", query, rc, err.message);
    }
    char hex[65];
    uint64_t at;
    rc = read_path(r, good, hex, &at, &err);
    CHECK_MSG(rc == WPK_OK && !strcmp(hex, base_sha(base, good)), "%s with the key: %s", good, rc ? err.message : hex);
    wpk_reader_close(r);
}

static void keys(void)
{
    int rc;
    wpk_error err;
    wpk_reader *r = open_with("valid/signed.wpk", test_key, 0, &rc, &err);
    CHECK_MSG(rc == WPK_OK, "%s", err.message);
    CHECK(wpk_reader_check_signature(r, NULL, &err) == WPK_OK);
    CHECK(wpk_reader_check_signature(r, test_key, &err) == WPK_OK);
    CHECK(wpk_reader_check_signature(r, other_key, &err) == WPK_E_UNTRUSTED);
    wpk_signature_info sig;
    CHECK(wpk_reader_signature(r, &sig, &err) == WPK_OK && !memcmp(sig.public_key, test_key, 32));
    wpk_reader_close(r);
    r = open_with("valid/signed.wpk", other_key, 0, &rc, &err);
    CHECK_MSG(rc == WPK_E_UNTRUSTED && !r, "signed.wpk with another key: rc %d: %s", rc, err.message);
    r = open_with("valid/rich.wpk", test_key, 0, &rc, &err);
    CHECK_MSG(rc == WPK_E_UNTRUSTED && !r && strstr(err.message, "not signed"), "rich.wpk with a key: rc %d: %s", rc,
              err.message);
    r = open_with("valid/rich.wpk", NULL, 0, &rc, &err);
    CHECK(rc == WPK_OK);
    CHECK(wpk_reader_check_signature(r, NULL, &err) == WPK_E_NOTFOUND);
    CHECK(wpk_reader_signature(r, &sig, &err) == WPK_E_NOTFOUND);
    wpk_reader_close(r);
    CHECK(strcmp(wpk_strerror(WPK_E_UNTRUSTED), "unknown error") != 0);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s WITNESS_DIR (the output of make_witness.py)\n", argv[0]);
        return 2;
    }
    if (sodium_init() < 0) return 1;
    dir = argv[1];
    size_t n;
    uint8_t *mb = w2_load(dir, "manifest.json", &n);
    json_error_t jerr;
    json_t *man = mb ? json_loadb((const char *)mb, n, 0, &jerr) : NULL;
    free(mb);
    if (!man) {
        fprintf(stderr, "%s: no readable manifest.json in %s\n", argv[0], dir);
        return 2;
    }
    manifest = man;
    const json_t *k = json_object_get(man, "keys");
    const char *t = json_string_value(json_object_get(k, "test")), *o = json_string_value(json_object_get(k, "other"));
    sodium_hex2bin(test_key, 32, t, strlen(t), NULL, NULL, NULL);
    sodium_hex2bin(other_key, 32, o, strlen(o), NULL, NULL, NULL);
    block_altered();
    page_altered();
    keys();
    json_decref(man);
    return check_summary();
}
