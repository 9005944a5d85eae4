/* cmd_extract.c - `wikipack extract`: recreate entries as files under -C DIR */
/*
 * Archives come from strangers, so every path is checked again here, and
 * files are created below a directory handle one component at a time with
 * O_NOFOLLOW: a symbolic link planted in DIR (or by an earlier entry) can
 * never redirect a write outside DIR. Existing files are kept unless
 * --force is given.
 */
#include "cli_commands.h"
#include "progress.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

static const char extract_usage[] =
    "usage: wikipack extract ARCHIVE [-C DIR] [--force] [--id N | --title T | --url U | --path P]...\n"
    "                        [--wiki WIKI] [--lang LANG]\n"
    "\n"
    "Recreate entries as files under DIR (default: the current directory);\n"
    "all entries when no selector is given. Every block read is checked.\n"
    "\n"
    "options:\n"
    "  -C, --directory DIR  where to create files (created if missing)\n"
    "  -f, --force          replace existing files\n"
    "  -i, --id N           the article with this page ID (repeatable)\n"
    CLI_SCOPE_HELP
    CLI_FOLLOW_HELP
    "  -t, --title TITLE    the article with this title, as typed (repeatable)\n"
    "  -u, --url URL        the article this URL names (repeatable)\n"
    "  -p, --path PATH      the entry with this path (repeatable)\n"
    "  -q, --quiet          do not list extracted paths\n"
    "      --max-size SIZE  write at most SIZE bytes (K, M, G, T suffixes); in any case the\n"
    "                       total is counted first and refused, writing nothing, when it is\n"
    "                       more than the free space in DIR (an archive can expand a lot:\n"
    "                       entries may share one stored content)\n"
    "  -h, --help           show this help\n"
    CLI_TRUST_HELP
    CLI_REMOTE_HELP;

typedef struct extract_ctx {
    wpk_reader *r;
    int root_fd;
    int force, quiet;
    size_t done, failed;
    int first_error;   /* exit code of the first failure */
    cli_progress pg;
    uint64_t bytes_done, bytes_total, entries_total;
} extract_ctx;

static void note_failure(extract_ctx *x, int exit_code)
{
    x->failed++;
    if (!x->first_error) x->first_error = exit_code;
}

/* Open (creating as needed) the directory that will hold `path`'s last
 * component; returns its fd and points *leaf at that component. */
static int open_parent(extract_ctx *x, char *path, const char **leaf, const char *shown)
{
    int fd = dup(x->root_fd);
    char *comp = path;
    for (char *slash; fd >= 0 && (slash = strchr(comp, '/')) != NULL; comp = slash + 1) {
        *slash = 0;
        if (mkdirat(fd, comp, 0755) != 0 && errno != EEXIST) {
            cli_error("%s: cannot create directory \"%s\": %s", shown, comp, strerror(errno));
            close(fd);
            return -1;
        }
        int next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (next < 0)
            cli_error("%s: \"%s\" is %s", shown, comp,
                      errno == ELOOP || errno == ENOTDIR ? "a symbolic link or not a directory: refusing to write through it"
                                                         : strerror(errno));
        close(fd);
        fd = next;
        *slash = '/';
    }
    *leaf = comp;
    return fd;
}

/* The entry's bytes to fd as they are decompressed. */
typedef struct file_sink { int fd; int err; } file_sink;

static int to_file(void *ctx, const void *data, size_t size)
{
    file_sink *f = ctx;
    const char *p = data;
    while (size > 0) {
        ssize_t n = write(f->fd, p, size);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            f->err = n < 0 ? errno : ENOSPC;
            return WPK_E_IO;
        }
        p += n;
        size -= (size_t)n;
    }
    return 0;
}

/* Create the file and stream the entry into it: an entry of any size takes
 * a bounded amount of memory. On any failure no partial file is left. */
static int write_file(extract_ctx *x, int dir_fd, const char *leaf, const wpk_entry *e)
{
    const char *shown = e->path;
    int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
    int fd = openat(dir_fd, leaf, flags, 0644);
    if (fd < 0 && errno == EEXIST && x->force) {
        struct stat st;
        if (fstatat(dir_fd, leaf, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode)) {
            cli_error("%s: a directory is in the way", shown);
            return CLI_EXIT_IO;
        }
        if (unlinkat(dir_fd, leaf, 0) == 0) fd = openat(dir_fd, leaf, flags, 0644);
    }
    if (fd < 0) {
        if (errno == EEXIST) cli_error("%s: already exists (use --force to replace it)", shown);
        else cli_error("%s: cannot create: %s", shown, strerror(errno));
        return CLI_EXIT_IO;
    }
    file_sink f = {fd, 0};
    wpk_error err;
    memset(&err, 0, sizeof err);
    int rc = wpk_reader_read_stream(x->r, e, to_file, &f, &err);
    int code = CLI_EXIT_OK;
    if (rc && f.err) {
        cli_error("%s: write failed: %s", shown, strerror(f.err));
        code = CLI_EXIT_IO;
    } else if (rc) {
        code = cli_fail(&err, rc);
    }
    if (close(fd) != 0 && !code) {
        cli_error("%s: %s", shown, strerror(errno));
        code = CLI_EXIT_IO;
    }
    if (code) unlinkat(dir_fd, leaf, 0); /* no partial file left behind */
    return code;
}

static int extract_entry(void *vctx, const wpk_entry *e)
{
    extract_ctx *x = vctx;
    if (wpk_path_check(e->path, strlen(e->path)) != 0) {
        cli_error("unsafe path, not extracted: entry \"%s\"", e->path);
        note_failure(x, CLI_EXIT_DAMAGED);
        return 0;
    }
    char *path = strdup(e->path);
    const char *leaf;
    int code = CLI_EXIT_RESOURCE;
    int dir_fd = path ? open_parent(x, path, &leaf, e->path) : -1;
    if (dir_fd >= 0) {
        code = write_file(x, dir_fd, leaf, e);
        close(dir_fd);
    } else if (path) {
        code = CLI_EXIT_IO;
    }
    free(path);
    if (code) note_failure(x, code);
    else {
        x->done++;
        if (!x->quiet) cli_print(stdout, "%s\n", e->path);
    }
    x->bytes_done += e->size;
    wpk_progress u = {sizeof u, "extracting", x->bytes_done, x->bytes_total, x->done + x->failed, x->entries_total};
    cli_progress_update(&x->pg, &u);
    return 0;
}

static int add_size(void *ctx, const wpk_entry *e)
{
    uint64_t *total = ctx;
    *total = e->size > UINT64_MAX - *total ? UINT64_MAX : *total + e->size;
    return 0;
}

static void human(uint64_t n, char *buf, size_t cap)
{
    static const char *const units[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB"};
    double v = (double)n;
    int u = 0;
    while (v >= 1024 && u < 5) v /= 1024, u++;
    if (u == 0) snprintf(buf, cap, "%llu bytes", (unsigned long long)n);
    else snprintf(buf, cap, "%.1f %s", v, units[u]);
}

/* What the extraction will write, counted before anything is written,
 * against --max-size and the free space of DIR: a small archive may
 * expand to far more (many entries sharing one stored content). */
static int check_total(const char *archive, const char *dir, int root_fd, uint64_t total, uint64_t max_size)
{
    struct stat st;
    struct statvfs fs;
    uint64_t archive_size = stat(archive, &st) == 0 ? (uint64_t)st.st_size : 0;
    uint64_t free_bytes = fstatvfs(root_fd, &fs) == 0 ? (uint64_t)fs.f_bavail * fs.f_frsize : UINT64_MAX;
    uint64_t limit = max_size && max_size < free_bytes ? max_size : free_bytes;
    if (total <= limit) return CLI_EXIT_OK;
    char t[32], a[32], l[32];
    human(total, t, sizeof t);
    human(archive_size, a, sizeof a);
    human(limit, l, sizeof l);
    char ratio[64] = "";
    if (archive_size) snprintf(ratio, sizeof ratio, " (%.0fx the archive's %s)", (double)total / (double)archive_size, a);
    if (max_size && max_size < free_bytes)
        cli_error("%s: extracting would write %s%s, more than --max-size %s: nothing written", archive, t, ratio, l);
    else
        cli_error("%s: extracting would write %s%s, more than the %s free in %s: nothing written", archive, t, ratio, l,
                  dir);
    return CLI_EXIT_RESOURCE;
}

int cli_cmd_extract(int argc, char **argv)
{
    static const struct option opts[] = {
        {"directory", required_argument, NULL, 'C'}, {"force", no_argument, NULL, 'f'},
        {"id", required_argument, NULL, 'i'}, {"title", required_argument, NULL, 't'},
        {"path", required_argument, NULL, 'p'}, {"url", required_argument, NULL, 'u'},
        {"quiet", no_argument, NULL, 'q'}, {"wiki", required_argument, NULL, 'w'}, {"lang", required_argument, NULL, 'L'},
        {"max-size", required_argument, NULL, 'M'},
        {"no-follow", no_argument, NULL, CLI_OPT_NO_FOLLOW}, CLI_TRUST_LONGOPTS, CLI_REMOTE_LONGOPTS, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
    };
    const char *dir = ".";
    extract_ctx x;
    memset(&x, 0, sizeof x);
    cli_selector *sel = calloc((size_t)argc, sizeof *sel);
    size_t nsel = 0;
    int ch;
    if (!sel) return CLI_EXIT_RESOURCE;
    const char *wiki = NULL, *lang = NULL;
    int no_follow = 0;
    uint64_t max_size = 0;
    while ((ch = getopt_long(argc, argv, "C:fi:t:p:u:qw:L:h", opts, NULL)) != -1) {
        switch (ch) {
        case 'C': dir = optarg; break;
        case 'w': wiki = optarg; break;
        case 'L': lang = optarg; break;
        case 'f': x.force = 1; break;
        case CLI_OPT_NO_FOLLOW: no_follow = 1; break;
        case 'q': x.quiet = 1; break;
        case 'M':
            if (cli_parse_size(optarg, &max_size) != 0 || max_size == 0) {
                free(sel);
                cli_error("--max-size wants a size (K, M, G, T suffixes), not \"%s\"", optarg);
                return CLI_EXIT_USAGE;
            }
            break;
        case 'i': case 't': case 'p': case 'u': sel[nsel++] = (cli_selector){(char)ch, optarg, NULL, NULL, 0}; break;
        case CLI_OPT_PUBKEY: {
            int code = cli_trust_option(optarg);
            if (code) {
                free(sel);
                return code;
            }
            break;
        }
        default: {
            int done = cli_common_option(ch, optarg, extract_usage);
            if (done != CLI_GO_ON) {
                free(sel);
                return done;
            }
        }
        }
    }
    if (optind + 1 != argc) {
        free(sel);
        fputs(extract_usage, stderr);
        return CLI_EXIT_USAGE;
    }
    size_t ids = 0;
    for (size_t i = 0; i < nsel; i++) sel[i].no_follow = no_follow;
    for (size_t i = 0; i < nsel; i++)
        if (sel[i].kind == 'i') {
            sel[i].wiki = wiki;
            sel[i].lang = lang;
            ids++;
        }
    if ((wiki || lang) && !ids) {
        free(sel);
        cli_error("extract: --wiki and --lang choose among the articles of one page ID: give them with --id");
        return CLI_EXIT_USAGE;
    }
    int code = cli_open(argv[optind], &x.r);
    if (code) {
        free(sel);
        return code;
    }
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        cli_error("%s: cannot create: %s", dir, strerror(errno));
        code = CLI_EXIT_IO;
    } else if ((x.root_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
        cli_error("%s: %s", dir, strerror(errno));
        code = CLI_EXIT_IO;
    } else {
        wpk_error err;
        memset(&err, 0, sizeof err);
        /* A progress line only when it cannot tangle with the listed paths. */
        cli_progress_init(&x.pg, !x.quiet && isatty(STDOUT_FILENO));
        wpk_archive_info info = WPK_ARCHIVE_INFO_INIT;
        wpk_reader_info(x.r, &info);
        x.entries_total = nsel ? nsel : info.entry_count;
        x.bytes_total = nsel ? 0 : info.content_bytes;
        /* Count first (entry sizes, not the header's total, which an
         * archive could understate). */
        uint64_t total = 0;
        wpk_entry **picked = calloc(nsel ? nsel : 1, sizeof *picked);
        int rc = picked ? WPK_OK : WPK_E_NOMEM;
        if (!rc && nsel == 0) rc = wpk_reader_foreach(x.r, add_size, &total, &err);
        for (size_t i = 0; !rc && i < nsel; i++) {
            int lrc = cli_lookup(x.r, &sel[i], &picked[i], &err);
            if (lrc) note_failure(&x, cli_fail(&err, lrc));
            else add_size(&total, picked[i]);
        }
        if (rc) note_failure(&x, cli_fail(&err, rc));
        else if ((code = check_total(argv[optind], dir, x.root_fd, total, max_size)) != 0) {
            x.first_error = code;
        }
        if (!rc && !code && nsel == 0) {
            rc = wpk_reader_foreach(x.r, extract_entry, &x, &err);
            if (rc) note_failure(&x, cli_fail(&err, rc));
        }
        for (size_t i = 0; !rc && !code && i < nsel; i++) {
            if (!picked[i]) continue; /* not found: already reported */
            extract_entry(&x, picked[i]);
        }
        for (size_t i = 0; picked && i < nsel; i++) wpk_entry_free(picked[i]);
        free(picked);
        cli_progress_done(&x.pg);
        close(x.root_fd);
        if (x.failed) cli_error("%zu entr%s not extracted", x.failed, x.failed == 1 ? "y" : "ies");
        code = x.first_error;
    }
    wpk_reader_close(x.r);
    free(sel);
    return code;
}
