/* leaf_columns_encode.c - leaves encoded into their column form (1.5): record pages and the other leaves.
 *
 * The writer builds every leaf row by row, as readers see it, and stores it
 * column by column (columns.c and leaf_columns.c have the layouts and the
 * decoders). In a record page, strings that recur (languages, media types,
 * category names) and block references are stored once and referred to,
 * paths are front-coded, and titles spelled from the path and Wikipedia URLs
 * spelled from the title are left out; in the other leaves, keys are
 * front-coded and entry numbers stored as steps. Memory comes from the
 * caller's allocator (wpk_fmt_alloc). */
#include "wpk_format.h"
#include "wpk_endian.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int wpk_fmt_buf_put(const wpk_fmt_alloc *a, wpk_fmt_buf *b, const void *p, size_t n)
{
    if (n == 0) return 0;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n) cap *= 2;
        uint8_t *g = a->realloc_fn(b->p, cap);
        if (!g) return -1;
        b->p = g;
        b->cap = cap;
    }
    memcpy(b->p + b->len, p, n);
    b->len += n;
    return 0;
}

/* Recurring byte strings of one page, each stored once in a stream; looked
 * up by content, open addressing over a power-of-two table. */
typedef struct once_table {
    struct slot { const uint8_t *key; size_t len; uint64_t ref; } *slots;
    size_t cap, count;
} once_table;

static uint64_t bytes_hash(const uint8_t *p, size_t n)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 1099511628211ull;
    return h;
}

static int once_grow(const wpk_fmt_alloc *a, once_table *t)
{
    size_t cap = t->cap ? t->cap * 2 : 256;
    if (cap > SIZE_MAX / sizeof(struct slot)) return -1;
    struct slot *slots = a->malloc_fn(cap * sizeof *slots);
    if (!slots) return -1;
    memset(slots, 0, cap * sizeof *slots);
    for (size_t i = 0; i < t->cap; i++) {
        if (!t->slots[i].key) continue;
        size_t j = bytes_hash(t->slots[i].key, t->slots[i].len) & (cap - 1);
        while (slots[j].key) j = (j + 1) & (cap - 1);
        slots[j] = t->slots[i];
    }
    a->free_fn(t->slots);
    t->slots = slots;
    t->cap = cap;
    return 0;
}

/* The slot of `key`: found (ref set), or free to fill in (key NULL). */
static struct slot *once_find(const wpk_fmt_alloc *a, once_table *t, const uint8_t *key, size_t len)
{
    if (2 * (t->count + 1) > t->cap && once_grow(a, t)) return NULL;
    size_t j = bytes_hash(key, len) & (t->cap - 1);
    for (; t->slots[j].key; j = (j + 1) & (t->cap - 1))
        if (t->slots[j].len == len && !memcmp(t->slots[j].key, key, len)) break;
    return &t->slots[j];
}

static int put_varint(const wpk_fmt_alloc *a, wpk_fmt_buf *b, uint64_t v)
{
    uint8_t tmp[10];
    size_t n = 0;
    do {
        tmp[n++] = (uint8_t)((v & 0x7F) | (v > 0x7F ? 0x80 : 0));
        v >>= 7;
    } while (v);
    return wpk_fmt_buf_put(a, b, tmp, n);
}

static int put_string(const wpk_fmt_alloc *a, wpk_fmt_buf *b, const uint8_t *s, size_t len)
{
    return put_varint(a, b, len) || wpk_fmt_buf_put(a, b, s, len);
}

typedef struct col_state {
    const wpk_fmt_alloc *a;
    wpk_fmt_buf s[WPK_COL_STREAMS];
    once_table strings, blocks; /* keys point into the row page */
} col_state;

/* Pass 1: note a language, media type or category name. */
static int note_string(col_state *c, const uint8_t *str, size_t len)
{
    struct slot *sl = once_find(c->a, &c->strings, str, len);
    if (!sl) return -1;
    if (!sl->key) {
        *sl = (struct slot){str, len, 0};
        c->strings.count++;
    }
    return 0;
}

static int note_strings(col_state *c, const wpk_fmt_record *r)
{
    size_t pos = 0;
    uint8_t tag;
    const uint8_t *val;
    uint16_t len;
    const char *why;
    int bad = (r->lang_len && note_string(c, r->lang, r->lang_len)) || (r->mime_len && note_string(c, r->mime, r->mime_len));
    while (!bad && wpk_fmt_ext_next(r->ext, r->ext_len, &pos, &tag, &val, &len, &why) == 1)
        if (tag == WPK_EXT_CATEGORY) bad = note_string(c, val, len);
    return bad;
}

static int by_bytes(const void *a, const void *b)
{
    const struct slot *x = *(struct slot *const *)a, *y = *(struct slot *const *)b;
    int c = memcmp(x->key, y->key, x->len < y->len ? x->len : y->len);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* Between the passes: STRINGS written in byte order, each slot given its
 * string number. Sorted, the categories of a record (usually listed in
 * order) get small steps between their numbers. */
static int number_strings(col_state *c)
{
    struct slot **sorted = c->a->malloc_fn((c->strings.count ? c->strings.count : 1) * sizeof *sorted);
    if (!sorted) return -1;
    size_t k = 0;
    for (size_t i = 0; i < c->strings.cap; i++)
        if (c->strings.slots[i].key) sorted[k++] = &c->strings.slots[i];
    qsort(sorted, k, sizeof *sorted, by_bytes);
    int bad = 0;
    for (size_t i = 0; i < k; i++) {
        sorted[i]->ref = i;
        bad |= put_string(c->a, &c->s[WPK_COL_STRINGS], sorted[i]->key, sorted[i]->len);
    }
    c->a->free_fn(sorted);
    return bad;
}

static uint64_t string_number(col_state *c, const uint8_t *str, size_t len)
{
    return once_find(c->a, &c->strings, str, len)->ref; /* noted in pass 1: no growth, found */
}

static uint64_t zigzag(int64_t v) { return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63); }

static int put_ext(col_state *c, const wpk_fmt_record *r)
{
    wpk_fmt_buf *ext = &c->s[WPK_COL_EXT];
    size_t pos = 0, fields = 0;
    uint8_t tag;
    const uint8_t *val;
    uint16_t len;
    const char *why;
    while (wpk_fmt_ext_next(r->ext, r->ext_len, &pos, &tag, &val, &len, &why) == 1) fields++;
    if (put_varint(c->a, ext, fields)) return -1;
    int64_t prev = -1;
    for (pos = 0; wpk_fmt_ext_next(r->ext, r->ext_len, &pos, &tag, &val, &len, &why) == 1;) {
        int bad = wpk_fmt_buf_put(c->a, ext, &tag, 1);
        if (tag == WPK_EXT_CATEGORY) {
            int64_t k = (int64_t)string_number(c, val, len);
            bad |= put_varint(c->a, ext, zigzag(k - prev - 1));
            prev = k;
        } else {
            bad |= put_string(c->a, ext, val, len);
        }
        if (bad) return -1;
    }
    return 0;
}

static int put_meta(col_state *c, const uint8_t *str, size_t len)
{
    return put_varint(c->a, &c->s[WPK_COL_META], len ? 1 + string_number(c, str, len) : 0);
}

/* Block number of the 24 bytes of a record's block reference. */
static int put_block(col_state *c, const uint8_t *ref24)
{
    struct slot *sl = once_find(c->a, &c->blocks, ref24, WPK_COL_BLOCK_SIZE);
    if (!sl) return -1;
    if (!sl->key) {
        *sl = (struct slot){ref24, WPK_COL_BLOCK_SIZE, c->blocks.count++};
        if (wpk_fmt_buf_put(c->a, &c->s[WPK_COL_BLOCKS], ref24, WPK_COL_BLOCK_SIZE)) return -1;
    }
    return put_varint(c->a, &c->s[WPK_COL_SIZES], sl->ref);
}

static int put_record(col_state *c, const uint8_t *item, const wpk_fmt_record *r, const wpk_fmt_record *prev)
{
    int url_derived = wpk_fmt_url_derivable(r->url, r->url_len, r->lang, r->lang_len, r->title, r->title_len);
    int title_derived = wpk_fmt_title_derivable(r->title, r->title_len, r->path, r->path_len);
    if (r->flags & ~WPK_REC_FLAGS_KNOWN) return -2; /* no column for them */
    uint8_t flags = (uint8_t)(r->flags | (url_derived ? WPK_COL_URL_DERIVED : 0) |
                              (title_derived ? WPK_COL_TITLE_DERIVED : 0));
    int bad = wpk_fmt_buf_put(c->a, &c->s[WPK_COL_FLAGS], &flags, 1);
    if (r->flags & WPK_REC_HAS_PAGE_ID) bad |= put_varint(c->a, &c->s[WPK_COL_IDS], r->page_id);
    if (r->flags & WPK_REC_HAS_UPDATED) bad |= put_varint(c->a, &c->s[WPK_COL_TIMES], zigzag(r->updated_us));
    bad |= put_varint(c->a, &c->s[WPK_COL_SIZES], r->content_size);
    bad |= put_block(c, item + 40) || put_varint(c->a, &c->s[WPK_COL_SIZES], r->offset_in_block);
    uint8_t hash[8];
    wpk_put64(hash, r->content_hash);
    bad |= wpk_fmt_buf_put(c->a, &c->s[WPK_COL_HASHES], hash, 8);
    size_t shared = 0;
    while (prev && shared < prev->path_len && shared < r->path_len && prev->path[shared] == r->path[shared]) shared++;
    bad |= put_varint(c->a, &c->s[WPK_COL_PATHS], shared) ||
           put_string(c->a, &c->s[WPK_COL_PATHS], r->path + shared, r->path_len - shared);
    if (!title_derived) bad |= put_string(c->a, &c->s[WPK_COL_TITLES], r->title, r->title_len);
    bad |= put_meta(c, r->lang, r->lang_len) || put_meta(c, r->mime, r->mime_len);
    if (!url_derived) bad |= put_string(c->a, &c->s[WPK_COL_URLS], r->url, r->url_len);
    return bad || put_ext(c, r);
}

/* The column form of a record page. */
int wpk_fmt_columns_encode(const wpk_fmt_alloc *a, const uint8_t *rows, size_t len, wpk_fmt_buf *out,
                           uint32_t *string_count, const char **why_out)
{
    col_state c;
    memset(&c, 0, sizeof c);
    c.a = a;
    uint32_t n = 0;
    const char *why = NULL;
    int rc = wpk_fmt_leaf_count(rows, len, &n, &why) ? WPK_FMT_CORRUPT : WPK_FMT_OK;
    wpk_fmt_record *recs = rc ? NULL : a->malloc_fn((n ? n : 1) * sizeof *recs);
    if (!rc && !recs) rc = WPK_FMT_NOMEM;
    for (uint32_t i = 0; i < n && !rc; i++) {
        const uint8_t *item;
        size_t item_len;
        if (wpk_fmt_leaf_item(rows, len, i, &item, &item_len, &why) || wpk_fmt_record_parse(item, item_len, &recs[i], &why))
            rc = WPK_FMT_CORRUPT;
        else if (note_strings(&c, &recs[i]))
            rc = WPK_FMT_NOMEM;
    }
    if (!rc && number_strings(&c)) rc = WPK_FMT_NOMEM;
    for (uint32_t i = 0; i < n && !rc; i++) {
        const uint8_t *item;
        size_t item_len;
        wpk_fmt_leaf_item(rows, len, i, &item, &item_len, &why); /* read in pass 1 */
        int bad = put_record(&c, item, &recs[i], i ? &recs[i - 1] : NULL);
        if (bad) rc = bad == -2 ? WPK_FMT_CORRUPT : WPK_FMT_NOMEM;
        if (bad == -2) why = "a record has flags that no column holds";
    }
    if (!rc) {
        uint8_t head[WPK_COL_HEAD];
        wpk_put32(head, n);
        wpk_put32(head + 4, (uint32_t)len);
        wpk_put32(head + 8, (uint32_t)c.strings.count);
        for (int i = 0; i < WPK_COL_STREAMS; i++) wpk_put32(head + 12 + 4 * i, (uint32_t)c.s[i].len);
        out->len = 0;
        int bad = wpk_fmt_buf_put(a, out, head, sizeof head);
        for (int i = 0; i < WPK_COL_STREAMS; i++) bad |= wpk_fmt_buf_put(a, out, c.s[i].p, c.s[i].len);
        rc = bad ? WPK_FMT_NOMEM : WPK_FMT_OK;
    }
    *string_count = (uint32_t)c.strings.count;
    a->free_fn(recs);
    for (int i = 0; i < WPK_COL_STREAMS; i++) a->free_fn(c.s[i].p);
    a->free_fn(c.strings.slots);
    a->free_fn(c.blocks.slots);
    *why_out = why;
    return rc;
}


/* The column form of a title, category, folded-title or ID leaf. */
int wpk_fmt_leaf_columns_encode(const wpk_fmt_alloc *a, int kind, const uint8_t *rows, size_t len, wpk_fmt_buf *out,
                                const char **why_out)
{
    wpk_fmt_buf s[3] = {{0}}; /* ENTRIES, KEYS, EXTRA */
    uint32_t n = 0;
    const char *why = NULL;
    int bad = 0, broken = wpk_fmt_leaf_count(rows, len, &n, &why) != 0;
    int64_t prev_entry = 0;
    uint64_t prev_id = 0;
    const uint8_t *prev_key = NULL;
    size_t prev_len = 0;
    for (uint32_t i = 0; i < n && !bad && !broken; i++) {
        uint64_t id;
        uint32_t entry;
        const uint8_t *item, *key;
        size_t item_len, key_len;
        if (kind == WPK_LEAF_ID) {
            broken = wpk_fmt_id_leaf_item(rows, len, i, &id, &entry, &why) != 0;
            bad = !broken && put_varint(a, &s[1], id - prev_id);
            prev_id = id;
        } else {
            broken = wpk_fmt_leaf_item(rows, len, i, &item, &item_len, &why) != 0 || item_len < 4;
            wpk_fmt_fold_item f;
            if (!broken && kind == WPK_LEAF_FOLD) {
                broken = wpk_fmt_fold_item_decode(item, item_len, &f, &why) != 0;
                key = f.key;
                key_len = f.key_len;
                bad = !broken &&
                      (wpk_fmt_buf_put(a, &s[2], &f.kind, 1) || put_string(a, &s[2], f.display, f.display_len));
            } else {
                key = item + 4;
                key_len = item_len - 4;
            }
            if (broken) break;
            entry = wpk_le32(item);
            size_t shared = 0;
            while (shared < prev_len && shared < key_len && prev_key[shared] == key[shared]) shared++;
            bad |= put_varint(a, &s[1], shared) || put_string(a, &s[1], key + shared, key_len - shared);
            prev_key = key;
            prev_len = key_len;
        }
        if (broken) break;
        bad |= put_varint(a, &s[0], zigzag((int64_t)entry - prev_entry));
        prev_entry = entry;
    }
    if (!bad && !broken) {
        uint8_t head[WPK_LEAF_COL_HEAD];
        wpk_put32(head, n);
        wpk_put32(head + 4, (uint32_t)len);
        for (int i = 0; i < 3; i++) wpk_put32(head + 8 + 4 * i, (uint32_t)s[i].len);
        out->len = 0;
        bad = wpk_fmt_buf_put(a, out, head, sizeof head);
        for (int i = 0; i < 3; i++) bad |= wpk_fmt_buf_put(a, out, s[i].p, s[i].len);
    }
    for (int i = 0; i < 3; i++) a->free_fn(s[i].p);
    *why_out = why;
    if (broken) return WPK_FMT_CORRUPT;
    return bad ? WPK_FMT_NOMEM : WPK_FMT_OK;
}
