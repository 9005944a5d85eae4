/* title_page.c - title pages (format 2.0): folded keys with the displayed title or alias, kind, wiki and entry.
 *
 * Head: u32 count, u32 kind 2, then 5 stream lengths:
 *   0 KEYS     front-coded folded keys
 *   1 FORMS    a byte an item: bits 0-1 the display's spelling (0 the key,
 *              1 the key's MediaWiki form, 2 in DISPLAYS), bits 2-3 the
 *              kind (0 title, 1 alias, 2 former title), other bits 0
 *   2 DISPLAYS the display string of each item of form 2
 *   3 WIKIS    varint wiki number an item
 *   4 ENTRIES  zigzag steps of entry numbers (0 before the first)
 * Items never decrease by (key, wiki, kind, entry).
 */
#include "wpk2_internal.h"

#include <stdio.h>

enum { T_KEYS, T_FORMS, T_DISPLAYS, T_WIKIS, T_ENTRIES, T_COUNT };
static const char *const stream_names[T_COUNT] = {"KEYS", "FORMS", "DISPLAYS", "WIKIS", "ENTRIES"};

static int item_cmp(const wpk2_title_item *a, const wpk2_title_item *b)
{
    int c = str_cmp(a->key, b->key);
    if (c) return c;
    if (a->wiki != b->wiki) return a->wiki < b->wiki ? -1 : 1;
    if (a->kind != b->kind) return a->kind < b->kind ? -1 : 1;
    return (a->entry > b->entry) - (a->entry < b->entry);
}

static int bad(wpk2_err *err, int code, const wpk2_mem *m, uint32_t i, int st, const char *detail)
{
    char what[64];
    snprintf(what, sizeof what, "title page, item %u (%s)", i, stream_names[st]);
    return wpk2_fail_code(err, code, m, what, detail);
}

static int decode(const uint8_t *raw, size_t n, const wpk2_page_ctx *ctx, wpk2_title_page *pg, wpk2_err *err)
{
    rd s[T_COUNT];
    wpk2_mem *m = &pg->mem;
    int rc = wpk2_columns_split("title page", raw, n, WPK2_PAGE_TITLE, T_COUNT, &pg->count, s, err);
    if (rc || (rc = wpk2_check_from("title page", ctx, pg->count, err))) return rc;
    if (s[T_FORMS].n != pg->count)
        return wpk2_fail(err, WPK2_E_CORRUPT, "title page (FORMS): %zu bytes for %u items", s[T_FORMS].n, pg->count);
    pg->items = wpk2_mem_array(m, pg->count, sizeof *pg->items);
    if (!pg->items) return wpk2_fail(err, WPK2_E_NOMEM, "title page: out of memory");
    uint32_t wikis = ctx->wikis ? ctx->wikis->count : 0;
    int64_t prev_entry = 0;
    for (uint32_t i = 0; i < pg->count; i++) {
        wpk2_title_item *it = &pg->items[i];
        uint64_t v;
        if ((rc = wpk2_front_next(&s[T_KEYS], m, i ? pg->items[i - 1].key : (wpk2_str){NULL, 0}, &it->key)))
            return bad(err, rc, m, i, T_KEYS, "truncated, or a shared prefix longer than the previous key");
        if (i == 0 && (rc = wpk2_check_first_key("title page", ctx, it->key, err))) return rc;
        uint8_t f = s[T_FORMS].p[i];
        s[T_FORMS].at++;
        it->form = f & 3;
        it->kind = (f >> 2) & 3;
        if (it->form > WPK2_FORM_DISPLAY || it->kind > WPK2_TKIND_FORMER || (f & 0xF0))
            return bad(err, WPK2_E_CORRUPT, m, i, T_FORMS, "unknown form or kind, or bits 4-7 set");
        if (it->form == WPK2_FORM_KEY) {
            it->display = it->key;
        } else if (it->form == WPK2_FORM_MEDIAWIKI) {
            uint8_t *d = wpk2_mem_string(m, (size_t)it->key.len + 4, &rc);
            if (!d) return bad(err, rc, m, i, T_FORMS, "");
            it->display = (wpk2_str){d, (uint32_t)wpk2_upper_first(it->key.p, it->key.len, d)};
        } else if ((rc = wpk2_string_next(&s[T_DISPLAYS], m, &it->display))) {
            return bad(err, rc, m, i, T_DISPLAYS, "truncated or over 65535 bytes");
        }
        if (!rd_varint(&s[T_WIKIS], &v) || v > wikis)
            return bad(err, WPK2_E_CORRUPT, m, i, T_WIKIS, "truncated, or a wiki number above wiki_count");
        it->wiki = (uint16_t)v;
        if (!rd_varint(&s[T_ENTRIES], &v)) return bad(err, WPK2_E_CORRUPT, m, i, T_ENTRIES, "truncated");
        int64_t step = unzigzag(v);
        if (step < -prev_entry || step >= (int64_t)ctx->entry_count - prev_entry)
            return bad(err, WPK2_E_CORRUPT, m, i, T_ENTRIES, "entry number out of range");
        prev_entry += step;
        it->entry = (uint32_t)prev_entry;
        if (i && item_cmp(&pg->items[i - 1], it) > 0)
            return bad(err, WPK2_E_CORRUPT, m, i, T_KEYS, "items out of order (key, wiki, kind, entry)");
    }
    return wpk2_streams_finished(s, T_COUNT, stream_names, "title page", "item", err);
}

int wpk2_title_page_decode(const uint8_t *raw, size_t n, const wpk2_page_ctx *ctx, wpk2_title_page *out,
                           wpk2_err *err)
{
    memset(out, 0, sizeof *out);
    wpk2_mem_init(&out->mem, ctx->alloc, cap_or(ctx->max_strings, WPK2_DEFAULT_MAX_STRINGS));
    wpk2_page_ctx c = wpk2_page_ctx_clamped(ctx);
    int rc = decode(raw, n, &c, out, err);
    if (rc) {
        wpk2_title_page_free(out);
        return rc;
    }
    return wpk2_ok(err);
}

void wpk2_title_page_free(wpk2_title_page *pg)
{
    wpk2_mem_release(&pg->mem);
    memset(pg, 0, sizeof *pg);
}

/* How the display is spelled: 0 the key, 1 its MediaWiki form, 2 itself. */
static uint8_t form_of(const wpk2_title_item *it, uint8_t *scratch)
{
    if (str_eq(it->display, it->key)) return WPK2_FORM_KEY;
    size_t len = wpk2_upper_first(it->key.p, it->key.len, scratch);
    if (len == it->display.len && !memcmp(scratch, it->display.p, len)) return WPK2_FORM_MEDIAWIKI;
    return WPK2_FORM_DISPLAY;
}

int wpk2_title_page_encode(wpk2_buf *out, const wpk2_page_ctx *ctx, const wpk2_title_item *items, uint32_t count,
                           wpk2_err *err)
{
    uint32_t wikis = ctx->wikis ? ctx->wikis->count : 0;
    uint64_t strings = 0, cap = cap_or(ctx->max_strings, WPK2_DEFAULT_MAX_STRINGS);
    if (count == 0) return wpk2_fail(err, WPK2_E_INVALID, "title page with no items");
    for (uint32_t i = 0; i < count; i++) {
        const wpk2_title_item *it = &items[i];
        if (it->key.len > 0xFFFF || it->display.len > 0xFFFF)
            return wpk2_fail(err, WPK2_E_INVALID, "title page, item %u: key or display over 65535 bytes", i);
        if (it->kind > WPK2_TKIND_FORMER) return wpk2_fail(err, WPK2_E_INVALID, "title page, item %u: unknown kind", i);
        if (it->wiki > wikis) return wpk2_fail(err, WPK2_E_INVALID, "title page, item %u: wiki above wiki_count", i);
        if (it->entry >= ctx->entry_count)
            return wpk2_fail(err, WPK2_E_INVALID, "title page, item %u: entry number out of range", i);
        if (i && item_cmp(&items[i - 1], it) > 0)
            return wpk2_fail(err, WPK2_E_INVALID, "title page, item %u: items out of order", i);
        strings += (uint64_t)it->key.len + (it->display.len > it->key.len ? it->display.len : it->key.len) + 4;
    }
    if (strings > cap)
        return wpk2_fail(err, WPK2_E_LIMIT, "title page: %llu bytes of strings, over the %llu-byte cap of a page",
                         (unsigned long long)strings, (unsigned long long)cap);
    wpk2_buf s[T_COUNT] = {{.alloc = out->alloc}, {.alloc = out->alloc}, {.alloc = out->alloc}, {.alloc = out->alloc},
                           {.alloc = out->alloc}};
    uint8_t *scratch = wpk2_malloc(out->alloc, 0xFFFF + 4);
    int bad = !scratch;
    int64_t prev_entry = 0;
    for (uint32_t i = 0; i < count && !bad; i++) {
        const wpk2_title_item *it = &items[i];
        uint8_t form = form_of(it, scratch);
        uint8_t f = (uint8_t)(form | it->kind << 2);
        bad = wpk2_front_put(&s[T_KEYS], i ? items[i - 1].key : (wpk2_str){NULL, 0}, it->key) ||
              wpk2_buf_put(&s[T_FORMS], &f, 1) ||
              (form == WPK2_FORM_DISPLAY && wpk2_buf_string(&s[T_DISPLAYS], it->display.p, it->display.len)) ||
              wpk2_buf_varint(&s[T_WIKIS], it->wiki) || wpk2_buf_varint(&s[T_ENTRIES], zigzag((int64_t)it->entry - prev_entry));
        prev_entry = it->entry;
    }
    bad = bad || wpk2_columns_join(out, count, WPK2_PAGE_TITLE, s, T_COUNT);
    wpk2_free(out->alloc, scratch);
    for (int k = 0; k < T_COUNT; k++) wpk2_buf_free(&s[k]);
    return bad ? wpk2_fail(err, WPK2_E_NOMEM, "title page: out of memory") : wpk2_ok(err);
}
