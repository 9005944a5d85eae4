/* entry.c - the wpk_entry a lookup hands out, made from an entry of a decoded entry page: its strings copied, its wiki and language named, its categories inherited when it says so. */
#include "reader_internal.h"

#include <string.h>

int wpk_wiki_number(const wpk_reader *r, const char *name)
{
    if (!name || !*name) return 0;
    size_t len = strlen(name);
    for (uint32_t i = 0; i < r->wikis.count; i++) {
        wpk2_str w = r->wikis.wikis[i].name;
        if (w.len == len && memcmp(w.p, name, len) == 0) return (int)i + 1;
    }
    return -1;
}

int wpk_entry_page_of(wpk_reader *r, uint64_t n, wpk_shared **page, uint32_t *i, wpk_error *err)
{
    *page = NULL;
    wpk_index *idx = &r->idx[WPK2_PAGE_ENTRY];
    int rc = wpk_index_ready(r, idx, err);
    if (rc) return rc;
    wpk_leaf_pos pos;
    const wpk2_root_item *it;
    if ((rc = wpk_index_at(r, idx, n, &pos, &it, err)) != 0) return rc;
    if (!it || n >= r->h.entry_count)
        return wpk_fail(err, WPK_E_NOTFOUND, "%s: no entry number %llu", r->name, (unsigned long long)n);
    if ((rc = wpk_leaf_get(r, idx, it, page, err)) != 0) return rc;
    *i = (uint32_t)(n - it->first_item);
    return WPK_OK;
}

/* The place of a content, as a number: equal for entries sharing it. */
static uint64_t content_id(const wpk2_block_ref *b, const wpk2_entry *x)
{
    if (!x->size) return 0;
    uint8_t buf[48];
    memcpy(buf, b->auth, 32);
    memcpy(buf + 32, &x->offset, 8);
    memcpy(buf + 40, &x->size, 8);
    return wpk2_checksum(buf, sizeof buf);
}

/* Copy a string after *s, NUL-terminated; NULL when absent. */
static const char *put(char **s, const uint8_t *p, size_t len, int present)
{
    if (!present) return NULL;
    char *d = *s;
    if (len) memcpy(d, p, len);
    d[len] = 0;
    *s += len + 1;
    return d;
}

int wpk_entry_make(wpk_reader *r, const wpk2_entry_page *pg, uint32_t i, wpk_entry_full **out, wpk_error *err)
{
    *out = NULL;
    const wpk2_entry *x = &pg->entries[i], *cats = x;
    uint64_t n = pg->first_entry + i;
    wpk_shared *cur_page = NULL;
    if (x->ext & WPK2_X_SAME_CATEGORIES) {
        if (x->current >= pg->first_entry && x->current - pg->first_entry < pg->count) {
            cats = &pg->entries[x->current - pg->first_entry]; /* in this page: no other read */
        } else {
            uint32_t ci;
            int rc = wpk_entry_page_of(r, x->current, &cur_page, &ci, err);
            if (rc) return rc;
            cats = &wpk_page_of(cur_page)->u.entry.entries[ci];
        }
        if (cats->ext & (WPK2_X_SAME_CATEGORIES | WPK2_X_CURRENT)) {
            wpk_shared_release(cur_page);
            return wpk_fail(err, WPK_E_CORRUPT, "%s: entry %llu: its current version (entry %u) is itself an older version",
                            r->name, (unsigned long long)n, x->current);
        }
    }
    const wpk2_wiki *wiki = x->wiki ? &r->wikis.wikis[x->wiki - 1] : NULL;
    wpk2_str lang = {NULL, 0};
    if (x->ext & WPK2_X_LANGUAGE) lang = x->language;
    else if (wiki) lang = wiki->language;
    /* An empty LANGUAGE field says "none" where the wiki has one: no
     * language, as an entry of a wiki without one has. */
    int has_lang = lang.len > 0;
    size_t strings = (size_t)x->path.len + x->title.len + lang.len + x->url.len + x->media_type.len + 7 +
                     (wiki ? wiki->name.len : 0) + x->redirect.len + x->contributor.len + x->comment.len + 2;
    for (uint32_t k = 0; k < cats->category_count; k++) strings += (size_t)cats->categories[k].len + 1;
    /* Layout after the struct: revision numbers, category pointers, strings. */
    size_t extra = (size_t)x->revision_count * sizeof(uint64_t) + (size_t)cats->category_count * sizeof(char *);
    wpk_entry_full *e = wpk_calloc(1, sizeof *e + extra + strings);
    if (!e) {
        wpk_shared_release(cur_page);
        return wpk_fail(err, WPK_E_NOMEM, "%s: out of memory", r->name);
    }
    e->bytes = sizeof *e + extra + strings;
    uint64_t *revs = (uint64_t *)(void *)e->strings;
    const char **cat_ptrs = (const char **)(void *)(e->strings + (size_t)x->revision_count * sizeof(uint64_t));
    char *s = e->strings + extra;
    wpk_entry *p = &e->pub;
    p->struct_size = sizeof *p;
    p->path = put(&s, x->path.p, x->path.len, 1);
    p->title = put(&s, x->title.p, x->title.len, (x->flags & WPK2_F_HAS_TITLE) != 0);
    p->language = put(&s, lang.p, lang.len, has_lang);
    p->url = put(&s, x->url.p, x->url.len, (x->flags & WPK2_F_HAS_URL) != 0);
    p->mime = put(&s, x->media_type.p, x->media_type.len, x->media_type.len > 0);
    p->wiki = wiki ? put(&s, wiki->name.p, wiki->name.len, 1) : NULL;
    p->redirect = put(&s, x->redirect.p, x->redirect.len, (x->ext & WPK2_X_REDIRECT) != 0);
    p->contributor = put(&s, x->contributor.p, x->contributor.len, (x->ext & WPK2_X_CONTRIBUTOR) != 0);
    p->comment = put(&s, x->comment.p, x->comment.len, (x->ext & WPK2_X_COMMENT) != 0);
    p->revision_id = x->revision_id;
    p->has_revision_id = (x->ext & WPK2_X_REVISION_ID) != 0;
    for (uint32_t k = 0; k < cats->category_count; k++)
        cat_ptrs[k] = put(&s, cats->categories[k].p, cats->categories[k].len, 1);
    p->categories = cats->category_count ? cat_ptrs : NULL;
    p->n_categories = cats->category_count;
    for (uint32_t k = 0; k < x->revision_count; k++) revs[k] = x->revisions[k];
    p->revisions = x->revision_count ? revs : NULL;
    p->n_revisions = x->revision_count;
    p->page_id = x->page_id;
    p->has_page_id = (x->flags & WPK2_F_HAS_ID) != 0;
    p->updated_us = x->updated_us;
    p->has_updated = (x->flags & WPK2_F_HAS_TIME) != 0;
    p->size = x->size;
    p->entry_number = n;
    p->ns = x->ns;
    p->has_ns = (x->ext & WPK2_X_NAMESPACE) != 0;
    p->is_revision = (x->ext & WPK2_X_CURRENT) != 0;
    p->current_entry = p->is_revision ? x->current : 0;
    if (x->size) {
        e->block = pg->blocks[x->block];
        e->offset_in_block = x->offset;
        p->block_offset = r->data_base + e->block.offset;
        p->block_stored_size = e->block.stored_size > UINT32_MAX ? UINT32_MAX : (uint32_t)e->block.stored_size;
        p->content_hash = content_id(&e->block, x);
    }
    wpk_shared_release(cur_page);
    *out = e;
    return WPK_OK;
}

int wpk_reader_current(wpk_reader *r, const wpk_entry *e, wpk_entry **out, wpk_error *err)
{
    *out = NULL;
    int rc = wpk_reader_entry_at(r, e->is_revision ? e->current_entry : e->entry_number, out, err);
    if (rc || !e->is_revision) return rc;
    const wpk_entry *cur = *out;
    int listed = 0;
    for (size_t i = 0; i < cur->n_revisions && !listed; i++) listed = cur->revisions[i] == e->entry_number;
    if (!cur->is_revision && listed) return WPK_OK;
    rc = wpk_fail(err, WPK_E_CORRUPT, "%s: entry %llu (\"%s\") names entry %llu as its current version, which %s",
                  r->name, (unsigned long long)e->entry_number, e->path, (unsigned long long)cur->entry_number,
                  cur->is_revision ? "is itself an older version" : "does not list it");
    wpk_entry_free(*out);
    *out = NULL;
    return rc;
}
