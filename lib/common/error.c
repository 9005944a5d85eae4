/* error.c - error codes and the caller-owned error struct. */
#include "common.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *wpk_strerror(int code)
{
    switch (code) {
    case WPK_OK: return "success";
    case WPK_E_INVALID: return "invalid argument";
    case WPK_E_IO: return "I/O error";
    case WPK_E_NOMEM: return "out of memory";
    case WPK_E_FORMAT: return "not a supported wikipack archive";
    case WPK_E_CORRUPT: return "archive is damaged";
    case WPK_E_NOTFOUND: return "not found";
    case WPK_E_EXISTS: return "already exists";
    case WPK_E_LIMIT: return "exceeds a configured limit";
    case WPK_E_UNTRUSTED: return "not signed by the trusted key";
    default: return "unknown error";
    }
}

static int vfail(wpk_error *err, int code, int has_offset, uint64_t offset, const char *fmt, va_list ap)
{
    if (err) {
        err->code = code;
        err->has_offset = has_offset;
        err->offset = offset;
        vsnprintf(err->message, sizeof err->message, fmt, ap);
    }
    return code;
}

int wpk_fail(wpk_error *err, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(err, code, 0, 0, fmt, ap);
    va_end(ap);
    return code;
}

int wpk_fail_at(wpk_error *err, int code, uint64_t offset, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(err, code, 1, offset, fmt, ap);
    va_end(ap);
    return code;
}
