/* mount.h - wikipack-mount, the program behind `wikipack mount`: an archive as a read-only file system (FUSE).
 *
 * The tree is the entries by path (their folders are the paths' prefixes),
 * and two views: by-id/PAGEID and by-title/TITLE, symbolic links to the
 * article's file ('/' in a title is written %2F, '%' %25). Nothing is
 * loaded up front: the entries are in path order, so a folder is one run of
 * them, found through the entry index (wpk_reader_path_lower_bound: one
 * entry page, and a branch page in a large archive) and listed by entry
 * number (wpk_reader_entry_at); memory stays what the reader's caches
 * hold, whatever the entry count. */
#ifndef WPK_MOUNT_H
#define WPK_MOUNT_H

#include "wikipack.h"

#include <stddef.h>
#include <stdint.h>

typedef struct mnt {
    wpk_reader *r;
    uint64_t count;     /* entries */
    uint64_t wikis;     /* in the wiki table: with two or more, IDs and titles may repeat */
    int64_t opened;     /* when mounted: the folders' times */
} mnt;

/* mount_tree.c: entries in path order. Each returns -EIO when an entry
 * page it reads is damaged (-ENOMEM out of memory), so that a damaged
 * index fails the call, never looks like a missing folder. */
/* What a library failure is to FUSE: not found ENOENT, out of memory
 * ENOMEM, anything else (a damaged page or block, I/O) EIO. */
int mnt_errno(int rc);
/* The path of entry n (< count) into a new string *out. */
int mnt_path(mnt *m, uint64_t n, char **out);
/* *out: the first entry whose path is at or after key[0, len) in byte
 * order (the entry index: its root, a branch page in a large archive, one
 * entry page). */
int mnt_lower_bound(mnt *m, const char *key, size_t len, uint64_t *out);
/* 1 when some entry's path starts with dir + '/' (dir "" is the root), else 0. */
int mnt_is_dir(mnt *m, const char *dir);
/* The next child of folder `prefix` (its path and a '/', or "" for the
 * root) at or after entry *n: its name into name (cap bytes), *is_dir, and
 * *n moved past it (past a folder's whole subtree); 1, or 0 at the end. */
int mnt_next_child(mnt *m, const char *prefix, uint64_t *n, char *name, size_t cap, int *is_dir);
/* A title as a file name and back ('/' <-> %2F, '%' <-> %25); into out (cap bytes), 0 when it does not fit. */
int mnt_title_to_name(const char *title, char *out, size_t cap);
int mnt_name_to_title(const char *name, char *out, size_t cap);

/* mount_fs.c: the file system's operations, and running it. */
int mnt_run(mnt *m, const char *mountpoint, int foreground, int debug);

int mount_cmd(int argc, char **argv);

#endif
