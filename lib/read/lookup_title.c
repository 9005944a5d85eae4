/* lookup_title.c - titles as people type them (exact, as the item's wiki names it, folded), by prefix, and the members of a category: the title and category indexes.
 *
 * The title index holds, under each folded key, the titles (kind 0),
 * aliases and redirects (1) and former titles (2) that fold to it, each
 * with its wiki and the entry it names; the leaf whose first key is the
 * greatest not above a key holds every item with that key (the run rule). */
#include "reader_internal.h"

#include <string.h>

static int str_is(wpk2_str s, const char *c, size_t n) { return s.len == n && (n == 0 || !memcmp(s.p, c, n)); }

static int starts_with(wpk2_str s, const char *p, size_t n) { return s.len >= n && (n == 0 || !memcmp(s.p, p, n)); }

/* A NUL-terminated copy of s in *buf (grown as needed); NULL when out of memory. */
static const char *cstr(char **buf, size_t *cap, wpk2_str s)
{
    if (s.len + 1 > *cap) {
        char *g = wpk_realloc(*buf, (size_t)s.len + 1);
        if (!g) return NULL;
        *buf = g;
        *cap = (size_t)s.len + 1;
    }
    if (s.len) memcpy(*buf, s.p, s.len);
    (*buf)[s.len] = 0;
    return *buf;
}

/* ---- one folded key ------------------------------------------------------ */

/* The items of the run of `key` (title page items [*from, *to) of *page;
 * *page NULL when no leaf can hold it). */
static int title_run(wpk_reader *r, const char *key, size_t len, wpk_shared **page, uint32_t *from, uint32_t *to,
                     wpk_error *err)
{
    *page = NULL;
    *from = *to = 0;
    wpk_index *idx = &r->idx[WPK2_PAGE_TITLE];
    int rc = wpk_index_ready(r, idx, err);
    if (rc) return rc;
    wpk_key k = {(const uint8_t *)key, len, 0, 0};
    wpk_leaf_pos pos;
    const wpk2_root_item *it;
    if ((rc = wpk_index_seek(r, idx, &k, 0, &pos, &it, err)) != 0 || !it) return rc;
    if ((rc = wpk_leaf_get(r, idx, it, page, err)) != 0) return rc;
    const wpk2_title_page *pg = &wpk_page_of(*page)->u.title;
    uint32_t lo = 0, hi = pg->count;
    while (lo < hi) { /* items never decrease by key */
        uint32_t mid = lo + (hi - lo) / 2;
        if (wpk_bytes_cmp(pg->items[mid].key.p, pg->items[mid].key.len, k.p, k.len) < 0) lo = mid + 1;
        else hi = mid;
    }
    *from = *to = lo;
    while (*to < pg->count && str_is(pg->items[*to].key, key, len)) (*to)++;
    return WPK_OK;
}

typedef struct matcher {
    const char *query;
    size_t query_len;
    /* The query as its wiki would name it: its MediaWiki form on a
     * first-letter wiki, only collapsed on a case-sensitive one. */
    char *query_mw, *query_collapsed;
    const uint8_t *case_sensitive; /* by wiki number - 1 */
    int wiki;                 /* only this wiki's items; -1: every wiki */
} matcher;

/* Does item x match at this level? -1 when out of memory. The middle
 * level follows the item's wiki's case rule (items of no wiki: first-letter). */
static int matches(const matcher *m, const wpk2_title_item *x, int level)
{
    if (m->wiki >= 0 && x->wiki != m->wiki) return 0;
    if (level == WPK_MATCH_EXACT) return str_is(x->display, m->query, m->query_len);
    if (level == WPK_MATCH_FOLDED) return 1; /* the run is the folded key's */
    int keeps_case = x->wiki && m->case_sensitive[x->wiki - 1];
    char *named;
    int rc = keeps_case ? wpk_title_collapse((const char *)x->display.p, x->display.len, &named)
                        : wpk_title_mediawiki((const char *)x->display.p, x->display.len, &named);
    if (rc) return -1;
    int same = strcmp(named, keeps_case ? m->query_collapsed : m->query_mw) == 0;
    wpk_free(named);
    return same;
}

/* Report the distinct entries of the items of kinds [kmin, kmax] matching
 * at `level`, titles before aliases before former titles, then in index
 * order; *found counts them (cb NULL: only count). */
static int report(const wpk2_title_page *pg, uint32_t from, uint32_t to, const matcher *m, int level, int kmin, int kmax,
                  wpk_title_cb cb, void *ctx, size_t *found)
{
    uint32_t *seen = wpk_malloc(((size_t)(to - from) + 1) * sizeof *seen);
    char *buf = NULL;
    size_t cap = 0;
    int rc = seen ? WPK_OK : WPK_E_NOMEM, stop = 0;
    *found = 0;
    for (int kind = kmin; kind <= kmax && !rc && !stop; kind++)
        for (uint32_t i = from; i < to && !rc && !stop; i++) {
            const wpk2_title_item *x = &pg->items[i];
            if (x->kind != kind) continue;
            int hit = matches(m, x, level);
            if (hit < 0) rc = WPK_E_NOMEM;
            if (hit <= 0) continue;
            size_t k = 0;
            while (k < *found && seen[k] != x->entry) k++;
            if (k < *found) continue;
            seen[(*found)++] = x->entry;
            if (!cb) continue;
            const char *display = cstr(&buf, &cap, x->display);
            if (!display) rc = WPK_E_NOMEM;
            else stop = cb(ctx, display, kind, x->entry);
        }
    wpk_free(buf);
    wpk_free(seen);
    return rc;
}

/* The order a title query is answered in: an article's own title, exactly
 * then as its wiki names it, before another article's alias (a URL's
 * title, a redirect) or former title, exactly then so named, before the
 * folded run. A tier with a match is the answer. */
static const struct { int level, kmin, kmax; } tiers[] = {
    {WPK_MATCH_EXACT, WPK2_TKIND_TITLE, WPK2_TKIND_TITLE},
    {WPK_MATCH_MEDIAWIKI, WPK2_TKIND_TITLE, WPK2_TKIND_TITLE},
    {WPK_MATCH_EXACT, WPK2_TKIND_ALIAS, WPK2_TKIND_FORMER},
    {WPK_MATCH_MEDIAWIKI, WPK2_TKIND_ALIAS, WPK2_TKIND_FORMER},
    {WPK_MATCH_FOLDED, WPK2_TKIND_TITLE, WPK2_TKIND_FORMER},
};

/* As typed, up to max_level: the first tier with a match is reported. */
static int match(wpk_reader *r, int wiki, const char *query, int max_level, wpk_title_cb cb, void *ctx,
                 wpk_match_level *level, size_t *found, wpk_error *err)
{
    *level = WPK_MATCH_EXACT;
    *found = 0;
    char *key;
    if (wpk_title_fold(query, strlen(query), &key)) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    matcher m = {query, strlen(query), NULL, NULL, r->wiki_case_sensitive, wiki};
    wpk_shared *page = NULL;
    uint32_t from, to;
    int rc = title_run(r, key, strlen(key), &page, &from, &to, err);
    wpk_free(key);
    if (!rc && max_level >= WPK_MATCH_MEDIAWIKI &&
        (wpk_title_mediawiki(query, m.query_len, &m.query_mw) || wpk_title_collapse(query, m.query_len, &m.query_collapsed)))
        rc = wpk_fail(err, WPK_E_NOMEM, "out of memory");
    for (size_t t = 0; !rc && page && t < sizeof tiers / sizeof tiers[0]; t++) {
        int lv = tiers[t].level, kmin = tiers[t].kmin, kmax = tiers[t].kmax;
        if (lv > max_level) continue;
        const wpk2_title_page *pg = &wpk_page_of(page)->u.title;
        if ((rc = report(pg, from, to, &m, lv, kmin, kmax, NULL, NULL, found)) != 0 || !*found) continue;
        *level = (wpk_match_level)lv;
        rc = report(pg, from, to, &m, lv, kmin, kmax, cb, ctx, found);
        break;
    }
    if (rc == WPK_E_NOMEM) wpk_fail(err, rc, "out of memory");
    wpk_free(m.query_mw);
    wpk_free(m.query_collapsed);
    wpk_shared_release(page);
    return rc;
}

int wpk_reader_match_title_wiki(wpk_reader *r, const char *wiki, const char *query, wpk_title_cb cb, void *ctx,
                                wpk_match_level *level, wpk_error *err)
{
    int w = wiki ? wpk_wiki_number(r, wiki) : -1;
    *level = WPK_MATCH_EXACT;
    if (wiki && w < 0) return wpk_fail(err, WPK_E_NOTFOUND, "%s: no wiki named \"%s\"", r->name, wiki);
    size_t found;
    int rc = match(r, w, query, WPK_MATCH_FOLDED, cb, ctx, level, &found, err);
    if (!rc && !found) rc = wpk_fail(err, WPK_E_NOTFOUND, "%s: no article titled \"%s\"", r->name, query);
    return rc;
}

int wpk_reader_match_title(wpk_reader *r, const char *query, wpk_title_cb cb, void *ctx, wpk_match_level *level,
                           wpk_error *err)
{
    return wpk_reader_match_title_wiki(r, NULL, query, cb, ctx, level, err);
}

static int take_first(void *ctx, const char *title, int kind, uint64_t entry)
{
    (void)title, (void)kind;
    *(uint64_t *)ctx = entry;
    return 1;
}

int wpk_reader_find_by_title(wpk_reader *r, const char *title, wpk_entry **out, wpk_error *err)
{
    *out = NULL;
    uint64_t entry = 0;
    wpk_match_level level;
    size_t found;
    int rc = match(r, -1, title, WPK_MATCH_EXACT, take_first, &entry, &level, &found, err);
    if (!rc && !found) rc = wpk_fail(err, WPK_E_NOTFOUND, "%s: no entry titled \"%s\"", r->name, title);
    if (rc) return rc;
    return wpk_reader_entry_at(r, entry, out, err);
}

/* The first article matched other than the redirect page itself. */
typedef struct follow_ctx {
    uint64_t self, entry;
    int found;
} follow_ctx;

static int take_other(void *ctx, const char *title, int is_alias, uint64_t entry)
{
    (void)title, (void)is_alias;
    follow_ctx *f = ctx;
    if (entry == f->self) return 0;
    f->entry = entry;
    f->found = 1;
    return 1;
}

int wpk_reader_follow(wpk_reader *r, const wpk_entry *e, wpk_entry **out, wpk_error *err)
{
    *out = NULL;
    if (!e->redirect) return wpk_fail(err, WPK_E_NOTFOUND, "%s: \"%s\" is not a redirect page", r->name, e->path);
    follow_ctx f = {e->entry_number, 0, 0};
    wpk_match_level level;
    int rc = wpk_reader_match_title_wiki(r, e->wiki ? e->wiki : "", e->redirect, take_other, &f, &level, err);
    if (rc == 1) rc = WPK_OK; /* take_other stopped at the first */
    if (rc == WPK_E_NOTFOUND || (!rc && !f.found))
        return wpk_fail(err, WPK_E_NOTFOUND, "%s: \"%s\" redirects to \"%s\", which is not in the archive", r->name,
                        e->title ? e->title : e->path, e->redirect);
    if (rc) return rc;
    return wpk_reader_entry_at(r, f.entry, out, err);
}

int wpk_reader_leads_to(wpk_reader *r, uint64_t from, uint64_t to, int *yes, wpk_error *err)
{
    *yes = 0;
    wpk_entry *page = NULL, *target = NULL;
    int rc = wpk_reader_entry_at(r, from, &page, err);
    if (!rc && page->redirect) {
        rc = wpk_reader_follow(r, page, &target, err);
        if (rc == WPK_E_NOTFOUND) rc = WPK_OK;
        else if (!rc) *yes = target->entry_number == to;
    }
    wpk_entry_free(page);
    wpk_entry_free(target);
    return rc;
}

/* ---- prefix search ------------------------------------------------------- */

int wpk_reader_find_prefix(wpk_reader *r, const char *prefix, size_t limit, wpk_title_cb cb, void *ctx,
                           wpk_error *err)
{
    wpk_index *idx = &r->idx[WPK2_PAGE_TITLE];
    int rc = wpk_index_ready(r, idx, err);
    if (rc) return rc;
    char *key;
    if (wpk_title_fold(prefix, strlen(prefix), &key)) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    wpk_key k = {(const uint8_t *)key, strlen(key), 0, 0};
    wpk_leaf_pos pos;
    const wpk2_root_item *it;
    rc = wpk_index_seek(r, idx, &k, 0, &pos, &it, err);
    if (!rc && !it) rc = wpk_index_first(r, idx, &pos, &it, err); /* the prefix sorts first */
    char *buf = NULL;
    size_t cap = 0, sent = 0;
    int done = 0;
    for (int first = 1; !rc && it && !done; first = 0, rc = wpk_index_next(r, idx, &pos, &it, err)) {
        /* Leaves after the first hold matches only while their first key
         * starts with the prefix (or sorts below it). */
        if (!first && !starts_with(it->key, key, k.len) && wpk_bytes_cmp(it->key.p, it->key.len, k.p, k.len) > 0) break;
        wpk_shared *page;
        if ((rc = wpk_leaf_get(r, idx, it, &page, err)) != 0) break;
        const wpk2_title_page *pg = &wpk_page_of(page)->u.title;
        for (uint32_t i = 0; i < pg->count && !done; i++) {
            const wpk2_title_item *x = &pg->items[i];
            if (!starts_with(x->key, key, k.len)) {
                done = wpk_bytes_cmp(x->key.p, x->key.len, k.p, k.len) > 0; /* past every match */
                continue;
            }
            const char *display = cstr(&buf, &cap, x->display);
            if (!display) {
                rc = wpk_fail(err, WPK_E_NOMEM, "%s: out of memory", r->name);
                break;
            }
            done = cb(ctx, display, x->kind, x->entry) || (limit && ++sent >= limit);
        }
        wpk_shared_release(page);
    }
    wpk_free(buf);
    wpk_free(key);
    return rc;
}

/* ---- categories ---------------------------------------------------------- */

int wpk_reader_category(wpk_reader *r, const char *category, wpk_title_cb cb, void *ctx, wpk_error *err)
{
    wpk_index *idx = &r->idx[WPK2_PAGE_CATEGORY];
    int rc = wpk_index_ready(r, idx, err);
    if (rc) return rc;
    wpk_key k = {(const uint8_t *)category, strlen(category), 0, 0};
    wpk_leaf_pos pos;
    const wpk2_root_item *it;
    /* A run of one name may be split across leaves (and their root keys
     * repeat): it starts in the last leaf whose key is below the name. */
    rc = wpk_index_seek(r, idx, &k, 1, &pos, &it, err);
    if (!rc && !it) rc = wpk_index_first(r, idx, &pos, &it, err);
    int done = 0;
    for (int first = 1; !rc && it && !done; first = 0, rc = wpk_index_next(r, idx, &pos, &it, err)) {
        if (!first && wpk_bytes_cmp(it->key.p, it->key.len, k.p, k.len) > 0) break;
        wpk_shared *page;
        if ((rc = wpk_leaf_get(r, idx, it, &page, err)) != 0) break;
        const wpk2_category_page *pg = &wpk_page_of(page)->u.category;
        for (uint32_t i = 0; i < pg->count && !done; i++) {
            int c = wpk_bytes_cmp(pg->items[i].name.p, pg->items[i].name.len, k.p, k.len);
            if (c > 0) done = 1;
            else if (c == 0) done = cb(ctx, category, 0, pg->items[i].entry);
        }
        wpk_shared_release(page);
    }
    return rc;
}
