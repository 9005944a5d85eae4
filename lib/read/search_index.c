/* search_index.c - the search index of an open archive (format 2.3): its parameters, and the runs of a term or of a prefix's terms. */
#include "reader_internal.h"

#include <string.h>

static int load_params(wpk_reader *r, wpk_error *err)
{
    const wpk2_section *s = r->map.of[WPK2_SEC_SEARCH];
    uint8_t *raw;
    int rc = wpk_section_raw(r, s, "SEARCH section", 1u << 16, &raw, err);
    if (rc) return rc;
    wpk2_err e;
    rc = wpk2_search_params_decode(raw, (size_t)s->raw_size, &r->search_params, &e);
    wpk_free(raw);
    if (rc) return wpk_codec_fail(r, err, rc, &e, s->offset, "SEARCH section");
    if (r->search_params.analyzer != WPK2_SEARCH_ANALYZER_V1)
        return wpk_fail(err, WPK_E_FORMAT, "%s: its search index was made by rules (version %u) that this wikipack "
                        "does not know; a newer wikipack can search it", r->name, r->search_params.analyzer);
    return WPK_OK;
}

int wpk_search_ready(wpk_reader *r, const wpk2_search_params **out, wpk_error *err)
{
    *out = NULL;
    if (!r->has_search)
        return wpk_fail(err, WPK_E_NOTFOUND, "%s has no search index (packed with --no-search, or by wikipack "
                        "before 2.5); pack it again to search it", r->name);
    pthread_mutex_lock(&r->root_lock);
    if (r->search_state == 0) {
        memset(&r->search_err, 0, sizeof r->search_err);
        r->search_state = load_params(r, &r->search_err) == 0 ? 1 : -1;
    }
    int rc = r->search_state > 0 ? WPK_OK : r->search_err.code;
    if (rc && err) *err = r->search_err;
    pthread_mutex_unlock(&r->root_lock);
    if (!rc) rc = wpk_index_ready(r, &r->search, err);
    if (!rc) *out = &r->search_params;
    return rc;
}

/* -1, 0, 1: the term before, matching, after what is looked for. */
static int place(const wpk2_str t, const uint8_t *key, size_t len, int prefix)
{
    size_t n = t.len < len ? t.len : len;
    int c = n ? memcmp(t.p, key, n) : 0;
    if (c) return c < 0 ? -1 : 1;
    if (t.len < len) return -1;
    return t.len == len || prefix ? 0 : 1;
}

int wpk_search_terms(wpk_reader *r, const uint8_t *key, size_t len, int prefix, wpk_term_run_fn fn, void *ctx,
                     wpk_error *err)
{
    const wpk2_search_params *p;
    int rc = wpk_search_ready(r, &p, err);
    if (rc) return rc;
    wpk_index *idx = &r->search;
    /* The term's run may begin in the last leaf starting below it. */
    wpk_key k = {key, len, 0, 0};
    wpk_leaf_pos pos;
    const wpk2_root_item *it;
    rc = wpk_index_seek(r, idx, &k, 1, &pos, &it, err);
    if (!rc && !it) rc = wpk_index_first(r, idx, &pos, &it, err);
    int done = 0;
    while (!rc && it && !done) {
        wpk_shared *s;
        if ((rc = wpk_leaf_get(r, idx, it, &s, err))) break;
        const wpk2_term_page *pg = &wpk_page_of(s)->u.term;
        for (uint32_t i = 0; i < pg->count && !rc && !done; i++) {
            int c = place(pg->runs[i].term, key, len, prefix);
            if (c > 0) done = 1;
            else if (c == 0) rc = fn(ctx, s, &pg->runs[i]);
        }
        wpk_shared_release(s);
        if (!rc && !done) rc = wpk_index_next(r, idx, &pos, &it, err);
    }
    return rc;
}
