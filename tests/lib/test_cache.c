/* test_cache.c - the reader's block and page caches: a block read once for several reads, the byte bounds kept, one reader shared by threads */
#include "check.h"
#include "wikipack.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define N_ENTRIES 1500
#define BLOCK 4096   /* small blocks of a few entries each: many blocks */

/* Entry i's content: 200 to ~1000 bytes, different for every i. */
static size_t article(char *buf, size_t cap, unsigned i)
{
    size_t n = (size_t)snprintf(buf, cap, "# Article %u\n\n", i);
    unsigned x = i * 2654435761u + 7;
    size_t want = 200 + (i * 37) % 800;
    while (n + 12 < cap && n < want) {
        x = x * 1103515245u + 12345u;
        n += (size_t)snprintf(buf + n, cap - n, "w%u ", (x >> 16) % 500);
    }
    return n;
}

static int pack(const char *path)
{
    wpk_write_opts o = WPK_WRITE_OPTS_INIT;
    o.level = 3;
    o.block_size = BLOCK;
    o.page_size = 2048; /* many index pages too */
    wpk_writer *w;
    wpk_error err;
    if (wpk_writer_create(&w, path, &o, &err)) return -1;
    char buf[2048], p[64], title[64];
    int rc = 0;
    for (unsigned i = 0; i < N_ENTRIES && !rc; i++) {
        size_t n = article(buf, sizeof buf, i);
        snprintf(p, sizeof p, "a/%05u.md", i);
        snprintf(title, sizeof title, "Article %05u", i); /* block order is title order */
        wpk_entry m = WPK_ENTRY_INIT;
        m.path = p;
        m.title = title;
        rc = wpk_writer_add(w, &m, buf, n, &err);
    }
    if (!rc) rc = wpk_writer_finish(w, NULL, &err);
    if (rc) fprintf(stderr, "pack: %s\n", err.message);
    wpk_writer_free(w);
    return rc;
}

/* Entry n (path order is i order) holds article(n). */
static int content_ok(wpk_reader *r, const wpk_entry *e, unsigned n)
{
    char want[2048];
    size_t len = article(want, sizeof want, n);
    void *got = NULL;
    wpk_error err;
    int ok = wpk_reader_read_alloc(r, e, &got, 1, &err) == 0 && e->size == len && memcmp(got, want, len) == 0;
    if (!ok) fprintf(stderr, "entry %u: %s\n", n, got ? "content differs" : err.message);
    wpk_free(got);
    return ok;
}

static int read_ok(wpk_reader *r, unsigned n)
{
    wpk_entry *e = NULL;
    wpk_error err;
    int ok = wpk_reader_entry_at(r, n, &e, &err) == 0 && content_ok(r, e, n);
    wpk_entry_free(e);
    return ok;
}

static wpk_cache_stats stats(wpk_reader *r)
{
    wpk_cache_stats s = WPK_CACHE_STATS_INIT;
    CHECK(wpk_reader_cache_stats(r, &s) == WPK_OK);
    return s;
}

/* A source that counts its reads. */
typedef struct counting { int fd; atomic_long reads; } counting;

static int counting_read(void *opaque, uint64_t off, void *buf, size_t len)
{
    counting *c = opaque;
    atomic_fetch_add(&c->reads, 1);
    return pread(c->fd, buf, len, (off_t)off) == (ssize_t)len ? 0 : -1;
}

static wpk_reader *open_counting(const char *path, counting *c, const wpk_open_opts *o)
{
    struct stat st;
    c->fd = open(path, O_RDONLY);
    atomic_init(&c->reads, 0);
    if (c->fd < 0 || fstat(c->fd, &st) != 0) return NULL;
    wpk_source src = WPK_SOURCE_INIT;
    src.read_at = counting_read;
    src.opaque = c;
    src.size = (uint64_t)st.st_size;
    src.name = path;
    wpk_reader *r = NULL;
    wpk_error err;
    if (wpk_reader_open_source(&r, &src, o, &err) != 0) fprintf(stderr, "open %s: %s\n", path, err.message);
    return r;
}

/* Two reads of one entry and one of its block's neighbour: with the cache,
 * the first read decompresses up to its entry alone (a block is kept from
 * its second asking), the second keeps the block, the third is a hit: two
 * block reads; three without the cache. */
static void test_reread(const char *path, uint64_t budget)
{
    wpk_open_opts o = WPK_OPEN_OPTS_INIT;
    o.block_cache_bytes = budget;
    counting c;
    wpk_reader *r = open_counting(path, &c, &o);
    CHECK(r != NULL);
    if (!r) return;
    wpk_entry *a = NULL, *b = NULL, *other = NULL;
    wpk_error err;
    CHECK(wpk_reader_entry_at(r, 10, &a, &err) == 0);
    unsigned nb = 11;
    while (nb < 40 && wpk_reader_entry_at(r, nb, &b, &err) == 0 && b->block_offset != a->block_offset) {
        wpk_entry_free(b);
        b = NULL;
        nb++;
    }
    CHECK_MSG(b != NULL, "no second entry in the block of entry 10");
    CHECK(wpk_reader_entry_at(r, N_ENTRIES - 1, &other, &err) == 0 && other->block_offset != a->block_offset);
    if (!a || !b || !other) return;
    CHECK(content_ok(r, other, N_ENTRIES - 1)); /* loads the dictionary, if any */
    long before = atomic_load(&c.reads);
    CHECK(content_ok(r, a, 10));
    CHECK(content_ok(r, a, 10));
    CHECK(content_ok(r, b, nb));
    long made = atomic_load(&c.reads) - before;
    wpk_cache_stats s = stats(r);
    if (budget) {
        CHECK_MSG(made == 2, "cache of %llu bytes: %ld block reads for 3 reads of one block", (unsigned long long)budget,
                  made);
        /* misses: `other` once (not kept), the block twice; kept: the block alone */
        CHECK_MSG(s.block_misses == 3 && s.block_hits == 1 && s.block_count == 1 && s.block_budget == budget,
                  "misses %llu hits %llu count %llu", (unsigned long long)s.block_misses,
                  (unsigned long long)s.block_hits, (unsigned long long)s.block_count);
    } else {
        CHECK_MSG(made == 3, "no cache: %ld block reads for 3 reads", made);
        CHECK(s.block_hits == 0 && s.block_misses == 0 && s.block_count == 0 && s.block_bytes == 0 &&
              s.block_budget == 0);
    }
    wpk_entry_free(a);
    wpk_entry_free(b);
    wpk_entry_free(other);
    wpk_reader_close(r);
    close(c.fd);
}

/* Every entry read (in order, then striding across blocks) with room for
 * only a few blocks: the bound holds after every read, blocks are pushed
 * out and read again correctly. */
static void test_block_bound(const char *path)
{
    uint64_t budget = 4 * BLOCK;
    wpk_open_opts o = WPK_OPEN_OPTS_INIT;
    o.block_cache_bytes = budget;
    wpk_reader *r;
    wpk_error err;
    CHECK_MSG(wpk_reader_open(&r, path, &o, &err) == 0, "%s", err.message);
    if (!r) return;
    int all_ok = 1, within = 1;
    uint64_t most = 0;
    for (unsigned pass = 0; pass < 2; pass++)
        for (unsigned k = 0; k < N_ENTRIES; k++) {
            unsigned n = pass == 0 ? k : (k * 97) % N_ENTRIES;
            all_ok &= read_ok(r, n);
            wpk_cache_stats s = stats(r);
            within &= s.block_bytes <= budget;
            if (s.block_count > most) most = s.block_count;
        }
    wpk_cache_stats s = stats(r);
    CHECK(all_ok);
    CHECK_MSG(within, "more than %llu bytes of blocks held", (unsigned long long)budget);
    CHECK_MSG(most >= 2 && s.block_hits > N_ENTRIES / 2, "held at most %llu blocks, %llu hits",
              (unsigned long long)most, (unsigned long long)s.block_hits);
    CHECK(s.block_hits + s.block_misses == 2 * N_ENTRIES);
    wpk_reader_close(r);

    /* A budget smaller than any block: nothing kept, every read reads. */
    o.block_cache_bytes = 512;
    counting c;
    r = open_counting(path, &c, &o);
    CHECK(r != NULL);
    if (!r) return;
    CHECK(read_ok(r, 0)); /* the dictionary, if any */
    wpk_entry *e = NULL;
    CHECK(wpk_reader_entry_at(r, 5, &e, &err) == 0);
    if (e) {
        long before = atomic_load(&c.reads);
        CHECK(content_ok(r, e, 5) && content_ok(r, e, 5));
        CHECK_MSG(atomic_load(&c.reads) - before == 2, "a block over the budget was kept");
    }
    s = stats(r);
    CHECK(s.block_count == 0 && s.block_bytes == 0 && s.block_hits == 0);
    wpk_entry_free(e);
    wpk_reader_close(r);
    close(c.fd);
}

static int look_up(wpk_reader *r, unsigned n)
{
    char p[64], title[64];
    snprintf(p, sizeof p, "a/%05u.md", n);
    snprintf(title, sizeof title, "Article %05u", n);
    wpk_entry *e = NULL, *t = NULL;
    int ok = wpk_reader_find_by_path(r, p, &e, NULL) == 0 && wpk_reader_find_by_title(r, title, &t, NULL) == 0 &&
             e->entry_number == n && t->entry_number == n;
    wpk_entry_free(e);
    wpk_entry_free(t);
    return ok;
}

/* Index pages: bounded by bytes whatever the count allows, and by count
 * whatever the bytes allow. */
static void test_page_bounds(const char *path)
{
    wpk_reader *r;
    wpk_error err;
    CHECK(wpk_reader_open(&r, path, NULL, &err) == 0);
    /* Pages are kept decoded, costing the memory their decoding took: the
     * byte bound is three of them and a half. */
    uint64_t page_cost = 2048;
    if (r) {
        wpk_cache_stats s = stats(r);
        CHECK(s.page_budget == (uint64_t)16 << 20 && s.page_slots == 64 && s.block_budget == WPK_BLOCK_CACHE_DEFAULT);
        CHECK(look_up(r, 0));
        s = stats(r);
        if (s.page_count) page_cost = s.page_bytes / s.page_count;
        wpk_reader_close(r);
    }
    for (int by_bytes = 1; by_bytes >= 0; by_bytes--) {
        wpk_open_opts o = WPK_OPEN_OPTS_INIT;
        o.cache_pages = by_bytes ? 100000 : 3;
        o.page_cache_bytes = by_bytes ? 3 * page_cost + page_cost / 2 : (uint64_t)1 << 30;
        CHECK_MSG(wpk_reader_open(&r, path, &o, &err) == 0, "%s", err.message);
        if (!r) return;
        int all_ok = 1, within = 1;
        uint64_t most = 0;
        for (unsigned pass = 0; pass < 2; pass++)
            for (unsigned k = 0; k < N_ENTRIES; k++) {
                all_ok &= look_up(r, pass == 0 ? k : (k * 97) % N_ENTRIES);
                wpk_cache_stats s = stats(r);
                within &= by_bytes ? s.page_bytes <= o.page_cache_bytes : s.page_count <= 3;
                if (s.page_count > most) most = s.page_count;
            }
        wpk_cache_stats s = stats(r);
        CHECK(all_ok);
        CHECK_MSG(within, "page cache over its %s bound", by_bytes ? "byte" : "count");
        CHECK_MSG(most >= 1 && s.page_hits > 0 && s.page_misses > 0, "pages: held %llu, %llu hits, %llu misses",
                  (unsigned long long)most, (unsigned long long)s.page_hits, (unsigned long long)s.page_misses);
        wpk_reader_close(r);
    }
    /* Pages larger than the whole byte budget are not kept. */
    wpk_open_opts o = WPK_OPEN_OPTS_INIT;
    o.page_cache_bytes = 64;
    CHECK(wpk_reader_open(&r, path, &o, &err) == 0);
    if (!r) return;
    CHECK(look_up(r, 7) && look_up(r, 7));
    wpk_cache_stats s = stats(r);
    CHECK(s.page_count == 0 && s.page_bytes == 0 && s.page_hits == 0 && s.page_misses > 0);
    wpk_reader_close(r);
}

/* Threads reading random entries of one reader at once. */
typedef struct worker { wpk_reader *r; unsigned seed; int bad; } worker;

static void *work(void *arg)
{
    worker *w = arg;
    unsigned x = w->seed;
    char want[2048], got[2048];
    for (int k = 0; k < 3000; k++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        unsigned n = x % N_ENTRIES;
        if (k % 3 == 0) n = x % 40; /* a few hot blocks */
        wpk_entry *e = NULL;
        char p[64];
        snprintf(p, sizeof p, "a/%05u.md", n);
        int rc = k & 1 ? wpk_reader_entry_at(w->r, n, &e, NULL) : wpk_reader_find_by_path(w->r, p, &e, NULL);
        size_t len = article(want, sizeof want, n);
        if (!rc) {
            if (k & 2) {
                rc = wpk_reader_read(w->r, e, got, sizeof got, k & 4, NULL);
                if (!rc && (e->size != len || memcmp(got, want, len) != 0)) rc = -100;
            } else {
                void *data = NULL;
                rc = wpk_reader_read_alloc(w->r, e, &data, k & 4, NULL);
                if (!rc && (e->size != len || memcmp(data, want, len) != 0)) rc = -100;
                wpk_free(data);
            }
        }
        if (rc) w->bad++;
        wpk_entry_free(e);
    }
    return NULL;
}

static void test_threads(const char *path, uint64_t budget)
{
    wpk_open_opts o = WPK_OPEN_OPTS_INIT;
    o.block_cache_bytes = budget;
    wpk_reader *r;
    wpk_error err;
    CHECK_MSG(wpk_reader_open(&r, path, &o, &err) == 0, "%s", err.message);
    if (!r) return;
    enum { THREADS = 8 };
    pthread_t t[THREADS];
    worker w[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i] = (worker){r, 2463534242u + 977u * (unsigned)i, 0};
        CHECK(pthread_create(&t[i], NULL, work, &w[i]) == 0);
    }
    int bad = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        bad += w[i].bad;
    }
    CHECK_MSG(bad == 0, "%d threads, cache of %llu bytes: %d reads wrong", THREADS, (unsigned long long)budget, bad);
    wpk_cache_stats s = stats(r);
    CHECK(s.block_bytes <= budget);
    if (budget) CHECK(s.block_hits + s.block_misses == THREADS * 3000 && s.block_hits > 0);
    wpk_reader_close(r);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : ".";
    char path[4096];
    snprintf(path, sizeof path, "%s/cache.wpk", dir);
    if (pack(path) != 0) {
        CHECK(0);
        return check_summary();
    }
    test_reread(path, WPK_BLOCK_CACHE_DEFAULT);
    test_reread(path, 0);
    test_block_bound(path);
    test_page_bounds(path);
    test_threads(path, WPK_BLOCK_CACHE_DEFAULT);
    test_threads(path, 3 * BLOCK); /* blocks pushed out while others read them */
    test_threads(path, 0);
    if (check_failed == 0) remove(path);
    return check_summary();
}
