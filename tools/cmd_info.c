/* cmd_info.c - `wikipack info`: what an archive holds, in a few lines. */
#include "cli.h"

#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char info_usage[] =
    "usage: wikipack info ARCHIVE [--json]\n"
    "\n"
    "Show the format version, entry count, input and stored sizes, ratio,\n"
    "blocks and dictionary size.\n";

int cmd_info(int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'J'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
    };
    int json = 0, ch;
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (ch) {
        case 'J': json = 1; break;
        case 'h': fputs(info_usage, stdout); return EXIT_OK;
        default: fputs(info_usage, stderr); return EXIT_USAGE;
        }
    }
    if (optind + 1 != argc) {
        fputs(info_usage, stderr);
        return EXIT_USAGE;
    }
    wpk_reader *r;
    int code = cli_open(argv[optind], &r);
    if (code) return code;
    wpk_archive_info i;
    wpk_reader_info(r, &i);
    wpk_reader_close(r);
    double ratio = i.file_size ? (double)i.content_bytes / (double)i.file_size : 0;
    if (json) {
        char version[32];
        snprintf(version, sizeof version, "%u.%u", i.version_major, i.version_minor);
        json_t *o = json_pack("{s:s, s:I, s:I, s:I, s:I, s:f, s:I, s:I, s:I, s:I, s:I, s:I}", "version", version,
                              "entries", (json_int_t)i.entry_count, "content_bytes", (json_int_t)i.content_bytes,
                              "unique_bytes", (json_int_t)i.unique_bytes, "file_size", (json_int_t)i.file_size,
                              "ratio", ratio, "blocks", (json_int_t)i.block_count, "data_bytes",
                              (json_int_t)i.data_bytes, "index_bytes", (json_int_t)i.index_bytes, "dictionary_bytes",
                              (json_int_t)i.dict_size, "page_ids", (json_int_t)i.ids_indexed, "titles",
                              (json_int_t)i.titles_indexed);
        char *s = o ? json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
        json_decref(o);
        if (!s) return EXIT_RESOURCE;
        puts(s);
        free(s);
        return EXIT_OK;
    }
    printf("format version:   %u.%u\n", i.version_major, i.version_minor);
    printf("entries:          %llu (%llu with a page ID, %llu with a title)\n", (unsigned long long)i.entry_count,
           (unsigned long long)i.ids_indexed, (unsigned long long)i.titles_indexed);
    printf("content:          %llu bytes (%llu bytes distinct)\n", (unsigned long long)i.content_bytes,
           (unsigned long long)i.unique_bytes);
    printf("archive:          %llu bytes, ratio %.2fx\n", (unsigned long long)i.file_size, ratio);
    printf("blocks:           %llu (%llu bytes)\n", (unsigned long long)i.block_count, (unsigned long long)i.data_bytes);
    printf("indexes:          %llu bytes\n", (unsigned long long)i.index_bytes);
    printf("dictionary:       %llu bytes\n", (unsigned long long)i.dict_size);
    return EXIT_OK;
}
