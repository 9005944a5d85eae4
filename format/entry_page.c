/* entry_page.c - decoding entry pages (format 2.0): 13 streams to entries with their block, strings and extension fields.
 *
 * Head: u32 count, u32 kind 1, then the 13 stream lengths:
 *   0 STRINGS  media types and category names, strictly increasing
 *   1 BLOCKS   block references, by DATA offset: varint offset minus the
 *              previous reference's end, varint stored size, varint raw
 *              size, u64 XXH3-64, 32-byte BLAKE2b-256; each used
 *   2 FLAGS    a byte an entry (WPK2_F_*; bit 7 zero)
 *   3 WIKIS    varint wiki number an entry (<= wiki_count)
 *   4 IDS      zigzag steps of page IDs (HAS_ID), modulo 2^64
 *   5 TIMES    varint unit >= 1, then zigzag steps of updated_us / unit (HAS_TIME)
 *   6 SIZES    varint content size an entry
 *   7 PLACES   non-empty contents: 0 = right after the previous one placed,
 *              else 1 + reference number and a varint offset
 *   8 PATHS    front-coded, strictly increasing
 *   9 TITLES   HAS_TITLE without TITLE_SPELLED    10 URLS  HAS_URL without URL_SPELLED
 *  11 TYPES    varint: 0 none, else 1 + string number
 *  12 EXT      HAS_EXT: varint field count, then tag byte and value each
 */
#include "wpk2_internal.h"

#include <stdio.h>

static const char *const stream_names[ES_COUNT] = {
    "STRINGS", "BLOCKS", "FLAGS", "WIKIS", "IDS", "TIMES", "SIZES", "PLACES", "PATHS", "TITLES", "URLS", "TYPES", "EXT",
};

typedef struct dec {
    const wpk2_page_ctx *ctx;
    wpk2_entry_page *pg;
    rd s[ES_COUNT];
    wpk2_err *err;
    uint64_t no;      /* entry number being decoded */
    uint8_t *used;    /* per block reference: used by an entry */
} dec;

/* An error in stream `st` at the current entry. */
static int bad(dec *d, int st, const char *detail)
{
    char what[80];
    snprintf(what, sizeof what, "entry page, entry %llu (%s)", (unsigned long long)d->no, stream_names[st]);
    return wpk2_fail_code(d->err, WPK2_E_CORRUPT, &d->pg->mem, what, detail);
}

static int bad_code(dec *d, int st, int code, const char *detail)
{
    char what[80];
    snprintf(what, sizeof what, "entry page, entry %llu (%s)", (unsigned long long)d->no, stream_names[st]);
    return wpk2_fail_code(d->err, code, &d->pg->mem, what, detail);
}

static int nomem(dec *d) { return wpk2_fail(d->err, WPK2_E_NOMEM, "entry page: out of memory"); }

/* The number of whole strings at the start of a STRINGS stream. The table
 * is sized by it, not by the stream's length: one slot a byte would be 16
 * times the stream, memory a reader touches (and the kernel faults in) on
 * every first read of the page. A string that does not parse ends the count
 * and fails in read_strings, before its slot is written. */
static uint32_t count_strings(rd s)
{
    uint32_t k = 0;
    uint64_t len;
    const uint8_t *src;
    while (!rd_done(&s) && rd_varint(&s, &len) && len <= 0xFFFF && rd_bytes(&s, (size_t)len, &src)) k++;
    return k;
}

static int read_strings(dec *d)
{
    rd *s = &d->s[ES_STRINGS];
    d->pg->strings = wpk2_mem_array(&d->pg->mem, count_strings(*s), sizeof *d->pg->strings);
    if (!d->pg->strings) return nomem(d);
    for (uint32_t k = 0; !rd_done(s); k++) {
        int rc = wpk2_string_next(s, &d->pg->mem, &d->pg->strings[k]);
        if (rc) return wpk2_fail_code(d->err, rc, &d->pg->mem, "entry page (STRINGS)", "string truncated or over 65535 bytes");
        if (k > 0 && str_cmp(d->pg->strings[k - 1], d->pg->strings[k]) >= 0)
            return wpk2_fail(d->err, WPK2_E_CORRUPT, "entry page (STRINGS), string %u: not above the one before", k);
        d->pg->string_count = k + 1;
    }
    return WPK2_OK;
}

static int read_blocks(dec *d)
{
    rd *s = &d->s[ES_BLOCKS];
    wpk2_entry_page *pg = d->pg;
    size_t max = s->n / BLOCK_REF_MIN;
    pg->blocks = wpk2_mem_array(&pg->mem, max, sizeof *pg->blocks);
    d->used = wpk2_mem_array(&pg->mem, max, 1);
    if (!pg->blocks || !d->used) return nomem(d);
    uint64_t end = 0, cap = cap_or(d->ctx->max_block, WPK2_DEFAULT_MAX_BLOCK);
    for (uint32_t k = 0; !rd_done(s); k++) {
        wpk2_block_ref *b = &pg->blocks[k];
        uint64_t delta;
        const uint8_t *h;
        if (!rd_varint(s, &delta) || !rd_varint(s, &b->stored_size) || !rd_varint(s, &b->raw_size) || !rd_bytes(s, 40, &h))
            return wpk2_fail(d->err, WPK2_E_CORRUPT, "entry page (BLOCKS), reference %u: truncated", k);
        b->checksum = le64(h);
        memcpy(b->auth, h + 8, 32);
        if (b->stored_size == 0 || b->raw_size == 0)
            return wpk2_fail(d->err, WPK2_E_CORRUPT, "entry page (BLOCKS), reference %u: empty block", k);
        if (delta > UINT64_MAX - end || b->stored_size > UINT64_MAX - (end + delta) ||
            end + delta + b->stored_size > d->ctx->data_size)
            return wpk2_fail(d->err, WPK2_E_CORRUPT, "entry page (BLOCKS), reference %u: block outside DATA (%llu bytes)", k,
                             (unsigned long long)d->ctx->data_size);
        b->offset = end + delta;
        end = b->offset + b->stored_size;
        if (b->raw_size > cap)
            return wpk2_fail(d->err, WPK2_E_LIMIT, "entry page (BLOCKS), reference %u: block of %llu bytes, over the %llu-byte cap",
                             k, (unsigned long long)b->raw_size, (unsigned long long)cap);
        if (b->stored_size < (1ull << 48) && b->raw_size > b->stored_size * WPK2_MAX_EXPANSION)
            return wpk2_fail(d->err, WPK2_E_CORRUPT,
                             "entry page (BLOCKS), reference %u: %llu raw bytes more than a zstd frame of %llu can hold", k,
                             (unsigned long long)b->raw_size, (unsigned long long)b->stored_size);
        pg->block_count = k + 1;
    }
    return WPK2_OK;
}

/* The content's block and offset (PLACES). */
static int read_place(dec *d, wpk2_entry *e, const wpk2_entry *prev_placed)
{
    rd *s = &d->s[ES_PLACES];
    uint64_t p;
    if (!rd_varint(s, &p)) return bad(d, ES_PLACES, "truncated");
    if (p == 0) {
        if (!prev_placed) return bad(d, ES_PLACES, "p = 0 for the page's first content");
        e->block = prev_placed->block;
        e->offset = prev_placed->offset + prev_placed->size; /* within a block: no overflow */
    } else {
        if (p - 1 >= d->pg->block_count) return bad(d, ES_PLACES, "block reference number out of range");
        e->block = (uint32_t)(p - 1);
        if (!rd_varint(s, &e->offset)) return bad(d, ES_PLACES, "truncated offset");
    }
    uint64_t raw = d->pg->blocks[e->block].raw_size;
    if (e->size > raw || e->offset > raw - e->size) return bad(d, ES_PLACES, "content runs past its block's raw size");
    d->used[e->block] = 1;
    return WPK2_OK;
}

static int read_time(dec *d, wpk2_entry *e, uint64_t *prev_q)
{
    rd *s = &d->s[ES_TIMES];
    uint64_t v;
    if (d->pg->time_unit == 0 && (!rd_varint(s, &d->pg->time_unit) || d->pg->time_unit == 0))
        return bad(d, ES_TIMES, "no unit, or unit 0");
    if (!rd_varint(s, &v)) return bad(d, ES_TIMES, "truncated");
    *prev_q += (uint64_t)unzigzag(v); /* steps modulo 2^64 */
    int64_t q = (int64_t)*prev_q;
    uint64_t unit = d->pg->time_unit;
    if (unit > 1 && (unit > (uint64_t)INT64_MAX || q > INT64_MAX / (int64_t)unit || q < INT64_MIN / (int64_t)unit))
        return bad(d, ES_TIMES, "time times unit overflows 64 bits");
    e->updated_us = unit > 1 ? q * (int64_t)unit : q;
    return WPK2_OK;
}

static int read_path(dec *d, wpk2_entry *e, const wpk2_entry *prev)
{
    int rc = wpk2_front_next(&d->s[ES_PATHS], &d->pg->mem, prev ? prev->path : (wpk2_str){NULL, 0}, &e->path);
    if (rc) return bad_code(d, ES_PATHS, rc, "truncated, or a shared prefix longer than the previous path");
    if (e->path.len == 0) return bad(d, ES_PATHS, "empty path");
    if (memchr(e->path.p, 0, e->path.len)) return bad(d, ES_PATHS, "path contains a NUL byte");
    if (prev && str_cmp(prev->path, e->path) >= 0) return bad(d, ES_PATHS, "paths out of order");
    if (!prev && wpk2_check_first_key("entry page", d->ctx, e->path, d->err)) return WPK2_E_CORRUPT;
    return WPK2_OK;
}

static int read_title_url(dec *d, wpk2_entry *e, const wpk2_wiki *wiki)
{
    int rc;
    if ((e->flags & WPK2_F_HAS_TITLE) && (e->flags & WPK2_F_TITLE_SPELLED)) {
        uint8_t *t = wpk2_mem_string(&d->pg->mem, e->path.len, &rc);
        if (!t) return bad_code(d, ES_PATHS, rc, "");
        e->title = (wpk2_str){t, (uint32_t)wpk2_spell_title(e->path.p, e->path.len, t)};
        if (e->title.len == 0) return bad(d, ES_FLAGS, "TITLE_SPELLED, but the path spells an empty title");
    } else if (e->flags & WPK2_F_HAS_TITLE) {
        if ((rc = wpk2_string_next(&d->s[ES_TITLES], &d->pg->mem, &e->title)))
            return bad_code(d, ES_TITLES, rc, "truncated or over 65535 bytes");
        if (e->title.len == 0) return bad(d, ES_TITLES, "empty title with HAS_TITLE");
    }
    if ((e->flags & WPK2_F_HAS_URL) && (e->flags & WPK2_F_URL_SPELLED)) {
        if (!wiki || wiki->url_base.len == 0) return bad(d, ES_FLAGS, "URL_SPELLED without a wiki with a url_base");
        uint64_t len = (uint64_t)wiki->url_base.len + e->title.len;
        if (len > 0xFFFF) return bad(d, ES_FLAGS, "URL_SPELLED spells a URL over 65535 bytes");
        uint8_t *u = wpk2_mem_string(&d->pg->mem, (size_t)len, &rc);
        if (!u) return bad_code(d, ES_URLS, rc, "");
        memcpy(u, wiki->url_base.p, wiki->url_base.len);
        for (uint32_t i = 0; i < e->title.len; i++) u[wiki->url_base.len + i] = e->title.p[i] == ' ' ? '_' : e->title.p[i];
        e->url = (wpk2_str){u, (uint32_t)len};
    } else if (e->flags & WPK2_F_HAS_URL) {
        if ((rc = wpk2_string_next(&d->s[ES_URLS], &d->pg->mem, &e->url)))
            return bad_code(d, ES_URLS, rc, "truncated or over 65535 bytes");
        if (e->url.len == 0) return bad(d, ES_URLS, "empty URL with HAS_URL");
    }
    return WPK2_OK;
}

/* An entry number `self + step`, in 0 .. entry_count - 1. */
static int entry_at(dec *d, uint64_t self, int64_t step, uint32_t *out)
{
    if (step < 0 ? (uint64_t)(-(step + 1)) >= self : (uint64_t)step >= d->ctx->entry_count - self) return 0;
    *out = (uint32_t)(self + (uint64_t)step);
    return 1;
}

/* A REVISION_ID: 1 to 20 ASCII digits, no leading zero (but "0"), below 2^64. */
static int decimal_u64(wpk2_str s, uint64_t *out)
{
    if (s.len == 0 || s.len > 20 || (s.len > 1 && s.p[0] == '0')) return 0;
    uint64_t v = 0;
    for (size_t i = 0; i < s.len; i++) {
        unsigned d = (unsigned)s.p[i] - '0';
        if (d > 9 || v > (UINT64_MAX - d) / 10) return 0;
        v = v * 10 + d;
    }
    *out = v;
    return 1;
}

static int read_ext(dec *d, wpk2_entry *e)
{
    rd *s = &d->s[ES_EXT];
    uint64_t fields, v;
    if (!rd_varint(s, &fields) || fields > 0xFFFF) return bad(d, ES_EXT, "field count truncated or over 65535");
    if (fields == 0) return bad(d, ES_EXT, "HAS_EXT with no field");
    if (fields > rd_left(s)) return bad(d, ES_EXT, "more fields than bytes left");
    wpk2_str *cats = wpk2_mem_array(&d->pg->mem, (size_t)fields, sizeof *cats);
    uint32_t *nums = wpk2_mem_array(&d->pg->mem, (size_t)fields, sizeof *nums);
    if (!cats || !nums) return nomem(d);
    e->categories = cats;
    e->category_nums = nums;
    int64_t prev = -1;
    uint32_t seen = 0;
    for (uint64_t f = 0; f < fields; f++) {
        const uint8_t *tag;
        if (!rd_bytes(s, 1, &tag)) return bad(d, ES_EXT, "truncated field");
        if (*tag >= WPK2_EXT_CURRENT && *tag <= WPK2_EXT_COMMENT) {
            if (seen & (1u << *tag)) return bad(d, ES_EXT, "a field of tags 2..10 repeated");
            seen |= 1u << *tag;
        }
        int rc;
        switch (*tag) {
        case WPK2_EXT_CATEGORY: {
            if (!rd_varint(s, &v)) return bad(d, ES_EXT, "CATEGORY truncated");
            int64_t step = unzigzag(v);
            /* k = prev + 1 + step, in 0 .. string_count - 1 */
            if (step < -(prev + 1) || step >= (int64_t)d->pg->string_count - prev - 1)
                return bad(d, ES_EXT, "CATEGORY string number out of range");
            prev += 1 + step;
            nums[e->category_count] = (uint32_t)prev;
            cats[e->category_count++] = d->pg->strings[prev];
            break;
        }
        case WPK2_EXT_CURRENT:
            if (!rd_varint(s, &v)) return bad(d, ES_EXT, "CURRENT truncated");
            if (v == 0 || !entry_at(d, d->no, unzigzag(v), &e->current))
                return bad(d, ES_EXT, "CURRENT is 0 or out of range");
            e->ext |= WPK2_X_CURRENT;
            break;
        case WPK2_EXT_NAMESPACE:
            if (!rd_varint(s, &v)) return bad(d, ES_EXT, "NAMESPACE truncated");
            e->ns = unzigzag(v);
            e->ext |= WPK2_X_NAMESPACE;
            break;
        case WPK2_EXT_REVISIONS: {
            uint64_t n;
            if (!rd_varint(s, &n) || n == 0 || n > rd_left(s)) return bad(d, ES_EXT, "REVISIONS count 0 or truncated");
            uint32_t *revs = wpk2_mem_array(&d->pg->mem, (size_t)n, sizeof *revs);
            if (!revs) return nomem(d);
            uint64_t at = d->no;
            for (uint64_t k = 0; k < n; k++) {
                if (!rd_varint(s, &v)) return bad(d, ES_EXT, "REVISIONS truncated");
                if (!entry_at(d, at, unzigzag(v), &revs[k])) return bad(d, ES_EXT, "REVISIONS entry number out of range");
                at = revs[k];
            }
            e->revisions = revs;
            e->revision_count = (uint32_t)n;
            break;
        }
        case WPK2_EXT_SAME_CATEGORIES:
            e->ext |= WPK2_X_SAME_CATEGORIES;
            break;
        case WPK2_EXT_REDIRECT:
        case WPK2_EXT_LANGUAGE: {
            int redirect = *tag == WPK2_EXT_REDIRECT;
            if ((rc = wpk2_string_next(s, &d->pg->mem, redirect ? &e->redirect : &e->language)))
                return bad_code(d, ES_EXT, rc, redirect ? "REDIRECT truncated" : "LANGUAGE truncated");
            e->ext |= redirect ? WPK2_X_REDIRECT : WPK2_X_LANGUAGE;
            break;
        }
        case WPK2_EXT_REVISION_ID: {
            wpk2_str digits;
            if ((rc = wpk2_string_next(s, &d->pg->mem, &digits)))
                return bad_code(d, ES_EXT, rc, "REVISION_ID truncated");
            if (!decimal_u64(digits, &e->revision_id))
                return bad(d, ES_EXT, "REVISION_ID is not a decimal number below 2^64 without leading zeros");
            e->ext |= WPK2_X_REVISION_ID;
            break;
        }
        case WPK2_EXT_CONTRIBUTOR:
        case WPK2_EXT_COMMENT: {
            int who = *tag == WPK2_EXT_CONTRIBUTOR;
            wpk2_str *str = who ? &e->contributor : &e->comment;
            if ((rc = wpk2_string_next(s, &d->pg->mem, str)))
                return bad_code(d, ES_EXT, rc, who ? "CONTRIBUTOR truncated" : "COMMENT truncated");
            if (str->len == 0) return bad(d, ES_EXT, who ? "CONTRIBUTOR empty" : "COMMENT empty");
            e->ext |= who ? WPK2_X_CONTRIBUTOR : WPK2_X_COMMENT;
            break;
        }
        default: { /* a tag this decoder does not know: a string, skipped */
            uint64_t len;
            const uint8_t *skip;
            if (!rd_varint(s, &len) || len > 0xFFFF || !rd_bytes(s, (size_t)len, &skip))
                return bad(d, ES_EXT, "unknown field truncated");
        }
        }
    }
    if ((e->ext & WPK2_X_CURRENT) && e->revision_count) return bad(d, ES_EXT, "both CURRENT and REVISIONS");
    if ((e->ext & WPK2_X_SAME_CATEGORIES) && (!(e->ext & WPK2_X_CURRENT) || e->category_count))
        return bad(d, ES_EXT, "SAME_CATEGORIES without CURRENT, or with CATEGORY fields");
    return WPK2_OK;
}

static int read_entry(dec *d, uint32_t i, uint64_t *prev_id, uint64_t *prev_q, wpk2_entry **prev_placed)
{
    wpk2_entry_page *pg = d->pg;
    wpk2_entry *e = &pg->entries[i];
    const wpk2_entry *prev = i ? &pg->entries[i - 1] : NULL;
    uint64_t v;
    int rc;
    e->flags = d->s[ES_FLAGS].p[i]; /* FLAGS holds a byte an entry (checked) */
    d->s[ES_FLAGS].at++;
    if (e->flags & 0x80) return bad(d, ES_FLAGS, "bit 7 set");
    if ((e->flags & WPK2_F_TITLE_SPELLED) && !(e->flags & WPK2_F_HAS_TITLE))
        return bad(d, ES_FLAGS, "TITLE_SPELLED without HAS_TITLE");
    if ((e->flags & WPK2_F_URL_SPELLED) && (e->flags & (WPK2_F_HAS_URL | WPK2_F_HAS_TITLE)) != (WPK2_F_HAS_URL | WPK2_F_HAS_TITLE))
        return bad(d, ES_FLAGS, "URL_SPELLED without HAS_URL and HAS_TITLE");
    uint32_t wikis = d->ctx->wikis ? d->ctx->wikis->count : 0;
    if (!rd_varint(&d->s[ES_WIKIS], &v) || v > wikis) return bad(d, ES_WIKIS, "truncated, or a wiki number above wiki_count");
    e->wiki = (uint16_t)v;
    if (e->flags & WPK2_F_HAS_ID) {
        if (!rd_varint(&d->s[ES_IDS], &v)) return bad(d, ES_IDS, "truncated");
        *prev_id += (uint64_t)unzigzag(v); /* steps modulo 2^64 */
        e->page_id = *prev_id;
    }
    if ((e->flags & WPK2_F_HAS_TIME) && (rc = read_time(d, e, prev_q))) return rc;
    if (!rd_varint(&d->s[ES_SIZES], &e->size)) return bad(d, ES_SIZES, "truncated");
    e->block = WPK2_NO_BLOCK;
    if (e->size) {
        if ((rc = read_place(d, e, *prev_placed))) return rc;
        *prev_placed = e;
    }
    if ((rc = read_path(d, e, prev))) return rc;
    if ((rc = read_title_url(d, e, e->wiki ? &d->ctx->wikis->wikis[e->wiki - 1] : NULL))) return rc;
    if (!rd_varint(&d->s[ES_TYPES], &v)) return bad(d, ES_TYPES, "truncated");
    if (v) {
        if (v - 1 >= pg->string_count) return bad(d, ES_TYPES, "string number out of range");
        e->media_type = pg->strings[v - 1];
        if (e->media_type.len == 0) return bad(d, ES_TYPES, "empty media type");
    }
    if ((e->flags & WPK2_F_HAS_EXT) && (rc = read_ext(d, e))) return rc;
    return WPK2_OK;
}

static int decode(dec *d, const uint8_t *raw, size_t n)
{
    wpk2_entry_page *pg = d->pg;
    const wpk2_page_ctx *ctx = d->ctx;
    int rc = wpk2_columns_split("entry page", raw, n, WPK2_PAGE_ENTRY, ES_COUNT, &pg->count, d->s, d->err);
    if (rc || (rc = wpk2_check_from("entry page", ctx, pg->count, d->err))) return rc;
    if (d->s[ES_FLAGS].n != pg->count)
        return wpk2_fail(d->err, WPK2_E_CORRUPT, "entry page (FLAGS): %zu bytes for %u entries", d->s[ES_FLAGS].n, pg->count);
    pg->first_entry = ctx->from ? ctx->from->first_item : 0;
    if (pg->first_entry > ctx->entry_count || pg->count > ctx->entry_count - pg->first_entry)
        return wpk2_fail(d->err, WPK2_E_CORRUPT, "entry page: entries %llu..%llu beyond entry_count %llu",
                         (unsigned long long)pg->first_entry, (unsigned long long)(pg->first_entry + pg->count - 1),
                         (unsigned long long)ctx->entry_count);
    if ((rc = read_strings(d)) || (rc = read_blocks(d))) return rc;
    pg->entries = wpk2_mem_array(&pg->mem, pg->count, sizeof *pg->entries);
    if (!pg->entries) return nomem(d);
    uint64_t prev_id = 0, prev_q = 0;
    wpk2_entry *prev_placed = NULL;
    for (uint32_t i = 0; i < pg->count; i++) {
        d->no = pg->first_entry + i;
        if ((rc = read_entry(d, i, &prev_id, &prev_q, &prev_placed))) return rc;
    }
    if ((rc = wpk2_streams_finished(d->s, ES_COUNT, stream_names, "entry page", "entry", d->err))) return rc;
    for (uint32_t k = 0; k < pg->block_count; k++)
        if (!d->used[k])
            return wpk2_fail(d->err, WPK2_E_CORRUPT, "entry page (BLOCKS), reference %u: used by no entry", k);
    return WPK2_OK;
}

int wpk2_entry_page_decode(const uint8_t *raw, size_t n, const wpk2_page_ctx *ctx, wpk2_entry_page *out,
                           wpk2_err *err)
{
    memset(out, 0, sizeof *out);
    wpk2_mem_init(&out->mem, ctx->alloc, cap_or(ctx->max_strings, WPK2_DEFAULT_MAX_STRINGS));
    wpk2_page_ctx c = wpk2_page_ctx_clamped(ctx);
    dec d = {.ctx = &c, .pg = out, .err = err};
    int rc = decode(&d, raw, n);
    if (rc) {
        wpk2_entry_page_free(out);
        return rc;
    }
    return wpk2_ok(err);
}

void wpk2_entry_page_free(wpk2_entry_page *pg)
{
    wpk2_mem_release(&pg->mem);
    memset(pg, 0, sizeof *pg);
}

int wpk2_block_plausible(const wpk2_block_ref *b, uint32_t max_expansion)
{
    uint64_t cap = max_expansion ? max_expansion : WPK2_DEFAULT_MAX_EXPANSION;
    return b->raw_size <= WPK2_EXPANSION_FLOOR || b->stored_size >= (1ull << 48) || b->raw_size <= b->stored_size * cap;
}

int wpk2_block_ref_same(const wpk2_block_ref *a, const wpk2_block_ref *b)
{
    return a->stored_size == b->stored_size && a->raw_size == b->raw_size && a->checksum == b->checksum &&
           !memcmp(a->auth, b->auth, sizeof a->auth);
}
