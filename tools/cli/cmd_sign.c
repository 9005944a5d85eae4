/* cmd_sign.c - `wikipack sign`: add or replace an archive's signature. */
#include "cli_commands.h"
#include "keyfile.h"

#include <getopt.h>
#include <sodium.h>
#include <string.h>

static const char sign_usage[] =
    "usage: wikipack sign ARCHIVE --key NAME.key\n"
    "\n"
    "Sign the archive with a secret key made by 'wikipack keygen': an Ed25519\n"
    "signature over a BLAKE2b-512 digest of every byte, stored in the archive\n"
    "(replacing any earlier one). Readers without signature support still\n"
    "read it. The signed copy is written beside the archive, checked, and\n"
    "renamed over it only when complete; on failure the archive is left as it was.\n";

int cli_cmd_sign(int argc, char **argv)
{
    static const struct option opts[] = {
        {"key", required_argument, NULL, 'k'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
    };
    const char *key = NULL;
    int ch;
    while ((ch = getopt_long(argc, argv, "k:h", opts, NULL)) != -1) {
        switch (ch) {
        case 'k': key = optarg; break;
        default: {
            int done = cli_common_option(ch, optarg, sign_usage);
            if (done != CLI_GO_ON) return done;
        }
        }
    }
    if (!key || optind + 1 != argc) {
        fputs(sign_usage, stderr);
        return CLI_EXIT_USAGE;
    }
    const char *path = argv[optind];
    uint8_t sk[WPK_SECRET_KEY_SIZE], pk[WPK_PUBLIC_KEY_SIZE];
    int code = cli_key_read_secret(key, sk);
    if (code) return code;
    wpk_error err;
    memset(&err, 0, sizeof err);
    int rc = wpk_public_key_of(sk, pk, &err);
    if (!rc) rc = wpk_sign_archive(path, sk, &err);
    sodium_memzero(sk, sizeof sk);
    if (rc) return cli_fail(&err, rc);
    char text[CLI_KEY_TEXT_SIZE];
    cli_key_text(pk, text);
    printf("%s: signed by %s\n", path, text);
    return CLI_EXIT_OK;
}
