/* keyfile.h - signing keys as small text files, a header line then the key in base64 */
/* So a public key can be pasted. */
#ifndef WPK_KEYFILE_H
#define WPK_KEYFILE_H

#include "wikipack.h"

#include <stddef.h>
#include <stdint.h>

#define CLI_KEY_TEXT_SIZE 128   /* room for a key in base64, NUL included */

/* Write NAME.key (secret, mode 0600) and NAME.pub. Refuses to replace
 * existing files unless force. Returns an exit code, having reported. */
int cli_key_write_pair(const char *name, const uint8_t pk[WPK_PUBLIC_KEY_SIZE], const uint8_t sk[WPK_SECRET_KEY_SIZE],
                       int force);
/* A secret key file written by cli_key_write_pair. Returns an exit code. */
int cli_key_read_secret(const char *path, uint8_t sk[WPK_SECRET_KEY_SIZE]);
/* A public key file, or the key itself in base64 as printed by keygen,
 * sign and verify. Returns an exit code. */
int cli_key_read_public(const char *arg, uint8_t pk[WPK_PUBLIC_KEY_SIZE]);
/* The base64 text of a public key. */
void cli_key_text(const uint8_t pk[WPK_PUBLIC_KEY_SIZE], char out[CLI_KEY_TEXT_SIZE]);

#endif
