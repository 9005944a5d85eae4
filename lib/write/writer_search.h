/* writer_search.h - the search index's two steps inside the writer: postings gathered (writer_search_gather.c), then written as term pages (writer_search.c). Not installed. */
#ifndef WPK_WRITER_SEARCH_H
#define WPK_WRITER_SEARCH_H

#include "writer_internal.h"

#include "postings.h"

/* What the documents gave: their postings, in one part a thread (the
 * documents of part 0 all before those of part 1), and per document its
 * length and its title's distinct terms. */
typedef struct search_gathered {
    wpk_postings *postings[2];
    wpk_spill spill[2];
    int n;                  /* parts */
    uint32_t *length;       /* by entry number: its length in terms, 0 when not a document */
    uint8_t *title_terms;   /* by entry number: its title's distinct terms, at most 4 */
    uint64_t documents, total_words;
} search_gathered;

/* Entries in path order by `order` (NULL: their own); two parts when the
 * writer has two threads or more. */
int wpk_search_gather(wpk_writer *w, const uint32_t *order, search_gathered *out, wpk_error *err);
void wpk_search_gathered_free(search_gathered *g);

#endif
