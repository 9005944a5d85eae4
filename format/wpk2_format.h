/* wpk2_format.h - the format 2.0 codec: every on-disk structure of spec/FORMAT.md, bytes to structs and back.
 *
 * Pure: no I/O, no zstd, no signatures. Pages, roots and sections are
 * given and returned raw (decompressed); the caller reads, decompresses,
 * checks XXH3/BLAKE2b of stored bytes and compresses.
 *
 * Conventions of every function here:
 * - Decoders take (bytes, length), check every rule of the draft that
 *   needs no other I/O, read every stream to its end, and return WPK2_OK
 *   or a WPK2_E_* code with err->msg naming the structure, the stream and
 *   the item ("entry page, entry 3 (PATHS): paths out of order"). They
 *   never read outside the bytes given, and allocate only what the input
 *   bounds: item arrays at most a small multiple of the input size, and
 *   decoded strings (front-coded keys, spelled titles and URLs) at most
 *   ctx->max_strings bytes (WPK2_E_LIMIT beyond).
 * - A decoded structure owns its memory (strings included: nothing points
 *   into the input) and is released by its *_free function, which also
 *   accepts a zeroed or failed structure.
 * - Encoders append to a wpk2_buf and check their input against the same
 *   rules (WPK2_E_INVALID, naming the item), so a writer cannot produce
 *   bytes a decoder refuses. On failure the buffer keeps its old length.
 * - Memory comes from a wpk2_alloc (NULL: malloc/realloc/free).
 */
#ifndef WPK2_FORMAT_H
#define WPK2_FORMAT_H

#include <stddef.h>
#include <stdint.h>

/* ---- results, memory, buffers ------------------------------------------- */

enum {
    WPK2_OK = 0,
    WPK2_E_FORMAT = -1,  /* not a 2.x archive (bad magic, other major, 1.x, unknown required bit/section) */
    WPK2_E_CORRUPT = -2, /* a structural rule of the draft is broken */
    WPK2_E_LIMIT = -3,   /* over a cap of the caller (block cap, decoded strings) */
    WPK2_E_NOMEM = -4,   /* the allocator failed */
    WPK2_E_INVALID = -5  /* encoder: the structs given break a rule of the format */
};

typedef struct wpk2_err {
    int code;
    char msg[240];
} wpk2_err;

/* Same shape as the library's allocator (opaque passed to each call). */
typedef struct wpk2_alloc {
    void *(*alloc_fn)(void *opaque, size_t size);
    void *(*realloc_fn)(void *opaque, void *p, size_t size);
    void (*free_fn)(void *opaque, void *p);
    void *opaque;
} wpk2_alloc;

/* Growable output of the encoders. Start zeroed with .alloc set (or NULL). */
typedef struct wpk2_buf {
    uint8_t *p;
    size_t len, cap;
    const wpk2_alloc *alloc;
} wpk2_buf;
void wpk2_buf_free(wpk2_buf *b);

/* A byte string (not NUL-terminated). len 0 is the empty string. */
typedef struct wpk2_str {
    const uint8_t *p;
    uint32_t len;
} wpk2_str;

/* XXH3-64, seed 0. */
uint64_t wpk2_checksum(const void *p, size_t n);

/* ---- header (128 bytes at offset 0) ------------------------------------- */

#define WPK2_MAGIC "\x89WPK\r\n\x1a\n"
#define WPK2_HEADER_SIZE 128u
#define WPK2_SECTION_SIZE 48u
#define WPK2_MAX_SECTIONS 64u
#define WPK2_MAX_WIKIS 65535u
#define WPK2_MAJOR 2u
#define WPK2_MAX_EXPANSION 32768u /* the most a zstd frame expands (as in 1.5) */

typedef struct wpk2_header {
    uint16_t major, minor;
    uint64_t required_features, optional_features;
    uint64_t file_size, entry_count, block_count, content_bytes, unique_bytes;
    uint32_t section_count, wiki_count;
    uint64_t prefix_size;
    uint64_t section_table_checksum;
    uint64_t header_checksum; /* set by encode, checked by decode */
} wpk2_header;

/* At least 12 bytes are needed to tell a 1.x archive ("made by wikipack
 * 1.x (format 1.N); repack it with wikipack 2", WPK2_E_FORMAT), 128 for
 * the rest. */
int wpk2_header_decode(const uint8_t *p, size_t n, wpk2_header *h, wpk2_err *err);
/* Writes major 2 and header_size 128; sets h->header_checksum. */
int wpk2_header_encode(uint8_t out[WPK2_HEADER_SIZE], wpk2_header *h, wpk2_err *err);
/* 128 + 48 * section_count. */
uint64_t wpk2_table_end(const wpk2_header *h);

/* ---- section table (48 bytes an entry, at offset 128) ------------------- */

enum {
    WPK2_SEC_ENTRY_ROOT = 1,
    WPK2_SEC_TITLE_ROOT = 2,
    WPK2_SEC_ID_ROOT = 3,
    WPK2_SEC_CATEGORY_ROOT = 4,
    WPK2_SEC_WIKIS = 5,
    WPK2_SEC_SUMMARY = 6,
    WPK2_SEC_SIGNATURE = 7,
    WPK2_SEC_DICT = 8,
    WPK2_SEC_PAGES = 9,
    WPK2_SEC_DATA = 10,
    WPK2_SEC_BLOCK_DICTS = 11, /* format 2.2 */
    WPK2_SEC_SEARCH = 12,       /* format 2.3: the search index's parameters */
    WPK2_SEC_SEARCH_ROOT = 13,  /* format 2.3: root of the term pages */
    WPK2_SEC_SEARCH_PAGES = 14, /* format 2.3: region of term pages and their branch pages */
    WPK2_SEC_LAST = 14
};
#define WPK2_SECF_REQUIRED 0x1u /* a reader not knowing the type refuses the archive */
#define WPK2_SECF_ZSTD 0x2u     /* stored bytes: one zstd frame without dictionary */
#define WPK2_SECF_REGION 0x4u   /* a container of pages or blocks, after the prefix */
#define WPK2_SECF_BRANCHED 0x8u /* on a root: its items name branch pages */
#define WPK2_SECF_KNOWN 0xFu

typedef struct wpk2_section {
    uint32_t type, flags;
    uint64_t offset, stored_size, raw_size, checksum, count;
} wpk2_section;

/* One entry alone (flag bits, sizes, extent); `index` is for messages. */
int wpk2_section_decode(const uint8_t p[WPK2_SECTION_SIZE], uint32_t index, wpk2_section *s, wpk2_err *err);
void wpk2_section_encode(uint8_t out[WPK2_SECTION_SIZE], const wpk2_section *s);

/* Where each known section is (NULL when absent), after the table checks. */
typedef struct wpk2_section_map {
    const wpk2_section *of[WPK2_SEC_LAST + 1];
} wpk2_section_map;

/* The whole table: p holds the 48 * h->section_count bytes at offset 128.
 * Checks its checksum, each entry, and the table rules: known types at
 * most once, the required ones present, flags allowed per type, sections
 * without REGION inside the prefix and with it after, everything tiling
 * table_end .. file_size - 1. Unknown types without REQUIRED are allowed
 * (and skipped); with it, WPK2_E_FORMAT. `secs` gets section_count entries;
 * map points into it. */
int wpk2_section_table_decode(const uint8_t *p, size_t n, const wpk2_header *h, wpk2_section *secs,
                              wpk2_section_map *map, wpk2_err *err);
/* The rules alone, on decoded entries (an encoder's check before writing). */
int wpk2_section_table_check(const wpk2_section *secs, uint32_t count, const wpk2_header *h, wpk2_section_map *map,
                             wpk2_err *err);
/* Encodes `count` entries into out (48 * count bytes); returns their XXH3-64
 * for the header's section_table_checksum. */
uint64_t wpk2_section_table_encode(uint8_t *out, const wpk2_section *secs, uint32_t count);

/* ---- caps and context shared by the page decoders ----------------------- */

#define WPK2_DEFAULT_MAX_STRINGS (16u << 20) /* decoded strings of one page */
#define WPK2_DEFAULT_MAX_BLOCK (1ull << 31)  /* raw size of a block */
/* A block over the floor may expand at most this many times its stored
 * size (a reader's plausibility cap, WPK2_E_LIMIT; text expands 3 to 150
 * times): what a small archive can make a reader decompress. */
#define WPK2_DEFAULT_MAX_EXPANSION 1024u
#define WPK2_EXPANSION_FLOOR (1ull << 20)

/* Page kinds (the u32 after `count` in every page, and a root's kind). */
enum { WPK2_PAGE_ENTRY = 1, WPK2_PAGE_TITLE = 2, WPK2_PAGE_ID = 3, WPK2_PAGE_CATEGORY = 4, WPK2_PAGE_BRANCH = 5,
       WPK2_PAGE_TERM = 6 /* format 2.3 */ };

/* Indexes whose runs of one key may continue into the next leaf, so that
 * two leaves may start with the same key: categories and terms. */
static inline int wpk2_runs_split(uint32_t index_kind)
{
    return index_kind == WPK2_PAGE_CATEGORY || index_kind == WPK2_PAGE_TERM;
}

typedef struct wpk2_root_item wpk2_root_item;
typedef struct wpk2_wikis wpk2_wikis;

typedef struct wpk2_page_ctx {
    /* The root or branch item naming the page: its page_items must be the
     * page's count, its key the page's first key; entry numbers of an entry
     * page start at its first_item. NULL: none of these checked, entries
     * numbered from 0. */
    const wpk2_root_item *from;
    uint64_t entry_count;          /* header: entry numbers must be below it */
    const wpk2_wikis *wikis;       /* wiki numbers <= its count; url_base for spelled URLs; NULL: no wikis */
    uint64_t data_size;            /* stored size of DATA: block references must lie within */
    uint64_t max_block;            /* block raw size cap, 0: WPK2_DEFAULT_MAX_BLOCK (WPK2_E_LIMIT) */
    uint64_t max_strings;          /* decoded string bytes cap, 0: WPK2_DEFAULT_MAX_STRINGS (WPK2_E_LIMIT) */
    const wpk2_alloc *alloc;
} wpk2_page_ctx;

/* count and kind of any page (roots excluded), without decoding it. */
int wpk2_page_peek(const uint8_t *raw, size_t n, uint32_t *count, uint32_t *kind, wpk2_err *err);

/* Memory of a decoded structure (internal: chunks of its arena). */
typedef struct wpk2_mem {
    const wpk2_alloc *alloc;
    void *chunks;
    uint64_t strings; /* string bytes held, against max_strings */
    uint64_t max_strings;
} wpk2_mem;

/* ---- roots and branch pages --------------------------------------------- */

#define WPK2_ROOT_ITEM_FIXED 70u
#define WPK2_ID_KEY_SIZE 10u /* u16 wiki number, u64 page ID */

/* One item of a root or of a branch page: a page and its first key. */
struct wpk2_root_item {
    uint64_t page_offset; /* region offset in PAGES */
    uint32_t stored_size, raw_size;
    uint64_t checksum;    /* XXH3-64 of the stored bytes */
    uint8_t auth[32];     /* BLAKE2b-256 of the stored bytes */
    uint64_t first_item;  /* position of the page's first item in its index */
    uint32_t page_items;  /* items in the page (for a branch page: in the leaves below it) */
    wpk2_str key;         /* the page's first key; for ID pages the 10 bytes below */
    uint16_t key_wiki;    /* ID index: the key's wiki number */
    uint64_t key_id;      /* ID index: the key's page ID */
};

typedef struct wpk2_root {
    uint32_t index_kind;  /* 1..4: the index (entry, title, ID, category) */
    uint32_t kind;        /* of the pages the items name: index_kind, or 5 (branch pages) */
    uint32_t count;
    wpk2_root_item *items;
    uint64_t total;       /* first_item + page_items of the last item (first_item of the first when empty) */
    wpk2_mem mem;
} wpk2_root;

typedef struct wpk2_root_ctx {
    uint32_t index_kind;  /* 1..4, from the section type */
    int branched;         /* the section has WPK2_SECF_BRANCHED */
    uint64_t entry_count; /* ENTRY_ROOT: the items must total it */
    uint64_t pages_size;  /* stored size of PAGES: pages must lie within */
    const wpk2_alloc *alloc;
} wpk2_root_ctx;

/* A root section's raw bytes: item count, kind, items filling it; first_item
 * contiguous from 0; keys in order (paths, titles, IDs strictly increasing,
 * category names never decreasing). */
int wpk2_root_decode(const uint8_t *raw, size_t n, const wpk2_root_ctx *ctx, wpk2_root *out, wpk2_err *err);
/* A branch page named by `from` (an item of a BRANCHED root): count,
 * kind 5, child_kind = ctx->index_kind, items naming leaves, their
 * positions continuing from->first_item, totalling from->page_items, the
 * first key equal to from's. out->kind is the child kind. */
int wpk2_branch_decode(const uint8_t *raw, size_t n, const wpk2_root_ctx *ctx, const wpk2_root_item *from,
                       wpk2_root *out, wpk2_err *err);
void wpk2_root_free(wpk2_root *r);
/* Encoders: a root names leaves (kind = index kind) or branch pages (kind
 * 5); a branch page names leaves of child_kind. ctx gives the index kind and
 * entry_count/pages_size for the checks (pages_size 0: not checked). */
int wpk2_root_encode(wpk2_buf *out, const wpk2_root_ctx *ctx, const wpk2_root_item *items, uint32_t count,
                     wpk2_err *err);
int wpk2_branch_encode(wpk2_buf *out, const wpk2_root_ctx *ctx, const wpk2_root_item *items, uint32_t count,
                       wpk2_err *err);
/* The 10-byte key of an ID page (u16 wiki, u64 page ID). */
void wpk2_id_key(uint8_t out[WPK2_ID_KEY_SIZE], uint16_t wiki, uint64_t page_id);

/* ---- WIKIS section ------------------------------------------------------ */

typedef struct wpk2_wiki {
    wpk2_str name;      /* unique, non-empty */
    wpk2_str language;  /* may be empty */
    wpk2_str url_base;  /* may be empty: no spelled URLs */
    wpk2_str site_name; /* may be empty */
} wpk2_wiki;

/* wikis[k - 1] is wiki number k. */
struct wpk2_wikis {
    uint32_t count;
    wpk2_wiki *wikis;
    wpk2_mem mem;
};

/* raw: the section's raw bytes; wiki_count from the header. */
int wpk2_wikis_decode(const uint8_t *raw, size_t n, uint32_t wiki_count, const wpk2_alloc *alloc, wpk2_wikis *out,
                      wpk2_err *err);
void wpk2_wikis_free(wpk2_wikis *w);
int wpk2_wikis_encode(wpk2_buf *out, const wpk2_wiki *wikis, uint32_t count, wpk2_err *err);

/* ---- entry pages -------------------------------------------------------- */

/* FLAGS bits. */
#define WPK2_F_HAS_ID 0x01u
#define WPK2_F_HAS_TIME 0x02u
#define WPK2_F_TITLE_SPELLED 0x04u /* title spelled from the path */
#define WPK2_F_URL_SPELLED 0x08u   /* URL = wiki url_base + title, spaces as '_' */
#define WPK2_F_HAS_TITLE 0x10u
#define WPK2_F_HAS_URL 0x20u
#define WPK2_F_HAS_EXT 0x40u
/* What an entry has; the encoder takes only these from its input. */
#define WPK2_F_CONTENT (WPK2_F_HAS_ID | WPK2_F_HAS_TIME | WPK2_F_HAS_TITLE | WPK2_F_HAS_URL)

/* Extension field tags. */
enum {
    WPK2_EXT_CATEGORY = 1,
    WPK2_EXT_CURRENT = 2,
    WPK2_EXT_NAMESPACE = 3,
    WPK2_EXT_REVISIONS = 4,
    WPK2_EXT_SAME_CATEGORIES = 5,
    WPK2_EXT_REDIRECT = 6,
    WPK2_EXT_LANGUAGE = 7,
    /* Format 2.1: a MediaWiki revision's own facts. */
    WPK2_EXT_REVISION_ID = 8,
    WPK2_EXT_CONTRIBUTOR = 9,
    WPK2_EXT_COMMENT = 10
};
/* wpk2_entry.ext: which single-valued fields the entry has (categories
 * and revisions: their counts). */
#define WPK2_X_CURRENT 0x1u
#define WPK2_X_NAMESPACE 0x2u
#define WPK2_X_SAME_CATEGORIES 0x4u
#define WPK2_X_REDIRECT 0x8u
#define WPK2_X_LANGUAGE 0x10u
#define WPK2_X_REVISION_ID 0x20u
#define WPK2_X_CONTRIBUTOR 0x40u
#define WPK2_X_COMMENT 0x80u
/* The fields of format 2.1: an archive using one says minor version 1. */
#define WPK2_X_MINOR_1 (WPK2_X_REVISION_ID | WPK2_X_CONTRIBUTOR | WPK2_X_COMMENT)

#define WPK2_NO_BLOCK UINT32_MAX

/* A block reference of an entry page (BLOCKS). */
typedef struct wpk2_block_ref {
    uint64_t offset;      /* region offset in DATA */
    uint64_t stored_size; /* >= 1 */
    uint64_t raw_size;    /* >= 1, <= the block cap */
    uint64_t checksum;    /* XXH3-64 of the stored bytes */
    uint8_t auth[32];     /* BLAKE2b-256 of the stored bytes */
} wpk2_block_ref;

/* 1 when a block is within the plausibility cap (max_expansion 0:
 * WPK2_DEFAULT_MAX_EXPANSION). Checked when the block is to be read, not
 * when its entry page is decoded: one implausible block leaves the page's
 * other entries readable. */
int wpk2_block_plausible(const wpk2_block_ref *b, uint32_t max_expansion);
/* 1 when two references to one block agree: sizes and both hashes. */
int wpk2_block_ref_same(const wpk2_block_ref *a, const wpk2_block_ref *b);

/* ---- BLOCK_DICTS (format 2.2): a dictionary per run of blocks ---------- */

enum { WPK2_RUN_NO_DICT = 0, WPK2_RUN_DICT_RAW = 1, WPK2_RUN_DICT_ZSTD = 2 };
/* A run of blocks from `start` (a DATA region offset) to the next run's
 * start; with a dictionary, it is stored at `start`. */
typedef struct wpk2_dict_run {
    uint64_t start;
    uint8_t form;         /* WPK2_RUN_* */
    uint64_t stored_size, raw_size;
    uint64_t checksum;    /* XXH3-64 of the stored dictionary */
    uint8_t auth[32];     /* its BLAKE2b-256 */
} wpk2_dict_run;
typedef struct wpk2_block_dicts {
    uint32_t count;
    wpk2_dict_run *runs;  /* increasing start, runs[0].start == 0 */
    wpk2_mem mem;
} wpk2_block_dicts;
/* raw: the section's raw bytes; data_size: the DATA region's size; a
 * dictionary's raw size above max_dict is WPK2_E_LIMIT. */
int wpk2_block_dicts_decode(const uint8_t *raw, size_t n, uint64_t data_size, uint64_t max_dict,
                            const wpk2_alloc *alloc, wpk2_block_dicts *out, wpk2_err *err);
void wpk2_block_dicts_free(wpk2_block_dicts *d);
/* The run a block at region offset `offset` belongs to (the last run
 * starting at or before it). */
uint32_t wpk2_block_dicts_run(const wpk2_block_dicts *d, uint64_t offset);
int wpk2_block_dicts_encode(wpk2_buf *out, const wpk2_dict_run *runs, uint32_t count);

typedef struct wpk2_entry {
    uint8_t flags;        /* WPK2_F_*: decoded as stored; the encoder reads WPK2_F_CONTENT only */
    uint16_t wiki;        /* 0: none */
    uint64_t page_id;     /* with HAS_ID */
    int64_t updated_us;   /* with HAS_TIME */
    uint64_t size;        /* content size */
    uint32_t block;       /* index into the block references (WPK2_NO_BLOCK when size is 0) */
    uint64_t offset;      /* of the content in the block's raw bytes (0 when size is 0) */
    wpk2_str path;        /* 1..65535 bytes, no NUL */
    wpk2_str title;       /* with HAS_TITLE: non-empty */
    wpk2_str url;         /* with HAS_URL: non-empty */
    wpk2_str media_type;  /* len 0: none */
    /* extension fields */
    uint32_t ext;                /* WPK2_X_* */
    uint32_t category_count;
    const wpk2_str *categories;  /* the names */
    const uint32_t *category_nums; /* decoded: their string numbers (the encoder ignores it) */
    uint32_t current;            /* X_CURRENT: entry number of the current version */
    int64_t ns;                  /* X_NAMESPACE */
    uint32_t revision_count;
    const uint32_t *revisions;   /* entry numbers of the older versions, newest first */
    wpk2_str redirect;           /* X_REDIRECT */
    wpk2_str language;           /* X_LANGUAGE */
    uint64_t revision_id;        /* X_REVISION_ID: stored as decimal digits */
    wpk2_str contributor;        /* X_CONTRIBUTOR: not empty */
    wpk2_str comment;            /* X_COMMENT: not empty */
} wpk2_entry;

typedef struct wpk2_entry_page {
    uint32_t count;
    uint64_t first_entry; /* entry number of entries[0] */
    wpk2_entry *entries;
    uint32_t block_count;
    wpk2_block_ref *blocks;
    uint32_t string_count;
    wpk2_str *strings;    /* STRINGS: media types and category names */
    uint64_t time_unit;   /* TIMES unit, 0 when no entry has a time */
    wpk2_mem mem;
} wpk2_entry_page;

int wpk2_entry_page_decode(const uint8_t *raw, size_t n, const wpk2_page_ctx *ctx, wpk2_entry_page *out,
                           wpk2_err *err);
void wpk2_entry_page_free(wpk2_entry_page *pg);
/* entries[i].block indexes `blocks` (any order, e.g. the archive's block
 * table); the page's BLOCKS are the ones used, sorted by offset. The
 * encoder spells titles and URLs exactly when the spelled string equals
 * the entry's own, stores p = 0 in PLACES exactly when a content directly
 * follows the previous placed one in its block, the TIMES unit 1,000,000
 * when every time is whole seconds, else 1, STRINGS sorted, categories in
 * the order given. ctx: entry_count, wikis, data_size, max_block
 * (ctx->from unused). */
int wpk2_entry_page_encode(wpk2_buf *out, const wpk2_page_ctx *ctx, uint64_t first_entry, const wpk2_entry *entries,
                           uint32_t count, const wpk2_block_ref *blocks, uint32_t block_count, wpk2_err *err);

/* The title TITLE_SPELLED spells from a path: its last component without
 * the last '.' and what follows (unless that '.' starts the component),
 * '_' as ' '. Writes at most path_len bytes to out; returns the length
 * (0: nothing, never a valid spelled title). */
size_t wpk2_spell_title(const uint8_t *path, size_t path_len, uint8_t *out);
/* 1 when title is what the path spells. */
int wpk2_title_spellable(wpk2_str path, wpk2_str title);
/* 1 when url = url_base + title with ' ' as '_' (url_base non-empty). */
int wpk2_url_spellable(wpk2_str url_base, wpk2_str title, wpk2_str url);

/* ---- title pages -------------------------------------------------------- */

enum { WPK2_FORM_KEY = 0, WPK2_FORM_MEDIAWIKI = 1, WPK2_FORM_DISPLAY = 2 };
enum { WPK2_TKIND_TITLE = 0, WPK2_TKIND_ALIAS = 1, WPK2_TKIND_FORMER = 2 };

typedef struct wpk2_title_item {
    wpk2_str key;     /* folded key */
    wpk2_str display; /* the title or alias as written */
    uint8_t form;     /* decoded: how display was stored; the encoder chooses it */
    uint8_t kind;     /* WPK2_TKIND_* */
    uint16_t wiki;
    uint32_t entry;
} wpk2_title_item;

typedef struct wpk2_title_page {
    uint32_t count;
    wpk2_title_item *items;
    wpk2_mem mem;
} wpk2_title_page;

/* Items sorted by key, wiki, kind, entry (never decreasing). */
int wpk2_title_page_decode(const uint8_t *raw, size_t n, const wpk2_page_ctx *ctx, wpk2_title_page *out,
                           wpk2_err *err);
void wpk2_title_page_free(wpk2_title_page *pg);
/* Form 0 when display equals key, 1 when it is the key's MediaWiki form, else 2. */
int wpk2_title_page_encode(wpk2_buf *out, const wpk2_page_ctx *ctx, const wpk2_title_item *items, uint32_t count,
                           wpk2_err *err);
/* The MediaWiki form of a folded key: its first code point upper-cased
 * (utf8proc_toupper), the rest unchanged; a key not starting with valid
 * UTF-8 is its own form. out has room for len + 4 bytes; returns the length. */
size_t wpk2_upper_first(const uint8_t *s, size_t len, uint8_t *out);

/* ---- ID pages ----------------------------------------------------------- */

typedef struct wpk2_id_item {
    uint16_t wiki;
    uint64_t page_id;
    uint32_t entry;
} wpk2_id_item;

typedef struct wpk2_id_page {
    uint32_t count;
    wpk2_id_item *items;
    wpk2_mem mem;
} wpk2_id_page;

/* Items strictly increasing by (wiki, page ID): one a current version. */
int wpk2_id_page_decode(const uint8_t *raw, size_t n, const wpk2_page_ctx *ctx, wpk2_id_page *out, wpk2_err *err);
void wpk2_id_page_free(wpk2_id_page *pg);
int wpk2_id_page_encode(wpk2_buf *out, const wpk2_page_ctx *ctx, const wpk2_id_item *items, uint32_t count,
                        wpk2_err *err);

/* ---- category pages ----------------------------------------------------- */

typedef struct wpk2_category_item {
    wpk2_str name;  /* items of one run share the bytes */
    uint32_t entry;
} wpk2_category_item;

typedef struct wpk2_category_page {
    uint32_t count;
    wpk2_category_item *items;
    uint32_t run_count; /* distinct names in the page */
    wpk2_mem mem;
} wpk2_category_page;

/* Items sorted by name, then entry (strictly). */
int wpk2_category_page_decode(const uint8_t *raw, size_t n, const wpk2_page_ctx *ctx, wpk2_category_page *out,
                              wpk2_err *err);
void wpk2_category_page_free(wpk2_category_page *pg);
int wpk2_category_page_encode(wpk2_buf *out, const wpk2_page_ctx *ctx, const wpk2_category_item *items,
                              uint32_t count, wpk2_err *err);

/* ---- term pages (format 2.3): the search index's postings --------------- */

#define WPK2_TERM_MAX 255u        /* bytes of a term */
#define WPK2_IMPACT_TITLE 0x80u   /* a posting's byte: the term is in the document's title */
#define WPK2_IMPACT_CLASS 0x0Fu   /* ... its impact class, below the SEARCH section's class count */
#define WPK2_IMPACT_TITLE_TERMS 0x30u /* ... and with the title bit, the title's distinct terms - 1 (3: 4 or more) */
#define WPK2_IMPACT_TITLE_SHIFT 4

/* One run: a term and its postings in the page (a term's run may continue
 * from the page before and into the next). */
typedef struct wpk2_term_run {
    wpk2_str term;
    uint64_t docs;        /* documents holding the term in the whole index */
    uint32_t first, count;/* its postings: items first .. first + count - 1 of the page */
} wpk2_term_run;

typedef struct wpk2_term_page {
    uint32_t count;       /* runs: the page's items */
    wpk2_term_run *runs;
    uint32_t postings;
    uint32_t *docs;       /* by posting: its document's entry number */
    uint8_t *impacts;     /* by posting: class | title terms << 4 | WPK2_IMPACT_TITLE */
    wpk2_mem mem;
} wpk2_term_page;

/* Runs strictly increasing by term (1..WPK2_TERM_MAX bytes), each with
 * count <= docs (a run may be empty: a common term without title
 * postings), documents strictly increasing within a run and below
 * ctx->entry_count, impact bytes without bit 6, and bits 4..5 only with
 * the title bit. */
int wpk2_term_page_decode(const uint8_t *raw, size_t n, const wpk2_page_ctx *ctx, wpk2_term_page *out, wpk2_err *err);
void wpk2_term_page_free(wpk2_term_page *pg);
int wpk2_term_page_encode(wpk2_buf *out, const wpk2_page_ctx *ctx, const wpk2_term_run *runs, uint32_t run_count,
                          const uint32_t *docs, const uint8_t *impacts, wpk2_err *err);

/* ---- SEARCH section (format 2.3): u8 tag, u16 length, value ------------- */

enum { WPK2_SEARCH_DOCUMENTS = 1, WPK2_SEARCH_COMMON = 2, WPK2_SEARCH_WEIGHTS = 3, WPK2_SEARCH_ANALYZER = 4 };
#define WPK2_SEARCH_ANALYZER_V1 1u /* analyze.c's rules as of format 2.3 */
#define WPK2_SEARCH_MAX_CLASSES 16u

typedef struct wpk2_search_params {
    uint64_t documents;   /* documents indexed */
    uint64_t common;      /* a term in more documents keeps only its title postings */
    uint32_t analyzer;    /* the rules that made the terms */
    uint32_t classes;     /* 1..16 */
    uint16_t weights[WPK2_SEARCH_MAX_CLASSES]; /* class c's term-frequency weight, in 1/4096 */
} wpk2_search_params;

/* Unknown tags skipped; each known tag exactly once. */
int wpk2_search_params_decode(const uint8_t *raw, size_t n, wpk2_search_params *out, wpk2_err *err);
int wpk2_search_params_encode(wpk2_buf *out, const wpk2_search_params *p, wpk2_err *err);

/* ---- SUMMARY section (fields as in 1.5: u8 tag, u16 length, value) ------ */

enum { WPK2_SUM_ARTICLES = 1, WPK2_SUM_REVISIONS = 2, WPK2_SUM_ALIASES = 3, WPK2_SUM_CATEGORIES = 4,
       WPK2_SUM_LANGUAGE = 5, WPK2_SUM_REDIRECTS = 6, WPK2_SUM_REDIRECTS_OUT = 7,
       WPK2_SUM_CASE_SENSITIVE = 8 /* format 2.1: u16 wiki number, length 2 */ };
/* A count field (u64, length 8): tags 1..4, 6 and 7. */
#define WPK2_SUM_IS_COUNT(tag) (((tag) >= 1 && (tag) <= 4) || (tag) == 6 || (tag) == 7)

typedef struct wpk2_summary_language {
    wpk2_str code;
    uint64_t articles;
} wpk2_summary_language;

typedef struct wpk2_summary {
    uint32_t has; /* bit (1 << tag) for the count tags present */
    uint64_t articles, revisions, aliases, categories;
    uint64_t redirects;     /* redirect pages (current versions with REDIRECT) */
    uint64_t redirects_out; /* of them, those whose target is not in the archive */
    uint32_t language_count;
    wpk2_summary_language *languages;
    /* Wikis whose titles keep their first letter's case (MediaWiki
     * $wgCapitalLinks off: Wiktionary), strictly increasing; the others
     * capitalise it (first-letter). */
    uint32_t case_sensitive_count;
    uint16_t *case_sensitive;
    wpk2_mem mem;
} wpk2_summary;

/* Unknown tags skipped; a count tag seen twice: the last counts.
 * CASE_SENSITIVE numbers must be strictly increasing and not 0 (their
 * bound, wiki_count, is checked by the caller). */
int wpk2_summary_decode(const uint8_t *raw, size_t n, const wpk2_alloc *alloc, wpk2_summary *out, wpk2_err *err);
void wpk2_summary_free(wpk2_summary *s);
/* The count tags present in `has`, in order, then each language. */
int wpk2_summary_encode(wpk2_buf *out, const wpk2_summary *s, wpk2_err *err);

/* ---- signature record (160 bytes, the SIGNATURE section) ---------------- */

#define WPK2_SIG_MAGIC "\x89WPKSIG\n"
#define WPK2_SIG_SIZE 160u
#define WPK2_SIG_ED25519 1u
#define WPK2_SIG_BLAKE2B_512 2u
#define WPK2_SIG_SIGNED_HEAD 96u /* record bytes signed with the digest: all but the signature */
#define WPK2_SIG_MESSAGE_SIZE (WPK2_SIG_SIGNED_HEAD + 64u)

typedef struct wpk2_signature {
    int is_signed; /* 0: the record is all zero */
    uint8_t algorithm, digest;
    uint8_t public_key[32];
    uint8_t signature[64];
} wpk2_signature;

int wpk2_signature_decode(const uint8_t *p, size_t n, wpk2_signature *s, wpk2_err *err);
/* is_signed 0 writes 160 zero bytes. */
void wpk2_signature_encode(uint8_t out[WPK2_SIG_SIZE], const wpk2_signature *s);
/* The message signed: record bytes 0..95 (magic to the public key and the
 * reserved bytes after it), then the BLAKE2b-512 of the
 * prefix with the SIGNATURE section's bytes zeroed. */
void wpk2_signature_message(uint8_t out[WPK2_SIG_MESSAGE_SIZE], const wpk2_signature *s, const uint8_t digest[64]);

#endif
