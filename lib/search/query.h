/* query.h - a search query as typed, into clauses of terms (not installed).
 *
 * Words (all must match), "exact phrases", prefix* words and -excluded
 * words or phrases, each analysed (analyze.h) as the index's text was. A
 * word that gives several terms ("e-mail") is a phrase of them. */
#ifndef WPK_SEARCH_QUERY_H
#define WPK_SEARCH_QUERY_H

#include "analyze.h"

#include <stddef.h>
#include <stdint.h>

#define WPK_QUERY_MAX_BYTES 4096u /* of a query: longer is WPK_E_INVALID */
#define WPK_QUERY_MAX_TERMS 64u   /* terms of a query: more are WPK_E_INVALID */

typedef enum { WPK_Q_WORD, WPK_Q_PHRASE, WPK_Q_PREFIX } wpk_qkind;

typedef struct wpk_qterm {
    uint8_t t[WPK_TERM_MAX];
    uint8_t len;
} wpk_qterm;

typedef struct wpk_qclause {
    wpk_qkind kind;
    int excluded;
    uint32_t first, count; /* its terms: terms[first .. first + count - 1] */
} wpk_qclause;

typedef struct wpk_query {
    wpk_qterm terms[WPK_QUERY_MAX_TERMS];
    uint32_t nterms;
    wpk_qclause clauses[WPK_QUERY_MAX_TERMS];
    uint32_t nclauses;
} wpk_query;

/* WPK_OK, or WPK_E_INVALID (msg says why: too long, too many words, no
 * word at all, only excluded words) or WPK_E_NOMEM. */
int wpk_query_parse(wpk_analyzer *a, const char *q, wpk_query *out, char *msg, size_t msg_size);

#endif
