/* section_table.c - the rules over the whole 2.0 section table: types, flags per type, presence, prefix and regions, tiling.
 *
 * | type | section        | where   | flags (besides REQUIRED, allowed on all) |
 * |  1-4 | roots          | prefix  | ZSTD; BRANCHED allowed                   |
 * |  5,6 | WIKIS, SUMMARY | prefix  | ZSTD                                     |
 * |    7 | SIGNATURE      | prefix  | none; 160 bytes, checksum 0              |
 * |    8 | DICT           | prefix  | ZSTD allowed; not empty                  |
 * |   11 | BLOCK_DICTS    | prefix  | REQUIRED; ZSTD allowed (format 2.2)      |
 * | 9,10 | PAGES, DATA    | regions | REGION                                   |
 * | 12,13| SEARCH, its root | prefix | ZSTD (format 2.3)                      |
 * |   14 | SEARCH_PAGES   | region  | REGION (format 2.3)                      |
 * Required: all but SUMMARY, DICT, BLOCK_DICTS and the search index's
 * three, which come together or not at all. An unknown type is skipped, unless
 * it has REQUIRED (WPK2_E_FORMAT); it lies in the prefix unless it is a
 * region. Sections without REGION lie within the prefix, those with it
 * after; all of them, by offset, tile table_end .. file_size - 1.
 */
#include "wpk2_internal.h"

static const char *const names[WPK2_SEC_LAST + 1] = {
    "?",       "ENTRY_ROOT", "TITLE_ROOT", "ID_ROOT", "CATEGORY_ROOT", "WIKIS",
    "SUMMARY", "SIGNATURE",  "DICT",       "PAGES",   "DATA",          "BLOCK_DICTS",
    "SEARCH",  "SEARCH_ROOT", "SEARCH_PAGES",
};

/* The flags a known type must have, and those it may have. */
static void flags_of(uint32_t type, uint32_t *must, uint32_t *may)
{
    *may = WPK2_SECF_REQUIRED;
    *must = 0;
    switch (type) {
    case WPK2_SEC_ENTRY_ROOT: case WPK2_SEC_TITLE_ROOT: case WPK2_SEC_ID_ROOT: case WPK2_SEC_CATEGORY_ROOT:
        *must = WPK2_SECF_ZSTD;
        *may |= WPK2_SECF_ZSTD | WPK2_SECF_BRANCHED;
        break;
    /* The search root says it is branched by its kind, not by the flag:
     * a 2.2 reader refuses BRANCHED on a type it does not know. */
    case WPK2_SEC_WIKIS: case WPK2_SEC_SUMMARY: case WPK2_SEC_SEARCH: case WPK2_SEC_SEARCH_ROOT:
        *must = WPK2_SECF_ZSTD;
        *may |= WPK2_SECF_ZSTD;
        break;
    case WPK2_SEC_DICT:
        *may |= WPK2_SECF_ZSTD;
        break;
    case WPK2_SEC_BLOCK_DICTS: /* an older reader must refuse: it could not decompress the blocks */
        *must = WPK2_SECF_REQUIRED;
        *may |= WPK2_SECF_ZSTD;
        break;
    case WPK2_SEC_PAGES: case WPK2_SEC_DATA: case WPK2_SEC_SEARCH_PAGES:
        *must = WPK2_SECF_REGION;
        *may |= WPK2_SECF_REGION;
        break;
    default: /* SIGNATURE */
        break;
    }
}

static int check_one(const wpk2_section *s, uint32_t i, wpk2_section_map *map, wpk2_err *err)
{
    if (s->type == 0 || s->type > WPK2_SEC_LAST) {
        if (s->flags & WPK2_SECF_REQUIRED)
            return wpk2_fail(err, WPK2_E_FORMAT, "section %u: archive needs section type %u, unknown to this reader", i,
                             s->type);
        if (s->flags & WPK2_SECF_BRANCHED)
            return wpk2_fail(err, WPK2_E_CORRUPT, "section %u (type %u): BRANCHED on a section that is not a root", i,
                             s->type);
        return WPK2_OK;
    }
    const char *name = names[s->type];
    if (map->of[s->type]) return wpk2_fail(err, WPK2_E_CORRUPT, "section %u: a second %s section", i, name);
    map->of[s->type] = s;
    uint32_t must, may;
    flags_of(s->type, &must, &may);
    if ((s->flags & must) != must || (s->flags & ~may))
        return wpk2_fail(err, WPK2_E_CORRUPT, "section %u (%s): flags 0x%x not allowed (must have 0x%x, may have 0x%x)",
                         i, name, s->flags, must, may);
    if (s->type == WPK2_SEC_SIGNATURE && (s->stored_size != WPK2_SIG_SIZE || s->checksum != 0))
        return wpk2_fail(err, WPK2_E_CORRUPT, "section %u (SIGNATURE): must be 160 bytes with checksum 0", i);
    if (s->type == WPK2_SEC_DICT && s->stored_size == 0)
        return wpk2_fail(err, WPK2_E_CORRUPT, "section %u (DICT) is empty", i);
    if ((s->type <= WPK2_SEC_CATEGORY_ROOT || s->type == WPK2_SEC_SEARCH_ROOT) && s->raw_size < 8)
        return wpk2_fail(err, WPK2_E_CORRUPT, "section %u (%s): a root of %llu raw bytes is shorter than its head", i,
                         name, (unsigned long long)s->raw_size);
    return WPK2_OK;
}

int wpk2_section_table_check(const wpk2_section *secs, uint32_t count, const wpk2_header *h, wpk2_section_map *map,
                             wpk2_err *err)
{
    memset(map, 0, sizeof *map);
    if (count != h->section_count || count < 1 || count > WPK2_MAX_SECTIONS)
        return wpk2_fail(err, WPK2_E_CORRUPT, "section table: %u entries, the header says %u", count, h->section_count);
    for (uint32_t i = 0; i < count; i++) {
        /* The entry's own rules first, as decoding them checks. */
        uint8_t one[WPK2_SECTION_SIZE];
        wpk2_section again;
        wpk2_section_encode(one, &secs[i]);
        int rc = wpk2_section_decode(one, i, &again, err);
        if (!rc) rc = check_one(&secs[i], i, map, err);
        if (rc) return rc;
    }
    for (uint32_t t = 1; t <= WPK2_SEC_LAST; t++)
        if (!map->of[t] && t != WPK2_SEC_SUMMARY && t != WPK2_SEC_DICT && t != WPK2_SEC_BLOCK_DICTS &&
            t < WPK2_SEC_SEARCH)
            return wpk2_fail(err, WPK2_E_CORRUPT, "section table: no %s section", names[t]);
    int search = !!map->of[WPK2_SEC_SEARCH] + !!map->of[WPK2_SEC_SEARCH_ROOT] + !!map->of[WPK2_SEC_SEARCH_PAGES];
    if (search != 0 && search != 3)
        return wpk2_fail(err, WPK2_E_CORRUPT, "section table: a search index needs SEARCH, SEARCH_ROOT and "
                         "SEARCH_PAGES, and %d of them are missing", 3 - search);
    for (uint32_t i = 0; i < count; i++) {
        const wpk2_section *s = &secs[i];
        if (!(s->flags & WPK2_SECF_REGION) && s->offset + s->stored_size > h->prefix_size)
            return wpk2_fail(err, WPK2_E_CORRUPT, "section %u (type %u) ends at %llu, past the prefix (%llu)", i, s->type,
                             (unsigned long long)(s->offset + s->stored_size), (unsigned long long)h->prefix_size);
        if ((s->flags & WPK2_SECF_REGION) && s->offset < h->prefix_size)
            return wpk2_fail(err, WPK2_E_CORRUPT, "section %u (type %u): a region starting at %llu, inside the prefix (%llu)",
                             i, s->type, (unsigned long long)s->offset, (unsigned long long)h->prefix_size);
    }
    /* Tiling: by offset (empty sections first among equal offsets). */
    uint8_t order[WPK2_MAX_SECTIONS];
    for (uint32_t i = 0; i < count; i++) {
        uint32_t j = i;
        while (j > 0 && (secs[order[j - 1]].offset > secs[i].offset ||
                         (secs[order[j - 1]].offset == secs[i].offset && secs[order[j - 1]].stored_size > secs[i].stored_size))) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = (uint8_t)i;
    }
    uint64_t at = wpk2_table_end(h);
    for (uint32_t k = 0; k < count; k++) {
        const wpk2_section *s = &secs[order[k]];
        if (s->offset != at)
            return wpk2_fail(err, WPK2_E_CORRUPT, "section table: %s at %llu (section %u)",
                             s->offset > at ? "unreferenced bytes" : "overlapping sections", (unsigned long long)at,
                             order[k]);
        at = s->offset + s->stored_size;
    }
    if (at != h->file_size)
        return wpk2_fail(err, WPK2_E_CORRUPT, "section table: sections end at %llu, the file at %llu",
                         (unsigned long long)at, (unsigned long long)h->file_size);
    return wpk2_ok(err);
}

int wpk2_section_table_decode(const uint8_t *p, size_t n, const wpk2_header *h, wpk2_section *secs,
                              wpk2_section_map *map, wpk2_err *err)
{
    memset(map, 0, sizeof *map);
    if (h->section_count < 1 || h->section_count > WPK2_MAX_SECTIONS)
        return wpk2_fail(err, WPK2_E_CORRUPT, "section count %u out of range", h->section_count);
    size_t len = (size_t)h->section_count * WPK2_SECTION_SIZE;
    if (n < len) return wpk2_fail(err, WPK2_E_CORRUPT, "section table: %zu bytes of %zu", n, len);
    if (wpk2_checksum(p, len) != h->section_table_checksum)
        return wpk2_fail(err, WPK2_E_CORRUPT, "section table checksum mismatch");
    for (uint32_t i = 0; i < h->section_count; i++) {
        int rc = wpk2_section_decode(p + (size_t)i * WPK2_SECTION_SIZE, i, &secs[i], err);
        if (rc) return rc;
    }
    return wpk2_section_table_check(secs, h->section_count, h, map, err);
}

uint64_t wpk2_section_table_encode(uint8_t *out, const wpk2_section *secs, uint32_t count)
{
    for (uint32_t i = 0; i < count; i++) wpk2_section_encode(out + (size_t)i * WPK2_SECTION_SIZE, &secs[i]);
    return wpk2_checksum(out, (size_t)count * WPK2_SECTION_SIZE);
}
