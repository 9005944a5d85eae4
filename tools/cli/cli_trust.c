/* cli_trust.c - --pubkey of get, find, list and extract: the key every archive opened must be signed by. */
#include "cli_commands.h"
#include "keyfile.h"

int cli_trust_option(const char *arg)
{
    uint8_t key[WPK_PUBLIC_KEY_SIZE];
    int code = cli_key_read_public(arg, key);
    if (!code) cli_trust(key);
    return code;
}
