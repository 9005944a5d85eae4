/* info.c - what an archive says about itself: wpk_reader_info, its languages (SUMMARY) and its wikis (WIKIS). */
#include "reader_internal.h"

#include <string.h>

int wpk_reader_languages(const wpk_reader *r, wpk_language_cb cb, void *ctx)
{
    char lang[65536];
    for (uint32_t i = 0; r->has_summary && i < r->summary.language_count; i++) {
        const wpk2_summary_language *l = &r->summary.languages[i];
        size_t n = l->code.len < sizeof lang ? l->code.len : sizeof lang - 1;
        if (n) memcpy(lang, l->code.p, n);
        lang[n] = 0;
        int rc = cb(ctx, lang, l->articles);
        if (rc) return rc;
    }
    return WPK_OK;
}

/* A NUL-terminated copy of a wiki's string (each at most 65,535 bytes). */
static const char *field(char *buf, wpk2_str s)
{
    if (s.len) memcpy(buf, s.p, s.len);
    buf[s.len] = 0;
    return buf;
}

int wpk_reader_wikis(const wpk_reader *r, wpk_wiki_cb cb, void *ctx)
{
    if (!r || !cb) return WPK_E_INVALID;
    char *buf = wpk_malloc(4 * 65536);
    if (!buf) return WPK_E_NOMEM;
    int rc = WPK_OK;
    for (uint32_t i = 0; i < r->wikis.count && !rc; i++) {
        const wpk2_wiki *w = &r->wikis.wikis[i];
        rc = cb(ctx, i + 1, field(buf, w->name), field(buf + 65536, w->language), field(buf + 2 * 65536, w->url_base),
                field(buf + 3 * 65536, w->site_name));
    }
    wpk_free(buf);
    return rc;
}

int wpk_reader_wiki_info(const wpk_reader *r, uint32_t number, wpk_wiki_info *out)
{
    if (!r || !out) return WPK_E_INVALID;
    int rc = wpk_struct_out_check(out, sizeof *out, WPK_MIN_WIKI_INFO, "wpk_wiki_info", NULL);
    if (rc) return rc;
    if (number == 0 || number > r->wikis.count) return WPK_E_NOTFOUND;
    char *const *s = r->wiki_strings + (size_t)4 * (number - 1);
    wpk_wiki_info full = {sizeof full, s[0], s[1], s[2], s[3], r->wiki_case_sensitive[number - 1]};
    wpk_struct_out(out, &full, sizeof full);
    return WPK_OK;
}

int wpk_reader_info(const wpk_reader *cr, wpk_archive_info *out)
{
    if (!cr || !out) return WPK_E_INVALID;
    int rc = wpk_struct_out_check(out, sizeof *out, WPK_MIN_ARCHIVE_INFO, "wpk_archive_info", NULL);
    if (rc) return rc;
    wpk_archive_info full, *o = &full;
    /* Counting indexed IDs and titles needs those two roots decoded; that
     * changes only what is kept, so the reader is logically unchanged. */
    wpk_reader *r = (wpk_reader *)(uintptr_t)cr;
    wpk_index_ready(r, &r->idx[WPK2_PAGE_ID], NULL);
    wpk_index_ready(r, &r->idx[WPK2_PAGE_TITLE], NULL);
    memset(o, 0, sizeof *o);
    o->struct_size = sizeof *o;
    o->version_major = r->h.major;
    o->version_minor = r->h.minor;
    o->file_size = r->h.file_size;
    o->entry_count = r->h.entry_count;
    o->block_count = r->h.block_count;
    o->content_bytes = r->h.content_bytes;
    o->unique_bytes = r->h.unique_bytes;
    o->data_bytes = r->data_size;
    /* The roots and their pages: the indexes' whole cost. */
    o->index_bytes = r->pages_size;
    for (uint32_t k = WPK2_PAGE_ENTRY; k <= WPK2_PAGE_CATEGORY; k++) o->index_bytes += r->idx[k].sec.stored_size;
    o->dict_size = r->map.of[WPK2_SEC_DICT] ? r->map.of[WPK2_SEC_DICT]->raw_size : 0;
    o->ids_indexed = r->idx[WPK2_PAGE_ID].state > 0 ? r->idx[WPK2_PAGE_ID].root.total : 0;
    o->titles_indexed = r->idx[WPK2_PAGE_TITLE].state > 0 ? r->idx[WPK2_PAGE_TITLE].root.total : 0;
    o->required_features = r->h.required_features;
    o->optional_features = r->h.optional_features;
    o->has_summary = r->has_summary;
    o->articles = r->summary.articles;
    o->revisions = r->summary.revisions;
    o->aliases = r->summary.aliases;
    o->categories = r->summary.categories;
    o->redirects = r->summary.redirects;
    o->redirects_out = r->summary.redirects_out;
    o->wiki_count = r->wikis.count;
    wpk_struct_out(out, &full, sizeof full);
    return WPK_OK;
}
