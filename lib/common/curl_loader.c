/* curl_loader.c - load libcurl when the first URL is opened.
 *
 * Linking libcurl makes every program that links libwikipack (the wikipack
 * command included) map some thirty shared libraries at start and run their
 * initialisers (TLS, Kerberos, LDAP): about 4 ms before main, against
 * ~0.3 ms to open an archive and read one article. Only readers of URLs
 * need libcurl, so it is opened with dlopen() then, as systemd does for its
 * optional libraries. The headers still come from libcurl's -dev package,
 * and the functions are the stable ABI of libcurl.so.4. */
#include "curl_api.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static wpk_curl_api api;
static int loaded;
static char load_error[512];

#define LOAD(field, symbol)                                                                                    \
    do {                                                                                                       \
        *(void **)&api.field = dlsym(lib, symbol);                                                             \
        if (!api.field) {                                                                                      \
            snprintf(load_error, sizeof load_error, "%s lacks %s", name, symbol);                              \
            return;                                                                                            \
        }                                                                                                      \
    } while (0)

static void load(void)
{
    /* The OpenSSL build first (Debian's libcurl4), then the GnuTLS one: same ABI. */
    static const char *const names[] = {"libcurl.so.4", "libcurl-gnutls.so.4"};
    void *lib = NULL;
    const char *name = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && !lib; i++) {
        name = names[i];
        lib = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    }
    if (!lib) {
        const char *why = dlerror();
        snprintf(load_error, sizeof load_error, "reading URLs needs libcurl, which could not be loaded (%s)",
                 why ? why : "libcurl.so.4 not found");
        return;
    }
    CURLcode (*global_init)(long);
    *(void **)&global_init = dlsym(lib, "curl_global_init");
    if (!global_init) {
        snprintf(load_error, sizeof load_error, "%s lacks curl_global_init", name);
        return;
    }
    LOAD(easy_init, "curl_easy_init");
    LOAD(easy_setopt, "curl_easy_setopt");
    LOAD(easy_perform, "curl_easy_perform");
    LOAD(easy_getinfo, "curl_easy_getinfo");
    LOAD(easy_cleanup, "curl_easy_cleanup");
    LOAD(easy_strerror, "curl_easy_strerror");
    LOAD(slist_append, "curl_slist_append");
    LOAD(slist_free_all, "curl_slist_free_all");
    if (global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        snprintf(load_error, sizeof load_error, "%s could not be initialised", name);
        return;
    }
    /* The library stays loaded for the life of the process, as a linked one would. */
    loaded = 1;
}

const wpk_curl_api *wpk_curl(const char **why)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, load);
    *why = load_error;
    return loaded ? &api : NULL;
}
