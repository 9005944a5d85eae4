/* reader_internal.h - the state of an open format 2.0 archive, shared by the reading side (not installed). */
#ifndef WPK_READER_INTERNAL_H
#define WPK_READER_INTERNAL_H

#include "common.h"
#include "wpk2_format.h"

#include <stdatomic.h>

#define WPK_DCTX_POOL 8
/* The first read at open: the prefix of most archives, in one read. */
#define WPK_OPEN_READ 65536u

/* A branch page: decoded on first use, kept until close (index_tree.c). */
typedef struct wpk_branch {
    int state;                /* 0 not decoded, 1 decoded, -1 failed (err says why) */
    int auth_ok;              /* its BLAKE2b-256 matched its root item's (checked always: verify asks) */
    wpk2_root list;           /* its items, naming leaves */
    wpk_error err;
} wpk_branch;

/* One index: its root section, decoded on first use (wpk_index_ready), so
 * that opening costs the same whatever the entry count. */
typedef struct wpk_index {
    uint32_t kind;            /* WPK2_PAGE_ENTRY .. WPK2_PAGE_CATEGORY */
    const char *what;         /* "entry index", for messages */
    wpk2_section sec;
    uint64_t base, size;      /* its pages' region: PAGES, or SEARCH_PAGES for the search index */
    int state;                /* 0 not decoded, 1 decoded, -1 failed (err says why) */
    wpk_error err;
    wpk2_root root;           /* items name leaves, or branch pages when branched */
    int branched;
    wpk_branch *branches;     /* one per root item when branched */
} wpk_index;

struct wpk_reader {
    wpk_source src;
    wpk_mem_src mem;
    int owns_file;
    int owns_http;              /* src is a source_http.c source, closed with the reader */
    void *owned;                /* what src reads from, freed with owned_free at close (open_download.c) */
    void (*owned_free)(void *);
    wpk_progress_fn progress;   /* verify's progress, when set */
    void *progress_ctx;
    char *name;
    wpk_open_opts opts;
    int trusted;                /* opened with a key: the prefix is the key's, pages and blocks are checked */
    uint8_t trusted_key[WPK_PUBLIC_KEY_SIZE];
    wpk2_header h;
    wpk2_section secs[WPK2_MAX_SECTIONS];
    wpk2_section_map map;       /* points into secs */
    uint8_t *prefix;            /* bytes 0 .. prefix_size - 1, kept: roots and the dictionary are decoded from it */
    uint64_t pages_base, pages_size, data_base, data_size;
    wpk_index idx[5];           /* by page kind: idx[WPK2_PAGE_ENTRY] .. idx[WPK2_PAGE_CATEGORY] */
    /* Format 2.3: the search index (search_index.c), its parameters
     * decoded on first search; has_search when its sections are there. */
    int has_search, search_state;
    wpk_error search_err;
    wpk2_search_params search_params;
    wpk_index search;
    wpk2_wikis wikis;
    /* By wiki number - 1: its four strings NUL-terminated (name, language,
     * URL base, site name) and its case rule (1: case-sensitive). */
    char **wiki_strings;
    uint8_t *wiki_case_sensitive;
    int has_summary;
    wpk2_summary summary;
    wpk2_alloc alloc;           /* the library's allocator, for the codec */
    /* The dictionary is decoded on first use: opening stays cheap. */
    pthread_mutex_t dict_lock;
    int dict_state;             /* 0 not loaded, 1 loaded, -1 failed (dict_err says why) */
    wpk_error dict_err;
    ZSTD_DDict *ddict;
    uint8_t *dict_raw;          /* the dictionary's bytes, which ddict refers to */
    /* Format 2.2: the blocks' dictionaries, one per run (BLOCK_DICTS,
     * decoded at open; count 0 without it); each read from DATA and
     * digested on the first read of a block of its run, under dict_lock. */
    wpk2_block_dicts runs;
    struct wpk_run_dict *run_dicts;
    struct wpk_lru *pages;      /* decoded leaves (page_cache.c); NULL when disabled */
    struct wpk_lru *blocks;     /* decompressed blocks (block_cache.c); NULL when disabled */
    struct wpk_lru *entries;    /* entries by number, as copies (entry_cache.c); NULL when disabled */
    struct wpk_lru *texts;      /* plain texts of search results (search_text.c); NULL when disabled */
    struct wpk_lru *search_pages; /* decoded term pages, apart from the others; NULL when disabled */
    /* Idle query analyzers (analyzer_pool.c): one costs ~190 KB to make. */
    pthread_mutex_t analyzer_lock;
    struct wpk_idle_analyzer {
        struct wpk_analyzer *a;
        char language[32]; /* as the query asked for it */
    } analyzers[4];
    int analyzer_n;
    pthread_mutex_t root_lock;  /* roots and branch pages being decoded */
    pthread_mutex_t pool_lock;
    ZSTD_DCtx *pool[WPK_DCTX_POOL];
    int pool_n;
};

/* The entry handed out by lookups: the public part first, then where its
 * content is, then its strings. */
typedef struct wpk_entry_full {
    wpk_entry pub;
    wpk2_block_ref block;     /* offset relative to the DATA region */
    uint64_t offset_in_block;
    size_t bytes;             /* the whole allocation, for entry_cache.c's copies */
    _Alignas(8) char strings[]; /* revision numbers, category pointers, then strings */
} wpk_entry_full;

/* lru.c: immutable objects shared by reference count, and a cache of them
 * by (file offset, tag), bounded in cost and count, least recently used out
 * first. Thread-safe. */
typedef struct wpk_shared {
    atomic_uint refs;
    uint64_t key, tag;          /* the cache's, under its lock */
    struct wpk_shared *newer, *older, *chain;
    uint64_t cost;              /* what it counts against the cache's budget (len unless set) */
    void (*drop)(struct wpk_shared *); /* releases what data holds, before the object goes (NULL: nothing) */
    size_t len;
    _Alignas(16) uint8_t data[]; /* len bytes and a NUL */
} wpk_shared;
typedef struct wpk_lru wpk_lru;
/* One reference, held by the caller; NULL when out of memory. */
wpk_shared *wpk_shared_new(size_t len);
void wpk_shared_release(wpk_shared *b);
/* Another reference to b (returned). */
wpk_shared *wpk_shared_ref(wpk_shared *b);
/* max_count 0: bounded in cost only. */
wpk_lru *wpk_lru_new(uint64_t max_bytes, size_t max_count);
void wpk_lru_free(wpk_lru *c);
/* A new reference to the object held for (key, tag), or NULL (a miss). */
wpk_shared *wpk_lru_get(wpk_lru *c, uint64_t key, uint64_t tag);
/* Offer a new object, not offered before; the cache takes a reference of
 * its own if it keeps it (not when it costs more than the whole budget, or
 * when (key, tag) is held already), the caller keeps its own. */
void wpk_lru_put(wpk_lru *c, uint64_t key, uint64_t tag, wpk_shared *b);
void wpk_lru_stats(wpk_lru *c, uint64_t *hits, uint64_t *misses, uint64_t *bytes, uint64_t *count);
/* After a miss: 1 if (key, tag) missed once already among the last
 * WPK_LRU_SEEN keys that missed once (and is forgotten), else 0 (and it is
 * remembered). A cache that keeps only what is asked for twice does not
 * pay for a whole object on a read that never comes back. */
#define WPK_LRU_SEEN 64
int wpk_lru_admit(wpk_lru *c, uint64_t key, uint64_t tag);

/* page_cache.c: a decoded leaf, shared (a wpk_shared whose data is a
 * wpk_page), and the cache of them by file offset. The cost of a page is
 * the memory its decoding allocated. */
typedef struct wpk_page {
    uint32_t kind;            /* WPK2_PAGE_ENTRY .. WPK2_PAGE_CATEGORY */
    uint64_t bytes;           /* allocated by the codec for it */
    wpk2_alloc alloc;         /* counts into bytes; the decoded page's memory refers to it */
    union {
        wpk2_entry_page entry;
        wpk2_title_page title;
        wpk2_id_page id;
        wpk2_category_page category;
        wpk2_term_page term;
    } u;
} wpk_page;
static inline wpk_page *wpk_page_of(wpk_shared *s) { return (wpk_page *)(void *)s->data; }
/* A new, empty page object of `kind` (one reference); NULL when out of memory. */
wpk_shared *wpk_page_new(uint32_t kind);
/* Its cache key's tag: the page's hashes and the position and count its
 * referrer gives, so that a page is only found again for the same item. */
uint64_t wpk_page_tag(const wpk2_root_item *it, uint32_t kind);

/* block_cache.c: the block of an entry, decompressed whole, from the block
 * cache or read and decompressed (then offered to it). *out is a reference
 * (wpk_shared_release) of exactly the block's raw size; NULL, with WPK_OK,
 * when the block is not cached and was not asked for lately: the caller
 * then decompresses the block only up to the entry's end, and the block
 * is kept whole when it is asked for again. */
int wpk_block_get(wpk_reader *r, const wpk_entry_full *e, wpk_shared **out, wpk_error *err);
/* content.c: read the stored block of an entry and check it (extent, XXH3,
 * BLAKE2b with a trusted key, one zstd frame of its raw size); *stored is
 * the caller's. */
int wpk_read_block(wpk_reader *r, const wpk_entry_full *e, uint8_t **stored, wpk_error *err);

/* object_read.c: bytes of the source, and stored objects. */
int wpk_read_exact(wpk_reader *r, uint64_t offset, void *buf, size_t len, const char *what, wpk_error *err);
/* 1 when the stored bytes' BLAKE2b-256 is `auth`. */
int wpk_auth_ok(const uint8_t *stored, size_t n, const uint8_t auth[32]);
/* Decompress one frame that must be exactly raw_size bytes (dict may be
 * NULL). The returned buffer has raw bytes plus a NUL and is the caller's. */
/* content.c: the plausibility cap (WPK_E_LIMIT naming the block and path);
 * part of a block decompressed into dst or to a sink. */
int wpk_block_plausible_check(const wpk_reader *r, const wpk2_block_ref *b, const char *path, wpk_error *err);
typedef int (*wpk_block_sink)(void *ctx, const uint8_t *p, size_t n);
int wpk_block_stream(wpk_reader *r, const ZSTD_DDict *dict, const uint8_t *src, size_t n, uint64_t skip,
                     uint64_t len, int to_end, uint8_t *dst, wpk_block_sink sink, void *ctx);
int wpk_unframe(wpk_reader *r, const uint8_t *stored, size_t n, uint64_t raw_size, const ZSTD_DDict *dict,
                uint64_t abs_offset, const char *what, uint8_t **out, wpk_error *err);
/* A page named by a root or branch item, read, checked (caps, XXH3,
 * BLAKE2b as `auth` says) and decompressed with the dictionary; *auth_ok
 * says whether its BLAKE2b matched (1 when not computed). */
enum {
    WPK_AUTH_IF_TRUSTED = 0, /* checked with a trusted key */
    WPK_AUTH_ALWAYS = 1,     /* checked (verify) */
    WPK_AUTH_MEASURE = 2     /* computed always, a mismatch failing only with a trusted key */
};
int wpk_page_raw(wpk_reader *r, const wpk_index *idx, const wpk2_root_item *it, const char *what, int auth,
                 int *auth_ok, uint8_t **raw, wpk_error *err);
/* A prefix section's raw bytes (decompressed when ZSTD), at most cap. */
int wpk_section_raw(wpk_reader *r, const wpk2_section *s, const char *what, uint64_t cap, uint8_t **raw,
                    wpk_error *err);
/* A codec failure as a library error ("name: message"). */
int wpk_codec_fail(wpk_reader *r, wpk_error *err, int codec_rc, const wpk2_err *e, uint64_t abs_offset,
                   const char *what);
/* dict.c: the digested dictionary (NULL when the archive has none), loaded
 * on first call; thread-safe. */
int wpk_reader_dict(wpk_reader *r, const ZSTD_DDict **out, wpk_error *err);
/* The dictionary of the block b (its run's in format 2.2, else the
 * archive's), loaded on first call; a block inside its run's dictionary is
 * WPK_E_CORRUPT. */
int wpk_reader_block_dict(wpk_reader *r, const wpk2_block_ref *b, const ZSTD_DDict **out, wpk_error *err);
/* Format 2.2, with BLOCK_DICTS: the run of block b (a block inside its
 * run's dictionary or crossing the run's end is WPK_E_CORRUPT), and run
 * i's dictionary (NULL for none), loaded on first call. */
int wpk_block_run_of(wpk_reader *r, const wpk2_block_ref *b, uint32_t *run, wpk_error *err);
int wpk_run_dict(wpk_reader *r, uint32_t i, const ZSTD_DDict **out, wpk_error *err);
/* Format 2.2: decode BLOCK_DICTS at open (nothing without it); free them. */
int wpk_block_dicts_open(wpk_reader *r, wpk_error *err);
void wpk_block_dicts_close(wpk_reader *r);
/* prefix.c: opening's checks of the prefix (header, file size, section
 * table, checksums, wikis, summary; with a key, the signature). */
int wpk_prefix_open(wpk_reader *r, wpk_error *err);
/* signature_check.c: the signature record checked against the prefix
 * (WPK_E_NOTFOUND when unsigned); with a key, the signer must be it
 * (WPK_E_UNTRUSTED). */
int wpk_prefix_signature(wpk_reader *r, const uint8_t *key, wpk_error *err);
/* index_root.c: decode an index root on first use. Thread-safe. */
int wpk_index_ready(wpk_reader *r, wpk_index *idx, wpk_error *err);
void wpk_index_free(wpk_index *idx);

/* index_tree.c: the leaves of an index whose root is ready, by position
 * (a root item, and an item of its branch page when branched). */
typedef struct wpk_leaf_pos { uint32_t top, sub; } wpk_leaf_pos;
/* A key to look up: bytes, or (wiki, page ID) in the ID index. */
typedef struct wpk_key { const uint8_t *p; size_t len; uint16_t wiki; uint64_t id; } wpk_key;
int wpk_key_cmp(uint32_t kind, const wpk2_root_item *it, const wpk_key *k);
/* The items under root item i: that item itself for a flat root, the items
 * of its branch page otherwise (decoded on first use). Thread-safe; *items
 * stays valid until the reader closes. */
int wpk_index_children(wpk_reader *r, wpk_index *idx, uint32_t i, const wpk2_root_item **items, uint32_t *count,
                       wpk_error *err);
/* The leaf at pos (*it NULL past the end). */
int wpk_index_leaf(wpk_reader *r, wpk_index *idx, wpk_leaf_pos pos, const wpk2_root_item **it, wpk_error *err);
/* The last leaf whose key is not above k (strict: below k); *it NULL when
 * there is none. */
int wpk_index_seek(wpk_reader *r, wpk_index *idx, const wpk_key *k, int strict, wpk_leaf_pos *pos,
                   const wpk2_root_item **it, wpk_error *err);
/* The leaf holding item n of the index (*it NULL when n is past the end). */
int wpk_index_at(wpk_reader *r, wpk_index *idx, uint64_t n, wpk_leaf_pos *pos, const wpk2_root_item **it,
                 wpk_error *err);
/* The first leaf (*it NULL when the index is empty), and the one after pos. */
int wpk_index_first(wpk_reader *r, wpk_index *idx, wpk_leaf_pos *pos, const wpk2_root_item **it, wpk_error *err);
int wpk_index_next(wpk_reader *r, wpk_index *idx, wpk_leaf_pos *pos, const wpk2_root_item **it, wpk_error *err);

/* page_load.c: leaf `it` of index idx, decoded, from the page cache or
 * read, checked and decoded (then offered to it). *out is a reference. */
int wpk_leaf_get(wpk_reader *r, const wpk_index *idx, const wpk2_root_item *it, wpk_shared **out, wpk_error *err);
/* search_index.c: the search index's parameters and root, decoded on
 * first use (WPK_E_NOTFOUND without an index, WPK_E_FORMAT when its terms
 * follow rules this library does not know). */
int wpk_search_ready(wpk_reader *r, const wpk2_search_params **out, wpk_error *err);
/* The runs of the term `key` (prefix: of every term starting with it), in
 * term order; a term split across pages gives a run a page. The page
 * (a wpk_page of kind WPK2_PAGE_TERM) is valid during the call; fn takes
 * a reference of its own to keep it. */
typedef int (*wpk_term_run_fn)(void *ctx, wpk_shared *page, const wpk2_term_run *run);
int wpk_search_terms(wpk_reader *r, const uint8_t *key, size_t len, int prefix, wpk_term_run_fn fn, void *ctx,
                     wpk_error *err);
/* The same for verify: never from or into the cache, BLAKE2b always
 * checked. */
int wpk_leaf_load_checked(wpk_reader *r, const wpk_index *idx, const wpk2_root_item *it, wpk_shared **out,
                          wpk_error *err);
/* The codec's context for decoding pages of this reader. */
wpk2_page_ctx wpk_page_ctx(const wpk_reader *r, const wpk2_root_item *from, const wpk2_alloc *alloc);

/* analyzer_pool.c: an analyzer of `language` for one query, made or
 * reused (NULL: out of memory), and given back after it. */
struct wpk_analyzer *wpk_analyzer_take(wpk_reader *r, const char *language);
void wpk_analyzer_give(wpk_reader *r, const char *language, struct wpk_analyzer *a);
void wpk_analyzers_free(wpk_reader *r);

/* search_text.c: the plain text of entry `doc` for a search (up to 4 MiB
 * of its content, made plain), after its title and a blank line when
 * with_title (phrases are looked for in both, as the index took words from
 * both); from the reader's cache of them or read. *text is the caller's. */
int wpk_search_text(wpk_reader *r, uint32_t doc, int with_title, char **text, size_t *len, wpk_error *err);
#define WPK_TEXT_CACHE_BYTES ((uint64_t)8 << 20)

/* entry_cache.c: entry n from the reader's cache of entries by number, as
 * a copy of the caller's (NULL: not held; out of memory counts as not
 * held); and a copy of e offered to it. */
#define WPK_ENTRY_CACHE_BYTES ((uint64_t)4 << 20)
wpk_entry_full *wpk_entry_cached(wpk_reader *r, uint64_t n);
void wpk_entry_cache_offer(wpk_reader *r, const wpk_entry_full *e);

/* dctx_pool.c: decompression contexts, reused. */
ZSTD_DCtx *wpk_dctx_get(wpk_reader *r);
void wpk_dctx_put(wpk_reader *r, ZSTD_DCtx *d);
/* 1 when src is exactly one zstd frame whose header declares raw_size
 * bytes of content: checked before decompressing, so that a frame header
 * cannot make the decoder allocate a window larger than the object. */
int wpk_zstd_frame_ok(const uint8_t *src, size_t n, uint64_t raw_size);

/* entry.c: the entry handed out for entry i of a decoded entry page (its
 * strings copied; categories inherited from its current version when it
 * says they are the same). */
int wpk_entry_make(wpk_reader *r, const wpk2_entry_page *pg, uint32_t i, wpk_entry_full **out, wpk_error *err);
/* The entry page holding entry n, and n's index in it. */
int wpk_entry_page_of(wpk_reader *r, uint64_t n, wpk_shared **page, uint32_t *i, wpk_error *err);
/* The wiki number of a name (NULL or "": 0); -1 when no wiki has it. */
int wpk_wiki_number(const wpk_reader *r, const char *name);
/* Byte-wise order of strings (shorter first on a common prefix). */
int wpk_bytes_cmp(const uint8_t *a, size_t an, const uint8_t *b, size_t bn);

#endif
