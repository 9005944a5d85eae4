/* test_witness2.c - the library's reader against the format 2.0 witness vectors (spec/vectors/witness), through the public API: every valid archive reads as the manifest says, every invalid one fails where and how it says, with and without the signer's key. */
#include "witness2_api.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *dir;
static int checks, failures, opener;

static void bad(const char *file, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void bad(const char *file, const char *fmt, ...)
{
    failures++;
    printf("FAIL %s: ", file);
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

static char *show(const json_t *j) { return j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY) : strdup("(none)"); }

typedef struct vec { const char *file; char path[4096]; uint8_t *d; size_t n; } vec;

/* Each open uses the next of the three openers: all of them read every vector. */
static int fresh(vec *v, const uint8_t *key, wpk_reader **r, wpk_error *err)
{
    return w2_open(r, opener++ % 3, v->path, v->d, v->n, key, err);
}

/* A lookup on a fresh open; its result (NULL on failure, *cls and err set). */
static json_t *fresh_lookup(vec *v, const uint8_t *key, const json_t *lk, int *cls, wpk_error *err)
{
    wpk_reader *r = NULL;
    json_t *out = NULL;
    *cls = fresh(v, key, &r, err);
    if (!*cls) out = w2_lookup(r, lk, cls, err);
    wpk_reader_close(r);
    return out;
}

static int fresh_verify(vec *v, const uint8_t *key, wpk_error *err)
{
    wpk_reader *r = NULL;
    int cls = fresh(v, key, &r, err);
    if (!cls) cls = w2_class_of_code(wpk_reader_verify(r, WPK_VERIFY_FULL, NULL, NULL, NULL, err));
    wpk_reader_close(r);
    return cls;
}

static void check_lookup(vec *v, const uint8_t *key, const json_t *lk, const json_t *expect)
{
    int cls;
    wpk_error err;
    json_t *got = fresh_lookup(v, key, lk, &cls, &err);
    checks++;
    if (cls || !json_equal(got, expect)) {
        char *l = show(lk), *g = show(got), *x = show(expect);
        bad(v->file, "lookup %s%s gave %s%s%s, expected %s", l, key ? " with the key" : "", cls ? w2_class_name(cls) : g,
            cls ? ": " : "", cls ? err.message : "", x);
        free(l), free(g), free(x);
    }
    json_decref(got);
}

static void check_fails(vec *v, const uint8_t *key, const json_t *lk, int want)
{
    int cls;
    wpk_error err;
    json_t *got = fresh_lookup(v, key, lk, &cls, &err);
    checks++;
    if (cls != want) {
        char *l = show(lk), *g = show(got);
        bad(v->file, "lookup %s%s gave %s (%s), expected failure %s", l, key ? " with the key" : "", w2_class_name(cls),
            cls ? err.message : g, w2_class_name(want));
        free(l), free(g);
    }
    json_decref(got);
}

static int load(vec *v, const json_t *m)
{
    v->file = json_string_value(json_object_get(m, "file"));
    snprintf(v->path, sizeof v->path, "%s/%s", dir, v->file);
    v->d = w2_load(dir, v->file, &v->n);
    if (!v->d) bad(v->file, "cannot read it");
    return v->d != NULL;
}

static void check_header(vec *v, wpk_reader *r, const json_t *m)
{
    wpk_archive_info in = WPK_ARCHIVE_INFO_INIT;
    wpk_reader_info(r, &in);
    const json_t *h = json_object_get(m, "header");
    /* prefix_size is not shown by the public API. */
    json_t *want = json_deep_copy(h);
    json_object_del(want, "prefix_size");
    json_t *got = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I}", "entry_count", (json_int_t)in.entry_count, "block_count",
                            (json_int_t)in.block_count, "wiki_count", (json_int_t)in.wiki_count, "content_bytes",
                            (json_int_t)in.content_bytes, "unique_bytes", (json_int_t)in.unique_bytes, "file_size",
                            (json_int_t)in.file_size);
    checks++;
    if (!json_equal(got, want) || in.version_major != 2) {
        char *g = show(got), *w = show(want);
        bad(v->file, "info gave %s (format %u.%u), expected %s", g, in.version_major, in.version_minor, w);
        free(g), free(w);
    }
    json_decref(got);
    json_decref(want);
    got = w2_wikis(r);
    checks++;
    if (!json_equal(got, json_object_get(m, "wikis"))) {
        char *g = show(got);
        bad(v->file, "wikis gave %s", g);
        free(g);
    }
    json_decref(got);
}

static void check_valid(const json_t *m, const uint8_t *key)
{
    vec v;
    if (!load(&v, m)) return;
    wpk_reader *r = NULL;
    wpk_error err;
    int cls = fresh(&v, key, &r, &err);
    checks++;
    if (cls) {
        bad(v.file, "open%s: %s: %s", key ? " with the key" : "", w2_class_name(cls), err.message);
        free(v.d);
        return;
    }
    check_header(&v, r, m);
    size_t i;
    const json_t *x;
    json_array_foreach(json_object_get(m, "entries"), i, x) {
        json_t *got = w2_entry_record(r, i, &cls, &err), *want = w2_comparable(x);
        checks++;
        if (cls || !json_equal(got, want)) {
            char *g = show(got), *w = show(want);
            bad(v.file, "entry %zu gave %s, expected %s", i, cls ? err.message : g, w);
            free(g), free(w);
        }
        json_decref(got);
        json_decref(want);
    }
    /* Warm: an entry read again decodes no page (the entry cache holds it,
     * or the page cache its page decoded). */
    wpk_cache_stats before = WPK_CACHE_STATS_INIT, after = WPK_CACHE_STATS_INIT;
    wpk_reader_cache_stats(r, &before);
    json_t *again = json_array_size(json_object_get(m, "entries")) ? w2_entry_record(r, 0, &cls, &err) : NULL;
    wpk_reader_cache_stats(r, &after);
    checks++;
    if (again && (after.page_misses != before.page_misses ||
                  after.page_hits + after.entry_hits <= before.page_hits + before.entry_hits))
        bad(v.file, "entry 0 read again: %llu page misses more, %llu page and %llu entry hits more",
            (unsigned long long)(after.page_misses - before.page_misses),
            (unsigned long long)(after.page_hits - before.page_hits),
            (unsigned long long)(after.entry_hits - before.entry_hits));
    if (again) { /* and as it was the first time (the entry cache's copy) */
        json_t *want = w2_comparable(json_array_get(json_object_get(m, "entries"), 0));
        checks++;
        if (!json_equal(again, want)) bad(v.file, "entry 0 read again differs from the first read");
        json_decref(want);
    }
    json_decref(again);
    /* Past the last entry: not found, not a failure. */
    wpk_entry *none = NULL;
    checks++;
    if (wpk_reader_entry_at(r, json_array_size(json_object_get(m, "entries")), &none, &err) != WPK_E_NOTFOUND)
        bad(v.file, "entry_at past the last entry did not say not found");
    wpk_reader_close(r);
    json_array_foreach(json_object_get(m, "lookups"), i, x) check_lookup(&v, key, x, json_object_get(x, "expect"));
    cls = fresh_verify(&v, key, &err);
    checks++;
    if (cls) bad(v.file, "verify%s: %s: %s", key ? " with the key" : "", w2_class_name(cls), err.message);
    free(v.d);
}

static void check_invalid(const json_t *m, const json_t *base, const json_t *keys)
{
    vec v;
    if (!load(&v, m)) return;
    const char *outcome = json_string_value(json_object_get(m, "outcome"));
    int error = w2_class_of(json_string_value(json_object_get(m, "error")));
    wpk_reader *r = NULL;
    wpk_error err;
    int cls = fresh(&v, NULL, &r, &err);
    wpk_reader_close(r);
    checks++;
    if (getenv("WIT2_VERBOSE")) printf("%s: open: %s %s\n", v.file, w2_class_name(cls), err.message);
    if (!strcmp(outcome, "open")) {
        if (cls != error) bad(v.file, "open gave %s (%s), expected %s", w2_class_name(cls), err.message, w2_class_name(error));
        free(v.d);
        return;
    }
    if (cls) {
        bad(v.file, "open failed (%s: %s), expected %s", w2_class_name(cls), err.message, outcome);
        free(v.d);
        return;
    }
    size_t i;
    const json_t *x;
    if (!strcmp(outcome, "first-use") || !strcmp(outcome, "lookup"))
        json_array_foreach(json_object_get(m, "fails"), i, x) check_fails(&v, NULL, x, error);
    const json_t *base_lookups = json_object_get(base, "lookups");
    json_array_foreach(json_object_get(m, "ok"), i, x) {
        const json_t *lk = json_array_get(base_lookups, (size_t)json_integer_value(x));
        check_lookup(&v, NULL, lk, json_object_get(lk, "expect"));
    }
    /* Plain verify: fails with the error (false), or passes (true: the
     * archive is only not trusted by the key). */
    const json_t *vf = json_object_get(m, "verify");
    const json_t *pk = json_object_get(m, "pubkey");
    int verr = pk ? w2_class_of(json_string_value(json_object_get(pk, "error"))) : error;
    cls = fresh_verify(&v, NULL, &err);
    checks++;
    if (json_is_false(vf) && cls != verr)
        bad(v.file, "verify gave %s (%s), expected %s", w2_class_name(cls), err.message, w2_class_name(verr));
    if (json_is_true(vf) && cls) bad(v.file, "verify gave %s (%s), expected it to pass", w2_class_name(cls), err.message);
    if (getenv("WIT2_VERBOSE")) printf("%s: verify: %s %s\n", v.file, w2_class_name(cls), err.message);
    if (!pk) {
        free(v.d);
        return;
    }
    uint8_t key[32];
    const char *hex = json_string_value(json_object_get(keys, json_string_value(json_object_get(pk, "key"))));
    sodium_hex2bin(key, 32, hex, strlen(hex), NULL, NULL, NULL);
    const json_t *popen = json_object_get(pk, "open");
    cls = fresh(&v, key, &r, &err);
    wpk_reader_close(r);
    checks++;
    if (json_is_string(popen)) {
        int want = w2_class_of(json_string_value(popen));
        if (cls != want)
            bad(v.file, "open with the key gave %s (%s), expected %s", w2_class_name(cls), err.message, w2_class_name(want));
        free(v.d);
        return;
    }
    if (cls) {
        bad(v.file, "open with the key failed: %s: %s", w2_class_name(cls), err.message);
        free(v.d);
        return;
    }
    json_array_foreach(json_object_get(pk, "fails"), i, x) check_fails(&v, key, x, verr);
    /* What the alteration does not touch still reads with the key. */
    json_array_foreach(json_object_get(m, "ok"), i, x) {
        const json_t *lk = json_array_get(base_lookups, (size_t)json_integer_value(x));
        check_lookup(&v, key, lk, json_object_get(lk, "expect"));
    }
    cls = fresh_verify(&v, key, &err);
    checks++;
    if (cls != verr)
        bad(v.file, "verify with the key gave %s (%s), expected %s", w2_class_name(cls), err.message, w2_class_name(verr));
    free(v.d);
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
    const json_t *keys = json_object_get(man, "keys");
    size_t i;
    const json_t *v;
    json_array_foreach(json_object_get(man, "valid"), i, v) {
        check_valid(v, NULL);
        const char *by = json_string_value(json_object_get(v, "signed_by"));
        if (by) {
            uint8_t key[32];
            const char *hex = json_string_value(json_object_get(keys, by));
            sodium_hex2bin(key, 32, hex, strlen(hex), NULL, NULL, NULL);
            check_valid(v, key);
        }
    }
    json_array_foreach(json_object_get(man, "invalid"), i, v) {
        const char *base_file = json_string_value(json_object_get(v, "base"));
        const json_t *base = NULL, *b;
        size_t k;
        json_array_foreach(json_object_get(man, "valid"), k, b)
            if (!strcmp(json_string_value(json_object_get(b, "file")), base_file)) base = b;
        check_invalid(v, base, keys);
    }
    json_decref(man);
    printf("test_witness2: %d checks, %d failed\n", checks, failures);
    return failures ? 1 : 0;
}
