/* wpk_read_bench.c - single-read latency of a wikipack archive over a given
 * list of articles, so that it can be compared with other formats on the
 * very same reads (see run_bench.sh, zim_read_bench.cpp).
 *
 * usage: wpk_read_bench ARCHIVE LIST [--no-fresh] [--no-check] [--repeat N]
 *                       [--cache-size BYTES]
 *
 * LIST is a tab-separated file, one pick per line: PATH TAB TITLE TAB PAGEID
 * (TITLE and PAGEID may be empty; written by bench_util.py readlist). For
 * each key kind (page ID, title, path) it times lookup + read of every pick
 * that has that key:
 *   warm   one reader opened once per key kind (its caches start empty),
 *          then every pick in list order;
 *   fresh  open + lookup + read + close for every pick (the OS page cache is
 *          warm: the archive was just written or read);
 *   open   the open alone, from the fresh loop by page ID (by path when the
 *          list has no page IDs);
 *   again  with --repeat N: after the warm pass, the same reader reads every
 *          pick N times more, in list order (caches as warm as the list
 *          lets them be: a list whose blocks fit in the block cache is read
 *          without decompressing).
 * --cache-size sets the readers' block cache (wpk_open_opts
 * block_cache_bytes, K/M/G suffixes; 0: none); the default is the library's.
 * The content checksum is checked on every read (as `wikipack get` does)
 * unless --no-check.
 *
 * Prints one line per measurement, in microseconds:
 *   RESULT <warm|again|fresh|open> <id|title|path> <p50> <p99> <n> <misses>
 * and, on stderr, the block cache's hits and misses of each warm reader.
 * p50/p99 are nearest-rank percentiles. A lookup that finds nothing is a
 * miss (counted, not timed); any other error stops with exit status 1. */
#include "bench_timing.h"
#include "wikipack.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct pick {
    char *path, *title;
    uint64_t id;
    int has_id;
} pick;

enum { KEY_ID, KEY_TITLE, KEY_PATH };
static const char *const key_name[] = {"id", "title", "path"};




static void report(const char *mode, int key, double *t, size_t n, size_t misses)
{
    if (n == 0) {
        printf("RESULT %s %s - - 0 %zu\n", mode, key_name[key], misses);
        return;
    }
    double p99 = bench_pct(t, n, 99), p50 = bench_pct(t, n, 50);
    printf("RESULT %s %s %.1f %.1f %zu %zu\n", mode, key_name[key], p50, p99, n, misses);
    fflush(stdout);
}

static int has_key(const pick *p, int key)
{
    return key == KEY_ID ? p->has_id : key == KEY_TITLE ? p->title != NULL : 1;
}

/* Lookup + read of one pick. Returns 0, 1 for a miss, -1 for an error. */
static int read_one(wpk_reader *r, const pick *p, int key, int check, size_t *bytes)
{
    wpk_entry *e = NULL;
    wpk_error err;
    int rc = key == KEY_ID ? wpk_reader_find_by_id(r, p->id, &e, &err)
           : key == KEY_TITLE ? wpk_reader_find_by_title(r, p->title, &e, &err)
                              : wpk_reader_find_by_path(r, p->path, &e, &err);
    if (rc == WPK_E_NOTFOUND) {
        fprintf(stderr, "wpk_read_bench: not found by %s: %s\n", key_name[key],
                key == KEY_TITLE ? p->title : p->path);
        return 1;
    }
    void *data = NULL;
    if (!rc) rc = wpk_reader_read_alloc(r, e, &data, check, &err);
    if (rc) {
        fprintf(stderr, "wpk_read_bench: %s\n", err.message);
        wpk_entry_free(e);
        return -1;
    }
    *bytes += e->size;
    wpk_free(data);
    wpk_entry_free(e);
    return 0;
}

/* A byte count with an optional K, M or G suffix (binary units). */
static int parse_size(const char *s, uint64_t *out)
{
    char *end;
    if (!*s || *s == '-') return -1;
    unsigned long long v = strtoull(s, &end, 10);
    unsigned shift = *end == 'K' || *end == 'k' ? 10 : *end == 'M' || *end == 'm' ? 20 : *end == 'G' || *end == 'g' ? 30 : 0;
    if (shift) end++;
    if (end == s || *end || v > (UINT64_MAX >> shift)) return -1;
    *out = (uint64_t)v << shift;
    return 0;
}

/* Every pick with this key read once with reader r, each read's time
 * appended to t[*k]. -1 on an error. */
static int timed_pass(wpk_reader *r, const pick *v, size_t n, int key, int check, size_t *bytes, double *t, size_t *k,
                      size_t *misses)
{
    for (size_t i = 0; i < n; i++) {
        if (!has_key(&v[i], key)) continue;
        double t0 = bench_now_us();
        int rc = read_one(r, &v[i], key, check, bytes);
        double t1 = bench_now_us();
        if (rc < 0) return -1;
        if (rc) (*misses)++;
        else t[(*k)++] = t1 - t0;
    }
    return 0;
}

static char *dup_field(const char *s, size_t n)
{
    if (n == 0) return NULL;
    char *d = malloc(n + 1);
    if (!d) exit(6);
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

static pick *load_list(const char *file, size_t *count)
{
    FILE *f = fopen(file, "r");
    if (!f) {
        perror(file);
        exit(2);
    }
    pick *v = NULL;
    size_t n = 0, cap = 0;
    char *line = NULL;
    size_t lcap = 0;
    ssize_t len;
    while ((len = getline(&line, &lcap, f)) > 0) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = 0;
        if (len == 0) continue;
        char *t1 = strchr(line, '\t');
        char *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        if (n == cap) {
            cap = cap ? cap * 2 : 1024;
            v = realloc(v, cap * sizeof *v);
            if (!v) exit(6);
        }
        pick *p = &v[n++];
        memset(p, 0, sizeof *p);
        p->path = dup_field(line, t1 ? (size_t)(t1 - line) : (size_t)len);
        if (t1) p->title = dup_field(t1 + 1, t2 ? (size_t)(t2 - t1 - 1) : strlen(t1 + 1));
        if (t2 && t2[1]) {
            p->id = strtoull(t2 + 1, NULL, 10);
            p->has_id = 1;
        }
        if (!p->path) n--;
    }
    free(line);
    fclose(f);
    *count = n;
    return v;
}

int main(int argc, char **argv)
{
    int fresh = 1, check = 1, bad = 0;
    unsigned long repeat = 0;
    const char *archive = NULL, *list = NULL;
    wpk_open_opts oo = WPK_OPEN_OPTS_INIT;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--no-fresh")) fresh = 0;
        else if (!strcmp(argv[i], "--no-check")) check = 0;
        else if (!strcmp(argv[i], "--repeat") && i + 1 < argc) repeat = strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--cache-size") && i + 1 < argc) bad |= parse_size(argv[++i], &oo.block_cache_bytes);
        else if (!archive) archive = argv[i];
        else if (!list) list = argv[i];
        else bad = 1;
    }
    if (!archive || !list || bad || repeat > 1000) {
        fprintf(stderr, "usage: wpk_read_bench ARCHIVE LIST [--no-fresh] [--no-check] [--repeat N] "
                        "[--cache-size BYTES]\n");
        return 2;
    }
    size_t n;
    pick *v = load_list(list, &n);
    if (n == 0) {
        fprintf(stderr, "wpk_read_bench: %s: empty list\n", list);
        return 2;
    }
    double *t = malloc(n * (repeat ? repeat : 1) * sizeof *t), *topen = malloc(n * sizeof *topen);
    if (!t || !topen) return 6;
    size_t bytes = 0;
    wpk_error err;
    int any_id = 0;
    for (size_t i = 0; i < n; i++) any_id |= v[i].has_id;

    for (int key = KEY_ID; key <= KEY_PATH; key++) {
        wpk_reader *r;
        if (wpk_reader_open(&r, archive, &oo, &err)) {
            fprintf(stderr, "wpk_read_bench: %s\n", err.message);
            return 1;
        }
        size_t k = 0, misses = 0;
        if (timed_pass(r, v, n, key, check, &bytes, t, &k, &misses)) return 1;
        report("warm", key, t, k, misses);
        k = misses = 0;
        for (unsigned long pass = 0; pass < repeat; pass++)
            if (timed_pass(r, v, n, key, check, &bytes, t, &k, &misses)) return 1;
        if (repeat) report("again", key, t, k, misses);
        wpk_cache_stats cs = WPK_CACHE_STATS_INIT;
        if (wpk_reader_cache_stats(r, &cs) == 0)
            fprintf(stderr, "wpk_read_bench: %s: block cache of %llu bytes: %llu hits, %llu misses, %llu blocks held\n",
                    key_name[key], (unsigned long long)cs.block_budget, (unsigned long long)cs.block_hits,
                    (unsigned long long)cs.block_misses, (unsigned long long)cs.block_count);
        wpk_reader_close(r);
    }
    if (!fresh) return 0;
    int open_key = any_id ? KEY_ID : KEY_PATH;
    for (int key = KEY_ID; key <= KEY_PATH; key++) {
        size_t k = 0, ko = 0, misses = 0;
        for (size_t i = 0; i < n; i++) {
            if (!has_key(&v[i], key)) continue;
            wpk_reader *r;
            double t0 = bench_now_us();
            if (wpk_reader_open(&r, archive, &oo, &err)) {
                fprintf(stderr, "wpk_read_bench: %s\n", err.message);
                return 1;
            }
            double t1 = bench_now_us();
            int rc = read_one(r, &v[i], key, check, &bytes);
            wpk_reader_close(r);
            double t2 = bench_now_us();
            if (rc < 0) return 1;
            if (rc) {
                misses++;
                continue;
            }
            t[k++] = t2 - t0;
            if (key == open_key) topen[ko++] = t1 - t0;
        }
        report("fresh", key, t, k, misses);
        if (key == open_key) report("open", key, topen, ko, 0);
    }
    fprintf(stderr, "wpk_read_bench: %zu content bytes read\n", bytes);
    return 0;
}
