/* page_cache.c - a small cache of decompressed index pages.
 *
 * A lookup decompresses up to two index pages; most of a warm lookup's time
 * goes there. Pages are kept by their file offset, a fixed number of slots,
 * least recently used evicted first. Entries are copied in and out, so the
 * cache owns its memory and callers own theirs; one mutex guards it (a copy
 * of a 64 KiB page costs a few microseconds, a decompression tens). */
#include "reader_internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct slot { uint64_t offset, used; uint8_t *raw; size_t len; } slot;

struct wpk_page_cache {
    pthread_mutex_t lock;
    slot *slots;
    int n;
    uint64_t clock;
};

wpk_page_cache *wpk_page_cache_new(int n)
{
    wpk_page_cache *c = wpk_calloc(1, sizeof *c);
    if (!c) return NULL;
    c->slots = wpk_calloc((size_t)n, sizeof *c->slots);
    if (!c->slots) {
        wpk_free(c);
        return NULL;
    }
    c->n = n;
    pthread_mutex_init(&c->lock, NULL);
    return c;
}

void wpk_page_cache_free(wpk_page_cache *c)
{
    if (!c) return;
    for (int i = 0; i < c->n; i++) wpk_free(c->slots[i].raw);
    pthread_mutex_destroy(&c->lock);
    wpk_free(c->slots);
    wpk_free(c);
}

uint8_t *wpk_page_cache_get(wpk_page_cache *c, uint64_t offset, size_t *len)
{
    uint8_t *copy = NULL;
    pthread_mutex_lock(&c->lock);
    for (int i = 0; i < c->n; i++) {
        slot *s = &c->slots[i];
        if (s->raw && s->offset == offset) {
            s->used = ++c->clock;
            if ((copy = wpk_malloc(s->len + 1)) != NULL) {
                memcpy(copy, s->raw, s->len);
                copy[s->len] = 0;
                *len = s->len;
            }
            break;
        }
    }
    pthread_mutex_unlock(&c->lock);
    return copy;
}

void wpk_page_cache_put(wpk_page_cache *c, uint64_t offset, const uint8_t *raw, size_t len)
{
    uint8_t *copy = wpk_malloc(len ? len : 1);
    if (!copy) return; /* a cache may always decline */
    memcpy(copy, raw, len);
    pthread_mutex_lock(&c->lock);
    slot *victim = &c->slots[0];
    for (int i = 0; i < c->n; i++) {
        slot *s = &c->slots[i];
        if (s->raw && s->offset == offset) { /* another thread got there first */
            victim = NULL;
            break;
        }
        if (!s->raw || s->used < victim->used) victim = s;
        if (!s->raw) break;
    }
    if (victim) {
        wpk_free(victim->raw);
        *victim = (slot){offset, ++c->clock, copy, len};
        copy = NULL;
    }
    pthread_mutex_unlock(&c->lock);
    wpk_free(copy);
}
