/* keyfile.c - read and write the key files of keygen, sign and verify (see keyfile.h) */
/*
 *   wikipack public key (Ed25519)
 *   <32-byte public key in base64>
 *
 *   wikipack secret key (Ed25519): keep this file private
 *   <64-byte secret key in base64: seed, then public key>
 */
#include "keyfile.h"
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PUB_HEAD "wikipack public key (Ed25519)"
#define SEC_HEAD "wikipack secret key (Ed25519)"
#define MAX_KEY_FILE 4096

void cli_key_text(const uint8_t pk[WPK_PUBLIC_KEY_SIZE], char out[CLI_KEY_TEXT_SIZE])
{
    sodium_bin2base64(out, CLI_KEY_TEXT_SIZE, pk, WPK_PUBLIC_KEY_SIZE, sodium_base64_VARIANT_ORIGINAL);
}

/* Decode exactly `len` bytes of base64 from text (surrounding space allowed). */
static int from_base64(const char *text, size_t text_len, uint8_t *out, size_t len)
{
    size_t got;
    const char *end;
    if (sodium_base642bin(out, len, text, text_len, " \t\r\n", &got, &end, sodium_base64_VARIANT_ORIGINAL) != 0)
        return -1;
    return got == len && end == text + text_len ? 0 : -1;
}

/* The folder a key file goes in must not be writable by others: they could
 * replace the key between two runs, or read a secret key put in a file they
 * created. */
static int check_folder(const char *path)
{
    char *dir = strdup(path);
    if (!dir) return CLI_EXIT_RESOURCE;
    char *slash = strrchr(dir, '/');
    if (!slash) strcpy(dir, ".");
    else if (slash == dir) dir[1] = 0;
    else *slash = 0;
    struct stat st;
    int code = CLI_EXIT_OK;
    if (stat(dir, &st) != 0) {
        cli_error("%s: %s", dir, strerror(errno));
        code = CLI_EXIT_IO;
    } else if (st.st_mode & S_IWOTH) {
        cli_error("%s: the folder is writable by others: a key file there is not safe (use a private folder)", dir);
        code = CLI_EXIT_USAGE;
    }
    free(dir);
    return code;
}

/* A key file is written to a new file of its own (mode `mode` from the
 * start) and then linked or renamed into place: never written into a file
 * that already exists, which its owner could read (--force replaces the
 * name, not the file). */
static int write_file(const char *path, const char *head, const uint8_t *key, size_t len, mode_t mode, int force)
{
    int code = check_folder(path);
    if (code) return code;
    size_t n = strlen(path) + 8;
    char *tmp = malloc(n);
    if (!tmp) return CLI_EXIT_RESOURCE;
    snprintf(tmp, n, "%s.XXXXXX", path);
    int fd = mkostemp(tmp, O_CLOEXEC); /* 0600, a name no one else has */
    if (fd < 0) {
        cli_error("%s: cannot create: %s", tmp, strerror(errno));
        free(tmp);
        return CLI_EXIT_IO;
    }
    char b64[CLI_KEY_TEXT_SIZE * 2];
    sodium_bin2base64(b64, sizeof b64, key, len, sodium_base64_VARIANT_ORIGINAL);
    int ok = fchmod(fd, mode) == 0 && dprintf(fd, "%s\n%s\n", head, b64) > 0 && fsync(fd) == 0;
    int e = errno;
    sodium_memzero(b64, sizeof b64);
    if (close(fd) != 0 && ok) ok = 0, e = errno;
    if (!ok) {
        cli_error("%s: cannot write: %s", path, strerror(e));
        code = CLI_EXIT_IO;
    } else if (force ? rename(tmp, path) != 0 : link(tmp, path) != 0) {
        /* link() fails on an existing name: no file is ever replaced without --force. */
        e = errno;
        cli_error("%s: %s", path, e == EEXIST ? "already exists (use --force to replace it)" : strerror(e));
        code = e == EEXIST ? CLI_EXIT_USAGE : CLI_EXIT_IO;
    }
    if (!force || code) unlink(tmp);
    free(tmp);
    return code;
}

int cli_key_write_pair(const char *name, const uint8_t pk[WPK_PUBLIC_KEY_SIZE], const uint8_t sk[WPK_SECRET_KEY_SIZE],
                       int force)
{
    size_t n = strlen(name) + 5;
    char *sec = malloc(n), *pub = malloc(n);
    int code = CLI_EXIT_RESOURCE;
    if (sec && pub) {
        snprintf(sec, n, "%s.key", name);
        snprintf(pub, n, "%s.pub", name);
        struct stat st;
        code = CLI_EXIT_OK;
        /* Check both first, so that a refusal leaves nothing half written. */
        for (const char *p = sec; !force && p; p = p == sec ? pub : NULL)
            if (lstat(p, &st) == 0) {
                cli_error("%s: already exists (use --force to replace it)", p);
                code = CLI_EXIT_USAGE;
            }
        if (!code) code = write_file(sec, SEC_HEAD ": keep this file private", sk, WPK_SECRET_KEY_SIZE, 0600, force);
        if (!code && (code = write_file(pub, PUB_HEAD, pk, WPK_PUBLIC_KEY_SIZE, 0644, force)) != 0) unlink(sec);
    }
    free(sec);
    free(pub);
    return code;
}

/* Read a key file: its first line must start with head, the rest is the key. */
static int read_key_file(const char *path, int fd, const char *head, uint8_t *key, size_t len)
{
    char buf[MAX_KEY_FILE + 1];
    size_t n = 0;
    ssize_t got;
    while (n < sizeof buf && (got = read(fd, buf + n, sizeof buf - n)) != 0) {
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            cli_error("%s: %s", path, strerror(errno));
            return CLI_EXIT_IO;
        }
        n += (size_t)got;
    }
    char *nl = n <= MAX_KEY_FILE ? memchr(buf, '\n', n) : NULL;
    int code = CLI_EXIT_OK;
    if (!nl || strncmp(buf, head, strlen(head)) != 0 || from_base64(nl + 1, n - (size_t)(nl + 1 - buf), key, len)) {
        cli_error("%s: not a %s file", path, head);
        code = CLI_EXIT_USAGE;
    }
    sodium_memzero(buf, sizeof buf);
    return code;
}

int cli_key_read_secret(const char *path, uint8_t sk[WPK_SECRET_KEY_SIZE])
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        cli_error("%s: %s", path, strerror(errno));
        return CLI_EXIT_IO;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && (st.st_mode & 077))
        cli_warn("%s: secret key file can be read by others (chmod 600 it)", path);
    int code = read_key_file(path, fd, SEC_HEAD, sk, WPK_SECRET_KEY_SIZE);
    close(fd);
    uint8_t pk[WPK_PUBLIC_KEY_SIZE];
    wpk_error err;
    if (!code && wpk_public_key_of(sk, pk, &err) != 0) {
        cli_error("%s: %s", path, err.message);
        code = CLI_EXIT_USAGE;
    }
    return code;
}

int cli_key_read_public(const char *arg, uint8_t pk[WPK_PUBLIC_KEY_SIZE])
{
    int fd = open(arg, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        int code = read_key_file(arg, fd, PUB_HEAD, pk, WPK_PUBLIC_KEY_SIZE);
        close(fd);
        return code;
    }
    int e = errno;
    if (e == ENOENT && from_base64(arg, strlen(arg), pk, WPK_PUBLIC_KEY_SIZE) == 0) return CLI_EXIT_OK;
    cli_error("%s: %s", arg, e == ENOENT ? "no such key file, and not a public key in base64" : strerror(e));
    return e == ENOENT ? CLI_EXIT_USAGE : CLI_EXIT_IO;
}
