/* analyzer_pool.c - query analyzers kept by the reader between searches: making one (its word cache, its stemmer) costs more than a warm query.
 *
 * An analyzer serves one thread at a time, so a search takes one out of
 * the pool and gives it back; threads searching at once each get their own,
 * and at most a handful stay idle. */
#include "reader_internal.h"

#include "analyze.h"

#include <string.h>

#define IDLE_MAX ((int)(sizeof ((wpk_reader *)0)->analyzers / sizeof ((wpk_reader *)0)->analyzers[0]))

wpk_analyzer *wpk_analyzer_take(wpk_reader *r, const char *language)
{
    wpk_analyzer *a = NULL;
    pthread_mutex_lock(&r->analyzer_lock);
    for (int i = 0; i < r->analyzer_n; i++)
        if (!strcmp(r->analyzers[i].language, language)) {
            a = r->analyzers[i].a;
            r->analyzers[i] = r->analyzers[--r->analyzer_n];
            break;
        }
    pthread_mutex_unlock(&r->analyzer_lock);
    return a ? a : wpk_analyzer_new(language);
}

void wpk_analyzer_give(wpk_reader *r, const char *language, wpk_analyzer *a)
{
    if (!a) return;
    size_t n = strlen(language);
    pthread_mutex_lock(&r->analyzer_lock);
    if (n < sizeof r->analyzers[0].language && r->analyzer_n < IDLE_MAX) {
        memcpy(r->analyzers[r->analyzer_n].language, language, n + 1);
        r->analyzers[r->analyzer_n++].a = a;
        a = NULL;
    }
    pthread_mutex_unlock(&r->analyzer_lock);
    wpk_analyzer_free(a); /* the pool is full, or the name too long to keep */
}

void wpk_analyzers_free(wpk_reader *r)
{
    for (int i = 0; i < r->analyzer_n; i++) wpk_analyzer_free(r->analyzers[i].a);
    r->analyzer_n = 0;
}
