/* cmd_keygen.c - `wikipack keygen`: a key pair for signing archives. */
#include "cli_commands.h"
#include "keyfile.h"

#include <getopt.h>
#include <sodium.h>
#include <string.h>

static const char keygen_usage[] =
    "usage: wikipack keygen -o NAME [--force]\n"
    "\n"
    "Make a new Ed25519 key pair for 'wikipack sign': NAME.key, the secret\n"
    "key (mode 0600; keep it private), and NAME.pub, the public key to give\n"
    "to those who check your archives with 'wikipack verify --pubkey'.\n"
    "Existing files are not replaced without --force.\n";

int cli_cmd_keygen(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'}, {"force", no_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
    };
    const char *name = NULL;
    int force = 0, ch;
    while ((ch = getopt_long(argc, argv, "o:fh", opts, NULL)) != -1) {
        switch (ch) {
        case 'o': name = optarg; break;
        case 'f': force = 1; break;
        default: {
            int done = cli_common_option(ch, optarg, keygen_usage);
            if (done != CLI_GO_ON) return done;
        }
        }
    }
    if (!name || !*name || optind != argc) {
        fputs(keygen_usage, stderr);
        return CLI_EXIT_USAGE;
    }
    uint8_t pk[WPK_PUBLIC_KEY_SIZE], sk[WPK_SECRET_KEY_SIZE];
    wpk_error err;
    memset(&err, 0, sizeof err);
    int rc = wpk_keygen(pk, sk, &err);
    if (rc) return cli_fail(&err, rc);
    int code = cli_key_write_pair(name, pk, sk, force);
    sodium_memzero(sk, sizeof sk);
    if (code) return code;
    char text[CLI_KEY_TEXT_SIZE];
    cli_key_text(pk, text);
    printf("secret key: %s.key (keep it private)\npublic key: %s.pub\n%s\n", name, name, text);
    return CLI_EXIT_OK;
}
