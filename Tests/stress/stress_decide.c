/* Thread-stress test for the decision hot path, built with ThreadSanitizer
 * (make test-tsan). Eight threads call syslab_registry_decide while others
 * enable and disable scenarios (some with a TTL), reset the registry and
 * advance its manual clock. At the end the injections counter of the
 * metrics exposition (simulator_injections_total, summed over its series)
 * must equal the effects the deciding threads were handed.
 * Usage: stress_decide [seconds] (default 30; SYSLAB_STRESS_SECONDS also works). */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslab.h>
#include <time.h>

enum { DECIDERS = 8 };

static atomic_int stop;
static atomic_long effects_handed_out;
static atomic_long decisions;

static void fail(const char *what, int status) {
    fprintf(stderr, "stress_decide: %s failed (%d): %s\n", what, status, syslab_last_error());
    exit(1);
}

static void pause_us(long us) {
    struct timespec ts = {0, us * 1000};
    nanosleep(&ts, NULL);
}

/* Stateless, stateful (breaker, rate limits, pool) and probabilistic ones. */
static const char *const scenarios[][2] = {
    {"fixed-latency", "{\"delay_ms\": 5}"},
    {"error-burst", "{\"probability\": 0.2}"},
    {"circuit-breaker", "{\"failure_probability\": 0.3, \"open_seconds\": 1}"},
    {"429-rate-limit", NULL},
    {"connection-pool-exhaustion", NULL},
    {"slow-start", NULL},
    {"tail-latency", NULL},
    {"cache-stampede", NULL},
    {"retry-storm", NULL},
    {"memory-leak", NULL},
};
enum { SCENARIOS = sizeof scenarios / sizeof scenarios[0] };

static const char *tags[] = {"canary"};
static const syslab_request requests[3] = {
    {"/api/orders/{id}", "GET", "backend", tags, 1},
    {"/api/orders", "POST", "postgres", NULL, 0},
    {"/health", "GET", "backend", NULL, 0},
};

static void *decider(void *arg) {
    syslab_registry *r = arg;
    syslab_effect out[SYSLAB_DECIDE_CAPACITY];
    long mine = 0, calls = 0;
    while (!atomic_load(&stop)) {
        size_t n = 0;
        int status = syslab_registry_decide(r, &requests[calls % 3], out, SYSLAB_DECIDE_CAPACITY, &n);
        if (status != SYSLAB_OK) fail("syslab_registry_decide", status);
        for (size_t i = 0; i < n; i++) {
            if (out[i].scenario == NULL || out[i].kind <= 0) {
                fprintf(stderr, "stress_decide: effect %zu has no scenario or kind\n", i);
                exit(1);
            }
        }
        mine += (long)n;
        calls++;
    }
    atomic_fetch_add(&effects_handed_out, mine);
    atomic_fetch_add(&decisions, calls);
    return NULL;
}

static void *toggler(void *arg) {
    syslab_registry *r = arg;
    unsigned seed = 7;
    while (!atomic_load(&stop)) {
        int i = (int)(rand_r(&seed) % SCENARIOS);
        int status;
        if (rand_r(&seed) % 3 == 0) {
            status = syslab_registry_disable(r, scenarios[i][0]);
            if (status != SYSLAB_OK) fail("disable", status);
        } else {
            /* One in two with a TTL of 0.5 to 2 s of the manual clock. */
            double ttl = rand_r(&seed) % 2 ? 0.5 + (rand_r(&seed) % 4) * 0.5 : 0;
            status = syslab_registry_enable(r, scenarios[i][0], scenarios[i][1], ttl);
            if (status != SYSLAB_OK) fail("enable", status);
        }
        pause_us(200);
    }
    return NULL;
}

static void *resetter(void *arg) {
    syslab_registry *r = arg;
    while (!atomic_load(&stop)) {
        pause_us(20000);
        int status = syslab_registry_reset(r);
        if (status != SYSLAB_OK) fail("reset", status);
    }
    return NULL;
}

static void *clock_mover(void *arg) {
    syslab_registry *r = arg;
    while (!atomic_load(&stop)) {
        int status = syslab_registry_advance_clock(r, 0.01);
        if (status != SYSLAB_OK) fail("advance_clock", status);
        pause_us(1000);
    }
    return NULL;
}

/* Reads metrics and status while everything runs (the exposition sums shards). */
static void *reader(void *arg) {
    syslab_registry *r = arg;
    while (!atomic_load(&stop)) {
        char *text = NULL;
        int status = syslab_registry_metrics_text(r, &text);
        if (status != SYSLAB_OK) fail("metrics_text", status);
        syslab_string_free(text);
        status = syslab_registry_status_json(r, &text);
        if (status != SYSLAB_OK) fail("status_json", status);
        syslab_string_free(text);
        pause_us(50000);
    }
    return NULL;
}

/* Sums every sample line of simulator_injections_total in the exposition. */
static double injections_total(syslab_registry *r) {
    char *text = NULL;
    int status = syslab_registry_metrics_text(r, &text);
    if (status != SYSLAB_OK) fail("metrics_text", status);
    const char *prefix = "simulator_injections_total{";
    double total = 0;
    for (char *line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        if (strncmp(line, prefix, strlen(prefix)) != 0) continue;
        const char *value = strrchr(line, ' ');
        if (value != NULL) total += strtod(value + 1, NULL);
    }
    syslab_string_free(text);
    return total;
}

int main(int argc, char **argv) {
    double seconds = 30;
    const char *env = getenv("SYSLAB_STRESS_SECONDS");
    if (argc > 1) seconds = atof(argv[1]);
    else if (env != NULL) seconds = atof(env);
    if (!(seconds > 0)) {
        fprintf(stderr, "stress_decide: the duration must be a positive number of seconds\n");
        return 2;
    }
    syslab_registry *r = NULL;
    int status = syslab_registry_new_with_options(&r, "{\"seed\": 42, \"manual_clock\": true}");
    if (status != SYSLAB_OK) fail("syslab_registry_new_with_options", status);

    pthread_t deciders[DECIDERS], others[4];
    void *(*const roles[4])(void *) = {toggler, resetter, clock_mover, reader};
    for (int t = 0; t < DECIDERS; t++) pthread_create(&deciders[t], NULL, decider, r);
    for (int t = 0; t < 4; t++) pthread_create(&others[t], NULL, roles[t], r);
    struct timespec run = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
    nanosleep(&run, NULL);
    atomic_store(&stop, 1);
    for (int t = 0; t < DECIDERS; t++) pthread_join(deciders[t], NULL);
    for (int t = 0; t < 4; t++) pthread_join(others[t], NULL);

    long handed = atomic_load(&effects_handed_out);
    double counted = injections_total(r);
    printf("stress_decide: %.1f s, %ld decisions on %d threads, %ld effects handed out, simulator_injections_total %.0f\n",
           seconds, atomic_load(&decisions), DECIDERS, handed, counted);
    syslab_registry_free(r);
    if (handed == 0) {
        fprintf(stderr, "stress_decide: no effect was handed out; the test exercised nothing\n");
        return 1;
    }
    if (counted != (double)handed) {
        fprintf(stderr, "stress_decide: injections metric %.0f differs from the %ld effects handed out\n", counted, handed);
        return 1;
    }
    return 0;
}
