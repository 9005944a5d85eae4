/* cmd_info.c - `wikipack info`: what an archive holds, in a few lines. */
#include "cli_commands.h"
#include "cli_json.h"

#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char info_usage[] =
    "usage: wikipack info ARCHIVE [--json]\n"
    "\n"
    "Show the format version, entry count, input and stored sizes, ratio,\n"
    "blocks, dictionary size, wikis, and the numbers of articles, revisions,\n"
    "aliases, categories and articles per language.\n"
    CLI_REMOTE_HELP;

typedef struct lang_list { char text[1024]; size_t n; } lang_list;

/* The wikis, as "enwiki (en), enwiktionary (en, Wiktionary, case-sensitive)",
 * as a JSON array of names, and as JSON objects with every field. */
typedef struct wiki_list { char text[1024]; size_t n; json_t *names, *details; const wpk_reader *r; } wiki_list;

static int add_wiki(void *ctx, uint32_t number, const char *name, const char *language, const char *url_base,
                    const char *site_name)
{
    wiki_list *w = ctx;
    wpk_wiki_info info = WPK_WIKI_INFO_INIT;
    int case_sensitive = wpk_reader_wiki_info(w->r, number, &info) == WPK_OK && info.case_sensitive;
    char what[512];
    snprintf(what, sizeof what, "%s%s%s%s", language, *language && *site_name ? ", " : "", site_name,
             case_sensitive ? (*language || *site_name ? ", case-sensitive" : "case-sensitive") : "");
    size_t used = strlen(w->text);
    snprintf(w->text + used, sizeof w->text - used, "%s%s%s%s%s", w->n++ ? ", " : "", name, *what ? " (" : "", what,
             *what ? ")" : "");
    json_array_append_new(w->names, cli_json_text(name, NULL));
    json_array_append_new(w->details, json_pack("{s:o, s:o, s:o, s:o, s:s}", "name", cli_json_text(name, NULL),
                                                "language", cli_json_text(language, NULL), "url_base",
                                                cli_json_text(url_base, NULL), "site_name",
                                                cli_json_text(site_name, NULL), "case",
                                                case_sensitive ? "case-sensitive" : "first-letter"));
    return 0;
}

static int add_language(void *ctx, const char *language, uint64_t articles)
{
    lang_list *l = ctx;
    size_t used = strlen(l->text);
    snprintf(l->text + used, sizeof l->text - used, "%s%s (%llu)", l->n++ ? ", " : "", language,
             (unsigned long long)articles);
    return 0;
}

int cli_cmd_info(int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'J'}, CLI_REMOTE_LONGOPTS, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
    };
    int json = 0, ch;
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (ch) {
        case 'J': json = 1; break;
        default: {
            int done = cli_common_option(ch, optarg, info_usage);
            if (done != CLI_GO_ON) return done;
        }
        }
    }
    wpk_reader *r;
    int code = cli_open_operand(argc, argv, 1, info_usage, &r);
    if (code) return code;
    wpk_archive_info i = WPK_ARCHIVE_INFO_INIT;
    wpk_reader_info(r, &i);
    lang_list langs = {{0}, 0};
    wpk_reader_languages(r, add_language, &langs);
    wiki_list wikis = {{0}, 0, json_array(), json_array(), r};
    wpk_reader_wikis(r, add_wiki, &wikis);
    wpk_reader_close(r);
    double ratio = i.file_size ? (double)i.content_bytes / (double)i.file_size : 0;
    if (json) {
        char version[32], needs[32];
        snprintf(version, sizeof version, "%u.%u", i.version_major, i.version_minor);
        /* A reader of a major version reads all of its minor versions, but
         * 2.2's BLOCK_DICTS (written only with it) is a required section. */
        snprintf(needs, sizeof needs, "%u.%u", i.version_major, i.version_minor >= 2 ? 2u : 0u);
        json_t *o = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:f, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o}",
                              "version", version, "reader_version", needs,
                              "entries", (json_int_t)i.entry_count, "content_bytes", (json_int_t)i.content_bytes,
                              "unique_bytes", (json_int_t)i.unique_bytes, "file_size", (json_int_t)i.file_size,
                              "ratio", ratio, "blocks", (json_int_t)i.block_count, "data_bytes",
                              (json_int_t)i.data_bytes, "index_bytes", (json_int_t)i.index_bytes, "dictionary_bytes",
                              (json_int_t)i.dict_size, "page_ids", (json_int_t)i.ids_indexed, "titles",
                              (json_int_t)i.titles_indexed, "articles", (json_int_t)i.articles, "revisions",
                              (json_int_t)i.revisions, "aliases", (json_int_t)i.aliases, "redirects",
                              (json_int_t)i.redirects, "redirects_out", (json_int_t)i.redirects_out, "categories",
                              (json_int_t)i.categories, "languages", cli_json_text(langs.text, NULL));
        if (o) {
            json_object_set_new(o, "wikis", wikis.names);
            json_object_set_new(o, "wiki_details", wikis.details);
        } else {
            json_decref(wikis.names);
            json_decref(wikis.details);
        }
        char *s = o ? json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
        json_decref(o);
        if (!s) return CLI_EXIT_RESOURCE;
        puts(s);
        free(s);
        return CLI_EXIT_OK;
    }
    printf("format version:   %u.%u\n", i.version_major, i.version_minor);
    /* Format 2.0 indexes a page ID once an article (its current version)
     * and, by title, current titles, aliases and former titles: counts of
     * index items, not of entries. */
    printf("entries:          %llu (indexed: %llu page IDs, %llu titles and aliases)\n", (unsigned long long)i.entry_count,
           (unsigned long long)i.ids_indexed, (unsigned long long)i.titles_indexed);
    printf("content:          %llu bytes (%llu bytes distinct)\n", (unsigned long long)i.content_bytes,
           (unsigned long long)i.unique_bytes);
    printf("archive:          %llu bytes, ratio %.2fx\n", (unsigned long long)i.file_size, ratio);
    printf("blocks:           %llu (%llu bytes)\n", (unsigned long long)i.block_count, (unsigned long long)i.data_bytes);
    printf("indexes:          %llu bytes\n", (unsigned long long)i.index_bytes);
    printf("dictionary:       %llu bytes\n", (unsigned long long)i.dict_size);
    json_decref(wikis.names);
    json_decref(wikis.details);
    cli_print(stdout, "wikis:            %s\n", wikis.n ? wikis.text : "-");
    if (i.has_summary) {
        printf("articles:         %llu (%llu older revisions, %llu aliases)\n", (unsigned long long)(i.articles - i.redirects),
               (unsigned long long)i.revisions, (unsigned long long)i.aliases);
        if (i.redirects)
            printf("redirect pages:   %llu (%llu to articles in the archive, %llu to articles not in it)\n",
                   (unsigned long long)i.redirects, (unsigned long long)(i.redirects - i.redirects_out),
                   (unsigned long long)i.redirects_out);
        printf("categories:       %llu\n", (unsigned long long)i.categories);
        cli_print(stdout, "languages:        %s\n", langs.n ? langs.text : "-");
    }
    return CLI_EXIT_OK;
}
