/* curl_loader.h - forwards to common/curl_api.h until the command line opens downloads through wpk_reader_open_url_download. */
#include "common/curl_api.h"
