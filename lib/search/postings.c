/* postings.c - postings gathered in bounded memory and read back term by term (see postings.h).
 *
 * Adding numbers each term as first met and sorts (term number, document)
 * records. Reading first sorts the vocabulary by bytes, then passes the
 * records once through a second sorter keyed by the term's rank: two
 * sequential passes over the spilled records rather than a read a term
 * from a file of per-term lists. */
#include "postings.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

typedef struct rec {
    uint32_t key; /* term number while adding, its rank when reading */
    uint32_t doc;
    uint8_t value, pad[3];
} rec;

struct wpk_postings {
    wpk_sorter by_id, by_rank;
    int by_id_live, by_rank_live;
    uint64_t count;
    /* the vocabulary: term i is text[at[i], at[i] + len[i]) */
    uint8_t *text;
    size_t text_len, text_cap;
    uint64_t *at, *docs;
    uint8_t *len;
    uint32_t nterms, terms_cap;
    uint32_t *slots; /* term number + 1, 0 empty; a power of two */
    size_t nslots;
    /* reading */
    int reading;
    uint32_t *by_rank_id;
    wpk_sort_reader rd;
    int rd_open;
    rec ahead;
    int has_ahead, in_term;
    uint32_t rank;
};

static int rec_cmp(const void *a, const void *b)
{
    const rec *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return x->doc < y->doc ? -1 : x->doc > y->doc;
}

wpk_postings *wpk_postings_new(wpk_spill *spill)
{
    wpk_postings *p = wpk_calloc(1, sizeof *p);
    if (!p) return NULL;
    /* Documents are added in order, and read back in order per term: the
     * records come to each sorter in document order within a key. */
    wpk_sorter_init(&p->by_id, spill, sizeof(rec), rec_cmp);
    wpk_sorter_key32(&p->by_id, offsetof(rec, key));
    p->by_id_live = 1;
    wpk_sorter_init(&p->by_rank, spill, sizeof(rec), rec_cmp);
    wpk_sorter_key32(&p->by_rank, offsetof(rec, key));
    p->by_rank_live = 1;
    return p;
}

void wpk_postings_free(wpk_postings *p)
{
    if (!p) return;
    if (p->rd_open) wpk_sort_close(&p->rd);
    if (p->by_id_live) wpk_sorter_free(&p->by_id);
    if (p->by_rank_live) wpk_sorter_free(&p->by_rank);
    wpk_free(p->text);
    wpk_free(p->at);
    wpk_free(p->docs);
    wpk_free(p->len);
    wpk_free(p->slots);
    wpk_free(p->by_rank_id);
    wpk_free(p);
}

uint64_t wpk_postings_count(const wpk_postings *p) { return p->count; }
uint32_t wpk_postings_terms(const wpk_postings *p) { return p->nterms; }

static uint64_t hash_term(const uint8_t *s, size_t n)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (size_t i = 0; i < n; i++) h = (h ^ s[i]) * 1099511628211ull;
    return h;
}

static int grow_slots(wpk_postings *p)
{
    size_t n = p->nslots ? p->nslots * 2 : 1024;
    uint32_t *s = wpk_calloc(n, sizeof *s);
    if (!s) return WPK_E_NOMEM;
    for (uint32_t i = 0; i < p->nterms; i++) {
        size_t k = (size_t)hash_term(p->text + p->at[i], p->len[i]) & (n - 1);
        while (s[k]) k = (k + 1) & (n - 1);
        s[k] = i + 1;
    }
    wpk_free(p->slots);
    p->slots = s;
    p->nslots = n;
    return WPK_OK;
}

static int new_term(wpk_postings *p, const uint8_t *term, size_t len, uint32_t *id)
{
    if (p->nterms == UINT32_MAX - 1) return WPK_E_LIMIT;
    if (p->nterms == p->terms_cap) {
        uint32_t cap = p->terms_cap ? p->terms_cap * 2 : 1024;
        uint64_t *at = wpk_realloc(p->at, cap * sizeof *at), *docs = at ? wpk_realloc(p->docs, cap * sizeof *docs) : NULL;
        if (at) p->at = at;
        if (docs) p->docs = docs;
        uint8_t *l = docs ? wpk_realloc(p->len, cap) : NULL;
        if (!l) return WPK_E_NOMEM;
        p->len = l;
        p->terms_cap = cap;
    }
    if (p->text_len + len > p->text_cap) {
        size_t cap = p->text_cap ? p->text_cap * 2 : 65536;
        while (cap < p->text_len + len) cap *= 2;
        uint8_t *t = wpk_realloc(p->text, cap);
        if (!t) return WPK_E_NOMEM;
        p->text = t;
        p->text_cap = cap;
    }
    memcpy(p->text + p->text_len, term, len);
    *id = p->nterms++;
    p->at[*id] = p->text_len;
    p->len[*id] = (uint8_t)len;
    p->docs[*id] = 0;
    p->text_len += len;
    return WPK_OK;
}

/* The term's number, numbering it when new. */
static int term_id(wpk_postings *p, const uint8_t *term, size_t len, uint32_t *id)
{
    if ((size_t)p->nterms * 2 >= p->nslots && grow_slots(p)) return WPK_E_NOMEM;
    size_t k = (size_t)hash_term(term, len) & (p->nslots - 1);
    for (; p->slots[k]; k = (k + 1) & (p->nslots - 1)) {
        uint32_t i = p->slots[k] - 1;
        if (p->len[i] == len && !memcmp(p->text + p->at[i], term, len)) {
            *id = i;
            return WPK_OK;
        }
    }
    int rc = new_term(p, term, len, id);
    if (!rc) p->slots[k] = *id + 1;
    return rc;
}

int wpk_postings_add(wpk_postings *p, const uint8_t *term, size_t len, uint32_t doc, uint8_t value, wpk_error *err)
{
    if (p->reading) return wpk_fail(err, WPK_E_INVALID, "search postings: added after reading began");
    if (len == 0 || len > 255) return wpk_fail(err, WPK_E_INVALID, "search postings: a term of %zu bytes", len);
    uint32_t id;
    int rc = term_id(p, term, len, &id);
    if (rc) return wpk_fail(err, rc, rc == WPK_E_LIMIT ? "search postings: too many terms" : "out of memory");
    rec r = {id, doc, value, {0}};
    if ((rc = wpk_sorter_add(&p->by_id, &r, err)) != 0) return rc;
    p->docs[id]++;
    p->count++;
    return WPK_OK;
}

static int by_bytes(const void *a, const void *b, void *ctx)
{
    const wpk_postings *p = ctx;
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    size_t lx = p->len[x], ly = p->len[y];
    int c = memcmp(p->text + p->at[x], p->text + p->at[y], lx < ly ? lx : ly);
    return c ? c : lx < ly ? -1 : lx > ly;
}

/* The vocabulary in byte order; every record again, keyed by its term's
 * rank. A document that added a term twice is refused here. */
static int start_reading(wpk_postings *p, wpk_error *err)
{
    p->reading = 1;
    uint32_t n = p->nterms;
    uint32_t *rank_of = wpk_malloc((n ? n : 1) * sizeof *rank_of);
    if (!rank_of || !(p->by_rank_id = wpk_malloc((n ? n : 1) * sizeof *p->by_rank_id))) {
        wpk_free(rank_of);
        return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    }
    for (uint32_t i = 0; i < n; i++) p->by_rank_id[i] = i;
    qsort_r(p->by_rank_id, n, sizeof *p->by_rank_id, by_bytes, p);
    for (uint32_t r = 0; r < n; r++) rank_of[p->by_rank_id[r]] = r;
    wpk_sort_reader rd;
    int rc = wpk_sort_open(&p->by_id, &rd, err), opened = rc == 0;
    rec r, last = {UINT32_MAX, 0, 0, {0}};
    while (!rc && wpk_sort_next(&rd, &r)) {
        if (r.key == last.key && r.doc == last.doc) {
            rc = wpk_fail(err, WPK_E_INVALID, "search postings: document %u added the term \"%.*s\" twice", r.doc,
                          (int)p->len[r.key], (const char *)p->text + p->at[r.key]);
            break;
        }
        last = r;
        r.key = rank_of[r.key];
        rc = wpk_sorter_add(&p->by_rank, &r, err);
    }
    if (!rc && rd.rc) {
        rc = rd.rc;
        if (err) *err = rd.err;
    }
    if (opened) wpk_sort_close(&rd);
    wpk_free(rank_of);
    wpk_sorter_free(&p->by_id);
    p->by_id_live = 0;
    if (!rc) rc = wpk_sort_open(&p->by_rank, &p->rd, err);
    if (!rc) {
        p->rd_open = 1;
        p->has_ahead = wpk_sort_next(&p->rd, &p->ahead);
    }
    return rc;
}

static int read_failed(wpk_postings *p, wpk_error *err)
{
    if (err) *err = p->rd.err;
    return p->rd.rc;
}

int wpk_postings_next_term(wpk_postings *p, const uint8_t **term, size_t *len, uint64_t *docs, wpk_error *err)
{
    int rc;
    if (!p->reading && (rc = start_reading(p, err)) != 0) return rc;
    while (p->in_term && p->has_ahead && p->ahead.key == p->rank) /* the rest of the term before */
        p->has_ahead = wpk_sort_next(&p->rd, &p->ahead);
    if (p->rd.rc) return read_failed(p, err);
    p->in_term = 0;
    if (!p->has_ahead) return 0;
    p->rank = p->ahead.key;
    p->in_term = 1;
    uint32_t id = p->by_rank_id[p->rank];
    *term = p->text + p->at[id];
    *len = p->len[id];
    *docs = p->docs[id];
    return 1;
}

int wpk_postings_read(wpk_postings *p, wpk_posting *out, size_t max, size_t *got, wpk_error *err)
{
    *got = 0;
    if (!p->reading || !p->in_term) return wpk_fail(err, WPK_E_INVALID, "search postings: no term to read");
    while (*got < max && p->has_ahead && p->ahead.key == p->rank) {
        out[*got].doc = p->ahead.doc;
        out[*got].value = p->ahead.value;
        (*got)++;
        p->has_ahead = wpk_sort_next(&p->rd, &p->ahead);
    }
    return p->rd.rc ? read_failed(p, err) : WPK_OK;
}
