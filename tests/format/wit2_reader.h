/* wit2_reader.h - a format 2.0 reader made of the codec alone (format/) with zstd, XXH3 and libsodium, to read the witness archives. */
#ifndef WIT2_READER_H
#define WIT2_READER_H

#include "wpk2_format.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <zstd.h>

/* Outcome classes, named as in the witness manifest. */
enum { WIT2_OK = 0, WIT2_FORMAT, WIT2_CORRUPT, WIT2_LIMIT, WIT2_UNTRUSTED, WIT2_NOMEM };
const char *wit2_class_name(int cls);

#define WIT2_PAGE_CAP (16u << 20) /* raw and stored size of one page */
#define WIT2_DICT_CAP (16u << 20)

/* One index: its root, its branch pages, its leaves in order. */
typedef struct wit2_index {
    int state;                     /* 0: not decoded; 1: decoded; else the class it failed with */
    wpk2_root root;
    uint32_t nbranch;
    wpk2_root *branches;
    uint32_t nleaves;
    const wpk2_root_item **leaves; /* into root or branches */
    void **pages;                  /* decoded leaves (wpk2_*_page), NULL until read */
} wit2_index;

typedef struct wit2 {
    const uint8_t *d;
    size_t n;
    wpk2_header h;
    wpk2_section secs[WPK2_MAX_SECTIONS];
    wpk2_section_map map;
    wpk2_wikis wikis;
    wpk2_summary summary;
    const uint8_t *pubkey; /* a key to trust: signature checked at open, BLAKE2b on every read */
    int check_auth;
    ZSTD_DCtx *dctx;
    ZSTD_DDict *ddict;
    int dict_state;        /* as wit2_index.state */
    wit2_index idx[5];     /* by index kind 1..4 */
    uint64_t pages_off, pages_size, data_off, data_size;
    int cls;               /* the first failure */
    char msg[400];
} wit2;

/* Opening: header, file size, section table, prefix checksums, WIKIS,
 * SUMMARY; with a key, the signature. Returns a class; wit2_close always. */
int wit2_open(wit2 *a, const uint8_t *d, size_t n, const uint8_t *pubkey);
void wit2_close(wit2 *a);
int wit2_fail(wit2 *a, int cls, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* An index's root and branch pages, decoded on first use. */
int wit2_index_use(wit2 *a, int kind);
/* Leaf i of an index, decoded (a wpk2_entry_page, wpk2_title_page, ...). */
int wit2_leaf(wit2 *a, int kind, uint32_t i, void **page);
/* The last leaf whose first key is not above the key (-1: none). ID keys
 * compare as (wiki, page ID) numbers, the others bytewise. */
int wit2_leaf_for(wit2 *a, int kind, wpk2_str key, uint16_t wiki, uint64_t id, int64_t *leaf);
/* Entry n and the page holding it. */
int wit2_entry(wit2 *a, uint32_t n, const wpk2_entry **e, const wpk2_entry_page **pg);
/* A block's raw bytes (malloc'd), checked against its reference. */
int wit2_block(wit2 *a, const wpk2_block_ref *ref, uint8_t **raw);
/* Entry n's content (malloc'd; NULL and 0 when empty). */
int wit2_content(wit2 *a, uint32_t n, uint8_t **p, uint64_t *len);
/* The signature record: a record that is not all zero must be valid and
 * verify; with require_key, it must also be the key's. */
int wit2_signature(wit2 *a, int require_key);

/* Lookups of the manifest ({"op": ...}), answered in its result form;
 * NULL with *cls when reading failed. */
json_t *wit2_lookup(wit2 *a, const json_t *lk, int *cls);
/* Entry n as the manifest describes it (fields, content's sha256). */
json_t *wit2_entry_record(wit2 *a, uint32_t n, int *cls);
/* The whole walk of `verify`: every page and block (BLAKE2b included),
 * the regions' tiling, header totals, indexes against the entries. */
int wit2_verify(wit2 *a);

/* Title text (1.5's normalization): folded key, MediaWiki form (both
 * malloc'd, *len set), and 1.5's path rules. */
uint8_t *wit2_fold(const uint8_t *s, size_t n, size_t *len);
/* Spaces collapsed only: a title as a case-sensitive wiki (2.1) names it. */
uint8_t *wit2_collapsed(const uint8_t *s, size_t n, size_t *len);
uint8_t *wit2_mwform(const uint8_t *s, size_t n, size_t *len);
int wit2_path_ok(const uint8_t *p, size_t n);

#endif
