/* curl_api.h - libcurl's functions, loaded on first use (curl_loader.c). */
#ifndef WPK_CURL_API_H
#define WPK_CURL_API_H

#include <curl/curl.h>

typedef struct wpk_curl_api {
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_perform)(CURL *);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    void (*easy_cleanup)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
} wpk_curl_api;

/* libcurl's functions, the library loaded and initialised by the first
 * call (thread-safe); NULL, with *why saying what failed, when it cannot be. */
const wpk_curl_api *wpk_curl(const char **why);

#endif
