/* make_hostile.c - write archives that lie consistently: every checksum is
 * right, but an entry's path would escape the extraction directory, or a
 * size claims far more than the stored bytes can hold. Checksums cannot
 * catch these; the reader's and the extractor's own checks must.
 *
 * Usage: make_hostile OUTDIR. Writes OUTDIR/NAME.wpk for every case, and
 * OUTDIR/cases.tsv: each case's name and kind ("path" or "size"). Each archive holds a few good entries and one
 * "victim" whose record the test hook rewrites. */
#include "writer_internal.h" /* wpk_test_record_hook */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct hostile_case {
    const char *name;
    const char *kind;       /* "path": unsafe path; "size": impossible size */
    const char *path;       /* replacement path (kind "path") */
    size_t path_len;        /* 0: strlen(path) */
    uint32_t block_raw;     /* replacement block raw size (kind "size"), 0 = keep */
    uint64_t content_size;  /* replacement content size, 0 = keep */
    int raw_times_stored;   /* block raw = stored size x this (kind "size") */
} hostile_case;

static char long_component[300];
static char long_path[4200];

/* The cases bsdtar's and Python tarfile's extraction filters defend
 * against, written in the one form an entry path can take here. */
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
    {"path-nul", "path", "a/evil\0../../x.md", 16, 0, 0, 0},
    {"path-bad-utf8", "path", "a/evil\xff.md", 0, 0, 0, 0},
    {"path-overlong-utf8-dot", "path", "a/\xc0\xae\xc0\xae/evil.md", 0, 0, 0, 0},
    {"path-long-component", "path", long_component, 0, 0, 0, 0},
    {"path-too-long", "path", long_path, 0, 0, 0, 0},
    /* Sizes: a block claiming 4 GiB - 1 from a few hundred stored bytes
     * (over any zstd frame's reach), and one claiming exactly the most a
     * frame of its size could hold (the frame header gives the lie). */
    {"size-huge-block", "size", NULL, 0, 0xFFFFFFFFu, 0xFFFFFF00u, 0},
    {"size-max-expansion", "size", NULL, 0, 0, 0, 1},
};

static const hostile_case *current;

static void rewrite(wpk2_entry *e, void *ctx)
{
    (void)ctx;
    if (!current || e->path.len != 11 || memcmp(e->path.p, "z/victim.md", 11) != 0) return;
    if (current->path)
        e->path = (wpk2_str){(const uint8_t *)current->path, (uint32_t)(current->path_len ? current->path_len : strlen(current->path))};
    /* Format 2.0's encoder checks an entry against its block and the paths'
     * order: the lies it refuses make the case fail to write. */
    if (current->content_size || current->raw_times_stored) {
        e->offset = 0;
        e->size = current->content_size ? current->content_size : (uint64_t)UINT32_MAX * WPK2_MAX_EXPANSION;
    }
}

static int write_case(const char *dir, const hostile_case *c)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.wpk", dir, c->name);
    wpk_write_opts o = WPK_WRITE_OPTS_INIT;
    o.threads = 1;
    o.dictionary = -1;
    wpk_writer *w;
    wpk_error err;
    if (wpk_writer_create(&w, path, &o, &err)) goto fail;
    static const char *const names[] = {"a/good-1.md", "b/good-2.md", "z/victim.md"};
    for (size_t i = 0; i < 3; i++) {
        wpk_entry m = WPK_ENTRY_INIT;
        m.path = names[i];
        char body[200];
        int n = snprintf(body, sizeof body, "# Entry %zu\n\nSome harmless text of entry %zu.\n", i, i);
        if (wpk_writer_add(w, &m, body, (size_t)n, &err)) goto fail;
    }
    current = c;
    wpk_test_record_hook = rewrite;
    int rc = wpk_writer_finish(w, NULL, &err);
    wpk_test_record_hook = NULL;
    current = NULL;
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
    return failed;
}
