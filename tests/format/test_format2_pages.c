/* test_format2_pages.c - format 2.0 pages and roots: entry, title, ID and category pages and roots written by hand after the draft, what they decode to, that the encoders give the same bytes back, round trips of edge cases, and a refusal for each rule (cuts at every byte included). */
#include "format2_util.h"

#include <stdio.h>

static wpk2_err e;
static uint8_t page[20000];

/* Streams of an entry page, as the draft numbers them. */
enum { STRINGS, BLOCKS, FLAGS, WIKIS, IDS, TIMES, SIZES, PLACES, PATHS, TITLES, URLS, TYPES, EXT, NSTREAMS };

static const wpk2_wiki wiki_list[2] = {
    {{(const uint8_t *)"enwiki", 6}, {(const uint8_t *)"en", 2}, {(const uint8_t *)"https://en.wikipedia.org/wiki/", 30},
     {(const uint8_t *)"Wikipedia", 9}},
    {{(const uint8_t *)"local", 5}, {NULL, 0}, {NULL, 0}, {NULL, 0}},
};
static const wpk2_wikis wikis = {2, (wpk2_wiki *)wiki_list, {0}};

static wpk2_root_item from;
static wpk2_page_ctx ctx;

static void reset_ctx(void)
{
    from = (wpk2_root_item){.first_item = 2, .page_items = 4, .key = S("a/Foo_bar.md")};
    ctx = (wpk2_page_ctx){.from = &from, .entry_count = 10, .wikis = &wikis, .data_size = 100000};
}

static void auth(bb *b, uint8_t v) { for (int i = 0; i < 32; i++) bb_u8(b, v); }

/* Four entries (numbers 2..5) exercising every stream; `unknown` adds a
 * field of tag 200 that decoders skip (and the encoder cannot write). */
static bb s[NSTREAMS];
static void entry_streams(int unknown)
{
    memset(s, 0, sizeof s);
    bb_str(&s[STRINGS], "Category:A");
    bb_str(&s[STRINGS], "Category:B");
    bb_str(&s[STRINGS], "text/markdown");
    bb_var(&s[BLOCKS], 100); bb_var(&s[BLOCKS], 50); bb_var(&s[BLOCKS], 1000); bb_u64(&s[BLOCKS], 0x1111); auth(&s[BLOCKS], 0xA1);
    bb_var(&s[BLOCKS], 10); bb_var(&s[BLOCKS], 20); bb_var(&s[BLOCKS], 300); bb_u64(&s[BLOCKS], 0x2222); auth(&s[BLOCKS], 0xB2);
    bb_var(&s[TIMES], 1000000);
    /* entry 2: ID 2^64-1, -5 s, title and URL spelled, in ref 1 at 5 */
    bb_u8(&s[FLAGS], 0x01 | 0x02 | 0x04 | 0x08 | 0x10 | 0x20 | 0x40);
    bb_var(&s[WIKIS], 1);
    bb_zig(&s[IDS], -1);
    bb_zig(&s[TIMES], -5);
    bb_var(&s[SIZES], 10);
    bb_var(&s[PLACES], 2); bb_var(&s[PLACES], 5);
    bb_front(&s[PATHS], 0, "a/Foo_bar.md");
    bb_var(&s[TYPES], 3);
    bb_var(&s[EXT], 4);
    bb_u8(&s[EXT], 1); bb_zig(&s[EXT], 1);  /* Category:B */
    bb_u8(&s[EXT], 1); bb_zig(&s[EXT], -2); /* Category:A */
    bb_u8(&s[EXT], 3); bb_zig(&s[EXT], 0);  /* namespace 0 */
    bb_u8(&s[EXT], 4); bb_var(&s[EXT], 2); bb_zig(&s[EXT], 3); bb_zig(&s[EXT], -2); /* revisions 5, 3 */
    /* entry 3: ID 0 (a step of 1 modulo 2^64), 7 s, own title and URL, right after entry 2 */
    bb_u8(&s[FLAGS], 0x01 | 0x02 | 0x10 | 0x20 | 0x40);
    bb_var(&s[WIKIS], 2);
    bb_zig(&s[IDS], 1);
    bb_zig(&s[TIMES], 12);
    bb_var(&s[SIZES], 20);
    bb_var(&s[PLACES], 0);
    bb_front(&s[PATHS], 2, "Zed");
    bb_str(&s[TITLES], "Zed!");
    bb_str(&s[URLS], "http://x/");
    bb_var(&s[TYPES], 0);
    bb_var(&s[EXT], unknown ? 4 : 3);
    bb_u8(&s[EXT], 2); bb_zig(&s[EXT], -1); /* current: entry 2 */
    bb_u8(&s[EXT], 5);
    bb_u8(&s[EXT], 7); bb_str(&s[EXT], "fr");
    if (unknown) { bb_u8(&s[EXT], 200); bb_str(&s[EXT], "zz"); }
    /* entry 4: nothing but a path, empty content */
    bb_u8(&s[FLAGS], 0);
    bb_var(&s[WIKIS], 0);
    bb_var(&s[SIZES], 0);
    bb_front(&s[PATHS], 0, "b");
    bb_var(&s[TYPES], 0);
    /* entry 5: spelled title; wiki 2 has no url_base, so the URL is given; all of ref 0 */
    bb_u8(&s[FLAGS], 0x04 | 0x10 | 0x20 | 0x40);
    bb_var(&s[WIKIS], 2);
    bb_var(&s[SIZES], 1000);
    bb_var(&s[PLACES], 1); bb_var(&s[PLACES], 0);
    bb_front(&s[PATHS], 1, "/c.d");
    bb_str(&s[URLS], "u");
    bb_var(&s[TYPES], 3);
    bb_var(&s[EXT], 2);
    bb_u8(&s[EXT], 3); bb_zig(&s[EXT], -3);
    bb_u8(&s[EXT], 6); bb_str(&s[EXT], "Target");
}

static int decode_entries(size_t n, wpk2_entry_page *pg) { return wpk2_entry_page_decode(page, n, &ctx, pg, &e); }

static void test_entry_page(void)
{
    reset_ctx();
    entry_streams(1);
    size_t n = join_page(page, 4, 1, s, NSTREAMS);
    wpk2_entry_page pg;
    CHECK_OK(decode_entries(n, &pg), e);
    CHECK(pg.count == 4 && pg.first_entry == 2 && pg.block_count == 2 && pg.string_count == 3 && pg.time_unit == 1000000);
    CHECK(pg.blocks[0].offset == 100 && pg.blocks[0].stored_size == 50 && pg.blocks[0].raw_size == 1000 &&
          pg.blocks[0].checksum == 0x1111 && pg.blocks[0].auth[31] == 0xA1);
    CHECK(pg.blocks[1].offset == 160 && pg.blocks[1].stored_size == 20 && pg.blocks[1].raw_size == 300 &&
          pg.blocks[1].auth[0] == 0xB2);
    const wpk2_entry *x = pg.entries;
    CHECK(x[0].page_id == UINT64_MAX && x[0].updated_us == -5000000 && str_is(x[0].title, "Foo bar") &&
          str_is(x[0].url, "https://en.wikipedia.org/wiki/Foo_bar") && x[0].block == 1 && x[0].offset == 5 &&
          x[0].size == 10 && str_is(x[0].media_type, "text/markdown") && x[0].wiki == 1);
    CHECK(x[0].category_count == 2 && str_is(x[0].categories[0], "Category:B") && x[0].category_nums[0] == 1 &&
          str_is(x[0].categories[1], "Category:A") && x[0].category_nums[1] == 0);
    CHECK(x[0].ext == WPK2_X_NAMESPACE && x[0].ns == 0 && x[0].revision_count == 2 && x[0].revisions[0] == 5 &&
          x[0].revisions[1] == 3);
    CHECK(x[1].page_id == 0 && x[1].updated_us == 7000000 && str_is(x[1].path, "a/Zed") && str_is(x[1].title, "Zed!") &&
          str_is(x[1].url, "http://x/") && x[1].block == 1 && x[1].offset == 15 && x[1].media_type.len == 0);
    CHECK(x[1].ext == (WPK2_X_CURRENT | WPK2_X_SAME_CATEGORIES | WPK2_X_LANGUAGE) && x[1].current == 2 &&
          str_is(x[1].language, "fr"));
    CHECK(str_is(x[2].path, "b") && x[2].flags == 0 && x[2].size == 0 && x[2].block == WPK2_NO_BLOCK && x[2].wiki == 0);
    CHECK(str_is(x[3].path, "b/c.d") && str_is(x[3].title, "c") && str_is(x[3].url, "u") && x[3].block == 0 &&
          x[3].offset == 0 && x[3].size == 1000 && x[3].ns == -3 && str_is(x[3].redirect, "Target") &&
          x[3].ext == (WPK2_X_NAMESPACE | WPK2_X_REDIRECT));

    /* The encoder writes the same bytes (without the unknown field), choosing
     * the same spellings, places and unit. */
    entry_streams(0);
    size_t m = join_page(page, 4, 1, s, NSTREAMS);
    wpk2_buf out = {0};
    CHECK_OK(wpk2_entry_page_encode(&out, &ctx, 2, pg.entries, pg.count, pg.blocks, pg.block_count, &e), e);
    CHECK_MSG(out.len == m && !memcmp(out.p, page, m), "encoded %zu bytes, expected %zu", out.len, m);
    wpk2_buf_free(&out);
    wpk2_entry_page_free(&pg);

    /* Cut anywhere: refused. */
    entry_streams(1);
    n = join_page(page, 4, 1, s, NSTREAMS);
    for (size_t k = 0; k < n; k++) {
        int rc = decode_entries(k, &pg);
        CHECK_MSG(rc == WPK2_E_CORRUPT, "page cut at %zu: rc %d", k, rc);
    }
    /* Each stream cut at every length (the head saying so): refused. */
    for (int st = 0; st < NSTREAMS; st++) {
        size_t full = s[st].n;
        for (size_t len = 0; len < full; len++) {
            s[st].n = len;
            int rc = decode_entries(join_page(page, 4, 1, s, NSTREAMS), &pg);
            CHECK_MSG(rc == WPK2_E_CORRUPT, "stream %d cut to %zu of %zu: rc %d %s", st, len, full, rc, e.msg);
        }
        s[st].n = full;
        bb_u8(&s[st], 0);
        int rc = decode_entries(join_page(page, 4, 1, s, NSTREAMS), &pg);
        CHECK_MSG(rc == WPK2_E_CORRUPT, "stream %d with a byte more: rc %d", st, rc);
        s[st].n = full;
    }
    /* Every single byte changed: refused or decoded, never read past. */
    n = join_page(page, 4, 1, s, NSTREAMS);
    for (size_t k = 0; k < n; k++)
        for (int bit = 0; bit < 8; bit++) {
            page[k] ^= (uint8_t)(1 << bit);
            if (decode_entries(n, &pg) == WPK2_OK) wpk2_entry_page_free(&pg);
            page[k] ^= (uint8_t)(1 << bit);
        }
}

/* Decode the streams after `edit`; the error must name `part`. */
static void entry_refused(int line, void (*edit)(void), int code, const char *part)
{
    reset_ctx();
    entry_streams(1);
    edit();
    size_t n = join_page(page, 4, 1, s, NSTREAMS);
    wpk2_entry_page pg;
    int rc = decode_entries(n, &pg);
    if (rc == WPK2_OK) wpk2_entry_page_free(&pg);
    CHECK_MSG(rc == code && strstr(e.msg, part), "line %d: rc %d \"%s\", wanted %d \"%s\"", line, rc, e.msg, code, part);
}

#define EDIT(name, body) static void name(void) { body; }
/* Rewrite one stream from scratch. */
EDIT(flag7, s[FLAGS].p[2] = 0x80)
EDIT(title_spelled_alone, s[FLAGS].p[2] = 0x04)
EDIT(url_spelled_alone, s[FLAGS].p[2] = 0x08 | 0x20)
EDIT(url_spelled_no_base, s[FLAGS].p[3] |= 0x08)
EDIT(flags_short, s[FLAGS].n = 3; s[FLAGS].p[2] = 0)
EDIT(wiki_3, s[WIKIS].p[2] = 3)
EDIT(strings_order, s[STRINGS].n = 0; bb_str(&s[STRINGS], "Category:B"); bb_str(&s[STRINGS], "Category:A");
     bb_str(&s[STRINGS], "text/markdown"))
EDIT(strings_dup, s[STRINGS].n = 0; bb_str(&s[STRINGS], "Category:A"); bb_str(&s[STRINGS], "Category:A");
     bb_str(&s[STRINGS], "text/markdown"))
EDIT(block_unused, bb_var(&s[BLOCKS], 0); bb_var(&s[BLOCKS], 1); bb_var(&s[BLOCKS], 1); bb_u64(&s[BLOCKS], 0); auth(&s[BLOCKS], 0))
EDIT(block_past_data, ctx.data_size = 179)
EDIT(block_raw_cap, ctx.max_block = 999)
EDIT(block_expansion, s[BLOCKS].n = 0; bb_var(&s[BLOCKS], 100); bb_var(&s[BLOCKS], 1); bb_var(&s[BLOCKS], 40000);
     bb_u64(&s[BLOCKS], 0); auth(&s[BLOCKS], 0); bb_var(&s[BLOCKS], 10); bb_var(&s[BLOCKS], 20); bb_var(&s[BLOCKS], 300);
     bb_u64(&s[BLOCKS], 0); auth(&s[BLOCKS], 0))
EDIT(place_first_zero, s[PLACES].n = 0; bb_var(&s[PLACES], 0); bb_var(&s[PLACES], 0); bb_var(&s[PLACES], 1);
     bb_var(&s[PLACES], 0))
EDIT(place_ref_range, s[PLACES].p[0] = 3)
EDIT(place_past_raw, s[PLACES].p[1] = 100) /* 100 + 10 + 20 > 300? no: offset 100, then entry 3 at 110..130 ok */
EDIT(place_past_raw2, s[PLACES].n = 0; bb_var(&s[PLACES], 2); bb_var(&s[PLACES], 275); bb_var(&s[PLACES], 0);
     bb_var(&s[PLACES], 1); bb_var(&s[PLACES], 0))
EDIT(time_unit0, s[TIMES].n = 0; bb_var(&s[TIMES], 0); bb_zig(&s[TIMES], -5); bb_zig(&s[TIMES], 12))
EDIT(time_overflow, s[TIMES].n = 0; bb_var(&s[TIMES], 1000000); bb_zig(&s[TIMES], INT64_MAX / 1000000 + 1);
     bb_zig(&s[TIMES], 0))
EDIT(path_order, s[PATHS].n = 0; bb_front(&s[PATHS], 0, "a/Foo_bar.md"); bb_front(&s[PATHS], 2, "Zed");
     bb_front(&s[PATHS], 0, "a"); bb_front(&s[PATHS], 1, "/c.d"))
EDIT(path_equal, s[PATHS].n = 0; bb_front(&s[PATHS], 0, "a/Foo_bar.md"); bb_front(&s[PATHS], 12, "");
     bb_front(&s[PATHS], 0, "b"); bb_front(&s[PATHS], 1, "/c.d"))
EDIT(path_shared_long, s[PATHS].n = 0; bb_front(&s[PATHS], 13, "a"))
EDIT(path_nul, s[PATHS].n = 0; bb_front(&s[PATHS], 0, "a/Foo_bar.md"); bb_front(&s[PATHS], 2, "Zed");
     bb_var(&s[PATHS], 0); bb_var(&s[PATHS], 2); bb_bytes(&s[PATHS], "b\0", 2); bb_front(&s[PATHS], 1, "/c.d"))
EDIT(first_key, from.key = S("a/Foo"))
EDIT(count_from, from.page_items = 5)
EDIT(beyond_count, ctx.entry_count = 5)
EDIT(title_empty, s[TITLES].n = 0; bb_str(&s[TITLES], ""))
EDIT(url_empty, s[URLS].n = 0; bb_str(&s[URLS], ""); bb_str(&s[URLS], "u"))
EDIT(spelled_empty, s[PATHS].n = 0; bb_front(&s[PATHS], 0, "a/Foo_bar.md"); bb_front(&s[PATHS], 2, "Zed");
     bb_front(&s[PATHS], 0, "b"); bb_front(&s[PATHS], 1, "/.d.") /* spells ".d": allowed */)
EDIT(type_range, s[TYPES].p[0] = 4)
EDIT(type_empty, s[STRINGS].n = 0; bb_str(&s[STRINGS], ""); bb_str(&s[STRINGS], "Category:A");
     bb_str(&s[STRINGS], "Category:B"); s[TYPES].p[0] = 1)
EDIT(ext_zero, s[EXT].p[0] = 0)
EDIT(cat_range, s[EXT].p[2] = 6) /* zigzag 3: string 3 */
EDIT(cat_negative, s[EXT].p[2] = 1) /* zigzag -1: string -1 */
EDIT(current_zero, s[EXT].n = 0; bb_var(&s[EXT], 1); bb_u8(&s[EXT], 3); bb_zig(&s[EXT], 0);
     bb_var(&s[EXT], 1); bb_u8(&s[EXT], 2); bb_zig(&s[EXT], 0); bb_var(&s[EXT], 1); bb_u8(&s[EXT], 3); bb_zig(&s[EXT], 0))
EDIT(current_range, s[EXT].n = 0; bb_var(&s[EXT], 1); bb_u8(&s[EXT], 3); bb_zig(&s[EXT], 0);
     bb_var(&s[EXT], 1); bb_u8(&s[EXT], 2); bb_zig(&s[EXT], 7); bb_var(&s[EXT], 1); bb_u8(&s[EXT], 3); bb_zig(&s[EXT], 0))
EDIT(current_below, s[EXT].n = 0; bb_var(&s[EXT], 1); bb_u8(&s[EXT], 3); bb_zig(&s[EXT], 0);
     bb_var(&s[EXT], 1); bb_u8(&s[EXT], 2); bb_zig(&s[EXT], -4); bb_var(&s[EXT], 1); bb_u8(&s[EXT], 3); bb_zig(&s[EXT], 0))
EDIT(revisions_zero, s[EXT].n = 0; bb_var(&s[EXT], 1); bb_u8(&s[EXT], 4); bb_var(&s[EXT], 0))
EDIT(revisions_range, s[EXT].n = 0; bb_var(&s[EXT], 1); bb_u8(&s[EXT], 4); bb_var(&s[EXT], 2); bb_zig(&s[EXT], 1);
     bb_zig(&s[EXT], 7))
EDIT(repeated_ns, s[EXT].n = 0; bb_var(&s[EXT], 2); bb_u8(&s[EXT], 3); bb_zig(&s[EXT], 0); bb_u8(&s[EXT], 3);
     bb_zig(&s[EXT], 1))
EDIT(current_and_revisions, s[EXT].n = 0; bb_var(&s[EXT], 2); bb_u8(&s[EXT], 2); bb_zig(&s[EXT], 1);
     bb_u8(&s[EXT], 4); bb_var(&s[EXT], 1); bb_zig(&s[EXT], 1))
EDIT(same_without_current, s[EXT].n = 0; bb_var(&s[EXT], 1); bb_u8(&s[EXT], 5))
EDIT(same_with_category, s[EXT].n = 0; bb_var(&s[EXT], 3); bb_u8(&s[EXT], 1); bb_zig(&s[EXT], 0); bb_u8(&s[EXT], 2);
     bb_zig(&s[EXT], 1); bb_u8(&s[EXT], 5))
EDIT(unknown_tag0, s[EXT].n = 0; bb_var(&s[EXT], 1); bb_u8(&s[EXT], 0); bb_str(&s[EXT], "skipped"))
EDIT(field_count_big, s[EXT].n = 0; bb_var(&s[EXT], 65536))
EDIT(kind_title, page[0] = 0)

static void entry_revisions_first(void)
{
    /* Only entry 2 keeps its ext: a valid REVISIONS of one. */
    s[FLAGS].p[1] &= (uint8_t)~0x40;
    s[FLAGS].p[3] &= (uint8_t)~0x40;
}

static void test_entry_rules(void)
{
#define REFUSED(edit, code, part) entry_refused(__LINE__, edit, code, part)
    REFUSED(flag7, WPK2_E_CORRUPT, "entry 4 (FLAGS): bit 7 set");
    REFUSED(title_spelled_alone, WPK2_E_CORRUPT, "TITLE_SPELLED without HAS_TITLE");
    REFUSED(url_spelled_alone, WPK2_E_CORRUPT, "URL_SPELLED without HAS_URL and HAS_TITLE");
    REFUSED(url_spelled_no_base, WPK2_E_CORRUPT, "entry 5 (FLAGS): URL_SPELLED without a wiki with a url_base");
    REFUSED(flags_short, WPK2_E_CORRUPT, "(FLAGS): 3 bytes for 4 entries");
    REFUSED(wiki_3, WPK2_E_CORRUPT, "entry 4 (WIKIS)");
    REFUSED(strings_order, WPK2_E_CORRUPT, "(STRINGS), string 1: not above");
    REFUSED(strings_dup, WPK2_E_CORRUPT, "(STRINGS), string 1: not above");
    REFUSED(block_unused, WPK2_E_CORRUPT, "reference 2: used by no entry");
    REFUSED(block_past_data, WPK2_E_CORRUPT, "reference 1: block outside DATA");
    REFUSED(block_raw_cap, WPK2_E_LIMIT, "reference 0: block of 1000 bytes, over the 999-byte cap");
    REFUSED(block_expansion, WPK2_E_CORRUPT, "more than a zstd frame");
    REFUSED(place_first_zero, WPK2_E_CORRUPT, "entry 2 (PLACES): p = 0 for the page's first content");
    REFUSED(place_ref_range, WPK2_E_CORRUPT, "entry 2 (PLACES): block reference number out of range");
    REFUSED(place_past_raw2, WPK2_E_CORRUPT, "entry 3 (PLACES): content runs past");
    REFUSED(time_unit0, WPK2_E_CORRUPT, "entry 2 (TIMES): no unit, or unit 0");
    REFUSED(time_overflow, WPK2_E_CORRUPT, "entry 2 (TIMES): time times unit overflows");
    REFUSED(path_order, WPK2_E_CORRUPT, "entry 4 (PATHS): paths out of order");
    REFUSED(path_equal, WPK2_E_CORRUPT, "entry 3 (PATHS): paths out of order");
    REFUSED(path_shared_long, WPK2_E_CORRUPT, "entry 2 (PATHS): truncated, or a shared prefix longer");
    REFUSED(path_nul, WPK2_E_CORRUPT, "entry 4 (PATHS): path contains a NUL byte");
    REFUSED(first_key, WPK2_E_CORRUPT, "first key differs");
    REFUSED(count_from, WPK2_E_CORRUPT, "holds 4 items, its referrer says 5");
    REFUSED(beyond_count, WPK2_E_CORRUPT, "entries 2..5 beyond entry_count 5");
    REFUSED(title_empty, WPK2_E_CORRUPT, "entry 3 (TITLES): empty title");
    REFUSED(url_empty, WPK2_E_CORRUPT, "entry 3 (URLS): empty URL");
    REFUSED(spelled_empty, WPK2_OK, "");
    REFUSED(type_range, WPK2_E_CORRUPT, "entry 2 (TYPES): string number out of range");
    REFUSED(type_empty, WPK2_E_CORRUPT, "entry 2 (TYPES): empty media type");
    REFUSED(ext_zero, WPK2_E_CORRUPT, "entry 2 (EXT): HAS_EXT with no field");
    REFUSED(cat_range, WPK2_E_CORRUPT, "entry 2 (EXT): CATEGORY string number out of range");
    REFUSED(cat_negative, WPK2_E_CORRUPT, "entry 2 (EXT): CATEGORY string number out of range");
    REFUSED(current_zero, WPK2_E_CORRUPT, "entry 3 (EXT): CURRENT is 0");
    REFUSED(current_range, WPK2_E_CORRUPT, "entry 3 (EXT): CURRENT is 0 or out of range");
    REFUSED(current_below, WPK2_E_CORRUPT, "entry 3 (EXT): CURRENT is 0 or out of range");
    REFUSED(revisions_zero, WPK2_E_CORRUPT, "entry 2 (EXT): REVISIONS count 0");
    REFUSED(revisions_range, WPK2_E_CORRUPT, "entry 2 (EXT): REVISIONS entry number out of range");
    REFUSED(repeated_ns, WPK2_E_CORRUPT, "entry 2 (EXT): a field of tags 2..10 repeated");
    REFUSED(current_and_revisions, WPK2_E_CORRUPT, "entry 2 (EXT): both CURRENT and REVISIONS");
    REFUSED(same_without_current, WPK2_E_CORRUPT, "entry 2 (EXT): SAME_CATEGORIES without CURRENT");
    REFUSED(same_with_category, WPK2_E_CORRUPT, "entry 2 (EXT): SAME_CATEGORIES without CURRENT, or with CATEGORY");
    REFUSED(field_count_big, WPK2_E_CORRUPT, "entry 2 (EXT): field count truncated or over 65535");
    REFUSED(entry_revisions_first, WPK2_E_CORRUPT, "(EXT): ");
    (void)place_past_raw;
    (void)unknown_tag0;
    (void)kind_title;
#undef REFUSED
    /* Tag 0 is skipped like 8..255. */
    reset_ctx();
    entry_streams(0);
    s[EXT].n = 0;
    bb_var(&s[EXT], 1); bb_u8(&s[EXT], 0); bb_str(&s[EXT], "skipped");
    bb_var(&s[EXT], 1); bb_u8(&s[EXT], 2); bb_zig(&s[EXT], -1);
    bb_var(&s[EXT], 1); bb_u8(&s[EXT], 3); bb_zig(&s[EXT], 0);
    wpk2_entry_page pg;
    CHECK_OK(decode_entries(join_page(page, 4, 1, s, NSTREAMS), &pg), e);
    CHECK(pg.count == 4 && pg.entries[0].ext == 0 && pg.entries[0].category_count == 0);
    wpk2_entry_page_free(&pg);
    /* The head alone. */
    uint32_t count, kind;
    entry_streams(0);
    size_t m = join_page(page, 4, 1, s, NSTREAMS);
    CHECK_OK(wpk2_page_peek(page, m, &count, &kind, &e), e);
    CHECK(count == 4 && kind == 1);
    CHECK_ERR(wpk2_page_peek(page, 7, &count, &kind, &e), e, WPK2_E_CORRUPT, "shorter than its head");
    page[4] = 6;
    CHECK_ERR(wpk2_page_peek(page, m, &count, &kind, &e), e, WPK2_E_CORRUPT, "unknown kind 6");
    page[0] = 0;
    CHECK_ERR(wpk2_page_peek(page, m, &count, &kind, &e), e, WPK2_E_CORRUPT, "count 0");
    CHECK_ERR(decode_entries(m, &pg), e, WPK2_E_CORRUPT, "entry page: page of kind 6");
    page[4] = 1;
    CHECK_ERR(decode_entries(m, &pg), e, WPK2_E_CORRUPT, "entry page has no items (count 0)");
    /* Another kind, and the strings cap. */
    entry_streams(0);
    size_t n = join_page(page, 4, 2, s, NSTREAMS);
    CHECK_ERR(decode_entries(n, &pg), e, WPK2_E_CORRUPT, "page of kind 2 (title), expected 1 (entry)");
    n = join_page(page, 4, 1, s, NSTREAMS);
    ctx.max_strings = 60;
    CHECK_ERR(decode_entries(n, &pg), e, WPK2_E_LIMIT, "decoded strings over the 60-byte cap");
    ctx.max_strings = 0;
}

/* ---- entry pages: encoder round trips over edge cases ---- */

static int same_str(wpk2_str a, wpk2_str b) { return a.len == b.len && (a.len == 0 || !memcmp(a.p, b.p, a.len)); }

static int same_entry(const wpk2_entry *a, const wpk2_entry *b, const wpk2_block_ref *ab, const wpk2_block_ref *bb_)
{
    if ((a->flags & WPK2_F_CONTENT) != (b->flags & WPK2_F_CONTENT) || a->wiki != b->wiki || a->size != b->size ||
        !same_str(a->path, b->path) || !same_str(a->media_type, b->media_type) || a->ext != b->ext)
        return 0;
    if ((a->flags & WPK2_F_HAS_ID) && a->page_id != b->page_id) return 0;
    if ((a->flags & WPK2_F_HAS_TIME) && a->updated_us != b->updated_us) return 0;
    if ((a->flags & WPK2_F_HAS_TITLE) && !same_str(a->title, b->title)) return 0;
    if ((a->flags & WPK2_F_HAS_URL) && !same_str(a->url, b->url)) return 0;
    if (a->size && (a->offset != b->offset || ab[a->block].offset != bb_[b->block].offset)) return 0;
    if (a->category_count != b->category_count || a->revision_count != b->revision_count) return 0;
    for (uint32_t k = 0; k < a->category_count; k++)
        if (!same_str(a->categories[k], b->categories[k])) return 0;
    for (uint32_t k = 0; k < a->revision_count; k++)
        if (a->revisions[k] != b->revisions[k]) return 0;
    if ((a->ext & WPK2_X_CURRENT) && a->current != b->current) return 0;
    if ((a->ext & WPK2_X_NAMESPACE) && a->ns != b->ns) return 0;
    if ((a->ext & WPK2_X_REDIRECT) && !same_str(a->redirect, b->redirect)) return 0;
    if ((a->ext & WPK2_X_LANGUAGE) && !same_str(a->language, b->language)) return 0;
    if ((a->ext & WPK2_X_REVISION_ID) && a->revision_id != b->revision_id) return 0;
    if ((a->ext & WPK2_X_CONTRIBUTOR) && !same_str(a->contributor, b->contributor)) return 0;
    if ((a->ext & WPK2_X_COMMENT) && !same_str(a->comment, b->comment)) return 0;
    return 1;
}

/* Encode, decode, compare; returns the decoded page's flags of entry i via pg. */
static int round_trip(const wpk2_entry *in, uint32_t count, const wpk2_block_ref *blocks, uint32_t nblocks,
                      uint64_t first, wpk2_entry_page *pg, wpk2_buf *out)
{
    out->len = 0;
    int rc = wpk2_entry_page_encode(out, &ctx, first, in, count, blocks, nblocks, &e);
    if (rc) return rc;
    wpk2_root_item it = {.first_item = first, .page_items = count, .key = in[0].path};
    ctx.from = &it;
    rc = wpk2_entry_page_decode(out->p, out->len, &ctx, pg, &e);
    ctx.from = NULL;
    if (rc) return rc;
    for (uint32_t i = 0; i < count; i++)
        if (!same_entry(&in[i], &pg->entries[i], blocks, pg->blocks)) {
            fprintf(stderr, "entry %u differs after the round trip\n", i);
            return -100;
        }
    return 0;
}

static void test_entry_round_trips(void)
{
    reset_ctx();
    ctx.from = NULL;
    ctx.entry_count = 1000;
    wpk2_block_ref blocks[3] = {
        {.offset = 500, .stored_size = 10, .raw_size = 100, .checksum = 7},
        {.offset = 0, .stored_size = 500, .raw_size = 5000, .checksum = 8},
        {.offset = 510, .stored_size = 1, .raw_size = 1},
    };
    static uint8_t big[70000];
    memset(big, 'x', sizeof big);
    for (size_t i = 0; i < sizeof big; i += 7) big[i] = '_';
    const char *base = "https://en.wikipedia.org/wiki/";
    static uint8_t long_url[65535];
    memcpy(long_url, base, 30);
    for (size_t i = 30; i < sizeof long_url; i++) long_url[i] = big[i - 30] == '_' ? '_' : 'x';
    static uint8_t long_title[65535 - 30];
    for (size_t i = 0; i < sizeof long_title; i++) long_title[i] = big[i] == '_' ? ' ' : 'x';
    wpk2_str cats[3] = {S("Zeta"), S(""), S("Alpha")};
    uint32_t revs[3] = {999, 0, 500};
    wpk2_entry in[8];
    memset(in, 0, sizeof in);
    /* 0: max-length path, ID 2^64-1, negative time in µs, explicit title equal to the spelled one except one byte */
    in[0] = (wpk2_entry){.flags = WPK2_F_HAS_ID | WPK2_F_HAS_TIME | WPK2_F_HAS_TITLE, .page_id = UINT64_MAX,
                         .updated_us = -1, .size = 10, .block = 1, .offset = 4990, .path = {big, 65535},
                         .title = S("Not spelled"), .media_type = S("text/plain")};
    in[0].path.p = (const uint8_t *)"A";
    in[0].path.len = 1;
    /* 1: ID 0, time INT64_MIN, spelled title, URL spelled exactly 65535 bytes, dedup: p >= 1 repeating entry 0's offset */
    in[1] = (wpk2_entry){.flags = WPK2_F_HAS_ID | WPK2_F_HAS_TIME | WPK2_F_HAS_TITLE | WPK2_F_HAS_URL, .wiki = 1,
                         .page_id = 0, .updated_us = INT64_MIN, .size = 10, .block = 1, .offset = 4990,
                         .path = {big, 65535 - 30}, .title = {long_title, sizeof long_title},
                         .url = {long_url, sizeof long_url}, .categories = cats, .category_count = 3};
    /* 2: time INT64_MAX, right after entry 1 in block 0? no: in block 0 at 0 (p >= 1), empty category and revisions */
    in[2] = (wpk2_entry){.flags = WPK2_F_HAS_TIME, .updated_us = INT64_MAX, .size = 60, .block = 0, .offset = 0,
                         .path = S("b"), .revisions = revs, .revision_count = 3, .ext = WPK2_X_NAMESPACE,
                         .ns = INT64_MIN};
    /* 3: follows entry 2 directly (p = 0) */
    in[3] = (wpk2_entry){.size = 40, .block = 0, .offset = 60, .path = S("c"), .ext = WPK2_X_CURRENT | WPK2_X_SAME_CATEGORIES,
                         .current = 2};
    /* 4: empty content between placed ones, empty strings in REDIRECT and LANGUAGE */
    in[4] = (wpk2_entry){.path = S("d"), .ext = WPK2_X_REDIRECT | WPK2_X_LANGUAGE, .media_type = S("text/plain")};
    /* 5: a content repeating entry 2's (dedup, p >= 1 to an earlier offset) */
    in[5] = (wpk2_entry){.size = 60, .block = 0, .offset = 0, .path = S("e"), .flags = WPK2_F_HAS_URL,
                         .url = S("https://en.wikipedia.org/wiki/E"), .wiki = 1};
    /* 6: URL equal to base + title but the wiki has no base (explicit); last block, all of it */
    in[6] = (wpk2_entry){.flags = WPK2_F_HAS_TITLE | WPK2_F_HAS_URL, .wiki = 2, .title = S("f"), .url = S("f"),
                         .size = 1, .block = 2, .path = S("f")};
    /* 7: a title that the path spells, with a leading-dot component */
    in[7] = (wpk2_entry){.flags = WPK2_F_HAS_TITLE, .title = S(".profile"), .path = S("home/.profile"),
                         .size = 1, .block = 2, .offset = 0};
    wpk2_entry_page pg;
    wpk2_buf out = {0};
    int rc = round_trip(in, 8, blocks, 3, 500, &pg, &out);
    CHECK_MSG(rc == 0, "rc %d %s", rc, e.msg);
    if (rc == 0) {
        const wpk2_entry *x = pg.entries;
        CHECK(!(x[0].flags & WPK2_F_TITLE_SPELLED) && (x[1].flags & WPK2_F_TITLE_SPELLED) &&
              (x[1].flags & WPK2_F_URL_SPELLED) && !(x[5].flags & WPK2_F_URL_SPELLED) &&
              !(x[6].flags & WPK2_F_URL_SPELLED) && (x[7].flags & WPK2_F_TITLE_SPELLED));
        CHECK(pg.time_unit == 1 && pg.block_count == 3 && pg.blocks[0].offset == 0 && pg.blocks[2].offset == 510);
        CHECK(x[4].redirect.len == 0 && x[4].language.len == 0 && x[4].block == WPK2_NO_BLOCK);
        /* STRINGS: "", Alpha, Zeta, text/plain, sorted */
        CHECK(pg.string_count == 4 && pg.strings[0].len == 0 && str_is(pg.strings[3], "text/plain"));
        wpk2_entry_page_free(&pg);
    }
    /* PLACES bytes: refs by DATA offset (blocks 1, 0, 2); p = 0 only for entry 3 */
    {
        wpk2_buf o2 = {0};
        CHECK_OK(wpk2_entry_page_encode(&o2, &ctx, 500, in, 8, blocks, 3, &e), e);
        uint32_t lens[NSTREAMS];
        size_t at = 8 + 4 * NSTREAMS;
        for (int k = 0; k < NSTREAMS; k++) lens[k] = (uint32_t)(o2.p[8 + 4 * k] | o2.p[9 + 4 * k] << 8 | o2.p[10 + 4 * k] << 16);
        for (int k = 0; k < PLACES; k++) at += lens[k];
        static const uint8_t want[] = {1, 0xFE, 0x26, 1, 0xFE, 0x26, 2, 0, 0, 2, 0, 3, 0, 3, 0};
        CHECK(lens[PLACES] == sizeof want && !memcmp(o2.p + at, want, sizeof want));
        wpk2_buf_free(&o2);
    }
    /* One more byte of URL: no longer spellable, and over 65535 to give. */
    wpk2_entry bad = in[1];
    bad.url.len = 65535;
    bad.title.len -= 1;
    CHECK_OK(round_trip(&bad, 1, blocks, 3, 0, &pg, &out), e);
    wpk2_entry_page_free(&pg);
    /* Encoder refusals. */
#define ENC_REFUSED(edit, code, part)                                                              \
    do {                                                                                           \
        wpk2_entry t[2] = {in[2], in[3]};                                                          \
        edit;                                                                                      \
        out.len = 0;                                                                               \
        CHECK_ERR(wpk2_entry_page_encode(&out, &ctx, 10, t, 2, blocks, 3, &e), e, code, part);     \
        CHECK(out.len == 0);                                                                       \
    } while (0)
    ENC_REFUSED(t[1].path = S("a"), WPK2_E_INVALID, "entry 11: paths out of order");
    ENC_REFUSED(t[1].path = S(""), WPK2_E_INVALID, "entry 11: path empty");
    ENC_REFUSED(t[1].block = 3, WPK2_E_INVALID, "entry 11: block index out of range");
    ENC_REFUSED(t[1].offset = 61, WPK2_E_INVALID, "entry 11: content runs past");
    ENC_REFUSED(t[1].current = 11, WPK2_E_INVALID, "entry 11: CURRENT out of range or the entry itself");
    ENC_REFUSED(t[1].current = 1000, WPK2_E_INVALID, "CURRENT out of range");
    ENC_REFUSED(t[1].ext = WPK2_X_SAME_CATEGORIES, WPK2_E_INVALID, "SAME_CATEGORIES without CURRENT");
    ENC_REFUSED(t[1].revisions = revs; t[1].revision_count = 1, WPK2_E_INVALID, "both CURRENT and REVISIONS");
    ENC_REFUSED(t[0].flags |= WPK2_F_HAS_TITLE, WPK2_E_INVALID, "entry 10: HAS_TITLE with an empty title");
    ENC_REFUSED(t[0].flags |= WPK2_F_HAS_URL, WPK2_E_INVALID, "entry 10: HAS_URL with an empty URL");
    ENC_REFUSED(t[0].wiki = 3, WPK2_E_INVALID, "wiki number above wiki_count");
    ENC_REFUSED(ctx.entry_count = 11, WPK2_E_INVALID, "entries beyond entry_count");
    ENC_REFUSED(ctx.entry_count = 1000; ctx.max_strings = 1, WPK2_E_LIMIT, "over the 1-byte cap");
    ctx.entry_count = 1000;
    ctx.max_strings = 0;
    {
        wpk2_block_ref two[2] = {blocks[0], blocks[0]};
        two[1].checksum = 99;
        wpk2_entry t[2] = {in[2], in[3]};
        t[1].block = 1;
        out.len = 0;
        CHECK_ERR(wpk2_entry_page_encode(&out, &ctx, 10, t, 2, two, 2, &e), e, WPK2_E_INVALID, "two different blocks");
        two[1].checksum = two[0].checksum;
        CHECK_OK(wpk2_entry_page_encode(&out, &ctx, 10, t, 2, two, 2, &e), e); /* the same block twice: one reference */
    }
    wpk2_buf_free(&out);
#undef ENC_REFUSED
}

/* ---- title pages ---- */

enum { KEYS, FORMS, DISPLAYS, TWIKIS, TENTRIES };
static bb ts[5];

static void title_streams(void)
{
    memset(ts, 0, sizeof ts);
    /* été (title, form 1: Été), été (alias, form 2 "ETE"), étés (former, form 0), ú (title, form 1 "Ú", wiki 2) */
    bb_front(&ts[KEYS], 0, "\xC3\xA9t\xC3\xA9");
    bb_front(&ts[KEYS], 5, "");
    bb_front(&ts[KEYS], 5, "s");
    bb_front(&ts[KEYS], 1, "\xBA");
    bb_u8(&ts[FORMS], 1 | 0 << 2);
    bb_u8(&ts[FORMS], 2 | 1 << 2);
    bb_u8(&ts[FORMS], 0 | 2 << 2);
    bb_u8(&ts[FORMS], 1 | 0 << 2);
    bb_str(&ts[DISPLAYS], "ETE");
    bb_var(&ts[TWIKIS], 1); bb_var(&ts[TWIKIS], 1); bb_var(&ts[TWIKIS], 1); bb_var(&ts[TWIKIS], 2);
    bb_zig(&ts[TENTRIES], 7); bb_zig(&ts[TENTRIES], -4); bb_zig(&ts[TENTRIES], 0); bb_zig(&ts[TENTRIES], 6);
}

static int title_decode(wpk2_title_page *pg)
{
    size_t n = join_page(page, 4, 2, ts, 5);
    return wpk2_title_page_decode(page, n, &ctx, pg, &e);
}

/* Format 2.1's revision facts: IDs from 0 to 2^64 - 1 as decimal digits,
 * contributor and comment; each digit string a decoder must refuse. */
static size_t find_bytes(const uint8_t *p, size_t n, const char *what)
{
    size_t k = strlen(what);
    for (size_t i = 0; i + k <= n; i++)
        if (!memcmp(p + i, what, k)) return i;
    return SIZE_MAX;
}

static void test_revision_facts(void)
{
    reset_ctx();
    ctx.from = NULL;
    ctx.entry_count = 10;
    wpk2_entry in[3];
    memset(in, 0, sizeof in);
    in[0] = (wpk2_entry){.path = S("a"), .ext = WPK2_X_REVISION_ID | WPK2_X_CONTRIBUTOR | WPK2_X_COMMENT,
                         .revision_id = UINT64_MAX, .contributor = S("Ex\xc3\xa4mple"), .comment = S("c\tomment")};
    in[1] = (wpk2_entry){.path = S("b"), .ext = WPK2_X_REVISION_ID, .revision_id = 0};
    in[2] = (wpk2_entry){.path = S("c"), .ext = WPK2_X_CONTRIBUTOR, .contributor = S("192.0.2.1")};
    wpk2_entry_page pg;
    wpk2_buf out = {0};
    int rc = round_trip(in, 3, NULL, 0, 0, &pg, &out);
    CHECK_MSG(rc == 0, "rc %d %s", rc, e.msg);
    if (rc == 0) {
        CHECK(pg.entries[0].revision_id == UINT64_MAX && pg.entries[1].revision_id == 0 &&
              pg.entries[1].ext == WPK2_X_REVISION_ID && str_is(pg.entries[2].contributor, "192.0.2.1"));
        wpk2_entry_page_free(&pg);
    }
    /* The digits as stored, changed into what is not a revision ID. */
    static const struct { const char *from, *to, *why; } bad[] = {
        {"18446744073709551615", "18446744073709551616", "2^64"},
        {"18446744073709551615", "1844674407370955161x", "a letter"},
        {"18446744073709551615", "08446744073709551615", "a leading zero"},
        {"18446744073709551615", "-8446744073709551615", "a sign"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        size_t at = find_bytes(out.p, out.len, bad[k].from);
        CHECK_MSG(at != SIZE_MAX, "the digits are not stored as such");
        if (at == SIZE_MAX) break;
        uint8_t *copy = malloc(out.len);
        memcpy(copy, out.p, out.len);
        memcpy(copy + at, bad[k].to, strlen(bad[k].to));
        wpk2_root_item it = {.first_item = 0, .page_items = 3, .key = S("a")};
        ctx.from = &it;
        rc = wpk2_entry_page_decode(copy, out.len, &ctx, &pg, &e);
        ctx.from = NULL;
        if (rc == WPK2_OK) wpk2_entry_page_free(&pg);
        CHECK_MSG(rc == WPK2_E_CORRUPT && strstr(e.msg, "REVISION_ID is not a decimal number"), "%s: rc %d %s",
                  bad[k].why, rc, e.msg);
        free(copy);
    }
    /* An empty contributor or comment is not written. */
    in[2].contributor = S("");
    out.len = 0;
    CHECK_ERR(wpk2_entry_page_encode(&out, &ctx, 0, in, 3, NULL, 0, &e), e, WPK2_E_INVALID, "CONTRIBUTOR or COMMENT empty");
    in[2] = (wpk2_entry){.path = S("c"), .ext = WPK2_X_COMMENT};
    out.len = 0;
    CHECK_ERR(wpk2_entry_page_encode(&out, &ctx, 0, in, 3, NULL, 0, &e), e, WPK2_E_INVALID, "CONTRIBUTOR or COMMENT empty");
    wpk2_buf_free(&out);
}

static void test_title_pages(void)
{
    reset_ctx();
    from = (wpk2_root_item){.page_items = 4, .key = S("\xC3\xA9t\xC3\xA9")};
    title_streams();
    wpk2_title_page pg;
    CHECK_OK(title_decode(&pg), e);
    CHECK(pg.count == 4 && str_is(pg.items[0].display, "\xC3\x89t\xC3\xA9") && pg.items[0].entry == 7 &&
          pg.items[0].kind == 0 && pg.items[0].wiki == 1);
    CHECK(str_is(pg.items[1].display, "ETE") && pg.items[1].kind == 1 && pg.items[1].entry == 3);
    CHECK(str_is(pg.items[2].key, "\xC3\xA9t\xC3\xA9s") && str_is(pg.items[2].display, "\xC3\xA9t\xC3\xA9s") &&
          pg.items[2].kind == 2 && pg.items[2].entry == 3);
    CHECK(str_is(pg.items[3].display, "\xC3\x9A") && pg.items[3].wiki == 2 && pg.items[3].entry == 9);
    wpk2_buf out = {0};
    CHECK_OK(wpk2_title_page_encode(&out, &ctx, pg.items, pg.count, &e), e);
    size_t n = join_page(page, 4, 2, ts, 5);
    CHECK(out.len == n && !memcmp(out.p, page, n));
    wpk2_title_page_free(&pg);
    for (size_t k = 0; k < n; k++) CHECK(wpk2_title_page_decode(page, k, &ctx, &pg, &e) == WPK2_E_CORRUPT);
    for (int st = 0; st < 5; st++) {
        size_t full = ts[st].n;
        for (size_t len = 0; len < full; len++) {
            ts[st].n = len;
            CHECK_MSG(title_decode(&pg) == WPK2_E_CORRUPT, "title stream %d cut to %zu", st, len);
        }
        ts[st].n = full;
        bb_u8(&ts[st], 0);
        CHECK_MSG(title_decode(&pg) == WPK2_E_CORRUPT, "title stream %d with a byte more", st);
        ts[st].n = full;
    }
#define T_REFUSED(edit, part)                                                         \
    do {                                                                              \
        reset_ctx();                                                                  \
        from = (wpk2_root_item){.page_items = 4, .key = S("\xC3\xA9t\xC3\xA9")};      \
        title_streams();                                                              \
        edit;                                                                         \
        CHECK_ERR(title_decode(&pg), e, WPK2_E_CORRUPT, part);                        \
    } while (0)
    T_REFUSED(ts[FORMS].p[1] = 3, "item 1 (FORMS): unknown form or kind");
    T_REFUSED(ts[FORMS].p[1] = 3 << 2, "item 1 (FORMS): unknown form or kind");
    T_REFUSED(ts[FORMS].p[1] = 0x10, "item 1 (FORMS)");
    T_REFUSED(ts[FORMS].n = 3, "(FORMS): 3 bytes for 4 items");
    T_REFUSED(ts[TWIKIS].p[3] = 3, "item 3 (WIKIS)");
    T_REFUSED(ts[TWIKIS].p[1] = 0, "item 1 (KEYS): items out of order");
    T_REFUSED(ts[TENTRIES].p[0] = 20, "item 0 (ENTRIES): entry number out of range");
    T_REFUSED(ts[TENTRIES].p[1] = 15, "item 1 (ENTRIES): entry number out of range"); /* 7 - 8 */
    T_REFUSED(ts[FORMS].p[0] = 1 | 2 << 2, "item 1 (KEYS): items out of order");
    T_REFUSED(from.key = S("x"), "first key differs");
    T_REFUSED(from.page_items = 3, "holds 4 items");
    T_REFUSED(ts[KEYS].n = 0; bb_front(&ts[KEYS], 0, "\xC3\xA9t\xC3\xA9"); bb_front(&ts[KEYS], 5, "");
              bb_front(&ts[KEYS], 5, "s"); bb_front(&ts[KEYS], 0, "a"), "item 3 (KEYS): items out of order");
#undef T_REFUSED
    /* Equal items (two aliases of one entry folding alike) are allowed. */
    reset_ctx();
    ctx.from = NULL;
    wpk2_title_item two[2] = {{S("a"), S("A"), 0, 1, 0, 1}, {S("a"), S("a_"), 0, 1, 0, 1}};
    out.len = 0;
    CHECK_OK(wpk2_title_page_encode(&out, &ctx, two, 2, &e), e);
    CHECK_OK(wpk2_title_page_decode(out.p, out.len, &ctx, &pg, &e), e);
    CHECK(pg.count == 2 && pg.items[0].form == WPK2_FORM_MEDIAWIKI && str_is(pg.items[1].display, "a_") &&
          pg.items[1].form == WPK2_FORM_DISPLAY);
    wpk2_title_page_free(&pg);
    two[1].kind = 0;
    out.len = 0;
    CHECK_ERR(wpk2_title_page_encode(&out, &ctx, two, 2, &e), e, WPK2_E_INVALID, "item 1: items out of order");
    two[1].kind = 3;
    CHECK_ERR(wpk2_title_page_encode(&out, &ctx, two, 2, &e), e, WPK2_E_INVALID, "item 1: unknown kind");
    /* An empty key (a title of spaces) and its own MediaWiki form. */
    wpk2_title_item empty = {S(""), S(""), 0, 0, 0, 0};
    out.len = 0;
    CHECK_OK(wpk2_title_page_encode(&out, &ctx, &empty, 1, &e), e);
    CHECK_OK(wpk2_title_page_decode(out.p, out.len, &ctx, &pg, &e), e);
    CHECK(pg.items[0].key.len == 0 && pg.items[0].form == 0);
    wpk2_title_page_free(&pg);
    wpk2_buf_free(&out);
}

static void test_upper_first(void)
{
    uint8_t o[16];
    CHECK(wpk2_upper_first((const uint8_t *)"\xC3\xA9t\xC3\xA9", 5, o) == 5 && !memcmp(o, "\xC3\x89t\xC3\xA9", 5));
    CHECK(wpk2_upper_first((const uint8_t *)"\xC4\xB1x", 3, o) == 2 && !memcmp(o, "Ix", 2)); /* dotless i */
    CHECK(wpk2_upper_first((const uint8_t *)"\xC7\x86" "a", 3, o) == 3 && !memcmp(o, "\xC7\x84" "a", 3)); /* dž to DŽ */
    CHECK(wpk2_upper_first((const uint8_t *)"\xFFz", 2, o) == 2 && !memcmp(o, "\xFFz", 2));
    CHECK(wpk2_upper_first((const uint8_t *)"", 0, o) == 0);
    CHECK(wpk2_upper_first((const uint8_t *)"1a", 2, o) == 2 && !memcmp(o, "1a", 2));
}

static void test_spelling(void)
{
    uint8_t o[64];
    CHECK(wpk2_spell_title((const uint8_t *)"a/Grok_web_framework.md", 23, o) == 18 && !memcmp(o, "Grok web framework", 18));
    CHECK(wpk2_spell_title((const uint8_t *)"home/.profile", 13, o) == 8 && !memcmp(o, ".profile", 8));
    CHECK(wpk2_spell_title((const uint8_t *)"x/a.b.c", 7, o) == 3 && !memcmp(o, "a.b", 3));
    CHECK(wpk2_spell_title((const uint8_t *)"noext", 5, o) == 5);
    CHECK(wpk2_spell_title((const uint8_t *)"x/.", 3, o) == 1);
    CHECK(wpk2_title_spellable(S("a/b_c.txt"), S("b c")) && !wpk2_title_spellable(S("a/b_c.txt"), S("b_c")));
    CHECK(wpk2_url_spellable(S("http://w/"), S("a b"), S("http://w/a_b")) && !wpk2_url_spellable(S(""), S("a"), S("a")));
}

/* ---- ID pages ---- */

static bb is[3];
static void id_streams(void)
{
    memset(is, 0, sizeof is);
    /* (0, 5, e1) (0, 6, e4) (1, 0, e2) (1, 2^64-1, e0) (2, 2^64-1, e9) */
    uint64_t w[5] = {0, 0, 1, 1, 2}, id[5] = {5, 1, 0, UINT64_MAX, UINT64_MAX};
    int64_t en[5] = {1, 3, -2, -2, 9};
    for (int i = 0; i < 5; i++) {
        bb_var(&is[0], w[i]);
        bb_var(&is[1], id[i]);
        bb_zig(&is[2], en[i]);
    }
}

static int id_decode(wpk2_id_page *pg) { return wpk2_id_page_decode(page, join_page(page, 5, 3, is, 3), &ctx, pg, &e); }

static void test_id_pages(void)
{
    reset_ctx();
    uint8_t key[10];
    wpk2_id_key(key, 0, 5);
    from = (wpk2_root_item){.page_items = 5, .key = {key, 10}};
    id_streams();
    wpk2_id_page pg;
    CHECK_OK(id_decode(&pg), e);
    CHECK(pg.count == 5 && pg.items[0].page_id == 5 && pg.items[1].page_id == 6 && pg.items[1].entry == 4 && pg.items[2].wiki == 1 &&
          pg.items[2].page_id == 0 && pg.items[2].entry == 2 && pg.items[3].page_id == UINT64_MAX &&
          pg.items[3].entry == 0 && pg.items[4].wiki == 2 && pg.items[4].entry == 9);
    wpk2_buf out = {0};
    CHECK_OK(wpk2_id_page_encode(&out, &ctx, pg.items, pg.count, &e), e);
    size_t n = join_page(page, 5, 3, is, 3);
    CHECK(out.len == n && !memcmp(out.p, page, n));
    wpk2_id_page_free(&pg);
    for (size_t k = 0; k < n; k++) CHECK(wpk2_id_page_decode(page, k, &ctx, &pg, &e) == WPK2_E_CORRUPT);
    for (int st = 0; st < 3; st++) {
        size_t full = is[st].n;
        for (size_t len = 0; len < full; len++) {
            is[st].n = len;
            CHECK_MSG(id_decode(&pg) == WPK2_E_CORRUPT, "ID stream %d cut to %zu", st, len);
        }
        is[st].n = full;
    }
#define I_REFUSED(edit, part)            \
    do {                                 \
        id_streams();                    \
        edit;                            \
        CHECK_ERR(id_decode(&pg), e, WPK2_E_CORRUPT, part); \
    } while (0)
    I_REFUSED(is[0].p[4] = 3, "item 4 (WIKIS): truncated, or above wiki_count");
    I_REFUSED(is[0].p[3] = 2, "item 4 (IDS): page ID over 2^64 - 1");
    I_REFUSED(is[0].p[2] = 2, "item 3 (WIKIS): wiki numbers out of order");
    I_REFUSED(is[1].p[1] = 0, "item 1 (IDS): (wiki, page ID) of the previous item repeated");
    I_REFUSED(is[2].p[4] = 20, "item 4 (ENTRIES): entry number out of range");
    I_REFUSED(from.key.p = (const uint8_t *)"\0\0\6\0\0\0\0\0\0\0", "first key differs");
    I_REFUSED(bb_u8(&is[1], 0), "(IDS): 1 bytes left");
#undef I_REFUSED
    wpk2_id_item bad[2] = {{1, 5, 1}, {1, 5, 2}};
    CHECK_ERR(wpk2_id_page_encode(&out, &ctx, bad, 2, &e), e, WPK2_E_INVALID, "item 1: items out of order or repeated");
    wpk2_buf_free(&out);
}

/* ---- category pages ---- */

static bb cs[3];
static void category_streams(void)
{
    memset(cs, 0, sizeof cs);
    /* "Cat:A" {0, 4, 9}, "Cat:B" {2}, "Dog" {2, 3} */
    bb_front(&cs[0], 0, "Cat:A"); bb_front(&cs[0], 4, "B"); bb_front(&cs[0], 0, "Dog");
    bb_var(&cs[1], 3); bb_var(&cs[1], 1); bb_var(&cs[1], 2);
    bb_var(&cs[2], 0); bb_var(&cs[2], 4); bb_var(&cs[2], 5); bb_var(&cs[2], 2); bb_var(&cs[2], 2); bb_var(&cs[2], 1);
}

static int cat_decode(wpk2_category_page *pg)
{
    return wpk2_category_page_decode(page, join_page(page, 6, 4, cs, 3), &ctx, pg, &e);
}

static void test_category_pages(void)
{
    reset_ctx();
    from = (wpk2_root_item){.page_items = 6, .key = S("Cat:A")};
    category_streams();
    wpk2_category_page pg;
    CHECK_OK(cat_decode(&pg), e);
    CHECK(pg.count == 6 && pg.run_count == 3 && str_is(pg.items[2].name, "Cat:A") && pg.items[2].entry == 9 &&
          str_is(pg.items[3].name, "Cat:B") && pg.items[3].entry == 2 && str_is(pg.items[5].name, "Dog") &&
          pg.items[5].entry == 3);
    wpk2_buf out = {0};
    CHECK_OK(wpk2_category_page_encode(&out, &ctx, pg.items, pg.count, &e), e);
    size_t n = join_page(page, 6, 4, cs, 3);
    CHECK(out.len == n && !memcmp(out.p, page, n));
    wpk2_category_page_free(&pg);
    for (size_t k = 0; k < n; k++) CHECK(wpk2_category_page_decode(page, k, &ctx, &pg, &e) == WPK2_E_CORRUPT);
    for (int st = 0; st < 3; st++) {
        size_t full = cs[st].n;
        for (size_t len = 0; len < full; len++) {
            cs[st].n = len;
            CHECK_MSG(cat_decode(&pg) == WPK2_E_CORRUPT, "category stream %d cut to %zu", st, len);
        }
        cs[st].n = full;
    }
#define C_REFUSED(edit, part)                               \
    do {                                                    \
        category_streams();                                 \
        from.key = S("Cat:A");                              \
        edit;                                               \
        CHECK_ERR(cat_decode(&pg), e, WPK2_E_CORRUPT, part); \
    } while (0)
    C_REFUSED(cs[1].p[0] = 0, "item 0 (RUNS): truncated, 0");
    C_REFUSED(cs[1].p[2] = 3, "item 4 (RUNS): truncated, 0, or past the page's count");
    C_REFUSED(cs[1].p[2] = 1, "item 5 (RUNS): truncated");
    C_REFUSED(from.key = S("Cat:B"); cs[0].n = 0; bb_front(&cs[0], 0, "Cat:B"); bb_front(&cs[0], 4, "A"); bb_front(&cs[0], 0, "Dog"),
              "item 3 (NAMES): names out of order");
    C_REFUSED(cs[0].n = 0; bb_front(&cs[0], 0, "Cat:A"); bb_front(&cs[0], 5, ""); bb_front(&cs[0], 0, "Dog"),
              "item 3 (NAMES): names out of order");
    C_REFUSED(cs[2].p[1] = 0, "item 1 (ENTRIES): step 0 within a run");
    C_REFUSED(cs[2].p[2] = 6, "item 2 (ENTRIES): entry number out of range");
    C_REFUSED(cs[2].p[3] = 10, "item 3 (ENTRIES): entry number out of range");
    C_REFUSED(from.key = S("Cat"), "first key differs");
#undef C_REFUSED
    wpk2_category_item bad[2] = {{S("a"), 3}, {S("a"), 3}};
    CHECK_ERR(wpk2_category_page_encode(&out, &ctx, bad, 2, &e), e, WPK2_E_INVALID, "item 1: items out of order");
    wpk2_buf_free(&out);
}

/* ---- term pages and the SEARCH section (format 2.3) ---- */

static bb ts[5];
static void term_streams(void)
{
    memset(ts, 0, sizeof ts);
    /* "cat" in 7 documents, 3 here {1, 4, 9}; "dog" common, none here; "eel" {2} */
    bb_front(&ts[0], 0, "cat"); bb_front(&ts[0], 0, "dog"); bb_front(&ts[0], 0, "eel");
    bb_var(&ts[1], 7); bb_var(&ts[1], 900); bb_var(&ts[1], 1);
    bb_var(&ts[2], 3); bb_var(&ts[2], 0); bb_var(&ts[2], 1);
    bb_var(&ts[3], 1); bb_var(&ts[3], 3); bb_var(&ts[3], 5); bb_var(&ts[3], 2);
    bb_u8(&ts[4], 0xB3); bb_u8(&ts[4], 0x00); bb_u8(&ts[4], 0x01); bb_u8(&ts[4], 0x8F);
}

static int term_decode(wpk2_term_page *pg)
{
    return wpk2_term_page_decode(page, join_page(page, 3, 6, ts, 5), &ctx, pg, &e);
}

static void test_term_pages(void)
{
    reset_ctx();
    from = (wpk2_root_item){.page_items = 3, .key = S("cat")};
    term_streams();
    wpk2_term_page pg;
    CHECK_OK(term_decode(&pg), e);
    CHECK(pg.count == 3 && pg.postings == 4 && str_is(pg.runs[0].term, "cat") && pg.runs[0].docs == 7 &&
          pg.runs[0].count == 3 && pg.runs[1].count == 0 && pg.runs[1].docs == 900 && str_is(pg.runs[2].term, "eel") &&
          pg.runs[2].first == 3 && pg.docs[2] == 9 && pg.docs[3] == 2 && pg.impacts[0] == 0xB3 && pg.impacts[3] == 0x8F);
    wpk2_buf out = {0};
    CHECK_OK(wpk2_term_page_encode(&out, &ctx, pg.runs, pg.count, pg.docs, pg.impacts, &e), e);
    size_t n = join_page(page, 3, 6, ts, 5);
    CHECK(out.len == n && !memcmp(out.p, page, n));
    wpk2_term_page_free(&pg);
    for (size_t k = 0; k < n; k++) CHECK(wpk2_term_page_decode(page, k, &ctx, &pg, &e) == WPK2_E_CORRUPT);
    for (int st = 0; st < 5; st++) {
        size_t full = ts[st].n;
        for (size_t len = 0; len < full; len++) {
            ts[st].n = len;
            CHECK_MSG(term_decode(&pg) == WPK2_E_CORRUPT, "term stream %d cut to %zu", st, len);
        }
        ts[st].n = full;
    }
#define T_REFUSED(edit, part)                                 \
    do {                                                      \
        term_streams();                                       \
        from.key = S("cat");                                  \
        edit;                                                 \
        CHECK_ERR(term_decode(&pg), e, WPK2_E_CORRUPT, part); \
    } while (0)
    T_REFUSED(ts[0].n = 0; bb_front(&ts[0], 0, "cat"); bb_front(&ts[0], 0, "cat"); bb_front(&ts[0], 0, "eel"),
              "run 1 (TERMS): terms out of order");
    T_REFUSED(from.key = S(""); ts[0].n = 0; bb_front(&ts[0], 0, ""); bb_front(&ts[0], 0, "dog"); bb_front(&ts[0], 0, "eel"),
              "run 0 (TERMS): a term of 0 or more than 255 bytes");
    T_REFUSED(ts[1].p[0] = 2, "run 0 (DOCS_OF): truncated, 0, or below the run's postings");
    T_REFUSED(ts[1].p[3] = 0, "run 2 (DOCS_OF): truncated, 0");
    T_REFUSED(ts[2].p[0] = 5, "run 0 (RUNS): truncated, or more postings than IMPACTS holds");
    T_REFUSED(ts[3].p[1] = 0, "run 0 (DOCS): step 0 within a run");
    T_REFUSED(ts[3].p[3] = 10, "run 2 (DOCS): entry number out of range");
    T_REFUSED(ts[4].p[1] = 0x10, "run 0 (IMPACTS): bit 6, or bits 4..5 without bit 7");
    T_REFUSED(ts[4].p[0] = 0xC3, "run 0 (IMPACTS): bit 6, or bits 4..5 without bit 7");
    T_REFUSED(bb_u8(&ts[4], 0), "(IMPACTS): 5 bytes for 4 postings");
    T_REFUSED(from.key = S("ca"), "first key differs");
#undef T_REFUSED
    /* A count of runs beyond what RUNS can hold. */
    term_streams();
    from.page_items = 9;
    CHECK_ERR(wpk2_term_page_decode(page, join_page(page, 9, 6, ts, 5), &ctx, &pg, &e), e, WPK2_E_CORRUPT,
              "cannot hold 9 runs");
    wpk2_term_run bad[2] = {{S("b"), 1, 0, 0}, {S("a"), 1, 0, 0}};
    uint32_t d = 0;
    uint8_t im = 0;
    CHECK_ERR(wpk2_term_page_encode(&out, &ctx, bad, 2, &d, &im, &e), e, WPK2_E_INVALID, "run 1: terms out of order");
    wpk2_buf_free(&out);

    /* SEARCH: the four fields, each once; unknown tags skipped. */
    wpk2_search_params p = {.documents = 12, .common = 1000, .analyzer = 1, .classes = 2, .weights = {100, 7000}};
    wpk2_buf sb = {0};
    CHECK_OK(wpk2_search_params_encode(&sb, &p, &e), e);
    wpk2_search_params q;
    CHECK_OK(wpk2_search_params_decode(sb.p, sb.len, &q, &e), e);
    CHECK(q.documents == 12 && q.common == 1000 && q.analyzer == 1 && q.classes == 2 && q.weights[1] == 7000);
    for (size_t k = 0; k < sb.len; k++) CHECK(wpk2_search_params_decode(sb.p, k, &q, &e) == WPK2_E_CORRUPT);
    static bb twice, unknown, odd;
    bb_bytes(&twice, sb.p, sb.len);
    bb_u8(&twice, 1); bb_u16(&twice, 8); bb_u64(&twice, 3);
    CHECK_ERR(wpk2_search_params_decode(twice.p, twice.n, &q, &e), e, WPK2_E_CORRUPT, "a second DOCUMENTS field");
    bb_bytes(&unknown, sb.p, sb.len);
    bb_u8(&unknown, 77); bb_u16(&unknown, 1); bb_u8(&unknown, 5);
    CHECK_OK(wpk2_search_params_decode(unknown.p, unknown.n, &q, &e), e);
    bb_u8(&odd, 3); bb_u16(&odd, 3); bb_u8(&odd, 1); bb_u8(&odd, 2); bb_u8(&odd, 3);
    CHECK_ERR(wpk2_search_params_decode(odd.p, odd.n, &q, &e), e, WPK2_E_CORRUPT, "(WEIGHTS): 3 bytes");
    p.classes = 17;
    CHECK_ERR(wpk2_search_params_encode(&sb, &p, &e), e, WPK2_E_INVALID, "17 impact classes");
    wpk2_buf_free(&sb);
}

/* ---- roots and branch pages ---- */

static wpk2_root_item ritems[4];
static uint8_t rkeys[4][10];

/* Four leaves of index `kind`, 10 items each. */
static void root_items(uint32_t kind)
{
    static const char *keys[4] = {"a", "b", "b", "c"};
    for (int i = 0; i < 4; i++) {
        ritems[i] = (wpk2_root_item){.page_offset = 1000u * i, .stored_size = 900, .raw_size = 4000, .checksum = 77u + i,
                                     .first_item = 10u * i, .page_items = 10};
        memset(ritems[i].auth, 0x30 + i, 32);
        if (kind == WPK2_PAGE_ID) {
            ritems[i].key_wiki = (uint16_t)(i / 2);
            ritems[i].key_id = i % 2 ? UINT64_MAX : 0;
            wpk2_id_key(rkeys[i], ritems[i].key_wiki, ritems[i].key_id);
            ritems[i].key = (wpk2_str){rkeys[i], 10};
        } else {
            ritems[i].key = S(i == 2 && kind != WPK2_PAGE_CATEGORY ? "bb" : keys[i]);
        }
    }
}

static void root_bytes(bb *b, uint32_t count, uint32_t kind, const wpk2_root_item *it, int n)
{
    b->n = 0;
    bb_u32(b, count);
    bb_u32(b, kind);
    for (int i = 0; i < n; i++) {
        bb_u64(b, it[i].page_offset); bb_u32(b, it[i].stored_size); bb_u32(b, it[i].raw_size); bb_u64(b, it[i].checksum);
        bb_bytes(b, it[i].auth, 32); bb_u64(b, it[i].first_item); bb_u32(b, it[i].page_items); bb_u16(b, (uint16_t)it[i].key.len);
        bb_bytes(b, it[i].key.p, it[i].key.len);
    }
}

static void test_roots(void)
{
    for (uint32_t kind = 1; kind <= 4; kind++) {
        wpk2_root_ctx rc = {.index_kind = kind, .entry_count = 40, .pages_size = 4000};
        root_items(kind);
        bb b;
        root_bytes(&b, 4, kind, ritems, 4);
        wpk2_root r;
        CHECK_OK(wpk2_root_decode(b.p, b.n, &rc, &r, &e), e);
        CHECK(r.count == 4 && r.total == 40 && r.kind == kind && r.items[3].checksum == 80 && r.items[2].auth[0] == 0x32 &&
              r.items[1].first_item == 10 && same_str(r.items[2].key, ritems[2].key));
        if (kind == WPK2_PAGE_ID) CHECK(r.items[3].key_wiki == 1 && r.items[3].key_id == UINT64_MAX);
        wpk2_buf out = {0};
        CHECK_OK(wpk2_root_encode(&out, &rc, r.items, r.count, &e), e);
        CHECK(out.len == b.n && !memcmp(out.p, b.p, b.n));
        wpk2_buf_free(&out);
        wpk2_root_free(&r);
        for (size_t k = 0; k < b.n; k++) {
            int code = wpk2_root_decode(b.p, k, &rc, &r, &e);
            CHECK_MSG(code == WPK2_E_CORRUPT, "kind %u root cut at %zu: %d", kind, k, code);
        }
    }
    wpk2_root_ctx rc = {.index_kind = 2, .entry_count = 40, .pages_size = 4000};
    wpk2_root r;
    bb b;
#define R_REFUSED(kind_, edit, part)                                           \
    do {                                                                       \
        rc = (wpk2_root_ctx){.index_kind = kind_, .entry_count = 40, .pages_size = 4000}; \
        root_items(kind_);                                                     \
        uint32_t count = 4, k = kind_;                                         \
        edit;                                                                  \
        root_bytes(&b, count, k, ritems, 4);                                   \
        CHECK_ERR(wpk2_root_decode(b.p, b.n, &rc, &r, &e), e, WPK2_E_CORRUPT, part); \
    } while (0)
    R_REFUSED(2, ritems[2].key = S("b"), "item 2: key equal to the previous");
    R_REFUSED(1, ritems[2].key = S("a"), "item 2: key below the previous");
    R_REFUSED(3, ritems[2] = ritems[1], "item 2: first_item 10, expected 20");
    R_REFUSED(3, wpk2_id_key(rkeys[2], 0, 7), "item 2: key below the previous");
    R_REFUSED(4, ritems[2].key = S("a"), "item 2: key below the previous");
    R_REFUSED(1, ritems[1].first_item = 11; ritems[2].first_item = 21; ritems[3].first_item = 31, "item 1: first_item 11");
    R_REFUSED(1, rc.entry_count = 41, "items total 40 entries, the header says 41");
    R_REFUSED(1, ritems[3].page_offset = 3101, "item 3: page at 3101 (900 bytes) outside PAGES");
    R_REFUSED(1, ritems[3].raw_size = 59, "item 3: page of 59 raw bytes is shorter");
    R_REFUSED(2, ritems[3].raw_size = 27, "item 3: page of 27 raw bytes");
    R_REFUSED(1, ritems[3].stored_size = 0, "item 3: page of 0 stored bytes");
    R_REFUSED(1, ritems[3].raw_size = 900 * 32768 + 1; rc.pages_size = 1u << 30, "more than a zstd frame");
    R_REFUSED(1, ritems[3].page_items = 0, "item 3: page of 0 items");
    R_REFUSED(2, ritems[3].page_items = 4001, "item 3: 4001 items cannot fit a page of 4000 raw bytes");
    R_REFUSED(3, ritems[3].key.len = 8, "item 3: ID key of 8 bytes");
    R_REFUSED(1, ritems[0].key = S(""), "item 0: empty path key");
    R_REFUSED(1, k = 2, "kind 2, expected 1");
    R_REFUSED(1, k = 5, "kind 5, expected 1");
    R_REFUSED(1, rc.branched = 1, "kind 1, expected 5");
    R_REFUSED(1, count = 5, "5 items cannot fit");
    R_REFUSED(1, count = 3, "bytes after the last item");
#undef R_REFUSED
    /* An empty index. */
    rc = (wpk2_root_ctx){.index_kind = 2};
    root_bytes(&b, 0, 2, NULL, 0);
    CHECK_OK(wpk2_root_decode(b.p, b.n, &rc, &r, &e), e);
    CHECK(r.count == 0 && r.total == 0);
    wpk2_root_free(&r);
    rc.index_kind = 1;
    rc.entry_count = 1;
    root_bytes(&b, 0, 1, NULL, 0);
    CHECK_ERR(wpk2_root_decode(b.p, b.n, &rc, &r, &e), e, WPK2_E_CORRUPT, "items total 0 entries, the header says 1");

    /* A branched entry index: a root of two branch pages, each of two leaves. */
    root_items(1);
    wpk2_root_item br[2] = {
        {.page_offset = 4000, .stored_size = 100, .raw_size = 300, .first_item = 0, .page_items = 20, .key = ritems[0].key},
        {.page_offset = 4100, .stored_size = 100, .raw_size = 300, .first_item = 20, .page_items = 20, .key = ritems[2].key},
    };
    rc = (wpk2_root_ctx){.index_kind = 1, .branched = 1, .entry_count = 40, .pages_size = 4200};
    wpk2_buf out = {0};
    CHECK_OK(wpk2_root_encode(&out, &rc, br, 2, &e), e);
    CHECK_OK(wpk2_root_decode(out.p, out.len, &rc, &r, &e), e);
    CHECK(r.kind == 5 && r.count == 2 && r.total == 40);
    out.len = 0;
    CHECK_OK(wpk2_branch_encode(&out, &rc, ritems + 2, 2, &e), e);
    wpk2_root leaves;
    CHECK_OK(wpk2_branch_decode(out.p, out.len, &rc, &r.items[1], &leaves, &e), e);
    CHECK(leaves.kind == 1 && leaves.count == 2 && leaves.items[0].first_item == 20 && leaves.total == 40);
    wpk2_root_free(&leaves);
    /* The branch page must match its referrer. */
    CHECK_ERR(wpk2_branch_decode(out.p, out.len, &rc, &r.items[0], &leaves, &e), e, WPK2_E_CORRUPT,
              "item 0: first_item 20, expected 0");
    wpk2_root_item wrong = r.items[1];
    wrong.page_items = 21;
    CHECK_ERR(wpk2_branch_decode(out.p, out.len, &rc, &wrong, &leaves, &e), e, WPK2_E_CORRUPT,
              "leaves hold 20 items, its referrer says 21");
    wrong = r.items[1];
    wrong.key = S("bc");
    CHECK_ERR(wpk2_branch_decode(out.p, out.len, &rc, &wrong, &leaves, &e), e, WPK2_E_CORRUPT, "first key differs");
    uint8_t keep = out.p[8];
    out.p[8] = 2;
    CHECK_ERR(wpk2_branch_decode(out.p, out.len, &rc, &r.items[1], &leaves, &e), e, WPK2_E_CORRUPT, "child kind 2, expected 1");
    out.p[8] = keep;
    out.p[4] = 1;
    CHECK_ERR(wpk2_branch_decode(out.p, out.len, &rc, &r.items[1], &leaves, &e), e, WPK2_E_CORRUPT, "page of kind 1, expected 5");
    out.p[4] = 5;
    for (size_t k = 0; k < out.len; k++)
        CHECK(wpk2_branch_decode(out.p, k, &rc, &r.items[1], &leaves, &e) == WPK2_E_CORRUPT);
    /* A branch item's page must hold the head and an item. */
    br[1].raw_size = 81;
    out.len = 0;
    CHECK_ERR(wpk2_root_encode(&out, &rc, br, 2, &e), e, WPK2_E_INVALID, "item 1: page of 81 raw bytes");
    wpk2_root_free(&r);
    wpk2_buf_free(&out);
}

int main(void)
{
    test_entry_page();
    test_entry_rules();
    test_entry_round_trips();
    test_revision_facts();
    test_title_pages();
    test_upper_first();
    test_spelling();
    test_id_pages();
    test_category_pages();
    test_term_pages();
    test_roots();
    return check_summary();
}
