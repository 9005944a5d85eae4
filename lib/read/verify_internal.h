/* verify_internal.h - the state of one wpk_reader_verify walk, shared by its parts (not installed). */
#ifndef WPK_VERIFY_INTERNAL_H
#define WPK_VERIFY_INTERNAL_H

#include "reader_internal.h"
#include "spill_sort.h"

#define V_NONE UINT32_MAX
/* vent.flags. V_HAS_ID: the entry carries page_id; V_LISTED (in `older`
 * only): its current version's REVISIONS lists it; V_DOCUMENT: a search
 * index may name it (a current version, not a redirect, with text). */
enum { V_HAS_ID = 2, V_LISTED = 4, V_DOCUMENT = 8, V_HAS_TITLE = 16 };

/* Budget of the records verify keeps in memory (spill_sort.h): what the
 * checks across pages need is sorted there, spilled to a temporary file
 * past it, so that memory stays flat whatever the entry count. */
#define WPK_VERIFY_BUDGET ((size_t)32 << 20)
/* Test hooks, 0 in normal use: the budget instead of WPK_VERIFY_BUDGET
 * (a tiny one makes small archives spill and merge in many runs); and the
 * runs the last verify wrote, for tests to see that it spilled. */
extern size_t wpk_test_verify_budget;
extern uint64_t wpk_test_verify_runs;

/* What the checks across pages need of one entry; the same for an older
 * version in `older`, by its current version. */
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
/* An older version's title, which a former-title item of its current
 * version must carry. */
typedef struct vneed { uint64_t hash; uint32_t current, n; } vneed;

typedef struct vctx {
    wpk_reader *r;
    wpk_problem_cb report;
    void *ctx;
    wpk_verify_stats st;
    int oom, io_failed;
    int halted;               /* out of memory, or the temporary file failed: checks stop */
    int spill_failed;         /* the temporary file failed: spill_err says how */
    wpk_error spill_err;
    uint64_t over_caps;       /* problems that are only a cap exceeded (WPK_E_LIMIT) */
    int entries_incomplete;   /* an entry page could not be read: totals are not comparable */
    wpk_spill spill;          /* the sorters below share its budget */
    wpk_sorter ents;          /* vent: the entries decoded, by entry number */
    wpk_sorter pages;         /* vspan: the pages and branch pages named: they must tile PAGES */
    wpk_sorter refs;          /* vref: every page's block references, by offset */
    wpk_sorter places;        /* vplace, by block and offset */
    wpk_sorter cats;          /* vpair: (entry, XXH3 of a category name) of the current versions */
    wpk_sorter revs;          /* vpair: (entry, an older version its REVISIONS lists), by the older */
    wpk_sorter older;         /* vent: the older versions, by current version */
    wpk_sorter need_former;   /* vneed, by current version and title */
    wpk_sorter art_ids;       /* vpair: (current version, the page ID its older versions give it) */
    wpk_sorter search_pages;  /* vspan: the search index's pages: they must tile SEARCH_PAGES */
    uint64_t content_bytes;
    uint64_t id_articles;     /* current versions with a page ID, theirs or their older versions' */
} vctx;

/* verify_documents.c: that every posting of the search index names a
 * document. Begun after the entries' walk (it reads `ents`), fed each term
 * page, ended after the walk of the term pages (which frees it). */
typedef struct vdocs {
    int mode;                 /* 0: not checked (an entry page failed); 1: by `kinds`; 2: by `posted` */
    uint8_t *kinds;           /* 2 bits an entry, by entry number */
    uint64_t *seen;           /* a set of one page's documents (+1; 0: an empty slot) */
    size_t seen_cap;          /* its slots: a power of two */
    wpk_sorter posted;        /* (document, its term page's offset), by document */
} vdocs;
void wpk_v_docs_begin(vctx *v, vdocs *d);
void wpk_v_docs_page(vctx *v, vdocs *d, const wpk2_term_page *pg, uint64_t at);
void wpk_v_docs_end(vctx *v, vdocs *d);

void wpk_v_problem(vctx *v, int code, int has_offset, uint64_t offset, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* A failure of the library's own (a page that does not load): counted and
 * reported; I/O and memory failures are also remembered as such. */
void wpk_v_error(vctx *v, const wpk_error *e);
/* Add a record to t; -1 (reported, v->halted set) when it cannot be kept. */
int wpk_v_add(vctx *v, wpk_sorter *t, const void *rec);
/* Read t in order; -1 (reported, v->halted set) on failure. Close checks
 * that the read did not stop on a failure. */
int wpk_v_open(vctx *v, wpk_sorter *t, wpk_sort_reader *rd);
void wpk_v_close(vctx *v, wpk_sort_reader *rd);
void wpk_v_nomem(vctx *v);
int wpk_v_pair_cmp(const void *x, const void *y);
/* Two sorted streams read side by side (a join): both open, or neither
 * (-1, reported, v->halted set); closed in turn, each checked. */
typedef struct vjoin {
    wpk_sort_reader a, b;
    int open;
} vjoin;
int wpk_v_join_open(vctx *v, vjoin *j, wpk_sorter *a, wpk_sorter *b);
void wpk_v_join_close(vctx *v, vjoin *j);
/* Streams of (offset, length) that must tile 0 .. size: fed in order. */
typedef struct vtiler { uint64_t at; int broken; } vtiler;
void wpk_v_tile(vtiler *t, uint64_t offset, uint64_t len);
int wpk_v_tiled(const vtiler *t, uint64_t size);

/* Every leaf of an index in order, read with its BLAKE2b, its extent
 * (and its branch page's) noted for the tiling of PAGES; visit gets NULL
 * for a leaf that failed (reported already). */
typedef void (*wpk_v_visit)(vctx *v, const wpk2_root_item *it, wpk_page *page, void *arg);
void wpk_v_walk(vctx *v, uint32_t kind, wpk_v_visit visit, void *arg);
/* The same for any index, its pages' extents noted in `spans`. */
void wpk_v_walk_index(vctx *v, wpk_index *idx, wpk_sorter *spans, wpk_v_visit visit, void *arg);
/* The spans (vspan, relative to base) tile a region of `size` bytes. */
void wpk_v_tile_region(vctx *v, wpk_sorter *spans, uint64_t base, uint64_t size, const char *what);
void wpk_v_search(vctx *v);     /* verify_search.c */

void wpk_v_entries(vctx *v);    /* verify_entries.c */
void wpk_v_versions(vctx *v);   /* verify_versions.c */
void wpk_v_titles(vctx *v);     /* verify_index.c */
void wpk_v_ids(vctx *v);
void wpk_v_categories(vctx *v);
void wpk_v_blocks(vctx *v, int full); /* verify_blocks.c */

#endif
