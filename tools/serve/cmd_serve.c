/* cmd_serve.c - `wikipack serve`: options, the archives, and the HTTP server until SIGINT/SIGTERM */
/* The server is libmicrohttpd, event-driven (epoll) with a pool of
 * threads: a slow or idle client holds a socket, not a thread, so that many
 * of them (slowloris) cannot keep others from being answered. */
#include "cli.h"
#include "import.h"
#include "serve.h"
#include "serve_http.h"
#include "serve_guard.h"

#include <arpa/inet.h>
#include <getopt.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

static const char serve_usage[] =
    "usage: wikipack serve ARCHIVE... [--port N] [--bind ADDR] [--cache-size SIZE]\n"
    "\n"
    "Serve archives to a web browser: articles rendered from markdown with\n"
    "their metadata, links between archived articles, categories, title search\n"
    "with suggestions as you type, a random article, raw entries and a JSON API.\n"
    "Each archive is served under /NAME/, NAME being its file name without .wpk.\n"
    "\n"
    "options:\n"
    "  -p, --port N         TCP port (default 8080; 0 picks a free one)\n"
    "  -b, --bind ADDR      address to listen on (default 127.0.0.1)\n"
    "      --cache-size SIZE  decompressed blocks kept for reuse, per archive, in\n"
    "                         bytes, K, M or G (default 32M; 0: none)\n"
    "      --max-connections N  clients connected at once (default 4096, at most what\n"
    "                         the open-files limit allows); more wait to be accepted\n"
    "      --per-address N  connections from one address (default 64; 0: no limit): one\n"
    "                         client cannot take them all\n"
    "      --header-timeout SECONDS  a request's line and headers must arrive within this\n"
    "                         long of the connection (or its previous answer), however\n"
    "                         they trickle (default 15; 0: no deadline)\n"
    "      --max-memory SIZE  what requests in flight may hold in all: entries read,\n"
    "                         pages rendered, large entries streamed (default 1G); past\n"
    "                         it a request is answered 503 with Retry-After\n"
    "A client idle for 30 seconds is disconnected; each connection may use 64 KiB\n"
    "for its request. Entries over 1 MiB are sent as they are decompressed;\n"
    "entries over 16 MiB are not rendered as pages (offered as stored).\n"
    CLI_REMOTE_HELP
    "  -h, --help           show this help\n"
    "\n"
    "Pages: /NAME/ (home), /NAME/A/TITLE, /NAME/id/PAGEID, /NAME/path/PATH,\n"
    "/NAME/raw/PATH, /NAME/category/CATEGORY, /NAME/search?q=, /NAME/random.\n"
    "JSON: /NAME/api/suggest?q=PREFIX, /NAME/api/entry?id=|title=|path=,\n"
    "/NAME/api/random, /api/archives.\n";

/* Bumped when pages render differently, so that ETags change with them. */
#define RENDER_VERSION "serve-1"

/* The URL prefix of an archive: its file name without .wpk, in characters
 * that need no escaping, distinct from the others and from the server's
 * own paths. */
static char *archive_name(const char *source, const serve_archive *done, size_t n_done)
{
    const char *base = source;
    size_t len = strcspn(source, "?#");
    while (len && base[len - 1] == '/') len--;
    for (size_t i = 0; i < len; i++)
        if (source[i] == '/') base = source + i + 1;
    len -= (size_t)(base - source);
    if (len > 4 && !strncmp(base + len - 4, ".wpk", 4)) len -= 4;
    if (len > 64) len = 64;
    char name[80];
    size_t k = 0;
    for (size_t i = 0; i < len; i++) {
        char c = base[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                 (c == '.' && k > 0);
        name[k++] = ok ? c : '_';
    }
    name[k] = 0;
    if (!k || !strcmp(name, "-") || !strcmp(name, "api")) snprintf(name, sizeof name, "archive");
    char unique[96];
    snprintf(unique, sizeof unique, "%s", name);
    for (int tries = 2;; tries++) {
        size_t i;
        for (i = 0; i < n_done && strcmp(done[i].name, unique); i++) {}
        if (i == n_done) break;
        snprintf(unique, sizeof unique, "%s-%d", name, tries);
    }
    return strdup(unique);
}

static uint64_t archive_tag(const serve_archive *a)
{
    uint64_t h = imp_fnv64(IMP_FNV64_INIT, RENDER_VERSION, strlen(RENDER_VERSION));
    h = imp_fnv64(h, a->name, strlen(a->name));
    const wpk_archive_info *in = &a->info;
    uint64_t v[] = {in->file_size, in->entry_count, in->block_count, in->content_bytes, in->data_bytes,
                    in->index_bytes, in->dict_size};
    return imp_fnv64(h, v, sizeof v);
}

static int parse_bind(const char *addr, int port, struct sockaddr_storage *ss, int *ipv6)
{
    struct addrinfo hints, *res;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    char portstr[8];
    snprintf(portstr, sizeof portstr, "%d", port);
    int rc = getaddrinfo(addr, portstr, &hints, &res);
    if (rc) {
        cli_error("serve: --bind %s: %s", addr, gai_strerror(rc));
        return -1;
    }
    memcpy(ss, res->ai_addr, res->ai_addrlen);
    *ipv6 = res->ai_family == AF_INET6;
    freeaddrinfo(res);
    return 0;
}

enum { OPT_CACHE_SIZE = 0x1100, OPT_MAX_CONNECTIONS, OPT_PER_ADDRESS, OPT_HEADER_TIMEOUT, OPT_MAX_MEMORY };

/* What the open-files limit allows (raised to its hard limit: a server
 * holds a socket per client), leaving room for the archives and the
 * listening socket. */
static unsigned connection_limit(uint64_t wanted)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
    }
    uint64_t room = rl.rlim_cur == RLIM_INFINITY ? wanted : rl.rlim_cur > 128 ? rl.rlim_cur - 128 : 16;
    return (unsigned)(wanted < room ? wanted : room);
}

static void quiet_log(void *cls, const char *fmt, va_list ap)
{
    /* libmicrohttpd's complaints about clients (resets, timeouts) are noise. */
}

int serve_cmd(int argc, char **argv)
{
    static const struct option opts[] = {
        {"port", required_argument, NULL, 'p'}, {"bind", required_argument, NULL, 'b'},
        {"cache-size", required_argument, NULL, OPT_CACHE_SIZE},
        {"max-connections", required_argument, NULL, OPT_MAX_CONNECTIONS},
        {"per-address", required_argument, NULL, OPT_PER_ADDRESS},
        {"header-timeout", required_argument, NULL, OPT_HEADER_TIMEOUT},
        {"max-memory", required_argument, NULL, OPT_MAX_MEMORY}, CLI_REMOTE_LONGOPTS, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
    };
    uint64_t port = 8080;
    const char *bind_addr = "127.0.0.1";
    /* A server reads the same articles again and again (and the ones near
     * them, in the same blocks): its block cache is worth sizing. */
    wpk_open_opts open_opts = WPK_OPEN_OPTS_INIT;
    uint64_t max_connections = 4096, per_address = 64, header_timeout = 15, max_memory = (uint64_t)1 << 30;
    int ch;
    while ((ch = getopt_long(argc, argv, "p:b:h", opts, NULL)) != -1) {
        switch (ch) {
        case 'p':
            if (cli_parse_u64(optarg, &port) != 0 || port > 65535) {
                cli_error("serve: --port wants a number from 0 to 65535, not \"%s\"", optarg);
                return CLI_EXIT_USAGE;
            }
            break;
        case 'b': bind_addr = optarg; break;
        case OPT_CACHE_SIZE:
            if (cli_parse_size(optarg, &open_opts.block_cache_bytes) != 0) {
                cli_error("serve: --cache-size wants a size such as 64M or 0, not \"%s\"", optarg);
                return CLI_EXIT_USAGE;
            }
            break;
        case OPT_MAX_CONNECTIONS:
            if (cli_parse_u64(optarg, &max_connections) != 0 || max_connections < 1 || max_connections > 1000000) {
                cli_error("serve: --max-connections wants a number from 1 to 1000000, not \"%s\"", optarg);
                return CLI_EXIT_USAGE;
            }
            break;
        case OPT_PER_ADDRESS:
            if (cli_parse_u64(optarg, &per_address) != 0 || per_address > 1000000) {
                cli_error("serve: --per-address wants a number from 0 to 1000000, not \"%s\"", optarg);
                return CLI_EXIT_USAGE;
            }
            break;
        case OPT_HEADER_TIMEOUT:
            if (cli_parse_u64(optarg, &header_timeout) != 0 || header_timeout > 3600) {
                cli_error("serve: --header-timeout wants a number of seconds from 0 to 3600, not \"%s\"", optarg);
                return CLI_EXIT_USAGE;
            }
            break;
        case OPT_MAX_MEMORY:
            if (cli_parse_size(optarg, &max_memory) != 0 || max_memory < ((uint64_t)1 << 20)) {
                cli_error("serve: --max-memory wants a size of at least 1M, not \"%s\"", optarg);
                return CLI_EXIT_USAGE;
            }
            break;
        default: {
            int done = cli_common_option(ch, optarg, serve_usage);
            if (done != CLI_GO_ON) return done;
        }
        }
    }
    if (optind >= argc) {
        cli_error("serve: give at least one ARCHIVE");
        fputs(serve_usage, stderr);
        return CLI_EXIT_USAGE;
    }
    struct sockaddr_storage ss;
    int ipv6 = 0;
    if (parse_bind(bind_addr, (int)port, &ss, &ipv6)) return CLI_EXIT_USAGE;

    serve_ctx ctx = {calloc((size_t)(argc - optind), sizeof(serve_archive)), 0};
    if (!ctx.a) return CLI_EXIT_RESOURCE;
    int code = CLI_EXIT_OK;
    for (int i = optind; i < argc && !code; i++) {
        serve_archive *a = &ctx.a[ctx.n];
        a->source = argv[i];
        if ((code = cli_open_with(argv[i], &open_opts, &a->r)) != 0) break;
        a->name = archive_name(argv[i], ctx.a, ctx.n);
        if (!a->name) { wpk_reader_close(a->r); code = CLI_EXIT_RESOURCE; break; }
        a->info = (wpk_archive_info)WPK_ARCHIVE_INFO_INIT;
        wpk_reader_info(a->r, &a->info);
        a->tag = archive_tag(a);
        ctx.n++;
    }

    /* Signals are taken by sigwait below: block them before any thread
     * starts, so that the server's threads inherit the mask. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct MHD_Daemon *d = NULL;
    if (!code) {
        unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL;
        if (ipv6) flags |= MHD_USE_IPv6;
        unsigned connections = connection_limit(max_connections);
        /* Requests decompress and render: a few threads per core, each
         * serving many connections. */
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        unsigned threads = (unsigned)(cores > 0 && cores < 64 ? 2 * cores : 8);
        if (threads < 4) threads = 4;
        struct rlimit rl;
        size_t sockets = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY ? (size_t)rl.rlim_cur : 65536;
        if (serve_guard_start(sockets, (unsigned)header_timeout * 1000, max_memory) != 0) {
            cli_error("serve: cannot start the request watcher");
            code = CLI_EXIT_RESOURCE;
        }
        if (!code)
            d = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, serve_access, &ctx,
                             MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
                             MHD_OPTION_THREAD_POOL_SIZE, threads,
                             MHD_OPTION_URI_LOG_CALLBACK, serve_uri_log, NULL,
                             MHD_OPTION_NOTIFY_COMPLETED, serve_completed, NULL,
                             MHD_OPTION_NOTIFY_CONNECTION, serve_connection, NULL,
                             MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
                             MHD_OPTION_CONNECTION_LIMIT, connections,
                             MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)per_address,
                             MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024,
                             MHD_OPTION_EXTERNAL_LOGGER, quiet_log, NULL,
                             MHD_OPTION_END);
        if (!d && !code) {
            cli_error("serve: cannot listen on %s port %llu (in use, or not an address of this machine?)", bind_addr,
                      (unsigned long long)port);
            code = CLI_EXIT_IO;
        }
    }
    if (d) {
        const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
        unsigned actual = info ? info->port : (unsigned)port;
        const char *host_l = ipv6 ? "[" : "", *host_r = ipv6 ? "]" : "";
        printf("wikipack: serving %zu archive%s at http://%s%s%s:%u/\n", ctx.n, ctx.n == 1 ? "" : "s", host_l,
               bind_addr, host_r, actual);
        for (size_t i = 0; i < ctx.n; i++)
            printf("  http://%s%s%s:%u/%s/  %s\n", host_l, bind_addr, host_r, actual, ctx.a[i].name, ctx.a[i].source);
        fflush(stdout);
        int sig;
        sigwait(&stop, &sig);
        MHD_stop_daemon(d);
    }
    serve_guard_stop();
    for (size_t i = 0; i < ctx.n; i++) {
        wpk_reader_close(ctx.a[i].r);
        free(ctx.a[i].name);
    }
    free(ctx.a);
    return code;
}
