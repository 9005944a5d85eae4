/* struct_size.c - a caller's struct of another header's size, read and written within its struct_size */
#include "common.h"

#include <string.h>

/* The bytes of [from, to) of p are all zero. */
static int all_zero(const unsigned char *p, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        if (p[i]) return 0;
    return 1;
}

/* No struct will grow past this: a larger struct_size is garbage (a struct
 * not initialised with its macro), not a newer header. */
#define WPK_STRUCT_SIZE_MAX 4096

static int size_in_range(uint32_t n, size_t min_size, const char *name, wpk_error *err)
{
    if (n > WPK_STRUCT_SIZE_MAX)
        return wpk_fail(err, WPK_E_INVALID, "%s.struct_size is %u, more than any version of it: initialise it with "
                        "its WPK_..._INIT macro", name, n);
    if (n < min_size)
        return wpk_fail(err, WPK_E_INVALID, "%s.struct_size is %u, less than its smallest size %zu: initialise it with "
                        "its WPK_..._INIT macro", name, n, min_size);
    return WPK_OK;
}

static int check_size(const void *given, size_t size, size_t min_size, const char *name, wpk_error *err)
{
    uint32_t n;
    memcpy(&n, given, sizeof n);
    int rc = size_in_range(n, min_size, name, err);
    if (rc) return rc;
    /* From a newer header: fine as long as nothing this library does not
     * know is asked of it. */
    if (n > size && !all_zero(given, size, n))
        return wpk_fail(err, WPK_E_INVALID, "%s sets fields this library (%s) does not know: it was built for a "
                        "newer wikipack.h", name, WPK_VERSION_STRING);
    return WPK_OK;
}

int wpk_struct_in(void *full, size_t size, size_t min_size, const void *given, const char *name, wpk_error *err)
{
    memset(full, 0, size);
    uint32_t own = (uint32_t)size;
    if (given) {
        int rc = check_size(given, size, min_size, name, err);
        if (rc) return rc;
        uint32_t n;
        memcpy(&n, given, sizeof n);
        memcpy(full, given, n < size ? n : size);
    }
    memcpy(full, &own, sizeof own);
    return WPK_OK;
}

int wpk_struct_out_check(const void *given, size_t size, size_t min_size, const char *name, wpk_error *err)
{
    uint32_t n;
    memcpy(&n, given, sizeof n);
    (void)size;
    return size_in_range(n, min_size, name, err);
}

void wpk_struct_out(void *given, const void *full, size_t size)
{
    uint32_t n;
    memcpy(&n, given, sizeof n);
    /* Fields of a newer header that this library does not fill read 0. */
    if (n > size) memset((unsigned char *)given + size, 0, n - size);
    memcpy((unsigned char *)given + sizeof n, (const unsigned char *)full + sizeof n, (n < size ? n : size) - sizeof n);
}
