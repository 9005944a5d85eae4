/* open.c - opening and closing a reader: its options, caches and source; the prefix is read by prefix.c. */
#include "reader_internal.h"

#include <stdlib.h>
#include <string.h>

/* The caller's options (NULL: none) copied into a full struct. 0 means
 * "off" for block_cache_bytes, so that field's default is set here when
 * the caller's struct does not reach it. */
static int open_opts_in(wpk_open_opts *o, const wpk_open_opts *given, wpk_error *err)
{
    int rc = wpk_struct_in(o, sizeof *o, WPK_MIN_OPEN_OPTS, given, "wpk_open_opts", err);
    if (rc) return rc;
    if (!given || given->struct_size < WPK_SIZE_THROUGH(wpk_open_opts, block_cache_bytes))
        o->block_cache_bytes = WPK_BLOCK_CACHE_DEFAULT;
    return WPK_OK;
}

_Static_assert(WPK_DEFAULT_MAX_EXPANSION == WPK2_DEFAULT_MAX_EXPANSION, "one default, public and in the codec");

/* o: already copied from the caller's options (open_opts_in). */
static void fill_defaults(wpk_open_opts *o)
{
    if (!o->max_page_size) o->max_page_size = WPK_DEFAULT_MAX_PAGE;
    if (!o->max_block_size) o->max_block_size = WPK_DEFAULT_MAX_BLOCK;
    if (!o->max_dict_size) o->max_dict_size = WPK_DEFAULT_MAX_DICT;
    if (!o->max_prefix_size) o->max_prefix_size = WPK_DEFAULT_MAX_PREFIX;
    if (!o->max_expansion) o->max_expansion = WPK2_DEFAULT_MAX_EXPANSION;
    if (!o->cache_pages) o->cache_pages = 64;
    /* 64 pages of the writer's 64 KiB, four times over: the count stays
     * the bound for ordinary pages, this one for pages up to the cap. */
    if (!o->page_cache_bytes) o->page_cache_bytes = (uint64_t)16 << 20;
    /* A million short records make an index of ~60 MB decoded; the terms
     * of a day's queries, a fraction of it. */
    if (!o->search_cache_bytes) o->search_cache_bytes = (uint64_t)64 << 20;
}

/* The caches the options ask for. */
static int make_caches(wpk_reader *r, wpk_error *err)
{
    if (r->opts.cache_pages > 0 && !(r->pages = wpk_lru_new(r->opts.page_cache_bytes, (size_t)r->opts.cache_pages)))
        return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    if (r->opts.cache_pages > 0 && !(r->entries = wpk_lru_new(WPK_ENTRY_CACHE_BYTES, 0)))
        return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    if (r->opts.cache_pages > 0 && !(r->texts = wpk_lru_new(WPK_TEXT_CACHE_BYTES, 0)))
        return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    if (r->opts.cache_pages > 0 && !(r->search_pages = wpk_lru_new(r->opts.search_cache_bytes, 0)))
        return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    if (r->opts.block_cache_bytes && !(r->blocks = wpk_lru_new(r->opts.block_cache_bytes, 0)))
        return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    return WPK_OK;
}

static const char *const index_names[] = {"?", "entry index", "title index", "ID index", "category index"};

/* The library's allocator, for the codec's decoded structures. */
static void *lib_alloc(void *opaque, size_t size) { (void)opaque; return wpk_malloc(size); }
static void *lib_realloc(void *opaque, void *p, size_t size) { (void)opaque; return wpk_realloc(p, size); }
static void lib_free(void *opaque, void *p) { (void)opaque; wpk_free(p); }

static int open_common(wpk_reader *r, const wpk_open_opts *opts, wpk_error *err)
{
    int rc = open_opts_in(&r->opts, opts, err);
    if (rc) return rc;
    fill_defaults(&r->opts);
    if (r->opts.trusted_key) {
        /* Copied: the caller's key need not outlive the call. */
        memcpy(r->trusted_key, r->opts.trusted_key, sizeof r->trusted_key);
        r->trusted = 1;
        r->opts.trusted_key = NULL;
    }
    r->alloc = (wpk2_alloc){lib_alloc, lib_realloc, lib_free, NULL};
    if ((rc = wpk_prefix_open(r, err)) != 0) return rc;
    for (uint32_t k = WPK2_PAGE_ENTRY; k <= WPK2_PAGE_CATEGORY; k++) {
        /* Section types 1..4 are the roots of page kinds 1..4. */
        r->idx[k].kind = k;
        r->idx[k].what = index_names[k];
        r->idx[k].sec = *r->map.of[k];
        r->idx[k].base = r->pages_base;
        r->idx[k].size = r->pages_size;
    }
    const wpk2_section *sp = r->map.of[WPK2_SEC_SEARCH_PAGES];
    if (sp) { /* the section table's rules: SEARCH and SEARCH_ROOT are there too */
        r->has_search = 1;
        r->search.kind = WPK2_PAGE_TERM;
        r->search.what = "search index";
        r->search.sec = *r->map.of[WPK2_SEC_SEARCH_ROOT];
        r->search.base = sp->offset;
        r->search.size = sp->stored_size;
    }
    return WPK_OK;
}

/* Allocate a reader around a source and open it. When `mem` is non-NULL the
 * source is a memory buffer described inside the reader itself. */
static int open_with(wpk_reader **out, const wpk_source *src, int owns_file, const wpk_mem_src *mem,
                     const wpk_open_opts *opts, wpk_error *err)
{
    *out = NULL;
    wpk_reader *r = wpk_calloc(1, sizeof *r);
    if (!r) {
        if (owns_file) {
            wpk_source tmp = *src;
            wpk_source_file_close(&tmp);
        }
        return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    }
    if (mem)
        wpk_source_memory(&r->src, &r->mem, mem->data, mem->size);
    else
        r->src = *src;
    r->owns_file = owns_file;
    /* Every lock before the first failure: wpk_reader_close destroys them all. */
    pthread_mutex_init(&r->pool_lock, NULL);
    pthread_mutex_init(&r->dict_lock, NULL);
    pthread_mutex_init(&r->root_lock, NULL);
    pthread_mutex_init(&r->analyzer_lock, NULL);
    r->name = wpk_strdup(r->src.name ? r->src.name : "(archive)");
    if (!r->name) {
        wpk_reader_close(r);
        return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    }
    r->src.name = r->name;
    int rc = open_common(r, opts, err);
    if (!rc) rc = make_caches(r, err);
    if (rc) {
        wpk_reader_close(r);
        return rc;
    }
    *out = r;
    return WPK_OK;
}

int wpk_reader_open(wpk_reader **out, const char *path, const wpk_open_opts *opts, wpk_error *err)
{
    if (!out || !path) return wpk_fail(err, WPK_E_INVALID, "wpk_reader_open: NULL argument");
    *out = NULL;
    wpk_source src;
    int rc = wpk_source_file(&src, path, err);
    if (rc) return rc;
    return open_with(out, &src, 1, NULL, opts, err);
}

int wpk_reader_open_memory(wpk_reader **out, const void *data, size_t size, const wpk_open_opts *opts, wpk_error *err)
{
    if (!out || (!data && size)) return wpk_fail(err, WPK_E_INVALID, "wpk_reader_open_memory: NULL argument");
    wpk_mem_src mem = {data, size};
    return open_with(out, NULL, 0, &mem, opts, err);
}

int wpk_reader_open_source(wpk_reader **out, const wpk_source *src, const wpk_open_opts *opts, wpk_error *err)
{
    if (!out || !src) return wpk_fail(err, WPK_E_INVALID, "wpk_reader_open_source: NULL argument");
    wpk_source own;
    int rc = wpk_struct_in(&own, sizeof own, WPK_MIN_SOURCE, src, "wpk_source", err);
    if (rc) return rc;
    if (!own.read_at) return wpk_fail(err, WPK_E_INVALID, "wpk_reader_open_source: no read_at function");
    return open_with(out, &own, 0, NULL, opts, err);
}

int wpk_reader_open_url(wpk_reader **out, const char *url, const wpk_open_opts *opts, const wpk_http_opts *http,
                        wpk_error *err)
{
    if (!out || !url) return wpk_fail(err, WPK_E_INVALID, "wpk_reader_open_url: NULL argument");
    *out = NULL;
    wpk_open_opts o;
    int rc = open_opts_in(&o, opts, err);
    if (rc) return rc;
    wpk_source src;
    memset(&src, 0, sizeof src);
    rc = wpk_source_http(&src, url, http, err);
    if (rc) return rc;
    /* Every index page fetched stays: a page costs a round trip. 4096
     * pages of the writer's 64 KiB are 256 MiB. */
    if (o.cache_pages == 0) o.cache_pages = 4096;
    if (o.page_cache_bytes == 0) o.page_cache_bytes = (uint64_t)256 << 20;
    if (o.search_cache_bytes == 0) o.search_cache_bytes = (uint64_t)256 << 20;
    wpk_reader *r = NULL;
    rc = open_with(&r, &src, 0, NULL, &o, err);
    if (rc) {
        wpk_source_http_close(&src);
        return rc;
    }
    r->owns_http = 1;
    *out = r;
    return WPK_OK;
}

void wpk_reader_set_progress(wpk_reader *r, wpk_progress_fn fn, void *ctx)
{
    r->progress = fn;
    r->progress_ctx = ctx;
}

int wpk_reader_transfer_stats(const wpk_reader *r, wpk_transfer_stats *out)
{
    if (!r || !out || !r->owns_http) return wpk_fail(NULL, WPK_E_INVALID, "not a reader opened from a URL");
    int rc = wpk_struct_out_check(out, sizeof *out, WPK_MIN_TRANSFER_STATS, "wpk_transfer_stats", NULL);
    if (rc) return rc;
    wpk_transfer_stats full = WPK_TRANSFER_STATS_INIT;
    rc = wpk_source_http_stats(&r->src, &full);
    if (!rc) wpk_struct_out(out, &full, sizeof full);
    return rc;
}

void wpk_reader_close(wpk_reader *r)
{
    if (!r) return;
    /* The caches first: decoded pages may hold memory of the reader's. */
    wpk_lru_free(r->pages);
    wpk_lru_free(r->search_pages);
    wpk_lru_free(r->entries);
    wpk_lru_free(r->texts);
    wpk_lru_free(r->blocks);
    wpk_analyzers_free(r);
    for (uint32_t k = WPK2_PAGE_ENTRY; k <= WPK2_PAGE_CATEGORY; k++) wpk_index_free(&r->idx[k]);
    wpk_index_free(&r->search);
    wpk2_wikis_free(&r->wikis);
    wpk_free(r->wiki_strings);
    wpk_free(r->wiki_case_sensitive);
    wpk2_summary_free(&r->summary);
    ZSTD_freeDDict(r->ddict);
    wpk_free(r->dict_raw);
    wpk_block_dicts_close(r);
    for (int i = 0; i < r->pool_n; i++) ZSTD_freeDCtx(r->pool[i]);
    pthread_mutex_destroy(&r->pool_lock);
    pthread_mutex_destroy(&r->dict_lock);
    pthread_mutex_destroy(&r->root_lock);
    pthread_mutex_destroy(&r->analyzer_lock);
    wpk_free(r->prefix);
    if (r->owns_file) wpk_source_file_close(&r->src);
    if (r->owns_http) wpk_source_http_close(&r->src);
    if (r->owned_free) r->owned_free(r->owned);
    wpk_free(r->name);
    wpk_free(r);
}
