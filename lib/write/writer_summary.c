/* writer_summary.c - the SUMMARY section: article, revision, alias and category counts, and articles per language, so that `info` needs no scan. */
#include "writer_internal.h"

#include <stdlib.h>
#include <string.h>

/* An article's language (an id in w->langs): its current version's, else
 * that of the newest older version that has one; UINT32_MAX for none.
 * Entries keep the language they were given (an entry page stores what
 * differs from its wiki's). */
static uint32_t article_language(const wpk_writer *w, const wentry *cur)
{
    if (*we_lang(w, cur)) return w->wl.lang[cur->wl];
    for (uint32_t k = 0, n = wpk_revisions(w, cur); k < n; k++) {
        const wentry *v = &w->entries[w->article_order[cur->rev_start + k]];
        if (*we_lang(w, v)) return w->wl.lang[v->wl];
    }
    return UINT32_MAX;
}

static int by_name_of(const void *pa, const void *pb, void *ctx)
{
    const wintern *t = ctx;
    return strcmp(wpk_intern_name(t, *(const uint32_t *)pa), wpk_intern_name(t, *(const uint32_t *)pb));
}

int wpk_build_summary(wpk_writer *w, wbuf *out, wpk_error *err)
{
    uint32_t nlang = w->langs.count;
    uint64_t *count = wpk_calloc(nlang ? nlang : 1, sizeof *count);
    uint32_t *by_name = wpk_malloc((nlang ? nlang : 1) * sizeof *by_name);
    wpk2_summary s;
    memset(&s, 0, sizeof s);
    s.languages = wpk_calloc(nlang ? nlang : 1, sizeof *s.languages);
    int rc = count && by_name && s.languages ? WPK_OK : wpk_fail(err, WPK_E_NOMEM, "out of memory");
    for (size_t i = 0; i < w->count && !rc; i++) {
        const wentry *e = &w->entries[i];
        if (e->is_revision || !(e->group_has_id || e->title_len)) continue; /* articles only */
        uint32_t lang = article_language(w, e);
        if (lang != UINT32_MAX) count[lang]++;
    }
    for (uint32_t k = 0; k < nlang && !rc; k++) by_name[k] = k;
    if (!rc) qsort_r(by_name, nlang, sizeof *by_name, by_name_of, &w->langs);
    for (uint32_t k = 0; k < nlang && !rc; k++) {
        const char *lang = wpk_intern_name(&w->langs, by_name[k]);
        size_t len = strlen(lang);
        if (!count[by_name[k]] || len > 65535 - 8) continue; /* over-long: cannot be a language code; not counted */
        s.languages[s.language_count++] = (wpk2_summary_language){{(const uint8_t *)lang, (uint32_t)len}, count[by_name[k]]};
    }
    s.has = 1u << WPK2_SUM_ARTICLES | 1u << WPK2_SUM_REVISIONS | 1u << WPK2_SUM_ALIASES | 1u << WPK2_SUM_CATEGORIES;
    s.articles = w->articles;
    s.revisions = w->revisions;
    s.aliases = w->stored_aliases;
    s.categories = w->categories;
    if (w->redirects) { /* archives without redirect pages stay as before */
        s.has |= 1u << WPK2_SUM_REDIRECTS | 1u << WPK2_SUM_REDIRECTS_OUT;
        s.redirects = w->redirects;
        s.redirects_out = w->redirects_out;
    }
    s.case_sensitive = w->table.case_sensitive;
    s.case_sensitive_count = w->table.case_sensitive_count;
    wpk2_err e;
    if (!rc && (rc = wpk2_summary_encode(out, &s, &e)) != 0) rc = wpk_fail_format(err, rc, &e, "the summary");
    wpk_free(s.languages);
    wpk_free(count);
    wpk_free(by_name);
    return rc;
}
