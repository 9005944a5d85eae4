/* spill_sort.c - fixed-size records sorted under one memory budget: sorted runs in an unlinked temporary file, read back by a k-way merge. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* fallocate */
#endif
#include "spill_sort.h"


#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* What follows from the budget: a sorter smaller than a 32nd of it is not
 * worth a run (so runs stay few; memory stays within a small multiple of
 * the budget); at most as many runs are merged at once as the budget has
 * half-MiB (2 with a tiny test budget: merges of merges are then tested
 * too), each read through a buffer of 4 to 64 KiB. */
static size_t min_run(const wpk_spill *s) { return s->budget / 32; }
static size_t fan_in(const wpk_spill *s)
{
    size_t f = s->budget >> 19;
    return f < 2 ? 2 : f > 64 ? 64 : f;
}
static size_t read_records(const wpk_spill *s, size_t size)
{
    size_t b = s->budget / 1024;
    b = b < (4u << 10) ? (4u << 10) : b > (64u << 10) ? (64u << 10) : b;
    return b / size ? b / size : 1;
}

void wpk_spill_init(wpk_spill *s, size_t budget)
{
    memset(s, 0, sizeof *s);
    s->budget = budget ? budget : 1;
    s->fd = -1;
}

void wpk_spill_close(wpk_spill *s)
{
    if (s->fd >= 0) close(s->fd);
    s->fd = -1;
}

void wpk_sorter_init(wpk_sorter *t, wpk_spill *s, size_t size, wpk_rec_cmp cmp)
{
    memset(t, 0, sizeof *t);
    t->s = s;
    t->size = size;
    t->cmp = cmp;
    t->next = s->sorters;
    s->sorters = t;
}

void wpk_sorter_key32(wpk_sorter *t, size_t offset) { t->key_at = offset + 1; }

static uint32_t key32(const wpk_sorter *t, const uint8_t *rec)
{
    uint32_t k;
    memcpy(&k, rec + t->key_at - 1, sizeof k);
    return k;
}

/* One stable counting pass of from's n records into to, by 16 bits of the key. */
static void radix_pass(const wpk_sorter *t, const uint8_t *from, uint8_t *to, size_t n, int shift, size_t *count)
{
    memset(count, 0, 65536 * sizeof *count);
    for (size_t i = 0; i < n; i++) count[(key32(t, from + i * t->size) >> shift) & 0xffff]++;
    size_t sum = 0;
    for (size_t b = 0; b < 65536; b++) {
        size_t c = count[b];
        count[b] = sum;
        sum += c;
    }
    for (size_t i = 0; i < n; i++) {
        const uint8_t *r = from + i * t->size;
        memcpy(to + count[(key32(t, r) >> shift) & 0xffff]++ * t->size, r, t->size);
    }
}

/* t's buffer sorted by its key, stably; 0 when that is not cmp's order
 * (or no memory for the scratch): the caller sorts it by cmp. */
static int radix_sorted(wpk_sorter *t)
{
    size_t n = t->n, size = t->size;
    uint8_t *tmp = wpk_malloc(n * size);
    size_t *count = wpk_malloc(65536 * sizeof *count);
    int ok = tmp && count;
    if (ok) {
        uint32_t most = 0;
        for (size_t i = 0; i < n; i++) {
            uint32_t k = key32(t, t->buf + i * size);
            if (k > most) most = k;
        }
        radix_pass(t, t->buf, tmp, n, 0, count);
        if (most >> 16) radix_pass(t, tmp, t->buf, n, 16, count);
        else memcpy(t->buf, tmp, n * size);
        for (size_t i = 1; i < n && ok; i++)
            if (t->cmp(t->buf + (i - 1) * size, t->buf + i * size) > 0) ok = 0;
    }
    wpk_free(tmp);
    wpk_free(count);
    return ok;
}

static void sort_buf(wpk_sorter *t)
{
    if (t->n < 2) return;
    if (t->key_at && t->n >= 4096 && radix_sorted(t)) return;
    qsort(t->buf, t->n, t->size, t->cmp);
}

/* Give the disk back: the bytes of runs no longer read (best effort; not
 * worth a system call for a small run). */
static void punch(wpk_spill *s, const wpk_run *r, size_t size)
{
#ifdef FALLOC_FL_PUNCH_HOLE
    if (s->fd >= 0 && r->n * size >= (1u << 20)) fallocate(s->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)r->at, (off_t)(r->n * size));
#else
    (void)s, (void)r, (void)size;
#endif
}

void wpk_sorter_free(wpk_sorter *t)
{
    wpk_spill *s = t->s;
    if (!s) return;
    for (wpk_sorter **p = &s->sorters; *p; p = &(*p)->next)
        if (*p == t) {
            *p = t->next;
            break;
        }
    for (size_t i = 0; i < t->nruns; i++) punch(s, &t->runs[i], t->size);
    s->held -= t->cap * t->size;
    wpk_free(t->buf);
    wpk_free(t->runs);
    memset(t, 0, sizeof *t);
}

uint64_t wpk_sorter_count(const wpk_sorter *t)
{
    uint64_t n = t->n;
    for (size_t i = 0; i < t->nruns; i++) n += t->runs[i].n;
    return n;
}

static int add_run(wpk_sorter *t, wpk_run r, wpk_error *err)
{
    if (t->nruns == t->runs_cap) {
        size_t cap = t->runs_cap ? t->runs_cap * 2 : 8;
        wpk_run *g = wpk_realloc(t->runs, cap * sizeof *g);
        if (!g) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
        t->runs = g;
        t->runs_cap = cap;
    }
    t->runs[t->nruns++] = r;
    t->s->runs++;
    return WPK_OK;
}

static int write_at_end(wpk_spill *s, const void *p, size_t len, wpk_error *err)
{
    int rc;
    if (s->fd < 0 && (rc = wpk_tempfile(&s->fd, err)) != 0) return rc;
    if ((rc = wpk_write_all(s->fd, p, len, s->end, "temporary file", err)) != 0) return rc;
    s->end += len;
    return WPK_OK;
}

/* t's records, sorted, as a run; its memory given back unless keep. */
static int spill(wpk_sorter *t, int keep, wpk_error *err)
{
    wpk_spill *s = t->s;
    if (t->n) {
        sort_buf(t);
        wpk_run r = {s->end, t->n};
        int rc = write_at_end(s, t->buf, t->n * t->size, err);
        if (!rc) rc = add_run(t, r, err);
        if (rc) return rc;
        t->n = 0;
    }
    if (!keep) {
        s->held -= t->cap * t->size;
        wpk_free(t->buf);
        t->buf = NULL;
        t->cap = 0;
    }
    return WPK_OK;
}

static wpk_sorter *largest(wpk_spill *s)
{
    wpk_sorter *best = NULL;
    for (wpk_sorter *t = s->sorters; t; t = t->next)
        if (!t->frozen && t->n && (!best || t->n * t->size > best->n * best->size)) best = t;
    return best && best->n * best->size >= min_run(s) ? best : NULL;
}

int wpk_sorter_add(wpk_sorter *t, const void *rec, wpk_error *err)
{
    wpk_spill *s = t->s;
    if (t->n == t->cap) {
        size_t more = t->cap ? t->cap : (s->budget / 64 < 4096 ? s->budget / 64 : 4096) / t->size;
        if (!more) more = 1;
        /* Room first from the largest sorter; past the budget only when
         * every sorter is too small to be worth a run. */
        while (s->held + more * t->size > s->budget) {
            wpk_sorter *v = largest(s);
            if (!v) break;
            int rc = spill(v, v == t, err);
            if (rc) return rc;
            if (v == t) break;
        }
        if (t->n == t->cap) {
            if (more > (SIZE_MAX / t->size) - t->cap) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
            uint8_t *g = wpk_realloc(t->buf, (t->cap + more) * t->size);
            if (!g) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
            t->buf = g;
            t->cap += more;
            s->held += more * t->size;
        }
    }
    memcpy(t->buf + t->n * t->size, rec, t->size);
    t->n++;
    return WPK_OK;
}

/* ---- reading: a heap of sources by their next record -------------------- */

static int src_less(wpk_sort_reader *rd, size_t a, size_t b)
{
    int c = rd->t->cmp(rd->src[a].p, rd->src[b].p);
    return c < 0 || (c == 0 && a < b);
}

static void sift_down(wpk_sort_reader *rd, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, m = i;
        if (l < rd->nheap && src_less(rd, rd->heap[l], rd->heap[m])) m = l;
        if (l + 1 < rd->nheap && src_less(rd, rd->heap[l + 1], rd->heap[m])) m = l + 1;
        if (m == i) return;
        size_t x = rd->heap[i];
        rd->heap[i] = rd->heap[m];
        rd->heap[m] = x;
        i = m;
    }
}

/* The next records of a run into its buffer: 1, 0 when it is done, -1 on failure. */
static int refill(wpk_sort_reader *rd, wpk_sort_src *x)
{
    size_t size = rd->t->size;
    if (!x->buf || !x->left) return 0;
    size_t n = x->left < rd->bufsize ? (size_t)x->left : rd->bufsize;
    if (wpk_fd_read_at((void *)(intptr_t)rd->t->s->fd, x->at, x->buf, n * size) != 0) {
        rd->rc = wpk_fail(&rd->err, WPK_E_IO, "temporary file: cannot read back %zu bytes at offset %llu", n * size,
                          (unsigned long long)x->at);
        return -1;
    }
    x->at += n * size;
    x->left -= n;
    x->p = x->buf;
    x->end = x->buf + n * size;
    return 1;
}

/* Merge runs first .. first+count-1 (and the sorter's memory with mem). */
static int merge_open(wpk_sorter *t, size_t first, size_t count, int mem, wpk_sort_reader *rd, wpk_error *err)
{
    memset(rd, 0, sizeof *rd);
    rd->t = t;
    rd->bufsize = read_records(t->s, t->size);
    size_t k = count + (mem != 0);
    rd->src = wpk_calloc(k ? k : 1, sizeof *rd->src);
    rd->nsrc = rd->src ? k : 0;
    rd->heap = wpk_malloc((k ? k : 1) * sizeof *rd->heap);
    if (!rd->src || !rd->heap) {
        wpk_sort_close(rd);
        return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < k; i++) {
        wpk_sort_src *x = &rd->src[i];
        if (i == count) { /* the memory, last: the newest records */
            x->p = t->buf;
            x->end = t->n ? t->buf + t->n * t->size : t->buf; /* buf is NULL until a record came */
        } else {
            x->at = t->runs[first + i].at;
            x->left = t->runs[first + i].n;
            if (!(x->buf = wpk_malloc(rd->bufsize * t->size))) {
                wpk_sort_close(rd);
                return wpk_fail(err, WPK_E_NOMEM, "out of memory");
            }
            if (refill(rd, x) < 0) {
                int rc = wpk_fail(err, rd->err.code, "%s", rd->err.message);
                wpk_sort_close(rd);
                return rc;
            }
        }
        if (x->p == x->end) continue;
        /* Sources enter in order; sifting up keeps the heap. */
        size_t at = rd->nheap++;
        rd->heap[at] = i;
        while (at && src_less(rd, rd->heap[at], rd->heap[(at - 1) / 2])) {
            size_t up = (at - 1) / 2, y = rd->heap[at];
            rd->heap[at] = rd->heap[up];
            rd->heap[up] = y;
            at = up;
        }
    }
    return WPK_OK;
}

int wpk_sort_next(wpk_sort_reader *rd, void *out)
{
    if (!rd->nheap || rd->rc) return 0;
    size_t i = rd->heap[0];
    wpk_sort_src *x = &rd->src[i];
    memcpy(out, x->p, rd->t->size);
    x->p += rd->t->size;
    if (x->p == x->end) {
        int got = refill(rd, x);
        if (got < 0) return 0;
        if (!got) rd->heap[0] = rd->heap[--rd->nheap];
    }
    sift_down(rd, 0);
    return 1;
}

void wpk_sort_close(wpk_sort_reader *rd)
{
    for (size_t i = 0; rd->src && i < rd->nsrc; i++) wpk_free(rd->src[i].buf);
    wpk_free(rd->src);
    wpk_free(rd->heap);
    memset(rd, 0, sizeof *rd);
}

/* Runs 0 .. fan-in-1 merged into one run, until a merge of them all fits. */
static int merge_down(wpk_sorter *t, wpk_error *err)
{
    wpk_spill *s = t->s;
    size_t f = fan_in(s);
    while (t->nruns > f) {
        wpk_sort_reader rd;
        int rc = merge_open(t, 0, f, 0, &rd, err);
        if (rc) return rc;
        size_t per = rd.bufsize, n = 0;
        uint8_t *out = wpk_malloc(per * t->size);
        wpk_run r = {s->end, 0};
        if (!out) rc = wpk_fail(err, WPK_E_NOMEM, "out of memory");
        while (!rc && wpk_sort_next(&rd, out + n * t->size)) {
            r.n++;
            if (++n == per) {
                rc = write_at_end(s, out, n * t->size, err);
                n = 0;
            }
        }
        if (!rc && rd.rc) rc = wpk_fail(err, rd.rc, "%s", rd.err.message);
        if (!rc && n) rc = write_at_end(s, out, n * t->size, err);
        wpk_free(out);
        wpk_sort_close(&rd);
        if (rc) return rc;
        for (size_t i = 0; i < f; i++) punch(s, &t->runs[i], t->size);
        t->runs[0] = r;
        memmove(t->runs + 1, t->runs + f, (t->nruns - f) * sizeof *t->runs);
        t->nruns -= f - 1;
        s->runs++;
    }
    return WPK_OK;
}

int wpk_sort_open(wpk_sorter *t, wpk_sort_reader *rd, wpk_error *err)
{
    memset(rd, 0, sizeof *rd);
    int rc;
    if (!t->frozen && t->nruns) {
        /* On disk already: all of it, so that reading holds no budget. */
        if ((rc = spill(t, 0, err)) != 0 || (rc = merge_down(t, err)) != 0) return rc;
    } else if (!t->sorted) {
        sort_buf(t);
        t->sorted = 1;
        t->frozen = 1;
    }
    return merge_open(t, 0, t->nruns, t->frozen, rd, err);
}
