/* signature_check.h - the SIGNATURE section: libsodium made ready, and 1.x's whole-file digest still used by write/sign.c. */
#ifndef WPK_SIGNATURE_CHECK_H
#define WPK_SIGNATURE_CHECK_H

#include "reader_internal.h"

/* Format 1.x (write/sign.c signs 1.x archives until it moves to 2.0).
 * Find the SIGNATURE section in the section table kept from opening.
 * Returns 1 and fills *out when there is one, 0 when the archive is
 * unsigned. */
int wpk_sig_section(const wpk_reader *r, wpk_fmt_section *out);
/* BLAKE2b-512 of the whole file with the bytes of section s read as zeros
 * (s may be NULL: nothing zeroed). */
int wpk_sig_digest(wpk_reader *r, const wpk_fmt_section *s, uint8_t out[WPK_SIG_DIGEST_SIZE], wpk_error *err);
/* Make sure libsodium is ready; its functions are not used before. */
int wpk_sodium_ready(wpk_error *err);

#endif
