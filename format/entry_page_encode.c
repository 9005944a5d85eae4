/* entry_page_encode.c - encoding entry pages (format 2.0): entries and the blocks they use to the 13 streams.
 *
 * entry_page.c has the layout. The encoder checks its input against the
 * decoder's rules, then chooses what the format leaves to the writer:
 * STRINGS sorted, BLOCKS the blocks used in DATA order, titles and URLs
 * spelled exactly when the spelled string equals the entry's own, PLACES
 * p = 0 exactly when a content directly follows the previous one placed,
 * the TIMES unit 1,000,000 when every time is whole seconds, else 1.
 */
#include "wpk2_internal.h"

#include <stdio.h>
#include <stdlib.h>

typedef struct enc {
    const wpk2_page_ctx *ctx;
    const wpk2_entry *entries;
    uint32_t count;
    uint64_t first;
    const wpk2_block_ref *blocks;
    uint32_t block_count;
    wpk2_err *err;
    const wpk2_alloc *alloc;
    wpk2_str *strings; /* sorted, unique */
    size_t string_count;
    const wpk2_block_ref **used; /* sorted by offset, unique */
    size_t used_count;
    wpk2_buf s[ES_COUNT];
} enc;

static int invalid(enc *c, uint32_t i, const char *detail)
{
    return wpk2_fail(c->err, WPK2_E_INVALID, "entry page, entry %llu: %s", (unsigned long long)(c->first + i), detail);
}

static int nomem(enc *c) { return wpk2_fail(c->err, WPK2_E_NOMEM, "entry page: out of memory"); }

/* The extension fields' rules (see entry_page.c's read_ext). */
static int check_ext(enc *c, uint32_t i, const wpk2_entry *e)
{
    uint64_t self = c->first + i;
    uint64_t fields = (uint64_t)e->category_count + (e->revision_count > 0) + !!(e->ext & WPK2_X_CURRENT) +
                      !!(e->ext & WPK2_X_NAMESPACE) + !!(e->ext & WPK2_X_SAME_CATEGORIES) +
                      !!(e->ext & WPK2_X_REDIRECT) + !!(e->ext & WPK2_X_LANGUAGE) + !!(e->ext & WPK2_X_REVISION_ID) +
                      !!(e->ext & WPK2_X_CONTRIBUTOR) + !!(e->ext & WPK2_X_COMMENT);
    if (fields > 0xFFFF) return invalid(c, i, "more than 65535 extension fields");
    for (uint32_t k = 0; k < e->category_count; k++)
        if (e->categories[k].len > 0xFFFF) return invalid(c, i, "category name over 65535 bytes");
    if ((e->ext & WPK2_X_CURRENT) && (e->current >= c->ctx->entry_count || e->current == self))
        return invalid(c, i, "CURRENT out of range or the entry itself");
    for (uint32_t k = 0; k < e->revision_count; k++)
        if (e->revisions[k] >= c->ctx->entry_count) return invalid(c, i, "REVISIONS entry number out of range");
    if ((e->ext & WPK2_X_CURRENT) && e->revision_count) return invalid(c, i, "both CURRENT and REVISIONS");
    if ((e->ext & WPK2_X_SAME_CATEGORIES) && (!(e->ext & WPK2_X_CURRENT) || e->category_count))
        return invalid(c, i, "SAME_CATEGORIES without CURRENT, or with categories");
    if (((e->ext & WPK2_X_REDIRECT) && e->redirect.len > 0xFFFF) || ((e->ext & WPK2_X_LANGUAGE) && e->language.len > 0xFFFF))
        return invalid(c, i, "REDIRECT or LANGUAGE over 65535 bytes");
    if (((e->ext & WPK2_X_CONTRIBUTOR) && (e->contributor.len == 0 || e->contributor.len > 0xFFFF)) ||
        ((e->ext & WPK2_X_COMMENT) && (e->comment.len == 0 || e->comment.len > 0xFFFF)))
        return invalid(c, i, "CONTRIBUTOR or COMMENT empty or over 65535 bytes");
    return WPK2_OK;
}

static int block_rules(enc *c, uint32_t i, const wpk2_block_ref *b)
{
    uint64_t cap = cap_or(c->ctx->max_block, WPK2_DEFAULT_MAX_BLOCK);
    if (b->stored_size == 0 || b->raw_size == 0) return invalid(c, i, "its block is empty");
    if (b->offset > c->ctx->data_size || b->stored_size > c->ctx->data_size - b->offset)
        return invalid(c, i, "its block lies outside DATA");
    if (b->raw_size > cap) return invalid(c, i, "its block is over the block cap");
    if (b->stored_size < (1ull << 48) && b->raw_size > b->stored_size * WPK2_MAX_EXPANSION)
        return invalid(c, i, "its block's raw size is more than a zstd frame of its stored size can hold");
    return WPK2_OK;
}

static int check_entries(enc *c)
{
    uint32_t wikis = c->ctx->wikis ? c->ctx->wikis->count : 0;
    if (c->count == 0) return wpk2_fail(c->err, WPK2_E_INVALID, "entry page with no entries");
    if (c->first > c->ctx->entry_count || c->count > c->ctx->entry_count - c->first)
        return wpk2_fail(c->err, WPK2_E_INVALID, "entry page: entries beyond entry_count");
    for (uint32_t i = 0; i < c->count; i++) {
        const wpk2_entry *e = &c->entries[i];
        if (e->wiki > wikis) return invalid(c, i, "wiki number above wiki_count");
        if (e->path.len == 0 || e->path.len > 0xFFFF) return invalid(c, i, "path empty or over 65535 bytes");
        if (memchr(e->path.p, 0, e->path.len)) return invalid(c, i, "path contains a NUL byte");
        if (i && str_cmp(c->entries[i - 1].path, e->path) >= 0) return invalid(c, i, "paths out of order");
        if ((e->flags & WPK2_F_HAS_TITLE) && (e->title.len == 0 || e->title.len > 0xFFFF))
            return invalid(c, i, "HAS_TITLE with an empty title or one over 65535 bytes");
        if ((e->flags & WPK2_F_HAS_URL) && (e->url.len == 0 || e->url.len > 0xFFFF))
            return invalid(c, i, "HAS_URL with an empty URL or one over 65535 bytes");
        if (e->media_type.len > 0xFFFF) return invalid(c, i, "media type over 65535 bytes");
        if (e->size) {
            if (e->block >= c->block_count) return invalid(c, i, "block index out of range");
            const wpk2_block_ref *b = &c->blocks[e->block];
            int rc = block_rules(c, i, b);
            if (rc) return rc;
            if (e->size > b->raw_size || e->offset > b->raw_size - e->size)
                return invalid(c, i, "content runs past its block's raw size");
        }
        int rc = check_ext(c, i, e);
        if (rc) return rc;
    }
    return WPK2_OK;
}

static int by_str(const void *a, const void *b) { return str_cmp(*(const wpk2_str *)a, *(const wpk2_str *)b); }

static int by_offset(const void *a, const void *b)
{
    const wpk2_block_ref *x = *(const wpk2_block_ref *const *)a, *y = *(const wpk2_block_ref *const *)b;
    return (x->offset > y->offset) - (x->offset < y->offset);
}

static int same_block(const wpk2_block_ref *x, const wpk2_block_ref *y)
{
    return x->offset == y->offset && x->stored_size == y->stored_size && x->raw_size == y->raw_size &&
           x->checksum == y->checksum && !memcmp(x->auth, y->auth, 32);
}

/* STRINGS: every media type and category name, sorted, each once. */
static int collect_strings(enc *c)
{
    size_t n = 0;
    for (uint32_t i = 0; i < c->count; i++) n += (c->entries[i].media_type.len > 0) + c->entries[i].category_count;
    c->strings = wpk2_malloc(c->alloc, n * sizeof *c->strings);
    if (!c->strings) return nomem(c);
    n = 0;
    for (uint32_t i = 0; i < c->count; i++) {
        const wpk2_entry *e = &c->entries[i];
        if (e->media_type.len) c->strings[n++] = e->media_type;
        for (uint32_t k = 0; k < e->category_count; k++) c->strings[n++] = e->categories[k];
    }
    qsort(c->strings, n, sizeof *c->strings, by_str);
    size_t u = 0;
    for (size_t k = 0; k < n; k++)
        if (u == 0 || !str_eq(c->strings[u - 1], c->strings[k])) c->strings[u++] = c->strings[k];
    c->string_count = u;
    return WPK2_OK;
}

/* What the decoder will hold as strings must be within its cap. */
static int check_strings_cap(enc *c)
{
    uint64_t total = 0, cap = cap_or(c->ctx->max_strings, WPK2_DEFAULT_MAX_STRINGS);
    for (size_t k = 0; k < c->string_count; k++) total += c->strings[k].len;
    for (uint32_t i = 0; i < c->count; i++) {
        const wpk2_entry *e = &c->entries[i];
        total += e->path.len;
        if (e->flags & WPK2_F_HAS_TITLE) total += e->title.len;
        if (e->flags & WPK2_F_HAS_URL) total += e->url.len;
        if (e->ext & WPK2_X_REDIRECT) total += e->redirect.len;
        if (e->ext & WPK2_X_LANGUAGE) total += e->language.len;
        if (e->ext & WPK2_X_CONTRIBUTOR) total += e->contributor.len;
        if (e->ext & WPK2_X_COMMENT) total += e->comment.len;
    }
    if (total > cap)
        return wpk2_fail(c->err, WPK2_E_LIMIT, "entry page: %llu bytes of strings, over the %llu-byte cap of a page",
                         (unsigned long long)total, (unsigned long long)cap);
    return WPK2_OK;
}

static uint64_t string_number(const enc *c, wpk2_str s)
{
    const wpk2_str *hit = bsearch(&s, c->strings, c->string_count, sizeof *c->strings, by_str);
    return (uint64_t)(hit - c->strings); /* every string was collected */
}

/* BLOCKS: the blocks used, by offset, each once; two different blocks at
 * one offset, or overlapping, are refused. */
static int collect_blocks(enc *c)
{
    c->used = wpk2_malloc(c->alloc, c->count * sizeof *c->used);
    if (!c->used) return nomem(c);
    size_t n = 0;
    for (uint32_t i = 0; i < c->count; i++)
        if (c->entries[i].size) c->used[n++] = &c->blocks[c->entries[i].block];
    qsort(c->used, n, sizeof *c->used, by_offset);
    size_t u = 0;
    for (size_t k = 0; k < n; k++) {
        if (u && c->used[u - 1]->offset == c->used[k]->offset) {
            if (!same_block(c->used[u - 1], c->used[k]))
                return wpk2_fail(c->err, WPK2_E_INVALID, "entry page: two different blocks at DATA offset %llu",
                                 (unsigned long long)c->used[k]->offset);
            continue;
        }
        if (u && c->used[k]->offset - c->used[u - 1]->offset < c->used[u - 1]->stored_size)
            return wpk2_fail(c->err, WPK2_E_INVALID, "entry page: blocks overlap at DATA offset %llu",
                             (unsigned long long)c->used[k]->offset);
        c->used[u++] = c->used[k];
    }
    c->used_count = u;
    return WPK2_OK;
}

static uint32_t block_number(const enc *c, const wpk2_block_ref *b)
{
    const wpk2_block_ref *const *hit = bsearch(&b, c->used, c->used_count, sizeof *c->used, by_offset);
    return (uint32_t)(hit - c->used);
}

static int put_blocks(enc *c)
{
    uint64_t end = 0;
    int bad = 0;
    for (size_t k = 0; k < c->used_count && !bad; k++) {
        const wpk2_block_ref *b = c->used[k];
        uint8_t h[40];
        put64(h, b->checksum);
        memcpy(h + 8, b->auth, 32);
        bad = wpk2_buf_varint(&c->s[ES_BLOCKS], b->offset - end) || wpk2_buf_varint(&c->s[ES_BLOCKS], b->stored_size) ||
              wpk2_buf_varint(&c->s[ES_BLOCKS], b->raw_size) || wpk2_buf_put(&c->s[ES_BLOCKS], h, 40);
        end = b->offset + b->stored_size;
    }
    for (size_t k = 0; k < c->string_count && !bad; k++)
        bad = wpk2_buf_string(&c->s[ES_STRINGS], c->strings[k].p, c->strings[k].len);
    return bad;
}

static int put_ext(enc *c, uint32_t i, const wpk2_entry *e)
{
    wpk2_buf *b = &c->s[ES_EXT];
    int64_t self = (int64_t)(c->first + i);
    uint64_t fields = (uint64_t)e->category_count + (e->revision_count > 0) + !!(e->ext & WPK2_X_CURRENT) +
                      !!(e->ext & WPK2_X_NAMESPACE) + !!(e->ext & WPK2_X_SAME_CATEGORIES) +
                      !!(e->ext & WPK2_X_REDIRECT) + !!(e->ext & WPK2_X_LANGUAGE) + !!(e->ext & WPK2_X_REVISION_ID) +
                      !!(e->ext & WPK2_X_CONTRIBUTOR) + !!(e->ext & WPK2_X_COMMENT);
    int bad = wpk2_buf_varint(b, fields);
    int64_t prev = -1;
    uint8_t tag;
    for (uint32_t k = 0; k < e->category_count && !bad; k++) {
        int64_t num = (int64_t)string_number(c, e->categories[k]);
        tag = WPK2_EXT_CATEGORY;
        bad = wpk2_buf_put(b, &tag, 1) || wpk2_buf_varint(b, zigzag(num - prev - 1));
        prev = num;
    }
    if (!bad && (e->ext & WPK2_X_NAMESPACE)) {
        tag = WPK2_EXT_NAMESPACE;
        bad = wpk2_buf_put(b, &tag, 1) || wpk2_buf_varint(b, zigzag(e->ns));
    }
    if (!bad && (e->ext & WPK2_X_CURRENT)) {
        tag = WPK2_EXT_CURRENT;
        bad = wpk2_buf_put(b, &tag, 1) || wpk2_buf_varint(b, zigzag((int64_t)e->current - self));
    }
    if (!bad && e->revision_count) {
        tag = WPK2_EXT_REVISIONS;
        bad = wpk2_buf_put(b, &tag, 1) || wpk2_buf_varint(b, e->revision_count);
        int64_t at = self;
        for (uint32_t k = 0; k < e->revision_count && !bad; k++) {
            bad = wpk2_buf_varint(b, zigzag((int64_t)e->revisions[k] - at));
            at = e->revisions[k];
        }
    }
    if (!bad && (e->ext & WPK2_X_SAME_CATEGORIES)) {
        tag = WPK2_EXT_SAME_CATEGORIES;
        bad = wpk2_buf_put(b, &tag, 1);
    }
    if (!bad && (e->ext & WPK2_X_REDIRECT)) {
        tag = WPK2_EXT_REDIRECT;
        bad = wpk2_buf_put(b, &tag, 1) || wpk2_buf_string(b, e->redirect.p, e->redirect.len);
    }
    if (!bad && (e->ext & WPK2_X_LANGUAGE)) {
        tag = WPK2_EXT_LANGUAGE;
        bad = wpk2_buf_put(b, &tag, 1) || wpk2_buf_string(b, e->language.p, e->language.len);
    }
    if (!bad && (e->ext & WPK2_X_REVISION_ID)) {
        char digits[24];
        int n = snprintf(digits, sizeof digits, "%llu", (unsigned long long)e->revision_id);
        tag = WPK2_EXT_REVISION_ID;
        bad = wpk2_buf_put(b, &tag, 1) || wpk2_buf_string(b, (const uint8_t *)digits, (size_t)n);
    }
    if (!bad && (e->ext & WPK2_X_CONTRIBUTOR)) {
        tag = WPK2_EXT_CONTRIBUTOR;
        bad = wpk2_buf_put(b, &tag, 1) || wpk2_buf_string(b, e->contributor.p, e->contributor.len);
    }
    if (!bad && (e->ext & WPK2_X_COMMENT)) {
        tag = WPK2_EXT_COMMENT;
        bad = wpk2_buf_put(b, &tag, 1) || wpk2_buf_string(b, e->comment.p, e->comment.len);
    }
    return bad;
}

static int has_ext(const wpk2_entry *e)
{
    return e->category_count || e->revision_count ||
           (e->ext & (WPK2_X_CURRENT | WPK2_X_NAMESPACE | WPK2_X_SAME_CATEGORIES | WPK2_X_REDIRECT | WPK2_X_LANGUAGE |
                      WPK2_X_MINOR_1));
}

static int put_entries(enc *c)
{
    uint64_t unit = 1000000, prev_id = 0, prev_q = 0;
    int any_time = 0;
    for (uint32_t i = 0; i < c->count; i++)
        if (c->entries[i].flags & WPK2_F_HAS_TIME) {
            any_time = 1;
            if (c->entries[i].updated_us % 1000000) unit = 1;
        }
    int bad = any_time && wpk2_buf_varint(&c->s[ES_TIMES], unit);
    const wpk2_entry *prev_placed = NULL;
    uint32_t prev_block = 0;
    for (uint32_t i = 0; i < c->count && !bad; i++) {
        const wpk2_entry *e = &c->entries[i];
        uint8_t flags = e->flags & WPK2_F_CONTENT;
        const wpk2_wiki *wiki = e->wiki ? &c->ctx->wikis->wikis[e->wiki - 1] : NULL;
        if ((flags & WPK2_F_HAS_TITLE) && wpk2_title_spellable(e->path, e->title)) flags |= WPK2_F_TITLE_SPELLED;
        if ((flags & WPK2_F_HAS_URL) && (flags & WPK2_F_HAS_TITLE) && wiki &&
            wpk2_url_spellable(wiki->url_base, e->title, e->url))
            flags |= WPK2_F_URL_SPELLED;
        if (has_ext(e)) flags |= WPK2_F_HAS_EXT;
        bad |= wpk2_buf_put(&c->s[ES_FLAGS], &flags, 1) || wpk2_buf_varint(&c->s[ES_WIKIS], e->wiki);
        if (flags & WPK2_F_HAS_ID) {
            bad |= wpk2_buf_varint(&c->s[ES_IDS], zigzag((int64_t)(e->page_id - prev_id)));
            prev_id = e->page_id;
        }
        if (flags & WPK2_F_HAS_TIME) {
            uint64_t q = (uint64_t)(e->updated_us / (int64_t)unit);
            bad |= wpk2_buf_varint(&c->s[ES_TIMES], zigzag((int64_t)(q - prev_q)));
            prev_q = q;
        }
        bad |= wpk2_buf_varint(&c->s[ES_SIZES], e->size);
        if (e->size) {
            uint32_t blk = block_number(c, &c->blocks[e->block]);
            if (prev_placed && blk == prev_block && e->offset == prev_placed->offset + prev_placed->size) {
                bad |= wpk2_buf_varint(&c->s[ES_PLACES], 0);
            } else {
                bad |= wpk2_buf_varint(&c->s[ES_PLACES], (uint64_t)blk + 1) || wpk2_buf_varint(&c->s[ES_PLACES], e->offset);
            }
            prev_placed = e;
            prev_block = blk;
        }
        bad |= wpk2_front_put(&c->s[ES_PATHS], i ? c->entries[i - 1].path : (wpk2_str){NULL, 0}, e->path);
        if ((flags & WPK2_F_HAS_TITLE) && !(flags & WPK2_F_TITLE_SPELLED))
            bad |= wpk2_buf_string(&c->s[ES_TITLES], e->title.p, e->title.len);
        if ((flags & WPK2_F_HAS_URL) && !(flags & WPK2_F_URL_SPELLED))
            bad |= wpk2_buf_string(&c->s[ES_URLS], e->url.p, e->url.len);
        bad |= wpk2_buf_varint(&c->s[ES_TYPES], e->media_type.len ? 1 + string_number(c, e->media_type) : 0);
        if (flags & WPK2_F_HAS_EXT) bad |= put_ext(c, i, e);
    }
    return bad;
}

int wpk2_entry_page_encode(wpk2_buf *out, const wpk2_page_ctx *ctx, uint64_t first_entry, const wpk2_entry *entries,
                           uint32_t count, const wpk2_block_ref *blocks, uint32_t block_count, wpk2_err *err)
{
    enc c = {.ctx = ctx, .entries = entries, .count = count, .first = first_entry, .blocks = blocks,
             .block_count = block_count, .err = err, .alloc = out->alloc};
    for (int k = 0; k < ES_COUNT; k++) c.s[k].alloc = out->alloc;
    int rc = check_entries(&c);
    if (!rc) rc = collect_strings(&c);
    if (!rc) rc = check_strings_cap(&c);
    if (!rc) rc = collect_blocks(&c);
    if (!rc && (put_blocks(&c) || put_entries(&c) || wpk2_columns_join(out, count, WPK2_PAGE_ENTRY, c.s, ES_COUNT)))
        rc = nomem(&c);
    wpk2_free(c.alloc, c.strings);
    wpk2_free(c.alloc, c.used);
    for (int k = 0; k < ES_COUNT; k++) wpk2_buf_free(&c.s[k]);
    return rc ? rc : wpk2_ok(err);
}
