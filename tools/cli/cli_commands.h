/* cli_commands.h - the commands of the wikipack program, and what only they share */
#ifndef WPK_CLI_COMMANDS_H
#define WPK_CLI_COMMANDS_H

#include "cli.h"

/* One selector of --id/--title/--path, as given on the command line. */
typedef struct cli_selector { char kind; const char *value; } cli_selector;
/* Find the entry a selector names. */
int cli_lookup(wpk_reader *r, const cli_selector *s, wpk_entry **out, wpk_error *err);

int cli_cmd_pack(int argc, char **argv);
int cli_cmd_get(int argc, char **argv);
int cli_cmd_list(int argc, char **argv);
int cli_cmd_extract(int argc, char **argv);
int cli_cmd_verify(int argc, char **argv);
int cli_cmd_info(int argc, char **argv);
int cli_cmd_find(int argc, char **argv);
int cli_cmd_keygen(int argc, char **argv);
int cli_cmd_sign(int argc, char **argv);
/* Run the program NAME (e.g. "wikipack-serve") installed beside this one,
 * else found in PATH, with argv; returns only on failure (cli_helper.c). */
int cli_run_helper(const char *name, char **argv);

#endif
