/* tempfile.c - anonymous scratch files, unlinked at once (O_TMPFILE where the file system has it), for the writer's spill file and verify's sorted runs; whole positioned writes. */
#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int wpk_tempfile_at(const char *dir, int *fd_out, wpk_error *err)
{
    int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600), e = errno;
    if (fd < 0) {
        size_t n = strlen(dir) + 32;
        char *tmpl = wpk_malloc(n);
        if (!tmpl) return wpk_fail(err, WPK_E_NOMEM, "out of memory");
        snprintf(tmpl, n, "%s/.wpk-spill-XXXXXX", dir);
        fd = mkostemp(tmpl, O_CLOEXEC);
        e = errno;
        if (fd >= 0) unlink(tmpl);
        wpk_free(tmpl);
    }
    if (fd < 0) return wpk_fail(err, WPK_E_IO, "%s: cannot create a temporary file: %s", dir, strerror(e));
    *fd_out = fd;
    return WPK_OK;
}

int wpk_tempfile(int *fd_out, wpk_error *err)
{
    const char *dir = getenv("TMPDIR");
    return wpk_tempfile_at(dir && *dir ? dir : P_tmpdir, fd_out, err); /* P_tmpdir: /tmp */
}

int wpk_write_all(int fd, const void *buf, size_t len, uint64_t offset, const char *name, wpk_error *err)
{
    const uint8_t *p = buf;
    while (len > 0) {
        ssize_t put = pwrite(fd, p, len, (off_t)offset);
        if (put < 0 && errno == EINTR) continue;
        if (put <= 0)
            return wpk_fail(err, WPK_E_IO, "%s: write failed at offset %llu: %s", name, (unsigned long long)offset,
                            put < 0 ? strerror(errno) : "no space");
        p += put;
        len -= (size_t)put;
        offset += (uint64_t)put;
    }
    return WPK_OK;
}
