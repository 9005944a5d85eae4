/* category_page.c - category pages (format 2.0): category names, each with the entry numbers of the current versions in it.
 *
 * Head: u32 count, u32 kind 4, then 3 stream lengths:
 *   0 NAMES    one name per run of equal names, front-coded against the
 *              previous run's (the first against ""), strictly increasing
 *   1 RUNS     varint >= 1 a run: its items; they add up to count
 *   2 ENTRIES  varint an item: the entry number for a run's first item,
 *              the step (>= 1) from the previous item's for the others
 */
#include "wpk2_internal.h"

#include <stdio.h>

enum { C_NAMES, C_RUNS, C_ENTRIES, C_COUNT };
static const char *const stream_names[C_COUNT] = {"NAMES", "RUNS", "ENTRIES"};

static int bad(wpk2_err *err, int code, const wpk2_mem *m, uint32_t i, int st, const char *detail)
{
    char what[64];
    snprintf(what, sizeof what, "category page, item %u (%s)", i, stream_names[st]);
    return wpk2_fail_code(err, code, m, what, detail);
}

static int decode(const uint8_t *raw, size_t n, const wpk2_page_ctx *ctx, wpk2_category_page *pg, wpk2_err *err)
{
    rd s[C_COUNT];
    wpk2_mem *m = &pg->mem;
    int rc = wpk2_columns_split("category page", raw, n, WPK2_PAGE_CATEGORY, C_COUNT, &pg->count, s, err);
    if (rc || (rc = wpk2_check_from("category page", ctx, pg->count, err))) return rc;
    /* Every item takes a byte of ENTRIES at least. */
    if (pg->count > s[C_ENTRIES].n)
        return wpk2_fail(err, WPK2_E_CORRUPT, "category page (ENTRIES): %zu bytes cannot hold %u items", s[C_ENTRIES].n,
                         pg->count);
    pg->items = wpk2_mem_array(m, pg->count, sizeof *pg->items);
    if (!pg->items) return wpk2_fail(err, WPK2_E_NOMEM, "category page: out of memory");
    wpk2_str name = {NULL, 0};
    for (uint32_t i = 0; i < pg->count;) {
        uint64_t run, v;
        wpk2_str next;
        if (!rd_varint(&s[C_RUNS], &run) || run == 0 || run > pg->count - i)
            return bad(err, WPK2_E_CORRUPT, m, i, C_RUNS, "truncated, 0, or past the page's count");
        if ((rc = wpk2_front_next(&s[C_NAMES], m, name, &next)))
            return bad(err, rc, m, i, C_NAMES, "truncated, or a shared prefix longer than the previous name");
        if (i && str_cmp(name, next) >= 0) return bad(err, WPK2_E_CORRUPT, m, i, C_NAMES, "names out of order");
        if (i == 0 && (rc = wpk2_check_first_key("category page", ctx, next, err))) return rc;
        name = next;
        pg->run_count++;
        uint64_t entry = 0;
        for (uint64_t k = 0; k < run; k++, i++) {
            if (!rd_varint(&s[C_ENTRIES], &v)) return bad(err, WPK2_E_CORRUPT, m, i, C_ENTRIES, "truncated");
            if (k && v == 0) return bad(err, WPK2_E_CORRUPT, m, i, C_ENTRIES, "step 0 within a run");
            if (k && v > UINT64_MAX - entry) return bad(err, WPK2_E_CORRUPT, m, i, C_ENTRIES, "entry number out of range");
            entry = k ? entry + v : v;
            if (entry >= ctx->entry_count) return bad(err, WPK2_E_CORRUPT, m, i, C_ENTRIES, "entry number out of range");
            pg->items[i] = (wpk2_category_item){name, (uint32_t)entry};
        }
    }
    return wpk2_streams_finished(s, C_COUNT, stream_names, "category page", "item", err);
}

int wpk2_category_page_decode(const uint8_t *raw, size_t n, const wpk2_page_ctx *ctx, wpk2_category_page *out,
                              wpk2_err *err)
{
    memset(out, 0, sizeof *out);
    wpk2_mem_init(&out->mem, ctx->alloc, cap_or(ctx->max_strings, WPK2_DEFAULT_MAX_STRINGS));
    wpk2_page_ctx c = wpk2_page_ctx_clamped(ctx);
    int rc = decode(raw, n, &c, out, err);
    if (rc) {
        wpk2_category_page_free(out);
        return rc;
    }
    return wpk2_ok(err);
}

void wpk2_category_page_free(wpk2_category_page *pg)
{
    wpk2_mem_release(&pg->mem);
    memset(pg, 0, sizeof *pg);
}

int wpk2_category_page_encode(wpk2_buf *out, const wpk2_page_ctx *ctx, const wpk2_category_item *items,
                              uint32_t count, wpk2_err *err)
{
    uint64_t strings = 0, cap = cap_or(ctx->max_strings, WPK2_DEFAULT_MAX_STRINGS);
    if (count == 0) return wpk2_fail(err, WPK2_E_INVALID, "category page with no items");
    for (uint32_t i = 0; i < count; i++) {
        const wpk2_category_item *it = &items[i];
        if (it->name.len > 0xFFFF) return wpk2_fail(err, WPK2_E_INVALID, "category page, item %u: name over 65535 bytes", i);
        if (it->entry >= ctx->entry_count)
            return wpk2_fail(err, WPK2_E_INVALID, "category page, item %u: entry number out of range", i);
        int c = i ? str_cmp(items[i - 1].name, it->name) : -1;
        if (c > 0 || (c == 0 && items[i - 1].entry >= it->entry))
            return wpk2_fail(err, WPK2_E_INVALID, "category page, item %u: items out of order (name, entry)", i);
        if (c) strings += it->name.len;
    }
    if (strings > cap)
        return wpk2_fail(err, WPK2_E_LIMIT, "category page: %llu bytes of names, over the %llu-byte cap of a page",
                         (unsigned long long)strings, (unsigned long long)cap);
    wpk2_buf s[C_COUNT] = {{.alloc = out->alloc}, {.alloc = out->alloc}, {.alloc = out->alloc}};
    int bad_ = 0;
    for (uint32_t i = 0; i < count && !bad_;) {
        uint32_t end = i + 1;
        while (end < count && str_eq(items[end].name, items[i].name)) end++;
        bad_ = wpk2_front_put(&s[C_NAMES], i ? items[i - 1].name : (wpk2_str){NULL, 0}, items[i].name) ||
               wpk2_buf_varint(&s[C_RUNS], end - i);
        for (uint32_t k = i; k < end && !bad_; k++)
            bad_ = wpk2_buf_varint(&s[C_ENTRIES], k == i ? items[k].entry : items[k].entry - items[k - 1].entry);
        i = end;
    }
    bad_ = bad_ || wpk2_columns_join(out, count, WPK2_PAGE_CATEGORY, s, C_COUNT);
    for (int k = 0; k < C_COUNT; k++) wpk2_buf_free(&s[k]);
    return bad_ ? wpk2_fail(err, WPK2_E_NOMEM, "category page: out of memory") : wpk2_ok(err);
}
