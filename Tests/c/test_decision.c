/* The per-request decision API: struct layout, effects for each field,
 * targeting, buffer sizes, bad input, borrowed scenario names, use from many
 * threads, and no allocation in the steady state (malloc is interposed and
 * counted). */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <syslab.h>

#include "check.h"

#include "counting_alloc.h"

/* ---- helpers -------------------------------------------------------------- */
static syslab_registry *manual_registry(void) {
    syslab_registry *r = NULL;
    CHECK_STATUS(syslab_registry_new_with_options(&r, "{\"manual_clock\": true, \"seed\": 7}"), SYSLAB_OK);
    return r;
}

static int near(double a, double b) { return a - b < 1e-9 && b - a < 1e-9; }

static void test_layout(void) {
    CHECK(offsetof(syslab_effect, kind) == 0);
    CHECK(offsetof(syslab_effect, status) == sizeof(int));
    CHECK(offsetof(syslab_effect, seconds) == 8);
    CHECK(offsetof(syslab_effect, amount) == 16);
    CHECK(offsetof(syslab_effect, scenario) == 24);
    CHECK(sizeof(syslab_effect) == 24 + sizeof(void *));
    CHECK(offsetof(syslab_request, tag_count) == 3 * sizeof(void *) + sizeof(void *));
    CHECK(strcmp(syslab_effect_kind_name(SYSLAB_EFFECT_DELAY), "delay") == 0);
    CHECK(strcmp(syslab_effect_kind_name(SYSLAB_EFFECT_QUEUE_WAIT), "queue_wait") == 0);
    CHECK(strcmp(syslab_effect_kind_name(SYSLAB_EFFECT_INCONSISTENT_READ), "inconsistent_read") == 0);
    CHECK(strcmp(syslab_effect_kind_name(SYSLAB_EFFECT_FOREIGN_OBJECT_PROBE), "foreign_object_probe") == 0);
    CHECK(strcmp(syslab_effect_kind_name(0), "unknown") == 0);
    CHECK(strcmp(syslab_effect_kind_name(999), "unknown") == 0);
}

static void test_fields(void) {
    syslab_registry *r = manual_registry();
    syslab_effect out[SYSLAB_DECIDE_CAPACITY];
    size_t n = 99;
    syslab_request req = {"/api/orders", "GET", "backend", NULL, 0};

    CHECK_STATUS(syslab_registry_decide(r, &req, out, SYSLAB_DECIDE_CAPACITY, &n), SYSLAB_OK);
    CHECK(n == 0);

    CHECK_STATUS(syslab_registry_enable(r, "fixed-latency", "{\"delay_ms\": 250}", 0), SYSLAB_OK);
    CHECK_STATUS(syslab_registry_enable(r, "error-burst", "{\"probability\": 1, \"status_code\": 503}", 0), SYSLAB_OK);
    CHECK_STATUS(syslab_registry_enable(r, "partial-response", "{\"probability\": 1, \"min_fraction\": 0.5, \"max_fraction\": 0.5}", 0), SYSLAB_OK);
    CHECK_STATUS(syslab_registry_decide(r, &req, out, SYSLAB_DECIDE_CAPACITY, &n), SYSLAB_OK);
    CHECK(n == 3);
    CHECK(out[0].kind == SYSLAB_EFFECT_DELAY && near(out[0].seconds, 0.25) && out[0].status == 0 && out[0].amount == 0);
    CHECK(strcmp(out[0].scenario, "fixed-latency") == 0);
    CHECK(out[1].kind == SYSLAB_EFFECT_ERROR && out[1].status == 503 && strcmp(out[1].scenario, "error-burst") == 0);
    CHECK(out[2].kind == SYSLAB_EFFECT_TRUNCATE && near(out[2].amount, 0.5) && strcmp(out[2].scenario, "partial-response") == 0);

    /* A NULL request is an empty one. */
    CHECK_STATUS(syslab_registry_decide(r, NULL, out, SYSLAB_DECIDE_CAPACITY, &n), SYSLAB_OK);
    CHECK(n == 3);

    /* The borrowed name outlives the activation. */
    const char *name = out[0].scenario;
    CHECK_STATUS(syslab_registry_reset(r), SYSLAB_OK);
    CHECK(strcmp(name, "fixed-latency") == 0);
    syslab_registry_free(r);
}

static void test_targeting_and_expiry(void) {
    syslab_registry *r = manual_registry();
    syslab_effect out[8];
    size_t n = 0;
    CHECK_STATUS(syslab_registry_enable(r, "fixed-latency",
                     "{\"delay_ms\": 10, \"target\": {\"route\": \"/api/*\", \"method\": \"POST\", \"tags\": [\"canary\"]}}", 30),
                 SYSLAB_OK);
    const char *tags[] = {"eu", "canary"};
    syslab_request hit = {"/api/orders/{id}", "post", "backend", tags, 2};
    syslab_request wrong_route = {"/health", "POST", "backend", tags, 2};
    syslab_request no_tag = {"/api/orders/{id}", "POST", "backend", tags, 1};
    CHECK_STATUS(syslab_registry_decide(r, &hit, out, 8, &n), SYSLAB_OK);
    CHECK(n == 1);
    CHECK_STATUS(syslab_registry_decide(r, &wrong_route, out, 8, &n), SYSLAB_OK);
    CHECK(n == 0);
    CHECK_STATUS(syslab_registry_decide(r, &no_tag, out, 8, &n), SYSLAB_OK);
    CHECK(n == 0);
    CHECK_STATUS(syslab_registry_advance_clock(r, 30), SYSLAB_OK);
    CHECK_STATUS(syslab_registry_decide(r, &hit, out, 8, &n), SYSLAB_OK);
    CHECK(n == 0); /* expired */
    syslab_registry_free(r);
}

static void test_capacity_and_bad_input(void) {
    syslab_registry *r = manual_registry();
    syslab_effect out[4];
    size_t n = 0;
    CHECK_STATUS(syslab_registry_enable(r, "deadlock", "{\"probability\": 1, \"max_retries\": 1}", 0), SYSLAB_OK);
    /* deadlock at p=1 emits lock_wait, retry, error */
    CHECK_STATUS(syslab_registry_decide(r, NULL, out, 1, &n), SYSLAB_ELIMIT);
    CHECK(n == 3 && out[0].kind == SYSLAB_EFFECT_LOCK_WAIT);
    CHECK_CONTAINS(syslab_last_error(), "did not fit");
    CHECK_STATUS(syslab_registry_decide(r, NULL, NULL, 0, &n), SYSLAB_ELIMIT);
    CHECK(n == 3);
    CHECK_STATUS(syslab_registry_decide(r, NULL, out, 4, &n), SYSLAB_OK);
    CHECK(n == 3 && out[1].kind == SYSLAB_EFFECT_RETRY && out[2].kind == SYSLAB_EFFECT_ERROR && out[2].status == 500);

    CHECK_STATUS(syslab_registry_decide(NULL, NULL, out, 4, &n), SYSLAB_EINVAL);
    CHECK_STATUS(syslab_registry_decide(r, NULL, out, 4, NULL), SYSLAB_EINVAL);
    CHECK_STATUS(syslab_registry_decide(r, NULL, NULL, 4, &n), SYSLAB_EINVAL);
    syslab_request bad_utf8 = {"/caf\xc3", "GET", NULL, NULL, 0};
    CHECK_STATUS(syslab_registry_decide(r, &bad_utf8, out, 4, &n), SYSLAB_EUTF8);
    CHECK_CONTAINS(syslab_last_error(), "request.route is not valid UTF-8");
    const char *null_tag[] = {"ok", NULL};
    syslab_request nulls = {"/", "GET", NULL, null_tag, 2};
    CHECK_STATUS(syslab_registry_decide(r, &nulls, out, 4, &n), SYSLAB_EINVAL);
    CHECK_CONTAINS(syslab_last_error(), "request.tags[1] is NULL");
    syslab_request missing_tags = {"/", "GET", NULL, NULL, 3};
    CHECK_STATUS(syslab_registry_decide(r, &missing_tags, out, 4, &n), SYSLAB_EINVAL);
    syslab_request too_many = {"/", "GET", NULL, null_tag, 65};
    CHECK_STATUS(syslab_registry_decide(r, &too_many, out, 4, &n), SYSLAB_ELIMIT);
    CHECK_CONTAINS(syslab_last_error(), "at most 64 tags, got 65");
    /* A huge size_t is reported as the value passed, not as a negative number. */
    syslab_request huge = {"/", "GET", NULL, null_tag, (size_t)-1};
    CHECK_STATUS(syslab_registry_decide(r, &huge, out, 4, &n), SYSLAB_ELIMIT);
    CHECK_CONTAINS(syslab_last_error(), "got 18446744073709551615");
    syslab_registry_free(r);
}

static void test_lua_scenario_errors_are_statuses(void) {
    syslab_registry *r = manual_registry();
    syslab_effect out[4];
    size_t n = 0;
    CHECK_STATUS(syslab_registry_load_lua_string(r,
                     "registry:define{name = 'lua-broken', effects = {'delay'},\n"
                     "  apply = function() return {kind = 'error', status = 500} end}\n", "broken.lua"),
                 SYSLAB_OK);
    CHECK_STATUS(syslab_registry_enable(r, "lua-broken", NULL, 0), SYSLAB_OK);
    CHECK_STATUS(syslab_registry_decide(r, NULL, out, 4, &n), SYSLAB_EINVAL);
    CHECK_CONTAINS(syslab_last_error(), "declares only delay");
    syslab_registry_free(r);
}

/* ---- many threads --------------------------------------------------------- */
enum { THREADS = 8, PER_THREAD = 5000 };
static syslab_registry *shared;
static atomic_long shared_errors;

static void *decide_loop(void *arg) {
    (void)arg;
    syslab_effect out[SYSLAB_DECIDE_CAPACITY];
    syslab_request req = {"/api/items", "GET", "backend", NULL, 0};
    for (int i = 0; i < PER_THREAD; i++) {
        size_t n = 0;
        if (syslab_registry_decide(shared, &req, out, SYSLAB_DECIDE_CAPACITY, &n) != SYSLAB_OK || n != 2) {
            atomic_fetch_add(&shared_errors, 1);
        }
    }
    return NULL;
}

static void test_threads(void) {
    shared = manual_registry();
    CHECK_STATUS(syslab_registry_enable(shared, "error-burst", "{\"probability\": 1}", 0), SYSLAB_OK);
    CHECK_STATUS(syslab_registry_enable(shared, "fixed-latency", "{\"delay_ms\": 1}", 0), SYSLAB_OK);
    pthread_t threads[THREADS];
    for (int i = 0; i < THREADS; i++) pthread_create(&threads[i], NULL, decide_loop, NULL);
    for (int i = 0; i < THREADS; i++) pthread_join(threads[i], NULL);
    CHECK(atomic_load(&shared_errors) == 0);
    char *text = NULL;
    CHECK_STATUS(syslab_registry_metrics_text(shared, &text), SYSLAB_OK);
    CHECK_CONTAINS(text, "simulator_injections_total{scenario=\"error-burst\",effect=\"error\"} 40000\n");
    CHECK_CONTAINS(text, "http_injected_errors_total{scenario=\"error-burst\",status=\"500\"} 40000\n");
    CHECK_CONTAINS(text, "http_injected_latency_seconds_count{scenario=\"fixed-latency\"} 40000\n");
    syslab_string_free(text);
    syslab_registry_free(shared);
}

/* ---- allocations ---------------------------------------------------------- */
static const char *const busy_scenarios[][2] = {
    {"fixed-latency", NULL},
    {"error-burst", NULL},
    {"variable-latency", NULL},
    {"tail-latency", NULL},
    {"slow-db-query", NULL},
    {"lock-contention", NULL},
    {"retry-storm", NULL},
    {"connection-pool-exhaustion", "{\"pool_size\": 4, \"hold_ms\": 1}"},
    {"intermittent-5xx", "{\"probability\": 0.5}"},
    {"circuit-breaker", NULL},
};

/* The advanced scenarios (performance, security, cost, mobile, AI/ML): measured, probing, pricing or modelled, their decisions allocate nothing either. */
static const char *const advanced_scenarios[][2] = {
    {"binary-search-vs-linear", "{\"n\": 1000}"},
    {"hashmap-vs-treemap", "{\"n\": 1000}"},
    {"batch-vs-single", NULL},
    {"async-vs-sync-io", NULL},
    {"json-vs-protobuf", "{\"records_per_request\": 10}"},
    {"eager-vs-lazy-loading", "{\"items\": 50, \"accessed_fraction\": 1}"},
    {"pagination-strategies", "{\"rows\": 10000, \"page\": 10}"},
    {"sorting-algorithms", "{\"n\": 500}"},
    {"compression-tradeoffs", "{\"payload_bytes\": 4096}"},
    {"caching-layers", "{\"keys\": 1000, \"l1_entries\": 10, \"l2_entries\": 100}"},
    {"pii-leak", "{\"probability\": 0.5}"},
    {"audit-log-failure", "{\"policy\": \"fail_open\"}"},
    {"encryption-overhead", NULL},
    {"auth-bypass", "{\"probability\": 0.5}"},
    {"sql-injection", "{\"probability\": 0.5}"},
    {"csrf-attack", "{\"probability\": 0.5}"},
    {"data-breach", "{\"probability\": 0.5}"},
    {"compliance-violation", "{\"probability\": 0.5}"},
    {"oversized-response", NULL},
    {"inefficient-serialization", "{\"records_per_request\": 10}"},
    {"cold-start", "{\"keep_warm_seconds\": 0.0005}"},
    {"idle-connection", NULL},
    {"uncompressed-payload", "{\"payload_bytes\": 4096}"},
    {"unnecessary-polling", NULL},
    {"over-provisioned-resources", NULL},
    {"data-transfer-costs", NULL},
    {"flaky-mobile-network", NULL},
    {"battery-drain", NULL},
    {"offline-first-sync", "{\"cycle_seconds\": 1, \"offline_seconds\": 1}"},
    {"3g-bandwidth-limit", NULL},
    {"mobile-timeout", NULL},
    {"cellular-vs-wifi", NULL},
    {"app-background-kill", "{\"kill_probability\": 0.3}"},
    {"poor-cellular-signal", NULL},
    {"model-serving-cold-start", "{\"keep_loaded_seconds\": 0.0005}"},
    {"inference-timeout", NULL},
    {"feature-store-lag", NULL},
    {"gpu-contention", NULL},
    {"model-version-mismatch", NULL},
    {"batch-inference-delay", NULL},
    {"feature-drift", NULL},
    {"model-memory-oom", NULL},
};

static void check_no_allocation(const char *const scenarios[][2], size_t count) {
    if (!SYSLAB_COUNTING_ALLOC) {
        printf("test_decision: allocation count skipped (a sanitizer owns the allocator)\n");
        return;
    }
    syslab_registry *r = manual_registry();
    for (size_t i = 0; i < count; i++) {
        CHECK_STATUS(syslab_registry_enable(r, scenarios[i][0], scenarios[i][1], 0), SYSLAB_OK);
    }
    const char *tags[] = {"canary"};
    syslab_request reqs[3] = {
        {"/api/orders/{id}", "GET", "backend", tags, 1},
        {"/api/orders", "POST", "backend", NULL, 0},
        {"/health", "GET", NULL, NULL, 0},
    };
    syslab_effect out[SYSLAB_DECIDE_CAPACITY];
    size_t n = 0;
    long effects = 0;
    /* Warm up: request shapes, label series and per-activation state are created on first use. */
    for (int i = 0; i < 3000; i++) {
        CHECK_STATUS(syslab_registry_decide(r, &reqs[i % 3], out, SYSLAB_DECIDE_CAPACITY, &n), SYSLAB_OK);
        CHECK_STATUS(syslab_registry_advance_clock(r, 0.001), SYSLAB_OK);
    }
    long before = atomic_load(&allocations);
    for (int i = 0; i < 20000; i++) {
        CHECK_STATUS(syslab_registry_decide(r, &reqs[i % 3], out, SYSLAB_DECIDE_CAPACITY, &n), SYSLAB_OK);
        effects += (long)n;
    }
    long during = atomic_load(&allocations) - before;
    printf("test_decision: %ld allocations in 20000 decisions with %zu active scenarios (%ld effects)\n", during, count, effects);
    CHECK(effects > 20000);
    CHECK(during == 0);
    syslab_registry_free(r);
}

static void test_no_allocation_in_steady_state(void) {
    check_no_allocation(busy_scenarios, sizeof busy_scenarios / sizeof busy_scenarios[0]);
    check_no_allocation(advanced_scenarios, sizeof advanced_scenarios / sizeof advanced_scenarios[0]);
}

/* The enabled-scenario word follows enable, disable, reset and expiry. */
static void test_active_word(void) {
    syslab_registry *r = manual_registry();
    const int64_t *word = NULL;
    CHECK_STATUS(syslab_registry_active_word(NULL, &word), SYSLAB_EINVAL);
    CHECK_STATUS(syslab_registry_active_word(r, NULL), SYSLAB_EINVAL);
    CHECK_STATUS(syslab_registry_active_word(r, &word), SYSLAB_OK);
    CHECK(word != NULL);
    if (word == NULL) { syslab_registry_free(r); return; }
    CHECK(__atomic_load_n(word, __ATOMIC_ACQUIRE) == 0);
    CHECK_STATUS(syslab_registry_enable(r, "fixed-latency", NULL, 10), SYSLAB_OK);
    CHECK(__atomic_load_n(word, __ATOMIC_ACQUIRE) == 1);
    CHECK_STATUS(syslab_registry_enable(r, "error-burst", NULL, 0), SYSLAB_OK);
    CHECK(__atomic_load_n(word, __ATOMIC_ACQUIRE) == 2);
    CHECK_STATUS(syslab_registry_disable(r, "error-burst"), SYSLAB_OK);
    CHECK(__atomic_load_n(word, __ATOMIC_ACQUIRE) == 1);
    /* An expired scenario counts until a decision drops it. */
    CHECK_STATUS(syslab_registry_advance_clock(r, 10), SYSLAB_OK);
    syslab_effect out[4];
    size_t n = 0;
    syslab_request any = {"/x", "GET", "backend", NULL, 0};
    CHECK_STATUS(syslab_registry_decide(r, &any, out, 4, &n), SYSLAB_OK);
    CHECK(n == 0);
    CHECK(__atomic_load_n(word, __ATOMIC_ACQUIRE) == 0);
    CHECK_STATUS(syslab_registry_enable(r, "fixed-latency", NULL, 0), SYSLAB_OK);
    CHECK_STATUS(syslab_registry_reset(r), SYSLAB_OK);
    CHECK(__atomic_load_n(word, __ATOMIC_ACQUIRE) == 0);
    syslab_registry_free(r);
}

int main(void) {
    test_layout();
    test_active_word();
    test_fields();
    test_targeting_and_expiry();
    test_capacity_and_bad_input();
    test_lua_scenario_errors_are_statuses();
    test_threads();
    test_no_allocation_in_steady_state();
    return check_report("test_decision");
}
