/*
 * wikipack.h - read and write wikipack archives (.wpk)
 *
 * A wikipack archive holds many articles in one file: zstd-compressed blocks,
 * indexes by page ID, title and path, and XXH3 checksums over every structure.
 * The byte layout is specified in spec/FORMAT.md.
 *
 * Conventions
 *  - Every function that can fail returns an int: 0 (WPK_OK) on success or a
 *    negative WPK_E_* code. When `err` is non-NULL it receives a message that
 *    names the file, entry or byte offset concerned.
 *  - Objects are opaque, created by the _open and _create functions and released by
 *    the _close and _free ones, which accept NULL.
 *  - Archives are untrusted input: every size, count and offset read from one
 *    is checked before it is used. A damaged archive gives WPK_E_CORRUPT (or
 *    WPK_E_FORMAT for something that is not a wikipack archive), never a crash.
 *  - A wpk_reader may be used from several threads at once. A wpk_writer may
 *    not.
 *  - Buffers the library hands out (wpk_reader_read_alloc, the title
 *    functions) are released with wpk_free().
 */
#ifndef WIKIPACK_H
#define WIKIPACK_H

/* Only what this header declares is exported from the shared library. */
#if defined(__GNUC__) || defined(__clang__)
#define WPK_API __attribute__((visibility("default")))
#else
#define WPK_API
#endif

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- versions ------------------------------------------------------------ */

/* The one place the versions are written. CMake's project(), the shared
 * library's soname (libwikipack.so.WPK_VERSION_MAJOR), `wikipack --version`
 * and wpk_version() all come from these lines.
 * The library version changes its major number when its ABI breaks; the
 * format version is that of the archives it writes. It reads every archive
 * of format major WPK_FORMAT_MAJOR, whatever its minor version, and refuses
 * those of another major version (1.x archives: "repack it with wikipack 2"). */
#define WPK_VERSION_MAJOR 2
#define WPK_VERSION_MINOR 7
#define WPK_VERSION_PATCH 0
#define WPK_FORMAT_MAJOR 2
#define WPK_FORMAT_MINOR 3

#define WPK_VERSION_NUMBER (WPK_VERSION_MAJOR * 10000 + WPK_VERSION_MINOR * 100 + WPK_VERSION_PATCH)
#define WPK_STR_(x) #x
#define WPK_STR(x) WPK_STR_(x)
#define WPK_VERSION_STRING WPK_STR(WPK_VERSION_MAJOR) "." WPK_STR(WPK_VERSION_MINOR) "." WPK_STR(WPK_VERSION_PATCH)

/* The version of the library linked at run time, which may be newer than
 * the header a program was built with: WPK_VERSION_NUMBER's encoding, and
 * "MAJOR.MINOR.PATCH". */
WPK_API unsigned wpk_version_number(void);
WPK_API const char *wpk_version_string(void);

/* ---- how the structs grow (ABI) ------------------------------------------ */

/* A program keeps working with a newer libwikipack.so of the same major
 * version. So that structs can gain fields without breaking it, every
 * struct a caller allocates and passes in begins with `struct_size`, the
 * struct's size in the header the caller was built with; the WPK_*_INIT
 * macros set it and the rest to the defaults (zero, which means "the
 * default", except where a field says otherwise):
 *
 *     wpk_open_opts o = WPK_OPEN_OPTS_INIT;  o.cache_pages = 256;
 *
 * Fields are only ever added at the end, and only so that the struct's size
 * grows (never into tail padding), up to 4096 bytes at most. The library
 * reads and writes only
 * the first struct_size bytes: a struct from an older header leaves the
 * newer fields at their defaults (input) or unwritten (output); one from a
 * newer header is accepted when every byte this library does not know is
 * zero (the rule of Linux's openat2 and clone3 arguments); a struct_size
 * below the struct's first published size is WPK_E_INVALID, naming the
 * struct. Structs the library hands out (a wpk_entry from a reader, a
 * wpk_progress) carry the library's own size: a field lies beyond
 * struct_size only when the library is older than the header.
 * wpk_error and wpk_signature_info have a fixed layout and no size field. */
#ifdef __cplusplus
#define WPK_STRUCT_INIT_(type) {sizeof(type)}
#else
#define WPK_STRUCT_INIT_(type) {.struct_size = sizeof(type)}
#endif

/* ---- errors ------------------------------------------------------------ */

enum {
    WPK_OK = 0,
    WPK_E_INVALID = -1,   /* bad argument from the caller */
    WPK_E_IO = -2,        /* the operating system refused a read or write */
    WPK_E_NOMEM = -3,     /* an allocation failed */
    WPK_E_FORMAT = -4,    /* not a wikipack archive, or an unsupported version/feature */
    WPK_E_CORRUPT = -5,   /* a checksum or structural check failed */
    WPK_E_NOTFOUND = -6,  /* no entry matches the lookup */
    WPK_E_EXISTS = -7,    /* duplicate path while writing */
    WPK_E_LIMIT = -8,     /* a size or count exceeds the caps in wpk_open_opts */
    WPK_E_UNTRUSTED = -9  /* a key to trust was given (wpk_open_opts.trusted_key) and the archive is not
                             signed by it: unsigned, or signed by another key; it may be intact */
};

/* Fixed layout: never grows (see "how the structs grow"). */
typedef struct wpk_error {
    int code;               /* the WPK_E_* value returned */
    uint64_t offset;        /* byte offset in the archive, when meaningful */
    int has_offset;         /* non-zero when offset is set */
    char message[512];      /* human-readable, names file/entry/offset */
} wpk_error;

/* Static string describing an error code. Never NULL. */
WPK_API const char *wpk_strerror(int code);

/* Progress of long work (packing, verifying), for a progress display:
 * called from the thread that called the long function, often (per block
 * or per entry), so the callback should be cheap and decide itself how
 * often to draw. `total` is 0 when not known yet. */
typedef struct wpk_progress {
    uint32_t struct_size;       /* set by the library (see "how the structs grow") */
    const char *phase;          /* "reading", "compressing", "indexing", "verifying" */
    uint64_t done, total;       /* bytes of content */
    uint64_t items_done, items_total; /* entries or blocks */
} wpk_progress;
typedef void (*wpk_progress_fn)(void *ctx, const wpk_progress *p);

/* Memory. Every allocation the library makes - its own and those of the
 * zstd contexts it creates - goes through one allocator, the C library's
 * unless wpk_set_allocator() installed another (NULL restores it). It is
 * process-wide: set it before creating any reader or writer, and keep it
 * until the last one is released. (utf8proc, ZDICT dictionary training,
 * the writer's zstd compression dictionary, libsodium and libcurl keep
 * their own buffers on the C library's heap.)
 * alloc_fn and realloc_fn return NULL on failure; the library then fails
 * with WPK_E_NOMEM and leaks nothing. */
typedef struct wpk_allocator {
    uint32_t struct_size;       /* WPK_ALLOCATOR_INIT sets it */
    void *(*alloc_fn)(void *opaque, size_t size);
    void *(*realloc_fn)(void *opaque, void *ptr, size_t size);
    void (*free_fn)(void *opaque, void *ptr);
    void *opaque;
} wpk_allocator;
#define WPK_ALLOCATOR_INIT WPK_STRUCT_INIT_(wpk_allocator)
/* WPK_E_INVALID (and nothing changed) when a->struct_size is wrong. */
WPK_API int wpk_set_allocator(const wpk_allocator *a);
WPK_API void wpk_free(void *p);

/* ---- entry metadata ------------------------------------------------------ */

/* Metadata of one entry. Strings are UTF-8, not NUL-terminated in the
 * archive but NUL-terminated here. In a wpk_entry returned by a reader they
 * are borrowed from the entry and valid until wpk_entry_free(). */
typedef struct wpk_entry {
    uint32_t struct_size;   /* WPK_ENTRY_INIT sets it; the library sets it in the entries it returns */
    const char *path;       /* unique, relative, '/' separated; never NULL */
    const char *title;      /* NULL when unknown */
    const char *language;   /* e.g. "en"; NULL when unknown */
    const char *url;        /* source URL; NULL when unknown */
    const char *mime;       /* media type; NULL when unknown */
    uint64_t page_id;       /* valid when has_page_id */
    int has_page_id;
    int64_t updated_us;     /* last-updated time, microseconds since the Unix epoch (UTC) */
    int has_updated;
    uint64_t size;          /* content size in bytes */
    /* Names the stored content: XXH3-64 of its block's BLAKE2b-256, its
     * offset and its size (format 2.0 keeps no checksum per content; its
     * block's hashes cover it), so entries sharing one content share it. */
    uint64_t content_hash;
    /* Where the content lives (informational). */
    uint64_t block_offset;
    uint32_t block_stored_size;
    uint64_t entry_number;  /* position in path order, 0-based */
    /* Format 1.1 additions; zero/NULL when absent. */
    const char *const *categories;  /* e.g. "Category:Python (programming language) software" */
    size_t n_categories;
    int64_t ns;             /* MediaWiki namespace, valid when has_ns */
    int has_ns;
    /* Versions of one article (same page ID, or same folded title without
     * one): the newest is the article, the others are its revisions. */
    int is_revision;        /* this entry is an older version ... */
    uint64_t current_entry; /* ... of this entry (valid when is_revision) */
    const uint64_t *revisions; /* the article's older versions, newest first */
    size_t n_revisions;
    /* Format 1.6 addition (NULL in a struct from an older header). The wiki
     * the entry comes from, by Wikimedia's database names: "enwiki",
     * "dewiktionary" (see wpk_wiki_from_url). Each wiki numbers its own
     * pages, so versions are joined only within one wiki. Given to the
     * writer, it is stored in the record. In an entry from a reader it is
     * the name of its wiki in the archive's wiki table, NULL for an entry
     * of no wiki (see wpk_reader_wikis). */
    const char *wiki;
    /* Format 2.0, library 2.1 addition (NULL in a struct from an older
     * header). A redirect page (MediaWiki "#REDIRECT [[Target]]"): the title
     * it leads to. The entry keeps its own content, title and page ID; a
     * lookup by its title or ID finds it, and wpk_reader_follow gives the
     * article it leads to when the archive has one. Given to the writer,
     * it is stored with the entry (and an alias from its title to the
     * target is added when it is a current version). */
    const char *redirect;
    /* Format 2.1, library 2.2 additions (zero/NULL in a struct from an
     * older header). A MediaWiki revision's own facts: its revision ID
     * (<revision><id>), who made it (a user name or, for an anonymous edit,
     * an IP address) and its edit summary. Given to the writer, each is
     * stored with the entry (a contributor or comment of at most 65,535
     * bytes; "" is none). */
    uint64_t revision_id;   /* valid when has_revision_id */
    int has_revision_id;
    const char *contributor;
    const char *comment;
} wpk_entry;
#define WPK_ENTRY_INIT WPK_STRUCT_INIT_(wpk_entry)

/* ---- reading ------------------------------------------------------------- */

/* A positional-read source: read exactly `len` bytes at `offset` into buf.
 * Returns 0 on success, non-zero on failure (short reads are failures).
 * Must be safe to call from several threads at once. */
typedef int (*wpk_read_at_fn)(void *opaque, uint64_t offset, void *buf, size_t len);

typedef struct wpk_source {
    uint32_t struct_size;   /* WPK_SOURCE_INIT sets it */
    wpk_read_at_fn read_at;
    void *opaque;
    uint64_t size;          /* total size of the archive in bytes */
    const char *name;       /* used in error messages; may be NULL */
    /* Optional: why the last read_at failed, for error messages (NULL: no
     * more to say). */
    const char *(*last_error)(void *opaque);
} wpk_source;
#define WPK_SOURCE_INIT WPK_STRUCT_INIT_(wpk_source)

/* Caps applied to sizes read from an archive, and the reader's caches;
 * 0 means the default, except for block_cache_bytes. */
typedef struct wpk_open_opts {
    uint32_t struct_size;       /* WPK_OPEN_OPTS_INIT sets it */
    uint64_t max_page_size;     /* largest index page, raw (default 16 MiB) */
    uint64_t max_block_size;    /* largest block, raw (default 2 GiB) */
    uint64_t max_dict_size;     /* largest dictionary (default 16 MiB) */
    uint64_t max_prefix_size;   /* header + section table + roots (default 64 MiB) */
    int cache_pages;            /* decompressed index pages kept for reuse (default 64; -1: none) */
    /* Decompressed blocks kept for reuse, in bytes of raw block held, shared
     * by the reader's threads: a read whose block is held copies the entry
     * out instead of reading and decompressing again. 0: none (each read
     * then decompresses only up to its entry); a block larger than the
     * whole budget is not kept. WPK_OPEN_OPTS_INIT, NULL options and a
     * struct from a header without this field give the default,
     * WPK_BLOCK_CACHE_DEFAULT. */
    uint64_t block_cache_bytes;
    /* Bytes of decoded index pages kept, besides cache_pages' count
     * (default 16 MiB; 256 MiB for wpk_reader_open_url, where a page costs
     * a round trip), counted as the memory a decoded page takes. A page
     * larger than it is not kept. */
    uint64_t page_cache_bytes;
    /* A public key to trust (WPK_PUBLIC_KEY_SIZE bytes, copied at open;
     * NULL: none). Opening then checks the archive's signature over its
     * prefix and refuses one that is unsigned or signed by another key
     * (WPK_E_UNTRUSTED) or whose signature does not match (WPK_E_CORRUPT);
     * and every index page and block read is checked against the BLAKE2b-256
     * its referrer gives before it is used (WPK_E_CORRUPT, naming the
     * offset), so that every byte a lookup returns is the signer's. Without
     * a key pages and blocks are checked with XXH3-64 only, which catches
     * accidents but not a mirror that alters bytes on purpose. */
    const uint8_t *trusted_key;
    /* Plausibility cap (library 2.3): a block of more than 1 MiB whose raw
     * size is over this many times its stored size is refused (WPK_E_LIMIT)
     * before anything is decompressed. Text expands 3 to 150 times; a block
     * of zeros 32,768 times, so a small archive could otherwise make a
     * reader decompress gigabytes. Default 1024; 32768 or more: no cap
     * beyond zstd's own. */
    uint32_t max_expansion;
    /* Bytes of decoded search-index pages kept (library 2.6), apart from
     * the other index pages so that searching does not push out the pages
     * of lookups, nor lookups the terms of searches: default 64 MiB (256
     * MiB for wpk_reader_open_url), filled only by searches; none when
     * cache_pages is -1. A query's terms then cost no decoding the second
     * time, whatever the archive's size. */
    uint64_t search_cache_bytes;
} wpk_open_opts;
#define WPK_DEFAULT_MAX_EXPANSION 1024u
/* 32 MiB: 128 blocks of the writer's default 256 KiB, about what libzim
 * keeps by default (16 clusters of ~2 MiB); enough that a web reader's
 * recent articles and those near them are read without decompressing,
 * small beside the index pages an HTTP reader keeps. */
#define WPK_BLOCK_CACHE_DEFAULT ((uint64_t)32 << 20)
#ifdef __cplusplus
#define WPK_OPEN_OPTS_INIT {sizeof(wpk_open_opts), 0, 0, 0, 0, 0, WPK_BLOCK_CACHE_DEFAULT, 0}
#else
#define WPK_OPEN_OPTS_INIT {.struct_size = sizeof(wpk_open_opts), .block_cache_bytes = WPK_BLOCK_CACHE_DEFAULT}
#endif

typedef struct wpk_reader wpk_reader;

/* Open an archive file (format 2.x; a 1.x archive is WPK_E_FORMAT, "made by
 * wikipack 1.x (format 1.N); repack it with wikipack 2"). Reads the first
 * 64 KiB, and the rest of the prefix (header, section table, index roots,
 * wikis, summary, signature, dictionary) when it is larger: a bounded
 * amount, whatever the entry count. Roots and the dictionary are decoded on
 * first use. */
WPK_API int wpk_reader_open(wpk_reader **out, const char *path, const wpk_open_opts *opts, wpk_error *err);
/* Open an archive held in memory; `data` must outlive the reader. */
WPK_API int wpk_reader_open_memory(wpk_reader **out, const void *data, size_t size, const wpk_open_opts *opts, wpk_error *err);
/* Open through a caller-supplied positional-read source (copied). */
WPK_API int wpk_reader_open_source(wpk_reader **out, const wpk_source *src, const wpk_open_opts *opts, wpk_error *err);

/* Read an archive where it is hosted: http:// or https:// through HTTP
 * Range requests (libcurl), never downloading the whole file. Opening
 * fetches the first 256 KiB in one request, which holds the whole prefix
 * (roots, dictionary) of most archives, and the size of the file (from
 * Content-Range), then the rest of the prefix when it is larger; then a
 * lookup by page ID or title costs at most 2 index-page requests and 1
 * block request (by path, 1 + 1); index pages are kept (cache_pages defaults to
 * 4096 here, page_cache_bytes to 256 MiB), and so are decompressed blocks
 * (block_cache_bytes), so that reading them again costs no request.
 * Every response must be the
 * range asked for, of the file first opened (same ETag or Last-Modified,
 * same size): a server without range support, an error status, a short
 * response, a changed file or a timeout is WPK_E_IO with a message
 * saying which. */
typedef struct wpk_http_opts {
    uint32_t struct_size;       /* WPK_HTTP_OPTS_INIT sets it */
    long timeout_ms;            /* whole request, default 30000 */
    long connect_timeout_ms;    /* default 10000 */
    /* Library 2.2: the largest file wpk_reader_open_url_download takes
     * into memory (0: WPK_MAX_DOWNLOAD_DEFAULT); a larger one, by its
     * Content-Length or as it arrives, is WPK_E_LIMIT. */
    uint64_t max_download_bytes;
} wpk_http_opts;
#define WPK_MAX_DOWNLOAD_DEFAULT ((uint64_t)2 << 30)
#define WPK_HTTP_OPTS_INIT WPK_STRUCT_INIT_(wpk_http_opts)
WPK_API int wpk_reader_open_url(wpk_reader **out, const char *url, const wpk_open_opts *opts, const wpk_http_opts *http,
                        wpk_error *err);
/* Download a whole archive over http:// or https:// into memory, then open
 * it, for servers that do not support Range requests. The reader owns the
 * downloaded bytes and frees them when it is closed. http may be NULL:
 * http->timeout_ms limits the whole download (default: no limit),
 * http->connect_timeout_ms the connection (default 10000); a transfer
 * slower than 1 KiB a second for 30 seconds is given up, and at most 5
 * redirects are followed, to http or https only. A failed transfer or an
 * error status is WPK_E_IO with libcurl's reason, a file larger than
 * http->max_download_bytes WPK_E_LIMIT, one that does not fit in memory
 * WPK_E_NOMEM. */
WPK_API int wpk_reader_open_url_download(wpk_reader **out, const char *url, const wpk_open_opts *opts,
                                         const wpk_http_opts *http, wpk_error *err);
/* Requests made and body bytes received so far by a reader opened with
 * wpk_reader_open_url (WPK_E_INVALID for any other reader). */
typedef struct wpk_transfer_stats {
    uint32_t struct_size;       /* WPK_TRANSFER_STATS_INIT sets it */
    uint64_t requests, bytes;
} wpk_transfer_stats;
#define WPK_TRANSFER_STATS_INIT WPK_STRUCT_INIT_(wpk_transfer_stats)
WPK_API int wpk_reader_transfer_stats(const wpk_reader *r, wpk_transfer_stats *out);
/* What the reader's caches hold now, and how often they have served since
 * it was opened (see block_cache_bytes, page_cache_bytes and cache_pages in
 * wpk_open_opts). A content read with the block cache on is one hit or one
 * miss; a leaf index page load, likewise with the page cache. The budgets
 * are those in force (0: that cache is off). */
typedef struct wpk_cache_stats {
    uint32_t struct_size;       /* WPK_CACHE_STATS_INIT sets it */
    uint64_t block_hits, block_misses;
    uint64_t block_bytes;       /* raw bytes of the blocks held, at most block_budget */
    uint64_t block_count;       /* blocks held */
    uint64_t block_budget;
    uint64_t page_hits, page_misses;
    uint64_t page_bytes;        /* at most page_budget */
    uint64_t page_count;        /* at most page_slots */
    uint64_t page_budget, page_slots;
    /* Library 2.6: entries kept by number (wpk_reader_entry_at reads an
     * entry again from here, decoding no page), and the search index's
     * decoded pages (search_cache_bytes). */
    uint64_t entry_hits, entry_misses, entry_bytes, entry_count;
    uint64_t search_page_hits, search_page_misses, search_page_bytes, search_page_count, search_page_budget;
} wpk_cache_stats;
#define WPK_CACHE_STATS_INIT WPK_STRUCT_INIT_(wpk_cache_stats)
WPK_API int wpk_reader_cache_stats(const wpk_reader *r, wpk_cache_stats *out);
WPK_API void wpk_reader_close(wpk_reader *r);
/* Report the progress of wpk_reader_verify (NULL: none). */
WPK_API void wpk_reader_set_progress(wpk_reader *r, wpk_progress_fn fn, void *ctx);

typedef struct wpk_archive_info {
    uint32_t struct_size;       /* WPK_ARCHIVE_INFO_INIT sets it */
    uint16_t version_major, version_minor;
    uint64_t file_size;
    uint64_t entry_count;
    uint64_t block_count;
    uint64_t content_bytes;     /* sum of entry sizes */
    uint64_t unique_bytes;      /* sum of sizes of distinct contents */
    uint64_t data_bytes;        /* compressed blocks */
    uint64_t index_bytes;       /* index sections and pages */
    uint64_t dict_size;         /* 0 when no dictionary */
    uint64_t ids_indexed, titles_indexed;
    uint64_t required_features, optional_features; /* required: WPK_REQUIRES_* bits */
    /* From the SUMMARY section; has_summary is 0 when there is none. */
    int has_summary;
    uint64_t articles, revisions, aliases, categories;
    uint64_t wiki_count;        /* wikis in the wiki table (format 2.0; see wpk_reader_wikis) */
    /* Library 2.1, from the SUMMARY section: redirect pages (counted among
     * the articles), and those of them whose target is not in the archive. */
    uint64_t redirects, redirects_out;
} wpk_archive_info;
#define WPK_ARCHIVE_INFO_INIT WPK_STRUCT_INIT_(wpk_archive_info)

/* Required features of format 1.x (the spec's feature flags). Format 2.0
 * defines none: required_features is 0 in every archive this library
 * reads. */
#define WPK_REQUIRES_PAGE_DICT 0x1u  /* index pages compressed with the dictionary (1.1) */
#define WPK_REQUIRES_BRANCHES 0x2u   /* branch pages between an index root and its leaves (1.3) */
#define WPK_REQUIRES_SPLIT_RUNS 0x4u /* a category's members continued over several leaves (1.4) */
#define WPK_REQUIRES_COLUMNS 0x8u    /* index leaves stored column by column (1.5) */

/* WPK_E_INVALID when out->struct_size is wrong. */
WPK_API int wpk_reader_info(const wpk_reader *r, wpk_archive_info *out);
/* The languages of the articles with the number of articles in each (from
 * the SUMMARY section; nothing without one). */
typedef int (*wpk_language_cb)(void *ctx, const char *language, uint64_t articles);
WPK_API int wpk_reader_languages(const wpk_reader *r, wpk_language_cb cb, void *ctx);
/* The archive's wikis in number order (1 to wiki_count): the name each wiki
 * gives itself ("enwiki"), its language ("en", may be ""), the base of its
 * article URLs ("https://en.wikipedia.org/wiki/", may be "") and its site
 * name ("Wikipedia", may be ""), borrowed for the call. The callback
 * returns non-zero to stop (that value is returned). */
typedef int (*wpk_wiki_cb)(void *ctx, uint32_t number, const char *name, const char *language, const char *url_base,
                           const char *site_name);
WPK_API int wpk_reader_wikis(const wpk_reader *r, wpk_wiki_cb cb, void *ctx);

/* Library 2.2: what an archive records of one wiki, and what a writer is
 * told of it (wpk_writer_describe_wiki). */
typedef struct wpk_wiki_info {
    uint32_t struct_size;       /* WPK_WIKI_INFO_INIT sets it */
    const char *name;           /* its database name, "enwiki" */
    const char *language;       /* "en"; "" none */
    const char *url_base;       /* "https://en.wikipedia.org/wiki/"; "" none */
    const char *site_name;      /* "Wikipedia"; "" none */
    /* MediaWiki's case rule (<siteinfo><case>): 0 "first-letter" (the
     * first letter of a title is always a capital: Wikipedia), 1
     * "case-sensitive" (Wiktionary, where "Polish" and "polish" are two
     * pages). Lookups as typed follow it: on a first-letter wiki "polish"
     * is "Polish"; on a case-sensitive wiki it is only itself, and
     * "Polish" is found from it only as a looser, case-blind match. */
    int case_sensitive;
} wpk_wiki_info;
#define WPK_WIKI_INFO_INIT WPK_STRUCT_INIT_(wpk_wiki_info)
/* Wiki `number` (1 to wiki_count) into *out (strings borrowed from the
 * reader, valid while it is open); WPK_E_NOTFOUND for another number. */
WPK_API int wpk_reader_wiki_info(const wpk_reader *r, uint32_t number, wpk_wiki_info *out);

/* Lookups. On success *out is a new entry to release with wpk_entry_free().
 * By title: the entries whose title, alias or former title is exactly
 * `title`, titles before aliases before former titles, and the first of
 * them (an alias or a former title gives its article's current version).
 * By page ID: the current version with that page ID in the first wiki (by
 * number, entries of no wiki first) that has one. Returns WPK_E_NOTFOUND
 * when none matches. Cost: at most two index page reads. Thread-safe. */
WPK_API int wpk_reader_find_by_id(wpk_reader *r, uint64_t page_id, wpk_entry **out, wpk_error *err);
WPK_API int wpk_reader_find_by_title(wpk_reader *r, const char *title, wpk_entry **out, wpk_error *err);
WPK_API int wpk_reader_find_by_path(wpk_reader *r, const char *path, wpk_entry **out, wpk_error *err);
/* Each wiki numbers its own pages, so an archive of several wikis may hold
 * several articles with one page ID; wpk_reader_find_by_id returns the
 * first among them. wpk_reader_match_id calls cb once per wiki holding the
 * page ID, in wiki number order (entries of no wiki first): the wiki's name
 * (as wpk_entry.wiki, NULL for no wiki) and the entry number of the
 * article's current version; the callback returns non-zero to stop.
 * WPK_E_NOTFOUND when none has it. Cost: the ID index pages the wikis'
 * keys fall in (one for a few wikis), and an entry page read for each
 * article found, whose wiki and page ID are checked. */
typedef int (*wpk_id_cb)(void *ctx, const char *wiki, uint64_t entry_number);
WPK_API int wpk_reader_match_id(wpk_reader *r, uint64_t page_id, wpk_id_cb cb, void *ctx, wpk_error *err);
/* wpk_reader_find_by_id among the entries of one wiki (wpk_entry.wiki;
 * NULL or "": the entries of no wiki). */
WPK_API int wpk_reader_find_by_wiki_id(wpk_reader *r, const char *wiki, uint64_t page_id, wpk_entry **out,
                                       wpk_error *err);
/* The article a redirect page (e->redirect set) leads to: among the
 * current versions of e's wiki, the one wpk_reader_match_title_wiki finds
 * first for e->redirect (other than e itself). One step only: a target that
 * is itself a redirect page is returned as it is. WPK_E_NOTFOUND when e is
 * not a redirect page or the archive does not have its target (then e's own
 * content, "#REDIRECT [[Target]]", is what there is to read). */
WPK_API int wpk_reader_follow(wpk_reader *r, const wpk_entry *e, wpk_entry **out, wpk_error *err);
/* *yes = 1 when entry `from` is a redirect page that wpk_reader_follow
 * leads to entry `to`. A redirect page's title matches twice in
 * wpk_reader_match_title (its title, and the alias naming its target):
 * a caller that follows redirects counts them as one answer. */
WPK_API int wpk_reader_leads_to(wpk_reader *r, uint64_t from, uint64_t to, int *yes, wpk_error *err);
/* Library 2.3: the current version of the article e belongs to (a copy of
 * e's when e is current), checked against e: a current version that is
 * itself an older version, or does not list e among its revisions, is
 * WPK_E_CORRUPT naming both entries (the archive contradicts itself;
 * `verify` reports the same), never an answer. */
WPK_API int wpk_reader_current(wpk_reader *r, const wpk_entry *e, wpk_entry **out, wpk_error *err);
/* The entry at position n (0-based) in path order. */
WPK_API int wpk_reader_entry_at(wpk_reader *r, uint64_t n, wpk_entry **out, wpk_error *err);
/* Library 2.7: into *n, the position in path order of the first entry
 * whose path is at or after key[0, len) (bytes compared unsigned, a prefix
 * first), or the entry count when none is. It reads the index's root, in
 * a large archive one branch page, and at most one entry page, so finding
 * a folder ("dir/" up to "dir0") costs a few page reads whatever the
 * archive's size, and a damaged page fails only the keys that fall in it. */
WPK_API int wpk_reader_path_lower_bound(wpk_reader *r, const char *key, size_t len, uint64_t *n, wpk_error *err);
WPK_API void wpk_entry_free(wpk_entry *e);

/* Read an entry's content. wpk_reader_read_alloc returns a new buffer
 * (wpk_free() it) of e->size bytes (+1 NUL byte not counted). wpk_reader_read
 * fills a caller buffer of at least e->size bytes. Decompresses at most one
 * block, none when the block cache holds it (see block_cache_bytes); checks
 * the block's XXH3-64 when it reads the block (and its BLAKE2b-256 with a
 * trusted key). check_content is kept for the ABI and has no effect: format
 * 2.0 has no checksum per content, its block's cover it. Thread-safe. */
WPK_API int wpk_reader_read(wpk_reader *r, const wpk_entry *e, void *buf, size_t cap, int check_content, wpk_error *err);
WPK_API int wpk_reader_read_alloc(wpk_reader *r, const wpk_entry *e, void **out, int check_content, wpk_error *err);
/* Library 2.3: read an entry's content in pieces, each handed to `fn` as it
 * is decompressed (at most 128 KiB at a time when the block is not cached),
 * so that an entry of any size costs a bounded amount of memory: what
 * `get` and `serve` use for large entries. The pieces are borrowed for the
 * call. `fn` returns 0 to go on; any other value stops the read, which then
 * returns that value (with err saying the caller stopped). */
typedef int (*wpk_write_fn)(void *ctx, const void *data, size_t size);
WPK_API int wpk_reader_read_stream(wpk_reader *r, const wpk_entry *e, wpk_write_fn fn, void *ctx, wpk_error *err);
/* Library 2.3: the same, pulled: open a content stream (the entry's block
 * read and checked, as wpk_reader_read does), then read it in order in
 * pieces of any size; *got is 0 at the end. The stream holds the stored
 * block (or the cached whole block), a decompression context and a window
 * of at most the frame's; wpk_content_memory() says how many bytes, for
 * callers that budget memory (serve). The entry may be freed once open; the
 * reader must outlive the stream. A stream is used by one thread at a time. */
typedef struct wpk_content wpk_content;
WPK_API int wpk_reader_open_content(wpk_reader *r, const wpk_entry *e, wpk_content **out, wpk_error *err);
WPK_API int wpk_content_read(wpk_content *c, void *buf, size_t cap, size_t *got, wpk_error *err);
WPK_API uint64_t wpk_content_memory(const wpk_content *c);
WPK_API void wpk_content_close(wpk_content *c);

/* How a title query matched (see wpk_reader_match_title). */
typedef enum {
    WPK_MATCH_EXACT = 0,       /* the title or an alias, byte for byte */
    WPK_MATCH_MEDIAWIKI = 1,   /* equal as the title's wiki names it: '_' = ' ',
                                  whitespace collapsed, and the first letter's case
                                  ignored unless the wiki is case-sensitive
                                  (wpk_wiki_info) */
    WPK_MATCH_FOLDED = 2       /* equal after Unicode NFC and full case folding */
} wpk_match_level;

/* Called once per distinct article found: the title or alias that matched
 * (borrowed for the call), what it is (is_alias: 0 the entry's title, 1 an
 * alias or redirect, 2 a former title of the article) and the entry number
 * of the entry it names (for an alias or a former title, the article's
 * current version). Return non-zero to stop. */
typedef int (*wpk_title_cb)(void *ctx, const char *title, int is_alias, uint64_t entry_number);

/* Find the articles a person means by `query`, in this order: an
 * article's title exactly, then as its wiki names it (MediaWiki's
 * normalization: WPK_MATCH_MEDIAWIKI); then another name of an article (an
 * alias, such as the title in its URL or a redirect, or a former title)
 * exactly, then as its wiki names it; then folded matches of any of them.
 * Reports every distinct article of the first of these that has any (more
 * than one means the query is ambiguous), aliases before former titles,
 * then in index order (by wiki), and sets *level (EXACT, MEDIAWIKI or
 * FOLDED: how the query matched).
 * Returns WPK_E_NOTFOUND when nothing matches. Thread-safe. */
WPK_API int wpk_reader_match_title(wpk_reader *r, const char *query, wpk_title_cb cb, void *ctx, wpk_match_level *level,
                           wpk_error *err);
/* The same among the titles of one wiki (by name, as wpk_entry.wiki; ""
 * for the entries of no wiki; NULL: every wiki): the levels are tried on
 * that wiki's titles alone. WPK_E_NOTFOUND also when no wiki has the name. */
WPK_API int wpk_reader_match_title_wiki(wpk_reader *r, const char *wiki, const char *query, wpk_title_cb cb, void *ctx,
                                        wpk_match_level *level, wpk_error *err);
/* Titles and aliases whose folded form starts with the folded `prefix`, in
 * folded order, at most `limit` (0 = no limit): O(log n + k) page reads. */
WPK_API int wpk_reader_find_prefix(wpk_reader *r, const char *prefix, size_t limit, wpk_title_cb cb, void *ctx,
                           wpk_error *err);
/* The current articles in a category (exact category name, e.g.
 * "Category:Web frameworks"); `title` in the callback is the category. */
WPK_API int wpk_reader_category(wpk_reader *r, const char *category, wpk_title_cb cb, void *ctx, wpk_error *err);

/* MediaWiki-normalized and folded forms of a title (new buffers; wpk_free()). */
WPK_API int wpk_title_mediawiki(const char *title, size_t len, char **out);
WPK_API int wpk_title_fold(const char *title, size_t len, char **out);
/* The article title a Wikipedia-style URL points to: ".../wiki/Title",
 * ".../w/index.php?title=Title&..." or a bare "/wiki/Title", with
 * percent-encoding; any "#fragment" (and, for /wiki/, "?query") is dropped;
 * underscores (and '+' in a query) become spaces. *out gets a new string
 * (wpk_free()). WPK_E_NOTFOUND when the URL names no article (no such
 * part, an empty title, or an encoded NUL), WPK_E_NOMEM, WPK_E_INVALID. */
WPK_API int wpk_title_from_url(const char *url, char **out);
/* The wiki a URL's host names, by Wikimedia's database names (spec/FORMAT.md,
 * "Wikis"): the site of a language of a project is the language with '-'
 * as '_' and then "wiki" for Wikipedia or the project's name
 * ("https://en.wikipedia.org/wiki/X" and en.m.wikipedia.org give "enwiki",
 * de.wiktionary.org "dewiktionary", zh-min-nan.wikipedia.org
 * "zh_min_nanwiki"); www.wikidata.org is "wikidatawiki",
 * commons.wikimedia.org "commonswiki" (likewise meta, species, incubator),
 * www.mediawiki.org "mediawikiwiki"; any other host names itself, in lower
 * case ("wiki.example.org"). *out gets a new string (wpk_free()).
 * WPK_E_NOTFOUND when the URL has no host (or one longer than 255 bytes),
 * WPK_E_NOMEM, WPK_E_INVALID. */
WPK_API int wpk_wiki_from_url(const char *url, char **out);

/* Iterate all entries in path order; the callback returns non-zero to stop
 * (that value is returned). The entry passed is borrowed for the call only. */
typedef int (*wpk_entry_cb)(void *ctx, const wpk_entry *e);
WPK_API int wpk_reader_foreach(wpk_reader *r, wpk_entry_cb cb, void *ctx, wpk_error *err);

/* Verification. Quick checks the prefix, every root, branch page, index
 * page and block against both its XXH3-64 and its BLAKE2b-256 (key or not),
 * that pages tile the PAGES region and blocks the DATA region, that the
 * contents placed in each block cover it exactly, the header's totals, the
 * order of paths and index items across pages, the indexes against the
 * entries, the versions (current and older) of each article, the paths'
 * safety, and the signature of a signed archive (whoever signed: see
 * wpk_reader_check_signature to require a key). Full also decompresses
 * every block. Each problem found is reported to `report`
 * (may be NULL) and counted; verification goes on after a problem where it
 * can. Returns 0 when intact, WPK_E_CORRUPT when damaged, WPK_E_LIMIT when
 * the only problems are pages or blocks over the caps of wpk_open_opts.
 * Memory stays flat whatever the entry count: past 32 MiB, what the checks
 * across pages need goes to an unnamed temporary file in TMPDIR (else
 * /tmp); WPK_E_IO when that file cannot be written. */
typedef enum { WPK_VERIFY_QUICK = 0, WPK_VERIFY_FULL = 1 } wpk_verify_level;
typedef void (*wpk_problem_cb)(void *ctx, const wpk_error *problem);
typedef struct wpk_verify_stats {
    uint32_t struct_size;       /* WPK_VERIFY_STATS_INIT sets it */
    uint64_t problems;
    uint64_t pages_checked, blocks_checked, entries_checked, bytes_checked;
} wpk_verify_stats;
#define WPK_VERIFY_STATS_INIT WPK_STRUCT_INIT_(wpk_verify_stats)
WPK_API int wpk_reader_verify(wpk_reader *r, wpk_verify_level level, wpk_problem_cb report, void *ctx,
                      wpk_verify_stats *stats, wpk_error *err);

/* ---- writing ------------------------------------------------------------- */

typedef struct wpk_write_opts {
    uint32_t struct_size;       /* WPK_WRITE_OPTS_INIT sets it */
    int level;                  /* zstd level, default 19 */
    uint32_t block_size;        /* target raw block size, default 256 KiB */
    int threads;                /* compression threads, default: number of cores */
    int dictionary;             /* 0 = auto (train, keep when smaller), -1 = never */
    uint32_t dict_size;         /* target dictionary size, default 1/64 of the distinct content or 64 bytes an
                                 * entry (up to 1/8 of the content), whichever is larger, 16-256 KiB;
                                 * WPK_DICT_SIZE_LARGE: 1/8 of it, 16 KiB-2 MiB */
    uint32_t page_size;         /* target raw index page size; default 128 KiB, 16 KiB above 50,000 entries */
    int latest_only;            /* store only the newest version of each article */
    int search;                 /* library 2.5: 0 = a full-text search index (default), -1 = none */
} wpk_write_opts;
#define WPK_WRITE_OPTS_INIT WPK_STRUCT_INIT_(wpk_write_opts)
/* The largest dictionary that still pays for itself: a smaller archive,
 * but a reader's first read decompresses up to 2 MiB of dictionary (~1 ms
 * per MiB) before its block. */
#define WPK_DICT_SIZE_LARGE 1u

typedef struct wpk_writer wpk_writer;

typedef struct wpk_write_stats {
    uint32_t struct_size;       /* WPK_WRITE_STATS_INIT sets it */
    uint64_t entries, unique_contents, content_bytes, unique_bytes;
    uint64_t blocks, data_bytes, index_bytes, dict_size, file_size;
    uint64_t articles;          /* distinct articles (by page ID, else folded title) */
    uint64_t revisions;         /* older versions kept as revisions */
    uint64_t dropped_revisions; /* older versions left out (latest_only) */
    uint64_t duplicates;        /* entries whose content repeats another's (stored once) */
    uint64_t aliases;           /* aliases stored (a redirect page's alias to its target included) */
    uint64_t unresolved_aliases;/* aliases whose target title is not in the archive (not stored) */
    /* Library 2.1: redirect pages (wpk_entry.redirect) kept as current
     * versions, and those of them whose target is not in the archive. */
    uint64_t redirects, redirects_out;
    /* Library 2.3: blocks that expand past the readers' default
     * plausibility cap (wpk_open_opts.max_expansion): reading their entries
     * needs the cap raised. Only data such as long runs of one byte does. */
    uint64_t implausible_blocks;
    /* Library 2.5: bytes of the search index (its root, parameters and
     * pages; 0 without one) and the documents it indexes. */
    uint64_t search_bytes, search_documents;
} wpk_write_stats;
#define WPK_WRITE_STATS_INIT WPK_STRUCT_INIT_(wpk_write_stats)

/* Start an archive to be written at `path`. Nothing appears under `path`
 * until wpk_writer_finish() succeeds: the archive is written to a temporary
 * file beside it, fsynced and renamed into place. */
WPK_API int wpk_writer_create(wpk_writer **out, const char *path, const wpk_write_opts *opts, wpk_error *err);
/* Add an entry whose content is in memory (copied into a spill file). Only
 * meta->path is required; size/content_hash/entry_number/block_* are ignored. */
WPK_API int wpk_writer_add(wpk_writer *w, const wpk_entry *meta, const void *data, size_t size, wpk_error *err);
/* Add an entry whose content is the file at `file_path`, read at finish time.
 * The file must not change before then. */
WPK_API int wpk_writer_add_file(wpk_writer *w, const wpk_entry *meta, const char *file_path, wpk_error *err);
/* Record that `alias` (a redirect, another spelling or file name of an
 * article) leads to the article titled `target`. Resolved when finishing:
 * exact title first, then folded title; unresolved aliases are counted in
 * wpk_write_stats, not stored. */
WPK_API int wpk_writer_add_alias(wpk_writer *w, const char *alias, const char *target, wpk_error *err);
/* Library 2.2: what the archive records of the wiki `info->name` (a
 * MediaWiki export's <siteinfo>). The writer otherwise takes a wiki's
 * language and URL base from what most of its entries have, and records it
 * first-letter with no site name; a NULL language or url_base here keeps
 * that, a string replaces it. A wiki no entry belongs to is not recorded.
 * Describing one wiki again replaces what was said. */
WPK_API int wpk_writer_describe_wiki(wpk_writer *w, const wpk_wiki_info *info, wpk_error *err);
/* Compress, index and write everything, then rename into place. */
/* Report the progress of wpk_writer_finish (NULL: none). */
WPK_API void wpk_writer_set_progress(wpk_writer *w, wpk_progress_fn fn, void *ctx);
WPK_API int wpk_writer_finish(wpk_writer *w, wpk_write_stats *stats, wpk_error *err);
/* Release the writer; if not finished, removes every temporary file. */
WPK_API void wpk_writer_free(wpk_writer *w);

/* ---- merging -------------------------------------------------------------- */

/* Library 2.4. */
typedef struct wpk_merge_stats {
    uint32_t struct_size;       /* WPK_MERGE_STATS_INIT sets it */
    uint64_t parts;             /* archives merged */
    uint64_t input_bytes;       /* their sizes, summed */
    /* Entries met in two parts with the same path, metadata and content,
     * kept once. */
    uint64_t repeated_entries;
    /* Runs of blocks with a dictionary of their own (format 2.2, one per
     * part); 0 when one dictionary, or none, serves every part. */
    uint64_t block_runs;
    wpk_write_stats written;    /* the merged archive, as wpk_writer_finish reports it */
} wpk_merge_stats;
#define WPK_MERGE_STATS_INIT WPK_STRUCT_INIT_(wpk_merge_stats)

/* Write to `out_path` one archive holding every entry of the archives
 * `parts` (in that order), without decompressing their contents: each
 * part's compressed blocks are copied as they are (every one checked
 * against its checksum on the way), and the indexes are built again over
 * all the entries, as wpk_writer_finish builds them: versions of one
 * article and redirects found in different parts are joined, aliases are
 * resolved again. An entry whose path is in two parts is kept once when
 * its metadata and content are alike, and is WPK_E_EXISTS (naming it and
 * both parts) otherwise; so is a wiki case-sensitive in one part and not
 * in another. Parts with different dictionaries make a format 2.2 archive
 * (BLOCK_DICTS). opts: page_size and level (of the index pages, default
 * WPK_MERGE_DEFAULT_LEVEL) count; NULL for the defaults. The same parts in the same order give the same
 * bytes. The output is unsigned: sign it again. Nothing appears under
 * out_path unless the merge succeeds. */
#define WPK_MERGE_DEFAULT_LEVEL 9
WPK_API int wpk_merge(const char *out_path, const char *const *parts, size_t n_parts, const wpk_write_opts *opts,
                      wpk_progress_fn progress, void *progress_ctx, wpk_merge_stats *stats, wpk_error *err);

/* ---- signatures ----------------------------------------------------------- */

/* An archive can carry an Ed25519 signature over a BLAKE2b-512 digest of its
 * prefix, which names every index page and block by its BLAKE2b-256: a
 * signature checked against a key you trust (wpk_open_opts.trusted_key)
 * covers every byte a reader uses. Checksums only catch accidents. */
#define WPK_PUBLIC_KEY_SIZE 32
#define WPK_SECRET_KEY_SIZE 64   /* libsodium layout: 32-byte seed, then the public key */
#define WPK_SIGNATURE_SIZE 64

/* A new random key pair. */
WPK_API int wpk_keygen(uint8_t public_key[WPK_PUBLIC_KEY_SIZE], uint8_t secret_key[WPK_SECRET_KEY_SIZE], wpk_error *err);
/* The public key of a secret key; WPK_E_INVALID when the secret key is not
 * self-consistent (damaged). */
WPK_API int wpk_public_key_of(const uint8_t secret_key[WPK_SECRET_KEY_SIZE], uint8_t public_key[WPK_PUBLIC_KEY_SIZE],
                      wpk_error *err);
/* Sign the archive at `path`, replacing any earlier signature. The signed
 * archive is written beside it, verified (quick) and renamed over it: on
 * failure the original is left as it was. */
WPK_API int wpk_sign_archive(const char *path, const uint8_t secret_key[WPK_SECRET_KEY_SIZE], wpk_error *err);

/* Fixed layout: never grows. */
typedef struct wpk_signature_info {
    uint8_t public_key[WPK_PUBLIC_KEY_SIZE];  /* the signer's key, as stored in the archive */
    uint8_t signature[WPK_SIGNATURE_SIZE];
} wpk_signature_info;
/* The stored signature, not checked. WPK_E_NOTFOUND when the archive is
 * unsigned, WPK_E_CORRUPT when the record is malformed. */
WPK_API int wpk_reader_signature(wpk_reader *r, wpk_signature_info *out, wpk_error *err);
/* Check the signature against the archive's prefix (in memory since open;
 * the pages and blocks it names are checked as they are read with a trusted
 * key, or all of them by wpk_reader_verify). With trusted_key NULL, any
 * signer is accepted: this only shows that the prefix is as its signer left
 * it. With a key, the signer must also be that key (WPK_E_UNTRUSTED
 * otherwise). WPK_E_NOTFOUND when the archive is unsigned, WPK_E_CORRUPT
 * when the signature does not match or the record is malformed. */
WPK_API int wpk_reader_check_signature(wpk_reader *r, const uint8_t *trusted_key, wpk_error *err);

/* ---- full-text search (library 2.5, format 2.3) --------------------------
 *
 * An archive packed with a search index (wikipack 2.5's default) finds
 * articles by the words of their text and title. A query is words, all of
 * which must match ("python language"), "exact phrases", prefix* words and
 * -excluded words; case, accents and Unicode forms are folded and words
 * stemmed in the query's language as in the articles'. Results are articles
 * (the current version of each, never a copy or an older version), best
 * first by BM25 with title matches weighted up. A query reads only the
 * index pages of its words, so it works over HTTP with a few requests. */
typedef struct wpk_search_opts {
    uint32_t struct_size;       /* WPK_SEARCH_OPTS_INIT sets it */
    uint32_t limit;             /* results wanted, 0: 10; at most WPK_SEARCH_MAX_LIMIT */
    uint32_t offset;            /* results to skip first (paging), at most WPK_SEARCH_MAX_LIMIT */
    int snippets;               /* non-zero: each result gets a snippet of its text with the matches marked */
    const char *language;       /* the query's language (ISO 639 code); NULL: the archive's most common */
} wpk_search_opts;
#define WPK_SEARCH_OPTS_INIT WPK_STRUCT_INIT_(wpk_search_opts)
#define WPK_SEARCH_MAX_LIMIT 1000u

/* A matched word in a snippet: `len` bytes at byte `at`. */
typedef struct wpk_search_mark {
    uint32_t at, len;
} wpk_search_mark;

typedef struct wpk_search_hit {
    uint64_t entry;             /* its entry number: wpk_reader_entry_at gives title, page ID and path */
    double score;               /* larger is better; comparable within one query only */
    char *snippet;              /* UTF-8 plain text, NUL-terminated; NULL without snippets */
    wpk_search_mark *marks;     /* in increasing order, within the snippet */
    uint32_t mark_count;
} wpk_search_hit;

typedef struct wpk_search_results {
    uint64_t matches;           /* articles matching the query (an upper bound when it has phrases) */
    uint32_t count;             /* hits below */
    wpk_search_hit *hits;
} wpk_search_results;

/* Non-zero when the archive has a search index. */
WPK_API int wpk_reader_has_search(const wpk_reader *r);
/* Run a query. WPK_E_NOTFOUND when the archive has no search index (the
 * message says so), WPK_E_INVALID for an empty query or one with nothing
 * but excluded words; no match is a result with count 0. *out is freed with
 * wpk_search_results_free. */
WPK_API int wpk_reader_search(wpk_reader *r, const char *query, const wpk_search_opts *opts,
                              wpk_search_results **out, wpk_error *err);
WPK_API void wpk_search_results_free(wpk_search_results *res);

/* Checks a path as stored in an archive: relative, '/' separated, no empty,
 * "." or ".." component, no NUL, backslash or control character, at most
 * 4096 bytes and 255 bytes per component, valid UTF-8. Returns 0 if safe. */
WPK_API int wpk_path_check(const char *path, size_t len);

#ifdef __cplusplus
}
#endif
#endif /* WIKIPACK_H */
