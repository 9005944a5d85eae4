/* cli.h - the conventions of every wikipack program: messages, exit codes, options, opening an archive */
/* Every name declared here starts with cli_ (CLI_ for constants). */
#ifndef WPK_CLI_H
#define WPK_CLI_H

#include "wikipack.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

/* Exit codes (documented in --help and the README). */
enum {
    CLI_EXIT_OK = 0,
    CLI_EXIT_DAMAGED = 1,    /* archive damaged (checksum or structure), or not signed by the trusted key */
    CLI_EXIT_USAGE = 2,      /* bad command line or bad input file name */
    CLI_EXIT_NOTFOUND = 3,   /* no entry matches */
    CLI_EXIT_IO = 4,         /* a file could not be read or written */
    CLI_EXIT_FORMAT = 5,     /* not a wikipack archive, or an unsupported version */
    CLI_EXIT_RESOURCE = 6    /* out of memory or over a configured limit */
};

extern const char *cli_prog;

/* Print "wikipack: message" to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Text from an archive for a terminal, as ls and git show names: control
 * characters (C0, DEL, C1) and bytes that are not UTF-8 as \xHH, so that
 * no escape sequence in a title reaches the terminal. `keep` lets tabs
 * (CLI_KEEP_TAB) or line feeds (CLI_KEEP_NEWLINE) through, or shows tabs and
 * line breaks as spaces (CLI_BLANKS_AS_SPACE: one column, one line). */
enum { CLI_KEEP_TAB = 1, CLI_KEEP_NEWLINE = 2, CLI_BLANKS_AS_SPACE = 4 };
/* Length of the valid UTF-8 sequence at p (n >= 1 bytes left), with its
 * code point in *cp; 0 when the bytes there are not UTF-8 (RFC 3629: no
 * overlong form, surrogate or code point above U+10FFFF). */
size_t cli_utf8_len(const unsigned char *p, size_t n, uint32_t *cp);
void cli_put_safe(FILE *f, const char *s, size_t n, int keep);
/* printf through cli_put_safe, tabs kept and a final line feed. */
void cli_print(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_vwarn(const char *fmt, va_list ap);
/* Map a library error code to an exit code. */
int cli_exit_code(int wpk_code);
/* Report a library error and return its exit code. */
int cli_fail(const wpk_error *err, int code);
/* Fill err with a code and message; returns the code. */
int cli_set_error(wpk_error *err, int code, const char *msg);
/* Parse a decimal u64; 0 on success. */
int cli_parse_u64(const char *s, uint64_t *out);
/* Parse a size with an optional K/M/G suffix (binary units). */
int cli_parse_size(const char *s, uint64_t *out);
/* Open an archive: a path, or an http(s):// URL read through Range requests
 * (cli_remote.c; --timeout and --download apply). */
int cli_open(const char *path, wpk_reader **r);
/* The same with open options (NULL: the library's defaults). */
int cli_open_with(const char *path, const wpk_open_opts *opts, wpk_reader **r);
int cli_is_url(const char *s);
/* Options of every command that reads an archive, for URLs; --pubkey of
 * the commands that read entries (cli_commands.h). */
enum { CLI_OPT_TIMEOUT = 0x1000, CLI_OPT_DOWNLOAD, CLI_OPT_PUBKEY, CLI_OPT_NO_FOLLOW, CLI_OPT_RENDER, CLI_OPT_MAX_DOWNLOAD,
       CLI_OPT_MAX_EXPANSION };
/* Open archives trusting only this key (cli_open): the signature is
 * checked at open and every page and block read against it. */
void cli_trust(const uint8_t key[WPK_PUBLIC_KEY_SIZE]);
#define CLI_REMOTE_LONGOPTS \
    {"timeout", required_argument, NULL, CLI_OPT_TIMEOUT}, {"download", no_argument, NULL, CLI_OPT_DOWNLOAD}, \
    {"max-download", required_argument, NULL, CLI_OPT_MAX_DOWNLOAD}, \
    {"max-expansion", required_argument, NULL, CLI_OPT_MAX_EXPANSION}
#define CLI_REMOTE_HELP \
    "      --max-expansion N  refuse a block over 1 MiB that expands more than N times\n" \
    "                         its stored size (default 1024; text expands 3 to 150)\n" \
    "ARCHIVE may be an http:// or https:// URL, read through HTTP Range requests:\n" \
    "      --timeout SECONDS  give up on a request after this long (default 30; with\n" \
    "                         --download, on the whole download, no limit unless given)\n" \
    "      --download         fetch the whole file first (servers without range support),\n" \
    "                         into memory: at most --max-download bytes (default 2G), at\n" \
    "                         most 5 redirects (http and https only), and given up when\n" \
    "                         less than 1 KiB a second arrives for 30 seconds\n" \
    "      --max-download SIZE  the largest file --download fetches (K, M, G suffixes)\n"
int cli_remote_option(int ch, const char *arg);
/* The options every command ends its getopt switch with (its `default:`):
 * --help prints usage on stdout (exit 0), the archive options --timeout
 * and --download are taken (cli_remote_option), anything else prints
 * usage on stderr (exit 2). Returns CLI_GO_ON to go on parsing, else the
 * exit code to return. */
#define CLI_GO_ON (-1)
int cli_common_option(int ch, const char *arg, const char *usage);
/* After the options: the command's `operands` operands are there (else
 * usage on stderr, CLI_EXIT_USAGE), and the first is opened (cli_open). */
int cli_open_operand(int argc, char **argv, int operands, const char *usage, wpk_reader **r);
/* "2024-12-14T19:42:35Z" or "-" when unknown. */
void cli_format_updated(const wpk_entry *e, char *buf, size_t cap);
int cli_want_help(int argc, char **argv);

#endif
