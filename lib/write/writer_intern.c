/* writer_intern.c - strings that recur across entries (category names,
 * languages, media types) kept once each; entries hold their ids. A
 * million generated entries name ~570,000 categories, each used by many
 * articles, and a handful of languages and media types. */
#include "writer_internal.h"

#include <stdlib.h>
#include <string.h>

static uint64_t name_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static int grow_slots(wintern *t)
{
    size_t cap = t->slot_cap ? t->slot_cap * 2 : 64;
    uint32_t *slots = wpk_calloc(cap, sizeof *slots);
    if (!slots) return -1;
    for (uint32_t i = 0; i < t->count; i++) {
        size_t j = name_hash(wpk_intern_name(t, i)) & (cap - 1);
        while (slots[j]) j = (j + 1) & (cap - 1);
        slots[j] = i + 1;
    }
    wpk_free(t->slots);
    t->slots = slots;
    t->slot_cap = cap;
    return 0;
}

int wpk_intern(wintern *t, const char *s, uint32_t *id)
{
    /* At most three quarters full: linear probing stays short (~2.5 probes
     * for a miss), and the slots of 570,000 names take 4 MB, not 8. */
    if (4 * ((size_t)t->count + 1) > 3 * t->slot_cap && grow_slots(t)) return -1;
    size_t j = name_hash(s) & (t->slot_cap - 1);
    for (; t->slots[j]; j = (j + 1) & (t->slot_cap - 1))
        if (!strcmp(wpk_intern_name(t, t->slots[j] - 1), s)) {
            *id = t->slots[j] - 1;
            return 0;
        }
    if (t->count == UINT32_MAX - 1) return -1;
    if (t->count == t->cap) {
        uint32_t cap = !t->cap ? 16 : t->cap > UINT32_MAX / 2 ? UINT32_MAX : t->cap * 2;
        uint32_t *g = wpk_realloc(t->refs, cap * sizeof *g);
        if (!g) return -1;
        t->refs = g;
        t->cap = cap;
    }
    size_t len = strlen(s) + 1; /* callers pass at most 64 KiB: under WPK_ARENA_REF_MAX */
    char *copy = wpk_arena_alloc_ref(&t->text, len, &t->refs[t->count]);
    if (!copy) return -1;
    memcpy(copy, s, len);
    t->slots[j] = ++t->count;
    *id = t->count - 1;
    return 0;
}

int wpk_intern_find(const wintern *t, const char *s, uint32_t *id)
{
    if (!t->slot_cap) return 0;
    for (size_t j = name_hash(s) & (t->slot_cap - 1); t->slots[j]; j = (j + 1) & (t->slot_cap - 1))
        if (!strcmp(wpk_intern_name(t, t->slots[j] - 1), s)) {
            *id = t->slots[j] - 1;
            return 1;
        }
    return 0;
}

void wpk_intern_seal(wintern *t)
{
    wpk_free(t->slots);
    t->slots = NULL;
    t->slot_cap = 0;
    uint32_t *fit = t->count ? wpk_realloc(t->refs, t->count * sizeof *fit) : NULL;
    if (fit) {
        t->refs = fit;
        t->cap = t->count;
    }
}

void wpk_intern_free(wintern *t)
{
    wpk_arena_free(&t->text);
    wpk_free(t->refs);
    wpk_free(t->slots);
    memset(t, 0, sizeof *t);
}
