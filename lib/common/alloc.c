/* alloc.c - every allocation of the library goes through here, so that an
 * application can supply its own allocator (wpk_set_allocator), and tests
 * can fail the Nth allocation. zstd contexts get the same allocator through
 * ZSTD_customMem. */
#include "common.h"

#include <stdlib.h>
#include <string.h>

static void *libc_alloc(void *opaque, size_t size) { (void)opaque; return malloc(size); }
static void *libc_realloc(void *opaque, void *p, size_t size) { (void)opaque; return realloc(p, size); }
static void libc_free(void *opaque, void *p) { (void)opaque; free(p); }

static wpk_allocator current = {sizeof(wpk_allocator), libc_alloc, libc_realloc, libc_free, NULL};

int wpk_set_allocator(const wpk_allocator *a)
{
    wpk_allocator own;
    int rc = wpk_struct_in(&own, sizeof own, WPK_MIN_ALLOCATOR, a, "wpk_allocator", NULL);
    if (rc) return rc;
    if (a && own.alloc_fn && own.realloc_fn && own.free_fn) current = own;
    else current = (wpk_allocator){sizeof(wpk_allocator), libc_alloc, libc_realloc, libc_free, NULL};
    return WPK_OK;
}

void *wpk_malloc(size_t size) { return current.alloc_fn(current.opaque, size ? size : 1); }

void *wpk_calloc(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size) return NULL;
    void *p = wpk_malloc(n * size);
    if (p) memset(p, 0, n * size);
    return p;
}

void *wpk_realloc(void *p, size_t size) { return current.realloc_fn(current.opaque, p, size ? size : 1); }

void wpk_free(void *p)
{
    if (p) current.free_fn(current.opaque, p);
}

char *wpk_strndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *d = wpk_malloc(len + 1);
    if (d) {
        memcpy(d, s, len);
        d[len] = 0;
    }
    return d;
}

char *wpk_strdup(const char *s) { return wpk_strndup(s, SIZE_MAX); }

static void *zstd_alloc(void *opaque, size_t size) { (void)opaque; return wpk_malloc(size); }
static void zstd_free(void *opaque, void *p) { (void)opaque; wpk_free(p); }

ZSTD_customMem wpk_zstd_mem(void) { return (ZSTD_customMem){zstd_alloc, zstd_free, NULL}; }

/* zstd objects made with the library's allocator. */
ZSTD_CCtx *wpk_zstd_cctx(void) { return ZSTD_createCCtx_advanced(wpk_zstd_mem()); }

ZSTD_DCtx *wpk_zstd_dctx(void) { return ZSTD_createDCtx_advanced(wpk_zstd_mem()); }

/* Counts the allocations that failed, so that a DDict zstd would not make
 * can be told apart: no memory, or not a valid dictionary. */
static void *zstd_alloc_noting(void *opaque, size_t size)
{
    void *p = wpk_malloc(size);
    if (!p) *(int *)opaque = 1;
    return p;
}

/* By reference: the caller keeps `dict` alive as long as the DDict, and a
 * fresh reader saves copying (and faulting in) the dictionary a second time.
 * On failure *nomem says whether an allocation failed (else the dictionary
 * is malformed). */
ZSTD_DDict *wpk_zstd_ddict(const void *dict, size_t size, int *nomem)
{
    *nomem = 0;
    ZSTD_customMem mem = {zstd_alloc_noting, zstd_free, nomem};
    return ZSTD_createDDict_advanced(dict, size, ZSTD_dlm_byRef, ZSTD_dct_auto, mem);
}

/* The blocks' compression dictionary stays on the C library's heap: zstd
 * records the compression level only in dictionaries made by
 * ZSTD_createCDict, and without it blocks compress ~0.2% larger (measured
 * on open_wiki). The index pages' dictionary is made below instead. */
ZSTD_CDict *wpk_zstd_cdict(const void *dict, size_t size, int level) { return ZSTD_createCDict(dict, size, level); }

/* By reference (the caller keeps `dict` alive), on the library's
 * allocator, and with explicit parameters: it records no level, so each
 * compressor using it is given the level's parameters (see page_cctx). */
ZSTD_CDict *wpk_zstd_cdict_params(const void *dict, size_t size, ZSTD_compressionParameters cp)
{
    return ZSTD_createCDict_advanced(dict, size, ZSTD_dlm_byRef, ZSTD_dct_auto, cp, wpk_zstd_mem());
}
