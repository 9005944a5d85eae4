/* cmd_pack.c - `wikipack pack`: walk the inputs, read article metadata,
 * hand every file to the writer and print a summary. */
#include "article_meta.h"
#include "cli.h"
#include "walk.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char pack_usage[] =
    "usage: wikipack pack -o OUT.wpk [OPTIONS] INPUT...\n"
    "\n"
    "Pack files and directories (walked recursively; entry paths are relative\n"
    "to each input directory) into one archive. Markdown articles with an\n"
    "'## Article Metadata' or '## Metadata' block are indexed by title and page ID.\n"
    "The archive appears under OUT.wpk only once complete.\n"
    "\n"
    "options:\n"
    "  -o, --output FILE      archive to write (required)\n"
    "  -j, --threads N        compression threads (default: all cores)\n"
    "  -l, --level N          zstd level 1..22 (default 19)\n"
    "  -B, --block-size SIZE  target block size, e.g. 256K or 1M (default 256K)\n"
    "      --no-dict          never use a shared zstd dictionary\n"
    "  -q, --quiet            print no summary\n"
    "  -h, --help             show this help\n";

/* How far into a file the metadata block may be (it is near the top). */
#define META_SCAN_BYTES (64u << 10)

typedef struct pack_counts { size_t articles, malformed, unreadable, skipped; } pack_counts;

static const char *mime_for(const char *path)
{
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (!dot || (slash && dot < slash)) return NULL;
    static const struct { const char *ext, *mime; } types[] = {
        {".md", "text/markdown"}, {".markdown", "text/markdown"}, {".txt", "text/plain"},
        {".json", "application/json"}, {".jsonl", "application/jsonl"}, {".html", "text/html"},
        {".htm", "text/html"}, {".xml", "application/xml"}, {".css", "text/css"},
        {".png", "image/png"}, {".jpg", "image/jpeg"}, {".jpeg", "image/jpeg"}, {".svg", "image/svg+xml"},
    };
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (!strcasecmp(dot, types[i].ext)) return types[i].mime;
    return NULL;
}

/* Read the head of a file: where the article metadata block lives. */
static int read_head(const char *path, char *buf, size_t cap, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno;
    size_t got = 0;
    while (got < cap) {
        ssize_t n = read(fd, buf + got, cap - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int e = errno;
            close(fd);
            return e;
        }
        if (n == 0) break;
        got += (size_t)n;
    }
    close(fd);
    *len = got;
    return 0;
}

/* Add one file; reports problems with its metadata or readability. */
static int add_one(wpk_writer *w, const walk_file *f, char *head, pack_counts *c, wpk_error *err)
{
    size_t len = 0;
    int e = read_head(f->full, head, META_SCAN_BYTES, &len);
    if (e) {
        cli_warn("%s: cannot read: %s (not packed)", f->full, strerror(e));
        c->unreadable++;
        return WPK_OK;
    }
    article_meta m;
    char why[256] = "";
    int st = article_meta_parse(head, len, &m, why, sizeof why);
    if (st < 0) return cli_set_error(err, WPK_E_NOMEM, "out of memory");
    if (st == ARTICLE_META_MALFORMED) {
        cli_warn("%s: malformed article metadata: %s (packed; the bad field is left out)", f->full, why);
        c->malformed++;
    } else if (st == ARTICLE_META_OK) {
        c->articles++;
    }
    wpk_entry meta;
    memset(&meta, 0, sizeof meta);
    meta.path = f->rel;
    meta.title = m.title;
    meta.language = m.language;
    meta.url = m.url;
    meta.mime = mime_for(f->rel);
    meta.page_id = m.page_id;
    meta.has_page_id = m.has_page_id;
    meta.updated_us = m.updated_us;
    meta.has_updated = m.has_updated;
    int rc = wpk_writer_add_file(w, &meta, f->full, err);
    article_meta_free(&m);
    return rc;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void print_summary(const wpk_write_stats *s, const pack_counts *c, const char *out, double secs)
{
    double ratio = s->file_size ? (double)s->content_bytes / (double)s->file_size : 0;
    printf("packed %llu entries into %s\n", (unsigned long long)s->entries, out);
    printf("  articles with metadata: %zu, malformed metadata: %zu, not packed: %zu unreadable, %zu skipped\n",
           c->articles, c->malformed, c->unreadable, c->skipped);
    printf("  input %llu bytes (%llu distinct contents, %llu bytes) -> archive %llu bytes, ratio %.2fx\n",
           (unsigned long long)s->content_bytes, (unsigned long long)s->unique_contents,
           (unsigned long long)s->unique_bytes, (unsigned long long)s->file_size, ratio);
    printf("  %llu blocks (%llu bytes), indexes %llu bytes, dictionary %llu bytes, %.2f s\n",
           (unsigned long long)s->blocks, (unsigned long long)s->data_bytes, (unsigned long long)s->index_bytes,
           (unsigned long long)s->dict_size, secs);
}

int cmd_pack(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'}, {"threads", required_argument, NULL, 'j'},
        {"level", required_argument, NULL, 'l'},  {"block-size", required_argument, NULL, 'B'},
        {"no-dict", no_argument, NULL, 'D'},      {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    wpk_write_opts wo = WPK_WRITE_OPTS_INIT;
    const char *out = NULL;
    int quiet = 0, ch;
    uint64_t v;
    while ((ch = getopt_long(argc, argv, "o:j:l:B:qh", opts, NULL)) != -1) {
        switch (ch) {
        case 'o': out = optarg; break;
        case 'j':
            if (cli_parse_u64(optarg, &v) || v < 1 || v > 256) { cli_error("-j wants 1..256 threads"); return EXIT_USAGE; }
            wo.threads = (int)v;
            break;
        case 'l':
            if (cli_parse_u64(optarg, &v) || v < 1 || v > 22) { cli_error("-l wants a level 1..22"); return EXIT_USAGE; }
            wo.level = (int)v;
            break;
        case 'B':
            if (cli_parse_size(optarg, &v) || v < 1024 || v > (1u << 30)) {
                cli_error("-B wants a block size between 1K and 1G");
                return EXIT_USAGE;
            }
            wo.block_size = (uint32_t)v;
            break;
        case 'D': wo.dictionary = -1; break;
        case 'q': quiet = 1; break;
        case 'h': fputs(pack_usage, stdout); return EXIT_OK;
        default: fputs(pack_usage, stderr); return EXIT_USAGE;
        }
    }
    if (!out || optind >= argc) {
        cli_error(!out ? "pack: -o OUT.wpk is required" : "pack: no input given");
        fputs(pack_usage, stderr);
        return EXIT_USAGE;
    }
    double t0 = now_seconds();
    walk_list files = {0};
    for (int i = optind; i < argc; i++)
        if (walk_input(argv[i], &files) != 0) {
            walk_list_free(&files);
            return EXIT_IO;
        }
    walk_sort(&files);
    for (size_t i = 0; i < files.n; i++) {
        if (i > 0 && !strcmp(files.v[i - 1].rel, files.v[i].rel)) {
            cli_error("%s and %s would both be stored as \"%s\"", files.v[i - 1].full, files.v[i].full, files.v[i].rel);
            walk_list_free(&files);
            return EXIT_USAGE;
        }
        if (wpk_path_check(files.v[i].rel, strlen(files.v[i].rel)) != 0) {
            cli_error("%s: cannot be stored: its path is not valid UTF-8, or has a control character, a backslash or an over-long name",
                      files.v[i].full);
            walk_list_free(&files);
            return EXIT_USAGE;
        }
    }
    pack_counts counts = {0, 0, files.unreadable, files.skipped};
    wpk_error err;
    memset(&err, 0, sizeof err);
    wpk_writer *w = NULL;
    char *head = malloc(META_SCAN_BYTES);
    int rc = head ? wpk_writer_create(&w, out, &wo, &err) : cli_set_error(&err, WPK_E_NOMEM, "out of memory");
    for (size_t i = 0; i < files.n && !rc; i++) rc = add_one(w, &files.v[i], head, &counts, &err);
    wpk_write_stats stats;
    if (!rc) rc = wpk_writer_finish(w, &stats, &err);
    wpk_writer_free(w);
    free(head);
    walk_list_free(&files);
    if (rc) {
        cli_error("pack failed, %s not written: %s", out, err.message);
        return cli_exit_code(rc);
    }
    if (!quiet) print_summary(&stats, &counts, out, now_seconds() - t0);
    if (counts.unreadable) {
        cli_error("%zu input(s) could not be read and are not in %s", counts.unreadable, out);
        return EXIT_IO;
    }
    return EXIT_OK;
}
