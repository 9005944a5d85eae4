/* id_page.c - ID pages (format 2.0): (wiki, page ID) keys of current versions to their entry numbers.
 *
 * Head: u32 count, u32 kind 3, then 3 stream lengths:
 *   0 WIKIS    varint wiki number an item (never decreasing)
 *   1 IDS      varint: the page ID minus the previous item's when the wiki
 *              is the same (>= 1), else the page ID
 *   2 ENTRIES  zigzag steps of entry numbers (0 before the first)
 * Items strictly increase by (wiki, page ID): versions are grouped by wiki
 * and page ID, so one current version has a given pair.
 */
#include "wpk2_internal.h"

#include <stdio.h>

enum { I_WIKIS, I_IDS, I_ENTRIES, I_COUNT };
static const char *const stream_names[I_COUNT] = {"WIKIS", "IDS", "ENTRIES"};

static int bad(wpk2_err *err, uint32_t i, int st, const char *detail)
{
    return wpk2_fail(err, WPK2_E_CORRUPT, "ID page, item %u (%s): %s", i, stream_names[st], detail);
}

static int decode(const uint8_t *raw, size_t n, const wpk2_page_ctx *ctx, wpk2_id_page *pg, wpk2_err *err)
{
    rd s[I_COUNT];
    int rc = wpk2_columns_split("ID page", raw, n, WPK2_PAGE_ID, I_COUNT, &pg->count, s, err);
    if (rc || (rc = wpk2_check_from("ID page", ctx, pg->count, err))) return rc;
    /* Every item takes a byte of WIKIS at least. */
    if (pg->count > s[I_WIKIS].n)
        return wpk2_fail(err, WPK2_E_CORRUPT, "ID page (WIKIS): %zu bytes cannot hold %u items", s[I_WIKIS].n, pg->count);
    pg->items = wpk2_mem_array(&pg->mem, pg->count, sizeof *pg->items);
    if (!pg->items) return wpk2_fail(err, WPK2_E_NOMEM, "ID page: out of memory");
    uint32_t wikis = ctx->wikis ? ctx->wikis->count : 0;
    int64_t prev_entry = 0;
    for (uint32_t i = 0; i < pg->count; i++) {
        wpk2_id_item *it = &pg->items[i], *prev = i ? &pg->items[i - 1] : NULL;
        uint64_t v;
        if (!rd_varint(&s[I_WIKIS], &v) || v > wikis) return bad(err, i, I_WIKIS, "truncated, or above wiki_count");
        if (prev && v < prev->wiki) return bad(err, i, I_WIKIS, "wiki numbers out of order");
        it->wiki = (uint16_t)v;
        if (!rd_varint(&s[I_IDS], &v)) return bad(err, i, I_IDS, "truncated");
        if (prev && prev->wiki == it->wiki) {
            if (v == 0) return bad(err, i, I_IDS, "(wiki, page ID) of the previous item repeated");
            if (v > UINT64_MAX - prev->page_id) return bad(err, i, I_IDS, "page ID over 2^64 - 1");
            it->page_id = prev->page_id + v;
        } else {
            it->page_id = v;
        }
        if (!rd_varint(&s[I_ENTRIES], &v)) return bad(err, i, I_ENTRIES, "truncated");
        int64_t step = unzigzag(v);
        if (step < -prev_entry || step >= (int64_t)ctx->entry_count - prev_entry)
            return bad(err, i, I_ENTRIES, "entry number out of range");
        prev_entry += step;
        it->entry = (uint32_t)prev_entry;
    }
    if ((rc = wpk2_streams_finished(s, I_COUNT, stream_names, "ID page", "item", err))) return rc;
    if (ctx->from) {
        uint8_t key[WPK2_ID_KEY_SIZE];
        wpk2_id_key(key, pg->items[0].wiki, pg->items[0].page_id);
        if ((rc = wpk2_check_first_key("ID page", ctx, (wpk2_str){key, WPK2_ID_KEY_SIZE}, err))) return rc;
    }
    return WPK2_OK;
}

int wpk2_id_page_decode(const uint8_t *raw, size_t n, const wpk2_page_ctx *ctx, wpk2_id_page *out, wpk2_err *err)
{
    memset(out, 0, sizeof *out);
    wpk2_mem_init(&out->mem, ctx->alloc, UINT64_MAX);
    wpk2_page_ctx c = wpk2_page_ctx_clamped(ctx);
    int rc = decode(raw, n, &c, out, err);
    if (rc) {
        wpk2_id_page_free(out);
        return rc;
    }
    return wpk2_ok(err);
}

void wpk2_id_page_free(wpk2_id_page *pg)
{
    wpk2_mem_release(&pg->mem);
    memset(pg, 0, sizeof *pg);
}

int wpk2_id_page_encode(wpk2_buf *out, const wpk2_page_ctx *ctx, const wpk2_id_item *items, uint32_t count,
                        wpk2_err *err)
{
    uint32_t wikis = ctx->wikis ? ctx->wikis->count : 0;
    if (count == 0) return wpk2_fail(err, WPK2_E_INVALID, "ID page with no items");
    for (uint32_t i = 0; i < count; i++) {
        const wpk2_id_item *it = &items[i], *prev = i ? &items[i - 1] : NULL;
        if (it->wiki > wikis) return wpk2_fail(err, WPK2_E_INVALID, "ID page, item %u: wiki above wiki_count", i);
        if (it->entry >= ctx->entry_count)
            return wpk2_fail(err, WPK2_E_INVALID, "ID page, item %u: entry number out of range", i);
        if (prev && (it->wiki < prev->wiki || (it->wiki == prev->wiki && it->page_id <= prev->page_id)))
            return wpk2_fail(err, WPK2_E_INVALID, "ID page, item %u: items out of order or repeated (wiki, page ID)", i);
    }
    wpk2_buf s[I_COUNT] = {{.alloc = out->alloc}, {.alloc = out->alloc}, {.alloc = out->alloc}};
    int bad_ = 0;
    int64_t prev_entry = 0;
    for (uint32_t i = 0; i < count && !bad_; i++) {
        const wpk2_id_item *it = &items[i];
        uint64_t id = i && items[i - 1].wiki == it->wiki ? it->page_id - items[i - 1].page_id : it->page_id;
        bad_ = wpk2_buf_varint(&s[I_WIKIS], it->wiki) || wpk2_buf_varint(&s[I_IDS], id) ||
               wpk2_buf_varint(&s[I_ENTRIES], zigzag((int64_t)it->entry - prev_entry));
        prev_entry = it->entry;
    }
    bad_ = bad_ || wpk2_columns_join(out, count, WPK2_PAGE_ID, s, I_COUNT);
    for (int k = 0; k < I_COUNT; k++) wpk2_buf_free(&s[k]);
    return bad_ ? wpk2_fail(err, WPK2_E_NOMEM, "ID page: out of memory") : wpk2_ok(err);
}
