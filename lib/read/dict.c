/* dict.c - the archive's zstd dictionary: checked at open, loaded on first use. */
#include "reader_internal.h"

#include <string.h>

/* At open the dictionary section is only checked for its flags and size;
 * its bytes are read the first time a block or page needs them. */
int wpk_dict_check(wpk_reader *r, const wpk_fmt_section *s, wpk_error *err)
{
    if (s->flags & WPK_SECF_REGION)
        return wpk_fail_at(err, WPK_E_CORRUPT, s->offset, "%s: dictionary section marked as a region", r->name);
    if (s->raw_size > r->opts.max_dict_size || s->stored_size > r->opts.max_dict_size)
        return wpk_fail_at(err, WPK_E_LIMIT, s->offset, "%s: dictionary of %llu bytes exceeds the %llu-byte dictionary cap",
                           r->name, (unsigned long long)s->raw_size, (unsigned long long)r->opts.max_dict_size);
    if (s->stored_size == 0)
        return wpk_fail_at(err, WPK_E_CORRUPT, s->offset, "%s: dictionary at offset %llu is empty", r->name,
                           (unsigned long long)s->offset);
    r->has_dict = 1;
    r->dict_sec = *s;
    r->dict_size = s->raw_size;
    return WPK_OK;
}

static int load_dict(wpk_reader *r, wpk_error *err)
{
    const wpk_fmt_section *s = &r->dict_sec;
    uint8_t *dict = NULL;
    int rc = wpk_load_object(r, s->offset, s->stored_size, s->raw_size, s->checksum, (s->flags & WPK_SECF_ZSTD) != 0,
                             NULL, r->opts.max_dict_size, "dictionary", &dict, err);
    if (rc) return rc;
    int nomem;
    r->ddict = wpk_zstd_ddict(dict, s->raw_size, &nomem);
    if (r->ddict) r->dict_raw = dict;
    else wpk_free(dict);
    if (!r->ddict && nomem)
        return wpk_fail_at(err, WPK_E_NOMEM, s->offset, "%s: cannot load the dictionary at offset %llu", r->name,
                           (unsigned long long)s->offset);
    if (!r->ddict)
        return wpk_fail_at(err, WPK_E_CORRUPT, s->offset, "%s: dictionary at offset %llu is not a valid zstd dictionary",
                           r->name, (unsigned long long)s->offset);
    return WPK_OK;
}

int wpk_reader_dict(wpk_reader *r, const ZSTD_DDict **out, wpk_error *err)
{
    *out = NULL;
    if (!r->has_dict) return WPK_OK;
    pthread_mutex_lock(&r->dict_lock);
    if (r->dict_state == 0) {
        memset(&r->dict_err, 0, sizeof r->dict_err);
        r->dict_state = load_dict(r, &r->dict_err) == 0 ? 1 : -1;
    }
    int rc = r->dict_state > 0 ? WPK_OK : r->dict_err.code;
    if (rc && err) *err = r->dict_err;
    pthread_mutex_unlock(&r->dict_lock);
    *out = r->ddict;
    return rc;
}
