/* walk.h - collect the files to pack from the command-line inputs. */
#ifndef WPK_WALK_H
#define WPK_WALK_H

#include <stddef.h>

typedef struct walk_file {
    char *rel;    /* path inside the archive: relative to the input root, '/' separated */
    char *full;   /* path to open */
} walk_file;

typedef struct walk_list {
    walk_file *v;
    size_t n, cap;
    size_t skipped;     /* symbolic links to directories, special files: reported, not packed */
    size_t unreadable;  /* directories or files that could not be read: reported */
} walk_list;

/* Add `input`: a directory is walked recursively (entries relative to it),
 * a file is added under its base name. Problems are reported on stderr and
 * counted. Returns 0, or -1 when `input` itself cannot be read. */
int walk_input(const char *input, walk_list *out);
/* Standard input, named WALK_STDIN_NAME in the archive ("-" on the
 * command line): read as JSON Lines unless --format says otherwise. */
#define WALK_STDIN_PATH "/dev/stdin"
#define WALK_STDIN_NAME "stdin"
int walk_stdin(walk_list *out);
/* Sort by archive path (bytewise) so packing order never depends on readdir. */
void walk_sort(walk_list *l);
void walk_list_free(walk_list *l);

#endif
