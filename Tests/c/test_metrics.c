/* The metrics exposition through the C ABI: framework and scenario metrics,
 * the text format, NULL handling, and `promtool check metrics` passing with
 * every built-in scenario enabled and decisions made (the four event-sourcing
 * built-ins act only on the order store; Tests/c/test_orders.c). */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <syslab.h>
#include <unistd.h>

#include "check.h"

static int all_lines_are_well_formed(const char *text) {
    /* Each line is a comment (# HELP / # TYPE) or "name[{labels}] value". */
    const char *line = text;
    while (*line) {
        const char *end = strchr(line, '\n');
        if (end == NULL) return 0; /* the exposition ends with a newline */
        if (line[0] == '#') {
            if (strncmp(line, "# HELP ", 7) != 0 && strncmp(line, "# TYPE ", 7) != 0) return 0;
        } else {
            const char *space = NULL;
            for (const char *p = end - 1; p > line; p--) {
                if (*p == ' ') { space = p; break; }
            }
            if (space == NULL || space == end - 1) return 0;
        }
        line = end + 1;
    }
    return 1;
}

static void test_framework_metrics(void) {
    syslab_registry *r = NULL;
    char *text = NULL;
    CHECK_STATUS(syslab_registry_new_with_options(&r, "{\"manual_clock\": true}"), SYSLAB_OK);
    CHECK_STATUS(syslab_registry_metrics_text(r, &text), SYSLAB_OK);
    CHECK_CONTAINS(text, "# TYPE simulator_scenarios_enabled gauge\nsimulator_scenarios_enabled 0\n");
    syslab_string_free(text);

    CHECK_STATUS(syslab_registry_enable(r, "fixed-latency", "{\"delay_ms\": 100}", 60), SYSLAB_OK);
    syslab_effect out[8];
    size_t n = 0;
    for (int i = 0; i < 3; i++) CHECK_STATUS(syslab_registry_decide(r, NULL, out, 8, &n), SYSLAB_OK);
    CHECK_STATUS(syslab_registry_metrics_text(r, &text), SYSLAB_OK);
    CHECK_CONTAINS(text, "simulator_scenarios_enabled 1\n");
    CHECK_CONTAINS(text, "simulator_scenarios_active_total{scenario=\"fixed-latency\"} 1\n");
    CHECK_CONTAINS(text, "simulator_injections_total{scenario=\"fixed-latency\",effect=\"delay\"} 3\n");
    CHECK_CONTAINS(text, "simulator_effect_duration_seconds_bucket{scenario=\"fixed-latency\",effect=\"delay\",le=\"0.1\"} 3\n");
    CHECK_CONTAINS(text, "simulator_effect_duration_seconds_bucket{scenario=\"fixed-latency\",effect=\"delay\",le=\"+Inf\"} 3\n");
    CHECK_CONTAINS(text, "simulator_effect_duration_seconds_count{scenario=\"fixed-latency\",effect=\"delay\"} 3\n");
    CHECK_CONTAINS(text, "# HELP http_injected_latency_seconds ");
    CHECK_CONTAINS(text, "http_injected_latency_seconds_sum{scenario=\"fixed-latency\"} 0.30000000000000004\n");
    CHECK(all_lines_are_well_formed(text));
    syslab_string_free(text);

    CHECK_STATUS(syslab_registry_advance_clock(r, 60), SYSLAB_OK);
    CHECK_STATUS(syslab_registry_metrics_text(r, &text), SYSLAB_OK);
    CHECK_CONTAINS(text, "simulator_scenarios_enabled 0\n"); /* expired at scrape time */
    syslab_string_free(text);

    text = (char *)1;
    CHECK_STATUS(syslab_registry_metrics_text(NULL, &text), SYSLAB_EINVAL);
    CHECK_STATUS(syslab_registry_metrics_text(r, NULL), SYSLAB_EINVAL);
    syslab_registry_free(r);
}

static void test_promtool_accepts_everything_enabled(void) {
    syslab_registry *r = NULL;
    CHECK_STATUS(syslab_registry_new_with_options(&r, "{\"manual_clock\": true, \"seed\": 11}"), SYSLAB_OK);
    char *json = NULL;
    CHECK_STATUS(syslab_registry_catalogue_json(r, &json), SYSLAB_OK);
    /* Enable every name in the catalogue: find each "name":"..." at scenario level. */
    int enabled = 0;
    for (const char *p = json; (p = strstr(p, "\"origin\":\"builtin\"")) != NULL; p++) enabled++;
    CHECK(enabled == 96);
    syslab_string_free(json);
    static const char *const names[] = {
        "fixed-latency", "error-burst", "slow-db-query", "lock-contention", "algorithmic-degradation", "circuit-breaker",
        "retry-storm", "connection-pool-exhaustion", "cache-stampede", "cpu-spike", "memory-leak", "disk-full",
        "network-partition", "clock-skew", "resource-starvation", "stale-read", "cache-warming-failure",
        "cache-invalidation-race", "read-through-cache-failure", "write-behind-cache-lag", "n-plus-one-query",
        "missing-index", "deadlock", "connection-leak", "long-running-transaction", "rate-limit", "timeout-cascade",
        "partial-response", "api-version-mismatch", "dns-resolution-failure", "double-write", "phantom-read",
        "optimistic-locking-collision", "async-callback-storm", "event-ordering-violation", "variable-latency",
        "tail-latency", "timeout-too-short", "timeout-too-long", "slow-start", "intermittent-5xx", "503-backpressure",
        "502-bad-gateway", "499-client-disconnect", "429-rate-limit", "thread-pool-exhaustion", "file-descriptor-leak",
        "memory-pressure", "disk-io-saturation", "bandwidth-limit", "binary-search-vs-linear", "hashmap-vs-treemap",
        "batch-vs-single", "async-vs-sync-io", "json-vs-protobuf", "eager-vs-lazy-loading", "pagination-strategies",
        "sorting-algorithms", "compression-tradeoffs", "caching-layers", "pii-leak", "audit-log-failure",
        "encryption-overhead", "auth-bypass", "sql-injection", "csrf-attack", "data-breach", "compliance-violation",
        "oversized-response", "inefficient-serialization", "cold-start", "idle-connection", "uncompressed-payload",
        "unnecessary-polling", "over-provisioned-resources", "data-transfer-costs",
        "flaky-mobile-network", "battery-drain", "offline-first-sync", "3g-bandwidth-limit", "mobile-timeout",
        "cellular-vs-wifi", "app-background-kill", "poor-cellular-signal",
        "model-serving-cold-start", "inference-timeout", "feature-store-lag", "gpu-contention", "model-version-mismatch",
        "batch-inference-delay", "feature-drift", "model-memory-oom",
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        CHECK_STATUS(syslab_registry_enable(r, names[i], NULL, 0), SYSLAB_OK);
    }
    const char *tags[] = {"canary"};
    syslab_request req = {"/api/orders/{id}", "GET", "backend", tags, 1};
    /* Every built-in at once: SYSLAB_DECIDE_CAPACITY holds all their effects. */
    syslab_effect out[SYSLAB_DECIDE_CAPACITY];
    size_t n = 0;
    long effects = 0;
    for (int i = 0; i < 2000; i++) {
        CHECK_STATUS(syslab_registry_decide(r, &req, out, sizeof out / sizeof out[0], &n), SYSLAB_OK);
        effects += (long)n;
        CHECK_STATUS(syslab_registry_advance_clock(r, 0.01), SYSLAB_OK);
    }
    CHECK(effects > 2000);

    char *text = NULL;
    CHECK_STATUS(syslab_registry_metrics_text(r, &text), SYSLAB_OK);
    CHECK_CONTAINS(text, "simulator_scenarios_enabled 92\n");
    CHECK_CONTAINS(text, "# TYPE circuit_breaker_state gauge\n");
    CHECK_CONTAINS(text, "# TYPE connection_pool_wait_seconds histogram\n");
    CHECK_CONTAINS(text, "benchmark_operation_seconds{scenario=\"sorting-algorithms\",variant=\"insertion\"} ");
    CHECK(all_lines_are_well_formed(text));

    char path[] = "/tmp/syslab-metrics-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd >= 0) {
        size_t length = strlen(text);
        CHECK(write(fd, text, length) == (ssize_t)length);
        close(fd);
        char command[256];
        snprintf(command, sizeof command, "promtool check metrics < %s", path);
        int status = system(command);
        if (status != 0) fprintf(stderr, "test_metrics: `%s` failed (status %d); is the prometheus package installed?\n", command, status);
        CHECK(status == 0);
        unlink(path);
    }
    syslab_string_free(text);
    syslab_registry_free(r);
}

int main(void) {
    test_framework_metrics();
    test_promtool_accepts_everything_enabled();
    return check_report("test_metrics");
}
