/* writer_arena.c - the writer's arenas: strings that live until the writer is freed. */
#include "writer_internal.h"

#include <string.h>

char *wpk_arena_alloc(warena *a, size_t n)
{
    if (n > a->left) {
        size_t size = n > WPK_ARENA_REF_MAX ? n : WPK_ARENA_REF_MAX;
        if (a->count == a->cap) {
            size_t cap = a->cap ? 2 * a->cap : 64;
            char **g = wpk_realloc(a->chunks, cap * sizeof *g);
            if (!g) return NULL;
            a->chunks = g;
            a->cap = cap;
        }
        char *chunk = wpk_malloc(size);
        if (!chunk) return NULL;
        a->chunks[a->count++] = chunk;
        a->next = chunk;
        a->left = size;
    }
    char *p = a->next;
    a->next += n;
    a->left -= n;
    return p;
}

char *wpk_arena_alloc_ref(warena *a, size_t n, uint32_t *ref)
{
    if (n > WPK_ARENA_REF_MAX || (n > a->left && a->count >= 4096)) return NULL;
    char *p = wpk_arena_alloc(a, n); /* chunks are WPK_ARENA_REF_MAX bytes for such n */
    if (p) *ref = (uint32_t)(a->count - 1) << 20 | (uint32_t)(p - a->chunks[a->count - 1]);
    return p;
}

void wpk_arena_free(warena *a)
{
    for (size_t i = 0; i < a->count; i++) wpk_free(a->chunks[i]);
    wpk_free(a->chunks);
    memset(a, 0, sizeof *a);
}
