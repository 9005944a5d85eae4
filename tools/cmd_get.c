/* cmd_get.c - `wikipack get`: one entry's content to stdout or a file. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char get_usage[] =
    "usage: wikipack get ARCHIVE (--id N | --title TITLE | --path PATH) [-o FILE]\n"
    "\n"
    "Print the content of one entry, exactly as packed. With several entries\n"
    "of the same page ID or title, the newest is printed.\n"
    "\n"
    "options:\n"
    "  -i, --id N          page ID\n"
    "  -t, --title TITLE   exact title\n"
    "  -p, --path PATH     path inside the archive\n"
    "  -o, --output FILE   write to FILE instead of stdout\n"
    "  -h, --help          show this help\n";

int cmd_get(int argc, char **argv)
{
    static const struct option opts[] = {
        {"id", required_argument, NULL, 'i'}, {"title", required_argument, NULL, 't'},
        {"path", required_argument, NULL, 'p'}, {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
    };
    cli_selector sel = {0, NULL};
    const char *out_path = NULL;
    int ch, selectors = 0;
    while ((ch = getopt_long(argc, argv, "i:t:p:o:h", opts, NULL)) != -1) {
        switch (ch) {
        case 'i': case 't': case 'p': sel.kind = (char)ch; sel.value = optarg; selectors++; break;
        case 'o': out_path = optarg; break;
        case 'h': fputs(get_usage, stdout); return EXIT_OK;
        default: fputs(get_usage, stderr); return EXIT_USAGE;
        }
    }
    if (optind + 1 != argc || selectors != 1) {
        cli_error("get: give one ARCHIVE and exactly one of --id, --title, --path");
        fputs(get_usage, stderr);
        return EXIT_USAGE;
    }
    wpk_reader *r;
    int code = cli_open(argv[optind], &r);
    if (code) return code;
    wpk_error err;
    memset(&err, 0, sizeof err);
    wpk_entry *e = NULL;
    void *data = NULL;
    int rc = cli_lookup(r, &sel, &e, &err);
    if (!rc) rc = wpk_reader_read_alloc(r, e, &data, 1, &err);
    if (rc) {
        code = cli_fail(&err, rc);
    } else {
        FILE *f = out_path ? fopen(out_path, "wb") : stdout;
        if (!f) {
            cli_error("%s: %s", out_path, strerror(errno));
            code = EXIT_IO;
        } else {
            int bad = fwrite(data, 1, e->size, f) != e->size;
            bad |= (f == stdout ? fflush(f) : fclose(f)) != 0;
            if (bad) {
                cli_error("%s: write failed: %s", out_path ? out_path : "stdout", strerror(errno));
                code = EXIT_IO;
            }
        }
    }
    free(data);
    wpk_entry_free(e);
    wpk_reader_close(r);
    return code;
}
