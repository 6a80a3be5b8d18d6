/* Decision hot-path benchmark. Two tables, both beside a no-op call into the
 * library (syslab_version_number) as the reference:
 *   1. one thread: ns per syslab_registry_decide call with 0, 1 and 10 active
 *      scenarios, and malloc calls per decision (malloc is interposed and
 *      counted);
 *   2. threads: for 0, 1 and 10 active, at 1, 2, 4 ... up to twice the
 *      machine's core count, every thread deciding on one shared registry:
 *      ns per decision (per thread), total decisions/s, and scaling
 *      efficiency = throughput(N) / (N x throughput(1)).
 * Usage: bench_decision [calls per row] [--store redis://host:port/db] (the
 * thread table runs a quarter of that per thread). With --store, each
 * registry keeps its enabled set in Redis (workspaces bench-0, bench-1 and
 * bench-10, reset first), so the figures show whether an attached store
 * moves the hot path. Prints figures; asserts nothing. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslab.h>
#include <time.h>
#include <unistd.h>

#include "counting_alloc.h" /* Tests/c: malloc interposed and counted */

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* CPU time of the calling thread: on a machine shared with other work, the
 * CPU time per call stays close to the idle figure while wall time does not. */
static double thread_cpu_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
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
    syslab_registry *r; /* NULL: the no-op call */
    long calls;
    long effects;
    pthread_barrier_t *start;
    double began, ended;
} run;

static void *decide_calls(void *arg) {
    run *job = arg;
    syslab_effect out[SYSLAB_DECIDE_CAPACITY];
    long effects = 0;
    volatile int sink = 0;
    if (job->start) pthread_barrier_wait(job->start);
    job->began = now_ns();
    for (long i = 0; i < job->calls; i++) {
        if (job->r == NULL) {
            sink += syslab_version_number();
            continue;
        }
        size_t n = 0;
        int status = syslab_registry_decide(job->r, &requests[i & 3], out, SYSLAB_DECIDE_CAPACITY, &n);
        if (status != SYSLAB_OK) fail("syslab_registry_decide", status);
        effects += (long)n;
    }
    job->ended = now_ns();
    job->effects = effects + (sink == 42);
    return NULL;
}

/* Runs `threads` threads of `calls` each (after a warm-up on each thread);
 * returns the wall time from the first start to the last end, in ns. */
static double run_threads(syslab_registry *r, long calls, int threads, long *effects) {
    run *jobs = calloc((size_t)threads, sizeof *jobs);
    pthread_t *ids = calloc((size_t)threads, sizeof *ids);
    pthread_barrier_t start;
    if (!jobs || !ids) { fprintf(stderr, "bench_decision: out of memory\n"); exit(1); }
    pthread_barrier_init(&start, NULL, (unsigned)threads);
    for (int t = 0; t < threads; t++) jobs[t] = (run){r, calls, 0, &start, 0, 0};
    for (int t = 0; t < threads; t++) pthread_create(&ids[t], NULL, decide_calls, &jobs[t]);
    double first = 0, last = 0;
    *effects = 0;
    for (int t = 0; t < threads; t++) {
        pthread_join(ids[t], NULL);
        if (t == 0 || jobs[t].began < first) first = jobs[t].began;
        if (t == 0 || jobs[t].ended > last) last = jobs[t].ended;
        *effects += jobs[t].effects;
    }
    pthread_barrier_destroy(&start);
    free(jobs);
    free(ids);
    return last - first;
}

static void single_row(const char *label, syslab_registry *r, long calls) {
    run warm = {r, calls / 10, 0, NULL, 0, 0};
    decide_calls(&warm); /* request shapes, per-thread caches, series, state */
    run job = {r, calls, 0, NULL, 0, 0};
    long before = atomic_load(&allocations);
    double cpu = thread_cpu_ns();
    decide_calls(&job);
    cpu = thread_cpu_ns() - cpu;
    long allocs = atomic_load(&allocations) - before;
    printf("  %-36s %9.1f ns/call (%7.1f CPU)   %6.3f allocs/call   %5.2f effects/call\n", label,
           (job.ended - job.began) / (double)calls, cpu / (double)calls, (double)allocs / (double)calls,
           (double)job.effects / (double)calls);
}

static void thread_rows(const char *label, syslab_registry *r, long calls, int max_threads) {
    double single = 0;
    for (int n = 1; n <= max_threads; n *= 2) {
        long effects = 0;
        /* A short untimed run first, so each new thread's caches are warm. */
        run_threads(r, calls / 20 + 1, n, &effects);
        double wall = run_threads(r, calls, n, &effects);
        double per_second = (double)calls * n / (wall / 1e9);
        if (n == 1) single = per_second;
        printf("  %-14s %7d %12.1f %14.3f %10.2f\n", label, n, wall / (double)calls, per_second / 1e6,
               per_second / ((double)n * single));
    }
}

static const char *store_url = NULL;

static syslab_registry *registry_with(size_t active) {
    syslab_registry *r = NULL;
    char options[512];
    if (store_url)
        snprintf(options, sizeof options, "{\"seed\": 1, \"store\": \"%s\", \"workspace\": \"bench-%zu\"}", store_url, active);
    else
        snprintf(options, sizeof options, "{\"seed\": 1}");
    int status = syslab_registry_new_with_options(&r, options);
    if (status != SYSLAB_OK) fail("syslab_registry_new", status);
    if (store_url && (status = syslab_registry_reset(r)) != SYSLAB_OK) fail("reset", status);
    for (size_t i = 0; i < active; i++) {
        status = syslab_registry_enable(r, ten[i][0], ten[i][1], 0);
        if (status != SYSLAB_OK) fail("enable", status);
    }
    return r;
}

int main(int argc, char **argv) {
    long calls = 1000000;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--store") == 0 && i + 1 < argc) {
            store_url = argv[++i];
            if (strlen(store_url) > 400 || strpbrk(store_url, "\"\\")) {
                fprintf(stderr, "bench_decision: --store URL must be under 400 bytes, without quotes or backslashes\n");
                return 2;
            }
        } else {
            calls = atol(argv[i]);
        }
    }
    if (calls < 1000) calls = 1000;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (cores < 1) cores = 1;
    int max_threads = (int)(2 * cores);
    syslab_registry *registries[3] = {registry_with(0), registry_with(1), registry_with(10)};
    const char *labels[3] = {"0 active", "1 active", "10 active"};

    printf("syslab_registry_decide, one thread, %ld calls per row, libsyslab %s, enabled set %s%s\n", calls,
           syslab_version(), store_url ? "in Redis at " : "in memory", store_url ? store_url : "");
    single_row("no-op call (syslab_version_number)", NULL, calls);
    single_row("decide, 0 active scenarios", registries[0], calls);
    single_row("decide, 1 active (fixed-latency)", registries[1], calls);
    single_row("decide, 10 active", registries[2], calls);

    long per_thread = calls / 4;
    printf("\nthreads on one registry, %ld calls per thread, %ld cores online\n", per_thread, cores);
    printf("  %-14s %7s %12s %14s %10s\n", "", "threads", "ns/decision", "total M/s", "efficiency");
    thread_rows("no-op call", NULL, per_thread, max_threads);
    for (int i = 0; i < 3; i++) thread_rows(labels[i], registries[i], per_thread, max_threads);
    for (int i = 0; i < 3; i++) syslab_registry_free(registries[i]);
    return 0;
}
