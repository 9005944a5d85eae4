/* version.c - the library's version, as linked at run time */
#include "common.h"

unsigned wpk_version_number(void)
{
    return WPK_VERSION_NUMBER;
}

const char *wpk_version_string(void)
{
    return WPK_VERSION_STRING;
}
