/* wikis.c - the WIKIS section (format 2.0): for each wiki, in number order, its name, language, url_base and site_name as strings.
 *
 * Each string: varint length (at most 65535), bytes. Names are non-empty
 * and unique in the archive; the other three may be empty. The section
 * holds exactly the header's wiki_count wikis and nothing after them.
 */
#include "wpk2_internal.h"

#include <stdio.h>
#include <stdlib.h>

static int by_name(const void *a, const void *b) { return str_cmp(**(wpk2_str *const *)a, **(wpk2_str *const *)b); }

/* Names non-empty and unique: sorted pointers, neighbours compared. */
static int names_unique(const wpk2_wiki *w, uint32_t count, const wpk2_alloc *alloc, int code, wpk2_err *err)
{
    for (uint32_t i = 0; i < count; i++)
        if (w[i].name.len == 0) return wpk2_fail(err, code, "WIKIS, wiki %u: empty name", i + 1);
    if (count < 2) return WPK2_OK;
    const wpk2_str **sorted = wpk2_malloc(alloc, count * sizeof *sorted);
    if (!sorted) return wpk2_fail(err, WPK2_E_NOMEM, "WIKIS: out of memory");
    for (uint32_t i = 0; i < count; i++) sorted[i] = &w[i].name;
    qsort(sorted, count, sizeof *sorted, by_name);
    int rc = WPK2_OK;
    for (uint32_t i = 1; i < count && !rc; i++)
        if (str_eq(*sorted[i - 1], *sorted[i]))
            rc = wpk2_fail(err, code, "WIKIS: two wikis named \"%.*s\"", (int)(sorted[i]->len > 64 ? 64 : sorted[i]->len),
                           (const char *)sorted[i]->p);
    wpk2_free(alloc, sorted);
    return rc;
}

int wpk2_wikis_decode(const uint8_t *raw, size_t n, uint32_t wiki_count, const wpk2_alloc *alloc, wpk2_wikis *out,
                      wpk2_err *err)
{
    memset(out, 0, sizeof *out);
    wpk2_mem_init(&out->mem, alloc, UINT64_MAX);
    if (wiki_count > WPK2_MAX_WIKIS) return wpk2_fail(err, WPK2_E_CORRUPT, "WIKIS: %u wikis, above 65535", wiki_count);
    /* Each wiki takes at least 4 bytes (four lengths). */
    if (wiki_count > n / 4)
        return wpk2_fail(err, WPK2_E_CORRUPT, "WIKIS: %u wikis cannot fit %zu bytes", wiki_count, n);
    out->wikis = wpk2_mem_array(&out->mem, wiki_count, sizeof *out->wikis);
    if (!out->wikis) return wpk2_fail(err, WPK2_E_NOMEM, "WIKIS: out of memory");
    rd s = {raw, n, 0};
    static const char *const field[4] = {"name", "language", "url_base", "site_name"};
    for (uint32_t i = 0; i < wiki_count; i++) {
        wpk2_str *f[4] = {&out->wikis[i].name, &out->wikis[i].language, &out->wikis[i].url_base,
                          &out->wikis[i].site_name};
        for (int k = 0; k < 4; k++) {
            int rc = wpk2_string_next(&s, &out->mem, f[k]);
            if (rc) {
                char what[48];
                snprintf(what, sizeof what, "WIKIS, wiki %u (%s)", i + 1, field[k]);
                wpk2_fail_code(err, rc, &out->mem, what, "string truncated or over 65535 bytes");
                wpk2_wikis_free(out);
                return rc;
            }
        }
    }
    int rc = rd_done(&s) ? names_unique(out->wikis, wiki_count, alloc, WPK2_E_CORRUPT, err)
                         : wpk2_fail(err, WPK2_E_CORRUPT, "WIKIS: %zu bytes after the last wiki", rd_left(&s));
    if (rc) {
        wpk2_wikis_free(out);
        return rc;
    }
    out->count = wiki_count;
    return wpk2_ok(err);
}

void wpk2_wikis_free(wpk2_wikis *w)
{
    wpk2_mem_release(&w->mem);
    w->wikis = NULL;
    w->count = 0;
}

int wpk2_wikis_encode(wpk2_buf *out, const wpk2_wiki *wikis, uint32_t count, wpk2_err *err)
{
    if (count > WPK2_MAX_WIKIS) return wpk2_fail(err, WPK2_E_INVALID, "WIKIS: %u wikis, above 65535", count);
    for (uint32_t i = 0; i < count; i++) {
        const wpk2_wiki *w = &wikis[i];
        if (w->name.len > 0xFFFF || w->language.len > 0xFFFF || w->url_base.len > 0xFFFF || w->site_name.len > 0xFFFF)
            return wpk2_fail(err, WPK2_E_INVALID, "WIKIS, wiki %u: a string over 65535 bytes", i + 1);
    }
    int rc = names_unique(wikis, count, out->alloc, WPK2_E_INVALID, err);
    if (rc) return rc;
    size_t start = out->len;
    for (uint32_t i = 0; i < count; i++) {
        const wpk2_wiki *w = &wikis[i];
        if (wpk2_buf_string(out, w->name.p, w->name.len) || wpk2_buf_string(out, w->language.p, w->language.len) ||
            wpk2_buf_string(out, w->url_base.p, w->url_base.len) ||
            wpk2_buf_string(out, w->site_name.p, w->site_name.len)) {
            out->len = start;
            return wpk2_fail(err, WPK2_E_NOMEM, "WIKIS: out of memory");
        }
    }
    return wpk2_ok(err);
}
