/* serve_guard.c - the deadline for a request's head, and serve's memory budget.
 *
 * libmicrohttpd's connection timeout is an idle timeout: each byte resets
 * it, so a client sending its header a byte every few seconds (slowloris)
 * would hold a connection for ever. Here every connection's head (request
 * line and headers) must arrive within a deadline counted from the
 * connection's start, or from the end of its previous response: a watcher
 * thread shuts down the sockets that miss it, and libmicrohttpd then closes
 * them. The budget bounds the bytes that requests in flight hold (entries
 * read, pages rendered, streams open): a request that would pass it is
 * answered 503 with Retry-After instead of growing the process. */
#include "serve_guard.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int64_t *head_since; /* by socket: when its head began (ms), 0 when none is awaited */
static size_t n_sockets;
static unsigned deadline_ms;
static pthread_t watcher;
static atomic_int stopping;
static atomic_uint_least64_t budget_used, budget_max;
static atomic_uint_least64_t heads_cut, refused;

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *watch(void *arg)
{
    (void)arg;
    while (!atomic_load(&stopping)) {
        usleep(250 * 1000);
        int64_t now = now_ms();
        pthread_mutex_lock(&lock);
        for (size_t fd = 0; fd < n_sockets; fd++)
            if (head_since[fd] && now - head_since[fd] > deadline_ms) {
                /* Not close(): the socket stays libmicrohttpd's, which sees
                 * it end and closes it, as for a client that went away. */
                shutdown((int)fd, SHUT_RDWR);
                head_since[fd] = 0;
                atomic_fetch_add(&heads_cut, 1);
            }
        pthread_mutex_unlock(&lock);
    }
    return NULL;
}

int serve_guard_start(size_t max_sockets, unsigned head_deadline_ms, uint64_t memory_budget)
{
    atomic_store(&budget_max, memory_budget);
    deadline_ms = head_deadline_ms;
    if (!deadline_ms) return 0;
    if (!(head_since = calloc(max_sockets, sizeof *head_since))) return -1;
    n_sockets = max_sockets;
    if (pthread_create(&watcher, NULL, watch, NULL) != 0) {
        free(head_since);
        head_since = NULL;
        return -1;
    }
    return 0;
}

void serve_guard_stop(void)
{
    if (!head_since) return;
    atomic_store(&stopping, 1);
    pthread_join(watcher, NULL);
    free(head_since);
    head_since = NULL;
}

static void set_since(int fd, int64_t when)
{
    if (!head_since || fd < 0 || (size_t)fd >= n_sockets) return;
    pthread_mutex_lock(&lock);
    head_since[fd] = when;
    pthread_mutex_unlock(&lock);
}

void serve_guard_head_begins(int fd) { set_since(fd, now_ms()); }
void serve_guard_head_done(int fd) { set_since(fd, 0); }

int serve_budget_take(uint64_t n)
{
    uint64_t used = atomic_load(&budget_used);
    uint64_t max = atomic_load(&budget_max);
    do {
        if (n > max || used > max - n) {
            atomic_fetch_add(&refused, 1);
            return -1;
        }
    } while (!atomic_compare_exchange_weak(&budget_used, &used, used + n));
    return 0;
}

void serve_budget_give(uint64_t n) { atomic_fetch_sub(&budget_used, n); }

void serve_guard_stats(serve_guard_counts *out)
{
    out->heads_cut = atomic_load(&heads_cut);
    out->refused = atomic_load(&refused);
    out->memory_used = atomic_load(&budget_used);
    out->memory_budget = atomic_load(&budget_max);
}
