/* page_cache.c - decoded index pages as shared objects, kept in the reader's page cache so that a warm lookup decodes nothing.
 *
 * A lookup reads up to two leaves; decompressing and decoding them (front
 * coded keys and paths, spelled titles and URLs, every stream checked) is
 * most of a cold lookup's time. Decoded pages are immutable, so the cache
 * hands out references. Each page's memory comes from an allocator that
 * counts it, and that count is what it costs against page_cache_bytes
 * (cache_pages bounds their number). */
#include "reader_internal.h"

#include <string.h>

static void *count_alloc(void *opaque, size_t size)
{
    wpk_page *p = opaque;
    p->bytes += size;
    return wpk_malloc(size);
}

static void *count_realloc(void *opaque, void *old, size_t size)
{
    wpk_page *p = opaque;
    p->bytes += size; /* the old size is not known: counted again, an overestimate */
    return wpk_realloc(old, size);
}

static void count_free(void *opaque, void *ptr)
{
    (void)opaque;
    wpk_free(ptr);
}

static void page_drop(wpk_shared *s)
{
    wpk_page *p = wpk_page_of(s);
    switch (p->kind) {
    case WPK2_PAGE_ENTRY: wpk2_entry_page_free(&p->u.entry); break;
    case WPK2_PAGE_TITLE: wpk2_title_page_free(&p->u.title); break;
    case WPK2_PAGE_ID: wpk2_id_page_free(&p->u.id); break;
    case WPK2_PAGE_TERM: wpk2_term_page_free(&p->u.term); break;
    default: wpk2_category_page_free(&p->u.category); break;
    }
}

wpk_shared *wpk_page_new(uint32_t kind)
{
    wpk_shared *s = wpk_shared_new(sizeof(wpk_page));
    if (!s) return NULL;
    wpk_page *p = wpk_page_of(s);
    memset(p, 0, sizeof *p);
    p->kind = kind;
    p->alloc = (wpk2_alloc){count_alloc, count_realloc, count_free, p};
    s->drop = page_drop;
    return s;
}

uint64_t wpk_page_tag(const wpk2_root_item *it, uint32_t kind)
{
    uint64_t auth;
    memcpy(&auth, it->auth, sizeof auth);
    return it->checksum ^ auth ^ (it->first_item * 0x9E3779B97F4A7C15ull) ^
           (((uint64_t)it->page_items << 8 | kind) * 0xC2B2AE3D27D4EB4Full) ^ it->raw_size;
}
