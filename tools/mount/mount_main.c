/* mount_main.c - wikipack-mount, the program behind `wikipack mount` (see tools/cli/cli_helper.c for why it is a program of its own): options, the archive opened, FUSE's presence checked. */
#include "cli.h"
#include "cli_commands.h"
#include "mount.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char usage[] =
    "usage: wikipack mount ARCHIVE MOUNTPOINT [--foreground] [--debug]\n"
    "\n"
    "Show an archive as a read-only folder: its entries by path, and by-id/PAGEID\n"
    "and by-title/TITLE, links to the articles ('/' in a title is %2F). Files read\n"
    "through the archive's caches; nothing is extracted. Unmount with\n"
    "'fusermount3 -u MOUNTPOINT' (or Ctrl-C with --foreground).\n"
    "\n"
    "options:\n"
    "  -f, --foreground   stay in the foreground (default: return once mounted)\n"
    "      --debug        FUSE's own trace of every request (implies --foreground)\n"
    "      --pubkey KEY   trust only an archive signed by KEY\n"
    "ARCHIVE may be an http:// or https:// URL, read through HTTP Range requests.\n";

int mount_cmd(int argc, char **argv)
{
    enum { OPT_DEBUG = 1000 };
    static const struct option opts[] = {
        {"foreground", no_argument, NULL, 'f'}, {"debug", no_argument, NULL, OPT_DEBUG},
        CLI_TRUST_LONGOPTS, CLI_REMOTE_LONGOPTS, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
    };
    int foreground = 0, debug = 0, ch;
    while ((ch = getopt_long(argc, argv, "fh", opts, NULL)) != -1) {
        switch (ch) {
        case 'f': foreground = 1; break;
        case OPT_DEBUG: debug = foreground = 1; break;
        case CLI_OPT_PUBKEY:
            if ((ch = cli_trust_option(optarg)) != 0) return ch;
            break;
        default: {
            int done = cli_common_option(ch, optarg, usage);
            if (done != CLI_GO_ON) return done;
        }
        }
    }
    if (optind + 2 != argc) {
        fputs(usage, stderr);
        return CLI_EXIT_USAGE;
    }
    const char *mountpoint = argv[optind + 1];
    struct stat st;
    if (stat(mountpoint, &st) != 0 || !S_ISDIR(st.st_mode)) {
        cli_error("%s: not a folder to mount on", mountpoint);
        return CLI_EXIT_USAGE;
    }
    if (access("/dev/fuse", R_OK | W_OK) != 0) {
        cli_error("FUSE is not available here: /dev/fuse is missing or not usable (Debian: the fuse3 package, "
                  "and the fuse kernel module; in a container, --device /dev/fuse)");
        return CLI_EXIT_IO;
    }
    wpk_reader *r;
    int code = cli_open(argv[optind], &r);
    if (code) return code;
    wpk_archive_info info = WPK_ARCHIVE_INFO_INIT;
    wpk_reader_info(r, &info);
    mnt m = {r, info.entry_count, info.wiki_count, (int64_t)time(NULL)};
    int rc = mnt_run(&m, mountpoint, foreground, debug);
    wpk_reader_close(r);
    /* fuse_main: 1 to 7, the mount could not be made (FUSE said why); 8
     * (libfuse 3.14) its loop ended with an error, which is also how a
     * signal ends it: the mount is gone then, unmounted by fuse_main. */
    return rc && rc < 8 ? CLI_EXIT_IO : CLI_EXIT_OK;
}

int main(int argc, char **argv) { return mount_cmd(argc, argv); }
