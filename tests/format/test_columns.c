/* test_columns.c - the column forms of leaves (1.5), decoded from pages
 * written here by hand after spec/FORMAT.md, independently of the writer's
 * encoder: what they decode to, and that every damaged form is refused (or
 * decodes within its bounds) rather than read past. */
#include "check.h"
#include "wpk_endian.h"
#include "wpk_format.h"

#include <stdlib.h>
#include <string.h>

typedef struct buf { uint8_t p[4096]; size_t n; } buf;

static void put_bytes(buf *b, const void *p, size_t n)
{
    memcpy(b->p + b->n, p, n);
    b->n += n;
}
static void put_u8(buf *b, uint8_t v) { put_bytes(b, &v, 1); }
static void put_varint(buf *b, uint64_t v)
{
    do {
        put_u8(b, (uint8_t)((v & 0x7F) | (v > 0x7F ? 0x80 : 0)));
        v >>= 7;
    } while (v);
}
static void put_str(buf *b, const char *s)
{
    put_varint(b, strlen(s));
    put_bytes(b, s, strlen(s));
}
static void put_u64(buf *b, uint64_t v)
{
    uint8_t w[8];
    wpk_put64(w, v);
    put_bytes(b, w, 8);
}

/* Head and streams joined into a page. */
static size_t join(uint8_t *page, const uint32_t *head, size_t head_words, buf *streams, int nstreams)
{
    size_t at = 0;
    for (size_t i = 0; i < head_words; i++, at += 4) wpk_put32(page + at, head[i]);
    for (int i = 0; i < nstreams; i++, at += 4) wpk_put32(page + at, (uint32_t)streams[i].n);
    for (int i = 0; i < nstreams; i++) {
        memcpy(page + at, streams[i].p, streams[i].n);
        at += streams[i].n;
    }
    return at;
}

/* A row page of the given items (offset table, then the items). */
static size_t row_page(uint8_t *out, uint8_t items[][256], const size_t *lens, uint32_t n)
{
    wpk_put32(out, n);
    size_t at = 4 + 4 * (size_t)n;
    for (uint32_t i = 0; i < n; i++) {
        wpk_put32(out + 4 + 4 * i, (uint32_t)at);
        memcpy(out + at, items[i], lens[i]);
        at += lens[i];
    }
    return at;
}

static buf s[WPK_COL_STREAMS];
static uint8_t page[8192], expected[8192], rows[8192];
static uint32_t string_at[16];

/* Two records exercising every stream (see columns.c). */
static size_t record_page(size_t *row_size)
{
    memset(s, 0, sizeof s);
    /* STRINGS in byte order: 0 Category:A, 1 Category:B, 2 en, 3 text/markdown */
    put_str(&s[WPK_COL_STRINGS], "Category:A");
    put_str(&s[WPK_COL_STRINGS], "Category:B");
    put_str(&s[WPK_COL_STRINGS], "en");
    put_str(&s[WPK_COL_STRINGS], "text/markdown");
    put_u64(&s[WPK_COL_BLOCKS], 4096); /* block 0 */
    put_bytes(&s[WPK_COL_BLOCKS], "\x10\x00\x00\x00\x00\x01\x00\x00", 8); /* stored 16, raw 256 */
    put_u64(&s[WPK_COL_BLOCKS], 0xB10C);
    for (int i = 0; i < 24; i++) put_u8(&s[WPK_COL_BLOCKS], 0); /* block 1: none, for the empty entry */
    /* record 0: page ID, time, both strings derived; in two categories */
    put_u8(&s[WPK_COL_FLAGS], WPK_REC_HAS_PAGE_ID | WPK_REC_HAS_UPDATED | WPK_COL_URL_DERIVED | WPK_COL_TITLE_DERIVED);
    put_varint(&s[WPK_COL_IDS], 42);
    put_varint(&s[WPK_COL_TIMES], 9); /* zigzag of -5 */
    put_varint(&s[WPK_COL_SIZES], 3);
    put_varint(&s[WPK_COL_SIZES], 0);
    put_varint(&s[WPK_COL_SIZES], 7);
    put_u64(&s[WPK_COL_HASHES], 0x1122334455667788ull);
    put_varint(&s[WPK_COL_PATHS], 0);
    put_str(&s[WPK_COL_PATHS], "a/Foo_bar.md");
    put_varint(&s[WPK_COL_META], 3); /* en */
    put_varint(&s[WPK_COL_META], 4); /* text/markdown */
    put_varint(&s[WPK_COL_EXT], 2);
    put_u8(&s[WPK_COL_EXT], WPK_EXT_CATEGORY);
    put_varint(&s[WPK_COL_EXT], 2); /* string 1: zigzag(1 - (-1) - 1) */
    put_u8(&s[WPK_COL_EXT], WPK_EXT_CATEGORY);
    put_varint(&s[WPK_COL_EXT], 3); /* string 0: zigzag(0 - 1 - 1) */
    /* record 1: empty, title and URL given, no language; a CURRENT field */
    put_u8(&s[WPK_COL_FLAGS], 0);
    put_varint(&s[WPK_COL_SIZES], 0);
    put_varint(&s[WPK_COL_SIZES], 1);
    put_varint(&s[WPK_COL_SIZES], 0);
    put_u64(&s[WPK_COL_HASHES], 0x2D06800538D394C2ull);
    put_varint(&s[WPK_COL_PATHS], 2); /* "a/" */
    put_str(&s[WPK_COL_PATHS], "Zed");
    put_str(&s[WPK_COL_TITLES], "Zed");
    put_varint(&s[WPK_COL_META], 0);
    put_varint(&s[WPK_COL_META], 4);
    put_str(&s[WPK_COL_URLS], "http://x/");
    put_varint(&s[WPK_COL_EXT], 1);
    put_u8(&s[WPK_COL_EXT], WPK_EXT_CURRENT);
    put_varint(&s[WPK_COL_EXT], 4);
    put_bytes(&s[WPK_COL_EXT], "\x01\x00\x00\x00", 4);

    /* What it stands for, written as rows. */
    uint8_t items[2][256], ext[64];
    size_t lens[2], e = 0;
    e += wpk_fmt_ext_put(ext + e, sizeof ext - e, WPK_EXT_CATEGORY, "Category:B", 10);
    e += wpk_fmt_ext_put(ext + e, sizeof ext - e, WPK_EXT_CATEGORY, "Category:A", 10);
    const char *url = "https://en.wikipedia.org/wiki/Foo_bar";
    wpk_fmt_record r0 = {WPK_REC_HAS_PAGE_ID | WPK_REC_HAS_UPDATED, 42, -5, 3, 0x1122334455667788ull,
                         {4096, 16, 256, 0xB10C}, 7,
                         (const uint8_t *)"a/Foo_bar.md", (const uint8_t *)"Foo bar", (const uint8_t *)"en",
                         (const uint8_t *)url, (const uint8_t *)"text/markdown", ext,
                         12, 7, 2, (uint16_t)strlen(url), 13, (uint16_t)e};
    wpk_fmt_record_encode(items[0], &r0);
    lens[0] = wpk_fmt_record_size(&r0);
    uint8_t cur[WPK_EXT_HEAD + 4];
    wpk_fmt_ext_put(cur, sizeof cur, WPK_EXT_CURRENT, "\x01\x00\x00\x00", 4);
    wpk_fmt_record r1 = {0, 0, 0, 0, 0x2D06800538D394C2ull, {0, 0, 0, 0}, 0,
                         (const uint8_t *)"a/Zed", (const uint8_t *)"Zed", NULL, (const uint8_t *)"http://x/",
                         (const uint8_t *)"text/markdown", cur, 5, 3, 0, 9, 13, sizeof cur};
    wpk_fmt_record_encode(items[1], &r1);
    lens[1] = wpk_fmt_record_size(&r1);
    *row_size = row_page(expected, items, lens, 2);
    uint32_t head[3] = {2, (uint32_t)*row_size, 4};
    return join(page, head, 3, s, WPK_COL_STREAMS);
}

static int decode(size_t n, size_t row_size, const char **why)
{
    return wpk_fmt_columns_decode(page, n, string_at, rows, row_size, why);
}

static void test_record_page(void)
{
    size_t row_size, n = record_page(&row_size);
    const char *why = NULL;
    wpk_fmt_col_head h;
    CHECK(wpk_fmt_columns_head(page, n, &h, &why) == WPK_FMT_OK && h.count == 2 && h.row_size == row_size &&
          h.string_count == 4);
    CHECK_MSG(decode(n, row_size, &why) == WPK_FMT_OK, "%s", why);
    CHECK(memcmp(rows, expected, row_size) == 0);
    /* The rebuilt records are valid rows. */
    const uint8_t *item;
    size_t item_len;
    wpk_fmt_record r;
    CHECK(wpk_fmt_leaf_item(rows, row_size, 1, &item, &item_len, &why) == 0 &&
          wpk_fmt_record_decode(item, item_len, &r, &why) == 0 && r.path_len == 5 && !memcmp(r.path, "a/Zed", 5));

    /* Sizes that do not agree. */
    CHECK(decode(n, row_size - 1, &why) == WPK_FMT_CORRUPT);
    CHECK(decode(n - 1, row_size, &why) == WPK_FMT_CORRUPT && strstr(why, "add up"));
    uint8_t keep[8192];
    memcpy(keep, page, n);
    wpk_put32(page + 4, (uint32_t)row_size + 1);
    CHECK(decode(n, row_size + 1, &why) == WPK_FMT_CORRUPT && strstr(why, "smaller than its row size"));
    wpk_put32(page + 4, (uint32_t)row_size - 1);
    CHECK(decode(n, row_size - 1, &why) == WPK_FMT_CORRUPT && strstr(why, "larger than its row size"));
    memcpy(page, keep, n);
    wpk_put32(page + 8, 5); /* more strings than there are */
    CHECK(decode(n, row_size, &why) == WPK_FMT_CORRUPT && strstr(why, "STRINGS"));
    wpk_put32(page + 8, 3); /* fewer: STRINGS has bytes left */
    CHECK(decode(n, row_size, &why) == WPK_FMT_CORRUPT && strstr(why, "STRINGS"));
    /* A table of strings larger than the records could use. */
    for (int i = 0; i < 100; i++) put_u8(&s[WPK_COL_STRINGS], 0);
    uint32_t big_table[3] = {2, (uint32_t)row_size, 104};
    size_t big = join(page, big_table, 3, s, WPK_COL_STREAMS);
    CHECK(decode(big, row_size, &why) == WPK_FMT_CORRUPT && strstr(why, "the records can hold"));
    s[WPK_COL_STRINGS].n -= 100;
    memcpy(page, keep, n);
    wpk_put32(page, 0);
    CHECK(decode(n, row_size, &why) == WPK_FMT_CORRUPT && strstr(why, "record count"));
    wpk_put32(page, 1000000);
    CHECK(decode(n, row_size, &why) == WPK_FMT_CORRUPT && strstr(why, "record count"));
    memcpy(page, keep, n);
}

/* Change one stream and decode; 1 when refused with a message naming `what`. */
static int refused_with(void (*edit)(void), const char *what)
{
    size_t row_size;
    record_page(&row_size);
    edit();
    uint32_t head[3] = {2, (uint32_t)row_size, 4};
    size_t n = join(page, head, 3, s, WPK_COL_STREAMS);
    const char *why = "";
    int rc = decode(n, row_size, &why);
    if (rc != WPK_FMT_CORRUPT || !strstr(why, what)) fprintf(stderr, "  got %d \"%s\", wanted \"%s\"\n", rc, why, what);
    return rc == WPK_FMT_CORRUPT && strstr(why, what) != NULL;
}

static void block_out_of_range(void) { s[WPK_COL_SIZES].p[1] = 2; } /* record 0's block number */
static void shared_too_long(void) { s[WPK_COL_PATHS].p[s[WPK_COL_PATHS].n - 5] = 13; } /* of 12 bytes */
static void unknown_flag(void) { s[WPK_COL_FLAGS].p[1] = 0x10; }
static void url_without_language(void) { s[WPK_COL_FLAGS].p[1] = WPK_COL_URL_DERIVED; s[WPK_COL_URLS].n = 0; }
static void url_without_title(void)
{
    /* record 0's title given, and empty: nothing to spell its URL from */
    s[WPK_COL_FLAGS].p[0] &= (uint8_t)~WPK_COL_TITLE_DERIVED;
    memmove(s[WPK_COL_TITLES].p + 1, s[WPK_COL_TITLES].p, s[WPK_COL_TITLES].n);
    s[WPK_COL_TITLES].p[0] = 0;
    s[WPK_COL_TITLES].n++;
}
static void string_out_of_range(void) { s[WPK_COL_META].p[3] = 9; }
static void category_out_of_range(void) { s[WPK_COL_EXT].p[2] = 8; } /* zigzag 8: string 4 of 4 */
static void category_before_first(void) { s[WPK_COL_EXT].p[2] = 1; } /* zigzag 1: string -1 */
static void leftover_bytes(void) { put_u8(&s[WPK_COL_TITLES], 'x'); }
static void varint_too_long(void)
{
    s[WPK_COL_IDS].n = 0;
    for (int i = 0; i < 10; i++) put_u8(&s[WPK_COL_IDS], 0xFF);
    put_u8(&s[WPK_COL_IDS], 0x01);
}
static void blocks_ragged(void) { s[WPK_COL_BLOCKS].n -= 1; }
static void empty_derived_title(void)
{
    /* record 1's path becomes "a/" + "" = "a/", whose last component is empty */
    s[WPK_COL_PATHS].n -= 4;
    put_varint(&s[WPK_COL_PATHS], 1);
    put_u8(&s[WPK_COL_PATHS], '/');
    s[WPK_COL_PATHS].p[s[WPK_COL_PATHS].n - 3] = 1; /* shares "a" */
    s[WPK_COL_FLAGS].p[1] = WPK_COL_TITLE_DERIVED;
    s[WPK_COL_TITLES].n = 0;
}

static void test_record_page_refusals(void)
{
    CHECK(refused_with(block_out_of_range, "SIZES"));
    CHECK(refused_with(shared_too_long, "PATHS"));
    CHECK(refused_with(unknown_flag, "FLAGS"));
    CHECK(refused_with(url_without_language, "derived URL without a language"));
    CHECK(refused_with(url_without_title, "derived URL without a language or title"));
    CHECK(refused_with(string_out_of_range, "META"));
    CHECK(refused_with(category_out_of_range, "EXT"));
    CHECK(refused_with(category_before_first, "EXT"));
    CHECK(refused_with(leftover_bytes, "left over"));
    CHECK(refused_with(varint_too_long, "IDS"));
    CHECK(refused_with(blocks_ragged, "BLOCKS"));
    CHECK(refused_with(empty_derived_title, "empty derived title"));
}

/* Every single-byte change of a valid page and every cut of it: refused or
 * decoded, never read or written out of bounds (the sanitizer build checks
 * the bounds). */
static void test_record_page_damage(void)
{
    size_t row_size, n = record_page(&row_size);
    uint8_t keep[8192];
    memcpy(keep, page, n);
    int refused = 0, decoded = 0;
    for (size_t i = 0; i < n; i++)
        for (int bit = 0; bit < 8; bit++) {
            memcpy(page, keep, n);
            page[i] ^= (uint8_t)(1u << bit);
            wpk_fmt_col_head h;
            const char *why;
            if (wpk_fmt_columns_head(page, n, &h, &why) || h.row_size > sizeof rows || h.string_count > 16) {
                refused++;
                continue;
            }
            if (wpk_fmt_columns_decode(page, n, string_at, rows, h.row_size, &why)) refused++;
            else decoded++;
        }
    for (size_t cut = 0; cut < n; cut++) {
        memcpy(page, keep, n);
        const char *why;
        CHECK(wpk_fmt_columns_decode(page, cut, string_at, rows, row_size, &why) == WPK_FMT_CORRUPT);
    }
    CHECK(refused > 0 && decoded > 0); /* flips in hashes or names still decode */
}

static size_t leaf(int kind, buf *entries, buf *keys, buf *extra, uint32_t count, uint32_t row_size)
{
    buf st[3] = {*entries, *keys, *extra};
    uint32_t head[2] = {count, row_size};
    return join(page, head, 2, st, 3);
    (void)kind;
}

static void test_leaves(void)
{
    static uint8_t key[65536];
    const char *why = NULL;
    /* Title (or category) leaf: ("Apple", 5), ("Apricot", 3), ("Apricot", 9). */
    buf en = {{0}, 0}, ke = {{0}, 0}, ex = {{0}, 0};
    put_varint(&en, 10); /* zigzag 5 */
    put_varint(&en, 3);  /* zigzag -2 */
    put_varint(&en, 12); /* zigzag 6 */
    put_varint(&ke, 0);
    put_str(&ke, "Apple");
    put_varint(&ke, 2);
    put_str(&ke, "ricot");
    put_varint(&ke, 7);
    put_str(&ke, "");
    uint8_t items[3][256];
    size_t lens[3] = {9, 11, 11};
    wpk_put32(items[0], 5);
    memcpy(items[0] + 4, "Apple", 5);
    wpk_put32(items[1], 3);
    memcpy(items[1] + 4, "Apricot", 7);
    wpk_put32(items[2], 9);
    memcpy(items[2] + 4, "Apricot", 7);
    size_t row_size = row_page(expected, items, lens, 3);
    size_t n = leaf(WPK_LEAF_TITLE, &en, &ke, &ex, 3, (uint32_t)row_size);
    CHECK_MSG(wpk_fmt_leaf_columns_decode(WPK_LEAF_TITLE, page, n, rows, row_size, key, &why) == 0, "%s", why);
    CHECK(memcmp(rows, expected, row_size) == 0);
    /* Damaged: an entry below 0, a key sharing more than there is, a row size off by one. */
    en.p[1] = 11; /* zigzag -6: 5 - 6 */
    n = leaf(WPK_LEAF_TITLE, &en, &ke, &ex, 3, (uint32_t)row_size);
    CHECK(wpk_fmt_leaf_columns_decode(WPK_LEAF_TITLE, page, n, rows, row_size, key, &why) && strstr(why, "ENTRIES"));
    en.p[1] = 3;
    ke.p[7] = 6; /* "Apple" has 5 bytes */
    n = leaf(WPK_LEAF_TITLE, &en, &ke, &ex, 3, (uint32_t)row_size);
    CHECK(wpk_fmt_leaf_columns_decode(WPK_LEAF_TITLE, page, n, rows, row_size, key, &why) && strstr(why, "KEYS"));
    ke.p[7] = 2;
    n = leaf(WPK_LEAF_TITLE, &en, &ke, &ex, 3, (uint32_t)row_size + 1);
    CHECK(wpk_fmt_leaf_columns_decode(WPK_LEAF_TITLE, page, n, rows, row_size + 1, key, &why) &&
          strstr(why, "smaller"));
    n = leaf(WPK_LEAF_TITLE, &en, &ke, &ex, 3, (uint32_t)row_size);
    for (size_t cut = 0; cut < n; cut++)
        CHECK(wpk_fmt_leaf_columns_decode(WPK_LEAF_TITLE, page, cut, rows, row_size, key, &why) == WPK_FMT_CORRUPT);

    /* Folded-title leaf: ("grok", 2, title "Grok"), ("grok", 7, alias "GROK"). */
    buf fe = {{0}, 0}, fk = {{0}, 0}, fx = {{0}, 0};
    put_varint(&fe, 4);
    put_varint(&fe, 10);
    put_varint(&fk, 0);
    put_str(&fk, "grok");
    put_varint(&fk, 4);
    put_str(&fk, "");
    put_u8(&fx, 0);
    put_str(&fx, "Grok");
    put_u8(&fx, 1);
    put_str(&fx, "GROK");
    for (int i = 0; i < 2; i++) {
        wpk_fmt_fold_item f = {i ? 7u : 2u, (uint8_t)i, (const uint8_t *)"grok", (const uint8_t *)(i ? "GROK" : "Grok"),
                               4, 4};
        lens[i] = wpk_fmt_fold_item_encode(items[i], 256, &f);
    }
    row_size = row_page(expected, items, lens, 2);
    n = leaf(WPK_LEAF_FOLD, &fe, &fk, &fx, 2, (uint32_t)row_size);
    CHECK_MSG(wpk_fmt_leaf_columns_decode(WPK_LEAF_FOLD, page, n, rows, row_size, key, &why) == 0, "%s", why);
    CHECK(memcmp(rows, expected, row_size) == 0);
    fx.n = 6; /* the alias's kind and display missing */
    n = leaf(WPK_LEAF_FOLD, &fe, &fk, &fx, 2, (uint32_t)row_size);
    CHECK(wpk_fmt_leaf_columns_decode(WPK_LEAF_FOLD, page, n, rows, row_size, key, &why) && strstr(why, "EXTRA"));

    /* ID leaf: (10, 3), (10, 1), (99, 2). */
    buf ie = {{0}, 0}, ik = {{0}, 0}, ix = {{0}, 0};
    put_varint(&ie, 6);
    put_varint(&ie, 3);
    put_varint(&ie, 2);
    put_varint(&ik, 10);
    put_varint(&ik, 0);
    put_varint(&ik, 89);
    uint8_t ids[4 + 3 * WPK_ID_ITEM_SIZE];
    wpk_put32(ids, 3);
    const uint64_t id[3] = {10, 10, 99};
    const uint32_t entry[3] = {3, 1, 2};
    for (int i = 0; i < 3; i++) {
        wpk_put64(ids + 4 + WPK_ID_ITEM_SIZE * i, id[i]);
        wpk_put32(ids + 12 + WPK_ID_ITEM_SIZE * i, entry[i]);
    }
    n = leaf(WPK_LEAF_ID, &ie, &ik, &ix, 3, sizeof ids);
    CHECK_MSG(wpk_fmt_leaf_columns_decode(WPK_LEAF_ID, page, n, rows, sizeof ids, key, &why) == 0, "%s", why);
    CHECK(memcmp(rows, ids, sizeof ids) == 0);
    n = leaf(WPK_LEAF_ID, &ie, &ik, &ix, 3, sizeof ids + 4);
    CHECK(wpk_fmt_leaf_columns_decode(WPK_LEAF_ID, page, n, rows, sizeof ids + 4, key, &why) && strstr(why, "ID items"));
    ik.n = 0; /* an ID that overflows: 2^64 - 1 then + 1 */
    put_varint(&ik, UINT64_MAX);
    put_varint(&ik, 1);
    put_varint(&ik, 0);
    n = leaf(WPK_LEAF_ID, &ie, &ik, &ix, 3, sizeof ids);
    CHECK(wpk_fmt_leaf_columns_decode(WPK_LEAF_ID, page, n, rows, sizeof ids, key, &why) && strstr(why, "KEYS"));
}

static void test_derivable(void)
{
    const uint8_t *t = (const uint8_t *)"Foo bar";
    CHECK(wpk_fmt_title_derivable(t, 7, (const uint8_t *)"x/Foo_bar.md", 12));
    CHECK(wpk_fmt_title_derivable(t, 7, (const uint8_t *)"Foo_bar", 7));
    CHECK(!wpk_fmt_title_derivable(t, 7, (const uint8_t *)"x/Foo_bar.md/", 13));
    CHECK(wpk_fmt_title_derivable((const uint8_t *)".bashrc", 7, (const uint8_t *)"home/.bashrc", 12));
    CHECK(wpk_fmt_title_derivable((const uint8_t *)"a.b", 3, (const uint8_t *)"a.b.c", 5));
    const char *url = "https://de.wikipedia.org/wiki/Foo_bar";
    CHECK(wpk_fmt_url_derivable((const uint8_t *)url, strlen(url), (const uint8_t *)"de", 2, t, 7));
    CHECK(!wpk_fmt_url_derivable((const uint8_t *)url, strlen(url), (const uint8_t *)"en", 2, t, 7));
    CHECK(!wpk_fmt_url_derivable((const uint8_t *)url, strlen(url), (const uint8_t *)"de", 2, t, 6));
}

int main(void)
{
    test_record_page();
    test_record_page_refusals();
    test_record_page_damage();
    test_leaves();
    test_derivable();
    return check_summary();
}
