/* wit2_lookup.c - the witness manifest's lookups (path, (wiki, ID), title, category, prefix, revisions) and entry records, through roots and leaves as the draft's Reading section says. */
#include "wit2_reader.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static wpk2_str str_of(const char *s) { return (wpk2_str){(const uint8_t *)s, (uint32_t)strlen(s)}; }
static int str_eq(wpk2_str a, wpk2_str b) { return a.len == b.len && (a.len == 0 || !memcmp(a.p, b.p, a.len)); }
static int starts_with(wpk2_str s, const uint8_t *p, size_t n) { return s.len >= n && (n == 0 || !memcmp(s.p, p, n)); }
static int str_cmp(wpk2_str a, wpk2_str b)
{
    size_t m = a.len < b.len ? a.len : b.len;
    int c = m ? memcmp(a.p, b.p, m) : 0;
    return c ? c : (a.len > b.len) - (a.len < b.len);
}
static json_t *jstr(wpk2_str s) { return json_stringn_nocheck((const char *)s.p, s.len); }

static json_t *wiki_name(wit2 *a, uint16_t w) { return w ? jstr(a->wikis.wikis[w - 1].name) : json_null(); }

/* Wiki number of a name; -1 when no wiki has it. */
static int wiki_number(wit2 *a, const char *name)
{
    for (uint32_t i = 0; i < a->wikis.count; i++)
        if (str_eq(a->wikis.wikis[i].name, str_of(name))) return (int)i + 1;
    return -1;
}

/* Reading a found entry's content, as `get` would. */
static int touch_content(wit2 *a, uint32_t n)
{
    uint8_t *p;
    uint64_t len;
    int rc = wit2_content(a, n, &p, &len);
    free(p);
    return rc;
}

static int by_path(wit2 *a, wpk2_str path, int64_t *found)
{
    int64_t leaf;
    void *p;
    *found = -1;
    int rc = wit2_leaf_for(a, WPK2_PAGE_ENTRY, path, 0, 0, &leaf);
    if (rc || leaf < 0 || (rc = wit2_leaf(a, WPK2_PAGE_ENTRY, (uint32_t)leaf, &p))) return rc;
    const wpk2_entry_page *pg = p;
    for (uint32_t i = 0; i < pg->count; i++)
        if (str_eq(pg->entries[i].path, path)) {
            *found = (int64_t)(pg->first_entry + i);
            return touch_content(a, (uint32_t)*found);
        }
    return WIT2_OK;
}

/* The current version of the article with (wiki, page ID), by the run rule. */
static int id_in_wiki(wit2 *a, uint16_t w, uint64_t id, int64_t *found)
{
    int64_t leaf;
    void *p;
    *found = -1;
    int rc = wit2_leaf_for(a, WPK2_PAGE_ID, (wpk2_str){0}, w, id, &leaf);
    if (rc || leaf < 0 || (rc = wit2_leaf(a, WPK2_PAGE_ID, (uint32_t)leaf, &p))) return rc;
    const wpk2_id_page *pg = p;
    for (uint32_t i = 0; i < pg->count; i++) {
        const wpk2_id_item *it = &pg->items[i];
        if (it->wiki != w || it->page_id != id) continue;
        const wpk2_entry *e;
        if ((rc = wit2_entry(a, it->entry, &e, NULL))) return rc;
        /* A current version carrying that ID, or none and older versions
         * (one of which carries it: left to verification, as the spec says). */
        int carries = (e->flags & WPK2_F_HAS_ID) ? e->page_id == id : e->revision_count > 0;
        if (!carries || (e->ext & WPK2_X_CURRENT) || e->wiki != w)
            return wit2_fail(a, WIT2_CORRUPT, "ID index names entry %u, which has another page ID", it->entry);
        *found = it->entry;
        return touch_content(a, it->entry);
    }
    return WIT2_OK;
}

static json_t *by_id(wit2 *a, const json_t *lk, int *cls)
{
    uint64_t id = (uint64_t)json_integer_value(json_object_get(lk, "id"));
    const char *wname = json_string_value(json_object_get(lk, "wiki"));
    int64_t found;
    if (wname) {
        int w = wiki_number(a, wname);
        if (w > 0 && (*cls = id_in_wiki(a, (uint16_t)w, id, &found))) return NULL;
        return json_pack("{s:o}", "entry", w > 0 && found >= 0 ? json_integer(found) : json_null());
    }
    json_t *choices = json_array();
    for (uint32_t w = 0; w <= a->wikis.count; w++) {
        if ((*cls = id_in_wiki(a, (uint16_t)w, id, &found))) {
            json_decref(choices);
            return NULL;
        }
        if (found >= 0) json_array_append_new(choices, json_pack("[o,I]", wiki_name(a, (uint16_t)w), (json_int_t)found));
    }
    return json_pack("{s:o}", "choices", choices);
}

static int case_sensitive(const wit2 *a, uint16_t wiki)
{
    for (uint32_t k = 0; k < a->summary.case_sensitive_count; k++)
        if (a->summary.case_sensitive[k] == wiki) return 1;
    return 0;
}

/* Title lookups: the run of the folded query in the leaf the run rule
 * names, in tiers: titles exactly, (typed) titles as their wiki names the
 * page, aliases and former titles exactly, (typed) so named, (typed) the
 * run; distinct entries, titles before aliases before former titles. */
static json_t *by_title(wit2 *a, const json_t *lk, int *cls)
{
    const char *q = json_string_value(json_object_get(lk, "query"));
    int typed = !strcmp(json_string_value(json_object_get(lk, "mode")), "typed");
    const char *wname = json_string_value(json_object_get(lk, "wiki"));
    int wiki = wname ? wiki_number(a, wname) : 0;
    size_t flen, mlen;
    uint8_t *f = wit2_fold((const uint8_t *)q, strlen(q), &flen);
    uint8_t *mq = wit2_mwform((const uint8_t *)q, strlen(q), &mlen);
    int64_t leaf;
    void *p = NULL;
    json_t *out = NULL;
    *cls = wit2_leaf_for(a, WPK2_PAGE_TITLE, (wpk2_str){f, (uint32_t)flen}, 0, 0, &leaf);
    if (!*cls && leaf >= 0) *cls = wit2_leaf(a, WPK2_PAGE_TITLE, (uint32_t)leaf, &p);
    const wpk2_title_page *pg = p;
    static const char *const levels[] = {"exact", "mediawiki", "folded"};
    static const struct { int level, kmin, kmax; } tiers[] = {{0, 0, 0}, {1, 0, 0}, {0, 1, 2}, {1, 1, 2}, {2, 0, 2}};
    for (size_t t = 0; !*cls && !out && t < 5; t++) {
        int level = tiers[t].level;
        if (!typed && level > 0) continue;
        json_t *matches = json_array();
        for (int kind = tiers[t].kmin; kind <= tiers[t].kmax; kind++)
            for (uint32_t i = 0; pg && i < pg->count; i++) {
                const wpk2_title_item *it = &pg->items[i];
                if (it->kind != kind || !str_eq(it->key, (wpk2_str){f, (uint32_t)flen})) continue;
                if (wname && it->wiki != wiki) continue;
                int hit = level == 2;
                if (level == 0) hit = str_eq(it->display, str_of(q));
                if (level == 1) { /* by the item's wiki's case rule (2.1) */
                    int keeps = case_sensitive(a, it->wiki);
                    size_t dl, ql;
                    uint8_t *dm = keeps ? wit2_collapsed(it->display.p, it->display.len, &dl)
                                        : wit2_mwform(it->display.p, it->display.len, &dl);
                    uint8_t *qm = keeps ? wit2_collapsed((const uint8_t *)q, strlen(q), &ql) : NULL;
                    hit = keeps ? dl == ql && !memcmp(dm, qm, ql) : dl == mlen && !memcmp(dm, mq, mlen);
                    free(dm);
                    free(qm);
                }
                size_t k;
                json_t *m;
                json_array_foreach(matches, k, m) if (json_integer_value(json_array_get(m, 0)) == it->entry) hit = 0;
                if (hit) json_array_append_new(matches, json_pack("[I,i]", (json_int_t)it->entry, kind));
            }
        if (json_array_size(matches)) out = json_pack("{s:s,s:O}", "level", levels[level], "matches", matches);
        json_decref(matches);
    }
    if (!*cls && out) {
        size_t k;
        json_t *m;
        json_array_foreach(json_object_get(out, "matches"), k, m) if (!*cls) *cls = touch_content(a, (uint32_t)json_integer_value(json_array_get(m, 0)));
    }
    if (!*cls && !out) out = json_pack("{s:n,s:[]}", "level", "matches");
    free(f);
    free(mq);
    if (*cls) {
        json_decref(out);
        return NULL;
    }
    return out;
}

/* Entries of a category: from the last leaf whose key is below the name
 * (else the first), on while leaf keys are not above it. */
static json_t *by_category(wit2 *a, const json_t *lk, int *cls)
{
    wpk2_str name = str_of(json_string_value(json_object_get(lk, "name")));
    if ((*cls = wit2_index_use(a, WPK2_PAGE_CATEGORY))) return NULL;
    wit2_index *x = &a->idx[WPK2_PAGE_CATEGORY];
    uint32_t start = 0;
    for (uint32_t j = 0; j < x->nleaves; j++)
        if (str_cmp(x->leaves[j]->key, name) < 0) start = j;
    json_t *entries = json_array();
    for (uint32_t j = start; j < x->nleaves; j++) {
        if (j > start && str_cmp(x->leaves[j]->key, name) > 0) break;
        void *p;
        if ((*cls = wit2_leaf(a, WPK2_PAGE_CATEGORY, j, &p))) break;
        const wpk2_category_page *pg = p;
        for (uint32_t i = 0; i < pg->count; i++)
            if (str_eq(pg->items[i].name, name)) json_array_append_new(entries, json_integer(pg->items[i].entry));
    }
    size_t k;
    json_t *v;
    const wpk2_entry *e;
    json_array_foreach(entries, k, v) if (!*cls) *cls = wit2_entry(a, (uint32_t)json_integer_value(v), &e, NULL);
    if (*cls) {
        json_decref(entries);
        return NULL;
    }
    return json_pack("{s:o}", "entries", entries);
}

/* Title items whose key starts with the folded prefix. */
static json_t *by_prefix(wit2 *a, const json_t *lk, int *cls)
{
    const char *q = json_string_value(json_object_get(lk, "prefix"));
    size_t flen;
    uint8_t *f = wit2_fold((const uint8_t *)q, strlen(q), &flen);
    wpk2_str fs = {f, (uint32_t)flen};
    int64_t leaf;
    json_t *items = json_array();
    *cls = wit2_leaf_for(a, WPK2_PAGE_TITLE, fs, 0, 0, &leaf);
    wit2_index *x = &a->idx[WPK2_PAGE_TITLE];
    uint32_t start = leaf > 0 ? (uint32_t)leaf : 0;
    for (uint32_t j = start; !*cls && j < x->nleaves; j++) {
        if (j > start && !(starts_with(x->leaves[j]->key, f, flen) || str_cmp(x->leaves[j]->key, fs) < 0)) break;
        void *p;
        if ((*cls = wit2_leaf(a, WPK2_PAGE_TITLE, j, &p))) break;
        const wpk2_title_page *pg = p;
        for (uint32_t i = 0; i < pg->count; i++) {
            const wpk2_title_item *it = &pg->items[i];
            if (starts_with(it->key, f, flen))
                json_array_append_new(items, json_pack("[o,i,o,I]", jstr(it->display), it->kind, wiki_name(a, it->wiki),
                                                       (json_int_t)it->entry));
        }
    }
    size_t k;
    json_t *v;
    const wpk2_entry *e;
    json_array_foreach(items, k, v) if (!*cls) *cls = wit2_entry(a, (uint32_t)json_integer_value(json_array_get(v, 3)), &e, NULL);
    free(f);
    if (*cls) {
        json_decref(items);
        return NULL;
    }
    return json_pack("{s:o}", "items", items);
}

json_t *wit2_lookup(wit2 *a, const json_t *lk, int *cls)
{
    const char *op = json_string_value(json_object_get(lk, "op"));
    *cls = WIT2_OK;
    if (!op) return NULL;
    if (!strcmp(op, "path") || !strcmp(op, "revisions")) {
        int64_t n;
        if ((*cls = by_path(a, str_of(json_string_value(json_object_get(lk, "path"))), &n))) return NULL;
        if (!strcmp(op, "path")) return json_pack("{s:o}", "entry", n >= 0 ? json_integer(n) : json_null());
        const wpk2_entry *e;
        if (n < 0) return json_pack("{s:n}", "older");
        if ((*cls = wit2_entry(a, (uint32_t)n, &e, NULL))) return NULL;
        if (e->ext & WPK2_X_CURRENT) {
            /* From an older version, its article's versions: the link
             * checked both ways first (the draft's Articles and versions). */
            const wpk2_entry *cur;
            if ((*cls = wit2_entry(a, e->current, &cur, NULL))) return NULL;
            int listed = 0;
            for (uint32_t i = 0; i < cur->revision_count; i++) listed |= cur->revisions[i] == (uint32_t)n;
            if ((cur->ext & WPK2_X_CURRENT) || !listed) {
                *cls = wit2_fail(a, WIT2_CORRUPT, "entry %lld: its current version %u does not list it",
                                 (long long)n, e->current);
                return NULL;
            }
            e = cur;
        }
        json_t *older = json_array();
        for (uint32_t i = 0; i < e->revision_count; i++) json_array_append_new(older, json_integer(e->revisions[i]));
        return json_pack("{s:o}", "older", older);
    }
    if (!strcmp(op, "id")) return by_id(a, lk, cls);
    if (!strcmp(op, "title")) return by_title(a, lk, cls);
    if (!strcmp(op, "category")) return by_category(a, lk, cls);
    if (!strcmp(op, "prefix")) return by_prefix(a, lk, cls);
    return NULL;
}

static json_t *opt_str(int has, wpk2_str s) { return has ? jstr(s) : json_null(); }

json_t *wit2_entry_record(wit2 *a, uint32_t n, int *cls)
{
    const wpk2_entry *e, *cur = NULL;
    uint8_t *content;
    uint64_t size;
    if ((*cls = wit2_entry(a, n, &e, NULL))) return NULL;
    const wpk2_entry *cats = e;
    if (e->ext & WPK2_X_SAME_CATEGORIES) {
        if ((*cls = wit2_entry(a, e->current, &cur, NULL))) return NULL;
        cats = cur;
    }
    if ((*cls = wit2_content(a, n, &content, &size))) return NULL;
    uint8_t sum[32];
    char hex[65];
    crypto_hash_sha256(sum, content ? content : (const uint8_t *)"", size);
    sodium_bin2hex(hex, sizeof hex, sum, sizeof sum);
    free(content);
    json_t *categories = json_array(), *revisions = json_array();
    for (uint32_t i = 0; i < cats->category_count; i++) json_array_append_new(categories, jstr(cats->categories[i]));
    for (uint32_t i = 0; i < e->revision_count; i++) json_array_append_new(revisions, json_integer(e->revisions[i]));
    json_t *lang = json_null();
    if (e->ext & WPK2_X_LANGUAGE) lang = jstr(e->language);
    else if (e->wiki && a->wikis.wikis[e->wiki - 1].language.len) lang = jstr(a->wikis.wikis[e->wiki - 1].language);
    json_t *r = json_object();
    json_object_set_new(r, "n", json_integer(n));
    json_object_set_new(r, "path", jstr(e->path));
    json_object_set_new(r, "wiki", wiki_name(a, e->wiki));
    json_object_set_new(r, "page_id", e->flags & WPK2_F_HAS_ID ? json_integer((json_int_t)e->page_id) : json_null());
    json_object_set_new(r, "time_us", e->flags & WPK2_F_HAS_TIME ? json_integer(e->updated_us) : json_null());
    json_object_set_new(r, "title", opt_str(e->flags & WPK2_F_HAS_TITLE, e->title));
    json_object_set_new(r, "url", opt_str(e->flags & WPK2_F_HAS_URL, e->url));
    json_object_set_new(r, "media_type", opt_str(e->media_type.len > 0, e->media_type));
    json_object_set_new(r, "language", lang);
    json_object_set_new(r, "categories", categories);
    json_object_set_new(r, "namespace", e->ext & WPK2_X_NAMESPACE ? json_integer(e->ns) : json_null());
    json_object_set_new(r, "redirect", opt_str(e->ext & WPK2_X_REDIRECT, e->redirect));
    json_object_set_new(r, "revision_id", e->ext & WPK2_X_REVISION_ID ? json_integer((json_int_t)e->revision_id) : json_null());
    json_object_set_new(r, "contributor", opt_str(e->ext & WPK2_X_CONTRIBUTOR, e->contributor));
    json_object_set_new(r, "comment", opt_str(e->ext & WPK2_X_COMMENT, e->comment));
    json_object_set_new(r, "current", e->ext & WPK2_X_CURRENT ? json_integer(e->current) : json_null());
    json_object_set_new(r, "revisions", revisions);
    json_object_set_new(r, "size", json_integer((json_int_t)e->size));
    json_object_set_new(r, "sha256", json_string(hex));
    json_object_set_new(r, "title_spelled", json_boolean(e->flags & WPK2_F_TITLE_SPELLED));
    json_object_set_new(r, "url_spelled", json_boolean(e->flags & WPK2_F_URL_SPELLED));
    return r;
}
