/* test_abi.c - structs of an older or newer header than the library's: read and written within their struct_size */
#include "check.h"
#include "wikipack.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* A wpk_write_opts as a newer header might declare it: one more field. */
typedef struct { wpk_write_opts now; uint64_t later; } newer_write_opts;
/* A wpk_archive_info of a newer header, with room for fields to come. */
typedef struct { wpk_archive_info now; uint64_t later[4]; } newer_info;
/* wpk_open_opts as first published, before the cache sizes. */
typedef struct {
    uint32_t struct_size;
    uint64_t max_page_size, max_block_size, max_dict_size, max_prefix_size;
    int cache_pages;
} open_opts_v1;
typedef struct { wpk_cache_stats now; uint64_t later[2]; } newer_cache_stats;

/* The cache budgets a reader opened with these options works with. */
static wpk_cache_stats budgets(const char *path, const wpk_open_opts *o)
{
    wpk_cache_stats s = WPK_CACHE_STATS_INIT;
    wpk_reader *r = NULL;
    wpk_error err;
    int rc = wpk_reader_open(&r, path, o, &err);
    CHECK_MSG(rc == WPK_OK, "%s", err.message);
    if (!rc) CHECK(wpk_reader_cache_stats(r, &s) == WPK_OK);
    wpk_reader_close(r);
    return s;
}

/* The cache fields of wpk_open_opts: the default for a caller that does
 * not know them, 0 for none from one that does. */
static void test_open_opts(const char *path)
{
    /* Added beyond the old size, not in its tail padding. */
    CHECK(offsetof(wpk_open_opts, block_cache_bytes) >= sizeof(open_opts_v1));
    CHECK(offsetof(wpk_open_opts, page_cache_bytes) > offsetof(wpk_open_opts, block_cache_bytes));
    CHECK(offsetof(wpk_open_opts, trusted_key) >= offsetof(wpk_open_opts, page_cache_bytes) + sizeof(uint64_t));
    CHECK(offsetof(wpk_open_opts, max_expansion) >= offsetof(wpk_open_opts, trusted_key) + sizeof(const uint8_t *));
    CHECK(offsetof(wpk_open_opts, search_cache_bytes) >= offsetof(wpk_open_opts, max_expansion) + sizeof(uint32_t));
    CHECK(sizeof(wpk_open_opts) == offsetof(wpk_open_opts, search_cache_bytes) + sizeof(uint64_t));
    const uint64_t pages_default = (uint64_t)16 << 20;

    open_opts_v1 old;
    memset(&old, 0, sizeof old);
    old.struct_size = sizeof old;
    old.cache_pages = 5;
    wpk_cache_stats s = budgets(path, (const wpk_open_opts *)(const void *)&old);
    CHECK(s.block_budget == WPK_BLOCK_CACHE_DEFAULT && s.page_budget == pages_default && s.page_slots == 5);
    /* The smallest size ever published: up to cache_pages. */
    old.struct_size = (uint32_t)(offsetof(open_opts_v1, cache_pages) + sizeof old.cache_pages);
    s = budgets(path, (const wpk_open_opts *)(const void *)&old);
    CHECK(s.block_budget == WPK_BLOCK_CACHE_DEFAULT && s.page_slots == 5);
    /* One byte short of that is refused. */
    old.struct_size--;
    wpk_reader *r = NULL;
    wpk_error err;
    CHECK(wpk_reader_open(&r, path, (const wpk_open_opts *)(const void *)&old, &err) == WPK_E_INVALID && !r);

    s = budgets(path, NULL);
    CHECK(s.block_budget == WPK_BLOCK_CACHE_DEFAULT && s.page_budget == pages_default && s.page_slots == 64);
    wpk_open_opts o = WPK_OPEN_OPTS_INIT;
    CHECK(o.block_cache_bytes == WPK_BLOCK_CACHE_DEFAULT && o.page_cache_bytes == 0);
    s = budgets(path, &o);
    CHECK(s.block_budget == WPK_BLOCK_CACHE_DEFAULT && s.page_budget == pages_default);
    o.block_cache_bytes = 0;
    o.page_cache_bytes = 12345;
    o.cache_pages = -1;
    s = budgets(path, &o);
    CHECK(s.block_budget == 0 && s.page_budget == 0 && s.page_slots == 0);
    o.cache_pages = 0;
    s = budgets(path, &o);
    CHECK(s.page_budget == 12345 && s.page_slots == 64);

    /* A header from before trusted_key: no key, the unsigned archive opens;
     * one with it: refused as not signed by the key. */
    wpk_open_opts before_key = WPK_OPEN_OPTS_INIT;
    before_key.struct_size = (uint32_t)offsetof(wpk_open_opts, trusted_key);
    CHECK(wpk_reader_open(&r, path, &before_key, &err) == WPK_OK);
    wpk_reader_close(r);
    static const uint8_t some_key[WPK_PUBLIC_KEY_SIZE] = {1};
    o = (wpk_open_opts)WPK_OPEN_OPTS_INIT;
    o.trusted_key = some_key;
    CHECK(wpk_reader_open(&r, path, &o, &err) == WPK_E_UNTRUSTED && !r);

    /* wpk_cache_stats is an output struct like the others. */
    CHECK(wpk_reader_open(&r, path, NULL, &err) == WPK_OK);
    newer_cache_stats ns;
    memset(&ns, 0xAB, sizeof ns);
    ns.now.struct_size = sizeof ns;
    CHECK(wpk_reader_cache_stats(r, &ns.now) == WPK_OK);
    CHECK(ns.now.block_budget == WPK_BLOCK_CACHE_DEFAULT && ns.later[0] == 0 && ns.later[1] == 0);
    wpk_cache_stats bad;
    memset(&bad, 0xCD, sizeof bad);
    bad.struct_size = (uint32_t)offsetof(wpk_cache_stats, page_slots);
    CHECK(wpk_reader_cache_stats(r, &bad) == WPK_E_INVALID && bad.block_hits == 0xCDCDCDCDCDCDCDCDull);
    wpk_reader_close(r);
}

static int pack_one(const char *path, const wpk_write_opts *o, wpk_error *err)
{
    wpk_writer *w;
    int rc = wpk_writer_create(&w, path, o, err);
    if (rc) return rc;
    wpk_entry m = WPK_ENTRY_INIT;
    m.path = "a.md";
    m.title = "A";
    rc = wpk_writer_add(w, &m, "alpha", 5, err);
    if (!rc) rc = wpk_writer_finish(w, NULL, err);
    wpk_writer_free(w);
    return rc;
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : ".";
    char path[4096];
    snprintf(path, sizeof path, "%s/abi.wpk", dir);
    wpk_error err;

    /* Not initialised: refused, naming the struct. */
    wpk_write_opts zero;
    memset(&zero, 0, sizeof zero);
    CHECK(pack_one(path, &zero, &err) == WPK_E_INVALID && strstr(err.message, "wpk_write_opts.struct_size"));

    /* An older header: only the fields up to level, the rest at defaults. */
    wpk_write_opts old = WPK_WRITE_OPTS_INIT;
    old.struct_size = offsetof(wpk_write_opts, latest_only) + sizeof old.latest_only;
    old.level = 3;
    CHECK_MSG(pack_one(path, &old, &err) == WPK_OK, "%s", err.message);

    /* A newer header: fine while the unknown field is zero... */
    newer_write_opts nw;
    memset(&nw, 0, sizeof nw);
    nw.now.struct_size = sizeof nw;
    nw.now.level = 3;
    CHECK_MSG(pack_one(path, &nw.now, &err) == WPK_OK, "%s", err.message);
    /* ...and refused when it asks for something this library cannot do. */
    nw.later = 1;
    CHECK(pack_one(path, &nw.now, &err) == WPK_E_INVALID && strstr(err.message, "newer wikipack.h"));

    /* An entry without its size is refused too. */
    wpk_writer *w;
    CHECK(wpk_writer_create(&w, path, NULL, &err) == WPK_OK);
    wpk_entry bare;
    memset(&bare, 0, sizeof bare);
    bare.path = "b.md";
    CHECK(wpk_writer_add(w, &bare, "b", 1, &err) == WPK_E_INVALID && strstr(err.message, "wpk_entry.struct_size"));
    wpk_writer_free(w);

    /* Output structs: a newer one gets its unknown tail zeroed. */
    CHECK(pack_one(path, NULL, &err) == WPK_OK);
    wpk_reader *r;
    CHECK_MSG(wpk_reader_open(&r, path, NULL, &err) == WPK_OK, "%s", err.message);
    newer_info ni;
    memset(&ni, 0xAB, sizeof ni);
    ni.now.struct_size = sizeof ni;
    CHECK(wpk_reader_info(r, &ni.now) == WPK_OK);
    CHECK(ni.now.entry_count == 1 && ni.later[0] == 0 && ni.later[3] == 0 && ni.now.struct_size == sizeof ni);
    /* wiki_count, added after categories: beyond an older struct's size. */
    CHECK(offsetof(wpk_archive_info, wiki_count) >= offsetof(wpk_archive_info, categories) + sizeof(uint64_t));
    wpk_archive_info before_wikis;
    memset(&before_wikis, 0xCD, sizeof before_wikis);
    before_wikis.struct_size = (uint32_t)offsetof(wpk_archive_info, wiki_count);
    CHECK(wpk_reader_info(r, &before_wikis) == WPK_OK && before_wikis.entry_count == 1 &&
          before_wikis.wiki_count == 0xCDCDCDCDCDCDCDCDull);
    /* Smaller than the struct ever was: refused, and nothing written. */
    wpk_archive_info older;
    memset(&older, 0xCD, sizeof older);
    older.struct_size = (uint32_t)(offsetof(wpk_archive_info, entry_count) + sizeof(uint64_t));
    CHECK(wpk_reader_info(r, &older) == WPK_E_INVALID && older.entry_count == 0xCDCDCDCDCDCDCDCDull);
    wpk_archive_info bad;
    memset(&bad, 0, sizeof bad);
    CHECK(wpk_reader_info(r, &bad) == WPK_E_INVALID);

    /* Entries the library hands out carry its own size. */
    wpk_entry *e;
    CHECK(wpk_reader_find_by_path(r, "a.md", &e, &err) == WPK_OK && e->struct_size == sizeof(wpk_entry));
    wpk_entry_free(e);
    wpk_reader_close(r);

    test_open_opts(path);

    /* The run-time version is the header's. */
    CHECK(wpk_version_number() == WPK_VERSION_NUMBER && strcmp(wpk_version_string(), WPK_VERSION_STRING) == 0);
    return check_summary();
}
