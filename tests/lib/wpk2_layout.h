/* wpk2_layout.h - where things are in a format 2.0 archive held in memory, for tests that damage or inspect it: the header, the section table, roots, pages, through the format/ decoders (never fixed offsets). */
#ifndef WPK_TEST_WPK2_LAYOUT_H
#define WPK_TEST_WPK2_LAYOUT_H

#include "wpk2_format.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

typedef struct w2_layout {
    const uint8_t *p;
    size_t len;
    wpk2_header h;
    wpk2_section secs[WPK2_MAX_SECTIONS];
    wpk2_section_map map;
} w2_layout;

/* 0 when the header and the section table decode. */
static inline int w2_open(w2_layout *a, const uint8_t *p, size_t len)
{
    wpk2_err e;
    memset(a, 0, sizeof *a);
    a->p = p;
    a->len = len;
    if (wpk2_header_decode(p, len, &a->h, &e) != WPK2_OK) return -1;
    uint64_t table = (uint64_t)a->h.section_count * WPK2_SECTION_SIZE;
    if (WPK2_HEADER_SIZE + table > len) return -1;
    return wpk2_section_table_decode(p + WPK2_HEADER_SIZE, (size_t)table, &a->h, a->secs, &a->map, &e) == WPK2_OK ? 0 : -1;
}

/* The section of `type`, or one of all zeros when absent. */
static inline wpk2_section w2_section(const w2_layout *a, uint32_t type)
{
    wpk2_section none;
    memset(&none, 0, sizeof none);
    return type <= WPK2_SEC_LAST && a->map.of[type] ? *a->map.of[type] : none;
}

/* Where section `type`'s 48-byte entry is in the table (0: absent). */
static inline size_t w2_table_entry(const w2_layout *a, uint32_t type)
{
    for (uint32_t i = 0; i < a->h.section_count; i++)
        if (a->secs[i].type == type) return WPK2_HEADER_SIZE + (size_t)i * WPK2_SECTION_SIZE;
    return 0;
}

/* A section's raw bytes (decompressed when ZSTD), malloc'd; NULL on failure. */
static inline uint8_t *w2_section_raw(const w2_layout *a, const wpk2_section *s)
{
    uint8_t *raw = malloc(s->raw_size ? (size_t)s->raw_size : 1);
    if (!raw) return NULL;
    if (!(s->flags & WPK2_SECF_ZSTD)) {
        memcpy(raw, a->p + s->offset, (size_t)s->raw_size);
    } else if (ZSTD_decompress(raw, (size_t)s->raw_size, a->p + s->offset, (size_t)s->stored_size) != s->raw_size) {
        free(raw);
        return NULL;
    }
    return raw;
}

/* The root of index section `type` (WPK2_SEC_ENTRY_ROOT .. CATEGORY_ROOT),
 * decoded; 0 on success (release with wpk2_root_free). */
static inline int w2_root(const w2_layout *a, uint32_t type, wpk2_root *out)
{
    memset(out, 0, sizeof *out);
    const wpk2_section *s = a->map.of[type];
    if (!s) return -1;
    uint8_t *raw = w2_section_raw(a, s);
    if (!raw) return -1;
    wpk2_root_ctx ctx = {type, (s->flags & WPK2_SECF_BRANCHED) != 0, a->h.entry_count,
                         a->map.of[WPK2_SEC_PAGES]->stored_size, NULL};
    wpk2_err e;
    int rc = wpk2_root_decode(raw, (size_t)s->raw_size, &ctx, out, &e);
    free(raw);
    return rc == WPK2_OK ? 0 : -1;
}

/* The raw bytes of the page an item names (with the dictionary when there
 * is one), malloc'd; NULL on failure. */
static inline uint8_t *w2_page_raw(const w2_layout *a, const wpk2_root_item *it)
{
    const wpk2_section *pages = a->map.of[WPK2_SEC_PAGES], *d = a->map.of[WPK2_SEC_DICT];
    uint8_t *dict = d ? w2_section_raw(a, d) : NULL, *raw = malloc(it->raw_size ? it->raw_size : 1);
    ZSTD_DCtx *dctx = ZSTD_createDCtx();
    size_t got = raw && dctx && (dict || !d)
                     ? ZSTD_decompress_usingDict(dctx, raw, it->raw_size, a->p + pages->offset + it->page_offset,
                                                 it->stored_size, dict, dict ? (size_t)d->raw_size : 0)
                     : 0;
    ZSTD_freeDCtx(dctx);
    free(dict);
    if (raw && got != it->raw_size) {
        free(raw);
        raw = NULL;
    }
    return raw;
}

/* The branch page a root item names, decoded (release with wpk2_root_free);
 * 0 on success. */
static inline int w2_branch(const w2_layout *a, uint32_t type, const wpk2_root_item *from, wpk2_root *out)
{
    memset(out, 0, sizeof *out);
    uint8_t *raw = w2_page_raw(a, from);
    if (!raw) return -1;
    wpk2_root_ctx ctx = {type, 0, a->h.entry_count, a->map.of[WPK2_SEC_PAGES]->stored_size, NULL};
    wpk2_err e;
    int rc = wpk2_branch_decode(raw, from->raw_size, &ctx, from, out, &e);
    free(raw);
    return rc == WPK2_OK ? 0 : -1;
}

/* Every leaf of index `type` in order, through its branch pages: fn gets
 * each leaf's item and the branch page it is in (-1: the root names it).
 * Returns the number of leaves, -1 when something does not decode. */
typedef void (*w2_leaf_fn)(void *ctx, const wpk2_root_item *leaf, int branch);
static inline long w2_leaves(const w2_layout *a, uint32_t type, w2_leaf_fn fn, void *ctx)
{
    wpk2_root root;
    if (w2_root(a, type, &root) != 0) return -1;
    long n = 0;
    for (uint32_t i = 0; i < root.count && n >= 0; i++) {
        if (root.kind != WPK2_PAGE_BRANCH) {
            if (fn) fn(ctx, &root.items[i], -1);
            n++;
            continue;
        }
        wpk2_root br;
        if (w2_branch(a, type, &root.items[i], &br) != 0) {
            n = -1;
            break;
        }
        for (uint32_t k = 0; k < br.count; k++) {
            if (fn) fn(ctx, &br.items[k], (int)i);
            n++;
        }
        wpk2_root_free(&br);
    }
    wpk2_root_free(&root);
    return n;
}

/* The entry page holding entry number n, decoded (release with
 * wpk2_entry_page_free); 0 on success. Roots only (no branch pages). */
static inline int w2_entry_page_of(const w2_layout *a, const wpk2_wikis *wikis, uint64_t n, wpk2_entry_page *out)
{
    memset(out, 0, sizeof *out);
    wpk2_root root;
    if (w2_root(a, WPK2_SEC_ENTRY_ROOT, &root) != 0) return -1;
    int rc = -1;
    for (uint32_t i = 0; i < root.count && root.kind == WPK2_PAGE_ENTRY; i++) {
        const wpk2_root_item *it = &root.items[i];
        if (n < it->first_item || n - it->first_item >= it->page_items) continue;
        uint8_t *raw = w2_page_raw(a, it);
        if (!raw) break;
        wpk2_page_ctx ctx = {it, a->h.entry_count, wikis, a->map.of[WPK2_SEC_DATA]->stored_size, 0, 0, NULL};
        wpk2_err e;
        rc = wpk2_entry_page_decode(raw, it->raw_size, &ctx, out, &e) == WPK2_OK ? 0 : -1;
        free(raw);
        break;
    }
    wpk2_root_free(&root);
    return rc;
}

static inline void w2_put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}

/* The header re-encoded after a change to a->h (its checksum fixed up). */
static inline void w2_put_header(uint8_t *p, w2_layout *a)
{
    wpk2_err e;
    wpk2_header_encode(p, &a->h, &e);
}

#endif
