/* wpk_format.h - pure encode/decode of the wikipack on-disk structures.
 *
 * Nothing here does I/O, allocates memory of its own (the column encoders
 * use the caller's allocator) or touches errno: every function
 * works on a caller's (pointer, length) and returns 0 or a WPK_FMT_* code
 * with a static reason string. spec/FORMAT.md is the normative description;
 * each .c file starts with the layout table of the structures it handles.
 */
#ifndef WPK_FORMAT_H
#define WPK_FORMAT_H

#include <stddef.h>
#include <stdint.h>

/* Result codes of the format layer (mapped to WPK_E_* by lib/). */
enum {
    WPK_FMT_OK = 0,
    WPK_FMT_BADMAGIC = -1,    /* not a wikipack archive */
    WPK_FMT_VERSION = -2,     /* unknown major version */
    WPK_FMT_FEATURE = -3,     /* unknown required feature or section */
    WPK_FMT_CORRUPT = -4,     /* checksum or structural check failed */
    WPK_FMT_SPACE = -5,       /* encoder: output buffer too small / field too long */
    WPK_FMT_NOMEM = -6        /* column encoder: the caller's allocator failed */
};

#define WPK_MAGIC "\x89WPK\r\n\x1a\n"
#define WPK_TRAILER_MAGIC "\x89WPKEND\n"
#define WPK_HEADER_SIZE 128u
#define WPK_SECTION_SIZE 48u
#define WPK_TRAILER_SIZE 32u
#define WPK_MAX_SECTIONS 256u
#define WPK_FIRST_READ 65536u   /* readers fetch this much first: header + table + roots */
/* The most a zstd frame can expand: every zstd block costs at least 4 bytes
 * (3-byte header + 1 byte of an RLE block) and yields at most 128 KiB. A
 * stored object claiming more than this ratio is a lie, refused before
 * anything is allocated for it. */
#define WPK_MAX_EXPANSION 32768u

/* Required feature bits (header offset 16). Version 1.0 defines none; a reader
 * refuses any bit it does not know. Optional bits (offset 24) are ignored. */
#define WPK_FEATURE_PAGE_DICT 0x1u /* leaf pages are compressed with the DICT section (1.1) */
#define WPK_FEATURE_BRANCHES 0x2u  /* some root points at branch pages (1.3; see WPK_SECF_BRANCHED) */
#define WPK_FEATURE_SPLIT_RUNS 0x4u /* a category's items may continue into the next leaf (1.4) */
#define WPK_FEATURE_COLUMNS 0x8u  /* leaves are stored column by column (1.5, columns.c, leaf_columns.c) */
#define WPK_REQUIRED_KNOWN \
    (WPK_FEATURE_PAGE_DICT | WPK_FEATURE_BRANCHES | WPK_FEATURE_SPLIT_RUNS | WPK_FEATURE_COLUMNS)

typedef struct wpk_fmt_header {
    uint16_t major, minor;
    uint64_t required_features, optional_features;
    uint64_t file_size, entry_count, block_count, content_bytes, unique_bytes;
    uint32_t section_count;
    uint64_t prefix_size;           /* header + section table + roots */
    uint64_t section_table_checksum;
    uint64_t checksum;              /* of header bytes 0..119 (filled by decode/encode) */
} wpk_fmt_header;

/* Section types. */
enum {
    WPK_SEC_PATH_ROOT = 1,   /* root of the path index; its leaves are record pages */
    WPK_SEC_TITLE_ROOT = 2,  /* root of the title index */
    WPK_SEC_ID_ROOT = 3,     /* root of the page-ID index */
    WPK_SEC_DICT = 4,        /* zstd dictionary shared by all blocks */
    WPK_SEC_PAGES = 5,       /* region holding all leaf pages */
    WPK_SEC_DATA = 6,        /* region holding all content blocks */
    WPK_SEC_FOLD_ROOT = 7,   /* 1.1: root of the folded-title index (titles and aliases) */
    WPK_SEC_CATEGORY_ROOT = 8, /* 1.1: root of the category index */
    WPK_SEC_SUMMARY = 9,     /* 1.1: counts for `info`, as extension-style fields */
    WPK_SEC_PAGES_EXT = 10,  /* 1.1: region holding the leaves of the 1.1 indexes, so that a
                                1.0 reader sees them as one unknown optional section */
    WPK_SEC_SIGNATURE = 11   /* 1.2: an Ed25519 signature of the whole file (signature_record.c) */
};
#define WPK_SEC_LAST WPK_SEC_SIGNATURE
/* Minor version a writer puts in the header: an unsigned archive is byte for
 * byte a 1.1 archive; signing one makes it 1.2. */
#define WPK_MINOR_UNSIGNED 1
#define WPK_MINOR_SIGNED 2
/* Fields of the SUMMARY section (u8 tag, u16 length, value). */
enum {
    WPK_SUM_ARTICLES = 1,    /* u64 */
    WPK_SUM_REVISIONS = 2,   /* u64 */
    WPK_SUM_ALIASES = 3,     /* u64 */
    WPK_SUM_CATEGORIES = 4,  /* u64: distinct categories */
    WPK_SUM_LANGUAGE = 5     /* u64 article count, then the language code; repeated */
};
#define WPK_SECF_REQUIRED 0x1u  /* a reader that does not know the type must refuse */
#define WPK_SECF_ZSTD 0x2u      /* stored bytes are one zstd frame of raw_size bytes */
#define WPK_SECF_REGION 0x4u    /* checksummed piecewise by its contents; checksum is 0 */
#define WPK_SECF_BRANCHED 0x8u  /* 1.3, on a root: its items point at branch pages, not leaves */
#define WPK_SECF_KNOWN 0xFu

typedef struct wpk_fmt_section {
    uint32_t type, flags;
    uint64_t offset, stored_size, raw_size, checksum, count;
} wpk_fmt_section;

typedef struct wpk_fmt_trailer {
    uint64_t file_size, header_checksum;
} wpk_fmt_trailer;

int wpk_fmt_header_decode(const uint8_t *p, size_t n, wpk_fmt_header *h, const char **why);
void wpk_fmt_header_encode(uint8_t out[WPK_HEADER_SIZE], wpk_fmt_header *h); /* sets h->checksum */
int wpk_fmt_section_decode(const uint8_t *p, wpk_fmt_section *s, const char **why);
void wpk_fmt_section_encode(uint8_t out[WPK_SECTION_SIZE], const wpk_fmt_section *s);
int wpk_fmt_trailer_decode(const uint8_t *p, size_t n, wpk_fmt_trailer *t, const char **why);
void wpk_fmt_trailer_encode(uint8_t out[WPK_TRAILER_SIZE], const wpk_fmt_trailer *t);
uint64_t wpk_fmt_checksum(const void *p, size_t n); /* XXH3-64, seed 0 */
/* 1 when a zstd frame of `stored` bytes could decompress to `raw` bytes. */
static inline int wpk_fmt_plausible_raw(uint64_t stored, uint64_t raw)
{
    return stored >= ((uint64_t)1 << 48) || raw <= stored * WPK_MAX_EXPANSION;
}

/* ---- pages: where a leaf page or block is stored ------------------------- */

/* A reference to a stored page or block: its place and checksum. */
typedef struct wpk_fmt_ref {
    uint64_t offset;       /* relative to its region (PAGES or DATA) */
    uint32_t stored_size;  /* bytes on disk: one zstd frame */
    uint32_t raw_size;     /* bytes after decompression */
    uint64_t checksum;     /* XXH3-64 of the stored bytes */
} wpk_fmt_ref;

/* ---- roots --------------------------------------------------------------- */

/* Key kinds of an index. */
enum { WPK_KEY_STRING = 1, WPK_KEY_U64 = 2 };

/* One child of a root: a leaf page and the first key in it. */
typedef struct wpk_fmt_root_item {
    wpk_fmt_ref page;
    uint64_t first_item;   /* position of the leaf's first item in index order */
    uint32_t item_count;   /* items in the leaf (> 0) */
    uint64_t key_u64;      /* WPK_KEY_U64 */
    const uint8_t *key;    /* WPK_KEY_STRING: borrowed from the root bytes */
    uint32_t key_len;
} wpk_fmt_root_item;

#define WPK_ROOT_HEAD 8u
#define WPK_ROOT_ITEM_FIXED 40u
/* Root layout: u32 item_count, u32 key_kind, then items. Decoding walks one
 * item at a time: *pos starts at WPK_ROOT_HEAD. */
int wpk_fmt_root_head(const uint8_t *p, size_t n, uint32_t *count, uint32_t *key_kind, const char **why);
int wpk_fmt_root_item_decode(const uint8_t *p, size_t n, size_t *pos, uint32_t key_kind,
                             wpk_fmt_root_item *it, const char **why);
/* An item pointing at a leaf (not at a branch page, whose items count
 * what lies beneath it): checks that the leaf can hold its item count;
 * `columns`: the leaf is stored in columns (1.5). */
int wpk_fmt_leaf_holds(const wpk_fmt_root_item *it, int columns, const char **why);
/* Returns bytes written, or 0 if cap is too small. */
size_t wpk_fmt_root_item_encode(uint8_t *out, size_t cap, uint32_t key_kind, const wpk_fmt_root_item *it);

/* A branch page (1.3) is a root one level down: the same layout (head, then
 * items), stored in its index's page region like a leaf and compressed the
 * same way. A root with flag WPK_SECF_BRANCHED points at branch pages, each
 * item summarising its branch (position of its first item, items beneath,
 * first key); a branch page's items point at leaves. Large indexes need it:
 * a flat root grows with the entry count, and a fresh reader would decode
 * all of it to find one leaf. The reference writer branches a root larger
 * than this (by default): */
#define WPK_BRANCH_BYTES 16384u
/* Reference writer: a category leaf that reaches this many raw bytes
 * inside a run of one category name is closed and the run continues in
 * the next leaf (1.4, WPK_FEATURE_SPLIT_RUNS). */
#define WPK_RUN_SPLIT_BYTES (1u << 20)
/* Readers refuse a larger branch page (WPK_E_LIMIT): they keep branch
 * pages, so each must be small. */
#define WPK_MAX_BRANCH_BYTES (1u << 20)

/* ---- leaf pages ---------------------------------------------------------- */

/* Every leaf page (raw) starts with u32 count, then count u32 offsets of its
 * items, relative to the page start, strictly increasing; each item ends
 * where the next begins (the last at the page end). ID leaves are the
 * exception: u32 count then fixed 12-byte items. */
int wpk_fmt_leaf_item(const uint8_t *p, size_t n, uint32_t i, const uint8_t **item, size_t *item_len,
                      const char **why);
int wpk_fmt_leaf_count(const uint8_t *p, size_t n, uint32_t *count, const char **why);

/* Entry record: an item of a record page (the path index's leaves). */
#define WPK_REC_HAS_PAGE_ID 0x1u
#define WPK_REC_HAS_UPDATED 0x2u
#define WPK_REC_FLAGS_KNOWN 0x3u
#define WPK_REC_FIXED 76u
typedef struct wpk_fmt_record {
    uint32_t flags;
    uint64_t page_id;
    int64_t updated_us;
    uint64_t content_size;
    uint64_t content_hash;
    wpk_fmt_ref block;         /* all zero when content_size is 0 */
    uint32_t offset_in_block;
    const uint8_t *path, *title, *lang, *url, *mime, *ext; /* borrowed */
    uint16_t path_len, title_len, lang_len, url_len, mime_len, ext_len;
} wpk_fmt_record;
int wpk_fmt_record_decode(const uint8_t *p, size_t n, wpk_fmt_record *r, const char **why);
/* The fields only, without the checks of their values that decode makes. */
int wpk_fmt_record_parse(const uint8_t *p, size_t n, wpk_fmt_record *r, const char **why);
size_t wpk_fmt_record_size(const wpk_fmt_record *r);
void wpk_fmt_record_encode(uint8_t *out, const wpk_fmt_record *r); /* writes record_size bytes */
/* Only the first WPK_REC_FIXED bytes (the strings are the caller's). */
void wpk_fmt_record_encode_fixed(uint8_t *out, const wpk_fmt_record *r);

/* Column record pages (1.5, feature COLUMNS): the stored form of a record
 * page, field by field (columns.c has the layout). Decoding rebuilds the row
 * page, whose size the head gives so that the caller can allocate it. */
enum {
    WPK_COL_STRINGS, WPK_COL_BLOCKS, WPK_COL_FLAGS, WPK_COL_IDS, WPK_COL_TIMES, WPK_COL_SIZES,
    WPK_COL_HASHES, WPK_COL_PATHS, WPK_COL_TITLES, WPK_COL_META, WPK_COL_URLS, WPK_COL_EXT,
    WPK_COL_STREAMS
};
#define WPK_COL_HEAD (12u + 4u * WPK_COL_STREAMS)
#define WPK_COL_BLOCK_SIZE 24u
#define WPK_COL_URL_DERIVED 0x4u   /* in FLAGS: the URL is spelled from language and title */
#define WPK_COL_TITLE_DERIVED 0x8u /* in FLAGS: the title is spelled from the path */
typedef struct wpk_fmt_col_head { uint32_t count, row_size, string_count; } wpk_fmt_col_head;
int wpk_fmt_columns_head(const uint8_t *p, size_t n, wpk_fmt_col_head *h, const char **why);
/* rows_len must be the head's row size; string_at has the head's
 * string_count elements (scratch). */
int wpk_fmt_columns_decode(const uint8_t *p, size_t n, uint32_t *string_at, uint8_t *rows, size_t rows_len,
                           const char **why);
/* The other leaves in columns (1.5, leaf_columns.c): title and category
 * leaves (same item layout), folded-title leaves, ID leaves. */
enum { WPK_LEAF_TITLE = 1, WPK_LEAF_FOLD = 2, WPK_LEAF_ID = 3 };
#define WPK_LEAF_COL_HEAD 20u
int wpk_fmt_leaf_columns_head(const uint8_t *p, size_t n, uint32_t *count, uint32_t *row_size, const char **why);
/* rows_len must be the head's row size; key is scratch for one key. */
int wpk_fmt_leaf_columns_decode(int kind, const uint8_t *p, size_t n, uint8_t *rows, size_t rows_len,
                                uint8_t key[65536], const char **why);
/* 1 when the title is what TITLE_DERIVED spells from the path. */
int wpk_fmt_title_derivable(const uint8_t *title, size_t title_len, const uint8_t *path, size_t path_len);
/* 1 when url is "https://" lang ".wikipedia.org/wiki/" title with spaces as '_'. */
int wpk_fmt_url_derivable(const uint8_t *url, size_t url_len, const uint8_t *lang, size_t lang_len,
                          const uint8_t *title, size_t title_len);

/* Record extension area (1.1): tagged fields, each u8 tag, u16 length,
 * value. Readers skip tags they do not know. */
enum {
    WPK_EXT_CATEGORY = 1,    /* a category name; repeated */
    WPK_EXT_CURRENT = 2,     /* u32: entry number of the current version (on a revision) */
    WPK_EXT_NAMESPACE = 3,   /* i64: MediaWiki namespace */
    WPK_EXT_REVISIONS = 4,   /* u32 array: entry numbers of the older versions, newest first */
    WPK_EXT_SAME_CATEGORIES = 5, /* empty: the categories are those of the current version */
    WPK_EXT_WIKI = 6         /* (1.6) string: the wiki the entry comes from, e.g. "enwiki" */
};
#define WPK_EXT_HEAD 3u
/* Decode the field at *pos (advanced past it). Returns 1 when a field was
 * read, 0 at the end, or WPK_FMT_CORRUPT. */
int wpk_fmt_ext_next(const uint8_t *p, size_t n, size_t *pos, uint8_t *tag, const uint8_t **val, uint16_t *len,
                     const char **why);
/* Append a field; returns bytes written or 0 if cap is too small. */
size_t wpk_fmt_ext_put(uint8_t *out, size_t cap, uint8_t tag, const void *val, uint16_t len);
/* The value of a record's last WIKI field (*val NULL and *len 0 without
 * one); stops at a malformed field, which the record's checks report. */
void wpk_fmt_record_wiki(const wpk_fmt_record *rec, const uint8_t **val, uint16_t *len);

/* Folded-title leaf item (1.1): u32 entry_number, u8 kind (0 title, 1 alias),
 * u8 zero, u16 key length, the folded key, then the title or alias as
 * written (to the item end). Category leaves use the title-leaf layout. */
#define WPK_FOLD_ITEM_FIXED 8u
typedef struct wpk_fmt_fold_item {
    uint32_t entry;
    uint8_t kind;
    const uint8_t *key, *display;
    uint16_t key_len;
    size_t display_len;
} wpk_fmt_fold_item;
int wpk_fmt_fold_item_decode(const uint8_t *item, size_t len, wpk_fmt_fold_item *out, const char **why);
size_t wpk_fmt_fold_item_encode(uint8_t *out, size_t cap, const wpk_fmt_fold_item *in);

/* Title leaf item: u32 entry_number, then the title bytes (to the item end). */
#define WPK_TITLE_ITEM_FIXED 4u
/* ID leaf: u32 count, then count items of u64 page_id + u32 entry_number. */
#define WPK_ID_ITEM_SIZE 12u
int wpk_fmt_id_leaf_item(const uint8_t *p, size_t n, uint32_t i, uint64_t *page_id, uint32_t *entry,
                         const char **why);

/* ---- signature record (1.2) ---------------------------------------------- */

#define WPK_SIG_MAGIC "\x89WPKSIG\n"
#define WPK_SIG_RECORD_SIZE 112u
#define WPK_SIG_ED25519 1u       /* algorithm byte */
#define WPK_SIG_BLAKE2B_512 1u   /* digest byte */
#define WPK_SIG_DIGEST_SIZE 64u
#define WPK_SIG_SIGNED_HEAD 16u  /* record bytes signed along with the digest */
#define WPK_SIG_MESSAGE_SIZE (WPK_SIG_SIGNED_HEAD + WPK_SIG_DIGEST_SIZE)
typedef struct wpk_fmt_signature {
    uint8_t algorithm, digest;
    uint8_t public_key[32];
    uint8_t signature[64];
} wpk_fmt_signature;
int wpk_fmt_signature_decode(const uint8_t *p, size_t n, wpk_fmt_signature *s, const char **why);
void wpk_fmt_signature_encode(uint8_t out[WPK_SIG_RECORD_SIZE], const wpk_fmt_signature *s);
/* The bytes the signature is made over: record bytes 0..15, then the digest. */
void wpk_fmt_signature_message(uint8_t out[WPK_SIG_MESSAGE_SIZE], const wpk_fmt_signature *s,
                               const uint8_t digest[WPK_SIG_DIGEST_SIZE]);

/* Column encoders (1.5, leaf_columns_encode.c): a row leaf in its column
 * form. They are the only functions here that need memory, and take it from
 * the caller's allocator; `out` is replaced. WPK_FMT_CORRUPT (*why says
 * why) when the rows do not parse, WPK_FMT_NOMEM when an allocation fails. */
typedef struct wpk_fmt_buf { uint8_t *p; size_t len, cap; } wpk_fmt_buf;
typedef struct wpk_fmt_alloc {
    void *(*malloc_fn)(size_t size);
    void *(*realloc_fn)(void *p, size_t size);
    void (*free_fn)(void *p);
} wpk_fmt_alloc;
/* Append n bytes to b, growing it (doubling, from 4096) with a's realloc_fn:
 * 0, or -1 when that fails (b is left as it was). */
int wpk_fmt_buf_put(const wpk_fmt_alloc *a, wpk_fmt_buf *b, const void *p, size_t n);
/* A record page; *string_count gets the number of recurring strings (the
 * decoder's scratch is that many uint32_t). */
int wpk_fmt_columns_encode(const wpk_fmt_alloc *a, const uint8_t *rows, size_t len, wpk_fmt_buf *out,
                           uint32_t *string_count, const char **why);
/* A title or category (WPK_LEAF_TITLE), folded-title or ID leaf. */
int wpk_fmt_leaf_columns_encode(const wpk_fmt_alloc *a, int kind, const uint8_t *rows, size_t len, wpk_fmt_buf *out,
                                const char **why);

#endif
