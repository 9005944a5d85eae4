/* wpk_iter_bench.c - the C library doing what the Python binding's benchmark
 * does (bench/python_bench.py), so that the two compare in one run:
 *
 *   iterate  every current article with content (no older version, no
 *            redirect), in storage order: entries listed by
 *            wpk_reader_foreach, sorted by block, then each made
 *            (wpk_reader_entry_at) and read (wpk_reader_read_alloc): the
 *            algorithm of Archive.articles();
 *   get      each path of LIST (one a line) looked up and read, warm reader.
 *
 * usage: wpk_iter_bench ARCHIVE LIST [--passes N]
 * Prints, per pass: RESULT iterate <seconds> <articles> <bytes>
 *                   RESULT get <p50_us> <p99_us> <n> */
#include "bench_timing.h"
#include "wikipack.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct stored { uint64_t block, entry; } stored;
typedef struct list { stored *v; size_t n, cap; } list;

static int note(void *ctx, const wpk_entry *e)
{
    list *l = ctx;
    if (e->is_revision || e->redirect || !e->size) return 0;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 4096;
        l->v = realloc(l->v, l->cap * sizeof *l->v);
        if (!l->v) return 1;
    }
    l->v[l->n++] = (stored){e->block_offset, e->entry_number};
    return 0;
}

static int by_block(const void *a, const void *b)
{
    const stored *x = a, *y = b;
    if (x->block != y->block) return x->block < y->block ? -1 : 1;
    return x->entry < y->entry ? -1 : x->entry > y->entry;
}

static int read_one(wpk_reader *r, wpk_entry *e, uint64_t *bytes, wpk_error *err)
{
    void *buf = NULL;
    int rc = wpk_reader_read_alloc(r, e, &buf, 1, err);
    if (rc >= 0) *bytes += e->size, rc = 0;
    wpk_free(buf);
    return rc;
}

int main(int argc, char **argv)
{
    int passes = 3;
    if (argc < 3) {
        fprintf(stderr, "usage: wpk_iter_bench ARCHIVE LIST [--passes N]\n");
        return 2;
    }
    if (argc == 5 && !strcmp(argv[3], "--passes")) passes = atoi(argv[4]);
    wpk_error err;
    wpk_reader *r;
    if (wpk_reader_open(&r, argv[1], NULL, &err)) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    char **paths = NULL;
    size_t np = 0, cap = 0;
    FILE *f = fopen(argv[2], "r");
    char line[8192];
    while (f && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        if (!*line) continue;
        if (np == cap) paths = realloc(paths, (cap = cap ? cap * 2 : 1024) * sizeof *paths);
        paths[np++] = strdup(line);
    }
    if (f) fclose(f);
    double *t = malloc((np ? np : 1) * sizeof *t);
    for (int p = 0; p < passes; p++) {
        double t0 = bench_now_us();
        list l = {0};
        uint64_t bytes = 0;
        int rc = wpk_reader_foreach(r, note, &l, &err);
        qsort(l.v, l.n, sizeof *l.v, by_block);
        for (size_t i = 0; i < l.n && !rc; i++) {
            wpk_entry *e;
            if ((rc = wpk_reader_entry_at(r, l.v[i].entry, &e, &err)) == 0) {
                rc = read_one(r, e, &bytes, &err);
                wpk_entry_free(e);
            }
        }
        if (rc) {
            fprintf(stderr, "%s\n", err.message);
            return 1;
        }
        printf("RESULT iterate %.3f %zu %llu\n", (bench_now_us() - t0) / 1e6, l.n, (unsigned long long)bytes);
        free(l.v);
        size_t n = 0;
        for (size_t i = 0; i < np; i++) {
            double s = bench_now_us();
            wpk_entry *e;
            if (wpk_reader_find_by_path(r, paths[i], &e, &err)) continue;
            uint64_t b = 0;
            read_one(r, e, &b, &err);
            wpk_entry_free(e);
            t[n++] = bench_now_us() - s;
        }
        if (n) printf("RESULT get %.1f %.1f %zu\n", bench_pct(t, n, 50), bench_pct(t, n, 99), n);
    }
    wpk_reader_close(r);
    return 0;
}
