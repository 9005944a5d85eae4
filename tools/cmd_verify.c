/* cmd_verify.c - `wikipack verify`: report every damaged entry or block. */
#include "cli.h"

#include <getopt.h>
#include <string.h>

static const char verify_usage[] =
    "usage: wikipack verify ARCHIVE [--quick]\n"
    "\n"
    "Check the archive: header, trailer, section table, every index page and\n"
    "every block checksum, and that these cover the whole file; without --quick\n"
    "also decompress every block and check every entry's content checksum.\n"
    "Every problem is reported. Exit status 0 only if the archive is intact,\n"
    "1 if it is damaged.\n";

static void report(void *ctx, const wpk_error *e)
{
    (void)ctx;
    cli_error("%s", e->message);
}

int cmd_verify(int argc, char **argv)
{
    static const struct option opts[] = {
        {"quick", no_argument, NULL, 'Q'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
    };
    int quick = 0, ch;
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (ch) {
        case 'Q': quick = 1; break;
        case 'h': fputs(verify_usage, stdout); return EXIT_OK;
        default: fputs(verify_usage, stderr); return EXIT_USAGE;
        }
    }
    if (optind + 1 != argc) {
        fputs(verify_usage, stderr);
        return EXIT_USAGE;
    }
    const char *path = argv[optind];
    wpk_reader *r;
    int code = cli_open(path, &r);
    if (code) {
        if (code == EXIT_DAMAGED) cli_error("%s: DAMAGED", path);
        return code;
    }
    wpk_error err;
    memset(&err, 0, sizeof err);
    wpk_verify_stats st;
    int rc = wpk_reader_verify(r, quick ? WPK_VERIFY_QUICK : WPK_VERIFY_FULL, report, NULL, &st, &err);
    wpk_reader_close(r);
    if (rc == WPK_E_CORRUPT) {
        cli_error("%s: DAMAGED: %llu problem(s)", path, (unsigned long long)st.problems);
        return EXIT_DAMAGED;
    }
    if (rc) return cli_fail(&err, rc);
    printf("%s: OK (%s): %llu entries, %llu index pages, %llu blocks", path, quick ? "quick" : "full",
           (unsigned long long)st.entries_checked, (unsigned long long)st.pages_checked,
           (unsigned long long)st.blocks_checked);
    if (!quick) printf(", %llu content bytes checked", (unsigned long long)st.bytes_checked);
    printf("\n");
    return EXIT_OK;
}
