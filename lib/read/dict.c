/* dict.c - the archive's zstd dictionary: in the prefix (checked at open), digested on first use. */
#include "reader_internal.h"

#include <string.h>

static int load_dict(wpk_reader *r, wpk_error *err)
{
    const wpk2_section *s = r->map.of[WPK2_SEC_DICT];
    uint8_t *dict = NULL;
    int rc = wpk_section_raw(r, s, "dictionary", r->opts.max_dict_size, &dict, err);
    if (rc) return rc;
    int nomem;
    /* Either a dictionary in zstd's format or raw content: zstd takes both. */
    r->ddict = wpk_zstd_ddict(dict, (size_t)s->raw_size, &nomem);
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
    if (!r->map.of[WPK2_SEC_DICT]) return WPK_OK;
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
