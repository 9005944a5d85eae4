/* cache_stats.c - wpk_reader_cache_stats: what the block, page, entry and search-page caches hold, and their hits and misses. */
#include "reader_internal.h"

#include <string.h>

int wpk_reader_cache_stats(const wpk_reader *cr, wpk_cache_stats *out)
{
    if (!cr || !out) return WPK_E_INVALID;
    int rc = wpk_struct_out_check(out, sizeof *out, WPK_MIN_CACHE_STATS, "wpk_cache_stats", NULL);
    if (rc) return rc;
    /* The caches lock themselves; reading their counts changes nothing. */
    wpk_reader *r = (wpk_reader *)(uintptr_t)cr;
    wpk_cache_stats full;
    memset(&full, 0, sizeof full);
    full.struct_size = sizeof full;
    if (r->blocks) {
        wpk_lru_stats(r->blocks, &full.block_hits, &full.block_misses, &full.block_bytes, &full.block_count);
        full.block_budget = r->opts.block_cache_bytes;
    }
    if (r->pages) {
        wpk_lru_stats(r->pages, &full.page_hits, &full.page_misses, &full.page_bytes, &full.page_count);
        full.page_budget = r->opts.page_cache_bytes;
        full.page_slots = (uint64_t)r->opts.cache_pages;
    }
    if (r->entries) wpk_lru_stats(r->entries, &full.entry_hits, &full.entry_misses, &full.entry_bytes, &full.entry_count);
    if (r->search_pages) {
        wpk_lru_stats(r->search_pages, &full.search_page_hits, &full.search_page_misses, &full.search_page_bytes,
                      &full.search_page_count);
        full.search_page_budget = r->opts.search_cache_bytes;
    }
    wpk_struct_out(out, &full, sizeof full);
    return WPK_OK;
}
