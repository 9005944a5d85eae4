/* serve_guard.h - request head deadline and memory budget of `wikipack serve` (serve_guard.c). */
#ifndef WPK_SERVE_GUARD_H
#define WPK_SERVE_GUARD_H

#include <stddef.h>
#include <stdint.h>

/* Start watching sockets below max_sockets: a head not complete within
 * head_deadline_ms (0: no deadline) of its start is cut. memory_budget:
 * what serve_budget_take hands out in all. -1 when the watcher cannot start. */
int serve_guard_start(size_t max_sockets, unsigned head_deadline_ms, uint64_t memory_budget);
void serve_guard_stop(void);
/* A connection's socket awaits a request head (accepted, or its previous
 * response sent); its head is complete. */
void serve_guard_head_begins(int fd);
void serve_guard_head_done(int fd);

/* Reserve n bytes of the budget for a request: 0, or -1 when it would pass
 * the budget (the caller answers 503). Give back what was taken. */
int serve_budget_take(uint64_t n);
void serve_budget_give(uint64_t n);

typedef struct serve_guard_counts {
    uint64_t heads_cut;      /* connections cut at the head deadline */
    uint64_t refused;        /* requests refused for the budget */
    uint64_t memory_used, memory_budget;
} serve_guard_counts;
void serve_guard_stats(serve_guard_counts *out);

#endif
