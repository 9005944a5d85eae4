/* entry_cache.c - entries by number kept as made, so that reading an entry again (a search's results, a listing's page) decodes no entry page.
 *
 * On a large archive the entries a reader asks for by number are spread
 * over more entry pages than the page cache holds, and decoding a page
 * whole (every path and title spelled) to take one entry out of it costs
 * tens of microseconds. An entry is a few hundred bytes: thousands of them
 * cost less than one decoded page. An entry points into its own
 * allocation, so a copy is the bytes and its pointers moved. */
#include "reader_internal.h"

#include <string.h>

#define ENTRY_TAG 0x656e747279ull /* "entry": the only kind this cache holds */

static const char *moved(const char *p, const wpk_entry_full *from, wpk_entry_full *to)
{
    return p ? (const char *)to + (p - (const char *)from) : NULL;
}

/* A copy of from at to (from->bytes long), its pointers into to. */
static void copy_entry(wpk_entry_full *to, const wpk_entry_full *from)
{
    memcpy(to, from, from->bytes);
    wpk_entry *p = &to->pub;
    p->path = moved(p->path, from, to);
    p->title = moved(p->title, from, to);
    p->language = moved(p->language, from, to);
    p->url = moved(p->url, from, to);
    p->mime = moved(p->mime, from, to);
    p->wiki = moved(p->wiki, from, to);
    p->redirect = moved(p->redirect, from, to);
    p->contributor = moved(p->contributor, from, to);
    p->comment = moved(p->comment, from, to);
    if (p->revisions) p->revisions = (const uint64_t *)(const void *)moved((const char *)p->revisions, from, to);
    if (p->categories) {
        const char **cats = (const char **)(void *)moved((const char *)p->categories, from, to);
        for (size_t k = 0; k < p->n_categories; k++) cats[k] = moved(cats[k], from, to);
        p->categories = cats;
    }
}

wpk_entry_full *wpk_entry_cached(wpk_reader *r, uint64_t n)
{
    if (!r->entries) return NULL;
    wpk_shared *s = wpk_lru_get(r->entries, n, ENTRY_TAG);
    if (!s) return NULL;
    const wpk_entry_full *held = (const wpk_entry_full *)(const void *)s->data;
    wpk_entry_full *e = wpk_malloc(held->bytes);
    if (e) copy_entry(e, held);
    wpk_shared_release(s);
    return e;
}

void wpk_entry_cache_offer(wpk_reader *r, const wpk_entry_full *e)
{
    if (!r->entries) return;
    wpk_shared *s = wpk_shared_new(e->bytes);
    if (!s) return; /* out of memory: not kept, nothing lost */
    copy_entry((wpk_entry_full *)(void *)s->data, e);
    wpk_lru_put(r->entries, e->pub.entry_number, ENTRY_TAG, s);
    wpk_shared_release(s);
}
