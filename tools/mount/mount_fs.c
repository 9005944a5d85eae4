/* mount_fs.c - the FUSE operations of wikipack-mount: attributes and folders from the entries, file contents read through the library (and its caches). */
#define FUSE_USE_VERSION 31
#include "mount.h"

#include <errno.h>
#include <fuse.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_MAX_BYTES 256       /* a file name, as most file systems take */
#define WHOLE_MAX (16u << 20)    /* a file up to this size is read whole at its first read */
#define OFFSET_BASE 16           /* readdir offsets: below, the fixed names; from it, entry numbers */

static mnt *state(void) { return fuse_get_context()->private_data; }


/* A view's link: "../" + the entry's path. NULL when there is none. */
static char *view_target(mnt *m, const char *path, int *rc)
{
    wpk_entry *e = NULL;
    wpk_error err;
    *rc = -ENOENT;
    if (!strncmp(path, "/by-id/", 7)) {
        char *end;
        unsigned long long id = strtoull(path + 7, &end, 10);
        if (*end || end == path + 7) return NULL;
        int r = wpk_reader_find_by_id(m->r, id, &e, &err);
        if (r) *rc = mnt_errno(r);
    } else {
        char title[1024];
        if (!mnt_name_to_title(path + 10, title, sizeof title)) return NULL;
        int r = wpk_reader_find_by_title(m->r, title, &e, &err);
        if (r) *rc = mnt_errno(r);
    }
    if (!e) return NULL;
    size_t n = strlen(e->path);
    char *t = malloc(n + 4);
    if (t) {
        memcpy(t, "../", 3);
        memcpy(t + 3, e->path, n + 1);
    }
    wpk_entry_free(e);
    *rc = t ? 0 : -ENOMEM;
    return t;
}

static int is_view(const char *path)
{
    return !strncmp(path, "/by-id/", 7) || !strncmp(path, "/by-title/", 10);
}

static void dir_stat(mnt *m, struct stat *st)
{
    st->st_mode = S_IFDIR | 0555;
    st->st_nlink = 2;
    st->st_mtime = (time_t)m->opened;
}

static int op_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
    (void)fi;
    mnt *m = state();
    memset(st, 0, sizeof *st);
    if (!strcmp(path, "/") || !strcmp(path, "/by-id") || !strcmp(path, "/by-title")) {
        dir_stat(m, st);
        return 0;
    }
    if (is_view(path)) {
        int rc;
        char *t = view_target(m, path, &rc);
        if (!t) return rc;
        st->st_mode = S_IFLNK | 0444;
        st->st_nlink = 1;
        st->st_size = (off_t)strlen(t);
        st->st_mtime = (time_t)m->opened;
        free(t);
        return 0;
    }
    wpk_entry *e;
    wpk_error err;
    int rc = wpk_reader_find_by_path(m->r, path + 1, &e, &err);
    if (rc == 0) {
        st->st_mode = S_IFREG | 0444;
        st->st_nlink = 1;
        st->st_size = (off_t)e->size;
        st->st_mtime = e->has_updated ? (time_t)(e->updated_us / 1000000) : (time_t)m->opened;
        wpk_entry_free(e);
        return 0;
    }
    if (rc != WPK_E_NOTFOUND) return mnt_errno(rc);
    int dir = mnt_is_dir(m, path + 1);
    if (dir <= 0) return dir < 0 ? dir : -ENOENT;
    dir_stat(m, st);
    return 0;
}

static int op_readlink(const char *path, char *buf, size_t size)
{
    int rc;
    char *t = is_view(path) ? view_target(state(), path, &rc) : NULL;
    if (!t) return is_view(path) ? rc : -EINVAL;
    snprintf(buf, size, "%s", t);
    free(t);
    return 0;
}

/* Whether the view's name for entry n leads back to it: with several
 * wikis, two articles may share a page ID or a title, and the name leads
 * to the first (listed once, never twice). */
static int leads_here(mnt *m, int by_id, const wpk_entry *e)
{
    if (m->wikis < 2) return 1;
    wpk_entry *found;
    wpk_error err;
    int rc = by_id ? wpk_reader_find_by_id(m->r, e->page_id, &found, &err)
                   : wpk_reader_find_by_title(m->r, e->title, &found, &err);
    if (rc) return 0;
    int yes = found->entry_number == e->entry_number;
    wpk_entry_free(found);
    return yes;
}

/* by-id/ and by-title/: every current article, from entry `from` on. */
static int list_view(mnt *m, int by_id, void *buf, fuse_fill_dir_t fill, uint64_t from)
{
    char name[NAME_MAX_BYTES];
    for (uint64_t n = from; n < m->count; n++) {
        wpk_entry *e;
        wpk_error err;
        if (wpk_reader_entry_at(m->r, n, &e, &err)) return -EIO;
        int show = !e->is_revision;
        if (by_id) show = show && e->has_page_id && snprintf(name, sizeof name, "%llu", (unsigned long long)e->page_id) > 0;
        else show = show && e->title && mnt_title_to_name(e->title, name, sizeof name);
        show = show && leads_here(m, by_id, e);
        wpk_entry_free(e);
        if (show && fill(buf, name, NULL, (off_t)(n + 1 + OFFSET_BASE), 0)) return 0;
    }
    return 0;
}

static int op_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t offset, struct fuse_file_info *fi,
                      enum fuse_readdir_flags flags)
{
    (void)fi, (void)flags;
    mnt *m = state();
    int root = !strcmp(path, "/");
    /* Fixed names first (offsets 1..4), then children by entry number. */
    static const char *const fixed[] = {".", "..", "by-id", "by-title"};
    int nfixed = root ? 4 : 2;
    for (int i = (int)offset; i < nfixed && offset < OFFSET_BASE; i++)
        if (fill(buf, fixed[i], NULL, i + 1, 0)) return 0;
    uint64_t from = offset >= OFFSET_BASE ? (uint64_t)offset - OFFSET_BASE : UINT64_MAX;
    if (!strcmp(path, "/by-id") || !strcmp(path, "/by-title"))
        return list_view(m, path[4] == 'i', buf, fill, from == UINT64_MAX ? 0 : from);
    size_t plen = root ? 0 : strlen(path + 1) + 1;
    char *prefix = malloc(plen + 1);
    if (!prefix) return -ENOMEM;
    if (!root) snprintf(prefix, plen + 1, "%s/", path + 1);
    else prefix[0] = 0;
    uint64_t n = from;
    int rc = from == UINT64_MAX ? mnt_lower_bound(m, prefix, plen, &n) : 0;
    char name[NAME_MAX_BYTES];
    int is_dir;
    while (!rc && (rc = mnt_next_child(m, prefix, &n, name, sizeof name, &is_dir)) == 1) {
        rc = 0;
        if (root && (!strcmp(name, "by-id") || !strcmp(name, "by-title"))) continue; /* shadowed by the views */
        struct stat st;
        memset(&st, 0, sizeof st);
        st.st_mode = is_dir ? S_IFDIR : S_IFREG;
        if (fill(buf, name, &st, (off_t)(n + OFFSET_BASE), 0)) break;
    }
    free(prefix);
    return rc < 0 ? rc : 0; /* a damaged entry page: EIO, not a shorter folder */
}

/* An open file: its entry, and its content read whole (small files) or
 * as a stream followed in order (large ones), with the last WINDOW bytes
 * it gave kept: the kernel's read-ahead requests may come a little out of
 * order, and a step back must not decompress the file again from its
 * start. */
#define WINDOW (1u << 20)
typedef struct open_file {
    pthread_mutex_t lock;
    wpk_entry *e;
    uint8_t *whole;
    int loaded;
    wpk_content *stream;
    uint64_t at;             /* the stream's position */
    uint8_t *window;         /* the stream's bytes [at - window_len, at) */
    size_t window_len;
} open_file;

static int op_open(const char *path, struct fuse_file_info *fi)
{
    if ((fi->flags & O_ACCMODE) != O_RDONLY) return -EROFS;
    mnt *m = state();
    open_file *f = calloc(1, sizeof *f);
    if (!f) return -ENOMEM;
    wpk_error err;
    int rc = wpk_reader_find_by_path(m->r, path + 1, &f->e, &err);
    if (rc) {
        free(f);
        return mnt_errno(rc);
    }
    pthread_mutex_init(&f->lock, NULL);
    fi->fh = (uint64_t)(uintptr_t)f;
    fi->keep_cache = 1; /* an archive does not change */
    return 0;
}

/* Bytes the stream gave, into the window (the newest WINDOW of them). */
static void keep(open_file *f, const char *p, size_t n)
{
    if (n >= WINDOW) {
        memcpy(f->window, p + n - WINDOW, WINDOW);
        f->window_len = WINDOW;
        return;
    }
    if (f->window_len + n > WINDOW) {
        size_t drop = f->window_len + n - WINDOW;
        memmove(f->window, f->window + drop, f->window_len - drop);
        f->window_len -= drop;
    }
    memcpy(f->window + f->window_len, p, n);
    f->window_len += n;
}

static int read_stream(mnt *m, open_file *f, char *buf, size_t size, uint64_t off)
{
    wpk_error err;
    if (!f->window && !(f->window = malloc(WINDOW))) return -ENOMEM;
    size_t done = 0;
    /* From the window: a step back, or the start of a read it holds. */
    if (f->stream && off < f->at && off >= f->at - f->window_len) {
        size_t from = f->window_len - (size_t)(f->at - off);
        done = f->window_len - from < size ? f->window_len - from : size;
        memcpy(buf, f->window + from, done);
        off += done;
    }
    if (done == size) return (int)done;
    if (f->stream && off < f->at) { /* further back: from the start again */
        wpk_content_close(f->stream);
        f->stream = NULL;
    }
    if (!f->stream) {
        if (wpk_reader_open_content(m->r, f->e, &f->stream, &err)) return -EIO;
        f->at = 0;
        f->window_len = 0;
    }
    char skip[65536];
    while (f->at < off) {
        size_t want = off - f->at < sizeof skip ? (size_t)(off - f->at) : sizeof skip, got;
        if (wpk_content_read(f->stream, skip, want, &got, &err) || !got) return -EIO;
        keep(f, skip, got);
        f->at += got;
    }
    while (done < size) {
        size_t got;
        if (wpk_content_read(f->stream, buf + done, size - done, &got, &err)) return -EIO;
        if (!got) break;
        keep(f, buf + done, got);
        done += got;
        f->at += got;
    }
    return (int)done;
}

static int op_read(const char *path, char *buf, size_t size, off_t off, struct fuse_file_info *fi)
{
    (void)path;
    mnt *m = state();
    open_file *f = (open_file *)(uintptr_t)fi->fh;
    uint64_t total = f->e->size;
    if ((uint64_t)off >= total) return 0;
    if (size > total - (uint64_t)off) size = (size_t)(total - (uint64_t)off);
    pthread_mutex_lock(&f->lock);
    int rc;
    if (total <= WHOLE_MAX) {
        wpk_error err;
        if (!f->loaded) {
            void *data = NULL;
            rc = wpk_reader_read_alloc(m->r, f->e, &data, 1, &err);
            if (rc < 0) {
                fprintf(stderr, "wikipack mount: %s\n", err.message);
                pthread_mutex_unlock(&f->lock);
                return -EIO; /* a damaged entry: this file fails, the others still read */
            }
            f->whole = data;
            f->loaded = 1;
        }
        memcpy(buf, f->whole + off, size);
        rc = (int)size;
    } else {
        rc = read_stream(m, f, buf, size, (uint64_t)off);
    }
    pthread_mutex_unlock(&f->lock);
    return rc;
}

static int op_release(const char *path, struct fuse_file_info *fi)
{
    (void)path;
    open_file *f = (open_file *)(uintptr_t)fi->fh;
    if (f->stream) wpk_content_close(f->stream);
    free(f->window);
    wpk_free(f->whole);
    wpk_entry_free(f->e);
    pthread_mutex_destroy(&f->lock);
    free(f);
    return 0;
}

static void *op_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
    (void)conn;
    /* Nothing changes under an archive: the kernel may keep what it learnt. */
    cfg->kernel_cache = 1;
    cfg->entry_timeout = cfg->attr_timeout = cfg->negative_timeout = 3600;
    return fuse_get_context()->private_data;
}

int mnt_run(mnt *m, const char *mountpoint, int foreground, int debug)
{
    static const struct fuse_operations ops = {
        .getattr = op_getattr, .readlink = op_readlink, .readdir = op_readdir, .open = op_open,
        .read = op_read, .release = op_release, .init = op_init,
    };
    char *args[7] = {"wikipack-mount", (char *)mountpoint, "-o",
                     "ro,default_permissions,fsname=wikipack,subtype=wikipack"};
    int argc = 4;
    if (foreground) args[argc++] = "-f";
    if (debug) args[argc++] = "-d";
    args[argc] = NULL;
    /* libfuse unmounts on SIGINT, SIGTERM and SIGHUP unless they are
     * ignored, as a script's background job has SIGINT: Ctrl-C, kill -INT
     * and kill -TERM unmount however the program was started. */
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    return fuse_main(argc, args, &ops, m);
}
