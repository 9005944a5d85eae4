/* test_search.c - full-text search: what a query finds and in which order, one result an article, snippets, an archive without an index, and damaged term pages. */
#include "check.h"
#include "wikipack.h"
#include "writer_internal.h" /* wpk_test_search_gap */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *dir;

static const char *tmp_path(const char *name)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/%s", dir, name);
    return buf;
}

typedef struct doc {
    const char *path, *title, *lang, *mime, *redirect, *text;
    uint64_t page_id;
    int64_t updated;
} doc;

static const doc docs[] = {
    {"a.md", "Python (programming language)", "en", "text/markdown", NULL,
     "# Python\n\nPython is a **programming language** that emphasizes code readability. Its decorators "
     "wrap functions.", 1, 20},
    {"a_old.md", "Python (programming language)", "en", "text/markdown", NULL,
     "Python is a snake-named language. Zanzibarish appears only in this old version.", 1, 10},
    {"b.wiki", "Monty Python", "en", "text/x-wiki", NULL,
     "'''Monty Python''' were a British comedy group. {{Infobox|hidden=templatezzz}} They made "
     "[[Flying Circus|the Flying Circus]] and ran many sketches.", 2, 5},
    {"c.html", "Boa", "en", "text/html", NULL,
     "<html><head><style>.x{}</style></head><body><p>A boa is a snake, not a programming language. "
     "Boas are running and swimming.</p><script>scriptonlyword()</script></body></html>", 3, 5},
    {"d.txt", "Café culture", "fr", "text/plain", NULL, "Le café est une boisson. Les cafés parisiens sont célèbres.",
     4, 5},
    {"e.wiki", "Py", "en", "text/x-wiki", "Python (programming language)", "#REDIRECT [[Python (programming language)]]",
     5, 5},
    {"f.md", "Reptiles", "en", "text/markdown", NULL,
     "Reptiles include snakes such as the python and the boa. A python is not a programming language here.", 6, 5},
    /* A title word met once in a long text: the title must carry it. */
    {"g.md", "Snake", "en", "text/markdown", NULL,
     "A long limbless reptile, described here at length with many other words that say nothing of the name: "
     "scales, eyes, tongue, jaws, skin, colour, habitat, forest, desert, water, prey, eggs, young, winter, "
     "summer, night, day, sun, shade, rock, tree, grass, river, lake, sea, island, mountain, valley, field.", 7, 5},
    /* Not text: never a document, whatever words its bytes hold. */
    {"h.png", "Python logo", "en", "image/png", NULL, "\x89PNG python boa snake", 8, 5},
};

static void pack(const char *path, int search)
{
    wpk_write_opts o = WPK_WRITE_OPTS_INIT;
    o.level = 3;
    o.threads = 1;
    o.search = search;
    wpk_writer *w;
    wpk_error err;
    CHECK(wpk_writer_create(&w, path, &o, &err) == WPK_OK);
    for (size_t i = 0; i < sizeof docs / sizeof *docs; i++) {
        wpk_entry e = WPK_ENTRY_INIT;
        e.path = docs[i].path;
        e.title = docs[i].title;
        e.language = docs[i].lang;
        e.mime = docs[i].mime;
        e.redirect = docs[i].redirect;
        e.page_id = docs[i].page_id;
        e.has_page_id = 1;
        e.updated_us = docs[i].updated;
        e.has_updated = 1;
        e.wiki = !strcmp(docs[i].lang, "fr") ? "frwiki" : "enwiki";
        CHECK_MSG(wpk_writer_add(w, &e, docs[i].text, strlen(docs[i].text), &err) == WPK_OK, "%s", err.message);
    }
    wpk_write_stats st = WPK_WRITE_STATS_INIT;
    CHECK_MSG(wpk_writer_finish(w, &st, &err) == WPK_OK, "%s", err.message);
    wpk_writer_free(w);
    if (search == 0 && wpk_test_search_every_entry) {
        CHECK_MSG(st.search_documents == 9, "%llu documents", (unsigned long long)st.search_documents);
    } else if (search == 0) {
        /* Documents: a, b, c, d, f, g (not the older version, not the redirect). */
        CHECK_MSG(st.search_documents == 6, "%llu documents", (unsigned long long)st.search_documents);
        CHECK(st.search_bytes > 0);
    } else {
        CHECK(st.search_bytes == 0);
    }
}

/* The paths of a query's results, space-separated, into out. */
static int paths(wpk_reader *r, const char *query, const char *lang, char *out, size_t cap, uint64_t *matches)
{
    wpk_search_opts o = WPK_SEARCH_OPTS_INIT;
    o.limit = 10;
    o.language = lang;
    wpk_search_results *res;
    wpk_error err;
    int rc = wpk_reader_search(r, query, &o, &res, &err);
    out[0] = 0;
    if (rc) return rc;
    for (uint32_t i = 0; i < res->count; i++) {
        wpk_entry *e;
        CHECK(wpk_reader_entry_at(r, res->hits[i].entry, &e, &err) == WPK_OK);
        if (i) strncat(out, " ", cap - strlen(out) - 1);
        strncat(out, e->path, cap - strlen(out) - 1);
        wpk_entry_free(e);
        if (i) CHECK(res->hits[i].score <= res->hits[i - 1].score);
    }
    if (matches) *matches = res->matches;
    wpk_search_results_free(res);
    return WPK_OK;
}

#define EXPECT(r, query, want)                                                              \
    do {                                                                                    \
        char got_[512];                                                                     \
        int rc_ = paths((r), (query), NULL, got_, sizeof got_, NULL);                       \
        CHECK_MSG(rc_ == WPK_OK && !strcmp(got_, (want)), "%s: rc %d, got \"%s\", want \"%s\"", \
                  (query), rc_, got_, (want));                                              \
    } while (0)

static void test_queries(wpk_reader *r)
{
    CHECK(wpk_reader_has_search(r));
    /* The title match first; the older version's words are not found. */
    EXPECT(r, "python", "a.md b.wiki f.md"); /* titles before the text */
    EXPECT(r, "zanzibarish", "");
    /* Stemming and case: "RUN" finds "running" and "ran" does not stem to it. */
    EXPECT(r, "RUN", "c.html");
    EXPECT(r, "snake", "g.md c.html f.md"); /* the title first, though its text is long */
    EXPECT(r, "python snake", "f.md");     /* every word must match */
    /* Markup is not text: template parameters, style and script are not words. */
    EXPECT(r, "templatezzz", "");
    EXPECT(r, "scriptonlyword", "");
    EXPECT(r, "flying circus", "b.wiki");
    /* All words must match; an excluded word removes. */
    EXPECT(r, "programming language", "a.md c.html f.md");
    EXPECT(r, "programming language -boa", "a.md");
    /* Phrases are checked in the text. */
    EXPECT(r, "\"programming language that\"", "a.md");
    EXPECT(r, "\"language programming\"", "");
    /* Prefixes. */
    EXPECT(r, "decor*", "a.md");
    EXPECT(r, "reptil*", "f.md g.md");
    /* Accents folded; the query's language chosen. */
    char got[256];
    CHECK(paths(r, "cafe", "fr", got, sizeof got, NULL) == WPK_OK && !strcmp(got, "d.txt"));
    CHECK(paths(r, "CAFÉS", "fr", got, sizeof got, NULL) == WPK_OK && !strcmp(got, "d.txt"));
    /* Bad queries. */
    wpk_search_results *res = NULL;
    wpk_error err;
    CHECK(wpk_reader_search(r, "", NULL, &res, &err) == WPK_E_INVALID && !res);
    CHECK(wpk_reader_search(r, "  -python ", NULL, &res, &err) == WPK_E_INVALID && strstr(err.message, "excluded"));
    CHECK(wpk_reader_search(r, "!!! ???", NULL, &res, &err) == WPK_E_INVALID);
    char *longq = malloc(5000);
    memset(longq, 'a', 4999);
    longq[4999] = 0;
    CHECK(wpk_reader_search(r, longq, NULL, &res, &err) == WPK_E_INVALID);
    free(longq);
    wpk_search_opts o = WPK_SEARCH_OPTS_INIT;
    o.limit = WPK_SEARCH_MAX_LIMIT + 1;
    CHECK(wpk_reader_search(r, "python", &o, &res, &err) == WPK_E_INVALID);
    /* Paging: the second result alone. */
    o.limit = 1;
    o.offset = 1;
    CHECK(wpk_reader_search(r, "python", &o, &res, &err) == WPK_OK);
    CHECK(res && res->count == 1 && res->matches == 3);
    wpk_entry *e;
    if (res && res->count == 1 && wpk_reader_entry_at(r, res->hits[0].entry, &e, &err) == WPK_OK) {
        CHECK(!strcmp(e->path, "b.wiki"));
        wpk_entry_free(e);
    }
    wpk_search_results_free(res);
    /* Snippets: plain text, the matched words marked. */
    o.limit = 1;
    o.offset = 0;
    o.snippets = 1;
    CHECK(wpk_reader_search(r, "decorators", &o, &res, &err) == WPK_OK);
    CHECK(res && res->count == 1 && res->hits[0].snippet);
    if (res && res->count == 1 && res->hits[0].snippet) {
        const wpk_search_hit *h = &res->hits[0];
        CHECK_MSG(!strstr(h->snippet, "**") && !strchr(h->snippet, '#'), "snippet \"%s\"", h->snippet);
        CHECK(h->mark_count == 1);
        if (h->mark_count == 1)
            CHECK_MSG(h->marks[0].len == 10 && !memcmp(h->snippet + h->marks[0].at, "decorators", 10), "mark at %u",
                      h->marks[0].at);
    }
    wpk_search_results_free(res);
}

/* Count, and the paths of the first results, of a query on r. */
static uint64_t count_of(wpk_reader *r, const char *query, const char *lang, uint32_t limit, char *first, size_t cap)
{
    wpk_search_opts o = WPK_SEARCH_OPTS_INIT;
    o.limit = limit;
    o.language = lang;
    wpk_search_results *res = NULL;
    wpk_error err;
    if (first) first[0] = 0;
    int rc = wpk_reader_search(r, query, &o, &res, &err);
    CHECK_MSG(rc == WPK_OK, "%s: %s", query, err.message);
    if (rc) return UINT64_MAX;
    uint64_t m = res->matches;
    for (uint32_t i = 0; first && i < res->count; i++) {
        wpk_entry *e;
        if (wpk_reader_entry_at(r, res->hits[i].entry, &e, &err) != WPK_OK) continue;
        if (i) strncat(first, " ", cap - strlen(first) - 1);
        strncat(first, e->path, cap - strlen(first) - 1);
        wpk_entry_free(e);
    }
    if (first && res->count < limit && m != res->count) m = UINT64_MAX - 1; /* a short page must say all */
    wpk_search_results_free(res);
    return m;
}

/* Common words (in more than COMMON documents: their text postings are
 * not kept), prefixes over them, exclusions of them, phrase candidates
 * beyond a page, phrases in titles and repeating, copies, many languages. */
static void test_common_and_phrases(void)
{
    const char *path = tmp_path("common.wpk");
    wpk_write_opts o = WPK_WRITE_OPTS_INIT;
    o.level = 1;
    o.threads = 1;
    wpk_writer *w;
    wpk_error err;
    CHECK(wpk_writer_create(&w, path, &o, &err) == WPK_OK);
    static const char *const langs[] = {"da", "de", "es", "fi", "hu", "it", "nl", "no", "pt", "ro",
                                        "ru", "sv", "tr", "ca", "eu", "ga", "fr"};
    char p[64], text[256], title[64];
    for (int i = 0; i < 3300; i++) {
        wpk_entry e = WPK_ENTRY_INIT;
        const char *body;
        if (i < 3000) { /* apple in 2,000 (common), appleton in 10, zebra in d0005 only */
            snprintf(text, sizeof text, "%s %s %s filler%d", i < 2000 ? "apple" : "pear", i % 300 == 7 ? "appleton" : "",
                     i == 5 ? "zebra" : "", i);
            snprintf(title, sizeof title, "Doc %d", i);
            body = text;
        } else if (i < 3200) { /* each text its own: copies would be one document */
            snprintf(text, sizeof text, "xylo quartz n%d", i);
            body = text;
            snprintf(title, sizeof title, "Short %d", i);
        } else if (i < 3230) {
            snprintf(text, sizeof text, "quartz xylo padding padding padding padding padding padding padding n%d", i);
            body = text;
            snprintf(title, sizeof title, "Long %d", i);
        } else if (i < 3247) {
            snprintf(text, sizeof text, "chanteuses nationales n%d", i);
            body = text;
            snprintf(title, sizeof title, "Chant %d", i);
            e.language = langs[i - 3230];
        } else if (i == 3247) {
            body = "He was a physicist.";
            snprintf(title, sizeof title, "Albert Einstein");
        } else if (i == 3248) {
            body = "xylo xylo xylo quartz";
            snprintf(title, sizeof title, "Triple");
        } else {
            body = "an identical text about ornithopters"; /* copies: one document */
            snprintf(title, sizeof title, "Copy %d", i);
            if (i > 3250) break;
        }
        snprintf(p, sizeof p, "d%04d.txt", i);
        e.path = p;
        e.title = title;
        if (!e.language) e.language = "en";
        CHECK_MSG(wpk_writer_add(w, &e, body, strlen(body), &err) == WPK_OK, "%s", err.message);
    }
    CHECK_MSG(wpk_writer_finish(w, NULL, &err) == WPK_OK, "%s", err.message);
    wpk_writer_free(w);
    wpk_reader *r;
    CHECK(wpk_reader_open(&r, path, NULL, &err) == WPK_OK);
    char got[512];
    /* A prefix over a common word cannot filter: "zebra" finds its document
     * through it. Alone, it names the documents it can: those of its
     * other terms (a common word's text postings are not kept). */
    CHECK(count_of(r, "appl* zebra", NULL, 10, got, sizeof got) == 1 && !strcmp(got, "d0005.txt"));
    CHECK(count_of(r, "appl*", NULL, 10, NULL, 0) == 10);
    /* Excluding a common word reads the candidates' text. */
    CHECK_MSG(count_of(r, "zebra -apple", NULL, 10, got, sizeof got) == 0, "got %s", got);
    CHECK(count_of(r, "zebra -pear", NULL, 10, got, sizeof got) == 1 && !strcmp(got, "d0005.txt"));
    /* A phrase whose 200 better-scored candidates lack it: a page of 10
     * still finds it (the count is then an upper bound); a page larger than
     * its matches gets them all, and the exact count. */
    CHECK(count_of(r, "\"quartz xylo\"", NULL, 10, got, sizeof got) >= 30 && !strncmp(got, "d3200.txt d3201.txt", 19));
    CHECK(count_of(r, "\"quartz xylo\"", NULL, 100, NULL, 0) == 30);
    CHECK(count_of(r, "\"albert einstein\"", NULL, 10, got, sizeof got) == 1 && !strcmp(got, "d3247.txt"));
    CHECK(count_of(r, "\"xylo xylo quartz\"", NULL, 10, got, sizeof got) == 1 && !strcmp(got, "d3248.txt"));
    /* Copies of one text: one document. */
    CHECK(count_of(r, "ornithopters", NULL, 10, got, sizeof got) == 1 && !strcmp(got, "d3249.txt"));
    /* The 17th language is stemmed as itself, not as English. */
    CHECK_MSG(count_of(r, "chanteuse nationale", "fr", 10, got, sizeof got) >= 1 && strstr(got, "d3246.txt"), "got %s", got);
    CHECK(wpk_reader_verify(r, WPK_VERIFY_FULL, NULL, NULL, NULL, &err) == WPK_OK);
    wpk_reader_close(r);
    if (!getenv("KEEP")) remove(path);
}

/* A made-up word the stemmer leaves alone: consonant, vowel, x or z. */
static void word_of(unsigned k, char out[8])
{
    static const char c[] = "bdfgklmnprstv", v[] = "aeiou";
    out[0] = c[k % 13];
    out[1] = v[(k / 13) % 5];
    out[2] = (k / 65) % 2 ? 'x' : 'z';
    out[3] = (char)('a' + (k / 130) % 26);
    out[4] = 0;
}

#define BF_DOCS 2500
#define BF_WORDS 300
#define BF_PER_DOC 9

static uint32_t bf_rand(uint32_t *s)
{
    *s = *s * 1103515245u + 12345u;
    return (*s >> 8) & 0xFFFFFF;
}

/* The brute-force test's documents, packed with `threads` threads (the
 * index is gathered in two halves with two), their words into has. */
static void pack_brute(const char *path, int threads, uint8_t (*has)[BF_WORDS])
{
    memset(has, 0, sizeof(uint8_t) * BF_DOCS * BF_WORDS);
    wpk_write_opts o = WPK_WRITE_OPTS_INIT;
    o.level = 1;
    o.threads = threads;
    o.page_size = 256;
    wpk_writer *w;
    wpk_error err;
    CHECK(wpk_writer_create(&w, path, &o, &err) == WPK_OK);
    uint32_t seed = 7;
    char p[32], title[32], text[BF_PER_DOC * 8], word[8];
    for (int i = 0; i < BF_DOCS; i++) {
        text[0] = 0;
        for (int k = 0; k < BF_PER_DOC; k++) {
            /* Skewed: low word numbers are met far more often. */
            uint32_t a = bf_rand(&seed) % BF_WORDS, b = bf_rand(&seed) % BF_WORDS;
            unsigned n = a < b ? a : b;
            word_of(n, word);
            has[i][n] = 1;
            strcat(text, word);
            strcat(text, " ");
        }
        snprintf(p, sizeof p, "d%05d.txt", i);
        snprintf(title, sizeof title, "Doc %d", i);
        wpk_entry e = WPK_ENTRY_INIT;
        e.path = p;
        e.title = title;
        e.language = "en";
        CHECK_MSG(wpk_writer_add(w, &e, text, strlen(text), &err) == WPK_OK, "%s", err.message);
    }
    CHECK_MSG(wpk_writer_finish(w, NULL, &err) == WPK_OK, "%s", err.message);
    wpk_writer_free(w);
}

static int same_file(const char *a, const char *b)
{
    FILE *x = fopen(a, "rb"), *y = fopen(b, "rb");
    int same = x && y;
    while (same) {
        int c = fgetc(x), d = fgetc(y);
        if (c != d) same = 0;
        if (c == EOF) break;
    }
    if (x) fclose(x);
    if (y) fclose(y);
    return same;
}

/* Documents of made-up words in pages of 256 bytes: a word's postings
 * then span many pages (a run a page), and what a query matches is
 * counted here by brute force: words, prefixes and exclusions, on one
 * page and on several. */
static void test_against_brute_force(void)
{
    static uint8_t has[BF_DOCS][BF_WORDS];
    char path[4096], two[4096]; /* tmp_path's buffer is one */
    snprintf(path, sizeof path, "%s", tmp_path("brute.wpk"));
    snprintf(two, sizeof two, "%s", tmp_path("brute2.wpk"));
    /* Gathered on two threads, the index is the same, byte for byte. */
    pack_brute(two, 2, has);
    pack_brute(path, 1, has);
    CHECK(same_file(path, two));
    remove(two);
    wpk_error err;
    uint32_t seed = 11;
    wpk_reader *r;
    CHECK(wpk_reader_open(&r, path, NULL, &err) == WPK_OK);
    CHECK_MSG(wpk_reader_verify(r, WPK_VERIFY_FULL, NULL, NULL, NULL, &err) == WPK_OK, "%s", err.message);
    char query[64], wa[8], wb[8];
    for (int q = 0; q < 120; q++) {
        unsigned a = bf_rand(&seed) % BF_WORDS, b = bf_rand(&seed) % BF_WORDS;
        word_of(a, wa);
        word_of(b, wb);
        uint64_t want = 0;
        int kind = q % 4; /* a word; two words; a word not another; a prefix and a word */
        for (int i = 0; i < BF_DOCS; i++) {
            int pre = 0;
            for (unsigned k = 0; k < BF_WORDS && kind == 3; k++) {
                char x[8];
                word_of(k, x);
                if (has[i][k] && !strncmp(x, wa, 3)) pre = 1;
            }
            want += kind == 0 ? has[i][a] : kind == 1 ? has[i][a] && has[i][b] : kind == 2 ? has[i][a] && !has[i][b]
                                                                                        : pre && has[i][b];
        }
        if (kind == 2 && a == b) want = 0;
        if (kind == 0) snprintf(query, sizeof query, "%s", wa);
        else if (kind == 1) snprintf(query, sizeof query, "%s %s", wa, wb);
        else if (kind == 2) snprintf(query, sizeof query, "%s -%s", wa, wb);
        else snprintf(query, sizeof query, "%.3s* %s", wa, wb);
        uint64_t got = count_of(r, query, NULL, 10, NULL, 0);
        CHECK_MSG(got == want, "%s: %llu matches, brute force %llu", query, (unsigned long long)got,
                  (unsigned long long)want);
    }
    wpk_reader_close(r);
    if (!getenv("KEEP")) remove(path);
}

/* Every byte of the search pages' region flipped in turn: each search
 * either works or fails cleanly, lookups by path still work. */
static void test_damage(const char *path)
{
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL);
    if (!f) return;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc((size_t)n);
    CHECK(fread(buf, 1, (size_t)n, f) == (size_t)n);
    fclose(f);
    /* SEARCH_PAGES: section type 14 in the table at 128, 48 bytes an entry. */
    uint32_t sections = buf[72] | buf[73] << 8;
    uint64_t at = 0, size = 0;
    for (uint32_t i = 0; i < sections; i++) {
        const unsigned char *s = buf + 128 + 48 * i;
        if ((s[0] | s[1] << 8) != 14) continue;
        for (int k = 7; k >= 0; k--) at = at << 8 | s[8 + k];
        for (int k = 7; k >= 0; k--) size = size << 8 | s[16 + k];
    }
    CHECK(at > 0 && size > 0);
    int failed = 0, verify_failed = 0;
    for (uint64_t k = at; k < at + size; k++) {
        buf[k] ^= 0x41;
        wpk_reader *r;
        wpk_error err;
        int rc = wpk_reader_open_memory(&r, buf, (size_t)n, NULL, &err);
        CHECK(rc == WPK_OK);
        if (!rc) {
            wpk_search_results *res = NULL;
            rc = wpk_reader_search(r, "python programming", NULL, &res, &err);
            CHECK_MSG(rc == WPK_OK || rc == WPK_E_CORRUPT, "byte %llu: rc %d", (unsigned long long)k, rc);
            failed += rc == WPK_E_CORRUPT;
            wpk_search_results_free(res);
            wpk_entry *e;
            CHECK(wpk_reader_find_by_path(r, "b.wiki", &e, &err) == WPK_OK);
            if (e) wpk_entry_free(e);
            verify_failed += wpk_reader_verify(r, WPK_VERIFY_QUICK, NULL, NULL, NULL, &err) == WPK_E_CORRUPT;
            wpk_reader_close(r);
        }
        buf[k] ^= 0x41;
    }
    /* Each page's checksum covers it: every flip is caught by verify. */
    CHECK_MSG(verify_failed == (int)size, "verify caught %d of %llu flips", verify_failed, (unsigned long long)size);
    CHECK(failed > 0);
    free(buf);
}

extern size_t wpk_test_verify_budget; /* verify_internal.h */

/* Problems verify reported: which entries postings wrongly named. */
typedef struct named { int entries[9], others; } named;

static void on_problem(void *ctx, const wpk_error *e)
{
    named *n = ctx;
    const char *at = strstr(e->message, "a posting names entry ");
    unsigned k;
    if (at && sscanf(at, "a posting names entry %u", &k) == 1 && k < 9) n->entries[k]++;
    else n->others++;
}

/* A writer that indexes an older version, a redirect and an image (a
 * test hook): verify names those entries, and no other. */
static void test_postings_name_documents(void)
{
    const char *path = tmp_path("every-entry.wpk");
    wpk_test_search_every_entry = 1;
    pack(path, 0);
    wpk_test_search_every_entry = 0;
    wpk_reader *r;
    wpk_error err;
    CHECK(wpk_reader_open(&r, path, NULL, &err) == WPK_OK);
    /* Both ways: two bits an entry, and (a budget too small for them)
     * postings sorted and joined with the entries. */
    for (int way = 0; way < 2; way++) {
        named n;
        memset(&n, 0, sizeof n);
        wpk_test_verify_budget = way ? 4 : 0;
        CHECK(wpk_reader_verify(r, WPK_VERIFY_QUICK, on_problem, &n, NULL, &err) == WPK_E_CORRUPT);
        wpk_test_verify_budget = 0;
        /* Entries in path order: a.md 0, a_old.md 1 (older), ..., e.wiki 5
         * (redirect), f.md 6, g.md 7, h.png 8 (not text). */
        CHECK_MSG(n.entries[1] > 0 && n.entries[5] > 0 && n.entries[8] > 0, "way %d: older version named %d times, "
                  "redirect %d, image %d", way, n.entries[1], n.entries[5], n.entries[8]);
        for (int k = 0; k < 8; k++)
            if (k != 1 && k != 5) CHECK_MSG(n.entries[k] == 0, "way %d: document %d refused", way, k);
        CHECK_MSG(n.others == 0, "way %d: %d other problems", way, n.others);
    }
    wpk_reader_close(r);
    remove(path);
}

int main(int argc, char **argv)
{
    dir = argc > 1 ? argv[1] : ".";
    const char *with = tmp_path("search.wpk");
    pack(with, 0);
    wpk_reader *r;
    wpk_error err;
    CHECK(wpk_reader_open(&r, with, NULL, &err) == WPK_OK);
    wpk_verify_stats vs = WPK_VERIFY_STATS_INIT;
    CHECK_MSG(wpk_reader_verify(r, WPK_VERIFY_FULL, NULL, NULL, &vs, &err) == WPK_OK, "%s", err.message);
    test_queries(r);
    wpk_reader_close(r);
    test_damage(with);
    test_common_and_phrases();
    test_against_brute_force();

    /* Bytes in the term pages' region that no page owns: verify says so. */
    const char *gap = tmp_path("gap.wpk");
    wpk_test_search_gap = 1;
    pack(gap, 0);
    wpk_test_search_gap = 0;
    CHECK(wpk_reader_open(&r, gap, NULL, &err) == WPK_OK);
    CHECK(wpk_reader_verify(r, WPK_VERIFY_QUICK, NULL, NULL, NULL, &err) == WPK_E_CORRUPT);
    wpk_reader_close(r);
    remove(gap);

    test_postings_name_documents();

    const char *without = tmp_path("nosearch.wpk");
    pack(without, -1);
    CHECK(wpk_reader_open(&r, without, NULL, &err) == WPK_OK);
    CHECK(!wpk_reader_has_search(r));
    wpk_search_results *res = NULL;
    CHECK(wpk_reader_search(r, "python", NULL, &res, &err) == WPK_E_NOTFOUND && strstr(err.message, "no search index"));
    wpk_reader_close(r);
    remove(with);
    remove(without);
    return check_summary();
}
