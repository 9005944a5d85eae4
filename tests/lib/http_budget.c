/* http_budget.c - the request budget of reading through HTTP: every entry
 * of an archive looked up by page ID, title and path through a URL, read
 * back and compared with the same entry read from a local copy, counting
 * requests per lookup with wpk_reader_transfer_stats. After opening, a
 * lookup plus read may cost at most 2 index-page requests and 1 block
 * request (the dictionary is in the prefix, read by opening). Each lookup
 * gets a reader of its own, so that no page is cached from another.
 * Usage: http_budget URL LOCAL_ARCHIVE. Prints a summary; exit 1 on any
 * mismatch or budget overrun. Run by tests/cli/test_http.sh against nginx. */
#include "wikipack.h"
#include "check.h"

#include <stdlib.h>
#include <string.h>

typedef struct tally { uint64_t lookups, requests, bytes, max_requests; } tally;

static const char *url;

static void take(wpk_reader *r, wpk_transfer_stats *last, uint64_t *req, uint64_t *bytes)
{
    wpk_transfer_stats s = WPK_TRANSFER_STATS_INIT;
    wpk_reader_transfer_stats(r, &s);
    *req = s.requests - last->requests;
    *bytes = s.bytes - last->bytes;
    *last = s;
}

/* A reader of its own through the URL (nothing cached but what opening
 * fetched), its transfer counts so far in *last; NULL (reported) when it
 * does not open. */
static wpk_reader *open_fresh(wpk_transfer_stats *last)
{
    wpk_reader *r = NULL;
    wpk_error err;
    if (wpk_reader_open_url(&r, url, NULL, NULL, &err) != 0) {
        CHECK_MSG(0, "open %s: %s", url, err.message);
        return NULL;
    }
    wpk_reader_transfer_stats(r, last);
    return r;
}

/* Look up one entry through the URL with a reader of its own (nothing
 * cached but what opening fetched), read it, compare with `want`. */
static void one(char kind, const wpk_entry *local, const void *want, tally *t)
{
    wpk_entry *e = NULL;
    wpk_error err;
    wpk_transfer_stats last = WPK_TRANSFER_STATS_INIT;
    wpk_reader *remote = open_fresh(&last);
    if (!remote) return;
    uint64_t req, bytes;
    int rc = kind == 'i' ? wpk_reader_find_by_id(remote, local->page_id, &e, &err)
           : kind == 't' ? wpk_reader_find_by_title(remote, local->title, &e, &err)
                         : wpk_reader_find_by_path(remote, local->path, &e, &err);
    void *got = NULL;
    if (!rc) rc = wpk_reader_read_alloc(remote, e, &got, 1, &err);
    CHECK_MSG(rc == 0, "%c %s: %s", kind, local->path, err.message);
    take(remote, &last, &req, &bytes);
    if (!rc && kind == 'p')
        CHECK_MSG(e->size == local->size && memcmp(got, want, local->size) == 0, "path %s: content differs", local->path);
    /* At most 2 index pages + 1 block. By path the second page is the
     * current version's entry page, read when an older version inherits
     * its categories. */
    uint64_t budget = 3;
    CHECK_MSG(req <= budget, "%c %s: %llu requests, budget %llu", kind, local->path, (unsigned long long)req,
              (unsigned long long)budget);
    wpk_reader_close(remote);
    t->lookups++;
    t->requests += req;
    t->bytes += bytes;
    if (req > t->max_requests) t->max_requests = req;
    wpk_free(got);
    wpk_entry_free(e);
}

/* Format 2.3: a query of two words of a title (the first 60 such titles)
 * through the URL, from a reader just opened, without snippets: the
 * terms' pages (and a branch page each) at most, 5 requests; the same
 * results as the local copy. */
static void search_two(wpk_reader *local, const char *title, tally *t)
{
    char q[256];
    size_t n = 0;
    int words = 0;
    for (const char *c = title; *c && n + 1 < sizeof q && words < 2; c++) {
        int letter = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z');
        if (letter) q[n++] = *c;
        else if (n && q[n - 1] != ' ') {
            q[n++] = ' ';
            words++;
        }
    }
    while (n && q[n - 1] == ' ') n--;
    q[n] = 0;
    if (!strchr(q, ' ')) return; /* one word: not the two-word case */
    wpk_error err;
    wpk_transfer_stats last = WPK_TRANSFER_STATS_INIT;
    wpk_reader *remote = open_fresh(&last);
    if (!remote) return;
    uint64_t req, bytes;
    wpk_search_results *here = NULL, *there = NULL;
    int a = wpk_reader_search(local, q, NULL, &here, &err);
    int b = wpk_reader_search(remote, q, NULL, &there, &err);
    take(remote, &last, &req, &bytes);
    CHECK_MSG(a == b, "search \"%s\": %d here, %d through HTTP (%s)", q, a, b, err.message);
    if (!a && !b) {
        CHECK_MSG(here->count == there->count && here->matches == there->matches, "search \"%s\": results differ", q);
        for (uint32_t i = 0; i < here->count && i < there->count; i++)
            CHECK_MSG(here->hits[i].entry == there->hits[i].entry, "search \"%s\": result %u differs", q, i);
    }
    CHECK_MSG(req <= 5, "search \"%s\": %llu requests, budget 5", q, (unsigned long long)req);
    wpk_search_results_free(here);
    wpk_search_results_free(there);
    wpk_reader_close(remote);
    t->lookups++;
    t->requests += req;
    t->bytes += bytes;
    if (req > t->max_requests) t->max_requests = req;
}

typedef struct walk { wpk_reader *local; tally by_id, by_title, by_path, searches; } walk;

static int visit(void *ctx, const wpk_entry *e)
{
    walk *w = ctx;
    void *want = NULL;
    wpk_error err;
    if (wpk_reader_read_alloc(w->local, e, &want, 1, &err) != 0) return 1;
    one('p', e, want, &w->by_path);
    if (!e->is_revision) {
        if (e->has_page_id) one('i', e, want, &w->by_id);
        if (e->title) one('t', e, want, &w->by_title);
        if (e->title && wpk_reader_has_search(w->local) && w->searches.lookups < 60)
            search_two(w->local, e->title, &w->searches);
    }
    wpk_free(want);
    return 0;
}

static void report(const char *kind, const tally *t)
{
    if (!t->lookups) return;
    printf("by %-6s %5llu lookups: %.2f requests and %.0f bytes each on average, at most %llu requests\n", kind,
           (unsigned long long)t->lookups, (double)t->requests / (double)t->lookups,
           (double)t->bytes / (double)t->lookups, (unsigned long long)t->max_requests);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: http_budget URL LOCAL_ARCHIVE\n");
        return 2;
    }
    walk w;
    memset(&w, 0, sizeof w);
    wpk_error err;
    if (wpk_reader_open(&w.local, argv[2], NULL, &err) != 0) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    url = argv[1];
    wpk_reader *remote = NULL;
    if (wpk_reader_open_url(&remote, url, NULL, NULL, &err) != 0) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    wpk_transfer_stats last = WPK_TRANSFER_STATS_INIT;
    uint64_t req, bytes;
    take(remote, &last, &req, &bytes);
    wpk_reader_close(remote);
    wpk_archive_info info = WPK_ARCHIVE_INFO_INIT;
    wpk_reader_info(w.local, &info);
    printf("open: %llu requests, %llu bytes (archive of %llu bytes)\n", (unsigned long long)req,
           (unsigned long long)bytes, (unsigned long long)info.file_size);
    /* One request, two when the prefix is larger than the first 256 KiB. */
    CHECK_MSG(req <= 2, "open took %llu requests", (unsigned long long)req);
    CHECK(wpk_reader_foreach(w.local, visit, &w, &err) == 0);
    printf("each lookup + read from a reader just opened (the dictionary included):\n");
    report("ID", &w.by_id);
    report("title", &w.by_title);
    report("path", &w.by_path);
    report("search", &w.searches);
    wpk_reader_close(w.local);
    return check_summary();
}
