/* writer_articles.c - versions of one article, and the title index's items: titles, former titles, aliases.
 *
 * Entries of one wiki with the same page ID, or without one the same
 * folded title, are versions of one article: each wiki numbers its own
 * pages, so an English and a German article may share a page ID. The
 * preferred one (the newest by updated time, then the smallest path) is
 * the article; the others are its revisions,
 * linked both ways in the entry pages. With latest_only the revisions are
 * dropped before anything is stored. Aliases are resolved to the current
 * version of the article they name. */
#include "writer_internal.h"

#include <stdlib.h>
#include <string.h>

static int alias_add(wpk_writer *w, const char *alias, const char *target, wpk_error *err);

int wpk_writer_add_alias(wpk_writer *w, const char *alias, const char *target, wpk_error *err)
{
    if (w->finished) return wpk_fail(err, WPK_E_INVALID, "writer already finished");
    return alias_add(w, alias, target, err);
}

static int alias_add(wpk_writer *w, const char *alias, const char *target, wpk_error *err)
{
    if (!alias || !target || !*alias || !*target) return wpk_fail(err, WPK_E_INVALID, "empty alias or target");
    if (strlen(alias) > 65535 || strlen(target) > 65535) return wpk_fail(err, WPK_E_INVALID, "alias longer than 65535 bytes");
    if (w->alias_count == w->alias_cap) {
        size_t cap = w->alias_cap ? w->alias_cap + w->alias_cap / 2 : 64;
        walias *g = wpk_realloc(w->aliases, cap * sizeof *g);
        if (!g) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
        w->aliases = g;
        w->alias_cap = cap;
    }
    /* Both strings in one arena allocation: a large dump has a redirect for
     * every third or fourth article, and a malloc each would cost more in
     * headers than the names themselves. */
    size_t alen = strlen(alias), tlen = strlen(target);
    walias a = {wpk_arena_alloc(&w->alias_text, alen + 1 + tlen + 1), NULL};
    if (!a.alias) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    a.target = a.alias + alen + 1;
    memcpy(a.alias, alias, alen + 1);
    memcpy(a.target, target, tlen + 1);
    w->aliases[w->alias_count++] = a;
    return WPK_OK;
}

int wpk_redirect_note(wpk_writer *w, uint32_t index, const char *target, wpk_error *err)
{
    size_t len = strlen(target);
    if (len > 65535) return wpk_fail(err, WPK_E_INVALID, "redirect target longer than 65535 bytes");
    if (w->redirect_count == w->redirect_cap) {
        size_t cap = w->redirect_cap ? w->redirect_cap + w->redirect_cap / 2 : 64;
        uint32_t *e = wpk_realloc(w->redirect_entry, cap * sizeof *e);
        if (!e) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
        w->redirect_entry = e;
        const char **t = wpk_realloc(w->redirect_target, cap * sizeof *t);
        if (!t) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
        w->redirect_target = t;
        w->redirect_cap = cap;
    }
    char *copy = wpk_arena_alloc(&w->alias_text, len + 1);
    if (!copy) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    memcpy(copy, target, len + 1);
    w->redirect_entry[w->redirect_count] = index;
    w->redirect_target[w->redirect_count++] = copy;
    return WPK_OK;
}

void wpk_redirect_drop_from(wpk_writer *w, uint32_t index)
{
    while (w->redirect_count && w->redirect_entry[w->redirect_count - 1] >= index) w->redirect_count--;
}

const char *wpk_redirect_target(const wpk_writer *w, const wentry *e)
{
    uint32_t index = (uint32_t)(e - w->entries);
    size_t lo = 0, hi = w->redirect_count;
    while (lo < hi) { /* added in entry order: sorted */
        size_t mid = lo + (hi - lo) / 2;
        if (w->redirect_entry[mid] < index) lo = mid + 1;
        else hi = mid;
    }
    return lo < w->redirect_count && w->redirect_entry[lo] == index ? w->redirect_target[lo] : NULL;
}

int wpk_redirect_aliases(wpk_writer *w, wpk_error *err)
{
    w->redirect_alias_from = w->alias_count;
    w->redirects = 0;
    for (size_t i = 0; i < w->redirect_count; i++) {
        const wentry *e = &w->entries[w->redirect_entry[i]];
        if (e->is_revision) continue;
        w->redirects++;
        if (!e->title_len) continue;
        int rc = alias_add(w, we_title(w, e), w->redirect_target[i], err);
        if (rc) return rc;
    }
    return WPK_OK;
}

/* Titles as the entries' wiki tells pages apart: by folded title, and on a
 * case-sensitive wiki (wpk_writer_describe_wiki) also by the title itself,
 * where "polish" and "Polish" are two pages. Both entries are of one wiki. */
static int title_cmp(const wpk_writer *w, const wentry *a, const wentry *b)
{
    int c = wpk_fold_cmp(w, a, b);
    if (c || !w->wiki_keeps_case || !w->wiki_keeps_case[w->wl.wiki[a->wl]]) return c;
    return strcmp(we_title(w, a), we_title(w, b));
}

/* Which wikis (by id in w->wikis) are case-sensitive, as described. */
static int note_case_rules(wpk_writer *w, wpk_error *err)
{
    wpk_free(w->wiki_keeps_case);
    w->wiki_keeps_case = NULL;
    if (!w->described_count) return WPK_OK;
    w->wiki_keeps_case = wpk_calloc(w->wikis.count ? w->wikis.count : 1, 1);
    if (!w->wiki_keeps_case) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    for (uint32_t id = 0; id < w->wikis.count; id++)
        for (size_t d = 0; d < w->described_count; d++)
            if (w->described[d].case_sensitive && !strcmp(w->described[d].name, wpk_intern_name(&w->wikis, id)))
                w->wiki_keeps_case[id] = 1;
    return WPK_OK;
}

/* The article an entry belongs to, within its wiki: its page ID; without
 * one, the page ID of the entries with the same title (title_cmp; the
 * smallest if several); else its title alone. */
static int by_article(const void *pa, const void *pb, void *ctx)
{
    const wpk_writer *w = ctx;
    const wentry *a = &w->entries[*(const uint32_t *)pa], *b = &w->entries[*(const uint32_t *)pb];
    uint32_t wa = w->wl.wiki[a->wl], wb = w->wl.wiki[b->wl];
    if (wa != wb) return wa < wb ? -1 : 1;
    if (a->group_has_id != b->group_has_id) return a->group_has_id ? -1 : 1;
    if (a->group_has_id) {
        if (a->group_id != b->group_id) return a->group_id < b->group_id ? -1 : 1;
    } else {
        int c = title_cmp(w, a, b);
        if (c) return c;
    }
    /* Preferred first: newest, entries with a time before those without,
     * then smallest path (rank). The newest stays current even when only
     * an older version carries the page ID: the ID index leads to it. */
    if (a->has_updated != b->has_updated) return a->has_updated ? -1 : 1;
    if (a->updated_us != b->updated_us) return a->updated_us > b->updated_us ? -1 : 1;
    return a->entry_no < b->entry_no ? -1 : a->entry_no > b->entry_no;
}

static int same_article(const wpk_writer *w, const wentry *a, const wentry *b)
{
    if (w->wl.wiki[a->wl] != w->wl.wiki[b->wl]) return 0;
    if (a->group_has_id || b->group_has_id) return a->group_has_id && b->group_has_id && a->group_id == b->group_id;
    return title_cmp(w, a, b) == 0;
}

/* Wiki, then title (title_cmp): the order rule 2 below searches in. */
static int by_wiki_fold(const wpk_writer *w, const wentry *a, const wentry *b)
{
    uint32_t wa = w->wl.wiki[a->wl], wb = w->wl.wiki[b->wl];
    if (wa != wb) return wa < wb ? -1 : 1;
    return title_cmp(w, a, b);
}

static int by_fold_then_id(const void *pa, const void *pb, void *ctx)
{
    const wpk_writer *w = ctx;
    const wentry *a = &w->entries[*(const uint32_t *)pa], *b = &w->entries[*(const uint32_t *)pb];
    int c = by_wiki_fold(w, a, b);
    if (c) return c;
    return a->page_id < b->page_id ? -1 : a->page_id > b->page_id;
}

/* Give every entry its article key within its wiki (group_has_id, group_id). */
static int assign_groups(wpk_writer *w, wpk_error *err)
{
    uint32_t *with_id = wpk_malloc((w->count ? w->count : 1) * sizeof *with_id);
    if (!with_id) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    size_t n = 0;
    for (size_t i = 0; i < w->count; i++) {
        wentry *e = &w->entries[i];
        e->group_has_id = e->has_page_id;
        e->group_id = e->page_id;
        if (e->has_page_id && e->title_len) with_id[n++] = (uint32_t)i;
    }
    qsort_r(with_id, n, sizeof *with_id, by_fold_then_id, w);
    for (size_t i = 0; i < w->count; i++) {
        wentry *e = &w->entries[i];
        if (e->has_page_id || !e->title_len) continue;
        size_t lo = 0, hi = n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (by_wiki_fold(w, &w->entries[with_id[mid]], e) < 0) lo = mid + 1; else hi = mid;
        }
        if (lo < n && by_wiki_fold(w, &w->entries[with_id[lo]], e) == 0) {
            e->group_has_id = 1;
            e->group_id = w->entries[with_id[lo]].page_id;
        }
    }
    wpk_free(with_id);
    return WPK_OK;
}

/* Sort the entries that belong to an article and link their versions. */
static int link_versions(wpk_writer *w, wpk_error *err)
{
    size_t keyed = 0;
    wpk_free(w->article_order);
    w->article_order = wpk_malloc((w->count ? w->count : 1) * sizeof *w->article_order);
    if (!w->article_order) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    for (size_t i = 0; i < w->count; i++) {
        wentry *e = &w->entries[i];
        e->is_revision = 0;
        e->rev_start = 0;
        if (e->group_has_id || e->title_len) w->article_order[keyed++] = (uint32_t)i;
    }
    qsort_r(w->article_order, keyed, sizeof *w->article_order, by_article, w);
    w->articles = w->revisions = 0;
    for (size_t k = 0; k < keyed;) {
        size_t run = 1;
        wentry *cur = &w->entries[w->article_order[k]];
        while (k + run < keyed && same_article(w, cur, &w->entries[w->article_order[k + run]])) run++;
        if (run - 1 > UINT16_MAX) {
            char label[WPK_LABEL_MAX];
            return wpk_fail(err, WPK_E_LIMIT, "%s: too many versions of one article (%zu)",
                            wpk_entry_label(w, cur, label, sizeof label), run - 1);
        }
        cur->rev_start = (uint32_t)(k + 1);
        for (size_t j = 1; j < run; j++) {
            wentry *rev = &w->entries[w->article_order[k + j]];
            rev->is_revision = 1;
            rev->current = w->article_order[k];
        }
        w->articles++;
        w->revisions += run - 1;
        k += run;
    }
    w->keyed = keyed;
    return WPK_OK;
}

uint32_t wpk_revisions(const wpk_writer *w, const wentry *cur)
{
    if (cur->is_revision) return 0;
    uint32_t self = (uint32_t)(cur - w->entries), n = 0;
    for (size_t k = cur->rev_start; k < w->keyed; k++, n++) {
        const wentry *v = &w->entries[w->article_order[k]];
        if (!v->is_revision || v->current != self) break;
    }
    return n;
}

/* latest_only: free the revisions and close the gaps in the entry array.
 * A kept version without a page ID takes its article's from the versions
 * dropped: they were the only ones to say which page it is. */
static void drop_revisions(wpk_writer *w)
{
    for (size_t i = 0; i < w->count; i++) {
        wentry *e = &w->entries[i];
        if (!e->is_revision && e->group_has_id && !e->has_page_id && wpk_revisions(w, e)) {
            e->has_page_id = 1;
            e->page_id = e->group_id;
        }
    }
    size_t kept = 0, r = 0, rkept = 0; /* redirects: renumbered along */
    w->rev_meta = 0; /* format 2.1 only if a kept entry has revision facts */
    for (size_t i = 0; i < w->count; i++) {
        wentry *e = &w->entries[i];
        int redirect = r < w->redirect_count && w->redirect_entry[r] == i;
        if (e->is_revision) { /* its strings stay in the arena until the writer is freed */
            w->dropped_revisions++;
            r += redirect;
            continue;
        }
        if (redirect) {
            w->redirect_entry[rkept] = (uint32_t)kept;
            w->redirect_target[rkept++] = w->redirect_target[r++];
        }
        w->rev_meta |= e->has_rev_meta;
        w->entries[kept++] = *e;
    }
    w->count = kept;
    w->redirect_count = rkept;
}

/* A current version without a page ID of its own keeps its article's in
 * page_id (has_page_id stays 0, so it is not written as the entry's): the
 * ID index leads to it (writer_ids.c). group_id does not outlive planning. */
static void keep_article_ids(wpk_writer *w)
{
    for (size_t i = 0; i < w->count; i++) {
        wentry *e = &w->entries[i];
        if (!e->is_revision && e->group_has_id && !e->has_page_id) e->page_id = e->group_id;
    }
}

int wpk_group_articles(wpk_writer *w, wpk_error *err)
{
    int rc = note_case_rules(w, err);
    if (!rc) rc = assign_groups(w, err);
    if (!rc) rc = link_versions(w, err);
    if (!rc && w->opts.latest_only && w->revisions) {
        drop_revisions(w);
        rc = link_versions(w, err);
    }
    if (!rc) keep_article_ids(w);
    if (!rc) rc = wpk_redirect_aliases(w, err);
    return rc;
}

const char *wpk_fold_display(const wpk_writer *w, wfold f)
{
    return wfold_is_alias(w, f) ? w->aliases[f - w->count].alias : we_title(w, &w->entries[f]);
}

/* Index order: folded key, wiki, kind, entry number, then display. */
static int by_item(const void *pa, const void *pb, void *ctx)
{
    const wpk_writer *w = ctx;
    wfold a = *(const wfold *)pa, b = *(const wfold *)pb;
    int c = wpk_fold_item_cmp(w, a, b);
    if (c) return c;
    const wentry *ea = &w->entries[wfold_entry(w, a)], *eb = &w->entries[wfold_entry(w, b)];
    uint16_t wa = we_wiki(w, ea), wb = we_wiki(w, eb);
    if (wa != wb) return wa < wb ? -1 : 1;
    uint8_t ka = wfold_kind(w, a), kb = wfold_kind(w, b);
    if (ka != kb) return ka < kb ? -1 : 1;
    if (ea->entry_no != eb->entry_no) return ea->entry_no < eb->entry_no ? -1 : 1;
    return strcmp(wpk_fold_display(w, a), wpk_fold_display(w, b));
}

/* The current version an alias target names: among the titles (kind 0
 * items, in index order) whose folded form is the target's, the one
 * titled exactly the target, else any; of several, the smallest entry
 * number. Aliases name no wiki: every wiki's titles count. -1: none. */
static int64_t resolve(const wpk_writer *w, const wfold *titles, size_t n, const char *target, const char *folded)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (wpk_fold_cmp_str(w, &w->entries[titles[mid]], folded) < 0) lo = mid + 1; else hi = mid;
    }
    int64_t any = -1, exact = -1;
    for (size_t i = lo; i < n && wpk_fold_cmp_str(w, &w->entries[titles[i]], folded) == 0; i++) {
        const wentry *e = &w->entries[titles[i]];
        if (any < 0 || e->entry_no < w->entries[any].entry_no) any = titles[i];
        if (strcmp(we_title(w, e), target) == 0 && (exact < 0 || e->entry_no < w->entries[exact].entry_no))
            exact = titles[i];
    }
    return exact >= 0 ? exact : any;
}

/* Merges the sorted runs items[0, mid) and items[mid, n) in place, with a
 * copy of the second run (the aliases and former titles, usually the
 * shorter) as scratch. */
static int merge_runs(const wpk_writer *w, wfold *items, size_t mid, size_t n)
{
    size_t tail = n - mid;
    wfold *b = wpk_malloc((tail ? tail : 1) * sizeof *b);
    if (!b) return -1;
    memcpy(b, items + mid, tail * sizeof *b);
    size_t i = mid, j = tail, k = n;
    while (j > 0) /* from the back: the slot written is never one still to be read */
        items[--k] = i > 0 && by_item(&items[i - 1], &b[j - 1], (void *)w) > 0 ? items[--i] : b[--j];
    wpk_free(b);
    return 0;
}

/* Resolves one alias: its folded form replaces the target (in place when
 * it fits, as it does unless folding lengthened it), so that it sorts by
 * its own key; its article goes to alias_entry. 1 when it leads to an
 * article, 0 when not, -1 out of memory. */
static int resolve_alias(wpk_writer *w, size_t a, const wfold *titles, size_t ntitles)
{
    walias *al = &w->aliases[a];
    char *tf = NULL, *af = NULL;
    if (wpk_title_fold(al->target, strlen(al->target), &tf) || wpk_title_fold(al->alias, strlen(al->alias), &af)) {
        wpk_free(tf);
        return -1;
    }
    int64_t target = resolve(w, titles, ntitles, al->target, tf);
    wpk_free(tf);
    size_t aflen = strlen(af);
    char *slot = aflen <= strlen(al->target) ? al->target : wpk_arena_alloc(&w->alias_text, aflen + 1);
    if (slot) {
        memcpy(slot, af, aflen + 1);
        al->target = slot;
    }
    wpk_free(af);
    if (!slot) return -1;
    if (target < 0) {
        /* A redirect page whose target is elsewhere stays, as itself. */
        if (a >= w->redirect_alias_from && w->redirect_count) w->redirects_out++;
        else w->unresolved_aliases++;
        return 0;
    }
    w->alias_entry[a] = (uint32_t)target;
    return 1;
}

/* An older version's title is a former title of its article unless its
 * current version has the same title, byte for byte. */
static int is_former_title(const wpk_writer *w, const wentry *e)
{
    if (!e->is_revision || !e->title_len) return 0;
    const wentry *cur = &w->entries[e->current];
    return cur->title_len != e->title_len || memcmp(we_title(w, cur), we_title(w, e), e->title_len) != 0;
}

int wpk_fold_items(wpk_writer *w, wfold **out, size_t *n_out, wpk_error *err)
{
    if (w->count + w->alias_count >= UINT32_MAX)
        return wpk_fail(err, WPK_E_LIMIT, "more than 2^32 entries and aliases");
    size_t n = 0;
    wfold *items = wpk_malloc((w->count + w->alias_count + 1) * sizeof *items);
    wpk_free(w->alias_entry);
    w->alias_entry = wpk_malloc((w->alias_count + 1) * sizeof *w->alias_entry);
    if (!items || !w->alias_entry) {
        wpk_free(items);
        return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    }
    /* The current titles in index order first: alias targets are looked
     * up in them; then the former titles and resolved aliases, sorted and
     * merged in. */
    for (size_t i = 0; i < w->count; i++)
        if (w->entries[i].title_len && !w->entries[i].is_revision) items[n++] = (wfold)i;
    size_t ntitles = n;
    qsort_r(items, ntitles, sizeof *items, by_item, w);
    for (size_t i = 0; i < w->count; i++)
        if (is_former_title(w, &w->entries[i])) items[n++] = (wfold)i;
    w->stored_aliases = w->unresolved_aliases = w->redirects_out = 0;
    for (size_t a = 0; a < w->alias_count; a++) {
        int leads = resolve_alias(w, a, items, ntitles);
        if (leads < 0) {
            wpk_free(items);
            return wpk_fail(err, WPK_E_NOMEM, "out of memory");
        }
        if (leads) items[n++] = (wfold)(w->count + a);
    }
    qsort_r(items + ntitles, n - ntitles, sizeof *items, by_item, w);
    if (merge_runs(w, items, ntitles, n)) {
        wpk_free(items);
        return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    }
    /* Each distinct (display, wiki, kind, entry) once: equal ones are next
     * to each other (the display is the last key). */
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        if (kept && wfold_kind(w, items[kept - 1]) == wfold_kind(w, items[i]) &&
            wfold_entry(w, items[kept - 1]) == wfold_entry(w, items[i]) &&
            !strcmp(wpk_fold_display(w, items[kept - 1]), wpk_fold_display(w, items[i])))
            continue;
        items[kept++] = items[i];
    }
    n = kept;
    for (size_t i = 0; i < n; i++) w->stored_aliases += wfold_is_alias(w, items[i]);
    *out = items;
    *n_out = n;
    return WPK_OK;
}
