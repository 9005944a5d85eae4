/* header.c - file header, section table entries and trailer (codec).
 *
 * Header (128 bytes at offset 0):
 *   off  size  field
 *     0     8  magic 89 57 50 4B 0D 0A 1A 0A  ("\x89WPK\r\n\x1a\n")
 *     8     2  major version (1)
 *    10     2  minor version (1 for archives written by this code; readers accept any)
 *    12     4  header size (128)
 *    16     8  required feature bits (reader refuses unknown bits); bit 0: leaf
 *              pages are compressed with the dictionary
 *    24     8  optional feature bits (reader ignores unknown bits)
 *    32     8  file size, trailer included
 *    40     8  entry count
 *    48     8  block count
 *    56     8  content bytes (sum of entry sizes)
 *    64     8  unique bytes (sum of sizes of distinct contents)
 *    72     4  section count (1..256)
 *    76     4  reserved, zero
 *    80     8  prefix size: header + section table + index roots
 *    88     8  XXH3-64 of the section table
 *    96    24  reserved, zero
 *   120     8  XXH3-64 of bytes 0..119
 *
 * Section table entry (48 bytes, section_count of them from offset 128):
 *     0     4  type           4  4  flags
 *     8     8  offset        16  8  stored size
 *    24     8  raw size      32  8  XXH3-64 of stored bytes (0 for regions)
 *    40     8  count of items in the section
 *
 * Trailer (32 bytes at file size - 32):
 *     0     8  magic 89 57 50 4B 45 4E 44 0A  ("\x89WPKEND\n")
 *     8     8  file size
 *    16     8  header checksum (copy of header bytes 120..127)
 *    24     8  XXH3-64 of trailer bytes 0..23
 */
#include "wpk_format.h"
#include "wpk_endian.h"

#include <string.h>
#include <xxhash.h>

uint64_t wpk_fmt_checksum(const void *p, size_t n) { return XXH3_64bits(p, n); }

static int all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i]) return 0;
    return 1;
}

int wpk_fmt_header_decode(const uint8_t *p, size_t n, wpk_fmt_header *h, const char **why)
{
    memset(h, 0, sizeof *h);
    if (n < 8 || memcmp(p, WPK_MAGIC, 8) != 0) {
        *why = "not a wikipack archive (bad magic number)";
        return WPK_FMT_BADMAGIC;
    }
    /* The major version comes before the checksum: a later major version
     * may lay out (and checksum) its header differently. */
    if (n >= 10 && wpk_le16(p + 8) != 1) {
        *why = "unsupported major version";
        return WPK_FMT_VERSION;
    }
    if (n < WPK_HEADER_SIZE) {
        *why = "file too short for a header";
        return WPK_FMT_CORRUPT;
    }
    h->checksum = wpk_le64(p + 120);
    if (wpk_fmt_checksum(p, 120) != h->checksum) {
        *why = "header checksum mismatch";
        return WPK_FMT_CORRUPT;
    }
    h->major = wpk_le16(p + 8);
    h->minor = wpk_le16(p + 10);
    if (wpk_le32(p + 12) != WPK_HEADER_SIZE) {
        *why = "header size is not 128";
        return WPK_FMT_CORRUPT;
    }
    h->required_features = wpk_le64(p + 16);
    h->optional_features = wpk_le64(p + 24);
    if (h->required_features & ~(uint64_t)WPK_REQUIRED_KNOWN) {
        *why = "archive needs a feature this reader does not know";
        return WPK_FMT_FEATURE;
    }
    h->file_size = wpk_le64(p + 32);
    h->entry_count = wpk_le64(p + 40);
    h->block_count = wpk_le64(p + 48);
    h->content_bytes = wpk_le64(p + 56);
    h->unique_bytes = wpk_le64(p + 64);
    h->section_count = wpk_le32(p + 72);
    h->prefix_size = wpk_le64(p + 80);
    h->section_table_checksum = wpk_le64(p + 88);
    if (wpk_le32(p + 76) != 0 || !all_zero(p + 96, 24)) {
        *why = "reserved header bytes are not zero";
        return WPK_FMT_CORRUPT;
    }
    if (h->section_count == 0 || h->section_count > WPK_MAX_SECTIONS) {
        *why = "section count out of range";
        return WPK_FMT_CORRUPT;
    }
    uint64_t table_end = WPK_HEADER_SIZE + (uint64_t)h->section_count * WPK_SECTION_SIZE;
    if (h->prefix_size < table_end || h->prefix_size > h->file_size ||
        h->file_size < table_end + WPK_TRAILER_SIZE) {
        *why = "prefix or file size inconsistent with the section table";
        return WPK_FMT_CORRUPT;
    }
    if (h->entry_count > UINT32_MAX || h->unique_bytes > h->content_bytes) {
        *why = "entry count or byte totals out of range";
        return WPK_FMT_CORRUPT;
    }
    return WPK_FMT_OK;
}

void wpk_fmt_header_encode(uint8_t out[WPK_HEADER_SIZE], wpk_fmt_header *h)
{
    memset(out, 0, WPK_HEADER_SIZE);
    memcpy(out, WPK_MAGIC, 8);
    wpk_put16(out + 8, h->major);
    wpk_put16(out + 10, h->minor);
    wpk_put32(out + 12, WPK_HEADER_SIZE);
    wpk_put64(out + 16, h->required_features);
    wpk_put64(out + 24, h->optional_features);
    wpk_put64(out + 32, h->file_size);
    wpk_put64(out + 40, h->entry_count);
    wpk_put64(out + 48, h->block_count);
    wpk_put64(out + 56, h->content_bytes);
    wpk_put64(out + 64, h->unique_bytes);
    wpk_put32(out + 72, h->section_count);
    wpk_put64(out + 80, h->prefix_size);
    wpk_put64(out + 88, h->section_table_checksum);
    h->checksum = wpk_fmt_checksum(out, 120);
    wpk_put64(out + 120, h->checksum);
}

int wpk_fmt_section_decode(const uint8_t *p, wpk_fmt_section *s, const char **why)
{
    s->type = wpk_le32(p);
    s->flags = wpk_le32(p + 4);
    s->offset = wpk_le64(p + 8);
    s->stored_size = wpk_le64(p + 16);
    s->raw_size = wpk_le64(p + 24);
    s->checksum = wpk_le64(p + 32);
    s->count = wpk_le64(p + 40);
    if (s->flags & ~WPK_SECF_KNOWN) {
        *why = "unknown section flag bits";
        return WPK_FMT_CORRUPT;
    }
    if ((s->flags & WPK_SECF_REGION) && (s->checksum != 0 || (s->flags & WPK_SECF_ZSTD))) {
        *why = "region section with a checksum or compression";
        return WPK_FMT_CORRUPT;
    }
    if (!(s->flags & WPK_SECF_ZSTD) && s->raw_size != s->stored_size) {
        *why = "uncompressed section with raw size != stored size";
        return WPK_FMT_CORRUPT;
    }
    if ((s->flags & WPK_SECF_ZSTD) && !wpk_fmt_plausible_raw(s->stored_size, s->raw_size)) {
        *why = "compressed section claims more than a zstd frame of its size can hold";
        return WPK_FMT_CORRUPT;
    }
    if (s->offset + s->stored_size < s->offset) {
        *why = "section extent overflows";
        return WPK_FMT_CORRUPT;
    }
    return WPK_FMT_OK;
}

void wpk_fmt_section_encode(uint8_t out[WPK_SECTION_SIZE], const wpk_fmt_section *s)
{
    wpk_put32(out, s->type);
    wpk_put32(out + 4, s->flags);
    wpk_put64(out + 8, s->offset);
    wpk_put64(out + 16, s->stored_size);
    wpk_put64(out + 24, s->raw_size);
    wpk_put64(out + 32, s->checksum);
    wpk_put64(out + 40, s->count);
}

int wpk_fmt_trailer_decode(const uint8_t *p, size_t n, wpk_fmt_trailer *t, const char **why)
{
    if (n != WPK_TRAILER_SIZE || memcmp(p, WPK_TRAILER_MAGIC, 8) != 0) {
        *why = "trailer missing (file truncated or not finished)";
        return WPK_FMT_CORRUPT;
    }
    if (wpk_fmt_checksum(p, 24) != wpk_le64(p + 24)) {
        *why = "trailer checksum mismatch";
        return WPK_FMT_CORRUPT;
    }
    t->file_size = wpk_le64(p + 8);
    t->header_checksum = wpk_le64(p + 16);
    return WPK_FMT_OK;
}

void wpk_fmt_trailer_encode(uint8_t out[WPK_TRAILER_SIZE], const wpk_fmt_trailer *t)
{
    memcpy(out, WPK_TRAILER_MAGIC, 8);
    wpk_put64(out + 8, t->file_size);
    wpk_put64(out + 16, t->header_checksum);
    wpk_put64(out + 24, wpk_fmt_checksum(out, 24));
}
