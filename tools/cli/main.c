/* main.c - the wikipack command: dispatch to subcommands. */
#include "cli_commands.h"

#include <string.h>

static const char usage[] =
    "usage: wikipack COMMAND [OPTIONS] ...\n"
    "\n"
    "Pack article collections into one compact, indexed, checksummed archive,\n"
    "and read single articles back without unpacking the rest.\n"
    "\n"
    "commands:\n"
    "  pack -o OUT.wpk INPUT...         pack files and directories\n"
    "  merge -o OUT.wpk PART.wpk...     join archives packed apart, without recompressing\n"
    "  get ARCHIVE --id N|--title T|--url U|--path P   print one entry's content\n"
    "  find ARCHIVE PREFIX              titles starting with PREFIX\n"
    "  search ARCHIVE QUERY             articles by the words of their text, best first\n"
    "  list ARCHIVE [--revisions] [--category C] [--json]   list entries\n"
    "  extract ARCHIVE [-C DIR] [SELECTORS]  recreate files under DIR\n"
    "  verify ARCHIVE [--quick] [--pubkey KEY] [--json]  check every checksum (and the signer); exit 0 only if intact\n"
    "  info ARCHIVE [--json]            archive summary\n"
    "  keygen -o NAME                   make a signing key pair: NAME.key, NAME.pub\n"
    "  sign ARCHIVE --key NAME.key      sign the archive (Ed25519)\n"
    "  serve ARCHIVE... [--port N]      read archives in a web browser\n"
    "  mount ARCHIVE MOUNTPOINT         show an archive as a read-only folder (FUSE)\n"
    "\n"
    "ARCHIVE may be a file or an http:// or https:// URL (read with Range requests).\n"
    "Run 'wikipack COMMAND --help' for a command's options.\n"
    "\n"
    "exit status:\n"
    "  0 success            1 archive damaged (or not signed by the given key)\n"
    "  2 usage error, or parts that conflict (merge)\n"
    "  3 entry not found    4 I/O error           5 not a wikipack archive or unsupported version\n"
    "  6 out of memory or over a limit\n";

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return CLI_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        fputs(usage, stdout);
        return CLI_EXIT_OK;
    }
    if (!strcmp(cmd, "--version")) {
        /* The library linked at run time says its own version. */
        /* Any minor version of the format's major one is read. */
        /* An archive says the lowest minor version whose additions it uses. */
        printf("wikipack %s (library %s; writes format %d.0 to %d.%d, reads format %d.x)\n", WPK_VERSION_STRING,
               wpk_version_string(), WPK_FORMAT_MAJOR, WPK_FORMAT_MAJOR, WPK_FORMAT_MINOR, WPK_FORMAT_MAJOR);
        return CLI_EXIT_OK;
    }
    static const struct { const char *name; int (*fn)(int, char **); } cmds[] = {
        {"pack", cli_cmd_pack}, {"get", cli_cmd_get}, {"list", cli_cmd_list}, {"extract", cli_cmd_extract},
        {"verify", cli_cmd_verify}, {"info", cli_cmd_info}, {"find", cli_cmd_find}, {"search", cli_cmd_search}, {"keygen", cli_cmd_keygen}, {"sign", cli_cmd_sign}, {"merge", cli_cmd_merge},
    };
    /* A program of its own: its web server libraries would slow every start. */
    if (!strcmp(cmd, "serve")) return cli_run_helper("wikipack-serve", argv + 1);
    if (!strcmp(cmd, "mount")) return cli_run_helper("wikipack-mount", argv + 1); /* libfuse3 */
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (!strcmp(cmd, cmds[i].name)) return cmds[i].fn(argc - 1, argv + 1);
    cli_error("unknown command \"%s\" (try 'wikipack --help')", cmd);
    return CLI_EXIT_USAGE;
}
