/* Decision hot-path benchmark: nanoseconds per syslab_registry_decide call
 * with 0, 1 and 10 active scenarios, beside a no-op call into the library
 * (syslab_version_number) as the reference, plus malloc calls per decision
 * (malloc is interposed and counted). Prints a table; asserts nothing. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslab.h>
#include <time.h>

#include "counting_alloc.h" /* Tests/c: malloc interposed and counted */

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void fail(const char *what, int status) {
    fprintf(stderr, "bench_decision: %s failed (%d): %s\n", what, status, syslab_last_error());
    exit(1);
}

/* Ten scenarios a host might run together. */
static const char *const ten[][2] = {
    {"fixed-latency", "{\"delay_ms\": 5}"},
    {"error-burst", "{\"probability\": 0.05}"},
    {"variable-latency", NULL},
    {"tail-latency", NULL},
    {"slow-db-query", NULL},
    {"lock-contention", NULL},
    {"retry-storm", NULL},
    {"stale-read", NULL},
    {"n-plus-one-query", NULL},
    {"circuit-breaker", "{\"failure_probability\": 0.01}"},
};

static const char *tags[] = {"canary"};
static const syslab_request requests[4] = {
    {"/api/orders/{id}", "GET", "backend", tags, 1},
    {"/api/orders", "POST", "backend", NULL, 0},
    {"/api/users/{id}", "GET", "backend", NULL, 0},
    {"/health", "GET", "backend", NULL, 0},
};

typedef struct {
    syslab_registry *r;
    long calls;
    long effects;
} run;

static void *decide_calls(void *arg) {
    run *job = arg;
    syslab_effect out[SYSLAB_DECIDE_CAPACITY];
    long effects = 0;
    for (long i = 0; i < job->calls; i++) {
        size_t n = 0;
        int status = syslab_registry_decide(job->r, &requests[i & 3], out, SYSLAB_DECIDE_CAPACITY, &n);
        if (status != SYSLAB_OK) fail("syslab_registry_decide", status);
        effects += (long)n;
    }
    job->effects = effects;
    return NULL;
}

static void report(const char *label, double ns, long calls, long allocs, long effects) {
    printf("  %-44s %9.1f ns/call   %6.3f allocs/call   %5.2f effects/call\n", label, ns / (double)calls,
           (double)allocs / (double)calls, (double)effects / (double)calls);
}

static void bench_decide(const char *label, syslab_registry *r, long calls, int threads) {
    run jobs[8];
    pthread_t ids[8];
    for (int t = 0; t < threads; t++) jobs[t] = (run){r, calls / 10, 0};
    for (int t = 0; t < threads; t++) decide_calls(&jobs[t]); /* warm-up: request shapes, series, state */
    for (int t = 0; t < threads; t++) jobs[t] = (run){r, calls, 0};
    long before = atomic_load(&allocations);
    double start = now_ns();
    if (threads == 1) {
        decide_calls(&jobs[0]);
    } else {
        for (int t = 0; t < threads; t++) pthread_create(&ids[t], NULL, decide_calls, &jobs[t]);
        for (int t = 0; t < threads; t++) pthread_join(ids[t], NULL);
    }
    double elapsed = now_ns() - start;
    long allocs = atomic_load(&allocations) - before;
    long effects = 0;
    for (int t = 0; t < threads; t++) effects += jobs[t].effects;
    /* With several threads: wall time per decision across all of them (throughput). */
    report(label, elapsed, calls * threads, allocs, effects);
}

int main(int argc, char **argv) {
    long calls = argc > 1 ? atol(argv[1]) : 1000000;
    if (calls < 1000) calls = 1000;
    printf("syslab_registry_decide, %ld calls per row, libsyslab %s\n", calls, syslab_version());

    /* Reference: a call into the library that does nothing. */
    volatile int sink = 0;
    for (long i = 0; i < calls / 10; i++) sink += syslab_version_number();
    long before = atomic_load(&allocations);
    double start = now_ns();
    for (long i = 0; i < calls; i++) sink += syslab_version_number();
    double elapsed = now_ns() - start;
    report("no-op call (syslab_version_number)", elapsed, calls, atomic_load(&allocations) - before, 0);

    syslab_registry *r = NULL;
    int status = syslab_registry_new_with_options(&r, "{\"seed\": 1}");
    if (status != SYSLAB_OK) fail("syslab_registry_new", status);
    bench_decide("decide, 0 active scenarios", r, calls, 1);
    status = syslab_registry_enable(r, ten[0][0], ten[0][1], 0);
    if (status != SYSLAB_OK) fail("enable", status);
    bench_decide("decide, 1 active (fixed-latency)", r, calls, 1);
    for (size_t i = 1; i < sizeof ten / sizeof ten[0]; i++) {
        status = syslab_registry_enable(r, ten[i][0], ten[i][1], 0);
        if (status != SYSLAB_OK) fail("enable", status);
    }
    bench_decide("decide, 10 active", r, calls, 1);
    bench_decide("decide, 10 active, 2 threads (wall/decision)", r, calls, 2);
    syslab_registry_free(r);
    return sink == 42 ? 1 : 0;
}
