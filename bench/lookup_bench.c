/* lookup_bench.c - latency of single-article reads from a wikipack archive.
 *
 * usage: lookup_bench ARCHIVE [N]
 * Picks N entries (default 1000) at random with a fixed seed and times, for
 * each, lookup + read + content check: by page ID, by title and by path on
 * one open reader (warm), and open + lookup by ID + read + close (fresh
 * reader each time; the OS page cache is warm). Prints p50/p99 in
 * microseconds. A measurement, not a test: run it on a quiet machine. */
#include "bench_timing.h"
#include "wikipack.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct pick { uint64_t id; int has_id; char *title; char *path; } pick;
typedef struct all { pick *v; size_t n, cap; } all;

static int collect(void *ctx, const wpk_entry *e)
{
    all *a = ctx;
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 1024;
        a->v = realloc(a->v, a->cap * sizeof *a->v);
    }
    a->v[a->n++] = (pick){e->page_id, e->has_page_id, e->title ? strdup(e->title) : NULL, strdup(e->path)};
    return 0;
}



static void report(const char *what, double *t, size_t n)
{
    if (n == 0) {
        printf("%-28s no samples\n", what);
        return;
    }
    double p50 = bench_pct(t, n, 50), p99 = bench_pct(t, n, 99);
    printf("%-28s p50 %8.1f us   p99 %8.1f us   (n=%zu)\n", what, p50, p99, n);
}

/* 0 = by ID, 1 = by title, 2 = by path */
static int lookup(wpk_reader *r, const pick *p, int how)
{
    wpk_entry *e = NULL;
    wpk_error err;
    int rc = how == 0 ? wpk_reader_find_by_id(r, p->id, &e, &err)
           : how == 1 ? wpk_reader_find_by_title(r, p->title, &e, &err)
                      : wpk_reader_find_by_path(r, p->path, &e, &err);
    void *data = NULL;
    if (!rc) rc = wpk_reader_read_alloc(r, e, &data, 1, &err);
    if (rc) fprintf(stderr, "lookup failed: %s\n", err.message);
    wpk_free(data);
    wpk_entry_free(e);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: lookup_bench ARCHIVE [N]\n");
        return 2;
    }
    size_t n = argc > 2 ? strtoul(argv[2], NULL, 10) : 1000;
    wpk_reader *r;
    wpk_error err;
    if (wpk_reader_open(&r, argv[1], NULL, &err)) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    all a = {0};
    wpk_reader_foreach(r, collect, &a, &err);
    if (a.n == 0) return 1;
    double *t = malloc(n * sizeof *t);
    static const char *names[] = {"warm read by page ID", "warm read by title", "warm read by path"};
    for (int how = 0; how < 3; how++) {
        srand(12345);
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            const pick *p = &a.v[(size_t)rand() % a.n];
            if ((how == 0 && !p->has_id) || (how == 1 && !p->title)) continue;
            double t0 = bench_now_us();
            if (lookup(r, p, how)) return 1;
            t[k++] = bench_now_us() - t0;
        }
        report(names[how], t, k);
    }
    wpk_reader_close(r);
    srand(12345);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const pick *p = &a.v[(size_t)rand() % a.n];
        if (!p->has_id) continue;
        double t0 = bench_now_us();
        if (wpk_reader_open(&r, argv[1], NULL, &err)) return 1;
        if (lookup(r, p, 0)) return 1;
        wpk_reader_close(r);
        t[k++] = bench_now_us() - t0;
    }
    report("open + read by ID + close", t, k);
    return 0;
}
