/* cmd_verify.c - `wikipack verify`: report every damaged entry or block, and check the signature */
/* The signature is checked against a trusted key with --pubkey. */
#include "cli_commands.h"
#include "cli_json.h"
#include "keyfile.h"
#include "progress.h"

#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char verify_usage[] =
    "usage: wikipack verify ARCHIVE [--quick] [--pubkey KEY] [--json] [--quiet]\n"
    "\n"
    "Check the archive: header, section table, every index page and every block\n"
    "against both its checksum and its BLAKE2b hash, that these cover the whole\n"
    "file, that each block is covered by its entries, the indexes against the\n"
    "entries; without --quick also decompress every block. A signed archive's\n"
    "signature must match its bytes.\n"
    "\n"
    "Checksums catch accidents, not deliberate changes: with --pubkey (a .pub\n"
    "file from 'wikipack keygen', or the key itself in base64) the archive must\n"
    "also be signed, by that key.\n"
    "\n"
    "Every problem is reported. Exit status 0 only if the archive is intact\n"
    "(and signed by KEY, with --pubkey), 1 otherwise.\n"
    "\n"
    "options:\n"
    "      --quick          checksums only, no decompression\n"
    "      --pubkey KEY     require a signature by KEY\n"
    "      --json           one JSON object on stdout: {archive, ok, level, entries,\n"
    "                       index_pages, blocks, content_bytes, problems: [{code\n"
    "                       (corrupt, io, nomem, format, limit), offset, message}],\n"
    "                       signature: {signed, public_key, trusted}}\n"
    "  -q, --quiet          no progress display\n"
    CLI_REMOTE_HELP;

/* A stable name for a library error code, for --json. */
static const char *code_name(int code)
{
    switch (code) {
    case WPK_E_IO: return "io";
    case WPK_E_NOMEM: return "nomem";
    case WPK_E_FORMAT: return "format";
    case WPK_E_CORRUPT: return "corrupt";
    case WPK_E_LIMIT: return "limit";
    default: return "other";
    }
}

/* Problems go to stderr, or into the JSON array when there is one. */
static void report(void *ctx, const wpk_error *e)
{
    json_t *problems = ctx;
    if (!problems) {
        cli_error("%s", e->message);
        return;
    }
    json_array_append_new(problems, json_pack("{s:s, s:o, s:o}", "code", code_name(e->code), "offset",
                                              e->has_offset ? json_integer((json_int_t)e->offset) : json_null(),
                                              "message", cli_json_text(e->message, NULL)));
}

static void print_json(json_t *o)
{
    char *text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (text) puts(text); /* jansson escapes every control character in strings */
    free(text);
    json_decref(o);
}

/* With a trusted key: the archive must be signed by it. Verification has
 * already checked the signature against the archive's bytes, so comparing
 * keys is enough (and saves reading the file again). */
static int check_signer(wpk_reader *r, const char *path, const uint8_t *trusted)
{
    wpk_error err;
    memset(&err, 0, sizeof err);
    wpk_signature_info sig;
    int rc = wpk_reader_signature(r, &sig, &err);
    if (rc == WPK_E_NOTFOUND) {
        cli_error("%s: archive is not signed", path);
        return CLI_EXIT_DAMAGED;
    }
    if (!rc && memcmp(sig.public_key, trusted, WPK_PUBLIC_KEY_SIZE) != 0) {
        char text[CLI_KEY_TEXT_SIZE];
        cli_key_text(sig.public_key, text);
        cli_error("%s: signed by a different key (%s)", path, text);
        return CLI_EXIT_DAMAGED;
    }
    return rc ? cli_fail(&err, rc) : CLI_EXIT_OK;
}

int cli_cmd_verify(int argc, char **argv)
{
    static const struct option opts[] = {
        {"quick", no_argument, NULL, 'Q'}, {"pubkey", required_argument, NULL, 'p'},
        {"json", no_argument, NULL, 'J'},  {"quiet", no_argument, NULL, 'q'},
        CLI_REMOTE_LONGOPTS, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
    };
    int quick = 0, json = 0, quiet = 0, ch;
    const char *key = NULL;
    while ((ch = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
        switch (ch) {
        case 'Q': quick = 1; break;
        case 'J': json = 1; break;
        case 'q': quiet = 1; break;
        case 'p': key = optarg; break;
        default: {
            int done = cli_common_option(ch, optarg, verify_usage);
            if (done != CLI_GO_ON) return done;
        }
        }
    }
    if (optind + 1 != argc) {
        fputs(verify_usage, stderr);
        return CLI_EXIT_USAGE;
    }
    const char *path = argv[optind];
    uint8_t trusted[WPK_PUBLIC_KEY_SIZE];
    int code = key ? cli_key_read_public(key, trusted) : CLI_EXIT_OK;
    if (code) return code;
    wpk_reader *r;
    code = cli_open(path, &r);
    if (code) {
        if (code == CLI_EXIT_DAMAGED) cli_error("%s: DAMAGED", path);
        if (json) print_json(json_pack("{s:o, s:b, s:s}", "archive", cli_json_text(path, NULL), "ok", 0, "error", "cannot be opened"));
        return code;
    }
    wpk_error err;
    memset(&err, 0, sizeof err);
    wpk_verify_stats st = WPK_VERIFY_STATS_INIT;
    json_t *problems = json ? json_array() : NULL;
    cli_progress pg;
    cli_progress_init(&pg, quiet || json);
    wpk_reader_set_progress(r, cli_progress_update, &pg);
    /* Verification includes the signature, when there is one, whoever signed. */
    int rc = wpk_reader_verify(r, quick ? WPK_VERIFY_QUICK : WPK_VERIFY_FULL, report, problems, &st, &err);
    cli_progress_done(&pg);
    wpk_signature_info sig;
    int is_signed = rc == WPK_OK && wpk_reader_signature(r, &sig, NULL) == WPK_OK;
    if (rc == WPK_OK && key) code = check_signer(r, path, trusted);
    wpk_reader_close(r);
    char text[CLI_KEY_TEXT_SIZE] = "";
    if (is_signed) cli_key_text(sig.public_key, text);
    if (json) {
        if (rc && rc != WPK_E_CORRUPT) report(problems, &err);
        json_t *signature = json_pack("{s:b, s:o, s:o}", "signed", is_signed, "public_key",
                                      is_signed ? json_string(text) : json_null(), "trusted",
                                      key ? json_boolean(is_signed && !code) : json_null());
        print_json(json_pack("{s:o, s:b, s:s, s:I, s:I, s:I, s:I, s:o, s:o}", "archive", cli_json_text(path, NULL), "ok",
                             rc == WPK_OK && !code, "level", quick ? "quick" : "full", "entries",
                             (json_int_t)st.entries_checked, "index_pages", (json_int_t)st.pages_checked, "blocks",
                             (json_int_t)st.blocks_checked, "content_bytes", (json_int_t)st.bytes_checked, "problems",
                             problems, "signature", signature));
        return rc == WPK_E_CORRUPT ? CLI_EXIT_DAMAGED : rc ? cli_exit_code(rc) : code;
    }
    if (rc == WPK_E_CORRUPT) {
        cli_error("%s: DAMAGED: %llu problem(s)", path, (unsigned long long)st.problems);
        return CLI_EXIT_DAMAGED;
    }
    if (rc) return cli_fail(&err, rc);
    if (code) {
        cli_error("%s: NOT TRUSTED: not signed by %s", path, key);
        return code;
    }
    printf("%s: OK (%s): %llu entries, %llu index pages, %llu blocks", path, quick ? "quick" : "full",
           (unsigned long long)st.entries_checked, (unsigned long long)st.pages_checked,
           (unsigned long long)st.blocks_checked);
    if (!quick) printf(", %llu content bytes checked", (unsigned long long)st.bytes_checked);
    printf("\n");
    if (is_signed)
        printf("%s: signature valid, by %s%s\n", path, text,
               key ? " (the trusted key)" : "; use --pubkey to require a key you trust");
    return CLI_EXIT_OK;
}
