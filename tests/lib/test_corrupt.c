/* test_corrupt.c - damaged archives are detected and never crash a reader.
 *
 * On a small format 2.0 archive (a few KB, several blocks and leaf pages):
 * every single bit flipped is caught by open or by full verify; every read
 * path runs on each damaged copy (so sanitizer builds catch any bad
 * access); every truncation and extension is refused (the header's
 * file_size against the actual size: 2.0 has no trailer); and flips in the
 * header, the section table, a prefix section, an index page, a block and
 * the signature record each give the error naming that structure.
 * Structures are found through the header, the section table and the
 * roots (wpk2_layout.h), not at fixed offsets. */
#include "check.h"
#include "wikipack.h"
#include "writer_internal.h" /* wpk_test_branch_size */
#include "wpk2_layout.h"

#include <stdio.h>
#include <zstd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static uint8_t *build_archive(const char *path, unsigned entries, size_t *len)
{
    wpk_write_opts o = WPK_WRITE_OPTS_INIT;
    o.block_size = 1024;
    o.page_size = 256;
    o.level = 3;
    o.threads = 1;
    wpk_writer *w;
    wpk_error err;
    if (wpk_writer_create(&w, path, &o, &err)) return NULL;
    char body[600], p[64], title[64];
    for (unsigned i = 0; i < entries; i++) {
        int n = snprintf(body, sizeof body, "# Entry %u\n\nSome text about entry %u, repeated %u times. ", i, i, i % 5);
        for (unsigned k = 0; k < i % 5; k++) n += snprintf(body + n, sizeof body - (size_t)n, "more words %u ", k * i);
        snprintf(p, sizeof p, "d%u/entry-%02u.md", i % 3, i);
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
    if (rc) return NULL;
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc(*len);
    if (fread(buf, 1, *len, f) != *len) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

/* The section of `type` in an archive's table (all zero when absent). */
static wpk2_section section_of(const uint8_t *buf, size_t len, uint32_t type)
{
    w2_layout a;
    wpk2_section none;
    memset(&none, 0, sizeof none);
    return w2_open(&a, buf, len) == 0 ? w2_section(&a, type) : none;
}

static int read_one(void *ctx, const wpk_entry *e)
{
    void *data = NULL;
    wpk_error err;
    wpk_reader_read_alloc(ctx, e, &data, 1, &err);
    wpk_free(data);
    return 0;
}

/* Run every read path; results are ignored, only crashes and leaks matter. */
static void exercise(wpk_reader *r)
{
    wpk_error err;
    wpk_reader_foreach(r, read_one, r, &err);
    for (unsigned i = 0; i < 24; i += 5) {
        char title[32];
        snprintf(title, sizeof title, "Entry %u", i);
        wpk_entry *e = NULL;
        if (wpk_reader_find_by_title(r, title, &e, &err) == 0) read_one(r, e);
        wpk_entry_free(e);
        if (wpk_reader_find_by_id(r, 100 + i, &e, &err) == 0) read_one(r, e);
        wpk_entry_free(e);
        if (wpk_reader_find_by_path(r, "d0/entry-00.md", &e, &err) == 0) read_one(r, e);
        wpk_entry_free(e);
    }
}

/* 0 if the damage was detected by open or full verify. */
static int undetected(const uint8_t *buf, size_t len, int run_reads)
{
    wpk_reader *r;
    wpk_error err;
    int rc = wpk_reader_open_memory(&r, buf, len, NULL, &err);
    if (rc) return !(rc == WPK_E_CORRUPT || rc == WPK_E_FORMAT || rc == WPK_E_LIMIT);
    if (run_reads) exercise(r);
    rc = wpk_reader_verify(r, WPK_VERIFY_FULL, NULL, NULL, NULL, &err);
    wpk_reader_close(r);
    return rc != WPK_E_CORRUPT;
}

static void test_every_bit(const uint8_t *orig, size_t len)
{
    uint8_t *buf = malloc(len);
    memcpy(buf, orig, len);
    size_t missed = 0, total = 0;
    for (size_t i = 0; i < len; i++) {
        for (int bit = 0; bit < 8; bit++) {
            buf[i] ^= (uint8_t)(1u << bit);
            /* All read paths on one flip per byte; verify on every flip. */
            if (undetected(buf, len, bit == 0)) {
                if (missed < 5) fprintf(stderr, "undetected flip at byte %zu bit %d\n", i, bit);
                missed++;
            }
            total++;
            buf[i] ^= (uint8_t)(1u << bit);
        }
    }
    CHECK_MSG(missed == 0, "%zu of %zu single-bit flips went undetected", missed, total);
    size_t missed_bytes = 0;
    for (size_t i = 0; i < len; i++) {
        uint8_t saved = buf[i];
        for (int v = 0; v < 2; v++) {
            buf[i] = v ? 0xFF : 0x00;
            if (buf[i] != saved && undetected(buf, len, 0)) missed_bytes++;
        }
        buf[i] = saved;
    }
    CHECK_MSG(missed_bytes == 0, "%zu bytes set to 0x00/0xFF went undetected", missed_bytes);
    free(buf);
}

static void test_truncations(const uint8_t *orig, size_t len)
{
    size_t accepted = 0, unclear = 0;
    for (size_t n = 0; n < len; n++) {
        wpk_reader *r;
        wpk_error err;
        memset(&err, 0, sizeof err);
        int rc = wpk_reader_open_memory(&r, orig, n, NULL, &err);
        if (rc == 0) {
            accepted++;
            wpk_reader_close(r);
        } else if (n >= WPK2_HEADER_SIZE && !strstr(err.message, "truncated")) {
            if (unclear < 3) fprintf(stderr, "truncation to %zu: %s\n", n, err.message);
            unclear++;
        } else if (n < 8 ? rc != WPK_E_FORMAT : rc != WPK_E_CORRUPT) {
            unclear++;
        }
    }
    CHECK_MSG(accepted == 0, "%zu truncated archives were opened", accepted);
    CHECK_MSG(unclear == 0, "%zu truncations gave an unclear error", unclear);
}

/* Flip one byte at `off` and expect open (or verify) to fail naming `what`. */
static void expect_error(const uint8_t *orig, size_t len, uint64_t off, const char *what, int at_open)
{
    uint8_t *buf = malloc(len);
    memcpy(buf, orig, len);
    buf[off] ^= 0x40;
    wpk_reader *r;
    wpk_error err;
    memset(&err, 0, sizeof err);
    int rc = wpk_reader_open_memory(&r, buf, len, NULL, &err);
    if (!at_open) {
        CHECK(rc == 0);
        if (rc == 0) {
            rc = wpk_reader_verify(r, WPK_VERIFY_FULL, NULL, NULL, NULL, &err);
            wpk_reader_close(r);
        }
        CHECK(rc == WPK_E_CORRUPT);
    } else {
        CHECK(rc == WPK_E_CORRUPT);
    }
    /* The error names the damaged structure. */
    CHECK_MSG(rc != WPK_E_CORRUPT || strstr(err.message, what), "flip at %llu: \"%s\" does not name the %s",
              (unsigned long long)off, err.message, what);
    free(buf);
}

typedef struct first_problem { char msg[512]; int n; } first_problem;

static void keep_first(void *ctx, const wpk_error *e)
{
    first_problem *f = ctx;
    if (f->n++ == 0) snprintf(f->msg, sizeof f->msg, "%s", e->message);
}

static void expect_verify_message(const uint8_t *orig, size_t len, uint64_t off, const char *needle)
{
    uint8_t *buf = malloc(len);
    memcpy(buf, orig, len);
    buf[off] ^= 0x40;
    wpk_reader *r;
    wpk_error err;
    first_problem fp = {"", 0};
    CHECK(wpk_reader_open_memory(&r, buf, len, NULL, &err) == 0);
    if (r) {
        CHECK(wpk_reader_verify(r, WPK_VERIFY_QUICK, keep_first, &fp, NULL, &err) == WPK_E_CORRUPT);
        CHECK_MSG(strstr(fp.msg, needle) != NULL, "flip at %llu: \"%s\" lacks \"%s\"", (unsigned long long)off, fp.msg,
                  needle);
        wpk_reader_close(r);
    }
    free(buf);
}

/* Open a copy of orig whose header was rewritten by `edit` (checksum fixed
 * up), len bytes of it: the result, and the message in err. */
static int open_edited_header(const uint8_t *orig, size_t len, void (*edit)(wpk2_header *), wpk_error *err)
{
    uint8_t *buf = malloc(len);
    memcpy(buf, orig, len);
    w2_layout a;
    int rc = -1;
    if (w2_open(&a, orig, len) == 0) {
        edit(&a.h);
        w2_put_header(buf, &a);
        wpk_reader *r = NULL;
        memset(err, 0, sizeof *err);
        rc = wpk_reader_open_memory(&r, buf, len, NULL, err);
        wpk_reader_close(r);
    }
    free(buf);
    return rc;
}

static void file_size_minus_one(wpk2_header *h) { h->file_size--; }
static void file_size_plus_one(wpk2_header *h) { h->file_size++; }

static void test_targeted(const uint8_t *orig, size_t len)
{
    w2_layout lay;
    CHECK(w2_open(&lay, orig, len) == 0);
    const wpk2_header h = lay.h;
    wpk2_section pages = section_of(orig, len, WPK2_SEC_PAGES), data = section_of(orig, len, WPK2_SEC_DATA);
    CHECK(pages.stored_size > 0 && data.stored_size > 0 && h.block_count > 1 && h.file_size == len);
    if (!pages.stored_size || !data.stored_size) return;
    wpk_reader *r;
    wpk_error err;
    uint8_t *buf = malloc(len + 1);

    memcpy(buf, orig, len);
    buf[40] ^= 1; /* header: entry_count */
    CHECK(wpk_reader_open_memory(&r, buf, len, NULL, &err) == WPK_E_CORRUPT && strstr(err.message, "header checksum"));
    memcpy(buf, orig, len);
    buf[WPK2_HEADER_SIZE + 10] ^= 1; /* section table */
    CHECK(wpk_reader_open_memory(&r, buf, len, NULL, &err) == WPK_E_CORRUPT &&
          strstr(err.message, "section table checksum"));
    /* No trailer in 2.0: the header's file_size is the archive's end. A
     * file_size one off either way (checksum right), or a byte more in the
     * file than the header says, is damage. */
    CHECK_MSG(open_edited_header(orig, len, file_size_minus_one, &err) == WPK_E_CORRUPT &&
                  strstr(err.message, "extra bytes after the archive"),
              "%s", err.message);
    CHECK_MSG(open_edited_header(orig, len, file_size_plus_one, &err) == WPK_E_CORRUPT && strstr(err.message, "truncated"),
              "%s", err.message);
    memcpy(buf, orig, len);
    buf[len] = 0;
    CHECK(wpk_reader_open_memory(&r, buf, len + 1, NULL, &err) == WPK_E_CORRUPT &&
          strstr(err.message, "extra bytes after the archive"));
    memcpy(buf, orig, len);
    buf[0] = 'X';
    CHECK(wpk_reader_open_memory(&r, buf, len, NULL, &err) == WPK_E_FORMAT && strstr(err.message, "not a wikipack"));
    /* Another major version is a format error, not damage, whatever the
     * checksum: major 3 with the header checksum fixed up, and major 1 (a
     * 1.x archive, named as such) with it not. */
    memcpy(buf, orig, len);
    buf[8] = 3;
    w2_put64(buf + 120, wpk2_checksum(buf, 120));
    CHECK(wpk_reader_open_memory(&r, buf, len, NULL, &err) == WPK_E_FORMAT && strstr(err.message, "major version 3"));
    memcpy(buf, orig, len);
    buf[8] = 1;
    buf[10] = 6;
    CHECK(wpk_reader_open_memory(&r, buf, len, NULL, &err) == WPK_E_FORMAT && strstr(err.message, "wikipack 1.x (format 1.6)"));
    free(buf);

    /* Every section of the prefix but SIGNATURE is under its checksum,
     * checked at open: the error names the section and its offset. Roots
     * are checked there too (in 1.x, only when first needed). */
    static const uint32_t prefix_types[] = {WPK2_SEC_ENTRY_ROOT, WPK2_SEC_TITLE_ROOT, WPK2_SEC_ID_ROOT,
                                            WPK2_SEC_CATEGORY_ROOT, WPK2_SEC_WIKIS, WPK2_SEC_SUMMARY};
    for (size_t i = 0; i < sizeof prefix_types / sizeof prefix_types[0]; i++) {
        wpk2_section s = section_of(orig, len, prefix_types[i]);
        CHECK(s.stored_size > 0);
        if (!s.stored_size) continue;
        char what[64];
        snprintf(what, sizeof what, "(type %u) at offset %llu: checksum mismatch", prefix_types[i],
                 (unsigned long long)s.offset);
        expect_error(orig, len, s.offset + s.stored_size / 2, what, 1);
    }
    /* The signature record of an unsigned archive is all zero: a byte set
     * there is a malformed record, which open (without a key) may leave
     * alone but verify reports. */
    wpk2_section sig = section_of(orig, len, WPK2_SEC_SIGNATURE);
    CHECK(sig.stored_size == WPK2_SIG_SIZE);
    expect_verify_message(orig, len, sig.offset + 9, "signature");
    expect_verify_message(orig, len, pages.offset + 5, "page");
    expect_verify_message(orig, len, data.offset + data.stored_size / 2, "block at offset");
    /* Reading an entry from a damaged block reports it; other blocks still read. */
    buf = malloc(len);
    memcpy(buf, orig, len);
    buf[data.offset + 3] ^= 0x40;
    CHECK(wpk_reader_open_memory(&r, buf, len, NULL, &err) == 0);
    if (r) {
        int damaged = 0, fine = 0;
        for (unsigned i = 0; i < 24; i++) {
            wpk_entry *e = NULL;
            void *data_out = NULL;
            CHECK(wpk_reader_find_by_id(r, 100 + i, &e, &err) == 0);
            int rc = e ? wpk_reader_read_alloc(r, e, &data_out, 1, &err) : -1;
            if (rc == WPK_E_CORRUPT && strstr(err.message, "checksum")) damaged++;
            else if (rc == 0) fine++;
            wpk_free(data_out);
            wpk_entry_free(e);
        }
        CHECK(damaged > 0 && fine > 0 && damaged + fine == 24);
        wpk_reader_close(r);
    }
    free(buf);
}

/* An archive with a dictionary: every byte of the dictionary section and of
 * one compressed leaf page, flipped, is caught by verify. */
static void test_dictionary_damage(const char *path)
{
    wpk_write_opts o = WPK_WRITE_OPTS_INIT;
    o.block_size = 4096;
    o.level = 3;
    o.dict_size = 8192;
    wpk_writer *w;
    wpk_error err;
    CHECK(wpk_writer_create(&w, path, &o, &err) == 0);
    static const char *words[] = {"python", "module", "software", "release", "library", "package", "syntax"};
    char body[2048], p[64];
    for (unsigned i = 0; i < 400; i++) {
        int n = snprintf(body, sizeof body, "# Article %u\n\n## Summary\n\n", i);
        for (unsigned k = 0; k < 60; k++) n += snprintf(body + n, sizeof body - (size_t)n, "%s ", words[(i * 7 + k * k) % 7]);
        snprintf(p, sizeof p, "a/%04u.md", i);
        wpk_entry m = WPK_ENTRY_INIT;
        m.path = p;
        CHECK(wpk_writer_add(w, &m, body, (size_t)n, &err) == 0);
    }
    wpk_write_stats st = WPK_WRITE_STATS_INIT;
    CHECK(wpk_writer_finish(w, &st, &err) == 0);
    wpk_writer_free(w);
    CHECK_MSG(st.dict_size > 0, "no dictionary was kept");
    FILE *f = fopen(path, "rb");
    if (!f) return;
    fseek(f, 0, SEEK_END);
    size_t len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc(len);
    if (fread(buf, 1, len, f) != len) len = 0;
    fclose(f);
    w2_layout lay;
    CHECK(len && w2_open(&lay, buf, len) == 0);
    CHECK(len && lay.map.of[WPK2_SEC_DICT] != NULL); /* 2.0: the dictionary is a prefix section */
    size_t missed = 0, tried = 0;
    static const uint32_t types[] = {WPK2_SEC_DICT, WPK2_SEC_PAGES};
    for (int t = 0; len && t < 2; t++) {
        wpk2_section s = w2_section(&lay, types[t]);
        uint64_t end = s.type == WPK2_SEC_PAGES && s.stored_size > 512 ? s.offset + 512 : s.offset + s.stored_size;
        for (uint64_t b = s.offset; b < end; b++) {
            buf[b] ^= 0x20;
            if (undetected(buf, len, b % 16 == 0)) missed++;
            tried++;
            buf[b] ^= 0x20;
        }
    }
    CHECK(tried > 0);
    CHECK_MSG(missed == 0, "%zu of %zu flips in the dictionary and pages went undetected", missed, tried);
    free(buf);
}

/* An archive whose entry index has branch pages (the writer's hook makes a
 * root of a few leaves branch): damage to a branch page is caught by open,
 * lookups or verify, and crashes nothing. */
static void test_branch_damage(const char *path)
{
    size_t len = 0;
    wpk_test_branch_size = 8;
    uint8_t *buf = build_archive(path, 2000, &len);
    wpk_test_branch_size = 0;
    CHECK(buf != NULL);
    if (!buf) return;
    w2_layout lay;
    wpk2_root root;
    CHECK(w2_open(&lay, buf, len) == 0 && w2_root(&lay, WPK2_SEC_ENTRY_ROOT, &root) == 0);
    CHECK(root.kind == WPK2_PAGE_BRANCH && root.count > 0);
    if (root.kind != WPK2_PAGE_BRANCH || !root.count) {
        wpk2_root_free(&root);
        free(buf);
        return;
    }
    wpk2_section pages = w2_section(&lay, WPK2_SEC_PAGES);
    const wpk2_root_item *it = &root.items[0]; /* the first branch page */
    size_t missed = 0, tried = 0;
    for (uint32_t k = 0; k < it->stored_size; k += 3) {
        uint8_t *b = buf + pages.offset + it->page_offset + k;
        *b ^= 0x20;
        if (undetected(buf, len, k % 8 == 0)) missed++;
        tried++;
        *b ^= 0x20;
    }
    CHECK_MSG(tried > 30, "a branch page of %u bytes", it->stored_size);
    CHECK_MSG(missed == 0, "%zu of %zu flips in a branch page went undetected", missed, tried);
    wpk2_root_free(&root);
    free(buf);
}

int main(int argc, char **argv)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/corrupt-small.wpk", argc > 1 ? argv[1] : ".");
    size_t len = 0;
    uint8_t *orig = build_archive(path, 24, &len);
    CHECK(orig != NULL);
    if (!orig) return check_summary();
    printf("small archive: %zu bytes\n", len);
    CHECK(len < 8192);
    test_targeted(orig, len);
    test_truncations(orig, len);
    test_every_bit(orig, len);
    free(orig);
    snprintf(path, sizeof path, "%s/corrupt-dict.wpk", argc > 1 ? argv[1] : ".");
    test_dictionary_damage(path);
    snprintf(path, sizeof path, "%s/corrupt-branched.wpk", argc > 1 ? argv[1] : ".");
    test_branch_damage(path);
    return check_summary();
}
