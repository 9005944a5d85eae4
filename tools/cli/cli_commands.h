/* cli_commands.h - the commands of the wikipack program, and what only they share */
#ifndef WPK_CLI_COMMANDS_H
#define WPK_CLI_COMMANDS_H

#include "cli.h"

/* One selector of --id/--title/--url/--path, as given on the command line;
 * for --id, the wiki (--wiki) and language (--lang) that choose among the
 * articles of several wikis with that page ID (NULL: any). */
typedef struct cli_selector {
    char kind;
    const char *value;
    const char *wiki, *lang;
    int no_follow; /* --no-follow: a redirect page itself, not the article it leads to */
} cli_selector;
#define CLI_FOLLOW_HELP \
    "      --no-follow      a redirect page found by --id, --title or --url itself (its\n" \
    "                       '#REDIRECT [[...]]' text), not the article it leads to\n"
/* The options --wiki and --lang, for the usage texts. */
#define CLI_SCOPE_HELP \
    "  -w, --wiki WIKI      with --id: the article of this wiki (e.g. enwiki, dewiktionary),\n" \
    "                       when several wikis have the page ID\n" \
    "  -L, --lang LANG      with --id: the article in this language (e.g. en)\n"
/* --pubkey KEY of the commands that read entries: a .pub file or the key
 * in base64; the archive must be signed by it, and every page and block
 * read is checked against it (cli_trust.c). */
#define CLI_TRUST_LONGOPTS {"pubkey", required_argument, NULL, CLI_OPT_PUBKEY}
#define CLI_TRUST_HELP \
    "      --pubkey KEY     trust only an archive signed by KEY (a .pub file from 'wikipack\n" \
    "                       keygen', or the key in base64): its signature is checked at open,\n" \
    "                       and every index page and block read against it (exit 1 otherwise)\n"
/* Take --pubkey's argument; returns an exit code, having reported. */
int cli_trust_option(const char *arg);
/* Find the entry a selector names. A page ID of articles in several wikis
 * that --wiki and --lang do not narrow to one lists them on stderr and is
 * WPK_E_NOTFOUND, as an ambiguous title is. */
int cli_lookup(wpk_reader *r, const cli_selector *s, wpk_entry **out, wpk_error *err);

int cli_cmd_pack(int argc, char **argv);
int cli_cmd_get(int argc, char **argv);
int cli_cmd_list(int argc, char **argv);
int cli_cmd_extract(int argc, char **argv);
int cli_cmd_verify(int argc, char **argv);
int cli_cmd_info(int argc, char **argv);
int cli_cmd_find(int argc, char **argv);
int cli_cmd_search(int argc, char **argv);
int cli_cmd_keygen(int argc, char **argv);
int cli_cmd_sign(int argc, char **argv);
int cli_cmd_merge(int argc, char **argv);
/* Run the program NAME (e.g. "wikipack-serve") installed beside this one,
 * else found in PATH, with argv; returns only on failure (cli_helper.c). */
int cli_run_helper(const char *name, char **argv);

#endif
