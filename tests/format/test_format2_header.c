/* test_format2_header.c - format 2.0 header, section table, signature record, SUMMARY and WIKIS: bytes written by hand after the draft, round trips, and every rejection. */
#include "format2_util.h"

#include <stdio.h>

static wpk2_err e;

/* ---- header ---- */

static size_t header_bytes(uint8_t *p, uint16_t major, uint16_t minor)
{
    bb b = {.n = 0};
    bb_bytes(&b, "\x89WPK\r\n\x1a\n", 8);
    bb_u16(&b, major);
    bb_u16(&b, minor);
    bb_u32(&b, 128);
    bb_u64(&b, 0);         /* required */
    bb_u64(&b, 0xF0);      /* optional: ignored */
    bb_u64(&b, 5000);      /* file size */
    bb_u64(&b, 7);         /* entries */
    bb_u64(&b, 3);         /* blocks */
    bb_u64(&b, 900);       /* content bytes */
    bb_u64(&b, 800);       /* unique bytes */
    bb_u32(&b, 10);        /* sections */
    bb_u32(&b, 2);         /* wikis */
    bb_u64(&b, 1000);      /* prefix size */
    bb_u64(&b, 0xABCDEF);  /* section table checksum */
    for (int i = 0; i < 24; i++) bb_u8(&b, 0);
    bb_u64(&b, wpk2_checksum(b.p, 120));
    memcpy(p, b.p, b.n);
    return b.n;
}

static void reseal(uint8_t *p)
{
    uint64_t c = wpk2_checksum(p, 120);
    for (int i = 0; i < 8; i++) p[120 + i] = (uint8_t)(c >> (8 * i));
}

static void set32(uint8_t *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i)); }
static void set64(uint8_t *p, uint64_t v) { for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i)); }

static void test_checksum(void)
{
    CHECK(wpk2_checksum("", 0) == 0x2D06800538D394C2ull);
    CHECK(wpk2_checksum("abc", 3) == 0x78AF5F94892F3950ull);
}

static void test_header(void)
{
    uint8_t p[128], q[128];
    wpk2_header h;
    header_bytes(p, 2, 7);
    int rc = wpk2_header_decode(p, 128, &h, &e);
    CHECK_OK(rc, e);
    CHECK(h.major == 2 && h.minor == 7 && h.optional_features == 0xF0 && h.file_size == 5000 && h.entry_count == 7 &&
          h.block_count == 3 && h.content_bytes == 900 && h.unique_bytes == 800 && h.section_count == 10 &&
          h.wiki_count == 2 && h.prefix_size == 1000 && h.section_table_checksum == 0xABCDEF);
    CHECK(wpk2_table_end(&h) == 128 + 480);
    /* Encoding gives the same bytes. */
    CHECK_OK(wpk2_header_encode(q, &h, &e), e);
    CHECK(!memcmp(p, q, 128));

    /* 1.x is recognised from its first 12 bytes, before any checksum. */
    header_bytes(q, 1, 5);
    CHECK_ERR(wpk2_header_decode(q, 12, &h, &e), e, WPK2_E_FORMAT,
              "made by wikipack 1.x (format 1.5); repack it with wikipack 2");
    header_bytes(q, 3, 0);
    CHECK_ERR(wpk2_header_decode(q, 128, &h, &e), e, WPK2_E_FORMAT, "unsupported major version 3");
    memcpy(q, p, 128);
    q[3] ^= 1;
    CHECK_ERR(wpk2_header_decode(q, 128, &h, &e), e, WPK2_E_FORMAT, "bad magic");
    /* Truncated anywhere: a clean refusal. */
    for (size_t n = 0; n < 128; n++) {
        rc = wpk2_header_decode(p, n, &h, &e);
        CHECK_MSG(rc == (n < 8 ? WPK2_E_FORMAT : WPK2_E_CORRUPT), "n=%zu rc=%d", n, rc);
    }
    /* Any changed byte breaks the checksum. */
    for (int i = 12; i < 128; i++) {
        memcpy(q, p, 128);
        q[i] ^= 0x40;
        CHECK(wpk2_header_decode(q, 128, &h, &e) == WPK2_E_CORRUPT);
    }
    struct { int off, size; uint64_t v; int code; const char *msg; } bad[] = {
        {12, 4, 129, WPK2_E_CORRUPT, "header size 129"},
        {16, 8, 1, WPK2_E_FORMAT, "required bits 0x1"},
        {16, 8, 1ull << 63, WPK2_E_FORMAT, "required bits"},
        {72, 4, 0, WPK2_E_CORRUPT, "section count 0"},
        {72, 4, 65, WPK2_E_CORRUPT, "section count 65"},
        {76, 4, 65536, WPK2_E_CORRUPT, "wiki count 65536"},
        {80, 8, 607, WPK2_E_CORRUPT, "ends before the section table"},
        {80, 8, 5001, WPK2_E_CORRUPT, "beyond the file size"},
        {40, 8, 1ull << 32, WPK2_E_CORRUPT, "entry count"},
        {64, 8, 901, WPK2_E_CORRUPT, "unique bytes 901"},
        {96, 1, 1, WPK2_E_CORRUPT, "reserved"},
        {119, 1, 1, WPK2_E_CORRUPT, "reserved"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        memcpy(q, p, 128);
        for (int k = 0; k < bad[i].size; k++) q[bad[i].off + k] = (uint8_t)(bad[i].v >> (8 * k));
        reseal(q);
        CHECK_ERR(wpk2_header_decode(q, 128, &h, &e), e, bad[i].code, bad[i].msg);
    }
    /* Edges that are allowed: 64 sections, 65535 wikis, prefix = file size. */
    memcpy(q, p, 128);
    set32(q + 72, 64);
    set32(q + 76, 65535);
    set64(q + 80, 5000);
    reseal(q);
    CHECK_OK(wpk2_header_decode(q, 128, &h, &e), e);
    /* The encoder refuses what the decoder would. */
    header_bytes(p, 2, 0);
    wpk2_header_decode(p, 128, &h, &e);
    h.prefix_size = 1;
    CHECK_ERR(wpk2_header_encode(q, &h, &e), e, WPK2_E_INVALID, "prefix size");
    h.prefix_size = 1000;
    h.required_features = 2;
    CHECK_ERR(wpk2_header_encode(q, &h, &e), e, WPK2_E_INVALID, "required");
}

/* ---- section table ---- */

enum { NSEC = 10 };
static wpk2_section secs[NSEC + 2];
static wpk2_header th;

/* A valid layout: roots, WIKIS, SUMMARY, SIGNATURE, DICT in the prefix,
 * PAGES and DATA after it. */
static void layout(void)
{
    static const struct { uint32_t type, flags; uint64_t size; } l[NSEC] = {
        {1, 3, 20}, {2, 3, 20}, {3, 3, 20}, {4, 0xB, 20}, {5, 2, 10}, {6, 2, 10}, {7, 0, 160}, {8, 1, 100},
        {9, 5, 1000}, {10, 5, 500},
    };
    uint64_t at = 128 + 48 * NSEC;
    for (int i = 0; i < NSEC; i++) {
        int region = l[i].flags & WPK2_SECF_REGION, z = l[i].flags & WPK2_SECF_ZSTD;
        secs[i] = (wpk2_section){l[i].type, l[i].flags, at, l[i].size, z ? l[i].size * 3 : l[i].size,
                                 region || l[i].type == 7 ? 0 : 0x1234 + (uint64_t)i, 0};
        at += l[i].size;
    }
    memset(&th, 0, sizeof th);
    th.major = 2;
    th.section_count = NSEC;
    th.prefix_size = 128 + 48 * NSEC + 360;
    th.file_size = at;
}

/* Room for one more section table entry: everything moves 48 bytes. */
static void grow_table(void)
{
    for (int i = 0; i < NSEC; i++) secs[i].offset += 48;
    th.prefix_size += 48;
    th.file_size += 48;
    th.section_count = NSEC + 1;
}

static int table(void)
{
    wpk2_section_map map;
    return wpk2_section_table_check(secs, th.section_count, &th, &map, &e);
}

static void test_section_entry(void)
{
    layout();
    uint8_t b[48];
    wpk2_section s;
    wpk2_section_encode(b, &secs[0]);
    CHECK_OK(wpk2_section_decode(b, 0, &s, &e), e);
    CHECK(!memcmp(&s, &secs[0], sizeof s));
    for (int bit = 4; bit < 32; bit++) {
        wpk2_section t = secs[0];
        t.flags |= 1u << bit;
        wpk2_section_encode(b, &t);
        CHECK_ERR(wpk2_section_decode(b, 3, &s, &e), e, WPK2_E_CORRUPT, "section 3 (type 1): unknown flag bits");
    }
    wpk2_section t = secs[8];
    t.flags |= WPK2_SECF_ZSTD;
    wpk2_section_encode(b, &t);
    CHECK_ERR(wpk2_section_decode(b, 8, &s, &e), e, WPK2_E_CORRUPT, "a region cannot be compressed");
    t = secs[8];
    t.checksum = 1;
    wpk2_section_encode(b, &t);
    CHECK_ERR(wpk2_section_decode(b, 8, &s, &e), e, WPK2_E_CORRUPT, "a region has checksum 0");
    t = secs[4];
    t.flags = 0;
    wpk2_section_encode(b, &t);
    CHECK_ERR(wpk2_section_decode(b, 4, &s, &e), e, WPK2_E_CORRUPT, "uncompressed, but raw size");
    t = secs[0];
    t.raw_size = t.stored_size * 32768 + 1;
    wpk2_section_encode(b, &t);
    CHECK_ERR(wpk2_section_decode(b, 0, &s, &e), e, WPK2_E_CORRUPT, "more than a zstd frame");
    t = secs[9];
    t.offset = UINT64_MAX - 10;
    wpk2_section_encode(b, &t);
    CHECK_ERR(wpk2_section_decode(b, 9, &s, &e), e, WPK2_E_CORRUPT, "extent overflows");
}

static void test_section_table(void)
{
    layout();
    CHECK_MSG(table() == WPK2_OK, "%s", e.msg);
    /* Through the bytes: checksum, map. */
    uint8_t raw[48 * NSEC];
    th.section_table_checksum = wpk2_section_table_encode(raw, secs, NSEC);
    wpk2_section out[NSEC];
    wpk2_section_map map;
    CHECK_OK(wpk2_section_table_decode(raw, sizeof raw, &th, out, &map, &e), e);
    CHECK(map.of[WPK2_SEC_DATA] == &out[9] && map.of[WPK2_SEC_DICT] == &out[7]);
    CHECK_ERR(wpk2_section_table_decode(raw, sizeof raw - 1, &th, out, &map, &e), e, WPK2_E_CORRUPT, "bytes of");
    raw[100] ^= 1;
    CHECK_ERR(wpk2_section_table_decode(raw, sizeof raw, &th, out, &map, &e), e, WPK2_E_CORRUPT, "checksum mismatch");

    /* The table need not be sorted. */
    wpk2_section keep = secs[0];
    secs[0] = secs[9];
    secs[9] = keep;
    CHECK_MSG(table() == WPK2_OK, "%s", e.msg);

#define CASE(edit, code, msg) do { layout(); edit; CHECK_ERR(table(), e, code, msg); } while (0)
    CASE(secs[2].type = 1, WPK2_E_CORRUPT, "a second ENTRY_ROOT");
    CASE(secs[2].type = 40; secs[2].flags = 2, WPK2_E_CORRUPT, "no ID_ROOT");
    CASE(secs[6].type = 40; secs[6].flags = 0, WPK2_E_CORRUPT, "no SIGNATURE");
    CASE(secs[9].type = 40; secs[9].flags = 4, WPK2_E_CORRUPT, "no DATA");
    CASE(secs[5].type = 40; secs[5].flags = 3, WPK2_E_FORMAT, "section type 40");
    CASE(secs[5].type = 0; secs[5].flags = 3, WPK2_E_FORMAT, "section type 0");
    CASE(secs[5].type = 40; secs[5].flags = 0xA, WPK2_E_CORRUPT, "BRANCHED on a section that is not a root");
    CASE(secs[0].flags = 1; secs[0].raw_size = 20, WPK2_E_CORRUPT, "section 0 (ENTRY_ROOT): flags 0x1");
    CASE(secs[4].flags |= 8, WPK2_E_CORRUPT, "(WIKIS): flags");
    CASE(secs[5].flags = 0; secs[5].raw_size = 10, WPK2_E_CORRUPT, "(SUMMARY): flags");
    CASE(secs[6].flags = 1, WPK2_OK, "");
    CASE(secs[6].flags = 2; secs[6].checksum = 1, WPK2_E_CORRUPT, "(SIGNATURE): flags");
    CASE(secs[6].checksum = 5, WPK2_E_CORRUPT, "160 bytes with checksum 0");
    CASE(secs[6].stored_size = secs[6].raw_size = 161; secs[7].offset++; th.prefix_size++, WPK2_E_CORRUPT,
         "160 bytes");
    CASE(secs[7].flags |= 8, WPK2_E_CORRUPT, "(DICT): flags");
    CASE(secs[8].flags = 4, WPK2_OK, "");
    CASE(secs[8].flags = 1; secs[8].checksum = 0, WPK2_E_CORRUPT, "(PAGES): flags");
    CASE(secs[0].raw_size = 7; secs[0].stored_size = 20, WPK2_E_CORRUPT, "shorter than its head");
    CASE(th.prefix_size -= 1, WPK2_E_CORRUPT, "past the prefix");
    CASE(th.prefix_size += 1, WPK2_E_CORRUPT, "inside the prefix");
    CASE(secs[9].offset += 1; th.file_size += 1, WPK2_E_CORRUPT, "unreferenced bytes at 1968");
    CASE(secs[9].offset -= 1, WPK2_E_CORRUPT, "overlapping");
    CASE(th.file_size += 1, WPK2_E_CORRUPT, "sections end at 2468, the file at 2469");
    CASE(secs[0].offset += 1; secs[0].stored_size -= 1, WPK2_E_CORRUPT, "unreferenced bytes at 608");
    CASE(th.section_count = 9, WPK2_E_CORRUPT, "no DATA");
    /* SUMMARY and DICT may be absent; unknown sections are skipped and tile. */
    CASE(secs[5].type = 99, WPK2_OK, "");
    CASE(secs[7].type = 98; secs[7].flags = 0, WPK2_OK, "");
    /* An unknown region after the prefix, and empty regions. */
    layout();
    grow_table();
    secs[10] = (wpk2_section){77, WPK2_SECF_REGION, th.file_size, 9, 9, 0, 0};
    th.file_size += 9;
    CHECK_MSG(table() == WPK2_OK, "%s", e.msg);
    layout();
    secs[8].stored_size = secs[8].raw_size = 0;
    secs[9].offset = secs[8].offset;
    secs[9].stored_size = secs[9].raw_size = 0;
    th.file_size = th.prefix_size;
    CHECK_MSG(table() == WPK2_OK, "%s", e.msg);
    /* An unknown non-region section must be within the prefix. */
    layout();
    grow_table();
    secs[10] = (wpk2_section){77, 0, th.file_size, 9, 9, 0, 0};
    th.file_size += 9;
    CHECK_ERR(table(), e, WPK2_E_CORRUPT, "past the prefix");
#undef CASE
}

/* ---- signature record ---- */

static void test_signature(void)
{
    uint8_t rec[160] = {0}, out[160];
    wpk2_signature s;
    CHECK_OK(wpk2_signature_decode(rec, 160, &s, &e), e);
    CHECK(!s.is_signed);
    wpk2_signature_encode(out, &s);
    CHECK(!memcmp(out, rec, 160));
    memcpy(rec, "\x89WPKSIG\n", 8);
    rec[8] = 1;
    rec[9] = 2;
    for (int i = 0; i < 32; i++) rec[32 + i] = (uint8_t)(i + 1);
    for (int i = 0; i < 64; i++) rec[96 + i] = (uint8_t)(200 - i);
    CHECK_OK(wpk2_signature_decode(rec, 160, &s, &e), e);
    CHECK(s.is_signed && s.algorithm == 1 && s.digest == 2 && s.public_key[0] == 1 && s.signature[63] == 137);
    wpk2_signature_encode(out, &s);
    CHECK(!memcmp(out, rec, 160));
    uint8_t digest[64], msg[160];
    for (int i = 0; i < 64; i++) digest[i] = (uint8_t)(0x80 + i);
    CHECK(WPK2_SIG_MESSAGE_SIZE == 160);
    wpk2_signature_message(msg, &s, digest);
    CHECK(!memcmp(msg, rec, 96) && !memcmp(msg + 96, digest, 64)); /* the public key is signed */
    CHECK_ERR(wpk2_signature_decode(rec, 159, &s, &e), e, WPK2_E_CORRUPT, "not 160");
    for (int i = 0; i < 160; i++) {
        if (i >= 32 && i < 64) continue;
        if (i >= 96) continue;
        memcpy(out, rec, 160);
        out[i] ^= 0x10;
        int rc = wpk2_signature_decode(out, 160, &s, &e);
        CHECK_MSG(rc == WPK2_E_CORRUPT, "byte %d changed: rc %d", i, rc);
    }
    memcpy(out, rec, 160);
    out[9] = 1; /* 1.x's digest number */
    CHECK_ERR(wpk2_signature_decode(out, 160, &s, &e), e, WPK2_E_CORRUPT, "unknown algorithm 1 or digest 1");
    memset(out, 0, 160);
    out[100] = 1; /* not all zero, no magic */
    CHECK_ERR(wpk2_signature_decode(out, 160, &s, &e), e, WPK2_E_CORRUPT, "bad magic");
}

/* ---- SUMMARY ---- */

/* Format 2.1's CASE_SENSITIVE fields: wiki numbers, increasing, not 0. */
static void test_summary_case(void)
{
    bb b = {.n = 0};
    bb_u8(&b, 8); bb_u16(&b, 2); bb_u16(&b, 2);
    bb_u8(&b, 8); bb_u16(&b, 2); bb_u16(&b, 65535);
    wpk2_summary s;
    CHECK_OK(wpk2_summary_decode(b.p, b.n, NULL, &s, &e), e);
    CHECK(s.case_sensitive_count == 2 && s.case_sensitive[0] == 2 && s.case_sensitive[1] == 65535);
    wpk2_buf out = {0};
    CHECK_OK(wpk2_summary_encode(&out, &s, &e), e);
    CHECK(out.len == b.n && !memcmp(out.p, b.p, b.n));
    wpk2_summary_free(&s);
    wpk2_buf_free(&out);
    static const struct { uint16_t len, first, second; const char *why; } bad[] = {
        {2, 3, 3, "a wiki repeated"}, {2, 3, 2, "out of order"}, {2, 0, 1, "wiki 0"}, {3, 1, 2, "3 bytes"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        bb c = {.n = 0};
        bb_u8(&c, 8); bb_u16(&c, bad[k].len); bb_u16(&c, bad[k].first);
        if (bad[k].len == 3) bb_u8(&c, 0);
        bb_u8(&c, 8); bb_u16(&c, 2); bb_u16(&c, bad[k].second);
        int rc = wpk2_summary_decode(c.p, c.n, NULL, &s, &e);
        CHECK_MSG(rc == WPK2_E_CORRUPT && strstr(e.msg, "CASE_SENSITIVE"), "%s: rc %d %s", bad[k].why, rc, e.msg);
        wpk2_summary_free(&s);
    }
    wpk2_summary z;
    memset(&z, 0, sizeof z);
    uint16_t zero = 0;
    z.case_sensitive = &zero;
    z.case_sensitive_count = 1;
    CHECK_ERR(wpk2_summary_encode(&out, &z, &e), e, WPK2_E_INVALID, "is 0 or out of order");
    wpk2_buf_free(&out);
}

static void test_summary(void)
{
    bb b = {.n = 0};
    uint8_t v8[8] = {5, 0, 0, 0, 0, 0, 0, 0};
    bb_u8(&b, 1); bb_u16(&b, 8); bb_bytes(&b, v8, 8);
    bb_u8(&b, 9); bb_u16(&b, 3); bb_bytes(&b, "xyz", 3); /* unknown: skipped */
    bb_u8(&b, 5); bb_u16(&b, 10); bb_u64(&b, 42); bb_bytes(&b, "en", 2);
    bb_u8(&b, 5); bb_u16(&b, 8); bb_u64(&b, 1); /* empty language code */
    bb_u8(&b, 4); bb_u16(&b, 8); bb_u64(&b, UINT64_MAX);
    bb_u8(&b, 1); bb_u16(&b, 8); bb_u64(&b, 6); /* repeated: the last counts */
    wpk2_summary s;
    CHECK_OK(wpk2_summary_decode(b.p, b.n, NULL, &s, &e), e);
    CHECK(s.has == ((1u << 1) | (1u << 4)) && s.articles == 6 && s.categories == UINT64_MAX && s.language_count == 2 &&
          str_is(s.languages[0].code, "en") && s.languages[0].articles == 42 && s.languages[1].code.len == 0);
    wpk2_buf out = {0};
    CHECK_OK(wpk2_summary_encode(&out, &s, &e), e);
    wpk2_summary t;
    CHECK_OK(wpk2_summary_decode(out.p, out.len, NULL, &t, &e), e);
    CHECK(t.has == s.has && t.articles == 6 && t.categories == UINT64_MAX && t.language_count == 2 &&
          str_is(t.languages[0].code, "en"));
    wpk2_summary_free(&t);
    wpk2_summary_free(&s);
    wpk2_buf_free(&out);
    /* Every truncation that cuts a field is refused. */
    size_t ends[] = {11, 17, 30, 41, 52, 63};
    for (size_t n = 0; n < b.n; n++) {
        int whole = 0;
        for (size_t k = 0; k < 6; k++) whole |= n == ends[k] || n == 0;
        int rc = wpk2_summary_decode(b.p, n, NULL, &s, &e);
        CHECK_MSG(rc == (whole ? WPK2_OK : WPK2_E_CORRUPT), "n=%zu rc=%d %s", n, rc, e.msg);
        wpk2_summary_free(&s);
    }
    bb c = {.n = 0};
    bb_u8(&c, 2); bb_u16(&c, 7); bb_bytes(&c, "1234567", 7);
    CHECK_ERR(wpk2_summary_decode(c.p, c.n, NULL, &s, &e), e, WPK2_E_CORRUPT, "(REVISIONS): 7 bytes, not 8");
    c.n = 0;
    bb_u8(&c, 5); bb_u16(&c, 7); bb_bytes(&c, "1234567", 7);
    CHECK_ERR(wpk2_summary_decode(c.p, c.n, NULL, &s, &e), e, WPK2_E_CORRUPT, "(LANGUAGE): 7 bytes");
    c.n = 0;
    bb_u8(&c, 7); bb_u16(&c, 9); bb_bytes(&c, "123456789", 9);
    CHECK_ERR(wpk2_summary_decode(c.p, c.n, NULL, &s, &e), e, WPK2_E_CORRUPT, "(REDIRECTS_OUT): 9 bytes, not 8");
    /* The redirect counts, written and read back; a tag past them skipped. */
    wpk2_summary r = {0};
    r.has = 1u << WPK2_SUM_REDIRECTS | 1u << WPK2_SUM_REDIRECTS_OUT;
    r.redirects = 19;
    r.redirects_out = 6;
    wpk2_buf rb = {0};
    CHECK_OK(wpk2_summary_encode(&rb, &r, &e), e);
    c.n = 0;
    bb_bytes(&c, rb.p, rb.len);
    bb_u8(&c, 8); bb_u16(&c, 2); bb_bytes(&c, "xy", 2);
    CHECK_OK(wpk2_summary_decode(c.p, c.n, NULL, &s, &e), e);
    CHECK(rb.len == 22 && s.redirects == 19 && s.redirects_out == 6 && s.has == r.has);
    wpk2_summary_free(&s);
    wpk2_buf_free(&rb);
}

/* ---- WIKIS ---- */

static void test_wikis(void)
{
    bb b = {.n = 0};
    bb_str(&b, "enwiki"); bb_str(&b, "en"); bb_str(&b, "https://en.wikipedia.org/wiki/"); bb_str(&b, "Wikipedia");
    bb_str(&b, "local"); bb_str(&b, ""); bb_str(&b, ""); bb_str(&b, "");
    wpk2_wikis w;
    CHECK_OK(wpk2_wikis_decode(b.p, b.n, 2, NULL, &w, &e), e);
    CHECK(w.count == 2 && str_is(w.wikis[0].name, "enwiki") && str_is(w.wikis[0].url_base, "https://en.wikipedia.org/wiki/") &&
          str_is(w.wikis[1].name, "local") && w.wikis[1].url_base.len == 0 && w.wikis[1].site_name.len == 0);
    wpk2_buf out = {0};
    CHECK_OK(wpk2_wikis_encode(&out, w.wikis, w.count, &e), e);
    CHECK(out.len == b.n && !memcmp(out.p, b.p, b.n));
    wpk2_wikis_free(&w);
    for (size_t n = 0; n < b.n; n++) {
        CHECK(wpk2_wikis_decode(b.p, n, 2, NULL, &w, &e) == WPK2_E_CORRUPT);
        wpk2_wikis_free(&w);
    }
    CHECK_ERR(wpk2_wikis_decode(b.p, b.n, 1, NULL, &w, &e), e, WPK2_E_CORRUPT, "bytes after the last wiki");
    CHECK_ERR(wpk2_wikis_decode(b.p, b.n, 3, NULL, &w, &e), e, WPK2_E_CORRUPT, "wiki 3 (name)");
    CHECK_ERR(wpk2_wikis_decode(b.p, b.n, 65536, NULL, &w, &e), e, WPK2_E_CORRUPT, "above 65535");
    CHECK_OK(wpk2_wikis_decode(NULL, 0, 0, NULL, &w, &e), e);
    CHECK(w.count == 0);
    wpk2_wikis_free(&w);
    bb d = {.n = 0};
    for (int k = 0; k < 2; k++) { bb_str(&d, "dewiki"); bb_str(&d, "de"); bb_str(&d, ""); bb_str(&d, ""); }
    CHECK_ERR(wpk2_wikis_decode(d.p, d.n, 2, NULL, &w, &e), e, WPK2_E_CORRUPT, "two wikis named \"dewiki\"");
    d.n = 0;
    bb_str(&d, ""); bb_str(&d, "de"); bb_str(&d, ""); bb_str(&d, "");
    CHECK_ERR(wpk2_wikis_decode(d.p, d.n, 1, NULL, &w, &e), e, WPK2_E_CORRUPT, "wiki 1: empty name");
    wpk2_wiki two[2] = {{S("a"), S(""), S(""), S("")}, {S("a"), S(""), S(""), S("")}};
    out.len = 0;
    CHECK_ERR(wpk2_wikis_encode(&out, two, 2, &e), e, WPK2_E_INVALID, "two wikis named");
    CHECK(out.len == 0);
    wpk2_buf_free(&out);
}

int main(void)
{
    test_checksum();
    test_header();
    test_section_entry();
    test_section_table();
    test_signature();
    test_summary();
    test_summary_case();
    test_wikis();
    return check_summary();
}
