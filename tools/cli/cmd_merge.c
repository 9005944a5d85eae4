/* cmd_merge.c - `wikipack merge`: one archive from several packed apart, their compressed blocks copied as they are. */
#include "cli_commands.h"
#include "progress.h"

#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char merge_usage[] =
    "usage: wikipack merge -o OUTPUT.wpk PART.wpk...\n"
    "\n"
    "Join archives packed apart (the parts of a split dump, packed on several\n"
    "cores or machines) into one, without recompressing: every part's blocks\n"
    "are copied as they are, each checked against its checksum, and the\n"
    "indexes are built again over all the entries. Versions of an article and\n"
    "redirects found in different parts are joined (page IDs per wiki). An entry\n"
    "whose path is in two parts is kept once when alike; when its content or\n"
    "metadata differ the merge stops (exit 2), naming the entry and both parts.\n"
    "Parts packed with different dictionaries make a format 2.2 archive. The\n"
    "same parts in the same order give the same bytes; sign the result again.\n"
    "\n"
    "options:\n"
    "  -o, --output FILE      the archive to write (written beside it, renamed when complete)\n"
    "  -l, --level N          zstd level of the index pages, 1-22 (default 9: the blocks are\n"
    "                         not recompressed; 19 makes the index ~6% smaller, 4x slower)\n"
    "      --page-size SIZE   target raw index page size, 4K-1M (default: as pack)\n"
    "      --no-search        no full-text search index (by default there is one when a part\n"
    "                         has one, made again from the parts' texts)\n"
    "  -q, --quiet            print no summary and no progress\n";

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The output must not be one of the parts: it would replace it. */
static int output_is_a_part(const char *out, char **parts, int n)
{
    char a[PATH_MAX], b[PATH_MAX];
    if (!realpath(out, a)) return 0; /* does not exist yet */
    for (int i = 0; i < n; i++)
        if (realpath(parts[i], b) && !strcmp(a, b)) return 1;
    return 0;
}

static void print_summary(const wpk_merge_stats *s, const char *out, double secs)
{
    const wpk_write_stats *w = &s->written;
    double mb = (double)s->input_bytes / 1e6;
    printf("merged %llu parts (%llu entries) into %s in %.2f s, %.1f MB/s of input\n", (unsigned long long)s->parts,
           (unsigned long long)w->entries, out, secs, secs > 0 ? mb / secs : 0);
    printf("  articles: %llu, older revisions: %llu, aliases: %llu, redirect pages: %llu (%llu to articles not in it)\n",
           (unsigned long long)(w->articles - w->redirects), (unsigned long long)w->revisions,
           (unsigned long long)w->aliases, (unsigned long long)w->redirects, (unsigned long long)w->redirects_out);
    printf("  entries in two parts, alike, kept once: %llu\n", (unsigned long long)s->repeated_entries);
    printf("  %llu blocks copied (%llu bytes), indexes %llu bytes, archive %llu bytes%s\n", (unsigned long long)w->blocks,
           (unsigned long long)w->data_bytes, (unsigned long long)w->index_bytes, (unsigned long long)w->file_size,
           s->block_runs ? " (format 2.2: one dictionary per part)" : "");
}

int cli_cmd_merge(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'}, {"level", required_argument, NULL, 'l'},
        {"page-size", required_argument, NULL, 'P'}, {"quiet", no_argument, NULL, 'q'},
        {"no-search", no_argument, NULL, 'N'},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
    };
    wpk_write_opts wo = WPK_WRITE_OPTS_INIT;
    const char *out = NULL;
    int quiet = 0, ch;
    uint64_t v;
    while ((ch = getopt_long(argc, argv, "o:l:qh", opts, NULL)) != -1) {
        switch (ch) {
        case 'o': out = optarg; break;
        case 'l':
            if (cli_parse_u64(optarg, &v) || v < 1 || v > 22) {
                cli_error("--level wants a number from 1 to 22");
                return CLI_EXIT_USAGE;
            }
            wo.level = (int)v;
            break;
        case 'N': wo.search = -1; break;
        case 'P':
            if (cli_parse_size(optarg, &v) || v < 4096 || v > (1u << 20)) {
                cli_error("--page-size wants a size from 4K to 1M");
                return CLI_EXIT_USAGE;
            }
            wo.page_size = (uint32_t)v;
            break;
        case 'q': quiet = 1; break;
        default: {
            int done = cli_common_option(ch, optarg, merge_usage);
            if (done != CLI_GO_ON) return done;
        }
        }
    }
    if (!out || optind >= argc) {
        fputs(merge_usage, stderr);
        return CLI_EXIT_USAGE;
    }
    char **parts = argv + optind;
    int n = argc - optind;
    if (output_is_a_part(out, parts, n)) {
        cli_error("%s: the output is one of the parts; write the merge to a new file", out);
        return CLI_EXIT_USAGE;
    }
    cli_progress pg;
    cli_progress_init(&pg, quiet);
    wpk_merge_stats st = WPK_MERGE_STATS_INIT;
    wpk_error err;
    memset(&err, 0, sizeof err);
    double t0 = now_seconds();
    int rc = wpk_merge(out, (const char *const *)parts, (size_t)n, &wo, cli_progress_update, &pg, &st, &err);
    cli_progress_done(&pg);
    if (rc) return cli_fail(&err, rc);
    if (!quiet) print_summary(&st, out, now_seconds() - t0);
    return CLI_EXIT_OK;
}
