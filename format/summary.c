/* summary.c - the SUMMARY section (format 2.0, fields as in 1.5): counts for `info` as tagged fields.
 *
 * Fields back to back, filling the section: u8 tag, u16 length, value.
 *   1 ARTICLES, 2 REVISIONS, 3 ALIASES, 4 CATEGORIES, 6 REDIRECTS,
 *   7 REDIRECTS_OUT: u64, length 8
 *   5 LANGUAGE: u64 article count, then the language code (length >= 8)
 *   8 CASE_SENSITIVE (format 2.1): u16 wiki number, length 2, one field a
 *     case-sensitive wiki, numbers strictly increasing
 * Other tags are skipped; a count tag seen twice counts with its last value.
 */
#include "wpk2_internal.h"

static const char *const tag_names[] = {"",         "ARTICLES", "REVISIONS", "ALIASES",
                                        "CATEGORIES", "LANGUAGE", "REDIRECTS", "REDIRECTS_OUT", "CASE_SENSITIVE"};

/* Where a count tag's value goes. */
static uint64_t *count_of(wpk2_summary *s, uint8_t tag)
{
    switch (tag) {
    case WPK2_SUM_ARTICLES: return &s->articles;
    case WPK2_SUM_REVISIONS: return &s->revisions;
    case WPK2_SUM_ALIASES: return &s->aliases;
    case WPK2_SUM_CATEGORIES: return &s->categories;
    case WPK2_SUM_REDIRECTS: return &s->redirects;
    default: return &s->redirects_out;
    }
}

int wpk2_summary_decode(const uint8_t *raw, size_t n, const wpk2_alloc *alloc, wpk2_summary *out, wpk2_err *err)
{
    memset(out, 0, sizeof *out);
    wpk2_mem_init(&out->mem, alloc, UINT64_MAX);
    /* Pass 1: the fields' bounds and the number of languages. */
    size_t pos = 0;
    uint16_t prev_wiki = 0;
    uint32_t langs = 0, cases = 0;
    for (uint32_t i = 0; pos < n; i++) {
        if (n - pos < 3) return wpk2_fail(err, WPK2_E_CORRUPT, "SUMMARY, field %u: truncated field head", i);
        uint8_t tag = raw[pos];
        uint16_t len = le16(raw + pos + 1);
        if (len > n - pos - 3) return wpk2_fail(err, WPK2_E_CORRUPT, "SUMMARY, field %u: runs past the section", i);
        if (WPK2_SUM_IS_COUNT(tag) && len != 8)
            return wpk2_fail(err, WPK2_E_CORRUPT, "SUMMARY, field %u (%s): %u bytes, not 8", i, tag_names[tag], len);
        if (tag == WPK2_SUM_LANGUAGE && len < 8)
            return wpk2_fail(err, WPK2_E_CORRUPT, "SUMMARY, field %u (LANGUAGE): %u bytes, fewer than 8", i, len);
        if (tag == WPK2_SUM_CASE_SENSITIVE) {
            uint16_t wiki = len == 2 ? le16(raw + pos + 3) : 0;
            if (len != 2 || wiki == 0 || (cases && wiki <= prev_wiki))
                return wpk2_fail(err, WPK2_E_CORRUPT,
                                 "SUMMARY, field %u (CASE_SENSITIVE): not a wiki number above the previous one's", i);
            prev_wiki = wiki;
            cases++;
        }
        langs += tag == WPK2_SUM_LANGUAGE;
        pos += 3 + (size_t)len;
    }
    out->languages = wpk2_mem_array(&out->mem, langs, sizeof *out->languages);
    out->case_sensitive = wpk2_mem_array(&out->mem, cases, sizeof *out->case_sensitive);
    if (!out->languages || !out->case_sensitive) {
        wpk2_summary_free(out);
        return wpk2_fail(err, WPK2_E_NOMEM, "SUMMARY: out of memory");
    }
    for (pos = 0; pos < n;) {
        uint8_t tag = raw[pos];
        uint16_t len = le16(raw + pos + 1);
        const uint8_t *v = raw + pos + 3;
        if (WPK2_SUM_IS_COUNT(tag)) {
            *count_of(out, tag) = le64(v);
            out->has |= 1u << tag;
        } else if (tag == WPK2_SUM_LANGUAGE) {
            int rc = WPK2_OK;
            uint8_t *code = wpk2_mem_string(&out->mem, len - 8u, &rc);
            if (!code) {
                wpk2_summary_free(out);
                return wpk2_fail(err, rc, "SUMMARY: out of memory");
            }
            memcpy(code, v + 8, len - 8u);
            out->languages[out->language_count++] = (wpk2_summary_language){{code, len - 8u}, le64(v)};
        } else if (tag == WPK2_SUM_CASE_SENSITIVE) {
            out->case_sensitive[out->case_sensitive_count++] = le16(v);
        }
        pos += 3 + (size_t)len;
    }
    return wpk2_ok(err);
}

void wpk2_summary_free(wpk2_summary *s)
{
    wpk2_mem_release(&s->mem);
    s->languages = NULL;
    s->language_count = 0;
    s->case_sensitive = NULL;
    s->case_sensitive_count = 0;
}

static int put_field(wpk2_buf *b, uint8_t tag, const void *v, size_t len, const void *rest, size_t rest_len)
{
    uint8_t head[3] = {tag, (uint8_t)(len + rest_len), (uint8_t)((len + rest_len) >> 8)};
    return wpk2_buf_put(b, head, 3) || wpk2_buf_put(b, v, len) || wpk2_buf_put(b, rest, rest_len);
}

int wpk2_summary_encode(wpk2_buf *out, const wpk2_summary *s, wpk2_err *err)
{
    for (uint32_t i = 0; i < s->language_count; i++)
        if (s->languages[i].code.len > 0xFFFF - 8)
            return wpk2_fail(err, WPK2_E_INVALID, "SUMMARY, language %u: code over 65527 bytes", i);
    for (uint32_t i = 0; i < s->case_sensitive_count; i++)
        if (s->case_sensitive[i] == 0 || (i && s->case_sensitive[i] <= s->case_sensitive[i - 1]))
            return wpk2_fail(err, WPK2_E_INVALID, "SUMMARY: case-sensitive wiki %u is 0 or out of order", i);
    size_t start = out->len;
    int bad = 0;
    for (uint8_t tag = WPK2_SUM_ARTICLES; tag <= WPK2_SUM_REDIRECTS_OUT && !bad; tag++) {
        if (!WPK2_SUM_IS_COUNT(tag) || !(s->has & (1u << tag))) continue;
        uint8_t v[8];
        put64(v, *count_of((wpk2_summary *)s, tag));
        bad = put_field(out, tag, v, 8, NULL, 0);
    }
    for (uint32_t i = 0; i < s->language_count && !bad; i++) {
        uint8_t v[8];
        put64(v, s->languages[i].articles);
        bad = put_field(out, WPK2_SUM_LANGUAGE, v, 8, s->languages[i].code.p, s->languages[i].code.len);
    }
    for (uint32_t i = 0; i < s->case_sensitive_count && !bad; i++) {
        uint8_t v[2] = {(uint8_t)s->case_sensitive[i], (uint8_t)(s->case_sensitive[i] >> 8)};
        bad = put_field(out, WPK2_SUM_CASE_SENSITIVE, v, 2, NULL, 0);
    }
    if (bad) {
        out->len = start;
        return wpk2_fail(err, WPK2_E_NOMEM, "SUMMARY: out of memory");
    }
    return wpk2_ok(err);
}
