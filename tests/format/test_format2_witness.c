/* test_format2_witness.c - the format 2.0 codec against the witness vectors (spec/vectors/witness): every valid archive decodes to what the manifest says, every invalid one fails where and how it says. */
#include "wit2_reader.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *dir;
static int checks, failures;

static void bad(const char *file, const char *fmt, const char *a, const char *b, const char *c)
{
    failures++;
    printf("FAIL %s: ", file);
    printf(fmt, a, b, c);
    printf("\n");
}

static uint8_t *load(const char *rel, size_t *n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *p = malloc(len > 0 ? (size_t)len : 1);
    if (p && fread(p, 1, (size_t)len, f) != (size_t)len) {
        free(p);
        p = NULL;
    }
    fclose(f);
    *n = (size_t)len;
    return p;
}

static int class_of(const char *name)
{
    for (int c = WIT2_OK; c <= WIT2_NOMEM; c++)
        if (!strcmp(wit2_class_name(c), name)) return c;
    return -1;
}

/* A lookup on a fresh open; its result (NULL on failure, *cls and msg set). */
static json_t *fresh_lookup(const uint8_t *d, size_t n, const uint8_t *key, const json_t *lk, int *cls, char *msg)
{
    wit2 a;
    json_t *r = NULL;
    *cls = wit2_open(&a, d, n, key);
    if (!*cls) r = wit2_lookup(&a, lk, cls);
    snprintf(msg, 400, "%s", a.msg);
    wit2_close(&a);
    return r;
}

static int fresh_verify(const uint8_t *d, size_t n, const uint8_t *key, char *msg)
{
    wit2 a;
    int cls = wit2_open(&a, d, n, key);
    if (!cls) cls = wit2_verify(&a);
    snprintf(msg, 400, "%s", a.msg);
    wit2_close(&a);
    return cls;
}

static char *show(const json_t *j) { return j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY) : strdup("(none)"); }

static void check_lookup(const char *file, const uint8_t *d, size_t n, const uint8_t *key, const json_t *lk,
                         const json_t *expect)
{
    int cls;
    char msg[400];
    json_t *got = fresh_lookup(d, n, key, lk, &cls, msg);
    checks++;
    if (cls || !json_equal(got, expect)) {
        char *l = show(lk), *g = show(got), *x = show(expect);
        char detail[600];
        snprintf(detail, sizeof detail, "%s%s%s", cls ? wit2_class_name(cls) : g, cls ? ": " : "", cls ? msg : "");
        bad(file, "lookup %s gave %s, expected %s", l, detail, x);
        free(l), free(g), free(x);
    }
    json_decref(got);
}

static void check_valid(const json_t *v, const uint8_t *key)
{
    const char *file = json_string_value(json_object_get(v, "file"));
    size_t n;
    uint8_t *d = load(file, &n);
    if (!d) {
        bad(file, "cannot read it%s%s%s", "", "", "");
        return;
    }
    wit2 a;
    int cls = wit2_open(&a, d, n, key);
    checks++;
    if (cls) {
        bad(file, "open%s: %s: %s", key ? " with the key" : "", wit2_class_name(cls), a.msg);
        wit2_close(&a);
        free(d);
        return;
    }
    const json_t *h = json_object_get(v, "header");
    json_t *got = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "entry_count", (json_int_t)a.h.entry_count, "block_count",
                            (json_int_t)a.h.block_count, "wiki_count", (json_int_t)a.h.wiki_count, "content_bytes",
                            (json_int_t)a.h.content_bytes, "unique_bytes", (json_int_t)a.h.unique_bytes, "prefix_size",
                            (json_int_t)a.h.prefix_size, "file_size", (json_int_t)a.h.file_size);
    checks++;
    if (!json_equal(got, h)) bad(file, "header differs from the manifest's%s%s%s", "", "", "");
    json_decref(got);
    got = json_array();
    for (uint32_t i = 0; i < a.wikis.count; i++) {
        const wpk2_wiki *w = &a.wikis.wikis[i];
        json_array_append_new(got, json_pack("{s:i,s:s%,s:s%,s:s%,s:s%}", "number", (int)i + 1, "name", w->name.p,
                                             (size_t)w->name.len, "language", w->language.p ? (const char *)w->language.p : "",
                                             (size_t)w->language.len, "url_base", w->url_base.p ? (const char *)w->url_base.p : "",
                                             (size_t)w->url_base.len, "site_name", w->site_name.p ? (const char *)w->site_name.p : "",
                                             (size_t)w->site_name.len));
    }
    checks++;
    if (!json_equal(got, json_object_get(v, "wikis"))) bad(file, "wikis differ from the manifest's%s%s%s", "", "", "");
    json_decref(got);
    size_t i;
    const json_t *x;
    json_array_foreach(json_object_get(v, "entries"), i, x) {
        json_t *r = wit2_entry_record(&a, (uint32_t)i, &cls);
        checks++;
        if (cls || !json_equal(r, x)) {
            char *g = show(r), *w = show(x);
            bad(file, "entry gave %s%s, expected %s", cls ? a.msg : g, "", w);
            free(g), free(w);
        }
        json_decref(r);
    }
    wit2_close(&a);
    json_array_foreach(json_object_get(v, "lookups"), i, x) check_lookup(file, d, n, key, x, json_object_get(x, "expect"));
    char msg[400];
    cls = fresh_verify(d, n, key, msg);
    checks++;
    if (cls) bad(file, "verify%s: %s: %s", key ? " with the key" : "", wit2_class_name(cls), msg);
    free(d);
}

/* A lookup that must fail with `want`. */
static void check_fails(const char *file, const uint8_t *d, size_t n, const uint8_t *key, const json_t *lk, int want)
{
    int cls;
    char msg[400];
    json_t *got = fresh_lookup(d, n, key, lk, &cls, msg);
    checks++;
    if (cls != want) {
        char *l = show(lk), *g = show(got);
        bad(file, "lookup %s gave %s, expected failure %s", l, cls ? msg : g, wit2_class_name(want));
        free(l), free(g);
    }
    json_decref(got);
}

static void check_invalid(const json_t *v, const json_t *base, const json_t *keys)
{
    const char *file = json_string_value(json_object_get(v, "file"));
    const char *outcome = json_string_value(json_object_get(v, "outcome"));
    int error = class_of(json_string_value(json_object_get(v, "error")));
    size_t n;
    uint8_t *d = load(file, &n);
    if (!d) {
        bad(file, "cannot read it%s%s%s", "", "", "");
        return;
    }
    wit2 a;
    char msg[400];
    int cls = wit2_open(&a, d, n, NULL);
    snprintf(msg, sizeof msg, "%s", a.msg);
    wit2_close(&a);
    checks++;
    if (getenv("WIT2_VERBOSE")) printf("%s: open: %s %s\n", file, wit2_class_name(cls), msg);
    if (!strcmp(outcome, "open")) {
        if (cls != error) bad(file, "open gave %s (%s), expected %s", wit2_class_name(cls), msg, wit2_class_name(error));
        free(d);
        return;
    }
    if (cls) {
        bad(file, "open failed (%s: %s), expected %s", wit2_class_name(cls), msg, outcome);
        free(d);
        return;
    }
    int lookups = !strcmp(outcome, "first-use") || !strcmp(outcome, "lookup");
    size_t i;
    const json_t *x;
    if (lookups) json_array_foreach(json_object_get(v, "fails"), i, x) check_fails(file, d, n, NULL, x, error);
    const json_t *base_lookups = json_object_get(base, "lookups");
    json_array_foreach(json_object_get(v, "ok"), i, x) {
        const json_t *lk = json_array_get(base_lookups, (size_t)json_integer_value(x));
        check_lookup(file, d, n, NULL, lk, json_object_get(lk, "expect"));
    }
    /* Plain verify: fails with the error (false), or passes (true: the
     * archive is only not trusted by the key). */
    const json_t *vf = json_object_get(v, "verify");
    cls = fresh_verify(d, n, NULL, msg);
    checks++;
    if (json_is_false(vf) && cls != error)
        bad(file, "verify gave %s (%s), expected %s", wit2_class_name(cls), msg, wit2_class_name(error));
    if (json_is_true(vf) && cls)
        bad(file, "verify gave %s (%s), expected it to pass%s", wit2_class_name(cls), msg, "");
    if (getenv("WIT2_VERBOSE")) printf("%s: verify: %s %s\n", file, wit2_class_name(cls), msg);
    const json_t *pk = json_object_get(v, "pubkey");
    if (!pk) {
        free(d);
        return;
    }
    uint8_t key[32];
    const char *hex = json_string_value(json_object_get(keys, json_string_value(json_object_get(pk, "key"))));
    sodium_hex2bin(key, 32, hex, strlen(hex), NULL, NULL, NULL);
    int perr = class_of(json_string_value(json_object_get(pk, "error")));
    const json_t *popen = json_object_get(pk, "open");
    cls = wit2_open(&a, d, n, key);
    snprintf(msg, sizeof msg, "%s", a.msg);
    wit2_close(&a);
    checks++;
    if (json_is_string(popen)) {
        int want = class_of(json_string_value(popen));
        if (cls != want)
            bad(file, "open with the key gave %s (%s), expected %s", wit2_class_name(cls), msg, wit2_class_name(want));
        free(d);
        return;
    }
    if (cls) {
        bad(file, "open with the key failed: %s: %s%s", wit2_class_name(cls), msg, "");
        free(d);
        return;
    }
    json_array_foreach(json_object_get(pk, "fails"), i, x) check_fails(file, d, n, key, x, perr);
    cls = fresh_verify(d, n, key, msg);
    checks++;
    if (cls != perr)
        bad(file, "verify with the key gave %s (%s), expected %s", wit2_class_name(cls), msg, wit2_class_name(perr));
    free(d);
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
    uint8_t *m = load("manifest.json", &n);
    json_error_t jerr;
    json_t *man = m ? json_loadb((const char *)m, n, 0, &jerr) : NULL;
    free(m);
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
        json_array_foreach(json_object_get(man, "valid"), k, b) if (!strcmp(json_string_value(json_object_get(b, "file")), base_file)) base = b;
        check_invalid(v, base, keys);
    }
    json_decref(man);
    printf("test_format2_witness: %d checks, %d failed\n", checks, failures);
    return failures ? 1 : 0;
}
