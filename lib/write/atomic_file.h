/* atomic_file.h - temporary and atomically published files (writer side). */
#ifndef WPK_ATOMIC_FILE_H
#define WPK_ATOMIC_FILE_H

#include "common.h"

typedef struct wpk_outfile {
    int fd;
    char *final_path;
    char *tmp_path;   /* named temporary, when O_TMPFILE was not available */
} wpk_outfile;

/* Create the output beside final_path; nothing is visible under final_path. */
int wpk_outfile_open(wpk_outfile *o, const char *final_path, wpk_error *err);
/* fsync, then atomically replace final_path with the written file. */
int wpk_outfile_commit(wpk_outfile *o, wpk_error *err);
/* Remove everything written; safe after a failed open or a commit. */
void wpk_outfile_abort(wpk_outfile *o);
/* An anonymous scratch file in the directory of near_path (wpk_tempfile:
 * in $TMPDIR, else /tmp, common.h). */
int wpk_tempfile_in(const char *near_path, int *fd_out, wpk_error *err);

#endif
