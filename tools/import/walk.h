/* walk.h - collect the files to pack from the command-line inputs. */
#ifndef WPK_WALK_H
#define WPK_WALK_H

#include "input.h"

#include <stddef.h>
#include <stdint.h>

/* One file to pack, as handed to the packer (see imp_walk_get). */
typedef struct imp_walk_file {
    const char *rel;  /* path inside the archive: relative to the input root, '/' separated */
    const char *full; /* path to open */
} imp_walk_file;

/* A file as kept in the list: its archive path and the input it came
 * from. The path to open is the input's root joined with `rel`, built
 * when needed: a million files would otherwise cost ~160 bytes each in
 * the list, beside what the writer keeps of them. */
typedef struct imp_walk_item {
    const char *rel;  /* in the list's string chunks; NULL once imp_walk_done */
    uint32_t root;    /* index into imp_walk_list.roots */
    uint32_t chunk;   /* the chunk holding rel */
} imp_walk_item;

typedef struct imp_walk_list {
    imp_walk_item *v;
    size_t n, cap;
    char **roots;       /* one per input: a directory, or the folder of a file input */
    size_t root_count;
    char **chunks;      /* the `rel` strings, bump-allocated; NULL once all are done */
    size_t *chunk_uses; /* by chunk: items not yet done */
    size_t chunk_count;
    char *next;
    size_t left;
    size_t skipped;     /* symbolic links to directories or out of the input folder, special files: reported, not packed */
    int follow_links;   /* set by the caller: pack links to files outside the input folder too */
    char *root_real;    /* while a folder is walked: its real path (links are judged against it) */
    size_t unreadable;  /* directories or files that could not be read: reported */
    imp_report_fn report;   /* set by the caller: gets every warning and error; NULL: silent */
    void *report_ctx;
} imp_walk_list;

/* Add `input`: a directory is walked recursively (entries relative to it),
 * a file is added under its base name. Problems are reported through
 * out->report and counted. Returns 0, or -1 when `input` itself cannot be read. */
int imp_walk_input(const char *input, imp_walk_list *out);
/* Standard input, named IMP_WALK_STDIN_NAME in the archive ("-" on the
 * command line): read as JSON Lines unless --format says otherwise. */
#define IMP_WALK_STDIN_PATH "/dev/stdin"
#define IMP_WALK_STDIN_NAME "stdin"
int imp_walk_stdin(imp_walk_list *out);
/* Sort by archive path (bytewise) so packing order never depends on readdir. */
void imp_walk_sort(imp_walk_list *l);
/* File i; `full` is built in buf (cap bytes), valid until the next call.
 * Returns -1 when the path does not fit. */
#define IMP_WALK_PATH_MAX (2 * 4096 + 2)
int imp_walk_get(const imp_walk_list *l, size_t i, imp_walk_file *out, char *buf, size_t cap);
/* File i is packed: its name is no longer needed (nor imp_walk_get of it). A
 * chunk of names is freed once all its files are done, which for a single
 * input (already in packing order) is as soon as they are packed. */
void imp_walk_done(imp_walk_list *l, size_t i);
void imp_walk_list_free(imp_walk_list *l);

#endif
