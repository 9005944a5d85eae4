/* cmd_pack.c - `wikipack pack`: turn files, JSON Lines records and MediaWiki pages into an archive */
/*
 * Walks the inputs, reads each file's article metadata in whichever layout
 * it has (through the importers, import.h) and hands everything to the
 * writer.
 */
#include "cli_commands.h"
#include "progress.h"
#include "import.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <malloc.h> /* mallopt (glibc) */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char pack_usage[] =
    "usage: wikipack pack -o OUT.wpk [OPTIONS] INPUT...\n"
    "\n"
    "Pack files and directories (walked recursively; entry paths are relative\n"
    "to each input directory) into one archive, which appears under OUT.wpk only\n"
    "once complete. INPUT '-' is standard input (decompressed if it is): a\n"
    "MediaWiki dump when it starts like one, else JSON Lines (entries\n"
    "stdin/TITLE.txt). Each file's layout is detected:\n"
    "  markdown   '# Title' and an '## Article Metadata' or '## Metadata' block\n"
    "  yaml       markdown with YAML front matter (title, url, language, categories, last_modified)\n"
    "  json       one JSON article per file (title, categories, archived_date, source_url, ...)\n"
    "  jsonl      JSON Lines (.jsonl): one article per line, each becoming an entry\n"
    "  mediawiki  a MediaWiki dump, by its content whatever its name (.xml, .bz2, .gz,\n"
    "             .zst, .xz, .7z; UTF-8 or UTF-16): one entry per revision of each page,\n"
    "             the newest the article; '#REDIRECT' pages are kept and lead to their\n"
    "             target; a multistream dump's index file is left out\n"
    "  plain      anything else, packed by path\n"
    "Versions of one article (same page ID, or same title) are kept as revisions\n"
    "of the newest.\n"
    "\n"
    "options:\n"
    "  -o, --output FILE      archive to write (required)\n"
    "  -f, --format LAYOUT    treat every file as LAYOUT (markdown, yaml, json, jsonl,\n"
    "                         mediawiki, plain) instead of detecting it\n"
    "      --latest-only      keep only the newest version of each article\n"
    "      --no-search        leave out the full-text search index ('wikipack search')\n"
    "      --strict           fail, writing nothing, on any warning about the input\n"
    "      --follow-links     pack symbolic links to files outside the input folders too (by\n"
    "                         default such a link is skipped with a warning)\n"
    "      --fast             quick to pack: zstd level 3, no dictionary\n"
    "      --best             smallest archive: zstd level 22, a dictionary of up to 2 MiB\n"
    "                         (an 8th of the content; the first read of a fresh reader\n"
    "                         then takes ~1 ms more) and 256 KiB index pages\n"
    "                         (a little smaller, slower to pack, index lookups a little slower)\n"
    "  -j, --threads N        compression threads (default: all cores)\n"
    "  -l, --level N          zstd level 1..22 (default 19)\n"
    "  -B, --block-size SIZE  target block size, e.g. 256K or 1M (default 256K)\n"
    "      --no-dict          never use a shared zstd dictionary\n"
    "      --dict-size SIZE   dictionary to train (default: 1/64 of the content or 64 bytes\n"
    "                         an entry, whichever is larger, 16K..256K)\n"
    "      --page-size SIZE   target size of an index page, raw (default 128K, 16K above\n"
    "                         50,000 entries): smaller\n"
    "                         pages make lookups in large archives cheaper, larger ones\n"
    "                         make the index a little smaller\n"
    "  -q, --quiet            print no summary and no progress\n"
    "  -h, --help             show this help\n";

#define META_SCAN_BYTES (64u << 10)   /* the metadata block is near the top */
#define JSON_MAX_BYTES (64u << 20)    /* larger JSON files are packed by path */

typedef struct pack_ctx {
    wpk_writer *w;
    imp_layout forced;
    size_t files, articles, malformed, empty, unreadable, skipped, records, warnings;
    imp_path_set paths;           /* paths given to record entries */
    wpk_error err;
    int failed;               /* a writer error: stop */
    const char *input;        /* the file being read, for messages */
    const char *source;       /* its path in the archive: records are named below it */
    char described[256];      /* the wiki last described to the writer (a dump's <siteinfo>) */
} pack_ctx;

static void warn(pack_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(pack_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cli_vwarn(fmt, ap);
    va_end(ap);
    c->warnings++; /* counted for the summary and --strict */
}

static const char *mime_for(const char *path, imp_layout l)
{
    if (l == IMP_LAYOUT_MARKDOWN || l == IMP_LAYOUT_YAML) return "text/markdown";
    if (l == IMP_LAYOUT_JSON) return "application/json";
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (!dot || (slash && dot < slash)) return NULL;
    static const struct { const char *ext, *mime; } types[] = {
        {".md", "text/markdown"}, {".markdown", "text/markdown"}, {".txt", "text/plain"},
        {".json", "application/json"}, {".html", "text/html"}, {".htm", "text/html"},
        {".xml", "application/xml"}, {".css", "text/css"}, {".png", "image/png"}, {".jpg", "image/jpeg"},
        {".jpeg", "image/jpeg"}, {".svg", "image/svg+xml"},
    };
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (!strcasecmp(dot, types[i].ext)) return types[i].mime;
    return NULL;
}

/* Read up to `cap` bytes of a file; *len is what was read, *size the file size. */
static int read_file(const char *path, size_t cap, char **out, size_t *len, uint64_t *size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return e;
    }
    *size = (uint64_t)st.st_size;
    size_t want = (uint64_t)st.st_size < cap ? (size_t)st.st_size : cap;
    char *buf = malloc(want + 1);
    size_t got = 0;
    if (!buf) {
        close(fd);
        return ENOMEM;
    }
    while (got < want) {
        ssize_t n = read(fd, buf + got, want - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int e = errno;
            free(buf);
            close(fd);
            return e;
        }
        if (n == 0) break;
        got += (size_t)n;
    }
    close(fd);
    buf[got] = 0;
    *out = buf;
    *len = got;
    return 0;
}

/* Drop a metadata string that is not valid UTF-8, saying so. */
static void keep_if_utf8(pack_ctx *c, char **field, const char *what)
{
    if (!*field || imp_utf8_text(*field)) return;
    warn(c, "%s: %s is not valid UTF-8 text (left out)", c->input, what);
    free(*field);
    *field = NULL;
}

static void entry_from_article(wpk_entry *m, const imp_article *a)
{
    m->title = a->title;
    m->language = a->language;
    m->url = a->url;
    m->page_id = a->page_id;
    m->has_page_id = a->has_page_id;
    m->updated_us = a->updated_us;
    m->has_updated = a->has_updated;
    m->categories = (const char *const *)a->categories;
    m->n_categories = a->n_categories;
    m->ns = a->ns;
    m->has_ns = a->has_ns;
    m->wiki = a->wiki;
    m->revision_id = a->revision_id;
    m->has_revision_id = a->has_revision_id;
    m->contributor = a->contributor;
    m->comment = a->comment;
}

/* A dump's <siteinfo>: its site name and case rule, told to the writer
 * when its pages start (once a dump, whatever its number of pages). */
static int describe_wiki(pack_ctx *c, const imp_article *a)
{
    if (!a->wiki || !strcmp(c->described, a->wiki) || strlen(a->wiki) >= sizeof c->described) return WPK_OK;
    wpk_wiki_info info = WPK_WIKI_INFO_INIT;
    info.name = a->wiki;
    info.site_name = a->site_name;
    info.case_sensitive = a->wiki_case_sensitive;
    int rc = wpk_writer_describe_wiki(c->w, &info, &c->err);
    if (!rc) snprintf(c->described, sizeof c->described, "%s", a->wiki);
    return rc;
}

/* Other names people use for an article: the title in its URL and, for a
 * markdown file, its file name unless that is only the title (plus a page
 * ID or a time; name_alias.h). */
static int add_name_aliases(pack_ctx *c, const imp_article *a, const char *rel, imp_layout l)
{
    if (!a->title) return WPK_OK;
    int rc = WPK_OK;
    if (a->url) {
        char *t = NULL;
        int urc = wpk_title_from_url(a->url, &t);
        if (urc == WPK_E_NOMEM) return cli_set_error(&c->err, urc, "out of memory");
        if (!urc && strcmp(t, a->title)) rc = wpk_writer_add_alias(c->w, t, a->title, &c->err);
        wpk_free(t);
    }
    if (!rc && (l == IMP_LAYOUT_MARKDOWN || l == IMP_LAYOUT_YAML)) {
        char *name = NULL;
        if (imp_name_alias(rel, a, &name)) return cli_set_error(&c->err, WPK_E_NOMEM, "out of memory");
        if (name) rc = wpk_writer_add_alias(c->w, name, a->title, &c->err);
        free(name);
    }
    return rc;
}

/* ---- records: JSON Lines and MediaWiki pages ------------------------------ */

static int add_record(pack_ctx *c, const char *rel, imp_article *a, const char *ext)
{
    keep_if_utf8(c, &a->title, "the title");
    /* An older revision is named after its title and revision ID. */
    char rev_name[IMP_MEDIAWIKI_MAX_TITLE_BYTES + 32];
    const char *name = a->title;
    if (a->is_older_revision && a->title) {
        if (a->has_revision_id)
            snprintf(rev_name, sizeof rev_name, "%s@r%llu", a->title, (unsigned long long)a->revision_id);
        else
            snprintf(rev_name, sizeof rev_name, "%s@r", a->title);
        name = rev_name;
    }
    char *path = imp_record_path(&c->paths, rel, name, ext);
    if (!path) return cli_set_error(&c->err, WPK_E_NOMEM, "out of memory");
    wpk_entry m = WPK_ENTRY_INIT;
    entry_from_article(&m, a);
    m.path = path;
    m.mime = !strcmp(ext, ".wiki") ? "text/x-wiki" : "text/plain";
    /* A redirect page is kept as an entry of its own (its text, title and
     * page ID), marked with its target: found by its title or page ID, it
     * leads to the target when the archive has it, else reads as itself. */
    if (!a->is_older_revision) m.redirect = a->redirect_to;
    int rc = wpk_writer_add(c->w, &m, a->text ? a->text : "", a->text_len, &c->err);
    free(path);
    c->records++;
    return rc;
}

static int on_page(void *ctx, const imp_article *page, uint64_t byte_offset)
{
    (void)byte_offset;
    pack_ctx *c = ctx;
    imp_article a = *page; /* borrowed: only the title may be replaced */
    char *title = page->title ? strdup(page->title) : NULL;
    a.title = title;
    int rc = describe_wiki(c, &a);
    if (!rc) rc = add_record(c, c->source, &a, ".wiki");
    free(a.title);
    if (rc) c->failed = 1;
    return rc ? 1 : 0;
}

static void on_page_warning(void *ctx, const char *message)
{
    warn(ctx, "%s", message);
}

/* A MediaWiki dump, from `src` when it is open already (standard input). */
static int pack_mediawiki(pack_ctx *c, const imp_walk_file *f, imp_source *src)
{
    char why[512] = "";
    c->input = f->full;
    c->source = f->rel;
    /* Every revision of a history dump: the writer makes the older ones
     * revisions of the newest (or, with --latest-only, drops them). */
    int own = !src;
    if (own && !(src = imp_source_open(f->full, NULL, why, sizeof why))) {
        warn(c, "%s (not packed)", why);
        c->unreadable++;
        return 0;
    }
    int rc = imp_mediawiki_read_source(src, f->full, 0, 1, on_page, on_page_warning, c, why, sizeof why);
    if (own) {
        imp_source_close(src);
        src = NULL;
    }
    if (c->failed) return -1;
    if (rc && src) {
        /* A stream cannot be read again to be kept whole. */
        warn(c, "%s (the pages before this point are packed)", why);
        c->malformed++;
        return 0;
    }
    if (rc) {
        /* Lose nothing: the pages read so far are entries, and the file
         * itself is packed by path too. */
        warn(c, "%s (the pages before this point are packed, and the whole file by path)", why);
        c->malformed++;
        wpk_entry m = WPK_ENTRY_INIT;
        m.path = f->rel;
        m.mime = "application/xml";
        if (wpk_writer_add_file(c->w, &m, f->full, &c->err) != 0) {
            c->failed = 1;
            return -1;
        }
        c->files++;
    }
    return 0;
}

/* JSON Lines, from `src` when it is open already (standard input). */
static int pack_jsonl(pack_ctx *c, const imp_walk_file *f, imp_source *src)
{
    FILE *in = src ? imp_source_stdio(src) : fopen(f->full, "rb");
    if (!in) {
        warn(c, "%s: cannot read: %s (not packed)", f->full, strerror(errno));
        c->unreadable++;
        return 0;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    uint64_t lineno = 0;
    int rc = 0;
    while (!rc && (n = getline(&line, &cap, in)) >= 0) {
        lineno++;
        imp_article a;
        memset(&a, 0, sizeof a);
        char why[300] = "";
        int st = imp_json_line_parse(line, (size_t)n, &a, why, sizeof why);
        if (st < 0) rc = cli_set_error(&c->err, WPK_E_NOMEM, "out of memory");
        else if (st == IMP_MALFORMED && !a.text) {
            /* Keep the line's bytes as an entry of its own rather than drop them. */
            char title[64];
            snprintf(title, sizeof title, "bad line %llu", (unsigned long long)lineno);
            char *path = imp_record_path(&c->paths, f->rel, title, ".jsonl");
            warn(c, "%s, line %llu: %s (the line is packed as %s)", f->full, (unsigned long long)lineno, why,
                 path ? path : "?");
            c->malformed++;
            wpk_entry m = WPK_ENTRY_INIT;
            m.path = path;
            m.mime = "application/jsonl";
            rc = path ? wpk_writer_add(c->w, &m, line, (size_t)n, &c->err)
                      : cli_set_error(&c->err, WPK_E_NOMEM, "out of memory");
            free(path);
        } else if (st != IMP_NONE) {
            if (st == IMP_MALFORMED) {
                warn(c, "%s, line %llu: %s", f->full, (unsigned long long)lineno, why);
                c->malformed++;
            }
            c->input = f->full;
            rc = add_record(c, f->rel, &a, ".txt");
        }
        imp_article_free(&a);
    }
    if (!rc && ferror(in)) {
        warn(c, "%s: read error after line %llu: %s", f->full, (unsigned long long)lineno, strerror(errno));
        c->unreadable++;
    }
    free(line);
    if (!src) fclose(in);
    if (rc) c->failed = 1;
    return rc ? -1 : 0;
}

/* ---- files --------------------------------------------------------------- */

/* Standard input, decompressed: a MediaWiki dump when it starts like one
 * (or --format mediawiki), else JSON Lines. The first bytes are peeked,
 * not consumed, so that the reader sees the whole stream. */
static int pack_stdin(pack_ctx *c, const imp_walk_file *f)
{
    char why[512] = "";
    c->input = "standard input";
    imp_source *src = imp_source_open(f->full, stdin, why, sizeof why);
    if (!src) {
        warn(c, "standard input: %s (not packed)", why);
        c->unreadable++;
        return 0;
    }
    const unsigned char *head;
    long n = imp_source_peek(src, &head, 8192);
    int rc;
    if (n < 0) {
        warn(c, "standard input: %s (not packed)", why);
        c->unreadable++;
        rc = 0;
    } else if (c->forced == IMP_LAYOUT_MEDIAWIKI || (!c->forced && imp_mediawiki_looks_like_dump(head, (size_t)n))) {
        rc = pack_mediawiki(c, f, src);
    } else {
        rc = pack_jsonl(c, f, src);
    }
    imp_source_close(src);
    return rc;
}

/* The OFFSET:PAGEID:TITLE index of a multistream dump, by its content. */
static int is_dump_index(const char *path)
{
    char why[16];
    imp_source *src = imp_source_open(path, NULL, why, sizeof why);
    if (!src) return 0;
    const unsigned char *head;
    long n = imp_source_peek(src, &head, 4096);
    int yes = n > 0 && imp_mediawiki_looks_like_index(head, (size_t)n);
    imp_source_close(src);
    return yes;
}

static int pack_file(pack_ctx *c, const imp_walk_file *f)
{
    if (!strcmp(f->full, IMP_WALK_STDIN_PATH)) return pack_stdin(c, f);
    char *buf = NULL;
    size_t len = 0;
    uint64_t size = 0;
    int e = read_file(f->full, META_SCAN_BYTES, &buf, &len, &size);
    if (e) {
        warn(c, "%s: cannot read: %s (not packed)", f->full, strerror(e));
        c->unreadable++;
        return 0;
    }
    c->input = f->full;
    /* Wikimedia publishes the index of a multistream dump compressed, and
     * names it "...-index...": a plain file is taken for one only by name. */
    if (!c->forced && ((imp_source_is_compressed(buf, len) && is_dump_index(f->full)) ||
                       (strstr(f->rel, "index") && imp_mediawiki_looks_like_index((const unsigned char *)buf, len)))) {
        warn(c, "%s: the index of a multistream dump (byte offsets into the dump, not articles): not packed; "
                "the archive has its own index", f->full);
        c->skipped++;
        free(buf);
        return 0;
    }
    char why[512] = "";
    imp_layout l = c->forced ? c->forced : imp_layout_detect(f->full, buf, len, why, sizeof why);
    if (why[0]) {
        warn(c, "%s (packed whole by path)", why);
        c->malformed++;
    }
    if (l == IMP_LAYOUT_MEDIAWIKI || l == IMP_LAYOUT_JSONL) {
        free(buf);
        return l == IMP_LAYOUT_MEDIAWIKI ? pack_mediawiki(c, f, NULL) : pack_jsonl(c, f, NULL);
    }
    if (l == IMP_LAYOUT_JSON && size > len && size <= JSON_MAX_BYTES) { /* JSON needs the whole file */
        free(buf);
        if ((e = read_file(f->full, JSON_MAX_BYTES, &buf, &len, &size)) != 0) {
            warn(c, "%s: cannot read: %s (not packed)", f->full, strerror(e));
            c->unreadable++;
            return 0;
        }
    }
    imp_article a;
    why[0] = 0;
    int st = size == 0 ? IMP_NONE : imp_layout_parse_file(l, buf, len, &a, why, sizeof why);
    free(buf);
    if (st < 0) return cli_set_error(&c->err, WPK_E_NOMEM, "out of memory"), c->failed = 1, -1;
    if (size == 0) {
        warn(c, "%s: empty file (packed by path)", f->full);
        c->empty++;
        memset(&a, 0, sizeof a);
    } else if (st == IMP_MALFORMED) {
        warn(c, "%s: %s (%s)", f->full, why, a.title ? "packed; the bad field is left out" : "packed by path");
        c->malformed++;
    } else if (st == IMP_NONE && c->forced && l != IMP_LAYOUT_PLAIN) {
        warn(c, "%s: not in the %s layout (packed by path)", f->full, imp_layout_name(l));
    }
    if (st == IMP_OK || st == IMP_MALFORMED) c->articles++;
    keep_if_utf8(c, &a.title, "the title");
    wpk_entry m = WPK_ENTRY_INIT;
    entry_from_article(&m, &a);
    m.path = f->rel;
    m.mime = mime_for(f->rel, st == IMP_NONE ? IMP_LAYOUT_PLAIN : l);
    int rc = wpk_writer_add_file(c->w, &m, f->full, &c->err);
    if (!rc) rc = add_name_aliases(c, &a, f->rel, l);
    imp_article_free(&a);
    c->files++;
    if (rc) c->failed = 1;
    return rc ? -1 : 0;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void print_summary(const wpk_write_stats *s, const pack_ctx *c, const char *out, double secs)
{
    double ratio = s->file_size ? (double)s->content_bytes / (double)s->file_size : 0;
    printf("packed %llu entries into %s in %.2f s\n", (unsigned long long)s->entries, out, secs);
    printf("  inputs: %zu files (%zu with article metadata), %zu records from JSON Lines and MediaWiki pages\n",
           c->files, c->articles, c->records);
    printf("  articles: %llu, older revisions: %llu%s, aliases: %llu (%llu with no target in the archive, not "
           "stored), duplicates stored once: %llu\n",
           (unsigned long long)(s->articles - s->redirects), (unsigned long long)s->revisions,
           s->dropped_revisions ? " (left out with --latest-only)" : "", (unsigned long long)s->aliases,
           (unsigned long long)s->unresolved_aliases, (unsigned long long)s->duplicates);
    if (s->redirects)
        printf("  redirect pages: %llu, kept with their page IDs (%llu lead to articles in the archive; %llu to "
               "articles not in it, readable as themselves)\n",
               (unsigned long long)s->redirects, (unsigned long long)(s->redirects - s->redirects_out),
               (unsigned long long)s->redirects_out);
    if (s->dropped_revisions)
        printf("  left out: %llu older revisions\n", (unsigned long long)s->dropped_revisions);
    printf("  warnings: %zu (malformed metadata: %zu, empty files: %zu); not packed: %zu unreadable, %zu skipped\n",
           c->warnings, c->malformed, c->empty, c->unreadable, c->skipped);
    printf("  input %llu bytes (%llu distinct contents, %llu bytes) -> archive %llu bytes, ratio %.2fx\n",
           (unsigned long long)s->content_bytes, (unsigned long long)s->unique_contents,
           (unsigned long long)s->unique_bytes, (unsigned long long)s->file_size, ratio);
    printf("  %llu blocks (%llu bytes), indexes %llu bytes, dictionary %llu bytes\n", (unsigned long long)s->blocks,
           (unsigned long long)s->data_bytes, (unsigned long long)s->index_bytes, (unsigned long long)s->dict_size);
    if (s->search_bytes)
        printf("  search index %llu bytes (%.1f%% of the rest), %llu articles indexed\n",
               (unsigned long long)s->search_bytes,
               s->file_size > s->search_bytes ? 100.0 * (double)s->search_bytes / (double)(s->file_size - s->search_bytes) : 0,
               (unsigned long long)s->search_documents);
}

/* Walk every input; two inputs giving one path, or an unstorable path, are errors. */
/* The importers' warnings and errors, printed as the command's own. */
static void print_import_problem(void *ctx, imp_severity severity, const char *message)
{
    if (severity == IMP_ERROR) cli_error("%s", message);
    else cli_warn("%s", message);
}

/* Files that are not packed although found: a path the format cannot
 * store (warned, counted as skipped), and the archive being written itself
 * (`pack -o dir/x.wpk dir` again). Marked done in the list. */
static void skip_file(imp_walk_list *files, size_t i) { imp_walk_done(files, i); }

static int same_file(const char *a, const struct stat *b)
{
    struct stat st;
    return b && stat(a, &st) == 0 && st.st_dev == b->st_dev && st.st_ino == b->st_ino;
}

static int collect_inputs(char **inputs, int n, imp_walk_list *files, const char *out)
{
    struct stat out_st;
    int out_exists = stat(out, &out_st) == 0;
    for (int i = 0; i < n; i++)
        if (!strcmp(inputs[i], "-")) {
            if (imp_walk_stdin(files) != 0) return CLI_EXIT_USAGE;
        } else if (imp_walk_input(inputs[i], files) != 0) {
            return CLI_EXIT_IO;
        }
    imp_walk_sort(files);
    static char full[IMP_WALK_PATH_MAX], prev_full[IMP_WALK_PATH_MAX];
    imp_walk_file f, prev;
    for (size_t i = 0; i < files->n; i++) {
        if (imp_walk_get(files, i, &f, full, sizeof full) != 0) {
            cli_error("%s/%s: path too long", files->roots[files->v[i].root], files->v[i].rel);
            return CLI_EXIT_USAGE;
        }
        if (i > 0 && files->v[i - 1].rel && !strcmp(files->v[i - 1].rel, f.rel)) {
            imp_walk_get(files, i - 1, &prev, prev_full, sizeof prev_full);
            cli_error("%s and %s would both be stored as \"%s\"", prev.full, f.full, f.rel);
            return CLI_EXIT_USAGE;
        }
        if (wpk_path_check(f.rel, strlen(f.rel)) != 0) {
            cli_warn("%s: cannot be stored: its path is not valid UTF-8, or has a control character, a backslash or "
                     "an over-long name (not packed)",
                     f.full);
            files->skipped++;
            skip_file(files, i);
        } else if (out_exists && same_file(f.full, &out_st)) {
            cli_warn("%s: the archive being written (not packed into itself)", f.full);
            files->skipped++;
            skip_file(files, i);
        }
    }
    return CLI_EXIT_OK;
}

/* A size option (K/M/G suffixes) from lo to hi, else `wants` is reported: -1. */
static int size_option(const char *arg, uint64_t lo, uint64_t hi, const char *wants, uint32_t *out)
{
    uint64_t v;
    if (cli_parse_size(arg, &v) || v < lo || v > hi) {
        cli_error("%s", wants);
        return -1;
    }
    *out = (uint32_t)v;
    return 0;
}

int cli_cmd_pack(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'},  {"threads", required_argument, NULL, 'j'},
        {"level", required_argument, NULL, 'l'},   {"block-size", required_argument, NULL, 'B'},
        {"format", required_argument, NULL, 'f'},  {"no-dict", no_argument, NULL, 'D'},
        {"latest-only", no_argument, NULL, 'L'},   {"strict", no_argument, NULL, 'S'},
        {"no-search", no_argument, NULL, 'N'},
        {"fast", no_argument, NULL, 'F'},          {"best", no_argument, NULL, 'X'},
        {"dict-size", required_argument, NULL, 'K'}, {"page-size", required_argument, NULL, 'P'},
        {"quiet", no_argument, NULL, 'q'},         {"help", no_argument, NULL, 'h'},
        {"follow-links", no_argument, NULL, 'Y'},
        {NULL, 0, NULL, 0},
    };
    wpk_write_opts wo = WPK_WRITE_OPTS_INIT;
    int follow_links = 0;
    const char *out = NULL;
    int quiet = 0, strict = 0, ch;
    imp_layout forced = IMP_LAYOUT_AUTO;
    uint64_t v;
    int preset = 0; /* 'F' or 'X'; explicit -l and --no-dict win over it */
    int set_level = 0, set_dict = 0;
    while ((ch = getopt_long(argc, argv, "o:j:l:B:f:qh", opts, NULL)) != -1) {
        switch (ch) {
        case 'o': out = optarg; break;
        case 'j':
            if (cli_parse_u64(optarg, &v) || v < 1 || v > 256) { cli_error("-j wants 1..256 threads"); return CLI_EXIT_USAGE; }
            wo.threads = (int)v;
            break;
        case 'l':
            if (cli_parse_u64(optarg, &v) || v < 1 || v > 22) { cli_error("-l wants a level 1..22"); return CLI_EXIT_USAGE; }
            wo.level = (int)v;
            set_level = 1;
            break;
        case 'B':
            if (size_option(optarg, 1024, (1u << 30), "-B wants a block size between 1K and 1G",
                            &wo.block_size))
                return CLI_EXIT_USAGE;
            break;
        case 'P':
            if (size_option(optarg, 256, (4u << 20), "--page-size wants an index page size between 256 and 4M",
                            &wo.page_size))
                return CLI_EXIT_USAGE;
            break;
        case 'f':
            if (imp_layout_from_name(optarg, &forced)) {
                cli_error("--format wants markdown, yaml, json, jsonl, mediawiki, plain or auto");
                return CLI_EXIT_USAGE;
            }
            break;
        case 'D': wo.dictionary = -1; set_dict = 1; break;
        case 'F': case 'X': preset = ch; break;
        case 'K':
            if (size_option(optarg, 1024, (16u << 20), "--dict-size wants a size between 1K and 16M",
                            &wo.dict_size))
                return CLI_EXIT_USAGE;
            break;
        case 'L': wo.latest_only = 1; break;
        case 'N': wo.search = -1; break;
        case 'S': strict = 1; break;
        case 'Y': follow_links = 1; break;
        case 'q': quiet = 1; break;
        default: {
            int done = cli_common_option(ch, optarg, pack_usage);
            if (done != CLI_GO_ON) return done;
        }
        }
    }
    if (preset == 'F') {
        if (!set_level) wo.level = 3;
        if (!set_dict) wo.dictionary = -1;
    } else if (preset == 'X') {
        if (!set_level) wo.level = 22;
        if (!wo.dict_size) wo.dict_size = WPK_DICT_SIZE_LARGE;
        if (!wo.page_size) wo.page_size = 256u << 10;
    }
    if (!out || optind >= argc) {
        cli_error(!out ? "pack: -o OUT.wpk is required" : "pack: no input given");
        fputs(pack_usage, stderr);
        return CLI_EXIT_USAGE;
    }
    double t0 = now_seconds();
#ifdef __GLIBC__
    /* Packing goes through phases that each allocate and free large arrays
     * on several threads. By default glibc raises its mmap threshold after
     * the first large free and then keeps freed arrays in per-thread heaps:
     * at a million files that held ~57 MB (peak RSS 366 MB, 309 MB with a
     * fixed threshold). A fixed 1 MiB threshold returns them at each free. */
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
    imp_walk_list files = {.report = print_import_problem};
    files.follow_links = follow_links;
    int code = collect_inputs(argv + optind, argc - optind, &files, out);
    if (code) {
        imp_walk_list_free(&files);
        return code;
    }
    pack_ctx c;
    memset(&c, 0, sizeof c);
    c.forced = forced;
    c.unreadable = files.unreadable;
    c.skipped = files.skipped;
    c.warnings = files.unreadable + files.skipped;
    cli_progress pg;
    cli_progress_init(&pg, quiet);
    int rc = wpk_writer_create(&c.w, out, &wo, &c.err);
    for (size_t i = 0; i < files.n && !rc; i++) {
        if (!files.v[i].rel) continue; /* skipped by collect_inputs */
        wpk_progress scan = {sizeof scan, "scanning", 0, 0, i + 1, files.n};
        cli_progress_update(&pg, &scan);
        imp_walk_file f;
        static char full[IMP_WALK_PATH_MAX];
        imp_walk_get(&files, i, &f, full, sizeof full); /* fits: collect_inputs checked */
        if (pack_file(&c, &f) != 0) rc = c.err.code ? c.err.code : WPK_E_IO;
        imp_walk_done(&files, i);
    }
    if (!rc) wpk_writer_set_progress(c.w, cli_progress_update, &pg);
    /* The writer has copied what it needs: free the lists before it finishes. */
    imp_walk_list_free(&files);
    imp_path_set_free(&c.paths);
    wpk_write_stats stats = WPK_WRITE_STATS_INIT;
    if (!rc && strict && c.warnings) {
        cli_error("--strict: %zu warning(s) about the input; %s not written", c.warnings, out);
        code = CLI_EXIT_USAGE;
    } else {
        if (!rc) rc = wpk_writer_finish(c.w, &stats, &c.err);
        cli_progress_done(&pg);
        if (rc) {
            cli_error("pack failed, %s not written: %s", out, c.err.message);
            code = cli_exit_code(rc);
        }
    }
    wpk_writer_free(c.w);
    imp_path_set_free(&c.paths);
    imp_walk_list_free(&files);
    if (code) return code;
    if (!quiet) print_summary(&stats, &c, out, now_seconds() - t0);
    if (stats.implausible_blocks)
        cli_warn("%s: %llu block(s) expand more than %ux (long runs of one byte?); readers refuse them unless "
                 "given --max-expansion 32768", out, (unsigned long long)stats.implausible_blocks,
                 WPK_DEFAULT_MAX_EXPANSION);
    if (c.unreadable) {
        cli_error("%zu input(s) could not be read and are not in %s", c.unreadable, out);
        return CLI_EXIT_IO;
    }
    return CLI_EXIT_OK;
}
