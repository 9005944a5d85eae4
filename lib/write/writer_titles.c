/* writer_titles.c - the title index's leaves: titles, former titles and aliases by folded key, through the format's title page encoder.
 *
 * Items come from wpk_fold_items in index order. A leaf never starts
 * inside a run of equal keys (the run rule: the leaf a lookup lands in
 * holds every item of its key), and is closed once its estimated raw size
 * reaches the page size. */
#include "writer_internal.h"

#include <stdio.h>
#include <string.h>

typedef struct tpage {
    wpk2_title_item *items;
    uint32_t n, cap;
    wbuf keys;                  /* the items' keys; key.p holds an offset until encoded */
    uint64_t raw, strings;
} tpage;

static int flush(wpk_writer *w, wleaves *l, tpage *pg, wpk_error *err)
{
    if (pg->n == 0) return WPK_OK;
    for (uint32_t i = 0; i < pg->n; i++) pg->items[i].key.p = wbuf_at(&pg->keys, pg->items[i].key.p);
    wpk2_page_ctx ctx = {.entry_count = w->count, .wikis = &w->table.view};
    wbuf raw = wbuf_new();
    wpk2_err e;
    int rc = wpk2_title_page_encode(&raw, &ctx, pg->items, pg->n, &e);
    if (rc) {
        char what[200];
        const wpk2_title_item *it = &pg->items[0];
        snprintf(what, sizeof what, "the titles from \"%.*s\"", (int)(it->display.len > 120 ? 120 : it->display.len),
                 (const char *)it->display.p);
        rc = wpk_fail_format(err, rc, &e, what);
    }
    if (!rc) rc = wpk_leaf_put(l, &raw, pg->n, pg->items[0].key.p, pg->items[0].key.len, 0, 0, err);
    wpk2_buf_free(&raw);
    pg->n = 0;
    pg->keys.len = 0;
    pg->raw = pg->strings = 0;
    return rc;
}

static size_t varint_size(uint64_t v)
{
    size_t n = 1;
    for (; v >= 0x80; v >>= 7) n++;
    return n;
}

int wpk_build_title_pages(wpk_writer *w, wleaves *l, wpk_error *err)
{
    wfold *items;
    size_t n;
    int rc = wpk_fold_items(w, &items, &n, err);
    if (rc) return rc;
    tpage pg;
    memset(&pg, 0, sizeof pg);
    pg.keys = wbuf_new();
    char *key = wpk_malloc(3 * 65536), *prev = wpk_malloc(3 * 65536);
    uint8_t *upper = wpk_malloc(3 * 65536 + 4);
    size_t prev_len = 0;
    if (!key || !prev || !upper) rc = wpk_fail(err, WPK_E_NOMEM, "out of memory");
    for (size_t i = 0; i < n && !rc; i++) {
        const char *display = wpk_fold_display(w, items[i]);
        size_t klen = wpk_fold_key(w, items[i], key, 3 * 65536), dlen = strlen(display);
        if (klen > 65535) { /* folding never triples a 64 KiB title, but a key is at most 65535 bytes */
            rc = wpk_fail(err, WPK_E_LIMIT, "\"%.100s\": its folded form is longer than 65535 bytes", display);
            break;
        }
        const wentry *target = &w->entries[wfold_entry(w, items[i])];
        /* What it costs: the key's new suffix, the display unless the key
         * or its MediaWiki form spells it, its kind, wiki and entry. */
        int same_key = pg.n && prev_len == klen && !memcmp(prev, key, klen);
        size_t shared = 0;
        while (shared < prev_len && shared < klen && prev[shared] == key[shared]) shared++;
        uint64_t raw = 2 + (klen - shared) + 1 + 1 + 3, strings = klen + dlen;
        if (!(dlen == klen && !memcmp(display, key, klen)) &&
            !(wpk2_upper_first((const uint8_t *)key, klen, upper) == dlen && !memcmp(upper, display, dlen)))
            raw += varint_size(dlen) + dlen;
        if (pg.n && !same_key && (pg.raw + raw > w->opts.page_size || pg.strings + strings > WPK_PAGE_STRINGS_MAX)) {
            if ((rc = flush(w, l, &pg, err)) != 0) break;
            raw += shared; /* the first key of a leaf is stored whole */
        }
        if (pg.n == pg.cap) {
            uint32_t cap = pg.cap ? pg.cap * 2 : 256;
            wpk2_title_item *g = wpk_realloc(pg.items, (size_t)cap * sizeof *g);
            if (!g) {
                rc = wpk_fail(err, WPK_E_NOMEM, "out of memory");
                break;
            }
            pg.items = g;
            pg.cap = cap;
        }
        wpk2_title_item *it = &pg.items[pg.n++];
        memset(it, 0, sizeof *it);
        it->key = (wpk2_str){(const uint8_t *)(uintptr_t)pg.keys.len, (uint32_t)klen};
        it->display = (wpk2_str){(const uint8_t *)display, (uint32_t)dlen};
        it->kind = wfold_kind(w, items[i]);
        it->wiki = we_wiki(w, target);
        it->entry = target->entry_no;
        if (wbuf_put(&pg.keys, key, klen)) rc = wpk_fail(err, WPK_E_NOMEM, "out of memory");
        pg.raw += raw;
        pg.strings += strings;
        memcpy(prev, key, klen);
        prev_len = klen;
    }
    if (!rc) rc = flush(w, l, &pg, err);
    wpk_free(pg.items);
    wpk2_buf_free(&pg.keys);
    wpk_free(key);
    wpk_free(prev);
    wpk_free(upper);
    wpk_free(items);
    return rc;
}
