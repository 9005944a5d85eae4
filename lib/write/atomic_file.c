/* atomic_file.c - write a file so that it appears under its final name
 * complete or not at all: an unnamed temporary file (O_TMPFILE) in the target
 * directory, or a hidden named one where that is unsupported, fsynced, then
 * linked and renamed into place, and the directory fsynced. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *dir_of(const char *path)
{
    char *copy = wpk_strdup(path);
    if (!copy) return NULL;
    char *d = wpk_strdup(dirname(copy));
    wpk_free(copy);
    return d;
}

/* An anonymous file in dir: O_TMPFILE, else a named file unlinked at once. */
int wpk_tempfile_in(const char *near_path, int *fd_out, wpk_error *err)
{
    char *dir = dir_of(near_path);
    if (!dir) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    int rc = wpk_tempfile_at(dir, fd_out, err);
    wpk_free(dir);
    return rc;
}

int wpk_outfile_open(wpk_outfile *o, const char *final_path, wpk_error *err)
{
    memset(o, 0, sizeof *o);
    o->fd = -1;
    o->final_path = wpk_strdup(final_path);
    char *dir = dir_of(final_path);
    if (!o->final_path || !dir) {
        wpk_free(dir);
        wpk_outfile_abort(o);
        return wpk_fail(err, WPK_E_NOMEM, "out of memory");
    }
    o->fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0644);
    if (o->fd < 0) {
        size_t n = strlen(final_path) + 32;
        o->tmp_path = wpk_malloc(n);
        if (o->tmp_path) {
            char *copy = wpk_strdup(final_path);
            snprintf(o->tmp_path, n, "%s/.%s.tmp-XXXXXX", dir, copy ? basename(copy) : "wpk");
            wpk_free(copy);
            o->fd = mkostemp(o->tmp_path, O_CLOEXEC);
            if (o->fd >= 0) fchmod(o->fd, 0644);
        }
    }
    int e = errno;
    wpk_free(dir);
    if (o->fd < 0) {
        wpk_outfile_abort(o);
        return wpk_fail(err, WPK_E_IO, "%s: cannot create the output file: %s", final_path, strerror(e));
    }
    return WPK_OK;
}

int wpk_outfile_commit(wpk_outfile *o, wpk_error *err)
{
    const char *name = o->final_path;
    if (fsync(o->fd) != 0) return wpk_fail(err, WPK_E_IO, "%s: fsync failed: %s", name, strerror(errno));
    if (!o->tmp_path) {
        /* Give the unnamed file a hidden name, then rename it over the final one. */
        size_t n = strlen(name) + 40;
        o->tmp_path = wpk_malloc(n);
        if (!o->tmp_path) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
        char proc[64];
        snprintf(proc, sizeof proc, "/proc/self/fd/%d", o->fd);
        for (unsigned i = 0;; i++) {
            snprintf(o->tmp_path, n, "%s.tmp-%ld-%u", name, (long)getpid(), i);
            if (linkat(AT_FDCWD, proc, AT_FDCWD, o->tmp_path, AT_SYMLINK_FOLLOW) == 0) break;
            if (errno != EEXIST || i > 100) {
                int e = errno;
                wpk_free(o->tmp_path);
                o->tmp_path = NULL;
                return wpk_fail(err, WPK_E_IO, "%s: cannot name the output file: %s", name, strerror(e));
            }
        }
    }
    if (rename(o->tmp_path, name) != 0) return wpk_fail(err, WPK_E_IO, "%s: rename failed: %s", name, strerror(errno));
    wpk_free(o->tmp_path);
    o->tmp_path = NULL;
    char *dir = dir_of(name);
    if (dir) {
        int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
            fsync(dfd); /* best effort: the rename is already visible */
            close(dfd);
        }
        wpk_free(dir);
    }
    close(o->fd);
    o->fd = -1;
    wpk_free(o->final_path);
    o->final_path = NULL;
    return WPK_OK;
}

void wpk_outfile_abort(wpk_outfile *o)
{
    if (o->tmp_path) unlink(o->tmp_path);
    if (o->fd >= 0) close(o->fd);
    wpk_free(o->tmp_path);
    wpk_free(o->final_path);
    memset(o, 0, sizeof *o);
    o->fd = -1;
}
