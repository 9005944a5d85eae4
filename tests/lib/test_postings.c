/* test_postings.c - postings gathered under a spill budget and read back
 * term by term (lib/search/postings.c), against a sort in memory: small
 * budgets (runs on disk, merges of merges) and a large one (no disk). */
#include "check.h"
#include "postings.h"

#include <stdlib.h>
#include <string.h>

#define NTERMS 700
#define NDOCS 1500

typedef struct ref {
    char term[256];
    size_t len;
    uint32_t doc;
    uint8_t value;
} ref;

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint32_t next_rand(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

static char vocab[NTERMS][256];
static size_t vocab_len[NTERMS];

static void make_vocab(void)
{
    for (int i = 0; i < NTERMS; i++) {
        int n = snprintf(vocab[i], sizeof vocab[i], "t%u", next_rand() % 100000);
        if (i % 97 == 0) vocab[i][0] = (char)0xC3; /* bytes above 0x7F sort after ASCII */
        if (i == 5) n = 1, vocab[i][0] = 'a';      /* one byte */
        if (i == 6) {                                /* the longest term */
            memset(vocab[i], 'z', 255);
            n = 255;
        }
        vocab_len[i] = (size_t)n;
    }
}

static int ref_cmp(const void *a, const void *b)
{
    const ref *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->term, y->term, n);
    if (c) return c;
    if (x->len != y->len) return x->len < y->len ? -1 : 1;
    return x->doc < y->doc ? -1 : x->doc > y->doc;
}

/* Every document adds a random set of distinct terms; equal spellings in
 * the vocabulary count once. Read back in chunks of `chunk`, leaving every
 * seventh term unread (the next term must skip its postings). */
static void run(size_t budget, size_t chunk)
{
    wpk_spill spill;
    wpk_spill_init(&spill, budget);
    wpk_postings *p = wpk_postings_new(&spill);
    CHECK(p != NULL);
    ref *refs = malloc(sizeof *refs * NDOCS * 40);
    size_t nrefs = 0;
    wpk_error err;
    for (uint32_t d = 0; d < NDOCS && p; d++) {
        int k = 1 + (int)(next_rand() % 40);
        for (int j = 0; j < k; j++) {
            int t = (int)(next_rand() % NTERMS);
            int seen = 0; /* a term once a document, spelling included */
            for (size_t r = nrefs; r-- > 0 && refs[r].doc == d;)
                if (refs[r].len == vocab_len[t] && !memcmp(refs[r].term, vocab[t], vocab_len[t])) seen = 1;
            if (seen) continue;
            ref *r = &refs[nrefs++];
            memcpy(r->term, vocab[t], vocab_len[t]);
            r->len = vocab_len[t];
            r->doc = d;
            r->value = (uint8_t)next_rand();
            CHECK(wpk_postings_add(p, (const uint8_t *)r->term, r->len, d, r->value, &err) == 0);
        }
    }
    qsort(refs, nrefs, sizeof *refs, ref_cmp);
    CHECK(p && wpk_postings_count(p) == nrefs);
    size_t at = 0, terms = 0, mismatches = 0;
    const uint8_t *term;
    size_t len;
    uint64_t docs;
    int rc = 0;
    while (p && (rc = wpk_postings_next_term(p, &term, &len, &docs, &err)) == 1) {
        size_t first = at, n = 0;
        while (at < nrefs && refs[at].len == len && !memcmp(refs[at].term, term, len)) at++;
        if (docs != at - first || first == at) mismatches++;
        if (terms++ % 7 == 6) continue;
        wpk_posting got[8];
        size_t k;
        while ((rc = wpk_postings_read(p, got, chunk, &k, &err)) == 0 && k > 0)
            for (size_t i = 0; i < k; i++, n++)
                if (first + n >= at || got[i].doc != refs[first + n].doc || got[i].value != refs[first + n].value)
                    mismatches++;
        if (rc || n != at - first) mismatches++;
    }
    CHECK_MSG(p && rc == 0 && at == nrefs && mismatches == 0 && terms == wpk_postings_terms(p),
              "budget %zu: %zu of %zu postings matched, %zu terms, %zu mismatches", budget, at, nrefs, terms, mismatches);
    /* Adding once reading began is refused. */
    CHECK(p && wpk_postings_add(p, (const uint8_t *)"late", 4, 0, 0, &err) == WPK_E_INVALID);
    wpk_postings_free(p);
    wpk_spill_close(&spill);
    free(refs);
}

int main(void)
{
    make_vocab();
    run(1u << 30, 8); /* never spills */
    run(4096, 3);     /* runs of ~340 records, merges of merges */
    run(64 << 10, 1);
    /* Refusals: empty and 256-byte terms; a document adding a term twice
     * (found once the postings are sorted). */
    wpk_spill spill;
    wpk_spill_init(&spill, 4096);
    wpk_postings *p = wpk_postings_new(&spill);
    wpk_error err;
    char big[256];
    memset(big, 'x', sizeof big);
    CHECK(wpk_postings_add(p, (const uint8_t *)"", 0, 1, 0, &err) == WPK_E_INVALID);
    CHECK(wpk_postings_add(p, (const uint8_t *)big, 256, 1, 0, &err) == WPK_E_INVALID);
    for (uint32_t d = 0; d < 3000; d++) CHECK(wpk_postings_add(p, (const uint8_t *)"w", 1, d, 0, &err) == 0);
    CHECK(wpk_postings_add(p, (const uint8_t *)"w", 1, 1234, 0, &err) == 0);
    const uint8_t *term;
    size_t len;
    uint64_t docs;
    CHECK(wpk_postings_next_term(p, &term, &len, &docs, &err) == WPK_E_INVALID && strstr(err.message, "twice"));
    wpk_postings_free(p);
    /* None at all: no term. */
    p = wpk_postings_new(&spill);
    CHECK(p && wpk_postings_next_term(p, &term, &len, &docs, &err) == 0);
    wpk_postings_free(p);
    wpk_spill_close(&spill);
    return check_summary();
}
