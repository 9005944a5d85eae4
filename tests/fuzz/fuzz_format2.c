/* fuzz_format2.c - the format 2.0 codec's decoders (format/), on raw structures.
 *
 * Input: byte 0 picks the structure (low 4 bits), byte 1 and 2 vary the
 * context (entry count, wiki table, a referring item), the rest is the
 * structure's bytes:
 *   0 header (its checksum made right, so the fields are reached)
 *   1 section table entries and the table rules (no table checksum)
 *   2 entry page   3 title page   4 ID page   5 category page
 *   6 root         7 branch page  8 WIKIS     9 SUMMARY   10 signature record
 *   11 BLOCK_DICTS (format 2.2; byte 1 sets the DATA size, byte 2 the dictionary cap)
 *   12 term page (format 2.3)   13 SEARCH section (format 2.3)
 * Whatever decodes must keep the codec's promises, else abort: encoding
 * it succeeds and decoding that gives the same structure again (roots and
 * signature records: the same bytes); decoding again with a referrer made
 * from the page itself succeeds. The sanitizers catch reads past the
 * input, which is in an exact-size buffer. */
#include "wpk2_format.h"

#include <stdlib.h>
#include <string.h>

#define MUST(x) do { if (!(x)) abort(); } while (0)

static int same(wpk2_str a, wpk2_str b) { return a.len == b.len && (a.len == 0 || !memcmp(a.p, b.p, a.len)); }

static const wpk2_wiki wiki_list[3] = {
    {{(const uint8_t *)"enwiki", 6}, {(const uint8_t *)"en", 2}, {(const uint8_t *)"https://en.wikipedia.org/wiki/", 30},
     {NULL, 0}},
    {{(const uint8_t *)"local", 5}, {NULL, 0}, {NULL, 0}, {NULL, 0}},
    {{(const uint8_t *)"x", 1}, {NULL, 0}, {(const uint8_t *)"u:", 2}, {NULL, 0}},
};
static const wpk2_wikis wikis = {3, (wpk2_wiki *)wiki_list, {0}};

static int same_entry(const wpk2_entry *a, const wpk2_entry *b, const wpk2_entry_page *pa, const wpk2_entry_page *pb)
{
    /* HAS_EXT may go: the encoder drops fields of unknown tags. */
    if ((a->flags & WPK2_F_CONTENT) != (b->flags & WPK2_F_CONTENT) || a->wiki != b->wiki || a->size != b->size || a->page_id != b->page_id || a->updated_us != b->updated_us ||
        !same(a->path, b->path) || !same(a->title, b->title) || !same(a->url, b->url) ||
        !same(a->media_type, b->media_type) || a->ext != b->ext || a->category_count != b->category_count ||
        a->revision_count != b->revision_count || a->current != b->current || a->ns != b->ns ||
        !same(a->redirect, b->redirect) || !same(a->language, b->language) || a->offset != b->offset)
        return 0;
    if (a->size && memcmp(&pa->blocks[a->block], &pb->blocks[b->block], sizeof(wpk2_block_ref))) return 0;
    for (uint32_t k = 0; k < a->category_count; k++)
        if (!same(a->categories[k], b->categories[k])) return 0;
    for (uint32_t k = 0; k < a->revision_count; k++)
        if (a->revisions[k] != b->revisions[k]) return 0;
    return 1;
}

static void entry_page(const uint8_t *p, size_t n, wpk2_page_ctx *ctx)
{
    wpk2_entry_page pg, again;
    wpk2_err err;
    if (wpk2_entry_page_decode(p, n, ctx, &pg, &err)) return;
    MUST(pg.count >= 1 && pg.entries[0].path.len >= 1);
    wpk2_buf out = {0};
    MUST(wpk2_entry_page_encode(&out, ctx, pg.first_entry, pg.entries, pg.count, pg.blocks, pg.block_count, &err) == 0);
    MUST(wpk2_entry_page_decode(out.p, out.len, ctx, &again, &err) == 0 && again.count == pg.count);
    for (uint32_t i = 0; i < pg.count; i++) MUST(same_entry(&pg.entries[i], &again.entries[i], &pg, &again));
    wpk2_entry_page_free(&again);
    /* Named by a referrer made from the page, with its entries numbered from 1. */
    wpk2_root_item from = {.first_item = 1, .page_items = pg.count, .key = pg.entries[0].path};
    wpk2_page_ctx c2 = *ctx;
    c2.from = &from;
    c2.entry_count = ctx->entry_count + 1;
    int rc = wpk2_entry_page_decode(p, n, &c2, &again, &err);
    if (rc == 0) wpk2_entry_page_free(&again);
    wpk2_buf_free(&out);
    wpk2_entry_page_free(&pg);
}

static void title_page(const uint8_t *p, size_t n, wpk2_page_ctx *ctx)
{
    wpk2_title_page pg, again;
    wpk2_err err;
    if (wpk2_title_page_decode(p, n, ctx, &pg, &err)) return;
    wpk2_buf out = {0};
    MUST(wpk2_title_page_encode(&out, ctx, pg.items, pg.count, &err) == 0);
    MUST(wpk2_title_page_decode(out.p, out.len, ctx, &again, &err) == 0 && again.count == pg.count);
    for (uint32_t i = 0; i < pg.count; i++) {
        const wpk2_title_item *a = &pg.items[i], *b = &again.items[i];
        MUST(same(a->key, b->key) && same(a->display, b->display) && a->kind == b->kind && a->wiki == b->wiki &&
             a->entry == b->entry && b->form <= a->form);
    }
    wpk2_title_page_free(&again);
    wpk2_root_item from = {.page_items = pg.count, .key = pg.items[0].key};
    wpk2_page_ctx c2 = *ctx;
    c2.from = &from;
    MUST(wpk2_title_page_decode(p, n, &c2, &again, &err) == 0);
    wpk2_title_page_free(&again);
    wpk2_buf_free(&out);
    wpk2_title_page_free(&pg);
}

static void id_page(const uint8_t *p, size_t n, wpk2_page_ctx *ctx)
{
    wpk2_id_page pg, again;
    wpk2_err err;
    if (wpk2_id_page_decode(p, n, ctx, &pg, &err)) return;
    wpk2_buf out = {0};
    MUST(wpk2_id_page_encode(&out, ctx, pg.items, pg.count, &err) == 0);
    MUST(wpk2_id_page_decode(out.p, out.len, ctx, &again, &err) == 0 && again.count == pg.count);
    MUST(!memcmp(pg.items, again.items, pg.count * sizeof *pg.items));
    wpk2_id_page_free(&again);
    uint8_t key[WPK2_ID_KEY_SIZE];
    wpk2_id_key(key, pg.items[0].wiki, pg.items[0].page_id);
    wpk2_root_item from = {.page_items = pg.count, .key = {key, sizeof key}};
    wpk2_page_ctx c2 = *ctx;
    c2.from = &from;
    MUST(wpk2_id_page_decode(p, n, &c2, &again, &err) == 0);
    wpk2_id_page_free(&again);
    wpk2_buf_free(&out);
    wpk2_id_page_free(&pg);
}

static void category_page(const uint8_t *p, size_t n, wpk2_page_ctx *ctx)
{
    wpk2_category_page pg, again;
    wpk2_err err;
    if (wpk2_category_page_decode(p, n, ctx, &pg, &err)) return;
    wpk2_buf out = {0};
    MUST(wpk2_category_page_encode(&out, ctx, pg.items, pg.count, &err) == 0);
    MUST(wpk2_category_page_decode(out.p, out.len, ctx, &again, &err) == 0 && again.count == pg.count &&
         again.run_count == pg.run_count);
    for (uint32_t i = 0; i < pg.count; i++)
        MUST(same(pg.items[i].name, again.items[i].name) && pg.items[i].entry == again.items[i].entry);
    wpk2_category_page_free(&again);
    wpk2_buf_free(&out);
    wpk2_category_page_free(&pg);
}

/* Format 2.3: what decodes encodes to the same runs and postings. */
static void term_page(const uint8_t *p, size_t n, wpk2_page_ctx *ctx)
{
    wpk2_term_page pg, again;
    wpk2_err err;
    if (wpk2_term_page_decode(p, n, ctx, &pg, &err)) return;
    wpk2_buf out = {0};
    MUST(pg.count >= 1);
    MUST(wpk2_term_page_encode(&out, ctx, pg.runs, pg.count, pg.docs, pg.impacts, &err) == 0);
    MUST(wpk2_term_page_decode(out.p, out.len, ctx, &again, &err) == 0 && again.count == pg.count &&
         again.postings == pg.postings);
    for (uint32_t i = 0; i < pg.count; i++)
        MUST(same(pg.runs[i].term, again.runs[i].term) && pg.runs[i].docs == again.runs[i].docs &&
             pg.runs[i].first == again.runs[i].first && pg.runs[i].count == again.runs[i].count);
    MUST(!pg.postings || (!memcmp(pg.docs, again.docs, pg.postings * sizeof *pg.docs) &&
                          !memcmp(pg.impacts, again.impacts, pg.postings)));
    wpk2_term_page_free(&again);
    wpk2_buf_free(&out);
    wpk2_term_page_free(&pg);
}

static void search_params(const uint8_t *p, size_t n)
{
    wpk2_search_params s, again;
    wpk2_err err;
    if (wpk2_search_params_decode(p, n, &s, &err)) return;
    MUST(s.classes >= 1 && s.classes <= WPK2_SEARCH_MAX_CLASSES);
    wpk2_buf out = {0};
    MUST(wpk2_search_params_encode(&out, &s, &err) == 0);
    MUST(wpk2_search_params_decode(out.p, out.len, &again, &err) == 0 && !memcmp(&s, &again, sizeof s));
    wpk2_buf_free(&out);
}

static void root(const uint8_t *p, size_t n, uint8_t v, int branch)
{
    /* Index kinds 1..4, and 6 (terms) in place of 4 every other time. */
    uint32_t index_kind = 1 + (v & 3);
    if (index_kind == 4 && (v & 0x40)) index_kind = WPK2_PAGE_TERM;
    wpk2_root_ctx ctx = {.index_kind = index_kind, .branched = (v >> 2) & 1, .entry_count = (uint64_t)(v >> 3) * 5,
                         .pages_size = 1u << 20};
    wpk2_root r, again;
    wpk2_err err;
    wpk2_root_item from = {.first_item = v >> 3, .page_items = 30};
    int rc = branch ? wpk2_branch_decode(p, n, &ctx, NULL, &r, &err) : wpk2_root_decode(p, n, &ctx, &r, &err);
    if (rc) return;
    wpk2_buf out = {0};
    if (branch) {
        MUST(wpk2_branch_encode(&out, &ctx, r.items, r.count, &err) == 0);
        /* Named by a referrer: decodes when its totals and key agree. */
        from.first_item = 0;
        from.page_items = (uint32_t)r.total;
        from.key = r.items[0].key;
        if (r.total <= UINT32_MAX) {
            MUST(wpk2_branch_decode(p, n, &ctx, &from, &again, &err) == 0);
            wpk2_root_free(&again);
        }
    } else {
        MUST(wpk2_root_encode(&out, &ctx, r.items, r.count, &err) == 0);
    }
    MUST(out.len == n && !memcmp(out.p, p, n));
    wpk2_buf_free(&out);
    wpk2_root_free(&r);
}

static void header_and_table(const uint8_t *p, size_t n, int table)
{
    wpk2_err err;
    if (!table) {
        uint8_t h[WPK2_HEADER_SIZE], back[WPK2_HEADER_SIZE];
        if (n < WPK2_HEADER_SIZE) {
            wpk2_header hd;
            wpk2_header_decode(p, n, &hd, &err);
            return;
        }
        memcpy(h, p, sizeof h);
        uint64_t c = wpk2_checksum(h, 120);
        for (int i = 0; i < 8; i++) h[120 + i] = (uint8_t)(c >> (8 * i));
        wpk2_header hd;
        if (wpk2_header_decode(h, sizeof h, &hd, &err)) return;
        MUST(wpk2_header_encode(back, &hd, &err) == 0 && !memcmp(back, h, sizeof h));
        return;
    }
    /* A header of the table's shape, then the table rules on its entries. */
    if (n < 24) return;
    wpk2_header hd = {.major = 2, .section_count = (uint32_t)((n - 24) / WPK2_SECTION_SIZE)};
    if (hd.section_count < 1 || hd.section_count > WPK2_MAX_SECTIONS) return;
    uint64_t a, b;
    memcpy(&a, p, 8);
    memcpy(&b, p + 8, 8);
    hd.prefix_size = a % 100000;
    hd.file_size = hd.prefix_size + b % 100000;
    wpk2_section secs[WPK2_MAX_SECTIONS];
    for (uint32_t i = 0; i < hd.section_count; i++)
        if (wpk2_section_decode(p + 24 + (size_t)i * WPK2_SECTION_SIZE, i, &secs[i], &err)) return;
    wpk2_section_map map;
    if (wpk2_section_table_check(secs, hd.section_count, &hd, &map, &err)) return;
    MUST(map.of[WPK2_SEC_ENTRY_ROOT] && map.of[WPK2_SEC_DATA] && map.of[WPK2_SEC_PAGES] && map.of[WPK2_SEC_SIGNATURE]);
    /* The table checksum path. */
    uint8_t raw[WPK2_MAX_SECTIONS * WPK2_SECTION_SIZE];
    hd.section_table_checksum = wpk2_section_table_encode(raw, secs, hd.section_count);
    wpk2_section again[WPK2_MAX_SECTIONS];
    MUST(wpk2_section_table_decode(raw, hd.section_count * WPK2_SECTION_SIZE, &hd, again, &map, &err) == 0);
}

static void others(int kind, const uint8_t *p, size_t n, uint8_t v)
{
    wpk2_err err;
    wpk2_buf out = {0};
    if (kind == 8) {
        wpk2_wikis w, again;
        if (wpk2_wikis_decode(p, n, v, NULL, &w, &err)) return;
        MUST(wpk2_wikis_encode(&out, w.wikis, w.count, &err) == 0);
        MUST(wpk2_wikis_decode(out.p, out.len, v, NULL, &again, &err) == 0);
        for (uint32_t i = 0; i < w.count; i++)
            MUST(same(w.wikis[i].name, again.wikis[i].name) && same(w.wikis[i].url_base, again.wikis[i].url_base) &&
                 same(w.wikis[i].language, again.wikis[i].language) && same(w.wikis[i].site_name, again.wikis[i].site_name));
        wpk2_wikis_free(&again);
        wpk2_wikis_free(&w);
    } else if (kind == 9) {
        wpk2_summary s, again;
        if (wpk2_summary_decode(p, n, NULL, &s, &err)) return;
        MUST(wpk2_summary_encode(&out, &s, &err) == 0);
        MUST(wpk2_summary_decode(out.p, out.len, NULL, &again, &err) == 0 && again.has == s.has &&
             again.articles == s.articles && again.revisions == s.revisions && again.aliases == s.aliases &&
             again.categories == s.categories && again.language_count == s.language_count);
        wpk2_summary_free(&again);
        wpk2_summary_free(&s);
    } else {
        wpk2_signature s;
        uint8_t back[WPK2_SIG_SIZE];
        if (wpk2_signature_decode(p, n, &s, &err)) return;
        wpk2_signature_encode(back, &s);
        MUST(!memcmp(back, p, WPK2_SIG_SIZE));
    }
    wpk2_buf_free(&out);
}

/* BLOCK_DICTS: what decodes encodes and decodes again to the same runs
 * (varints may have been written long), and every run's start finds that
 * run. */
static void block_dicts(const uint8_t *p, size_t n, uint8_t v, uint8_t w)
{
    wpk2_err err;
    wpk2_block_dicts d;
    uint64_t data_size = (uint64_t)v * 977 + 1, max_dict = w & 1 ? 64 : UINT64_MAX;
    if (wpk2_block_dicts_decode(p, n, data_size, max_dict, NULL, &d, &err)) return;
    wpk2_buf out = {0};
    MUST(d.count >= 1 && d.runs[0].start == 0);
    for (uint32_t i = 0; i < d.count; i++) {
        MUST(d.runs[i].start < data_size && wpk2_block_dicts_run(&d, d.runs[i].start) == i);
        MUST(d.runs[i].form == WPK2_RUN_NO_DICT || d.runs[i].raw_size <= max_dict);
        if (i) MUST(d.runs[i].start > d.runs[i - 1].start && d.runs[i].start >= d.runs[i - 1].start + d.runs[i - 1].stored_size);
    }
    wpk2_block_dicts again;
    MUST(wpk2_block_dicts_encode(&out, d.runs, d.count) == 0 && out.len <= n);
    MUST(wpk2_block_dicts_decode(out.p, out.len, data_size, max_dict, NULL, &again, &err) == 0 && again.count == d.count);
    for (uint32_t i = 0; i < d.count; i++)
        MUST(!memcmp(&again.runs[i], &d.runs[i], sizeof d.runs[i]));
    wpk2_block_dicts_free(&again);
    wpk2_buf_free(&out);
    wpk2_block_dicts_free(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3) return 0;
    int kind = data[0] & 15;
    uint8_t v = data[1], w = data[2];
    const uint8_t *p = data + 3;
    size_t n = size - 3;
    /* Exact-size copy: a read past n is a read past the allocation. */
    uint8_t *copy = malloc(n ? n : 1);
    if (!copy) abort();
    if (n) memcpy(copy, p, n);
    wpk2_page_ctx ctx = {.entry_count = v & 0x80 ? (uint64_t)UINT32_MAX : v, .wikis = (w & 3) == 3 ? NULL : &wikis,
                         .data_size = w & 4 ? 1000 : UINT64_MAX, .max_block = w & 8 ? 300 : 0,
                         .max_strings = w & 16 ? 200 : 1u << 20};
    switch (kind) {
    case 0: case 1: header_and_table(copy, n, kind); break;
    case 2: entry_page(copy, n, &ctx); break;
    case 3: title_page(copy, n, &ctx); break;
    case 4: id_page(copy, n, &ctx); break;
    case 5: category_page(copy, n, &ctx); break;
    case 6: case 7: root(copy, n, v, kind == 7); break;
    case 8: case 9: case 10: others(kind, copy, n, v); break;
    case 11: block_dicts(copy, n, v, w); break;
    case 12: term_page(copy, n, &ctx); break;
    case 13: search_params(copy, n); break;
    default: break;
    }
    free(copy);
    return 0;
}
