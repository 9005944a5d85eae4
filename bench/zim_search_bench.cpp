// zim_search_bench.cpp - libzim's full-text (Xapian) search over the query
// sets of search_queries.py: relevance per kind and warm latency.
//
// usage: zim_search_bench ARCHIVE QUERIES.tsv ARTICLES.tsv [--passes N]
//                         [--snippets] [--dump FILE]
//
// ARCHIVE: a ZIM with a full-text index (search_queries.py zim --index eng).
// QUERIES.tsv: kind, query, expected path, expected title, expected article,
// others (articles besides it holding all the query's words).
// ARTICLES.tsv: path, article, title for every file of the corpus; a result
// is mapped to its article by its path (libzim gives the entry's path, as
// written: the file's relative path), so any copy or version of the expected
// article counts. A path not listed is an article of its own.
//
// Relevance (one untimed pass, the first 100 results of each query):
//   article rank: the rank of the expected article once the results are cut
//                 to one per article (the first of its copies), which is how
//                 the targets of issue 23 count;
//   raw rank:     the rank in libzim's list as returned (copies included).
//   `title` is a hit when the rank is < 3, `rare` when it is 0.
// Latency: one warm-up pass over every query, then --passes N (default 5)
// timed passes in file order; one query = Searcher::search + getResults(0,
// 10) + getPath and getTitle of each result (--snippets: getSnippet too).
// Each figure is the median over the passes of that pass's nearest-rank
// p50 / p99, in microseconds.
//
// Prints, per kind in order of first appearance:
//   RESULT <kind> <rate> <p50_us> <p99_us> <n> <raw_rate> <dup_share> <empty>
// rate and raw_rate: share of the kind's n queries that are hits by article
// rank and by raw rank ('-' for a kind without expected article, such as
// `latency`); dup_share: share of the top-10 results that repeat an article
// listed above them; empty: queries without any result. Then, for a kind
// with queries whose words no other article holds (others = 0):
//   ALONE <kind> <rate> <n>
// the rate (one result per article) over those n queries alone.
#include <zim/archive.h>
#include <zim/error.h>
#include <zim/search.h>
#include <zim/search_iterator.h>

#include "bench_timing.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

struct Q {
    std::string kind, text, path, article;
    bool alone;  // no other article holds all the query's words
};

const int kLimit = 10, kDepth = 100;

// The clock and percentiles of the C benchmarks (bench_timing.h), so that
// every figure is taken the same way.
double now_us() { return bench_now_us(); }
double pct(std::vector<double> &t, int p) { return bench_pct(t.data(), t.size(), p); }

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::vector<std::string> split_tabs(const std::string &line)
{
    std::vector<std::string> f;
    size_t start = 0;
    for (;;) {
        size_t tab = line.find('\t', start);
        f.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
        if (tab == std::string::npos) return f;
        start = tab + 1;
    }
}

bool read_tsv(const char *file, std::vector<std::vector<std::string>> &rows)
{
    std::ifstream in(file);
    if (!in) {
        std::perror(file);
        return false;
    }
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty() || line[0] == '#') continue;
        rows.push_back(split_tabs(line));
    }
    return true;
}

std::unordered_map<std::string, std::string> g_article;  // path -> article

std::string article_of(const std::string &path)
{
    auto it = g_article.find(path);
    if (it == g_article.end() && path.size() > 2 && path[1] == '/')
        it = g_article.find(path.substr(2));  // an old ZIM's "A/path"
    return it == g_article.end() ? "path:" + path : it->second;
}

// The timed unit: what a results page of kLimit needs.
size_t run_query(zim::Searcher &searcher, const std::string &text, bool snippets)
{
    zim::Search search = searcher.search(zim::Query(text));
    zim::SearchResultSet rs = search.getResults(0, kLimit);
    size_t bytes = 0;
    for (auto it = rs.begin(); it != rs.end(); ++it) {
        bytes += it.getPath().size() + it.getTitle().size();
        if (snippets) bytes += it.getSnippet().size();
    }
    return bytes;
}

struct Kind {
    std::string name;
    size_t n = 0, judged = 0, hits = 0, raw_hits = 0, empty = 0, shown = 0, dups = 0;
    size_t alone = 0, alone_hits = 0;
    std::vector<double> p50, p99;
};

} // namespace

int main(int argc, char **argv)
{
    int passes = 5;
    bool snippets = false;
    const char *dump = nullptr;
    std::vector<const char *> args;
    for (int i = 1; i < argc; i++) {
        if (!std::strcmp(argv[i], "--passes") && i + 1 < argc) passes = std::max(1, std::atoi(argv[++i]));
        else if (!std::strcmp(argv[i], "--snippets")) snippets = true;
        else if (!std::strcmp(argv[i], "--dump") && i + 1 < argc) dump = argv[++i];
        else args.push_back(argv[i]);
    }
    if (args.size() != 3) {
        std::fprintf(stderr, "usage: zim_search_bench ARCHIVE QUERIES.tsv ARTICLES.tsv [--passes N] "
                             "[--snippets] [--dump FILE]\n");
        return 2;
    }
    std::vector<std::vector<std::string>> rows;
    if (!read_tsv(args[2], rows)) return 2;
    for (auto &r : rows)
        if (r.size() >= 2) g_article[r[0]] = r[1];
    rows.clear();
    if (!read_tsv(args[1], rows)) return 2;
    std::vector<Q> queries;
    std::vector<Kind> kinds;
    std::map<std::string, size_t> kind_index;
    std::vector<size_t> kind_of;
    for (auto &r : rows) {
        r.resize(6);
        if (r[1].empty()) continue;
        queries.push_back({r[0], r[1], r[2], r[4], r[5] == "0"});
        if (!kind_index.count(r[0])) {
            kind_index[r[0]] = kinds.size();
            kinds.push_back(Kind());
            kinds.back().name = r[0];
        }
        kind_of.push_back(kind_index[r[0]]);
    }
    if (queries.empty()) {
        std::fprintf(stderr, "zim_search_bench: %s: no queries\n", args[1]);
        return 2;
    }

    try {
        zim::Archive archive(args[0]);
        if (!archive.hasFulltextIndex()) {
            std::fprintf(stderr, "zim_search_bench: %s has no full-text index\n", args[0]);
            return 1;
        }
        zim::Searcher searcher(archive);
        FILE *df = dump ? std::fopen(dump, "w") : nullptr;

        // Relevance: untimed, deep enough to rank articles past their copies.
        for (size_t i = 0; i < queries.size(); i++) {
            const Q &q = queries[i];
            Kind &k = kinds[kind_of[i]];
            k.n++;
            zim::Search search = searcher.search(zim::Query(q.text));
            zim::SearchResultSet rs = search.getResults(0, kDepth);
            std::set<std::string> seen;
            int raw = 0, rank = -1, raw_rank = -1;
            std::string listed;
            for (auto it = rs.begin(); it != rs.end(); ++it, ++raw) {
                std::string a = article_of(it.getPath());
                bool repeat = !seen.insert(a).second;
                if (raw < kLimit) {
                    k.shown++;
                    k.dups += repeat;
                    if (df) listed += "\t" + it.getPath() + " | " + it.getTitle();
                }
                if (!q.article.empty() && a == q.article && raw_rank < 0) {
                    raw_rank = raw;
                    rank = int(seen.size()) - 1;
                }
            }
            if (raw == 0) k.empty++;
            if (!q.article.empty()) {
                int cut = q.kind == "rare" ? 1 : 3;
                k.judged++;
                k.hits += rank >= 0 && rank < cut;
                k.raw_hits += raw_rank >= 0 && raw_rank < cut;
                if (q.alone) {
                    k.alone++;
                    k.alone_hits += rank >= 0 && rank < cut;
                }
            }
            if (df)
                std::fprintf(df, "%s\t%s\t%s\t%d\t%d%s\n", q.kind.c_str(), q.text.c_str(), q.article.c_str(),
                             rank, raw_rank, listed.c_str());
        }
        if (df) std::fclose(df);

        // Latency: a warm-up pass, then the timed passes.
        size_t bytes = 0;
        for (const Q &q : queries) bytes += run_query(searcher, q.text, snippets);
        for (int p = 0; p < passes; p++) {
            std::vector<std::vector<double>> t(kinds.size());
            for (size_t i = 0; i < queries.size(); i++) {
                double t0 = now_us();
                bytes += run_query(searcher, queries[i].text, snippets);
                t[kind_of[i]].push_back(now_us() - t0);
            }
            for (size_t k = 0; k < kinds.size(); k++) {
                kinds[k].p99.push_back(pct(t[k], 99));
                kinds[k].p50.push_back(pct(t[k], 50));
            }
        }
        for (const Kind &k : kinds) {
            char rate[32] = "-", raw[32] = "-";
            if (k.judged) {
                std::snprintf(rate, sizeof rate, "%.4f", double(k.hits) / k.judged);
                std::snprintf(raw, sizeof raw, "%.4f", double(k.raw_hits) / k.judged);
            }
            std::printf("RESULT %s %s %.1f %.1f %zu %s %.4f %zu\n", k.name.c_str(), rate, median(k.p50),
                        median(k.p99), k.n, raw, k.shown ? double(k.dups) / k.shown : 0.0, k.empty);
            if (k.alone)
                std::printf("ALONE %s %.4f %zu\n", k.name.c_str(), double(k.alone_hits) / k.alone, k.alone);
        }
        std::fprintf(stderr, "zim_search_bench: %zu queries, %d timed passes, %zu result bytes\n",
                     queries.size(), passes, bytes);
    } catch (const std::exception &e) {
        std::fprintf(stderr, "zim_search_bench: %s\n", e.what());
        return 1;
    }
    return 0;
}
