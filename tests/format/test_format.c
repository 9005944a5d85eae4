/* test_format.c - unit tests of every on-disk structure in format/:
 * encode/decode round trips and the rejection of malformed bytes. */
#include "check.h"
#include "wpk_endian.h"
#include "wpk_format.h"

#include <string.h>

static void test_header(void)
{
    wpk_fmt_header h, d;
    memset(&h, 0, sizeof h);
    h.major = 1;
    h.minor = 0;
    h.file_size = 10000;
    h.entry_count = 3;
    h.block_count = 2;
    h.content_bytes = 500;
    h.unique_bytes = 400;
    h.section_count = 5;
    h.prefix_size = 128 + 5 * 48 + 100;
    h.section_table_checksum = 0x1234;
    uint8_t b[WPK_HEADER_SIZE];
    wpk_fmt_header_encode(b, &h);
    const char *why = NULL;
    CHECK(memcmp(b, "\x89WPK\r\n\x1a\n", 8) == 0);
    CHECK(wpk_le16(b + 8) == 1 && wpk_le32(b + 12) == 128);
    CHECK(wpk_fmt_header_decode(b, sizeof b, &d, &why) == WPK_FMT_OK);
    CHECK(d.file_size == 10000 && d.entry_count == 3 && d.block_count == 2 && d.section_count == 5);
    CHECK(d.prefix_size == h.prefix_size && d.section_table_checksum == 0x1234 && d.checksum == h.checksum);

    uint8_t x[WPK_HEADER_SIZE];
    memcpy(x, b, sizeof x);
    x[0] = 'P';
    CHECK(wpk_fmt_header_decode(x, sizeof x, &d, &why) == WPK_FMT_BADMAGIC);
    CHECK(wpk_fmt_header_decode(b, 64, &d, &why) == WPK_FMT_CORRUPT);
    memcpy(x, b, sizeof x);
    x[40] ^= 1; /* any bit of the header breaks its checksum */
    CHECK(wpk_fmt_header_decode(x, sizeof x, &d, &why) == WPK_FMT_CORRUPT && strstr(why, "checksum"));

    /* Unknown major version and unknown required feature: refused as format errors. */
    wpk_fmt_header v = h;
    v.major = 2;
    wpk_fmt_header_encode(x, &v);
    CHECK(wpk_fmt_header_decode(x, sizeof x, &d, &why) == WPK_FMT_VERSION);
    v = h;
    v.required_features = (uint64_t)1 << 40;
    wpk_fmt_header_encode(x, &v);
    CHECK(wpk_fmt_header_decode(x, sizeof x, &d, &why) == WPK_FMT_FEATURE);
    /* Unknown optional features and a newer minor version are accepted. */
    v = h;
    v.optional_features = 0xff00;
    v.minor = 7;
    wpk_fmt_header_encode(x, &v);
    CHECK(wpk_fmt_header_decode(x, sizeof x, &d, &why) == WPK_FMT_OK && d.minor == 7);
    /* Inconsistent sizes. */
    v = h;
    v.section_count = 0;
    wpk_fmt_header_encode(x, &v);
    CHECK(wpk_fmt_header_decode(x, sizeof x, &d, &why) == WPK_FMT_CORRUPT);
    v = h;
    v.prefix_size = v.file_size + 1;
    wpk_fmt_header_encode(x, &v);
    CHECK(wpk_fmt_header_decode(x, sizeof x, &d, &why) == WPK_FMT_CORRUPT);
    v = h;
    v.unique_bytes = v.content_bytes + 1;
    wpk_fmt_header_encode(x, &v);
    CHECK(wpk_fmt_header_decode(x, sizeof x, &d, &why) == WPK_FMT_CORRUPT);
    /* Reserved bytes must be zero (checksum recomputed so only that rule fails). */
    memcpy(x, b, sizeof x);
    x[100] = 1;
    wpk_put64(x + 120, wpk_fmt_checksum(x, 120));
    CHECK(wpk_fmt_header_decode(x, sizeof x, &d, &why) == WPK_FMT_CORRUPT && strstr(why, "reserved"));
}

static void test_section_and_trailer(void)
{
    wpk_fmt_section s = {WPK_SEC_PATH_ROOT, WPK_SECF_REQUIRED | WPK_SECF_ZSTD, 368, 50, 80, 0xabcdef, 2}, d;
    uint8_t b[WPK_SECTION_SIZE];
    wpk_fmt_section_encode(b, &s);
    const char *why = NULL;
    CHECK(wpk_fmt_section_decode(b, &d, &why) == WPK_FMT_OK);
    CHECK(memcmp(&s, &d, sizeof s) == 0);
    /* Every unknown flag bit is refused, the highest as well as the lowest. */
    for (int bit = 4; bit < 32; bit++) {
        wpk_fmt_section f = s;
        f.flags |= 1u << bit;
        wpk_fmt_section_encode(b, &f);
        why = NULL;
        CHECK_MSG(wpk_fmt_section_decode(b, &d, &why) == WPK_FMT_CORRUPT && why && strstr(why, "unknown section flag"),
                  "flag bit %d accepted", bit);
    }
    wpk_fmt_section r = {WPK_SEC_DATA, WPK_SECF_REGION, 100, 10, 10, 5, 0};
    wpk_fmt_section_encode(b, &r);
    CHECK(wpk_fmt_section_decode(b, &d, &why) == WPK_FMT_CORRUPT); /* region with a checksum */
    wpk_fmt_section u = {WPK_SEC_DICT, 0, 100, 10, 11, 5, 0};
    wpk_fmt_section_encode(b, &u);
    CHECK(wpk_fmt_section_decode(b, &d, &why) == WPK_FMT_CORRUPT); /* raw != stored uncompressed */
    wpk_fmt_section o = {WPK_SEC_DICT, 0, UINT64_MAX - 5, 10, 10, 5, 0};
    wpk_fmt_section_encode(b, &o);
    CHECK(wpk_fmt_section_decode(b, &d, &why) == WPK_FMT_CORRUPT); /* extent overflows */

    wpk_fmt_trailer t = {4242, 0x5555}, td;
    uint8_t tb[WPK_TRAILER_SIZE];
    wpk_fmt_trailer_encode(tb, &t);
    CHECK(wpk_fmt_trailer_decode(tb, sizeof tb, &td, &why) == WPK_FMT_OK);
    CHECK(td.file_size == 4242 && td.header_checksum == 0x5555);
    CHECK(wpk_fmt_trailer_decode(tb, sizeof tb - 1, &td, &why) == WPK_FMT_CORRUPT);
    for (size_t i = 0; i < sizeof tb; i++) { /* every byte of the trailer matters */
        tb[i] ^= 0x10;
        CHECK(wpk_fmt_trailer_decode(tb, sizeof tb, &td, &why) == WPK_FMT_CORRUPT);
        tb[i] ^= 0x10;
    }
}

static void test_root(void)
{
    uint8_t buf[512];
    wpk_put32(buf, 2);
    wpk_put32(buf + 4, WPK_KEY_STRING);
    size_t at = WPK_ROOT_HEAD;
    wpk_fmt_root_item a = {{0, 100, 400, 7}, 0, 5, 0, (const uint8_t *)"alpha", 5};
    wpk_fmt_root_item b = {{100, 50, 200, 8}, 5, 3, 0, (const uint8_t *)"beta", 4};
    at += wpk_fmt_root_item_encode(buf + at, sizeof buf - at, WPK_KEY_STRING, &a);
    at += wpk_fmt_root_item_encode(buf + at, sizeof buf - at, WPK_KEY_STRING, &b);
    CHECK(at == WPK_ROOT_HEAD + 2 * WPK_ROOT_ITEM_FIXED + 9);
    uint32_t count, kind;
    const char *why = NULL;
    CHECK(wpk_fmt_root_head(buf, at, &count, &kind, &why) == WPK_FMT_OK && count == 2 && kind == WPK_KEY_STRING);
    size_t pos = WPK_ROOT_HEAD;
    wpk_fmt_root_item d;
    CHECK(wpk_fmt_root_item_decode(buf, at, &pos, kind, &d, &why) == WPK_FMT_OK);
    CHECK(d.key_len == 5 && memcmp(d.key, "alpha", 5) == 0 && d.item_count == 5 && d.page.raw_size == 400);
    CHECK(wpk_fmt_root_item_decode(buf, at, &pos, kind, &d, &why) == WPK_FMT_OK);
    CHECK(d.first_item == 5 && d.page.offset == 100 && d.page.checksum == 8 && pos == at);
    /* A key running past the end, a count larger than the bytes, an empty leaf. */
    pos = WPK_ROOT_HEAD;
    CHECK(wpk_fmt_root_item_decode(buf, WPK_ROOT_HEAD + WPK_ROOT_ITEM_FIXED + 2, &pos, kind, &d, &why) == WPK_FMT_CORRUPT);
    wpk_put32(buf, 1000);
    CHECK(wpk_fmt_root_head(buf, at, &count, &kind, &why) == WPK_FMT_CORRUPT);
    wpk_put32(buf, 2);
    wpk_put32(buf + WPK_ROOT_HEAD + 32, 0);
    pos = WPK_ROOT_HEAD;
    CHECK(wpk_fmt_root_item_decode(buf, at, &pos, kind, &d, &why) == WPK_FMT_CORRUPT);
    wpk_put32(buf + 4, 9);
    CHECK(wpk_fmt_root_head(buf, at, &count, &kind, &why) == WPK_FMT_CORRUPT);
    /* u64 keys are exactly 8 bytes. */
    wpk_fmt_root_item u = {{0, 10, 16, 1}, 0, 1, 123456789012345ull, NULL, 0};
    size_t n = wpk_fmt_root_item_encode(buf, sizeof buf, WPK_KEY_U64, &u);
    CHECK(n == WPK_ROOT_ITEM_FIXED + 8);
    uint8_t u_root[128];
    wpk_put32(u_root, 1);
    wpk_put32(u_root + 4, WPK_KEY_U64);
    memcpy(u_root + 8, buf, n);
    pos = WPK_ROOT_HEAD;
    CHECK(wpk_fmt_root_item_decode(u_root, 8 + n, &pos, WPK_KEY_U64, &d, &why) == WPK_FMT_OK && d.key_u64 == u.key_u64);
    wpk_put32(u_root + 8 + 36, 4);
    pos = WPK_ROOT_HEAD;
    CHECK(wpk_fmt_root_item_decode(u_root, 8 + n, &pos, WPK_KEY_U64, &d, &why) == WPK_FMT_CORRUPT);
    CHECK(wpk_fmt_root_item_encode(buf, 10, WPK_KEY_STRING, &a) == 0);
}

static void test_leaves(void)
{
    /* A leaf of three items of lengths 3, 1, 2. */
    uint8_t p[4 + 12 + 6];
    wpk_put32(p, 3);
    wpk_put32(p + 4, 16);
    wpk_put32(p + 8, 19);
    wpk_put32(p + 12, 20);
    memcpy(p + 16, "abcdef", 6);
    const uint8_t *item;
    size_t len;
    const char *why = NULL;
    CHECK(wpk_fmt_leaf_item(p, sizeof p, 0, &item, &len, &why) == WPK_FMT_OK && len == 3 && !memcmp(item, "abc", 3));
    CHECK(wpk_fmt_leaf_item(p, sizeof p, 1, &item, &len, &why) == WPK_FMT_OK && len == 1 && *item == 'd');
    CHECK(wpk_fmt_leaf_item(p, sizeof p, 2, &item, &len, &why) == WPK_FMT_OK && len == 2 && !memcmp(item, "ef", 2));
    CHECK(wpk_fmt_leaf_item(p, sizeof p, 3, &item, &len, &why) == WPK_FMT_CORRUPT);
    wpk_put32(p + 8, 15); /* offset inside the table */
    CHECK(wpk_fmt_leaf_item(p, sizeof p, 1, &item, &len, &why) == WPK_FMT_CORRUPT);
    wpk_put32(p + 8, 21); /* out of order */
    CHECK(wpk_fmt_leaf_item(p, sizeof p, 1, &item, &len, &why) == WPK_FMT_CORRUPT);
    wpk_put32(p + 8, 99); /* past the page */
    CHECK(wpk_fmt_leaf_item(p, sizeof p, 1, &item, &len, &why) == WPK_FMT_CORRUPT);
    wpk_put32(p, 0);
    uint32_t count;
    CHECK(wpk_fmt_leaf_count(p, sizeof p, &count, &why) == WPK_FMT_CORRUPT);
    wpk_put32(p, 0x40000000);
    CHECK(wpk_fmt_leaf_count(p, sizeof p, &count, &why) == WPK_FMT_CORRUPT);

    uint8_t id[4 + 24];
    wpk_put32(id, 2);
    wpk_put64(id + 4, 77);
    wpk_put32(id + 12, 5);
    wpk_put64(id + 16, 99);
    wpk_put32(id + 24, 1);
    uint64_t pid;
    uint32_t entry;
    CHECK(wpk_fmt_id_leaf_item(id, sizeof id, 1, &pid, &entry, &why) == WPK_FMT_OK && pid == 99 && entry == 1);
    CHECK(wpk_fmt_id_leaf_item(id, sizeof id - 1, 0, &pid, &entry, &why) == WPK_FMT_CORRUPT);
    CHECK(wpk_fmt_id_leaf_item(id, sizeof id, 2, &pid, &entry, &why) == WPK_FMT_CORRUPT);
}

static void test_record(void)
{
    wpk_fmt_record r;
    memset(&r, 0, sizeof r);
    r.flags = WPK_REC_HAS_PAGE_ID | WPK_REC_HAS_UPDATED;
    r.page_id = 18836690;
    r.updated_us = -5; /* before 1970 is representable */
    r.content_size = 10;
    r.content_hash = 0x77;
    r.block = (wpk_fmt_ref){4096, 300, 1000, 0x99};
    r.offset_in_block = 990;
    r.path = (const uint8_t *)"dir/Grok.md";
    r.path_len = 11;
    r.title = (const uint8_t *)"Grok (web framework)";
    r.title_len = 20;
    r.lang = (const uint8_t *)"en";
    r.lang_len = 2;
    r.url = (const uint8_t *)"https://x/";
    r.url_len = 10;
    r.mime = (const uint8_t *)"text/markdown";
    r.mime_len = 13;
    uint8_t buf[256];
    size_t n = wpk_fmt_record_size(&r);
    CHECK(n == WPK_REC_FIXED + 56);
    wpk_fmt_record_encode(buf, &r);
    wpk_fmt_record d;
    const char *why = NULL;
    CHECK(wpk_fmt_record_decode(buf, n, &d, &why) == WPK_FMT_OK);
    CHECK(d.page_id == r.page_id && d.updated_us == -5 && d.content_size == 10 && d.offset_in_block == 990);
    CHECK(d.block.offset == 4096 && d.block.stored_size == 300 && d.block.raw_size == 1000 && d.block.checksum == 0x99);
    CHECK(d.title_len == 20 && !memcmp(d.title, r.title, 20) && !memcmp(d.mime, "text/markdown", 13));
    CHECK(wpk_fmt_record_decode(buf, n - 1, &d, &why) == WPK_FMT_CORRUPT); /* lengths must add up */
    wpk_put32(buf + 4, 991);                                                 /* content past block end */
    CHECK(wpk_fmt_record_decode(buf, n, &d, &why) == WPK_FMT_CORRUPT);
    wpk_put32(buf + 4, 990);
    wpk_put64(buf + 24, UINT64_MAX - 500); /* offset + size wraps around 2^64 (found by fuzzing) */
    CHECK(wpk_fmt_record_decode(buf, n, &d, &why) == WPK_FMT_CORRUPT);
    wpk_put64(buf + 24, 10);
    wpk_put32(buf + 52, 1000 * WPK_MAX_EXPANSION); /* more than 300 stored bytes can expand to */
    wpk_put32(buf + 4, 0);
    CHECK(wpk_fmt_record_decode(buf, n, &d, &why) == WPK_FMT_CORRUPT);
    wpk_put32(buf + 52, 300 * WPK_MAX_EXPANSION);
    CHECK(wpk_fmt_record_decode(buf, n, &d, &why) == WPK_FMT_OK);
    wpk_put32(buf + 52, 1000);
    wpk_put32(buf + 4, 990);
    wpk_put32(buf, 0x100); /* unknown flag */
    CHECK(wpk_fmt_record_decode(buf, n, &d, &why) == WPK_FMT_CORRUPT);
    wpk_put32(buf, r.flags);
    wpk_put16(buf + 64, 0); /* empty path */
    CHECK(wpk_fmt_record_decode(buf, n - 11, &d, &why) == WPK_FMT_CORRUPT);
    /* An empty entry must not point at a block. */
    wpk_fmt_record z = r;
    z.content_size = 0;
    wpk_fmt_record_encode(buf, &z);
    CHECK(wpk_fmt_record_decode(buf, n, &d, &why) == WPK_FMT_CORRUPT);
    z.block = (wpk_fmt_ref){0, 0, 0, 0};
    z.offset_in_block = 0;
    wpk_fmt_record_encode(buf, &z);
    CHECK(wpk_fmt_record_decode(buf, n, &d, &why) == WPK_FMT_OK && d.content_size == 0);
}

static void test_extension_fields(void)
{
    uint8_t buf[64];
    size_t at = wpk_fmt_ext_put(buf, sizeof buf, WPK_EXT_CATEGORY, "Category:X", 10);
    CHECK(at == WPK_EXT_HEAD + 10);
    uint8_t v[4];
    wpk_put32(v, 7);
    at += wpk_fmt_ext_put(buf + at, sizeof buf - at, WPK_EXT_CURRENT, v, 4);
    at += wpk_fmt_ext_put(buf + at, sizeof buf - at, WPK_EXT_SAME_CATEGORIES, NULL, 0);
    CHECK(wpk_fmt_ext_put(buf, 5, WPK_EXT_CATEGORY, "Category:X", 10) == 0); /* no room */
    size_t pos = 0;
    uint8_t tag;
    const uint8_t *val;
    uint16_t len;
    const char *why = NULL;
    CHECK(wpk_fmt_ext_next(buf, at, &pos, &tag, &val, &len, &why) == 1 && tag == WPK_EXT_CATEGORY && len == 10 &&
          !memcmp(val, "Category:X", 10));
    CHECK(wpk_fmt_ext_next(buf, at, &pos, &tag, &val, &len, &why) == 1 && tag == WPK_EXT_CURRENT && wpk_le32(val) == 7);
    CHECK(wpk_fmt_ext_next(buf, at, &pos, &tag, &val, &len, &why) == 1 && tag == WPK_EXT_SAME_CATEGORIES && len == 0);
    CHECK(wpk_fmt_ext_next(buf, at, &pos, &tag, &val, &len, &why) == 0 && pos == at);
    pos = 0; /* a length running past the area */
    CHECK(wpk_fmt_ext_next(buf, 8, &pos, &tag, &val, &len, &why) == WPK_FMT_CORRUPT);
    pos = 0;
    CHECK(wpk_fmt_ext_next(buf, 2, &pos, &tag, &val, &len, &why) == WPK_FMT_CORRUPT);
}

static void test_fold_item(void)
{
    uint8_t buf[64];
    wpk_fmt_fold_item f = {42, 1, (const uint8_t *)"twisted", (const uint8_t *)"Nevow", 7, 5}, d;
    size_t n = wpk_fmt_fold_item_encode(buf, sizeof buf, &f);
    CHECK(n == WPK_FOLD_ITEM_FIXED + 12);
    const char *why = NULL;
    CHECK(wpk_fmt_fold_item_decode(buf, n, &d, &why) == WPK_FMT_OK);
    CHECK(d.entry == 42 && d.kind == 1 && d.key_len == 7 && !memcmp(d.key, "twisted", 7) && d.display_len == 5 &&
          !memcmp(d.display, "Nevow", 5));
    CHECK(wpk_fmt_fold_item_encode(buf, 10, &f) == 0);
    CHECK(wpk_fmt_fold_item_decode(buf, 7, &d, &why) == WPK_FMT_CORRUPT); /* shorter than the fixed part */
    buf[4] = 2;                                                            /* unknown kind */
    CHECK(wpk_fmt_fold_item_decode(buf, n, &d, &why) == WPK_FMT_CORRUPT);
    buf[4] = 1;
    buf[5] = 1; /* the zero byte */
    CHECK(wpk_fmt_fold_item_decode(buf, n, &d, &why) == WPK_FMT_CORRUPT);
    buf[5] = 0;
    wpk_put16(buf + 6, 13); /* key past the item */
    CHECK(wpk_fmt_fold_item_decode(buf, n, &d, &why) == WPK_FMT_CORRUPT);
}

int main(void)
{
    test_header();
    test_section_and_trailer();
    test_root();
    test_leaves();
    test_record();
    test_extension_fields();
    test_fold_item();
    return check_summary();
}
