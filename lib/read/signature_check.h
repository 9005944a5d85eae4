/* signature_check.h - finding and digesting the SIGNATURE section (1.2), for checking (signature_check.c) and signing (write/sign.c). */
#ifndef WPK_SIGNATURE_CHECK_H
#define WPK_SIGNATURE_CHECK_H

#include "reader_internal.h"

/* Find the SIGNATURE section in the section table kept from opening.
 * Returns 1 and fills *out when there is one, 0 when the archive is
 * unsigned. */
int wpk_sig_section(const wpk_reader *r, wpk_fmt_section *out);
/* BLAKE2b-512 of the whole file with the bytes of section s read as zeros
 * (s may be NULL: nothing zeroed). */
int wpk_sig_digest(wpk_reader *r, const wpk_fmt_section *s, uint8_t out[WPK_SIG_DIGEST_SIZE], wpk_error *err);
/* Make sure libsodium is ready; its functions are not used before. */
int wpk_sodium_ready(wpk_error *err);

#endif
