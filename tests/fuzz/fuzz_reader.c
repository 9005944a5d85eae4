/* fuzz_reader.c - archives are untrusted input: open the fuzzed bytes as an
 * archive and use every read path of the library on it (info, listing,
 * lookups, reads with content checks, title matching, verification). The
 * results are ignored; only crashes, leaks, undefined behaviour and large
 * allocations (the caps below keep honest ones small) are findings.
 *
 * Random changes almost always break a checksum first, so each input is
 * also tried with its header, section table and section checksums (and
 * file size) recomputed: that reaches the checks behind them (roots, wikis,
 * summary, dictionary). Leaf pages and blocks stay as they are. */
#include "wikipack.h"
#include "wpk2_format.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LISTED 200

typedef struct listed {
    char *path, *title, *category;
    uint64_t page_id, entry_number, current_entry;
    int has_page_id, is_revision;
} listed;

typedef struct state {
    listed e[MAX_LISTED];
    size_t n;
} state;

static char *dup_or_null(const char *s)
{
    if (!s) return NULL;
    char *d = strdup(s);
    if (!d) abort();
    return d;
}

static int list_cb(void *ctx, const wpk_entry *e)
{
    state *s = ctx;
    if (s->n == MAX_LISTED) return 1;
    listed *l = &s->e[s->n++];
    l->path = dup_or_null(e->path);
    l->title = dup_or_null(e->title);
    l->category = e->n_categories ? dup_or_null(e->categories[e->n_categories - 1]) : NULL;
    l->page_id = e->page_id;
    l->has_page_id = e->has_page_id;
    l->entry_number = e->entry_number;
    l->is_revision = e->is_revision;
    l->current_entry = e->current_entry;
    return 0;
}

static int title_cb(void *ctx, const char *title, int is_alias, uint64_t entry_number)
{
    (void)is_alias;
    wpk_reader *r = ctx;
    /* Follow what the index reports: the entry it names must be readable or refused. */
    wpk_entry *e = NULL;
    if (wpk_reader_entry_at(r, entry_number, &e, NULL) == 0) wpk_entry_free(e);
    return title && title[0] == 'Z';   /* stop early sometimes */
}

static int id_cb(void *ctx, const char *wiki, uint64_t entry_number)
{
    wpk_reader *r = ctx;
    wpk_entry *e = NULL;
    if (wpk_reader_entry_at(r, entry_number, &e, NULL) == 0) wpk_entry_free(e);
    return wiki && wiki[0] == 'Z'; /* stop early sometimes */
}

static int lang_cb(void *ctx, const char *language, uint64_t articles)
{
    (void)ctx; (void)language; (void)articles;
    return 0;
}

static void problem_cb(void *ctx, const wpk_error *p)
{
    (void)ctx; (void)p;
}

/* wpk_reader_read_stream's pieces, compared with the whole read. */
typedef struct {
    const unsigned char *want;
    uint64_t at, size;
} same_bytes;

static int compare_piece(void *ctx, const void *p, size_t n)
{
    same_bytes *s = ctx;
    if (n > s->size - s->at || memcmp(s->want + s->at, p, n) != 0) abort(); /* a stream read told another story */
    s->at += n;
    return 0;
}

static int discard(void *ctx, const void *p, size_t n)
{
    (void)ctx, (void)p, (void)n;
    return 0;
}

/* The pull stream in pieces of odd sizes: the same bytes again. */
static void pull(wpk_reader *r, wpk_entry *e, const unsigned char *want)
{
    wpk_content *c;
    /* May fail where the read passed: a second read of a block may take
     * the block cache's path, which decompresses the whole block. */
    if (wpk_reader_open_content(r, e, &c, NULL) != 0) return;
    unsigned char buf[4099];
    uint64_t at = 0;
    size_t got, step = 1;
    while (wpk_content_read(c, buf, step, &got, NULL) == 0 && got) {
        if (got > e->size - at || memcmp(want + at, buf, got) != 0) abort();
        at += got;
        step = step * 7 % sizeof buf + 1;
    }
    wpk_content_close(c);
}

/* Read an entry five ways: allocated with the content check, into a
 * buffer too small for it, into an exact buffer without the check, and
 * streamed pushed and pulled (which must give the bytes of the first). */
static void read_entry(wpk_reader *r, wpk_entry *e)
{
    void *text = NULL;
    if (wpk_reader_read_alloc(r, e, &text, 1, NULL) == 0) {
        unsigned char small[16];
        if (e->size > sizeof small) wpk_reader_read(r, e, small, sizeof small, 0, NULL);
        if (e->size <= (1u << 20)) {
            void *buf = malloc(e->size ? e->size : 1);
            if (!buf) abort();
            wpk_reader_read(r, e, buf, e->size, 0, NULL);
            free(buf);
        }
        same_bytes s = {text, 0, e->size};
        if (wpk_reader_read_stream(r, e, compare_piece, &s, NULL) == 0 && s.at != e->size) abort();
        pull(r, e, text);
        wpk_free(text);
    } else {
        wpk_reader_read_stream(r, e, discard, NULL, NULL);
    }
}

static int wiki_cb(void *ctx, uint32_t number, const char *name, const char *language, const char *url_base,
                   const char *site_name)
{
    (void)ctx, (void)number, (void)name, (void)language, (void)url_base, (void)site_name;
    return 0;
}

static void titles(wpk_reader *r, const char *q)
{
    wpk_match_level level;
    wpk_reader_match_title(r, q, title_cb, r, &level, NULL);
    wpk_reader_match_title_wiki(r, "enwiki", q, title_cb, r, &level, NULL);
    wpk_reader_match_title_wiki(r, "", q, title_cb, r, &level, NULL);
    wpk_reader_find_prefix(r, q, 8, title_cb, r, NULL);
    wpk_entry *e = NULL;
    if (wpk_reader_find_by_title(r, q, &e, NULL) == 0) wpk_entry_free(e);
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
    return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}

/* Make the checksums of a (damaged) archive right again; see
 * spec/FORMAT.md (regions and the SIGNATURE section have no checksum;
 * there is no trailer). */
static int fix_checksums(uint8_t *b, size_t n)
{
    if (n < WPK2_HEADER_SIZE) return 0;
    uint32_t count = le32(b + 72);
    /* Up to 256 sections, past the 2.0 cap, so that the header's check of
     * the count is reached too. */
    if (count < 1 || count > 256 || WPK2_HEADER_SIZE + (size_t)count * WPK2_SECTION_SIZE > n) return 0;
    put64(b + 32, n);
    uint8_t *table = b + WPK2_HEADER_SIZE;
    for (uint32_t i = 0; i < count; i++) {
        uint8_t *e = table + (size_t)i * WPK2_SECTION_SIZE;
        uint64_t off = le64(e + 8), stored = le64(e + 16);
        if (le32(e + 4) & WPK2_SECF_REGION || le32(e) == WPK2_SEC_SIGNATURE || off > n || stored > n - off) continue;
        put64(e + 32, wpk2_checksum(b + off, (size_t)stored));
    }
    put64(b + 88, wpk2_checksum(table, (size_t)count * WPK2_SECTION_SIZE));
    put64(b + 120, wpk2_checksum(b, 120));
    return 1;
}

static void exercise(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    exercise(data, size);
    uint8_t *fixed = malloc(size ? size : 1);
    if (!fixed) abort();
    memcpy(fixed, data, size);
    if (fix_checksums(fixed, size) && memcmp(fixed, data, size) != 0) exercise(fixed, size);
    free(fixed);
    return 0;
}

static void exercise(const uint8_t *data, size_t size)
{
    wpk_open_opts o = WPK_OPEN_OPTS_INIT;
    o.max_page_size = 1u << 20;
    o.max_block_size = 4u << 20;
    o.max_dict_size = 1u << 20;
    o.max_prefix_size = 4u << 20;
    o.cache_pages = size % 3 == 0 ? -1 : 4;   /* with and without the page cache */
    o.block_cache_bytes = size % 2 == 0 ? 0 : 64u << 10; /* and the block cache */
    wpk_reader *r = NULL;
    wpk_error err;
    if (wpk_reader_open_memory(&r, data, size, &o, &err) != 0) return;

    wpk_archive_info info = WPK_ARCHIVE_INFO_INIT;
    wpk_reader_info(r, &info);
    wpk_reader_languages(r, lang_cb, NULL);
    wpk_reader_wikis(r, wiki_cb, NULL);

    state *s = calloc(1, sizeof *s);
    if (!s) abort();
    wpk_reader_foreach(r, list_cb, s, NULL);

    /* By position, including just past the end and far past it. */
    uint64_t upto = info.entry_count < MAX_LISTED ? info.entry_count : MAX_LISTED;
    for (uint64_t i = 0; i <= upto; i++) {
        wpk_entry *e = NULL;
        if (wpk_reader_entry_at(r, i, &e, NULL) != 0) continue;
        read_entry(r, e);
        for (size_t k = 0; k < e->n_revisions && k < 4; k++) {
            wpk_entry *v = NULL;
            if (wpk_reader_entry_at(r, e->revisions[k], &v, NULL) == 0) wpk_entry_free(v);
        }
        wpk_entry_free(e);
    }
    wpk_entry *e = NULL;
    if (wpk_reader_entry_at(r, UINT64_MAX, &e, NULL) == 0) wpk_entry_free(e);

    /* By what the listing said. */
    for (size_t i = 0; i < s->n; i++) {
        listed *l = &s->e[i];
        uint64_t at;
        size_t plen = strlen(l->path);
        wpk_reader_path_lower_bound(r, l->path, plen, &at, NULL);
        if (plen) wpk_reader_path_lower_bound(r, l->path, plen - 1, &at, NULL); /* a prefix: maybe another page */
        if (wpk_reader_find_by_path(r, l->path, &e, NULL) == 0) {
            read_entry(r, e);
            wpk_entry_free(e);
        }
        if (l->has_page_id && wpk_reader_find_by_id(r, l->page_id, &e, NULL) == 0) wpk_entry_free(e);
        if (l->has_page_id && i < 16) { /* each wiki with the ID, then one of them and none */
            wpk_reader_match_id(r, l->page_id, id_cb, r, NULL);
            if (wpk_reader_find_by_wiki_id(r, "enwiki", l->page_id, &e, NULL) == 0) wpk_entry_free(e);
            if (wpk_reader_find_by_wiki_id(r, NULL, l->page_id, &e, NULL) == 0) wpk_entry_free(e);
        }
        if (l->is_revision && wpk_reader_entry_at(r, l->current_entry, &e, NULL) == 0) wpk_entry_free(e);
        if (l->title && i < 16) titles(r, l->title);
        if (l->category && i < 16) wpk_reader_category(r, l->category, title_cb, r, NULL);
    }
    static const char *const queries[] = {"", "a", "Python", "python_(programming language)", "\xc3\x89", "Z"};
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) titles(r, queries[i]);
    /* Format 2.3: full-text search, its term pages and snippets. */
    static const char *const searches[] = {"python", "\"programming language\"", "pyth* -snake", "a b c", "\xc3\x89t\xc3\xa9"};
    wpk_search_opts so = WPK_SEARCH_OPTS_INIT;
    so.snippets = 1;
    for (size_t i = 0; i < sizeof searches / sizeof *searches; i++) {
        wpk_search_results *res = NULL;
        if (wpk_reader_search(r, searches[i], &so, &res, NULL) == 0)
            for (uint32_t k = 0; k < res->count; k++)
                if (res->hits[k].snippet)
                    for (uint32_t m = 0; m < res->hits[k].mark_count; m++)
                        if (res->hits[k].marks[m].at + res->hits[k].marks[m].len > strlen(res->hits[k].snippet)) abort();
        wpk_search_results_free(res);
    }
    wpk_reader_category(r, "Category:Python (programming language) software", title_cb, r, NULL);
    if (wpk_reader_find_by_id(r, 0, &e, NULL) == 0) wpk_entry_free(e);
    if (wpk_reader_find_by_path(r, "a", &e, NULL) == 0) wpk_entry_free(e);

    wpk_verify_stats vs = WPK_VERIFY_STATS_INIT;
    wpk_reader_verify(r, WPK_VERIFY_QUICK, problem_cb, NULL, &vs, NULL);
    wpk_reader_verify(r, WPK_VERIFY_FULL, problem_cb, NULL, &vs, NULL);

    for (size_t i = 0; i < s->n; i++) {
        free(s->e[i].path);
        free(s->e[i].title);
        free(s->e[i].category);
    }
    free(s);
    wpk_reader_close(r);
}
