/* lru.c - a cache of immutable, shared objects by file offset, bounded in cost and count, least recently used out first.
 *
 * The reader's block cache (decompressed blocks) and page cache (decoded
 * pages) are both this. Objects never change once made, so a hit hands out
 * a reference rather than a copy: the lock is held for a hash lookup and a
 * list move, never for a copy, a decompression or a decoding. An object
 * evicted while a reader still uses it lives on until that reader releases
 * it. */
#include "reader_internal.h"

#include <string.h>

struct wpk_lru {
    pthread_mutex_t lock;
    wpk_shared **buckets;       /* hash chains; nbuckets is a power of two */
    size_t nbuckets;
    wpk_shared *newest, *oldest;
    uint64_t max_bytes, bytes;
    size_t max_count, count;    /* max_count 0: no count bound */
    uint64_t hits, misses;
    uint64_t seen[WPK_LRU_SEEN]; /* wpk_lru_admit: keys missed once lately (0: empty) */
    unsigned seen_next;
};

wpk_shared *wpk_shared_new(size_t len)
{
    if (len > SIZE_MAX - sizeof(wpk_shared) - 1) return NULL;
    wpk_shared *b = wpk_malloc(sizeof *b + len + 1);
    if (!b) return NULL;
    memset(b, 0, sizeof *b);
    atomic_init(&b->refs, 1);
    b->len = len;
    b->cost = len;
    b->data[len] = 0;
    return b;
}

wpk_shared *wpk_shared_ref(wpk_shared *b)
{
    atomic_fetch_add(&b->refs, 1);
    return b;
}

void wpk_shared_release(wpk_shared *b)
{
    if (!b || atomic_fetch_sub(&b->refs, 1) != 1) return;
    if (b->drop) b->drop(b);
    wpk_free(b);
}

wpk_lru *wpk_lru_new(uint64_t max_bytes, size_t max_count)
{
    wpk_lru *c = wpk_calloc(1, sizeof *c);
    if (!c) return NULL;
    c->nbuckets = 64; /* grows with the count */
    if (!(c->buckets = wpk_calloc(c->nbuckets, sizeof *c->buckets))) {
        wpk_free(c);
        return NULL;
    }
    c->max_bytes = max_bytes;
    c->max_count = max_count;
    pthread_mutex_init(&c->lock, NULL);
    return c;
}

static uint64_t seen_key(uint64_t key, uint64_t tag) { return (key ^ tag * 0x9E3779B97F4A7C15ull) | 1; }

int wpk_lru_admit(wpk_lru *c, uint64_t key, uint64_t tag)
{
    uint64_t k = seen_key(key, tag);
    int again = 0;
    pthread_mutex_lock(&c->lock);
    for (unsigned i = 0; i < WPK_LRU_SEEN; i++)
        if (c->seen[i] == k) {
            c->seen[i] = 0;
            again = 1;
            break;
        }
    if (!again) {
        c->seen[c->seen_next] = k;
        c->seen_next = (c->seen_next + 1) % WPK_LRU_SEEN;
    }
    pthread_mutex_unlock(&c->lock);
    return again;
}

void wpk_lru_free(wpk_lru *c)
{
    if (!c) return;
    for (wpk_shared *b = c->newest, *next; b; b = next) {
        next = b->older;
        wpk_shared_release(b);
    }
    pthread_mutex_destroy(&c->lock);
    wpk_free(c->buckets);
    wpk_free(c);
}

static size_t bucket_of(const wpk_lru *c, uint64_t key)
{
    return (size_t)((key * 0x9E3779B97F4A7C15ull) >> 32) & (c->nbuckets - 1);
}

static wpk_shared **find(wpk_lru *c, uint64_t key, uint64_t tag)
{
    wpk_shared **p = &c->buckets[bucket_of(c, key)];
    while (*p && ((*p)->key != key || (*p)->tag != tag)) p = &(*p)->chain;
    return p;
}

static void list_unlink(wpk_lru *c, wpk_shared *b)
{
    if (b->newer) b->newer->older = b->older;
    else c->newest = b->older;
    if (b->older) b->older->newer = b->newer;
    else c->oldest = b->newer;
}

static void list_push(wpk_lru *c, wpk_shared *b)
{
    b->newer = NULL;
    b->older = c->newest;
    if (c->newest) c->newest->newer = b;
    else c->oldest = b;
    c->newest = b;
}

/* Twice the buckets once there are more items than buckets. A failed
 * allocation only leaves the chains longer. */
static void maybe_grow(wpk_lru *c)
{
    if (c->count < c->nbuckets || c->nbuckets > SIZE_MAX / 2 / sizeof *c->buckets) return;
    wpk_shared **old = c->buckets;
    size_t n = c->nbuckets;
    wpk_shared **fresh = wpk_calloc(n * 2, sizeof *fresh);
    if (!fresh) return;
    c->buckets = fresh;
    c->nbuckets = n * 2;
    for (size_t i = 0; i < n; i++)
        for (wpk_shared *b = old[i], *next; b; b = next) {
            next = b->chain;
            size_t k = bucket_of(c, b->key);
            b->chain = fresh[k];
            fresh[k] = b;
        }
    wpk_free(old);
}

wpk_shared *wpk_lru_get(wpk_lru *c, uint64_t key, uint64_t tag)
{
    pthread_mutex_lock(&c->lock);
    wpk_shared *b = *find(c, key, tag);
    if (b) {
        list_unlink(c, b);
        list_push(c, b);
        atomic_fetch_add(&b->refs, 1);
        c->hits++;
    } else {
        c->misses++;
    }
    pthread_mutex_unlock(&c->lock);
    return b;
}

void wpk_lru_put(wpk_lru *c, uint64_t key, uint64_t tag, wpk_shared *b)
{
    if (b->cost > c->max_bytes) return; /* would push out everything and still not fit */
    wpk_shared *dead = NULL;
    pthread_mutex_lock(&c->lock);
    wpk_shared **slot = find(c, key, tag);
    /* Present already: another thread decompressed the same block at the
     * same time; its copy stays, this one goes with its last reference. */
    if (!*slot) {
        while (c->oldest && (c->bytes + b->cost > c->max_bytes || (c->max_count && c->count >= c->max_count))) {
            wpk_shared *v = c->oldest;
            wpk_shared **p = find(c, v->key, v->tag);
            *p = v->chain;
            list_unlink(c, v);
            c->bytes -= v->cost;
            c->count--;
            v->chain = dead; /* released after unlocking: freeing can be slow */
            dead = v;
        }
        b->key = key;
        b->tag = tag;
        c->count++;
        c->bytes += b->cost;
        maybe_grow(c);
        slot = &c->buckets[bucket_of(c, key)];
        b->chain = *slot;
        *slot = b;
        list_push(c, b);
        atomic_fetch_add(&b->refs, 1);
    }
    pthread_mutex_unlock(&c->lock);
    while (dead) {
        wpk_shared *next = dead->chain;
        wpk_shared_release(dead);
        dead = next;
    }
}

void wpk_lru_stats(wpk_lru *c, uint64_t *hits, uint64_t *misses, uint64_t *bytes, uint64_t *count)
{
    pthread_mutex_lock(&c->lock);
    *hits = c->hits;
    *misses = c->misses;
    *bytes = c->bytes;
    *count = c->count;
    pthread_mutex_unlock(&c->lock);
}
