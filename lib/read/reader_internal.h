/* reader_internal.h - the state of an open archive, shared by the reading side (not installed). */
#ifndef WPK_READER_INTERNAL_H
#define WPK_READER_INTERNAL_H

#include "common.h"

#include <stdatomic.h>

#define WPK_DCTX_POOL 8

/* Items of a root or branch page (a list of leaves or of branch pages). */
typedef struct wpk_item_list {
    wpk_fmt_root_item *items;
    uint32_t count;
    uint64_t total;           /* index items beneath them all */
} wpk_item_list;

/* A branch page: decoded on first use, kept until close (index_tree.c). */
typedef struct wpk_branch {
    int state;                /* 0 not decoded, 1 decoded, -1 failed (err says why) */
    uint8_t *raw;             /* items point into it */
    wpk_item_list list;
    wpk_error err;
} wpk_branch;

/* One index root: found at open, decoded on first use (wpk_index_ready),
 * so that opening costs the same whatever the entry count. */
typedef struct wpk_index {
    int present;              /* the archive has this index */
    int state;                /* 0 not decoded, 1 decoded, -1 failed (err says why) */
    wpk_fmt_section sec;
    const char *what;
    uint32_t want_kind;
    wpk_error err;
    uint32_t kind;            /* WPK_KEY_* */
    uint8_t *raw;             /* decompressed root bytes; items point into it */
    wpk_fmt_root_item *items;
    uint32_t count;
    uint64_t total_items;
    uint64_t base, size;      /* the region its leaves live in (PAGES or PAGES_EXT) */
    int branched;             /* items point at branch pages, which point at leaves */
    int split_runs;           /* (1.4) a run of equal keys may continue into the next leaf */
    wpk_branch *branches;     /* one per item when branched */
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
    wpk_fmt_header hdr;
    uint64_t pages_base, pages_size, ext_base, ext_size, data_base, data_size, index_bytes;
    wpk_index path_idx, title_idx, id_idx, fold_idx, cat_idx;
    uint8_t *summary;           /* SUMMARY section bytes, when present */
    size_t summary_len;
    uint64_t sum_articles, sum_revisions, sum_aliases, sum_categories;
    /* The dictionary is loaded on first use: opening stays cheap. */
    int has_dict;
    wpk_fmt_section dict_sec;
    pthread_mutex_t dict_lock;
    int dict_state;             /* 0 not loaded, 1 loaded, -1 failed (dict_err says why) */
    wpk_error dict_err;
    ZSTD_DDict *ddict;
    uint8_t *dict_raw;          /* the dictionary's bytes, which ddict refers to */
    uint64_t dict_size;
    struct wpk_page_cache *cache; /* page_cache.c; NULL when disabled */
    struct wpk_lru *blocks;     /* decompressed blocks (block_cache.c); NULL when disabled */
    uint64_t branch_bytes;      /* raw bytes of the branch pages kept (index_tree.c), under root_lock */
    uint8_t *prefix;            /* header, section table, roots and summary, as read at open */
    pthread_mutex_t root_lock;
    pthread_mutex_t pool_lock;
    ZSTD_DCtx *pool[WPK_DCTX_POOL];
    int pool_n;
};

/* The entry handed out by lookups: the public part first, then where its
 * content is, then its strings. */
typedef struct wpk_entry_full {
    wpk_entry pub;
    wpk_fmt_ref block;        /* offset relative to the DATA region */
    uint32_t offset_in_block;
    _Alignas(8) char strings[]; /* revision numbers, category pointers, then strings */
} wpk_entry_full;

/* lru.c: immutable buffers shared by reference count, and a cache of them
 * by (file offset, tag), bounded in bytes and count, least recently used
 * out first. Thread-safe. */
typedef struct wpk_shared {
    atomic_uint refs;
    uint64_t key, tag;          /* the cache's, under its lock */
    struct wpk_shared *newer, *older, *chain;
    size_t len;
    uint8_t data[];             /* len bytes and a NUL */
} wpk_shared;
typedef struct wpk_lru wpk_lru;
/* One reference, held by the caller; NULL when out of memory. */
wpk_shared *wpk_shared_new(size_t len);
void wpk_shared_release(wpk_shared *b);
/* max_count 0: bounded in bytes only. */
wpk_lru *wpk_lru_new(uint64_t max_bytes, size_t max_count);
void wpk_lru_free(wpk_lru *c);
/* A new reference to the buffer held for (key, tag), or NULL (a miss). */
wpk_shared *wpk_lru_get(wpk_lru *c, uint64_t key, uint64_t tag);
/* Offer a new buffer, not offered before; the cache takes a reference of
 * its own if it keeps it (not when larger than the whole budget, or when
 * (key, tag) is held already), the caller keeps its own. */
void wpk_lru_put(wpk_lru *c, uint64_t key, uint64_t tag, wpk_shared *b);
void wpk_lru_stats(wpk_lru *c, uint64_t *hits, uint64_t *misses, uint64_t *bytes, uint64_t *count);

/* page_cache.c: decompressed index pages by file offset (an lru.c cache).
 * Lookups copy pages out, so callers own what they get. */
typedef struct wpk_page_cache wpk_page_cache;
wpk_page_cache *wpk_page_cache_new(int slots, uint64_t max_bytes);
void wpk_page_cache_free(wpk_page_cache *c);
/* A copy (library allocator) of the cached page (*len + 1 bytes,
 * NUL-terminated; *len set), or NULL. */
uint8_t *wpk_page_cache_get(wpk_page_cache *c, uint64_t offset, size_t *len);
void wpk_page_cache_put(wpk_page_cache *c, uint64_t offset, const uint8_t *raw, size_t len);
void wpk_page_cache_stats(wpk_page_cache *c, uint64_t *hits, uint64_t *misses, uint64_t *bytes, uint64_t *count);

/* block_cache.c: the block of an entry, decompressed whole, from the block
 * cache or read and decompressed (then offered to it). *out is a reference
 * (wpk_shared_release) of exactly the block's raw size. */
int wpk_block_get(wpk_reader *r, const wpk_entry_full *e, wpk_shared **out, wpk_error *err);
/* content.c: read the stored block of an entry and check it (checksum, one
 * zstd frame of its raw size); *stored is the caller's. */
int wpk_read_block(wpk_reader *r, const wpk_entry_full *e, uint8_t **stored, wpk_error *err);

/* object_read.c: bytes of the source, and stored objects. */
int wpk_read_exact(wpk_reader *r, uint64_t offset, void *buf, size_t len, const char *what, wpk_error *err);
/* Check and decompress a stored object already in memory (dict may be
 * NULL). The returned buffer has raw bytes plus a NUL and is the caller's. */
int wpk_decode_object(wpk_reader *r, const uint8_t *stored, uint64_t abs_offset, uint64_t stored_size, uint64_t raw,
                      uint64_t checksum, int compressed, const ZSTD_DDict *dict, const char *what, uint8_t **out,
                      wpk_error *err);
/* Read, check and decompress a stored object of at most `cap` bytes. */
int wpk_load_object(wpk_reader *r, uint64_t abs_offset, uint64_t stored, uint64_t raw, uint64_t checksum,
                    int compressed, const ZSTD_DDict *dict, uint64_t cap, const char *what, uint8_t **out,
                    wpk_error *err);
/* dict.c: check the dictionary section at open (read later). */
int wpk_dict_check(wpk_reader *r, const wpk_fmt_section *s, wpk_error *err);
/* The digested dictionary (NULL when the archive has none), loaded on first
 * call; thread-safe. */
int wpk_reader_dict(wpk_reader *r, const ZSTD_DDict **out, wpk_error *err);
/* info.c: the SUMMARY section, read at open from the prefix. */
int wpk_summary_load(wpk_reader *r, const uint8_t *prefix, const wpk_fmt_section *s, wpk_error *err);
/* index_root.c: decode an index root on first use; 0 also when the
 * archive lacks the index (idx->present is 0). Thread-safe. */
int wpk_index_ready(wpk_reader *r, wpk_index *idx, wpk_error *err);
/* page_load.c: a leaf page, decompressed (through the page cache); *len
 * gets its size, which for a leaf stored in columns (1.5) is that of the
 * rebuilt row leaf, not the root's raw size. */
int wpk_load_page(wpk_reader *r, const wpk_index *idx, const wpk_fmt_ref *ref, const char *what, uint8_t **raw,
                  size_t *len, wpk_error *err);
/* A branch page, bypassing the page cache: the caller keeps it. */
int wpk_load_page_uncached(wpk_reader *r, const wpk_index *idx, const wpk_fmt_ref *ref, const char *what,
                           uint8_t **raw, wpk_error *err);
/* dctx_pool.c: decompression contexts, reused. */
ZSTD_DCtx *wpk_dctx_get(wpk_reader *r);
void wpk_dctx_put(wpk_reader *r, ZSTD_DCtx *d);
/* 1 when src is exactly one zstd frame whose header declares raw_size
 * bytes of content: checked before decompressing, so that a frame header
 * cannot make the decoder allocate a window larger than the object. */
int wpk_zstd_frame_ok(const uint8_t *src, size_t n, uint64_t raw_size);

/* Fill a wpk_entry_full from a decoded record (strings copied). */
wpk_entry_full *wpk_entry_from_record(const wpk_reader *r, const wpk_fmt_record *rec, uint64_t entry_no);
/* Byte-wise order of keys (index_tree.c). */
int wpk_bytes_cmp(const uint8_t *a, size_t an, const uint8_t *b, size_t bn);
/* index_tree.c: the leaves of an index whose root is ready. */
/* Decode and check the items of a root or branch page: positions contiguous
 * from `first`, keys in order (paths strictly), pages inside the region and
 * under the page cap, leaves able to hold their items (unless the items
 * point at branch pages). `at` is the file offset that errors name. */
int wpk_decode_items(wpk_reader *r, const wpk_index *idx, const uint8_t *raw, size_t n, uint64_t first, int of_branches,
                     uint64_t at, const char *what, wpk_item_list *out, wpk_error *err);
/* The leaves under root item i: that item itself for a flat root, the
 * items of its branch page otherwise. Thread-safe; *out stays valid until
 * the reader closes. */
int wpk_index_children(wpk_reader *r, wpk_index *idx, uint32_t i, wpk_item_list *out, wpk_error *err);
void wpk_index_free_branches(wpk_index *idx);
/* The leaf holding the first item >= key (*leaf NULL when the key sorts
 * before every leaf). */
int wpk_index_find(wpk_reader *r, wpk_index *idx, const uint8_t *key, size_t key_len, uint64_t key_u64,
                   const wpk_fmt_root_item **leaf, wpk_error *err);
/* The leaf holding item n of the index (*leaf NULL when n is past the end). */
int wpk_index_at(wpk_reader *r, wpk_index *idx, uint64_t n, const wpk_fmt_root_item **leaf, wpk_error *err);
/* The leaf after `leaf` (*next NULL after the last). */
int wpk_index_next(wpk_reader *r, wpk_index *idx, const wpk_fmt_root_item *leaf, const wpk_fmt_root_item **next,
                   wpk_error *err);
/* lookup.c: record i of a record page, decoded and checked (`it` is its leaf). */
int wpk_decode_record_at(wpk_reader *r, const uint8_t *leaf, size_t leaf_len, uint32_t i,
                         const wpk_fmt_root_item *it, wpk_fmt_record *rec, wpk_error *err);

#endif
