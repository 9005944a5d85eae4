/* make_hostile.c - write archives that lie consistently: every checksum is
 * right, but an entry's path would escape the extraction directory, or a
 * size claims far more than the stored bytes can hold. Checksums cannot
 * catch these; the reader's and the extractor's own checks must.
 *
 * Usage: make_hostile OUTDIR. Writes OUTDIR/NAME.wpk for every case, and
 * OUTDIR/cases.tsv: each case's name and kind ("path" or "size"). Each
 * archive holds two good entries and one "victim", each in a block of its
 * own, whose entry the test hook rewrites before its entry page is
 * encoded (format 2.0: the path, or its size and its block reference's
 * raw size), so that the page's and the block's hashes cover the lie.
 * And OUTDIR/strings.wpk (write_strings): strings a terminal would obey. */
#include "writer_internal.h" /* wpk_test_record_hook, the writer's block references */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct hostile_case {
    const char *name;
    const char *kind;       /* "path": unsafe path; "size": impossible size */
    const char *path;       /* replacement path (kind "path") */
    size_t path_len;        /* 0: strlen(path) */
    uint64_t block_raw;     /* the block reference's raw size (kind "size"); 0: see below */
    uint64_t content_size;  /* the entry's size (kind "size"); 0: the block's raw size */
    int raw_times_stored;   /* block raw = stored size x the most a zstd frame expands */
} hostile_case;

static char long_component[300];
static char long_path[4200];

/* The cases bsdtar's and Python tarfile's extraction filters defend
 * against, written in the one form an entry path can take here. A path
 * with a 00 byte is not among them: format 2.0's encoder cannot write one,
 * and its decoder refuses the whole entry page that holds one (a corrupt
 * page, spec/vectors/witness2's path-with-nul), so no such path reaches
 * extract. */
static const hostile_case cases[] = {
    {"path-parent", "path", "../evil.md", 0, 0, 0, 0},
    {"path-parent-inner", "path", "a/../../evil.md", 0, 0, 0, 0},
    {"path-parent-end", "path", "a/b/..", 0, 0, 0, 0},
    {"path-absolute", "path", "/tmp/evil.md", 0, 0, 0, 0},
    {"path-empty-component", "path", "a//evil.md", 0, 0, 0, 0},
    {"path-dot-component", "path", "a/./evil.md", 0, 0, 0, 0},
    {"path-trailing-slash", "path", "a/evil/", 0, 0, 0, 0},
    {"path-backslash", "path", "a\\..\\..\\evil.md", 0, 0, 0, 0},
    {"path-control", "path", "a/\x1b[31mevil.md", 0, 0, 0, 0},
    {"path-newline", "path", "a/evil\n.md", 0, 0, 0, 0},
    {"path-del", "path", "a/evil\x7f.md", 0, 0, 0, 0},
    {"path-bad-utf8", "path", "a/evil\xff.md", 0, 0, 0, 0},
    {"path-overlong-utf8-dot", "path", "a/\xc0\xae\xc0\xae/evil.md", 0, 0, 0, 0},
    {"path-long-component", "path", long_component, 0, 0, 0, 0},
    {"path-too-long", "path", long_path, 0, 0, 0, 0},
    /* Sizes: a block claiming 2 GiB (the reader's default block cap, and
     * the most a frame of its 70 KB could hold is more) for a content of
     * 2 GiB - 256; and one claiming exactly the most a frame of its stored
     * size could hold. The frame header gives the lie in both; a reader
     * that believed the reference would allocate the claim. (A raw size
     * above what the stored bytes can hold is refused by the encoder, and
     * by the decoder as a corrupt entry page: no longer a lie that reaches
     * a block read.) */
    {"size-huge-block", "size", NULL, 0, 1ull << 31, (1ull << 31) - 256, 0},
    {"size-max-expansion", "size", NULL, 0, 0, 0, 1},
};

static const hostile_case *current;
static const char *victim; /* the victim's path as added: it sorts where the case's path does */

static size_t case_path_len(const hostile_case *c) { return c->path_len ? c->path_len : strlen(c->path); }

/* Bytewise, as entry paths are ordered. */
static int path_cmp(const char *a, size_t an, const char *b)
{
    size_t bn = strlen(b);
    int c = memcmp(a, b, an < bn ? an : bn);
    return c ? c : (an > bn) - (an < bn);
}

static void rewrite(wpk2_entry *e, void *ctx)
{
    wpk_writer *w = ctx;
    if (!current || e->path.len != strlen(victim) || memcmp(e->path.p, victim, e->path.len) != 0) return;
    if (current->path) e->path = (wpk2_str){(const uint8_t *)current->path, (uint32_t)case_path_len(current)};
    if (current->block_raw || current->raw_times_stored) {
        /* The reference every page using the block encodes: only the
         * victim's entry page uses it (a block of its own). */
        wpk2_block_ref *b = &w->refs[e->block];
        b->raw_size = current->block_raw ? current->block_raw : b->stored_size * WPK2_MAX_EXPANSION;
        e->offset = 0;
        e->size = current->content_size ? current->content_size : b->raw_size;
    }
}

/* A body of n bytes: text, or (incompressible) bytes of a xorshift
 * generator, so that its block's stored size stays close to n. */
static void fill(char *body, size_t n, size_t i, int random)
{
    uint64_t x = 0x9E3779B97F4A7C15ull * (i + 1);
    for (size_t k = 0; k < n; k++) {
        if (random) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            body[k] = (char)(x >> 24);
        } else {
            body[k] = "Some harmless text of an entry. "[k % 32];
        }
    }
    snprintf(body, n, "# Entry %zu\n\n", i);
    body[strlen(body)] = 'S';
}

static int write_case(const char *dir, const hostile_case *c)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.wpk", dir, c->name);
    /* Blocks of 1 KiB and bodies above it: a block each, so that a lie
     * about the victim's block leaves the good entries readable. */
    wpk_write_opts o = WPK_WRITE_OPTS_INIT;
    o.threads = 1;
    o.dictionary = -1;
    o.block_size = 1024;
    /* The victim is added under a path that sorts where the case's path
     * does among the good ones: entry pages hold paths in increasing order
     * (and the encoder checks it). */
    victim = "z/victim.md";
    if (c->path) {
        size_t n = case_path_len(c);
        victim = path_cmp(c->path, n, "a/good-1.md") < 0   ? "0/victim.md"
                 : path_cmp(c->path, n, "b/good-2.md") < 0 ? "a/victim.md"
                                                           : "z/victim.md";
    }
    wpk_writer *w;
    wpk_error err;
    if (wpk_writer_create(&w, path, &o, &err)) goto fail;
    const char *names[] = {"a/good-1.md", "b/good-2.md", victim};
    for (size_t i = 0; i < 3; i++) {
        wpk_entry m = WPK_ENTRY_INIT;
        m.path = names[i];
        size_t n = i == 2 && c->block_raw ? 70000 : 1500;
        char *body = malloc(n);
        if (!body) {
            snprintf(err.message, sizeof err.message, "out of memory");
            wpk_writer_free(w);
            goto fail;
        }
        fill(body, n, i, n > 1500);
        int rc = wpk_writer_add(w, &m, body, n, &err);
        free(body);
        if (rc) {
            wpk_writer_free(w);
            goto fail;
        }
    }
    current = c;
    wpk_test_record_hook = rewrite;
    wpk_test_record_hook_ctx = w;
    int rc = wpk_writer_finish(w, NULL, &err);
    wpk_test_record_hook = NULL;
    wpk_test_record_hook_ctx = NULL;
    current = NULL;
    wpk_writer_free(w);
    if (!rc) return 0;
fail:
    fprintf(stderr, "%s: %s\n", path, err.message);
    return 1;
}

/* OUTDIR/strings.wpk: good paths, but titles, languages, URLs and
 * categories that would drive a terminal (escape sequences: clear the
 * screen, set the window title; a C1 control in UTF-8) or are not UTF-8.
 * The library stores any bytes; `list`, `find`, `info` must show them
 * harmless, and --json keep every key. */
static int write_strings(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/strings.wpk", dir);
    wpk_writer *w;
    wpk_error err;
    if (wpk_writer_create(&w, path, NULL, &err)) goto fail;
    static const char *const cats[] = {"Category:\x1b[1mbold"};
    static const struct { const char *path, *title, *lang, *url; } e[] = {
        {"a/clear.md", "Clear\x1b[2J\x1b[H screen", "en\x1b[2J", "https://example.org/\x1b]0;pwned\x07"},
        {"b/title.md", "\x1b]0;window title\x07Set", "de", NULL},
        {"c/c1.md", "CSI \xc2\x9b" "31m red", "fr", NULL},
        {"d/bad.md", "Bad \xff\xfe bytes \xf8\x88\x80", "x\xffy", "https://example.org/\xff"},
    };
    for (size_t i = 0; i < sizeof e / sizeof e[0]; i++) {
        wpk_entry m = WPK_ENTRY_INIT;
        m.path = e[i].path;
        m.title = e[i].title;
        m.language = e[i].lang;
        m.url = e[i].url;
        m.wiki = "hostilewiki";
        m.page_id = 100 + i;
        m.has_page_id = 1;
        if (i == 0) {
            m.categories = cats;
            m.n_categories = 1;
        }
        if (wpk_writer_add(w, &m, "text\n", 5, &err)) {
            wpk_writer_free(w);
            goto fail;
        }
    }
    int rc = wpk_writer_finish(w, NULL, &err);
    wpk_writer_free(w);
    if (!rc) return 0;
fail:
    fprintf(stderr, "%s: %s\n", path, err.message);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: make_hostile OUTDIR\n");
        return 2;
    }
    memset(long_component, 'x', 258); /* a component of 256 bytes */
    memcpy(long_component, "a/", 2);
    for (size_t i = 0; i + 2 < 4150; i += 2) memcpy(long_path + i, "d/", 2);
    memcpy(long_path + 4148, "e.md", 5);
    mkdir(argv[1], 0755);
    char list[4096];
    snprintf(list, sizeof list, "%s/cases.tsv", argv[1]);
    FILE *f = fopen(list, "w");
    if (!f) {
        perror(list);
        return 1;
    }
    int failed = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        failed |= write_case(argv[1], &cases[i]);
        fprintf(f, "%s\t%s\n", cases[i].name, cases[i].kind);
    }
    fclose(f);
    failed |= write_strings(argv[1]);
    return failed;
}
