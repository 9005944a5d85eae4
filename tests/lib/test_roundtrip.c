/* test_roundtrip.c - write archives through the library and read them back:
 * empty archive, zero-byte entry, entry larger than a block, non-ASCII
 * names, identical contents, duplicate IDs and titles, a shared dictionary,
 * 100,000 tiny entries, reproducibility across thread counts, every way of
 * opening, concurrent readers, branch pages, categories split over leaves
 * and the writer's error paths. */
#include "check.h"
#include "writer_internal.h" /* test hooks (wpk_test_run_split_size, wpk_test_branch_size); folded titles: wpk_fold_cmp */
#include "wikipack.h"
#include "wpk2_layout.h"

#include <pthread.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[4096];

static const char *tmp_path(const char *name)
{
    static char buf[8][4200];
    static int i;
    char *p = buf[i++ & 7];
    snprintf(p, sizeof buf[0], "%s/%s", dir, name);
    return p;
}

static void *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    void *p = malloc((size_t)n + 1);
    if (p && fread(p, 1, (size_t)n, f) != (size_t)n) {
        free(p);
        p = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return p;
}

static wpk_entry meta(const char *path, const char *title, uint64_t id, int64_t updated)
{
    wpk_entry m = WPK_ENTRY_INIT;
    m.path = path;
    m.title = title;
    if (id) {
        m.page_id = id;
        m.has_page_id = 1;
    }
    if (updated) {
        m.updated_us = updated;
        m.has_updated = 1;
    }
    return m;
}

/* Read the entry found by a lookup and compare with the expected bytes. */
static int content_is(wpk_reader *r, wpk_entry *e, const void *want, size_t len)
{
    void *got = NULL;
    wpk_error err;
    int ok = e && e->size == len && wpk_reader_read_alloc(r, e, &got, 1, &err) == 0 && memcmp(got, want, len) == 0;
    wpk_free(got);
    return ok;
}

static void test_empty(void)
{
    const char *p = tmp_path("empty.wpk");
    wpk_writer *w;
    wpk_error err;
    CHECK(wpk_writer_create(&w, p, NULL, &err) == 0);
    wpk_write_stats st = WPK_WRITE_STATS_INIT;
    CHECK(wpk_writer_finish(w, &st, &err) == 0 && st.entries == 0);
    wpk_writer_free(w);
    wpk_reader *r;
    CHECK(wpk_reader_open(&r, p, NULL, &err) == 0);
    if (!r) return;
    wpk_archive_info info = WPK_ARCHIVE_INFO_INIT;
    wpk_reader_info(r, &info);
    CHECK(info.entry_count == 0 && info.block_count == 0);
    wpk_entry *e;
    CHECK(wpk_reader_find_by_id(r, 1, &e, &err) == WPK_E_NOTFOUND);
    CHECK(wpk_reader_find_by_path(r, "a", &e, &err) == WPK_E_NOTFOUND);
    CHECK(wpk_reader_find_by_title(r, "a", &e, &err) == WPK_E_NOTFOUND);
    CHECK(wpk_reader_entry_at(r, 0, &e, &err) == WPK_E_NOTFOUND);
    CHECK(wpk_reader_verify(r, WPK_VERIFY_FULL, NULL, NULL, NULL, &err) == 0);
    wpk_reader_close(r);
}

static int count_cb(void *ctx, const wpk_entry *e)
{
    (void)e;
    ++*(size_t *)ctx;
    return 0;
}

static void test_mixed(void)
{
    const char *p = tmp_path("mixed.wpk");
    wpk_write_opts o = WPK_WRITE_OPTS_INIT;
    o.block_size = 4096;
    o.level = 3;
    wpk_writer *w;
    wpk_error err;
    CHECK(wpk_writer_create(&w, p, &o, &err) == 0);
    size_t big_len = 100000;
    char *big = malloc(big_len);
    for (size_t i = 0; i < big_len; i++) big[i] = (char)('a' + (i * 7 + i / 13) % 26);
    wpk_entry m = meta("zero.txt", NULL, 0, 0);
    CHECK(wpk_writer_add(w, &m, "", 0, &err) == 0);
    m = meta("big/entry.bin", "Big", 10, 0);
    CHECK(wpk_writer_add(w, &m, big, big_len, &err) == 0);
    m = meta("Ωmega/Fernando_Pérez_(software_developer).md", "Fernando Pérez (software developer)", 47231026, 1000);
    m.language = "en";
    m.url = "https://en.wikipedia.org/wiki/Fernando_P%C3%A9rez";
    m.mime = "text/markdown";
    CHECK(wpk_writer_add(w, &m, "# Fernando Pérez\n", strlen("# Fernando Pérez\n"), &err) == 0);
    /* The same article three times: the newest is the one found by ID and title. */
    m = meta("v/old.md", "Pylons project", 36723720, 100);
    CHECK(wpk_writer_add(w, &m, "old", 3, &err) == 0);
    m = meta("v/new.md", "Pylons project", 36723720, 300);
    CHECK(wpk_writer_add(w, &m, "new", 3, &err) == 0);
    m = meta("v/mid.md", "Pylons project", 36723720, 200);
    CHECK(wpk_writer_add(w, &m, "mid", 3, &err) == 0);
    /* Identical contents are stored once. */
    m = meta("dup/a.txt", NULL, 0, 0);
    CHECK(wpk_writer_add(w, &m, big, 5000, &err) == 0);
    m = meta("dup/b.txt", NULL, 0, 0);
    CHECK(wpk_writer_add(w, &m, big, 5000, &err) == 0);
    wpk_write_stats st = WPK_WRITE_STATS_INIT;
    CHECK(wpk_writer_finish(w, &st, &err) == 0);
    wpk_writer_free(w);
    CHECK(st.entries == 8 && st.unique_contents == 6); /* the empty entry is stored nowhere */
    CHECK(st.content_bytes == big_len + 5000 * 2 + 9 + strlen("# Fernando Pérez\n"));
    CHECK(st.unique_bytes == st.content_bytes - 5000);

    wpk_reader *r;
    CHECK(wpk_reader_open(&r, p, NULL, &err) == 0);
    if (!r) return;
    wpk_entry *e = NULL;
    CHECK(wpk_reader_find_by_path(r, "zero.txt", &e, &err) == 0 && content_is(r, e, "", 0));
    wpk_entry_free(e);
    CHECK(wpk_reader_find_by_id(r, 10, &e, &err) == 0 && content_is(r, e, big, big_len));
    CHECK(e && e->block_stored_size > 0);
    wpk_entry_free(e);
    CHECK(wpk_reader_find_by_title(r, "Fernando Pérez (software developer)", &e, &err) == 0);
    CHECK(e && !strcmp(e->path, "Ωmega/Fernando_Pérez_(software_developer).md") && !strcmp(e->language, "en"));
    CHECK(e && !strcmp(e->mime, "text/markdown") && e->has_updated && e->updated_us == 1000);
    CHECK(e && !strcmp(e->url, "https://en.wikipedia.org/wiki/Fernando_P%C3%A9rez"));
    wpk_entry_free(e);
    CHECK(wpk_reader_find_by_id(r, 36723720, &e, &err) == 0 && e && !strcmp(e->path, "v/new.md"));
    wpk_entry_free(e);
    CHECK(wpk_reader_find_by_title(r, "Pylons project", &e, &err) == 0 && e && content_is(r, e, "new", 3));
    wpk_entry_free(e);
    CHECK(wpk_reader_find_by_path(r, "v/old.md", &e, &err) == 0 && content_is(r, e, "old", 3));
    CHECK(e && e->title && !strcmp(e->title, "Pylons project")); /* an older version keeps its own title */
    wpk_entry_free(e);
    wpk_entry *a = NULL, *b = NULL;
    CHECK(wpk_reader_find_by_path(r, "dup/a.txt", &a, &err) == 0 && wpk_reader_find_by_path(r, "dup/b.txt", &b, &err) == 0);
    CHECK(a && b && a->block_offset == b->block_offset && content_is(r, b, big, 5000));
    CHECK(a && a->title == NULL && a->has_page_id == 0 && a->language == NULL);
    wpk_entry_free(a);
    wpk_entry_free(b);
    CHECK(wpk_reader_find_by_title(r, "pylons project", &e, &err) == WPK_E_NOTFOUND);
    CHECK(wpk_reader_find_by_path(r, "v", &e, &err) == WPK_E_NOTFOUND);
    CHECK(wpk_reader_find_by_id(r, 11, &e, &err) == WPK_E_NOTFOUND && strstr(err.message, "11"));
    /* Position order is path order. */
    CHECK(wpk_reader_entry_at(r, 0, &e, &err) == 0 && e && !strcmp(e->path, "big/entry.bin"));
    wpk_entry_free(e);
    CHECK(wpk_reader_entry_at(r, 7, &e, &err) == 0 && e && !strcmp(e->path, "Ωmega/Fernando_Pérez_(software_developer).md"));
    wpk_entry_free(e);
    /* A caller buffer too small is refused, not overrun. */
    CHECK(wpk_reader_find_by_id(r, 10, &e, &err) == 0);
    char small[10];
    CHECK(e && wpk_reader_read(r, e, small, sizeof small, 1, &err) == WPK_E_INVALID);
    wpk_entry_free(e);
    size_t n = 0;
    CHECK(wpk_reader_foreach(r, count_cb, &n, &err) == 0 && n == 8);
    wpk_verify_stats vs = WPK_VERIFY_STATS_INIT;
    CHECK(wpk_reader_verify(r, WPK_VERIFY_FULL, NULL, NULL, &vs, &err) == 0);
    /* Full verify decompresses every block once (2.0 checks blocks, not
     * each entry's content: a duplicate's bytes are its original's). */
    CHECK_MSG(vs.entries_checked == 8 && vs.problems == 0 && vs.bytes_checked == st.unique_bytes &&
                  vs.blocks_checked == st.blocks,
              "%llu entries, %llu bytes, %llu blocks", (unsigned long long)vs.entries_checked,
              (unsigned long long)vs.bytes_checked, (unsigned long long)vs.blocks_checked);
    wpk_reader_close(r);

    /* The same archive through memory and through a custom source. */
    size_t len;
    void *bytes = slurp(p, &len);
    CHECK(bytes && wpk_reader_open_memory(&r, bytes, len, NULL, &err) == 0);
    if (r) {
        CHECK(wpk_reader_find_by_id(r, 10, &e, &err) == 0 && content_is(r, e, big, big_len));
        wpk_entry_free(e);
        wpk_reader_close(r);
    }
    free(bytes);
    free(big);
}

typedef struct counting_src { FILE *f; size_t reads; pthread_mutex_t lock; } counting_src;

static int counting_read(void *opaque, uint64_t off, void *buf, size_t len)
{
    counting_src *s = opaque;
    pthread_mutex_lock(&s->lock);
    s->reads++;
    int ok = fseek(s->f, (long)off, SEEK_SET) == 0 && fread(buf, 1, len, s->f) == len;
    pthread_mutex_unlock(&s->lock);
    return ok ? 0 : -1;
}

/* Generated article-like text: shared boilerplate plus varied words, so a
 * dictionary pays off with small blocks. */
static size_t gen_article(char *buf, size_t cap, unsigned i)
{
    static const char *words[] = {"python", "module", "software", "release", "library", "interpreter", "package",
                                  "framework", "syntax", "version", "license", "developer", "project", "thread"};
    size_t n = (size_t)snprintf(buf, cap,
                                "# Article %u\n\n## Article Metadata\n\n- **Last Updated:** 2024-12-14T19:42:35Z\n"
                                "- **Language:** en\n- **Page ID:** %u\n\n## Summary\n\n",
                                i, 1000 + i);
    unsigned x = i * 2654435761u + 1;
    while (n + 20 < cap && n < 600 + (i % 7) * 150) {
        x = x * 1103515245u + 12345u;
        n += (size_t)snprintf(buf + n, cap - n, "%s ", words[(x >> 16) % 14]);
    }
    n += (size_t)snprintf(buf + n, cap - n, "\n\n## Categories\n\n- Category:Python (programming language) software\n");
    return n;
}

/* dict_size 0: the writer's default size. */
static int write_generated_dict(const char *p, unsigned count, int threads, size_t block, int dict, uint32_t dict_size,
                                wpk_write_stats *st)
{
    wpk_write_opts o = WPK_WRITE_OPTS_INIT;
    o.threads = threads;
    o.block_size = (uint32_t)block;
    o.level = 3;
    o.dictionary = dict;
    o.dict_size = dict_size;
    wpk_writer *w;
    wpk_error err;
    if (wpk_writer_create(&w, p, &o, &err)) return -1;
    char buf[4096], path[64], title[64];
    int rc = 0;
    for (unsigned i = 0; i < count && !rc; i++) {
        size_t n = gen_article(buf, sizeof buf, i);
        snprintf(path, sizeof path, "a/%06u.md", i);
        snprintf(title, sizeof title, "Article %u", i);
        wpk_entry m = meta(path, title, 1000 + i, 1700000000000000 + i);
        rc = wpk_writer_add(w, &m, buf, n, &err);
    }
    if (!rc) rc = wpk_writer_finish(w, st, &err);
    if (rc) fprintf(stderr, "write_generated: %s\n", err.message);
    wpk_writer_free(w);
    return rc;
}

static int write_generated(const char *p, unsigned count, int threads, size_t block, int dict, wpk_write_stats *st)
{
    return write_generated_dict(p, count, threads, block, dict, 16384, st);
}

static int same_file(const char *a, const char *b)
{
    size_t la, lb;
    void *pa = slurp(a, &la), *pb = slurp(b, &lb);
    int same = pa && pb && la == lb && memcmp(pa, pb, la) == 0;
    free(pa);
    free(pb);
    return same;
}

static void test_dictionary_and_threads(void)
{
    const char *p1 = tmp_path("gen-j1.wpk"), *p2 = tmp_path("gen-j2.wpk"), *p3 = tmp_path("gen-nodict.wpk");
    wpk_write_stats s1 = WPK_WRITE_STATS_INIT, s2 = WPK_WRITE_STATS_INIT, s3 = WPK_WRITE_STATS_INIT;
    CHECK(write_generated(p1, 3000, 1, 8192, 0, &s1) == 0);
    CHECK(write_generated(p2, 3000, 2, 8192, 0, &s2) == 0);
    CHECK(write_generated(p3, 3000, 2, 8192, -1, &s3) == 0);
    CHECK_MSG(s1.dict_size > 0, "a dictionary should pay off on small blocks of similar articles");
    CHECK(s3.dict_size == 0);
    CHECK_MSG(s1.file_size < s3.file_size, "dictionary %llu vs none %llu", (unsigned long long)s1.file_size,
              (unsigned long long)s3.file_size);
    CHECK_MSG(same_file(p1, p2), "archives written with 1 and 2 threads differ");

    /* Lookups through a counting source, page cache off: open reads the
     * prefix, which holds the dictionary, in one read (it is under 64 KiB);
     * a lookup by ID or title then costs two page reads and one block read
     * at most, the dictionary none (1.x read it on first use). */
    counting_src cs = {fopen(p1, "rb"), 0, PTHREAD_MUTEX_INITIALIZER};
    struct stat sb;
    stat(p1, &sb);
    wpk_source src = {sizeof src, counting_read, &cs, (uint64_t)sb.st_size, "gen-j1.wpk", NULL};
    wpk_reader *r;
    wpk_error err;
    wpk_open_opts oo = WPK_OPEN_OPTS_INIT;
    oo.cache_pages = -1;
    CHECK(wpk_reader_open_source(&r, &src, &oo, &err) == 0);
    if (!r) return;
    CHECK_MSG(cs.reads == 1, "open made %zu reads", cs.reads);
    char buf[4096], title[64];
    int all_ok = 1;
    size_t most = 0;
    for (unsigned i = 0; i < 3000; i += 37) {
        for (int by_title = 0; by_title < 2; by_title++) {
            size_t before = cs.reads;
            wpk_entry *e = NULL;
            size_t n = gen_article(buf, sizeof buf, i);
            snprintf(title, sizeof title, "Article %u", i);
            int rc = by_title ? wpk_reader_find_by_title(r, title, &e, &err) : wpk_reader_find_by_id(r, 1000 + i, &e, &err);
            if (rc != 0 || !content_is(r, e, buf, n)) all_ok = 0;
            size_t made = cs.reads - before;
            if (made > most) most = made;
            wpk_entry_free(e);
        }
    }
    CHECK_MSG(all_ok && most == 3, "lookups wrong, or up to %zu reads for 2 index pages + 1 block", most);
    wpk_verify_stats vs = WPK_VERIFY_STATS_INIT;
    CHECK(wpk_reader_verify(r, WPK_VERIFY_FULL, NULL, NULL, &vs, &err) == 0 && vs.entries_checked == 3000);
    wpk_reader_close(r);
    fclose(cs.f);
}

/* Above 50,000 entries the dictionary's trials run in another order
 * (writer_dict.c): the archive must still not depend on the threads. */
static void test_dictionary_large_archive(void)
{
    const char *p1 = tmp_path("gen-large-j1.wpk"), *p2 = tmp_path("gen-large-j2.wpk");
    wpk_write_stats s1 = WPK_WRITE_STATS_INIT, s2 = WPK_WRITE_STATS_INIT;
    CHECK(write_generated(p1, 50001, 1, 8192, 0, &s1) == 0);
    CHECK(write_generated(p2, 50001, 2, 8192, 0, &s2) == 0);
    CHECK_MSG(s2.dict_size > 0, "a dictionary should pay off on small blocks of similar articles");
    CHECK_MSG(same_file(p1, p2), "archives of 50,001 entries written with 1 and 2 threads differ");
    remove(p1);
    remove(p2);
}

/* The default dictionary grows with the entries as well as with the
 * content (64 bytes an entry, up to an 8th of the content; writer_dict.c),
 * since it compresses the index pages too. 3,000 abstracts of ~1 KB made of
 * pseudo-words: a dictionary of up to 192,000 bytes, not a 64th of the
 * content (47 KB). */
static void test_dictionary_sized_by_entries(void)
{
    const char *p = tmp_path("gen-dict-default.wpk");
    wpk_write_opts o = WPK_WRITE_OPTS_INIT;
    o.threads = 2;
    o.level = 3;
    wpk_writer *w;
    wpk_error err;
    CHECK(wpk_writer_create(&w, p, &o, &err) == 0);
    if (!w) return;
    /* 2,000 pseudo-words, drawn with a skew towards the first ones, as
     * words are in real text. */
    static const char *const syllables[] = {"ka", "lo", "mi", "ne", "su", "ra", "te", "vo", "di", "pa", "gu", "ze",
                                            "ho", "bi", "fe", "wu"};
    char buf[2048], path[64], title[64];
    unsigned x = 7;
    int rc = 0;
    for (unsigned i = 0; i < 3000 && !rc; i++) {
        size_t n = (size_t)snprintf(buf, sizeof buf, "# Abstract %u\n\n", i);
        while (n < 1000) {
            x = x * 1103515245u + 12345u;
            unsigned a = (x >> 8) % 2000, b = (x >> 20) % 2000, word = a * b / 2000;
            for (unsigned k = word + 1; k; k /= 16) n += (size_t)snprintf(buf + n, sizeof buf - n, "%s", syllables[k % 16]);
            buf[n++] = ' ';
        }
        snprintf(path, sizeof path, "abstracts/%05u.md", i);
        snprintf(title, sizeof title, "Abstract %u", i);
        wpk_entry m = meta(path, title, 5000 + i, 1700000000000000 + i);
        rc = wpk_writer_add(w, &m, buf, n, &err);
    }
    wpk_write_stats st = WPK_WRITE_STATS_INIT;
    if (!rc) rc = wpk_writer_finish(w, &st, &err);
    CHECK_MSG(rc == 0, "%s", err.message);
    wpk_writer_free(w);
    /* Trained dictionaries can come out smaller than asked, never larger:
     * one over a 64th of the content was asked for by the entry count. */
    CHECK_MSG(!rc && st.dict_size > st.unique_bytes / 64 && st.dict_size <= 3000 * 64,
              "dictionary of %llu bytes for 3,000 entries of %llu bytes", (unsigned long long)st.dict_size,
              (unsigned long long)st.unique_bytes);
    remove(p);
}

typedef struct reader_job { wpk_reader *r; unsigned start, count; int bad; } reader_job;

static void *read_all_by_title(void *arg)
{
    reader_job *j = arg;
    char title[64], buf[4096];
    for (unsigned i = j->start; i < j->start + j->count; i++) {
        snprintf(title, sizeof title, "Article %u", i);
        wpk_entry *e = NULL;
        wpk_error err;
        size_t n = gen_article(buf, sizeof buf, i);
        if (wpk_reader_find_by_title(j->r, title, &e, &err) != 0 || !content_is(j->r, e, buf, n)) j->bad++;
        wpk_entry_free(e);
    }
    return NULL;
}

static void test_concurrent_readers(void)
{
    wpk_reader *r;
    wpk_error err;
    CHECK(wpk_reader_open(&r, tmp_path("gen-j2.wpk"), NULL, &err) == 0);
    if (!r) return;
    reader_job jobs[4];
    pthread_t t[4];
    for (int i = 0; i < 4; i++) {
        jobs[i] = (reader_job){r, (unsigned)i * 750, 750, 0};
        pthread_create(&t[i], NULL, read_all_by_title, &jobs[i]);
    }
    int bad = 0;
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        bad += jobs[i].bad;
    }
    CHECK_MSG(bad == 0, "%d concurrent reads failed", bad);
    wpk_reader_close(r);
}

static void test_many_tiny(void)
{
    const char *p = tmp_path("tiny.wpk");
    enum { N = 100000 };
    wpk_write_opts o = WPK_WRITE_OPTS_INIT;
    o.level = 1;
    wpk_writer *w;
    wpk_error err;
    CHECK(wpk_writer_create(&w, p, &o, &err) == 0);
    char path[64], title[64], body[64];
    int rc = 0;
    for (unsigned i = 0; i < N && !rc; i++) {
        snprintf(path, sizeof path, "t/%u/%u.txt", i % 97, i);
        snprintf(title, sizeof title, "Tiny %u", i);
        int n = snprintf(body, sizeof body, "entry %u says %u", i, i * 7919u);
        wpk_entry m = meta(path, title, 5000000 + (uint64_t)i * 3, 0);
        rc = wpk_writer_add(w, &m, body, (size_t)n, &err);
    }
    wpk_write_stats st = WPK_WRITE_STATS_INIT;
    CHECK(rc == 0 && wpk_writer_finish(w, &st, &err) == 0 && st.entries == N);
    wpk_writer_free(w);
    wpk_reader *r;
    CHECK(wpk_reader_open(&r, p, NULL, &err) == 0);
    if (!r) return;
    int bad = 0;
    for (unsigned i = 0; i < N; i += 101) {
        int n = snprintf(body, sizeof body, "entry %u says %u", i, i * 7919u);
        snprintf(path, sizeof path, "t/%u/%u.txt", i % 97, i);
        snprintf(title, sizeof title, "Tiny %u", i);
        wpk_entry *e = NULL;
        if (wpk_reader_find_by_id(r, 5000000 + (uint64_t)i * 3, &e, &err) || !content_is(r, e, body, (size_t)n)) bad++;
        wpk_entry_free(e);
        if (wpk_reader_find_by_path(r, path, &e, &err) || !content_is(r, e, body, (size_t)n)) bad++;
        wpk_entry_free(e);
        if (wpk_reader_find_by_title(r, title, &e, &err) || !content_is(r, e, body, (size_t)n)) bad++;
        wpk_entry_free(e);
    }
    CHECK_MSG(bad == 0, "%d lookups among 100,000 entries failed", bad);
    /* Added out of path order ("t/0/97.txt" after "t/96/96.txt"), numbered in it. */
    char prev[64] = "";
    for (unsigned k = 0; k < N; k += 997) {
        wpk_entry *at = NULL;
        CHECK(wpk_reader_entry_at(r, k, &at, &err) == 0 && at && strcmp(prev, at->path) < 0);
        if (at) snprintf(prev, sizeof prev, "%s", at->path);
        wpk_entry_free(at);
    }
    wpk_entry *e = NULL;
    CHECK(wpk_reader_find_by_id(r, 5000001, &e, &err) == WPK_E_NOTFOUND);
    wpk_verify_stats vs = WPK_VERIFY_STATS_INIT;
    CHECK(wpk_reader_verify(r, WPK_VERIFY_FULL, NULL, NULL, &vs, &err) == 0 && vs.entries_checked == N);
    wpk_reader_close(r);
}

typedef struct hits { int n; uint64_t entry[8]; char title[8][128]; int alias[8]; } hits;

static int collect_hit(void *ctx, const char *title, int is_alias, uint64_t entry)
{
    hits *h = ctx;
    if (h->n < 8) {
        h->entry[h->n] = entry;
        snprintf(h->title[h->n], sizeof h->title[0], "%s", title);
        h->alias[h->n] = is_alias;
    }
    h->n++;
    return 0;
}

static const char *path_of(wpk_reader *r, uint64_t n)
{
    static char buf[256];
    wpk_entry *e;
    wpk_error err;
    buf[0] = 0;
    if (wpk_reader_entry_at(r, n, &e, &err) == 0) {
        snprintf(buf, sizeof buf, "%s", e->path);
        wpk_entry_free(e);
    }
    return buf;
}

/* Versions, aliases, categories and title matching (format 1.1). */
static void test_articles(int latest_only)
{
    const char *p = tmp_path(latest_only ? "articles-latest.wpk" : "articles.wpk");
    wpk_write_opts o = WPK_WRITE_OPTS_INIT;
    o.latest_only = latest_only;
    wpk_writer *w;
    wpk_error err;
    CHECK(wpk_writer_create(&w, p, &o, &err) == 0);
    static const char *cats_twisted[] = {"Category:Python (programming language) software", "Category:Networking"};
    static const char *cats_zope[] = {"Category:Python (programming language) software"};
    wpk_entry m = meta("a/Twisted_software.md", "Twisted (software)", 1793652, 300);
    m.categories = cats_twisted;
    m.n_categories = 2;
    CHECK(wpk_writer_add(w, &m, "twisted v3", 10, &err) == 0);
    m = meta("b/Twisted_software.md", "Twisted (software)", 1793652, 100);
    m.categories = cats_twisted; /* the same list as the article: stored once */
    m.n_categories = 2;
    CHECK(wpk_writer_add(w, &m, "twisted v1", 10, &err) == 0);
    m = meta("c/Nevow.md", "Twisted (software)", 1793652, 200);
    CHECK(wpk_writer_add(w, &m, "twisted v2", 10, &err) == 0);
    /* No page ID: versions are grouped by folded title. */
    m = meta("z/Zope.md", "Zope Object Database", 0, 50);
    m.categories = cats_zope;
    m.n_categories = 1;
    CHECK(wpk_writer_add(w, &m, "zodb new", 8, &err) == 0);
    m = meta("z/zope_object_database.md", "zope object  database", 0, 10);
    CHECK(wpk_writer_add(w, &m, "zodb old", 8, &err) == 0);
    m = meta("e/Emacs.md", "Éclair", 42, 0);
    m.ns = 14;
    m.has_ns = 1;
    CHECK(wpk_writer_add(w, &m, "eclair", 6, &err) == 0);
    m = meta("p/python.md", "Python", 7, 0);
    CHECK(wpk_writer_add(w, &m, "snake", 5, &err) == 0);
    m = meta("p/python-lang.md", "python", 8, 0);
    CHECK(wpk_writer_add(w, &m, "language", 8, &err) == 0);
    /* Two articles with one exact title: a query for it is ambiguous. */
    m = meta("q/mercury-planet.md", "Mercury", 100, 0);
    CHECK(wpk_writer_add(w, &m, "planet", 6, &err) == 0);
    m = meta("q/mercury-element.md", "Mercury", 200, 0);
    CHECK(wpk_writer_add(w, &m, "element", 7, &err) == 0);
    CHECK(wpk_writer_add_alias(w, "Nevow", "Twisted (software)", &err) == 0);
    CHECK(wpk_writer_add_alias(w, "Twisted_(software)", "Twisted (software)", &err) == 0); /* folds to the title */
    CHECK(wpk_writer_add_alias(w, "Gone", "No such article", &err) == 0);
    wpk_write_stats st = WPK_WRITE_STATS_INIT;
    CHECK(wpk_writer_finish(w, &st, &err) == 0);
    wpk_writer_free(w);
    CHECK_MSG(st.articles == 7, "articles %llu", (unsigned long long)st.articles);
    CHECK(st.revisions == (latest_only ? 0u : 3u) && st.dropped_revisions == (latest_only ? 3u : 0u));
    CHECK(st.entries == (latest_only ? 7u : 10u));
    /* 2.0 stores every resolved alias, one folding to its target's title
     * too (1.x left that one out: its title item matched it); "Gone"
     * leads nowhere. */
    CHECK_MSG(st.aliases == 2 && st.unresolved_aliases == 1, "%llu aliases, %llu unresolved",
              (unsigned long long)st.aliases, (unsigned long long)st.unresolved_aliases);

    wpk_reader *r;
    CHECK(wpk_reader_open(&r, p, NULL, &err) == 0);
    if (!r) return;
    wpk_entry *e = NULL;
    CHECK(wpk_reader_find_by_id(r, 1793652, &e, &err) == 0 && e && !strcmp(e->path, "a/Twisted_software.md"));
    CHECK(e && e->n_categories == 2 && !strcmp(e->categories[1], "Category:Networking") && !e->is_revision);
    CHECK(e && e->n_revisions == (latest_only ? 0u : 2u));
    if (e && e->n_revisions == 2) {
        CHECK(!strcmp(path_of(r, e->revisions[0]), "c/Nevow.md") && !strcmp(path_of(r, e->revisions[1]), "b/Twisted_software.md"));
        wpk_entry *old = NULL;
        CHECK(wpk_reader_entry_at(r, e->revisions[1], &old, &err) == 0 && old && old->is_revision &&
              old->current_entry == e->entry_number && content_is(r, old, "twisted v1", 10));
        CHECK(old && old->n_categories == 2 && !strcmp(old->categories[0], cats_twisted[0]) &&
              !strcmp(old->categories[1], cats_twisted[1]));
        wpk_entry_free(old);
    }
    wpk_entry_free(e);
    CHECK(wpk_reader_find_by_path(r, "e/Emacs.md", &e, &err) == 0 && e && e->has_ns && e->ns == 14);
    wpk_entry_free(e);

    hits h;
    wpk_match_level lv;
    memset(&h, 0, sizeof h);
    CHECK(wpk_reader_match_title(r, "Twisted (software)", collect_hit, &h, &lv, &err) == 0 && lv == WPK_MATCH_EXACT && h.n == 1);
    CHECK(!strcmp(path_of(r, h.entry[0]), "a/Twisted_software.md"));
    memset(&h, 0, sizeof h);
    CHECK(wpk_reader_match_title(r, "Nevow", collect_hit, &h, &lv, &err) == 0 && lv == WPK_MATCH_EXACT && h.n == 1 && h.alias[0]);
    CHECK(!strcmp(path_of(r, h.entry[0]), "a/Twisted_software.md"));
    memset(&h, 0, sizeof h);
    CHECK(wpk_reader_match_title(r, "twisted_(software)", collect_hit, &h, &lv, &err) == 0 && lv == WPK_MATCH_MEDIAWIKI && h.n == 1);
    memset(&h, 0, sizeof h);
    CHECK(wpk_reader_match_title(r, "  TWISTED   (Software) ", collect_hit, &h, &lv, &err) == 0 && lv == WPK_MATCH_FOLDED && h.n == 1);
    memset(&h, 0, sizeof h);
    CHECK(wpk_reader_match_title(r, "e\xcc\x81" "clair", collect_hit, &h, &lv, &err) == 0 && lv == WPK_MATCH_FOLDED && h.n == 1);
    memset(&h, 0, sizeof h);
    CHECK(wpk_reader_match_title(r, "zope object database", collect_hit, &h, &lv, &err) == 0 && h.n == 1);
    CHECK(!strcmp(path_of(r, h.entry[0]), "z/Zope.md"));
    /* "Python" and "python" are two articles: exact picks one, MediaWiki
     * normalization ("pYTHON" -> "PYTHON") none, folding both. */
    memset(&h, 0, sizeof h);
    CHECK(wpk_reader_match_title(r, "python", collect_hit, &h, &lv, &err) == 0 && lv == WPK_MATCH_EXACT && h.n == 1);
    memset(&h, 0, sizeof h);
    CHECK(wpk_reader_match_title(r, "PYTHON", collect_hit, &h, &lv, &err) == 0 && lv == WPK_MATCH_FOLDED && h.n == 2);
    CHECK(wpk_reader_match_title(r, "Gone", collect_hit, &h, &lv, &err) == WPK_E_NOTFOUND);
    memset(&h, 0, sizeof h);
    CHECK(wpk_reader_match_title(r, "Mercury", collect_hit, &h, &lv, &err) == 0 && lv == WPK_MATCH_EXACT && h.n == 2);
    /* A spelling only an older version carries still leads to the article. */
    memset(&h, 0, sizeof h);
    if (!latest_only) {
        CHECK(wpk_reader_match_title(r, "zope object  database", collect_hit, &h, &lv, &err) == 0 && lv == WPK_MATCH_EXACT);
        CHECK(h.n == 1 && !strcmp(path_of(r, h.entry[0]), "z/Zope.md"));
    }

    memset(&h, 0, sizeof h);
    /* Each item once, in index order: the title before the alias of one key. */
    CHECK(wpk_reader_find_prefix(r, "tw", 0, collect_hit, &h, &err) == 0 && h.n == 2 &&
          !strcmp(h.title[0], "Twisted (software)") && h.alias[0] == 0 && !strcmp(h.title[1], "Twisted_(software)") &&
          h.alias[1] == 1 && h.entry[0] == h.entry[1]);
    memset(&h, 0, sizeof h);
    CHECK(wpk_reader_find_prefix(r, "", 3, collect_hit, &h, &err) == 0 && h.n == 3);
    memset(&h, 0, sizeof h);
    CHECK(wpk_reader_find_prefix(r, "p", 0, collect_hit, &h, &err) == 0 && h.n == 2);
    memset(&h, 0, sizeof h);
    CHECK(wpk_reader_category(r, "Category:Python (programming language) software", collect_hit, &h, &err) == 0 && h.n == 2);
    memset(&h, 0, sizeof h);
    CHECK(wpk_reader_category(r, "Category:Networking", collect_hit, &h, &err) == 0 && h.n == 1);
    memset(&h, 0, sizeof h);
    CHECK(wpk_reader_category(r, "Category:None", collect_hit, &h, &err) == 0 && h.n == 0);
    CHECK(wpk_reader_verify(r, WPK_VERIFY_FULL, NULL, NULL, NULL, &err) == 0);
    wpk_reader_close(r);
}

static void test_writer_errors(void)
{
    wpk_writer *w;
    wpk_error err;
    const char *p = tmp_path("errors.wpk");
    unlink(p);
    CHECK(wpk_writer_create(&w, p, NULL, &err) == 0);
    static const char *bad_paths[] = {"/abs", "../up", "a/../b", "a//b", "a/", ".", "a\\b", "tab\there", "bad\xff.md",
                                      "\xc0\xaf", ""};
    for (size_t i = 0; i < sizeof bad_paths / sizeof bad_paths[0]; i++) {
        wpk_entry m = meta(bad_paths[i], NULL, 0, 0);
        CHECK_MSG(wpk_writer_add(w, &m, "x", 1, &err) == WPK_E_INVALID, "path \"%s\" accepted", bad_paths[i]);
    }
    char longname[300];
    memset(longname, 'n', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    wpk_entry m = meta(longname, NULL, 0, 0);
    CHECK(wpk_writer_add(w, &m, "x", 1, &err) == WPK_E_INVALID);
    m = meta("same.txt", NULL, 0, 0);
    CHECK(wpk_writer_add(w, &m, "1", 1, &err) == 0);
    CHECK(wpk_writer_add(w, &m, "2", 1, &err) == 0);
    CHECK(wpk_writer_finish(w, NULL, &err) == WPK_E_EXISTS && strstr(err.message, "same.txt"));
    wpk_writer_free(w);
    CHECK(access(p, F_OK) != 0); /* nothing under the final name */
    /* The same when the paths do not come in order (they are sorted at finish). */
    CHECK(wpk_writer_create(&w, p, NULL, &err) == 0);
    static const char *unordered[] = {"b.txt", "same.txt", "a.txt", "same.txt", "c.txt"};
    for (size_t i = 0; i < sizeof unordered / sizeof unordered[0]; i++) {
        m = meta(unordered[i], NULL, 0, 0);
        CHECK(wpk_writer_add(w, &m, "x", 1, &err) == 0);
    }
    CHECK(wpk_writer_finish(w, NULL, &err) == WPK_E_EXISTS && strstr(err.message, "\"same.txt\""));
    wpk_writer_free(w);
    CHECK(access(p, F_OK) != 0);

    /* A failing pack leaves an existing archive untouched. */
    CHECK(wpk_writer_create(&w, p, NULL, &err) == 0);
    m = meta("ok.txt", NULL, 0, 0);
    CHECK(wpk_writer_add(w, &m, "ok", 2, &err) == 0);
    CHECK(wpk_writer_finish(w, NULL, &err) == 0);
    wpk_writer_free(w);
    size_t before_len, after_len;
    void *before = slurp(p, &before_len);
    CHECK(wpk_writer_create(&w, p, NULL, &err) == 0);
    m = meta("gone.txt", NULL, 0, 0);
    CHECK(wpk_writer_add_file(w, &m, tmp_path("no-such-file"), &err) == 0);
    CHECK(wpk_writer_finish(w, NULL, &err) == WPK_E_IO && strstr(err.message, "no-such-file"));
    wpk_writer_free(w);
    void *after = slurp(p, &after_len);
    CHECK(before && after && before_len == after_len && memcmp(before, after, before_len) == 0);
    free(before);
    free(after);

    CHECK(wpk_writer_create(&w, tmp_path("no-such-dir/x.wpk"), NULL, &err) == 0);
    m = meta("a", NULL, 0, 0);
    int rc = wpk_writer_add(w, &m, "a", 1, &err);
    if (rc == 0) rc = wpk_writer_finish(w, NULL, &err);
    CHECK(rc == WPK_E_IO && strstr(err.message, "no-such-dir"));
    wpk_writer_free(w);

    /* A title shared by more articles than one index page (16 MiB of
     * decoded strings) holds: a run of equal titles is never split, so the
     * writer refuses it and names it, and nothing is written. Each entry
     * has its own page ID, so that each is an article with a title item
     * (2.0 gives versions of one article no title item each, so 300
     * versions sharing the title pack). */
    static char huge[65001];
    memset(huge, 'h', sizeof huge - 1);
    for (int articles = 0; articles < 2; articles++) {
        CHECK(wpk_writer_create(&w, p, NULL, &err) == 0);
        unlink(p);
        rc = 0;
        for (int i = 0; i < 300 && !rc; i++) {
            char path[32];
            snprintf(path, sizeof path, "t/%03d.md", i);
            m = meta(path, huge, articles ? 1000 + (uint64_t)i : 0, articles ? 0 : 1 + i);
            rc = wpk_writer_add(w, &m, "x", 1, &err);
        }
        CHECK(rc == 0);
        rc = wpk_writer_finish(w, NULL, &err);
        if (articles)
            CHECK_MSG(rc == WPK_E_LIMIT && strstr(err.message, "the titles from \"hhh") &&
                          strstr(err.message, "over the 16777216-byte cap"),
                      "%d: %s", rc, err.message);
        else
            CHECK_MSG(rc == 0, "%s", err.message);
        wpk_writer_free(w);
        CHECK(articles ? access(p, F_OK) != 0 : access(p, F_OK) == 0);
    }
    unlink(p);
}

/* Duplicate contents are stored once, and contents whose hashes collide
 * are told apart byte by byte: with the duplicate table keeping 1 bit of
 * the hash, 300 contents of one size share two keys. Both from memory and
 * from files. */
static void test_dedup_collisions(void)
{
    char p[4200]; /* tmp_path's buffers are reused below */
    snprintf(p, sizeof p, "%s", tmp_path("dedup.wpk"));
    enum { N = 300 };
    wpk_write_opts o = WPK_WRITE_OPTS_INIT;
    o.level = 1;
    wpk_writer *w;
    wpk_error err;
    wpk_test_dedup_hash_bits = 1;
    CHECK(wpk_writer_create(&w, p, &o, &err) == 0);
    int rc = 0;
    char path[64], body[32], file[512];
    for (int i = 0; i < N && !rc; i++) {
        snprintf(path, sizeof path, "d/%03d.txt", i);
        snprintf(body, sizeof body, "content number %05d", i % 100); /* each three times */
        wpk_entry m = meta(path, NULL, 0, 0);
        if (i % 2) {
            snprintf(file, sizeof file, "%s", tmp_path(path + 2));
            FILE *f = fopen(file, "wb");
            CHECK(f && fwrite(body, 1, strlen(body), f) == strlen(body));
            if (f) fclose(f);
            rc = wpk_writer_add_file(w, &m, file, &err);
        } else {
            rc = wpk_writer_add(w, &m, body, strlen(body), &err);
        }
    }
    wpk_write_stats st = WPK_WRITE_STATS_INIT;
    CHECK(rc == 0 && wpk_writer_finish(w, &st, &err) == 0 && st.duplicates == N - 100);
    wpk_writer_free(w);
    wpk_test_dedup_hash_bits = 0;
    wpk_reader *r;
    CHECK(wpk_reader_open(&r, p, NULL, &err) == 0);
    if (!r) return;
    int bad = 0;
    for (int i = 0; i < N; i++) {
        snprintf(path, sizeof path, "d/%03d.txt", i);
        snprintf(body, sizeof body, "content number %05d", i % 100);
        wpk_entry *e = NULL;
        if (wpk_reader_find_by_path(r, path, &e, &err) || !content_is(r, e, body, strlen(body))) bad++;
        wpk_entry_free(e);
    }
    CHECK_MSG(bad == 0, "%d of %d contents read back wrong", bad, N);
    wpk_reader_close(r);
}

/* Files read under more directories than the writer numbers (65,535):
 * entries cycling through three directories start a new one each time;
 * past the limit each file keeps its whole name, and every content still
 * comes from its own file (three, so that a number wrapping at 2^16 would
 * name the wrong one). Hard links stand in for 65,600 files. */
static void test_many_roots(void)
{
    enum { N = 65600, DIRS = 3 };
    static const char *const body[DIRS] = {"from a", "from b", "from c"};
    char root[DIRS][4200], file[12700], path[32], src[DIRS][12700], p[4200]; /* sizes as gcc bounds them */
    snprintf(p, sizeof p, "%s", tmp_path("roots.wpk"));
    for (int k = 0; k < DIRS; k++) {
        char name[16];
        snprintf(name, sizeof name, "roots-%d", k);
        snprintf(root[k], sizeof root[k], "%s", tmp_path(name));
        snprintf(file, sizeof file, "%s/f", root[k]);
        CHECK((mkdir(root[k], 0755) == 0 || errno == EEXIST) && (mkdir(file, 0755) == 0 || errno == EEXIST));
        snprintf(src[k], sizeof src[k], "%s/src", root[k]);
        FILE *f = fopen(src[k], "wb");
        CHECK(f && fputs(body[k], f) >= 0);
        if (f) fclose(f);
    }
    wpk_write_opts o = WPK_WRITE_OPTS_INIT;
    o.level = 1;
    wpk_writer *w;
    wpk_error err;
    CHECK(wpk_writer_create(&w, p, &o, &err) == 0);
    int rc = 0;
    for (unsigned i = 0; i < N && !rc; i++) {
        snprintf(path, sizeof path, "f/%06u.md", i);
        snprintf(file, sizeof file, "%s/%s", root[i % DIRS], path);
        unlink(file); /* left by an interrupted run */
        if (link(src[i % DIRS], file) != 0) CHECK_MSG(0, "link %s: %s", file, strerror(errno));
        wpk_entry m = meta(path, NULL, 0, 0);
        rc = wpk_writer_add_file(w, &m, file, &err);
    }
    CHECK_MSG(rc == 0 && wpk_writer_finish(w, NULL, &err) == 0, "%s", err.message);
    wpk_writer_free(w);
    wpk_reader *r;
    CHECK(wpk_reader_open(&r, p, NULL, &err) == 0);
    unsigned bad = 0;
    for (unsigned i = 0; r && i < N; i++) {
        snprintf(path, sizeof path, "f/%06u.md", i);
        wpk_entry *e = NULL;
        if (wpk_reader_find_by_path(r, path, &e, &err) || !content_is(r, e, body[i % DIRS], 6)) bad++;
        wpk_entry_free(e);
    }
    CHECK_MSG(bad == 0, "%u of %u contents read back wrong", bad, (unsigned)N);
    wpk_reader_close(r);
    for (unsigned i = 0; i < N; i++) {
        snprintf(file, sizeof file, "%s/f/%06u.md", root[i % DIRS], i);
        unlink(file);
    }
}

/* Versions of one article: the writer counts at most 65,535; past that
 * the pack fails with the article named (1.x also failed at ~16,000, what
 * its record's extension bytes could link; a 2.0 entry page has no such
 * bound, so 16,500 versions pack and read back). Distinct (wiki, language)
 * pairs are limited to 65,535. */
static int add_versions(wpk_writer *w, unsigned n, wpk_error *err)
{
    int rc = 0;
    for (unsigned i = 0; i < n && !rc; i++) {
        char path[32];
        snprintf(path, sizeof path, "v/%06u.md", i);
        wpk_entry m = meta(path, "Popular", 42, 1700000000000000 + i);
        rc = wpk_writer_add(w, &m, path, strlen(path), err);
    }
    return rc;
}

static void test_writer_limits(void)
{
    const char *p = tmp_path("limits.wpk");
    wpk_write_opts o = WPK_WRITE_OPTS_INIT;
    o.level = 1;
    wpk_writer *w;
    wpk_error err;
    unlink(p);
    CHECK(wpk_writer_create(&w, p, &o, &err) == 0);
    CHECK(add_versions(w, 16500, &err) == 0);
    CHECK_MSG(wpk_writer_finish(w, NULL, &err) == 0, "16500 versions: %s", err.message);
    wpk_writer_free(w);
    wpk_reader *r;
    CHECK(wpk_reader_open(&r, p, NULL, &err) == 0);
    if (r) {
        wpk_entry *e = NULL, *old = NULL;
        CHECK(wpk_reader_find_by_id(r, 42, &e, &err) == 0 && e && !strcmp(e->path, "v/016499.md") &&
              e->n_revisions == 16499);
        CHECK(e && e->n_revisions == 16499 && wpk_reader_entry_at(r, e->revisions[16498], &old, &err) == 0 &&
              !strcmp(old->path, "v/000000.md") && old->is_revision && old->current_entry == e->entry_number);
        wpk_entry_free(old);
        wpk_entry_free(e);
        CHECK(wpk_reader_verify(r, WPK_VERIFY_QUICK, NULL, NULL, NULL, &err) == 0);
        wpk_reader_close(r);
    }
    unlink(p);
    CHECK(wpk_writer_create(&w, p, &o, &err) == 0);
    CHECK(add_versions(w, 65600, &err) == 0);
    CHECK_MSG(wpk_writer_finish(w, NULL, &err) == WPK_E_LIMIT && strstr(err.message, "too many versions of one article") &&
                  strstr(err.message, "v/"),
              "65600 versions: %s", err.message);
    wpk_writer_free(w);
    CHECK(access(p, F_OK) != 0);
    CHECK(wpk_writer_create(&w, p, &o, &err) == 0);
    int rc = 0;
    unsigned i;
    for (i = 0; i < 70000 && !rc; i++) {
        char path[32], lang[32];
        snprintf(path, sizeof path, "l/%06u.md", i);
        snprintf(lang, sizeof lang, "x-%u", i);
        wpk_entry m = meta(path, NULL, 0, 0);
        m.language = lang;
        rc = wpk_writer_add(w, &m, "x", 1, &err);
    }
    CHECK_MSG(rc == WPK_E_LIMIT && i == 65536 && strstr(err.message, "l/065535.md") &&
                  strstr(err.message, "65535 distinct (wiki, language) pairs"),
              "after %u languages: %s", i, err.message);
    wpk_writer_free(w);
    /* Categories of one entry: 16,383 (empty names: the only ones that
     * fit the byte cap that many times) pack; one more is refused. */
    static const char *empty[16384];
    for (unsigned k = 0; k < 16384; k++) empty[k] = "";
    for (unsigned n = 16383; n <= 16384; n++) {
        unlink(p);
        CHECK(wpk_writer_create(&w, p, &o, &err) == 0);
        wpk_entry m = meta("c/many.md", "Many", 7, 0);
        m.categories = empty;
        m.n_categories = n;
        rc = wpk_writer_add(w, &m, "x", 1, &err);
        if (n == 16383) CHECK_MSG(rc == 0 && wpk_writer_finish(w, NULL, &err) == 0, "16383 categories: %s", err.message);
        else CHECK_MSG(rc == WPK_E_LIMIT && strstr(err.message, "c/many.md") && strstr(err.message, "16383 categories"),
                       "16384 categories: %s", err.message);
        wpk_writer_free(w);
    }
}

/* Title normalization on its edges: empty after collapsing spaces (a
 * fuzzer found a read past the end here), one character, multi-byte first. */
static void test_title_edges(void)
{
    static const char *const cases[][2] = {
        {"_", ""}, {"___", ""}, {"", ""}, {" a", "A"}, {"a_b__c_", "A b c"}, {"élan", "Élan"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *out = NULL;
        CHECK(wpk_title_mediawiki(cases[i][0], strlen(cases[i][0]), &out) == WPK_OK);
        CHECK_MSG(out && strcmp(out, cases[i][1]) == 0, "\"%s\" -> \"%s\"", cases[i][0], out ? out : "(null)");
        wpk_free(out);
        CHECK(wpk_title_fold(cases[i][0], strlen(cases[i][0]), &out) == WPK_OK);
        wpk_free(out);
    }
}

static int sign(int v) { return (v > 0) - (v < 0); }

/* The writer keeps no folded title for a plain ASCII title and produces it
 * when comparing: every comparison must agree with strcmp on the folded
 * titles that title_norm.c makes, for titles with and without a kept copy. */
static void test_fold_without_copy(void)
{
    enum { N = 400 };
    static const char *const pieces[] = {"a", "B", "z", "Z", "_", " ", "  ", "\t", "0", "-", "\xc3\xa9", "\xc3\x89", "\x01", "~"};
    static char titles[N][40];
    static char *folds[N];
    static wentry entries[N];
    static wpk_writer w; /* only its title arena is used */
    unsigned seed = 12345, derived = 0;
    for (int i = 0; i < N; i++) {
        size_t len = 0;
        int parts = (int)((seed = seed * 1103515245u + 12345u) >> 16) % 7;
        for (int k = 0; k < parts; k++) {
            const char *piece = pieces[((seed = seed * 1103515245u + 12345u) >> 16) % (sizeof pieces / sizeof pieces[0])];
            memcpy(titles[i] + len, piece, strlen(piece));
            len += strlen(piece);
        }
        titles[i][len] = 0;
        CHECK(wpk_title_fold(titles[i], len, &folds[i]) == WPK_OK && folds[i]);
        if (!folds[i]) return;
        wentry *e = &entries[i];
        e->title_len = (uint16_t)len;
        e->fold_derived = len && wpk_fold_derivable(titles[i], len, folds[i]);
        derived += e->fold_derived;
        int plain = 1; /* ASCII without control characters: always produced */
        for (size_t k = 0; k < len; k++) plain &= (unsigned char)titles[i][k] < 0x80 && titles[i][k] != 1;
        CHECK_MSG(!len || !plain || e->fold_derived, "the folded form of \"%s\" is kept", titles[i]);
        size_t fold_size = len && !e->fold_derived ? strlen(folds[i]) + 1 : 0;
        char *text = wpk_arena_alloc_ref(&w.strings, len + 1 + fold_size, &e->text);
        CHECK(text != NULL);
        if (!text) return;
        memcpy(text, titles[i], len + 1); /* the title, then the kept fold */
        memcpy(text + len + 1, folds[i], fold_size);
    }
    CHECK_MSG(derived > N / 4 && derived < N - N / 4, "%u of %d folded titles produced, not kept", derived, N);
    int bad = 0;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            int want = sign(strcmp(folds[i], folds[j]));
            bad += sign(wpk_fold_cmp(&w, &entries[i], &entries[j])) != want;
            bad += sign(wpk_fold_cmp_str(&w, &entries[i], folds[j])) != want;
        }
    CHECK_MSG(bad == 0, "%d folded-title comparisons differ from strcmp", bad);
    for (int i = 0; i < N; i++) wpk_free(folds[i]);
    wpk_arena_free(&w.strings);
}

static int count_prefix(void *ctx, const char *title, int is_alias, uint64_t entry)
{
    (void)title, (void)is_alias, (void)entry;
    (*(int *)ctx)++;
    return 0;
}

/* A writer with 256-byte index pages (two or three records a leaf:
 * thousands of leaves), small blocks and a fast level; NULL on failure. */
static wpk_writer *small_page_writer(const char *p, int threads)
{
    wpk_write_opts o = WPK_WRITE_OPTS_INIT;
    o.page_size = 256;
    o.block_size = 4096;
    o.level = 1;
    o.threads = threads;
    wpk_writer *w;
    wpk_error err;
    return wpk_writer_create(&w, p, &o, &err) == 0 ? w : NULL;
}

static int write_branched(const char *p, unsigned n, int threads)
{
    wpk_writer *w = small_page_writer(p, threads);
    wpk_error err;
    if (!w) return -1;
    char path[64], title[64], cat[64], body[96];
    int rc = 0;
    for (unsigned i = 0; i < n && !rc; i++) {
        snprintf(path, sizeof path, "b/%05u.md", i);
        snprintf(title, sizeof title, "Topic %u", i);
        snprintf(cat, sizeof cat, "Category:Group %u", i % 50);
        int len = snprintf(body, sizeof body, "# Topic %u\n\nbody of %u", i, i * 31u);
        wpk_entry m = meta(path, title, 1000 + i, 0);
        const char *cats[] = {cat};
        m.categories = cats;
        m.n_categories = 1;
        rc = wpk_writer_add(w, &m, body, (size_t)len, &err);
    }
    if (!rc) rc = wpk_writer_finish(w, NULL, &err);
    wpk_writer_free(w);
    return rc;
}

/* Leaves of one index seen through its branch pages. */
typedef struct leaf_walk { long leaves; int per_branch[4096]; int last_branch; } leaf_walk;

static void count_leaf(void *ctx, const wpk2_root_item *leaf, int branch)
{
    (void)leaf;
    leaf_walk *w = ctx;
    w->leaves++;
    if (branch >= 0 && branch < 4096) w->per_branch[branch]++;
    w->last_branch = branch;
}

/* Indexes too large for a flat root get a level of branch pages: every
 * lookup, scan and walk must reach every leaf through them. The writer
 * branches a root above 4,096 leaves, which would take ~25,000 entries in
 * 256-byte pages for the entry index and several times more for the
 * others: its hook lowers that to 32 leaves here, so that all four roots
 * branch. */
static void test_branched_index(void)
{
    enum { N = 12000, MOST = 32 };
    const char *p1 = tmp_path("branched-1.wpk"), *p2 = tmp_path("branched-2.wpk");
    wpk_test_branch_size = MOST;
    CHECK(write_branched(p1, N, 1) == 0);
    CHECK(write_branched(p2, N, 2) == 0);
    wpk_test_branch_size = 0;
    CHECK_MSG(same_file(p1, p2), "one and two threads wrote different branched archives");
    size_t size = 0;
    uint8_t *buf = slurp(p1, &size);
    w2_layout lay;
    CHECK(buf && w2_open(&lay, buf, size) == 0);
    for (uint32_t type = WPK2_SEC_ENTRY_ROOT; buf && type <= WPK2_SEC_CATEGORY_ROOT; type++) {
        wpk2_section s = w2_section(&lay, type);
        static leaf_walk w;
        memset(&w, 0, sizeof w);
        long leaves = w2_leaves(&lay, type, count_leaf, &w);
        /* Branched, with the leaves MOST to a branch page, the last
         * branch page taking the rest. */
        int full = 1;
        for (int k = 0; k < w.last_branch; k++) full &= w.per_branch[k] == MOST;
        CHECK_MSG((s.flags & WPK2_SECF_BRANCHED) && leaves > MOST && w.last_branch == (leaves - 1) / MOST && full &&
                      w.per_branch[w.last_branch] == leaves - (long)w.last_branch * MOST,
                  "root %u: flags %#x, %ld leaves under %d branch pages", type, s.flags, leaves, w.last_branch + 1);
    }
    free(buf);
    wpk_reader *r;
    wpk_error err;
    CHECK(wpk_reader_open(&r, p1, NULL, &err) == 0);
    if (!r) return;
    char path[64], title[64], body[96];
    int bad = 0;
    for (unsigned i = 0; i < N; i++) {
        int len = snprintf(body, sizeof body, "# Topic %u\n\nbody of %u", i, i * 31u);
        snprintf(path, sizeof path, "b/%05u.md", i);
        snprintf(title, sizeof title, "Topic %u", i);
        wpk_entry *e = NULL;
        if (wpk_reader_find_by_id(r, 1000 + i, &e, &err) || !content_is(r, e, body, (size_t)len)) bad++;
        wpk_entry_free(e);
        if (wpk_reader_find_by_path(r, path, &e, &err) || !content_is(r, e, body, (size_t)len)) bad++;
        wpk_entry_free(e);
        if (wpk_reader_find_by_title(r, title, &e, &err) || !content_is(r, e, body, (size_t)len)) bad++;
        wpk_entry_free(e);
        if (wpk_reader_entry_at(r, i, &e, &err) || strcmp(e->path, path) != 0) bad++;
        wpk_entry_free(e);
    }
    CHECK_MSG(bad == 0, "%d lookups through branch pages failed", bad);
    /* Lower bounds by path, through the branch pages: at each path, just
     * past it (a byte more, even a NUL), and at a prefix of it. */
    uint64_t at = 0;
    for (unsigned i = 0; i < N; i++) {
        int len = snprintf(path, sizeof path, "b/%05u.md", i);
        path[len + 1] = 0;
        if (wpk_reader_path_lower_bound(r, path, (size_t)len, &at, &err) || at != i) bad++;
        if (wpk_reader_path_lower_bound(r, path, (size_t)len + 1, &at, &err) || at != i + 1) bad++;
        if (wpk_reader_path_lower_bound(r, path, (size_t)len - 2, &at, &err) || at != i) bad++;
    }
    CHECK_MSG(bad == 0, "%d path lower bounds wrong", bad);
    static const struct { const char *key; uint64_t at; } bounds[] = {
        {"", 0}, {"a", 0}, {"b/", 0}, {"b/1", 10000}, {"b/11999.md", 11999}, {"b/2", N}, {"c", N}, {"\xff", N},
    };
    for (size_t k = 0; k < sizeof bounds / sizeof *bounds; k++)
        CHECK_MSG(wpk_reader_path_lower_bound(r, bounds[k].key, strlen(bounds[k].key), &at, &err) == 0 &&
                      at == bounds[k].at, "lower bound of \"%s\": %llu", bounds[k].key, (unsigned long long)at);
    wpk_entry *e = NULL;
    CHECK(wpk_reader_find_by_path(r, "a.md", &e, &err) == WPK_E_NOTFOUND);
    CHECK(wpk_reader_find_by_path(r, "b/99999.md", &e, &err) == WPK_E_NOTFOUND);
    CHECK(wpk_reader_find_by_path(r, "b/01234.mdx", &e, &err) == WPK_E_NOTFOUND);
    CHECK(wpk_reader_find_by_id(r, 999, &e, &err) == WPK_E_NOTFOUND);
    CHECK(wpk_reader_find_by_id(r, 1000 + N, &e, &err) == WPK_E_NOTFOUND);
    CHECK(wpk_reader_find_by_title(r, "Topic", &e, &err) == WPK_E_NOTFOUND);
    CHECK(wpk_reader_entry_at(r, N, &e, &err) == WPK_E_NOTFOUND);
    size_t count = 0;
    CHECK(wpk_reader_foreach(r, count_cb, &count, &err) == 0 && count == N);
    int n = 0; /* "Topic 12", "Topic 120".."129", "Topic 1200".."1299": a scan across many leaves */
    CHECK(wpk_reader_find_prefix(r, "topic 12", 0, count_prefix, &n, &err) == 0);
    CHECK_MSG(n == 111, "prefix scan found %d titles", n);
    n = 0;
    CHECK(wpk_reader_category(r, "Category:Group 7", count_prefix, &n, &err) == 0 && n == N / 50);
    wpk_verify_stats vs = WPK_VERIFY_STATS_INIT;
    CHECK(wpk_reader_verify(r, WPK_VERIFY_FULL, NULL, NULL, &vs, &err) == 0 && vs.entries_checked == N &&
          vs.problems == 0);
    wpk_reader_close(r);
}

typedef struct lang_counts { char text[256]; } lang_counts;

static int collect_language(void *ctx, const char *language, uint64_t articles)
{
    lang_counts *l = ctx;
    size_t n = strlen(l->text);
    snprintf(l->text + n, sizeof l->text - n, "%s=%llu ", language, (unsigned long long)articles);
    return 0;
}

/* The summary counts articles per language: the current version's, else
 * the newest older version's that has one; files without a title or page
 * ID are not articles. Listed in bytewise order of the code. (Versions
 * join only within one wiki, which a language alone would otherwise
 * guess: Twisted's name theirs.) */
static void test_languages(int latest_only)
{
    const char *p = tmp_path("languages.wpk");
    wpk_write_opts o = WPK_WRITE_OPTS_INIT;
    o.latest_only = latest_only;
    wpk_writer *w;
    wpk_error err;
    CHECK(wpk_writer_create(&w, p, &o, &err) == 0);
    static const struct { const char *path, *title, *lang; uint64_t id; int64_t updated; } in[] = {
        {"t/v3.md", "Twisted", NULL, 1, 300}, {"t/v2.md", "Twisted", "fr", 1, 200}, {"t/v1.md", "Twisted", "de", 1, 100},
        {"z/zope.md", "Zope", "en", 2, 0},     {"e/emacs.md", "Emacs", "de", 3, 0},  {"p/python.md", "Python", "de", 0, 0},
        {"x/file.bin", NULL, "xx", 0, 0},      {"n/none.md", "Nothing", NULL, 4, 0},
    };
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        wpk_entry m = meta(in[i].path, in[i].title, in[i].id, in[i].updated);
        m.language = in[i].lang;
        m.wiki = in[i].id == 1 ? "twiki" : NULL;
        CHECK(wpk_writer_add(w, &m, "x", 1, &err) == 0);
    }
    CHECK(wpk_writer_finish(w, NULL, &err) == 0);
    wpk_writer_free(w);
    wpk_reader *r;
    CHECK(wpk_reader_open(&r, p, NULL, &err) == 0);
    lang_counts l = {""};
    if (r) CHECK(wpk_reader_languages(r, collect_language, &l) == 0);
    const char *want = latest_only ? "de=2 en=1 " : "de=2 en=1 fr=1 ";
    CHECK_MSG(!strcmp(l.text, want), "languages: \"%s\", expected \"%s\"", l.text, want);
    wpk_reader_close(r);
}

/* Entry numbers a category scan reports, in order. */
typedef struct members { uint64_t *v; size_t n, cap; } members;

static int collect_member(void *ctx, const char *title, int is_alias, uint64_t entry)
{
    (void)title, (void)is_alias;
    members *m = ctx;
    if (m->n < m->cap) m->v[m->n] = entry;
    m->n++;
    return 0;
}

/* Leaves whose key repeats the previous leaf's, and branch pages seen. */
typedef struct key_walk { long repeats; int branches; char last[64]; int last_branch; } key_walk;

static void note_key(void *ctx, const wpk2_root_item *leaf, int branch)
{
    key_walk *w = ctx;
    if (leaf->key.len < sizeof w->last && strlen(w->last) == leaf->key.len && !memcmp(w->last, leaf->key.p, leaf->key.len))
        w->repeats++;
    snprintf(w->last, sizeof w->last, "%.*s", (int)leaf->key.len, (const char *)leaf->key.p);
    if (branch != w->last_branch || !w->branches) w->branches++;
    w->last_branch = branch;
}

static int write_split(const char *p, unsigned n, int threads)
{
    wpk_writer *w = small_page_writer(p, threads);
    wpk_error err;
    if (!w) return -1;
    char path[32], title[32], group[32];
    int rc = 0;
    for (unsigned i = 0; i < n && !rc; i++) {
        snprintf(path, sizeof path, "s/%05u.md", i);
        snprintf(title, sizeof title, "Member %u", i);
        snprintf(group, sizeof group, "Category:Group %u", i % 7);
        const char *cats[] = {"Category:All", group, "Category:Solo"};
        wpk_entry m = meta(path, title, 0, 0);
        m.categories = cats;
        m.n_categories = i == 1234 ? 3 : 2;
        rc = wpk_writer_add(w, &m, path, strlen(path), &err);
    }
    if (!rc) rc = wpk_writer_finish(w, NULL, &err);
    wpk_writer_free(w);
    return rc;
}

/* A category with more members than one leaf should hold continues into
 * the next leaves (1.4): every scan must still start at the category's
 * first member, wherever leaves and branch pages are cut. */
static void test_split_categories(void)
{
    enum { N = 5000 };
    const char *p1 = tmp_path("split-1.wpk"), *p2 = tmp_path("split-2.wpk");
    wpk_test_run_split_size = 600; /* ~25 items a leaf */
    wpk_test_branch_size = 16;     /* and branch pages over them (16 leaves each) */
    CHECK(write_split(p1, N, 1) == 0);
    CHECK(write_split(p2, N, 2) == 0);
    CHECK_MSG(same_file(p1, p2), "one and two threads wrote different archives");
    wpk_test_category_budget = 100; /* the category index built in ~100 passes: same bytes */
    CHECK(write_split(p2, N, 2) == 0);
    wpk_test_category_budget = 0;
    wpk_test_run_split_size = 0;
    wpk_test_branch_size = 0;
    CHECK_MSG(same_file(p1, p2), "a category index built in passes differs");
    size_t size = 0;
    uint8_t *buf = slurp(p1, &size);
    /* 1.x marked this with feature bits; in 2.0 the category root is
     * branched, and a name's run goes on into the next leaves: their keys
     * (each leaf's first name) repeat. */
    w2_layout lay;
    key_walk kw = {0, 0, {0}, 0};
    CHECK(buf && w2_open(&lay, buf, size) == 0);
    CHECK(buf && (w2_section(&lay, WPK2_SEC_CATEGORY_ROOT).flags & WPK2_SECF_BRANCHED) &&
          w2_leaves(&lay, WPK2_SEC_CATEGORY_ROOT, note_key, &kw) > 0);
    CHECK_MSG(kw.repeats > 10 && kw.branches > 1, "%ld leaves continue their previous one's name, under %d branch pages",
              kw.repeats, kw.branches);
    free(buf);
    wpk_reader *r;
    wpk_error err;
    CHECK(wpk_reader_open(&r, p1, NULL, &err) == 0);
    if (!r) return;
    members m = {calloc(N + 1, sizeof(uint64_t)), 0, N + 1};
    int bad = 0;
    CHECK(wpk_reader_category(r, "Category:All", collect_member, &m, &err) == 0 && m.n == N);
    for (size_t i = 0; i < m.n && i < m.cap; i++) bad += m.v[i] != i;
    for (unsigned k = 0; k < 7; k++) {
        char name[32];
        snprintf(name, sizeof name, "Category:Group %u", k);
        m.n = 0;
        CHECK(wpk_reader_category(r, name, collect_member, &m, &err) == 0 && m.n == (N - k + 6) / 7);
        for (size_t i = 0; i < m.n && i < m.cap; i++) bad += m.v[i] != k + 7 * i;
    }
    CHECK_MSG(bad == 0, "%d category members out of place", bad);
    static const char *const none[] = {"Category:A", "Category:All ", "Category:Group", "Category:Group 7", "Category:Zzz"};
    for (size_t i = 0; i < sizeof none / sizeof none[0]; i++) {
        m.n = 0;
        CHECK_MSG(wpk_reader_category(r, none[i], collect_member, &m, &err) == 0 && m.n == 0, "%s: %zu members", none[i],
                  m.n);
    }
    m.n = 0;
    CHECK(wpk_reader_category(r, "Category:Solo", collect_member, &m, &err) == 0 && m.n == 1 && m.v[0] == 1234);
    wpk_verify_stats vs = WPK_VERIFY_STATS_INIT;
    CHECK(wpk_reader_verify(r, WPK_VERIFY_FULL, NULL, NULL, &vs, &err) == 0 && vs.problems == 0);
    wpk_reader_close(r);
    free(m.v);
}

int main(int argc, char **argv)
{
    snprintf(dir, sizeof dir, "%s/roundtrip-tmp", argc > 1 ? argv[1] : ".");
    mkdir(dir, 0755);
    test_empty();
    test_mixed();
    test_dictionary_and_threads();
    test_dictionary_large_archive();
    test_dictionary_sized_by_entries();
    test_concurrent_readers();
    test_many_tiny();
    test_branched_index();
    test_split_categories();
    test_articles(0);
    test_articles(1);
    test_many_roots();
    test_languages(0);
    test_languages(1);
    test_writer_errors();
    test_writer_limits();
    test_dedup_collisions();
    test_title_edges();
    test_fold_without_copy();
    return check_summary();
}
