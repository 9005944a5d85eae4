/* spill_sort.h - sort streams of fixed-size records in bounded memory (not installed).
 *
 * Several sorters share one budget of bytes held in memory. When an add
 * would pass it, the largest sorter still being filled writes its records,
 * sorted, as a run to one unlinked temporary file (in TMPDIR, created on
 * the first run); reading merges the runs, a bounded number at a time. A
 * sorter that never spilled is read straight from memory: small inputs
 * never touch the disk. */
#ifndef WPK_SPILL_SORT_H
#define WPK_SPILL_SORT_H

#include "common.h"

typedef int (*wpk_rec_cmp)(const void *a, const void *b);

typedef struct wpk_sorter wpk_sorter;

typedef struct wpk_spill {
    size_t budget;            /* bytes of records all sorters may hold */
    size_t held;              /* bytes allocated for records now */
    int fd;                   /* the temporary file; -1 until the first run */
    uint64_t end;             /* bytes written to it */
    wpk_sorter *sorters;      /* every sorter open on it */
    uint64_t runs;            /* runs written, merges included */
} wpk_spill;

typedef struct wpk_run { uint64_t at, n; } wpk_run;

struct wpk_sorter {
    wpk_spill *s;
    size_t size;              /* of a record */
    wpk_rec_cmp cmp;          /* a total order: equal records are alike */
    size_t key_at;            /* 1 + the offset of a leading uint32 key (wpk_sorter_key32); 0: none */
    uint8_t *buf;             /* records not yet in a run */
    size_t n, cap;
    int sorted;               /* buf is sorted (reading began) */
    int frozen;               /* read from memory: never spilled again */
    wpk_run *runs;
    size_t nruns, runs_cap;
    wpk_sorter *next;
};

/* A merged read of one sorter. */
typedef struct wpk_sort_src {
    const uint8_t *p, *end;   /* records buffered */
    uint64_t at, left;        /* the rest of its run in the file */
    uint8_t *buf;             /* NULL: the sorter's memory */
} wpk_sort_src;

typedef struct wpk_sort_reader {
    wpk_sorter *t;
    wpk_sort_src *src;
    size_t nsrc;
    size_t *heap, nheap;      /* sources by their next record */
    size_t bufsize;
    int rc;                   /* a read failed: err says why */
    wpk_error err;
} wpk_sort_reader;

void wpk_spill_init(wpk_spill *s, size_t budget);
void wpk_spill_close(wpk_spill *s); /* every sorter must be freed first */

void wpk_sorter_init(wpk_sorter *t, wpk_spill *s, size_t size, wpk_rec_cmp cmp);
/* Records whose order by cmp is their order by the uint32 at `offset`
 * (native order), ties kept in the order added, as when records are added
 * in order of the rest of the key: memory is then sorted by a stable radix
 * sort on it, O(n) (cmp checks the result: a tie added out of order costs a
 * qsort, never a wrong order). Sorting then takes a scratch copy of the
 * records being sorted, beyond the budget. */
void wpk_sorter_key32(wpk_sorter *t, size_t offset);
int wpk_sorter_add(wpk_sorter *t, const void *rec, wpk_error *err);
uint64_t wpk_sorter_count(const wpk_sorter *t);
void wpk_sorter_free(wpk_sorter *t);

/* Read t in order, as often as wanted; no adds once read. */
int wpk_sort_open(wpk_sorter *t, wpk_sort_reader *rd, wpk_error *err);
/* The next record into out: 1, or 0 at the end or on a failure (rd->rc). */
int wpk_sort_next(wpk_sort_reader *rd, void *out);
void wpk_sort_close(wpk_sort_reader *rd);

#endif
