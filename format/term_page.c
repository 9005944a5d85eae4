/* term_page.c - term pages (format 2.3): the search index's terms, each with the documents holding it.
 *
 * Head: u32 count (runs: the page's items), u32 kind 6, then 5 stream
 * lengths:
 *   0 TERMS    one term per run, front-coded against the previous run's
 *              (the first against ""), 1..255 bytes, strictly increasing
 *   1 DOCS_OF  varint a run: documents holding the term in the whole
 *              index (>= 1, and >= the run's postings)
 *   2 RUNS     varint a run: its postings in this page (0 for a common
 *              term none of whose postings are kept)
 *   3 DOCS     varint a posting: the entry number for a run's first, the
 *              step (>= 1) from the previous posting's for the others
 *   4 IMPACTS  u8 a posting: impact class (bits 0..3); 0x80 when in the
 *              title, and then bits 4..5 the title's distinct terms - 1
 *              (3: four or more); bit 6 is 0. Its length is the page's
 *              number of postings
 *
 * A run holds the postings the writer kept; a term's postings may span
 * several pages, which then repeat the term and its DOCS_OF. */
#include "wpk2_internal.h"

#include <stdio.h>

enum { T_TERMS, T_DOCS_OF, T_RUNS, T_DOCS, T_IMPACTS, T_COUNT };

static int wpk2_impact_ok(uint8_t v)
{
    return !(v & 0x40) && ((v & WPK2_IMPACT_TITLE) || !(v & WPK2_IMPACT_TITLE_TERMS));
}
static const char *const stream_names[T_COUNT] = {"TERMS", "DOCS_OF", "RUNS", "DOCS", "IMPACTS"};

static int bad(wpk2_err *err, int code, const wpk2_mem *m, uint32_t run, int st, const char *detail)
{
    char what[64];
    snprintf(what, sizeof what, "term page, run %u (%s)", run, stream_names[st]);
    return wpk2_fail_code(err, code, m, what, detail);
}

/* The postings of run r (count of them, from posting `at`). */
static int postings(rd *s, const wpk2_page_ctx *ctx, wpk2_term_page *pg, uint32_t r, uint32_t at, uint64_t count,
                    wpk2_err *err)
{
    wpk2_mem *m = &pg->mem;
    uint64_t doc = 0, v;
    for (uint64_t k = 0; k < count; k++) {
        if (!rd_varint(&s[T_DOCS], &v)) return bad(err, WPK2_E_CORRUPT, m, r, T_DOCS, "truncated");
        if (k && v == 0) return bad(err, WPK2_E_CORRUPT, m, r, T_DOCS, "step 0 within a run");
        if (k && v > UINT64_MAX - doc) return bad(err, WPK2_E_CORRUPT, m, r, T_DOCS, "entry number out of range");
        doc = k ? doc + v : v;
        if (doc >= ctx->entry_count) return bad(err, WPK2_E_CORRUPT, m, r, T_DOCS, "entry number out of range");
        const uint8_t *ip;
        if (!rd_bytes(&s[T_IMPACTS], 1, &ip)) return bad(err, WPK2_E_CORRUPT, m, r, T_IMPACTS, "truncated");
        uint8_t impact = *ip;
        if (!wpk2_impact_ok(impact)) return bad(err, WPK2_E_CORRUPT, m, r, T_IMPACTS, "bit 6, or bits 4..5 without bit 7");
        pg->docs[at + k] = (uint32_t)doc;
        pg->impacts[at + k] = impact;
    }
    return WPK2_OK;
}

static int decode(const uint8_t *raw, size_t n, const wpk2_page_ctx *ctx, wpk2_term_page *pg, wpk2_err *err)
{
    rd s[T_COUNT];
    wpk2_mem *m = &pg->mem;
    int rc = wpk2_columns_split("term page", raw, n, WPK2_PAGE_TERM, T_COUNT, &pg->count, s, err);
    if (rc || (rc = wpk2_check_from("term page", ctx, pg->count, err))) return rc;
    /* Every run takes a byte of RUNS, every posting one of IMPACTS. */
    if (pg->count == 0 || pg->count > s[T_RUNS].n)
        return wpk2_fail(err, WPK2_E_CORRUPT, "term page (RUNS): %zu bytes cannot hold %u runs", s[T_RUNS].n,
                         pg->count);
    if (s[T_IMPACTS].n > UINT32_MAX)
        return wpk2_fail(err, WPK2_E_CORRUPT, "term page (IMPACTS): more than 2^32 postings");
    uint32_t total = (uint32_t)s[T_IMPACTS].n;
    pg->docs = wpk2_mem_array(m, total ? total : 1, sizeof *pg->docs);
    pg->impacts = wpk2_mem_array(m, total ? total : 1, 1);
    pg->runs = wpk2_mem_array(m, pg->count, sizeof *pg->runs);
    if (!pg->docs || !pg->impacts || !pg->runs) return wpk2_fail(err, WPK2_E_NOMEM, "term page: out of memory");
    wpk2_str term = {NULL, 0};
    uint32_t at = 0;
    for (uint32_t r = 0; r < pg->count; r++) {
        uint64_t run, docs;
        wpk2_str next;
        if (!rd_varint(&s[T_RUNS], &run) || run > total - at)
            return bad(err, WPK2_E_CORRUPT, m, r, T_RUNS, "truncated, or more postings than IMPACTS holds");
        if (!rd_varint(&s[T_DOCS_OF], &docs) || docs == 0 || docs < run)
            return bad(err, WPK2_E_CORRUPT, m, r, T_DOCS_OF, "truncated, 0, or below the run's postings");
        if ((rc = wpk2_front_next(&s[T_TERMS], m, term, &next)))
            return bad(err, rc, m, r, T_TERMS, "truncated, or a shared prefix longer than the previous term");
        if (next.len == 0 || next.len > WPK2_TERM_MAX)
            return bad(err, WPK2_E_CORRUPT, m, r, T_TERMS, "a term of 0 or more than 255 bytes");
        if (r && str_cmp(term, next) >= 0) return bad(err, WPK2_E_CORRUPT, m, r, T_TERMS, "terms out of order");
        if (r == 0 && (rc = wpk2_check_first_key("term page", ctx, next, err))) return rc;
        term = next;
        if ((rc = postings(s, ctx, pg, r, at, run, err))) return rc;
        pg->runs[r] = (wpk2_term_run){next, docs, at, (uint32_t)run};
        at += (uint32_t)run;
    }
    pg->postings = at;
    if (at != total)
        return wpk2_fail(err, WPK2_E_CORRUPT, "term page (IMPACTS): %u bytes for %u postings", total, at);
    return wpk2_streams_finished(s, T_COUNT, stream_names, "term page", "run", err);
}

int wpk2_term_page_decode(const uint8_t *raw, size_t n, const wpk2_page_ctx *ctx, wpk2_term_page *out, wpk2_err *err)
{
    memset(out, 0, sizeof *out);
    wpk2_mem_init(&out->mem, ctx->alloc, cap_or(ctx->max_strings, WPK2_DEFAULT_MAX_STRINGS));
    wpk2_page_ctx c = wpk2_page_ctx_clamped(ctx);
    int rc = decode(raw, n, &c, out, err);
    if (rc) {
        wpk2_term_page_free(out);
        return rc;
    }
    return wpk2_ok(err);
}

void wpk2_term_page_free(wpk2_term_page *pg)
{
    wpk2_mem_release(&pg->mem);
    memset(pg, 0, sizeof *pg);
}

/* The encoder's checks: what the decoder would refuse is the caller's bug. */
static int check_runs(const wpk2_page_ctx *ctx, const wpk2_term_run *runs, uint32_t run_count, const uint32_t *docs,
                      const uint8_t *impacts, uint64_t *strings, wpk2_err *err)
{
    uint32_t at = 0;
    for (uint32_t r = 0; r < run_count; r++) {
        const wpk2_term_run *t = &runs[r];
        if (t->term.len == 0 || t->term.len > WPK2_TERM_MAX)
            return wpk2_fail(err, WPK2_E_INVALID, "term page, run %u: a term of 0 or more than 255 bytes", r);
        if (r && str_cmp(runs[r - 1].term, t->term) >= 0)
            return wpk2_fail(err, WPK2_E_INVALID, "term page, run %u: terms out of order", r);
        if (t->first != at || t->docs == 0 || t->docs < t->count)
            return wpk2_fail(err, WPK2_E_INVALID, "term page, run %u: postings not contiguous, or above its docs", r);
        for (uint32_t k = t->first; k < t->first + t->count; k++) {
            if (docs[k] >= ctx->entry_count || (k > t->first && docs[k] <= docs[k - 1]))
                return wpk2_fail(err, WPK2_E_INVALID, "term page, run %u: documents out of order or range", r);
            if (!wpk2_impact_ok(impacts[k]))
                return wpk2_fail(err, WPK2_E_INVALID, "term page, run %u: impact byte with bit 6, or 4..5 alone", r);
        }
        at += t->count;
        *strings += t->term.len;
    }
    return WPK2_OK;
}

int wpk2_term_page_encode(wpk2_buf *out, const wpk2_page_ctx *ctx, const wpk2_term_run *runs, uint32_t run_count,
                          const uint32_t *docs, const uint8_t *impacts, wpk2_err *err)
{
    uint64_t strings = 0, cap = cap_or(ctx->max_strings, WPK2_DEFAULT_MAX_STRINGS);
    if (run_count == 0) return wpk2_fail(err, WPK2_E_INVALID, "term page with no term");
    int rc = check_runs(ctx, runs, run_count, docs, impacts, &strings, err);
    if (rc) return rc;
    if (strings > cap)
        return wpk2_fail(err, WPK2_E_LIMIT, "term page: %llu bytes of terms, over the %llu-byte cap of a page",
                         (unsigned long long)strings, (unsigned long long)cap);
    uint32_t postings = runs[run_count - 1].first + runs[run_count - 1].count;
    wpk2_buf s[T_COUNT];
    for (int k = 0; k < T_COUNT; k++) s[k] = (wpk2_buf){.alloc = out->alloc};
    int bad_ = 0;
    for (uint32_t r = 0; r < run_count && !bad_; r++) {
        const wpk2_term_run *t = &runs[r];
        bad_ = wpk2_front_put(&s[T_TERMS], r ? runs[r - 1].term : (wpk2_str){NULL, 0}, t->term) ||
               wpk2_buf_varint(&s[T_DOCS_OF], t->docs) || wpk2_buf_varint(&s[T_RUNS], t->count);
        for (uint32_t k = t->first; k < t->first + t->count && !bad_; k++)
            bad_ = wpk2_buf_varint(&s[T_DOCS], k == t->first ? docs[k] : docs[k] - docs[k - 1]);
    }
    if (!bad_ && postings) bad_ = wpk2_buf_put(&s[T_IMPACTS], impacts, postings);
    bad_ = bad_ || wpk2_columns_join(out, run_count, WPK2_PAGE_TERM, s, T_COUNT);
    for (int k = 0; k < T_COUNT; k++) wpk2_buf_free(&s[k]);
    return bad_ ? wpk2_fail(err, WPK2_E_NOMEM, "term page: out of memory") : wpk2_ok(err);
}
