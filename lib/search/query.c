/* query.c - a search query as typed, into clauses of analysed terms (see query.h). */
#include "query.h"

#include "common.h"

#include <stdio.h>
#include <string.h>

typedef struct adder {
    wpk_query *q;
    int full;
} adder;

static int add_term(void *ctx, const wpk_term *t)
{
    adder *a = ctx;
    wpk_query *q = a->q;
    if (q->nterms == WPK_QUERY_MAX_TERMS) {
        a->full = 1;
        return 1;
    }
    wpk_qterm *x = &q->terms[q->nterms++];
    memcpy(x->t, t->term, t->len);
    x->len = (uint8_t)t->len;
    return 0;
}

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

/* One clause of text q[0, n): its terms, or nothing when it has no word. */
static int clause(wpk_analyzer *an, wpk_query *q, const char *p, size_t n, wpk_qkind kind, int excluded)
{
    adder a = {q, 0};
    uint32_t first = q->nterms;
    int rc = wpk_analyze(an, p, n, add_term, &a);
    if (a.full) return WPK_E_LIMIT;
    if (rc) return WPK_E_NOMEM;
    uint32_t count = q->nterms - first;
    if (!count) return WPK_OK;
    /* "e-mail" is the phrase "e mail"; "foo-ba*" the phrase's words and a prefix. */
    if (kind == WPK_Q_WORD && count > 1) kind = WPK_Q_PHRASE;
    if (kind == WPK_Q_PREFIX && count > 1) {
        q->clauses[q->nclauses++] = (wpk_qclause){WPK_Q_PHRASE, excluded, first, count - 1};
        first += count - 1;
        count = 1;
    }
    if (kind == WPK_Q_PHRASE && count == 1) kind = WPK_Q_WORD;
    q->clauses[q->nclauses++] = (wpk_qclause){kind, excluded, first, count};
    return WPK_OK;
}

int wpk_query_parse(wpk_analyzer *an, const char *text, wpk_query *q, char *msg, size_t msg_size)
{
    memset(q, 0, sizeof *q);
    size_t len = strlen(text);
    if (len > WPK_QUERY_MAX_BYTES) {
        snprintf(msg, msg_size, "the query has %zu bytes, more than %u", len, WPK_QUERY_MAX_BYTES);
        return WPK_E_INVALID;
    }
    int rc = WPK_OK;
    for (size_t i = 0; i < len && !rc;) {
        if (is_space(text[i])) {
            i++;
            continue;
        }
        int excluded = 0;
        if (text[i] == '-' && i + 1 < len && !is_space(text[i + 1])) {
            excluded = 1;
            i++;
        }
        const char *p;
        size_t n;
        wpk_qkind kind = WPK_Q_WORD;
        if (text[i] == '"') {
            /* An unclosed quote runs to the end: the phrase as typed so far. */
            const char *end = memchr(text + i + 1, '"', len - i - 1);
            p = text + i + 1;
            n = end ? (size_t)(end - p) : len - i - 1;
            i += n + 1 + (end != NULL);
            kind = WPK_Q_PHRASE;
        } else {
            size_t j = i;
            while (j < len && !is_space(text[j]) && text[j] != '"') j++;
            p = text + i;
            n = j - i;
            i = j;
            if (n && p[n - 1] == '*') {
                while (n && p[n - 1] == '*') n--;
                kind = WPK_Q_PREFIX;
            }
        }
        rc = clause(an, q, p, n, kind, excluded);
    }
    if (rc == WPK_E_LIMIT) {
        snprintf(msg, msg_size, "the query has more than %u words", WPK_QUERY_MAX_TERMS);
        return WPK_E_INVALID;
    }
    if (rc) {
        snprintf(msg, msg_size, "out of memory");
        return rc;
    }
    uint32_t wanted = 0;
    for (uint32_t c = 0; c < q->nclauses; c++) wanted += !q->clauses[c].excluded;
    if (!wanted) {
        snprintf(msg, msg_size, q->nclauses ? "the query has only excluded words" : "the query has no word to look for");
        return WPK_E_INVALID;
    }
    return WPK_OK;
}
