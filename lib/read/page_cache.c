/* page_cache.c - a small cache of decompressed index pages.
 *
 * A lookup decompresses up to two index pages; most of a warm lookup's time
 * goes there. Pages are kept by their file offset in an lru.c cache bounded
 * by a count (cache_pages) and by bytes (page_cache_bytes: a page may be up
 * to 16 MiB, so a count alone bounds nothing useful). Pages are copied in
 * and out, so callers own theirs (a copy of a 64 KiB page costs a few
 * microseconds, a decompression tens). */
#include "reader_internal.h"

#include <string.h>

struct wpk_page_cache { wpk_lru *lru; };

wpk_page_cache *wpk_page_cache_new(int n, uint64_t max_bytes)
{
    wpk_page_cache *c = wpk_calloc(1, sizeof *c);
    if (!c) return NULL;
    if (!(c->lru = wpk_lru_new(max_bytes, (size_t)n))) {
        wpk_free(c);
        return NULL;
    }
    return c;
}

void wpk_page_cache_free(wpk_page_cache *c)
{
    if (!c) return;
    wpk_lru_free(c->lru);
    wpk_free(c);
}

uint8_t *wpk_page_cache_get(wpk_page_cache *c, uint64_t offset, size_t *len)
{
    wpk_shared *s = wpk_lru_get(c->lru, offset, 0);
    if (!s) return NULL;
    uint8_t *copy = wpk_malloc(s->len + 1);
    if (copy) {
        memcpy(copy, s->data, s->len + 1); /* with its NUL */
        *len = s->len;
    }
    wpk_shared_release(s);
    return copy;
}

void wpk_page_cache_put(wpk_page_cache *c, uint64_t offset, const uint8_t *raw, size_t len)
{
    wpk_shared *s = wpk_shared_new(len);
    if (!s) return; /* a cache may always decline */
    memcpy(s->data, raw, len);
    wpk_lru_put(c->lru, offset, 0, s);
    wpk_shared_release(s);
}

void wpk_page_cache_stats(wpk_page_cache *c, uint64_t *hits, uint64_t *misses, uint64_t *bytes, uint64_t *count)
{
    wpk_lru_stats(c->lru, hits, misses, bytes, count);
}
