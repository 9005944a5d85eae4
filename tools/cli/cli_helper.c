/* cli_helper.c - run a companion program of the wikipack command (wikipack-serve) */
/*
 * `wikipack serve` is the program wikipack-serve, so that the libraries of
 * the web server (libmicrohttpd, md4c and their TLS libraries) are loaded
 * only by it, not at every start of wikipack. It is looked for beside the
 * running program first (the build tree, or the bin directory it was
 * installed in), so that a wikipack runs its own version, then in PATH.
 */
#include "cli_commands.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

int cli_run_helper(const char *name, char **argv)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        self[n] = 0;
        char *slash = strrchr(self, '/');
        char beside[PATH_MAX];
        if (slash && snprintf(beside, sizeof beside, "%.*s/%s", (int)(slash - self), self, name) < (int)sizeof beside &&
            access(beside, X_OK) == 0) {
            execv(beside, argv);
            cli_error("cannot run %s: %s", beside, strerror(errno));
            return CLI_EXIT_IO;
        }
    }
    execvp(name, argv);
    cli_error("cannot run %s (installed with wikipack, beside it or in PATH): %s", name, strerror(errno));
    return CLI_EXIT_IO;
}
