// zim_read_bench.cpp - single-read latency of a ZIM archive through libzim's
// C++ API, over the same list of articles as wpk_read_bench (run_bench.sh).
//
// usage: zim_read_bench ARCHIVE LIST [--no-fresh]
//
// LIST: one pick per line, PATH TAB TITLE TAB PAGEID (TITLE, PAGEID may be
// empty; ZIM has no page ID, so that column is ignored). For each key kind:
//   path   a.getEntryByPath(path).getItem(true).getData()
//   title  a.getEntryByTitle(title).getItem(true).getData()
// and the bytes are copied out of the blob into a std::string (what a caller
// that keeps the article would do; wpk_read_bench returns a malloc'd copy).
//   warm   one zim::Archive opened once per key kind (its dirent and
//          16-cluster caches start empty), then every pick in list order;
//   fresh  construct zim::Archive + lookup + read + destroy, for every pick;
//   open   the constructor alone, from the fresh loop by path.
// libzim checks no checksum on read (only zimcheck -C checks the whole-file
// MD5), so neither is asked for here.
//
// Prints, in microseconds:  RESULT <warm|fresh|open> <path|title> <p50> <p99> <n> <misses>
#include <zim/archive.h>
#include <zim/blob.h>
#include <zim/entry.h>
#include <zim/error.h>
#include <zim/item.h>

#include "bench_timing.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace {

struct Pick {
    std::string path, title;
};

// The clock and percentiles of the C benchmarks (bench_timing.h), so that
// every figure is taken the same way.
double now_us() { return bench_now_us(); }
double pct(std::vector<double> &t, int p) { return bench_pct(t.data(), t.size(), p); }

void report(const char *mode, const char *key, std::vector<double> t, size_t misses)
{
    if (t.empty()) {
        std::printf("RESULT %s %s - - 0 %zu\n", mode, key, misses);
        return;
    }
    double p99 = pct(t, 99), p50 = pct(t, 50);
    std::printf("RESULT %s %s %.1f %.1f %zu %zu\n", mode, key, p50, p99, t.size(), misses);
    std::fflush(stdout);
}

size_t g_bytes = 0;

// Lookup + read. Returns false for a miss (EntryNotFound); other errors throw.
bool read_one(const zim::Archive &a, const Pick &p, bool by_title)
{
    try {
        zim::Entry e = by_title ? a.getEntryByTitle(p.title) : a.getEntryByPath(p.path);
        zim::Blob b = e.getItem(true).getData();
        std::string copy(b.data(), b.size());
        g_bytes += copy.size();
        return true;
    } catch (const zim::EntryNotFound &) {
        std::fprintf(stderr, "zim_read_bench: not found by %s: %s\n", by_title ? "title" : "path",
                     (by_title ? p.title : p.path).c_str());
        return false;
    }
}

} // namespace

int main(int argc, char **argv)
{
    bool fresh = true;
    std::vector<std::string> args;
    for (int i = 1; i < argc; i++) {
        if (!std::strcmp(argv[i], "--no-fresh")) fresh = false;
        else args.push_back(argv[i]);
    }
    if (args.size() != 2) {
        std::fprintf(stderr, "usage: zim_read_bench ARCHIVE LIST [--no-fresh]\n");
        return 2;
    }
    const std::string &file = args[0];
    std::vector<Pick> picks;
    {
        std::ifstream in(args[1]);
        if (!in) {
            std::perror(args[1].c_str());
            return 2;
        }
        std::string line;
        while (std::getline(in, line)) {
            if (!line.empty() && line.back() == '\r') line.pop_back();
            if (line.empty()) continue;
            Pick p;
            size_t t1 = line.find('\t');
            p.path = line.substr(0, t1);
            if (t1 != std::string::npos) {
                size_t t2 = line.find('\t', t1 + 1);
                p.title = line.substr(t1 + 1, t2 == std::string::npos ? std::string::npos : t2 - t1 - 1);
            }
            if (!p.path.empty()) picks.push_back(p);
        }
    }
    if (picks.empty()) {
        std::fprintf(stderr, "zim_read_bench: %s: empty list\n", args[1].c_str());
        return 2;
    }
    try {
        for (int by_title = 0; by_title <= 1; by_title++) {
            zim::Archive a(file);
            std::vector<double> t;
            size_t misses = 0;
            for (const Pick &p : picks) {
                if (by_title && p.title.empty()) continue;
                double t0 = now_us();
                bool ok = read_one(a, p, by_title);
                double t1 = now_us();
                if (ok) t.push_back(t1 - t0);
                else misses++;
            }
            report("warm", by_title ? "title" : "path", t, misses);
        }
        if (fresh) {
            for (int by_title = 0; by_title <= 1; by_title++) {
                std::vector<double> t, topen;
                size_t misses = 0;
                for (const Pick &p : picks) {
                    if (by_title && p.title.empty()) continue;
                    double t0 = now_us(), t1;
                    bool ok;
                    {
                        zim::Archive a(file);
                        t1 = now_us();
                        ok = read_one(a, p, by_title);
                    }
                    double t2 = now_us();
                    if (!ok) {
                        misses++;
                        continue;
                    }
                    t.push_back(t2 - t0);
                    if (!by_title) topen.push_back(t1 - t0);
                }
                report("fresh", by_title ? "title" : "path", t, misses);
                if (!by_title) report("open", "path", topen, 0);
            }
        }
    } catch (const std::exception &e) {
        std::fprintf(stderr, "zim_read_bench: %s\n", e.what());
        return 1;
    }
    std::fprintf(stderr, "zim_read_bench: %zu content bytes read\n", g_bytes);
    return 0;
}
