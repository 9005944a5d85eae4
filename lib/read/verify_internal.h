/* verify_internal.h - the state of one wpk_reader_verify walk, shared by its parts (not installed). */
#ifndef WPK_VERIFY_INTERNAL_H
#define WPK_VERIFY_INTERNAL_H

#include "reader_internal.h"

#define V_NONE UINT32_MAX
/* vent.flags */
/* V_HAS_ID: the entry carries page_id; V_ART_ID: page_id is its article's
 * (its own, or for a current version without one an older version's). */
enum { V_DECODED = 1, V_HAS_ID = 2, V_LISTED = 4, V_TITLE_ITEM = 8, V_HAS_TITLE = 16, V_ART_ID = 32 };

/* What the checks across pages need of one entry. */
typedef struct vent {
    uint64_t page_id;
    uint64_t title_hash;      /* XXH3-64 of its title */
    uint32_t n;               /* its entry number */
    uint32_t current;         /* its current version; V_NONE: it is one */
    uint16_t wiki;
    uint8_t flags;
} vent;
typedef struct vref { wpk2_block_ref ref; uint64_t page_first; } vref; /* a block reference, and its page */
typedef struct vplace { uint64_t block, offset, size; } vplace;        /* a content's place */
typedef struct vpair { uint64_t a, b; } vpair;
typedef struct vspan { uint64_t offset, len; } vspan;

typedef struct vctx {
    wpk_reader *r;
    wpk_problem_cb report;
    void *ctx;
    wpk_verify_stats st;
    int oom, io_failed;
    uint64_t over_caps;       /* problems that are only a cap exceeded (WPK_E_LIMIT) */
    int entries_incomplete;   /* an entry page could not be read: totals are not comparable */
    vent *ents;               /* the entries decoded, by increasing entry number (no room for a claim) */
    size_t nents;
    vspan *pages;             /* the pages and branch pages named: they must tile PAGES */
    size_t npages;
    vref *refs;               /* every page's block references */
    size_t nrefs;
    vplace *places;
    size_t nplaces;
    vpair *cats;              /* (entry, XXH3 of a category name) of the current versions */
    size_t ncats;
    vpair *revs;              /* (entry, an older version its REVISIONS lists) */
    size_t nrevs;
    uint64_t content_bytes;
} vctx;

void wpk_v_problem(vctx *v, int code, int has_offset, uint64_t offset, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* A failure of the library's own (a page that does not load): counted and
 * reported; I/O and memory failures are also remembered as such. */
void wpk_v_error(vctx *v, const wpk_error *e);
/* Append elem (sz bytes) to *arr holding *n; -1 (v->oom set) when out of memory. */
int wpk_v_push(vctx *v, void *arr, size_t *n, size_t sz, const void *elem);
/* The entry's record when its page was decoded, else NULL. */
vent *wpk_v_ent(vctx *v, uint64_t n);
int wpk_v_pair_cmp(const void *x, const void *y);

/* Every leaf of an index in order, read with its BLAKE2b, its extent
 * (and its branch page's) noted for the tiling of PAGES; visit gets NULL
 * for a leaf that failed (reported already). */
typedef void (*wpk_v_visit)(vctx *v, const wpk2_root_item *it, wpk_page *page, void *arg);
void wpk_v_walk(vctx *v, uint32_t kind, wpk_v_visit visit, void *arg);

void wpk_v_entries(vctx *v);    /* verify_entries.c */
void wpk_v_versions(vctx *v);
void wpk_v_titles(vctx *v);     /* verify_index.c */
void wpk_v_ids(vctx *v);
void wpk_v_categories(vctx *v);
void wpk_v_blocks(vctx *v, int full); /* verify_blocks.c */
/* Spans (sorted here) cover 0 .. size exactly; with `same`, equal spans count once. */
int wpk_v_tiles(vspan *s, size_t n, uint64_t size, int same, uint64_t *at);

#endif
