/* fuzz_roundtrip.c - the writer's promises under odd inputs: entries derived
 * from the fuzzed bytes (paths, titles, page IDs, times, categories, aliases,
 * contents) are packed twice, with one and with two threads; the archives
 * must be byte-identical, pass a full verify, and give back every entry's
 * exact content. Any mismatch aborts.
 *
 * Input: one options byte, then records:
 *   flags, path length, path, title length, title, id, time, content length
 *   (2 bytes LE), content
 * Paths and titles are spelled from a small alphabet (or taken raw when a
 * flag says so); entries whose path fails wpk_path_check, or repeats an
 * earlier one, are skipped. */
#include "wikipack.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_ENTRIES 24

typedef struct cursor {
    const uint8_t *p;
    size_t left;
} cursor;

static unsigned byte(cursor *c)
{
    if (!c->left) return 0;
    c->left--;
    return *c->p++;
}

/* Pieces that make paths and titles interesting: separators, dots, case,
 * blanks and underscores (MediaWiki rules), multi-byte letters (folding). */
static const char *const alphabet[16] = {"a", "B", "/", ".", "_", " ", "0", "\xc3\xa9", "\xc3\x89", "(", ")",
                                         "x", "Z", "\xc3\x9f", "-", "\xe2\x84\xaa" /* Kelvin sign */};

static char *text(cursor *c, int raw)
{
    size_t n = byte(c) % 48;
    char *s = malloc(n * 3 + 1);
    if (!s) abort();
    size_t len = 0;
    for (size_t i = 0; i < n && c->left; i++) {
        unsigned b = byte(c);
        if (raw) {
            if (b) s[len++] = (char)b;
        } else {
            const char *piece = alphabet[b & 15];
            memcpy(s + len, piece, strlen(piece));
            len += strlen(piece);
        }
    }
    s[len] = 0;
    return s;
}

typedef struct expected {
    char *path, *title, *category, *url;
    uint8_t *content;
    size_t size;
    uint64_t page_id;
    int has_page_id;
    int64_t ns;
    int has_ns;
} expected;

/* The metadata every entry i gets besides its expected fields. */
static const char *language_of(size_t i) { return i % 3 ? "en" : NULL; }
static const char *mime_of(size_t i) { return i % 2 ? "text/markdown" : NULL; }

static int same_text(const char *got, const char *want)
{
    return want ? got && strcmp(got, want) == 0 : got == NULL;
}

static char dir[4096];

static void cleanup(void)
{
    char p[4200];
    snprintf(p, sizeof p, "%s/a.wpk", dir);
    unlink(p);
    snprintf(p, sizeof p, "%s/b.wpk", dir);
    unlink(p);
    rmdir(dir);
}

static int pack(const char *path, const wpk_write_opts *o, expected *e, size_t n, const char (*alias)[2][64],
                size_t n_alias, wpk_write_stats *st, int *accepted)
{
    wpk_writer *w = NULL;
    wpk_error err;
    if (wpk_writer_create(&w, path, o, &err) != 0) {
        fprintf(stderr, "create: %s\n", err.message);
        abort();
    }
    for (size_t i = 0; i < n; i++) {
        wpk_entry m = WPK_ENTRY_INIT;
        m.path = e[i].path;
        m.title = e[i].title;
        m.page_id = e[i].page_id;
        m.has_page_id = e[i].has_page_id;
        m.language = language_of(i);
        m.mime = mime_of(i);
        m.url = e[i].url;
        m.ns = e[i].ns;
        m.has_ns = e[i].has_ns;
        const char *cats[1] = {e[i].category};
        if (e[i].category) {
            m.categories = cats;
            m.n_categories = 1;
        }
        m.updated_us = (int64_t)(i % 4) * 1000000;
        m.has_updated = i % 5 != 0;
        accepted[i] = wpk_writer_add(w, &m, e[i].content, e[i].size, &err) == 0;
    }
    for (size_t i = 0; i < n_alias; i++) wpk_writer_add_alias(w, alias[i][0], alias[i][1], &err);
    int rc = wpk_writer_finish(w, st, &err);
    if (rc != 0) fprintf(stderr, "finish: %s\n", err.message);
    wpk_writer_free(w);
    return rc;
}

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) abort();
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc(n > 0 ? (size_t)n : 1);
    if (!b || fread(b, 1, (size_t)n, f) != (size_t)n) abort();
    fclose(f);
    *len = (size_t)n;
    return b;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir[0]) {
        const char *t = getenv("TMPDIR");
        snprintf(dir, sizeof dir, "%s/wpk-fuzz-XXXXXX", t && *t ? t : "/tmp");
        if (!mkdtemp(dir)) abort();
        atexit(cleanup);
    }
    cursor c = {data, size};
    unsigned opt = byte(&c);
    wpk_write_opts o = WPK_WRITE_OPTS_INIT;
    o.level = 1 + (int)(opt & 1);
    o.block_size = 1024u << ((opt >> 1) & 3);
    o.dictionary = opt & 8 ? 0 : -1;
    static const uint32_t pages[4] = {0, 100, 512, 4096};
    o.page_size = pages[(opt >> 4) & 3];
    o.latest_only = (opt >> 6) & 1;

    expected e[MAX_ENTRIES];
    char alias[MAX_ENTRIES][2][64];
    size_t n = 0, n_alias = 0;
    while (c.left && n < MAX_ENTRIES) {
        unsigned flags = byte(&c);
        char *path = text(&c, flags & 1);
        char *title = text(&c, flags & 2);
        unsigned id = byte(&c);
        unsigned clen = byte(&c);
        clen |= byte(&c) << 8;
        if (clen > c.left) clen = (unsigned)c.left;
        int dup = 0;   /* a duplicate path fails the whole pack: keep the first */
        for (size_t i = 0; i < n && !dup; i++) dup = strcmp(e[i].path, path) == 0;
        if (dup || wpk_path_check(path, strlen(path)) != 0) {
            free(path);
            free(title);
            c.p += clen;
            c.left -= clen;
            continue;
        }
        expected *x = &e[n++];
        x->path = path;
        x->title = flags & 4 ? title : NULL;
        x->has_page_id = (flags & 8) != 0;
        x->page_id = id % 8;   /* few distinct IDs: versions of one article */
        x->category = NULL;
        x->url = NULL;
        if (flags & 64) { /* URLs wait in the writer's spill file: read back from there */
            size_t ul = strlen(path) + 16;
            if (!(x->url = malloc(ul))) abort();
            snprintf(x->url, ul, "https://x.org/%s", path);
        }
        x->has_ns = (flags & 128) != 0;
        x->ns = (int64_t)id - 128; /* negative too */
        if (flags & 16) {
            x->category = malloc(16);
            if (!x->category) abort();
            snprintf(x->category, 16, "Category:%c", 'A' + (int)(id % 3));
        }
        x->content = malloc(clen ? clen : 1);
        if (!x->content) abort();
        memcpy(x->content, c.p, clen);
        x->size = clen;
        c.p += clen;
        c.left -= clen;
        if (flags & 32 && title[0] && n_alias < MAX_ENTRIES) {
            snprintf(alias[n_alias][0], 64, "%s", path);
            snprintf(alias[n_alias][1], 64, "%s", title);
            n_alias++;
        }
        if (!x->title) free(title);
    }

    char pa[4200], pb[4200];
    snprintf(pa, sizeof pa, "%s/a.wpk", dir);
    snprintf(pb, sizeof pb, "%s/b.wpk", dir);
    int acc_a[MAX_ENTRIES], acc_b[MAX_ENTRIES];
    wpk_write_stats sa = WPK_WRITE_STATS_INIT, sb = WPK_WRITE_STATS_INIT;
    o.threads = 1;
    int ra = pack(pa, &o, e, n, (const char(*)[2][64])alias, n_alias, &sa, acc_a);
    o.threads = 2;
    int rb = pack(pb, &o, e, n, (const char(*)[2][64])alias, n_alias, &sb, acc_b);
    if (ra != 0 || rb != 0) abort();   /* every input here is acceptable */
    if (memcmp(acc_a, acc_b, n * sizeof *acc_a) != 0) abort();

    size_t la, lb;
    uint8_t *a = slurp(pa, &la), *b = slurp(pb, &lb);
    if (la != lb || memcmp(a, b, la) != 0) {
        fprintf(stderr, "archives written with 1 and 2 threads differ\n");
        abort();
    }
    free(b);

    wpk_reader *r = NULL;
    wpk_error err;
    if (wpk_reader_open_memory(&r, a, la, NULL, &err) != 0) {
        fprintf(stderr, "open: %s\n", err.message);
        abort();
    }
    wpk_verify_stats vs = WPK_VERIFY_STATS_INIT;
    if (wpk_reader_verify(r, WPK_VERIFY_FULL, NULL, NULL, &vs, &err) != 0) {
        fprintf(stderr, "verify: %s\n", err.message);
        abort();
    }
    uint64_t found = 0;
    for (size_t i = 0; i < n; i++) {
        if (!acc_a[i]) continue;
        wpk_entry *got = NULL;
        int rc = wpk_reader_find_by_path(r, e[i].path, &got, &err);
        if (rc == WPK_E_NOTFOUND && o.latest_only) continue;   /* an older version, dropped */
        if (rc != 0) {
            fprintf(stderr, "find %s: %s\n", e[i].path, err.message);
            abort();
        }
        found++;
        void *content = NULL;
        if (got->size != e[i].size || wpk_reader_read_alloc(r, got, &content, 1, &err) != 0 ||
            memcmp(content, e[i].content, e[i].size) != 0) {
            fprintf(stderr, "entry %s does not read back\n", e[i].path);
            abort();
        }
        wpk_free(content);
        if (!same_text(got->url, e[i].url) || !same_text(got->language, language_of(i)) ||
            !same_text(got->mime, mime_of(i)) || got->has_ns != e[i].has_ns || (e[i].has_ns && got->ns != e[i].ns)) {
            fprintf(stderr, "entry %s: URL, language, media type or namespace differ\n", e[i].path);
            abort();
        }
        wpk_entry_free(got);
        if (e[i].has_page_id) {
            if (wpk_reader_find_by_id(r, e[i].page_id, &got, &err) != 0) {
                fprintf(stderr, "find id %llu: %s\n", (unsigned long long)e[i].page_id, err.message);
                abort();
            }
            wpk_entry_free(got);
        }
        if (e[i].title && wpk_reader_find_by_title(r, e[i].title, &got, &err) == 0) wpk_entry_free(got);
    }
    if (found != sa.entries) {
        fprintf(stderr, "%llu entries found, %llu written\n", (unsigned long long)found,
                (unsigned long long)sa.entries);
        abort();
    }
    wpk_reader_close(r);
    free(a);
    for (size_t i = 0; i < n; i++) {
        free(e[i].path);
        free(e[i].title);
        free(e[i].category);
        free(e[i].url);
        free(e[i].content);
    }
    return 0;
}
