/* postings.h - a search index's postings gathered in bounded memory, then
 * read back term by term (not installed).
 *
 * The indexer adds, for each document, each of its distinct terms once,
 * with a byte of ranking data (the format decides its meaning). Reading
 * gives the terms in byte order, each with its postings in document order.
 * Terms are numbered as first met and kept in memory (a vocabulary grows
 * with the distinct terms, not with the postings); postings are sorted
 * under the spill budget shared with the caller's other sorters
 * (spill_sort.h) and spill to a temporary file beyond it. */
#ifndef WPK_SEARCH_POSTINGS_H
#define WPK_SEARCH_POSTINGS_H

#include "common.h"
#include "spill_sort.h"

typedef struct wpk_posting {
    uint32_t doc;
    uint8_t value;
} wpk_posting;

typedef struct wpk_postings wpk_postings;

/* NULL on allocation failure. spill: shared, outlives the postings. */
wpk_postings *wpk_postings_new(wpk_spill *spill);
void wpk_postings_free(wpk_postings *p);

/* One posting. A term is 1 to 255 bytes; a document adds a term once. */
int wpk_postings_add(wpk_postings *p, const uint8_t *term, size_t len, uint32_t doc, uint8_t value, wpk_error *err);
uint64_t wpk_postings_count(const wpk_postings *p);
uint32_t wpk_postings_terms(const wpk_postings *p);

/* Reading, once every posting is added: the next term (1) with its
 * document count, or 0 at the end; its bytes stay valid until the
 * postings are freed. Then its postings, max at a time, in document
 * order: how many were written to out, 0 once the term's are read. */
int wpk_postings_next_term(wpk_postings *p, const uint8_t **term, size_t *len, uint64_t *docs, wpk_error *err);
int wpk_postings_read(wpk_postings *p, wpk_posting *out, size_t max, size_t *got, wpk_error *err);

#endif
