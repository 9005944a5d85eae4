/* wpk_search_bench.c - wikipack's full-text search (wpk_reader_search) over
 * the query sets of search_queries.py: relevance per kind and warm latency,
 * measured as zim_search_bench.cpp measures libzim's, so that the lines of
 * the two compare one for one (search_bench.sh).
 *
 * usage: wpk_search_bench ARCHIVE QUERIES.tsv ARTICLES.tsv [--passes N]
 *                         [--snippets] [--lang L] [--dump FILE]
 *                         [--cache-pages N]
 *
 * ARCHIVE: a wikipack archive with a search index (`wikipack pack`'s default).
 * QUERIES.tsv: kind, query, expected path, expected title, expected article,
 * others (articles besides it holding all the query's words).
 * ARTICLES.tsv: path, article, title for every file of the corpus; a result
 * is mapped to its article by its entry's path (the file's relative path,
 * as packed), so any copy or version of the expected article counts. A path
 * not listed is an article of its own.
 *
 * Relevance (one untimed pass, the first 100 results of each query):
 *   article rank: the rank of the expected article once the results are cut
 *                 to one per article (the first of its copies), which is how
 *                 the targets of issue 23 count;
 *   raw rank:     the rank in the list as wpk_reader_search returns it.
 *   `title` is a hit when the rank is < 3, `rare` when it is 0.
 * Latency: one warm-up pass over every query, then --passes N (default 5)
 * timed passes in file order; one query = wpk_reader_search with limit 10
 * (snippets only with --snippets) + wpk_reader_entry_at of each result and
 * its path and title. Each figure is the median over the passes of that
 * pass's nearest-rank p50 / p99, in microseconds.
 * --lang sets the query's language (wpk_search_opts.language; default the
 * archive's most common).
 * --cache-pages N sets the reader's cache of decoded index pages
 * (wpk_open_opts.cache_pages, default 64; its byte budget is raised to
 * 1 GiB with it), so that a large archive's term pages can all stay
 * decoded.
 *
 * Prints, per kind in order of first appearance:
 *   RESULT <kind> <rate> <p50_us> <p99_us> <n> <raw_rate> <dup_share> <empty>
 * rate and raw_rate: share of the kind's n queries that are hits by article
 * rank and by raw rank ('-' for a kind without expected article, such as
 * `latency`); dup_share: share of the top-10 results that repeat an article
 * listed above them; empty: queries without any result. Then, for a kind
 * with queries whose words no other article holds (others = 0):
 *   ALONE <kind> <rate> <n>
 * the rate (one result per article) over those n queries alone.
 * A query the library refuses (WPK_E_INVALID) counts as one without result
 * and is named on stderr; any other error stops with exit status 1.
 * --dump writes one line per query: kind, query, expected article, article
 * rank, raw rank (-1: not in the first 100), then "path | title" of each of
 * the top 10 results. */
#include "bench_timing.h"
#include "wikipack.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { LIMIT = 10, DEPTH = 100, MAX_KINDS = 16 };

typedef struct query {
    char *kind, *text, *article;
    int alone; /* no other article holds all the query's words */
    size_t kind_ix;
} query;

typedef struct kind {
    char *name;
    size_t n, judged, hits, raw_hits, empty, shown, dups, alone, alone_hits;
    double *p50, *p99; /* one per pass */
} kind;

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "wpk_search_bench: out of memory\n");
        exit(1);
    }
    return p;
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xmalloc(n), s, n);
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, bench_cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* ---- path -> article: open addressing, FNV-1a ---------------------------- */

typedef struct slot {
    char *path, *article;
} slot;

static slot *g_map;
static size_t g_cap, g_count;

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

static slot *map_slot(slot *map, size_t cap, const char *path)
{
    size_t i = (size_t)hash_str(path) & (cap - 1);
    while (map[i].path && strcmp(map[i].path, path)) i = (i + 1) & (cap - 1);
    return &map[i];
}

static void map_put(const char *path, const char *article)
{
    if (2 * (g_count + 1) > g_cap) {
        size_t cap = g_cap ? 2 * g_cap : 1024;
        slot *map = xmalloc(cap * sizeof *map);
        memset(map, 0, cap * sizeof *map);
        for (size_t i = 0; i < g_cap; i++)
            if (g_map[i].path) *map_slot(map, cap, g_map[i].path) = g_map[i];
        free(g_map);
        g_map = map, g_cap = cap;
    }
    slot *s = map_slot(g_map, g_cap, path);
    if (s->path) { /* the last line for a path wins, as in the C++ map */
        free(s->article);
        s->article = xstrdup(article);
        return;
    }
    s->path = xstrdup(path);
    s->article = xstrdup(article);
    g_count++;
}

/* The article of a result's path; a path not listed is "path:" + path,
 * written to buf. */
static const char *article_of(const char *path, char *buf, size_t cap)
{
    if (g_cap) {
        slot *s = map_slot(g_map, g_cap, path);
        if (s->path) return s->article;
    }
    snprintf(buf, cap, "path:%s", path);
    return buf;
}

/* ---- TSV ----------------------------------------------------------------- */

/* Calls fn with the tab-separated fields of each line (no '#' or empty line);
 * at most 8 fields, missing ones are "". */
static int read_tsv(const char *file, void (*fn)(char **f, size_t n, void *ctx), void *ctx)
{
    FILE *in = fopen(file, "r");
    if (!in) {
        perror(file);
        return -1;
    }
    char *line = NULL;
    size_t line_cap = 0;
    ssize_t len;
    while ((len = getline(&line, &line_cap, in)) >= 0) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = 0;
        if (!len || line[0] == '#') continue;
        char *f[8];
        size_t n = 0;
        for (char *s = line, *tok; n < 8 && (tok = strsep(&s, "\t"));) f[n++] = tok;
        size_t got = n;
        while (n < 8) f[n++] = "";
        fn(f, got, ctx);
    }
    free(line);
    fclose(in);
    return 0;
}

static void article_row(char **f, size_t n, void *ctx)
{
    (void)ctx;
    if (n >= 2) map_put(f[0], f[1]);
}

typedef struct query_set {
    query *q;
    size_t n, cap;
    kind kinds[MAX_KINDS];
    size_t n_kinds;
} query_set;

static void query_row(char **f, size_t n, void *ctx)
{
    query_set *qs = ctx;
    (void)n;
    if (!f[1][0]) return;
    size_t k = 0;
    while (k < qs->n_kinds && strcmp(qs->kinds[k].name, f[0])) k++;
    if (k == qs->n_kinds) {
        if (k == MAX_KINDS) {
            fprintf(stderr, "wpk_search_bench: more than %d query kinds\n", MAX_KINDS);
            exit(2);
        }
        memset(&qs->kinds[k], 0, sizeof qs->kinds[k]);
        qs->kinds[k].name = xstrdup(f[0]);
        qs->n_kinds++;
    }
    if (qs->n == qs->cap) {
        qs->cap = qs->cap ? 2 * qs->cap : 1024;
        query *q = realloc(qs->q, qs->cap * sizeof *q);
        if (!q) exit(1);
        qs->q = q;
    }
    query *q = &qs->q[qs->n++];
    q->kind = qs->kinds[k].name;
    q->text = xstrdup(f[1]);
    q->article = xstrdup(f[4]);
    q->alone = !strcmp(f[5], "0");
    q->kind_ix = k;
}

/* ---- searching ------------------------------------------------------------ */

/* Runs one query; *res is NULL for a query the library refuses. Returns 0,
 * or the error code of any other failure (printed). */
static int search(wpk_reader *r, const query *q, uint32_t limit, int snippets, const char *lang,
                  wpk_search_results **res)
{
    wpk_search_opts so = WPK_SEARCH_OPTS_INIT;
    so.limit = limit;
    so.snippets = snippets;
    so.language = lang;
    wpk_error err;
    memset(&err, 0, sizeof err);
    *res = NULL;
    int rc = wpk_reader_search(r, q->text, &so, res, &err);
    if (rc == WPK_E_INVALID) {
        *res = NULL;
        return 0;
    }
    if (rc) fprintf(stderr, "wpk_search_bench: \"%s\": %s\n", q->text, err.message);
    return rc;
}

/* The timed unit: what a results page of LIMIT needs. Adds the bytes of the
 * results' paths and titles (and snippets) to *bytes. */
static int run_query(wpk_reader *r, const query *q, int snippets, const char *lang, size_t *bytes)
{
    wpk_search_results *res;
    int rc = search(r, q, LIMIT, snippets, lang, &res);
    if (rc || !res) return rc;
    for (uint32_t i = 0; i < res->count && !rc; i++) {
        wpk_entry *e;
        wpk_error err;
        memset(&err, 0, sizeof err);
        rc = wpk_reader_entry_at(r, res->hits[i].entry, &e, &err);
        if (rc) {
            fprintf(stderr, "wpk_search_bench: entry %llu: %s\n", (unsigned long long)res->hits[i].entry,
                    err.message);
            break;
        }
        *bytes += strlen(e->path) + (e->title ? strlen(e->title) : 0);
        if (res->hits[i].snippet) *bytes += strlen(res->hits[i].snippet);
        wpk_entry_free(e);
    }
    wpk_search_results_free(res);
    return rc;
}

/* One untimed pass at DEPTH: ranks, repeats, the dump. */
static int judge(wpk_reader *r, query_set *qs, const char *lang, FILE *df)
{
    char **seen = xmalloc(DEPTH * sizeof *seen);
    for (size_t i = 0; i < qs->n; i++) {
        const query *q = &qs->q[i];
        kind *k = &qs->kinds[q->kind_ix];
        k->n++;
        wpk_search_results *res;
        int rc = search(r, q, DEPTH, 0, lang, &res);
        if (rc) return rc;
        if (!res) fprintf(stderr, "wpk_search_bench: \"%s\": refused (counted as no result)\n", q->text);
        size_t n_seen = 0, raw = 0;
        int rank = -1, raw_rank = -1;
        if (df) fprintf(df, "%s\t%s\t%s", q->kind, q->text, q->article);
        char *listed = NULL;
        size_t listed_len = 0;
        FILE *lf = df ? open_memstream(&listed, &listed_len) : NULL;
        for (; res && raw < res->count; raw++) {
            wpk_entry *e;
            wpk_error err;
            memset(&err, 0, sizeof err);
            if ((rc = wpk_reader_entry_at(r, res->hits[raw].entry, &e, &err)) != 0) {
                fprintf(stderr, "wpk_search_bench: entry %llu: %s\n",
                        (unsigned long long)res->hits[raw].entry, err.message);
                return rc;
            }
            char buf[4200];
            const char *a = article_of(e->path, buf, sizeof buf);
            int repeat = 0;
            for (size_t j = 0; j < n_seen && !repeat; j++) repeat = !strcmp(seen[j], a);
            if (!repeat) seen[n_seen++] = xstrdup(a);
            if (raw < LIMIT) {
                k->shown++;
                k->dups += repeat;
                if (lf) fprintf(lf, "\t%s | %s", e->path, e->title ? e->title : "");
            }
            if (q->article[0] && !strcmp(a, q->article) && raw_rank < 0) {
                raw_rank = (int)raw;
                rank = (int)n_seen - 1;
            }
            wpk_entry_free(e);
        }
        if (raw == 0) k->empty++;
        if (q->article[0]) {
            int cut = !strcmp(q->kind, "rare") ? 1 : 3;
            k->judged++;
            k->hits += rank >= 0 && rank < cut;
            k->raw_hits += raw_rank >= 0 && raw_rank < cut;
            if (q->alone) {
                k->alone++;
                k->alone_hits += rank >= 0 && rank < cut;
            }
        }
        if (df) {
            fclose(lf);
            fprintf(df, "\t%d\t%d%s\n", rank, raw_rank, listed ? listed : "");
            free(listed);
        }
        for (size_t j = 0; j < n_seen; j++) free(seen[j]);
        wpk_search_results_free(res);
    }
    free(seen);
    return 0;
}

int main(int argc, char **argv)
{
    int passes = 5, snippets = 0, cache_pages = 0;
    const char *dump = NULL, *lang = NULL, *args[3];
    size_t n_args = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--passes") && i + 1 < argc) {
            passes = atoi(argv[++i]);
            if (passes < 1) passes = 1;
        } else if (!strcmp(argv[i], "--snippets")) snippets = 1;
        else if (!strcmp(argv[i], "--dump") && i + 1 < argc) dump = argv[++i];
        else if (!strcmp(argv[i], "--lang") && i + 1 < argc) lang = argv[++i];
        else if (!strcmp(argv[i], "--cache-pages") && i + 1 < argc) cache_pages = atoi(argv[++i]);
        else if (n_args < 3 && argv[i][0] != '-') args[n_args++] = argv[i];
        else n_args = 4;
    }
    if (n_args != 3) {
        fprintf(stderr, "usage: wpk_search_bench ARCHIVE QUERIES.tsv ARTICLES.tsv [--passes N] "
                        "[--snippets] [--lang L] [--dump FILE] [--cache-pages N]\n");
        return 2;
    }
    if (read_tsv(args[2], article_row, NULL)) return 2;
    query_set qs;
    memset(&qs, 0, sizeof qs);
    if (read_tsv(args[1], query_row, &qs)) return 2;
    if (!qs.n) {
        fprintf(stderr, "wpk_search_bench: %s: no queries\n", args[1]);
        return 2;
    }

    wpk_reader *r;
    wpk_open_opts oo = WPK_OPEN_OPTS_INIT;
    if (cache_pages) {
        oo.cache_pages = cache_pages;
        oo.page_cache_bytes = (uint64_t)1 << 30;
    }
    wpk_error err;
    memset(&err, 0, sizeof err);
    if (wpk_reader_open(&r, args[0], &oo, &err)) {
        fprintf(stderr, "wpk_search_bench: %s: %s\n", args[0], err.message);
        return 1;
    }
    if (!wpk_reader_has_search(r)) {
        fprintf(stderr, "wpk_search_bench: %s has no search index\n", args[0]);
        return 1;
    }
    FILE *df = NULL;
    if (dump && !(df = fopen(dump, "w"))) {
        perror(dump);
        return 1;
    }

    /* Relevance: untimed, as deep as zim_search_bench looks. */
    if (judge(r, &qs, lang, df)) return 1;
    if (df) fclose(df);

    /* Latency: a warm-up pass, then the timed passes. */
    size_t bytes = 0;
    for (size_t i = 0; i < qs.n; i++)
        if (run_query(r, &qs.q[i], snippets, lang, &bytes)) return 1;
    double **t = xmalloc(qs.n_kinds * sizeof *t);
    size_t *nt = xmalloc(qs.n_kinds * sizeof *nt);
    for (size_t k = 0; k < qs.n_kinds; k++) {
        t[k] = xmalloc(qs.kinds[k].n * sizeof **t);
        qs.kinds[k].p50 = xmalloc(passes * sizeof(double));
        qs.kinds[k].p99 = xmalloc(passes * sizeof(double));
    }
    for (int p = 0; p < passes; p++) {
        memset(nt, 0, qs.n_kinds * sizeof *nt);
        for (size_t i = 0; i < qs.n; i++) {
            size_t k = qs.q[i].kind_ix;
            double t0 = bench_now_us();
            if (run_query(r, &qs.q[i], snippets, lang, &bytes)) return 1;
            t[k][nt[k]++] = bench_now_us() - t0;
        }
        for (size_t k = 0; k < qs.n_kinds; k++) {
            qs.kinds[k].p99[p] = bench_pct(t[k], nt[k], 99);
            qs.kinds[k].p50[p] = bench_pct(t[k], nt[k], 50);
        }
    }
    for (size_t i = 0; i < qs.n_kinds; i++) {
        kind *k = &qs.kinds[i];
        char rate[32] = "-", raw[32] = "-";
        if (k->judged) {
            snprintf(rate, sizeof rate, "%.4f", (double)k->hits / k->judged);
            snprintf(raw, sizeof raw, "%.4f", (double)k->raw_hits / k->judged);
        }
        printf("RESULT %s %s %.1f %.1f %zu %s %.4f %zu\n", k->name, rate, median(k->p50, passes),
               median(k->p99, passes), k->n, raw, k->shown ? (double)k->dups / k->shown : 0.0, k->empty);
        if (k->alone) printf("ALONE %s %.4f %zu\n", k->name, (double)k->alone_hits / k->alone, k->alone);
    }
    fprintf(stderr, "wpk_search_bench: %zu queries, %d timed passes, %zu result bytes\n", qs.n, passes, bytes);
    wpk_reader_close(r);
    return 0;
}
