/* search_params.c - the SEARCH section (format 2.3): what a reader needs to score the term pages.
 *
 * Fields back to back, filling the section: u8 tag, u16 length, value.
 *   1 DOCUMENTS  u64, length 8: documents indexed (the N of BM25's IDF)
 *   2 COMMON     u64, length 8: a term in more documents keeps only the
 *                postings of documents with it in their title
 *   3 WEIGHTS    u16 a class (1..16 of them, length 2..32): class c's
 *                term-frequency weight in units of 1/4096
 *   4 ANALYZER   u32, length 4: the rules that made the terms (1: those of
 *                format 2.3); a reader that does not know them cannot
 *                turn a query into terms, and says so
 * Each known tag exactly once; other tags are skipped. */
#include "wpk2_internal.h"

static const char *const tag_names[] = {"", "DOCUMENTS", "COMMON", "WEIGHTS", "ANALYZER"};

static int field(wpk2_search_params *out, uint8_t tag, const uint8_t *v, uint16_t len, uint32_t i, wpk2_err *err)
{
    if ((tag == WPK2_SEARCH_DOCUMENTS || tag == WPK2_SEARCH_COMMON) && len != 8)
        return wpk2_fail(err, WPK2_E_CORRUPT, "SEARCH, field %u (%s): %u bytes, not 8", i, tag_names[tag], len);
    if (tag == WPK2_SEARCH_ANALYZER && len != 4)
        return wpk2_fail(err, WPK2_E_CORRUPT, "SEARCH, field %u (ANALYZER): %u bytes, not 4", i, len);
    if (tag == WPK2_SEARCH_WEIGHTS && (len < 2 || len > 2 * WPK2_SEARCH_MAX_CLASSES || len % 2))
        return wpk2_fail(err, WPK2_E_CORRUPT, "SEARCH, field %u (WEIGHTS): %u bytes, not 2 to 32 and even", i, len);
    switch (tag) {
    case WPK2_SEARCH_DOCUMENTS: out->documents = le64(v); break;
    case WPK2_SEARCH_COMMON: out->common = le64(v); break;
    case WPK2_SEARCH_ANALYZER: out->analyzer = le32(v); break;
    default:
        out->classes = len / 2u;
        for (uint32_t c = 0; c < out->classes; c++) out->weights[c] = le16(v + 2 * c);
    }
    return WPK2_OK;
}

int wpk2_search_params_decode(const uint8_t *raw, size_t n, wpk2_search_params *out, wpk2_err *err)
{
    memset(out, 0, sizeof *out);
    unsigned seen = 0;
    size_t pos = 0;
    for (uint32_t i = 0; pos < n; i++) {
        if (n - pos < 3) return wpk2_fail(err, WPK2_E_CORRUPT, "SEARCH, field %u: truncated field head", i);
        uint8_t tag = raw[pos];
        uint16_t len = le16(raw + pos + 1);
        if (len > n - pos - 3) return wpk2_fail(err, WPK2_E_CORRUPT, "SEARCH, field %u: runs past the section", i);
        if (tag >= WPK2_SEARCH_DOCUMENTS && tag <= WPK2_SEARCH_ANALYZER) {
            if (seen & (1u << tag))
                return wpk2_fail(err, WPK2_E_CORRUPT, "SEARCH, field %u: a second %s field", i, tag_names[tag]);
            seen |= 1u << tag;
            int rc = field(out, tag, raw + pos + 3, len, i, err);
            if (rc) return rc;
        }
        pos += 3 + (size_t)len;
    }
    for (uint8_t tag = WPK2_SEARCH_DOCUMENTS; tag <= WPK2_SEARCH_ANALYZER; tag++)
        if (!(seen & (1u << tag))) return wpk2_fail(err, WPK2_E_CORRUPT, "SEARCH: no %s field", tag_names[tag]);
    return wpk2_ok(err);
}

static int put_field(wpk2_buf *b, uint8_t tag, const uint8_t *v, size_t len)
{
    uint8_t head[3] = {tag, (uint8_t)len, (uint8_t)(len >> 8)};
    return wpk2_buf_put(b, head, 3) || wpk2_buf_put(b, v, len);
}

int wpk2_search_params_encode(wpk2_buf *out, const wpk2_search_params *p, wpk2_err *err)
{
    if (p->classes == 0 || p->classes > WPK2_SEARCH_MAX_CLASSES)
        return wpk2_fail(err, WPK2_E_INVALID, "SEARCH: %u impact classes, not 1 to 16", p->classes);
    uint8_t v[2 * WPK2_SEARCH_MAX_CLASSES];
    size_t start = out->len;
    put64(v, p->documents);
    int bad = put_field(out, WPK2_SEARCH_DOCUMENTS, v, 8);
    put64(v, p->common);
    bad = bad || put_field(out, WPK2_SEARCH_COMMON, v, 8);
    for (uint32_t c = 0; c < p->classes; c++) {
        v[2 * c] = (uint8_t)p->weights[c];
        v[2 * c + 1] = (uint8_t)(p->weights[c] >> 8);
    }
    bad = bad || put_field(out, WPK2_SEARCH_WEIGHTS, v, 2 * p->classes);
    put32(v, p->analyzer);
    bad = bad || put_field(out, WPK2_SEARCH_ANALYZER, v, 4);
    if (bad) {
        out->len = start;
        return wpk2_fail(err, WPK2_E_NOMEM, "SEARCH: out of memory");
    }
    return wpk2_ok(err);
}
