/* page_load.c - leaves loaded: from the page cache, or read, checked, decompressed and decoded whole (then offered to the cache). */
#include "reader_internal.h"

#include <stdio.h>

wpk2_page_ctx wpk_page_ctx(const wpk_reader *r, const wpk2_root_item *from, const wpk2_alloc *alloc)
{
    /* A page's decoded strings count against the page cap, as its raw size
     * does (the draft's rule: a page cannot decode to more than that). */
    wpk2_page_ctx c = {.from = from, .entry_count = r->h.entry_count, .wikis = &r->wikis, .data_size = r->data_size,
                       .max_block = r->opts.max_block_size, .max_strings = r->opts.max_page_size, .alloc = alloc};
    return c;
}

static const char *const page_names[] = {"?", "entry page", "title page", "ID page", "category page", "?",
                                         "term page"};

/* Decode raw into the page object's union by its kind. */
static int decode(wpk_reader *r, wpk_page *p, const wpk2_root_item *it, const uint8_t *raw, wpk2_err *e)
{
    wpk2_page_ctx ctx = wpk_page_ctx(r, it, &p->alloc);
    size_t n = it->raw_size;
    switch (p->kind) {
    case WPK2_PAGE_ENTRY: return wpk2_entry_page_decode(raw, n, &ctx, &p->u.entry, e);
    case WPK2_PAGE_TITLE: return wpk2_title_page_decode(raw, n, &ctx, &p->u.title, e);
    case WPK2_PAGE_ID: return wpk2_id_page_decode(raw, n, &ctx, &p->u.id, e);
    case WPK2_PAGE_TERM: return wpk2_term_page_decode(raw, n, &ctx, &p->u.term, e);
    default: return wpk2_category_page_decode(raw, n, &ctx, &p->u.category, e);
    }
}

/* Read and decode a leaf; every rule of its kind is checked here, so a
 * defect anywhere in a page fails every lookup that reads it. */
static int load(wpk_reader *r, const wpk_index *idx, const wpk2_root_item *it, int auth, wpk_shared **out,
                wpk_error *err)
{
    *out = NULL;
    const char *what = page_names[idx->kind];
    uint8_t *raw;
    int auth_ok;
    int rc = wpk_page_raw(r, idx, it, what, auth, &auth_ok, &raw, err);
    if (rc) return rc;
    wpk_shared *s = wpk_page_new(idx->kind);
    if (!s) {
        wpk_free(raw);
        return wpk_fail(err, WPK_E_NOMEM, "%s: out of memory", r->name);
    }
    wpk2_err e;
    rc = decode(r, wpk_page_of(s), it, raw, &e);
    wpk_free(raw);
    if (rc) {
        wpk_shared_release(s);
        return wpk_codec_fail(r, err, rc, &e, idx->base + it->page_offset, what);
    }
    s->cost = sizeof *s + sizeof(wpk_page) + wpk_page_of(s)->bytes;
    *out = s;
    return WPK_OK;
}

int wpk_leaf_get(wpk_reader *r, const wpk_index *idx, const wpk2_root_item *it, wpk_shared **out, wpk_error *err)
{
    uint64_t abs = idx->base + it->page_offset, tag = wpk_page_tag(it, idx->kind);
    struct wpk_lru *cache = idx->kind == WPK2_PAGE_TERM ? r->search_pages : r->pages;
    if (cache && (*out = wpk_lru_get(cache, abs, tag)) != NULL) return WPK_OK;
    int rc = load(r, idx, it, WPK_AUTH_IF_TRUSTED, out, err);
    if (!rc && cache) wpk_lru_put(cache, abs, tag, *out);
    return rc;
}

int wpk_leaf_load_checked(wpk_reader *r, const wpk_index *idx, const wpk2_root_item *it, wpk_shared **out,
                          wpk_error *err)
{
    return load(r, idx, it, WPK_AUTH_ALWAYS, out, err);
}
