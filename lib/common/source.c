/* source.c - positional-read sources over a file and over memory. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int wpk_fd_read_at(void *opaque, uint64_t offset, void *buf, size_t len)
{
    int fd = (int)(intptr_t)opaque;
    uint8_t *p = buf;
    while (len > 0) {
        ssize_t got = pread(fd, p, len, (off_t)offset);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return -1; /* error or short file */
        p += got;
        offset += (uint64_t)got;
        len -= (size_t)got;
    }
    return 0;
}

int wpk_source_file(wpk_source *src, const char *path, wpk_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return wpk_fail(err, WPK_E_IO, "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return wpk_fail(err, WPK_E_IO, "%s: %s", path, strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return wpk_fail(err, WPK_E_IO, "%s: %s", path, S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file");
    }
    src->struct_size = sizeof *src;
    src->read_at = wpk_fd_read_at;
    src->opaque = (void *)(intptr_t)fd;
    src->size = (uint64_t)st.st_size;
    src->name = path;
    src->last_error = NULL;
    return WPK_OK;
}

void wpk_source_file_close(wpk_source *src)
{
    close((int)(intptr_t)src->opaque);
}

static int mem_read_at(void *opaque, uint64_t offset, void *buf, size_t len)
{
    const wpk_mem_src *m = opaque;
    if (offset > m->size || len > m->size - offset) return -1;
    if (len) memcpy(buf, m->data + offset, len);
    return 0;
}

void wpk_source_memory(wpk_source *src, wpk_mem_src *m, const void *data, size_t size)
{
    m->data = data;
    m->size = size;
    src->struct_size = sizeof *src;
    src->read_at = mem_read_at;
    src->opaque = m;
    src->size = size;
    src->name = "(memory)";
    src->last_error = NULL;
}
