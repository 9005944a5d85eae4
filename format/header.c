/* header.c - the 2.0 file header (128 bytes) and one section table entry (48 bytes).
 *
 * Header:
 *   off size field
 *     0    8 magic 89 57 50 4B 0D 0A 1A 0A (as in 1.x)
 *     8    2 major version 2        10  2 minor version (any)
 *    12    4 header size 128
 *    16    8 required features: none defined, must be 0
 *    24    8 optional features (ignored)
 *    32    8 file size          40  8 entry count (< 2^32)
 *    48    8 block count        56  8 content bytes
 *    64    8 unique bytes (<= content bytes)
 *    72    4 section count (1..64)
 *    76    4 wiki count (0..65535)
 *    80    8 prefix size: table_end <= prefix size <= file size
 *    88    8 XXH3-64 of the section table
 *    96   24 reserved, 0
 *   120    8 XXH3-64 of bytes 0..119
 * Section entry: u32 type, u32 flags, u64 offset, stored size, raw size,
 * XXH3-64 of the stored bytes (0 for regions and SIGNATURE), count.
 */
#include "wpk2_internal.h"

static int all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i]) return 0;
    return 1;
}

uint64_t wpk2_table_end(const wpk2_header *h) { return WPK2_HEADER_SIZE + (uint64_t)h->section_count * WPK2_SECTION_SIZE; }

/* The rules between fields, shared by decode and encode. */
static int header_rules(const wpk2_header *h, int code, wpk2_err *err)
{
    if (h->required_features)
        return wpk2_fail(err, code == WPK2_E_CORRUPT ? WPK2_E_FORMAT : code,
                         "header: archive needs features this reader does not know (required bits 0x%llx)",
                         (unsigned long long)h->required_features);
    if (h->section_count < 1 || h->section_count > WPK2_MAX_SECTIONS)
        return wpk2_fail(err, code, "header: section count %u out of range 1..%u", h->section_count, WPK2_MAX_SECTIONS);
    if (h->wiki_count > WPK2_MAX_WIKIS)
        return wpk2_fail(err, code, "header: wiki count %u above %u", h->wiki_count, WPK2_MAX_WIKIS);
    uint64_t table_end = wpk2_table_end(h);
    if (h->prefix_size < table_end)
        return wpk2_fail(err, code, "header: prefix size %llu ends before the section table (%llu)",
                         (unsigned long long)h->prefix_size, (unsigned long long)table_end);
    if (h->prefix_size > h->file_size)
        return wpk2_fail(err, code, "header: prefix size %llu beyond the file size %llu",
                         (unsigned long long)h->prefix_size, (unsigned long long)h->file_size);
    if (h->entry_count > UINT32_MAX)
        return wpk2_fail(err, code, "header: entry count %llu above 2^32 - 1", (unsigned long long)h->entry_count);
    if (h->unique_bytes > h->content_bytes)
        return wpk2_fail(err, code, "header: unique bytes %llu above content bytes %llu",
                         (unsigned long long)h->unique_bytes, (unsigned long long)h->content_bytes);
    return WPK2_OK;
}

int wpk2_header_decode(const uint8_t *p, size_t n, wpk2_header *h, wpk2_err *err)
{
    memset(h, 0, sizeof *h);
    if (n < 8 || memcmp(p, WPK2_MAGIC, 8) != 0)
        return wpk2_fail(err, WPK2_E_FORMAT, "not a wikipack archive (bad magic number)");
    /* The version comes before any other check: another major version lays
     * out (and checksums) its header its own way. */
    if (n < 12) return wpk2_fail(err, WPK2_E_CORRUPT, "file of %zu bytes too short for a header", n);
    uint16_t major = le16(p + 8), minor = le16(p + 10);
    if (major == 1)
        return wpk2_fail(err, WPK2_E_FORMAT, "made by wikipack 1.x (format 1.%u); repack it with wikipack 2", minor);
    if (major != WPK2_MAJOR) return wpk2_fail(err, WPK2_E_FORMAT, "unsupported major version %u", major);
    if (n < WPK2_HEADER_SIZE) return wpk2_fail(err, WPK2_E_CORRUPT, "file of %zu bytes too short for a header", n);
    h->header_checksum = le64(p + 120);
    if (wpk2_checksum(p, 120) != h->header_checksum) return wpk2_fail(err, WPK2_E_CORRUPT, "header checksum mismatch");
    if (le32(p + 12) != WPK2_HEADER_SIZE)
        return wpk2_fail(err, WPK2_E_CORRUPT, "header: header size %u is not 128", le32(p + 12));
    if (!all_zero(p + 96, 24)) return wpk2_fail(err, WPK2_E_CORRUPT, "header: reserved bytes 96..119 are not zero");
    h->major = major;
    h->minor = minor;
    h->required_features = le64(p + 16);
    h->optional_features = le64(p + 24);
    h->file_size = le64(p + 32);
    h->entry_count = le64(p + 40);
    h->block_count = le64(p + 48);
    h->content_bytes = le64(p + 56);
    h->unique_bytes = le64(p + 64);
    h->section_count = le32(p + 72);
    h->wiki_count = le32(p + 76);
    h->prefix_size = le64(p + 80);
    h->section_table_checksum = le64(p + 88);
    int rc = header_rules(h, WPK2_E_CORRUPT, err);
    return rc ? rc : wpk2_ok(err);
}

int wpk2_header_encode(uint8_t out[WPK2_HEADER_SIZE], wpk2_header *h, wpk2_err *err)
{
    int rc = header_rules(h, WPK2_E_INVALID, err);
    if (rc) return rc;
    h->major = WPK2_MAJOR;
    memset(out, 0, WPK2_HEADER_SIZE);
    memcpy(out, WPK2_MAGIC, 8);
    put16(out + 8, h->major);
    put16(out + 10, h->minor);
    put32(out + 12, WPK2_HEADER_SIZE);
    put64(out + 16, h->required_features);
    put64(out + 24, h->optional_features);
    put64(out + 32, h->file_size);
    put64(out + 40, h->entry_count);
    put64(out + 48, h->block_count);
    put64(out + 56, h->content_bytes);
    put64(out + 64, h->unique_bytes);
    put32(out + 72, h->section_count);
    put32(out + 76, h->wiki_count);
    put64(out + 80, h->prefix_size);
    put64(out + 88, h->section_table_checksum);
    h->header_checksum = wpk2_checksum(out, 120);
    put64(out + 120, h->header_checksum);
    return wpk2_ok(err);
}

int wpk2_section_decode(const uint8_t p[WPK2_SECTION_SIZE], uint32_t index, wpk2_section *s, wpk2_err *err)
{
    s->type = le32(p);
    s->flags = le32(p + 4);
    s->offset = le64(p + 8);
    s->stored_size = le64(p + 16);
    s->raw_size = le64(p + 24);
    s->checksum = le64(p + 32);
    s->count = le64(p + 40);
    if (s->flags & ~WPK2_SECF_KNOWN)
        return wpk2_fail(err, WPK2_E_CORRUPT, "section %u (type %u): unknown flag bits 0x%x", index, s->type,
                         s->flags & ~WPK2_SECF_KNOWN);
    if ((s->flags & WPK2_SECF_REGION) && (s->flags & WPK2_SECF_ZSTD))
        return wpk2_fail(err, WPK2_E_CORRUPT, "section %u (type %u): a region cannot be compressed", index, s->type);
    if ((s->flags & WPK2_SECF_REGION) && s->checksum)
        return wpk2_fail(err, WPK2_E_CORRUPT, "section %u (type %u): a region has checksum 0", index, s->type);
    if (!(s->flags & WPK2_SECF_ZSTD) && s->raw_size != s->stored_size)
        return wpk2_fail(err, WPK2_E_CORRUPT, "section %u (type %u): uncompressed, but raw size %llu != stored size %llu",
                         index, s->type, (unsigned long long)s->raw_size, (unsigned long long)s->stored_size);
    if ((s->flags & WPK2_SECF_ZSTD) &&
        (s->stored_size == 0 || (s->stored_size < (1ull << 48) && s->raw_size > s->stored_size * WPK2_MAX_EXPANSION)))
        return wpk2_fail(err, WPK2_E_CORRUPT,
                         "section %u (type %u): raw size %llu more than a zstd frame of %llu bytes can hold", index,
                         s->type, (unsigned long long)s->raw_size, (unsigned long long)s->stored_size);
    if (s->offset + s->stored_size < s->offset)
        return wpk2_fail(err, WPK2_E_CORRUPT, "section %u (type %u): extent overflows", index, s->type);
    return wpk2_ok(err);
}

void wpk2_section_encode(uint8_t out[WPK2_SECTION_SIZE], const wpk2_section *s)
{
    put32(out, s->type);
    put32(out + 4, s->flags);
    put64(out + 8, s->offset);
    put64(out + 16, s->stored_size);
    put64(out + 24, s->raw_size);
    put64(out + 32, s->checksum);
    put64(out + 40, s->count);
}
