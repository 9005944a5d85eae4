/* info.c - what an archive says about itself: the SUMMARY section, its languages, wpk_reader_info. */
#include "reader_internal.h"
#include "wpk_endian.h"

#include <string.h>

/* SUMMARY: counts for `info`; it lies in the prefix. */
int wpk_summary_load(wpk_reader *r, const uint8_t *prefix, const wpk_fmt_section *s, wpk_error *err)
{
    if (s->offset + s->stored_size > r->hdr.prefix_size || (s->flags & (WPK_SECF_ZSTD | WPK_SECF_REGION)))
        return wpk_fail_at(err, WPK_E_CORRUPT, s->offset, "%s: summary section outside the prefix or with bad flags",
                           r->name);
    int rc = wpk_decode_object(r, prefix + s->offset, s->offset, s->stored_size, s->raw_size, s->checksum, 0, NULL,
                               "summary", &r->summary, err);
    if (rc) return rc;
    r->summary_len = s->stored_size;
    size_t pos = 0;
    uint8_t tag;
    const uint8_t *val;
    uint16_t len;
    const char *why = NULL;
    int got;
    while ((got = wpk_fmt_ext_next(r->summary, r->summary_len, &pos, &tag, &val, &len, &why)) == 1) {
        uint64_t *dst = tag == WPK_SUM_ARTICLES ? &r->sum_articles : tag == WPK_SUM_REVISIONS ? &r->sum_revisions
                      : tag == WPK_SUM_ALIASES ? &r->sum_aliases : tag == WPK_SUM_CATEGORIES ? &r->sum_categories : NULL;
        if ((dst && len != 8) || (tag == WPK_SUM_LANGUAGE && len < 8)) {
            why = "summary field of the wrong size";
            got = -1;
            break;
        }
        if (dst) *dst = wpk_le64(val);
    }
    if (got < 0)
        return wpk_fail_at(err, WPK_E_CORRUPT, s->offset, "%s: summary at offset %llu: %s", r->name,
                           (unsigned long long)s->offset, why);
    return WPK_OK;
}

int wpk_reader_languages(const wpk_reader *r, wpk_language_cb cb, void *ctx)
{
    size_t pos = 0;
    uint8_t tag;
    const uint8_t *val;
    uint16_t len;
    const char *why;
    char lang[65536];
    while (wpk_fmt_ext_next(r->summary, r->summary_len, &pos, &tag, &val, &len, &why) == 1) {
        if (tag != WPK_SUM_LANGUAGE) continue;
        memcpy(lang, val + 8, len - 8u);
        lang[len - 8] = 0;
        int rc = cb(ctx, lang, wpk_le64(val));
        if (rc) return rc;
    }
    return WPK_OK;
}

_Static_assert(WPK_REQUIRES_PAGE_DICT == WPK_FEATURE_PAGE_DICT && WPK_REQUIRES_BRANCHES == WPK_FEATURE_BRANCHES &&
                   WPK_REQUIRES_SPLIT_RUNS == WPK_FEATURE_SPLIT_RUNS && WPK_REQUIRES_COLUMNS == WPK_FEATURE_COLUMNS,
               "the public names of the required feature bits are the format's");

int wpk_reader_info(const wpk_reader *cr, wpk_archive_info *out)
{
    if (!cr || !out) return WPK_E_INVALID;
    int rc = wpk_struct_out_check(out, sizeof *out, WPK_MIN_ARCHIVE_INFO, "wpk_archive_info", NULL);
    if (rc) return rc;
    wpk_archive_info full, *o = &full;
    /* Counting indexed IDs and titles needs those two roots decoded; that
     * changes only caches, so the reader is logically unchanged. */
    wpk_reader *r = (wpk_reader *)(uintptr_t)cr;
    wpk_index_ready(r, &r->id_idx, NULL);
    wpk_index_ready(r, &r->title_idx, NULL);
    memset(o, 0, sizeof *o);
    o->struct_size = sizeof *o;
    o->version_major = r->hdr.major;
    o->version_minor = r->hdr.minor;
    o->file_size = r->hdr.file_size;
    o->entry_count = r->hdr.entry_count;
    o->block_count = r->hdr.block_count;
    o->content_bytes = r->hdr.content_bytes;
    o->unique_bytes = r->hdr.unique_bytes;
    o->data_bytes = r->data_size;
    o->index_bytes = r->index_bytes;
    o->dict_size = r->dict_size;
    o->ids_indexed = r->id_idx.total_items;
    o->titles_indexed = r->title_idx.total_items;
    o->required_features = r->hdr.required_features;
    o->optional_features = r->hdr.optional_features;
    o->has_summary = r->summary != NULL;
    o->articles = r->sum_articles;
    o->revisions = r->sum_revisions;
    o->aliases = r->sum_aliases;
    o->categories = r->sum_categories;
    wpk_struct_out(out, &full, sizeof full);
    return WPK_OK;
}
