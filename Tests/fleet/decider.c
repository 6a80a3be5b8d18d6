/* One member of the fleet test (Tests/fleet): a registry attached to the
 * Redis store that decides for one request in a loop and prints each decision
 * as a line on stdout:
 *
 *   <unix seconds, microseconds> <store connected: 1 or 0> <scenario:kind,... or ->
 *
 * Usage: decider STORE_URL WORKSPACE [SECONDS]. It stops on SIGTERM or
 * SIGINT, after SECONDS (default 600, so it never outlives a broken test),
 * or when stdout is closed. Exit status 0 on a clean stop, 1 on an error. */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslab.h>
#include <time.h>

static volatile sig_atomic_t stopping = 0;

static void on_signal(int signal_number) {
    (void)signal_number;
    stopping = 1;
}

static double unix_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* 1 when the status JSON says the store is connected, 0 when it says it is
 * not, -1 when the status cannot be read. */
static int store_connected(syslab_registry *registry) {
    char *status = NULL;
    if (syslab_registry_status_json(registry, &status) != SYSLAB_OK) return -1;
    const char *store = strstr(status, "\"store\"");
    int connected = -1;
    if (store && strstr(store, "\"connected\":true")) connected = 1;
    else if (store && strstr(store, "\"connected\":false")) connected = 0;
    syslab_string_free(status);
    return connected;
}

int main(int argc, char **argv) {
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: %s STORE_URL WORKSPACE [SECONDS]\n", argv[0]);
        return 2;
    }
    double run_for = argc == 4 ? strtod(argv[3], NULL) : 600.0;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_signal;
    sigaction(SIGTERM, &action, NULL);
    sigaction(SIGINT, &action, NULL);

    char options[1024];
    int length = snprintf(options, sizeof options,
                          "{\"store\": \"%s\", \"workspace\": \"%s\", \"instance\": \"c-decider\"}", argv[1], argv[2]);
    if (length < 0 || (size_t)length >= sizeof options) {
        fprintf(stderr, "decider: store URL or workspace too long\n");
        return 2;
    }
    syslab_registry *registry = NULL;
    int rc = syslab_registry_new_with_options(&registry, options);
    if (rc != SYSLAB_OK) {
        fprintf(stderr, "decider: %s: %s\n", syslab_strerror(rc), syslab_last_error());
        return 1;
    }

    syslab_request request = {.route = "/api/orders", .method = "GET", .component = "backend"};
    syslab_effect effects[SYSLAB_DECIDE_CAPACITY];
    struct timespec pause = {0, 10 * 1000 * 1000}; /* about 100 decisions a second */
    double deadline = unix_seconds() + run_for;
    int status = 0;
    while (!stopping && unix_seconds() < deadline) {
        size_t count = 0;
        double decided_at = unix_seconds();
        rc = syslab_registry_decide(registry, &request, effects, SYSLAB_DECIDE_CAPACITY, &count);
        if (rc != SYSLAB_OK) {
            fprintf(stderr, "decider: decide: %s: %s\n", syslab_strerror(rc), syslab_last_error());
            status = 1;
            break;
        }
        printf("%.6f %d ", decided_at, store_connected(registry));
        if (count == 0) fputs("-", stdout);
        for (size_t i = 0; i < count; i++)
            printf("%s%s:%s", i ? "," : "", effects[i].scenario, syslab_effect_kind_name(effects[i].kind));
        if (putchar('\n') == EOF || fflush(stdout) != 0) break; /* the reader is gone */
        nanosleep(&pause, NULL);
    }
    syslab_registry_free(registry);
    return status;
}
